/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/slowpath/test_sa_ike.c: IKE children installed, used, rekeyed and withdrawn on a worker. */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <rte_eal.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_udp.h>

#include "config/config.h"
#include "fastpath/crypto_mb.h"
#include "fastpath/esp_outbound.h"
#include "fastpath/input.h"
#include "fastpath/neigh_table.h"
#include "fastpath/port.h"
#include "fastpath/route.h"
#include "fastpath/sa_sync.h"
#include "fastpath/sad.h"
#include "fastpath/spd.h"
#include "fastpath/worker.h"
#include "slowpath/sa_build.h"
#include "slowpath/sa_ike.h"
#include "slowpath/sa_push.h"
#include "slowpath/spd_ctl.h"
#include "slowpath/telemetry.h"

/*
 * The gateway has two addresses on its unprotected port 0, A (192.0.2.2)
 * and B (192.0.2.130), so that one gateway can play both ends: child 0
 * ("branch/net") protects 203.0.113.0/24 -> 198.51.100.0/24 from A to the
 * peer C (192.0.2.9); child 1 ("branch/back") is C's side of it, from B
 * to A, its inbound SA keyed as child 0's outbound.  A packet child 0
 * encrypted, readdressed to B, decrypts with child 1's inbound SA and
 * must pass child 1's inbound policy (RFC 4301 §5.2).  Port 1 is the
 * protected side, 203.0.113.0/24, with 198.51.100.0/24 behind 203.0.113.254.
 *
 * Child 2 ("rw/any") is a road-warrior child: connection "rw" is open to
 * any peer, 203.0.113.0/24 <-> 198.51.100.128/25 (child 0 covers the
 * lower half only).  Its peers C and D (192.0.2.10) narrow it to one
 * address each; what they send is made here with an outbound record of
 * their keys, as the peer would.
 *
 * The worker is created but never launched: the test applies its SA
 * messages (sa_sync_apply()), runs its input and reports its quiescent
 * states itself.
 */
#define IP4(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

static const uint8_t A4[4] = { 192, 0, 2, 2 };
static const uint8_t B4[4] = { 192, 0, 2, 130 };
static const uint8_t C4[4] = { 192, 0, 2, 9 };
static const uint8_t D4[4] = { 192, 0, 2, 10 };
static const uint8_t LAN_HOST[4] = { 203, 0, 113, 5 };
static const uint8_t LAN_GW[4] = { 203, 0, 113, 254 };
static const uint8_t MAC0[6] = { 0x02, 0, 0, 0, 0, 0x10 };
static const uint8_t MAC1[6] = { 0x02, 0, 0, 0, 0, 0x11 };
static const uint8_t NMAC[6] = { 0x02, 0, 0, 0, 0, 0x99 };

static struct config cfg;
static struct config_interface ifaces[2];
static struct config_route routes[1];
static struct config_connection conns[2];
static struct config_child children[3];
static struct config_policy pols[6];
static IMB_MGR *ctl_mgr;
static struct worker *w;
static struct alg_proposal gcm;

static void
prefix(struct config_prefix *p, const uint8_t *a, uint8_t len)
{
	memset(p, 0, sizeof(*p));
	p->a.family = 4;
	memcpy(p->a.addr, a, 4);
	p->len = len;
}

static void
policy(struct config_policy *p, const char *name, enum config_direction dir, const uint8_t *src,
    uint8_t slen, const uint8_t *dst, uint8_t dlen, int child)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->direction = dir;
	prefix(&p->source, src, slen);
	prefix(&p->destination, dst, dlen);
	p->protocol = -1;
	p->source_ports.last = 65535;
	p->destination_ports.last = 65535;
	p->action = CONFIG_POLICY_PROTECT;
	p->sa = -1;
	p->child = child;
}

static void
build_config(void)
{
	static const uint8_t lan[4] = { 203, 0, 113, 1 }, lan_net[4] = { 203, 0, 113, 0 };
	static const uint8_t lan_hi[4] = { 203, 0, 113, 128 }, remote_net[4] = { 198, 51, 100, 0 };
	static const uint8_t rw_net[4] = { 198, 51, 100, 128 };

	snprintf(ifaces[0].name, sizeof(ifaces[0].name), "outside");
	ifaces[0].role = CONFIG_ROLE_UNPROTECTED;
	ifaces[0].mtu = 1500;
	ifaces[0].n_addresses = 2;
	prefix(&ifaces[0].addresses[0], A4, 25);
	prefix(&ifaces[0].addresses[1], B4, 25);
	snprintf(ifaces[1].name, sizeof(ifaces[1].name), "inside");
	ifaces[1].role = CONFIG_ROLE_PROTECTED;
	ifaces[1].mtu = 1500;
	ifaces[1].n_addresses = 1;
	prefix(&ifaces[1].addresses[0], lan, 24);
	prefix(&routes[0].destination, remote_net, 24);
	routes[0].gateway.family = 4;
	memcpy(routes[0].gateway.addr, LAN_GW, 4);
	routes[0].interface = 1;
	snprintf(conns[0].name, sizeof(conns[0].name), "branch");
	conns[0].n_remote_addrs = 1;
	conns[0].remote_addrs[0].family = 4;
	memcpy(conns[0].remote_addrs[0].addr, C4, 4);
	conns[0].n_children = 2;
	snprintf(conns[1].name, sizeof(conns[1].name), "rw");
	conns[1].first_child = 2;
	conns[1].n_children = 1;
	snprintf(children[2].name, sizeof(children[2].name), "any");
	children[2].connection = 1;
	children[2].start_action = CONFIG_START_NONE;
	snprintf(children[0].name, sizeof(children[0].name), "net");
	children[0].start_action = CONFIG_START_TRAP;
	snprintf(children[1].name, sizeof(children[1].name), "back");
	children[1].start_action = CONFIG_START_NONE;
	/* First match wins: the upper half of the LAN comes in on child 0 only. */
	policy(&pols[0], "branch/net/out/0", CONFIG_DIR_OUTBOUND, lan_net, 24, remote_net, 25, 0);
	policy(&pols[1], "branch/net/in/0", CONFIG_DIR_INBOUND, lan_hi, 25, remote_net, 24, 0);
	policy(&pols[2], "branch/back/in/0", CONFIG_DIR_INBOUND, lan_net, 24, remote_net, 24, 1);
	policy(&pols[3], "branch/back/out/0", CONFIG_DIR_OUTBOUND, remote_net, 24, lan_net, 24, 1);
	policy(&pols[4], "rw/any/out/0", CONFIG_DIR_OUTBOUND, lan_net, 24, rw_net, 25, 2);
	policy(&pols[5], "rw/any/in/0", CONFIG_DIR_INBOUND, rw_net, 25, lan_net, 24, 2);
	snprintf(cfg.instance, sizeof(cfg.instance), "saike");
	cfg.n_interfaces = 2;
	memcpy(cfg.interfaces, ifaces, sizeof(ifaces));
	cfg.n_routes = 1;
	cfg.routes = routes;
	cfg.n_policies = 6;
	cfg.policies = pols;
	cfg.n_connections = 2;
	cfg.connections = conns;
	cfg.n_children = 3;
	cfg.children = children;
}

/* Key material: 16-byte AES key + 4-byte salt (RFC 4106 §8.1), distinct per @p seed. */
static void
keys(struct ike_child_keys *k, uint8_t seed)
{
	unsigned int i;

	memset(k, 0, sizeof(*k));
	for (i = 0; i < 20; i++)
		k->enc[i] = (uint8_t)(seed * 31 + i + 1);
	k->enc_len = 20;
}

