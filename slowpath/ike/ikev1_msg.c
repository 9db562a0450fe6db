/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ikev1_msg.c: IKEv1 (ISAKMP, RFC 2408/2407/2409) messages: parse into plain structs, build back. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "common/limits.h"
#include "slowpath/ike/ike_payload.h"
#include "slowpath/ike/ikev1_msg.h"

/* Fixed parts of payload bodies, after the generic header. */
#define SA_FIXED    8 /* DOI, Situation (RFC 2407 §4.6.1: IPsec DOI) */
#define P_FIXED     4 /* Proposal #, Protocol-Id, SPI Size, # of Transforms */
#define T_FIXED     4 /* Transform #, Transform-Id, RESERVED2 */
#define ID_FIXED    4 /* ID Type, Protocol ID, Port (RFC 2407 §4.6.2) */
#define CERT_FIXED  1 /* Encoding */
#define N_FIXED     8 /* DOI, Protocol-Id, SPI Size, Notify Message Type */
#define D_FIXED     8 /* DOI, Protocol-Id, SPI Size, # of SPIs */
#define NATOA_FIXED 4 /* ID Type, RESERVED, RESERVED */
#define CFG_FIXED   4 /* Type, RESERVED, Identifier */
#define FRAG_FIXED  4 /* Fragment ID, Fragment Number, Flags */

/*
 * Record a failure: the notify for the answer and the payload it was in.
 * Returns @rc, so that callers can "return fail(m, ...)".
 */
static int
fail(struct ikev1_msg *m, int rc, enum ikev1_notify n, uint8_t type)
{
	m->error = n;
	m->error_payload = type;
	return rc;
}

/* Top-level payload types of IKEv1; Proposal and Transform live only inside SA. */
static bool
known_v1(uint8_t type)
{
	switch (type) {
	case IKEV1_PL_SA:
	case IKEV1_PL_KE:
	case IKEV1_PL_ID:
	case IKEV1_PL_CERT:
	case IKEV1_PL_CR:
	case IKEV1_PL_HASH:
	case IKEV1_PL_SIG:
	case IKEV1_PL_NONCE:
	case IKEV1_PL_N:
	case IKEV1_PL_D:
	case IKEV1_PL_VID:
	case IKEV1_PL_ATTR:
	case IKEV1_PL_NATD:
	case IKEV1_PL_NATOA:
	case IKEV1_PL_NATD_DRAFT:
	case IKEV1_PL_NATOA_DRAFT:
	case IKEV1_PL_FRAG:
		return true;
	default:
		return false;
	}
}

/* SPI sizes per protocol in proposals (RFC 2408 §3.5, RFC 2407 §4.4). */
static bool
proposal_spi_ok(uint8_t proto, uint8_t size)
{
	switch (proto) {
	case IKEV1_PROTO_ISAKMP:
		/* "the SPI Size is irrelevant and MAY be from zero (0) to sixteen (16)" */
		return size <= IKEV1_SPI_MAX;
	case IKEV1_PROTO_IPSEC_AH:
	case IKEV1_PROTO_IPSEC_ESP:
		return size == IKEV1_IPSEC_SPI_LEN;
	case IKEV1_PROTO_IPCOMP:
		/* RFC 2407 §4.4.3: a 2-byte CPI, which may be sent as 4 bytes */
		return size == 2 || size == 4;
	default:
		return false;
	}
}

/*
 * The SA attributes of one transform: @p/@len to the end of the transform.
 * RFC 2408 §3.3: TV or TLV; a TLV value may not run past the transform.
 */
static int
parse_sa_attrs(struct ikev1_msg *m, const uint8_t *p, size_t len, struct ikev1_transform *t)
{
	struct ikev1_sa *sa = &m->sa;
	size_t off = 0;

	t->attr_first = sa->n_attrs;
	t->n_attrs = 0;
	while (off < len) {
		if (sa->n_attrs >= IKEV1_SA_ATTRS_MAX)
			return fail(m, -E2BIG, IKEV1_N_PAYLOAD_MALFORMED, IKEV1_PL_SA);
		if (ike_payload_attr_next(p, len, &off, &sa->attrs[sa->n_attrs]) != 0)
			return fail(m, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED, IKEV1_PL_SA);
		sa->n_attrs++;
		t->n_attrs++;
	}
	return 0;
}

/*
 * Check that @len bytes at @p are a chain of exactly @count substructures
 * of @type (Proposal or Transform: RFC 2408 §3.5/§3.6), each at least
 * @fixed bytes, Next Payload @type on all but the last, which ends exactly
 * at the end.  Done before any content is read, so that a nesting error is
 * BAD-PROPOSAL-SYNTAX whatever the bytes inside look like.  @count 0: any
 * number from 1 up to @max.  Returns 0, -EBADMSG, or -E2BIG past @max.
 */
static int
check_nesting(const uint8_t *p, size_t len, uint8_t type, size_t fixed, unsigned int count,
    unsigned int max)
{
	struct ike_payload_iter it;
	struct ike_payload pl;
	int rc;

	ike_payload_iter_init(&it, p, len, type, count != 0 ? count : max, NULL, 0);
	while ((rc = ike_payload_iter_next(&it, &pl)) == 1)
		if (pl.type != type || pl.len < fixed)
			return -EBADMSG;
	if (rc == -E2BIG && count == 0)
		return -E2BIG;
	if (rc != 0 || it.count == 0 || (count != 0 && it.count != count))
		return -EBADMSG;
	return 0;
}

