/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/fastpath/test_input_ike.c: IKE punted to the control core, keepalives, child SA slots, decrypted bursts. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "common/alg.h"
#include "fastpath/antireplay.h"
#include "fastpath/crypto_mb.h"
#include "fastpath/esp_inbound.h"
#include "fastpath/esp_outbound.h"
#include "fastpath/input.h"
#include "fastpath/neigh_table.h"
#include "fastpath/pkt.h"
#include "fastpath/port.h"
#include "fastpath/reasm.h"
#include "fastpath/sad.h"
#include "fastpath/spd.h"
#include "fastpath/worker.h"

/*
 * One port made from two rte_rings (net_ring), a worker that is never
 * launched (the test calls input_burst() itself) and a second worker that
 * only has a handoff ring, as the owner of SAs the first does not own.
 */
static struct rte_ring *rx_ring, *tx_ring;
static struct worker *w, *w1;

static const uint8_t GW_MAC[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t HOST_MAC[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t GW_V6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x02 };
static const uint8_t HOST_V6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };

#define IP4(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
#define GW_V4   IP4(192, 0, 2, 2)
#define HOST_V4 IP4(192, 0, 2, 1)

/* How udp4() / udp6() fill the checksum. */
enum csum {
	CSUM_GOOD,
	CSUM_ZERO,
	CSUM_BAD
};

static struct rte_mbuf *
frame(uint16_t ethertype, size_t l3len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(port_table.pool);
	struct rte_ether_hdr *eth;

	CU_ASSERT_FATAL(m != NULL);
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, sizeof(*eth) + l3len);
	CU_ASSERT_FATAL(eth != NULL);
	memset(eth, 0, sizeof(*eth) + l3len);
	memcpy(eth->dst_addr.addr_bytes, GW_MAC, 6);
	memcpy(eth->src_addr.addr_bytes, HOST_MAC, 6);
	eth->ether_type = rte_cpu_to_be_16(ethertype);
	return m;
}

/* An ISAKMP-looking payload of @p len bytes (IKEv1 header), after @p marker zero bytes. */
static void
fill_payload(uint8_t *p, size_t len, size_t marker)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i + 1);
	memset(p, 0, marker);
	if (len >= marker + 28)
		p[marker + 17] = 0x10;
}

static struct rte_mbuf *
udp4(uint32_t src, uint32_t dst, uint16_t dport, size_t plen, size_t marker, enum csum cs)
{
	struct rte_mbuf *m = frame(RTE_ETHER_TYPE_IPV4, 20 + 8 + plen);
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);

	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(20 + 8 + plen));
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(src);
	ip->dst_addr = rte_cpu_to_be_32(dst);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp->src_port = rte_cpu_to_be_16(dport == 500 ? 500 : 4500);
	udp->dst_port = rte_cpu_to_be_16(dport);
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(8 + plen));
	fill_payload((uint8_t *)(udp + 1), plen, marker);
	if (cs != CSUM_ZERO)
		udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
	if (cs == CSUM_BAD)
		udp->dgram_cksum ^= 0x0101;
	return m;
}

static struct rte_mbuf *
udp6(const uint8_t *dst, uint16_t dport, size_t plen, size_t marker, enum csum cs)
{
	struct rte_mbuf *m = frame(RTE_ETHER_TYPE_IPV6, 40 + 8 + plen);
	struct rte_ipv6_hdr *ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, 14);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip6 + 1);

	ip6->vtc_flow = RTE_BE32(6u << 28);
	ip6->payload_len = rte_cpu_to_be_16((uint16_t)(8 + plen));
	ip6->proto = IPPROTO_UDP;
	ip6->hop_limits = 64;
	memcpy(ip6->src_addr, HOST_V6, 16);
	memcpy(ip6->dst_addr, dst, 16);
	udp->src_port = rte_cpu_to_be_16(dport);
	udp->dst_port = rte_cpu_to_be_16(dport);
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(8 + plen));
	fill_payload((uint8_t *)(udp + 1), plen, marker);
	if (cs != CSUM_ZERO)
		udp->dgram_cksum = rte_ipv6_udptcp_cksum(ip6, udp);
	if (cs == CSUM_BAD)
		udp->dgram_cksum ^= 0x0101;
	return m;
}

/* Run one packet through the worker; nothing may be sent back. */
static void
run1(struct rte_mbuf *m)
{
	input_burst(w, 0, &m, 1);
	CU_ASSERT_EQUAL(w->n_tx[0], 0);
}

static void
reset(void)
{
	struct ev ev;

	memset(&w->stats, 0, sizeof(w->stats));
	while (rte_ring_sc_dequeue_elem(w->ev, &ev, sizeof(ev)) == 0)
		rte_pktmbuf_free(ev.ptr);
}

static struct ev
next_event(void)
{
	struct ev ev;

	memset(&ev, 0, sizeof(ev));
	if (rte_ring_sc_dequeue_elem(w->ev, &ev, sizeof(ev)) != 0)
		ev.type = 0;
	return ev;
}

/* Expect exactly one EV_IKE: mbuf @p m (any when NULL), a frame of @p len bytes (frees it). */
static void
expect_punted(const struct rte_mbuf *m, uint32_t len)
{
	struct ev ev = next_event();
	const uint8_t *f;

	CU_ASSERT_EQUAL(ev.type, EV_IKE);
	CU_ASSERT_EQUAL(ev.port, 0);
	if (m != NULL)
		CU_ASSERT_PTR_EQUAL(ev.ptr, m);
	CU_ASSERT_FATAL(ev.ptr != NULL);
	CU_ASSERT_EQUAL(((struct rte_mbuf *)ev.ptr)->pkt_len, len);
	CU_ASSERT_EQUAL(((struct rte_mbuf *)ev.ptr)->data_len, len);
	/* Data at the Ethernet header: the control core parses the whole frame. */
	f = rte_pktmbuf_mtod((struct rte_mbuf *)ev.ptr, const uint8_t *);
	CU_ASSERT(memcmp(f, GW_MAC, 6) == 0);
	CU_ASSERT((f[14] >> 4) == 4 || (f[14] >> 4) == 6);
	rte_pktmbuf_free(ev.ptr);
	CU_ASSERT_EQUAL(next_event().type, 0);
}

