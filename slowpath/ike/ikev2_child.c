/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ikev2_child.c: the CREATE_CHILD_SA exchange (RFC 7296 §1.3, §2.8): more Child SAs, Child SA and IKE SA rekeys with PFS, collisions. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "slowpath/ike/ike_ts.h"
#include "slowpath/ike/ikev2_int.h"

/*
 * The exchanges (RFC 7296 §1.3), under the IKE SA's SK keys, window one:
 *
 *   new Child SA   SA, Ni, [KEi], TSi, TSr  -->  <--  SA, Nr, [KEr], TSi, TSr
 *   Child rekey    N(REKEY_SA), SA, Ni, [KEi], TSi, TSr  -->  (as above)
 *   IKE rekey      SA, Ni, KEi  -->  <--  SA, Nr, KEr
 *
 * KE payloads go with the exchange when the child's ESP proposals carry a
 * DH group (PFS); KEYMAT is then prf+(SK_d, g^ir (new) | Ni | Nr), with
 * the initiator of this exchange taking the first keys (§2.17).  A
 * rekeyed IKE SA has SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr)
 * under the old SA's PRF and its own SPIs (§2.18); its children move to
 * it (ops->child_move) and the rekey's initiator deletes the old IKE SA.
 *
 * Make-before-break: the responder installs the new pair's inbound SA
 * (child_prepare) before it answers and moves its outbound SA to it
 * (child_activate) once the initiator has the pair: when the initiator's
 * next request arrives (the Delete of the old pair, as a rule), or the
 * replaced pair goes, or after two retransmission timeouts.  A new Child
 * SA (no older pair carries the traffic meanwhile) is used once the
 * answer is sent.  The initiator installs both ways when the answer arrives
 * and deletes the old pair (INFORMATIONAL, ikev2_info.c); it keeps the old
 * inbound SA until that Delete is answered and V2_GRACE_NS more, for the
 * packets the responder sent on it before switching.
 *
 * Collisions (§2.8.1, §2.8.2): both ends rekey the same Child SA (or the
 * IKE SA) at once, each answers the other's request as usual.  Of the two
 * new SAs the one whose exchange had the lowest of the four nonces is
 * redundant: the end that initiated that exchange deletes it (a Child SA
 * it never sends on; an IKE SA without children), and the end that
 * initiated the surviving one deletes the old SA.  A request for an SA
 * being deleted, or while an IKE rekey and a Child SA exchange cross, is
 * answered TEMPORARY_FAILURE (§2.25) and tried again later.
 */

#define V2_GRACE_NS     1000000000ull  /* old inbound SA after its Delete was answered */
#define V2_PEER_DEL_NS  30000000000ull /* an SA the peer replaced and should delete: we do it then */
#define V2_RETRY_NS     10000000000ull /* a rekey the peer refused: tried again */
#define V2_TEMP_FAIL_NS 2000000000ull  /* TEMPORARY_FAILURE: tried again after 2..3 s */

/* prep_msgid of a REKEYED pair: where its Delete stands. */
#define V2_DEL_QUEUED   (-1) /* our Delete waits for the window or is in flight */
#define V2_DEL_ANSWERED (-2) /* answered: the pair goes at state_ns */
#define V2_DEL_BY_PEER  (-3) /* the peer deletes it (it rekeyed it) */

enum cc_kind {
	CC_NEW = 0, /* another Child SA */
	CC_REKEY,   /* a Child SA rekey */
	CC_IKE,     /* the IKE SA rekey */
};

/* Our CREATE_CHILD_SA in flight (one per IKE SA: window one). */
struct v2_cc {
	enum cc_kind kind;
	unsigned int child; /* config index */
	uint32_t old_spi;   /* CC_REKEY: our inbound SPI of the pair rekeyed */
	uint8_t spi[8];     /* ours: the new pair's inbound SPI (4) or the new IKE SA's (8) */
	uint16_t group;     /* KE group, 0: no KE */
	bool ke_retried;
	bool transport;
	struct ike_crypto_dh *dh;
	uint8_t ni[V2_NONCE_LEN];
	struct ikev2_ts_payload tsi, tsr;
};

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

/* Uniform in [0, max_s] seconds (swanctl's rand_time). */
static uint64_t
jitter_ns(uint32_t max_s)
{
	uint8_t b[8];

	if (max_s == 0 || ike_crypto_random(b, sizeof(b)) != 0)
		return 0;
	return ike_get64(b) % ((uint64_t)max_s * V2_ONE_S + 1);
}

static bool
two_step(const struct ikev2 *e)
{
	return e->ops->child_prepare != NULL && e->ops->child_activate != NULL;
}

/* RFC 7296 §2.8.1: octet by octet, a nonce that is a prefix of the other is the lower. */
static int
nonce_cmp(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
	int d = memcmp(a, b, al < bl ? al : bl);

	if (d != 0)
		return d;
	return al < bl ? -1 : al > bl ? 1 : 0;
}

/* The lower of two nonces into @out. */
static void
nonce_min(const uint8_t *a, size_t al, const uint8_t *b, size_t bl, uint8_t *out, size_t *len)
{
	if (nonce_cmp(a, al, b, bl) <= 0) {
		memcpy(out, a, al);
		*len = al;
	} else {
		memcpy(out, b, bl);
		*len = bl;
	}
}

static struct v2_child *
pair_of(struct v2_sa *s, uint32_t spi_in)
{
	int i = spi_in != 0 ? ikev2_sm_child_find(s, spi_in, true) : -1;

	return i >= 0 ? s->children[i] : NULL;
}

/* The index of @v in s->children (s->n_children when it is not there). */
static unsigned int
pair_index(const struct v2_sa *s, const struct v2_child *v)
{
	unsigned int i = 0;

	while (i < s->n_children && s->children[i] != v)
		i++;
	return i;
}

static const char *
child_name(const struct ikev2 *e, const struct v2_child *v)
{
	return e->cfg->children[v->c.child].name;
}

static void
pair_log(const struct ikev2 *e, const struct v2_sa *s, const struct v2_child *v,
    enum log_severity sev, const char *fn, const char *what)
{
	struct log_corr corr;

	ikev2_sm_corr(s, &corr);
	corr.ipsec_spi = v->c.spi_in;
	log_text(LOG_FAC_IKE, sev, &corr, "%s: Child SA %s %08" PRIx32 "_i %08" PRIx32 "_o: %s", fn,
	    child_name(e, v), v->c.spi_in, v->c.spi_out, what);
}

/* rekey_time (jittered by rand_time) and life_time of a pair installed at @t. */
static void
pair_timers(const struct ikev2 *e, struct v2_child *v, uint64_t t)
{
	const struct config_child *ch = &e->cfg->children[v->c.child];
	uint64_t rk = (uint64_t)ch->rekey_time * V2_ONE_S, jit;

	v->timed = true;
	v->expire_ns = ch->life_time != 0 ? t + (uint64_t)ch->life_time * V2_ONE_S : 0;
	v->rekey_ns = 0;
	if (ch->rekey_time != 0 && (ch->life_time == 0 || ch->rekey_time < ch->life_time)) {
		jit = jitter_ns(ch->rand_time);
		v->rekey_ns = t + (jit < rk ? rk - jit : rk);
	}
}

/* rekey_time (jittered) and rekey_time + over_time of IKE SA @s established at @t. */
static void
ike_timers(const struct ikev2 *e, struct v2_sa *s, uint64_t t)
{
	const struct config_connection *c = v2_conn(e, s);
	uint64_t rk = (uint64_t)c->rekey_time * V2_ONE_S, jit;

	s->timed = true;
	s->rekey_ns = s->expire_ns = 0;
	if (c->rekey_time == 0)
		return;
	jit = jitter_ns(c->rand_time);
	s->rekey_ns = t + (jit < rk ? rk - jit : rk);
	s->expire_ns = t + rk + (uint64_t)c->over_time * V2_ONE_S;
}

static void
keys_swap(struct ike_child_sa *c)
{
	struct ike_child_keys t = c->in;

	c->in = c->out;
	c->out = t;
	explicit_bzero(&t, sizeof(t));
}

/*
 * Install a pair negotiated by CREATE_CHILD_SA on @s (initiated by us
 * when @we_init): both ways (child_up) or, with @prepare and a two-step
 * installer, inbound only.  The entry, or NULL (counted, logged).
 */
