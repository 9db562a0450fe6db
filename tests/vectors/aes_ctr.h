/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/vectors/aes_ctr.h: AES-CTR for ESP (RFC 3686 §6, test vectors #1 to #9). */
/*
 * Source: RFC 3686 section 6, Test Vector #1 to #9 (128-, 192- and
 * 256-bit keys; 16, 32 and 36 octets).  nonce is the 4-byte nonce that
 * ESP takes from the key material (our salt), iv the 8-byte IV carried
 * in the packet; the counter block is nonce || iv || 00000001.
 * Checked: tests/vectors/check_vectors.py encrypts each with
 * python3-cryptography (OpenSSL) AES-CTR from that counter block.
 */
#ifndef FASTIPSEC_TEST_VECTORS_AES_CTR_H
#define FASTIPSEC_TEST_VECTORS_AES_CTR_H

struct ctr_vector {
	const char *name;
	const char *key, *nonce, *iv, *plaintext, *ciphertext;
};

static const struct ctr_vector ctr_vectors[] = {
	{
	    .name = "RFC 3686 #1: AES-128, 16 octets",
	    .key = "ae6852f8121067cc4bf7a5765577f39e",
	    .nonce = "00000030",
	    .iv = "0000000000000000",
	    .plaintext = "53696e676c6520626c6f636b206d7367",
	    .ciphertext = "e4095d4fb7a7b3792d6175a3261311b8",
	},
	{
	    .name = "RFC 3686 #2: AES-128, 32 octets",
	    .key = "7e24067817fae0d743d6ce1f32539163",
	    .nonce = "006cb6db",
	    .iv = "c0543b59da48d90b",
	    .plaintext = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	    .ciphertext = "5104a106168a72d9790d41ee8edad388eb2e1efc46da57c8fce630df9141be28",
	},
	{
	    .name = "RFC 3686 #3: AES-128, 36 octets",
	    .key = "7691be035e5020a8ac6e618529f9a0dc",
	    .nonce = "00e0017b",
	    .iv = "27777f3f4a1786f0",
	    .plaintext = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	                 "20212223",
	    .ciphertext = "c1cf48a89f2ffdd9cf4652e9efdb72d74540a42bde6d7836d59a5ceaaef31053"
	                  "25b2072f",
	},
	{
	    .name = "RFC 3686 #4: AES-192, 16 octets",
	    .key = "16af5b145fc9f579c175f93e3bfb0eed863d06ccfdb78515",
	    .nonce = "00000048",
	    .iv = "36733c147d6d93cb",
	    .plaintext = "53696e676c6520626c6f636b206d7367",
	    .ciphertext = "4b55384fe259c9c84e7935a003cbe928",
	},
	{
	    .name = "RFC 3686 #5: AES-192, 32 octets",
	    .key = "7c5cb2401b3dc33c19e7340819e0f69c678c3db8e6f6a91a",
	    .nonce = "0096b03b",
	    .iv = "020c6eadc2cb500d",
	    .plaintext = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	    .ciphertext = "453243fc609b23327edfaafa7131cd9f8490701c5ad4a79cfc1fe0ff42f4fb00",
	},
	{
	    .name = "RFC 3686 #6: AES-192, 36 octets",
	    .key = "02bf391ee8ecb159b959617b0965279bf59b60a786d3e0fe",
	    .nonce = "0007bdfd",
	    .iv = "5cbd60278dcc0912",
	    .plaintext = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	                 "20212223",
	    .ciphertext = "96893fc55e5c722f540b7dd1ddf7e758d288bc95c69165884536c811662f2188"
	                  "abee0935",
	},
	{
	    .name = "RFC 3686 #7: AES-256, 16 octets",
	    .key = "776beff2851db06f4c8a0542c8696f6c6a81af1eec96b4d37fc1d689e6c1c104",
	    .nonce = "00000060",
	    .iv = "db5672c97aa8f0b2",
	    .plaintext = "53696e676c6520626c6f636b206d7367",
	    .ciphertext = "145ad01dbf824ec7560863dc71e3e0c0",
	},
	{
	    .name = "RFC 3686 #8: AES-256, 32 octets",
	    .key = "f6d66d6bd52d59bb0796365879eff886c66dd51a5b6a99744b50590c87a23884",
	    .nonce = "00faac24",
	    .iv = "c1585ef15a43d875",
	    .plaintext = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	    .ciphertext = "f05e231b3894612c49ee000b804eb2a9b8306b508f839d6a5530831d9344af1c",
	},
	{
	    .name = "RFC 3686 #9: AES-256, 36 octets",
	    .key = "ff7a617ce69148e4f1726e2f43581de2aa62d9f805532edff1eed687fb54153d",
	    .nonce = "001cc5b7",
	    .iv = "51a51d70a1c11148",
	    .plaintext = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	                 "20212223",
	    .ciphertext = "eb6c52821d0bbbf7ce7594462aca4faab407df866569fd07f48cc0b583d6071f"
	                  "1ec0e6b8",
	},
};

#endif
