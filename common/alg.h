/* SPDX-License-Identifier: BSD-3-Clause */
/* common/alg.h: the algorithm table: strongSwan keywords, IANA ids, key, IV and ICV sizes. */
#ifndef FASTIPSEC_ALG_H
#define FASTIPSEC_ALG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * Encryption (or combined-mode) transforms.  The key sizes are in
 * struct alg_proposal; a salt/nonce of 4 bytes follows the key where
 * alg_cipher_salt_len() says so (RFC 4106 §8.1, RFC 4543 §6, RFC 3686 §5.1,
 * RFC 7634 §4).
 */
enum alg_cipher {
	ALG_CIPHER_NONE = 0,          /**< AH: no encryption */
	ALG_CIPHER_NULL,              /**< ENCR_NULL (RFC 2410), with an integrity algorithm */
	ALG_CIPHER_AES_CBC,           /**< ENCR_AES_CBC (RFC 3602) */
	ALG_CIPHER_AES_CTR,           /**< ENCR_AES_CTR (RFC 3686) */
	ALG_CIPHER_AES_GCM,           /**< ENCR_AES_GCM_8/12/16 (RFC 4106) */
	ALG_CIPHER_AES_GMAC,          /**< ENCR_NULL_AUTH_AES_GMAC (RFC 4543) */
	ALG_CIPHER_CHACHA20_POLY1305, /**< ENCR_CHACHA20_POLY1305 (RFC 7634) */
	ALG_CIPHER__MAX,
};

/** Integrity transforms (none for the combined modes above). */
enum alg_auth {
	ALG_AUTH_NONE = 0,
	ALG_AUTH_HMAC_SHA1_96,    /**< RFC 2404 */
	ALG_AUTH_HMAC_SHA256_128, /**< RFC 4868 */
	ALG_AUTH_HMAC_SHA384_192, /**< RFC 4868 */
	ALG_AUTH_HMAC_SHA512_256, /**< RFC 4868 */
	ALG_AUTH_AES_GMAC,        /**< AUTH_AES_*_GMAC for AH (RFC 4543) */
	ALG_AUTH__MAX,
};

enum alg_proto {
	ALG_PROTO_ESP = 0,
	ALG_PROTO_AH,
};

/** One parsed proposal: what an SA uses. */
struct alg_proposal {
	enum alg_cipher cipher;
	enum alg_auth auth;
	uint16_t cipher_key_len; /**< bytes, without the salt */
	uint16_t auth_key_len;   /**< bytes, without the salt (AES-GMAC for AH) */
	uint8_t salt_len;        /**< bytes after the cipher key (or the AH GMAC key) */
	uint8_t iv_len;          /**< bytes of IV carried in each packet */
	uint8_t icv_len;         /**< bytes of ICV */
	uint8_t block_len;       /**< ESP payload alignment (RFC 4303 §2.4) */
	uint16_t iana_encr;      /**< IKEv2 transform type 1 id, 0 for none */
	uint16_t iana_integ;     /**< IKEv2 transform type 3 id, 0 for none */
	bool aead;               /**< combined mode: no separate integrity key */
	char name[40];           /**< the canonical keyword, e.g. "aes128-sha256" */
};

/**
 * Parse a strongSwan ESP or AH proposal keyword such as "aes128gcm16",
 * "aes256-sha512", "chacha20poly1305", "null-sha256", or for AH "sha256",
 * "aes128gmac".  Returns 0, or -EINVAL with a reason in @p err.
 */
int alg_proposal_parse(const char *s, enum alg_proto proto, struct alg_proposal *out, char *err,
    size_t errlen);

const char *alg_cipher_name(enum alg_cipher c); /* "aes-gcm", ... */
const char *alg_auth_name(enum alg_auth a);     /* "hmac-sha256-128", ... */

#endif
