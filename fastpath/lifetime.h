/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/lifetime.h: SA lifetimes (RFC 4301 §4.4.2.1) and sequence number exhaustion, on the SA's worker. */
#ifndef FASTIPSEC_LIFETIME_H
#define FASTIPSEC_LIFETIME_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>

#include "common/counters.h"
#include "common/ev.h"
#include "common/sa_rt.h"
#include "fastpath/drop.h"
#include "fastpath/worker.h"

/*
 * RFC 4301 §4.4.2.1 asks for a soft limit (warn, rekey) and a hard limit
 * (the SA is terminated) in bytes and packets, and leaves the exact edge
 * to the implementation.  Ours, the same for ESP and AH, both directions:
 *
 *   - What counts.  The owning worker counts a packet outbound when it is
 *     committed to the SA (it has taken its sequence number, before
 *     crypto), inbound only after its ICV verified and it passed
 *     anti-replay and the trailer checks.  Bytes are those of the packet
 *     as it is outside the tunnel, the bytes the SA counters show (the
 *     RFC's SHOULD counts the bytes the algorithm covers: ours differ by
 *     the ESP padding and trailer or the AH header, a few bytes a packet).
 *   - Soft.  The packet that brings packets to soft_packets, or bytes to
 *     soft_bytes or beyond, sends one EV_SA_LIFETIME; traffic goes on.
 *   - Hard.  The SA processes at most hard_packets packets, and stops
 *     once bytes >= hard_bytes: the packet that reaches the limit is the
 *     last one accepted, every later one is dropped as DROP_SA_EXPIRED
 *     (inbound too: the SA is terminated, RFC 4301 §4.4.2.1), one event.
 *   - Sequence numbers (RFC 4303 §3.3.3, RFC 4302 §3.3.2): without ESN
 *     the counter must not cycle.  The packet that takes seq_max (2^32 - 1,
 *     or 2^64 - 1 with ESN) is the last one sent, one event
 *     (EV_SA_SEQ_EXHAUSTED), and every later one is dropped as
 *     DROP_SEQ_EXHAUSTED: never a wrapped number.
 *
 * A limit of 0 is no limit.  When one packet reaches soft and hard at
 * once, both events go, soft first.  The state flag is written before the
 * event is sent: a full event ring loses the event (worker_event() counts
 * it), never the state change.  All of it runs on the SA's owning worker;
 * per packet it costs one flag test before the work and two compares
 * after the count.  Only lifetime_init() runs on the control core.
 */

/*
 * The lowest of @p soft (unless already reported) and @p hard that is
 * set; UINT64_MAX when none is left.
 */
static inline uint64_t
lifetime_next(uint64_t soft, uint64_t hard, bool soft_done)
{
	uint64_t n = UINT64_MAX;

	if (!soft_done && soft != 0)
		n = soft;
	if (hard != 0 && hard < n)
		n = hard;
	return n;
}

/*
 * Set the limits of @p lt (0: none) and clear its state.  Control core,
 * before the record is published.  Returns 0, or -EINVAL when a soft
 * limit is above its hard one (both set).
 */
static inline int
lifetime_init(struct sa_lifetime *lt, uint64_t soft_packets, uint64_t hard_packets,
    uint64_t soft_bytes, uint64_t hard_bytes)
{
	if ((soft_packets != 0 && hard_packets != 0 && soft_packets > hard_packets) ||
	    (soft_bytes != 0 && hard_bytes != 0 && soft_bytes > hard_bytes))
		return -EINVAL;
	lt->soft_packets = soft_packets;
	lt->hard_packets = hard_packets;
	lt->soft_bytes = soft_bytes;
	lt->hard_bytes = hard_bytes;
	lt->state = 0;
	lt->next_packets = lifetime_next(soft_packets, hard_packets, false);
	lt->next_bytes = lifetime_next(soft_bytes, hard_bytes, false);
	return 0;
}

/* One EV_SA_LIFETIME with the SA's counters as they are now. */
static inline void
lifetime_event(struct worker *w, const struct sa_counters *cnt, uint32_t sa_id, uint32_t spi_be,
    uint64_t seq, uint8_t flags, uint8_t limit)
{
	struct ev ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = EV_SA_LIFETIME;
	ev.flags = flags;
	ev.limit = limit;
	ev.sa_id = sa_id;
	ev.spi = rte_be_to_cpu_32(spi_be);
	ev.seq = seq;
	ev.packets = cnt->packets;
	ev.bytes = cnt->bytes;
	worker_event(w, &ev);
}

/*
 * The counters reached lt->next_packets or lt->next_bytes: record which
 * limits were reached, then report each once.  Also called once for a
 * record whose lifetime was zeroed instead of set by lifetime_init(): it
 * finds nothing and sets next_* to UINT64_MAX.
 */
