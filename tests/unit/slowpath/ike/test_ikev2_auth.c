/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/slowpath/ike/test_ikev2_auth.c: IKEv2 AUTH (ikev2_auth) and the signature functions of ike_crypto: OpenSSL cross-checks, RFC 7427 Appendix A, Wycheproof. */
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
#include <openssl/hmac.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "slowpath/ike/ike_crypto.h"
#include "slowpath/ike/ikev2_auth.h"

#include "harness.h"
#include "test_pki.h"

#define DIM(a)  (sizeof(a) / sizeof((a)[0]))
#define DER_MAX 4096

/* ---- a fixed set of octets ---- */

static uint8_t msg[300], nonce[32], idb[4 + 14], skp[64];

static struct ikev2_auth_octets
octets(uint16_t prf, size_t skp_len)
{
	struct ikev2_auth_octets o = { .msg = msg,
		.msg_len = sizeof(msg),
		.nonce = nonce,
		.nonce_len = sizeof(nonce),
		.id = idb,
		.id_len = sizeof(idb),
		.prf = prf,
		.sk_p = skp,
		.sk_p_len = skp_len };

	return o;
}

static void
fill(void)
{
	size_t i;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 7 + 1);
	for (i = 0; i < sizeof(nonce); i++)
		nonce[i] = (uint8_t)(0xa0 + i);
	idb[0] = 2; /* ID_FQDN, 3 reserved bytes, then the name */
	memcpy(idb + 4, "gw.example.org", 14);
	for (i = 0; i < sizeof(skp); i++)
		skp[i] = (uint8_t)(0x55 ^ i);
}

/* The signed octets computed here with OpenSSL's HMAC (RFC 7296 §2.15). */
static size_t
octets_ref(const EVP_MD *md, size_t skp_len, uint8_t *out)
{
	unsigned int n = 0;

	memcpy(out, msg, sizeof(msg));
	memcpy(out + sizeof(msg), nonce, sizeof(nonce));
	HMAC(md, skp, (int)skp_len, idb, sizeof(idb), out + sizeof(msg) + sizeof(nonce), &n);
	return sizeof(msg) + sizeof(nonce) + n;
}

static void
test_ikev2_auth_octets(void)
{
	uint8_t got[512], want[512];
	struct ikev2_auth_octets o;
	size_t n;

	fill();
	o = octets(IKE_CRYPTO_PRF_HMAC_SHA2_256, 32);
	n = octets_ref(EVP_sha256(), 32, want);
	CU_ASSERT_EQUAL(ikev2_auth_octets_build(&o, got, sizeof(got)), (int)n);
	CU_ASSERT_EQUAL(memcmp(got, want, n), 0);
	CU_ASSERT_EQUAL(ikev2_auth_octets_build(&o, got, n - 1), -ENOSPC);
	CU_ASSERT_EQUAL(ikev2_auth_octets_build(&o, got, 10), -ENOSPC);
	o.id_len = 3; /* shorter than the ID payload's fixed part */
	CU_ASSERT_EQUAL(ikev2_auth_octets_build(&o, got, sizeof(got)), -EINVAL);
	o = octets(99, 32);
	CU_ASSERT_EQUAL(ikev2_auth_octets_build(&o, got, sizeof(got)), -ENOTSUP);
	o = octets(IKE_CRYPTO_PRF_HMAC_SHA2_256, 32);
	o.nonce = NULL;
	CU_ASSERT_EQUAL(ikev2_auth_octets_build(&o, got, sizeof(got)), -EINVAL);
}

