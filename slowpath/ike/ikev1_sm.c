/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ikev1_sm.c: the IKEv1 engine: dispatch, main mode with pre-shared keys (RFC 2409 §5), timers. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/limits.h"
#include "common/log.h"
#include "slowpath/ike/ike.h"
#include "slowpath/ike/ike_creds.h"
#include "slowpath/ike/ike_crypto.h"
#include "slowpath/ike/ike_id.h"
#include "slowpath/ike/ike_payload.h"
#include "slowpath/ike/ike_sa.h"
#include "slowpath/ike/ikev1_crypt.h"
#include "slowpath/ike/ikev1_msg.h"
#include "slowpath/ike/ikev1_prop.h"
#include "slowpath/ike/ikev1_sm.h"

/*
 * Main mode with pre-shared keys (RFC 2409 §5, NAT-T of RFC 3947 §3-§4):
 *
 *   Initiator                          Responder
 *   HDR, SA, VID...              -->                      MM1
 *                                <--   HDR, SA, VID...    MM2
 *   HDR, KE, Ni, NAT-D, NAT-D    -->                      MM3
 *                                <--   HDR, KE, Nr, NAT-D, NAT-D   MM4
 *   (float to 4500 when a NAT is detected or encapsulation forced)
 *   HDR*, IDii, HASH_I [, N(INITIAL-CONTACT)]  -->        MM5
 *                                <--   HDR*, IDir, HASH_R [, N]    MM6
 *
 * With signatures (RFC 2409 §5.1, auth pubkey: RSA_SIG, or ECDSA of RFC
 * 4754) MM3 and MM4 add a CR per trusted CA (when send_certreq), and MM5
 * / MM6 carry CERT payloads (ours, then intermediates) and SIG_I / SIG_R,
 * the signatures of HASH_I / HASH_R, instead of the hash; SKEYID is
 * prf(Ni_b | Nr_b, g^xy).  The peer's certificate must chain to the
 * connection's cacerts (ike_crypto.c) and name the identity it sent.
 *
 * The initiator retransmits its requests (MM1, MM3, MM5) until answered;
 * the responder answers a retransmitted request with its stored reply.
 * Phase 1 keys and IVs: ike_crypto.c (RFC 2409 §5, Appendix B).
 */

#define DEF_RTO_MS   4000 /* config.ike defaults, when a hand-made config leaves them 0 */
#define DEF_TRIES    5
#define DEF_BASE     1.8
#define DEF_HO_MAX   1000
#define DEF_HO_SRC   20
#define DEF_HO_S     30
#define BITS_PER     8
#define FRAG_VID_CAP 0x80000000u /* FRAGMENTATION capability: main/aggressive mode fragments */

/* Vendor IDs (RFC 3947 §3.1, RFC 3706 §3, and strongSwan's). */
static const uint8_t vid_rfc3947[16] = { 0x4a, 0x13, 0x1c, 0x81, 0x07, 0x03, 0x58, 0x45, 0x5c, 0x57,
	0x28, 0xf2, 0x0e, 0x95, 0x45, 0x2f };
static const uint8_t vid_natt_draft03[16] = { 0x7d, 0x94, 0x19, 0xa6, 0x53, 0x10, 0xca, 0x6f, 0x2c,
	0x17, 0x9d, 0x92, 0x15, 0x52, 0x9d, 0x56 };
static const uint8_t vid_natt_draft02[16] = { 0xcd, 0x60, 0x46, 0x43, 0x35, 0xdf, 0x21, 0xf8, 0x7c,
	0xfd, 0xb2, 0xfc, 0x68, 0xb6, 0xa4, 0x48 };
static const uint8_t vid_natt_draft02n[16] = { 0x90, 0xcb, 0x80, 0x91, 0x3e, 0xbb, 0x69, 0x6e, 0x08,
	0x63, 0x81, 0xb5, 0xec, 0x42, 0x7b, 0x1f };
static const uint8_t vid_dpd[16] = { 0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9, 0x6b, 0x86,
	0x96, 0xfc, 0x77, 0x57, 0x01, 0x00 };
static const uint8_t vid_strongswan[16] = { 0x88, 0x2f, 0xe5, 0x6d, 0x6f, 0xd2, 0x0d, 0xbc, 0x22,
	0x51, 0x61, 0x3b, 0x2e, 0xbe, 0x5b, 0xeb };
/* Ours: MD5("fastipsec IKEv1").  Two of us settle rekey collisions by nonce (ikev1_qm.c). */
static const uint8_t vid_self[16] = { 0xee, 0x50, 0x20, 0xdd, 0xf0, 0xe5, 0xe7, 0x1f, 0xf2, 0xf4,
	0x6d, 0x82, 0xfa, 0x7e, 0x1b, 0xa5 };
static const uint8_t vid_frag[20] = { 0x40, 0x48, 0xb7, 0xd5, 0x6e, 0xbc, 0xe8, 0x85, 0x25, 0xe7,
	0xde, 0x7f, 0x00, 0xd6, 0xc2, 0xd3, 0x80, 0x00, 0x00, 0x00 };

/* ---- small helpers ---- */

void
ikev1_sm_corr(const struct v1_sa *s, struct log_corr *corr)
{
	memset(corr, 0, sizeof(*corr));
	corr->ike_spi_i = s->sa.spi_i;
	corr->ike_spi_r = s->sa.spi_r;
	corr->peer_family = s->sa.remote.a.family;
	memcpy(corr->peer, s->sa.remote.a.addr, sizeof(corr->peer));
}

static void
corr_of(const struct ike_hdr *h, const struct ike_addr *remote, struct log_corr *corr)
{
	memset(corr, 0, sizeof(*corr));
	corr->ike_spi_i = h->ispi;
	corr->ike_spi_r = h->rspi;
	corr->peer_family = remote->a.family;
	memcpy(corr->peer, remote->a.addr, sizeof(corr->peer));
}

static void
put64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (56 - 8 * i));
}

static const char *
addr_str(const struct config_addr *a, char *buf, size_t len)
{
	return config_addr_format(a, buf, len);
}

unsigned int
ikev1_sm_conn_index(const struct ikev1 *e, const struct v1_sa *s)
{
	return (unsigned int)(s->conn - e->cfg->connections);
}

uint64_t
ikev1_sm_rto(const struct ikev1 *e, unsigned int tries)
{
	double ms = e->cfg->ike.retransmit_timeout ? e->cfg->ike.retransmit_timeout : DEF_RTO_MS;
	double base = e->cfg->ike.retransmit_base >= 1.0 ? e->cfg->ike.retransmit_base : DEF_BASE;

	while (tries-- > 0 && ms < 3600e3)
		ms *= base;
	if (ms > 3600e3)
		ms = 3600e3;
	return (uint64_t)(ms * 1e6);
}

static unsigned int
max_tries(const struct ikev1 *e)
{
	return e->cfg->ike.retransmit_tries ? e->cfg->ike.retransmit_tries : DEF_TRIES;
}

bool
ikev1_sm_notify_allowed(struct ikev1 *e)
{
	if (e->now_ns - e->rl_start_ns >= V1_ONE_S || e->now_ns < e->rl_start_ns) {
		e->rl_start_ns = e->now_ns;
		e->rl_count = 0;
	}
	if (e->rl_count >= V1_NOTIFY_RATE) {
		V1_INC(e, notifies_ratelimited);
		return false;
	}
	e->rl_count++;
	return true;
}

void
ikev1_sm_gauges(struct ikev1 *e)
{
	const struct ike_sa *sa;
	uint64_t children = 0;
	unsigned int i;

	for (i = 0; i < IKE_SA_STATE__MAX; i++)
		__atomic_store_n(&e->st.sas[i], e->t.by_state[i], __ATOMIC_RELAXED);
	__atomic_store_n(&e->st.half_open, ike_sa_half_open(&e->t), __ATOMIC_RELAXED);
	for (sa = e->t.head; sa != NULL; sa = sa->next)
		children += ((const struct v1_sa *)sa)->n_children;
	__atomic_store_n(&e->st.children, children, __ATOMIC_RELAXED);
}

/* ---- sending and keeping messages ---- */

void
ikev1_sm_hdr(struct ikev1 *e, struct ike_buf *b, const struct v1_sa *s, uint8_t exchange,
    uint32_t msgid, uint8_t flags)
{
	struct ike_hdr h = { .ispi = s->sa.spi_i,
		.rspi = s->sa.spi_r,
		.exchange = exchange,
		.flags = flags,
		.msgid = msgid };

	ike_payload_buf_init(b, e->obuf, IKE_MSG_MAX);
	ikev1_msg_build_hdr(b, &h);
}

int
ikev1_sm_send(struct ikev1 *e, struct v1_sa *s, const uint8_t *msg, size_t len)
{
	int rc;

	if (ikev1_frag_wanted(e, s, len))
		return ikev1_frag_send(e, s, msg, len);
	rc = e->ops.send(e->ops.ctx, &s->sa.local, &s->sa.remote, msg, len);
	if (rc != 0) {
		V1_INC(e, tx_failed);
		return rc;
	}
	V1_INC(e, tx);
	s->last_tx_ns = e->now_ns;
	return 0;
}

int
ikev1_sm_keep(struct ikev1 *e, struct v1_xmit *x, const uint8_t *msg, size_t len, bool request)
{
	uint8_t *copy = malloc(len);

	if (copy == NULL)
		return -ENOMEM;
	memcpy(copy, msg, len);
	free(x->msg);
	x->msg = copy;
	x->len = len;
	x->retransmit = request;
	x->tries = 0;
	x->next_ns = e->now_ns + ikev1_sm_rto(e, 0);
	return 0;
}

int
ikev1_sm_keep_in(struct v1_xmit *x, const uint8_t *msg, size_t len)
{
	uint8_t *copy = malloc(len);

	if (copy == NULL)
		return -ENOMEM;
	memcpy(copy, msg, len);
	free(x->in);
	x->in = copy;
	x->in_len = len;
	return 0;
}

void
ikev1_sm_xmit_fini(struct v1_xmit *x)
{
	free(x->msg);
	free(x->in);
	memset(x, 0, sizeof(*x));
}

bool
ikev1_sm_duplicate(struct ikev1 *e, struct v1_sa *s, struct v1_xmit *x, const uint8_t *msg,
    size_t len)
{
	if (x->in == NULL || x->in_len != len || memcmp(x->in, msg, len) != 0)
		return false;
	/* RFC 2408 §5 / RFC 2409 §5: a retransmission is answered with our
	 * last message of the exchange, never processed again. */
	V1_DROP(e, IKE_DROP_RETRANSMIT);
	if (x->msg != NULL) {
		V1_INC(e, retransmits);
		ikev1_sm_send(e, s, x->msg, x->len);
	}
	return true;
}

int
ikev1_sm_new_msgid(struct v1_sa *s, uint32_t *msgid)
{
	const struct v1_qm *q;
	uint8_t b[4];
	uint32_t v;
	int i;
	bool used;

	for (i = 0; i < 16; i++) {
		if (ike_crypto_random(b, sizeof(b)) != 0)
			return -EIO;
		v = ike_get32(b);
		used = v == 0;
		for (q = s->qms; q != NULL && !used; q = q->next)
			used = q->msgid == v;
		if (!used) {
			*msgid = v;
			return 0;
		}
	}
	return -EIO;
}

static bool
spi_in_used(const struct ikev1 *e, uint32_t spi)
{
	const struct ike_sa *sa;
	const struct v1_sa *s;
	const struct v1_child *c;
	const struct v1_qm *q;

	for (sa = e->t.head; sa != NULL; sa = sa->next) {
		s = (const struct v1_sa *)sa;
		for (c = s->children; c != NULL; c = c->next)
			if (c->c.spi_in == spi)
				return true;
		for (q = s->qms; q != NULL; q = q->next)
			if (q->spi_in == spi)
				return true;
	}
	return false;
}

int
ikev1_sm_new_spi(struct ikev1 *e, uint32_t *spi)
{
	uint8_t b[4];
	uint32_t v;
	int i;

	for (i = 0; i < 64; i++) {
		if (ike_crypto_random(b, sizeof(b)) != 0)
			return -EIO;
		v = ike_get32(b);
		/* RFC 4303 §2.1: 1..255 are reserved by IANA, 0 is never sent. */
		if (v >= 256 && !spi_in_used(e, v)) {
			*spi = v;
			return 0;
		}
	}
	return -EIO;
}

/* ---- SA life cycle ---- */

static struct v1_sa *
sa_alloc(struct ikev1 *e, const struct config_connection *conn)
{
	struct v1_sa *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->pending = calloc(e->cfg->n_children / BITS_PER + 1, 1);
	if (s->pending == NULL) {
		free(s);
		return NULL;
	}
	s->e = e;
	s->conn = conn;
	s->sa.version = 1;
	s->sa.state = IKE_SA_STATE_CONNECTING;
	s->sa.connection = conn != NULL ? (unsigned int)(conn - e->cfg->connections) : UINT32_MAX;
	return s;
}

static void
sa_free(struct v1_sa *s)
{
	struct v1_child *c;
	struct v1_qm *q;

	while ((q = s->qms) != NULL) {
		s->qms = q->next;
		ikev1_qm_free(q);
	}
	while ((c = s->children) != NULL) {
		s->children = c->next;
		ike_child_sa_wipe(&c->c);
		free(c);
	}
	ike_crypto_dh_destroy(s->dh);
	ike_crypto_v1_keys_fini(&s->keys);
	explicit_bzero(s->skeyid, sizeof(s->skeyid));
	explicit_bzero(s->enc, sizeof(s->enc));
	ikev1_sm_xmit_fini(&s->x);
	ikev1_frag_sa_fini(s);
	free(s->sai_b);
	free(s->pending);
	free(s);
}

/*
 * A reauthentication of @s did not come up: start another one after
 * V1_REKEY_RETRY_NS, doubled on each failure, up to V1_REAUTH_RETRY_MAX
 * times and while @s's hard lifetime leaves room for it.
 */
