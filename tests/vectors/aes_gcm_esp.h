/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/vectors/aes_gcm_esp.h: AES-GCM ESP packets (RFC 4106) from draft-mcgrew-gcm-test-01 §4. */
/*
 * Source: D. McGrew, "Test Cases for the use of Galois/Counter Mode (GCM)
 * and Galois Message Authentication Code (GMAC) in IPsec ESP",
 * draft-mcgrew-gcm-test-01 (March 2009), section 4, the AES-GCM-ESP cases
 * in page order (the test cases RFC 4106 implementations use; the one
 * AES-GMAC-ESP case of page 19 is in aes_gmac_esp.h).  Fields as the
 * draft names them: key is the AES key alone, nonce = salt || IV, seq is
 * 4 octets, or 8 for an extended sequence number (then aad = SPI ||
 * seq_hi || seq_lo and the packet carries seq_lo), ctext_tag is
 * ciphertext || 16-byte tag, packet = SPI || seq_lo || IV || ctext_tag.
 * Checked: tests/vectors/check_vectors.py recomputes every ctext_tag with
 * python3-cryptography's AESGCM (OpenSSL) and rebuilds every packet from
 * the other fields; all match.
 */
#ifndef FASTIPSEC_TEST_VECTORS_AES_GCM_ESP_H
#define FASTIPSEC_TEST_VECTORS_AES_GCM_ESP_H

struct gcm_esp_vector {
	const char *name;
	const char *key, *spi, *seq, *nonce, *plaintext, *aad, *ctext_tag, *packet;
};

