/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ike_crypto.h: IKEv1/IKEv2 crypto on plain buffers: (EC)DH, PRF, prf+, key derivation, ciphers, signatures and certificates. */
#ifndef FASTIPSEC_IKE_CRYPTO_H
#define FASTIPSEC_IKE_CRYPTO_H

/*
 * The only IKE module that talks to OpenSSL (STYLE.md rule 2).  It holds no
 * IKE state: every function works on the buffers it is given.  Algorithms
 * are named by their IANA numbers, the IKEv2 transform ids of RFC 7296
 * §3.3.2 (IKEv1 uses the same group numbers; its hash ids map to PRF ids
 * with ike_crypto_v1_prf_from_hash()).
 *
 * Errors: 0 or a positive length on success; -EINVAL for a bad length or
 * argument (and for a peer's public value that fails validation),
 * -ENOTSUP for an algorithm id this module does not implement, -EBADMSG
 * for an ICV mismatch, -ENOMEM, and -EIO when OpenSSL fails.  Output
 * buffers that would have held secrets are wiped on every error path.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* IKEv2 transform type 4: Diffie-Hellman groups (RFC 3526, RFC 5903, RFC 8031). */
enum ike_crypto_dh_group {
	IKE_CRYPTO_DH_MODP2048 = 14,
	IKE_CRYPTO_DH_MODP3072 = 15,
	IKE_CRYPTO_DH_MODP4096 = 16,
	IKE_CRYPTO_DH_ECP256 = 19,
	IKE_CRYPTO_DH_ECP384 = 20,
	IKE_CRYPTO_DH_ECP521 = 21,
	IKE_CRYPTO_DH_CURVE25519 = 31,
	IKE_CRYPTO_DH_CURVE448 = 32,
};

/* IKEv2 transform type 2: pseudorandom functions (RFC 7296, RFC 4868). */
enum ike_crypto_prf {
	IKE_CRYPTO_PRF_HMAC_SHA1 = 2,
	IKE_CRYPTO_PRF_HMAC_SHA2_256 = 5,
	IKE_CRYPTO_PRF_HMAC_SHA2_384 = 6,
	IKE_CRYPTO_PRF_HMAC_SHA2_512 = 7,
};

/* IKEv2 transform type 3: integrity algorithms (RFC 2404, RFC 4868). */
enum ike_crypto_integ {
	IKE_CRYPTO_INTEG_HMAC_SHA1_96 = 2,
	IKE_CRYPTO_INTEG_HMAC_SHA2_256_128 = 12,
	IKE_CRYPTO_INTEG_HMAC_SHA2_384_192 = 13,
	IKE_CRYPTO_INTEG_HMAC_SHA2_512_256 = 14,
};

/* IKEv2 transform type 1: encryption algorithms (RFC 3602, RFC 5282). */
enum ike_crypto_encr {
	IKE_CRYPTO_ENCR_AES_CBC = 12,
	IKE_CRYPTO_ENCR_AES_GCM_16 = 20,
};

/* IKEv1 hash algorithm ids (RFC 2409 Appendix A, RFC 4868 §2.4 for SHA-2). */
enum ike_crypto_v1_hash {
	IKE_CRYPTO_V1_HASH_SHA1 = 2,
	IKE_CRYPTO_V1_HASH_SHA2_256 = 4,
	IKE_CRYPTO_V1_HASH_SHA2_384 = 5,
	IKE_CRYPTO_V1_HASH_SHA2_512 = 6,
};

#define IKE_CRYPTO_PRF_MAX       64  /* longest PRF output and key (HMAC-SHA-512) */
#define IKE_CRYPTO_INTEG_KEY_MAX 64  /* longest integrity key (HMAC-SHA2-512-256) */
#define IKE_CRYPTO_ICV_MAX       32  /* longest truncated integrity checksum */
#define IKE_CRYPTO_ENCR_KEY_MAX  36  /* AES-256 key + 4-byte GCM salt (RFC 5282 §7.1) */
#define IKE_CRYPTO_DH_MAX        512 /* longest KE data and shared secret (MODP 4096) */
#define IKE_CRYPTO_PRF_PLUS_MAX  255 /* prf+ iterations (RFC 7296 §2.13) */
#define IKE_CRYPTO_SPI_LEN       8   /* IKE SA SPI / ISAKMP cookie */
#define IKE_CRYPTO_AES_BLOCK     16
#define IKE_CRYPTO_GCM_SALT      4 /* RFC 5282 §7.1 */
#define IKE_CRYPTO_GCM_IV        8 /* explicit IV in the Encrypted payload */
#define IKE_CRYPTO_GCM_ICV       16

