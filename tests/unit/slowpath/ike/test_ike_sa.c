/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/slowpath/ike/test_ike_sa.c: the shared IKE SA table: lookups, states, half-open counts, ids. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "slowpath/ike/ike.h"
#include "slowpath/ike/ike_sa.h"

#define DIM(a) (sizeof(a) / sizeof((a)[0]))
#define N_SA   300

static void
sa_make(struct ike_sa *sa, uint64_t spi_i, uint8_t peer, enum ike_sa_state st, bool initiator)
{
	memset(sa, 0, sizeof(*sa));
	sa->version = 1;
	sa->spi_i = spi_i;
	sa->state = st;
	sa->initiator = initiator;
	sa->remote.a.family = 4;
	sa->remote.a.addr[0] = 192;
	sa->remote.a.addr[2] = 2;
	sa->remote.a.addr[3] = peer;
}

static void
test_ike_sa_lookup(void)
{
	struct ike_sa_table t;
	struct ike_sa *sas = calloc(N_SA, sizeof(*sas));
	unsigned int i;

	CU_ASSERT_EQUAL_FATAL(ike_sa_table_init(&t, 64), 0);
	for (i = 0; i < N_SA; i++) {
		sa_make(&sas[i], 0x1000 + i, (uint8_t)(i % 7), IKE_SA_STATE_CONNECTING, i % 2 == 0);
		ike_sa_insert(&t, &sas[i], 1000 + i);
		CU_ASSERT_EQUAL(sas[i].id, i + 1);
		if (i % 3 == 0)
			ike_sa_set_spi_r(&t, &sas[i], 0x9000 + i);
	}
	CU_ASSERT_EQUAL(t.count, N_SA);
	CU_ASSERT_PTR_EQUAL(ike_sa_lookup(&t, 1, 0x1000 + 3, 0x9000 + 3), &sas[3]);
	CU_ASSERT_PTR_NULL(ike_sa_lookup(&t, 1, 0x1000 + 3, 0));
	CU_ASSERT_PTR_NULL(ike_sa_lookup(&t, 2, 0x1000 + 3, 0x9000 + 3));
	CU_ASSERT_PTR_EQUAL(ike_sa_lookup(&t, 1, 0x1000 + 4, 0), &sas[4]);
	CU_ASSERT_PTR_EQUAL(ike_sa_lookup_spi_i(&t, 1, 0x1000 + 5, &sas[5].remote.a, false),
	    &sas[5]);
	CU_ASSERT_PTR_NULL(ike_sa_lookup_spi_i(&t, 1, 0x1000 + 5, &sas[6].remote.a, false));
	CU_ASSERT_PTR_EQUAL(ike_sa_find_id(&t, 10), &sas[9]);
	CU_ASSERT_PTR_EQUAL(ike_sa_at(&t, 0), &sas[0]);
	CU_ASSERT_PTR_EQUAL(ike_sa_at(&t, N_SA - 1), &sas[N_SA - 1]);
	CU_ASSERT_PTR_NULL(ike_sa_at(&t, N_SA));
	/* per peer, in creation order */
	CU_ASSERT_PTR_EQUAL(ike_sa_next_for_peer(&t, &sas[2].remote.a, NULL), &sas[2]);
	CU_ASSERT_PTR_EQUAL(ike_sa_next_for_peer(&t, &sas[2].remote.a, &sas[2]), &sas[9]);
	/* removal keeps the rest reachable */
	for (i = 0; i < N_SA; i += 2)
		ike_sa_remove(&t, &sas[i]);
	ike_sa_remove(&t, &sas[0]); /* twice: ignored */
	CU_ASSERT_EQUAL(t.count, N_SA / 2);
	CU_ASSERT_PTR_NULL(ike_sa_lookup(&t, 1, 0x1000 + 4, 0));
	CU_ASSERT_PTR_EQUAL(ike_sa_lookup(&t, 1, 0x1000 + 5, 0), &sas[5]);
	CU_ASSERT_PTR_EQUAL(ike_sa_at(&t, 0), &sas[1]);
	for (i = 1; i < N_SA; i += 2)
		ike_sa_remove(&t, &sas[i]);
	CU_ASSERT_EQUAL(t.count, 0);
	CU_ASSERT_PTR_NULL(t.head);
	CU_ASSERT_PTR_NULL(t.tail);
	CU_ASSERT_EQUAL(t.half_open, 0);
	ike_sa_table_fini(&t);
	free(sas);
}

