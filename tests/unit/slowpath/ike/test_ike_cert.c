/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/slowpath/ike/test_ike_cert.c: ike_crypto's certificates and signatures: test PKIs from the openssl CLI, Wycheproof. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "slowpath/ike/ike_crypto.h"

#include "harness.h"
#include "test_pki.h"

#define DER_MAX 4096

/* Verify the chain @names (end entity first) against @t; returns the error, the cert in *out. */
static enum ike_crypto_cert_err
chain(const struct ike_crypto_trust *t, const char *const *names, size_t n, int64_t at,
    struct ike_crypto_cert **out)
{
	static uint8_t der[IKE_CRYPTO_CERTS_MAX][DER_MAX];
	struct ike_crypto_chunk ch[IKE_CRYPTO_CERTS_MAX];
	struct ike_crypto_cert *c = NULL;
	enum ike_crypto_cert_err why = IKE_CRYPTO_CERT_OK;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		ch[i].ptr = der[i];
		ch[i].len = pki_cert_der(names[i], der[i], DER_MAX);
	}
	rc = ike_crypto_trust_verify(t, ch, n, at, &c, &why);
	CU_ASSERT_EQUAL(rc == 0, why == IKE_CRYPTO_CERT_OK);
	CU_ASSERT_EQUAL(rc == 0, c != NULL);
	if (out != NULL)
		*out = c;
	else
		ike_crypto_cert_destroy(c);
	return why;
}

static void
test_ike_cert_cred_load(void)
{
	const char *chain2[1] = { NULL }, *two[2] = { NULL, NULL };
	struct ike_crypto_cred *c;
	const uint8_t *der;
	size_t len;
	char err[256];
	FILE *f;

	SKIP_WITHOUT_PKI();
	/* A chain in one file: ours, then the intermediate. */
	chain2[0] = pki_path("rsa-gw1-chain.pem");
	CU_ASSERT_EQUAL(ike_crypto_cred_load(chain2, 1, pki_path("rsa-gw1.key"), &c, err,
	                    sizeof(err)),
	    0);
	CU_ASSERT_EQUAL(ike_crypto_cred_sig(c), IKE_CRYPTO_SIG_RSA);
	CU_ASSERT_EQUAL(ike_crypto_cred_cert(c, 0, &der, &len), 2);
	CU_ASSERT_EQUAL(ike_crypto_cred_cert(c, 1, &der, &len), 2);
	CU_ASSERT_EQUAL(ike_crypto_cred_cert(c, 2, &der, &len), -ENOENT);
	ike_crypto_cred_destroy(c);
	/* The same as two files. */
	two[0] = pki_path("rsa-gw1.pem");
	two[1] = pki_path("rsa-int.pem");
	CU_ASSERT_EQUAL(ike_crypto_cred_load(two, 2, pki_path("rsa-gw1.key"), &c, err, sizeof(err)),
	    0);
	CU_ASSERT_EQUAL(ike_crypto_cred_cert(c, 0, &der, &len), 2);
	ike_crypto_cred_destroy(c);

	c = pki_cred("ec256-gw1.pem", "ec256-gw1.key");
	CU_ASSERT_EQUAL(ike_crypto_cred_sig(c), IKE_CRYPTO_SIG_ECDSA_P256);
	ike_crypto_cred_destroy(c);
	c = pki_cred("ec384-gw2.pem", "ec384-gw2.key");
	CU_ASSERT_EQUAL(ike_crypto_cred_sig(c), IKE_CRYPTO_SIG_ECDSA_P384);
	ike_crypto_cred_destroy(c);

	/* A key of another certificate: refused, and the error says so. */
	two[0] = pki_path("rsa-gw1.pem");
	c = (struct ike_crypto_cred *)&err; /* must be reset to NULL */
	CU_ASSERT_EQUAL(ike_crypto_cred_load(two, 1, pki_path("rsa-gw2.key"), &c, err, sizeof(err)),
	    -EINVAL);
	CU_ASSERT_PTR_NULL(c);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "does not belong"));
	CU_ASSERT_EQUAL(ike_crypto_cred_load(two, 1, pki_path("ec256-gw1.key"), &c, err,
	                    sizeof(err)),
	    -EINVAL);
	/* Files that are missing, or no certificate / key. */
	CU_ASSERT_EQUAL(ike_crypto_cred_load(two, 1, pki_path("nope.key"), &c, err, sizeof(err)),
	    -ENOENT);
	two[0] = pki_path("rsa-gw1.key");
	CU_ASSERT_EQUAL(ike_crypto_cred_load(two, 1, pki_path("rsa-gw1.key"), &c, err, sizeof(err)),
	    -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "certificate"));
	two[0] = pki_path("rsa-gw1.pem");
	CU_ASSERT_EQUAL(ike_crypto_cred_load(two, 1, pki_path("rsa-gw1.pem"), &c, err, sizeof(err)),
	    -EINVAL);
	f = fopen(pki_path("garbage.pem"), "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", f);
	fclose(f);
	two[0] = pki_path("garbage.pem");
	CU_ASSERT_EQUAL(ike_crypto_cred_load(two, 1, pki_path("rsa-gw1.key"), &c, err, sizeof(err)),
	    -EINVAL);
	/* An encrypted key: refused without asking for a pass phrase. */
	CU_ASSERT_EQUAL(system("openssl pkey -in /dev/null 2>/dev/null; cd \"$CERT_DIR\" && "
	                       "openssl pkey -in rsa-gw1.key -aes128 -passout pass:x "
	                       "-out enc.key 2>/dev/null"),
	    0);
	two[0] = pki_path("rsa-gw1.pem");
	CU_ASSERT_EQUAL(ike_crypto_cred_load(two, 1, pki_path("enc.key"), &c, err, sizeof(err)),
	    -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_cred_load(NULL, 1, pki_path("rsa-gw1.key"), &c, err,
	                    sizeof(err)),
	    -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_cred_load(two, 0, pki_path("rsa-gw1.key"), &c, err, sizeof(err)),
	    -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_cred_load(two, 1, NULL, &c, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_cred_load(two, 1, pki_path("rsa-gw1.key"), NULL, err,
	                    sizeof(err)),
	    -EINVAL);
	ike_crypto_cred_destroy(NULL);
}

