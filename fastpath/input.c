/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/input.c: sort received frames at the door: ARP, ND and echo for us, transit to the SPD. */
#include <rte_ether.h>
#include <rte_ip.h>

#include "fastpath/forward.h"
#include "fastpath/icmp.h"
#include "fastpath/input.h"
#include "fastpath/neigh.h"
#include "fastpath/pkt.h"
#include "fastpath/port.h"
#include "fastpath/spd.h"

#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ND_NS        135
#define ICMP6_ND_NA        136

/* Not a drop: the packet goes on to the SPD (input_burst's transit stage). */
#define INPUT_TRANSIT DROP__MAX

static enum drop_reason
ipv4_input(struct worker *w, const struct port *p, struct rte_mbuf *m)
{
	const uint32_t l3 = sizeof(struct rte_ether_hdr);
	struct rte_ipv4_hdr *ip;
	uint32_t ihl, tot;
	enum drop_reason why;

	if (m->data_len < l3 + sizeof(*ip))
		return DROP_RUNT;
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l3);
	ihl = rte_ipv4_hdr_len(ip);
	tot = rte_be_to_cpu_16(ip->total_length);
	if ((ip->version_ihl >> 4) != 4 || ihl < sizeof(*ip) || tot < ihl)
		return DROP_BAD_IP;
	if (m->data_len < l3 + tot || m->data_len < l3 + ihl)
		return DROP_RUNT;
	if (rte_ipv4_cksum(ip) != 0)
		return DROP_BAD_CSUM;
	if (!port_is_local_v4(ip->dst_addr)) {
		if ((rte_be_to_cpu_32(ip->dst_addr) >> 28) == 0xe || ip->dst_addr == UINT32_MAX)
			return DROP_LOCAL_PROTO; /* multicast and broadcast are not forwarded */
		pkt_trim(m, l3 + tot);
		return INPUT_TRANSIT;
	}
	if (pkt_ipv4_is_fragment(ip))
		return DROP_FRAGMENT;
	if (ip->next_proto_id != IPPROTO_ICMP)
		return DROP_LOCAL_PROTO;
	why = icmp_echo_v4(p, m);
	if (why == DROP_NONE)
		counter_add(&w->stats.echo_replies, 1);
	return why;
}

/* An IPv6 packet not for us: multicast stays on the link, the rest goes on. */
static enum drop_reason
transit_v6(struct rte_mbuf *m, const struct rte_ipv6_hdr *ip6, uint32_t plen)
{
	if (port_is_local_v6(ip6->dst_addr) || ip6->dst_addr[0] == 0xff)
		return DROP_LOCAL_PROTO;
	pkt_trim(m, sizeof(struct rte_ether_hdr) + sizeof(*ip6) + plen);
	return INPUT_TRANSIT;
}

static enum drop_reason
ipv6_input(struct worker *w, const struct port *p, struct rte_mbuf *m)
{
	const uint32_t l3 = sizeof(struct rte_ether_hdr);
	struct rte_ipv6_hdr *ip6;
	enum drop_reason why;
	const uint8_t *icmp;
	uint32_t plen;

	if (m->data_len < l3 + sizeof(*ip6))
		return DROP_RUNT;
	ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, l3);
	plen = rte_be_to_cpu_16(ip6->payload_len);
	if ((rte_be_to_cpu_32(ip6->vtc_flow) >> 28) != 6)
		return DROP_BAD_IP;
	if (m->data_len < l3 + sizeof(*ip6) + plen)
		return DROP_RUNT;
	if (ip6->proto != IPPROTO_ICMPV6 || plen < 4)
		return transit_v6(m, ip6, plen);
	icmp = (const uint8_t *)(ip6 + 1);
	/* Solicitations go to the solicited-node multicast group or to us. */
	if (icmp[0] == ICMP6_ND_NS)
		return neigh_ns_input(w, p, m);
	if (icmp[0] == ICMP6_ND_NA)
		return neigh_na_input(w, p, m);
	if (!port_is_local_v6(ip6->dst_addr))
		return transit_v6(m, ip6, plen);
	if (icmp[0] != ICMP6_ECHO_REQUEST)
		return DROP_LOCAL_PROTO;
	why = icmp_echo_v6(p, m);
	if (why == DROP_NONE)
		counter_add(&w->stats.echo_replies, 1);
	return why;
}

