/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/sa_sync.c: SA_MSG_ADD/DEL applied to the worker's own SAD and outbound table. */
#include <rte_ring.h>

#include "common/sa_msg.h"
#include "common/sa_rt.h"
#include "fastpath/esp_outbound.h"
#include "fastpath/sa_sync.h"
#include "fastpath/sad.h"

void
sa_sync_apply(struct worker *w)
{
	struct sa_msg msgs[SA_MSG_BURST];
	unsigned int i, n;

	n = rte_ring_sc_dequeue_burst_elem(w->sa_ring, msgs, sizeof(msgs[0]), SA_MSG_BURST, NULL);
	for (i = 0; i < n; i++) {
		switch (msgs[i].op) {
		case SA_MSG_ADD_IN:
			if (sad_insert(w->sad, msgs[i].rt) != 0)
				counter_add(&w->stats.sa_msg_failed, 1);
			break;
		case SA_MSG_DEL_IN:
			if (sad_remove(w->sad, msgs[i].rt) != 0)
				counter_add(&w->stats.sa_msg_failed, 1);
			break;
		case SA_MSG_ADD_OUT:
		case SA_MSG_DEL_OUT:
			if (msgs[i].id >= SA_MAX) {
				counter_add(&w->stats.sa_msg_failed, 1);
				break;
			}
			/*
			 * ADD replaces what the slot holds (a rekey moves a child's
			 * traffic to its new SA in one store); DEL empties the slot only
			 * while it still holds that record, so withdrawing a replaced SA
			 * leaves its successor in place.
			 */
			if (msgs[i].op == SA_MSG_ADD_OUT)
				w->sa_out[msgs[i].id] = msgs[i].rt;
			else if (w->sa_out[msgs[i].id] == msgs[i].rt)
				w->sa_out[msgs[i].id] = NULL;
			break;
		case SA_MSG_MOVE_OUT: {
			const struct sa_out_move *mv = msgs[i].rt;

			/* Only the owner reads the header: it changes between two of its bursts. */
			if (mv->sa->owner == w->index)
				esp_outbound_sa_move(mv->sa, mv);
			break;
		}
		default:
			/* A corrupt ring message is a broken invariant (STYLE rule 12). */
			rte_panic("sa_sync: worker %u: bad sa_msg op %u\n", w->index, msgs[i].op);
		}
	}
	/* Release: the control core frees a record once it sees the DEL counted here. */
	if (n != 0)
		__atomic_store_n(&w->stats.sa_msgs, w->stats.sa_msgs + n, __ATOMIC_RELEASE);
}
