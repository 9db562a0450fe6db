/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/slowpath/ike/test_ikev2_cookie.c: IKEv2 COOKIE (RFC 7296 §2.6): the cookie itself, the exchange between two engines, floods. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "config/config.h"
#include "slowpath/ike/ike.h"
#include "slowpath/ike/ike_crypto.h"
#include "slowpath/ike/ike_payload.h"
#include "slowpath/ike/ikev2_cookie.h"
#include "slowpath/ike/ikev2_msg.h"
#include "slowpath/ike/ikev2_sm.h"

#include "harness.h"

/*
 * Two engines back to back (harness.h), "I" (192.0.2.1) and "R"
 * (192.0.2.2).  With R asking for cookies:
 *
 *   I  IKE_SA_INIT SAi1 KEi Ni N(NAT-D) ...  -->
 *       <-- IKE_SA_INIT N(COOKIE)
 *   I  IKE_SA_INIT N(COOKIE) SAi1 KEi Ni N(NAT-D) ...  -->
 *       <-- IKE_SA_INIT SAr1 KEr Nr N(NAT-D) ...
 *   I  IKE_AUTH ...  -->
 *       <-- IKE_AUTH ...
 */

static struct ikev2_msg pm; /* parsed copies of wire messages: 6 KB and more */

/* Parse @w into pm: true when it parses. */
static bool
parse(const struct msg *w)
{
	return ikev2_msg_parse(w->p, w->len, &pm) == 0;
}

/* Is @w a cookie answer: IKE_SA_INIT response, SPIr 0, N(COOKIE) and nothing else? */
static bool
is_cookie_answer(const struct msg *w)
{
	return parse(w) && pm.hdr.exchange == IKEV2_EXCH_IKE_SA_INIT &&
	    (pm.hdr.flags & IKEV2_FLAG_R) != 0 && pm.hdr.rspi == 0 && pm.n_payloads == 1 &&
	    pm.n_notifies == 1 && pm.notifies[0].type == IKEV2_N_COOKIE;
}

/* Does the IKE_SA_INIT request @w open with N(COOKIE) (its data in *ck, *len)? */
static bool
opens_with_cookie(const struct msg *w, const uint8_t **ck, size_t *len)
{
	if (!parse(w) || pm.n_payloads == 0 || pm.payloads[0].type != IKEV2_PL_NOTIFY ||
	    pm.notifies[0].type != IKEV2_N_COOKIE)
		return false;
	*ck = pm.notifies[0].data;
	*len = pm.notifies[0].data_len;
	return true;
}

/*
 * The IKE_SA_INIT request @req (without a cookie) with SPIi @spi and
 * N(COOKIE) @ck first (with an SPI of @spi_len bytes: not a cookie's
 * shape), into @out; the length.
 */
static size_t
with_cookie(const struct msg *req, uint64_t spi, const uint8_t *ck, size_t ck_len, uint8_t spi_len,
    uint8_t *out, size_t size)
{
	static const uint8_t zspi[8];
	struct ike_buf b;
	int n;

	ike_payload_buf_init(&b, out, size);
	ikev2_msg_build_hdr(&b, spi, 0, IKEV2_EXCH_IKE_SA_INIT, IKEV2_FLAG_I, 0);
	ikev2_msg_build_notify(&b, spi_len > 0 ? IKEV2_PROTO_IKE : 0, spi_len > 0 ? zspi : NULL,
	    spi_len, IKEV2_N_COOKIE, ck, ck_len);
	ike_payload_buf_put(&b, req->p + IKE_HDR_LEN, req->len - IKE_HDR_LEN);
	n = ikev2_msg_build_finish(&b);
	CU_ASSERT_FATAL(n > 0);
	out[IKE_HDR_LEN] = req->p[IKE_HDR_NP_OFF];
	return (size_t)n;
}

/* @req with SPIi @spi (no cookie), into @out. */
static size_t
with_spi(const struct msg *req, uint64_t spi, uint8_t *out)
{
	int i;

	memcpy(out, req->p, req->len);
	for (i = 7; i >= 0; i--, spi >>= 8)
		out[i] = (uint8_t)spi;
	return req->len;
}

static void
addr6(struct ike_addr *a, unsigned int n)
{
	static const uint8_t pfx[4] = { 0x20, 0x01, 0x0d, 0xb8 };

	memset(a, 0, sizeof(*a));
	a->a.family = 6;
	memcpy(a->a.addr, pfx, sizeof(pfx));
	a->a.addr[6] = 0xc0;
	a->a.addr[14] = (uint8_t)(n >> 8);
	a->a.addr[15] = (uint8_t)n;
	a->port = 500;
}

static void
check_up(const struct peer *p)
{
	struct ikev2_stats st = v2_stats(p);

	CU_ASSERT_EQUAL(st.ike_done, 1);
	CU_ASSERT_EQUAL(st.child_done, 1);
	CU_ASSERT_EQUAL(st.sas[IKE_SA_STATE_ESTABLISHED], 1);
	CU_ASSERT_EQUAL(st.children, 1);
}

