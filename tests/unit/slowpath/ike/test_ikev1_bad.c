/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/slowpath/ike/test_ikev1_bad.c: bad input against two IKEv1 engines in flight: every step, every mutation class. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "common/alg.h"
#include "config/config.h"
#include "slowpath/ike/ike.h"
#include "slowpath/ike/ike_child.h"
#include "slowpath/ike/ike_payload.h"
#include "slowpath/ike/ikev1_msg.h"
#include "slowpath/ike/ikev1_test.h"

#include "harness.h"

#define MSG_MAX 2048
#define PL_MAX  32

/*
 * Two engines back to back (harness.h), "I" (192.0.2.1) and "R"
 * (192.0.2.2); the message with index `hold` (in the order sent) is
 * held back instead of delivered:
 *
 *   #  I                                    R
 *   0  MM1 SA VID... ------------------>
 *   1      <------------------------- MM2 SA VID...
 *   2  MM3 KE Ni ---------------------->
 *   3      <------------------------- MM4 KE Nr
 *   4  MM5* IDii HASH_I [N] ----------->
 *   5      <------------------------- MM6* IDir HASH_R
 *   6  QM1* HASH(1) SA Ni IDci IDcr --->
 *   7      <------------------------- QM2* HASH(2) SA Nr IDci IDcr
 *   8  QM3* HASH(3) ------------------->
 *   9  INFO* HASH(1) D(ESP) ----------->  (ikev1_child_delete at I)
 *
 * A mutated copy of the held message goes to its receiver, either
 * injected (the genuine one follows) or in its place (the genuine one is
 * lost).  Each case names the drop counter that must move (by exactly
 * one, no other), the answer RFC 2408 §5 gives (nothing, a notify in
 * the clear while the receiver has no keys, an encrypted notify, or the
 * stored reply), and whether the negotiation still completes.  The
 * answers to a bad message are looked at, then discarded: they go to the
 * spoofed sender, not into the exchange under test.
 */

/* The harness's pair, but half-open SAs live 60 s. */
static void
bad_setup(void)
{
	setup();
	pi.cfg.ike.half_open_timeout = 60;
	pr.cfg.ike.half_open_timeout = 60;
}

static int
visit_id(void *arg, const struct ike_sa_info *info)
{
	*(uint64_t *)arg = info->id;
	return 0;
}

/* The id of the (only) IKE SA of @p. */
static uint64_t
sa_id(const struct peer *p)
{
	uint64_t id = 0;

	ikev1_sa_list(p->e, 0, 1, visit_id, &id);
	return id;
}

/* ---- payload chains (struct pl, chain_split, chain_join: harness.h) ---- */

/* Rebuild a clear message from its header and @pls. */
static size_t
clear_rebuild(uint8_t *m, const struct pl *pls, int n)
{
	uint8_t body[MSG_MAX], first;
	size_t len;

	len = chain_join(pls, n, body, &first);
	memcpy(m + IKE_HDR_LEN, body, len);
	m[16] = first;
	msg_set_len(m, IKE_HDR_LEN + len);
	return IKE_HDR_LEN + len;
}

/* ---- mutations of whole datagrams (any message) ---- */

/* A mutation rewrites @m (@len bytes, MSG_MAX room) and returns the new length (0: not applicable). */
typedef size_t (*mutate_fn)(uint8_t *m, size_t len);

static size_t
m_trunc_tail(uint8_t *m, size_t len)
{
	(void)m;
	return len - 8; /* the header still says len */
}

static size_t
m_trunc_hdr(uint8_t *m, size_t len)
{
	(void)m;
	(void)len;
	return 20; /* not even an ISAKMP header */
}

static size_t
m_len_big(uint8_t *m, size_t len)
{
	msg_set_len(m, len + 16);
	return len;
}

static size_t
m_len_small(uint8_t *m, size_t len)
{
	msg_set_len(m, len - 4);
	return len;
}

static size_t
m_cookie(uint8_t *m, size_t len)
{
	if (ike_get64(m + 8) == 0)
		m[15] = 0x5a; /* MM1: a responder cookie nobody gave out */
	else
		m[7] ^= 0x5a; /* an initiator cookie we never saw */
	return len;
}

static size_t
m_exch_transaction(uint8_t *m, size_t len)
{
	m[18] = IKEV1_EXCH_TRANSACTION;
	return len;
}

static size_t
m_exch_unknown(uint8_t *m, size_t len)
{
	m[18] = 99;
	return len;
}

/* A quick mode during phase 1, a main mode message once phase 1 is up. */
static size_t
m_exch_wrong_state(uint8_t *m, size_t len)
{
	if (m[18] == IKEV1_EXCH_ID_PROT) {
		m[18] = IKEV1_EXCH_QUICK;
		m[23] = 1;
	} else {
		m[18] = IKEV1_EXCH_ID_PROT;
		memset(m + 20, 0, 4);
	}
	return len;
}

/* A valid header, then garbage of the same length. */
static size_t
m_garbage(uint8_t *m, size_t len)
{
	size_t i;

	for (i = IKE_HDR_LEN; i < len; i++)
		m[i] = (uint8_t)(i * 151 + 7);
	return len;
}

