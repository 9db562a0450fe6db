/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/vectors/aes_cbc_esp.h: AES-CBC known answers (RFC 3602 §4), one of them a whole ESP packet. */
/*
 * Source: RFC 3602 section 4, "Test Vectors": Case #1 to #4 (AES-CBC with
 * a 128-bit key over 1 to 4 blocks) and Case #5 (a transport-mode ESP
 * packet: SPI 0x4321, sequence number 1, ICMP echo plus padding 01..0e,
 * pad length 0e and next header 01, 80 bytes encrypted).  The RFC's
 * cases #6 to #8 (further ESP packets) are not reproduced here.  spi and
 * seq are empty for the cases that are no ESP packet: the test puts them
 * behind a made-up ESP header.
 * Checked: tests/vectors/check_vectors.py re-encrypts every case with
 * python3-cryptography (OpenSSL) AES-CBC, and `openssl enc -aes-128-cbc
 * -nopad -K .. -iv ..` gives the same ciphertexts.
 */
#ifndef FASTIPSEC_TEST_VECTORS_AES_CBC_ESP_H
#define FASTIPSEC_TEST_VECTORS_AES_CBC_ESP_H

struct cbc_esp_vector {
	const char *name;
	const char *key, *spi, *seq, *iv, *plaintext, *ciphertext;
};

static const struct cbc_esp_vector cbc_esp_vectors[] = {
	{
	    .name = "RFC 3602 Case #1: 1 block",
	    .key = "06a9214036b8a15b512e03d534120006",
	    .spi = "",
	    .seq = "",
	    .iv = "3dafba429d9eb430b422da802c9fac41",
	    .plaintext = "53696e676c6520626c6f636b206d7367",
	    .ciphertext = "e353779c1079aeb82708942dbe77181a",
	},
	{
	    .name = "RFC 3602 Case #2: 2 blocks",
	    .key = "c286696d887c9aa0611bbb3e2025a45a",
	    .spi = "",
	    .seq = "",
	    .iv = "562e17996d093d28ddb3ba695a2e6f58",
	    .plaintext = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	    .ciphertext = "d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1",
	},
	{
	    .name = "RFC 3602 Case #3: 3 blocks",
	    .key = "6c3ea0477630ce21a2ce334aa746c2cd",
	    .spi = "",
	    .seq = "",
	    .iv = "c782dc4c098c66cbd9cd27d825682c81",
	    .plaintext = "5468697320697320612034382d62797465206d65737361676520286578616374"
	                 "6c7920332041455320626c6f636b7329",
	    .ciphertext = "d0a02b3836451753d493665d33f0e8862dea54cdb293abc7506939276772f8d5"
	                  "021c19216bad525c8579695d83ba2684",
	},
	{
	    .name = "RFC 3602 Case #4: 4 blocks",
	    .key = "56e47a38c5598974bc46903dba290349",
	    .spi = "",
	    .seq = "",
	    .iv = "8ce82eefbea0da3c44699ed7db51b7d9",
	    .plaintext = "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
	                 "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf",
	    .ciphertext = "c30e32ffedc0774e6aff6af0869f71aa0f3af07a9a31a9c684db207eb0ef8e4e"
	                  "35907aa632c3ffdf868bb7b29d3d46ad83ce9f9a102ee99d49a53e87f4c3da55",
	},
	{
	    .name = "RFC 3602 Case #5: transport-mode ESP packet",
	    .key = "90d382b410eeba7ad938c46cec1a82bf",
	    .spi = "00004321",
	    .seq = "00000001",
	    .iv = "e96e8c08ab465763fd098d45dd3ff893",
	    .plaintext = "08000ebda70a00008e9c083db95b070008090a0b0c0d0e0f1011121314151617"
	                 "18191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637"
	                 "0102030405060708090a0b0c0d0e0e01",
	    .ciphertext = "f663c25d325c18c6a9453e194e120849a4870b66cc6b9965330013b4898dc856"
	                  "a4699e523a55db080b59ec3a8e4b7e52775b07d1db34ed9c538ab50c551b874a"
	                  "a269add047ad2d5913ac19b7cfbad4a6",
	},
};

#endif
