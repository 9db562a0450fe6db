/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ike_crypto.c: IKE crypto on OpenSSL 3: validated (EC)DH, HMAC PRFs and prf+, IKEv1/IKEv2 keys, AES-CBC/GCM, signatures, X.509. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/dh.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "slowpath/ike/ike_crypto.h"

/* A pointer/length pair is usable when the pointer is set or the length is 0. */
#define BUF_OK(p, n) ((p) != NULL || (n) == 0)

/*
 * ECP private keys are drawn by rejection sampling (1 <= d < n): each try
 * fails with probability < 2^-32 for the curves here, so a few tries are
 * plenty; the bound only stops a broken random hook from looping forever.
 */
#define DH_KEYGEN_TRIES 16

/* Most pieces a prf+ seed comes in (Ni | Nr | SPIi | SPIr, RFC 7296 §2.14). */
#define PARTS_MAX 4

/* Largest ECP field, in bytes (P-521). */
#define ECP_FIELD_MAX 66

/* OpenSSL names, writable because OSSL_PARAM_construct_utf8_string() takes char *. */
static char md_sha1[] = "SHA1";
static char md_sha256[] = "SHA256";
static char md_sha384[] = "SHA384";
static char md_sha512[] = "SHA512";

struct prf_alg {
	uint16_t id;
	uint8_t len; /* output and preferred key length */
	char *md;
};

static const struct prf_alg prf_algs[] = {
	{ IKE_CRYPTO_PRF_HMAC_SHA1, 20, md_sha1 },
	{ IKE_CRYPTO_PRF_HMAC_SHA2_256, 32, md_sha256 },
	{ IKE_CRYPTO_PRF_HMAC_SHA2_384, 48, md_sha384 },
	{ IKE_CRYPTO_PRF_HMAC_SHA2_512, 64, md_sha512 },
};

struct integ_alg {
	uint16_t id;
	uint8_t key_len; /* RFC 2404 §3, RFC 4868 §2.1.1 */
	uint8_t icv_len; /* RFC 2404 §2, RFC 4868 §2.3 */
	char *md;
};

static const struct integ_alg integ_algs[] = {
	{ IKE_CRYPTO_INTEG_HMAC_SHA1_96, 20, 12, md_sha1 },
	{ IKE_CRYPTO_INTEG_HMAC_SHA2_256_128, 32, 16, md_sha256 },
	{ IKE_CRYPTO_INTEG_HMAC_SHA2_384_192, 48, 24, md_sha384 },
	{ IKE_CRYPTO_INTEG_HMAC_SHA2_512_256, 64, 32, md_sha512 },
};

enum dh_kind {
	DH_MODP, /* RFC 3526 */
	DH_ECP,  /* RFC 5903 */
	DH_ECX,  /* RFC 8031 */
};

static char n_modp2048[] = "modp_2048";
static char n_modp3072[] = "modp_3072";
static char n_modp4096[] = "modp_4096";
static char n_p256[] = "prime256v1";
static char n_p384[] = "secp384r1";
static char n_p521[] = "secp521r1";
static char n_x25519[] = "X25519";
static char n_x448[] = "X448";

struct dh_alg {
	uint16_t group;
	enum dh_kind kind;
	uint16_t len;      /* prime bytes (MODP), field bytes (ECP), key bytes (ECX) */
	uint16_t priv_len; /* random private key bytes that ike_crypto_dh_create() draws */
	int nid;           /* ECP curve */
	char *name;        /* OpenSSL group (MODP, ECP) or key type (ECX) */
};

/*
 * MODP exponents follow RFC 3526 §8: twice the larger strength estimate
 * (320, 420, 480 bits), rounded up to whole bytes.
 */
static const struct dh_alg dh_algs[] = {
	{ IKE_CRYPTO_DH_MODP2048, DH_MODP, 256, 40, NID_undef, n_modp2048 },
	{ IKE_CRYPTO_DH_MODP3072, DH_MODP, 384, 53, NID_undef, n_modp3072 },
	{ IKE_CRYPTO_DH_MODP4096, DH_MODP, 512, 60, NID_undef, n_modp4096 },
	{ IKE_CRYPTO_DH_ECP256, DH_ECP, 32, 32, NID_X9_62_prime256v1, n_p256 },
	{ IKE_CRYPTO_DH_ECP384, DH_ECP, 48, 48, NID_secp384r1, n_p384 },
	{ IKE_CRYPTO_DH_ECP521, DH_ECP, 66, 66, NID_secp521r1, n_p521 },
	{ IKE_CRYPTO_DH_CURVE25519, DH_ECX, 32, 32, NID_undef, n_x25519 },
	{ IKE_CRYPTO_DH_CURVE448, DH_ECX, 56, 56, NID_undef, n_x448 },
};

struct ike_crypto_dh {
	const struct dh_alg *alg;
	EVP_PKEY *key;
	BIGNUM *p; /* MODP: the prime, for the peer checks of RFC 6989 §2.1 */
	size_t pub_len;
	uint8_t pub[IKE_CRYPTO_DH_MAX];
};

static ike_crypto_random_fn random_hook;

/* ---- tables ---- */

static const struct prf_alg *
prf_find(uint16_t id)
{
	size_t i;

	for (i = 0; i < sizeof(prf_algs) / sizeof(prf_algs[0]); i++)
		if (prf_algs[i].id == id)
			return &prf_algs[i];
	return NULL;
}

static const struct integ_alg *
integ_find(uint16_t id)
{
	size_t i;

	for (i = 0; i < sizeof(integ_algs) / sizeof(integ_algs[0]); i++)
		if (integ_algs[i].id == id)
			return &integ_algs[i];
	return NULL;
}

static const struct dh_alg *
dh_find(uint16_t group)
{
	size_t i;

	for (i = 0; i < sizeof(dh_algs) / sizeof(dh_algs[0]); i++)
		if (dh_algs[i].group == group)
			return &dh_algs[i];
	return NULL;
}

int
ike_crypto_prf_len(uint16_t prf_id)
{
	const struct prf_alg *a = prf_find(prf_id);

	return a != NULL ? a->len : -ENOTSUP;
}

int
ike_crypto_integ_key_len(uint16_t integ_id)
{
	const struct integ_alg *a = integ_find(integ_id);

	return a != NULL ? a->key_len : -ENOTSUP;
}

int
ike_crypto_integ_icv_len(uint16_t integ_id)
{
	const struct integ_alg *a = integ_find(integ_id);

	return a != NULL ? a->icv_len : -ENOTSUP;
}

int
ike_crypto_encr_key_len(uint16_t encr_id, uint16_t key_bits)
{
	int aes;

	if (encr_id != IKE_CRYPTO_ENCR_AES_CBC && encr_id != IKE_CRYPTO_ENCR_AES_GCM_16)
		return -ENOTSUP;
	if (key_bits != 128 && key_bits != 192 && key_bits != 256)
		return -EINVAL;
	aes = key_bits / 8;
	/* RFC 5282 §7.1: the 4-byte salt follows the key in the key stream. */
	return encr_id == IKE_CRYPTO_ENCR_AES_GCM_16 ? aes + IKE_CRYPTO_GCM_SALT : aes;
}

int
ike_crypto_v1_prf_from_hash(uint16_t v1_hash_id)
{
	/* IKEv1 without a negotiated PRF uses the HMAC of its hash (RFC 2409 §4). */
	switch (v1_hash_id) {
	case IKE_CRYPTO_V1_HASH_SHA1:
		return IKE_CRYPTO_PRF_HMAC_SHA1;
	case IKE_CRYPTO_V1_HASH_SHA2_256:
		return IKE_CRYPTO_PRF_HMAC_SHA2_256;
	case IKE_CRYPTO_V1_HASH_SHA2_384:
		return IKE_CRYPTO_PRF_HMAC_SHA2_384;
	case IKE_CRYPTO_V1_HASH_SHA2_512:
		return IKE_CRYPTO_PRF_HMAC_SHA2_512;
	default:
		return -ENOTSUP;
	}
}

/* ---- random ---- */

void
ike_crypto_random_set_hook(ike_crypto_random_fn fn)
{
	random_hook = fn;
}

int
ike_crypto_random(uint8_t *buf, size_t len)
{
	size_t n;

	if (!BUF_OK(buf, len))
		return -EINVAL;
	if (random_hook != NULL)
		return random_hook(buf, len) == 0 ? 0 : -EIO;
	while (len > 0) {
		n = len > INT_MAX ? INT_MAX : len;
		if (RAND_bytes(buf, (int)n) != 1) {
			ERR_clear_error();
			return -EIO;
		}
		buf += n;
		len -= n;
	}
	return 0;
}

/* ---- HMAC and hash primitives ---- */

/* out = HMAC-md(key, parts[0] | ... | parts[n-1]); size >= the digest length. */
static int
hmac_vec(char *md, const uint8_t *key, size_t klen, const struct ike_crypto_chunk *parts, size_t n,
    uint8_t *out, size_t size)
{
	static const uint8_t nokey[1];
	EVP_MAC *mac = NULL;
	EVP_MAC_CTX *ctx = NULL;
	OSSL_PARAM params[2];
	size_t i, got = 0;
	int rc = -EIO;

	mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (mac == NULL)
		goto out;
	ctx = EVP_MAC_CTX_new(mac);
	if (ctx == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, md, 0);
	params[1] = OSSL_PARAM_construct_end();
	/* A NULL key would mean "keep the previous key": pass a real, empty one. */
	if (EVP_MAC_init(ctx, klen > 0 ? key : nokey, klen, params) != 1)
		goto out;
	for (i = 0; i < n; i++)
		if (parts[i].len > 0 && EVP_MAC_update(ctx, parts[i].ptr, parts[i].len) != 1)
			goto out;
	if (EVP_MAC_final(ctx, out, &got, size) != 1)
		goto out;
	rc = (int)got;
out:
	if (rc < 0) {
		OPENSSL_cleanse(out, size);
		ERR_clear_error();
	}
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return rc;
}

/* out = md(parts[0] | ... | parts[n-1]), the plain hash (IKEv1 IVs). */
static int
hash_vec(char *md_name, const struct ike_crypto_chunk *parts, size_t n, uint8_t *out, size_t size)
{
	EVP_MD *md = NULL;
	EVP_MD_CTX *ctx = NULL;
	unsigned int got = 0;
	size_t i;
	int rc = -EIO;

	md = EVP_MD_fetch(NULL, md_name, NULL);
	if (md == NULL)
		goto out;
	if ((size_t)EVP_MD_get_size(md) > size) {
		rc = -EINVAL;
		goto out;
	}
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	if (EVP_DigestInit_ex2(ctx, md, NULL) != 1)
		goto out;
	for (i = 0; i < n; i++)
		if (parts[i].len > 0 && EVP_DigestUpdate(ctx, parts[i].ptr, parts[i].len) != 1)
			goto out;
	if (EVP_DigestFinal_ex(ctx, out, &got) != 1)
		goto out;
	rc = (int)got;
out:
	if (rc < 0)
		ERR_clear_error();
	EVP_MD_CTX_free(ctx);
	EVP_MD_free(md);
	return rc;
}

static bool
parts_ok(const struct ike_crypto_chunk *parts, size_t n)
{
	size_t i;

	if (!BUF_OK(parts, n))
		return false;
	for (i = 0; i < n; i++)
		if (!BUF_OK(parts[i].ptr, parts[i].len))
			return false;
	return true;
}

/* ---- plain hash ---- */

int
ike_crypto_hash_vec(uint16_t prf_id, const struct ike_crypto_chunk *parts, size_t n, uint8_t *out,
    size_t size)
{
	const struct prf_alg *a = prf_find(prf_id);

	if (a == NULL)
		return -ENOTSUP;
	if (!parts_ok(parts, n) || out == NULL || size < a->len)
		return -EINVAL;
	return hash_vec(a->md, parts, n, out, size);
}

/* ---- PRF ---- */

int
ike_crypto_prf_vec(uint16_t prf_id, const uint8_t *key, size_t klen,
    const struct ike_crypto_chunk *parts, size_t n, uint8_t *out, size_t size)
{
	const struct prf_alg *a = prf_find(prf_id);

	if (a == NULL)
		return -ENOTSUP;
	if (!BUF_OK(key, klen) || !parts_ok(parts, n) || out == NULL || size < a->len)
		return -EINVAL;
	return hmac_vec(a->md, key, klen, parts, n, out, size);
}

int
ike_crypto_prf(uint16_t prf_id, const uint8_t *key, size_t klen, const uint8_t *data, size_t dlen,
    uint8_t *out, size_t size)
{
	const struct ike_crypto_chunk part = { data, dlen };

	return ike_crypto_prf_vec(prf_id, key, klen, &part, 1, out, size);
}

/*
 * prf+ over a seed given in pieces (RFC 7296 §2.13):
 * T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n), out = T1 | T2 | ...
 */
