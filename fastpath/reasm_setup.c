/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/reasm_setup.c: a worker's reassembly table, made and freed on the control core. */
#include <rte_cycles.h>
#include <rte_malloc.h>

#include "common/limits.h"
#include "fastpath/reasm.h"

struct reasm *
reasm_create(int socket)
{
	uint64_t hz = rte_get_tsc_hz();
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
	rte_free(r);
}