/* PSK AUTH against HMAC computed here: prf(prf(secret, "Key Pad for IKEv2"), octets). */
static void
psk_case(uint16_t prf, const EVP_MD *md, size_t skp_len)
{
	static const char secret[] = "fastipsec-test-psk";
	uint8_t oct[512], key[64], want[64], got[64];
	unsigned int kl = 0, wl = 0;
	struct ikev2_auth_octets o = octets(prf, skp_len);
	size_t n = octets_ref(md, skp_len, oct);
	int rc;

	HMAC(md, secret, (int)strlen(secret), (const uint8_t *)"Key Pad for IKEv2", 17, key, &kl);
	HMAC(md, key, (int)kl, oct, n, want, &wl);
	rc = ikev2_auth_psk_build(&o, (const uint8_t *)secret, strlen(secret), got, sizeof(got));
	CU_ASSERT_EQUAL_FATAL(rc, (int)wl);
	CU_ASSERT_EQUAL(memcmp(got, want, wl), 0);
	CU_ASSERT_EQUAL(ikev2_auth_psk_verify(&o, (const uint8_t *)secret, strlen(secret), want,
	                    wl),
	    0);
	want[wl - 1] ^= 1;
	CU_ASSERT_EQUAL(ikev2_auth_psk_verify(&o, (const uint8_t *)secret, strlen(secret), want,
	                    wl),
	    -EBADMSG);
	want[wl - 1] ^= 1;
	CU_ASSERT_EQUAL(ikev2_auth_psk_verify(&o, (const uint8_t *)secret, strlen(secret), want,
	                    wl - 1),
	    -EBADMSG);
	CU_ASSERT_EQUAL(ikev2_auth_psk_verify(&o, (const uint8_t *)secret, strlen(secret) - 1, want,
	                    wl),
	    -EBADMSG);
	/* Another SK_p or nonce changes it. */
	skp[0] ^= 1;
	CU_ASSERT_EQUAL(ikev2_auth_psk_verify(&o, (const uint8_t *)secret, strlen(secret), want,
	                    wl),
	    -EBADMSG);
	skp[0] ^= 1;
	nonce[5] ^= 1;
	CU_ASSERT_EQUAL(ikev2_auth_psk_verify(&o, (const uint8_t *)secret, strlen(secret), want,
	                    wl),
	    -EBADMSG);
	nonce[5] ^= 1;
	CU_ASSERT_EQUAL(ikev2_auth_psk_verify(&o, (const uint8_t *)secret, strlen(secret), NULL, 4),
	    -EINVAL);
	CU_ASSERT_EQUAL(ikev2_auth_psk_build(&o, NULL, 0, got, sizeof(got)), -EINVAL);
}

static void
test_ikev2_auth_psk(void)
{
	fill();
	psk_case(IKE_CRYPTO_PRF_HMAC_SHA1, EVP_sha1(), 20);
	psk_case(IKE_CRYPTO_PRF_HMAC_SHA2_256, EVP_sha256(), 32);
	psk_case(IKE_CRYPTO_PRF_HMAC_SHA2_384, EVP_sha384(), 48);
	psk_case(IKE_CRYPTO_PRF_HMAC_SHA2_512, EVP_sha512(), 64);
}

static void
test_ikev2_auth_hashes(void)
{
	static const uint8_t peer[] = { 0, 1, 0, 2, 0, 3, 0, 4, 0, 5 };
	uint16_t h[IKEV2_AUTH_HASHES_MAX], hash = 0;
	uint8_t buf[16];

	CU_ASSERT_EQUAL(ikev2_auth_hashes_build(buf, sizeof(buf)), 6);
	CU_ASSERT_EQUAL(memcmp(buf, "\0\2\0\3\0\4", 6), 0);
	CU_ASSERT_EQUAL(ikev2_auth_hashes_build(buf, 5), -ENOSPC);
	CU_ASSERT_EQUAL(ikev2_auth_hashes_parse(peer, sizeof(peer), h, DIM(h)), 5);
	CU_ASSERT_EQUAL(h[4], 5);
	CU_ASSERT_EQUAL(ikev2_auth_hashes_parse(peer, 3, h, DIM(h)), -EBADMSG);
	CU_ASSERT_EQUAL(ikev2_auth_hashes_parse(peer, 0, h, DIM(h)), -EBADMSG);
	CU_ASSERT_EQUAL(ikev2_auth_hashes_parse(peer, sizeof(peer), h, 2), 2);

	/* Without the notify: the classic methods. */
	CU_ASSERT_EQUAL(ikev2_auth_sig_choose(IKE_CRYPTO_SIG_RSA, NULL, 0, &hash),
	    IKEV2_AUTH_RSA_SIG);
	CU_ASSERT_EQUAL(hash, IKE_CRYPTO_HASH_SHA1);
	CU_ASSERT_EQUAL(ikev2_auth_sig_choose(IKE_CRYPTO_SIG_ECDSA_P384, NULL, 0, &hash),
	    IKEV2_AUTH_ECDSA_384);
	CU_ASSERT_EQUAL(ikev2_auth_sig_choose(IKE_CRYPTO_SIG_ECDSA_P521, NULL, 0, &hash),
	    IKEV2_AUTH_ECDSA_521);
	CU_ASSERT_EQUAL(hash, IKE_CRYPTO_HASH_SHA2_512);
	/* With it: RFC 7427, our preference among what the peer lists. */
	h[0] = IKE_CRYPTO_HASH_SHA2_512;
	h[1] = IKE_CRYPTO_HASH_SHA2_256;
	CU_ASSERT_EQUAL(ikev2_auth_sig_choose(IKE_CRYPTO_SIG_RSA, h, 2, &hash),
	    IKEV2_AUTH_DIGITAL_SIG);
	CU_ASSERT_EQUAL(hash, IKE_CRYPTO_HASH_SHA2_256);
	CU_ASSERT_EQUAL(ikev2_auth_sig_choose(IKE_CRYPTO_SIG_ECDSA_P384, h, 2, &hash),
	    IKEV2_AUTH_DIGITAL_SIG);
	CU_ASSERT_EQUAL(hash, IKE_CRYPTO_HASH_SHA2_512);
	/* Only SHA-1 (or unknown ids) in common: back to the classic method. */
	h[0] = IKE_CRYPTO_HASH_SHA1;
	h[1] = 5;
	CU_ASSERT_EQUAL(ikev2_auth_sig_choose(IKE_CRYPTO_SIG_ECDSA_P256, h, 2, &hash),
	    IKEV2_AUTH_ECDSA_256);
	CU_ASSERT_EQUAL(ikev2_auth_sig_choose(IKE_CRYPTO_SIG_NONE, h, 2, &hash), 0);
}