static void
test_ike_cert_chain(void)
{
	const char *gw1[2] = { "rsa-gw1.pem", "rsa-int.pem" }, *one[1];
	struct ike_crypto_trust *t, *tc, *ti, *te;
	struct ike_crypto_chunk ch[2];
	struct ike_crypto_cert *c;
	enum ike_crypto_cert_err why;
	uint8_t junk[64];

	SKIP_WITHOUT_PKI();
	t = pki_trust("rsa-ca.pem", NULL);
	tc = pki_trust("rsa-ca.pem", "rsa-ca.crl");
	ti = pki_trust("rsa-int.pem", NULL);
	te = pki_trust("ec256-ca.pem", NULL);
	CU_ASSERT_EQUAL(chain(t, gw1, 2, 0, NULL), IKE_CRYPTO_CERT_OK);
	/* Intermediates in any order after the end entity; without it: no chain. */
	CU_ASSERT_EQUAL(chain(tc, gw1, 2, 0, NULL), IKE_CRYPTO_CERT_OK);
	CU_ASSERT_EQUAL(chain(t, gw1, 1, 0, NULL), IKE_CRYPTO_CERT_UNKNOWN_CA);
	/* The intermediate as the anchor (strongSwan trusts any cacert). */
	CU_ASSERT_EQUAL(chain(ti, gw1, 1, 0, NULL), IKE_CRYPTO_CERT_OK);
	one[0] = "rsa-gw2.pem";
	CU_ASSERT_EQUAL(chain(t, one, 1, 0, NULL), IKE_CRYPTO_CERT_OK);
	CU_ASSERT_EQUAL(chain(tc, one, 1, 0, NULL), IKE_CRYPTO_CERT_OK);
	CU_ASSERT_EQUAL(chain(te, one, 1, 0, NULL), IKE_CRYPTO_CERT_UNKNOWN_CA);
	CU_ASSERT_EQUAL(chain(ti, one, 1, 0, NULL), IKE_CRYPTO_CERT_UNKNOWN_CA);
	/* Validity: before notBefore, and the expired one. */
	CU_ASSERT_EQUAL(chain(t, one, 1, 946684800 /* 2000-01-01 */, NULL),
	    IKE_CRYPTO_CERT_NOT_YET_VALID);
	one[0] = "rsa-expired.pem";
	CU_ASSERT_EQUAL(chain(t, one, 1, 0, NULL), IKE_CRYPTO_CERT_EXPIRED);
	/* Revoked: only with the CA's CRL loaded. */
	one[0] = "rsa-revoked.pem";
	CU_ASSERT_EQUAL(chain(t, one, 1, 0, NULL), IKE_CRYPTO_CERT_OK);
	CU_ASSERT_EQUAL(chain(tc, one, 1, 0, NULL), IKE_CRYPTO_CERT_REVOKED);
	/* Same subject, same CA name, other CA key. */
	one[0] = "other-gw2.pem";
	CU_ASSERT_EQUAL(chain(t, one, 1, 0, NULL), IKE_CRYPTO_CERT_UNKNOWN_CA);
	one[0] = "rsa-nosig.pem";
	CU_ASSERT_EQUAL(chain(t, one, 1, 0, NULL), IKE_CRYPTO_CERT_KEY_USAGE);
	one[0] = "ec384-gw1.pem";
	CU_ASSERT_EQUAL(chain(t, one, 1, 0, NULL), IKE_CRYPTO_CERT_UNKNOWN_CA);

	/* Not DER, and bad arguments. */
	memset(junk, 0x30, sizeof(junk));
	ch[0].ptr = junk;
	ch[0].len = sizeof(junk);
	c = NULL;
	CU_ASSERT_EQUAL(ike_crypto_trust_verify(t, ch, 1, 0, &c, &why), -EACCES);
	CU_ASSERT_EQUAL(why, IKE_CRYPTO_CERT_MALFORMED);
	CU_ASSERT_PTR_NULL(c);
	ch[0].len = 0;
	CU_ASSERT_EQUAL(ike_crypto_trust_verify(t, ch, 1, 0, &c, &why), -EACCES);
	CU_ASSERT_EQUAL(ike_crypto_trust_verify(t, ch, 0, 0, &c, &why), -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_trust_verify(NULL, ch, 1, 0, &c, &why), -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_trust_verify(t, ch, IKE_CRYPTO_CERTS_MAX + 1, 0, &c, &why),
	    -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_trust_verify(t, NULL, 1, 0, &c, &why), -EINVAL);
	CU_ASSERT_STRING_EQUAL(ike_crypto_cert_err_name(IKE_CRYPTO_CERT_EXPIRED), "expired");
	CU_ASSERT_STRING_EQUAL(ike_crypto_cert_err_name(IKE_CRYPTO_CERT_UNKNOWN_CA), "unknown CA");
	CU_ASSERT_STRING_EQUAL(ike_crypto_cert_err_name(IKE_CRYPTO_CERT_REVOKED), "revoked");
	ike_crypto_trust_destroy(t);
	ike_crypto_trust_destroy(tc);
	ike_crypto_trust_destroy(ti);
	ike_crypto_trust_destroy(te);
	ike_crypto_trust_destroy(NULL);
	ike_crypto_cert_destroy(NULL);
}

