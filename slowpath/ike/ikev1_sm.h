/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ikev1_sm.h: the IKEv1 engine's own state, shared by ikev1_sm.c, ikev1_qm.c and ikev1_info.c. */
#ifndef FASTIPSEC_IKEV1_SM_H
#define FASTIPSEC_IKEV1_SM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/log.h"
#include "config/config.h"
#include "slowpath/ike/ike.h"
#include "slowpath/ike/ike_crypto.h"
#include "slowpath/ike/ike_sa.h"
#include "slowpath/ike/ikev1_frag.h"
#include "slowpath/ike/ikev1_msg.h"
#include "slowpath/ike/ikev1_prop.h"

/*
 * Not an API: the layout of the engine behind struct ikev1 (slowpath/ike/ike.h).
 *
 *   ikev1_sm.c    engine, dispatch, main mode (RFC 2409 §5), timers
 *   ikev1_qm.c    quick mode (RFC 2409 §5.5)
 *   ikev1_info.c  informational exchanges: notify, delete, DPD (RFC 2408
 *                 §4.8, RFC 3706)
 *   ikev1_prop.c  proposals and traffic selectors
 *   ikev1_crypt.c message encryption and the keyed hashes
 */

#define V1_NONCE_LEN    32 /* our nonces (RFC 2409 §5: 8..256 bytes) */
#define V1_BLOCK        IKE_CRYPTO_AES_BLOCK
#define V1_NOTIFY_RATE  20             /* error notifies a second, all peers together */
#define V1_QM_LINGER_NS 30000000000ull /* a finished quick mode answers retransmits this long */
#define V1_ONE_S        1000000000ull
/*
 * Rekeying (make-before-break, ARCHITECTURE.md rule 4).  A replaced
 * phase-2 pair stays this long, so that what the peer sent on it before
 * it switched still decrypts, then it is deleted (RFC 2408 §4.8).  A
 * rekeying initiator moves its outbound SA to the new pair this long
 * after QM3, when the responder has installed it.  A failed rekey is
 * tried again after V1_REKEY_RETRY_NS (while the pair lives).  An ISAKMP
 * SA replaced by a new main mode goes V1_REAUTH_DELETE_NS after it.
 */
#define V1_REKEY_GRACE_NS 5000000000ull
/*
 * After the DELETE of a replaced pair (no answer comes in IKEv1) its
 * inbound SA still takes this long what the peer sent before it read the
 * DELETE: a peer that kept sending on that pair (one that settled a rekey
 * collision the other way, as strongSwan's newest-SA rule may) loses
 * nothing in flight.  Its outbound SA carries nothing since the rekey.
 */
#define V1_DELETE_LINGER_NS   1000000000ull
#define V1_REKEY_OUT_DELAY_NS 1000000000ull
#define V1_REKEY_RETRY_NS     10000000000ull
#define V1_REAUTH_DELETE_NS   5000000000ull
/*
 * The peer moves its pairs to a new ISAKMP SA in a reauthentication, at a
 * moment we do not see: strongSwan does it before its MM1 as initiator,
 * and as responder in a job of its own after it has read MM5.  While the
 * peer's main mode runs, while ours waits for MM6 and for V1_MOVING_NS
 * after either comes up, a pair's DELETE or rekey could reach the peer on
 * an SA that does not hold the pair there; a DELETE would be ignored and
 * leave the pair at the peer until it expires.  So they wait
 * (ikev1_sm_pairs_moving()), at most V1_MOVING_WAIT_MAX_NS past their time.
 */
#define V1_MOVING_NS          1000000000ull
#define V1_MOVING_WAIT_MAX_NS 3000000000ull
#define V1_REAUTH_RETRY_MAX   4  /* a failed reauthentication is retried after 10, 20, 40, 80 s */
#define V1_TIE_LEN            32 /* nonce bytes kept to break rekey collisions */

/* Main mode progress, by the message last sent or received. */
enum v1_mm_state {
	V1_MM_I1 = 0, /* initiator: MM1 sent, waiting for MM2 */
	V1_MM_I2,     /* MM3 sent, waiting for MM4 */
	V1_MM_I3,     /* MM5 sent, waiting for MM6 */
	V1_MM_R1,     /* responder: MM2 sent, waiting for MM3 */
	V1_MM_R2,     /* MM4 sent, waiting for MM5 */
	V1_MM_DONE,   /* phase 1 established */
};