static void
test_input_ike_500_punted(void)
{
	struct rte_mbuf *m;

	reset();
	m = udp4(HOST_V4, GW_V4, 500, 100, 0, CSUM_GOOD);
	run1(m);
	expect_punted(m, 14 + 20 + 8 + 100);
	CU_ASSERT_EQUAL(w->stats.ike_punted, 1);
	CU_ASSERT_EQUAL(w->stats.events, 1);

	/* Ethernet padding is cut off before the control core sees the frame. */
	m = udp4(HOST_V4, GW_V4, 500, 40, 0, CSUM_GOOD);
	CU_ASSERT_FATAL(rte_pktmbuf_append(m, 6) != NULL);
	run1(m);
	expect_punted(m, 14 + 20 + 8 + 40);

	/* IPv4 may leave the checksum out (RFC 768). */
	m = udp4(HOST_V4, GW_V4, 500, 60, 0, CSUM_ZERO);
	run1(m);
	expect_punted(m, 14 + 20 + 8 + 60);
	CU_ASSERT_EQUAL(w->stats.ike_punted, 3);
}

static void
test_input_ike_4500_marker_punted(void)
{
	struct rte_mbuf *m;

	reset();
	m = udp4(HOST_V4, GW_V4, 4500, 4 + 80, 4, CSUM_GOOD);
	run1(m);
	expect_punted(m, 14 + 20 + 8 + 84);
	CU_ASSERT_EQUAL(w->stats.ike_punted, 1);
}

static void
test_input_ike_4500_esp_not_punted(void)
{
	reset();
	/* A non-zero SPI where the marker would be: ESP-in-UDP, on its usual way (no SPD here). */
	run1(udp4(HOST_V4, GW_V4, 4500, 60, 0, CSUM_ZERO));
	CU_ASSERT_EQUAL(next_event().type, 0);
	CU_ASSERT_EQUAL(w->stats.ike_punted, 0);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_POLICY], 1);
	/* ESP-in-UDP checksums are not IKE's business: a wrong one changes nothing here. */
	run1(udp4(HOST_V4, GW_V4, 4500, 60, 0, CSUM_BAD));
	CU_ASSERT_EQUAL(w->stats.drops[DROP_POLICY], 2);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_UDP_CSUM], 0);
}

static void
test_input_ike_keepalive_consumed(void)
{
	struct rte_mbuf *m;

	reset();
	m = udp4(HOST_V4, GW_V4, 4500, 1, 0, CSUM_GOOD);
	rte_pktmbuf_mtod_offset(m, uint8_t *, 14 + 28)[0] = 0xff;
	{
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
		struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);

		udp->dgram_cksum = 0;
		udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
	}
	run1(m);
	CU_ASSERT_EQUAL(w->stats.natt_keepalives, 1);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_CONSUMED], 1);
	CU_ASSERT_EQUAL(next_event().type, 0);

	/* Neither keepalive nor marker: nobody listens. */
	run1(udp4(HOST_V4, GW_V4, 4500, 2, 0, CSUM_GOOD));
	CU_ASSERT_EQUAL(w->stats.drops[DROP_LOCAL_PROTO], 1);
	CU_ASSERT_EQUAL(w->stats.natt_keepalives, 1);
	CU_ASSERT_EQUAL(w->stats.ike_punted, 0);
}

static void
test_input_ike_bad_udp_dropped(void)
{
	struct rte_mbuf *m;
	struct rte_udp_hdr *udp;

	reset();
	run1(udp4(HOST_V4, GW_V4, 500, 100, 0, CSUM_BAD));
	CU_ASSERT_EQUAL(w->stats.drops[DROP_UDP_CSUM], 1);
	run1(udp4(HOST_V4, GW_V4, 4500, 40, 4, CSUM_BAD));
	CU_ASSERT_EQUAL(w->stats.drops[DROP_UDP_CSUM], 2);

	/* UDP length shorter or longer than the IP payload. */
	m = udp4(HOST_V4, GW_V4, 500, 100, 0, CSUM_ZERO);
	udp = rte_pktmbuf_mtod_offset(m, struct rte_udp_hdr *, 34);
	udp->dgram_len = RTE_BE16(8 + 99);
	run1(m);
	m = udp4(HOST_V4, GW_V4, 500, 100, 0, CSUM_ZERO);
	udp = rte_pktmbuf_mtod_offset(m, struct rte_udp_hdr *, 34);
	udp->dgram_len = RTE_BE16(8 + 101);
	run1(m);
	m = udp4(HOST_V4, GW_V4, 500, 100, 0, CSUM_ZERO);
	udp = rte_pktmbuf_mtod_offset(m, struct rte_udp_hdr *, 34);
	udp->dgram_len = RTE_BE16(4);
	run1(m);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_UDP_LEN], 3);

	/* IPv6 must carry a checksum (RFC 8200 §8.1), and a right one. */
	run1(udp6(GW_V6, 500, 64, 0, CSUM_ZERO));
	run1(udp6(GW_V6, 500, 64, 0, CSUM_BAD));
	CU_ASSERT_EQUAL(w->stats.drops[DROP_UDP_CSUM], 4);
	CU_ASSERT_EQUAL(w->stats.ike_punted, 0);
	CU_ASSERT_EQUAL(next_event().type, 0);
}