static int
prf_plus_vec(const struct prf_alg *a, const uint8_t *key, size_t klen,
    const struct ike_crypto_chunk *seed, size_t nseed, uint8_t *out, size_t outlen)
{
	struct ike_crypto_chunk parts[PARTS_MAX + 2];
	uint8_t t[IKE_CRYPTO_PRF_MAX];
	size_t off = 0, take, k, i;
	unsigned int round;
	uint8_t ctr;
	int rc = 0;

	if (outlen == 0 || outlen > (size_t)IKE_CRYPTO_PRF_PLUS_MAX * a->len || nseed > PARTS_MAX)
		return -EINVAL;
	for (round = 1; off < outlen; round++) {
		k = 0;
		if (round > 1)
			parts[k++] = (struct ike_crypto_chunk){ t, a->len };
		for (i = 0; i < nseed; i++)
			parts[k++] = seed[i];
		ctr = (uint8_t)round;
		parts[k++] = (struct ike_crypto_chunk){ &ctr, 1 };
		rc = hmac_vec(a->md, key, klen, parts, k, t, sizeof(t));
		if (rc < 0)
			goto fail;
		take = outlen - off < a->len ? outlen - off : a->len;
		memcpy(out + off, t, take);
		off += take;
	}
	rc = 0;
	goto out;
fail:
	OPENSSL_cleanse(out, outlen);
out:
	OPENSSL_cleanse(t, sizeof(t));
	return rc;
}

int
ike_crypto_prf_plus(uint16_t prf_id, const uint8_t *key, size_t klen, const uint8_t *seed,
    size_t slen, uint8_t *out, size_t outlen)
{
	const struct prf_alg *a = prf_find(prf_id);
	const struct ike_crypto_chunk part = { seed, slen };

	if (a == NULL)
		return -ENOTSUP;
	if (!BUF_OK(key, klen) || !BUF_OK(seed, slen) || out == NULL)
		return -EINVAL;
	return prf_plus_vec(a, key, klen, &part, 1, out, outlen);
}

/* ---- IKEv2 keys ---- */

int
ike_crypto_v2_skeyseed(uint16_t prf_id, const uint8_t *ni, size_t ni_len, const uint8_t *nr,
    size_t nr_len, const uint8_t *gir, size_t gir_len, uint8_t *out, size_t size)
{
	const struct prf_alg *a = prf_find(prf_id);
	uint8_t nonces[2 * IKE_CRYPTO_DH_MAX];
	const struct ike_crypto_chunk part = { gir, gir_len };
	int rc;

	if (a == NULL)
		return -ENOTSUP;
	/* RFC 7296 §2.10: nonces are 16 to 256 bytes, so Ni | Nr fits. */
	if (ni == NULL || nr == NULL || ni_len == 0 || nr_len == 0 ||
	    ni_len + nr_len > sizeof(nonces) || gir == NULL || gir_len == 0 || out == NULL ||
	    size < a->len)
		return -EINVAL;
	/* §2.14: SKEYSEED = prf(Ni | Nr, g^ir); HMAC takes the whole key. */
	memcpy(nonces, ni, ni_len);
	memcpy(nonces + ni_len, nr, nr_len);
	rc = hmac_vec(a->md, nonces, ni_len + nr_len, &part, 1, out, size);
	OPENSSL_cleanse(nonces, sizeof(nonces));
	return rc;
}

int
ike_crypto_v2_skeyseed_rekey(uint16_t prf_id, const uint8_t *sk_d, size_t sk_d_len,
    const uint8_t *gir_new, size_t gir_new_len, const uint8_t *ni, size_t ni_len, const uint8_t *nr,
    size_t nr_len, uint8_t *out, size_t size)
{
	const struct ike_crypto_chunk parts[3] = {
		{ gir_new, gir_new_len },
		{ ni, ni_len },
		{ nr, nr_len },
	};

	/* §2.18: SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr). */
	if (sk_d == NULL || sk_d_len == 0 || gir_new == NULL || gir_new_len == 0 || ni == NULL ||
	    ni_len == 0 || nr == NULL || nr_len == 0)
		return prf_find(prf_id) == NULL ? -ENOTSUP : -EINVAL;
	return ike_crypto_prf_vec(prf_id, sk_d, sk_d_len, parts, 3, out, size);
}

void
ike_crypto_v2_keys_fini(struct ike_crypto_v2_keys *keys)
{
	if (keys != NULL)
		OPENSSL_cleanse(keys, sizeof(*keys));
}

int
ike_crypto_v2_keys_derive(uint16_t prf_id, const uint8_t *skeyseed, size_t skeyseed_len,
    const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len, const uint8_t *spi_i,
    const uint8_t *spi_r, size_t integ_len, size_t encr_len, struct ike_crypto_v2_keys *keys)
{
	const struct prf_alg *a = prf_find(prf_id);
	uint8_t keymat[3 * IKE_CRYPTO_PRF_MAX + 2 * IKE_CRYPTO_INTEG_KEY_MAX +
	    2 * IKE_CRYPTO_ENCR_KEY_MAX];
	const struct ike_crypto_chunk seed[4] = {
		{ ni, ni_len },
		{ nr, nr_len },
		{ spi_i, IKE_CRYPTO_SPI_LEN },
		{ spi_r, IKE_CRYPTO_SPI_LEN },
	};
	const uint8_t *p = keymat;
	size_t total;
	int rc;

	if (a == NULL)
		return -ENOTSUP;
	if (keys == NULL)
		return -EINVAL;
	memset(keys, 0, sizeof(*keys));
	if (skeyseed == NULL || skeyseed_len == 0 || ni == NULL || ni_len == 0 || nr == NULL ||
	    nr_len == 0 || spi_i == NULL || spi_r == NULL || integ_len > IKE_CRYPTO_INTEG_KEY_MAX ||
	    encr_len == 0 || encr_len > IKE_CRYPTO_ENCR_KEY_MAX)
		return -EINVAL;
	/* §2.14: {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+(...). */
	total = 3 * (size_t)a->len + 2 * integ_len + 2 * encr_len;
	rc = prf_plus_vec(a, skeyseed, skeyseed_len, seed, 4, keymat, total);
	if (rc < 0)
		goto out;
	keys->prf_len = a->len;
	keys->integ_len = (uint16_t)integ_len;
	keys->encr_len = (uint16_t)encr_len;
	memcpy(keys->sk_d, p, a->len);
	p += a->len;
	memcpy(keys->sk_ai, p, integ_len);
	p += integ_len;
	memcpy(keys->sk_ar, p, integ_len);
	p += integ_len;
	memcpy(keys->sk_ei, p, encr_len);
	p += encr_len;
	memcpy(keys->sk_er, p, encr_len);
	p += encr_len;
	memcpy(keys->sk_pi, p, a->len);
	p += a->len;
	memcpy(keys->sk_pr, p, a->len);
out:
	OPENSSL_cleanse(keymat, sizeof(keymat));
	return rc;
}

int
ike_crypto_v2_child_keymat(uint16_t prf_id, const uint8_t *sk_d, size_t sk_d_len,
    const uint8_t *gir_new, size_t gir_new_len, const uint8_t *ni, size_t ni_len, const uint8_t *nr,
    size_t nr_len, uint8_t *out, size_t outlen)
{
	const struct prf_alg *a = prf_find(prf_id);
	const struct ike_crypto_chunk seed[3] = {
		{ gir_new, gir_new_len },
		{ ni, ni_len },
		{ nr, nr_len },
	};

	if (a == NULL)
		return -ENOTSUP;
	/* §2.17: KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr). */
	if (sk_d == NULL || sk_d_len == 0 || !BUF_OK(gir_new, gir_new_len) || ni == NULL ||
	    ni_len == 0 || nr == NULL || nr_len == 0 || out == NULL)
		return -EINVAL;
	return prf_plus_vec(a, sk_d, sk_d_len, seed, 3, out, outlen);
}

/* ---- IKEv1 keys ---- */

int
ike_crypto_v1_skeyid_psk(uint16_t prf_id, const uint8_t *psk, size_t psk_len, const uint8_t *ni,
    size_t ni_len, const uint8_t *nr, size_t nr_len, uint8_t *out, size_t size)
{
	const struct ike_crypto_chunk parts[2] = { { ni, ni_len }, { nr, nr_len } };

	/* RFC 2409 §5: SKEYID = prf(pre-shared-key, Ni_b | Nr_b). */
	if (psk == NULL || psk_len == 0 || ni == NULL || ni_len == 0 || nr == NULL || nr_len == 0)
		return prf_find(prf_id) == NULL ? -ENOTSUP : -EINVAL;
	return ike_crypto_prf_vec(prf_id, psk, psk_len, parts, 2, out, size);
}

int
ike_crypto_v1_skeyid_sig(uint16_t prf_id, const uint8_t *ni, size_t ni_len, const uint8_t *nr,
    size_t nr_len, const uint8_t *gxy, size_t gxy_len, uint8_t *out, size_t size)
{
	/* RFC 2409 §5: SKEYID = prf(Ni_b | Nr_b, g^xy), the same shape as SKEYSEED. */
	return ike_crypto_v2_skeyseed(prf_id, ni, ni_len, nr, nr_len, gxy, gxy_len, out, size);
}

void
ike_crypto_v1_keys_fini(struct ike_crypto_v1_keys *keys)
{
	if (keys != NULL)
		OPENSSL_cleanse(keys, sizeof(*keys));
}

int
ike_crypto_v1_keys_derive(uint16_t prf_id, const uint8_t *skeyid, size_t skeyid_len,
    const uint8_t *gxy, size_t gxy_len, const uint8_t *cky_i, const uint8_t *cky_r,
    struct ike_crypto_v1_keys *keys)
{
	const struct prf_alg *a = prf_find(prf_id);
	static const uint8_t n0 = 0, n1 = 1, n2 = 2;
	struct ike_crypto_chunk parts[5];
	int rc;

	if (a == NULL)
		return -ENOTSUP;
	if (keys == NULL)
		return -EINVAL;
	memset(keys, 0, sizeof(*keys));
	if (skeyid == NULL || skeyid_len == 0 || gxy == NULL || gxy_len == 0 || cky_i == NULL ||
	    cky_r == NULL)
		return -EINVAL;
	/* RFC 2409 §5: SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0) */
	parts[0] = (struct ike_crypto_chunk){ gxy, gxy_len };
	parts[1] = (struct ike_crypto_chunk){ cky_i, IKE_CRYPTO_SPI_LEN };
	parts[2] = (struct ike_crypto_chunk){ cky_r, IKE_CRYPTO_SPI_LEN };
	parts[3] = (struct ike_crypto_chunk){ &n0, 1 };
	rc = hmac_vec(a->md, skeyid, skeyid_len, parts, 4, keys->skeyid_d, sizeof(keys->skeyid_d));
	if (rc < 0)
		goto fail;
	/* SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1) */
	parts[0] = (struct ike_crypto_chunk){ keys->skeyid_d, a->len };
	parts[1] = (struct ike_crypto_chunk){ gxy, gxy_len };
	parts[2] = (struct ike_crypto_chunk){ cky_i, IKE_CRYPTO_SPI_LEN };
	parts[3] = (struct ike_crypto_chunk){ cky_r, IKE_CRYPTO_SPI_LEN };
	parts[4] = (struct ike_crypto_chunk){ &n1, 1 };
	rc = hmac_vec(a->md, skeyid, skeyid_len, parts, 5, keys->skeyid_a, sizeof(keys->skeyid_a));
	if (rc < 0)
		goto fail;
	/* SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2) */
	parts[0] = (struct ike_crypto_chunk){ keys->skeyid_a, a->len };
	parts[4] = (struct ike_crypto_chunk){ &n2, 1 };
	rc = hmac_vec(a->md, skeyid, skeyid_len, parts, 5, keys->skeyid_e, sizeof(keys->skeyid_e));
	if (rc < 0)
		goto fail;
	keys->len = a->len;
	return 0;
fail:
	ike_crypto_v1_keys_fini(keys);
	return rc;
}

int
ike_crypto_v1_enc_key(uint16_t prf_id, const uint8_t *skeyid_e, size_t skeyid_e_len, uint8_t *key,
    size_t key_len)
{
	const struct prf_alg *a = prf_find(prf_id);
	static const uint8_t zero = 0;
	struct ike_crypto_chunk part = { &zero, 1 };
	uint8_t k[IKE_CRYPTO_PRF_MAX];
	size_t off = 0, take;
	int rc = 0;

	if (a == NULL)
		return -ENOTSUP;
	if (skeyid_e == NULL || skeyid_e_len == 0 || key == NULL || key_len == 0 ||
	    key_len > (size_t)IKE_CRYPTO_PRF_PLUS_MAX * a->len)
		return -EINVAL;
	/* RFC 2409 §5.3: the key is the first bytes of SKEYID_e when it is long enough. */
	if (skeyid_e_len >= key_len) {
		memcpy(key, skeyid_e, key_len);
		return 0;
	}
	/* Appendix B: K = K1 | K2 | ..., K1 = prf(SKEYID_e, 0), Kn = prf(SKEYID_e, Kn-1). */
	while (off < key_len) {
		rc = hmac_vec(a->md, skeyid_e, skeyid_e_len, &part, 1, k, sizeof(k));
		if (rc < 0) {
			OPENSSL_cleanse(key, key_len);
			goto out;
		}
		take = key_len - off < a->len ? key_len - off : a->len;
		memcpy(key + off, k, take);
		off += take;
		part = (struct ike_crypto_chunk){ k, a->len };
	}
	rc = 0;
out:
	OPENSSL_cleanse(k, sizeof(k));
	return rc;
}

