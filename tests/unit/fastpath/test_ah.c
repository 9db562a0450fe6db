/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/fastpath/test_ah.c: ah_outbound_burst / ah_inbound_burst: round trips, mutable fields, drops. */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <netinet/in.h>
#include <rte_eal.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_udp.h>

#include "common/alg.h"
#include "common/limits.h"
#include "fastpath/ah.h"
#include "fastpath/antireplay.h"
#include "fastpath/crypto_mb.h"
#include "fastpath/lifetime.h"
#include "fastpath/pkt.h"
#include "fastpath/sad.h"
#include "fastpath/worker.h"

#define NELEM(a)  (sizeof(a) / sizeof((a)[0]))
#define POOL_SIZE 1023

/*
 * One fake worker (index 0) with its own SAD and IMB manager; SAs are
 * built as sa_static.c builds them.  A packet goes out through an
 * outbound SA from A to B and comes back in through the matching inbound
 * SA, whose "our address" is B.  --no-huge mempool; the last test checks
 * that no mbuf leaked.
 */
static struct rte_mempool *pool;
static struct worker *w, *w1;
static IMB_MGR *ctl_mgr;

static const uint8_t A4[4] = { 192, 0, 2, 1 };
static const uint8_t B4[4] = { 192, 0, 2, 2 };
static const uint8_t A6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t B6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
static const uint8_t H4[2][4] = { { 198, 51, 100, 1 }, { 198, 51, 100, 2 } };
static const uint8_t H6[2][16] = { { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 1 },
	{ 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 2 } };

/* AH keyword, and its AH length (RFC 4302 §2.6) over IPv4 and IPv6. */
static const struct {
	const char *kw;
	uint8_t len4, len6;
} algs[] = {
	{ "sha1", 24, 24 },       /* 12 + 12: already a multiple of 8 */
	{ "sha256", 28, 32 },     /* 12 + 16: IPv6 pads 4 */
	{ "sha384", 36, 40 },     /* 12 + 24: IPv6 pads 4 */
	{ "sha512", 44, 48 },     /* 12 + 32: IPv6 pads 4 */
	{ "aes128gmac", 36, 40 }, /* 12 + IV 8 + 16: IPv6 pads 4 */
};

/* ---- helpers ---- */

static void
fill(uint8_t *p, size_t n, uint32_t seed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}

static uint64_t
drops(enum drop_reason why)
{
	return w->stats.drops[why];
}

/* An outbound SA and its inbound twin, as the two ends of one SA. */
struct pair {
	struct alg_proposal prop;
	struct sa_rt_out *out;
	struct sa_rt_in *in;
};

static void
pair_make(const char *kw, uint8_t family, uint8_t mode, bool esn, uint32_t spi, struct pair *pr)
{
	uint8_t auth[128];
	struct esp_sa_prm prm;
	char err[256];

	memset(pr, 0, sizeof(*pr));
	if (alg_proposal_parse(kw, ALG_PROTO_AH, &pr->prop, err, sizeof(err)) != 0) {
		fprintf(stderr, "\n%s: %s\n", kw, err);
		CU_FAIL_FATAL("alg_proposal_parse");
	}
	fill(auth, sizeof(auth), spi ^ 0x5a5a5a5a);
	pr->out = rte_zmalloc("sa_out", sizeof(*pr->out), RTE_CACHE_LINE_SIZE);
	pr->in = rte_zmalloc("sa_in", sizeof(*pr->in), RTE_CACHE_LINE_SIZE);
	CU_ASSERT_FATAL(pr->out != NULL && pr->in != NULL);

	memset(&prm, 0, sizeof(prm));
	prm.prop = &pr->prop;
	prm.family = family;
	prm.local = family == 4 ? A4 : A6;
	prm.remote = family == 4 ? B4 : B6;
	prm.mode = mode;
	prm.esn = esn;
	pr->out->spi = rte_cpu_to_be_32(spi);
	pr->out->proto = SA_PROTO_AH;
	CU_ASSERT_FATAL(ah_outbound_sa_init(pr->out, &prm) == 0);
	CU_ASSERT_FATAL(crypto_mb_sa_init(&pr->out->crypto, ctl_mgr, &pr->prop, NULL, auth) == 0);

	prm.local = family == 4 ? B4 : B6;
	prm.remote = family == 4 ? A4 : A6;
	pr->in->key.spi = rte_cpu_to_be_32(spi);
	CU_ASSERT_FATAL(ah_inbound_sa_init(pr->in, &prm) == 0);
	CU_ASSERT_FATAL(antireplay_init(&pr->in->ar, 64, esn) == 0);
	CU_ASSERT_FATAL(crypto_mb_sa_init(&pr->in->crypto, ctl_mgr, &pr->prop, NULL, auth) == 0);
	CU_ASSERT_FATAL(sad_insert(w->sad, pr->in) == 0);
}

static void
pair_free(struct pair *pr)
{
	sad_remove(w->sad, pr->in);
	crypto_mb_sa_fini(&pr->out->crypto);
	crypto_mb_sa_fini(&pr->in->crypto);
	rte_free(pr->out);
	rte_free(pr->in);
}

/* A UDP packet from @p src to @p dst with @p plen bytes of payload, checksums right. */
static struct rte_mbuf *
udp_pkt(uint8_t family, const uint8_t *src, const uint8_t *dst, uint16_t plen, uint8_t tc)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint16_t l3 = family == 4 ? 20 : 40, i;
	struct rte_udp_hdr *udp;
	uint8_t *b;

	CU_ASSERT_FATAL(m != NULL);
	b = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(l3 + 8 + plen));
	if (b == NULL)
		abort(); /* the pool's buffers take it: CU_ASSERT_FATAL would leave gcc -O3 in doubt */
	memset(b, 0, l3 + 8u);
	udp = (struct rte_udp_hdr *)(b + l3);
	udp->src_port = RTE_BE16(1234);
	udp->dst_port = RTE_BE16(5678);
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(8 + plen));
	for (i = 0; i < plen; i++)
		b[l3 + 8 + i] = (uint8_t)(i * 7 + plen);
	if (family == 4) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)b;

		ip->version_ihl = 0x45;
		ip->type_of_service = tc;
		ip->total_length = rte_cpu_to_be_16((uint16_t)(l3 + 8 + plen));
		ip->packet_id = RTE_BE16(0x4242);
		ip->time_to_live = 63;
		ip->next_proto_id = IPPROTO_UDP;
		memcpy(&ip->src_addr, src, 4);
		memcpy(&ip->dst_addr, dst, 4);
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
	} else {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)b;

		ip6->vtc_flow = rte_cpu_to_be_32(6u << 28 | (uint32_t)tc << 20 | 0xabcde);
		ip6->payload_len = rte_cpu_to_be_16((uint16_t)(8 + plen));
		ip6->proto = IPPROTO_UDP;
		ip6->hop_limits = 63;
		memcpy(ip6->src_addr, src, 16);
		memcpy(ip6->dst_addr, dst, 16);
		udp->dgram_cksum = rte_ipv6_udptcp_cksum(ip6, udp);
	}
	return m;
}

/* The packet @p pr's outbound SA protects: inner addresses (tunnel) or A to B (transport). */
static struct rte_mbuf *
inner_pkt(const struct pair *pr, uint8_t ifam, uint16_t plen)
{
	if (pr->out->mode == SA_MODE_TRANSPORT)
		return udp_pkt(ifam, ifam == 4 ? A4 : A6, ifam == 4 ? B4 : B6, plen, 0xb9);
	return udp_pkt(ifam, ifam == 4 ? H4[0] : H6[0], ifam == 4 ? H4[1] : H6[1], plen, 0xb9);
}

static uint16_t
l3_len(const uint8_t *b)
{
	return b[0] >> 4 == 4 ? (uint16_t)((b[0] & 0xf) * 4) : 40;
}

/* Where the AH header of a protected packet is. */
static uint8_t *
ah_hdr(struct rte_mbuf *m)
{
	uint8_t *b = rte_pktmbuf_mtod(m, uint8_t *);

	return b + l3_len(b);
}

/* The expected AH length of @p pr's packets, from the table above. */
static uint8_t
want_ah_len(const struct pair *pr)
{
	size_t i;

	for (i = 0; i < NELEM(algs); i++)
		if (strcmp(algs[i].kw, pr->prop.name) == 0)
			return pr->out->family == 4 ? algs[i].len4 : algs[i].len6;
	fprintf(stderr, "\n%s: not in the table\n", pr->prop.name);
	CU_FAIL("algorithm not in the table");
	return 0;
}

/* Check the headers of an outbound packet: IP, then AH. */
static void
check_out(const struct pair *pr, struct rte_mbuf *m, uint8_t tc, uint8_t nh, uint64_t seq)
{
	uint8_t *b = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t len = rte_pktmbuf_pkt_len(m), be, i;
	uint8_t *ah = ah_hdr(m);
	uint8_t alen = want_ah_len(pr);

	CU_ASSERT_EQUAL(pr->out->ah_len, alen);
	if (pr->out->family == 4) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)b;

		CU_ASSERT_EQUAL(b[0] >> 4, 4);
		CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->total_length), len);
		CU_ASSERT_EQUAL(ip->next_proto_id, IPPROTO_AH);
		CU_ASSERT_EQUAL(rte_ipv4_cksum(ip), 0);
		if (pr->out->mode == SA_MODE_TUNNEL) {
			CU_ASSERT_EQUAL(ip->time_to_live, 64);
			CU_ASSERT_EQUAL(ip->type_of_service, tc);
			CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->packet_id), (uint16_t)seq);
			CU_ASSERT(memcmp(&ip->src_addr, A4, 4) == 0);
			CU_ASSERT(memcmp(&ip->dst_addr, B4, 4) == 0);
		} else {
			CU_ASSERT_EQUAL(ip->time_to_live, 63);
			CU_ASSERT_EQUAL(ip->type_of_service, tc);
		}
	} else {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)b;

		CU_ASSERT_EQUAL(b[0] >> 4, 6);
		CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip6->payload_len) + 40u, len);
		CU_ASSERT_EQUAL(ip6->proto, IPPROTO_AH);
		CU_ASSERT_EQUAL((rte_be_to_cpu_32(ip6->vtc_flow) >> 20) & 0xff, tc);
		if (pr->out->mode == SA_MODE_TUNNEL) {
			CU_ASSERT_EQUAL(ip6->hop_limits, 64);
			CU_ASSERT(memcmp(ip6->src_addr, A6, 16) == 0);
		} else {
			CU_ASSERT_EQUAL(ip6->hop_limits, 63);
			CU_ASSERT_EQUAL(rte_be_to_cpu_32(ip6->vtc_flow) & 0xfffff, 0xabcde);
		}
	}
	CU_ASSERT_EQUAL(ah[0], nh);
	CU_ASSERT_EQUAL((ah[1] + 2u) * 4, alen);
	CU_ASSERT_EQUAL(ah[2] | ah[3], 0);
	CU_ASSERT(memcmp(ah + 4, &pr->out->spi, 4) == 0);
	memcpy(&be, ah + 8, 4);
	CU_ASSERT_EQUAL(rte_be_to_cpu_32(be), (uint32_t)seq);
	/* The ICV padding is sent as zeros. */
	for (i = 12u + pr->out->iv_len + pr->out->icv_len; i < alen; i++)
		CU_ASSERT_EQUAL(ah[i], 0);
}

