/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/fastpath/test_forward.c: route, TTL, MTU, neighbour and L2 of forwarded packets. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "config/config.h"
#include "common/limits.h"
#include "common/sa_rt.h"
#include "fastpath/forward.h"
#include "fastpath/frag.h"
#include "fastpath/icmp.h"
#include "fastpath/neigh_table.h"
#include "fastpath/pkt.h"
#include "fastpath/port.h"
#include "fastpath/route.h"
#include "fastpath/spd.h"
#include "fastpath/worker.h"

#define IP4(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

static const char cfg_yaml[] = "instance: fwd\n"
                               "interfaces:\n"
                               "  - name: outside\n"
                               "    port: net_ring_fwd\n"
                               "    role: unprotected\n"
                               "    addresses: [192.0.2.2/24, 2001:db8:0:2::2/64]\n"
                               "routes:\n"
                               "  - {destination: 198.51.100.0/24, gateway: 192.0.2.1}\n";

static const uint8_t GW_MAC[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t NH_MAC[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t NH_V6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 2, [15] = 0x01 };
static const uint8_t GW_V6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 2, [15] = 0x02 };

static struct rte_ring *rx_ring, *tx_ring;
static struct config *cfg;
static struct worker *w;

static struct rte_mbuf *
ip4(uint32_t dst, uint8_t ttl, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(port_table.pool);
	struct rte_ipv4_hdr *ip;

	CU_ASSERT_FATAL(m != NULL);
	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_append(m, len);
	if (ip == NULL)
		abort(); /* the pool's buffers take it: CU_ASSERT_FATAL would leave gcc -O3 in doubt */
	memset(ip, 0, len);
	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16(len);
	ip->time_to_live = ttl;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(IP4(203, 0, 113, 2));
	ip->dst_addr = rte_cpu_to_be_32(dst);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return m;
}

static struct rte_mbuf *
ip6(const uint8_t *dst, uint8_t hops)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(port_table.pool);
	struct rte_ipv6_hdr *h;

	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT_FATAL(rte_pktmbuf_append(m, sizeof(*h) + 8) != NULL);
	h = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	memset(h, 0, sizeof(*h) + 8);
	h->vtc_flow = RTE_BE32(6u << 28);
	h->payload_len = RTE_BE16(8);
	h->proto = IPPROTO_UDP;
	h->hop_limits = hops;
	memcpy(h->dst_addr, dst, 16);
	return m;
}

/* Forward one packet; return what was queued for port 0, or NULL. */
static struct rte_mbuf *
fwd1(struct rte_mbuf *m)
{
	struct rte_mbuf *out = NULL;

	forward_burst(w, &m, 1, FORWARD_TRANSIT);
	if (w->n_tx[0] != 0) {
		CU_ASSERT_EQUAL(w->n_tx[0], 1);
		out = w->tx[0][0];
		w->n_tx[0] = 0;
	}
	return out;
}

static void
reset(void)
{
	struct ev ev;

	memset(&w->stats, 0, sizeof(w->stats));
	while (rte_ring_sc_dequeue_elem(w->ev, &ev, sizeof(ev)) == 0)
		;
}

/* Set DF on the IPv4 packet @p m. */
static struct rte_mbuf *
set_df(struct rte_mbuf *m)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);

	ip->fragment_offset |= RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return m;
}

/* An IPv4 packet from a routable host (198.51.100.9, back through 192.0.2.1). */
static struct rte_mbuf *
ip4_from(uint32_t dst, uint8_t ttl, uint16_t len, uint8_t proto)
{
	struct rte_mbuf *m = ip4(dst, ttl, len);
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint8_t *d = (uint8_t *)(ip + 1);
	uint16_t i;

	for (i = 0; i < len - sizeof(*ip); i++)
		d[i] = (uint8_t)(i * 7 + 3);
	ip->next_proto_id = proto;
	ip->packet_id = RTE_BE16(0x1234);
	ip->src_addr = rte_cpu_to_be_32(IP4(198, 51, 100, 9));
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return m;
}

/* An IPv6 packet from @p src to @p dst with @p plen bytes of UDP payload. */
static struct rte_mbuf *
ip6_full(const uint8_t *src, const uint8_t *dst, uint8_t hops, uint16_t plen)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(port_table.pool);
	struct rte_ipv6_hdr *h;
	uint16_t i;

	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT_FATAL(rte_pktmbuf_append(m, (uint16_t)(sizeof(*h) + plen)) != NULL);
	h = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	memset(h, 0, sizeof(*h));
	for (i = 0; i < plen; i++)
		((uint8_t *)(h + 1))[i] = (uint8_t)i;
	h->vtc_flow = RTE_BE32(6u << 28);
	h->payload_len = rte_cpu_to_be_16(plen);
	h->proto = IPPROTO_UDP;
	h->hop_limits = hops;
	memcpy(h->src_addr, src, 16);
	memcpy(h->dst_addr, dst, 16);
	return m;
}

/*
 * Forward @p m; collect every packet it produced on port 0 (the tx buffer,
 * and what a full buffer flushed to the ring port) into @p out.
 */
static unsigned int
fwdn(struct rte_mbuf *m, struct rte_mbuf **out, unsigned int max)
{
	unsigned int n = 0, i;
	void *p;

	forward_burst(w, &m, 1, FORWARD_TRANSIT);
	while (n < max && rte_ring_sc_dequeue(tx_ring, &p) == 0)
		out[n++] = p;
	for (i = 0; i < w->n_tx[0] && n < max; i++)
		out[n++] = w->tx[0][i];
	w->n_tx[0] = 0;
	return n;
}

static void
free_all(struct rte_mbuf **m, unsigned int n)
{
	while (n != 0)
		rte_pktmbuf_free(m[--n]);
}

static uint64_t
icmp_errors(void)
{
	struct forward_stats st;

	forward_stats_read(0, &st);
	return st.icmp_errors;
}

