/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/sa_push.h: the one seam between IKE (and static SAs) and the workers. */
#ifndef FASTIPSEC_SA_PUSH_H
#define FASTIPSEC_SA_PUSH_H

#include "common/sa_msg.h"
#include "common/sa_rt.h"

/* Called with a record whose grace period ended (or at shutdown): free it. */
typedef void (*sa_push_free_fn)(void *rt);

/*
 * Publish a complete record to every worker (SA_MSG_ADD_*): all or none.
 * Returns 0, or -ENOBUFS when a worker's ring has no room (nothing sent).
 * Control core only.
 */
int sa_push_add_in(struct sa_rt_in *rt);
int sa_push_add_out(struct sa_rt_out *rt);

/*
 * Withdraw a record from every worker (SA_MSG_DEL_*); @p free_fn runs on
 * the control core once every worker has passed a quiescent state after
 * applying the message (from sa_push_reclaim()).  Returns 0, -ENOBUFS
 * (nothing sent), or -ENOSPC when too many records already wait.
 */
int sa_push_del_in(struct sa_rt_in *rt, sa_push_free_fn free_fn);
int sa_push_del_out(struct sa_rt_out *rt, sa_push_free_fn free_fn);

/*
 * Give the published outbound record mv->sa the new outer header in @p mv
 * (SA_MSG_MOVE_OUT: its owner writes it between two bursts, sequence
 * numbers untouched); @p free_fn frees @p mv once every worker applied it
 * and a grace period passed.  Returns 0, -ENOBUFS (nothing sent) or
 * -ENOSPC as sa_push_del_out().
 */
int sa_push_move_out(struct sa_out_move *mv, sa_push_free_fn free_fn);

/*
 * Wait (at most @p timeout_ms) until every worker has applied every message
 * sent so far: its ring is empty and it has passed a quiescent state since.
 * For start-up, so that the SAs are in place before the ports start.
 * Returns 0 or -ETIMEDOUT.  Control core only.
 */
int sa_push_settle(unsigned int timeout_ms);

/* Free the records whose grace period ended; never waits.  Returns how many. */
unsigned int sa_push_reclaim(void);

/* Records still waiting for their grace period. */
unsigned int sa_push_pending(void);

/* At shutdown, after the workers stopped: free everything still waiting. */
void sa_push_fini(void);

#endif
