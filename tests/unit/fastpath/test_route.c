/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/fastpath/test_route.c: the forwarding table built from a config, looked up as the workers do. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "fastpath/route.h"

#define NONE (-1) /* expect.kind: no route */

/* One expected lookup: kind (or NONE), port and gateway (NULL: none). */
struct expect {
	const char *dst;
	int kind;
	unsigned int port;
	const char *gw;
};

static struct config cfg;
static struct config_route routes[CONFIG_ROUTES_MAX];

static void
addr(const char *s, struct config_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->family = strchr(s, ':') != NULL ? 6 : 4;
	CU_ASSERT_FATAL(inet_pton(a->family == 4 ? AF_INET : AF_INET6, s, a->addr) == 1);
}

static void
cfg_reset(void)
{
	memset(&cfg, 0, sizeof(cfg));
	memset(routes, 0, sizeof(routes));
	cfg.routes = routes;
}

static void
cfg_address(unsigned int i, const char *a, unsigned int len)
{
	struct config_interface *ci = &cfg.interfaces[i];

	if (cfg.n_interfaces <= i)
		cfg.n_interfaces = i + 1;
	addr(a, &ci->addresses[ci->n_addresses].a);
	ci->addresses[ci->n_addresses++].len = (uint8_t)len;
}

static void
cfg_route(const char *dst, unsigned int len, const char *gw, unsigned int iface)
{
	struct config_route *r = &routes[cfg.n_routes++];

	addr(dst, &r->destination.a);
	r->destination.len = (uint8_t)len;
	addr(gw, &r->gateway);
	r->interface = iface;
}

/*
 * The gateway of most tests:
 *   port 0 (lan)  192.0.2.1/24     2001:db8:1::1/64
 *   port 1 (wan)  198.51.100.1/24  2001:db8:2::1/64
 * with routes overlapping each other and the connected networks.
 */
static void
cfg_base(bool with_default)
{
	cfg_reset();
	cfg_address(0, "192.0.2.1", 24);
	cfg_address(0, "2001:db8:1::1", 64);
	cfg_address(1, "198.51.100.1", 24);
	cfg_address(1, "2001:db8:2::1", 64);
	cfg_route("10.0.0.0", 8, "192.0.2.254", 0);
	cfg_route("10.1.0.0", 16, "192.0.2.253", 0);
	cfg_route("192.0.2.128", 25, "192.0.2.250", 0); /* inside the connected /24 */
	cfg_route("198.51.100.77", 32, "192.0.2.100", 0);
	cfg_route("2001:db8:100::", 48, "2001:db8:2::fe", 1);
	cfg_route("2001:db8:1:0:8000::", 65, "2001:db8:1::fd", 0); /* inside the connected /64 */
	cfg_route("2001:db8:100:5::7", 128, "2001:db8:1::fc", 0);
	if (with_default) {
		cfg_route("0.0.0.0", 0, "198.51.100.254", 1);
		cfg_route("::", 0, "2001:db8:2::fe", 1);
	}
}

static void
build(void)
{
	char err[256] = "";
	int rc;

	route_table_destroy();
	rc = route_table_create(&cfg, err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "\n  route_table_create: %d: %s\n", rc, err);
	CU_ASSERT_FATAL(rc == 0);
	CU_ASSERT_FATAL(route_table_current() != NULL);
}

static uint16_t
lookup1(const char *dst)
{
	const struct route_table *rt = route_table_current();
	struct config_addr d;
	uint32_t be;
	uint16_t nh;

	addr(dst, &d);
	if (d.family == 4) {
		memcpy(&be, d.addr, 4);
		route_lookup_v4(rt, &be, &nh, 1);
	} else {
		route_lookup_v6(rt, (const uint8_t(*)[16])d.addr, &nh, 1);
	}
	return nh;
}

static void
check(const struct expect *e, size_t n)
{
	const struct route_table *rt = route_table_current();
	const struct route_nexthop *h;
	struct config_addr d, g;
	uint16_t nh;
	size_t i;
	bool ok;

	for (i = 0; i < n; i++) {
		addr(e[i].dst, &d);
		memset(&g, 0, sizeof(g));
		if (e[i].gw != NULL)
			addr(e[i].gw, &g);
		nh = lookup1(e[i].dst);
		h = route_nexthop(rt, nh);
		if (e[i].kind == NONE) {
			ok = nh == ROUTE_NH_NONE && h == NULL;
		} else {
			ok = h != NULL && h->kind == e[i].kind && h->port == e[i].port &&
			    h->family == d.family && memcmp(h->gw, g.addr, 16) == 0;
		}
		if (!ok) {
			fprintf(stderr, "\n  %s: got next hop %u (kind %d port %d)\n", e[i].dst, nh,
			    h != NULL ? h->kind : -1, h != NULL ? h->port : -1);
		}
		CU_ASSERT(ok);
	}
}

