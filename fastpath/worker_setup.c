/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/worker_setup.c: creating and freeing the workers (never on the packet path). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_lcore.h>
#include <rte_malloc.h>

#include "fastpath/crypto_mb.h"
#include "common/sa_msg.h"
#include "fastpath/port.h"
#include "fastpath/sad.h"
#include "fastpath/worker.h"

/* Jumbo frames wait in the crypto queue in big buffers (fastpath/reasm.h): room for all. */
_Static_assert(REASM_BIG_MBUFS >= CQ_SIZE + 63, "REASM_BIG_MBUFS covers the crypto queue");

int
worker_setup(char *err, size_t errlen)
{
	char name[RTE_RING_NAMESIZE];
	unsigned int lcore, i, p;
	struct worker *w;

	memset(&worker_set, 0, sizeof(worker_set));
	RTE_LCORE_FOREACH_WORKER(lcore) {
		if (worker_set.n == WORKERS_MAX)
			break;
		w = rte_zmalloc_socket("worker", sizeof(*w), RTE_CACHE_LINE_SIZE,
		    (int)rte_lcore_to_socket_id(lcore));
		if (w == NULL)
			goto fail_nomem;
		w->index = worker_set.n;
		w->lcore = lcore;
		worker_set.w[worker_set.n++] = w;
		snprintf(name, sizeof(name), "ctl_tx_%u", w->index);
		w->ctl_tx = rte_ring_create(name, CTL_TX_RING_SIZE,
		    (int)rte_lcore_to_socket_id(lcore), RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (w->ctl_tx == NULL)
			goto fail_nomem;
		snprintf(name, sizeof(name), "ev_%u", w->index);
		w->ev = rte_ring_create_elem(name, sizeof(struct ev), EV_RING_SIZE,
		    (int)rte_lcore_to_socket_id(lcore), RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (w->ev == NULL)
			goto fail_nomem;
		snprintf(name, sizeof(name), "handoff_%u", w->index);
		w->handoff = rte_ring_create(name, HANDOFF_RING_SIZE,
		    (int)rte_lcore_to_socket_id(lcore), RING_F_SC_DEQ);
		if (w->handoff == NULL)
			goto fail_nomem;
		snprintf(name, sizeof(name), "sa_%u", w->index);
		w->sa_ring = rte_ring_create_elem(name, sizeof(struct sa_msg), SA_RING_SIZE,
		    (int)rte_lcore_to_socket_id(lcore), RING_F_SP_ENQ | RING_F_SC_DEQ);
		w->sad = sad_create(w->index, (int)rte_lcore_to_socket_id(lcore));
		if (w->sa_ring == NULL || w->sad == NULL)
			goto fail_nomem;
		w->mb = crypto_mb_create((int)rte_lcore_to_socket_id(lcore));
		w->cq.slot = rte_zmalloc_socket("worker_cq", CQ_SIZE * sizeof(struct cq_slot),
		    RTE_CACHE_LINE_SIZE, (int)rte_lcore_to_socket_id(lcore));
		w->reasm = reasm_create((int)rte_lcore_to_socket_id(lcore));
		if (w->mb == NULL || w->cq.slot == NULL || w->reasm == NULL)
			goto fail_nomem;
	}
	if (worker_set.n != 0) {
		size_t sz = rte_rcu_qsbr_get_memsize(worker_set.n);

		worker_set.qsbr = rte_zmalloc("worker_qsbr", sz, RTE_CACHE_LINE_SIZE);
		if (worker_set.qsbr == NULL ||
		    rte_rcu_qsbr_init(worker_set.qsbr, worker_set.n) != 0)
			goto fail_nomem;
	}
	if (worker_set.n == 0) {
		snprintf(err, errlen, "no worker lcore: give at least two lcores (-l 0-1)");
		return -EINVAL;
	}
	for (i = 0; i < worker_set.n; i++) {
		w = worker_set.w[i];
		for (p = 0; p < port_table.n; p++) {
			if (i < port_table.port[p].n_rxq) {
				w->rxq[w->n_rxq].port = (uint16_t)p;
				w->rxq[w->n_rxq].queue = (uint16_t)i;
				w->n_rxq++;
			}
		}
	}
	return 0;
fail_nomem:
	snprintf(err, errlen, "cannot allocate worker %u: out of memory (raise --socket-mem)",
	    worker_set.n);
	worker_teardown();
	return -ENOMEM;
}

void
worker_teardown(void)
{
	unsigned int i;

	for (i = 0; i < worker_set.n; i++) {
		struct rte_mbuf *m;
		struct ev ev;

		if (worker_set.w[i] == NULL)
			continue;
		while (worker_set.w[i]->ctl_tx != NULL &&
		    rte_ring_dequeue(worker_set.w[i]->ctl_tx, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(worker_set.w[i]->ctl_tx);
		while (worker_set.w[i]->ev != NULL &&
		    rte_ring_sc_dequeue_elem(worker_set.w[i]->ev, &ev, sizeof(ev)) == 0)
			rte_pktmbuf_free(ev.ptr);
		rte_ring_free(worker_set.w[i]->ev);
		rte_ring_free(worker_set.w[i]->sa_ring);
		while (worker_set.w[i]->handoff != NULL &&
		    rte_ring_dequeue(worker_set.w[i]->handoff, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(worker_set.w[i]->handoff);
		/* A worker that never ran its exit path (fastpath/worker.c) may hold crypto in flight. */
		if (worker_set.w[i]->mb != NULL)
			crypto_mb_flush(worker_set.w[i]->mb);
		for (; cq_busy(&worker_set.w[i]->cq); worker_set.w[i]->cq.head++)
			rte_pktmbuf_free(
			    cq_at(&worker_set.w[i]->cq, worker_set.w[i]->cq.head)->op.user);
	}
	/*
	 * Then the rest: a worker's reassembly pool may have lent mbufs that sat
	 * in another worker's rings, all freed by now.
	 */
	for (i = 0; i < worker_set.n; i++) {
		if (worker_set.w[i] == NULL)
			continue;
		sad_destroy(worker_set.w[i]->sad);
		rte_free(worker_set.w[i]->cq.slot);
		reasm_destroy(worker_set.w[i]->reasm);
		if (worker_set.w[i]->mb != NULL)
			crypto_mb_destroy(worker_set.w[i]->mb);
		rte_free(worker_set.w[i]);
		worker_set.w[i] = NULL;
	}
	worker_set.n = 0;
	rte_free(worker_set.qsbr);
	worker_set.qsbr = NULL;
}
