/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/icmp.h: ICMP and ICMPv6 echo replies for the gateway's own addresses. */
#ifndef FASTIPSEC_ICMP_H
#define FASTIPSEC_ICMP_H

#include <rte_mbuf.h>

#include "fastpath/drop.h"
#include "fastpath/port.h"

/*
 * Turn an ICMP echo request to one of our addresses into its reply, in
 * place.  @p m starts at the Ethernet header; the caller checked the IPv4
 * header (length, checksum, not a fragment) and that the protocol is ICMP.
 */
enum drop_reason icmp_echo_v4(const struct port *p, struct rte_mbuf *m);

/* The same for ICMPv6 (RFC 4443 §4.2); the caller checked the IPv6 header. */
enum drop_reason icmp_echo_v6(const struct port *p, struct rte_mbuf *m);

#endif