/* Garbage after the last payload (clear) or one more block after the ciphertext. */
static size_t
m_trailing(uint8_t *m, size_t len)
{
	size_t add = (m[19] & IKEV1_FLAG_ENCRYPTION) ? 16 : 8;

	memset(m + len, 0xa5, add);
	msg_set_len(m, len + add);
	return len + add;
}

/* A flipped bit in the second encrypted block: the HASH (QM, informational) or ID/HASH (MM5/6). */
static size_t
m_flip(uint8_t *m, size_t len)
{
	if (!(m[19] & IKEV1_FLAG_ENCRYPTION))
		return 0;
	m[IKE_HDR_LEN + 17] ^= 0x01;
	return len;
}

/* Ciphertext no multiple of the block (bad padding): one byte less, header agreeing. */
static size_t
m_bad_block(uint8_t *m, size_t len)
{
	if (!(m[19] & IKEV1_FLAG_ENCRYPTION))
		return 0;
	msg_set_len(m, len - 1);
	return len - 1;
}

/* ---- mutations of clear payload chains (MM1..MM4) ---- */

static size_t
m_pl_len0(uint8_t *m, size_t len)
{
	if (m[19] & IKEV1_FLAG_ENCRYPTION)
		return 0;
	m[IKE_HDR_LEN + 2] = 0;
	m[IKE_HDR_LEN + 3] = 0;
	return len;
}

static size_t
m_pl_len_beyond(uint8_t *m, size_t len)
{
	size_t l;

	if (m[19] & IKEV1_FLAG_ENCRYPTION)
		return 0;
	l = len - IKE_HDR_LEN + 8;
	m[IKE_HDR_LEN + 2] = (uint8_t)(l >> 8);
	m[IKE_HDR_LEN + 3] = (uint8_t)l;
	return len;
}

/* An unknown payload type (77) after the last payload. */
static size_t
m_unknown_pl(uint8_t *m, size_t len)
{
	struct pl pls[PL_MAX + 1];
	static const uint8_t unk[8] = { 0, 0, 0, 8, 0xde, 0xad, 0xbe, 0xef };
	int n;

	if (m[19] & IKEV1_FLAG_ENCRYPTION)
		return 0;
	n = chain_split(m[16], m + IKE_HDR_LEN, len - IKE_HDR_LEN, pls, PL_MAX);
	if (n < 0)
		return 0;
	pls[n++] = (struct pl){ .type = 77, .p = unk, .len = sizeof(unk) };
	return clear_rebuild(m, pls, n);
}

/* The first two payloads swapped (MM1/MM2: SA no longer first; MM3/MM4: nonce before KE). */
static size_t
m_swap(uint8_t *m, size_t len)
{
	struct pl pls[PL_MAX], t;
	uint8_t copy[MSG_MAX];
	int n;

	if (m[19] & IKEV1_FLAG_ENCRYPTION)
		return 0;
	memcpy(copy, m, len);
	n = chain_split(copy[16], copy + IKE_HDR_LEN, len - IKE_HDR_LEN, pls, PL_MAX);
	if (n < 2)
		return 0;
	t = pls[0];
	pls[0] = pls[1];
	pls[1] = t;
	return clear_rebuild(m, pls, n);
}

/* The KE payload 4 bytes short: no public value of the group (MM3/MM4). */
static size_t
m_ke_short(uint8_t *m, size_t len)
{
	struct pl pls[PL_MAX];
	uint8_t copy[MSG_MAX], ke[1024];
	int n, i;

	if (m[19] & IKEV1_FLAG_ENCRYPTION)
		return 0;
	memcpy(copy, m, len);
	n = chain_split(copy[16], copy + IKE_HDR_LEN, len - IKE_HDR_LEN, pls, PL_MAX);
	for (i = 0; i < n; i++) {
		if (pls[i].type != IKEV1_PL_KE || pls[i].len > sizeof(ke))
			continue;
		memcpy(ke, pls[i].p, pls[i].len - 4);
		ke[2] = (uint8_t)((pls[i].len - 4) >> 8);
		ke[3] = (uint8_t)(pls[i].len - 4);
		pls[i].p = ke;
		pls[i].len -= 4;
		return clear_rebuild(m, pls, n);
	}
	return 0;
}

/* Offsets in the first proposal of an SA payload that comes first (MM1/MM2). */
static size_t
prop_off(void)
{
	return IKE_HDR_LEN + IKE_GEN_HDR_LEN + 8; /* SA generic header, DOI, Situation */
}

static size_t
m_spi_size(uint8_t *m, size_t len)
{
	if (m[16] != IKEV1_PL_SA || (m[19] & IKEV1_FLAG_ENCRYPTION))
		return 0;
	m[prop_off() + 6] = 17; /* RFC 2408 §3.5: at most 16 */
	return len;
}

static size_t
m_transform_count(uint8_t *m, size_t len)
{
	if (m[16] != IKEV1_PL_SA || (m[19] & IKEV1_FLAG_ENCRYPTION))
		return 0;
	m[prop_off() + 7] = 200;
	return len;
}