/* ---- AlgorithmIdentifiers (RFC 7427 Appendix A) ---- */

/* The encodings as RFC 7427 Appendix A prints them. */
static const struct {
	enum ike_crypto_sig key;
	uint16_t hash;
	int nid;
	const char *hex;
} algids[] = {
	{ IKE_CRYPTO_SIG_RSA, IKE_CRYPTO_HASH_SHA1, NID_sha1WithRSAEncryption,
	    "300d06092a864886f70d0101050500" },
	{ IKE_CRYPTO_SIG_RSA, IKE_CRYPTO_HASH_SHA2_256, NID_sha256WithRSAEncryption,
	    "300d06092a864886f70d01010b0500" },
	{ IKE_CRYPTO_SIG_RSA, IKE_CRYPTO_HASH_SHA2_384, NID_sha384WithRSAEncryption,
	    "300d06092a864886f70d01010c0500" },
	{ IKE_CRYPTO_SIG_RSA, IKE_CRYPTO_HASH_SHA2_512, NID_sha512WithRSAEncryption,
	    "300d06092a864886f70d01010d0500" },
	{ IKE_CRYPTO_SIG_ECDSA_P256, IKE_CRYPTO_HASH_SHA1, NID_ecdsa_with_SHA1,
	    "300906072a8648ce3d0401" },
	{ IKE_CRYPTO_SIG_ECDSA_P256, IKE_CRYPTO_HASH_SHA2_256, NID_ecdsa_with_SHA256,
	    "300a06082a8648ce3d040302" },
	{ IKE_CRYPTO_SIG_ECDSA_P384, IKE_CRYPTO_HASH_SHA2_384, NID_ecdsa_with_SHA384,
	    "300a06082a8648ce3d040303" },
	{ IKE_CRYPTO_SIG_ECDSA_P521, IKE_CRYPTO_HASH_SHA2_512, NID_ecdsa_with_SHA512,
	    "300a06082a8648ce3d040304" },
};

