/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/fastpath/test_spd.c: SPD lookups on hand-built headers beside a linear first match. */
/* rte_vect_{get,set}_max_simd_bitwidth() are experimental in DPDK 22.11. */
#define ALLOW_EXPERIMENTAL_API

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_malloc.h>
#include <rte_vect.h>

#include "config/config.h"
#include "fastpath/spd.h"

#define OUT CONFIG_DIR_OUTBOUND
#define IN  CONFIG_DIR_INBOUND

#define TCP   IPPROTO_TCP
#define UDP   IPPROTO_UDP
#define ICMP  IPPROTO_ICMP
#define ICMP6 IPPROTO_ICMPV6
#define ESP   IPPROTO_ESP
#define GRE   IPPROTO_GRE

#define PKT_MAX 256

/* 1,000 policies must fit the --no-huge -m 128 heap with room to spare. */
#define BUDGET_1000 (8u << 20)

enum frag {
	NOFRAG = 0,
	FIRST,   /* offset 0, more fragments: carries the L4 header */
	NONFIRST /* offset != 0: no L4 header, the bytes there are data */
};

/* A packet to build: its selectors, as the linear reference sees them. */
struct flow {
	uint8_t family;
	uint8_t src[16];
	uint8_t dst[16];
	uint8_t proto;
	uint16_t sport; /* written at the start of the L4 header whatever the protocol */
	uint16_t dport;
	enum frag frag;
};

/* One row of a table: a packet and the name of the policy it must match (NULL: none). */
struct tcase {
	enum config_direction dir;
	const char *src;
	const char *dst;
	uint8_t proto;
	uint16_t sport;
	uint16_t dport;
	enum frag frag;
	const char *expect;
};

static const char yaml_head[] =
    "instance: spdtest\n"
    "interfaces:\n"
    "  - {name: outside, port: net_null0, role: unprotected,\n"
    "     addresses: [192.0.2.2/24, \"2001:db8:0:2::2/64\"]}\n"
    "  - {name: inside, port: net_null1, role: protected,\n"
    "     addresses: [203.0.113.1/24, \"2001:db8:0:113::1/64\"]}\n"
    "static_sas:\n"
    "  - {name: out4, direction: outbound, spi: 0x1001, local: 192.0.2.2, remote: 192.0.2.1,\n"
    "     proposal: aes128gcm16, encryption_key: 0x000102030405060708090a0b0c0d0e0f10111213}\n"
    "  - {name: in4, direction: inbound, spi: 0x2001, local: 192.0.2.2, remote: 192.0.2.1,\n"
    "     proposal: aes128gcm16, encryption_key: 0x101112131415161718191a1b1c1d1e1f20212223}\n";

/* ---- the linear reference ---------------------------------------------------------------- */

static bool
prefix_has(const struct config_prefix *p, const uint8_t *a)
{
	unsigned int full = p->len / 8, rest = p->len % 8;

	if (memcmp(p->a.addr, a, full) != 0)
		return false;
	return rest == 0 || ((p->a.addr[full] ^ a[full]) & (0xff00 >> rest)) == 0;
}

static bool
ports_any(const struct config_port_range *r)
{
	return r->first == 0 && r->last == UINT16_MAX;
}

static bool
flow_has_ports(const struct flow *f)
{
	return f->frag != NONFIRST &&
	    (f->proto == TCP || f->proto == UDP || f->proto == IPPROTO_SCTP ||
	        f->proto == IPPROTO_DCCP || f->proto == IPPROTO_UDPLITE);
}

/* RFC 4301 4.4.1 read literally: the first policy whose every selector matches. */
static uint32_t
naive(const struct config_policy *ps, unsigned int n, enum config_direction dir,
    const struct flow *f)
{
	const struct config_policy *p;
	unsigned int i;

	for (i = 0; i < n; i++) {
		p = &ps[i];
		if (p->direction != dir || p->source.a.family != f->family ||
		    !prefix_has(&p->source, f->src) || !prefix_has(&p->destination, f->dst))
			continue;
		if (p->protocol >= 0 && p->protocol != f->proto)
			continue;
		if (flow_has_ports(f)) {
			if (f->sport < p->source_ports.first || f->sport > p->source_ports.last ||
			    f->dport < p->destination_ports.first ||
			    f->dport > p->destination_ports.last)
				continue;
		} else if (!ports_any(&p->source_ports) || !ports_any(&p->destination_ports)) {
			continue; /* OPAQUE ports match only any */
		}
		return i + 1;
	}
	return 0;
}

/* ---- packets ----------------------------------------------------------------------------- */

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The L4 header (or, for a non-first fragment, data that looks like one). */
static uint32_t
l4(const struct flow *f, uint8_t *p)
{
	uint32_t len = f->proto == TCP ? 20 : 8;

	memset(p, 0, len);
	put16(p, f->sport);
	put16(p + 2, f->dport);
	return len;
}

/*
 * Write the packet of @p f into @p frame after 14 bytes of Ethernet, as a
 * worker sees it (so the IP header is only 2-byte aligned); returns the
 * IP header.
 */
static const uint8_t *
build(const struct flow *f, uint8_t *frame)
{
	uint8_t *buf = frame + 14;
	uint32_t len, off;

	memset(frame, 0, PKT_MAX);
	if (f->family == 4) {
		len = l4(f, buf + 20);
		buf[0] = 0x45;
		put16(buf + 2, (uint16_t)(20 + len));
		if (f->frag == FIRST)
			put16(buf + 6, 0x2000); /* MF */
		else if (f->frag == NONFIRST)
			put16(buf + 6, 185); /* offset 1480 */
		buf[8] = 64;
		buf[9] = f->proto;
		memcpy(buf + 12, f->src, 4);
		memcpy(buf + 16, f->dst, 4);
		return buf;
	}
	buf[0] = 0x60;
	buf[7] = 64;
	memcpy(buf + 8, f->src, 16);
	memcpy(buf + 24, f->dst, 16);
	off = 40;
	if (f->frag != NOFRAG) {
		buf[6] = 44;
		buf[off] = f->proto;
		put16(buf + off + 2, f->frag == FIRST ? 0x0001 : (uint16_t)(185 << 3 | 1));
		buf[off + 7] = 0x42;
		off += 8;
	} else {
		buf[6] = f->proto;
	}
	len = l4(f, buf + off);
	put16(buf + 4, (uint16_t)(off + len - 40));
	return buf;
}

static void
addr(const char *s, uint8_t *a, uint8_t *family)
{
	*family = strchr(s, ':') != NULL ? 6 : 4;
	memset(a, 0, 16);
	CU_ASSERT_FATAL(inet_pton(*family == 4 ? AF_INET : AF_INET6, s, a) == 1);
}

static void
flow_of(const struct tcase *t, struct flow *f)
{
	uint8_t fam2;

	memset(f, 0, sizeof(*f));
	addr(t->src, f->src, &f->family);
	addr(t->dst, f->dst, &fam2);
	CU_ASSERT_FATAL(f->family == fam2);
	f->proto = t->proto;
	f->sport = t->sport;
	f->dport = t->dport;
	f->frag = t->frag;
}

static void
classify(const struct spd *spd, enum config_direction dir, uint8_t family,
    const uint8_t *const *hdrs, uint32_t *match, unsigned int n)
{
	if (family == 4)
		spd_classify_v4(spd, dir, hdrs, match, n);
	else
		spd_classify_v6(spd, dir, hdrs, match, n);
}