/* The transforms of one proposal (RFC 2408 §3.6): exactly @count, filling @len exactly. */
static int
parse_transforms(struct ikev1_msg *m, const uint8_t *p, size_t len, unsigned int count,
    struct ikev1_proposal *pr)
{
	struct ikev1_sa *sa = &m->sa;
	struct ike_payload_iter it;
	struct ikev1_transform *t;
	struct ike_payload pl;
	int rc;

	/* # of Transforms 0 is no proposal; a count that disagrees with the
	 * chain is a bad syntax, not a limit. */
	if (count == 0 || check_nesting(p, len, IKEV1_PL_T, T_FIXED, count, count) != 0)
		return fail(m, -EBADMSG, IKEV1_N_BAD_PROPOSAL_SYNTAX, IKEV1_PL_SA);
	pr->t_first = sa->n_transforms;
	pr->n_transforms = 0;
	ike_payload_iter_init(&it, p, len, IKEV1_PL_T, count, NULL, 0);
	while (ike_payload_iter_next(&it, &pl) == 1) {
		if (sa->n_transforms >= IKEV1_TRANSFORMS_MAX)
			return fail(m, -E2BIG, IKEV1_N_PAYLOAD_MALFORMED, IKEV1_PL_SA);
		t = &sa->transforms[sa->n_transforms];
		t->num = pl.body[0];
		t->id = pl.body[1];
		/* body[2..3]: RESERVED2 */
		if ((rc = parse_sa_attrs(m, pl.body + T_FIXED, pl.len - T_FIXED, t)) != 0)
			return rc;
		sa->n_transforms++;
		pr->n_transforms++;
	}
	return 0;
}

/*
 * SA payload (RFC 2408 §3.4, RFC 2407 §4.6.1): DOI, Situation, then a chain
 * of Proposal payloads (Next Payload 2, the last 0) that must fill the SA
 * payload exactly, each holding exactly its # of Transforms.
 */
static int
parse_sa(struct ikev1_msg *m, const struct ike_payload *in)
{
	struct ikev1_sa *sa = &m->sa;
	struct ikev1_proposal *pr;
	struct ike_payload_iter it;
	struct ike_payload pl;
	int rc;

	if (m->has_sa)
		return fail(m, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED, IKEV1_PL_SA);
	if (in->len < SA_FIXED)
		return fail(m, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED, IKEV1_PL_SA);
	m->has_sa = true;
	sa->doi = ike_get32(in->body);
	sa->situation = ike_get32(in->body + 4);
	sa->body = in->body;
	sa->body_len = in->len;
	if (sa->doi != IKEV1_DOI_IPSEC)
		return fail(m, -EBADMSG, IKEV1_N_DOI_NOT_SUPPORTED, IKEV1_PL_SA);
	/* RFC 2407 §4.6.1: SIT_IDENTITY_ONLY MUST be supported; labelled
	 * secrecy and integrity are not. */
	if (sa->situation != IKEV1_SIT_IDENTITY_ONLY)
		return fail(m, -EBADMSG, IKEV1_N_SITUATION_NOT_SUPPORTED, IKEV1_PL_SA);

	rc = check_nesting(in->body + SA_FIXED, in->len - SA_FIXED, IKEV1_PL_P, P_FIXED, 0,
	    IKEV1_PROPOSALS_MAX);
	if (rc == -E2BIG)
		return fail(m, -E2BIG, IKEV1_N_PAYLOAD_MALFORMED, IKEV1_PL_SA);
	if (rc != 0)
		return fail(m, -EBADMSG, IKEV1_N_BAD_PROPOSAL_SYNTAX, IKEV1_PL_SA);
	ike_payload_iter_init(&it, in->body + SA_FIXED, in->len - SA_FIXED, IKEV1_PL_P,
	    IKEV1_PROPOSALS_MAX, NULL, 0);
	while (ike_payload_iter_next(&it, &pl) == 1) {
		pr = &sa->proposals[sa->n_proposals];
		pr->num = pl.body[0];
		pr->proto = pl.body[1];
		pr->spi_size = pl.body[2];
		pr->spi = pl.body + P_FIXED;
		/* RFC 2408 §4.2: numbers increase; equal numbers are one AND-ed proposal. */
		if (sa->n_proposals > 0 && pr->num < sa->proposals[sa->n_proposals - 1].num)
			return fail(m, -EBADMSG, IKEV1_N_BAD_PROPOSAL_SYNTAX, IKEV1_PL_SA);
		switch (pr->proto) {
		case IKEV1_PROTO_ISAKMP:
		case IKEV1_PROTO_IPSEC_AH:
		case IKEV1_PROTO_IPSEC_ESP:
		case IKEV1_PROTO_IPCOMP:
			break;
		default:
			return fail(m, -EBADMSG, IKEV1_N_INVALID_PROTOCOL_ID, IKEV1_PL_SA);
		}
		if (!proposal_spi_ok(pr->proto, pr->spi_size))
			return fail(m, -EBADMSG, IKEV1_N_INVALID_SPI, IKEV1_PL_SA);
		if (pl.len - P_FIXED < pr->spi_size)
			return fail(m, -EBADMSG, IKEV1_N_BAD_PROPOSAL_SYNTAX, IKEV1_PL_SA);
		rc = parse_transforms(m, pl.body + P_FIXED + pr->spi_size,
		    pl.len - P_FIXED - pr->spi_size, pl.body[3], pr);
		if (rc != 0)
			return rc;
		sa->n_proposals++;
	}
	return 0;
}

