/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/sa_events.h: what the workers report about SAs, turned into the seed's log records. */
#ifndef FASTIPSEC_SA_EVENTS_H
#define FASTIPSEC_SA_EVENTS_H

#include "common/ev.h"

/* An EV_SA_ACTIVITY event: log "ESP [...]" or "AH [...]" with the SA's identity. */
void sa_events_activity(const struct ev *ev);

#endif
