/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/neigh_table.h: the neighbour table (IPv4 ARP and IPv6 ND), one writer, lock-free readers. */
#ifndef FASTIPSEC_NEIGH_TABLE_H
#define FASTIPSEC_NEIGH_TABLE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_mbuf.h>

#include "common/limits.h"

/*
 * Owner: the control core alone adds and changes entries (single writer).
 * Workers and the telemetry thread read without locks: the hash is created
 * with RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF, entries are never removed
 * (an entry that goes stale keeps its slot), and an entry's MAC and state
 * are one 64-bit word written and read atomically.
 */
struct neigh_key {
	uint16_t port;  /* port index */
	uint8_t family; /* 4 or 6 */
	uint8_t pad;
	uint8_t addr[16];
};

#define NEIGH_MAC_VALID  (1ull << 63) /* the low 48 bits hold a MAC */
#define NEIGH_MAC_STATIC (1ull << 62) /* configured: never changed by what we learn */

struct neigh_entry {
	uint64_t mac;        /* NEIGH_MAC_* | MAC: atomic */
	uint64_t updated_ns; /* CLOCK_MONOTONIC of the last confirmation: atomic */
	uint64_t probed_ns;  /* control core only: the last probe we sent */
	struct neigh_key key;
	bool route_gateway; /* control core only: kept resolved by probes */
	/* control core only: packets waiting for this neighbour's MAC (data at L3) */
	uint8_t n_pending;
	uint64_t pending_since;
	struct rte_mbuf *pending[NEIGH_PENDING_MAX];
};

struct neigh_table {
	struct rte_hash *h;
	uint32_t n; /* entries used: atomic (telemetry reads it) */
	struct neigh_entry e[NEIGH_MAX];
};

extern struct neigh_table *neigh_table;

/* Control core, at start and at exit. */
int neigh_table_create(void);
void neigh_table_destroy(void);

static inline void
neigh_key_make(struct neigh_key *k, uint16_t port, uint8_t family, const uint8_t *addr)
{
	memset(k, 0, sizeof(*k));
	k->port = port;
	k->family = family;
	memcpy(k->addr, addr, family == 4 ? 4 : 16);
}

/* The entry for a neighbour, or NULL.  Any thread. */
static inline struct neigh_entry *
neigh_table_find(uint16_t port, uint8_t family, const uint8_t *addr)
{
	struct neigh_key k;
	void *data;

	neigh_key_make(&k, port, family, addr);
	if (rte_hash_lookup_data(neigh_table->h, &k, &data) < 0)
		return NULL;
	return &neigh_table->e[(uintptr_t)data];
}

/* The MAC in entry @p e into @p mac: true, or false while unresolved.  Any thread. */
static inline bool
neigh_entry_mac(const struct neigh_entry *e, struct rte_ether_addr *mac)
{
	uint64_t v = __atomic_load_n(&e->mac, __ATOMIC_ACQUIRE);
	int i;

	if (!(v & NEIGH_MAC_VALID))
		return false;
	for (i = 0; i < RTE_ETHER_ADDR_LEN; i++)
		mac->addr_bytes[i] = (uint8_t)(v >> (8 * (5 - i)));
	return true;
}

/* The MAC of a resolved neighbour into @p mac: true, or false when unknown.  Any thread. */
static inline bool
neigh_table_lookup(uint16_t port, uint8_t family, const uint8_t *addr, struct rte_ether_addr *mac)
{
	const struct neigh_entry *e = neigh_table_find(port, family, addr);

	return e != NULL && neigh_entry_mac(e, mac);
}

/*
 * A worker's direct-mapped memo of neighbour entries, so that a packet to a
 * known next hop costs one multiply and one compare instead of a hash-table
 * lookup.  It holds entry pointers only, never a MAC: entries are never
 * removed or moved while workers run (see above), so a remembered entry is
 * always valid and its MAC is read fresh, with the same atomic load.
 * Owner: one worker lcore (no sharing, no locks).
 */
struct neigh_cache {
	const struct neigh_entry *e[NEIGH_CACHE_SLOTS];
};

static inline bool
neigh_key_is(const struct neigh_key *k, uint16_t port, uint8_t family, const uint8_t *addr)
{
	return k->port == port && k->family == family &&
	    memcmp(k->addr, addr, family == 4 ? 4 : 16) == 0;
}

/* neigh_table_lookup() through @p c.  Worker lcore owning @p c. */
static inline bool
neigh_cache_lookup(struct neigh_cache *c, uint16_t port, uint8_t family, const uint8_t *addr,
    struct rte_ether_addr *mac)
{
	const struct neigh_entry *e;
	uint32_t h;

	/* The address's last 32 bits pick the slot (Fibonacci hashing). */
	memcpy(&h, addr + (family == 4 ? 0 : 12), 4);
	h = ((h ^ port) * 0x9e3779b1u) >> (32 - NEIGH_CACHE_BITS);
	e = c->e[h];
	if (unlikely(e == NULL || !neigh_key_is(&e->key, port, family, addr))) {
		e = neigh_table_find(port, family, addr);
		if (e == NULL)
			return false;
		c->e[h] = e;
	}
	return neigh_entry_mac(e, mac);
}

/*
 * Control core: find or add the entry of a neighbour (without a MAC when
 * new).  Returns it, or NULL when the table is full.
 */
struct neigh_entry *neigh_table_add(uint16_t port, uint8_t family, const uint8_t *addr);

/*
 * Control core: record @p mac for @p e (now @p now_ns).  A static entry
 * keeps its configured MAC unless @p is_static.  Returns true when the MAC changed.
 */
bool neigh_table_set(struct neigh_entry *e, const struct rte_ether_addr *mac, bool is_static,
    uint64_t now_ns);

#endif