/* ---- the cookie itself ---- */

static int
secret_hook(uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)i;
	return 0;
}

/*
 * The cookie's bytes for a known secret (0x00..0x1f, from the random
 * hook): version 1, then HMAC-SHA-256(secret, Ni | IPi | SPIi), the MAC
 * computed apart (Python's hmac module).
 */
static void
test_ikev2_cookie_format(void)
{
	static const uint8_t mac4[32] = { 0x21, 0x08, 0x4b, 0xd2, 0xe4, 0x84, 0xf2, 0x78, 0xca,
		0x45, 0x4b, 0x28, 0xac, 0xc3, 0x73, 0xb1, 0xd9, 0x9c, 0x71, 0x44, 0x0e, 0x8a, 0x20,
		0xfb, 0x36, 0x3d, 0x36, 0x5a, 0x56, 0x5f, 0x34, 0xb8 };
	static const uint8_t mac6[32] = { 0xd7, 0xc0, 0xd5, 0x9c, 0x43, 0x5b, 0x2c, 0xc6, 0x8d,
		0xca, 0xa7, 0x45, 0x08, 0x30, 0x06, 0xa4, 0xeb, 0x4d, 0x80, 0x07, 0x1c, 0xae, 0x90,
		0xa4, 0x24, 0x4b, 0x54, 0xf6, 0xfb, 0x5c, 0xdf, 0x61 };
	struct ikev2_cookie_secret cs;
	struct config_addr a4 = { .family = 4, .addr = { 192, 0, 2, 1 } };
	struct config_addr a6 = { .family = 6, .addr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } };
	uint8_t ni[32], ck[IKEV2_COOKIE_LEN];
	unsigned int i;

	memset(&cs, 0, sizeof(cs));
	for (i = 0; i < sizeof(ni); i++)
		ni[i] = (uint8_t)(0xa0 + i);
	ike_crypto_random_set_hook(secret_hook);
	CU_ASSERT_EQUAL(ikev2_cookie_make(&cs, S, ni, sizeof(ni), &a4, 0x0102030405060708ull, ck,
	                    sizeof(ck)),
	    IKEV2_COOKIE_LEN);
	ike_crypto_random_set_hook(NULL);
	CU_ASSERT_EQUAL(ike_get32(ck), 1);
	CU_ASSERT_EQUAL(memcmp(ck + 4, mac4, sizeof(mac4)), 0);
	CU_ASSERT_EQUAL(ikev2_cookie_make(&cs, S, ni, sizeof(ni), &a6, 0x0102030405060708ull, ck,
	                    sizeof(ck)),
	    IKEV2_COOKIE_LEN);
	CU_ASSERT_EQUAL(memcmp(ck + 4, mac6, sizeof(mac6)), 0);
	CU_ASSERT_TRUE(
	    ikev2_cookie_valid(&cs, S, ck, sizeof(ck), ni, sizeof(ni), &a6, 0x0102030405060708ull));
	/* each input is bound: another SPI, address or nonce, or a short buffer */
	CU_ASSERT_FALSE(
	    ikev2_cookie_valid(&cs, S, ck, sizeof(ck), ni, sizeof(ni), &a6, 0x0102030405060709ull));
	CU_ASSERT_FALSE(
	    ikev2_cookie_valid(&cs, S, ck, sizeof(ck), ni, sizeof(ni), &a4, 0x0102030405060708ull));
	CU_ASSERT_FALSE(ikev2_cookie_valid(&cs, S, ck, sizeof(ck), ni, sizeof(ni) - 1, &a6,
	    0x0102030405060708ull));
	CU_ASSERT_FALSE(ikev2_cookie_valid(&cs, S, ck, sizeof(ck) - 1, ni, sizeof(ni), &a6,
	    0x0102030405060708ull));
	CU_ASSERT_EQUAL(ikev2_cookie_make(&cs, S, ni, sizeof(ni), &a6, 1, ck, sizeof(ck) - 1),
	    -EIO);
	ikev2_cookie_fini(&cs);
	CU_ASSERT_FALSE(cs.ready);
}

