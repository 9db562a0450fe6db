/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/spd_ctl.c: the SPD the workers use: built, replaced by pointer, freed after grace periods. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_rcu_qsbr.h>

#include "common/counters.h"
#include "common/limits.h"
#include "common/log.h"
#include "fastpath/spd.h"
#include "fastpath/worker.h"
#include "slowpath/sa_ike.h"
#include "slowpath/spd_ctl.h"

/*
 * A replaced SPD waits for a grace period that started after the new one
 * was published: a worker reads the pointer after its quiescent report
 * (worker_spd()), so once every worker reported again none holds the old
 * one.  The queue is FIFO: grace periods end in the order they started.
 */
struct retired {
	struct spd *spd;
	uint64_t token;
	unsigned int gen; /* the build that replaced it */
};

static struct retired retired[SPD_RETIRED_MAX];
static unsigned int head, count;
static struct spd *cur;
static int socket_id;
static unsigned int gen; /* builds so far: the config's is 1 */
static uint64_t next_ns; /* no rebuild before */
static bool retry;       /* the last rebuild failed */
static struct spd_ctl_stats st;

int
spd_ctl_init(const struct config *cfg, int socket, char *err, size_t errlen)
{
	struct spd *spd = spd_create(cfg, socket, err, errlen);

	if (spd == NULL)
		return -ENOMEM;
	cur = spd;
	socket_id = socket;
	gen = 1;
	next_ns = 0;
	retry = false;
	head = 0;
	count = 0;
	memset(&st, 0, sizeof(st));
	counter_add(&st.policies, spd->n_policies);
	__atomic_store_n(&worker_set.spd, spd, __ATOMIC_RELEASE);
	return 0;
}

/* Free the replaced SPDs whose grace period ended; tell the installer (their slots may go). */
static void
reclaim(void)
{
	struct retired *r;

	while (count != 0) {
		r = &retired[head];
		if (rte_rcu_qsbr_check(worker_set.qsbr, r->token, false) != 1)
			break;
		spd_destroy(r->spd);
		sa_ike_spd_retired(r->gen);
		head = (head + 1) % SPD_RETIRED_MAX;
		count--;
	}
}

static void
rebuild(uint64_t now_ns)
{
	uint64_t t0 = rte_get_timer_cycles(), ns;
	struct config_policy *pols = NULL;
	struct spd *spd = NULL;
	struct retired *r;
	char err[384];
	unsigned int n;
	int rc;

	next_ns = now_ns + SPD_REBUILD_MS * 1000000ull;
	gen++;
	if ((rc = sa_ike_policies(gen, &pols, &n)) == 0) {
		spd = spd_create_policies(pols, n, socket_id, err, sizeof(err));
		free(pols);
	} else {
		snprintf(err, sizeof(err), "spd: the IKE pairs' policies: %s", strerror(-rc));
	}
	if (spd == NULL) {
		retry = true;
		counter_add(&st.rebuild_failed, 1);
		log_err(LOG_FAC_IPSEC, "%s: SPD %u not built (tried again in %u ms): %s", __func__,
		    gen, SPD_REBUILD_MS, err);
		return;
	}
	retry = false;
	__atomic_store_n(&worker_set.spd, spd, __ATOMIC_RELEASE);
	sa_ike_spd_published(gen);
	r = &retired[(head + count) % SPD_RETIRED_MAX];
	r->spd = cur;
	r->token = rte_rcu_qsbr_start(worker_set.qsbr);
	r->gen = gen;
	count++;
	cur = spd;
	ns = (rte_get_timer_cycles() - t0) * UINT64_C(1000000000) / rte_get_timer_hz();
	/*
	 * rte_acl builds in time growing with the rules (about 180 ms for 8000
	 * policies, 4000 peers): the control core spends at most a third of
	 * its time on rebuilds, the rest on IKE.
	 */
	if (2 * ns > SPD_REBUILD_MS * 1000000ull)
		next_ns = now_ns + 2 * ns;
	counter_add(&st.rebuilds, 1);
	__atomic_store_n(&st.policies, n, __ATOMIC_RELAXED);
	__atomic_store_n(&st.build_ns_last, ns, __ATOMIC_RELAXED);
	if (ns > st.build_ns_max)
		__atomic_store_n(&st.build_ns_max, ns, __ATOMIC_RELAXED);
	log_info(LOG_FAC_IPSEC, "%s: SPD %u of %u policies published (built in %" PRIu64 " us)",
	    __func__, gen, n, ns / 1000);
}

void
spd_ctl_tick(uint64_t now_ns)
{
	if (cur == NULL)
		return;
	if (count != 0)
		reclaim();
	/* A full queue waits for a grace period: the workers are behind, not the changes. */
	if ((!retry && !sa_ike_policies_changed()) || now_ns < next_ns || count == SPD_RETIRED_MAX)
		return;
	rebuild(now_ns);
}

void
spd_ctl_fini(void)
{
	__atomic_store_n(&worker_set.spd, NULL, __ATOMIC_RELEASE);
	while (count != 0) {
		spd_destroy(retired[head].spd);
		head = (head + 1) % SPD_RETIRED_MAX;
		count--;
	}
	spd_destroy(cur);
	cur = NULL;
}

void
spd_ctl_stats_read(struct spd_ctl_stats *out)
{
	out->rebuilds = counter_read(&st.rebuilds);
	out->rebuild_failed = counter_read(&st.rebuild_failed);
	out->policies = counter_read(&st.policies);
	out->build_ns_last = counter_read(&st.build_ns_last);
	out->build_ns_max = counter_read(&st.build_ns_max);
}