static uint32_t
one(const struct spd *spd, enum config_direction dir, const struct flow *f)
{
	uint8_t buf[PKT_MAX];
	const uint8_t *h = build(f, buf);
	uint32_t m = UINT32_MAX;

	classify(spd, dir, f->family, &h, &m, 1);
	return m;
}

/* Classify a raw header and return the result. */
static uint32_t
raw(const struct spd *spd, enum config_direction dir, const uint8_t *h)
{
	uint32_t m = UINT32_MAX;

	classify(spd, dir, (h[0] >> 4) == 4 ? 4 : 6, &h, &m, 1);
	return m;
}

/* ---- configs ----------------------------------------------------------------------------- */

static struct config *
load(const char *policies)
{
	size_t hl = strlen(yaml_head), pl = strlen(policies);
	char *buf = malloc(hl + pl + 1);
	struct config *cfg;

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	memcpy(buf, yaml_head, hl);
	memcpy(buf + hl, policies, pl + 1);
	cfg = config_load_buffer(buf, hl + pl, "spd.yaml", stderr);
	free(buf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	return cfg;
}

static struct spd *
create(const struct config *cfg)
{
	char err[256] = "";
	struct spd *spd = spd_create(cfg, SOCKET_ID_ANY, err, sizeof(err));

	if (spd == NULL)
		fprintf(stderr, "%s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(spd);
	return spd;
}

/* The classify result that names policy @p name (0 for NULL). */
static uint32_t
named(const struct config *cfg, const char *name)
{
	unsigned int i;

	if (name == NULL)
		return 0;
	for (i = 0; i < cfg->n_policies; i++)
		if (strcmp(cfg->policies[i].name, name) == 0)
			return i + 1;
	CU_FAIL_FATAL("no such policy in the table");
	return 0;
}

/*
 * Load @p policies, then check every row of @p t against both the SPD and
 * the reference: with the method spd_create() picked, then with the scan
 * and with rte_acl (scalar) forced, so that both always run.
 */
static void
run_table(const char *policies, const struct tcase *t, unsigned int n)
{
	static const char *const methods[] = { NULL, "linear", "scalar" };
	struct config *cfg = load(policies);
	struct spd *spd = create(cfg);
	const struct config_policy *p;
	struct flow f;
	uint32_t want, got, ref;
	unsigned int i, k;

	for (k = 0; k < RTE_DIM(methods); k++) {
		if (methods[k] != NULL) {
			CU_ASSERT_EQUAL_FATAL(spd_algorithm_set(spd, methods[k]), 0);
			CU_ASSERT_STRING_EQUAL(spd_algorithm_name(spd), methods[k]);
		}
		for (i = 0; i < n; i++) {
			flow_of(&t[i], &f);
			want = named(cfg, t[i].expect);
			got = one(spd, t[i].dir, &f);
			ref = naive(cfg->policies, cfg->n_policies, t[i].dir, &f);
			if (got != want || ref != want)
				fprintf(stderr,
				    "%s: row %u (%s -> %s): want %u, spd %u, reference %u\n",
				    spd_algorithm_name(spd), i, t[i].src, t[i].dst, want, got, ref);
			CU_ASSERT_EQUAL(got, want);
			CU_ASSERT_EQUAL(ref, want);
			p = spd_policy(spd, got);
			CU_ASSERT(
			    want == 0 ? p == NULL : p != NULL && strcmp(p->name, t[i].expect) == 0);
		}
	}
	spd_destroy(spd);
	config_destroy(cfg);
}

#define RUN(pol, tab) run_table(pol, tab, (unsigned int)RTE_DIM(tab))

/* ---- tables ------------------------------------------------------------------------------ */

static void
test_spd_first_match_broad_first(void)
{
	static const char pol[] =
	    "policies:\n"
	    "  - {name: bypass-all, direction: outbound, source: 10.0.0.0/8, destination: 0.0.0.0/0,\n"
	    "     action: bypass}\n"
	    "  - {name: web, direction: outbound, source: 10.1.0.0/16,\n"
	    "     destination: 198.51.100.0/24, protocol: tcp, destination_ports: 443,\n"
	    "     action: protect, sa: out4}\n";
	static const struct tcase t[] = {
		{ OUT, "10.1.2.3", "198.51.100.7", TCP, 40000, 443, NOFRAG, "bypass-all" },
		{ OUT, "10.9.2.3", "198.51.100.7", UDP, 40000, 53, NOFRAG, "bypass-all" },
		{ OUT, "11.1.2.3", "198.51.100.7", TCP, 40000, 443, NOFRAG, NULL },
	};

	RUN(pol, t);
}

static void
test_spd_first_match_narrow_first(void)
{
	static const char pol[] =
	    "policies:\n"
	    "  - {name: web, direction: outbound, source: 10.1.0.0/16,\n"
	    "     destination: 198.51.100.0/24, protocol: tcp, destination_ports: 443,\n"
	    "     action: protect, sa: out4}\n"
	    "  - {name: bypass-all, direction: outbound, source: 10.0.0.0/8, destination: 0.0.0.0/0,\n"
	    "     action: bypass}\n"
	    "  - {name: web-again, direction: outbound, source: 10.1.0.0/16,\n"
	    "     destination: 198.51.100.0/24, protocol: tcp, destination_ports: 443,\n"
	    "     action: discard}\n";
	static const struct tcase t[] = {
		{ OUT, "10.1.2.3", "198.51.100.7", TCP, 40000, 443, NOFRAG, "web" },
		{ OUT, "10.1.2.3", "198.51.100.7", TCP, 40000, 80, NOFRAG, "bypass-all" },
		{ OUT, "10.1.2.3", "198.51.101.7", TCP, 40000, 443, NOFRAG, "bypass-all" },
		{ OUT, "10.2.2.3", "198.51.100.7", TCP, 40000, 443, NOFRAG, "bypass-all" },
		{ OUT, "11.1.2.3", "198.51.100.7", TCP, 40000, 443, NOFRAG, NULL },
	};

	RUN(pol, t);
}

static void
test_spd_default_discard(void)
{
	static const char pol[] = "policies:\n"
	                          "  - {name: one, direction: outbound, source: 203.0.113.0/24,\n"
	                          "     destination: 198.51.100.0/24, action: protect, sa: out4}\n";
	static const struct tcase t[] = {
		{ OUT, "203.0.113.9", "198.51.100.1", UDP, 1, 2, NOFRAG, "one" },
		{ OUT, "203.0.114.9", "198.51.100.1", UDP, 1, 2, NOFRAG, NULL },
		{ OUT, "203.0.113.9", "198.51.101.1", UDP, 1, 2, NOFRAG, NULL },
		{ IN, "198.51.100.1", "203.0.113.9", UDP, 1, 2, NOFRAG, NULL },
		{ OUT, "2001:db8::1", "2001:db8::2", UDP, 1, 2, NOFRAG, NULL },
		{ IN, "2001:db8::1", "2001:db8::2", UDP, 1, 2, NOFRAG, NULL },
	};
	struct config *cfg;
	struct spd *spd;
	struct flow f;

	RUN(pol, t);

	/* No policies at all: everything is discarded. */
	cfg = load("");
	spd = create(cfg);
	flow_of(&t[0], &f);
	CU_ASSERT_EQUAL(one(spd, OUT, &f), 0);
	CU_ASSERT_EQUAL(one(spd, IN, &f), 0);
	flow_of(&t[4], &f);
	CU_ASSERT_EQUAL(one(spd, OUT, &f), 0);
	CU_ASSERT_PTR_NULL(spd_policy(spd, 0));
	CU_ASSERT_PTR_NULL(spd_policy(spd, 1));
	CU_ASSERT_STRING_EQUAL(spd_algorithm_name(spd), "none");
	spd_destroy(spd);
	config_destroy(cfg);
}

static void
test_spd_protocol(void)
{
	static const char pol[] =
	    "policies:\n"
	    "  - {name: gre, direction: outbound, source: 10.0.0.0/8, destination: 10.0.0.0/8,\n"
	    "     protocol: 47, action: bypass}\n"
	    "  - {name: tcp, direction: outbound, source: 10.0.0.0/8, destination: 10.0.0.0/8,\n"
	    "     protocol: tcp, action: bypass}\n"
	    "  - {name: p255, direction: outbound, source: 10.0.0.0/8, destination: 10.0.0.0/8,\n"
	    "     protocol: 255, action: discard}\n"
	    "  - {name: icmp, direction: outbound, source: 10.0.0.0/8, destination: 10.0.0.0/8,\n"
	    "     protocol: icmp, action: discard}\n"
	    "  - {name: any, direction: outbound, source: 10.0.0.0/8, destination: 10.0.0.0/8,\n"
	    "     protocol: any, action: protect, sa: out4}\n";
	static const struct tcase t[] = {
		{ OUT, "10.0.0.1", "10.0.0.2", GRE, 0, 0, NOFRAG, "gre" },
		{ OUT, "10.0.0.1", "10.0.0.2", TCP, 1, 2, NOFRAG, "tcp" },
		{ OUT, "10.0.0.1", "10.0.0.2", 255, 0, 0, NOFRAG, "p255" },
		{ OUT, "10.0.0.1", "10.0.0.2", ICMP, 0x0800, 0, NOFRAG, "icmp" },
		{ OUT, "10.0.0.1", "10.0.0.2", UDP, 1, 2, NOFRAG, "any" },
		{ OUT, "10.0.0.1", "10.0.0.2", ESP, 0, 1, NOFRAG, "any" },
		{ OUT, "10.0.0.1", "10.0.0.2", 0, 0, 0, NOFRAG, "any" },
		{ OUT, "10.0.0.1", "10.0.0.2", 254, 0, 0, NOFRAG, "any" },
		{ OUT, "10.0.0.1", "11.0.0.2", 47, 0, 0, NOFRAG, NULL },
	};

	RUN(pol, t);
}

static void
test_spd_prefix_lengths(void)
{
	static const char pol[] =
	    "policies:\n"
	    "  - {name: s32, direction: outbound, source: 10.1.2.3/32, destination: 192.168.32.0/24,\n"
	    "     action: bypass}\n"
	    "  - {name: s24, direction: outbound, source: 10.1.2.0/24, destination: 192.168.32.0/24,\n"
	    "     action: bypass}\n"
	    "  - {name: s8, direction: outbound, source: 10.0.0.0/8, destination: 192.168.32.0/24,\n"
	    "     action: bypass}\n"
	    "  - {name: s0, direction: outbound, source: 0.0.0.0/0, destination: 192.168.32.0/24,\n"
	    "     action: bypass}\n"
	    "  - {name: d32, direction: outbound, source: 172.16.0.0/12, destination: 192.168.33.7/32,\n"
	    "     action: discard}\n"
	    "  - {name: d24, direction: outbound, source: 172.16.0.0/12, destination: 192.168.33.0/24,\n"
	    "     action: discard}\n"
	    "  - {name: d8, direction: outbound, source: 172.16.0.0/12, destination: 192.0.0.0/8,\n"
	    "     action: discard}\n"
	    "  - {name: d0, direction: outbound, source: 172.16.0.0/12, destination: 0.0.0.0/0,\n"
	    "     action: discard}\n";
	static const struct tcase t[] = {
		{ OUT, "10.1.2.3", "192.168.32.1", UDP, 1, 2, NOFRAG, "s32" },
		{ OUT, "10.1.2.2", "192.168.32.1", UDP, 1, 2, NOFRAG, "s24" },
		{ OUT, "10.1.2.4", "192.168.32.1", UDP, 1, 2, NOFRAG, "s24" },
		{ OUT, "10.1.2.0", "192.168.32.1", UDP, 1, 2, NOFRAG, "s24" },
		{ OUT, "10.1.2.255", "192.168.32.1", UDP, 1, 2, NOFRAG, "s24" },
		{ OUT, "10.1.3.3", "192.168.32.1", UDP, 1, 2, NOFRAG, "s8" },
		{ OUT, "10.1.1.255", "192.168.32.1", UDP, 1, 2, NOFRAG, "s8" },
		{ OUT, "10.255.255.255", "192.168.32.1", UDP, 1, 2, NOFRAG, "s8" },
		{ OUT, "11.1.2.3", "192.168.32.1", UDP, 1, 2, NOFRAG, "s0" },
		{ OUT, "9.255.255.255", "192.168.32.255", UDP, 1, 2, NOFRAG, "s0" },
		{ OUT, "0.0.0.0", "192.168.32.0", UDP, 1, 2, NOFRAG, "s0" },
		{ OUT, "10.1.2.3", "192.168.31.255", UDP, 1, 2, NOFRAG, NULL },
		{ OUT, "10.1.2.3", "192.168.33.0", UDP, 1, 2, NOFRAG, NULL },
		{ OUT, "172.16.0.1", "192.168.33.7", UDP, 1, 2, NOFRAG, "d32" },
		{ OUT, "172.31.255.255", "192.168.33.6", UDP, 1, 2, NOFRAG, "d24" },
		{ OUT, "172.16.0.1", "192.168.34.7", UDP, 1, 2, NOFRAG, "d8" },
		{ OUT, "172.16.0.1", "193.168.33.7", UDP, 1, 2, NOFRAG, "d0" },
		{ OUT, "172.32.0.1", "192.168.33.7", UDP, 1, 2, NOFRAG, NULL },
		{ OUT, "172.15.255.255", "192.168.33.7", UDP, 1, 2, NOFRAG, NULL },
	};

	RUN(pol, t);
}

static void
test_spd_ports(void)
{
	static const char pol[] =
	    "policies:\n"
	    "  - {name: d443, direction: outbound, source: 10.0.0.0/8, destination: 0.0.0.0/0,\n"
	    "     protocol: tcp, destination_ports: 443, action: protect, sa: out4}\n"
	    "  - {name: drange, direction: outbound, source: 10.0.0.0/8, destination: 0.0.0.0/0,\n"
	    "     protocol: tcp, destination_ports: 8000-8080, action: protect, sa: out4}\n"
	    "  - {name: dns, direction: outbound, source: 10.0.0.0/8, destination: 0.0.0.0/0,\n"
	    "     protocol: udp, source_ports: 1024-65535, destination_ports: 53, action: bypass}\n"
	    "  - {name: ike, direction: outbound, source: 10.0.0.0/8, destination: 0.0.0.0/0,\n"
	    "     protocol: udp, source_ports: 500, destination_ports: 500, action: bypass}\n"
	    "  - {name: hi, direction: outbound, source: 10.0.0.0/8, destination: 0.0.0.0/0,\n"
	    "     protocol: tcp, source_ports: 65535, action: discard}\n"
	    "  - {name: lo, direction: outbound, source: 10.0.0.0/8, destination: 0.0.0.0/0,\n"
	    "     protocol: tcp, destination_ports: 1, action: discard}\n"
	    "  - {name: tcp-any, direction: outbound, source: 10.0.0.0/8, destination: 0.0.0.0/0,\n"
	    "     protocol: tcp, action: bypass}\n";
	static const struct tcase t[] = {
		{ OUT, "10.0.0.1", "1.2.3.4", TCP, 40000, 443, NOFRAG, "d443" },
		{ OUT, "10.0.0.1", "1.2.3.4", TCP, 443, 442, NOFRAG, "tcp-any" },
		{ OUT, "10.0.0.1", "1.2.3.4", TCP, 40000, 444, NOFRAG, "tcp-any" },
		{ OUT, "10.0.0.1", "1.2.3.4", TCP, 40000, 7999, NOFRAG, "tcp-any" },
		{ OUT, "10.0.0.1", "1.2.3.4", TCP, 40000, 8000, NOFRAG, "drange" },
		{ OUT, "10.0.0.1", "1.2.3.4", TCP, 40000, 8040, NOFRAG, "drange" },
		{ OUT, "10.0.0.1", "1.2.3.4", TCP, 40000, 8080, NOFRAG, "drange" },
		{ OUT, "10.0.0.1", "1.2.3.4", TCP, 40000, 8081, NOFRAG, "tcp-any" },
		{ OUT, "10.0.0.1", "1.2.3.4", UDP, 1024, 53, NOFRAG, "dns" },
		{ OUT, "10.0.0.1", "1.2.3.4", UDP, 65535, 53, NOFRAG, "dns" },
		{ OUT, "10.0.0.1", "1.2.3.4", UDP, 1023, 53, NOFRAG, NULL },
		{ OUT, "10.0.0.1", "1.2.3.4", UDP, 2000, 54, NOFRAG, NULL },
		{ OUT, "10.0.0.1", "1.2.3.4", UDP, 500, 500, NOFRAG, "ike" },
		{ OUT, "10.0.0.1", "1.2.3.4", UDP, 500, 501, NOFRAG, NULL },
		{ OUT, "10.0.0.1", "1.2.3.4", UDP, 499, 500, NOFRAG, NULL },
		{ OUT, "10.0.0.1", "1.2.3.4", TCP, 65535, 80, NOFRAG, "hi" },
		{ OUT, "10.0.0.1", "1.2.3.4", TCP, 65534, 80, NOFRAG, "tcp-any" },
		{ OUT, "10.0.0.1", "1.2.3.4", TCP, 40000, 1, NOFRAG, "lo" },
		{ OUT, "10.0.0.1", "1.2.3.4", TCP, 0, 0, NOFRAG, "tcp-any" },
		{ OUT, "10.0.0.1", "1.2.3.4", TCP, 40000, 0, NOFRAG, "tcp-any" },
	};

	RUN(pol, t);
}

static void
test_spd_icmp_vs_ports(void)
{
	static const char pol[] =
	    "policies:\n"
	    "  - {name: dns, direction: outbound, source: 10.0.0.0/8, destination: 0.0.0.0/0,\n"
	    "     protocol: udp, destination_ports: 53, action: bypass}\n"
	    "  - {name: web, direction: outbound, source: 10.0.0.0/8, destination: 0.0.0.0/0,\n"
	    "     protocol: tcp, source_ports: 1-65535, destination_ports: 1-65535,\n"
	    "     action: protect, sa: out4}\n"
	    "  - {name: rest, direction: outbound, source: 10.0.0.0/8, destination: 0.0.0.0/0,\n"
	    "     action: discard}\n";
	/* The first four L4 bytes of the ICMP and ESP packets read as ports 53 and 443. */
	static const struct tcase t[] = {
		{ OUT, "10.0.0.1", "1.2.3.4", ICMP, 53, 443, NOFRAG, "rest" },
		{ OUT, "10.0.0.1", "1.2.3.4", ESP, 53, 443, NOFRAG, "rest" },
		{ OUT, "10.0.0.1", "1.2.3.4", UDP, 53, 53, NOFRAG, "dns" },
		{ OUT, "10.0.0.1", "1.2.3.4", TCP, 53, 443, NOFRAG, "web" },
	};
	struct config_policy ps[2];
	struct config cfg;
	struct spd *spd;
	struct flow f;
	unsigned int i;

	RUN(pol, t);

	/*
	 * Protocol any with ports, which the config cannot say but the SPD
	 * must still get right: packets without ports never match it.
	 */
	memset(ps, 0, sizeof(ps));
	memset(&cfg, 0, sizeof(cfg));
	for (i = 0; i < 2; i++) {
		snprintf(ps[i].name, sizeof(ps[i].name), "p%u", i);
		ps[i].direction = OUT;
		ps[i].source.a.family = 4;
		ps[i].destination.a.family = 4;
		ps[i].protocol = -1;
		ps[i].source_ports = (struct config_port_range){ 0, UINT16_MAX };
		ps[i].destination_ports = (struct config_port_range){ 0, UINT16_MAX };
		ps[i].action = CONFIG_POLICY_BYPASS;
		ps[i].sa = -1;
	}
	ps[0].destination_ports = (struct config_port_range){ 1, UINT16_MAX };
	cfg.policies = ps;
	cfg.n_policies = 2;
	spd = create(&cfg);
	flow_of(&t[0], &f);
	CU_ASSERT_EQUAL(one(spd, OUT, &f), 2);
	flow_of(&t[1], &f);
	CU_ASSERT_EQUAL(one(spd, OUT, &f), 2);
	flow_of(&t[3], &f);
	CU_ASSERT_EQUAL(one(spd, OUT, &f), 1);
	f.frag = NONFIRST;
	CU_ASSERT_EQUAL(one(spd, OUT, &f), 2);
	f.frag = FIRST;
	CU_ASSERT_EQUAL(one(spd, OUT, &f), 1);
	spd_destroy(spd);
}

static void
test_spd_fragments(void)
{
	static const char pol[] =
	    "policies:\n"
	    "  - {name: web4, direction: outbound, source: 10.0.0.0/8, destination: 0.0.0.0/0,\n"
	    "     protocol: tcp, destination_ports: 443, action: protect, sa: out4}\n"
	    "  - {name: tcp4, direction: outbound, source: 10.0.0.0/8, destination: 0.0.0.0/0,\n"
	    "     protocol: tcp, action: bypass}\n"
	    "  - {name: web6, direction: outbound, source: \"2001:db8::/32\", destination: \"::/0\",\n"
	    "     protocol: tcp, destination_ports: 443, action: protect, sa: out4}\n"
	    "  - {name: udp-in, direction: inbound, source: 10.0.0.0/8, destination: 0.0.0.0/0,\n"
	    "     protocol: udp, destination_ports: 4500, action: bypass}\n";
	static const struct tcase t[] = {
		{ OUT, "10.0.0.1", "1.2.3.4", TCP, 40000, 443, NOFRAG, "web4" },
		{ OUT, "10.0.0.1", "1.2.3.4", TCP, 40000, 443, FIRST, "web4" },
		{ OUT, "10.0.0.1", "1.2.3.4", TCP, 40000, 443, NONFIRST, "tcp4" },
		{ OUT, "10.0.0.1", "1.2.3.4", TCP, 40000, 80, NONFIRST, "tcp4" },
		{ IN, "10.0.0.1", "1.2.3.4", UDP, 4500, 4500, NOFRAG, "udp-in" },
		{ IN, "10.0.0.1", "1.2.3.4", UDP, 4500, 4500, FIRST, "udp-in" },
		{ IN, "10.0.0.1", "1.2.3.4", UDP, 4500, 4500, NONFIRST, NULL },
		{ OUT, "2001:db8::1", "2001:db9::1", TCP, 40000, 443, NOFRAG, "web6" },
		{ OUT, "2001:db8::1", "2001:db9::1", TCP, 40000, 443, FIRST, "web6" },
		{ OUT, "2001:db8::1", "2001:db9::1", TCP, 40000, 443, NONFIRST, NULL },
	};

	RUN(pol, t);
}

static void
test_spd_direction(void)
{
	static const char pol[] =
	    "policies:\n"
	    "  - {name: in-web, direction: inbound, source: 10.0.0.0/8, destination: 10.0.0.0/8,\n"
	    "     protocol: tcp, destination_ports: 443, action: protect, sa: in4}\n"
	    "  - {name: out-all, direction: outbound, source: 0.0.0.0/0, destination: 0.0.0.0/0,\n"
	    "     action: bypass}\n"
	    "  - {name: in6, direction: inbound, source: \"::/0\", destination: \"::/0\",\n"
	    "     action: bypass}\n";
	static const struct tcase t[] = {
		{ IN, "10.0.0.1", "10.0.0.2", TCP, 40000, 443, NOFRAG, "in-web" },
		{ OUT, "10.0.0.1", "10.0.0.2", TCP, 40000, 443, NOFRAG, "out-all" },
		{ IN, "10.0.0.1", "10.0.0.2", UDP, 40000, 443, NOFRAG, NULL },
		{ IN, "2001:db8::1", "2001:db8::2", UDP, 1, 2, NOFRAG, "in6" },
		{ OUT, "2001:db8::1", "2001:db8::2", UDP, 1, 2, NOFRAG, NULL },
	};

	RUN(pol, t);
}

static void
test_spd_ipv6(void)
{
	static const char pol[] =
	    "policies:\n"
	    "  - {name: h128, direction: outbound, source: \"2001:db8:0:113::5/128\",\n"
	    "     destination: \"2001:db8:ffff::/48\", action: protect, sa: out4}\n"
	    "  - {name: s127, direction: outbound, source: \"2001:db8:0:113::6/127\",\n"
	    "     destination: \"2001:db8:ffff::/48\", action: bypass}\n"
	    "  - {name: s64, direction: outbound, source: \"2001:db8:0:113::/64\",\n"
	    "     destination: \"2001:db8:ffff::/48\", protocol: tcp, destination_ports: 22,\n"
	    "     action: discard}\n"
	    "  - {name: s64-udp, direction: outbound, source: \"2001:db8:0:113::/64\",\n"
	    "     destination: \"2001:db8:ffff::/48\", protocol: udp, source_ports: 100-200,\n"
	    "     action: bypass}\n"
	    "  - {name: icmp6, direction: outbound, source: \"2001:db8::/32\", destination: \"::/0\",\n"
	    "     protocol: icmpv6, action: bypass}\n"
	    "  - {name: s32, direction: outbound, source: \"2001:db8::/32\",\n"
	    "     destination: \"2001:db8:ffff::/48\", action: discard}\n"
	    "  - {name: d128, direction: outbound, source: \"::/0\", destination: \"2001:db8::1/128\",\n"
	    "     action: discard}\n"
	    "  - {name: in-any, direction: inbound, source: \"::/0\", destination: \"::/0\",\n"
	    "     protocol: tcp, action: bypass}\n";
	static const struct tcase t[] = {
		{ OUT, "2001:db8:0:113::5", "2001:db8:ffff::1", UDP, 1, 2, NOFRAG, "h128" },
		{ OUT, "2001:db8:0:113::6", "2001:db8:ffff:1::1", UDP, 1, 2, NOFRAG, "s127" },
		{ OUT, "2001:db8:0:113::7", "2001:db8:ffff::1", UDP, 1, 2, NOFRAG, "s127" },
		{ OUT, "2001:db8:0:113::4", "2001:db8:ffff::1", TCP, 1, 22, NOFRAG, "s64" },
		{ OUT, "2001:db8:0:113::4", "2001:db8:ffff::1", TCP, 1, 23, NOFRAG, "s32" },
		{ OUT, "2001:db8:0:113:ffff:ffff:ffff:ffff", "2001:db8:ffff:ffff::", UDP, 150, 9,
		    NOFRAG, "s64-udp" },
		{ OUT, "2001:db8:0:113::8", "2001:db8:ffff::1", UDP, 201, 9, NOFRAG, "s32" },
		{ OUT, "2001:db8:0:114::8", "2001:db8:ffff::1", UDP, 150, 9, NOFRAG, "s32" },
		{ OUT, "2001:db8:0:113::8", "2001:db8:fffe::1", UDP, 150, 9, NOFRAG, NULL },
		{ OUT, "2001:db8:0:113::8", "2001:db8:fffe::1", ICMP6, 128, 0, NOFRAG, "icmp6" },
		{ OUT, "2001:db9::1", "2001:db8::1", UDP, 1, 2, NOFRAG, "d128" },
		{ OUT, "2001:db9::1", "2001:db8::2", UDP, 1, 2, NOFRAG, NULL },
		{ IN, "fe80::1", "ff02::1", TCP, 1, 2, NOFRAG, "in-any" },
		{ IN, "fe80::1", "ff02::1", UDP, 1, 2, NOFRAG, NULL },
	};

	RUN(pol, t);
}

/* Options before the L4 header, and an L4 header cut short by total_length. */
static void
test_spd_ipv4_header_shapes(void)
{
	static const char pol[] =
	    "policies:\n"
	    "  - {name: web, direction: outbound, source: 10.0.0.0/8, destination: 0.0.0.0/0,\n"
	    "     protocol: tcp, destination_ports: 443, action: bypass}\n"
	    "  - {name: tcp, direction: outbound, source: 10.0.0.0/8, destination: 0.0.0.0/0,\n"
	    "     protocol: tcp, action: discard}\n";
	struct config *cfg = load(pol);
	struct spd *spd = create(cfg);
	uint8_t h[PKT_MAX];

	memset(h, 0, sizeof(h));
	h[0] = 0x46; /* one word of options (4 NOPs) */
	put16(h + 2, 24 + 20);
	h[9] = TCP;
	h[12] = 10;
	h[19] = 1;
	memset(h + 20, 1, 4);
	put16(h + 26, 443);
	CU_ASSERT_EQUAL(raw(spd, OUT, h), 1);
	put16(h + 20, 443); /* where the ports would be without the options */
	put16(h + 26, 80);
	CU_ASSERT_EQUAL(raw(spd, OUT, h), 2);
	/* total_length ends inside the ports: OPAQUE. */
	put16(h + 26, 443);
	put16(h + 2, 24 + 3);
	CU_ASSERT_EQUAL(raw(spd, OUT, h), 2);
	put16(h + 2, 24 + 4);
	CU_ASSERT_EQUAL(raw(spd, OUT, h), 1);
	put16(h + 2, 24);
	CU_ASSERT_EQUAL(raw(spd, OUT, h), 2);
	spd_destroy(spd);
	config_destroy(cfg);
}

/* Write an IPv6 header from fc00::1 to fc00::2 with payload @p plen and next header @p nh. */
static void
ip6_head(uint8_t *h, uint8_t nh, uint16_t plen)
{
	memset(h, 0, PKT_MAX);
	h[0] = 0x60;
	put16(h + 4, plen);
	h[6] = nh;
	h[7] = 64;
	h[8] = 0xfc;
	h[23] = 1;
	h[24] = 0xfc;
	h[39] = 2;
}

static void
test_spd_ipv6_extension_headers(void)
{
	static const char pol[] =
	    "policies:\n"
	    "  - {name: web, direction: inbound, source: \"fc00::/7\", destination: \"::/0\",\n"
	    "     protocol: tcp, destination_ports: 443, action: bypass}\n"
	    "  - {name: tcp, direction: inbound, source: \"fc00::/7\", destination: \"::/0\",\n"
	    "     protocol: tcp, action: discard}\n"
	    "  - {name: dstopts, direction: inbound, source: \"fc00::/7\", destination: \"::/0\",\n"
	    "     protocol: 60, action: discard}\n"
	    "  - {name: mobility, direction: inbound, source: \"fc00::/7\", destination: \"::/0\",\n"
	    "     protocol: 135, action: discard}\n"
	    "  - {name: ah, direction: inbound, source: \"fc00::/7\", destination: \"::/0\",\n"
	    "     protocol: 51, action: discard}\n";
	struct config *cfg = load(pol);
	struct spd *spd = create(cfg);
	uint8_t h[PKT_MAX];
	unsigned int i, off;

	/* Hop-by-hop (8 bytes), routing (24 bytes), destination options (16 bytes), TCP. */
	ip6_head(h, 0, 8 + 24 + 16 + 20);
	h[40] = 43;
	h[48] = 60;
	h[49] = 2;
	h[72] = TCP;
	h[73] = 1;
	put16(h + 88, 40000);
	put16(h + 90, 443);
	CU_ASSERT_EQUAL(raw(spd, IN, h), 1);
	put16(h + 90, 444);
	CU_ASSERT_EQUAL(raw(spd, IN, h), 2);
	/* Hop-by-hop, then a first fragment (offset 0, M set): the ports are still there. */
	ip6_head(h, 0, 8 + 8 + 20);
	h[40] = 44;
	h[48] = TCP;
	h[51] = 1; /* offset 0, M */
	put16(h + 58, 443);
	CU_ASSERT_EQUAL(raw(spd, IN, h), 1);
	/* A non-first fragment: the protocol from the fragment header, no ports. */
	put16(h + 50, 8 << 3 | 1);
	CU_ASSERT_EQUAL(raw(spd, IN, h), 2);
	/* Unknown next headers are the protocol, without ports: Mobility, AH, No Next Header. */
	ip6_head(h, 135, 24);
	CU_ASSERT_EQUAL(raw(spd, IN, h), 4);
	ip6_head(h, 51, 24);
	CU_ASSERT_EQUAL(raw(spd, IN, h), 5);
	ip6_head(h, 59, 0);
	CU_ASSERT_EQUAL(raw(spd, IN, h), 0);
	/* A chain cut short by payload_len: the header that could not be skipped. */
	ip6_head(h, 60, 4);
	h[40] = TCP;
	CU_ASSERT_EQUAL(raw(spd, IN, h), 3);
	ip6_head(h, 60, 8 + 3);
	h[40] = TCP;
	put16(h + 50, 443);
	CU_ASSERT_EQUAL(raw(spd, IN, h), 2); /* TCP, but its ports are cut off */
	/* SPD_IPV6_EXT_MAX destination options headers are skipped; one more is not. */
	for (i = 0; i <= SPD_IPV6_EXT_MAX + 1; i++) {
		ip6_head(h, i == 0 ? TCP : 60, (uint16_t)(8 * i + 20));
		for (off = 40; off < 40 + 8 * i; off += 8)
			h[off] = off + 8 < 40 + 8 * i ? 60 : TCP;
		put16(h + off + 2, 443);
		CU_ASSERT_EQUAL(raw(spd, IN, h), i <= SPD_IPV6_EXT_MAX ? 1 : 3);
	}
	spd_destroy(spd);
	config_destroy(cfg);
}

/* ---- random policies and packets --------------------------------------------------------- */

static uint64_t rng_state;

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

static void
mask_to(uint8_t *a, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < 16; i++) {
		if (len >= 8 * (i + 1))
			continue;
		a[i] &= len <= 8 * i ? 0 : (uint8_t)(0xff00 >> (len - 8 * i));
	}
}

/* An address from a few overlapping neighbourhoods, so that policies and packets meet. */
static void
rand_addr(uint8_t family, uint8_t *a)
{
	static const uint8_t first4[] = { 10, 172, 192, 198 };
	unsigned int i;

	for (i = 0; i < 16; i++)
		a[i] = (uint8_t)rnd();
	if (family == 4) {
		memset(a + 4, 0, 12);
		if (below(4) != 0) {
			a[0] = first4[below(RTE_DIM(first4))];
			a[1] = (uint8_t)below(4);
			a[2] = (uint8_t)below(8);
		}
		return;
	}
	if (below(4) != 0) {
		a[0] = 0x20;
		a[1] = 0x01;
		a[2] = 0x0d;
		a[3] = 0xb8;
		a[4] = 0;
		a[5] = (uint8_t)below(4);
		a[6] = 0;
		a[7] = (uint8_t)below(8);
	}
}

static unsigned int
rand_len(uint8_t family)
{
	static const uint8_t l4[] = { 0, 8, 16, 24, 32, 32 };
	static const uint8_t l6[] = { 0, 16, 32, 48, 64, 96, 128, 128 };

	if (below(5) == 0)
		return below(family == 4 ? 33 : 129);
	return family == 4 ? l4[below(RTE_DIM(l4))] : l6[below(RTE_DIM(l6))];
}

static void
rand_ports(struct config_port_range *r)
{
	uint32_t x = below(10), a;

	if (x < 5) {
		*r = (struct config_port_range){ 0, UINT16_MAX };
		return;
	}
	a = below(4) == 0 ? 1 + below(UINT16_MAX) : 1 + below(2000);
	if (x < 7) {
		r->first = r->last = (uint16_t)a;
		return;
	}
	r->first = (uint16_t)a;
	r->last = (uint16_t)RTE_MIN(a + below(below(2) ? 100 : 30000), (uint32_t)UINT16_MAX);
}

static void
rand_policy(struct config_policy *p, unsigned int i, uint8_t family)
{
	static const int protos[] = { -1, -1, -1, -1, TCP, TCP, TCP, UDP, UDP, ESP, GRE, 1 };
	int proto = protos[below(RTE_DIM(protos))];

	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "r%u", i);
	p->direction = below(2) == 0 ? OUT : IN;
	p->source.a.family = family;
	p->destination.a.family = family;
	rand_addr(family, p->source.a.addr);
	rand_addr(family, p->destination.a.addr);
	p->source.len = (uint8_t)rand_len(family);
	p->destination.len = (uint8_t)rand_len(family);
	mask_to(p->source.a.addr, p->source.len);
	mask_to(p->destination.a.addr, p->destination.len);
	if (proto == 1 && family == 6)
		proto = ICMP6;
	p->protocol = proto;
	p->source_ports = (struct config_port_range){ 0, UINT16_MAX };
	p->destination_ports = p->source_ports;
	if (proto == TCP || proto == UDP) {
		rand_ports(&p->source_ports);
		rand_ports(&p->destination_ports);
	}
	p->action = below(2) == 0 ? CONFIG_POLICY_BYPASS : CONFIG_POLICY_DISCARD;
	p->sa = -1;
}

