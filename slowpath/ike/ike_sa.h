/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ike_sa.h: the IKE SA table both IKE versions share: lookup by cookies/SPIs and peer, half-open accounting, local ids. */
#ifndef FASTIPSEC_IKE_SA_H
#define FASTIPSEC_IKE_SA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "slowpath/ike/ike.h"

/*
 * The part of an IKE SA that does not depend on the version.  An engine
 * embeds struct ike_sa as the first member of its own SA and keeps the
 * rest (keys, exchanges, children) there.  The table owns no memory of
 * the SAs: the engine allocates and frees them, the table links them.
 *
 * SPIs are the 8-byte IKEv1 cookies / IKEv2 SPIs read in network order
 * (struct ike_hdr), so that a zero spi_r means "not chosen yet" as on
 * the wire (RFC 2408 §3.1, RFC 7296 §3.1).
 *
 * state changes only through ike_sa_set_state() (STYLE.md rule 11),
 * which keeps the counts by state and of half-open SAs.
 *
 * Owner: the control core.
 */
struct ike_sa {
	uint64_t id; /* local id: unique, never 0, never reused by this table */
	uint8_t version;
	enum ike_sa_state state;
	bool initiator;
	uint64_t spi_i;
	uint64_t spi_r;
	unsigned int connection; /* index in config.connections, UINT32_MAX while unknown */
	struct ike_addr local;
	struct ike_addr remote;
	uint64_t created_ns;
	uint64_t established_ns;

	uint64_t peer_key; /* the engine's key of the peer (ike_sa_set_peer_key), 0: none */

	/* table links */
	struct ike_sa *hnext;             /* hash chain by spi_i */
	struct ike_sa *rnext;             /* hash chain by spi_r (when not 0) */
	struct ike_sa *pnext;             /* hash chain by peer_key (when not 0) */
	struct ike_sa *prev, *next;       /* all SAs, in creation order */
	struct ike_sa *ho_prev, *ho_next; /* half-open (CONNECTING) SAs */
	bool linked;
};

struct ike_sa_table {
	struct ike_sa **buckets;  /* by spi_i */
	struct ike_sa **rbuckets; /* by spi_r */
	struct ike_sa **pbuckets; /* by peer_key */
	unsigned int n_buckets;   /* a power of two, doubled as the SAs grow past twice it */
	struct ike_sa *head, *tail;
	struct ike_sa *ho_head;
	uint64_t next_id;
	unsigned int count;
	unsigned int half_open;
	unsigned int by_state[IKE_SA_STATE__MAX];
};

/* Set up an empty table of about @size buckets.  0 or -ENOMEM. */
int ike_sa_table_init(struct ike_sa_table *t, unsigned int size);
/* Free the buckets; the SAs still linked are the caller's (unlink them first). */
void ike_sa_table_fini(struct ike_sa_table *t);

/*
 * Link @sa (spi_i, version, addresses and state set by the caller; state
 * CONNECTING or ESTABLISHED) and give it its local id and created_ns.
 */
void ike_sa_insert(struct ike_sa_table *t, struct ike_sa *sa, uint64_t now_ns);
/* Unlink @sa (its memory stays the caller's).  Unlinked SAs are ignored. */
void ike_sa_remove(struct ike_sa_table *t, struct ike_sa *sa);

/* Set spi_r of a linked SA (the responder's cookie / SPI, learnt or chosen). */
void ike_sa_set_spi_r(struct ike_sa_table *t, struct ike_sa *sa, uint64_t spi_r);

/*
 * Key @sa by its peer (@key: the engine's hash of what makes two IKE SAs
 * the same peer's, e.g. connection and identity; 0 unkeys it), for
 * ike_sa_next_by_peer_key(): no walk over every SA per new one.
 */
void ike_sa_set_peer_key(struct ike_sa_table *t, struct ike_sa *sa, uint64_t key);
/*
 * Iterate the linked SAs keyed @key (not 0), in no order: @after NULL
 * for the first.  Keys may collide: the caller compares what it means.
 */
struct ike_sa *ike_sa_next_by_peer_key(const struct ike_sa_table *t, uint64_t key,
    const struct ike_sa *after);

/*
 * The only way to change sa->state: checks that the transition is one of
 * CONNECTING -> ESTABLISHED, CONNECTING -> DELETING, ESTABLISHED ->
 * DELETING, logs it (debug) and keeps the counts.  Returns 0, or -EINVAL
 * (nothing changed) for any other transition.
 */
int ike_sa_set_state(struct ike_sa_table *t, struct ike_sa *sa, enum ike_sa_state to,
    uint64_t now_ns);

/* The SA of @version with exactly these SPIs, or NULL. */
struct ike_sa *ike_sa_lookup(const struct ike_sa_table *t, uint8_t version, uint64_t spi_i,
    uint64_t spi_r);
/*
 * The SA of @version with initiator SPI @spi_i and peer address @remote
 * (port ignored) whatever its spi_r, preferring @initiator's role: for a
 * first message retransmitted (spi_r still 0 on the wire) and for the
 * reply that tells the initiator the responder's SPI.  NULL when none.
 */
struct ike_sa *ike_sa_lookup_spi_i(const struct ike_sa_table *t, uint8_t version, uint64_t spi_i,
    const struct config_addr *remote, bool initiator);
/* The SA with local id @id, or NULL (linear). */
struct ike_sa *ike_sa_find_id(const struct ike_sa_table *t, uint64_t id);

/*
 * Iterate the SAs with peer address @remote (port ignored) in creation
 * order: @after NULL for the first.  Any version.
 */
struct ike_sa *ike_sa_next_for_peer(const struct ike_sa_table *t, const struct config_addr *remote,
    const struct ike_sa *after);

/* Half-open (CONNECTING) SAs in all, and those with peer address @remote. */
unsigned int ike_sa_half_open(const struct ike_sa_table *t);
unsigned int ike_sa_half_open_from(const struct ike_sa_table *t, const struct config_addr *remote);

/*
 * A fresh random SPI / cookie: non-zero and not the spi_i or spi_r of
 * any SA of the table.  0 or -EIO (no random bytes).
 */
int ike_sa_new_spi(const struct ike_sa_table *t, uint64_t *spi);

/* Position @i (0-based, creation order) of the table, or NULL past the end. */
struct ike_sa *ike_sa_at(const struct ike_sa_table *t, unsigned int i);

/* Fill the version-independent fields of @info from @sa. */
void ike_sa_info_fill(const struct ike_sa *sa, struct ike_sa_info *info);

/* true when @a and @b are the same address (family and bytes). */
bool ike_sa_addr_eq(const struct config_addr *a, const struct config_addr *b);

#endif