/* One piece of a message that is fed to a PRF without concatenating it first. */
struct ike_crypto_chunk {
	const uint8_t *ptr;
	size_t len;
};

/* ---- identifiers and sizes ---- */

/* PRF output length in bytes (also the length of SK_d, SK_pi, SK_pr), or -ENOTSUP. */
int ike_crypto_prf_len(uint16_t prf_id);
/* Integrity key length in bytes (RFC 7296 §2.14: the algorithm's key size), or -ENOTSUP. */
int ike_crypto_integ_key_len(uint16_t integ_id);
/* Integrity checksum (truncated HMAC) length in bytes, or -ENOTSUP. */
int ike_crypto_integ_icv_len(uint16_t integ_id);
/*
 * Key material bytes an encryption transform takes from the key stream:
 * the AES key for CBC, the key plus the 4-byte salt for GCM (RFC 5282
 * §7.1).  key_bits is the Key Length attribute: 128, 192 or 256.
 */
int ike_crypto_encr_key_len(uint16_t encr_id, uint16_t key_bits);
/* The PRF id that IKEv1 uses for a negotiated hash (its HMAC), or -ENOTSUP. */
int ike_crypto_v1_prf_from_hash(uint16_t v1_hash_id);

/* ---- random ---- */

/* Fills buf from the installed hook, or RAND_bytes() without one. 0 or -EIO. */
int ike_crypto_random(uint8_t *buf, size_t len);

/*
 * A replacement random source, for repeatable tests: DH private keys are
 * drawn from ike_crypto_random() too.  Returns 0 on success.  NULL puts
 * RAND_bytes() back.  Not for production use.
 */
typedef int (*ike_crypto_random_fn)(uint8_t *buf, size_t len);
void ike_crypto_random_set_hook(ike_crypto_random_fn fn);

/* ---- Diffie-Hellman ---- */

struct ike_crypto_dh;

/* A fresh key pair of the group, or NULL (unsupported group, no memory, OpenSSL error). */
struct ike_crypto_dh *ike_crypto_dh_create(uint16_t group);
/*
 * A key pair from a given private key: big-endian bytes for MODP (the
 * exponent, at most the prime's length) and ECP (the scalar, at most the
 * field size, 1 <= d < n), the raw 32/56 bytes for curve25519/448.  For
 * known-answer tests and repeatable two-peer tests.
 */
struct ike_crypto_dh *ike_crypto_dh_create_from_private(uint16_t group, const uint8_t *priv,
    size_t len);
/* Wipes and frees; NULL is fine. */
void ike_crypto_dh_destroy(struct ike_crypto_dh *dh);
uint16_t ike_crypto_dh_group(const struct ike_crypto_dh *dh);
/* Length of the KE payload data and of the shared secret for the group, or -ENOTSUP. */
int ike_crypto_dh_public_len(uint16_t group);
int ike_crypto_dh_secret_len(uint16_t group);
/*
 * Our public value in IKE wire format: MODP big-endian, left-padded to the
 * prime's length (RFC 7296 §3.4); ECP x | y each padded to the field size
 * (RFC 5903 §7); curve25519/448 the raw 32/56 bytes (RFC 8031 §2).
 * Returns its length, or -EINVAL when size is too small.
 */
int ike_crypto_dh_public(const struct ike_crypto_dh *dh, uint8_t *buf, size_t size);
/*
 * The shared secret with the peer's public value: MODP big-endian padded to
 * the prime's length, ECP the x coordinate (RFC 5903 §9), X25519/X448 raw.
 * Returns its length, or -EINVAL when the peer value has the wrong length
 * (RFC 7296 §3.4), is <= 1 or >= p-1 (RFC 6989 §2.1), is not a point of the
 * curve (RFC 6989 §2.3), or gives an all-zero X25519/X448 secret (RFC 8031
 * §2.3, RFC 7748 §6), or when size is too small.
 */