/* Exact data lengths of the fixed-size ID types (RFC 2407 §4.6.2.2-§4.6.2.9); 0: variable. */
static int
id_len(uint8_t type)
{
	switch (type) {
	case IKEV1_ID_IPV4_ADDR:
		return 4;
	case IKEV1_ID_IPV4_ADDR_SUBNET:
	case IKEV1_ID_IPV4_ADDR_RANGE:
		return 8;
	case IKEV1_ID_IPV6_ADDR:
		return 16;
	case IKEV1_ID_IPV6_ADDR_SUBNET:
	case IKEV1_ID_IPV6_ADDR_RANGE:
		return 32;
	case IKEV1_ID_FQDN:
	case IKEV1_ID_USER_FQDN:
	case IKEV1_ID_DER_ASN1_DN:
	case IKEV1_ID_DER_ASN1_GN:
	case IKEV1_ID_KEY_ID:
		return 0;
	default:
		return -1;
	}
}

/* ID payload (RFC 2408 §3.8, RFC 2407 §4.6.2): type, protocol, port, data. */
static int
parse_id(struct ikev1_msg *m, const struct ike_payload *pl)
{
	struct ikev1_id *id;
	int want;

	if (m->n_ids >= 2)
		return fail(m, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED, IKEV1_PL_ID);
	if (pl->len < ID_FIXED)
		return fail(m, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED, IKEV1_PL_ID);
	id = &m->ids[m->n_ids];
	id->type = pl->body[0];
	id->proto = pl->body[1];
	id->port = ike_get16(pl->body + 2);
	id->data = pl->body + ID_FIXED;
	id->len = pl->len - ID_FIXED;
	want = id_len(id->type);
	if (want < 0 || (want > 0 && id->len != (size_t)want) || (want == 0 && id->len == 0))
		return fail(m, -EBADMSG, IKEV1_N_INVALID_ID_INFORMATION, IKEV1_PL_ID);
	m->n_ids++;
	return 0;
}

/* CERT (RFC 2408 §3.9) and CR (§3.10): an encoding byte, then data. */
static int
parse_cert(struct ikev1_msg *m, const struct ike_payload *pl, struct ikev1_cert *arr, uint8_t *n,
    unsigned int max)
{
	struct ikev1_cert *c;

	if (pl->len < CERT_FIXED)
		return fail(m, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED, pl->type);
	if (*n >= max)
		return fail(m, -E2BIG, IKEV1_N_PAYLOAD_MALFORMED, pl->type);
	c = &arr[*n];
	c->encoding = pl->body[0];
	c->data = pl->body + CERT_FIXED;
	c->len = pl->len - CERT_FIXED;
	/* A certificate has data; a CR may name no CA (RFC 2408 §3.10). */
	if (pl->type == IKEV1_PL_CERT && c->len == 0)
		return fail(m, -EBADMSG, IKEV1_N_INVALID_CERTIFICATE, pl->type);
	(*n)++;
	return 0;
}

/* Notification payload (RFC 2408 §3.14). */
static int
parse_n(struct ikev1_msg *m, const struct ike_payload *pl)
{
	struct ikev1_notification *n;

	if (pl->len < N_FIXED)
		return fail(m, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED, IKEV1_PL_N);
	if (m->n_notifies >= IKEV1_NOTIFIES_MAX)
		return fail(m, -E2BIG, IKEV1_N_PAYLOAD_MALFORMED, IKEV1_PL_N);
	n = &m->notifies[m->n_notifies];
	n->doi = ike_get32(pl->body);
	n->proto = pl->body[4];
	n->spi_size = pl->body[5];
	n->type = ike_get16(pl->body + 6);
	/* §3.14: DOI 0 is ISAKMP's own, 1 the IPsec DOI; others are unknown to us. */
	if (n->doi != IKEV1_DOI_ISAKMP && n->doi != IKEV1_DOI_IPSEC)
		return fail(m, -EBADMSG, IKEV1_N_DOI_NOT_SUPPORTED, IKEV1_PL_N);
	if (n->spi_size > IKEV1_SPI_MAX)
		return fail(m, -EBADMSG, IKEV1_N_INVALID_SPI, IKEV1_PL_N);
	if (pl->len - N_FIXED < n->spi_size)
		return fail(m, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED, IKEV1_PL_N);
	n->spi = pl->body + N_FIXED;
	n->data = n->spi + n->spi_size;
	n->data_len = pl->len - N_FIXED - n->spi_size;
	m->n_notifies++;
	return 0;
}

/* SPI sizes of deletes (RFC 2408 §3.15: 16 for ISAKMP, the cookie pair; RFC 2407 §4.4). */
static bool
delete_spi_ok(uint8_t proto, uint8_t size)
{
	switch (proto) {
	case IKEV1_PROTO_ISAKMP:
		return size == IKEV1_ISAKMP_SPI_LEN;
	case IKEV1_PROTO_IPSEC_AH:
	case IKEV1_PROTO_IPSEC_ESP:
		return size == IKEV1_IPSEC_SPI_LEN;
	case IKEV1_PROTO_IPCOMP:
		return size == 2 || size == 4;
	default:
		return false;
	}
}

