/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ikev2_msg.h: IKEv2 (RFC 7296) messages: parse into plain structs, build back. */
#ifndef FASTIPSEC_IKEV2_MSG_H
#define FASTIPSEC_IKEV2_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/limits.h"
#include "slowpath/ike/ike_payload.h"

/*
 * The IKEv2 message layer (STYLE.md rule 2): bytes to struct ikev2_msg and
 * payload structs back to bytes.  No SA state, no crypto, no logging.  A
 * parse failure says in m->error which notify the state machine may answer
 * with (IKEV2_N_NONE: drop silently) and in m->error_payload the payload
 * type it was found in.  Parsed payloads point into the caller's buffer,
 * which must outlive the struct.  The Encrypted payload (SK) and Encrypted
 * Fragment payload (SKF) are kept as byte ranges for ikev2_crypt.c.
 */

#define IKEV2_MAJOR 2 /* RFC 7296 §3.1 */
#define IKEV2_MINOR 0

/* Limits of the parsed forms (shared with ikev2_prop.c and ikev2_auth.c). */
#define IKEV2_TRANSFORMS_MAX 32 /* transforms in one proposal */
#define IKEV2_PROPOSALS_MAX  16 /* proposals in one SA payload */
#define IKEV2_TS_MAX         16 /* traffic selectors in one TS payload */

/* Header flags (RFC 7296 §3.1). */
#define IKEV2_FLAG_I 0x08 /* sent by the original initiator of the IKE SA */
#define IKEV2_FLAG_V 0x10 /* higher major version supported */
#define IKEV2_FLAG_R 0x20 /* a response */

/* Exchange types (RFC 7296 §3.1, RFC 9242). */
#define IKEV2_EXCH_IKE_SA_INIT      34
#define IKEV2_EXCH_IKE_AUTH         35
#define IKEV2_EXCH_CREATE_CHILD_SA  36
#define IKEV2_EXCH_INFORMATIONAL    37
#define IKEV2_EXCH_IKE_INTERMEDIATE 43

/* Payload types (RFC 7296 §3.2, RFC 7383 §2.5). */
#define IKEV2_PL_NONE    0
#define IKEV2_PL_SA      33
#define IKEV2_PL_KE      34
#define IKEV2_PL_IDI     35
#define IKEV2_PL_IDR     36
#define IKEV2_PL_CERT    37
#define IKEV2_PL_CERTREQ 38
#define IKEV2_PL_AUTH    39
#define IKEV2_PL_NONCE   40
#define IKEV2_PL_NOTIFY  41
#define IKEV2_PL_DELETE  42
#define IKEV2_PL_VID     43
#define IKEV2_PL_TSI     44
#define IKEV2_PL_TSR     45
#define IKEV2_PL_SK      46
#define IKEV2_PL_CP      47
#define IKEV2_PL_EAP     48
#define IKEV2_PL_SKF     53

/* Substructures of the SA payload (RFC 7296 §3.3.1, §3.3.2): last-substructure values. */
#define IKEV2_SUB_LAST      0
#define IKEV2_SUB_PROPOSAL  2
#define IKEV2_SUB_TRANSFORM 3

/* Protocol ids (RFC 7296 §3.3.1). */
#define IKEV2_PROTO_IKE 1
#define IKEV2_PROTO_AH  2
#define IKEV2_PROTO_ESP 3

/* Transform types (RFC 7296 §3.3.2). */
#define IKEV2_TRANS_ENCR  1
#define IKEV2_TRANS_PRF   2
#define IKEV2_TRANS_INTEG 3
#define IKEV2_TRANS_DH    4 /* "Key Exchange Method" since RFC 9370 */
#define IKEV2_TRANS_ESN   5

#define IKEV2_ATTR_KEY_LENGTH 14 /* the only transform attribute (RFC 7296 §3.3.5), TV */

/* ID types (RFC 7296 §3.5). */
#define IKEV2_ID_IPV4_ADDR   1
#define IKEV2_ID_FQDN        2
#define IKEV2_ID_RFC822_ADDR 3
#define IKEV2_ID_IPV6_ADDR   5
#define IKEV2_ID_DER_ASN1_DN 9
#define IKEV2_ID_DER_ASN1_GN 10
#define IKEV2_ID_KEY_ID      11

