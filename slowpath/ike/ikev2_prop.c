/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ikev2_prop.c: IKEv2 SA proposals (IKE and ESP) and traffic selectors: offers, selection, narrowing. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "slowpath/ike/ike_ts.h"
#include "slowpath/ike/ikev2_prop.h"

#define TRANS_TYPES 5 /* ENCR, PRF, INTEG, DH, ESN (RFC 7296 §3.3.2) */

/* IANA ENCR ids that carry a Key Length attribute (RFC 7296 §3.3.5; RFC 4106, 4543, 3686). */
static bool
encr_has_key_length(uint16_t id)
{
	switch (id) {
	case 12: /* ENCR_AES_CBC */
	case 13: /* ENCR_AES_CTR */
	case 18: /* ENCR_AES_GCM_8 */
	case 19: /* ENCR_AES_GCM_12 */
	case 20: /* ENCR_AES_GCM_16 */
	case 21: /* ENCR_NULL_AUTH_AES_GMAC */
		return true;
	default:
		return false;
	}
}

static int
put_transform(struct ikev2_proposal *p, uint8_t type, uint16_t id, uint16_t key_bits)
{
	if (p->n_transforms >= IKEV2_TRANSFORMS_MAX)
		return -EINVAL;
	p->t[p->n_transforms++] =
	    (struct ikev2_transform){ .type = type, .id = id, .key_bits = key_bits };
	return 0;
}

static void
ike_proposal(const struct config_ike_proposal *cp, unsigned int num, const uint8_t *spi,
    uint8_t spi_len, struct ikev2_proposal *p)
{
	memset(p, 0, sizeof(*p));
	p->num = (uint8_t)num;
	p->proto = IKEV2_PROTO_IKE;
	p->spi_len = spi_len;
	if (spi_len > 0)
		memcpy(p->spi, spi, spi_len);
	/* Five transforms at most: IKEV2_TRANSFORMS_MAX cannot overflow here. */
	put_transform(p, IKEV2_TRANS_ENCR, cp->encr,
	    encr_has_key_length(cp->encr) ? cp->encr_bits : 0);
	put_transform(p, IKEV2_TRANS_PRF, cp->prf, 0);
	if (cp->integ != 0)
		put_transform(p, IKEV2_TRANS_INTEG, cp->integ, 0);
	put_transform(p, IKEV2_TRANS_DH, cp->dh, 0);
}

int
ikev2_prop_ike_offer(const struct config_connection *conn, const uint8_t *spi, uint8_t spi_len,
    struct ikev2_sa_payload *sa)
{
	unsigned int i;

	memset(sa, 0, sizeof(*sa));
	if ((spi_len != 0 && spi_len != 8) || (spi_len != 0 && spi == NULL) ||
	    conn->n_proposals > IKEV2_PROPOSALS_MAX)
		return -EINVAL;
	for (i = 0; i < conn->n_proposals; i++)
		ike_proposal(&conn->proposals[i], i + 1, spi, spi_len, &sa->p[i]);
	sa->n = conn->n_proposals;
	return (int)sa->n;
}

static bool
esp_usable(const struct alg_proposal *alg)
{
	return alg->iana_encr != 0 && (alg->aead || alg->iana_integ != 0);
}

static void
esp_proposal(const struct config_esp_proposal *ep, unsigned int num, const uint8_t *spi,
    bool with_dh, struct ikev2_proposal *p)
{
	uint16_t e = ep->alg.iana_encr;

	memset(p, 0, sizeof(*p));
	p->num = (uint8_t)num;
	p->proto = IKEV2_PROTO_ESP;
	p->spi_len = 4;
	memcpy(p->spi, spi, 4);
	put_transform(p, IKEV2_TRANS_ENCR, e,
	    encr_has_key_length(e) ? (uint16_t)(ep->alg.cipher_key_len * 8) : 0);
	if (!ep->alg.aead)
		put_transform(p, IKEV2_TRANS_INTEG, ep->alg.iana_integ, 0);
	if (with_dh && ep->dh != 0)
		put_transform(p, IKEV2_TRANS_DH, ep->dh, 0);
	/* strongSwan: without "esn"/"noesn" only noesn; "esn" alone only ESN. */
	if (ep->noesn || !ep->esn)
		put_transform(p, IKEV2_TRANS_ESN, 0, 0);
	if (ep->esn)
		put_transform(p, IKEV2_TRANS_ESN, 1, 0);
}