/* Delete payload (RFC 2408 §3.15): SPI Size * # of SPIs fills the rest exactly. */
static int
parse_d(struct ikev1_msg *m, const struct ike_payload *pl)
{
	struct ikev1_delete *d;

	if (pl->len < D_FIXED)
		return fail(m, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED, IKEV1_PL_D);
	if (m->n_deletes >= IKEV1_DELETES_MAX)
		return fail(m, -E2BIG, IKEV1_N_PAYLOAD_MALFORMED, IKEV1_PL_D);
	d = &m->deletes[m->n_deletes];
	d->doi = ike_get32(pl->body);
	d->proto = pl->body[4];
	d->spi_size = pl->body[5];
	d->n_spis = ike_get16(pl->body + 6);
	d->spis = pl->body + D_FIXED;
	if (d->doi != IKEV1_DOI_ISAKMP && d->doi != IKEV1_DOI_IPSEC)
		return fail(m, -EBADMSG, IKEV1_N_DOI_NOT_SUPPORTED, IKEV1_PL_D);
	switch (d->proto) {
	case IKEV1_PROTO_ISAKMP:
	case IKEV1_PROTO_IPSEC_AH:
	case IKEV1_PROTO_IPSEC_ESP:
	case IKEV1_PROTO_IPCOMP:
		break;
	default:
		return fail(m, -EBADMSG, IKEV1_N_INVALID_PROTOCOL_ID, IKEV1_PL_D);
	}
	if (!delete_spi_ok(d->proto, d->spi_size))
		return fail(m, -EBADMSG, IKEV1_N_INVALID_SPI, IKEV1_PL_D);
	if (d->n_spis == 0 || (size_t)d->spi_size * d->n_spis != pl->len - D_FIXED)
		return fail(m, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED, IKEV1_PL_D);
	m->n_deletes++;
	return 0;
}

/* NAT-OA (RFC 3947 §5.2): ID type IPV4_ADDR or IPV6_ADDR, two reserved fields, the address. */
static int
parse_natoa(struct ikev1_msg *m, const struct ike_payload *pl)
{
	struct ikev1_natoa *oa;
	size_t want;

	if (pl->len < NATOA_FIXED)
		return fail(m, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED, pl->type);
	if (m->n_natoas >= 2)
		return fail(m, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED, pl->type);
	oa = &m->natoas[m->n_natoas];
	oa->id_type = pl->body[0];
	if (oa->id_type == IKEV1_ID_IPV4_ADDR)
		want = 4;
	else if (oa->id_type == IKEV1_ID_IPV6_ADDR)
		want = 16;
	else
		return fail(m, -EBADMSG, IKEV1_N_INVALID_ID_INFORMATION, pl->type);
	if (pl->len - NATOA_FIXED != want)
		return fail(m, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED, pl->type);
	oa->addr_len = (uint8_t)want;
	memset(oa->addr, 0, sizeof(oa->addr));
	memcpy(oa->addr, pl->body + NATOA_FIXED, want);
	m->n_natoas++;
	return 0;
}

/* Attribute payload (draft-ietf-ipsec-isakmp-mode-cfg-05 §3.2): Type, RESERVED, Identifier, attributes. */
static int
parse_cfg(struct ikev1_msg *m, const struct ike_payload *pl)
{
	struct ikev1_cfg *c = &m->cfg;
	size_t off = 0;

	if (m->has_cfg || pl->len < CFG_FIXED)
		return fail(m, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED, IKEV1_PL_ATTR);
	m->has_cfg = true;
	c->type = pl->body[0];
	c->identifier = ike_get16(pl->body + 2);
	c->n_attrs = 0;
	while (off < pl->len - CFG_FIXED) {
		if (c->n_attrs >= IKEV1_CFG_ATTRS_MAX)
			return fail(m, -E2BIG, IKEV1_N_PAYLOAD_MALFORMED, IKEV1_PL_ATTR);
		if (ike_payload_attr_next(pl->body + CFG_FIXED, pl->len - CFG_FIXED, &off,
		        &c->attrs[c->n_attrs]) != 0)
			return fail(m, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED, IKEV1_PL_ATTR);
		c->n_attrs++;
	}
	return 0;
}

/* Fragment payload (strongSwan's fragment_payload.c layout): ID, number (from 1), flags, data. */
static int
parse_frag(struct ikev1_msg *m, const struct ike_payload *pl)
{
	struct ikev1_frag *f = &m->frag;

	if (m->has_frag || pl->len < FRAG_FIXED)
		return fail(m, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED, IKEV1_PL_FRAG);
	m->has_frag = true;
	f->id = ike_get16(pl->body);
	f->num = pl->body[2];
	f->flags = pl->body[3];
	f->data = pl->body + FRAG_FIXED;
	f->len = pl->len - FRAG_FIXED;
	if (f->num == 0)
		return fail(m, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED, IKEV1_PL_FRAG);
	return 0;
}

/* A payload that occurs at most once and is just data: KE, NONCE, HASH, SIG. */
static int
parse_once(struct ikev1_msg *m, const struct ike_payload *pl, struct ikev1_blob *b,
    enum ikev1_notify empty)
{
	if (b->p != NULL)
		return fail(m, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED, pl->type);
	if (pl->len == 0)
		return fail(m, -EBADMSG, empty, pl->type);
	b->p = pl->body;
	b->len = pl->len;
	return 0;
}

/* A payload that may repeat and is just data: VID, NAT-D. */
static int
parse_many(struct ikev1_msg *m, const struct ike_payload *pl, struct ikev1_blob *arr, uint8_t *n,
    unsigned int max)
{
	if (*n >= max)
		return fail(m, -E2BIG, IKEV1_N_PAYLOAD_MALFORMED, pl->type);
	arr[*n].p = pl->body;
	arr[*n].len = pl->len;
	(*n)++;
	return 0;
}