static struct v2_child *
pair_install(struct ikev2 *e, struct v2_sa *s, unsigned int child, const struct ikev2_prop_esp *p,
    uint32_t spi_in, bool transport, const struct ikev2_ts_payload *tsl,
    const struct ikev2_ts_payload *tsr, const struct v2_keymat_seed *seed, bool we_init,
    bool prepare, uint64_t now)
{
	const struct config_child *ch = &e->cfg->children[child];
	struct ike_child_sa *c = &e->cbuf;
	struct v2_child *v = NULL;
	int rc;

	if (ikev2_sm_child_fill(e, s, child, p, spi_in, transport, tsl, tsr, seed) != 0)
		return NULL;
	/* ikev2_sm_child_keys() takes the IKE SA's roles; KEYMAT goes by this exchange's. */
	if (we_init != s->sa.initiator)
		keys_swap(c);
	/* Before the installer: an installed pair never lacks its entry. */
	v = calloc(1, sizeof(*v));
	if (v == NULL) {
		V2_INC(e, child_failed);
		goto out;
	}
	prepare = prepare && two_step(e);
	rc = prepare ? e->ops->child_prepare(e->ops->ctx, c) : e->ops->child_up(e->ops->ctx, c);
	if (rc != 0) {
		V2_INC(e, child_up_failed);
		ikev2_sm_dbg(s, __func__, "the SA installer refused the pair");
		free(v);
		v = NULL;
		goto out;
	}
	ike_child_sa_wipe(c);
	v->c = *c;
	s->children[s->n_children++] = v; /* the room ikev2_sm_child_fill() reserved */
	v->installed_ns = now;
	v->state = prepare ? V2_CHILD_PREPARED : V2_CHILD_ACTIVE;
	v->prep_msgid = -1;
	pair_timers(e, v, now);
	V2_INC(e, child_done);
	V2_INC(e, children);
	/* The catalog's Phase-2 done record (ikev2_sm_log_child_done) is what operators read. */
	log_debug(LOG_FAC_IKE, "%s: Child SA %s up%s: SPIs %08" PRIx32 "_i %08" PRIx32 "_o, %s",
	    __func__, ch->name, prepare ? " (inbound; outbound follows)" : "", c->spi_in,
	    c->spi_out, p->alg.name);
	ikev2_sm_log_child_done(e, s, c, we_init);
out:
	ike_child_sa_wipe(c);
	return v;
}

/* Prepared pair @v carries our traffic from now on. */
static void
pair_activate(struct ikev2 *e, struct v2_sa *s, struct v2_child *v, const char *why)
{
	int rc;

	v->state = V2_CHILD_ACTIVE;
	rc = e->ops->child_activate(e->ops->ctx, &v->c);
	if (rc != 0) {
		pair_log(e, s, v, LOG_SEV_ERR, __func__,
		    "the SA installer cannot move the outbound SA to it");
		return;
	}
	log_debug(LOG_FAC_IKE,
	    "%s: Child SA %s %08" PRIx32 "_i %08" PRIx32 "_o: outbound moved (%s)", __func__,
	    child_name(e, v), v->c.spi_in, v->c.spi_out, why);
}

/* @old is replaced: we delete it (our Delete when the window allows; it goes once answered). */
static void
pair_retire(struct ikev2 *e, struct v2_sa *s, struct v2_child *old, const char *why)
{
	old->state = V2_CHILD_REKEYED;
	old->rekeying = false;
	old->prep_msgid = V2_DEL_QUEUED;
	if (s->n_del < V2_DEL_MAX)
		s->del_spis[s->n_del++] = old->c.spi_in;
	pair_log(e, s, old, LOG_SEV_INFO, __func__, why);
}

/* @old is replaced by the peer's rekey: the peer deletes it (we do after V2_PEER_DEL_NS). */
static void
pair_left_to_peer(struct ikev2 *e, struct v2_sa *s, struct v2_child *old, uint64_t now,
    const char *why)
{
	old->state = V2_CHILD_REKEYED;
	old->rekeying = false;
	old->prep_msgid = V2_DEL_BY_PEER;
	old->state_ns = now + V2_PEER_DEL_NS;
	pair_log(e, s, old, LOG_SEV_INFO, __func__, why);
}

static void children_move(struct ikev2 *e, struct v2_sa *from, struct v2_sa *to, uint64_t now);
static void ike_retire(struct v2_sa *s, bool we_delete, uint64_t now, const char *why);

/* ---- initiator ---- */

static void
cc_free(struct v2_cc *cc)
{
	if (cc == NULL)
		return;
	ike_crypto_dh_destroy(cc->dh);
	explicit_bzero(cc->ni, sizeof(cc->ni));
	free(cc);
}

/* Build and send @cc's request on @s (again after INVALID_KE_PAYLOAD: new DH, nonce, SPI). */
static int
cc_send(struct ikev2 *e, struct v2_sa *s, struct v2_cc *cc, uint64_t now)
{
	const struct config_child *ch;
	struct ikev2_sa_payload *offer = &e->sa_out;
	const struct v2_child *old = NULL;
	uint8_t ke[IKE_CRYPTO_DH_MAX], spi[4];
	uint64_t ispi;
	struct ike_buf ib;
	int kl = 0;

	ike_crypto_dh_destroy(cc->dh);
	cc->dh = NULL;
	if (cc->group != 0) {
		cc->dh = ike_crypto_dh_create(cc->group);
		kl = cc->dh != NULL ? ike_crypto_dh_public(cc->dh, ke, sizeof(ke)) : -EIO;
	}
	if (kl < 0 || ike_crypto_random(cc->ni, sizeof(cc->ni)) < 0)
		return -EIO;
	ike_payload_buf_init(&ib, e->ibuf, sizeof(e->ibuf));
	if (cc->kind == CC_IKE) {
		if (ike_sa_new_spi(&e->t, &ispi) != 0)
			return -EIO;
		put64(cc->spi, ispi);
		if (ikev2_prop_ike_offer(v2_conn(e, s), cc->spi, 8, offer) <= 0)
			return -EINVAL;
		ikev2_msg_build_sa(&ib, offer);
		ikev2_msg_build_nonce(&ib, cc->ni, sizeof(cc->ni));
		ikev2_msg_build_ke(&ib, cc->group, ke, (size_t)kl);
		return ikev2_sm_request(e, s, &ib, IKEV2_EXCH_CREATE_CHILD_SA, now);
	}
	ch = &e->cfg->children[cc->child];
	if (cc->kind == CC_REKEY && (old = pair_of(s, cc->old_spi)) == NULL)
		return -ENOENT;
	if (ike_crypto_random(cc->spi, 4) < 0)
		return -EIO;
	cc->spi[0] |= 0xc0; /* never a reserved SPI (RFC 4303 §2.1) */
	if (ikev2_prop_esp_offer(ch, cc->spi, true, offer) <= 0)
		return -EINVAL;
	if (old != NULL) {
		/* The same selectors as the pair rekeyed (§2.8). */
		if (ikev2_prop_ts_offer(old->c.local_ts, old->c.n_local_ts, &s->sa.local.a, NULL,
		        &cc->tsi) < 0 ||
		    ikev2_prop_ts_offer(old->c.remote_ts, old->c.n_remote_ts, &s->sa.remote.a, NULL,
		        &cc->tsr) < 0)
			return -EINVAL;
		cc->transport = old->c.mode == CONFIG_MODE_TRANSPORT;
		put32(spi, old->c.spi_in);
		ikev2_msg_build_notify(&ib, IKEV2_PROTO_ESP, spi, 4, IKEV2_N_REKEY_SA, NULL, 0);
	} else {
		if (ikev2_prop_ts_offer(ch->local_ts, ch->n_local_ts, &s->sa.local.a, NULL,
		        &cc->tsi) < 0 ||
		    ikev2_prop_ts_offer(ch->remote_ts, ch->n_remote_ts, &s->sa.remote.a, NULL,
		        &cc->tsr) < 0)
			return -EINVAL;
		cc->transport = ch->mode == CONFIG_MODE_TRANSPORT;
	}
	if (cc->transport)
		ikev2_msg_build_notify(&ib, 0, NULL, 0, IKEV2_N_USE_TRANSPORT_MODE, NULL, 0);
	ikev2_msg_build_sa(&ib, offer);
	ikev2_msg_build_nonce(&ib, cc->ni, sizeof(cc->ni));
	if (cc->group != 0)
		ikev2_msg_build_ke(&ib, cc->group, ke, (size_t)kl);
	ikev2_msg_build_ts(&ib, IKEV2_PL_TSI, &cc->tsi);
	ikev2_msg_build_ts(&ib, IKEV2_PL_TSR, &cc->tsr);
	return ikev2_sm_request(e, s, &ib, IKEV2_EXCH_CREATE_CHILD_SA, now);
}