/*
 * What a router on the way may do to the mutable fields (RFC 4302
 * §3.3.3.1): TTL / hop limit down, DSCP rewritten, ECN set to CE, DF set
 * (IPv4), flow label changed (IPv6); the IPv4 checksum follows.
 */
static void
router(uint8_t *b)
{
	if (b[0] >> 4 == 4) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)b;

		ip->time_to_live--;
		ip->type_of_service = (uint8_t)(0x28 << 2 | 3);
		ip->fragment_offset |= RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	} else {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)b;

		ip6->hop_limits--;
		ip6->vtc_flow = rte_cpu_to_be_32(6u << 28 | (0x28u << 2 | 3) << 20 | 0x54321);
	}
}

/* A transport-mode UDP packet from A to B whose IPv4 header carries @p opt (a multiple of 4). */
static struct rte_mbuf *
opt_pkt(uint16_t plen, const char *opt, uint8_t opt_len)
{
	struct rte_mbuf *m = udp_pkt(4, A4, B4, plen, 0xb9);
	struct rte_ipv4_hdr *ip;
	uint8_t *b;

	CU_ASSERT_FATAL(rte_pktmbuf_prepend(m, opt_len) != NULL);
	b = rte_pktmbuf_mtod(m, uint8_t *);
	memmove(b, b + opt_len, 20);
	memcpy(b + 20, opt, opt_len);
	ip = (struct rte_ipv4_hdr *)b;
	ip->version_ihl = (uint8_t)(0x40 | (20 + opt_len) / 4);
	ip->total_length =
	    rte_cpu_to_be_16((uint16_t)(rte_be_to_cpu_16(ip->total_length) + opt_len));
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return m;
}

/* A router that records its address in the Record Route option at @p at (RFC 791). */
static void
record_route(uint8_t *b, uint32_t at)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)b;

	memcpy(b + at + b[at + 2] - 1, H4[1], 4);
	b[at + 2] = (uint8_t)(b[at + 2] + 4);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
}

/* RFC 6040 §4.2: the outer CE the router set reaches an ECN-capable inner packet. */
static void
inner_ce(uint8_t *b)
{
	if (b[0] >> 4 == 4) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)b;

		b[1] |= 3;
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	} else {
		b[1] |= 0x30;
	}
}

/*
 * Round trip a burst of packets of the given payload lengths through @p pr,
 * with @p route applying router() to the protected packets on the way.
 */
static void
round_trip(struct pair *pr, uint8_t ifam, const uint16_t *lens, uint16_t n, bool route)
{
	struct rte_mbuf *m[BURST_MAX];
	struct sa_rt_out *so[BURST_MAX];
	struct sa_rt_in *si[BURST_MAX];
	static uint8_t want[BURST_MAX][2048];
	uint32_t wlen[BURST_MAX];
	uint64_t seq0 = pr->out->seq;
	uint8_t nh;
	uint16_t i, got;

	for (i = 0; i < n; i++) {
		m[i] = inner_pkt(pr, ifam, lens[i]);
		so[i] = pr->out;
		wlen[i] = rte_pktmbuf_pkt_len(m[i]);
		memcpy(want[i], rte_pktmbuf_mtod(m[i], uint8_t *), wlen[i]);
	}
	got = ah_outbound_burst(w, m, so, n);
	CU_ASSERT_EQUAL_FATAL(got, n);
	if (pr->out->mode == SA_MODE_TUNNEL)
		nh = ifam == 4 ? 4 : 41;
	else
		nh = IPPROTO_UDP;
	for (i = 0; i < n; i++) {
		check_out(pr, m[i], 0xb9, nh, seq0 + i + 1);
		if (!route)
			continue;
		router(rte_pktmbuf_mtod(m[i], uint8_t *));
		if (pr->out->mode == SA_MODE_TUNNEL)
			inner_ce(want[i]);
		else
			router(want[i]);
	}
	got = ah_inbound_burst(w, m, si, n);
	CU_ASSERT_EQUAL(got, n);
	for (i = 0; i < got; i++) {
		CU_ASSERT(si[i] == pr->in);
		CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m[i]), wlen[i]);
		if (rte_pktmbuf_pkt_len(m[i]) == wlen[i] &&
		    memcmp(rte_pktmbuf_mtod(m[i], uint8_t *), want[i], wlen[i]) != 0) {
			fprintf(stderr, "\n%s: packet %u (len %u) differs\n", pr->prop.name, i,
			    wlen[i]);
			CU_FAIL("inner packet differs");
		}
	}
	rte_pktmbuf_free_bulk(m, got);
}

/* Protect one packet with @p pr (sequence number @p seq); the caller owns the result. */
static struct rte_mbuf *
seal(struct pair *pr, uint8_t ifam, uint32_t seq)
{
	struct rte_mbuf *m = inner_pkt(pr, ifam, 40);
	struct sa_rt_out *so = pr->out;

	pr->out->seq = seq - 1ull;
	CU_ASSERT_FATAL(ah_outbound_burst(w, &m, &so, 1) == 1);
	return m;
}

/* Feed one packet in; expect it dropped for @p why (or accepted when DROP_NONE). */
static void
expect_in(struct rte_mbuf *m, enum drop_reason why)
{
	uint64_t before = why != DROP_NONE ? drops(why) : 0;
	struct sa_rt_in *si;
	uint16_t got = ah_inbound_burst(w, &m, &si, 1);

	if (why == DROP_NONE) {
		CU_ASSERT_EQUAL(got, 1);
		if (got == 1)
			rte_pktmbuf_free(m);
		return;
	}
	CU_ASSERT_EQUAL(got, 0);
	if (drops(why) != before + 1)
		fprintf(stderr, "\nexpected drop %s\n", drop_reason_name(why));
	CU_ASSERT_EQUAL(drops(why), before + 1);
}

/* Feed one packet out; expect it dropped for @p why. */
static void
expect_out(struct pair *pr, struct rte_mbuf *m, enum drop_reason why)
{
	uint64_t before = drops(why);
	struct sa_rt_out *so = pr->out;

	CU_ASSERT_EQUAL(ah_outbound_burst(w, &m, &so, 1), 0);
	if (drops(why) != before + 1)
		fprintf(stderr, "\nexpected drop %s\n", drop_reason_name(why));
	CU_ASSERT_EQUAL(drops(why), before + 1);
}

/* ---- tests ---- */

/*
 * Packets scapy 2.5 verified (HMAC) or python3-cryptography verified
 * (AES-GMAC), from tests/integration/test_ah_scapy.sh: the first packet of
 * eight of ah_xcheck's cases (same keys, SPIs and inner packets; the last
 * two with IPv4 options, their Record Route filled in on the way), and the
 * packet scapy (or the script, for GMAC) made for the same inner packet,
 * after a router changed its TTL / hop limit, DSCP, DF and flow label.
 * With ESN both ends start at 2^32 (scapy's esn = 1).
 */
struct ah_vector {
	const char *kw;
	uint8_t outer, inner, mode;
	bool esn;
	uint32_t spi;
	const char *inner_pkt;    /* what ah_outbound_burst() protects */
	const char *ours;         /* what it must make, byte for byte */
	const char *theirs_inner; /* what ah_inbound_burst() must make of ... */
	const char *theirs;       /* ... scapy's packet */
};

