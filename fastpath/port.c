/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/port.c: find, configure, start and stop the gateway's DPDK ports. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "common/log.h"
#include "fastpath/crypto_q.h"
#include "fastpath/port.h"

struct port_table port_table;

static void
list_ports(char *buf, size_t len)
{
	char name[RTE_ETH_NAME_MAX_LEN];
	size_t off = 0;
	uint16_t pid;
	int n;

	buf[0] = '\0';
	RTE_ETH_FOREACH_DEV(pid) {
		if (rte_eth_dev_get_name_by_port(pid, name) != 0)
			continue;
		n = snprintf(buf + off, len - off, "%s%s", off ? ", " : "", name);
		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
	}
	if (off == 0)
		snprintf(buf, len, "none (give them with --vdev or as PCI devices)");
}

static void
fill_addresses(struct port *p, const struct config_interface *ci)
{
	unsigned int i;

	for (i = 0; i < ci->n_addresses; i++) {
		const struct config_prefix *pf = &ci->addresses[i];

		if (pf->a.family == 4) {
			memcpy(&p->v4[p->n_v4], pf->a.addr, 4);
			p->v4_len[p->n_v4++] = pf->len;
		} else {
			memcpy(p->v6[p->n_v6], pf->a.addr, 16);
			p->v6_len[p->n_v6++] = pf->len;
		}
	}
}

void
port_index_addresses(void)
{
	unsigned int i, j;

	port_table.n_local_v4 = 0;
	port_table.n_local_v6 = 0;
	for (i = 0; i < port_table.n; i++) {
		const struct port *p = &port_table.port[i];

		for (j = 0; j < p->n_v4; j++)
			port_table.local_v4[port_table.n_local_v4++] = p->v4[j];
		for (j = 0; j < p->n_v6; j++)
			memcpy(port_table.local_v6[port_table.n_local_v6++], p->v6[j], 16);
	}
}

/* Mbufs for every descriptor of every queue, the lcore caches, the rings and the crypto queues. */
static unsigned int
pool_size(unsigned int n_workers)
{
	unsigned int i, n = 0;

	for (i = 0; i < port_table.n; i++) {
		n += port_table.port[i].n_rxq * PORT_RX_DESC;
		n += (port_table.port[i].n_txq + 1) * PORT_TX_DESC;
		n += (n_workers + 1) * BURST_MAX;
	}
	n += (n_workers + 1) * MBUF_CACHE_SIZE * 2 + n_workers * CTL_TX_RING_SIZE;
	n +=
	    n_workers * REASM_FLOWS * RTE_LIBRTE_IP_FRAG_MAX_FRAG; /* fragments being reassembled */
	n += n_workers * IKE_PUNT_MAX; /* IKE datagrams waiting for the control core */
	n += n_workers * CQ_SIZE;      /* packets whose crypto is in flight (fastpath/crypto_q.h) */
	return rte_align32pow2(n) - 1;
}

