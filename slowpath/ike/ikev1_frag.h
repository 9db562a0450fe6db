/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ikev1_frag.h: IKEv1 fragmentation as strongSwan and Cisco do it (private payload 132). */
#ifndef FASTIPSEC_IKEV1_FRAG_H
#define FASTIPSEC_IKEV1_FRAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/limits.h"
#include "slowpath/ike/ike.h"

/*
 * Not an API: part of the IKEv1 engine (ikev1_sm.h includes it).
 *
 * A message bigger than the fragment size goes as a sequence of ISAKMP
 * messages with the SA's cookies, exchange Identity Protection, message
 * ID 0 and one fragment payload each (ID, number from 1, LAST flag on the
 * last): the whole encoded message, header included, cut in pieces.  It
 * is used when the peer announced the FRAGMENTATION vendor ID and the
 * connection says fragmentation yes, or always with force.
 *
 * Received fragments are collected per IKE SA (or per peer and initiator
 * cookie for a first message, before any SA exists), bounded in number,
 * bytes and time; the reassembled message is then taken in as if it had
 * arrived whole.  Owner: the control core, as the whole engine.
 */

struct ikev1;
struct v1_sa;
struct v1_frag_reasm;

/* Per IKE SA. */
struct v1_frag_sa {
	struct v1_frag_reasm *in; /* a message being reassembled, NULL when none */
	uint16_t tx_id;           /* fragment ID of the last message we fragmented */
	uint32_t tx_sum;          /* ... and its checksum and length: a resend keeps the ID */
	size_t tx_len;
};

/* Per engine: reassemblies of first messages (MM1), keyed by peer and initiator cookie. */
struct v1_frag_pre {
	struct v1_frag_reasm *r; /* NULL: slot free */
	struct ike_addr local;
	struct ike_addr remote;
	uint64_t ispi;
};

struct v1_frag_engine {
	struct v1_frag_pre pre[IKEV1_FRAG_PRE_MAX];
};

/* Does a message of @len bytes from @s go as fragments? */
bool ikev1_frag_wanted(const struct ikev1 *e, const struct v1_sa *s, size_t len);
/* Send @msg (@len) of @s as fragments (counted); 0 or -errno. */
int ikev1_frag_send(struct ikev1 *e, struct v1_sa *s, const uint8_t *msg, size_t len);
/*
 * A fragment message arrived (parsed into e->m: m->has_frag).  Stored, or
 * dropped and counted; when it completes a message, that message goes to
 * ikev1_sm_input_whole().
 */
void ikev1_frag_input(struct ikev1 *e, const struct ike_addr *local, const struct ike_addr *remote,
    const uint8_t *msg, size_t len);
/* Drop reassemblies older than IKEV1_FRAG_TIMEOUT_S. */
void ikev1_frag_tick(struct ikev1 *e, uint64_t now_ns);
/* @s goes: free its reassembly. */
void ikev1_frag_sa_fini(struct v1_sa *s);
/* The engine goes: free the first-message reassemblies. */
void ikev1_frag_fini(struct ikev1 *e);

#endif
