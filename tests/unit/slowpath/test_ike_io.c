/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/slowpath/test_ike_io.c: IKE frames built, routed, fragmented, parsed back and dispatched. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <rte_arp.h>
#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "config/config.h"
#include "fastpath/neigh_table.h"
#include "fastpath/port.h"
#include "fastpath/route.h"
#include "slowpath/ike_io.h"
#include "slowpath/neigh_ctl.h"

/*
 * One unprotected port made from two rte_rings (net_ring) with a control
 * tx queue: what ike_io_send() sends lands in tx_ring.  Routes: the
 * connected 192.0.2.0/24 and 2001:db8:0:2::/64, 198.51.100.0/24 through
 * 192.0.2.1, whose MAC is known.
 */
static const char cfg_yaml[] = "instance: ikeio\n"
                               "interfaces:\n"
                               "  - name: outside\n"
                               "    port: net_ring_ikeio\n"
                               "    role: unprotected\n"
                               "    addresses: [192.0.2.2/24, 2001:db8:0:2::2/64]\n"
                               "routes:\n"
                               "  - {destination: 198.51.100.0/24, gateway: 192.0.2.1}\n";

static const uint8_t GW_MAC[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t NH_MAC[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t GW_V4[4] = { 192, 0, 2, 2 };
static const uint8_t NH_V4[4] = { 192, 0, 2, 1 };
static const uint8_t PEER_V4[4] = { 198, 51, 100, 7 };
static const uint8_t GW_V6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 2, [15] = 0x02 };
static const uint8_t NH_V6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 2, [15] = 0x01 };

static struct rte_ring *rx_ring, *tx_ring;
static struct config *cfg;
static uint8_t msg[8000];

static struct ike_addr
addr(uint8_t family, const uint8_t *a, uint16_t port)
{
	struct ike_addr r;

	memset(&r, 0, sizeof(r));
	r.a.family = family;
	memcpy(r.a.addr, a, family == 4 ? 4 : 16);
	r.port = port;
	return r;
}

/* Fold a one's complement sum: 0xffff when a checksum verifies. */
static uint16_t
fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Does the UDP checksum of datagram @p udp (@p ulen bytes) between these addresses verify? */
static bool
udp_ok(uint8_t family, const uint8_t *src, const uint8_t *dst, const uint8_t *udp, size_t ulen)
{
	uint8_t ph[40];
	size_t n;

	memset(ph, 0, sizeof(ph));
	if (family == 4) {
		memcpy(ph, src, 4);
		memcpy(ph + 4, dst, 4);
		ph[9] = IPPROTO_UDP;
		ph[10] = (uint8_t)(ulen >> 8);
		ph[11] = (uint8_t)ulen;
		n = 12;
	} else {
		memcpy(ph, src, 16);
		memcpy(ph + 16, dst, 16);
		ph[34] = (uint8_t)(ulen >> 8);
		ph[35] = (uint8_t)ulen;
		ph[39] = IPPROTO_UDP;
		n = 40;
	}
	return fold((uint32_t)rte_raw_cksum(ph, n) + rte_raw_cksum(udp, ulen)) == 0xffff;
}

/*
 * Put the IP packets @p p back together into @p dgram (the UDP datagram):
 * checks every header on the way.  Returns the datagram's length.
 */