static const struct ah_vector vectors[] = {
	{ "sha1", 4, 4, SA_MODE_TUNNEL, false, 0x00010000,
	    "4520001c123440003f11d512c6336401c633640204d2162e00089073",
	    "45200048000100004033f65ec0000201c0000202040400000001000000000001fdf4cbdfd7247920"
	    "ae3b89d24520001c123440003f11d512c6336401c633640204d2162e00089073",
	    "4520001c123440003f11d512c6336401c633640204d2162e00089073",
	    "45b80048000140003f33b6c6c0000201c0000202040400000001000000000001fdf4cbdfd7247920"
	    "ae3b89d24520001c123440003f11d512c6336401c633640204d2162e00089073" },
	{ "sha256", 6, 6, SA_MODE_TRANSPORT, false, 0x00010016,
	    "620abcde0008113f20010db800000000000000000000000120010db8000000000000000000000002"
	    "04d2162e00088969",
	    "620abcde0028333f20010db800000000000000000000000120010db8000000000000000000000002"
	    "110600000001001600000001adb810e7436341ebd3a521fae741ae0b0000000004d2162e00088969",
	    "6b8135790008113e20010db800000000000000000000000120010db8000000000000000000000002"
	    "04d2162e00088969",
	    "6b8135790028333e20010db800000000000000000000000120010db8000000000000000000000002"
	    "110600000001001600000001adb810e7436341ebd3a521fae741ae0b0000000004d2162e00088969" },
	{ "sha384", 4, 4, SA_MODE_TRANSPORT, true, 0x00010021,
	    "4520001c123440003f11a579c0000201c000020204d2162e000860da",
	    "45200040123440003f33a533c0000201c000020211070000000100210000000167a022f6c5279e5e"
	    "22c721bb36681170b932ffe1d355bc5604d2162e000860da",
	    "45b8001c123440003e11a5e1c0000201c000020204d2162e000860da",
	    "45b80040123440003e33a59bc0000201c000020211070000000100210000000167a022f6c5279e5e"
	    "22c721bb36681170b932ffe1d355bc5604d2162e000860da" },
	{ "sha512", 6, 4, SA_MODE_TUNNEL, true, 0x00010029,
	    "4520001c123440003f11d512c6336401c633640204d2162e00089073",
	    "62000000004c334020010db800000000000000000000000120010db8000000000000000000000002"
	    "040a00000001002900000001cf7115e15679ae47c96376674c4269ec2d9a09d15cc91ebcb9783ace"
	    "cf44b124000000004520001c123440003f11d512c6336401c633640204d2162e00089073",
	    "4520001c123440003f11d512c6336401c633640204d2162e00089073",
	    "6b813579004c333f20010db800000000000000000000000120010db8000000000000000000000002"
	    "040a00000001002900000001cf7115e15679ae47c96376674c4269ec2d9a09d15cc91ebcb9783ace"
	    "cf44b124000000004520001c123440003f11d512c6336401c633640204d2162e00089073" },
	{ "aes128gmac", 4, 6, SA_MODE_TUNNEL, true, 0x00010037,
	    "620abcde0008113f20010db800010000000000000000000120010db8000100000000000000000002"
	    "04d2162e00088967",
	    "45200068000100004033f63ec0000201c00002022907000000010037000000010000000000000001"
	    "a76d657b80cc0868821152ad74146ff9620abcde0008113f20010db8000100000000000000000001"
	    "20010db800010000000000000000000204d2162e00088967",
	    "620abcde0008113f20010db800010000000000000000000120010db8000100000000000000000002"
	    "04d2162e00088967",
	    "45b80068000140003f33b6a6c0000201c00002022907000000010037000000010000000000001001"
	    "c827c60cd5e09fdab0e0f92300045167620abcde0008113f20010db8000100000000000000000001"
	    "20010db800010000000000000000000204d2162e00088967" },
	{ "aes128gmac", 6, 6, SA_MODE_TRANSPORT, false, 0x0001003a,
	    "620abcde0008113f20010db800000000000000000000000120010db8000000000000000000000002"
	    "04d2162e00088969",
	    "620abcde0030333f20010db800000000000000000000000120010db8000000000000000000000002"
	    "110800000001003a0000000100000000000000014218ac6723d1947869c4ffac2d7376a200000000"
	    "04d2162e00088969",
	    "6b8135790008113e20010db800000000000000000000000120010db8000000000000000000000002"
	    "04d2162e00088969",
	    "6b8135790030333e20010db800000000000000000000000120010db8000000000000000000000002"
	    "110800000001003a000000010000000000001001edbb159fe0e0fcb5832cd4e599663bb100000000"
	    "04d2162e00088969" },
	{ "sha1", 4, 4, SA_MODE_TRANSPORT, false, 0x0001003c,
	    "4a200030123440003f110056c0000201c000020201070b0400000000000000009404000000000000"
	    "04d2162e000860da",
	    "4a200048123440003f33001cc0000201c000020201070b0400000000000000009404000000000000"
	    "110400000001003c00000001dbc4fa7df798ba534c8d78f604d2162e000860da",
	    "4ab80030123440003e11d587c0000201c000020201070b08c63364fe000000009404000000000000"
	    "04d2162e000860da",
	    "4ab80048123440003e33d54dc0000201c000020201070b08c63364fe000000009404000000000000"
	    "110400000001003c00000001dbc4fa7df798ba534c8d78f604d2162e000860da" },
	{ "aes128gmac", 4, 4, SA_MODE_TRANSPORT, true, 0x00010045,
	    "4a200030123440003f110056c0000201c000020201070b0400000000000000009404000000000000"
	    "04d2162e000860da",
	    "4a200054123440003f330010c0000201c000020201070b0400000000000000009404000000000000"
	    "11070000000100450000000100000000000000017fc16891684d601a4cdf2403002704ae04d2162e"
	    "000860da",
	    "4ab80030123440003e11d587c0000201c000020201070b08c63364fe000000009404000000000000"
	    "04d2162e000860da",
	    "4ab80054123440003e33d541c0000201c000020201070b08c63364fe000000009404000000000000"
	    "1107000000010045000000010000000000001001a04332a5dc739545d15e7d4cb98c64e304d2162e"
	    "000860da" },
};

static size_t
unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;
	int hi = -1, v;

	for (; *s != '\0'; s++) {
		v = *s >= '0' && *s <= '9' ? *s - '0' : *s - 'a' + 10;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n < max)
			out[n] = (uint8_t)(hi << 4 | v);
		n++;
		hi = -1;
	}
	return n;
}

static struct rte_mbuf *
hex_pkt(const char *h, uint8_t *copy, size_t *len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *b;

	CU_ASSERT_FATAL(m != NULL);
	*len = unhex(h, copy, 2048);
	b = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)*len);
	CU_ASSERT_FATAL(b != NULL);
	memcpy(b, copy, *len);
	return m;
}

static void
test_ah_scapy_vectors(void)
{
	static uint8_t in[2048], want[2048];
	const struct ah_vector *v;
	struct sa_rt_out *so;
	struct sa_rt_in *si;
	struct rte_mbuf *m;
	size_t i, ilen, wlen;
	struct pair pr;

	for (i = 0; i < NELEM(vectors); i++) {
		v = &vectors[i];
		pair_make(v->kw, v->outer, v->mode, v->esn, v->spi, &pr);
		if (v->esn) {
			pr.out->seq = UINT64_C(1) << 32;
			CU_ASSERT(antireplay_update(&pr.in->ar, UINT64_C(1) << 32) == 0);
		}
		m = hex_pkt(v->inner_pkt, in, &ilen);
		wlen = unhex(v->ours, want, sizeof(want));
		so = pr.out;
		CU_ASSERT_FATAL(ah_outbound_burst(w, &m, &so, 1) == 1);
		if (rte_pktmbuf_pkt_len(m) != wlen ||
		    memcmp(rte_pktmbuf_mtod(m, uint8_t *), want, wlen) != 0) {
			fprintf(stderr, "\nvector %zu (%s): outbound differs\n", i, v->kw);
			CU_FAIL("outbound differs from the verified packet");
		}
		rte_pktmbuf_free(m);
		m = hex_pkt(v->theirs, in, &ilen);
		wlen = unhex(v->theirs_inner, want, sizeof(want));
		if (ah_inbound_burst(w, &m, &si, 1) != 1) {
			fprintf(stderr, "\nvector %zu (%s): scapy's packet dropped\n", i, v->kw);
			CU_FAIL("scapy's packet dropped");
		} else {
			CU_ASSERT(rte_pktmbuf_pkt_len(m) == wlen &&
			    memcmp(rte_pktmbuf_mtod(m, uint8_t *), want, wlen) == 0);
			rte_pktmbuf_free(m);
		}
		pair_free(&pr);
	}
}

/* Every algorithm x tunnel 4in4, 6in6, 4in6, 6in4, transport v4, v6 x ESN off / on. */
static void
test_ah_round_trip_all(void)
{
	static const struct {
		uint8_t outer, inner, mode;
	} shapes[] = {
		{ 4, 4, SA_MODE_TUNNEL },
		{ 6, 6, SA_MODE_TUNNEL },
		{ 6, 4, SA_MODE_TUNNEL },
		{ 4, 6, SA_MODE_TUNNEL },
		{ 4, 4, SA_MODE_TRANSPORT },
		{ 6, 6, SA_MODE_TRANSPORT },
	};
	static const uint16_t lens[] = { 0, 1, 2, 3, 4, 5, 7, 8, 13, 16, 31, 64, 100, 1000, 1400 };
	uint32_t spi = 0x1000;
	size_t a, s, e;
	struct pair pr;

	for (a = 0; a < NELEM(algs); a++)
		for (s = 0; s < NELEM(shapes); s++)
			for (e = 0; e < 2; e++) {
				pair_make(algs[a].kw, shapes[s].outer, shapes[s].mode, e != 0,
				    spi++, &pr);
				round_trip(&pr, shapes[s].inner, lens, NELEM(lens), false);
				round_trip(&pr, shapes[s].inner, lens, NELEM(lens), true);
				CU_ASSERT_EQUAL(pr.out->seq, 2 * NELEM(lens));
				CU_ASSERT_EQUAL(pr.in->cnt.packets, 2 * NELEM(lens));
				CU_ASSERT_EQUAL(pr.out->cnt.packets, 2 * NELEM(lens));
				pair_free(&pr);
			}
}

/* RFC 4302 §2.6: the AH length is a multiple of 4 (IPv4) or 8 (IPv6) bytes. */
static void
test_ah_icv_padding(void)
{
	struct pair pr;
	size_t a;

	for (a = 0; a < NELEM(algs); a++) {
		pair_make(algs[a].kw, 4, SA_MODE_TRANSPORT, false, 0x2000, &pr);
		CU_ASSERT_EQUAL(pr.out->ah_len, algs[a].len4);
		CU_ASSERT_EQUAL(pr.in->ah_len, algs[a].len4);
		pair_free(&pr);
		pair_make(algs[a].kw, 6, SA_MODE_TUNNEL, false, 0x2001, &pr);
		CU_ASSERT_EQUAL(pr.out->ah_len, algs[a].len6);
		CU_ASSERT_EQUAL(pr.in->ah_len, algs[a].len6);
		pair_free(&pr);
	}
}

