/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/slowpath/ike/test_ike_crypto.c: ike_crypto against RFC, NIST and Wycheproof vectors, independent recomputations and rejections. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "slowpath/ike/ike_crypto.h"

/* The vector files, relative to the source root (the test's working directory). */
#define VEC_DIR "tests/vectors/ike"

/* Wycheproof: FASTIPSEC_WYCHEPROOF (or FASTIPSEC_WYCHEPROOF_DIR) overrides these. */
#define WP_ENV     "FASTIPSEC_WYCHEPROOF"
#define WP_ENV_ALT "FASTIPSEC_WYCHEPROOF_DIR"
#define WP_DIR_REL "../shared/vectors/wycheproof"
#define WP_DIR_ABS "/work/shared/vectors/wycheproof"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#define VEC_FIELDS_MAX 16
#define VEC_TEXT_MAX   4096 /* hex characters of one value */
#define VEC_LINE_MAX   8192
#define BUF_MAX        2048 /* bytes of one decoded value */

static const uint16_t all_prfs[] = { 2, 5, 6, 7 };

/* ---- helpers ---- */

static const EVP_MD *
prf_md(uint16_t prf)
{
	switch (prf) {
	case 2:
		return EVP_sha1();
	case 5:
		return EVP_sha256();
	case 6:
		return EVP_sha384();
	case 7:
		return EVP_sha512();
	default:
		return NULL;
	}
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes hex into out; the byte count, or SIZE_MAX for bad hex or too long. */
static size_t
unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = strlen(s), i;
	int hi, lo;

	if (n % 2 != 0 || n / 2 > max)
		return SIZE_MAX;
	for (i = 0; i < n / 2; i++) {
		hi = hexval((unsigned char)s[2 * i]);
		lo = hexval((unsigned char)s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return SIZE_MAX;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return n / 2;
}

static void
dump(const char *what, const uint8_t *p, size_t n)
{
	size_t i;

	fprintf(stderr, "    %s (%zu):", what, n);
	for (i = 0; i < n; i++)
		fprintf(stderr, "%02x", p[i]);
	fprintf(stderr, "\n");
}

/* true when got equals want; prints both otherwise. */
static bool
same(const char *name, const char *what, const uint8_t *got, size_t got_len, const uint8_t *want,
    size_t want_len)
{
	if (got_len == want_len && memcmp(got, want, want_len) == 0)
		return true;
	fprintf(stderr, "\n  %s: %s differs\n", name, what);
	dump("got ", got, got_len);
	dump("want", want, want_len);
	return false;
}

static bool
all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;
	size_t i;

	for (i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

/* Appends len bytes at msg + n: the independent recomputations build their PRF inputs by hand. */
static size_t
put(uint8_t *msg, size_t n, const void *p, size_t len)
{
	memcpy(msg + n, p, len);
	return n + len;
}

/* ---- vector files: "field = value" records (tests/vectors/ike/, one file per algorithm) ---- */

struct vec_rec {
	size_t n;
	unsigned int line;
	struct {
		char key[32];
		char val[VEC_TEXT_MAX];
	} f[VEC_FIELDS_MAX];
};

struct vec_file {
	FILE *fp;
	const char *name;
	unsigned int line;
	char buf[VEC_LINE_MAX];
};

static bool
vec_open(struct vec_file *vf, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", VEC_DIR, name);
	vf->name = name;
	vf->line = 0;
	vf->fp = fopen(path, "r");
	if (vf->fp == NULL)
		fprintf(stderr, "\n  cannot open %s (run from the source root)\n", path);
	return vf->fp != NULL;
}

static void
vec_close(struct vec_file *vf)
{
	if (vf->fp != NULL)
		fclose(vf->fp);
	vf->fp = NULL;
}

static char *
trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (
	    n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/* Reads the next record: 1, 0 at the end, -1 on a format error. */
static int
vec_next(struct vec_file *vf, struct vec_rec *r)
{
	char *s, *eq, *key;
	size_t cur;

	r->n = 0;
	while (fgets(vf->buf, sizeof(vf->buf), vf->fp) != NULL) {
		vf->line++;
		if (vf->buf[0] == '#')
			continue;
		if (vf->buf[0] == ' ' || vf->buf[0] == '\t') {
			s = trim(vf->buf);
			if (*s == '\0') {
				if (r->n > 0)
					return 1;
				continue;
			}
			if (r->n == 0)
				goto bad;
			cur = strlen(r->f[r->n - 1].val);
			if (cur + strlen(s) >= VEC_TEXT_MAX)
				goto bad;
			memcpy(r->f[r->n - 1].val + cur, s, strlen(s) + 1);
			continue;
		}
		s = trim(vf->buf);
		if (*s == '\0') {
			if (r->n > 0)
				return 1;
			continue;
		}
		eq = strchr(s, '=');
		if (eq == NULL || r->n == VEC_FIELDS_MAX)
			goto bad;
		*eq = '\0';
		key = trim(s);
		s = trim(eq + 1);
		if (strlen(key) >= sizeof(r->f[0].key) || strlen(s) >= VEC_TEXT_MAX)
			goto bad;
		if (r->n == 0)
			r->line = vf->line;
		strcpy(r->f[r->n].key, key);
		strcpy(r->f[r->n].val, s);
		r->n++;
	}
	return r->n > 0 ? 1 : 0;
bad:
	fprintf(stderr, "\n  %s:%u: bad vector line\n", vf->name, vf->line);
	return -1;
}

static const char *
vec_get(const struct vec_rec *r, const char *key)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->f[i].key, key) == 0)
			return r->f[i].val;
	return NULL;
}

/* The field decoded from hex; SIZE_MAX (and a failed assertion) when absent or bad. */
static size_t
vec_hex(const struct vec_rec *r, const char *key, uint8_t *out, size_t max)
{
	const char *v = vec_get(r, key);
	size_t n;

	n = v != NULL ? unhex(v, out, max) : SIZE_MAX;
	if (n == SIZE_MAX) {
		fprintf(stderr, "\n  record at line %u: field %s missing or bad\n", r->line, key);
		CU_FAIL("vector field");
	}
	return n;
}

static long
vec_int(const struct vec_rec *r, const char *key)
{
	const char *v = vec_get(r, key);

	return v != NULL ? strtol(v, NULL, 10) : -1;
}

static const char *
vec_name(const struct vec_rec *r)
{
	const char *v = vec_get(r, "name");

	return v != NULL ? v : "?";
}

/* Opens a vector file and allocates a record; false (and a failure) when it cannot. */
static bool
vec_begin(struct vec_file *vf, struct vec_rec **r, const char *name)
{
	*r = NULL;
	if (!vec_open(vf, name)) {
		CU_FAIL("vector file missing");
		return false;
	}
	*r = calloc(1, sizeof(**r));
	if (*r == NULL) {
		vec_close(vf);
		CU_FAIL("calloc");
		return false;
	}
	return true;
}

static void
vec_end(struct vec_file *vf, struct vec_rec *r, int last, unsigned int count, unsigned int min)
{
	CU_ASSERT(last == 0);
	if (count < min) {
		fprintf(stderr, "\n  %s: %u records, expected at least %u\n", vf->name, count, min);
		CU_FAIL("too few vectors");
	}
	free(r);
	vec_close(vf);
}

/* ---- identifiers ---- */

static void
test_ike_crypto_prf_len_ids(void)
{
	CU_ASSERT_EQUAL(ike_crypto_prf_len(2), 20);
	CU_ASSERT_EQUAL(ike_crypto_prf_len(5), 32);
	CU_ASSERT_EQUAL(ike_crypto_prf_len(6), 48);
	CU_ASSERT_EQUAL(ike_crypto_prf_len(7), 64);
	CU_ASSERT_EQUAL(ike_crypto_prf_len(1), -ENOTSUP); /* PRF_HMAC_MD5 */
	CU_ASSERT_EQUAL(ike_crypto_prf_len(4), -ENOTSUP); /* PRF_AES128_XCBC */
	CU_ASSERT_EQUAL(ike_crypto_integ_key_len(2), 20);
	CU_ASSERT_EQUAL(ike_crypto_integ_icv_len(2), 12);
	CU_ASSERT_EQUAL(ike_crypto_integ_key_len(12), 32);
	CU_ASSERT_EQUAL(ike_crypto_integ_icv_len(12), 16);
	CU_ASSERT_EQUAL(ike_crypto_integ_key_len(13), 48);
	CU_ASSERT_EQUAL(ike_crypto_integ_icv_len(13), 24);
	CU_ASSERT_EQUAL(ike_crypto_integ_key_len(14), 64);
	CU_ASSERT_EQUAL(ike_crypto_integ_icv_len(14), 32);
	CU_ASSERT_EQUAL(ike_crypto_integ_key_len(1), -ENOTSUP);
	CU_ASSERT_EQUAL(ike_crypto_encr_key_len(12, 128), 16);
	CU_ASSERT_EQUAL(ike_crypto_encr_key_len(12, 192), 24);
	CU_ASSERT_EQUAL(ike_crypto_encr_key_len(12, 256), 32);
	CU_ASSERT_EQUAL(ike_crypto_encr_key_len(20, 128), 20);
	CU_ASSERT_EQUAL(ike_crypto_encr_key_len(20, 256), 36);
	CU_ASSERT_EQUAL(ike_crypto_encr_key_len(12, 64), -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_encr_key_len(3, 192), -ENOTSUP); /* ENCR_3DES */
	CU_ASSERT_EQUAL(ike_crypto_dh_public_len(14), 256);
	CU_ASSERT_EQUAL(ike_crypto_dh_public_len(19), 64);
	CU_ASSERT_EQUAL(ike_crypto_dh_public_len(21), 132);
	CU_ASSERT_EQUAL(ike_crypto_dh_public_len(32), 56);
	CU_ASSERT_EQUAL(ike_crypto_dh_secret_len(16), 512);
	CU_ASSERT_EQUAL(ike_crypto_dh_secret_len(21), 66);
	CU_ASSERT_EQUAL(ike_crypto_dh_secret_len(2), -ENOTSUP);
}

static void
test_ike_crypto_v1_prf_from_hash_ids(void)
{
	CU_ASSERT_EQUAL(ike_crypto_v1_prf_from_hash(2), 2);
	CU_ASSERT_EQUAL(ike_crypto_v1_prf_from_hash(4), 5);
	CU_ASSERT_EQUAL(ike_crypto_v1_prf_from_hash(5), 6);
	CU_ASSERT_EQUAL(ike_crypto_v1_prf_from_hash(6), 7);
	CU_ASSERT_EQUAL(ike_crypto_v1_prf_from_hash(1), -ENOTSUP); /* MD5 */
	CU_ASSERT_EQUAL(ike_crypto_v1_prf_from_hash(3), -ENOTSUP); /* Tiger */
	CU_ASSERT_EQUAL(ike_crypto_v1_prf_from_hash(0), -ENOTSUP);
}

/* ---- random ---- */

static uint8_t hook_ctr;

static int
counting_random(uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = hook_ctr++;
	return 0;
}

static int
failing_random(uint8_t *buf, size_t len)
{
	(void)buf;
	(void)len;
	return -1;
}

static void
test_ike_crypto_random_hook(void)
{
	uint8_t a[32], b[32];

	CU_ASSERT_EQUAL(ike_crypto_random(a, sizeof(a)), 0);
	CU_ASSERT_EQUAL(ike_crypto_random(b, sizeof(b)), 0);
	CU_ASSERT(memcmp(a, b, sizeof(a)) != 0);
	CU_ASSERT_EQUAL(ike_crypto_random(NULL, 1), -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_random(NULL, 0), 0);

	hook_ctr = 0x10;
	ike_crypto_random_set_hook(counting_random);
	CU_ASSERT_EQUAL(ike_crypto_random(a, 4), 0);
	CU_ASSERT(a[0] == 0x10 && a[1] == 0x11 && a[2] == 0x12 && a[3] == 0x13);
	ike_crypto_random_set_hook(failing_random);
	CU_ASSERT_EQUAL(ike_crypto_random(a, 4), -EIO);
	CU_ASSERT_PTR_NULL(ike_crypto_dh_create(19));
	ike_crypto_random_set_hook(NULL);
	CU_ASSERT_EQUAL(ike_crypto_random(a, sizeof(a)), 0);
}

/* ---- PRF ---- */

static void
test_ike_crypto_prf_rfc_vectors(void)
{
	uint8_t key[BUF_MAX], data[BUF_MAX], mac[64], out[64];
	struct ike_crypto_chunk parts[3];
	size_t kl, dl, ml, cut;
	unsigned int count = 0;
	struct vec_file vf;
	struct vec_rec *r;
	int last, rc;
	long prf;

	if (!vec_begin(&vf, &r, "hmac.txt"))
		return;
	while ((last = vec_next(&vf, r)) == 1) {
		prf = vec_int(r, "prf");
		kl = vec_hex(r, "key", key, sizeof(key));
		dl = vec_hex(r, "data", data, sizeof(data));
		ml = vec_hex(r, "mac", mac, sizeof(mac));
		if (kl == SIZE_MAX || dl == SIZE_MAX || ml == SIZE_MAX)
			break;
		rc = ike_crypto_prf((uint16_t)prf, key, kl, data, dl, out, sizeof(out));
		CU_ASSERT_EQUAL(rc, (int)ml);
		CU_ASSERT(rc > 0 && same(vec_name(r), "prf", out, (size_t)rc, mac, ml));
		/* The same data fed in three pieces. */
		cut = dl / 3;
		parts[0] = (struct ike_crypto_chunk){ data, cut };
		parts[1] = (struct ike_crypto_chunk){ data + cut, 0 };
		parts[2] = (struct ike_crypto_chunk){ data + cut, dl - cut };
		memset(out, 0, sizeof(out));
		rc = ike_crypto_prf_vec((uint16_t)prf, key, kl, parts, 3, out, sizeof(out));
		CU_ASSERT(rc > 0 && same(vec_name(r), "prf_vec", out, (size_t)rc, mac, ml));
		count++;
	}
	/* RFC 2202: 7 cases; RFC 4231: 6 cases for each of three hashes. */
	vec_end(&vf, r, last, count, 25);
}

static void
test_ike_crypto_prf_bad_args(void)
{
	uint8_t key[20] = { 1 }, out[64];

	CU_ASSERT_EQUAL(ike_crypto_prf(1, key, sizeof(key), key, 1, out, sizeof(out)), -ENOTSUP);
	CU_ASSERT_EQUAL(ike_crypto_prf(8, key, sizeof(key), key, 1, out, sizeof(out)), -ENOTSUP);
	CU_ASSERT_EQUAL(ike_crypto_prf(5, key, sizeof(key), key, 1, out, 31), -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_prf(2, NULL, 4, key, 1, out, sizeof(out)), -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_prf(2, key, sizeof(key), NULL, 1, out, sizeof(out)), -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_prf(2, key, sizeof(key), key, 1, NULL, 64), -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_prf_vec(2, key, sizeof(key), NULL, 2, out, sizeof(out)),
	    -EINVAL);
	/* An empty key and empty data are legal HMAC inputs. */
	CU_ASSERT_EQUAL(ike_crypto_prf(5, NULL, 0, NULL, 0, out, sizeof(out)), 32);
}

/* prf+ written out by hand with OpenSSL's one-shot HMAC(): T(n) = HMAC(K, T(n-1) | S | n). */
static void
ref_prf_plus(uint16_t prf, const uint8_t *key, size_t klen, const uint8_t *seed, size_t slen,
    uint8_t *out, size_t outlen)
{
	uint8_t t[64], msg[64 + 256 + 1];
	unsigned int tl = 0, i;
	size_t off = 0, n;

	for (i = 1; off < outlen; i++) {
		n = 0;
		memcpy(msg, t, tl);
		n += tl;
		memcpy(msg + n, seed, slen);
		n += slen;
		msg[n++] = (uint8_t)i;
		HMAC(prf_md(prf), key, (int)klen, msg, n, t, &tl);
		n = outlen - off < tl ? outlen - off : tl;
		memcpy(out + off, t, n);
		off += n;
	}
}

static void
test_ike_crypto_prf_plus_independent(void)
{
	uint8_t key[48], seed[256], got[255 * 64 + 1], want[255 * 64];
	size_t lens[6], i, j;
	int pl;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(0xa0 + i);
	for (i = 0; i < sizeof(seed); i++)
		seed[i] = (uint8_t)(i * 7 + 3);
	for (i = 0; i < NELEM(all_prfs); i++) {
		pl = ike_crypto_prf_len(all_prfs[i]);
		lens[0] = 1;
		lens[1] = (size_t)pl - 1;
		lens[2] = (size_t)pl;
		lens[3] = (size_t)pl + 1;
		lens[4] = 3 * (size_t)pl + 2 * 32 + 2 * 36; /* an IKE SA's worth */
		lens[5] = 255 * (size_t)pl;                 /* the largest prf+ output */
		for (j = 0; j < NELEM(lens); j++) {
			memset(got, 0, sizeof(got));
			ref_prf_plus(all_prfs[i], key, sizeof(key), seed, sizeof(seed), want,
			    lens[j]);
			CU_ASSERT_EQUAL(ike_crypto_prf_plus(all_prfs[i], key, sizeof(key), seed,
			                    sizeof(seed), got, lens[j]),
			    0);
			CU_ASSERT(same("prf+", "output", got, lens[j], want, lens[j]));
		}
		/* RFC 7296 §2.13: the counter is one octet, 255 iterations at most. */
		CU_ASSERT_EQUAL(ike_crypto_prf_plus(all_prfs[i], key, sizeof(key), seed,
		                    sizeof(seed), got, 255 * (size_t)pl + 1),
		    -EINVAL);
		CU_ASSERT_EQUAL(ike_crypto_prf_plus(all_prfs[i], key, sizeof(key), seed,
		                    sizeof(seed), got, 0),
		    -EINVAL);
	}
	CU_ASSERT_EQUAL(ike_crypto_prf_plus(3, key, sizeof(key), seed, 8, got, 16), -ENOTSUP);
	CU_ASSERT_EQUAL(ike_crypto_prf_plus(2, key, sizeof(key), NULL, 8, got, 16), -EINVAL);
}

/* ---- IKEv2 key derivation ---- */

struct v2_vec {
	uint8_t ni[256], nr[256], gir[512], gir_new[512], spii[8], spir[8];
	uint8_t skeyseed[64], dkm[BUF_MAX], child[BUF_MAX], child_dh[BUF_MAX], rekey[64];
	size_t ni_len, nr_len, gir_len, gir_new_len, skeyseed_len, dkm_len, child_len, child_dh_len,
	    rekey_len;
	uint16_t prf;
};

static bool
v2_load(const struct vec_rec *r, struct v2_vec *v)
{
	v->prf = (uint16_t)vec_int(r, "prf");
	v->ni_len = vec_hex(r, "ni", v->ni, sizeof(v->ni));
	v->nr_len = vec_hex(r, "nr", v->nr, sizeof(v->nr));
	v->gir_len = vec_hex(r, "gir", v->gir, sizeof(v->gir));
	v->gir_new_len = vec_hex(r, "gir_new", v->gir_new, sizeof(v->gir_new));
	v->skeyseed_len = vec_hex(r, "skeyseed", v->skeyseed, sizeof(v->skeyseed));
	v->dkm_len = vec_hex(r, "dkm", v->dkm, sizeof(v->dkm));
	v->rekey_len = vec_hex(r, "skeyseed_rekey", v->rekey, sizeof(v->rekey));
	v->child_len = 0;
	v->child_dh_len = 0;
	if (vec_get(r, "dkm_child") != NULL)
		v->child_len = vec_hex(r, "dkm_child", v->child, sizeof(v->child));
	if (vec_get(r, "dkm_child_dh") != NULL)
		v->child_dh_len = vec_hex(r, "dkm_child_dh", v->child_dh, sizeof(v->child_dh));
	return v->ni_len != SIZE_MAX && v->nr_len != SIZE_MAX && v->gir_len != SIZE_MAX &&
	    v->gir_new_len != SIZE_MAX && v->skeyseed_len != SIZE_MAX && v->dkm_len != SIZE_MAX &&
	    v->rekey_len != SIZE_MAX && v->child_len != SIZE_MAX && v->child_dh_len != SIZE_MAX &&
	    vec_hex(r, "spii", v->spii, 8) == 8 && vec_hex(r, "spir", v->spir, 8) == 8;
}

static void
test_ike_crypto_v2_skeyseed_vectors(void)
{
	uint8_t out[64], seed[2 * 256 + 16], dkm[BUF_MAX];
	struct ike_crypto_v2_keys keys;
	unsigned int count = 0;
	struct vec_file vf;
	struct v2_vec *v;
	struct vec_rec *r;
	size_t pl, integ, encr, off;
	int last = -1, rc;

	v = calloc(1, sizeof(*v));
	if (v == NULL || !vec_begin(&vf, &r, "ikev2_kdf.txt")) {
		free(v);
		return;
	}
	while ((last = vec_next(&vf, r)) == 1) {
		if (!v2_load(r, v))
			break;
		pl = (size_t)ike_crypto_prf_len(v->prf);
		/* §2.14 SKEYSEED = prf(Ni | Nr, g^ir) */
		rc = ike_crypto_v2_skeyseed(v->prf, v->ni, v->ni_len, v->nr, v->nr_len, v->gir,
		    v->gir_len, out, sizeof(out));
		CU_ASSERT(rc > 0 &&
		    same(vec_name(r), "SKEYSEED", out, (size_t)rc, v->skeyseed, v->skeyseed_len));
		/* prf+(SKEYSEED, Ni | Nr | SPIi | SPIr): the DKM */
		memcpy(seed, v->ni, v->ni_len);
		memcpy(seed + v->ni_len, v->nr, v->nr_len);
		memcpy(seed + v->ni_len + v->nr_len, v->spii, 8);
		memcpy(seed + v->ni_len + v->nr_len + 8, v->spir, 8);
		rc = ike_crypto_prf_plus(v->prf, v->skeyseed, v->skeyseed_len, seed,
		    v->ni_len + v->nr_len + 16, dkm, v->dkm_len);
		CU_ASSERT(rc == 0 && same(vec_name(r), "DKM", dkm, v->dkm_len, v->dkm, v->dkm_len));
		/* The key split takes its keys from the same stream, in RFC 7296 order. */
		integ = pl;
		encr = 32;
		if (3 * pl + 2 * integ + 2 * encr <= v->dkm_len) {
			rc = ike_crypto_v2_keys_derive(v->prf, v->skeyseed, v->skeyseed_len, v->ni,
			    v->ni_len, v->nr, v->nr_len, v->spii, v->spir, integ, encr, &keys);
			CU_ASSERT_EQUAL(rc, 0);
			off = 0;
			CU_ASSERT(same(vec_name(r), "SK_d", keys.sk_d, pl, v->dkm + off, pl));
			off += pl;
			CU_ASSERT(
			    same(vec_name(r), "SK_ai", keys.sk_ai, integ, v->dkm + off, integ));
			off += integ;
			CU_ASSERT(
			    same(vec_name(r), "SK_ar", keys.sk_ar, integ, v->dkm + off, integ));
			off += integ;
			CU_ASSERT(same(vec_name(r), "SK_ei", keys.sk_ei, encr, v->dkm + off, encr));
			off += encr;
			CU_ASSERT(same(vec_name(r), "SK_er", keys.sk_er, encr, v->dkm + off, encr));
			off += encr;
			CU_ASSERT(same(vec_name(r), "SK_pi", keys.sk_pi, pl, v->dkm + off, pl));
			off += pl;
			CU_ASSERT(same(vec_name(r), "SK_pr", keys.sk_pr, pl, v->dkm + off, pl));
			CU_ASSERT(
			    keys.prf_len == pl && keys.integ_len == integ && keys.encr_len == encr);
			ike_crypto_v2_keys_fini(&keys);
			CU_ASSERT(all_zero((const uint8_t *)&keys, sizeof(keys)));
		}
		count++;
	}
	/* SHA-1 (2), SHA-256 (3), SHA-384, SHA-512. */
	vec_end(&vf, r, last, count, 7);
	free(v);
}

static void
test_ike_crypto_v2_child_keymat_vectors(void)
{
	uint8_t out[BUF_MAX];
	unsigned int count = 0, with_child = 0;
	struct vec_file vf;
	struct v2_vec *v;
	struct vec_rec *r;
	size_t pl;
	int last = -1, rc;

	v = calloc(1, sizeof(*v));
	if (v == NULL || !vec_begin(&vf, &r, "ikev2_kdf.txt")) {
		free(v);
		return;
	}
	while ((last = vec_next(&vf, r)) == 1) {
		if (!v2_load(r, v))
			break;
		/* SK_d is the first PRF-length bytes of the DKM. */
		pl = (size_t)ike_crypto_prf_len(v->prf);
		/* §2.18 SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr) */
		rc = ike_crypto_v2_skeyseed_rekey(v->prf, v->dkm, pl, v->gir_new, v->gir_new_len,
		    v->ni, v->ni_len, v->nr, v->nr_len, out, sizeof(out));
		CU_ASSERT(rc > 0 &&
		    same(vec_name(r), "SKEYSEED(rekey)", out, (size_t)rc, v->rekey, v->rekey_len));
		/* §2.17 KEYMAT = prf+(SK_d, Ni | Nr) and prf+(SK_d, g^ir (new) | Ni | Nr) */
		if (v->child_len > 0) {
			rc = ike_crypto_v2_child_keymat(v->prf, v->dkm, pl, NULL, 0, v->ni,
			    v->ni_len, v->nr, v->nr_len, out, v->child_len);
			CU_ASSERT(rc == 0 &&
			    same(vec_name(r), "DKM(Child SA)", out, v->child_len, v->child,
			        v->child_len));
			with_child++;
		}
		if (v->child_dh_len > 0) {
			rc = ike_crypto_v2_child_keymat(v->prf, v->dkm, pl, v->gir_new,
			    v->gir_new_len, v->ni, v->ni_len, v->nr, v->nr_len, out,
			    v->child_dh_len);
			CU_ASSERT(rc == 0 &&
			    same(vec_name(r), "DKM(Child SA D-H)", out, v->child_dh_len,
			        v->child_dh, v->child_dh_len));
		}
		count++;
	}
	vec_end(&vf, r, last, count, 7);
	CU_ASSERT(with_child >= 4);
	free(v);
}

static void
test_ike_crypto_v2_keys_derive_gcm(void)
{
	uint8_t skeyseed[32], ni[32], nr[32], spii[8], spir[8], seed[80], want[3 * 32 + 2 * 36];
	struct ike_crypto_v2_keys keys;
	size_t i;

	for (i = 0; i < sizeof(skeyseed); i++) {
		skeyseed[i] = (uint8_t)(i + 1);
		ni[i] = (uint8_t)(0x40 + i);
		nr[i] = (uint8_t)(0x80 + i);
	}
	for (i = 0; i < 8; i++) {
		spii[i] = (uint8_t)(0x11 * i);
		spir[i] = (uint8_t)(0xf0 - i);
	}
	memcpy(seed, ni, 32);
	memcpy(seed + 32, nr, 32);
	memcpy(seed + 64, spii, 8);
	memcpy(seed + 72, spir, 8);
	/* AES-256-GCM-16 with PRF_HMAC_SHA2_256: no SK_a, SK_e = 32 + 4 salt (RFC 5282 §7.1). */
	ref_prf_plus(5, skeyseed, sizeof(skeyseed), seed, sizeof(seed), want, sizeof(want));
	CU_ASSERT_EQUAL(ike_crypto_v2_keys_derive(5, skeyseed, sizeof(skeyseed), ni, sizeof(ni), nr,
	                    sizeof(nr), spii, spir, 0, (size_t)ike_crypto_encr_key_len(20, 256),
	                    &keys),
	    0);
	CU_ASSERT(keys.integ_len == 0 && keys.encr_len == 36 && keys.prf_len == 32);
	CU_ASSERT(same("gcm split", "SK_d", keys.sk_d, 32, want, 32));
	CU_ASSERT(same("gcm split", "SK_ei", keys.sk_ei, 36, want + 32, 36));
	CU_ASSERT(same("gcm split", "SK_er", keys.sk_er, 36, want + 68, 36));
	CU_ASSERT(same("gcm split", "SK_pi", keys.sk_pi, 32, want + 104, 32));
	CU_ASSERT(same("gcm split", "SK_pr", keys.sk_pr, 32, want + 136, 32));
	ike_crypto_v2_keys_fini(&keys);

	CU_ASSERT_EQUAL(ike_crypto_v2_keys_derive(5, skeyseed, sizeof(skeyseed), ni, sizeof(ni), nr,
	                    sizeof(nr), spii, spir, 65, 32, &keys),
	    -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_v2_keys_derive(5, skeyseed, sizeof(skeyseed), ni, sizeof(ni), nr,
	                    sizeof(nr), spii, spir, 32, 37, &keys),
	    -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_v2_keys_derive(5, skeyseed, sizeof(skeyseed), ni, sizeof(ni), nr,
	                    sizeof(nr), NULL, spir, 32, 32, &keys),
	    -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_v2_keys_derive(9, skeyseed, sizeof(skeyseed), ni, sizeof(ni), nr,
	                    sizeof(nr), spii, spir, 32, 32, &keys),
	    -ENOTSUP);
	CU_ASSERT_EQUAL(ike_crypto_v2_skeyseed(5, ni, 0, nr, 32, skeyseed, 32, seed, 32), -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_v2_skeyseed(5, ni, 32, nr, 32, skeyseed, 32, seed, 31), -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_v2_child_keymat(5, skeyseed, 32, NULL, 4, ni, 32, nr, 32, seed,
	                    8),
	    -EINVAL);
}

/* ---- IKEv1 key derivation ---- */

static void
test_ike_crypto_v1_skeyid_vectors(void)
{
	uint8_t ni[256], nr[256], gxy[512], psk[64], ckyi[8], ckyr[8], want[64], out[64];
	size_t nil, nrl, gl, pl, wl;
	struct ike_crypto_v1_keys keys;
	unsigned int count = 0, full = 0;
	const char *auth;
	struct vec_file vf;
	struct vec_rec *r;
	int last = -1, rc;
	uint16_t prf;

	if (!vec_begin(&vf, &r, "ikev1_kdf.txt"))
		return;
	while ((last = vec_next(&vf, r)) == 1) {
		prf = (uint16_t)vec_int(r, "prf");
		auth = vec_get(r, "auth");
		nil = vec_hex(r, "ni", ni, sizeof(ni));
		nrl = vec_hex(r, "nr", nr, sizeof(nr));
		wl = vec_hex(r, "skeyid", want, sizeof(want));
		if (auth == NULL || nil == SIZE_MAX || nrl == SIZE_MAX || wl == SIZE_MAX)
			break;
		if (strcmp(auth, "psk") == 0) {
			pl = vec_hex(r, "psk", psk, sizeof(psk));
			rc = ike_crypto_v1_skeyid_psk(prf, psk, pl, ni, nil, nr, nrl, out,
			    sizeof(out));
		} else {
			gl = vec_hex(r, "gxy", gxy, sizeof(gxy));
			rc = ike_crypto_v1_skeyid_sig(prf, ni, nil, nr, nrl, gxy, gl, out,
			    sizeof(out));
		}
		CU_ASSERT(rc > 0 && same(vec_name(r), "SKEYID", out, (size_t)rc, want, wl));
		if (vec_get(r, "skeyid_d") != NULL) {
			gl = vec_hex(r, "gxy", gxy, sizeof(gxy));
			CU_ASSERT(
			    vec_hex(r, "cky_i", ckyi, 8) == 8 && vec_hex(r, "cky_r", ckyr, 8) == 8);
			rc = ike_crypto_v1_keys_derive(prf, want, wl, gxy, gl, ckyi, ckyr, &keys);
			CU_ASSERT_EQUAL(rc, 0);
			wl = vec_hex(r, "skeyid_d", want, sizeof(want));
			CU_ASSERT(same(vec_name(r), "SKEYID_d", keys.skeyid_d, keys.len, want, wl));
			wl = vec_hex(r, "skeyid_a", want, sizeof(want));
			CU_ASSERT(same(vec_name(r), "SKEYID_a", keys.skeyid_a, keys.len, want, wl));
			wl = vec_hex(r, "skeyid_e", want, sizeof(want));
			CU_ASSERT(same(vec_name(r), "SKEYID_e", keys.skeyid_e, keys.len, want, wl));
			ike_crypto_v1_keys_fini(&keys);
			full++;
		}
		count++;
	}
	vec_end(&vf, r, last, count, 7);
	CU_ASSERT(full >= 4);
}

/* App. B written out by hand: K1 = HMAC(e, 0x00), Kn = HMAC(e, Kn-1). */
static void
ref_appb(uint16_t prf, const uint8_t *e, size_t elen, uint8_t *key, size_t klen)
{
	uint8_t k[64] = { 0 };
	unsigned int kl = 1; /* K0 is the single octet 0 */
	size_t off = 0, n;

	while (off < klen) {
		HMAC(prf_md(prf), e, (int)elen, k, kl, k, &kl);
		n = klen - off < kl ? klen - off : kl;
		memcpy(key + off, k, n);
		off += n;
	}
}

static void
test_ike_crypto_v1_enc_key_appb(void)
{
	uint8_t e[64], key[512], want[512];
	unsigned int count = 0;
	struct vec_file vf;
	struct vec_rec *r;
	size_t el, wl, i;
	int last = -1;

	/* HMAC-SHA1 SKEYID_e is 20 bytes; AES-256 wants 32: K1 | the first 12 bytes of K2. */
	for (i = 0; i < 20; i++)
		e[i] = (uint8_t)(0x5a ^ i);
	ref_appb(2, e, 20, want, 32);
	CU_ASSERT_EQUAL(ike_crypto_v1_enc_key(2, e, 20, key, 32), 0);
	CU_ASSERT(same("App. B", "AES-256 key from SHA-1 SKEYID_e", key, 32, want, 32));
	/* Long enough: the key is SKEYID_e's first bytes (AES-128 from SHA-1). */
	CU_ASSERT_EQUAL(ike_crypto_v1_enc_key(2, e, 20, key, 16), 0);
	CU_ASSERT(same("App. B", "AES-128 key", key, 16, e, 16));
	CU_ASSERT_EQUAL(ike_crypto_v1_enc_key(2, e, 20, key, 20), 0);
	CU_ASSERT(same("App. B", "exact length", key, 20, e, 20));
	CU_ASSERT_EQUAL(ike_crypto_v1_enc_key(2, e, 20, key, 0), -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_v1_enc_key(1, e, 20, key, 32), -ENOTSUP);

	if (!vec_begin(&vf, &r, "ikev1_appb.txt"))
		return;
	while ((last = vec_next(&vf, r)) == 1) {
		el = vec_hex(r, "skeyid_e", e, sizeof(e));
		wl = vec_hex(r, "key", want, sizeof(want));
		if (el == SIZE_MAX || wl == SIZE_MAX)
			break;
		CU_ASSERT_EQUAL(ike_crypto_v1_enc_key((uint16_t)vec_int(r, "prf"), e, el, key, wl),
		    0);
		CU_ASSERT(same(vec_name(r), "key", key, wl, want, wl));
		count++;
	}
	vec_end(&vf, r, last, count, 3);
}

/*
 * One whole IKEv1 main mode (pre-shared key, MODP 2048, HMAC-SHA1, AES-256)
 * and a quick mode, each value recomputed here by concatenating buffers by
 * hand and calling OpenSSL's HMAC() and SHA1() directly.
 */
static void
test_ike_crypto_v1_full_derivation(void)
{
	static const uint8_t psk[] = "a pre-shared key";
	uint8_t xi[32], xr[32], gxi[256], gxr[256], gxy[256], gxy2[256], ni[16], nr[20];
	uint8_t ckyi[8], ckyr[8], sai[40], idii[12], idir[12], spi[4] = { 0xc0, 0xff, 0xee, 0x01 };
	uint8_t msg[1024], skeyid[20], d[20], a[20], e[20], key[32], key_ref[32], h[20], out[64];
	uint8_t iv[16], last_block[16], keymat[100], keymat_ref[100], k[20];
	struct ike_crypto_dh *dhi, *dhr;
	struct ike_crypto_v1_keys keys;
	struct ike_crypto_v1_hash_prm hp;
	struct ike_crypto_v1_qm_prm qp;
	unsigned int hl;
	size_t n, i, off;
	int pfs;

	for (i = 0; i < sizeof(xi); i++) {
		xi[i] = (uint8_t)(0x21 + 3 * i);
		xr[i] = (uint8_t)(0x99 - i);
	}
	for (i = 0; i < sizeof(ni); i++)
		ni[i] = (uint8_t)(0x30 + i);
	for (i = 0; i < sizeof(nr); i++)
		nr[i] = (uint8_t)(0x70 + i);
	for (i = 0; i < 8; i++) {
		ckyi[i] = (uint8_t)(0xa1 + i);
		ckyr[i] = (uint8_t)(0x1b + i);
	}
	memset(sai, 0x5a, sizeof(sai));
	memset(idii, 0x01, sizeof(idii));
	memset(idir, 0x02, sizeof(idir));
	memset(last_block, 0xbc, sizeof(last_block));

	dhi = ike_crypto_dh_create_from_private(14, xi, sizeof(xi));
	dhr = ike_crypto_dh_create_from_private(14, xr, sizeof(xr));
	CU_ASSERT_FATAL(dhi != NULL && dhr != NULL);
	CU_ASSERT_EQUAL(ike_crypto_dh_public(dhi, gxi, sizeof(gxi)), 256);
	CU_ASSERT_EQUAL(ike_crypto_dh_public(dhr, gxr, sizeof(gxr)), 256);
	CU_ASSERT_EQUAL(ike_crypto_dh_shared(dhi, gxr, sizeof(gxr), gxy, sizeof(gxy)), 256);
	CU_ASSERT_EQUAL(ike_crypto_dh_shared(dhr, gxi, sizeof(gxi), gxy2, sizeof(gxy2)), 256);
	CU_ASSERT(same("v1", "g^xy both sides", gxy, 256, gxy2, 256));

	/* SKEYID = prf(pre-shared-key, Ni_b | Nr_b) */
	n = 0;
	n = put(msg, n, ni, sizeof(ni));
	n = put(msg, n, nr, sizeof(nr));
	HMAC(EVP_sha1(), psk, sizeof(psk) - 1, msg, n, skeyid, &hl);
	CU_ASSERT_EQUAL(ike_crypto_v1_skeyid_psk(2, psk, sizeof(psk) - 1, ni, sizeof(ni), nr,
	                    sizeof(nr), out, sizeof(out)),
	    20);
	CU_ASSERT(same("v1", "SKEYID", out, 20, skeyid, 20));

	/* SKEYID_d, _a, _e */
	n = 0;
	n = put(msg, n, gxy, 256);
	n = put(msg, n, ckyi, 8);
	n = put(msg, n, ckyr, 8);
	msg[n++] = 0;
	HMAC(EVP_sha1(), skeyid, 20, msg, n, d, &hl);
	n = 0;
	n = put(msg, n, d, 20);
	n = put(msg, n, gxy, 256);
	n = put(msg, n, ckyi, 8);
	n = put(msg, n, ckyr, 8);
	msg[n++] = 1;
	HMAC(EVP_sha1(), skeyid, 20, msg, n, a, &hl);
	memcpy(msg, a, 20);
	msg[n - 1] = 2;
	HMAC(EVP_sha1(), skeyid, 20, msg, n, e, &hl);
	CU_ASSERT_EQUAL(ike_crypto_v1_keys_derive(2, skeyid, 20, gxy, 256, ckyi, ckyr, &keys), 0);
	CU_ASSERT(keys.len == 20);
	CU_ASSERT(same("v1", "SKEYID_d", keys.skeyid_d, 20, d, 20));
	CU_ASSERT(same("v1", "SKEYID_a", keys.skeyid_a, 20, a, 20));
	CU_ASSERT(same("v1", "SKEYID_e", keys.skeyid_e, 20, e, 20));

	/* App. B: a 32-byte AES-256 key from the 20-byte SKEYID_e. */
	HMAC(EVP_sha1(), e, 20, (const uint8_t[]){ 0 }, 1, k, &hl);
	memcpy(key_ref, k, 20);
	HMAC(EVP_sha1(), e, 20, k, 20, k, &hl);
	memcpy(key_ref + 20, k, 12);
	CU_ASSERT_EQUAL(ike_crypto_v1_enc_key(2, keys.skeyid_e, keys.len, key, sizeof(key)), 0);
	CU_ASSERT(same("v1", "App. B key", key, 32, key_ref, 32));

	/* Phase-1 IV = SHA1(g^xi | g^xr), first 16 bytes. */
	memcpy(msg, gxi, 256);
	memcpy(msg + 256, gxr, 256);
	SHA1(msg, 512, h);
	CU_ASSERT_EQUAL(ike_crypto_v1_iv_phase1(2, gxi, 256, gxr, 256, iv, sizeof(iv)), 0);
	CU_ASSERT(same("v1", "phase-1 IV", iv, 16, h, 16));
	CU_ASSERT_EQUAL(ike_crypto_v1_iv_phase1(2, gxi, 256, gxr, 256, iv, 21), -EINVAL);

	/* HASH_I and HASH_R */
	hp = (struct ike_crypto_v1_hash_prm){ .skeyid = skeyid,
		.skeyid_len = 20,
		.gxi = gxi,
		.gxi_len = 256,
		.gxr = gxr,
		.gxr_len = 256,
		.cky_i = ckyi,
		.cky_r = ckyr,
		.sai_b = sai,
		.sai_len = sizeof(sai),
		.id_b = idii,
		.id_len = sizeof(idii) };
	n = 0;
	n = put(msg, n, gxi, 256);
	n = put(msg, n, gxr, 256);
	n = put(msg, n, ckyi, 8);
	n = put(msg, n, ckyr, 8);
	n = put(msg, n, sai, sizeof(sai));
	n = put(msg, n, idii, sizeof(idii));
	HMAC(EVP_sha1(), skeyid, 20, msg, n, h, &hl);
	CU_ASSERT_EQUAL(ike_crypto_v1_auth_hash(2, &hp, false, out, sizeof(out)), 20);
	CU_ASSERT(same("v1", "HASH_I", out, 20, h, 20));
	hp.id_b = idir;
	n = 0;
	n = put(msg, n, gxr, 256);
	n = put(msg, n, gxi, 256);
	n = put(msg, n, ckyr, 8);
	n = put(msg, n, ckyi, 8);
	n = put(msg, n, sai, sizeof(sai));
	n = put(msg, n, idir, sizeof(idir));
	HMAC(EVP_sha1(), skeyid, 20, msg, n, h, &hl);
	CU_ASSERT_EQUAL(ike_crypto_v1_auth_hash(2, &hp, true, out, sizeof(out)), 20);
	CU_ASSERT(same("v1", "HASH_R", out, 20, h, 20));
	hp.sai_b = NULL;
	CU_ASSERT_EQUAL(ike_crypto_v1_auth_hash(2, &hp, true, out, sizeof(out)), -EINVAL);

	/* Phase-2 IV = SHA1(last phase-1 block | M-ID), M-ID big-endian. */
	memcpy(msg, last_block, 16);
	msg[16] = 0x12;
	msg[17] = 0x34;
	msg[18] = 0x56;
	msg[19] = 0x78;
	SHA1(msg, 20, h);
	CU_ASSERT_EQUAL(ike_crypto_v1_iv_phase2(2, last_block, 16, 0x12345678u, iv, 16), 0);
	CU_ASSERT(same("v1", "phase-2 IV", iv, 16, h, 16));

	/* Quick-mode KEYMAT, with and without PFS: 100 bytes = K1 .. K5. */
	for (pfs = 0; pfs < 2; pfs++) {
		off = 0;
		hl = 0;
		while (off < sizeof(keymat_ref)) {
			n = 0;
			n = put(msg, n, k, hl);
			if (pfs)
				n = put(msg, n, gxy2, 256);
			msg[n++] = 3; /* PROTO_IPSEC_ESP */
			n = put(msg, n, spi, 4);
			n = put(msg, n, ni, sizeof(ni));
			n = put(msg, n, nr, sizeof(nr));
			HMAC(EVP_sha1(), keys.skeyid_d, 20, msg, n, k, &hl);
			i = sizeof(keymat_ref) - off < hl ? sizeof(keymat_ref) - off : hl;
			memcpy(keymat_ref + off, k, i);
			off += i;
		}
		qp = (struct ike_crypto_v1_qm_prm){ .skeyid_d = keys.skeyid_d,
			.skeyid_d_len = keys.len,
			.gqm = pfs ? gxy2 : NULL,
			.gqm_len = pfs ? 256 : 0,
			.protocol = 3,
			.spi = spi,
			.spi_len = sizeof(spi),
			.ni = ni,
			.ni_len = sizeof(ni),
			.nr = nr,
			.nr_len = sizeof(nr) };
		CU_ASSERT_EQUAL(ike_crypto_v1_qm_keymat(2, &qp, keymat, sizeof(keymat)), 0);
		CU_ASSERT(same("v1", pfs ? "QM KEYMAT (PFS)" : "QM KEYMAT", keymat, sizeof(keymat),
		    keymat_ref, sizeof(keymat_ref)));
	}
	CU_ASSERT_EQUAL(ike_crypto_v1_qm_keymat(2, &qp, keymat, 0), -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_v1_qm_keymat(2, &qp, keymat, 255 * 20 + 1), -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_v1_qm_keymat(1, &qp, keymat, 16), -ENOTSUP);
	ike_crypto_v1_keys_fini(&keys);
	CU_ASSERT(all_zero((const uint8_t *)&keys, sizeof(keys)));
	ike_crypto_dh_destroy(dhi);
	ike_crypto_dh_destroy(dhr);
}

/* ---- Diffie-Hellman: published vectors ---- */

static void
test_ike_crypto_dh_shared_rfc_vectors(void)
{
	uint8_t pi[66], pr[66], pubi[132], pubr[132], shared[66], out[512], pub[512];
	size_t pil, prl, pubil, pubrl, sl;
	struct ike_crypto_dh *di, *dr;
	unsigned int count = 0, groups = 0;
	struct vec_file vf;
	struct vec_rec *r;
	int last = -1, rc;
	uint16_t g;

	if (!vec_begin(&vf, &r, "dh.txt"))
		return;
	while ((last = vec_next(&vf, r)) == 1) {
		g = (uint16_t)vec_int(r, "group");
		pil = vec_hex(r, "priv_i", pi, sizeof(pi));
		prl = vec_hex(r, "priv_r", pr, sizeof(pr));
		pubil = vec_hex(r, "pub_i", pubi, sizeof(pubi));
		pubrl = vec_hex(r, "pub_r", pubr, sizeof(pubr));
		sl = vec_hex(r, "shared", shared, sizeof(shared));
		if (pil == SIZE_MAX || prl == SIZE_MAX || pubil == SIZE_MAX || pubrl == SIZE_MAX ||
		    sl == SIZE_MAX)
			break;
		di = ike_crypto_dh_create_from_private(g, pi, pil);
		dr = ike_crypto_dh_create_from_private(g, pr, prl);
		CU_ASSERT_FATAL(di != NULL && dr != NULL);
		CU_ASSERT_EQUAL(ike_crypto_dh_group(di), g);
		/* Our KE data in wire format, from the private key alone. */
		rc = ike_crypto_dh_public(di, pub, sizeof(pub));
		CU_ASSERT(rc > 0 && same(vec_name(r), "pub_i", pub, (size_t)rc, pubi, pubil));
		rc = ike_crypto_dh_public(dr, pub, sizeof(pub));
		CU_ASSERT(rc > 0 && same(vec_name(r), "pub_r", pub, (size_t)rc, pubr, pubrl));
		CU_ASSERT_EQUAL(ike_crypto_dh_public(dr, pub, pubrl - 1), -EINVAL);
		/* Both directions. */
		rc = ike_crypto_dh_shared(di, pubr, pubrl, out, sizeof(out));
		CU_ASSERT(rc > 0 && same(vec_name(r), "shared (i)", out, (size_t)rc, shared, sl));
		rc = ike_crypto_dh_shared(dr, pubi, pubil, out, sizeof(out));
		CU_ASSERT(rc > 0 && same(vec_name(r), "shared (r)", out, (size_t)rc, shared, sl));
		CU_ASSERT_EQUAL(ike_crypto_dh_shared(dr, pubi, pubil, out, sl - 1), -EINVAL);
		ike_crypto_dh_destroy(di);
		ike_crypto_dh_destroy(dr);
		groups |= 1u << (g - 16);
		count++;
	}
	vec_end(&vf, r, last, count, 6);
	/* Groups 19, 20, 21, 31 and 32 were all seen. */
	CU_ASSERT_EQUAL(groups, (1u << 3) | (1u << 4) | (1u << 5) | (1u << 15) | (1u << 16));
}

static void
test_ike_crypto_dh_shared_rfc7748_function(void)
{
	uint8_t scalar[56], u[56], want[56], out[56], k[56], uu[56];
	struct ike_crypto_dh *dh;
	unsigned int count = 0, iter;
	struct vec_file vf;
	struct vec_rec *r;
	size_t sl, ul, wl, n;
	long iterations;
	int last = -1, rc = 0;
	uint16_t g;

	if (!vec_begin(&vf, &r, "xdh.txt"))
		return;
	while ((last = vec_next(&vf, r)) == 1) {
		g = (uint16_t)vec_int(r, "group");
		n = g == 31 ? 32 : 56;
		wl = vec_hex(r, "out", want, sizeof(want));
		iterations = vec_int(r, "iterations");
		if (wl != n)
			break;
		if (iterations < 0) {
			/* §5.2 test vectors: X(scalar, u) = out. */
			sl = vec_hex(r, "scalar", scalar, sizeof(scalar));
			ul = vec_hex(r, "u", u, sizeof(u));
			dh = ike_crypto_dh_create_from_private(g, scalar, sl);
			CU_ASSERT_FATAL(dh != NULL);
			rc = ike_crypto_dh_shared(dh, u, ul, out, sizeof(out));
			CU_ASSERT(rc > 0 && same(vec_name(r), "out", out, (size_t)rc, want, wl));
			ike_crypto_dh_destroy(dh);
		} else {
			/* §5.2 iterated: k = u = base point; k, u = X(k, u), k. */
			memset(k, 0, sizeof(k));
			k[0] = g == 31 ? 9 : 5;
			memcpy(uu, k, n);
			for (iter = 0; iter < (unsigned int)iterations; iter++) {
				dh = ike_crypto_dh_create_from_private(g, k, n);
				CU_ASSERT_FATAL(dh != NULL);
				rc = ike_crypto_dh_shared(dh, uu, n, out, sizeof(out));
				ike_crypto_dh_destroy(dh);
				if (rc != (int)n)
					break;
				memcpy(uu, k, n);
				memcpy(k, out, n);
			}
			CU_ASSERT_EQUAL(rc, (int)n);
			CU_ASSERT(same(vec_name(r), "k", k, n, want, wl));
		}
		count++;
	}
	vec_end(&vf, r, last, count, 8);
}

/* ---- Diffie-Hellman: MODP ---- */

static BIGNUM *
rfc3526_prime(uint16_t group)
{
	switch (group) {
	case 14:
		return BN_get_rfc3526_prime_2048(NULL);
	case 15:
		return BN_get_rfc3526_prime_3072(NULL);
	default:
		return BN_get_rfc3526_prime_4096(NULL);
	}
}

static void
test_ike_crypto_dh_shared_modp_roundtrip(void)
{
	static const uint16_t groups[] = { 14, 15, 16 };
	uint8_t pa[512], pb[512], sa[512], sb[512], x[40], ref[512];
	struct ike_crypto_dh *a, *b, *c;
	BIGNUM *p, *bx, *by, *two;
	BN_CTX *bn;
	size_t i, len;

	for (i = 0; i < NELEM(groups); i++) {
		len = (size_t)ike_crypto_dh_public_len(groups[i]);
		CU_ASSERT_EQUAL(len, 256 + 128 * i);
		/* Two fresh key pairs agree on a secret of the prime's length. */
		a = ike_crypto_dh_create(groups[i]);
		b = ike_crypto_dh_create(groups[i]);
		CU_ASSERT_FATAL(a != NULL && b != NULL);
		CU_ASSERT_EQUAL(ike_crypto_dh_public(a, pa, sizeof(pa)), (int)len);
		CU_ASSERT_EQUAL(ike_crypto_dh_public(b, pb, sizeof(pb)), (int)len);
		CU_ASSERT(memcmp(pa, pb, len) != 0);
		CU_ASSERT_EQUAL(ike_crypto_dh_shared(a, pb, len, sa, sizeof(sa)), (int)len);
		CU_ASSERT_EQUAL(ike_crypto_dh_shared(b, pa, len, sb, sizeof(sb)), (int)len);
		CU_ASSERT(same("modp", "shared", sa, len, sb, len));
		CU_ASSERT(!all_zero(sa, len));

		/* A fixed exponent: g^x mod p and (g^y)^x mod p recomputed with BIGNUM. */
		memset(x, 0x7b, sizeof(x));
		x[0] = 0x01;
		c = ike_crypto_dh_create_from_private(groups[i], x, sizeof(x));
		CU_ASSERT_FATAL(c != NULL);
		bn = BN_CTX_new();
		p = rfc3526_prime(groups[i]);
		bx = BN_bin2bn(x, sizeof(x), NULL);
		by = BN_new();
		two = BN_new();
		CU_ASSERT_FATAL(bn != NULL && p != NULL && bx != NULL && by != NULL && two != NULL);
		BN_set_word(two, 2);
		BN_mod_exp(by, two, bx, p, bn);
		BN_bn2binpad(by, ref, (int)len);
		CU_ASSERT_EQUAL(ike_crypto_dh_public(c, pa, sizeof(pa)), (int)len);
		CU_ASSERT(same("modp", "g^x", pa, len, ref, len));
		BN_bin2bn(pb, (int)len, by);
		BN_mod_exp(by, by, bx, p, bn);
		BN_bn2binpad(by, ref, (int)len);
		CU_ASSERT_EQUAL(ike_crypto_dh_shared(c, pb, len, sa, sizeof(sa)), (int)len);
		CU_ASSERT(same("modp", "(g^y)^x", sa, len, ref, len));
		BN_free(two);
		BN_free(by);
		BN_free(bx);
		BN_free(p);
		BN_CTX_free(bn);
		ike_crypto_dh_destroy(a);
		ike_crypto_dh_destroy(b);
		ike_crypto_dh_destroy(c);
	}
}

static void
test_ike_crypto_dh_shared_modp_leading_zero(void)
{
	/* Exponents picked (offline, by search) so that g^xy mod p starts with a zero byte. */
	uint8_t xa[32], xb[32], pa[256], pb[256], sa[256], sb[256], ref[256];
	struct ike_crypto_dh *a, *b;
	BIGNUM *p, *e, *bxa, *bxb, *two;
	BN_CTX *bn;

	memset(xa, 0x11, sizeof(xa));
	memset(xb, 0x22, sizeof(xb));
	xb[31] = 0x01;
	a = ike_crypto_dh_create_from_private(14, xa, sizeof(xa));
	b = ike_crypto_dh_create_from_private(14, xb, sizeof(xb));
	CU_ASSERT_FATAL(a != NULL && b != NULL);
	CU_ASSERT_EQUAL(ike_crypto_dh_public(a, pa, sizeof(pa)), 256);
	CU_ASSERT_EQUAL(ike_crypto_dh_public(b, pb, sizeof(pb)), 256);
	/* RFC 7296 §2.14: g^ir is the prime's length, leading zeros kept. */
	CU_ASSERT_EQUAL(ike_crypto_dh_shared(a, pb, 256, sa, sizeof(sa)), 256);
	CU_ASSERT_EQUAL(ike_crypto_dh_shared(b, pa, 256, sb, sizeof(sb)), 256);
	bn = BN_CTX_new();
	p = BN_get_rfc3526_prime_2048(NULL);
	bxa = BN_bin2bn(xa, sizeof(xa), NULL);
	bxb = BN_bin2bn(xb, sizeof(xb), NULL);
	e = BN_new();
	two = BN_new();
	CU_ASSERT_FATAL(
	    bn != NULL && p != NULL && bxa != NULL && bxb != NULL && e != NULL && two != NULL);
	BN_set_word(two, 2);
	BN_mul(e, bxa, bxb, bn);
	BN_mod_exp(e, two, e, p, bn);
	BN_bn2binpad(e, ref, sizeof(ref));
	CU_ASSERT(ref[0] == 0 && sa[0] == 0);
	CU_ASSERT(same("modp", "g^xy (a)", sa, 256, ref, 256));
	CU_ASSERT(same("modp", "g^xy (b)", sb, 256, ref, 256));
	BN_free(two);
	BN_free(e);
	BN_free(bxb);
	BN_free(bxa);
	BN_free(p);
	BN_CTX_free(bn);
	ike_crypto_dh_destroy(a);
	ike_crypto_dh_destroy(b);
}

static void
test_ike_crypto_dh_shared_modp_rejects(void)
{
	uint8_t peer[513], out[512], good[256];
	struct ike_crypto_dh *dh, *other;
	BIGNUM *p;

	dh = ike_crypto_dh_create(14);
	other = ike_crypto_dh_create(14);
	p = BN_get_rfc3526_prime_2048(NULL);
	CU_ASSERT_FATAL(dh != NULL && other != NULL && p != NULL);
	CU_ASSERT_EQUAL(ike_crypto_dh_public(other, good, sizeof(good)), 256);
	CU_ASSERT_EQUAL(ike_crypto_dh_shared(dh, good, 256, out, sizeof(out)), 256);

	/* RFC 6989 §2.1: 0, 1, p-1, p and above are refused. */
	memset(peer, 0, 256);
	CU_ASSERT_EQUAL(ike_crypto_dh_shared(dh, peer, 256, out, sizeof(out)), -EINVAL);
	CU_ASSERT(all_zero(out, sizeof(out)));
	peer[255] = 1;
	CU_ASSERT_EQUAL(ike_crypto_dh_shared(dh, peer, 256, out, sizeof(out)), -EINVAL);
	BN_bn2binpad(p, peer, 256);
	CU_ASSERT_EQUAL(ike_crypto_dh_shared(dh, peer, 256, out, sizeof(out)), -EINVAL);
	BN_sub_word(p, 1);
	BN_bn2binpad(p, peer, 256);
	CU_ASSERT_EQUAL(ike_crypto_dh_shared(dh, peer, 256, out, sizeof(out)), -EINVAL);
	BN_add_word(p, 2);
	BN_bn2binpad(p, peer, 256);
	CU_ASSERT_EQUAL(ike_crypto_dh_shared(dh, peer, 256, out, sizeof(out)), -EINVAL);
	memset(peer, 0xff, 256);
	CU_ASSERT_EQUAL(ike_crypto_dh_shared(dh, peer, 256, out, sizeof(out)), -EINVAL);
	/* 2 is a valid element (the generator). */
	memset(peer, 0, 256);
	peer[255] = 2;
	CU_ASSERT_EQUAL(ike_crypto_dh_shared(dh, peer, 256, out, sizeof(out)), 256);

	/* RFC 7296 §3.4: the KE data must have the group's length. */
	memset(peer, 0, sizeof(peer));
	memcpy(peer + 1, good, 256);
	CU_ASSERT_EQUAL(ike_crypto_dh_shared(dh, peer, 257, out, sizeof(out)), -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_dh_shared(dh, good + 1, 255, out, sizeof(out)), -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_dh_shared(dh, good, 0, out, sizeof(out)), -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_dh_shared(dh, good, 256, out, 255), -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_dh_shared(dh, NULL, 256, out, sizeof(out)), -EINVAL);
	BN_free(p);
	ike_crypto_dh_destroy(dh);
	ike_crypto_dh_destroy(other);
}

/* ---- Diffie-Hellman: ECP and curve25519/448 rejections ---- */

static void
test_ike_crypto_dh_shared_ecp_rejects(void)
{
	static const uint16_t groups[] = { 19, 20, 21 };
	uint8_t pub[132], bad[133], out[66], priv[66];
	struct ike_crypto_dh *a, *b;
	size_t i, len, fl;

	for (i = 0; i < NELEM(groups); i++) {
		len = (size_t)ike_crypto_dh_public_len(groups[i]);
		fl = len / 2;
		a = ike_crypto_dh_create(groups[i]);
		b = ike_crypto_dh_create(groups[i]);
		CU_ASSERT_FATAL(a != NULL && b != NULL);
		CU_ASSERT_EQUAL(ike_crypto_dh_public(b, pub, sizeof(pub)), (int)len);
		CU_ASSERT_EQUAL(ike_crypto_dh_shared(a, pub, len, out, sizeof(out)), (int)fl);
		/* RFC 6989 §2.3: y changed, the point is off the curve. */
		memcpy(bad, pub, len);
		bad[len - 1] ^= 0x01;
		CU_ASSERT_EQUAL(ike_crypto_dh_shared(a, bad, len, out, sizeof(out)), -EINVAL);
		CU_ASSERT(all_zero(out, sizeof(out)));
		/* (0, 0): no point of these curves, the usual stand-in for infinity. */
		memset(bad, 0, len);
		CU_ASSERT_EQUAL(ike_crypto_dh_shared(a, bad, len, out, sizeof(out)), -EINVAL);
		/* x = p - 1 (all ones except P-521's top bits): coordinates out of range or off the curve. */
		memset(bad, 0xff, len);
		CU_ASSERT_EQUAL(ike_crypto_dh_shared(a, bad, len, out, sizeof(out)), -EINVAL);
		/* Wrong lengths, and the X9.62 form with its 0x04 octet. */
		CU_ASSERT_EQUAL(ike_crypto_dh_shared(a, pub, len - 1, out, sizeof(out)), -EINVAL);
		bad[0] = 0x04;
		memcpy(bad + 1, pub, len);
		CU_ASSERT_EQUAL(ike_crypto_dh_shared(a, bad, len + 1, out, sizeof(out)), -EINVAL);
		CU_ASSERT_EQUAL(ike_crypto_dh_shared(a, pub, fl, out, sizeof(out)), -EINVAL);
		ike_crypto_dh_destroy(a);
		ike_crypto_dh_destroy(b);

		/* Private scalars: 0 and n-or-more refused, too long refused. */
		memset(priv, 0, sizeof(priv));
		CU_ASSERT_PTR_NULL(ike_crypto_dh_create_from_private(groups[i], priv, fl));
		memset(priv, 0xff, sizeof(priv));
		CU_ASSERT_PTR_NULL(ike_crypto_dh_create_from_private(groups[i], priv, fl));
		priv[0] = 0;
		CU_ASSERT_PTR_NULL(ike_crypto_dh_create_from_private(groups[i], priv, fl + 1));
	}
}

static void
test_ike_crypto_dh_shared_x25519_low_order(void)
{
	/* RFC 7748 §6.1 / RFC 8031 §2.3: points of small order give an all-zero secret. */
	static const char *const x25519_bad[] = {
		"0000000000000000000000000000000000000000000000000000000000000000", /* 0 */
		"0100000000000000000000000000000000000000000000000000000000000000", /* 1 */
		"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800", /* order 8 */
		"5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157", /* order 8 */
		"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", /* p - 1 */
		"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", /* p */
	};
	static const char *const x448_bad[] = {
		"0000000000000000000000000000000000000000000000000000000000000000"
		"000000000000000000000000000000000000000000000000", /* 0 */
		"0100000000000000000000000000000000000000000000000000000000000000"
		"000000000000000000000000000000000000000000000000", /* 1 */
		"fefffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffff"
		"ffffffffffffffffffffffffffffffffffffffffffffffff", /* p - 1 */
	};
	uint8_t peer[57], out[56], good[56];
	struct ike_crypto_dh *dh, *other;
	size_t i;

	dh = ike_crypto_dh_create(31);
	other = ike_crypto_dh_create(31);
	CU_ASSERT_FATAL(dh != NULL && other != NULL);
	for (i = 0; i < NELEM(x25519_bad); i++) {
		CU_ASSERT_FATAL(unhex(x25519_bad[i], peer, sizeof(peer)) == 32);
		memset(out, 0xaa, sizeof(out));
		CU_ASSERT_EQUAL(ike_crypto_dh_shared(dh, peer, 32, out, sizeof(out)), -EINVAL);
		CU_ASSERT(all_zero(out, sizeof(out)));
	}
	CU_ASSERT_EQUAL(ike_crypto_dh_public(other, good, sizeof(good)), 32);
	CU_ASSERT_EQUAL(ike_crypto_dh_shared(dh, good, 32, out, sizeof(out)), 32);
	CU_ASSERT_EQUAL(ike_crypto_dh_shared(dh, good, 31, out, sizeof(out)), -EINVAL);
	memcpy(peer, good, 32);
	peer[32] = 0;
	CU_ASSERT_EQUAL(ike_crypto_dh_shared(dh, peer, 33, out, sizeof(out)), -EINVAL);
	/* Raw private keys have exactly the curve's length. */
	CU_ASSERT_PTR_NULL(ike_crypto_dh_create_from_private(31, good, 31));
	CU_ASSERT_PTR_NULL(ike_crypto_dh_create_from_private(31, peer, 33));
	ike_crypto_dh_destroy(dh);
	ike_crypto_dh_destroy(other);

	dh = ike_crypto_dh_create(32);
	CU_ASSERT_FATAL(dh != NULL);
	for (i = 0; i < NELEM(x448_bad); i++) {
		CU_ASSERT_FATAL(unhex(x448_bad[i], peer, sizeof(peer)) == 56);
		CU_ASSERT_EQUAL(ike_crypto_dh_shared(dh, peer, 56, out, sizeof(out)), -EINVAL);
	}
	CU_ASSERT_EQUAL(ike_crypto_dh_shared(dh, peer, 55, out, sizeof(out)), -EINVAL);
	ike_crypto_dh_destroy(dh);
}

static void
test_ike_crypto_dh_create_unsupported(void)
{
	static const uint16_t bad[] = { 0, 1, 2, 5, 17, 22, 23, 24, 25, 26, 27, 28, 30, 33, 65535 };
	uint8_t priv[600] = { 1 };
	size_t i;

	for (i = 0; i < NELEM(bad); i++) {
		CU_ASSERT_PTR_NULL(ike_crypto_dh_create(bad[i]));
		CU_ASSERT_PTR_NULL(ike_crypto_dh_create_from_private(bad[i], priv, 32));
		CU_ASSERT_EQUAL(ike_crypto_dh_public_len(bad[i]), -ENOTSUP);
	}
	/* MODP exponents: 0 refused, longer than the prime refused. */
	memset(priv, 0, sizeof(priv));
	CU_ASSERT_PTR_NULL(ike_crypto_dh_create_from_private(14, priv, 32));
	priv[0] = 1;
	CU_ASSERT_PTR_NULL(ike_crypto_dh_create_from_private(14, priv, 257));
	CU_ASSERT_PTR_NULL(ike_crypto_dh_create_from_private(14, priv, 0));
	CU_ASSERT_PTR_NULL(ike_crypto_dh_create_from_private(14, NULL, 32));
	ike_crypto_dh_destroy(NULL);
	CU_ASSERT_EQUAL(ike_crypto_dh_public(NULL, priv, sizeof(priv)), -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_dh_shared(NULL, priv, 32, priv, 64), -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_dh_group(NULL), 0);
}

static void
test_ike_crypto_dh_create_hook(void)
{
	static const uint16_t groups[] = { 14, 19, 21, 31, 32 };
	uint8_t p1[256], p2[256], s1[256], s2[256];
	struct ike_crypto_dh *a, *b, *c;
	size_t i;
	int n;

	/* With the hook the key pairs repeat: later two-peer tests can rely on it. */
	ike_crypto_random_set_hook(counting_random);
	for (i = 0; i < NELEM(groups); i++) {
		hook_ctr = 0x42;
		a = ike_crypto_dh_create(groups[i]);
		hook_ctr = 0x42;
		b = ike_crypto_dh_create(groups[i]);
		c = ike_crypto_dh_create(groups[i]);
		CU_ASSERT_FATAL(a != NULL && b != NULL && c != NULL);
		n = ike_crypto_dh_public(a, p1, sizeof(p1));
		CU_ASSERT(n > 0 && ike_crypto_dh_public(b, p2, sizeof(p2)) == n);
		CU_ASSERT(memcmp(p1, p2, (size_t)n) == 0);
		CU_ASSERT_EQUAL(ike_crypto_dh_public(c, p2, sizeof(p2)), n);
		CU_ASSERT(memcmp(p1, p2, (size_t)n) != 0);
		CU_ASSERT(ike_crypto_dh_shared(a, p2, (size_t)n, s1, sizeof(s1)) > 0);
		CU_ASSERT(ike_crypto_dh_shared(c, p1, (size_t)n, s2, sizeof(s2)) > 0);
		CU_ASSERT(memcmp(s1, s2, (size_t)ike_crypto_dh_secret_len(groups[i])) == 0);
		ike_crypto_dh_destroy(a);
		ike_crypto_dh_destroy(b);
		ike_crypto_dh_destroy(c);
	}
	ike_crypto_random_set_hook(NULL);
}

/* ---- Wycheproof ---- */

static char wp_dir[512];

/* Opens a Wycheproof file; NULL (and a printed skip note) when it is not there. */
static FILE *
wp_open(const char *file)
{
	char path[640];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", wp_dir, file);
	fp = fopen(path, "r");
	if (fp == NULL)
		printf("\n    wycheproof: %s not found under %s, skipped ", file, wp_dir);
	return fp;
}

/* The string value of a `"key": "value"` line, copied into v; false when the line has none. */
static bool
wp_field(const char *line, const char *key, char *v, size_t vsize)
{
	char pat[40];
	const char *s, *e;

	snprintf(pat, sizeof(pat), "\"%s\"", key);
	s = strstr(line, pat);
	if (s == NULL)
		return false;
	s = strchr(s + strlen(pat), ':');
	if (s == NULL)
		return false;
	s = strchr(s, '"');
	if (s == NULL)
		return false;
	e = strchr(++s, '"');
	if (e == NULL || (size_t)(e - s) >= vsize)
		return false;
	memcpy(v, s, (size_t)(e - s));
	v[e - s] = '\0';
	return true;
}

struct wp_case {
	char pub[1024], priv[512], shared[512], result[32];
	unsigned int tc;
};

struct wp_count {
	unsigned int groups, run, skipped, failed;
};

/* One ECDH / XDH case; adds to c. */
typedef void (*wp_run_fn)(const struct wp_case *t, struct wp_count *c);

static void
wp_scan(const char *file, wp_run_fn run)
{
	struct wp_count c = { 0 };
	struct wp_case *t;
	char line[2048];
	FILE *fp;

	fp = wp_open(file);
	if (fp == NULL)
		return;
	t = calloc(1, sizeof(*t));
	CU_ASSERT_FATAL(t != NULL);
	/* Wycheproof's pretty-printed files: one field a line, "result" last in each test. */
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strstr(line, "\"tests\"") != NULL)
			c.groups++;
		if (strstr(line, "\"tcId\"") != NULL) {
			memset(t, 0, sizeof(*t));
			t->tc = (unsigned int)strtoul(strchr(line, ':') + 1, NULL, 10);
		}
		if (wp_field(line, "public", t->pub, sizeof(t->pub)) ||
		    wp_field(line, "private", t->priv, sizeof(t->priv)) ||
		    wp_field(line, "shared", t->shared, sizeof(t->shared)))
			continue;
		if (wp_field(line, "result", t->result, sizeof(t->result)))
			run(t, &c);
	}
	fclose(fp);
	free(t);
	printf("\n    wycheproof %s: %u groups/%u tests run, %u skipped, %u failed ", file,
	    c.groups, c.run, c.skipped, c.failed);
	CU_ASSERT(c.run > 0);
	CU_ASSERT_EQUAL(c.failed, 0);
}