static size_t
reassemble(uint8_t family, struct rte_mbuf **p, int n, uint16_t mtu, uint8_t *dgram)
{
	size_t total = 0, off, len;
	uint16_t id4 = 0;
	uint32_t id6 = 0;
	int i;

	for (i = 0; i < n; i++) {
		uint8_t *d = rte_pktmbuf_mtod(p[i], uint8_t *);

		CU_ASSERT(p[i]->pkt_len <= mtu);
		if (family == 4) {
			struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)d;
			uint16_t fo = rte_be_to_cpu_16(ip->fragment_offset);

			CU_ASSERT_EQUAL(ip->version_ihl, 0x45);
			CU_ASSERT_EQUAL(rte_ipv4_cksum(ip), 0);
			CU_ASSERT_EQUAL(ip->next_proto_id, IPPROTO_UDP);
			CU_ASSERT(memcmp(&ip->src_addr, GW_V4, 4) == 0);
			CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->total_length), p[i]->pkt_len);
			CU_ASSERT_EQUAL((fo & RTE_IPV4_HDR_DF_FLAG), 0);
			CU_ASSERT_EQUAL(!!(fo & RTE_IPV4_HDR_MF_FLAG), i + 1 < n);
			if (i == 0)
				id4 = ip->packet_id;
			CU_ASSERT_EQUAL(ip->packet_id, id4);
			off = (size_t)(fo & RTE_IPV4_HDR_OFFSET_MASK) * 8;
			len = p[i]->pkt_len - 20;
			memcpy(dgram + off, d + 20, len);
		} else {
			struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)d;

			CU_ASSERT_EQUAL(rte_be_to_cpu_32(ip6->vtc_flow) >> 28, 6);
			CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip6->payload_len) + 40u, p[i]->pkt_len);
			CU_ASSERT(memcmp(ip6->src_addr, GW_V6, 16) == 0);
			if (n == 1) {
				CU_ASSERT_EQUAL(ip6->proto, IPPROTO_UDP);
				off = 0;
				len = p[i]->pkt_len - 40;
				memcpy(dgram, d + 40, len);
			} else {
				struct rte_ipv6_fragment_ext *fh =
				    (struct rte_ipv6_fragment_ext *)(ip6 + 1);
				uint16_t fd = rte_be_to_cpu_16(fh->frag_data);

				CU_ASSERT_EQUAL(ip6->proto, IPPROTO_FRAGMENT);
				CU_ASSERT_EQUAL(fh->next_header, IPPROTO_UDP);
				CU_ASSERT_EQUAL(fd & 1, i + 1 < n);
				if (i == 0)
					id6 = fh->id;
				CU_ASSERT_EQUAL(fh->id, id6);
				off = fd & ~7u;
				len = p[i]->pkt_len - 48;
				/* Every fragment but the last carries a multiple of 8 bytes. */
				if (i + 1 < n)
					CU_ASSERT_EQUAL(len % 8, 0);
				memcpy(dgram + off, d + 48, len);
			}
		}
		CU_ASSERT_EQUAL(off, total);
		total = off + len;
	}
	return total;
}

static void
free_all(struct rte_mbuf **p, int n)
{
	while (n > 0)
		rte_pktmbuf_free(p[--n]);
}

/* Build, reassemble, and check ports, marker, message and checksum. */
static void
check_build(uint8_t family, uint16_t mtu, uint16_t sport, uint16_t dport, size_t len, bool marker,
    int want)
{
	static const uint8_t zero4[4];
	static uint8_t dgram[70000];
	struct ike_addr l = family == 4 ? addr(4, GW_V4, sport) : addr(6, GW_V6, sport);
	struct ike_addr r = family == 4 ? addr(4, PEER_V4, dport) : addr(6, NH_V6, dport);
	struct rte_mbuf *p[64];
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)dgram;
	size_t hl = marker ? 4 : 0, total;
	int n;

	n = ike_io_build(port_table.pool, mtu, &l, &r, marker ? zero4 : NULL, hl, msg, len, p, 64);
	CU_ASSERT_EQUAL_FATAL(n, want);
	total = reassemble(family, p, n, mtu, dgram);
	CU_ASSERT_EQUAL(total, 8 + hl + len);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(udp->src_port), sport);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(udp->dst_port), dport);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(udp->dgram_len), total);
	CU_ASSERT(udp->dgram_cksum != 0);
	CU_ASSERT(udp_ok(family, l.a.addr, r.a.addr, dgram, total));
	if (marker)
		CU_ASSERT(memcmp(dgram + 8, zero4, 4) == 0);
	CU_ASSERT(memcmp(dgram + 8 + hl, msg, len) == 0);
	free_all(p, n);
}

