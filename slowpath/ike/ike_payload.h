/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ike_payload.h: the codec IKEv1 and IKEv2 share: fixed header, payload chain, bounded builder. */
#ifndef FASTIPSEC_IKE_PAYLOAD_H
#define FASTIPSEC_IKE_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/limits.h"

/*
 * The ISAKMP header (RFC 2408 §3.1) and the IKEv2 header (RFC 7296 §3.1)
 * have the same layout:
 *
 *                        1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   !                 Initiator Cookie / IKE SA Initiator's SPI     !
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   !                 Responder Cookie / IKE SA Responder's SPI     !
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   !  Next Payload ! MjVer ! MnVer ! Exchange Type !     Flags     !
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   !                          Message ID                           !
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   !                            Length                             !
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Every payload after it starts with the generic payload header
 * (RFC 2408 §3.2, RFC 7296 §3.2): Next Payload (1), a byte that IKEv2
 * uses for the Critical bit (0x80) and IKEv1 leaves RESERVED, and the
 * Payload Length (2, network order) which includes these 4 bytes.
 *
 * This layer knows no payload bodies, holds no state and calls no crypto
 * (STYLE.md rule 2).  Callers: ikev1_msg.c, ikev2_msg.c.
 */

#define IKE_HDR_LEN        28   /* fixed header */
#define IKE_GEN_HDR_LEN    4    /* generic payload header */
#define IKE_HDR_NP_OFF     16   /* Next Payload byte of the fixed header */
#define IKE_HDR_LENGTH_OFF 24   /* Length field of the fixed header */
#define IKE_PAYLOAD_NONE   0    /* Next Payload of the last payload */
#define IKE_PAYLOAD_CRIT   0x80 /* IKEv2 Critical bit (RFC 7296 §3.2) */

/*
 * The fixed header in host order.  The two 8-byte SPIs (IKEv1 cookies) are
 * opaque on the wire; they are kept as uint64_t read in network order, so
 * that printing them with %016" PRIx64 " shows the wire bytes and they fit
 * struct log_corr directly.
 */
struct ike_hdr {
	uint64_t ispi; /* initiator cookie / SPI */
	uint64_t rspi; /* responder cookie / SPI, 0 in the first message */
	uint8_t next_payload;
	uint8_t major; /* high nibble of the version byte */
	uint8_t minor; /* low nibble */
	uint8_t exchange;
	uint8_t flags;
	uint32_t msgid;
	uint32_t length; /* whole message, header included */
};

/*
 * Parse and check the fixed header of a datagram of @len bytes.
 * Returns 0, or -EBADMSG when @len is under IKE_HDR_LEN or over IKE_MSG_MAX,
 * or the Length field is not @len.  Versions, exchange types and flags are
 * the caller's to judge.
 */
int ike_payload_hdr_parse(const uint8_t *p, size_t len, struct ike_hdr *h);

/*
 * One payload of a chain.  @body points into the caller's buffer (no copy).
 */
struct ike_payload {
	uint8_t type;        /* this payload's type (the previous Next Payload) */
	uint8_t next;        /* its Next Payload field */
	bool critical;       /* IKEv2: Critical bit; IKEv1: bit 7 of RESERVED */
	bool known;          /* the iterator's known() said yes, or no known() given */
	uint8_t reserved;    /* the second byte as sent (IKEv1 ignores it, RFC 2408 §3.2) */
	const uint8_t *body; /* after the generic header */
	size_t len;          /* body bytes: Payload Length - 4 */
	size_t off;          /* offset of the generic header from the chain start */
};

/* Is @type a payload type this version knows? */
typedef bool (*ike_payload_known_fn)(uint8_t type);

/* Bytes after the last payload (Next Payload 0) are allowed: IKEv1 decrypted
 * bodies carry padding (RFC 2408 §3.5 / §5.3, RFC 2409 Appendix B). */
#define IKE_ITER_TRAILING_OK 0x1

/*
 * Iterator over the generic payload header chain of @len bytes at @p whose
 * first payload has type @first (the fixed header's Next Payload, or a
 * substructure's type).  Every length is checked before use: Payload
 * Length >= 4 and never past the end, and the chain must end exactly at the
 * end of the buffer with Next Payload 0 (RFC 2408 §3.2, RFC 7296 §3.2),
 * unless IKE_ITER_TRAILING_OK.  @max bounds the payloads yielded.
 *
 * Unknown types (by @known, may be NULL to know everything) are yielded
 * like the others with pl->known false, and the first one is remembered in
 * unknown_type/unknown_critical: IKEv1 rejects it (INVALID-PAYLOAD-TYPE,
 * RFC 2408 §5.1), IKEv2 skips it unless critical (RFC 7296 §2.5).
 */
struct ike_payload_iter {
	const uint8_t *p;
	size_t len;
	size_t off;   /* next generic header */
	uint8_t next; /* type of the next payload, 0 at the end */
	unsigned int flags;
	unsigned int count; /* payloads yielded */
	unsigned int max;
	ike_payload_known_fn known;
	bool has_unknown;
	uint8_t unknown_type;
	bool unknown_critical;
	size_t end; /* bytes the chain covered, padding excluded (valid after the end) */
	int err;    /* sticky error */
};