/* Start a CREATE_CHILD_SA of @kind on @s: 0, -EBUSY while a request of ours is in flight, -errno. */
static int
cc_start(struct ikev2 *e, struct v2_sa *s, enum cc_kind kind, unsigned int child,
    struct v2_child *old, uint64_t now)
{
	const struct config_child *ch = kind == CC_IKE ? NULL : &e->cfg->children[child];
	struct v2_cc *cc;
	int rc;

	if (s->cc != NULL || s->req_busy || s->rekeyed || s->sa.state != IKE_SA_STATE_ESTABLISHED)
		return -EBUSY;
	cc = calloc(1, sizeof(*cc));
	if (cc == NULL)
		return -ENOMEM;
	cc->kind = kind;
	cc->child = child;
	cc->old_spi = old != NULL ? old->c.spi_in : 0;
	/* PFS: the first ESP proposal's group; the IKE SA's own for an IKE rekey. */
	cc->group = ch == NULL ? s->prop.dh : ch->n_esp_proposals > 0 ? ch->esp_proposals[0].dh : 0;
	rc = cc_send(e, s, cc, now);
	if (rc != 0) {
		cc_free(cc);
		/* Not again at every tick: as after a refusal. */
		if (old != NULL)
			old->rekey_ns = now + V2_RETRY_NS;
		else if (kind == CC_IKE)
			s->retry_ns = now + V2_RETRY_NS;
		else
			s->want &= ~(1u << (child - v2_conn(e, s)->first_child));
		if (kind == CC_NEW)
			V2_INC(e, child_failed);
		ikev2_sm_dbg(s, __func__, "CREATE_CHILD_SA request does not build");
		return rc;
	}
	s->cc = cc;
	if (old != NULL)
		old->rekeying = true;
	if (kind == CC_NEW)
		s->want &= ~(1u << (child - v2_conn(e, s)->first_child));
	log_debug(LOG_FAC_IKE,
	    "%s: IKE SA %016" PRIx64 "_i %016" PRIx64 "_r: CREATE_CHILD_SA %s%s%s", __func__,
	    s->sa.spi_i, s->sa.spi_r,
	    kind == CC_IKE       ? "rekeying the IKE SA" :
	        kind == CC_REKEY ? "rekeying Child SA " :
	                           "for Child SA ",
	    ch == NULL ? "" : ch->name, cc->group != 0 ? " with PFS" : "");
	return 0;
}

/* Our exchange failed: when to try again. */
static void
cc_failed(struct ikev2 *e, struct v2_sa *s, struct v2_cc *cc, uint64_t now, uint16_t notify,
    const char *why)
{
	struct v2_child *old = cc->kind == CC_REKEY ? pair_of(s, cc->old_spi) : NULL;
	uint64_t again = notify == IKEV2_N_TEMPORARY_FAILURE ?
	    now + V2_TEMP_FAIL_NS + jitter_ns(1) :
	    now + V2_RETRY_NS;
	struct log_corr corr;
	struct ike_sa *it;

	ikev2_sm_corr(s, &corr);
	log_text(LOG_FAC_IKE, notify == IKEV2_N_TEMPORARY_FAILURE ? LOG_SEV_DEBUG : LOG_SEV_WARN,
	    &corr, "%s: CREATE_CHILD_SA (%s%s) failed: %s", __func__,
	    cc->kind == CC_IKE       ? "IKE SA rekey" :
	        cc->kind == CC_REKEY ? "rekey of " :
	                               "",
	    cc->kind == CC_IKE ? "" : e->cfg->children[cc->child].name, why);
	if (notify == IKEV2_N_TEMPORARY_FAILURE)
		V2_INC(e, temporary_failures);
	switch (cc->kind) {
	case CC_IKE:
		if (notify != IKEV2_N_TEMPORARY_FAILURE)
			V2_INC(e, ike_rekey_failed);
		s->retry_ns = again;
		it = s->peer_new != 0 ? ike_sa_find_id(&e->t, s->peer_new) : NULL;
		s->peer_new = 0;
		if (it != NULL && it->version == 2 && it != &s->sa) {
			/* The peer's crossing rekey made it: that one stays. */
			V2_INC(e, ike_rekeys);
			children_move(e, s, (struct v2_sa *)it, now);
			ike_retire(s, false, now, "rekeyed by the peer: it deletes this one");
		}
		break;
	case CC_REKEY:
		if (notify != IKEV2_N_TEMPORARY_FAILURE)
			V2_INC(e, child_rekey_failed);
		if (old == NULL)
			break;
		old->rekeying = false;
		if (notify == IKEV2_N_CHILD_SA_NOT_FOUND) {
			/* The peer has no such pair: ours goes, a new one is made. */
			s->want |= 1u << (old->c.child - v2_conn(e, s)->first_child);
			ikev2_info_child_delete(e, s, pair_index(s, old), now);
			break;
		}
		if (old->peer_rekey != 0 && pair_of(s, old->peer_rekey) != NULL) {
			/* The peer's crossing rekey of it made a pair: that one takes over. */
			V2_INC(e, child_rekeys);
			pair_left_to_peer(e, s, old, now, "replaced by the peer's rekey");
			break;
		}
		if (old->state == V2_CHILD_ACTIVE)
			old->rekey_ns = again;
		break;
	case CC_NEW:
		V2_INC(e, child_failed);
		if (notify == IKEV2_N_TEMPORARY_FAILURE) {
			s->want |= 1u << (cc->child - v2_conn(e, s)->first_child);
			s->retry_ns = again;
		}
		break;
	}
}

/* A group of our ESP (or IKE) proposals. */
static bool
group_ours(const struct ikev2 *e, const struct v2_sa *s, const struct v2_cc *cc, uint16_t g)
{
	const struct config_connection *c = v2_conn(e, s);
	const struct config_child *ch;
	unsigned int i;

	if (g == 0)
		return false;
	if (cc->kind == CC_IKE) {
		for (i = 0; i < c->n_proposals; i++)
			if (c->proposals[i].dh == g)
				return true;
		return false;
	}
	ch = &e->cfg->children[cc->child];
	for (i = 0; i < ch->n_esp_proposals; i++)
		if (ch->esp_proposals[i].dh == g)
			return true;
	return false;
}

static bool
nonce_ok(const struct ikev2_msg *m)
{
	return m->nonce.p != NULL && m->nonce.len >= IKEV2_NONCE_MIN &&
	    m->nonce.len <= IKEV2_NONCE_MAX;
}

/* g^ir of @cc's DH and the peer's KE in e->m into @gir: its length, 0 without PFS, or -errno. */
static int
cc_shared(struct ikev2 *e, const struct v2_cc *cc, uint8_t *gir, size_t size)
{
	if (cc->group == 0)
		return e->m.has_ke ? -EINVAL : 0;
	if (!e->m.has_ke || e->m.ke.group != cc->group)
		return -EINVAL;
	return ike_crypto_dh_shared(cc->dh, e->m.ke.data, e->m.ke.len, gir, size);
}