/* Our ESP offer, with @map[k] the esp_proposals index of proposal k. */
static int
esp_offer(const struct config_child *child, const uint8_t *spi, bool with_dh,
    struct ikev2_sa_payload *sa, unsigned int *map)
{
	unsigned int i;

	memset(sa, 0, sizeof(*sa));
	if (spi == NULL)
		return -EINVAL;
	for (i = 0; i < child->n_esp_proposals; i++) {
		if (!esp_usable(&child->esp_proposals[i].alg))
			continue;
		if (sa->n == IKEV2_PROPOSALS_MAX)
			return -EINVAL;
		esp_proposal(&child->esp_proposals[i], sa->n + 1, spi, with_dh, &sa->p[sa->n]);
		map[sa->n] = i;
		sa->n++;
	}
	return (int)sa->n;
}

int
ikev2_prop_esp_offer(const struct config_child *child, const uint8_t *spi, bool with_dh,
    struct ikev2_sa_payload *sa)
{
	unsigned int map[IKEV2_PROPOSALS_MAX];

	return esp_offer(child, spi, with_dh, sa, map);
}

/* ---- selection ---- */

/* How a proposal pair is compared. */
struct sel {
	bool prefer_ours;
	bool skip_dh;      /* IKE_AUTH: DH transforms do not count on either side */
	uint16_t ke_group; /* 0: any; else the DH transform must be this group */
};

static bool
same_transform(const struct ikev2_transform *a, const struct ikev2_transform *b)
{
	return a->type == b->type && a->id == b->id && a->key_bits == b->key_bits;
}

/*
 * Does transform @t count?  DH with id 0 (NONE) and INTEG NONE stand for
 * "absent" (RFC 7296 §3.3.3), and DH not at all when @skip_dh.
 */
static bool
counts(const struct ikev2_transform *t, bool skip_dh)
{
	if (t->type == IKEV2_TRANS_DH)
		return !skip_dh && t->id != 0;
	if (t->type == IKEV2_TRANS_INTEG)
		return t->id != 0;
	return true;
}

static bool
has_type(const struct ikev2_proposal *p, uint8_t type, bool skip_dh)
{
	unsigned int i;

	for (i = 0; i < p->n_transforms; i++) {
		if (p->t[i].type == type && counts(&p->t[i], skip_dh))
			return true;
	}
	return false;
}

static bool
offers(const struct ikev2_proposal *p, const struct ikev2_transform *t)
{
	unsigned int i;

	for (i = 0; i < p->n_transforms; i++) {
		if (same_transform(&p->t[i], t))
			return true;
	}
	return false;
}

/* The peer's proposal is usable at all: known attributes and transform types only. */
static bool
parseable(const struct ikev2_proposal *p)
{
	unsigned int i;

	if (p->unknown_attr)
		return false;
	for (i = 0; i < p->n_transforms; i++) {
		if (p->t[i].type == 0 || p->t[i].type > TRANS_TYPES)
			return false;
	}
	return true;
}

/*
 * Match our proposal @o against the peer's @t: for every transform type
 * one both offer (in the preferred side's order); a type only one side
 * has fails the pair, except ESN missing from the peer's ESP proposal,
 * taken as "no ESN".  @out gets the answer: @t's number, protocol and SPI.
 */
static bool
pair_match(const struct ikev2_proposal *o, const struct ikev2_proposal *t, const struct sel *s,
    struct ikev2_proposal *out)
{
	const struct ikev2_proposal *first, *second;
	const struct ikev2_transform *pick;
	struct ikev2_transform noesn = { .type = IKEV2_TRANS_ESN, .id = 0 };
	bool in_o, in_t;
	unsigned int type, i;

