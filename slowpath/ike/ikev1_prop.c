/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ikev1_prop.c: IKEv1 SA proposals (phase 1 and 2) and ID payloads as traffic selectors. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "slowpath/ike/ike_crypto.h"
#include "slowpath/ike/ike_ts.h"
#include "slowpath/ike/ikev1_prop.h"

#define TV_MAX 0xffffu /* largest value of a TV attribute (RFC 2408 §3.3) */

/* ---- names ---- */

static const char *
hash_name(uint16_t hash)
{
	switch (hash) {
	case IKEV1_HASH_MD5:
		return "md5";
	case IKEV1_HASH_SHA1:
		return "sha1";
	case IKEV1_HASH_SHA2_256:
		return "sha256";
	case IKEV1_HASH_SHA2_384:
		return "sha384";
	case IKEV1_HASH_SHA2_512:
		return "sha512";
	default:
		return NULL;
	}
}

static const char *
group_name(uint16_t group)
{
	switch (group) {
	case IKEV1_GROUP_MODP768:
		return "modp768";
	case IKEV1_GROUP_MODP1024:
		return "modp1024";
	case IKEV1_GROUP_MODP1536:
		return "modp1536";
	case IKEV1_GROUP_MODP2048:
		return "modp2048";
	case IKEV1_GROUP_MODP3072:
		return "modp3072";
	case IKEV1_GROUP_MODP4096:
		return "modp4096";
	case IKEV1_GROUP_MODP6144:
		return "modp6144";
	case IKEV1_GROUP_MODP8192:
		return "modp8192";
	case IKEV1_GROUP_ECP256:
		return "ecp256";
	case IKEV1_GROUP_ECP384:
		return "ecp384";
	case IKEV1_GROUP_ECP521:
		return "ecp521";
	case IKE_CRYPTO_DH_CURVE25519:
		return "curve25519";
	case IKE_CRYPTO_DH_CURVE448:
		return "curve448";
	default:
		return NULL;
	}
}

/* The phase-1 attributes of one transform (RFC 2409 Appendix A). */
struct p1_attrs {
	uint16_t encr, key_bits, hash, auth, group;
	uint32_t life_s;
	bool life_kb;   /* a kilobytes lifetime: we keep none, it is accepted */
	bool unknown;   /* an attribute we do not support (PRF, group type other than MODP...) */
	bool malformed; /* duplicate, or a value of the wrong size */
};

static void
p1_attrs_parse(const struct ikev1_sa *sa, const struct ikev1_transform *tr, struct p1_attrs *a)
{
	const struct ike_attr *at;
	uint16_t life_type = 0;
	unsigned int i;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < tr->n_attrs; i++) {
		at = &sa->attrs[tr->attr_first + i];
		if (at->len > 8) {
			a->malformed = true;
			continue;
		}
		switch (at->type) {
		case IKEV1_ATTR_ENCR:
			a->encr = (uint16_t)at->u;
			break;
		case IKEV1_ATTR_KEY_LENGTH:
			a->key_bits = (uint16_t)at->u;
			break;
		case IKEV1_ATTR_HASH:
			a->hash = (uint16_t)at->u;
			break;
		case IKEV1_ATTR_AUTH_METHOD:
			a->auth = (uint16_t)at->u;
			break;
		case IKEV1_ATTR_GROUP:
			a->group = (uint16_t)at->u;
			break;
		case IKEV1_ATTR_GROUP_TYPE:
			/* RFC 2409 Appendix A: 1 MODP; the groups we know carry it implicitly. */
			if (at->u != 1)
				a->unknown = true;
			break;
		case IKEV1_ATTR_LIFE_TYPE:
			life_type = (uint16_t)at->u;
			if (life_type != IKEV1_LIFE_SECONDS && life_type != IKEV1_LIFE_KILOBYTES)
				a->unknown = true;
			break;
		case IKEV1_ATTR_LIFE_DURATION:
			/* RFC 2409 Appendix A: a duration follows its life type. */
			if (life_type == IKEV1_LIFE_SECONDS)
				a->life_s = at->u > UINT32_MAX ? UINT32_MAX : (uint32_t)at->u;
			else if (life_type == IKEV1_LIFE_KILOBYTES)
				a->life_kb = true;
			else
				a->malformed = true;
			break;
		default:
			/* PRF (13), field size, group descriptions of our own, ... */
			a->unknown = true;
			break;
		}
	}
}