/* The answer to our Child SA exchange @cc (no error notify): install, settle collisions. */
static void
cc_child_done(struct ikev2 *e, struct v2_sa *s, struct v2_cc *cc, uint64_t now)
{
	const struct config_child *ch = &e->cfg->children[cc->child];
	uint8_t gir[IKE_CRYPTO_DH_MAX], nmin[IKEV2_NONCE_MAX];
	struct v2_child *old = NULL, *peer = NULL, *v;
	struct v2_keymat_seed seed;
	struct ikev2_prop_esp esp;
	const char *why = "";
	size_t nmin_len;
	bool transport, lost;
	int gl;

	if (!e->m.has_sa || !nonce_ok(&e->m) || !e->m.has_tsi || !e->m.has_tsr) {
		V2_INC(e, dropped[IKE_DROP_MALFORMED]);
		cc_failed(e, s, cc, now, IKEV2_N_INVALID_SYNTAX, "SA, nonce or TS missing");
		return;
	}
	if (ikev2_prop_esp_check(&e->m.sa, ch, true, &esp, &why) != IKEV2_N_NONE ||
	    esp.dh != cc->group || ikev2_prop_ts_check(&cc->tsi, &e->m.tsi) != IKEV2_N_NONE ||
	    ikev2_prop_ts_check(&cc->tsr, &e->m.tsr) != IKEV2_N_NONE) {
		V2_INC(e, dropped[IKE_DROP_NO_PROPOSAL]);
		cc_failed(e, s, cc, now, IKEV2_N_NO_PROPOSAL_CHOSEN,
		    why[0] != '\0' ? why : "the answer is not one we offered");
		return;
	}
	gl = cc_shared(e, cc, gir, sizeof(gir));
	if (gl < 0) {
		V2_INC(e, dropped[IKE_DROP_MALFORMED]);
		cc_failed(e, s, cc, now, IKEV2_N_INVALID_SYNTAX, "KE payload missing or unusable");
		return;
	}
	seed = (struct v2_keymat_seed){ gl > 0 ? gir : NULL, (size_t)gl, cc->ni, e->m.nonce.p,
		sizeof(cc->ni), e->m.nonce.len };
	nonce_min(cc->ni, sizeof(cc->ni), e->m.nonce.p, e->m.nonce.len, nmin, &nmin_len);
	transport = cc->transport && ikev2_msg_notify_find(&e->m, IKEV2_N_USE_TRANSPORT_MODE);
	if (cc->kind == CC_REKEY) {
		old = pair_of(s, cc->old_spi);
		if (old != NULL)
			old->rekeying = false;
		peer = old != NULL ? pair_of(s, old->peer_rekey) : NULL;
	}
	/* §2.8.1: the pair of the exchange with the lowest nonce is redundant. */
	lost = peer != NULL && nonce_cmp(nmin, nmin_len, peer->nonce_min, peer->nonce_min_len) < 0;
	if (lost) {
		/* Never installed: the Delete of its SPI tells the peer, which prepared it. */
		V2_INC(e, collisions);
		V2_INC(e, child_rekeys);
		if (s->n_del < V2_DEL_MAX)
			s->del_spis[s->n_del++] = ike_get32(cc->spi);
		pair_log(e, s, old, LOG_SEV_INFO, __func__,
		    "rekey collision lost (lowest nonce): the peer's new pair replaces it");
		pair_left_to_peer(e, s, old, now, "replaced by the peer's rekey");
		goto out;
	}
	v = pair_install(e, s, cc->child, &esp, ike_get32(cc->spi), transport, &cc->tsi, &cc->tsr,
	    &seed, true, false, now);
	if (v == NULL) {
		/* The peer prepared it: it must go there too.  The old pair rekeys again soon. */
		if (s->n_del < V2_DEL_MAX)
			s->del_spis[s->n_del++] = ike_get32(cc->spi);
		if (old != NULL && old->state == V2_CHILD_ACTIVE)
			old->rekey_ns = now + V2_TEMP_FAIL_NS;
		goto out;
	}
	memcpy(v->nonce_min, nmin, nmin_len);
	v->nonce_min_len = nmin_len;
	if (old == NULL) {
		if (cc->kind == CC_REKEY)
			pair_log(e, s, v, LOG_SEV_WARN, __func__,
			    "the pair it rekeys went meanwhile: kept as a new one");
		goto out;
	}
	v->replaces = old->c.spi_in;
	V2_INC(e, child_rekeys);
	if (peer != NULL) {
		V2_INC(e, collisions);
		peer->state = V2_CHILD_REDUNDANT;
		peer->state_ns = now + V2_PEER_DEL_NS;
		pair_log(e, s, peer, LOG_SEV_INFO, __func__,
		    "rekey collision: the peer's new pair has the lowest nonce, the peer deletes it");
	}
	pair_retire(e, s, old, "rekeyed: deleted once the peer switched");
out:
	explicit_bzero(gir, sizeof(gir));
	ikev2_info_run_pending(e, s, now);
}

/* SK_* of a new IKE SA @n from the DH result of the rekey on @old (§2.18). */
static int
ike_keys(struct v2_sa *old, struct v2_sa *n, const uint8_t *gir, size_t gir_len)
{
	uint8_t seed[IKE_CRYPTO_PRF_MAX], si[8], sr[8];
	const struct ikev2_prop_ike *p = &n->prop;
	struct ikev2_crypt_keys *ki = n->sa.initiator ? &n->kout : &n->kin;
	struct ikev2_crypt_keys *kr = n->sa.initiator ? &n->kin : &n->kout;
	int sl, il, el, rc = -EIO;

	/* The old SA's PRF keys SKEYSEED, as strongSwan does; the new one's makes prf+. */
	sl = ike_crypto_v2_skeyseed_rekey(old->prop.prf, old->keys.sk_d, old->keys.prf_len, gir,
	    gir_len, n->ni, n->ni_len, n->nr, n->nr_len, seed, sizeof(seed));
	il = p->integ != 0 ? ike_crypto_integ_key_len(p->integ) : 0;
	el = ike_crypto_encr_key_len(p->encr, p->encr_bits);
	if (sl < 0 || il < 0 || el < 0)
		goto out;
	put64(si, n->sa.spi_i);
	put64(sr, n->sa.spi_r);
	if (ike_crypto_v2_keys_derive(p->prf, seed, (size_t)sl, n->ni, n->ni_len, n->nr, n->nr_len,
	        si, sr, (size_t)il, (size_t)el, &n->keys) < 0)
		goto out;
	rc = ikev2_crypt_keys_init(ki, p->encr, p->integ, n->keys.sk_ei, n->keys.encr_len,
	    n->keys.sk_ai, n->keys.integ_len);
	if (rc == 0)
		rc = ikev2_crypt_keys_init(kr, p->encr, p->integ, n->keys.sk_er, n->keys.encr_len,
		    n->keys.sk_ar, n->keys.integ_len);
	n->have_keys = rc == 0;
out:
	explicit_bzero(seed, sizeof(seed));
	return rc;
}

/*
 * A new IKE SA replacing @old, negotiated with @prop (@we_init: we
 * initiated the rekey, so we are its original initiator), SPIs @spi_i and
 * @spi_r, nonces Ni and Nr, DH result @gir.  Established, in the table,
 * without children; NULL on failure.
 */
static struct v2_sa *
ike_new(struct ikev2 *e, struct v2_sa *old, const struct ikev2_prop_ike *prop, bool we_init,
    uint64_t spi_i, uint64_t spi_r, const uint8_t *ni, size_t ni_len, const uint8_t *nr,
    size_t nr_len, const uint8_t *gir, size_t gir_len, uint64_t now)
{
	struct v2_sa *n = calloc(1, sizeof(*n));

	if (n == NULL)
		return NULL;
	n->sa.version = 2;
	n->sa.state = IKE_SA_STATE_ESTABLISHED;
	n->sa.initiator = we_init;
	n->sa.spi_i = spi_i;
	n->sa.spi_r = spi_r;
	n->sa.connection = old->sa.connection;
	n->sa.local = old->sa.local;
	n->sa.remote = old->sa.remote;
	n->child = old->child;
	n->prop = *prop;
	n->prop_ok = true;
	n->group = prop->dh;
	memcpy(n->ni, ni, ni_len);
	n->ni_len = ni_len;
	memcpy(n->nr, nr, nr_len);
	n->nr_len = nr_len;
	n->nat_local = old->nat_local;
	n->nat_remote = old->nat_remote;
	n->peer_frag = old->peer_frag;
	memcpy(n->hashes, old->hashes, sizeof(n->hashes));
	n->n_hashes = old->n_hashes;
	memcpy(n->peer_id, old->peer_id, sizeof(n->peer_id));
	n->last_rx_ns = n->last_tx_ns = now;
	nonce_min(ni, ni_len, nr, nr_len, n->nonce_min, &n->nonce_min_len);
	if (ike_keys(old, n, gir, gir_len) != 0) {
		ike_crypto_v2_keys_fini(&n->keys);
		ikev2_crypt_keys_fini(&n->kin);
		ikev2_crypt_keys_fini(&n->kout);
		free(n);
		return NULL;
	}
	ike_sa_insert(&e->t, &n->sa, now);
	ikev2_sm_peer_key(e, n);
	n->sa.established_ns = now;
	ike_timers(e, n, now);
	return n;
}