static void
reauth_retry(struct ikev1 *e, struct v1_sa *s)
{
	struct log_corr corr;
	uint64_t at;

	if (s->sa.state != IKE_SA_STATE_ESTABLISHED || s->superseded ||
	    s->reauth_tries >= V1_REAUTH_RETRY_MAX)
		return;
	at = e->now_ns + (V1_REKEY_RETRY_NS << s->reauth_tries);
	s->reauth_tries++;
	ikev1_sm_corr(s, &corr);
	if (s->expire_ns != 0 && at >= s->expire_ns) {
		log_text(LOG_FAC_IKE, LOG_SEV_WARN, &corr,
		    "%s: reauthentication of IKE SA %" PRIu64 " failed, it expires at its lifetime",
		    __func__, s->sa.id);
		return;
	}
	s->rekey_ns = at;
	s->rekey_logged = false;
	log_text(LOG_FAC_IKE, LOG_SEV_WARN, &corr,
	    "%s: reauthentication of IKE SA %" PRIu64 " failed (%u), tried again in %u s", __func__,
	    s->sa.id, s->reauth_tries, (unsigned int)((at - e->now_ns) / V1_ONE_S));
}

/*
 * Remove @s, its deletion logged (info), or with @quiet only with
 * diagnostics on (debug): a half-open responder SA that a spoofed MM1 can
 * make must not fill the log ring.
 */
static void
sa_remove(struct ikev1 *e, struct v1_sa *s, bool send_deletes, const char *why, bool quiet)
{
	struct log_corr corr;
	struct v1_child *c;
	struct ike_sa *o;
	uint32_t spis[IKEV1_DELETES_MAX * 8];
	unsigned int n = 0;

	/* The peer's reauthentication did not come up: its old SA keeps its pairs. */
	if (s->reauth_of != 0 && s->sa.state == IKE_SA_STATE_CONNECTING &&
	    (o = ike_sa_find_id(&e->t, s->reauth_of)) != NULL && o->version == 1)
		v1_sa_of(o)->peer_left = false;
	/* Ours did not: try again later, while the old SA lives. */
	if (s->reauth_from != 0 && s->sa.state == IKE_SA_STATE_CONNECTING && !e->destroying &&
	    (o = ike_sa_find_id(&e->t, s->reauth_from)) != NULL && o->version == 1)
		reauth_retry(e, v1_sa_of(o));
	ikev1_sm_corr(s, &corr);
	if (!quiet || log_diagnostics())
		log_text(LOG_FAC_IKE, quiet ? LOG_SEV_DEBUG : LOG_SEV_INFO, &corr,
		    "%s: IKE SA %" PRIu64 " of %s deleted: %s", __func__, s->sa.id,
		    s->conn != NULL ? s->conn->name : "-", why);
	if (send_deletes && s->sa.state == IKE_SA_STATE_ESTABLISHED && s->have_keys) {
		/* Phase-2 SAs first, then the ISAKMP SA (as strongSwan orders them). */
		for (c = s->children; c != NULL; c = c->next) {
			if (c->delete_sent)
				continue; /* told already (delete_linger()) */
			spis[n++] = c->c.spi_in;
			if (n == sizeof(spis) / sizeof(spis[0])) {
				ikev1_info_delete(e, s, IKEV1_PROTO_IPSEC_ESP, spis, n);
				n = 0;
			}
		}
		if (n > 0)
			ikev1_info_delete(e, s, IKEV1_PROTO_IPSEC_ESP, spis, n);
		ikev1_info_delete(e, s, IKEV1_PROTO_ISAKMP, NULL, 0);
	}
	while ((c = s->children) != NULL)
		ikev1_qm_child_remove(e, s, c, false, why);
	ikev1_qm_release(e, s);
	/* A quiet one leaves the table straight from connecting (ike_sa_remove
	 * unlinks it from the half-open list): no "-> deleting" record either. */
	if (s->sa.state != IKE_SA_STATE_DELETING && !quiet)
		ike_sa_set_state(&e->t, &s->sa, IKE_SA_STATE_DELETING, e->now_ns);
	ike_sa_remove(&e->t, &s->sa);
	sa_free(s);
	ikev1_sm_gauges(e);
}

void
ikev1_sm_sa_delete(struct ikev1 *e, struct v1_sa *s, bool send_deletes, const char *why)
{
	sa_remove(e, s, send_deletes, why, false);
}

/*
 * A responder SA made by an MM1 that never saw MM3 (a spoofed source, or a
 * peer gone): its end by half-open timeout or eviction is counted, and
 * logged only with diagnostics on, so a flood does not overwrite the log
 * ring's history.  Its MM1 was logged ("Starting IKE main mode responder
 * negotiation").
 */
static bool
half_open_r1(const struct v1_sa *s)
{
	return !s->sa.initiator && s->mm == V1_MM_R1 && s->sa.state == IKE_SA_STATE_CONNECTING;
}

/* Is @o an established ISAKMP SA that may hold @s's pairs: same connection, peer and identity? */
static bool
same_peer(const struct v1_sa *s, const struct v1_sa *o)
{
	return o != s && o->sa.version == 1 && o->sa.state == IKE_SA_STATE_ESTABLISHED &&
	    o->conn == s->conn && ike_sa_addr_eq(&o->sa.remote.a, &s->sa.remote.a) &&
	    strcmp(o->peer_id, s->peer_id) == 0;
}

/* Move the pairs of @from to @to (they stay installed: no child_down, no delete). */
static unsigned int
adopt(struct ikev1 *e, struct v1_sa *from, struct v1_sa *to)
{
	struct v1_child *c;
	unsigned int n = 0;

	while ((c = from->children) != NULL) {
		from->children = c->next;
		from->n_children--;
		c->c.ike_sa = to->sa.id;
		c->next = to->children;
		to->children = c;
		to->n_children++;
		n++;
		if (e->ops.child_move != NULL)
			e->ops.child_move(e->ops.ctx, &c->c);
	}
	return n;
}

bool
ikev1_sm_pairs_moving(const struct ikev1 *e, const struct v1_sa *s)
{
	const struct ike_sa *sa;
	const struct v1_sa *o;

	for (sa = e->t.head; sa != NULL; sa = sa->next) {
		o = (const struct v1_sa *)sa;
		if (sa->version != 1 || o->conn != s->conn ||
		    !ike_sa_addr_eq(&sa->remote.a, &s->sa.remote.a))
			continue;
		/* The peer's reauthentication: strongSwan moved the pairs before its MM1. */
		if (sa->state == IKE_SA_STATE_CONNECTING && !sa->initiator && o->reauth_of != 0)
			return true;
		/* Ours, MM5 sent: the peer may have adopted them already. */
		if (sa->state == IKE_SA_STATE_CONNECTING && sa->initiator && o->mm == V1_MM_I3)
			return true;
		if (sa->state == IKE_SA_STATE_ESTABLISHED && o->adopted_ns != 0 &&
		    e->now_ns - o->adopted_ns < V1_MOVING_NS)
			return true;
	}
	return false;
}

void
ikev1_sm_sa_handover(struct ikev1 *e, struct v1_sa *s, bool send_deletes, const char *why)
{
	struct ike_sa *sa;
	struct v1_sa *to = NULL;
	struct log_corr corr;
	unsigned int n;

	/* The newest one: a reauthentication's. */
	for (sa = e->t.head; sa != NULL; sa = sa->next)
		if (same_peer(s, v1_sa_of(sa)) && !v1_sa_of(sa)->superseded)
			to = v1_sa_of(sa);
	if (to != NULL && s->children != NULL) {
		n = adopt(e, s, to);
		ikev1_sm_corr(s, &corr);
		log_text(LOG_FAC_IKE, LOG_SEV_INFO, &corr,
		    "%s: IKE SA %" PRIu64 " hands %u SA pair(s) to IKE SA %" PRIu64, __func__,
		    s->sa.id, n, to->sa.id);
	}
	ikev1_sm_sa_delete(e, s, send_deletes, why);
}

uint64_t
ikev1_sm_jitter(uint32_t max_s)
{
	uint8_t b[8];

	if (max_s == 0 || ike_crypto_random(b, sizeof(b)) != 0)
		return 0;
	return ike_get64(b) % ((uint64_t)max_s * V1_ONE_S + 1);
}

/* Phase 1 failed before it was up: count, log, remove. */
static void
p1_fail(struct ikev1 *e, struct v1_sa *s, const char *why)
{
	V1_INC(e, p1_failed);
	ikev1_sm_sa_delete(e, s, false, why);
}

/* A half-open SA's time is up: count, remove (quietly when it only saw MM1). */
static void
p1_timeout(struct ikev1 *e, struct v1_sa *s)
{
	V1_INC(e, p1_failed);
	sa_remove(e, s, false, "half-open timeout", half_open_r1(s));
}

/* ---- vendor IDs ---- */

static void
vids_process(struct v1_sa *s, const struct ikev1_msg *m)
{
	const struct ikev1_blob *v;
	unsigned int i;

	for (i = 0; i < m->n_vids; i++) {
		v = &m->vids[i];
		if (v->len == 16 && memcmp(v->p, vid_rfc3947, 16) == 0)
			s->vid_natt = true;
		else if (v->len == 16 &&
		    (memcmp(v->p, vid_natt_draft02, 16) == 0 ||
		        memcmp(v->p, vid_natt_draft02n, 16) == 0 ||
		        memcmp(v->p, vid_natt_draft03, 16) == 0))
			s->vid_natt_draft = true;
		else if (v->len == 16 && memcmp(v->p, vid_dpd, 16) == 0)
			s->vid_dpd = true;
		else if (v->len == 16 && memcmp(v->p, vid_strongswan, 16) == 0)
			s->vid_strongswan = true;
		else if (v->len == 16 && memcmp(v->p, vid_self, 16) == 0)
			s->vid_self = true;
		else if (v->len >= 16 && memcmp(v->p, vid_frag, 16) == 0)
			/* strongSwan's reading: 16 bytes alone, or a capability word
			 * with the main / aggressive mode bit. */
			s->vid_frag = v->len == 16 ||
			    (v->len == 20 && (ike_get32(v->p + 16) & FRAG_VID_CAP) != 0);
	}
	/* RFC 3947 §3: prefer the RFC over the drafts. */
	if (s->vid_natt)
		s->natd_type = IKEV1_PL_NATD;
	else if (s->vid_natt_draft)
		s->natd_type = IKEV1_PL_NATD_DRAFT;
	else
		s->natd_type = 0;
}

static void
vids_build(struct ike_buf *b, const struct v1_sa *s)
{
	bool frag = s->conn->fragmentation != CONFIG_FRAG_NO;

	if (s->sa.initiator) {
		ikev1_msg_build_vid(b, vid_rfc3947, sizeof(vid_rfc3947));
		ikev1_msg_build_vid(b, vid_natt_draft03, sizeof(vid_natt_draft03));
		ikev1_msg_build_vid(b, vid_natt_draft02n, sizeof(vid_natt_draft02n));
	} else if (s->vid_natt) {
		ikev1_msg_build_vid(b, vid_rfc3947, sizeof(vid_rfc3947));
	} else if (s->vid_natt_draft) {
		ikev1_msg_build_vid(b, vid_natt_draft02n, sizeof(vid_natt_draft02n));
	}
	ikev1_msg_build_vid(b, vid_dpd, sizeof(vid_dpd));
	ikev1_msg_build_vid(b, vid_strongswan, sizeof(vid_strongswan));
	ikev1_msg_build_vid(b, vid_self, sizeof(vid_self));
	/* Fragmentation (ikev1_frag.c) is announced as strongSwan does: as
	 * initiator, or answering a peer that sent it.  Certificates make MM5
	 * and MM6 grow past the fragment size: they then go in fragments. */
	if (frag && (s->sa.initiator || s->vid_frag))
		ikev1_msg_build_vid(b, vid_frag, sizeof(vid_frag));
}

/* ---- identities and secrets ---- */

/* The credentials of @s's connection when it authenticates with signatures, else NULL. */
static const struct v1_creds *
own_creds(const struct v1_sa *s)
{
	const struct v1_creds *cr;

	if (s->conn->local.auth != CONFIG_AUTH_PUBKEY || s->e->creds == NULL)
		return NULL;
	cr = &s->e->creds[ikev1_sm_conn_index(s->e, s)];
	return cr->method != 0 ? cr : NULL;
}

/* The authentication method of connection @c: PSK, our key's signature method, 0: none. */
static uint16_t
conn_auth(const struct ikev1 *e, const struct config_connection *c)
{
	if (c->local.auth == CONFIG_AUTH_PSK && c->remote.auth == CONFIG_AUTH_PSK)
		return IKEV1_AUTH_PSK;
	if (c->local.auth != CONFIG_AUTH_PUBKEY || c->remote.auth != CONFIG_AUTH_PUBKEY ||
	    e->creds == NULL)
		return 0;
	return e->creds[c - e->cfg->connections].method;
}

static bool
sig_auth(const struct v1_sa *s)
{
	return s->prop.auth != IKEV1_AUTH_PSK;
}

/*
 * Our ID payload (RFC 2407 §4.6.2): protocol and port 0, the data in @lid.
 * RFC 2407 §4.6.2.1 numbers the types we send as RFC 7296 and config do.
 */
static int
own_id(const struct v1_sa *s, struct ike_id *lid, struct ikev1_id *id)
{
	const struct v1_creds *cr = own_creds(s);
	int rc;

	memset(id, 0, sizeof(*id));
	rc = ike_id_local(&s->conn->local, &s->sa.local.a, cr != NULL ? cr->cred : NULL, lid);
	if (rc != 0)
		return rc;
	id->type = lid->type;
	id->data = lid->data;
	id->len = lid->len;
	return 0;
}

/* The body of an ID payload (type, protocol, port, data) as hashed (IDii_b / IDir_b). */
static size_t
id_body(const struct ikev1_id *id, uint8_t *out)
{
	out[0] = id->type;
	out[1] = id->proto;
	out[2] = (uint8_t)(id->port >> 8);
	out[3] = (uint8_t)id->port;
	memcpy(out + 4, id->data, id->len);
	return 4 + id->len;
}

/* The peer's ID payload @id into @pid, as text and config type, for checks and logs. */
static int
peer_id_text(const struct ikev1_id *id, struct ike_id *pid, enum config_id_type *type, char *text,
    size_t len, uint8_t *addr)
{
	int rc;

	text[0] = '\0';
	rc = ike_id_parse(id->type, id->data, id->len, pid);
	if (rc != 0)
		return rc;
	return ike_id_text(pid, type, text, len, addr);
}