static void
rand_policies(struct config *cfg, struct config_policy *ps, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		rand_policy(&ps[i], i, below(10) < 6 ? 4 : 6);
	memset(cfg, 0, sizeof(*cfg));
	cfg->policies = ps;
	cfg->n_policies = n;
}

/* A port near a policy's range (its edges and neighbours) or anywhere. */
static uint16_t
rand_port_near(const struct config_port_range *r)
{
	switch (below(6)) {
	case 0:
		return (uint16_t)(r->first - 1);
	case 1:
		return r->first;
	case 2:
		return r->last;
	case 3:
		return (uint16_t)(r->last + 1);
	case 4:
		return (uint16_t)(r->first + below((uint32_t)(r->last - r->first) + 1));
	default:
		return (uint16_t)rnd();
	}
}

/* Overwrite the first @p p->len bits of @p a with @p p's. */
static void
put_prefix(uint8_t *a, const struct config_prefix *p)
{
	unsigned int full = p->len / 8, rest = p->len % 8;

	memcpy(a, p->a.addr, full);
	if (rest != 0)
		a[full] =
		    (uint8_t)((p->a.addr[full] & (0xff00 >> rest)) | (a[full] & (0xff >> rest)));
}

/* A packet of @p family aimed at a random policy, mostly hitting it. */
static void
rand_flow(const struct config *cfg, uint8_t family, struct flow *f)
{
	static const uint8_t protos[] = { TCP, TCP, TCP, UDP, UDP, ESP, GRE, 1, 0, 255 };
	const struct config_policy *p = &cfg->policies[below(cfg->n_policies)];
	const struct config_policy *q = &cfg->policies[below(cfg->n_policies)];
	uint32_t x;

	memset(f, 0, sizeof(*f));
	f->family = family;
	rand_addr(family, f->src);
	rand_addr(family, f->dst);
	if (p->source.a.family == family && below(5) != 0)
		put_prefix(f->src, &p->source);
	if (below(5) != 0)
		q = p;
	if (q->destination.a.family == family && below(5) != 0)
		put_prefix(f->dst, &q->destination);
	if (p->protocol >= 0 && below(4) != 0)
		f->proto = (uint8_t)p->protocol;
	else
		f->proto = protos[below(RTE_DIM(protos))];
	if (f->proto == 1 && family == 6)
		f->proto = ICMP6;
	if (f->proto == 0 && family == 6)
		f->proto = 59; /* 0 is a hop-by-hop header there: No Next Header instead */
	f->sport = rand_port_near(&p->source_ports);
	f->dport = rand_port_near(&p->destination_ports);
	x = below(20);
	f->frag = x == 0 ? NONFIRST : x == 1 ? FIRST : NOFRAG;
}