/*
 * The children of @from (all of them) go to @to (ops->child_move): the
 * entries themselves, so a struct v2_child * held stays valid.
 */
static void
children_move(struct ikev2 *e, struct v2_sa *from, struct v2_sa *to, uint64_t now)
{
	struct v2_child *v;
	unsigned int i;

	for (i = 0; i < from->n_children && ikev2_sm_child_reserve(to) == 0; i++) {
		v = from->children[i];
		to->children[to->n_children++] = v;
		v->c.ike_sa = to->sa.id;
		v->rekeying = false;
		/* Message IDs start again: any request on the new SA moves a prepared pair. */
		if (v->state == V2_CHILD_PREPARED)
			v->prep_msgid = -1;
		/* A Delete in flight on @from: its answer is not seen here, wait a little. */
		if (v->state == V2_CHILD_REKEYED && v->prep_msgid >= 0) {
			v->prep_msgid = V2_DEL_ANSWERED;
			v->state_ns = now + 3 * V2_GRACE_NS;
		}
		if (e->ops->child_move != NULL)
			e->ops->child_move(e->ops->ctx, &v->c);
	}
	/* What @to has no room for (V2_CHILDREN_MAX, ENOMEM) stays and goes with @from. */
	if (i < from->n_children)
		memmove(&from->children[0], &from->children[i],
		    (from->n_children - i) * sizeof(from->children[0]));
	from->n_children -= i;
	for (i = 0; i < from->n_del && to->n_del < V2_DEL_MAX; i++)
		to->del_spis[to->n_del++] = from->del_spis[i];
	from->n_del = 0;
	to->want |= from->want;
	from->want = 0;
}

/* IKE SA @s is replaced: @we_delete it now (when the window allows), else the peer does. */
static void
ike_retire(struct v2_sa *s, bool we_delete, uint64_t now, const char *why)
{
	struct log_corr corr;

	s->rekeyed = true;
	s->ike_del = we_delete ? 1 : 0;
	s->expire_ns = now + V2_PEER_DEL_NS;
	s->rekey_ns = 0;
	ikev2_sm_corr(s, &corr);
	log_text(LOG_FAC_IKE, LOG_SEV_INFO, &corr,
	    "%s: IKE SA %016" PRIx64 "_i %016" PRIx64 "_r: %s", __func__, s->sa.spi_i, s->sa.spi_r,
	    why);
}

static void
log_ike_rekeyed(const struct v2_sa *old, const struct v2_sa *n)
{
	struct log_corr corr;

	ikev2_sm_corr(n, &corr);
	log_text(LOG_FAC_IKE, LOG_SEV_INFO, &corr,
	    "IKE SA %016" PRIx64 "_i %016" PRIx64 "_r rekeyed: now %016" PRIx64 "_i %016" PRIx64
	    "_r (%s), %u Child SAs moved",
	    old->sa.spi_i, old->sa.spi_r, n->sa.spi_i, n->sa.spi_r,
	    n->sa.initiator ? "initiator" : "responder", n->n_children);
}

/* The answer to our IKE SA rekey @cc (no error notify). */
static void
cc_ike_done(struct ikev2 *e, struct v2_sa *s, struct v2_cc *cc, uint64_t now)
{
	struct ikev2_prop_ike prop;
	uint8_t gir[IKE_CRYPTO_DH_MAX];
	struct v2_sa *n, *peer = NULL;
	struct ike_sa *it;
	const char *why = "";
	int gl;

	if (!e->m.has_sa || !e->m.has_ke || !nonce_ok(&e->m)) {
		V2_INC(e, dropped[IKE_DROP_MALFORMED]);
		cc_failed(e, s, cc, now, IKEV2_N_INVALID_SYNTAX, "SA, KE or nonce missing");
		return;
	}
	if (ikev2_prop_ike_check(&e->m.sa, v2_conn(e, s), 8, &prop, &why) != IKEV2_N_NONE ||
	    prop.dh != cc->group || e->m.sa.p[0].spi_len != 8 || ike_get64(e->m.sa.p[0].spi) == 0) {
		V2_INC(e, dropped[IKE_DROP_NO_PROPOSAL]);
		cc_failed(e, s, cc, now, IKEV2_N_NO_PROPOSAL_CHOSEN,
		    why[0] != '\0' ? why : "the answer is not one we offered");
		return;
	}
	gl = cc_shared(e, cc, gir, sizeof(gir));
	n = gl > 0 ?
	    ike_new(e, s, &prop, true, ike_get64(cc->spi), ike_get64(e->m.sa.p[0].spi), cc->ni,
	        sizeof(cc->ni), e->m.nonce.p, e->m.nonce.len, gir, (size_t)gl, now) :
	    NULL;
	explicit_bzero(gir, sizeof(gir));
	if (n == NULL) {
		V2_INC(e, dropped[IKE_DROP_INTERNAL]);
		cc_failed(e, s, cc, now, IKEV2_N_INVALID_SYNTAX, "the new IKE SA's keys");
		return;
	}
	it = s->peer_new != 0 ? ike_sa_find_id(&e->t, s->peer_new) : NULL;
	if (it != NULL && it->version == 2 && it != &s->sa)
		peer = (struct v2_sa *)it;
	s->peer_new = 0;
	V2_INC(e, ike_rekeys);
	if (peer != NULL &&
	    nonce_cmp(n->nonce_min, n->nonce_min_len, peer->nonce_min, peer->nonce_min_len) < 0) {
		/* §2.8.2: ours is redundant: we delete it, the peer deletes the old one. */
		V2_INC(e, collisions);
		children_move(e, s, peer, now);
		log_ike_rekeyed(s, peer);
		ike_retire(n, true, now, "IKE SA rekey collision lost (lowest nonce): deleted");
		ike_retire(s, false, now, "rekeyed by the peer: it deletes this one");
		return;
	}
	if (peer != NULL) {
		V2_INC(e, collisions);
		children_move(e, peer, n, now);
		ike_retire(peer, false, now,
		    "IKE SA rekey collision: the peer's new SA has the lowest nonce, the peer deletes it");
	}
	children_move(e, s, n, now);
	log_ike_rekeyed(s, n);
	ike_retire(s, true, now, "rekeyed: deleted");
}

void
ikev2_child_response(struct ikev2 *e, struct v2_sa *s, uint64_t now)
{
	struct v2_cc *cc = s->cc;
	const struct ikev2_notification *nt;
	struct v2_child *old;
	unsigned int i;
	uint16_t g;

	s->req_busy = false;
	if (cc == NULL) {
		V2_INC(e, dropped[IKE_DROP_STATE]);
		return;
	}
	s->cc = NULL;
	for (i = 0; i < e->m.n_notifies; i++) {
		nt = &e->m.notifies[i];
		if (nt->type == 0 || nt->type >= 16384)
			continue;
		g = nt->data_len == 2 ? ike_get16(nt->data) : 0;
		if (nt->type == IKEV2_N_INVALID_KE_PAYLOAD && !cc->ke_retried && g != cc->group &&
		    group_ours(e, s, cc, g)) {
			/* §1.3: again, once, with the group the peer asked for. */
			cc->ke_retried = true;
			cc->group = g;
			V2_INC(e, invalid_ke_retries);
			if (cc_send(e, s, cc, now) == 0) {
				s->cc = cc;
				old = cc->kind == CC_REKEY ? pair_of(s, cc->old_spi) : NULL;
				if (old != NULL)
					old->rekeying = true;
				return;
			}
		}
		cc_failed(e, s, cc, now, nt->type, ikev2_msg_notify_name(nt->type));
		goto out;
	}
	if (cc->kind == CC_IKE)
		cc_ike_done(e, s, cc, now);
	else
		cc_child_done(e, s, cc, now);
out:
	cc_free(cc);
}

/* ---- responder ---- */

