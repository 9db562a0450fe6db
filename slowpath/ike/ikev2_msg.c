/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ikev2_msg.c: IKEv2 (RFC 7296) messages: parse into plain structs, build back. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "common/limits.h"
#include "slowpath/ike/ike_payload.h"
#include "slowpath/ike/ikev2_msg.h"

/* Fixed parts of payload bodies, after the generic header (RFC 7296 §3). */
#define PROP_FIXED  8 /* Last Substruc, RESERVED, Length, Num, Protocol, SPI Size, # Transforms */
#define TRANS_FIXED 8 /* Last Substruc, RESERVED, Length, Type, RESERVED, Transform ID */
#define KE_FIXED    4 /* DH Group Num, RESERVED */
#define ID_FIXED    4 /* ID Type, RESERVED */
#define CERT_FIXED  1 /* Cert Encoding */
#define AUTH_FIXED  4 /* Auth Method, RESERVED */
#define N_FIXED     4 /* Protocol ID, SPI Size, Notify Message Type */
#define D_FIXED     4 /* Protocol ID, SPI Size, Num of SPIs */
#define TS_FIXED    4 /* Number of TSs, RESERVED */
#define TS_HDR      8 /* TS Type, IP Protocol ID, Selector Length, Start Port, End Port */
#define CP_FIXED    4 /* CFG Type, RESERVED */
#define CP_ATTR_HDR 4 /* R | Attribute Type, Length */
#define EAP_HDR     4 /* Code, Identifier, Length (RFC 3748 §4) */
#define SKF_FIXED   4 /* Fragment Number, Total Fragments (RFC 7383 §2.5) */

/*
 * Record a failure: the notify to answer with (IKEV2_N_NONE: drop) and the
 * payload it was in.  Returns @rc, so that callers can "return fail(...)".
 */
static int
fail(struct ikev2_msg *m, int rc, enum ikev2_notify n, uint8_t type)
{
	m->error = n;
	m->error_payload = type;
	return rc;
}

static int
syntax(struct ikev2_msg *m, uint8_t type)
{
	return fail(m, -EBADMSG, IKEV2_N_INVALID_SYNTAX, type);
}

/* Payload types this codec knows (RFC 7296 §3.2, RFC 7383). */
static bool
known_v2(uint8_t type)
{
	return (type >= IKEV2_PL_SA && type <= IKEV2_PL_EAP) || type == IKEV2_PL_SKF;
}

/* SPI sizes in proposals (RFC 7296 §3.3.1): IKE 0 (IKE_SA_INIT) or 8 (rekey), AH/ESP 4. */
static bool
proposal_spi_ok(uint8_t proto, uint8_t size)
{
	switch (proto) {
	case IKEV2_PROTO_IKE:
		return size == 0 || size == 8;
	case IKEV2_PROTO_AH:
	case IKEV2_PROTO_ESP:
		return size == 4;
	default:
		/* an unknown protocol: the proposal is unusable, not malformed */
		return size <= 8;
	}
}

/* Transform attributes (RFC 7296 §3.3.5): only Key Length, TV, is defined. */
static int
parse_attrs(struct ikev2_msg *m, const uint8_t *p, size_t len, struct ikev2_proposal *pr,
    struct ikev2_transform *t)
{
	struct ike_attr a;
	size_t off = 0;
	bool seen = false;

	while (off < len) {
		if (ike_payload_attr_next(p, len, &off, &a) != 0)
			return syntax(m, IKEV2_PL_SA);
		if (a.type == IKEV2_ATTR_KEY_LENGTH && a.tv && !seen) {
			t->key_bits = (uint16_t)a.u;
			seen = true;
		} else {
			pr->unknown_attr = true;
		}
	}
	return 0;
}

static int
parse_transforms(struct ikev2_msg *m, const uint8_t *p, size_t len, unsigned int count,
    struct ikev2_proposal *pr)
{
	struct ikev2_transform *t, extra;
	size_t off = 0, tlen;
	unsigned int i;
	int rc;

	if (count == 0)
		return syntax(m, IKEV2_PL_SA); /* a proposal offers at least one transform */
	for (i = 0; i < count; i++) {
		if (len - off < TRANS_FIXED)
			return syntax(m, IKEV2_PL_SA);
		tlen = ike_get16(p + off + 2);
		if (tlen < TRANS_FIXED || tlen > len - off)
			return syntax(m, IKEV2_PL_SA);
		/* Last Substruc: 3 while more follow, 0 on the last (§3.3.2). */
		if (p[off] != (i + 1 < count ? IKEV2_SUB_TRANSFORM : IKEV2_SUB_LAST))
			return syntax(m, IKEV2_PL_SA);
		/* Past IKEV2_TRANSFORMS_MAX: checked, not kept; the proposal is unusable. */
		t = i < IKEV2_TRANSFORMS_MAX ? &pr->t[i] : &extra;
		t->type = p[off + 4];
		t->id = ike_get16(p + off + 6);
		t->key_bits = 0;
		rc = parse_attrs(m, p + off + TRANS_FIXED, tlen - TRANS_FIXED, pr, t);
		if (rc != 0)
			return rc;
		off += tlen;
	}
	if (off != len) /* the proposal's length covers exactly its transforms */
		return syntax(m, IKEV2_PL_SA);
	pr->n_transforms = count < IKEV2_TRANSFORMS_MAX ? count : IKEV2_TRANSFORMS_MAX;
	if (count > IKEV2_TRANSFORMS_MAX)
		pr->unknown_attr = true;
	return 0;
}

