/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/slowpath/ike/test_ikev2_crypt.c: the IKEv2 Encrypted payload and fragments: strongSwan's messages, round trips, tampering, reassembly. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "common/limits.h"
#include "slowpath/ike/ike_crypto.h"
#include "slowpath/ike/ike_payload.h"
#include "slowpath/ike/ikev2_crypt.h"
#include "slowpath/ike/ikev2_msg.h"
#include "tests/vectors/ikev2/strongswan_ikev2.h"

#define DIM(a) (sizeof(a) / sizeof((a)[0]))

static uint8_t msg[IKE_MSG_MAX];
static uint8_t pt[IKE_MSG_MAX];
static struct ikev2_msg m;

/* The algorithm sets under test (key material lengths as RFC 7296 §2.14 takes them). */
static const struct alg {
	const char *name;
	uint16_t encr, integ;
	size_t ek_len, ak_len;
} algs[] = {
	{ "aes128-sha256", IKE_CRYPTO_ENCR_AES_CBC, IKE_CRYPTO_INTEG_HMAC_SHA2_256_128, 16, 32 },
	{ "aes256-sha256", IKE_CRYPTO_ENCR_AES_CBC, IKE_CRYPTO_INTEG_HMAC_SHA2_256_128, 32, 32 },
	{ "aes128-sha384", IKE_CRYPTO_ENCR_AES_CBC, IKE_CRYPTO_INTEG_HMAC_SHA2_384_192, 16, 48 },
	{ "aes256-sha384", IKE_CRYPTO_ENCR_AES_CBC, IKE_CRYPTO_INTEG_HMAC_SHA2_384_192, 32, 48 },
	{ "aes128-sha512", IKE_CRYPTO_ENCR_AES_CBC, IKE_CRYPTO_INTEG_HMAC_SHA2_512_256, 16, 64 },
	{ "aes256-sha512", IKE_CRYPTO_ENCR_AES_CBC, IKE_CRYPTO_INTEG_HMAC_SHA2_512_256, 32, 64 },
	{ "aes128gcm16", IKE_CRYPTO_ENCR_AES_GCM_16, 0, 20, 0 },
	{ "aes256gcm16", IKE_CRYPTO_ENCR_AES_GCM_16, 0, 36, 0 },
};

static void
keys_random(struct ikev2_crypt_keys *k, const struct alg *a)
{
	uint8_t ek[IKE_CRYPTO_ENCR_KEY_MAX], ak[IKE_CRYPTO_INTEG_KEY_MAX];

	CU_ASSERT_EQUAL_FATAL(ike_crypto_random(ek, sizeof(ek)), 0);
	CU_ASSERT_EQUAL_FATAL(ike_crypto_random(ak, sizeof(ak)), 0);
	CU_ASSERT_EQUAL_FATAL(ikev2_crypt_keys_init(k, a->encr, a->integ, ek, a->ek_len, ak,
	                          a->ak_len),
	    0);
}

/* charon's listing names (see test_ikev2_msg.c) for the IKE_AUTH payloads. */
static bool
matches_listing(const struct ikev2_msg *mm, const char *list)
{
	static const struct {
		const char *tok;
		uint8_t type;
		uint16_t notify;
	} names[] = {
		{ "IDi", IKEV2_PL_IDI, 0 },
		{ "IDr", IKEV2_PL_IDR, 0 },
		{ "AUTH", IKEV2_PL_AUTH, 0 },
		{ "SA", IKEV2_PL_SA, 0 },
		{ "TSi", IKEV2_PL_TSI, 0 },
		{ "TSr", IKEV2_PL_TSR, 0 },
		{ "N(INIT_CONTACT)", IKEV2_PL_NOTIFY, IKEV2_N_INITIAL_CONTACT },
		{ "N(MOBIKE_SUP)", IKEV2_PL_NOTIFY, IKEV2_N_MOBIKE_SUPPORTED },
		{ "N(NO_ADD_ADDR)", IKEV2_PL_NOTIFY, 16399 }, /* RFC 4555 NO_ADDITIONAL_ADDRESSES */
		{ "N(MULT_AUTH)", IKEV2_PL_NOTIFY, IKEV2_N_MULTIPLE_AUTH_SUPPORTED },
		{ "N(EAP_ONLY)", IKEV2_PL_NOTIFY, IKEV2_N_EAP_ONLY_AUTHENTICATION },
		{ "N(MSG_ID_SYN_SUP)", IKEV2_PL_NOTIFY, 16420 },
	};
	char copy[512], *tok, *save = NULL;
	unsigned int i = 0, n = 0, k;
	bool found;

	/* only the inner payloads: skip the outer SK */
	while (i < mm->n_payloads && !mm->payloads[i].inner)
		i++;
	snprintf(copy, sizeof(copy), "%s", list);
	for (tok = strtok_r(copy, " ", &save); tok != NULL; tok = strtok_r(NULL, " ", &save)) {
		if (i >= mm->n_payloads)
			return false;
		found = false;
		for (k = 0; k < DIM(names); k++) {
			if (strcmp(tok, names[k].tok) != 0)
				continue;
			found = mm->payloads[i].type == names[k].type &&
			    (names[k].notify == 0 ||
			        (n < mm->n_notifies && mm->notifies[n].type == names[k].notify));
		}
		if (mm->payloads[i].type == IKEV2_PL_NOTIFY)
			n++;
		if (!found) {
			printf("\n  listing token %s: payload %u has type %u\n", tok, i,
			    mm->payloads[i].type);
			return false;
		}
		i++;
	}
	return i == mm->n_payloads;
}

