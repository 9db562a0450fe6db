/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/slowpath/ike/test_ikev1_msg.c: IKEv1 messages as annotated bytes, malformed-input tables, builder round trips. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "common/limits.h"
#include "slowpath/ike/ike_payload.h"
#include "slowpath/ike/ikev1_msg.h"

#define DIM(a) (sizeof(a) / sizeof((a)[0]))

/*
 * The messages below are one peer's side of a NAT-T main mode with PSK,
 * then quick mode with PFS, an informational delete and DPD, laid out by
 * hand from RFC 2408 §3, RFC 2409 §5, RFC 2407 §4, RFC 3947 and RFC 3706.
 * Cookies: CKY-I 5f3a9c0d2e7b4411, CKY-R a0c1e2f304152637; the initiator
 * is 198.51.100.7, the responder 203.0.113.9, both port 500.  Key
 * exchange data, nonces and hashes are fixed filler (SHA-256 outputs),
 * except the NAT-D hashes, which are RFC 3947 §3.2's
 * SHA-256(CKY-I | CKY-R | IP | Port).
 */
/* clang-format off */
#define CKY_I 0x5f, 0x3a, 0x9c, 0x0d, 0x2e, 0x7b, 0x44, 0x11
#define CKY_R 0xa0, 0xc1, 0xe2, 0xf3, 0x04, 0x15, 0x26, 0x37

/* Main mode message 1: HDR, SA, VID (RFC 3947), VID (DPD), VID (XAUTH). */
static const uint8_t mm1[] = {
	/* ISAKMP header (RFC 2408 §3.1) */
	CKY_I,                  /* 0: Initiator Cookie */
	0, 0, 0, 0, 0, 0, 0, 0, /* 8: Responder Cookie: not known yet */
	0x01,                   /* 16: Next Payload: SA */
	0x10,                   /* 17: MjVer 1, MnVer 0 */
	0x02,                   /* 18: Exchange Type: Identity Protection (main mode) */
	0x00,                   /* 19: Flags */
	0x00, 0x00, 0x00, 0x00, /* 20: Message ID: 0 in phase 1 */
	0x00, 0x00, 0x00, 0xac, /* 24: Length 172 */
	/* 28: SA payload (RFC 2408 §3.4) */
	0x0d, 0x00, 0x00, 0x5c, /* Next Payload VID, RESERVED, Payload Length 92 */
	0x00, 0x00, 0x00, 0x01, /* 32: DOI: IPsec */
	0x00, 0x00, 0x00, 0x01, /* 36: Situation: SIT_IDENTITY_ONLY */
	/* 40: Proposal payload (§3.5) */
	0x00, 0x00, 0x00, 0x50, /* Next Payload 0 (last), RESERVED, Payload Length 80 */
	0x01,                   /* 44: Proposal # 1 */
	0x01,                   /* 45: Protocol-Id: PROTO_ISAKMP */
	0x00,                   /* 46: SPI Size 0 */
	0x02,                   /* 47: # of Transforms */
	/* 48: Transform payload 1 (§3.6) */
	0x03, 0x00, 0x00, 0x28, /* Next Payload 3 (a transform), RESERVED, Payload Length 40 */
	0x01,                   /* 52: Transform # 1 */
	0x01,                   /* 53: Transform-Id: KEY_IKE */
	0x00, 0x00,             /* 54: RESERVED2 */
	0x80, 0x01, 0x00, 0x07, /* 56: Encryption Algorithm: AES-CBC (TV) */
	0x80, 0x0e, 0x01, 0x00, /* 60: Key Length: 256 */
	0x80, 0x02, 0x00, 0x04, /* 64: Hash Algorithm: SHA2-256 */
	0x80, 0x03, 0x00, 0x01, /* 68: Authentication Method: pre-shared key */
	0x80, 0x04, 0x00, 0x13, /* 72: Group Description: 19 (ECP-256) */
	0x80, 0x0b, 0x00, 0x01, /* 76: Life Type: seconds */
	0x00, 0x0c, 0x00, 0x04, /* 80: Life Duration (TLV), 4 bytes: */
	0x00, 0x01, 0x51, 0x80, /* 84: 86400 */
	/* 88: Transform payload 2 */
	0x00, 0x00, 0x00, 0x20, /* Next Payload 0 (last), RESERVED, Payload Length 32 */
	0x02,                   /* 92: Transform # 2 */
	0x01,                   /* 93: Transform-Id: KEY_IKE */
	0x00, 0x00,             /* 94: RESERVED2 */
	0x80, 0x01, 0x00, 0x05, /* 96: Encryption Algorithm: 3DES-CBC */
	0x80, 0x02, 0x00, 0x02, /* 100: Hash Algorithm: SHA */
	0x80, 0x03, 0xfd, 0xe9, /* 104: Authentication Method: XAUTHInitPreShared (65001) */
	0x80, 0x04, 0x00, 0x0e, /* 108: Group Description: 14 (MODP-2048) */
	0x80, 0x0b, 0x00, 0x01, /* 112: Life Type: seconds */
	0x80, 0x0c, 0x70, 0x80, /* 116: Life Duration: 28800 (TV) */
	/* 120: VID: RFC 3947 NAT-T, MD5("RFC 3947") */
	0x0d, 0x00, 0x00, 0x14, /* Next Payload VID, Payload Length 20 */
	0x4a, 0x13, 0x1c, 0x81, 0x07, 0x03, 0x58, 0x45,
	0x5c, 0x57, 0x28, 0xf2, 0x0e, 0x95, 0x45, 0x2f,
	/* 140: VID: RFC 3706 DPD */
	0x0d, 0x00, 0x00, 0x14, /* Next Payload VID, Payload Length 20 */
	0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9,
	0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01, 0x00,
	/* 160: VID: XAUTH (draft-ietf-ipsec-isakmp-xauth) */
	0x00, 0x00, 0x00, 0x0c, /* Next Payload 0 (last), Payload Length 12 */
	0x09, 0x00, 0x26, 0x89, 0xdf, 0xd6, 0xb7, 0x12,
	/* 172: end */
};

#define MM1_P       40
#define MM1_T1      48
#define MM1_T1_LIFE 80
#define MM1_T2      88
#define MM1_VID1    120
#define MM1_VID2    140
#define MM1_VID3    160

/* Main mode message 3: HDR, KE, Ni, NAT-D, NAT-D (RFC 3947 §3.2). */
static const uint8_t mm3[] = {
	CKY_I,                  /* 0: Initiator Cookie */
	CKY_R,                  /* 8: Responder Cookie */
	0x04,                   /* 16: Next Payload: KE */
	0x10,                   /* 17: version 1.0 */
	0x02,                   /* 18: main mode */
	0x00,                   /* 19: Flags */
	0x00, 0x00, 0x00, 0x00, /* 20: Message ID */
	0x00, 0x00, 0x00, 0xcc, /* 24: Length 204 */
	/* 28: KE (RFC 2408 §3.7): ECP-256 public value x | y (RFC 5903 §7) */
	0x0a, 0x00, 0x00, 0x44, /* Next Payload NONCE, Payload Length 68 */
	0x96, 0xef, 0x7f, 0x46, 0x26, 0x98, 0xa7, 0x32,
	0x3c, 0xc7, 0x56, 0xd0, 0x29, 0x5f, 0x3d, 0x40,
	0x48, 0x07, 0x54, 0xdb, 0x41, 0xe0, 0x46, 0x5c,
	0xb2, 0x85, 0x1a, 0xee, 0x47, 0x37, 0x10, 0x0a,
	0x9d, 0xac, 0x06, 0xea, 0xcb, 0x57, 0x3b, 0x3f,
	0x2a, 0x29, 0xe6, 0xca, 0x21, 0x54, 0x21, 0xbc,
	0x1b, 0xff, 0x32, 0x71, 0x10, 0x86, 0x65, 0xfd,
	0x2d, 0x52, 0x4a, 0x32, 0x81, 0xc8, 0x95, 0x8b,
	/* 96: NONCE (§3.13), 32 bytes */
	0x14, 0x00, 0x00, 0x24, /* Next Payload NAT-D (20), Payload Length 36 */
	0xb2, 0x49, 0x57, 0x71, 0x6f, 0x8e, 0x19, 0x92,
	0x18, 0xdc, 0x02, 0x99, 0xba, 0xc8, 0x54, 0x3c,
	0x52, 0xe9, 0x64, 0x9f, 0x74, 0x49, 0x32, 0x19,
	0xc2, 0x5a, 0x77, 0x8a, 0xbb, 0x83, 0xd2, 0x80,
	/* 132: NAT-D of the peer (203.0.113.9:500) */
	0x14, 0x00, 0x00, 0x24, /* Next Payload NAT-D, Payload Length 36 */
	0x34, 0x2f, 0x54, 0x7e, 0x21, 0x0f, 0x36, 0xf5,
	0x6e, 0xc0, 0xa8, 0xc6, 0x8b, 0xd3, 0xd7, 0x0b,
	0x4e, 0x33, 0xf0, 0x41, 0xff, 0x67, 0x7c, 0xe5,
	0xfb, 0xf9, 0x96, 0xce, 0xbb, 0xbc, 0xbe, 0x39,
	/* 168: NAT-D of this host (198.51.100.7:500) */
	0x00, 0x00, 0x00, 0x24, /* Next Payload 0, Payload Length 36 */
	0xfc, 0xf3, 0x60, 0xb8, 0xad, 0xb3, 0x9a, 0x40,
	0x75, 0x3a, 0x37, 0x6e, 0x45, 0xd5, 0x0c, 0x0c,
	0x44, 0x68, 0x0f, 0xe2, 0x81, 0x95, 0x3c, 0x06,
	0x01, 0xa4, 0xbb, 0xf2, 0xe4, 0x66, 0x97, 0xd8,
	/* 204: end */
};

/* Main mode message 5 as sent: HDR*, then 80 bytes of AES-CBC ciphertext. */
static const uint8_t mm5_enc[] = {
	CKY_I,                  /* 0: Initiator Cookie */
	CKY_R,                  /* 8: Responder Cookie */
	0x05,                   /* 16: Next Payload: ID (the first payload inside) */
	0x10,                   /* 17: version 1.0 */
	0x02,                   /* 18: main mode */
	0x01,                   /* 19: Flags: Encryption */
	0x00, 0x00, 0x00, 0x00, /* 20: Message ID */
	0x00, 0x00, 0x00, 0x6c, /* 24: Length 108 */
	/* 28: ciphertext */
	0x64, 0x2c, 0xf5, 0xc3, 0x2a, 0xb8, 0x9c, 0xbd,
	0x21, 0x45, 0xba, 0x29, 0xd3, 0x70, 0x15, 0x52,
	0xe3, 0xb3, 0x97, 0x25, 0xe5, 0xac, 0x03, 0xfe,
	0x44, 0xda, 0xcb, 0x5f, 0x0c, 0x90, 0x5f, 0x0b,
	0xc9, 0xc0, 0x3a, 0x48, 0x80, 0x3f, 0x89, 0x59,
	0xa0, 0xa3, 0x19, 0xdc, 0xa9, 0x92, 0x1d, 0xf3,
	0xa5, 0xf0, 0x55, 0x54, 0x99, 0xe8, 0xac, 0x4f,
	0x39, 0x0d, 0xdd, 0xfd, 0x9c, 0x23, 0xcd, 0x8e,
	0x1f, 0x0f, 0x53, 0xc5, 0x8b, 0xd4, 0x05, 0xb9,
	0x07, 0xe2, 0xeb, 0xea, 0x13, 0x9d, 0xcd, 0xca,
	/* 108: end */
};

/* Main mode message 5 decrypted: IDii, HASH_I, N(INITIAL-CONTACT), padding (RFC 2409 §5). */
static const uint8_t mm5_body[] = {
	/* 0: ID (RFC 2407 §4.6.2) */
	0x08, 0x00, 0x00, 0x0c, /* Next Payload HASH, Payload Length 12 */
	0x01,                   /* 4: ID Type: ID_IPV4_ADDR */
	0x11,                   /* 5: Protocol ID: UDP */
	0x01, 0xf4,             /* 6: Port 500 */
	198, 51, 100, 7,        /* 8: 198.51.100.7 */
	/* 12: HASH_I (§3.11), SHA-256 */
	0x0b, 0x00, 0x00, 0x24, /* Next Payload N, Payload Length 36 */
	0x60, 0x3c, 0x10, 0x40, 0x35, 0xb8, 0xff, 0xed,
	0x8a, 0xee, 0xa4, 0xb4, 0x18, 0x4a, 0xfb, 0x9e,
	0x2d, 0x66, 0x33, 0x04, 0x98, 0x4d, 0x56, 0x6f,
	0xa3, 0x75, 0x9e, 0x19, 0x2e, 0x91, 0x39, 0xed,
	/* 48: Notification (§3.14) */
	0x00, 0x00, 0x00, 0x1c, /* Next Payload 0, Payload Length 28 */
	0x00, 0x00, 0x00, 0x01, /* 52: DOI: IPsec */
	0x01,                   /* 56: Protocol-Id: ISAKMP */
	0x10,                   /* 57: SPI Size 16 */
	0x60, 0x02,             /* 58: INITIAL-CONTACT (24578, RFC 2407 §4.6.3.3) */
	CKY_I, CKY_R,           /* 60: SPI: the cookies */
	/* 76: padding to the AES block (RFC 2408 §3.5 / §5.3) */
	0x00, 0x00, 0x00, 0x03,
	/* 80: end */
};

