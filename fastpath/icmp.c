/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/icmp.c: echo replies for the gateway's own addresses (RFC 792, RFC 4443). */
#include <string.h>

#include <rte_icmp.h>
#include <rte_ip.h>

#include "fastpath/icmp.h"
#include "fastpath/pkt.h"

#define ICMP6_ECHO_REPLY 129
#define REPLY_TTL        64

enum drop_reason
icmp_echo_v4(const struct port *p, struct rte_mbuf *m)
{
	const uint32_t l3 = sizeof(struct rte_ether_hdr);
	struct rte_ipv4_hdr *ip;
	struct rte_icmp_hdr *icmp;
	uint32_t ihl, len, tmp;

	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l3);
	ihl = rte_ipv4_hdr_len(ip);
	len = rte_be_to_cpu_16(ip->total_length) - ihl;
	if (len < sizeof(*icmp))
		return DROP_RUNT;
	icmp = (struct rte_icmp_hdr *)((uint8_t *)ip + ihl);
	if (icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || icmp->icmp_code != 0)
		return DROP_LOCAL_PROTO;
	if (rte_raw_cksum(icmp, len) != 0xffff)
		return DROP_BAD_CSUM;

	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = (uint16_t)~rte_raw_cksum(icmp, len);
	tmp = ip->src_addr;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = tmp;
	ip->time_to_live = REPLY_TTL;
	ip->fragment_offset = 0;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	pkt_trim(m, l3 + ihl + len);
	pkt_eth_reply(p, m);
	return DROP_NONE;
}

enum drop_reason
icmp_echo_v6(const struct port *p, struct rte_mbuf *m)
{
	const uint32_t l3 = sizeof(struct rte_ether_hdr);
	struct rte_ipv6_hdr *ip6;
	struct rte_icmp_hdr *icmp;
	uint8_t tmp[16];
	uint32_t len;

	ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, l3);
	len = rte_be_to_cpu_16(ip6->payload_len);
	if (len < sizeof(*icmp))
		return DROP_RUNT;
	icmp = (struct rte_icmp_hdr *)(ip6 + 1);
	if (icmp->icmp_code != 0)
		return DROP_LOCAL_PROTO;
	if (!pkt_ipv6_l4_cksum_ok(ip6, icmp))
		return DROP_BAD_CSUM;

	icmp->icmp_type = ICMP6_ECHO_REPLY;
	memcpy(tmp, ip6->src_addr, 16);
	memcpy(ip6->src_addr, ip6->dst_addr, 16);
	memcpy(ip6->dst_addr, tmp, 16);
	ip6->hop_limits = REPLY_TTL;
	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = rte_ipv6_udptcp_cksum(ip6, icmp);
	pkt_trim(m, l3 + sizeof(*ip6) + len);
	pkt_eth_reply(p, m);
	return DROP_NONE;
}