static void
test_ike_io_build_v4(void)
{
	unsigned int before = rte_mempool_avail_count(port_table.pool);

	check_build(4, 1500, 500, 500, 300, false, 1);
	check_build(4, 1500, 4500, 4500, 301, true, 1);
	/* Exactly the MTU, one more byte: two fragments. */
	check_build(4, 1500, 500, 500, 1500 - 28, false, 1);
	check_build(4, 1500, 500, 500, 1500 - 27, false, 2);
	/* A message with certificates: three fragments, the last one short. */
	check_build(4, 1500, 4500, 4500, 4001, true, 3);
	check_build(4, 576, 500, 500, 8000, false, 15);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(port_table.pool), before);
}

static void
test_ike_io_build_v6(void)
{
	check_build(6, 1500, 500, 500, 300, false, 1);
	check_build(6, 1280, 4500, 4500, 1280 - 52, true, 1);
	check_build(6, 1280, 4500, 4500, 1280 - 51, true, 2);
	check_build(6, 1280, 500, 500, 5000, false, 5);
}

static void
test_ike_io_build_refused(void)
{
	static const uint8_t five[5];
	unsigned int before = rte_mempool_avail_count(port_table.pool);
	struct ike_addr l = addr(4, GW_V4, 500), r = addr(4, PEER_V4, 500);
	struct ike_addr r6 = addr(6, NH_V6, 500);
	struct rte_mbuf *p[64];

	CU_ASSERT_EQUAL(ike_io_build(port_table.pool, 1500, &l, &r6, NULL, 0, msg, 100, p, 64),
	    -EINVAL);
	CU_ASSERT_EQUAL(ike_io_build(port_table.pool, 1500, &l, &r, five, 5, msg, 100, p, 64),
	    -EINVAL);
	CU_ASSERT_EQUAL(ike_io_build(port_table.pool, 1500, &l, &r, NULL, 0, NULL, 100, p, 64),
	    -EINVAL);
	/* More fragments than room, and more than UDP can carry. */
	CU_ASSERT_EQUAL(ike_io_build(port_table.pool, 1500, &l, &r, NULL, 0, msg, 4000, p, 2),
	    -EMSGSIZE);
	CU_ASSERT_EQUAL(ike_io_build(port_table.pool, 1500, &l, &r, NULL, 0, msg, 65535 - 27, p,
	                    64),
	    -EMSGSIZE);
	CU_ASSERT_EQUAL(ike_io_build(port_table.pool, 30, &l, &r, NULL, 0, msg, 100, p, 64),
	    -EMSGSIZE);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(port_table.pool), before);
}

/* The next frame sent, or NULL. */
static struct rte_mbuf *
sent(void)
{
	struct rte_mbuf *m;

	return rte_ring_dequeue(tx_ring, (void **)&m) == 0 ? m : NULL;
}

static void
test_ike_io_send_via_gateway(void)
{
	struct ike_addr l = addr(4, GW_V4, 4500), r = addr(4, PEER_V4, 4500), pl, pr;
	struct ike_io_stats before, after;
	const struct rte_ether_hdr *eth;
	const uint8_t *m;
	struct rte_mbuf *f;
	size_t len;
	int i;

	ike_io_stats_read(&before);
	CU_ASSERT_EQUAL(ike_io_send(&l, &r, msg, 200), 0);
	f = sent();
	CU_ASSERT_FATAL(f != NULL);
	eth = rte_pktmbuf_mtod(f, const struct rte_ether_hdr *);
	CU_ASSERT(memcmp(eth->dst_addr.addr_bytes, NH_MAC, 6) == 0);
	CU_ASSERT(memcmp(eth->src_addr.addr_bytes, GW_MAC, 6) == 0);
	CU_ASSERT_EQUAL(eth->ether_type, RTE_BE16(RTE_ETHER_TYPE_IPV4));
	/* Parsed back as the peer would see it: the marker taken off again. */
	CU_ASSERT_EQUAL(ike_io_parse(f, &pr, &pl, &m, &len), 0);
	CU_ASSERT_EQUAL(len, 200);
	CU_ASSERT(memcmp(m, msg, 200) == 0);
	CU_ASSERT_EQUAL(rte_pktmbuf_mtod_offset(f, const uint8_t *, 14 + 28)[0], 0);
	CU_ASSERT(memcmp(pl.a.addr, GW_V4, 4) == 0 && pl.port == 4500);
	CU_ASSERT(memcmp(pr.a.addr, PEER_V4, 4) == 0 && pr.port == 4500);
	rte_pktmbuf_free(f);
	CU_ASSERT_PTR_NULL(sent());

	/* On 500 no marker; a large message leaves in fragments. */
	l.port = 500;
	r.port = 500;
	CU_ASSERT_EQUAL(ike_io_send(&l, &r, msg, 3500), 0);
	for (i = 0; i < 3; i++) {
		f = sent();
		CU_ASSERT_FATAL(f != NULL);
		CU_ASSERT(f->pkt_len <= 14 + 1500);
		rte_pktmbuf_free(f);
	}
	CU_ASSERT_PTR_NULL(sent());
	ike_io_stats_read(&after);
	CU_ASSERT_EQUAL(after.tx - before.tx, 2);
	CU_ASSERT_EQUAL(after.tx_frames - before.tx_frames, 4);
	CU_ASSERT_EQUAL(after.tx_failed, before.tx_failed);
}

