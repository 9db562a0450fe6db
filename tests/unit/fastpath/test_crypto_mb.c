/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/fastpath/test_crypto_mb.c: crypto_mb_sa_init + crypto_mb_run against RFC and Wycheproof vectors, tampering and round trips. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <rte_eal.h>
#include <rte_memory.h>

#include "common/alg.h"
#include "common/limits.h"
#include "fastpath/crypto_mb.h"

#include "tests/vectors/aes_cbc_esp.h"
#include "tests/vectors/aes_ctr.h"
#include "tests/vectors/aes_gcm_esp.h"
#include "tests/vectors/aes_gmac_esp.h"
#include "tests/vectors/chacha20_poly1305_esp.h"
#include "tests/vectors/hmac_sha1.h"
#include "tests/vectors/hmac_sha2.h"

#ifndef WYCHEPROOF_DIR
#define WYCHEPROOF_DIR "../shared/vectors/wycheproof"
#endif
#define WYCHEPROOF_ENV "FASTIPSEC_WYCHEPROOF_DIR"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define BUF_MAX  10240 /* one packet buffer: jumbo frames and Wycheproof's longest message */
#define ESP_OFF  20    /* the ESP header sits behind a made-up outer header */

static IMB_MGR *ctl_mgr; /* builds the SAs, as the control core does */
static IMB_MGR *wk_mgr;  /* runs the bursts, as a worker does */

/* ---- helpers ---- */

static size_t
unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;
	int hi = -1, v;

	for (; *s != '\0'; s++) {
		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			v = *s - 'A' + 10;
		else
			continue;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n < max)
			out[n] = (uint8_t)(hi << 4 | v);
		n++;
		hi = -1;
	}
	return n;
}

static struct alg_proposal
prop(const char *kw, enum alg_proto proto)
{
	struct alg_proposal p;
	char err[256];

	if (alg_proposal_parse(kw, proto, &p, err, sizeof(err)) != 0) {
		fprintf(stderr, "\n%s: %s\n", kw, err);
		CU_FAIL_FATAL("alg_proposal_parse");
	}
	return p;
}

/* An SA where it will live (it must not move): heap, cache-line aligned. */
static struct crypto_mb_sa *
sa_new(const struct alg_proposal *p, const uint8_t *enc, const uint8_t *auth)
{
	struct crypto_mb_sa *cs = aligned_alloc(RTE_CACHE_LINE_SIZE, sizeof(*cs));

	CU_ASSERT_FATAL(cs != NULL);
	if (crypto_mb_sa_init(cs, ctl_mgr, p, enc, auth) != 0) {
		fprintf(stderr, "\ncrypto_mb_sa_init(%s) failed\n", p->name);
		free(cs);
		CU_FAIL_FATAL("crypto_mb_sa_init");
	}
	return cs;
}

static void
sa_free(struct crypto_mb_sa *cs)
{
	crypto_mb_sa_fini(cs);
	free(cs);
}

/* Deterministic key material for round trips. */
static void
fill(uint8_t *p, size_t n, uint32_t seed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}

static struct crypto_mb_sa *
sa_random(const struct alg_proposal *p, uint32_t seed)
{
	uint8_t enc[64], auth[128];

	fill(enc, sizeof(enc), seed);
	fill(auth, sizeof(auth), seed ^ 0x5a5a5a5a);
	return sa_new(p, enc, auth);
}

static int
run1(struct crypto_mb_op *op)
{
	crypto_mb_run(wk_mgr, op, 1);
	return op->status;
}

/* ---- an ESP (or AH) packet in a buffer, and the op for it ---- */

struct pkt {
	uint8_t buf[BUF_MAX];
	uint8_t aad[12]; /* SPI || seq_hi || seq_lo when ESN (not on the wire) */
	uint8_t plain[BUF_MAX];
	uint32_t len; /* bytes of payload .. next header (the cipher region) */
	uint32_t end; /* bytes of buf in use, ICV included */
	struct crypto_mb_op op;
};

/*
 *  0        20      28          28+iv          +len        [+4 ESN HMAC]  +icv
 *  | outer  | SPI seq | IV        | payload..nh  | seq_hi      | ICV |
 */
static void
pkt_build(struct pkt *k, const struct crypto_mb_sa *sa, const struct alg_proposal *p, uint32_t len,
    bool esn, uint32_t seed)
{
	uint8_t *esp = k->buf + ESP_OFF, *iv = esp + 8, *pl = iv + sa->iv_len;
	uint32_t pl_off = (uint32_t)(pl - k->buf);

	memset(k->buf, 0, sizeof(k->buf));
	memset(&k->op, 0, sizeof(k->op));
	fill(k->buf, ESP_OFF, seed);
	esp[0] = 0xc0, esp[1] = 0xff, esp[2] = 0xee, esp[3] = (uint8_t)seed;
	esp[4] = 0, esp[5] = 0, esp[6] = (uint8_t)(seed >> 8), esp[7] = (uint8_t)seed;
	fill(iv, sa->iv_len, seed + 1);
	fill(pl, len, seed + 2);
	memcpy(k->plain, pl, len);
	k->len = len;
	k->op.sa = sa;
	k->op.buf = k->buf;
	k->op.iv = iv;
	if (esn) {
		memcpy(k->aad, esp, 4);
		k->aad[4] = 0, k->aad[5] = 0, k->aad[6] = 0, k->aad[7] = 1; /* seq_hi = 1 */
		memcpy(k->aad + 8, esp + 4, 4);
	}
	switch (sa->kind) {
	case CRYPTO_MB_AEAD:
		k->op.cipher_off = pl_off;
		k->op.cipher_len = len;
		k->op.aad = esn ? k->aad : esp;
		k->op.aad_len = esn ? 12 : 8;
		k->end = pl_off + len;
		break;
	case CRYPTO_MB_GMAC:
		if (p->cipher == ALG_CIPHER_NONE) { /* AH: the whole region is AAD */
			k->op.auth_off = 0;
			k->op.auth_len = pl_off + len;
		} else {
			k->op.aad = esn ? k->aad : esp;
			k->op.aad_len = esn ? 12 : 8;
			k->op.auth_off = ESP_OFF + 8;
			k->op.auth_len = sa->iv_len + len;
		}
		k->end = pl_off + len;
		break;
	default:
		if (p->cipher != ALG_CIPHER_NULL && p->cipher != ALG_CIPHER_NONE) {
			k->op.cipher_off = pl_off;
			k->op.cipher_len = len;
		}
		k->op.auth_off = p->cipher == ALG_CIPHER_NONE ? 0 : ESP_OFF;
		k->end = pl_off + len;
		if (esn) { /* RFC 4303 §2.2.1: seq_hi is MACed after the payload, never sent */
			memcpy(k->buf + k->end, k->aad + 4, 4);
			k->end += 4;
		}
		k->op.auth_len = k->end - k->op.auth_off;
		break;
	}
	k->op.icv = k->buf + k->end;
	k->end += sa->icv_len;
}