static void
test_input_ike_ipv6_punted(void)
{
	struct rte_mbuf *m;

	reset();
	m = udp6(GW_V6, 500, 64, 0, CSUM_GOOD);
	run1(m);
	expect_punted(m, 14 + 40 + 8 + 64);
	m = udp6(GW_V6, 4500, 68, 4, CSUM_GOOD);
	run1(m);
	expect_punted(m, 14 + 40 + 8 + 68);
	CU_ASSERT_EQUAL(w->stats.ike_punted, 2);
}

static void
test_input_ike_not_ours(void)
{
	reset();
	/* Not our address: transit, which meets the SPD (none here: discarded). */
	run1(udp4(HOST_V4, IP4(198, 51, 100, 9), 500, 40, 0, CSUM_GOOD));
	CU_ASSERT_EQUAL(w->stats.drops[DROP_POLICY], 1);
	/* Another port of ours: nobody listens. */
	run1(udp4(HOST_V4, GW_V4, 53, 40, 0, CSUM_GOOD));
	CU_ASSERT_EQUAL(w->stats.drops[DROP_LOCAL_PROTO], 1);
	/* IKE comes in on the unprotected side only. */
	port_table.port[0].role = CONFIG_ROLE_PROTECTED;
	run1(udp4(HOST_V4, GW_V4, 500, 40, 0, CSUM_GOOD));
	run1(udp6(GW_V6, 4500, 40, 4, CSUM_GOOD));
	port_table.port[0].role = CONFIG_ROLE_UNPROTECTED;
	CU_ASSERT_EQUAL(w->stats.drops[DROP_LOCAL_PROTO], 3);
	CU_ASSERT_EQUAL(w->stats.ike_punted, 0);
	CU_ASSERT_EQUAL(next_event().type, 0);
}

/* A flood waits IKE_PUNT_MAX deep at most; the rest of the ring stays for the other events. */
static void
test_input_ike_ring_full(void)
{
	unsigned int i, n = IKE_PUNT_MAX + 40, got = 0;
	struct ev ev;

	reset();
	for (i = 0; i < n; i++)
		run1(udp4(HOST_V4, GW_V4, 500, 40, 0, CSUM_GOOD));
	CU_ASSERT_EQUAL(w->stats.ike_punted, IKE_PUNT_MAX);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_IKE_RING_FULL], 40);
	CU_ASSERT_EQUAL(rte_ring_count(w->ev), IKE_PUNT_MAX);
	while (rte_ring_sc_dequeue_elem(w->ev, &ev, sizeof(ev)) == 0) {
		CU_ASSERT_EQUAL(ev.type, EV_IKE);
		rte_pktmbuf_free(ev.ptr);
		got++;
	}
	CU_ASSERT_EQUAL(got, IKE_PUNT_MAX);
	/* Drained: punted again. */
	run1(udp4(HOST_V4, GW_V4, 500, 40, 0, CSUM_GOOD));
	CU_ASSERT_EQUAL(w->stats.ike_punted, IKE_PUNT_MAX + 1);
	reset();
}

/* An IPv4 fragment of a UDP 500 datagram: 8 + 100 bytes split at @p off. */
static struct rte_mbuf *
frag4(const uint8_t *dgram, uint16_t off, uint16_t len, bool more)
{
	struct rte_mbuf *m = frame(RTE_ETHER_TYPE_IPV4, 20 + len);
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);

	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(20 + len));
	ip->packet_id = RTE_BE16(0x4242);
	ip->fragment_offset = rte_cpu_to_be_16((uint16_t)(off / 8 | (more ? 0x2000 : 0)));
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(HOST_V4);
	ip->dst_addr = rte_cpu_to_be_32(GW_V4);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	memcpy(ip + 1, dgram + off, len);
	return m;
}

static void
test_input_ike_reassembled_punted(void)
{
	struct rte_mbuf *whole = udp4(HOST_V4, GW_V4, 500, 100, 0, CSUM_GOOD);
	uint8_t dgram[108];

	reset();
	memcpy(dgram, rte_pktmbuf_mtod_offset(whole, uint8_t *, 34), sizeof(dgram));
	rte_pktmbuf_free(whole);
	run1(frag4(dgram, 0, 56, true));
	CU_ASSERT_EQUAL(next_event().type, 0);
	run1(frag4(dgram, 56, 52, false));
	expect_punted(NULL, 14 + 20 + 108);
	CU_ASSERT_EQUAL(w->stats.ike_punted, 1);
}

/* Router Alert and PadN in a hop-by-hop header (RFC 8200 §4.3, RFC 2711) before @p nh. */
#define HBH_RA(nh) nh, 0, 5, 2, 0, 0, 1, 0

/*
 * udp6() to us with the @p clen bytes of extension headers @p chain in
 * front (@p first names them, the last names UDP): checksum over the
 * pseudo-header as RFC 8200 §8.1 has it, not over the headers.
 */