/* Rotation: the previous secret's cookies stay good, the one before is refused; by time too. */
static void
test_ikev2_cookie_rotation(void)
{
	struct ikev2_cookie_secret cs;
	struct config_addr a = { .family = 4, .addr = { 192, 0, 2, 1 } };
	uint8_t ni[16] = { 7 }, c1[IKEV2_COOKIE_LEN] = { 0 }, c2[IKEV2_COOKIE_LEN],
	        c3[IKEV2_COOKIE_LEN];
	uint64_t t = 5 * S;

	memset(&cs, 0, sizeof(cs));
	CU_ASSERT_FALSE(ikev2_cookie_valid(&cs, t, c1, sizeof(c1), ni, sizeof(ni), &a, 9));
	CU_ASSERT_EQUAL(ikev2_cookie_make(&cs, t, ni, sizeof(ni), &a, 9, c1, sizeof(c1)),
	    IKEV2_COOKIE_LEN);
	CU_ASSERT_EQUAL(ikev2_cookie_rotate(&cs, t), 0);
	CU_ASSERT_TRUE(ikev2_cookie_valid(&cs, t, c1, sizeof(c1), ni, sizeof(ni), &a, 9));
	CU_ASSERT_EQUAL(ikev2_cookie_make(&cs, t, ni, sizeof(ni), &a, 9, c2, sizeof(c2)),
	    IKEV2_COOKIE_LEN);
	CU_ASSERT_NOT_EQUAL(memcmp(c1, c2, sizeof(c1)), 0);
	CU_ASSERT_EQUAL(ike_get32(c2), ike_get32(c1) + 1);
	CU_ASSERT_EQUAL(ikev2_cookie_rotate(&cs, t), 0);
	CU_ASSERT_FALSE(ikev2_cookie_valid(&cs, t, c1, sizeof(c1), ni, sizeof(ni), &a, 9));
	CU_ASSERT_TRUE(ikev2_cookie_valid(&cs, t, c2, sizeof(c2), ni, sizeof(ni), &a, 9));
	/* a version from the future, with the current MAC: refused */
	CU_ASSERT_EQUAL(ikev2_cookie_make(&cs, t, ni, sizeof(ni), &a, 9, c3, sizeof(c3)),
	    IKEV2_COOKIE_LEN);
	c3[3] += 2;
	CU_ASSERT_FALSE(ikev2_cookie_valid(&cs, t, c3, sizeof(c3), ni, sizeof(ni), &a, 9));
	c3[3] -= 2;
	/* by time: the secret lives IKEV2_COOKIE_LIFE_NS, then is the previous one */
	CU_ASSERT_TRUE(ikev2_cookie_valid(&cs, t + IKEV2_COOKIE_LIFE_NS - 1, c3, sizeof(c3), ni,
	    sizeof(ni), &a, 9));
	CU_ASSERT_EQUAL(ike_get32(c3), cs.version);
	CU_ASSERT_TRUE(ikev2_cookie_valid(&cs, t + IKEV2_COOKIE_LIFE_NS, c3, sizeof(c3), ni,
	    sizeof(ni), &a, 9));
	CU_ASSERT_EQUAL(ike_get32(c3) + 1, cs.version);
	CU_ASSERT_FALSE(ikev2_cookie_valid(&cs, t + IKEV2_COOKIE_LIFE_NS, c2, sizeof(c2), ni,
	    sizeof(ni), &a, 9));
	/* and one lifetime later, the one before is gone */
	CU_ASSERT_FALSE(ikev2_cookie_valid(&cs, t + 2 * IKEV2_COOKIE_LIFE_NS, c3, sizeof(c3), ni,
	    sizeof(ni), &a, 9));
	/* unused for two lifetimes at once: nothing older is kept */
	CU_ASSERT_EQUAL(ikev2_cookie_make(&cs, t + 2 * IKEV2_COOKIE_LIFE_NS, ni, sizeof(ni), &a, 9,
	                    c3, sizeof(c3)),
	    IKEV2_COOKIE_LEN);
	CU_ASSERT_FALSE(ikev2_cookie_valid(&cs, t + 4 * IKEV2_COOKIE_LIFE_NS, c3, sizeof(c3), ni,
	    sizeof(ni), &a, 9));
	CU_ASSERT_FALSE(cs.have_prev);
	ikev2_cookie_fini(&cs);
}

/* ---- two engines ---- */

/* Threshold 0: every IKE_SA_INIT needs a cookie; the round trip, then the SA as usual. */
static void
test_ikev2_cookie_always(void)
{
	struct ikev2_stats si, sr;
	const uint8_t *ck = NULL;
	size_t len = 0, skip;

	setup();
	pr.cfg.ike.cookie_threshold = 0;
	start();
	CU_ASSERT_EQUAL_FATAL(ikev2_initiate(pi.e, now, 0), 0);
	pump();
	CU_ASSERT_EQUAL(n_sent, 6);
	CU_ASSERT_EQUAL(pi.n_up, 1);
	CU_ASSERT_EQUAL(pr.n_up, 1);
	check_mirror(&pi.ups[0], &pr.ups[0]);
	check_up(&pi);
	check_up(&pr);
	/* the answer: N(COOKIE) alone, under I's SPI */
	CU_ASSERT_TRUE(is_cookie_answer(&sent[1]));
	CU_ASSERT_EQUAL(pm.notifies[0].data_len, IKEV2_COOKIE_LEN);
	CU_ASSERT_EQUAL(memcmp(sent[1].p, sent[0].p, 8), 0);
	/* the request again: the cookie first, the rest byte for byte as before */
	CU_ASSERT_FATAL(opens_with_cookie(&sent[2], &ck, &len));
	CU_ASSERT_EQUAL(len, IKEV2_COOKIE_LEN);
	CU_ASSERT_EQUAL(memcmp(ck, sent[1].p + sent[1].len - len, len), 0);
	skip = 8 + len; /* the notify's generic header, proto, SPI size, type */
	CU_ASSERT_EQUAL_FATAL(sent[2].len, sent[0].len + skip);
	CU_ASSERT_EQUAL(memcmp(sent[2].p, sent[0].p, IKE_HDR_NP_OFF), 0);
	CU_ASSERT_EQUAL(sent[2].p[IKE_HDR_NP_OFF], IKEV2_PL_NOTIFY);
	CU_ASSERT_EQUAL(sent[2].p[IKE_HDR_LEN], sent[0].p[IKE_HDR_NP_OFF]);
	CU_ASSERT_EQUAL(memcmp(sent[2].p + IKE_HDR_LEN + skip, sent[0].p + IKE_HDR_LEN,
	                    sent[0].len - IKE_HDR_LEN),
	    0);
	si = v2_stats(&pi);
	sr = v2_stats(&pr);
	CU_ASSERT_EQUAL(sr.cookies_sent, 1);
	CU_ASSERT_EQUAL(sr.cookies_valid, 1);
	CU_ASSERT_EQUAL(sr.cookies_invalid, 0);
	CU_ASSERT_EQUAL(si.cookie_retries, 1);
	CU_ASSERT_EQUAL(sr.notifies_sent, 0);
	teardown();
}