/* Quick mode message 1 as sent: HDR* (the body follows encrypted; 16 bytes shown). */
static const uint8_t qm1_hdr[] = {
	CKY_I,                  /* 0: Initiator Cookie */
	CKY_R,                  /* 8: Responder Cookie */
	0x08,                   /* 16: Next Payload: HASH */
	0x10,                   /* 17: version 1.0 */
	0x20,                   /* 18: Exchange Type: Quick Mode (32) */
	0x01,                   /* 19: Flags: Encryption */
	0x9d, 0x8e, 0x7f, 0x60, /* 20: Message ID */
	0x00, 0x00, 0x00, 0x2c, /* 24: Length 44 */
	0x0a, 0xc1, 0xd1, 0xfd, 0x4e, 0xd1, 0x2c, 0x15,
	0x17, 0xce, 0xd5, 0x2e, 0x9c, 0xe7, 0x27, 0xce,
};

/* Quick mode message 1 decrypted: HASH(1), SA, Ni, KE, IDci, IDcr, padding (RFC 2409 §5.5). */
static const uint8_t qm1_body[] = {
	/* 0: HASH(1) */
	0x01, 0x00, 0x00, 0x24, /* Next Payload SA, Payload Length 36 */
	0x02, 0x3b, 0xd2, 0x0c, 0x3c, 0x45, 0x88, 0xc3,
	0x57, 0xa1, 0xae, 0x5d, 0x58, 0xac, 0x2e, 0x3e,
	0x0b, 0x5c, 0xc5, 0xdc, 0xde, 0xc1, 0x77, 0x55,
	0xaa, 0xfc, 0x6a, 0xbe, 0xf8, 0xa9, 0xdf, 0x3a,
	/* 36: SA */
	0x0a, 0x00, 0x00, 0x38, /* Next Payload NONCE, Payload Length 56 */
	0x00, 0x00, 0x00, 0x01, /* 40: DOI: IPsec */
	0x00, 0x00, 0x00, 0x01, /* 44: SIT_IDENTITY_ONLY */
	/* 48: Proposal */
	0x00, 0x00, 0x00, 0x2c, /* Next Payload 0, Payload Length 44 */
	0x01,                   /* 52: Proposal # 1 */
	0x03,                   /* 53: PROTO_IPSEC_ESP */
	0x04,                   /* 54: SPI Size 4 */
	0x01,                   /* 55: # of Transforms */
	0xc1, 0xa2, 0xb3, 0xd4, /* 56: SPI (the initiator's inbound) */
	/* 60: Transform */
	0x00, 0x00, 0x00, 0x20, /* Next Payload 0, Payload Length 32 */
	0x01,                   /* 64: Transform # 1 */
	0x0c,                   /* 65: Transform-Id: ESP_AES (12) */
	0x00, 0x00,             /* 66: RESERVED2 */
	0x80, 0x01, 0x00, 0x01, /* 68: SA Life Type: seconds (RFC 2407 §4.5) */
	0x80, 0x02, 0x0e, 0x10, /* 72: SA Life Duration: 3600 */
	0x80, 0x04, 0x00, 0x03, /* 76: Encapsulation Mode: UDP-Encapsulated-Tunnel (RFC 3947) */
	0x80, 0x05, 0x00, 0x05, /* 80: Authentication Algorithm: HMAC-SHA2-256 (RFC 4868) */
	0x80, 0x06, 0x00, 0x80, /* 84: Key Length: 128 */
	0x80, 0x03, 0x00, 0x13, /* 88: Group Description: 19 (PFS) */
	/* 92: NONCE, 32 bytes */
	0x04, 0x00, 0x00, 0x24, /* Next Payload KE, Payload Length 36 */
	0x9b, 0x12, 0xe8, 0x4d, 0x32, 0x5c, 0x05, 0xf7,
	0xad, 0x65, 0x18, 0xa7, 0x82, 0x21, 0xdc, 0x5a,
	0x4c, 0x13, 0xc1, 0xc1, 0xa8, 0x66, 0xce, 0xaa,
	0xe5, 0x96, 0x8a, 0x3b, 0x7a, 0xee, 0x34, 0xa0,
	/* 128: KE, ECP-256 */
	0x05, 0x00, 0x00, 0x44, /* Next Payload ID, Payload Length 68 */
	0x23, 0x07, 0xfc, 0x6f, 0x45, 0x4f, 0xac, 0xfe,
	0x16, 0xf6, 0x6b, 0x5a, 0xd6, 0x39, 0x23, 0xe7,
	0xe2, 0x1f, 0xa9, 0x6c, 0x79, 0xe7, 0x06, 0x41,
	0x09, 0x4e, 0x8a, 0x02, 0xea, 0x73, 0x26, 0xaa,
	0x18, 0x1e, 0xc0, 0xa7, 0xa9, 0x5d, 0x81, 0x50,
	0x3c, 0x95, 0xcc, 0xea, 0x16, 0x79, 0xd8, 0x81,
	0x69, 0x09, 0xcb, 0xe8, 0x4c, 0x94, 0x77, 0x71,
	0x02, 0x75, 0x4b, 0x37, 0x5e, 0xd0, 0xe5, 0x6f,
	/* 196: IDci */
	0x05, 0x00, 0x00, 0x10, /* Next Payload ID, Payload Length 16 */
	0x04,                   /* 200: ID_IPV4_ADDR_SUBNET */
	0x00,                   /* 201: any protocol */
	0x00, 0x00,             /* 202: any port */
	10, 1, 0, 0,            /* 204: 10.1.0.0 */
	255, 255, 0, 0,         /* 208: /16 */
	/* 212: IDcr */
	0x00, 0x00, 0x00, 0x10, /* Next Payload 0, Payload Length 16 */
	0x04, 0x00, 0x00, 0x00, /* 216: ID_IPV4_ADDR_SUBNET, any protocol, any port */
	10, 2, 0, 0,            /* 220: 10.2.0.0 */
	255, 255, 0, 0,         /* 224: /16 */
	/* 228: padding to 240 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0b,
	/* 240: end */
};

#define QM1_CHAIN_LEN 228