/* Classify @p n random packets in bursts of BURST_MAX and compare with the reference. */
static unsigned int
cross_check(const struct spd *spd, const struct config *cfg, unsigned int n, unsigned int *matched)
{
	static uint8_t bufs[BURST_MAX][PKT_MAX];
	struct flow f[BURST_MAX];
	const uint8_t *h[BURST_MAX];
	uint32_t m[BURST_MAX], ref;
	unsigned int done, i, k, bad = 0;
	enum config_direction dir;
	uint8_t family;

	*matched = 0;
	for (done = 0; done < n; done += k) {
		k = RTE_MIN(n - done, (unsigned int)BURST_MAX);
		family = below(10) < 6 ? 4 : 6;
		dir = below(2) == 0 ? OUT : IN;
		for (i = 0; i < k; i++) {
			rand_flow(cfg, family, &f[i]);
			h[i] = build(&f[i], bufs[i]);
		}
		classify(spd, dir, family, h, m, k);
		for (i = 0; i < k; i++) {
			ref = naive(cfg->policies, cfg->n_policies, dir, &f[i]);
			if (m[i] != ref && bad++ < 5)
				fprintf(stderr, "packet %u: spd %u, reference %u\n", done + i, m[i],
				    ref);
			*matched += ref != 0;
		}
	}
	return bad;
}