/*
 * The pre-shared key for @s before the peer's identity is known (RFC 2409
 * §5.4: SKEYID needs it by MM3/MM4), as strongSwan does: the connection's
 * identities, the remote one replaced by the peer's address when the
 * connection names none; the secret fitting both ends best wins.
 */
static const struct config_secret *
psk_find(const struct ikev1 *e, const struct v1_sa *s)
{
	enum config_id_type lt, rt;
	const char *lid, *rid;
	const uint8_t *laddr, *raddr;
	char lbuf[64], rbuf[64];

	ike_id_lookup_key(&s->conn->local, &s->sa.local.a, &lt, &lid, &laddr, lbuf, sizeof(lbuf));
	ike_id_lookup_key(&s->conn->remote, &s->sa.remote.a, &rt, &rid, &raddr, rbuf, sizeof(rbuf));
	return ike_id_psk_find(e->cfg, lt, lid, laddr, rt, rid, raddr);
}

/* ---- phase-1 keys ---- */

static int
p1_keys(struct ikev1 *e, struct v1_sa *s, const uint8_t *peer_ke, size_t peer_ke_len)
{
	uint8_t gxy[IKE_CRYPTO_DH_MAX], ci[8], cr[8];
	struct log_corr corr;
	int n, rc;

	ikev1_sm_corr(s, &corr);
	s->secret = sig_auth(s) ? NULL : psk_find(e, s);
	if (s->secret == NULL && !sig_auth(s)) {
		log_text(LOG_FAC_IKE, LOG_SEV_WARN, &corr,
		    "%s: no pre-shared key for connection %s and peer", __func__, s->conn->name);
		return -ENOKEY;
	}
	n = ike_crypto_dh_shared(s->dh, peer_ke, peer_ke_len, gxy, sizeof(gxy));
	if (n < 0) {
		log_text(LOG_FAC_IKE, LOG_SEV_WARN, &corr,
		    "%s: the peer's public value does not fit group %u", __func__, s->prop.group);
		return -EINVAL;
	}
	put64(ci, s->sa.spi_i);
	put64(cr, s->sa.spi_r);
	if (sig_auth(s))
		/* RFC 2409 §5: SKEYID = prf(Ni_b | Nr_b, g^xy) for signatures. */
		rc = ike_crypto_v1_skeyid_sig(s->prop.prf, s->ni, s->ni_len, s->nr, s->nr_len, gxy,
		    (size_t)n, s->skeyid, sizeof(s->skeyid));
	else
		rc = ike_crypto_v1_skeyid_psk(s->prop.prf, s->secret->secret, s->secret->secret_len,
		    s->ni, s->ni_len, s->nr, s->nr_len, s->skeyid, sizeof(s->skeyid));
	if (rc < 0)
		goto out;
	s->skeyid_len = (size_t)rc;
	rc = ike_crypto_v1_keys_derive(s->prop.prf, s->skeyid, s->skeyid_len, gxy, (size_t)n, ci,
	    cr, &s->keys);
	if (rc < 0)
		goto out;
	s->enc_len = s->prop.encr_bits / 8;
	rc = ike_crypto_v1_enc_key(s->prop.prf, s->keys.skeyid_e, s->keys.len, s->enc, s->enc_len);
	if (rc < 0)
		goto out;
	rc = ike_crypto_v1_iv_phase1(s->prop.prf, s->gxi, s->gx_len, s->gxr, s->gx_len, s->iv,
	    V1_BLOCK);
	if (rc < 0)
		goto out;
	s->have_keys = true;
	rc = 0;
out:
	explicit_bzero(gxy, sizeof(gxy));
	/* The DH secret is spent (RFC 2409 §5: phase 2 PFS uses fresh pairs). */
	ike_crypto_dh_destroy(s->dh);
	s->dh = NULL;
	return rc < 0 ? rc : 0;
}

/* Our KE and nonce for MM3 / MM4. */
static int
ke_nonce_new(struct v1_sa *s, uint8_t *pub, uint8_t *nonce)
{
	int n;

	s->dh = ike_crypto_dh_create(s->prop.group);
	if (s->dh == NULL)
		return -EIO;
	n = ike_crypto_dh_public(s->dh, pub, IKE_CRYPTO_DH_MAX);
	if (n < 0)
		return n;
	s->gx_len = (size_t)n;
	if (ike_crypto_random(nonce, V1_NONCE_LEN) != 0)
		return -EIO;
	return 0;
}

/* ---- NAT-D (RFC 3947 §3.2) ---- */

static void
natd_build(struct ike_buf *b, const struct v1_sa *s)
{
	uint8_t h[IKE_CRYPTO_PRF_MAX];
	int n;

	if (s->natd_type == 0)
		return;
	/* First the hash of where the message goes, then of where it comes from. */
	n = ikev1_crypt_natd(s->prop.prf, s->sa.spi_i, s->sa.spi_r, &s->sa.remote.a,
	    s->sa.remote.port, h, sizeof(h));
	if (n < 0) {
		ike_payload_buf_fail(b, n);
		return;
	}
	ikev1_msg_build_natd(b, s->natd_type, h, (size_t)n);
	if (s->conn->encap) {
		/* Forced encapsulation: a hash that cannot match makes the peer
		 * see a NAT in front of us (as strongSwan's encap=yes does). */
		if (ike_crypto_random(h, (size_t)n) != 0)
			ike_payload_buf_fail(b, -EIO);
	} else {
		n = ikev1_crypt_natd(s->prop.prf, s->sa.spi_i, s->sa.spi_r, &s->sa.local.a,
		    s->sa.local.port, h, sizeof(h));
	}
	ikev1_msg_build_natd(b, s->natd_type, h, (size_t)n);
}

/* The peer's NAT-D payloads: the first is our address as it saw it, the others its own. */
static void
natd_check(struct v1_sa *s, const struct ikev1_msg *m)
{
	uint8_t h[IKE_CRYPTO_PRF_MAX];
	struct log_corr corr;
	unsigned int i;
	bool found = false;
	int n;

	if (s->conn->encap)
		s->nat_local = true;
	if (s->natd_type == 0 || m->n_natds < 2)
		return;
	n = ikev1_crypt_natd(s->prop.prf, s->sa.spi_i, s->sa.spi_r, &s->sa.local.a,
	    s->sa.local.port, h, sizeof(h));
	if (n < 0)
		return;
	if (m->natds[0].len != (size_t)n || memcmp(m->natds[0].p, h, (size_t)n) != 0)
		s->nat_local = true;
	n = ikev1_crypt_natd(s->prop.prf, s->sa.spi_i, s->sa.spi_r, &s->sa.remote.a,
	    s->sa.remote.port, h, sizeof(h));
	for (i = 1; i < m->n_natds && n > 0; i++)
		if (m->natds[i].len == (size_t)n && memcmp(m->natds[i].p, h, (size_t)n) == 0)
			found = true;
	if (!found)
		s->nat_remote = true;
	ikev1_sm_corr(s, &corr);
	log_text(LOG_FAC_IKE, LOG_SEV_DEBUG, &corr, "%s: NAT here %s, NAT at the peer %s", __func__,
	    s->nat_local ? "yes" : "no", s->nat_remote ? "yes" : "no");
}

/* ---- logs ---- */

static void
log_p1_done(const struct v1_sa *s)
{
	struct log_corr corr;
	char peer[64], local[64];

	ikev1_sm_corr(s, &corr);
	log_event(s->sa.initiator ? LOG_MSG_P1_INIT_DONE : LOG_MSG_P1_RESP_DONE, &corr,
	    "connection=%s peer=%s local=%s auth=%s proposal=%s lifetime=%u", s->conn->name,
	    addr_str(&s->sa.remote.a, peer, sizeof(peer)),
	    addr_str(&s->sa.local.a, local, sizeof(local)), sig_auth(s) ? "pubkey" : "psk",
	    s->prop.name, s->prop.life_s);
}

/* ---- main mode: building ---- */

/* Send @len bytes of e->obuf as the next message of phase 1 and keep it. */
static int
mm_send(struct ikev1 *e, struct v1_sa *s, size_t len, bool request)
{
	int rc = ikev1_sm_keep(e, &s->x, e->obuf, len, request);

	if (rc != 0)
		return rc;
	ikev1_sm_send(e, s, e->obuf, len);
	return 0;
}

static uint32_t
p1_life(const struct config_connection *conn)
{
	uint64_t l = conn->reauth_time != 0 ? conn->reauth_time : conn->rekey_time;

	if (l != 0)
		l += conn->over_time;
	return l > UINT32_MAX ? UINT32_MAX : (uint32_t)l;
}

static int
mm1_send(struct ikev1 *e, struct v1_sa *s)
{
	struct ike_buf b;
	size_t pl_len;
	int n;

	n = ikev1_prop_p1_offer(s->conn, p1_life(s->conn), conn_auth(e, s->conn), e->sa_build);
	if (n <= 0)
		return n < 0 ? n : -ENOENT;
	ikev1_sm_hdr(e, &b, s, IKEV1_EXCH_ID_PROT, 0, 0);
	ikev1_msg_build_sa(&b, e->sa_build);
	vids_build(&b, s);
	if ((n = ikev1_msg_build_finish(&b)) != 0)
		return n;
	/* SAi_b: the SA payload body as sent (RFC 2409 §5), the first payload. */
	pl_len = ike_get16(e->obuf + IKE_HDR_LEN + 2);
	s->sai_b = malloc(pl_len - IKE_GEN_HDR_LEN);
	if (s->sai_b == NULL)
		return -ENOMEM;
	s->sai_len = pl_len - IKE_GEN_HDR_LEN;
	memcpy(s->sai_b, e->obuf + IKE_HDR_LEN + IKE_GEN_HDR_LEN, s->sai_len);
	return mm_send(e, s, b.len, true);
}

/*
 * With signatures: a CR naming each CA we trust for the peer (RFC 2408
 * §3.10, X.509 signature, the CA's DER subject), as strongSwan sends them
 * with KE: its default sends the certificate only when asked.
 */
static void
certreqs_build(struct ike_buf *b, const struct v1_sa *s)
{
	const struct v1_creds *cr = own_creds(s);
	struct ikev1_cert c = { .encoding = IKEV1_CERT_X509_SIG };
	unsigned int i;

	if (cr == NULL || !sig_auth(s) || !s->conn->send_certreq)
		return;
	for (i = 0; i < IKEV1_CRS_MAX && ike_crypto_trust_ca(cr->trust, i, &c.data, &c.len) > 0;
	     i++)
		ikev1_msg_build_cr(b, &c);
}

/* KE, nonce and NAT-D: MM3 (initiator) and MM4 (responder). */
static int
mm34_send(struct ikev1 *e, struct v1_sa *s)
{
	struct ike_buf b;
	int rc;

	ikev1_sm_hdr(e, &b, s, IKEV1_EXCH_ID_PROT, 0, 0);
	if (s->sa.initiator) {
		ikev1_msg_build_ke(&b, s->gxi, s->gx_len);
		ikev1_msg_build_nonce(&b, s->ni, s->ni_len);
	} else {
		ikev1_msg_build_ke(&b, s->gxr, s->gx_len);
		ikev1_msg_build_nonce(&b, s->nr, s->nr_len);
	}
	certreqs_build(&b, s);
	natd_build(&b, s);
	if ((rc = ikev1_msg_build_finish(&b)) != 0)
		return rc;
	return mm_send(e, s, b.len, s->sa.initiator);
}

/* Is this the first IKE SA with the peer (RFC 2407 §4.6.3.3: INITIAL-CONTACT)? */
static bool
first_contact(const struct ikev1 *e, const struct v1_sa *s)
{
	const struct ike_sa *o = NULL;

	while ((o = ike_sa_next_for_peer(&e->t, &s->sa.remote.a, o)) != NULL)
		if (o != &s->sa && o->version == 1 && o->state == IKE_SA_STATE_ESTABLISHED)
			return false;
	return true;
}

/* Our CERT payloads (end entity, then intermediates) and SIG_I / SIG_R over @hash (RFC 2409 §5.1). */
static int
certs_sig_build(struct ike_buf *b, const struct v1_sa *s, const uint8_t *hash, size_t hl)
{
	const struct v1_creds *cr = own_creds(s);
	struct ikev1_cert c = { .encoding = IKEV1_CERT_X509_SIG };
	uint8_t sig[IKE_CRYPTO_SIG_MAX];
	unsigned int i;
	int n;

	if (cr == NULL)
		return -ENOKEY;
	for (i = 0; ike_crypto_cred_cert(cr->cred, i, &c.data, &c.len) > 0; i++)
		ikev1_msg_build_cert(b, &c);
	n = ike_crypto_cred_sign(cr->cred, hash, hl, sig, sizeof(sig));
	if (n < 0)
		return n;
	ikev1_msg_build_sig(b, sig, (size_t)n);
	return 0;
}