static void
test_ike_sa_state(void)
{
	struct ike_sa_table t;
	struct ike_sa a, b, c;

	CU_ASSERT_EQUAL_FATAL(ike_sa_table_init(&t, 16), 0);
	sa_make(&a, 1, 1, IKE_SA_STATE_CONNECTING, true);
	sa_make(&b, 2, 1, IKE_SA_STATE_CONNECTING, false);
	sa_make(&c, 3, 2, IKE_SA_STATE_CONNECTING, false);
	ike_sa_insert(&t, &a, 1);
	ike_sa_insert(&t, &b, 2);
	ike_sa_insert(&t, &c, 3);
	CU_ASSERT_EQUAL(ike_sa_half_open(&t), 3);
	CU_ASSERT_EQUAL(ike_sa_half_open_from(&t, &a.remote.a), 2);
	CU_ASSERT_EQUAL(ike_sa_half_open_from(&t, &c.remote.a), 1);
	CU_ASSERT_EQUAL(ike_sa_set_state(&t, &a, IKE_SA_STATE_ESTABLISHED, 50), 0);
	CU_ASSERT_EQUAL(a.established_ns, 50);
	CU_ASSERT_EQUAL(ike_sa_half_open(&t), 2);
	CU_ASSERT_EQUAL(ike_sa_half_open_from(&t, &a.remote.a), 1);
	CU_ASSERT_EQUAL(t.by_state[IKE_SA_STATE_ESTABLISHED], 1);
	/* illegal transitions change nothing */
	CU_ASSERT_EQUAL(ike_sa_set_state(&t, &a, IKE_SA_STATE_CONNECTING, 60), -EINVAL);
	CU_ASSERT_EQUAL(ike_sa_set_state(&t, &a, IKE_SA_STATE_ESTABLISHED, 60), -EINVAL);
	CU_ASSERT_EQUAL(a.state, IKE_SA_STATE_ESTABLISHED);
	CU_ASSERT_EQUAL(ike_sa_set_state(&t, &a, IKE_SA_STATE_DELETING, 70), 0);
	CU_ASSERT_EQUAL(ike_sa_set_state(&t, &a, IKE_SA_STATE_ESTABLISHED, 70), -EINVAL);
	CU_ASSERT_EQUAL(ike_sa_set_state(&t, &b, IKE_SA_STATE_DELETING, 80), 0);
	CU_ASSERT_EQUAL(ike_sa_half_open(&t), 1);
	CU_ASSERT_EQUAL(t.by_state[IKE_SA_STATE_DELETING], 2);
	ike_sa_remove(&t, &a);
	ike_sa_remove(&t, &b);
	ike_sa_remove(&t, &c);
	CU_ASSERT_EQUAL(ike_sa_half_open(&t), 0);
	CU_ASSERT_EQUAL(t.by_state[IKE_SA_STATE_DELETING], 0);
	CU_ASSERT_EQUAL(t.by_state[IKE_SA_STATE_CONNECTING], 0);
	ike_sa_table_fini(&t);
}

static void
test_ike_sa_new_spi(void)
{
	struct ike_sa_table t;
	struct ike_sa a;
	uint64_t s1, s2;

	CU_ASSERT_EQUAL_FATAL(ike_sa_table_init(&t, 16), 0);
	CU_ASSERT_EQUAL(ike_sa_new_spi(&t, &s1), 0);
	CU_ASSERT_NOT_EQUAL(s1, 0);
	sa_make(&a, s1, 1, IKE_SA_STATE_CONNECTING, true);
	ike_sa_insert(&t, &a, 1);
	CU_ASSERT_EQUAL(ike_sa_new_spi(&t, &s2), 0);
	CU_ASSERT_NOT_EQUAL(s1, s2);
	ike_sa_remove(&t, &a);
	ike_sa_table_fini(&t);
	CU_ASSERT_STRING_EQUAL(ike_drop_name(IKE_DROP_HALF_OPEN), "half_open");
	CU_ASSERT_STRING_EQUAL(ike_drop_name(IKE_DROP__MAX), "unknown");
	CU_ASSERT_STRING_EQUAL(ike_sa_state_name(IKE_SA_STATE_ESTABLISHED), "established");
}

/* SAs reachable through the spi_r buckets (each once, with its bucket right). */
static unsigned int
rchain_count(const struct ike_sa_table *t)
{
	const struct ike_sa *sa;
	unsigned int b, n = 0;

	for (b = 0; b < t->n_buckets; b++)
		for (sa = t->rbuckets[b]; sa != NULL; sa = sa->rnext) {
			CU_ASSERT(sa->linked && sa->spi_r != 0);
			n++;
		}
	return n;
}