/*
 * SA payload (§3.3).  Proposal numbers: the first is 1 and each next one
 * more (§3.3.1); a response carries the one accepted proposal with the
 * number it had, so a single proposal in a response may have any number.
 */
static int
parse_sa(struct ikev2_msg *m, const struct ike_payload *pl)
{
	struct ikev2_sa_payload *sa = &m->sa;
	struct ikev2_proposal *pr, extra;
	const uint8_t *p = pl->body;
	size_t off = 0, plen, len = pl->len;
	unsigned int i = 0;
	uint8_t last = IKEV2_SUB_PROPOSAL, prev = 0;
	int rc;

	memset(sa, 0, sizeof(*sa));
	m->sa_body.p = pl->body;
	m->sa_body.len = pl->len;
	while (off < len) {
		if (last != IKEV2_SUB_PROPOSAL)
			return syntax(m, IKEV2_PL_SA); /* bytes after the last proposal */
		if (len - off < PROP_FIXED)
			return syntax(m, IKEV2_PL_SA);
		last = p[off];
		plen = ike_get16(p + off + 2);
		if ((last != IKEV2_SUB_PROPOSAL && last != IKEV2_SUB_LAST) || plen < PROP_FIXED ||
		    plen > len - off)
			return syntax(m, IKEV2_PL_SA);
		/* Past IKEV2_PROPOSALS_MAX: checked, not kept (the first ones are chosen from). */
		pr = i < IKEV2_PROPOSALS_MAX ? &sa->p[i] : &extra;
		memset(pr, 0, sizeof(*pr));
		pr->num = p[off + 4];
		pr->proto = p[off + 5];
		pr->spi_len = p[off + 6];
		if (pr->num == 0 || (i > 0 && pr->num != prev + 1))
			return syntax(m, IKEV2_PL_SA);
		if (i == 0 && pr->num != 1 && !(m->hdr.flags & IKEV2_FLAG_R))
			return syntax(m, IKEV2_PL_SA);
		if (!proposal_spi_ok(pr->proto, pr->spi_len) || plen - PROP_FIXED < pr->spi_len)
			return syntax(m, IKEV2_PL_SA);
		memcpy(pr->spi, p + off + PROP_FIXED, pr->spi_len);
		rc = parse_transforms(m, p + off + PROP_FIXED + pr->spi_len,
		    plen - PROP_FIXED - pr->spi_len, p[off + 7], pr);
		if (rc != 0)
			return rc;
		off += plen;
		prev = pr->num;
		i++;
	}
	if (i == 0 || last != IKEV2_SUB_LAST)
		return syntax(m, IKEV2_PL_SA);
	if (i > 1 && (m->hdr.flags & IKEV2_FLAG_R) && sa->p[0].num != 1)
		return syntax(m, IKEV2_PL_SA);
	sa->n = i < IKEV2_PROPOSALS_MAX ? i : IKEV2_PROPOSALS_MAX;
	m->has_sa = true;
	return 0;
}

static int
parse_ke(struct ikev2_msg *m, const struct ike_payload *pl)
{
	if (pl->len <= KE_FIXED)
		return syntax(m, pl->type);
	m->ke.group = ike_get16(pl->body);
	m->ke.data = pl->body + KE_FIXED;
	m->ke.len = pl->len - KE_FIXED;
	m->has_ke = true;
	return 0;
}

static int
parse_id(struct ikev2_msg *m, const struct ike_payload *pl)
{
	struct ikev2_id *id = pl->type == IKEV2_PL_IDI ? &m->idi : &m->idr;
	size_t dlen;

	if (pl->len <= ID_FIXED)
		return syntax(m, pl->type);
	dlen = pl->len - ID_FIXED;
	id->type = pl->body[0];
	if ((id->type == IKEV2_ID_IPV4_ADDR && dlen != 4) ||
	    (id->type == IKEV2_ID_IPV6_ADDR && dlen != 16))
		return syntax(m, pl->type);
	id->data = pl->body + ID_FIXED;
	id->len = dlen;
	id->body = pl->body;
	id->body_len = pl->len;
	if (pl->type == IKEV2_PL_IDI)
		m->has_idi = true;
	else
		m->has_idr = true;
	return 0;
}