/* A protected answer holding notify @type (with @spi of protocol ESP, or @data). */
static void
answer(struct ikev2 *e, struct v2_sa *s, const uint8_t *in, size_t in_len, uint16_t type,
    const uint8_t *spi, const uint8_t *data, size_t len)
{
	struct ike_buf ib;

	ike_payload_buf_init(&ib, e->ibuf, sizeof(e->ibuf));
	ikev2_msg_build_notify(&ib, spi != NULL ? IKEV2_PROTO_ESP : 0, spi, spi != NULL ? 4 : 0,
	    type, data, len);
	V2_INC(e, notifies_sent);
	if (type == IKEV2_N_TEMPORARY_FAILURE)
		V2_INC(e, temporary_failures);
	if (ikev2_sm_reply(e, s, &ib, IKEV2_EXCH_CREATE_CHILD_SA, e->m.hdr.msgid, in, in_len) != 0)
		V2_INC(e, dropped[IKE_DROP_INTERNAL]);
}

static void
answer_ke(struct ikev2 *e, struct v2_sa *s, const uint8_t *in, size_t in_len, uint16_t want)
{
	uint8_t g[2] = { (uint8_t)(want >> 8), (uint8_t)want };

	V2_INC(e, invalid_ke_sent);
	answer(e, s, in, in_len, IKEV2_N_INVALID_KE_PAYLOAD, NULL, g, 2);
}

/* Our DH for @group and g^ir with the peer's KE in e->m: the public value's length, or -errno. */
static int
resp_dh(struct ikev2 *e, uint16_t group, uint8_t *ke, size_t ke_size, uint8_t *gir, size_t *gl)
{
	struct ike_crypto_dh *dh;
	int kl, n;

	if (ike_crypto_dh_public_len(group) != (int)e->m.ke.len)
		return -EINVAL;
	dh = ike_crypto_dh_create(group);
	kl = dh != NULL ? ike_crypto_dh_public(dh, ke, ke_size) : -EIO;
	n = kl >= 0 ? ike_crypto_dh_shared(dh, e->m.ke.data, e->m.ke.len, gir, IKE_CRYPTO_DH_MAX) :
	              kl;
	ike_crypto_dh_destroy(dh);
	if (n < 0)
		return n;
	*gl = (size_t)n;
	return kl;
}

/* The peer rekeys the IKE SA (SA proposals of protocol IKE). */
static void
req_ike(struct ikev2 *e, struct v2_sa *s, uint64_t now, const uint8_t *in, size_t in_len)
{
	struct ikev2_sa_payload *ans = &e->sa_out;
	uint8_t ke[IKE_CRYPTO_DH_MAX], gir[IKE_CRYPTO_DH_MAX], nr[V2_NONCE_LEN];
	struct ikev2_prop_ike prop;
	struct ike_buf ib;
	struct v2_sa *n;
	uint64_t spi_r;
	uint16_t want = 0;
	const char *why = "";
	enum ikev2_notify rc;
	size_t gl = 0;
	int kl;

	/* §2.25.2: not while our Child SA exchange is in flight (strongSwan does the same). */
	if (s->cc != NULL && s->cc->kind != CC_IKE) {
		answer(e, s, in, in_len, IKEV2_N_TEMPORARY_FAILURE, NULL, NULL, 0);
		return;
	}
	if (!e->m.has_ke) {
		V2_INC(e, dropped[IKE_DROP_MALFORMED]);
		answer(e, s, in, in_len, IKEV2_N_INVALID_SYNTAX, NULL, NULL, 0);
		return;
	}
	ans->n = 1;
	rc = ikev2_prop_ike_select(&e->m.sa, v2_conn(e, s), false, 8, e->m.ke.group, &prop,
	    &ans->p[0], &want, &why);
	if (rc == IKEV2_N_INVALID_KE_PAYLOAD) {
		answer_ke(e, s, in, in_len, want);
		return;
	}
	if (rc != IKEV2_N_NONE) {
		log_debug(LOG_FAC_IKE, "%s: IKE SA rekey: no proposal chosen: %s", __func__, why);
		V2_INC(e, dropped[IKE_DROP_NO_PROPOSAL]);
		answer(e, s, in, in_len, rc, NULL, NULL, 0);
		return;
	}
	kl = resp_dh(e, prop.dh, ke, sizeof(ke), gir, &gl);
	if (kl < 0 || ike_crypto_random(nr, sizeof(nr)) < 0 || ike_sa_new_spi(&e->t, &spi_r) != 0) {
		V2_INC(e, dropped[kl == -EINVAL ? IKE_DROP_MALFORMED : IKE_DROP_INTERNAL]);
		answer(e, s, in, in_len,
		    kl == -EINVAL ? IKEV2_N_INVALID_SYNTAX : IKEV2_N_NO_PROPOSAL_CHOSEN, NULL, NULL,
		    0);
		goto out;
	}
	n = ike_new(e, s, &prop, false, ike_get64(ans->p[0].spi), spi_r, e->m.nonce.p,
	    e->m.nonce.len, nr, sizeof(nr), gir, gl, now);
	if (n == NULL) {
		V2_INC(e, dropped[IKE_DROP_INTERNAL]);
		answer(e, s, in, in_len, IKEV2_N_NO_PROPOSAL_CHOSEN, NULL, NULL, 0);
		goto out;
	}
	put64(ans->p[0].spi, spi_r);
	ans->p[0].spi_len = 8;
	ike_payload_buf_init(&ib, e->ibuf, sizeof(e->ibuf));
	ikev2_msg_build_sa(&ib, ans);
	ikev2_msg_build_nonce(&ib, nr, sizeof(nr));
	ikev2_msg_build_ke(&ib, prop.dh, ke, (size_t)kl);
	if (ikev2_sm_reply(e, s, &ib, IKEV2_EXCH_CREATE_CHILD_SA, e->m.hdr.msgid, in, in_len) !=
	    0) {
		V2_INC(e, dropped[IKE_DROP_INTERNAL]);
		ike_sa_set_state(&e->t, &n->sa, IKE_SA_STATE_DELETING, now);
		ikev2_sm_sa_free(e, n);
		goto out;
	}
	if (s->cc != NULL) {
		/* Ours crosses it (§2.8.2): settled when our answer comes. */
		s->peer_new = n->sa.id;
		goto out;
	}
	V2_INC(e, ike_rekeys);
	children_move(e, s, n, now);
	log_ike_rekeyed(s, n);
	ike_retire(s, false, now, "rekeyed by the peer: it deletes this one");
out:
	explicit_bzero(gir, sizeof(gir));
	explicit_bzero(nr, sizeof(nr));
}