/* The proposals every sweep runs: each cipher at each key size, each integrity algorithm. */
static const struct {
	const char *kw;
	enum alg_proto proto;
} sweep[] = {
	{ "aes128gcm16", ALG_PROTO_ESP },
	{ "aes192gcm16", ALG_PROTO_ESP },
	{ "aes256gcm16", ALG_PROTO_ESP },
	{ "aes128gcm12", ALG_PROTO_ESP },
	{ "aes192gcm8", ALG_PROTO_ESP },
	{ "aes256gcm12", ALG_PROTO_ESP },
	{ "aes256gcm8", ALG_PROTO_ESP },
	{ "aes128gmac", ALG_PROTO_ESP },
	{ "aes192gmac", ALG_PROTO_ESP },
	{ "aes256gmac", ALG_PROTO_ESP },
	{ "chacha20poly1305", ALG_PROTO_ESP },
	{ "aes128-sha1", ALG_PROTO_ESP },
	{ "aes128-sha256", ALG_PROTO_ESP },
	{ "aes192-sha384", ALG_PROTO_ESP },
	{ "aes256-sha512", ALG_PROTO_ESP },
	{ "aes256-sha256", ALG_PROTO_ESP },
	{ "aes128ctr-sha256", ALG_PROTO_ESP },
	{ "aes192ctr-sha1", ALG_PROTO_ESP },
	{ "aes256ctr-sha384", ALG_PROTO_ESP },
	{ "aes256ctr-sha512", ALG_PROTO_ESP },
	{ "null-sha1", ALG_PROTO_ESP },
	{ "null-sha256", ALG_PROTO_ESP },
	{ "null-sha384", ALG_PROTO_ESP },
	{ "null-sha512", ALG_PROTO_ESP },
	{ "sha1", ALG_PROTO_AH },
	{ "sha256", ALG_PROTO_AH },
	{ "sha384", ALG_PROTO_AH },
	{ "sha512", ALG_PROTO_AH },
	{ "aes128gmac", ALG_PROTO_AH },
	{ "aes192gmac", ALG_PROTO_AH },
	{ "aes256gmac", ALG_PROTO_AH },
};

static uint32_t
cbc_round(const struct alg_proposal *p, uint32_t len)
{
	return p->cipher == ALG_CIPHER_AES_CBC ? (len + 15) / 16 * 16 : len;
}

/* ---- RFC known answers ---- */

/* Encrypt and decrypt one AEAD vector laid out as its ESP packet; icv_len may truncate the tag. */
static void
aead_vector(const struct gcm_esp_vector *v, bool chacha, unsigned int icv_len)
{
	uint8_t key[40], nonce[12], spi_seq[12], pt[256], ct[272], packet[300], aad[12], buf[300];
	size_t klen = unhex(v->key, key, sizeof(key));
	size_t slen = unhex(v->seq, spi_seq, sizeof(spi_seq));
	size_t ptlen = unhex(v->plaintext, pt, sizeof(pt));
	size_t ctlen = unhex(v->ctext_tag, ct, sizeof(ct));
	size_t plen = unhex(v->packet, packet, sizeof(packet));
	size_t alen = unhex(v->aad, aad, sizeof(aad));
	struct crypto_mb_op op;
	struct crypto_mb_sa *cs;
	struct alg_proposal p;
	char kw[32];

	unhex(v->nonce, nonce, sizeof(nonce));
	CU_ASSERT_FATAL(ctlen == ptlen + 16 && plen == 16 + ctlen);
	if (chacha)
		snprintf(kw, sizeof(kw), "chacha20poly1305");
	else
		snprintf(kw, sizeof(kw), "aes%zugcm%u", klen * 8, icv_len);
	p = prop(kw, ALG_PROTO_ESP);
	memcpy(key + klen, nonce, 4); /* key || salt */
	cs = sa_new(&p, key, NULL);

	/* Encrypt: SPI || seq_lo || IV || plaintext, ICV after it. */
	memset(buf, 0, sizeof(buf));
	memcpy(buf, packet, 16);
	memcpy(buf + 16, pt, ptlen);
	memset(buf + 16 + ptlen, 0, 16);
	memset(&op, 0, sizeof(op));
	op.sa = cs;
	op.buf = buf;
	op.cipher_off = 16;
	op.cipher_len = (uint32_t)ptlen;
	op.iv = buf + 8;
	op.aad = slen == 8 ? aad : buf; /* ESN: seq_hi is not in the packet */
	op.aad_len = (uint8_t)alen;
	op.icv = buf + 16 + ptlen;
	CU_ASSERT_EQUAL(run1(&op), 0);
	CU_ASSERT(memcmp(buf, packet, 16 + ptlen + icv_len) == 0);
	CU_ASSERT(buf[16 + ptlen + icv_len] == 0); /* no byte past the ICV */

	/* Decrypt the published packet (truncated tag: its first icv_len bytes). */
	memcpy(buf, packet, plen);
	op.decrypt = 1;
	if (slen != 8)
		op.aad = buf;
	CU_ASSERT_EQUAL(run1(&op), 0);
	CU_ASSERT(memcmp(buf + 16, pt, ptlen) == 0);
	if (op.status != 0 || memcmp(buf + 16, pt, ptlen) != 0)
		fprintf(stderr, "\n%s (%s) failed\n", v->name, kw);

	/* The same packet with the last ICV byte flipped must not verify. */
	memcpy(buf, packet, plen);
	buf[16 + ptlen + icv_len - 1] ^= 0x01;
	CU_ASSERT_EQUAL(run1(&op), -EBADMSG);
	sa_free(cs);
}

static void
test_crypto_mb_gcm_vectors(void)
{
	size_t i;

	for (i = 0; i < NELEM(gcm_esp_vectors); i++) {
		aead_vector(&gcm_esp_vectors[i], false, 16);
		/* RFC 4106 §6: the 8- and 12-byte ICVs are the tag truncated. */
		aead_vector(&gcm_esp_vectors[i], false, 12);
		aead_vector(&gcm_esp_vectors[i], false, 8);
	}
	printf("\n    draft-mcgrew-gcm-test-01: %zu AES-GCM ESP packets x ICV 16/12/8 ", i);
}

static void
test_crypto_mb_chacha20_poly1305_vector(void)
{
	aead_vector(&chacha_esp_vectors[0], true, 16);
}

/* RFC 4543 ESP GMAC packet (draft-mcgrew page 19) through the burst, the ESN path and AH. */
static void
test_crypto_mb_gmac_vector(void)
{
	const struct gmac_esp_vector *v = &gmac_esp_vectors[0];
	uint8_t key[20], nonce[12], packet[128], buf[128], aad[8], icv[16];
	size_t plen = unhex(v->packet, packet, sizeof(packet));
	size_t klen = unhex(v->key, key, sizeof(key));
	struct alg_proposal p = prop("aes128gmac", ALG_PROTO_ESP);
	struct crypto_mb_op op;
	struct crypto_mb_sa *cs, *ah;
	int split;

	unhex(v->nonce, nonce, sizeof(nonce));
	memcpy(key + klen, nonce, 4);
	cs = sa_new(&p, key, NULL);
	for (split = 0; split < 2; split++) {
		memcpy(buf, packet, plen);
		memcpy(aad, packet, 8);
		memset(&op, 0, sizeof(op));
		op.sa = cs;
		op.buf = buf;
		op.aad = split ? aad : buf; /* split: the path ESN takes */
		op.aad_len = 8;
		op.auth_off = 8;
		op.auth_len = (uint32_t)(plen - 8 - 16);
		op.iv = buf + 8;
		op.icv = icv;
		CU_ASSERT_EQUAL(run1(&op), 0);
		CU_ASSERT(memcmp(icv, packet + plen - 16, 16) == 0);
		op.decrypt = 1;
		op.icv = buf + plen - 16;
		CU_ASSERT_EQUAL(run1(&op), 0);
		buf[40] ^= 0x80; /* a payload bit: AAD in GMAC */
		CU_ASSERT_EQUAL(run1(&op), -EBADMSG);
	}
	sa_free(cs);

	/* AH AES-GMAC over the same bytes is the same GMAC (RFC 4543 for AH: all AAD). */
	p = prop("aes128gmac", ALG_PROTO_AH);
	ah = sa_new(&p, NULL, key);
	memcpy(buf, packet, plen);
	memset(&op, 0, sizeof(op));
	op.sa = ah;
	op.buf = buf;
	op.auth_len = (uint32_t)(plen - 16);
	op.iv = buf + 8;
	op.icv = icv;
	CU_ASSERT_EQUAL(run1(&op), 0);
	CU_ASSERT(memcmp(icv, packet + plen - 16, 16) == 0);
	sa_free(ah);
}

