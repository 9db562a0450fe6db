/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/slowpath/test_sa_push.c: SA records to a real worker lcore, freed after grace periods. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "fastpath/port.h"
#include "fastpath/sa_sync.h"
#include "fastpath/sad.h"
#include "fastpath/worker.h"
#include "slowpath/sa_push.h"

/*
 * One worker on lcore 1 runs the real worker_main() (with no ports it only
 * applies SA messages and reports quiescent states); the test is the
 * control core on lcore 0.
 */
static struct worker *w;
static unsigned int freed;
static const void *last_freed;

static void
free_rt(void *rt)
{
	const struct sa_rt_in *in = rt;

	/* Freed only once the worker no longer finds it. */
	CU_ASSERT(sad_find(w->sad, &in->key) == NULL);
	last_freed = rt;
	freed++;
	rte_free(rt);
}

static void
free_out(void *rt)
{
	last_freed = rt;
	freed++;
	rte_free(rt);
}

static struct sa_rt_in *
rt_in(uint32_t spi)
{
	struct sa_rt_in *rt = rte_zmalloc("rt_in", sizeof(*rt), RTE_CACHE_LINE_SIZE);

	CU_ASSERT_FATAL(rt != NULL);
	rt->key.spi = rte_cpu_to_be_32(spi);
	rt->key.proto = 50;
	rt->key.family = 4;
	memcpy(rt->key.dst, "\xc0\x00\x02\x02", 4);
	rt->id = spi;
	return rt;
}

/* Wait (bounded) until the worker applied @p n messages in all. */
static bool
applied(uint64_t n)
{
	uint64_t deadline = rte_get_timer_cycles() + 5 * rte_get_timer_hz();

	while (counter_read(&w->stats.sa_msgs) < n) {
		if (rte_get_timer_cycles() > deadline)
			return false;
		rte_pause();
	}
	return true;
}

static bool
reclaimed(unsigned int want)
{
	uint64_t deadline = rte_get_timer_cycles() + 5 * rte_get_timer_hz();
	unsigned int got = 0;

	while (got < want) {
		got += sa_push_reclaim();
		if (rte_get_timer_cycles() > deadline)
			return false;
		rte_pause();
	}
	return true;
}

static void
test_sa_push_add_del_in(void)
{
	struct sa_rt_in *a = rt_in(0x1001), *b = rt_in(0x1002);
	struct sa_key keys[3];
	struct sa_rt_in *found[3];
	uint64_t base = counter_read(&w->stats.sa_msgs);

	CU_ASSERT_EQUAL(sa_push_add_in(a), 0);
	CU_ASSERT_EQUAL(sa_push_add_in(b), 0);
	CU_ASSERT_FATAL(applied(base + 2));
	keys[0] = a->key;
	keys[1] = b->key;
	keys[2] = a->key;
	keys[2].spi = rte_cpu_to_be_32(0x1003);
	sad_lookup(w->sad, keys, found, 3);
	CU_ASSERT_PTR_EQUAL(found[0], a);
	CU_ASSERT_PTR_EQUAL(found[1], b);
	CU_ASSERT_PTR_NULL(found[2]);

	freed = 0;
	CU_ASSERT_EQUAL(sa_push_del_in(a, free_rt), 0);
	CU_ASSERT_FATAL(reclaimed(1));
	CU_ASSERT_EQUAL(freed, 1);
	CU_ASSERT_PTR_EQUAL(last_freed, a);
	CU_ASSERT_EQUAL(counter_read(&w->stats.sa_msgs), base + 3);
	CU_ASSERT_EQUAL(sa_push_del_in(b, free_rt), 0);
	CU_ASSERT_FATAL(reclaimed(1));
	CU_ASSERT_EQUAL(sa_push_pending(), 0);
	CU_ASSERT_EQUAL(counter_read(&w->stats.sa_msg_failed), 0);
}

static void
test_sa_push_add_del_out(void)
{
	struct sa_rt_out *o = rte_zmalloc("rt_out", sizeof(*o), RTE_CACHE_LINE_SIZE);
	uint64_t base = counter_read(&w->stats.sa_msgs);

	CU_ASSERT_FATAL(o != NULL);
	o->id = 7;
	CU_ASSERT_EQUAL(sa_push_add_out(o), 0);
	CU_ASSERT_FATAL(applied(base + 1));
	CU_ASSERT_PTR_EQUAL(w->sa_out[7], o);
	CU_ASSERT_EQUAL(sa_push_del_out(o, free_out), 0);
	CU_ASSERT_FATAL(reclaimed(1));
	CU_ASSERT_PTR_NULL(w->sa_out[7]);

	o = rte_zmalloc("rt_out", sizeof(*o), RTE_CACHE_LINE_SIZE);
	o->id = SA_MAX; /* no such slot */
	CU_ASSERT_EQUAL(sa_push_add_out(o), -EINVAL);
	rte_free(o);
}