static void
test_route_local(void)
{
	static const struct expect e[] = {
		{ "192.0.2.1", ROUTE_NH_LOCAL, 0, NULL },
		{ "198.51.100.1", ROUTE_NH_LOCAL, 1, NULL },
		{ "2001:db8:1::1", ROUTE_NH_LOCAL, 0, NULL },
		{ "2001:db8:2::1", ROUTE_NH_LOCAL, 1, NULL },
	};

	cfg_base(true);
	build();
	check(e, RTE_DIM(e));
	route_table_destroy();
}

/* Of equal prefixes the local address beats the connected network, which beats a route. */
static void
test_route_local_beats_equal_prefixes(void)
{
	static const struct expect e[] = {
		{ "192.0.2.1", ROUTE_NH_LOCAL, 0, NULL },
		{ "192.0.2.9", ROUTE_NH_CONNECTED, 0, NULL },
		{ "203.0.113.5", ROUTE_NH_LOCAL, 1, NULL },
	};

	cfg_reset();
	cfg_address(0, "192.0.2.1", 24);
	cfg_address(1, "203.0.113.5", 32);
	cfg_route("192.0.2.0", 24, "192.0.2.254", 0);
	cfg_route("192.0.2.1", 32, "192.0.2.254", 0);
	cfg_route("203.0.113.5", 32, "192.0.2.254", 0);
	build();
	check(e, RTE_DIM(e));
	route_table_destroy();
}

static void
test_route_connected(void)
{
	static const struct expect e[] = {
		{ "192.0.2.9", ROUTE_NH_CONNECTED, 0, NULL },
		{ "192.0.2.0", ROUTE_NH_CONNECTED, 0, NULL },
		{ "192.0.2.127", ROUTE_NH_CONNECTED, 0, NULL },
		{ "198.51.100.9", ROUTE_NH_CONNECTED, 1, NULL },
		{ "198.51.100.255", ROUTE_NH_CONNECTED, 1, NULL },
		{ "2001:db8:1::9", ROUTE_NH_CONNECTED, 0, NULL },
		{ "2001:db8:2::ffff", ROUTE_NH_CONNECTED, 1, NULL },
	};

	cfg_base(true);
	build();
	check(e, RTE_DIM(e));
	route_table_destroy();
}

static void
test_route_gateway(void)
{
	static const struct expect e[] = {
		{ "10.2.3.4", ROUTE_NH_GATEWAY, 0, "192.0.2.254" },
		{ "10.255.255.255", ROUTE_NH_GATEWAY, 0, "192.0.2.254" },
		{ "2001:db8:100:ffff::1", ROUTE_NH_GATEWAY, 1, "2001:db8:2::fe" },
	};

	cfg_base(true);
	build();
	check(e, RTE_DIM(e));
	route_table_destroy();
}

static void
test_route_longest_prefix(void)
{
	static const struct expect e[] = {
		{ "10.1.2.3", ROUTE_NH_GATEWAY, 0, "192.0.2.253" },     /* /16 over /8 */
		{ "10.0.255.255", ROUTE_NH_GATEWAY, 0, "192.0.2.254" }, /* beside the /16 */
		{ "10.2.0.0", ROUTE_NH_GATEWAY, 0, "192.0.2.254" },
		{ "192.0.2.128", ROUTE_NH_GATEWAY, 0, "192.0.2.250" }, /* /25 over connected /24 */
		{ "192.0.2.200", ROUTE_NH_GATEWAY, 0, "192.0.2.250" },
		{ "192.0.2.127", ROUTE_NH_CONNECTED, 0, NULL },
		{ "2001:db8:1:0:8000::1", ROUTE_NH_GATEWAY, 0,
		    "2001:db8:1::fd" }, /* /65 over /64 */
		{ "2001:db8:1:0:7fff:ffff:ffff:ffff", ROUTE_NH_CONNECTED, 0, NULL },
	};

	cfg_base(true);
	build();
	check(e, RTE_DIM(e));
	route_table_destroy();
}