/* Check the IPv4 ICMP error @p r (from the tx buffer: Ethernet first); return its ICMP header. */
static struct rte_icmp_hdr *
check_icmp4(struct rte_mbuf *r, uint8_t type, uint8_t code)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(r, struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)(ip + 1);

	CU_ASSERT(memcmp(eth->dst_addr.addr_bytes, NH_MAC, 6) == 0);
	CU_ASSERT_EQUAL(eth->ether_type, RTE_BE16(RTE_ETHER_TYPE_IPV4));
	CU_ASSERT_EQUAL(rte_ipv4_cksum(ip), 0);
	CU_ASSERT_EQUAL(ip->next_proto_id, IPPROTO_ICMP);
	CU_ASSERT_EQUAL(ip->src_addr, rte_cpu_to_be_32(IP4(192, 0, 2, 2)));
	CU_ASSERT_EQUAL(ip->dst_addr, rte_cpu_to_be_32(IP4(198, 51, 100, 9)));
	CU_ASSERT_EQUAL(r->pkt_len, 14u + rte_be_to_cpu_16(ip->total_length));
	CU_ASSERT_EQUAL(icmp->icmp_type, type);
	CU_ASSERT_EQUAL(icmp->icmp_code, code);
	CU_ASSERT_EQUAL(rte_raw_cksum(icmp, rte_be_to_cpu_16(ip->total_length) - 20u), 0xffff);
	return icmp;
}

/* RFC 792: TTL 1 -> Time Exceeded from our address, quoting the IP header and 8 bytes. */
static void
test_forward_ttl_time_exceeded(void)
{
	struct rte_mbuf *m = ip4_from(IP4(198, 51, 100, 7), 1, 100, IPPROTO_UDP), *r[4];
	uint64_t before = icmp_errors();
	struct rte_icmp_hdr *icmp;
	uint8_t quote[28];

	reset();
	memcpy(quote, rte_pktmbuf_mtod(m, void *), sizeof(quote));
	CU_ASSERT_FATAL(fwdn(m, r, 4) == 1);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_TTL], 1);
	CU_ASSERT_EQUAL(icmp_errors(), before + 1);
	icmp = check_icmp4(r[0], ICMP4_TIMXCEED, 0);
	CU_ASSERT_EQUAL(r[0]->pkt_len, 14u + 20 + 8 + 28);
	CU_ASSERT(memcmp(icmp + 1, quote, sizeof(quote)) == 0);
	free_all(r, 1);
}

/* RFC 1191: DF and too big -> Fragmentation Needed with the next-hop MTU. */
static void
test_forward_df_frag_needed(void)
{
	struct rte_mbuf *m = set_df(ip4_from(IP4(198, 51, 100, 7), 64, 1501, IPPROTO_UDP)), *r[4];
	struct rte_icmp_hdr *icmp;
	uint8_t quote[28];

	reset();
	memcpy(quote, rte_pktmbuf_mtod(m, void *), sizeof(quote));
	CU_ASSERT_FATAL(fwdn(m, r, 4) == 1);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_MTU], 1);
	icmp = check_icmp4(r[0], ICMP4_UNREACH, ICMP4_UNREACH_NEEDFRAG);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(icmp->icmp_seq_nb), 1500);
	CU_ASSERT(memcmp(icmp + 1, quote, sizeof(quote)) == 0); /* TTL as it arrived */
	free_all(r, 1);
}

/* Check the ICMPv6 error @p r to NH_V6 from GW_V6; return its ICMPv6 header. */
static struct rte_icmp_hdr *
check_icmp6(struct rte_mbuf *r, uint8_t type)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(r, struct rte_ether_hdr *);
	struct rte_ipv6_hdr *h = (struct rte_ipv6_hdr *)(eth + 1);
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)(h + 1);

	CU_ASSERT_EQUAL(eth->ether_type, RTE_BE16(RTE_ETHER_TYPE_IPV6));
	CU_ASSERT_EQUAL(h->proto, IPPROTO_ICMPV6);
	CU_ASSERT(memcmp(h->src_addr, GW_V6, 16) == 0);
	CU_ASSERT(memcmp(h->dst_addr, NH_V6, 16) == 0);
	CU_ASSERT_EQUAL(r->pkt_len, 14u + 40 + rte_be_to_cpu_16(h->payload_len));
	CU_ASSERT(r->pkt_len - 14 <= ICMP6_ERR_MAXLEN);
	CU_ASSERT(pkt_ipv6_l4_cksum_ok(h, icmp));
	CU_ASSERT_EQUAL(icmp->icmp_type, type);
	CU_ASSERT_EQUAL(icmp->icmp_code, 0);
	return icmp;
}

/* RFC 4443 §3.3: hop limit 1 -> Time Exceeded quoting the whole (small) packet. */
static void
test_forward_ipv6_time_exceeded(void)
{
	static const uint8_t dst[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 2, [15] = 0x05 };
	struct rte_mbuf *m = ip6_full(NH_V6, dst, 1, 8), *r[4];
	struct rte_icmp_hdr *icmp;
	uint8_t quote[48];

	reset();
	memcpy(quote, rte_pktmbuf_mtod(m, void *), sizeof(quote));
	CU_ASSERT_FATAL(fwdn(m, r, 4) == 1);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_TTL], 1);
	icmp = check_icmp6(r[0], ICMP6_TIMXCEED);
	CU_ASSERT_EQUAL(r[0]->pkt_len, 14u + 40 + 8 + 48);
	CU_ASSERT(memcmp(icmp + 1, quote, sizeof(quote)) == 0);
	free_all(r, 1);
}

/* RFC 4443 §3.2: too big -> Packet Too Big with the MTU, the error within 1280 bytes. */
static void
test_forward_ipv6_packet_too_big(void)
{
	static const uint8_t dst[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 2, [15] = 0x05 };
	struct rte_mbuf *m = ip6_full(NH_V6, dst, 64, 1500), *r[4];
	struct rte_icmp_hdr *icmp;
	uint8_t quote[64];
	uint32_t mtu;

	reset();
	memcpy(quote, rte_pktmbuf_mtod(m, void *), sizeof(quote));
	CU_ASSERT_FATAL(fwdn(m, r, 4) == 1);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_MTU], 1);
	icmp = check_icmp6(r[0], ICMP6_TOO_BIG);
	memcpy(&mtu, &icmp->icmp_ident, 4);
	CU_ASSERT_EQUAL(rte_be_to_cpu_32(mtu), 1500);
	CU_ASSERT_EQUAL(r[0]->pkt_len, 14u + ICMP6_ERR_MAXLEN);
	CU_ASSERT(memcmp(icmp + 1, quote, sizeof(quote)) == 0);
	free_all(r, 1);
}

/*
 * RFC 791: no DF and too big -> fragments of at most the MTU, data in
 * multiples of 8 but the last, MF but on the last, valid checksums,
 * reassembling to the original (with @p opts options: later fragments keep
 * only the copied ones).
 */