static int
parse_cert(struct ikev2_msg *m, const struct ike_payload *pl)
{
	struct ikev2_cert *c;
	bool req = pl->type == IKEV2_PL_CERTREQ;

	if (req ? m->n_certreqs >= IKEV2_CERTREQS_MAX : m->n_certs >= IKEV2_CERTS_MAX)
		return fail(m, -E2BIG, IKEV2_N_NONE, pl->type);
	if (pl->len < CERT_FIXED || (!req && pl->len == CERT_FIXED))
		return syntax(m, pl->type);
	/* §3.7: an X.509 CERTREQ lists 20-byte SHA-1 hashes of CA public keys. */
	if (req && pl->body[0] == IKEV2_CERT_X509_SIG && (pl->len - CERT_FIXED) % 20 != 0)
		return syntax(m, pl->type);
	c = req ? &m->certreqs[m->n_certreqs++] : &m->certs[m->n_certs++];
	c->encoding = pl->body[0];
	c->data = pl->body + CERT_FIXED;
	c->len = pl->len - CERT_FIXED;
	return 0;
}

static int
parse_auth(struct ikev2_msg *m, const struct ike_payload *pl)
{
	if (pl->len <= AUTH_FIXED)
		return syntax(m, pl->type);
	m->auth.method = pl->body[0];
	m->auth.data = pl->body + AUTH_FIXED;
	m->auth.len = pl->len - AUTH_FIXED;
	m->has_auth = true;
	return 0;
}

static int
parse_nonce(struct ikev2_msg *m, const struct ike_payload *pl)
{
	/* §3.9: "between 16 and 256 octets" */
	if (pl->len < IKEV2_NONCE_MIN || pl->len > IKEV2_NONCE_MAX)
		return syntax(m, pl->type);
	m->nonce.p = pl->body;
	m->nonce.len = pl->len;
	return 0;
}

static int
parse_notify(struct ikev2_msg *m, const struct ike_payload *pl)
{
	struct ikev2_notification *n;
	uint8_t spi_len;

	if (m->n_notifies >= IKEV2_NOTIFIES_MAX)
		return fail(m, -E2BIG, IKEV2_N_NONE, pl->type);
	if (pl->len < N_FIXED)
		return syntax(m, pl->type);
	spi_len = pl->body[1];
	/* §3.10: no SPI for the IKE SA, 4 bytes for AH/ESP; 8 is an IKE SPI. */
	if ((spi_len != 0 && spi_len != 4 && spi_len != 8) || pl->len - N_FIXED < spi_len)
		return syntax(m, pl->type);
	n = &m->notifies[m->n_notifies++];
	n->proto = pl->body[0];
	n->spi_len = spi_len;
	n->type = ike_get16(pl->body + 2);
	n->spi = spi_len ? pl->body + N_FIXED : NULL;
	n->data = pl->body + N_FIXED + spi_len;
	n->data_len = pl->len - N_FIXED - spi_len;
	return 0;
}

static int
parse_delete(struct ikev2_msg *m, const struct ike_payload *pl)
{
	struct ikev2_delete *d;
	uint8_t proto, spi_len;
	uint16_t n;

	if (m->n_deletes >= IKEV2_DELETES_MAX)
		return fail(m, -E2BIG, IKEV2_N_NONE, pl->type);
	if (pl->len < D_FIXED)
		return syntax(m, pl->type);
	proto = pl->body[0];
	spi_len = pl->body[1];
	n = ike_get16(pl->body + 2);
	/* §3.11: IKE SA: SPI Size 0 (no SPIs); AH and ESP: 4. */
	if (proto == IKEV2_PROTO_IKE) {
		if (spi_len != 0 || n != 0)
			return syntax(m, pl->type);
	} else if (proto == IKEV2_PROTO_AH || proto == IKEV2_PROTO_ESP) {
		if (spi_len != 4 || n == 0)
			return syntax(m, pl->type);
	} else {
		return syntax(m, pl->type);
	}
	if (pl->len - D_FIXED != (size_t)spi_len * n)
		return syntax(m, pl->type);
	d = &m->deletes[m->n_deletes++];
	d->proto = proto;
	d->spi_len = spi_len;
	d->n_spis = n;
	d->spis = n ? pl->body + D_FIXED : NULL;
	return 0;
}

static int
parse_vid(struct ikev2_msg *m, const struct ike_payload *pl)
{
	if (m->n_vids >= IKEV2_VIDS_MAX)
		return fail(m, -E2BIG, IKEV2_N_NONE, pl->type);
	if (pl->len == 0)
		return syntax(m, pl->type);
	m->vids[m->n_vids].p = pl->body;
	m->vids[m->n_vids].len = pl->len;
	m->n_vids++;
	return 0;
}