/* A changed immutable field fails the ICV, in every shape that has it. */
static void
test_ah_inbound_immutable_changed(void)
{
	struct rte_mbuf *m;
	struct pair pr;
	uint8_t *b;
	size_t a;

	for (a = 0; a < NELEM(algs); a++) {
		/* IPv4 tunnel: inner source address, payload byte, identification. */
		pair_make(algs[a].kw, 4, SA_MODE_TUNNEL, false, 0x3000, &pr);
		m = seal(&pr, 4, 1);
		b = rte_pktmbuf_mtod(m, uint8_t *);
		b[20 + pr.out->ah_len + 12] ^= 1;
		expect_in(m, DROP_ICV);
		m = seal(&pr, 4, 2);
		b = rte_pktmbuf_mtod(m, uint8_t *);
		b[rte_pktmbuf_pkt_len(m) - 1] ^= 0x80;
		expect_in(m, DROP_ICV);
		m = seal(&pr, 4, 3);
		b = rte_pktmbuf_mtod(m, uint8_t *);
		b[5] ^= 1;
		((struct rte_ipv4_hdr *)b)->hdr_checksum = 0;
		((struct rte_ipv4_hdr *)b)->hdr_checksum = rte_ipv4_cksum((struct rte_ipv4_hdr *)b);
		expect_in(m, DROP_ICV);
		/* The AH next header (the protocol the payload claims). */
		m = seal(&pr, 4, 4);
		ah_hdr(m)[0] = 41;
		expect_in(m, DROP_ICV);
		/* The ICV itself. */
		m = seal(&pr, 4, 5);
		ah_hdr(m)[12 + pr.out->iv_len] ^= 1;
		expect_in(m, DROP_ICV);
		/* A forged packet does not move the window: 1..5 are still good. */
		expect_in(seal(&pr, 4, 5), DROP_NONE);
		expect_in(seal(&pr, 4, 1), DROP_NONE);
		pair_free(&pr);

		/* IPv4 transport: the upper-layer protocol behind AH, a payload byte. */
		pair_make(algs[a].kw, 4, SA_MODE_TRANSPORT, false, 0x3001, &pr);
		m = seal(&pr, 4, 1);
		ah_hdr(m)[0] = IPPROTO_TCP;
		expect_in(m, DROP_ICV);
		m = seal(&pr, 4, 2);
		b = rte_pktmbuf_mtod(m, uint8_t *);
		b[20 + pr.out->ah_len + 9] ^= 4;
		expect_in(m, DROP_ICV);
		expect_in(seal(&pr, 4, 3), DROP_NONE);
		pair_free(&pr);

		/* IPv6: payload length (the packet shortened to match), a payload byte. */
		pair_make(algs[a].kw, 6, SA_MODE_TRANSPORT, true, 0x3002, &pr);
		m = seal(&pr, 6, 1);
		b = rte_pktmbuf_mtod(m, uint8_t *);
		((struct rte_ipv6_hdr *)b)->payload_len = rte_cpu_to_be_16(
		    (uint16_t)(rte_be_to_cpu_16(((struct rte_ipv6_hdr *)b)->payload_len) - 4));
		expect_in(m, DROP_ICV);
		m = seal(&pr, 6, 2);
		b = rte_pktmbuf_mtod(m, uint8_t *);
		b[40 + pr.out->ah_len + 20] ^= 0x10;
		expect_in(m, DROP_ICV);
		/* The ICV padding is covered as received. */
		if (pr.out->ah_len > 12 + pr.out->iv_len + pr.out->icv_len) {
			m = seal(&pr, 6, 3);
			ah_hdr(m)[pr.out->ah_len - 1] = 0xff;
			expect_in(m, DROP_ICV);
		}
		expect_in(seal(&pr, 6, 4), DROP_NONE);
		pair_free(&pr);

		/* IPv6 tunnel: inner source address. */
		pair_make(algs[a].kw, 6, SA_MODE_TUNNEL, false, 0x3003, &pr);
		m = seal(&pr, 6, 1);
		b = rte_pktmbuf_mtod(m, uint8_t *);
		b[40 + pr.out->ah_len + 8 + 15] ^= 1;
		expect_in(m, DROP_ICV);
		expect_in(seal(&pr, 6, 2), DROP_NONE);
		pair_free(&pr);
	}
}

static void
test_ah_inbound_bad_packets(void)
{
	unsigned int n_unknown;
	struct sa_rt_in *si;
	struct ev ev;
	struct rte_mbuf *m, *c;
	struct pair pr;
	uint8_t *b;

	pair_make("sha256", 4, SA_MODE_TUNNEL, false, 0x4000, &pr);
	expect_in(seal(&pr, 4, 1), DROP_NONE);
	/* Runt: shorter than the AH header the SA says. */
	m = seal(&pr, 4, 2);
	b = rte_pktmbuf_mtod(m, uint8_t *);
	pkt_trim(m, 20 + 20);
	((struct rte_ipv4_hdr *)b)->total_length = rte_cpu_to_be_16(20 + 20);
	expect_in(m, DROP_RUNT);
	/* Runt: shorter than the fixed AH header. */
	m = seal(&pr, 4, 2);
	b = rte_pktmbuf_mtod(m, uint8_t *);
	pkt_trim(m, 20 + 8);
	((struct rte_ipv4_hdr *)b)->total_length = rte_cpu_to_be_16(20 + 8);
	expect_in(m, DROP_RUNT);
	/* Runt: IP total length beyond the data. */
	m = seal(&pr, 4, 2);
	pkt_trim(m, rte_pktmbuf_pkt_len(m) - 1);
	expect_in(m, DROP_RUNT);
	/* AH payload length not the SA's. */
	m = seal(&pr, 4, 2);
	ah_hdr(m)[1]++;
	expect_in(m, DROP_AH_LEN);
	/* Unknown SPI: dropped and reported (RFC 4302 §3.4.3), with its SPI, addresses and number. */
	while (rte_ring_dequeue_elem(w->ev, &ev, sizeof(ev)) == 0)
		;
	w->no_sa_tsc = 0;
	w->no_sa_unreported = 0;
	m = seal(&pr, 4, 2);
	ah_hdr(m)[7] ^= 0x80;
	expect_in(m, DROP_NO_SA);
	for (n_unknown = 0; rte_ring_dequeue_elem(w->ev, &ev, sizeof(ev)) == 0;) {
		if (ev.type != EV_SA_UNKNOWN)
			continue;
		n_unknown++;
		CU_ASSERT_EQUAL(ev.spi, 0x4080);
		CU_ASSERT_EQUAL(ev.flags, EV_SA_F_AH);
		CU_ASSERT_EQUAL(ev.seq, 2);
		CU_ASSERT_EQUAL(ev.packets, 1);
		CU_ASSERT_EQUAL(memcmp(ev.addr, A4, 4), 0);
		CU_ASSERT_EQUAL(memcmp(ev.dst, B4, 4), 0);
	}
	CU_ASSERT_EQUAL(n_unknown, 1);
	/* Not AH. */
	m = seal(&pr, 4, 2);
	rte_pktmbuf_mtod(m, uint8_t *)[9] = IPPROTO_ESP;
	expect_in(m, DROP_LOCAL_PROTO);
	/* Replayed. */
	m = seal(&pr, 4, 100);
	c = rte_pktmbuf_copy(m, pool, 0, UINT32_MAX);
	CU_ASSERT_FATAL(c != NULL);
	expect_in(m, DROP_NONE);
	expect_in(c, DROP_REPLAY);
	/* Too old: left of the 64-packet window. */
	expect_in(seal(&pr, 4, 36), DROP_REPLAY_OLD);
	expect_in(seal(&pr, 4, 37), DROP_NONE);
	/* Sequence number 0. */
	m = seal(&pr, 4, 101);
	memset(ah_hdr(m) + 8, 0, 4);
	expect_in(m, DROP_SEQ_ZERO);
	/* From another address than the peer's. */
	m = seal(&pr, 4, 102);
	rte_pktmbuf_mtod(m, uint8_t *)[15] ^= 1;
	expect_in(m, DROP_PEER);
	/* A loose source route in the outer header; a malformed option. */
	m = seal(&pr, 4, 103);
	b = rte_pktmbuf_mtod(m, uint8_t *);
	b[0] = 0x46;
	memcpy(b + 20, "\x83\x04\x00\x00", 4);
	expect_in(m, DROP_IP_OPTIONS);
	m = seal(&pr, 4, 103);
	b = rte_pktmbuf_mtod(m, uint8_t *);
	b[0] = 0x46;
	memcpy(b + 20, "\x07\x05\x00\x00", 4);
	expect_in(m, DROP_BAD_IP);
	/* Owned by another worker: handed over untouched, through that worker's ring. */
	pr.in->owner = 1;
	m = seal(&pr, 4, 104);
	CU_ASSERT_EQUAL(ah_inbound_burst(w, &m, &si, 1), 0);
	CU_ASSERT_FATAL(rte_ring_dequeue(w1->handoff, (void **)&m) == 0);
	CU_ASSERT_EQUAL(m->hash.usr, HANDOFF_AH_IN);
	pr.in->owner = 0;
	expect_in(m, DROP_NONE);
	CU_ASSERT_EQUAL(pr.in->cnt.packets, 4);
	CU_ASSERT_EQUAL(pr.in->cnt.drops, 6);
	pair_free(&pr);
}

/* Sequence numbers start at 1; without ESN they stop at 2^32 - 1 (RFC 4302 §3.3.2). */
static void
test_ah_outbound_seq(void)
{
	struct rte_mbuf *m;
	struct sa_rt_out *so;
	struct pair pr;
	uint32_t be;

	pair_make("sha1", 4, SA_MODE_TUNNEL, false, 0x5000, &pr);
	m = inner_pkt(&pr, 4, 10);
	so = pr.out;
	CU_ASSERT_FATAL(ah_outbound_burst(w, &m, &so, 1) == 1);
	memcpy(&be, ah_hdr(m) + 8, 4);
	CU_ASSERT_EQUAL(rte_be_to_cpu_32(be), 1);
	rte_pktmbuf_free(m);
	pr.out->seq = UINT32_MAX - 1;
	m = inner_pkt(&pr, 4, 10);
	CU_ASSERT_FATAL(ah_outbound_burst(w, &m, &so, 1) == 1);
	memcpy(&be, ah_hdr(m) + 8, 4);
	CU_ASSERT_EQUAL(rte_be_to_cpu_32(be), UINT32_MAX);
	rte_pktmbuf_free(m);
	expect_out(&pr, inner_pkt(&pr, 4, 10), DROP_SEQ_EXHAUSTED);
	CU_ASSERT_EQUAL(pr.out->seq, UINT32_MAX);
	pair_free(&pr);
}