/* ID, HASH_I / HASH_R (or CERTs and SIG) and maybe INITIAL-CONTACT, encrypted: MM5 and MM6. */
static int
mm56_send(struct ikev1 *e, struct v1_sa *s)
{
	struct ike_crypto_v1_hash_prm prm;
	struct ikev1_notification n;
	uint8_t body[IKE_ID_DATA_MAX + 4], hash[IKE_CRYPTO_PRF_MAX], spi[16];
	struct ikev1_id id;
	struct ike_id lid;
	struct ike_buf b;
	size_t blen;
	int rc, hl;

	if ((rc = own_id(s, &lid, &id)) != 0)
		return rc;
	blen = id_body(&id, body);
	put64(spi, s->sa.spi_i);
	put64(spi + 8, s->sa.spi_r);
	prm = (struct ike_crypto_v1_hash_prm){ .skeyid = s->skeyid,
		.skeyid_len = s->skeyid_len,
		.gxi = s->gxi,
		.gxi_len = s->gx_len,
		.gxr = s->gxr,
		.gxr_len = s->gx_len,
		.cky_i = spi,
		.cky_r = spi + 8,
		.sai_b = s->sai_b,
		.sai_len = s->sai_len,
		.id_b = body,
		.id_len = blen };
	hl = ike_crypto_v1_auth_hash(s->prop.prf, &prm, !s->sa.initiator, hash, sizeof(hash));
	if (hl < 0)
		return hl;
	ikev1_sm_hdr(e, &b, s, IKEV1_EXCH_ID_PROT, 0, IKEV1_FLAG_ENCRYPTION);
	ikev1_msg_build_id(&b, &id);
	if (sig_auth(s)) {
		rc = certs_sig_build(&b, s, hash, (size_t)hl);
		if (rc != 0)
			return rc;
	} else {
		ikev1_msg_build_hash(&b, hash, (size_t)hl);
	}
	if (first_contact(e, s)) {
		n = (struct ikev1_notification){ .doi = IKEV1_DOI_IPSEC,
			.proto = IKEV1_PROTO_ISAKMP,
			.spi_size = 16,
			.type = IKEV1_N_INITIAL_CONTACT,
			.spi = spi };
		ikev1_msg_build_n(&b, &n);
	}
	if ((rc = ikev1_msg_build_finish(&b)) != 0)
		return rc;
	rc = ikev1_crypt_encrypt(s->enc, s->enc_len, s->iv, e->obuf, b.len - IKE_HDR_LEN,
	    IKE_MSG_MAX);
	if (rc < 0)
		return rc;
	return mm_send(e, s, (size_t)rc, s->sa.initiator);
}

/* ---- main mode: receiving ---- */

static bool
conn_addr_ok(const struct config_connection *c, const struct ike_addr *local,
    const struct ike_addr *remote, bool exact_remote)
{
	unsigned int i;
	bool ok = c->n_local_addrs == 0;

	if (c->version == 2)
		return false;
	for (i = 0; i < c->n_local_addrs && !ok; i++)
		ok = ike_sa_addr_eq(&c->local_addrs[i], &local->a);
	if (!ok)
		return false;
	if (c->n_remote_addrs == 0)
		return !exact_remote;
	if (!exact_remote)
		return false;
	for (i = 0; i < c->n_remote_addrs; i++)
		if (ike_sa_addr_eq(&c->remote_addrs[i], &remote->a))
			return true;
	return false;
}

/* Errors before keys: answered in the clear (RFC 2408 §5), rate-limited. */
static void
clear_notify(struct ikev1 *e, const struct ike_addr *local, const struct ike_addr *remote,
    const struct ike_hdr *h, enum ikev1_notify n)
{
	ikev1_info_notify_clear(e, local, remote, h, n);
}

/*
 * MM1 from a peer we hold established ISAKMP SAs with: the peer
 * reauthenticates one of them, and (strongSwan) has moved that SA's
 * pairs to the new one already.  It is the oldest it still holds
 * established (reauthentication timers fire in that order); its pairs
 * go to @s once @s is up (p1_adopt).  A reauthentication of ours that
 * crosses it and has not sent MM5 yet is given up: the peer would not
 * hand it the pairs (they sit on its own half-open SA), and two new SAs
 * at once leave the peer's pairs where we cannot follow them.  Ties
 * (a peer that gives up its own too, as this engine does) are broken as
 * both ends see them: the main mode with the lower initiator cookie goes
 * on.
 */
static void
peer_reauth(struct ikev1 *e, struct v1_sa *s)
{
	struct ike_sa *sa, *next;
	struct v1_sa *o, *x = NULL;
	struct log_corr corr;

	for (sa = e->t.head; sa != NULL; sa = sa->next) {
		o = v1_sa_of(sa);
		if (o == s || sa->version != 1 || sa->state != IKE_SA_STATE_ESTABLISHED ||
		    o->conn != s->conn || o->peer_left ||
		    !ike_sa_addr_eq(&sa->remote.a, &s->sa.remote.a))
			continue;
		if (x == NULL || sa->established_ns < x->sa.established_ns)
			x = o;
	}
	if (x == NULL)
		return;
	x->peer_left = true;
	s->reauth_of = x->sa.id;
	ikev1_sm_corr(s, &corr);
	log_text(LOG_FAC_IKE, LOG_SEV_INFO, &corr,
	    "%s: the peer reauthenticates IKE SA %" PRIu64 " with IKE SA %" PRIu64, __func__,
	    x->sa.id, s->sa.id);
	for (sa = e->t.head; sa != NULL; sa = next) {
		next = sa->next;
		o = v1_sa_of(sa);
		if (sa->version != 1 || o->reauth_from == 0 ||
		    sa->state != IKE_SA_STATE_CONNECTING || o->conn != s->conn ||
		    !ike_sa_addr_eq(&sa->remote.a, &s->sa.remote.a) ||
		    (o->mm != V1_MM_I1 && o->mm != V1_MM_I2) || o->sa.spi_i < s->sa.spi_i)
			continue;
		ikev1_sm_sa_delete(e, o, false, "reauthentication crossed the peer's");
	}
}

/*
 * The oldest responder SA still waiting for MM3, or NULL (the half-open
 * list is newest first).  A spoofed source never sends MM3; a real peer
 * does one round trip after MM2, and is past this state then.
 */
static struct v1_sa *
ho_victim(struct ikev1 *e)
{
	struct ike_sa *sa;
	struct v1_sa *v = NULL;

	for (sa = e->t.ho_head; sa != NULL; sa = sa->ho_next)
		if (sa->version == 1 && !sa->initiator && v1_sa_of(sa)->mm == V1_MM_R1)
			v = v1_sa_of(sa);
	return v;
}

/* MM1: a new responder SA. */
static void
mm_r1(struct ikev1 *e, const struct ike_addr *local, const struct ike_addr *remote,
    const uint8_t *msg, size_t len)
{
	struct ikev1_msg *m = e->m;
	const struct config_connection *conn = NULL;
	struct ikev1_p1_prop prop;
	struct log_corr corr;
	struct v1_sa *s, *victim = NULL;
	struct ike_buf b;
	const char *why = "no connection for these addresses";
	enum ikev1_notify err = IKEV1_N_NO_PROPOSAL_CHOSEN;
	unsigned int i, pass, p = 0, t = 0;
	uint32_t ho_max = e->cfg->ike.half_open_max ? e->cfg->ike.half_open_max : DEF_HO_MAX;
	uint32_t ho_src =
	    e->cfg->ike.half_open_per_source ? e->cfg->ike.half_open_per_source : DEF_HO_SRC;
	char offered[256];
	bool addr_match = false;
	uint64_t spi_r;
	int rc;

	corr_of(&m->hdr, remote, &corr);
	if (m->encrypted || !m->has_sa || m->hdr.next_payload != IKEV1_PL_SA) {
		log_text(LOG_FAC_IKE, LOG_SEV_DEBUG, &corr, "%s: MM1 without a leading SA payload",
		    __func__);
		V1_DROP(e, IKE_DROP_MALFORMED);
		clear_notify(e, local, remote, &m->hdr, IKEV1_N_PAYLOAD_MALFORMED);
		return;
	}
	/*
	 * Half-open limits (DoS protection): a source past its share is
	 * dropped; when the table is full, the oldest responder SA still
	 * waiting for MM3 makes room (below, once this MM1 is acceptable), so
	 * a flood from spoofed sources cannot lock real peers out.
	 */
	if (ike_sa_half_open_from(&e->t, &remote->a) >= ho_src ||
	    (ike_sa_half_open(&e->t) >= ho_max && (victim = ho_victim(e)) == NULL)) {
		/* Counted; a record per dropped MM1 only with diagnostics on. */
		if (log_diagnostics())
			log_text(LOG_FAC_IKE, LOG_SEV_DEBUG, &corr,
			    "%s: half-open limit reached, MM1 dropped", __func__);
		V1_DROP(e, IKE_DROP_HALF_OPEN);
		return;
	}
	/* A connection for the addresses, exact remote first, then %any, whose proposals fit. */
	for (pass = 0; pass < 2 && conn == NULL; pass++) {
		for (i = 0; i < e->cfg->n_connections && conn == NULL; i++) {
			if (!conn_addr_ok(&e->cfg->connections[i], local, remote, pass == 0))
				continue;
			addr_match = true;
			err = ikev1_prop_p1_select(&m->sa, &e->cfg->connections[i],
			    conn_auth(e, &e->cfg->connections[i]), &prop, &p, &t, &why);
			if (err == IKEV1_N_NONE)
				conn = &e->cfg->connections[i];
		}
	}
	ikev1_prop_p1_list(&m->sa, offered, sizeof(offered));
	if (conn == NULL) {
		log_event(LOG_MSG_MM_RESP_START, &corr, NULL);
		log_event(LOG_MSG_IKE_SA_PROPOSAL, &corr, "connection=- version=1 proposal=%s",
		    offered);
		log_text(LOG_FAC_IKE, LOG_SEV_WARN, &corr, "%s: main mode refused: %s", __func__,
		    why);
		V1_DROP(e, addr_match ? IKE_DROP_NO_PROPOSAL : IKE_DROP_NO_CONNECTION);
		clear_notify(e, local, remote, &m->hdr,
		    err != IKEV1_N_NONE ? err : IKEV1_N_NO_PROPOSAL_CHOSEN);
		return;
	}
	if (victim != NULL) {
		V1_INC(e, half_open_evicted);
		sa_remove(e, victim, false, "half-open limit: evicted for a new MM1",
		    half_open_r1(victim));
	}
	if ((rc = ike_sa_new_spi(&e->t, &spi_r)) != 0 || (s = sa_alloc(e, conn)) == NULL) {
		V1_DROP(e, IKE_DROP_INTERNAL);
		return;
	}
	s->sa.initiator = false;
	s->sa.spi_i = m->hdr.ispi;
	s->sa.spi_r = spi_r;
	s->sa.local = *local;
	s->sa.remote = *remote;
	s->mm = V1_MM_R1;
	s->prop = prop;
	s->last_rx_ns = e->now_ns;
	vids_process(s, m);
	s->sai_b = malloc(m->sa.body_len);
	if (s->sai_b == NULL) {
		sa_free(s);
		V1_DROP(e, IKE_DROP_INTERNAL);
		return;
	}
	memcpy(s->sai_b, m->sa.body, m->sa.body_len);
	s->sai_len = m->sa.body_len;
	ike_sa_insert(&e->t, &s->sa, e->now_ns);
	peer_reauth(e, s);
	ikev1_sm_corr(s, &corr);
	log_event(LOG_MSG_MM_RESP_START, &corr, NULL);
	log_event(LOG_MSG_IKE_SA_PROPOSAL, &corr, "connection=%s version=1 proposal=%s", conn->name,
	    offered);

	ikev1_prop_chosen(&m->sa, p, t, NULL, 0, e->sa_build);
	ikev1_sm_hdr(e, &b, s, IKEV1_EXCH_ID_PROT, 0, 0);
	ikev1_msg_build_sa(&b, e->sa_build);
	vids_build(&b, s);
	if (ikev1_msg_build_finish(&b) != 0 || ikev1_sm_keep_in(&s->x, msg, len) != 0 ||
	    mm_send(e, s, b.len, false) != 0) {
		V1_DROP(e, IKE_DROP_INTERNAL);
		p1_fail(e, s, "cannot build MM2");
		return;
	}
	ikev1_sm_gauges(e);
}

/* MM2 at the initiator: the chosen proposal. */
static void
mm_i2(struct ikev1 *e, struct v1_sa *s, const uint8_t *msg, size_t len)
{
	struct ikev1_msg *m = e->m;
	enum ikev1_notify err;
	const char *why;

	/* RFC 2409 §5: the SA payload MUST precede all other payloads. */
	if (m->encrypted || !m->has_sa || m->hdr.next_payload != IKEV1_PL_SA) {
		V1_DROP(e, IKE_DROP_MALFORMED);
		return;
	}
	err = ikev1_prop_p1_check(&m->sa, s->conn, conn_auth(e, s->conn), &s->prop, &why);
	if (err != IKEV1_N_NONE) {
		V1_DROP(e, IKE_DROP_NO_PROPOSAL);
		ikev1_info_notify(e, s, err, IKEV1_PROTO_ISAKMP, NULL, 0, NULL, 0);
		p1_fail(e, s, why);
		return;
	}
	vids_process(s, m);
	s->last_rx_ns = e->now_ns;
	s->ni_len = V1_NONCE_LEN;
	if (ke_nonce_new(s, s->gxi, s->ni) != 0 || ikev1_sm_keep_in(&s->x, msg, len) != 0) {
		V1_DROP(e, IKE_DROP_INTERNAL);
		p1_fail(e, s, "no DH key pair or nonce");
		return;
	}
	s->mm = V1_MM_I2;
	if (mm34_send(e, s) != 0) {
		V1_DROP(e, IKE_DROP_INTERNAL);
		p1_fail(e, s, "cannot build MM3");
	}
}

/* KE and nonce of MM3 / MM4: the peer's, checked against the group. */
static bool
ke_nonce_take(struct ikev1 *e, struct v1_sa *s, uint8_t *ke_out, uint8_t *nonce_out,
    size_t *nonce_len)
{
	const struct ikev1_msg *m = e->m;
	int want = ike_crypto_dh_public_len(s->prop.group);

	if (m->ke.p == NULL || m->nonce.p == NULL || want < 0 || m->ke.len != (size_t)want)
		return false;
	memcpy(ke_out, m->ke.p, m->ke.len);
	memcpy(nonce_out, m->nonce.p, m->nonce.len);
	*nonce_len = m->nonce.len;
	return true;
}

