/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ikev1_qm.c: IKEv1 quick mode (RFC 2409 §5.5): phase-2 ESP SA pairs. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "common/log.h"
#include "slowpath/ike/ike_child.h"
#include "slowpath/ike/ike_crypto.h"
#include "slowpath/ike/ike_payload.h"
#include "slowpath/ike/ikev1_crypt.h"
#include "slowpath/ike/ikev1_msg.h"
#include "slowpath/ike/ikev1_prop.h"
#include "slowpath/ike/ikev1_sm.h"

/*
 * Quick mode (RFC 2409 §5.5), under the phase-1 SA's encryption:
 *
 *   Initiator                             Responder
 *   HDR*, HASH(1), SA, Ni [, KE] [, IDci, IDcr] [, NAT-OAi, NAT-OAr]  -->
 *                  <--  HDR*, HASH(2), SA, Nr [, KE] [, IDci, IDcr] [, NAT-OA...]
 *   HDR*, HASH(3)  -->
 *
 *   HASH(1) = prf(SKEYID_a, M-ID | SA | Ni [ | KE ] [ | IDci | IDcr ])
 *   HASH(2) = prf(SKEYID_a, M-ID | Ni_b | SA | Nr [ | KE ] [ | IDci | IDcr ])
 *   HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b)
 *
 * (the hashed part of the first two is every payload after the HASH, as
 * sent).  KEYMAT per direction: prf(SKEYID_d, [g(qm)^xy |] protocol | SPI
 * | Ni_b | Nr_b), expanded (§5.5); the SPI is the receiver's choice, so
 * our inbound key uses our SPI.  The initiator installs after QM3, the
 * responder when QM3 arrives; the responder retransmits QM2 until then.
 */

#define TS_ID_DATA 32

/* The HASH payload is built first and filled once what follows it is known. */
static const uint8_t hash_zero[IKE_CRYPTO_PRF_MAX];

static struct v1_qm *
qm_find(const struct v1_sa *s, uint32_t msgid)
{
	struct v1_qm *q;

	for (q = s->qms; q != NULL; q = q->next)
		if (q->msgid == msgid)
			return q;
	return NULL;
}

static void
qm_unlink(struct v1_sa *s, struct v1_qm *q)
{
	struct v1_qm **pp;

	for (pp = &s->qms; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == q) {
			*pp = q->next;
			return;
		}
	}
}

void
ikev1_qm_free(struct v1_qm *q)
{
	ike_crypto_dh_destroy(q->dh);
	explicit_bzero(q->gqm, sizeof(q->gqm));
	ikev1_sm_xmit_fini(&q->x);
	free(q);
}

bool
ikev1_qm_busy(const struct v1_sa *s, unsigned int child)
{
	const struct v1_child *c;
	const struct v1_qm *q;

	for (c = s->children; c != NULL; c = c->next)
		if (c->c.child == child)
			return true;
	for (q = s->qms; q != NULL; q = q->next)
		if (q->child == child && q->st != V1_QM_DONE)
			return true;
	return false;
}

static void
qm_corr(const struct v1_sa *s, const struct v1_qm *q, struct log_corr *corr)
{
	ikev1_sm_corr(s, corr);
	corr->ipsec_spi = q->spi_in;
}

/* The installed pair with our SPI @spi_in, on any SA (a reauthentication may have moved it). */
static struct v1_child *
pair_find(struct ikev1 *e, uint32_t spi_in)
{
	struct ike_sa *sa;
	struct v1_child *c;

	for (sa = e->t.head; sa != NULL; sa = sa->next)
		for (c = v1_sa_of(sa)->children; c != NULL; c = c->next)
			if (c->c.spi_in == spi_in)
				return c;
	return NULL;
}

/* A pair prepared with QM2 that will not come up: withdraw it (and tell the peer when @tell). */
static void
prep_drop(struct ikev1 *e, struct v1_sa *s, struct v1_qm *q, bool tell)
{
	if (q->prep == NULL)
		return;
	/* The initiator installs before QM3: it may hold the pair. */
	if (tell && s->sa.state == IKE_SA_STATE_ESTABLISHED && s->have_keys)
		ikev1_info_delete(e, s, IKEV1_PROTO_IPSEC_ESP, &q->spi_in, 1);
	e->ops.child_down(e->ops.ctx, &q->prep->c);
	free(q->prep);
	q->prep = NULL;
}

static void
qm_fail(struct ikev1 *e, struct v1_sa *s, struct v1_qm *q, const char *why)
{
	struct log_corr corr;
	struct v1_child *old;

	qm_corr(s, q, &corr);
	log_text(LOG_FAC_IKE, LOG_SEV_WARN, &corr,
	    "%s: quick mode %08" PRIx32 " for child %s failed: %s", __func__, q->msgid,
	    e->cfg->children[q->child].name, why);
	V1_INC(e, p2_failed);
	if (q->rekey_spi != 0 && (old = pair_find(e, q->rekey_spi)) != NULL && old->rekeying) {
		/* The old pair serves on; try again later (until its hard lifetime). */
		old->rekeying = false;
		old->rekey_ns = e->now_ns + V1_REKEY_RETRY_NS;
	}
	prep_drop(e, s, q, true);
	qm_unlink(s, q);
	ikev1_qm_free(q);
}

void
ikev1_qm_abort(struct ikev1 *e, struct v1_sa *s, struct v1_qm *q, const char *why)
{
	qm_fail(e, s, q, why);
}

void
ikev1_qm_release(struct ikev1 *e, struct v1_sa *s)
{
	struct v1_qm *q;

	for (q = s->qms; q != NULL; q = q->next)
		prep_drop(e, s, q, false);
}

/* Does our encapsulation need UDP (RFC 3947 §5.1)? */
static bool
qm_udp(const struct v1_sa *s)
{
	return s->natd_type != 0 && (s->nat_local || s->nat_remote);
}

/*
 * Finish a quick-mode message built in e->obuf: @hash_off is the HASH
 * payload's body, @rest where the hashed payloads start.  HASH(1) when
 * @ni is NULL, HASH(2) with Ni_b.  Then encrypt with q->iv.  Returns the
 * length or -errno.
 */
static int
qm_seal(struct ikev1 *e, struct v1_sa *s, struct v1_qm *q, struct ike_buf *b, size_t hash_off,
    size_t rest, const uint8_t *ni, size_t ni_len)
{
	int rc;

	if ((rc = ikev1_msg_build_finish(b)) != 0)
		return rc;
	rc = ikev1_crypt_hash(s->prop.prf, s->keys.skeyid_a, s->keys.len, false, q->msgid, ni,
	    ni_len, NULL, 0, e->obuf + rest, b->len - rest, e->obuf + hash_off, s->keys.len);
	if (rc < 0)
		return rc;
	return ikev1_crypt_encrypt(s->enc, s->enc_len, q->iv, e->obuf, b->len - IKE_HDR_LEN,
	    IKE_MSG_MAX);
}