static void
wp_fail(const char *what, const struct wp_case *t, struct wp_count *c, int rc)
{
	fprintf(stderr, "\n  wycheproof tcId %u (%s): %s, rc %d\n", t->tc, t->result, what, rc);
	c->failed++;
}

static void
wp_ecpoint_run(const struct wp_case *t, struct wp_count *c)
{
	uint8_t pub[512], priv[256], shared[66], out[66];
	const uint8_t *peer, *d;
	size_t pl, dl, sl, peer_len;
	struct ike_crypto_dh *dh;
	int rc;

	pl = unhex(t->pub, pub, sizeof(pub));
	dl = unhex(t->priv, priv, sizeof(priv));
	sl = unhex(t->shared, shared, sizeof(shared));
	if (pl == SIZE_MAX || dl == SIZE_MAX || sl == SIZE_MAX) {
		c->skipped++;
		return;
	}
	/* X9.62: 04 | x | y becomes IKE's x | y; compressed points have no IKE form. */
	if (pl == 33 && (pub[0] == 0x02 || pub[0] == 0x03)) {
		c->skipped++;
		return;
	}
	peer = pub;
	peer_len = pl;
	if (pl > 0 && pub[0] == 0x04) {
		peer = pub + 1;
		peer_len = pl - 1;
	}
	/* The private key is an ASN.1 integer: drop its sign octets. */
	d = priv;
	while (dl > 32 && d[0] == 0) {
		d++;
		dl--;
	}
	dh = ike_crypto_dh_create_from_private(19, d, dl);
	if (dh == NULL) {
		wp_fail("private key refused", t, c, 0);
		return;
	}
	rc = ike_crypto_dh_shared(dh, peer, peer_len, out, sizeof(out));
	ike_crypto_dh_destroy(dh);
	c->run++;
	if (strcmp(t->result, "invalid") == 0) {
		if (rc != -EINVAL)
			wp_fail("invalid public value accepted", t, c, rc);
	} else if (rc != 32 || sl != 32 || memcmp(out, shared, 32) != 0) {
		wp_fail("shared secret differs", t, c, rc);
	}
}