static int
port_configure(struct port *p, unsigned int n_workers, char *err, size_t errlen)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	uint16_t nrx = PORT_RX_DESC, ntx = PORT_TX_DESC, q;
	int rc;

	if ((rc = rte_eth_dev_info_get(p->port_id, &info)) != 0) {
		snprintf(err, errlen, "port %s: cannot read device info: %s", p->cfg->port,
		    strerror(-rc));
		return rc;
	}
	if (info.max_tx_queues < n_workers) {
		snprintf(err, errlen,
		    "port %s has %u tx queues, %u workers need %u (for net_af_packet give qpairs=%u)",
		    p->cfg->port, info.max_tx_queues, n_workers, n_workers, n_workers);
		return -EINVAL;
	}
	p->n_rxq = RTE_MIN(info.max_rx_queues, n_workers);
	p->n_txq = n_workers;
	/* A spare tx queue is the control core's; without one it hands packets to worker 0. */
	p->ctl_txq = info.max_tx_queues > n_workers ? (int)n_workers : -1;

	memset(&conf, 0, sizeof(conf));
	/*
	 * Frames longer than one mbuf (jumbo MTUs) arrive in chains where the
	 * device can scatter them; the workers copy those into one big buffer
	 * (fastpath/reasm.h).  The MTU is given here too where the device
	 * takes it: some drivers choose scatter at queue set-up from it.
	 */
	if (p->mtu >= info.min_mtu && p->mtu <= info.max_mtu)
		conf.rxmode.mtu = p->mtu;
	if ((uint32_t)p->mtu + RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN > MBUF_DATA_ROOM &&
	    (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER) != 0)
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_SCATTER;
	if (p->n_rxq > 1) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = RTE_ETH_RSS_IP & info.flow_type_rss_offloads;
	}
	rc = rte_eth_dev_configure(p->port_id, p->n_rxq, p->n_txq + (p->ctl_txq >= 0), &conf);
	if (rc != 0) {
		snprintf(err, errlen, "port %s: configure %u rx / %u tx queues: %s", p->cfg->port,
		    p->n_rxq, p->n_txq, strerror(-rc));
		return rc;
	}
	if ((rc = rte_eth_dev_adjust_nb_rx_tx_desc(p->port_id, &nrx, &ntx)) != 0)
		goto fail_queue;
	for (q = 0; q < p->n_rxq; q++) {
		rc = rte_eth_rx_queue_setup(p->port_id, q, nrx, rte_eth_dev_socket_id(p->port_id),
		    NULL, port_table.pool);
		if (rc != 0)
			goto fail_queue;
	}
	for (q = 0; q < p->n_txq + (p->ctl_txq >= 0); q++) {
		rc = rte_eth_tx_queue_setup(p->port_id, q, ntx, rte_eth_dev_socket_id(p->port_id),
		    NULL);
		if (rc != 0)
			goto fail_queue;
	}
	rc = rte_eth_dev_set_mtu(p->port_id, p->mtu);
	if (rc != 0 && rc != -ENOTSUP)
		log_warn(LOG_FAC_SYSTEM, "%s: port %s: cannot set mtu %u: %s", __func__,
		    p->cfg->port, p->mtu, strerror(-rc));
	rte_eth_macaddr_get(p->port_id, &p->mac);
	return 0;
fail_queue:
	snprintf(err, errlen, "port %s: queue setup: %s", p->cfg->port, strerror(-rc));
	return rc;
}

int
port_setup(const struct config *cfg, unsigned int n_workers, char *err, size_t errlen)
{
	char names[512];
	unsigned int i, need, n_mbufs;
	uint16_t pid;
	int rc;

	memset(&port_table, 0, sizeof(port_table));
	for (i = 0; i < cfg->n_interfaces; i++) {
		const struct config_interface *ci = &cfg->interfaces[i];
		struct port *p = &port_table.port[i];

		if (rte_eth_dev_get_port_by_name(ci->port, &pid) != 0) {
			list_ports(names, sizeof(names));
			snprintf(err, errlen, "interfaces[%u].port: no DPDK port '%s'; ports: %s",
			    i, ci->port, names);
			return -ENODEV;
		}
		p->port_id = pid;
		p->cfg = ci;
		p->role = ci->role;
		p->mtu = ci->mtu;
		fill_addresses(p, ci);
		port_table.n++;
	}
	port_index_addresses();
	/* Queue counts first (they size the pool), then the pool, then the queues. */
	for (i = 0; i < port_table.n; i++) {
		struct rte_eth_dev_info info;

		if (rte_eth_dev_info_get(port_table.port[i].port_id, &info) == 0) {
			port_table.port[i].n_rxq = RTE_MIN(info.max_rx_queues, n_workers);
			port_table.port[i].n_txq = n_workers;
		}
	}
	need = pool_size(n_workers);
	n_mbufs = cfg->mbufs != 0 ? cfg->mbufs : need;
	if (n_mbufs < need)
		log_warn(LOG_FAC_SYSTEM,
		    "%s: mbufs: %u is below the %u the queues, caches and rings can hold: "
		    "under load, receive queues may run dry",
		    __func__, n_mbufs, need);
	port_table.pool = rte_pktmbuf_pool_create("fip_mbufs", n_mbufs, MBUF_CACHE_SIZE, 0,
	    MBUF_DATA_ROOM + RTE_PKTMBUF_HEADROOM, (int)rte_socket_id());
	if (port_table.pool == NULL) {
		snprintf(err, errlen,
		    "cannot create the mbuf pool of %u mbufs: %s (raise --socket-mem, or lower mbufs:)",
		    n_mbufs, rte_strerror(rte_errno));
		return -ENOMEM;
	}
	for (i = 0; i < port_table.n; i++) {
		if ((rc = port_configure(&port_table.port[i], n_workers, err, errlen)) != 0)
			return rc;
	}
	return 0;
}