/* IDci / IDcr of @q (RFC 2409 §5.5): ours first when we initiate. */
static int
ids_build(struct ike_buf *b, const struct v1_qm *q)
{
	uint8_t dl[TS_ID_DATA], dr[TS_ID_DATA];
	struct ikev1_id il, ir;

	if (ikev1_prop_ts_to_id(&q->local_ts, dl, &il) != 0 ||
	    ikev1_prop_ts_to_id(&q->remote_ts, dr, &ir) != 0)
		return -EINVAL;
	ikev1_msg_build_id(b, q->initiator ? &il : &ir);
	ikev1_msg_build_id(b, q->initiator ? &ir : &il);
	return b->err;
}

/* NAT-OA (RFC 3947 §5.2): transport mode behind a NAT, the original addresses. */
static void
natoa_build(struct ike_buf *b, const struct v1_sa *s, const struct v1_qm *q)
{
	struct ikev1_natoa oi = { 0 }, orr = { 0 };
	const struct config_addr *ai, *ar;
	uint8_t type = s->natd_type == IKEV1_PL_NATD_DRAFT ? IKEV1_PL_NATOA_DRAFT : IKEV1_PL_NATOA;

	if (q->prop.mode != CONFIG_MODE_TRANSPORT || !qm_udp(s))
		return;
	ai = q->initiator ? &s->sa.local.a : &s->sa.remote.a;
	ar = q->initiator ? &s->sa.remote.a : &s->sa.local.a;
	oi.id_type = ai->family == 4 ? IKEV1_ID_IPV4_ADDR : IKEV1_ID_IPV6_ADDR;
	oi.addr_len = ai->family == 4 ? 4 : 16;
	memcpy(oi.addr, ai->addr, oi.addr_len);
	orr.id_type = ar->family == 4 ? IKEV1_ID_IPV4_ADDR : IKEV1_ID_IPV6_ADDR;
	orr.addr_len = ar->family == 4 ? 4 : 16;
	memcpy(orr.addr, ar->addr, orr.addr_len);
	ikev1_msg_build_natoa(b, type, &oi);
	ikev1_msg_build_natoa(b, type, &orr);
}

static void
be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Our PFS public value into @pub; returns its length or -errno. */
static int
pfs_new(struct v1_qm *q, uint16_t group, uint8_t *pub)
{
	q->dh = ike_crypto_dh_create(group);
	if (q->dh == NULL)
		return -EIO;
	return ike_crypto_dh_public(q->dh, pub, IKE_CRYPTO_DH_MAX);
}

static int
pfs_shared(struct v1_qm *q, const struct ikev1_blob *ke)
{
	int n;

	if (ke->p == NULL)
		return -EBADMSG;
	n = ike_crypto_dh_shared(q->dh, ke->p, ke->len, q->gqm, sizeof(q->gqm));
	ike_crypto_dh_destroy(q->dh);
	q->dh = NULL;
	if (n < 0)
		return n;
	q->gqm_len = (size_t)n;
	return 0;
}

/*
 * The generation of a pair a quick mode of @child with the peer of @s,
 * starting now, will make: one above every pair of the child it may
 * replace (0 for the first).  Two pairs of one generation are a rekey
 * collision; a later generation replaces an earlier one, whichever came
 * up first (a quick mode that lost its race with the peer's rekey and the
 * rekey after it finishes last, yet is the oldest).
 */
static uint32_t
qm_gen(struct ikev1 *e, const struct v1_sa *s, unsigned int child)
{
	const struct ike_sa *sa;
	const struct v1_child *c;
	uint32_t gen = 0;

	for (sa = e->t.head; sa != NULL; sa = sa->next) {
		if (((const struct v1_sa *)sa)->conn != s->conn ||
		    !ike_sa_addr_eq(&sa->remote.a, &s->sa.remote.a))
			continue;
		for (c = ((const struct v1_sa *)sa)->children; c != NULL; c = c->next)
			if (c->c.child == child && c->gen + 1 > gen)
				gen = c->gen + 1;
	}
	return gen;
}

static int
qm_begin(struct ikev1 *e, struct v1_sa *s, unsigned int child, uint32_t rekey_spi)
{
	const struct config_child *ch = &e->cfg->children[child];
	uint8_t spi[4], pub[IKE_CRYPTO_DH_MAX];
	struct ike_buf b;
	struct v1_qm *q;
	size_t hash_off, rest;
	uint16_t group = 0;
	unsigned int i;
	int rc, publen = 0;

	if (ch->n_local_ts == 0 || ch->n_remote_ts == 0)
		return -EINVAL;
	for (i = 0; i < ch->n_esp_proposals; i++) {
		/* One KE per exchange: the first proposal's group is the offer's. */
		group = ch->esp_proposals[i].dh;
		break;
	}
	q = calloc(1, sizeof(*q));
	if (q == NULL)
		return -ENOMEM;
	q->initiator = true;
	q->child = child;
	q->gen = qm_gen(e, s, child);
	q->rekey_spi = rekey_spi;
	q->st = V1_QM_I1;
	q->started_ns = e->now_ns;
	q->started_seq = ++e->p2_seq;
	q->ni_len = V1_NONCE_LEN;
	if (ikev1_sm_new_msgid(s, &q->msgid) != 0 || ikev1_sm_new_spi(e, &q->spi_in) != 0 ||
	    ike_crypto_random(q->ni, q->ni_len) != 0) {
		rc = -EIO;
		goto fail;
	}
	be32(spi, q->spi_in);
	rc = ikev1_prop_p2_offer(ch, spi, group,
	    ikev1_prop_encap_mode(ch->mode, qm_udp(s), s->natd_type == IKEV1_PL_NATD_DRAFT),
	    e->sa_build);
	if (rc <= 0) {
		rc = rc < 0 ? rc : -ENOTSUP;
		goto fail;
	}
	q->prop.mode = ch->mode;
	q->prop.group = group;
	/* IKEv1 carries one selector a side: the child's first (RFC 2409 §5.5). */
	ikev1_prop_ts_resolve(&ch->local_ts[0], &s->sa.local.a, &q->local_ts);
	ikev1_prop_ts_resolve(&ch->remote_ts[0], &s->sa.remote.a, &q->remote_ts);
	q->ids = true;
	if (group != 0 && (publen = pfs_new(q, group, pub)) < 0) {
		rc = -EIO;
		goto fail;
	}
	rc = ike_crypto_v1_iv_phase2(s->prop.prf, s->iv, V1_BLOCK, q->msgid, q->iv, V1_BLOCK);
	if (rc != 0)
		goto fail;

	ikev1_sm_hdr(e, &b, s, IKEV1_EXCH_QUICK, q->msgid, IKEV1_FLAG_ENCRYPTION);
	hash_off = b.len + IKE_GEN_HDR_LEN;
	ikev1_msg_build_hash(&b, hash_zero, s->keys.len); /* filled by qm_seal */
	rest = b.len;
	ikev1_msg_build_sa(&b, e->sa_build);
	ikev1_msg_build_nonce(&b, q->ni, q->ni_len);
	if (group != 0)
		ikev1_msg_build_ke(&b, pub, (size_t)publen);
	if ((rc = ids_build(&b, q)) != 0)
		goto fail;
	natoa_build(&b, s, q);
	rc = qm_seal(e, s, q, &b, hash_off, rest, NULL, 0);
	if (rc < 0)
		goto fail;
	if ((rc = ikev1_sm_keep(e, &q->x, e->obuf, (size_t)rc, true)) != 0)
		goto fail;
	q->next = s->qms;
	s->qms = q;
	ikev1_sm_send(e, s, q->x.msg, q->x.len);
	return 0;
fail:
	ikev1_qm_free(q);
	return rc;
}