	memset(out, 0, sizeof(*out));
	out->num = t->num;
	out->proto = t->proto;
	out->spi_len = t->spi_len;
	memcpy(out->spi, t->spi, sizeof(out->spi));
	first = s->prefer_ours ? o : t;
	second = s->prefer_ours ? t : o;
	for (type = 1; type <= TRANS_TYPES; type++) {
		in_o = has_type(o, (uint8_t)type, s->skip_dh);
		in_t = has_type(t, (uint8_t)type, s->skip_dh);
		if (!in_o && !in_t)
			continue;
		if (in_o && !in_t && type == IKEV2_TRANS_ESN && o->proto != IKEV2_PROTO_IKE) {
			/* A peer that omits ESN means none. */
			if (!offers(o, &noesn))
				return false;
			continue;
		}
		if (in_o != in_t)
			return false;
		pick = NULL;
		for (i = 0; i < first->n_transforms && pick == NULL; i++) {
			const struct ikev2_transform *x = &first->t[i];

			if (x->type != type || !counts(x, s->skip_dh) || !offers(second, x))
				continue;
			if (type == IKEV2_TRANS_DH && s->ke_group != 0 && x->id != s->ke_group)
				continue;
			pick = x;
		}
		if (pick == NULL)
			return false;
		out->t[out->n_transforms++] = *pick;
	}
	return true;
}

/* The best pair of @ours x @theirs under @s: 0 with *@oi, *@ti, @reply, or -ENOENT. */
static int
select_pair(const struct ikev2_sa_payload *ours, const struct ikev2_sa_payload *theirs,
    uint8_t proto, uint8_t spi_len, const struct sel *s, unsigned int *oi, unsigned int *ti,
    struct ikev2_proposal *reply)
{
	unsigned int a, b, na = s->prefer_ours ? ours->n : theirs->n;
	unsigned int nb = s->prefer_ours ? theirs->n : ours->n, i, j;
	const struct ikev2_proposal *t;

	for (a = 0; a < na; a++) {
		for (b = 0; b < nb; b++) {
			i = s->prefer_ours ? a : b;
			j = s->prefer_ours ? b : a;
			t = &theirs->p[j];
			if (t->proto != proto || t->spi_len != spi_len || !parseable(t))
				continue;
			if (pair_match(&ours->p[i], t, s, reply)) {
				*oi = i;
				*ti = j;
				return 0;
			}
		}
	}
	return -ENOENT;
}

static uint16_t
chosen_id(const struct ikev2_proposal *p, uint8_t type)
{
	unsigned int i;

	for (i = 0; i < p->n_transforms; i++) {
		if (p->t[i].type == type)
			return p->t[i].id;
	}
	return 0;
}

static uint16_t
chosen_key_bits(const struct ikev2_proposal *p)
{
	unsigned int i;

	for (i = 0; i < p->n_transforms; i++) {
		if (p->t[i].type == IKEV2_TRANS_ENCR)
			return p->t[i].key_bits;
	}
	return 0;
}

/*
 * Selection with the KE rule: first among proposals using the KE payload's
 * group; failing that, the best one, whose group is then asked for.
 */
static enum ikev2_notify
select_ke(const struct ikev2_sa_payload *ours, const struct ikev2_sa_payload *in, uint8_t proto,
    uint8_t spi_len, struct sel *s, uint16_t ke_group, unsigned int *oi,
    struct ikev2_proposal *reply, uint16_t *ke_want, const char **why)
{
	unsigned int ti;
	uint16_t dh;

	*ke_want = 0;
	if (in->n == 0) {
		*why = "no proposals";
		return IKEV2_N_NO_PROPOSAL_CHOSEN;
	}
	if (!s->skip_dh && ke_group != 0) {
		s->ke_group = ke_group;
		if (select_pair(ours, in, proto, spi_len, s, oi, &ti, reply) == 0)
			return IKEV2_N_NONE;
	}
	s->ke_group = 0;
	if (select_pair(ours, in, proto, spi_len, s, oi, &ti, reply) != 0) {
		*why = "no proposal of the peer matches ours";
		return IKEV2_N_NO_PROPOSAL_CHOSEN;
	}
	dh = s->skip_dh ? 0 : chosen_id(reply, IKEV2_TRANS_DH);
	if (dh != 0 && dh != ke_group) {
		*ke_want = dh;
		*why = ke_group == 0 ? "the chosen proposal needs a KE payload" :
		                       "the KE payload's group is not the chosen proposal's";
		return IKEV2_N_INVALID_KE_PAYLOAD;
	}
	return IKEV2_N_NONE;
}

enum ikev2_notify
ikev2_prop_ike_select(const struct ikev2_sa_payload *in, const struct config_connection *conn,
    bool prefer_ours, uint8_t spi_len, uint16_t ke_group, struct ikev2_prop_ike *out,
    struct ikev2_proposal *reply, uint16_t *ke_want, const char **why)
{
	struct ikev2_sa_payload ours;
	struct sel s = { .prefer_ours = prefer_ours };
	enum ikev2_notify n;
	unsigned int oi;
	uint8_t dummy[8] = { 0 };