static void
frag_case(uint16_t mtu, uint16_t len, const uint8_t *opts, uint8_t olen, uint8_t later_olen,
    unsigned int expect)
{
	struct rte_mbuf *m = ip4_from(IP4(198, 51, 100, 7), 64, len, IPPROTO_UDP), *r[FRAG_MAX];
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	static uint8_t orig[2048], re[2048];
	unsigned int n, i, covered = 0;
	struct forward_stats st0, st1;
	uint32_t ihl = 20u + olen, next = 0;

	reset();
	ip->version_ihl = (uint8_t)(0x40 | ihl / 4);
	if (olen != 0)
		memcpy(ip + 1, opts, olen);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	memcpy(orig, ip, len);
	memset(re, 0, sizeof(re));
	forward_stats_read(0, &st0);
	port_table.port[0].mtu = mtu;
	n = fwdn(m, r, FRAG_MAX);
	port_table.port[0].mtu = 1500;
	forward_stats_read(0, &st1);
	CU_ASSERT_EQUAL(n, expect);
	CU_ASSERT_EQUAL(st1.fragmented, st0.fragmented + 1);
	CU_ASSERT_EQUAL(st1.fragments, st0.fragments + n);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_MTU], 0);
	for (i = 0; i < n; i++) {
		struct rte_ipv4_hdr *f = rte_pktmbuf_mtod_offset(r[i], struct rte_ipv4_hdr *, 14);
		uint16_t fo = rte_be_to_cpu_16(f->fragment_offset);
		uint32_t fihl = rte_ipv4_hdr_len(f), tot = rte_be_to_cpu_16(f->total_length);
		uint32_t off = (uint32_t)(fo & RTE_IPV4_HDR_OFFSET_MASK) * 8, data = tot - fihl;

		CU_ASSERT(r[i]->pkt_len - 14 <= mtu);
		CU_ASSERT_EQUAL(r[i]->pkt_len - 14, tot);
		CU_ASSERT_EQUAL(rte_ipv4_cksum(f), 0);
		CU_ASSERT_EQUAL(f->packet_id, RTE_BE16(0x1234));
		CU_ASSERT_EQUAL(f->time_to_live, 63);
		CU_ASSERT_EQUAL(fihl, i == 0 ? ihl : 20u + later_olen);
		CU_ASSERT_EQUAL(off, next);
		CU_ASSERT_EQUAL((fo & RTE_IPV4_HDR_MF_FLAG) != 0, i + 1 < n);
		if (i + 1 < n)
			CU_ASSERT_EQUAL(data % 8, 0);
		if (off + data <= sizeof(re))
			memcpy(re + off, (uint8_t *)f + fihl, data);
		next = off + data;
		covered += data;
	}
	CU_ASSERT_EQUAL(covered, len - ihl);
	CU_ASSERT(memcmp(re, orig + ihl, len - ihl) == 0);
	free_all(r, n);
}

static void
test_forward_fragment(void)
{
	/* Router alert (copied) and record route (not copied), padded with EOL. */
	static const uint8_t opts[8] = { 0x94, 4, 0, 0, 0x07, 3, 4, 0 };

	frag_case(576, 1500, NULL, 0, 0, 3); /* 552 + 552 + 376 */
	frag_case(1400, 1500, NULL, 0, 0, 2);
	frag_case(576, 1500, opts, 8, 4, 3);
	frag_case(1000, 2000, NULL, 0, 0, 3); /* chunks of 976 */
}

/* A fragment (MF, offset 185 * 8) is fragmented again: offsets continue, MF stays on all. */
static void
test_forward_fragment_again(void)
{
	struct rte_mbuf *m = ip4_from(IP4(198, 51, 100, 7), 64, 1500, IPPROTO_UDP), *r[FRAG_MAX];
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	unsigned int n, i;

	reset();
	ip->fragment_offset = RTE_BE16(RTE_IPV4_HDR_MF_FLAG | 185);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	port_table.port[0].mtu = 1400;
	n = fwdn(m, r, FRAG_MAX);
	port_table.port[0].mtu = 1500;
	CU_ASSERT_EQUAL_FATAL(n, 2);
	for (i = 0; i < n; i++) {
		struct rte_ipv4_hdr *f = rte_pktmbuf_mtod_offset(r[i], struct rte_ipv4_hdr *, 14);

		CU_ASSERT_EQUAL(rte_be_to_cpu_16(f->fragment_offset),
		    RTE_IPV4_HDR_MF_FLAG | (185 + i * 1376 / 8));
		CU_ASSERT_EQUAL(rte_ipv4_cksum(f), 0);
	}
	free_all(r, n);
}

/*
 * The gateway's own packets (ESP: decrement=false, our source): too big
 * without DF, the outer packet is fragmented (RFC 4301 §8); with DF it is
 * dropped, and no ICMP error goes to ourselves.
 */
static void
test_forward_own_packet_too_big(void)
{
	struct rte_mbuf *m;
	struct rte_ipv4_hdr *ip;
	uint64_t before = icmp_errors();
	unsigned int n, i;

	reset();
	m = ip4_from(IP4(198, 51, 100, 7), 64, 1600, IPPROTO_ESP);
	ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	ip->src_addr = rte_cpu_to_be_32(IP4(192, 0, 2, 2));
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	forward_burst(w, &m, 1, FORWARD_OWN);
	n = w->n_tx[0];
	CU_ASSERT_EQUAL(n, 2);
	for (i = 0; i < n; i++) {
		ip = rte_pktmbuf_mtod_offset(w->tx[0][i], struct rte_ipv4_hdr *, 14);
		CU_ASSERT_EQUAL(ip->time_to_live, 64); /* not decremented */
		CU_ASSERT_EQUAL(ip->next_proto_id, IPPROTO_ESP);
		CU_ASSERT(w->tx[0][i]->pkt_len - 14 <= 1500);
	}
	free_all(w->tx[0], n);
	w->n_tx[0] = 0;

	m = set_df(ip4_from(IP4(198, 51, 100, 7), 64, 1600, IPPROTO_ESP));
	ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	ip->src_addr = rte_cpu_to_be_32(IP4(192, 0, 2, 2));
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	forward_burst(w, &m, 1, FORWARD_OWN);
	CU_ASSERT_EQUAL(w->n_tx[0], 0);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_MTU], 1);
	CU_ASSERT_EQUAL(icmp_errors(), before);
}