int
ikev1_qm_start(struct ikev1 *e, struct v1_sa *s, unsigned int child)
{
	return qm_begin(e, s, child, 0);
}

int
ikev1_qm_rekey(struct ikev1 *e, struct v1_sa *s, struct v1_child *c)
{
	struct log_corr corr;
	int rc;

	ikev1_sm_corr(s, &corr);
	corr.ipsec_spi = c->c.spi_in;
	rc = qm_begin(e, s, c->c.child, c->c.spi_in);
	log_text(LOG_FAC_IKE, rc == 0 ? LOG_SEV_INFO : LOG_SEV_WARN, &corr,
	    "%s: rekeying child %s SA pair %08" PRIx32 "/%08" PRIx32 "%s%s", __func__,
	    e->cfg->children[c->c.child].name, c->c.spi_in, c->c.spi_out,
	    rc == 0 ? "" : ": cannot start quick mode: ", rc == 0 ? "" : strerror(-rc));
	if (rc == 0)
		c->rekeying = true;
	else
		c->rekey_ns = e->now_ns + V1_REKEY_RETRY_NS;
	return rc;
}

/*
 * Decrypt a quick-mode message with @iv into e->pbuf and parse it; the
 * HASH payload must come first (RFC 2409 §5.5).  @rest / @rest_len: what
 * follows the HASH.  Returns 0 or -EBADMSG (counted).
 */
static int
qm_open(struct ikev1 *e, struct v1_sa *s, const uint8_t *iv, uint8_t *next_iv, const uint8_t **rest,
    size_t *rest_len)
{
	struct ikev1_msg *m = e->m;
	const struct ikev1_pl_ref *h;
	size_t end;

	if (ikev1_crypt_decrypt(s->enc, s->enc_len, iv, m->body, m->body_len, e->pbuf, next_iv) !=
	    0) {
		V1_DROP(e, IKE_DROP_DECRYPT);
		return -EBADMSG;
	}
	if (ikev1_msg_parse_body(m, e->pbuf, m->body_len) != 0 || m->n_payloads == 0 ||
	    m->payloads[0].type != IKEV1_PL_HASH || m->hash.len != s->keys.len) {
		V1_DROP(e, IKE_DROP_MALFORMED);
		return -EBADMSG;
	}
	h = &m->payloads[0];
	end = h->off + h->len;
	*rest = m->body + end;
	*rest_len = m->body_len - end;
	return 0;
}

static bool
hash_ok(struct ikev1 *e, struct v1_sa *s, bool zero, uint32_t msgid, const uint8_t *ni,
    size_t ni_len, const uint8_t *nr, size_t nr_len, const uint8_t *rest, size_t rest_len)
{
	uint8_t h[IKE_CRYPTO_PRF_MAX];
	int n;

	n = ikev1_crypt_hash(s->prop.prf, s->keys.skeyid_a, s->keys.len, zero, msgid, ni, ni_len,
	    nr, nr_len, rest, rest_len, h, sizeof(h));
	if (n < 0 || (size_t)n != e->m->hash.len || !ikev1_sm_ct_eq(h, e->m->hash.p, (size_t)n)) {
		V1_DROP(e, IKE_DROP_HASH);
		return false;
	}
	return true;
}

/* KEYMAT of one direction into @k (RFC 2409 §5.5): enc key (with salt) then integ key. */
static int
keymat(const struct v1_sa *s, const struct v1_qm *q, uint32_t spi, struct ike_child_keys *k)
{
	const struct alg_proposal *a = &q->prop.alg;
	uint8_t km[CONFIG_ENC_KEY_MAX + CONFIG_INTEG_KEY_MAX], sb[4];
	struct ike_crypto_v1_qm_prm prm;
	size_t enc = (size_t)a->cipher_key_len + a->salt_len, integ = a->aead ? 0 : a->auth_key_len;
	int rc;

	if (enc > CONFIG_ENC_KEY_MAX || integ > CONFIG_INTEG_KEY_MAX || enc + integ == 0)
		return -EINVAL;
	be32(sb, spi);
	prm = (struct ike_crypto_v1_qm_prm){ .skeyid_d = s->keys.skeyid_d,
		.skeyid_d_len = s->keys.len,
		.gqm = q->gqm_len ? q->gqm : NULL,
		.gqm_len = q->gqm_len,
		.protocol = IKEV1_PROTO_IPSEC_ESP,
		.spi = sb,
		.spi_len = 4,
		.ni = q->ni,
		.ni_len = q->ni_len,
		.nr = q->nr,
		.nr_len = q->nr_len };
	rc = ike_crypto_v1_qm_keymat(s->prop.prf, &prm, km, enc + integ);
	if (rc == 0) {
		memcpy(k->enc, km, enc);
		k->enc_len = (uint8_t)enc;
		memcpy(k->integ, km + enc, integ);
		k->integ_len = (uint8_t)integ;
	}
	explicit_bzero(km, sizeof(km));
	return rc;
}

/* The lower of the two nonces: both ends pick the same pair to keep after a collision. */
static void
tie_set(struct v1_child *c, const struct v1_qm *q)
{
	size_t n = q->ni_len < q->nr_len ? q->ni_len : q->nr_len;
	const uint8_t *lo = memcmp(q->ni, q->nr, n) <= 0 ? q->ni : q->nr;

	c->tie_len = n < V1_TIE_LEN ? n : V1_TIE_LEN;
	memcpy(c->tie, lo, c->tie_len);
}

/*
 * The rekey point under a lifetime @life the peer made shorter than ours
 * (RFC 2407 §4.5: the initiator's offer, or the responder's answer): our
 * configured @rekey when it comes first, else IKEV1_PEER_LIFE_REKEY_PCT of
 * @life, so that a limit we did not choose never ends a pair before we try
 * to rekey it (0: no limit, nothing to rekey for).
 */
static uint64_t
rekey_under(uint64_t rekey, uint64_t life)
{
	if (life == 0 || (rekey != 0 && rekey < life))
		return rekey;
	return life / 100 * IKEV1_PEER_LIFE_REKEY_PCT;
}