static void
test_crypto_mb_cbc_vectors(void)
{
	static const char *const kws[] = { "aes128-sha1", "aes128-sha256", "aes128-sha384",
		"aes128-sha512" };
	uint8_t key[32], auth[64], iv[16], pt[96], ct[96], buf[256];
	struct crypto_mb_op op;
	struct crypto_mb_sa *cs;
	struct alg_proposal p;
	size_t i, n, ivl;

	for (i = 0; i < NELEM(cbc_esp_vectors); i++) {
		const struct cbc_esp_vector *v = &cbc_esp_vectors[i];

		unhex(v->key, key, sizeof(key));
		ivl = unhex(v->iv, iv, sizeof(iv));
		n = unhex(v->plaintext, pt, sizeof(pt));
		CU_ASSERT_FATAL(ivl == 16 && unhex(v->ciphertext, ct, sizeof(ct)) == n);
		p = prop(kws[i % NELEM(kws)], ALG_PROTO_ESP);
		fill(auth, sizeof(auth), (uint32_t)i);
		cs = sa_new(&p, key, auth);
		memset(buf, 0, sizeof(buf));
		if (unhex(v->spi, buf, 4) != 4)
			memcpy(buf, "\x00\x00\x12\x34\x00\x00\x00\x01", 8);
		else
			unhex(v->seq, buf + 4, 4);
		memcpy(buf + 8, iv, 16);
		memcpy(buf + 24, pt, n);
		memset(&op, 0, sizeof(op));
		op.sa = cs;
		op.buf = buf;
		op.cipher_off = 24;
		op.cipher_len = (uint32_t)n;
		op.auth_off = 0;
		op.auth_len = (uint32_t)(24 + n);
		op.iv = buf + 8;
		op.icv = buf + 24 + n;
		CU_ASSERT_EQUAL(run1(&op), 0);
		CU_ASSERT(memcmp(buf + 24, ct, n) == 0);
		op.decrypt = 1;
		CU_ASSERT_EQUAL(run1(&op), 0);
		CU_ASSERT(memcmp(buf + 24, pt, n) == 0);
		if (memcmp(buf + 24, pt, n) != 0)
			fprintf(stderr, "\n%s failed\n", v->name);
		sa_free(cs);
	}
}

static void
test_crypto_mb_ctr_vectors(void)
{
	static const char *const hashes[] = { "sha1", "sha256", "sha384", "sha512" };
	uint8_t key[40], auth[64], pt[64], ct[64], buf[160];
	struct crypto_mb_op op;
	struct crypto_mb_sa *cs;
	struct alg_proposal p;
	size_t i, n, klen;
	char kw[32];

	for (i = 0; i < NELEM(ctr_vectors); i++) {
		const struct ctr_vector *v = &ctr_vectors[i];

		klen = unhex(v->key, key, sizeof(key));
		CU_ASSERT_FATAL(unhex(v->nonce, key + klen, 4) == 4); /* key || nonce (the salt) */
		n = unhex(v->plaintext, pt, sizeof(pt));
		CU_ASSERT_FATAL(unhex(v->ciphertext, ct, sizeof(ct)) == n);
		snprintf(kw, sizeof(kw), "aes%zuctr-%s", klen * 8, hashes[i % 4]);
		p = prop(kw, ALG_PROTO_ESP);
		fill(auth, sizeof(auth), (uint32_t)i);
		cs = sa_new(&p, key, auth);
		memset(buf, 0, sizeof(buf));
		memcpy(buf, "\x00\x00\x12\x34\x00\x00\x00\x07", 8);
		CU_ASSERT_FATAL(unhex(v->iv, buf + 8, 8) == 8);
		memcpy(buf + 16, pt, n);
		memset(&op, 0, sizeof(op));
		op.sa = cs;
		op.buf = buf;
		op.cipher_off = 16;
		op.cipher_len = (uint32_t)n;
		op.auth_len = (uint32_t)(16 + n);
		op.iv = buf + 8;
		op.icv = buf + 16 + n;
		CU_ASSERT_EQUAL(run1(&op), 0);
		CU_ASSERT(memcmp(buf + 16, ct, n) == 0);
		if (memcmp(buf + 16, ct, n) != 0)
			fprintf(stderr, "\n%s failed\n", v->name);
		op.decrypt = 1;
		CU_ASSERT_EQUAL(run1(&op), 0);
		CU_ASSERT(memcmp(buf + 16, pt, n) == 0);
		sa_free(cs);
	}
}

/*
 * One HMAC known answer through an AH SA (and an ESP NULL SA): generate
 * must give the digest (full, and truncated to the IPsec ICV), verify must
 * accept it and refuse it with one bit flipped.
 */
static void
hmac_vector(const struct hmac_vector *v)
{
	static const char *const ah_kw[] = { [1] = "sha1", "sha256", "sha384", "sha512" };
	static const char *const null_kw[] = { [1] = "null-sha1",
		"null-sha256",
		"null-sha384",
		"null-sha512" };
	uint8_t key[160], data[160], digest[64], buf[256], icv[64];
	size_t klen = unhex(v->key, key, sizeof(key));
	size_t dlen = unhex(v->data, data, sizeof(data));
	size_t glen = unhex(v->digest, digest, sizeof(digest));
	struct crypto_mb_op op;
	struct crypto_mb_sa *cs;
	struct alg_proposal p;
	int full, esp;

	for (esp = 0; esp < 2; esp++) {
		for (full = 0; full < 2; full++) {
			p = esp ? prop(null_kw[v->alg], ALG_PROTO_ESP) :
			          prop(ah_kw[v->alg], ALG_PROTO_AH);
			p.auth_key_len =
			    (uint16_t)klen; /* the vector's key, not the IPsec length */
			if (full)
				p.icv_len = (uint8_t)glen;
			cs = sa_new(&p, NULL, key);
			memset(buf, 0xee, sizeof(buf));
			memcpy(buf + 3, data, dlen);
			memset(&op, 0, sizeof(op));
			op.sa = cs;
			op.buf = buf;
			op.auth_off = 3;
			op.auth_len = (uint32_t)dlen;
			op.icv = icv;
			CU_ASSERT_EQUAL(run1(&op), 0);
			CU_ASSERT(memcmp(icv, digest, p.icv_len) == 0);
			if (memcmp(icv, digest, p.icv_len) != 0)
				fprintf(stderr, "\n%s (icv %u) failed\n", v->name, p.icv_len);
			op.decrypt = 1;
			memcpy(icv, digest, p.icv_len);
			CU_ASSERT_EQUAL(run1(&op), 0);
			icv[p.icv_len - 1] ^= 0x40;
			CU_ASSERT_EQUAL(run1(&op), -EBADMSG);
			sa_free(cs);
		}
	}
}

static void
test_crypto_mb_hmac_vectors(void)
{
	size_t i;

	for (i = 0; i < NELEM(hmac_sha1_vectors); i++)
		hmac_vector(&hmac_sha1_vectors[i]);
	for (i = 0; i < NELEM(hmac_sha2_vectors); i++)
		hmac_vector(&hmac_sha2_vectors[i]);
}

/* ---- round trips, tampering, bursts ---- */

static const uint32_t big_lens[] = { 100, 255, 256, 1000, 1420, 1500, 4000, 9000 };