static void
test_ike_io_send_ipv6(void)
{
	struct ike_addr l = addr(6, GW_V6, 500), r = addr(6, NH_V6, 500), pl, pr;
	const uint8_t *m;
	struct rte_mbuf *f;
	size_t len;

	CU_ASSERT_EQUAL(ike_io_send(&l, &r, msg, 100), 0);
	f = sent();
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT_EQUAL(rte_pktmbuf_mtod(f, struct rte_ether_hdr *)->ether_type,
	    RTE_BE16(RTE_ETHER_TYPE_IPV6));
	CU_ASSERT_EQUAL(ike_io_parse(f, &pr, &pl, &m, &len), 0);
	CU_ASSERT_EQUAL(len, 100);
	CU_ASSERT(udp_ok(6, GW_V6, NH_V6, rte_pktmbuf_mtod_offset(f, uint8_t *, 54), 108));
	rte_pktmbuf_free(f);
}

static void
test_ike_io_send_refused(void)
{
	static const uint8_t other[4] = { 192, 0, 2, 99 };
	static const uint8_t far[4] = { 203, 0, 113, 9 };
	struct ike_addr l = addr(4, GW_V4, 500), r = addr(4, PEER_V4, 500);
	struct ike_addr bad_l = addr(4, other, 500), far_r = addr(4, far, 500);
	struct ike_addr r6 = addr(6, NH_V6, 500);
	struct ike_io_stats before, after;

	ike_io_stats_read(&before);
	CU_ASSERT_EQUAL(ike_io_send(&bad_l, &r, msg, 100), -EADDRNOTAVAIL);
	CU_ASSERT_EQUAL(ike_io_send(&l, &far_r, msg, 100), -ENETUNREACH);
	CU_ASSERT_EQUAL(ike_io_send(&l, &r6, msg, 100), -EINVAL);
	CU_ASSERT_EQUAL(ike_io_send(&l, &r, msg, 0), -EINVAL);
	CU_ASSERT_EQUAL(ike_io_send(&l, &r, msg, IKE_MSG_MAX + 1), -EINVAL);
	CU_ASSERT_EQUAL(ike_io_send(NULL, &r, msg, 10), -EINVAL);
	ike_io_stats_read(&after);
	CU_ASSERT_EQUAL(after.tx_no_route - before.tx_no_route, 2);
	CU_ASSERT_EQUAL(after.tx_failed - before.tx_failed, 4);
	CU_ASSERT_EQUAL(after.tx, before.tx);
	CU_ASSERT_PTR_NULL(sent());
}

