/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/pkt.h: small packet helpers shared by the per-packet files. */
#ifndef FASTIPSEC_PKT_H
#define FASTIPSEC_PKT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "fastpath/addr.h"
#include "fastpath/drop.h"
#include "fastpath/port.h"

/* Turn the Ethernet header of @p m around: to its sender, from @p p. */
static inline void
pkt_eth_reply(const struct port *p, struct rte_mbuf *m)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);

	rte_ether_addr_copy(&eth->src_addr, &eth->dst_addr);
	rte_ether_addr_copy(&p->mac, &eth->src_addr);
}

/* Cut @p m to @p len bytes (drops Ethernet padding).  @p m is one segment. */
static inline void
pkt_trim(struct rte_mbuf *m, uint32_t len)
{
	m->data_len = (uint16_t)len;
	m->pkt_len = len;
}

/* Does the L4 checksum of an IPv6 packet (header at @p ip6, payload at @p l4) verify? */
static inline bool
pkt_ipv6_l4_cksum_ok(const struct rte_ipv6_hdr *ip6, const void *l4)
{
	uint32_t sum = rte_ipv6_phdr_cksum(ip6, 0);

	sum += rte_raw_cksum(l4, rte_be_to_cpu_16(ip6->payload_len));
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

/*
 * The TCP / UDP checksum to store for the @p len bytes at @p l4 (checksum
 * field zero), protocol @p proto, under the pseudo-header of @p ip6
 * (RFC 8200 §8.1).  Unlike rte_ipv6_udptcp_cksum() it takes neither
 * length nor protocol from the fixed header: right with extension headers
 * in between (a routing header, if any, with no segments left).
 */
static inline uint16_t
pkt_ipv6_l4_cksum(const struct rte_ipv6_hdr *ip6, const void *l4, uint32_t len, uint8_t proto)
{
	const uint32_t ph[2] = { rte_cpu_to_be_32(len), rte_cpu_to_be_32(proto) };
	uint32_t sum;
	uint16_t ck;

	sum = __rte_raw_cksum(ip6->src_addr, 32, 0);
	sum = __rte_raw_cksum(ph, sizeof(ph), sum);
	sum = __rte_raw_cksum(l4, len, sum);
	ck = (uint16_t)~__rte_raw_cksum_reduce(sum);
	return ck == 0 ? 0xffff : ck; /* 0 means "none" for UDP (RFC 768) */
}

/* Is this IPv4 packet a fragment (MF set or a non-zero offset)? */
static inline bool
pkt_ipv4_is_fragment(const struct rte_ipv4_hdr *ip)
{
	return (ip->fragment_offset &
	           rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) != 0;
}

/*
 * RFC 6040 §4.2 (normal mode): what the outer ECN field tells the inner
 * packet at @p in.  CE on the outer is copied to an ECN-capable inner
 * packet and drops one that is not; ECT(1) outside replaces ECT(0) inside.
 */
static inline enum drop_reason
pkt_ecn_decap(uint8_t outer, uint8_t *in)
{
	bool v4;
	uint8_t inner, to;

	/* Not-ECT and ECT(0) outside leave the inner field as it is: the usual case, first. */
	if (outer != 3 && outer != 1)
		return DROP_NONE;
	v4 = in[0] >> 4 == 4;
	inner = v4 ? in[1] & 3 : (in[1] >> 4) & 3;

	if (outer == 3 && inner == 0)
		return DROP_ECN;
	if (outer == 3 && inner != 3)
		to = 3;
	else if (outer == 1 && inner == 2)
		to = 1;
	else
		return DROP_NONE;
	if (v4) {
		struct rte_ipv4_hdr *ip4 = (struct rte_ipv4_hdr *)in;

		in[1] = (uint8_t)((in[1] & ~3u) | to);
		ip4->hdr_checksum = 0;
		ip4->hdr_checksum = rte_ipv4_cksum(ip4);
	} else {
		in[1] = (uint8_t)((in[1] & ~0x30u) | (uint32_t)to << 4);
	}
	return DROP_NONE;
}

#endif