/*
 * strongSwan's IKE_AUTH request and response of both SAs, checked with the
 * keys charon logged: the ICV verifies, the plaintext is byte for byte what
 * charon decrypted, and our parser reads it as charon listed it.
 */
static void
test_ikev2_crypt_strongswan(void)
{
	static const struct {
		const char *what;
		const uint8_t *msg;
		size_t len;
		uint16_t encr, integ;
		const uint8_t *ek, *ak;
		size_t ek_len, ak_len;
		const uint8_t *plain;
		size_t plain_len;
		const char *list;
		bool request;
	} cases[] = {
		{ "cbc request", ss_cbc_auth_req, sizeof(ss_cbc_auth_req), IKE_CRYPTO_ENCR_AES_CBC,
		    IKE_CRYPTO_INTEG_HMAC_SHA2_256_128, ss_cbc_sk_ei, ss_cbc_sk_ai,
		    sizeof(ss_cbc_sk_ei), sizeof(ss_cbc_sk_ai), ss_cbc_auth_req_plain,
		    sizeof(ss_cbc_auth_req_plain), ss_cbc_auth_req_list, true },
		{ "cbc response", ss_cbc_auth_resp, sizeof(ss_cbc_auth_resp),
		    IKE_CRYPTO_ENCR_AES_CBC, IKE_CRYPTO_INTEG_HMAC_SHA2_256_128, ss_cbc_sk_er,
		    ss_cbc_sk_ar, sizeof(ss_cbc_sk_er), sizeof(ss_cbc_sk_ar),
		    ss_cbc_auth_resp_plain, sizeof(ss_cbc_auth_resp_plain), ss_cbc_auth_resp_list,
		    false },
		{ "gcm request", ss_gcm_auth_req, sizeof(ss_gcm_auth_req),
		    IKE_CRYPTO_ENCR_AES_GCM_16, 0, ss_gcm_sk_ei, NULL, sizeof(ss_gcm_sk_ei), 0,
		    ss_gcm_auth_req_plain, sizeof(ss_gcm_auth_req_plain), ss_gcm_auth_req_list,
		    true },
		{ "gcm response", ss_gcm_auth_resp, sizeof(ss_gcm_auth_resp),
		    IKE_CRYPTO_ENCR_AES_GCM_16, 0, ss_gcm_sk_er, NULL, sizeof(ss_gcm_sk_er), 0,
		    ss_gcm_auth_resp_plain, sizeof(ss_gcm_auth_resp_plain), ss_gcm_auth_resp_list,
		    false },
	};
	static uint8_t copy[1024];
	struct ikev2_crypt_keys k;
	const struct ikev2_id *id;
	size_t i;
	int n;

	for (i = 0; i < DIM(cases); i++) {
		CU_ASSERT_EQUAL_FATAL(ikev2_crypt_keys_init(&k, cases[i].encr, cases[i].integ,
		                          cases[i].ek, cases[i].ek_len, cases[i].ak,
		                          cases[i].ak_len),
		    0);
		CU_ASSERT_EQUAL_FATAL(ikev2_msg_parse(cases[i].msg, cases[i].len, &m), 0);
		CU_ASSERT_EQUAL(m.hdr.exchange, IKEV2_EXCH_IKE_AUTH);
		CU_ASSERT_EQUAL(m.hdr.msgid, 1);
		CU_ASSERT_FATAL(m.has_sk);
		n = ikev2_crypt_unprotect(&k, &m, pt, sizeof(pt));
		if (n != (int)cases[i].plain_len)
			printf("\n  %s: unprotect %d, charon's plaintext %zu bytes\n",
			    cases[i].what, n, cases[i].plain_len);
		CU_ASSERT_EQUAL_FATAL(n, (int)cases[i].plain_len);
		CU_ASSERT_EQUAL(memcmp(pt, cases[i].plain, cases[i].plain_len), 0);
		CU_ASSERT_EQUAL_FATAL(ikev2_crypt_open(&k, &m, pt, sizeof(pt)), 0);
		CU_ASSERT(matches_listing(&m, cases[i].list));
		CU_ASSERT(m.has_auth && m.auth.method == IKEV2_AUTH_PSK);
		CU_ASSERT(m.has_sa && m.sa.n == 1 && m.sa.p[0].proto == IKEV2_PROTO_ESP &&
		    m.sa.p[0].spi_len == 4);
		CU_ASSERT_FATAL(m.has_tsi && m.has_tsr);
		CU_ASSERT(m.tsi.n == 1 && m.tsi.ts[0].type == IKEV2_TS_IPV4_ADDR_RANGE);
		/* capture.sh: TSi 198.51.100.1/32, TSr 203.0.113.1/32 */
		CU_ASSERT(memcmp(m.tsi.ts[0].start, (uint8_t[]){ 198, 51, 100, 1 }, 4) == 0);
		CU_ASSERT(memcmp(m.tsr.ts[0].end, (uint8_t[]){ 203, 0, 113, 1 }, 4) == 0);
		id = cases[i].request ? &m.idi : &m.idr;
		CU_ASSERT_FATAL(cases[i].request ? m.has_idi : m.has_idr);
		if (cases[i].encr == IKE_CRYPTO_ENCR_AES_CBC) {
			CU_ASSERT(id->type == IKEV2_ID_IPV4_ADDR && id->len == 4);
			CU_ASSERT(memcmp(id->data,
			              (uint8_t[]){ 192, 0, 2, cases[i].request ? 1 : 2 }, 4) == 0);
		} else {
			CU_ASSERT(id->type == IKEV2_ID_FQDN && id->len == 13);
			CU_ASSERT(
			    memcmp(id->data, cases[i].request ? "gcm-192.0.2.1" : "gcm-192.0.2.2",
			        13) == 0);
		}
		/* The wrong direction's keys (the other side's): ICV mismatch. */
		if (cases[i].encr == IKE_CRYPTO_ENCR_AES_CBC) {
			CU_ASSERT_EQUAL_FATAL(ikev2_crypt_keys_init(&k, cases[i].encr,
			                          cases[i].integ,
			                          cases[i].request ? ss_cbc_sk_er : ss_cbc_sk_ei,
			                          32,
			                          cases[i].request ? ss_cbc_sk_ar : ss_cbc_sk_ai,
			                          32),
			    0);
		} else {
			CU_ASSERT_EQUAL_FATAL(ikev2_crypt_keys_init(&k, cases[i].encr, 0,
			                          cases[i].request ? ss_gcm_sk_er : ss_gcm_sk_ei,
			                          20, NULL, 0),
			    0);
		}
		CU_ASSERT_EQUAL_FATAL(ikev2_msg_parse(cases[i].msg, cases[i].len, &m), 0);
		CU_ASSERT_EQUAL(ikev2_crypt_unprotect(&k, &m, pt, sizeof(pt)), -EBADMSG);
		/* One flipped bit in charon's ICV. */
		CU_ASSERT_EQUAL_FATAL(ikev2_crypt_keys_init(&k, cases[i].encr, cases[i].integ,
		                          cases[i].ek, cases[i].ek_len, cases[i].ak,
		                          cases[i].ak_len),
		    0);
		memcpy(copy, cases[i].msg, cases[i].len);
		copy[cases[i].len - 1] ^= 0x01;
		CU_ASSERT_EQUAL_FATAL(ikev2_msg_parse(copy, cases[i].len, &m), 0);
		CU_ASSERT_EQUAL(ikev2_crypt_unprotect(&k, &m, pt, sizeof(pt)), -EBADMSG);
		ikev2_crypt_keys_fini(&k);
	}
}