static void
test_route_default(void)
{
	static const struct expect e[] = {
		{ "8.8.8.8", ROUTE_NH_GATEWAY, 1, "198.51.100.254" },
		{ "0.0.0.0", ROUTE_NH_GATEWAY, 1, "198.51.100.254" },
		{ "255.255.255.255", ROUTE_NH_GATEWAY, 1, "198.51.100.254" },
		{ "11.0.0.0", ROUTE_NH_GATEWAY, 1, "198.51.100.254" },
		{ "2001:4860::8888", ROUTE_NH_GATEWAY, 1, "2001:db8:2::fe" },
		{ "::", ROUTE_NH_GATEWAY, 1, "2001:db8:2::fe" },
		{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ROUTE_NH_GATEWAY, 1,
		    "2001:db8:2::fe" },
		{ "10.2.3.4", ROUTE_NH_GATEWAY, 0, "192.0.2.254" }, /* routes still win */
	};

	cfg_base(true);
	build();
	check(e, RTE_DIM(e));
	route_table_destroy();
}

static void
test_route_host_route(void)
{
	static const struct expect e[] = {
		{ "198.51.100.77", ROUTE_NH_GATEWAY, 0, "192.0.2.100" },
		{ "198.51.100.76", ROUTE_NH_CONNECTED, 1, NULL },
		{ "198.51.100.78", ROUTE_NH_CONNECTED, 1, NULL },
		{ "2001:db8:100:5::7", ROUTE_NH_GATEWAY, 0, "2001:db8:1::fc" },
		{ "2001:db8:100:5::6", ROUTE_NH_GATEWAY, 1, "2001:db8:2::fe" },
		{ "2001:db8:100:5::8", ROUTE_NH_GATEWAY, 1, "2001:db8:2::fe" },
	};

	cfg_base(true);
	build();
	check(e, RTE_DIM(e));
	route_table_destroy();
}

static void
test_route_no_route(void)
{
	static const struct expect e[] = {
		{ "8.8.8.8", NONE, 0, NULL },
		{ "0.0.0.0", NONE, 0, NULL },
		{ "192.0.3.0", NONE, 0, NULL },
		{ "11.0.0.1", NONE, 0, NULL },
		{ "2001:db9::1", NONE, 0, NULL },
		{ "2001:db8:3::1", NONE, 0, NULL },
		{ "10.1.2.3", ROUTE_NH_GATEWAY, 0, "192.0.2.253" },
	};

	cfg_base(false);
	build();
	check(e, RTE_DIM(e));
	CU_ASSERT(route_nexthop(route_table_current(), ROUTE_NH_NONE) == NULL);
	route_table_destroy();
}

/* A config with no address and no route: no FIB at all, every lookup misses. */
static void
test_route_empty_config(void)
{
	static const struct expect e[] = {
		{ "192.0.2.1", NONE, 0, NULL },
		{ "2001:db8::1", NONE, 0, NULL },
	};

	cfg_reset();
	build();
	CU_ASSERT(route_table_current()->fib4 == NULL);
	CU_ASSERT(route_table_current()->fib6 == NULL);
	CU_ASSERT_EQUAL(route_table_current()->n_nh, 0);
	check(e, RTE_DIM(e));
	route_table_destroy();
}

/* IPv6 alone: an IPv4-less config has no IPv4 FIB. */
static void
test_route_ipv6(void)
{
	static const struct expect e[] = {
		{ "2001:db8:1::1", ROUTE_NH_LOCAL, 0, NULL },
		{ "2001:db8:1::2", ROUTE_NH_CONNECTED, 0, NULL },
		{ "2001:db8:100:1::1", ROUTE_NH_GATEWAY, 0, "2001:db8:1::fe" },
		{ "2001:db8:100:1::1:1", ROUTE_NH_GATEWAY, 0, "2001:db8:1::fd" },
		{ "2001:db8:100:1::1:2", ROUTE_NH_GATEWAY, 0, "2001:db8:1::fe" },
		{ "2001:db8:101::1", NONE, 0, NULL },
		{ "192.0.2.1", NONE, 0, NULL },
	};

	cfg_reset();
	cfg_address(0, "2001:db8:1::1", 64);
	cfg_route("2001:db8:100::", 48, "2001:db8:1::fe", 0);
	cfg_route("2001:db8:100:1::1:1", 128, "2001:db8:1::fd", 0);
	build();
	CU_ASSERT(route_table_current()->fib4 == NULL);
	CU_ASSERT(route_table_current()->fib6 != NULL);
	check(e, RTE_DIM(e));
	route_table_destroy();
}

