/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/worker.c: the worker lcore loop. */
#include <netinet/in.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_pause.h>

#include "common/log.h"
#include "fastpath/input.h"
#include "fastpath/port.h"
#include "fastpath/sa_sync.h"
#include "fastpath/worker.h"

struct worker_set worker_set;
volatile bool worker_stop;

void
worker_flush_port(struct worker *w, uint16_t port)
{
	struct port *p = &port_table.port[port];
	uint16_t sent, n = w->n_tx[port];

	sent = rte_eth_tx_burst(p->port_id, (uint16_t)w->index, w->tx[port], n);
	counter_add(&w->stats.tx, sent);
	while (sent < n)
		worker_drop(w, w->tx[port][sent++], DROP_TX_FULL);
	w->n_tx[port] = 0;
}

/*
 * Send the control frames of w->ctl_pend in order, each run of one port
 * in one burst; what the tx queue has no room for stays pending (the
 * order kept) and goes first next pass.  Frames for no port are dropped.
 */
static void
ctl_pend_send(struct worker *w)
{
	struct rte_mbuf **pk = w->ctl_pend;
	unsigned int i = 0, j, n = w->n_ctl_pend, keep = 0;
	uint16_t sent;
	int idx;

	while (i < n) {
		idx = port_index(pk[i]->port);
		if (idx < 0) {
			worker_drop(w, pk[i++], DROP_NO_ROUTE);
			continue;
		}
		for (j = i + 1; j < n && pk[j]->port == pk[i]->port; j++)
			;
		sent = rte_eth_tx_burst(port_table.port[idx].port_id, (uint16_t)w->index, pk + i,
		    (uint16_t)(j - i));
		counter_add(&w->stats.ctl_tx, sent);
		counter_add(&w->stats.tx, sent);
		i += sent;
		while (i < j) {
			pk[keep++] = pk[i++];
			counter_add(&w->stats.ctl_tx_deferred, 1);
		}
	}
	w->n_ctl_pend = (uint16_t)keep;
}

/*
 * Frames of the control core for ports without a spare tx queue (IKE,
 * ARP): they go before the pass's data (flushed after them), and a full tx queue delays them
 * rather than drops them (data is what a full queue drops), so IKE holds
 * up under a link saturated by the tunnels it keys.
 */
static void
drain_ctl_tx(struct worker *w)
{
	if (w->n_ctl_pend != 0)
		ctl_pend_send(w);
	if (w->n_ctl_pend != 0 || w->ctl_tx == NULL || rte_ring_empty(w->ctl_tx))
		return;
	w->n_ctl_pend =
	    (uint16_t)rte_ring_sc_dequeue_burst(w->ctl_tx, (void **)w->ctl_pend, BURST_MAX, NULL);
	ctl_pend_send(w);
}

/*
 * Has a writer started a grace period this worker has not yet reported
 * a quiescent state for?  (rte_rcu_qsbr_quiescent() copies the token.)
 */
void
worker_no_sa(struct worker *w, struct rte_mbuf *m, const struct sa_key *key, const uint8_t *src,
    uint32_t seq)
{
	uint64_t now = rte_get_tsc_cycles();
	unsigned int alen = key->family == 4 ? 4 : 16;
	struct ev ev;

	worker_drop(w, m, DROP_NO_SA);
	w->no_sa_unreported++;
	if (w->no_sa_tsc != 0 && now - w->no_sa_tsc < rte_get_tsc_hz())
		return;
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_SA_UNKNOWN;
	ev.family = key->family;
	ev.flags = key->proto == IPPROTO_AH ? EV_SA_F_AH : 0;
	ev.spi = rte_be_to_cpu_32(key->spi);
	ev.seq = seq;
	ev.packets = w->no_sa_unreported;
	memcpy(ev.addr, src, alen);
	memcpy(ev.dst, key->dst, alen);
	if (worker_event(w, &ev)) {
		w->no_sa_tsc = now;
		w->no_sa_unreported = 0;
	}
}

static inline bool
grace_waiting(const struct worker *w)
{
	const struct rte_rcu_qsbr *v = worker_set.qsbr;

	return __atomic_load_n(&v->token, __ATOMIC_ACQUIRE) !=
	    __atomic_load_n(&v->qsbr_cnt[w->index].cnt, __ATOMIC_RELAXED);
}

