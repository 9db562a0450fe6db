/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/bench/bench_spd.c: cycles per packet of spd_classify_v4/v6() beside a linear lookup. */
/* rte_vect_set_max_simd_bitwidth() is experimental in DPDK 22.11. */
#define ALLOW_EXPERIMENTAL_API

#include <limits.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_memory.h>
#include <rte_vect.h>

#include "fastpath/spd.h"

/*
 * Usage: bench_spd [PACKETS_PER_RUN]
 *
 * For 10, 100 and 1,000 random outbound policies of one family (site to
 * site shapes: prefixes /16../32 or /48../128, a third of them TCP or UDP
 * with ports or port ranges), N_PKT headers aimed at them (about half
 * match), classified in bursts of BURST_MAX.  The table shows the median
 * of RUNS runs in TSC cycles per packet:
 *  - linear: the reference; parse the same header, then test every policy
 *    in order with precomputed masks until the first match;
 *  - chosen: the SPD as spd_create() sets it up under this process's EAL
 *    options (the method it picked in brackets);
 *  - then each rte_acl method forced with spd_algorithm_set() (the EAL's
 *    max SIMD bitwidth raised to 512 to allow them all; "-": not here);
 *  - linear/chosen: how many times faster the SPD is.
 */

#define RUNS      5
#define DEFAULT_N (1u << 18)
#define N_PKT     4096 /* distinct packets, cycled through */
#define PKT_LEN   64

/* A policy as the linear reference holds it: masks ready, host order. */
struct lin {
	uint8_t any_proto;
	uint8_t proto;
	uint8_t ports_any; /* both ranges any: the only ones OPAQUE ports match */
	uint16_t sp_lo, sp_hi, dp_lo, dp_hi;
	uint64_t src[2], smask[2], dst[2], dmask[2];
};

static struct config_policy policies[1000];
static struct lin lin[1000];
static uint8_t pkts[N_PKT][PKT_LEN];
static const uint8_t *hdrs[N_PKT];
static volatile uint64_t sink;
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t
rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 11);
}

static uint32_t
below(uint32_t n)
{
	return rnd() % n;
}

static uint64_t
be64(const uint8_t *p)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static uint64_t
mask64(unsigned int len, unsigned int half)
{
	unsigned int bits = len > 64 * half ? RTE_MIN(len - 64 * half, 64u) : 0;

	return bits == 0 ? 0 : UINT64_MAX << (64 - bits);
}

static void
rand_addr(uint8_t family, uint8_t *a)
{
	static const uint8_t first4[] = { 10, 172, 192, 198 };
	unsigned int i;

	for (i = 0; i < 16; i++)
		a[i] = (uint8_t)rnd();
	if (family == 4) {
		memset(a + 4, 0, 12);
		a[0] = first4[below(RTE_DIM(first4))];
		a[1] = (uint8_t)below(4);
		return;
	}
	a[0] = 0x20;
	a[1] = 0x01;
	a[2] = 0x0d;
	a[3] = 0xb8;
	a[4] = 0;
	a[5] = (uint8_t)below(4);
}

static void
put_prefix(uint8_t *a, const struct config_prefix *p)
{
	unsigned int full = p->len / 8, rest = p->len % 8;

	memcpy(a, p->a.addr, full);
	if (rest != 0)
		a[full] =
		    (uint8_t)((p->a.addr[full] & (0xff00 >> rest)) | (a[full] & (0xff >> rest)));
}

static void
rand_prefix(uint8_t family, struct config_prefix *p)
{
	static const uint8_t l4[] = { 16, 20, 24, 24, 28, 32 };
	static const uint8_t l6[] = { 48, 56, 64, 64, 96, 128 };
	unsigned int i;

	p->a.family = family;
	rand_addr(family, p->a.addr);
	p->len = family == 4 ? l4[below(RTE_DIM(l4))] : l6[below(RTE_DIM(l6))];
	for (i = p->len; i < 128; i++)
		p->a.addr[i / 8] &= (uint8_t) ~(0x80 >> (i % 8));
}