/* The worker stops; the test plays a worker that is slow to apply and to report. */
static void
test_sa_push_grace_period_waits(void)
{
	struct sa_rt_in *a = rt_in(0x2001);
	unsigned int i;

	worker_stop = true;
	rte_eal_mp_wait_lcore();
	rte_rcu_qsbr_thread_register(worker_set.qsbr, 0);
	rte_rcu_qsbr_thread_online(worker_set.qsbr, 0);

	freed = 0;
	CU_ASSERT_EQUAL(sa_push_add_in(a), 0);
	CU_ASSERT_EQUAL(sa_push_del_in(a, free_rt), 0);
	/* Not applied yet: quiescent reports alone free nothing. */
	for (i = 0; i < 100; i++) {
		rte_rcu_qsbr_quiescent(worker_set.qsbr, 0);
		CU_ASSERT_EQUAL(sa_push_reclaim(), 0);
	}
	CU_ASSERT_EQUAL(sa_push_pending(), 1);
	/* Applied (ADD then DEL), but no quiescent state since: still nothing. */
	sa_sync_apply(w);
	CU_ASSERT(sad_find(w->sad, &a->key) == NULL);
	for (i = 0; i < 100; i++)
		CU_ASSERT_EQUAL(sa_push_reclaim(), 0);
	CU_ASSERT_EQUAL(freed, 0);
	rte_rcu_qsbr_quiescent(worker_set.qsbr, 0);
	CU_ASSERT_EQUAL(sa_push_reclaim(), 1);
	CU_ASSERT_EQUAL(freed, 1);
	rte_rcu_qsbr_thread_offline(worker_set.qsbr, 0);
	rte_rcu_qsbr_thread_unregister(worker_set.qsbr, 0);
}

/* Nobody drains the ring: when it is full an add is refused whole. */
static void
test_sa_push_ring_full(void)
{
	struct sa_rt_out *o = rte_zmalloc("rt_out", sizeof(*o), RTE_CACHE_LINE_SIZE);
	unsigned int n = 0;

	CU_ASSERT_FATAL(o != NULL);
	o->id = 1;
	while (sa_push_add_out(o) == 0)
		n++;
	CU_ASSERT_EQUAL(rte_ring_count(w->sa_ring), SA_RING_SIZE - 1);
	CU_ASSERT_EQUAL(n, SA_RING_SIZE - 1);
	CU_ASSERT_EQUAL(sa_push_add_out(o), -ENOBUFS);
	CU_ASSERT_EQUAL(sa_push_del_out(o, free_out), -ENOBUFS);
	CU_ASSERT_EQUAL(sa_push_pending(), 0);
	rte_free(o);
}

static int
suite_init(void)
{
	char prefix[64], err[256];
	char *argv[] = { "test_sa_push", "--no-huge", "-m", "128", "--no-pci", "-l", "0-1",
		"--log-level=error", "--no-shconf", "--no-telemetry", prefix, NULL };

	snprintf(prefix, sizeof(prefix), "--file-prefix=fipt-unit-%d", (int)getpid());
	if (rte_eal_init(11, argv) < 0)
		return -1;
	if (worker_setup(err, sizeof(err)) != 0 || worker_set.n != 1) {
		fprintf(stderr, "worker_setup: %s\n", err);
		return -1;
	}
	w = worker_set.w[0];
	return rte_eal_remote_launch(worker_main, w, w->lcore);
}

static int
suite_fini(void)
{
	char rundir[PATH_MAX];

	worker_stop = true;
	rte_eal_mp_wait_lcore();
	sa_push_fini();
	worker_teardown();
	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	rmdir(rundir);
	return 0;
}

int
main(void)
{
	CU_pSuite s;
	unsigned int fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("sa_push", suite_init, suite_fini);
	CU_add_test(s, "test_sa_push_add_del_in", test_sa_push_add_del_in);
	CU_add_test(s, "test_sa_push_add_del_out", test_sa_push_add_del_out);
	CU_add_test(s, "test_sa_push_grace_period_waits", test_sa_push_grace_period_waits);
	CU_add_test(s, "test_sa_push_ring_full", test_sa_push_ring_full);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return fails == 0 ? 0 : 1;
}
