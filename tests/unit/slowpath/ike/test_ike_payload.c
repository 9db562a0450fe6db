/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/slowpath/ike/test_ike_payload.c: the shared IKE codec: header, payload chain iterator, attributes, bounded builder. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "common/limits.h"
#include "slowpath/ike/ike_payload.h"

#define DIM(a) (sizeof(a) / sizeof((a)[0]))

/*
 * An IKEv2 IKE_SA_INIT-shaped message with a made-up body: the header is
 * laid out as RFC 7296 §3.1, two payloads follow (RFC 7296 §3.2).
 */
static const uint8_t v2_msg[] = {
	/* Initiator SPI */
	0x12,
	0x34,
	0x56,
	0x78,
	0x9a,
	0xbc,
	0xde,
	0xf0,
	/* Responder SPI */
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x21, /* Next Payload: SA (33) */
	0x20, /* MjVer 2, MnVer 0 */
	0x22, /* Exchange Type: IKE_SA_INIT (34) */
	0x08, /* Flags: Initiator */
	0x00,
	0x00,
	0x00,
	0x00, /* Message ID 0 */
	0x00,
	0x00,
	0x00,
	0x29, /* Length 41 */
	/* payload 1: SA, 8 bytes */
	0x28, /* Next Payload: Nonce (40) */
	0x00, /* C=0, RESERVED */
	0x00,
	0x08, /* Payload Length 8 */
	0xaa,
	0xbb,
	0xcc,
	0xdd,
	/* payload 2: Nonce, 5 bytes */
	0x00, /* Next Payload: none */
	0x80, /* C=1 */
	0x00,
	0x05, /* Payload Length 5 */
	0xee,
};

static void
test_ike_payload_hdr_parse_ok(void)
{
	struct ike_hdr h;

	CU_ASSERT_EQUAL_FATAL(ike_payload_hdr_parse(v2_msg, sizeof(v2_msg), &h), 0);
	CU_ASSERT_EQUAL(h.ispi, 0x123456789abcdef0ull);
	CU_ASSERT_EQUAL(h.rspi, 0);
	CU_ASSERT_EQUAL(h.next_payload, 33);
	CU_ASSERT_EQUAL(h.major, 2);
	CU_ASSERT_EQUAL(h.minor, 0);
	CU_ASSERT_EQUAL(h.exchange, 34);
	CU_ASSERT_EQUAL(h.flags, 0x08);
	CU_ASSERT_EQUAL(h.msgid, 0);
	CU_ASSERT_EQUAL(h.length, 41);
}

static void
test_ike_payload_hdr_parse_bad(void)
{
	uint8_t big[IKE_MSG_MAX + 1];
	uint8_t m[sizeof(v2_msg)];
	struct ike_hdr h;
	size_t n;

	/* Every truncation, down to 0 bytes. */
	for (n = 0; n < IKE_HDR_LEN; n++)
		CU_ASSERT_EQUAL(ike_payload_hdr_parse(v2_msg, n, &h), -EBADMSG);
	/* A datagram shorter and longer than its Length field. */
	CU_ASSERT_EQUAL(ike_payload_hdr_parse(v2_msg, sizeof(v2_msg) - 1, &h), -EBADMSG);
	memcpy(m, v2_msg, sizeof(m));
	m[27] = 0x28;
	CU_ASSERT_EQUAL(ike_payload_hdr_parse(m, sizeof(m), &h), -EBADMSG);
	m[27] = 0x2a;
	CU_ASSERT_EQUAL(ike_payload_hdr_parse(m, sizeof(m), &h), -EBADMSG);
	/* Length < 28 even if it matched a (too short) datagram. */
	m[27] = 0x10;
	CU_ASSERT_EQUAL(ike_payload_hdr_parse(m, 0x10, &h), -EBADMSG);
	/* Bytes 24..27 are the whole 32-bit length. */
	m[27] = 0x29;
	m[24] = 0x01;
	CU_ASSERT_EQUAL(ike_payload_hdr_parse(m, sizeof(m), &h), -EBADMSG);
	/* Exactly the header: 28 bytes, Length 28. */
	memcpy(m, v2_msg, IKE_HDR_LEN);
	m[27] = IKE_HDR_LEN;
	CU_ASSERT_EQUAL(ike_payload_hdr_parse(m, IKE_HDR_LEN, &h), 0);
	/* Over IKE_MSG_MAX, consistent Length or not. */
	memset(big, 0, sizeof(big));
	memcpy(big, v2_msg, IKE_HDR_LEN);
	big[24] = (uint8_t)(sizeof(big) >> 24);
	big[25] = (uint8_t)(sizeof(big) >> 16);
	big[26] = (uint8_t)(sizeof(big) >> 8);
	big[27] = (uint8_t)sizeof(big);
	CU_ASSERT_EQUAL(ike_payload_hdr_parse(big, sizeof(big), &h), -EBADMSG);
	big[27] = (uint8_t)(sizeof(big) - 1);
	CU_ASSERT_EQUAL(ike_payload_hdr_parse(big, sizeof(big) - 1, &h), 0);
}

