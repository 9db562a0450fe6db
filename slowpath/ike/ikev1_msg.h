/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ikev1_msg.h: IKEv1 (ISAKMP, RFC 2408/2407/2409) messages: parse into plain structs, build back. */
#ifndef FASTIPSEC_IKEV1_MSG_H
#define FASTIPSEC_IKEV1_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/limits.h"
#include "slowpath/ike/ike_payload.h"

/*
 * The IKEv1 message layer (STYLE.md rule 2): bytes to struct ikev1_msg and
 * payload structs back to bytes.  No SA state, no crypto, no logging: a
 * parse failure leaves the RFC 2408 §3.14.1 notify to answer with in
 * m->error and the payload type it was found in, for the caller to log and
 * answer.  Parsed payloads point into the caller's buffer, which must
 * outlive the struct.
 */

#define IKEV1_MAJOR 1 /* RFC 2408 §3.1 */
#define IKEV1_MINOR 0

/* Header flags (RFC 2408 §3.1). */
#define IKEV1_FLAG_ENCRYPTION 0x01
#define IKEV1_FLAG_COMMIT     0x02
#define IKEV1_FLAG_AUTH_ONLY  0x04
#define IKEV1_FLAGS_ALL       0x07

/* Exchange types (RFC 2408 §3.1, RFC 2409 §5, draft-ietf-ipsec-isakmp-mode-cfg). */
#define IKEV1_EXCH_BASE          1
#define IKEV1_EXCH_ID_PROT       2 /* main mode */
#define IKEV1_EXCH_AUTH_ONLY     3
#define IKEV1_EXCH_AGGRESSIVE    4
#define IKEV1_EXCH_INFORMATIONAL 5
#define IKEV1_EXCH_TRANSACTION   6 /* mode-config / XAUTH */
#define IKEV1_EXCH_QUICK         32
#define IKEV1_EXCH_NEW_GROUP     33

/* Payload types (RFC 2408 §3.1, RFC 3947 §3.1/§5.1, strongSwan's draft and private values). */
#define IKEV1_PL_NONE        0
#define IKEV1_PL_SA          1
#define IKEV1_PL_P           2 /* proposal: only inside SA */
#define IKEV1_PL_T           3 /* transform: only inside a proposal */
#define IKEV1_PL_KE          4
#define IKEV1_PL_ID          5
#define IKEV1_PL_CERT        6
#define IKEV1_PL_CR          7
#define IKEV1_PL_HASH        8
#define IKEV1_PL_SIG         9
#define IKEV1_PL_NONCE       10
#define IKEV1_PL_N           11
#define IKEV1_PL_D           12
#define IKEV1_PL_VID         13
#define IKEV1_PL_ATTR        14 /* mode-config / XAUTH attribute payload */
#define IKEV1_PL_NATD        20 /* RFC 3947 */
#define IKEV1_PL_NATOA       21
#define IKEV1_PL_NATD_DRAFT  130 /* draft-ietf-ipsec-nat-t-ike-00..03 */
#define IKEV1_PL_NATOA_DRAFT 131
#define IKEV1_PL_FRAG        132 /* IKEv1 fragmentation (strongSwan, Cisco): private use */

/* Domain of interpretation and situation (RFC 2408 §2.1, RFC 2407 §4.2/§4.6.1). */
#define IKEV1_DOI_ISAKMP        0
#define IKEV1_DOI_IPSEC         1
#define IKEV1_SIT_IDENTITY_ONLY 0x01
#define IKEV1_SIT_SECRECY       0x02
#define IKEV1_SIT_INTEGRITY     0x04

/* Protocol ids (RFC 2407 §4.4.1). */
#define IKEV1_PROTO_ISAKMP    1
#define IKEV1_PROTO_IPSEC_AH  2
#define IKEV1_PROTO_IPSEC_ESP 3
#define IKEV1_PROTO_IPCOMP    4

#define IKEV1_SPI_MAX        16 /* RFC 2408 §3.5: ISAKMP SPI sizes 0..16 */
#define IKEV1_ISAKMP_SPI_LEN 16 /* both cookies */
#define IKEV1_IPSEC_SPI_LEN  4