/* To a neighbour without a MAC: an ARP probe now, the message once it answers. */
static void
test_ike_io_send_unresolved(void)
{
	static const uint8_t host[4] = { 192, 0, 2, 77 };
	static const uint8_t host_mac[6] = { 0x02, 0, 0, 0, 0, 0x77 };
	struct ike_addr l = addr(4, GW_V4, 500), r = addr(4, host, 500);
	struct ike_io_stats before, after;
	const struct rte_arp_hdr *arp;
	struct rte_mbuf *f;
	struct ev ev;

	ike_io_stats_read(&before);
	CU_ASSERT_EQUAL(ike_io_send(&l, &r, msg, 100), 0);
	f = sent();
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT_EQUAL(rte_pktmbuf_mtod(f, struct rte_ether_hdr *)->ether_type,
	    RTE_BE16(RTE_ETHER_TYPE_ARP));
	arp = rte_pktmbuf_mtod_offset(f, const struct rte_arp_hdr *, 14);
	CU_ASSERT(memcmp(&arp->arp_data.arp_tip, host, 4) == 0);
	rte_pktmbuf_free(f);
	CU_ASSERT_PTR_NULL(sent());
	ike_io_stats_read(&after);
	CU_ASSERT_EQUAL(after.tx_neigh_wait - before.tx_neigh_wait, 1);

	memset(&ev, 0, sizeof(ev));
	ev.type = EV_NEIGH_LEARN;
	ev.family = 4;
	ev.flags = EV_NEIGH_F_SOLICITED;
	memcpy(ev.mac, host_mac, 6);
	memcpy(ev.addr, host, 4);
	neigh_ctl_event(&ev, 1);
	f = sent();
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT(memcmp(rte_pktmbuf_mtod(f, struct rte_ether_hdr *)->dst_addr.addr_bytes, host_mac,
	              6) == 0);
	CU_ASSERT_EQUAL(f->pkt_len, 14 + 20 + 8 + 100);
	rte_pktmbuf_free(f);

	/* Now known: sent at once. */
	CU_ASSERT_EQUAL(ike_io_send(&l, &r, msg, 100), 0);
	f = sent();
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT_EQUAL(rte_pktmbuf_mtod(f, struct rte_ether_hdr *)->ether_type,
	    RTE_BE16(RTE_ETHER_TYPE_IPV4));
	rte_pktmbuf_free(f);
}

static void
test_ike_io_keepalive(void)
{
	struct ike_addr l = addr(4, GW_V4, 4500), r = addr(4, PEER_V4, 4500);
	struct ike_io_stats before, after;
	struct rte_udp_hdr *udp;
	struct rte_mbuf *f;

	ike_io_stats_read(&before);
	CU_ASSERT_EQUAL(ike_io_keepalive(&l, &r), 0);
	f = sent();
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT_EQUAL(f->pkt_len, 14 + 20 + 8 + 1);
	udp = rte_pktmbuf_mtod_offset(f, struct rte_udp_hdr *, 34);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(udp->dgram_len), 9);
	CU_ASSERT_EQUAL(((uint8_t *)(udp + 1))[0], 0xff);
	CU_ASSERT(udp_ok(4, GW_V4, PEER_V4, (uint8_t *)udp, 9));
	rte_pktmbuf_free(f);
	ike_io_stats_read(&after);
	CU_ASSERT_EQUAL(after.keepalives_out - before.keepalives_out, 1);
}

/* What the registered engine was handed. */
static struct {
	unsigned int calls;
	void *ctx;
	struct ike_addr local, remote;
	size_t len;
	uint8_t first;
} got;

static void
rx_v1(void *ctx, uint64_t now_ns, const struct ike_addr *local, const struct ike_addr *remote,
    const uint8_t *m, size_t len)
{
	got.calls++;
	got.ctx = ctx;
	got.local = *local;
	got.remote = *remote;
	got.len = len;
	got.first = m[0];
	CU_ASSERT_EQUAL(now_ns, 42);
}

/* An IKE frame as a worker punts it: from the peer to us, with an Ethernet header. */
static struct rte_mbuf *
incoming(uint16_t port, uint8_t version, size_t len, bool marker)
{
	static const uint8_t zero4[4];
	struct ike_addr l = addr(4, PEER_V4, port), r = addr(4, GW_V4, port);
	struct rte_ether_hdr *eth;
	struct rte_mbuf *p[1];

	msg[0] = 0xab;
	msg[17] = version;
	CU_ASSERT_FATAL(ike_io_build(port_table.pool, 1500, &l, &r, marker ? zero4 : NULL,
	                    marker ? 4 : 0, msg, len, p, 1) == 1);
	eth = (struct rte_ether_hdr *)rte_pktmbuf_prepend(p[0], sizeof(*eth));
	CU_ASSERT_FATAL(eth != NULL);
	memcpy(eth->dst_addr.addr_bytes, GW_MAC, 6);
	memcpy(eth->src_addr.addr_bytes, NH_MAC, 6);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	return p[0];
}