static void
wp_xdh_run(const struct wp_case *t, struct wp_count *c, uint16_t group, size_t n)
{
	uint8_t pub[128], priv[128], shared[128], out[56];
	size_t pl, dl, sl;
	struct ike_crypto_dh *dh;
	int rc;

	pl = unhex(t->pub, pub, sizeof(pub));
	dl = unhex(t->priv, priv, sizeof(priv));
	sl = unhex(t->shared, shared, sizeof(shared));
	if (pl == SIZE_MAX || dl != n || sl == SIZE_MAX) {
		c->skipped++;
		return;
	}
	dh = ike_crypto_dh_create_from_private(group, priv, dl);
	if (dh == NULL) {
		wp_fail("private key refused", t, c, 0);
		return;
	}
	rc = ike_crypto_dh_shared(dh, pub, pl, out, sizeof(out));
	ike_crypto_dh_destroy(dh);
	c->run++;
	/*
	 * invalid (wrong public key length) and every case whose secret is all
	 * zeros (low-order points, flagged acceptable) must be refused (RFC 8031
	 * §2.3); all others, valid or acceptable, give the listed secret.
	 */
	if (strcmp(t->result, "invalid") == 0 || sl != n || all_zero(shared, sl)) {
		if (rc != -EINVAL)
			wp_fail("expected rejection", t, c, rc);
	} else if (rc != (int)n || memcmp(out, shared, n) != 0) {
		wp_fail("shared secret differs", t, c, rc);
	}
}

