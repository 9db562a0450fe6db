/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/neigh.c: ARP replies (RFC 826) and neighbour advertisements (RFC 4861). */
#include <string.h>

#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>

#include "fastpath/neigh.h"
#include "fastpath/pkt.h"

#define ND_NS          135
#define ND_NA          136
#define ND_OPT_SRC_LL  1
#define ND_OPT_TGT_LL  2
#define ND_NA_ROUTER   0x80
#define ND_NA_SOLICIT  0x40
#define ND_NA_OVERRIDE 0x20

static bool
port_has_v4(const struct port *p, uint32_t a)
{
	unsigned int i;

	for (i = 0; i < p->n_v4; i++) {
		if (p->v4[i] == a)
			return true;
	}
	return false;
}

static bool
port_has_v6(const struct port *p, const uint8_t *a)
{
	unsigned int i;

	for (i = 0; i < p->n_v6; i++) {
		if (memcmp(p->v6[i], a, 16) == 0)
			return true;
	}
	return false;
}

enum drop_reason
neigh_arp_input(struct worker *w, const struct port *p, struct rte_mbuf *m)
{
	struct rte_arp_hdr *arp;
	uint32_t sip;

	if (m->data_len < sizeof(struct rte_ether_hdr) + sizeof(*arp))
		return DROP_RUNT;
	arp = rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *, sizeof(struct rte_ether_hdr));
	if (arp->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
	    arp->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
	    arp->arp_hlen != RTE_ETHER_ADDR_LEN || arp->arp_plen != 4)
		return DROP_NEIGH_IGNORED;
	if (arp->arp_opcode != RTE_BE16(RTE_ARP_OP_REQUEST) ||
	    !port_has_v4(p, arp->arp_data.arp_tip))
		return DROP_NEIGH_IGNORED;

	/* The request becomes the reply: RFC 826 "swap fields". */
	sip = arp->arp_data.arp_sip;
	arp->arp_opcode = RTE_BE16(RTE_ARP_OP_REPLY);
	rte_ether_addr_copy(&arp->arp_data.arp_sha, &arp->arp_data.arp_tha);
	rte_ether_addr_copy(&p->mac, &arp->arp_data.arp_sha);
	arp->arp_data.arp_sip = arp->arp_data.arp_tip;
	arp->arp_data.arp_tip = sip;
	pkt_eth_reply(p, m);
	pkt_trim(m, sizeof(struct rte_ether_hdr) + sizeof(*arp));
	counter_add(&w->stats.arp_replies, 1);
	return DROP_NONE;
}

/* ICMPv6 NS/NA body after the 4-byte ICMPv6 header: reserved/flags, then the target. */
struct nd_msg {
	uint8_t type;
	uint8_t code;
	uint16_t cksum;
	uint8_t flags;
	uint8_t reserved[3];
	uint8_t target[16];
} __rte_packed;

struct nd_opt_ll {
	uint8_t type;
	uint8_t len; /* in units of 8 bytes */
	uint8_t mac[RTE_ETHER_ADDR_LEN];
} __rte_packed;

enum drop_reason
neigh_ns_input(struct worker *w, const struct port *p, struct rte_mbuf *m)
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };
	static const uint8_t unspecified[16];
	const uint32_t l3 = sizeof(struct rte_ether_hdr);
	struct rte_ipv6_hdr *ip6;
	struct nd_opt_ll *opt;
	struct nd_msg *nd;
	bool dad;

	ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, l3);
	if (rte_be_to_cpu_16(ip6->payload_len) < sizeof(*nd))
		return DROP_RUNT;
	nd = (struct nd_msg *)(ip6 + 1);
	/* RFC 4861 §7.1.1: hop limit 255, code 0, target not multicast. */
	if (ip6->hop_limits != 255 || nd->code != 0 || nd->target[0] == 0xff)
		return DROP_BAD_IP;
	if (!pkt_ipv6_l4_cksum_ok(ip6, nd))
		return DROP_BAD_CSUM;
	if (!port_has_v6(p, nd->target))
		return DROP_NEIGH_IGNORED;
	/* Duplicate address detection: the solicitor has no address yet (§7.2.4). */
	dad = memcmp(ip6->src_addr, unspecified, 16) == 0;

	if (rte_pktmbuf_tailroom(m) + m->data_len < l3 + sizeof(*ip6) + sizeof(*nd) + sizeof(*opt))
		return DROP_RUNT;
	memcpy(ip6->dst_addr, dad ? all_nodes : ip6->src_addr, 16);
	memcpy(ip6->src_addr, nd->target, 16);
	ip6->hop_limits = 255;
	ip6->payload_len = rte_cpu_to_be_16(sizeof(*nd) + sizeof(*opt));
	nd->type = ND_NA;
	nd->flags = ND_NA_ROUTER | ND_NA_OVERRIDE | (dad ? 0 : ND_NA_SOLICIT);
	memset(nd->reserved, 0, sizeof(nd->reserved));
	opt = (struct nd_opt_ll *)(nd + 1);
	opt->type = ND_OPT_TGT_LL;
	opt->len = 1;
	memcpy(opt->mac, p->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	pkt_trim(m, l3 + sizeof(*ip6) + sizeof(*nd) + sizeof(*opt));
	nd->cksum = 0;
	nd->cksum = rte_ipv6_udptcp_cksum(ip6, nd);
	pkt_eth_reply(p, m);
	if (dad) {
		struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);

		/* 33:33 + the low 32 bits of ff02::1 (RFC 2464 §7). */
		memcpy(eth->dst_addr.addr_bytes, "\x33\x33\x00\x00\x00\x01", RTE_ETHER_ADDR_LEN);
	}
	counter_add(&w->stats.nd_replies, 1);
	return DROP_NONE;
}
