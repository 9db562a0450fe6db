/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/icmp.h: ICMP and ICMPv6 echo replies, and errors about transit packets. */
#ifndef FASTIPSEC_ICMP_H
#define FASTIPSEC_ICMP_H

#include <stdbool.h>
#include <stdint.h>

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

/* ICMP and ICMPv6 error types and codes the gateway sends (RFC 792, RFC 1191, RFC 4443). */
#define ICMP4_UNREACH          3 /* code ICMP4_UNREACH_NEEDFRAG: next-hop MTU in bytes 6-7 */
#define ICMP4_UNREACH_NEEDFRAG 4
#define ICMP4_TIMXCEED         11 /* code 0: TTL exceeded in transit */
#define ICMP6_TOO_BIG          2  /* code 0: MTU in bytes 4-7 */
#define ICMP6_TIMXCEED         3  /* code 0: hop limit exceeded in transit */
#define ICMP6_PARAMPROB        4  /* code 0 or 2 (RFC 8200 §4): the pointer in bytes 4-7 */

/*
 * May the gateway send an ICMP error about the IPv4 packet @p m (data at
 * the IP header, header checked)?  Not about an ICMP error, a non-first
 * fragment, a multicast or broadcast destination (limited, or directed to
 * one of our connected networks), or a source that is not
 * one unicast host (0/8, 127/8, multicast, class E) or is the gateway
 * itself (RFC 1812 §4.3.2.7).
 */
bool icmp_error_ok_v4(const struct rte_mbuf *m);

/*
 * The same for IPv6 and an error of @p type (RFC 4443 §2.4 e): not about
 * an ICMPv6 error or redirect, a multicast destination (except for Packet
 * Too Big), an unspecified, multicast or own source.
 */
bool icmp_error_ok_v6(const struct rte_mbuf *m, uint8_t type);

/*
 * Build an ICMP error @p type / @p code about the IPv4 packet @p m (data at
 * its IP header) from @p src to m's source, in a new mbuf from @p pool
 * whose data starts at the IP header: the IP header and the first 8 data
 * bytes of @p m are quoted (RFC 792).  @p mtu is the next-hop MTU of
 * Fragmentation Needed (RFC 1191), else 0.  NULL when @p pool is empty.
 * Does not touch @p m.
 */
struct rte_mbuf *icmp_error_v4(struct rte_mempool *pool, const struct rte_mbuf *m,
    const uint8_t src[4], uint8_t type, uint8_t code, uint16_t mtu);

/*
 * The same for ICMPv6 (RFC 4443 §3): as much of @p m as keeps the error
 * within ICMP6_ERR_MAXLEN bytes is quoted; @p mtu is the MTU of Packet
 * Too Big or the pointer of Parameter Problem, else 0.
 */
struct rte_mbuf *icmp_error_v6(struct rte_mempool *pool, const struct rte_mbuf *m,
    const uint8_t src[16], uint8_t type, uint8_t code, uint32_t mtu);

#endif