/* TSi / TSr (§3.13): selectors of an unknown type are skipped (not stored). */
static int
parse_ts(struct ikev2_msg *m, const struct ike_payload *pl)
{
	struct ikev2_ts_payload *tp = pl->type == IKEV2_PL_TSI ? &m->tsi : &m->tsr;
	struct ikev2_ts *ts;
	const uint8_t *p = pl->body;
	size_t off = TS_FIXED, slen, alen;
	unsigned int i, count;

	memset(tp, 0, sizeof(*tp));
	if (pl->len < TS_FIXED)
		return syntax(m, pl->type);
	count = p[0];
	if (count == 0)
		return syntax(m, pl->type);
	for (i = 0; i < count; i++) {
		if (pl->len - off < TS_HDR)
			return syntax(m, pl->type);
		slen = ike_get16(p + off + 2);
		if (slen < TS_HDR || slen > pl->len - off)
			return syntax(m, pl->type);
		switch (p[off]) {
		case IKEV2_TS_IPV4_ADDR_RANGE:
			alen = 4;
			break;
		case IKEV2_TS_IPV6_ADDR_RANGE:
			alen = 16;
			break;
		default:
			off += slen;
			continue;
		}
		if (slen != TS_HDR + 2 * alen)
			return syntax(m, pl->type);
		if (tp->n >= IKEV2_TS_MAX)
			return fail(m, -E2BIG, IKEV2_N_NONE, pl->type);
		ts = &tp->ts[tp->n++];
		ts->type = p[off];
		ts->proto = p[off + 1];
		ts->start_port = ike_get16(p + off + 4);
		ts->end_port = ike_get16(p + off + 6);
		memcpy(ts->start, p + off + TS_HDR, alen);
		memcpy(ts->end, p + off + TS_HDR + alen, alen);
		off += slen;
	}
	if (off != pl->len)
		return syntax(m, pl->type);
	if (pl->type == IKEV2_PL_TSI)
		m->has_tsi = true;
	else
		m->has_tsr = true;
	return 0;
}

/* CP (§3.15): type and attributes, which must frame exactly (§3.15.1). */
static int
parse_cp(struct ikev2_msg *m, const struct ike_payload *pl)
{
	size_t off = CP_FIXED, alen;

	if (pl->len < CP_FIXED)
		return syntax(m, pl->type);
	while (off < pl->len) {
		if (pl->len - off < CP_ATTR_HDR)
			return syntax(m, pl->type);
		alen = ike_get16(pl->body + off + 2);
		if (alen > pl->len - off - CP_ATTR_HDR)
			return syntax(m, pl->type);
		off += CP_ATTR_HDR + alen;
	}
	m->cp.type = pl->body[0];
	m->cp.attrs = pl->body + CP_FIXED;
	m->cp.len = pl->len - CP_FIXED;
	m->has_cp = true;
	return 0;
}

/* EAP (§3.16): one EAP message whose own Length is the payload's (RFC 3748 §4). */
static int
parse_eap(struct ikev2_msg *m, const struct ike_payload *pl)
{
	if (pl->len < EAP_HDR || ike_get16(pl->body + 2) != pl->len)
		return syntax(m, pl->type);
	m->eap.p = pl->body;
	m->eap.len = pl->len;
	return 0;
}

/* SK (§3.14) or SKF (RFC 7383 §2.5); the caller has checked it is the last payload. */
static int
parse_sk(struct ikev2_msg *m, const struct ike_payload *pl)
{
	struct ikev2_sk *sk = &m->sk;
	size_t fixed = pl->type == IKEV2_PL_SKF ? SKF_FIXED : 0;

	if (pl->len <= fixed)
		return syntax(m, pl->type);
	sk->inner = pl->next;
	sk->critical = pl->critical;
	sk->off = (size_t)(pl->body - m->raw) - IKE_GEN_HDR_LEN;
	sk->data = pl->body + fixed;
	sk->len = pl->len - fixed;
	if (pl->type == IKEV2_PL_SKF) {
		sk->frag_num = ike_get16(pl->body);
		sk->frag_total = ike_get16(pl->body + 2);
		/* RFC 7383 §2.6: numbers from 1, never past the total: discard. */
		if (sk->frag_num == 0 || sk->frag_total == 0 || sk->frag_num > sk->frag_total)
			return fail(m, -EBADMSG, IKEV2_N_NONE, pl->type);
		m->has_skf = true;
	} else {
		m->has_sk = true;
	}
	return 0;
}

/* Payloads that may appear once per message (§3: one SA, KE, Ni, IDi, AUTH, TSi ...). */
static bool
is_single(const struct ikev2_msg *m, uint8_t type)
{
	switch (type) {
	case IKEV2_PL_SA:
		return m->has_sa;
	case IKEV2_PL_KE:
		return m->has_ke;
	case IKEV2_PL_IDI:
		return m->has_idi;
	case IKEV2_PL_IDR:
		return m->has_idr;
	case IKEV2_PL_AUTH:
		return m->has_auth;
	case IKEV2_PL_NONCE:
		return m->nonce.p != NULL;
	case IKEV2_PL_TSI:
		return m->has_tsi;
	case IKEV2_PL_TSR:
		return m->has_tsr;
	case IKEV2_PL_CP:
		return m->has_cp;
	case IKEV2_PL_EAP:
		return m->eap.p != NULL;
	case IKEV2_PL_SK:
	case IKEV2_PL_SKF:
		return m->has_sk || m->has_skf;
	default:
		return false;
	}
}