/* Child 0 (A <-> C) with SPIs @p in / @p out, or child 1 (B <-> A), keyed by @p kin / @p kout. */
static void
child(struct ike_child_sa *c, unsigned int idx, uint32_t in, uint32_t out, uint8_t kin,
    uint8_t kout)
{
	memset(c, 0, sizeof(*c));
	c->child = idx;
	c->ike_sa = 7;
	c->ike_version = 1;
	c->proto = ALG_PROTO_ESP;
	c->mode = CONFIG_MODE_TUNNEL;
	c->alg = gcm;
	c->spi_in = in;
	c->spi_out = out;
	c->local.family = 4;
	c->remote.family = 4;
	memcpy(c->local.addr, idx == 0 ? A4 : B4, 4);
	memcpy(c->remote.addr, idx == 0 ? C4 : A4, 4);
	keys(&c->in, kin);
	keys(&c->out, kout);
	c->replay_window = 64;
	c->lifetime.soft_bytes = 1u << 20;
	c->lifetime.hard_bytes = 2u << 20;
}

/* Let the worker take what was pushed, then report a quiescent state; free what may go. */
static void
settle(void)
{
	sa_sync_apply(w);
	rte_rcu_qsbr_quiescent(worker_set.qsbr, 0);
	sa_push_reclaim();
}

/* Settle until every withdrawn record is freed (each waits for a grace period of its own). */
static void
settle_all(void)
{
	unsigned int i;

	for (i = 0; i < 64 && (i < 2 || sa_push_pending() != 0); i++)
		settle();
}

static struct sa_rt_in *
sad_spi(uint32_t spi, const uint8_t *dst)
{
	struct sa_key k;

	memset(&k, 0, sizeof(k));
	k.spi = rte_cpu_to_be_32(spi);
	k.proto = IPPROTO_ESP;
	k.family = 4;
	memcpy(k.dst, dst, 4);
	return sad_find(w->sad, &k);
}

/* A UDP packet from the LAN, as it arrives on port 1. */
static struct rte_mbuf *
lan_packet(const uint8_t *src, const uint8_t *dst, uint16_t plen)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(port_table.pool);
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *ip;
	struct rte_udp_hdr *udp;
	uint8_t *f;
	uint16_t i;

	CU_ASSERT_FATAL(m != NULL);
	f = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(14 + 20 + 8 + plen));
	if (f == NULL)
		abort(); /* the pool's buffers take it: CU_ASSERT_FATAL would leave gcc -O3 in doubt */
	memset(f, 0, 14 + 20 + 8 + (size_t)plen);
	eth = (struct rte_ether_hdr *)f;
	memcpy(eth->dst_addr.addr_bytes, MAC1, 6);
	memcpy(eth->src_addr.addr_bytes, NMAC, 6);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ip = (struct rte_ipv4_hdr *)(eth + 1);
	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(20 + 8 + plen));
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	memcpy(&ip->src_addr, src, 4);
	memcpy(&ip->dst_addr, dst, 4);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp = (struct rte_udp_hdr *)(ip + 1);
	udp->src_port = RTE_BE16(1111);
	udp->dst_port = RTE_BE16(2222);
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(8 + plen));
	for (i = 0; i < plen; i++)
		((uint8_t *)(udp + 1))[i] = (uint8_t)(i ^ 0x5a);
	return m;
}

/* What the worker queued for port @p p (one frame), or NULL. */
static struct rte_mbuf *
taken(uint16_t p)
{
	struct rte_mbuf *m = NULL;

	if (w->n_tx[p] != 0) {
		CU_ASSERT_EQUAL(w->n_tx[p], 1);
		m = w->tx[p][0];
		w->n_tx[p] = 0;
	}
	return m;
}

static void
drain_events(void)
{
	struct ev ev;

	while (rte_ring_sc_dequeue_elem(w->ev, &ev, sizeof(ev)) == 0) {
		if (ev.type == EV_SA_ACTIVITY)
			sa_ike_activity(&ev);
		rte_pktmbuf_free(ev.ptr);
	}
}

/*
 * Send a LAN packet from @p src through child 0, readdress the ESP to B
 * and feed it back on port 0.  Returns what left on port 1 (the decrypted
 * packet) or NULL; *why_drop counts the policy drops seen on the way.
 */
static struct rte_mbuf *
round_trip(const uint8_t *src, uint32_t want_spi, uint64_t *policy_drops)
{
	static const uint8_t dst[4] = { 198, 51, 100, 9 };
	uint64_t before = w->stats.drops[DROP_POLICY];
	struct rte_mbuf *m = lan_packet(src, dst, 100), *esp;
	struct rte_ipv4_hdr *ip;
	uint32_t spi;

	input_burst(w, 1, &m, 1);
	input_crypto_poll(w, true);
	esp = taken(0);
	CU_ASSERT_FATAL(esp != NULL);
	ip = rte_pktmbuf_mtod_offset(esp, struct rte_ipv4_hdr *, 14);
	CU_ASSERT_EQUAL(ip->next_proto_id, IPPROTO_ESP);
	CU_ASSERT(memcmp(&ip->src_addr, A4, 4) == 0);
	CU_ASSERT(memcmp(&ip->dst_addr, C4, 4) == 0);
	memcpy(&spi, ip + 1, 4);
	CU_ASSERT_EQUAL(rte_be_to_cpu_32(spi), want_spi);
	/* The frame C receives, as if it had come back to B. */
	memcpy(&ip->dst_addr, B4, 4);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	memcpy(rte_pktmbuf_mtod(esp, struct rte_ether_hdr *)->dst_addr.addr_bytes, MAC0, 6);
	memcpy(rte_pktmbuf_mtod(esp, struct rte_ether_hdr *)->src_addr.addr_bytes, NMAC, 6);
	input_burst(w, 0, &esp, 1);
	input_crypto_poll(w, true);
	*policy_drops = w->stats.drops[DROP_POLICY] - before;
	drain_events();
	return taken(1);
}

/* The records sa_ike built equal what sa_build makes of the same keys for a static SA. */
static void
compare_with_static(const struct ike_child_sa *c, const struct sa_rt_in *in,
    const struct sa_rt_out *out)
{
	const size_t ck = offsetof(struct crypto_mb_sa, kind);
	struct config_static_sa s[2];
	struct sa_build_prm prm;
	struct sa_rt_in *sin;
	struct sa_rt_out *sout;
	int i;

	memset(s, 0, sizeof(s));
	for (i = 0; i < 2; i++) {
		s[i].direction = i == 0 ? CONFIG_DIR_INBOUND : CONFIG_DIR_OUTBOUND;
		s[i].spi = i == 0 ? c->spi_in : c->spi_out;
		s[i].protocol = ALG_PROTO_ESP;
		s[i].mode = CONFIG_MODE_TUNNEL;
		s[i].local = c->local;
		s[i].remote = c->remote;
		s[i].prop = c->alg;
		memcpy(s[i].encryption_key, i == 0 ? c->in.enc : c->out.enc, 20);
		s[i].encryption_key_len = 20;
		s[i].replay_window = i == 0 ? c->replay_window : 0;
		s[i].lifetime = c->lifetime;
	}
	sa_build_prm_static(&s[0], &prm);
	CU_ASSERT_FATAL(sa_build_in(&prm, ctl_mgr, in->id, in->owner, &sin) == 0);
	sa_build_prm_static(&s[1], &prm);
	CU_ASSERT_FATAL(sa_build_out(&prm, ctl_mgr, out->id, out->owner, &sout) == 0);
	/* Everything but the job templates (they point into their own record) and counters. */
	CU_ASSERT(memcmp(sin, in, offsetof(struct sa_rt_in, cnt)) == 0);
	CU_ASSERT(memcmp(&sin->lt, &in->lt, sizeof(in->lt)) == 0);
	CU_ASSERT(memcmp(&sin->ar, &in->ar, sizeof(in->ar)) == 0);
	CU_ASSERT(memcmp((const uint8_t *)&sin->crypto + ck, (const uint8_t *)&in->crypto + ck,
	              sizeof(in->crypto) - ck) == 0);
	/* Outbound: all but the counters and the random CBC IV key (unused by GCM). */
	CU_ASSERT(memcmp(sout, out, offsetof(struct sa_rt_out, cnt)) == 0);
	CU_ASSERT(memcmp(&sout->lt, &out->lt, sizeof(out->lt)) == 0);
	CU_ASSERT(memcmp((const uint8_t *)&sout->crypto + ck, (const uint8_t *)&out->crypto + ck,
	              sizeof(out->crypto) - ck) == 0);
	sa_build_free_in(sin);
	sa_build_free_out(sout);
}

