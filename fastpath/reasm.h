/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/reasm.h: reassembly of IP fragments addressed to the gateway (ESP, AH, IKE over UDP). */
#ifndef FASTIPSEC_REASM_H
#define FASTIPSEC_REASM_H

#include <stdint.h>

#include <rte_ip_frag.h>
#include <rte_mbuf.h>

#include "fastpath/drop.h"

/*
 * A peer whose path MTU is below its ESP packets, or an IKE message with
 * certificates, reaches us in IP fragments (RFC 4301 §8.1 leaves outer
 * fragmentation to the network; RFC 7383 §1 notes IKE over UDP relies on
 * it).  Each worker reassembles what arrives on its own queues with an
 * rte_ip_frag table: at most REASM_FLOWS packets in progress, each of at
 * most RTE_LIBRTE_IP_FRAG_MAX_FRAG fragments, and REASM_TIMEOUT_MS to
 * complete; so the mbufs a worker holds are bounded and counted in the
 * pool size.  Only protocols the gateway itself speaks are reassembled;
 * the result is one contiguous mbuf: a packet longer than one mbuf is
 * copied into one of the worker's REASM_BIG_MBUFS big buffers.
 *
 * Those big buffers also take what arrives in chained mbufs (scatter rx,
 * jumbo frames: reasm_linearize()), so that everything after the door is
 * one segment with headroom for the outer headers and tailroom for the
 * ESP trailer and ICV.
 *
 * Owner: one worker lcore.  reasm_create()/reasm_destroy() on the control
 * core, before the worker starts and after it stopped.
 */

/* Counters, written by the owner, read with counter_read(). */
struct reasm_stats {
	uint64_t fragments;  /* fragments taken in */
	uint64_t packets;    /* packets completed */
	uint64_t freed;      /* fragments let go: timed out, overlapping, table full */
	uint64_t big;        /* packets too long for one mbuf, copied into a big one */
	uint64_t linearized; /* received frames made one segment (reasm_linearize()) */
};

/* Private to reasm.c and reasm_setup.c. */
struct reasm {
	struct rte_ip_frag_tbl *tbl;
	struct rte_mempool *big; /* REASM_BIG_MBUFS of REASM_BIG_ROOM bytes; NULL: none */
	uint64_t next_tick;      /* TSC of the next sweep for timed-out entries */
	uint64_t tick;           /* TSC cycles between sweeps */
	struct reasm_stats st;
	struct rte_ip_frag_death_row dr;
};

/* reasm_setup.c (not per packet). */
struct reasm *reasm_create(int socket);
void reasm_destroy(struct reasm *r);

/*
 * Take IPv4 fragment @p m (data at its Ethernet header, l2/l3 checked by
 * the caller).  Returns the whole packet (data at its Ethernet header, IP
 * checksum valid, one segment) when @p m completed one; NULL when @p m was
 * kept, or dropped with its reason in @p why (DROP_NONE when kept).
 */
struct rte_mbuf *reasm_ipv4(struct reasm *r, struct rte_mbuf *m, enum drop_reason *why);

/* The same for an IPv6 packet whose fragment header follows the fixed header. */
struct rte_mbuf *reasm_ipv6(struct reasm *r, struct rte_mbuf *m, enum drop_reason *why);

/*
 * Make the received frame @p m (a chain, or one segment with less than
 * RX_TAILROOM_MIN bytes of tailroom) one segment with at least that much
 * room after it: in place when its first segment has room for the rest,
 * else copied into a big buffer (headroom RTE_PKTMBUF_HEADROOM).  Returns
 * the frame (counted as linearized), or NULL with @p m freed and @p why
 * DROP_RX_TOO_LONG (longer than REASM_BIG_ROOM - RX_TAILROOM_MIN) or
 * DROP_RX_NO_BUF (every big buffer is in use).
 */
struct rte_mbuf *reasm_linearize(struct reasm *r, struct rte_mbuf *m, enum drop_reason *why);

/* Once per loop pass, @p now the pass's rte_rdtsc(): free what timed out.  Owner only. */
void reasm_tick(struct reasm *r, uint64_t now);

void reasm_stats_read(const struct reasm *r, struct reasm_stats *out);

#endif
