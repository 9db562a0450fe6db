/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/neigh_ctl.c: neighbour learning (RFC 826, RFC 4861) and probes for route gateways. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>

#include "common/log.h"
#include "fastpath/neigh_table.h"
#include "fastpath/port.h"
#include "fastpath/worker.h"
#include "slowpath/ctl.h"
#include "slowpath/neigh_ctl.h"

#define ND_NS         135
#define ND_OPT_SRC_LL 1

static char *
addr_str(uint8_t family, const uint8_t *addr, char *buf, size_t len)
{
	struct config_addr a;

	a.family = family;
	memcpy(a.addr, addr, family == 4 ? 4 : 16);
	return config_addr_format(&a, buf, len);
}

static struct rte_mbuf *
frame(const struct port *p, const uint8_t *dst_mac, uint16_t ethertype, uint32_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(port_table.pool);
	struct rte_ether_hdr *eth;

	if (m == NULL)
		return NULL;
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, (uint16_t)(sizeof(*eth) + len));
	memset(eth, 0, sizeof(*eth) + len);
	memcpy(eth->dst_addr.addr_bytes, dst_mac, RTE_ETHER_ADDR_LEN);
	rte_ether_addr_copy(&p->mac, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(ethertype);
	return m;
}

/* ARP request "who has @p tip" from @p sip, broadcast (RFC 826). */
static struct rte_mbuf *
arp_request(const struct port *p, const uint8_t *sip, const uint8_t *tip)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct rte_arp_hdr *arp;
	struct rte_mbuf *m;

	if ((m = frame(p, bcast, RTE_ETHER_TYPE_ARP, sizeof(*arp))) == NULL)
		return NULL;
	arp = rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *, sizeof(struct rte_ether_hdr));
	arp->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = 4;
	arp->arp_opcode = RTE_BE16(RTE_ARP_OP_REQUEST);
	rte_ether_addr_copy(&p->mac, &arp->arp_data.arp_sha);
	memcpy(&arp->arp_data.arp_sip, sip, 4);
	memcpy(&arp->arp_data.arp_tip, tip, 4);
	return m;
}

/* ARP request for @p tip from our address on its network. */
static struct rte_mbuf *
arp_probe(const struct port *p, const uint8_t *tip)
{
	uint8_t sip[4];

	return port_src_for(p, 4, tip, sip) ? arp_request(p, sip, tip) : NULL;
}

void
neigh_ctl_announce(uint16_t port)
{
	const struct port *p = &port_table.port[port];
	struct rte_mbuf *m;
	unsigned int a;

	/* Gratuitous ARP: sender and target are our own address (RFC 5227 §3). */
	for (a = 0; a < p->n_v4; a++) {
		m = arp_request(p, (const uint8_t *)&p->v4[a], (const uint8_t *)&p->v4[a]);
		if (m == NULL || ctl_tx_send(port, m) != 0)
			log_warn(LOG_FAC_SYSTEM, "%s: port %s: announcement not sent", __func__,
			    p->cfg->port);
	}
}

/* Neighbour solicitation for @p target to its solicited-node group (RFC 4861 §7.2.2). */
static struct rte_mbuf *
ns_probe(const struct port *p, const uint8_t *target)
{
	const uint32_t icmp_len = 24 + 8; /* NS + source link-layer address option */
	uint8_t mac[6] = { 0x33, 0x33, 0xff, target[13], target[14], target[15] };
	struct rte_ipv6_hdr *ip6;
	struct rte_mbuf *m;
	uint8_t *nd;

	if ((m = frame(p, mac, RTE_ETHER_TYPE_IPV6, sizeof(*ip6) + icmp_len)) == NULL)
		return NULL;
	ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, sizeof(struct rte_ether_hdr));
	if (!port_src_for(p, 6, target, ip6->src_addr)) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	ip6->vtc_flow = RTE_BE32(6u << 28);
	ip6->payload_len = rte_cpu_to_be_16((uint16_t)icmp_len);
	ip6->proto = IPPROTO_ICMPV6;
	ip6->hop_limits = 255;
	ip6->dst_addr[0] = 0xff;
	ip6->dst_addr[1] = 0x02;
	ip6->dst_addr[11] = 0x01;
	ip6->dst_addr[12] = 0xff;
	memcpy(ip6->dst_addr + 13, target + 13, 3);
	nd = (uint8_t *)(ip6 + 1);
	nd[0] = ND_NS;
	memcpy(nd + 8, target, 16);
	nd[24] = ND_OPT_SRC_LL;
	nd[25] = 1;
	memcpy(nd + 26, p->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	((struct rte_icmp_hdr *)nd)->icmp_cksum = rte_ipv6_udptcp_cksum(ip6, nd);
	return m;
}