static struct rte_mbuf *
udp6_ext(uint8_t first, const uint8_t *chain, size_t clen, uint16_t dport, size_t plen,
    size_t marker, enum csum cs)
{
	struct rte_mbuf *m = frame(RTE_ETHER_TYPE_IPV6, 40 + clen + 8 + plen);
	struct rte_ipv6_hdr *ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, 14);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)((uint8_t *)(ip6 + 1) + clen);

	ip6->vtc_flow = RTE_BE32(6u << 28);
	ip6->payload_len = rte_cpu_to_be_16((uint16_t)(clen + 8 + plen));
	ip6->proto = first;
	ip6->hop_limits = 64;
	memcpy(ip6->src_addr, HOST_V6, 16);
	memcpy(ip6->dst_addr, GW_V6, 16);
	memcpy(ip6 + 1, chain, clen);
	udp->src_port = rte_cpu_to_be_16(dport);
	udp->dst_port = rte_cpu_to_be_16(dport);
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(8 + plen));
	fill_payload((uint8_t *)(udp + 1), plen, marker);
	udp->dgram_cksum = pkt_ipv6_l4_cksum(ip6, udp, (uint32_t)(8 + plen), IPPROTO_UDP);
	if (cs == CSUM_BAD)
		udp->dgram_cksum ^= 0x0101;
	return m;
}

/* The frame as the control core gets it: no extension headers, UDP right after the fixed header. */
static void
expect_punted_bare(uint32_t plen)
{
	struct ev ev = next_event();
	struct rte_mbuf *m = ev.ptr;
	struct rte_ipv6_hdr *ip6;

	CU_ASSERT_EQUAL(ev.type, EV_IKE);
	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT_EQUAL(m->pkt_len, 14 + 40 + 8 + plen);
	ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, 14);
	CU_ASSERT(memcmp(rte_pktmbuf_mtod(m, uint8_t *), GW_MAC, 6) == 0);
	CU_ASSERT_EQUAL(rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->ether_type,
	    RTE_BE16(RTE_ETHER_TYPE_IPV6));
	CU_ASSERT_EQUAL(ip6->proto, IPPROTO_UDP);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip6->payload_len), 8 + plen);
	CU_ASSERT(pkt_ipv6_l4_cksum_ok(ip6, ip6 + 1));
	CU_ASSERT(memcmp(ip6->src_addr, HOST_V6, 16) == 0);
	rte_pktmbuf_free(m);
}

/* IKE behind hop-by-hop and destination options headers is IKE (RFC 8200 §4). */
static void
test_input_ike_ipv6_ext_punted(void)
{
	static const uint8_t hbh[] = { HBH_RA(17) };
	static const uint8_t two[] = { HBH_RA(60), 17, 1, 1, 12, [23] = 0 };
	static const uint8_t esp[] = { 17, 0, 1, 4, 0, 0, 0, 0 };

	reset();
	run1(udp6_ext(0, hbh, sizeof(hbh), 500, 64, 0, CSUM_GOOD));
	expect_punted_bare(64);
	run1(udp6_ext(0, two, sizeof(two), 4500, 68, 4, CSUM_GOOD));
	expect_punted_bare(68);
	CU_ASSERT_EQUAL(w->stats.ike_punted, 2);
	/* The checksum is checked all the same. */
	run1(udp6_ext(0, hbh, sizeof(hbh), 500, 64, 0, CSUM_BAD));
	CU_ASSERT_EQUAL(w->stats.drops[DROP_UDP_CSUM], 1);
	/* ESP-in-UDP behind destination options: ESP's way (no SPD here). */
	run1(udp6_ext(60, esp, sizeof(esp), 4500, 60, 0, CSUM_GOOD));
	CU_ASSERT_EQUAL(w->stats.drops[DROP_POLICY], 1);
	CU_ASSERT_EQUAL(w->stats.ike_punted, 2);
	CU_ASSERT_EQUAL(next_event().type, 0);
}

/* An IPv6 fragment behind a hop-by-hop header: @p len bytes of @p dgram (@p nh) from @p off. */
static struct rte_mbuf *
frag6_hbh(uint8_t nh, const uint8_t *dgram, uint16_t off, uint16_t len, bool more)
{
	struct rte_mbuf *m = frame(RTE_ETHER_TYPE_IPV6, 40 + 8 + 8 + len);
	struct rte_ipv6_hdr *ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, 14);
	uint8_t *h = (uint8_t *)(ip6 + 1);
	uint16_t fo = rte_cpu_to_be_16((uint16_t)(off | (more ? 1 : 0)));

	ip6->vtc_flow = RTE_BE32(6u << 28);
	ip6->payload_len = rte_cpu_to_be_16((uint16_t)(16 + len));
	ip6->proto = 0;
	ip6->hop_limits = 64;
	memcpy(ip6->src_addr, HOST_V6, 16);
	memcpy(ip6->dst_addr, GW_V6, 16);
	memcpy(h, (const uint8_t[]){ HBH_RA(44) }, 8);
	h[8] = nh;
	memcpy(h + 10, &fo, 2);
	memcpy(h + 12, "\x00\x00\x42\x42", 4);
	memcpy(h + 16, dgram + off, len);
	return m;
}

/*
 * Fragments behind a hop-by-hop header: the header goes, the reassembler
 * gets them, the datagram is punted.  AH fragments keep it (their ICV
 * covers it) and are not reassembled: DROP_FRAGMENT.
 */
static void
test_input_ike_ipv6_ext_fragments(void)
{
	struct rte_mbuf *whole = udp6(GW_V6, 500, 200, 0, CSUM_GOOD);
	uint8_t dgram[208];

	reset();
	memcpy(dgram, rte_pktmbuf_mtod_offset(whole, uint8_t *, 54), sizeof(dgram));
	rte_pktmbuf_free(whole);
	run1(frag6_hbh(IPPROTO_UDP, dgram, 0, 104, true));
	CU_ASSERT_EQUAL(next_event().type, 0);
	run1(frag6_hbh(IPPROTO_UDP, dgram, 104, 104, false));
	expect_punted_bare(200);
	CU_ASSERT_EQUAL(w->stats.ike_punted, 1);
	run1(frag6_hbh(IPPROTO_AH, dgram, 0, 104, true));
	CU_ASSERT_EQUAL(w->stats.drops[DROP_FRAGMENT], 1);
	CU_ASSERT_EQUAL(next_event().type, 0);
}