static void
wp_x25519_run(const struct wp_case *t, struct wp_count *c)
{
	wp_xdh_run(t, c, 31, 32);
}

static void
wp_x448_run(const struct wp_case *t, struct wp_count *c)
{
	wp_xdh_run(t, c, 32, 56);
}

static void
test_ike_crypto_dh_shared_wycheproof_ecpoint(void)
{
	wp_scan("ecdh_secp256r1_ecpoint_test.json", wp_ecpoint_run);
}

static void
test_ike_crypto_dh_shared_wycheproof_x25519(void)
{
	wp_scan("x25519_test.json", wp_x25519_run);
}

static void
test_ike_crypto_dh_shared_wycheproof_x448(void)
{
	wp_scan("x448_test.json", wp_x448_run);
}

/* ---- ciphers ---- */

static void
test_ike_crypto_cbc_encrypt_rfc3602(void)
{
	uint8_t key[32], iv[16], pt[256], ct[256], out[256];
	unsigned int count = 0;
	size_t kl, pl, cl;
	struct vec_file vf;
	struct vec_rec *r;
	int last = -1;

	if (!vec_begin(&vf, &r, "aes_cbc.txt"))
		return;
	while ((last = vec_next(&vf, r)) == 1) {
		kl = vec_hex(r, "key", key, sizeof(key));
		pl = vec_hex(r, "plaintext", pt, sizeof(pt));
		cl = vec_hex(r, "ciphertext", ct, sizeof(ct));
		if (kl == SIZE_MAX || pl == SIZE_MAX || cl != pl || vec_hex(r, "iv", iv, 16) != 16)
			break;
		CU_ASSERT_EQUAL(ike_crypto_cbc_encrypt(key, kl, iv, 16, pt, out, pl), 0);
		CU_ASSERT(same(vec_name(r), "ciphertext", out, pl, ct, cl));
		CU_ASSERT_EQUAL(ike_crypto_cbc_decrypt(key, kl, iv, 16, ct, out, cl), 0);
		CU_ASSERT(same(vec_name(r), "plaintext", out, cl, pt, pl));
		/* In place. */
		memcpy(out, pt, pl);
		CU_ASSERT_EQUAL(ike_crypto_cbc_encrypt(key, kl, iv, 16, out, out, pl), 0);
		CU_ASSERT(same(vec_name(r), "in-place ciphertext", out, pl, ct, cl));
		CU_ASSERT_EQUAL(ike_crypto_cbc_decrypt(key, kl, iv, 16, out, out, pl), 0);
		CU_ASSERT(same(vec_name(r), "in-place plaintext", out, pl, pt, pl));
		count++;
	}
	vec_end(&vf, r, last, count, 4);
}

