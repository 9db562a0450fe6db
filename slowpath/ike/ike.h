/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ike.h: the IKE engine API: bytes and addresses in, bytes and SA pairs out through callbacks. */
#ifndef FASTIPSEC_IKE_H
#define FASTIPSEC_IKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "slowpath/ike/ike_child.h"

/*
 * The IKE engine is transport-agnostic (ARCHITECTURE.md rule 6): the
 * transport hands it whole UDP payloads with the addresses they travelled
 * between, and it sends through ops->send.  Time is whatever monotonic
 * nanosecond clock the caller passes in now_ns (tests drive it by hand).
 * Installed SA pairs leave through ops->child_up / child_down.
 *
 * Owner: one thread (the control core) calls every function of an engine;
 * the callbacks run on that thread, inside the call that triggered them.
 * A callback must not call back into the engine.  Only ikev1_stats_read()
 * may run on another thread (telemetry): it reads the counters with
 * relaxed atomic loads.
 */

/* An endpoint: an IPv4 or IPv6 address and a UDP port (host byte order). */
struct ike_addr {
	struct config_addr a;
	uint16_t port;
};

#define IKE_PORT      500  /* RFC 2408 §2.5.1 */
#define IKE_PORT_NATT 4500 /* RFC 3947 §4, RFC 3948 §2.2 */

struct ike_ops {
	void *ctx;
	/*
	 * Send one IKE message from local to remote.  On port 4500 the
	 * transport adds the 4-byte non-ESP marker (RFC 3948 §2.2); msg never
	 * has it.  0 or -errno (counted; retransmission recovers a lost one).
	 */
	int (*send)(void *ctx, const struct ike_addr *local, const struct ike_addr *remote,
	    const uint8_t *msg, size_t len);
	/*
	 * A phase-2 SA pair is up: install it (inbound first, then
	 * outbound).  0 or -errno (then the engine deletes it towards the
	 * peer).  The keys in c are wiped after the call.
	 */
	int (*child_up)(void *ctx, const struct ike_child_sa *c);
	/* Remove a pair installed before (keys zeroed in c). */
	void (*child_down)(void *ctx, const struct ike_child_sa *c);
	/*
	 * Optional, both or neither (NULL: child_up does it all at once).
	 * Make-before-break in two steps: child_prepare installs the pair's
	 * inbound SA only and keeps its outbound SA built but unused (keys
	 * wiped after the call as for child_up); child_activate (keys
	 * zeroed in c) then moves the child's outbound slot to it.  The
	 * engine prepares as soon as the peer may send on the new SA (a
	 * responder when it sends QM2, an initiator rekeying when QM2
	 * arrives) and activates once the peer can take it (a responder at
	 * QM3, a rekeying initiator a moment after QM3).  child_down works
	 * on a prepared pair too.  0 or -errno.
	 */
	int (*child_prepare)(void *ctx, const struct ike_child_sa *c);
	int (*child_activate)(void *ctx, const struct ike_child_sa *c);
	/*
	 * Optional.  The installed pair c (keys zeroed) now belongs to the
	 * IKE SA c->ike_sa (an IKEv1 reauthentication adopted it): the
	 * installer updates what it shows; nothing is reinstalled.
	 */
	void (*child_move)(void *ctx, const struct ike_child_sa *c);
	/*
	 * Optional.  The peer of the installed UDP-encapsulated pair c (keys
	 * zeroed) moved: its NAT gave it another address or port (RFC 7296
	 * §2.23).  c->remote and c->remote_port are where the pair's outbound
	 * SA sends from now on; its sequence numbers go on.  0 or -errno (the
	 * engine tries again with the peer's next message).
	 */
	int (*child_remap)(void *ctx, const struct ike_child_sa *c);
	/*
	 * Optional (NULL: none sent).  Send a NAT-keepalive (RFC 3948 §2.3:
	 * one byte 0xff, no non-ESP marker) from local to remote, both on
	 * port 4500 or the peer's floated port.  The engine calls it every
	 * IKE_NATT_KEEPALIVE_S seconds for each established IKE SA behind a
	 * NAT (ours, or a forced encapsulation) that sent nothing meanwhile.
	 */
	int (*keepalive)(void *ctx, const struct ike_addr *local, const struct ike_addr *remote);
};

