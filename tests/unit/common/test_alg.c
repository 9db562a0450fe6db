/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/common/test_alg.c: strongSwan proposal keywords to algorithms and sizes. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "common/alg.h"

/*
 * Each row: keyword, protocol, and what it must give.  Sizes from the RFCs:
 * RFC 4106 §8.1 (GCM salt 4, IV 8), RFC 4543 §3.1 (GMAC), RFC 7634 §2-4,
 * RFC 3686 §5.1 (CTR nonce 4), RFC 3602 (CBC IV 16, block 16), RFC 2404 and
 * RFC 4868 (HMAC key = hash output, ICV truncated to half).
 */
struct row {
	const char *kw;
	enum alg_proto proto;
	enum alg_cipher cipher;
	enum alg_auth auth;
	uint16_t ckey, akey;
	uint8_t salt, iv, icv, block;
	uint16_t encr, integ;
	bool aead;
};

static const struct row rows[] = {
	{ "aes128gcm16", ALG_PROTO_ESP, ALG_CIPHER_AES_GCM, ALG_AUTH_NONE, 16, 0, 4, 8, 16, 4, 20,
	    0, true },
	{ "aes256gcm16", ALG_PROTO_ESP, ALG_CIPHER_AES_GCM, ALG_AUTH_NONE, 32, 0, 4, 8, 16, 4, 20,
	    0, true },
	{ "aes192gcm12", ALG_PROTO_ESP, ALG_CIPHER_AES_GCM, ALG_AUTH_NONE, 24, 0, 4, 8, 12, 4, 19,
	    0, true },
	{ "aes128gcm64", ALG_PROTO_ESP, ALG_CIPHER_AES_GCM, ALG_AUTH_NONE, 16, 0, 4, 8, 8, 4, 18, 0,
	    true },
	{ "aes128gmac", ALG_PROTO_ESP, ALG_CIPHER_AES_GMAC, ALG_AUTH_NONE, 16, 0, 4, 8, 16, 4, 21,
	    0, true },
	{ "chacha20poly1305", ALG_PROTO_ESP, ALG_CIPHER_CHACHA20_POLY1305, ALG_AUTH_NONE, 32, 0, 4,
	    8, 16, 4, 28, 0, true },
	{ "aes128-sha256", ALG_PROTO_ESP, ALG_CIPHER_AES_CBC, ALG_AUTH_HMAC_SHA256_128, 16, 32, 0,
	    16, 16, 16, 12, 12, false },
	{ "aes256-sha512", ALG_PROTO_ESP, ALG_CIPHER_AES_CBC, ALG_AUTH_HMAC_SHA512_256, 32, 64, 0,
	    16, 32, 16, 12, 14, false },
	{ "aes128-sha1", ALG_PROTO_ESP, ALG_CIPHER_AES_CBC, ALG_AUTH_HMAC_SHA1_96, 16, 20, 0, 16,
	    12, 16, 12, 2, false },
	{ "aes192-sha384", ALG_PROTO_ESP, ALG_CIPHER_AES_CBC, ALG_AUTH_HMAC_SHA384_192, 24, 48, 0,
	    16, 24, 16, 12, 13, false },
	{ "aes128ctr-sha256", ALG_PROTO_ESP, ALG_CIPHER_AES_CTR, ALG_AUTH_HMAC_SHA256_128, 16, 32,
	    4, 8, 16, 4, 13, 12, false },
	{ "null-sha256", ALG_PROTO_ESP, ALG_CIPHER_NULL, ALG_AUTH_HMAC_SHA256_128, 0, 32, 0, 0, 16,
	    4, 11, 12, false },
	{ "sha256", ALG_PROTO_AH, ALG_CIPHER_NONE, ALG_AUTH_HMAC_SHA256_128, 0, 32, 0, 0, 16, 4, 0,
	    12, false },
	{ "sha1", ALG_PROTO_AH, ALG_CIPHER_NONE, ALG_AUTH_HMAC_SHA1_96, 0, 20, 0, 0, 12, 4, 0, 2,
	    false },
	{ "aes128gmac", ALG_PROTO_AH, ALG_CIPHER_NONE, ALG_AUTH_AES_GMAC, 0, 16, 4, 8, 16, 4, 0, 9,
	    false },
	{ "aes256gmac", ALG_PROTO_AH, ALG_CIPHER_NONE, ALG_AUTH_AES_GMAC, 0, 32, 4, 8, 16, 4, 0, 11,
	    false },
};