int ike_crypto_dh_shared(const struct ike_crypto_dh *dh, const uint8_t *peer, size_t peer_len,
    uint8_t *out, size_t size);

/* ---- plain hash ---- */

/*
 * out = hash(parts[0] | ... | parts[n-1]) with the hash under PRF @prf_id
 * (IKEv1 NAT-D, RFC 3947 §3.2: "the negotiated hash").  Returns the length.
 */
int ike_crypto_hash_vec(uint16_t prf_id, const struct ike_crypto_chunk *parts, size_t n,
    uint8_t *out, size_t size);

/* ---- PRF ---- */

/* out = prf(key, data): returns the output length. size must hold ike_crypto_prf_len(). */
int ike_crypto_prf(uint16_t prf_id, const uint8_t *key, size_t klen, const uint8_t *data,
    size_t dlen, uint8_t *out, size_t size);
/* The same over data given in n pieces (data = parts[0] | parts[1] | ...). */
int ike_crypto_prf_vec(uint16_t prf_id, const uint8_t *key, size_t klen,
    const struct ike_crypto_chunk *parts, size_t n, uint8_t *out, size_t size);
/*
 * prf+ (RFC 7296 §2.13): out = T1 | T2 | ... cut to outlen, with
 * T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n).  -EINVAL when outlen
 * needs more than 255 iterations or is 0.
 */
int ike_crypto_prf_plus(uint16_t prf_id, const uint8_t *key, size_t klen, const uint8_t *seed,
    size_t slen, uint8_t *out, size_t outlen);

/* ---- IKEv2 key derivation (RFC 7296 §2.14, §2.17, §2.18) ---- */

/* SKEYSEED = prf(Ni | Nr, g^ir). Returns its length. */
int ike_crypto_v2_skeyseed(uint16_t prf_id, const uint8_t *ni, size_t ni_len, const uint8_t *nr,
    size_t nr_len, const uint8_t *gir, size_t gir_len, uint8_t *out, size_t size);
/* Rekeyed IKE SA: SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr). Returns its length. */
int ike_crypto_v2_skeyseed_rekey(uint16_t prf_id, const uint8_t *sk_d, size_t sk_d_len,
    const uint8_t *gir_new, size_t gir_new_len, const uint8_t *ni, size_t ni_len, const uint8_t *nr,
    size_t nr_len, uint8_t *out, size_t size);

/* The seven IKE SA keys, in the order prf+ produces them. */
struct ike_crypto_v2_keys {
	uint8_t sk_d[IKE_CRYPTO_PRF_MAX];
	uint8_t sk_ai[IKE_CRYPTO_INTEG_KEY_MAX];
	uint8_t sk_ar[IKE_CRYPTO_INTEG_KEY_MAX];
	uint8_t sk_ei[IKE_CRYPTO_ENCR_KEY_MAX];
	uint8_t sk_er[IKE_CRYPTO_ENCR_KEY_MAX];
	uint8_t sk_pi[IKE_CRYPTO_PRF_MAX];
	uint8_t sk_pr[IKE_CRYPTO_PRF_MAX];
	uint16_t prf_len;   /* SK_d, SK_pi, SK_pr */
	uint16_t integ_len; /* SK_ai, SK_ar: 0 for a combined-mode cipher */
	uint16_t encr_len;  /* SK_ei, SK_er: with the salt for GCM */
};

/*
 * {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr}
 *     = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr)
 * with the lengths of ike_crypto_integ_key_len() and ike_crypto_encr_key_len();
 * spi_i and spi_r are the 8-byte SPIs of the IKE header.
 */
int ike_crypto_v2_keys_derive(uint16_t prf_id, const uint8_t *skeyseed, size_t skeyseed_len,
    const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len, const uint8_t *spi_i,
    const uint8_t *spi_r, size_t integ_len, size_t encr_len, struct ike_crypto_v2_keys *keys);