void
ikev1_prop_p1_name(const struct ikev1_p1_prop *p, char *buf, size_t len)
{
	char h[16], g[16];
	const char *hn = hash_name(p->hash), *gn = group_name(p->group);

	if (hn == NULL) {
		snprintf(h, sizeof(h), "hash%u", p->hash);
		hn = h;
	}
	if (gn == NULL) {
		snprintf(g, sizeof(g), "group%u", p->group);
		gn = g;
	}
	snprintf(buf, len, "aes%u-%s-%s", p->encr_bits, hn, gn);
}

/* The name of a transform as offered, whatever its algorithms. */
static void
p1_attrs_name(const struct p1_attrs *a, char *buf, size_t len)
{
	struct ikev1_p1_prop p = { .encr_bits = a->key_bits, .hash = a->hash, .group = a->group };

	if (a->encr == IKEV1_ENCR_AES_CBC) {
		ikev1_prop_p1_name(&p, buf, len);
		return;
	}
	snprintf(buf, len, "encr%u-%s%u-group%u", a->encr, "hash", a->hash, a->group);
}

/* IKEv1 hash id of an IKEv2 PRF id (RFC 4868 §2.4 numbers), 0 when none. */
static uint16_t
hash_of_prf(uint16_t prf)
{
	switch (prf) {
	case IKE_CRYPTO_PRF_HMAC_SHA1:
		return IKEV1_HASH_SHA1;
	case IKE_CRYPTO_PRF_HMAC_SHA2_256:
		return IKEV1_HASH_SHA2_256;
	case IKE_CRYPTO_PRF_HMAC_SHA2_384:
		return IKEV1_HASH_SHA2_384;
	case IKE_CRYPTO_PRF_HMAC_SHA2_512:
		return IKEV1_HASH_SHA2_512;
	default:
		return 0;
	}
}

/* Can IKEv1 carry configured proposal @cp (AES-CBC, an HMAC PRF, a group we compute)? */
static bool
p1_usable(const struct config_ike_proposal *cp)
{
	return cp->encr == IKE_CRYPTO_ENCR_AES_CBC && hash_of_prf(cp->prf) != 0 &&
	    ike_crypto_dh_public_len(cp->dh) > 0 &&
	    (cp->encr_bits == 128 || cp->encr_bits == 192 || cp->encr_bits == 256);
}

static bool
ecdsa_auth(uint16_t auth)
{
	return auth == IKEV1_AUTH_ECDSA_256 || auth == IKEV1_AUTH_ECDSA_384 ||
	    auth == IKEV1_AUTH_ECDSA_521;
}

/*
 * Is the peer's authentication method @got the one we use, @auth?  Any
 * ECDSA method fits an ECDSA key: the signature is checked with the key of
 * the certificate, whatever its curve (as strongSwan does).
 */
static bool
auth_fits(uint16_t got, uint16_t auth)
{
	return got == auth || (ecdsa_auth(got) && ecdsa_auth(auth));
}

/* Does transform @a match configured proposal @cp with authentication method @auth? */
static bool
p1_match(const struct p1_attrs *a, const struct config_ike_proposal *cp, uint16_t auth)
{
	return !a->unknown && !a->malformed && a->encr == IKEV1_ENCR_AES_CBC &&
	    a->key_bits == cp->encr_bits && a->hash == hash_of_prf(cp->prf) && a->group == cp->dh &&
	    auth != 0 && auth_fits(a->auth, auth);
}

static void
p1_out(const struct p1_attrs *a, const struct config_ike_proposal *cp, struct ikev1_p1_prop *out)
{
	memset(out, 0, sizeof(*out));
	out->encr_bits = a->key_bits;
	out->hash = a->hash;
	out->prf = cp->prf;
	out->group = a->group;
	out->auth = a->auth;
	out->life_s = a->life_s;
	ikev1_prop_p1_name(out, out->name, sizeof(out->name));
}

static void
put_attr(struct ikev1_sa *sa, uint16_t type, uint64_t v)
{
	struct ike_attr *at = &sa->attrs[sa->n_attrs++];

	memset(at, 0, sizeof(*at));
	at->type = type;
	if (v <= TV_MAX) {
		at->tv = true;
		at->len = 2;
	} else {
		at->len = v > UINT32_MAX ? 8 : 4; /* TLV, val NULL: u encoded in len bytes */
	}
	at->u = v;
}

static void
sa_init(struct ikev1_sa *sa)
{
	sa->doi = IKEV1_DOI_IPSEC;
	sa->situation = IKEV1_SIT_IDENTITY_ONLY;
	sa->body = NULL;
	sa->body_len = 0;
	sa->n_proposals = 0;
	sa->n_transforms = 0;
	sa->n_attrs = 0;
}

