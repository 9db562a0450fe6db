/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/forward.h: routing a packet out of the gateway: route, TTL, MTU, neighbour, L2. */
#ifndef FASTIPSEC_FORWARD_H
#define FASTIPSEC_FORWARD_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "fastpath/worker.h"

/*
 * Send @p n packets whose data starts at their IP header (IPv4 or IPv6)
 * towards their destination: route lookup, TTL / hop limit decrement when
 * @p decrement (a forwarded packet; not for a packet the gateway built),
 * egress MTU check, next-hop MAC from the neighbour table (a miss asks the
 * control core to resolve it and drops the packet), Ethernet header, and
 * the egress port's tx buffer.  Every packet is sent or dropped with a
 * reason.  Worker lcore.
 *
 * A packet that cannot go on is answered with an ICMP error to its source
 * where RFC 792 / RFC 4443 ask for one: Time Exceeded when its TTL / hop
 * limit runs out, Fragmentation Needed (IPv4 with DF) or Packet Too Big
 * (IPv6) when it exceeds the egress MTU; an IPv4 packet without DF is
 * fragmented instead (RFC 791; for the gateway's own ESP packets this is
 * the RFC 4301 §8 outer fragmentation), and so is the gateway's own IPv6
 * packet (FORWARD_OWN), of which it is the source (RFC 8200 §4.5, §5:
 * routers never fragment IPv6, sources may).  Errors are rate limited per
 * worker (ICMP_ERR_RATE, ICMP_ERR_BURST: RFC 1812 §4.3.2.8).  Errors and
 * fragments take one more pass through the same path (route, neighbour)
 * and never cause errors of their own.
 *
 * An error that would leave through an unprotected port is the gateway's
 * own outbound traffic and meets the outbound SPD first (RFC 4301 §5.1,
 * §6.2): a PROTECT policy sends it through that policy's SA
 * (icmp_protected), a DISCARD policy stops it (icmp_policy), a BYPASS
 * policy lets it go in the clear, and with no policy it goes only if the
 * packet it is about arrived in the clear: an error about a decrypted
 * packet would quote protected headers on the unprotected side.  Such an
 * error is given a protected port's address as its source when a PROTECT
 * policy covers it from there (a Packet Too Big about a packet that came
 * through a tunnel goes back through the tunnel: RFC 4301 §6.2, §8).
 */
enum forward_kind {
	FORWARD_OWN = 0,   /* built by the gateway (its ESP / AH): no TTL decrement */
	FORWARD_TRANSIT,   /* cleartext transit (a bypass policy let it through) */
	FORWARD_DECRYPTED, /* came out of an inbound SA */
};

void forward_burst(struct worker *w, struct rte_mbuf **m, uint16_t n, enum forward_kind kind);

/*
 * forward_burst(FORWARD_OWN) of ESP packets @p m, each just protected by
 * @p sa (owned by this worker): a tunnel SA's outer destination is the
 * same for all its packets, so its route lookup is memoized in the SA.
 */
void forward_own_esp(struct worker *w, struct rte_mbuf **m, struct sa_rt_out *const *sa,
    uint16_t n);

/*
 * RFC 4301 §8.1, §8.2.1: @p m (data at L3, a cleartext packet an outbound
 * SA would protect) would not fit the SA's path MTU once protected:
 * answer its source with Fragmentation Needed (IPv4, DF set) or Packet Too
 * Big (IPv6) carrying @p mtu, the usable inner MTU, as forward_burst()
 * sends errors (rate limit, route back, SPD), and drop @p m (DROP_MTU).
 */
void forward_too_big(struct worker *w, struct rte_mbuf *m, uint32_t mtu);

/*
 * RFC 8200 §4, RFC 4443 §3.4: answer the source of @p m (data at the IPv6
 * header, addressed to the gateway) with Parameter Problem @p code
 * pointing at byte @p ptr, as forward_burst() sends errors (rate limit,
 * route back, SPD).  @p m stays the caller's.
 */
void forward_param_problem(struct worker *w, const struct rte_mbuf *m, uint8_t code, uint32_t ptr);

/*
 * RFC 4301 §8.1: @p m, an IPv4 packet without DF (data at its header),
 * would not fit the IPv6 tunnel that protects it, whose outer packets we
 * fragment only when nothing else will do (input.c too_big_for_sa()):
 * split it into fragments of at most @p mtu bytes in
 * @p out (room for @p max), counted as fragmented / fragments, each then
 * protected on its own.  Returns their number, or 0 (no mbuf, or more
 * than @p max needed): the caller drops @p m then.  @p m is not touched.
 */
uint16_t forward_fragment_inner(struct worker *w, const struct rte_mbuf *m, uint16_t mtu,
    struct rte_mbuf **out, uint16_t max);

/*
 * forward_burst() of the gateway's own packet @p m (FORWARD_OWN), whose
 * path has an MTU @p mtu below the egress MTU (an outbound SA's, learned
 * from ICMP, RFC 4301 §8.2.1): an IPv6 packet over it leaves in fragments
 * of at most @p mtu bytes (routers on the way will not fragment it).
 */
void forward_own_mtu(struct worker *w, struct rte_mbuf *m, uint16_t mtu);

/* What forward_burst() did besides forwarding, per worker. */
struct forward_stats {
	uint64_t icmp_errors;      /* ICMP / ICMPv6 errors built and forwarded */
	uint64_t icmp_ratelimited; /* errors not sent: over the rate limit */
	uint64_t icmp_unroutable;  /* errors not sent: no route or address towards the source */
	uint64_t icmp_no_mbuf;     /* errors not sent: the pool was empty */
	uint64_t icmp_policy;    /* errors not sent: the SPD keeps them off the unprotected side */
	uint64_t icmp_protected; /* errors sent through an SA (a PROTECT policy covers them) */
	uint64_t fragmented;     /* packets split into fragments: IPv4, and our own IPv6 */
	uint64_t fragments;      /* fragments made */
};

/* Read worker @p worker's forward_stats (never torn).  Any thread (telemetry exports them). */
void forward_stats_read(unsigned int worker, struct forward_stats *out);

#endif
