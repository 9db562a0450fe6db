/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/vectors/aes_gmac_esp.h: ENCR_NULL_AUTH_AES_GMAC ESP packet (RFC 4543) from draft-mcgrew-gcm-test-01 §4. */
/*
 * Source: draft-mcgrew-gcm-test-01 section 4, page 19, the AES-GMAC-ESP
 * case (RFC 4543 itself has no test vectors).  The draft's aad is SPI ||
 * seq || IV || payload || padding || pad length || next header, the
 * plaintext is empty and the packet ends with the 16-byte ICV (the draft
 * leaves its ctext+tag line blank; the tag is the packet's last 16
 * octets).
 * Checked: tests/vectors/check_vectors.py recomputes the ICV as AES-GCM
 * over an empty plaintext with python3-cryptography (OpenSSL) and as GMAC
 * with `openssl mac -cipher AES-128-GCM ... GMAC`; both give f2a9a836...
 */
#ifndef FASTIPSEC_TEST_VECTORS_AES_GMAC_ESP_H
#define FASTIPSEC_TEST_VECTORS_AES_GMAC_ESP_H

struct gmac_esp_vector {
	const char *name;
	const char *key, *spi, *seq, *nonce, *aad, *packet;
};

static const struct gmac_esp_vector gmac_esp_vectors[] = {
	{
	    .name = "page 19: AES-128-GMAC",
	    .key = "4c80cdefbb5d10da906ac73c3613a634",
	    .spi = "00004321",
	    .seq = "00000007",
	    .nonce = "22433c640000000000000000",
	    .aad = "0000432100000007000000000000000045000030da3a00008001df3bc0a80005"
	           "c0a800010800c6cd020007006162636465666768696a6b6c6d6e6f7071727374"
	           "01020201",
	    .packet = "0000432100000007000000000000000045000030da3a00008001df3bc0a80005"
	              "c0a800010800c6cd020007006162636465666768696a6b6c6d6e6f7071727374"
	              "01020201f2a9a836e155106aa8dcd618e4099aaa",
	},
};

#endif