static void
test_spd_burst_equals_single(void)
{
	static struct config_policy ps[100];
	static uint8_t bufs[70][PKT_MAX];
	const uint8_t *h[70];
	struct flow f[70];
	uint32_t m[70], m2[70];
	struct spd *spd, *spd2;
	struct config cfg;
	unsigned int fam, d, i, hits;

	rng_state = 0x5eed5eed12345678ull;
	rand_policies(&cfg, ps, RTE_DIM(ps));
	spd = create(&cfg);
	spd2 = create(&cfg); /* a rebuild coexists with the SPD it replaces */
	for (fam = 4; fam <= 6; fam += 2) {
		for (d = 0; d < 2; d++) {
			hits = 0;
			for (i = 0; i < RTE_DIM(f); i++) {
				rand_flow(&cfg, (uint8_t)fam, &f[i]);
				h[i] = build(&f[i], bufs[i]);
			}
			/* One burst of BURST_MAX, then all 70 in one call (chunked inside). */
			classify(spd, (enum config_direction)d, (uint8_t)fam, h, m, BURST_MAX);
			classify(spd2, (enum config_direction)d, (uint8_t)fam, h, m2, RTE_DIM(f));
			for (i = 0; i < RTE_DIM(f); i++) {
				if (i < BURST_MAX)
					CU_ASSERT_EQUAL(m[i], m2[i]);
				CU_ASSERT_EQUAL(m2[i], one(spd, (enum config_direction)d, &f[i]));
				CU_ASSERT_EQUAL(m2[i],
				    naive(ps, RTE_DIM(ps), (enum config_direction)d, &f[i]));
				hits += m2[i] != 0;
			}
			CU_ASSERT(hits > 0);
		}
	}
	spd_destroy(spd2);
	spd_destroy(spd);
}