/* One payload of the top-level chain.  @idx: its index in its array, for the payload list. */
static int
parse_one(struct ikev1_msg *m, const struct ike_payload *pl, uint8_t *idx)
{
	*idx = 0;
	switch (pl->type) {
	case IKEV1_PL_SA:
		return parse_sa(m, pl);
	case IKEV1_PL_KE:
		return parse_once(m, pl, &m->ke, IKEV1_N_INVALID_KEY_INFORMATION);
	case IKEV1_PL_ID:
		*idx = m->n_ids;
		return parse_id(m, pl);
	case IKEV1_PL_CERT:
		*idx = m->n_certs;
		return parse_cert(m, pl, m->certs, &m->n_certs, IKEV1_CERTS_MAX);
	case IKEV1_PL_CR:
		*idx = m->n_crs;
		return parse_cert(m, pl, m->crs, &m->n_crs, IKEV1_CRS_MAX);
	case IKEV1_PL_HASH:
		return parse_once(m, pl, &m->hash, IKEV1_N_INVALID_HASH_INFORMATION);
	case IKEV1_PL_SIG:
		return parse_once(m, pl, &m->sig, IKEV1_N_INVALID_SIGNATURE);
	case IKEV1_PL_NONCE:
		/* RFC 2409 §5: "The length of nonce payload MUST be between 8
		 * and 256 bytes inclusive." */
		if (pl->len < IKEV1_NONCE_MIN || pl->len > IKEV1_NONCE_MAX)
			return fail(m, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED, IKEV1_PL_NONCE);
		return parse_once(m, pl, &m->nonce, IKEV1_N_PAYLOAD_MALFORMED);
	case IKEV1_PL_N:
		*idx = m->n_notifies;
		return parse_n(m, pl);
	case IKEV1_PL_D:
		*idx = m->n_deletes;
		return parse_d(m, pl);
	case IKEV1_PL_VID:
		*idx = m->n_vids;
		return parse_many(m, pl, m->vids, &m->n_vids, IKEV1_VIDS_MAX);
	case IKEV1_PL_NATD:
	case IKEV1_PL_NATD_DRAFT:
		/* RFC 3947 §3.2: one NAT-D type per message, as negotiated by VID. */
		if (m->natd_type != 0 && m->natd_type != pl->type)
			return fail(m, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED, pl->type);
		m->natd_type = pl->type;
		*idx = m->n_natds;
		return parse_many(m, pl, m->natds, &m->n_natds, IKEV1_NATD_MAX);
	case IKEV1_PL_NATOA:
	case IKEV1_PL_NATOA_DRAFT:
		*idx = m->n_natoas;
		return parse_natoa(m, pl);
	case IKEV1_PL_ATTR:
		return parse_cfg(m, pl);
	case IKEV1_PL_FRAG:
		return parse_frag(m, pl);
	default:
		/* RFC 2408 §5.1: INVALID-PAYLOAD-TYPE (Proposal and Transform
		 * outside an SA payload, unassigned and private types). */
		return fail(m, -EBADMSG, IKEV1_N_INVALID_PAYLOAD_TYPE, pl->type);
	}
}

/* Forget every payload, keep the header. */
static void
reset_payloads(struct ikev1_msg *m)
{
	struct ike_hdr h = m->hdr;

	memset(m, 0, sizeof(*m));
	m->hdr = h;
}

/* The payload chain at @p, first type m->hdr.next_payload. */
static int
parse_chain(struct ikev1_msg *m, const uint8_t *p, size_t len, unsigned int flags)
{
	struct ike_payload_iter it;
	struct ike_payload pl;
	struct ikev1_pl_ref *ref;
	uint8_t idx;
	int rc;

	m->body = p;
	m->body_len = len;
	ike_payload_iter_init(&it, p, len, m->hdr.next_payload, IKE_PAYLOADS_MAX, known_v1, flags);
	while ((rc = ike_payload_iter_next(&it, &pl)) == 1) {
		if (!pl.known)
			return fail(m, -EBADMSG, IKEV1_N_INVALID_PAYLOAD_TYPE, pl.type);
		if ((rc = parse_one(m, &pl, &idx)) != 0)
			return rc;
		ref = &m->payloads[m->n_payloads++];
		ref->type = pl.type;
		ref->idx = idx;
		ref->len = (uint16_t)(pl.len + IKE_GEN_HDR_LEN);
		ref->off = (uint32_t)pl.off;
	}
	if (rc == -E2BIG)
		return fail(m, -E2BIG, IKEV1_N_PAYLOAD_MALFORMED, 0);
	if (rc != 0)
		return fail(m, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED, 0);
	m->body_len = it.end;
	return 0;
}

/* RFC 2408 §5.1-§5.2: the header checks before any payload. */
static int
check_hdr(struct ikev1_msg *m)
{
	const struct ike_hdr *h = &m->hdr;

	if (h->major != IKEV1_MAJOR)
		return fail(m, -EBADMSG, IKEV1_N_INVALID_MAJOR_VERSION, 0);
	if (h->minor != IKEV1_MINOR)
		return fail(m, -EBADMSG, IKEV1_N_INVALID_MINOR_VERSION, 0);
	if (h->ispi == 0)
		return fail(m, -EBADMSG, IKEV1_N_INVALID_COOKIE, 0);
	if (h->flags & ~IKEV1_FLAGS_ALL)
		return fail(m, -EBADMSG, IKEV1_N_INVALID_FLAGS, 0);
	switch (h->exchange) {
	case IKEV1_EXCH_BASE:
	case IKEV1_EXCH_ID_PROT:
	case IKEV1_EXCH_AUTH_ONLY:
	case IKEV1_EXCH_AGGRESSIVE:
		/* RFC 2408 §3.1: "During Phase 1 negotiations, the value MUST be set to 0." */
		if (h->msgid != 0)
			return fail(m, -EBADMSG, IKEV1_N_INVALID_MESSAGE_ID, 0);
		break;
	case IKEV1_EXCH_QUICK:
	case IKEV1_EXCH_NEW_GROUP:
		/* RFC 2409 §5.5/§6: a phase 2 exchange has a random non-zero message id. */
		if (h->msgid == 0)
			return fail(m, -EBADMSG, IKEV1_N_INVALID_MESSAGE_ID, 0);
		break;
	case IKEV1_EXCH_INFORMATIONAL:
	case IKEV1_EXCH_TRANSACTION:
		break;
	default:
		return fail(m, -EBADMSG, IKEV1_N_INVALID_EXCHANGE_TYPE, 0);
	}
	return 0;
}