/* Below the threshold (the default 100): no cookie asked, four messages. */
static void
test_ikev2_cookie_below_threshold(void)
{
	setup();
	start();
	CU_ASSERT_EQUAL_FATAL(ikev2_initiate(pi.e, now, 0), 0);
	pump();
	CU_ASSERT_EQUAL(n_sent, 4);
	check_up(&pr);
	CU_ASSERT_EQUAL(v2_stats(&pr).cookies_sent, 0);
	CU_ASSERT_EQUAL(v2_stats(&pi).cookie_retries, 0);
	teardown();
}

static unsigned int corrupt_left;

/* Flip a bit of the MAC of the next corrupt_left cookie answers. */
static void
corrupt_batch(struct msg *batch, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (corrupt_left > 0 && is_cookie_answer(&batch[i])) {
			batch[i].p[batch[i].len - 1] ^= 0x40;
			corrupt_left--;
		}
		deliver(&batch[i]);
		free(batch[i].p);
	}
}

/* A wrong cookie (its MAC changed on the way): R asks again with a new one, then the SA. */
static void
test_ikev2_cookie_wrong(void)
{
	struct ikev2_stats si, sr;

	setup();
	pr.cfg.ike.cookie_threshold = 0;
	start();
	corrupt_left = 1;
	harness_hooks.batch = corrupt_batch;
	CU_ASSERT_EQUAL_FATAL(ikev2_initiate(pi.e, now, 0), 0);
	pump();
	CU_ASSERT_EQUAL(n_sent, 8);
	CU_ASSERT_TRUE(is_cookie_answer(&sent[1]));
	CU_ASSERT_TRUE(is_cookie_answer(&sent[3]));
	check_up(&pi);
	check_up(&pr);
	si = v2_stats(&pi);
	sr = v2_stats(&pr);
	CU_ASSERT_EQUAL(sr.cookies_sent, 2);
	CU_ASSERT_EQUAL(sr.cookies_invalid, 1);
	CU_ASSERT_EQUAL(sr.cookies_valid, 1);
	CU_ASSERT_EQUAL(si.cookie_retries, 2);
	teardown();
}

/*
 * The secret changes between the cookie and the request with it: the
 * previous secret's cookie is good; after two changes it is not, and a
 * new cookie is asked for.
 */
static void
test_ikev2_cookie_rotated(void)
{
	unsigned int round;

	for (round = 0; round < 2; round++) {
		struct ikev2_stats si, sr;

		setup();
		pr.cfg.ike.cookie_threshold = 0;
		hold = 2; /* I's request with the cookie */
		start();
		CU_ASSERT_EQUAL_FATAL(ikev2_initiate(pi.e, now, 0), 0);
		pump();
		CU_ASSERT_FATAL(have_held);
		/* no ticks: I does not retransmit meanwhile */
		now += (round + 1) * IKEV2_COOKIE_LIFE_NS + S;
		deliver(&held);
		pump();
		check_up(&pi);
		check_up(&pr);
		si = v2_stats(&pi);
		sr = v2_stats(&pr);
		CU_ASSERT_EQUAL(sr.cookies_valid, 1);
		CU_ASSERT_EQUAL(sr.cookies_invalid, round);
		CU_ASSERT_EQUAL(sr.cookies_sent, 1 + round);
		CU_ASSERT_EQUAL(si.cookie_retries, 1 + round);
		teardown();
	}
}

/*
 * Cookies and INVALID_KE_PAYLOAD (RFC 7296 §2.6.1): I's first group is
 * not R's.  The cookie, then INVALID_KE_PAYLOAD to the request with it,
 * then the request with the cookie, the other KE and the same Ni: good
 * (the shorter exchange), no second cookie.
 */
