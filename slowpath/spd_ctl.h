/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/spd_ctl.h: the SPD the workers use: built, replaced by pointer, freed after grace periods. */
#ifndef FASTIPSEC_SPD_CTL_H
#define FASTIPSEC_SPD_CTL_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

/*
 * The workers classify with worker_set.spd (fastpath/spd.h).  At start
 * it holds the config's policies; IKE pairs with policies of their own
 * (slowpath/sa_ike.h: many-peer or narrowed children) change the set,
 * and spd_ctl_tick() then builds a new SPD of the config's and the
 * pairs' policies (sa_ike_policies()), publishes it by pointer and frees
 * the one it replaced after an RCU grace period (worker_set.qsbr).
 * Rebuilds are batched: at most one every SPD_REBUILD_MS (or twice the
 * last build's time, when longer), so that thousands of peers coming up
 * in a few seconds cost a few builds.
 *
 * Owner: the control core (spd_ctl_stats_read() may be called from any
 * thread: relaxed loads).
 */

/* Build the config's SPD on NUMA @p socket and publish it.  Returns 0, or -errno with @p err. */
int spd_ctl_init(const struct config *cfg, int socket, char *err, size_t errlen);

/* From the control loop: free what a grace period released; rebuild when due. */
void spd_ctl_tick(uint64_t now_ns);

/* At shutdown, after the workers stopped: unpublish and free every SPD. */
void spd_ctl_fini(void);

struct spd_ctl_stats {
	uint64_t rebuilds;       /* SPDs built and published for IKE pairs' policies */
	uint64_t rebuild_failed; /* builds that failed (tried again later) */
	uint64_t policies;       /* policies of the SPD now */
	uint64_t build_ns_last;  /* the last rebuild: list, rte_acl build, publish */
	uint64_t build_ns_max;
};

void spd_ctl_stats_read(struct spd_ctl_stats *out);

#endif