/* Equal next hops are stored once: one per (kind, port, gateway). */
static void
test_route_nexthops_shared(void)
{
	const struct route_table *rt;

	cfg_base(true);
	cfg_route("172.16.0.0", 12, "192.0.2.254", 0); /* same as 10/8 */
	build();
	rt = route_table_current();
	/*
	 * local 4/6 x 2 ports, connected 4/6 x 2 ports, gateways 192.0.2.254,
	 * .253, .250, .100, 198.51.100.254, 2001:db8:2::fe, 2001:db8:1::fd, ::fc.
	 */
	CU_ASSERT_EQUAL(rt->n_nh, 16);
	CU_ASSERT_EQUAL(lookup1("172.16.1.1"), lookup1("10.9.9.9"));
	CU_ASSERT_EQUAL(rt->n_v4, 6 + 2 + 2);
	CU_ASSERT_EQUAL(rt->n_v6, 4 + 2 + 2);
	route_table_destroy();
}

/* Bursts of mixed destinations (and longer than BURST_MAX) equal one-by-one lookups. */
static void
test_route_burst(void)
{
	static const char *const base4[] = { "192.0.2.1", "192.0.2.9", "192.0.2.200", "10.1.2.3",
		"10.3.2.1", "198.51.100.77", "198.51.100.1", "8.8.8.8", "203.0.113.1" };
	static const char *const base6[] = { "2001:db8:1::1", "2001:db8:1::9",
		"2001:db8:1:0:8000::5", "2001:db8:100:5::7", "2001:db8:100::9", "2001:db9::1" };
	uint32_t dst4[3 * BURST_MAX + 5];
	uint8_t dst6[3 * BURST_MAX + 5][16];
	static const unsigned int sizes[] = { 1, 5, BURST_MAX - 1, BURST_MAX, BURST_MAX + 1,
		2 * BURST_MAX, 2 * BURST_MAX + 6, 3 * BURST_MAX + 5 };
	uint16_t nh[RTE_DIM(dst4) + 1], one;
	const struct route_table *rt;
	struct config_addr a;
	uint32_t rng = 12345;
	unsigned int i, j, n;
	int with_default;

	for (with_default = 0; with_default < 2; with_default++) {
		cfg_base(with_default);
		build();
		rt = route_table_current();
		for (i = 0; i < RTE_DIM(dst4); i++) {
			rng = rng * 1103515245 + 12345;
			addr(base4[(rng >> 16) % RTE_DIM(base4)], &a);
			/* Half of them a neighbour of the base address. */
			if (rng & 1)
				a.addr[3] = (uint8_t)(rng >> 8);
			memcpy(&dst4[i], a.addr, 4);
			addr(base6[(rng >> 20) % RTE_DIM(base6)], &a);
			if (rng & 2)
				a.addr[15] = (uint8_t)(rng >> 9);
			memcpy(dst6[i], a.addr, 16);
		}
		for (j = 0; j < RTE_DIM(sizes); j++) {
			n = sizes[j];
			memset(nh, 0xa5, sizeof(nh));
			route_lookup_v4(rt, dst4, nh, n);
			for (i = 0; i < n; i++) {
				route_lookup_v4(rt, &dst4[i], &one, 1);
				CU_ASSERT_EQUAL(nh[i], one);
			}
			CU_ASSERT_EQUAL(nh[n], 0xa5a5); /* nothing written past n */
			memset(nh, 0xa5, sizeof(nh));
			route_lookup_v6(rt, (const uint8_t(*)[16])dst6, nh, n);
			for (i = 0; i < n; i++) {
				route_lookup_v6(rt, (const uint8_t(*)[16])(dst6 + i), &one, 1);
				CU_ASSERT_EQUAL(nh[i], one);
			}
			CU_ASSERT_EQUAL(nh[n], 0xa5a5);
		}
		route_table_destroy();
	}
}