/* Informational, decrypted: HASH(1), D (ISAKMP SA), D (two ESP SAs), padding (RFC 2409 §5.7). */
static const uint8_t info_del_body[] = {
	/* 0: HASH(1) */
	0x0c, 0x00, 0x00, 0x24, /* Next Payload D, Payload Length 36 */
	0x35, 0x38, 0xe8, 0x73, 0xea, 0x51, 0x1e, 0xff,
	0x1a, 0xab, 0xc2, 0xc2, 0x03, 0xda, 0xd9, 0x49,
	0x1b, 0x85, 0x88, 0x7a, 0x07, 0x95, 0x31, 0x5e,
	0x4d, 0x91, 0xbc, 0x04, 0x15, 0xb7, 0x99, 0xfc,
	/* 36: Delete (RFC 2408 §3.15) of the ISAKMP SA */
	0x0c, 0x00, 0x00, 0x1c, /* Next Payload D, Payload Length 28 */
	0x00, 0x00, 0x00, 0x01, /* 40: DOI: IPsec */
	0x01,                   /* 44: Protocol-Id: ISAKMP */
	0x10,                   /* 45: SPI Size 16 */
	0x00, 0x01,             /* 46: # of SPIs */
	CKY_I, CKY_R,           /* 48: the cookies */
	/* 64: Delete of two ESP SAs */
	0x00, 0x00, 0x00, 0x14, /* Next Payload 0, Payload Length 20 */
	0x00, 0x00, 0x00, 0x01, /* 68: DOI: IPsec */
	0x03,                   /* 72: Protocol-Id: ESP */
	0x04,                   /* 73: SPI Size 4 */
	0x00, 0x02,             /* 74: # of SPIs */
	0xc1, 0xa2, 0xb3, 0xd4, /* 76: SPI 1 */
	0x0b, 0xad, 0xca, 0xfe, /* 80: SPI 2 */
	/* 84: padding to 96 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0b,
};

/* Informational, decrypted: HASH(1), N(R-U-THERE) (RFC 3706 §5), padding. */
static const uint8_t dpd_body[] = {
	/* 0: HASH(1) */
	0x0b, 0x00, 0x00, 0x24, /* Next Payload N, Payload Length 36 */
	0x82, 0xa5, 0x7c, 0x80, 0xb9, 0xdd, 0x5d, 0x5a,
	0xca, 0xb4, 0x01, 0x2d, 0xdd, 0xe5, 0x37, 0x25,
	0x49, 0x6a, 0x75, 0xca, 0x95, 0xc3, 0x66, 0x28,
	0xe6, 0xe9, 0xce, 0xa2, 0x0b, 0xf0, 0x38, 0x4f,
	/* 36: Notification */
	0x00, 0x00, 0x00, 0x20, /* Next Payload 0, Payload Length 32 */
	0x00, 0x00, 0x00, 0x01, /* 40: DOI: IPsec */
	0x01,                   /* 44: Protocol-Id: ISAKMP */
	0x10,                   /* 45: SPI Size 16 */
	0x8d, 0x28,             /* 46: R-U-THERE (36136) */
	CKY_I, CKY_R,           /* 48: SPI: the cookies */
	0x00, 0x00, 0x2a, 0x3b, /* 64: Notification Data: sequence number 10811 */
	/* 68: padding to 80 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0b,
};
/* clang-format on */

static const uint8_t cky[16] = { CKY_I, CKY_R };

static struct ikev1_msg msg; /* about 40 KiB: not on the stack */

/* Parse an HDR* of @exchange/@msgid with a dummy ciphertext, then @body decrypted. */
static int
parse_decrypted(uint8_t exchange, uint32_t msgid, uint8_t first, const uint8_t *body, size_t len,
    struct ikev1_msg *m)
{
	static uint8_t p[IKE_HDR_LEN + 16];
	struct ike_hdr h = {
		.ispi = 0x5f3a9c0d2e7b4411ull,
		.rspi = 0xa0c1e2f304152637ull,
		.next_payload = first,
		.exchange = exchange,
		.flags = IKEV1_FLAG_ENCRYPTION,
		.msgid = msgid,
	};
	struct ike_buf b;
	int rc;

	ike_payload_buf_init(&b, p, sizeof(p));
	ikev1_msg_build_hdr(&b, &h);
	ike_payload_buf_zero(&b, 16);
	CU_ASSERT_EQUAL_FATAL(ikev1_msg_build_finish(&b), 0);
	if ((rc = ikev1_msg_parse(p, b.len, m)) != 0)
		return rc;
	CU_ASSERT_TRUE(m->encrypted);
	return ikev1_msg_parse_body(m, body, len);
}

static bool
blob_is(const uint8_t *p, size_t len, const uint8_t *want, size_t want_len)
{
	return p != NULL && len == want_len && memcmp(p, want, len) == 0;
}

static void
check_attr(const struct ike_attr *a, uint16_t type, bool tv, uint16_t len, uint64_t u)
{
	CU_ASSERT_EQUAL(a->type, type);
	CU_ASSERT_EQUAL(a->tv, tv);
	CU_ASSERT_EQUAL(a->len, len);
	CU_ASSERT_EQUAL(a->u, u);
}

static void
test_ikev1_msg_parse_mm1(void)
{
	static const uint8_t natt[] = { 0x4a, 0x13, 0x1c, 0x81, 0x07, 0x03, 0x58, 0x45, 0x5c, 0x57,
		0x28, 0xf2, 0x0e, 0x95, 0x45, 0x2f };
	static const uint8_t xauth[] = { 0x09, 0x00, 0x26, 0x89, 0xdf, 0xd6, 0xb7, 0x12 };
	const struct ikev1_sa *sa = &msg.sa;
	const struct ike_attr *a;

	CU_ASSERT_EQUAL_FATAL(ikev1_msg_parse(mm1, sizeof(mm1), &msg), 0);
	CU_ASSERT_EQUAL(msg.error, IKEV1_N_NONE);
	CU_ASSERT_EQUAL(msg.hdr.ispi, 0x5f3a9c0d2e7b4411ull);
	CU_ASSERT_EQUAL(msg.hdr.rspi, 0);
	CU_ASSERT_EQUAL(msg.hdr.next_payload, IKEV1_PL_SA);
	CU_ASSERT_EQUAL(msg.hdr.major, 1);
	CU_ASSERT_EQUAL(msg.hdr.minor, 0);
	CU_ASSERT_EQUAL(msg.hdr.exchange, IKEV1_EXCH_ID_PROT);
	CU_ASSERT_EQUAL(msg.hdr.flags, 0);
	CU_ASSERT_EQUAL(msg.hdr.msgid, 0);
	CU_ASSERT_EQUAL(msg.hdr.length, sizeof(mm1));
	CU_ASSERT_FALSE(msg.encrypted);
	CU_ASSERT_PTR_EQUAL(msg.body, mm1 + IKE_HDR_LEN);
	CU_ASSERT_EQUAL(msg.body_len, sizeof(mm1) - IKE_HDR_LEN);

	CU_ASSERT_TRUE_FATAL(msg.has_sa);
	CU_ASSERT_EQUAL(sa->doi, IKEV1_DOI_IPSEC);
	CU_ASSERT_EQUAL(sa->situation, IKEV1_SIT_IDENTITY_ONLY);
	CU_ASSERT_PTR_EQUAL(sa->body, mm1 + 32);
	CU_ASSERT_EQUAL(sa->body_len, 88);
	CU_ASSERT_EQUAL_FATAL(sa->n_proposals, 1);
	CU_ASSERT_EQUAL(sa->proposals[0].num, 1);
	CU_ASSERT_EQUAL(sa->proposals[0].proto, IKEV1_PROTO_ISAKMP);
	CU_ASSERT_EQUAL(sa->proposals[0].spi_size, 0);
	CU_ASSERT_EQUAL(sa->proposals[0].t_first, 0);
	CU_ASSERT_EQUAL_FATAL(sa->proposals[0].n_transforms, 2);
	CU_ASSERT_EQUAL_FATAL(sa->n_transforms, 2);
	CU_ASSERT_EQUAL(sa->transforms[0].num, 1);
	CU_ASSERT_EQUAL(sa->transforms[0].id, IKEV1_KEY_IKE);
	CU_ASSERT_EQUAL(sa->transforms[0].attr_first, 0);
	CU_ASSERT_EQUAL_FATAL(sa->transforms[0].n_attrs, 7);
	CU_ASSERT_EQUAL(sa->transforms[1].num, 2);
	CU_ASSERT_EQUAL(sa->transforms[1].id, IKEV1_KEY_IKE);
	CU_ASSERT_EQUAL(sa->transforms[1].attr_first, 7);
	CU_ASSERT_EQUAL_FATAL(sa->transforms[1].n_attrs, 6);
	CU_ASSERT_EQUAL_FATAL(sa->n_attrs, 13);
	a = sa->attrs;
	check_attr(&a[0], IKEV1_ATTR_ENCR, true, 2, IKEV1_ENCR_AES_CBC);
	check_attr(&a[1], IKEV1_ATTR_KEY_LENGTH, true, 2, 256);
	check_attr(&a[2], IKEV1_ATTR_HASH, true, 2, IKEV1_HASH_SHA2_256);
	check_attr(&a[3], IKEV1_ATTR_AUTH_METHOD, true, 2, IKEV1_AUTH_PSK);
	check_attr(&a[4], IKEV1_ATTR_GROUP, true, 2, IKEV1_GROUP_ECP256);
	check_attr(&a[5], IKEV1_ATTR_LIFE_TYPE, true, 2, IKEV1_LIFE_SECONDS);
	check_attr(&a[6], IKEV1_ATTR_LIFE_DURATION, false, 4, 86400);
	CU_ASSERT_PTR_EQUAL(a[6].val, mm1 + 84);
	check_attr(&a[7], IKEV1_ATTR_ENCR, true, 2, IKEV1_ENCR_3DES_CBC);
	check_attr(&a[8], IKEV1_ATTR_HASH, true, 2, IKEV1_HASH_SHA1);
	check_attr(&a[9], IKEV1_ATTR_AUTH_METHOD, true, 2, IKEV1_AUTH_XAUTH_INIT_PSK);
	check_attr(&a[10], IKEV1_ATTR_GROUP, true, 2, IKEV1_GROUP_MODP2048);
	check_attr(&a[11], IKEV1_ATTR_LIFE_TYPE, true, 2, IKEV1_LIFE_SECONDS);
	check_attr(&a[12], IKEV1_ATTR_LIFE_DURATION, true, 2, 28800);

	CU_ASSERT_EQUAL_FATAL(msg.n_vids, 3);
	CU_ASSERT_TRUE(blob_is(msg.vids[0].p, msg.vids[0].len, natt, sizeof(natt)));
	CU_ASSERT_PTR_EQUAL(msg.vids[1].p, mm1 + 144);
	CU_ASSERT_EQUAL(msg.vids[1].len, 16);
	CU_ASSERT_TRUE(blob_is(msg.vids[2].p, msg.vids[2].len, xauth, sizeof(xauth)));

	/* Nothing else. */
	CU_ASSERT_PTR_NULL(msg.ke.p);
	CU_ASSERT_PTR_NULL(msg.nonce.p);
	CU_ASSERT_PTR_NULL(msg.hash.p);
	CU_ASSERT_EQUAL(msg.n_ids + msg.n_notifies + msg.n_deletes + msg.n_natds, 0);

	/* The payload list. */
	CU_ASSERT_EQUAL_FATAL(msg.n_payloads, 4);
	CU_ASSERT_EQUAL(msg.payloads[0].type, IKEV1_PL_SA);
	CU_ASSERT_EQUAL(msg.payloads[0].off, 0);
	CU_ASSERT_EQUAL(msg.payloads[0].len, 92);
	CU_ASSERT_EQUAL(msg.payloads[3].type, IKEV1_PL_VID);
	CU_ASSERT_EQUAL(msg.payloads[3].idx, 2);
	CU_ASSERT_EQUAL(msg.payloads[3].off, MM1_VID3 - IKE_HDR_LEN);
	CU_ASSERT_EQUAL(msg.payloads[3].len, 12);
}

static void
test_ikev1_msg_parse_mm3(void)
{
	CU_ASSERT_EQUAL_FATAL(ikev1_msg_parse(mm3, sizeof(mm3), &msg), 0);
	CU_ASSERT_EQUAL(msg.hdr.rspi, 0xa0c1e2f304152637ull);
	CU_ASSERT_EQUAL(msg.hdr.next_payload, IKEV1_PL_KE);
	CU_ASSERT_FALSE(msg.has_sa);
	CU_ASSERT_PTR_EQUAL(msg.ke.p, mm3 + 32);
	CU_ASSERT_EQUAL(msg.ke.len, 64);
	CU_ASSERT_PTR_EQUAL(msg.nonce.p, mm3 + 100);
	CU_ASSERT_EQUAL(msg.nonce.len, 32);
	CU_ASSERT_EQUAL(msg.natd_type, IKEV1_PL_NATD);
	CU_ASSERT_EQUAL_FATAL(msg.n_natds, 2);
	CU_ASSERT_PTR_EQUAL(msg.natds[0].p, mm3 + 136);
	CU_ASSERT_EQUAL(msg.natds[0].len, 32);
	CU_ASSERT_EQUAL(msg.natds[0].p[0], 0x34);
	CU_ASSERT_PTR_EQUAL(msg.natds[1].p, mm3 + 172);
	CU_ASSERT_EQUAL(msg.natds[1].p[31], 0xd8);
	CU_ASSERT_EQUAL(msg.n_vids, 0);
	CU_ASSERT_EQUAL(msg.n_payloads, 4);
}

static void
test_ikev1_msg_parse_encrypted(void)
{
	static const uint8_t addr[] = { 198, 51, 100, 7 };
	uint8_t p[IKE_HDR_LEN + sizeof(mm5_body)];
	const struct ikev1_notification *n;

	CU_ASSERT_EQUAL_FATAL(ikev1_msg_parse(mm5_enc, sizeof(mm5_enc), &msg), 0);
	CU_ASSERT_TRUE(msg.encrypted);
	CU_ASSERT_EQUAL(msg.hdr.flags, IKEV1_FLAG_ENCRYPTION);
	CU_ASSERT_EQUAL(msg.hdr.next_payload, IKEV1_PL_ID);
	CU_ASSERT_PTR_EQUAL(msg.body, mm5_enc + IKE_HDR_LEN);
	CU_ASSERT_EQUAL(msg.body_len, 80);
	CU_ASSERT_EQUAL(msg.n_payloads, 0);
	CU_ASSERT_EQUAL(msg.n_ids, 0);

	/* The caller decrypts and hands over the plaintext: padding allowed. */
	CU_ASSERT_EQUAL_FATAL(ikev1_msg_parse_body(&msg, mm5_body, sizeof(mm5_body)), 0);
	CU_ASSERT_FALSE(msg.encrypted);
	CU_ASSERT_EQUAL(msg.hdr.ispi, 0x5f3a9c0d2e7b4411ull); /* header kept */
	CU_ASSERT_EQUAL(msg.hdr.length, sizeof(mm5_enc));
	CU_ASSERT_PTR_EQUAL(msg.body, mm5_body);
	CU_ASSERT_EQUAL(msg.body_len, 76); /* the chain, without padding */
	CU_ASSERT_EQUAL_FATAL(msg.n_ids, 1);
	CU_ASSERT_EQUAL(msg.ids[0].type, IKEV1_ID_IPV4_ADDR);
	CU_ASSERT_EQUAL(msg.ids[0].proto, 17);
	CU_ASSERT_EQUAL(msg.ids[0].port, 500);
	CU_ASSERT_TRUE(blob_is(msg.ids[0].data, msg.ids[0].len, addr, sizeof(addr)));
	CU_ASSERT_PTR_EQUAL(msg.hash.p, mm5_body + 16);
	CU_ASSERT_EQUAL(msg.hash.len, 32);
	CU_ASSERT_EQUAL_FATAL(msg.n_notifies, 1);
	n = &msg.notifies[0];
	CU_ASSERT_EQUAL(n->doi, IKEV1_DOI_IPSEC);
	CU_ASSERT_EQUAL(n->proto, IKEV1_PROTO_ISAKMP);
	CU_ASSERT_EQUAL(n->spi_size, 16);
	CU_ASSERT_EQUAL(n->type, IKEV1_N_INITIAL_CONTACT);
	CU_ASSERT_TRUE(blob_is(n->spi, n->spi_size, cky, sizeof(cky)));
	CU_ASSERT_EQUAL(n->data_len, 0);

	/* The same plaintext in a message without the E flag: no padding allowed. */
	memcpy(p, mm5_enc, IKE_HDR_LEN);
	p[19] = 0;
	memcpy(p + IKE_HDR_LEN, mm5_body, sizeof(mm5_body));
	CU_ASSERT_EQUAL(ikev1_msg_parse(p, sizeof(p), &msg), -EBADMSG);
	CU_ASSERT_EQUAL(msg.error, IKEV1_N_PAYLOAD_MALFORMED);
	CU_ASSERT_EQUAL(msg.error_payload, 0);
	p[27] = IKE_HDR_LEN + 76;
	CU_ASSERT_EQUAL(ikev1_msg_parse(p, IKE_HDR_LEN + 76, &msg), 0);
	CU_ASSERT_EQUAL(msg.n_notifies, 1);
}

static void
test_ikev1_msg_parse_qm1(void)
{
	static const uint8_t spi[] = { 0xc1, 0xa2, 0xb3, 0xd4 };
	static const uint8_t idci[] = { 10, 1, 0, 0, 255, 255, 0, 0 };
	static const uint8_t idcr[] = { 10, 2, 0, 0, 255, 255, 0, 0 };
	const struct ikev1_sa *sa = &msg.sa;
	const struct ike_attr *a;

	CU_ASSERT_EQUAL_FATAL(ikev1_msg_parse(qm1_hdr, sizeof(qm1_hdr), &msg), 0);
	CU_ASSERT_TRUE(msg.encrypted);
	CU_ASSERT_EQUAL(msg.hdr.exchange, IKEV1_EXCH_QUICK);
	CU_ASSERT_EQUAL(msg.hdr.msgid, 0x9d8e7f60);
	CU_ASSERT_EQUAL(msg.body_len, 16);
	CU_ASSERT_EQUAL_FATAL(ikev1_msg_parse_body(&msg, qm1_body, sizeof(qm1_body)), 0);
	CU_ASSERT_EQUAL(msg.hdr.msgid, 0x9d8e7f60);
	CU_ASSERT_EQUAL(msg.body_len, QM1_CHAIN_LEN);

	/* HASH(1) is first and covers everything after it (RFC 2409 §5.5). */
	CU_ASSERT_EQUAL_FATAL(msg.n_payloads, 6);
	CU_ASSERT_EQUAL(msg.payloads[0].type, IKEV1_PL_HASH);
	CU_ASSERT_EQUAL(msg.payloads[1].off, 36);
	CU_ASSERT_PTR_EQUAL(msg.hash.p, qm1_body + 4);
	CU_ASSERT_EQUAL(msg.hash.len, 32);

	CU_ASSERT_TRUE_FATAL(msg.has_sa);
	CU_ASSERT_EQUAL_FATAL(sa->n_proposals, 1);
	CU_ASSERT_EQUAL(sa->proposals[0].proto, IKEV1_PROTO_IPSEC_ESP);
	CU_ASSERT_TRUE(blob_is(sa->proposals[0].spi, sa->proposals[0].spi_size, spi, sizeof(spi)));
	CU_ASSERT_EQUAL_FATAL(sa->n_transforms, 1);
	CU_ASSERT_EQUAL(sa->transforms[0].id, IKEV1_ESP_AES_CBC);
	CU_ASSERT_EQUAL_FATAL(sa->transforms[0].n_attrs, 6);
	a = sa->attrs;
	check_attr(&a[0], IKEV1_IPSEC_ATTR_LIFE_TYPE, true, 2, IKEV1_LIFE_SECONDS);
	check_attr(&a[1], IKEV1_IPSEC_ATTR_LIFE_DURATION, true, 2, 3600);
	check_attr(&a[2], IKEV1_IPSEC_ATTR_ENCAP_MODE, true, 2, IKEV1_ENCAP_UDP_TUNNEL);
	check_attr(&a[3], IKEV1_IPSEC_ATTR_AUTH_ALG, true, 2, IKEV1_AUTH_ALG_HMAC_SHA2_256);
	check_attr(&a[4], IKEV1_IPSEC_ATTR_KEY_LENGTH, true, 2, 128);
	check_attr(&a[5], IKEV1_IPSEC_ATTR_GROUP, true, 2, IKEV1_GROUP_ECP256);

	CU_ASSERT_PTR_EQUAL(msg.nonce.p, qm1_body + 96);
	CU_ASSERT_EQUAL(msg.nonce.len, 32);
	CU_ASSERT_PTR_EQUAL(msg.ke.p, qm1_body + 132);
	CU_ASSERT_EQUAL(msg.ke.len, 64);
	CU_ASSERT_EQUAL_FATAL(msg.n_ids, 2);
	CU_ASSERT_EQUAL(msg.ids[0].type, IKEV1_ID_IPV4_ADDR_SUBNET);
	CU_ASSERT_EQUAL(msg.ids[0].proto, 0);
	CU_ASSERT_EQUAL(msg.ids[0].port, 0);
	CU_ASSERT_TRUE(blob_is(msg.ids[0].data, msg.ids[0].len, idci, sizeof(idci)));
	CU_ASSERT_TRUE(blob_is(msg.ids[1].data, msg.ids[1].len, idcr, sizeof(idcr)));
	CU_ASSERT_EQUAL(msg.payloads[5].type, IKEV1_PL_ID);
	CU_ASSERT_EQUAL(msg.payloads[5].idx, 1);
}

static void
test_ikev1_msg_parse_delete(void)
{
	static const uint8_t spis[] = { 0xc1, 0xa2, 0xb3, 0xd4, 0x0b, 0xad, 0xca, 0xfe };
	const struct ikev1_delete *d;

	CU_ASSERT_EQUAL_FATAL(parse_decrypted(IKEV1_EXCH_INFORMATIONAL, 0x11223344, IKEV1_PL_HASH,
	                          info_del_body, sizeof(info_del_body), &msg),
	    0);
	CU_ASSERT_EQUAL(msg.hdr.exchange, IKEV1_EXCH_INFORMATIONAL);
	CU_ASSERT_EQUAL(msg.hash.len, 32);
	CU_ASSERT_EQUAL_FATAL(msg.n_deletes, 2);
	d = &msg.deletes[0];
	CU_ASSERT_EQUAL(d->doi, IKEV1_DOI_IPSEC);
	CU_ASSERT_EQUAL(d->proto, IKEV1_PROTO_ISAKMP);
	CU_ASSERT_EQUAL(d->spi_size, 16);
	CU_ASSERT_EQUAL(d->n_spis, 1);
	CU_ASSERT_TRUE(blob_is(d->spis, 16, cky, sizeof(cky)));
	d = &msg.deletes[1];
	CU_ASSERT_EQUAL(d->proto, IKEV1_PROTO_IPSEC_ESP);
	CU_ASSERT_EQUAL(d->spi_size, 4);
	CU_ASSERT_EQUAL(d->n_spis, 2);
	CU_ASSERT_TRUE(blob_is(d->spis, 8, spis, sizeof(spis)));
	CU_ASSERT_EQUAL(msg.body_len, 84);
}

static void
test_ikev1_msg_parse_dpd(void)
{
	struct ikev1_notification n;
	uint32_t seq = 0;

	CU_ASSERT_EQUAL_FATAL(parse_decrypted(IKEV1_EXCH_INFORMATIONAL, 0x0a0b0c0d, IKEV1_PL_HASH,
	                          dpd_body, sizeof(dpd_body), &msg),
	    0);
	CU_ASSERT_EQUAL_FATAL(msg.n_notifies, 1);
	n = msg.notifies[0];
	CU_ASSERT_EQUAL(n.type, IKEV1_N_R_U_THERE);
	CU_ASSERT_EQUAL(n.proto, IKEV1_PROTO_ISAKMP);
	CU_ASSERT_TRUE(blob_is(n.spi, n.spi_size, cky, sizeof(cky)));
	CU_ASSERT_EQUAL(n.data_len, 4);
	CU_ASSERT_EQUAL(ikev1_msg_dpd_parse(&n, &seq), 0);
	CU_ASSERT_EQUAL(seq, 10811);
	n.type = IKEV1_N_R_U_THERE_ACK;
	CU_ASSERT_EQUAL(ikev1_msg_dpd_parse(&n, &seq), 0);
	/* Not DPD, or not the RFC 3706 §7 shape. */
	n.type = IKEV1_N_INITIAL_CONTACT;
	CU_ASSERT_EQUAL(ikev1_msg_dpd_parse(&n, &seq), -EBADMSG);
	n.type = IKEV1_N_R_U_THERE;
	n.data_len = 3;
	CU_ASSERT_EQUAL(ikev1_msg_dpd_parse(&n, &seq), -EBADMSG);
	n.data_len = 4;
	n.spi_size = 0;
	CU_ASSERT_EQUAL(ikev1_msg_dpd_parse(&n, &seq), -EBADMSG);
}

/*
 * Malformed inputs made from the messages above: @n bytes written at @off,
 * then @dlen bytes cut (< 0) or zero bytes added (> 0) at the end.  For a
 * whole message (first == 0) the header's Length is set to the new size
 * unless @keep_len; else the bytes are a decrypted body whose chain starts
 * with @first (in a quick mode / informational HDR*).
 */
struct bad_row {
	const char *what;
	const uint8_t *base;
	size_t base_len;
	uint8_t first;
	size_t off;
	uint8_t n;
	uint8_t bytes[8];
	int dlen;
	bool keep_len;
	int rc;
	enum ikev1_notify notify;
	uint8_t pl;
};

#define MM1  mm1, sizeof(mm1), 0
#define QM1  qm1_body, sizeof(qm1_body), IKEV1_PL_HASH
#define DEL  info_del_body, sizeof(info_del_body), IKEV1_PL_HASH
#define DPD  dpd_body, sizeof(dpd_body), IKEV1_PL_HASH
#define B    (-EBADMSG)
#define N(x) IKEV1_N_##x
#define P1(b)     \
	1,        \
	{         \
		b \
	}
#define P2(a, b)     \
	2,           \
	{            \
		a, b \
	}

static const struct bad_row bad_rows[] = {
	/* Positive controls: the unchanged messages parse. */
	{ "mm1 as is", MM1, 0, 0, { 0 }, 0, false, 0, N(NONE), 0 },
	{ "qm1 as is", QM1, 0, 0, { 0 }, 0, false, 0, N(NONE), 0 },
	{ "delete as is", DEL, 0, 0, { 0 }, 0, false, 0, N(NONE), 0 },
	{ "dpd as is", DPD, 0, 0, { 0 }, 0, false, 0, N(NONE), 0 },
	/* Header */
	{ "truncated header (27 bytes)", MM1, 0, 0, { 0 }, -145, true, B, N(PAYLOAD_MALFORMED), 0 },
	{ "empty datagram", MM1, 0, 0, { 0 }, -172, true, B, N(PAYLOAD_MALFORMED), 0 },
	{ "Length one more than the datagram", MM1, 27, P1(0xad), 0, true, B,
	    N(UNEQUAL_PAYLOAD_LENGTHS), 0 },
	{ "datagram one more than Length", MM1, 0, 0, { 0 }, 1, true, B, N(UNEQUAL_PAYLOAD_LENGTHS),
	    0 },
	{ "major version 2", MM1, 17, P1(0x20), 0, false, B, N(INVALID_MAJOR_VERSION), 0 },
	{ "major version 0", MM1, 17, P1(0x00), 0, false, B, N(INVALID_MAJOR_VERSION), 0 },
	{ "minor version 1", MM1, 17, P1(0x11), 0, false, B, N(INVALID_MINOR_VERSION), 0 },
	{ "undefined flag 0x08", MM1, 19, P1(0x08), 0, false, B, N(INVALID_FLAGS), 0 },
	{ "exchange type 0", MM1, 18, P1(0), 0, false, B, N(INVALID_EXCHANGE_TYPE), 0 },
	{ "exchange type 7", MM1, 18, P1(7), 0, false, B, N(INVALID_EXCHANGE_TYPE), 0 },
	{ "exchange type 34 (IKEv2 IKE_SA_INIT)", MM1, 18, P1(34), 0, false, B,
	    N(INVALID_EXCHANGE_TYPE), 0 },
	{ "main mode with a message id", MM1, 23, P1(1), 0, false, B, N(INVALID_MESSAGE_ID), 0 },
	{ "aggressive mode with a message id", MM1, 18, 6, { 4, 0, 0, 0, 0, 1 }, 0, false, B,
	    N(INVALID_MESSAGE_ID), 0 },
	{ "initiator cookie 0", MM1, 0, 8, { 0 }, 0, false, B, N(INVALID_COOKIE), 0 },
	/* Generic payload chain */
	{ "payload length 3", MM1, MM1_VID1 + 2, P2(0, 3), 0, false, B, N(PAYLOAD_MALFORMED), 0 },
	{ "payload length 0", MM1, MM1_VID3 + 2, P2(0, 0), 0, false, B, N(PAYLOAD_MALFORMED), 0 },
	{ "payload one byte past the end", MM1, MM1_VID3 + 2, P2(0, 13), 0, false, B,
	    N(PAYLOAD_MALFORMED), 0 },
	{ "payload far past the end", MM1, MM1_VID3 + 2, P2(0xff, 0xff), 0, false, B,
	    N(PAYLOAD_MALFORMED), 0 },
	{ "a byte after the last payload", MM1, 0, 0, { 0 }, 1, false, B, N(PAYLOAD_MALFORMED), 0 },
	{ "the last payload says more follow", MM1, MM1_VID3, P1(13), 0, false, B,
	    N(PAYLOAD_MALFORMED), 0 },
	{ "chain cut in a payload", MM1, 0, 0, { 0 }, -1, false, B, N(PAYLOAD_MALFORMED), 0 },
	{ "chain cut in a generic header", MM1, 0, 0, { 0 }, -10, false, B, N(PAYLOAD_MALFORMED),
	    0 },
	{ "unknown payload type 99", MM1, MM1_VID2, P1(99), 0, false, B, N(INVALID_PAYLOAD_TYPE),
	    99 },
	{ "IKEv2 payload type 33 first", MM1, 16, P1(33), 0, false, B, N(INVALID_PAYLOAD_TYPE),
	    33 },
	{ "Proposal outside an SA", MM1, MM1_VID2, P1(IKEV1_PL_P), 0, false, B,
	    N(INVALID_PAYLOAD_TYPE), IKEV1_PL_P },
	{ "Transform outside an SA", MM1, MM1_VID2, P1(IKEV1_PL_T), 0, false, B,
	    N(INVALID_PAYLOAD_TYPE), IKEV1_PL_T },
	/* SA: DOI, situation, nesting */
	{ "SA DOI 2", MM1, 35, P1(2), 0, false, B, N(DOI_NOT_SUPPORTED), IKEV1_PL_SA },
	{ "SA DOI 0", MM1, 35, P1(0), 0, false, B, N(DOI_NOT_SUPPORTED), IKEV1_PL_SA },
	{ "SA situation SIT_SECRECY", MM1, 39, P1(2), 0, false, B, N(SITUATION_NOT_SUPPORTED),
	    IKEV1_PL_SA },
	{ "SA without proposals", MM1, 28 + 2, P2(0, 12), 0, false, B, N(BAD_PROPOSAL_SYNTAX),
	    IKEV1_PL_SA },
	{ "proposal length +1", MM1, MM1_P + 2, P2(0, 81), 0, false, B, N(BAD_PROPOSAL_SYNTAX),
	    IKEV1_PL_SA },
	{ "proposal length -1", MM1, MM1_P + 2, P2(0, 79), 0, false, B, N(BAD_PROPOSAL_SYNTAX),
	    IKEV1_PL_SA },
	{ "proposal length 7", MM1, MM1_P + 2, P2(0, 7), 0, false, B, N(BAD_PROPOSAL_SYNTAX),
	    IKEV1_PL_SA },
	{ "proposal says more follow", MM1, MM1_P, P1(IKEV1_PL_P), 0, false, B,
	    N(BAD_PROPOSAL_SYNTAX), IKEV1_PL_SA },
	{ "proposal followed by a transform type", MM1, MM1_P, P1(IKEV1_PL_T), 0, false, B,
	    N(BAD_PROPOSAL_SYNTAX), IKEV1_PL_SA },
	{ "transform 1 length +1", MM1, MM1_T1 + 2, P2(0, 41), 0, false, B, N(BAD_PROPOSAL_SYNTAX),
	    IKEV1_PL_SA },
	{ "transform 1 length -1", MM1, MM1_T1 + 2, P2(0, 39), 0, false, B, N(BAD_PROPOSAL_SYNTAX),
	    IKEV1_PL_SA },
	{ "transform 2 length +1", MM1, MM1_T2 + 2, P2(0, 33), 0, false, B, N(BAD_PROPOSAL_SYNTAX),
	    IKEV1_PL_SA },
	{ "transform 2 length -1", MM1, MM1_T2 + 2, P2(0, 31), 0, false, B, N(BAD_PROPOSAL_SYNTAX),
	    IKEV1_PL_SA },
	{ "# of transforms 3 for 2", MM1, MM1_P + 7, P1(3), 0, false, B, N(BAD_PROPOSAL_SYNTAX),
	    IKEV1_PL_SA },
	{ "# of transforms 1 for 2", MM1, MM1_P + 7, P1(1), 0, false, B, N(BAD_PROPOSAL_SYNTAX),
	    IKEV1_PL_SA },
	{ "# of transforms 0", MM1, MM1_P + 7, P1(0), 0, false, B, N(BAD_PROPOSAL_SYNTAX),
	    IKEV1_PL_SA },
	{ "last transform says more follow", MM1, MM1_T2, P1(IKEV1_PL_T), 0, false, B,
	    N(BAD_PROPOSAL_SYNTAX), IKEV1_PL_SA },
	{ "transform 1 followed by type 4", MM1, MM1_T1, P1(4), 0, false, B, N(BAD_PROPOSAL_SYNTAX),
	    IKEV1_PL_SA },
	{ "protocol id 9", MM1, MM1_P + 5, P1(9), 0, false, B, N(INVALID_PROTOCOL_ID),
	    IKEV1_PL_SA },
	{ "ISAKMP SPI size 17", MM1, MM1_P + 6, P1(17), 0, false, B, N(INVALID_SPI), IKEV1_PL_SA },
	{ "ISAKMP SPI size 4 eats the transforms", MM1, MM1_P + 6, P1(4), 0, false, B,
	    N(BAD_PROPOSAL_SYNTAX), IKEV1_PL_SA },
	{ "attribute TLV overruns its transform", MM1, MM1_T1_LIFE + 2, P2(0, 5), 0, false, B,
	    N(PAYLOAD_MALFORMED), IKEV1_PL_SA },
	{ "attribute TLV length 0xffff", MM1, MM1_T1_LIFE + 2, P2(0xff, 0xff), 0, false, B,
	    N(PAYLOAD_MALFORMED), IKEV1_PL_SA },
	{ "attribute TLV length 0 leaves a stray value", MM1, MM1_T1_LIFE + 2, P2(0, 0), 0, false,
	    B, N(PAYLOAD_MALFORMED), IKEV1_PL_SA },
	/* Quick mode body */
	{ "ESP SPI size 5", QM1, 54, P1(5), 0, false, B, N(INVALID_SPI), IKEV1_PL_SA },
	{ "ESP SPI size 0", QM1, 54, P1(0), 0, false, B, N(INVALID_SPI), IKEV1_PL_SA },
	{ "AH SPI size 16", QM1, 53, P2(IKEV1_PROTO_IPSEC_AH, 16), 0, false, B, N(INVALID_SPI),
	    IKEV1_PL_SA },
	{ "IPCOMP CPI of 2 bytes eats 2 bytes of SPI", QM1, 53, P2(IKEV1_PROTO_IPCOMP, 2), 0, false,
	    B, N(BAD_PROPOSAL_SYNTAX), IKEV1_PL_SA },
	{ "ID type 0", QM1, 200, P1(0), 0, false, B, N(INVALID_ID_INFORMATION), IKEV1_PL_ID },
	{ "ID type 12", QM1, 200, P1(12), 0, false, B, N(INVALID_ID_INFORMATION), IKEV1_PL_ID },
	{ "IPV4_ADDR of 8 bytes", QM1, 200, P1(IKEV1_ID_IPV4_ADDR), 0, false, B,
	    N(INVALID_ID_INFORMATION), IKEV1_PL_ID },
	{ "IPV6_ADDR_SUBNET of 8 bytes", QM1, 216, P1(IKEV1_ID_IPV6_ADDR_SUBNET), 0, false, B,
	    N(INVALID_ID_INFORMATION), IKEV1_PL_ID },
	{ "body cut in the last payload", QM1, 0, 0, { 0 }, -13, false, B, N(PAYLOAD_MALFORMED),
	    0 },
	{ "body cut to the chain", QM1, 0, 0, { 0 }, -12, false, 0, N(NONE), 0 },
	{ "nonce of 31 bytes, chain broken after it", QM1, 92 + 2, P2(0, 35), 0, false, B,
	    N(PAYLOAD_MALFORMED), 0 },
	{ "second SA", QM1, 92, P1(IKEV1_PL_SA), 0, false, B, N(PAYLOAD_MALFORMED), IKEV1_PL_SA },
	/* Delete */
	{ "delete # of SPIs 2 for one", DEL, 46, P2(0, 2), 0, false, B, N(PAYLOAD_MALFORMED),
	    IKEV1_PL_D },
	{ "delete # of SPIs 0", DEL, 46, P2(0, 0), 0, false, B, N(PAYLOAD_MALFORMED), IKEV1_PL_D },
	{ "ESP delete # of SPIs 1 for two", DEL, 74, P2(0, 1), 0, false, B, N(PAYLOAD_MALFORMED),
	    IKEV1_PL_D },
	{ "ISAKMP delete SPI size 8 (2 x 8 = 16)", DEL, 45, 3, { 8, 0, 2 }, 0, false, B,
	    N(INVALID_SPI), IKEV1_PL_D },
	{ "ESP delete SPI size 8 (1 x 8 = 8)", DEL, 73, 3, { 8, 0, 1 }, 0, false, B, N(INVALID_SPI),
	    IKEV1_PL_D },
	{ "delete DOI 7", DEL, 43, P1(7), 0, false, B, N(DOI_NOT_SUPPORTED), IKEV1_PL_D },
	{ "delete DOI 0 (ISAKMP)", DEL, 43, P1(0), 0, false, 0, N(NONE), 0 },
	{ "delete protocol 5", DEL, 44, P1(5), 0, false, B, N(INVALID_PROTOCOL_ID), IKEV1_PL_D },
	/* Notification */
	{ "notify SPI size 17", DPD, 45, P1(17), 0, false, B, N(INVALID_SPI), IKEV1_PL_N },
	{ "notify SPI size 16 in 12 bytes", DPD, 38, P2(0, 24), 0, false, B, N(PAYLOAD_MALFORMED),
	    IKEV1_PL_N },
	{ "notify DOI 3", DPD, 43, P1(3), 0, false, B, N(DOI_NOT_SUPPORTED), IKEV1_PL_N },
	{ "notify DOI 0 (ISAKMP)", DPD, 43, P1(0), 0, false, 0, N(NONE), 0 },
	{ "HASH of 0 bytes, chain broken", DPD, 2, P2(0, 4), 0, false, B,
	    N(INVALID_HASH_INFORMATION), IKEV1_PL_HASH },
};

static void
test_ikev1_msg_malformed_table(void)
{
	static uint8_t p[512];
	const struct bad_row *r;
	size_t i, len;
	int rc;

	for (i = 0; i < DIM(bad_rows); i++) {
		r = &bad_rows[i];
		len = (size_t)((long)r->base_len + r->dlen);
		CU_ASSERT_FATAL(len <= sizeof(p));
		memset(p, 0, sizeof(p));
		memcpy(p, r->base, len < r->base_len ? len : r->base_len);
		memcpy(p + r->off, r->bytes, r->n);
		if (r->first == 0) {
			if (!r->keep_len && len >= IKE_HDR_LEN) {
				p[26] = (uint8_t)(len >> 8);
				p[27] = (uint8_t)len;
			}
			rc = ikev1_msg_parse(p, len, &msg);
		} else {
			rc = parse_decrypted(IKEV1_EXCH_QUICK, 0x9d8e7f60, r->first, p, len, &msg);
		}
		if (rc != r->rc || msg.error != r->notify || msg.error_payload != r->pl) {
			fprintf(stderr, "\n%s: rc %d notify %s payload %u; want %d %s %u\n",
			    r->what, rc, ikev1_msg_notify_name(msg.error), msg.error_payload, r->rc,
			    ikev1_msg_notify_name(r->notify), r->pl);
			CU_FAIL("malformed row");
		}
	}
}

/* Build HDR (main mode, or @exchange), run @fn to add payloads, parse. */
static int
build_parse(uint8_t exchange, uint32_t msgid, void (*fn)(struct ike_buf *, int), int arg,
    uint8_t *p, size_t cap)
{
	struct ike_hdr h = { .ispi = 0x5f3a9c0d2e7b4411ull, .exchange = exchange, .msgid = msgid };
	struct ike_buf b;

	ike_payload_buf_init(&b, p, cap);
	ikev1_msg_build_hdr(&b, &h);
	fn(&b, arg);
	CU_ASSERT_EQUAL_FATAL(ikev1_msg_build_finish(&b), 0);
	return ikev1_msg_parse(p, b.len, &msg);
}

static const uint8_t filler[400] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

static void
add_id(struct ike_buf *b, int n)
{
	struct ikev1_id id = { .type = IKEV1_ID_IPV4_ADDR, .data = filler, .len = (size_t)n };

	ikev1_msg_build_id(b, &id);
}

static void
add_id6(struct ike_buf *b, int n)
{
	struct ikev1_id id = { .type = IKEV1_ID_IPV6_ADDR, .data = filler, .len = (size_t)n };

	ikev1_msg_build_id(b, &id);
}

static void
add_fqdn(struct ike_buf *b, int n)
{
	struct ikev1_id id = { .type = IKEV1_ID_FQDN, .data = filler, .len = (size_t)n };

	ikev1_msg_build_id(b, &id);
}

static void
add_nonce(struct ike_buf *b, int n)
{
	ikev1_msg_build_nonce(b, filler, (size_t)n);
}

static void
add_vids(struct ike_buf *b, int n)
{
	int i;

	for (i = 0; i < n; i++)
		ikev1_msg_build_vid(b, filler, 16);
}

static void
add_ke(struct ike_buf *b, int n)
{
	ikev1_msg_build_ke(b, filler, (size_t)n);
}

static void
add_two_kes(struct ike_buf *b, int n)
{
	ikev1_msg_build_ke(b, filler, (size_t)n);
	ikev1_msg_build_ke(b, filler, (size_t)n);
}

static void
add_ids(struct ike_buf *b, int n)
{
	int i;

	for (i = 0; i < n; i++)
		add_id(b, 4);
}

static void
add_mixed_natd(struct ike_buf *b, int n)
{
	(void)n;
	ikev1_msg_build_natd(b, IKEV1_PL_NATD, filler, 20);
	ikev1_msg_build_natd(b, IKEV1_PL_NATD_DRAFT, filler, 20);
}

static void
add_natoa_raw(struct ike_buf *b, int n)
{
	/* NAT-OA: ID type @n, reserved, then 16 address bytes. */
	ike_payload_begin(b, IKEV1_PL_NATOA, 0);
	ike_payload_buf_put8(b, (uint8_t)n);
	ike_payload_buf_zero(b, 3);
	ike_payload_buf_put(b, filler, 16);
	ike_payload_end(b);
}

static void
add_frag(struct ike_buf *b, int n)
{
	struct ikev1_frag f = { .id = 1, .num = (uint8_t)n, .flags = 0, .data = filler, .len = 50 };

	ikev1_msg_build_frag(b, &f);
}

static void
add_cfg_overrun(struct ike_buf *b, int n)
{
	/* XAUTH_USER_NAME, TLV of @n bytes with 3 present. */
	ike_payload_begin(b, IKEV1_PL_ATTR, 0);
	ike_payload_buf_put8(b, IKEV1_CFG_REPLY);
	ike_payload_buf_put8(b, 0);
	ike_payload_buf_put16(b, 7);
	ike_payload_buf_put16(b, IKEV1_XAUTH_USER_NAME);
	ike_payload_buf_put16(b, (uint16_t)n);
	ike_payload_buf_put(b, "bob", 3);
	ike_payload_end(b);
}

static void
add_cert(struct ike_buf *b, int n)
{
	struct ikev1_cert c = { .encoding = IKEV1_CERT_X509_SIG, .data = filler, .len = (size_t)n };

	ikev1_msg_build_cert(b, &c);
}

/*
 * An SA payload written by hand (the builder refuses over-limit structs):
 * @props proposals (ESP), each of @trans transforms, each of @attrs TV
 * attributes.
 */
static void
raw_sa(struct ike_buf *b, unsigned int props, unsigned int trans, unsigned int attrs)
{
	unsigned int i, k, a;
	size_t p, t;

	ike_payload_begin(b, IKEV1_PL_SA, 0);
	ike_payload_buf_put32(b, IKEV1_DOI_IPSEC);
	ike_payload_buf_put32(b, IKEV1_SIT_IDENTITY_ONLY);
	for (i = 0; i < props; i++) {
		p = b->len;
		ike_payload_buf_put8(b, i + 1 < props ? IKEV1_PL_P : 0);
		ike_payload_buf_put8(b, 0);
		ike_payload_buf_put16(b, 0);
		ike_payload_buf_put8(b, (uint8_t)(i + 1));
		ike_payload_buf_put8(b, IKEV1_PROTO_IPSEC_ESP);
		ike_payload_buf_put8(b, 4);
		ike_payload_buf_put8(b, (uint8_t)trans);
		ike_payload_buf_put32(b, 0x1000 + i);
		for (k = 0; k < trans; k++) {
			t = b->len;
			ike_payload_buf_put8(b, k + 1 < trans ? IKEV1_PL_T : 0);
			ike_payload_buf_put8(b, 0);
			ike_payload_buf_put16(b, 0);
			ike_payload_buf_put8(b, (uint8_t)(k + 1));
			ike_payload_buf_put8(b, IKEV1_ESP_AES_CBC);
			ike_payload_buf_put16(b, 0);
			for (a = 0; a < attrs; a++) {
				ike_payload_buf_put16(b, IKE_ATTR_AF | IKEV1_IPSEC_ATTR_KEY_LENGTH);
				ike_payload_buf_put16(b, 128);
			}
			ike_payload_buf_patch16(b, t + 2, (uint16_t)(b->len - t));
		}
		ike_payload_buf_patch16(b, p + 2, (uint16_t)(b->len - p));
	}
	ike_payload_end(b);
}

static void
add_props(struct ike_buf *b, int n)
{
	raw_sa(b, (unsigned int)n, 1, 0);
}

static void
add_transforms(struct ike_buf *b, int n)
{
	raw_sa(b, 1, (unsigned int)n, 0);
}

static void
add_attrs(struct ike_buf *b, int n)
{
	/* 4 transforms of n / 4 attributes each. */
	raw_sa(b, 1, 4, (unsigned int)n / 4);
}

/*
 * 64 payloads with every array at its limit but none over: 16 VID, 8 N,
 * 8 D, 8 CERT, 8 CR, 8 NAT-D, SA-less singles (KE, NONCE, HASH, SIG, 2 ID,
 * ATTR), and @n more VIDs... all within the per-type limits until @n > 0
 * adds payloads beyond IKE_PAYLOADS_MAX.
 */
static void
add_many(struct ike_buf *b, int n)
{
	static const uint8_t spi4[4] = { 1, 2, 3, 4 };
	struct ikev1_notification nt = { .doi = 1, .proto = 3, .type = 24578 };
	struct ikev1_delete d = { .doi = 1, .proto = 3, .spi_size = 4, .n_spis = 1, .spis = spi4 };
	struct ikev1_cert c = { .encoding = 4, .data = filler, .len = 3 };
	struct ikev1_cfg cfg = { .type = IKEV1_CFG_REQUEST };
	struct ikev1_natoa oa = { .id_type = IKEV1_ID_IPV4_ADDR, .addr_len = 4 };
	int i;

	add_vids(b, IKEV1_VIDS_MAX);
	for (i = 0; i < 8; i++) {
		ikev1_msg_build_n(b, &nt);
		ikev1_msg_build_d(b, &d);
		ikev1_msg_build_cert(b, &c);
		ikev1_msg_build_cr(b, &c);
		ikev1_msg_build_natd(b, IKEV1_PL_NATD, filler, 20);
	}
	ikev1_msg_build_ke(b, filler, 8);
	ikev1_msg_build_nonce(b, filler, 8);
	ikev1_msg_build_hash(b, filler, 8);
	ikev1_msg_build_sig(b, filler, 8);
	add_ids(b, 2);
	ikev1_msg_build_cfg(b, &cfg);
	ikev1_msg_build_natoa(b, IKEV1_PL_NATOA, &oa);
	/* 16 + 40 + 4 + 2 + 1 + 1 = 64 */
	for (i = 0; i < n; i++)
		add_frag(b, 1);
}

static void
test_ikev1_msg_malformed_built(void)
{
	static const struct {
		const char *what;
		void (*fn)(struct ike_buf *, int);
		int arg;
		int rc;
		enum ikev1_notify notify;
		uint8_t pl;
	} rows[] = {
		{ "ID_IPV4_ADDR of 4 bytes", add_id, 4, 0, IKEV1_N_NONE, 0 },
		{ "ID_IPV4_ADDR of 3 bytes", add_id, 3, B, N(INVALID_ID_INFORMATION), IKEV1_PL_ID },
		{ "ID_IPV4_ADDR of 5 bytes", add_id, 5, B, N(INVALID_ID_INFORMATION), IKEV1_PL_ID },
		{ "ID_IPV4_ADDR of 0 bytes", add_id, 0, B, N(INVALID_ID_INFORMATION), IKEV1_PL_ID },
		{ "ID_IPV6_ADDR of 16 bytes", add_id6, 16, 0, IKEV1_N_NONE, 0 },
		{ "ID_IPV6_ADDR of 15 bytes", add_id6, 15, B, N(INVALID_ID_INFORMATION),
		    IKEV1_PL_ID },
		{ "ID_FQDN of 1 byte", add_fqdn, 1, 0, IKEV1_N_NONE, 0 },
		{ "ID_FQDN empty", add_fqdn, 0, B, N(INVALID_ID_INFORMATION), IKEV1_PL_ID },
		{ "three IDs", add_ids, 3, B, N(PAYLOAD_MALFORMED), IKEV1_PL_ID },
		{ "nonce of 7 bytes", add_nonce, 7, B, N(PAYLOAD_MALFORMED), IKEV1_PL_NONCE },
		{ "nonce of 8 bytes", add_nonce, 8, 0, IKEV1_N_NONE, 0 },
		{ "nonce of 256 bytes", add_nonce, 256, 0, IKEV1_N_NONE, 0 },
		{ "nonce of 257 bytes", add_nonce, 257, B, N(PAYLOAD_MALFORMED), IKEV1_PL_NONCE },
		{ "empty KE", add_ke, 0, B, N(INVALID_KEY_INFORMATION), IKEV1_PL_KE },
		{ "two KEs", add_two_kes, 8, B, N(PAYLOAD_MALFORMED), IKEV1_PL_KE },
		{ "16 proposals", add_props, IKEV1_PROPOSALS_MAX, 0, IKEV1_N_NONE, 0 },
		{ "17 proposals", add_props, IKEV1_PROPOSALS_MAX + 1, -E2BIG, N(PAYLOAD_MALFORMED),
		    IKEV1_PL_SA },
		{ "128 transforms", add_transforms, IKEV1_TRANSFORMS_MAX, 0, IKEV1_N_NONE, 0 },
		{ "129 transforms", add_transforms, IKEV1_TRANSFORMS_MAX + 1, -E2BIG,
		    N(PAYLOAD_MALFORMED), IKEV1_PL_SA },
		{ "1024 attributes", add_attrs, IKEV1_SA_ATTRS_MAX, 0, IKEV1_N_NONE, 0 },
		{ "1028 attributes", add_attrs, IKEV1_SA_ATTRS_MAX + 4, -E2BIG,
		    N(PAYLOAD_MALFORMED), IKEV1_PL_SA },
		{ "16 VIDs", add_vids, IKEV1_VIDS_MAX, 0, IKEV1_N_NONE, 0 },
		{ "17 VIDs", add_vids, IKEV1_VIDS_MAX + 1, -E2BIG, N(PAYLOAD_MALFORMED),
		    IKEV1_PL_VID },
		{ "64 payloads", add_many, 0, 0, IKEV1_N_NONE, 0 },
		{ "65 payloads", add_many, 1, -E2BIG, N(PAYLOAD_MALFORMED), 0 },
		{ "NAT-D and draft NAT-D", add_mixed_natd, 0, B, N(PAYLOAD_MALFORMED),
		    IKEV1_PL_NATD_DRAFT },
		{ "NAT-OA IPV6_ADDR", add_natoa_raw, IKEV1_ID_IPV6_ADDR, 0, IKEV1_N_NONE, 0 },
		{ "NAT-OA IPV4_ADDR of 16 bytes", add_natoa_raw, IKEV1_ID_IPV4_ADDR, B,
		    N(PAYLOAD_MALFORMED), IKEV1_PL_NATOA },
		{ "NAT-OA FQDN", add_natoa_raw, IKEV1_ID_FQDN, B, N(INVALID_ID_INFORMATION),
		    IKEV1_PL_NATOA },
		{ "fragment number 0", add_frag, 0, B, N(PAYLOAD_MALFORMED), IKEV1_PL_FRAG },
		{ "fragment number 1", add_frag, 1, 0, IKEV1_N_NONE, 0 },
		{ "attribute payload TLV of 3 in 3", add_cfg_overrun, 3, 0, IKEV1_N_NONE, 0 },
		{ "attribute payload TLV of 4 in 3", add_cfg_overrun, 4, B, N(PAYLOAD_MALFORMED),
		    IKEV1_PL_ATTR },
		{ "attribute payload TLV of 2 in 3", add_cfg_overrun, 2, B, N(PAYLOAD_MALFORMED),
		    IKEV1_PL_ATTR },
		{ "empty certificate", add_cert, 0, B, N(INVALID_CERTIFICATE), IKEV1_PL_CERT },
	};
	static uint8_t p[IKE_MSG_MAX];
	size_t i;
	int rc;

	for (i = 0; i < DIM(rows); i++) {
		rc =
		    build_parse(IKEV1_EXCH_INFORMATIONAL, 1, rows[i].fn, rows[i].arg, p, sizeof(p));
		if (rc != rows[i].rc || msg.error != rows[i].notify ||
		    msg.error_payload != rows[i].pl) {
			fprintf(stderr, "\n%s: rc %d notify %s payload %u; want %d %s %u\n",
			    rows[i].what, rc, ikev1_msg_notify_name(msg.error), msg.error_payload,
			    rows[i].rc, ikev1_msg_notify_name(rows[i].notify), rows[i].pl);
			CU_FAIL("malformed row");
		}
	}
	CU_ASSERT_EQUAL(build_parse(IKEV1_EXCH_INFORMATIONAL, 1, add_many, 0, p, sizeof(p)), 0);
	CU_ASSERT_EQUAL(msg.n_payloads, IKE_PAYLOADS_MAX);
	CU_ASSERT_EQUAL(msg.n_vids, IKEV1_VIDS_MAX);
	CU_ASSERT_EQUAL(msg.n_deletes, 8);

	/* Quick mode needs a message id; an HDR* needs a body. */
	CU_ASSERT_EQUAL(build_parse(IKEV1_EXCH_QUICK, 0, add_nonce, 8, p, sizeof(p)), -EBADMSG);
	CU_ASSERT_EQUAL(msg.error, IKEV1_N_INVALID_MESSAGE_ID);
	CU_ASSERT_EQUAL(build_parse(IKEV1_EXCH_QUICK, 5, add_nonce, 8, p, sizeof(p)), 0);
	memcpy(p, mm5_enc, IKE_HDR_LEN);
	p[27] = IKE_HDR_LEN;
	CU_ASSERT_EQUAL(ikev1_msg_parse(p, IKE_HDR_LEN, &msg), -EBADMSG);
	CU_ASSERT_EQUAL(msg.error, IKEV1_N_PAYLOAD_MALFORMED);
	/* A plaintext header with no payload at all is fine for the codec. */
	memcpy(p, mm1, IKE_HDR_LEN);
	p[16] = 0;
	p[27] = IKE_HDR_LEN;
	CU_ASSERT_EQUAL(ikev1_msg_parse(p, IKE_HDR_LEN, &msg), 0);
	CU_ASSERT_EQUAL(msg.n_payloads, 0);
}

/* Compare a built SA with its parse. */
static bool
sa_equal(const struct ikev1_sa *a, const struct ikev1_sa *b)
{
	const struct ike_attr *x, *y;
	unsigned int i;

	if (a->doi != b->doi || a->situation != b->situation || a->n_proposals != b->n_proposals ||
	    a->n_transforms != b->n_transforms || a->n_attrs != b->n_attrs)
		return false;
	for (i = 0; i < a->n_proposals; i++) {
		if (a->proposals[i].num != b->proposals[i].num ||
		    a->proposals[i].proto != b->proposals[i].proto ||
		    a->proposals[i].spi_size != b->proposals[i].spi_size ||
		    a->proposals[i].t_first != b->proposals[i].t_first ||
		    a->proposals[i].n_transforms != b->proposals[i].n_transforms ||
		    (a->proposals[i].spi_size > 0 &&
		        memcmp(a->proposals[i].spi, b->proposals[i].spi, a->proposals[i].spi_size)))
			return false;
	}
	for (i = 0; i < a->n_transforms; i++)
		if (a->transforms[i].num != b->transforms[i].num ||
		    a->transforms[i].id != b->transforms[i].id ||
		    a->transforms[i].attr_first != b->transforms[i].attr_first ||
		    a->transforms[i].n_attrs != b->transforms[i].n_attrs)
			return false;
	for (i = 0; i < a->n_attrs; i++) {
		x = &a->attrs[i];
		y = &b->attrs[i];
		if (x->type != y->type || x->tv != y->tv || (!x->tv && x->len != y->len))
			return false;
		if (x->tv || x->len <= 8) {
			if (x->u != y->u)
				return false;
		} else if (memcmp(x->val, y->val, x->len) != 0) {
			return false;
		}
	}
	return true;
}

static bool
attrs_equal(const struct ike_attr *a, const struct ike_attr *b, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (a[i].type != b[i].type || a[i].tv != b[i].tv)
			return false;
		if (a[i].tv ? a[i].u != b[i].u :
		              (a[i].len != b[i].len ||
		                  (a[i].len > 0 && memcmp(a[i].val, b[i].val, a[i].len) != 0)))
			return false;
	}
	return true;
}

/* Everything every builder makes, in one message. */
static const uint8_t spi_esp[4] = { 0xde, 0xad, 0xbe, 0xef };
static const uint8_t spi_ah[4] = { 0xfe, 0xed, 0xfa, 0xce };
static const uint8_t big_val[12] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa,
	0xbb, 0xcc };