/* The first attribute of the first transform becomes a TLV running far past the transform. */
static size_t
m_attr_len(uint8_t *m, size_t len)
{
	size_t p = prop_off(), a;

	if (m[16] != IKEV1_PL_SA || (m[19] & IKEV1_FLAG_ENCRYPTION))
		return 0;
	a = p + 8 + m[p + 6] + 8; /* proposal header and SPI, transform header */
	m[a] &= 0x7f;
	m[a + 2] = 0xff;
	m[a + 3] = 0xf0;
	return len;
}

/* ---- the runner ---- */

enum reply {
	R_NONE,  /* dropped silently */
	R_CLEAR, /* an error notify in the clear (RFC 2408 §5: no keys yet) */
	R_ENC,   /* an encrypted informational (notify under the ISAKMP SA) */
	R_REPLY, /* one message: the next of the exchange, or the stored reply again */
};

enum mode {
	INJECT,  /* the bad message, then the genuine one */
	REPLACE, /* the bad message instead of the genuine one */
};

struct bad_case {
	const char *name;
	mutate_fn fn;
	enum mode mode;
	int drop;           /* enum ike_drop that moves by one, -1: none */
	enum reply reply;   /* the receiver's answer to the bad message */
	unsigned int ntype; /* R_CLEAR: the notify type, 0: any error */
	bool completes;     /* the negotiation (or the delete) still completes */
};

/* Run the exchange up to message @k (held). */
static void
run_to(unsigned int k)
{
	bad_setup();
	start();
	hold = (int)k;
	CU_ASSERT_EQUAL_FATAL(ikev1_initiate(pi.e, now, 0), 0);
	pump();
	if (k == 9) {
		CU_ASSERT_EQUAL_FATAL(pi.n_up, 1);
		CU_ASSERT_EQUAL_FATAL(ikev1_child_delete(pi.e, now, 0), 0);
	}
	CU_ASSERT_TRUE_FATAL(have_held);
}

/* Give the receiver of the held message @bad (@len bytes) and check the outcome. */
static void
deliver_bad(unsigned int k, const struct bad_case *c, const uint8_t *bad, size_t len)
{
	struct peer *rx = peer_at(&held.to);
	struct ikev1_stats before = v1_stats(rx), after;
	unsigned int sent0 = n_sent;
	char what[96];

	snprintf(what, sizeof(what), "message %u, %s", k, c->name);
	ikev1_input(rx->e, now, &held.to, &held.from, bad, len);
	after = v1_stats(rx);
	check_drops(what, before.dropped, after.dropped, c->drop);
	switch (c->reply) {
	case R_NONE:
		if (n_sent != sent0)
			fprintf(stderr, "  %s: %u answers, want none\n", what, n_sent - sent0);
		CU_ASSERT_EQUAL(n_sent, sent0);
		break;
	case R_CLEAR:
		if (n_sent != sent0 + 1 ||
		    (c->ntype != 0 && v1_clear_notify(&sent[sent0]) != c->ntype) ||
		    v1_clear_notify(&sent[sent0]) == 0 || v1_clear_notify(&sent[sent0]) >= 16384)
			fprintf(stderr, "  %s: %u answers, notify %u, want 1 notify %u\n", what,
			    n_sent - sent0, n_sent > sent0 ? v1_clear_notify(&sent[sent0]) : 0,
			    c->ntype);
		CU_ASSERT_EQUAL_FATAL(n_sent, sent0 + 1);
		CU_ASSERT_TRUE(
		    v1_clear_notify(&sent[sent0]) > 0 && v1_clear_notify(&sent[sent0]) < 16384);
		if (c->ntype != 0)
			CU_ASSERT_EQUAL(v1_clear_notify(&sent[sent0]), c->ntype);
		/* to where the bad message came from */
		CU_ASSERT_EQUAL(memcmp(&sent[sent0].to, &held.from, sizeof(held.from)), 0);
		break;
	case R_ENC:
		if (n_sent != sent0 + 1)
			fprintf(stderr, "  %s: %u answers, want 1 encrypted\n", what,
			    n_sent - sent0);
		CU_ASSERT_EQUAL_FATAL(n_sent, sent0 + 1);
		CU_ASSERT_EQUAL(sent[sent0].p[18], IKEV1_EXCH_INFORMATIONAL);
		CU_ASSERT_EQUAL(sent[sent0].p[19] & IKEV1_FLAG_ENCRYPTION, IKEV1_FLAG_ENCRYPTION);
		break;
	case R_REPLY:
		if (n_sent != sent0 + 1)
			fprintf(stderr, "  %s: %u answers, want 1\n", what, n_sent - sent0);
		CU_ASSERT_EQUAL(n_sent, sent0 + 1);
		break;
	}
	/* Answers to a bad message go to whoever forged it, not into the
	 * exchange; a message taken for the genuine one goes on. */
	if (c->reply != R_REPLY)
		clear_wire();
	/* Nothing the receiver held is lost by an injection. */
	if (c->mode == INJECT) {
		CU_ASSERT_EQUAL(after.sas[IKE_SA_STATE_CONNECTING],
		    before.sas[IKE_SA_STATE_CONNECTING]);
		CU_ASSERT_EQUAL(after.sas[IKE_SA_STATE_ESTABLISHED],
		    before.sas[IKE_SA_STATE_ESTABLISHED]);
		CU_ASSERT_EQUAL(after.children, before.children);
		CU_ASSERT_EQUAL(after.p1_failed, before.p1_failed);
	}
}