int
ikev1_msg_parse(const uint8_t *p, size_t len, struct ikev1_msg *m)
{
	int rc;

	memset(m, 0, sizeof(*m));
	rc = ike_payload_hdr_parse(p, len, &m->hdr);
	if (rc != 0) {
		/* Too short or too long: PAYLOAD-MALFORMED; a Length field that
		 * is not the datagram's: UNEQUAL-PAYLOAD-LENGTHS (RFC 2408 §3.14.1). */
		if (len < IKE_HDR_LEN || len > IKE_MSG_MAX)
			return fail(m, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED, 0);
		return fail(m, -EBADMSG, IKEV1_N_UNEQUAL_PAYLOAD_LENGTHS, 0);
	}
	if ((rc = check_hdr(m)) != 0)
		return rc;
	if (m->hdr.flags & IKEV1_FLAG_ENCRYPTION) {
		/* RFC 2408 §3.1: everything after the header is encrypted. */
		m->encrypted = true;
		m->body = p + IKE_HDR_LEN;
		m->body_len = len - IKE_HDR_LEN;
		if (m->body_len == 0)
			return fail(m, -EBADMSG, IKEV1_N_PAYLOAD_MALFORMED, 0);
		return 0;
	}
	return parse_chain(m, p + IKE_HDR_LEN, len - IKE_HDR_LEN, 0);
}

int
ikev1_msg_parse_body(struct ikev1_msg *m, const uint8_t *p, size_t len)
{
	reset_payloads(m);
	return parse_chain(m, p, len, IKE_ITER_TRAILING_OK);
}

int
ikev1_msg_dpd_parse(const struct ikev1_notification *n, uint32_t *seq)
{
	/* RFC 3706 §7: Protocol ID ISAKMP, SPI Size 16 (the cookies), 4 bytes of sequence. */
	if (n->type != IKEV1_N_R_U_THERE && n->type != IKEV1_N_R_U_THERE_ACK)
		return -EBADMSG;
	if (n->spi_size != IKEV1_ISAKMP_SPI_LEN || n->data_len != IKEV1_DPD_SEQ_LEN)
		return -EBADMSG;
	*seq = ike_get32(n->data);
	return 0;
}

const char *
ikev1_msg_notify_name(enum ikev1_notify n)
{
	static const char *const errors[] = {
		[IKEV1_N_NONE] = "NONE",
		[IKEV1_N_INVALID_PAYLOAD_TYPE] = "INVALID-PAYLOAD-TYPE",
		[IKEV1_N_DOI_NOT_SUPPORTED] = "DOI-NOT-SUPPORTED",
		[IKEV1_N_SITUATION_NOT_SUPPORTED] = "SITUATION-NOT-SUPPORTED",
		[IKEV1_N_INVALID_COOKIE] = "INVALID-COOKIE",
		[IKEV1_N_INVALID_MAJOR_VERSION] = "INVALID-MAJOR-VERSION",
		[IKEV1_N_INVALID_MINOR_VERSION] = "INVALID-MINOR-VERSION",
		[IKEV1_N_INVALID_EXCHANGE_TYPE] = "INVALID-EXCHANGE-TYPE",
		[IKEV1_N_INVALID_FLAGS] = "INVALID-FLAGS",
		[IKEV1_N_INVALID_MESSAGE_ID] = "INVALID-MESSAGE-ID",
		[IKEV1_N_INVALID_PROTOCOL_ID] = "INVALID-PROTOCOL-ID",
		[IKEV1_N_INVALID_SPI] = "INVALID-SPI",
		[IKEV1_N_INVALID_TRANSFORM_ID] = "INVALID-TRANSFORM-ID",
		[IKEV1_N_ATTRIBUTES_NOT_SUPPORTED] = "ATTRIBUTES-NOT-SUPPORTED",
		[IKEV1_N_NO_PROPOSAL_CHOSEN] = "NO-PROPOSAL-CHOSEN",
		[IKEV1_N_BAD_PROPOSAL_SYNTAX] = "BAD-PROPOSAL-SYNTAX",
		[IKEV1_N_PAYLOAD_MALFORMED] = "PAYLOAD-MALFORMED",
		[IKEV1_N_INVALID_KEY_INFORMATION] = "INVALID-KEY-INFORMATION",
		[IKEV1_N_INVALID_ID_INFORMATION] = "INVALID-ID-INFORMATION",
		[IKEV1_N_INVALID_CERT_ENCODING] = "INVALID-CERT-ENCODING",
		[IKEV1_N_INVALID_CERTIFICATE] = "INVALID-CERTIFICATE",
		[IKEV1_N_CERT_TYPE_UNSUPPORTED] = "CERT-TYPE-UNSUPPORTED",
		[IKEV1_N_INVALID_CERT_AUTHORITY] = "INVALID-CERT-AUTHORITY",
		[IKEV1_N_INVALID_HASH_INFORMATION] = "INVALID-HASH-INFORMATION",
		[IKEV1_N_AUTHENTICATION_FAILED] = "AUTHENTICATION-FAILED",
		[IKEV1_N_INVALID_SIGNATURE] = "INVALID-SIGNATURE",
		[IKEV1_N_ADDRESS_NOTIFICATION] = "ADDRESS-NOTIFICATION",
		[IKEV1_N_NOTIFY_SA_LIFETIME] = "NOTIFY-SA-LIFETIME",
		[IKEV1_N_CERTIFICATE_UNAVAILABLE] = "CERTIFICATE-UNAVAILABLE",
		[IKEV1_N_UNSUPPORTED_EXCHANGE_TYPE] = "UNSUPPORTED-EXCHANGE-TYPE",
		[IKEV1_N_UNEQUAL_PAYLOAD_LENGTHS] = "UNEQUAL-PAYLOAD-LENGTHS",
	};

	if ((unsigned int)n < sizeof(errors) / sizeof(errors[0]))
		return errors[n];
	switch (n) {
	case IKEV1_N_CONNECTED:
		return "CONNECTED";
	case IKEV1_N_RESPONDER_LIFETIME:
		return "RESPONDER-LIFETIME";
	case IKEV1_N_REPLAY_STATUS:
		return "REPLAY-STATUS";
	case IKEV1_N_INITIAL_CONTACT:
		return "INITIAL-CONTACT";
	case IKEV1_N_R_U_THERE:
		return "R-U-THERE";
	case IKEV1_N_R_U_THERE_ACK:
		return "R-U-THERE-ACK";
	default:
		return "UNKNOWN";
	}
}