static struct ikev1_sa rt_sa;

static void
rt_sa_init(void)
{
	struct ikev1_sa *sa = &rt_sa;

	memset(sa, 0, sizeof(*sa));
	sa->doi = IKEV1_DOI_IPSEC;
	sa->situation = IKEV1_SIT_IDENTITY_ONLY;
	/* Proposal 1: AH AND ESP (same number, RFC 2408 §4.2); proposal 2: ESP (GCM). */
	sa->n_proposals = 3;
	sa->proposals[0] = (struct ikev1_proposal){ .num = 1,
		.proto = IKEV1_PROTO_IPSEC_AH,
		.spi_size = 4,
		.spi = spi_ah,
		.t_first = 0,
		.n_transforms = 1 };
	sa->proposals[1] = (struct ikev1_proposal){ .num = 1,
		.proto = IKEV1_PROTO_IPSEC_ESP,
		.spi_size = 4,
		.spi = spi_esp,
		.t_first = 1,
		.n_transforms = 2 };
	sa->proposals[2] = (struct ikev1_proposal){ .num = 2,
		.proto = IKEV1_PROTO_IPSEC_ESP,
		.spi_size = 4,
		.spi = spi_esp,
		.t_first = 3,
		.n_transforms = 1 };
	sa->n_transforms = 4;
	sa->transforms[0] = (struct ikev1_transform){ .num = 1,
		.id = IKEV1_AH_SHA2_256,
		.attr_first = 0,
		.n_attrs = 2 };
	sa->transforms[1] = (struct ikev1_transform){ .num = 1,
		.id = IKEV1_ESP_AES_CBC,
		.attr_first = 2,
		.n_attrs = 3 };
	sa->transforms[2] = (struct ikev1_transform){ .num = 2,
		.id = IKEV1_ESP_3DES,
		.attr_first = 5,
		.n_attrs = 0 };
	sa->transforms[3] = (struct ikev1_transform){ .num = 1,
		.id = IKEV1_ESP_AES_GCM_16,
		.attr_first = 5,
		.n_attrs = 3 };
	sa->n_attrs = 8;
	sa->attrs[0] = (struct ike_attr){ .type = IKEV1_IPSEC_ATTR_AUTH_ALG, .tv = true, .u = 5 };
	sa->attrs[1] = (struct ike_attr){ .type = IKEV1_IPSEC_ATTR_ENCAP_MODE,
		.tv = true,
		.u = IKEV1_ENCAP_UDP_TRANSPORT_DRAFT };
	sa->attrs[2] =
	    (struct ike_attr){ .type = IKEV1_IPSEC_ATTR_KEY_LENGTH, .tv = true, .u = 256 };
	/* Life durations of 4 and 8 bytes and one too long for a number. */
	sa->attrs[3] =
	    (struct ike_attr){ .type = IKEV1_IPSEC_ATTR_LIFE_DURATION, .len = 4, .u = 4000000000u };
	sa->attrs[4] = (struct ike_attr){ .type = IKEV1_IPSEC_ATTR_LIFE_DURATION,
		.len = 8,
		.u = 0x0102030405060708ull };
	sa->attrs[5] = (struct ike_attr){ .type = 0x7fff, .len = sizeof(big_val), .val = big_val };
	sa->attrs[6] = (struct ike_attr){ .type = IKEV1_IPSEC_ATTR_ESN, .tv = true, .u = 1 };
	sa->attrs[7] = (struct ike_attr){ .type = IKEV1_IPSEC_ATTR_KEY_LENGTH, .len = 0 };
}