/* The pair @q negotiated, with its keys (the caller wipes them); NULL and *rc on failure. */
static struct v1_child *
pair_new(struct ikev1 *e, struct v1_sa *s, struct v1_qm *q, int *rc)
{
	const struct config_child *ch = &e->cfg->children[q->child];
	struct v1_child *c;
	uint64_t life_bytes;

	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		*rc = -ENOMEM;
		return NULL;
	}
	c->c.child = q->child;
	c->c.ike_sa = s->sa.id;
	c->c.ike_version = 1;
	c->c.proto = ALG_PROTO_ESP;
	c->c.mode = q->prop.mode;
	c->c.alg = q->prop.alg;
	c->c.esn = q->prop.esn;
	c->c.spi_in = q->spi_in;
	c->c.spi_out = q->spi_out;
	c->c.local = s->sa.local.a;
	c->c.remote = s->sa.remote.a;
	c->c.encap = q->prop.encap || qm_udp(s);
	if (c->c.encap) {
		c->c.local_port = s->sa.local.port;
		c->c.remote_port = s->sa.remote.port;
	}
	c->c.n_local_ts = 1;
	c->c.local_ts[0] = q->local_ts;
	c->c.n_remote_ts = 1;
	c->c.remote_ts[0] = q->remote_ts;
	life_bytes = ch->life_bytes;
	if (q->prop.life_kb != 0 && (life_bytes == 0 || q->prop.life_kb * 1024 < life_bytes))
		life_bytes = q->prop.life_kb * 1024;
	c->c.lifetime.hard_bytes = life_bytes;
	c->c.lifetime.soft_bytes = life_bytes < ch->life_bytes || ch->life_bytes == 0 ?
	    rekey_under(ch->rekey_bytes, life_bytes) :
	    ch->rekey_bytes;
	c->c.lifetime.hard_packets = ch->life_packets;
	c->c.lifetime.soft_packets = ch->rekey_packets;
	c->c.replay_window = ch->replay_window;
	c->qm_seq = q->started_seq;
	c->gen = q->gen;
	tie_set(c, q);
	if ((*rc = keymat(s, q, q->spi_in, &c->c.in)) != 0 ||
	    (*rc = keymat(s, q, q->spi_out, &c->c.out)) != 0) {
		ike_child_sa_wipe(&c->c);
		free(c);
		return NULL;
	}
	return c;
}

/* Does the child of @q have a live pair with this peer (a rekey, not a first pair)? */
static bool
has_live_pair(struct ikev1 *e, const struct v1_sa *s, unsigned int child)
{
	const struct ike_sa *sa;
	const struct v1_child *c;

	for (sa = e->t.head; sa != NULL; sa = sa->next) {
		if (((const struct v1_sa *)sa)->conn != s->conn ||
		    !ike_sa_addr_eq(&sa->remote.a, &s->sa.remote.a))
			continue;
		for (c = ((const struct v1_sa *)sa)->children; c != NULL; c = c->next)
			if (c->c.child == child && !c->rekeyed)
				return true;
	}
	return false;
}

/* Link @c to @s with its lifetimes (rekey jittered, RFC-free: swanctl's rand_time), log it. */
static void
pair_link(struct ikev1 *e, struct v1_sa *s, struct v1_qm *q, struct v1_child *c)
{
	const struct config_child *ch = &e->cfg->children[q->child];
	uint32_t life_s = q->prop.life_s != 0 ? q->prop.life_s : ch->life_time;
	char lts[96], rts[96];
	struct log_corr corr;
	uint64_t rekey, jit;

	c->up_ns = e->now_ns;
	/* When the peer installed it, as near as we see: on our QM3 when we
	 * initiated, on our QM2 (sent as QM1 came) when it did. */
	c->done_seq = q->initiator ? ++e->p2_seq : q->started_seq;
	if (life_s != 0)
		c->expire_ns = e->now_ns + (uint64_t)life_s * V1_ONE_S;
	if (ch->rekey_time != 0 && (life_s == 0 || ch->rekey_time < life_s)) {
		rekey = (uint64_t)ch->rekey_time * V1_ONE_S;
		jit = ikev1_sm_jitter(ch->rand_time);
		c->rekey_ns = e->now_ns + (jit < rekey ? rekey - jit : rekey);
	} else if (life_s != 0 && (ch->life_time == 0 || life_s < ch->life_time)) {
		/* The peer's shorter lifetime: rekey before it ends (rekey_under). */
		c->rekey_ns = e->now_ns + rekey_under(0, (uint64_t)life_s * V1_ONE_S);
	}
	c->next = s->children;
	s->children = c;
	s->n_children++;
	V1_INC(e, p2_done);
	qm_corr(s, q, &corr);
	ikev1_prop_ts_format(&q->local_ts, lts, sizeof(lts));
	ikev1_prop_ts_format(&q->remote_ts, rts, sizeof(rts));
	log_event(q->initiator ? LOG_MSG_P2_INIT_DONE : LOG_MSG_P2_RESP_DONE, &corr,
	    "connection=%s child=%s spi_in=%08" PRIx32 " spi_out=%08" PRIx32
	    " local_ts=%s remote_ts=%s proposal=%s mode=%s encap=%s",
	    s->conn->name, ch->name, q->spi_in, q->spi_out, lts, rts, q->prop.name,
	    config_mode_name(q->prop.mode), c->c.encap ? "yes" : "no");
}

/* @c is replaced: it is deleted after the grace period (its inbound SA decrypts until then). */
static void
retire(struct ikev1 *e, struct v1_sa *owner, struct v1_child *c, const struct v1_child *by,
    const char *why)
{
	struct log_corr corr;

	c->rekeyed = true;
	c->rekeying = false;
	c->delete_ns = e->now_ns + V1_REKEY_GRACE_NS;
	ikev1_sm_corr(owner, &corr);
	corr.ipsec_spi = c->c.spi_in;
	log_text(LOG_FAC_IKE, LOG_SEV_INFO, &corr,
	    "%s: child %s SA pair %08" PRIx32 "/%08" PRIx32 " %s by %08" PRIx32 "/%08" PRIx32
	    ", deleted in %u s",
	    __func__, e->cfg->children[c->c.child].name, c->c.spi_in, c->c.spi_out, why,
	    by->c.spi_in, by->c.spi_out, (unsigned int)(V1_REKEY_GRACE_NS / V1_ONE_S));
}

static int
tie_cmp(const struct v1_child *a, const struct v1_child *b)
{
	size_t n = a->tie_len < b->tie_len ? a->tie_len : b->tie_len;
	int d = memcmp(a->tie, b->tie, n);

	return d != 0 ? d : (int)a->tie_len - (int)b->tie_len;
}

/*
 * Does pair @l (live, of @n's child) beat @n, which is about to carry
 * traffic?  RFC 2409 settles nothing.  Other peers (strongSwan,
 * libreswan) send on the pair they installed last and delete only what
 * they rekeyed themselves, so with them the pair the peer installed last
 * wins (done_seq: an earlier one, even of a later rekey, is what the peer
 * no longer uses; a strongSwan initiator installs on QM2, a responder on
 * QM3).
 * Two of us (our vendor ID) go by generation: a pair of a later rekey
 * wins; two of one generation are a rekey collision, and the lower nonce
 * loses, as in RFC 7296 §2.8.1, which both ends agree on.  A pair still
 * waiting to move its outbound SA is judged when it does, unless it wins.
 */
static bool
pair_beats(const struct v1_sa *s, const struct v1_child *l, const struct v1_child *n)
{
	if (!s->vid_self)
		return l->done_seq > n->done_seq;
	if (l->gen != n->gen)
		return l->gen > n->gen;
	return !l->out_pending && tie_cmp(n, l) < 0;
}