/*
 * Transit packets (data at the IP header) against the SPD of their
 * direction: what enters on a protected port is outbound traffic, what
 * enters on an unprotected port inbound cleartext (RFC 4301 §5.1, §5.2:
 * cleartext that a PROTECT policy covers is discarded).
 */
static void
transit_burst(struct worker *w, const struct port *p, struct rte_mbuf **m, uint16_t n)
{
	enum config_direction dir =
	    p->role == CONFIG_ROLE_PROTECTED ? CONFIG_DIR_OUTBOUND : CONFIG_DIR_INBOUND;
	const uint8_t *v4[BURST_MAX], *v6[BURST_MAX];
	struct rte_mbuf *m4[BURST_MAX], *m6[BURST_MAX], *fwd[BURST_MAX];
	uint32_t match[BURST_MAX];
	const struct config_policy *pol;
	uint16_t i, n4 = 0, n6 = 0, nf = 0;

	for (i = 0; i < n; i++) {
		const uint8_t *ip = rte_pktmbuf_mtod(m[i], const uint8_t *);

		if ((ip[0] >> 4) == 4) {
			v4[n4] = ip;
			m4[n4++] = m[i];
		} else {
			v6[n6] = ip;
			m6[n6++] = m[i];
		}
	}
	if (n4 != 0)
		spd_classify_v4(worker_set.spd, dir, v4, match, n4);
	for (i = 0; i < n4; i++) {
		pol = spd_policy(worker_set.spd, match[i]);
		if (pol == NULL || pol->action != CONFIG_POLICY_BYPASS)
			worker_drop(w, m4[i], DROP_POLICY);
		else
			fwd[nf++] = m4[i];
	}
	if (n6 != 0)
		spd_classify_v6(worker_set.spd, dir, v6, match, n6);
	for (i = 0; i < n6; i++) {
		pol = spd_policy(worker_set.spd, match[i]);
		if (pol == NULL || pol->action != CONFIG_POLICY_BYPASS)
			worker_drop(w, m6[i], DROP_POLICY);
		else
			fwd[nf++] = m6[i];
	}
	if (nf != 0)
		forward_burst(w, fwd, nf, true);
}

void
input_burst(struct worker *w, uint16_t port, struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_mbuf *transit[BURST_MAX];
	uint16_t nt = 0;
	const struct port *p = &port_table.port[port];
	const struct rte_ether_hdr *eth;
	struct rte_mbuf *m;
	enum drop_reason why;
	uint16_t i;

	for (i = 0; i < n; i++) {
		m = pkts[i];
		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		if (unlikely(m->data_len < sizeof(*eth) || m->nb_segs != 1)) {
			worker_drop(w, m, DROP_RUNT);
			continue;
		}
		eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
		if (unlikely(rte_is_same_ether_addr(&eth->src_addr, &p->mac))) {
			worker_drop(w, m, DROP_OWN_FRAME);
			continue;
		}
		if (rte_is_unicast_ether_addr(&eth->dst_addr) &&
		    !rte_is_same_ether_addr(&eth->dst_addr, &p->mac)) {
			worker_drop(w, m, DROP_NOT_FOR_US);
			continue;
		}
		switch (eth->ether_type) {
		case RTE_BE16(RTE_ETHER_TYPE_ARP):
			why = neigh_arp_input(w, p, m);
			break;
		case RTE_BE16(RTE_ETHER_TYPE_IPV4):
			why = ipv4_input(w, p, m);
			break;
		case RTE_BE16(RTE_ETHER_TYPE_IPV6):
			why = ipv6_input(w, p, m);
			break;
		default:
			why = DROP_ETHERTYPE;
			break;
		}
		if (why == INPUT_TRANSIT) {
			rte_pktmbuf_adj(m, sizeof(struct rte_ether_hdr));
			transit[nt++] = m;
			continue;
		}
		if (why != DROP_NONE) {
			worker_drop(w, m, why);
			continue;
		}
		worker_tx(w, port, m);
	}
	if (nt != 0) {
		if (worker_set.spd == NULL) {
			while (nt != 0)
				worker_drop(w, transit[--nt], DROP_POLICY);
		} else {
			transit_burst(w, p, transit, nt);
		}
	}
}