static const uint8_t cert_der[] = { 0x30, 0x82, 0x01, 0x0a, 0x02, 0x82, 0x01, 0x01, 0x00 };
static const uint8_t n_data[] = { 0x00, 0x00, 0x0e, 0x10 };
static const uint8_t del_spis[12] = { 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3 };

static const struct ikev1_id rt_ids[2] = {
	{ .type = IKEV1_ID_IPV6_ADDR_RANGE, .proto = 6, .port = 443, .data = filler, .len = 32 },
	{ .type = IKEV1_ID_USER_FQDN,
	    .proto = 17,
	    .port = 4500,
	    .data = (const uint8_t *)"a@b",
	    .len = 3 },
};
static const struct ikev1_cert rt_certs[2] = {
	{ .encoding = IKEV1_CERT_X509_SIG, .data = cert_der, .len = sizeof(cert_der) },
	{ .encoding = IKEV1_CERT_CRL, .data = filler, .len = 100 },
};
static const struct ikev1_cert rt_crs[2] = {
	{ .encoding = IKEV1_CERT_X509_SIG, .data = NULL, .len = 0 },
	{ .encoding = IKEV1_CERT_X509_SIG, .data = cert_der, .len = 5 },
};
static const struct ikev1_notification rt_ns[2] = {
	{ .doi = IKEV1_DOI_IPSEC,
	    .proto = IKEV1_PROTO_IPSEC_ESP,
	    .spi_size = 4,
	    .type = IKEV1_N_RESPONDER_LIFETIME,
	    .spi = spi_esp,
	    .data = n_data,
	    .data_len = 4 },
	{ .doi = IKEV1_DOI_ISAKMP, .proto = 0, .spi_size = 0, .type = IKEV1_N_NO_PROPOSAL_CHOSEN },
};
static const struct ikev1_delete rt_ds[2] = {
	{ .doi = IKEV1_DOI_IPSEC,
	    .proto = IKEV1_PROTO_IPSEC_ESP,
	    .spi_size = 4,
	    .n_spis = 3,
	    .spis = del_spis },
	{ .doi = IKEV1_DOI_IPSEC,
	    .proto = IKEV1_PROTO_ISAKMP,
	    .spi_size = 16,
	    .n_spis = 1,
	    .spis = cky },
};
static const struct ikev1_natoa rt_oas[2] = {
	{ .id_type = IKEV1_ID_IPV4_ADDR, .addr = { 192, 0, 2, 1 }, .addr_len = 4 },
	{ .id_type = IKEV1_ID_IPV6_ADDR,
	    .addr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 },
	    .addr_len = 16 },
};
static struct ikev1_cfg rt_cfg;
static const struct ikev1_frag rt_frag = { .id = 0x1234,
	.num = 3,
	.flags = IKEV1_FRAG_LAST,
	.data = filler,
	.len = 333 };