static void
test_sa_ike_child_up_and_traffic(void)
{
	static const uint8_t lo[4] = { 203, 0, 113, 5 }, hi[4] = { 203, 0, 113, 200 };
	struct ike_child_sa c0, c1;
	struct sa_rt_in *in0, *in1;
	struct rte_mbuf *m;
	uint64_t pdrops;
	struct ev ev;

	/* Before any SA: the trap child's packets are dropped and asked for. */
	m = lan_packet(lo, (const uint8_t[]){ 198, 51, 100, 9 }, 10);
	input_burst(w, 1, &m, 1);
	input_crypto_poll(w, true);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_NO_CHILD_SA], 1);
	CU_ASSERT_EQUAL(rte_ring_sc_dequeue_elem(w->ev, &ev, sizeof(ev)), 0);
	CU_ASSERT_EQUAL(ev.type, EV_ACQUIRE);
	CU_ASSERT_EQUAL(ev.sa_id, 0);

	child(&c0, 0, 0x1000, 0x2000, 1, 2);
	child(&c1, 1, 0x2000, 0x3000, 2, 3); /* C's inbound is child 0's outbound */
	CU_ASSERT_EQUAL(sa_ike_child_up(NULL, &c0), 0);
	CU_ASSERT_EQUAL(sa_ike_child_up(NULL, &c1), 0);
	settle();
	in0 = sad_spi(0x1000, A4);
	in1 = sad_spi(0x2000, B4);
	CU_ASSERT_FATAL(in0 != NULL && in1 != NULL);
	CU_ASSERT_EQUAL(in0->id, SA_CHILD_SLOT_BASE + 0);
	CU_ASSERT_EQUAL(in1->id, SA_CHILD_SLOT_BASE + 1);
	CU_ASSERT_FATAL(w->sa_out[SA_CHILD_SLOT_BASE] != NULL);
	CU_ASSERT_EQUAL(w->sa_out[SA_CHILD_SLOT_BASE]->spi, rte_cpu_to_be_32(0x2000));
	CU_ASSERT_EQUAL(w->sa_out[SA_CHILD_SLOT_BASE + 1]->spi, rte_cpu_to_be_32(0x3000));
	compare_with_static(&c0, in0, w->sa_out[SA_CHILD_SLOT_BASE]);

	/* Encrypted by child 0, decrypted by child 1, and its inbound policy lets it through. */
	m = round_trip(lo, 0x2000, &pdrops);
	CU_ASSERT_EQUAL(pdrops, 0);
	CU_ASSERT_FATAL(m != NULL);
	{
		const struct rte_ipv4_hdr *ip =
		    rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
		const uint8_t *pl = (const uint8_t *)(ip + 1) + 8;
		int ok = 1, i;

		CU_ASSERT(memcmp(&ip->src_addr, lo, 4) == 0);
		CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->total_length), 128);
		for (i = 0; i < 100; i++)
			ok &= pl[i] == (uint8_t)(i ^ 0x5a);
		CU_ASSERT(ok);
		CU_ASSERT(memcmp(rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->dst_addr.addr_bytes,
		              NMAC, 6) == 0);
	}
	rte_pktmbuf_free(m);
	CU_ASSERT_EQUAL(counter_read(&in1->cnt.packets), 1);

	/* Decrypted by child 1 but matching child 0's inbound policy: discarded (§5.2). */
	CU_ASSERT_PTR_NULL(round_trip(hi, 0x2000, &pdrops));
	CU_ASSERT_EQUAL(pdrops, 1);
	CU_ASSERT_EQUAL(counter_read(&in1->cnt.drops), 1);
}

static void
test_sa_ike_refused(void)
{
	static const uint8_t not_ours[4] = { 192, 0, 2, 77 };
	struct sa_ike_stats before, after;
	struct ike_child_sa c;

	sa_ike_stats_read(&before);
	child(&c, 0, 0x1000, 0x2100, 4, 5); /* our inbound SPI 0x1000 at A is taken */
	CU_ASSERT_EQUAL(sa_ike_child_up(NULL, &c), -EEXIST);
	child(&c, 3, 0x1100, 0x2100, 4, 5); /* no such child */
	CU_ASSERT_EQUAL(sa_ike_child_up(NULL, &c), -EINVAL);
	child(&c, 0, 0x1100, 0x2100, 4, 5);
	c.in.enc_len = 16; /* the salt missing */
	CU_ASSERT_EQUAL(sa_ike_child_up(NULL, &c), -EINVAL);
	child(&c, 0, 0x1100, 0x2100, 4, 5);
	c.spi_in = 255;
	CU_ASSERT_EQUAL(sa_ike_child_up(NULL, &c), -EINVAL);
	child(&c, 0, 0x1100, 0x2100, 4, 5);
	memcpy(c.local.addr, not_ours, 4);
	CU_ASSERT_EQUAL(sa_ike_child_up(NULL, &c), -EADDRNOTAVAIL);
	child(&c, 0, 0x1100, 0x2100, 4, 5);
	c.remote.family = 6;
	CU_ASSERT_EQUAL(sa_ike_child_up(NULL, &c), -EINVAL);
	CU_ASSERT_EQUAL(sa_ike_child_up(NULL, NULL), -EINVAL);
	sa_ike_stats_read(&after);
	CU_ASSERT_EQUAL(after.child_up_failed - before.child_up_failed, 7);
	CU_ASSERT_EQUAL(after.child_up, before.child_up);
	CU_ASSERT_EQUAL(after.install_ns, before.install_ns); /* refused: no install time */
	CU_ASSERT_EQUAL(rte_ring_count(w->sa_ring), 0);
}

static void
test_sa_ike_rows(void)
{
	struct sa_ike_row rows[8];
	size_t n;

	CU_ASSERT_EQUAL(sa_ike_rows_count(), 4);
	n = sa_ike_rows_read(0, rows, 8);
	CU_ASSERT_EQUAL_FATAL(n, 4);
	CU_ASSERT_STRING_EQUAL(rows[0].name, "branch/net");
	CU_ASSERT(rows[0].inbound);
	CU_ASSERT_EQUAL(rows[0].spi, 0x1000);
	CU_ASSERT(!rows[1].inbound && rows[1].active);
	CU_ASSERT_EQUAL(rows[1].spi, 0x2000);
	CU_ASSERT_STRING_EQUAL(rows[2].name, "branch/back");
	CU_ASSERT_EQUAL(rows[2].packets, 2);
	CU_ASSERT_EQUAL(rows[2].drops, 1);
	CU_ASSERT_EQUAL(rows[2].replay_window, 64);
	CU_ASSERT_EQUAL(rows[2].replay_top, 2);
	CU_ASSERT_EQUAL(rows[1].seq, 2);
	CU_ASSERT_STRING_EQUAL(rows[1].prop.name, "aes128gcm16");
	CU_ASSERT_EQUAL(rows[1].lifetime.hard_bytes, 2u << 20);
	CU_ASSERT_EQUAL(sa_ike_rows_read(3, rows, 8), 1);
	CU_ASSERT_EQUAL(rows[0].spi, 0x3000);
	/* SPI 0x2000 is child 0's outbound and child 1's inbound. */
	n = sa_ike_rows_find(0x2000, rows, 8);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_EQUAL(sa_ike_rows_find(0x4242, rows, 8), 0);
}