static void
test_ikev2_auth_algid(void)
{
	uint8_t want[64], *ossl = NULL, bad[64];
	const uint8_t *der;
	size_t len, wl, i;
	X509_ALGOR *a;
	uint16_t hash;
	bool rsa;
	int n;

	for (i = 0; i < DIM(algids); i++) {
		wl = pki_unhex(algids[i].hex, want, sizeof(want));
		CU_ASSERT_EQUAL_FATAL(ike_crypto_sig_algid(algids[i].key, algids[i].hash, &der,
		                          &len),
		    0);
		CU_ASSERT_EQUAL(len, wl);
		CU_ASSERT_EQUAL(memcmp(der, want, wl), 0);
		/* OpenSSL's own encoding of the same algorithm, as a second opinion. */
		a = X509_ALGOR_new();
		CU_ASSERT_PTR_NOT_NULL_FATAL(a);
		X509_ALGOR_set0(a, OBJ_nid2obj(algids[i].nid),
		    algids[i].key == IKE_CRYPTO_SIG_RSA ? V_ASN1_NULL : V_ASN1_UNDEF, NULL);
		ossl = NULL;
		n = i2d_X509_ALGOR(a, &ossl);
		CU_ASSERT_EQUAL(n, (int)wl);
		CU_ASSERT(n > 0 && memcmp(ossl, want, wl) == 0);
		OPENSSL_free(ossl);
		X509_ALGOR_free(a);
		/* And back. */
		CU_ASSERT_EQUAL(ike_crypto_sig_algid_parse(want, wl, &rsa, &hash), 0);
		CU_ASSERT_EQUAL(rsa, algids[i].key == IKE_CRYPTO_SIG_RSA);
		CU_ASSERT_EQUAL(hash, algids[i].hash);
		CU_ASSERT_EQUAL(ike_crypto_sig_algid_parse(want, wl - 1, &rsa, &hash), -ENOTSUP);
	}
	/* Every ECDSA curve gets the same identifiers. */
	CU_ASSERT_EQUAL(ike_crypto_sig_algid(IKE_CRYPTO_SIG_ECDSA_P521, IKE_CRYPTO_HASH_SHA2_256,
	                    &der, &len),
	    0);
	CU_ASSERT_EQUAL(len, 12);
	CU_ASSERT_EQUAL(ike_crypto_sig_algid(IKE_CRYPTO_SIG_NONE, IKE_CRYPTO_HASH_SHA2_256, &der,
	                    &len),
	    -ENOTSUP);
	CU_ASSERT_EQUAL(ike_crypto_sig_algid(IKE_CRYPTO_SIG_RSA, 5, &der, &len), -ENOTSUP);
	/* RSA without the NULL parameters (RFC 4055 §5): accepted. */
	wl = pki_unhex("300b06092a864886f70d01010b", bad, sizeof(bad));
	CU_ASSERT_EQUAL(ike_crypto_sig_algid_parse(bad, wl, &rsa, &hash), 0);
	CU_ASSERT(rsa && hash == IKE_CRYPTO_HASH_SHA2_256);
	/* RSASSA-PSS (RFC 7427 A.4.1, no parameters) and junk: not taken. */
	wl = pki_unhex("300b06092a864886f70d01010a", bad, sizeof(bad));
	CU_ASSERT_EQUAL(ike_crypto_sig_algid_parse(bad, wl, &rsa, &hash), -ENOTSUP);
	wl = pki_unhex("300a06082a8648ce3d0403020500", bad, sizeof(bad));
	CU_ASSERT_EQUAL(ike_crypto_sig_algid_parse(bad, wl, &rsa, &hash), -ENOTSUP);
	CU_ASSERT_EQUAL(ike_crypto_sig_algid_parse(bad, 0, &rsa, &hash), -ENOTSUP);
	CU_ASSERT_EQUAL(ike_crypto_sig_algid_parse(NULL, 12, &rsa, &hash), -ENOTSUP);
}

/* ---- signatures ---- */

/* The peer's certificate, validated against @ca as the state machine will. */
static struct ike_crypto_cert *
peer_cert(const char *name, const char *ca)
{
	static uint8_t der[DER_MAX];
	struct ike_crypto_trust *t = pki_trust(ca, NULL);
	struct ike_crypto_cert *c = NULL;
	struct ike_crypto_chunk ch;
	enum ike_crypto_cert_err why;

	ch.ptr = der;
	ch.len = pki_cert_der(name, der, sizeof(der));
	CU_ASSERT_EQUAL(ike_crypto_trust_verify(t, &ch, 1, 0, &c, &why), 0);
	ike_crypto_trust_destroy(t);
	return c;
}

static const EVP_MD *
md_of(uint16_t hash)
{
	switch (hash) {
	case IKE_CRYPTO_HASH_SHA1:
		return EVP_sha1();
	case IKE_CRYPTO_HASH_SHA2_256:
		return EVP_sha256();
	case IKE_CRYPTO_HASH_SHA2_384:
		return EVP_sha384();
	default:
		return EVP_sha512();
	}
}

/* r | s of @w bytes each to DER, for OpenSSL. */
static int
raw_to_der(const uint8_t *raw, size_t w, uint8_t *der)
{
	ECDSA_SIG *es = ECDSA_SIG_new();
	unsigned char *p = der;
	int n;

	ECDSA_SIG_set0(es, BN_bin2bn(raw, (int)w, NULL), BN_bin2bn(raw + w, (int)w, NULL));
	n = i2d_ECDSA_SIG(es, &p);
	ECDSA_SIG_free(es);
	return n;
}

/*
 * Sign the octets with @method/@hash as ours, check the AUTH data's form
 * and the signature with OpenSSL directly, then verify with
 * ikev2_auth_sig_verify() and see a flipped bit refused.
 */