/* The peer asks for a new Child SA or rekeys one (@rk: its REKEY_SA notify). */
static void
req_child(struct ikev2 *e, struct v2_sa *s, uint64_t now, const uint8_t *in, size_t in_len,
    const struct ikev2_notification *rk)
{
	const struct config_connection *c = v2_conn(e, s);
	const struct config_child *ch = NULL;
	static struct ikev2_ts_payload tsi, tsr;
	struct ikev2_sa_payload *ans = &e->sa_out;
	uint8_t ke[IKE_CRYPTO_DH_MAX], gir[IKE_CRYPTO_DH_MAX], nr[V2_NONCE_LEN], spi[4];
	struct v2_child *old = NULL, *v;
	struct v2_keymat_seed seed;
	struct ikev2_prop_esp esp = { 0 };
	struct ike_buf ib;
	uint16_t want = 0;
	const char *why = "";
	enum ikev2_notify err = IKEV2_N_TS_UNACCEPTABLE, rc;
	unsigned int i, first, last;
	bool transport, found = false;
	size_t gl = 0;
	int kl = 0, k;

	if (s->cc != NULL && s->cc->kind == CC_IKE) {
		answer(e, s, in, in_len, IKEV2_N_TEMPORARY_FAILURE, NULL, NULL, 0);
		return;
	}
	if (!e->m.has_tsi || !e->m.has_tsr) {
		V2_INC(e, dropped[IKE_DROP_MALFORMED]);
		answer(e, s, in, in_len, IKEV2_N_INVALID_SYNTAX, NULL, NULL, 0);
		return;
	}
	first = c->first_child;
	last = c->first_child + c->n_children;
	if (rk != NULL) {
		k = rk->proto == IKEV2_PROTO_ESP && rk->spi_len == 4 ?
		    ikev2_sm_child_find(s, ike_get32(rk->spi), false) :
		    -1;
		if (k < 0) {
			V2_INC(e, child_not_found);
			answer(e, s, in, in_len, IKEV2_N_CHILD_SA_NOT_FOUND,
			    rk->spi_len == 4 ? rk->spi : NULL, NULL, 0);
			return;
		}
		old = s->children[k];
		if (old->state == V2_CHILD_REKEYED || old->state == V2_CHILD_REDUNDANT) {
			/* §2.25.1: we are deleting it. */
			answer(e, s, in, in_len, IKEV2_N_TEMPORARY_FAILURE, NULL, NULL, 0);
			return;
		}
		first = old->c.child;
		last = first + 1;
	}
	if (ikev2_sm_child_reserve(s) != 0) {
		answer(e, s, in, in_len, IKEV2_N_NO_ADDITIONAL_SAS, NULL, NULL, 0);
		return;
	}
	for (i = first; i < last; i++) {
		ch = &e->cfg->children[i];
		if (ikev2_prop_ts_narrow(&e->m.tsi, ch->remote_ts, ch->n_remote_ts, &s->sa.remote.a,
		        &tsi) != IKEV2_N_NONE ||
		    ikev2_prop_ts_narrow(&e->m.tsr, ch->local_ts, ch->n_local_ts, &s->sa.local.a,
		        &tsr) != IKEV2_N_NONE)
			continue;
		ans->n = 1;
		rc = ikev2_prop_esp_select(&e->m.sa, ch, false, true,
		    e->m.has_ke ? e->m.ke.group : 0, &esp, &ans->p[0], &want, &why);
		if (rc == IKEV2_N_NONE && esp.dh == 0 && e->m.has_ke) {
			rc = IKEV2_N_NO_PROPOSAL_CHOSEN;
			why = "a KE payload with a proposal without DH group";
		}
		if (rc == IKEV2_N_INVALID_KE_PAYLOAD) {
			answer_ke(e, s, in, in_len, want);
			return;
		}
		if (rc != IKEV2_N_NONE) {
			err = rc;
			continue;
		}
		found = true;
		break;
	}
	if (!found || ch == NULL) {
		log_debug(LOG_FAC_IKE, "%s: no Child SA for %s: %s", __func__, c->name,
		    why[0] != '\0' ? why : "traffic selectors unacceptable");
		V2_INC(e, child_failed);
		V2_INC(e, dropped[IKE_DROP_NO_PROPOSAL]);
		answer(e, s, in, in_len, err, NULL, NULL, 0);
		return;
	}
	if (esp.dh != 0) {
		kl = resp_dh(e, esp.dh, ke, sizeof(ke), gir, &gl);
		if (kl < 0) {
			V2_INC(e, dropped[kl == -EINVAL ? IKE_DROP_MALFORMED : IKE_DROP_INTERNAL]);
			answer(e, s, in, in_len,
			    kl == -EINVAL ? IKEV2_N_INVALID_SYNTAX : IKEV2_N_NO_PROPOSAL_CHOSEN,
			    NULL, NULL, 0);
			goto out;
		}
	}
	if (ike_crypto_random(spi, 4) < 0 || ike_crypto_random(nr, sizeof(nr)) < 0) {
		V2_INC(e, dropped[IKE_DROP_INTERNAL]);
		goto out;
	}
	spi[0] |= 0xc0;
	transport = ch->mode == CONFIG_MODE_TRANSPORT &&
	    ikev2_msg_notify_find(&e->m, IKEV2_N_USE_TRANSPORT_MODE) != NULL;
	seed = (struct v2_keymat_seed){ gl > 0 ? gir : NULL, gl, e->m.nonce.p, nr, e->m.nonce.len,
		sizeof(nr) };
	v = pair_install(e, s, i, &esp, ike_get32(spi), transport, &tsr, &tsi, &seed, false, true,
	    now);
	if (v == NULL) {
		answer(e, s, in, in_len, IKEV2_N_NO_ADDITIONAL_SAS, NULL, NULL, 0);
		goto out;
	}
	nonce_min(e->m.nonce.p, e->m.nonce.len, nr, sizeof(nr), v->nonce_min, &v->nonce_min_len);
	v->prep_msgid = (int64_t)e->m.hdr.msgid;
	v->state_ns = now + 2 * (uint64_t)e->cfg->ike.retransmit_timeout * 1000000ull;
	memcpy(ans->p[0].spi, spi, 4);
	ans->p[0].spi_len = 4;
	ike_payload_buf_init(&ib, e->ibuf, sizeof(e->ibuf));
	if (transport)
		ikev2_msg_build_notify(&ib, 0, NULL, 0, IKEV2_N_USE_TRANSPORT_MODE, NULL, 0);
	ikev2_msg_build_sa(&ib, ans);
	ikev2_msg_build_nonce(&ib, nr, sizeof(nr));
	if (esp.dh != 0)
		ikev2_msg_build_ke(&ib, esp.dh, ke, (size_t)kl);
	ikev2_msg_build_ts(&ib, IKEV2_PL_TSI, &tsi);
	ikev2_msg_build_ts(&ib, IKEV2_PL_TSR, &tsr);
	if (ikev2_sm_reply(e, s, &ib, IKEV2_EXCH_CREATE_CHILD_SA, e->m.hdr.msgid, in, in_len) !=
	    0) {
		V2_INC(e, dropped[IKE_DROP_INTERNAL]);
		ikev2_sm_child_remove(e, s, pair_index(s, v));
		goto out;
	}
	if (old == NULL) {
		/*
		 * A new Child SA: no older pair carries the traffic meanwhile,
		 * so sending at once loses less than waiting for the initiator.
		 */
		s->want &= ~(1u << (i - c->first_child));
		if (v->state == V2_CHILD_PREPARED)
			pair_activate(e, s, v, "a new Child SA, answer sent");
		goto out;
	}
	/* pair_install() appended @v: @old stays where it was. */
	v->replaces = old->c.spi_in;
	if (old->rekeying) {
		/* §2.8.1: ours crosses it; settled when our answer comes. */
		old->peer_rekey = v->c.spi_in;
		goto out;
	}
	V2_INC(e, child_rekeys);
	pair_left_to_peer(e, s, old, now, "rekeyed by the peer");
out:
	explicit_bzero(gir, sizeof(gir));
	explicit_bzero(nr, sizeof(nr));
}

void
ikev2_child_request(struct ikev2 *e, struct v2_sa *s, uint64_t now, const uint8_t *in,
    size_t in_len)
{
	const struct ikev2_notification *rk;

	if (s->sa.state != IKE_SA_STATE_ESTABLISHED || s->rekeyed) {
		/* §2.25: an SA being deleted (or not up yet) takes no new exchange. */
		answer(e, s, in, in_len, IKEV2_N_TEMPORARY_FAILURE, NULL, NULL, 0);
		return;
	}
	if (!e->m.has_sa || e->m.sa.n == 0 || !nonce_ok(&e->m)) {
		V2_INC(e, dropped[IKE_DROP_MALFORMED]);
		answer(e, s, in, in_len, IKEV2_N_INVALID_SYNTAX, NULL, NULL, 0);
		return;
	}
	rk = ikev2_msg_notify_find(&e->m, IKEV2_N_REKEY_SA);
	if (rk == NULL && e->m.sa.p[0].proto == IKEV2_PROTO_IKE)
		req_ike(e, s, now, in, in_len);
	else
		req_child(e, s, now, in, in_len, rk);
}

void
ikev2_child_peer_request(struct ikev2 *e, struct v2_sa *s, uint32_t msgid, uint64_t now)
{
	struct v2_child *v;
	unsigned int i;

	(void)now;
	for (i = 0; i < s->n_children; i++) {
		v = s->children[i];
		if (v->state == V2_CHILD_PREPARED && (int64_t)msgid > v->prep_msgid)
			pair_activate(e, s, v, "the peer has the pair: its next request came");
	}
}

/* ---- timers ---- */