/* ESN: across 2^32 the high half (not on the wire) goes into the ICV on both sides. */
static void
test_ah_esn_crossing(void)
{
	static const uint16_t lens[] = { 10, 20, 30, 40 };
	struct rte_mbuf *m;
	struct pair pr;
	size_t a;

	for (a = 0; a < NELEM(algs); a++) {
		pair_make(algs[a].kw, 6, SA_MODE_TUNNEL, true, 0x6000, &pr);
		pr.out->seq = UINT32_MAX - 2;
		CU_ASSERT(antireplay_update(&pr.in->ar, UINT32_MAX - 2) == 0);
		round_trip(&pr, 4, lens, NELEM(lens), true);
		CU_ASSERT_EQUAL(pr.out->seq, (uint64_t)UINT32_MAX + 2);
		CU_ASSERT_EQUAL(pr.in->ar.top, (uint64_t)UINT32_MAX + 2);
		/* The receiver's window says seq_hi 1: a packet made with seq_hi 0 fails. */
		pr.out->seq = 9;
		m = inner_pkt(&pr, 4, 10);
		{
			struct sa_rt_out *so = pr.out;

			CU_ASSERT_FATAL(ah_outbound_burst(w, &m, &so, 1) == 1);
		}
		expect_in(m, DROP_ICV);
		pair_free(&pr);
	}
}

/*
 * IPv4 options (RFC 4302 Appendix A.1): Record Route is mutable, zeroed
 * for the ICV, so a router may fill it in; Router Alert is immutable.
 */
static void
test_ah_ipv4_options(void)
{
	/* NOP, Record Route (2 slots, pointer 4), Router Alert, EOL + padding. */
	static const char opts[] = "\x01\x07\x0b\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	                           "\x94\x04\x00\x00\x00\x00\x00";
	static uint8_t want[2048];
	struct sa_rt_out *so;
	struct sa_rt_in *si;
	struct rte_mbuf *m;
	struct pair pr;
	uint32_t len;
	size_t a;

	for (a = 0; a < NELEM(algs); a++) {
		pair_make(algs[a].kw, 4, SA_MODE_TRANSPORT, a % 2 == 0, 0xa000, &pr);
		m = opt_pkt(30, opts, 20);
		len = rte_pktmbuf_pkt_len(m);
		memcpy(want, rte_pktmbuf_mtod(m, uint8_t *), len);
		so = pr.out;
		CU_ASSERT_FATAL(ah_outbound_burst(w, &m, &so, 1) == 1);
		CU_ASSERT_EQUAL(rte_pktmbuf_mtod(m, uint8_t *)[0], 0x4a);
		CU_ASSERT(memcmp(rte_pktmbuf_mtod(m, uint8_t *) + 20, opts, 20) == 0);
		CU_ASSERT_EQUAL(ah_hdr(m)[0], IPPROTO_UDP);
		/* Two routers record their address; one also rewrites DSCP, ECN, TTL, DF. */
		record_route(rte_pktmbuf_mtod(m, uint8_t *), 21);
		record_route(rte_pktmbuf_mtod(m, uint8_t *), 21);
		router(rte_pktmbuf_mtod(m, uint8_t *));
		record_route(want, 21);
		record_route(want, 21);
		router(want);
		CU_ASSERT_FATAL(ah_inbound_burst(w, &m, &si, 1) == 1);
		CU_ASSERT(rte_pktmbuf_pkt_len(m) == len &&
		    memcmp(rte_pktmbuf_mtod(m, uint8_t *), want, len) == 0);
		rte_pktmbuf_free(m);
		/* The Router Alert value is covered. */
		m = opt_pkt(30, opts, 20);
		CU_ASSERT_FATAL(ah_outbound_burst(w, &m, &so, 1) == 1);
		rte_pktmbuf_mtod(m, uint8_t *)[20 + 15] ^= 1;
		expect_in(m, DROP_ICV);
		pair_free(&pr);
	}
}

static void
test_ah_outbound_drops(void)
{
	struct rte_mbuf *m;
	struct pair pr;
	uint8_t *b;

	/* IPv4 transport: source route, malformed options, fragments, wrong family. */
	pair_make("sha256", 4, SA_MODE_TRANSPORT, false, 0x7000, &pr);
	m = opt_pkt(20, "\x89\x07\x04\x00\x00\x00\x00\x01\x94\x04\x00\x00", 12);
	expect_out(&pr, m, DROP_IP_OPTIONS);
	m = opt_pkt(20, "\x94\x04\x00\x00\x07\x09\x04\x00", 8);
	expect_out(&pr, m, DROP_BAD_IP);
	m = opt_pkt(20, "\x01\x01\x01\x07", 4);
	expect_out(&pr, m, DROP_BAD_IP);
	m = inner_pkt(&pr, 4, 20);
	b = rte_pktmbuf_mtod(m, uint8_t *);
	((struct rte_ipv4_hdr *)b)->fragment_offset = RTE_BE16(RTE_IPV4_HDR_MF_FLAG);
	expect_out(&pr, m, DROP_FRAGMENT);
	expect_out(&pr, udp_pkt(6, A6, B6, 20, 0), DROP_BAD_IP);
	/* Not owned. */
	pr.out->owner = 1;
	expect_out(&pr, inner_pkt(&pr, 4, 20), DROP_NOT_OWNER);
	pr.out->owner = 0;
	/* Hard lifetime: one more packet, then the SA stops (test_ah_lifetime has more). */
	CU_ASSERT_FATAL(lifetime_init(&pr.out->lt, 0, pr.out->cnt.packets + 1, 0, 0) == 0);
	m = inner_pkt(&pr, 4, 20);
	{
		struct sa_rt_out *so = pr.out;

		CU_ASSERT_FATAL(ah_outbound_burst(w, &m, &so, 1) == 1);
		rte_pktmbuf_free(m);
	}
	expect_out(&pr, inner_pkt(&pr, 4, 20), DROP_SA_EXPIRED);
	CU_ASSERT_FATAL(lifetime_init(&pr.out->lt, 0, 0, 0, 0) == 0);
	/* No headroom for AH. */
	m = inner_pkt(&pr, 4, 20);
	memmove((uint8_t *)m->buf_addr + 4, rte_pktmbuf_mtod(m, uint8_t *),
	    rte_pktmbuf_data_len(m));
	m->data_off = 4;
	expect_out(&pr, m, DROP_NO_ROOM);
	pair_free(&pr);
}

/* ---- IPv6 extension headers (RFC 8200 §4) ---- */

/* Headers for ext_pkt(): next header, length, then options (RFC 8200 §4.2). */
#define HBH_MUT(nh) nh, 1, 5, 2, 0, 0, 0x3e, 6, 1, 2, 3, 4, 5, 6, 1, 0 /* RA; 0x3e: mutable */
#define HBH_RA(nh)  nh, 0, 5, 2, 0, 0, 1, 0                            /* Router Alert, PadN */
#define DST_MUT(nh) nh, 0, 0x3e, 4, 9, 8, 7, 6
#define RT(nh, l)   nh, 0, 0, l, 0, 0, 0, 0 /* type 0, no addresses, l segments left */
#define FRAG(nh)    nh, 0, 0, 0, 0, 0, 0, 1

/* A transport-mode UDP packet from A6 to B6 with @p clen bytes of @p chain (named by @p first). */
static struct rte_mbuf *
ext_pkt(uint8_t first, const uint8_t *chain, uint16_t clen, uint16_t plen)
{
	struct rte_mbuf *m = udp_pkt(6, A6, B6, plen, 0xb9);
	struct rte_ipv6_hdr *ip6;
	uint8_t *b;

	CU_ASSERT_FATAL(rte_pktmbuf_prepend(m, clen) != NULL);
	b = rte_pktmbuf_mtod(m, uint8_t *);
	memmove(b, b + clen, 40);
	memcpy(b + 40, chain, clen);
	ip6 = (struct rte_ipv6_hdr *)b;
	ip6->proto = first;
	ip6->payload_len = rte_cpu_to_be_16((uint16_t)(8 + plen + clen));
	return m;
}

/*
 * Transport mode with extension headers: AH after hop-by-hop, routing
 * and the destination options not behind a routing header; their
 * mutable option data may change on the way (RFC 4302 §3.3.3.1.2.1),
 * anything else in them may not; the packet comes back whole.
 */
static void
test_ah_ipv6_ext_headers(void)
{
	static const uint8_t c1[] = { HBH_MUT(17) };
	static const uint8_t c2[] = { HBH_MUT(60), DST_MUT(17) };
	static const uint8_t c3[] = { HBH_MUT(43), RT(60, 0), DST_MUT(17) };
	static const uint8_t c4[] = { DST_MUT(17) };
	static const struct {
		uint8_t first;
		const uint8_t *chain;
		uint16_t clen;
		uint16_t front;  /* where AH goes */
		uint16_t nh_off; /* the byte that names it */
		uint8_t nh;      /* AH's next header */
		uint16_t mut;    /* mutable option data a node on the way may change */
	} cs[] = {
		{ 0, c1, sizeof(c1), 56, 40, 17, 48 },
		{ 0, c2, sizeof(c2), 64, 56, 17, 60 },
		{ 0, c3, sizeof(c3), 64, 56, 60, 48 },
		{ 60, c4, sizeof(c4), 48, 40, 17, 44 },
	};
	static const char *const kws[] = { "sha256", "aes128gmac" };
	static uint8_t want[2048];
	struct rte_mbuf *m;
	struct sa_rt_out *so;
	struct sa_rt_in *si;
	struct pair pr;
	uint32_t wlen;
	unsigned int i, k;
	uint8_t *b;

	for (k = 0; k < NELEM(kws); k++) {
		pair_make(kws[k], 6, SA_MODE_TRANSPORT, k == 1, 0x7100 + k, &pr);
		for (i = 0; i < NELEM(cs); i++) {
			m = ext_pkt(cs[i].first, cs[i].chain, cs[i].clen, 33);
			wlen = rte_pktmbuf_pkt_len(m);
			memcpy(want, rte_pktmbuf_mtod(m, uint8_t *), wlen);
			so = pr.out;
			CU_ASSERT_FATAL(ah_outbound_burst(w, &m, &so, 1) == 1);
			b = rte_pktmbuf_mtod(m, uint8_t *);
			CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), wlen + pr.out->ah_len);
			CU_ASSERT_EQUAL(rte_be_to_cpu_16(((struct rte_ipv6_hdr *)b)->payload_len) +
			        40u,
			    rte_pktmbuf_pkt_len(m));
			/* In front of AH: the headers as they were, the last naming AH. */
			CU_ASSERT_EQUAL(b[cs[i].nh_off], IPPROTO_AH);
			b[cs[i].nh_off] = want[cs[i].nh_off];
			CU_ASSERT(memcmp(b, want, 4) == 0); /* payload_len differs */
			CU_ASSERT(memcmp(b + 6, want + 6, cs[i].front - 6u) == 0);
			b[cs[i].nh_off] = IPPROTO_AH;
			CU_ASSERT_EQUAL(b[cs[i].front], cs[i].nh);
			CU_ASSERT(memcmp(b + cs[i].front + 4, &pr.out->spi, 4) == 0);
			CU_ASSERT(memcmp(b + cs[i].front + pr.out->ah_len, want + cs[i].front,
			              wlen - cs[i].front) == 0);
			/* On the way: the mutable fields and option data change. */
			router(b);
			router(want);
			b[cs[i].mut] ^= 0xff;
			want[cs[i].mut] ^= 0xff;
			CU_ASSERT_EQUAL(ah_inbound_burst(w, &m, &si, 1), 1);
			CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), wlen);
			CU_ASSERT(memcmp(rte_pktmbuf_mtod(m, uint8_t *), want, wlen) == 0);
			rte_pktmbuf_free(m);

			/* The mutable option's type is covered, only its data is not. */
			m = ext_pkt(cs[i].first, cs[i].chain, cs[i].clen, 33);
			CU_ASSERT_FATAL(ah_outbound_burst(w, &m, &so, 1) == 1);
			rte_pktmbuf_mtod(m, uint8_t *)[cs[i].mut - 2] ^= 0x01;
			expect_in(m, DROP_ICV);
		}
		pair_free(&pr);
	}
}

