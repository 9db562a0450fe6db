/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/neigh.h: ARP and IPv6 neighbour discovery for the gateway's own addresses. */
#ifndef FASTIPSEC_NEIGH_H
#define FASTIPSEC_NEIGH_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "fastpath/port.h"
#include "fastpath/worker.h"

/*
 * Answer an ARP request for one of @p p's IPv4 addresses, in place.
 * @p m starts at its Ethernet header.  Returns DROP_NONE when @p m became
 * the reply (the caller sends it back on the same port), or why it is dropped.
 */
enum drop_reason neigh_arp_input(struct worker *w, const struct port *p, struct rte_mbuf *m);

/*
 * Answer a neighbour solicitation (RFC 4861 §7.2.4) for one of @p p's IPv6
 * addresses, in place.  @p m starts at its Ethernet header; the caller
 * checked the IPv6 header and that the next header is ICMPv6 type 135.
 */
enum drop_reason neigh_ns_input(struct worker *w, const struct port *p, struct rte_mbuf *m);

/* Learn from a neighbour advertisement (RFC 4861 §7.2.5); the caller checked the IPv6 header. */
enum drop_reason neigh_na_input(struct worker *w, const struct port *p, struct rte_mbuf *m);

#endif
