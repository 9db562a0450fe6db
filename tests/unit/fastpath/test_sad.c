/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/fastpath/test_sad.c: the worker's SAD, its memo in front of the hash included. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <netinet/in.h>
#include <rte_byteorder.h>
#include <rte_eal.h>
#include <rte_memory.h>

#include "common/limits.h"
#include "fastpath/sad.h"

/* More SAs than the memo has slots: some share a slot, and a lookup must never return the wrong one. */
#define N_SAS 3000

static struct sa_rt_in sas[N_SAS], other_sa;

static void
key_of(struct sa_key *k, unsigned int i, uint8_t family)
{
	memset(k, 0, sizeof(*k));
	k->spi = rte_cpu_to_be_32(0x1000 + i * 7919u);
	k->proto = IPPROTO_ESP;
	k->family = family;
	k->dst[0] = 192;
	k->dst[1] = 0;
	k->dst[2] = 2;
	k->dst[3] = (uint8_t)(1 + i % 2); /* two of our addresses */
}

/* Look every SA up in bursts of BURST_MAX, twice (memo cold, then warm); count the wrong answers. */
static unsigned int
check_all(struct sad *sad, const bool *present)
{
	struct sa_key keys[BURST_MAX];
	struct sa_rt_in *rt[BURST_MAX];
	unsigned int pass, i, j, n, bad = 0;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < N_SAS; i += n) {
			n = N_SAS - i < BURST_MAX ? N_SAS - i : BURST_MAX;
			for (j = 0; j < n; j++)
				keys[j] = sas[i + j].key;
			sad_lookup(sad, keys, rt, n);
			for (j = 0; j < n; j++)
				bad += rt[j] != (present[i + j] ? &sas[i + j] : NULL);
		}
	}
	return bad;
}

static void
test_sad_lookup_insert_remove(void)
{
	static bool present[N_SAS];
	struct sad *sad = sad_create(0, SOCKET_ID_ANY);
	struct sa_key other;
	struct sa_rt_in *rt;
	unsigned int i;

	CU_ASSERT_FATAL(sad != NULL);
	for (i = 0; i < N_SAS; i++) {
		key_of(&sas[i].key, i, 4);
		CU_ASSERT_FATAL(sad_insert(sad, &sas[i]) == 0);
		present[i] = true;
	}
	CU_ASSERT_EQUAL(check_all(sad, present), 0);
	/* The same SPI for another of our addresses, family or protocol is another SA. */
	other = sas[5].key;
	other.dst[3] = 9;
	sad_lookup(sad, &other, &rt, 1);
	CU_ASSERT_PTR_NULL(rt);
	other = sas[5].key;
	other.proto = IPPROTO_AH;
	sad_lookup(sad, &other, &rt, 1);
	CU_ASSERT_PTR_NULL(rt);
	/* Removed SAs are not found, even just after a lookup put them in the memo. */
	for (i = 0; i < N_SAS; i += 3) {
		CU_ASSERT(sad_remove(sad, &sas[i]) == 0);
		present[i] = false;
	}
	CU_ASSERT_EQUAL(check_all(sad, present), 0);
	CU_ASSERT_PTR_NULL(sad_find(sad, &sas[0].key));
	CU_ASSERT_PTR_EQUAL(sad_find(sad, &sas[1].key), &sas[1]);
	CU_ASSERT(sad_remove(sad, &sas[0]) != 0); /* not there any more */
	/* Back again. */
	for (i = 0; i < N_SAS; i += 3) {
		CU_ASSERT(sad_insert(sad, &sas[i]) == 0);
		present[i] = true;
	}
	CU_ASSERT_EQUAL(check_all(sad, present), 0);
	/* A second SA entered under a key already held replaces the first, memo included. */
	sad_lookup(sad, &sas[7].key, &rt, 1);
	CU_ASSERT_PTR_EQUAL(rt, &sas[7]);
	other_sa = sas[7];
	CU_ASSERT(sad_insert(sad, &other_sa) == 0);
	sad_lookup(sad, &sas[7].key, &rt, 1);
	CU_ASSERT_PTR_EQUAL(rt, &other_sa);
	sad_destroy(sad);
}

static int
suite_init(void)
{
	char prefix[64];
	char *argv[] = { "test_sad", "--no-huge", "-m", "64", "--no-pci", "-l", "0",
		"--log-level=error", "--no-shconf", "--no-telemetry", prefix, NULL };

	snprintf(prefix, sizeof(prefix), "--file-prefix=fipt-sad-%d", (int)getpid());
	return rte_eal_init(11, argv) < 0 ? -1 : 0;
}

static int
suite_fini(void)
{
	char rundir[PATH_MAX];

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
	s = CU_add_suite("sad", suite_init, suite_fini);
	CU_add_test(s, "test_sad_lookup_insert_remove", test_sad_lookup_insert_remove);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return fails == 0 ? 0 : 1;
}