/* Wipes the keys. */
void ike_crypto_v2_keys_fini(struct ike_crypto_v2_keys *keys);
/*
 * Child SA KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr) (RFC 7296 §2.17);
 * gir_new may be NULL (length 0) when the exchange had no KE payloads.
 */
int ike_crypto_v2_child_keymat(uint16_t prf_id, const uint8_t *sk_d, size_t sk_d_len,
    const uint8_t *gir_new, size_t gir_new_len, const uint8_t *ni, size_t ni_len, const uint8_t *nr,
    size_t nr_len, uint8_t *out, size_t outlen);

/* ---- IKEv1 key derivation (RFC 2409 §5, §5.5, Appendix B) ---- */

/* Pre-shared keys: SKEYID = prf(pre-shared-key, Ni_b | Nr_b). Returns its length. */
int ike_crypto_v1_skeyid_psk(uint16_t prf_id, const uint8_t *psk, size_t psk_len, const uint8_t *ni,
    size_t ni_len, const uint8_t *nr, size_t nr_len, uint8_t *out, size_t size);
/* Signatures: SKEYID = prf(Ni_b | Nr_b, g^xy). Returns its length. */
int ike_crypto_v1_skeyid_sig(uint16_t prf_id, const uint8_t *ni, size_t ni_len, const uint8_t *nr,
    size_t nr_len, const uint8_t *gxy, size_t gxy_len, uint8_t *out, size_t size);

struct ike_crypto_v1_keys {
	uint8_t skeyid_d[IKE_CRYPTO_PRF_MAX];
	uint8_t skeyid_a[IKE_CRYPTO_PRF_MAX];
	uint8_t skeyid_e[IKE_CRYPTO_PRF_MAX];
	uint16_t len; /* each of the three */
};

/*
 * SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0)
 * SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1)
 * SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2)
 * cky_i and cky_r are the 8-byte cookies.
 */
int ike_crypto_v1_keys_derive(uint16_t prf_id, const uint8_t *skeyid, size_t skeyid_len,
    const uint8_t *gxy, size_t gxy_len, const uint8_t *cky_i, const uint8_t *cky_r,
    struct ike_crypto_v1_keys *keys);
void ike_crypto_v1_keys_fini(struct ike_crypto_v1_keys *keys);
/*
 * The phase-1 encryption key from SKEYID_e: its first key_len bytes, or,
 * when SKEYID_e is shorter, the first key_len bytes of K1 | K2 | ... with
 * K1 = prf(SKEYID_e, 0) and Kn = prf(SKEYID_e, Kn-1) (Appendix B).
 */
int ike_crypto_v1_enc_key(uint16_t prf_id, const uint8_t *skeyid_e, size_t skeyid_e_len,
    uint8_t *key, size_t key_len);
/* Phase-1 IV = hash(g^xi | g^xr) cut to iv_len (the cipher's block size); hash = the PRF's. */
int ike_crypto_v1_iv_phase1(uint16_t prf_id, const uint8_t *gxi, size_t gxi_len, const uint8_t *gxr,
    size_t gxr_len, uint8_t *iv, size_t iv_len);
/*
 * Phase-2 and informational IV = hash(last phase-1 CBC output block | M-ID)
 * cut to iv_len (§5.5, Appendix B); msg_id in host order, hashed big-endian.
 */
int ike_crypto_v1_iv_phase2(uint16_t prf_id, const uint8_t *last_block, size_t block_len,
    uint32_t msg_id, uint8_t *iv, size_t iv_len);

/* The pieces of HASH_I / HASH_R (RFC 2409 §5), always named from the initiator's view. */
struct ike_crypto_v1_hash_prm {
	const uint8_t *skeyid;
	size_t skeyid_len;
	const uint8_t *gxi; /* initiator's KE data */
	size_t gxi_len;
	const uint8_t *gxr; /* responder's KE data */
	size_t gxr_len;
	const uint8_t *cky_i; /* 8 bytes */
	const uint8_t *cky_r; /* 8 bytes */
	const uint8_t *sai_b; /* the initiator's SA payload body */
	size_t sai_len;
	const uint8_t *id_b; /* IDii_b for HASH_I, IDir_b for HASH_R */
	size_t id_len;
};