/* Builders. */

int
ikev1_msg_build_hdr(struct ike_buf *b, const struct ike_hdr *h)
{
	struct ike_hdr v1 = *h;

	v1.major = IKEV1_MAJOR;
	v1.minor = IKEV1_MINOR;
	ike_payload_hdr_build(b, &v1);
	return b->err;
}

/* A payload that is just data. */
static int
build_data(struct ike_buf *b, uint8_t type, const uint8_t *p, size_t len)
{
	ike_payload_begin(b, type, 0);
	ike_payload_buf_put(b, p, len);
	ike_payload_end(b);
	return b->err;
}

/*
 * Proposal or transform substructure header: its Next Payload is fixed
 * (2 or 3 while more follow, else 0: RFC 2408 §3.5/§3.6), its length is
 * patched when it is complete.  Returns the offset of the header.
 */
static size_t
sub_begin(struct ike_buf *b, uint8_t next)
{
	size_t at = b->len;

	ike_payload_buf_put8(b, next);
	ike_payload_buf_put8(b, 0);
	ike_payload_buf_put16(b, 0);
	return at;
}

static void
sub_end(struct ike_buf *b, size_t at)
{
	if (b->err != 0)
		return;
	if (b->len - at > UINT16_MAX) {
		ike_payload_buf_fail(b, -EMSGSIZE);
		return;
	}
	ike_payload_buf_patch16(b, at + 2, (uint16_t)(b->len - at));
}

static void
build_transform(struct ike_buf *b, const struct ikev1_sa *sa, const struct ikev1_transform *t,
    bool last)
{
	size_t at;
	unsigned int k;

	if ((unsigned int)t->attr_first + t->n_attrs > sa->n_attrs ||
	    sa->n_attrs > IKEV1_SA_ATTRS_MAX) {
		ike_payload_buf_fail(b, -EINVAL);
		return;
	}
	at = sub_begin(b, last ? IKEV1_PL_NONE : IKEV1_PL_T);
	ike_payload_buf_put8(b, t->num);
	ike_payload_buf_put8(b, t->id);
	ike_payload_buf_put16(b, 0); /* RESERVED2 */
	for (k = 0; k < t->n_attrs; k++)
		ike_payload_attr_build(b, &sa->attrs[t->attr_first + k]);
	sub_end(b, at);
}

int
ikev1_msg_build_sa(struct ike_buf *b, const struct ikev1_sa *sa)
{
	const struct ikev1_proposal *pr;
	unsigned int i, k;
	size_t at;

	if (sa->n_proposals == 0 || sa->n_proposals > IKEV1_PROPOSALS_MAX ||
	    sa->n_transforms > IKEV1_TRANSFORMS_MAX) {
		ike_payload_buf_fail(b, -EINVAL);
		return b->err;
	}
	ike_payload_begin(b, IKEV1_PL_SA, 0);
	ike_payload_buf_put32(b, sa->doi);
	ike_payload_buf_put32(b, sa->situation);
	for (i = 0; i < sa->n_proposals && b->err == 0; i++) {
		pr = &sa->proposals[i];
		if (pr->spi_size > IKEV1_SPI_MAX || (pr->spi_size > 0 && pr->spi == NULL) ||
		    pr->n_transforms == 0 || pr->n_transforms > UINT8_MAX ||
		    (unsigned int)pr->t_first + pr->n_transforms > sa->n_transforms) {
			ike_payload_buf_fail(b, -EINVAL);
			break;
		}
		at = sub_begin(b, i + 1 < sa->n_proposals ? IKEV1_PL_P : IKEV1_PL_NONE);
		ike_payload_buf_put8(b, pr->num);
		ike_payload_buf_put8(b, pr->proto);
		ike_payload_buf_put8(b, pr->spi_size);
		ike_payload_buf_put8(b, (uint8_t)pr->n_transforms);
		ike_payload_buf_put(b, pr->spi, pr->spi_size);
		for (k = 0; k < pr->n_transforms; k++)
			build_transform(b, sa, &sa->transforms[pr->t_first + k],
			    k + 1 == pr->n_transforms);
		sub_end(b, at);
	}
	ike_payload_end(b);
	return b->err;
}

