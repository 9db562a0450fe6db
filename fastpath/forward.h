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
 */
void forward_burst(struct worker *w, struct rte_mbuf **m, uint16_t n, bool decrement);

#endif
