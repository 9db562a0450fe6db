/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/fastpath/test_reasm.c: reassembly of IPv4 and IPv6 fragments addressed to the gateway, in any order. */
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
#include "fastpath/reasm.h"

#define PAYLOAD 200 /* bytes after the IP header: three fragments of 64, 64, 72 */
#define FRAG    64
#define BIG     3000 /* a packet longer than one mbuf: three fragments of 1000 */

static struct rte_mempool *pool;
static struct rte_mempool *pool4k;    /* fragments of up to 4 KB, for the too-big case */
static struct rte_mempool *frag_pool; /* where frag4() takes its mbufs: pool unless set */
static uint8_t body[8 * 2600];

/* An IPv4 fragment: @p off bytes into a payload of protocol @p proto, @p len bytes, more to come if @p mf. */
static struct rte_mbuf *
frag4(uint8_t proto, uint16_t id, uint16_t off, uint16_t len, int mf)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(frag_pool != NULL ? frag_pool : pool);
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *ip;

	CU_ASSERT_FATAL(m != NULL);
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, sizeof(*eth) + sizeof(*ip) + len);
	CU_ASSERT_FATAL(eth != NULL);
	memset(eth, 0, sizeof(*eth));
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ip = (struct rte_ipv4_hdr *)(eth + 1);
	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(sizeof(*ip) + len));
	ip->packet_id = rte_cpu_to_be_16(id);
	ip->fragment_offset =
	    rte_cpu_to_be_16((uint16_t)((off / 8) | (mf ? RTE_IPV4_HDR_MF_FLAG : 0)));
	ip->time_to_live = 64;
	ip->next_proto_id = proto;
	ip->src_addr = rte_cpu_to_be_32(0xc0000201); /* 192.0.2.1 */
	ip->dst_addr = rte_cpu_to_be_32(0xc0000202); /* 192.0.2.2 */
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	memcpy(ip + 1, body + off, len);
	return m;
}

/* The same for IPv6: fixed header, fragment header, then the piece. */
static struct rte_mbuf *
frag6(uint8_t proto, uint32_t id, uint16_t off, uint16_t len, int mf)
{
	static const uint8_t src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	struct rte_ipv6_fragment_ext *fh;
	struct rte_ether_hdr *eth;
	struct rte_ipv6_hdr *ip6;

	CU_ASSERT_FATAL(m != NULL);
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m,
	    sizeof(*eth) + sizeof(*ip6) + sizeof(*fh) + len);
	CU_ASSERT_FATAL(eth != NULL);
	memset(eth, 0, sizeof(*eth));
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
	ip6 = (struct rte_ipv6_hdr *)(eth + 1);
	memset(ip6, 0, sizeof(*ip6));
	ip6->vtc_flow = RTE_BE32(0x60000000);
	ip6->payload_len = rte_cpu_to_be_16((uint16_t)(sizeof(*fh) + len));
	ip6->proto = 44;
	ip6->hop_limits = 64;
	memcpy(ip6->src_addr, src, 16);
	memcpy(ip6->dst_addr, dst, 16);
	fh = (struct rte_ipv6_fragment_ext *)(ip6 + 1);
	fh->next_header = proto;
	fh->reserved = 0;
	fh->frag_data = rte_cpu_to_be_16((uint16_t)(off | (mf ? 1 : 0)));
	fh->id = rte_cpu_to_be_32(id);
	memcpy(fh + 1, body + off, len);
	return m;
}

/* Feed the three pieces in @p order; the last must complete the packet. */
static struct rte_mbuf *
feed(struct reasm *r, struct rte_mbuf *piece[3], const int order[3])
{
	struct rte_mbuf *done = NULL;
	enum drop_reason why;
	int i;

	for (i = 0; i < 3; i++) {
		struct rte_ether_hdr *eth =
		    rte_pktmbuf_mtod(piece[order[i]], struct rte_ether_hdr *);

		if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV4))
			done = reasm_ipv4(r, piece[order[i]], &why);
		else
			done = reasm_ipv6(r, piece[order[i]], &why);
		CU_ASSERT_EQUAL(why, DROP_NONE);
		if (i < 2)
			CU_ASSERT(done == NULL);
	}
	return done;
}

static const int orders[][3] = { { 0, 1, 2 }, { 2, 1, 0 }, { 1, 2, 0 }, { 2, 0, 1 } };

