/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/worker.h: a worker lcore, its queues, buffers and counters. */
#ifndef FASTIPSEC_WORKER_H
#define FASTIPSEC_WORKER_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_rcu_qsbr.h>
#include <intel-ipsec-mb.h>

#include "common/counters.h"
#include "common/ev.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/sa_rt.h"
#include "fastpath/crypto_q.h"
#include "fastpath/drop.h"
#include "fastpath/neigh_table.h"
#include "fastpath/reasm.h"

/* Counters of one worker: written by it alone, read by telemetry (counter_read()). */
struct worker_stats {
	uint64_t rx;              /* packets received */
	uint64_t tx;              /* packets sent */
	uint64_t arp_replies;     /* ARP replies for our addresses */
	uint64_t nd_replies;      /* neighbour advertisements for our addresses */
	uint64_t echo_replies;    /* ICMP and ICMPv6 echo replies */
	uint64_t ctl_tx;          /* packets sent for the control core */
	uint64_t ctl_tx_deferred; /* ... that waited a pass for room in the tx queue */
	uint64_t events;          /* events sent to the control core */
	uint64_t events_dropped;  /* events lost: the event ring was full */
	uint64_t sa_msgs;         /* SA messages applied */
	uint64_t sa_msg_failed;   /* SA messages that could not be applied (SAD full, unknown) */
	uint64_t handoff_out;     /* packets handed to the worker that owns their SA */
	uint64_t handoff_in;      /* packets other workers handed to this one */
	uint64_t ike_punted;      /* IKE datagrams (UDP 500, 4500 with marker) sent to control */
	uint64_t natt_keepalives; /* NAT-T keepalives received (RFC 3948 §2.3) */
	uint64_t pmtu_learned;    /* ICMP errors that lowered an outbound SA's path MTU */
	uint64_t loops;           /* passes of the poll loop */
	uint64_t busy_cycles;     /* TSC cycles spent on passes that had packets */
	uint64_t drops[DROP__MAX];
};

struct worker_rxq {
	uint16_t port; /* index in port_table */
	uint16_t queue;
};

/*
 * One per worker lcore.  Owner: that lcore; the control core writes it
 * only before the worker starts, and reads the stats; the ctl_tx ring is
 * the control core's (single producer) to this worker (single consumer).
 */
struct worker {
	unsigned int index; /* 0 .. n_workers-1: also its tx queue on every port */
	unsigned int lcore;
	unsigned int n_rxq;
	struct worker_rxq rxq[PORTS_MAX];
	IMB_MGR *mb;        /* this lcore's intel-ipsec-mb manager */
	struct crypto_q cq; /* packets whose crypto is in flight in mb (fastpath/crypto_q.h) */
	/* control core -> this worker: mbufs to send (port in mbuf->port) */
	struct rte_ring *ctl_tx;
	/* this worker -> control core: struct ev by value */
	struct rte_ring *ev;
	/*
	 * other workers -> this worker: mbufs for SAs this worker owns (STYLE
	 * rule 14).  Many producers (lock-free CAS enqueue, never waiting), one
	 * consumer.  What to do with the mbuf is in m->hash.usr (HANDOFF_*).
	 */
	struct rte_ring *handoff;
	/* control core -> this worker: struct sa_msg by value (fastpath/sa_sync.c) */
	struct rte_ring *sa_ring;
	struct sad *sad;                  /* inbound SAs, all of them (fastpath/sad.c) */
	struct sa_rt_out *sa_out[SA_MAX]; /* outbound SAs by slot id */
	struct neigh_cache ncache;        /* next hops this worker sent to lately */
	struct reasm *reasm; /* fragments addressed to the gateway (fastpath/reasm.c) */
	uint16_t n_tx[PORTS_MAX];
	struct rte_mbuf *tx[PORTS_MAX][BURST_MAX];
	/* control frames the tx queue had no room for: sent before any data next pass */
	uint16_t n_ctl_pend;
	struct rte_mbuf *ctl_pend[BURST_MAX];
	/* worker_no_sa(): when it last reported, and the drops since then */
	uint64_t no_sa_tsc;
	uint64_t no_sa_unreported;
	struct worker_stats stats __rte_cache_aligned;
} __rte_cache_aligned;

struct spd;

struct worker_set {
	unsigned int n;
	struct worker *w[WORKERS_MAX];
	/*
	 * Grace periods for SA records: worker i is QSBR thread i and reports
	 * quiescence at the top of every pass, right after sa_sync_apply().
	 */
	struct rte_rcu_qsbr *qsbr;
	/*
	 * The SPD (fastpath/spd.c): built by the control core before the
	 * workers start, replaced by pointer when IKE pairs bring policies of
	 * their own (slowpath/spd_ctl.c); the old one is freed after a grace
	 * period.  Read it through worker_spd().
	 */
	const struct spd *spd;
};

