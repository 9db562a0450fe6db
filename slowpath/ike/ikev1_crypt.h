/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ikev1_crypt.h: IKEv1 message encryption with IV chaining and the keyed hashes of phase 1 and 2. */
#ifndef FASTIPSEC_IKEV1_CRYPT_H
#define FASTIPSEC_IKEV1_CRYPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

/*
 * RFC 2409 Appendix B: an IKEv1 message body is encrypted in CBC mode
 * after the plain ISAKMP header; the IV of the first phase-1 message is
 * hash(g^xi | g^xr), each later one the last ciphertext block of the
 * message before it.  A phase-2 or informational exchange starts from
 * hash(last phase-1 block | M-ID) and chains the same way inside it.
 * Only AES-CBC (16-byte blocks) is used here.
 */

#define IKEV1_CRYPT_BLOCK 16

/*
 * Encrypt the message in @msg in place: the 28-byte header then @body_len
 * bytes of payloads, zero-padded to the block size (RFC 2408 §3.5 /
 * Appendix B), within @cap bytes.  Sets the E flag and the header length,
 * and leaves the last ciphertext block in @iv.  Returns the message length
 * or -errno (-ENOSPC when the padding does not fit).
 */
int ikev1_crypt_encrypt(const uint8_t *key, size_t klen, uint8_t *iv, uint8_t *msg, size_t body_len,
    size_t cap);

/*
 * Decrypt @len bytes at @in (the body after the header) into @out with
 * @iv; @next_iv gets the last ciphertext block (the IV that follows, for
 * the caller to keep once the message proved good).  -EBADMSG when @len
 * is not a non-zero multiple of the block size.
 */
int ikev1_crypt_decrypt(const uint8_t *key, size_t klen, const uint8_t *iv, const uint8_t *in,
    size_t len, uint8_t *out, uint8_t *next_iv);

/*
 * The HASH payloads of quick mode and informational exchanges (RFC 2409
 * §5.5, §5.7): prf(SKEYID_a, [0 |] M-ID | [Ni_b |] [Nr_b |] rest), the
 * zero byte when @zero (HASH(3)), Ni_b / Nr_b when given.  Returns the
 * length.
 */
int ikev1_crypt_hash(uint16_t prf, const uint8_t *skeyid_a, size_t skeyid_a_len, bool zero,
    uint32_t msgid, const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
    const uint8_t *rest, size_t rest_len, uint8_t *out, size_t size);

/*
 * NAT-D (RFC 3947 §3.2): hash(CKY-I | CKY-R | IP | Port) with the
 * negotiated hash; @port in host order.  Returns the length.
 */
int ikev1_crypt_natd(uint16_t prf, uint64_t cky_i, uint64_t cky_r, const struct config_addr *a,
    uint16_t port, uint8_t *out, size_t size);

#endif