static void
test_ikev2_cookie_invalid_ke(void)
{
	struct ikev2_stats si, sr;
	uint8_t ni0[IKEV2_NONCE_MAX];
	size_t ni0_len;
	const uint8_t *ck = NULL, *ck2 = NULL;
	size_t len = 0, len2 = 0;

	setup();
	pi.conn[0].n_proposals = 2;
	ike_prop(&pi.conn[0].proposals[1], 128, 5, 31, "aes128-sha256-x25519");
	pr.conn[0].proposals[0].dh = 31;
	pr.cfg.ike.cookie_threshold = 0;
	start();
	CU_ASSERT_EQUAL_FATAL(ikev2_initiate(pi.e, now, 0), 0);
	pump();
	CU_ASSERT_EQUAL(n_sent, 8);
	check_up(&pi);
	check_up(&pr);
	si = v2_stats(&pi);
	sr = v2_stats(&pr);
	CU_ASSERT_EQUAL(sr.cookies_sent, 1);
	CU_ASSERT_EQUAL(sr.cookies_valid, 2);
	CU_ASSERT_EQUAL(sr.invalid_ke_sent, 1);
	CU_ASSERT_EQUAL(si.cookie_retries, 1);
	CU_ASSERT_EQUAL(si.invalid_ke_retries, 1);
	CU_ASSERT_TRUE(is_cookie_answer(&sent[1]));
	CU_ASSERT_TRUE(parse(&sent[3]));
	CU_ASSERT_PTR_NOT_NULL(ikev2_msg_notify_find(&pm, IKEV2_N_INVALID_KE_PAYLOAD));
	/* sent[4]: the cookie first again, KE of group 31, Ni as in sent[0] */
	CU_ASSERT_FATAL(parse(&sent[0]));
	ni0_len = pm.nonce.len;
	memcpy(ni0, pm.nonce.p, ni0_len);
	CU_ASSERT_FATAL(opens_with_cookie(&sent[2], &ck, &len));
	CU_ASSERT_FATAL(opens_with_cookie(&sent[4], &ck2, &len2));
	CU_ASSERT_EQUAL(len2, len);
	CU_ASSERT_EQUAL(memcmp(ck2, sent[1].p + sent[1].len - len, len), 0);
	CU_ASSERT_EQUAL(pm.ke.group, 31);
	CU_ASSERT_EQUAL(pm.nonce.len, ni0_len);
	CU_ASSERT_EQUAL(memcmp(pm.nonce.p, ni0, ni0_len), 0);
	teardown();
}

/*
 * A burst of IKE_SA_INIT requests from 1000 spoofed IPv6 sources with
 * cookie_threshold 10: ten responder SAs, then cookies only (no state);
 * wrong cookies too; a real initiator still gets through (with a
 * cookie); the ten go at half_open_timeout.
 */
static void
test_ikev2_cookie_flood(void)
{
	static uint8_t buf[IKE_MSG_MAX];
	uint8_t junk[IKEV2_COOKIE_LEN];
	struct ike_addr l = { .port = 500 }, r;
	struct ikev2_stats sr;
	struct msg req;
	unsigned int i;
	size_t n;

	setup();
	pr.cfg.ike.cookie_threshold = 10;
	pr.conn[0].n_remote_addrs = 0; /* anyone */
	start();
	l.a = pr.addr;
	/* a real request of I, taken off the wire, as the flood's model */
	CU_ASSERT_EQUAL_FATAL(ikev2_initiate(pi.e, now, 0), 0);
	CU_ASSERT_EQUAL_FATAL(n_wire, 1);
	msg_copy(&req, &wire[0].from, &wire[0].to, wire[0].p, wire[0].len);
	clear_wire();
	for (i = 0; i < 1000; i++) {
		addr6(&r, i);
		n = with_spi(&req, 0xf100d00000000000ull + i, buf);
		ikev2_input(pr.e, now, &l, &r, buf, n);
		if (n_wire > 400) {
			clear_wire();
			clear_sent();
		}
	}
	sr = v2_stats(&pr);
	CU_ASSERT_EQUAL(sr.half_open, 10);
	CU_ASSERT_EQUAL(sr.sas[IKE_SA_STATE_CONNECTING], 10);
	CU_ASSERT_EQUAL(sr.cookies_sent, 990);
	CU_ASSERT_EQUAL(sr.tx, 1000);
	CU_ASSERT_EQUAL(sr.tx_failed, 0);
	/* cookies that are not ours (random MACs, the current version): no state either */
	memset(junk, 0xa5, sizeof(junk));
	for (i = 0; i < 500; i++) {
		addr6(&r, 2000 + i);
		junk[IKEV2_COOKIE_LEN - 1] = (uint8_t)i;
		junk[3] = 1;
		n = with_cookie(&req, 0xf100e00000000000ull + i, junk, sizeof(junk), 0, buf,
		    sizeof(buf));
		ikev2_input(pr.e, now, &l, &r, buf, n);
		if (n_wire > 400) {
			clear_wire();
			clear_sent();
		}
	}
	sr = v2_stats(&pr);
	CU_ASSERT_EQUAL(sr.sas[IKE_SA_STATE_CONNECTING], 10);
	CU_ASSERT_EQUAL(sr.cookies_invalid, 500);
	CU_ASSERT_EQUAL(sr.cookies_valid, 0);
	CU_ASSERT_EQUAL(sr.cookies_sent, 1490);
	CU_ASSERT_EQUAL(sr.dropped[IKE_DROP_HALF_OPEN], 0);
	/* I's own request: a cookie, then the SA */
	clear_wire();
	clear_sent();
	deliver(&req);
	pump();
	CU_ASSERT_EQUAL(n_sent, 5);
	CU_ASSERT_TRUE(is_cookie_answer(&sent[0]));
	check_up(&pi);
	sr = v2_stats(&pr);
	CU_ASSERT_EQUAL(sr.ike_done, 1);
	CU_ASSERT_EQUAL(sr.cookies_valid, 1);
	CU_ASSERT_EQUAL(sr.half_open, 10);
	/* the spoofed ones' SAs go at the half-open timeout */
	advance(31 * S);
	sr = v2_stats(&pr);
	CU_ASSERT_EQUAL(sr.half_open, 0);
	CU_ASSERT_EQUAL(sr.half_open_timeouts, 10);
	CU_ASSERT_EQUAL(sr.sas[IKE_SA_STATE_ESTABLISHED], 1);
	free(req.p);
	teardown();
}