static void
test_route_next_addr(void)
{
	static const struct {
		const char *dst;
		const char *next; /* what to resolve */
	} t[] = {
		{ "10.1.2.3", "192.0.2.253" },
		{ "192.0.2.9", "192.0.2.9" },
		{ "198.51.100.77", "192.0.2.100" },
		{ "2001:db8:100:5::7", "2001:db8:1::fc" },
		{ "2001:db8:2::abcd", "2001:db8:2::abcd" },
		{ "2001:4860::8888", "2001:db8:2::fe" },
	};
	const struct route_nexthop *h;
	struct config_addr d, want;
	uint8_t out[16];
	size_t i;

	cfg_base(true);
	build();
	for (i = 0; i < RTE_DIM(t); i++) {
		addr(t[i].dst, &d);
		addr(t[i].next, &want);
		h = route_nexthop(route_table_current(), lookup1(t[i].dst));
		CU_ASSERT_FATAL(h != NULL);
		memset(out, 0xee, sizeof(out));
		route_next_addr(h, d.addr, out);
		CU_ASSERT(memcmp(out, want.addr, d.family == 4 ? 4 : 16) == 0);
		if (d.family == 4)
			CU_ASSERT_EQUAL(out[4], 0xee); /* 4 bytes for IPv4 */
	}
	route_table_destroy();
}

static uint64_t
heap_used(void)
{
	struct rte_malloc_socket_stats s;
	uint64_t used = 0;
	unsigned int i;

	for (i = 0; i < rte_socket_count(); i++) {
		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(i), &s) == 0)
			used += s.heap_allocsz_bytes;
	}
	return used;
}

/*
 * 4096 IPv4 host routes, each in its own /24 (a tbl8 group each, the
 * worst case for DIR24_8) through 4096 different gateways, in -m 128.
 */
static void
test_route_4096_v4_routes_fit(void)
{
	const struct route_table *rt;
	char d[32], g[32];
	uint64_t before = heap_used();
	unsigned int i;

	cfg_reset();
	cfg_address(0, "172.16.0.1", 16);
	cfg_address(1, "198.51.100.1", 24);
	cfg_address(1, "2001:db8:2::1", 64);
	for (i = 0; i < CONFIG_ROUTES_MAX; i++) {
		snprintf(d, sizeof(d), "10.%u.%u.1", i >> 8, i & 255);
		snprintf(g, sizeof(g), "172.16.%u.%u", 16 + (i >> 8), i & 255);
		cfg_route(d, 32, g, 0);
	}
	build();
	rt = route_table_current();
	printf("\n    %u IPv4 + %u IPv6 prefixes, %u next hops, tbl8 %u + %u: %.1f MiB ", rt->n_v4,
	    rt->n_v6, rt->n_nh, rt->tbl8_v4, rt->tbl8_v6,
	    (double)(heap_used() - before) / (1 << 20));
	CU_ASSERT_EQUAL(rt->n_nh, CONFIG_ROUTES_MAX + 6);
	for (i = 0; i < CONFIG_ROUTES_MAX; i += 97) {
		struct expect e[2] = { { d, ROUTE_NH_GATEWAY, 0, g },
			{ g, ROUTE_NH_CONNECTED, 0, NULL } };
		struct expect miss = { d, NONE, 0, NULL };

		snprintf(d, sizeof(d), "10.%u.%u.1", i >> 8, i & 255);
		snprintf(g, sizeof(g), "172.16.%u.%u", 16 + (i >> 8), i & 255);
		check(e, RTE_DIM(e));
		snprintf(d, sizeof(d), "10.%u.%u.2", i >> 8, i & 255);
		check(&miss, 1);
	}
	route_table_destroy();
}

/* 4096 IPv6 /64 routes, each in its own /48 (5 tbl8 groups each). */
static void
test_route_4096_v6_routes_fit(void)
{
	const struct route_table *rt;
	char d[64], g[64];
	uint64_t before = heap_used();
	unsigned int i;

	cfg_reset();
	cfg_address(0, "2001:db8:ffff::1", 64);
	cfg_address(1, "198.51.100.1", 24);
	for (i = 0; i < CONFIG_ROUTES_MAX; i++) {
		snprintf(d, sizeof(d), "2001:db8:%x:1::", i);
		snprintf(g, sizeof(g), "2001:db8:ffff::%x", i + 2);
		cfg_route(d, 64, g, 0);
	}
	build();
	rt = route_table_current();
	printf("\n    %u IPv4 + %u IPv6 prefixes, %u next hops, tbl8 %u + %u: %.1f MiB ", rt->n_v4,
	    rt->n_v6, rt->n_nh, rt->tbl8_v4, rt->tbl8_v6,
	    (double)(heap_used() - before) / (1 << 20));
	CU_ASSERT_EQUAL(rt->n_nh, CONFIG_ROUTES_MAX + 4);
	for (i = 0; i < CONFIG_ROUTES_MAX; i += 97) {
		struct expect e[2] = { { d, ROUTE_NH_GATEWAY, 0, g },
			{ g, ROUTE_NH_CONNECTED, 0, NULL } };
		struct expect miss = { d, NONE, 0, NULL };

		snprintf(d, sizeof(d), "2001:db8:%x:1:ffff::1", i);
		snprintf(g, sizeof(g), "2001:db8:ffff::%x", i + 2);
		check(e, RTE_DIM(e));
		snprintf(d, sizeof(d), "2001:db8:%x:2::1", i);
		check(&miss, 1);
	}
	route_table_destroy();
}

