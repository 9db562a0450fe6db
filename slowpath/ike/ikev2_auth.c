/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ikev2_auth.c: the IKEv2 AUTH payload: signed octets, PSK and signature authentication. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "slowpath/ike/ikev2_auth.h"

/* RFC 7296 §2.15: the 17 ASCII characters, no NUL. */
static const char key_pad[] = "Key Pad for IKEv2";
#define KEY_PAD_LEN (sizeof(key_pad) - 1)

/* Our preference of hashes for RFC 7427 signatures, by key (never SHA-1). */
static const uint16_t pref_rsa[] = { IKE_CRYPTO_HASH_SHA2_256, IKE_CRYPTO_HASH_SHA2_384,
	IKE_CRYPTO_HASH_SHA2_512 };
static const uint16_t pref_p256[] = { IKE_CRYPTO_HASH_SHA2_256, IKE_CRYPTO_HASH_SHA2_384,
	IKE_CRYPTO_HASH_SHA2_512 };
static const uint16_t pref_p384[] = { IKE_CRYPTO_HASH_SHA2_384, IKE_CRYPTO_HASH_SHA2_512,
	IKE_CRYPTO_HASH_SHA2_256 };
static const uint16_t pref_p521[] = { IKE_CRYPTO_HASH_SHA2_512, IKE_CRYPTO_HASH_SHA2_384,
	IKE_CRYPTO_HASH_SHA2_256 };
#define PREF_N 3

static bool
octets_ok(const struct ikev2_auth_octets *o)
{
	return o != NULL && o->msg != NULL && o->msg_len > 0 && o->nonce != NULL &&
	    o->nonce_len > 0 && o->id != NULL && o->id_len >= 4 && o->sk_p != NULL &&
	    o->sk_p_len > 0;
}

/* The three pieces of the signed octets; @maced gets prf(SK_p, RestOfIDPayload). */
static int
octets_parts(const struct ikev2_auth_octets *o, uint8_t *maced, struct ike_crypto_chunk parts[3])
{
	int n;

	if (!octets_ok(o))
		return -EINVAL;
	n = ike_crypto_prf(o->prf, o->sk_p, o->sk_p_len, o->id, o->id_len, maced,
	    IKE_CRYPTO_PRF_MAX);
	if (n < 0)
		return n;
	parts[0] = (struct ike_crypto_chunk){ o->msg, o->msg_len };
	parts[1] = (struct ike_crypto_chunk){ o->nonce, o->nonce_len };
	parts[2] = (struct ike_crypto_chunk){ maced, (size_t)n };
	return n;
}

int
ikev2_auth_octets_build(const struct ikev2_auth_octets *o, uint8_t *out, size_t size)
{
	uint8_t maced[IKE_CRYPTO_PRF_MAX];
	struct ike_crypto_chunk parts[3];
	size_t len = 0, i;
	int n;

	if (out == NULL)
		return -EINVAL;
	n = octets_parts(o, maced, parts);
	if (n < 0)
		return n;
	if (o->msg_len > size || o->nonce_len > size - o->msg_len ||
	    (size_t)n > size - o->msg_len - o->nonce_len)
		return -ENOSPC;
	for (i = 0; i < 3; i++) {
		memcpy(out + len, parts[i].ptr, parts[i].len);
		len += parts[i].len;
	}
	return (int)len;
}

int
ikev2_auth_psk_build(const struct ikev2_auth_octets *o, const uint8_t *secret, size_t secret_len,
    uint8_t *out, size_t size)
{
	uint8_t maced[IKE_CRYPTO_PRF_MAX], key[IKE_CRYPTO_PRF_MAX];
	struct ike_crypto_chunk parts[3];
	int n, rc;

	if (secret == NULL || secret_len == 0 || out == NULL)
		return -EINVAL;
	rc = octets_parts(o, maced, parts);
	if (rc < 0)
		return rc;
	n = ike_crypto_prf(o->prf, secret, secret_len, (const uint8_t *)key_pad, KEY_PAD_LEN, key,
	    sizeof(key));
	if (n < 0)
		return n;
	rc = ike_crypto_prf_vec(o->prf, key, (size_t)n, parts, 3, out, size);
	explicit_bzero(key, sizeof(key));
	return rc;
}

/* Equal, in time independent of where they differ. */
static bool
ct_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	volatile uint8_t d = 0;
	size_t i;

	for (i = 0; i < n; i++)
		d |= (uint8_t)(a[i] ^ b[i]);
	return d == 0;
}