static void
test_ike_crypto_cbc_encrypt_bad_len(void)
{
	uint8_t key[32] = { 0 }, iv[16] = { 0 }, buf[64] = { 0 }, out[64];
	static const size_t lens[] = { 0, 1, 15, 17, 31, 63 };
	size_t i;

	for (i = 0; i < NELEM(lens); i++) {
		CU_ASSERT_EQUAL(ike_crypto_cbc_encrypt(key, 16, iv, 16, buf, out, lens[i]),
		    -EINVAL);
		CU_ASSERT_EQUAL(ike_crypto_cbc_decrypt(key, 16, iv, 16, buf, out, lens[i]),
		    -EINVAL);
	}
	CU_ASSERT_EQUAL(ike_crypto_cbc_encrypt(key, 15, iv, 16, buf, out, 16), -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_cbc_encrypt(key, 20, iv, 16, buf, out, 16), -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_cbc_encrypt(key, 16, iv, 8, buf, out, 16), -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_cbc_encrypt(key, 16, NULL, 16, buf, out, 16), -EINVAL);
	/* AES-192 and AES-256 round trips. */
	CU_ASSERT_EQUAL(ike_crypto_cbc_encrypt(key, 24, iv, 16, buf, out, 64), 0);
	CU_ASSERT_EQUAL(ike_crypto_cbc_decrypt(key, 24, iv, 16, out, out, 64), 0);
	CU_ASSERT(all_zero(out, 64));
	CU_ASSERT_EQUAL(ike_crypto_cbc_encrypt(key, 32, iv, 16, buf, out, 64), 0);
	CU_ASSERT(!all_zero(out, 64));
	CU_ASSERT_EQUAL(ike_crypto_cbc_decrypt(key, 32, iv, 16, out, out, 64), 0);
	CU_ASSERT(all_zero(out, 64));
}