int
ikev1_prop_p1_offer(const struct config_connection *conn, uint32_t life_s, uint16_t auth,
    struct ikev1_sa *sa)
{
	const struct config_ike_proposal *cp;
	struct ikev1_transform *tr;
	unsigned int i;

	sa_init(sa);
	if (auth == 0)
		return 0;
	for (i = 0; i < conn->n_proposals && sa->n_transforms < UINT8_MAX; i++) {
		cp = &conn->proposals[i];
		if (!p1_usable(cp))
			continue;
		if (sa->n_transforms >= IKEV1_TRANSFORMS_MAX ||
		    sa->n_attrs + 7 > IKEV1_SA_ATTRS_MAX)
			return -EINVAL;
		tr = &sa->transforms[sa->n_transforms];
		tr->num = (uint8_t)(sa->n_transforms + 1);
		tr->id = IKEV1_KEY_IKE;
		tr->attr_first = sa->n_attrs;
		put_attr(sa, IKEV1_ATTR_ENCR, IKEV1_ENCR_AES_CBC);
		put_attr(sa, IKEV1_ATTR_KEY_LENGTH, cp->encr_bits);
		put_attr(sa, IKEV1_ATTR_HASH, hash_of_prf(cp->prf));
		put_attr(sa, IKEV1_ATTR_AUTH_METHOD, auth);
		put_attr(sa, IKEV1_ATTR_GROUP, cp->dh);
		if (life_s > 0) {
			put_attr(sa, IKEV1_ATTR_LIFE_TYPE, IKEV1_LIFE_SECONDS);
			put_attr(sa, IKEV1_ATTR_LIFE_DURATION, life_s);
		}
		tr->n_attrs = (uint16_t)(sa->n_attrs - tr->attr_first);
		sa->n_transforms++;
	}
	if (sa->n_transforms == 0)
		return 0;
	sa->proposals[0] = (struct ikev1_proposal){ .num = 1,
		.proto = IKEV1_PROTO_ISAKMP,
		.spi_size = 0,
		.spi = NULL,
		.t_first = 0,
		.n_transforms = sa->n_transforms };
	sa->n_proposals = 1;
	return sa->n_transforms;
}

/* Why a peer's transform failed, for the log: the first reason met. */
static const char *
p1_reject_reason(const struct p1_attrs *a, uint16_t auth)
{
	if (a->malformed)
		return "malformed attributes";
	if (!auth_fits(a->auth, auth)) {
		switch (a->auth) {
		case IKEV1_AUTH_PSK:
			return "the peer offers pre-shared keys, the connection uses certificates";
		case IKEV1_AUTH_RSA_SIG:
		case IKEV1_AUTH_ECDSA_256:
		case IKEV1_AUTH_ECDSA_384:
		case IKEV1_AUTH_ECDSA_521:
			return auth == IKEV1_AUTH_PSK ?
			    "the peer offers signatures, the connection uses pre-shared keys" :
			    "the peer offers another signature method (RSA / ECDSA) than our key's";
		case IKEV1_AUTH_DSS_SIG:
			return "DSS signatures are not supported";
		case IKEV1_AUTH_XAUTH_INIT_PSK:
		case IKEV1_AUTH_XAUTH_RESP_PSK:
		case IKEV1_AUTH_XAUTH_INIT_RSA:
		case IKEV1_AUTH_XAUTH_RESP_RSA:
		case IKEV1_AUTH_HYBRID_INIT_RSA:
		case IKEV1_AUTH_HYBRID_RESP_RSA:
			return "XAUTH / hybrid authentication is not implemented";
		default:
			return "authentication method not supported";
		}
	}
	if (a->encr != IKEV1_ENCR_AES_CBC)
		return "encryption algorithm not supported";
	if (a->unknown)
		return "attribute not supported";
	return "no configured proposal matches";
}

enum ikev1_notify
ikev1_prop_p1_select(const struct ikev1_sa *in, const struct config_connection *conn, uint16_t auth,
    struct ikev1_p1_prop *out, unsigned int *p, unsigned int *t, const char **why)
{
	const struct ikev1_proposal *pr;
	const struct ikev1_transform *tr;
	struct p1_attrs a;
	unsigned int c, i, k;