static void
rt_cfg_init(void)
{
	memset(&rt_cfg, 0, sizeof(rt_cfg));
	rt_cfg.type = IKEV1_CFG_REPLY;
	rt_cfg.identifier = 0xbeef;
	rt_cfg.n_attrs = 4;
	rt_cfg.attrs[0] = (struct ike_attr){ .type = IKEV1_XAUTH_TYPE, .tv = true, .u = 0 };
	rt_cfg.attrs[1] = (struct ike_attr){ .type = IKEV1_XAUTH_USER_NAME,
		.len = 5,
		.val = (const uint8_t *)"alice" };
	rt_cfg.attrs[2] = (struct ike_attr){ .type = IKEV1_XAUTH_USER_PASSWORD, .len = 0 };
	rt_cfg.attrs[3] =
	    (struct ike_attr){ .type = IKEV1_CFG_INTERNAL_IP6_ADDRESS, .len = 17, .val = filler };
}

/* Every builder once or twice, in a fixed order; returns b->err. */
static int
build_all(struct ike_buf *b)
{
	struct ike_hdr h = { .ispi = 0x5f3a9c0d2e7b4411ull,
		.rspi = 0xa0c1e2f304152637ull,
		.exchange = IKEV1_EXCH_TRANSACTION,
		.flags = IKEV1_FLAG_COMMIT,
		.msgid = 0x01020304 };
	unsigned int i;

	ikev1_msg_build_hdr(b, &h);
	ikev1_msg_build_hash(b, filler, 20);
	ikev1_msg_build_sa(b, &rt_sa);
	ikev1_msg_build_ke(b, filler, 256);
	ikev1_msg_build_nonce(b, filler + 1, 16);
	for (i = 0; i < 2; i++) {
		ikev1_msg_build_id(b, &rt_ids[i]);
		ikev1_msg_build_cert(b, &rt_certs[i]);
		ikev1_msg_build_cr(b, &rt_crs[i]);
		ikev1_msg_build_n(b, &rt_ns[i]);
		ikev1_msg_build_d(b, &rt_ds[i]);
		ikev1_msg_build_vid(b, filler + i, 8 + i);
		ikev1_msg_build_natd(b, IKEV1_PL_NATD_DRAFT, filler + 2 * i, 20);
		ikev1_msg_build_natoa(b, IKEV1_PL_NATOA_DRAFT, &rt_oas[i]);
	}
	ikev1_msg_build_sig(b, filler + 3, 64);
	ikev1_msg_build_cfg(b, &rt_cfg);
	ikev1_msg_build_frag(b, &rt_frag);
	return ikev1_msg_build_finish(b);
}