/*
 * With a valid cookie the per-source limit still applies: a source that
 * does return cookies gets half_open_per_source SAs, no more.
 */
static void
test_ikev2_cookie_per_source(void)
{
	static uint8_t buf[IKE_MSG_MAX];
	struct ike_addr l = { .port = 500 }, r;
	struct ikev2_stats sr;
	struct msg req, a;
	unsigned int i;
	size_t n;

	setup();
	pr.cfg.ike.cookie_threshold = 0;
	pr.cfg.ike.half_open_per_source = 3;
	pr.conn[0].n_remote_addrs = 0;
	start();
	l.a = pr.addr;
	CU_ASSERT_EQUAL_FATAL(ikev2_initiate(pi.e, now, 0), 0);
	msg_copy(&req, &wire[0].from, &wire[0].to, wire[0].p, wire[0].len);
	clear_wire();
	addr6(&r, 7);
	for (i = 0; i < 5; i++) {
		clear_sent();
		n = with_spi(&req, 0xf100f00000000000ull + i, buf);
		ikev2_input(pr.e, now, &l, &r, buf, n);
		CU_ASSERT_FATAL(n_sent == 1 && is_cookie_answer(&sent[0]));
		msg_copy(&a, &sent[0].from, &sent[0].to, sent[0].p, sent[0].len);
		CU_ASSERT_FATAL(parse(&a));
		n = with_cookie(&req, 0xf100f00000000000ull + i, pm.notifies[0].data,
		    pm.notifies[0].data_len, 0, buf, sizeof(buf));
		free(a.p);
		ikev2_input(pr.e, now, &l, &r, buf, n);
	}
	sr = v2_stats(&pr);
	CU_ASSERT_EQUAL(sr.cookies_valid, 5);
	CU_ASSERT_EQUAL(sr.half_open, 3);
	CU_ASSERT_EQUAL(sr.dropped[IKE_DROP_HALF_OPEN], 2);
	free(req.p);
	teardown();
}

/*
 * Malformed cookie notifies at a responder that asks for cookies: empty,
 * short, long, over 64 bytes, with an SPI, not the first payload, twice,
 * random bytes of random lengths.  Never a crash, never state, a fresh
 * cookie each time.
 */