	*why = "";
	*ke_want = 0;
	if (ikev2_prop_ike_offer(conn, spi_len != 0 ? dummy : NULL, spi_len, &ours) <= 0) {
		*why = "no IKE proposals configured";
		return IKEV2_N_NO_PROPOSAL_CHOSEN;
	}
	n = select_ke(&ours, in, IKEV2_PROTO_IKE, spi_len, &s, ke_group, &oi, reply, ke_want, why);
	if (n != IKEV2_N_NONE)
		return n;
	memset(out, 0, sizeof(*out));
	out->index = oi;
	out->encr = chosen_id(reply, IKEV2_TRANS_ENCR);
	out->encr_bits = chosen_key_bits(reply);
	out->prf = chosen_id(reply, IKEV2_TRANS_PRF);
	out->integ = chosen_id(reply, IKEV2_TRANS_INTEG);
	out->dh = chosen_id(reply, IKEV2_TRANS_DH);
	return IKEV2_N_NONE;
}

static void
esp_out(const struct config_child *child, unsigned int index, const struct ikev2_proposal *p,
    bool with_dh, struct ikev2_prop_esp *out)
{
	memset(out, 0, sizeof(*out));
	out->index = index;
	out->alg = child->esp_proposals[index].alg;
	out->dh = with_dh ? chosen_id(p, IKEV2_TRANS_DH) : 0;
	out->esn = chosen_id(p, IKEV2_TRANS_ESN) == 1;
	memcpy(out->spi, p->spi, 4);
}

enum ikev2_notify
ikev2_prop_esp_select(const struct ikev2_sa_payload *in, const struct config_child *child,
    bool prefer_ours, bool with_dh, uint16_t ke_group, struct ikev2_prop_esp *out,
    struct ikev2_proposal *reply, uint16_t *ke_want, const char **why)
{
	static const uint8_t zero_spi[4];
	struct ikev2_sa_payload ours;
	unsigned int map[IKEV2_PROPOSALS_MAX], oi;
	struct sel s = { .prefer_ours = prefer_ours, .skip_dh = !with_dh };
	enum ikev2_notify n;

	*why = "";
	*ke_want = 0;
	if (esp_offer(child, zero_spi, with_dh, &ours, map) <= 0) {
		*why = "no ESP proposals configured";
		return IKEV2_N_NO_PROPOSAL_CHOSEN;
	}
	n = select_ke(&ours, in, IKEV2_PROTO_ESP, 4, &s, ke_group, &oi, reply, ke_want, why);
	if (n != IKEV2_N_NONE)
		return n;
	esp_out(child, map[oi], reply, with_dh, out);
	return IKEV2_N_NONE;
}

/*
 * The responder's single proposal @r against our offer @ours: its number
 * names one of ours; one transform per type, each offered there; every
 * type of ours present (ESN may be left out: none).
 */
static enum ikev2_notify
check_reply(const struct ikev2_sa_payload *in, const struct ikev2_sa_payload *ours, uint8_t proto,
    uint8_t spi_len, bool skip_dh, unsigned int *oi, const char **why)
{
	const struct ikev2_proposal *r, *o = NULL;
	bool seen[TRANS_TYPES + 1] = { false };
	struct ikev2_transform noesn = { .type = IKEV2_TRANS_ESN, .id = 0 };
	unsigned int i, type;

	if (in->n != 1) {
		*why = "the answer must hold exactly one proposal";
		return IKEV2_N_INVALID_SYNTAX;
	}
	r = &in->p[0];
	if (r->proto != proto || r->spi_len != spi_len || !parseable(r)) {
		*why = "the answer's protocol, SPI size or transforms are not ours";
		return IKEV2_N_INVALID_SYNTAX;
	}
	for (i = 0; i < ours->n; i++) {
		if (ours->p[i].num == r->num) {
			o = &ours->p[i];
			*oi = i;
		}
	}
	if (o == NULL) {
		*why = "the answer's proposal number is none of ours";
		return IKEV2_N_NO_PROPOSAL_CHOSEN;
	}
	for (i = 0; i < r->n_transforms; i++) {
		type = r->t[i].type;
		if (seen[type]) {
			*why = "more than one transform of a type in the answer";
			return IKEV2_N_INVALID_SYNTAX;
		}
		seen[type] = true;
		if (type == IKEV2_TRANS_DH && skip_dh)
			continue;
		if (!offers(o, &r->t[i]) && counts(&r->t[i], skip_dh)) {
			*why = "the answer holds a transform we did not offer";
			return IKEV2_N_NO_PROPOSAL_CHOSEN;
		}
	}
	for (type = 1; type <= TRANS_TYPES; type++) {
		if (!has_type(o, (uint8_t)type, skip_dh) || has_type(r, (uint8_t)type, skip_dh))
			continue;
		if (type == IKEV2_TRANS_ESN && offers(o, &noesn))
			continue;
		*why = "the answer lacks a transform type we offered";
		return IKEV2_N_NO_PROPOSAL_CHOSEN;
	}
	return IKEV2_N_NONE;
}