/* The keys of the tests' ESP SAs (AES-CBC, HMAC, the IV key): any will do. */
static const uint8_t SA_KEY[64] = { 7, 8, 9 }, SA_IVK[16] = { 1, 2, 3 };

/* A PROTECT policy of @p dir from @p src to @p dst (prefixes of @p len bits), SA record @p sa. */
static void
policy_set(struct config_policy *pol, enum config_direction dir, uint8_t family, const uint8_t *src,
    const uint8_t *dst, uint8_t len, int sa)
{
	memset(pol, 0, sizeof(*pol));
	snprintf(pol->name, sizeof(pol->name), "%s%u", dir == CONFIG_DIR_INBOUND ? "in" : "out",
	    family);
	pol->direction = dir;
	pol->source.a.family = family;
	pol->destination.a.family = family;
	memcpy(pol->source.a.addr, src, family == 4 ? 4 : 16);
	memcpy(pol->destination.a.addr, dst, family == 4 ? 4 : 16);
	pol->source.len = len;
	pol->destination.len = len;
	pol->protocol = -1;
	pol->source_ports.last = 65535;
	pol->destination_ports.last = 65535;
	pol->action = CONFIG_POLICY_PROTECT;
	pol->sa = sa;
	pol->child = -1;
}

/* An outbound ESP SA of @p prop from @p local to @p remote with SPI @p spi and the test keys. */
static struct sa_rt_out *
esp_out_sa(IMB_MGR *mgr, const struct alg_proposal *prop, uint8_t family, const uint8_t *local,
    const uint8_t *remote, uint8_t mode, uint32_t spi)
{
	struct sa_rt_out *sa = rte_zmalloc("sa_out", sizeof(*sa), RTE_CACHE_LINE_SIZE);
	struct esp_sa_prm prm;

	CU_ASSERT_FATAL(sa != NULL);
	memset(&prm, 0, sizeof(prm));
	prm.prop = prop;
	prm.family = family;
	prm.local = local;
	prm.remote = remote;
	prm.mode = mode;
	sa->spi = rte_cpu_to_be_32(spi);
	sa->proto = SA_PROTO_ESP;
	CU_ASSERT_FATAL(esp_outbound_sa_init(sa, mgr, &prm, SA_IVK) == 0);
	CU_ASSERT_FATAL(crypto_mb_sa_init(&sa->crypto, mgr, prop, SA_KEY, SA_KEY + 16) == 0);
	return sa;
}

/*
 * The transport-mode path MTU check counts the IPv6 extension headers that
 * stay in front of ESP: with AES-CBC (16-byte blocks) and a hop-by-hop
 * header, a packet of 1294 bytes becomes exactly 1336 (48 in front, ESP
 * header 8, IV 16, 1248 of payload padded with its trailer, ICV 16) and
 * one of 1295 bytes 1352.  An SA whose MTU is 1336 takes the first (on to
 * forwarding: no routes here, DROP_NO_ROUTE) and refuses the second
 * (Packet Too Big, which has no route either, and DROP_MTU).  Taking 40
 * bytes in front would make the first 1344.
 */
static void
test_input_transport_ext_mtu(void)
{
	static const uint8_t S6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 5, [15] = 1 };
	static const uint8_t D6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 6, [15] = 1 };
	static const uint8_t hbh[] = { HBH_RA(17) };
	static struct config_policy pol;
	struct alg_proposal prop;
	struct sa_rt_out *sa;
	struct rte_ipv6_hdr *ip6;
	struct rte_mbuf *m;
	struct config cfg;
	struct spd *spd;
	IMB_MGR *mgr;
	char err[256];
	unsigned int plen;

	CU_ASSERT_FATAL(
	    alg_proposal_parse("aes128-sha256", ALG_PROTO_ESP, &prop, err, sizeof(err)) == 0);
	policy_set(&pol, CONFIG_DIR_OUTBOUND, 6, S6, D6, 128, 3);
	memset(&cfg, 0, sizeof(cfg));
	cfg.n_policies = 1;
	cfg.policies = &pol;
	spd = spd_create(&cfg, SOCKET_ID_ANY, err, sizeof(err));
	CU_ASSERT_FATAL(spd != NULL);

	mgr = crypto_mb_create(SOCKET_ID_ANY);
	w->mb = crypto_mb_create(SOCKET_ID_ANY);
	CU_ASSERT_FATAL(mgr != NULL && w->mb != NULL);
	sa = esp_out_sa(mgr, &prop, 6, S6, D6, SA_MODE_TRANSPORT, 0x5151);
	sa->id = 3;
	sa->mtu = 1336;
	w->sa_out[3] = sa;
	worker_set.spd = spd;
	port_table.port[0].role = CONFIG_ROLE_PROTECTED;
	reset();

	for (plen = 1294 - 56; plen <= 1295 - 56; plen++) {
		m = udp6_ext(0, hbh, sizeof(hbh), 1234, plen, 0, CSUM_GOOD);
		ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, 14);
		memcpy(ip6->src_addr, S6, 16);
		memcpy(ip6->dst_addr, D6, 16);
		CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), 14u + 56 + plen);
		run1(m);
	}
	CU_ASSERT_EQUAL(w->stats.drops[DROP_NO_ROUTE], 1);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_MTU], 1);
	CU_ASSERT_EQUAL(sa->seq, 1);

	port_table.port[0].role = CONFIG_ROLE_UNPROTECTED;
	worker_set.spd = NULL;
	w->sa_out[3] = NULL;
	crypto_mb_sa_fini(&sa->crypto);
	rte_free(sa);
	crypto_mb_destroy(w->mb);
	w->mb = NULL;
	crypto_mb_destroy(mgr);
	spd_destroy(spd);
	reset();
}