/*
 * The last message of an exchange we sent, and the last one we took in:
 * a peer's retransmission (the same bytes again) is answered by sending
 * ours again, never processed twice (RFC 2408 §5: duplicate messages).
 */
struct v1_xmit {
	uint8_t *msg;
	size_t len;
	uint8_t *in;
	size_t in_len;
	bool retransmit; /* msg is a request: resend it on the timer until answered */
	unsigned int tries;
	uint64_t next_ns;
};

/*
 * An installed phase-2 SA pair.  A pair is "live" until a newer pair of
 * the same child replaces it (rekeyed: it only waits for delete_ns).
 */
struct v1_child {
	struct v1_child *next;
	struct ike_child_sa c;   /* keys wiped once child_up returned */
	uint64_t qm_seq;         /* e->p2_seq when its quick mode started (rekey collisions) */
	uint64_t done_seq;       /* ... when the peer installed it (our QM3 or QM2 sent) */
	uint64_t up_ns;          /* in use both ways (activated) */
	uint32_t gen;            /* rekey generation: 1 + that of the pairs it replaces */
	uint64_t expire_ns;      /* hard lifetime in time, 0 for none */
	uint64_t rekey_ns;       /* soft lifetime in time (jittered), 0 for none */
	uint64_t activate_ns;    /* out_pending: when to move the outbound SA */
	uint64_t delete_ns;      /* rekeyed: when to delete it (then remove it), 0 none */
	bool delete_sent;        /* rekeyed: deleted towards the peer, removed at delete_ns */
	bool out_pending;        /* prepared (inbound only), outbound not moved yet */
	bool rekeying;           /* a quick mode replacing it is under way */
	bool rekeyed;            /* replaced by a newer pair (or lost a collision) */
	uint8_t tie[V1_TIE_LEN]; /* the lower of Ni and Nr (collisions) */
	size_t tie_len;
};

enum v1_qm_state {
	V1_QM_I1 = 0, /* initiator: QM1 sent, waiting for QM2 */
	V1_QM_R1,     /* responder: QM2 sent, waiting for QM3 */
	V1_QM_DONE,   /* finished: kept a while to answer a retransmitted QM2 */
};

struct v1_qm {
	struct v1_qm *next;
	uint32_t msgid;
	bool initiator;
	enum v1_qm_state st;
	unsigned int child; /* index in config.children */
	uint8_t iv[V1_BLOCK];
	uint8_t ni[IKEV1_NONCE_MAX];
	size_t ni_len;
	uint8_t nr[IKEV1_NONCE_MAX];
	size_t nr_len;
	struct ike_crypto_dh *dh; /* PFS */
	uint8_t gqm[IKE_CRYPTO_DH_MAX];
	size_t gqm_len;
	uint32_t spi_in;
	uint32_t spi_out;
	struct ikev1_p2_prop prop;
	bool ids; /* ID payloads in the exchange (else the IKE SA's addresses) */
	struct config_ts local_ts, remote_ts; /* negotiated */
	struct v1_xmit x;
	uint64_t started_ns;
	uint64_t started_seq; /* e->p2_seq at the start */
	uint64_t linger_ns;
	uint32_t rekey_spi;    /* initiator: spi_in of the pair it replaces, 0 none */
	uint32_t gen;          /* generation of the pair it makes (ikev1_qm_gen) */
	struct v1_child *prep; /* responder: the pair prepared with QM2, up at QM3 */
};

struct v1_sa {
	struct ike_sa sa; /* first: the table links it */
	struct ikev1 *e;
	enum v1_mm_state mm;
	const struct config_connection *conn;
	struct ikev1_p1_prop prop;

	/* vendor ids of the peer */
	bool vid_natt, vid_natt_draft, vid_dpd, vid_strongswan, vid_frag, vid_self;
	/* NAT-T (RFC 3947) */
	bool nat_local;  /* this end is behind a NAT, or encapsulation is forced */
	bool nat_remote; /* the peer is */
	uint8_t natd_type;