/* SAs of peer key @key, through ike_sa_next_by_peer_key(). */
static unsigned int
key_count(const struct ike_sa_table *t, uint64_t key)
{
	const struct ike_sa *sa = NULL;
	unsigned int n = 0;

	while ((sa = ike_sa_next_by_peer_key(t, key, sa)) != NULL) {
		CU_ASSERT(sa->linked && sa->peer_key == key);
		n++;
	}
	return n;
}

/* The indexes by spi_r and by peer key follow inserts, changes, removals and the table's growth. */
static void
test_ike_sa_index(void)
{
	enum {
		N = 1000,
		KEYS = 10
	};
	struct ike_sa_table t;
	struct ike_sa *sas = calloc(N, sizeof(*sas));
	unsigned int i, k, linked;

	CU_ASSERT_FATAL(sas != NULL);
	CU_ASSERT_EQUAL_FATAL(ike_sa_table_init(&t, 16), 0);
	for (i = 0; i < N; i++) {
		sa_make(&sas[i], 0x5000 + i, (uint8_t)i, IKE_SA_STATE_ESTABLISHED, i % 2 == 0);
		if (i % 4 == 1)
			sas[i].spi_r = 0x7000 + i; /* a responder's own SPI, before insert */
		ike_sa_insert(&t, &sas[i], i);
		if (i % 4 == 0)
			ike_sa_set_spi_r(&t, &sas[i], 0x8000 + i); /* learnt afterwards */
		ike_sa_set_peer_key(&t, &sas[i], 1 + i % KEYS);
	}
	CU_ASSERT(t.n_buckets >= N / 2);
	CU_ASSERT_EQUAL(rchain_count(&t), N / 2);
	for (k = 1; k <= KEYS; k++)
		CU_ASSERT_EQUAL(key_count(&t, k), N / KEYS);
	CU_ASSERT_PTR_EQUAL(ike_sa_lookup(&t, 1, 0x5000 + 4, 0x8000 + 4), &sas[4]);
	CU_ASSERT_PTR_EQUAL(ike_sa_lookup(&t, 1, 0x5000 + 5, 0x7000 + 5), &sas[5]);
	CU_ASSERT_PTR_EQUAL(ike_sa_lookup(&t, 1, 0x5000 + 6, 0), &sas[6]);
	/* Keys changed and cleared, spi_r changed. */
	ike_sa_set_peer_key(&t, &sas[0], 0);
	ike_sa_set_peer_key(&t, &sas[10], 2);
	ike_sa_set_spi_r(&t, &sas[8], 0x9999);
	CU_ASSERT_EQUAL(key_count(&t, 1), N / KEYS - 2);
	CU_ASSERT_EQUAL(key_count(&t, 2), N / KEYS + 1);
	CU_ASSERT_EQUAL(rchain_count(&t), N / 2);
	CU_ASSERT_PTR_EQUAL(ike_sa_lookup(&t, 1, 0x5000 + 8, 0x9999), &sas[8]);
	/* Removals leave no trace in any index. */
	for (i = 0, linked = N; i < N; i += 3, linked--)
		ike_sa_remove(&t, &sas[i]);
	CU_ASSERT_EQUAL(t.count, linked);
	for (i = 0, k = 0; i < N; i++)
		k += sas[i].linked && sas[i].spi_r != 0;
	CU_ASSERT_EQUAL(rchain_count(&t), k);
	for (k = 1; k <= KEYS; k++) {
		unsigned int want = 0;

		for (i = 0; i < N; i++)
			want += sas[i].linked && sas[i].peer_key == k;
		CU_ASSERT_EQUAL(key_count(&t, k), want);
	}
	for (i = 0; i < N; i++)
		ike_sa_remove(&t, &sas[i]);
	CU_ASSERT_EQUAL(rchain_count(&t), 0);
	CU_ASSERT_EQUAL(key_count(&t, 3), 0);
	ike_sa_table_fini(&t);
	free(sas);
}

int main(void);

int
main(void)
{
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{ "test_ike_sa_lookup", test_ike_sa_lookup },
		{ "test_ike_sa_state", test_ike_sa_state },
		{ "test_ike_sa_new_spi", test_ike_sa_new_spi },
		{ "test_ike_sa_index", test_ike_sa_index },
	};
	CU_pSuite s;
	unsigned int fails;
	size_t i;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("ike_sa", NULL, NULL);
	for (i = 0; i < DIM(tests); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return fails == 0 ? 0 : 1;
}