/* Certificate encodings (RFC 7296 §3.6). */
#define IKEV2_CERT_X509_SIG      4
#define IKEV2_CERT_CRL           7
#define IKEV2_CERT_HASH_URL_X509 12

/* Authentication methods (RFC 7296 §3.8, RFC 4754, RFC 7427). */
#define IKEV2_AUTH_RSA_SIG     1
#define IKEV2_AUTH_PSK         2
#define IKEV2_AUTH_DSS_SIG     3
#define IKEV2_AUTH_ECDSA_256   9
#define IKEV2_AUTH_ECDSA_384   10
#define IKEV2_AUTH_ECDSA_521   11
#define IKEV2_AUTH_DIGITAL_SIG 14

/* Traffic selector types (RFC 7296 §3.13.1). */
#define IKEV2_TS_IPV4_ADDR_RANGE 7
#define IKEV2_TS_IPV6_ADDR_RANGE 8

/* Configuration payload types (RFC 7296 §3.15). */
#define IKEV2_CFG_REQUEST 1
#define IKEV2_CFG_REPLY   2
#define IKEV2_CFG_SET     3
#define IKEV2_CFG_ACK     4

#define IKEV2_NONCE_MIN 16 /* RFC 7296 §3.9 */
#define IKEV2_NONCE_MAX 256

/*
 * Notify message types (RFC 7296 §3.10.1 and the IANA registry).  Errors
 * are 1..16383, status types 16384..; IKEV2_N_NONE (0) means "no error".
 */
enum ikev2_notify {
	IKEV2_N_NONE = 0,
	IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD = 1,
	IKEV2_N_INVALID_IKE_SPI = 4,
	IKEV2_N_INVALID_MAJOR_VERSION = 5,
	IKEV2_N_INVALID_SYNTAX = 7,
	IKEV2_N_INVALID_MESSAGE_ID = 9,
	IKEV2_N_INVALID_SPI = 11,
	IKEV2_N_NO_PROPOSAL_CHOSEN = 14,
	IKEV2_N_INVALID_KE_PAYLOAD = 17,
	IKEV2_N_AUTHENTICATION_FAILED = 24,
	IKEV2_N_SINGLE_PAIR_REQUIRED = 34,
	IKEV2_N_NO_ADDITIONAL_SAS = 35,
	IKEV2_N_INTERNAL_ADDRESS_FAILURE = 36,
	IKEV2_N_FAILED_CP_REQUIRED = 37,
	IKEV2_N_TS_UNACCEPTABLE = 38,
	IKEV2_N_INVALID_SELECTORS = 39,
	IKEV2_N_UNACCEPTABLE_ADDRESSES = 40, /* RFC 4555 */
	IKEV2_N_UNEXPECTED_NAT_DETECTED = 41,
	IKEV2_N_TEMPORARY_FAILURE = 43,
	IKEV2_N_CHILD_SA_NOT_FOUND = 44,
	IKEV2_N_INITIAL_CONTACT = 16384,
	IKEV2_N_SET_WINDOW_SIZE = 16385,
	IKEV2_N_ADDITIONAL_TS_POSSIBLE = 16386,
	IKEV2_N_IPCOMP_SUPPORTED = 16387,
	IKEV2_N_NAT_DETECTION_SOURCE_IP = 16388,
	IKEV2_N_NAT_DETECTION_DESTINATION_IP = 16389,
	IKEV2_N_COOKIE = 16390,
	IKEV2_N_USE_TRANSPORT_MODE = 16391,
	IKEV2_N_HTTP_CERT_LOOKUP_SUPPORTED = 16392,
	IKEV2_N_REKEY_SA = 16393,
	IKEV2_N_ESP_TFC_PADDING_NOT_SUPPORTED = 16394,
	IKEV2_N_NON_FIRST_FRAGMENTS_ALSO = 16395,
	IKEV2_N_MOBIKE_SUPPORTED = 16396,        /* RFC 4555 */
	IKEV2_N_MULTIPLE_AUTH_SUPPORTED = 16404, /* RFC 4739 */
	IKEV2_N_ANOTHER_AUTH_FOLLOWS = 16405,
	IKEV2_N_REDIRECT_SUPPORTED = 16406,            /* RFC 5685 */
	IKEV2_N_EAP_ONLY_AUTHENTICATION = 16417,       /* RFC 5998 */
	IKEV2_N_CHILDLESS_IKEV2_SUPPORTED = 16418,     /* RFC 6023 */
	IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED = 16430, /* RFC 7383 */
	IKEV2_N_SIGNATURE_HASH_ALGORITHMS = 16431,     /* RFC 7427 */
};