static void
input(struct rte_mbuf *m)
{
	struct ev ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = EV_IKE;
	ev.ptr = m;
	ike_io_input(&ev, 42);
	rte_pktmbuf_free(m); /* the caller's, as in the control loop */
}

static void
test_ike_io_input_dispatch(void)
{
	struct ike_io_stats before, after;
	int ctx;

	ike_io_stats_read(&before);
	memset(&got, 0, sizeof(got));
	/* No engine yet: counted, not handed anywhere. */
	input(incoming(500, 0x10, 100, false));
	ike_io_register_v1(rx_v1, &ctx);
	input(incoming(500, 0x10, 100, false));
	CU_ASSERT_EQUAL(got.calls, 1);
	CU_ASSERT_PTR_EQUAL(got.ctx, &ctx);
	CU_ASSERT_EQUAL(got.len, 100);
	CU_ASSERT_EQUAL(got.first, 0xab);
	CU_ASSERT(memcmp(got.local.a.addr, GW_V4, 4) == 0 && got.local.port == 500);
	CU_ASSERT(memcmp(got.remote.a.addr, PEER_V4, 4) == 0 && got.remote.port == 500);
	/* On 4500 the marker is not part of the message. */
	input(incoming(4500, 0x10, 120, true));
	CU_ASSERT_EQUAL(got.calls, 2);
	CU_ASSERT_EQUAL(got.len, 120);
	CU_ASSERT_EQUAL(got.first, 0xab);
	CU_ASSERT_EQUAL(got.local.port, 4500);
	/* IKEv2 without an engine; no such version; too short; ESP on 4500; not IKE's port. */
	input(incoming(500, 0x20, 100, false));
	input(incoming(500, 0x30, 100, false));
	input(incoming(500, 0x10, 27, false));
	input(incoming(4500, 0x10, 100, false));
	input(incoming(53, 0x10, 100, false));
	CU_ASSERT_EQUAL(got.calls, 2);
	ike_io_register_v1(NULL, NULL);
	input(incoming(500, 0x10, 100, false));
	CU_ASSERT_EQUAL(got.calls, 2);
	ike_io_stats_read(&after);
	CU_ASSERT_EQUAL(after.rx - before.rx, 5);
	CU_ASSERT_EQUAL(after.rx_v1 - before.rx_v1, 2);
	CU_ASSERT_EQUAL(after.no_handler - before.no_handler, 3);
	CU_ASSERT_EQUAL(after.bad - before.bad, 4);
}

