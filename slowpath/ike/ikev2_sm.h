/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ikev2_sm.h: the IKEv2 engine (RFC 7296): IKE_SA_INIT and IKE_AUTH with the first Child SA. */
#ifndef FASTIPSEC_IKEV2_SM_H
#define FASTIPSEC_IKEV2_SM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "slowpath/ike/ike.h"

/*
 * The IKEv2 engine, the twin of the IKEv1 one in ike.h (same ops, same
 * threading contract: one thread calls every function, callbacks run
 * inside the call that triggered them and must not call back).
 *
 * This first increment does IKE_SA_INIT (with INVALID_KE_PAYLOAD and
 * NO_PROPOSAL_CHOSEN) and IKE_AUTH with pre-shared keys or X.509
 * certificates (RSA, ECDSA; RFC 7427 signatures; each end as its
 * connection says) and the first Child SA, both as initiator and as
 * responder, with a window of one message, retransmission of our requests
 * and stored replies to retransmitted requests.  Not yet: cookies, fragments,
 * CREATE_CHILD_SA, INFORMATIONAL (deletes, liveness), rekeying: such
 * requests are dropped and counted as unsupported.
 */

struct ikev2;

/* A new engine for the IKEv2 connections of cfg (cfg and ops must outlive it).  NULL on ENOMEM. */
struct ikev2 *ikev2_create(const struct config *cfg, const struct ike_ops *ops);
/* Free every SA (child_down for the installed children).  NULL is fine. */
void ikev2_destroy(struct ikev2 *e);

/*
 * RFC 7427 signature authentication, strongSwan's
 * charon.signature_authentication (default on): announce
 * SIGNATURE_HASH_ALGORITHMS in IKE_SA_INIT and sign with method 14 when
 * the peer announces them too.  Off: no notify sent, the peer's ignored,
 * signatures with the key's classic method (1 RSA, 9-11 ECDSA).  Applies
 * to IKE SAs started after the call.
 */
void ikev2_set_signature_authentication(struct ikev2 *e, bool on);

/* A message arrived (UDP payload, non-ESP marker stripped): as ikev1_input(). */
void ikev2_input(struct ikev2 *e, uint64_t now_ns, const struct ike_addr *local,
    const struct ike_addr *remote, const uint8_t *msg, size_t len);

/* Retransmissions and half-open timeouts: call every ~100 ms. */
void ikev2_tick(struct ikev2 *e, uint64_t now_ns);

/*
 * Negotiate child @child (index in config.children) of an IKEv2
 * connection (version 2, or 0) with a remote address: IKE_SA_INIT and
 * IKE_AUTH.  0 when started or already up / under way; -EINVAL for an
 * index that is not such a child, -EDESTADDRREQ without a remote
 * address, -ENOMEM, -EIO (no random bytes or DH).
 */
int ikev2_initiate(struct ikev2 *e, uint64_t now_ns, unsigned int child);

struct ikev2_stats {
	uint64_t rx;        /* messages handed to ikev2_input() */
	uint64_t tx;        /* messages sent (retransmissions included) */
	uint64_t tx_failed; /* ops->send refused */
	uint64_t retransmits;
	uint64_t replies_resent; /* retransmitted requests answered with the stored reply */
	uint64_t notifies_sent;  /* error notifies sent */
	uint64_t dropped[IKE_DROP__MAX];
	uint64_t invalid_ke_sent;    /* INVALID_KE_PAYLOAD answers */
	uint64_t invalid_ke_retries; /* IKE_SA_INIT restarted with the group the peer asked for */
	uint64_t ike_done;           /* IKE SAs established */
	uint64_t ike_failed;         /* given up: timeout, auth, no proposal */
	uint64_t auth_failed;        /* AUTH did not verify (either side) */
	uint64_t half_open_timeouts; /* responder SAs without IKE_AUTH in time */
	uint64_t child_done;         /* Child SAs installed */
	uint64_t child_failed;       /* Child SAs refused (TS, proposal) */
	uint64_t child_up_failed;
	uint64_t nat_detected; /* IKE SAs that floated to port 4500 */
	uint64_t half_open;    /* now */
	uint64_t sas[IKE_SA_STATE__MAX];
	uint64_t children;           /* installed, now */
	uint64_t child_soft_expired; /* soft lifetimes: logged, not rekeyed (no CREATE_CHILD_SA) */
	uint64_t child_hard_expired; /* Child SAs removed at their hard lifetime */
};

/* Snapshot of the counters: safe from any thread. */
void ikev2_stats_read(const struct ikev2 *e, struct ikev2_stats *out);

/* Initiate every child with start_action start of the connections IKEv2 initiates (version 2 or 0). */
void ikev2_start(struct ikev2 *e, uint64_t now_ns);

/*
 * Worker lifetime events for an installed Child SA, as
 * ikev1_sa_expired(): spi is ours when inbound, the peer's when
 * outbound.  Soft: logged and counted only, the Child SA is not rekeyed
 * (CREATE_CHILD_SA is not there yet) and runs on to its hard lifetime.
 * Hard: the pair is removed (child_down); the peer is not told (no
 * INFORMATIONAL exchange yet).  Unknown SPIs are ignored.
 */
void ikev2_sa_expired(struct ikev2 *e, uint64_t now_ns, uint32_t spi, bool inbound, bool hard);

/*
 * The IKE SAs from position start on, as ikev1_sa_list() (struct
 * ike_sa_info with version 2).  Control core only.
 */
unsigned int ikev2_sa_list(struct ikev2 *e, unsigned int start, unsigned int max,
    ike_sa_visit_fn fn, void *arg);

#endif