/* Finish the exchange after the bad message and check how it ended. */
static void
finish(unsigned int k, const struct bad_case *c)
{
	char what[96];
	bool done;

	snprintf(what, sizeof(what), "message %u, %s", k, c->name);
	if (c->mode == INJECT) {
		wire[n_wire++] = held;
		have_held = false;
	}
	hold = 0;
	pump();
	advance(40 * S); /* retransmissions recover a lost message */
	if (k == 9)
		done = pi.n_down == 1 && pr.n_down == 1 && v1_stats(&pr).children == 0;
	else
		done = pi.n_up == 1 && pr.n_up == 1;
	if (done != c->completes)
		fprintf(stderr, "  %s: completes %d, want %d\n", what, done, c->completes);
	CU_ASSERT_EQUAL(done, c->completes);
	if (!c->completes && k < 6) {
		/* A phase 1 that failed installs nothing and leaves no half-open SA. */
		CU_ASSERT_EQUAL(pi.n_up + pr.n_up, 0);
		advance(70 * S);
		CU_ASSERT_EQUAL(v1_stats(&pi).sas[IKE_SA_STATE_CONNECTING], 0);
		CU_ASSERT_EQUAL(v1_stats(&pr).sas[IKE_SA_STATE_CONNECTING], 0);
	}
}

static void
run_case(unsigned int k, const struct bad_case *c)
{
	uint8_t m[MSG_MAX];
	size_t len;

	run_to(k);
	CU_ASSERT_FATAL(held.len + 64 <= sizeof(m));
	memcpy(m, held.p, held.len);
	len = c->fn(m, held.len);
	if (len == 0) {
		teardown();
		return;
	}
	deliver_bad(k, c, m, len);
	finish(k, c);
	teardown();
}

/*
 * Header-level mutations, whatever the message.  Before the receiver has
 * keys (MM1..MM4: RFC 2408 §5 "MAY be sent ... as dictated by policy")
 * a malformed message is answered in the clear with the notify the
 * parser names; under the ISAKMP SA's keys nothing unauthenticated is
 * answered (a forged message must not make us talk).
 */
static void
test_ikev1_bad_header(void)
{
	unsigned int k;

	for (k = 0; k < 10; k++) {
		bool keyed = k >= 4;
		enum reply clear = keyed ? R_NONE : R_CLEAR;
		const struct bad_case cases[] = {
			{ "truncated", m_trunc_tail, INJECT, IKE_DROP_MALFORMED, clear,
			    IKEV1_N_UNEQUAL_PAYLOAD_LENGTHS, true },
			{ "shorter than a header", m_trunc_hdr, INJECT, IKE_DROP_MALFORMED, R_NONE,
			    0, true },
			{ "header length beyond the datagram", m_len_big, INJECT,
			    IKE_DROP_MALFORMED, clear, IKEV1_N_UNEQUAL_PAYLOAD_LENGTHS, true },
			{ "header length short of the datagram", m_len_small, INJECT,
			    IKE_DROP_MALFORMED, clear, IKEV1_N_UNEQUAL_PAYLOAD_LENGTHS, true },
			{ "unknown exchange type", m_exch_unknown, INJECT, IKE_DROP_MALFORMED,
			    clear, IKEV1_N_INVALID_EXCHANGE_TYPE, true },
		};
		unsigned int i;

		for (i = 0; i < DIM(cases); i++)
			run_case(k, &cases[i]);
	}
}

/* Unknown cookies: INVALID-COOKIE in the clear for main and quick mode, nothing for informationals. */
static void
test_ikev1_bad_cookie(void)
{
	unsigned int k;

	for (k = 0; k < 10; k++) {
		const struct bad_case c = { "unknown cookie", m_cookie, INJECT, IKE_DROP_UNKNOWN_SA,
			k == 9 ? R_NONE : R_CLEAR, IKEV1_N_INVALID_COOKIE, true };

		run_case(k, &c);
	}
}

/*
 * The exchange type: mode config (not implemented) is UNSUPPORTED-EXCHANGE-
 * TYPE, answered only when no SA has the cookies; a quick mode before
 * phase 1 is up, or a main-mode message on an established SA, is out of
 * state (RFC 2409 §5.5) and dropped.
 */
static void
test_ikev1_bad_exchange(void)
{
	unsigned int k;

	for (k = 0; k < 10; k++) {
		/* MM1 and MM2 carry cookies no SA of the receiver has yet. */
		bool no_sa = k <= 1;
		const struct bad_case cases[] = {
			{ "transaction exchange", m_exch_transaction, INJECT, IKE_DROP_UNSUPPORTED,
			    no_sa ? R_CLEAR : R_NONE, IKEV1_N_UNSUPPORTED_EXCHANGE_TYPE, true },
			{ "exchange not expected in this state", m_exch_wrong_state, INJECT,
			    no_sa ? IKE_DROP_UNKNOWN_SA : IKE_DROP_STATE, no_sa ? R_CLEAR : R_NONE,
			    IKEV1_N_INVALID_COOKIE, true },
		};
		unsigned int i;

		for (i = 0; i < DIM(cases); i++)
			run_case(k, &cases[i]);
	}
}