	*why = "no ISAKMP proposal";
	if (auth == 0) {
		*why = "the connection has no usable credentials (see the log of the start)";
		return IKEV1_N_NO_PROPOSAL_CHOSEN;
	}
	/* Our order first (prefer the configured proposals), then the peer's. */
	for (c = 0; c < conn->n_proposals; c++) {
		if (!p1_usable(&conn->proposals[c]))
			continue;
		for (i = 0; i < in->n_proposals; i++) {
			pr = &in->proposals[i];
			if (pr->proto != IKEV1_PROTO_ISAKMP)
				continue;
			for (k = 0; k < pr->n_transforms; k++) {
				tr = &in->transforms[pr->t_first + k];
				if (tr->id != IKEV1_KEY_IKE)
					continue;
				p1_attrs_parse(in, tr, &a);
				if (!p1_match(&a, &conn->proposals[c], auth))
					continue;
				p1_out(&a, &conn->proposals[c], out);
				*p = i;
				*t = pr->t_first + k;
				*why = NULL;
				return IKEV1_N_NONE;
			}
		}
	}
	/* Nothing: say why the first transform failed. */
	for (i = 0; i < in->n_proposals; i++) {
		pr = &in->proposals[i];
		if (pr->proto != IKEV1_PROTO_ISAKMP || pr->n_transforms == 0)
			continue;
		p1_attrs_parse(in, &in->transforms[pr->t_first], &a);
		*why = p1_reject_reason(&a, auth);
		break;
	}
	return IKEV1_N_NO_PROPOSAL_CHOSEN;
}

enum ikev1_notify
ikev1_prop_p1_check(const struct ikev1_sa *in, const struct config_connection *conn, uint16_t auth,
    struct ikev1_p1_prop *out, const char **why)
{
	const struct ikev1_proposal *pr;
	struct p1_attrs a;
	unsigned int c;

	/* RFC 2408 §4.2: the responder returns one proposal with one transform. */
	if (in->n_proposals != 1 || in->proposals[0].n_transforms != 1 ||
	    in->proposals[0].proto != IKEV1_PROTO_ISAKMP) {
		*why = "the answer is not one ISAKMP proposal with one transform";
		return IKEV1_N_BAD_PROPOSAL_SYNTAX;
	}
	pr = &in->proposals[0];
	if (in->transforms[pr->t_first].id != IKEV1_KEY_IKE) {
		*why = "transform is not KEY_IKE";
		return IKEV1_N_INVALID_TRANSFORM_ID;
	}
	p1_attrs_parse(in, &in->transforms[pr->t_first], &a);
	for (c = 0; c < conn->n_proposals; c++) {
		if (p1_usable(&conn->proposals[c]) && p1_match(&a, &conn->proposals[c], auth)) {
			p1_out(&a, &conn->proposals[c], out);
			*why = NULL;
			return IKEV1_N_NONE;
		}
	}
	*why = "the responder chose a transform we did not offer";
	return IKEV1_N_NO_PROPOSAL_CHOSEN;
}

void
ikev1_prop_p1_list(const struct ikev1_sa *in, char *buf, size_t len)
{
	const struct ikev1_proposal *pr;
	struct p1_attrs a;
	char name[64];
	size_t off = 0;
	unsigned int i, k;
	int n;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < in->n_proposals; i++) {
		pr = &in->proposals[i];
		if (pr->proto != IKEV1_PROTO_ISAKMP)
			continue;
		for (k = 0; k < pr->n_transforms; k++) {
			p1_attrs_parse(in, &in->transforms[pr->t_first + k], &a);
			p1_attrs_name(&a, name, sizeof(name));
			n = snprintf(buf + off, len - off, "%s%s", off > 0 ? "," : "", name);
			if (n < 0 || (size_t)n >= len - off)
				return;
			off += (size_t)n;
		}
	}
}

void
ikev1_prop_chosen(const struct ikev1_sa *in, unsigned int p, unsigned int t, const uint8_t *spi,
    uint8_t spi_size, struct ikev1_sa *out)
{
	const struct ikev1_transform *tr = &in->transforms[t];
	unsigned int i;

	sa_init(out);
	out->doi = in->doi;
	out->situation = in->situation;
	for (i = 0; i < tr->n_attrs; i++)
		out->attrs[i] = in->attrs[tr->attr_first + i];
	out->n_attrs = tr->n_attrs;
	out->transforms[0] = (struct ikev1_transform){ .num = tr->num,
		.id = tr->id,
		.attr_first = 0,
		.n_attrs = tr->n_attrs };
	out->n_transforms = 1;
	out->proposals[0] = (struct ikev1_proposal){ .num = in->proposals[p].num,
		.proto = in->proposals[p].proto,
		.spi_size = spi_size,
		.spi = spi,
		.t_first = 0,
		.n_transforms = 1 };
	out->n_proposals = 1;
}

/* ---- phase 2 ---- */

