/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/reasm_setup.c: a worker's reassembly table, made and freed on the control core. */
#include <stdio.h>

#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "common/limits.h"
#include "fastpath/reasm.h"

struct reasm *
reasm_create(int socket)
{
	static unsigned int n_made;
	uint64_t hz = rte_get_tsc_hz();
	char name[RTE_MEMPOOL_NAMESIZE];
	struct reasm *r;

	r = rte_zmalloc_socket("reasm", sizeof(*r), RTE_CACHE_LINE_SIZE, socket);
	if (r == NULL)
		return NULL;
	/* Buckets of REASM_BUCKET_ENTRIES; a bucket that is full drops the new packet. */
	r->tbl = rte_ip_frag_table_create(REASM_FLOWS / REASM_BUCKET_ENTRIES, REASM_BUCKET_ENTRIES,
	    REASM_FLOWS, hz * REASM_TIMEOUT_MS / 1000, socket);
	if (r->tbl == NULL) {
		rte_free(r);
		return NULL;
	}
	r->tick = hz / 10;
	/* A private pool per worker: its name only has to be unique. */
	snprintf(name, sizeof(name), "reasm_big_%u",
	    __atomic_fetch_add(&n_made, 1, __ATOMIC_RELAXED));
	r->big = rte_pktmbuf_pool_create(name, REASM_BIG_MBUFS, 0, 0,
	    (uint16_t)(REASM_BIG_ROOM + RTE_PKTMBUF_HEADROOM), socket);
	if (r->big == NULL) {
		rte_ip_frag_table_destroy(r->tbl);
		rte_free(r);
		return NULL;
	}
	return r;
}

void
reasm_destroy(struct reasm *r)
{
	if (r == NULL)
		return;
	/* The table's destruction frees the fragments it still holds. */
	rte_ip_frag_free_death_row(&r->dr, 0);
	rte_ip_frag_table_destroy(r->tbl);
	/* Called once the workers stopped: no big mbuf is out any more. */
	rte_mempool_free(r->big);
	rte_free(r);
}