int
ikev2_auth_psk_verify(const struct ikev2_auth_octets *o, const uint8_t *secret, size_t secret_len,
    const uint8_t *auth, size_t auth_len)
{
	uint8_t want[IKE_CRYPTO_PRF_MAX];
	int n, rc = -EBADMSG;

	if (auth == NULL && auth_len > 0)
		return -EINVAL;
	n = ikev2_auth_psk_build(o, secret, secret_len, want, sizeof(want));
	if (n < 0)
		return n;
	if ((size_t)n == auth_len && ct_equal(want, auth, auth_len))
		rc = 0;
	explicit_bzero(want, sizeof(want));
	return rc;
}

/* ---- SIGNATURE_HASH_ALGORITHMS (RFC 7427 §4) ---- */

int
ikev2_auth_hashes_build(uint8_t *out, size_t size)
{
	size_t i;

	if (out == NULL || size < 2 * PREF_N)
		return -ENOSPC;
	for (i = 0; i < PREF_N; i++) {
		out[2 * i] = (uint8_t)(pref_rsa[i] >> 8);
		out[2 * i + 1] = (uint8_t)pref_rsa[i];
	}
	return (int)(2 * PREF_N);
}

int
ikev2_auth_hashes_parse(const uint8_t *data, size_t len, uint16_t *hashes, unsigned int max)
{
	unsigned int n = 0;
	size_t i;

	if (data == NULL || len == 0 || len % 2 != 0)
		return -EBADMSG;
	for (i = 0; i + 1 < len && n < max; i += 2)
		hashes[n++] = (uint16_t)(data[i] << 8 | data[i + 1]);
	return (int)n;
}

static bool
hash_we_take(uint16_t hash)
{
	unsigned int i;

	for (i = 0; i < PREF_N; i++) {
		if (pref_rsa[i] == hash)
			return true;
	}
	return false;
}

uint8_t
ikev2_auth_sig_choose(enum ike_crypto_sig key, const uint16_t *hashes, unsigned int n,
    uint16_t *hash)
{
	const uint16_t *pref;
	uint8_t classic;
	unsigned int i, j;

	switch (key) {
	case IKE_CRYPTO_SIG_RSA:
		pref = pref_rsa;
		classic = IKEV2_AUTH_RSA_SIG;
		*hash = IKE_CRYPTO_HASH_SHA1;
		break;
	case IKE_CRYPTO_SIG_ECDSA_P256:
		pref = pref_p256;
		classic = IKEV2_AUTH_ECDSA_256;
		*hash = IKE_CRYPTO_HASH_SHA2_256;
		break;
	case IKE_CRYPTO_SIG_ECDSA_P384:
		pref = pref_p384;
		classic = IKEV2_AUTH_ECDSA_384;
		*hash = IKE_CRYPTO_HASH_SHA2_384;
		break;
	case IKE_CRYPTO_SIG_ECDSA_P521:
		pref = pref_p521;
		classic = IKEV2_AUTH_ECDSA_521;
		*hash = IKE_CRYPTO_HASH_SHA2_512;
		break;
	default:
		return 0;
	}
	for (i = 0; hashes != NULL && i < PREF_N; i++) {
		for (j = 0; j < n; j++) {
			if (hashes[j] == pref[i]) {
				*hash = pref[i];
				return IKEV2_AUTH_DIGITAL_SIG;
			}
		}
	}
	return classic;
}

/* The key scheme and hash a classic method (1, 9, 10, 11) means. */
static int
classic_method(uint8_t method, enum ike_crypto_sig *key, uint16_t *hash)
{
	switch (method) {
	case IKEV2_AUTH_RSA_SIG:
		*key = IKE_CRYPTO_SIG_RSA;
		*hash = IKE_CRYPTO_HASH_SHA1;
		return 0;
	case IKEV2_AUTH_ECDSA_256:
		*key = IKE_CRYPTO_SIG_ECDSA_P256;
		*hash = IKE_CRYPTO_HASH_SHA2_256;
		return 0;
	case IKEV2_AUTH_ECDSA_384:
		*key = IKE_CRYPTO_SIG_ECDSA_P384;
		*hash = IKE_CRYPTO_HASH_SHA2_384;
		return 0;
	case IKEV2_AUTH_ECDSA_521:
		*key = IKE_CRYPTO_SIG_ECDSA_P521;
		*hash = IKE_CRYPTO_HASH_SHA2_512;
		return 0;
	default:
		return -ENOTSUP;
	}
}