/* ESP transform id and key length attribute for a configured proposal; 0 when IKEv1 has none. */
static uint8_t
esp_id_of(const struct alg_proposal *alg, uint16_t *key_bits)
{
	*key_bits = 0;
	switch (alg->cipher) {
	case ALG_CIPHER_AES_CBC:
		*key_bits = (uint16_t)(alg->cipher_key_len * 8);
		return IKEV1_ESP_AES_CBC;
	case ALG_CIPHER_AES_CTR:
		*key_bits = (uint16_t)(alg->cipher_key_len * 8);
		return IKEV1_ESP_AES_CTR;
	case ALG_CIPHER_AES_GCM:
		*key_bits = (uint16_t)(alg->cipher_key_len * 8);
		/* RFC 4106 §8.4: ids 18, 19, 20 for 8, 12, 16-byte ICVs. */
		switch (alg->icv_len) {
		case 8:
			return IKEV1_ESP_AES_GCM_8;
		case 12:
			return IKEV1_ESP_AES_GCM_12;
		case 16:
			return IKEV1_ESP_AES_GCM_16;
		default:
			return 0;
		}
	case ALG_CIPHER_NULL:
		return IKEV1_ESP_NULL;
	default:
		return 0;
	}
}

/* IKEv1 authentication algorithm attribute (RFC 2407 §4.5, RFC 4868 §2.4); 0 for none. */
static uint16_t
auth_alg_of(enum alg_auth auth)
{
	switch (auth) {
	case ALG_AUTH_HMAC_SHA1_96:
		return IKEV1_AUTH_ALG_HMAC_SHA1;
	case ALG_AUTH_HMAC_SHA256_128:
		return IKEV1_AUTH_ALG_HMAC_SHA2_256;
	case ALG_AUTH_HMAC_SHA384_192:
		return IKEV1_AUTH_ALG_HMAC_SHA2_384;
	case ALG_AUTH_HMAC_SHA512_256:
		return IKEV1_AUTH_ALG_HMAC_SHA2_512;
	default:
		return 0;
	}
}

static bool
p2_usable(const struct alg_proposal *alg)
{
	uint16_t bits;

	if (esp_id_of(alg, &bits) == 0)
		return false;
	if (alg->aead)
		return true;
	return auth_alg_of(alg->auth) != 0;
}

uint16_t
ikev1_prop_encap_mode(enum config_mode mode, bool udp, bool draft)
{
	if (!udp)
		return mode == CONFIG_MODE_TUNNEL ? IKEV1_ENCAP_TUNNEL : IKEV1_ENCAP_TRANSPORT;
	if (draft)
		return mode == CONFIG_MODE_TUNNEL ? IKEV1_ENCAP_UDP_TUNNEL_DRAFT :
		                                    IKEV1_ENCAP_UDP_TRANSPORT_DRAFT;
	return mode == CONFIG_MODE_TUNNEL ? IKEV1_ENCAP_UDP_TUNNEL : IKEV1_ENCAP_UDP_TRANSPORT;
}

static void
p2_transform(struct ikev1_sa *sa, const struct config_child *child,
    const struct config_esp_proposal *ep, bool esn, uint16_t group, uint16_t encap_mode)
{
	struct ikev1_transform *tr = &sa->transforms[sa->n_transforms];
	uint16_t bits;

	tr->num = (uint8_t)(sa->n_transforms + 1);
	tr->id = esp_id_of(&ep->alg, &bits);
	tr->attr_first = sa->n_attrs;
	if (child->life_time > 0) {
		put_attr(sa, IKEV1_IPSEC_ATTR_LIFE_TYPE, IKEV1_LIFE_SECONDS);
		put_attr(sa, IKEV1_IPSEC_ATTR_LIFE_DURATION, child->life_time);
	}
	if (child->life_bytes >= 1024) {
		put_attr(sa, IKEV1_IPSEC_ATTR_LIFE_TYPE, IKEV1_LIFE_KILOBYTES);
		put_attr(sa, IKEV1_IPSEC_ATTR_LIFE_DURATION, child->life_bytes / 1024);
	}
	if (group != 0)
		put_attr(sa, IKEV1_IPSEC_ATTR_GROUP, group);
	put_attr(sa, IKEV1_IPSEC_ATTR_ENCAP_MODE, encap_mode);
	if (!ep->alg.aead)
		put_attr(sa, IKEV1_IPSEC_ATTR_AUTH_ALG, auth_alg_of(ep->alg.auth));
	if (bits != 0)
		put_attr(sa, IKEV1_IPSEC_ATTR_KEY_LENGTH, bits);
	if (esn)
		put_attr(sa, IKEV1_IPSEC_ATTR_ESN, IKEV1_ESN_ALLOWED);
	tr->n_attrs = (uint16_t)(sa->n_attrs - tr->attr_first);
	sa->n_transforms++;
}