static void
test_alg_proposal_parse_table(void)
{
	struct alg_proposal p;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];

		CU_ASSERT_EQUAL_FATAL(alg_proposal_parse(r->kw, r->proto, &p, err, sizeof(err)), 0);
		CU_ASSERT_EQUAL(p.cipher, r->cipher);
		CU_ASSERT_EQUAL(p.auth, r->auth);
		CU_ASSERT_EQUAL(p.cipher_key_len, r->ckey);
		CU_ASSERT_EQUAL(p.auth_key_len, r->akey);
		CU_ASSERT_EQUAL(p.salt_len, r->salt);
		CU_ASSERT_EQUAL(p.iv_len, r->iv);
		CU_ASSERT_EQUAL(p.icv_len, r->icv);
		CU_ASSERT_EQUAL(p.block_len, r->block);
		CU_ASSERT_EQUAL(p.iana_encr, r->encr);
		CU_ASSERT_EQUAL(p.iana_integ, r->integ);
		CU_ASSERT_EQUAL(p.aead, r->aead);
		CU_ASSERT_STRING_EQUAL(p.name, r->kw);
	}
}

static void
expect_error(const char *kw, enum alg_proto proto, const char *msg)
{
	struct alg_proposal p;
	char err[256] = "";

	CU_ASSERT_EQUAL(alg_proposal_parse(kw, proto, &p, err, sizeof(err)), -EINVAL);
	if (strstr(err, msg) == NULL)
		fprintf(stderr, "\n%s: got '%s', want '%s'\n", kw, err, msg);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, msg));
}

static void
test_alg_proposal_parse_errors(void)
{
	expect_error("aes128", ALG_PROTO_ESP, "'aes128' needs an integrity algorithm");
	expect_error("aes128gcm16-sha256", ALG_PROTO_ESP, "combined-mode algorithm");
	expect_error("des-sha1", ALG_PROTO_ESP, "'des' is not an ESP encryption algorithm");
	expect_error("aes128-md5", ALG_PROTO_ESP, "'md5' is not an integrity algorithm");
	expect_error("aes128-sha256-modp2048", ALG_PROTO_ESP, "'sha256-modp2048' is not");
	expect_error("aes128gcm16", ALG_PROTO_AH, "'aes128gcm16' is not an AH integrity algorithm");
	expect_error("", ALG_PROTO_ESP, "is not an ESP encryption algorithm");
	expect_error("aes128-sha256-aes128-sha256-aes128-sha256-aes128", ALG_PROTO_ESP, "too long");
	expect_error("aes512gcm16", ALG_PROTO_ESP, "is not an ESP encryption algorithm");
}

static void
test_alg_names(void)
{
	CU_ASSERT_STRING_EQUAL(alg_cipher_name(ALG_CIPHER_AES_GCM), "aes-gcm");
	CU_ASSERT_STRING_EQUAL(alg_auth_name(ALG_AUTH_HMAC_SHA512_256), "hmac-sha512-256");
	CU_ASSERT_STRING_EQUAL(alg_cipher_name(ALG_CIPHER__MAX), "unknown");
	CU_ASSERT_STRING_EQUAL(alg_auth_name((enum alg_auth)99), "unknown");
}

int
main(void)
{
	CU_pSuite s;
	unsigned int fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("alg", NULL, NULL);
	CU_add_test(s, "test_alg_proposal_parse_table", test_alg_proposal_parse_table);
	CU_add_test(s, "test_alg_proposal_parse_errors", test_alg_proposal_parse_errors);
	CU_add_test(s, "test_alg_names", test_alg_names);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails == 0 ? 0 : 1;
}
