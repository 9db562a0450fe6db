/* SPDX-License-Identifier: BSD-3-Clause */
/* common/alg.c: strongSwan proposal keywords to algorithms, with their IANA ids and sizes. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/alg.h"

/* IKEv2 transform ids (IANA "Internet Key Exchange Version 2 (IKEv2) Parameters"). */
#define ENCR_NULL               11
#define ENCR_AES_CBC            12
#define ENCR_AES_CTR            13
#define ENCR_AES_GCM_8          18
#define ENCR_AES_GCM_12         19
#define ENCR_AES_GCM_16         20
#define ENCR_NULL_AUTH_AES_GMAC 21
#define ENCR_CHACHA20_POLY1305  28
#define AUTH_HMAC_SHA1_96       2
#define AUTH_AES_128_GMAC       9
#define AUTH_HMAC_SHA2_256_128  12
#define AUTH_HMAC_SHA2_384_192  13
#define AUTH_HMAC_SHA2_512_256  14

struct integ {
	const char *kw;
	enum alg_auth auth;
	uint16_t key_len;
	uint8_t icv_len;
	uint16_t iana;
};

static const struct integ integs[] = {
	{ "sha1", ALG_AUTH_HMAC_SHA1_96, 20, 12, AUTH_HMAC_SHA1_96 },
	{ "sha256", ALG_AUTH_HMAC_SHA256_128, 32, 16, AUTH_HMAC_SHA2_256_128 },
	{ "sha384", ALG_AUTH_HMAC_SHA384_192, 48, 24, AUTH_HMAC_SHA2_384_192 },
	{ "sha512", ALG_AUTH_HMAC_SHA512_256, 64, 32, AUTH_HMAC_SHA2_512_256 },
};

/* "aes128", "aes192", "aes256" (and "aes" for 128) followed by @p suffix: key bytes or 0. */
static unsigned int
aes_key(const char *tok, const char *suffix)
{
	static const struct {
		const char *p;
		unsigned int len;
	} sizes[] = { { "aes128", 16 }, { "aes192", 24 }, { "aes256", 32 }, { "aes", 16 } };
	size_t i, n;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		n = strlen(sizes[i].p);
		if (strncmp(tok, sizes[i].p, n) == 0 && strcmp(tok + n, suffix) == 0)
			return sizes[i].len;
	}
	return 0;
}

static const struct integ *
integ_find(const char *tok)
{
	size_t i;

	for (i = 0; i < sizeof(integs) / sizeof(integs[0]); i++) {
		if (strcmp(tok, integs[i].kw) == 0)
			return &integs[i];
	}
	return NULL;
}

/* AES-GCM with its ICV size: aes128gcm16 (also gcm128), gcm12 (gcm96), gcm8 (gcm64). */
static int
parse_gcm(const char *tok, struct alg_proposal *p)
{
	static const struct {
		const char *sfx;
		uint8_t icv;
		uint16_t iana;
	} icvs[] = { { "gcm16", 16, ENCR_AES_GCM_16 }, { "gcm128", 16, ENCR_AES_GCM_16 },
		{ "gcm12", 12, ENCR_AES_GCM_12 }, { "gcm96", 12, ENCR_AES_GCM_12 },
		{ "gcm8", 8, ENCR_AES_GCM_8 }, { "gcm64", 8, ENCR_AES_GCM_8 } };
	unsigned int key;
	size_t i;

	for (i = 0; i < sizeof(icvs) / sizeof(icvs[0]); i++) {
		if ((key = aes_key(tok, icvs[i].sfx)) != 0) {
			p->cipher = ALG_CIPHER_AES_GCM;
			p->cipher_key_len = (uint16_t)key;
			p->salt_len = 4;
			p->iv_len = 8;
			p->icv_len = icvs[i].icv;
			p->iana_encr = icvs[i].iana;
			return 0;
		}
	}
	return -ENOENT;
}

/* A combined-mode keyword alone: AES-GCM, AES-GMAC, ChaCha20-Poly1305. */
static int
parse_aead(const char *tok, struct alg_proposal *p)
{
	unsigned int key;

	p->block_len = 4;
	p->aead = true;
	if (parse_gcm(tok, p) == 0)
		return 0;
	if ((key = aes_key(tok, "gmac")) != 0) {
		p->cipher = ALG_CIPHER_AES_GMAC;
		p->cipher_key_len = (uint16_t)key;
		p->salt_len = 4;
		p->iv_len = 8;
		p->icv_len = 16;
		p->iana_encr = ENCR_NULL_AUTH_AES_GMAC;
		return 0;
	}
	if (strcmp(tok, "chacha20poly1305") == 0) {
		p->cipher = ALG_CIPHER_CHACHA20_POLY1305;
		p->cipher_key_len = 32;
		p->salt_len = 4;
		p->iv_len = 8;
		p->icv_len = 16;
		p->iana_encr = ENCR_CHACHA20_POLY1305;
		return 0;
	}
	p->aead = false;
	return -ENOENT;
}