/* Payload chains of the clear messages MM1..MM4. */
static void
test_ikev1_bad_payloads(void)
{
	unsigned int k;

	for (k = 0; k < 4; k++) {
		/* MM1/MM2 start with the SA payload (RFC 2409 §5: it MUST come first);
		 * MM3/MM4 are KE, Ni, NAT-D in an order RFC 2409 does not fix. */
		bool sa_first = k <= 1;
		const struct bad_case cases[] = {
			{ "payload length 0", m_pl_len0, INJECT, IKE_DROP_MALFORMED, R_CLEAR,
			    IKEV1_N_PAYLOAD_MALFORMED, true },
			{ "payload length beyond the end", m_pl_len_beyond, INJECT,
			    IKE_DROP_MALFORMED, R_CLEAR, IKEV1_N_PAYLOAD_MALFORMED, true },
			{ "unknown payload type", m_unknown_pl, INJECT, IKE_DROP_MALFORMED, R_CLEAR,
			    IKEV1_N_INVALID_PAYLOAD_TYPE, true },
			{ "garbage after the last payload", m_trailing, INJECT, IKE_DROP_MALFORMED,
			    R_CLEAR, IKEV1_N_PAYLOAD_MALFORMED, true },
			{ "garbage after a valid header", m_garbage, INJECT, IKE_DROP_MALFORMED,
			    R_CLEAR, 0, true },
			/* SA not first: MM1 gets PAYLOAD-MALFORMED from the responder, an MM2
			 * so built is dropped; KE and Ni swapped are still MM3/MM4. */
			{ "payloads out of order", m_swap, sa_first ? INJECT : REPLACE,
			    sa_first ? IKE_DROP_MALFORMED : -1,
			    k == 0     ? R_CLEAR :
			        k == 1 ? R_NONE :
			                 R_REPLY,
			    IKEV1_N_PAYLOAD_MALFORMED, true },
		};
		unsigned int i;

		for (i = 0; i < DIM(cases); i++)
			run_case(k, &cases[i]);
	}
}

/* Proposals (MM1, MM2) and key exchange (MM3, MM4) with bad sizes. */
static void
test_ikev1_bad_sizes(void)
{
	unsigned int k;

	for (k = 0; k < 2; k++) {
		const struct bad_case cases[] = {
			{ "SPI size 17", m_spi_size, INJECT, IKE_DROP_MALFORMED, R_CLEAR,
			    IKEV1_N_INVALID_SPI, true },
			{ "200 transforms announced", m_transform_count, INJECT, IKE_DROP_MALFORMED,
			    R_CLEAR, IKEV1_N_BAD_PROPOSAL_SYNTAX, true },
			{ "attribute length past the transform", m_attr_len, INJECT,
			    IKE_DROP_MALFORMED, R_CLEAR, IKEV1_N_PAYLOAD_MALFORMED, true },
		};
		unsigned int i;

		for (i = 0; i < DIM(cases); i++)
			run_case(k, &cases[i]);
	}
	/* RFC 2408 §5.7: a KE that is no public value of the group is discarded
	 * (INVALID-KEY-INFORMATION from the responder); the half-open SA stays
	 * for the genuine message. */
	for (k = 2; k < 4; k++) {
		const struct bad_case c = { "KE of the wrong length", m_ke_short, INJECT,
			IKE_DROP_MALFORMED, k == 2 ? R_CLEAR : R_NONE,
			IKEV1_N_INVALID_KEY_INFORMATION, true };

		run_case(k, &c);
	}
}

/*
 * The encrypted messages (MM5 .. informational).  A flipped bit: MM5/MM6
 * no longer authenticate, which is fatal to phase 1 (AUTHENTICATION-FAILED,
 * RFC 2409 §5: a wrong key looks just the same); a quick mode or
 * informational fails its HASH (RFC 2408 §5.12: QM1 gets INVALID-HASH-
 * INFORMATION) and nothing else changes.  A ciphertext that is no whole
 * number of blocks is dropped.  A block more after the ciphertext is
 * padding (RFC 2409 Appendix B pads to the block, its content is free):
 * the message is taken as it is, but its last block is the next IV, so
 * what follows in phase 1 or in that quick mode no longer decrypts at
 * the peer and the negotiation fails; a QM3 or an informational has
 * nothing after it.
 */
