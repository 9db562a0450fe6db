/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/sa_ike.h: the SA installer of IKE-negotiated children: child up / down to the workers. */
#ifndef FASTIPSEC_SA_IKE_H
#define FASTIPSEC_SA_IKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <intel-ipsec-mb.h>

#include "common/alg.h"
#include "common/ev.h"
#include "config/config.h"
#include "slowpath/ike/ike_child.h"

/*
 * What the IKE engines call (struct ike_ops.child_up / child_down) when a
 * phase-2 SA pair / Child SA is up or gone.  Each pair becomes one
 * inbound and one outbound runtime record, built by the same code as the
 * static SAs (slowpath/sa_build.c) and published through sa_push.
 *
 * Child c of config.children owns outbound slot SA_CHILD_SLOT_BASE + c
 * (common/limits.h), where the SPD's PROTECT policies with .child == c
 * look; while the slot is empty their packets are dropped (no_child_sa)
 * and the workers report EV_ACQUIRE.  The inbound records of child c have
 * record id SA_CHILD_SLOT_BASE + c: a decrypted packet must match one of
 * the child's inbound policies (RFC 4301 §5.2), as a static SA's must
 * match the policy naming it.
 *
 * Rekeying is make-before-break (ARCHITECTURE.md rule 4): child_up for a
 * child that has an SA pair already installs the new inbound SA beside
 * the old one, then moves the outbound slot to the new outbound SA; the
 * old pair stays (its inbound SA still decrypts what the peer sent before
 * it switched) until its own child_down.  A child may have any number of
 * pairs at once.  When the pair in the slot goes down while an older one
 * of the child remains, the slot falls back to the newest remaining pair.
 *
 * One child, many peers.  A connection open to any peer (remote_addrs
 * %any: road warriors) negotiates a pair per peer, each narrowed to that
 * peer's traffic selectors (RFC 7296 §2.9); a site-to-site pair may be
 * narrowed too.  Such a pair (every pair of a %any connection, and a pair
 * whose negotiated selectors are not the child's configured ones) gets a
 * peer slot of its own, SA_DYN_SLOT_BASE up (its SAs' record id too),
 * and policies of its own: outbound PROTECT from its local to its remote
 * selectors naming that slot, inbound the reverse, so that traffic for a
 * peer leaves through that peer's SA and a peer's decrypted packets pass
 * only with its own addresses (RFC 4301 §5.2).  sa_ike_policies() lists
 * them for the SPD (slowpath/spd_ctl.c rebuilds it, batched).  The
 * peer's later pairs (a rekey under the same IKE SA, or a new IKE SA from
 * the same address and port, with the same selectors) take the same slot
 * as a rekey takes the child's: make-before-break as above.  Until the
 * SPD with a new peer's policies is published its traffic meets the
 * child's policies, whose slot never holds a peer's SA: dropped
 * (no_child_sa) rather than sent to another peer.  When a peer's last
 * pair goes, its policies leave the next SPD and its slot is taken again
 * once no SPD naming it remains (sa_ike_spd_retired()).
 *
 * Owner: the control core (every function except the sa_ike_rows_*()
 * readers, which the telemetry thread calls: they copy under a mutex
 * that the control core takes only while it changes the table).
 */

/* Start with the config's children (@p cfg must outlive the installer) and key manager @p mgr. */
int sa_ike_init(const struct config *cfg, IMB_MGR *mgr);

/* At shutdown, after the workers stopped: free every record still installed. */
void sa_ike_fini(void);

/*
 * Install child SA pair @p c: inbound first, then outbound (the slot of
 * c->child).  @p ctx unused.  Returns 0, or -errno with nothing installed:
 * -EINVAL (a field out of range, key lengths not the proposal's),
 * -EADDRNOTAVAIL (c->local is not ours), -EEXIST (our SPI with that
 * address and protocol is taken), -ENOSPC (the SAD is full, or a new
 * peer finds no slot or too big an SPD), -ENOMEM, -ENOBUFS (the workers'
 * rings stay full); -EINVAL too for a new peer whose selectors make no
 * policy.
 */