static void
test_ikev2_cookie_malformed(void)
{
	static uint8_t buf[IKE_MSG_MAX], ck[128];
	const uint8_t *good;
	struct ike_addr l = { .port = 500 }, r;
	struct ikev2_stats sr;
	struct msg req, a;
	uint64_t sent_before;
	uint32_t x = 0x12345678;
	unsigned int i, k, answered = 0;
	size_t n, glen;
	static const size_t lens[] = { 0, 1, 4, 35, 37, 64, 65, 128 };

	setup();
	pr.cfg.ike.cookie_threshold = 0;
	pr.cfg.ike.half_open_per_source = 1000;
	start();
	l.a = pr.addr;
	r.a = pi.addr;
	r.port = 500;
	CU_ASSERT_EQUAL_FATAL(ikev2_initiate(pi.e, now, 0), 0);
	msg_copy(&req, &wire[0].from, &wire[0].to, wire[0].p, wire[0].len);
	clear_wire();
	/* a good cookie for SPI 1, to misplace */
	n = with_spi(&req, 1, buf);
	ikev2_input(pr.e, now, &l, &r, buf, n);
	CU_ASSERT_FATAL(is_cookie_answer(&sent[n_sent - 1]));
	msg_copy(&a, &sent[n_sent - 1].from, &sent[n_sent - 1].to, sent[n_sent - 1].p,
	    sent[n_sent - 1].len);
	CU_ASSERT_FATAL(parse(&a));
	good = pm.notifies[0].data;
	glen = pm.notifies[0].data_len;
	sent_before = v2_stats(&pr).cookies_sent;
	for (i = 0; i < DIM(lens); i++) {
		memset(ck, 0x5a, sizeof(ck));
		if (lens[i] >= 4)
			memcpy(ck, good, 4); /* the current version */
		n = with_cookie(&req, 1, ck, lens[i], 0, buf, sizeof(buf));
		ikev2_input(pr.e, now, &l, &r, buf, n);
	}
	/* the good cookie with an SPI in the notify */
	n = with_cookie(&req, 1, good, glen, 8, buf, sizeof(buf));
	ikev2_input(pr.e, now, &l, &r, buf, n);
	/* the good cookie for another SPI */
	n = with_cookie(&req, 2, good, glen, 0, buf, sizeof(buf));
	ikev2_input(pr.e, now, &l, &r, buf, n);
	/* the good cookie, not first: after the SA payload (the chain rebuilt by hand) */
	{
		struct ike_buf b;
		size_t sa_len = ike_get16(req.p + IKE_HDR_LEN + 2);
		int m;

		ike_payload_buf_init(&b, buf, sizeof(buf));
		ikev2_msg_build_hdr(&b, 1, 0, IKEV2_EXCH_IKE_SA_INIT, IKEV2_FLAG_I, 0);
		ike_payload_buf_put(&b, req.p + IKE_HDR_LEN, sa_len);
		buf[IKE_HDR_NP_OFF] = IKEV2_PL_SA;
		buf[IKE_HDR_LEN] = IKEV2_PL_NOTIFY;
		b.np_off = IKE_BUF_NONE;
		ikev2_msg_build_notify(&b, 0, NULL, 0, IKEV2_N_COOKIE, good, glen);
		ike_payload_buf_put(&b, req.p + IKE_HDR_LEN + sa_len,
		    req.len - IKE_HDR_LEN - sa_len);
		m = ikev2_msg_build_finish(&b);
		CU_ASSERT_FATAL(m > 0);
		buf[IKE_HDR_LEN + sa_len] =
		    req.p[IKE_HDR_LEN]; /* the notify's next: the SA's was */
		CU_ASSERT_FATAL(ikev2_msg_parse(buf, (size_t)m, &pm) == 0);
		CU_ASSERT_EQUAL(pm.payloads[1].type, IKEV2_PL_NOTIFY);
		ikev2_input(pr.e, now, &l, &r, buf, (size_t)m);
	}
	sr = v2_stats(&pr);
	CU_ASSERT_EQUAL(sr.cookies_valid, 0);
	CU_ASSERT_EQUAL(sr.sas[IKE_SA_STATE_CONNECTING], 0);
	CU_ASSERT_EQUAL(sr.cookies_sent - sent_before, DIM(lens) + 3);
	CU_ASSERT_EQUAL(sr.cookies_invalid, DIM(lens) + 2);
	/* random cookies of random lengths */
	for (i = 0; i < 2000; i++) {
		size_t len;

		x = x * 1103515245u + 12345u;
		len = (x >> 8) % 80;
		for (k = 0; k < len; k++) {
			x = x * 1103515245u + 12345u;
			ck[k] = (uint8_t)(x >> 16);
		}
		if (len >= 4 && (i & 1))
			memcpy(ck, good, 4);
		n = with_cookie(&req, 1, ck, len, 0, buf, sizeof(buf));
		ikev2_input(pr.e, now, &l, &r, buf, n);
		if (n_wire > 0 && is_cookie_answer(&wire[n_wire - 1]))
			answered++;
		clear_wire();
		clear_sent();
	}
	sr = v2_stats(&pr);
	CU_ASSERT_EQUAL(answered, 2000);
	CU_ASSERT_EQUAL(sr.cookies_valid, 0);
	CU_ASSERT_EQUAL(sr.sas[IKE_SA_STATE_CONNECTING], 0);
	CU_ASSERT_EQUAL(sr.half_open, 0);
	/* and the good one, first, still works */
	n = with_cookie(&req, 1, good, glen, 0, buf, sizeof(buf));
	ikev2_input(pr.e, now, &l, &r, buf, n);
	sr = v2_stats(&pr);
	CU_ASSERT_EQUAL(sr.cookies_valid, 1);
	CU_ASSERT_EQUAL(sr.sas[IKE_SA_STATE_CONNECTING], 1);
	free(a.p);
	free(req.p);
	teardown();
}