static void
test_ipv4_any_order(void)
{
	struct reasm *r = reasm_create(SOCKET_ID_ANY);
	struct reasm_stats st;
	unsigned int k;

	CU_ASSERT_FATAL(r != NULL);
	for (k = 0; k < RTE_DIM(orders); k++) {
		struct rte_mbuf *piece[3] = {
			frag4(IPPROTO_ESP, (uint16_t)(100 + k), 0, FRAG, 1),
			frag4(IPPROTO_ESP, (uint16_t)(100 + k), FRAG, FRAG, 1),
			frag4(IPPROTO_ESP, (uint16_t)(100 + k), 2 * FRAG, PAYLOAD - 2 * FRAG, 0),
		};
		struct rte_mbuf *m = feed(r, piece, orders[k]);
		struct rte_ipv4_hdr *ip;

		CU_ASSERT_FATAL(m != NULL);
		CU_ASSERT_EQUAL(m->nb_segs, 1);
		CU_ASSERT_EQUAL(m->pkt_len, sizeof(struct rte_ether_hdr) + 20 + PAYLOAD);
		ip =
		    rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, sizeof(struct rte_ether_hdr));
		CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->total_length), 20 + PAYLOAD);
		CU_ASSERT_EQUAL(ip->fragment_offset & RTE_BE16(0x3fff), 0);
		CU_ASSERT_EQUAL(rte_raw_cksum(ip, 20), 0xffff);
		CU_ASSERT(memcmp(ip + 1, body, PAYLOAD) == 0);
		rte_pktmbuf_free(m);
	}
	reasm_stats_read(r, &st);
	CU_ASSERT_EQUAL(st.fragments, 3 * RTE_DIM(orders));
	CU_ASSERT_EQUAL(st.packets, RTE_DIM(orders));
	CU_ASSERT_EQUAL(st.freed, 0);
	reasm_destroy(r);
}

static void
test_ipv6_any_order(void)
{
	struct reasm *r = reasm_create(SOCKET_ID_ANY);
	struct reasm_stats st;
	unsigned int k;

	CU_ASSERT_FATAL(r != NULL);
	for (k = 0; k < RTE_DIM(orders); k++) {
		struct rte_mbuf *piece[3] = {
			frag6(IPPROTO_UDP, 7 + k, 0, FRAG, 1),
			frag6(IPPROTO_UDP, 7 + k, FRAG, FRAG, 1),
			frag6(IPPROTO_UDP, 7 + k, 2 * FRAG, PAYLOAD - 2 * FRAG, 0),
		};
		struct rte_mbuf *m = feed(r, piece, orders[k]);
		struct rte_ipv6_hdr *ip6;

		CU_ASSERT_FATAL(m != NULL);
		CU_ASSERT_EQUAL(m->nb_segs, 1);
		CU_ASSERT_EQUAL(m->pkt_len, sizeof(struct rte_ether_hdr) + 40 + PAYLOAD);
		ip6 =
		    rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, sizeof(struct rte_ether_hdr));
		CU_ASSERT_EQUAL(ip6->proto, IPPROTO_UDP);
		CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip6->payload_len), PAYLOAD);
		CU_ASSERT(memcmp(ip6 + 1, body, PAYLOAD) == 0);
		rte_pktmbuf_free(m);
	}
	reasm_stats_read(r, &st);
	CU_ASSERT_EQUAL(st.packets, RTE_DIM(orders));
	reasm_destroy(r);
}

/* A fragment of a protocol the gateway does not speak is dropped, not held. */
static void
test_not_ours(void)
{
	struct reasm *r = reasm_create(SOCKET_ID_ANY);
	unsigned int before = rte_mempool_avail_count(pool);
	enum drop_reason why;

	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT(reasm_ipv4(r, frag4(IPPROTO_TCP, 1, 0, FRAG, 1), &why) == NULL);
	CU_ASSERT_EQUAL(why, DROP_FRAGMENT);
	CU_ASSERT(reasm_ipv6(r, frag6(IPPROTO_TCP, 1, 0, FRAG, 1), &why) == NULL);
	CU_ASSERT_EQUAL(why, DROP_FRAGMENT);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(pool), before);
	reasm_destroy(r);
}