/* What AH refuses in front of it, both ways. */
static void
test_ah_ipv6_ext_drops(void)
{
	static const uint8_t left[] = { RT(17, 1) };
	static const uint8_t frag[] = { HBH_RA(44), FRAG(17) };
	static const uint8_t discard[] = { 17, 0, 0x9e, 4, 0, 0, 0, 0 };
	/* 0x3e with 64 and with 65 bytes of data, PadN to the end of 72 / 80 bytes. */
	uint8_t mut64[72] = { 17, 8, 0x3e, 64, [68] = 1, 2 };
	uint8_t mut65[80] = { 17, 9, 0x3e, 65, [69] = 1, 9 };
	struct rte_mbuf *m;
	struct sa_rt_out *so;
	struct sa_rt_in *si;
	struct pair pr;
	uint8_t *b;

	pair_make("sha256", 6, SA_MODE_TRANSPORT, false, 0x7200, &pr);
	so = pr.out;
	/* The destination is "mutable but predictable" with segments left: not computed. */
	expect_out(&pr, ext_pkt(43, left, sizeof(left), 20), DROP_EXT_HDR);
	/* RFC 4302 §3.3: whole packets only. */
	expect_out(&pr, ext_pkt(0, frag, sizeof(frag), 20), DROP_FRAGMENT);
	/* A header running past payload_len. */
	m = ext_pkt(0, frag, sizeof(frag), 20);
	b = rte_pktmbuf_mtod(m, uint8_t *);
	b[41] = 9;
	expect_out(&pr, m, DROP_EXT_CHAIN);
	/* AH_MUTABLE_MAX bytes of mutable option data are saved, not more. */
	m = ext_pkt(0, mut64, sizeof(mut64), 20);
	CU_ASSERT_FATAL(ah_outbound_burst(w, &m, &so, 1) == 1);
	rte_pktmbuf_mtod(m, uint8_t *)[40 + 4 + 63] ^= 0x55;
	CU_ASSERT_EQUAL(ah_inbound_burst(w, &m, &si, 1), 1);
	rte_pktmbuf_free(m);
	expect_out(&pr, ext_pkt(0, mut65, sizeof(mut65), 20), DROP_EXT_HDR);

	/* Inbound we are the destination: an unknown option that says discard. */
	m = ext_pkt(0, discard, sizeof(discard), 20);
	CU_ASSERT_FATAL(ah_outbound_burst(w, &m, &so, 1) == 1);
	expect_in(m, DROP_EXT_HDR);
	/* Segments left, on a packet made without them. */
	m = ext_pkt(43, (const uint8_t[]){ RT(17, 0) }, 8, 20);
	CU_ASSERT_FATAL(ah_outbound_burst(w, &m, &so, 1) == 1);
	rte_pktmbuf_mtod(m, uint8_t *)[43] = 1;
	expect_in(m, DROP_EXT_HDR);
	pair_free(&pr);
}

/* Tunnel: outer CE reaches an ECN-capable inner packet and drops a Not-ECT one. */
static void
test_ah_inbound_ecn(void)
{
	struct rte_mbuf *m;
	struct pair pr;
	uint8_t *b;

	pair_make("sha512", 4, SA_MODE_TUNNEL, false, 0x8000, &pr);
	m = udp_pkt(4, H4[0], H4[1], 10, 0);
	{
		struct sa_rt_out *so = pr.out;

		CU_ASSERT_FATAL(ah_outbound_burst(w, &m, &so, 1) == 1);
	}
	b = rte_pktmbuf_mtod(m, uint8_t *);
	router(b);
	expect_in(m, DROP_ECN);
	pair_free(&pr);
}

/* Bursts longer than BURST_MAX go through in chunks, in order. */
static void
test_ah_burst_over_max(void)
{
	struct rte_mbuf *m[2 * BURST_MAX + 3];
	struct sa_rt_out *so[2 * BURST_MAX + 3];
	struct sa_rt_in *si[2 * BURST_MAX + 3];
	uint16_t n = 2 * BURST_MAX + 3, i, got;
	struct pair pr;
	uint32_t be;

	pair_make("aes128gmac", 4, SA_MODE_TRANSPORT, true, 0x9000, &pr);
	for (i = 0; i < n; i++) {
		m[i] = inner_pkt(&pr, 4, (uint16_t)(i % 50));
		so[i] = pr.out;
	}
	got = ah_outbound_burst(w, m, so, n);
	CU_ASSERT_EQUAL_FATAL(got, n);
	for (i = 0; i < n; i++) {
		memcpy(&be, ah_hdr(m[i]) + 8, 4);
		CU_ASSERT_EQUAL(rte_be_to_cpu_32(be), i + 1u);
	}
	got = ah_inbound_burst(w, m, si, n);
	CU_ASSERT_EQUAL(got, n);
	rte_pktmbuf_free_bulk(m, got);
	pair_free(&pr);
}

/* The head slots of w->cq whose ops have completed (at most @p max), taken off the queue. */
static uint16_t
cq_take(struct cq_slot **s, uint16_t max)
{
	struct crypto_q *q = &w->cq;
	uint16_t n = 0;

	while (n < max && cq_busy(q) && cq_at(q, q->head)->op.status != CRYPTO_MB_PENDING)
		s[n++] = cq_at(q, q->head++);
	return n;
}

/*
 * The worker's path with crypto left in flight (ah_*_submit() / _done()):
 * 300 packets (more than the manager's job queue holds: it wraps) of an
 * HMAC-SHA-256 tunnel SA, IPv4 and IPv6 inside, mixed lengths, in bursts
 * of odd sizes, never flushed until the end, give byte for byte what
 * ah_outbound_burst() gives for the same packets with a twin SA, in
 * order; verified the same way, every tenth packet damaged and one sent
 * twice in a row: the inner packets come back in order, DROP_ICV and
 * DROP_REPLAY counted.
 */