static const struct gcm_esp_vector gcm_esp_vectors[] = {
	{
	    .name = "page 7: AES-128, ESN",
	    .key = "4c80cdefbb5d10da906ac73c3613a634",
	    .spi = "00004321",
	    .seq = "8765432100000000",
	    .nonce = "2e443b684956ed7e3b244cfe",
	    .plaintext = "45000048699a000080114db7c0a80102c0a801010a9bf15638d3010000010000"
	                 "00000000045f736970045f756470037369700963796265726369747902646b00"
	                 "0021000101020201",
	    .aad = "000043218765432100000000",
	    .ctext_tag = "fecf537e729d5b07dc30df528dd22b768d1b98736696a6fd348509fa13ceac34"
	                 "cfa2436f14a3f3cf65925bf1f4a13c5d15b21e1884f5ff6247aeabb786b93bce"
	                 "61bc17d768fd9732459018148f6cbe722fd04796562dfdb4",
	    .packet = "00004321000000004956ed7e3b244cfefecf537e729d5b07dc30df528dd22b76"
	              "8d1b98736696a6fd348509fa13ceac34cfa2436f14a3f3cf65925bf1f4a13c5d"
	              "15b21e1884f5ff6247aeabb786b93bce61bc17d768fd9732459018148f6cbe72"
	              "2fd04796562dfdb4",
	},
	{
	    .name = "page 8: AES-128",
	    .key = "feffe9928665731c6d6a8f9467308308",
	    .spi = "0000a5f8",
	    .seq = "0000000a",
	    .nonce = "cafebabefacedbaddecaf888",
	    .plaintext = "4500003e698f000080114dccc0a80102c0a801010a980035002a2343b2d00100"
	                 "0001000000000000037369700963796265726369747902646b00000100010001",
	    .aad = "0000a5f80000000a",
	    .ctext_tag = "deb22cd9b07c72c16e3a65beeb8df304a5a5897d33ae530f1ba76d5d114d2a5c"
	                 "3de81827c10e9a4f51330d0eec416642cfbb85a5b47e48a4ec3b9ba95d918bd1"
	                 "83b70d3aa8bc6ee4c309e9d85a41ad4a",
	    .packet = "0000a5f80000000afacedbaddecaf888deb22cd9b07c72c16e3a65beeb8df304"
	              "a5a5897d33ae530f1ba76d5d114d2a5c3de81827c10e9a4f51330d0eec416642"
	              "cfbb85a5b47e48a4ec3b9ba95d918bd183b70d3aa8bc6ee4c309e9d85a41ad4a",
	},
	{
	    .name = "page 9: AES-256",
	    .key = "abbccddef00112233445566778899aababbccddef00112233445566778899aab",
	    .spi = "4a2cbfe3",
	    .seq = "00000002",
	    .nonce = "112233440102030405060708",
	    .plaintext = "4500003069a6400080062690c0a801029389155e0a9e008b2dc57ee000000000"
	                 "7002400020bf0000020405b40101040201020201",
	    .aad = "4a2cbfe300000002",
	    .ctext_tag = "ff425c9b724599df7a3bcd510194e00d6a78107f1b0b1cbf06efae9d65a5d763"
	                 "748a637985771d347f0545659f14e99def842d8eb335f4eecfdbf831824b4c49"
	                 "15956c96",
	    .packet = "4a2cbfe3000000020102030405060708ff425c9b724599df7a3bcd510194e00d"
	              "6a78107f1b0b1cbf06efae9d65a5d763748a637985771d347f0545659f14e99d"
	              "ef842d8eb335f4eecfdbf831824b4c4915956c96",
	},
	{
	    .name = "page 10: AES-128, all-zero key and nonce",
	    .key = "00000000000000000000000000000000",
	    .spi = "00000000",
	    .seq = "00000001",
	    .nonce = "000000000000000000000000",
	    .plaintext = "4500003c99c500008001cb7a40679318010101010800075c0200440061626364"
	                 "65666768696a6b6c6d6e6f707172737475767761626364656667686901020201",
	    .aad = "0000000000000001",
	    .ctext_tag = "4688daf2f973a392732909c331d56d60f694abaa414b5e7ff5fdcdfff5e9a284"
	                 "456476492719ffb64de7d9dca1e1d894bc3bd57873ed4d181d19d4d5c8c18af3"
	                 "f821d496eeb096e98ad2b69e4799c71d",
	    .packet = "000000000000000100000000000000004688daf2f973a392732909c331d56d60"
	              "f694abaa414b5e7ff5fdcdfff5e9a284456476492719ffb64de7d9dca1e1d894"
	              "bc3bd57873ed4d181d19d4d5c8c18af3f821d496eeb096e98ad2b69e4799c71d",
	},
	{
	    .name = "page 11: AES-128, ESN",
	    .key = "3de09874b388e6491988d0c3607eae1f",
	    .spi = "42f67e3f",
	    .seq = "1010101010101010",
	    .nonce = "57690e434e280000a2fca1a3",
	    .plaintext = "4500003c99c300008001cb7c40679318010101010800085c0200430061626364"
	                 "65666768696a6b6c6d6e6f707172737475767761626364656667686901020201",
	    .aad = "42f67e3f1010101010101010",
	    .ctext_tag = "fba2caa4853cf9f0f22cb10d86dd83b0fec75691cf1a04b00d1138ec9c357917"
	                 "65acbd8701ad79845bf9fe3fba487bc91755e6662b4c8d0d1f5e22739530320a"
	                 "e0d731cc978ecafaeae88f00e80d6e48",
	    .packet = "42f67e3f101010104e280000a2fca1a3fba2caa4853cf9f0f22cb10d86dd83b0"
	              "fec75691cf1a04b00d1138ec9c35791765acbd8701ad79845bf9fe3fba487bc9"
	              "1755e6662b4c8d0d1f5e22739530320ae0d731cc978ecafaeae88f00e80d6e48",
	},
	{
	    .name = "page 12: AES-128, ESN, 28-octet payload",
	    .key = "3de09874b388e6491988d0c3607eae1f",
	    .spi = "42f67e3f",
	    .seq = "1010101010101010",
	    .nonce = "57690e434e280000a2fca1a3",
	    .plaintext = "4500001c42a200008001441f406793b6e00000020a00f5ff01020201",
	    .aad = "42f67e3f1010101010101010",
	    .ctext_tag = "fba2ca845e5df9f0f22c3e6e86dd831e1fc65792cd1af9130e1379ed369f071f"
	                 "35e034be95f112e4e7d05d35",
	    .packet = "42f67e3f101010104e280000a2fca1a3fba2ca845e5df9f0f22c3e6e86dd831e"
	              "1fc65792cd1af9130e1379ed369f071f35e034be95f112e4e7d05d35",
	},
	{
	    .name = "page 12: AES-192",
	    .key = "feffe9928665731c6d6a8f9467308308feffe9928665731c",
	    .spi = "0000a5f8",
	    .seq = "0000000a",
	    .nonce = "cafebabefacedbaddecaf888",
	    .plaintext = "45000028a4ad4000400678800a01038f0a010612802306b8cb712602dd6bb03e"
	                 "501016d075680001",
	    .aad = "0000a5f80000000a",
	    .ctext_tag = "a5b1f8066029aea40e598b8122de02420938b3ab33f828e687b8858b5bfbdbd0"
	                 "315b27452144cc7795457b9652037f5318027b5b4cd7a636",
	    .packet = "0000a5f80000000afacedbaddecaf888a5b1f8066029aea40e598b8122de0242"
	              "0938b3ab33f828e687b8858b5bfbdbd0315b27452144cc7795457b9652037f53"
	              "18027b5b4cd7a636",
	},
	{
	    .name = "page 13: AES-128, ESN",
	    .key = "abbccddef00112233445566778899aab",
	    .spi = "00000100",
	    .seq = "0000000000000001",
	    .nonce = "decaf888cafedebaceface74",
	    .plaintext = "4500004933ba00007f119106c3fb1d10c2b1d326c02831ce0035dd7b800302d5"
	                 "00004e20001e8c18d75b81dc91baa0476b91b924b280389d92c963bac046ec95"
	                 "9b6266c04722b14923010101",
	    .aad = "000001000000000000000001",
	    .ctext_tag = "18a6fd42f72cbf4ab2a2ea901f73d814e3e7f243d95412e1c349c1d2fbec168f"
	                 "9190feebaf2cb01984e65863965d7472b79da345e0e780191f0d2f0e0f496c22"
	                 "6f2127b27db35724e7845d68651f57e65f354f75ff17015769623436",
	    .packet = "0000010000000001cafedebaceface7418a6fd42f72cbf4ab2a2ea901f73d814"
	              "e3e7f243d95412e1c349c1d2fbec168f9190feebaf2cb01984e65863965d7472"
	              "b79da345e0e780191f0d2f0e0f496c226f2127b27db35724e7845d68651f57e6"
	              "5f354f75ff17015769623436",
	},
	{
	    .name = "page 14: AES-256, ESN",
	    .key = "abbccddef00112233445566778899aababbccddef00112233445566778899aab",
	    .spi = "17405e67",
	    .seq = "156f3126dd0db99b",
	    .nonce = "73616c74616e640169766563",
	    .plaintext = "45080028732c00004006e9f90a0106120a01038f06b88023dd6bafbecb712602"
	                 "50101f646d540001",
	    .aad = "17405e67156f3126dd0db99b",
	    .ctext_tag = "f2d69ecdbd5a0d5b8d5ef38bad4da58d1f278fde98ef67549d524a3018d9a57f"
	                 "f4d3a31ce673119e451626c2415771e3b7eebca614c89b35",
	    .packet = "17405e67dd0db99b616e640169766563f2d69ecdbd5a0d5b8d5ef38bad4da58d"
	              "1f278fde98ef67549d524a3018d9a57ff4d3a31ce673119e451626c2415771e3"
	              "b7eebca614c89b35",
	},
	{
	    .name = "page 15: AES-128, ESN, 76-octet payload",
	    .key = "3de09874b388e6491988d0c3607eae1f",
	    .spi = "42f67e3f",
	    .seq = "1010101010101010",
	    .nonce = "57690e434e280000a2fca1a3",
	    .plaintext = "45000049333e00007f119182c3fb1d10c2b1d326c02831ce0035cb458003025b"
	                 "000001e0001e8c18d65759d52284a0352c71475c8880391c764d6e5ee0496b32"
	                 "5ae270c03899493915010101",
	    .aad = "42f67e3f1010101010101010",
	    .ctext_tag = "fba2cad12fc1f9f00d3cebf305410db83d7784b607323d220f24b0a97d541828"
	                 "00cadb0f68d99ef0e0c0c89ae9bea8884e52d65bc1afd0740f742444747b5b39"
	                 "ab533163aad4550ee5160975cdb608c5769189609763b8e18caa81e2",
	    .packet = "42f67e3f101010104e280000a2fca1a3fba2cad12fc1f9f00d3cebf305410db8"
	              "3d7784b607323d220f24b0a97d54182800cadb0f68d99ef0e0c0c89ae9bea888"
	              "4e52d65bc1afd0740f742444747b5b39ab533163aad4550ee5160975cdb608c5"
	              "769189609763b8e18caa81e2",
	},
	{
	    .name = "page 16: AES-256, ESN, 72-octet payload",
	    .key = "abbccddef00112233445566778899aababbccddef00112233445566778899aab",
	    .spi = "17405e67",
	    .seq = "156f3126dd0db99b",
	    .nonce = "73616c74616e640169766563",
	    .plaintext = "636973636f0172756c657301746865016e6574776501646566696e6501746865"
	                 "746563686e6f6c6f67696573017468617477696c6c01646566696e65746f6d6f"
	                 "72726f7701020201",
	    .aad = "17405e67156f3126dd0db99b",
	    .ctext_tag = "d4b7ed86a1777f2ea13d6973d324c69e7b43f826fb56831226508bebd2dceb18"
	                 "d0a6df10e5487df074113e14c641024e3e6773d91a62ee429b043a10e3efe6b0"
	                 "12a49363412364f8c0cac587f249e56b11e24f30e44ccc76",
	    .packet = "17405e67dd0db99b616e640169766563d4b7ed86a1777f2ea13d6973d324c69e"
	              "7b43f826fb56831226508bebd2dceb18d0a6df10e5487df074113e14c641024e"
	              "3e6773d91a62ee429b043a10e3efe6b012a49363412364f8c0cac587f249e56b"
	              "11e24f30e44ccc76",
	},
	{
	    .name = "page 17: AES-128, 4-octet payload",
	    .key = "7d773d00c144c525ac619d18c84a3f47",
	    .spi = "335467ae",
	    .seq = "ffffffff",
	    .nonce = "d966426743457e9182443bc6",
	    .plaintext = "01020201",
	    .aad = "335467aeffffffff",
	    .ctext_tag = "437f866bcb3f699fe9b0822bac961c4504bef270",
	    .packet = "335467aeffffffff43457e9182443bc6437f866bcb3f699fe9b0822bac961c45"
	              "04bef270",
	},
	{
	    .name = "page 17: AES-128, ESN, 20-octet payload",
	    .key = "abbccddef00112233445566778899aab",
	    .spi = "00000100",
	    .seq = "0000000000000001",
	    .nonce = "decaf888cafedebaceface74",
	    .plaintext = "746f016265016f72016e6f7401746f0162650001",
	    .aad = "000001000000000000000001",
	    .ctext_tag = "29c9fc69a197d038ccdd14e2ddfcaa0543332164412503524303ed3c6c5f2838"
	                 "43af8c3e",
	    .packet = "0000010000000001cafedebaceface7429c9fc69a197d038ccdd14e2ddfcaa05"
	              "43332164412503524303ed3c6c5f283843af8c3e",
	},
	{
	    .name = "page 18: AES-256, ESN ffffffffffffffff",
	    .key = "6c6567616c697a656d6172696a75616e61616e64646f69746265666f72656961",
	    .spi = "796b6963",
	    .seq = "ffffffffffffffff",
	    .nonce = "7475726e333021696765746d",
	    .plaintext = "45000030da3a00008001df3bc0a80005c0a800010800c6cd0200070061626364"
	                 "65666768696a6b6c6d6e6f707172737401020201",
	    .aad = "796b6963ffffffffffffffff",
	    .ctext_tag = "f97ab2aa356d8edce17644ac8c78e25dd24dedbb29ebf1b64a274b39b49c3a86"
	                 "4cd3d78ca4ae68a32b42458fb57dbe821dcc63b9d0937ba2945f669368661a32"
	                 "9fb4c053",
	    .packet = "796b6963ffffffff333021696765746df97ab2aa356d8edce17644ac8c78e25d"
	              "d24dedbb29ebf1b64a274b39b49c3a864cd3d78ca4ae68a32b42458fb57dbe82"
	              "1dcc63b9d0937ba2945f669368661a329fb4c053",
	},
	{
	    .name = "page 20: AES-128, ESN",
	    .key = "3de09874b388e6491988d0c3607eae1f",
	    .spi = "3f7ef642",
	    .seq = "1010101010101010",
	    .nonce = "57690e434e280000a2fca1a3",
	    .plaintext = "45000030da3a00008001df3bc0a80005c0a800010800c6cd0200070061626364"
	                 "65666768696a6b6c6d6e6f707172737401020201",
	    .aad = "3f7ef6421010101010101010",
	    .ctext_tag = "fba2caa8c6c5f9f0f22ca54a061210ad3f6e5791cf1aca210d117cec9c357917"
	                 "65acbd8701ad79845bf9fe3fba487bc96321930684eecadb56912546e7a95c97"
	                 "40d7cb05",
	    .packet = "3f7ef642101010104e280000a2fca1a3fba2caa8c6c5f9f0f22ca54a061210ad"
	              "3f6e5791cf1aca210d117cec9c35791765acbd8701ad79845bf9fe3fba487bc9"
	              "6321930684eecadb56912546e7a95c9740d7cb05",
	},
	{
	    .name = "page 21: AES-128, ESN, 32-octet payload",
	    .key = "4c80cdefbb5d10da906ac73c3613a634",
	    .spi = "00004321",
	    .seq = "8765432100000007",
	    .nonce = "22433c644855ec7d3a234bfd",
	    .plaintext = "0800c6cd020007006162636465666768696a6b6c6d6e6f707172737401020201",
	    .aad = "000043218765432100000007",
	    .ctext_tag = "74752e8aeb5d873cd7c0f4acc36c4bff84b7d7b98f0ca8b6acda6894bc619069"
	                 "ef9cbc28fe1b56a7c4e0d58c86cd2bc0",
	    .packet = "00004321000000074855ec7d3a234bfd74752e8aeb5d873cd7c0f4acc36c4bff"
	              "84b7d7b98f0ca8b6acda6894bc619069ef9cbc28fe1b56a7c4e0d58c86cd2bc0",
	},
};

#endif
