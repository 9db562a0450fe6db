/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ikev2_int.h: the IKEv2 engine's own state, shared by the ikev2_*.c files of the engine. */
#ifndef FASTIPSEC_IKEV2_INT_H
#define FASTIPSEC_IKEV2_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/log.h"
#include "config/config.h"
#include "slowpath/ike/ike.h"
#include "slowpath/ike/ike_crypto.h"
#include "slowpath/ike/ike_payload.h"
#include "slowpath/ike/ike_sa.h"
#include "slowpath/ike/ikev2_auth.h"
#include "slowpath/ike/ikev2_cookie.h"
#include "slowpath/ike/ikev2_crypt.h"
#include "slowpath/ike/ikev2_msg.h"
#include "slowpath/ike/ikev2_prop.h"
#include "slowpath/ike/ikev2_sm.h"

/*
 * Not an API: the layout of the engine behind struct ikev2
 * (slowpath/ike/ikev2_sm.h).
 *
 *   ikev2_sm.c    engine, dispatch, IKE_SA_INIT, IKE_AUTH, the first Child
 *                 SA, requests and replies under SK, retransmission, timers
 *   ikev2_info.c  the INFORMATIONAL exchange (RFC 7296 §1.4): deletes,
 *                 liveness checks, INITIAL_CONTACT; NAT keepalives
 *   ikev2_child.c the CREATE_CHILD_SA exchange (RFC 7296 §1.3, §2.8):
 *                 more Child SAs, Child SA and IKE SA rekeys, collisions
 *   ikev2_prop.c  proposals and traffic selectors
 *   ikev2_auth.c  AUTH payloads (PSK, signatures)
 *   ikev2_cookie.c COOKIE (RFC 7296 §2.6)
 *   ikev2_crypt.c the SK payload
 *   ikev2_frag.c  fragmentation (RFC 7383): sending SKF, reassembly per IKE SA
 */

#define V2_NONCE_LEN   32
#define V2_NATD_LEN    20
#define V2_INNER_MAX   8192
#define V2_HASHES_NLEN 16
#define V2_CERTREQ_CAS 16 /* CA key hashes in our CERTREQ */
#define V2_ONE_S       1000000000ull
#define V2_DEL_MAX     16 /* Child SA deletes waiting for the window */

/*
 * Child SAs one IKE SA holds at most (a rekey holds up to three pairs of
 * a child for a moment): s->children grows to it as needed.
 */
#define V2_CHILDREN_MAX 64

#define V2_INC(e, f) __atomic_fetch_add(&(e)->st.f, 1, __ATOMIC_RELAXED)
#define V2_DEC(e, f) __atomic_fetch_sub(&(e)->st.f, 1, __ATOMIC_RELAXED)

/*
 * Local ids of IKEv2 SAs start here, so that they never meet the IKEv1
 * engine's (both name their SAs to the installer and telemetry).
 */
#define V2_ID_BASE (1ull << 32)

/* Where a Child SA stands in a rekey (ikev2_child.c). */
enum v2_child_state {
	V2_CHILD_ACTIVE = 0, /* installed both ways */
	V2_CHILD_PREPARED,   /* inbound only: the outbound moves once the peer has the pair */
	V2_CHILD_REKEYED,    /* replaced: it goes once the peer stopped using it */
	V2_CHILD_REDUNDANT, /* lost a rekey collision before it carried traffic: the peer deletes it */
};

struct v2_cc;

/* An installed Child SA of an IKE SA. */
struct v2_child {
	struct ike_child_sa c; /* keys zeroed */
	uint64_t installed_ns;
	/* CREATE_CHILD_SA (ikev2_child.c) */
	uint8_t state;       /* enum v2_child_state */
	bool timed;          /* rekey_ns and expire_ns set */
	bool rekeying;       /* our rekey of it is in flight */
	uint64_t rekey_ns;   /* rekey_time (jittered): 0 none */
	uint64_t expire_ns;  /* life_time: 0 none */
	uint64_t state_ns;   /* PREPARED: outbound moved at the latest; REKEYED: deleted at */
	uint32_t replaces;   /* our inbound SPI of the pair it rekeyed, 0 for a new one */
	uint32_t peer_rekey; /* our inbound SPI of the pair the peer's colliding rekey of it made */
	int64_t prep_msgid;  /* PREPARED: a peer request with a higher ID moves the outbound */
	uint8_t nonce_min[IKEV2_NONCE_MAX]; /* the lowest nonce of the exchange that made it */
	size_t nonce_min_len;
};

