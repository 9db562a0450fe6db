/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/fastpath/test_frag.c: IPv6 fragmentation by the source (RFC 8200 §4.5), checked piece by piece and reassembled. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <rte_eal.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "common/limits.h"
#include "fastpath/frag.h"
#include "fastpath/reasm.h"

#define FH_LEN 8 /* the Fragment header */

static struct rte_mempool *pool;     /* fragments: 2 KB of data room, as the gateway's */
static struct rte_mempool *big_pool; /* packets to fragment: up to 16 KB */

static const uint8_t SRC[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 2, [15] = 2 };
static const uint8_t DST[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 2, [15] = 1 };

/*
 * An IPv6 packet of @p len bytes from SRC to DST: the fixed header, the
 * extension headers @p ext (@p ext_len bytes, next header fields filled in
 * by the caller), then protocol @p proto's bytes (a pattern).
 */
static struct rte_mbuf *
ip6(uint32_t len, uint8_t first, const uint8_t *ext, uint32_t ext_len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(big_pool);
	struct rte_ipv6_hdr *h;
	uint8_t *d;
	uint32_t i;

	CU_ASSERT_FATAL(m != NULL);
	d = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)len);
	CU_ASSERT_FATAL(d != NULL);
	for (i = 0; i < len; i++)
		d[i] = (uint8_t)(i * 13 + 5);
	h = (struct rte_ipv6_hdr *)d;
	h->vtc_flow = rte_cpu_to_be_32(6u << 28 | 0x2au << 20 | 0x12345);
	h->payload_len = rte_cpu_to_be_16((uint16_t)(len - sizeof(*h)));
	h->proto = first;
	h->hop_limits = 64;
	memcpy(h->src_addr, SRC, 16);
	memcpy(h->dst_addr, DST, 16);
	if (ext_len != 0)
		memcpy(h + 1, ext, ext_len);
	return m;
}

static void
free_all(struct rte_mbuf **m, int n)
{
	while (n > 0)
		rte_pktmbuf_free(m[--n]);
}

/*
 * Check the @p n fragments of @p orig (per-fragment headers @p unfrag
 * bytes, whose Next Header field at @p nh_at became 44; the Fragment
 * header names @p nh): each within @p mtu, offsets in order, data a
 * multiple of 8 but in the last, M on all but the last, one
 * identification @p id, the original's fixed header otherwise; and the
 * pieces put back give the original.
 */
static void
check_fragments(const struct rte_mbuf *orig, struct rte_mbuf **f, int n, uint16_t mtu, uint32_t id,
    uint32_t unfrag, uint32_t nh_at, uint8_t nh)
{
	static uint8_t re[16384];
	const uint8_t *o = rte_pktmbuf_mtod(orig, const uint8_t *);
	uint32_t next = 0, i, len = orig->pkt_len;
	int k;

	CU_ASSERT_FATAL(n > 0);
	memset(re, 0, sizeof(re));
	memcpy(re, o, unfrag);
	for (k = 0; k < n; k++) {
		const uint8_t *d = rte_pktmbuf_mtod(f[k], const uint8_t *);
		const struct rte_ipv6_hdr *h = (const struct rte_ipv6_hdr *)d;
		const struct rte_ipv6_fragment_ext *fh =
		    (const struct rte_ipv6_fragment_ext *)(d + unfrag);
		uint16_t fd = rte_be_to_cpu_16(fh->frag_data);
		uint32_t data = f[k]->pkt_len - unfrag - FH_LEN, off = fd & RTE_IPV6_EHDR_FO_MASK;

		CU_ASSERT_EQUAL(f[k]->nb_segs, 1);
		CU_ASSERT(f[k]->pkt_len <= mtu);
		CU_ASSERT_EQUAL(f[k]->pkt_len, sizeof(*h) + rte_be_to_cpu_16(h->payload_len));
		/* Version, traffic class, flow label, hop limit and addresses as sent. */
		CU_ASSERT(memcmp(d, o, 4) == 0);
		CU_ASSERT_EQUAL(h->hop_limits, 64);
		CU_ASSERT(memcmp(d + 8, o + 8, 32) == 0);
		/* The per-fragment headers: the original's, but the one Next Header field. */
		for (i = sizeof(*h); i < unfrag; i++) {
			if (i != nh_at)
				CU_ASSERT_EQUAL(d[i], o[i]);
		}
		CU_ASSERT_EQUAL(d[nh_at], IPPROTO_FRAGMENT);
		CU_ASSERT_EQUAL(fh->next_header, nh);
		CU_ASSERT_EQUAL(fh->reserved, 0);
		CU_ASSERT_EQUAL(rte_be_to_cpu_32(fh->id), id);
		CU_ASSERT_EQUAL(fd & 6, 0); /* reserved bits */
		CU_ASSERT_EQUAL(off, next);
		CU_ASSERT_EQUAL(RTE_IPV6_GET_MF(fd), k + 1 < n ? 1 : 0);
		if (k + 1 < n)
			CU_ASSERT_EQUAL(data % 8, 0);
		if (unfrag + off + data <= sizeof(re))
			memcpy(re + unfrag + off, d + unfrag + FH_LEN, data);
		next = off + data;
	}
	CU_ASSERT_EQUAL(unfrag + next, len);
	CU_ASSERT(memcmp(re, o, len) == 0);
}