static inline __rte_cold void
lifetime_reached(struct worker *w, struct sa_lifetime *lt, const struct sa_counters *cnt,
    uint32_t sa_id, uint32_t spi_be, uint64_t seq, uint8_t flags)
{
	uint8_t st = lt->state, soft = 0, hard = 0;

	if ((st & SA_LT_SOFT) == 0) {
		if (lt->soft_packets != 0 && cnt->packets >= lt->soft_packets)
			soft = EV_SA_SOFT_PACKETS;
		else if (lt->soft_bytes != 0 && cnt->bytes >= lt->soft_bytes)
			soft = EV_SA_SOFT_BYTES;
	}
	if ((st & SA_LT_HARD) == 0) {
		if (lt->hard_packets != 0 && cnt->packets >= lt->hard_packets)
			hard = EV_SA_HARD_PACKETS;
		else if (lt->hard_bytes != 0 && cnt->bytes >= lt->hard_bytes)
			hard = EV_SA_HARD_BYTES;
	}
	if (soft != 0)
		st |= SA_LT_SOFT;
	if (hard != 0)
		st |= SA_LT_HARD;
	__atomic_store_n(&lt->state, st, __ATOMIC_RELAXED);
	if ((st & SA_LT_HARD) != 0) {
		lt->next_packets = UINT64_MAX;
		lt->next_bytes = UINT64_MAX;
	} else {
		lt->next_packets =
		    lifetime_next(lt->soft_packets, lt->hard_packets, (st & SA_LT_SOFT) != 0);
		lt->next_bytes =
		    lifetime_next(lt->soft_bytes, lt->hard_bytes, (st & SA_LT_SOFT) != 0);
	}
	if (soft != 0)
		lifetime_event(w, cnt, sa_id, spi_be, seq, flags, soft);
	if (hard != 0)
		lifetime_event(w, cnt, sa_id, spi_be, seq, flags, hard);
}

/* Outbound: @p sa has used its last sequence number; record and report it once. */
static inline __rte_cold void
lifetime_seq_exhausted(struct worker *w, struct sa_rt_out *sa, uint8_t flags)
{
	if ((sa->lt.state & SA_LT_SEQ) != 0)
		return;
	__atomic_store_n(&sa->lt.state, sa->lt.state | SA_LT_SEQ, __ATOMIC_RELAXED);
	lifetime_event(w, &sa->cnt, sa->id, sa->spi, sa->seq, flags, EV_SA_SEQ_EXHAUSTED);
}

/*
 * Outbound, before a packet is committed to @p sa: DROP_NONE, or why the
 * SA takes no more (hard lifetime, sequence numbers used up).  @p flags:
 * EV_SA_F_* of the SA, for the event.
 */
static inline enum drop_reason
lifetime_out_check(struct worker *w, struct sa_rt_out *sa, uint8_t flags)
{
	if (unlikely((sa->lt.state & SA_LT_HARD) != 0))
		return DROP_SA_EXPIRED;
	if (unlikely(sa->seq >= sa->seq_max)) {
		/* Normally recorded when the last number went out; also covers a seq set from outside. */
		lifetime_seq_exhausted(w, sa, flags);
		return DROP_SEQ_EXHAUSTED;
	}
	return DROP_NONE;
}

/*
 * Outbound: count a packet of @p bytes just committed to @p sa (it has
 * taken sequence number sa->seq), then check the limits.
 */
static inline void
lifetime_out_count(struct worker *w, struct sa_rt_out *sa, uint32_t bytes, uint8_t flags)
{
	counter_add(&sa->cnt.packets, 1);
	counter_add(&sa->cnt.bytes, bytes);
	if (unlikely(sa->seq >= sa->seq_max))
		lifetime_seq_exhausted(w, sa, flags);
	if (unlikely(sa->cnt.packets >= sa->lt.next_packets || sa->cnt.bytes >= sa->lt.next_bytes))
		lifetime_reached(w, &sa->lt, &sa->cnt, sa->id, sa->spi, sa->seq, flags);
}

/* Inbound: has @p sa reached its hard lifetime (its packets are dropped as DROP_SA_EXPIRED)? */
static inline bool
lifetime_in_stopped(const struct sa_rt_in *sa)
{
	return unlikely((sa->lt.state & SA_LT_HARD) != 0);
}

/*
 * Inbound: count a packet of @p bytes (sequence number @p seq) that @p sa
 * authenticated and accepted, then check the limits.
 */
static inline void
lifetime_in_count(struct worker *w, struct sa_rt_in *sa, uint64_t seq, uint32_t bytes,
    uint8_t flags)
{
	counter_add(&sa->cnt.packets, 1);
	counter_add(&sa->cnt.bytes, bytes);
	if (unlikely(sa->cnt.packets >= sa->lt.next_packets || sa->cnt.bytes >= sa->lt.next_bytes))
		lifetime_reached(w, &sa->lt, &sa->cnt, sa->id, sa->key.spi, seq, flags);
}

#endif