struct v2_sa {
	struct ike_sa sa;   /* first: the table links it */
	unsigned int child; /* the child being negotiated */
	struct ikev2_prop_ike prop;
	bool prop_ok;
	uint16_t group;
	bool ke_retried;
	uint8_t cookie
	    [IKEV2_COOKIE_MAX]; /* the responder's, sent first in IKE_SA_INIT (RFC 7296 §2.6) */
	uint8_t cookie_len;
	uint8_t cookie_tries;
	struct ike_crypto_dh *dh;
	uint8_t ni[IKEV2_NONCE_MAX], nr[IKEV2_NONCE_MAX];
	size_t ni_len, nr_len;
	uint8_t *init_i, *init_r; /* the IKE_SA_INIT messages, for AUTH (§2.15) */
	size_t init_i_len, init_r_len;
	struct ike_crypto_v2_keys keys;
	struct ikev2_crypt_keys kin, kout;
	bool have_keys;
	bool nat_local, nat_remote;
	bool peer_frag;       /* the peer sent IKEV2_FRAGMENTATION_SUPPORTED */
	struct v2_frag *frag; /* its fragmented messages being reassembled (ikev2_frag.c) */
	uint16_t hashes[IKEV2_AUTH_HASHES_MAX]; /* the peer's SIGNATURE_HASH_ALGORITHMS */
	unsigned int n_hashes;
	/* our request in flight */
	uint8_t *req;
	size_t req_len;
	uint8_t req_exch;    /* its exchange type */
	uint32_t msgid_next; /* our next request's */
	bool req_busy;
	unsigned int req_tries;
	uint64_t req_next_ns;
	/* the peer's requests */
	uint32_t peer_msgid;         /* next expected */
	uint8_t *last_in, *last_out; /* last request received and our reply */
	size_t last_in_len, last_out_len;
	bool have_last;
	/* the Child SA offer (initiator) */
	uint8_t spi_in[4];
	struct ikev2_ts_payload tsi, tsr;
	/*
	 * Each Child SA allocated alone, so that a struct v2_child * stays
	 * valid while others are added (only its removal frees it); the
	 * array of pointers grows (realloc) up to V2_CHILDREN_MAX.
	 */
	struct v2_child **children;
	unsigned int n_children, children_cap;
	char peer_id[CONFIG_ID_MAX]; /* the peer's identity once authenticated */
	/* INFORMATIONAL (ikev2_info.c) */
	uint64_t last_rx_ns; /* the peer's last authenticated message */
	uint64_t last_tx_ns; /* our last message to the peer */
	bool dpd_out;        /* the request in flight is a liveness check */
	unsigned int n_del;  /* our inbound SPIs of removed Child SAs, the peer not told yet */
	uint32_t del_spis[V2_DEL_MAX];
	/* CREATE_CHILD_SA (ikev2_child.c) */
	struct v2_cc *cc;   /* our exchange in flight */
	bool timed;         /* rekey_ns and expire_ns set */
	bool rekeyed;       /* replaced by a newer IKE SA: it only goes */
	uint8_t ike_del;    /* rekeyed: 1 our Delete of it is due, 2 sent */
	uint64_t rekey_ns;  /* IKE SA rekey_time (jittered): 0 none */
	uint64_t expire_ns; /* rekey_time + over_time: 0 none */
	uint64_t retry_ns;  /* a rekey or creation refused or busy: not again before */
	uint32_t want;      /* children (bit: index - first_child) to create by CREATE_CHILD_SA */
	uint64_t peer_new;  /* id of the IKE SA the peer's colliding rekey of it made */
	uint8_t nonce_min[IKEV2_NONCE_MAX]; /* made by a rekey: the exchange's lowest nonce */
	size_t nonce_min_len;
};

/* The credentials of an IKEv2 connection: ours when local auth is pubkey, the trust anchors when remote. */
struct v2_creds {
	struct ike_crypto_cred *cred;
	struct ike_crypto_trust *trust;
	bool usable; /* what the connection's auth needs loaded */
};

