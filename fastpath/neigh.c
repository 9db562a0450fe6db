/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/neigh.c: ARP replies (RFC 826) and neighbour advertisements (RFC 4861). */
#include <string.h>

#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>

#include "fastpath/neigh.h"
#include "fastpath/neigh_table.h"
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

/*
 * Tell the control core what a neighbour said about itself.  @p solicited:
 * it talked to us (a request for our address, a reply to our probe), so the
 * entry is created (RFC 826 "merge" and RFC 4861 §7.2.3/§7.2.5); otherwise
 * only an existing entry whose MAC changed is worth an event.
 */
static void
learn(struct worker *w, const struct port *p, uint8_t family, const uint8_t *addr,
    const uint8_t *mac, bool solicited)
{
	struct rte_ether_addr known;
	struct ev ev;
	uint16_t port = (uint16_t)(p - port_table.port);

	if (!rte_is_valid_assigned_ether_addr((const struct rte_ether_addr *)mac) ||
	    !port_on_link(p, family, addr))
		return;
	if (!solicited) {
		/* RFC 826 merge: only an entry we hold, and only when its MAC changed. */
		if (neigh_table_find(port, family, addr) == NULL ||
		    (neigh_table_lookup(port, family, addr, &known) &&
		        memcmp(known.addr_bytes, mac, RTE_ETHER_ADDR_LEN) == 0))
			return;
	}
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_NEIGH_LEARN;
	ev.port = port;
	ev.family = family;
	ev.flags = solicited ? EV_NEIGH_F_SOLICITED : 0;
	memcpy(ev.mac, mac, RTE_ETHER_ADDR_LEN);
	memcpy(ev.addr, addr, family == 4 ? 4 : 16);
	worker_event(w, &ev);
}

enum drop_reason
neigh_arp_input(struct worker *w, const struct port *p, struct rte_mbuf *m)
{
	struct rte_arp_hdr *arp;
	uint32_t sip;
	bool for_us;

	if (m->data_len < sizeof(struct rte_ether_hdr) + sizeof(*arp))
		return DROP_RUNT;
	arp = rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *, sizeof(struct rte_ether_hdr));
	if (arp->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
	    arp->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
	    arp->arp_hlen != RTE_ETHER_ADDR_LEN || arp->arp_plen != 4)
		return DROP_NEIGH_IGNORED;
	for_us = port_has_v4(p, arp->arp_data.arp_tip);
	learn(w, p, 4, (const uint8_t *)&arp->arp_data.arp_sip, arp->arp_data.arp_sha.addr_bytes,
	    for_us);
	if (arp->arp_opcode != RTE_BE16(RTE_ARP_OP_REQUEST))
		return arp->arp_opcode == RTE_BE16(RTE_ARP_OP_REPLY) && for_us ? DROP_CONSUMED :
		                                                                 DROP_NEIGH_IGNORED;
	if (!for_us)
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

/* The link-layer address option @p type of an NS/NA of @p len bytes, or NULL (RFC 4861 §4.6.1). */
static const uint8_t *
ll_option(const struct nd_msg *nd, uint32_t len, uint8_t type)
{
	const uint8_t *o = (const uint8_t *)(nd + 1), *end = (const uint8_t *)nd + len;

	while (o + 2 <= end) {
		if (o[1] == 0 || o + o[1] * 8 > end)
			return NULL; /* a zero or overlong option invalidates the message */
		if (o[0] == type && o[1] == 1)
			return o + 2;
		o += o[1] * 8;
	}
	return NULL;
}

enum drop_reason
neigh_ns_input(struct worker *w, const struct port *p, struct rte_mbuf *m)
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };
	static const uint8_t unspecified[16];
	const uint32_t l3 = sizeof(struct rte_ether_hdr);
	struct rte_ipv6_hdr *ip6;
	struct nd_opt_ll *opt;
	const uint8_t *sll;
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
	if (!dad &&
	    (sll = ll_option(nd, rte_be_to_cpu_16(ip6->payload_len), ND_OPT_SRC_LL)) != NULL)
		learn(w, p, 6, ip6->src_addr, sll, true);

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

enum drop_reason
neigh_na_input(struct worker *w, const struct port *p, struct rte_mbuf *m)
{
	const uint32_t l3 = sizeof(struct rte_ether_hdr);
	struct rte_ipv6_hdr *ip6;
	const uint8_t *tll;
	struct nd_msg *nd;
	uint32_t len;

	ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, l3);
	len = rte_be_to_cpu_16(ip6->payload_len);
	if (len < sizeof(*nd))
		return DROP_RUNT;
	nd = (struct nd_msg *)(ip6 + 1);
	/* RFC 4861 §7.1.2: hop limit 255, code 0, target not multicast. */
	if (ip6->hop_limits != 255 || nd->code != 0 || nd->target[0] == 0xff)
		return DROP_BAD_IP;
	if (!pkt_ipv6_l4_cksum_ok(ip6, nd))
		return DROP_BAD_CSUM;
	if ((tll = ll_option(nd, len, ND_OPT_TGT_LL)) == NULL)
		return DROP_NEIGH_IGNORED;
	learn(w, p, 6, nd->target, tll, (nd->flags & ND_NA_SOLICIT) != 0);
	return DROP_CONSUMED;
}