/* An IPv6 ESP packet of the gateway's own (GW_V6 to NH_V6, on link), @p len bytes in all. */
static struct rte_mbuf *
own6(uint16_t len)
{
	struct rte_mbuf *m = ip6_full(GW_V6, NH_V6, 64, (uint16_t)(len - 40));

	rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *)->proto = IPPROTO_ESP;
	return m;
}

/*
 * Take the @p n frames queued for port 0 as IPv6 fragments of one packet
 * of @p len bytes: each within @p mtu, hop limit as sent (ours: not
 * decremented), a Fragment header naming ESP, one identification
 * (returned), offsets adding up.
 */
static uint32_t
check_own_fragments(unsigned int n, uint32_t len, uint32_t mtu)
{
	uint32_t id = 0, next = 0, i;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *f = w->tx[0][i];
		struct rte_ether_hdr *eth = rte_pktmbuf_mtod(f, struct rte_ether_hdr *);
		struct rte_ipv6_hdr *h = (struct rte_ipv6_hdr *)(eth + 1);
		struct rte_ipv6_fragment_ext *fh = (struct rte_ipv6_fragment_ext *)(h + 1);
		uint16_t fd = rte_be_to_cpu_16(fh->frag_data);

		CU_ASSERT_EQUAL(eth->ether_type, RTE_BE16(RTE_ETHER_TYPE_IPV6));
		CU_ASSERT(memcmp(eth->dst_addr.addr_bytes, NH_MAC, 6) == 0);
		CU_ASSERT(f->pkt_len - 14 <= mtu);
		CU_ASSERT_EQUAL(f->pkt_len - 14, 40u + rte_be_to_cpu_16(h->payload_len));
		CU_ASSERT_EQUAL(h->hop_limits, 64);
		CU_ASSERT_EQUAL(h->proto, IPPROTO_FRAGMENT);
		CU_ASSERT_EQUAL(fh->next_header, IPPROTO_ESP);
		CU_ASSERT_EQUAL((uint32_t)(fd & RTE_IPV6_EHDR_FO_MASK), next);
		CU_ASSERT_EQUAL(RTE_IPV6_GET_MF(fd), i + 1 < n ? 1 : 0);
		if (i == 0)
			id = rte_be_to_cpu_32(fh->id);
		CU_ASSERT_EQUAL(rte_be_to_cpu_32(fh->id), id);
		next += f->pkt_len - 14 - 48;
	}
	CU_ASSERT_EQUAL(next, len - 40);
	free_all(w->tx[0], n);
	w->n_tx[0] = 0;
	return id;
}

/*
 * RFC 8200 §4.5, §5: the gateway's own IPv6 packet (its ESP) over the
 * egress MTU is fragmented by it, its source; consecutive packets get new
 * identifications, with the worker's index in the low bits.  Transit IPv6
 * still gets Packet Too Big (test_forward_ipv6_packet_too_big).
 */
static void
test_forward_own_ipv6_fragmented(void)
{
	struct forward_stats st0, st1;
	uint64_t before = icmp_errors();
	struct rte_mbuf *m;
	uint32_t id1, id2;

	reset();
	forward_stats_read(0, &st0);
	m = own6(1600);
	forward_burst(w, &m, 1, FORWARD_OWN);
	CU_ASSERT_EQUAL_FATAL(w->n_tx[0], 2);
	id1 = check_own_fragments(2, 1600, 1500);
	m = own6(2000);
	forward_burst(w, &m, 1, FORWARD_OWN);
	CU_ASSERT_EQUAL_FATAL(w->n_tx[0], 2);
	id2 = check_own_fragments(2, 2000, 1500);
	CU_ASSERT_NOT_EQUAL(id1, id2);
	CU_ASSERT_EQUAL(id1 & ((1u << FRAG_ID_SENDER_BITS) - 1), w->index);
	CU_ASSERT_EQUAL(id2, id1 + (1u << FRAG_ID_SENDER_BITS));
	forward_stats_read(0, &st1);
	CU_ASSERT_EQUAL(st1.fragmented, st0.fragmented + 2);
	CU_ASSERT_EQUAL(st1.fragments, st0.fragments + 4);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_MTU], 0);
	CU_ASSERT_EQUAL(icmp_errors(), before);

	/* An SA's smaller path MTU (forward_own_mtu()): fragments within it. */
	m = own6(1400);
	forward_own_mtu(w, m, 1280);
	CU_ASSERT_EQUAL_FATAL(w->n_tx[0], 2);
	check_own_fragments(2, 1400, 1280);
	m = own6(1280);
	forward_own_mtu(w, m, 1280);
	CU_ASSERT_EQUAL_FATAL(w->n_tx[0], 1);
	CU_ASSERT_EQUAL(rte_pktmbuf_mtod_offset(w->tx[0][0], struct rte_ipv6_hdr *, 14)->proto,
	    IPPROTO_ESP); /* fits: whole */
	free_all(w->tx[0], 1);
	w->n_tx[0] = 0;

	/* A fragment cannot be fragmented again: dropped as too big, no error to ourselves. */
	m = own6(1600);
	rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *)->proto = IPPROTO_FRAGMENT;
	forward_burst(w, &m, 1, FORWARD_OWN);
	CU_ASSERT_EQUAL(w->n_tx[0], 0);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_MTU], 1);
	CU_ASSERT_EQUAL(icmp_errors(), before);
}

/* RFC 1812 §4.3.2.7: no error about an ICMP error or a non-first fragment. */
static void
test_forward_no_error_about(void)
{
	struct rte_mbuf *m, *r[4];
	struct rte_ipv4_hdr *ip;
	uint64_t before = icmp_errors();

	reset();
	m = ip4_from(IP4(198, 51, 100, 7), 1, 60, IPPROTO_ICMP);
	ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	((uint8_t *)(ip + 1))[0] = ICMP4_TIMXCEED;
	CU_ASSERT_EQUAL(fwdn(m, r, 4), 0);
	m = ip4_from(IP4(198, 51, 100, 7), 1, 60, IPPROTO_ICMP);
	ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	((uint8_t *)(ip + 1))[0] = ICMP4_UNREACH;
	CU_ASSERT_EQUAL(fwdn(m, r, 4), 0);
	m = ip4_from(IP4(198, 51, 100, 7), 1, 60, IPPROTO_UDP);
	ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	ip->fragment_offset = RTE_BE16(RTE_IPV4_HDR_MF_FLAG | 100);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	CU_ASSERT_EQUAL(fwdn(m, r, 4), 0);
	/* DF and too big, about an ICMP error: no Fragmentation Needed either. */
	m = set_df(ip4_from(IP4(198, 51, 100, 7), 64, 1600, IPPROTO_ICMP));
	((uint8_t *)(rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *) + 1))[0] = ICMP4_UNREACH;
	CU_ASSERT_EQUAL(fwdn(m, r, 4), 0);
	/* Directed broadcast of the connected 192.0.2.0/24. */
	CU_ASSERT_EQUAL(fwdn(ip4_from(IP4(192, 0, 2, 255), 1, 60, IPPROTO_UDP), r, 4), 0);
	CU_ASSERT_EQUAL(icmp_errors(), before);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_TTL], 4);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_MTU], 1);
	/* An echo request is not an error: it does get one. */
	m = ip4_from(IP4(198, 51, 100, 7), 1, 60, IPPROTO_ICMP);
	((uint8_t *)(rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *) + 1))[0] = 8;
	CU_ASSERT_EQUAL(fwdn(m, r, 4), 1);
	free_all(r, 1);
	CU_ASSERT_EQUAL(icmp_errors(), before + 1);
}

