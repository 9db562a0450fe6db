/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ike_id.c: IKE identities (IKEv1 and IKEv2): ours from the config, the peer's checked against it, PSK lookup. */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "slowpath/ike/ike_id.h"

static bool
no_id(const struct config_ike_auth *a)
{
	return a->id[0] == '\0' || a->id_type == CONFIG_ID_ANY;
}

int
ike_id_local(const struct config_ike_auth *a, const struct config_addr *ike,
    const struct ike_crypto_cred *cred, struct ike_id *out)
{
	const uint8_t *subj;
	size_t slen, n;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((a->id[0] == '\0' || a->id_type == CONFIG_ID_DN) && cred != NULL) {
		/* With a certificate: its subject, also for a DN equal to it. */
		ike_crypto_cred_subject(cred, &subj, &slen);
		out->type = CONFIG_ID_DN;
		if (a->id[0] != '\0') {
			rc = ike_crypto_dn_parse(a->id, out->data, sizeof(out->data));
			if (rc < 0)
				return rc;
			out->len = (size_t)rc;
			if (!ike_crypto_dn_equal(out->data, out->len, subj, slen))
				return 0; /* another DN: sent as written */
		}
		if (slen > sizeof(out->data))
			return -ENOSPC;
		memcpy(out->data, subj, slen);
		out->len = slen;
		return 0;
	}
	if (no_id(a)) {
		if (ike == NULL || (ike->family != 4 && ike->family != 6))
			return -EINVAL;
		out->type = ike->family == 4 ? CONFIG_ID_IPV4 : CONFIG_ID_IPV6;
		out->len = ike->family == 4 ? 4 : 16;
		memcpy(out->data, ike->addr, out->len);
		return 0;
	}
	switch (a->id_type) {
	case CONFIG_ID_IPV4:
	case CONFIG_ID_IPV6:
		out->type = (uint8_t)a->id_type;
		out->len = a->id_type == CONFIG_ID_IPV4 ? 4 : 16;
		memcpy(out->data, a->id_addr, out->len);
		return 0;
	case CONFIG_ID_FQDN:
	case CONFIG_ID_RFC822:
		n = strnlen(a->id, sizeof(a->id));
		if (n > sizeof(out->data))
			return -ENOSPC;
		out->type = (uint8_t)a->id_type;
		memcpy(out->data, a->id, n);
		out->len = n;
		return 0;
	case CONFIG_ID_DN:
		/* Without a certificate (PSK): the DN as written. */
		rc = ike_crypto_dn_parse(a->id, out->data, sizeof(out->data));
		if (rc < 0)
			return rc;
		out->type = CONFIG_ID_DN;
		out->len = (size_t)rc;
		return 0;
	default:
		return -ENOTSUP;
	}
}

int
ike_id_parse(uint8_t type, const uint8_t *data, size_t len, struct ike_id *out)
{
	memset(out, 0, sizeof(*out));
	if (data == NULL && len > 0)
		return -EINVAL;
	switch (type) {
	case CONFIG_ID_IPV4:
		if (len != 4)
			return -EINVAL;
		break;
	case CONFIG_ID_IPV6:
		if (len != 16)
			return -EINVAL;
		break;
	case CONFIG_ID_FQDN:
	case CONFIG_ID_RFC822:
		if (len == 0 || memchr(data, '\0', len) != NULL)
			return -EINVAL;
		break;
	case CONFIG_ID_DN:
		/* Must be a DER Name, nothing after it: equal to itself only then. */
		if (len == 0 || !ike_crypto_dn_equal(data, len, data, len))
			return -EINVAL;
		break;
	default:
		return -ENOTSUP;
	}
	if (len > sizeof(out->data))
		return -EINVAL;
	out->type = type;
	out->len = len;
	memcpy(out->data, data, len);
	return 0;
}

int
ike_id_text(const struct ike_id *id, enum config_id_type *type, char *text, size_t size,
    uint8_t *addr)
{
	struct config_addr a = { 0 };
	char dn[IKE_ID_DATA_MAX];
	size_t n;

	if (size == 0)
		return -EINVAL;
	memset(addr, 0, 16);
	text[0] = '\0';
	*type = (enum config_id_type)id->type;
	switch (id->type) {
	case CONFIG_ID_IPV4:
	case CONFIG_ID_IPV6:
		if (id->len != (id->type == CONFIG_ID_IPV4 ? 4u : 16u))
			return -EINVAL;
		a.family = id->type == CONFIG_ID_IPV4 ? 4 : 6;
		memcpy(a.addr, id->data, id->len);
		memcpy(addr, id->data, id->len);
		config_addr_format(&a, text, size);
		return 0;
	case CONFIG_ID_FQDN:
	case CONFIG_ID_RFC822:
		if (id->len >= size || memchr(id->data, '\0', id->len) != NULL)
			return -EINVAL;
		memcpy(text, id->data, id->len);
		text[id->len] = '\0';
		return 0;
	case CONFIG_ID_DN:
		if (ike_crypto_dn_format(id->data, id->len, dn, sizeof(dn)) < 0)
			return -EINVAL;
		/* A long DN is cut for logs; its DER is what is compared. */
		n = strnlen(dn, size - 1);
		memcpy(text, dn, n);
		text[n] = '\0';
		return 0;
	default:
		return -EINVAL;
	}
}