static void
rand_ports(struct config_port_range *r)
{
	uint32_t x = below(3), a = 1 + below(2000);

	if (x == 0) {
		*r = (struct config_port_range){ 0, UINT16_MAX };
		return;
	}
	r->first = (uint16_t)a;
	r->last = (uint16_t)(x == 1 ? a : a + below(500));
}

static void
make_policies(uint8_t family, unsigned int n)
{
	static const int protos[] = { -1, -1, -1, IPPROTO_TCP, IPPROTO_TCP, IPPROTO_UDP,
		IPPROTO_GRE };
	struct config_policy *p;
	struct lin *l;
	unsigned int i, h;

	for (i = 0; i < n; i++) {
		p = &policies[i];
		memset(p, 0, sizeof(*p));
		snprintf(p->name, sizeof(p->name), "p%u", i);
		p->direction = CONFIG_DIR_OUTBOUND;
		rand_prefix(family, &p->source);
		rand_prefix(family, &p->destination);
		p->protocol = protos[below(RTE_DIM(protos))];
		p->source_ports = (struct config_port_range){ 0, UINT16_MAX };
		p->destination_ports = p->source_ports;
		if (p->protocol == IPPROTO_TCP || p->protocol == IPPROTO_UDP) {
			rand_ports(&p->source_ports);
			rand_ports(&p->destination_ports);
		}
		p->action = CONFIG_POLICY_BYPASS;
		p->sa = -1;

		l = &lin[i];
		l->any_proto = p->protocol < 0;
		l->proto = (uint8_t)p->protocol;
		l->sp_lo = p->source_ports.first;
		l->sp_hi = p->source_ports.last;
		l->dp_lo = p->destination_ports.first;
		l->dp_hi = p->destination_ports.last;
		l->ports_any = l->sp_lo == 0 && l->sp_hi == UINT16_MAX && l->dp_lo == 0 &&
		    l->dp_hi == UINT16_MAX;
		for (h = 0; h < 2; h++) {
			l->smask[h] = mask64(p->source.len, h);
			l->dmask[h] = mask64(p->destination.len, h);
			l->src[h] = be64(p->source.a.addr + 8 * h) & l->smask[h];
			l->dst[h] = be64(p->destination.a.addr + 8 * h) & l->dmask[h];
		}
	}
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* N_PKT headers, each aimed at a random policy (its prefixes, protocol and ports mostly). */
static void
make_packets(uint8_t family, unsigned int n)
{
	static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP,
		IPPROTO_ESP };
	const struct config_policy *p;
	uint8_t src[16], dst[16], proto, *b, *l4;
	unsigned int i;

	for (i = 0; i < N_PKT; i++) {
		p = &policies[below(n)];
		rand_addr(family, src);
		rand_addr(family, dst);
		if (below(4) != 0)
			put_prefix(src, &p->source);
		if (below(4) != 0)
			put_prefix(dst, &p->destination);
		proto = p->protocol >= 0 && below(4) != 0 ? (uint8_t)p->protocol :
		                                            protos[below(RTE_DIM(protos))];
		if (proto == IPPROTO_ICMP && family == 6)
			proto = IPPROTO_ICMPV6;
		b = pkts[i];
		memset(b, 0, PKT_LEN);
		if (family == 4) {
			b[0] = 0x45;
			put16(b + 2, 20 + 20);
			b[9] = proto;
			memcpy(b + 12, src, 4);
			memcpy(b + 16, dst, 4);
			l4 = b + 20;
		} else {
			b[0] = 0x60;
			put16(b + 4, 20);
			b[6] = proto;
			memcpy(b + 8, src, 16);
			memcpy(b + 24, dst, 16);
			l4 = b + 40;
		}
		put16(l4, (uint16_t)(below(2) ? p->source_ports.first + below(3) : rnd()));
		put16(l4 + 2, (uint16_t)(below(2) ? p->destination_ports.first + below(3) : rnd()));
		hdrs[i] = b;
	}
}

static bool
has_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_SCTP;
}