static void
test_ike_cert_trust_load(void)
{
	const char *cas[2], *crls[1];
	struct ike_crypto_trust *t = NULL;
	const uint8_t *der;
	uint8_t want[512];
	size_t len;
	char err[256];
	int n;

	SKIP_WITHOUT_PKI();
	cas[0] = pki_path("rsa-ca.pem");
	cas[1] = pki_path("ec256-ca.pem");
	crls[0] = pki_path("rsa-ca.crl");
	CU_ASSERT_EQUAL(ike_crypto_trust_load(cas, 2, crls, 1, &t, err, sizeof(err)), 0);
	/* The CA subjects, for CERTREQ. */
	CU_ASSERT_EQUAL(ike_crypto_trust_ca(t, 0, &der, &len), 2);
	n = ike_crypto_dn_parse("C=CH, O=fastipsec test, CN=fastipsec test RSA CA", want,
	    sizeof(want));
	CU_ASSERT_TRUE(n > 0 && ike_crypto_dn_equal(der, len, want, (size_t)n));
	CU_ASSERT_EQUAL(ike_crypto_trust_ca(t, 1, &der, &len), 2);
	CU_ASSERT_FALSE(ike_crypto_dn_equal(der, len, want, (size_t)n));
	CU_ASSERT_EQUAL(ike_crypto_trust_ca(t, 2, &der, &len), -ENOENT);
	ike_crypto_trust_destroy(t);
	/* A CRL file that is a certificate, a missing CA file. */
	crls[0] = pki_path("rsa-ca.pem");
	CU_ASSERT_EQUAL(ike_crypto_trust_load(cas, 1, crls, 1, &t, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "CRL"));
	cas[0] = pki_path("none.pem");
	CU_ASSERT_EQUAL(ike_crypto_trust_load(cas, 1, NULL, 0, &t, err, sizeof(err)), -ENOENT);
	CU_ASSERT_EQUAL(ike_crypto_trust_load(NULL, 1, NULL, 0, &t, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_trust_load(cas, 0, NULL, 0, &t, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NULL(t);
}

/* Sign with @cert/@key, verify through the CA; tampering fails; an independent OpenSSL check. */
static void
sign_verify(const char *cert, const char *key, const char *ca, enum ike_crypto_sig want,
    size_t hash_len)
{
	const char *one[1] = { cert };
	struct ike_crypto_cred *me = pki_cred(cert, key);
	struct ike_crypto_trust *t = pki_trust(ca, NULL);
	struct ike_crypto_cert *peer = NULL;
	uint8_t hash[64], sig[IKE_CRYPTO_SIG_MAX], sig2[IKE_CRYPTO_SIG_MAX],
	    out[IKE_CRYPTO_SIG_MAX];
	size_t i, w, outlen;
	int n, n2;
	EVP_PKEY_CTX *ctx;
	EVP_PKEY *pk;
	FILE *f;

	CU_ASSERT_PTR_NOT_NULL_FATAL(me);
	CU_ASSERT_EQUAL(chain(t, one, 1, 0, &peer), IKE_CRYPTO_CERT_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(peer);
	CU_ASSERT_EQUAL(ike_crypto_cert_sig(peer), want);
	for (i = 0; i < sizeof(hash); i++)
		hash[i] = (uint8_t)(i * 7 + 1);
	n = ike_crypto_cred_sign(me, hash, hash_len, sig, sizeof(sig));
	CU_ASSERT_FATAL(n > 0);
	w = want == IKE_CRYPTO_SIG_RSA ? 256 : want == IKE_CRYPTO_SIG_ECDSA_P256 ? 64 : 96;
	CU_ASSERT_EQUAL((size_t)n, w);
	CU_ASSERT_EQUAL(ike_crypto_cert_verify(peer, hash, hash_len, sig, (size_t)n), 0);
	/* ECDSA signatures are randomised, RSA PKCS#1 v1.5 ones are not. */
	n2 = ike_crypto_cred_sign(me, hash, hash_len, sig2, sizeof(sig2));
	CU_ASSERT_EQUAL(n2, n);
	CU_ASSERT_EQUAL(memcmp(sig, sig2, (size_t)n) == 0, want == IKE_CRYPTO_SIG_RSA);
	CU_ASSERT_EQUAL(ike_crypto_cert_verify(peer, hash, hash_len, sig2, (size_t)n2), 0);
	/* Tampered: a bit of the signature, of the data, the length. */
	for (i = 0; i < (size_t)n; i += (size_t)n / 4) {
		sig[i] ^= 0x01;
		CU_ASSERT_EQUAL(ike_crypto_cert_verify(peer, hash, hash_len, sig, (size_t)n),
		    -EBADMSG);
		sig[i] ^= 0x01;
	}
	/* (ECDSA signs the leftmost bits of a digest longer than the order: tamper in front.) */
	hash[0] ^= 0x80;
	CU_ASSERT_EQUAL(ike_crypto_cert_verify(peer, hash, hash_len, sig, (size_t)n), -EBADMSG);
	hash[0] ^= 0x80;
	CU_ASSERT_EQUAL(ike_crypto_cert_verify(peer, hash + 1, hash_len - 1, sig, (size_t)n),
	    -EBADMSG);
	CU_ASSERT_EQUAL(ike_crypto_cert_verify(peer, hash, hash_len, sig, (size_t)n - 1), -EBADMSG);
	CU_ASSERT_EQUAL(ike_crypto_cert_verify(peer, hash, hash_len, sig, 0), -EBADMSG);
	memset(sig2, 0, sizeof(sig2));
	CU_ASSERT_EQUAL(ike_crypto_cert_verify(peer, hash, hash_len, sig2, (size_t)n), -EBADMSG);
	CU_ASSERT_EQUAL(ike_crypto_cert_verify(peer, NULL, hash_len, sig, (size_t)n), -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_cert_verify(NULL, hash, hash_len, sig, (size_t)n), -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_cred_sign(me, hash, hash_len, sig2, w - 1), -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_cred_sign(me, hash, 0, sig2, sizeof(sig2)), -EINVAL);

	/* Independently: the RSA signature opens to the bare data (no DigestInfo); the
	 * ECDSA one, made DER, verifies with the data as the digest. */
	f = fopen(pki_path(key), "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	pk = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pk);
	ctx = EVP_PKEY_CTX_new(pk, NULL);
	if (want == IKE_CRYPTO_SIG_RSA) {
		outlen = sizeof(out);
		CU_ASSERT_EQUAL(EVP_PKEY_verify_recover_init(ctx), 1);
		CU_ASSERT_EQUAL(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING), 1);
		CU_ASSERT_EQUAL(EVP_PKEY_verify_recover(ctx, out, &outlen, sig, (size_t)n), 1);
		CU_ASSERT_EQUAL(outlen, hash_len);
		CU_ASSERT_EQUAL(memcmp(out, hash, hash_len), 0);
	} else {
		ECDSA_SIG *es = ECDSA_SIG_new();
		unsigned char *p = out;
		int dl;

		ECDSA_SIG_set0(es, BN_bin2bn(sig, (int)w / 2, NULL),
		    BN_bin2bn(sig + w / 2, (int)w / 2, NULL));
		dl = i2d_ECDSA_SIG(es, &p);
		ECDSA_SIG_free(es);
		CU_ASSERT_EQUAL(EVP_PKEY_verify_init(ctx), 1);
		CU_ASSERT_EQUAL(EVP_PKEY_verify(ctx, out, (size_t)dl, hash, hash_len), 1);
	}
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pk);
	ike_crypto_cert_destroy(peer);
	ike_crypto_trust_destroy(t);
	ike_crypto_cred_destroy(me);
}

static void
test_ike_cert_sign_verify(void)
{
	SKIP_WITHOUT_PKI();
	/* HASH_I lengths: SHA-1, SHA-256, SHA-384, SHA-512 PRFs. */
	sign_verify("rsa-gw2.pem", "rsa-gw2.key", "rsa-ca.pem", IKE_CRYPTO_SIG_RSA, 20);
	sign_verify("rsa-gw2.pem", "rsa-gw2.key", "rsa-ca.pem", IKE_CRYPTO_SIG_RSA, 64);
	sign_verify("ec256-gw1.pem", "ec256-gw1.key", "ec256-ca.pem", IKE_CRYPTO_SIG_ECDSA_P256,
	    32);
	sign_verify("ec256-gw2.pem", "ec256-gw2.key", "ec256-ca.pem", IKE_CRYPTO_SIG_ECDSA_P256,
	    48);
	sign_verify("ec384-gw1.pem", "ec384-gw1.key", "ec384-ca.pem", IKE_CRYPTO_SIG_ECDSA_P384,
	    48);
	sign_verify("ec384-gw2.pem", "ec384-gw2.key", "ec384-ca.pem", IKE_CRYPTO_SIG_ECDSA_P384,
	    20);
}

static void
test_ike_cert_identity(void)
{
	static const uint8_t ip1[4] = { 192, 0, 2, 1 }, ip2[4] = { 192, 0, 2, 2 };
	static const uint8_t ip6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	const char *gw1[2] = { "rsa-gw1.pem", "rsa-int.pem" };
	struct ike_crypto_trust *t = pki_trust("rsa-ca.pem", NULL);
	struct ike_crypto_cert *c = NULL;
	struct ike_crypto_cred *me;
	uint8_t dn[512];
	const uint8_t *subj;
	size_t slen;
	int n;

	SKIP_WITHOUT_PKI();
	CU_ASSERT_EQUAL(chain(t, gw1, 2, 0, &c), IKE_CRYPTO_CERT_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	ike_crypto_cert_subject(c, &subj, &slen);
	CU_ASSERT_EQUAL(ike_crypto_cert_has_id(c, IKE_CRYPTO_ID_DN, subj, slen), 0);
	n = ike_crypto_dn_parse("C=CH, O=fastipsec test, CN=gw1.example.org", dn, sizeof(dn));
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL(ike_crypto_cert_has_id(c, IKE_CRYPTO_ID_DN, dn, (size_t)n), 0);
	/* Case and spaces do not matter for DNs (RFC 5280 §7.1). */
	n = ike_crypto_dn_parse("c=ch,o=FASTIPSEC  test,cn=GW1.example.org", dn, sizeof(dn));
	CU_ASSERT_EQUAL(ike_crypto_cert_has_id(c, IKE_CRYPTO_ID_DN, dn, (size_t)n), 0);
	n = ike_crypto_dn_parse("C=CH, O=fastipsec test, CN=gw2.example.org", dn, sizeof(dn));
	CU_ASSERT_EQUAL(ike_crypto_cert_has_id(c, IKE_CRYPTO_ID_DN, dn, (size_t)n), -ENOENT);
	n = ike_crypto_dn_parse("O=fastipsec test, C=CH, CN=gw1.example.org", dn, sizeof(dn));
	CU_ASSERT_EQUAL(ike_crypto_cert_has_id(c, IKE_CRYPTO_ID_DN, dn, (size_t)n), -ENOENT);
	CU_ASSERT_EQUAL(ike_crypto_cert_has_id(c, IKE_CRYPTO_ID_DN, (const uint8_t *)"xx", 2),
	    -EINVAL);
	/* subjectAltNames. */
	CU_ASSERT_EQUAL(ike_crypto_cert_has_id(c, IKE_CRYPTO_ID_FQDN,
	                    (const uint8_t *)"gw1.example.org", 15),
	    0);
	CU_ASSERT_EQUAL(ike_crypto_cert_has_id(c, IKE_CRYPTO_ID_FQDN,
	                    (const uint8_t *)"GW1.Example.ORG", 15),
	    0);
	CU_ASSERT_EQUAL(ike_crypto_cert_has_id(c, IKE_CRYPTO_ID_FQDN,
	                    (const uint8_t *)"gw2.example.org", 15),
	    -ENOENT);
	CU_ASSERT_EQUAL(ike_crypto_cert_has_id(c, IKE_CRYPTO_ID_FQDN,
	                    (const uint8_t *)"gw1.example.or", 14),
	    -ENOENT);
	/* An e-mail address is no FQDN, nor the other way round. */
	CU_ASSERT_EQUAL(ike_crypto_cert_has_id(c, IKE_CRYPTO_ID_FQDN,
	                    (const uint8_t *)"gw1@example.org", 15),
	    -ENOENT);
	CU_ASSERT_EQUAL(ike_crypto_cert_has_id(c, IKE_CRYPTO_ID_EMAIL,
	                    (const uint8_t *)"gw1@example.org", 15),
	    0);
	CU_ASSERT_EQUAL(ike_crypto_cert_has_id(c, IKE_CRYPTO_ID_EMAIL,
	                    (const uint8_t *)"gw1.example.org", 15),
	    -ENOENT);
	CU_ASSERT_EQUAL(ike_crypto_cert_has_id(c, IKE_CRYPTO_ID_IPV4, ip1, 4), 0);
	CU_ASSERT_EQUAL(ike_crypto_cert_has_id(c, IKE_CRYPTO_ID_IPV4, ip2, 4), -ENOENT);
	CU_ASSERT_EQUAL(ike_crypto_cert_has_id(c, IKE_CRYPTO_ID_IPV4, ip1, 3), -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_cert_has_id(c, IKE_CRYPTO_ID_IPV6, ip6, 16), 0);
	CU_ASSERT_EQUAL(ike_crypto_cert_has_id(c, IKE_CRYPTO_ID_IPV6, ip6, 4), -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_cert_has_id(c, IKE_CRYPTO_ID_FQDN, NULL, 4), -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_cert_has_id(NULL, IKE_CRYPTO_ID_FQDN, ip1, 4), -EINVAL);
	ike_crypto_cert_destroy(c);
	ike_crypto_trust_destroy(t);
	/* Our own certificate answers the same questions. */
	me = pki_cred("rsa-gw2.pem", "rsa-gw2.key");
	CU_ASSERT_EQUAL(ike_crypto_cred_has_id(me, IKE_CRYPTO_ID_IPV4, ip2, 4), 0);
	CU_ASSERT_EQUAL(ike_crypto_cred_has_id(me, IKE_CRYPTO_ID_IPV4, ip1, 4), -ENOENT);
	ike_crypto_cred_subject(me, &subj, &slen);
	n = ike_crypto_dn_format(subj, slen, (char *)dn, sizeof(dn));
	CU_ASSERT_TRUE(n > 0);
	CU_ASSERT_STRING_EQUAL((char *)dn, "C=CH, O=fastipsec test, CN=gw2.example.org");
	ike_crypto_cred_destroy(me);
}

static void
test_ike_cert_dn(void)
{
	uint8_t a[512], b[512];
	char text[256];
	int na, nb;

	na =
	    ike_crypto_dn_parse("C=CH, O=strongSwan Project, CN=moon.strongswan.org", a, sizeof(a));
	CU_ASSERT_FATAL(na > 0);
	CU_ASSERT_EQUAL(ike_crypto_dn_format(a, (size_t)na, text, sizeof(text)),
	    (int)strlen("C=CH, O=strongSwan Project, CN=moon.strongswan.org"));
	CU_ASSERT_STRING_EQUAL(text, "C=CH, O=strongSwan Project, CN=moon.strongswan.org");
	/* OpenSSL's slash form is the same name. */
	nb = ike_crypto_dn_parse("/C=CH/O=strongSwan Project/CN=moon.strongswan.org", b, sizeof(b));
	CU_ASSERT_TRUE(nb > 0 && ike_crypto_dn_equal(a, (size_t)na, b, (size_t)nb));
	nb = ike_crypto_dn_parse("C=CH, O=strongSwan Project, CN=sun.strongswan.org", b, sizeof(b));
	CU_ASSERT_FALSE(ike_crypto_dn_equal(a, (size_t)na, b, (size_t)nb));
	/* Escaped separators round-trip; E= is the e-mail attribute. */
	nb = ike_crypto_dn_parse("O=a\\, b, E=x@example.org", b, sizeof(b));
	CU_ASSERT_FATAL(nb > 0);
	CU_ASSERT_TRUE(ike_crypto_dn_format(b, (size_t)nb, text, sizeof(text)) > 0);
	CU_ASSERT_STRING_EQUAL(text, "O=a\\, b, emailAddress=x@example.org");
	/* Not DNs. */
	CU_ASSERT_EQUAL(ike_crypto_dn_parse("gw.example.org", a, sizeof(a)), -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_dn_parse("CN=", a, sizeof(a)), -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_dn_parse("", a, sizeof(a)), -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_dn_parse("XX=1", a, sizeof(a)), -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_dn_parse("CN=x", a, 4), -ENOSPC);
	CU_ASSERT_EQUAL(ike_crypto_dn_parse(NULL, a, sizeof(a)), -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_dn_format((const uint8_t *)"\x30\x05", 2, text, sizeof(text)),
	    -EINVAL);
	CU_ASSERT_EQUAL(ike_crypto_dn_format(a, (size_t)na, text, 5), -ENOSPC);
	CU_ASSERT_FALSE(ike_crypto_dn_equal(a, (size_t)na, a, (size_t)na - 1));
	CU_ASSERT_FALSE(ike_crypto_dn_equal(NULL, 0, a, (size_t)na));
}

/* ---- Wycheproof ---- */

struct wp {
	unsigned int groups, run, skipped, failed, valid, invalid;
};

/*
 * DER ECDSA-Sig-Value to IKE's r | s: strict DER only (re-encoding gives
 * the same bytes), non-negative values that fit @w bytes.  false: the
 * signature cannot be one IKEv1 carries, a rejection.
 */
static bool
der_to_raw(const uint8_t *der, size_t len, size_t w, uint8_t *raw)
{
	const unsigned char *p = der;
	unsigned char *re = NULL;
	const BIGNUM *r, *s;
	ECDSA_SIG *es;
	bool ok = false;
	int n;

	es = d2i_ECDSA_SIG(NULL, &p, (long)len);
	if (es == NULL || p != der + len)
		goto out;
	n = i2d_ECDSA_SIG(es, &re);
	if (n != (int)len || memcmp(re, der, len) != 0)
		goto out;
	ECDSA_SIG_get0(es, &r, &s);
	if (BN_is_negative(r) || BN_is_negative(s) || BN_num_bytes(r) > (int)w ||
	    BN_num_bytes(s) > (int)w)
		goto out;
	ok = BN_bn2binpad(r, raw, (int)w) == (int)w && BN_bn2binpad(s, raw + w, (int)w) == (int)w;
out:
	OPENSSL_free(re);
	ECDSA_SIG_free(es);
	return ok;
}

static const uint8_t sha256_prefix[19] = { 0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48,
	0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20 };

/* One Wycheproof verify file; @w the ECDSA width (0: RSA with SHA-256 DigestInfo). */
static void
wp_file(const char *file, const char *md, size_t w)
{
	static char line[16384], v[16384];
	static uint8_t key[2048], msg[4096], sig[2048], tbs[128], raw[256];
	struct ike_crypto_key *k = NULL;
	struct wp c = { 0 };
	size_t klen, mlen = 0, slen = 0, tlen;
	unsigned int dl, tc = 0;
	char p[640];
	bool ok, accept;
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", pki_wycheproof_dir(), file);
	f = fopen(p, "r");
	if (f == NULL) {
		printf("\n    wycheproof: %s not found under %s, skipped ", file,
		    pki_wycheproof_dir());
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (pki_json_field(line, "publicKeyDer", v, sizeof(v)) != NULL) {
			ike_crypto_key_destroy(k);
			klen = pki_unhex(v, key, sizeof(key));
			k = klen == SIZE_MAX ? NULL : ike_crypto_key_create(key, klen);
			c.groups++;
			if (k == NULL)
				c.skipped++;
			continue;
		}
		if (strstr(line, "\"tcId\"") != NULL)
			tc = (unsigned int)strtoul(strchr(line, ':') + 1, NULL, 10);
		if (pki_json_field(line, "msg", v, sizeof(v)) != NULL) {
			mlen = pki_unhex(v, msg, sizeof(msg));
			continue;
		}
		if (pki_json_field(line, "sig", v, sizeof(v)) != NULL) {
			slen = pki_unhex(v, sig, sizeof(sig));
			continue;
		}
		if (pki_json_field(line, "result", v, sizeof(v)) == NULL)
			continue;
		if (k == NULL || mlen == SIZE_MAX || slen == SIZE_MAX) {
			c.skipped++;
			continue;
		}
		c.run++;
		/* The IKE layer gets the digest: hash here (OpenSSL), then verify. */
		if (w == 0) {
			memcpy(tbs, sha256_prefix, sizeof(sha256_prefix));
			EVP_Digest(msg, mlen, tbs + sizeof(sha256_prefix), &dl,
			    EVP_get_digestbyname(md), NULL);
			tlen = sizeof(sha256_prefix) + dl;
			accept = ike_crypto_key_verify(k, tbs, tlen, sig, slen) == 0;
		} else {
			EVP_Digest(msg, mlen, tbs, &dl, EVP_get_digestbyname(md), NULL);
			accept = der_to_raw(sig, slen, w, raw) &&
			    ike_crypto_key_verify(k, tbs, dl, raw, 2 * w) == 0;
		}
		if (strcmp(v, "valid") == 0) {
			c.valid++;
			ok = accept;
		} else if (strcmp(v, "invalid") == 0) {
			c.invalid++;
			ok = !accept;
		} else {
			ok = true; /* acceptable: either way */
		}
		if (!ok) {
			c.failed++;
			fprintf(stderr, "\n  %s tcId %u (%s): %s\n", file, tc, v,
			    accept ? "accepted" : "refused");
		}
	}
	fclose(f);
	ike_crypto_key_destroy(k);
	printf("\n    wycheproof %s: %u groups, %u tests run (valid %u, invalid %u), %u skipped, "
	       "%u failed ",
	    file, c.groups, c.run, c.valid, c.invalid, c.skipped, c.failed);
	CU_ASSERT(c.run > 0);
	CU_ASSERT_EQUAL(c.failed, 0);
}

static void
test_ike_cert_wycheproof_ecdsa_p256(void)
{
	wp_file("ecdsa_secp256r1_sha256_test.json", "SHA256", 32);
}

static void
test_ike_cert_wycheproof_ecdsa_p384(void)
{
	wp_file("ecdsa_secp384r1_sha384_test.json", "SHA384", 48);
}

static void
test_ike_cert_wycheproof_rsa(void)
{
	wp_file("rsa_signature_2048_sha256_test.json", "SHA256", 0);
}

static void
test_ike_cert_key_bad(void)
{
	uint8_t junk[91];

	memset(junk, 0x30, sizeof(junk));
	CU_ASSERT_PTR_NULL(ike_crypto_key_create(junk, sizeof(junk)));
	CU_ASSERT_PTR_NULL(ike_crypto_key_create(NULL, 10));
	CU_ASSERT_PTR_NULL(ike_crypto_key_create(junk, 0));
	CU_ASSERT_EQUAL(ike_crypto_key_sig(NULL), IKE_CRYPTO_SIG_NONE);
	CU_ASSERT_EQUAL(ike_crypto_key_verify(NULL, junk, 4, junk, 4), -EINVAL);
	ike_crypto_key_destroy(NULL);
}

int main(void);

int
main(void)
{
	static const struct harness_test tests[] = {
		{ "test_ike_cert_cred_load", test_ike_cert_cred_load },
		{ "test_ike_cert_trust_load", test_ike_cert_trust_load },
		{ "test_ike_cert_chain", test_ike_cert_chain },
		{ "test_ike_cert_sign_verify", test_ike_cert_sign_verify },
		{ "test_ike_cert_identity", test_ike_cert_identity },
		{ "test_ike_cert_dn", test_ike_cert_dn },
		{ "test_ike_cert_key_bad", test_ike_cert_key_bad },
		{ "test_ike_cert_wycheproof_ecdsa_p256", test_ike_cert_wycheproof_ecdsa_p256 },
		{ "test_ike_cert_wycheproof_ecdsa_p384", test_ike_cert_wycheproof_ecdsa_p384 },
		{ "test_ike_cert_wycheproof_rsa", test_ike_cert_wycheproof_rsa },
	};
	unsigned int fails;

	if (pki_make("test_ike_cert") != 0)
		return 1;
	setenv("CERT_DIR", pki_dir, 1);
	fails = harness_run("ike_cert", tests, DIM(tests));
	if (pki_remove() != 0)
		fails++;
	/* Without a PKI the certificate tests could not run: that is a failure, not a skip. */
	return fails == 0 && have_pki ? 0 : 1;
}