/* iv = hash(parts) cut to iv_len. */
static int
v1_iv(uint16_t prf_id, const struct ike_crypto_chunk *parts, size_t n, uint8_t *iv, size_t iv_len)
{
	const struct prf_alg *a = prf_find(prf_id);
	uint8_t h[IKE_CRYPTO_PRF_MAX];
	int rc;

	if (a == NULL)
		return -ENOTSUP;
	if (!parts_ok(parts, n) || iv == NULL || iv_len == 0 || iv_len > a->len)
		return -EINVAL;
	rc = hash_vec(a->md, parts, n, h, sizeof(h));
	if (rc >= 0) {
		memcpy(iv, h, iv_len);
		rc = 0;
	}
	OPENSSL_cleanse(h, sizeof(h));
	return rc;
}

int
ike_crypto_v1_iv_phase1(uint16_t prf_id, const uint8_t *gxi, size_t gxi_len, const uint8_t *gxr,
    size_t gxr_len, uint8_t *iv, size_t iv_len)
{
	const struct ike_crypto_chunk parts[2] = { { gxi, gxi_len }, { gxr, gxr_len } };

	/* RFC 2409 Appendix B: IV = hash(g^xi | g^xr), hash the negotiated one. */
	if (gxi == NULL || gxi_len == 0 || gxr == NULL || gxr_len == 0)
		return prf_find(prf_id) == NULL ? -ENOTSUP : -EINVAL;
	return v1_iv(prf_id, parts, 2, iv, iv_len);
}

int
ike_crypto_v1_iv_phase2(uint16_t prf_id, const uint8_t *last_block, size_t block_len,
    uint32_t msg_id, uint8_t *iv, size_t iv_len)
{
	const uint8_t mid[4] = { (uint8_t)(msg_id >> 24), (uint8_t)(msg_id >> 16),
		(uint8_t)(msg_id >> 8), (uint8_t)msg_id };
	const struct ike_crypto_chunk parts[2] = { { last_block, block_len },
		{ mid, sizeof(mid) } };

	/* RFC 2409 §5.5, Appendix B: IV = hash(last phase-1 CBC block | M-ID). */
	if (last_block == NULL || block_len == 0)
		return prf_find(prf_id) == NULL ? -ENOTSUP : -EINVAL;
	return v1_iv(prf_id, parts, 2, iv, iv_len);
}

int
ike_crypto_v1_auth_hash(uint16_t prf_id, const struct ike_crypto_v1_hash_prm *prm, bool responder,
    uint8_t *out, size_t size)
{
	struct ike_crypto_chunk parts[6];

	if (prm == NULL || prm->skeyid == NULL || prm->skeyid_len == 0 || prm->gxi == NULL ||
	    prm->gxi_len == 0 || prm->gxr == NULL || prm->gxr_len == 0 || prm->cky_i == NULL ||
	    prm->cky_r == NULL || prm->sai_b == NULL || prm->sai_len == 0 ||
	    !BUF_OK(prm->id_b, prm->id_len))
		return prf_find(prf_id) == NULL ? -ENOTSUP : -EINVAL;
	/*
	 * RFC 2409 §5:
	 * HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b)
	 * HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b)
	 */
	if (!responder) {
		parts[0] = (struct ike_crypto_chunk){ prm->gxi, prm->gxi_len };
		parts[1] = (struct ike_crypto_chunk){ prm->gxr, prm->gxr_len };
		parts[2] = (struct ike_crypto_chunk){ prm->cky_i, IKE_CRYPTO_SPI_LEN };
		parts[3] = (struct ike_crypto_chunk){ prm->cky_r, IKE_CRYPTO_SPI_LEN };
	} else {
		parts[0] = (struct ike_crypto_chunk){ prm->gxr, prm->gxr_len };
		parts[1] = (struct ike_crypto_chunk){ prm->gxi, prm->gxi_len };
		parts[2] = (struct ike_crypto_chunk){ prm->cky_r, IKE_CRYPTO_SPI_LEN };
		parts[3] = (struct ike_crypto_chunk){ prm->cky_i, IKE_CRYPTO_SPI_LEN };
	}
	parts[4] = (struct ike_crypto_chunk){ prm->sai_b, prm->sai_len };
	parts[5] = (struct ike_crypto_chunk){ prm->id_b, prm->id_len };
	return ike_crypto_prf_vec(prf_id, prm->skeyid, prm->skeyid_len, parts, 6, out, size);
}

int
ike_crypto_v1_qm_keymat(uint16_t prf_id, const struct ike_crypto_v1_qm_prm *prm, uint8_t *out,
    size_t outlen)
{
	const struct prf_alg *a = prf_find(prf_id);
	struct ike_crypto_chunk parts[6];
	uint8_t k[IKE_CRYPTO_PRF_MAX];
	size_t off = 0, take, n;
	int rc = 0;

	if (a == NULL)
		return -ENOTSUP;
	if (prm == NULL || prm->skeyid_d == NULL || prm->skeyid_d_len == 0 ||
	    !BUF_OK(prm->gqm, prm->gqm_len) || prm->spi == NULL || prm->spi_len == 0 ||
	    prm->ni == NULL || prm->ni_len == 0 || prm->nr == NULL || prm->nr_len == 0 ||
	    out == NULL || outlen == 0 || outlen > (size_t)IKE_CRYPTO_PRF_PLUS_MAX * a->len)
		return -EINVAL;
	/*
	 * RFC 2409 §5.5: K1 = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b),
	 * Kn = prf(SKEYID_d, Kn-1 | [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b).
	 */
	while (off < outlen) {
		n = 0;
		if (off > 0)
			parts[n++] = (struct ike_crypto_chunk){ k, a->len };
		parts[n++] = (struct ike_crypto_chunk){ prm->gqm, prm->gqm_len };
		parts[n++] = (struct ike_crypto_chunk){ &prm->protocol, 1 };
		parts[n++] = (struct ike_crypto_chunk){ prm->spi, prm->spi_len };
		parts[n++] = (struct ike_crypto_chunk){ prm->ni, prm->ni_len };
		parts[n++] = (struct ike_crypto_chunk){ prm->nr, prm->nr_len };
		rc = hmac_vec(a->md, prm->skeyid_d, prm->skeyid_d_len, parts, n, k, sizeof(k));
		if (rc < 0) {
			OPENSSL_cleanse(out, outlen);
			goto out;
		}
		take = outlen - off < a->len ? outlen - off : a->len;
		memcpy(out + off, k, take);
		off += take;
	}
	rc = 0;
out:
	OPENSSL_cleanse(k, sizeof(k));
	return rc;
}

/* ---- Diffie-Hellman ---- */

int
ike_crypto_dh_public_len(uint16_t group)
{
	const struct dh_alg *a = dh_find(group);

	if (a == NULL)
		return -ENOTSUP;
	return a->kind == DH_ECP ? 2 * a->len : a->len;
}

int
ike_crypto_dh_secret_len(uint16_t group)
{
	const struct dh_alg *a = dh_find(group);

	return a != NULL ? a->len : -ENOTSUP;
}

uint16_t
ike_crypto_dh_group(const struct ike_crypto_dh *dh)
{
	return dh != NULL ? dh->alg->group : 0;
}

/* A key of type @type ("DH", "EC") from @params; NULL on error. */
static EVP_PKEY *
pkey_fromdata(const char *type, int selection, OSSL_PARAM *params)
{
	EVP_PKEY_CTX *ctx;
	EVP_PKEY *key = NULL;

	ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	if (ctx == NULL)
		return NULL;
	if (EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &key, selection, params) != 1)
		key = NULL;
	EVP_PKEY_CTX_free(ctx);
	return key;
}

/* 1 when the public half of @key passes OpenSSL's full check, 0 when not. */
static int
pkey_public_ok(EVP_PKEY *key)
{
	EVP_PKEY_CTX *ctx;
	int ok;

	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
	if (ctx == NULL)
		return 0;
	ok = EVP_PKEY_public_check(ctx) == 1;
	EVP_PKEY_CTX_free(ctx);
	return ok;
}

/*
 * RFC 3526 group from the exponent x: y = g^x mod p computed here, both kept
 * in an OpenSSL "DH" key of the named group.
 */
static int
modp_init(struct ike_crypto_dh *dh, const uint8_t *priv, size_t len)
{
	const struct dh_alg *a = dh->alg;
	uint8_t x_ne[IKE_CRYPTO_DH_MAX], y_ne[IKE_CRYPTO_DH_MAX];
	EVP_PKEY *params = NULL;
	BIGNUM *x = NULL, *y = NULL, *g = NULL;
	BN_CTX *bn = NULL;
	OSSL_PARAM prm[4];
	int rc = -EIO;

	if (len == 0 || len > a->len)
		return -EINVAL;
	prm[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, a->name, 0);
	prm[1] = OSSL_PARAM_construct_end();
	params = pkey_fromdata("DH", EVP_PKEY_KEY_PARAMETERS, prm);
	if (params == NULL || EVP_PKEY_get_bn_param(params, OSSL_PKEY_PARAM_FFC_P, &dh->p) != 1 ||
	    EVP_PKEY_get_bn_param(params, OSSL_PKEY_PARAM_FFC_G, &g) != 1)
		goto out;
	bn = BN_CTX_secure_new();
	x = BN_secure_new();
	y = BN_new();
	if (bn == NULL || x == NULL || y == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	if (BN_bin2bn(priv, (int)len, x) == NULL)
		goto out;
	BN_set_flags(x, BN_FLG_CONSTTIME);
	if (BN_is_zero(x)) {
		rc = -EINVAL;
		goto out;
	}
	if (BN_mod_exp_mont_consttime(y, g, x, dh->p, bn, NULL) != 1)
		goto out;
	/* x a multiple of the subgroup order gives y = 1: not a usable key. */
	if (BN_is_one(y)) {
		rc = -EINVAL;
		goto out;
	}
	if (BN_bn2binpad(y, dh->pub, a->len) != a->len ||
	    BN_bn2nativepad(x, x_ne, a->len) != a->len ||
	    BN_bn2nativepad(y, y_ne, a->len) != a->len)
		goto out;
	dh->pub_len = a->len;
	prm[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, a->name, 0);
	prm[1] = OSSL_PARAM_construct_BN(OSSL_PKEY_PARAM_PRIV_KEY, x_ne, a->len);
	prm[2] = OSSL_PARAM_construct_BN(OSSL_PKEY_PARAM_PUB_KEY, y_ne, a->len);
	prm[3] = OSSL_PARAM_construct_end();
	dh->key = pkey_fromdata("DH", EVP_PKEY_KEYPAIR, prm);
	rc = dh->key != NULL ? 0 : -EIO;
out:
	OPENSSL_cleanse(x_ne, sizeof(x_ne));
	BN_clear_free(x);
	BN_free(y);
	BN_free(g);
	BN_CTX_free(bn);
	EVP_PKEY_free(params);
	return rc;
}

/* RFC 5903 group from the scalar d: Q = dG computed here, both kept in an "EC" key. */
static int
ecp_init(struct ike_crypto_dh *dh, const uint8_t *priv, size_t len)
{
	const struct dh_alg *a = dh->alg;
	uint8_t d_ne[IKE_CRYPTO_DH_MAX], q[1 + 2 * ECP_FIELD_MAX];
	EC_GROUP *group = NULL;
	EC_POINT *pt = NULL;
	BIGNUM *d = NULL;
	BN_CTX *bn = NULL;
	OSSL_PARAM prm[4];
	size_t qlen = 1 + 2 * (size_t)a->len;
	int rc = -EIO;

	if (len == 0 || len > a->len)
		return -EINVAL;
	group = EC_GROUP_new_by_curve_name(a->nid);
	bn = BN_CTX_secure_new();
	d = BN_secure_new();
	if (group == NULL || bn == NULL || d == NULL)
		goto out;
	pt = EC_POINT_new(group);
	if (pt == NULL || BN_bin2bn(priv, (int)len, d) == NULL)
		goto out;
	BN_set_flags(d, BN_FLG_CONSTTIME);
	if (BN_is_zero(d) || BN_cmp(d, EC_GROUP_get0_order(group)) >= 0) {
		rc = -EINVAL;
		goto out;
	}
	if (EC_POINT_mul(group, pt, d, NULL, NULL, bn) != 1 ||
	    EC_POINT_point2oct(group, pt, POINT_CONVERSION_UNCOMPRESSED, q, sizeof(q), bn) !=
	        qlen ||
	    BN_bn2nativepad(d, d_ne, a->len) != a->len)
		goto out;
	/* RFC 5903 §7: the KE data is x | y, without the point-format octet. */
	memcpy(dh->pub, q + 1, qlen - 1);
	dh->pub_len = qlen - 1;
	prm[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, a->name, 0);
	prm[1] = OSSL_PARAM_construct_BN(OSSL_PKEY_PARAM_PRIV_KEY, d_ne, a->len);
	prm[2] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, q, qlen);
	prm[3] = OSSL_PARAM_construct_end();
	dh->key = pkey_fromdata("EC", EVP_PKEY_KEYPAIR, prm);
	rc = dh->key != NULL ? 0 : -EIO;
out:
	OPENSSL_cleanse(d_ne, sizeof(d_ne));
	BN_clear_free(d);
	EC_POINT_free(pt);
	EC_GROUP_free(group);
	BN_CTX_free(bn);
	return rc;
}