/*
 * Pair @n of @s carries traffic both ways from now on (@moved: child_up
 * moved the outbound SA already; else child_activate does it here): the
 * child's other live pairs with this peer are replaced (pair_beats),
 * unless one of them beats @n, which then goes (its outbound not moved).
 */
static void
pair_activate(struct ikev1 *e, struct v1_sa *s, struct v1_child *n, bool moved)
{
	struct ike_sa *sa;
	struct v1_child *l, *win = NULL;
	struct log_corr corr;
	bool replaced = false, overlap;
	int rc;

	for (sa = e->t.head; sa != NULL && win == NULL; sa = sa->next) {
		if (v1_sa_of(sa)->conn != s->conn ||
		    !ike_sa_addr_eq(&sa->remote.a, &s->sa.remote.a))
			continue;
		for (l = v1_sa_of(sa)->children; l != NULL && win == NULL; l = l->next)
			if (l != n && l->c.child == n->c.child && !l->rekeyed &&
			    pair_beats(s, l, n))
				win = l;
	}
	for (sa = e->t.head; sa != NULL && win == NULL; sa = sa->next) {
		if (v1_sa_of(sa)->conn != s->conn ||
		    !ike_sa_addr_eq(&sa->remote.a, &s->sa.remote.a))
			continue;
		for (l = v1_sa_of(sa)->children; l != NULL; l = l->next) {
			if (l == n || l->c.child != n->c.child || l->rekeyed || l->out_pending)
				continue;
			/* Negotiated while @n was: both ends rekeyed at once. */
			overlap = s->vid_self ? l->gen == n->gen : l->done_seq > n->qm_seq;
			retire(e, v1_sa_of(sa), l, n,
			    overlap ? "lost a rekey collision" : "replaced");
			replaced = replaced || !overlap;
		}
	}
	n->out_pending = false;
	n->up_ns = e->now_ns;
	if (replaced)
		V1_INC(e, p2_rekeys);
	if (win != NULL) {
		ikev1_sm_corr(s, &corr);
		corr.ipsec_spi = n->c.spi_in;
		n->rekeyed = true;
		n->delete_ns = e->now_ns + V1_REKEY_GRACE_NS;
		log_text(LOG_FAC_IKE, LOG_SEV_INFO, &corr,
		    "%s: child %s SA pair %08" PRIx32 "/%08" PRIx32 " %s %08" PRIx32 "/%08" PRIx32
		    ", deleted in %u s",
		    __func__, e->cfg->children[n->c.child].name, n->c.spi_in, n->c.spi_out,
		    (s->vid_self ? win->gen > n->gen : win->qm_seq > n->done_seq) ?
		        "is stale: a later rekey made" :
		        "lost a rekey collision to",
		    win->c.spi_in, win->c.spi_out, (unsigned int)(V1_REKEY_GRACE_NS / V1_ONE_S));
		/* child_up sent on @n already: back to the winner, unless it moves itself later. */
		if (moved && !win->out_pending && e->ops.child_activate != NULL &&
		    (rc = e->ops.child_activate(e->ops.ctx, &win->c)) != 0)
			log_text(LOG_FAC_IKE, LOG_SEV_ERR, &corr,
			    "%s: child %s: the SA installer cannot move the outbound SA back to %08" PRIx32
			    ": %s",
			    __func__, e->cfg->children[n->c.child].name, win->c.spi_out,
			    strerror(-rc));
		return;
	}
	if (!moved && (rc = e->ops.child_activate(e->ops.ctx, &n->c)) != 0) {
		ikev1_sm_corr(s, &corr);
		corr.ipsec_spi = n->c.spi_in;
		log_text(LOG_FAC_IKE, LOG_SEV_ERR, &corr,
		    "%s: child %s: the SA installer cannot move the outbound SA to %08" PRIx32
		    ": %s",
		    __func__, e->cfg->children[n->c.child].name, n->c.spi_out, strerror(-rc));
	}
}

static bool
two_step(const struct ikev1 *e)
{
	return e->ops.child_prepare != NULL && e->ops.child_activate != NULL;
}

/*
 * The pair is negotiated: hand it to the installer, keep it, log it.  A
 * responder prepared it with QM2 and activates it now; a rekeying
 * initiator prepares it now and activates it V1_REKEY_OUT_DELAY_NS later
 * (the responder installs on QM3); else child_up installs it at once.
 */
static int
install(struct ikev1 *e, struct v1_sa *s, struct v1_qm *q)
{
	const struct config_child *ch = &e->cfg->children[q->child];
	struct log_corr corr;
	struct v1_child *c;
	bool later;
	int rc;

	if (q->prep != NULL) {
		c = q->prep;
		q->prep = NULL;
		pair_link(e, s, q, c);
		pair_activate(e, s, c, false);
		return 0;
	}
	later = q->initiator && two_step(e) && has_live_pair(e, s, q->child);
	c = pair_new(e, s, q, &rc);
	if (c == NULL)
		return rc;
	qm_corr(s, q, &corr);
	rc = later ? e->ops.child_prepare(e->ops.ctx, &c->c) : e->ops.child_up(e->ops.ctx, &c->c);
	ike_child_sa_wipe(&c->c);
	if (rc != 0) {
		log_text(LOG_FAC_IKE, LOG_SEV_ERR, &corr,
		    "%s: child %s: the SA installer refused the pair: %s", __func__, ch->name,
		    strerror(-rc));
		V1_INC(e, child_up_failed);
		ikev1_info_delete(e, s, IKEV1_PROTO_IPSEC_ESP, &q->spi_in, 1);
		free(c);
		return rc;
	}
	pair_link(e, s, q, c);
	if (later) {
		c->out_pending = true;
		c->activate_ns = e->now_ns + V1_REKEY_OUT_DELAY_NS;
	} else {
		pair_activate(e, s, c, true);
	}
	return 0;
}

/* Responder, QM2 sent: install the inbound SA now, the initiator may send on it after QM3. */
static void
prepare(struct ikev1 *e, struct v1_sa *s, struct v1_qm *q)
{
	struct log_corr corr;
	struct v1_child *c;
	int rc;

	if (!two_step(e))
		return;
	c = pair_new(e, s, q, &rc);
	if (c != NULL) {
		rc = e->ops.child_prepare(e->ops.ctx, &c->c);
		ike_child_sa_wipe(&c->c);
		if (rc == 0) {
			q->prep = c;
			return;
		}
		free(c);
	}
	/* QM3 will try child_up. */
	qm_corr(s, q, &corr);
	log_text(LOG_FAC_IKE, LOG_SEV_WARN, &corr, "%s: child %s: inbound SA not prepared: %s",
	    __func__, e->cfg->children[q->child].name, strerror(-rc));
}

/* Is @ts one of the child's selectors (resolved against @ike), and which narrowing fits? */
static bool
ts_pick(const struct config_ts *cfg, unsigned int n, const struct config_addr *ike,
    const struct config_ts *prop, bool exact, struct config_ts *out)
{
	struct config_ts r;
	unsigned int i;

	for (i = 0; i < n; i++) {
		ikev1_prop_ts_resolve(&cfg[i], ike, &r);
		if (exact && ikev1_prop_ts_contains(&r, prop)) {
			*out = *prop;
			return true;
		}
		if (!exact && ikev1_prop_ts_narrow(&r, prop, out)) {
			/* The answer must fit an IKEv1 ID: one port or all. */
			if (out->ports.first == out->ports.last ||
			    (out->ports.first == 0 && out->ports.last == 65535))
				return true;
		}
	}
	return false;
}