/* The reference: parse (no IPv6 extension headers here), then the first match in order. */
static uint32_t
linear(const uint8_t *h, uint8_t family, unsigned int n)
{
	uint64_t s[2], d[2];
	uint16_t sp = 0, dp = 0;
	const uint8_t *l4;
	const struct lin *l;
	bool ports;
	uint8_t proto;
	unsigned int i;

	if (family == 4) {
		proto = h[9];
		s[0] = (uint64_t)(h[12] << 24 | h[13] << 16 | h[14] << 8 | h[15]) << 32;
		d[0] = (uint64_t)(h[16] << 24 | h[17] << 16 | h[18] << 8 | h[19]) << 32;
		s[1] = d[1] = 0;
		l4 = h + (h[0] & 0xf) * 4;
		ports = has_ports(proto) && ((h[6] & 0x1f) | h[7]) == 0;
	} else {
		proto = h[6];
		s[0] = be64(h + 8);
		s[1] = be64(h + 16);
		d[0] = be64(h + 24);
		d[1] = be64(h + 32);
		l4 = h + 40;
		ports = has_ports(proto);
	}
	if (ports) {
		sp = (uint16_t)(l4[0] << 8 | l4[1]);
		dp = (uint16_t)(l4[2] << 8 | l4[3]);
	}
	for (i = 0; i < n; i++) {
		l = &lin[i];
		if ((!l->any_proto && l->proto != proto) || (s[0] & l->smask[0]) != l->src[0] ||
		    (d[0] & l->dmask[0]) != l->dst[0] || (s[1] & l->smask[1]) != l->src[1] ||
		    (d[1] & l->dmask[1]) != l->dst[1])
			continue;
		if (ports ? sp >= l->sp_lo && sp <= l->sp_hi && dp >= l->dp_lo && dp <= l->dp_hi :
		            l->ports_any)
			return i + 1;
	}
	return 0;
}

static int
cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

/* Median cycles per packet over RUNS runs of @p total packets; spd NULL: the linear reference. */
static double
measure(const struct spd *spd, uint8_t family, unsigned int n_pol, unsigned int total)
{
	uint32_t m[BURST_MAX];
	double samples[RUNS];
	uint64_t t0, sum = 0;
	unsigned int r, i, j, k;

	for (r = 0; r < RUNS; r++) {
		t0 = rte_rdtsc_precise();
		for (i = 0; i < total; i += BURST_MAX) {
			j = i % N_PKT;
			if (spd == NULL)
				for (k = 0; k < BURST_MAX; k++)
					m[k] = linear(hdrs[j + k], family, n_pol);
			else if (family == 4)
				spd_classify_v4(spd, CONFIG_DIR_OUTBOUND, &hdrs[j], m, BURST_MAX);
			else
				spd_classify_v6(spd, CONFIG_DIR_OUTBOUND, &hdrs[j], m, BURST_MAX);
			for (k = 0; k < BURST_MAX; k++)
				sum += m[k];
		}
		samples[r] = (double)(rte_rdtsc_precise() - t0) / total;
	}
	sink = sum;
	qsort(samples, RUNS, sizeof(samples[0]), cmp_double);
	return samples[RUNS / 2];
}

static struct spd *
build(unsigned int n)
{
	struct config cfg;
	struct spd *spd;
	char err[256];

	memset(&cfg, 0, sizeof(cfg));
	cfg.policies = policies;
	cfg.n_policies = n;
	spd = spd_create(&cfg, SOCKET_ID_ANY, err, sizeof(err));
	if (spd == NULL)
		fprintf(stderr, "bench_spd: %s\n", err);
	return spd;
}

/* Do the SPD and the reference agree on every packet?  (A benchmark of wrong answers is no use.) */
static bool
agree(const struct spd *spd, uint8_t family, unsigned int n)
{
	uint32_t m[BURST_MAX];
	unsigned int i, k;

	for (i = 0; i < N_PKT; i += BURST_MAX) {
		if (family == 4)
			spd_classify_v4(spd, CONFIG_DIR_OUTBOUND, &hdrs[i], m, BURST_MAX);
		else
			spd_classify_v6(spd, CONFIG_DIR_OUTBOUND, &hdrs[i], m, BURST_MAX);
		for (k = 0; k < BURST_MAX; k++)
			if (m[k] != linear(hdrs[i + k], family, n))
				return false;
	}
	return true;
}