/* Every proposal x lengths 0..64 and some large ones, in bursts mixing lengths and ESN. */
static void
test_crypto_mb_round_trip(void)
{
	static struct pkt pk[BURST_MAX];
	struct crypto_mb_op ops[BURST_MAX];
	size_t s, total = 0;
	uint32_t lens[65 + NELEM(big_lens)], nl = 0, i, j, b;

	for (i = 0; i <= 64; i++)
		lens[nl++] = i;
	for (i = 0; i < NELEM(big_lens); i++)
		lens[nl++] = big_lens[i];
	for (s = 0; s < NELEM(sweep); s++) {
		struct alg_proposal p = prop(sweep[s].kw, sweep[s].proto);
		struct crypto_mb_sa *cs = sa_random(&p, (uint32_t)s);

		for (b = 0; b < nl; b += BURST_MAX) {
			uint16_t n = (uint16_t)(nl - b < BURST_MAX ? nl - b : BURST_MAX);

			for (j = 0; j < n; j++) {
				pkt_build(&pk[j], cs, &p, cbc_round(&p, lens[b + j]),
				    (b + j) % 2 == 1, (uint32_t)(s * 1000 + b + j));
				ops[j] = pk[j].op;
			}
			CU_ASSERT_EQUAL(crypto_mb_run(wk_mgr, ops, n), n);
			for (j = 0; j < n; j++) {
				ops[j].decrypt = 1;
				if (p.cipher != ALG_CIPHER_NULL && p.cipher != ALG_CIPHER_NONE &&
				    p.cipher != ALG_CIPHER_AES_GMAC && pk[j].len >= 16)
					CU_ASSERT(memcmp(pk[j].buf + pk[j].op.cipher_off,
					              pk[j].plain, pk[j].len) != 0);
			}
			CU_ASSERT_EQUAL(crypto_mb_run(wk_mgr, ops, n), n);
			for (j = 0; j < n; j++) {
				uint32_t off = (uint32_t)(pk[j].op.iv - pk[j].buf) + cs->iv_len;

				if (ops[j].status != 0 ||
				    memcmp(pk[j].buf + off, pk[j].plain, pk[j].len) != 0) {
					fprintf(stderr, "\n%s len %u: status %d\n", sweep[s].kw,
					    pk[j].len, ops[j].status);
					CU_FAIL("round trip");
				}
				total++;
			}
		}
		sa_free(cs);
	}
	printf("\n    %zu proposals x %u lengths: %zu packets each way ", NELEM(sweep), nl, total);
}

/* Flip one bit of the ciphertext (or payload), of the AAD / ESP header, of the ICV: -EBADMSG. */
static void
test_crypto_mb_tamper(void)
{
	static struct pkt good, pk[3];
	struct crypto_mb_op ops[3];
	size_t s;
	int t, esn;

	for (s = 0; s < NELEM(sweep); s++) {
		struct alg_proposal p = prop(sweep[s].kw, sweep[s].proto);
		struct crypto_mb_sa *cs = sa_random(&p, (uint32_t)s + 77);

		for (esn = 0; esn < 2; esn++) {
			pkt_build(&good, cs, &p, 64, esn, (uint32_t)s);
			CU_ASSERT_EQUAL_FATAL(run1(&good.op), 0);
			for (t = 0; t < 3; t++) {
				pk[t] = good;
				ops[t] = good.op;
				ops[t].buf = pk[t].buf;
				ops[t].iv = pk[t].buf + (good.op.iv - good.buf);
				ops[t].icv = pk[t].buf + (good.op.icv - good.buf);
				if (good.op.aad == good.aad)
					ops[t].aad = pk[t].aad;
				else if (good.op.aad != NULL)
					ops[t].aad = pk[t].buf + (good.op.aad - good.buf);
				ops[t].decrypt = 1;
			}
			/* 0: a payload bit (ciphertext, or authenticated-only data). */
			pk[0].buf[(good.op.icv - good.buf) - 5] ^= 0x10;
			/* 1: an AAD bit: the SPI (of the ESN aad copy when apart), or AH. */
			if (ops[1].aad == pk[1].aad)
				pk[1].aad[9] ^= 0x01;
			else
				pk[1].buf[ESP_OFF + 1] ^= 0x01;
			/* 2: an ICV bit. */
			ops[2].icv[cs->icv_len - 1] ^= 0x80;
			CU_ASSERT_EQUAL(crypto_mb_run(wk_mgr, ops, 3), 0);
			for (t = 0; t < 3; t++) {
				if (ops[t].status != -EBADMSG) {
					fprintf(stderr, "\n%s esn %d tamper %d: status %d\n",
					    sweep[s].kw, esn, t, ops[t].status);
					CU_FAIL("tampered packet not refused");
				}
			}
		}
		sa_free(cs);
	}
}

/*
 * ESN with HMAC on the wire: seq_hi sits where the ICV goes, is MACed,
 * and the ICV written over it (it is written after hashing); on receive
 * the ICV is moved aside and seq_hi put in its place.  The result must
 * equal the ICV of the same bytes laid out apart.
 */
static void
test_crypto_mb_esn_icv_over_seq_hi(void)
{
	static const char *const kws[] = { "aes128-sha1", "aes256ctr-sha256", "null-sha384",
		"aes192-sha512" };
	static struct pkt apart, over;
	uint8_t icv[CRYPTO_MB_ICV_MAX];
	size_t s;

	for (s = 0; s < NELEM(kws); s++) {
		struct alg_proposal p = prop(kws[s], ALG_PROTO_ESP);
		struct crypto_mb_sa *cs = sa_random(&p, (uint32_t)s);

		pkt_build(&apart, cs, &p, cbc_round(&p, 50), true, 9);
		pkt_build(&over, cs, &p, cbc_round(&p, 50), true, 9);
		over.op.icv -= 4; /* onto seq_hi, the last 4 bytes of the auth region */
		CU_ASSERT_EQUAL(run1(&apart.op), 0);
		CU_ASSERT_EQUAL(run1(&over.op), 0);
		CU_ASSERT(memcmp(apart.op.icv, over.op.icv, cs->icv_len) == 0);
		/* Receive: ICV aside, seq_hi back in its place, verify. */
		memcpy(icv, over.op.icv, cs->icv_len);
		memcpy(over.op.icv, apart.aad + 4, 4);
		over.op.icv = icv;
		over.op.decrypt = 1;
		CU_ASSERT_EQUAL(run1(&over.op), 0);
		CU_ASSERT(memcmp(over.buf + over.op.cipher_off, over.plain, over.len) == 0 ||
		    p.cipher == ALG_CIPHER_NULL);
		sa_free(cs);
	}
}

/*
 * Job slots keep the template they last held (crypto_mb.c job_fill()): an
 * SA built again at the same address, with another proposal and key,
 * must not find its slots holding the old one.  300 packets (more than
 * the manager has slots) go through each; every packet of the SA built
 * in place must equal the same packet of one built elsewhere.
 */
#define SLOT_N 300
static void
test_crypto_mb_sa_rebuilt_in_place(void)
{
	static struct pkt a, b;
	struct alg_proposal p1 = prop("aes128-sha256", ALG_PROTO_ESP);
	struct alg_proposal p2 = prop("aes128-sha1", ALG_PROTO_ESP);
	struct crypto_mb_sa *cs = sa_random(&p1, 11), *ref;
	uint8_t enc[64], auth[128];
	unsigned int j, bad = 0;

	for (j = 0; j < SLOT_N; j++) {
		pkt_build(&a, cs, &p1, 64, false, j);
		CU_ASSERT_EQUAL(run1(&a.op), 0);
	}
	crypto_mb_sa_fini(cs);
	fill(enc, sizeof(enc), 12);
	fill(auth, sizeof(auth), 12 ^ 0x5a5a5a5a);
	CU_ASSERT_FATAL(crypto_mb_sa_init(cs, ctl_mgr, &p2, enc, auth) == 0);
	ref = sa_new(&p2, enc, auth);
	for (j = 0; j < SLOT_N; j++) {
		pkt_build(&a, cs, &p2, 64, false, j);
		pkt_build(&b, ref, &p2, 64, false, j);
		CU_ASSERT_EQUAL(run1(&a.op), 0);
		CU_ASSERT_EQUAL(run1(&b.op), 0);
		bad += a.end != b.end || memcmp(a.buf, b.buf, a.end) != 0;
	}
	CU_ASSERT_EQUAL(bad, 0);
	sa_free(ref);
	sa_free(cs);
}