int
ikev1_prop_p2_offer(const struct config_child *child, const uint8_t *spi, uint16_t group,
    uint16_t encap_mode, struct ikev1_sa *sa)
{
	const struct config_esp_proposal *ep;
	unsigned int i;

	sa_init(sa);
	for (i = 0; i < child->n_esp_proposals; i++) {
		ep = &child->esp_proposals[i];
		if (!p2_usable(&ep->alg) || ep->dh != group)
			continue;
		if (sa->n_transforms + 2 > IKEV1_TRANSFORMS_MAX ||
		    sa->n_transforms + 2 > UINT8_MAX || sa->n_attrs + 20 > IKEV1_SA_ATTRS_MAX)
			return -EINVAL;
		if (ep->noesn || !ep->esn)
			p2_transform(sa, child, ep, false, group, encap_mode);
		if (ep->esn)
			p2_transform(sa, child, ep, true, group, encap_mode);
	}
	if (sa->n_transforms == 0)
		return 0;
	sa->proposals[0] = (struct ikev1_proposal){ .num = 1,
		.proto = IKEV1_PROTO_IPSEC_ESP,
		.spi_size = IKEV1_IPSEC_SPI_LEN,
		.spi = spi,
		.t_first = 0,
		.n_transforms = sa->n_transforms };
	sa->n_proposals = 1;
	return sa->n_transforms;
}

/* The attributes of one ESP transform (RFC 2407 §4.5). */
struct p2_attrs {
	uint16_t key_bits, auth, group, encap;
	bool esn;
	uint32_t life_s;
	uint64_t life_kb;
	bool unknown, malformed;
};

static void
p2_attrs_parse(const struct ikev1_sa *sa, const struct ikev1_transform *tr, struct p2_attrs *a)
{
	const struct ike_attr *at;
	uint16_t life_type = 0;
	unsigned int i;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < tr->n_attrs; i++) {
		at = &sa->attrs[tr->attr_first + i];
		if (at->len > 8) {
			a->malformed = true;
			continue;
		}
		switch (at->type) {
		case IKEV1_IPSEC_ATTR_LIFE_TYPE:
			life_type = (uint16_t)at->u;
			if (life_type != IKEV1_LIFE_SECONDS && life_type != IKEV1_LIFE_KILOBYTES)
				a->unknown = true;
			break;
		case IKEV1_IPSEC_ATTR_LIFE_DURATION:
			if (life_type == IKEV1_LIFE_SECONDS)
				a->life_s = at->u > UINT32_MAX ? UINT32_MAX : (uint32_t)at->u;
			else if (life_type == IKEV1_LIFE_KILOBYTES)
				a->life_kb = at->u;
			else
				a->malformed = true;
			break;
		case IKEV1_IPSEC_ATTR_GROUP:
			a->group = (uint16_t)at->u;
			break;
		case IKEV1_IPSEC_ATTR_ENCAP_MODE:
			a->encap = (uint16_t)at->u;
			break;
		case IKEV1_IPSEC_ATTR_AUTH_ALG:
			a->auth = (uint16_t)at->u;
			break;
		case IKEV1_IPSEC_ATTR_KEY_LENGTH:
			a->key_bits = (uint16_t)at->u;
			break;
		case IKEV1_IPSEC_ATTR_ESN:
			a->esn = at->u == IKEV1_ESN_ALLOWED;
			if (!a->esn)
				a->unknown = true;
			break;
		default:
			/* key rounds, compression dictionary, ECN tunnel, ... */
			a->unknown = true;
			break;
		}
	}
}

/* Mode and UDP encapsulation of an encapsulation mode value (RFC 2407 §4.5, RFC 3947 §5.1). */
static bool
encap_decode(uint16_t v, enum config_mode *mode, bool *udp)
{
	switch (v) {
	case 0: /* absent: RFC 2407 §4.5 leaves it to the implementation; tunnel, as strongSwan */
	case IKEV1_ENCAP_TUNNEL:
		*mode = CONFIG_MODE_TUNNEL;
		*udp = false;
		return true;
	case IKEV1_ENCAP_TRANSPORT:
		*mode = CONFIG_MODE_TRANSPORT;
		*udp = false;
		return true;
	case IKEV1_ENCAP_UDP_TUNNEL:
	case IKEV1_ENCAP_UDP_TUNNEL_DRAFT:
		*mode = CONFIG_MODE_TUNNEL;
		*udp = true;
		return true;
	case IKEV1_ENCAP_UDP_TRANSPORT:
	case IKEV1_ENCAP_UDP_TRANSPORT_DRAFT:
		*mode = CONFIG_MODE_TRANSPORT;
		*udp = true;
		return true;
	default:
		return false;
	}
}

