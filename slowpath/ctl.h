/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ctl.h: the control core's event loop. */
#ifndef FASTIPSEC_CTL_H
#define FASTIPSEC_CTL_H

#include <signal.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "config/config.h"

/* Set by SIGINT/SIGTERM (any number of times): the loop returns. */
extern volatile sig_atomic_t ctl_quit;

/* Monotonic time the appliance started, in ns (for uptime). */
extern uint64_t ctl_start_ns;

/*
 * Run the control loop on the main lcore until ctl_quit is set.
 * The workers are running; the loop never waits on them.
 */
void ctl_loop(const struct config *cfg);

/*
 * Send @p m (a complete frame) on port index @p port: through the port's
 * control tx queue where it has one, otherwise handed to worker 0 by its
 * ctl_tx ring.  Takes @p m in every case.  Returns 0 or -ENOBUFS.
 */
int ctl_tx_send(uint16_t port, struct rte_mbuf *m);

uint64_t ctl_now_ns(void);

/*
 * A function the loop calls about every CTL_TICK_MS with the monotonic
 * time (the IKE engines' timers: retransmission, DPD, rekey).  @p fn NULL
 * removes it.  Register before ctl_loop() runs.
 */
#define CTL_TICK_MS 100
typedef void (*ctl_tick_fn)(void *ctx, uint64_t now_ns);
void ctl_tick_register(ctl_tick_fn fn, void *ctx);

#endif
