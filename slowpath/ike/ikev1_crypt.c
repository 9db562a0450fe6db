/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ikev1_crypt.c: IKEv1 message encryption with IV chaining and the keyed hashes of phase 1 and 2. */
#include <errno.h>
#include <string.h>

#include "slowpath/ike/ike_crypto.h"
#include "slowpath/ike/ike_payload.h"
#include "slowpath/ike/ikev1_crypt.h"
#include "slowpath/ike/ikev1_msg.h"

#define HDR_FLAGS_OFF 19 /* Flags byte of the ISAKMP header (RFC 2408 §3.1) */

int
ikev1_crypt_encrypt(const uint8_t *key, size_t klen, uint8_t *iv, uint8_t *msg, size_t body_len,
    size_t cap)
{
	size_t pad = (IKEV1_CRYPT_BLOCK - body_len % IKEV1_CRYPT_BLOCK) % IKEV1_CRYPT_BLOCK;
	size_t total = IKE_HDR_LEN + body_len + pad;
	int rc;

	if (body_len == 0 || total > cap || total > UINT32_MAX)
		return -ENOSPC;
	memset(msg + IKE_HDR_LEN + body_len, 0, pad);
	rc = ike_crypto_cbc_encrypt(key, klen, iv, IKEV1_CRYPT_BLOCK, msg + IKE_HDR_LEN,
	    msg + IKE_HDR_LEN, body_len + pad);
	if (rc != 0)
		return rc;
	memcpy(iv, msg + total - IKEV1_CRYPT_BLOCK, IKEV1_CRYPT_BLOCK);
	msg[HDR_FLAGS_OFF] |= IKEV1_FLAG_ENCRYPTION;
	msg[IKE_HDR_LENGTH_OFF] = (uint8_t)(total >> 24);
	msg[IKE_HDR_LENGTH_OFF + 1] = (uint8_t)(total >> 16);
	msg[IKE_HDR_LENGTH_OFF + 2] = (uint8_t)(total >> 8);
	msg[IKE_HDR_LENGTH_OFF + 3] = (uint8_t)total;
	return (int)total;
}

int
ikev1_crypt_decrypt(const uint8_t *key, size_t klen, const uint8_t *iv, const uint8_t *in,
    size_t len, uint8_t *out, uint8_t *next_iv)
{
	int rc;

	if (len == 0 || len % IKEV1_CRYPT_BLOCK != 0)
		return -EBADMSG;
	memcpy(next_iv, in + len - IKEV1_CRYPT_BLOCK, IKEV1_CRYPT_BLOCK);
	rc = ike_crypto_cbc_decrypt(key, klen, iv, IKEV1_CRYPT_BLOCK, in, out, len);
	return rc;
}

int
ikev1_crypt_hash(uint16_t prf, const uint8_t *skeyid_a, size_t skeyid_a_len, bool zero,
    uint32_t msgid, const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
    const uint8_t *rest, size_t rest_len, uint8_t *out, size_t size)
{
	static const uint8_t zero_byte[1] = { 0 };
	const uint8_t mid[4] = { (uint8_t)(msgid >> 24), (uint8_t)(msgid >> 16),
		(uint8_t)(msgid >> 8), (uint8_t)msgid };
	struct ike_crypto_chunk parts[5];
	size_t n = 0;

	if (zero)
		parts[n++] = (struct ike_crypto_chunk){ zero_byte, 1 };
	parts[n++] = (struct ike_crypto_chunk){ mid, sizeof(mid) };
	if (ni != NULL)
		parts[n++] = (struct ike_crypto_chunk){ ni, ni_len };
	if (nr != NULL)
		parts[n++] = (struct ike_crypto_chunk){ nr, nr_len };
	parts[n++] = (struct ike_crypto_chunk){ rest, rest_len };
	return ike_crypto_prf_vec(prf, skeyid_a, skeyid_a_len, parts, n, out, size);
}

int
ikev1_crypt_natd(uint16_t prf, uint64_t cky_i, uint64_t cky_r, const struct config_addr *a,
    uint16_t port, uint8_t *out, size_t size)
{
	uint8_t ck[16], p[2] = { (uint8_t)(port >> 8), (uint8_t)port };
	struct ike_crypto_chunk parts[3];
	int i;

	for (i = 0; i < 8; i++) {
		ck[i] = (uint8_t)(cky_i >> (56 - 8 * i));
		ck[8 + i] = (uint8_t)(cky_r >> (56 - 8 * i));
	}
	parts[0] = (struct ike_crypto_chunk){ ck, sizeof(ck) };
	parts[1] = (struct ike_crypto_chunk){ a->addr, a->family == 4 ? 4u : 16u };
	parts[2] = (struct ike_crypto_chunk){ p, sizeof(p) };
	return ike_crypto_hash_vec(prf, parts, 3, out, size);
}