/* Does ESP transform @tr (@a) match configured proposal @ep of @child? */
static bool
p2_match(const struct ikev1_transform *tr, const struct p2_attrs *a,
    const struct config_child *child, const struct config_esp_proposal *ep, bool ke_present)
{
	enum config_mode mode;
	uint16_t bits;
	uint8_t id;
	bool udp;

	if (a->unknown || a->malformed || !p2_usable(&ep->alg))
		return false;
	id = esp_id_of(&ep->alg, &bits);
	if (tr->id != id)
		return false;
	/* AES needs its key length (RFC 3602 §5); we do not guess a default. */
	if (bits != 0 && a->key_bits != bits)
		return false;
	if (ep->alg.aead ? a->auth != 0 : a->auth != auth_alg_of(ep->alg.auth))
		return false;
	if (a->group != ep->dh || (a->group != 0) != ke_present)
		return false;
	if (a->esn ? !ep->esn : !(ep->noesn || !ep->esn))
		return false;
	if (!encap_decode(a->encap, &mode, &udp) || mode != child->mode)
		return false;
	return true;
}

static void
p2_out(const struct p2_attrs *a, const struct config_child *child, unsigned int esp,
    struct ikev1_p2_prop *out)
{
	const struct config_esp_proposal *ep = &child->esp_proposals[esp];

	memset(out, 0, sizeof(*out));
	out->alg = ep->alg;
	out->esn = a->esn;
	out->group = a->group;
	out->encap_mode = a->encap != 0 ? a->encap : IKEV1_ENCAP_TUNNEL;
	encap_decode(a->encap, &out->mode, &out->encap);
	/* The shorter of the two lifetimes (RFC 2407 §4.5: the initiator's
	 * offer, which a responder may lower with RESPONDER-LIFETIME). */
	out->life_s = a->life_s;
	if (child->life_time > 0 && (out->life_s == 0 || child->life_time < out->life_s))
		out->life_s = child->life_time;
	out->life_kb = a->life_kb;
	if (child->life_bytes >= 1024 &&
	    (out->life_kb == 0 || child->life_bytes / 1024 < out->life_kb))
		out->life_kb = child->life_bytes / 1024;
	out->esp = esp;
	snprintf(out->name, sizeof(out->name), "%s%s%s%s", ep->alg.name, a->group != 0 ? "-" : "",
	    a->group != 0 ? (group_name(a->group) ? group_name(a->group) : "pfs") : "",
	    a->esn ? "-esn" : "");
}

enum ikev1_notify
ikev1_prop_p2_select(const struct ikev1_sa *in, const struct config_child *child, bool ke_present,
    struct ikev1_p2_prop *out, unsigned int *p, unsigned int *t, const char **why)
{
	const struct ikev1_proposal *pr;
	const struct ikev1_transform *tr;
	struct p2_attrs a;
	unsigned int c, i, j, k;
	bool alone;

	for (c = 0; c < child->n_esp_proposals; c++) {
		for (i = 0; i < in->n_proposals; i++) {
			pr = &in->proposals[i];
			if (pr->proto != IKEV1_PROTO_IPSEC_ESP)
				continue;
			/* An AND-ed bundle (ESP with AH or IPComp, RFC 2408 §4.2) is
			 * not something we install: skip proposals that share their
			 * number with another. */
			alone = true;
			for (j = 0; j < in->n_proposals; j++)
				if (j != i && in->proposals[j].num == pr->num)
					alone = false;
			if (!alone)
				continue;
			for (k = 0; k < pr->n_transforms; k++) {
				tr = &in->transforms[pr->t_first + k];
				p2_attrs_parse(in, tr, &a);
				if (!p2_match(tr, &a, child, &child->esp_proposals[c], ke_present))
					continue;
				p2_out(&a, child, c, out);
				*p = i;
				*t = pr->t_first + k;
				*why = NULL;
				return IKEV1_N_NONE;
			}
		}
	}
	*why = "no ESP transform matches the child's proposals and mode";
	return IKEV1_N_NO_PROPOSAL_CHOSEN;
}

enum ikev1_notify
ikev1_prop_p2_check(const struct ikev1_sa *in, const struct config_child *child, uint16_t group,
    struct ikev1_p2_prop *out, const char **why)
{
	const struct ikev1_proposal *pr;
	const struct ikev1_transform *tr;
	struct p2_attrs a;
	unsigned int c;