	uint8_t *sai_b; /* the initiator's SA payload body */
	size_t sai_len;
	struct ike_crypto_dh *dh;
	uint8_t gxi[IKE_CRYPTO_DH_MAX];
	uint8_t gxr[IKE_CRYPTO_DH_MAX];
	size_t gx_len;
	uint8_t ni[IKEV1_NONCE_MAX];
	size_t ni_len;
	uint8_t nr[IKEV1_NONCE_MAX];
	size_t nr_len;
	bool have_keys;
	uint8_t skeyid[IKE_CRYPTO_PRF_MAX];
	size_t skeyid_len;
	struct ike_crypto_v1_keys keys;
	uint8_t enc[32];
	size_t enc_len;
	/* Phase 1: the last CBC block, the next phase-1 IV and the base of the
	 * phase-2 and informational IVs (RFC 2409 Appendix B). */
	uint8_t iv[V1_BLOCK];
	const struct config_secret *secret;

	uint8_t peer_id_type; /* IKEV1_ID_*, 0 before MM5/MM6 */
	char peer_id[CONFIG_ID_MAX];
	/* Signature authentication: the notify a failed MM5/MM6 check answers with. */
	enum ikev1_notify auth_err;

	struct v1_xmit x;       /* phase 1 */
	struct v1_frag_sa frag; /* IKEv1 fragmentation: reassembly, fragment ID (ikev1_frag.c) */
	struct v1_qm *qms;
	struct v1_child *children;
	unsigned int n_children;
	uint8_t *pending; /* bitmap over config.children: quick modes waiting for phase 1 */

	uint32_t dpd_seq;
	uint64_t dpd_wait_ns; /* first unanswered R-U-THERE, 0 when none */
	uint64_t dpd_sent_ns;
	uint64_t last_rx_ns; /* last authenticated message from the peer */
	uint64_t last_tx_ns;
	uint64_t expire_ns; /* phase-1 hard lifetime, 0 none */
	uint64_t rekey_ns;  /* reauthentication (jittered), 0 none */
	bool rekey_logged;  /* reauthentication started (or impossible) */
	bool superseded;    /* a newer ISAKMP SA with the peer took the children */
	uint64_t delete_ns; /* superseded: when it is deleted */
	/*
	 * Crossing reauthentications.  The peer associates each phase-2 pair
	 * with one ISAKMP SA and moves pairs only in a reauthentication: as
	 * initiator (strongSwan) it moves those of the SA it reauthenticates
	 * before its MM1; as responder it adopts those of the older SAs it
	 * still holds established.  We keep each pair on the SA the peer
	 * associates with it (its deletes and rekeys go there), and never
	 * delete an ISAKMP SA that the peer may still hold pairs on.
	 */
	uint64_t reauth_from;      /* ours, by reauth_start(): the SA it replaces (id), 0 none */
	unsigned int reauth_tries; /* reauthentications of this SA that failed */
	bool peer_left;            /* the peer reauthenticates it: its pairs go to reauth_of's SA */
	uint64_t reauth_of;  /* the peer's reauthentication: the SA it replaces (id), 0 none */
	uint64_t adopted_ns; /* it took the pairs of older SAs (p1_adopt()) then, 0 never */
};

/*
 * The credentials of a connection with certificates (RFC 2409 §5.1),
 * loaded by ikev1_create(): our chain and key, the remote end's CAs and
 * CRLs, and the authentication method our key gives (0: unusable).
 */
struct v1_creds {
	struct ike_crypto_cred *cred;
	struct ike_crypto_trust *trust;
	uint16_t method; /* IKEV1_AUTH_RSA_SIG or _ECDSA_256/384/521 */
};

struct ikev1 {
	const struct config *cfg;
	struct v1_creds *creds; /* per connection (config.connections), for auth pubkey */
	struct ike_ops ops;
	struct ike_sa_table t;
	struct ikev1_stats st;
	struct ikev1_msg *m;        /* parse scratch */
	struct ikev1_sa *sa_build;  /* SA payload build scratch */
	uint8_t *obuf;              /* message build scratch (IKE_MSG_MAX) */
	uint8_t *pbuf;              /* decrypted body scratch (IKE_MSG_MAX) */
	uint8_t *hbuf;              /* ID payload bodies and other small builds */
	struct v1_frag_engine frag; /* first messages in fragments (ikev1_frag.c) */
	uint64_t now_ns;
	uint64_t p2_seq; /* orders quick-mode starts and pair completions (rekey collisions) */
	const struct ike_addr *rx_local;  /* the message being handled came to ... */
	const struct ike_addr *rx_remote; /* ... from (input_msg()) */
	uint64_t rl_start_ns;
	unsigned int rl_count;
	bool destroying;
};

/* Counters: one writer (the control core), read by telemetry with relaxed loads. */
#define V1_INC(e, field) __atomic_store_n(&(e)->st.field, (e)->st.field + 1, __ATOMIC_RELAXED)
#define V1_DROP(e, why)  V1_INC(e, dropped[(why)])

