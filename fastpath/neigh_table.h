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
#include <rte_rcu_qsbr.h>

#include "common/limits.h"
#include "fastpath/addr.h"

/*
 * Owner: the control core alone adds, changes and frees entries (single
 * writer).  Workers and the telemetry thread read without locks: the hash is
 * created with RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF, and an entry's MAC and
 * state are one 64-bit word written and read atomically.
 *
 * The array e[] never moves, but its slots are reused.  When the table is
 * nearly full, neigh_table_reclaim() frees stale learned entries in two
 * phases: (a) retire: the MAC word is set to 0 (release), the key is deleted
 * from the hash (its key slot is kept: no_free_on_del) and the index waits
 * with an rte_rcu_qsbr token; (b) once every worker has passed a quiescent
 * state since, the key slot is freed and the index goes on the free list.  A
 * worker's hash lookup and the MAC read after it lie within one loop pass, so
 * they never see a slot reused.  A worker's neigh_cache keeps entry pointers
 * across passes; for those, the control core writes in this order: MAC = 0
 * (release, at retire), [grace period], the new key, and only later a new
 * MAC (release), and the reader checks key, loads the MAC (acquire), and
 * checks the key again.  A MAC it accepts is 0 (a miss), the old MAC while
 * the old key is still there (it read the MAC before the grace period ended,
 * so the key could not have been rewritten yet), or a new MAC released after
 * the new key was complete, which the second key check then sees.
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
	bool in_use;        /* false while retiring or free: atomic (telemetry reads it) */
	/* control core only: packets waiting for this neighbour's MAC (data at L3) */
	uint8_t n_pending;
	uint64_t pending_since;
	struct rte_mbuf *pending[NEIGH_PENDING_MAX];
};

/* An entry freed but perhaps still seen by a worker (control core only). */
struct neigh_retiring {
	uint32_t idx;   /* index into e[] */
	int32_t pos;    /* its key slot in the hash, to free; -1: none */
	uint64_t token; /* rte_rcu_qsbr_start() at retire */
};

struct neigh_table {
	struct rte_hash *h;
	uint32_t n;         /* high-water: slots e[0..n) were ever used: atomic */
	uint32_t used;      /* entries in use: atomic (telemetry reads it) */
	uint64_t reclaimed; /* stale entries retired to make room: atomic */
	uint64_t full;      /* adds that failed, no room even after reclaiming: atomic */
	/* control core only */
	uint32_t hand;     /* clock hand of the reclaim scan */
	uint32_t n_free;   /* free[0..n_free): reusable indexes */
	uint32_t ret_head; /* retiring[] is a FIFO ring of ret_count */
	uint32_t ret_count;
	uint32_t free[NEIGH_MAX];
	struct neigh_retiring retiring[NEIGH_MAX];
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
 * lookup.  It holds entry pointers only, never a MAC: entries never move, so
 * a remembered pointer stays readable; the slot may have been reused for
 * another neighbour, which the key check, MAC load, key check sequence of
 * neigh_cache_lookup() detects (see above).  An unresolved hit goes to the
 * hash, so a freed slot that still holds the old key is not trusted.
 * Owner: one worker lcore (no sharing, no locks).
 */
struct neigh_cache {
	const struct neigh_entry *e[NEIGH_CACHE_SLOTS];
};

static inline bool
neigh_key_is(const struct neigh_key *k, uint16_t port, uint8_t family, const uint8_t *addr)
{
	return k->port == port && k->family == family && addr_eq(k->addr, addr, family);
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
	/* Key, MAC (acquire), key again: a slot reused meanwhile fails the second check. */
	if (likely(e != NULL && neigh_key_is(&e->key, port, family, addr) &&
	        neigh_entry_mac(e, mac) && neigh_key_is(&e->key, port, family, addr)))
		return true;
	e = neigh_table_find(port, family, addr);
	if (e == NULL)
		return false;
	c->e[h] = e;
	return neigh_entry_mac(e, mac);
}

/*
 * Control core: find or add the entry of a neighbour (without a MAC when
 * new), in a free slot first.  Returns it, or NULL when the table is full
 * (counted in neigh_table->full; neigh_table_reclaim() makes room).
 */
struct neigh_entry *neigh_table_add(uint16_t port, uint8_t family, const uint8_t *addr);

/*
 * Control core, every tick and before adding: when more than NEIGH_MAX -
 * NEIGH_RECLAIM_BATCH entries are in use, retire up to NEIGH_RECLAIM_BATCH
 * stale learned entries (looking at NEIGH_RECLAIM_SCAN slots at most): not
 * static, no route gateway, no packet waiting, and unresolved with no probe
 * for NEIGH_PENDING_TIMEOUT_MS or resolved but unconfirmed for
 * NEIGH_REACHABLE_S at @p now_ns.  Then free the retired entries whose grace
 * period on @p qsbr is over (all of them at once when @p qsbr is NULL: no
 * workers).  Returns the number of entries retired by this call.
 */
unsigned int neigh_table_reclaim(uint64_t now_ns, struct rte_rcu_qsbr *qsbr);

/*
 * Control core: record @p mac for @p e (now @p now_ns).  A static entry
 * keeps its configured MAC unless @p is_static.  Returns true when the MAC changed.
 */
bool neigh_table_set(struct neigh_entry *e, const struct rte_ether_addr *mac, bool is_static,
    uint64_t now_ns);

#endif
