/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/neigh_table.c: creating the neighbour table and the control core's writes to it. */
#include <errno.h>
#include <stdio.h>

#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "fastpath/neigh_table.h"

struct neigh_table *neigh_table;

int
neigh_table_create(void)
{
	struct rte_hash_parameters prm = {
		.name = "neigh",
		.entries = NEIGH_MAX,
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

struct neigh_entry *
neigh_table_add(uint16_t port, uint8_t family, const uint8_t *addr)
{
	struct neigh_entry *e = neigh_table_find(port, family, addr);
	uint32_t i;

	if (e != NULL)
		return e;
	i = neigh_table->n;
	if (i == NEIGH_MAX)
		return NULL;
	e = &neigh_table->e[i];
	neigh_key_make(&e->key, port, family, addr);
	/* The entry is complete before the hash (and so any reader) can reach it. */
	if (rte_hash_add_key_data(neigh_table->h, &e->key, (void *)(uintptr_t)i) != 0)
		return NULL;
	__atomic_store_n(&neigh_table->n, i + 1, __ATOMIC_RELEASE);
	return e;
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