/* Frames cut short or lying about their lengths never reach an engine. */
static void
test_ike_io_parse_bad(void)
{
	struct ike_addr l, r;
	const uint8_t *m;
	struct rte_mbuf *f;
	size_t len;

	f = incoming(500, 0x10, 100, false);
	CU_ASSERT_EQUAL(ike_io_parse(f, &l, &r, &m, &len), 0);
	rte_pktmbuf_mtod_offset(f, struct rte_udp_hdr *, 34)->dgram_len = RTE_BE16(200);
	CU_ASSERT_EQUAL(ike_io_parse(f, &l, &r, &m, &len), -EINVAL);
	rte_pktmbuf_mtod_offset(f, struct rte_udp_hdr *, 34)->dgram_len = RTE_BE16(7);
	CU_ASSERT_EQUAL(ike_io_parse(f, &l, &r, &m, &len), -EINVAL);
	rte_pktmbuf_mtod_offset(f, struct rte_udp_hdr *, 34)->dgram_len = RTE_BE16(108);
	rte_pktmbuf_mtod_offset(f, struct rte_ipv4_hdr *, 14)->total_length = RTE_BE16(2000);
	CU_ASSERT_EQUAL(ike_io_parse(f, &l, &r, &m, &len), -EINVAL);
	rte_pktmbuf_mtod_offset(f, struct rte_ipv4_hdr *, 14)->total_length = RTE_BE16(128);
	rte_pktmbuf_mtod_offset(f, struct rte_ipv4_hdr *, 14)->fragment_offset = RTE_BE16(0x2000);
	CU_ASSERT_EQUAL(ike_io_parse(f, &l, &r, &m, &len), -EINVAL);
	rte_pktmbuf_mtod_offset(f, struct rte_ipv4_hdr *, 14)->fragment_offset = 0;
	rte_pktmbuf_mtod_offset(f, struct rte_ipv4_hdr *, 14)->next_proto_id = IPPROTO_TCP;
	CU_ASSERT_EQUAL(ike_io_parse(f, &l, &r, &m, &len), -EINVAL);
	rte_pktmbuf_mtod_offset(f, struct rte_ipv4_hdr *, 14)->next_proto_id = IPPROTO_UDP;
	rte_pktmbuf_trim(f, 100);
	CU_ASSERT_EQUAL(ike_io_parse(f, &l, &r, &m, &len), -EINVAL);
	rte_pktmbuf_trim(f, f->data_len - 10);
	CU_ASSERT_EQUAL(ike_io_parse(f, &l, &r, &m, &len), -EINVAL);
	rte_pktmbuf_free(f);
}

static int
suite_init(void)
{
	char prefix[64], err[256];
	char *argv[] = { "test_ike_io", "--no-huge", "-m", "128", "--no-pci", "-l", "0",
		"--log-level=error", "--no-shconf", "--no-telemetry", prefix, NULL };
	struct rte_ether_addr mac;
	struct rte_eth_conf conf;
	struct neigh_entry *e;
	size_t i;
	int id;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 7 + 3);
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
	id = rte_eth_from_rings("net_ring_ikeio", &rx_ring, 1, &tx_ring, 1, SOCKET_ID_ANY);
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
	port_table.port[0].ctl_txq = 0;
	port_table.port[0].role = CONFIG_ROLE_UNPROTECTED;
	port_table.port[0].cfg = &cfg->interfaces[0];
	memcpy(port_table.port[0].mac.addr_bytes, GW_MAC, 6);
	port_table.port[0].n_v4 = 1;
	memcpy(&port_table.port[0].v4[0], GW_V4, 4);
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
	if ((e = neigh_table_add(0, 4, NH_V4)) == NULL)
		return -1;
	neigh_table_set(e, &mac, true, 1);
	if ((e = neigh_table_add(0, 6, NH_V6)) == NULL)
		return -1;
	neigh_table_set(e, &mac, true, 1);
	return 0;
}

static int
suite_fini(void)
{
	char rundir[PATH_MAX];
	struct rte_mbuf *m;

	while ((m = sent()) != NULL)
		rte_pktmbuf_free(m);
	neigh_ctl_fini();
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
	s = CU_add_suite("ike_io", suite_init, suite_fini);
	CU_add_test(s, "test_ike_io_build_v4", test_ike_io_build_v4);
	CU_add_test(s, "test_ike_io_build_v6", test_ike_io_build_v6);
	CU_add_test(s, "test_ike_io_build_refused", test_ike_io_build_refused);
	CU_add_test(s, "test_ike_io_send_via_gateway", test_ike_io_send_via_gateway);
	CU_add_test(s, "test_ike_io_send_ipv6", test_ike_io_send_ipv6);
	CU_add_test(s, "test_ike_io_send_refused", test_ike_io_send_refused);
	CU_add_test(s, "test_ike_io_send_unresolved", test_ike_io_send_unresolved);
	CU_add_test(s, "test_ike_io_keepalive", test_ike_io_keepalive);
	CU_add_test(s, "test_ike_io_input_dispatch", test_ike_io_input_dispatch);
	CU_add_test(s, "test_ike_io_parse_bad", test_ike_io_parse_bad);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return fails == 0 ? 0 : 1;
}