int
worker_main(void *arg)
{
	struct worker *w = arg;
	struct rte_mbuf *pkts[BURST_MAX];
	uint64_t t0, now, busy = 0, loops = 0, finished;
	unsigned int i;
	uint16_t n, got, p;
	unsigned int stalled = 0;
	bool work;

	log_set_lcore(w->lcore);
	rte_rcu_qsbr_thread_register(worker_set.qsbr, w->index);
	rte_rcu_qsbr_thread_online(worker_set.qsbr, w->index);

	/* Until the ports start: apply the start-up SAs, poll nothing. */
	while (!worker_stop && !__atomic_load_n(&port_table.started, __ATOMIC_ACQUIRE)) {
		if (!rte_ring_empty(w->sa_ring))
			sa_sync_apply(w);
		rte_rcu_qsbr_quiescent(worker_set.qsbr, w->index);
		rte_pause();
	}
	/*
	 * One TSC read a pass (each costs tens of cycles): the time from one
	 * pass's top to the next is the pass's, busy when it did work.
	 */
	t0 = rte_rdtsc();
	work = false;
	got = 0;
	while (!worker_stop) {
		now = rte_rdtsc();
		if (work || got != 0)
			busy += now - t0;
		t0 = now;
		got = 0;
		work = false;
		/*
		 * Apply SA changes, then hold no SA reference: a quiescent state.
		 * Packets in flight hold SA pointers: finished first when an SA
		 * changes or a writer waits (rare; otherwise they stay in flight).
		 */
		if (!rte_ring_empty(w->sa_ring)) {
			input_crypto_poll(w, true);
			sa_sync_apply(w);
		}
		if (cq_busy(&w->cq) && grace_waiting(w))
			input_crypto_poll(w, true);
		rte_rcu_qsbr_quiescent(worker_set.qsbr, w->index);
		finished = w->cq.finished;
		for (i = 0; i < w->n_rxq; i++) {
			p = w->rxq[i].port;
			n = rte_eth_rx_burst(port_table.port[p].port_id, w->rxq[i].queue, pkts,
			    BURST_MAX);
			if (n == 0)
				continue;
			got += n;
			counter_add(&w->stats.rx, n);
			input_burst(w, p, pkts, n);
		}
		reasm_tick(w->reasm, now);
		/*
		 * Control frames leave after this pass's receive, never before:
		 * the control core pushes an SA (sa_ring) before the IKE message
		 * that lets the peer use it, and the SA is applied at the top of
		 * the next pass, before any answer to that message is received.
		 */
		if (w->n_ctl_pend != 0 || (w->ctl_tx != NULL && !rte_ring_empty(w->ctl_tx)))
			drain_ctl_tx(w);
		if (!rte_ring_empty(w->handoff)) {
			n = (uint16_t)rte_ring_sc_dequeue_burst(w->handoff, (void **)pkts,
			    BURST_MAX, NULL);
			got += n;
			input_handoff_burst(w, pkts, n);
		}
		/*
		 * Crypto left in flight: what completed goes on; a pass that
		 * received nothing or finished nothing flushes the rest (light
		 * traffic would otherwise wait for lanes that do not fill).
		 */
		if (cq_busy(&w->cq)) {
			stalled = w->cq.finished == finished ? stalled + 1 : 0;
			input_crypto_poll(w, got == 0 || stalled >= CQ_STALL_PASSES);
			work = true; /* a flush in a pass that received nothing is busy time too */
		}
		for (p = 0; p < port_table.n; p++) {
			if (w->n_tx[p] != 0)
				worker_flush_port(w, p);
		}
		/* Counters published once per pass, not per packet (busy: the passes before). */
		if ((++loops & 1023) == 0 || got != 0) {
			counter_add(&w->stats.loops, loops);
			counter_add(&w->stats.busy_cycles, busy);
			loops = 0;
			busy = 0;
		}
	}
	/* The control core's last frames (IKE deletes at shutdown) still leave, data first. */
	input_crypto_poll(w, true);
	for (p = 0; p < port_table.n; p++) {
		if (w->n_tx[p] != 0)
			worker_flush_port(w, p);
	}
	for (i = 0; i < 4 * CTL_TX_RING_SIZE / BURST_MAX &&
	     (w->n_ctl_pend != 0 || (w->ctl_tx != NULL && !rte_ring_empty(w->ctl_tx)));
	     i++) {
		drain_ctl_tx(w);
		if (w->n_ctl_pend != 0)
			rte_delay_us_block(100);
	}
	for (i = 0; i < w->n_ctl_pend; i++)
		worker_drop(w, w->ctl_pend[i], DROP_TX_FULL);
	w->n_ctl_pend = 0;
	rte_rcu_qsbr_thread_offline(worker_set.qsbr, w->index);
	rte_rcu_qsbr_thread_unregister(worker_set.qsbr, w->index);
	return 0;
}