/* RFC 1812 §4.3.2.8: 1,000 expired packets get at most the bucket's burst of errors. */
static void
test_forward_icmp_rate_limit(void)
{
	struct forward_stats st0, st1;
	struct rte_mbuf *m, *r[BURST_MAX * 2];
	uint64_t t0, elapsed_ms, sent, allowed;
	unsigned int i, n, got = 0;

	reset();
	forward_stats_read(0, &st0);
	t0 = rte_get_tsc_cycles();
	for (i = 0; i < 1000; i++) {
		m = ip4_from(IP4(198, 51, 100, 7), 1, 60, IPPROTO_UDP);
		n = fwdn(m, r, RTE_DIM(r));
		got += n;
		free_all(r, n);
	}
	elapsed_ms = (rte_get_tsc_cycles() - t0) * 1000 / rte_get_tsc_hz();
	forward_stats_read(0, &st1);
	sent = st1.icmp_errors - st0.icmp_errors;
	allowed = ICMP_ERR_BURST + elapsed_ms * ICMP_ERR_RATE / 1000 + 1;
	CU_ASSERT(sent >= 1);
	CU_ASSERT(sent <= allowed);
	CU_ASSERT_EQUAL(got, sent);
	CU_ASSERT_EQUAL(st1.icmp_ratelimited - st0.icmp_ratelimited, 1000 - sent);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_TTL], 1000);
}

static void
test_forward_via_gateway(void)
{
	struct rte_mbuf *r;
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *ip;

	reset();
	r = fwd1(ip4(IP4(198, 51, 100, 7), 64, 100));
	CU_ASSERT_FATAL(r != NULL);
	eth = rte_pktmbuf_mtod(r, struct rte_ether_hdr *);
	CU_ASSERT(memcmp(eth->dst_addr.addr_bytes, NH_MAC, 6) == 0);
	CU_ASSERT(memcmp(eth->src_addr.addr_bytes, GW_MAC, 6) == 0);
	CU_ASSERT_EQUAL(eth->ether_type, RTE_BE16(RTE_ETHER_TYPE_IPV4));
	ip = (struct rte_ipv4_hdr *)(eth + 1);
	CU_ASSERT_EQUAL(ip->time_to_live, 63);
	CU_ASSERT_EQUAL(rte_ipv4_cksum(ip), 0);
	CU_ASSERT_EQUAL(r->pkt_len, 114);
	rte_pktmbuf_free(r);
}

/* The incremental checksum (RFC 1624) stays right for every TTL and header. */
static void
test_forward_ttl_checksum_all_values(void)
{
	struct rte_mbuf *r;
	struct rte_ipv4_hdr *ip;
	unsigned int ttl, bad = 0;

	reset();
	srand(7);
	for (ttl = 2; ttl < 256; ttl++) {
		struct rte_mbuf *m = ip4(IP4(198, 51, 100, 7), (uint8_t)ttl, 60);

		ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
		ip->packet_id = (uint16_t)rand();
		ip->src_addr = (uint32_t)rand();
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		r = fwd1(m);
		CU_ASSERT_FATAL(r != NULL);
		ip = rte_pktmbuf_mtod_offset(r, struct rte_ipv4_hdr *, 14);
		bad += rte_ipv4_cksum(ip) != 0 || ip->time_to_live != ttl - 1;
		rte_pktmbuf_free(r);
	}
	CU_ASSERT_EQUAL(bad, 0);
}

static void
test_forward_drops(void)
{
	struct ev ev;

	reset();
	CU_ASSERT(fwd1(ip4(IP4(198, 51, 100, 7), 1, 60)) == NULL);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_TTL], 1);
	CU_ASSERT(fwd1(ip4(IP4(203, 0, 113, 9), 64, 60)) == NULL);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_NO_ROUTE], 1);
	/* With DF (without it is fragmented); the Fragmentation Needed has no route back. */
	CU_ASSERT(fwd1(set_df(ip4(IP4(198, 51, 100, 7), 64, 1501))) == NULL);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_MTU], 1);
	CU_ASSERT(fwd1(ip4(IP4(192, 0, 2, 2), 64, 60)) == NULL);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_LOCAL_PROTO], 1);
	/* 1500 bytes is exactly the MTU: sent. */
	rte_pktmbuf_free(fwd1(ip4(IP4(198, 51, 100, 7), 64, 1500)));
	CU_ASSERT_EQUAL(w->stats.drops[DROP_MTU], 1);

	/* Connected but unknown: handed to the control core, which resolves it and sends it. */
	CU_ASSERT(fwd1(ip4(IP4(192, 0, 2, 50), 64, 60)) == NULL);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_NO_NEIGH], 0);
	CU_ASSERT_EQUAL(rte_ring_sc_dequeue_elem(w->ev, &ev, sizeof(ev)), 0);
	CU_ASSERT_EQUAL(ev.type, EV_NEIGH_RESOLVE);
	CU_ASSERT_EQUAL(ev.family, 4);
	CU_ASSERT_EQUAL(*(uint32_t *)ev.addr, rte_cpu_to_be_32(IP4(192, 0, 2, 50)));
	CU_ASSERT_FATAL(ev.ptr != NULL);
	/* The packet as forwarded so far: at L3, TTL already decremented. */
	CU_ASSERT_EQUAL(
	    rte_pktmbuf_mtod((struct rte_mbuf *)ev.ptr, struct rte_ipv4_hdr *)->time_to_live, 63);
	rte_pktmbuf_free(ev.ptr);

	/* The event ring is full: then the packet is dropped, never waited on. */
	while (rte_ring_free_count(w->ev) != 0) {
		ev.ptr = NULL;
		rte_ring_sp_enqueue_elem(w->ev, &ev, sizeof(ev));
	}
	CU_ASSERT(fwd1(ip4(IP4(192, 0, 2, 50), 64, 60)) == NULL);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_NO_NEIGH], 1);
	reset();
}