/* A replaced pair whose Delete we sent: may it go? */
static bool
retired_gone(struct v2_sa *s, struct v2_child *v, uint64_t now)
{
	unsigned int i;

	if (v->prep_msgid == V2_DEL_BY_PEER)
		return false;
	for (i = 0; i < s->n_del; i++)
		if (s->del_spis[i] == v->c.spi_in)
			return false; /* not sent yet */
	if (v->prep_msgid == V2_DEL_QUEUED) {
		if (s->req_busy && s->req_exch == IKEV2_EXCH_INFORMATIONAL) {
			v->prep_msgid = (int64_t)s->msgid_next - 1;
			return false;
		}
		v->prep_msgid = V2_DEL_ANSWERED;
		v->state_ns = now + V2_GRACE_NS;
		return false;
	}
	if (v->prep_msgid >= 0) {
		if (s->req_busy && (int64_t)s->msgid_next - 1 == v->prep_msgid)
			return false;
		v->prep_msgid = V2_DEL_ANSWERED;
		v->state_ns = now + V2_GRACE_NS;
		return false;
	}
	return now >= v->state_ns;
}

/* Children of @s: lifetimes, outbound moves, retired pairs, rekeys. */
static void
children_tick(struct ikev2 *e, struct v2_sa *s, uint64_t now)
{
	struct v2_child *v;
	unsigned int i = 0, k;

	while (i < s->n_children) {
		v = s->children[i];
		if (!v->timed)
			pair_timers(e, v, v->installed_ns != 0 ? v->installed_ns : now);
		if (v->expire_ns != 0 && now >= v->expire_ns) {
			/* A newer pair waiting for its outbound takes the traffic now. */
			for (k = 0; k < s->n_children; k++)
				if (s->children[k]->state == V2_CHILD_PREPARED &&
				    s->children[k]->replaces == v->c.spi_in)
					pair_activate(e, s, s->children[k], "the old pair expired");
			V2_INC(e, child_hard_expired);
			pair_log(e, s, v, LOG_SEV_WARN, __func__,
			    v->state == V2_CHILD_ACTIVE ?
			        "life_time reached before a rekey: removed" :
			        "life_time reached: removed");
			ikev2_info_child_delete(e, s, i, now);
			continue;
		}
		switch (v->state) {
		case V2_CHILD_PREPARED:
			if (now >= v->state_ns)
				pair_activate(e, s, v, "waited long enough");
			else if (v->replaces != 0 && pair_of(s, v->replaces) == NULL)
				pair_activate(e, s, v, "the pair it replaces went");
			break;
		case V2_CHILD_REKEYED:
			if (retired_gone(s, v, now)) {
				pair_log(e, s, v, LOG_SEV_INFO, __func__, "replaced: removed");
				ikev2_sm_child_remove(e, s, i);
				continue;
			}
			if (v->prep_msgid == V2_DEL_BY_PEER && now >= v->state_ns) {
				pair_log(e, s, v, LOG_SEV_WARN, __func__,
				    "replaced, the peer did not delete it: we do");
				ikev2_info_child_delete(e, s, i, now);
				continue;
			}
			break;
		case V2_CHILD_REDUNDANT:
			if (now >= v->state_ns) {
				pair_log(e, s, v, LOG_SEV_WARN, __func__,
				    "redundant, the peer did not delete it: we do");
				ikev2_info_child_delete(e, s, i, now);
				continue;
			}
			break;
		default:
			if (v->rekey_ns != 0 && now >= v->rekey_ns && !v->rekeying &&
			    s->cc == NULL && now >= s->retry_ns &&
			    cc_start(e, s, CC_REKEY, v->c.child, v, now) == 0)
				V2_INC(e, child_rekeys_started);
			break;
		}
		i++;
	}
}

/* A Delete of replaced IKE SA @s as a request; once answered it goes.  True when freed. */
static bool
old_ike_tick(struct ikev2 *e, struct v2_sa *s, uint64_t now)
{
	struct log_corr corr;
	struct ike_buf ib;
	char peer[64];

	if (s->ike_del == 0 && now >= s->expire_ns)
		s->ike_del = 1;
	if (s->ike_del == 2 && !s->req_busy) {
		ikev2_sm_dbg(s, __func__, "replaced IKE SA deleted");
		ike_sa_set_state(&e->t, &s->sa, IKE_SA_STATE_DELETING, now);
		ikev2_sm_sa_free(e, s);
		return true;
	}
	if (s->ike_del != 1 || s->req_busy)
		return false;
	/* Children left (a move that did not fit) go with it. */
	while (s->n_children > 0)
		ikev2_sm_child_remove(e, s, s->n_children - 1);
	s->n_del = 0;
	ike_payload_buf_init(&ib, e->ibuf, sizeof(e->ibuf));
	ikev2_msg_build_delete(&ib, IKEV2_PROTO_IKE, 0, NULL, 0);
	if (ikev2_sm_request(e, s, &ib, IKEV2_EXCH_INFORMATIONAL, now) != 0)
		return false;
	V2_INC(e, deletes_sent);
	ikev2_sm_corr(s, &corr);
	log_event(LOG_MSG_DELETE_SENT, &corr,
	    "protocol=ike spis=%016" PRIx64 "/%016" PRIx64 " peer=%s version=2", s->sa.spi_i,
	    s->sa.spi_r, config_addr_format(&s->sa.remote.a, peer, sizeof(peer)));
	s->ike_del = 2;
	ikev2_sm_dbg(s, __func__, "Delete of the replaced IKE SA sent");
	return false;
}

/* Transitional children (a rekey half done) or deletes waiting: an IKE rekey waits. */
static bool
children_settled(const struct v2_sa *s)
{
	unsigned int i;

	if (s->n_del > 0)
		return false;
	for (i = 0; i < s->n_children; i++)
		if (s->children[i]->state != V2_CHILD_ACTIVE || s->children[i]->rekeying)
			return false;
	return true;
}

void
ikev2_child_tick(struct ikev2 *e, struct v2_sa *s, uint64_t now)
{
	const struct config_connection *c = v2_conn(e, s);
	unsigned int i;

	if (s->sa.state != IKE_SA_STATE_ESTABLISHED || !s->have_keys)
		return;
	if (s->rekeyed) {
		(void)old_ike_tick(e, s, now);
		return;
	}
	if (!s->timed)
		ike_timers(e, s, s->sa.established_ns != 0 ? s->sa.established_ns : now);
	children_tick(e, s, now);
	if (s->expire_ns != 0 && now >= s->expire_ns) {
		/* The Delete of the IKE SA takes its Child SAs along (§1.4.1). */
		V2_INC(e, ike_expired);
		while (s->n_children > 0)
			ikev2_sm_child_remove(e, s, s->n_children - 1);
		s->n_del = 0;
		ike_retire(s, true, now, "over_time passed without a rekey: deleted");
		return;
	}
	if (s->cc != NULL || s->req_busy || now < s->retry_ns)
		return;
	if (s->rekey_ns != 0 && now >= s->rekey_ns) {
		if (children_settled(s) && cc_start(e, s, CC_IKE, c->first_child, NULL, now) == 0)
			V2_INC(e, ike_rekeys_started);
		return;
	}
	for (i = 0; i < c->n_children && i < 32 && s->cc == NULL; i++)
		if ((s->want & (1u << i)) != 0)
			(void)cc_start(e, s, CC_NEW, c->first_child + i, NULL, now);
}

void
ikev2_child_soft_expired(struct ikev2 *e, struct v2_sa *s, unsigned int i, uint64_t now)
{
	struct v2_child *v;

	if (i >= s->n_children)
		return;
	v = s->children[i];
	if (v->state != V2_CHILD_ACTIVE || v->rekeying)
		return;
	/* Now, or at the next tick when the window is busy. */
	v->rekey_ns = now;
	if (cc_start(e, s, CC_REKEY, v->c.child, v, now) == 0)
		V2_INC(e, child_rekeys_started);
}

void
ikev2_child_want(struct ikev2 *e, struct v2_sa *s, unsigned int child)
{
	const struct config_connection *c = v2_conn(e, s);
	unsigned int i;

	if (child < c->first_child || child >= c->first_child + c->n_children ||
	    child - c->first_child >= 32 || s->rekeyed)
		return;
	if (s->sa.state == IKE_SA_STATE_CONNECTING && s->child == child)
		return;
	for (i = 0; i < s->n_children; i++)
		if (s->children[i]->c.child == child)
			return;
	if (s->cc != NULL && s->cc->kind == CC_NEW && s->cc->child == child)
		return;
	s->want |= 1u << (child - c->first_child);
}

void
ikev2_child_sa_fini(struct v2_sa *s)
{
	cc_free(s->cc);
	s->cc = NULL;
}
