/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/fastpath/test_neigh_table.c: the neighbour table fills, reclaims stale entries and reuses their slots. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <rte_eal.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "fastpath/neigh_table.h"

#define MS     1000000ull
#define S      1000000000ull
#define T0     (1000 * S)  /* the tests' clock starts here */
#define V4_A   0xc000020au /* 192.0.2.10 */
#define V4_B   0xc000020bu /* 192.0.2.11 */
#define FILLER 0x10000u    /* filler_addr(FILLER + i) is the i-th filler */

static const uint8_t MAC1[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t MAC2[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };

/* 2001:db8::<n> */
static void
filler_addr(uint32_t n, uint8_t *a)
{
	memset(a, 0, 16);
	a[0] = 0x20;
	a[1] = 0x01;
	a[2] = 0x0d;
	a[3] = 0xb8;
	a[12] = (uint8_t)(n >> 24);
	a[13] = (uint8_t)(n >> 16);
	a[14] = (uint8_t)(n >> 8);
	a[15] = (uint8_t)n;
}

static void
v4(uint32_t host, uint8_t *a)
{
	a[0] = (uint8_t)(host >> 24);
	a[1] = (uint8_t)(host >> 16);
	a[2] = (uint8_t)(host >> 8);
	a[3] = (uint8_t)host;
}

static void
set_mac(struct neigh_entry *e, const uint8_t *m, bool is_static, uint64_t now)
{
	struct rte_ether_addr mac;

	memcpy(mac.addr_bytes, m, 6);
	neigh_table_set(e, &mac, is_static, now);
}

/* Fill the table up to NEIGH_MAX with unresolved entries last probed at @p probed. */
static void
fill(uint64_t probed)
{
	struct neigh_entry *e;
	uint8_t a[16];
	uint32_t i;

	for (i = neigh_table->used; i < NEIGH_MAX; i++) {
		filler_addr(FILLER + i, a);
		e = neigh_table_add(0, 6, a);
		CU_ASSERT_FATAL(e != NULL);
		e->probed_ns = probed;
	}
	CU_ASSERT_FATAL(neigh_table->used == NEIGH_MAX);
}

static void
reset(void)
{
	neigh_table_destroy();
	CU_ASSERT_FATAL(neigh_table_create() == 0);
}

/* A full table of unresolved entries: nothing goes before the timeout, a batch after it. */
static void
test_neigh_full_table_reclaims_unresolved(void)
{
	uint8_t a[16], old[16];
	struct neigh_entry *e;
	uint32_t i, idx;

	reset();
	fill(T0);
	filler_addr(1, a);
	CU_ASSERT(neigh_table_add(0, 6, a) == NULL);
	CU_ASSERT(neigh_table->full == 1);
	/* Not yet stale. */
	CU_ASSERT(neigh_table_reclaim(T0 + NEIGH_PENDING_TIMEOUT_MS * MS - 1, NULL) == 0);
	CU_ASSERT(neigh_table_add(0, 6, a) == NULL);
	CU_ASSERT(neigh_table->full == 2);
	CU_ASSERT(neigh_table->reclaimed == 0);
	/* Stale: one batch goes, and no more than that. */
	CU_ASSERT(
	    neigh_table_reclaim(T0 + NEIGH_PENDING_TIMEOUT_MS * MS, NULL) == NEIGH_RECLAIM_BATCH);
	CU_ASSERT(neigh_table->reclaimed == NEIGH_RECLAIM_BATCH);
	CU_ASSERT(neigh_table->used == NEIGH_MAX - NEIGH_RECLAIM_BATCH);
	CU_ASSERT(neigh_table_reclaim(T0 + NEIGH_PENDING_TIMEOUT_MS * MS, NULL) == 0);
	/* The reused entry answers to its new key only; the old key is gone. */
	e = neigh_table_add(0, 6, a);
	CU_ASSERT_FATAL(e != NULL);
	idx = (uint32_t)(e - neigh_table->e);
	filler_addr(FILLER + idx, old);
	CU_ASSERT(neigh_table_find(0, 6, a) == e);
	CU_ASSERT(neigh_table_find(0, 6, old) == NULL);
	CU_ASSERT(neigh_table->n == NEIGH_MAX);
	/* Every freed hash key slot is reusable: the whole batch fits again. */
	for (i = 1; i < NEIGH_RECLAIM_BATCH; i++) {
		filler_addr(1 + i, a);
		CU_ASSERT_FATAL(neigh_table_add(0, 6, a) != NULL);
	}
	CU_ASSERT(neigh_table->used == NEIGH_MAX);
	filler_addr(1 + i, a);
	CU_ASSERT(neigh_table_add(0, 6, a) == NULL);
}

/* Static entries, route gateways and entries with waiting packets stay; stale learned ones go. */
static void
test_neigh_reclaim_keeps_protected(void)
{
	uint64_t now = T0 + NEIGH_REACHABLE_S * S;
	unsigned int got, total = 0, rounds;
	struct neigh_entry *e;
	uint32_t i;
	uint8_t a[16];

	reset();
	for (i = 0; i < NEIGH_MAX; i++) {
		filler_addr(FILLER + i, a);
		e = neigh_table_add(0, 6, a);
		CU_ASSERT_FATAL(e != NULL);
		switch (i % 4) {
		case 0:
			set_mac(e, MAC1, true, 1);
			break;
		case 1:
			e->route_gateway = true;
			break;
		case 2:
			e->n_pending = 1; /* the table never touches e->pending[] */
			break;
		default:
			set_mac(e, MAC1, false, T0);
			break;
		}
	}
	CU_ASSERT(neigh_table_reclaim(now - 1, NULL) == 0);
	for (rounds = 0; rounds < 2 * NEIGH_MAX / NEIGH_RECLAIM_SCAN; rounds++) {
		got = neigh_table_reclaim(now, NULL);
		CU_ASSERT(got <= NEIGH_RECLAIM_BATCH);
		total += got;
	}
	/* Reclaiming stops once the table is no longer nearly full. */
	CU_ASSERT(total == NEIGH_RECLAIM_BATCH);
	CU_ASSERT(neigh_table->used == NEIGH_MAX - NEIGH_RECLAIM_BATCH);
	for (i = 0; i < NEIGH_MAX; i++) {
		e = &neigh_table->e[i];
		filler_addr(FILLER + i, a);
		if (i % 4 != 3) {
			CU_ASSERT(e->in_use && neigh_table_find(0, 6, a) == e);
		} else if (!e->in_use) {
			CU_ASSERT(neigh_table_find(0, 6, a) == NULL);
			CU_ASSERT(__atomic_load_n(&e->mac, __ATOMIC_RELAXED) == 0);
		}
	}
	for (i = 2; i < NEIGH_MAX; i += 4)
		neigh_table->e[i].n_pending = 0;
}

/* A worker's cached pointer to a reclaimed and reused entry misses for the old key. */
static void
test_neigh_cache_misses_reused_entry(void)
{
	static struct neigh_cache c;
	uint64_t now = T0 + NEIGH_REACHABLE_S * S;
	struct rte_ether_addr mac;
	struct neigh_entry *e, *eb;
	uint8_t a[4], b[4];

	reset();
	memset(&c, 0, sizeof(c));
	v4(V4_A, a);
	v4(V4_B, b);
	e = neigh_table_add(0, 4, a);
	CU_ASSERT_FATAL(e != NULL);
	set_mac(e, MAC1, false, T0);
	CU_ASSERT_FATAL(neigh_cache_lookup(&c, 0, 4, a, &mac));
	CU_ASSERT(memcmp(mac.addr_bytes, MAC1, 6) == 0);
	/* The fillers were probed just now: only A is stale. */
	fill(now);
	CU_ASSERT(neigh_table_reclaim(now, NULL) == 1);
	CU_ASSERT(!e->in_use);
	/* Retired: the cached pointer still holds A's key, but no MAC any more. */
	CU_ASSERT(!neigh_cache_lookup(&c, 0, 4, a, &mac));
	CU_ASSERT(!neigh_table_lookup(0, 4, a, &mac));
	/* B takes A's slot. */
	eb = neigh_table_add(0, 4, b);
	CU_ASSERT_FATAL(eb == e);
	CU_ASSERT(!neigh_cache_lookup(&c, 0, 4, b, &mac)); /* unresolved yet */
	set_mac(eb, MAC2, false, now);
	CU_ASSERT(!neigh_cache_lookup(&c, 0, 4, a, &mac));
	CU_ASSERT(neigh_table_find(0, 4, a) == NULL);
	CU_ASSERT_FATAL(neigh_cache_lookup(&c, 0, 4, b, &mac));
	CU_ASSERT(memcmp(mac.addr_bytes, MAC2, 6) == 0);
	CU_ASSERT(neigh_table_find(0, 4, b) == eb);
	/* No room for A again until something else goes stale. */
	CU_ASSERT(neigh_table_add(0, 4, a) == NULL);
}

/* With a reader registered, a retired slot is reused only after its quiescent state. */
static void
test_neigh_reclaim_waits_for_grace_period(void)
{
	uint64_t now = T0 + NEIGH_PENDING_TIMEOUT_MS * MS;
	struct rte_rcu_qsbr *q;
	uint8_t a[16];

	reset();
	q = rte_zmalloc("test_qsbr", rte_rcu_qsbr_get_memsize(1), RTE_CACHE_LINE_SIZE);
	CU_ASSERT_FATAL(q != NULL && rte_rcu_qsbr_init(q, 1) == 0);
	CU_ASSERT_FATAL(rte_rcu_qsbr_thread_register(q, 0) == 0);
	rte_rcu_qsbr_thread_online(q, 0);
	fill(T0);
	CU_ASSERT(neigh_table_reclaim(now, q) == NEIGH_RECLAIM_BATCH);
	CU_ASSERT(neigh_table->used == NEIGH_MAX - NEIGH_RECLAIM_BATCH);
	/* Deleted from the hash, but their key slots are still held. */
	CU_ASSERT(rte_hash_count(neigh_table->h) == NEIGH_MAX);
	filler_addr(1, a);
	/* The reader has not been quiescent since: nothing is reusable yet. */
	CU_ASSERT(neigh_table_add(0, 6, a) == NULL);
	CU_ASSERT(neigh_table_reclaim(now, q) == 0);
	CU_ASSERT(neigh_table_add(0, 6, a) == NULL);
	rte_rcu_qsbr_quiescent(q, 0);
	CU_ASSERT(neigh_table_reclaim(now, q) == 0);
	CU_ASSERT(rte_hash_count(neigh_table->h) == NEIGH_MAX - NEIGH_RECLAIM_BATCH);
	CU_ASSERT(neigh_table_add(0, 6, a) != NULL);
	rte_rcu_qsbr_thread_offline(q, 0);
	rte_rcu_qsbr_thread_unregister(q, 0);
	rte_free(q);
}

static int
suite_init(void)
{
	char prefix[64];
	char *argv[] = { "test_neigh_table", "--no-huge", "-m", "64", "--no-pci", "-l", "0",
		"--log-level=error", "--no-shconf", "--no-telemetry", prefix, NULL };

	snprintf(prefix, sizeof(prefix), "--file-prefix=fipt-neigh-%d", (int)getpid());
	if (rte_eal_init(11, argv) < 0)
		return -1;
	return neigh_table_create();
}

static int
suite_fini(void)
{
	char rundir[PATH_MAX];

	neigh_table_destroy();
	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	rmdir(rundir); /* --no-shconf leaves it empty */
	return 0;
}

int
main(void)
{
	CU_pSuite s;
	unsigned int fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("neigh_table", suite_init, suite_fini);
	CU_add_test(s, "test_neigh_full_table_reclaims_unresolved",
	    test_neigh_full_table_reclaims_unresolved);
	CU_add_test(s, "test_neigh_reclaim_keeps_protected", test_neigh_reclaim_keeps_protected);
	CU_add_test(s, "test_neigh_cache_misses_reused_entry",
	    test_neigh_cache_misses_reused_entry);
	CU_add_test(s, "test_neigh_reclaim_waits_for_grace_period",
	    test_neigh_reclaim_waits_for_grace_period);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return fails == 0 ? 0 : 1;
}