enum ikev2_notify
ikev2_prop_ike_check(const struct ikev2_sa_payload *in, const struct config_connection *conn,
    uint8_t spi_len, struct ikev2_prop_ike *out, const char **why)
{
	struct ikev2_sa_payload ours;
	uint8_t dummy[8] = { 0 };
	enum ikev2_notify n;
	unsigned int oi = 0;
	const struct ikev2_proposal *r = &in->p[0];

	*why = "";
	if (ikev2_prop_ike_offer(conn, spi_len != 0 ? dummy : NULL, spi_len, &ours) <= 0) {
		*why = "no IKE proposals configured";
		return IKEV2_N_NO_PROPOSAL_CHOSEN;
	}
	n = check_reply(in, &ours, IKEV2_PROTO_IKE, spi_len, false, &oi, why);
	if (n != IKEV2_N_NONE)
		return n;
	memset(out, 0, sizeof(*out));
	out->index = oi;
	out->encr = chosen_id(r, IKEV2_TRANS_ENCR);
	out->encr_bits = chosen_key_bits(r);
	out->prf = chosen_id(r, IKEV2_TRANS_PRF);
	out->integ = chosen_id(r, IKEV2_TRANS_INTEG);
	out->dh = chosen_id(r, IKEV2_TRANS_DH);
	return IKEV2_N_NONE;
}

enum ikev2_notify
ikev2_prop_esp_check(const struct ikev2_sa_payload *in, const struct config_child *child,
    bool with_dh, struct ikev2_prop_esp *out, const char **why)
{
	static const uint8_t zero_spi[4];
	struct ikev2_sa_payload ours;
	unsigned int map[IKEV2_PROPOSALS_MAX], oi = 0;
	enum ikev2_notify n;

	*why = "";
	if (esp_offer(child, zero_spi, with_dh, &ours, map) <= 0) {
		*why = "no ESP proposals configured";
		return IKEV2_N_NO_PROPOSAL_CHOSEN;
	}
	n = check_reply(in, &ours, IKEV2_PROTO_ESP, 4, !with_dh, &oi, why);
	if (n != IKEV2_N_NONE)
		return n;
	esp_out(child, map[oi], &in->p[0], with_dh, out);
	return IKEV2_N_NONE;
}

/* ---- names ---- */

static const char *
encr_name(uint16_t id)
{
	switch (id) {
	case 3:
		return "3des";
	case 11:
		return "null";
	case 12:
		return "aes";
	case 13:
		return "aesctr";
	case 18:
		return "aesgcm8-";
	case 19:
		return "aesgcm12-";
	case 20:
		return "aesgcm16-";
	case 21:
		return "aesgmac";
	case 28:
		return "chacha20poly1305";
	default:
		return NULL;
	}
}

static const char *
integ_name(uint16_t id)
{
	switch (id) {
	case 2:
		return "sha1";
	case 12:
		return "sha256";
	case 13:
		return "sha384";
	case 14:
		return "sha512";
	default:
		return NULL;
	}
}

static const char *
prf_name(uint16_t id)
{
	switch (id) {
	case 2:
		return "prfsha1";
	case 5:
		return "prfsha256";
	case 6:
		return "prfsha384";
	case 7:
		return "prfsha512";
	default:
		return NULL;
	}
}