int sa_ike_child_up(void *ctx, const struct ike_child_sa *c);

/*
 * Two-step make-before-break (struct ike_ops.child_prepare / child_activate):
 * sa_ike_child_prepare() installs the pair's inbound SA only and keeps its
 * outbound record built but unpublished (the child's slot stays where it
 * is); sa_ike_child_activate() then publishes the outbound record into
 * the slot (0 when it is there already, -ENOENT for an unknown pair).
 * Returns as sa_ike_child_up().  sa_ike_child_down() takes either.
 */
int sa_ike_child_prepare(void *ctx, const struct ike_child_sa *c);
int sa_ike_child_activate(void *ctx, const struct ike_child_sa *c);

/*
 * Withdraw the pair of c->child with SPIs c->spi_in / c->spi_out; unknown
 * pairs are ignored.  The last pair of a peer takes its policies along.
 */
void sa_ike_child_down(void *ctx, const struct ike_child_sa *c);
/* ike_ops.child_move: the pair of @c now belongs to IKE SA c->ike_sa (telemetry shows it). */
void sa_ike_child_move(void *ctx, const struct ike_child_sa *c);
/*
 * ike_ops.child_remap: the peer of the UDP-encapsulated pair of @c moved
 * (its NAT's address or port changed, RFC 7296 §2.23): its outbound SA
 * sends to c->remote, c->remote_port from now on, from c->local,
 * c->local_port, with its sequence numbers going on.  Returns 0,
 * -ENOENT (unknown pair), -EINVAL (not UDP-encapsulated ESP), -ENOMEM,
 * -ENOBUFS (the workers' rings stay full: the old header stays).
 */
int sa_ike_child_remap(void *ctx, const struct ike_child_sa *c);

/*
 * A worker's EV_ACQUIRE: traffic for child ev->sa_id has no SA.  For a
 * child with start_action trap and no SA, at most every
 * ACQUIRE_INTERVAL_MS, call the registered acquire function (the engine
 * initiates, RFC 4301 §5.1); for the others nothing happens.
 */
typedef void (*sa_ike_acquire_fn)(void *ctx, uint64_t now_ns, unsigned int child);
void sa_ike_register_acquire(sa_ike_acquire_fn fn, void *ctx);
void sa_ike_acquire(const struct ev *ev, uint64_t now_ns);

/*
 * EV_SA_ACTIVITY and EV_SA_LIFETIME of IKE SAs (ev->sa_id >=
 * SA_CHILD_SLOT_BASE): logged as slowpath/sa_events.c logs static SAs
 * ("ESP [...]", "IPsec SA soft lifetime reached [...]", ...), with the
 * SA named "<connection>/<child>".  A lifetime event then goes to the
 * registered expire function: @p hard for a hard limit or the last
 * sequence number (the worker already stopped the SA), else soft (rekey).
 */
typedef void (*sa_ike_expire_fn)(void *ctx, uint64_t now_ns, uint32_t spi, bool inbound, bool hard);
void sa_ike_register_expire(sa_ike_expire_fn fn, void *ctx);
void sa_ike_activity(const struct ev *ev);
void sa_ike_lifetime(const struct ev *ev, uint64_t now_ns);