static void
test_ike_crypto_gcm_seal_vectors(void)
{
	uint8_t km[36], iv12[12], aad[64], pt[128], ct[128], tag[16], out[128], icv[16];
	size_t kl, al, pl, cl;
	unsigned int count = 0;
	struct vec_file vf;
	struct vec_rec *r;
	int last = -1;

	if (!vec_begin(&vf, &r, "aes_gcm.txt"))
		return;
	while ((last = vec_next(&vf, r)) == 1) {
		/* RFC 5282: key material = AES key | salt, the salt is the nonce's first 4 bytes. */
		kl = vec_hex(r, "key", km, 32);
		al = vec_hex(r, "aad", aad, sizeof(aad));
		pl = vec_hex(r, "plaintext", pt, sizeof(pt));
		cl = vec_hex(r, "ciphertext", ct, sizeof(ct));
		if (kl == SIZE_MAX || al == SIZE_MAX || pl == SIZE_MAX || cl != pl ||
		    vec_hex(r, "iv", iv12, 12) != 12 || vec_hex(r, "tag", tag, 16) != 16)
			break;
		memcpy(km + kl, iv12, 4);
		CU_ASSERT_EQUAL(ike_crypto_gcm_seal(km, kl + 4, iv12 + 4, 8, aad, al, pt, out, pl,
		                    icv, sizeof(icv)),
		    0);
		CU_ASSERT(same(vec_name(r), "ciphertext", out, pl, ct, cl));
		CU_ASSERT(same(vec_name(r), "ICV", icv, 16, tag, 16));
		memset(out, 0, sizeof(out));
		CU_ASSERT_EQUAL(ike_crypto_gcm_open(km, kl + 4, iv12 + 4, 8, aad, al, ct, out, cl,
		                    tag, 16),
		    0);
		CU_ASSERT(same(vec_name(r), "plaintext", out, cl, pt, pl));
		/* Tampering: ICV, ciphertext, AAD, IV - each must fail and leave no plaintext. */
		icv[15] ^= 0x80;
		CU_ASSERT_EQUAL(ike_crypto_gcm_open(km, kl + 4, iv12 + 4, 8, aad, al, ct, out, cl,
		                    icv, 16),
		    -EBADMSG);
		CU_ASSERT(all_zero(out, cl));
		ct[0] ^= 1;
		CU_ASSERT_EQUAL(ike_crypto_gcm_open(km, kl + 4, iv12 + 4, 8, aad, al, ct, out, cl,
		                    tag, 16),
		    -EBADMSG);
		CU_ASSERT(all_zero(out, cl));
		ct[0] ^= 1;
		if (al > 0) {
			aad[al - 1] ^= 1;
			CU_ASSERT_EQUAL(ike_crypto_gcm_open(km, kl + 4, iv12 + 4, 8, aad, al, ct,
			                    out, cl, tag, 16),
			    -EBADMSG);
			aad[al - 1] ^= 1;
		}
		iv12[11] ^= 1;
		CU_ASSERT_EQUAL(ike_crypto_gcm_open(km, kl + 4, iv12 + 4, 8, aad, al, ct, out, cl,
		                    tag, 16),
		    -EBADMSG);
		iv12[11] ^= 1;
		/* Lengths. */
		CU_ASSERT_EQUAL(ike_crypto_gcm_seal(km, kl, iv12 + 4, 8, aad, al, pt, out, pl, icv,
		                    16),
		    -EINVAL);
		CU_ASSERT_EQUAL(ike_crypto_gcm_seal(km, kl + 4, iv12, 12, aad, al, pt, out, pl, icv,
		                    16),
		    -EINVAL);
		CU_ASSERT_EQUAL(ike_crypto_gcm_open(km, kl + 4, iv12 + 4, 8, aad, al, ct, out, cl,
		                    tag, 12),
		    -EINVAL);
		count++;
	}
	vec_end(&vf, r, last, count, 6);
}

