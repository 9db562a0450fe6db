/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/pmtu.h: outbound SAs' path MTU from ICMP errors about their packets (RFC 4301 §8.2.1). */
#ifndef FASTIPSEC_PMTU_H
#define FASTIPSEC_PMTU_H

#include <stdint.h>

#include <rte_ip.h>

#include "fastpath/drop.h"
#include "fastpath/worker.h"

/*
 * An ICMP Destination Unreachable / Fragmentation Needed (RFC 1191) or
 * ICMPv6 Packet Too Big (RFC 4443 §3.2) addressed to us, @p icmp_len
 * bytes at @p icmp (the ICMP header; checksum not yet checked).  When it
 * quotes an ESP, UDP-encapsulated ESP or AH packet the gateway sent (our
 * source address, an outbound SA's SPI and, in tunnel mode, its peer),
 * that SA's path MTU becomes the reported MTU (RFC 4301 §6.1.2.1 and
 * §8.2.1; unauthenticated, so only ever lowered, never below
 * PMTU_MIN_V4 / PMTU_MIN_V6, and aged out after PMTU_AGE_S by the
 * outbound path).  The outbound path then answers inner packets that no
 * longer fit (input.c).  At most PMTU_RATE such errors a second are
 * examined per worker.  Returns DROP_CONSUMED when an SA took the MTU,
 * else the reason the error was ignored.  Worker lcore.
 */
enum drop_reason pmtu_icmp_v4(struct worker *w, const struct rte_ipv4_hdr *ip, const uint8_t *icmp,
    uint32_t icmp_len);
enum drop_reason pmtu_icmp_v6(struct worker *w, const struct rte_ipv6_hdr *ip6, const uint8_t *icmp,
    uint32_t icmp_len);

#endif