/* RFC 8031 / RFC 7748: the raw private key; OpenSSL clamps it. */
static int
ecx_init(struct ike_crypto_dh *dh, const uint8_t *priv, size_t len)
{
	const struct dh_alg *a = dh->alg;
	size_t plen = sizeof(dh->pub);

	if (len != a->len)
		return -EINVAL;
	dh->key = EVP_PKEY_new_raw_private_key_ex(NULL, a->name, NULL, priv, len);
	if (dh->key == NULL)
		return -EIO;
	if (EVP_PKEY_get_raw_public_key(dh->key, dh->pub, &plen) != 1 || plen != a->len)
		return -EIO;
	dh->pub_len = plen;
	return 0;
}

struct ike_crypto_dh *
ike_crypto_dh_create_from_private(uint16_t group, const uint8_t *priv, size_t len)
{
	const struct dh_alg *a = dh_find(group);
	struct ike_crypto_dh *dh;
	int rc;

	if (a == NULL || priv == NULL)
		return NULL;
	dh = calloc(1, sizeof(*dh));
	if (dh == NULL)
		return NULL;
	dh->alg = a;
	switch (a->kind) {
	case DH_MODP:
		rc = modp_init(dh, priv, len);
		break;
	case DH_ECP:
		rc = ecp_init(dh, priv, len);
		break;
	default:
		rc = ecx_init(dh, priv, len);
		break;
	}
	if (rc != 0) {
		ERR_clear_error();
		ike_crypto_dh_destroy(dh);
		return NULL;
	}
	return dh;
}

struct ike_crypto_dh *
ike_crypto_dh_create(uint16_t group)
{
	const struct dh_alg *a = dh_find(group);
	uint8_t priv[IKE_CRYPTO_DH_MAX];
	struct ike_crypto_dh *dh = NULL;
	int tries;

	if (a == NULL)
		return NULL;
	/* The private key comes from ike_crypto_random(), so a test hook makes it repeatable. */
	for (tries = 0; tries < DH_KEYGEN_TRIES && dh == NULL; tries++) {
		if (ike_crypto_random(priv, a->priv_len) != 0)
			break;
		/* P-521: the order has 521 bits; keep the top byte's single bit only. */
		if (a->nid == NID_secp521r1)
			priv[0] &= 0x01;
		dh = ike_crypto_dh_create_from_private(group, priv, a->priv_len);
	}
	OPENSSL_cleanse(priv, sizeof(priv));
	return dh;
}

void
ike_crypto_dh_destroy(struct ike_crypto_dh *dh)
{
	if (dh == NULL)
		return;
	EVP_PKEY_free(dh->key); /* OpenSSL clears the private key it frees */
	BN_free(dh->p);
	OPENSSL_cleanse(dh, sizeof(*dh));
	free(dh);
}

int
ike_crypto_dh_public(const struct ike_crypto_dh *dh, uint8_t *buf, size_t size)
{
	if (dh == NULL || buf == NULL || size < dh->pub_len)
		return -EINVAL;
	memcpy(buf, dh->pub, dh->pub_len);
	return (int)dh->pub_len;
}

/* The peer's public value as an OpenSSL key, validated; NULL and *rc set when it is not. */
static EVP_PKEY *
peer_key(const struct ike_crypto_dh *dh, const uint8_t *peer, size_t peer_len, int *rc)
{
	const struct dh_alg *a = dh->alg;
	uint8_t buf[1 + IKE_CRYPTO_DH_MAX];
	EVP_PKEY *key = NULL;
	BIGNUM *y = NULL, *pm1 = NULL;
	OSSL_PARAM prm[3];

	*rc = -EINVAL;
	switch (a->kind) {
	case DH_MODP:
		/* RFC 7296 §3.4: the KE data is exactly the prime's length. */
		if (peer_len != a->len)
			break;
		y = BN_bin2bn(peer, (int)peer_len, NULL);
		pm1 = BN_dup(dh->p);
		if (y == NULL || pm1 == NULL || BN_sub_word(pm1, 1) != 1) {
			*rc = -ENOMEM;
			break;
		}
		/* RFC 6989 §2.1: reject y <= 1 and y >= p-1. */
		if (BN_cmp(y, BN_value_one()) <= 0 || BN_cmp(y, pm1) >= 0)
			break;
		if (BN_bn2nativepad(y, buf, a->len) != a->len) {
			*rc = -EIO;
			break;
		}
		prm[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, a->name, 0);
		prm[1] = OSSL_PARAM_construct_BN(OSSL_PKEY_PARAM_PUB_KEY, buf, a->len);
		prm[2] = OSSL_PARAM_construct_end();
		key = pkey_fromdata("DH", EVP_PKEY_PUBLIC_KEY, prm);
		break;
	case DH_ECP:
		/* RFC 5903 §7: x | y, each the field size; rebuild the uncompressed point. */
		if (peer_len != 2 * (size_t)a->len)
			break;
		buf[0] = POINT_CONVERSION_UNCOMPRESSED;
		memcpy(buf + 1, peer, peer_len);
		prm[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, a->name, 0);
		prm[1] =
		    OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, buf, 1 + peer_len);
		prm[2] = OSSL_PARAM_construct_end();
		/* Decoding fails for a point that is not on the curve (RFC 6989 §2.3). */
		key = pkey_fromdata("EC", EVP_PKEY_PUBLIC_KEY, prm);
		break;
	default:
		/* RFC 8031 §2: exactly 32 or 56 bytes; every such string is a u-coordinate. */
		if (peer_len != a->len)
			break;
		key = EVP_PKEY_new_raw_public_key_ex(NULL, a->name, NULL, peer, peer_len);
		if (key == NULL)
			*rc = -EIO;
		break;
	}
	/* Full public-key check: range and subgroup (MODP), on the curve, not infinity (ECP). */
	if (key != NULL && a->kind != DH_ECX && !pkey_public_ok(key)) {
		EVP_PKEY_free(key);
		key = NULL;
	}
	if (key != NULL)
		*rc = 0;
	BN_free(y);
	BN_free(pm1);
	return key;
}

int
ike_crypto_dh_shared(const struct ike_crypto_dh *dh, const uint8_t *peer, size_t peer_len,
    uint8_t *out, size_t size)
{
	uint8_t s[IKE_CRYPTO_DH_MAX];
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pk = NULL;
	size_t slen = sizeof(s), want, i;
	uint8_t acc = 0;
	int rc;

	if (dh == NULL || peer == NULL || out == NULL)
		return -EINVAL;
	want = dh->alg->len;
	if (size < want)
		return -EINVAL;
	pk = peer_key(dh, peer, peer_len, &rc);
	if (pk == NULL)
		goto out;
	rc = -EIO;
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, dh->key, NULL);
	if (ctx == NULL || EVP_PKEY_derive_init(ctx) != 1)
		goto out;
	/* RFC 7296 §2.14: g^ir keeps its leading zeros, the prime's length. */
	if (dh->alg->kind == DH_MODP && EVP_PKEY_CTX_set_dh_pad(ctx, 1) != 1)
		goto out;
	if (EVP_PKEY_derive_set_peer_ex(ctx, pk, 0) != 1)
		goto out;
	if (EVP_PKEY_derive(ctx, s, &slen) != 1) {
		/* X25519/X448: OpenSSL refuses the all-zero result itself (RFC 7748 §6). */
		if (dh->alg->kind == DH_ECX)
			rc = -EINVAL;
		goto out;
	}
	if (slen > want)
		goto out;
	/* Right-align a short result (the secret's leading zero bytes). */
	memmove(s + (want - slen), s, slen);
	memset(s, 0, want - slen);
	/* RFC 8031 §2.3: an all-zero X25519/X448 secret means a low-order peer point. */
	for (i = 0; i < want; i++)
		acc |= s[i];
	if (dh->alg->kind == DH_ECX && acc == 0) {
		rc = -EINVAL;
		goto out;
	}
	memcpy(out, s, want);
	rc = (int)want;
out:
	if (rc < 0) {
		OPENSSL_cleanse(out, size);
		ERR_clear_error();
	}
	OPENSSL_cleanse(s, sizeof(s));
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pk);
	return rc;
}

/* ---- ciphers ---- */

static int
cbc_run(int enc, const uint8_t *key, size_t klen, const uint8_t *iv, size_t iv_len,
    const uint8_t *in, uint8_t *out, size_t len)
{
	EVP_CIPHER *cipher = NULL;
	EVP_CIPHER_CTX *ctx = NULL;
	const char *name;
	int outl = 0, fin = 0, rc = -EIO;

	if (key == NULL || iv == NULL || in == NULL || out == NULL ||
	    iv_len != IKE_CRYPTO_AES_BLOCK || len == 0 || len % IKE_CRYPTO_AES_BLOCK != 0 ||
	    len > INT_MAX)
		return -EINVAL;
	switch (klen) {
	case 16:
		name = "AES-128-CBC";
		break;
	case 24:
		name = "AES-192-CBC";
		break;
	case 32:
		name = "AES-256-CBC";
		break;
	default:
		return -EINVAL;
	}
	cipher = EVP_CIPHER_fetch(NULL, name, NULL);
	ctx = EVP_CIPHER_CTX_new();
	if (cipher == NULL || ctx == NULL)
		goto out;
	/* No padding: IKEv1 (RFC 2409 App. B) and IKEv2 (RFC 7296 §3.14) pad themselves. */
	if (EVP_CipherInit_ex2(ctx, cipher, key, iv, enc, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(ctx, 0) != 1 ||
	    EVP_CipherUpdate(ctx, out, &outl, in, (int)len) != 1 ||
	    EVP_CipherFinal_ex(ctx, out + outl, &fin) != 1 || (size_t)outl + (size_t)fin != len)
		goto out;
	rc = 0;
out:
	if (rc != 0) {
		OPENSSL_cleanse(out, len);
		ERR_clear_error();
	}
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(cipher);
	return rc;
}

int
ike_crypto_cbc_encrypt(const uint8_t *key, size_t klen, const uint8_t *iv, size_t iv_len,
    const uint8_t *in, uint8_t *out, size_t len)
{
	return cbc_run(1, key, klen, iv, iv_len, in, out, len);
}

int
ike_crypto_cbc_decrypt(const uint8_t *key, size_t klen, const uint8_t *iv, size_t iv_len,
    const uint8_t *in, uint8_t *out, size_t len)
{
	return cbc_run(0, key, klen, iv, iv_len, in, out, len);
}

/* RFC 5282: nonce = salt (the last 4 key-material bytes) | explicit IV; 16-byte ICV. */
static int
gcm_run(int enc, const uint8_t *key, size_t klen, const uint8_t *iv, size_t iv_len,
    const uint8_t *aad, size_t aad_len, const uint8_t *in, uint8_t *out, size_t len, uint8_t *tag)
{
	uint8_t nonce[IKE_CRYPTO_GCM_SALT + IKE_CRYPTO_GCM_IV];
	EVP_CIPHER *cipher = NULL;
	EVP_CIPHER_CTX *ctx = NULL;
	const char *name;
	int outl = 0, rc = -EIO;

	switch (klen) {
	case 16 + IKE_CRYPTO_GCM_SALT:
		name = "AES-128-GCM";
		break;
	case 24 + IKE_CRYPTO_GCM_SALT:
		name = "AES-192-GCM";
		break;
	case 32 + IKE_CRYPTO_GCM_SALT:
		name = "AES-256-GCM";
		break;
	default:
		return -EINVAL;
	}
	if (key == NULL || iv == NULL || iv_len != IKE_CRYPTO_GCM_IV || !BUF_OK(aad, aad_len) ||
	    aad_len > INT_MAX || !BUF_OK(in, len) || !BUF_OK(out, len) || len > INT_MAX)
		return -EINVAL;
	memcpy(nonce, key + klen - IKE_CRYPTO_GCM_SALT, IKE_CRYPTO_GCM_SALT);
	memcpy(nonce + IKE_CRYPTO_GCM_SALT, iv, IKE_CRYPTO_GCM_IV);
	cipher = EVP_CIPHER_fetch(NULL, name, NULL);
	ctx = EVP_CIPHER_CTX_new();
	if (cipher == NULL || ctx == NULL)
		goto out;
	/* The default GCM IV length is the 12 bytes of the nonce. */
	if (EVP_CipherInit_ex2(ctx, cipher, key, nonce, enc, NULL) != 1)
		goto out;
	if (aad_len > 0 && EVP_CipherUpdate(ctx, NULL, &outl, aad, (int)aad_len) != 1)
		goto out;
	if (len > 0 && EVP_CipherUpdate(ctx, out, &outl, in, (int)len) != 1)
		goto out;
	if (!enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, IKE_CRYPTO_GCM_ICV, tag) != 1)
		goto out;
	if (EVP_CipherFinal_ex(ctx, out != NULL ? out + len : nonce, &outl) != 1) {
		if (!enc)
			rc = -EBADMSG;
		goto out;
	}
	if (enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, IKE_CRYPTO_GCM_ICV, tag) != 1)
		goto out;
	rc = 0;