/* ISAKMP transform id (RFC 2407 §4.4.2). */
#define IKEV1_KEY_IKE 1

/* AH transform ids (RFC 2407 §4.4.3, IANA). */
#define IKEV1_AH_MD5      2
#define IKEV1_AH_SHA      3
#define IKEV1_AH_SHA2_256 5
#define IKEV1_AH_SHA2_384 6
#define IKEV1_AH_SHA2_512 7

/* ESP transform ids (RFC 2407 §4.4.4, IANA "IPsec ESP transform identifiers"). */
#define IKEV1_ESP_DES                2
#define IKEV1_ESP_3DES               3
#define IKEV1_ESP_NULL               11
#define IKEV1_ESP_AES_CBC            12
#define IKEV1_ESP_AES_CTR            13
#define IKEV1_ESP_AES_CCM_8          14
#define IKEV1_ESP_AES_CCM_12         15
#define IKEV1_ESP_AES_CCM_16         16
#define IKEV1_ESP_AES_GCM_8          18
#define IKEV1_ESP_AES_GCM_12         19
#define IKEV1_ESP_AES_GCM_16         20
#define IKEV1_ESP_NULL_AUTH_AES_GMAC 23

/* IPCOMP transform ids (RFC 2407 §4.4.5). */
#define IKEV1_IPCOMP_OUI     1
#define IKEV1_IPCOMP_DEFLATE 2
#define IKEV1_IPCOMP_LZS     3

/* Phase 1 (ISAKMP SA) attribute classes and values (RFC 2409 Appendix A). */
#define IKEV1_ATTR_ENCR          1
#define IKEV1_ATTR_HASH          2
#define IKEV1_ATTR_AUTH_METHOD   3
#define IKEV1_ATTR_GROUP         4
#define IKEV1_ATTR_GROUP_TYPE    5
#define IKEV1_ATTR_LIFE_TYPE     11
#define IKEV1_ATTR_LIFE_DURATION 12
#define IKEV1_ATTR_PRF           13
#define IKEV1_ATTR_KEY_LENGTH    14

#define IKEV1_ENCR_DES_CBC      1
#define IKEV1_ENCR_IDEA_CBC     2
#define IKEV1_ENCR_BLOWFISH_CBC 3
#define IKEV1_ENCR_RC5          4
#define IKEV1_ENCR_3DES_CBC     5
#define IKEV1_ENCR_CAST_CBC     6
#define IKEV1_ENCR_AES_CBC      7 /* RFC 3602 */
#define IKEV1_ENCR_CAMELLIA_CBC 8 /* RFC 4312 */

#define IKEV1_HASH_MD5      1
#define IKEV1_HASH_SHA1     2
#define IKEV1_HASH_TIGER    3
#define IKEV1_HASH_SHA2_256 4 /* RFC 4868 */
#define IKEV1_HASH_SHA2_384 5
#define IKEV1_HASH_SHA2_512 6

#define IKEV1_AUTH_PSK         1
#define IKEV1_AUTH_DSS_SIG     2
#define IKEV1_AUTH_RSA_SIG     3
#define IKEV1_AUTH_RSA_ENC     4
#define IKEV1_AUTH_RSA_ENC_REV 5
#define IKEV1_AUTH_ECDSA_256   9 /* RFC 4754 */
#define IKEV1_AUTH_ECDSA_384   10
#define IKEV1_AUTH_ECDSA_521   11
/* Hybrid (draft-ietf-ipsec-isakmp-hybrid-auth) and XAUTH
 * (draft-ietf-ipsec-isakmp-xauth) private-use values, as strongSwan uses them. */