static void
test_forward_ipv6(void)
{
	struct rte_mbuf *r;
	struct rte_ipv6_hdr *h;

	reset();
	r = fwd1(ip6(NH_V6, 64));
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT(memcmp(rte_pktmbuf_mtod(r, struct rte_ether_hdr *)->dst_addr.addr_bytes, NH_MAC,
	              6) == 0);
	CU_ASSERT_EQUAL(rte_pktmbuf_mtod(r, struct rte_ether_hdr *)->ether_type,
	    RTE_BE16(RTE_ETHER_TYPE_IPV6));
	h = rte_pktmbuf_mtod_offset(r, struct rte_ipv6_hdr *, 14);
	CU_ASSERT_EQUAL(h->hop_limits, 63);
	rte_pktmbuf_free(r);
	CU_ASSERT(fwd1(ip6(NH_V6, 1)) == NULL);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_TTL], 1);
	CU_ASSERT(fwd1(ip6(GW_V6, 64)) == NULL);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_LOCAL_PROTO], 1);
}

/*
 * One burst mixing packets the chunk's next-hop memo carries straight
 * through with packets that must leave that path (TTL, DF and MTU, no
 * route, ours, another family): each gets its own outcome, in order.
 */
static void
test_forward_burst_mixed(void)
{
	struct rte_mbuf *m[10], *out[10];
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *ip;
	/* What leaves, in order: index into m[] and the TTL / hop limit after. */
	static const unsigned int sent[] = { 0, 1, 6, 7, 8, 9 };
	static const uint8_t ttl_after[] = { 63, 9, 1, 63, 63, 63 };
	unsigned int i, n;
	void *p;

	reset();
	m[0] = ip4(IP4(198, 51, 100, 7), 64, 100);          /* via 192.0.2.1: the memo */
	m[1] = ip4(IP4(198, 51, 100, 8), 10, 1500);         /* same next hop, exactly the MTU */
	m[2] = ip4(IP4(198, 51, 100, 9), 1, 100);           /* TTL 1 */
	m[3] = set_df(ip4(IP4(198, 51, 100, 9), 64, 1501)); /* DF, over the MTU */
	m[4] = ip4(IP4(203, 0, 113, 9), 64, 60);            /* no route */
	m[5] = ip4(IP4(192, 0, 2, 2), 64, 60);              /* ours */
	m[6] = ip4(IP4(198, 51, 100, 10), 2, 60);           /* TTL 2: still goes */
	m[7] = ip6(NH_V6, 64);                              /* IPv6 to the same MAC */
	m[8] = ip4(IP4(192, 0, 2, 1), 64, 60); /* connected, the gateway's own address */
	m[9] = ip4(IP4(198, 51, 100, 11), 64, 80);
	forward_burst(w, m, 10, FORWARD_TRANSIT);
	n = 0;
	while (n < 10 && rte_ring_sc_dequeue(tx_ring, &p) == 0)
		out[n++] = p;
	for (i = 0; i < w->n_tx[0] && n < 10; i++)
		out[n++] = w->tx[0][i];
	w->n_tx[0] = 0;
	CU_ASSERT_EQUAL(w->stats.drops[DROP_TTL], 1);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_MTU], 1);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_NO_ROUTE], 1);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_LOCAL_PROTO], 1);
	/* No error of these reaches port 0: their source (203.0.113.2) has no route. */
	CU_ASSERT_FATAL(n == RTE_DIM(sent));
	for (i = 0; i < n; i++) {
		eth = rte_pktmbuf_mtod(out[i], struct rte_ether_hdr *);
		CU_ASSERT(out[i] == m[sent[i]]);
		CU_ASSERT(memcmp(eth->dst_addr.addr_bytes, NH_MAC, 6) == 0);
		CU_ASSERT(memcmp(eth->src_addr.addr_bytes, GW_MAC, 6) == 0);
		if (sent[i] == 7) {
			CU_ASSERT_EQUAL(eth->ether_type, RTE_BE16(RTE_ETHER_TYPE_IPV6));
			CU_ASSERT_EQUAL(((struct rte_ipv6_hdr *)(eth + 1))->hop_limits,
			    ttl_after[i]);
			continue;
		}
		ip = (struct rte_ipv4_hdr *)(eth + 1);
		CU_ASSERT_EQUAL(eth->ether_type, RTE_BE16(RTE_ETHER_TYPE_IPV4));
		CU_ASSERT_EQUAL(ip->time_to_live, ttl_after[i]);
		CU_ASSERT_EQUAL(rte_ipv4_cksum(ip), 0);
		CU_ASSERT_EQUAL(out[i]->pkt_len, 14u + rte_be_to_cpu_16(ip->total_length));
	}
	free_all(out, n);
	reset();
}

/* Send @p m (IPv4 to @p dst) as ESP of @p sa; how many left on port 0 (freed). */
static unsigned int
own_esp(struct sa_rt_out *sa, uint32_t dst)
{
	struct rte_mbuf *m = ip4(dst, 64, 80), *r[4];
	struct sa_rt_out *s[1] = { sa };
	unsigned int n = 0, i;
	void *p;

	forward_own_esp(w, &m, s, 1);
	while (n < 4 && rte_ring_sc_dequeue(tx_ring, &p) == 0)
		r[n++] = p;
	for (i = 0; i < w->n_tx[0] && n < 4; i++)
		r[n++] = w->tx[0][i];
	w->n_tx[0] = 0;
	for (i = 0; i < n; i++) {
		struct rte_ether_hdr *eth = rte_pktmbuf_mtod(r[i], struct rte_ether_hdr *);

		CU_ASSERT(memcmp(eth->dst_addr.addr_bytes, NH_MAC, 6) == 0);
		CU_ASSERT_EQUAL(((struct rte_ipv4_hdr *)(eth + 1))->time_to_live, 64);
	}
	free_all(r, n);
	return n;
}