static void
probe(struct neigh_entry *e, uint64_t now_ns)
{
	const struct port *p = &port_table.port[e->key.port];
	struct rte_mbuf *m;

	e->probed_ns = now_ns;
	m = e->key.family == 4 ? arp_probe(p, e->key.addr) : ns_probe(p, e->key.addr);
	if (m != NULL)
		ctl_tx_send(e->key.port, m);
}

int
neigh_ctl_init(const struct config *cfg)
{
	struct rte_ether_addr mac;
	struct neigh_entry *e;
	unsigned int i;
	int rc;

	if ((rc = neigh_table_create()) != 0)
		return rc;
	for (i = 0; i < cfg->n_neighbors; i++) {
		const struct config_neighbor *n = &cfg->neighbors[i];

		e = neigh_table_add((uint16_t)n->interface, n->address.family, n->address.addr);
		if (e == NULL)
			return -ENOSPC;
		memcpy(mac.addr_bytes, n->mac, RTE_ETHER_ADDR_LEN);
		neigh_table_set(e, &mac, true, ctl_now_ns());
	}
	for (i = 0; i < cfg->n_routes; i++) {
		const struct config_route *r = &cfg->routes[i];

		e = neigh_table_add((uint16_t)r->interface, r->gateway.family, r->gateway.addr);
		if (e == NULL)
			return -ENOSPC;
		e->route_gateway = true;
	}
	return 0;
}

static uint64_t pending_dropped; /* queued packets whose next hop never answered */

/* neigh_table_add(), after making room when the table is nearly full. */
static struct neigh_entry *
add(uint16_t port, uint8_t family, const uint8_t *addr, uint64_t now_ns)
{
	struct neigh_entry *e = neigh_table_find(port, family, addr);

	if (e != NULL)
		return e;
	neigh_table_reclaim(now_ns, worker_set.qsbr);
	return neigh_table_add(port, family, addr);
}

/* Drop what waits on @p e. */
static void
pending_drop(struct neigh_entry *e)
{
	while (e->n_pending != 0) {
		rte_pktmbuf_free(e->pending[--e->n_pending]);
		pending_dropped++;
	}
}

/* @p e has a MAC now: send what waited for it, in arrival order. */
static void
pending_send(struct neigh_entry *e)
{
	const struct port *p = &port_table.port[e->key.port];
	uint64_t mac = __atomic_load_n(&e->mac, __ATOMIC_RELAXED);
	struct rte_ether_hdr *eth;
	struct rte_mbuf *m;
	unsigned int i, b;

	for (i = 0; i < e->n_pending; i++) {
		m = e->pending[i];
		eth = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eth));
		if (eth == NULL) {
			rte_pktmbuf_free(m);
			pending_dropped++;
			continue;
		}
		for (b = 0; b < RTE_ETHER_ADDR_LEN; b++)
			eth->dst_addr.addr_bytes[b] = (uint8_t)(mac >> (8 * (5 - b)));
		rte_ether_addr_copy(&p->mac, &eth->src_addr);
		eth->ether_type = rte_cpu_to_be_16(
		    e->key.family == 4 ? RTE_ETHER_TYPE_IPV4 : RTE_ETHER_TYPE_IPV6);
		ctl_tx_send(e->key.port, m);
	}
	e->n_pending = 0;
}

uint64_t
neigh_ctl_queue_dropped(void)
{
	return __atomic_load_n(&pending_dropped, __ATOMIC_RELAXED);
}

void
neigh_ctl_fini(void)
{
	uint32_t i;

	if (neigh_table == NULL)
		return;
	for (i = 0; i < neigh_table->n; i++)
		pending_drop(&neigh_table->e[i]);
	neigh_table_destroy();
}