/* Incomplete packets are held; destroying the table gives every mbuf back. */
static void
test_destroy_frees(void)
{
	struct reasm *r = reasm_create(SOCKET_ID_ANY);
	unsigned int before = rte_mempool_avail_count(pool);
	enum drop_reason why;
	uint16_t id;

	CU_ASSERT_FATAL(r != NULL);
	for (id = 0; id < 8; id++) {
		CU_ASSERT(reasm_ipv4(r, frag4(IPPROTO_ESP, id, 0, FRAG, 1), &why) == NULL);
		CU_ASSERT_EQUAL(why, DROP_NONE);
	}
	CU_ASSERT(rte_mempool_avail_count(pool) < before);
	reasm_tick(r, rte_rdtsc()); /* nothing has timed out yet */
	CU_ASSERT(rte_mempool_avail_count(pool) < before);
	reasm_destroy(r);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(pool), before);
}

/* More packets in progress than the table holds: the excess is let go, never leaked. */
static void
test_table_full(void)
{
	struct reasm *r = reasm_create(SOCKET_ID_ANY);
	unsigned int before = rte_mempool_avail_count(pool);
	struct reasm_stats st;
	enum drop_reason why;
	uint16_t id;

	CU_ASSERT_FATAL(r != NULL);
	for (id = 0; id < 4 * 64; id++)
		(void)reasm_ipv4(r, frag4(IPPROTO_ESP, id, 0, FRAG, 1), &why);
	reasm_stats_read(r, &st);
	CU_ASSERT(st.freed > 0);
	CU_ASSERT(before - rte_mempool_avail_count(pool) <= 64);
	reasm_destroy(r);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(pool), before);
}

/*
 * An IKE message over UDP longer than one mbuf (certificates): the
 * reassembled chain is copied into one of the worker's big mbufs, one
 * segment; beyond REASM_BIG_ROOM it is dropped as too big.
 */
static void
test_longer_than_an_mbuf(void)
{
	struct reasm *r = reasm_create(SOCKET_ID_ANY);
	struct rte_mbuf *m, *piece[3];
	struct reasm_stats st;
	struct rte_ipv4_hdr *ip;
	enum drop_reason why;
	unsigned int k;

	CU_ASSERT_FATAL(r != NULL);
	for (k = 0; k < 2; k++) {
		piece[0] = frag4(IPPROTO_UDP, (uint16_t)(300 + k), 0, 1000, 1);
		piece[1] = frag4(IPPROTO_UDP, (uint16_t)(300 + k), 1000, 1000, 1);
		piece[2] = frag4(IPPROTO_UDP, (uint16_t)(300 + k), 2000, 1000, 0);
		m = feed(r, piece, orders[k]);
		CU_ASSERT_FATAL(m != NULL);
		CU_ASSERT_EQUAL(m->nb_segs, 1);
		CU_ASSERT_EQUAL(m->pkt_len, sizeof(struct rte_ether_hdr) + 20 + BIG);
		CU_ASSERT_EQUAL(m->data_len, m->pkt_len);
		CU_ASSERT(m->pool != pool); /* a big one */
		ip =
		    rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, sizeof(struct rte_ether_hdr));
		CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->total_length), 20 + BIG);
		CU_ASSERT_EQUAL(rte_raw_cksum(ip, 20), 0xffff);
		CU_ASSERT(memcmp(ip + 1, body, BIG) == 0);
		rte_pktmbuf_free(m);
	}
	reasm_stats_read(r, &st);
	CU_ASSERT_EQUAL(st.big, 2);
	/* 8 fragments of 2600 bytes (the most rte_ip_frag takes): 20800 > REASM_BIG_ROOM. */
	frag_pool = pool4k;
	for (k = 0; k < 8; k++) {
		m = frag4(IPPROTO_UDP, 400, (uint16_t)(k * 2600), 2600, k < 7);
		m = reasm_ipv4(r, m, &why);
		CU_ASSERT_PTR_NULL(m);
		CU_ASSERT_EQUAL(why, k < 7 ? DROP_NONE : DROP_REASM_TOO_BIG);
	}
	frag_pool = NULL;
	reasm_stats_read(r, &st);
	CU_ASSERT_EQUAL(st.big, 2);
	reasm_destroy(r);
}