/* ---- integrity ---- */

static void
test_ike_crypto_integ_vectors(void)
{
	uint8_t key[64], data[128], want[32], out[32];
	unsigned int count = 0;
	size_t kl, dl, wl;
	struct vec_file vf;
	struct vec_rec *r;
	int last = -1, rc;
	uint16_t id;

	if (!vec_begin(&vf, &r, "integ.txt"))
		return;
	while ((last = vec_next(&vf, r)) == 1) {
		id = (uint16_t)vec_int(r, "integ");
		kl = vec_hex(r, "key", key, sizeof(key));
		dl = vec_hex(r, "data", data, sizeof(data));
		wl = vec_hex(r, "icv", want, sizeof(want));
		if (kl == SIZE_MAX || dl == SIZE_MAX || wl == SIZE_MAX)
			break;
		rc = ike_crypto_integ(id, key, kl, data, dl, out, sizeof(out));
		CU_ASSERT(rc > 0 && same(vec_name(r), "icv", out, (size_t)rc, want, wl));
		CU_ASSERT_EQUAL(ike_crypto_integ_verify(id, key, kl, data, dl, want, wl), 0);
		want[wl - 1] ^= 0x01;
		CU_ASSERT_EQUAL(ike_crypto_integ_verify(id, key, kl, data, dl, want, wl), -EBADMSG);
		want[wl - 1] ^= 0x01;
		data[0] ^= 0x01;
		CU_ASSERT_EQUAL(ike_crypto_integ_verify(id, key, kl, data, dl, want, wl), -EBADMSG);
		CU_ASSERT_EQUAL(ike_crypto_integ_verify(id, key, kl, data, dl, want, wl - 1),
		    -EINVAL);
		CU_ASSERT_EQUAL(ike_crypto_integ(id, key, kl - 1, data, dl, out, sizeof(out)),
		    -EINVAL);
		CU_ASSERT_EQUAL(ike_crypto_integ(id, key, kl, data, dl, out, wl - 1), -EINVAL);
		count++;
	}
	vec_end(&vf, r, last, count, 10);
	CU_ASSERT_EQUAL(ike_crypto_integ(1, key, 16, data, 4, out, sizeof(out)), -ENOTSUP);
	CU_ASSERT_EQUAL(ike_crypto_integ_verify(5, key, 16, data, 4, out, 12), -ENOTSUP);
}