static int
parse_one(struct ikev2_msg *m, const struct ike_payload *pl)
{
	if (is_single(m, pl->type))
		return syntax(m, pl->type); /* a duplicate */
	switch (pl->type) {
	case IKEV2_PL_SA:
		return parse_sa(m, pl);
	case IKEV2_PL_KE:
		return parse_ke(m, pl);
	case IKEV2_PL_IDI:
	case IKEV2_PL_IDR:
		return parse_id(m, pl);
	case IKEV2_PL_CERT:
	case IKEV2_PL_CERTREQ:
		return parse_cert(m, pl);
	case IKEV2_PL_AUTH:
		return parse_auth(m, pl);
	case IKEV2_PL_NONCE:
		return parse_nonce(m, pl);
	case IKEV2_PL_NOTIFY:
		return parse_notify(m, pl);
	case IKEV2_PL_DELETE:
		return parse_delete(m, pl);
	case IKEV2_PL_VID:
		return parse_vid(m, pl);
	case IKEV2_PL_TSI:
	case IKEV2_PL_TSR:
		return parse_ts(m, pl);
	case IKEV2_PL_CP:
		return parse_cp(m, pl);
	case IKEV2_PL_EAP:
		return parse_eap(m, pl);
	case IKEV2_PL_SK:
	case IKEV2_PL_SKF:
		return parse_sk(m, pl);
	default:
		return syntax(m, pl->type);
	}
}

/* The chain of @len bytes at @p whose first payload is @first. */
static int
parse_chain(struct ikev2_msg *m, const uint8_t *p, size_t len, uint8_t first, bool inner)
{
	struct ike_payload_iter it;
	struct ike_payload pl;
	struct ikev2_pl_ref *ref;
	int rc;

	ike_payload_iter_init(&it, p, len, first, IKE_PAYLOADS_MAX - m->n_payloads, known_v2, 0);
	while ((rc = ike_payload_iter_next(&it, &pl)) == 1) {
		if (!pl.known) {
			/* §2.5: skip an unknown payload unless it is critical. */
			if (pl.critical)
				return fail(m, -EOPNOTSUPP, IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD,
				    pl.type);
			m->n_unknown++;
		} else {
			if (inner && (pl.type == IKEV2_PL_SK || pl.type == IKEV2_PL_SKF))
				return syntax(m, pl.type);
			if ((rc = parse_one(m, &pl)) != 0)
				return rc;
		}
		ref = &m->payloads[m->n_payloads++];
		ref->type = pl.type;
		ref->inner = inner;
		ref->len = (uint16_t)(pl.len + IKE_GEN_HDR_LEN);
		ref->off = (uint32_t)pl.off;
		if (pl.known && (pl.type == IKEV2_PL_SK || pl.type == IKEV2_PL_SKF)) {
			/* §3.14: the Encrypted payload is the last one; its Next
			 * Payload names the first inner payload, not a next one. */
			if (it.off != len)
				return syntax(m, pl.type);
			return 0;
		}
	}
	if (rc == -E2BIG)
		return fail(m, -E2BIG, IKEV2_N_NONE, 0);
	if (rc != 0)
		return syntax(m, 0);
	return 0;
}

int
ikev2_msg_parse(const uint8_t *p, size_t len, struct ikev2_msg *m)
{
	memset(m, 0, sizeof(*m));
	if (ike_payload_hdr_parse(p, len, &m->hdr) != 0)
		return fail(m, -EBADMSG, IKEV2_N_NONE, 0); /* short, or not the datagram's length */
	m->raw = p;
	m->raw_len = len;
	/* §2.5: a higher major version is answered with INVALID_MAJOR_VERSION;
	 * the minor version is ignored; a lower one is not ours to answer. */
	if (m->hdr.major > IKEV2_MAJOR)
		return fail(m, -EPROTONOSUPPORT, IKEV2_N_INVALID_MAJOR_VERSION, 0);
	if (m->hdr.major < IKEV2_MAJOR)
		return fail(m, -EPROTONOSUPPORT, IKEV2_N_NONE, 0);
	/* §3.1: the initiator's SPI "MUST NOT be zero". */
	if (m->hdr.ispi == 0)
		return fail(m, -EBADMSG, IKEV2_N_NONE, 0);
	return parse_chain(m, p + IKE_HDR_LEN, len - IKE_HDR_LEN, m->hdr.next_payload, false);
}

int
ikev2_msg_parse_inner(struct ikev2_msg *m, uint8_t first, const uint8_t *p, size_t len)
{
	m->error = IKEV2_N_NONE;
	m->error_payload = 0;
	m->decrypted = true;
	if (len == 0 && first == IKEV2_PL_NONE)
		return 0; /* an empty INFORMATIONAL (a liveness check, §1.4) */
	return parse_chain(m, p, len, first, true);
}