/* One reply of DPDK's telemetry socket to @p cmd, into @p buf. */
static bool
telemetry(const char *cmd, char *buf, size_t len)
{
	struct sockaddr_un sun;
	ssize_t n;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/dpdk_telemetry.v2",
	    rte_eal_get_runtime_dir());
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (fd < 0)
		return false;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
	    read(fd, buf, len - 1) <= 0 || /* the greeting */
	    write(fd, cmd, strlen(cmd)) != (ssize_t)strlen(cmd) ||
	    (n = read(fd, buf, len - 1)) <= 0) {
		close(fd);
		return false;
	}
	buf[n] = '\0';
	close(fd);
	return true;
}

/* The SA commands list IKE SAs after the static ones, by name, never with keys. */
static void
test_sa_ike_telemetry(void)
{
	static char buf[16384];

	CU_ASSERT_FATAL(telemetry("/fastipsec/sa/list", buf, sizeof(buf)));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"total\":4"));
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(buf, "\"sa_0\":{\"name\":\"branch/net\",\"direction\":\"inbound\""));
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(buf, "\"sa_3\":{\"name\":\"branch/back\",\"direction\":\"outbound\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"active\":1"));
	CU_ASSERT_FATAL(telemetry("/fastipsec/sa/list,3", buf, sizeof(buf)));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"sa_3\""));
	CU_ASSERT_PTR_NULL(strstr(buf, "\"sa_2\""));
	CU_ASSERT_FATAL(telemetry("/fastipsec/sa/info,2000", buf, sizeof(buf)));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"found\":2"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"encap\":\"none\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"replay_window\":64"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"lifetime_state\":\"active\""));
	CU_ASSERT_PTR_NULL(strstr(buf, "key"));
}

/* Make-before-break: a second pair of child 0 takes the slot; each old SA goes on its own. */
static void
test_sa_ike_rekey(void)
{
	static const uint8_t lo[4] = { 203, 0, 113, 5 };
	struct ike_child_sa old0, new0, old1, new1;
	struct sa_ike_stats before, after;
	struct sa_rt_out *old_out = w->sa_out[SA_CHILD_SLOT_BASE];
	unsigned int pending;
	struct rte_mbuf *m;
	uint64_t pdrops;

	sa_ike_stats_read(&before);
	child(&old0, 0, 0x1000, 0x2000, 1, 2);
	child(&old1, 1, 0x2000, 0x3000, 2, 3);
	child(&new0, 0, 0x1001, 0x2001, 6, 7);
	child(&new1, 1, 0x2001, 0x3001, 7, 8);
	CU_ASSERT_EQUAL(sa_ike_child_up(NULL, &new1), 0);
	CU_ASSERT_EQUAL(sa_ike_child_up(NULL, &new0), 0);
	settle();
	/* Both inbound SAs of each child decrypt; the outbound slot has the new one. */
	CU_ASSERT_PTR_NOT_NULL(sad_spi(0x1000, A4));
	CU_ASSERT_PTR_NOT_NULL(sad_spi(0x1001, A4));
	CU_ASSERT_PTR_NOT_NULL(sad_spi(0x2000, B4));
	CU_ASSERT_PTR_NOT_NULL(sad_spi(0x2001, B4));
	CU_ASSERT_EQUAL(w->sa_out[SA_CHILD_SLOT_BASE]->spi, rte_cpu_to_be_32(0x2001));
	CU_ASSERT_EQUAL(sa_ike_rows_count(), 8);
	m = round_trip(lo, 0x2001, &pdrops);
	CU_ASSERT_PTR_NOT_NULL(m);
	rte_pktmbuf_free(m);

	/* The old pair goes: the slot keeps the new SA (its DEL does not touch it). */
	pending = sa_push_pending();
	sa_ike_child_down(NULL, &old0);
	sa_ike_child_down(NULL, &old1);
	CU_ASSERT_EQUAL(sa_push_pending(), pending + 4);
	settle_all();
	CU_ASSERT_EQUAL(sa_push_pending(), 0);
	CU_ASSERT_PTR_NULL(sad_spi(0x1000, A4));
	CU_ASSERT_PTR_NULL(sad_spi(0x2000, B4));
	CU_ASSERT_PTR_NOT_NULL(sad_spi(0x2001, B4));
	CU_ASSERT(
	    w->sa_out[SA_CHILD_SLOT_BASE] != NULL && w->sa_out[SA_CHILD_SLOT_BASE] != old_out);
	CU_ASSERT_EQUAL(w->sa_out[SA_CHILD_SLOT_BASE]->spi, rte_cpu_to_be_32(0x2001));
	CU_ASSERT_EQUAL(sa_ike_rows_count(), 4);
	m = round_trip(lo, 0x2001, &pdrops);
	CU_ASSERT_PTR_NOT_NULL(m);
	rte_pktmbuf_free(m);
	/* An unknown pair is ignored. */
	sa_ike_child_down(NULL, &old0);
	sa_ike_stats_read(&after);
	CU_ASSERT_EQUAL(after.rekeyed - before.rekeyed, 2);
	CU_ASSERT_EQUAL(after.child_down - before.child_down, 2);
	/* The two pairs installed took the installer some time (install_ns). */
	CU_ASSERT(after.install_ns > before.install_ns);
}

/* When the newest pair goes first, the slot falls back to the older pair still there. */
static void
test_sa_ike_fallback(void)
{
	struct ike_child_sa older, newer;

	child(&older, 0, 0x1001, 0x2001, 6, 7); /* installed by the rekey test */
	child(&newer, 0, 0x1002, 0x2002, 9, 10);
	CU_ASSERT_EQUAL(sa_ike_child_up(NULL, &newer), 0);
	settle();
	CU_ASSERT_EQUAL(w->sa_out[SA_CHILD_SLOT_BASE]->spi, rte_cpu_to_be_32(0x2002));
	sa_ike_child_down(NULL, &newer);
	settle_all();
	CU_ASSERT_FATAL(w->sa_out[SA_CHILD_SLOT_BASE] != NULL);
	CU_ASSERT_EQUAL(w->sa_out[SA_CHILD_SLOT_BASE]->spi, rte_cpu_to_be_32(0x2001));
	CU_ASSERT_PTR_NULL(sad_spi(0x1002, A4));
	CU_ASSERT_PTR_NOT_NULL(sad_spi(0x1001, A4));
}

/* A LAN packet through child 0 as ESP in UDP: its UDP destination port, SPI and sequence number. */
static void
encap_out(uint16_t *dport, uint32_t *spi, uint32_t *seq)
{
	static const uint8_t lo[4] = { 203, 0, 113, 5 }, dst[4] = { 198, 51, 100, 9 };
	struct rte_mbuf *m = lan_packet(lo, dst, 100), *esp;
	const struct rte_ipv4_hdr *ip;
	const struct rte_udp_hdr *udp;
	uint32_t be[2];

	input_burst(w, 1, &m, 1);
	input_crypto_poll(w, true);
	esp = taken(0);
	CU_ASSERT_FATAL(esp != NULL);
	ip = rte_pktmbuf_mtod_offset(esp, const struct rte_ipv4_hdr *, 14);
	CU_ASSERT_EQUAL(ip->next_proto_id, IPPROTO_UDP);
	CU_ASSERT(memcmp(&ip->dst_addr, C4, 4) == 0);
	udp = (const struct rte_udp_hdr *)(ip + 1);
	*dport = rte_be_to_cpu_16(udp->dst_port);
	memcpy(be, udp + 1, 8);
	*spi = rte_be_to_cpu_32(be[0]);
	*seq = rte_be_to_cpu_32(be[1]);
	rte_pktmbuf_free(esp);
	drain_events();
}