/* A UDP packet from @p src to @p dst (IPv4 or IPv6 by @p family), no Ethernet header. */
static struct rte_mbuf *
inner_udp(uint8_t family, const uint8_t *src, const uint8_t *dst)
{
	uint16_t l3 = family == 4 ? 20 : 40;
	struct rte_mbuf *m = rte_pktmbuf_alloc(port_table.pool);
	struct rte_udp_hdr *udp;
	uint8_t *b;

	CU_ASSERT_FATAL(m != NULL);
	b = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(l3 + 8 + 32));
	CU_ASSERT_FATAL(b != NULL);
	memset(b, 0, l3 + 8u + 32);
	udp = (struct rte_udp_hdr *)(b + l3);
	udp->src_port = RTE_BE16(1234);
	udp->dst_port = RTE_BE16(5678);
	udp->dgram_len = RTE_BE16(8 + 32);
	if (family == 4) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)b;

		ip->version_ihl = 0x45;
		ip->total_length = rte_cpu_to_be_16((uint16_t)(l3 + 8 + 32));
		ip->time_to_live = 64;
		ip->next_proto_id = IPPROTO_UDP;
		memcpy(&ip->src_addr, src, 4);
		memcpy(&ip->dst_addr, dst, 4);
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	} else {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)b;

		ip6->vtc_flow = RTE_BE32(6u << 28);
		ip6->payload_len = RTE_BE16(8 + 32);
		ip6->proto = IPPROTO_UDP;
		ip6->hop_limits = 64;
		memcpy(ip6->src_addr, src, 16);
		memcpy(ip6->dst_addr, dst, 16);
	}
	return m;
}

/*
 * Decrypted packets meet the inbound policies in bursts (RFC 4301 §5.2).
 * One SA carries 4in4 and 6in4: a burst that mixes IPv4 and IPv6 inner
 * packets, some inside the SA's policies (on to forwarding, where no
 * route waits here: DROP_NO_ROUTE) and some outside (DROP_POLICY), gets
 * each its own verdict; so do bursts of one family.
 */
static void
test_input_decrypted_families(void)
{
	static const uint8_t PEER4[4] = { 192, 0, 2, 1 }, GW4[4] = { 192, 0, 2, 2 };
	static const uint8_t S4[4] = { 198, 51, 100, 7 }, D4[4] = { 203, 0, 113, 7 };
	static const uint8_t X4[4] = { 198, 51, 99, 7 };
	static const uint8_t S6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 7 };
	static const uint8_t D6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 2, [15] = 7 };
	static const uint8_t X6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 3, [15] = 7 };
	/* Per burst: the inner family of each packet and whether a policy covers it. */
	static const struct {
		uint8_t n, fam[6], ok[6];
	} bursts[] = {
		{ 6, { 4, 6, 4, 6, 4, 6 }, { 1, 0, 0, 1, 1, 1 } },
		{ 5, { 6, 6, 4, 4, 6 }, { 0, 1, 1, 0, 1 } },
		{ 3, { 4, 4, 4 }, { 1, 0, 1 } },
		{ 3, { 6, 6, 6 }, { 0, 1, 1 } },
	};
	static struct config_policy pol[2];
	struct rte_mbuf *m[6];
	struct rte_ether_hdr *eth;
	struct alg_proposal prop;
	struct esp_sa_prm prm;
	struct sa_rt_out *so;
	struct sa_rt_in *si;
	struct config cfg;
	struct spd *spd;
	IMB_MGR *mgr;
	char err[256];
	unsigned int b, i, ok, bad;

	CU_ASSERT_FATAL(
	    alg_proposal_parse("aes128-sha256", ALG_PROTO_ESP, &prop, err, sizeof(err)) == 0);
	policy_set(&pol[0], CONFIG_DIR_INBOUND, 4, S4, D4, 24, 5);
	policy_set(&pol[1], CONFIG_DIR_INBOUND, 6, S6, D6, 48, 5);
	memset(&cfg, 0, sizeof(cfg));
	cfg.n_policies = 2;
	cfg.policies = pol;
	spd = spd_create(&cfg, SOCKET_ID_ANY, err, sizeof(err));
	CU_ASSERT_FATAL(spd != NULL);

	mgr = crypto_mb_create(SOCKET_ID_ANY);
	w->mb = crypto_mb_create(SOCKET_ID_ANY);
	w->sad = sad_create(0, SOCKET_ID_ANY);
	si = rte_zmalloc("si", sizeof(*si), RTE_CACHE_LINE_SIZE);
	CU_ASSERT_FATAL(mgr != NULL && w->mb != NULL && w->sad != NULL && si != NULL);
	/* The peer's outbound SA seals, the gateway's inbound twin opens. */
	so = esp_out_sa(mgr, &prop, 4, PEER4, GW4, SA_MODE_TUNNEL, 0x6161);
	memset(&prm, 0, sizeof(prm));
	prm.prop = &prop;
	prm.family = 4;
	prm.local = GW4;
	prm.remote = PEER4;
	prm.mode = SA_MODE_TUNNEL;
	si->key.spi = RTE_BE32(0x6161);
	si->id = 5;
	CU_ASSERT_FATAL(esp_inbound_sa_init(si, &prm) == 0);
	CU_ASSERT_FATAL(antireplay_init(&si->ar, 64, false) == 0);
	CU_ASSERT_FATAL(crypto_mb_sa_init(&si->crypto, mgr, &prop, SA_KEY, SA_KEY + 16) == 0);
	CU_ASSERT_FATAL(sad_insert(w->sad, si) == 0);
	worker_set.spd = spd;
	reset();

	for (b = 0, ok = 0, bad = 0; b < RTE_DIM(bursts); b++) {
		for (i = 0; i < bursts[b].n; i++) {
			uint8_t f = bursts[b].fam[i];

			m[i] =
			    inner_udp(f, bursts[b].ok[i] ? (f == 4 ? S4 : S6) : (f == 4 ? X4 : X6),
			        f == 4 ? D4 : D6);
			CU_ASSERT_FATAL(esp_outbound_burst(w, &m[i], &so, 1) == 1);
			eth = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m[i], sizeof(*eth));
			CU_ASSERT_FATAL(eth != NULL);
			memcpy(eth->dst_addr.addr_bytes, GW_MAC, 6);
			memcpy(eth->src_addr.addr_bytes, HOST_MAC, 6);
			eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
			ok += bursts[b].ok[i];
			bad += !bursts[b].ok[i];
		}
		input_burst(w, 0, m, bursts[b].n);
		CU_ASSERT_EQUAL(w->stats.drops[DROP_NO_ROUTE], ok);
		CU_ASSERT_EQUAL(w->stats.drops[DROP_POLICY], bad);
	}
	CU_ASSERT_EQUAL(si->cnt.drops, bad);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_ICV], 0);

	worker_set.spd = NULL;
	sad_remove(w->sad, si);
	sad_destroy(w->sad);
	w->sad = NULL;
	crypto_mb_sa_fini(&so->crypto);
	crypto_mb_sa_fini(&si->crypto);
	rte_free(so);
	rte_free(si);
	crypto_mb_destroy(w->mb);
	w->mb = NULL;
	crypto_mb_destroy(mgr);
	spd_destroy(spd);
	reset();
}

