/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/forward.c: the last stage of every transit packet: route, TTL, MTU, neighbour, L2. */
#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>

#include "fastpath/forward.h"
#include "fastpath/neigh_table.h"
#include "fastpath/port.h"
#include "fastpath/route.h"

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), for one 16-bit word changing from @p old to @p new. */
static inline uint16_t
cksum_update16(uint16_t hc, uint16_t old, uint16_t new)
{
	uint32_t sum = (uint16_t)~hc + (uint16_t)~old + (uint32_t) new;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Ask the control core to resolve @p addr on @p port. */
static void
want_neigh(struct worker *w, uint16_t port, uint8_t family, const uint8_t *addr)
{
	struct ev ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = EV_NEIGH_RESOLVE;
	ev.port = port;
	ev.family = family;
	memcpy(ev.addr, addr, family == 4 ? 4 : 16);
	worker_event(w, &ev);
}

static enum drop_reason
forward1(struct worker *w, const struct route_table *rt, struct rte_mbuf *m, bool decrement)
{
	const struct route_nexthop *nh;
	struct rte_ether_addr mac;
	struct rte_ether_hdr *eth;
	uint8_t *ip = rte_pktmbuf_mtod(m, uint8_t *), next[16], family;
	uint16_t idx, ethertype;

	if (m->data_len < sizeof(struct rte_ipv4_hdr))
		return DROP_RUNT;
	family = (ip[0] >> 4) == 4 ? 4 : 6;
	if (family == 4) {
		struct rte_ipv4_hdr *h = (struct rte_ipv4_hdr *)ip;

		uint32_t dst = h->dst_addr;

		route_lookup_v4(rt, &dst, &idx, 1);
		if ((nh = route_nexthop(rt, idx)) == NULL)
			return DROP_NO_ROUTE;
		if (decrement) {
			uint16_t before = *(uint16_t *)&h->time_to_live;

			if (h->time_to_live <= 1)
				return DROP_TTL;
			h->time_to_live--;
			h->hdr_checksum =
			    cksum_update16(h->hdr_checksum, before, *(uint16_t *)&h->time_to_live);
		}
		route_next_addr(nh, (const uint8_t *)&h->dst_addr, next);
		ethertype = RTE_ETHER_TYPE_IPV4;
	} else {
		struct rte_ipv6_hdr *h = (struct rte_ipv6_hdr *)ip;

		if (m->data_len < sizeof(*h))
			return DROP_RUNT;
		route_lookup_v6(rt, (const uint8_t(*)[16])h->dst_addr, &idx, 1);
		if ((nh = route_nexthop(rt, idx)) == NULL)
			return DROP_NO_ROUTE;
		if (decrement) {
			if (h->hop_limits <= 1)
				return DROP_TTL;
			h->hop_limits--;
		}
		route_next_addr(nh, h->dst_addr, next);
		ethertype = RTE_ETHER_TYPE_IPV6;
	}
	if (nh->kind == ROUTE_NH_LOCAL)
		return DROP_LOCAL_PROTO; /* to us after all (e.g. from a tunnel): nothing listens */
	if (m->pkt_len > port_table.port[nh->port].mtu)
		return DROP_MTU;
	if (!neigh_table_lookup(nh->port, family, next, &mac)) {
		want_neigh(w, nh->port, family, next);
		return DROP_NO_NEIGH;
	}
	eth = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eth));
	if (eth == NULL)
		return DROP_RUNT;
	rte_ether_addr_copy(&mac, &eth->dst_addr);
	rte_ether_addr_copy(&port_table.port[nh->port].mac, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(ethertype);
	worker_tx(w, nh->port, m);
	return DROP_NONE;
}

void
forward_burst(struct worker *w, struct rte_mbuf **m, uint16_t n, bool decrement)
{
	const struct route_table *rt = route_table_current();
	enum drop_reason why;
	uint16_t i;

	for (i = 0; i < n; i++) {
		why = rt == NULL ? DROP_NO_ROUTE : forward1(w, rt, m[i], decrement);
		if (why != DROP_NONE)
			worker_drop(w, m[i], why);
	}
}