#define FLIGHT_N 300
static void
test_ah_in_flight(void)
{
	static const uint16_t sizes[] = { 7, 32, 1, 19, 32, 25, 13, 21 };
	static uint8_t want[FLIGHT_N][1600];
	struct rte_mbuf *a[FLIGHT_N], *b[FLIGHT_N + 1], *got[FLIGHT_N + 1], *t;
	struct sa_rt_out *so[BURST_MAX];
	struct sa_rt_in *si[BURST_MAX];
	struct cq_slot *sl[BURST_MAX];
	struct pair ref, twin;
	uint64_t icv0 = drops(DROP_ICV), replay0 = drops(DROP_REPLAY);
	uint32_t wlen[FLIGHT_N], i, j, k, n, ng = 0, pending = 0, sz = 0;

	w->cq.slot = rte_zmalloc("test_cq", CQ_SIZE * sizeof(struct cq_slot), RTE_CACHE_LINE_SIZE);
	CU_ASSERT_FATAL(w->cq.slot != NULL);
	w->cq.head = w->cq.tail = 0;
	pair_make("sha256", 4, SA_MODE_TUNNEL, false, 0x9100, &ref);
	pair_make("sha256", 4, SA_MODE_TUNNEL, false, 0x9100,
	    &twin); /* replaces ref's in the SAD */
	for (i = 0; i < FLIGHT_N; i++) {
		a[i] = inner_pkt(&ref, i % 3 == 0 ? 6 : 4, (uint16_t)((i * 211) % 1400));
		b[i] = inner_pkt(&twin, i % 3 == 0 ? 6 : 4, (uint16_t)((i * 211) % 1400));
		CU_ASSERT_FATAL(a[i] != NULL && b[i] != NULL);
		wlen[i] = rte_pktmbuf_pkt_len(a[i]);
		memcpy(want[i], rte_pktmbuf_mtod(a[i], uint8_t *), wlen[i]);
	}
	for (i = 0; i < FLIGHT_N; i += BURST_MAX) {
		n = RTE_MIN(FLIGHT_N - i, (uint32_t)BURST_MAX);
		for (j = 0; j < n; j++)
			so[j] = ref.out;
		CU_ASSERT_EQUAL_FATAL(ah_outbound_burst(w, a + i, so, (uint16_t)n), n);
	}
	/* Out: submit in odd bursts, take what has completed after each. */
	for (i = 0; i < FLIGHT_N; i += n) {
		n = RTE_MIN(FLIGHT_N - i, (uint32_t)sizes[sz++ % RTE_DIM(sizes)]);
		for (j = 0; j < n; j++)
			so[j] = twin.out;
		CU_ASSERT_EQUAL_FATAL(ah_outbound_submit(w, b + i, so, (uint16_t)n), n);
		for (j = 0; j < n; j++)
			pending +=
			    cq_at(&w->cq, w->cq.tail - n + j)->op.status == CRYPTO_MB_PENDING;
		while ((k = cq_take(sl, BURST_MAX)) != 0)
			ng += ah_outbound_done(w, sl, (uint16_t)k, got + ng);
	}
	crypto_mb_flush(w->mb);
	while ((k = cq_take(sl, BURST_MAX)) != 0)
		ng += ah_outbound_done(w, sl, (uint16_t)k, got + ng);
	CU_ASSERT_FALSE(cq_busy(&w->cq));
	CU_ASSERT_EQUAL_FATAL(ng, FLIGHT_N);
	for (i = 0; i < FLIGHT_N; i++) {
		CU_ASSERT(got[i] == b[i]); /* in order */
		if (rte_pktmbuf_pkt_len(a[i]) != rte_pktmbuf_pkt_len(b[i]) ||
		    memcmp(rte_pktmbuf_mtod(a[i], uint8_t *), rte_pktmbuf_mtod(b[i], uint8_t *),
		        rte_pktmbuf_pkt_len(a[i])) != 0) {
			fprintf(stderr, "\npacket %u differs from the synchronous path\n", i);
			CU_FAIL("in-flight AH differs");
		}
	}
	if (strcmp(crypto_mb_arch_name(), "avx512") == 0 ||
	    strcmp(crypto_mb_arch_name(), "avx2") == 0)
		CU_ASSERT(pending > 0);
	rte_pktmbuf_free_bulk(a, FLIGHT_N);

	/* In: every tenth packet damaged; packet 41 again right behind itself. */
	for (i = 0; i < FLIGHT_N; i += 10)
		rte_pktmbuf_mtod(b[i], uint8_t *)[rte_pktmbuf_pkt_len(b[i]) - 1] ^= 1;
	t = rte_pktmbuf_copy(b[41], pool, 0, UINT32_MAX);
	CU_ASSERT_FATAL(t != NULL);
	memmove(b + 43, b + 42, (FLIGHT_N - 42) * sizeof(b[0]));
	b[42] = t;
	ng = 0;
	for (i = 0; i < FLIGHT_N + 1; i += n) {
		n = RTE_MIN(FLIGHT_N + 1 - i, (uint32_t)sizes[sz++ % RTE_DIM(sizes)]);
		CU_ASSERT_EQUAL(ah_inbound_submit(w, b + i, (uint16_t)n), n);
		while ((k = cq_take(sl, BURST_MAX)) != 0) {
			k = ah_inbound_done(w, sl, (uint16_t)k, got + ng, si);
			for (j = 0; j < k; j++)
				CU_ASSERT(si[j] == twin.in);
			ng += k;
		}
	}
	crypto_mb_flush(w->mb);
	while ((k = cq_take(sl, BURST_MAX)) != 0)
		ng += ah_inbound_done(w, sl, (uint16_t)k, got + ng, si);
	CU_ASSERT_EQUAL(ng, FLIGHT_N - FLIGHT_N / 10);
	CU_ASSERT_EQUAL(drops(DROP_ICV) - icv0, FLIGHT_N / 10);
	CU_ASSERT_EQUAL(drops(DROP_REPLAY) - replay0, 1);
	for (i = 0, j = 0; i < ng && j < FLIGHT_N; i++, j++) {
		if (j % 10 == 0)
			j++;
		if (rte_pktmbuf_pkt_len(got[i]) != wlen[j] ||
		    memcmp(rte_pktmbuf_mtod(got[i], uint8_t *), want[j], wlen[j]) != 0) {
			fprintf(stderr, "\ninner packet %u (#%u) differs\n", i, j);
			CU_FAIL("in-flight AH verify differs");
		}
	}
	rte_pktmbuf_free_bulk(got, ng);
	printf("\n    %u packets each way, %u left in flight by their submit ", FLIGHT_N, pending);
	pair_free(&twin);
	pair_free(&ref); /* its SAD entry went with twin's */
	rte_free(w->cq.slot);
	w->cq.slot = NULL;
}

static void
test_ah_sa_init_rejects(void)
{
	struct alg_proposal p;
	struct esp_sa_prm prm;
	struct sa_rt_out *out = rte_zmalloc("o", sizeof(*out), RTE_CACHE_LINE_SIZE);
	struct sa_rt_in *in = rte_zmalloc("i", sizeof(*in), RTE_CACHE_LINE_SIZE);
	char err[128];

	CU_ASSERT_FATAL(out != NULL && in != NULL);
	CU_ASSERT_FATAL(alg_proposal_parse("sha256", ALG_PROTO_AH, &p, err, sizeof(err)) == 0);
	memset(&prm, 0, sizeof(prm));
	prm.prop = &p;
	prm.family = 4;
	prm.local = A4;
	prm.remote = B4;
	prm.encap = true; /* no NAT-T for AH */
	CU_ASSERT_EQUAL(ah_outbound_sa_init(out, &prm), -EINVAL);
	CU_ASSERT_EQUAL(ah_inbound_sa_init(in, &prm), -EINVAL);
	prm.encap = false;
	prm.family = 5;
	CU_ASSERT_EQUAL(ah_outbound_sa_init(out, &prm), -EINVAL);
	CU_ASSERT_EQUAL(ah_inbound_sa_init(in, &prm), -EINVAL);
	prm.family = 4;
	CU_ASSERT_EQUAL(ah_outbound_sa_init(out, &prm), 0);
	CU_ASSERT_EQUAL(ah_inbound_sa_init(in, &prm), 0);
	CU_ASSERT_EQUAL(in->key.proto, IPPROTO_AH);
	rte_free(out);
	rte_free(in);
}

static uint64_t
total_drops(void)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < DROP__MAX; i++)
		n += w->stats.drops[i];
	return n;
}

/*
 * Damaged packets, shapes and algorithms at random: whatever happens to
 * the bytes or the length, a packet is either verified or dropped with a
 * reason, never both, never lost (no_mbuf_leak), and the sanitizers stay
 * quiet in build-ah-asan.  Only an untouched packet may pass.
 */
static void
test_ah_inbound_random_damage(void)
{
	static const uint8_t fams[][3] = { { 4, 4, SA_MODE_TUNNEL }, { 6, 4, SA_MODE_TUNNEL },
		{ 4, 4, SA_MODE_TRANSPORT }, { 6, 6, SA_MODE_TRANSPORT } };
	uint32_t seed = 12345, r, len, i, k;
	struct sa_rt_in *si;
	struct rte_mbuf *m;
	struct pair pr;
	uint64_t good = 0, dropped = 0, before;
	bool touched;
	uint8_t *b;
	size_t a, f;

	for (a = 0; a < NELEM(algs); a++)
		for (f = 0; f < NELEM(fams); f++) {
			pair_make(algs[a].kw, fams[f][0], fams[f][2], a % 2 != 0, 0xc000, &pr);
			for (i = 1; i <= 200; i++) {
				m = seal(&pr, fams[f][1], i);
				b = rte_pktmbuf_mtod(m, uint8_t *);
				len = rte_pktmbuf_pkt_len(m);
				seed = seed * 1103515245u + 12345u;
				r = seed >> 8;
				touched = true;
				if (r % 4 == 0) {
					pkt_trim(m, r % len);
				} else if (r % 4 == 1) {
					for (k = 0; k < 1 + r % 3; k++) {
						seed = seed * 1103515245u + 12345u;
						b[(seed >> 8) % len] ^= (uint8_t)(1u << (seed % 8));
					}
				} else if (r % 4 == 2) {
					/* A mutable field only: must still verify. */
					router(b);
					touched = false;
				} else {
					touched = false;
				}
				before = total_drops();
				if (ah_inbound_burst(w, &m, &si, 1) == 1) {
					rte_pktmbuf_free(m);
					good++;
				} else {
					dropped++;
					CU_ASSERT_EQUAL(total_drops(), before + 1);
					CU_ASSERT(touched);
				}
			}
			pair_free(&pr);
		}
	CU_ASSERT(good > 0 && dropped > 0);
}

/* The first packet of each direction reports EV_SA_ACTIVITY, flagged AH. */
static void
test_ah_sa_activity_events(void)
{
	static const uint16_t lens[] = { 10, 20 };
	struct ev ev[8];
	struct pair pr;
	unsigned int n;

	while (rte_ring_dequeue_burst_elem(w->ev, ev, sizeof(ev[0]), NELEM(ev), NULL) != 0)
		;
	pair_make("sha256", 4, SA_MODE_TUNNEL, false, 0xb000, &pr);
	pr.out->id = 7;
	pr.in->id = 8;
	round_trip(&pr, 4, lens, NELEM(lens), false);
	n = rte_ring_dequeue_burst_elem(w->ev, ev, sizeof(ev[0]), NELEM(ev), NULL);
	CU_ASSERT_FATAL(n >= 2);
	CU_ASSERT_EQUAL(ev[0].type, EV_SA_ACTIVITY);
	CU_ASSERT_EQUAL(ev[0].flags, EV_SA_F_OUTBOUND | EV_SA_F_AH);
	CU_ASSERT_EQUAL(ev[0].sa_id, 7);
	CU_ASSERT_EQUAL(ev[0].spi, 0xb000);
	CU_ASSERT_EQUAL(ev[n - 1].type, EV_SA_ACTIVITY);
	CU_ASSERT_EQUAL(ev[n - 1].flags, EV_SA_F_AH);
	CU_ASSERT_EQUAL(ev[n - 1].sa_id, 8);
	CU_ASSERT_EQUAL(ev[n - 1].seq, 1);
	pair_free(&pr);
}

/*
 * Empty the event ring.  Returns how many EV_SA_LIFETIME events were in
 * it, and copies the first @p max of them to @p out.
 */
static unsigned int
lt_events(struct ev *out, unsigned int max)
{
	struct ev ev[16];
	unsigned int n, i, k = 0;

	while ((n = rte_ring_dequeue_burst_elem(w->ev, ev, sizeof(ev[0]), NELEM(ev), NULL)) != 0)
		for (i = 0; i < n; i++) {
			if (ev[i].type != EV_SA_LIFETIME)
				continue;
			if (k < max)
				out[k] = ev[i];
			k++;
		}
	return k;
}

