/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/sa_sync.h: a worker applies the control core's SA messages. */
#ifndef FASTIPSEC_SA_SYNC_H
#define FASTIPSEC_SA_SYNC_H

#include "fastpath/worker.h"

/*
 * Apply at most SA_MSG_BURST pending messages of w->sa_ring, at the top of
 * a loop pass (before any packet of the pass): after it, a deleted SA is
 * unreachable from this worker, so the quiescent state it reports at the
 * end of the pass lets the control core free the record.
 */
void sa_sync_apply(struct worker *w);

#endif