/* MM3 at the responder: KE, Ni, NAT-D; answer MM4 and derive the keys. */
static void
mm_r3(struct ikev1 *e, struct v1_sa *s, const uint8_t *msg, size_t len)
{
	uint8_t peer_ke[IKE_CRYPTO_DH_MAX];
	struct ikev1_msg *m = e->m;
	int rc;

	if (m->encrypted || !ke_nonce_take(e, s, peer_ke, s->ni, &s->ni_len)) {
		/* RFC 2408 §5.7: the payload is discarded, not the SA: the
		 * genuine MM3 may still come (a forged one must not end it). */
		V1_DROP(e, IKE_DROP_MALFORMED);
		ikev1_info_notify(e, s, IKEV1_N_INVALID_KEY_INFORMATION, IKEV1_PROTO_ISAKMP, NULL,
		    0, NULL, 0);
		return;
	}
	memcpy(s->gxi, peer_ke, (size_t)ike_crypto_dh_public_len(s->prop.group));
	natd_check(s, m);
	s->nr_len = V1_NONCE_LEN;
	if (ke_nonce_new(s, s->gxr, s->nr) != 0) {
		V1_DROP(e, IKE_DROP_INTERNAL);
		p1_fail(e, s, "no DH key pair or nonce");
		return;
	}
	rc = p1_keys(e, s, s->gxi, s->gx_len);
	if (rc != 0) {
		V1_DROP(e, rc == -ENOKEY ? IKE_DROP_AUTH : IKE_DROP_MALFORMED);
		ikev1_info_notify(e, s,
		    rc == -ENOKEY ? IKEV1_N_AUTHENTICATION_FAILED : IKEV1_N_INVALID_KEY_INFORMATION,
		    IKEV1_PROTO_ISAKMP, NULL, 0, NULL, 0);
		p1_fail(e, s, rc == -ENOKEY ? "no pre-shared key" : "key derivation failed");
		return;
	}
	/* Our reply must not be encrypted: have_keys is set, but MM4 is in the clear. */
	s->last_rx_ns = e->now_ns;
	s->mm = V1_MM_R2;
	if (ikev1_sm_keep_in(&s->x, msg, len) != 0 || mm34_send(e, s) != 0) {
		V1_DROP(e, IKE_DROP_INTERNAL);
		p1_fail(e, s, "cannot build MM4");
	}
}

/* Move to port 4500 (RFC 3947 §4): from MM5 on, when a NAT is in the way. */
static void
mm_float(struct v1_sa *s)
{
	if (s->natd_type == 0 || !(s->nat_local || s->nat_remote))
		return;
	if (s->sa.local.port == IKE_PORT)
		s->sa.local.port = IKE_PORT_NATT;
	if (s->sa.remote.port == IKE_PORT)
		s->sa.remote.port = IKE_PORT_NATT;
}

/* MM4 at the initiator: derive the keys, float, send MM5. */
static void
mm_i4(struct ikev1 *e, struct v1_sa *s, const uint8_t *msg, size_t len)
{
	uint8_t peer_ke[IKE_CRYPTO_DH_MAX];
	struct ikev1_msg *m = e->m;
	int rc;

	if (m->encrypted || !ke_nonce_take(e, s, peer_ke, s->nr, &s->nr_len)) {
		/* Dropped, the SA kept: MM3's retransmission gets the genuine MM4. */
		V1_DROP(e, IKE_DROP_MALFORMED);
		return;
	}
	memcpy(s->gxr, peer_ke, s->gx_len);
	natd_check(s, m);
	rc = p1_keys(e, s, s->gxr, s->gx_len);
	if (rc != 0) {
		V1_DROP(e, rc == -ENOKEY ? IKE_DROP_AUTH : IKE_DROP_MALFORMED);
		p1_fail(e, s, rc == -ENOKEY ? "no pre-shared key" : "key derivation failed");
		return;
	}
	s->last_rx_ns = e->now_ns;
	mm_float(s);
	s->mm = V1_MM_I3;
	if (ikev1_sm_keep_in(&s->x, msg, len) != 0 || mm56_send(e, s) != 0) {
		V1_DROP(e, IKE_DROP_INTERNAL);
		p1_fail(e, s, "cannot build MM5 (our identity, certificate or signature)");
	}
}

/* Remove every other SA with the peer: it told us it lost them (RFC 2407 §4.6.3.3). */
void
ikev1_sm_initial_contact(struct ikev1 *e, struct v1_sa *s)
{
	struct ike_sa *o, *next;
	struct log_corr corr;

	ikev1_sm_corr(s, &corr);
	log_event(LOG_MSG_INITIAL_CONTACT, &corr, NULL);
	V1_INC(e, initial_contacts);
	for (o = e->t.head; o != NULL; o = next) {
		next = o->next;
		if (o == &s->sa || o->version != 1 ||
		    !ike_sa_addr_eq(&o->remote.a, &s->sa.remote.a))
			continue;
		/* Keep SAs still being negotiated: they may be the peer's new ones. */
		if (o->state != IKE_SA_STATE_ESTABLISHED)
			continue;
		ikev1_sm_sa_delete(e, v1_sa_of(o), false, "initial contact from the peer");
	}
}

/* The certificate identity type of an ID payload's type, or -1 (RFC 4945 §3.1). */
static int
cert_id_type(uint8_t v1_type)
{
	switch (v1_type) {
	case IKEV1_ID_DER_ASN1_DN:
		return IKE_CRYPTO_ID_DN;
	case IKEV1_ID_FQDN:
		return IKE_CRYPTO_ID_FQDN;
	case IKEV1_ID_USER_FQDN:
		return IKE_CRYPTO_ID_EMAIL;
	case IKEV1_ID_IPV4_ADDR:
		return IKE_CRYPTO_ID_IPV4;
	case IKEV1_ID_IPV6_ADDR:
		return IKE_CRYPTO_ID_IPV6;
	default:
		return -1;
	}
}

/*
 * Signature authentication of MM5 / MM6 (RFC 2409 §5.1): the peer's X.509
 * certificates chain to the connection's cacerts (validity, CRLs), the
 * end entity names the identity the peer sent (RFC 4945 §3.1), its key
 * fits the negotiated method and signed @hash, the peer's HASH_I / HASH_R.
 * 0, or -EACCES with the reason logged and s->auth_err the notify to
 * answer with (RFC 2408 §5.4: certificate errors, §5.6: INVALID-SIGNATURE).
 */
static int
sig_check(struct v1_sa *s, const struct ikev1_msg *m, const uint8_t *hash, size_t hl,
    const struct log_corr *corr)
{
	const struct v1_creds *cr = own_creds(s);
	const struct ikev1_id *id = &m->ids[0];
	struct ike_id pid;
	struct ike_crypto_chunk chain[IKE_CRYPTO_CERTS_MAX];
	struct ike_crypto_cert *cert = NULL;
	enum ike_crypto_cert_err why;
	enum ike_crypto_sig ks;
	enum config_id_type type;
	char text[CONFIG_ID_MAX], subject[CONFIG_ID_MAX];
	const uint8_t *subj;
	uint8_t addr[16];
	size_t n = 0, slen;
	unsigned int i;
	int idt, rc = -EACCES;

	s->auth_err = IKEV1_N_AUTHENTICATION_FAILED;
	if (peer_id_text(id, &pid, &type, text, sizeof(text), addr) != 0)
		snprintf(text, sizeof(text), "(ID type %u)", id->type);
	if (cr == NULL) {
		log_text(LOG_FAC_IKE, LOG_SEV_WARN, corr,
		    "%s: authentication failed: connection %s has no usable credentials", __func__,
		    s->conn->name);
		return -EACCES;
	}
	for (i = 0; i < m->n_certs && n < IKE_CRYPTO_CERTS_MAX; i++) {
		if (m->certs[i].encoding != IKEV1_CERT_X509_SIG)
			continue;
		chain[n].ptr = m->certs[i].data;
		chain[n].len = m->certs[i].len;
		n++;
	}
	if (n == 0) {
		s->auth_err = m->n_certs > 0 ? IKEV1_N_CERT_TYPE_UNSUPPORTED :
		                               IKEV1_N_CERTIFICATE_UNAVAILABLE;
		log_text(LOG_FAC_IKE, LOG_SEV_WARN, corr,
		    "%s: authentication failed: peer %s sent no X.509 certificate%s", __func__,
		    text,
		    s->conn->send_certreq ?
		        "" :
		        " (send_certreq is off: strongSwan sends it when asked)");
		return -EACCES;
	}
	if (ike_crypto_trust_verify(cr->trust, chain, n, 0, &cert, &why) != 0) {
		s->auth_err = why == IKE_CRYPTO_CERT_MALFORMED ? IKEV1_N_INVALID_CERT_ENCODING :
		                                                 IKEV1_N_INVALID_CERTIFICATE;
		log_text(LOG_FAC_IKE, LOG_SEV_WARN, corr,
		    "%s: authentication failed: certificate of peer %s refused: %s", __func__, text,
		    ike_crypto_cert_err_name(why));
		return -EACCES;
	}
	ike_crypto_cert_subject(cert, &subj, &slen);
	if (ike_crypto_dn_format(subj, slen, subject, sizeof(subject)) < 0)
		snprintf(subject, sizeof(subject), "?");
	ks = ike_crypto_cert_sig(cert);
	if ((s->prop.auth == IKEV1_AUTH_RSA_SIG) != (ks == IKE_CRYPTO_SIG_RSA)) {
		s->auth_err = IKEV1_N_INVALID_CERTIFICATE;
		log_text(LOG_FAC_IKE, LOG_SEV_WARN, corr,
		    "%s: authentication failed: the key of certificate \"%s\" does not fit auth method %u",
		    __func__, subject, s->prop.auth);
		goto out;
	}
	idt = cert_id_type(id->type);
	if (idt < 0 ||
	    ike_crypto_cert_has_id(cert, (enum ike_crypto_id)idt, id->data, id->len) != 0) {
		log_text(LOG_FAC_IKE, LOG_SEV_WARN, corr,
		    "%s: authentication failed: identity mismatch: %s is not in certificate \"%s\"",
		    __func__, text, subject);
		goto out;
	}
	if (ike_crypto_cert_verify(cert, hash, hl, m->sig.p, m->sig.len) != 0) {
		s->auth_err = IKEV1_N_INVALID_SIGNATURE;
		log_text(LOG_FAC_IKE, LOG_SEV_WARN, corr,
		    "%s: authentication failed: bad signature: SIG_%c of %s does not verify",
		    __func__, s->sa.initiator ? 'R' : 'I', text);
		goto out;
	}
	log_text(LOG_FAC_IKE, LOG_SEV_DEBUG, corr,
	    "%s: peer %s authenticated with certificate \"%s\"", __func__, text, subject);
	s->auth_err = IKEV1_N_NONE;
	rc = 0;
out:
	ike_crypto_cert_destroy(cert);
	return rc;
}

/*
 * MM5 / MM6: decrypt, check the peer's ID and HASH.  Returns 0, or -EACCES
 * (authentication failed: wrong key, hash or identity), -EBADMSG.
 */
static int
mm56_take(struct ikev1 *e, struct v1_sa *s, const uint8_t *msg, size_t len, bool *ic)
{
	struct ike_crypto_v1_hash_prm prm;
	struct ikev1_msg *m = e->m;
	const struct ikev1_pl_ref *ref = NULL;
	uint8_t next_iv[V1_BLOCK], hash[IKE_CRYPTO_PRF_MAX], spi[16], addr[16];
	enum config_id_type type;
	struct log_corr corr;
	struct ike_id pid;
	char text[CONFIG_ID_MAX];
	unsigned int i;
	int hl;

	(void)msg;
	(void)len;
	*ic = false;
	ikev1_sm_corr(s, &corr);
	if (!m->encrypted) {
		V1_DROP(e, IKE_DROP_MALFORMED);
		return -EBADMSG;
	}
	if (ikev1_crypt_decrypt(s->enc, s->enc_len, s->iv, m->body, m->body_len, e->pbuf,
	        next_iv) != 0) {
		V1_DROP(e, IKE_DROP_DECRYPT);
		return -EBADMSG;
	}
	/* The last phase-1 block is this message's whatever follows: a failure
	 * notify is encrypted from it (RFC 2409 Appendix B), and a failed
	 * phase 1 is not retried on this SA. */
	memcpy(s->iv, next_iv, V1_BLOCK);
	if (ikev1_msg_parse_body(m, e->pbuf, m->body_len) != 0 ||
	    (sig_auth(s) ? m->sig.p == NULL : m->hash.p == NULL) || m->n_ids != 1) {
		/* Garbage after decryption: the keys differ, most likely the PSK. */
		log_text(LOG_FAC_IKE, LOG_SEV_WARN, &corr,
		    sig_auth(s) ?
		        "%s: MM%d does not decrypt to ID and SIG" :
		        "%s: MM%d does not decrypt to ID and HASH: pre-shared keys differ?",
		    __func__, s->sa.initiator ? 6 : 5);
		return -EACCES;
	}
	for (i = 0; i < m->n_payloads; i++)
		if (m->payloads[i].type == IKEV1_PL_ID)
			ref = &m->payloads[i];
	put64(spi, s->sa.spi_i);
	put64(spi + 8, s->sa.spi_r);
	prm = (struct ike_crypto_v1_hash_prm){ .skeyid = s->skeyid,
		.skeyid_len = s->skeyid_len,
		.gxi = s->gxi,
		.gxi_len = s->gx_len,
		.gxr = s->gxr,
		.gxr_len = s->gx_len,
		.cky_i = spi,
		.cky_r = spi + 8,
		.sai_b = s->sai_b,
		.sai_len = s->sai_len,
		.id_b = m->body + ref->off + IKE_GEN_HDR_LEN,
		.id_len = ref->len - IKE_GEN_HDR_LEN };
	/* The peer's hash: HASH_R when we initiated, HASH_I when we respond. */
	hl = ike_crypto_v1_auth_hash(s->prop.prf, &prm, s->sa.initiator, hash, sizeof(hash));
	if (sig_auth(s)) {
		if (hl < 0 || sig_check(s, m, hash, (size_t)hl, &corr) != 0)
			return -EACCES;
	} else if (hl < 0 || m->hash.len != (size_t)hl ||
	    !ikev1_sm_ct_eq(hash, m->hash.p, (size_t)hl)) {
		log_text(LOG_FAC_IKE, LOG_SEV_WARN, &corr,
		    "%s: HASH_%c mismatch: authentication failed", __func__,
		    s->sa.initiator ? 'R' : 'I');
		return -EACCES;
	}
	if (peer_id_text(&m->ids[0], &pid, &type, text, sizeof(text), addr) != 0 ||
	    !ike_id_match(&s->conn->remote, &pid)) {
		log_text(LOG_FAC_IKE, LOG_SEV_WARN, &corr,
		    "%s: authentication failed: identity mismatch: the peer's identity (type %u) is not the remote id of connection %s",
		    __func__, m->ids[0].type, s->conn->name);
		s->auth_err = IKEV1_N_AUTHENTICATION_FAILED;
		return -EACCES;
	}
	s->peer_id_type = m->ids[0].type;
	snprintf(s->peer_id, sizeof(s->peer_id), "%s", text);
	for (i = 0; i < m->n_notifies; i++)
		if (m->notifies[i].type == IKEV1_N_INITIAL_CONTACT)
			*ic = true;
	return 0;
}