static void
test_ikev1_bad_encrypted(void)
{
	unsigned int k;

	for (k = 4; k < 10; k++) {
		bool mm = k <= 5;
		const struct bad_case cases[] = {
			{ "flipped bit", m_flip, mm ? REPLACE : INJECT,
			    mm ? IKE_DROP_AUTH : IKE_DROP_HASH, mm || k == 6 ? R_ENC : R_NONE, 0,
			    !mm },
			{ "ciphertext no multiple of the block", m_bad_block, INJECT,
			    IKE_DROP_DECRYPT, R_NONE, 0, true },
			{ "garbage ciphertext", m_garbage, mm ? REPLACE : INJECT,
			    mm ? IKE_DROP_AUTH : IKE_DROP_MALFORMED, mm ? R_ENC : R_NONE, 0, !mm },
			{ "a block after the ciphertext", m_trailing, REPLACE, -1, R_REPLY, 0,
			    k >= 8 },
		};
		unsigned int i;

		for (i = 0; i < DIM(cases); i++) {
			struct bad_case c = cases[i];

			/* an accepted QM3 or informational is answered by nothing (MM6: QM1 follows) */
			if (c.reply == R_REPLY && (k == 8 || k == 9))
				c.reply = R_NONE;
			run_case(k, &c);
		}
	}
}

/*
 * A duplicated message (a retransmission, RFC 2408 §5 / RFC 2409 §5): the
 * stored reply goes again and nothing is processed twice.  An MM6 or QM3
 * has no reply to repeat.  Informational messages have no retransmission
 * (RFC 2408 §4.8, one message): a repeated delete is taken again and finds
 * nothing more to remove.
 */
static void
test_ikev1_bad_duplicate(void)
{
	unsigned int k, sent0;
	struct ikev1_stats before, after;
	struct peer *rx;
	struct msg copy;

	for (k = 0; k < 10; k++) {
		run_to(k);
		rx = peer_at(&held.to);
		msg_copy(&copy, &held.from, &held.to, held.p, held.len);
		ikev1_input(rx->e, now, &held.to, &held.from, held.p, held.len);
		before = v1_stats(rx);
		sent0 = n_sent;
		ikev1_input(rx->e, now, &copy.to, &copy.from, copy.p, copy.len);
		after = v1_stats(rx);
		if (k == 9) {
			CU_ASSERT_EQUAL(after.deletes_received, before.deletes_received + 1);
			CU_ASSERT_EQUAL(after.dropped[IKE_DROP_RETRANSMIT],
			    before.dropped[IKE_DROP_RETRANSMIT]);
			CU_ASSERT_EQUAL(n_sent, sent0);
		} else {
			CU_ASSERT_EQUAL(after.dropped[IKE_DROP_RETRANSMIT],
			    before.dropped[IKE_DROP_RETRANSMIT] + 1);
			CU_ASSERT_EQUAL(n_sent, sent0 + (k == 5 || k == 8 ? 0 : 1));
			/* the very bytes sent before */
			if (n_sent == sent0 + 1)
				CU_ASSERT_EQUAL(memcmp(sent[sent0].p, sent[sent0 - 1].p,
				                    sent[sent0].len),
				    0);
		}
		CU_ASSERT_EQUAL(after.p1_done, before.p1_done);
		CU_ASSERT_EQUAL(after.p2_done, before.p2_done);
		CU_ASSERT_EQUAL(after.children, before.children);
		free(copy.p);
		free(held.p);
		have_held = false;
		hold = 0;
		pump();
		advance(10 * S);
		if (k == 9) {
			CU_ASSERT_EQUAL(pr.n_down, 1);
		} else {
			CU_ASSERT_EQUAL(pi.n_up, 1);
			CU_ASSERT_EQUAL(pr.n_up, 1);
		}
		teardown();
	}
}

/* ---- under the encryption: plaintexts sealed with the SA's keys (ikev1_test.h) ---- */

/* A plaintext mutation: @pls (the chain after HASH) rewritten in place, returns the count. */
typedef int (*plain_fn)(struct pl *pls, int n, uint8_t *scratch);

static int
p_unknown(struct pl *pls, int n, uint8_t *scratch)
{
	static const uint8_t unk[8] = { 0, 0, 0, 8, 1, 2, 3, 4 };

	(void)scratch;
	pls[n] = (struct pl){ .type = 77, .p = unk, .len = sizeof(unk) };
	return n + 1;
}

static int
p_len0(struct pl *pls, int n, uint8_t *scratch)
{
	memcpy(scratch, pls[0].p, pls[0].len);
	scratch[2] = scratch[3] = 0;
	pls[0].p = scratch;
	return n;
}

/* The first payload after HASH (the SA in QM1) with a proposal SPI size of 17. */
static int
p_spi_size(struct pl *pls, int n, uint8_t *scratch)
{
	if (pls[0].type != IKEV1_PL_SA)
		return -1;
	memcpy(scratch, pls[0].p, pls[0].len);
	scratch[IKE_GEN_HDR_LEN + 8 + 6] = 17;
	pls[0].p = scratch;
	return n;
}

static int
p_no_nonce(struct pl *pls, int n, uint8_t *scratch)
{
	int i, k = 0;

	(void)scratch;
	for (i = 0; i < n; i++)
		if (pls[i].type != IKEV1_PL_NONCE)
			pls[k++] = pls[i];
	return k == n ? -1 : k;
}

static int
p_three_ids(struct pl *pls, int n, uint8_t *scratch)
{
	int i;

	(void)scratch;
	for (i = 0; i < n; i++) {
		if (pls[i].type == IKEV1_PL_ID) {
			pls[n] = pls[i];
			return n + 1;
		}
	}
	return -1;
}

