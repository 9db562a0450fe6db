/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/neigh_ctl.h: the control core's side of ARP and IPv6 ND: learning and probing. */
#ifndef FASTIPSEC_NEIGH_CTL_H
#define FASTIPSEC_NEIGH_CTL_H

#include <stdint.h>

#include "common/ev.h"
#include "config/config.h"

/*
 * Create the neighbour table with the configured static entries and an
 * unresolved entry per route gateway, which neigh_ctl_tick() then probes.
 * Control core, after port_setup().  Returns 0 or -errno.
 */
int neigh_ctl_init(const struct config *cfg);
void neigh_ctl_fini(void);

/* An EV_NEIGH_LEARN event from a worker. */
void neigh_ctl_event(const struct ev *ev, uint64_t now_ns);

/* Announce port @p port's IPv4 addresses (gratuitous ARP), e.g. when its link comes up. */
void neigh_ctl_announce(uint16_t port);

/*
 * An EV_NEIGH_RESOLVE event: a packet (ev->ptr, data at L3) waits for this
 * next hop.  The packet is queued (at most NEIGH_PENDING_MAX per next hop,
 * for NEIGH_PENDING_TIMEOUT_MS) and ev->ptr set to NULL; the next hop is
 * probed (rate-limited); the queue is sent when it answers.
 */
void neigh_ctl_resolve(struct ev *ev, uint64_t now_ns);

/* Queued packets dropped: their next hop did not answer in time, or the queue was full. */
uint64_t neigh_ctl_queue_dropped(void);

/* Probe route gateways: unresolved ones every NEIGH_PROBE_MS, resolved ones every NEIGH_REFRESH_S. */
void neigh_ctl_tick(uint64_t now_ns);

#endif
