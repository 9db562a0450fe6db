/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/vectors/chacha20_poly1305_esp.h: ChaCha20-Poly1305 laid out as an ESP packet with ESN (RFC 7634 §2). */
/*
 * Source: the AEAD test vector of RFC 8439 section 2.8.2 (RFC 7539 §2.8.2,
 * also Wycheproof chacha20_poly1305_test.json tcId 1).  RFC 7634 §2 builds
 * the nonce as salt (4) || IV (8) and the AAD as SPI || seq with, for
 * ESN, SPI || seq_hi || seq_lo: the RFC 8439 vector's 12-byte nonce
 * 07000000 40414243 44454647 and 12-byte AAD 50515253 c0c1c2c3 c4c5c6c7
 * are read that way (salt 07000000, IV 4041424344454647, SPI 50515253,
 * seq c0c1c2c3c4c5c6c7).  RFC 7634 Appendix A's own ESP example could
 * not be retrieved here, so it is not reproduced.  Field names as in
 * aes_gcm_esp.h; packet = SPI || seq_lo || IV || ciphertext || tag.
 * Checked: tests/vectors/check_vectors.py recomputes ctext_tag with
 * python3-cryptography's ChaCha20Poly1305 (OpenSSL) and rebuilds packet.
 */
#ifndef FASTIPSEC_TEST_VECTORS_CHACHA20_POLY1305_ESP_H
#define FASTIPSEC_TEST_VECTORS_CHACHA20_POLY1305_ESP_H

#include "aes_gcm_esp.h" /* struct gcm_esp_vector */

static const struct gcm_esp_vector chacha_esp_vectors[] = {
	{
	    .name = "RFC 8439 2.8.2 as ESP with ESN",
	    .key = "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
	    .spi = "50515253",
	    .seq = "c0c1c2c3c4c5c6c7",
	    .nonce = "070000004041424344454647",
	    .plaintext = "4c616469657320616e642047656e746c656d656e206f662074686520636c6173"
	                 "73206f66202739393a204966204920636f756c64206f6666657220796f75206f"
	                 "6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73"
	                 "637265656e20776f756c642062652069742e",
	    .aad = "50515253c0c1c2c3c4c5c6c7",
	    .ctext_tag = "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
	                 "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
	                 "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
	                 "3ff4def08e4b7a9de576d26586cec64b61161ae10b594f09e26a7e902ecbd060"
	                 "0691",
	    .packet = "50515253c4c5c6c74041424344454647d31a8d34648e60db7b86afbc53ef7ec2"
	              "a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b"
	              "1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58"
	              "fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b"
	              "61161ae10b594f09e26a7e902ecbd0600691",
	},
};

#endif
