/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/crypto_q.h: a worker's packets whose crypto is in flight, in the order it started. */
#ifndef FASTIPSEC_CRYPTO_Q_H
#define FASTIPSEC_CRYPTO_Q_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>

#include "fastpath/crypto_mb.h"

/*
 * The multi-buffer manager runs HMAC and CBC encryption 8 or 16 packets
 * side by side and returns a job once its lanes move on; flushing
 * partly filled lanes at the end of every burst costs up to a third of
 * the crypto at mixed sizes.  So the worker's own ESP and AH paths leave jobs in
 * flight across loop passes: each packet waits in a slot of this ring,
 * with its op and its module's state, until its op completes; the worker
 * then finishes completed slots from the head, in the order they started
 * (jobs complete in submission order, so one SA's packets leave in
 * sequence).  When the jobs are flushed anyway: a pass that received
 * nothing, CQ_STALL_PASSES passes in a row that finished nothing (light
 * traffic: the latency stays that many passes), before SA changes are
 * applied, and before a quiescent state that a writer waits for (the
 * slots hold SA pointers: fastpath/worker.c).
 *
 * CQ_SIZE slots hold at most what the manager queues (IMB_MAX_JOBS), so a
 * ring with room for a burst means a manager with room for its jobs.
 * Owner: the worker lcore.
 */
#define CQ_SIZE 256 /* slots, a power of 2, at most IMB_MAX_JOBS; 96 KB */
#define CQ_PRIV 192 /* bytes of the module's own per-packet state (AH's inbound: 176) */
/*
 * Passes in a row that finish nothing before the rest is flushed.  One
 * would flush every pass at full load: a burst into empty lanes completes
 * nothing until the lanes fill, which takes more than one burst.
 */
#define CQ_STALL_PASSES 2

_Static_assert((CQ_SIZE & (CQ_SIZE - 1)) == 0 && CQ_SIZE <= IMB_MAX_JOBS, "CQ_SIZE");

enum cq_kind {
	CQ_ESP_OUT = 1, /* esp_outbound_submit() */
	CQ_ESP_IN,      /* esp_inbound_submit() */
	CQ_AH_OUT,      /* ah_outbound_submit() */
	CQ_AH_IN,       /* ah_inbound_submit() */
};

struct cq_slot {
	struct crypto_mb_op op; /* op.user: the mbuf */
	uint8_t kind;           /* enum cq_kind */
	uint8_t priv[CQ_PRIV] __rte_aligned(16);
} __rte_cache_aligned;

struct crypto_q {
	struct cq_slot *slot; /* CQ_SIZE of them; NULL: every burst completes at once */
	uint32_t head;        /* the oldest slot in flight (free-running) */
	uint32_t tail;        /* the next slot to take */
	uint32_t polling;     /* finishing slots now: a nested poll returns */
	uint64_t finished;    /* slots finished so far: the progress a pass made */
};

static inline struct cq_slot *
cq_at(struct crypto_q *q, uint32_t i)
{
	return &q->slot[i & (CQ_SIZE - 1)];
}

/* Slots free; 0 without a ring. */
static inline uint32_t
cq_free(const struct crypto_q *q)
{
	return q->slot == NULL ? 0 : CQ_SIZE - (q->tail - q->head);
}

static inline bool
cq_busy(const struct crypto_q *q)
{
	return q->tail != q->head;
}

#endif