static void
sig_case(const char *cert, const char *key, const char *ca, uint8_t method, uint16_t hash,
    size_t ec_w)
{
	static uint8_t auth[IKEV2_AUTH_DATA_MAX], oct[1024], der[256];
	struct ikev2_auth_octets o = octets(IKE_CRYPTO_PRF_HMAC_SHA2_256, 32);
	struct ike_crypto_cred *me = pki_cred(cert, key);
	struct ike_crypto_cert *peer = peer_cert(cert, ca);
	EVP_PKEY *pk = pki_pubkey(cert);
	const uint8_t *algid, *sig;
	size_t olen = octets_ref(EVP_sha256(), 32, oct), alen = 0, slen;
	EVP_MD_CTX *m;
	uint16_t used = 0;
	int n, dl;

	CU_ASSERT_PTR_NOT_NULL_FATAL(me);
	CU_ASSERT_PTR_NOT_NULL_FATAL(peer);
	n = ikev2_auth_sig_build(me, method, hash, &o, auth, sizeof(auth));
	CU_ASSERT_FATAL(n > 0);
	sig = auth;
	slen = (size_t)n;
	if (method == IKEV2_AUTH_DIGITAL_SIG) {
		/* RFC 7427 §3: length byte, the AlgorithmIdentifier, the signature. */
		CU_ASSERT_EQUAL(ike_crypto_sig_algid(ike_crypto_cred_sig(me), hash, &algid, &alen),
		    0);
		CU_ASSERT_EQUAL(auth[0], alen);
		CU_ASSERT_EQUAL(memcmp(auth + 1, algid, alen), 0);
		sig = auth + 1 + alen;
		slen = (size_t)n - 1 - alen;
	}
	if (ec_w != 0 && method != IKEV2_AUTH_DIGITAL_SIG) {
		/* RFC 4754 §7: r | s, each the order's length. */
		CU_ASSERT_EQUAL(slen, 2 * ec_w);
		dl = raw_to_der(sig, ec_w, der);
		sig = der;
		slen = (size_t)dl;
	} else if (ec_w != 0) {
		CU_ASSERT_EQUAL(sig[0], 0x30); /* a DER SEQUENCE */
	}
	/* OpenSSL, on its own, agrees (RSA: PKCS#1 v1.5 with DigestInfo). */
	m = EVP_MD_CTX_new();
	CU_ASSERT_EQUAL(EVP_DigestVerifyInit(m, NULL, md_of(hash), NULL, pk), 1);
	CU_ASSERT_EQUAL(EVP_DigestVerify(m, sig, slen, oct, olen), 1);
	EVP_MD_CTX_free(m);

	CU_ASSERT_EQUAL(ikev2_auth_sig_verify(peer, method, auth, (size_t)n, &o, &used), 0);
	CU_ASSERT_EQUAL(used, hash);
	auth[n - 3] ^= 0x10;
	CU_ASSERT_EQUAL(ikev2_auth_sig_verify(peer, method, auth, (size_t)n, &o, NULL), -EBADMSG);
	auth[n - 3] ^= 0x10;
	msg[17] ^= 1;
	CU_ASSERT_EQUAL(ikev2_auth_sig_verify(peer, method, auth, (size_t)n, &o, NULL), -EBADMSG);
	msg[17] ^= 1;
	CU_ASSERT_EQUAL(ikev2_auth_sig_verify(peer, method, auth, (size_t)n - 1, &o, NULL),
	    -EBADMSG);
	EVP_PKEY_free(pk);
	ike_crypto_cert_destroy(peer);
	ike_crypto_cred_destroy(me);
}

static void
test_ikev2_auth_sig_rsa(void)
{
	SKIP_WITHOUT_PKI();
	fill();
	sig_case("rsa-gw2.pem", "rsa-gw2.key", "rsa-ca.pem", IKEV2_AUTH_RSA_SIG,
	    IKE_CRYPTO_HASH_SHA1, 0);
	sig_case("rsa-gw2.pem", "rsa-gw2.key", "rsa-ca.pem", IKEV2_AUTH_DIGITAL_SIG,
	    IKE_CRYPTO_HASH_SHA2_256, 0);
	sig_case("rsa-gw2.pem", "rsa-gw2.key", "rsa-ca.pem", IKEV2_AUTH_DIGITAL_SIG,
	    IKE_CRYPTO_HASH_SHA2_384, 0);
	sig_case("rsa-gw2.pem", "rsa-gw2.key", "rsa-ca.pem", IKEV2_AUTH_DIGITAL_SIG,
	    IKE_CRYPTO_HASH_SHA2_512, 0);
}

