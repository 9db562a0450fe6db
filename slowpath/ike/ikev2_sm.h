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
 * and stored replies to retransmitted requests; protected messages too big
 * for one datagram go in RFC 7383 fragments, and the peer's are
 * reassembled (ikev2_frag.c); COOKIE (RFC 7296 §2.6) from
 * ike.cookie_threshold half-open IKE SAs on (ikev2_cookie.c).
 * CREATE_CHILD_SA (ikev2_child.c): further Child SAs, Child SA and IKE SA
 * rekeys with PFS, make-before-break, collisions settled by the nonces
 * (RFC 7296 §2.8).  INFORMATIONAL (ikev2_info.c): deletes of Child SAs and
 * of the IKE SA both ways, liveness checks after the connection's
 * dpd_delay of silence (no answer through the retransmissions: the SAs
 * go), INITIAL_CONTACT, NAT-keepalives (ops->keepalive) from behind a NAT.
 */

struct ikev2;

/* A new engine for the IKEv2 connections of cfg (cfg and ops must outlive it).  NULL on ENOMEM. */
struct ikev2 *ikev2_create(const struct config *cfg, const struct ike_ops *ops);
/*
 * Free every SA: established IKE SAs are deleted towards their peers first
 * (an INFORMATIONAL Delete sent once, through ops->send: keep the
 * transport running until this returns), child_down for the installed
 * children.  NULL is fine.
 */
void ikev2_destroy(struct ikev2 *e);

/*
 * RFC 7427 signature authentication, strongSwan's
 * charon.signature_authentication (default on): announce
 * SIGNATURE_HASH_ALGORITHMS in IKE_SA_INIT and sign with method 14 when
 * the peer announces them too.  Off: no notify sent, the peer's ignored,
 * signatures with the key's classic method (1 RSA, 9-11 ECDSA).  Applies
 * to IKE SAs started after the call.  A connection's
 * signature_authentication: false turns it off for that connection alone.
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
	uint64_t cookies_sent;       /* IKE_SA_INIT answered with N(COOKIE) alone (§2.6) */
	uint64_t cookies_valid;      /* requests whose cookie was good: they went on */
	uint64_t cookies_invalid;    /* requests with a wrong or outdated cookie: a new one sent */
	uint64_t cookie_retries;     /* our IKE_SA_INIT sent again with the responder's cookie */
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
	uint64_t child_soft_expired; /* soft lifetimes from the workers (each starts a rekey) */
	uint64_t child_hard_expired; /* Child SAs removed at their hard lifetime */
	/* CREATE_CHILD_SA (RFC 7296 §1.3, §2.8) */
	uint64_t child_rekeys;         /* Child SAs replaced by a rekey (either side's) */
	uint64_t child_rekeys_started; /* rekeys we started (rekey_time or a soft lifetime) */
	uint64_t child_rekey_failed;   /* ours refused or unusable (TEMPORARY_FAILURE aside) */
	uint64_t ike_rekeys;           /* IKE SAs replaced by a rekey (either side's) */
	uint64_t ike_rekeys_started;
	uint64_t ike_rekey_failed;
	uint64_t ike_expired; /* IKE SAs deleted at rekey_time + over_time, not rekeyed */
	uint64_t collisions;  /* simultaneous rekeys settled by the nonces (§2.8.1, §2.8.2) */
	uint64_t temporary_failures; /* TEMPORARY_FAILURE sent or received (§2.25) */
	uint64_t child_not_found;  /* REKEY_SA for a Child SA we do not hold (CHILD_SA_NOT_FOUND) */
	uint64_t deletes_sent;     /* INFORMATIONAL requests with Delete payloads we sent */
	uint64_t deletes_received; /* the peer's INFORMATIONAL requests with Delete payloads */
	uint64_t children_deleted; /* Child SAs removed on the peer's delete */
	uint64_t ike_deleted;      /* IKE SAs removed on the peer's delete */
	uint64_t dpd_sent;         /* liveness checks sent (empty INFORMATIONAL requests) */
	uint64_t dpd_answered;     /* the peer's liveness checks answered */
	uint64_t dpd_timeouts;     /* IKE SAs removed: the peer answered nothing (dead) */
	uint64_t initial_contacts; /* the peer's INITIAL_CONTACT received */
	uint64_t initial_contact_sent;
	uint64_t keepalives; /* NAT-keepalives sent (RFC 3948) */

	/* fragments (RFC 7383, ikev2_frag.c) */
	uint64_t frag_tx;          /* SKF fragment datagrams sent */
	uint64_t frag_tx_msgs;     /* messages sent as fragments (retransmissions included) */
	uint64_t frag_rx;          /* SKF fragments received for an IKE SA */
	uint64_t frag_reassembled; /* messages made whole from fragments */
	uint64_t frag_dropped;     /* not kept: window, ICV, limits, duplicates, timed out */
};

/* Snapshot of the counters: safe from any thread. */
void ikev2_stats_read(const struct ikev2 *e, struct ikev2_stats *out);

/*
 * Initiate every child with start_action start of the connections IKEv2
 * initiates (version 2 or 0): the first through IKE_SA_INIT and
 * IKE_AUTH, the others of the connection by CREATE_CHILD_SA in that IKE
 * SA once it is up (ikev2_initiate() likewise).  Child SAs rekey at their
 * rekey_time (less up to rand_time) or soft lifetime, IKE SAs at the
 * connection's rekey_time; an IKE SA not rekeyed by rekey_time +
 * over_time is deleted, a Child SA at its life_time.
 */
void ikev2_start(struct ikev2 *e, uint64_t now_ns);

/*
 * Worker lifetime events for an installed Child SA, as
 * ikev1_sa_expired(): spi is ours when inbound, the peer's when
 * outbound.  Soft: the Child SA is rekeyed now (CREATE_CHILD_SA, at the
 * next tick when a request is in flight; nothing when it is being rekeyed
 * or was replaced already).
 * Hard: the pair is removed (child_down) and deleted towards the peer (an
 * INFORMATIONAL Delete, after the request in flight if there is one).
 * Unknown SPIs are ignored.
 */
void ikev2_sa_expired(struct ikev2 *e, uint64_t now_ns, uint32_t spi, bool inbound, bool hard);

/*
 * The IKE SAs from position start on, as ikev1_sa_list() (struct
 * ike_sa_info with version 2).  Control core only.
 */
unsigned int ikev2_sa_list(struct ikev2 *e, unsigned int start, unsigned int max,
    ike_sa_visit_fn fn, void *arg);

#endif
