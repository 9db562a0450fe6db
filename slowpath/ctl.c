/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ctl.c: the control core's loop: link changes, announcements, worker events, IKE. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ring.h>

#include "common/log.h"
#include "fastpath/port.h"
#include "fastpath/worker.h"
#include "slowpath/ctl.h"
#include "slowpath/ike_io.h"
#include "slowpath/neigh_ctl.h"
#include "slowpath/sa_events.h"
#include "slowpath/sa_ike.h"
#include "slowpath/sa_push.h"
#include "slowpath/spd_ctl.h"

#define CTL_IDLE_US      500 /* sleep of an idle pass: keeps the control core off the CPU */
#define CTL_LINK_POLL_MS 100 /* link state poll */

volatile sig_atomic_t ctl_quit;
uint64_t ctl_start_ns;

static ctl_tick_fn tick_fn;
static void *tick_ctx;

void
ctl_tick_register(ctl_tick_fn fn, void *ctx)
{
	tick_fn = fn;
	tick_ctx = ctx;
}

uint64_t
ctl_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int
ctl_tx_send(uint16_t port, struct rte_mbuf *m)
{
	struct port *p = &port_table.port[port];

	if (p->ctl_txq >= 0) {
		if (rte_eth_tx_burst(p->port_id, (uint16_t)p->ctl_txq, &m, 1) == 1)
			return 0;
	} else {
		m->port = p->port_id;
		if (rte_ring_sp_enqueue(worker_set.w[0]->ctl_tx, m) == 0)
			return 0;
	}
	rte_pktmbuf_free(m);
	return -ENOBUFS;
}

static void
poll_links(int *state)
{
	unsigned int i;
	int up;

	for (i = 0; i < port_table.n; i++) {
		up = port_link_up(i);
		if (up == state[i])
			continue;
		state[i] = up;
		log_event(LOG_MSG_PORT_LINK, NULL, "interface=%s port=%s link=%s",
		    port_table.port[i].cfg->name, port_table.port[i].cfg->port, up ? "up" : "down");
		if (up)
			neigh_ctl_announce((uint16_t)i);
	}
}

/* Drain every worker's event ring; returns how many events were handled. */
static unsigned int
drain_events(uint64_t now)
{
	struct ev evs[BURST_MAX];
	unsigned int i, k, n, total = 0;

	for (i = 0; i < worker_set.n; i++) {
		n = rte_ring_sc_dequeue_burst_elem(worker_set.w[i]->ev, evs, sizeof(evs[0]),
		    BURST_MAX, NULL);
		for (k = 0; k < n; k++) {
			switch (evs[k].type) {
			case EV_NEIGH_LEARN:
				neigh_ctl_event(&evs[k], now);
				break;
			case EV_NEIGH_RESOLVE:
				neigh_ctl_resolve(&evs[k], now);
				break;
			case EV_SA_ACTIVITY:
				if (evs[k].sa_id >= SA_CHILD_SLOT_BASE)
					sa_ike_activity(&evs[k]);
				else
					sa_events_activity(&evs[k]);
				break;
			case EV_SA_LIFETIME:
				if (evs[k].sa_id >= SA_CHILD_SLOT_BASE)
					sa_ike_lifetime(&evs[k], now);
				else
					sa_events_lifetime(&evs[k]);
				break;
			case EV_IKE:
				ike_io_input(&evs[k], now);
				break;
			case EV_ACQUIRE:
				sa_ike_acquire(&evs[k], now);
				break;
			case EV_SA_UNKNOWN:
				sa_events_unknown(&evs[k], i);
				break;
			default:
				log_err(LOG_FAC_SYSTEM, "%s: worker %u: unknown event %u", __func__,
				    i, evs[k].type);
				break;
			}
			if (evs[k].ptr != NULL) /* not taken by its handler */
				rte_pktmbuf_free(evs[k].ptr);
		}
		total += n;
	}
	return total;
}

void
ctl_loop(const struct config *cfg)
{
	int link[PORTS_MAX];
	uint64_t next_link = 0, next_tick = 0, now;

	(void)cfg;
	memset(link, 0xff, sizeof(link)); /* -1: unknown, so the first poll logs */
	while (!ctl_quit) {
		now = ctl_now_ns();
		if (now >= next_link) {
			poll_links(link);
			neigh_ctl_tick(now);
			next_link = now + CTL_LINK_POLL_MS * 1000000ull;
		}
		if (tick_fn != NULL && now >= next_tick) {
			tick_fn(tick_ctx, now);
			next_tick = now + CTL_TICK_MS * 1000000ull;
		}
		sa_push_reclaim();
		spd_ctl_tick(now);
		if (drain_events(now) == 0)
			rte_delay_us_sleep(CTL_IDLE_US);
	}
}