static void
test_ikev2_auth_sig_ecdsa(void)
{
	SKIP_WITHOUT_PKI();
	fill();
	sig_case("ec256-gw1.pem", "ec256-gw1.key", "ec256-ca.pem", IKEV2_AUTH_ECDSA_256,
	    IKE_CRYPTO_HASH_SHA2_256, 32);
	sig_case("ec384-gw1.pem", "ec384-gw1.key", "ec384-ca.pem", IKEV2_AUTH_ECDSA_384,
	    IKE_CRYPTO_HASH_SHA2_384, 48);
	sig_case("ec521-gw1.pem", "ec521-gw1.key", "ec521-ca.pem", IKEV2_AUTH_ECDSA_521,
	    IKE_CRYPTO_HASH_SHA2_512, 66);
	/* RFC 7427: any hash on any curve, DER signatures. */
	sig_case("ec256-gw1.pem", "ec256-gw1.key", "ec256-ca.pem", IKEV2_AUTH_DIGITAL_SIG,
	    IKE_CRYPTO_HASH_SHA2_256, 32);
	sig_case("ec256-gw1.pem", "ec256-gw1.key", "ec256-ca.pem", IKEV2_AUTH_DIGITAL_SIG,
	    IKE_CRYPTO_HASH_SHA2_512, 32);
	sig_case("ec384-gw1.pem", "ec384-gw1.key", "ec384-ca.pem", IKEV2_AUTH_DIGITAL_SIG,
	    IKE_CRYPTO_HASH_SHA2_384, 48);
	sig_case("ec521-gw1.pem", "ec521-gw1.key", "ec521-ca.pem", IKEV2_AUTH_DIGITAL_SIG,
	    IKE_CRYPTO_HASH_SHA2_512, 66);
	sig_case("ec521-gw1.pem", "ec521-gw1.key", "ec521-ca.pem", IKEV2_AUTH_DIGITAL_SIG,
	    IKE_CRYPTO_HASH_SHA2_256, 66);
}