extern struct worker_set worker_set;

/*
 * The SPD now: take it once for a classification and the policies its
 * result names (a match index of one SPD means nothing in the next);
 * it stays valid until this worker's next quiescent state.
 */
static inline const struct spd *
worker_spd(void)
{
	return __atomic_load_n(&worker_set.spd, __ATOMIC_ACQUIRE);
}

/* Set when the workers must leave their loops (written by the control core). */
extern volatile bool worker_stop;

/*
 * Create a worker for every worker lcore and assign it rx queues (queue q of
 * every port goes to worker q).  Control core, after port_setup().
 */
int worker_setup(char *err, size_t errlen);
void worker_teardown(void);

/* The lcore entry point (rte_eal_remote_launch). */
int worker_main(void *arg);

/* Drop @p m for @p why: count and free.  Worker lcore. */
static inline void
worker_drop(struct worker *w, struct rte_mbuf *m, enum drop_reason why)
{
	counter_add(&w->stats.drops[why], 1);
	rte_pktmbuf_free(m);
}

/*
 * Report @p ev to the control core; never waits: a full ring loses it
 * (counted) and returns false, and an mbuf in ev->ptr stays the caller's.
 */
static inline bool
worker_event(struct worker *w, struct ev *ev)
{
	if (rte_ring_sp_enqueue_elem(w->ev, ev, sizeof(*ev)) == 0) {
		counter_add(&w->stats.events, 1);
		return true;
	}
	counter_add(&w->stats.events_dropped, 1);
	return false;
}

/*
 * Traffic on an SA, after its counters moved: the control core logs the
 * seed's "ESP [...]" / "AH [...]" for the first packet of every SA and,
 * with IPsec diagnostics on, again at every power-of-two packet count (a
 * logarithmic rate limit).  The per-packet cost is one test.
 */
static inline void
worker_sa_activity(struct worker *w, uint32_t sa_id, uint32_t spi_be, uint64_t seq,
    uint64_t packets, uint8_t flags)
{
	struct ev ev;

	if (likely((packets & (packets - 1)) != 0) || (packets != 1 && !log_diagnostics()))
		return;
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_SA_ACTIVITY;
	ev.flags = flags;
	ev.sa_id = sa_id;
	ev.spi = rte_be_to_cpu_32(spi_be);
	ev.seq = seq;
	ev.packets = packets;
	worker_event(w, &ev);
}

/*
 * An inbound ESP or AH packet whose SPI and destination (@p key) name no
 * SA: drop it (no_sa) and report it to the control core, which logs it
 * (RFC 4303 §3.4.2 and RFC 4302 §3.4.3 make it an auditable event: SPI,
 * addresses, sequence number @p seq).  At most one report a second per
 * worker, each with the number of such drops since the previous one
 * (ev.packets), so a flood of them costs the log one line a second.
 * @p src: the outer source address.
 */
void worker_no_sa(struct worker *w, struct rte_mbuf *m, const struct sa_key *key,
    const uint8_t *src, uint32_t seq);

/* m->hash.usr of a handed-over mbuf: the kind in the top byte, an SA slot below. */
#define HANDOFF_ESP_IN  (1u << 24) /* data at the outer IP header: ESP decapsulation */
#define HANDOFF_ESP_OUT (2u << 24) /* data at the inner IP header: ESP with sa_out[slot] */
#define HANDOFF_AH_IN   (3u << 24) /* data at the outer IP header: AH verification */
#define HANDOFF_AH_OUT  (4u << 24) /* data at the inner IP header: AH with sa_out[slot] */
#define HANDOFF_KIND(u) ((u)&0xff000000u)
#define HANDOFF_SLOT(u) ((u)&0x00ffffffu)

/*
 * Hand @p m to worker @p owner, which owns its SA: sequence numbers and the
 * replay window keep a single writer.  Never waits: a full ring drops it.
 * The mbuf carries no SA pointer: the owner looks the SA up again, so a
 * record deleted meanwhile is never touched.
 */
static inline void
worker_handoff(struct worker *w, struct rte_mbuf *m, uint16_t owner, uint32_t what)
{
	m->hash.usr = what;
	if (rte_ring_mp_enqueue(worker_set.w[owner]->handoff, m) == 0)
		counter_add(&w->stats.handoff_out, 1);
	else
		worker_drop(w, m, DROP_RING_FULL);
}

/* Send what @p w queued for port index @p port now (worker_tx()). */
void worker_flush_port(struct worker *w, uint16_t port);

/* Queue @p m for transmission on port index @p port; flushed at the end of the pass. */
static inline void
worker_tx(struct worker *w, uint16_t port, struct rte_mbuf *m)
{
	w->tx[port][w->n_tx[port]++] = m;
	if (unlikely(w->n_tx[port] == BURST_MAX))
		worker_flush_port(w, port);
}

#endif