#define RT_PAYLOADS 23

static void
test_ikev1_msg_round_trip(void)
{
	static const uint8_t order[RT_PAYLOADS] = { 8, 1, 4, 10, 5, 6, 7, 11, 12, 13, 130, 131, 5,
		6, 7, 11, 12, 13, 130, 131, 9, 14, 132 };
	static uint8_t p[4096];
	struct ike_buf b;
	unsigned int i;

	rt_sa_init();
	rt_cfg_init();
	ike_payload_buf_init(&b, p, sizeof(p));
	CU_ASSERT_EQUAL_FATAL(build_all(&b), 0);
	CU_ASSERT_EQUAL_FATAL(ikev1_msg_parse(p, b.len, &msg), 0);

	CU_ASSERT_EQUAL(msg.hdr.ispi, 0x5f3a9c0d2e7b4411ull);
	CU_ASSERT_EQUAL(msg.hdr.rspi, 0xa0c1e2f304152637ull);
	CU_ASSERT_EQUAL(msg.hdr.major, IKEV1_MAJOR);
	CU_ASSERT_EQUAL(msg.hdr.exchange, IKEV1_EXCH_TRANSACTION);
	CU_ASSERT_EQUAL(msg.hdr.flags, IKEV1_FLAG_COMMIT);
	CU_ASSERT_EQUAL(msg.hdr.msgid, 0x01020304);
	CU_ASSERT_EQUAL(msg.hdr.next_payload, IKEV1_PL_HASH);
	CU_ASSERT_EQUAL(msg.hdr.length, b.len);
	CU_ASSERT_EQUAL_FATAL(msg.n_payloads, RT_PAYLOADS);
	for (i = 0; i < RT_PAYLOADS; i++)
		CU_ASSERT_EQUAL(msg.payloads[i].type, order[i]);

	CU_ASSERT_TRUE(blob_is(msg.hash.p, msg.hash.len, filler, 20));
	CU_ASSERT_TRUE(msg.has_sa);
	CU_ASSERT_TRUE(sa_equal(&rt_sa, &msg.sa));
	CU_ASSERT_EQUAL(msg.sa.attrs[3].u, 4000000000u);
	CU_ASSERT_EQUAL(msg.sa.attrs[4].u, 0x0102030405060708ull);
	CU_ASSERT_TRUE(blob_is(msg.sa.attrs[5].val, msg.sa.attrs[5].len, big_val, sizeof(big_val)));
	CU_ASSERT_TRUE(blob_is(msg.ke.p, msg.ke.len, filler, 256));
	CU_ASSERT_TRUE(blob_is(msg.nonce.p, msg.nonce.len, filler + 1, 16));
	CU_ASSERT_TRUE(blob_is(msg.sig.p, msg.sig.len, filler + 3, 64));
	CU_ASSERT_EQUAL_FATAL(msg.n_ids, 2);
	CU_ASSERT_EQUAL_FATAL(msg.n_certs, 2);
	CU_ASSERT_EQUAL_FATAL(msg.n_crs, 2);
	CU_ASSERT_EQUAL_FATAL(msg.n_notifies, 2);
	CU_ASSERT_EQUAL_FATAL(msg.n_deletes, 2);
	CU_ASSERT_EQUAL_FATAL(msg.n_vids, 2);
	CU_ASSERT_EQUAL_FATAL(msg.n_natds, 2);
	CU_ASSERT_EQUAL_FATAL(msg.n_natoas, 2);
	CU_ASSERT_EQUAL(msg.natd_type, IKEV1_PL_NATD_DRAFT);
	for (i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(msg.ids[i].type, rt_ids[i].type);
		CU_ASSERT_EQUAL(msg.ids[i].proto, rt_ids[i].proto);
		CU_ASSERT_EQUAL(msg.ids[i].port, rt_ids[i].port);
		CU_ASSERT_TRUE(
		    blob_is(msg.ids[i].data, msg.ids[i].len, rt_ids[i].data, rt_ids[i].len));
		CU_ASSERT_EQUAL(msg.certs[i].encoding, rt_certs[i].encoding);
		CU_ASSERT_TRUE(blob_is(msg.certs[i].data, msg.certs[i].len, rt_certs[i].data,
		    rt_certs[i].len));
		CU_ASSERT_EQUAL(msg.crs[i].encoding, rt_crs[i].encoding);
		CU_ASSERT_EQUAL(msg.crs[i].len, rt_crs[i].len);
		if (rt_crs[i].len > 0)
			CU_ASSERT_TRUE(blob_is(msg.crs[i].data, msg.crs[i].len, rt_crs[i].data,
			    rt_crs[i].len));
		CU_ASSERT_EQUAL(msg.notifies[i].doi, rt_ns[i].doi);
		CU_ASSERT_EQUAL(msg.notifies[i].proto, rt_ns[i].proto);
		CU_ASSERT_EQUAL(msg.notifies[i].spi_size, rt_ns[i].spi_size);
		CU_ASSERT_EQUAL(msg.notifies[i].type, rt_ns[i].type);
		CU_ASSERT_EQUAL(msg.notifies[i].data_len, rt_ns[i].data_len);
		CU_ASSERT_EQUAL(msg.deletes[i].doi, rt_ds[i].doi);
		CU_ASSERT_EQUAL(msg.deletes[i].proto, rt_ds[i].proto);
		CU_ASSERT_EQUAL(msg.deletes[i].spi_size, rt_ds[i].spi_size);
		CU_ASSERT_EQUAL(msg.deletes[i].n_spis, rt_ds[i].n_spis);
		CU_ASSERT_TRUE(blob_is(msg.deletes[i].spis,
		    (size_t)msg.deletes[i].spi_size * msg.deletes[i].n_spis, rt_ds[i].spis,
		    (size_t)rt_ds[i].spi_size * rt_ds[i].n_spis));
		CU_ASSERT_TRUE(blob_is(msg.vids[i].p, msg.vids[i].len, filler + i, 8 + i));
		CU_ASSERT_TRUE(blob_is(msg.natds[i].p, msg.natds[i].len, filler + 2 * i, 20));
		CU_ASSERT_EQUAL(msg.natoas[i].id_type, rt_oas[i].id_type);
		CU_ASSERT_EQUAL(msg.natoas[i].addr_len, rt_oas[i].addr_len);
		CU_ASSERT_EQUAL(memcmp(msg.natoas[i].addr, rt_oas[i].addr, 16), 0);
	}
	CU_ASSERT_TRUE(blob_is(msg.notifies[0].spi, 4, spi_esp, 4));
	CU_ASSERT_TRUE(blob_is(msg.notifies[0].data, msg.notifies[0].data_len, n_data, 4));
	CU_ASSERT_TRUE_FATAL(msg.has_cfg);
	CU_ASSERT_EQUAL(msg.cfg.type, rt_cfg.type);
	CU_ASSERT_EQUAL(msg.cfg.identifier, rt_cfg.identifier);
	CU_ASSERT_EQUAL_FATAL(msg.cfg.n_attrs, rt_cfg.n_attrs);
	CU_ASSERT_TRUE(attrs_equal(msg.cfg.attrs, rt_cfg.attrs, rt_cfg.n_attrs));
	CU_ASSERT_TRUE_FATAL(msg.has_frag);
	CU_ASSERT_EQUAL(msg.frag.id, rt_frag.id);
	CU_ASSERT_EQUAL(msg.frag.num, rt_frag.num);
	CU_ASSERT_EQUAL(msg.frag.flags, rt_frag.flags);
	CU_ASSERT_TRUE(blob_is(msg.frag.data, msg.frag.len, rt_frag.data, rt_frag.len));
}