/*
 * A new ISAKMP SA with a peer we had one with already (no INITIAL-CONTACT:
 * that removed the old ones before): a reauthentication, ours or the
 * peer's.  As strongSwan does for IKEv1, the new SA adopts the pairs of
 * the SAs that were up before it started; those are deleted a little
 * later (the peer may finish a quick mode on them meanwhile).
 */
static void
p1_adopt(struct ikev1 *e, struct v1_sa *s)
{
	struct log_corr corr;
	struct ike_sa *sa;
	struct v1_sa *o;
	unsigned int n = 0, olds = 0;

	for (sa = e->t.head; sa != NULL; sa = sa->next) {
		o = v1_sa_of(sa);
		if (!same_peer(s, o) || o->sa.established_ns >= s->sa.created_ns)
			continue;
		if (s->sa.initiator) {
			/* Ours: the peer adopts the pairs of the SAs it holds established. */
			if (o->superseded || o->peer_left)
				continue;
		} else if (o->sa.id != s->reauth_of) {
			/* The peer's: it moved the pairs of the one it reauthenticates. */
			continue;
		}
		n += adopt(e, o, s);
		s->adopted_ns = e->now_ns;
		if (!o->superseded || o->delete_ns > e->now_ns + V1_REAUTH_DELETE_NS)
			o->delete_ns = e->now_ns + V1_REAUTH_DELETE_NS;
		o->superseded = true;
		olds++;
	}
	if (olds == 0)
		return;
	V1_INC(e, p1_rekeys);
	ikev1_sm_corr(s, &corr);
	log_text(LOG_FAC_IKE, LOG_SEV_INFO, &corr,
	    "%s: IKE SA %" PRIu64
	    " reauthenticates %u older IKE SA(s) with the peer: adopted %u SA pair(s), the old ones are deleted in %u s",
	    __func__, s->sa.id, olds, n, (unsigned int)(V1_REAUTH_DELETE_NS / V1_ONE_S));
}

/*
 * Our main mode @s is up and a peer's reauthentication that crossed it
 * never got past MM2: the peer gave it up for @s (peer_reauth() at its
 * end: a peer that carries on sends MM3 at once).  It goes, and the SA it
 * was to replace keeps its pairs for @s to adopt.
 */
static void
crossed_gone(struct ikev1 *e, struct v1_sa *s)
{
	struct ike_sa *sa, *next;
	struct v1_sa *o;

	for (sa = e->t.head; sa != NULL; sa = next) {
		next = sa->next;
		o = v1_sa_of(sa);
		if (o == s || sa->version != 1 || sa->state != IKE_SA_STATE_CONNECTING ||
		    o->reauth_of == 0 || o->mm != V1_MM_R1 || o->conn != s->conn ||
		    sa->created_ns > s->sa.created_ns + ikev1_sm_rto(e, 0) ||
		    !ike_sa_addr_eq(&sa->remote.a, &s->sa.remote.a))
			continue;
		ikev1_sm_sa_delete(e, o, false, "the peer gave up its crossing reauthentication");
	}
}

static void
p1_established(struct ikev1 *e, struct v1_sa *s)
{
	uint64_t life = s->prop.life_s, rk, jit;
	uint32_t t = s->conn->rekey_time;

	s->mm = V1_MM_DONE;
	s->x.retransmit = false;
	s->last_rx_ns = e->now_ns;
	ike_sa_set_state(&e->t, &s->sa, IKE_SA_STATE_ESTABLISHED, e->now_ns);
	if (life != 0)
		s->expire_ns = e->now_ns + life * V1_ONE_S;
	/* IKEv1 has no rekey: both rekey_time and reauth_time mean a new main mode. */
	if (s->conn->reauth_time != 0 && (t == 0 || s->conn->reauth_time < t))
		t = s->conn->reauth_time;
	if (t != 0 && (life == 0 || t < life)) {
		rk = (uint64_t)t * V1_ONE_S;
		jit = ikev1_sm_jitter(s->conn->rand_time);
		s->rekey_ns = e->now_ns + (jit < rk ? rk - jit : rk);
	}
	V1_INC(e, p1_done);
	log_p1_done(s);
	if (s->sa.initiator)
		crossed_gone(e, s);
	p1_adopt(e, s);
	ikev1_sm_gauges(e);
}

/* MM5 at the responder. */
static void
mm_r5(struct ikev1 *e, struct v1_sa *s, const struct ike_addr *local, const struct ike_addr *remote,
    const uint8_t *msg, size_t len)
{
	bool ic;
	int rc;

	rc = mm56_take(e, s, msg, len, &ic);
	if (rc == -EBADMSG)
		return; /* counted (malformed, decrypt) */
	if (rc != 0) {
		V1_DROP(e, IKE_DROP_AUTH);
		/* The notify goes where MM5 came from, as MM6 would: the
		 * initiator floated to 4500 (RFC 3947 §4).  The SA goes now. */
		s->sa.local = *local;
		s->sa.remote = *remote;
		ikev1_info_notify(e, s,
		    s->auth_err != IKEV1_N_NONE ? s->auth_err : IKEV1_N_AUTHENTICATION_FAILED,
		    IKEV1_PROTO_ISAKMP, NULL, 0, NULL, 0);
		p1_fail(e, s, "authentication failed");
		return;
	}
	/* RFC 3947 §4: answer where MM5 came from (the initiator floated). */
	s->sa.local = *local;
	s->sa.remote = *remote;
	if (ic)
		ikev1_sm_initial_contact(e, s);
	if (ikev1_sm_keep_in(&s->x, msg, len) != 0 || mm56_send(e, s) != 0) {
		V1_DROP(e, IKE_DROP_INTERNAL);
		p1_fail(e, s, "cannot build MM6");
		return;
	}
	p1_established(e, s);
	ikev1_sm_run_pending(e, s);
}

/* MM6 at the initiator. */
static void
mm_i6(struct ikev1 *e, struct v1_sa *s, const uint8_t *msg, size_t len)
{
	bool ic;
	int rc;

	rc = mm56_take(e, s, msg, len, &ic);
	if (rc == -EBADMSG)
		return; /* counted (malformed, decrypt) */
	if (rc != 0) {
		V1_DROP(e, IKE_DROP_AUTH);
		ikev1_info_notify(e, s,
		    s->auth_err != IKEV1_N_NONE ? s->auth_err : IKEV1_N_AUTHENTICATION_FAILED,
		    IKEV1_PROTO_ISAKMP, NULL, 0, NULL, 0);
		p1_fail(e, s, "authentication failed");
		return;
	}
	if (ic)
		ikev1_sm_initial_contact(e, s);
	ikev1_sm_keep_in(&s->x, msg, len);
	free(s->x.msg); /* MM5 is answered: nothing to resend any more */
	s->x.msg = NULL;
	s->x.len = 0;
	p1_established(e, s);
	ikev1_sm_run_pending(e, s);
}

void
ikev1_sm_run_pending(struct ikev1 *e, struct v1_sa *s)
{
	unsigned int c;
	struct log_corr corr;
	int rc;

	for (c = 0; c < e->cfg->n_children; c++) {
		if (!(s->pending[c / BITS_PER] & (1u << (c % BITS_PER))))
			continue;
		s->pending[c / BITS_PER] &= (uint8_t) ~(1u << (c % BITS_PER));
		if (ikev1_qm_busy(s, c))
			continue;
		rc = ikev1_qm_start(e, s, c);
		if (rc != 0) {
			ikev1_sm_corr(s, &corr);
			log_text(LOG_FAC_IKE, LOG_SEV_WARN, &corr,
			    "%s: quick mode for child %s not started: %s", __func__,
			    e->cfg->children[c].name, strerror(-rc));
		}
	}
}

/* A main-mode message: a new responder SA, or the next step of one of ours. */
static void
mm_input(struct ikev1 *e, const struct ike_addr *local, const struct ike_addr *remote,
    const uint8_t *msg, size_t len)
{
	struct ikev1_msg *m = e->m;
	struct log_corr corr;
	struct ike_sa *sa;
	struct v1_sa *s;

	if (m->hdr.rspi == 0) {
		sa = ike_sa_lookup_spi_i(&e->t, 1, m->hdr.ispi, &remote->a, false);
		if (sa == NULL) {
			mm_r1(e, local, remote, msg, len);
			return;
		}
		s = v1_sa_of(sa);
		if (!s->sa.initiator && ikev1_sm_duplicate(e, s, &s->x, msg, len))
			return;
		V1_DROP(e, IKE_DROP_STATE);
		return;
	}
	sa = ike_sa_lookup(&e->t, 1, m->hdr.ispi, m->hdr.rspi);
	if (sa == NULL) {
		/* MM2: the responder's cookie is new to us. */
		sa = ike_sa_lookup_spi_i(&e->t, 1, m->hdr.ispi, &remote->a, true);
		if (sa != NULL &&
		    (!sa->initiator || sa->spi_r != 0 || v1_sa_of(sa)->mm != V1_MM_I1))
			sa = NULL;
		if (sa != NULL)
			ike_sa_set_spi_r(&e->t, sa, m->hdr.rspi);
	}
	if (sa == NULL) {
		corr_of(&m->hdr, remote, &corr);
		log_event(LOG_MSG_UNKNOWN_COOKIE, &corr, NULL);
		V1_DROP(e, IKE_DROP_UNKNOWN_SA);
		clear_notify(e, local, remote, &m->hdr, IKEV1_N_INVALID_COOKIE);
		return;
	}
	s = v1_sa_of(sa);
	if (!ike_sa_addr_eq(&s->sa.remote.a, &remote->a)) {
		V1_DROP(e, IKE_DROP_UNKNOWN_SA);
		return;
	}
	if (ikev1_sm_duplicate(e, s, &s->x, msg, len))
		return;
	switch (s->mm) {
	case V1_MM_I1:
		mm_i2(e, s, msg, len);
		break;
	case V1_MM_I2:
		mm_i4(e, s, msg, len);
		break;
	case V1_MM_I3:
		mm_i6(e, s, msg, len);
		break;
	case V1_MM_R1:
		mm_r3(e, s, msg, len);
		break;
	case V1_MM_R2:
		mm_r5(e, s, local, remote, msg, len);
		break;
	default:
		V1_DROP(e, IKE_DROP_STATE);
		break;
	}
}

/* ---- the engine API ---- */

static uint16_t
method_of(enum ike_crypto_sig sig)
{
	switch (sig) {
	case IKE_CRYPTO_SIG_RSA:
		return IKEV1_AUTH_RSA_SIG;
	case IKE_CRYPTO_SIG_ECDSA_P256:
		return IKEV1_AUTH_ECDSA_256; /* RFC 4754 §4 */
	case IKE_CRYPTO_SIG_ECDSA_P384:
		return IKEV1_AUTH_ECDSA_384;
	case IKE_CRYPTO_SIG_ECDSA_P521:
		return IKEV1_AUTH_ECDSA_521;
	default:
		return 0;
	}
}

/* Warn when the configured local identity is not in our certificate: the peer will refuse it. */
static void
creds_check_id(const struct config_connection *c, const struct ike_crypto_cred *cred)
{
	uint8_t data[IKE_ID_DATA_MAX];
	enum ike_crypto_id t;
	size_t len;
	int n;

	switch (c->local.id_type) {
	case CONFIG_ID_DN:
		n = ike_crypto_dn_parse(c->local.id, data, sizeof(data));
		if (n < 0) {
			log_text(LOG_FAC_IKE, LOG_SEV_ERR, NULL,
			    "%s: connection %s: local id \"%s\" is not a distinguished name",
			    __func__, c->name, c->local.id);
			return;
		}
		t = IKE_CRYPTO_ID_DN;
		len = (size_t)n;
		break;
	case CONFIG_ID_FQDN:
	case CONFIG_ID_RFC822:
		t = c->local.id_type == CONFIG_ID_FQDN ? IKE_CRYPTO_ID_FQDN : IKE_CRYPTO_ID_EMAIL;
		len = strnlen(c->local.id, CONFIG_ID_MAX);
		memcpy(data, c->local.id, len);
		break;
	case CONFIG_ID_IPV4:
	case CONFIG_ID_IPV6:
		t = c->local.id_type == CONFIG_ID_IPV4 ? IKE_CRYPTO_ID_IPV4 : IKE_CRYPTO_ID_IPV6;
		len = c->local.id_type == CONFIG_ID_IPV4 ? 4 : 16;
		memcpy(data, c->local.id_addr, len);
		break;
	default:
		return; /* none: the certificate's subject */
	}
	if (ike_crypto_cred_has_id(cred, t, data, len) != 0)
		log_text(LOG_FAC_IKE, LOG_SEV_WARN, NULL,
		    "%s: connection %s: local id \"%s\" is neither the subject nor a subjectAltName of %s: peers will refuse it",
		    __func__, c->name, c->local.id, c->local.certs[0]);
}

/*
 * Certificates and keys of the IKEv1 connections with auth pubkey.  A
 * connection whose files do not load is logged and left without a method:
 * it neither initiates nor answers.  -ENOMEM only.
 */
static int
creds_load(struct ikev1 *e)
{
	const struct config_connection *c;
	struct v1_creds *cr;
	unsigned int i;
	int rc;

	e->creds = calloc(e->cfg->n_connections + 1, sizeof(*e->creds));
	if (e->creds == NULL)
		return -ENOMEM;
	for (i = 0; i < e->cfg->n_connections; i++) {
		c = &e->cfg->connections[i];
		cr = &e->creds[i];
		if (c->version == 2 || c->local.auth != CONFIG_AUTH_PUBKEY ||
		    c->remote.auth != CONFIG_AUTH_PUBKEY)
			continue;
		rc = ike_creds_load(c, true, true, &cr->cred, &cr->trust);
		if (rc == -ENOMEM)
			return rc;
		if (rc != 0)
			continue;
		cr->method = method_of(ike_crypto_cred_sig(cr->cred));
		creds_check_id(c, cr->cred);
	}
	return 0;
}