/* One row: the reference, the SPD as created, then each method forced. */
static int
row(uint8_t fam, unsigned int n, unsigned int total, uint16_t deflt)
{
	static const char *const methods[] = { "scalar", "sse", "avx2", "avx512x16", "avx512x32" };
	char cell[32], chosen[16];
	double lin_c, c;
	unsigned int i, matched;
	struct spd *spd;
	int rc = 0;

	make_policies(fam, n);
	make_packets(fam, n);
	for (i = 0, matched = 0; i < N_PKT; i++)
		matched += linear(hdrs[i], fam, n) != 0;
	lin_c = measure(NULL, fam, n, total);
	if ((spd = build(n)) == NULL)
		return -1;
	snprintf(chosen, sizeof(chosen), "%s", spd_algorithm_name(spd));
	c = measure(spd, fam, n, total);
	snprintf(cell, sizeof(cell), "%.1f (%s)", c, chosen);
	printf("%-8u IPv%u   %5.1f%% %8.1f  %-17s", n, fam, 100.0 * matched / N_PKT, lin_c, cell);
	rte_vect_set_max_simd_bitwidth(RTE_VECT_SIMD_512);
	for (i = 0; i < RTE_DIM(methods); i++) {
		if (spd_algorithm_set(spd, methods[i]) != 0) {
			printf(" %9s", "-");
			continue;
		}
		if (!agree(spd, fam, n)) {
			fprintf(stderr, "bench_spd: %s disagrees with the reference\n", methods[i]);
			rc = -1;
		}
		printf(" %9.1f", measure(spd, fam, n, total));
	}
	rte_vect_set_max_simd_bitwidth(deflt);
	printf(" %12.1fx\n", lin_c / c);
	fflush(stdout);
	spd_destroy(spd);
	return rc;
}

int
main(int argc, char **argv)
{
	static const unsigned int sizes[] = { 10, 100, 1000 };
	char prefix[64], rundir[PATH_MAX];
	char *eal[] = { "bench_spd", "--no-huge", "-m", "128", "--no-pci", "-l", "0",
		"--log-level=error", "--no-shconf", "--no-telemetry", prefix, NULL };
	unsigned int total = argc > 1 ? (unsigned int)strtoul(argv[1], NULL, 0) : DEFAULT_N;
	unsigned int s;
	uint16_t deflt;
	uint8_t fam;
	int rc = 0;

	total = RTE_MAX(total - total % BURST_MAX, (unsigned int)BURST_MAX);
	snprintf(prefix, sizeof(prefix), "--file-prefix=fipt-bench-spd-%d", (int)getpid());
	if (rte_eal_init(11, eal) < 0) {
		fprintf(stderr, "bench_spd: rte_eal_init failed\n");
		return 1;
	}
	deflt = rte_vect_get_max_simd_bitwidth();
	printf("spd_classify: TSC cycles per packet, bursts of %d, median of %d runs of %u packets "
	       "(%d distinct); EAL max SIMD bitwidth %u\n",
	    BURST_MAX, RUNS, total, N_PKT, deflt);
	printf("%-8s %-6s %6s %8s  %-17s %9s %9s %9s %9s %9s %13s\n", "policies", "family", "match",
	    "linear", "chosen", "scalar", "sse", "avx2", "avx512x16", "avx512x32", "linear/chosen");
	for (fam = 4; fam <= 6 && rc == 0; fam += 2)
		for (s = 0; s < RTE_DIM(sizes) && rc == 0; s++)
			rc = row(fam, sizes[s], total, deflt);
	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	rmdir(rundir); /* --no-shconf leaves it empty */
	return rc == 0 ? 0 : 1;
}