/* Methods and identifiers that do not fit the key, and Authentication Data that does not parse. */
static void
test_ikev2_auth_sig_bad(void)
{
	static uint8_t auth[IKEV2_AUTH_DATA_MAX], forged[IKEV2_AUTH_DATA_MAX];
	struct ikev2_auth_octets o;
	struct ike_crypto_cred *rsa, *ec;
	struct ike_crypto_cert *rsa_peer, *ec_peer;
	const uint8_t *algid;
	size_t alen;
	int n;

	SKIP_WITHOUT_PKI();
	fill();
	o = octets(IKE_CRYPTO_PRF_HMAC_SHA2_256, 32);
	rsa = pki_cred("rsa-gw2.pem", "rsa-gw2.key");
	ec = pki_cred("ec256-gw1.pem", "ec256-gw1.key");
	rsa_peer = peer_cert("rsa-gw2.pem", "rsa-ca.pem");
	ec_peer = peer_cert("ec256-gw1.pem", "ec256-ca.pem");
	CU_ASSERT_FATAL(rsa && ec && rsa_peer && ec_peer);

	/* Building: a classic method of another key type. */
	CU_ASSERT_EQUAL(ikev2_auth_sig_build(rsa, IKEV2_AUTH_ECDSA_256, 0, &o, auth, sizeof(auth)),
	    -EACCES);
	CU_ASSERT_EQUAL(ikev2_auth_sig_build(ec, IKEV2_AUTH_ECDSA_384, 0, &o, auth, sizeof(auth)),
	    -EACCES);
	CU_ASSERT_EQUAL(ikev2_auth_sig_build(ec, IKEV2_AUTH_PSK, 0, &o, auth, sizeof(auth)),
	    -ENOTSUP);
	CU_ASSERT_EQUAL(ikev2_auth_sig_build(ec, IKEV2_AUTH_DIGITAL_SIG, 9, &o, auth, sizeof(auth)),
	    -ENOTSUP);
	CU_ASSERT(ikev2_auth_sig_build(rsa, IKEV2_AUTH_DIGITAL_SIG, IKE_CRYPTO_HASH_SHA2_256, &o,
	              auth, 100) < 0);

	/* An ECDSA signature presented for an RSA certificate, and the reverse. */
	n = ikev2_auth_sig_build(ec, IKEV2_AUTH_ECDSA_256, 0, &o, auth, sizeof(auth));
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL(ikev2_auth_sig_verify(rsa_peer, IKEV2_AUTH_ECDSA_256, auth, (size_t)n, &o,
	                    NULL),
	    -EACCES);
	n = ikev2_auth_sig_build(ec, IKEV2_AUTH_DIGITAL_SIG, IKE_CRYPTO_HASH_SHA2_256, &o, auth,
	    sizeof(auth));
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL(ikev2_auth_sig_verify(rsa_peer, IKEV2_AUTH_DIGITAL_SIG, auth, (size_t)n, &o,
	                    NULL),
	    -EACCES);
	/* An ECDSA P-256 raw signature under method 10 (P-384). */
	n = ikev2_auth_sig_build(ec, IKEV2_AUTH_ECDSA_256, 0, &o, auth, sizeof(auth));
	CU_ASSERT_EQUAL(ikev2_auth_sig_verify(ec_peer, IKEV2_AUTH_ECDSA_384, auth, (size_t)n, &o,
	                    NULL),
	    -EACCES);
	CU_ASSERT_EQUAL(ikev2_auth_sig_verify(ec_peer, IKEV2_AUTH_PSK, auth, (size_t)n, &o, NULL),
	    -ENOTSUP);
	CU_ASSERT_EQUAL(ikev2_auth_sig_verify(ec_peer, 200, auth, (size_t)n, &o, NULL), -ENOTSUP);

	/* Method 14 framing: an ASN.1 length past the data, zero, or nothing after it. */
	n = ikev2_auth_sig_build(rsa, IKEV2_AUTH_DIGITAL_SIG, IKE_CRYPTO_HASH_SHA2_256, &o, auth,
	    sizeof(auth));
	CU_ASSERT_FATAL(n > 16);
	CU_ASSERT_EQUAL(ikev2_auth_sig_verify(rsa_peer, IKEV2_AUTH_DIGITAL_SIG, auth, (size_t)n, &o,
	                    NULL),
	    0);
	memcpy(forged, auth, (size_t)n);
	forged[0] = 0xff;
	CU_ASSERT_EQUAL(ikev2_auth_sig_verify(rsa_peer, IKEV2_AUTH_DIGITAL_SIG, forged, 200, &o,
	                    NULL),
	    -EBADMSG);
	/* 255 bytes that are no AlgorithmIdentifier of ours. */
	CU_ASSERT_EQUAL(ikev2_auth_sig_verify(rsa_peer, IKEV2_AUTH_DIGITAL_SIG, forged, (size_t)n,
	                    &o, NULL),
	    -ENOTSUP);
	forged[0] = 0;
	CU_ASSERT_EQUAL(ikev2_auth_sig_verify(rsa_peer, IKEV2_AUTH_DIGITAL_SIG, forged, (size_t)n,
	                    &o, NULL),
	    -EBADMSG);
	CU_ASSERT_EQUAL(ikev2_auth_sig_verify(rsa_peer, IKEV2_AUTH_DIGITAL_SIG, auth, 16, &o, NULL),
	    -EBADMSG);
	CU_ASSERT_EQUAL(ikev2_auth_sig_verify(rsa_peer, IKEV2_AUTH_DIGITAL_SIG, auth, 0, &o, NULL),
	    -EBADMSG);
	/* The SHA-1 identifier in method 14 is not one we announce: refused. */
	memcpy(forged, auth, (size_t)n);
	CU_ASSERT_EQUAL(ike_crypto_sig_algid(IKE_CRYPTO_SIG_RSA, IKE_CRYPTO_HASH_SHA1, &algid,
	                    &alen),
	    0);
	memcpy(forged + 1, algid, alen); /* same length (15) as sha256WithRSAEncryption */
	CU_ASSERT_EQUAL(ikev2_auth_sig_verify(rsa_peer, IKEV2_AUTH_DIGITAL_SIG, forged, (size_t)n,
	                    &o, NULL),
	    -ENOTSUP);
	/* The SHA-384 identifier with a SHA-256 signature: a mismatch. */
	CU_ASSERT_EQUAL(ike_crypto_sig_algid(IKE_CRYPTO_SIG_RSA, IKE_CRYPTO_HASH_SHA2_384, &algid,
	                    &alen),
	    0);
	memcpy(forged + 1, algid, alen);
	CU_ASSERT_EQUAL(ikev2_auth_sig_verify(rsa_peer, IKEV2_AUTH_DIGITAL_SIG, forged, (size_t)n,
	                    &o, NULL),
	    -EBADMSG);
	/* Method 1 is SHA-1 only: a method-14 RSA signature body under it fails. */
	CU_ASSERT_EQUAL(ikev2_auth_sig_verify(rsa_peer, IKEV2_AUTH_RSA_SIG, auth + 16,
	                    (size_t)n - 16, &o, NULL),
	    -EBADMSG);
	CU_ASSERT_EQUAL(ikev2_auth_sig_verify(NULL, IKEV2_AUTH_RSA_SIG, auth, (size_t)n, &o, NULL),
	    -EINVAL);
	ike_crypto_cert_destroy(rsa_peer);
	ike_crypto_cert_destroy(ec_peer);
	ike_crypto_cred_destroy(rsa);
	ike_crypto_cred_destroy(ec);
}

/* ---- Wycheproof, through the new verify functions ---- */

struct wp {
	unsigned int groups, run, skipped, failed, valid, invalid;
};