struct ikev2 {
	const struct config *cfg;
	const struct ike_ops *ops;
	struct ike_sa_table t;
	struct ikev2_stats st;
	struct v2_creds *creds; /* per connection (IKEv2 ones loaded) */
	bool sig_hashes;        /* RFC 7427: announce and use SIGNATURE_HASH_ALGORITHMS */
	struct ikev2_msg m;     /* never on the stack: 6 KB and more */
	uint8_t obuf[IKE_MSG_MAX];
	uint8_t ibuf[V2_INNER_MAX];
	uint8_t pbuf[IKE_MSG_MAX];
	uint8_t
	    fbuf[IKE_MSG_MAX]; /* one fragment's plaintext, fragments being cut (ikev2_frag.c) */
	uint8_t abuf[IKEV2_AUTH_DATA_MAX];
	struct ike_child_sa cbuf;
	struct ikev2_sa_payload sa_out;    /* SA payloads we build */
	struct ikev2_cookie_secret cookie; /* ikev2_cookie.c */
	uint64_t cookie_dbg_ns, cookie_dbg_n;
};

static inline const struct config_connection *
v2_conn(const struct ikev2 *e, const struct v2_sa *s)
{
	return &e->cfg->connections[s->sa.connection];
}

/* ---- ikev2_sm.c: the core ---- */

/* A debug line naming @s (NULL: none) and function @fn. */
void ikev2_sm_dbg(const struct v2_sa *s, const char *fn, const char *what);
/* A copy of @p (malloc), NULL on ENOMEM. */
uint8_t *ikev2_sm_dup(const uint8_t *p, size_t len);
/* The log correlation fields of @s: its SPIs and the peer's address. */
void ikev2_sm_corr(const struct v2_sa *s, struct log_corr *corr);
/*
 * Key established @s in the IKE SA table by its peer: its connection and
 * the identity it authenticated (its address without one), so that the
 * peer's other IKE SAs are found without a walk over every SA.
 */
void ikev2_sm_peer_key(struct ikev2 *e, struct v2_sa *s);
/* The seed's Phase-2 done record of Child SA @c of @s, of the exchange we (@we_init) or the peer started. */
void ikev2_sm_log_child_done(const struct ikev2 *e, const struct v2_sa *s,
    const struct ike_child_sa *c, bool we_init);
/* Send @p as is (counted). */
void ikev2_sm_send_raw(struct ikev2 *e, const struct ike_addr *l, const struct ike_addr *r,
    const uint8_t *p, size_t len);
/* Free @s: child_down for its children, out of the table. */
void ikev2_sm_sa_free(struct ikev2 *e, struct v2_sa *s);
/* Give up on @s (logged with @why, counted as failed unless established) and free it. */
void ikev2_sm_sa_fail(struct ikev2 *e, struct v2_sa *s, uint64_t now, const char *why);
/*
 * Protect the inner payload chain @ib (built in e->ibuf) of exchange
 * @exch into e->obuf under @s's SK keys; the message length or -errno.
 */
int ikev2_sm_protect(struct ikev2 *e, struct v2_sa *s, struct ike_buf *ib, uint8_t exch,
    bool response, uint32_t msgid);
/* Send e->obuf (@len) as @s's new request of exchange @exch, kept for retransmission. */
void ikev2_sm_request_send(struct ikev2 *e, struct v2_sa *s, uint8_t exch, size_t len,
    uint64_t now);
/*
 * Protect @ib (in e->ibuf) as @s's next request of exchange @exch and
 * send it (retransmitted until answered).  -EBUSY while a request of ours
 * is outstanding (window one), or -errno when it does not build.
 */
int ikev2_sm_request(struct ikev2 *e, struct v2_sa *s, struct ike_buf *ib, uint8_t exch,
    uint64_t now);
/* Send e->obuf (@len) as the reply to request @in, kept for its retransmissions. */
void ikev2_sm_reply_send(struct ikev2 *e, struct v2_sa *s, const uint8_t *in, size_t in_len,
    size_t len);
/*
 * Protect @ib (in e->ibuf) as the reply to the peer's request @in
 * (message ID @msgid, exchange @exch) and send it.  0 or -errno.
 */
int ikev2_sm_reply(struct ikev2 *e, struct v2_sa *s, struct ike_buf *ib, uint8_t exch,
    uint32_t msgid, const uint8_t *in, size_t in_len);