/* An encryption keyword that needs an integrity keyword after it. */
static int
parse_cipher(const char *tok, struct alg_proposal *p)
{
	unsigned int key;

	p->block_len = 4;
	if (strcmp(tok, "null") == 0) {
		p->cipher = ALG_CIPHER_NULL;
		p->iana_encr = ENCR_NULL;
		return 0;
	}
	if ((key = aes_key(tok, "ctr")) != 0) {
		p->cipher = ALG_CIPHER_AES_CTR;
		p->cipher_key_len = (uint16_t)key;
		p->salt_len = 4;
		p->iv_len = 8;
		p->iana_encr = ENCR_AES_CTR;
		return 0;
	}
	if ((key = aes_key(tok, "")) != 0) {
		p->cipher = ALG_CIPHER_AES_CBC;
		p->cipher_key_len = (uint16_t)key;
		p->iv_len = 16;
		p->block_len = 16;
		p->iana_encr = ENCR_AES_CBC;
		return 0;
	}
	return -ENOENT;
}

static void
set_integ(struct alg_proposal *p, const struct integ *in)
{
	p->auth = in->auth;
	p->auth_key_len = in->key_len;
	p->icv_len = in->icv_len;
	p->iana_integ = in->iana;
}

static int
parse_ah(const char *s, struct alg_proposal *p, char *err, size_t errlen)
{
	const struct integ *in = integ_find(s);
	unsigned int key;

	p->cipher = ALG_CIPHER_NONE;
	p->block_len = 4;
	if (in != NULL) {
		set_integ(p, in);
		return 0;
	}
	if ((key = aes_key(s, "gmac")) != 0) {
		p->auth = ALG_AUTH_AES_GMAC;
		p->auth_key_len = (uint16_t)key;
		p->salt_len = 4;
		p->iv_len = 8;
		p->icv_len = 16;
		p->iana_integ = (uint16_t)(AUTH_AES_128_GMAC + (key - 16) / 8);
		return 0;
	}
	snprintf(err, errlen,
	    "'%s' is not an AH integrity algorithm (sha1, sha256, sha384, sha512, aes128gmac, aes192gmac, aes256gmac)",
	    s);
	return -EINVAL;
}

int
alg_proposal_parse(const char *s, enum alg_proto proto, struct alg_proposal *out, char *err,
    size_t errlen)
{
	char tok[sizeof(out->name)];
	const struct integ *in;
	const char *dash;
	size_t n;
	int rc;

	memset(out, 0, sizeof(*out));
	if (strlen(s) >= sizeof(out->name)) {
		snprintf(err, errlen, "'%.40s...' is too long for a proposal", s);
		return -EINVAL;
	}
	snprintf(out->name, sizeof(out->name), "%s", s);
	if (proto == ALG_PROTO_AH)
		return parse_ah(s, out, err, errlen);

	dash = strchr(s, '-');
	n = dash != NULL ? (size_t)(dash - s) : strlen(s);
	memcpy(tok, s, n);
	tok[n] = '\0';
	if (parse_aead(tok, out) == 0) {
		if (dash == NULL)
			return 0;
		snprintf(err, errlen,
		    "'%s' is a combined-mode algorithm: nothing may follow it ('%s')", tok,
		    dash + 1);
		return -EINVAL;
	}
	if ((rc = parse_cipher(tok, out)) != 0) {
		snprintf(err, errlen,
		    "'%s' is not an ESP encryption algorithm (aes128, aes192, aes256, aes128ctr, ..., null, aes128gcm16, aes256gcm16, aes128gmac, chacha20poly1305, ...)",
		    tok);
		return -EINVAL;
	}
	if (dash == NULL) {
		snprintf(err, errlen, "'%s' needs an integrity algorithm, e.g. '%s-sha256'", s, s);
		return -EINVAL;
	}
	if ((in = integ_find(dash + 1)) == NULL) {
		snprintf(err, errlen,
		    "'%s' is not an integrity algorithm (sha1, sha256, sha384, sha512)", dash + 1);
		return -EINVAL;
	}
	set_integ(out, in);
	return 0;
}

const char *
alg_cipher_name(enum alg_cipher c)
{
	static const char *const names[ALG_CIPHER__MAX] = {
		[ALG_CIPHER_NONE] = "none",
		[ALG_CIPHER_NULL] = "null",
		[ALG_CIPHER_AES_CBC] = "aes-cbc",
		[ALG_CIPHER_AES_CTR] = "aes-ctr",
		[ALG_CIPHER_AES_GCM] = "aes-gcm",
		[ALG_CIPHER_AES_GMAC] = "aes-gmac",
		[ALG_CIPHER_CHACHA20_POLY1305] = "chacha20-poly1305",
	};

	return (unsigned int)c < ALG_CIPHER__MAX ? names[c] : "unknown";
}

const char *
alg_auth_name(enum alg_auth a)
{
	static const char *const names[ALG_AUTH__MAX] = {
		[ALG_AUTH_NONE] = "none",
		[ALG_AUTH_HMAC_SHA1_96] = "hmac-sha1-96",
		[ALG_AUTH_HMAC_SHA256_128] = "hmac-sha256-128",
		[ALG_AUTH_HMAC_SHA384_192] = "hmac-sha384-192",
		[ALG_AUTH_HMAC_SHA512_256] = "hmac-sha512-256",
		[ALG_AUTH_AES_GMAC] = "aes-gmac",
	};

	return (unsigned int)a < ALG_AUTH__MAX ? names[a] : "unknown";
}