/* The signed octets in a fresh buffer (the caller frees it). */
static int
octets_alloc(const struct ikev2_auth_octets *o, uint8_t **buf)
{
	size_t size;
	int n;

	*buf = NULL;
	if (!octets_ok(o) || o->msg_len > IKE_MSG_MAX || o->nonce_len > IKE_MSG_MAX)
		return -EINVAL;
	size = o->msg_len + o->nonce_len + IKE_CRYPTO_PRF_MAX;
	*buf = malloc(size);
	if (*buf == NULL)
		return -ENOMEM;
	n = ikev2_auth_octets_build(o, *buf, size);
	if (n < 0) {
		free(*buf);
		*buf = NULL;
	}
	return n;
}

int
ikev2_auth_sig_build(const struct ike_crypto_cred *c, uint8_t method, uint16_t hash,
    const struct ikev2_auth_octets *o, uint8_t *out, size_t size)
{
	enum ike_crypto_sig key = ike_crypto_cred_sig(c), want;
	const uint8_t *algid;
	size_t algid_len;
	uint8_t *data;
	int n, rc;

	if (c == NULL || out == NULL)
		return -EINVAL;
	if (method == IKEV2_AUTH_DIGITAL_SIG) {
		rc = ike_crypto_sig_algid(key, hash, &algid, &algid_len);
		if (rc < 0)
			return rc;
		if (size < 1 + algid_len)
			return -ENOSPC;
	} else {
		rc = classic_method(method, &want, &hash);
		if (rc < 0)
			return rc;
		if (want != key)
			return -EACCES;
		algid = NULL;
		algid_len = 0;
	}
	n = octets_alloc(o, &data);
	if (n < 0)
		return n;
	if (algid != NULL) {
		out[0] = (uint8_t)algid_len;
		memcpy(out + 1, algid, algid_len);
		rc = ike_crypto_cred_sign_hash(c, hash, true, data, (size_t)n, out + 1 + algid_len,
		    size - 1 - algid_len);
		if (rc >= 0)
			rc += (int)(1 + algid_len);
	} else {
		rc = ike_crypto_cred_sign_hash(c, hash, false, data, (size_t)n, out, size);
	}
	free(data);
	return rc;
}

/* Can a key of scheme @key verify a Digital Signature whose AlgorithmIdentifier says @rsa? */
static bool
algid_fits(enum ike_crypto_sig key, bool rsa)
{
	if (key == IKE_CRYPTO_SIG_RSA)
		return rsa;
	return !rsa && key != IKE_CRYPTO_SIG_NONE;
}

int
ikev2_auth_sig_verify(const struct ike_crypto_cert *cert, uint8_t method, const uint8_t *auth,
    size_t auth_len, const struct ikev2_auth_octets *o, uint16_t *hash)
{
	enum ike_crypto_sig key = ike_crypto_cert_sig(cert), want;
	const uint8_t *sig = auth;
	size_t sig_len = auth_len, alen;
	uint16_t h = 0;
	uint8_t *data;
	bool rsa, der = false;
	int n, rc;

	if (cert == NULL || (auth == NULL && auth_len > 0))
		return -EINVAL;
	if (method == IKEV2_AUTH_DIGITAL_SIG) {
		/* RFC 7427 §3: ASN.1 Length (1) | AlgorithmIdentifier | Signature Value. */
		if (auth_len < 1)
			return -EBADMSG;
		alen = auth[0];
		if (alen == 0 || alen + 1 >= auth_len)
			return -EBADMSG;
		if (ike_crypto_sig_algid_parse(auth + 1, alen, &rsa, &h) < 0 || !hash_we_take(h))
			return -ENOTSUP;
		if (!algid_fits(key, rsa))
			return -EACCES;
		sig = auth + 1 + alen;
		sig_len = auth_len - 1 - alen;
		der = !rsa;
	} else {
		rc = classic_method(method, &want, &h);
		if (rc < 0)
			return rc;
		if (want != key)
			return -EACCES;
	}
	n = octets_alloc(o, &data);
	if (n < 0)
		return n;
	rc = ike_crypto_cert_verify_hash(cert, h, der, data, (size_t)n, sig, sig_len);
	free(data);
	if (rc == 0 && hash != NULL)
		*hash = h;
	return rc;
}