/* ---- the parsed forms ---- */

struct ikev2_transform {
	uint8_t type; /* 1 ENCR, 2 PRF, 3 INTEG, 4 DH (KE), 5 ESN */
	uint16_t id;
	uint16_t key_bits; /* Key Length attribute (14); 0 when absent */
};

struct ikev2_proposal {
	uint8_t num;     /* Proposal Num, from 1 */
	uint8_t proto;   /* 1 IKE, 2 AH, 3 ESP */
	uint8_t spi_len; /* 0, 4 or 8 */
	uint8_t spi[8];
	unsigned int n_transforms;
	struct ikev2_transform t[IKEV2_TRANSFORMS_MAX];
	bool unknown_attr; /* an attribute other than Key Length: the proposal is unusable */
};

struct ikev2_sa_payload {
	unsigned int n;
	struct ikev2_proposal p[IKEV2_PROPOSALS_MAX];
};

struct ikev2_ts {
	uint8_t type;  /* 7 TS_IPV4_ADDR_RANGE, 8 TS_IPV6_ADDR_RANGE */
	uint8_t proto; /* 0 any */
	uint16_t start_port, end_port;
	uint8_t start[16], end[16]; /* network order; 4 bytes used for IPv4 */
};

struct ikev2_ts_payload {
	unsigned int n;
	struct ikev2_ts ts[IKEV2_TS_MAX];
};

/* A byte string inside the message (or, when building, the caller's). */
struct ikev2_blob {
	const uint8_t *p;
	size_t len;
};

/* Key Exchange payload (RFC 7296 §3.4). */
struct ikev2_ke {
	uint16_t group;
	const uint8_t *data;
	size_t len;
};

/*
 * IDi / IDr (RFC 7296 §3.5).  body/body_len is the whole payload body
 * (ID Type, RESERVED, data): "RestOfInitIDPayload" signed by AUTH (§2.15).
 */
struct ikev2_id {
	uint8_t type; /* IKEV2_ID_* */
	const uint8_t *data;
	size_t len;
	const uint8_t *body;
	size_t body_len;
};

/* CERT (§3.6) and CERTREQ (§3.7): encoding and data (CERTREQ: SHA-1 hashes of CA keys). */
struct ikev2_cert {
	uint8_t encoding;
	const uint8_t *data;
	size_t len;
};

/* AUTH (§3.8). */
struct ikev2_auth {
	uint8_t method; /* IKEV2_AUTH_* */
	const uint8_t *data;
	size_t len;
};

/* Notify (§3.10). */
struct ikev2_notification {
	uint8_t proto;   /* 0, or IKEV2_PROTO_* for the SPI */
	uint8_t spi_len; /* 0, 4 or 8 */
	uint16_t type;   /* enum ikev2_notify (any value) */
	const uint8_t *spi;
	const uint8_t *data;
	size_t data_len;
};

/* Delete (§3.11): n_spis SPIs of spi_len bytes back to back (none for the IKE SA). */
struct ikev2_delete {
	uint8_t proto;
	uint8_t spi_len; /* 0 for IKE, 4 for AH/ESP */
	uint16_t n_spis;
	const uint8_t *spis;
};

/* Configuration payload (§3.15), attributes kept opaque. */
struct ikev2_cp {
	uint8_t type; /* IKEV2_CFG_* */
	const uint8_t *attrs;
	size_t len;
};