/* 32 packets of different SAs and algorithms, every third one tampered: each status its own. */
static void
test_crypto_mb_mixed_burst(void)
{
	static struct pkt pk[BURST_MAX];
	struct crypto_mb_sa *sas[NELEM(sweep)];
	struct alg_proposal props[NELEM(sweep)];
	struct crypto_mb_op ops[BURST_MAX];
	uint16_t j, want_ok = 0;
	size_t s;

	for (s = 0; s < NELEM(sweep); s++) {
		props[s] = prop(sweep[s].kw, sweep[s].proto);
		sas[s] = sa_random(&props[s], (uint32_t)s * 3 + 1);
	}
	for (j = 0; j < BURST_MAX; j++) {
		s = (j * 7) % NELEM(sweep);
		pkt_build(&pk[j], sas[s], &props[s], cbc_round(&props[s], 40u + j * 13u),
		    j % 4 == 1, j);
		ops[j] = pk[j].op;
	}
	CU_ASSERT_EQUAL(crypto_mb_run(wk_mgr, ops, BURST_MAX), BURST_MAX);
	for (j = 0; j < BURST_MAX; j++) {
		ops[j].decrypt = 1;
		if (j % 3 == 0)
			ops[j].icv[0] ^= 0x01;
		else
			want_ok++;
	}
	CU_ASSERT_EQUAL(crypto_mb_run(wk_mgr, ops, BURST_MAX), want_ok);
	for (j = 0; j < BURST_MAX; j++) {
		uint32_t off = (uint32_t)(pk[j].op.iv - pk[j].buf) + ops[j].sa->iv_len;

		CU_ASSERT_EQUAL(ops[j].status, j % 3 == 0 ? -EBADMSG : 0);
		if (j % 3 != 0)
			CU_ASSERT(memcmp(pk[j].buf + off, pk[j].plain, pk[j].len) == 0);
		CU_ASSERT(ops[j].user == NULL);
	}
	for (s = 0; s < NELEM(sweep); s++)
		sa_free(sas[s]);
}

/*
 * crypto_mb_submit() leaves jobs in flight across calls: 600 packets of
 * every proposal in bursts, never flushed until the end (the manager's
 * job queue, IMB_MAX_JOBS long, wraps around on the way), with a
 * crypto_mb_run() of other packets in between (it completes its own ops
 * and, on the way, some of those in flight).  Each op's bytes and ICV must
 * equal those of the same packet run synchronously; decrypt the same way,
 * every fifth ICV tampered with.  With AVX2 / AVX-512 lanes some ops must
 * still be pending after their submit, or nothing was in flight.
 */
#define FLIGHT_N 600
/* Which SA packet @p j of test_crypto_mb_in_flight()'s @p shape uses, and its length. */
static uint32_t
flight_sa(unsigned int shape, uint32_t j)
{
	return shape == 0 ? (j * 11) % NELEM(sweep) : 12; /* 12: aes128-sha256 */
}

static uint32_t
flight_len(unsigned int shape, uint32_t j)
{
	static const uint32_t imix[12] = { 64, 594, 64, 64, 1420, 64, 594, 64, 594, 64, 64, 594 };

	return shape == 0 ? 16u + (j * 97u) % 1500u : imix[j % 12] + 2;
}

