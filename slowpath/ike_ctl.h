/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike_ctl.h: the control core's IKE: the engines wired to the transport, installer and timers. */
#ifndef FASTIPSEC_IKE_CTL_H
#define FASTIPSEC_IKE_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "slowpath/ike/ike.h"
#include "slowpath/ike/ikev2_sm.h"

/*
 * The appliance's IKE: the IKEv1 and IKEv2 engines (slowpath/ike/) get
 * the punted datagrams of their version from slowpath/ike_io.c, send
 * through it, install their SA pairs through slowpath/sa_ike.c, are
 * ticked by the control loop, and answer the workers' acquire and
 * lifetime events.  The IKEv1 engine exists when the config has a
 * connection that IKEv1 serves (version 1, or 0: either, as responder),
 * the IKEv2 engine when one has version 2 or 0.  Children of a version-1
 * connection are initiated (start_action start, trap acquires) with
 * IKEv1, those of version 2 or 0 with IKEv2; a lifetime event goes to
 * the engine that negotiated the SA.
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
 * Delete every IKE SA towards its peer and free the engines.  Call after
 * ctl_loop() returned and while the workers still run (deletes and
 * child_down go through them).  The IKEv2 engine has no INFORMATIONAL
 * exchange yet: its SAs are only removed here, the peer is not told.
 * A no-op without an engine.
 */
void ike_ctl_fini(void);

/* The IKEv1 engine's counters; false when there is no IKEv1 engine.  Any thread. */
bool ike_ctl_stats_read(struct ikev1_stats *out);

/* The IKEv2 engine's counters; false when there is no IKEv2 engine.  Any thread. */
bool ike_ctl_stats_read_v2(struct ikev2_stats *out);

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