/* The peer's NAT moved it: the outbound SA sends to the new port, its sequence numbers go on. */
static void
test_sa_ike_remap(void)
{
	struct ike_child_sa c, prep, plain;
	struct sa_ike_stats before, after;
	uint32_t spi, seq;
	uint16_t dport;

	sa_ike_stats_read(&before);
	child(&c, 0, 0x1003, 0x2003, 11, 12);
	c.encap = true;
	c.local_port = 4500;
	c.remote_port = 4500;
	CU_ASSERT_EQUAL_FATAL(sa_ike_child_up(NULL, &c), 0);
	settle();
	encap_out(&dport, &spi, &seq);
	CU_ASSERT(dport == 4500 && spi == 0x2003 && seq == 1);
	encap_out(&dport, &spi, &seq);
	CU_ASSERT(dport == 4500 && seq == 2);

	c.remote_port = 40001;
	CU_ASSERT_EQUAL(sa_ike_child_remap(NULL, &c), 0);
	CU_ASSERT_EQUAL(sa_push_pending(), 1); /* the move record, until every worker took it */
	settle_all();
	CU_ASSERT_EQUAL(sa_push_pending(), 0);
	encap_out(&dport, &spi, &seq);
	CU_ASSERT(dport == 40001 && spi == 0x2003 && seq == 3);

	/* A prepared pair (outbound not published) is moved in place. */
	child(&prep, 0, 0x1004, 0x2004, 13, 14);
	prep.encap = true;
	prep.local_port = 4500;
	prep.remote_port = 4500;
	CU_ASSERT_EQUAL_FATAL(sa_ike_child_prepare(NULL, &prep), 0);
	prep.remote_port = 40002;
	CU_ASSERT_EQUAL(sa_ike_child_remap(NULL, &prep), 0);
	CU_ASSERT_EQUAL(sa_ike_child_activate(NULL, &prep), 0);
	settle();
	encap_out(&dport, &spi, &seq);
	CU_ASSERT(dport == 40002 && spi == 0x2004 && seq == 1);

	/* Refused: an unknown pair, a pair without UDP encapsulation. */
	child(&plain, 0, 0x7001, 0x7002, 1, 2);
	plain.encap = true;
	CU_ASSERT_EQUAL(sa_ike_child_remap(NULL, &plain), -ENOENT);
	child(&plain, 0, 0x1001, 0x2001, 6, 7);
	plain.encap = true;
	CU_ASSERT_EQUAL(sa_ike_child_remap(NULL, &plain), -EINVAL);
	sa_ike_stats_read(&after);
	CU_ASSERT_EQUAL(after.remapped - before.remapped, 2);

	sa_ike_child_down(NULL, &prep);
	sa_ike_child_down(NULL, &c);
	settle_all();
	CU_ASSERT_EQUAL(w->sa_out[SA_CHILD_SLOT_BASE]->spi, rte_cpu_to_be_32(0x2001));
}

static unsigned int acquired[2];

static void
on_acquire(void *ctx, uint64_t now_ns, unsigned int c)
{
	(void)now_ns;
	CU_ASSERT_PTR_EQUAL(ctx, acquired);
	if (c < 2)
		acquired[c]++;
}

static struct {
	unsigned int calls;
	uint32_t spi;
	bool inbound, hard;
} expired;

static void
on_expire(void *ctx, uint64_t now_ns, uint32_t spi, bool inbound, bool hard)
{
	(void)ctx;
	(void)now_ns;
	expired.calls++;
	expired.spi = spi;
	expired.inbound = inbound;
	expired.hard = hard;
}

/* The last pair of a child goes: the slot empties, and a trap child is negotiated on demand. */
static void
test_sa_ike_down_and_acquire(void)
{
	static const uint8_t lo[4] = { 203, 0, 113, 5 }, dst[4] = { 198, 51, 100, 9 };
	struct ike_child_sa c;
	struct rte_mbuf *m;
	uint64_t drops;
	struct ev ev;

	/* Soft and hard lifetime events of an IKE SA go to the engine. */
	sa_ike_register_expire(on_expire, NULL);
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_SA_LIFETIME;
	ev.sa_id = SA_CHILD_SLOT_BASE + 0;
	ev.spi = 0x1001;
	ev.limit = EV_SA_SOFT_BYTES;
	sa_ike_lifetime(&ev, 5);
	CU_ASSERT_EQUAL(expired.calls, 1);
	CU_ASSERT(expired.inbound && !expired.hard && expired.spi == 0x1001);
	ev.flags = EV_SA_F_OUTBOUND;
	ev.spi = 0x2001;
	ev.limit = EV_SA_SEQ_EXHAUSTED;
	sa_ike_lifetime(&ev, 6);
	CU_ASSERT_EQUAL(expired.calls, 2);
	CU_ASSERT(!expired.inbound && expired.hard);
	ev.spi = 0x7777; /* gone: logged, not handed on */
	sa_ike_lifetime(&ev, 7);
	CU_ASSERT_EQUAL(expired.calls, 2);

	child(&c, 0, 0x1001, 0x2001, 6, 7);
	sa_ike_child_down(NULL, &c);
	child(&c, 1, 0x2001, 0x3001, 7, 8);
	sa_ike_child_down(NULL, &c);
	settle_all();
	CU_ASSERT_PTR_NULL(w->sa_out[SA_CHILD_SLOT_BASE]);
	CU_ASSERT_PTR_NULL(w->sa_out[SA_CHILD_SLOT_BASE + 1]);
	CU_ASSERT_EQUAL(sa_ike_rows_count(), 0);
	CU_ASSERT_EQUAL(sa_push_pending(), 0);

	sa_ike_register_acquire(on_acquire, acquired);
	drain_events();
	drops = w->stats.drops[DROP_NO_CHILD_SA];
	m = lan_packet(lo, dst, 10);
	input_burst(w, 1, &m, 1);
	input_crypto_poll(w, true);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_NO_CHILD_SA], drops + 1);
	drain_events(); /* the worker asked within its interval already, or asks now */
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_ACQUIRE;
	ev.sa_id = 0;
	sa_ike_acquire(&ev, 10ull * 1000000000);
	CU_ASSERT_EQUAL(acquired[0], 1);
	/* Another worker asking within the interval changes nothing; after it, the engine is asked again. */
	sa_ike_acquire(&ev, 10ull * 1000000000 + 1000);
	CU_ASSERT_EQUAL(acquired[0], 1);
	sa_ike_acquire(&ev, 12ull * 1000000000);
	CU_ASSERT_EQUAL(acquired[0], 2);
	/* Child 1 is not trap: no negotiation on demand. */
	ev.sa_id = 1;
	sa_ike_acquire(&ev, 20ull * 1000000000);
	ev.sa_id = 99;
	sa_ike_acquire(&ev, 20ull * 1000000000);
	CU_ASSERT_EQUAL(acquired[1], 0);
	sa_ike_register_acquire(NULL, NULL);
	sa_ike_register_expire(NULL, NULL);
}

/* ---- One child, many peers ---- */

static const uint8_t RW1[4] = { 198, 51, 100, 129 }; /* C's address behind its tunnel */
static const uint8_t RW2[4] = { 198, 51, 100, 140 }; /* D's */
static uint64_t fake_now;
static uint32_t slot1, slot2; /* C's and D's slots */

static void
ts(struct config_ts *t, const uint8_t *a, uint8_t len)
{
	memset(t, 0, sizeof(*t));
	prefix(&t->net, a, len);
	t->protocol = -1;
	t->ports.last = 65535;
}

/* A pair of child 2 with peer @p peer (outer address), narrowed to @p inner/32, under IKE SA @p ike. */
static void
rw_child(struct ike_child_sa *c, const uint8_t *peer, const uint8_t *inner, uint32_t in,
    uint32_t out, uint8_t kin, uint8_t kout, uint64_t ike)
{
	static const uint8_t lan_net[4] = { 203, 0, 113, 0 };

	child(c, 0, in, out, kin, kout);
	c->child = 2;
	c->ike_sa = ike;
	memcpy(c->remote.addr, peer, 4);
	c->n_local_ts = 1;
	ts(&c->local_ts[0], lan_net, 24);
	c->n_remote_ts = 1;
	ts(&c->remote_ts[0], inner, 32);
}