static const char *
dh_name(uint16_t id)
{
	switch (id) {
	case 14:
		return "modp2048";
	case 15:
		return "modp3072";
	case 16:
		return "modp4096";
	case 19:
		return "ecp256";
	case 20:
		return "ecp384";
	case 21:
		return "ecp521";
	case 31:
		return "curve25519";
	case 32:
		return "curve448";
	default:
		return NULL;
	}
}

void
ikev2_prop_name(const struct ikev2_proposal *p, char *buf, size_t len)
{
	static const char *const unk[TRANS_TYPES + 1] = { "", "encr", "prf", "integ", "dh", "esn" };
	const struct ikev2_transform *t;
	const char *n;
	size_t off = 0;
	unsigned int i;
	int w;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < p->n_transforms && off < len; i++) {
		t = &p->t[i];
		switch (t->type) {
		case IKEV2_TRANS_ENCR:
			n = encr_name(t->id);
			break;
		case IKEV2_TRANS_PRF:
			n = prf_name(t->id);
			break;
		case IKEV2_TRANS_INTEG:
			n = integ_name(t->id);
			break;
		case IKEV2_TRANS_DH:
			n = dh_name(t->id);
			break;
		case IKEV2_TRANS_ESN:
			n = t->id == 1 ? "esn" : t->id == 0 ? "noesn" : NULL;
			break;
		default:
			n = NULL;
			break;
		}
		if (n != NULL && t->type == IKEV2_TRANS_ENCR && t->key_bits != 0) {
			/* "aes128", "aes256gcm16" as strongSwan writes them */
			if (t->id >= 18 && t->id <= 20)
				w = snprintf(buf + off, len - off, "%saes%ugcm%u", i ? "-" : "",
				    t->key_bits,
				    t->id == 18     ? 8u :
				        t->id == 19 ? 12u :
				                      16u);
			else
				w = snprintf(buf + off, len - off, "%s%s%u", i ? "-" : "", n,
				    t->key_bits);
		} else if (n != NULL) {
			w = snprintf(buf + off, len - off, "%s%s", i ? "-" : "", n);
		} else {
			w = snprintf(buf + off, len - off, "%s%s%u", i ? "-" : "",
			    t->type <= TRANS_TYPES ? unk[t->type] : "type?", t->id);
		}
		if (w < 0)
			return;
		off += (size_t)w;
	}
}

/* ---- traffic selectors ---- */

static uint8_t
ts_family(const struct ikev2_ts *t)
{
	return t->type == IKEV2_TS_IPV4_ADDR_RANGE ? 4 :
	    t->type == IKEV2_TS_IPV6_ADDR_RANGE    ? 6 :
	                                             0;
}

/* Usable: a known type, start <= end for addresses and ports. */
static bool
ts_valid(const struct ikev2_ts *t)
{
	uint8_t f = ts_family(t);

	return f != 0 && t->start_port <= t->end_port &&
	    memcmp(t->start, t->end, ike_ts_addr_len(f)) <= 0;
}

void
ikev2_prop_ts_from_config(const struct config_ts *ts, struct ikev2_ts *out)
{
	memset(out, 0, sizeof(*out));
	out->type = ts->net.a.family == 4 ? IKEV2_TS_IPV4_ADDR_RANGE : IKEV2_TS_IPV6_ADDR_RANGE;
	out->proto = ts->protocol < 0 ? 0 : (uint8_t)ts->protocol;
	out->start_port = ts->ports.first;
	out->end_port = ts->ports.last;
	ike_ts_prefix_range(&ts->net, out->start, out->end);
}

int
ikev2_prop_ts_offer(const struct config_ts *ts, unsigned int n, const struct config_addr *ike,
    const struct ikev2_ts *trigger, struct ikev2_ts_payload *out)
{
	struct config_ts r;
	unsigned int i;

	memset(out, 0, sizeof(*out));
	if (n + (trigger != NULL ? 1 : 0) > IKEV2_TS_MAX)
		return -E2BIG;
	if (trigger != NULL)
		out->ts[out->n++] = *trigger;
	for (i = 0; i < n; i++) {
		ike_ts_resolve(&ts[i], ike, &r);
		ikev2_prop_ts_from_config(&r, &out->ts[out->n++]);
	}
	return (int)out->n;
}