static void
test_ike_payload_iter_ok(void)
{
	struct ike_payload_iter it;
	struct ike_payload pl;
	const uint8_t *c = v2_msg + IKE_HDR_LEN;
	size_t n = sizeof(v2_msg) - IKE_HDR_LEN;

	ike_payload_iter_init(&it, c, n, 33, IKE_PAYLOADS_MAX, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(ike_payload_iter_next(&it, &pl), 1);
	CU_ASSERT_EQUAL(pl.type, 33);
	CU_ASSERT_EQUAL(pl.next, 40);
	CU_ASSERT_FALSE(pl.critical);
	CU_ASSERT_TRUE(pl.known);
	CU_ASSERT_PTR_EQUAL(pl.body, c + 4);
	CU_ASSERT_EQUAL(pl.len, 4);
	CU_ASSERT_EQUAL(pl.off, 0);
	CU_ASSERT_EQUAL_FATAL(ike_payload_iter_next(&it, &pl), 1);
	CU_ASSERT_EQUAL(pl.type, 40);
	CU_ASSERT_EQUAL(pl.next, 0);
	CU_ASSERT_TRUE(pl.critical);
	CU_ASSERT_EQUAL(pl.reserved, 0x80);
	CU_ASSERT_PTR_EQUAL(pl.body, c + 12);
	CU_ASSERT_EQUAL(pl.len, 1);
	CU_ASSERT_EQUAL(pl.off, 8);
	CU_ASSERT_EQUAL(ike_payload_iter_next(&it, &pl), 0);
	CU_ASSERT_EQUAL(ike_payload_iter_next(&it, &pl), 0);
	CU_ASSERT_EQUAL(it.count, 2);
	CU_ASSERT_EQUAL(it.end, n);

	/* An empty chain: Next Payload 0 in the header and nothing after it. */
	ike_payload_iter_init(&it, c, 0, 0, IKE_PAYLOADS_MAX, NULL, 0);
	CU_ASSERT_EQUAL(ike_payload_iter_next(&it, &pl), 0);
}

/* One row: a chain, its first type, flags, and what each call returns. */
struct chain_row {
	const char *what;
	uint8_t bytes[24];
	size_t len;
	unsigned int max;
	unsigned int flags;
	int rcs[4]; /* successive returns: the end (0) and errors must repeat */
};

#define B (-EBADMSG)
#define G (-E2BIG)

static void
test_ike_payload_iter_table(void)
{
	static const struct chain_row rows[] = {
		{ "one empty payload", { 0, 0, 0, 4 }, 4, 8, 0, { 1, 0, 0, 0 } },
		{ "payload length 3", { 0, 0, 0, 3 }, 4, 8, 0, { B, B, B, B } },
		{ "payload length 0", { 0, 0, 0, 0, 0, 0, 0, 0 }, 8, 8, 0, { B, B, B, B } },
		{ "payload past the end", { 0, 0, 0, 9, 1, 2, 3, 4 }, 8, 8, 0, { B, B, B, B } },
		{ "header cut (3 bytes)", { 0, 0, 0 }, 3, 8, 0, { B, B, B, B } },
		{ "next promised, nothing left", { 5, 0, 0, 4 }, 4, 8, 0, { 1, B, B, B } },
		{ "next promised, 2 bytes left", { 5, 0, 0, 4, 0, 0 }, 6, 8, 0, { 1, B, B, B } },
		{ "bytes after the last", { 0, 0, 0, 4, 0xff }, 5, 8, 0, { 1, B, B, B } },
		{ "padding allowed", { 0, 0, 0, 4, 0, 0, 0, 3 }, 8, 8, IKE_ITER_TRAILING_OK,
		    { 1, 0, 0, 0 } },
		{ "two of at most one", { 5, 0, 0, 4, 0, 0, 0, 4 }, 8, 1, 0, { 1, G, G, G } },
		{ "two of at most two", { 5, 0, 0, 4, 0, 0, 0, 4 }, 8, 2, 0, { 1, 1, 0, 0 } },
		{ "none of at most zero", { 0, 0, 0, 4 }, 4, 0, 0, { G, G, G, G } },
		{ "second one broken", { 5, 0, 0, 4, 0, 0, 0, 5 }, 8, 8, 0, { 1, B, B, B } },
		{ "second one past the end", { 5, 0, 0, 4, 0, 0, 0, 5, 0 }, 8, 8, 0,
		    { 1, B, B, B } },
		{ "second one exactly at the end", { 5, 0, 0, 4, 0, 0, 0, 5, 0 }, 9, 8, 0,
		    { 1, 1, 0, 0 } },
	};
	struct ike_payload_iter it;
	struct ike_payload pl;
	size_t i, k;
	int rc;

	for (i = 0; i < DIM(rows); i++) {
		ike_payload_iter_init(&it, rows[i].bytes, rows[i].len, 1, rows[i].max, NULL,
		    rows[i].flags);
		for (k = 0; k < DIM(rows[i].rcs); k++) {
			rc = ike_payload_iter_next(&it, &pl);
			if (rc != rows[i].rcs[k]) {
				fprintf(stderr, "\n%s: call %zu returned %d, want %d\n",
				    rows[i].what, k, rc, rows[i].rcs[k]);
				CU_FAIL("iterator");
				break;
			}
		}
	}
}

static bool
known_small(uint8_t type)
{
	return type < 10;
}

static void
test_ike_payload_iter_unknown(void)
{
	static const uint8_t c[] = {
		45, 0x00, 0x00, 0x04,       /* type 1 (known), next 45 */
		46, 0x80, 0x00, 0x05, 0x01, /* type 45 (unknown), critical, next 46 */
		0, 0x00, 0x00, 0x04,        /* type 46 (unknown), not critical */
	};
	struct ike_payload_iter it;
	struct ike_payload pl;

	ike_payload_iter_init(&it, c, sizeof(c), 1, IKE_PAYLOADS_MAX, known_small, 0);
	CU_ASSERT_EQUAL_FATAL(ike_payload_iter_next(&it, &pl), 1);
	CU_ASSERT_TRUE(pl.known);
	CU_ASSERT_FALSE(it.has_unknown);
	CU_ASSERT_EQUAL_FATAL(ike_payload_iter_next(&it, &pl), 1);
	CU_ASSERT_FALSE(pl.known);
	CU_ASSERT_EQUAL(pl.type, 45);
	CU_ASSERT_TRUE(pl.critical);
	CU_ASSERT_EQUAL(pl.len, 1);
	CU_ASSERT_TRUE(it.has_unknown);
	CU_ASSERT_EQUAL(it.unknown_type, 45);
	CU_ASSERT_TRUE(it.unknown_critical);
	CU_ASSERT_EQUAL_FATAL(ike_payload_iter_next(&it, &pl), 1);
	CU_ASSERT_FALSE(pl.known);
	CU_ASSERT_FALSE(pl.critical);
	/* The first unknown one stays reported. */
	CU_ASSERT_EQUAL(it.unknown_type, 45);
	CU_ASSERT_TRUE(it.unknown_critical);
	CU_ASSERT_EQUAL(ike_payload_iter_next(&it, &pl), 0);
}

static void
test_ike_payload_iter_limit(void)
{
	uint8_t c[4 * (IKE_PAYLOADS_MAX + 1)];
	struct ike_payload_iter it;
	struct ike_payload pl;
	unsigned int i, n;
	int rc;

	/* IKE_PAYLOADS_MAX + 1 empty VID-like payloads: the last one is refused. */
	for (i = 0; i <= IKE_PAYLOADS_MAX; i++) {
		c[4 * i] = i < IKE_PAYLOADS_MAX ? 13 : 0;
		c[4 * i + 1] = 0;
		c[4 * i + 2] = 0;
		c[4 * i + 3] = 4;
	}
	ike_payload_iter_init(&it, c, sizeof(c), 13, IKE_PAYLOADS_MAX, NULL, 0);
	n = 0;
	while ((rc = ike_payload_iter_next(&it, &pl)) == 1)
		n++;
	CU_ASSERT_EQUAL(rc, -E2BIG);
	CU_ASSERT_EQUAL(n, IKE_PAYLOADS_MAX);
	/* Exactly IKE_PAYLOADS_MAX is fine. */
	ike_payload_iter_init(&it, c + 4, sizeof(c) - 4, 13, IKE_PAYLOADS_MAX, NULL, 0);
	n = 0;
	while ((rc = ike_payload_iter_next(&it, &pl)) == 1)
		n++;
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(n, IKE_PAYLOADS_MAX);
}

static void
test_ike_payload_attr_next(void)
{
	/* RFC 2409 Appendix A attributes as a transform carries them. */
	static const uint8_t a[] = {
		0x80,
		0x01,
		0x00,
		0x07, /* AF=1 Encryption Algorithm (1) = AES-CBC (7) */
		0x80,
		0x0e,
		0x01,
		0x00, /* AF=1 Key Length (14) = 256 */
		0x00,
		0x0c,
		0x00,
		0x04, /* AF=0 Life Duration (12), 4 bytes */
		0x00,
		0x01,
		0x51,
		0x80, /* ... 86400 */
		0x00,
		0x0c,
		0x00,
		0x00, /* AF=0, empty value */
		0x00,
		0x10,
		0x00,
		0x09, /* AF=0, 9 bytes: too long for u */
		1,
		2,
		3,
		4,
		5,
		6,
		7,
		8,
		9,
	};
	struct ike_attr at;
	size_t off = 0;

	CU_ASSERT_EQUAL_FATAL(ike_payload_attr_next(a, sizeof(a), &off, &at), 0);
	CU_ASSERT_EQUAL(at.type, 1);
	CU_ASSERT_TRUE(at.tv);
	CU_ASSERT_EQUAL(at.u, 7);
	CU_ASSERT_EQUAL(at.len, 2);
	CU_ASSERT_EQUAL(off, 4);
	CU_ASSERT_EQUAL_FATAL(ike_payload_attr_next(a, sizeof(a), &off, &at), 0);
	CU_ASSERT_EQUAL(at.type, 14);
	CU_ASSERT_EQUAL(at.u, 256);
	CU_ASSERT_EQUAL_FATAL(ike_payload_attr_next(a, sizeof(a), &off, &at), 0);
	CU_ASSERT_EQUAL(at.type, 12);
	CU_ASSERT_FALSE(at.tv);
	CU_ASSERT_EQUAL(at.len, 4);
	CU_ASSERT_PTR_EQUAL(at.val, a + 12);
	CU_ASSERT_EQUAL(at.u, 86400);
	CU_ASSERT_EQUAL(off, 16);
	CU_ASSERT_EQUAL_FATAL(ike_payload_attr_next(a, sizeof(a), &off, &at), 0);
	CU_ASSERT_EQUAL(at.len, 0);
	CU_ASSERT_EQUAL(at.u, 0);
	CU_ASSERT_EQUAL_FATAL(ike_payload_attr_next(a, sizeof(a), &off, &at), 0);
	CU_ASSERT_EQUAL(at.len, 9);
	CU_ASSERT_EQUAL(at.u, 0);
	CU_ASSERT_EQUAL(off, sizeof(a));

	/* A TLV whose value runs one byte past the end, and cut headers. */
	off = 8;
	CU_ASSERT_EQUAL(ike_payload_attr_next(a, 15, &off, &at), -EBADMSG);
	off = 0;
	CU_ASSERT_EQUAL(ike_payload_attr_next(a, 3, &off, &at), -EBADMSG);
	off = 24;
	CU_ASSERT_EQUAL(ike_payload_attr_next(a, sizeof(a) - 1, &off, &at), -EBADMSG);
	off = sizeof(a) + 1;
	CU_ASSERT_EQUAL(ike_payload_attr_next(a, sizeof(a), &off, &at), -EBADMSG);
}

/* Build header + 3 payloads; the iterator must read back what was written. */
static int
build_three(uint8_t *p, size_t cap, size_t *len)
{
	static const uint8_t body[300] = { 0x5a };
	struct ike_hdr h = {
		.ispi = 0x0102030405060708ull,
		.rspi = 0x1112131415161718ull,
		.major = 2,
		.minor = 0,
		.exchange = 37,
		.flags = 0x20,
		.msgid = 0xdeadbeef,
	};
	struct ike_attr at = { .type = 14, .tv = true, .u = 128 };
	struct ike_attr lt = { .type = 12, .tv = false, .len = 4, .u = 28800 };
	struct ike_buf b;
	int rc;

	ike_payload_buf_init(&b, p, cap);
	ike_payload_hdr_build(&b, &h);
	ike_payload_begin(&b, 43, 0);
	ike_payload_buf_put(&b, body, sizeof(body));
	ike_payload_end(&b);
	ike_payload_begin(&b, 3, 0x80);
	ike_payload_attr_build(&b, &at);
	ike_payload_attr_build(&b, &lt);
	ike_payload_end(&b);
	ike_payload_begin(&b, 40, 0);
	ike_payload_buf_put32(&b, 0xa1a2a3a4);
	ike_payload_buf_put64(&b, 0xb1b2b3b4b5b6b7b8ull);
	ike_payload_buf_put16(&b, 0xc1c2);
	ike_payload_buf_put8(&b, 0xd1);
	ike_payload_buf_zero(&b, 2);
	ike_payload_end(&b);
	rc = ike_payload_buf_finish(&b);
	*len = b.len;
	return rc;
}

#define THREE_LEN (IKE_HDR_LEN + 4 + 300 + 4 + 12 + 4 + 17)

static void
test_ike_payload_build_round_trip(void)
{
	static const uint8_t tail[] = {
		0x00,
		0x00,
		0x00,
		0x15, /* last payload: next 0, length 21 */
		0xa1,
		0xa2,
		0xa3,
		0xa4,
		0xb1,
		0xb2,
		0xb3,
		0xb4,
		0xb5,
		0xb6,
		0xb7,
		0xb8,
		0xc1,
		0xc2,
		0xd1,
		0x00,
		0x00,
	};
	static const uint8_t attrs[] = {
		0x80, 0x0e, 0x00, 0x80,                         /* TV key length 128 */
		0x00, 0x0c, 0x00, 0x04, 0x00, 0x00, 0x70, 0x80, /* TLV life 28800 */
	};
	uint8_t p[512];
	struct ike_payload_iter it;
	struct ike_payload pl;
	struct ike_hdr h;
	size_t len;

	CU_ASSERT_EQUAL_FATAL(build_three(p, sizeof(p), &len), 0);
	CU_ASSERT_EQUAL_FATAL(len, THREE_LEN);
	CU_ASSERT_EQUAL_FATAL(ike_payload_hdr_parse(p, len, &h), 0);
	CU_ASSERT_EQUAL(h.ispi, 0x0102030405060708ull);
	CU_ASSERT_EQUAL(h.rspi, 0x1112131415161718ull);
	CU_ASSERT_EQUAL(h.next_payload, 43);
	CU_ASSERT_EQUAL(p[17], 0x20);
	CU_ASSERT_EQUAL(h.exchange, 37);
	CU_ASSERT_EQUAL(h.flags, 0x20);
	CU_ASSERT_EQUAL(h.msgid, 0xdeadbeef);
	CU_ASSERT_EQUAL(h.length, THREE_LEN);
	CU_ASSERT_EQUAL(memcmp(p + len - sizeof(tail), tail, sizeof(tail)), 0);

	ike_payload_iter_init(&it, p + IKE_HDR_LEN, len - IKE_HDR_LEN, h.next_payload,
	    IKE_PAYLOADS_MAX, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(ike_payload_iter_next(&it, &pl), 1);
	CU_ASSERT_EQUAL(pl.type, 43);
	CU_ASSERT_EQUAL(pl.len, 300);
	CU_ASSERT_EQUAL(pl.body[0], 0x5a);
	CU_ASSERT_EQUAL_FATAL(ike_payload_iter_next(&it, &pl), 1);
	CU_ASSERT_EQUAL(pl.type, 3);
	CU_ASSERT_TRUE(pl.critical);
	CU_ASSERT_EQUAL_FATAL(pl.len, sizeof(attrs));
	CU_ASSERT_EQUAL(memcmp(pl.body, attrs, sizeof(attrs)), 0);
	CU_ASSERT_EQUAL_FATAL(ike_payload_iter_next(&it, &pl), 1);
	CU_ASSERT_EQUAL(pl.type, 40);
	CU_ASSERT_EQUAL(pl.len, 17);
	CU_ASSERT_EQUAL(ike_payload_iter_next(&it, &pl), 0);
}

/*
 * Every capacity from 0 to one byte short: -ENOSPC and not one byte
 * written past cap (a guard region after it keeps its pattern).
 */
static void
test_ike_payload_build_overflow(void)
{
	uint8_t p[THREE_LEN + 64];
	size_t cap, len, i;
	bool guard_ok;

	for (cap = 0; cap <= THREE_LEN; cap++) {
		memset(p, 0xe7, sizeof(p));
		len = 0;
		if (cap < THREE_LEN) {
			CU_ASSERT_EQUAL(build_three(p, cap, &len), -ENOSPC);
		} else {
			CU_ASSERT_EQUAL(build_three(p, cap, &len), 0);
		}
		CU_ASSERT(len <= cap);
		guard_ok = true;
		for (i = cap; i < sizeof(p); i++)
			guard_ok = guard_ok && p[i] == 0xe7;
		if (!guard_ok)
			fprintf(stderr, "\ncap %zu: guard overwritten\n", cap);
		CU_ASSERT_TRUE(guard_ok);
	}
}

static void
test_ike_payload_build_errors(void)
{
	static uint8_t big[70000];
	uint8_t p[64];
	struct ike_attr a;
	struct ike_buf b;
	struct ike_hdr h = { .ispi = 1, .major = 1 };

	/* A payload body over 65531 bytes cannot be framed. */
	ike_payload_buf_init(&b, big, sizeof(big));
	ike_payload_begin(&b, 13, 0);
	ike_payload_buf_zero(&b, 65532);
	ike_payload_end(&b);
	CU_ASSERT_EQUAL(ike_payload_buf_finish(&b), -EMSGSIZE);
	ike_payload_buf_init(&b, big, sizeof(big));
	ike_payload_begin(&b, 13, 0);
	ike_payload_buf_zero(&b, 65531);
	ike_payload_end(&b);
	CU_ASSERT_EQUAL(ike_payload_buf_finish(&b), 0);
	CU_ASSERT_EQUAL(big[2], 0xff);
	CU_ASSERT_EQUAL(big[3], 0xff);

	/* A message over IKE_MSG_MAX. */
	ike_payload_buf_init(&b, big, sizeof(big));
	ike_payload_hdr_build(&b, &h);
	ike_payload_begin(&b, 13, 0);
	ike_payload_buf_zero(&b, 60000);
	ike_payload_end(&b);
	ike_payload_begin(&b, 13, 0);
	ike_payload_buf_zero(&b, IKE_MSG_MAX - 60000);
	ike_payload_end(&b);
	CU_ASSERT_EQUAL(ike_payload_buf_finish(&b), -EMSGSIZE);

	/* Payload left open; end without begin; begin inside begin. */
	ike_payload_buf_init(&b, p, sizeof(p));
	ike_payload_begin(&b, 13, 0);
	CU_ASSERT_EQUAL(ike_payload_buf_finish(&b), -EINVAL);
	ike_payload_buf_init(&b, p, sizeof(p));
	ike_payload_end(&b);
	CU_ASSERT_EQUAL(ike_payload_buf_finish(&b), -EINVAL);
	ike_payload_buf_init(&b, p, sizeof(p));
	ike_payload_begin(&b, 13, 0);
	ike_payload_begin(&b, 13, 0);
	CU_ASSERT_EQUAL(ike_payload_buf_finish(&b), -EINVAL);

	/* Attributes the encoding cannot carry. */
	ike_payload_buf_init(&b, p, sizeof(p));
	a = (struct ike_attr){ .type = 1, .tv = true, .u = 0x10000 };
	ike_payload_attr_build(&b, &a);
	CU_ASSERT_EQUAL(b.err, -EINVAL);
	CU_ASSERT_EQUAL(b.len, 0);
	ike_payload_buf_init(&b, p, sizeof(p));
	a = (struct ike_attr){ .type = 0x8001, .tv = true, .u = 1 };
	ike_payload_attr_build(&b, &a);
	CU_ASSERT_EQUAL(b.err, -EINVAL);
	ike_payload_buf_init(&b, p, sizeof(p));
	a = (struct ike_attr){ .type = 12, .len = 2, .u = 0x10000 };
	ike_payload_attr_build(&b, &a);
	CU_ASSERT_EQUAL(b.err, -EINVAL);
	/* An 8-byte TLV from u, and the sticky error after it. */
	ike_payload_buf_init(&b, p, sizeof(p));
	a = (struct ike_attr){ .type = 12, .len = 8, .u = 0x0102030405060708ull };
	ike_payload_attr_build(&b, &a);
	CU_ASSERT_EQUAL(b.err, 0);
	CU_ASSERT_EQUAL(b.len, 12);
	CU_ASSERT_EQUAL(p[3], 8);
	CU_ASSERT_EQUAL(p[4], 1);
	CU_ASSERT_EQUAL(p[11], 8);
	ike_payload_buf_fail(&b, -ENOSPC);
	ike_payload_buf_fail(&b, -EINVAL);
	ike_payload_buf_put8(&b, 1);
	CU_ASSERT_EQUAL(b.err, -ENOSPC);
	CU_ASSERT_EQUAL(b.len, 12);

	/* A length without bytes. */
	ike_payload_buf_init(&b, p, sizeof(p));
	ike_payload_buf_put(&b, NULL, 0);
	CU_ASSERT_EQUAL(b.err, 0);
	ike_payload_buf_put(&b, NULL, 1);
	CU_ASSERT_EQUAL(b.err, -EINVAL);
	CU_ASSERT_EQUAL(b.len, 0);

	/* patch16 outside what was written. */
	ike_payload_buf_init(&b, p, sizeof(p));
	ike_payload_buf_put8(&b, 1);
	ike_payload_buf_patch16(&b, 0, 7);
	CU_ASSERT_EQUAL(b.err, -EINVAL);
}

/* A body built without a header (an encrypted IKEv1 body): the first type is kept. */
static void
test_ike_payload_build_body(void)
{
	uint8_t p[32];
	struct ike_payload_iter it;
	struct ike_payload pl;
	struct ike_buf b;

	ike_payload_buf_init(&b, p, sizeof(p));
	ike_payload_begin(&b, 8, 0);
	ike_payload_buf_put8(&b, 0x11);
	ike_payload_end(&b);
	ike_payload_begin(&b, 11, 0);
	ike_payload_end(&b);
	CU_ASSERT_EQUAL_FATAL(ike_payload_buf_finish(&b), 0);
	CU_ASSERT_EQUAL(b.first, 8);
	CU_ASSERT_EQUAL(b.len, 9);
	CU_ASSERT_EQUAL(p[0], 11); /* back-patched Next Payload */
	CU_ASSERT_EQUAL(p[3], 5);
	CU_ASSERT_EQUAL(p[5], 0);
	CU_ASSERT_EQUAL(p[8], 4);
	ike_payload_iter_init(&it, p, b.len, b.first, IKE_PAYLOADS_MAX, NULL, 0);
	CU_ASSERT_EQUAL(ike_payload_iter_next(&it, &pl), 1);
	CU_ASSERT_EQUAL(pl.type, 8);
	CU_ASSERT_EQUAL(ike_payload_iter_next(&it, &pl), 1);
	CU_ASSERT_EQUAL(pl.type, 11);
	CU_ASSERT_EQUAL(pl.len, 0);
	CU_ASSERT_EQUAL(ike_payload_iter_next(&it, &pl), 0);
}

int main(void);

int
main(void)
{
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{ "test_ike_payload_hdr_parse_ok", test_ike_payload_hdr_parse_ok },
		{ "test_ike_payload_hdr_parse_bad", test_ike_payload_hdr_parse_bad },
		{ "test_ike_payload_iter_ok", test_ike_payload_iter_ok },
		{ "test_ike_payload_iter_table", test_ike_payload_iter_table },
		{ "test_ike_payload_iter_unknown", test_ike_payload_iter_unknown },
		{ "test_ike_payload_iter_limit", test_ike_payload_iter_limit },
		{ "test_ike_payload_attr_next", test_ike_payload_attr_next },
		{ "test_ike_payload_build_round_trip", test_ike_payload_build_round_trip },
		{ "test_ike_payload_build_overflow", test_ike_payload_build_overflow },
		{ "test_ike_payload_build_errors", test_ike_payload_build_errors },
		{ "test_ike_payload_build_body", test_ike_payload_build_body },
	};
	CU_pSuite s;
	unsigned int fails;
	size_t i;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("ike_payload", NULL, NULL);
	for (i = 0; i < DIM(tests); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return fails == 0 ? 0 : 1;
}