const struct ikev2_notification *
ikev2_msg_notify_find(const struct ikev2_msg *m, uint16_t type)
{
	unsigned int i;

	for (i = 0; i < m->n_notifies; i++)
		if (m->notifies[i].type == type)
			return &m->notifies[i];
	return NULL;
}

const char *
ikev2_msg_notify_name(uint16_t type)
{
	switch (type) {
	case IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD:
		return "UNSUPPORTED_CRITICAL_PAYLOAD";
	case IKEV2_N_INVALID_IKE_SPI:
		return "INVALID_IKE_SPI";
	case IKEV2_N_INVALID_MAJOR_VERSION:
		return "INVALID_MAJOR_VERSION";
	case IKEV2_N_INVALID_SYNTAX:
		return "INVALID_SYNTAX";
	case IKEV2_N_INVALID_MESSAGE_ID:
		return "INVALID_MESSAGE_ID";
	case IKEV2_N_INVALID_SPI:
		return "INVALID_SPI";
	case IKEV2_N_NO_PROPOSAL_CHOSEN:
		return "NO_PROPOSAL_CHOSEN";
	case IKEV2_N_INVALID_KE_PAYLOAD:
		return "INVALID_KE_PAYLOAD";
	case IKEV2_N_AUTHENTICATION_FAILED:
		return "AUTHENTICATION_FAILED";
	case IKEV2_N_SINGLE_PAIR_REQUIRED:
		return "SINGLE_PAIR_REQUIRED";
	case IKEV2_N_NO_ADDITIONAL_SAS:
		return "NO_ADDITIONAL_SAS";
	case IKEV2_N_INTERNAL_ADDRESS_FAILURE:
		return "INTERNAL_ADDRESS_FAILURE";
	case IKEV2_N_FAILED_CP_REQUIRED:
		return "FAILED_CP_REQUIRED";
	case IKEV2_N_TS_UNACCEPTABLE:
		return "TS_UNACCEPTABLE";
	case IKEV2_N_INVALID_SELECTORS:
		return "INVALID_SELECTORS";
	case IKEV2_N_UNACCEPTABLE_ADDRESSES:
		return "UNACCEPTABLE_ADDRESSES";
	case IKEV2_N_UNEXPECTED_NAT_DETECTED:
		return "UNEXPECTED_NAT_DETECTED";
	case IKEV2_N_TEMPORARY_FAILURE:
		return "TEMPORARY_FAILURE";
	case IKEV2_N_CHILD_SA_NOT_FOUND:
		return "CHILD_SA_NOT_FOUND";
	case IKEV2_N_INITIAL_CONTACT:
		return "INITIAL_CONTACT";
	case IKEV2_N_SET_WINDOW_SIZE:
		return "SET_WINDOW_SIZE";
	case IKEV2_N_ADDITIONAL_TS_POSSIBLE:
		return "ADDITIONAL_TS_POSSIBLE";
	case IKEV2_N_IPCOMP_SUPPORTED:
		return "IPCOMP_SUPPORTED";
	case IKEV2_N_NAT_DETECTION_SOURCE_IP:
		return "NAT_DETECTION_SOURCE_IP";
	case IKEV2_N_NAT_DETECTION_DESTINATION_IP:
		return "NAT_DETECTION_DESTINATION_IP";
	case IKEV2_N_COOKIE:
		return "COOKIE";
	case IKEV2_N_USE_TRANSPORT_MODE:
		return "USE_TRANSPORT_MODE";
	case IKEV2_N_HTTP_CERT_LOOKUP_SUPPORTED:
		return "HTTP_CERT_LOOKUP_SUPPORTED";
	case IKEV2_N_REKEY_SA:
		return "REKEY_SA";
	case IKEV2_N_ESP_TFC_PADDING_NOT_SUPPORTED:
		return "ESP_TFC_PADDING_NOT_SUPPORTED";
	case IKEV2_N_NON_FIRST_FRAGMENTS_ALSO:
		return "NON_FIRST_FRAGMENTS_ALSO";
	case IKEV2_N_MOBIKE_SUPPORTED:
		return "MOBIKE_SUPPORTED";
	case IKEV2_N_MULTIPLE_AUTH_SUPPORTED:
		return "MULTIPLE_AUTH_SUPPORTED";
	case IKEV2_N_ANOTHER_AUTH_FOLLOWS:
		return "ANOTHER_AUTH_FOLLOWS";
	case IKEV2_N_REDIRECT_SUPPORTED:
		return "REDIRECT_SUPPORTED";
	case IKEV2_N_EAP_ONLY_AUTHENTICATION:
		return "EAP_ONLY_AUTHENTICATION";
	case IKEV2_N_CHILDLESS_IKEV2_SUPPORTED:
		return "CHILDLESS_IKEV2_SUPPORTED";
	case IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED:
		return "IKEV2_FRAGMENTATION_SUPPORTED";
	case IKEV2_N_SIGNATURE_HASH_ALGORITHMS:
		return "SIGNATURE_HASH_ALGORITHMS";
	default:
		return "UNKNOWN";
	}
}