/*
 * The gateway's own ESP: a tunnel SA keeps its outer destination's next
 * hop for the current route table and its packets use it without a
 * lookup; a transport SA (destinations vary) and a destination without
 * a route keep nothing.
 */
static void
test_forward_own_esp_route_memo(void)
{
	const struct route_table *rt = route_table_current();
	struct sa_rt_out tun, tra;
	uint32_t d[1];
	uint16_t gw_nh, conn_nh;
	struct ev ev;

	reset();
	d[0] = rte_cpu_to_be_32(IP4(198, 51, 100, 7));
	route_lookup_v4(rt, d, &gw_nh, 1);
	d[0] = rte_cpu_to_be_32(IP4(192, 0, 2, 1));
	route_lookup_v4(rt, d, &conn_nh, 1);
	CU_ASSERT_FATAL(gw_nh != conn_nh);

	memset(&tun, 0, sizeof(tun));
	tun.mode = SA_MODE_TUNNEL;
	CU_ASSERT_EQUAL(own_esp(&tun, IP4(198, 51, 100, 7)), 1);
	CU_ASSERT_EQUAL(tun.route_gen, rt->gen);
	CU_ASSERT_EQUAL(tun.route_nh, gw_nh);
	CU_ASSERT_EQUAL(own_esp(&tun, IP4(198, 51, 100, 7)), 1);
	/* The memo is what routes it: pointed at the connected route, the packet asks for 198.51.100.7's MAC. */
	tun.route_nh = conn_nh;
	CU_ASSERT_EQUAL(own_esp(&tun, IP4(198, 51, 100, 7)), 0);
	CU_ASSERT_EQUAL_FATAL(rte_ring_sc_dequeue_elem(w->ev, &ev, sizeof(ev)), 0);
	CU_ASSERT_EQUAL(ev.type, EV_NEIGH_RESOLVE);
	CU_ASSERT_EQUAL(*(uint32_t *)ev.addr, rte_cpu_to_be_32(IP4(198, 51, 100, 7)));
	rte_pktmbuf_free(ev.ptr);
	/* A memo of another table is not used: looked up again. */
	tun.route_gen = rt->gen + 1;
	CU_ASSERT_EQUAL(own_esp(&tun, IP4(198, 51, 100, 7)), 1);
	CU_ASSERT_EQUAL(tun.route_gen, rt->gen);
	CU_ASSERT_EQUAL(tun.route_nh, gw_nh);

	memset(&tra, 0, sizeof(tra));
	tra.mode = SA_MODE_TRANSPORT;
	CU_ASSERT_EQUAL(own_esp(&tra, IP4(198, 51, 100, 7)), 1);
	CU_ASSERT_EQUAL(own_esp(&tra, IP4(192, 0, 2, 1)), 1);
	CU_ASSERT_EQUAL(tra.route_gen, 0);

	memset(&tun, 0, sizeof(tun));
	tun.mode = SA_MODE_TUNNEL;
	CU_ASSERT_EQUAL(own_esp(&tun, IP4(203, 0, 113, 9)), 0);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_NO_ROUTE], 1);
	CU_ASSERT_EQUAL(tun.route_gen, 0);
	reset();
}

static uint64_t
icmp_policy_drops(void)
{
	struct forward_stats st;

	forward_stats_read(0, &st);
	return st.icmp_policy;
}

/* TTL 1 from @p src_last (198.51.100.x), forwarded as @p kind: how many errors went out? */
static unsigned int
ttl_error(uint8_t src_last, enum forward_kind kind)
{
	struct rte_mbuf *m = ip4_from(IP4(198, 51, 100, 7), 1, 100, IPPROTO_UDP), *r[4];
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	unsigned int n = 0, i;
	void *p;

	ip->src_addr = rte_cpu_to_be_32(IP4(198, 51, 100, src_last));
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	forward_burst(w, &m, 1, kind);
	while (n < 4 && rte_ring_sc_dequeue(tx_ring, &p) == 0)
		r[n++] = p;
	for (i = 0; i < w->n_tx[0] && n < 4; i++)
		r[n++] = w->tx[0][i];
	w->n_tx[0] = 0;
	free_all(r, n);
	return n;
}

/*
 * RFC 4301 §5.1, §6.2: an error towards the unprotected side is outbound
 * traffic of the gateway: the SPD decides, and without a policy an error
 * about a decrypted packet is not sent in the clear.
 */
static void
test_forward_error_policy(void)
{
	static const char yaml[] =
	    "instance: fwdspd\n"
	    "interfaces:\n"
	    "  - {name: outside, port: net_ring_fwd, role: unprotected, addresses: [192.0.2.2/24]}\n"
	    "policies:\n"
	    "  - {name: quiet, direction: outbound, source: 192.0.2.2/32,\n"
	    "     destination: 198.51.100.9/32, protocol: icmp, action: discard}\n"
	    "  - {name: errors, direction: outbound, source: 192.0.2.0/24,\n"
	    "     destination: 198.51.100.0/24, protocol: icmp, action: bypass}\n";
	struct config *c = config_load_buffer(yaml, sizeof(yaml) - 1, "test", stderr);
	enum config_role role = port_table.port[0].role;
	const struct spd *saved = worker_set.spd;
	uint64_t before;
	struct spd *spd;
	char err[256];

	CU_ASSERT_FATAL(c != NULL);
	spd = spd_create(c, SOCKET_ID_ANY, err, sizeof(err));
	CU_ASSERT_FATAL(spd != NULL);
	reset();
	port_table.port[0].role = CONFIG_ROLE_UNPROTECTED;

	/* No SPD: errors about cleartext go, errors about decrypted packets do not. */
	worker_set.spd = NULL;
	before = icmp_policy_drops();
	CU_ASSERT_EQUAL(ttl_error(9, FORWARD_TRANSIT), 1);
	CU_ASSERT_EQUAL(icmp_policy_drops(), before);
	CU_ASSERT_EQUAL(ttl_error(9, FORWARD_DECRYPTED), 0);
	CU_ASSERT_EQUAL(icmp_policy_drops(), before + 1);

	/* DISCARD covers 198.51.100.9, BYPASS the rest of 198.51.100.0/24. */
	worker_set.spd = spd;
	CU_ASSERT_EQUAL(ttl_error(9, FORWARD_TRANSIT), 0);
	CU_ASSERT_EQUAL(ttl_error(9, FORWARD_DECRYPTED), 0);
	CU_ASSERT_EQUAL(icmp_policy_drops(), before + 3);
	CU_ASSERT_EQUAL(ttl_error(10, FORWARD_DECRYPTED), 1);
	CU_ASSERT_EQUAL(ttl_error(10, FORWARD_TRANSIT), 1);
	CU_ASSERT_EQUAL(icmp_policy_drops(), before + 3);
	/* Every packet itself was dropped for its TTL. */
	CU_ASSERT_EQUAL(w->stats.drops[DROP_TTL], 6);

	/* On the protected side the SPD is not asked. */
	port_table.port[0].role = CONFIG_ROLE_PROTECTED;
	CU_ASSERT_EQUAL(ttl_error(9, FORWARD_DECRYPTED), 1);
	CU_ASSERT_EQUAL(icmp_policy_drops(), before + 3);

	port_table.port[0].role = role;
	worker_set.spd = saved;
	spd_destroy(spd);
	config_destroy(c);
}

