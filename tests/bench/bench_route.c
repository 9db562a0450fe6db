/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/bench/bench_route.c: TSC cycles per destination of route_lookup_v4() / _v6() in bursts. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>

#include "fastpath/route.h"

/*
 * Usage: bench_route [LOOKUPS_PER_RUN]
 *
 * One table from a config of 4096 routes (2048 IPv4 /16../32 and 2048
 * IPv6 /48../128 through 64 gateways) plus two interfaces.  Each run looks
 * up LOOKUPS_PER_RUN random destinations (a third on routes, the rest
 * anywhere) in bursts of BURST_MAX, then per destination with n = 1, as a
 * worker would; the table shows the median of RUNS runs, in TSC cycles per
 * destination, then the next-hop fetch (route_nexthop()) on its own.
 */

#define RUNS      5
#define DEFAULT_N 4000000u
#define N_DST     4096 /* distinct destinations, cycled through */

static struct config cfg;
static struct config_route routes[CONFIG_ROUTES_MAX];
static uint32_t dst4[N_DST];
static uint8_t dst6[N_DST][16];
static volatile uint64_t sink;
static uint64_t rng_state = 0x243f6a8885a308d3;

static uint32_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)rng_state;
}

static void
set_addr(struct config_addr *a, uint8_t family, const uint8_t *bytes)
{
	memset(a, 0, sizeof(*a));
	a->family = family;
	memcpy(a->addr, bytes, family == 4 ? 4 : 16);
}

static void
make_config(void)
{
	uint8_t a[16], g[16];
	unsigned int i;
	uint32_t r;

	cfg.routes = routes;
	cfg.n_interfaces = 2;
	memcpy(a, (const uint8_t[]){ 192, 0, 2, 1 }, 4);
	set_addr(&cfg.interfaces[0].addresses[0].a, 4, a);
	cfg.interfaces[0].addresses[0].len = 24;
	memset(a, 0, 16);
	memcpy(a, (const uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8, 0, 1 }, 6);
	a[15] = 1;
	set_addr(&cfg.interfaces[1].addresses[0].a, 6, a);
	cfg.interfaces[1].addresses[0].len = 64;
	cfg.interfaces[0].n_addresses = cfg.interfaces[1].n_addresses = 1;
	for (i = 0; i < CONFIG_ROUTES_MAX / 2; i++) {
		struct config_route *rt4 = &routes[2 * i], *rt6 = &routes[2 * i + 1];

		r = rng();
		memcpy(a, &r, 4);
		a[0] = 10 + (a[0] & 63);
		rt4->destination.len = (uint8_t)(16 + r % 17);
		set_addr(&rt4->destination.a, 4, a);
		for (unsigned int k = rt4->destination.len; k < 32; k++)
			rt4->destination.a.addr[k / 8] &= (uint8_t) ~(0x80 >> (k % 8));
		memcpy(g, (const uint8_t[]){ 192, 0, 2, (uint8_t)(100 + i % 64) }, 4);
		set_addr(&rt4->gateway, 4, g);
		rt4->interface = 0;

		memset(a, 0, 16);
		memcpy(a, (const uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8 }, 4);
		r = rng();
		memcpy(a + 4, &r, 4);
		r = rng();
		memcpy(a + 8, &r, 4);
		a[15] = (uint8_t)r;
		rt6->destination.len = (uint8_t)(48 + (r >> 8) % 81);
		set_addr(&rt6->destination.a, 6, a);
		for (unsigned int k = rt6->destination.len; k < 128; k++)
			rt6->destination.a.addr[k / 8] &= (uint8_t) ~(0x80 >> (k % 8));
		memcpy(g, (const uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8, 0, 1 }, 6);
		memset(g + 6, 0, 10);
		g[15] = (uint8_t)(100 + i % 64);
		set_addr(&rt6->gateway, 6, g);
		rt6->interface = 1;
	}
	cfg.n_routes = CONFIG_ROUTES_MAX;
	for (i = 0; i < N_DST; i++) {
		const struct config_route *r4 = &routes[2 * (rng() % (CONFIG_ROUTES_MAX / 2))];
		const struct config_route *r6 = &routes[2 * (rng() % (CONFIG_ROUTES_MAX / 2)) + 1];

		r = rng();
		if (i % 3 == 0)
			memcpy(&dst4[i], r4->destination.a.addr, 4);
		else
			memcpy(&dst4[i], &r, 4);
		memcpy(dst6[i], r6->destination.a.addr, 16);
		if (i % 3 != 0)
			memcpy(dst6[i] + 6, &r, 4);
	}
}