#define IKEV1_AUTH_HYBRID_INIT_RSA        64221
#define IKEV1_AUTH_HYBRID_RESP_RSA        64222
#define IKEV1_AUTH_HYBRID_INIT_DSS        64223
#define IKEV1_AUTH_HYBRID_RESP_DSS        64224
#define IKEV1_AUTH_XAUTH_INIT_PSK         65001
#define IKEV1_AUTH_XAUTH_RESP_PSK         65002
#define IKEV1_AUTH_XAUTH_INIT_DSS         65003
#define IKEV1_AUTH_XAUTH_RESP_DSS         65004
#define IKEV1_AUTH_XAUTH_INIT_RSA         65005
#define IKEV1_AUTH_XAUTH_RESP_RSA         65006
#define IKEV1_AUTH_XAUTH_INIT_RSA_ENC     65007
#define IKEV1_AUTH_XAUTH_RESP_RSA_ENC     65008
#define IKEV1_AUTH_XAUTH_INIT_RSA_ENC_REV 65009
#define IKEV1_AUTH_XAUTH_RESP_RSA_ENC_REV 65010

/* Groups (RFC 2409 §6, RFC 3526, RFC 5903, RFC 5114). */
#define IKEV1_GROUP_MODP768  1
#define IKEV1_GROUP_MODP1024 2
#define IKEV1_GROUP_MODP1536 5
#define IKEV1_GROUP_MODP2048 14
#define IKEV1_GROUP_MODP3072 15
#define IKEV1_GROUP_MODP4096 16
#define IKEV1_GROUP_MODP6144 17
#define IKEV1_GROUP_MODP8192 18
#define IKEV1_GROUP_ECP256   19
#define IKEV1_GROUP_ECP384   20
#define IKEV1_GROUP_ECP521   21

#define IKEV1_LIFE_SECONDS   1
#define IKEV1_LIFE_KILOBYTES 2

/* IPsec DOI SA attributes (RFC 2407 §4.5, RFC 4304, RFC 3947 §5.1). */
#define IKEV1_IPSEC_ATTR_LIFE_TYPE     1
#define IKEV1_IPSEC_ATTR_LIFE_DURATION 2
#define IKEV1_IPSEC_ATTR_GROUP         3
#define IKEV1_IPSEC_ATTR_ENCAP_MODE    4
#define IKEV1_IPSEC_ATTR_AUTH_ALG      5
#define IKEV1_IPSEC_ATTR_KEY_LENGTH    6
#define IKEV1_IPSEC_ATTR_KEY_ROUNDS    7
#define IKEV1_IPSEC_ATTR_ECN_TUNNEL    10 /* RFC 3168 §9.2.1 */
#define IKEV1_IPSEC_ATTR_ESN           11 /* RFC 4304 §2 */

#define IKEV1_ENCAP_TUNNEL              1
#define IKEV1_ENCAP_TRANSPORT           2
#define IKEV1_ENCAP_UDP_TUNNEL          3 /* RFC 3947 */
#define IKEV1_ENCAP_UDP_TRANSPORT       4
#define IKEV1_ENCAP_UDP_TUNNEL_DRAFT    61443 /* draft-ietf-ipsec-nat-t-ike-00..03 */
#define IKEV1_ENCAP_UDP_TRANSPORT_DRAFT 61444

#define IKEV1_AUTH_ALG_HMAC_MD5      1
#define IKEV1_AUTH_ALG_HMAC_SHA1     2
#define IKEV1_AUTH_ALG_HMAC_SHA2_256 5 /* RFC 4868 */
#define IKEV1_AUTH_ALG_HMAC_SHA2_384 6
#define IKEV1_AUTH_ALG_HMAC_SHA2_512 7
#define IKEV1_AUTH_ALG_AES_XCBC      9
#define IKEV1_AUTH_ALG_AES_128_GMAC  11 /* RFC 4543 */

#define IKEV1_ESN_ALLOWED 1 /* RFC 4304 */

/* Identification types (RFC 2407 §4.6.2.1). */
#define IKEV1_ID_IPV4_ADDR        1
#define IKEV1_ID_FQDN             2
#define IKEV1_ID_USER_FQDN        3
#define IKEV1_ID_IPV4_ADDR_SUBNET 4
#define IKEV1_ID_IPV6_ADDR        5
#define IKEV1_ID_IPV6_ADDR_SUBNET 6
#define IKEV1_ID_IPV4_ADDR_RANGE  7
#define IKEV1_ID_IPV6_ADDR_RANGE  8
#define IKEV1_ID_DER_ASN1_DN      9
#define IKEV1_ID_DER_ASN1_GN      10
#define IKEV1_ID_KEY_ID           11