int
main(void)
{
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{ "test_ike_crypto_prf_len_ids", test_ike_crypto_prf_len_ids },
		{ "test_ike_crypto_v1_prf_from_hash_ids", test_ike_crypto_v1_prf_from_hash_ids },
		{ "test_ike_crypto_random_hook", test_ike_crypto_random_hook },
		{ "test_ike_crypto_prf_rfc_vectors", test_ike_crypto_prf_rfc_vectors },
		{ "test_ike_crypto_prf_bad_args", test_ike_crypto_prf_bad_args },
		{ "test_ike_crypto_prf_plus_independent", test_ike_crypto_prf_plus_independent },
		{ "test_ike_crypto_v2_skeyseed_vectors", test_ike_crypto_v2_skeyseed_vectors },
		{ "test_ike_crypto_v2_child_keymat_vectors",
		    test_ike_crypto_v2_child_keymat_vectors },
		{ "test_ike_crypto_v2_keys_derive_gcm", test_ike_crypto_v2_keys_derive_gcm },
		{ "test_ike_crypto_v1_skeyid_vectors", test_ike_crypto_v1_skeyid_vectors },
		{ "test_ike_crypto_v1_enc_key_appb", test_ike_crypto_v1_enc_key_appb },
		{ "test_ike_crypto_v1_full_derivation", test_ike_crypto_v1_full_derivation },
		{ "test_ike_crypto_dh_shared_rfc_vectors", test_ike_crypto_dh_shared_rfc_vectors },
		{ "test_ike_crypto_dh_shared_rfc7748_function",
		    test_ike_crypto_dh_shared_rfc7748_function },
		{ "test_ike_crypto_dh_shared_modp_roundtrip",
		    test_ike_crypto_dh_shared_modp_roundtrip },
		{ "test_ike_crypto_dh_shared_modp_leading_zero",
		    test_ike_crypto_dh_shared_modp_leading_zero },
		{ "test_ike_crypto_dh_shared_modp_rejects",
		    test_ike_crypto_dh_shared_modp_rejects },
		{ "test_ike_crypto_dh_shared_ecp_rejects", test_ike_crypto_dh_shared_ecp_rejects },
		{ "test_ike_crypto_dh_shared_x25519_low_order",
		    test_ike_crypto_dh_shared_x25519_low_order },
		{ "test_ike_crypto_dh_create_unsupported", test_ike_crypto_dh_create_unsupported },
		{ "test_ike_crypto_dh_create_hook", test_ike_crypto_dh_create_hook },
		{ "test_ike_crypto_dh_shared_wycheproof_ecpoint",
		    test_ike_crypto_dh_shared_wycheproof_ecpoint },
		{ "test_ike_crypto_dh_shared_wycheproof_x25519",
		    test_ike_crypto_dh_shared_wycheproof_x25519 },
		{ "test_ike_crypto_dh_shared_wycheproof_x448",
		    test_ike_crypto_dh_shared_wycheproof_x448 },
		{ "test_ike_crypto_cbc_encrypt_rfc3602", test_ike_crypto_cbc_encrypt_rfc3602 },
		{ "test_ike_crypto_cbc_encrypt_bad_len", test_ike_crypto_cbc_encrypt_bad_len },
		{ "test_ike_crypto_gcm_seal_vectors", test_ike_crypto_gcm_seal_vectors },
		{ "test_ike_crypto_integ_vectors", test_ike_crypto_integ_vectors },
	};
	const char *env;
	CU_pSuite s;
	unsigned int fails;
	FILE *probe;
	size_t i;

	env = getenv(WP_ENV);
	if (env == NULL || *env == '\0')
		env = getenv(WP_ENV_ALT);
	if (env != NULL && *env != '\0') {
		snprintf(wp_dir, sizeof(wp_dir), "%s", env);
	} else {
		/* The shared tree beside the source root, else its usual absolute place. */
		probe = fopen(WP_DIR_REL "/x25519_test.json", "r");
		snprintf(wp_dir, sizeof(wp_dir), "%s", probe != NULL ? WP_DIR_REL : WP_DIR_ABS);
		if (probe != NULL)
			fclose(probe);
	}

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("ike_crypto", NULL, NULL);
	for (i = 0; i < NELEM(tests); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return fails == 0 ? 0 : 1;
}