/*
 * charon's IKE_AUTH request and response sent as RFC 7383 fragments: each
 * fragment verifies and decrypts with charon's keys, our reassembler puts
 * them together (in and out of order) to exactly what charon decrypted, and
 * the result parses as charon listed it.
 */
static void
test_ikev2_crypt_strongswan_frags(void)
{
	static const struct {
		const uint8_t *msgs;
		size_t msgs_len;
		const uint16_t *lens;
		unsigned int n;
		const uint8_t *ek, *ak, *plain;
		size_t plain_len;
		const char *list;
	} cases[] = {
		{ ss_frag_auth_req, sizeof(ss_frag_auth_req), ss_frag_auth_req_lens,
		    DIM(ss_frag_auth_req_lens), ss_frag_sk_ei, ss_frag_sk_ai,
		    ss_frag_auth_req_plain, sizeof(ss_frag_auth_req_plain), ss_frag_auth_req_list },
		{ ss_frag_auth_resp, sizeof(ss_frag_auth_resp), ss_frag_auth_resp_lens,
		    DIM(ss_frag_auth_resp_lens), ss_frag_sk_er, ss_frag_sk_ar,
		    ss_frag_auth_resp_plain, sizeof(ss_frag_auth_resp_plain),
		    ss_frag_auth_resp_list },
	};
	static uint8_t one[IKE_MSG_MAX], out[IKE_MSG_MAX];
	struct ikev2_frag_reasm r;
	struct ikev2_crypt_keys k;
	unsigned int c, i, j, idx, seen;
	size_t off, sum;
	uint8_t first = 0;
	int n, rc = 0;

	for (c = 0; c < DIM(cases); c++) {
		CU_ASSERT_EQUAL_FATAL(ikev2_crypt_keys_init(&k, IKE_CRYPTO_ENCR_AES_CBC,
		                          IKE_CRYPTO_INTEG_HMAC_SHA2_256_128, cases[c].ek, 32,
		                          cases[c].ak, 32),
		    0);
		CU_ASSERT_FATAL(cases[c].n >= 2);
		for (sum = 0, i = 0; i < cases[c].n; i++)
			sum += cases[c].lens[i];
		CU_ASSERT_EQUAL_FATAL(sum, cases[c].msgs_len);
		/* j = 0: as they arrived; j = 1: reversed */
		for (j = 0; j < 2; j++) {
			ikev2_frag_reasm_init(&r, IKE_MSG_MAX);
			seen = 0;
			for (i = 0; i < cases[c].n; i++) {
				idx = j == 0 ? i : cases[c].n - 1 - i;
				for (off = 0, n = 0; n < (int)idx; n++)
					off += cases[c].lens[n];
				CU_ASSERT_EQUAL_FATAL(ikev2_msg_parse(cases[c].msgs + off,
				                          cases[c].lens[idx], &m),
				    0);
				CU_ASSERT_FATAL(m.has_skf);
				CU_ASSERT_EQUAL(m.hdr.exchange, IKEV2_EXCH_IKE_AUTH);
				CU_ASSERT_EQUAL(m.sk.frag_total, cases[c].n);
				CU_ASSERT_EQUAL(m.sk.inner == IKEV2_PL_NONE, m.sk.frag_num != 1);
				seen |= 1u << m.sk.frag_num;
				n = ikev2_crypt_unprotect(&k, &m, one, sizeof(one));
				CU_ASSERT_FATAL(n > 0);
				rc = ikev2_frag_reasm_add(&r, m.hdr.msgid, m.sk.frag_num,
				    m.sk.frag_total, m.sk.inner, one, (size_t)n, 0, out,
				    sizeof(out), &first);
				CU_ASSERT_EQUAL(rc,
				    i + 1 < cases[c].n ? 0 : (int)cases[c].plain_len);
			}
			CU_ASSERT_EQUAL(seen, ((1u << cases[c].n) - 1) << 1);
			CU_ASSERT_EQUAL_FATAL(rc, (int)cases[c].plain_len);
			CU_ASSERT_EQUAL(memcmp(out, cases[c].plain, cases[c].plain_len), 0);
			CU_ASSERT_EQUAL(ikev2_msg_parse_inner(&m, first, out, (size_t)rc), 0);
			CU_ASSERT(matches_listing(&m, cases[c].list));
			ikev2_frag_reasm_fini(&r);
		}
		ikev2_crypt_keys_fini(&k);
	}
}