/* Parse, rebuild from the structs: the very same bytes (MM1, and the QM1 body). */
static void
test_ikev1_msg_rebuild_exact(void)
{
	static struct ikev1_sa sa;
	static uint8_t p[512];
	struct ike_buf b;
	unsigned int i;

	CU_ASSERT_EQUAL_FATAL(ikev1_msg_parse(mm1, sizeof(mm1), &msg), 0);
	sa = msg.sa;
	ike_payload_buf_init(&b, p, sizeof(p));
	ikev1_msg_build_hdr(&b, &msg.hdr);
	ikev1_msg_build_sa(&b, &sa);
	for (i = 0; i < msg.n_vids; i++)
		ikev1_msg_build_vid(&b, msg.vids[i].p, msg.vids[i].len);
	CU_ASSERT_EQUAL_FATAL(ikev1_msg_build_finish(&b), 0);
	CU_ASSERT_EQUAL_FATAL(b.len, sizeof(mm1));
	CU_ASSERT_EQUAL(memcmp(p, mm1, sizeof(mm1)), 0);

	/* A body apart from its header: the first type comes back in b.first. */
	CU_ASSERT_EQUAL_FATAL(parse_decrypted(IKEV1_EXCH_QUICK, 0x9d8e7f60, IKEV1_PL_HASH, qm1_body,
	                          sizeof(qm1_body), &msg),
	    0);
	sa = msg.sa;
	ike_payload_buf_init(&b, p, sizeof(p));
	ikev1_msg_build_hash(&b, msg.hash.p, msg.hash.len);
	ikev1_msg_build_sa(&b, &sa);
	ikev1_msg_build_nonce(&b, msg.nonce.p, msg.nonce.len);
	ikev1_msg_build_ke(&b, msg.ke.p, msg.ke.len);
	ikev1_msg_build_id(&b, &msg.ids[0]);
	ikev1_msg_build_id(&b, &msg.ids[1]);
	CU_ASSERT_EQUAL_FATAL(ikev1_msg_build_finish(&b), 0);
	CU_ASSERT_EQUAL(b.first, IKEV1_PL_HASH);
	CU_ASSERT_EQUAL_FATAL(b.len, QM1_CHAIN_LEN);
	CU_ASSERT_EQUAL(memcmp(p, qm1_body, QM1_CHAIN_LEN), 0);

	/* The informational delete and DPD bodies. */
	CU_ASSERT_EQUAL_FATAL(parse_decrypted(IKEV1_EXCH_INFORMATIONAL, 7, IKEV1_PL_HASH,
	                          info_del_body, sizeof(info_del_body), &msg),
	    0);
	ike_payload_buf_init(&b, p, sizeof(p));
	ikev1_msg_build_hash(&b, msg.hash.p, msg.hash.len);
	ikev1_msg_build_d(&b, &msg.deletes[0]);
	ikev1_msg_build_d(&b, &msg.deletes[1]);
	CU_ASSERT_EQUAL_FATAL(ikev1_msg_build_finish(&b), 0);
	CU_ASSERT_EQUAL_FATAL(b.len, 84);
	CU_ASSERT_EQUAL(memcmp(p, info_del_body, 84), 0);
	CU_ASSERT_EQUAL_FATAL(parse_decrypted(IKEV1_EXCH_INFORMATIONAL, 7, IKEV1_PL_HASH, dpd_body,
	                          sizeof(dpd_body), &msg),
	    0);
	ike_payload_buf_init(&b, p, sizeof(p));
	ikev1_msg_build_hash(&b, msg.hash.p, msg.hash.len);
	ikev1_msg_build_n(&b, &msg.notifies[0]);
	CU_ASSERT_EQUAL_FATAL(ikev1_msg_build_finish(&b), 0);
	CU_ASSERT_EQUAL_FATAL(b.len, 68);
	CU_ASSERT_EQUAL(memcmp(p, dpd_body, 68), 0);
}

/* Every capacity short of the whole message: -ENOSPC, nothing past cap. */
static void
test_ikev1_msg_build_overflow(void)
{
	static uint8_t p[4096 + 64];
	struct ike_buf b;
	size_t full, cap, i;
	bool guard_ok;
	int rc;

	rt_sa_init();
	rt_cfg_init();
	ike_payload_buf_init(&b, p, 4096);
	CU_ASSERT_EQUAL_FATAL(build_all(&b), 0);
	full = b.len;
	for (cap = 0; cap <= full; cap++) {
		memset(p, 0xa5, sizeof(p));
		ike_payload_buf_init(&b, p, cap);
		rc = build_all(&b);
		CU_ASSERT_EQUAL(rc, cap < full ? -ENOSPC : 0);
		CU_ASSERT(b.len <= cap);
		guard_ok = true;
		for (i = cap; i < cap + 64; i++)
			guard_ok = guard_ok && p[i] == 0xa5;
		if (!guard_ok) {
			fprintf(stderr, "\ncap %zu: written past it\n", cap);
			CU_FAIL("guard");
			break;
		}
	}
}

static void
test_ikev1_msg_build_invalid(void)
{
	static struct ikev1_sa sa;
	struct ikev1_notification n = { .spi_size = 17, .spi = filler };
	struct ikev1_natoa oa = { .id_type = IKEV1_ID_IPV4_ADDR, .addr_len = 16 };
	struct ikev1_cfg *cfg = &rt_cfg;
	uint8_t p[1024];
	struct ike_buf b;

	rt_sa_init();
	/* A proposal naming transforms beyond the array, an SPI over 16, no proposals. */
	sa = rt_sa;
	sa.proposals[2].n_transforms = 2;
	ike_payload_buf_init(&b, p, sizeof(p));
	CU_ASSERT_EQUAL(ikev1_msg_build_sa(&b, &sa), -EINVAL);
	sa = rt_sa;
	sa.transforms[3].n_attrs = 4;
	ike_payload_buf_init(&b, p, sizeof(p));
	CU_ASSERT_EQUAL(ikev1_msg_build_sa(&b, &sa), -EINVAL);
	sa = rt_sa;
	sa.proposals[0].spi_size = 17;
	sa.proposals[0].spi = filler;
	ike_payload_buf_init(&b, p, sizeof(p));
	CU_ASSERT_EQUAL(ikev1_msg_build_sa(&b, &sa), -EINVAL);
	sa = rt_sa;
	sa.n_proposals = 0;
	ike_payload_buf_init(&b, p, sizeof(p));
	CU_ASSERT_EQUAL(ikev1_msg_build_sa(&b, &sa), -EINVAL);
	sa = rt_sa;
	sa.attrs[0].u = 70000; /* TV over 16 bits */
	ike_payload_buf_init(&b, p, sizeof(p));
	CU_ASSERT_EQUAL(ikev1_msg_build_sa(&b, &sa), -EINVAL);
	ike_payload_buf_init(&b, p, sizeof(p));
	CU_ASSERT_EQUAL(ikev1_msg_build_n(&b, &n), -EINVAL);
	ike_payload_buf_init(&b, p, sizeof(p));
	CU_ASSERT_EQUAL(ikev1_msg_build_natoa(&b, IKEV1_PL_NATOA, &oa), -EINVAL);
	oa.addr_len = 4;
	ike_payload_buf_init(&b, p, sizeof(p));
	CU_ASSERT_EQUAL(ikev1_msg_build_natoa(&b, IKEV1_PL_NATD, &oa), -EINVAL);
	ike_payload_buf_init(&b, p, sizeof(p));
	CU_ASSERT_EQUAL(ikev1_msg_build_natd(&b, IKEV1_PL_NATOA, filler, 20), -EINVAL);
	rt_cfg_init();
	cfg->n_attrs = IKEV1_CFG_ATTRS_MAX + 1;
	ike_payload_buf_init(&b, p, sizeof(p));
	CU_ASSERT_EQUAL(ikev1_msg_build_cfg(&b, cfg), -EINVAL);
	rt_cfg_init();
	/* The first error sticks: later payloads are not written. */
	ike_payload_buf_init(&b, p, sizeof(p));
	ikev1_msg_build_natd(&b, 0, filler, 20);
	CU_ASSERT_EQUAL(ikev1_msg_build_vid(&b, filler, 4), -EINVAL);
	CU_ASSERT_EQUAL(b.len, 0);
	CU_ASSERT_EQUAL(ikev1_msg_build_finish(&b), -EINVAL);
}

static void
test_ikev1_msg_notify_name(void)
{
	CU_ASSERT_STRING_EQUAL(ikev1_msg_notify_name(IKEV1_N_INVALID_PAYLOAD_TYPE),
	    "INVALID-PAYLOAD-TYPE");
	CU_ASSERT_STRING_EQUAL(ikev1_msg_notify_name(IKEV1_N_BAD_PROPOSAL_SYNTAX),
	    "BAD-PROPOSAL-SYNTAX");
	CU_ASSERT_STRING_EQUAL(ikev1_msg_notify_name(IKEV1_N_UNEQUAL_PAYLOAD_LENGTHS),
	    "UNEQUAL-PAYLOAD-LENGTHS");
	CU_ASSERT_STRING_EQUAL(ikev1_msg_notify_name(IKEV1_N_INITIAL_CONTACT), "INITIAL-CONTACT");
	CU_ASSERT_STRING_EQUAL(ikev1_msg_notify_name(IKEV1_N_R_U_THERE_ACK), "R-U-THERE-ACK");
	CU_ASSERT_STRING_EQUAL(ikev1_msg_notify_name((enum ikev1_notify)31), "UNKNOWN");
	/* The IANA numbers the brief and RFC 2408 §3.14.1 give. */
	CU_ASSERT_EQUAL(IKEV1_N_PAYLOAD_MALFORMED, 16);
	CU_ASSERT_EQUAL(IKEV1_N_AUTHENTICATION_FAILED, 24);
	CU_ASSERT_EQUAL(IKEV1_N_R_U_THERE, 36136);
}

/*
 * IKEV1_MSG_CORPUS=dir writes the messages above as libFuzzer seeds for
 * tests/fuzz/fuzz_ikev1_msg: whole messages as they are; decrypted bodies
 * prefixed with their first payload type (the fuzzer's body format).
 */
static void
write_seed(const char *dir, const char *name, uint8_t first, const uint8_t *p, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL) {
		perror(path);
		return;
	}
	if (first != 0)
		fputc(first, f);
	fwrite(p, 1, len, f);
	fclose(f);
}

static void
write_corpus(const char *dir)
{
	static uint8_t p[4096];
	struct ike_buf b;

	write_seed(dir, "mm1.bin", 0, mm1, sizeof(mm1));
	write_seed(dir, "mm3.bin", 0, mm3, sizeof(mm3));
	write_seed(dir, "mm5_encrypted.bin", 0, mm5_enc, sizeof(mm5_enc));
	write_seed(dir, "qm1_encrypted.bin", 0, qm1_hdr, sizeof(qm1_hdr));
	write_seed(dir, "body_mm5.bin", IKEV1_PL_ID, mm5_body, sizeof(mm5_body));
	write_seed(dir, "body_qm1.bin", IKEV1_PL_HASH, qm1_body, sizeof(qm1_body));
	write_seed(dir, "body_info_delete.bin", IKEV1_PL_HASH, info_del_body,
	    sizeof(info_del_body));
	write_seed(dir, "body_dpd.bin", IKEV1_PL_HASH, dpd_body, sizeof(dpd_body));
	rt_sa_init();
	rt_cfg_init();
	ike_payload_buf_init(&b, p, sizeof(p));
	if (build_all(&b) == 0)
		write_seed(dir, "all_builders.bin", 0, p, b.len);
}

int main(void);

int
main(void)
{
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{ "test_ikev1_msg_parse_mm1", test_ikev1_msg_parse_mm1 },
		{ "test_ikev1_msg_parse_mm3", test_ikev1_msg_parse_mm3 },
		{ "test_ikev1_msg_parse_encrypted", test_ikev1_msg_parse_encrypted },
		{ "test_ikev1_msg_parse_qm1", test_ikev1_msg_parse_qm1 },
		{ "test_ikev1_msg_parse_delete", test_ikev1_msg_parse_delete },
		{ "test_ikev1_msg_parse_dpd", test_ikev1_msg_parse_dpd },
		{ "test_ikev1_msg_malformed_table", test_ikev1_msg_malformed_table },
		{ "test_ikev1_msg_malformed_built", test_ikev1_msg_malformed_built },
		{ "test_ikev1_msg_round_trip", test_ikev1_msg_round_trip },
		{ "test_ikev1_msg_rebuild_exact", test_ikev1_msg_rebuild_exact },
		{ "test_ikev1_msg_build_overflow", test_ikev1_msg_build_overflow },
		{ "test_ikev1_msg_build_invalid", test_ikev1_msg_build_invalid },
		{ "test_ikev1_msg_notify_name", test_ikev1_msg_notify_name },
	};
	const char *corpus = getenv("IKEV1_MSG_CORPUS");
	CU_pSuite s;
	unsigned int fails;
	size_t i;

	if (corpus != NULL && corpus[0] != '\0')
		write_corpus(corpus);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("ikev1_msg", NULL, NULL);
	for (i = 0; i < DIM(tests); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return fails == 0 ? 0 : 1;
}