/*
 * HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b)
 * HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b)
 * responder selects HASH_R.  Returns the length.
 */
int ike_crypto_v1_auth_hash(uint16_t prf_id, const struct ike_crypto_v1_hash_prm *prm,
    bool responder, uint8_t *out, size_t size);

/* Quick-mode KEYMAT inputs (RFC 2409 §5.5). */
struct ike_crypto_v1_qm_prm {
	const uint8_t *skeyid_d;
	size_t skeyid_d_len;
	const uint8_t *gqm; /* g(qm)^xy, NULL without PFS */
	size_t gqm_len;
	uint8_t protocol; /* IPSEC_PROTO_*: 2 AH, 3 ESP */
	const uint8_t *spi;
	size_t spi_len;
	const uint8_t *ni; /* Ni_b */
	size_t ni_len;
	const uint8_t *nr; /* Nr_b */
	size_t nr_len;
};

/*
 * KEYMAT = K1 | K2 | ... cut to outlen, K1 = prf(SKEYID_d, [g(qm)^xy |]
 * protocol | SPI | Ni_b | Nr_b), Kn = prf(SKEYID_d, Kn-1 | [g(qm)^xy |]
 * protocol | SPI | Ni_b | Nr_b).  At most 255 blocks, like prf+.
 */
int ike_crypto_v1_qm_keymat(uint16_t prf_id, const struct ike_crypto_v1_qm_prm *prm, uint8_t *out,
    size_t outlen);

/* ---- ciphers and integrity for the IKE payloads ---- */

/*
 * AES-CBC over len bytes, a multiple of 16 (the caller pads: IKEv1 and
 * IKEv2 pad differently); klen 16, 24 or 32; iv_len 16.  in and out may
 * be the same buffer.  -EINVAL for other lengths.
 */
int ike_crypto_cbc_encrypt(const uint8_t *key, size_t klen, const uint8_t *iv, size_t iv_len,
    const uint8_t *in, uint8_t *out, size_t len);
int ike_crypto_cbc_decrypt(const uint8_t *key, size_t klen, const uint8_t *iv, size_t iv_len,
    const uint8_t *in, uint8_t *out, size_t len);

/*
 * ENCR_AES_GCM_16 (RFC 5282): key is the key material, the AES key then the
 * 4-byte salt (klen 20, 28 or 36); iv is the 8-byte explicit IV; aad is the
 * IKE header through the Encrypted payload header (RFC 5282 §5.1); icv is
 * the 16-byte tag.  open returns -EBADMSG (and wipes out) when the ICV
 * does not match.
 */
int ike_crypto_gcm_seal(const uint8_t *key, size_t klen, const uint8_t *iv, size_t iv_len,
    const uint8_t *aad, size_t aad_len, const uint8_t *in, uint8_t *out, size_t len, uint8_t *icv,
    size_t icv_len);
int ike_crypto_gcm_open(const uint8_t *key, size_t klen, const uint8_t *iv, size_t iv_len,
    const uint8_t *aad, size_t aad_len, const uint8_t *in, uint8_t *out, size_t len,
    const uint8_t *icv, size_t icv_len);

/*
 * Integrity checksum: HMAC over data, truncated (RFC 2404, RFC 4868).  klen
 * must be the algorithm's key length.  Returns the checksum length.
 */
int ike_crypto_integ(uint16_t integ_id, const uint8_t *key, size_t klen, const uint8_t *data,
    size_t dlen, uint8_t *out, size_t size);
/*
 * 0 when icv is the checksum of data (constant-time compare), -EBADMSG when
 * not, -EINVAL when icv_len is not the algorithm's checksum length.
 */
int ike_crypto_integ_verify(uint16_t integ_id, const uint8_t *key, size_t klen, const uint8_t *data,
    size_t dlen, const uint8_t *icv, size_t icv_len);

/* ---- certificates and signatures (RFC 2409 §5.1, RFC 4754, RFC 5280) ---- */