/* An IKE_SA_INIT answer to I holding N(COOKIE) of @len bytes (0x33 each). */
static void
cookie_to_i(uint64_t spi, size_t len)
{
	static uint8_t buf[256], ck[128];
	struct ike_addr l = { .a = pi.addr, .port = 500 }, r = { .a = pr.addr, .port = 500 };
	struct ike_buf b;
	int n;

	memset(ck, 0x33, sizeof(ck));
	ike_payload_buf_init(&b, buf, sizeof(buf));
	ikev2_msg_build_hdr(&b, spi, 0, IKEV2_EXCH_IKE_SA_INIT, IKEV2_FLAG_R, 0);
	ikev2_msg_build_notify(&b, 0, NULL, 0, IKEV2_N_COOKIE, ck, len);
	n = ikev2_msg_build_finish(&b);
	CU_ASSERT_FATAL(n > 0);
	ikev2_input(pi.e, now, &l, &r, buf, (size_t)n);
}

/*
 * The initiator's side: cookies of no usable size are ignored (the
 * request goes on being retransmitted); a responder that asks for a
 * cookie again and again is given up after IKEV2_COOKIE_TRIES.
 */
static void
test_ikev2_cookie_initiator_bounded(void)
{
	struct ikev2_stats si;
	const uint8_t *ck = NULL;
	uint64_t spi;
	size_t len = 0;
	unsigned int i;

	setup();
	start();
	drop_all = true;
	CU_ASSERT_EQUAL_FATAL(ikev2_initiate(pi.e, now, 0), 0);
	spi = ike_get64(sent[0].p);
	cookie_to_i(spi, 0);
	cookie_to_i(spi, 65);
	cookie_to_i(spi + 1, 16); /* not our SPI */
	si = v2_stats(&pi);
	CU_ASSERT_EQUAL(n_sent, 1);
	CU_ASSERT_EQUAL(si.cookie_retries, 0);
	CU_ASSERT_EQUAL(si.dropped[IKE_DROP_MALFORMED], 2);
	CU_ASSERT_EQUAL(si.dropped[IKE_DROP_UNKNOWN_SA], 1);
	CU_ASSERT_EQUAL(si.sas[IKE_SA_STATE_CONNECTING], 1);
	for (i = 0; i < IKEV2_COOKIE_TRIES; i++) {
		cookie_to_i(spi, i == 0 ? 64 : 1 + i);
		CU_ASSERT_EQUAL(n_sent, 2 + i);
		CU_ASSERT_FATAL(opens_with_cookie(&sent[n_sent - 1], &ck, &len));
		CU_ASSERT_EQUAL(len, i == 0 ? 64 : 1 + i);
		/* one cookie notify only, the payloads after it as in the first request */
		CU_ASSERT_EQUAL(sent[n_sent - 1].len, sent[0].len + 8 + len);
		CU_ASSERT_EQUAL(memcmp(sent[n_sent - 1].p + IKE_HDR_LEN + 8 + len,
		                    sent[0].p + IKE_HDR_LEN, sent[0].len - IKE_HDR_LEN),
		    0);
	}
	si = v2_stats(&pi);
	CU_ASSERT_EQUAL(si.cookie_retries, IKEV2_COOKIE_TRIES);
	CU_ASSERT_EQUAL(si.sas[IKE_SA_STATE_CONNECTING], 1);
	/* the retransmission is the request with the last cookie */
	advance(5 * S);
	CU_ASSERT_EQUAL(n_sent, 2 + IKEV2_COOKIE_TRIES);
	CU_ASSERT_EQUAL(memcmp(sent[n_sent - 1].p, sent[n_sent - 2].p, sent[n_sent - 1].len), 0);
	cookie_to_i(spi, 8);
	si = v2_stats(&pi);
	CU_ASSERT_EQUAL(si.cookie_retries, IKEV2_COOKIE_TRIES);
	CU_ASSERT_EQUAL(si.ike_failed, 1);
	CU_ASSERT_EQUAL(si.sas[IKE_SA_STATE_CONNECTING], 0);
	teardown();
}

int
main(void)
{
	static const struct harness_test tests[] = {
		{ "test_ikev2_cookie_format", test_ikev2_cookie_format },
		{ "test_ikev2_cookie_rotation", test_ikev2_cookie_rotation },
		{ "test_ikev2_cookie_always", test_ikev2_cookie_always },
		{ "test_ikev2_cookie_below_threshold", test_ikev2_cookie_below_threshold },
		{ "test_ikev2_cookie_wrong", test_ikev2_cookie_wrong },
		{ "test_ikev2_cookie_rotated", test_ikev2_cookie_rotated },
		{ "test_ikev2_cookie_invalid_ke", test_ikev2_cookie_invalid_ke },
		{ "test_ikev2_cookie_flood", test_ikev2_cookie_flood },
		{ "test_ikev2_cookie_per_source", test_ikev2_cookie_per_source },
		{ "test_ikev2_cookie_malformed", test_ikev2_cookie_malformed },
		{ "test_ikev2_cookie_initiator_bounded", test_ikev2_cookie_initiator_bounded },
	};
	unsigned int fails;

	harness_use(&harness_ikev2);
	fails = harness_run("ikev2_cookie", tests, DIM(tests));
	return fails == 0 ? 0 : 1;
}