out:
	if (rc != 0) {
		if (out != NULL)
			OPENSSL_cleanse(out, len);
		ERR_clear_error();
	}
	OPENSSL_cleanse(nonce, sizeof(nonce));
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(cipher);
	return rc;
}

int
ike_crypto_gcm_seal(const uint8_t *key, size_t klen, const uint8_t *iv, size_t iv_len,
    const uint8_t *aad, size_t aad_len, const uint8_t *in, uint8_t *out, size_t len, uint8_t *icv,
    size_t icv_len)
{
	int rc;

	if (icv == NULL || icv_len != IKE_CRYPTO_GCM_ICV)
		return -EINVAL;
	rc = gcm_run(1, key, klen, iv, iv_len, aad, aad_len, in, out, len, icv);
	if (rc != 0)
		OPENSSL_cleanse(icv, icv_len);
	return rc;
}

int
ike_crypto_gcm_open(const uint8_t *key, size_t klen, const uint8_t *iv, size_t iv_len,
    const uint8_t *aad, size_t aad_len, const uint8_t *in, uint8_t *out, size_t len,
    const uint8_t *icv, size_t icv_len)
{
	uint8_t tag[IKE_CRYPTO_GCM_ICV];
	int rc;

	if (icv == NULL || icv_len != IKE_CRYPTO_GCM_ICV)
		return -EINVAL;
	/* OpenSSL takes the expected tag through a non-const pointer: hand it a copy. */
	memcpy(tag, icv, sizeof(tag));
	rc = gcm_run(0, key, klen, iv, iv_len, aad, aad_len, in, out, len, tag);
	OPENSSL_cleanse(tag, sizeof(tag));
	return rc;
}

/* ---- integrity ---- */

int
ike_crypto_integ(uint16_t integ_id, const uint8_t *key, size_t klen, const uint8_t *data,
    size_t dlen, uint8_t *out, size_t size)
{
	const struct integ_alg *a = integ_find(integ_id);
	const struct ike_crypto_chunk part = { data, dlen };
	uint8_t full[IKE_CRYPTO_PRF_MAX];
	int rc;

	if (a == NULL)
		return -ENOTSUP;
	if (key == NULL || klen != a->key_len || !BUF_OK(data, dlen) || out == NULL ||
	    size < a->icv_len)
		return -EINVAL;
	rc = hmac_vec(a->md, key, klen, &part, 1, full, sizeof(full));
	if (rc >= 0) {
		/* RFC 2404 §2, RFC 4868 §2.3: the checksum is the leftmost bytes. */
		memcpy(out, full, a->icv_len);
		rc = a->icv_len;
	}
	OPENSSL_cleanse(full, sizeof(full));
	return rc;
}

int
ike_crypto_integ_verify(uint16_t integ_id, const uint8_t *key, size_t klen, const uint8_t *data,
    size_t dlen, const uint8_t *icv, size_t icv_len)
{
	uint8_t want[IKE_CRYPTO_ICV_MAX];
	int rc;

	rc = ike_crypto_integ(integ_id, key, klen, data, dlen, want, sizeof(want));
	if (rc < 0)
		return rc;
	if (icv == NULL || icv_len != (size_t)rc)
		rc = -EINVAL;
	else
		rc = CRYPTO_memcmp(want, icv, icv_len) == 0 ? 0 : -EBADMSG;
	OPENSSL_cleanse(want, sizeof(want));
	return rc;
}

/* ---- signatures (RFC 2409 §5.1, RFC 4754) ---- */

#define CRED_FILE_MAX     (1u << 20) /* a certificate, key or CRL file */
#define TRUST_MAX         32         /* trust anchors, and CRLs, of one remote end */
#define ECDSA_DER_MAX     160        /* a DER ECDSA-Sig-Value for P-521 */
#define CRED_DN_VALUE_MAX 256        /* one attribute value of a DN in text */

static size_t
ecdsa_width(enum ike_crypto_sig sig)
{
	switch (sig) {
	case IKE_CRYPTO_SIG_ECDSA_P256:
		return 32;
	case IKE_CRYPTO_SIG_ECDSA_P384:
		return 48;
	case IKE_CRYPTO_SIG_ECDSA_P521:
		return 66;
	default:
		return 0;
	}
}

/* The scheme a key signs or verifies with: RSA of 1024 bits or more, or an RFC 4754 curve. */
static enum ike_crypto_sig
pkey_sig(const EVP_PKEY *pk)
{
	char group[64];
	size_t glen = 0;

	if (pk == NULL)
		return IKE_CRYPTO_SIG_NONE;
	if (EVP_PKEY_is_a(pk, "RSA"))
		return EVP_PKEY_get_bits(pk) >= 1024 ? IKE_CRYPTO_SIG_RSA : IKE_CRYPTO_SIG_NONE;
	if (!EVP_PKEY_is_a(pk, "EC"))
		return IKE_CRYPTO_SIG_NONE;
	if (EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
	        &glen) != 1) {
		ERR_clear_error();
		return IKE_CRYPTO_SIG_NONE;
	}
	if (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0)
		return IKE_CRYPTO_SIG_ECDSA_P256;
	if (strcmp(group, "secp384r1") == 0 || strcmp(group, "P-384") == 0)
		return IKE_CRYPTO_SIG_ECDSA_P384;
	if (strcmp(group, "secp521r1") == 0 || strcmp(group, "P-521") == 0)
		return IKE_CRYPTO_SIG_ECDSA_P521;
	return IKE_CRYPTO_SIG_NONE;
}

/* DER ECDSA-Sig-Value to r | s, each @w bytes. */
static int
ecdsa_der_to_raw(const uint8_t *der, size_t len, size_t w, uint8_t *out)
{
	const unsigned char *p = der;
	const BIGNUM *r, *s;
	ECDSA_SIG *es;
	int rc = -EIO;

	es = d2i_ECDSA_SIG(NULL, &p, (long)len);
	if (es == NULL)
		goto out;
	ECDSA_SIG_get0(es, &r, &s);
	if (BN_bn2binpad(r, out, (int)w) != (int)w || BN_bn2binpad(s, out + w, (int)w) != (int)w)
		goto out;
	rc = (int)(2 * w);
out:
	ECDSA_SIG_free(es);
	if (rc < 0)
		ERR_clear_error();
	return rc;
}

/* r | s (each @w bytes) to DER; returns its length. */
static int
ecdsa_raw_to_der(const uint8_t *raw, size_t w, uint8_t *der, size_t size)
{
	BIGNUM *r = BN_bin2bn(raw, (int)w, NULL), *s = BN_bin2bn(raw + w, (int)w, NULL);
	ECDSA_SIG *es = ECDSA_SIG_new();
	unsigned char *p = der;
	int n = -EIO;

	if (r == NULL || s == NULL || es == NULL || ECDSA_SIG_set0(es, r, s) != 1) {
		BN_free(r);
		BN_free(s);
		goto out;
	}
	n = i2d_ECDSA_SIG(es, NULL);
	if (n <= 0 || (size_t)n > size) {
		n = -EIO;
		goto out;
	}
	n = i2d_ECDSA_SIG(es, &p);
out:
	ECDSA_SIG_free(es);
	if (n < 0)
		ERR_clear_error();
	return n;
}

static int
pkey_sign(EVP_PKEY *pk, enum ike_crypto_sig kind, const uint8_t *data, size_t len, uint8_t *sig,
    size_t size)
{
	uint8_t der[ECDSA_DER_MAX];
	EVP_PKEY_CTX *ctx;
	size_t n, w = ecdsa_width(kind);
	int rc = -EIO;

	if (pk == NULL || data == NULL || len == 0 || sig == NULL)
		return -EINVAL;
	if (kind == IKE_CRYPTO_SIG_RSA) {
		n = (size_t)EVP_PKEY_get_size(pk);
		/* RFC 8017 §9.2: at least 8 bytes of padding, 3 of framing. */
		if (size < n || len + 11 > n)
			return -EINVAL;
	} else if (w == 0 || size < 2 * w) {
		return -EINVAL;
	}
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
	if (ctx == NULL)
		return -ENOMEM;
	if (EVP_PKEY_sign_init(ctx) != 1)
		goto out;
	if (kind == IKE_CRYPTO_SIG_RSA) {
		/* No signature digest: type 1 padding over the data itself (strongSwan's
		 * SIGN_RSA_EMSA_PKCS1_NULL for IKEv1). */
		n = size;
		if (EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) != 1 ||
		    EVP_PKEY_sign(ctx, sig, &n, data, len) != 1)
			goto out;
		rc = (int)n;
	} else {
		/* No digest either: the data is the digest (strongSwan's SIGN_ECDSA_WITH_NULL). */
		n = sizeof(der);
		if (EVP_PKEY_sign(ctx, der, &n, data, len) != 1)
			goto out;
		rc = ecdsa_der_to_raw(der, n, w, sig);
	}
out:
	if (rc < 0)
		ERR_clear_error();
	EVP_PKEY_CTX_free(ctx);
	return rc;
}

static int
pkey_verify(EVP_PKEY *pk, enum ike_crypto_sig kind, const uint8_t *data, size_t len,
    const uint8_t *sig, size_t sig_len)
{
	uint8_t der[ECDSA_DER_MAX];
	EVP_PKEY_CTX *ctx;
	size_t w = ecdsa_width(kind);
	int n, rc = -EBADMSG;

	if (pk == NULL || data == NULL || len == 0 || !BUF_OK(sig, sig_len))
		return -EINVAL;
	if (kind == IKE_CRYPTO_SIG_RSA) {
		/* RFC 8017 §8.2.2 step 1: exactly the modulus length. */
		if (sig_len != (size_t)EVP_PKEY_get_size(pk))
			return -EBADMSG;
	} else if (w == 0) {
		return -EINVAL;
	} else if (sig_len != 2 * w) {
		return -EBADMSG;
	}
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
	if (ctx == NULL)
		return -ENOMEM;
	if (EVP_PKEY_verify_init(ctx) != 1)
		goto out;
	if (kind == IKE_CRYPTO_SIG_RSA) {
		if (EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) != 1)
			goto out;
		if (EVP_PKEY_verify(ctx, sig, sig_len, data, len) == 1)
			rc = 0;
	} else {
		/* OpenSSL refuses r or s of 0 or >= n (FIPS 186-4 §6.4). */
		n = ecdsa_raw_to_der(sig, w, der, sizeof(der));
		if (n > 0 && EVP_PKEY_verify(ctx, der, (size_t)n, data, len) == 1)
			rc = 0;
	}
out:
	if (rc != 0)
		ERR_clear_error();
	EVP_PKEY_CTX_free(ctx);
	return rc;
}

struct ike_crypto_key {
	EVP_PKEY *pk;
	enum ike_crypto_sig sig;
};

struct ike_crypto_key *
ike_crypto_key_create(const uint8_t *spki, size_t len)
{
	const unsigned char *p = spki;
	struct ike_crypto_key *k;
	EVP_PKEY *pk;

	if (spki == NULL || len == 0 || len > LONG_MAX)
		return NULL;
	pk = d2i_PUBKEY(NULL, &p, (long)len);
	if (pk == NULL || p != spki + len || pkey_sig(pk) == IKE_CRYPTO_SIG_NONE) {
		EVP_PKEY_free(pk);
		ERR_clear_error();
		return NULL;
	}
	k = calloc(1, sizeof(*k));
	if (k == NULL) {
		EVP_PKEY_free(pk);
		return NULL;
	}
	k->pk = pk;
	k->sig = pkey_sig(pk);
	return k;
}

void
ike_crypto_key_destroy(struct ike_crypto_key *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pk);
	free(k);
}

enum ike_crypto_sig
ike_crypto_key_sig(const struct ike_crypto_key *k)
{
	return k != NULL ? k->sig : IKE_CRYPTO_SIG_NONE;
}