/*
 * A protected answer to request @msgid holding notify @type only (IKEV2_N_NONE: empty);
 * UNSUPPORTED_CRITICAL_PAYLOAD carries e->m.error_payload as its data.
 */
void ikev2_sm_answer_notify(struct ikev2 *e, struct v2_sa *s, const uint8_t *in, size_t in_len,
    uint8_t exch, uint32_t msgid, uint16_t type);

/*
 * The seeds of a Child SA's KEYMAT (RFC 7296 §2.17): the nonces, and
 * g^ir (new) when the exchange did a Diffie-Hellman (PFS).
 */
struct v2_keymat_seed {
	const uint8_t *gir;
	size_t gir_len;
	const uint8_t *ni, *nr;
	size_t ni_len, nr_len;
};

/* KEYMAT for @c's algorithms @a from @seed (NULL: the IKE SA's nonces), into c->in and c->out. */
int ikev2_sm_child_keys(struct v2_sa *s, const struct alg_proposal *a,
    const struct v2_keymat_seed *seed, struct ike_child_sa *c);
/*
 * Install a Child SA of child @child on @s (ESP proposal @p, our inbound
 * SPI @spi_in, selectors @tsl ours, @tsr the peer's, KEYMAT from @seed,
 * NULL: the IKE SA's nonces) through ops->child_up.  The entry in
 * s->children, or NULL (counted, logged).
 */
int ikev2_sm_child_fill(struct ikev2 *e, struct v2_sa *s, unsigned int child,
    const struct ikev2_prop_esp *p, uint32_t spi_in, bool transport,
    const struct ikev2_ts_payload *tsl, const struct ikev2_ts_payload *tsr,
    const struct v2_keymat_seed *seed);
struct v2_child *ikev2_sm_child_install(struct ikev2 *e, struct v2_sa *s, unsigned int child,
    const struct ikev2_prop_esp *p, uint32_t spi_in, bool transport,
    const struct ikev2_ts_payload *tsl, const struct ikev2_ts_payload *tsr,
    const struct v2_keymat_seed *seed, uint64_t now);
/* Remove and free s->children[@i] (ops->child_down), the later ones move down. */
void ikev2_sm_child_remove(struct ikev2 *e, struct v2_sa *s, unsigned int i);
/*
 * Room in s->children for one more Child SA (the array grows; the
 * children stay where they are): 0, -ENOSPC at V2_CHILDREN_MAX, -ENOMEM.
 */
int ikev2_sm_child_reserve(struct v2_sa *s);
/* The index in s->children of the Child SA with SPI @spi (ours when @inbound), or -1. */
int ikev2_sm_child_find(const struct v2_sa *s, uint32_t spi, bool inbound);
/* The IKE SA holding the Child SA with @spi (as ikev2_sm_child_find()) with *@idx, or NULL. */
struct v2_sa *ikev2_sm_sa_of_child(struct ikev2 *e, uint32_t spi, bool inbound, unsigned int *idx);

/* ---- ikev2_frag.c: fragmentation (RFC 7383) ---- */

/* Does a protected message of @len bytes of @s go as fragments? */
bool ikev2_frag_wanted(const struct ikev2 *e, const struct v2_sa *s, size_t len);
/*
 * The message of @whole bytes in e->obuf (protected from the inner chain
 * @inner, @len bytes, first payload @first) as SKF fragments, back to
 * back in e->obuf: their total length, or @whole when it cannot be cut
 * (the whole message stays).
 */
int ikev2_frag_protect(struct ikev2 *e, struct v2_sa *s, uint8_t first, const uint8_t *inner,
    size_t len, size_t whole);
/* Send @p when it holds several messages back to back (fragments, counted): true, else false. */
bool ikev2_frag_send(struct ikev2 *e, const struct ike_addr *l, const struct ike_addr *r,
    const uint8_t *p, size_t len);
/*
 * An SKF message for @s in e->m (the I flag checked): within the window,
 * verified, kept.  True when it completed a message: e->m then holds it
 * decrypted (inner chain parsed, plaintext in e->pbuf), to be taken as a
 * message received whole.  False: kept, dropped or answered (counted).
 */