/* Certificate encodings (RFC 2408 §3.9). */
#define IKEV1_CERT_PKCS7     1
#define IKEV1_CERT_PGP       2
#define IKEV1_CERT_DNS_KEY   3
#define IKEV1_CERT_X509_SIG  4
#define IKEV1_CERT_X509_KE   5
#define IKEV1_CERT_KERBEROS  6
#define IKEV1_CERT_CRL       7
#define IKEV1_CERT_ARL       8
#define IKEV1_CERT_SPKI      9
#define IKEV1_CERT_X509_ATTR 10

/* Mode-config message types and attributes (draft-ietf-ipsec-isakmp-mode-cfg-05 §3.2/§3.3,
 * draft-ietf-ipsec-isakmp-xauth-06 §6.2). */
#define IKEV1_CFG_REQUEST 1
#define IKEV1_CFG_REPLY   2
#define IKEV1_CFG_SET     3
#define IKEV1_CFG_ACK     4

#define IKEV1_CFG_INTERNAL_IP4_ADDRESS 1
#define IKEV1_CFG_INTERNAL_IP4_NETMASK 2
#define IKEV1_CFG_INTERNAL_IP4_DNS     3
#define IKEV1_CFG_INTERNAL_IP4_NBNS    4
#define IKEV1_CFG_INTERNAL_ADDR_EXPIRY 5
#define IKEV1_CFG_INTERNAL_IP4_DHCP    6
#define IKEV1_CFG_APPLICATION_VERSION  7
#define IKEV1_CFG_INTERNAL_IP6_ADDRESS 8
#define IKEV1_CFG_INTERNAL_IP6_NETMASK 9
#define IKEV1_CFG_INTERNAL_IP6_DNS     10
#define IKEV1_CFG_INTERNAL_IP6_NBNS    11
#define IKEV1_CFG_INTERNAL_IP6_DHCP    12
#define IKEV1_CFG_INTERNAL_IP4_SUBNET  13
#define IKEV1_CFG_SUPPORTED_ATTRIBUTES 14
#define IKEV1_CFG_INTERNAL_IP6_SUBNET  15

#define IKEV1_XAUTH_TYPE          16520
#define IKEV1_XAUTH_USER_NAME     16521
#define IKEV1_XAUTH_USER_PASSWORD 16522
#define IKEV1_XAUTH_PASSCODE      16523
#define IKEV1_XAUTH_MESSAGE       16524
#define IKEV1_XAUTH_CHALLENGE     16525
#define IKEV1_XAUTH_DOMAIN        16526
#define IKEV1_XAUTH_STATUS        16527
#define IKEV1_XAUTH_NEXT_PIN      16528
#define IKEV1_XAUTH_ANSWER        16529

#define IKEV1_FRAG_LAST 0x01 /* fragment payload flags: the last fragment */

#define IKEV1_NONCE_MIN   8 /* RFC 2409 §5: nonce payload data 8..256 bytes */
#define IKEV1_NONCE_MAX   256
#define IKEV1_DPD_SEQ_LEN 4 /* RFC 3706 §7: R-U-THERE data is a 32-bit sequence number */

/*
 * Notify message types (RFC 2408 §3.14.1, RFC 2407 §4.6.3, RFC 3706 §7).
 * Errors 1..16383, status 16384..; IKEV1_N_NONE (0) means "no error".
 */