/*
 * Encrypted payload (§3.14) or Encrypted Fragment (RFC 7383 §2.5): byte
 * ranges of the message for ikev2_crypt.c.  off is the generic header's
 * offset from the start of the message; the payload runs to the end of the
 * message.  inner is its Next Payload: the first inner payload's type.
 */
struct ikev2_sk {
	uint8_t inner;
	bool critical;
	size_t off;
	const uint8_t *data; /* after the generic header (and SKF's 4 bytes): IV | ct | ICV */
	size_t len;
	uint16_t frag_num;   /* SKF only */
	uint16_t frag_total; /* SKF only */
};

/* Where each payload of the chain was, for logs. */
struct ikev2_pl_ref {
	uint8_t type;
	bool inner;   /* inside the SK payload */
	uint16_t len; /* with the generic header */
	uint32_t off; /* of the generic header, from the start of its chain */
};

struct ikev2_msg {
	struct ike_hdr hdr;
	enum ikev2_notify error; /* the notify to answer with; IKEV2_N_NONE: drop */
	uint8_t
	    error_payload; /* the payload type it failed in (for UNSUPPORTED_CRITICAL_PAYLOAD the type to send) */
	const uint8_t *raw; /* the whole message */
	size_t raw_len;

	uint16_t n_payloads;
	struct ikev2_pl_ref payloads[IKE_PAYLOADS_MAX];
	uint16_t n_unknown; /* non-critical unknown payloads skipped */

	bool has_sa;
	struct ikev2_sa_payload sa;
	struct ikev2_blob sa_body; /* the SA payload body as sent */
	bool has_ke;
	struct ikev2_ke ke;
	bool has_idi, has_idr;
	struct ikev2_id idi, idr;
	bool has_auth;
	struct ikev2_auth auth;
	struct ikev2_blob nonce; /* p == NULL when absent */
	bool has_tsi, has_tsr;
	struct ikev2_ts_payload tsi, tsr;
	bool has_cp;
	struct ikev2_cp cp;
	struct ikev2_blob eap; /* the EAP message, opaque */
	uint8_t n_certs;
	struct ikev2_cert certs[IKEV2_CERTS_MAX];
	uint8_t n_certreqs;
	struct ikev2_cert certreqs[IKEV2_CERTREQS_MAX];
	uint8_t n_notifies;
	struct ikev2_notification notifies[IKEV2_NOTIFIES_MAX];
	uint8_t n_deletes;
	struct ikev2_delete deletes[IKEV2_DELETES_MAX];
	uint8_t n_vids;
	struct ikev2_blob vids[IKEV2_VIDS_MAX];

	bool has_sk, has_skf; /* the message ends in an SK or SKF payload */
	struct ikev2_sk sk;
	bool decrypted; /* ikev2_msg_parse_inner() ran */
};

/*
 * Parse a whole datagram (RFC 7296 §3).  Header: length equal to @len,
 * major version 2 (minor ignored), reserved flag bits ignored.  Then the
 * payload chain: unknown non-critical payloads are skipped (counted in
 * n_unknown), an unknown critical one fails.  An SK or SKF payload must be
 * the last one; it is not decrypted (ikev2_crypt.c), its inner chain is
 * parsed later with ikev2_msg_parse_inner().
 *
 * An SA payload keeps its first IKEV2_PROPOSALS_MAX proposals and each
 * proposal its first IKEV2_TRANSFORMS_MAX transforms; the rest are checked
 * but not kept, and a proposal with more transforms is marked unknown_attr
 * (unusable), so that a long but valid offer is not dropped.
 *
 * Returns 0 or:
 *   -EBADMSG   malformed: m->error INVALID_SYNTAX (a payload's contents,
 *              proposal numbering, a duplicate payload, a bad chain), or
 *              IKEV2_N_NONE when the header itself is unusable (too short,
 *              length not the datagram's): drop.
 *   -EPROTONOSUPPORT  major version above 2: m->error INVALID_MAJOR_VERSION
 *              (RFC 7296 §2.5); a major version below 2 is IKEV2_N_NONE.
 *   -EOPNOTSUPP unknown payload with the critical bit: m->error
 *              UNSUPPORTED_CRITICAL_PAYLOAD, m->error_payload its type.
 *   -E2BIG     more repeated payloads (or TS selectors) than the limits
 *              hold: m->error IKEV2_N_NONE (drop).
 * The state machine decides whether to answer (not to unprotected
 * messages, §2.21).
 */