const char *
ikev2_msg_payload_name(uint8_t type)
{
	static const char *const names[] = { "SA", "KE", "IDi", "IDr", "CERT", "CERTREQ", "AUTH",
		"Ni/Nr", "N", "D", "V", "TSi", "TSr", "SK", "CP", "EAP" };

	if (type >= IKEV2_PL_SA && type <= IKEV2_PL_EAP)
		return names[type - IKEV2_PL_SA];
	if (type == IKEV2_PL_SKF)
		return "SKF";
	return "UNKNOWN";
}

/* Builders. */

void
ikev2_msg_build_hdr(struct ike_buf *b, uint64_t ispi, uint64_t rspi, uint8_t exchange,
    uint8_t flags, uint32_t msgid)
{
	struct ike_hdr h = {
		.ispi = ispi,
		.rspi = rspi,
		.major = IKEV2_MAJOR,
		.minor = IKEV2_MINOR,
		.exchange = exchange,
		.flags = flags,
		.msgid = msgid,
	};

	ike_payload_hdr_build(b, &h);
}

/* A payload of @fixed bytes (@f) then data. */
static int
build_simple(struct ike_buf *b, uint8_t type, const uint8_t *f, size_t fixed, const uint8_t *data,
    size_t len)
{
	ike_payload_begin(b, type, 0);
	ike_payload_buf_put(b, f, fixed);
	ike_payload_buf_put(b, data, len);
	ike_payload_end(b);
	return b->err;
}

static int
bad(struct ike_buf *b)
{
	ike_payload_buf_fail(b, -EINVAL);
	return b->err;
}