/* A delete whose SPIs do not fill it: SPI size 4, two SPIs, 7 bytes. */
static int
p_delete_odd(struct pl *pls, int n, uint8_t *scratch)
{
	static const uint8_t d[4 + 8 + 7] = { 0, 0, 0, 19, 0, 0, 0, 1, IKEV1_PROTO_IPSEC_ESP, 4, 0,
		2, 1, 2, 3, 4, 5, 6, 7 };

	(void)scratch;
	pls[0] = (struct pl){ .type = IKEV1_PL_D, .p = d, .len = sizeof(d) };
	return n > 0 ? 1 : -1;
}

/* A notify with an SPI size of 17 (RFC 2408 §3.14: ISAKMP SPIs are at most 16 bytes). */
static int
p_notify_spi17(struct pl *pls, int n, uint8_t *scratch)
{
	(void)n;
	memset(scratch, 0, 4 + 8 + 17);
	scratch[3] = 4 + 8 + 17;
	scratch[7] = 1;
	scratch[8] = IKEV1_PROTO_ISAKMP;
	scratch[9] = 17;
	scratch[11] = 36; /* an unassigned error */
	pls[0] = (struct pl){ .type = IKEV1_PL_N, .p = scratch, .len = 4 + 8 + 17 };
	return 1;
}

/* A well-formed delete of an ESP SPI that is no SA of ours. */
static int
p_delete_unknown(struct pl *pls, int n, uint8_t *scratch)
{
	static const uint8_t d[4 + 8 + 4] = { 0, 0, 0, 16, 0, 0, 0, 1, IKEV1_PROTO_IPSEC_ESP, 4, 0,
		1, 0x0b, 0xad, 0x5b, 0x1d };

	(void)scratch;
	pls[0] = (struct pl){ .type = IKEV1_PL_D, .p = d, .len = sizeof(d) };
	return n > 0 ? 1 : -1;
}

enum seal_how {
	SEAL_HASH,       /* a correct HASH(1) first */
	SEAL_HASH_LAST,  /* the genuine HASH payload moved to the end */
	SEAL_HASH_SHORT, /* a HASH of 16 bytes first */
};

struct plain_case {
	const char *name;
	plain_fn fn;
	enum seal_how how;
	int drop;
	enum reply reply;
};

/* Open the held message @k (QM1 or informational) at R, mutate, seal, inject, finish. */
static void
run_plain(unsigned int k, const struct plain_case *pc)
{
	uint8_t plain[MSG_MAX], body[MSG_MAX], scratch[MSG_MAX], bad[MSG_MAX], first;
	struct pl pls[PL_MAX + 2], hash;
	struct bad_case c = { pc->name, NULL, INJECT, pc->drop, pc->reply, 0, true };
	uint64_t id;
	size_t blen;
	int n, plen, blen2;

	run_to(k);
	id = sa_id(&pr);
	plen = ikev1_test_open(pr.e, id, held.p, held.len, plain, sizeof(plain));
	CU_ASSERT_FATAL(plen > 0);
	n = chain_split(held.p[16], plain, (size_t)plen, pls, PL_MAX);
	CU_ASSERT_FATAL(n >= 2 && pls[0].type == IKEV1_PL_HASH);
	hash = pls[0];
	n = pc->fn(pls + 1, n - 1, scratch);
	if (n < 0) {
		teardown();
		return;
	}
	switch (pc->how) {
	case SEAL_HASH:
		blen = chain_join(pls + 1, n, body, &first);
		blen2 = ikev1_test_seal(pr.e, id, held.p[18], ike_get32(held.p + 20), first, body,
		    blen, IKEV1_TEST_HASH1, bad, sizeof(bad));
		break;
	case SEAL_HASH_LAST:
		pls[n + 1] = hash;
		blen = chain_join(pls + 1, n + 1, body, &first);
		blen2 = ikev1_test_seal(pr.e, id, held.p[18], ike_get32(held.p + 20), first, body,
		    blen, 0, bad, sizeof(bad));
		break;
	default: {
		static const uint8_t h16[20] = { 0, 0, 0, 20 };

		pls[0] = (struct pl){ .type = IKEV1_PL_HASH, .p = h16, .len = sizeof(h16) };
		blen = chain_join(pls, n + 1, body, &first);
		blen2 = ikev1_test_seal(pr.e, id, held.p[18], ike_get32(held.p + 20), first, body,
		    blen, 0, bad, sizeof(bad));
		break;
	}
	}
	CU_ASSERT_FATAL(blen2 > 0);
	deliver_bad(k, &c, bad, (size_t)blen2);
	finish(k, &c);
	teardown();
}

/*
 * Quick mode (QM1 at the responder) and informational (a delete at the
 * responder) whose plaintext is bad.  The HASH must come first (RFC 2409
 * §5.5, §5.7): otherwise, or when the chain does not parse, the message
 * is dropped without an answer (nothing proves who sent it).  A QM1 that
 * authenticates but lacks a nonce gets PAYLOAD-MALFORMED, encrypted.
 */
