/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/sa_events.h: what the workers report about SAs, turned into the seed's log records. */
#ifndef FASTIPSEC_SA_EVENTS_H
#define FASTIPSEC_SA_EVENTS_H

#include "common/ev.h"

/* An EV_SA_ACTIVITY event: log "ESP [...]" or "AH [...]" with the SA's identity. */
void sa_events_activity(const struct ev *ev);

/*
 * An EV_SA_LIFETIME event: log one "IPsec SA soft lifetime reached",
 * "IPsec SA hard lifetime reached" or "IPsec SA sequence number exhausted"
 * record (direction, SA name, SPI, limit, packets, bytes, sequence
 * number), then call the hook below.  The worker has already acted: after
 * a hard limit or the last sequence number the SA drops its packets.
 * Control core.
 */
void sa_events_lifetime(const struct ev *ev);

/*
 * An EV_SA_UNKNOWN event of worker @p worker: log "IPsec packet for an
 * unknown SPI" (protocol, SPI, source, destination, sequence number, and
 * how many such packets the worker dropped since its previous report).
 * Control core.
 */
void sa_events_unknown(const struct ev *ev, unsigned int worker);

/*
 * What the key manager does about a lifetime event, RFC 4301 §4.4.2.1:
 * on a soft limit negotiate a replacement and move traffic to it
 * (make-before-break, ARCHITECTURE.md rule 4); on a hard limit or
 * sequence number exhaustion delete the SA and tell the peer.  The IKE
 * code registers its handler here; it runs on the control core after the
 * record is logged, with the event as the worker sent it.  Without a
 * handler (static SAs, today) nothing renews an SA: the soft record is
 * the operator's warning.  @p fn NULL removes the handler.
 */
typedef void (*sa_events_lifetime_fn)(const struct ev *ev, void *arg);
void sa_events_hook_set(sa_events_lifetime_fn fn, void *arg);

#endif