int
ikev1_msg_build_ke(struct ike_buf *b, const uint8_t *p, size_t len)
{
	return build_data(b, IKEV1_PL_KE, p, len);
}

int
ikev1_msg_build_nonce(struct ike_buf *b, const uint8_t *p, size_t len)
{
	return build_data(b, IKEV1_PL_NONCE, p, len);
}

int
ikev1_msg_build_hash(struct ike_buf *b, const uint8_t *p, size_t len)
{
	return build_data(b, IKEV1_PL_HASH, p, len);
}

int
ikev1_msg_build_sig(struct ike_buf *b, const uint8_t *p, size_t len)
{
	return build_data(b, IKEV1_PL_SIG, p, len);
}

int
ikev1_msg_build_vid(struct ike_buf *b, const uint8_t *p, size_t len)
{
	return build_data(b, IKEV1_PL_VID, p, len);
}

int
ikev1_msg_build_natd(struct ike_buf *b, uint8_t type, const uint8_t *p, size_t len)
{
	if (type != IKEV1_PL_NATD && type != IKEV1_PL_NATD_DRAFT) {
		ike_payload_buf_fail(b, -EINVAL);
		return b->err;
	}
	return build_data(b, type, p, len);
}

int
ikev1_msg_build_natoa(struct ike_buf *b, uint8_t type, const struct ikev1_natoa *oa)
{
	if ((type != IKEV1_PL_NATOA && type != IKEV1_PL_NATOA_DRAFT) ||
	    !((oa->id_type == IKEV1_ID_IPV4_ADDR && oa->addr_len == 4) ||
	        (oa->id_type == IKEV1_ID_IPV6_ADDR && oa->addr_len == 16))) {
		ike_payload_buf_fail(b, -EINVAL);
		return b->err;
	}
	ike_payload_begin(b, type, 0);
	ike_payload_buf_put8(b, oa->id_type);
	ike_payload_buf_zero(b, 3); /* RESERVED, RESERVED2 */
	ike_payload_buf_put(b, oa->addr, oa->addr_len);
	ike_payload_end(b);
	return b->err;
}

int
ikev1_msg_build_id(struct ike_buf *b, const struct ikev1_id *id)
{
	ike_payload_begin(b, IKEV1_PL_ID, 0);
	ike_payload_buf_put8(b, id->type);
	ike_payload_buf_put8(b, id->proto);
	ike_payload_buf_put16(b, id->port);
	ike_payload_buf_put(b, id->data, id->len);
	ike_payload_end(b);
	return b->err;
}

static int
build_cert(struct ike_buf *b, uint8_t type, const struct ikev1_cert *c)
{
	ike_payload_begin(b, type, 0);
	ike_payload_buf_put8(b, c->encoding);
	ike_payload_buf_put(b, c->data, c->len);
	ike_payload_end(b);
	return b->err;
}

int
ikev1_msg_build_cert(struct ike_buf *b, const struct ikev1_cert *c)
{
	return build_cert(b, IKEV1_PL_CERT, c);
}

int
ikev1_msg_build_cr(struct ike_buf *b, const struct ikev1_cert *c)
{
	return build_cert(b, IKEV1_PL_CR, c);
}

int
ikev1_msg_build_n(struct ike_buf *b, const struct ikev1_notification *n)
{
	if (n->spi_size > IKEV1_SPI_MAX) {
		ike_payload_buf_fail(b, -EINVAL);
		return b->err;
	}
	ike_payload_begin(b, IKEV1_PL_N, 0);
	ike_payload_buf_put32(b, n->doi);
	ike_payload_buf_put8(b, n->proto);
	ike_payload_buf_put8(b, n->spi_size);
	ike_payload_buf_put16(b, n->type);
	ike_payload_buf_put(b, n->spi, n->spi_size);
	ike_payload_buf_put(b, n->data, n->data_len);
	ike_payload_end(b);
	return b->err;
}

int
ikev1_msg_build_d(struct ike_buf *b, const struct ikev1_delete *d)
{
	ike_payload_begin(b, IKEV1_PL_D, 0);
	ike_payload_buf_put32(b, d->doi);
	ike_payload_buf_put8(b, d->proto);
	ike_payload_buf_put8(b, d->spi_size);
	ike_payload_buf_put16(b, d->n_spis);
	ike_payload_buf_put(b, d->spis, (size_t)d->spi_size * d->n_spis);
	ike_payload_end(b);
	return b->err;
}

int
ikev1_msg_build_cfg(struct ike_buf *b, const struct ikev1_cfg *c)
{
	unsigned int i;

	if (c->n_attrs > IKEV1_CFG_ATTRS_MAX) {
		ike_payload_buf_fail(b, -EINVAL);
		return b->err;
	}
	ike_payload_begin(b, IKEV1_PL_ATTR, 0);
	ike_payload_buf_put8(b, c->type);
	ike_payload_buf_put8(b, 0); /* RESERVED */
	ike_payload_buf_put16(b, c->identifier);
	for (i = 0; i < c->n_attrs; i++)
		ike_payload_attr_build(b, &c->attrs[i]);
	ike_payload_end(b);
	return b->err;
}

int
ikev1_msg_build_frag(struct ike_buf *b, const struct ikev1_frag *f)
{
	ike_payload_begin(b, IKEV1_PL_FRAG, 0);
	ike_payload_buf_put16(b, f->id);
	ike_payload_buf_put8(b, f->num);
	ike_payload_buf_put8(b, f->flags);
	ike_payload_buf_put(b, f->data, f->len);
	ike_payload_end(b);
	return b->err;
}

int
ikev1_msg_build_finish(struct ike_buf *b)
{
	return ike_payload_buf_finish(b);
}