enum ikev1_notify {
	IKEV1_N_NONE = 0,
	IKEV1_N_INVALID_PAYLOAD_TYPE = 1,
	IKEV1_N_DOI_NOT_SUPPORTED = 2,
	IKEV1_N_SITUATION_NOT_SUPPORTED = 3,
	IKEV1_N_INVALID_COOKIE = 4,
	IKEV1_N_INVALID_MAJOR_VERSION = 5,
	IKEV1_N_INVALID_MINOR_VERSION = 6,
	IKEV1_N_INVALID_EXCHANGE_TYPE = 7,
	IKEV1_N_INVALID_FLAGS = 8,
	IKEV1_N_INVALID_MESSAGE_ID = 9,
	IKEV1_N_INVALID_PROTOCOL_ID = 10,
	IKEV1_N_INVALID_SPI = 11,
	IKEV1_N_INVALID_TRANSFORM_ID = 12,
	IKEV1_N_ATTRIBUTES_NOT_SUPPORTED = 13,
	IKEV1_N_NO_PROPOSAL_CHOSEN = 14,
	IKEV1_N_BAD_PROPOSAL_SYNTAX = 15,
	IKEV1_N_PAYLOAD_MALFORMED = 16,
	IKEV1_N_INVALID_KEY_INFORMATION = 17,
	IKEV1_N_INVALID_ID_INFORMATION = 18,
	IKEV1_N_INVALID_CERT_ENCODING = 19,
	IKEV1_N_INVALID_CERTIFICATE = 20,
	IKEV1_N_CERT_TYPE_UNSUPPORTED = 21,
	IKEV1_N_INVALID_CERT_AUTHORITY = 22,
	IKEV1_N_INVALID_HASH_INFORMATION = 23,
	IKEV1_N_AUTHENTICATION_FAILED = 24,
	IKEV1_N_INVALID_SIGNATURE = 25,
	IKEV1_N_ADDRESS_NOTIFICATION = 26,
	IKEV1_N_NOTIFY_SA_LIFETIME = 27,
	IKEV1_N_CERTIFICATE_UNAVAILABLE = 28,
	IKEV1_N_UNSUPPORTED_EXCHANGE_TYPE = 29,
	IKEV1_N_UNEQUAL_PAYLOAD_LENGTHS = 30,
	IKEV1_N_CONNECTED = 16384,
	IKEV1_N_RESPONDER_LIFETIME = 24576,
	IKEV1_N_REPLAY_STATUS = 24577,
	IKEV1_N_INITIAL_CONTACT = 24578,
	IKEV1_N_R_U_THERE = 36136,
	IKEV1_N_R_U_THERE_ACK = 36137,
};

/* A byte string inside the message (or, when building, the caller's). */
struct ikev1_blob {
	const uint8_t *p;
	size_t len;
};

/*
 * SA payload (RFC 2408 §3.4-§3.6, RFC 2407 §4.6.1).  Proposals, transforms
 * and attributes are flat arrays; a proposal names its transforms and a
 * transform its attributes by first index and count.  Proposals with the
 * same number are one AND-ed proposal (e.g. AH + ESP, RFC 2408 §4.2); the
 * numbers are kept for the caller to group.
 */
struct ikev1_transform {
	uint8_t num;
	uint8_t id;
	uint16_t attr_first; /* index in ikev1_sa.attrs */
	uint16_t n_attrs;
};

struct ikev1_proposal {
	uint8_t num;
	uint8_t proto;      /* IKEV1_PROTO_* */
	uint8_t spi_size;   /* 0..16 */
	const uint8_t *spi; /* spi_size bytes */
	uint16_t t_first;   /* index in ikev1_sa.transforms */
	uint16_t n_transforms;
};

struct ikev1_sa {
	uint32_t doi;
	uint32_t situation;
	const uint8_t *body; /* the SA payload body as sent (SAi_b, RFC 2409 §5) */
	size_t body_len;
	uint16_t n_proposals;
	uint16_t n_transforms;
	uint16_t n_attrs;
	struct ikev1_proposal proposals[IKEV1_PROPOSALS_MAX];
	struct ikev1_transform transforms[IKEV1_TRANSFORMS_MAX];
	struct ike_attr attrs[IKEV1_SA_ATTRS_MAX];
};

/* ID payload (RFC 2408 §3.8, RFC 2407 §4.6.2). */
struct ikev1_id {
	uint8_t type;  /* IKEV1_ID_* */
	uint8_t proto; /* IP protocol, 0 for any */
	uint16_t port;
	const uint8_t *data;
	size_t len;
};

/* CERT (RFC 2408 §3.9) and CR (§3.10): encoding / type and data (CR: the CA, may be empty). */
struct ikev1_cert {
	uint8_t encoding;
	const uint8_t *data;
	size_t len;
};

