/* SPDX-License-Identifier: BSD-3-Clause */
/* common/sa_msg.h: the only ABI between slowpath/ and fastpath/ for SAs. */
#ifndef FASTIPSEC_SA_MSG_H
#define FASTIPSEC_SA_MSG_H

#include <stdint.h>

struct sa_rt_out;

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
	/**
	 * rt: struct sa_out_move; its SA's owner writes the new outer header
	 * into the SA (the others ignore it); rt freed after a grace period.
	 */
	SA_MSG_MOVE_OUT,
};

struct sa_msg {
	uint32_t op; /**< enum sa_msg_op */
	uint32_t id; /**< SA id: the slot of an outbound SA, the record id of an inbound one */
	void *rt;    /**< struct sa_rt_in / sa_rt_out, built by the control core */
};

/**
 * An outbound SA's new outer header: the peer moved (a NAT changed its
 * address or port, RFC 7296 §2.23).  The SA keeps its sequence numbers,
 * IV counter, counters and lifetime: only its owner writes the header
 * fields, between two bursts, so no packet ever sees half of it.
 */
struct sa_out_move {
	struct sa_rt_out *sa; /**< the record to change (installed or not) */
	uint8_t hdr[48];      /**< as struct sa_rt_out */
	uint8_t hdr_len;
	uint16_t fixed;
	uint16_t mtu;
	uint16_t encap_sport; /**< network byte order */
	uint16_t encap_dport;
	uint32_t hdr_sum;
};

#endif