/* One installed IKE SA (one direction of a pair), as telemetry shows it: never keys. */
struct sa_ike_row {
	char name[2 * CONFIG_NAME_MAX]; /* "<connection>/<child>" */
	unsigned int child;
	uint64_t ike_sa;
	uint8_t ike_version;
	bool inbound;
	bool active;        /* outbound: in its slot (false once a rekey replaced it) */
	uint32_t slot;      /* outbound slot of the pair, and record id of both SAs */
	bool own_policies;  /* a peer's slot and policies of its own (many-peer or narrowed) */
	bool policy_live;   /* own_policies: the SPD the workers use has them */
	char local_ts[128]; /* own_policies: its selectors ("198.51.100.5/32,..."), cut short */
	char remote_ts[128];
	uint32_t spi;
	enum alg_proto proto;
	enum config_mode mode;
	struct config_addr local;
	struct config_addr remote;
	struct alg_proposal prop;
	bool esn;
	bool encap;
	uint16_t encap_sport; /* as on the wire of this direction */
	uint16_t encap_dport;
	unsigned int owner_lcore;
	uint64_t packets;
	uint64_t bytes;
	uint64_t drops;
	uint32_t replay_window; /* inbound */
	uint64_t replay_top;    /* inbound */
	uint64_t seq;           /* outbound: last sequence number sent */
	uint16_t mtu;           /* outbound: egress MTU towards the peer */
	uint16_t pmtu;          /* outbound: path MTU learned from ICMP, 0: none */
	struct config_lifetime lifetime;
	uint8_t lt_state; /* SA_LT_* of common/sa_rt.h */
};

/* Rows installed now (an inbound one per pair, an outbound one per pair). */
size_t sa_ike_rows_count(void);

/* Copy rows [start, start + max) into @p out; returns how many.  Any thread. */
size_t sa_ike_rows_read(size_t start, struct sa_ike_row *out, size_t max);

/* Copy the rows with SPI @p spi (at most @p max); returns how many.  Any thread. */
size_t sa_ike_rows_find(uint32_t spi, struct sa_ike_row *out, size_t max);

/* Copy the rows of IKE SA @p ike_sa (struct ike_child_sa.ike_sa; at most @p max); returns how many.  Any thread. */
size_t sa_ike_rows_of_ike_sa(uint64_t ike_sa, struct sa_ike_row *out, size_t max);

/* Counters of the installer (single writer: the control core). */
struct sa_ike_stats {
	uint64_t child_up;           /* pairs installed */
	uint64_t child_up_failed;    /* child_up refused */
	uint64_t child_down;         /* pairs withdrawn */
	uint64_t rekeyed;            /* outbound slots moved to a newer pair of the child */
	uint64_t acquires;           /* acquire calls made (trap children) */
	uint64_t acquire_ignored;    /* EV_ACQUIRE of children without trap, or with an SA */
	uint64_t acquire_no_handler; /* a trap child's acquire without a registered engine */
	uint64_t remapped;           /* outbound SAs moved to their peer's new NAT mapping */
	uint64_t peer_slots;         /* peers holding a slot and policies of their own now */
	uint64_t peer_slots_full;    /* pairs refused: no slot left, or the SPD would be too big */
	/*
	 * ns child_up spent on the pairs it installed: checks, both records
	 * built, inbound then outbound published (with the waits for room in
	 * the workers' rings); child_up / install_ns is the installer's rate.
	 */
	uint64_t install_ns;
};

void sa_ike_stats_read(struct sa_ike_stats *out);

/* Did the peers' policies change since the last sa_ike_policies()? */
bool sa_ike_policies_changed(void);

/*
 * The SPD's policies (fastpath/spd.h) in match order, into a new array
 * *@p out (free() it) of *@p n: the config's, with each child's peers'
 * own (newest peer first) just before the child's first configured
 * policy.  @p gen numbers the SPD they are for (growing), for
 * sa_ike_spd_published() and sa_ike_spd_retired().  Returns 0, -ENOMEM.
 */
int sa_ike_policies(unsigned int gen, struct config_policy **out, unsigned int *n);

/* The workers use the SPD of build @p gen from now on (telemetry: policy_live). */
void sa_ike_spd_published(unsigned int gen);

/* Every SPD built before build @p gen is freed: the slots of peers gone by then are free. */
void sa_ike_spd_retired(unsigned int gen);

#endif
