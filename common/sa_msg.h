/* SPDX-License-Identifier: BSD-3-Clause */
/* common/sa_msg.h: the only ABI between slowpath/ and fastpath/ for SAs. */
#ifndef FASTIPSEC_SA_MSG_H
#define FASTIPSEC_SA_MSG_H

#include <stdint.h>

/**
 * Control core -> worker, one SPSC ring per worker.  Every worker gets
 * every message: each keeps its own lookup tables (so a packet that lands
 * on another worker than the SA's owner is recognised and handed over),
 * while only the owner (sa_rt_*.owner) touches the record's mutable fields.
 */
enum sa_msg_op {
	SA_MSG_ADD_IN = 1, /**< rt: struct sa_rt_in, complete; enter it in the SAD */
	SA_MSG_ADD_OUT,    /**< rt: struct sa_rt_out, complete, into slot id (replacing any) */
	SA_MSG_DEL_IN,     /**< forget rt; the control core frees it after a QSBR grace period */
	SA_MSG_DEL_OUT,    /**< clear slot id if it holds rt; rt freed after a grace period */
};

struct sa_msg {
	uint32_t op; /**< enum sa_msg_op */
	uint32_t id; /**< SA id: the slot of an outbound SA, the record id of an inbound one */
	void *rt;    /**< struct sa_rt_in / sa_rt_out, built by the control core */
};

#endif