/*
 * A received frame in @p n segments: the first holds @p first bytes (after
 * its headroom), the others @p seg each (no headroom, as a scattering
 * driver or net_pcap chains them); the bytes are body's; port 3.
 */
static struct rte_mbuf *
chain(unsigned int n, uint16_t first, uint16_t seg)
{
	struct rte_mbuf *head = NULL, *m;
	uint32_t off = 0;
	unsigned int i;
	uint16_t len;
	char *d;

	for (i = 0; i < n; i++) {
		m = rte_pktmbuf_alloc(pool);
		CU_ASSERT_FATAL(m != NULL);
		len = i == 0 ? first : seg;
		if (i != 0)
			m->data_off = 0;
		d = rte_pktmbuf_append(m, len);
		CU_ASSERT_FATAL(d != NULL);
		memcpy(d, body + off, len);
		off += len;
		if (head == NULL)
			head = m;
		else
			CU_ASSERT_FATAL(rte_pktmbuf_chain(head, m) == 0);
	}
	head->port = 3;
	return head;
}

/* @p m is one segment of @p len bytes of body, with room for ESP's trailer after it. */
static void
check_linear(const struct rte_mbuf *m, uint32_t len)
{
	CU_ASSERT_EQUAL(m->nb_segs, 1);
	CU_ASSERT_EQUAL(m->next, NULL);
	CU_ASSERT_EQUAL(m->pkt_len, len);
	CU_ASSERT_EQUAL(m->data_len, len);
	CU_ASSERT_EQUAL(m->port, 3);
	CU_ASSERT(rte_pktmbuf_headroom(m) >= RTE_PKTMBUF_HEADROOM);
	CU_ASSERT(rte_pktmbuf_tailroom(m) >= RX_TAILROOM_MIN);
	CU_ASSERT(memcmp(rte_pktmbuf_mtod(m, const void *), body, len) == 0);
}

/*
 * A jumbo frame chained over four mbufs (as net_pcap hands an 8000-byte
 * frame) becomes one big buffer; the chain goes back to its pool.
 */
static void
test_linearize_jumbo(void)
{
	struct reasm *r = reasm_create(SOCKET_ID_ANY);
	unsigned int before = rte_mempool_avail_count(pool);
	struct rte_mbuf *m;
	struct reasm_stats st;
	enum drop_reason why = DROP_NONE;

	CU_ASSERT_FATAL(r != NULL);
	m = chain(4, 2048, 2176);
	CU_ASSERT_EQUAL(m->pkt_len, 8576);
	m = reasm_linearize(r, m, &why);
	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT(m->pool != pool);
	check_linear(m, 8576);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(pool), before);
	rte_pktmbuf_free(m);
	reasm_stats_read(r, &st);
	CU_ASSERT_EQUAL(st.linearized, 1);
	CU_ASSERT_EQUAL(st.big, 0);
	reasm_destroy(r);
}

/* A short chain whose first segment has room for the rest is moved in place. */
static void
test_linearize_in_place(void)
{
	struct reasm *r = reasm_create(SOCKET_ID_ANY);
	unsigned int before = rte_mempool_avail_count(pool);
	struct rte_mbuf *m, *got;
	struct reasm_stats st;
	enum drop_reason why = DROP_NONE;

	CU_ASSERT_FATAL(r != NULL);
	m = chain(3, 100, 300);
	got = reasm_linearize(r, m, &why);
	CU_ASSERT(got == m);
	check_linear(got, 700);
	rte_pktmbuf_free(got);
	/* Room for the rest, but not for the trailer after it: a big buffer. */
	m = chain(2, 1000, 1000);
	got = reasm_linearize(r, m, &why);
	CU_ASSERT_FATAL(got != NULL);
	CU_ASSERT(got->pool != pool);
	check_linear(got, 2000);
	rte_pktmbuf_free(got);
	/* One segment that fills its buffer: copied, to leave room for ESP's trailer. */
	m = chain(1, 2040, 0);
	got = reasm_linearize(r, m, &why);
	CU_ASSERT_FATAL(got != NULL);
	CU_ASSERT(got->pool != pool);
	check_linear(got, 2040);
	rte_pktmbuf_free(got);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(pool), before);
	reasm_stats_read(r, &st);
	CU_ASSERT_EQUAL(st.linearized, 3);
	reasm_destroy(r);
}