/* An inner chain like an IKE_AUTH request's, of about @extra more bytes in a CERT. */
static size_t
build_inner(uint8_t *out, size_t cap, size_t extra, uint8_t *first)
{
	static uint8_t cert[8192];
	static const uint8_t authd[32] = { 0x5a };
	struct ike_buf b;
	size_t i;

	for (i = 0; i < sizeof(cert); i++)
		cert[i] = (uint8_t)(i * 7 + 1);
	ike_payload_buf_init(&b, out, cap);
	ikev2_msg_build_id(&b, IKEV2_PL_IDI, IKEV2_ID_FQDN, (const uint8_t *)"client.example", 14);
	if (extra > 0)
		ikev2_msg_build_cert(&b, IKEV2_PL_CERT, IKEV2_CERT_X509_SIG, cert,
		    extra < sizeof(cert) ? extra : sizeof(cert));
	ikev2_msg_build_auth(&b, IKEV2_AUTH_PSK, authd, sizeof(authd));
	ikev2_msg_build_notify(&b, 0, NULL, 0, IKEV2_N_INITIAL_CONTACT, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(ike_payload_buf_finish(&b), 0);
	*first = b.first;
	return b.len;
}

static int
protect(const struct ikev2_crypt_keys *k, const uint8_t *inner, size_t len, uint8_t first)
{
	struct ike_buf b;

	ike_payload_buf_init(&b, msg, sizeof(msg));
	ikev2_msg_build_hdr(&b, 0x0102030405060708ull, 0x1112131415161718ull, IKEV2_EXCH_IKE_AUTH,
	    IKEV2_FLAG_I, 1);
	return ikev2_crypt_protect(k, &b, first, inner, len);
}

/* Every algorithm, several inner lengths (every padding length): protect, parse, open. */
static void
test_ikev2_crypt_round_trip(void)
{
	static uint8_t inner[4096];
	struct ikev2_crypt_keys k;
	size_t i, extra, len, n_sizes = 0;
	uint8_t first;
	int mlen, n;

	for (i = 0; i < DIM(algs); i++) {
		keys_random(&k, &algs[i]);
		for (extra = 0; extra < 40; extra++) {
			len = build_inner(inner, sizeof(inner), extra, &first);
			mlen = protect(&k, inner, len, first);
			CU_ASSERT_FATAL(mlen > 0);
			CU_ASSERT_EQUAL((size_t)mlen,
			    IKE_HDR_LEN + ikev2_crypt_overhead(&k, len) + len);
			CU_ASSERT_EQUAL(msg[IKE_HDR_NP_OFF], IKEV2_PL_SK);
			CU_ASSERT_EQUAL(msg[IKE_HDR_LEN], first);
			CU_ASSERT_EQUAL_FATAL(ikev2_msg_parse(msg, (size_t)mlen, &m), 0);
			CU_ASSERT_FATAL(m.has_sk);
			if (k.block > 1)
				CU_ASSERT_EQUAL((m.sk.len - k.iv_len - k.icv_len) %
				        IKE_CRYPTO_AES_BLOCK,
				    0);
			n = ikev2_crypt_unprotect(&k, &m, pt, sizeof(pt));
			CU_ASSERT_EQUAL_FATAL(n, (int)len);
			CU_ASSERT_EQUAL(memcmp(pt, inner, len), 0);
			CU_ASSERT_EQUAL_FATAL(ikev2_crypt_open(&k, &m, pt, sizeof(pt)), 0);
			CU_ASSERT(m.decrypted && m.has_idi && m.has_auth && m.n_notifies == 1);
			CU_ASSERT_EQUAL(m.n_certs, extra > 0 ? 1 : 0);
			/* Too small an output buffer. */
			CU_ASSERT_EQUAL(ikev2_crypt_unprotect(&k, &m, pt, len), -ENOSPC);
			n_sizes++;
		}
		/* An empty inner chain (an INFORMATIONAL liveness check). */
		mlen = protect(&k, NULL, 0, IKEV2_PL_NONE);
		CU_ASSERT_FATAL(mlen > 0);
		CU_ASSERT_EQUAL_FATAL(ikev2_msg_parse(msg, (size_t)mlen, &m), 0);
		CU_ASSERT_EQUAL(ikev2_crypt_open(&k, &m, pt, sizeof(pt)), 0);
		CU_ASSERT_EQUAL(m.n_payloads, 1);
		ikev2_crypt_keys_fini(&k);
	}
	CU_ASSERT_EQUAL(n_sizes, DIM(algs) * 40);
}

/* Flip each bit position class of every byte: nothing that was changed ever opens. */
static void
test_ikev2_crypt_tamper(void)
{
	static uint8_t inner[512], copy[1024];
	struct ikev2_crypt_keys k;
	size_t i, off, len;
	uint8_t first;
	int mlen, rc, n_ok;

	for (i = 0; i < DIM(algs); i++) {
		keys_random(&k, &algs[i]);
		len = build_inner(inner, sizeof(inner), 20, &first);
		mlen = protect(&k, inner, len, first);
		CU_ASSERT_FATAL(mlen > 0 && (size_t)mlen <= sizeof(copy));
		n_ok = 0;
		for (off = 0; off < (size_t)mlen; off++) {
			memcpy(copy, msg, (size_t)mlen);
			copy[off] ^= (uint8_t)(1u << (off % 8));
			rc = ikev2_msg_parse(copy, (size_t)mlen, &m);
			if (rc == 0)
				rc = ikev2_crypt_unprotect(&k, &m, pt, sizeof(pt));
			if (rc >= 0)
				n_ok++;
			/* Inside the SK body (IV, ciphertext, ICV) it is always the ICV that fails. */
			if (off >= IKE_HDR_LEN + IKE_GEN_HDR_LEN)
				CU_ASSERT_EQUAL(rc, -EBADMSG);
		}
		CU_ASSERT_EQUAL(n_ok, 0);
		/* The untouched message still opens. */
		CU_ASSERT_EQUAL_FATAL(ikev2_msg_parse(msg, (size_t)mlen, &m), 0);
		CU_ASSERT_EQUAL(ikev2_crypt_unprotect(&k, &m, pt, sizeof(pt)), (int)len);
		ikev2_crypt_keys_fini(&k);
	}
}

/*
 * Hand-sealed messages whose ICV is right but whose contents are not: a Pad
 * Length past the plaintext (-EPROTO), ciphertext not whole blocks or too
 * short for IV and ICV (-EMSGSIZE, before any crypto).
 */
static int
seal_raw(const struct ikev2_crypt_keys *k, const uint8_t *plain, size_t ct_len)
{
	struct ike_buf b;
	size_t iv_off, ct_off;
	int rc;

	ike_payload_buf_init(&b, msg, sizeof(msg));
	ikev2_msg_build_hdr(&b, 0x0102030405060708ull, 0x1112131415161718ull,
	    IKEV2_EXCH_INFORMATIONAL, IKEV2_FLAG_I, 5);
	ike_payload_begin(&b, IKEV2_PL_SK, 0);
	iv_off = b.len;
	ike_payload_buf_zero(&b, k->iv_len);
	ct_off = b.len;
	ike_payload_buf_put(&b, plain, ct_len);
	ike_payload_buf_zero(&b, k->icv_len);
	ike_payload_end(&b);
	CU_ASSERT_EQUAL_FATAL(ike_payload_buf_finish(&b), 0);
	memset(msg + iv_off, 0x33, k->iv_len);
	if (k->encr == IKE_CRYPTO_ENCR_AES_CBC) {
		if (ct_len % 16 == 0 && ct_len > 0)
			CU_ASSERT_FATAL(ike_crypto_cbc_encrypt(k->ek, k->ek_len, msg + iv_off,
			                    k->iv_len, msg + ct_off, msg + ct_off, ct_len) >= 0);
		rc = ike_crypto_integ(k->integ, k->ak, k->ak_len, msg, ct_off + ct_len,
		    msg + ct_off + ct_len, k->icv_len);
	} else {
		rc = ike_crypto_gcm_seal(k->ek, k->ek_len, msg + iv_off, k->iv_len, msg, iv_off,
		    msg + ct_off, msg + ct_off, ct_len, msg + ct_off + ct_len, k->icv_len);
	}
	CU_ASSERT_FATAL(rc >= 0);
	return (int)b.len;
}

static void
test_ikev2_crypt_bad_padding(void)
{
	uint8_t plain[32];
	struct ikev2_crypt_keys k;
	size_t i;
	int len;

	for (i = 0; i < DIM(algs); i++) {
		keys_random(&k, &algs[i]);
		/* Pad Length 16 in a 16-byte plaintext: one byte too many. */
		memset(plain, 0, sizeof(plain));
		plain[15] = 16;
		len = seal_raw(&k, plain, 16);
		CU_ASSERT_EQUAL_FATAL(ikev2_msg_parse(msg, (size_t)len, &m), 0);
		CU_ASSERT_EQUAL(ikev2_crypt_unprotect(&k, &m, pt, sizeof(pt)), -EPROTO);
		/* Pad Length 15: the whole block is padding, an empty chain. */
		plain[15] = 15;
		len = seal_raw(&k, plain, 16);
		CU_ASSERT_EQUAL_FATAL(ikev2_msg_parse(msg, (size_t)len, &m), 0);
		CU_ASSERT_EQUAL(ikev2_crypt_unprotect(&k, &m, pt, sizeof(pt)), 0);
		if (k.block > 1) {
			/* CBC: 17 bytes of ciphertext are not whole blocks. */
			len = seal_raw(&k, plain, 17);
			CU_ASSERT_EQUAL_FATAL(ikev2_msg_parse(msg, (size_t)len, &m), 0);
			CU_ASSERT_EQUAL(ikev2_crypt_unprotect(&k, &m, pt, sizeof(pt)), -EMSGSIZE);
		} else {
			/* GCM: a single byte, Pad Length 1: past the plaintext. */
			plain[0] = 1;
			len = seal_raw(&k, plain, 1);
			CU_ASSERT_EQUAL_FATAL(ikev2_msg_parse(msg, (size_t)len, &m), 0);
			CU_ASSERT_EQUAL(ikev2_crypt_unprotect(&k, &m, pt, sizeof(pt)), -EPROTO);
		}
		/* No ciphertext at all: shorter than IV + ICV + 1. */
		len = seal_raw(&k, plain, 0);
		CU_ASSERT_EQUAL_FATAL(ikev2_msg_parse(msg, (size_t)len, &m), 0);
		CU_ASSERT_EQUAL(ikev2_crypt_unprotect(&k, &m, pt, sizeof(pt)), -EMSGSIZE);
		ikev2_crypt_keys_fini(&k);
	}
	/* No SK payload at all. */
	keys_random(&k, &algs[0]);
	CU_ASSERT_EQUAL_FATAL(ikev2_msg_parse(ss_cbc_init_req, sizeof(ss_cbc_init_req), &m), 0);
	CU_ASSERT_EQUAL(ikev2_crypt_unprotect(&k, &m, pt, sizeof(pt)), -EMSGSIZE);
	CU_ASSERT_EQUAL(ikev2_crypt_open(&k, &m, pt, sizeof(pt)), -EMSGSIZE);
	ikev2_crypt_keys_fini(&k);
}

static void
test_ikev2_crypt_keys(void)
{
	static const uint8_t key[64] = { 1 };
	struct ikev2_crypt_keys k;

	CU_ASSERT_EQUAL(ikev2_crypt_keys_init(&k, IKE_CRYPTO_ENCR_AES_CBC,
	                    IKE_CRYPTO_INTEG_HMAC_SHA2_256_128, key, 24, key, 32),
	    0);
	CU_ASSERT_EQUAL(k.icv_len, 16);
	CU_ASSERT_EQUAL(ikev2_crypt_keys_init(&k, IKE_CRYPTO_ENCR_AES_CBC,
	                    IKE_CRYPTO_INTEG_HMAC_SHA2_512_256, key, 32, key, 64),
	    0);
	CU_ASSERT_EQUAL(k.icv_len, 32);
	CU_ASSERT_EQUAL(ikev2_crypt_keys_init(&k, IKE_CRYPTO_ENCR_AES_CBC,
	                    IKE_CRYPTO_INTEG_HMAC_SHA2_256_128, key, 20, key, 32),
	    -EINVAL);
	CU_ASSERT_EQUAL(ikev2_crypt_keys_init(&k, IKE_CRYPTO_ENCR_AES_CBC,
	                    IKE_CRYPTO_INTEG_HMAC_SHA2_256_128, key, 16, key, 20),
	    -EINVAL);
	CU_ASSERT_EQUAL(ikev2_crypt_keys_init(&k, IKE_CRYPTO_ENCR_AES_CBC, 99, key, 16, key, 20),
	    -ENOTSUP);
	CU_ASSERT_EQUAL(ikev2_crypt_keys_init(&k, IKE_CRYPTO_ENCR_AES_GCM_16, 0, key, 16, NULL, 0),
	    -EINVAL);
	CU_ASSERT_EQUAL(ikev2_crypt_keys_init(&k, IKE_CRYPTO_ENCR_AES_GCM_16,
	                    IKE_CRYPTO_INTEG_HMAC_SHA2_256_128, key, 20, key, 32),
	    -EINVAL);
	CU_ASSERT_EQUAL(ikev2_crypt_keys_init(&k, 3, 0, key, 24, NULL, 0), -ENOTSUP);
	CU_ASSERT_EQUAL(ikev2_crypt_keys_init(&k, IKE_CRYPTO_ENCR_AES_GCM_16, 0, key, 28, NULL, 0),
	    0);
	ikev2_crypt_keys_fini(&k);
	CU_ASSERT_EQUAL(k.ek_len, 0);
	CU_ASSERT_EQUAL(k.ek[0], 0);
}

/* ---- fragments ---- */

static struct ikev2_frag_out frags[IKEV2_FRAGS_MAX];
static uint8_t frag_buf[2 * IKE_MSG_MAX];

/* Verify and decrypt fragment @i into @out; returns its plaintext length. */
static int
open_frag(const struct ikev2_crypt_keys *k, unsigned int i, uint8_t *out, size_t cap)
{
	int rc;

	rc = ikev2_msg_parse(frag_buf + frags[i].off, frags[i].len, &m);
	if (rc != 0)
		return rc;
	CU_ASSERT_FATAL(m.has_skf && !m.has_sk);
	return ikev2_crypt_unprotect(k, &m, out, cap);
}

static int
add_frag(struct ikev2_frag_reasm *r, const struct ikev2_crypt_keys *k, unsigned int i, uint8_t *out,
    size_t cap, uint8_t *first)
{
	static uint8_t one[IKE_MSG_MAX];
	int n;

	n = open_frag(k, i, one, sizeof(one));
	CU_ASSERT_FATAL(n >= 0);
	CU_ASSERT_EQUAL(m.sk.frag_num, i + 1);
	return ikev2_frag_reasm_add(r, m.hdr.msgid, m.sk.frag_num, m.sk.frag_total, m.sk.inner, one,
	    (size_t)n, 1000, out, cap, first);
}

static void
test_ikev2_crypt_frag_round_trip(void)
{
	static uint8_t inner[8192], out[IKE_MSG_MAX];
	static const unsigned int orders[3][3] = { { 0, 1, 2 }, { 2, 1, 0 }, { 1, 2, 0 } };
	struct ike_hdr h = { .ispi = 0x0102030405060708ull,
		.rspi = 0x1112131415161718ull,
		.exchange = IKEV2_EXCH_IKE_AUTH,
		.flags = IKEV2_FLAG_I,
		.msgid = 1 };
	struct ikev2_frag_reasm r;
	struct ikev2_crypt_keys k;
	unsigned int i, j, total;
	size_t a, len;
	uint8_t first, got_first = 0;
	int n, rc = 0;

	for (a = 0; a < DIM(algs); a++) {
		keys_random(&k, &algs[a]);
		len = build_inner(inner, sizeof(inner), 3000, &first);
		/* 1280-byte fragments (RFC 7383 §2.5.1 for IPv6) */
		n = ikev2_crypt_protect_frags(&k, &h, first, inner, len, 1280, frag_buf,
		    sizeof(frag_buf), frags, DIM(frags));
		CU_ASSERT_EQUAL_FATAL(n, 3);
		total = (unsigned int)n;
		for (i = 0; i < total; i++) {
			CU_ASSERT(frags[i].len <= 1280);
			CU_ASSERT_EQUAL(frag_buf[frags[i].off + IKE_HDR_NP_OFF], IKEV2_PL_SKF);
			/* RFC 7383 §2.5: the inner type in fragment 1 only */
			CU_ASSERT_EQUAL(frag_buf[frags[i].off + IKE_HDR_LEN], i == 0 ? first : 0);
		}
		for (j = 0; j < DIM(orders); j++) {
			ikev2_frag_reasm_init(&r, IKE_MSG_MAX);
			for (i = 0; i < total; i++) {
				rc = add_frag(&r, &k, orders[j][i], out, sizeof(out), &got_first);
				if (i + 1 < total) {
					CU_ASSERT_EQUAL(rc, 0);
					/* the same fragment again: a duplicate, ignored */
					CU_ASSERT_EQUAL(add_frag(&r, &k, orders[j][i], out,
					                    sizeof(out), &got_first),
					    -EALREADY);
				} else {
					CU_ASSERT_EQUAL_FATAL(rc, (int)len);
				}
			}
			CU_ASSERT_EQUAL(got_first, first);
			CU_ASSERT_EQUAL(memcmp(out, inner, len), 0);
			CU_ASSERT_EQUAL(r.completed, 1);
			CU_ASSERT_EQUAL(r.duplicates, total - 1);
			/* the reassembled chain parses into the last fragment's message */
			CU_ASSERT_EQUAL(ikev2_msg_parse_inner(&m, got_first, out, (size_t)rc), 0);
			CU_ASSERT(m.has_idi && m.n_certs == 1 && m.certs[0].len == 3000);
			ikev2_frag_reasm_fini(&r);
		}
		/* A tampered fragment (its number, covered by the ICV / AAD) fails alone. */
		frag_buf[frags[1].off + IKE_HDR_LEN + IKE_GEN_HDR_LEN + 1] ^= 1; /* number 2 -> 3 */
		CU_ASSERT_EQUAL(open_frag(&k, 1, out, sizeof(out)), -EBADMSG);
		ikev2_crypt_keys_fini(&k);
	}
}

static void
test_ikev2_crypt_frag_rules(void)
{
	static uint8_t inner[8192], out[IKE_MSG_MAX], small_out[100];
	static uint8_t piece[128];
	struct ike_hdr h = { .ispi = 1, .rspi = 2, .exchange = IKEV2_EXCH_IKE_AUTH, .msgid = 1 };
	struct ikev2_frag_reasm r;
	struct ikev2_crypt_keys k;
	uint8_t first, f;
	size_t len;
	unsigned int i;

	memset(piece, 7, sizeof(piece));
	keys_random(&k, &algs[0]);
	len = build_inner(inner, sizeof(inner), 8000, &first);
	/* too small a fragment size, too many fragments, too small an output */
	CU_ASSERT_EQUAL(ikev2_crypt_protect_frags(&k, &h, first, inner, len, 80, frag_buf,
	                    sizeof(frag_buf), frags, DIM(frags)),
	    -EINVAL);
	CU_ASSERT_EQUAL(ikev2_crypt_protect_frags(&k, &h, first, inner, len, 150, frag_buf,
	                    sizeof(frag_buf), frags, DIM(frags)),
	    -E2BIG);
	CU_ASSERT_EQUAL(ikev2_crypt_protect_frags(&k, &h, first, inner, len, 1280, frag_buf,
	                    sizeof(frag_buf), frags, 3),
	    -E2BIG);
	CU_ASSERT_EQUAL(ikev2_crypt_protect_frags(&k, &h, first, inner, len, 1280, frag_buf, 2000,
	                    frags, DIM(frags)),
	    -ENOSPC);
	/* aes128-sha256, 200-byte fragments: 200 - 68 of overhead, whole blocks: 128 bytes of
	 * ciphertext, 127 of payload each; 64 of them fit (IKEV2_FRAGS_MAX), 64 x 127 + 1 not. */
	CU_ASSERT_EQUAL(ikev2_crypt_protect_frags(&k, &h, first, inner, 64 * 127, 200, frag_buf,
	                    sizeof(frag_buf), frags, DIM(frags)),
	    IKEV2_FRAGS_MAX);
	CU_ASSERT_EQUAL(frags[0].len, 200 - 4); /* 132 bytes of room cut to whole blocks */
	CU_ASSERT_EQUAL(ikev2_crypt_protect_frags(&k, &h, first, inner, 64 * 127 + 1, 200, frag_buf,
	                    sizeof(frag_buf), frags, DIM(frags)),
	    -E2BIG);
	/* A chain that fits one fragment: Total Fragments 1. */
	len = build_inner(inner, sizeof(inner), 0, &first);
	CU_ASSERT_EQUAL(ikev2_crypt_protect_frags(&k, &h, first, inner, len, 1280, frag_buf,
	                    sizeof(frag_buf), frags, DIM(frags)),
	    1);
	ikev2_crypt_keys_fini(&k);

	ikev2_frag_reasm_init(&r, 250);
	/* first-fragment rules for the inner payload type */
	CU_ASSERT_EQUAL(ikev2_frag_reasm_add(&r, 1, 1, 2, 0, piece, 50, 0, out, sizeof(out), &f),
	    -EPROTO);
	CU_ASSERT_EQUAL(ikev2_frag_reasm_add(&r, 1, 2, 2, IKEV2_PL_IDI, piece, 50, 0, out,
	                    sizeof(out), &f),
	    -EPROTO);
	CU_ASSERT_EQUAL(ikev2_frag_reasm_add(&r, 1, 3, 2, 0, piece, 50, 0, out, sizeof(out), &f),
	    -EPROTO);
	CU_ASSERT_EQUAL(ikev2_frag_reasm_add(&r, 1, 0, 2, 0, piece, 50, 0, out, sizeof(out), &f),
	    -EPROTO);
	CU_ASSERT_EQUAL(ikev2_frag_reasm_add(&r, 1, 1, IKEV2_FRAGS_MAX + 1, IKEV2_PL_IDI, piece, 50,
	                    0, out, sizeof(out), &f),
	    -E2BIG);
	/* Total Fragments: lower than held -> ignored; higher -> start over (RFC 7383 §2.6). */
	CU_ASSERT_EQUAL(ikev2_frag_reasm_add(&r, 1, 2, 3, 0, piece, 50, 0, out, sizeof(out), &f),
	    0);
	CU_ASSERT_EQUAL(ikev2_frag_reasm_add(&r, 1, 1, 2, IKEV2_PL_IDI, piece, 50, 0, out,
	                    sizeof(out), &f),
	    -ESTALE);
	CU_ASSERT_EQUAL(ikev2_frag_reasm_add(&r, 1, 4, 4, 0, piece, 50, 0, out, sizeof(out), &f),
	    0);
	CU_ASSERT_EQUAL(r.restarted, 1);
	CU_ASSERT_EQUAL(r.msgs[0].have + r.msgs[1].have + r.msgs[2].have + r.msgs[3].have, 1);
	/* max_bytes: 250 in all; 50 + 100 held, 110 more is too much ... */
	CU_ASSERT_EQUAL(ikev2_frag_reasm_add(&r, 1, 1, 4, IKEV2_PL_IDI, piece, 100, 0, out,
	                    sizeof(out), &f),
	    0);
	CU_ASSERT_EQUAL(ikev2_frag_reasm_add(&r, 1, 2, 4, 0, piece, 110, 0, out, sizeof(out), &f),
	    -EMSGSIZE);
	CU_ASSERT_EQUAL(r.dropped, 1);
	/* ... dropped the whole message: its slot is free again. */
	for (i = 0; i < IKEV2_FRAG_MSGS_MAX; i++)
		CU_ASSERT_FALSE(r.msgs[i].used);
	/* Slots: IKEV2_FRAG_MSGS_MAX messages at once, then -ENOBUFS; expiry frees them. */
	for (i = 0; i < IKEV2_FRAG_MSGS_MAX; i++)
		CU_ASSERT_EQUAL(ikev2_frag_reasm_add(&r, 10 + i, 2, 2, 0, piece, 10, 100 * i, out,
		                    sizeof(out), &f),
		    0);
	CU_ASSERT_EQUAL(ikev2_frag_reasm_add(&r, 99, 2, 2, 0, piece, 10, 0, out, sizeof(out), &f),
	    -ENOBUFS);
	CU_ASSERT_EQUAL(ikev2_frag_reasm_expire(&r, 1000, 850), 2); /* started at 0 and 100 */
	CU_ASSERT_EQUAL(ikev2_frag_reasm_add(&r, 99, 2, 2, 0, piece, 10, 0, out, sizeof(out), &f),
	    0);
	/* Complete message 12 (fragment 2 held); an output too small drops it. */
	CU_ASSERT_EQUAL(ikev2_frag_reasm_add(&r, 12, 1, 2, IKEV2_PL_NOTIFY, piece, 95, 0, small_out,
	                    sizeof(small_out), &f),
	    -EMSGSIZE);
	CU_ASSERT_EQUAL(ikev2_frag_reasm_add(&r, 13, 1, 2, IKEV2_PL_NOTIFY, piece, 90, 0, small_out,
	                    sizeof(small_out), &f),
	    100);
	CU_ASSERT_EQUAL(f, IKEV2_PL_NOTIFY);
	CU_ASSERT_EQUAL(small_out[0], 7);
	CU_ASSERT_EQUAL(small_out[90], 7);
	ikev2_frag_reasm_fini(&r); /* frees what is still held (ASAN: no leak) */
}

int
main(void)
{
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{ "test_ikev2_crypt_strongswan", test_ikev2_crypt_strongswan },
		{ "test_ikev2_crypt_strongswan_frags", test_ikev2_crypt_strongswan_frags },
		{ "test_ikev2_crypt_keys", test_ikev2_crypt_keys },
		{ "test_ikev2_crypt_round_trip", test_ikev2_crypt_round_trip },
		{ "test_ikev2_crypt_tamper", test_ikev2_crypt_tamper },
		{ "test_ikev2_crypt_bad_padding", test_ikev2_crypt_bad_padding },
		{ "test_ikev2_crypt_frag_round_trip", test_ikev2_crypt_frag_round_trip },
		{ "test_ikev2_crypt_frag_rules", test_ikev2_crypt_frag_rules },
	};
	CU_pSuite s;
	unsigned int fails;
	size_t i;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("ikev2_crypt", NULL, NULL);
	for (i = 0; i < DIM(tests); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return fails == 0 ? 0 : 1;
}