/*
 * 4096 uncovered IPv6 /128s need 13 tbl8 groups each in DPDK's count,
 * more than a 2-byte TRIE has: the error names the prefix, nothing leaks.
 */
static void
test_route_v6_overflow_reported(void)
{
	uint64_t before = heap_used();
	char d[64], err[256] = "";
	unsigned int i;
	int rc;

	route_table_destroy();
	cfg_reset();
	cfg_address(0, "2001:db8:ffff::1", 64);
	for (i = 0; i < CONFIG_ROUTES_MAX; i++) {
		snprintf(d, sizeof(d), "2001:db8:%x::1", i);
		cfg_route(d, 128, "2001:db8:ffff::2", 0);
	}
	rc = route_table_create(&cfg, err, sizeof(err));
	CU_ASSERT_EQUAL(rc, -ENOSPC);
	CU_ASSERT(strstr(err, "cannot install 2001:db8:") != NULL);
	CU_ASSERT(route_table_current() == NULL);
	CU_ASSERT_EQUAL(heap_used(), before);
}

/* Destroy gives back every byte of DPDK memory; a second create is refused. */
static void
test_route_destroy_frees_everything(void)
{
	uint64_t before = heap_used();
	char err[256] = "";
	int i;

	for (i = 0; i < 3; i++) {
		cfg_base(true);
		build();
		CU_ASSERT(heap_used() > before);
		CU_ASSERT_EQUAL(route_table_create(&cfg, err, sizeof(err)), -EEXIST);
		CU_ASSERT(strstr(err, "already") != NULL);
		route_table_destroy();
		CU_ASSERT(route_table_current() == NULL);
		CU_ASSERT_EQUAL(heap_used(), before);
	}
	route_table_destroy(); /* twice is harmless */
	CU_ASSERT_EQUAL(heap_used(), before);
}

static int
suite_init(void)
{
	char prefix[64];
	char *argv[] = { "test_route", "--no-huge", "-m", "128", "--no-pci", "-l", "0",
		"--log-level=error", "--no-shconf", "--no-telemetry", prefix, NULL };

	snprintf(prefix, sizeof(prefix), "--file-prefix=fipt-route-%d", (int)getpid());
	return rte_eal_init(11, argv) < 0 ? -1 : 0;
}

static int
suite_fini(void)
{
	char rundir[PATH_MAX];

	route_table_destroy();
	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	rmdir(rundir); /* --no-shconf leaves it empty */
	return 0;
}

int
main(void)
{
	CU_pSuite s;
	unsigned int fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("route", suite_init, suite_fini);
	CU_add_test(s, "test_route_local", test_route_local);
	CU_add_test(s, "test_route_local_beats_equal_prefixes",
	    test_route_local_beats_equal_prefixes);
	CU_add_test(s, "test_route_connected", test_route_connected);
	CU_add_test(s, "test_route_gateway", test_route_gateway);
	CU_add_test(s, "test_route_longest_prefix", test_route_longest_prefix);
	CU_add_test(s, "test_route_default", test_route_default);
	CU_add_test(s, "test_route_host_route", test_route_host_route);
	CU_add_test(s, "test_route_no_route", test_route_no_route);
	CU_add_test(s, "test_route_empty_config", test_route_empty_config);
	CU_add_test(s, "test_route_ipv6", test_route_ipv6);
	CU_add_test(s, "test_route_nexthops_shared", test_route_nexthops_shared);
	CU_add_test(s, "test_route_burst", test_route_burst);
	CU_add_test(s, "test_route_next_addr", test_route_next_addr);
	CU_add_test(s, "test_route_4096_v4_routes_fit", test_route_4096_v4_routes_fit);
	CU_add_test(s, "test_route_4096_v6_routes_fit", test_route_4096_v6_routes_fit);
	CU_add_test(s, "test_route_v6_overflow_reported", test_route_v6_overflow_reported);
	CU_add_test(s, "test_route_destroy_frees_everything", test_route_destroy_frees_everything);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return fails == 0 ? 0 : 1;
}