/* Too long for a big buffer, or none free: dropped with its reason, nothing leaked. */
static void
test_linearize_refused(void)
{
	struct reasm *r = reasm_create(SOCKET_ID_ANY);
	unsigned int before = rte_mempool_avail_count(pool), i;
	struct rte_mbuf *held[REASM_BIG_MBUFS], *m;
	struct reasm_stats st;
	enum drop_reason why;

	CU_ASSERT_FATAL(r != NULL);
	/* The longest that leaves RX_TAILROOM_MIN in a big buffer, then one byte more. */
	m = chain(8, REASM_BIG_ROOM - RX_TAILROOM_MIN - 7 * 2100, 2100);
	CU_ASSERT_EQUAL(m->pkt_len, REASM_BIG_ROOM - RX_TAILROOM_MIN);
	m = reasm_linearize(r, m, &why);
	CU_ASSERT_FATAL(m != NULL);
	check_linear(m, REASM_BIG_ROOM - RX_TAILROOM_MIN);
	rte_pktmbuf_free(m);
	m = chain(8, REASM_BIG_ROOM - RX_TAILROOM_MIN - 7 * 2100 + 1, 2100);
	why = DROP_NONE;
	CU_ASSERT_PTR_NULL(reasm_linearize(r, m, &why));
	CU_ASSERT_EQUAL(why, DROP_RX_TOO_LONG);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(pool), before);

	/* Every big buffer held (by the tx queues, the control core...): the next is dropped. */
	for (i = 0; i < REASM_BIG_MBUFS; i++) {
		held[i] = reasm_linearize(r, chain(2, 2048, 100), &why);
		CU_ASSERT_FATAL(held[i] != NULL);
	}
	why = DROP_NONE;
	CU_ASSERT_PTR_NULL(reasm_linearize(r, chain(2, 2048, 100), &why));
	CU_ASSERT_EQUAL(why, DROP_RX_NO_BUF);
	for (i = 0; i < REASM_BIG_MBUFS; i++)
		rte_pktmbuf_free(held[i]);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(pool), before);
	reasm_stats_read(r, &st);
	CU_ASSERT_EQUAL(st.linearized, 1 + REASM_BIG_MBUFS);
	reasm_destroy(r);
}

static int
setup(void)
{
	char prefix[64];
	char *argv[] = { "test_reasm", "--no-huge", "-m", "64", "--no-pci", "-l", "0",
		"--log-level=error", "--no-shconf", "--no-telemetry", prefix, NULL };
	unsigned int i;

	snprintf(prefix, sizeof(prefix), "--file-prefix=fipt-reasm-%d", (int)getpid());
	if (rte_eal_init(11, argv) < 0)
		return -1;
	pool = rte_pktmbuf_pool_create("reasm_test", 1023, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
	    SOCKET_ID_ANY);
	pool4k = rte_pktmbuf_pool_create("reasm_test4k", 63, 0, 0, 4096 + RTE_PKTMBUF_HEADROOM,
	    SOCKET_ID_ANY);
	for (i = 0; i < sizeof(body); i++)
		body[i] = (uint8_t)(i * 7 + 3);
	return pool == NULL || pool4k == NULL ? -1 : 0;
}

static int
teardown(void)
{
	char rundir[PATH_MAX];

	rte_mempool_free(pool);
	rte_mempool_free(pool4k);
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
	s = CU_add_suite("reasm", setup, teardown);
	CU_add_test(s, "IPv4 fragments in any order", test_ipv4_any_order);
	CU_add_test(s, "IPv6 fragments in any order", test_ipv6_any_order);
	CU_add_test(s, "fragments of other protocols dropped", test_not_ours);
	CU_add_test(s, "destroy frees held fragments", test_destroy_frees);
	CU_add_test(s, "a full table lets go, never leaks", test_table_full);
	CU_add_test(s, "a packet longer than one mbuf: one big mbuf", test_longer_than_an_mbuf);
	CU_add_test(s, "a jumbo frame in a chain: one big buffer", test_linearize_jumbo);
	CU_add_test(s, "a short chain in place, a full frame copied", test_linearize_in_place);
	CU_add_test(s, "too long or no big buffer: dropped", test_linearize_refused);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = (int)(CU_get_number_of_failures() + CU_get_number_of_suites_failed());
	CU_cleanup_registry();
	return fails != 0;
}