int
ike_crypto_key_verify(const struct ike_crypto_key *k, const uint8_t *data, size_t len,
    const uint8_t *sig, size_t sig_len)
{
	if (k == NULL)
		return -EINVAL;
	return pkey_verify(k->pk, k->sig, data, len, sig, sig_len);
}

/* ---- X.509 ---- */

/* Never ask for a pass phrase (the control core has no terminal): encrypted keys are refused. */
static int
no_pass(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

/* The whole file into a fresh buffer (wiped and freed by the caller with file_free()). */
static int
file_read(const char *path, uint8_t **buf, size_t *len)
{
	uint8_t *b;
	size_t n;
	FILE *f;

	*buf = NULL;
	*len = 0;
	if (path == NULL)
		return -EINVAL;
	f = fopen(path, "rb");
	if (f == NULL)
		return -ENOENT;
	b = malloc(CRED_FILE_MAX + 1);
	if (b == NULL) {
		fclose(f);
		return -ENOMEM;
	}
	n = fread(b, 1, CRED_FILE_MAX + 1, f);
	fclose(f);
	if (n == 0 || n > CRED_FILE_MAX) {
		OPENSSL_cleanse(b, n > CRED_FILE_MAX ? CRED_FILE_MAX + 1 : n);
		free(b);
		return -EINVAL;
	}
	*buf = b;
	*len = n;
	return 0;
}

static void
file_free(uint8_t *buf, size_t len)
{
	if (buf != NULL)
		OPENSSL_cleanse(buf, len);
	free(buf);
}

static void
set_err(char *err, size_t err_len, const char *what, const char *path)
{
	if (err != NULL && err_len > 0)
		snprintf(err, err_len, "%s: %s", path != NULL ? path : "-", what);
}

/* Certificates of one file (PEM, one or more; or one DER) appended to x[*n..max). */
static int
certs_parse(const uint8_t *buf, size_t len, X509 **x, unsigned int max, unsigned int *n)
{
	const unsigned char *p = buf;
	unsigned int got = 0;
	X509 *c;
	BIO *b;

	b = BIO_new_mem_buf(buf, (int)len);
	if (b == NULL)
		return -ENOMEM;
	while ((c = PEM_read_bio_X509(b, NULL, no_pass, NULL)) != NULL) {
		if (*n >= max) {
			X509_free(c);
			BIO_free(b);
			ERR_clear_error();
			return -E2BIG;
		}
		x[(*n)++] = c;
		got++;
	}
	BIO_free(b);
	ERR_clear_error();
	if (got > 0)
		return 0;
	c = d2i_X509(NULL, &p, (long)len);
	if (c == NULL || p != buf + len || *n >= max) {
		X509_free(c);
		ERR_clear_error();
		return c == NULL || p != buf + len ? -EINVAL : -E2BIG;
	}
	x[(*n)++] = c;
	return 0;
}

static int
crls_parse(const uint8_t *buf, size_t len, X509_CRL **x, unsigned int max, unsigned int *n)
{
	const unsigned char *p = buf;
	unsigned int got = 0;
	X509_CRL *c;
	BIO *b;

	b = BIO_new_mem_buf(buf, (int)len);
	if (b == NULL)
		return -ENOMEM;
	while ((c = PEM_read_bio_X509_CRL(b, NULL, no_pass, NULL)) != NULL) {
		if (*n >= max) {
			X509_CRL_free(c);
			BIO_free(b);
			ERR_clear_error();
			return -E2BIG;
		}
		x[(*n)++] = c;
		got++;
	}
	BIO_free(b);
	ERR_clear_error();
	if (got > 0)
		return 0;
	c = d2i_X509_CRL(NULL, &p, (long)len);
	if (c == NULL || p != buf + len || *n >= max) {
		X509_CRL_free(c);
		ERR_clear_error();
		return c == NULL || p != buf + len ? -EINVAL : -E2BIG;
	}
	x[(*n)++] = c;
	return 0;
}

/* A DER encoding of @x made by @i2d (i2d_X509, i2d_X509_NAME) into a fresh buffer. */
static int
der_of_cert(X509 *x, uint8_t **der, size_t *len)
{
	unsigned char *p = NULL;
	int n = i2d_X509(x, &p);

	if (n <= 0) {
		ERR_clear_error();
		return -EIO;
	}
	*der = p;
	*len = (size_t)n;
	return 0;
}

static int
der_of_name(const X509_NAME *nm, uint8_t **der, size_t *len)
{
	unsigned char *p = NULL;
	int n = i2d_X509_NAME(nm, &p);

	if (n <= 0) {
		ERR_clear_error();
		return -EIO;
	}
	*der = p;
	*len = (size_t)n;
	return 0;
}

static bool
case_eq(const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t i;
	uint8_t x, y;

	for (i = 0; i < n; i++) {
		x = a[i] >= 'A' && a[i] <= 'Z' ? (uint8_t)(a[i] + 32) : a[i];
		y = b[i] >= 'A' && b[i] <= 'Z' ? (uint8_t)(b[i] + 32) : b[i];
		if (x != y)
			return false;
	}
	return true;
}

/* Is identity (@type, @data) the subject or a subjectAltName of @x (RFC 4945 §3.1)? */
static int
x509_has_id(X509 *x, enum ike_crypto_id type, const uint8_t *data, size_t len)
{
	const unsigned char *p = data;
	GENERAL_NAMES *gens;
	const GENERAL_NAME *g;
	const ASN1_STRING *s;
	X509_NAME *nm;
	int i, want, t;
	bool found = false;

	if (x == NULL || data == NULL || len == 0 || len > LONG_MAX)
		return -EINVAL;
	switch (type) {
	case IKE_CRYPTO_ID_DN:
		nm = d2i_X509_NAME(NULL, &p, (long)len);
		if (nm == NULL || p != data + len) {
			X509_NAME_free(nm);
			ERR_clear_error();
			return -EINVAL;
		}
		found = X509_NAME_cmp(nm, X509_get_subject_name(x)) == 0;
		X509_NAME_free(nm);
		return found ? 0 : -ENOENT;
	case IKE_CRYPTO_ID_FQDN:
		want = GEN_DNS;
		break;
	case IKE_CRYPTO_ID_EMAIL:
		want = GEN_EMAIL;
		break;
	case IKE_CRYPTO_ID_IPV4:
	case IKE_CRYPTO_ID_IPV6:
		if (len != (type == IKE_CRYPTO_ID_IPV4 ? 4u : 16u))
			return -EINVAL;
		want = GEN_IPADD;
		break;
	default:
		return -EINVAL;
	}
	gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	for (i = 0; gens != NULL && i < sk_GENERAL_NAME_num(gens) && !found; i++) {
		g = sk_GENERAL_NAME_value(gens, i);
		s = GENERAL_NAME_get0_value(g, &t);
		if (t != want || s == NULL || (size_t)ASN1_STRING_length(s) != len)
			continue;
		found = want == GEN_IPADD ? memcmp(ASN1_STRING_get0_data(s), data, len) == 0 :
		                            case_eq(ASN1_STRING_get0_data(s), data, len);
	}
	GENERAL_NAMES_free(gens);
	ERR_clear_error();
	return found ? 0 : -ENOENT;
}

struct ike_crypto_cred {
	EVP_PKEY *key;
	enum ike_crypto_sig sig;
	unsigned int n;
	X509 *x[IKE_CRYPTO_CERTS_MAX];
	uint8_t *der[IKE_CRYPTO_CERTS_MAX];
	size_t der_len[IKE_CRYPTO_CERTS_MAX];
	uint8_t *subject;
	size_t subject_len;
};

void
ike_crypto_cred_destroy(struct ike_crypto_cred *c)
{
	unsigned int i;

	if (c == NULL)
		return;
	EVP_PKEY_free(c->key); /* OpenSSL clears private key material on free */
	for (i = 0; i < c->n; i++) {
		X509_free(c->x[i]);
		OPENSSL_free(c->der[i]);
	}
	OPENSSL_free(c->subject);
	free(c);
}

static int
key_parse(const uint8_t *buf, size_t len, EVP_PKEY **out)
{
	const unsigned char *p = buf;
	EVP_PKEY *pk;
	BIO *b;

	b = BIO_new_mem_buf(buf, (int)len);
	if (b == NULL)
		return -ENOMEM;
	pk = PEM_read_bio_PrivateKey(b, NULL, no_pass, NULL);
	BIO_free(b);
	if (pk == NULL) {
		ERR_clear_error();
		pk = d2i_AutoPrivateKey(NULL, &p, (long)len);
	}
	ERR_clear_error();
	*out = pk;
	return pk != NULL ? 0 : -EINVAL;
}

int
ike_crypto_cred_load(const char *const *certs, unsigned int n_certs, const char *key,
    struct ike_crypto_cred **out, char *err, size_t err_len)
{
	struct ike_crypto_cred *c;
	uint8_t *buf = NULL;
	size_t len = 0;
	unsigned int i;
	int rc;

	if (out == NULL)
		return -EINVAL;
	*out = NULL;
	if (certs == NULL || n_certs == 0 || key == NULL) {
		set_err(err, err_len, "no certificate or no key", NULL);
		return -EINVAL;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -ENOMEM;
	for (i = 0; i < n_certs; i++) {
		rc = file_read(certs[i], &buf, &len);
		if (rc != 0) {
			set_err(err, err_len,
			    rc == -ENOENT ? "cannot read the certificate file" :
			                    "empty or too large certificate file",
			    certs[i]);
			goto fail;
		}
		rc = certs_parse(buf, len, c->x, IKE_CRYPTO_CERTS_MAX, &c->n);
		file_free(buf, len);
		buf = NULL;
		if (rc != 0) {
			set_err(err, err_len,
			    rc == -E2BIG ? "too many certificates in the chain" :
			                   "not a PEM or DER X.509 certificate",
			    certs[i]);
			goto fail;
		}
	}
	rc = file_read(key, &buf, &len);
	if (rc != 0) {
		set_err(err, err_len,
		    rc == -ENOENT ? "cannot read the private key file" :
		                    "empty or too large key file",
		    key);
		goto fail;
	}
	rc = key_parse(buf, len, &c->key);
	file_free(buf, len);
	buf = NULL;
	if (rc != 0) {
		set_err(err, err_len, "not an unencrypted PEM or DER private key", key);
		goto fail;
	}
	c->sig = pkey_sig(c->key);
	if (c->sig == IKE_CRYPTO_SIG_NONE) {
		rc = -EINVAL;
		set_err(err, err_len,
		    "the private key is neither RSA (1024 bits or more) nor ECDSA P-256, P-384 or P-521",
		    key);
		goto fail;
	}
	if (X509_check_private_key(c->x[0], c->key) != 1) {
		ERR_clear_error();
		rc = -EINVAL;
		set_err(err, err_len, "the private key does not belong to the certificate",
		    certs[0]);
		goto fail;
	}
	for (i = 0; i < c->n; i++)
		if ((rc = der_of_cert(c->x[i], &c->der[i], &c->der_len[i])) != 0)
			goto fail;
	if ((rc = der_of_name(X509_get_subject_name(c->x[0]), &c->subject, &c->subject_len)) != 0)
		goto fail;
	*out = c;
	return 0;
fail:
	ike_crypto_cred_destroy(c);
	return rc == -E2BIG ? -EINVAL : rc;
}

enum ike_crypto_sig
ike_crypto_cred_sig(const struct ike_crypto_cred *c)
{
	return c != NULL ? c->sig : IKE_CRYPTO_SIG_NONE;
}

int
ike_crypto_cred_cert(const struct ike_crypto_cred *c, unsigned int i, const uint8_t **der,
    size_t *len)
{
	if (c == NULL || der == NULL || len == NULL)
		return -EINVAL;
	if (i >= c->n)
		return -ENOENT;
	*der = c->der[i];
	*len = c->der_len[i];
	return (int)c->n;
}

void
ike_crypto_cred_subject(const struct ike_crypto_cred *c, const uint8_t **der, size_t *len)
{
	*der = c->subject;
	*len = c->subject_len;
}

int
ike_crypto_cred_has_id(const struct ike_crypto_cred *c, enum ike_crypto_id type,
    const uint8_t *data, size_t len)
{
	if (c == NULL)
		return -EINVAL;
	return x509_has_id(c->x[0], type, data, len);
}

int
ike_crypto_cred_sign(const struct ike_crypto_cred *c, const uint8_t *data, size_t len, uint8_t *sig,
    size_t size)
{
	if (c == NULL)
		return -EINVAL;
	return pkey_sign(c->key, c->sig, data, len, sig, size);
}

const char *
ike_crypto_cert_err_name(enum ike_crypto_cert_err e)
{
	switch (e) {
	case IKE_CRYPTO_CERT_OK:
		return "ok";
	case IKE_CRYPTO_CERT_MALFORMED:
		return "malformed certificate";
	case IKE_CRYPTO_CERT_UNKNOWN_CA:
		return "unknown CA";
	case IKE_CRYPTO_CERT_EXPIRED:
		return "expired";
	case IKE_CRYPTO_CERT_NOT_YET_VALID:
		return "not yet valid";
	case IKE_CRYPTO_CERT_REVOKED:
		return "revoked";
	case IKE_CRYPTO_CERT_BAD_SIGNATURE:
		return "bad certificate signature";
	case IKE_CRYPTO_CERT_KEY_USAGE:
		return "key usage does not allow signatures";
	case IKE_CRYPTO_CERT_KEY_TYPE:
		return "unsupported key type";
	case IKE_CRYPTO_CERT_INVALID:
		return "invalid certificate chain";
	}
	return "unknown";
}

struct ike_crypto_trust {
	X509_STORE *store;
	unsigned int n_cas, n_crls;
	X509 *cas[TRUST_MAX];
	X509_CRL *crls[TRUST_MAX];
	uint8_t *subj[TRUST_MAX];
	size_t subj_len[TRUST_MAX];
};

void
ike_crypto_trust_destroy(struct ike_crypto_trust *t)
{
	unsigned int i;

	if (t == NULL)
		return;
	X509_STORE_free(t->store);
	for (i = 0; i < t->n_cas; i++) {
		X509_free(t->cas[i]);
		OPENSSL_free(t->subj[i]);
	}
	for (i = 0; i < t->n_crls; i++)
		X509_CRL_free(t->crls[i]);
	free(t);
}

int
ike_crypto_trust_load(const char *const *cacerts, unsigned int n_cacerts, const char *const *crls,
    unsigned int n_crls, struct ike_crypto_trust **out, char *err, size_t err_len)
{
	struct ike_crypto_trust *t;
	uint8_t *buf = NULL;
	size_t len = 0;
	unsigned int i;
	int rc;

	if (out == NULL)
		return -EINVAL;
	*out = NULL;
	if (cacerts == NULL || n_cacerts == 0 || (n_crls > 0 && crls == NULL)) {
		set_err(err, err_len, "no CA certificate", NULL);
		return -EINVAL;
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return -ENOMEM;
	t->store = X509_STORE_new();
	if (t->store == NULL) {
		rc = -ENOMEM;
		goto fail;
	}
	for (i = 0; i < n_cacerts; i++) {
		rc = file_read(cacerts[i], &buf, &len);
		if (rc != 0) {
			set_err(err, err_len,
			    rc == -ENOENT ? "cannot read the CA certificate file" :
			                    "empty or too large CA certificate file",
			    cacerts[i]);
			goto fail;
		}
		rc = certs_parse(buf, len, t->cas, TRUST_MAX, &t->n_cas);
		file_free(buf, len);
		if (rc != 0) {
			set_err(err, err_len,
			    rc == -E2BIG ? "too many CA certificates" :
			                   "not a PEM or DER X.509 certificate",
			    cacerts[i]);
			goto fail;
		}
	}
	for (i = 0; i < n_crls; i++) {
		rc = file_read(crls[i], &buf, &len);
		if (rc != 0) {
			set_err(err, err_len,
			    rc == -ENOENT ? "cannot read the CRL file" :
			                    "empty or too large CRL file",
			    crls[i]);
			goto fail;
		}
		rc = crls_parse(buf, len, t->crls, TRUST_MAX, &t->n_crls);
		file_free(buf, len);
		if (rc != 0) {
			set_err(err, err_len,
			    rc == -E2BIG ? "too many CRLs" : "not a PEM or DER X.509 CRL", crls[i]);
			goto fail;
		}
	}
	for (i = 0; i < t->n_cas; i++) {
		if (X509_STORE_add_cert(t->store, t->cas[i]) != 1) {
			/* The same CA twice is harmless. */
			ERR_clear_error();
		}
		if ((rc = der_of_name(X509_get_subject_name(t->cas[i]), &t->subj[i],
		         &t->subj_len[i])) != 0)
			goto fail;
	}
	*out = t;
	return 0;
fail:
	ike_crypto_trust_destroy(t);
	return rc == -E2BIG ? -EINVAL : rc;
}

int
ike_crypto_trust_ca(const struct ike_crypto_trust *t, unsigned int i, const uint8_t **der,
    size_t *len)
{
	if (t == NULL || der == NULL || len == NULL)
		return -EINVAL;
	if (i >= t->n_cas)
		return -ENOENT;
	*der = t->subj[i];
	*len = t->subj_len[i];
	return (int)t->n_cas;
}

int
ike_crypto_trust_ca_keyid(const struct ike_crypto_trust *t, unsigned int i, uint8_t *out,
    size_t size)
{
	unsigned char *spki = NULL;
	unsigned int md_len = 0;
	int n;

	if (t == NULL || out == NULL || size < IKE_CRYPTO_KEYID_LEN)
		return -EINVAL;
	if (i >= t->n_cas)
		return -ENOENT;
	/* RFC 7296 §3.7: SHA-1 over the whole DER SubjectPublicKeyInfo. */
	n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(t->cas[i]), &spki);
	if (n <= 0)
		return -EIO;
	if (EVP_Digest(spki, (size_t)n, out, &md_len, EVP_sha1(), NULL) != 1 ||
	    md_len != IKE_CRYPTO_KEYID_LEN) {
		OPENSSL_free(spki);
		ERR_clear_error();
		return -EIO;
	}
	OPENSSL_free(spki);
	return (int)t->n_cas;
}

struct ike_crypto_cert {
	X509 *x;
	EVP_PKEY *pk; /* X509_get0_pubkey(x): owned by x */
	enum ike_crypto_sig sig;
	uint8_t *subject;
	size_t subject_len;
};

void
ike_crypto_cert_destroy(struct ike_crypto_cert *c)
{
	if (c == NULL)
		return;
	X509_free(c->x);
	OPENSSL_free(c->subject);
	free(c);
}

static enum ike_crypto_cert_err
verify_err(int e)
{
	switch (e) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		return IKE_CRYPTO_CERT_EXPIRED;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return IKE_CRYPTO_CERT_NOT_YET_VALID;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
		return IKE_CRYPTO_CERT_UNKNOWN_CA;
	case X509_V_ERR_CERT_SIGNATURE_FAILURE:
	case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
		return IKE_CRYPTO_CERT_BAD_SIGNATURE;
	case X509_V_ERR_CERT_REVOKED:
		return IKE_CRYPTO_CERT_REVOKED;
	default:
		return IKE_CRYPTO_CERT_INVALID;
	}
}

/*
 * Is @c listed in a CRL of @issuer?  CRLs whose signature does not verify
 * with the issuer's key are ignored (RFC 5280 §6.3.3 (f)).
 */
static bool
crl_revoked(const struct ike_crypto_trust *t, X509 *c, X509 *issuer)
{
	X509_REVOKED *rev = NULL;
	unsigned int i;
	bool revoked = false;

	for (i = 0; i < t->n_crls && !revoked; i++) {
		if (X509_NAME_cmp(X509_CRL_get_issuer(t->crls[i]), X509_get_subject_name(issuer)) !=
		    0)
			continue;
		if (X509_CRL_verify(t->crls[i], X509_get0_pubkey(issuer)) != 1)
			continue;
		/* 1: listed; 2: listed as removeFromCRL (not revoked, RFC 5280 §5.3.1). */
		revoked = X509_CRL_get0_by_cert(t->crls[i], &rev, c) == 1;
	}
	ERR_clear_error();
	return revoked;
}

int
ike_crypto_trust_verify(const struct ike_crypto_trust *t, const struct ike_crypto_chunk *certs,
    size_t n, int64_t at, struct ike_crypto_cert **out, enum ike_crypto_cert_err *why)
{
	X509 *in[IKE_CRYPTO_CERTS_MAX] = { NULL };
	STACK_OF(X509) *untrusted = NULL, *chain;
	X509_STORE_CTX *ctx = NULL;
	X509_VERIFY_PARAM *param;
	struct ike_crypto_cert *c = NULL;
	const unsigned char *p;
	uint32_t ku;
	size_t i;
	int rc = -EACCES;

	if (out != NULL)
		*out = NULL;
	if (t == NULL || certs == NULL || n == 0 || n > IKE_CRYPTO_CERTS_MAX || out == NULL ||
	    why == NULL)
		return -EINVAL;
	*why = IKE_CRYPTO_CERT_MALFORMED;
	for (i = 0; i < n; i++) {
		p = certs[i].ptr;
		if (p == NULL || certs[i].len == 0 || certs[i].len > LONG_MAX)
			goto out;
		in[i] = d2i_X509(NULL, &p, (long)certs[i].len);
		if (in[i] == NULL || p != certs[i].ptr + certs[i].len)
			goto out;
	}
	untrusted = sk_X509_new_null();
	ctx = X509_STORE_CTX_new();
	if (untrusted == NULL || ctx == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	for (i = 1; i < n; i++)
		if (sk_X509_push(untrusted, in[i]) <= 0) {
			rc = -ENOMEM;
			goto out;
		}
	if (X509_STORE_CTX_init(ctx, t->store, in[0], untrusted) != 1) {
		rc = -ENOMEM;
		goto out;
	}
	param = X509_STORE_CTX_get0_param(ctx);
	/* Every configured CA is an anchor, self-signed or not (as strongSwan's cacerts). */
	X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
	if (at != 0)
		X509_VERIFY_PARAM_set_time(param, (time_t)at);
	if (X509_verify_cert(ctx) != 1) {
		*why = verify_err(X509_STORE_CTX_get_error(ctx));
		goto out;
	}
	chain = X509_STORE_CTX_get0_chain(ctx);
	for (i = 0; chain != NULL && i + 1 < (size_t)sk_X509_num(chain); i++) {
		if (crl_revoked(t, sk_X509_value(chain, (int)i),
		        sk_X509_value(chain, (int)i + 1))) {
			*why = IKE_CRYPTO_CERT_REVOKED;
			goto out;
		}
	}
	/* RFC 4945 §5.1.3.2: a keyUsage, when present, must allow signatures (strongSwan's check too). */
	if (X509_get_extension_flags(in[0]) & EXFLAG_KUSAGE) {
		ku = X509_get_key_usage(in[0]);
		if (!(ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION))) {
			*why = IKE_CRYPTO_CERT_KEY_USAGE;
			goto out;
		}
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	c->x = in[0];
	in[0] = NULL;
	c->pk = X509_get0_pubkey(c->x);
	c->sig = pkey_sig(c->pk);
	if (c->sig == IKE_CRYPTO_SIG_NONE) {
		*why = IKE_CRYPTO_CERT_KEY_TYPE;
		goto out;
	}
	if (der_of_name(X509_get_subject_name(c->x), &c->subject, &c->subject_len) != 0) {
		rc = -ENOMEM;
		goto out;
	}
	*why = IKE_CRYPTO_CERT_OK;
	*out = c;
	c = NULL;
	rc = 0;
out:
	ike_crypto_cert_destroy(c);
	X509_STORE_CTX_free(ctx);
	sk_X509_free(untrusted);
	for (i = 0; i < n && i < IKE_CRYPTO_CERTS_MAX; i++)
		X509_free(in[i]);
	ERR_clear_error();
	return rc;
}

void
ike_crypto_cert_subject(const struct ike_crypto_cert *c, const uint8_t **der, size_t *len)
{
	*der = c->subject;
	*len = c->subject_len;
}

int
ike_crypto_cert_has_id(const struct ike_crypto_cert *c, enum ike_crypto_id type,
    const uint8_t *data, size_t len)
{
	if (c == NULL)
		return -EINVAL;
	return x509_has_id(c->x, type, data, len);
}

enum ike_crypto_sig
ike_crypto_cert_sig(const struct ike_crypto_cert *c)
{
	return c != NULL ? c->sig : IKE_CRYPTO_SIG_NONE;
}

int
ike_crypto_cert_verify(const struct ike_crypto_cert *c, const uint8_t *data, size_t len,
    const uint8_t *sig, size_t sig_len)
{
	if (c == NULL)
		return -EINVAL;
	return pkey_verify(c->pk, c->sig, data, len, sig, sig_len);
}

/* ---- distinguished names ---- */

/* strongSwan's attribute names that OpenSSL spells otherwise. */
static const char *
dn_attr(const char *k)
{
	if (strcasecmp(k, "E") == 0 || strcasecmp(k, "Email") == 0 ||
	    strcasecmp(k, "emailAddress") == 0)
		return "emailAddress";
	static const char *const sn[] = { "C", "ST", "L", "O", "OU", "CN", "DC", "UID",
		"serialNumber", "title", "GN", "SN" };
	size_t i;

	if (strcmp(k, "S") == 0)
		return "ST";
	/* Attribute names are case-insensitive (RFC 4514 §3), OpenSSL's are not. */
	for (i = 0; i < sizeof(sn) / sizeof(sn[0]); i++)
		if (strcasecmp(k, sn[i]) == 0)
			return sn[i];
	return k;
}

int
ike_crypto_dn_parse(const char *text, uint8_t *der, size_t size)
{
	char key[64], val[CRED_DN_VALUE_MAX];
	const char *s = text;
	X509_NAME *nm;
	unsigned char *q = der;
	size_t kl, vl;
	char sep = ',';
	int n, rdns = 0, rc = -EINVAL;

	if (text == NULL || der == NULL)
		return -EINVAL;
	while (*s == ' ')
		s++;
	if (*s == '/') {
		/* OpenSSL's one-line form: /C=CH/O=strongSwan/CN=gw */
		sep = '/';
		s++;
	}
	nm = X509_NAME_new();
	if (nm == NULL)
		return -ENOMEM;
	while (*s != '\0') {
		while (*s == ' ')
			s++;
		for (kl = 0; *s != '\0' && *s != '=' && kl + 1 < sizeof(key); s++)
			key[kl++] = *s;
		while (kl > 0 && key[kl - 1] == ' ')
			kl--;
		key[kl] = '\0';
		if (*s != '=' || kl == 0)
			goto out;
		s++;
		while (*s == ' ')
			s++;
		for (vl = 0; *s != '\0' && *s != sep; s++) {
			if (*s == '\\' && s[1] != '\0')
				s++;
			if (vl + 1 >= sizeof(val))
				goto out;
			val[vl++] = *s;
		}
		while (vl > 0 && val[vl - 1] == ' ' && !(vl > 1 && val[vl - 2] == '\\'))
			vl--;
		val[vl] = '\0';
		if (vl == 0)
			goto out;
		if (X509_NAME_add_entry_by_txt(nm, dn_attr(key), MBSTRING_UTF8,
		        (const unsigned char *)val, (int)vl, -1, 0) != 1)
			goto out;
		rdns++;
		if (*s == sep)
			s++;
	}
	if (rdns == 0)
		goto out;
	n = i2d_X509_NAME(nm, NULL);
	if (n <= 0)
		goto out;
	if ((size_t)n > size) {
		rc = -ENOSPC;
		goto out;
	}
	rc = i2d_X509_NAME(nm, &q);
out:
	X509_NAME_free(nm);
	ERR_clear_error();
	return rc;
}

int
ike_crypto_dn_format(const uint8_t *der, size_t len, char *text, size_t size)
{
	const unsigned char *p = der;
	X509_NAME *nm;
	BIO *b = NULL;
	char *mem;
	long n;
	int rc = -EINVAL;

	if (der == NULL || len == 0 || len > LONG_MAX || text == NULL || size == 0)
		return -EINVAL;
	nm = d2i_X509_NAME(NULL, &p, (long)len);
	if (nm == NULL || p != der + len)
		goto out;
	b = BIO_new(BIO_s_mem());
	if (b == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	/* strongSwan's form: short names, RDNs in order, ", " between them. */
	if (X509_NAME_print_ex(b, nm, 0,
	        XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_FN_SN | ASN1_STRFLGS_ESC_2253 |
	            ASN1_STRFLGS_ESC_CTRL | ASN1_STRFLGS_UTF8_CONVERT) < 0)
		goto out;
	n = BIO_get_mem_data(b, &mem);
	if (n < 0)
		goto out;
	if ((size_t)n >= size) {
		rc = -ENOSPC;
		goto out;
	}
	memcpy(text, mem, (size_t)n);
	text[n] = '\0';
	rc = (int)n;
out:
	BIO_free(b);
	X509_NAME_free(nm);
	ERR_clear_error();
	return rc;
}

bool
ike_crypto_dn_equal(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
	const unsigned char *pa = a, *pb = b;
	X509_NAME *na = NULL, *nb = NULL;
	bool eq = false;

	if (a == NULL || b == NULL || a_len == 0 || b_len == 0 || a_len > LONG_MAX ||
	    b_len > LONG_MAX)
		return false;
	na = d2i_X509_NAME(NULL, &pa, (long)a_len);
	nb = d2i_X509_NAME(NULL, &pb, (long)b_len);
	if (na != NULL && nb != NULL && pa == a + a_len && pb == b + b_len)
		eq = X509_NAME_cmp(na, nb) == 0;
	X509_NAME_free(na);
	X509_NAME_free(nb);
	ERR_clear_error();
	return eq;
}

/* ---- IKEv2 signatures (RFC 7296 §3.8, RFC 4754, RFC 7427) ---- */

static char *
sig_hash_md(uint16_t hash)
{
	switch (hash) {
	case IKE_CRYPTO_HASH_SHA1:
		return md_sha1;
	case IKE_CRYPTO_HASH_SHA2_256:
		return md_sha256;
	case IKE_CRYPTO_HASH_SHA2_384:
		return md_sha384;
	case IKE_CRYPTO_HASH_SHA2_512:
		return md_sha512;
	default:
		return NULL;
	}
}

/* A digest-signing context for @pk with @md; RSA gets PKCS#1 v1.5 padding. */
static EVP_MD_CTX *
sig_ctx(EVP_PKEY *pk, enum ike_crypto_sig kind, const char *md, bool sign)
{
	EVP_PKEY_CTX *pctx = NULL;
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	int ok;

	if (m == NULL)
		return NULL;
	if (sign)
		ok = EVP_DigestSignInit_ex(m, &pctx, md, NULL, NULL, pk, NULL);
	else
		ok = EVP_DigestVerifyInit_ex(m, &pctx, md, NULL, NULL, pk, NULL);
	if (ok == 1 && kind == IKE_CRYPTO_SIG_RSA)
		ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING);
	if (ok != 1) {
		EVP_MD_CTX_free(m);
		ERR_clear_error();
		return NULL;
	}
	return m;
}

static int
pkey_sign_hash(EVP_PKEY *pk, enum ike_crypto_sig kind, uint16_t hash, bool der, const uint8_t *data,
    size_t len, uint8_t *sig, size_t size)
{
	uint8_t buf[ECDSA_DER_MAX];
	size_t n, w = ecdsa_width(kind);
	const char *md = sig_hash_md(hash);
	EVP_MD_CTX *m;
	int rc = -EIO;

	if (md == NULL)
		return -ENOTSUP;
	if (pk == NULL || data == NULL || len == 0 || sig == NULL)
		return -EINVAL;
	if (kind == IKE_CRYPTO_SIG_RSA) {
		if (size < (size_t)EVP_PKEY_get_size(pk))
			return -EINVAL;
	} else if (w == 0 || (!der && size < 2 * w)) {
		return -EINVAL;
	}
	m = sig_ctx(pk, kind, md, true);
	if (m == NULL)
		return -EIO;
	if (kind == IKE_CRYPTO_SIG_RSA) {
		n = size;
		if (EVP_DigestSign(m, sig, &n, data, len) == 1)
			rc = (int)n;
	} else {
		n = sizeof(buf);
		if (EVP_DigestSign(m, buf, &n, data, len) != 1)
			goto out;
		if (!der) {
			rc = ecdsa_der_to_raw(buf, n, w, sig);
		} else if (n <= size) {
			memcpy(sig, buf, n);
			rc = (int)n;
		} else {
			rc = -EINVAL;
		}
	}
out:
	if (rc < 0)
		ERR_clear_error();
	EVP_MD_CTX_free(m);
	return rc;
}

static int
pkey_verify_hash(EVP_PKEY *pk, enum ike_crypto_sig kind, uint16_t hash, bool der,
    const uint8_t *data, size_t len, const uint8_t *sig, size_t sig_len)
{
	uint8_t buf[ECDSA_DER_MAX];
	size_t w = ecdsa_width(kind);
	const char *md = sig_hash_md(hash);
	EVP_MD_CTX *m;
	int n, rc = -EBADMSG;

	if (md == NULL)
		return -ENOTSUP;
	if (pk == NULL || data == NULL || len == 0 || !BUF_OK(sig, sig_len))
		return -EINVAL;
	if (kind == IKE_CRYPTO_SIG_RSA) {
		/* RFC 8017 §8.2.2 step 1: exactly the modulus length. */
		if (sig_len != (size_t)EVP_PKEY_get_size(pk))
			return -EBADMSG;
	} else if (w == 0) {
		return -EINVAL;
	} else if (!der && sig_len != 2 * w) {
		return -EBADMSG;
	} else if (der && (sig_len == 0 || sig_len > ECDSA_DER_MAX)) {
		return -EBADMSG;
	}
	if (kind != IKE_CRYPTO_SIG_RSA && !der) {
		n = ecdsa_raw_to_der(sig, w, buf, sizeof(buf));
		if (n <= 0)
			return -EBADMSG;
		sig = buf;
		sig_len = (size_t)n;
	}
	m = sig_ctx(pk, kind, md, false);
	if (m == NULL)
		return -EIO;
	/* OpenSSL 3 takes only strict DER ECDSA-Sig-Values without trailing bytes. */
	if (EVP_DigestVerify(m, sig, sig_len, data, len) == 1)
		rc = 0;
	if (rc != 0)
		ERR_clear_error();
	EVP_MD_CTX_free(m);
	return rc;
}

int
ike_crypto_cred_sign_hash(const struct ike_crypto_cred *c, uint16_t hash, bool der,
    const uint8_t *data, size_t len, uint8_t *sig, size_t size)
{
	if (c == NULL)
		return -EINVAL;
	return pkey_sign_hash(c->key, c->sig, hash, der, data, len, sig, size);
}

int
ike_crypto_cert_verify_hash(const struct ike_crypto_cert *c, uint16_t hash, bool der,
    const uint8_t *data, size_t len, const uint8_t *sig, size_t sig_len)
{
	if (c == NULL)
		return -EINVAL;
	return pkey_verify_hash(c->pk, c->sig, hash, der, data, len, sig, sig_len);
}

int
ike_crypto_key_verify_hash(const struct ike_crypto_key *k, uint16_t hash, bool der,
    const uint8_t *data, size_t len, const uint8_t *sig, size_t sig_len)
{
	if (k == NULL)
		return -EINVAL;
	return pkey_verify_hash(k->pk, k->sig, hash, der, data, len, sig, sig_len);
}

/*
 * AlgorithmIdentifiers of RFC 7427 Appendix A: SEQUENCE { OID, NULL } for
 * RSA (1.2.840.113549.1.1.5/11/12/13), SEQUENCE { OID } for ECDSA
 * (1.2.840.10045.4.1, 1.2.840.10045.4.3.2/3/4).
 */
struct sig_algid {
	bool rsa;
	uint16_t hash;
	uint8_t len;
	uint8_t der[16];
};

static const struct sig_algid sig_algids[] = {
	{ true, IKE_CRYPTO_HASH_SHA1, 15,
	    { 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05, 0x05,
	        0x00 } },
	{ true, IKE_CRYPTO_HASH_SHA2_256, 15,
	    { 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05,
	        0x00 } },
	{ true, IKE_CRYPTO_HASH_SHA2_384, 15,
	    { 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c, 0x05,
	        0x00 } },
	{ true, IKE_CRYPTO_HASH_SHA2_512, 15,
	    { 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d, 0x05,
	        0x00 } },
	{ false, IKE_CRYPTO_HASH_SHA1, 11,
	    { 0x30, 0x09, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01 } },
	{ false, IKE_CRYPTO_HASH_SHA2_256, 12,
	    { 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02 } },
	{ false, IKE_CRYPTO_HASH_SHA2_384, 12,
	    { 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03 } },
	{ false, IKE_CRYPTO_HASH_SHA2_512, 12,
	    { 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04 } },
};

int
ike_crypto_sig_algid(enum ike_crypto_sig key, uint16_t hash, const uint8_t **der, size_t *len)
{
	bool rsa = key == IKE_CRYPTO_SIG_RSA;
	size_t i;

	if (key == IKE_CRYPTO_SIG_NONE || der == NULL || len == NULL)
		return -ENOTSUP;
	for (i = 0; i < sizeof(sig_algids) / sizeof(sig_algids[0]); i++) {
		if (sig_algids[i].rsa == rsa && sig_algids[i].hash == hash) {
			*der = sig_algids[i].der;
			*len = sig_algids[i].len;
			return 0;
		}
	}
	return -ENOTSUP;
}

int
ike_crypto_sig_algid_parse(const uint8_t *der, size_t len, bool *rsa, uint16_t *hash)
{
	const struct sig_algid *a;
	size_t i;

	if (der == NULL || rsa == NULL || hash == NULL)
		return -ENOTSUP;
	for (i = 0; i < sizeof(sig_algids) / sizeof(sig_algids[0]); i++) {
		a = &sig_algids[i];
		if (len == a->len && memcmp(der, a->der, len) == 0) {
			*rsa = a->rsa;
			*hash = a->hash;
			return 0;
		}
		/* RSA without the NULL: SEQUENCE (11) { the same OID }. */
		if (a->rsa && len == 13u && der[0] == 0x30 && der[1] == 0x0b &&
		    memcmp(der + 2, a->der + 2, 11) == 0) {
			*rsa = true;
			*hash = a->hash;
			return 0;
		}
	}
	return -ENOTSUP;
}