int ikev2_msg_parse(const uint8_t *p, size_t len, struct ikev2_msg *m);

/*
 * Parse the decrypted inner chain of the SK payload (or the reassembled
 * SKF payloads) of @len bytes whose first payload is @first into @m, next
 * to what ikev2_msg_parse() found outside.  No padding is allowed (the
 * caller strips it); SK or SKF inside is invalid syntax.  @p must outlive
 * @m.  Returns as ikev2_msg_parse().
 */
int ikev2_msg_parse_inner(struct ikev2_msg *m, uint8_t first, const uint8_t *p, size_t len);

/* The n-th (from 0) notify of @type, or NULL. */
const struct ikev2_notification *ikev2_msg_notify_find(const struct ikev2_msg *m, uint16_t type);

/* "INVALID_SYNTAX", ... for logs; "UNKNOWN" for values not listed. */
const char *ikev2_msg_notify_name(uint16_t type);
/* "SA", "KE", ... for logs; "UNKNOWN" for others. */
const char *ikev2_msg_payload_name(uint8_t type);

/*
 * Builders.  Each appends one payload to @b (framed with
 * ike_payload_begin/end, so the previous payload's Next Payload is
 * patched) and returns b->err so far; errors are sticky, check once with
 * ikev2_msg_build_finish().  -EINVAL for structs the encoding cannot carry.
 * A message is ikev2_msg_build_hdr(), payloads, ikev2_msg_build_finish();
 * the inner chain of an SK payload is built in its own buffer with no
 * header (its first type is b->first) and protected by ikev2_crypt.c.
 */
void ikev2_msg_build_hdr(struct ike_buf *b, uint64_t ispi, uint64_t rspi, uint8_t exchange,
    uint8_t flags, uint32_t msgid);
int ikev2_msg_build_sa(struct ike_buf *b, const struct ikev2_sa_payload *sa);
int ikev2_msg_build_ke(struct ike_buf *b, uint16_t group, const uint8_t *data, size_t len);
/* @type IKEV2_PL_IDI or IKEV2_PL_IDR. */
int ikev2_msg_build_id(struct ike_buf *b, uint8_t pl_type, uint8_t id_type, const uint8_t *data,
    size_t len);
/* @pl_type IKEV2_PL_CERT or IKEV2_PL_CERTREQ. */
int ikev2_msg_build_cert(struct ike_buf *b, uint8_t pl_type, uint8_t encoding, const uint8_t *data,
    size_t len);
int ikev2_msg_build_auth(struct ike_buf *b, uint8_t method, const uint8_t *data, size_t len);
int ikev2_msg_build_nonce(struct ike_buf *b, const uint8_t *data, size_t len);
int ikev2_msg_build_notify(struct ike_buf *b, uint8_t proto, const uint8_t *spi, uint8_t spi_len,
    uint16_t type, const uint8_t *data, size_t len);
int ikev2_msg_build_delete(struct ike_buf *b, uint8_t proto, uint8_t spi_len, const uint8_t *spis,
    uint16_t n_spis);
int ikev2_msg_build_vid(struct ike_buf *b, const uint8_t *data, size_t len);
/* @pl_type IKEV2_PL_TSI or IKEV2_PL_TSR. */
int ikev2_msg_build_ts(struct ike_buf *b, uint8_t pl_type, const struct ikev2_ts_payload *ts);
int ikev2_msg_build_cp(struct ike_buf *b, uint8_t cfg_type, const uint8_t *attrs, size_t len);
int ikev2_msg_build_eap(struct ike_buf *b, const uint8_t *data, size_t len);
/* Finish: the header's Length; returns the message length or -errno. */
int ikev2_msg_build_finish(struct ike_buf *b);

#endif