static inline struct v1_sa *
v1_sa_of(struct ike_sa *sa)
{
	return (struct v1_sa *)sa;
}

/* Constant-time comparison of two byte strings of one length (hash payloads). */
static inline bool
ikev1_sm_ct_eq(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint8_t d = 0;
	size_t i;

	for (i = 0; i < n; i++)
		d |= (uint8_t)(a[i] ^ b[i]);
	return d == 0;
}

/* The log correlation fields of an SA. */
void ikev1_sm_corr(const struct v1_sa *s, struct log_corr *corr);

/* ---- ikev1_sm.c, for the other files ---- */

/*
 * Build a message in e->obuf: header for @s with @exchange, @msgid, @flags;
 * the caller appends payloads with the ikev1_msg_build_*() functions.
 */
void ikev1_sm_hdr(struct ikev1 *e, struct ike_buf *b, const struct v1_sa *s, uint8_t exchange,
    uint32_t msgid, uint8_t flags);
/*
 * A message reassembled from fragments (ikev1_frag.c): taken in as
 * ikev1_input() takes an unfragmented one (not counted in rx again).
 */
void ikev1_sm_input_whole(struct ikev1 *e, const struct ike_addr *local,
    const struct ike_addr *remote, const uint8_t *msg, size_t len);
/* Send @len bytes from @s's local to remote endpoint, as fragments when they apply; 0 or -errno (counted). */
int ikev1_sm_send(struct ikev1 *e, struct v1_sa *s, const uint8_t *msg, size_t len);
/* Keep a copy of @msg (@len) in @x as our last message; @request: retransmit it on the timer. */
int ikev1_sm_keep(struct ikev1 *e, struct v1_xmit *x, const uint8_t *msg, size_t len, bool request);
/* Keep a copy of the peer's message, to recognise its retransmission. */
int ikev1_sm_keep_in(struct v1_xmit *x, const uint8_t *msg, size_t len);
void ikev1_sm_xmit_fini(struct v1_xmit *x);
/* The bytes are the peer's last message of @x again: resend ours (counted).  true when so. */
bool ikev1_sm_duplicate(struct ikev1 *e, struct v1_sa *s, struct v1_xmit *x, const uint8_t *msg,
    size_t len);

/*
 * Remove @s: child_down for every installed pair (with ESP deletes to the
 * peer and then the ISAKMP delete when @send_deletes and phase 1 is up),
 * unlink and free it.
 */
void ikev1_sm_sa_delete(struct ikev1 *e, struct v1_sa *s, bool send_deletes, const char *why);
/* The delay before retransmission @tries (0: the first), from config.ike (RFC-free: strongSwan's backoff). */
uint64_t ikev1_sm_rto(const struct ikev1 *e, unsigned int tries);
/* The peer sent INITIAL-CONTACT (RFC 2407 §4.6.3.3): remove its other SAs, log it. */
void ikev1_sm_initial_contact(struct ikev1 *e, struct v1_sa *s);
/*
 * Remove @s as ikev1_sm_sa_delete() does, but first hand its phase-2
 * pairs to the newest other established ISAKMP SA of the same connection
 * with the same peer and identity, when there is one (a reauthentication:
 * the pairs stay installed).  For the peer's ISAKMP delete and our own
 * delete of a superseded SA.
 */
void ikev1_sm_sa_handover(struct ikev1 *e, struct v1_sa *s, bool send_deletes, const char *why);
/* A random duration in [0, @max_s] seconds (rekey jitter), in ns. */
uint64_t ikev1_sm_jitter(uint32_t max_s);
/*
 * May the peer hold @s's pairs on another ISAKMP SA than we think, for a
 * moment: the peer's reauthentication is under way (it moved them at its
 * MM1), ours has sent MM5 and waits for MM6, or a reauthentication came
 * up less than V1_MOVING_NS ago.
 */