/* QM1 at the responder. */
static void
qm_r1(struct ikev1 *e, struct v1_sa *s, const uint8_t *msg, size_t len)
{
	struct ikev1_msg *m = e->m;
	const struct config_child *ch = NULL;
	const uint8_t *rest, *peer_spi = NULL;
	uint8_t iv0[V1_BLOCK], next_iv[V1_BLOCK], spi[4], pub[IKE_CRYPTO_DH_MAX];
	struct config_ts pl, pr, nl, nr;
	struct ikev1_p2_prop prop;
	struct log_corr corr;
	struct ike_buf b;
	struct v1_qm *q;
	const char *why = "no child of the connection";
	enum ikev1_notify err = IKEV1_N_INVALID_ID_INFORMATION;
	size_t rest_len, hash_off, rs;
	unsigned int pass, i, p = 0, t = 0, ci = 0;
	int rc, publen = 0;

	ikev1_sm_corr(s, &corr);
	if (ike_crypto_v1_iv_phase2(s->prop.prf, s->iv, V1_BLOCK, m->hdr.msgid, iv0, V1_BLOCK) !=
	        0 ||
	    qm_open(e, s, iv0, next_iv, &rest, &rest_len) != 0)
		return;
	if (!hash_ok(e, s, false, m->hdr.msgid, NULL, 0, NULL, 0, rest, rest_len)) {
		log_text(LOG_FAC_IKE, LOG_SEV_WARN, &corr, "%s: QM1 HASH(1) mismatch", __func__);
		ikev1_info_notify(e, s, IKEV1_N_INVALID_HASH_INFORMATION, IKEV1_PROTO_ISAKMP, NULL,
		    0, NULL, 0);
		return;
	}
	ikev1_sm_authentic(e, s);
	if (!m->has_sa || m->nonce.p == NULL || (m->n_ids != 0 && m->n_ids != 2)) {
		V1_DROP(e, IKE_DROP_MALFORMED);
		ikev1_info_notify(e, s, IKEV1_N_PAYLOAD_MALFORMED, IKEV1_PROTO_ISAKMP, NULL, 0,
		    NULL, 0);
		return;
	}
	/* RFC 2409 §5.5: without IDs the selectors are the phase-1 addresses. */
	if (m->n_ids == 2) {
		if (ikev1_prop_ts_from_id(&m->ids[0], &pr) != 0 ||
		    ikev1_prop_ts_from_id(&m->ids[1], &pl) != 0) {
			V1_DROP(e, IKE_DROP_MALFORMED);
			ikev1_info_notify(e, s, IKEV1_N_INVALID_ID_INFORMATION, IKEV1_PROTO_ISAKMP,
			    NULL, 0, NULL, 0);
			return;
		}
	} else {
		struct config_ts dyn = { .dynamic = true, .protocol = -1, .ports = { 0, 65535 } };

		ikev1_prop_ts_resolve(&dyn, &s->sa.remote.a, &pr);
		ikev1_prop_ts_resolve(&dyn, &s->sa.local.a, &pl);
	}
	/* The child whose selectors hold the proposed ones; narrowing second. */
	for (pass = 0; pass < 2 && ch == NULL; pass++) {
		for (i = 0; i < s->conn->n_children && ch == NULL; i++) {
			const struct config_child *c = &e->cfg->children[s->conn->first_child + i];

			if (!ts_pick(c->local_ts, c->n_local_ts, &s->sa.local.a, &pl, pass == 0,
			        &nl) ||
			    !ts_pick(c->remote_ts, c->n_remote_ts, &s->sa.remote.a, &pr, pass == 0,
			        &nr))
				continue;
			err = ikev1_prop_p2_select(&m->sa, c, m->ke.p != NULL, &prop, &p, &t, &why);
			if (err == IKEV1_N_NONE) {
				ch = c;
				ci = s->conn->first_child + i;
			}
		}
	}
	if (ch == NULL) {
		char a[96], b2[96];

		ikev1_prop_ts_format(&pl, a, sizeof(a));
		ikev1_prop_ts_format(&pr, b2, sizeof(b2));
		log_text(LOG_FAC_IKE, LOG_SEV_WARN, &corr,
		    "%s: quick mode refused (local %s, remote %s): %s", __func__, a, b2,
		    err == IKEV1_N_INVALID_ID_INFORMATION ? "no child has these selectors" : why);
		V1_DROP(e,
		    err == IKEV1_N_NO_PROPOSAL_CHOSEN ? IKE_DROP_NO_PROPOSAL : IKE_DROP_STATE);
		V1_INC(e, p2_failed);
		peer_spi = m->sa.n_proposals > 0 && m->sa.proposals[0].spi_size == 4 ?
		    m->sa.proposals[0].spi :
		    NULL;
		ikev1_info_notify(e, s, err,
		    peer_spi != NULL ? IKEV1_PROTO_IPSEC_ESP : IKEV1_PROTO_ISAKMP, peer_spi,
		    peer_spi != NULL ? 4 : 0, NULL, 0);
		return;
	}
	peer_spi = m->sa.proposals[p].spi;
	if (prop.group != 0 &&
	    (m->ke.p == NULL || (int)m->ke.len != ike_crypto_dh_public_len(prop.group))) {
		V1_DROP(e, IKE_DROP_MALFORMED);
		ikev1_info_notify(e, s, IKEV1_N_INVALID_KEY_INFORMATION, IKEV1_PROTO_ISAKMP, NULL,
		    0, NULL, 0);
		return;
	}
	q = calloc(1, sizeof(*q));
	if (q == NULL) {
		V1_DROP(e, IKE_DROP_INTERNAL);
		return;
	}
	q->msgid = m->hdr.msgid;
	q->initiator = false;
	q->child = ci;
	q->gen = qm_gen(e, s, ci);
	q->st = V1_QM_R1;
	q->started_ns = e->now_ns;
	q->started_seq = ++e->p2_seq;
	q->prop = prop;
	q->ids = m->n_ids == 2;
	q->local_ts = nl;
	q->remote_ts = nr;
	q->spi_out = ike_get32(peer_spi);
	memcpy(q->ni, m->nonce.p, m->nonce.len);
	q->ni_len = m->nonce.len;
	q->nr_len = V1_NONCE_LEN;
	memcpy(q->iv, next_iv, V1_BLOCK);
	if (ikev1_sm_new_spi(e, &q->spi_in) != 0 || ike_crypto_random(q->nr, q->nr_len) != 0 ||
	    (prop.group != 0 &&
	        ((publen = pfs_new(q, prop.group, pub)) < 0 || pfs_shared(q, &m->ke) != 0))) {
		V1_DROP(e, IKE_DROP_INTERNAL);
		ikev1_qm_free(q);
		return;
	}
	be32(spi, q->spi_in);
	ikev1_prop_chosen(&m->sa, p, t, spi, 4, e->sa_build);
	ikev1_sm_hdr(e, &b, s, IKEV1_EXCH_QUICK, q->msgid, IKEV1_FLAG_ENCRYPTION);
	hash_off = b.len + IKE_GEN_HDR_LEN;
	ikev1_msg_build_hash(&b, hash_zero, s->keys.len); /* filled by qm_seal */
	rs = b.len;
	ikev1_msg_build_sa(&b, e->sa_build);
	ikev1_msg_build_nonce(&b, q->nr, q->nr_len);
	if (prop.group != 0)
		ikev1_msg_build_ke(&b, pub, (size_t)publen);
	if (q->ids && ids_build(&b, q) != 0) {
		V1_DROP(e, IKE_DROP_INTERNAL);
		ikev1_qm_free(q);
		return;
	}
	if (m->n_natoas > 0)
		natoa_build(&b, s, q);
	rc = qm_seal(e, s, q, &b, hash_off, rs, q->ni, q->ni_len);
	if (rc < 0 || ikev1_sm_keep(e, &q->x, e->obuf, (size_t)rc, true) != 0 ||
	    ikev1_sm_keep_in(&q->x, msg, len) != 0) {
		V1_DROP(e, IKE_DROP_INTERNAL);
		ikev1_qm_free(q);
		return;
	}
	q->next = s->qms;
	s->qms = q;
	prepare(e, s, q);
	ikev1_sm_send(e, s, q->x.msg, q->x.len);
}