bool ikev2_frag_input(struct ikev2 *e, struct v2_sa *s, uint64_t now);
/* Drop @s's incomplete messages older than IKEV2_FRAG_TIMEOUT_S. */
void ikev2_frag_tick(struct ikev2 *e, struct v2_sa *s, uint64_t now);
/* @s goes: free its reassembly. */
void ikev2_frag_sa_fini(struct v2_sa *s);

/* ---- ikev2_info.c: INFORMATIONAL (RFC 7296 §1.4), INITIAL_CONTACT, keepalives ---- */

/* The peer's INFORMATIONAL request (decrypted into e->m) on established @s: answered; may free @s. */
void ikev2_info_request(struct ikev2 *e, struct v2_sa *s, uint64_t now, const uint8_t *in,
    size_t in_len);
/* The answer (decrypted into e->m) to our INFORMATIONAL request. */
void ikev2_info_response(struct ikev2 *e, struct v2_sa *s, uint64_t now);
/* Send the deletes waiting for the window, when no request of ours is in flight. */
void ikev2_info_run_pending(struct ikev2 *e, struct v2_sa *s, uint64_t now);
/* Established @s on tick: waiting deletes, liveness check, NAT keepalive. */
void ikev2_info_tick(struct ikev2 *e, struct v2_sa *s, uint64_t now);
/*
 * Our request on established @s went unanswered through every
 * retransmission: the peer is dead.  @s and its children go (no delete
 * sent), children with dpd_action restart are initiated again.
 */
void ikev2_info_dead(struct ikev2 *e, struct v2_sa *s, uint64_t now);
/* Remove s->children[@i] and delete it towards the peer (queued while a request is in flight). */
void ikev2_info_child_delete(struct ikev2 *e, struct v2_sa *s, unsigned int i, uint64_t now);
/* Shutdown: a Delete of established @s sent once, unanswered, before it is freed. */
void ikev2_info_ike_delete_now(struct ikev2 *e, struct v2_sa *s);
/*
 * RFC 7296 §2.21.2: we (the initiator) did not accept the responder's
 * IKE_AUTH answer on @s: N(AUTHENTICATION_FAILED) in an INFORMATIONAL
 * request under @s, sent once, before the caller frees @s.
 */
void ikev2_info_auth_failed(struct ikev2 *e, struct v2_sa *s);
/* INITIAL_CONTACT into our IKE_AUTH request @ib when we hold no other IKE SA with the peer. */
void ikev2_info_initial_contact_build(struct ikev2 *e, const struct v2_sa *s, struct ike_buf *ib);
/* After @s authenticated the peer: its INITIAL_CONTACT (in e->m) removes our older IKE SAs with it. */
void ikev2_info_initial_contact(struct ikev2 *e, struct v2_sa *s, uint64_t now);

/* ---- ikev2_child.c: CREATE_CHILD_SA (RFC 7296 §1.3, §2.8): more Child SAs, rekeys, collisions ---- */

/* The peer's CREATE_CHILD_SA request (decrypted into e->m) on @s: answered. */
void ikev2_child_request(struct ikev2 *e, struct v2_sa *s, uint64_t now, const uint8_t *in,
    size_t in_len);
/* The answer (decrypted into e->m) to our CREATE_CHILD_SA request. */
void ikev2_child_response(struct ikev2 *e, struct v2_sa *s, uint64_t now);
/*
 * A request of the peer with message ID @msgid passed the window of @s:
 * it had our earlier answers, so the pairs they prepared may carry our
 * traffic now.  Call before the request is processed.
 */
void ikev2_child_peer_request(struct ikev2 *e, struct v2_sa *s, uint32_t msgid, uint64_t now);
/* Established @s on tick: lifetimes, rekeys, children to create.  May free @s. */
void ikev2_child_tick(struct ikev2 *e, struct v2_sa *s, uint64_t now);
/* A soft lifetime of s->children[@i] (the workers' bytes or packets): rekey it now. */
void ikev2_child_soft_expired(struct ikev2 *e, struct v2_sa *s, unsigned int i, uint64_t now);
/*
 * Child @child (config index) of @s's connection is wanted (start, trap):
 * a CREATE_CHILD_SA once @s is established, unless it is installed or
 * under way.
 */
void ikev2_child_want(struct ikev2 *e, struct v2_sa *s, unsigned int child);
/* @s goes: free what ikev2_child.c keeps for it. */
void ikev2_child_sa_fini(struct v2_sa *s);

#endif