static void
creds_free(struct ikev1 *e)
{
	unsigned int i;

	if (e->creds == NULL)
		return;
	for (i = 0; i < e->cfg->n_connections; i++) {
		ike_crypto_cred_destroy(e->creds[i].cred);
		ike_crypto_trust_destroy(e->creds[i].trust);
	}
	free(e->creds);
	e->creds = NULL;
}

struct ikev1 *
ikev1_create(const struct config *cfg, const struct ike_ops *ops)
{
	struct ikev1 *e;

	if (cfg == NULL || ops == NULL || ops->send == NULL || ops->child_up == NULL ||
	    ops->child_down == NULL)
		return NULL;
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return NULL;
	e->cfg = cfg;
	e->ops = *ops;
	e->m = malloc(sizeof(*e->m));
	e->sa_build = malloc(sizeof(*e->sa_build));
	e->obuf = malloc(IKE_MSG_MAX);
	e->pbuf = malloc(IKE_MSG_MAX);
	if (e->m == NULL || e->sa_build == NULL || e->obuf == NULL || e->pbuf == NULL ||
	    ike_sa_table_init(&e->t,
	        cfg->ike.half_open_max ? cfg->ike.half_open_max : DEF_HO_MAX) != 0) {
		free(e->m);
		free(e->sa_build);
		free(e->obuf);
		free(e->pbuf);
		free(e);
		return NULL;
	}
	if (creds_load(e) != 0) {
		ikev1_destroy(e);
		return NULL;
	}
	return e;
}

void
ikev1_destroy(struct ikev1 *e)
{
	struct ike_sa *sa;

	if (e == NULL)
		return;
	e->destroying = true;
	/* Deletes leave while the transport still runs (the peer drops its SAs now). */
	while ((sa = e->t.head) != NULL)
		ikev1_sm_sa_delete(e, v1_sa_of(sa), true, "shutdown");
	ike_sa_table_fini(&e->t);
	ikev1_frag_fini(e);
	creds_free(e);
	free(e->m);
	free(e->sa_build);
	free(e->obuf);
	explicit_bzero(e->pbuf, IKE_MSG_MAX);
	free(e->pbuf);
	free(e);
}

/* Unsupported exchanges: RFC 2408 §5.1 names the notify; answered only without keys. */
static void
unsupported(struct ikev1 *e, const struct ike_addr *local, const struct ike_addr *remote,
    const char *what)
{
	struct log_corr corr;

	corr_of(&e->m->hdr, remote, &corr);
	log_text(LOG_FAC_IKE, LOG_SEV_WARN, &corr, "%s: %s", __func__, what);
	V1_DROP(e, IKE_DROP_UNSUPPORTED);
	if (ike_sa_lookup(&e->t, 1, e->m->hdr.ispi, e->m->hdr.rspi) == NULL)
		clear_notify(e, local, remote, &e->m->hdr, IKEV1_N_UNSUPPORTED_EXCHANGE_TYPE);
}

static void
aggressive(struct ikev1 *e, const struct ike_addr *local, const struct ike_addr *remote)
{
	unsigned int i;
	bool allowed = false;

	for (i = 0; i < e->cfg->n_connections; i++)
		if (e->cfg->connections[i].aggressive &&
		    (conn_addr_ok(&e->cfg->connections[i], local, remote, true) ||
		        conn_addr_ok(&e->cfg->connections[i], local, remote, false)))
			allowed = true;
	unsupported(e, local, remote,
	    allowed ? "aggressive mode refused: allowed by the connection but not implemented" :
	              "aggressive mode refused: no connection allows it (aggressive: false)");
}

void
ikev1_sm_authentic(struct ikev1 *e, struct v1_sa *s)
{
	const struct ike_addr *r = e->rx_remote;
	struct ike_child_sa moved;
	struct v1_child *c;
	struct log_corr corr;

	s->last_rx_ns = e->now_ns;
	/* Only the port: a peer is found by its address (input_msg()). */
	if (r == NULL || s->sa.state != IKE_SA_STATE_ESTABLISHED ||
	    !(s->nat_local || s->nat_remote) || e->rx_local->port != IKE_PORT_NATT ||
	    r->port == s->sa.remote.port || !ike_sa_addr_eq(&r->a, &s->sa.remote.a))
		return;
	ikev1_sm_corr(s, &corr);
	log_text(LOG_FAC_IKE, LOG_SEV_INFO, &corr,
	    "%s: ISAKMP SA %016" PRIx64 " %016" PRIx64
	    ": the peer's NAT moved it from port %u to %u",
	    __func__, s->sa.spi_i, s->sa.spi_r, s->sa.remote.port, r->port);
	s->sa.remote.port = r->port;
	for (c = s->children; c != NULL; c = c->next) {
		if (!c->c.encap || c->c.remote_port == r->port)
			continue;
		moved = c->c;
		moved.remote_port = r->port;
		/* Not moved: tried again with the peer's next authentic message. */
		if (e->ops.child_remap != NULL && e->ops.child_remap(e->ops.ctx, &moved) != 0)
			continue;
		c->c.remote_port = r->port;
	}
}

/* A whole message (@whole: reassembled from fragments). */
static void
input_msg(struct ikev1 *e, const struct ike_addr *local, const struct ike_addr *remote,
    const uint8_t *msg, size_t len, bool whole)
{
	struct ikev1_msg *m = e->m;
	struct log_corr corr;
	struct ike_sa *sa;
	int rc;

	e->rx_local = local;
	e->rx_remote = remote;
	rc = ikev1_msg_parse(msg, len, m);
	/* racoon sets the encryption flag on fragments, which are not encrypted (strongSwan). */
	if (rc == 0 && m->encrypted && m->hdr.next_payload == IKEV1_PL_FRAG)
		rc = ikev1_msg_parse_body(m, msg + IKE_HDR_LEN, len - IKE_HDR_LEN);
	if (rc == 0 && m->has_frag) {
		if (whole) {
			/* Fragments inside a reassembled message: no nesting. */
			V1_INC(e, frag_dropped);
			V1_DROP(e, IKE_DROP_MALFORMED);
		} else {
			ikev1_frag_input(e, local, remote, msg, len);
		}
		ikev1_sm_gauges(e);
		return;
	}
	if (rc != 0) {
		corr_of(&m->hdr, remote, &corr);
		log_text(LOG_FAC_IKE, LOG_SEV_DEBUG, &corr,
		    "%s: malformed message: %s (payload %u)", __func__,
		    ikev1_msg_notify_name(m->error), m->error_payload);
		V1_DROP(e, IKE_DROP_MALFORMED);
		/* Answer in the clear only where no keys protect the exchange. */
		sa = ike_sa_lookup(&e->t, 1, m->hdr.ispi, m->hdr.rspi);
		if (m->hdr.ispi != 0 && m->hdr.major == IKEV1_MAJOR &&
		    (sa == NULL || !v1_sa_of(sa)->have_keys))
			clear_notify(e, local, remote, &m->hdr,
			    m->error != IKEV1_N_NONE ? m->error : IKEV1_N_PAYLOAD_MALFORMED);
		return;
	}
	switch (m->hdr.exchange) {
	case IKEV1_EXCH_ID_PROT:
		mm_input(e, local, remote, msg, len);
		break;
	case IKEV1_EXCH_AGGRESSIVE:
		aggressive(e, local, remote);
		break;
	case IKEV1_EXCH_QUICK:
	case IKEV1_EXCH_INFORMATIONAL:
		sa = ike_sa_lookup(&e->t, 1, m->hdr.ispi, m->hdr.rspi);
		if (sa != NULL && !ike_sa_addr_eq(&sa->remote.a, &remote->a))
			sa = NULL;
		if (m->hdr.exchange == IKEV1_EXCH_INFORMATIONAL) {
			ikev1_info_input(e, sa != NULL ? v1_sa_of(sa) : NULL, msg, len);
			break;
		}
		if (sa == NULL) {
			corr_of(&m->hdr, remote, &corr);
			log_event(LOG_MSG_UNKNOWN_COOKIE, &corr, NULL);
			V1_DROP(e, IKE_DROP_UNKNOWN_SA);
			clear_notify(e, local, remote, &m->hdr, IKEV1_N_INVALID_COOKIE);
			break;
		}
		/* A NAT may have moved the peer's port: followed once the HASH
		 * is good (ikev1_sm_authentic()). */
		ikev1_qm_input(e, v1_sa_of(sa), msg, len);
		break;
	case IKEV1_EXCH_TRANSACTION:
		unsupported(e, local, remote,
		    "transaction exchange (mode config / XAUTH) is not implemented");
		break;
	default:
		unsupported(e, local, remote, "exchange type not supported");
		break;
	}
	ikev1_sm_gauges(e);
}

void
ikev1_input(struct ikev1 *e, uint64_t now_ns, const struct ike_addr *local,
    const struct ike_addr *remote, const uint8_t *msg, size_t len)
{
	e->now_ns = now_ns;
	V1_INC(e, rx);
	if (msg == NULL || local == NULL || remote == NULL || len < IKE_HDR_LEN ||
	    len > IKE_MSG_MAX) {
		V1_DROP(e, IKE_DROP_MALFORMED);
		return;
	}
	input_msg(e, local, remote, msg, len, false);
	e->rx_local = e->rx_remote = NULL;
}

void
ikev1_sm_input_whole(struct ikev1 *e, const struct ike_addr *local, const struct ike_addr *remote,
    const uint8_t *msg, size_t len)
{
	if (len < IKE_HDR_LEN || len > IKE_MSG_MAX) {
		V1_DROP(e, IKE_DROP_MALFORMED);
		return;
	}
	input_msg(e, local, remote, msg, len, true);
}

/* An interface address of @family on the unprotected side, for connections without local_addrs. */
static const struct config_addr *
any_local(const struct config *cfg, uint8_t family)
{
	unsigned int i, k;

	for (i = 0; i < cfg->n_interfaces; i++) {
		if (cfg->interfaces[i].role != CONFIG_ROLE_UNPROTECTED)
			continue;
		for (k = 0; k < cfg->interfaces[i].n_addresses; k++)
			if (cfg->interfaces[i].addresses[k].a.family == family)
				return &cfg->interfaces[i].addresses[k].a;
	}
	return NULL;
}

/*
 * "SA traffic selectors local: [...]": the first message of a negotiation
 * this end starts for @p child (start, trap acquire), with the child's
 * configured selectors; the quick mode's own come with "IKE Phase-2 ... done".
 */
static void
log_ts_trigger(const struct v1_sa *s, const struct config_child *ch)
{
	char lts[CONFIG_TS_MAX * 64], rts[CONFIG_TS_MAX * 64], one[64];
	struct log_corr corr;
	size_t lo = 0, ro = 0;
	unsigned int i;
	int w;

	lts[0] = rts[0] = '\0';
	for (i = 0; i < ch->n_local_ts; i++) {
		ikev1_prop_ts_format(&ch->local_ts[i], one, sizeof(one));
		w = snprintf(lts + lo, sizeof(lts) - lo, "%s%s", lo ? "," : "", one);
		if (w > 0 && (size_t)w < sizeof(lts) - lo)
			lo += (size_t)w;
	}
	for (i = 0; i < ch->n_remote_ts; i++) {
		ikev1_prop_ts_format(&ch->remote_ts[i], one, sizeof(one));
		w = snprintf(rts + ro, sizeof(rts) - ro, "%s%s", ro ? "," : "", one);
		if (w > 0 && (size_t)w < sizeof(rts) - ro)
			ro += (size_t)w;
	}
	ikev1_sm_corr(s, &corr);
	log_event(LOG_MSG_SA_TS_LOCAL, &corr, "connection=%s child=%s local=%s remote=%s",
	    s->conn->name, ch->name, lts, rts);
}

int
ikev1_initiate(struct ikev1 *e, uint64_t now_ns, unsigned int child)
{
	const struct config_connection *conn;
	const struct config_addr *la;
	struct ike_sa *sa;
	struct v1_sa *s, *connecting = NULL;
	struct log_corr corr;
	char names[256];
	unsigned int i, ci;
	size_t off = 0;
	int rc;

	e->now_ns = now_ns;
	if (child >= e->cfg->n_children)
		return -EINVAL;
	ci = e->cfg->children[child].connection;
	if (ci >= e->cfg->n_connections)
		return -EINVAL;
	conn = &e->cfg->connections[ci];
	if (conn->version != 1)
		return -EINVAL;
	if (conn->n_remote_addrs == 0)
		return -EDESTADDRREQ;
	/* An IKE SA of the connection with that peer: up, or on its way. */
	for (sa = e->t.head; sa != NULL; sa = sa->next) {
		s = v1_sa_of(sa);
		if (sa->version != 1 || s->conn != conn || s->superseded ||
		    !ike_sa_addr_eq(&sa->remote.a, &conn->remote_addrs[0]))
			continue;
		if (sa->state == IKE_SA_STATE_ESTABLISHED) {
			if (ikev1_qm_busy(s, child))
				return 0;
			log_ts_trigger(s, &e->cfg->children[child]);
			rc = ikev1_qm_start(e, s, child);
			ikev1_sm_gauges(e);
			return rc;
		}
		if (sa->state == IKE_SA_STATE_CONNECTING)
			connecting = s;
	}
	if (connecting != NULL) {
		uint8_t bit = (uint8_t)(1u << (child % BITS_PER));

		if (!(connecting->pending[child / BITS_PER] & bit))
			log_ts_trigger(connecting, &e->cfg->children[child]);
		connecting->pending[child / BITS_PER] |= bit;
		return 0;
	}
	la = conn->n_local_addrs > 0 ? &conn->local_addrs[0] :
	                               any_local(e->cfg, conn->remote_addrs[0].family);
	if (la == NULL)
		return -EADDRNOTAVAIL;
	s = sa_alloc(e, conn);
	if (s == NULL)
		return -ENOMEM;
	s->sa.initiator = true;
	if (ike_sa_new_spi(&e->t, &s->sa.spi_i) != 0) {
		sa_free(s);
		return -EIO;
	}
	s->sa.local.a = *la;
	s->sa.local.port = conn->local_port ? conn->local_port : IKE_PORT;
	s->sa.remote.a = conn->remote_addrs[0];
	s->sa.remote.port = conn->remote_port ? conn->remote_port : IKE_PORT;
	s->mm = V1_MM_I1;
	s->pending[child / BITS_PER] |= (uint8_t)(1u << (child % BITS_PER));
	ike_sa_insert(&e->t, &s->sa, now_ns);
	ikev1_sm_corr(s, &corr);
	log_ts_trigger(s, &e->cfg->children[child]);
	names[0] = '\0';
	for (i = 0; i < conn->n_proposals && off + 1 < sizeof(names); i++) {
		rc = snprintf(names + off, sizeof(names) - off, "%s%s", off ? "," : "",
		    conn->proposals[i].name);
		if (rc < 0)
			break;
		off += (size_t)rc;
	}
	/* The seed's order: the proposal the initiator sends, then the start of main mode. */
	log_event(LOG_MSG_IKE_SA_PROPOSAL, &corr, "connection=%s version=1 proposal=%s", conn->name,
	    names);
	log_event(LOG_MSG_MM_INIT_START, &corr, NULL);
	rc = mm1_send(e, s);
	if (rc != 0) {
		log_text(LOG_FAC_IKE, LOG_SEV_WARN, &corr,
		    "%s: connection %s: no IKEv1 proposal: %s", __func__, conn->name,
		    strerror(-rc));
		p1_fail(e, s, "cannot build MM1");
		return rc == -ENOENT ? -EINVAL : rc;
	}
	ikev1_sm_gauges(e);
	return 0;
}