/* A child's policy names the child's slot; empty, it drops and asks for the SA once a second. */
static void
test_input_ike_child_slot(void)
{
	static struct config_policy pol[2];
	struct config cfg;
	struct sa_rt_out *rt;
	struct rte_mbuf *m;
	const uint32_t slot = SA_CHILD_SLOT_BASE + 1;
	char err[256];
	struct spd *spd;
	struct ev ev;
	unsigned int i;

	memset(pol, 0, sizeof(pol));
	memset(&cfg, 0, sizeof(cfg));
	for (i = 0; i < 2; i++) {
		snprintf(pol[i].name, sizeof(pol[i].name), "c/n/out/%u", i);
		pol[i].direction = CONFIG_DIR_OUTBOUND;
		pol[i].source.a.family = 4;
		pol[i].destination.a.family = 4;
		pol[i].protocol = -1;
		pol[i].source_ports.last = 65535;
		pol[i].destination_ports.last = 65535;
		pol[i].action = CONFIG_POLICY_PROTECT;
		pol[i].sa = -1;
	}
	/* 192.0.2.0/24 -> 198.51.100.0/24: child 1; the rest of 192.0.2.0/24: child 0. */
	memcpy(pol[0].source.a.addr, "\xc0\x00\x02\x00", 4);
	pol[0].source.len = 24;
	memcpy(pol[0].destination.a.addr, "\xc6\x33\x64\x00", 4);
	pol[0].destination.len = 24;
	pol[0].child = 1;
	memcpy(pol[1].source.a.addr, "\xc0\x00\x02\x00", 4);
	pol[1].source.len = 24;
	pol[1].child = 0;
	cfg.n_policies = 2;
	cfg.policies = pol;
	spd = spd_create(&cfg, SOCKET_ID_ANY, err, sizeof(err));
	CU_ASSERT_FATAL(spd != NULL);
	worker_set.spd = spd;
	port_table.port[0].role = CONFIG_ROLE_PROTECTED;
	reset();

	run1(udp4(HOST_V4, IP4(198, 51, 100, 9), 1234, 40, 0, CSUM_GOOD));
	CU_ASSERT_EQUAL(w->stats.drops[DROP_NO_CHILD_SA], 1);
	ev = next_event();
	CU_ASSERT_EQUAL(ev.type, EV_ACQUIRE);
	CU_ASSERT_EQUAL(ev.sa_id, 1);
	CU_ASSERT_PTR_NULL(ev.ptr);
	/* Within the interval: dropped, not asked again. */
	run1(udp4(HOST_V4, IP4(198, 51, 100, 9), 1234, 40, 0, CSUM_GOOD));
	CU_ASSERT_EQUAL(w->stats.drops[DROP_NO_CHILD_SA], 2);
	CU_ASSERT_EQUAL(next_event().type, 0);
	/* Another child asks on its own. */
	run1(udp4(HOST_V4, IP4(203, 0, 113, 9), 1234, 40, 0, CSUM_GOOD));
	ev = next_event();
	CU_ASSERT_EQUAL(ev.type, EV_ACQUIRE);
	CU_ASSERT_EQUAL(ev.sa_id, 0);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_NO_SA], 0);

	/* With an SA in the slot (owned by worker 1): to its owner, tagged with the slot. */
	rt = rte_zmalloc("rt", sizeof(*rt), RTE_CACHE_LINE_SIZE);
	CU_ASSERT_FATAL(rt != NULL);
	rt->id = slot;
	rt->owner = 1;
	w->sa_out[slot] = rt;
	run1(udp4(HOST_V4, IP4(198, 51, 100, 9), 1234, 40, 0, CSUM_GOOD));
	CU_ASSERT_EQUAL(w->stats.handoff_out, 1);
	CU_ASSERT_EQUAL(rte_ring_count(w1->handoff), 1);
	if (rte_ring_dequeue(w1->handoff, (void **)&m) == 0) {
		CU_ASSERT_EQUAL(m->hash.usr, HANDOFF_ESP_OUT | slot);
		rte_pktmbuf_free(m);
	}
	CU_ASSERT_EQUAL(w->stats.drops[DROP_NO_CHILD_SA], 3);
	w->sa_out[slot] = NULL;
	rte_free(rt);

	port_table.port[0].role = CONFIG_ROLE_UNPROTECTED;
	worker_set.spd = NULL;
	spd_destroy(spd);
	reset();
}

