/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/route.h: the forwarding table: IPv4 and IPv6 FIBs from the config, and their next hops. */
#ifndef FASTIPSEC_ROUTE_H
#define FASTIPSEC_ROUTE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_fib.h>
#include <rte_fib6.h>

#include "common/limits.h"
#include "config/config.h"

/*
 * One lookup tells where a destination goes: to us (LOCAL, the /32 and
 * /128 of our own addresses), on a connected network (CONNECTED, from each
 * interface address ADDR/LEN), through a gateway (GATEWAY, the config's
 * routes), or nowhere (ROUTE_NH_NONE).  The longest prefix wins; between
 * equal prefixes LOCAL beats CONNECTED beats GATEWAY.
 *
 * Owner: the control core builds the whole table from the config (after
 * port_setup(): port indices are config interface indices) and publishes
 * it by one pointer with a release store; nothing in it changes after
 * that.  Workers and the telemetry thread read it without locks.  They
 * take the pointer once per burst with route_table_current() and pass
 * that same table to the lookups and to route_nexthop(): a next-hop index
 * means something only in the table that returned it.  Run-time route
 * changes are meant to build a new table and swap the pointer, freeing
 * the old one after an RCU grace period.
 *
 * The lookups, route_nexthop() and route_next_addr() are static inline so
 * that the per-packet callers hold their code (route.c only builds and
 * frees, and is not a per-packet object).
 */

enum route_nh_kind {
	ROUTE_NH_LOCAL = 0, /* one of our own addresses: the packet is for us */
	ROUTE_NH_CONNECTED, /* on the network of port: resolve the destination itself */
	ROUTE_NH_GATEWAY,   /* through gw on port: resolve gw */
};

/* Lookup result for a destination no prefix covers (also the FIBs' default next hop). */
#define ROUTE_NH_NONE ((uint16_t)NEXTHOP_MAX)

struct route_nexthop {
	uint16_t port;  /* port index (config interface index) */
	uint8_t kind;   /* enum route_nh_kind */
	uint8_t family; /* 4 or 6 */
	uint8_t gw[16]; /* GATEWAY: network byte order, 4 bytes for IPv4; else zero */
};

struct route_table {
	struct rte_fib *fib4;  /* DIR24_8; NULL when the config has no IPv4 prefix */
	struct rte_fib6 *fib6; /* TRIE; NULL when the config has no IPv6 prefix */
	unsigned int n_v4;     /* prefixes in fib4 */
	unsigned int n_v6;     /* prefixes in fib6 */
	unsigned int tbl8_v4;  /* tbl8 groups fib4 was sized for */
	unsigned int tbl8_v6;  /* tbl8 groups fib6 was sized for */
	unsigned int n_nh;     /* next hops in nh[] */
	uint32_t gen;          /* this table's number (from 1): what a next-hop index memo names */
	struct route_nexthop nh[]; /* indexed by the value the FIBs store */
};

/* The published table, or NULL.  Read it through route_table_current(). */
extern struct route_table *route_table;

/*
 * Build the table from @p cfg and publish it.  Returns 0, or -errno with one
 * line in @p err: -EEXIST when a table is already published, -ENOMEM when
 * the FIBs do not fit in DPDK memory, -ENOSPC when a FIB is full, -EINVAL
 * for a prefix the config loader would have refused.  Control core only.
 */
int route_table_create(const struct config *cfg, char *err, size_t errlen);

/* Unpublish and free the table.  Control core, once no worker can read it. */
void route_table_destroy(void);

/* The current table: once per burst, on any thread. */
static inline const struct route_table *
route_table_current(void)
{
	return __atomic_load_n(&route_table, __ATOMIC_ACQUIRE);
}

/*
 * Look up @p n IPv4 destinations (network byte order) into next-hop
 * indices, ROUTE_NH_NONE where nothing matches.  Any thread; no
 * allocation (BURST_MAX at a time through arrays on the stack).
 */
static inline void
route_lookup_v4(const struct route_table *rt, const uint32_t *dst_be, uint16_t *nh, unsigned int n)
{
	uint32_t ips[BURST_MAX]; /* DPDK takes IPv4 keys in host byte order */
	uint64_t res[BURST_MAX];
	unsigned int i, k;

	for (; n > 0; n -= k, dst_be += k, nh += k) {
		k = RTE_MIN(n, (unsigned int)BURST_MAX);
		if (unlikely(rt->fib4 == NULL)) {
			for (i = 0; i < k; i++)
				nh[i] = ROUTE_NH_NONE;
			continue;
		}
		for (i = 0; i < k; i++)
			ips[i] = rte_be_to_cpu_32(dst_be[i]);
		rte_fib_lookup_bulk(rt->fib4, ips, res, (int)k);
		for (i = 0; i < k; i++)
			nh[i] = (uint16_t)res[i];
	}
}

/* The same for IPv6 destinations. */
static inline void
route_lookup_v6(const struct route_table *rt, const uint8_t (*dst)[16], uint16_t *nh,
    unsigned int n)
{
	uint64_t res[BURST_MAX];
	unsigned int i, k;

	for (; n > 0; n -= k, dst += k, nh += k) {
		k = RTE_MIN(n, (unsigned int)BURST_MAX);
		if (unlikely(rt->fib6 == NULL)) {
			for (i = 0; i < k; i++)
				nh[i] = ROUTE_NH_NONE;
			continue;
		}
		/* DPDK 22.11 takes the keys without const but only reads them. */
		rte_fib6_lookup_bulk(rt->fib6, (uint8_t(*)[16])(uintptr_t)dst, res, (int)k);
		for (i = 0; i < k; i++)
			nh[i] = (uint16_t)res[i];
	}
}

/* The next hop of index @p nh in @p rt, or NULL for ROUTE_NH_NONE. */
static inline const struct route_nexthop *
route_nexthop(const struct route_table *rt, uint16_t nh)
{
	return likely(nh < rt->n_nh) ? &rt->nh[nh] : NULL;
}

/*
 * The address to resolve with ARP or ND for a packet to @p dst through
 * @p nh, into @p out (4 or 16 bytes, network byte order): the gateway for
 * GATEWAY, @p dst itself for CONNECTED (and LOCAL).
 */
static inline void
route_next_addr(const struct route_nexthop *nh, const uint8_t *dst, uint8_t *out)
{
	memcpy(out, nh->kind == ROUTE_NH_GATEWAY ? nh->gw : dst, nh->family == 4 ? 4 : 16);
}

#endif
