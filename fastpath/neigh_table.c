/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/neigh_table.c: creating the neighbour table and the control core's writes to it. */
#include <errno.h>
#include <stdio.h>

#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "fastpath/neigh_table.h"

struct neigh_table *neigh_table;

int
neigh_table_create(void)
{
	struct rte_hash_parameters prm = {
		.name = "neigh",
		/* Twice the slots: cuckoo hashing fails well before 100% load. */
		.entries = 2 * NEIGH_MAX,
		.key_len = sizeof(struct neigh_key),
		.hash_func = rte_jhash,
		.socket_id = (int)rte_socket_id(),
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF,
	};

	neigh_table = rte_zmalloc("neigh_table", sizeof(*neigh_table), RTE_CACHE_LINE_SIZE);
	if (neigh_table == NULL)
		return -ENOMEM;
	neigh_table->h = rte_hash_create(&prm);
	if (neigh_table->h == NULL) {
		rte_free(neigh_table);
		neigh_table = NULL;
		return -ENOMEM;
	}
	return 0;
}

void
neigh_table_destroy(void)
{
	if (neigh_table == NULL)
		return;
	rte_hash_free(neigh_table->h);
	rte_free(neigh_table);
	neigh_table = NULL;
}

static void
count_full(void)
{
	__atomic_store_n(&neigh_table->full, neigh_table->full + 1, __ATOMIC_RELAXED);
}

struct neigh_entry *
neigh_table_add(uint16_t port, uint8_t family, const uint8_t *addr)
{
	struct neigh_table *t = neigh_table;
	struct neigh_entry *e = neigh_table_find(port, family, addr);
	bool reuse;
	uint32_t i;

	if (e != NULL)
		return e;
	reuse = t->n_free != 0;
	if (reuse) {
		i = t->free[t->n_free - 1];
	} else if (t->n < NEIGH_MAX) {
		i = t->n;
	} else {
		count_full();
		return NULL;
	}
	e = &t->e[i];
	/*
	 * A reused slot's MAC is 0 since it was retired, and its grace period
	 * is over: only a worker's neigh_cache may still look at it, and it
	 * re-checks the key after loading the MAC.
	 */
	neigh_key_make(&e->key, port, family, addr);
	e->probed_ns = 0;
	e->route_gateway = false;
	e->n_pending = 0;
	e->pending_since = 0;
	__atomic_store_n(&e->updated_ns, 0, __ATOMIC_RELAXED);
	/* The entry is complete before the hash (and so any reader) can reach it. */
	if (rte_hash_add_key_data(t->h, &e->key, (void *)(uintptr_t)i) != 0) {
		count_full();
		return NULL;
	}
	if (reuse)
		t->n_free--;
	else
		__atomic_store_n(&t->n, i + 1, __ATOMIC_RELEASE);
	__atomic_store_n(&e->in_use, true, __ATOMIC_RELEASE);
	__atomic_store_n(&t->used, t->used + 1, __ATOMIC_RELAXED);
	return e;
}

/* Is @p t_ns at least @p age_ns before @p now_ns? */
static bool
older(uint64_t now_ns, uint64_t t_ns, uint64_t age_ns)
{
	return now_ns >= t_ns && now_ns - t_ns >= age_ns;
}

/* May @p e go to make room at @p now_ns?  Control core. */
static bool
stale(const struct neigh_entry *e, uint64_t now_ns)
{
	uint64_t mac = __atomic_load_n(&e->mac, __ATOMIC_RELAXED);

	if (!e->in_use || (mac & NEIGH_MAC_STATIC) || e->route_gateway || e->n_pending != 0)
		return false;
	if (!(mac & NEIGH_MAC_VALID))
		return older(now_ns, e->probed_ns, NEIGH_PENDING_TIMEOUT_MS * 1000000ull);
	return older(now_ns, e->updated_ns, NEIGH_REACHABLE_S * 1000000000ull);
}

/* Phase (a): take @p i out of the hash; workers may still read it until a grace period ends. */
static struct neigh_retiring *
retire(uint32_t i)
{
	struct neigh_table *t = neigh_table;
	struct neigh_entry *e = &t->e[i];
	struct neigh_retiring *r;
	int32_t pos;

	__atomic_store_n(&e->mac, 0, __ATOMIC_RELEASE);
	pos = rte_hash_del_key(t->h, &e->key);
	__atomic_store_n(&e->in_use, false, __ATOMIC_RELEASE);
	__atomic_store_n(&t->used, t->used - 1, __ATOMIC_RELAXED);
	__atomic_store_n(&t->reclaimed, t->reclaimed + 1, __ATOMIC_RELAXED);
	r = &t->retiring[(t->ret_head + t->ret_count) % NEIGH_MAX];
	r->idx = i;
	r->pos = pos >= 0 ? pos : -1;
	r->token = 0;
	t->ret_count++;
	return r;
}

/* Phase (b): free what no worker can see any more, oldest first. */
static void
release(struct rte_rcu_qsbr *qsbr)
{
	struct neigh_table *t = neigh_table;
	struct neigh_retiring *r;

	while (t->ret_count != 0) {
		r = &t->retiring[t->ret_head];
		if (qsbr != NULL && rte_rcu_qsbr_check(qsbr, r->token, false) != 1)
			break;
		if (r->pos >= 0)
			rte_hash_free_key_with_position(t->h, r->pos);
		t->free[t->n_free++] = r->idx;
		t->ret_head = (t->ret_head + 1) % NEIGH_MAX;
		t->ret_count--;
	}
}

unsigned int
neigh_table_reclaim(uint64_t now_ns, struct rte_rcu_qsbr *qsbr)
{
	struct neigh_table *t = neigh_table;
	struct neigh_retiring *r[NEIGH_RECLAIM_BATCH];
	unsigned int n = 0, i, scanned, scan = 0;
	uint64_t token;

	if (t->used > NEIGH_MAX - NEIGH_RECLAIM_BATCH)
		scan = RTE_MIN(t->n, (uint32_t)NEIGH_RECLAIM_SCAN);
	for (scanned = 0; scanned < scan && n < NEIGH_RECLAIM_BATCH; scanned++) {
		if (t->hand >= t->n)
			t->hand = 0;
		if (stale(&t->e[t->hand], now_ns))
			r[n++] = retire(t->hand);
		t->hand++;
	}
	if (n != 0 && qsbr != NULL) {
		/* Taken after the deletes: a worker quiescent since cannot find them. */
		token = rte_rcu_qsbr_start(qsbr);
		for (i = 0; i < n; i++)
			r[i]->token = token;
	}
	release(qsbr);
	return n;
}

bool
neigh_table_set(struct neigh_entry *e, const struct rte_ether_addr *mac, bool is_static,
    uint64_t now_ns)
{
	uint64_t old = __atomic_load_n(&e->mac, __ATOMIC_RELAXED), v = NEIGH_MAC_VALID;
	int i;

	if ((old & NEIGH_MAC_STATIC) && !is_static)
		return false;
	for (i = 0; i < RTE_ETHER_ADDR_LEN; i++)
		v |= (uint64_t)mac->addr_bytes[i] << (8 * (5 - i));
	if (is_static)
		v |= NEIGH_MAC_STATIC;
	__atomic_store_n(&e->updated_ns, now_ns, __ATOMIC_RELAXED);
	__atomic_store_n(&e->mac, v, __ATOMIC_RELEASE);
	return v != old;
}