/*
 * Signature schemes as IKEv1 uses them (RFC 2409 §5.1: SIG_I / SIG_R sign
 * HASH_I / HASH_R), computed as strongSwan computes them: RSA is PKCS#1
 * v1.5 type 1 padding (RFC 8017 §9.2 without the DigestInfo) over the
 * data as given; ECDSA (RFC 4754 curves) takes the data as the digest
 * itself and the signature is r | s, each left-padded to the order's
 * length (32, 48, 66 bytes).
 */
enum ike_crypto_sig {
	IKE_CRYPTO_SIG_NONE = 0,
	IKE_CRYPTO_SIG_RSA,
	IKE_CRYPTO_SIG_ECDSA_P256,
	IKE_CRYPTO_SIG_ECDSA_P384,
	IKE_CRYPTO_SIG_ECDSA_P521,
};

#define IKE_CRYPTO_SIG_MAX   1024 /* longest signature: RSA-8192 */
#define IKE_CRYPTO_CERTS_MAX 8    /* certificates in one chain, end entity included */

/* Why a certificate was refused: for the log and the notify to answer with. */
enum ike_crypto_cert_err {
	IKE_CRYPTO_CERT_OK = 0,
	IKE_CRYPTO_CERT_MALFORMED,     /* not a DER X.509 certificate */
	IKE_CRYPTO_CERT_UNKNOWN_CA,    /* no chain to one of the trusted CAs */
	IKE_CRYPTO_CERT_EXPIRED,       /* past notAfter (its own or a CA's) */
	IKE_CRYPTO_CERT_NOT_YET_VALID, /* before notBefore */
	IKE_CRYPTO_CERT_REVOKED,       /* listed in a CRL of its issuer */
	IKE_CRYPTO_CERT_BAD_SIGNATURE, /* a certificate's signature does not verify */
	IKE_CRYPTO_CERT_KEY_USAGE,     /* keyUsage without digitalSignature / nonRepudiation */
	IKE_CRYPTO_CERT_KEY_TYPE,      /* not an RSA or P-256/384/521 key */
	IKE_CRYPTO_CERT_INVALID,       /* other chain errors (constraints, extensions...) */
};

/* "expired", "unknown CA", "revoked", ... for logs. */
const char *ike_crypto_cert_err_name(enum ike_crypto_cert_err e);

/* Identity types checked against a certificate (RFC 4945 §3.1). */
enum ike_crypto_id {
	IKE_CRYPTO_ID_DN = 0, /* DER Name: equal to the subject */
	IKE_CRYPTO_ID_FQDN,   /* subjectAltName dNSName, case-insensitive */
	IKE_CRYPTO_ID_EMAIL,  /* subjectAltName rfc822Name, case-insensitive */
	IKE_CRYPTO_ID_IPV4,   /* subjectAltName iPAddress, 4 bytes */
	IKE_CRYPTO_ID_IPV6,   /* subjectAltName iPAddress, 16 bytes */
};

/* A public key (SubjectPublicKeyInfo), for verifying. */
struct ike_crypto_key;

/* From DER SubjectPublicKeyInfo; NULL when it does not parse or is not RSA / P-256/384/521. */
struct ike_crypto_key *ike_crypto_key_create(const uint8_t *spki, size_t len);
void ike_crypto_key_destroy(struct ike_crypto_key *k);
/* The scheme the key verifies (from its type and curve). */
enum ike_crypto_sig ike_crypto_key_sig(const struct ike_crypto_key *k);
/*
 * 0 when @sig is the key's signature of @data (scheme of the key), -EBADMSG
 * when it is not (wrong length, r or s out of range, mismatch), -EINVAL for
 * bad arguments.
 */
int ike_crypto_key_verify(const struct ike_crypto_key *k, const uint8_t *data, size_t len,
    const uint8_t *sig, size_t sig_len);

/* Our end: a certificate chain and its private key. */
struct ike_crypto_cred;

/*
 * Load @n_certs certificate files (PEM, several per file allowed, or DER;
 * the first is ours, the rest intermediates) and the private key file @key
 * (PEM PKCS#1, PKCS#8 or SEC1, or DER; unencrypted).  -EINVAL with a reason
 * in @err when a file does not parse, the key is not RSA or P-256/384/521,
 * or it does not belong to the first certificate; -ENOENT when a file
 * cannot be read; -ENOMEM.  The key never appears in @err.
 */