static int
cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

enum bench_case {
	CASE_V4_BURST,
	CASE_V4_ONE,
	CASE_V6_BURST,
	CASE_V6_ONE,
	CASE_NEXTHOP,
	CASE__MAX,
};

static const char *const case_name[CASE__MAX] = {
	"IPv4 burst of 32",
	"IPv4 one at a time",
	"IPv6 burst of 32",
	"IPv6 one at a time",
	"route_nexthop()",
};

static double
run(enum bench_case c, const struct route_table *rt, unsigned int n)
{
	uint16_t nh[BURST_MAX];
	uint64_t t0, sum = 0;
	unsigned int i, j, k;

	t0 = rte_rdtsc_precise();
	for (i = 0; i < n; i += BURST_MAX) {
		j = i % N_DST;
		switch (c) {
		case CASE_V4_BURST:
			route_lookup_v4(rt, &dst4[j], nh, BURST_MAX);
			break;
		case CASE_V4_ONE:
			for (k = 0; k < BURST_MAX; k++)
				route_lookup_v4(rt, &dst4[j + k], &nh[k], 1);
			break;
		case CASE_V6_BURST:
			route_lookup_v6(rt, (const uint8_t(*)[16])(dst6 + j), nh, BURST_MAX);
			break;
		case CASE_V6_ONE:
			for (k = 0; k < BURST_MAX; k++)
				route_lookup_v6(rt, (const uint8_t(*)[16])(dst6 + j + k), &nh[k],
				    1);
			break;
		default:
			for (k = 0; k < BURST_MAX; k++) {
				const struct route_nexthop *h =
				    route_nexthop(rt, (uint16_t)(j + k) & 63);

				sum += h != NULL ? h->port : 0;
			}
			continue;
		}
		for (k = 0; k < BURST_MAX; k++)
			sum += nh[k];
	}
	sink = sum;
	return (double)(rte_rdtsc_precise() - t0) / n;
}

int
main(int argc, char **argv)
{
	char prefix[64], rundir[PATH_MAX], err[256];
	char *eal[] = { "bench_route", "--no-huge", "-m", "128", "--no-pci", "-l", "0",
		"--log-level=error", "--no-shconf", "--no-telemetry", prefix, NULL };
	unsigned int n = argc > 1 ? (unsigned int)strtoul(argv[1], NULL, 0) : DEFAULT_N;
	const struct route_table *rt;
	uint64_t samples[RUNS];
	unsigned int c, r;
	int rc;

	n = RTE_MAX(n - n % BURST_MAX, (unsigned int)BURST_MAX);
	snprintf(prefix, sizeof(prefix), "--file-prefix=fipt-bench-route-%d", (int)getpid());
	if (rte_eal_init(11, eal) < 0)
		return 1;
	make_config();
	if ((rc = route_table_create(&cfg, err, sizeof(err))) != 0) {
		fprintf(stderr, "bench_route: %s\n", err);
		return 1;
	}
	rt = route_table_current();
	printf("%u IPv4 + %u IPv6 prefixes, %u next hops, %u lookups per run, median of %d\n",
	    rt->n_v4, rt->n_v6, rt->n_nh, n, RUNS);
	printf("%-22s %10s\n", "case", "cycles");
	for (c = 0; c < CASE__MAX; c++) {
		for (r = 0; r < RUNS; r++)
			samples[r] = (uint64_t)(run(c, rt, n) * 100);
		qsort(samples, RUNS, sizeof(samples[0]), cmp_u64);
		printf("%-22s %10.2f\n", case_name[c], (double)samples[RUNS / 2] / 100);
	}
	route_table_destroy();
	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	rmdir(rundir);
	return 0;
}