/* Notification payload (RFC 2408 §3.14). */
struct ikev1_notification {
	uint32_t doi;
	uint8_t proto;
	uint8_t spi_size;
	uint16_t type; /* enum ikev1_notify */
	const uint8_t *spi;
	const uint8_t *data;
	size_t data_len;
};

/* Delete payload (RFC 2408 §3.15): n_spis SPIs of spi_size bytes each, back to back. */
struct ikev1_delete {
	uint32_t doi;
	uint8_t proto;
	uint8_t spi_size;
	uint16_t n_spis;
	const uint8_t *spis;
};

/* NAT-OA (RFC 3947 §5.2): the original address, IKEV1_ID_IPV4_ADDR or IKEV1_ID_IPV6_ADDR. */
struct ikev1_natoa {
	uint8_t id_type;
	uint8_t addr[16];
	uint8_t addr_len; /* 4 or 16 */
};

/* Attribute payload (draft-ietf-ipsec-isakmp-mode-cfg-05 §3.2): mode-config and XAUTH. */
struct ikev1_cfg {
	uint8_t type; /* IKEV1_CFG_REQUEST .. ACK */
	uint16_t identifier;
	uint16_t n_attrs;
	struct ike_attr attrs[IKEV1_CFG_ATTRS_MAX];
};

/* IKEv1 fragment payload (strongSwan / Cisco private payload 132). */
struct ikev1_frag {
	uint16_t id;
	uint8_t num;   /* 1.. */
	uint8_t flags; /* IKEV1_FRAG_LAST */
	const uint8_t *data;
	size_t len;
};

/* Where each payload of the chain was: for the HASH(1..3) of quick mode and logs. */
struct ikev1_pl_ref {
	uint8_t type;
	uint8_t idx;  /* index in its array in struct ikev1_msg (0 for single payloads) */
	uint16_t len; /* with the generic header */
	uint32_t off; /* of the generic header, from ikev1_msg.body */
};

struct ikev1_msg {
	struct ike_hdr hdr;
	enum ikev1_notify error; /* why the parse failed, IKEV1_N_NONE when it did not */
	uint8_t error_payload;   /* the payload type it failed in, 0 for the header or chain */

	/* E flag set and the body not parsed yet: the ciphertext. */
	bool encrypted;
	const uint8_t *body; /* payload chain start (after the header / the decrypted body) */
	size_t body_len;     /* bytes of the chain, padding excluded */

	uint16_t n_payloads;
	struct ikev1_pl_ref payloads[IKE_PAYLOADS_MAX];

	bool has_sa;
	struct ikev1_sa sa;
	struct ikev1_blob ke, nonce, hash, sig; /* p == NULL when absent */
	uint8_t n_ids;                          /* quick mode: IDci, IDcr */
	struct ikev1_id ids[2];
	uint8_t n_certs;
	struct ikev1_cert certs[IKEV1_CERTS_MAX];
	uint8_t n_crs;
	struct ikev1_cert crs[IKEV1_CRS_MAX];
	uint8_t n_notifies;
	struct ikev1_notification notifies[IKEV1_NOTIFIES_MAX];
	uint8_t n_deletes;
	struct ikev1_delete deletes[IKEV1_DELETES_MAX];
	uint8_t n_vids;
	struct ikev1_blob vids[IKEV1_VIDS_MAX];
	uint8_t natd_type; /* IKEV1_PL_NATD or IKEV1_PL_NATD_DRAFT, as the peer sent */
	uint8_t n_natds;
	struct ikev1_blob natds[IKEV1_NATD_MAX];
	uint8_t n_natoas; /* NAT-OAi, NAT-OAr */
	struct ikev1_natoa natoas[2];
	bool has_cfg;
	struct ikev1_cfg cfg;
	bool has_frag;
	struct ikev1_frag frag;
};