void ike_payload_iter_init(struct ike_payload_iter *it, const uint8_t *p, size_t len, uint8_t first,
    unsigned int max, ike_payload_known_fn known, unsigned int flags);

/*
 * Next payload into @pl.  Returns 1 with @pl filled, 0 at the clean end of
 * the chain, -EBADMSG on a malformed chain (length < 4, past the end, not
 * ending at the end), -E2BIG past @max payloads.  Errors are sticky: every
 * later call returns the same.
 */
int ike_payload_iter_next(struct ike_payload_iter *it, struct ike_payload *pl);

/*
 * Data attributes (RFC 2408 §3.3), shared by IKEv1 SA and mode-config
 * attributes and IKEv2 transform attributes (RFC 7296 §3.3.5):
 *
 *   !A!       Attribute Type        !    AF=0  Attribute Length     !
 *   !F!                             !    AF=1  Attribute Value      !
 *   .                   AF=0  Attribute Value                       .
 */
#define IKE_ATTR_AF 0x8000

struct ike_attr {
	uint16_t type; /* without the AF bit */
	bool tv;       /* AF=1: Type/Value, the value is the 16 bits in u */
	uint16_t len;  /* value bytes: 2 for TV */
	const uint8_t
	    *val;   /* value bytes in the message; building TLV: NULL to encode u in len bytes */
	uint64_t u; /* the value as a number (network order) when len <= 8, else 0 */
};

/*
 * Parse the attribute at *@off of the @len bytes at @p and advance *@off.
 * Returns 0, or -EBADMSG when the header or a TLV value runs past @len.
 */
int ike_payload_attr_next(const uint8_t *p, size_t len, size_t *off, struct ike_attr *a);

/*
 * A bounded output buffer.  Append functions never write past @cap: the
 * first failure sets @err (-ENOSPC: no room; -EMSGSIZE: a payload over
 * 65535 bytes; -EINVAL: a value the encoding cannot carry) and every later
 * call does nothing.  Check @err once at the end (ike_payload_buf_finish).
 *
 * Payloads are framed by ike_payload_begin()/ike_payload_end(): begin
 * writes a generic header, back-patching the Next Payload field of the
 * previous payload (or of the fixed header) with the new type; end patches
 * this payload's length.  A body built apart from its header (IKEv1
 * encrypted messages) starts with no header: its first type is in @first.
 */
#define IKE_BUF_NONE SIZE_MAX

struct ike_buf {
	uint8_t *p;
	size_t len, cap;
	int err;
	size_t np_off;  /* Next Payload byte to patch at the next begin, or IKE_BUF_NONE */
	size_t pl_off;  /* generic header of the open payload, or IKE_BUF_NONE */
	size_t hdr_off; /* fixed header, or IKE_BUF_NONE */
	uint8_t first;  /* type of the first payload begun, 0 when none */
};

void ike_payload_buf_init(struct ike_buf *b, uint8_t *p, size_t cap);
/* Append @n bytes of @d (NULL with @n > 0 is -EINVAL). */
void ike_payload_buf_put(struct ike_buf *b, const void *d, size_t n);
void ike_payload_buf_put8(struct ike_buf *b, uint8_t v);
void ike_payload_buf_put16(struct ike_buf *b, uint16_t v);
void ike_payload_buf_put32(struct ike_buf *b, uint32_t v);
void ike_payload_buf_put64(struct ike_buf *b, uint64_t v);
void ike_payload_buf_zero(struct ike_buf *b, size_t n);
/* Overwrite 16 bits at @off, already written (a length or count filled in late). */
void ike_payload_buf_patch16(struct ike_buf *b, size_t off, uint16_t v);
/* Set the sticky error (if none yet) to @err. */
void ike_payload_buf_fail(struct ike_buf *b, int err);

/* Write the fixed header from @h (its length is filled by finish). */
void ike_payload_hdr_build(struct ike_buf *b, const struct ike_hdr *h);

/* Open a payload of @type; @flags is the second byte (IKEv2 Critical bit, 0 for IKEv1). */
void ike_payload_begin(struct ike_buf *b, uint8_t type, uint8_t flags);
/* Close the open payload: its length becomes the bytes written since begin. */
void ike_payload_end(struct ike_buf *b);

/* Append attribute @a (TV when a->tv, its value in a->u). */
void ike_payload_attr_build(struct ike_buf *b, const struct ike_attr *a);

/*
 * Finish: patch the fixed header's Length (when a header was built) and
 * return the sticky error: 0 or -errno.  A payload left open is -EINVAL.
 */
int ike_payload_buf_finish(struct ike_buf *b);

/* Big-endian readers for callers that already checked the bounds. */
static inline uint16_t
ike_get16(const uint8_t *p)
{
	return (uint16_t)((unsigned int)p[0] << 8 | p[1]);
}

static inline uint32_t
ike_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t
ike_get64(const uint8_t *p)
{
	return (uint64_t)ike_get32(p) << 32 | ike_get32(p + 4);
}

#endif