void
ikev1_start(struct ikev1 *e, uint64_t now_ns)
{
	const struct config_child *c;
	unsigned int i;
	int rc;

	for (i = 0; i < e->cfg->n_children; i++) {
		c = &e->cfg->children[i];
		if (c->start_action != CONFIG_START_START ||
		    e->cfg->connections[c->connection].version != 1)
			continue;
		rc = ikev1_initiate(e, now_ns, i);
		if (rc != 0)
			log_text(LOG_FAC_IKE, LOG_SEV_WARN, NULL, "%s: child %s: %s", __func__,
			    c->name, strerror(-rc));
	}
}

static void
keepalive(struct ikev1 *e, struct v1_sa *s, uint64_t now_ns)
{
	/* RFC 3948 §4: only the side behind the NAT needs to keep the mapping. */
	if (e->ops.keepalive == NULL || !s->nat_local || s->sa.local.port != IKE_PORT_NATT)
		return;
	if (now_ns - s->last_tx_ns < (uint64_t)IKE_NATT_KEEPALIVE_S * V1_ONE_S)
		return;
	if (e->ops.keepalive(e->ops.ctx, &s->sa.local, &s->sa.remote) == 0)
		V1_INC(e, keepalives);
	s->last_tx_ns = now_ns;
}

/* Phase-1 retransmission; true when @s was given up (freed). */
static bool
p1_retransmit(struct ikev1 *e, struct v1_sa *s, uint64_t now_ns)
{
	struct log_corr corr;

	if (!s->x.retransmit || s->x.msg == NULL || now_ns < s->x.next_ns)
		return false;
	if (s->x.tries >= max_tries(e)) {
		ikev1_sm_corr(s, &corr);
		log_text(LOG_FAC_IKE, LOG_SEV_WARN, &corr,
		    "%s: no answer after %u retransmissions, giving up", __func__, s->x.tries);
		p1_fail(e, s, "peer does not answer");
		return true;
	}
	s->x.tries++;
	s->x.next_ns = now_ns + ikev1_sm_rto(e, s->x.tries);
	V1_INC(e, retransmits);
	ikev1_sm_send(e, s, s->x.msg, s->x.len);
	return false;
}

/*
 * Reauthenticate @s (IKEv1 has no rekeying of the ISAKMP SA; strongSwan's
 * way): a new main mode with the same peer, as initiator.  Once it is up
 * it adopts @s's pairs and @s is deleted (p1_adopt).  Only with a
 * connection that names the peer (a responder-only one lets it expire).
 */
static void
reauth_start(struct ikev1 *e, struct v1_sa *s)
{
	const struct config_connection *conn = s->conn;
	struct log_corr corr;
	struct ike_sa *sa;
	struct v1_sa *n;
	unsigned int i;
	bool named = false;
	int rc;

	s->rekey_logged = true;
	ikev1_sm_corr(s, &corr);
	for (i = 0; i < conn->n_remote_addrs; i++)
		named = named || ike_sa_addr_eq(&conn->remote_addrs[i], &s->sa.remote.a);
	if (!named) {
		log_text(LOG_FAC_IKE, LOG_SEV_INFO, &corr,
		    "%s: IKE SA %" PRIu64
		    " reached its rekey time: the connection does not name the peer, it expires at its lifetime",
		    __func__, s->sa.id);
		return;
	}
	/* The peer's own reauthentication under way already: wait for it. */
	for (sa = e->t.head; sa != NULL; sa = sa->next)
		if (sa != &s->sa && sa->version == 1 && sa->state == IKE_SA_STATE_CONNECTING &&
		    v1_sa_of(sa)->conn == conn && ike_sa_addr_eq(&sa->remote.a, &s->sa.remote.a))
			return;
	n = sa_alloc(e, conn);
	if (n == NULL || ike_sa_new_spi(&e->t, &n->sa.spi_i) != 0) {
		if (n != NULL)
			sa_free(n);
		log_text(LOG_FAC_IKE, LOG_SEV_WARN, &corr, "%s: cannot start a main mode",
		    __func__);
		return;
	}
	n->sa.initiator = true;
	n->reauth_from = s->sa.id;
	n->sa.local.a = s->sa.local.a;
	n->sa.local.port = conn->local_port ? conn->local_port : IKE_PORT;
	n->sa.remote.a = s->sa.remote.a;
	n->sa.remote.port = conn->remote_port ? conn->remote_port : IKE_PORT;
	n->mm = V1_MM_I1;
	ike_sa_insert(&e->t, &n->sa, e->now_ns);
	log_text(LOG_FAC_IKE, LOG_SEV_INFO, &corr,
	    "%s: IKE SA %" PRIu64 " reached its rekey time: reauthenticating with IKE SA %" PRIu64,
	    __func__, s->sa.id, n->sa.id);
	ikev1_sm_corr(n, &corr);
	log_event(LOG_MSG_IKE_SA_PROPOSAL, &corr, "connection=%s version=1 proposal=%s", conn->name,
	    conn->n_proposals > 0 ? conn->proposals[0].name : "");
	log_event(LOG_MSG_MM_INIT_START, &corr, NULL);
	rc = mm1_send(e, n);
	if (rc != 0)
		p1_fail(e, n, "cannot build MM1");
}

/*
 * @s holds no pair (for the peer either) while another ISAKMP SA with the
 * peer that is newer or holds pairs is up: it is a leftover of crossing
 * reauthentications (each end made one, the pairs went to one of them,
 * or the peer reauthenticated an SA it had handed over already).  It goes
 * a second later: else both ends would go on reauthenticating it, and
 * the peer's reauthentication of it could not be told from one of the
 * SA that holds the pairs (peer_reauth()).
 */
static void
retire_empty(struct ikev1 *e, struct v1_sa *s)
{
	struct ike_sa *sa;
	struct v1_sa *o;
	struct log_corr corr;

	if (s->children != NULL || s->qms != NULL || s->peer_left || s->superseded)
		return;
	for (sa = e->t.head; sa != NULL; sa = sa->next) {
		o = v1_sa_of(sa);
		if (same_peer(s, o) && !o->superseded &&
		    (sa->established_ns > s->sa.established_ns || o->children != NULL ||
		        o->peer_left))
			break;
	}
	if (sa == NULL)
		return;
	s->superseded = true;
	s->delete_ns = e->now_ns + V1_ONE_S;
	ikev1_sm_corr(s, &corr);
	log_text(LOG_FAC_IKE, LOG_SEV_INFO, &corr,
	    "%s: IKE SA %" PRIu64 " holds no SA pair, IKE SA %" PRIu64
	    " with the peer is newer or does: deleted in 1 s",
	    __func__, s->sa.id, sa->id);
}

void
ikev1_tick(struct ikev1 *e, uint64_t now_ns)
{
	struct ike_sa *sa, *next;
	struct v1_sa *s;
	uint32_t ho_s = e->cfg->ike.half_open_timeout ? e->cfg->ike.half_open_timeout : DEF_HO_S;

	e->now_ns = now_ns;
	ikev1_frag_tick(e, now_ns);
	for (sa = e->t.head; sa != NULL; sa = next) {
		next = sa->next;
		if (sa->version != 1)
			continue;
		s = v1_sa_of(sa);
		if (p1_retransmit(e, s, now_ns))
			continue;
		if (sa->state == IKE_SA_STATE_CONNECTING) {
			if (now_ns - sa->created_ns >= (uint64_t)ho_s * V1_ONE_S) {
				p1_timeout(e, s);
				continue;
			}
			continue;
		}
		if (sa->state != IKE_SA_STATE_ESTABLISHED)
			continue;
		ikev1_qm_tick(e, s, now_ns);
		if (ikev1_info_dpd_tick(e, s, now_ns))
			continue;
		keepalive(e, s, now_ns);
		retire_empty(e, s);
		if (s->superseded) {
			if (now_ns >= s->delete_ns) {
				/* next may be the SA that takes what s still holds: it stays. */
				ikev1_sm_sa_handover(e, s, true, "replaced by a reauthentication");
			}
			continue;
		}
		if (s->rekey_ns != 0 && now_ns >= s->rekey_ns && !s->rekey_logged && !s->peer_left)
			reauth_start(e, s);
		if (s->expire_ns != 0 && now_ns >= s->expire_ns) {
			ikev1_sm_sa_delete(e, s, true, "IKE SA lifetime expired");
			continue;
		}
	}
	/* next may have been freed by an INITIAL-CONTACT... never in tick: only s goes. */
	ikev1_sm_gauges(e);
}

void
ikev1_sa_expired(struct ikev1 *e, uint64_t now_ns, uint32_t spi, bool inbound, bool hard)
{
	struct ike_sa *sa;
	struct v1_sa *s;
	struct v1_child *c;
	struct log_corr corr;

	e->now_ns = now_ns;
	for (sa = e->t.head; sa != NULL; sa = sa->next) {
		s = v1_sa_of(sa);
		for (c = s->children; c != NULL; c = c->next) {
			if ((inbound ? c->c.spi_in : c->c.spi_out) != spi)
				continue;
			ikev1_sm_corr(s, &corr);
			corr.ipsec_spi = spi;
			if (!hard) {
				log_text(LOG_FAC_IKE, LOG_SEV_INFO, &corr,
				    "%s: soft lifetime of child %s reached%s", __func__,
				    e->cfg->children[c->c.child].name,
				    c->rekeying || c->rekeyed || c->out_pending ?
				        ": rekeyed already" :
				        "");
				if (!c->rekeying && !c->rekeyed && !c->out_pending &&
				    !s->superseded && !s->peer_left &&
				    sa->state == IKE_SA_STATE_ESTABLISHED)
					ikev1_qm_rekey(e, s, c);
				ikev1_sm_gauges(e);
				return;
			}
			ikev1_qm_hard_expired(e, s, c);
			ikev1_sm_gauges(e);
			return;
		}
	}
}

int
ikev1_child_delete(struct ikev1 *e, uint64_t now_ns, unsigned int child)
{
	struct ike_sa *sa;
	struct v1_sa *s;
	struct v1_child *c, *next;
	int n = 0;

	e->now_ns = now_ns;
	if (child >= e->cfg->n_children)
		return -EINVAL;
	for (sa = e->t.head; sa != NULL; sa = sa->next) {
		s = v1_sa_of(sa);
		for (c = s->children; c != NULL; c = next) {
			next = c->next;
			if (c->c.child != child)
				continue;
			ikev1_qm_child_remove(e, s, c, true, "deleted locally");
			n++;
		}
	}
	ikev1_sm_gauges(e);
	return n > 0 ? 0 : -ENOENT;
}

int
ikev1_ike_delete(struct ikev1 *e, uint64_t now_ns, uint64_t id)
{
	struct ike_sa *sa;

	e->now_ns = now_ns;
	sa = ike_sa_find_id(&e->t, id);
	if (sa == NULL || sa->version != 1)
		return -ENOENT;
	ikev1_sm_sa_delete(e, v1_sa_of(sa), true, "deleted locally");
	return 0;
}

void
ikev1_stats_read(const struct ikev1 *e, struct ikev1_stats *out)
{
	const uint64_t *src = (const uint64_t *)&e->st;
	uint64_t *dst = (uint64_t *)out;
	size_t i;

	_Static_assert(sizeof(struct ikev1_stats) % sizeof(uint64_t) == 0,
	    "ikev1_stats holds only uint64_t counters");
	for (i = 0; i < sizeof(*out) / sizeof(uint64_t); i++)
		dst[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
}

unsigned int
ikev1_sa_list(struct ikev1 *e, unsigned int start, unsigned int max, ike_sa_visit_fn fn, void *arg)
{
	struct ike_sa_info info;
	struct ike_sa *sa;
	struct v1_sa *s;
	unsigned int n = 0;

	for (sa = ike_sa_at(&e->t, start); sa != NULL && n < max; sa = sa->next) {
		s = v1_sa_of(sa);
		ike_sa_info_fill(sa, &info);
		info.nat_local = s->nat_local;
		info.nat_remote = s->nat_remote;
		if (s->mm == V1_MM_DONE || s->mm == V1_MM_I2 || s->mm == V1_MM_I3 ||
		    s->mm == V1_MM_R1 || s->mm == V1_MM_R2)
			snprintf(info.proposal, sizeof(info.proposal), "%s", s->prop.name);
		snprintf(info.peer_id, sizeof(info.peer_id), "%s", s->peer_id);
		info.n_children = s->n_children;
		n++;
		if (fn(arg, &info) != 0)
			break;
	}
	return n;
}