/* Sizes and MTUs: the count, the pieces, and the same on a second call with another ID. */
static void
test_frag_ipv6_sizes(void)
{
	static const struct {
		uint32_t len;
		uint16_t mtu;
		int expect;
	} t[] = {
		{ 1352, 1280, 2 }, /* 1232 + 80 bytes of data (ESP of a 1280-byte packet) */
		{ 1500, 1280, 2 }, /* 1232 + 228 */
		{ 1281, 1280, 2 }, /* one byte over: 1232 + 9 */
		{ 3000, 1500, 3 }, /* 1448 + 1448 + 64 */
		{ 8072, 1280, 7 }, /* a jumbo packet's ESP: 6 of 1232 + 640 */
		{ 8072, 9000,
		    5 }, /* the fragments' own buffers (2 KB) limit them: 4 of 2000 + 32 */
		{ 1283, 1000, 2 }, /* odd lengths: 952 + 291 */
		{ 1289, 1285, 2 }, /* MTU not 8-aligned past the headers: 1232 + 17 */
		{ 1272, 1280, 1 }, /* fits with the Fragment header: one (the caller never asks) */
	};
	struct rte_mbuf *f[FRAG_MAX], *m;
	unsigned int i;
	int n;

	for (i = 0; i < RTE_DIM(t); i++) {
		m = ip6(t[i].len, IPPROTO_ESP, NULL, 0);
		n = frag_ipv6(pool, m, t[i].mtu, 0x1000 + i, f, FRAG_MAX);
		CU_ASSERT_EQUAL(n, t[i].expect);
		if (n > 0) {
			check_fragments(m, f, n, RTE_MIN(t[i].mtu, (uint16_t)2048), 0x1000 + i, 40,
			    6, IPPROTO_ESP);
			free_all(f, n);
		}
		CU_ASSERT_EQUAL(m->pkt_len, t[i].len); /* untouched */
		rte_pktmbuf_free(m);
	}
}

/*
 * RFC 8200 §4.5: Hop-by-Hop and Routing headers (and Destination Options
 * before a Routing header) go in every fragment; Destination Options after
 * the Routing header are fragmentable.
 */
static void
test_frag_ipv6_extension_headers(void)
{
	uint8_t ext[64];
	struct rte_mbuf *f[FRAG_MAX], *m;
	int n;

	/* HbH (8) -> DstOpts (16) -> Routing (24) -> DstOpts (8) -> ESP. */
	memset(ext, 0, sizeof(ext));
	ext[0] = IPPROTO_DSTOPTS;
	ext[1] = 0;
	ext[8] = IPPROTO_ROUTING;
	ext[9] = 1;
	ext[24] = IPPROTO_DSTOPTS;
	ext[25] = 2;
	ext[48] = IPPROTO_ESP;
	ext[49] = 0;
	m = ip6(1500, IPPROTO_HOPOPTS, ext, 56);
	n = frag_ipv6(pool, m, 1280, 77, f, FRAG_MAX);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	/* Per-fragment: 40 + 8 + 16 + 24; the Routing header's Next Header (at 64) names 44. */
	check_fragments(m, f, n, 1280, 77, 88, 64, IPPROTO_DSTOPTS);
	free_all(f, n);
	rte_pktmbuf_free(m);

	/* Hop-by-Hop alone in front. */
	memset(ext, 0, sizeof(ext));
	ext[0] = IPPROTO_UDP;
	ext[1] = 1;
	m = ip6(2000, IPPROTO_HOPOPTS, ext, 16);
	n = frag_ipv6(pool, m, 1280, 78, f, FRAG_MAX);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	check_fragments(m, f, n, 1280, 78, 56, 40, IPPROTO_UDP);
	free_all(f, n);
	rte_pktmbuf_free(m);

	/* Destination Options without a Routing header are fragmentable. */
	memset(ext, 0, sizeof(ext));
	ext[0] = IPPROTO_ESP;
	ext[1] = 0;
	m = ip6(2000, IPPROTO_DSTOPTS, ext, 8);
	n = frag_ipv6(pool, m, 1280, 79, f, FRAG_MAX);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	check_fragments(m, f, n, 1280, 79, 40, 6, IPPROTO_DSTOPTS);
	free_all(f, n);
	rte_pktmbuf_free(m);
}