static void
test_spd_random_cross_check(void)
{
	static struct config_policy ps[200];
	struct config cfg;
	struct spd *spd;
	unsigned int bad, matched;

	rng_state = 0x0123456789abcdefull;
	rand_policies(&cfg, ps, RTE_DIM(ps));
	spd = create(&cfg);
	bad = cross_check(spd, &cfg, 100000, &matched);
	CU_ASSERT_EQUAL(bad, 0);
	/* The packets must exercise both outcomes. */
	CU_ASSERT(matched > 100000 / 5);
	CU_ASSERT(matched < 100000 * 4 / 5);
	printf("\n    200 policies, 100000 packets: %u matched, %u mismatches, %s ", matched, bad,
	    spd_algorithm_name(spd));
	spd_destroy(spd);
}

/*
 * Every classify method must give the same answers: force each one this
 * CPU has (with the EAL's max SIMD bitwidth raised to 512 so that
 * avx512x32 is allowed), and check that a bitwidth of 64 leaves scalar.
 */
static void
test_spd_algorithms_agree(void)
{
	static const char *const names[] = { "scalar", "sse", "avx2", "avx512x16", "avx512x32" };
	static struct config_policy ps[200];
	uint16_t saved = rte_vect_get_max_simd_bitwidth();
	unsigned int i, bad, matched;
	struct config cfg;
	struct spd *spd;
	int rc;

	rng_state = 0x0123456789abcdefull;
	rand_policies(&cfg, ps, RTE_DIM(ps));
	CU_ASSERT_FATAL(rte_vect_set_max_simd_bitwidth(RTE_VECT_SIMD_512) == 0);
	spd = create(&cfg);
	printf("\n    picked %s; agree:", spd_algorithm_name(spd));
	for (i = 0; i < RTE_DIM(names); i++) {
		rc = spd_algorithm_set(spd, names[i]);
		if (rc == -ENOTSUP)
			continue;
		CU_ASSERT_EQUAL(rc, 0);
		CU_ASSERT_STRING_EQUAL(spd_algorithm_name(spd), names[i]);
		rng_state = 0x0123456789abcdefull;
		bad = cross_check(spd, &cfg, 20000, &matched);
		CU_ASSERT_EQUAL(bad, 0);
		printf(" %s", names[i]);
	}
	CU_ASSERT_EQUAL(spd_algorithm_set(spd, "fastest"), -EINVAL);
	CU_ASSERT_EQUAL(spd_algorithm_set(spd, "scalar"), 0);
	spd_destroy(spd);

	CU_ASSERT_FATAL(rte_vect_set_max_simd_bitwidth(RTE_VECT_SIMD_DISABLED) == 0);
	spd = create(&cfg);
	CU_ASSERT_STRING_EQUAL(spd_algorithm_name(spd), "scalar");
	CU_ASSERT_EQUAL(spd_algorithm_set(spd, "sse"), -ENOTSUP);
	spd_destroy(spd);
	CU_ASSERT(rte_vect_set_max_simd_bitwidth(saved) == 0);
	printf(" ");
}

