/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/port.h: the gateway's ports, their queues and addresses. */
#ifndef FASTIPSEC_PORT_H
#define FASTIPSEC_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_mempool.h>

#include "common/limits.h"
#include "config/config.h"

/*
 * Runtime view of one configured interface.  Built by the control core
 * before the workers start; read-only afterwards (workers read it without
 * synchronisation, the telemetry thread reads it too).
 */
struct port {
	uint16_t port_id; /* DPDK port id */
	uint16_t n_rxq;   /* rx queues: queue q is polled by worker q */
	uint16_t n_txq;   /* tx queues: worker w sends on queue w */
	int ctl_txq;      /* the control core's tx queue, or -1: use worker 0's ring */
	uint16_t mtu;
	enum config_role role;
	struct rte_ether_addr mac;
	unsigned int n_v4;
	uint32_t v4[CONFIG_ADDRS_MAX]; /* network byte order */
	uint8_t v4_len[CONFIG_ADDRS_MAX];
	unsigned int n_v6;
	uint8_t v6[CONFIG_ADDRS_MAX][16];
	uint8_t v6_len[CONFIG_ADDRS_MAX];
	const struct config_interface *cfg;
};

struct port_table {
	unsigned int n;
	/* Every port's addresses in one short run, for the per-packet "is it ours?". */
	unsigned int n_local_v4;
	uint32_t local_v4[PORTS_MAX * CONFIG_ADDRS_MAX]; /* network byte order */
	unsigned int n_local_v6;
	uint8_t local_v6[PORTS_MAX * CONFIG_ADDRS_MAX][16];
	struct port port[PORTS_MAX];
	struct rte_mempool *pool;
	/* Set (release) by port_start(): the workers poll no queue before (acquire). */
	bool started;
};

extern struct port_table port_table;

/*
 * Find, configure and start every interface's port for @p n_workers
 * workers.  On failure returns -errno and writes one line to @p err
 * (a port name that does not exist lists the ports that do).
 * Owner: control core, before the workers start.
 */
int port_setup(const struct config *cfg, unsigned int n_workers, char *err, size_t errlen);

/* Stop and close every port and free the pool.  Control core, after the workers stopped. */
void port_teardown(void);

/*
 * Start every port, after port_setup() and once the workers run with their
 * SAs in place: nothing arrives before there is something to match it.
 * Returns 0, or -errno with one line in @p err.  Control core only.
 */
int port_start(char *err, size_t errlen);

/*
 * Gather every port's addresses into port_table.local_v4/_v6 (what
 * port_is_local_v4/_v6 scan).  port_setup() calls it; so does whoever
 * fills port_table by hand.  Before the workers start.
 */
void port_index_addresses(void);

/* Link state of port index @p i (not the DPDK id): 1 up, 0 down. */
int port_link_up(unsigned int i);

/* Index of the port with DPDK id @p port_id, or -1. */
int port_index(uint16_t port_id);

/*
 * Is @p addr (network byte order) one of the gateway's IPv4 / IPv6
 * addresses, on any port?  Per packet on the workers: a linear scan of
 * the few configured addresses.
 */
static inline bool
port_is_local_v4(uint32_t addr)
{
	unsigned int i;

	for (i = 0; i < port_table.n_local_v4; i++) {
		if (port_table.local_v4[i] == addr)
			return true;
	}
	return false;
}

static inline bool
port_is_local_v6(const uint8_t addr[16])
{
	uint64_t a[2], b[2];
	unsigned int i;

	memcpy(a, addr, 16);
	for (i = 0; i < port_table.n_local_v6; i++) {
		memcpy(b, port_table.local_v6[i], 16);
		if (((a[0] ^ b[0]) | (a[1] ^ b[1])) == 0)
			return true;
	}
	return false;
}

/* Is @p addr on one of @p p's connected networks (and not one of its own addresses)? */
bool port_on_link(const struct port *p, uint8_t family, const uint8_t *addr);

/* Port @p p's own address on the network of @p addr, into @p out: true, or false when none. */
bool port_src_for(const struct port *p, uint8_t family, const uint8_t *addr, uint8_t *out);

#endif