static int
suite_init(void)
{
	char prefix[64], err[256];
	char *argv[] = { "test_forward", "--no-huge", "-m", "128", "--no-pci", "-l", "0",
		"--log-level=error", "--no-shconf", "--no-telemetry", prefix, NULL };
	struct rte_ether_addr mac;
	struct rte_eth_conf conf;
	struct neigh_entry *e;
	uint32_t gw = rte_cpu_to_be_32(IP4(192, 0, 2, 1));
	int id;

	snprintf(prefix, sizeof(prefix), "--file-prefix=fipt-unit-%d", (int)getpid());
	if (rte_eal_init(11, argv) < 0)
		return -1;
	cfg = config_load_buffer(cfg_yaml, sizeof(cfg_yaml) - 1, "test", stderr);
	port_table.pool = rte_pktmbuf_pool_create("test_pool", 1023, 0, 0,
	    RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	rx_ring = rte_ring_create("test_rx", 64, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	tx_ring = rte_ring_create("test_tx", 64, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (cfg == NULL || port_table.pool == NULL || rx_ring == NULL || tx_ring == NULL)
		return -1;
	id = rte_eth_from_rings("net_ring_fwd", &rx_ring, 1, &tx_ring, 1, SOCKET_ID_ANY);
	memset(&conf, 0, sizeof(conf));
	if (id < 0 || rte_eth_dev_configure((uint16_t)id, 1, 1, &conf) != 0 ||
	    rte_eth_tx_queue_setup((uint16_t)id, 0, 64, SOCKET_ID_ANY, NULL) != 0 ||
	    rte_eth_rx_queue_setup((uint16_t)id, 0, 64, SOCKET_ID_ANY, NULL, port_table.pool) !=
	        0 ||
	    rte_eth_dev_start((uint16_t)id) != 0)
		return -1;
	port_table.n = 1;
	port_table.port[0].port_id = (uint16_t)id;
	port_table.port[0].mtu = 1500;
	port_table.port[0].cfg = &cfg->interfaces[0];
	memcpy(port_table.port[0].mac.addr_bytes, GW_MAC, 6);
	/* The addresses ICMP errors leave from (port_src_for()). */
	port_table.port[0].n_v4 = 1;
	port_table.port[0].v4[0] = rte_cpu_to_be_32(IP4(192, 0, 2, 2));
	port_table.port[0].v4_len[0] = 24;
	port_table.port[0].n_v6 = 1;
	memcpy(port_table.port[0].v6[0], GW_V6, 16);
	port_table.port[0].v6_len[0] = 64;
	port_index_addresses();
	if (route_table_create(cfg, err, sizeof(err)) != 0 || neigh_table_create() != 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	memcpy(mac.addr_bytes, NH_MAC, 6);
	if ((e = neigh_table_add(0, 4, (const uint8_t *)&gw)) == NULL)
		return -1;
	neigh_table_set(e, &mac, true, 1);
	if ((e = neigh_table_add(0, 6, NH_V6)) == NULL)
		return -1;
	neigh_table_set(e, &mac, true, 1);
	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return -1;
	w->ev = rte_ring_create_elem("test_ev", sizeof(struct ev), 64, SOCKET_ID_ANY,
	    RING_F_SP_ENQ | RING_F_SC_DEQ);
	return w->ev == NULL ? -1 : 0;
}

static int
suite_fini(void)
{
	char rundir[PATH_MAX];

	rte_ring_free(w->ev);
	free(w);
	neigh_table_destroy();
	route_table_destroy();
	rte_eth_dev_stop(port_table.port[0].port_id);
	rte_eth_dev_close(port_table.port[0].port_id);
	rte_ring_free(rx_ring);
	rte_ring_free(tx_ring);
	rte_mempool_free(port_table.pool);
	config_destroy(cfg);
	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
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
	s = CU_add_suite("forward", suite_init, suite_fini);
	CU_add_test(s, "test_forward_via_gateway", test_forward_via_gateway);
	CU_add_test(s, "test_forward_ttl_checksum_all_values",
	    test_forward_ttl_checksum_all_values);
	CU_add_test(s, "test_forward_drops", test_forward_drops);
	CU_add_test(s, "test_forward_burst_mixed", test_forward_burst_mixed);
	CU_add_test(s, "test_forward_own_esp_route_memo", test_forward_own_esp_route_memo);
	CU_add_test(s, "test_forward_ipv6", test_forward_ipv6);
	CU_add_test(s, "test_forward_ttl_time_exceeded", test_forward_ttl_time_exceeded);
	CU_add_test(s, "test_forward_df_frag_needed", test_forward_df_frag_needed);
	CU_add_test(s, "test_forward_ipv6_time_exceeded", test_forward_ipv6_time_exceeded);
	CU_add_test(s, "test_forward_ipv6_packet_too_big", test_forward_ipv6_packet_too_big);
	CU_add_test(s, "test_forward_fragment", test_forward_fragment);
	CU_add_test(s, "test_forward_fragment_again", test_forward_fragment_again);
	CU_add_test(s, "test_forward_own_packet_too_big", test_forward_own_packet_too_big);
	CU_add_test(s, "test_forward_own_ipv6_fragmented", test_forward_own_ipv6_fragmented);
	CU_add_test(s, "test_forward_no_error_about", test_forward_no_error_about);
	CU_add_test(s, "test_forward_error_policy", test_forward_error_policy);
	/* Last: it empties the token bucket. */
	CU_add_test(s, "test_forward_icmp_rate_limit", test_forward_icmp_rate_limit);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return fails == 0 ? 0 : 1;
}