/* The control core's next batch: the SPD rebuilt, then the old one freed after a grace period. */
static void
spd_rebuild(void)
{
	fake_now += 1000000000ull;
	spd_ctl_tick(fake_now);
	settle();
	spd_ctl_tick(fake_now);
}

/* A LAN packet to @p dst: the SPI it leaves with (to outer address @p peer), 0 when dropped. */
static uint32_t
out_spi(const uint8_t *dst, const uint8_t *peer)
{
	struct rte_mbuf *m = lan_packet(LAN_HOST, dst, 50), *esp;
	const struct rte_ipv4_hdr *ip;
	uint32_t spi;

	input_burst(w, 1, &m, 1);
	input_crypto_poll(w, true);
	drain_events();
	if ((esp = taken(0)) == NULL)
		return 0;
	ip = rte_pktmbuf_mtod_offset(esp, const struct rte_ipv4_hdr *, 14);
	CU_ASSERT_EQUAL(ip->next_proto_id, IPPROTO_ESP);
	CU_ASSERT(memcmp(&ip->dst_addr, peer, 4) == 0);
	memcpy(&spi, ip + 1, 4);
	rte_pktmbuf_free(esp);
	return rte_be_to_cpu_32(spi);
}

/* The peers' outbound SAs (our inbound ones), kept: their sequence numbers go on. */
static struct {
	uint32_t spi;
	struct sa_rt_out *sa;
} senders[8];

/* Peer @p peer's outbound SA to A with SPI @p spi and keys @p kin. */
static struct sa_rt_out *
sender(const uint8_t *peer, uint32_t spi, uint8_t kin)
{
	struct config_lifetime lt;
	struct config_addr l, r;
	struct ike_child_keys k;
	struct sa_build_prm prm;
	unsigned int i;

	for (i = 0; i < RTE_DIM(senders) && senders[i].sa != NULL; i++)
		if (senders[i].spi == spi)
			return senders[i].sa;
	CU_ASSERT_FATAL(i < RTE_DIM(senders));
	keys(&k, kin);
	memset(&lt, 0, sizeof(lt));
	memset(&l, 0, sizeof(l));
	memset(&r, 0, sizeof(r));
	l.family = r.family = 4;
	memcpy(l.addr, peer, 4);
	memcpy(r.addr, A4, 4);
	memset(&prm, 0, sizeof(prm));
	prm.spi = spi;
	prm.protocol = ALG_PROTO_ESP;
	prm.mode = CONFIG_MODE_TUNNEL;
	prm.local = &l;
	prm.remote = &r;
	prm.prop = &gcm;
	prm.enc_key = k.enc;
	prm.integ_key = k.integ;
	prm.lifetime = &lt;
	CU_ASSERT_FATAL(sa_build_out(&prm, ctl_mgr, 0, 0, &senders[i].sa) == 0);
	senders[i].spi = spi;
	return senders[i].sa;
}

/*
 * Peer @p peer sends from @p src to the LAN host through our inbound SA
 * @p spi (keys @p kin), encrypted as the peer would.  true when the
 * decrypted packet left on the LAN; *@p pdrops: policy drops on the way.
 */
static bool
peer_sends(const uint8_t *peer, uint32_t spi, uint8_t kin, const uint8_t *src, uint64_t *pdrops)
{
	uint64_t before = w->stats.drops[DROP_POLICY];
	struct sa_rt_out *sa = sender(peer, spi, kin);
	struct rte_ether_hdr *eth;
	struct rte_mbuf *m, *got;
	bool ok;

	m = lan_packet(src, LAN_HOST, 60);
	rte_pktmbuf_adj(m, sizeof(*eth));
	CU_ASSERT_FATAL(esp_outbound_burst(w, &m, &sa, 1) == 1);
	eth = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eth));
	CU_ASSERT_FATAL(eth != NULL);
	memcpy(eth->dst_addr.addr_bytes, MAC0, 6);
	memcpy(eth->src_addr.addr_bytes, NMAC, 6);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	input_burst(w, 0, &m, 1);
	input_crypto_poll(w, true);
	*pdrops = w->stats.drops[DROP_POLICY] - before;
	drain_events();
	got = taken(1);
	ok = got != NULL;
	if (ok) {
		const struct rte_ipv4_hdr *ip =
		    rte_pktmbuf_mtod_offset(got, const struct rte_ipv4_hdr *, 14);

		CU_ASSERT(memcmp(&ip->src_addr, src, 4) == 0);
		CU_ASSERT(memcmp(&ip->dst_addr, LAN_HOST, 4) == 0);
		rte_pktmbuf_free(got);
	}
	return ok;
}

/* The slot of the pair with outbound SPI @p spi (0 when none), and its row into @p r. */
static uint32_t
slot_of_spi(uint32_t spi, struct sa_ike_row *r)
{
	struct sa_ike_row rows[4];
	size_t i, n = sa_ike_rows_find(spi, rows, 4);

	for (i = 0; i < n; i++) {
		if (!rows[i].inbound) {
			*r = rows[i];
			return rows[i].slot;
		}
	}
	return 0;
}

/* Two peers of one road-warrior child: each its own slot, policies and traffic. */
static void
test_sa_ike_many_peers(void)
{
	static const uint8_t elsewhere[4] = { 198, 51, 100, 200 };
	struct spd_ctl_stats before, after;
	struct ike_child_sa p1, p2;
	struct sa_ike_stats st;
	struct sa_ike_row r = { 0 };
	static char buf[16384];
	uint64_t drops, pd;

	rw_child(&p1, C4, RW1, 0x5001, 0x6001, 21, 22, 11);
	rw_child(&p2, D4, RW2, 0x5002, 0x6002, 23, 24, 12);
	CU_ASSERT_EQUAL_FATAL(sa_ike_child_up(NULL, &p1), 0);
	CU_ASSERT_EQUAL_FATAL(sa_ike_child_up(NULL, &p2), 0);
	settle();
	slot1 = slot_of_spi(0x6001, &r);
	CU_ASSERT(r.own_policies && !r.policy_live && r.active);
	CU_ASSERT_STRING_EQUAL(r.remote_ts, "198.51.100.129/32");
	CU_ASSERT_STRING_EQUAL(r.local_ts, "203.0.113.0/24");
	slot2 = slot_of_spi(0x6002, &r);
	CU_ASSERT(slot1 >= SA_DYN_SLOT_BASE && slot2 >= SA_DYN_SLOT_BASE && slot1 != slot2);
	CU_ASSERT_FATAL(slot1 < SA_MAX && slot2 < SA_MAX);
	sa_ike_stats_read(&st);
	CU_ASSERT_EQUAL(st.peer_slots, 2);
	/* The child's slot holds neither; each peer's slot its own SA, its inbound SA its id. */
	CU_ASSERT_PTR_NULL(w->sa_out[SA_CHILD_SLOT_BASE + 2]);
	CU_ASSERT_FATAL(w->sa_out[slot1] != NULL && w->sa_out[slot2] != NULL);
	CU_ASSERT_EQUAL(w->sa_out[slot1]->spi, rte_cpu_to_be_32(0x6001));
	CU_ASSERT_EQUAL(w->sa_out[slot2]->spi, rte_cpu_to_be_32(0x6002));
	CU_ASSERT_EQUAL(sad_spi(0x5001, A4)->id, slot1);
	CU_ASSERT_EQUAL(sad_spi(0x5002, A4)->id, slot2);

	/* Until the SPD has their policies, their traffic meets the child's: no SA, dropped. */
	drops = w->stats.drops[DROP_NO_CHILD_SA];
	CU_ASSERT_EQUAL(out_spi(RW1, C4), 0);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_NO_CHILD_SA], drops + 1);
	CU_ASSERT(sa_ike_policies_changed());
	spd_ctl_stats_read(&before);
	spd_rebuild();
	spd_ctl_stats_read(&after);
	CU_ASSERT_EQUAL(after.rebuilds, before.rebuilds + 1);
	CU_ASSERT_EQUAL(after.policies, 6 + 4);
	CU_ASSERT(after.build_ns_last > 0);
	CU_ASSERT(!sa_ike_policies_changed());
	slot_of_spi(0x6002, &r);
	CU_ASSERT(r.policy_live);

	/* Each peer's traffic leaves through its own SA, to that peer. */
	CU_ASSERT_EQUAL(out_spi(RW1, C4), 0x6001);
	CU_ASSERT_EQUAL(out_spi(RW2, D4), 0x6002);
	CU_ASSERT_EQUAL(out_spi(RW1, C4), 0x6001);
	CU_ASSERT_EQUAL(counter_read(&w->sa_out[slot1]->cnt.packets), 2);
	CU_ASSERT_EQUAL(counter_read(&w->sa_out[slot2]->cnt.packets), 1);
	/* The rest of the child's selectors: the child's policy, still no SA. */
	drops = w->stats.drops[DROP_NO_CHILD_SA];
	CU_ASSERT_EQUAL(out_spi(elsewhere, C4), 0);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_NO_CHILD_SA], drops + 1);

	/* Each peer passes with its own address; with the other's it is dropped (RFC 4301 §5.2). */
	CU_ASSERT(peer_sends(C4, 0x5001, 21, RW1, &pd));
	CU_ASSERT_EQUAL(pd, 0);
	CU_ASSERT(peer_sends(D4, 0x5002, 23, RW2, &pd));
	CU_ASSERT_EQUAL(pd, 0);
	CU_ASSERT(!peer_sends(D4, 0x5002, 23, RW1, &pd));
	CU_ASSERT_EQUAL(pd, 1);
	CU_ASSERT(!peer_sends(C4, 0x5001, 21, RW2, &pd));
	CU_ASSERT_EQUAL(pd, 1);
	CU_ASSERT_EQUAL(counter_read(&sad_spi(0x5002, A4)->cnt.drops), 1);
	CU_ASSERT_EQUAL(counter_read(&sad_spi(0x5002, A4)->cnt.packets), 2);

	/* Telemetry names the slot, the peer's selectors and whether its policies are in. */
	CU_ASSERT_FATAL(telemetry("/fastipsec/sa/info,6001", buf, sizeof(buf)));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"policy\":\"own\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"remote_ts\":\"198.51.100.129/32\""));
	snprintf(r.name, sizeof(r.name), "\"slot\":%u", slot1);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, r.name));
}