#define IKE_NATT_KEEPALIVE_S 20 /* RFC 3948 §4: "every 20 seconds" is the usual default */

struct ikev1;

/* A new engine for the IKEv1 connections of cfg (cfg and ops must outlive it).  NULL on ENOMEM. */
struct ikev1 *ikev1_create(const struct config *cfg, const struct ike_ops *ops);
/*
 * Free every SA: deletes for the established ones go to their peers
 * (phase-2 SAs, then the ISAKMP SA, through ops->send: keep the transport
 * running until this returns), child_down for the installed children.
 * NULL is fine.
 */
void ikev1_destroy(struct ikev1 *e);

/*
 * A message arrived (UDP payload, non-ESP marker already stripped).  local
 * is the gateway address/port it was sent to, remote where it came from.
 * Bad input is dropped and counted, or answered as RFC 2408 §5 says.
 */
void ikev1_input(struct ikev1 *e, uint64_t now_ns, const struct ike_addr *local,
    const struct ike_addr *remote, const uint8_t *msg, size_t len);

/* Retransmissions, timeouts, DPD, keepalives, lifetimes: call every ~100 ms. */
void ikev1_tick(struct ikev1 *e, uint64_t now_ns);

/*
 * Negotiate child @child (index in config.children, of an IKEv1
 * connection with a remote address): main mode first when no IKE SA with
 * the peer is up or under way, then quick mode.  For start_action start
 * and for trap acquires.  0 when started, or when the child is up or
 * being negotiated already (nothing done); -EINVAL for an index that is
 * not an IKEv1 child, -EDESTADDRREQ when the connection has no remote
 * address, -ENOMEM, -EIO (no random bytes or DH).
 */
int ikev1_initiate(struct ikev1 *e, uint64_t now_ns, unsigned int child);

/* Initiate every child with start_action start. */
void ikev1_start(struct ikev1 *e, uint64_t now_ns);

/*
 * Worker lifetime events for an installed SA: spi is ours when inbound,
 * the peer's when outbound.  Soft: the pair is rekeyed now (a new quick
 * mode; nothing when it is being rekeyed or was replaced already).
 * Hard: the pair is removed (child_down) and deleted towards the peer.
 * Unknown SPIs are ignored.
 */
void ikev1_sa_expired(struct ikev1 *e, uint64_t now_ns, uint32_t spi, bool inbound, bool hard);

/*
 * Delete every installed phase-2 SA pair of child @child: child_down, and
 * a delete notification to the peer (RFC 2408 §4.8).  0, or -ENOENT when
 * the child has none, -EINVAL for a bad index.
 */
int ikev1_child_delete(struct ikev1 *e, uint64_t now_ns, unsigned int child);

/*
 * Delete IKE SA @id (struct ike_sa_info.id) with its phase-2 SAs: deletes
 * to the peer when it is established.  0 or -ENOENT.
 */
int ikev1_ike_delete(struct ikev1 *e, uint64_t now_ns, uint64_t id);

/* ---- telemetry ---- */

/* Why a received message was dropped (one counter each). */
enum ike_drop {
	IKE_DROP_MALFORMED = 0, /* header, chain or payload does not parse */
	IKE_DROP_UNKNOWN_SA,    /* cookies / SPIs of no SA of ours (Unknown IKE cookie) */
	IKE_DROP_NO_CONNECTION, /* no connection for the addresses or the identity */
	IKE_DROP_UNSUPPORTED,   /* exchange or mode not implemented / not allowed (aggressive...) */
	IKE_DROP_HALF_OPEN,     /* half-open limit reached (global or per source) */
	IKE_DROP_DECRYPT,       /* bad ciphertext length or padding */
	IKE_DROP_HASH,          /* HASH / HASH(1..3) mismatch */
	IKE_DROP_AUTH,          /* HASH_I / HASH_R mismatch: authentication failed */
	IKE_DROP_NO_PROPOSAL,   /* no acceptable proposal */
	IKE_DROP_STATE,         /* not expected in the SA's state (out of order, late) */
	IKE_DROP_RETRANSMIT,    /* a retransmitted request, answered with the stored reply */
	IKE_DROP_INTERNAL,      /* our own failure: no memory, random, DH, installer */
	IKE_DROP__MAX,
};