static void
test_crypto_mb_in_flight(void)
{
	static struct pkt a[FLIGHT_N], b[FLIGHT_N], mid[4];
	static struct crypto_mb_sa *sas[NELEM(sweep)];
	static struct alg_proposal props[NELEM(sweep)];
	struct crypto_mb_op *list[BURST_MAX], ops[4];
	unsigned int pending = 0, bad = 0, round, shape;
	uint32_t j, k, n, s, burst;

	for (s = 0; s < NELEM(sweep); s++) {
		props[s] = prop(sweep[s].kw, sweep[s].proto);
		sas[s] = sa_random(&props[s], s * 5 + 3);
	}
	/* Shape 0: every proposal, bursts of 23; shape 1: one CBC SA at IMIX, bursts of 32. */
	for (shape = 0; shape < 2; shape++) {
		burst = shape == 0 ? 23 : BURST_MAX;
		for (j = 0; j < FLIGHT_N; j++) {
			s = flight_sa(shape, j);
			pkt_build(&a[j], sas[s], &props[s],
			    cbc_round(&props[s], flight_len(shape, j)), j % 5 == 2, j + 1);
			b[j] = a[j];
			b[j].op.buf = b[j].buf;
			b[j].op.iv = b[j].buf + (a[j].op.iv - a[j].buf);
			b[j].op.icv = b[j].buf + (a[j].op.icv - a[j].buf);
			if (a[j].op.aad == a[j].aad)
				b[j].op.aad = b[j].aad;
			else if (a[j].op.aad != NULL)
				b[j].op.aad = b[j].buf + (a[j].op.aad - a[j].buf);
			CU_ASSERT_EQUAL(run1(&b[j].op), 0);
		}
		for (round = 0; round < 2; round++) {
			for (j = 0; j < FLIGHT_N; j += n) {
				n = FLIGHT_N - j < burst ? FLIGHT_N - j : burst;
				for (k = 0; k < n; k++)
					list[k] = &a[j + k].op;
				crypto_mb_submit(wk_mgr, list, (uint16_t)n);
				for (k = 0; k < n; k++)
					pending += a[j + k].op.status == CRYPTO_MB_PENDING;
				if (j / burst == 4 ||
				    j / burst == 17) { /* a synchronous run meanwhile */
					for (k = 0; k < 4; k++) {
						s = 12 + k; /* CBC and HMAC proposals */
						pkt_build(&mid[k], sas[s], &props[s], 64, false,
						    900 + k);
						ops[k] = mid[k].op;
					}
					CU_ASSERT_EQUAL(crypto_mb_run(wk_mgr, ops, 4), 4);
				}
			}
			crypto_mb_flush(wk_mgr);
			for (j = 0; j < FLIGHT_N; j++) {
				uint32_t off =
				    (uint32_t)(a[j].op.iv - a[j].buf) + a[j].op.sa->iv_len;
				int16_t want = round == 1 && j % 5 == 4 ? -EBADMSG : 0;
				const char *kw = sweep[flight_sa(shape, j)].kw;

				if (a[j].op.status != want) {
					fprintf(stderr, "\n%s #%u shape %u round %u: status %d\n",
					    kw, j, shape, round, a[j].op.status);
					bad++;
				} else if (round == 0 &&
				    memcmp(a[j].buf, b[j].buf, a[j].end) != 0) {
					fprintf(stderr,
					    "\n%s #%u shape %u: not as the synchronous run\n", kw,
					    j, shape);
					bad++;
				} else if (round == 1 && want == 0 &&
				    memcmp(a[j].buf + off, a[j].plain, a[j].len) != 0) {
					fprintf(stderr, "\n%s #%u shape %u: plaintext differs\n",
					    kw, j, shape);
					bad++;
				}
				if (round == 0) { /* the way back; every fifth ICV tampered with */
					a[j].op.decrypt = 1;
					if (j % 5 == 4)
						a[j].op.icv[0] ^= 0x20;
				}
			}
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	printf("\n    2 x %u packets each way, %u ops left in flight by their submit (%s) ",
	    FLIGHT_N, pending, crypto_mb_arch_name());
	if (strcmp(crypto_mb_arch_name(), "avx512") == 0 ||
	    strcmp(crypto_mb_arch_name(), "avx2") == 0)
		CU_ASSERT(pending > 0);
	for (s = 0; s < NELEM(sweep); s++)
		sa_free(sas[s]);
}

/* Bad ops get -EINVAL without costing the others of their burst; more than BURST_MAX ops run. */
static void
test_crypto_mb_bad_ops(void)
{
	static struct pkt pk[40];
	struct alg_proposal cbc = prop("aes128-sha256", ALG_PROTO_ESP);
	struct alg_proposal gcm = prop("aes128gcm16", ALG_PROTO_ESP);
	struct crypto_mb_sa *a = sa_random(&cbc, 1), *g = sa_random(&gcm, 2);
	struct crypto_mb_op ops[40];
	uint16_t j;

	for (j = 0; j < 40; j++) {
		pkt_build(&pk[j], j % 2 ? g : a, j % 2 ? &gcm : &cbc, 48, false, j);
		ops[j] = pk[j].op;
	}
	ops[3].cipher_len = 47;     /* GCM: any length is fine */
	ops[4].cipher_len = 47;     /* CBC: not a multiple of 16 */
	ops[6].auth_len = 0;        /* HMAC over nothing */
	ops[8].icv = NULL;          /* nowhere to put the ICV */
	ops[9].iv = NULL;           /* GCM without its IV */
	ops[10].sa = NULL;          /* no SA */
	ops[35].cipher_len = 70000; /* longer than any packet */
	CU_ASSERT_EQUAL(crypto_mb_run(wk_mgr, ops, 40), 40 - 6);
	for (j = 0; j < 40; j++) {
		bool bad = j == 4 || j == 6 || j == 8 || j == 9 || j == 10 || j == 35;

		CU_ASSERT_EQUAL(ops[j].status, bad ? -EINVAL : 0);
	}
	CU_ASSERT_EQUAL(crypto_mb_run(wk_mgr, ops, 0), 0);
#ifndef NDEBUG
	{
		/*
		 * A job intel-ipsec-mb's checked submit refuses (here a template
		 * with an impossible key length) fails alone: the other jobs of
		 * the burst still complete.  (AES-GCM goes through the direct
		 * API, without a job: the jobs here are AES-CBC + HMAC.)
		 */
		struct crypto_mb_sa *bad = sa_random(&cbc, 3);

		bad->tmpl[0].key_len_in_bytes = 17;
		for (j = 0; j < 8; j++) {
			pkt_build(&pk[j], j == 2 || j == 5 ? bad : a, &cbc, 48, false, j);
			ops[j] = pk[j].op;
		}
		CU_ASSERT_EQUAL(crypto_mb_run(wk_mgr, ops, 8), 6);
		for (j = 0; j < 8; j++)
			CU_ASSERT_EQUAL(ops[j].status, j == 2 || j == 5 ? -EINVAL : 0);
		sa_free(bad);
	}
#endif
	sa_free(a);
	sa_free(g);
}

static void
test_crypto_mb_sa_init_rejects(void)
{
	struct crypto_mb_sa *cs = aligned_alloc(RTE_CACHE_LINE_SIZE, sizeof(*cs));
	uint8_t key[128] = { 1 };
	struct alg_proposal p;
	size_t i;

	CU_ASSERT_FATAL(cs != NULL);
	p = prop("aes128gcm16", ALG_PROTO_ESP);
	p.cipher_key_len = 20;
	CU_ASSERT_EQUAL(crypto_mb_sa_init(cs, ctl_mgr, &p, key, NULL), -EINVAL);
	p = prop("aes128gcm16", ALG_PROTO_ESP);
	p.icv_len = 10;
	CU_ASSERT_EQUAL(crypto_mb_sa_init(cs, ctl_mgr, &p, key, NULL), -EINVAL);
	p = prop("aes128gcm16", ALG_PROTO_ESP);
	CU_ASSERT_EQUAL(crypto_mb_sa_init(cs, ctl_mgr, &p, NULL, NULL), -EINVAL);
	p = prop("aes128-sha256", ALG_PROTO_ESP);
	CU_ASSERT_EQUAL(crypto_mb_sa_init(cs, ctl_mgr, &p, key, NULL), -EINVAL);
	p.icv_len = 20;
	CU_ASSERT_EQUAL(crypto_mb_sa_init(cs, ctl_mgr, &p, key, key), -EINVAL);
	p = prop("chacha20poly1305", ALG_PROTO_ESP);
	p.cipher_key_len = 16;
	CU_ASSERT_EQUAL(crypto_mb_sa_init(cs, ctl_mgr, &p, key, NULL), -EINVAL);
	p = prop("sha256", ALG_PROTO_AH);
	p.auth = ALG_AUTH_NONE;
	CU_ASSERT_EQUAL(crypto_mb_sa_init(cs, ctl_mgr, &p, NULL, key), -EINVAL);
	/* A failed init leaves no key byte behind. */
	for (i = 0; i < sizeof(*cs); i++)
		if (((uint8_t *)cs)[i] != 0)
			break;
	CU_ASSERT_EQUAL(i, sizeof(*cs));
	/* fini wipes an initialised SA. */
	p = prop("aes256-sha512", ALG_PROTO_ESP);
	CU_ASSERT_EQUAL_FATAL(crypto_mb_sa_init(cs, ctl_mgr, &p, key, key), 0);
	crypto_mb_sa_fini(cs);
	for (i = 0; i < sizeof(*cs); i++)
		if (((uint8_t *)cs)[i] != 0)
			break;
	CU_ASSERT_EQUAL(i, sizeof(*cs));
	free(cs);
}

/* ---- Wycheproof ---- */

/*
 * A minimal JSON reader for Wycheproof's files: a tree of values; strings
 * stay escaped (the fields used are hex and plain words).
 */
enum jtype {
	J_NULL,
	J_BOOL,
	J_NUM,
	J_STR,
	J_ARR,
	J_OBJ,
};

struct jv {
	enum jtype t;
	const char *key; /* member name inside an object */
	const char *s;   /* J_STR: NUL-terminated in place */
	double num;
	struct jv *kid, *next;
};

static void
jfree(struct jv *v)
{
	while (v != NULL) {
		struct jv *next = v->next;

		jfree(v->kid);
		free(v);
		v = next;
	}
}

static char *
jws(char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
		p++;
	return p;
}

/* Parse a string at *pp (on its opening quote), terminate it in place. */
static char *
jstring(char **pp)
{
	char *p = *pp + 1, *s = p;

	while (*p != '"' && *p != '\0')
		p += *p == '\\' && p[1] != '\0' ? 2 : 1;
	if (*p != '"')
		return NULL;
	*p = '\0';
	*pp = p + 1;
	return s;
}

static struct jv *jvalue(char **pp, int depth);

static struct jv *
jcontainer(char **pp, int depth, char close)
{
	struct jv *v = calloc(1, sizeof(*v)), **tail;
	char *p = jws(*pp + 1);

	if (v == NULL)
		return NULL;
	v->t = close == '}' ? J_OBJ : J_ARR;
	tail = &v->kid;
	while (*p != close) {
		const char *key = NULL;
		struct jv *k;

		if (close == '}') {
			if (*p != '"' || (key = jstring(&p)) == NULL)
				goto fail;
			p = jws(p);
			if (*p++ != ':')
				goto fail;
		}
		if ((k = jvalue(&p, depth + 1)) == NULL)
			goto fail;
		k->key = key;
		*tail = k;
		tail = &k->next;
		p = jws(p);
		if (*p == ',')
			p = jws(p + 1);
		else if (*p != close)
			goto fail;
	}
	*pp = p + 1;
	return v;
fail:
	jfree(v);
	return NULL;
}

static struct jv *
jvalue(char **pp, int depth)
{
	char *p = jws(*pp), *end;
	struct jv *v;

	if (depth > 32)
		return NULL;
	if (*p == '{' || *p == '[') {
		v = jcontainer(&p, depth, *p == '{' ? '}' : ']');
		*pp = p;
		return v;
	}
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return NULL;
	if (*p == '"') {
		v->t = J_STR;
		if ((v->s = jstring(&p)) == NULL)
			goto fail;
	} else if (strncmp(p, "true", 4) == 0 || strncmp(p, "false", 5) == 0) {
		v->t = J_BOOL;
		v->num = *p == 't';
		p += *p == 't' ? 4 : 5;
	} else if (strncmp(p, "null", 4) == 0) {
		v->t = J_NULL;
		p += 4;
	} else {
		v->t = J_NUM;
		v->num = strtod(p, &end);
		if (end == p)
			goto fail;
		p = end;
	}
	*pp = p;
	return v;
fail:
	free(v);
	return NULL;
}

static struct jv *
jget(const struct jv *o, const char *key)
{
	const struct jv *k;

	for (k = o != NULL ? o->kid : NULL; k != NULL; k = k->next)
		if (k->key != NULL && strcmp(k->key, key) == 0)
			return (struct jv *)(uintptr_t)k;
	return NULL;
}

static const char *
jstr(const struct jv *o, const char *key)
{
	const struct jv *v = jget(o, key);

	return v != NULL && v->t == J_STR ? v->s : "";
}

static int
jint(const struct jv *o, const char *key)
{
	const struct jv *v = jget(o, key);

	return v != NULL && v->t == J_NUM ? (int)v->num : -1;
}

static char wp_dir[4096];

/* Read and parse one file of the Wycheproof directory; NULL (and *text NULL) when absent. */
static struct jv *
wp_load(const char *name, char **text)
{
	char path[4200];
	struct jv *root;
	FILE *f;
	long n;
	char *p;

	*text = NULL;
	snprintf(path, sizeof(path), "%s/%s", wp_dir, name);
	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    (*text = malloc((size_t)n + 1)) == NULL || fread(*text, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(*text);
		*text = NULL;
		return NULL;
	}
	fclose(f);
	(*text)[n] = '\0';
	p = *text;
	root = jvalue(&p, 0);
	CU_ASSERT(root != NULL);
	return root;
}

struct wp_count {
	unsigned int groups, groups_skipped, valid, invalid, acceptable, skipped, failed;
	const char *why; /* the reason cases were skipped */
};

static void
wp_report(const char *file, const struct wp_count *c)
{
	printf("\n    wycheproof %s: groups run %u, skipped %u; "
	       "cases run %u (valid %u, invalid %u, acceptable %u), skipped %u%s%s%s, failed %u ",
	    file, c->groups, c->groups_skipped, c->valid + c->invalid + c->acceptable, c->valid,
	    c->invalid, c->acceptable, c->skipped, c->why != NULL ? " (" : "",
	    c->why != NULL ? c->why : "", c->why != NULL ? ")" : "", c->failed);
	CU_ASSERT_EQUAL(c->failed, 0);
}

/* Count a case by its result; @p good says whether crypto_mb agreed with the file. */
static void
wp_tally(struct wp_count *c, const struct jv *t, bool good)
{
	const char *r = jstr(t, "result");

	if (strcmp(r, "valid") == 0)
		c->valid++;
	else if (strcmp(r, "invalid") == 0)
		c->invalid++;
	else
		c->acceptable++; /* either outcome is allowed: nothing to fail */
	if (!good && strcmp(r, "acceptable") != 0) {
		c->failed++;
		fprintf(stderr, "\n  tcId %d (%s) disagrees\n", jint(t, "tcId"), r);
	}
}

static bool
wp_absent(void)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/aes_gcm_test.json", wp_dir);
	if (access(path, R_OK) == 0)
		return false;
	printf("\n    skipped: Wycheproof vectors not found at %s ", wp_dir);
	return true;
}

static uint8_t wp_a[600], wp_m[BUF_MAX], wp_c[BUF_MAX], wp_t[64], wp_k[160], wp_iv[300];

/* AES-GCM or ChaCha20-Poly1305 AEAD groups with a 96-bit nonce, as ESP would run them. */
static void
wp_aead(const char *file, bool chacha)
{
	struct wp_count c = { 0 };
	struct crypto_mb_op op;
	const struct jv *g, *t;
	struct jv *root;
	char *text;

	if (wp_absent() || (root = wp_load(file, &text)) == NULL)
		return;
	for (g = jget(root, "testGroups")->kid; g != NULL; g = g->next) {
		int iv = jint(g, "ivSize"), ks = jint(g, "keySize"), ts = jint(g, "tagSize");
		char kw[32];

		/* ESP's nonce is salt (32 bits) || IV (64 bits); its tags are 8, 12 or 16 bytes. */
		if (iv != 96 || (ts != 128 && (chacha || (ts != 96 && ts != 64)))) {
			c.groups_skipped++;
			continue;
		}
		c.groups++;
		if (chacha)
			snprintf(kw, sizeof(kw), "chacha20poly1305");
		else
			snprintf(kw, sizeof(kw), "aes%dgcm%d", ks, ts / 8);
		for (t = jget(g, "tests")->kid; t != NULL; t = t->next) {
			struct alg_proposal p = prop(kw, ALG_PROTO_ESP);
			size_t kl = unhex(jstr(t, "key"), wp_k, sizeof(wp_k));
			size_t al = unhex(jstr(t, "aad"), wp_a, sizeof(wp_a));
			size_t ml = unhex(jstr(t, "msg"), wp_m, sizeof(wp_m));
			size_t tl = unhex(jstr(t, "tag"), wp_t, sizeof(wp_t));
			struct crypto_mb_sa *cs;
			bool valid = strcmp(jstr(t, "result"), "invalid") != 0, good = true;
			uint8_t tag[16];

			unhex(jstr(t, "iv"), wp_iv, sizeof(wp_iv));
			unhex(jstr(t, "ct"), wp_c, sizeof(wp_c));
			if (al > UINT8_MAX || tl != p.icv_len || kl != p.cipher_key_len) {
				c.skipped++;
				c.why =
				    "AAD over 255 bytes: aad_len is 8 bits, ESP's AAD is 8 or 12";
				continue;
			}
			memcpy(wp_k + kl, wp_iv, 4);
			cs = sa_new(&p, wp_k, NULL);
			memset(&op, 0, sizeof(op));
			op.sa = cs;
			op.aad = wp_a;
			op.aad_len = (uint8_t)al;
			op.iv = wp_iv + 4;
			if (valid) {
				op.buf = wp_m;
				op.cipher_len = (uint32_t)ml;
				op.icv = tag;
				good = run1(&op) == 0 && memcmp(wp_m, wp_c, ml) == 0 &&
				    memcmp(tag, wp_t, tl) == 0;
				unhex(jstr(t, "msg"), wp_m, sizeof(wp_m));
			}
			op.buf = wp_c;
			op.cipher_len = (uint32_t)ml;
			op.icv = wp_t;
			op.decrypt = 1;
			if (valid)
				good = good && run1(&op) == 0 && memcmp(wp_c, wp_m, ml) == 0;
			else
				good = run1(&op) == -EBADMSG;
			wp_tally(&c, t, good);
			sa_free(cs);
		}
	}
	wp_report(file, &c);
	jfree(root);
	free(text);
}

static void
test_crypto_mb_wycheproof_aes_gcm(void)
{
	wp_aead("aes_gcm_test.json", false);
}

static void
test_crypto_mb_wycheproof_chacha20_poly1305(void)
{
	wp_aead("chacha20_poly1305_test.json", true);
}

/*
 * AES-GMAC groups with a 96-bit nonce, each case three ways: AH (the
 * message is the AAD region), ESP with the first 8 bytes as the
 * contiguous SPI||seq AAD (one burst job), and ESP with up to 12 bytes
 * of AAD held apart (the ESN path).
 */
static void
test_crypto_mb_wycheproof_aes_gmac(void)
{
	struct wp_count c = { 0 };
	const struct jv *g, *t;
	struct jv *root;
	char *text;

	if (wp_absent() || (root = wp_load("aes_gmac_test.json", &text)) == NULL)
		return;
	for (g = jget(root, "testGroups")->kid; g != NULL; g = g->next) {
		int ks = jint(g, "keySize");
		char kw[32];

		if (jint(g, "ivSize") != 96 || jint(g, "tagSize") != 128) {
			c.groups_skipped++;
			continue;
		}
		c.groups++;
		snprintf(kw, sizeof(kw), "aes%dgmac", ks);
		for (t = jget(g, "tests")->kid; t != NULL; t = t->next) {
			struct alg_proposal ah = prop(kw, ALG_PROTO_AH),
			                    esp = prop(kw, ALG_PROTO_ESP);
			size_t kl = unhex(jstr(t, "key"), wp_k, sizeof(wp_k));
			size_t ml = unhex(jstr(t, "msg"), wp_m, sizeof(wp_m));
			bool valid = strcmp(jstr(t, "result"), "invalid") != 0, good = true;
			struct crypto_mb_sa *sa_ah, *sa_esp;
			struct crypto_mb_op op[3];
			uint8_t tag[16], apart[12];
			size_t al = ml < 12 ? ml : 12;
			int w;

			unhex(jstr(t, "iv"), wp_iv, sizeof(wp_iv));
			unhex(jstr(t, "tag"), wp_t, sizeof(wp_t));
			memcpy(wp_k + kl, wp_iv, 4);
			sa_ah = sa_new(&ah, NULL, wp_k);
			sa_esp = sa_new(&esp, wp_k, NULL);
			memcpy(apart, wp_m, al);
			memset(op, 0, sizeof(op));
			op[0].sa = sa_ah;
			op[0].auth_len = (uint32_t)ml;
			op[1].sa = sa_esp;
			op[1].aad = wp_m;
			op[1].aad_len = ml >= 8 ? 8 : 0;
			op[1].auth_off = op[1].aad_len;
			op[1].auth_len = (uint32_t)(ml - op[1].aad_len);
			op[2].sa = sa_esp;
			op[2].aad = apart;
			op[2].aad_len = (uint8_t)al;
			op[2].auth_off = (uint32_t)al;
			op[2].auth_len = (uint32_t)(ml - al);
			for (w = 0; w < 3; w++) {
				op[w].buf = wp_m;
				op[w].iv = wp_iv + 4;
				if (valid) {
					op[w].icv = tag;
					good =
					    good && run1(&op[w]) == 0 && memcmp(tag, wp_t, 16) == 0;
				}
				op[w].icv = wp_t;
				op[w].decrypt = 1;
				good = good && run1(&op[w]) == (valid ? 0 : -EBADMSG);
			}
			wp_tally(&c, t, good);
			sa_free(sa_ah);
			sa_free(sa_esp);
		}
	}
	wp_report("aes_gmac_test.json", &c);
	jfree(root);
	free(text);
}

/* HMAC groups whose tag size is an IPsec ICV (truncated) or the full digest, through AH. */
static void
wp_hmac(const char *file, const char *ah_kw)
{
	struct wp_count c = { 0 };
	const struct jv *g, *t;
	struct jv *root;
	char *text;

	if (wp_absent() || (root = wp_load(file, &text)) == NULL)
		return;
	for (g = jget(root, "testGroups")->kid; g != NULL; g = g->next) {
		struct alg_proposal p = prop(ah_kw, ALG_PROTO_AH);
		int ts = jint(g, "tagSize") / 8;
		int full = p.auth == ALG_AUTH_HMAC_SHA1_96 ? 20 : p.icv_len * 2;

		if (ts != p.icv_len && ts != full) {
			c.groups_skipped++;
			continue;
		}
		c.groups++;
		p.icv_len = (uint8_t)ts;
		for (t = jget(g, "tests")->kid; t != NULL; t = t->next) {
			size_t kl = unhex(jstr(t, "key"), wp_k, sizeof(wp_k));
			size_t ml = unhex(jstr(t, "msg"), wp_m, sizeof(wp_m));
			bool valid = strcmp(jstr(t, "result"), "invalid") != 0, good = true;
			struct crypto_mb_sa *cs;
			struct crypto_mb_op op;
			uint8_t tag[64];

			if (ml == 0) {
				c.skipped++;
				c.why = "empty message: IMB will not HMAC 0 bytes, ESP/AH never do";
				continue;
			}
			unhex(jstr(t, "tag"), wp_t, sizeof(wp_t));
			p.auth_key_len = (uint16_t)kl;
			cs = sa_new(&p, NULL, wp_k);
			memset(&op, 0, sizeof(op));
			op.sa = cs;
			op.buf = wp_m;
			op.auth_len = (uint32_t)ml;
			if (valid) {
				op.icv = tag;
				good = run1(&op) == 0 && memcmp(tag, wp_t, (size_t)ts) == 0;
			}
			op.icv = wp_t;
			op.decrypt = 1;
			good = good && run1(&op) == (valid ? 0 : -EBADMSG);
			wp_tally(&c, t, good);
			sa_free(cs);
		}
	}
	wp_report(file, &c);
	jfree(root);
	free(text);
}

static void
test_crypto_mb_wycheproof_hmac(void)
{
	wp_hmac("hmac_sha1_test.json", "sha1");
	wp_hmac("hmac_sha256_test.json", "sha256");
	wp_hmac("hmac_sha384_test.json", "sha384");
	wp_hmac("hmac_sha512_test.json", "sha512");
}

/* ---- suite ---- */

static int
suite_init(void)
{
	char prefix[64];
	char *argv[] = { "test_crypto_mb", "--no-huge", "-m", "64", "--no-pci", "-l", "0",
		"--log-level=error", "--no-shconf", "--no-telemetry", prefix, NULL };
	const char *env = getenv(WYCHEPROOF_ENV);

	snprintf(wp_dir, sizeof(wp_dir), "%s", env != NULL && *env != '\0' ? env : WYCHEPROOF_DIR);
	snprintf(prefix, sizeof(prefix), "--file-prefix=fipt-cm-%d", (int)getpid());
	if (rte_eal_init(11, argv) < 0)
		return -1;
	ctl_mgr = crypto_mb_create(SOCKET_ID_ANY);
	wk_mgr = crypto_mb_create(SOCKET_ID_ANY);
	if (ctl_mgr == NULL || wk_mgr == NULL)
		return -1;
#ifdef NDEBUG
	printf("\nintel-ipsec-mb %s, %s manager, unchecked submit (NDEBUG)\n", crypto_mb_version(),
	    crypto_mb_arch_name());
#else
	printf("\nintel-ipsec-mb %s, %s manager, checked submit\n", crypto_mb_version(),
	    crypto_mb_arch_name());
#endif
	return 0;
}

static int
suite_fini(void)
{
	char rundir[PATH_MAX];

	crypto_mb_destroy(ctl_mgr);
	crypto_mb_destroy(wk_mgr);
	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	rmdir(rundir); /* --no-shconf leaves it empty */
	return 0;
}

int
main(void)
{
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{ "test_crypto_mb_sa_init_rejects", test_crypto_mb_sa_init_rejects },
		{ "test_crypto_mb_gcm_vectors", test_crypto_mb_gcm_vectors },
		{ "test_crypto_mb_chacha20_poly1305_vector",
		    test_crypto_mb_chacha20_poly1305_vector },
		{ "test_crypto_mb_gmac_vector", test_crypto_mb_gmac_vector },
		{ "test_crypto_mb_cbc_vectors", test_crypto_mb_cbc_vectors },
		{ "test_crypto_mb_ctr_vectors", test_crypto_mb_ctr_vectors },
		{ "test_crypto_mb_hmac_vectors", test_crypto_mb_hmac_vectors },
		{ "test_crypto_mb_round_trip", test_crypto_mb_round_trip },
		{ "test_crypto_mb_tamper", test_crypto_mb_tamper },
		{ "test_crypto_mb_esn_icv_over_seq_hi", test_crypto_mb_esn_icv_over_seq_hi },
		{ "test_crypto_mb_mixed_burst", test_crypto_mb_mixed_burst },
		{ "test_crypto_mb_sa_rebuilt_in_place", test_crypto_mb_sa_rebuilt_in_place },
		{ "test_crypto_mb_in_flight", test_crypto_mb_in_flight },
		{ "test_crypto_mb_bad_ops", test_crypto_mb_bad_ops },
		{ "test_crypto_mb_wycheproof_aes_gcm", test_crypto_mb_wycheproof_aes_gcm },
		{ "test_crypto_mb_wycheproof_aes_gmac", test_crypto_mb_wycheproof_aes_gmac },
		{ "test_crypto_mb_wycheproof_chacha20_poly1305",
		    test_crypto_mb_wycheproof_chacha20_poly1305 },
		{ "test_crypto_mb_wycheproof_hmac", test_crypto_mb_wycheproof_hmac },
	};
	CU_pSuite s;
	unsigned int fails;
	size_t i;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("crypto_mb", suite_init, suite_fini);
	for (i = 0; i < NELEM(tests); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return fails == 0 ? 0 : 1;
}