/* QM2 at the initiator: check the answer, send QM3, install. */
static void
qm_i2(struct ikev1 *e, struct v1_sa *s, struct v1_qm *q, const uint8_t *msg, size_t len)
{
	struct ikev1_msg *m = e->m;
	const struct config_child *ch = &e->cfg->children[q->child];
	const uint8_t *rest;
	uint8_t next_iv[V1_BLOCK];
	struct ikev1_p2_prop prop;
	struct config_ts tl, tr;
	struct ike_buf b;
	enum ikev1_notify err;
	const char *why;
	size_t rest_len, hash_off;
	int rc;

	if (qm_open(e, s, q->iv, next_iv, &rest, &rest_len) != 0)
		return;
	if (!hash_ok(e, s, false, q->msgid, q->ni, q->ni_len, NULL, 0, rest, rest_len))
		return;
	ikev1_sm_authentic(e, s);
	if (!m->has_sa || m->nonce.p == NULL || (m->n_ids != 0 && m->n_ids != 2)) {
		V1_DROP(e, IKE_DROP_MALFORMED);
		qm_fail(e, s, q, "QM2 without SA or nonce");
		return;
	}
	err = ikev1_prop_p2_check(&m->sa, ch, q->prop.group, &prop, &why);
	if (err != IKEV1_N_NONE) {
		V1_DROP(e, IKE_DROP_NO_PROPOSAL);
		ikev1_info_notify(e, s, err, IKEV1_PROTO_ISAKMP, NULL, 0, NULL, 0);
		qm_fail(e, s, q, why);
		return;
	}
	if (m->n_ids == 2) {
		/* The responder may narrow, never widen (RFC 2409 §5.5 keeps them
		 * identical; strongSwan narrows). */
		if (ikev1_prop_ts_from_id(&m->ids[0], &tl) != 0 ||
		    ikev1_prop_ts_from_id(&m->ids[1], &tr) != 0 ||
		    !ikev1_prop_ts_contains(&q->local_ts, &tl) ||
		    !ikev1_prop_ts_contains(&q->remote_ts, &tr)) {
			V1_DROP(e, IKE_DROP_STATE);
			ikev1_info_notify(e, s, IKEV1_N_INVALID_ID_INFORMATION, IKEV1_PROTO_ISAKMP,
			    NULL, 0, NULL, 0);
			qm_fail(e, s, q, "the responder's selectors are not within ours");
			return;
		}
		q->local_ts = tl;
		q->remote_ts = tr;
	}
	if (q->prop.group != 0 && pfs_shared(q, &m->ke) != 0) {
		V1_DROP(e, IKE_DROP_MALFORMED);
		qm_fail(e, s, q, "no or bad KE for PFS");
		return;
	}
	q->prop = prop;
	q->spi_out = ike_get32(m->sa.proposals[0].spi);
	memcpy(q->nr, m->nonce.p, m->nonce.len);
	q->nr_len = m->nonce.len;
	memcpy(q->iv, next_iv, V1_BLOCK);

	/* QM3: HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b). */
	ikev1_sm_hdr(e, &b, s, IKEV1_EXCH_QUICK, q->msgid, IKEV1_FLAG_ENCRYPTION);
	hash_off = b.len + IKE_GEN_HDR_LEN;
	ikev1_msg_build_hash(&b, hash_zero, s->keys.len);
	if (ikev1_msg_build_finish(&b) != 0 ||
	    ikev1_crypt_hash(s->prop.prf, s->keys.skeyid_a, s->keys.len, true, q->msgid, q->ni,
	        q->ni_len, q->nr, q->nr_len, NULL, 0, e->obuf + hash_off, s->keys.len) < 0 ||
	    (rc = ikev1_crypt_encrypt(s->enc, s->enc_len, q->iv, e->obuf, b.len - IKE_HDR_LEN,
	         IKE_MSG_MAX)) < 0 ||
	    ikev1_sm_keep(e, &q->x, e->obuf, (size_t)rc, false) != 0 ||
	    ikev1_sm_keep_in(&q->x, msg, len) != 0) {
		V1_DROP(e, IKE_DROP_INTERNAL);
		qm_fail(e, s, q, "cannot build QM3");
		return;
	}
	ikev1_sm_send(e, s, q->x.msg, q->x.len);
	q->st = V1_QM_DONE;
	q->linger_ns = e->now_ns + V1_QM_LINGER_NS;
	if (install(e, s, q) != 0)
		V1_INC(e, p2_failed);
	explicit_bzero(q->gqm, sizeof(q->gqm));
}

/* QM3 at the responder: install. */
static void
qm_r3(struct ikev1 *e, struct v1_sa *s, struct v1_qm *q, const uint8_t *msg, size_t len)
{
	const uint8_t *rest;
	uint8_t next_iv[V1_BLOCK];
	size_t rest_len;

	if (qm_open(e, s, q->iv, next_iv, &rest, &rest_len) != 0)
		return;
	if (!hash_ok(e, s, true, q->msgid, q->ni, q->ni_len, q->nr, q->nr_len, NULL, 0))
		return;
	ikev1_sm_authentic(e, s);
	memcpy(q->iv, next_iv, V1_BLOCK);
	/* Nothing to answer from now on: a repeated QM3 is dropped quietly. */
	free(q->x.msg);
	q->x.msg = NULL;
	q->x.len = 0;
	q->x.retransmit = false;
	ikev1_sm_keep_in(&q->x, msg, len);
	q->st = V1_QM_DONE;
	q->linger_ns = e->now_ns + V1_QM_LINGER_NS;
	if (install(e, s, q) != 0)
		V1_INC(e, p2_failed);
	explicit_bzero(q->gqm, sizeof(q->gqm));
}

