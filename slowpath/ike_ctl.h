/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike_ctl.h: the control core's IKE: the engines wired to the transport, installer and timers. */
#ifndef FASTIPSEC_IKE_CTL_H
#define FASTIPSEC_IKE_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "slowpath/ike/ike.h"

/*
 * The appliance's IKE: the IKEv1 engine (slowpath/ike/) gets the punted
 * datagrams from slowpath/ike_io.c, sends through it, installs its SA
 * pairs through slowpath/sa_ike.c, is ticked by the control loop, and
 * answers the workers' acquire and lifetime events.  It exists when the
 * config has a connection that IKEv1 serves (version 1, or 0: either).
 *
 * Owner: the control core, except ike_ctl_stats_read() and
 * ike_ctl_list_*(), which the telemetry thread calls: they copy under a
 * mutex from a snapshot the control core refreshes every tick (CTL_TICK_MS).
 */

/*
 * Create the engine for @p cfg (which must outlive it) and register it
 * with the transport, the installer and the control loop.  Call after
 * sa_ike_init() and before ctl_loop().  0, or -ENOMEM.
 */
int ike_ctl_init(const struct config *cfg);

/* After the ports started: initiate the children with start_action start. */
void ike_ctl_start(uint64_t now_ns);

/*
 * Delete every IKE SA towards its peer and free the engine.  Call after
 * ctl_loop() returned and while the workers still run (deletes and
 * child_down go through them).  A no-op without an engine.
 */
void ike_ctl_fini(void);

/* The engine's counters; false when there is no engine.  Any thread. */
bool ike_ctl_stats_read(struct ikev1_stats *out);

/* IKE SAs in the last snapshot; any thread. */
size_t ike_ctl_list_count(void);

/* Copy snapshot entries [start, start + max) into @p out; returns how many.  Any thread. */
size_t ike_ctl_list_read(size_t start, struct ike_sa_info *out, size_t max);

/*
 * Copy the snapshot entries whose initiator or responder cookie is
 * @p cookie (at most @p max); returns how many.  Any thread.
 */
size_t ike_ctl_list_find(uint64_t cookie, struct ike_sa_info *out, size_t max);

#endif