/*
 * Parse a whole datagram.  Checks (RFC 2408 §5.1-§5.2): header length,
 * major version 1 and minor 0, flags, exchange type, cookies, message id
 * of phase 1 (0) and quick mode (non-zero); then, unless the header's
 * encryption flag is set, the payload chain with every payload.  With the
 * flag set only the header is parsed: m->encrypted, m->body/body_len hold
 * the ciphertext for the caller to decrypt and hand to
 * ikev1_msg_parse_body().
 *
 * Returns 0; -EBADMSG with m->error (the notify to answer with, RFC 2408
 * §3.14.1) and m->error_payload set; or -E2BIG when a limit of
 * common/limits.h is exceeded (m->error PAYLOAD-MALFORMED).
 */
int ikev1_msg_parse(const uint8_t *p, size_t len, struct ikev1_msg *m);

/*
 * Parse a decrypted body of @len bytes into @m, keeping m->hdr (from an
 * earlier ikev1_msg_parse()): the chain starts with hdr.next_payload and
 * padding may follow its last payload (RFC 2408 §3.5 / §5.3).  The
 * plaintext must outlive @m.  Returns as ikev1_msg_parse().
 */
int ikev1_msg_parse_body(struct ikev1_msg *m, const uint8_t *p, size_t len);

/* RFC 3706 §7: the sequence number of an R-U-THERE / R-U-THERE-ACK notify
 * (ISAKMP SPI of 16 bytes, 4 bytes of data).  0 or -EBADMSG. */
int ikev1_msg_dpd_parse(const struct ikev1_notification *n, uint32_t *seq);

/* "INVALID-PAYLOAD-TYPE", ... for logs; "UNKNOWN" for values not listed. */
const char *ikev1_msg_notify_name(enum ikev1_notify n);

/*
 * Builders.  Each appends one payload to @b (framed with
 * ike_payload_begin/end, so the previous payload's Next Payload is
 * patched) and returns b->err so far; errors are sticky, check once with
 * ikev1_msg_build_finish().  -EINVAL for structs the encoding cannot carry
 * (an index out of range, a TV value over 16 bits, an SPI over 16 bytes).
 * A message is: ikev1_msg_build_hdr(), payloads, ikev1_msg_build_finish().
 * An encrypted body is built in its own buffer without a header: its first
 * payload type is then b->first, for the header's Next Payload.
 */
int ikev1_msg_build_hdr(struct ike_buf *b, const struct ike_hdr *h);
int ikev1_msg_build_sa(struct ike_buf *b, const struct ikev1_sa *sa);
int ikev1_msg_build_ke(struct ike_buf *b, const uint8_t *p, size_t len);
int ikev1_msg_build_nonce(struct ike_buf *b, const uint8_t *p, size_t len);
int ikev1_msg_build_hash(struct ike_buf *b, const uint8_t *p, size_t len);
int ikev1_msg_build_sig(struct ike_buf *b, const uint8_t *p, size_t len);
int ikev1_msg_build_vid(struct ike_buf *b, const uint8_t *p, size_t len);
/* @type: IKEV1_PL_NATD (RFC 3947) or IKEV1_PL_NATD_DRAFT, as negotiated. */
int ikev1_msg_build_natd(struct ike_buf *b, uint8_t type, const uint8_t *p, size_t len);
/* @type: IKEV1_PL_NATOA or IKEV1_PL_NATOA_DRAFT. */
int ikev1_msg_build_natoa(struct ike_buf *b, uint8_t type, const struct ikev1_natoa *oa);
int ikev1_msg_build_id(struct ike_buf *b, const struct ikev1_id *id);
int ikev1_msg_build_cert(struct ike_buf *b, const struct ikev1_cert *c);
int ikev1_msg_build_cr(struct ike_buf *b, const struct ikev1_cert *c);
int ikev1_msg_build_n(struct ike_buf *b, const struct ikev1_notification *n);
int ikev1_msg_build_d(struct ike_buf *b, const struct ikev1_delete *d);
int ikev1_msg_build_cfg(struct ike_buf *b, const struct ikev1_cfg *c);
int ikev1_msg_build_frag(struct ike_buf *b, const struct ikev1_frag *f);
/* Patch the header length; 0 or the sticky -errno. */
int ikev1_msg_build_finish(struct ike_buf *b);

#endif