int ike_crypto_cred_load(const char *const *certs, unsigned int n_certs, const char *key,
    struct ike_crypto_cred **out, char *err, size_t err_len);
/* Wipes the key; NULL is fine. */
void ike_crypto_cred_destroy(struct ike_crypto_cred *c);
/* The scheme our key signs with. */
enum ike_crypto_sig ike_crypto_cred_sig(const struct ike_crypto_cred *c);
/* Chain certificate @i (0: ours) as DER.  Returns the count, or -ENOENT past it. */
int ike_crypto_cred_cert(const struct ike_crypto_cred *c, unsigned int i, const uint8_t **der,
    size_t *len);
/* Our certificate's subject (DER Name). */
void ike_crypto_cred_subject(const struct ike_crypto_cred *c, const uint8_t **der, size_t *len);
/* 0 when identity (@type, @data) is in our certificate, -ENOENT when not, -EINVAL. */
int ike_crypto_cred_has_id(const struct ike_crypto_cred *c, enum ike_crypto_id type,
    const uint8_t *data, size_t len);
/* Sign @data with our key (scheme ike_crypto_cred_sig()).  Returns the signature length. */
int ike_crypto_cred_sign(const struct ike_crypto_cred *c, const uint8_t *data, size_t len,
    uint8_t *sig, size_t size);

/* Trust anchors and CRLs of a remote end. */
struct ike_crypto_trust;

/*
 * Load CA certificates (PEM or DER; any certificate given is a trust
 * anchor, self-signed or not) and CRLs (PEM or DER).  Errors as
 * ike_crypto_cred_load().
 */
int ike_crypto_trust_load(const char *const *cacerts, unsigned int n_cacerts,
    const char *const *crls, unsigned int n_crls, struct ike_crypto_trust **out, char *err,
    size_t err_len);
void ike_crypto_trust_destroy(struct ike_crypto_trust *t);
/* The subjects of the CAs (DER Names), for CERTREQ payloads.  Returns the count, -ENOENT past it. */
int ike_crypto_trust_ca(const struct ike_crypto_trust *t, unsigned int i, const uint8_t **der,
    size_t *len);
/*
 * The SHA-1 hash of CA @i's SubjectPublicKeyInfo (DER) into @out (@size at
 * least IKE_CRYPTO_KEYID_LEN): what an IKEv2 CERTREQ names (RFC 7296
 * §3.7).  Returns the count of CAs, -ENOENT past it, -EINVAL, -EIO.
 */
#define IKE_CRYPTO_KEYID_LEN 20
int ike_crypto_trust_ca_keyid(const struct ike_crypto_trust *t, unsigned int i, uint8_t *out,
    size_t size);

/* A peer's end-entity certificate that chained to a trust anchor. */
struct ike_crypto_cert;

/*
 * Validate the peer's certificates @certs (DER; certs[0] is the end entity,
 * the others intermediates in any order) against @t at time @at (seconds
 * since the epoch, 0: now): chain to a trust anchor, validity periods,
 * certificate signatures, revocation where a CRL of the issuer is loaded
 * (a CA without a CRL is not checked, as strongSwan's default does), the
 * end entity's keyUsage and key type.  0 with *out set, or -EACCES with
 * *why, -EINVAL, -ENOMEM.
 */
int ike_crypto_trust_verify(const struct ike_crypto_trust *t, const struct ike_crypto_chunk *certs,
    size_t n, int64_t at, struct ike_crypto_cert **out, enum ike_crypto_cert_err *why);
void ike_crypto_cert_destroy(struct ike_crypto_cert *c);
/* The subject (DER Name). */
void ike_crypto_cert_subject(const struct ike_crypto_cert *c, const uint8_t **der, size_t *len);
/* As ike_crypto_cred_has_id(). */
int ike_crypto_cert_has_id(const struct ike_crypto_cert *c, enum ike_crypto_id type,
    const uint8_t *data, size_t len);
/* The scheme of the certificate's key. */
enum ike_crypto_sig ike_crypto_cert_sig(const struct ike_crypto_cert *c);
/* As ike_crypto_key_verify(), with the certificate's key. */
int ike_crypto_cert_verify(const struct ike_crypto_cert *c, const uint8_t *data, size_t len,
    const uint8_t *sig, size_t sig_len);

