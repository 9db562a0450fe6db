/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ikev2_auth.h: the IKEv2 AUTH payload: signed octets, PSK and signature authentication. */
#ifndef FASTIPSEC_IKEV2_AUTH_H
#define FASTIPSEC_IKEV2_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "slowpath/ike/ike_crypto.h"
#include "slowpath/ike/ikev2_msg.h"

/*
 * What goes into and comes out of an AUTH payload's Authentication Data
 * (RFC 7296 §2.15, §3.8; RFC 4754; RFC 7427).  No state: the state
 * machine hands in the pieces of the octets to sign and gets the AUTH
 * data (or a verdict); OpenSSL stays behind ike_crypto.h.
 */

/* Longest Authentication Data: a length byte, an AlgorithmIdentifier, a signature. */
#define IKEV2_AUTH_DATA_MAX (1 + IKE_CRYPTO_ALGID_MAX + IKE_CRYPTO_SIG_MAX)
/* Hash ids of one SIGNATURE_HASH_ALGORITHMS notify that we keep. */
#define IKEV2_AUTH_HASHES_MAX 16

/*
 * The octets one end signs (RFC 7296 §2.15):
 *
 *   InitiatorSignedOctets = RealMessage1 | NonceRData | MACedIDForI
 *   MACedIDForI = prf(SK_pi, RestOfInitIDPayload)
 *
 * and the same with R for the responder (RealMessage2 | NonceIData |
 * prf(SK_pr, RestOfRespIDPayload)).  @msg is the end's whole first
 * message (IKE_SA_INIT request or reply, as sent: header included);
 * @nonce the other end's Nonce Data; @id the end's ID payload body
 * (ID Type, 3 reserved bytes, data: RestOfIDPayload); @sk_p its SK_pi or
 * SK_pr and @prf the negotiated PRF.
 */
struct ikev2_auth_octets {
	const uint8_t *msg;
	size_t msg_len;
	const uint8_t *nonce;
	size_t nonce_len;
	const uint8_t *id;
	size_t id_len;
	uint16_t prf;
	const uint8_t *sk_p;
	size_t sk_p_len;
};

/*
 * The signed octets into @out (@size bytes: msg_len + nonce_len + the
 * PRF's length).  Returns their length, -ENOSPC, -EINVAL (a piece
 * missing), -ENOTSUP (PRF).
 */
int ikev2_auth_octets_build(const struct ikev2_auth_octets *o, uint8_t *out, size_t size);

/*
 * PSK (method 2): AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"),
 * <SignedOctets>) (RFC 7296 §2.15).  Returns its length (the PRF's).
 */
int ikev2_auth_psk_build(const struct ikev2_auth_octets *o, const uint8_t *secret,
    size_t secret_len, uint8_t *out, size_t size);
/* 0 when @auth is the PSK AUTH of @o (constant-time compare), -EBADMSG when not. */
int ikev2_auth_psk_verify(const struct ikev2_auth_octets *o, const uint8_t *secret,
    size_t secret_len, const uint8_t *auth, size_t auth_len);

/*
 * Our SIGNATURE_HASH_ALGORITHMS notify data (RFC 7427 §4): the 2-byte
 * hash ids we verify in a Digital Signature (SHA2-256, -384, -512).
 * Returns its length, or -ENOSPC.
 */
int ikev2_auth_hashes_build(uint8_t *out, size_t size);
/*
 * The peer's notify data into @hashes (at most @max kept; unknown ids are
 * kept too: the choice skips them).  Returns the count, or -EBADMSG for
 * an odd or empty length.
 */
int ikev2_auth_hashes_parse(const uint8_t *data, size_t len, uint16_t *hashes, unsigned int max);

/*
 * How we sign with a key of scheme @key: with the peer's
 * SIGNATURE_HASH_ALGORITHMS (@n > 0) a Digital Signature (method 14)
 * with the first hash of our preference it lists (for ECDSA the curve's
 * own hash first, RSA SHA2-256 first; never SHA-1), else the key's
 * classic method (1, 9, 10, 11).  Returns the method with *@hash set, or
 * 0 for a key type we cannot sign with.
 */
uint8_t ikev2_auth_sig_choose(enum ike_crypto_sig key, const uint16_t *hashes, unsigned int n,
    uint16_t *hash);

/*
 * Signature AUTH data of @o with our credential: method 1/9/10/11 as RFC
 * 7296 / RFC 4754, or method 14 (@hash) as RFC 7427 §3: the
 * AlgorithmIdentifier's length (1 byte), the AlgorithmIdentifier, the
 * signature (ECDSA as a DER ECDSA-Sig-Value).  Returns the length;
 * -EACCES when @method does not fit the key, -ENOTSUP, -EINVAL, -ENOMEM.
 */
int ikev2_auth_sig_build(const struct ike_crypto_cred *c, uint8_t method, uint16_t hash,
    const struct ikev2_auth_octets *o, uint8_t *out, size_t size);

/*
 * Verify the peer's signature AUTH data (@method, @auth of @auth_len
 * bytes) over @o with its certificate @cert, validated before
 * (ike_crypto_trust_verify()).  Method 14 takes only the hashes we
 * announce (ikev2_auth_hashes_build()) and an AlgorithmIdentifier of the
 * certificate's key type.  0 with *@hash (may be NULL) the hash used;
 * -EBADMSG (signature mismatch, or Authentication Data that does not
 * parse), -EACCES (method or algorithm not for this key), -ENOTSUP
 * (method, algorithm or hash we do not take), -EINVAL, -ENOMEM.
 */
int ikev2_auth_sig_verify(const struct ike_crypto_cert *cert, uint8_t method, const uint8_t *auth,
    size_t auth_len, const struct ikev2_auth_octets *o, uint16_t *hash);

#endif