static int
suite_init(void)
{
	char prefix[64];
	char *argv[] = { "test_input_ike", "--no-huge", "-m", "64", "--no-pci", "-l", "0",
		"--log-level=error", "--no-shconf", "--no-telemetry", prefix, NULL };
	struct rte_eth_conf conf;
	struct port *p;
	int id;

	snprintf(prefix, sizeof(prefix), "--file-prefix=fipt-unit-%d", (int)getpid());
	if (rte_eal_init(11, argv) < 0)
		return -1;
	port_table.pool = rte_pktmbuf_pool_create("test_pool", 1023, 0, 0,
	    RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	rx_ring = rte_ring_create("test_rx", 64, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	tx_ring = rte_ring_create("test_tx", 64, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (port_table.pool == NULL || rx_ring == NULL || tx_ring == NULL)
		return -1;
	id = rte_eth_from_rings("net_ring_ike", &rx_ring, 1, &tx_ring, 1, SOCKET_ID_ANY);
	if (id < 0)
		return -1;
	memset(&conf, 0, sizeof(conf));
	if (rte_eth_dev_configure((uint16_t)id, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup((uint16_t)id, 0, 64, SOCKET_ID_ANY, NULL, port_table.pool) !=
	        0 ||
	    rte_eth_tx_queue_setup((uint16_t)id, 0, 64, SOCKET_ID_ANY, NULL) != 0 ||
	    rte_eth_dev_start((uint16_t)id) != 0)
		return -1;
	port_table.n = 1;
	p = &port_table.port[0];
	p->port_id = (uint16_t)id;
	p->n_rxq = 1;
	p->n_txq = 1;
	p->ctl_txq = -1;
	p->role = CONFIG_ROLE_UNPROTECTED;
	memcpy(p->mac.addr_bytes, GW_MAC, 6);
	p->n_v4 = 1;
	p->v4[0] = rte_cpu_to_be_32(GW_V4);
	p->v4_len[0] = 24;
	p->n_v6 = 1;
	memcpy(p->v6[0], GW_V6, 16);
	p->v6_len[0] = 64;
	port_index_addresses();
	w = calloc(1, sizeof(*w));
	w1 = calloc(1, sizeof(*w1));
	if (w == NULL || w1 == NULL || neigh_table_create() != 0)
		return -1;
	w1->index = 1;
	worker_set.n = 2;
	worker_set.w[0] = w;
	worker_set.w[1] = w1;
	w->ev = rte_ring_create_elem("test_ev", sizeof(struct ev), 1024, SOCKET_ID_ANY,
	    RING_F_SP_ENQ | RING_F_SC_DEQ);
	w1->handoff = rte_ring_create("test_handoff", 64, SOCKET_ID_ANY, RING_F_SC_DEQ);
	w->reasm = reasm_create(SOCKET_ID_ANY);
	return w->ev == NULL || w1->handoff == NULL || w->reasm == NULL ? -1 : 0;
}

static int
suite_fini(void)
{
	char rundir[PATH_MAX];

	reset();
	reasm_destroy(w->reasm);
	rte_ring_free(w->ev);
	rte_ring_free(w1->handoff);
	free(w);
	free(w1);
	memset(&worker_set, 0, sizeof(worker_set));
	neigh_table_destroy();
	rte_eth_dev_stop(port_table.port[0].port_id);
	rte_eth_dev_close(port_table.port[0].port_id);
	rte_ring_free(rx_ring);
	rte_ring_free(tx_ring);
	rte_mempool_free(port_table.pool);
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
	s = CU_add_suite("input_ike", suite_init, suite_fini);
	CU_add_test(s, "test_input_ike_500_punted", test_input_ike_500_punted);
	CU_add_test(s, "test_input_ike_4500_marker_punted", test_input_ike_4500_marker_punted);
	CU_add_test(s, "test_input_ike_4500_esp_not_punted", test_input_ike_4500_esp_not_punted);
	CU_add_test(s, "test_input_ike_keepalive_consumed", test_input_ike_keepalive_consumed);
	CU_add_test(s, "test_input_ike_bad_udp_dropped", test_input_ike_bad_udp_dropped);
	CU_add_test(s, "test_input_ike_ipv6_punted", test_input_ike_ipv6_punted);
	CU_add_test(s, "test_input_ike_ipv6_ext_punted", test_input_ike_ipv6_ext_punted);
	CU_add_test(s, "test_input_ike_ipv6_ext_fragments", test_input_ike_ipv6_ext_fragments);
	CU_add_test(s, "test_input_ike_not_ours", test_input_ike_not_ours);
	CU_add_test(s, "test_input_decrypted_families", test_input_decrypted_families);
	CU_add_test(s, "test_input_ike_ring_full", test_input_ike_ring_full);
	CU_add_test(s, "test_input_ike_reassembled_punted", test_input_ike_reassembled_punted);
	CU_add_test(s, "test_input_ike_child_slot", test_input_ike_child_slot);
	CU_add_test(s, "test_input_transport_ext_mtu", test_input_transport_ext_mtu);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return fails == 0 ? 0 : 1;
}