/* Substructure header (§3.3.1, §3.3.2); its length is patched by sub_end. */
static size_t
sub_begin(struct ike_buf *b, uint8_t last)
{
	size_t at = b->len;

	ike_payload_buf_put8(b, last);
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
build_proposal(struct ike_buf *b, const struct ikev2_proposal *pr, bool last)
{
	const struct ikev2_transform *t;
	struct ike_attr a = { .type = IKEV2_ATTR_KEY_LENGTH, .tv = true, .len = 2 };
	size_t at, tat;
	unsigned int k;

	if (pr->spi_len > sizeof(pr->spi) || pr->n_transforms == 0 ||
	    pr->n_transforms > IKEV2_TRANSFORMS_MAX) {
		ike_payload_buf_fail(b, -EINVAL);
		return;
	}
	at = sub_begin(b, last ? IKEV2_SUB_LAST : IKEV2_SUB_PROPOSAL);
	ike_payload_buf_put8(b, pr->num);
	ike_payload_buf_put8(b, pr->proto);
	ike_payload_buf_put8(b, pr->spi_len);
	ike_payload_buf_put8(b, (uint8_t)pr->n_transforms);
	ike_payload_buf_put(b, pr->spi, pr->spi_len);
	for (k = 0; k < pr->n_transforms; k++) {
		t = &pr->t[k];
		tat =
		    sub_begin(b, k + 1 == pr->n_transforms ? IKEV2_SUB_LAST : IKEV2_SUB_TRANSFORM);
		ike_payload_buf_put8(b, t->type);
		ike_payload_buf_put8(b, 0); /* RESERVED */
		ike_payload_buf_put16(b, t->id);
		if (t->key_bits != 0) {
			a.u = t->key_bits;
			ike_payload_attr_build(b, &a);
		}
		sub_end(b, tat);
	}
	sub_end(b, at);
}

int
ikev2_msg_build_sa(struct ike_buf *b, const struct ikev2_sa_payload *sa)
{
	unsigned int i;

	if (sa->n == 0 || sa->n > IKEV2_PROPOSALS_MAX)
		return bad(b);
	ike_payload_begin(b, IKEV2_PL_SA, 0);
	for (i = 0; i < sa->n && b->err == 0; i++)
		build_proposal(b, &sa->p[i], i + 1 == sa->n);
	ike_payload_end(b);
	return b->err;
}

int
ikev2_msg_build_ke(struct ike_buf *b, uint16_t group, const uint8_t *data, size_t len)
{
	uint8_t f[KE_FIXED] = { (uint8_t)(group >> 8), (uint8_t)group, 0, 0 };

	if (len == 0)
		return bad(b);
	return build_simple(b, IKEV2_PL_KE, f, sizeof(f), data, len);
}

int
ikev2_msg_build_id(struct ike_buf *b, uint8_t pl_type, uint8_t id_type, const uint8_t *data,
    size_t len)
{
	uint8_t f[ID_FIXED] = { id_type, 0, 0, 0 };

	if ((pl_type != IKEV2_PL_IDI && pl_type != IKEV2_PL_IDR) || len == 0)
		return bad(b);
	return build_simple(b, pl_type, f, sizeof(f), data, len);
}

int
ikev2_msg_build_cert(struct ike_buf *b, uint8_t pl_type, uint8_t encoding, const uint8_t *data,
    size_t len)
{
	if (pl_type != IKEV2_PL_CERT && pl_type != IKEV2_PL_CERTREQ)
		return bad(b);
	if (pl_type == IKEV2_PL_CERT && len == 0)
		return bad(b);
	return build_simple(b, pl_type, &encoding, CERT_FIXED, data, len);
}

int
ikev2_msg_build_auth(struct ike_buf *b, uint8_t method, const uint8_t *data, size_t len)
{
	uint8_t f[AUTH_FIXED] = { method, 0, 0, 0 };

	if (len == 0)
		return bad(b);
	return build_simple(b, IKEV2_PL_AUTH, f, sizeof(f), data, len);
}

int
ikev2_msg_build_nonce(struct ike_buf *b, const uint8_t *data, size_t len)
{
	if (len < IKEV2_NONCE_MIN || len > IKEV2_NONCE_MAX)
		return bad(b);
	return build_simple(b, IKEV2_PL_NONCE, NULL, 0, data, len);
}

int
ikev2_msg_build_notify(struct ike_buf *b, uint8_t proto, const uint8_t *spi, uint8_t spi_len,
    uint16_t type, const uint8_t *data, size_t len)
{
	uint8_t f[N_FIXED] = { proto, spi_len, (uint8_t)(type >> 8), (uint8_t)type };

	if (spi_len != 0 && spi_len != 4 && spi_len != 8)
		return bad(b);
	ike_payload_begin(b, IKEV2_PL_NOTIFY, 0);
	ike_payload_buf_put(b, f, sizeof(f));
	ike_payload_buf_put(b, spi, spi_len);
	ike_payload_buf_put(b, data, len);
	ike_payload_end(b);
	return b->err;
}

int
ikev2_msg_build_delete(struct ike_buf *b, uint8_t proto, uint8_t spi_len, const uint8_t *spis,
    uint16_t n_spis)
{
	uint8_t f[D_FIXED] = { proto, spi_len, (uint8_t)(n_spis >> 8), (uint8_t)n_spis };

	if (proto == IKEV2_PROTO_IKE ? spi_len != 0 || n_spis != 0 : spi_len != 4 || n_spis == 0)
		return bad(b);
	return build_simple(b, IKEV2_PL_DELETE, f, sizeof(f), spis, (size_t)spi_len * n_spis);
}

int
ikev2_msg_build_vid(struct ike_buf *b, const uint8_t *data, size_t len)
{
	if (len == 0)
		return bad(b);
	return build_simple(b, IKEV2_PL_VID, NULL, 0, data, len);
}

int
ikev2_msg_build_ts(struct ike_buf *b, uint8_t pl_type, const struct ikev2_ts_payload *tp)
{
	const struct ikev2_ts *ts;
	size_t alen;
	unsigned int i;

	if ((pl_type != IKEV2_PL_TSI && pl_type != IKEV2_PL_TSR) || tp->n == 0 ||
	    tp->n > IKEV2_TS_MAX)
		return bad(b);
	ike_payload_begin(b, pl_type, 0);
	ike_payload_buf_put8(b, (uint8_t)tp->n);
	ike_payload_buf_zero(b, 3); /* RESERVED */
	for (i = 0; i < tp->n; i++) {
		ts = &tp->ts[i];
		if (ts->type == IKEV2_TS_IPV4_ADDR_RANGE)
			alen = 4;
		else if (ts->type == IKEV2_TS_IPV6_ADDR_RANGE)
			alen = 16;
		else
			return bad(b);
		ike_payload_buf_put8(b, ts->type);
		ike_payload_buf_put8(b, ts->proto);
		ike_payload_buf_put16(b, (uint16_t)(TS_HDR + 2 * alen));
		ike_payload_buf_put16(b, ts->start_port);
		ike_payload_buf_put16(b, ts->end_port);
		ike_payload_buf_put(b, ts->start, alen);
		ike_payload_buf_put(b, ts->end, alen);
	}
	ike_payload_end(b);
	return b->err;
}

int
ikev2_msg_build_cp(struct ike_buf *b, uint8_t cfg_type, const uint8_t *attrs, size_t len)
{
	uint8_t f[CP_FIXED] = { cfg_type, 0, 0, 0 };

	return build_simple(b, IKEV2_PL_CP, f, sizeof(f), attrs, len);
}

int
ikev2_msg_build_eap(struct ike_buf *b, const uint8_t *data, size_t len)
{
	if (len < EAP_HDR || ike_get16(data + 2) != len)
		return bad(b);
	return build_simple(b, IKEV2_PL_EAP, NULL, 0, data, len);
}

int
ikev2_msg_build_finish(struct ike_buf *b)
{
	int rc = ike_payload_buf_finish(b);

	if (rc != 0)
		return rc;
	if (b->len > IKE_MSG_MAX)
		return -EMSGSIZE;
	return (int)b->len;
}