void
neigh_ctl_event(const struct ev *ev, uint64_t now_ns)
{
	char a[64], mac[RTE_ETHER_ADDR_FMT_SIZE];
	struct neigh_entry *e;
	uint64_t before;

	if (ev->port >= port_table.n || (ev->family != 4 && ev->family != 6))
		return;
	e = neigh_table_find(ev->port, ev->family, ev->addr);
	if (e == NULL && (ev->flags & EV_NEIGH_F_SOLICITED))
		e = add(ev->port, ev->family, ev->addr, now_ns);
	if (e == NULL)
		return;
	before = __atomic_load_n(&e->mac, __ATOMIC_RELAXED);
	if (!neigh_table_set(e, (const struct rte_ether_addr *)ev->mac, false, now_ns)) {
		if (e->n_pending != 0 &&
		    (__atomic_load_n(&e->mac, __ATOMIC_RELAXED) & NEIGH_MAC_VALID))
			pending_send(e);
		return;
	}
	pending_send(e);
	/* A new or moved neighbour is worth a line; refreshes are not. */
	rte_ether_format_addr(mac, sizeof(mac), (const struct rte_ether_addr *)ev->mac);
	addr_str(ev->family, ev->addr, a, sizeof(a));
	if (before & NEIGH_MAC_VALID)
		log_warn(LOG_FAC_SYSTEM, "%s: neighbour %s on %s moved to %s", __func__, a,
		    port_table.port[ev->port].cfg->name, mac);
	else if (e->route_gateway)
		log_info(LOG_FAC_SYSTEM, "%s: route gateway %s on %s is at %s", __func__, a,
		    port_table.port[ev->port].cfg->name, mac);
}

void
neigh_ctl_resolve(struct ev *ev, uint64_t now_ns)
{
	struct neigh_entry *e;

	if (ev->port >= port_table.n || (ev->family != 4 && ev->family != 6) ||
	    !port_on_link(&port_table.port[ev->port], ev->family, ev->addr))
		return;
	e = add(ev->port, ev->family, ev->addr, now_ns);
	if (e == NULL)
		return;
	if (ev->ptr != NULL) {
		/* Queue the packet (bounded; the oldest waiting one goes when full). */
		if (e->n_pending == NEIGH_PENDING_MAX) {
			rte_pktmbuf_free(e->pending[0]);
			memmove(e->pending, e->pending + 1,
			    (NEIGH_PENDING_MAX - 1) * sizeof(e->pending[0]));
			e->n_pending--;
			pending_dropped++;
		}
		if (e->n_pending == 0)
			e->pending_since = now_ns;
		e->pending[e->n_pending++] = ev->ptr;
		ev->ptr = NULL;
		/* Resolved meanwhile (the worker looked before the answer came). */
		if (__atomic_load_n(&e->mac, __ATOMIC_RELAXED) & NEIGH_MAC_VALID) {
			pending_send(e);
			return;
		}
	}
	if (__atomic_load_n(&e->mac, __ATOMIC_RELAXED) & NEIGH_MAC_STATIC)
		return;
	/* Every packet to an unresolved next hop asks: one probe per interval. */
	if (e->probed_ns == 0 || now_ns - e->probed_ns >= NEIGH_PROBE_MS * 1000000ull)
		probe(e, now_ns);
}

void
neigh_ctl_tick(uint64_t now_ns)
{
	uint32_t i, n = __atomic_load_n(&neigh_table->n, __ATOMIC_ACQUIRE);
	struct neigh_entry *e;
	uint64_t every;

	neigh_table_reclaim(now_ns, worker_set.qsbr);
	for (i = 0; i < n; i++) {
		e = &neigh_table->e[i];
		if (!e->in_use)
			continue;
		if (e->n_pending != 0 &&
		    now_ns - e->pending_since >= NEIGH_PENDING_TIMEOUT_MS * 1000000ull)
			pending_drop(e);
		if (!e->route_gateway || (e->mac & NEIGH_MAC_STATIC))
			continue;
		every = (e->mac & NEIGH_MAC_VALID) ? NEIGH_REFRESH_S * 1000000000ull :
		                                     NEIGH_PROBE_MS * 1000000ull;
		if (e->probed_ns == 0 || now_ns - e->probed_ns >= every)
			probe(e, now_ns);
	}
}