/* The intersection of @a and @b into @out; false when empty. */
static bool
ts_intersect(const struct ikev2_ts *a, const struct ikev2_ts *b, struct ikev2_ts *out)
{
	unsigned int n;

	if (a->type != b->type || !ts_valid(a) || !ts_valid(b))
		return false;
	n = ike_ts_addr_len(ts_family(a));
	memset(out, 0, sizeof(*out));
	out->type = a->type;
	if (a->proto == 0)
		out->proto = b->proto;
	else if (b->proto == 0 || b->proto == a->proto)
		out->proto = a->proto;
	else
		return false;
	out->start_port = a->start_port > b->start_port ? a->start_port : b->start_port;
	out->end_port = a->end_port < b->end_port ? a->end_port : b->end_port;
	if (out->start_port > out->end_port)
		return false;
	memcpy(out->start, memcmp(a->start, b->start, n) > 0 ? a->start : b->start, n);
	memcpy(out->end, memcmp(a->end, b->end, n) < 0 ? a->end : b->end, n);
	return memcmp(out->start, out->end, n) <= 0;
}

/* Does @outer cover @inner entirely? */
static bool
ts_covers(const struct ikev2_ts *outer, const struct ikev2_ts *inner)
{
	unsigned int n;

	if (outer->type != inner->type || !ts_valid(outer) || !ts_valid(inner))
		return false;
	n = ike_ts_addr_len(ts_family(outer));
	if (outer->proto != 0 && outer->proto != inner->proto)
		return false;
	return outer->start_port <= inner->start_port && inner->end_port <= outer->end_port &&
	    memcmp(outer->start, inner->start, n) <= 0 && memcmp(inner->end, outer->end, n) <= 0;
}

enum ikev2_notify
ikev2_prop_ts_narrow(const struct ikev2_ts_payload *proposed, const struct config_ts *ts,
    unsigned int n, const struct config_addr *ike, struct ikev2_ts_payload *out)
{
	struct ikev2_ts mine, x;
	struct config_ts r;
	unsigned int i, j, k;
	bool covered;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < n; i++) {
		ike_ts_resolve(&ts[i], ike, &r);
		ikev2_prop_ts_from_config(&r, &mine);
		for (j = 0; j < proposed->n; j++) {
			if (!ts_intersect(&mine, &proposed->ts[j], &x))
				continue;
			covered = false;
			for (k = 0; k < out->n && !covered; k++)
				covered = ts_covers(&out->ts[k], &x);
			if (covered)
				continue;
			/* Drop what the new one covers, then add it. */
			for (k = 0; k < out->n;) {
				if (ts_covers(&x, &out->ts[k]))
					out->ts[k] = out->ts[--out->n];
				else
					k++;
			}
			if (out->n < IKEV2_TS_MAX)
				out->ts[out->n++] = x;
		}
	}
	return out->n > 0 ? IKEV2_N_NONE : IKEV2_N_TS_UNACCEPTABLE;
}

enum ikev2_notify
ikev2_prop_ts_check(const struct ikev2_ts_payload *offered, const struct ikev2_ts_payload *got)
{
	unsigned int i, j;
	bool ok;

	if (got->n == 0)
		return IKEV2_N_TS_UNACCEPTABLE;
	for (i = 0; i < got->n; i++) {
		ok = false;
		for (j = 0; j < offered->n && !ok; j++)
			ok = ts_covers(&offered->ts[j], &got->ts[i]);
		if (!ok)
			return IKEV2_N_TS_UNACCEPTABLE;
	}
	return IKEV2_N_NONE;
}

int
ikev2_prop_ts_install(const struct ikev2_ts_payload *ts, struct config_ts *out, unsigned int max)
{
	struct config_prefix pfx[CONFIG_TS_MAX];
	unsigned int i, k, count = 0;
	const struct ikev2_ts *t;
	int m;

	for (i = 0; i < ts->n; i++) {
		t = &ts->ts[i];
		if (!ts_valid(t))
			return -EINVAL;
		m = ike_ts_range_split(ts_family(t), t->start, t->end, pfx,
		    max - count < CONFIG_TS_MAX ? max - count : CONFIG_TS_MAX);
		if (m < 0)
			return m;
		for (k = 0; k < (unsigned int)m; k++) {
			memset(&out[count], 0, sizeof(out[count]));
			out[count].net = pfx[k];
			out[count].protocol = t->proto == 0 ? -1 : t->proto;
			out[count].ports.first = t->start_port;
			out[count].ports.last = t->end_port;
			count++;
		}
	}
	return (int)count;
}