bool ikev1_sm_pairs_moving(const struct ikev1 *e, const struct v1_sa *s);
/* Phase 1 is up: run the quick modes that waited for it. */
void ikev1_sm_run_pending(struct ikev1 *e, struct v1_sa *s);
/* Bump the gauges (SAs by state, half-open, children) after a change. */
void ikev1_sm_gauges(struct ikev1 *e);
/* A random quick-mode / informational message id unused by @s: 0 or -EIO. */
int ikev1_sm_new_msgid(struct v1_sa *s, uint32_t *msgid);
/* A fresh SPI of ours (RFC 4303 §2.1: >= 256), unused by any pair or quick mode: 0 or -EIO. */
int ikev1_sm_new_spi(struct ikev1 *e, uint32_t *spi);
/* The connection index of @s. */
unsigned int ikev1_sm_conn_index(const struct ikev1 *e, const struct v1_sa *s);
/* Token bucket for error notifies: true when one may be sent now. */
bool ikev1_sm_notify_allowed(struct ikev1 *e);

/* ---- ikev1_qm.c ---- */

/* Start quick mode for child @child on the established @s.  0 or -errno. */
int ikev1_qm_start(struct ikev1 *e, struct v1_sa *s, unsigned int child);
/* Rekey pair @c of @s: a new quick mode for its child (c->rekeying until it ends).  0 or -errno. */
int ikev1_qm_rekey(struct ikev1 *e, struct v1_sa *s, struct v1_child *c);
/* Quick mode @q of @s failed or was refused: count, log, free (a rekey is retried later). */
void ikev1_qm_abort(struct ikev1 *e, struct v1_sa *s, struct v1_qm *q, const char *why);
/* @s goes: withdraw the pairs its quick modes prepared but did not finish (child_down). */
void ikev1_qm_release(struct ikev1 *e, struct v1_sa *s);
/* A quick-mode message for @s (header parsed in e->m). */
void ikev1_qm_input(struct ikev1 *e, struct v1_sa *s, const uint8_t *msg, size_t len);

/*
 * The message being handled on established @s passed its HASH: the peer
 * is alive, and with a NAT between us the SA and its UDP-encapsulated
 * pairs follow the port the peer's NAT now gives it (RFC 3947 §4; the
 * same rule as RFC 7296 §2.23).
 */
void ikev1_sm_authentic(struct ikev1 *e, struct v1_sa *s);
/* Retransmissions and lingering of @s's quick modes, lifetimes of its pairs. */
void ikev1_qm_tick(struct ikev1 *e, struct v1_sa *s, uint64_t now_ns);
void ikev1_qm_free(struct v1_qm *q);
/* Is child @child of @s installed, or being negotiated? */
bool ikev1_qm_busy(const struct v1_sa *s, unsigned int child);
/* Remove the pair @c of @s (child_down; an ESP delete to the peer when @send_delete). */
void ikev1_qm_child_remove(struct ikev1 *e, struct v1_sa *s, struct v1_child *c, bool send_delete,
    const char *why);
/* A hard lifetime of @c is reached: remove it, a newer pair of its child taking its traffic. */
void ikev1_qm_hard_expired(struct ikev1 *e, struct v1_sa *s, struct v1_child *c);

/* ---- ikev1_info.c ---- */

/* An informational exchange for @s (may be NULL: no SA, only unencrypted notifies count). */
void ikev1_info_input(struct ikev1 *e, struct v1_sa *s, const uint8_t *msg, size_t len);
/*
 * Send a notify of @type about @s: encrypted with HASH(1) once @s has
 * keys, else in the clear (RFC 2408 §3.14.1, rate-limited for errors).
 * @proto/@spi: what it is about (ISAKMP and the cookies when @spi NULL).
 */
void ikev1_info_notify(struct ikev1 *e, struct v1_sa *s, enum ikev1_notify type, uint8_t proto,
    const uint8_t *spi, uint8_t spi_size, const uint8_t *data, size_t data_len);
/*
 * An unencrypted error notify without an SA (or before its keys): to
 * @remote from @local, cookies from @hdr (RFC 2408 §5.1).  Rate-limited.
 */
void ikev1_info_notify_clear(struct ikev1 *e, const struct ike_addr *local,
    const struct ike_addr *remote, const struct ike_hdr *hdr, enum ikev1_notify type);
/* Send a delete for @n_spis SPIs of @proto (IKEV1_PROTO_ISAKMP: the cookies of @s). */
void ikev1_info_delete(struct ikev1 *e, struct v1_sa *s, uint8_t proto, const uint32_t *spis,
    unsigned int n_spis);
/* DPD (RFC 3706 §5): R-U-THERE when the peer is quiet; true when the peer was declared dead (@s freed). */
bool ikev1_info_dpd_tick(struct ikev1 *e, struct v1_sa *s, uint64_t now_ns);

#endif