void
ikev1_qm_input(struct ikev1 *e, struct v1_sa *s, const uint8_t *msg, size_t len)
{
	struct ikev1_msg *m = e->m;
	struct v1_qm *q;

	if (s->sa.state != IKE_SA_STATE_ESTABLISHED) {
		/* Quick mode before phase 1 is up: out of order (RFC 2409 §5.5). */
		V1_DROP(e, IKE_DROP_STATE);
		return;
	}
	if (!m->encrypted) {
		V1_DROP(e, IKE_DROP_MALFORMED);
		return;
	}
	q = qm_find(s, m->hdr.msgid);
	if (q != NULL && ikev1_sm_duplicate(e, s, &q->x, msg, len))
		return;
	if (q == NULL) {
		qm_r1(e, s, msg, len);
		return;
	}
	switch (q->st) {
	case V1_QM_I1:
		qm_i2(e, s, q, msg, len);
		break;
	case V1_QM_R1:
		qm_r3(e, s, q, msg, len);
		break;
	default:
		V1_DROP(e, IKE_DROP_STATE);
		break;
	}
}

void
ikev1_qm_child_remove(struct ikev1 *e, struct v1_sa *s, struct v1_child *c, bool send_delete,
    const char *why)
{
	struct v1_child **pp;
	struct log_corr corr;

	if (send_delete && !c->delete_sent && s->sa.state == IKE_SA_STATE_ESTABLISHED &&
	    s->have_keys)
		ikev1_info_delete(e, s, IKEV1_PROTO_IPSEC_ESP, &c->c.spi_in, 1);
	ikev1_sm_corr(s, &corr);
	corr.ipsec_spi = c->c.spi_in;
	log_text(LOG_FAC_IKE, LOG_SEV_INFO, &corr,
	    "%s: child %s SA pair %08" PRIx32 "/%08" PRIx32 " removed: %s", __func__,
	    e->cfg->children[c->c.child].name, c->c.spi_in, c->c.spi_out, why);
	e->ops.child_down(e->ops.ctx, &c->c);
	for (pp = &s->children; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	s->n_children--;
	free(c);
}

/*
 * A hard lifetime of @c (of @s) is reached: the pair goes now.  A newer
 * pair of the child whose outbound SA still waits for the peer to install
 * (out_pending, V1_REKEY_OUT_DELAY_NS) takes the traffic at once: a volume
 * limit can run out within that wait, and sending early beats not at all.
 */
void
ikev1_qm_hard_expired(struct ikev1 *e, struct v1_sa *s, struct v1_child *c)
{
	struct ike_sa *sa;
	struct v1_child *n = NULL;

	for (sa = e->t.head; sa != NULL && n == NULL; sa = sa->next) {
		if (v1_sa_of(sa)->conn != s->conn ||
		    !ike_sa_addr_eq(&sa->remote.a, &s->sa.remote.a))
			continue;
		for (n = v1_sa_of(sa)->children; n != NULL; n = n->next)
			if (n != c && n->c.child == c->c.child && n->out_pending && !n->rekeyed)
				break;
		if (n != NULL)
			pair_activate(e, v1_sa_of(sa), n, false);
	}
	ikev1_qm_child_remove(e, s, c, true, "hard lifetime reached");
}

/*
 * The replaced pair @c of @s is deleted towards the peer now and removed
 * V1_DELETE_LINGER_NS later.  false when the peer cannot be told (no
 * phase 1 keys): then it goes at once.
 */
static bool
delete_linger(struct ikev1 *e, struct v1_sa *s, struct v1_child *c)
{
	struct log_corr corr;

	if (s->sa.state != IKE_SA_STATE_ESTABLISHED || !s->have_keys)
		return false;
	ikev1_info_delete(e, s, IKEV1_PROTO_IPSEC_ESP, &c->c.spi_in, 1);
	c->delete_sent = true;
	c->delete_ns = e->now_ns + V1_DELETE_LINGER_NS;
	ikev1_sm_corr(s, &corr);
	corr.ipsec_spi = c->c.spi_in;
	log_text(LOG_FAC_IKE, LOG_SEV_INFO, &corr,
	    "%s: child %s SA pair %08" PRIx32 "/%08" PRIx32
	    " deleted towards the peer; its inbound SA is removed in %u ms",
	    __func__, e->cfg->children[c->c.child].name, c->c.spi_in, c->c.spi_out,
	    (unsigned int)(V1_DELETE_LINGER_NS / 1000000));
	return true;
}

/* A DELETE or rekey of @s's pairs due at @due waits while the peer may be moving them. */
static bool
wait_for_move(const struct ikev1 *e, const struct v1_sa *s, uint64_t due)
{
	return e->now_ns < due + V1_MOVING_WAIT_MAX_NS && ikev1_sm_pairs_moving(e, s);
}

void
ikev1_qm_tick(struct ikev1 *e, struct v1_sa *s, uint64_t now_ns)
{
	struct v1_qm *q, *qn;
	struct v1_child *c, *cn;
	unsigned int tries = e->cfg->ike.retransmit_tries ? e->cfg->ike.retransmit_tries : 5;

	for (q = s->qms; q != NULL; q = qn) {
		qn = q->next;
		if (q->st == V1_QM_DONE) {
			if (now_ns >= q->linger_ns) {
				qm_unlink(s, q);
				ikev1_qm_free(q);
			}
			continue;
		}
		if (!q->x.retransmit || q->x.msg == NULL || now_ns < q->x.next_ns)
			continue;
		if (q->x.tries >= tries) {
			qm_fail(e, s, q, "no answer from the peer");
			continue;
		}
		q->x.tries++;
		q->x.next_ns = now_ns + ikev1_sm_rto(e, q->x.tries);
		V1_INC(e, retransmits);
		ikev1_sm_send(e, s, q->x.msg, q->x.len);
	}
	for (c = s->children; c != NULL; c = cn) {
		cn = c->next;
		if (c->expire_ns != 0 && now_ns >= c->expire_ns) {
			/* A replaced pair: its end may wait.  A pair in use goes at once. */
			if (c->rekeyed && !c->delete_sent && wait_for_move(e, s, c->expire_ns))
				continue;
			ikev1_qm_child_remove(e, s, c, true,
			    c->rekeyed ? "lifetime expired (replaced)" :
			                 "lifetime expired before a rekey succeeded");
			continue;
		}
		if (c->rekeyed) {
			if (c->delete_ns == 0 || now_ns < c->delete_ns)
				continue;
			if (!c->delete_sent &&
			    (wait_for_move(e, s, c->delete_ns) || delete_linger(e, s, c)))
				continue;
			ikev1_qm_child_remove(e, s, c, false, "replaced by a newer pair");
			continue;
		}
		if (c->out_pending) {
			if (now_ns >= c->activate_ns)
				pair_activate(e, s, c, false);
			continue;
		}
		if (c->rekey_ns != 0 && now_ns >= c->rekey_ns && !c->rekeying && !s->superseded &&
		    !s->peer_left && !wait_for_move(e, s, c->rekey_ns))
			ikev1_qm_rekey(e, s, c);
	}
}