static void
test_ikev1_bad_plaintext(void)
{
	static const struct plain_case qm[] = {
		{ "HASH not first", p_unknown, SEAL_HASH_LAST, IKE_DROP_MALFORMED, R_NONE },
		{ "HASH of the wrong length", p_no_nonce, SEAL_HASH_SHORT, IKE_DROP_MALFORMED,
		    R_NONE },
		{ "unknown payload type", p_unknown, SEAL_HASH, IKE_DROP_MALFORMED, R_NONE },
		{ "payload length 0", p_len0, SEAL_HASH, IKE_DROP_MALFORMED, R_NONE },
		{ "proposal SPI size 17", p_spi_size, SEAL_HASH, IKE_DROP_MALFORMED, R_NONE },
		{ "three ID payloads", p_three_ids, SEAL_HASH, IKE_DROP_MALFORMED, R_NONE },
		{ "no nonce", p_no_nonce, SEAL_HASH, IKE_DROP_MALFORMED, R_ENC },
	};
	static const struct plain_case info[] = {
		{ "HASH not first", p_delete_unknown, SEAL_HASH_LAST, IKE_DROP_MALFORMED, R_NONE },
		{ "unknown payload type", p_unknown, SEAL_HASH, IKE_DROP_MALFORMED, R_NONE },
		{ "payload length 0", p_len0, SEAL_HASH, IKE_DROP_MALFORMED, R_NONE },
		{ "delete SPIs not a multiple of the SPI size", p_delete_odd, SEAL_HASH,
		    IKE_DROP_MALFORMED, R_NONE },
		{ "notify SPI size 17", p_notify_spi17, SEAL_HASH, IKE_DROP_MALFORMED, R_NONE },
		{ "delete of an unknown SPI", p_delete_unknown, SEAL_HASH, -1, R_NONE },
	};
	unsigned int i;

	for (i = 0; i < DIM(qm); i++)
		run_plain(6, &qm[i]);
	for (i = 0; i < DIM(info); i++)
		run_plain(9, &info[i]);
}

/*
 * After the float to 4500 (RFC 3947 §4) every message of the exchange,
 * the error notifies too, travels between the floated ports: the
 * AUTHENTICATION-FAILED answering an MM5 with a wrong PSK goes from 4500
 * to where MM5 came from.
 */
static void
test_ikev1_bad_notify_port(void)
{
	const struct msg *n;

	bad_setup();
	pi.conn[0].encap = true;
	memcpy(pr.sec[0].secret, "other-psk!", 10);
	start();
	CU_ASSERT_EQUAL_FATAL(ikev1_initiate(pi.e, now, 0), 0);
	pump();
	CU_ASSERT_EQUAL(v1_stats(&pr).dropped[IKE_DROP_AUTH], 1);
	CU_ASSERT_EQUAL(v1_stats(&pr).notifies_sent, 1);
	CU_ASSERT_EQUAL_FATAL(n_sent, 6); /* MM1..MM5, then R's notify */
	CU_ASSERT_EQUAL(sent[4].from.port, 4500);
	CU_ASSERT_EQUAL(sent[4].to.port, 4500);
	n = &sent[5];
	CU_ASSERT_EQUAL(n->p[18], IKEV1_EXCH_INFORMATIONAL);
	CU_ASSERT_EQUAL(memcmp(n->from.a.addr, pr.addr.addr, 4), 0);
	CU_ASSERT_EQUAL(n->from.port, 4500);
	CU_ASSERT_EQUAL(n->to.port, 4500);
	teardown();

	/* A NAT that also moved the initiator's port: the notify follows it. */
	bad_setup();
	pi.conn[0].encap = true;
	memcpy(pr.sec[0].secret, "other-psk!", 10);
	start();
	hold = 4;
	CU_ASSERT_EQUAL_FATAL(ikev1_initiate(pi.e, now, 0), 0);
	pump();
	CU_ASSERT_TRUE_FATAL(have_held);
	held.from.port = 31000;
	ikev1_input(pr.e, now, &held.to, &held.from, held.p, held.len);
	CU_ASSERT_EQUAL_FATAL(n_sent, 6);
	CU_ASSERT_EQUAL(sent[5].from.port, 4500);
	CU_ASSERT_EQUAL(sent[5].to.port, 31000);
	teardown();
}

int main(void);

int
main(void)
{
	static const struct harness_test tests[] = {
		{ "test_ikev1_bad_notify_port", test_ikev1_bad_notify_port },
		{ "test_ikev1_bad_header", test_ikev1_bad_header },
		{ "test_ikev1_bad_cookie", test_ikev1_bad_cookie },
		{ "test_ikev1_bad_exchange", test_ikev1_bad_exchange },
		{ "test_ikev1_bad_payloads", test_ikev1_bad_payloads },
		{ "test_ikev1_bad_sizes", test_ikev1_bad_sizes },
		{ "test_ikev1_bad_encrypted", test_ikev1_bad_encrypted },
		{ "test_ikev1_bad_duplicate", test_ikev1_bad_duplicate },
		{ "test_ikev1_bad_plaintext", test_ikev1_bad_plaintext },
	};
	unsigned int fails;

	harness_use(&harness_ikev1);
	fails = harness_run("ikev1_bad", tests, DIM(tests));
	return fails == 0 ? 0 : 1;
}