int
port_start(char *err, size_t errlen)
{
	unsigned int i;
	int rc;

	for (i = 0; i < port_table.n; i++) {
		struct port *p = &port_table.port[i];

		if ((rc = rte_eth_dev_start(p->port_id)) != 0) {
			snprintf(err, errlen, "port %s: start: %s", p->cfg->port, strerror(-rc));
			return rc;
		}
		/* Some drivers settle their address only once started. */
		rte_eth_macaddr_get(p->port_id, &p->mac);
	}
	__atomic_store_n(&port_table.started, true, __ATOMIC_RELEASE);
	return 0;
}

void
port_teardown(void)
{
	unsigned int i;

	for (i = 0; i < port_table.n; i++) {
		rte_eth_dev_stop(port_table.port[i].port_id);
		rte_eth_dev_close(port_table.port[i].port_id);
	}
	port_table.n = 0;
	port_table.n_local_v4 = 0;
	port_table.n_local_v6 = 0;
	port_table.started = false;
	rte_mempool_free(port_table.pool);
	port_table.pool = NULL;
}

int
port_link_up(unsigned int i)
{
	struct rte_eth_link link;

	if (i >= port_table.n || rte_eth_link_get_nowait(port_table.port[i].port_id, &link) != 0)
		return 0;
	return link.link_status == RTE_ETH_LINK_UP;
}

int
port_index(uint16_t port_id)
{
	unsigned int i;

	for (i = 0; i < port_table.n; i++) {
		if (port_table.port[i].port_id == port_id)
			return (int)i;
	}
	return -1;
}

static bool
prefix_match(const uint8_t *a, const uint8_t *b, unsigned int len)
{
	unsigned int full = len / 8, rest = len % 8;
	uint8_t mask;

	if (memcmp(a, b, full) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (uint8_t)(0xff << (8 - rest));
	return (a[full] & mask) == (b[full] & mask);
}

bool
port_src_for(const struct port *p, uint8_t family, const uint8_t *addr, uint8_t *out)
{
	unsigned int i;

	if (family == 4) {
		for (i = 0; i < p->n_v4; i++) {
			if (prefix_match((const uint8_t *)&p->v4[i], addr, p->v4_len[i])) {
				memcpy(out, &p->v4[i], 4);
				return true;
			}
		}
		return false;
	}
	for (i = 0; i < p->n_v6; i++) {
		if (prefix_match(p->v6[i], addr, p->v6_len[i])) {
			memcpy(out, p->v6[i], 16);
			return true;
		}
	}
	return false;
}

bool
port_on_link(const struct port *p, uint8_t family, const uint8_t *addr)
{
	uint8_t own[16];

	if (!port_src_for(p, family, addr, own))
		return false;
	return memcmp(own, addr, family == 4 ? 4 : 16) != 0;
}