/* What cannot be fragmented: nothing made, nothing leaked. */
static void
test_frag_ipv6_refused(void)
{
	unsigned int avail = rte_mempool_avail_count(pool);
	struct rte_mbuf *f[FRAG_MAX], *m;
	uint8_t ext[16];

	/* A fragment already. */
	memset(ext, 0, sizeof(ext));
	ext[0] = IPPROTO_ESP;
	m = ip6(1500, IPPROTO_FRAGMENT, ext, 8);
	CU_ASSERT_EQUAL(frag_ipv6(pool, m, 1280, 1, f, FRAG_MAX), -EINVAL);
	rte_pktmbuf_free(m);
	/* ... behind a Destination Options header. */
	ext[0] = IPPROTO_FRAGMENT;
	ext[8] = IPPROTO_ESP;
	m = ip6(1500, IPPROTO_DSTOPTS, ext, 16);
	CU_ASSERT_EQUAL(frag_ipv6(pool, m, 1280, 1, f, FRAG_MAX), -EINVAL);
	rte_pktmbuf_free(m);
	/* Hop-by-Hop after another header (RFC 8200 §4.1). */
	memset(ext, 0, sizeof(ext));
	ext[0] = IPPROTO_HOPOPTS;
	ext[8] = IPPROTO_ESP;
	m = ip6(1500, IPPROTO_ROUTING, ext, 16);
	CU_ASSERT_EQUAL(frag_ipv6(pool, m, 1280, 1, f, FRAG_MAX), -EINVAL);
	rte_pktmbuf_free(m);
	/* An extension header longer than the packet. */
	memset(ext, 0, sizeof(ext));
	ext[0] = IPPROTO_ESP;
	ext[1] = 255;
	m = ip6(1500, IPPROTO_HOPOPTS, ext, 8);
	CU_ASSERT_EQUAL(frag_ipv6(pool, m, 1280, 1, f, FRAG_MAX), -EINVAL);
	rte_pktmbuf_free(m);
	/* A payload length beyond the mbuf. */
	m = ip6(1500, IPPROTO_ESP, NULL, 0);
	rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *)->payload_len = RTE_BE16(1600);
	CU_ASSERT_EQUAL(frag_ipv6(pool, m, 1280, 1, f, FRAG_MAX), -EINVAL);
	rte_pktmbuf_free(m);
	/* No room for 8 bytes of data after the headers (40 + 8). */
	m = ip6(1500, IPPROTO_ESP, NULL, 0);
	CU_ASSERT_EQUAL(frag_ipv6(pool, m, 55, 1, f, FRAG_MAX), -EINVAL);
	CU_ASSERT_EQUAL(frag_ipv6(pool, m, 56, 1, f, FRAG_MAX), -ENOBUFS); /* 183 > FRAG_MAX */
	/* More than @p max fragments. */
	CU_ASSERT_EQUAL(frag_ipv6(pool, m, 1280, 1, f, 1), -ENOBUFS);
	rte_pktmbuf_free(m);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(pool), avail);
}