/*
 * Small contexts (up to SPD_LINEAR_MAX policies) may be scanned instead
 * of going through rte_acl: forced scan and forced rte_acl give the
 * reference's answers on random policies of 1 to SPD_LINEAR_MAX per
 * context, and a context over the limit cannot be scanned.
 */
static void
test_spd_linear_scan(void)
{
	static const unsigned int sizes[] = { 1, 2, 5, 9, SPD_LINEAR_MAX };
	static struct config_policy ps[200];
	unsigned int i, k, bad, matched, total = 0;
	struct config cfg;
	struct spd *spd;
	char picked[64] = "";

	for (i = 0; i < RTE_DIM(sizes); i++) {
		/* At most sizes[i] per context: the whole set when it is that small. */
		rng_state = 0x1ea2ull + i;
		rand_policies(&cfg, ps, sizes[i]);
		spd = create(&cfg);
		snprintf(picked + strlen(picked), sizeof(picked) - strlen(picked), " %u:%s",
		    sizes[i], spd_algorithm_name(spd));
		for (k = 0; k < 2; k++) {
			CU_ASSERT_EQUAL(spd_algorithm_set(spd, k == 0 ? "linear" : "scalar"), 0);
			rng_state = 0x5ca11ull + i;
			bad = cross_check(spd, &cfg, 20000, &matched);
			CU_ASSERT_EQUAL(bad, 0);
			total += matched;
		}
		spd_destroy(spd);
	}
	CU_ASSERT(total > 0);
	/* 200 policies: some context has more than SPD_LINEAR_MAX. */
	rng_state = 0x0123456789abcdefull;
	rand_policies(&cfg, ps, RTE_DIM(ps));
	spd = create(&cfg);
	CU_ASSERT_STRING_NOT_EQUAL(spd_algorithm_name(spd), "linear");
	CU_ASSERT_EQUAL(spd_algorithm_set(spd, "linear"), -ENOTSUP);
	CU_ASSERT_STRING_NOT_EQUAL(spd_algorithm_name(spd), "linear");
	spd_destroy(spd);
	printf("\n    picked%s ", picked);
}