/* A rekey of C's pair (make-before-break) keeps C's traffic on C's slot; D is not touched. */
static void
test_sa_ike_many_peers_rekey(void)
{
	struct ike_child_sa old1, new1;
	struct sa_ike_row r = { 0 };
	uint64_t pd;

	rw_child(&old1, C4, RW1, 0x5001, 0x6001, 21, 22, 11);
	rw_child(&new1, C4, RW1, 0x5011, 0x6011, 25, 26, 11);
	CU_ASSERT_EQUAL_FATAL(sa_ike_child_prepare(NULL, &new1), 0);
	settle();
	CU_ASSERT_EQUAL(slot_of_spi(0x6011, &r), slot1);
	CU_ASSERT(!r.active);
	CU_ASSERT_EQUAL(out_spi(RW1, C4), 0x6001);
	/* Both inbound SAs decrypt meanwhile. */
	CU_ASSERT(peer_sends(C4, 0x5011, 25, RW1, &pd));
	CU_ASSERT(peer_sends(C4, 0x5001, 21, RW1, &pd));
	CU_ASSERT_EQUAL(sa_ike_child_activate(NULL, &new1), 0);
	settle();
	CU_ASSERT_EQUAL(out_spi(RW1, C4), 0x6011);
	CU_ASSERT_EQUAL(out_spi(RW2, D4), 0x6002);
	/* The same peer: no policy changed, no rebuild needed. */
	CU_ASSERT(!sa_ike_policies_changed());
	sa_ike_child_down(NULL, &old1);
	settle_all();
	CU_ASSERT(!sa_ike_policies_changed());
	CU_ASSERT_PTR_NULL(sad_spi(0x5001, A4));
	CU_ASSERT_EQUAL(out_spi(RW1, C4), 0x6011);
	CU_ASSERT(peer_sends(C4, 0x5011, 25, RW1, &pd));
	CU_ASSERT_EQUAL(slot_of_spi(0x6011, &r), slot1);
	CU_ASSERT(r.active && r.policy_live);
}

/* D's last pair goes: its slot empties, its policies leave, and the slot is taken again only after. */
static void
test_sa_ike_many_peers_down(void)
{
	static const uint8_t rw3[4] = { 198, 51, 100, 150 }, rw4[4] = { 198, 51, 100, 160 };
	struct ike_child_sa p2, p3, p4, n1;
	struct spd_ctl_stats sp;
	struct sa_ike_stats st;
	struct sa_ike_row r = { 0 };
	uint32_t slot3;
	uint64_t drops;

	rw_child(&p2, D4, RW2, 0x5002, 0x6002, 23, 24, 12);
	sa_ike_child_down(NULL, &p2);
	settle_all();
	CU_ASSERT_PTR_NULL(w->sa_out[slot2]);
	CU_ASSERT_PTR_NULL(sad_spi(0x5002, A4));
	CU_ASSERT(sa_ike_policies_changed());
	sa_ike_stats_read(&st);
	CU_ASSERT_EQUAL(st.peer_slots, 1);
	/* D's policy still in the SPD names an empty slot: dropped, never sent elsewhere. */
	CU_ASSERT_EQUAL(out_spi(RW2, D4), 0);

	/* A new peer before the SPD without D's policies is out: another slot. */
	rw_child(&p3, D4, rw3, 0x5003, 0x6003, 27, 28, 13);
	CU_ASSERT_EQUAL_FATAL(sa_ike_child_up(NULL, &p3), 0);
	settle();
	slot3 = slot_of_spi(0x6003, &r);
	CU_ASSERT(slot3 >= SA_DYN_SLOT_BASE && slot3 != slot2 && slot3 != slot1);
	spd_rebuild();
	spd_ctl_stats_read(&sp);
	CU_ASSERT_EQUAL(sp.policies, 6 + 4); /* C's and the new peer's */
	drops = w->stats.drops[DROP_NO_CHILD_SA];
	CU_ASSERT_EQUAL(out_spi(RW2, D4), 0);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_NO_CHILD_SA], drops + 1);
	CU_ASSERT_EQUAL(out_spi(rw3, D4), 0x6003);
	CU_ASSERT_EQUAL(out_spi(RW1, C4), 0x6011);

	/* The SPD naming D's slot is freed: the next new peer takes the slot. */
	rw_child(&p4, D4, rw4, 0x5004, 0x6004, 29, 30, 14);
	CU_ASSERT_EQUAL_FATAL(sa_ike_child_up(NULL, &p4), 0);
	settle();
	CU_ASSERT_EQUAL(slot_of_spi(0x6004, &r), slot2);
	spd_rebuild();
	CU_ASSERT_EQUAL(out_spi(rw4, D4), 0x6004);

	/* Everything goes: the SPD is the config's again, no slot holds an SA. */
	rw_child(&n1, C4, RW1, 0x5011, 0x6011, 25, 26, 11);
	sa_ike_child_down(NULL, &n1);
	sa_ike_child_down(NULL, &p3);
	sa_ike_child_down(NULL, &p4);
	settle_all();
	spd_rebuild();
	spd_ctl_stats_read(&sp);
	CU_ASSERT_EQUAL(sp.policies, 6);
	CU_ASSERT_PTR_NULL(w->sa_out[slot1]);
	CU_ASSERT_PTR_NULL(w->sa_out[slot2]);
	CU_ASSERT_PTR_NULL(w->sa_out[slot3]);
	CU_ASSERT_EQUAL(sa_ike_rows_count(), 0);
	sa_ike_stats_read(&st);
	CU_ASSERT_EQUAL(st.peer_slots, 0);
	settle_all();
	CU_ASSERT_EQUAL(sa_push_pending(), 0);
}