const char *ike_drop_name(enum ike_drop d); /* "malformed", "unknown_sa", ... (snake_case) */

/* IKE SA states, for counters and listings. */
enum ike_sa_state {
	IKE_SA_STATE_CONNECTING = 0, /* phase 1 / IKE_SA_INIT under way (half-open) */
	IKE_SA_STATE_ESTABLISHED,
	IKE_SA_STATE_DELETING, /* delete sent, waiting to be freed */
	IKE_SA_STATE__MAX,
};

const char *ike_sa_state_name(enum ike_sa_state s); /* "connecting", "established", "deleting" */

struct ikev1_stats {
	uint64_t rx;        /* messages handed to ikev1_input() */
	uint64_t tx;        /* messages sent (retransmissions included) */
	uint64_t tx_failed; /* ops->send refused */
	uint64_t retransmits;
	uint64_t keepalives; /* NAT-keepalives sent */
	uint64_t notifies_sent;
	uint64_t notifies_ratelimited; /* error notifies not sent: rate limit */
	uint64_t dropped[IKE_DROP__MAX];
	uint64_t p1_done;           /* phase-1 SAs established */
	uint64_t p1_failed;         /* given up: timeout, auth, no proposal */
	uint64_t half_open_evicted; /* cap full: responder SA without MM3 made room */
	uint64_t p2_done;           /* phase-2 SA pairs installed */
	uint64_t p2_failed;         /* quick modes that failed or timed out */
	uint64_t child_up_failed;
	uint64_t deletes_sent; /* delete payloads sent (ISAKMP and ESP) */
	uint64_t deletes_received;
	uint64_t dpd_sent;     /* R-U-THERE sent */
	uint64_t dpd_timeouts; /* peers declared dead */
	uint64_t initial_contacts;
	uint64_t p2_rekeys; /* phase-2 pairs replaced by a newer pair (rekeys, either side's) */
	uint64_t p1_rekeys; /* ISAKMP SAs replaced by a new main mode (reauthentication) */
	/* IKEv1 fragmentation (strongSwan's / Cisco's, ikev1_frag.c) */
	uint64_t frag_tx;          /* fragment datagrams sent (retransmissions included) */
	uint64_t frag_tx_msgs;     /* messages sent as fragments (counted once in tx) */
	uint64_t frag_rx;          /* fragment datagrams received (counted in rx) */
	uint64_t frag_reassembled; /* messages reassembled and taken in */
	uint64_t frag_dropped; /* fragments dropped: bad, unknown SA, limits, duplicates, timeout */
	uint64_t half_open;    /* now */
	uint64_t sas[IKE_SA_STATE__MAX]; /* IKE SAs by state, now */
	uint64_t children;               /* installed phase-2 SA pairs, now */
};

/* Snapshot of the counters: safe from any thread. */
void ikev1_stats_read(const struct ikev1 *e, struct ikev1_stats *out);

/* One IKE SA as /fastipsec/ike/list shows it: never keys. */
struct ike_sa_info {
	uint64_t id; /* local id, as in struct ike_child_sa.ike_sa */
	uint8_t version;
	enum ike_sa_state state;
	bool initiator;
	uint64_t spi_i; /* initiator cookie / SPI, wire order read as a number */
	uint64_t spi_r;
	unsigned int connection; /* index in config.connections */
	struct ike_addr local;
	struct ike_addr remote;
	bool nat_local;  /* we are behind a NAT (or encapsulation is forced) */
	bool nat_remote; /* the peer is */
	char proposal[CONFIG_PROPOSAL_NAME_MAX]; /* strongSwan keywords, "" before chosen */
	char peer_id[CONFIG_ID_MAX];             /* the peer's identity, "" before known */
	uint64_t created_ns;
	uint64_t established_ns; /* 0 while connecting */
	unsigned int n_children; /* installed phase-2 SA pairs */
};

/*
 * Call fn for the IKE SAs from position start on (in creation order) until
 * fn returns non-zero or max were shown.  Returns how many were passed to
 * fn; page with start += the return value.  Control core only (telemetry
 * hands the request over).
 */
typedef int (*ike_sa_visit_fn)(void *arg, const struct ike_sa_info *info);
unsigned int ikev1_sa_list(struct ikev1 *e, unsigned int start, unsigned int max,
    ike_sa_visit_fn fn, void *arg);

#endif
