/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/fastpath/test_forward.c: route, TTL, MTU, neighbour and L2 of forwarded packets. */
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
#include <rte_mbuf.h>

#include "config/config.h"
#include "fastpath/forward.h"
#include "fastpath/neigh_table.h"
#include "fastpath/port.h"
#include "fastpath/route.h"
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
	CU_ASSERT_FATAL(ip != NULL);
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

	forward_burst(w, &m, 1, true);
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
	CU_ASSERT(fwd1(ip4(IP4(198, 51, 100, 7), 64, 1501)) == NULL);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_MTU], 1);
	CU_ASSERT(fwd1(ip4(IP4(192, 0, 2, 2), 64, 60)) == NULL);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_LOCAL_PROTO], 1);
	/* 1500 bytes is exactly the MTU: sent. */
	rte_pktmbuf_free(fwd1(ip4(IP4(198, 51, 100, 7), 64, 1500)));
	CU_ASSERT_EQUAL(w->stats.drops[DROP_MTU], 1);

	/* Connected but unknown: dropped, and the control core is asked to resolve it. */
	CU_ASSERT(fwd1(ip4(IP4(192, 0, 2, 50), 64, 60)) == NULL);
	CU_ASSERT_EQUAL(w->stats.drops[DROP_NO_NEIGH], 1);
	CU_ASSERT_EQUAL(rte_ring_sc_dequeue_elem(w->ev, &ev, sizeof(ev)), 0);
	CU_ASSERT_EQUAL(ev.type, EV_NEIGH_RESOLVE);
	CU_ASSERT_EQUAL(ev.family, 4);
	CU_ASSERT_EQUAL(*(uint32_t *)ev.addr, rte_cpu_to_be_32(IP4(192, 0, 2, 50)));
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
	CU_add_test(s, "test_forward_ipv6", test_forward_ipv6);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return fails == 0 ? 0 : 1;
}