/* One Wycheproof verify file: the whole message goes in, hashed with @hash inside. */
static void
wp_file(const char *file, uint16_t hash, bool der)
{
	static char line[16384], v[16384];
	static uint8_t key[2048], m[4096], sig[2048];
	struct ike_crypto_key *k = NULL;
	struct wp c = { 0 };
	size_t klen, mlen = 0, slen = 0;
	unsigned int tc = 0;
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
			mlen = pki_unhex(v, m, sizeof(m));
			continue;
		}
		if (pki_json_field(line, "sig", v, sizeof(v)) != NULL) {
			slen = pki_unhex(v, sig, sizeof(sig));
			continue;
		}
		if (pki_json_field(line, "result", v, sizeof(v)) == NULL)
			continue;
		/* IKE never signs empty octets: those cases are skipped. */
		if (k == NULL || mlen == SIZE_MAX || slen == SIZE_MAX || mlen == 0) {
			c.skipped++;
			continue;
		}
		c.run++;
		accept = ike_crypto_key_verify_hash(k, hash, der, m, mlen, sig, slen) == 0;
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
	CU_ASSERT(c.valid > 0 && c.invalid > 0);
	CU_ASSERT_EQUAL(c.failed, 0);
}

static void
test_ikev2_auth_wycheproof_rsa(void)
{
	wp_file("rsa_signature_2048_sha256_test.json", IKE_CRYPTO_HASH_SHA2_256, false);
}

static void
test_ikev2_auth_wycheproof_ecdsa_p256(void)
{
	wp_file("ecdsa_secp256r1_sha256_test.json", IKE_CRYPTO_HASH_SHA2_256, true);
}

static void
test_ikev2_auth_wycheproof_ecdsa_p384(void)
{
	wp_file("ecdsa_secp384r1_sha384_test.json", IKE_CRYPTO_HASH_SHA2_384, true);
}

/* A P-521 CA and end entity (make_certs.sh has none), with the openssl CLI. */
static bool
make_p521(void)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd),
	    "cd %s && "
	    "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-521 -out ec521-ca.key && "
	    "openssl req -x509 -new -key ec521-ca.key -subj '/C=CH/O=fastipsec test/CN=ec521 CA' "
	    "-days 3650 -addext basicConstraints=critical,CA:true "
	    "-addext keyUsage=critical,keyCertSign,cRLSign -out ec521-ca.pem && "
	    "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-521 -out ec521-gw1.key && "
	    "openssl req -new -key ec521-gw1.key -subj '/C=CH/O=fastipsec test/CN=gw1.example.org' "
	    "-out ec521-gw1.csr && "
	    "printf 'keyUsage=critical,digitalSignature\\nsubjectAltName=DNS:gw1.example.org\\n' "
	    ">ec521.ext && "
	    "openssl x509 -req -in ec521-gw1.csr -CA ec521-ca.pem -CAkey ec521-ca.key "
	    "-CAcreateserial -days 3650 -sha512 -extfile ec521.ext -out ec521-gw1.pem "
	    ">/dev/null 2>&1",
	    pki_dir);
	return system(cmd) == 0;
}

int main(void);

int
main(void)
{
	static const struct harness_test tests[] = {
		{ "test_ikev2_auth_octets", test_ikev2_auth_octets },
		{ "test_ikev2_auth_psk", test_ikev2_auth_psk },
		{ "test_ikev2_auth_hashes", test_ikev2_auth_hashes },
		{ "test_ikev2_auth_algid", test_ikev2_auth_algid },
		{ "test_ikev2_auth_sig_rsa", test_ikev2_auth_sig_rsa },
		{ "test_ikev2_auth_sig_ecdsa", test_ikev2_auth_sig_ecdsa },
		{ "test_ikev2_auth_sig_bad", test_ikev2_auth_sig_bad },
		{ "test_ikev2_auth_wycheproof_rsa", test_ikev2_auth_wycheproof_rsa },
		{ "test_ikev2_auth_wycheproof_ecdsa_p256", test_ikev2_auth_wycheproof_ecdsa_p256 },
		{ "test_ikev2_auth_wycheproof_ecdsa_p384", test_ikev2_auth_wycheproof_ecdsa_p384 },
	};
	unsigned int fails;

	if (pki_make("test_ikev2_auth") != 0)
		return 1;
	have_pki = have_pki && make_p521();
	fails = harness_run("ikev2_auth", tests, DIM(tests));
	if (pki_remove() != 0)
		fails++;
	/* Without a PKI the signature tests could not run: that is a failure, not a skip. */
	return fails == 0 && have_pki ? 0 : 1;
}