static size_t
heap_used(void)
{
	struct rte_malloc_socket_stats s;

	CU_ASSERT_FATAL(rte_malloc_get_socket_stats(0, &s) == 0);
	return s.heap_allocsz_bytes;
}

static void
test_spd_1000_policies_budget(void)
{
	static struct config_policy ps[1000];
	struct config cfg;
	struct spd *spd;
	unsigned int bad, matched;
	size_t before, used;
	uint64_t t0;
	double ms;

	rng_state = 0xfeedfacecafebeefull;
	rand_policies(&cfg, ps, RTE_DIM(ps));
	before = heap_used();
	t0 = rte_rdtsc();
	spd = create(&cfg);
	ms = (double)(rte_rdtsc() - t0) * 1000 / (double)rte_get_tsc_hz();
	used = heap_used() - before;
	printf("\n    1000 policies: built in %.0f ms, %zu KiB of DPDK heap ", ms, used >> 10);
	CU_ASSERT(used < BUDGET_1000);
	bad = cross_check(spd, &cfg, 20000, &matched);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(matched > 0);
	spd_destroy(spd);
	CU_ASSERT_EQUAL(heap_used(), before);
}

static void
test_spd_create_rejects(void)
{
	struct config_policy p;
	struct config cfg;
	char err[256];

	memset(&cfg, 0, sizeof(cfg));
	memset(&p, 0, sizeof(p));
	snprintf(p.name, sizeof(p.name), "bad");
	p.source.a.family = 4;
	p.destination.a.family = 4;
	p.protocol = TCP;
	p.source_ports = (struct config_port_range){ 0, UINT16_MAX };
	p.destination_ports = (struct config_port_range){ 0, 100 }; /* holds OPAQUE's 0 */
	cfg.policies = &p;
	cfg.n_policies = 1;
	err[0] = '\0';
	CU_ASSERT_PTR_NULL(spd_create(&cfg, SOCKET_ID_ANY, err, sizeof(err)));
	CU_ASSERT(strstr(err, "port") != NULL);
	p.destination_ports = (struct config_port_range){ 0, UINT16_MAX };
	p.destination.a.family = 6;
	err[0] = '\0';
	CU_ASSERT_PTR_NULL(spd_create(&cfg, SOCKET_ID_ANY, err, sizeof(err)));
	CU_ASSERT(strstr(err, "IPv6") != NULL);
	p.destination.a.family = 4;
	p.source.len = 33;
	CU_ASSERT_PTR_NULL(spd_create(&cfg, SOCKET_ID_ANY, err, sizeof(err)));
	p.source.len = 32;
	p.protocol = 256;
	CU_ASSERT_PTR_NULL(spd_create(&cfg, SOCKET_ID_ANY, err, sizeof(err)));
	CU_ASSERT_PTR_NULL(spd_create(NULL, SOCKET_ID_ANY, err, sizeof(err)));
}

/* ---- suite ------------------------------------------------------------------------------- */

static int
suite_init(void)
{
	char prefix[64];
	char *argv[] = { "test_spd", "--no-huge", "-m", "128", "--no-pci", "-l", "0",
		"--log-level=error", "--no-shconf", "--no-telemetry", prefix, NULL };

	snprintf(prefix, sizeof(prefix), "--file-prefix=fipt-spd-%d", (int)getpid());
	return rte_eal_init(11, argv) < 0 ? -1 : 0;
}

static int
suite_fini(void)
{
	char rundir[PATH_MAX];

	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	rmdir(rundir); /* --no-shconf leaves it empty */
	return 0;
}

int
main(void)
{
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{ "test_spd_first_match_broad_first", test_spd_first_match_broad_first },
		{ "test_spd_first_match_narrow_first", test_spd_first_match_narrow_first },
		{ "test_spd_default_discard", test_spd_default_discard },
		{ "test_spd_protocol", test_spd_protocol },
		{ "test_spd_prefix_lengths", test_spd_prefix_lengths },
		{ "test_spd_ports", test_spd_ports },
		{ "test_spd_icmp_vs_ports", test_spd_icmp_vs_ports },
		{ "test_spd_fragments", test_spd_fragments },
		{ "test_spd_direction", test_spd_direction },
		{ "test_spd_ipv6", test_spd_ipv6 },
		{ "test_spd_ipv4_header_shapes", test_spd_ipv4_header_shapes },
		{ "test_spd_ipv6_extension_headers", test_spd_ipv6_extension_headers },
		{ "test_spd_burst_equals_single", test_spd_burst_equals_single },
		{ "test_spd_random_cross_check", test_spd_random_cross_check },
		{ "test_spd_algorithms_agree", test_spd_algorithms_agree },
		{ "test_spd_linear_scan", test_spd_linear_scan },
		{ "test_spd_1000_policies_budget", test_spd_1000_policies_budget },
		{ "test_spd_create_rejects", test_spd_create_rejects },
	};
	unsigned int fails, i;
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("spd", suite_init, suite_fini);
	for (i = 0; i < RTE_DIM(tests); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return fails == 0 ? 0 : 1;
}