/* ---- distinguished names ---- */

/*
 * A DN in strongSwan's text form ("C=CH, O=strongSwan, CN=gw": RDNs in
 * order, ',' or '/' between them, "\," inside a value) to DER.  Returns
 * the length, -EINVAL for text that is no DN, -ENOSPC.
 */
int ike_crypto_dn_parse(const char *text, uint8_t *der, size_t size);
/* DER Name to "C=CH, O=strongSwan, CN=gw".  Returns the text length, or -EINVAL. */
int ike_crypto_dn_format(const uint8_t *der, size_t len, char *text, size_t size);
/* Two DER Names equal after RFC 5280 §7.1 canonicalisation (case, spaces, string types)? */
bool ike_crypto_dn_equal(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len);

/* ---- IKEv2 signatures (RFC 7296 §3.8, RFC 4754, RFC 7427) ---- */

/*
 * Hash algorithms of the SIGNATURE_HASH_ALGORITHMS notify (RFC 7427 §4,
 * IANA "IKEv2 Hash Algorithms").
 */
enum ike_crypto_hash {
	IKE_CRYPTO_HASH_SHA1 = 1,
	IKE_CRYPTO_HASH_SHA2_256 = 2,
	IKE_CRYPTO_HASH_SHA2_384 = 3,
	IKE_CRYPTO_HASH_SHA2_512 = 4,
};

#define IKE_CRYPTO_ALGID_MAX 64 /* longest AlgorithmIdentifier we produce or accept (DER) */

/*
 * Sign @data (the whole message, hashed here with @hash): RSA with
 * RSASSA-PKCS1-v1_5 (RFC 8017 §8.2, the DigestInfo of @hash inside), ECDSA
 * over the digest, the signature as r | s padded to the order's length
 * (RFC 4754 §7, auth methods 9/10/11) or, with @der, as the DER
 * ECDSA-Sig-Value (RFC 7427 §3).  Returns the signature length; -ENOTSUP
 * for an unknown @hash, -EINVAL for bad arguments or a short @size.
 */
int ike_crypto_cred_sign_hash(const struct ike_crypto_cred *c, uint16_t hash, bool der,
    const uint8_t *data, size_t len, uint8_t *sig, size_t size);
/*
 * 0 when @sig is the certificate key's signature of @data made as
 * ike_crypto_cred_sign_hash() makes it, -EBADMSG when it is not (wrong
 * length, bad encoding, mismatch), -ENOTSUP, -EINVAL.
 */
int ike_crypto_cert_verify_hash(const struct ike_crypto_cert *c, uint16_t hash, bool der,
    const uint8_t *data, size_t len, const uint8_t *sig, size_t sig_len);
/* The same with a bare public key. */
int ike_crypto_key_verify_hash(const struct ike_crypto_key *k, uint16_t hash, bool der,
    const uint8_t *data, size_t len, const uint8_t *sig, size_t sig_len);

/*
 * The AlgorithmIdentifier (DER, RFC 5280 §4.1.1.2) of a signature with a
 * key of scheme @key and @hash: sha*WithRSAEncryption with NULL parameters
 * (RFC 8017 Appendix A.2.4) or ecdsa-with-SHA* without parameters
 * (RFC 5758 §3.2), as RFC 7427 Appendix A lists them.  0 with *@der (static
 * bytes) and *@len set, or -ENOTSUP.
 */
int ike_crypto_sig_algid(enum ike_crypto_sig key, uint16_t hash, const uint8_t **der, size_t *len);
/*
 * A received AlgorithmIdentifier: *@rsa (true: RSA PKCS#1 v1.5, false:
 * ECDSA) and *@hash.  RSA's NULL parameters may be absent (RFC 4055 §5
 * asks receivers to take both).  0, or -ENOTSUP for any other algorithm,
 * parameters or encoding (RSASSA-PSS included).
 */
int ike_crypto_sig_algid_parse(const uint8_t *der, size_t len, bool *rsa, uint16_t *hash);

#endif