	if (in->n_proposals != 1 || in->proposals[0].n_transforms != 1 ||
	    in->proposals[0].proto != IKEV1_PROTO_IPSEC_ESP) {
		*why = "the answer is not one ESP proposal with one transform";
		return IKEV1_N_BAD_PROPOSAL_SYNTAX;
	}
	pr = &in->proposals[0];
	tr = &in->transforms[pr->t_first];
	p2_attrs_parse(in, tr, &a);
	for (c = 0; c < child->n_esp_proposals; c++) {
		if (child->esp_proposals[c].dh != group)
			continue;
		if (p2_match(tr, &a, child, &child->esp_proposals[c], group != 0)) {
			p2_out(&a, child, c, out);
			*why = NULL;
			return IKEV1_N_NONE;
		}
	}
	*why = "the responder chose a transform we did not offer";
	return IKEV1_N_NO_PROPOSAL_CHOSEN;
}

/* ---- traffic selectors ---- */

void
ikev1_prop_ts_resolve(const struct config_ts *ts, const struct config_addr *ike,
    struct config_ts *out)
{
	ike_ts_resolve(ts, ike, out);
}

int
ikev1_prop_ts_from_id(const struct ikev1_id *id, struct config_ts *ts)
{
	unsigned int n;
	int len;

	memset(ts, 0, sizeof(*ts));
	switch (id->type) {
	case IKEV1_ID_IPV4_ADDR:
	case IKEV1_ID_IPV4_ADDR_SUBNET:
	case IKEV1_ID_IPV4_ADDR_RANGE:
		ts->net.a.family = 4;
		break;
	case IKEV1_ID_IPV6_ADDR:
	case IKEV1_ID_IPV6_ADDR_SUBNET:
	case IKEV1_ID_IPV6_ADDR_RANGE:
		ts->net.a.family = 6;
		break;
	default:
		return -EINVAL;
	}
	n = ike_ts_addr_len(ts->net.a.family);
	memcpy(ts->net.a.addr, id->data, n);
	switch (id->type) {
	case IKEV1_ID_IPV4_ADDR:
	case IKEV1_ID_IPV6_ADDR:
		ts->net.len = (uint8_t)(n * 8);
		break;
	case IKEV1_ID_IPV4_ADDR_SUBNET:
	case IKEV1_ID_IPV6_ADDR_SUBNET:
		len = ike_ts_mask_len(id->data + n, n);
		if (len < 0)
			return -EINVAL;
		ts->net.len = (uint8_t)len;
		ike_ts_prefix_clear_host(&ts->net);
		break;
	default:
		len = ike_ts_range_prefix(id->data, id->data + n, n);
		if (len < 0)
			return -EINVAL;
		ts->net.len = (uint8_t)len;
		break;
	}
	ts->protocol = id->proto == 0 ? -1 : id->proto;
	if (id->port == 0) {
		ts->ports.first = 0;
		ts->ports.last = 65535;
	} else {
		ts->ports.first = ts->ports.last = id->port;
	}
	return 0;
}

int
ikev1_prop_ts_to_id(const struct config_ts *ts, uint8_t *data, struct ikev1_id *id)
{
	unsigned int n = ike_ts_addr_len(ts->net.a.family), i, bits;

	memset(id, 0, sizeof(*id));
	if (ts->dynamic || (ts->net.a.family != 4 && ts->net.a.family != 6))
		return -EINVAL;
	if (ts->ports.first == 0 && ts->ports.last == 65535)
		id->port = 0;
	else if (ts->ports.first == ts->ports.last)
		id->port = ts->ports.first;
	else
		return -EINVAL;
	id->proto = ts->protocol < 0 ? 0 : (uint8_t)ts->protocol;
	memcpy(data, ts->net.a.addr, n);
	if (ts->net.len == n * 8) {
		id->type = n == 4 ? IKEV1_ID_IPV4_ADDR : IKEV1_ID_IPV6_ADDR;
		id->len = n;
	} else {
		id->type = n == 4 ? IKEV1_ID_IPV4_ADDR_SUBNET : IKEV1_ID_IPV6_ADDR_SUBNET;
		for (i = 0; i < n; i++) {
			bits = ts->net.len > i * 8 ? ts->net.len - i * 8 : 0;
			data[n + i] = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));
		}
		id->len = 2 * n;
	}
	id->data = data;
	return 0;
}

bool
ikev1_prop_ts_contains(const struct config_ts *outer, const struct config_ts *inner)
{
	return ike_ts_contains(outer, inner);
}

bool
ikev1_prop_ts_narrow(const struct config_ts *a, const struct config_ts *b, struct config_ts *out)
{
	return ike_ts_narrow(a, b, out);
}

void
ikev1_prop_ts_format(const struct config_ts *ts, char *buf, size_t len)
{
	ike_ts_format(ts, buf, len);
}