/* The pool runs dry halfway: what was made is freed. */
static void
test_frag_ipv6_pool_dry(void)
{
	struct rte_mbuf *hold[4096], *f[FRAG_MAX], *m = ip6(8072, IPPROTO_ESP, NULL, 0);
	unsigned int n = 0, avail;

	while (n < RTE_DIM(hold) && rte_mempool_avail_count(pool) > 3)
		hold[n++] = rte_pktmbuf_alloc(pool);
	avail = rte_mempool_avail_count(pool);
	CU_ASSERT_EQUAL(frag_ipv6(pool, m, 1280, 9, f, FRAG_MAX), -ENOBUFS);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(pool), avail);
	while (n != 0)
		rte_pktmbuf_free(hold[--n]);
	rte_pktmbuf_free(m);
}

/*
 * DPDK's own reassembler (the one the gateway runs on fragments to it,
 * fastpath/reasm.c) puts the pieces back, in order and reversed, into the
 * original packet.
 */
static void
test_frag_ipv6_reassembles(void)
{
	struct reasm *r = reasm_create(SOCKET_ID_ANY);
	struct rte_mbuf *f[FRAG_MAX], *m, *done = NULL;
	enum drop_reason why;
	unsigned int pass;
	int n, k;

	CU_ASSERT_FATAL(r != NULL);
	for (pass = 0; pass < 2; pass++) {
		m = ip6(pass == 0 ? 1352 : 8072, IPPROTO_ESP, NULL, 0);
		n = frag_ipv6(pool, m, 1280, 0xabc0 + pass, f, FRAG_MAX);
		CU_ASSERT_FATAL(n >= 2);
		for (k = 0; k < n; k++) {
			struct rte_mbuf *p = f[pass == 0 ? k : n - 1 - k];
			struct rte_ether_hdr *eth =
			    (struct rte_ether_hdr *)rte_pktmbuf_prepend(p, sizeof(*eth));

			CU_ASSERT_FATAL(eth != NULL);
			memset(eth, 0, sizeof(*eth));
			eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
			done = reasm_ipv6(r, p, &why);
			CU_ASSERT_EQUAL(why, DROP_NONE);
			CU_ASSERT((done == NULL) == (k + 1 < n));
		}
		CU_ASSERT_FATAL(done != NULL);
		CU_ASSERT_EQUAL(done->pkt_len, 14 + m->pkt_len);
		CU_ASSERT(memcmp(rte_pktmbuf_mtod_offset(done, uint8_t *, 14),
		              rte_pktmbuf_mtod(m, uint8_t *), m->pkt_len) == 0);
		rte_pktmbuf_free(done);
		rte_pktmbuf_free(m);
	}
	reasm_destroy(r);
}

static int
setup(void)
{
	char prefix[64];
	char *argv[] = { "test_frag", "--no-huge", "-m", "128", "--no-pci", "-l", "0",
		"--log-level=error", "--no-shconf", "--no-telemetry", prefix, NULL };

	snprintf(prefix, sizeof(prefix), "--file-prefix=fipt-frag-%d", (int)getpid());
	if (rte_eal_init(11, argv) < 0)
		return -1;
	pool = rte_pktmbuf_pool_create("frag_test", 511, 0, 0,
	    MBUF_DATA_ROOM + RTE_PKTMBUF_HEADROOM, SOCKET_ID_ANY);
	big_pool = rte_pktmbuf_pool_create("frag_big", 15, 0, 0,
	    REASM_BIG_ROOM + RTE_PKTMBUF_HEADROOM, SOCKET_ID_ANY);
	return pool == NULL || big_pool == NULL ? -1 : 0;
}

static int
teardown(void)
{
	char rundir[PATH_MAX];

	rte_mempool_free(pool);
	rte_mempool_free(big_pool);
	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	rmdir(rundir);
	return 0;
}

int
main(void)
{
	CU_pSuite s;
	int fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("frag", setup, teardown);
	CU_add_test(s, "test_frag_ipv6_sizes", test_frag_ipv6_sizes);
	CU_add_test(s, "test_frag_ipv6_extension_headers", test_frag_ipv6_extension_headers);
	CU_add_test(s, "test_frag_ipv6_refused", test_frag_ipv6_refused);
	CU_add_test(s, "test_frag_ipv6_pool_dry", test_frag_ipv6_pool_dry);
	CU_add_test(s, "test_frag_ipv6_reassembles", test_frag_ipv6_reassembles);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = (int)(CU_get_number_of_failures() + CU_get_number_of_suites_failed());
	CU_cleanup_registry();
	return fails != 0;
}