/* A site-to-site pair as configured takes the child's slot; narrowed, a slot of its own. */
static void
test_sa_ike_narrowed(void)
{
	static const uint8_t remote_net[4] = { 198, 51, 100, 0 }, lan_net[4] = { 203, 0, 113, 0 };
	static const uint8_t lan_host[4] = { 203, 0, 113, 7 };
	struct ike_child_sa exact, narrow;
	struct sa_ike_row r = { 0 };

	/* Child 1 (B <-> A): local 198.51.100.0/24, remote 203.0.113.0/24, as its policies. */
	child(&exact, 1, 0x2101, 0x3101, 41, 42);
	exact.n_local_ts = exact.n_remote_ts = 1;
	ts(&exact.local_ts[0], remote_net, 24);
	ts(&exact.remote_ts[0], lan_net, 24);
	narrow = exact;
	narrow.spi_in = 0x2102;
	narrow.spi_out = 0x3102;
	ts(&narrow.remote_ts[0], lan_host, 32);
	CU_ASSERT_EQUAL_FATAL(sa_ike_child_up(NULL, &exact), 0);
	CU_ASSERT_EQUAL_FATAL(sa_ike_child_up(NULL, &narrow), 0);
	settle();
	CU_ASSERT_EQUAL(slot_of_spi(0x3101, &r), SA_CHILD_SLOT_BASE + 1);
	CU_ASSERT(!r.own_policies && r.active);
	CU_ASSERT(slot_of_spi(0x3102, &r) >= SA_DYN_SLOT_BASE);
	CU_ASSERT(r.own_policies && r.active);
	CU_ASSERT_EQUAL(w->sa_out[SA_CHILD_SLOT_BASE + 1]->spi, rte_cpu_to_be_32(0x3101));
	CU_ASSERT(sa_ike_policies_changed());
	sa_ike_child_down(NULL, &narrow);
	sa_ike_child_down(NULL, &exact);
	settle_all();
	spd_rebuild();
	CU_ASSERT_PTR_NULL(w->sa_out[SA_CHILD_SLOT_BASE + 1]);
	CU_ASSERT_EQUAL(sa_ike_rows_count(), 0);
}

static int
suite_init(void)
{
	char prefix[64], err[256];
	char *argv[] = { "test_sa_ike", "--no-huge", "-m", "256", "--no-pci", "-l", "0-1",
		"--log-level=error", "--no-shconf", prefix, NULL };
	struct rte_ether_addr mac;
	struct neigh_entry *e;
	struct port *p;
	unsigned int i;

	snprintf(prefix, sizeof(prefix), "--file-prefix=fipt-unit-%d", (int)getpid());
	if (rte_eal_init(10, argv) < 0)
		return -1;
	if (alg_proposal_parse("aes128gcm16", ALG_PROTO_ESP, &gcm, err, sizeof(err)) != 0)
		return -1;
	build_config();
	port_table.pool = rte_pktmbuf_pool_create("test_pool", 1023, 0, 0,
	    RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (port_table.pool == NULL)
		return -1;
	port_table.n = 2;
	for (i = 0; i < 2; i++) {
		p = &port_table.port[i];
		p->port_id = (uint16_t)i;
		p->mtu = 1500;
		p->role = ifaces[i].role;
		p->cfg = &cfg.interfaces[i];
		p->ctl_txq = -1;
		memcpy(p->mac.addr_bytes, i == 0 ? MAC0 : MAC1, 6);
	}
	port_table.port[0].n_v4 = 2;
	memcpy(&port_table.port[0].v4[0], A4, 4);
	memcpy(&port_table.port[0].v4[1], B4, 4);
	port_table.port[0].v4_len[0] = 25;
	port_table.port[0].v4_len[1] = 25;
	port_table.port[1].n_v4 = 1;
	memcpy(&port_table.port[1].v4[0], ifaces[1].addresses[0].a.addr, 4);
	port_table.port[1].v4_len[0] = 24;
	port_index_addresses();
	if (worker_setup(err, sizeof(err)) != 0 || worker_set.n != 1) {
		fprintf(stderr, "worker_setup: %s\n", err);
		return -1;
	}
	w = worker_set.w[0];
	rte_rcu_qsbr_thread_register(worker_set.qsbr, 0);
	rte_rcu_qsbr_thread_online(worker_set.qsbr, 0);
	if (route_table_create(&cfg, err, sizeof(err)) != 0 || neigh_table_create() != 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	memcpy(mac.addr_bytes, NMAC, 6);
	if ((e = neigh_table_add(0, 4, C4)) == NULL)
		return -1;
	neigh_table_set(e, &mac, true, 1);
	if ((e = neigh_table_add(1, 4, LAN_GW)) == NULL)
		return -1;
	neigh_table_set(e, &mac, true, 1);
	if ((e = neigh_table_add(0, 4, D4)) == NULL)
		return -1;
	neigh_table_set(e, &mac, true, 1);
	if ((e = neigh_table_add(1, 4, LAN_HOST)) == NULL)
		return -1;
	neigh_table_set(e, &mac, true, 1);
	if (spd_ctl_init(&cfg, SOCKET_ID_ANY, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	ctl_mgr = crypto_mb_create(SOCKET_ID_ANY);
	if (ctl_mgr == NULL || sa_ike_init(&cfg, ctl_mgr) != 0 || telemetry_sa_init() != 0)
		return -1;
	return 0;
}

static int
suite_fini(void)
{
	char rundir[PATH_MAX];
	unsigned int i;

	drain_events();
	for (i = 0; i < RTE_DIM(senders); i++)
		if (senders[i].sa != NULL)
			sa_build_free_out(senders[i].sa);
	rte_rcu_qsbr_thread_offline(worker_set.qsbr, 0);
	rte_rcu_qsbr_thread_unregister(worker_set.qsbr, 0);
	sa_push_fini();
	sa_ike_fini();
	if (ctl_mgr != NULL)
		crypto_mb_destroy(ctl_mgr);
	spd_ctl_fini();
	worker_teardown();
	neigh_table_destroy();
	route_table_destroy();
	rte_mempool_free(port_table.pool);
	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	{
		char sock[PATH_MAX + 32];

		snprintf(sock, sizeof(sock), "%s/dpdk_telemetry.v2", rundir);
		unlink(sock);
	}
	rmdir(rundir);
	return 0;
}

int
main(void)
{
	CU_pSuite s;
	unsigned int fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("sa_ike", suite_init, suite_fini);
	CU_add_test(s, "test_sa_ike_child_up_and_traffic", test_sa_ike_child_up_and_traffic);
	CU_add_test(s, "test_sa_ike_refused", test_sa_ike_refused);
	CU_add_test(s, "test_sa_ike_rows", test_sa_ike_rows);
	CU_add_test(s, "test_sa_ike_telemetry", test_sa_ike_telemetry);
	CU_add_test(s, "test_sa_ike_rekey", test_sa_ike_rekey);
	CU_add_test(s, "test_sa_ike_fallback", test_sa_ike_fallback);
	CU_add_test(s, "test_sa_ike_remap", test_sa_ike_remap);
	CU_add_test(s, "test_sa_ike_down_and_acquire", test_sa_ike_down_and_acquire);
	CU_add_test(s, "test_sa_ike_many_peers", test_sa_ike_many_peers);
	CU_add_test(s, "test_sa_ike_many_peers_rekey", test_sa_ike_many_peers_rekey);
	CU_add_test(s, "test_sa_ike_many_peers_down", test_sa_ike_many_peers_down);
	CU_add_test(s, "test_sa_ike_narrowed", test_sa_ike_narrowed);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return fails == 0 ? 0 : 1;
}
