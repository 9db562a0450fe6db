/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/input.h: classification of received frames on a worker. */
#ifndef FASTIPSEC_INPUT_H
#define FASTIPSEC_INPUT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "fastpath/worker.h"

/*
 * Classify a burst received on port index @p port and answer, forward or
 * drop every packet.  Worker lcore: never blocks, allocates or logs.
 */
void input_burst(struct worker *w, uint16_t port, struct rte_mbuf **pkts, uint16_t n);

/*
 * Packets other workers handed to this one (w->handoff), for SAs it owns:
 * ESP decapsulation or encapsulation, then forwarding.  Worker lcore.
 */
void input_handoff_burst(struct worker *w, struct rte_mbuf **m, uint16_t n);

/*
 * A packet the gateway made (an ICMP error, data at its IP header) that
 * the outbound entry @p match of SPD @p spd (a PROTECT policy) covers:
 * protect it with that policy's SA (handed to the SA's owner worker if
 * needed), or drop it as a cleartext packet of that policy would be.
 * @p spd is the one @p match came from (worker_spd()).  Worker lcore.
 */
/*
 * Finish the packets of w->cq whose crypto has completed, from the oldest,
 * and send them on as input_burst() would have; with @p flush, complete
 * every job in flight first, so that the queue is empty on return (unless
 * called from within itself: then it returns at once).  The worker calls
 * it once a pass and before SA changes and grace periods
 * (fastpath/worker.c); so must whoever drives input_burst() by hand and
 * wants its packets out.
 */
void input_crypto_poll(struct worker *w, bool flush);

void input_protect_own(struct worker *w, const struct spd *spd, struct rte_mbuf *m, uint32_t match);

#endif