bool
ike_id_match(const struct config_ike_auth *r, const struct ike_id *id)
{
	uint8_t dn[IKE_ID_DATA_MAX];
	size_t n;
	int rc;

	if (no_id(r))
		return true;
	if ((uint8_t)r->id_type != id->type)
		return false;
	switch (r->id_type) {
	case CONFIG_ID_DN:
		rc = ike_crypto_dn_parse(r->id, dn, sizeof(dn));
		return rc > 0 && ike_crypto_dn_equal(dn, (size_t)rc, id->data, id->len);
	case CONFIG_ID_IPV4:
		return id->len == 4 && memcmp(r->id_addr, id->data, 4) == 0;
	case CONFIG_ID_IPV6:
		return id->len == 16 && memcmp(r->id_addr, id->data, 16) == 0;
	case CONFIG_ID_FQDN:
	case CONFIG_ID_RFC822:
		n = strnlen(r->id, sizeof(r->id));
		return n == id->len && strncasecmp(r->id, (const char *)id->data, n) == 0;
	default:
		return false;
	}
}

int
ike_id_remote(const struct config_ike_auth *r, struct ike_id *out)
{
	memset(out, 0, sizeof(*out));
	if (no_id(r))
		return -ENOENT;
	return ike_id_local(r, NULL, NULL, out);
}

int
ike_id_cert_type(uint8_t type)
{
	switch (type) {
	case CONFIG_ID_DN:
		return IKE_CRYPTO_ID_DN;
	case CONFIG_ID_FQDN:
		return IKE_CRYPTO_ID_FQDN;
	case CONFIG_ID_RFC822:
		return IKE_CRYPTO_ID_EMAIL;
	case CONFIG_ID_IPV4:
		return IKE_CRYPTO_ID_IPV4;
	case CONFIG_ID_IPV6:
		return IKE_CRYPTO_ID_IPV6;
	default:
		return -1;
	}
}

bool
ike_id_equal(const struct ike_id *a, const struct ike_id *b)
{
	if (a->type != b->type)
		return false;
	if (a->type == CONFIG_ID_DN)
		return ike_crypto_dn_equal(a->data, a->len, b->data, b->len);
	if (a->len != b->len)
		return false;
	if (a->type == CONFIG_ID_FQDN || a->type == CONFIG_ID_RFC822)
		return strncasecmp((const char *)a->data, (const char *)b->data, a->len) == 0;
	return memcmp(a->data, b->data, a->len) == 0;
}

bool
ike_id_ours(const struct ike_id *me, const struct ike_crypto_cred *cred, const struct ike_id *id)
{
	int t = ike_id_cert_type(id->type);

	if (ike_id_equal(me, id))
		return true;
	return cred != NULL && t >= 0 &&
	    ike_crypto_cred_has_id(cred, (enum ike_crypto_id)t, id->data, id->len) == 0;
}

const struct config_secret *
ike_id_psk_find(const struct config *cfg, enum config_id_type lt, const char *lid,
    const uint8_t *laddr, enum config_id_type rt, const char *rid, const uint8_t *raddr)
{
	const struct config_secret *best = NULL, *sec;
	int score, l, r, best_score = 0;
	unsigned int i;

	for (i = 0; i < cfg->n_secrets; i++) {
		sec = &cfg->secrets[i];
		if (sec->type != CONFIG_SECRET_IKE)
			continue;
		l = config_secret_match(sec, lt, lid, laddr);
		r = config_secret_match(sec, rt, rid, raddr);
		/* Secrets with ids must name one end (strongSwan's owners rule). */
		if (sec->n_ids > 0 && l == 0 && r == 0)
			continue;
		/* strongSwan's ID_MATCH_PERFECT (20) against ID_MATCH_ANY (1): a secret
		 * naming an end beats any number of wildcards. */
		score = (l == 2 ? 20 : l) + (r == 2 ? 20 : r);
		if (score > best_score) {
			best = sec;
			best_score = score;
		}
	}
	return best;
}

void
ike_id_lookup_key(const struct config_ike_auth *a, const struct config_addr *ike,
    enum config_id_type *type, const char **id, const uint8_t **addr, char *buf, size_t size)
{
	if (no_id(a)) {
		*type = ike->family == 4 ? CONFIG_ID_IPV4 : CONFIG_ID_IPV6;
		*id = config_addr_format(ike, buf, size);
		*addr = ike->addr;
		return;
	}
	*type = a->id_type;
	*id = a->id;
	*addr = a->id_addr;
}