/* @p e is the EV_SA_LIFETIME it should be. */
static void
check_lt_event(const struct ev *e, uint8_t limit, uint8_t flags, uint32_t sa_id, uint32_t spi,
    uint64_t packets, uint64_t bytes, uint64_t seq)
{
	CU_ASSERT_EQUAL(e->type, EV_SA_LIFETIME);
	CU_ASSERT_EQUAL(e->limit, limit);
	CU_ASSERT_EQUAL(e->flags, flags);
	CU_ASSERT_EQUAL(e->sa_id, sa_id);
	CU_ASSERT_EQUAL(e->spi, spi);
	CU_ASSERT_EQUAL(e->packets, packets);
	CU_ASSERT_EQUAL(e->bytes, bytes);
	CU_ASSERT_EQUAL(e->seq, seq);
}

/*
 * Lifetimes as for ESP (fastpath/lifetime.h; test_esp has the edge
 * table), here with AH's flags and both directions of one pair.  Packets
 * of 100 bytes; outbound soft 2 and hard 4 packets, inbound soft 250 and
 * hard 300 bytes:
 *
 *   packet   out                      in
 *     1      sent                     accepted
 *     2      sent, soft (2 packets)   accepted
 *     3      sent                     accepted, soft and hard (300 bytes)
 *     4      sent, hard (4 packets)   dropped: sa_expired
 *     5      dropped: sa_expired      -
 */
static void
test_ah_lifetime(void)
{
	static const unsigned int want_events[] = { 0, 0, 1, 2, 1, 0 };
	struct sa_rt_out *so;
	struct sa_rt_in *si;
	struct rte_mbuf *m;
	struct ev ev[4];
	struct pair pr;
	uint64_t ex;
	unsigned int i, n;
	uint16_t got;

	pair_make("sha256", 4, SA_MODE_TUNNEL, false, 0xd000, &pr);
	pr.out->id = 31;
	pr.in->id = 32;
	CU_ASSERT_FATAL(lifetime_init(&pr.out->lt, 2, 4, 0, 0) == 0);
	CU_ASSERT_FATAL(lifetime_init(&pr.in->lt, 0, 0, 250, 300) == 0);
	lt_events(ev, 0);
	for (i = 1; i <= 5; i++) {
		ex = drops(DROP_SA_EXPIRED);
		m = inner_pkt(&pr, 4, 72);
		so = pr.out;
		got = ah_outbound_burst(w, &m, &so, 1);
		CU_ASSERT_EQUAL(got, i <= 4);
		if (got == 1) {
			got = ah_inbound_burst(w, &m, &si, 1);
			CU_ASSERT_EQUAL(got, i <= 3);
			if (got == 1)
				rte_pktmbuf_free(m);
		}
		CU_ASSERT_EQUAL(drops(DROP_SA_EXPIRED), ex + (i >= 4));
		n = lt_events(ev, NELEM(ev));
		CU_ASSERT_EQUAL(n, want_events[i]);
		if (i == 2 && n == 1)
			check_lt_event(&ev[0], EV_SA_SOFT_PACKETS, EV_SA_F_OUTBOUND | EV_SA_F_AH,
			    31, 0xd000, 2, 200, 2);
		if (i == 3 && n == 2) {
			check_lt_event(&ev[0], EV_SA_SOFT_BYTES, EV_SA_F_AH, 32, 0xd000, 3, 300, 3);
			check_lt_event(&ev[1], EV_SA_HARD_BYTES, EV_SA_F_AH, 32, 0xd000, 3, 300, 3);
		}
		if (i == 4 && n == 1)
			check_lt_event(&ev[0], EV_SA_HARD_PACKETS, EV_SA_F_OUTBOUND | EV_SA_F_AH,
			    31, 0xd000, 4, 400, 4);
	}
	CU_ASSERT_EQUAL(pr.out->lt.state, SA_LT_SOFT | SA_LT_HARD);
	CU_ASSERT_EQUAL(pr.in->lt.state, SA_LT_SOFT | SA_LT_HARD);
	CU_ASSERT_EQUAL(pr.out->seq, 4);
	CU_ASSERT_EQUAL(pr.in->cnt.packets, 3);
	CU_ASSERT_EQUAL(pr.in->cnt.drops, 1);
	pair_free(&pr);
}

/* Without ESN the last number is 2^32 - 1 (RFC 4302 §3.3.2): sent, reported once, then drops. */
static void
test_ah_outbound_seq_exhausted(void)
{
	struct rte_mbuf *m[3];
	struct sa_rt_out *so[3];
	uint64_t before = drops(DROP_SEQ_EXHAUSTED);
	struct ev ev[4];
	struct pair pr;
	uint32_t be;
	uint16_t i;

	pair_make("sha1", 6, SA_MODE_TUNNEL, false, 0xd100, &pr);
	pr.out->id = 33;
	pr.out->seq = UINT32_MAX - 1; /* test hook: the owner's field, set before any traffic */
	lt_events(ev, 0);
	for (i = 0; i < 3; i++) {
		m[i] = inner_pkt(&pr, 4, 10);
		so[i] = pr.out;
	}
	/* The packet with 2^32 - 1 goes, and the SA knows at once that it is done. */
	CU_ASSERT_EQUAL_FATAL(ah_outbound_burst(w, m, so, 1), 1);
	memcpy(&be, ah_hdr(m[0]) + 8, 4);
	CU_ASSERT_EQUAL(rte_be_to_cpu_32(be), UINT32_MAX);
	CU_ASSERT_EQUAL(pr.out->lt.state, SA_LT_SEQ);
	CU_ASSERT_EQUAL(lt_events(ev, NELEM(ev)), 1);
	check_lt_event(&ev[0], EV_SA_SEQ_EXHAUSTED, EV_SA_F_OUTBOUND | EV_SA_F_AH, 33, 0xd100, 1,
	    38, UINT32_MAX);
	CU_ASSERT_EQUAL(ah_outbound_burst(w, m + 1, so + 1, 2), 0);
	CU_ASSERT_EQUAL(drops(DROP_SEQ_EXHAUSTED), before + 2);
	CU_ASSERT_EQUAL(pr.out->seq, UINT32_MAX);
	expect_in(m[0], DROP_NONE);
	expect_out(&pr, inner_pkt(&pr, 4, 10), DROP_SEQ_EXHAUSTED);
	CU_ASSERT_EQUAL(lt_events(ev, NELEM(ev)), 0);
	pair_free(&pr);
}

static void
test_ah_no_mbuf_leak(void)
{
	CU_ASSERT_EQUAL(rte_mempool_avail_count(pool), POOL_SIZE);
}

/* ---- suite ---- */

static int
suite_init(void)
{
	char prefix[64];
	char *argv[] = { "test_ah", "--no-huge", "-m", "64", "--no-pci", "-l", "0",
		"--log-level=error", "--no-shconf", "--no-telemetry", prefix, NULL };

	snprintf(prefix, sizeof(prefix), "--file-prefix=fipt-ah-%d", (int)getpid());
	if (rte_eal_init(11, argv) < 0)
		return -1;
	pool = rte_pktmbuf_pool_create("ah_pool", POOL_SIZE, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
	    SOCKET_ID_ANY);
	ctl_mgr = crypto_mb_create(SOCKET_ID_ANY);
	w = rte_zmalloc("worker", sizeof(*w), RTE_CACHE_LINE_SIZE);
	if (pool == NULL || ctl_mgr == NULL || w == NULL)
		return -1;
	w->index = 0;
	w->mb = crypto_mb_create(SOCKET_ID_ANY);
	w->sad = sad_create(0, SOCKET_ID_ANY);
	/* SA activity events (worker_sa_activity()); nobody reads them, a full ring drops them. */
	w->ev = rte_ring_create_elem("ah_ev", sizeof(struct ev), 64, SOCKET_ID_ANY,
	    RING_F_SP_ENQ | RING_F_SC_DEQ);
	/* A second worker, only for its handoff ring. */
	w1 = rte_zmalloc("worker1", sizeof(*w1), RTE_CACHE_LINE_SIZE);
	if (w1 == NULL)
		return -1;
	w1->index = 1;
	w1->handoff = rte_ring_create("ah_handoff", 64, SOCKET_ID_ANY, RING_F_SC_DEQ);
	worker_set.n = 2;
	worker_set.w[0] = w;
	worker_set.w[1] = w1;
	return w->mb == NULL || w->sad == NULL || w->ev == NULL || w1->handoff == NULL ? -1 : 0;
}

static int
suite_fini(void)
{
	char rundir[PATH_MAX];

	rte_ring_free(w1->handoff);
	rte_free(w1);
	worker_set.n = 0;
	sad_destroy(w->sad);
	rte_ring_free(w->ev);
	crypto_mb_destroy(w->mb);
	crypto_mb_destroy(ctl_mgr);
	rte_free(w);
	rte_mempool_free(pool);
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
		{ "test_ah_scapy_vectors", test_ah_scapy_vectors },
		{ "test_ah_round_trip_all", test_ah_round_trip_all },
		{ "test_ah_icv_padding", test_ah_icv_padding },
		{ "test_ah_inbound_immutable_changed", test_ah_inbound_immutable_changed },
		{ "test_ah_inbound_bad_packets", test_ah_inbound_bad_packets },
		{ "test_ah_outbound_seq", test_ah_outbound_seq },
		{ "test_ah_esn_crossing", test_ah_esn_crossing },
		{ "test_ah_ipv4_options", test_ah_ipv4_options },
		{ "test_ah_outbound_drops", test_ah_outbound_drops },
		{ "test_ah_ipv6_ext_headers", test_ah_ipv6_ext_headers },
		{ "test_ah_ipv6_ext_drops", test_ah_ipv6_ext_drops },
		{ "test_ah_inbound_ecn", test_ah_inbound_ecn },
		{ "test_ah_burst_over_max", test_ah_burst_over_max },
		{ "test_ah_in_flight", test_ah_in_flight },
		{ "test_ah_sa_init_rejects", test_ah_sa_init_rejects },
		{ "test_ah_inbound_random_damage", test_ah_inbound_random_damage },
		{ "test_ah_sa_activity_events", test_ah_sa_activity_events },
		{ "test_ah_lifetime", test_ah_lifetime },
		{ "test_ah_outbound_seq_exhausted", test_ah_outbound_seq_exhausted },
		{ "test_ah_no_mbuf_leak", test_ah_no_mbuf_leak },
	};
	CU_pSuite s;
	unsigned int fails;
	size_t i;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("ah", suite_init, suite_fini);
	for (i = 0; i < NELEM(tests); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return fails == 0 ? 0 : 1;
}
