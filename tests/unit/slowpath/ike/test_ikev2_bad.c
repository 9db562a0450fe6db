/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/slowpath/ike/test_ikev2_bad.c: bad input against two IKEv2 engines in flight: every message, every mutation class. */
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
#include "slowpath/ike/ike_payload.h"
#include "slowpath/ike/ikev2_msg.h"
#include "slowpath/ike/ikev2_sm.h"
#include "slowpath/ike/ikev2_test.h"

#include "harness.h"

#define MSG_MAX 4096
#define PL_MAX  40
#define PL_UNK  200 /* a payload type nobody assigned */

/*
 * Two engines back to back (harness.h), "I" (192.0.2.1) and "R"
 * (192.0.2.2), PSK, a second child "web" for CREATE_CHILD_SA (PFS with
 * the IKE group); the message with index `hold` (in the order sent) is
 * held back instead of delivered:
 *
 *   #  I                                     R
 *   0  IKE_SA_INIT SA KE Ni N(NAT_D)... -->
 *   1      <--------------------------  IKE_SA_INIT SA KE Nr N(NAT_D)...
 *   2  IKE_AUTH SK{IDi AUTH SA TSi TSr} -->
 *   3      <--------------------------  IKE_AUTH SK{IDr AUTH SA TSi TSr}
 *   4  CREATE_CHILD_SA SK{SA Ni KE TSi TSr} -->  (ikev2_initiate of "web")
 *   5      <--------------------------  CREATE_CHILD_SA SK{SA Nr KE TSi TSr}
 *   6  INFORMATIONAL SK{D(ESP)} ------->  (hard lifetime of "web" at I)
 *   7      <--------------------------  INFORMATIONAL SK{D(ESP)}
 *
 * A mutated copy of the held message goes to its receiver, injected
 * (the genuine one follows) or in its place (the genuine one is lost).
 * Behind SK the plaintext is mutated and sealed again under the sender's
 * keys (ikev2_test.h), so that it passes the ICV and reaches the inner
 * decoder.  Each case names the drop counter that must move (by exactly
 * one, no other), the answer (none; a notify in the clear to an
 * IKE_SA_INIT request; a protected notify to an authentic request), and
 * whether the exchange still completes.  Whatever happens, an IKE SA
 * that was established stays so and a liveness check through it is
 * answered afterwards.
 */

static struct ikev2_stats
stats(const struct peer *p)
{
	return v2_stats(p);
}

/* "web" (peer_second_child), PFS with @dh. */
static void
second_child(struct peer *p, uint16_t dh)
{
	peer_second_child(p);
	esp_prop(&p->child[1].esp_proposals[0], "aes128-sha256", dh);
}

/* The harness's pair with IKE group @dh (PFS of "web" too). */
static void
bad_setup(uint16_t dh)
{
	harness_use(&harness_ikev2);
	setup();
	ike_prop(&pi.conn[0].proposals[0], 128, 5, dh, "ike");
	ike_prop(&pr.conn[0].proposals[0], 128, 5, dh, "ike");
	second_child(&pi, dh);
	second_child(&pr, dh);
	pi.cfg.ike.half_open_timeout = 60;
	pr.cfg.ike.half_open_timeout = 60;
}

static uint64_t
established(const struct peer *p)
{
	return stats(p).sas[IKE_SA_STATE_ESTABLISHED];
}

/* Run the exchanges up to message @k (held), IKE group @dh. */
static void
run_to(unsigned int k, uint16_t dh)
{
	bad_setup(dh);
	start();
	hold = (int)k;
	CU_ASSERT_EQUAL_FATAL(ikev2_initiate(pi.e, now, 0), 0);
	pump();
	if (k >= 4) {
		CU_ASSERT_EQUAL_FATAL(pi.n_up, 1);
		CU_ASSERT_EQUAL_FATAL(ikev2_initiate(pi.e, now, 1), 0);
		advance(200 * MS); /* CREATE_CHILD_SA goes at the next tick */
	}
	if (k >= 6) {
		CU_ASSERT_EQUAL_FATAL(pi.n_up, 2);
		ikev2_sa_expired(pi.e, now, pi.ups[1].spi_in, true, true);
		advance(200 * MS);
	}
	CU_ASSERT_TRUE_FATAL(have_held);
}

/* ---- payload chains (struct pl, chain_split, chain_join: harness.h) ---- */

static bool
is_sk(const uint8_t *m)
{
	return m[16] == IKEV2_PL_SK;
}

/*
 * The payload chain of @m (@len): the clear chain of an IKE_SA_INIT, the
 * plaintext behind SK opened by the receiver of the held message.  Into
 * @pt; its length (-1: none), first type into *first.
 */
static int
chain_of(const uint8_t *m, size_t len, uint8_t *pt, uint8_t *first)
{
	int n;

	if (!is_sk(m)) {
		memcpy(pt, m + IKE_HDR_LEN, len - IKE_HDR_LEN);
		*first = m[16];
		return (int)(len - IKE_HDR_LEN);
	}
	n = ikev2_test_open(peer_at(&held.to)->e, ike_get64(m), ike_get64(m + 8), m, len, pt,
	    MSG_MAX, first);
	CU_ASSERT_FATAL(n >= 0);
	return n;
}

/*
 * Put chain @pt (@len, first @first) back into @m: in the clear, or
 * sealed under the sender's keys with header flags @flags, exchange
 * @exch, Message ID @msgid.  The new length.
 */
static size_t
chain_put(uint8_t *m, uint8_t flags, uint8_t exch, uint32_t msgid, uint8_t first, const uint8_t *pt,
    size_t len)
{
	int n;

	if (!is_sk(m)) {
		memmove(m + IKE_HDR_LEN, pt, len);
		m[16] = first;
		m[18] = exch;
		m[19] = flags;
		msg_set_len(m, IKE_HDR_LEN + len);
		return IKE_HDR_LEN + len;
	}
	n = ikev2_test_seal(peer_at(&held.from)->e, ike_get64(m), ike_get64(m + 8), exch, flags,
	    msgid, first, pt, len, m, MSG_MAX);
	CU_ASSERT_FATAL(n > 0);
	return (size_t)n;
}

/* ---- mutations: rewrite @m (@len, MSG_MAX room), the new length (0: not applicable) ---- */

typedef size_t (*mutate_fn)(uint8_t *m, size_t len, int arg);

/* The chain of @m rebuilt by @op on payload @arg. */
enum chain_op {
	OP_LEN0,       /* Payload Length 0 */
	OP_LEN3,       /* shorter than a generic header */
	OP_LEN_BEYOND, /* past the end of the chain */
	OP_TRUNC,      /* the chain ends inside the payload */
	OP_DUP,        /* the payload twice */
	OP_CRIT,       /* an unknown critical payload after it */
	OP_NONCRIT,    /* an unknown payload without the critical bit after it */
	OP_TS17,       /* its selectors 17 times (TSi/TSr: more than IKEV2_TS_MAX) */
	OP_SPI9,       /* its first proposal's SPI Size 9 (SA) */
	OP_PROPS17,    /* its first proposal 17 times (SA, numbered 1..17) */
	OP_KE_SHORT,   /* its data one byte short (KE) */
	OP_KE_BAD,     /* data that is no public value of the group (KE) */
};

static enum chain_op cur_op;
static uint8_t ke_bad[512];
static size_t ke_bad_len;

static size_t
chain_mutate(uint8_t *m, size_t len, int j)
{
	static uint8_t pt[MSG_MAX], out[MSG_MAX], scratch[MSG_MAX];
	static const uint8_t unk[8] = { 0, 0x80, 0, 8, 0xde, 0xad, 0xbe, 0xef };
	static const uint8_t unk_nc[8] = { 0, 0, 0, 8, 0xde, 0xad, 0xbe, 0xef };
	struct pl pls[PL_MAX + 2];
	uint8_t first;
	size_t l, off, i;
	int n, ptl;

	ptl = chain_of(m, len, pt, &first);
	n = chain_split(first, pt, (size_t)ptl, pls, PL_MAX);
	CU_ASSERT_FATAL(n > 0);
	if (j >= n)
		return 0;
	memcpy(scratch, pls[j].p, pls[j].len);
	switch (cur_op) {
	case OP_LEN0:
	case OP_LEN3:
		scratch[2] = 0;
		scratch[3] = cur_op == OP_LEN0 ? 0 : 3;
		pls[j].p = scratch;
		break;
	case OP_LEN_BEYOND:
		l = (size_t)ptl + 4;
		scratch[2] = (uint8_t)(l >> 8);
		scratch[3] = (uint8_t)l;
		pls[j].p = scratch;
		break;
	case OP_TRUNC:
		l = chain_join(pls, j + 1, out, &first) - pls[j].len / 2;
		return chain_put(m, m[19], m[18], ike_get32(m + 20), first, out, l);
	case OP_DUP:
		memmove(pls + j + 1, pls + j, (size_t)(n - j) * sizeof(pls[0]));
		n++;
		break;
	case OP_CRIT:
	case OP_NONCRIT:
		memmove(pls + j + 2, pls + j + 1, (size_t)(n - j - 1) * sizeof(pls[0]));
		pls[j + 1] = (struct pl){ .type = PL_UNK,
			.p = cur_op == OP_CRIT ? unk : unk_nc,
			.len = sizeof(unk) };
		n++;
		break;
	case OP_TS17:
		if (pls[j].type != IKEV2_PL_TSI && pls[j].type != IKEV2_PL_TSR)
			return 0;
		l = pls[j].len - 8; /* the selectors */
		scratch[4] = 17;
		for (i = 1; i < 17; i++)
			memcpy(scratch + 8 + i * l, pls[j].p + 8, l);
		l = 8 + 17 * l;
		scratch[2] = (uint8_t)(l >> 8);
		scratch[3] = (uint8_t)l;
		pls[j] = (struct pl){ .type = pls[j].type, .p = scratch, .len = l };
		break;
	case OP_SPI9:
		if (pls[j].type != IKEV2_PL_SA)
			return 0;
		scratch[4 + 6] = 9;
		pls[j].p = scratch;
		break;
	case OP_PROPS17:
		if (pls[j].type != IKEV2_PL_SA)
			return 0;
		l = ike_get16(pls[j].p + 6); /* the first proposal */
		for (i = 0, off = 4; i < 17; i++, off += l) {
			memcpy(scratch + off, pls[j].p + 4, l);
			scratch[off] = i < 16 ? IKEV2_SUB_PROPOSAL : IKEV2_SUB_LAST;
			scratch[off + 4] = (uint8_t)(i + 1);
		}
		scratch[2] = (uint8_t)(off >> 8);
		scratch[3] = (uint8_t)off;
		pls[j] = (struct pl){ .type = IKEV2_PL_SA, .p = scratch, .len = off };
		break;
	case OP_KE_SHORT:
	case OP_KE_BAD:
		if (pls[j].type != IKEV2_PL_KE)
			return 0;
		if (cur_op == OP_KE_SHORT) {
			l = pls[j].len - 1;
		} else {
			CU_ASSERT_FATAL(ke_bad_len == pls[j].len - 8);
			memcpy(scratch + 8, ke_bad, ke_bad_len);
			l = pls[j].len;
		}
		scratch[2] = (uint8_t)(l >> 8);
		scratch[3] = (uint8_t)l;
		pls[j] = (struct pl){ .type = IKEV2_PL_KE, .p = scratch, .len = l };
		break;
	}
	l = chain_join(pls, n, out, &first);
	return chain_put(m, m[19], m[18], ike_get32(m + 20), first, out, l);
}

/* The index of the first payload of type @type in the held message's chain, -1: none. */
static int
find_pl(const uint8_t *m, size_t len, uint8_t type)
{
	static uint8_t pt[MSG_MAX];
	struct pl pls[PL_MAX];
	uint8_t first;
	int n, i, ptl;

	ptl = chain_of(m, len, pt, &first);
	n = chain_split(first, pt, (size_t)ptl, pls, PL_MAX);
	for (i = 0; i < n; i++)
		if (pls[i].type == type)
			return i;
	return -1;
}

static size_t
m_trunc_tail(uint8_t *m, size_t len, int arg)
{
	(void)m;
	(void)arg;
	return len - 8; /* the header still says len */
}

static size_t
m_len_big(uint8_t *m, size_t len, int arg)
{
	(void)arg;
	msg_set_len(m, len + 16);
	return len;
}

static size_t
m_len_small(uint8_t *m, size_t len, int arg)
{
	(void)arg;
	msg_set_len(m, len - 4);
	return len;
}

/* A valid header, then garbage of the same length. */
static size_t
m_garbage(uint8_t *m, size_t len, int arg)
{
	size_t i;

	(void)arg;
	for (i = IKE_HDR_LEN; i < len; i++)
		m[i] = (uint8_t)(i * 151 + 7);
	return len;
}

/* One bit of the ICV (the last byte). */
static size_t
m_flip(uint8_t *m, size_t len, int arg)
{
	(void)arg;
	if (!is_sk(m))
		return 0;
	m[len - 1] ^= 0x01;
	return len;
}

/* An initiator SPI nobody gave out. */
static size_t
m_spi(uint8_t *m, size_t len, int arg)
{
	(void)arg;
	m[7] ^= 0x5a;
	return len;
}

/* Open @m (SK) and seal it again with flags @flags, exchange @exch, Message ID @msgid. */
static size_t
reseal(uint8_t *m, size_t len, uint8_t flags, uint8_t exch, uint32_t msgid)
{
	static uint8_t pt[MSG_MAX];
	uint8_t first;
	int n;

	n = chain_of(m, len, pt, &first);
	return chain_put(m, flags, exch, msgid, first, pt, (size_t)n);
}

/* The header flags XOR @arg (I or R), sealed again behind SK. */
static size_t
m_flags(uint8_t *m, size_t len, int arg)
{
	if (!is_sk(m)) {
		m[19] ^= (uint8_t)arg;
		return len;
	}
	return reseal(m, len, (uint8_t)(m[19] ^ arg), m[18], ike_get32(m + 20));
}

/* The Message ID moved by @arg, sealed again. */
static size_t
m_msgid(uint8_t *m, size_t len, int arg)
{
	if (!is_sk(m))
		return 0;
	return reseal(m, len, m[19], m[18], (uint32_t)((int64_t)ike_get32(m + 20) + arg));
}

/* Exchange type @arg, sealed again (clear: Message ID 1 for IKE_AUTH). */
static size_t
m_exch(uint8_t *m, size_t len, int arg)
{
	if (!is_sk(m)) {
		m[18] = (uint8_t)arg;
		m[23] = 1;
		return len;
	}
	return reseal(m, len, m[19], (uint8_t)arg, ike_get32(m + 20));
}

/* ---- the runner ---- */

enum reply {
	R_NONE,  /* dropped silently */
	R_CLEAR, /* a notify in the clear (IKE_SA_INIT) */
	R_ENC,   /* a protected notify: the answer to the request */
	R_REPLY, /* taken as the genuine message: its answer goes on */
};

enum mode {
	INJECT,  /* the bad message, then the genuine one */
	REPLACE, /* the bad message instead of the genuine one (retransmissions may follow) */
};

struct bad_case {
	const char *name;
	mutate_fn fn;
	int arg;
	enum mode mode;
	int drop;           /* enum ike_drop that moves by one, -1: none */
	enum reply reply;   /* the receiver's answer to the bad message */
	unsigned int ntype; /* R_CLEAR, R_ENC: the notify type */
	int ndata;          /* its one-byte data, -1: none */
	bool completes;     /* the exchange of the held message still completes */
};

/* The one notify of answer @w (to the held message's sender), in the clear or opened. */
static bool
answer_notify(const struct msg *w, bool enc, uint16_t *type, int *data)
{
	static uint8_t pt[MSG_MAX];
	struct ikev2_msg *m = malloc(sizeof(*m));
	const uint8_t *p;
	uint8_t first;
	int n;
	bool ok = false;

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	*data = -1;
	if (!enc) {
		if (ikev2_msg_parse(w->p, w->len, m) == 0 && !m->has_sk && m->n_notifies == 1 &&
		    (w->p[19] & IKEV2_FLAG_R) != 0) {
			*type = m->notifies[0].type;
			if (m->notifies[0].data_len == 1)
				*data = m->notifies[0].data[0];
			ok = true;
		}
		free(m);
		return ok;
	}
	free(m);
	n = ikev2_test_open(peer_at(&w->to)->e, ike_get64(w->p), ike_get64(w->p + 8), w->p, w->len,
	    pt, sizeof(pt), &first);
	if (n < 8 || first != IKEV2_PL_NOTIFY || pt[0] != 0 || (w->p[19] & IKEV2_FLAG_R) == 0)
		return false;
	p = pt;
	*type = ike_get16(p + 6);
	if (ike_get16(p + 2) == 9)
		*data = p[8];
	return ike_get16(p + 2) == (size_t)n;
}

/* An IKE SA up at both ends answers a liveness check of I's. */
static void
check_alive(const char *what)
{
	uint64_t d0 = stats(&pr).dpd_answered;

	if (established(&pi) != 1 || established(&pr) != 1)
		fprintf(stderr, "  %s: established %" PRIu64 "/%" PRIu64 "\n", what,
		    established(&pi), established(&pr));
	CU_ASSERT_EQUAL(established(&pi), 1);
	CU_ASSERT_EQUAL(established(&pr), 1);
	pi.conn[0].dpd_delay = 5;
	advance(8 * S);
	CU_ASSERT_TRUE(stats(&pr).dpd_answered > d0);
	CU_ASSERT_EQUAL(established(&pi), 1);
	CU_ASSERT_EQUAL(established(&pr), 1);
	pi.conn[0].dpd_delay = 0;
}

static bool
done(unsigned int k)
{
	if (k >= 6)
		return pi.n_down >= 1 && pr.n_down >= 1;
	if (k >= 4)
		return pi.n_up == 2 && pr.n_up == 2;
	return pi.n_up == 1 && pr.n_up == 1;
}

static void
run_case(unsigned int k, uint16_t dh, const struct bad_case *c)
{
	static uint8_t m[MSG_MAX];
	struct peer *rx;
	struct ikev2_stats before, after;
	unsigned int sent0;
	uint16_t type = 0;
	int data = -1;
	bool fin;
	size_t len;
	char what[128];

	run_to(k, dh);
	CU_ASSERT_FATAL(held.len + 64 <= sizeof(m));
	memcpy(m, held.p, held.len);
	len = c->fn(m, held.len, c->arg);
	if (len == 0) {
		teardown();
		return;
	}
	snprintf(what, sizeof(what), "message %u, %s %d (group %u)", k, c->name, c->arg, dh);
	rx = peer_at(&held.to);
	before = stats(rx);
	sent0 = n_sent;
	ikev2_input(rx->e, now, &held.to, &held.from, m, len);
	after = stats(rx);
	check_drops(what, before.dropped, after.dropped, c->drop);
	switch (c->reply) {
	case R_NONE:
		if (n_sent != sent0)
			fprintf(stderr, "  %s: %u answers, want none\n", what, n_sent - sent0);
		CU_ASSERT_EQUAL(n_sent, sent0);
		break;
	case R_CLEAR:
	case R_ENC:
		if (n_sent != sent0 + 1 ||
		    !answer_notify(&sent[sent0], c->reply == R_ENC, &type, &data) ||
		    type != c->ntype || data != c->ndata)
			fprintf(stderr, "  %s: %u answers, notify %u (%d), want %u (%d)\n", what,
			    n_sent - sent0, type, data, c->ntype, c->ndata);
		CU_ASSERT_EQUAL_FATAL(n_sent, sent0 + 1);
		CU_ASSERT_TRUE(answer_notify(&sent[sent0], c->reply == R_ENC, &type, &data));
		CU_ASSERT_EQUAL(type, c->ntype);
		CU_ASSERT_EQUAL(data, c->ndata);
		CU_ASSERT_EQUAL(memcmp(&sent[sent0].to, &held.from, sizeof(held.from)), 0);
		break;
	case R_REPLY:
		if (n_sent != sent0 + 1)
			fprintf(stderr, "  %s: %u answers, want 1\n", what, n_sent - sent0);
		CU_ASSERT_EQUAL(n_sent, sent0 + 1);
		break;
	}
	/* An injected message came from someone else: its answer goes nowhere. */
	if (c->mode == INJECT)
		clear_wire();
	/* Nothing the receiver held is lost by an injection. */
	if (c->mode == INJECT) {
		CU_ASSERT_EQUAL(after.sas[IKE_SA_STATE_CONNECTING],
		    before.sas[IKE_SA_STATE_CONNECTING]);
		CU_ASSERT_EQUAL(after.sas[IKE_SA_STATE_ESTABLISHED],
		    before.sas[IKE_SA_STATE_ESTABLISHED]);
		CU_ASSERT_EQUAL(after.children, before.children);
	}
	if (c->mode == INJECT) {
		wire[n_wire++] = held;
		have_held = false;
	}
	hold = -1;
	pump();
	advance(30 * S); /* retransmissions recover a lost message */
	fin = done(k);
	if (fin != c->completes)
		fprintf(stderr, "  %s: completes %d, want %d\n", what, fin, c->completes);
	CU_ASSERT_EQUAL(fin, c->completes);
	if (k >= 2 && !(k == 2 && !c->completes))
		check_alive(what);
	if (k == 2 && !c->completes) {
		/* IKE_AUTH refused: no IKE SA at either end, none half-open. */
		CU_ASSERT_EQUAL(established(&pi) + established(&pr), 0);
		CU_ASSERT_EQUAL(stats(&pi).sas[IKE_SA_STATE_CONNECTING], 0);
		CU_ASSERT_EQUAL(stats(&pr).sas[IKE_SA_STATE_CONNECTING], 0);
	}
	teardown();
}

/* Is message @k a request? */
static bool
is_request(unsigned int k)
{
	return k % 2 == 0;
}

/*
 * Header-level mutations, whatever the message.  None is authentic (the
 * header is under the ICV, or there is no SA yet): dropped, counted, no
 * answer (RFC 7296 §2.21: unprotected errors are not answered once keys
 * exist; a datagram that is not a message at all never is).
 */
static void
test_ikev2_bad_header(void)
{
	unsigned int k;

	for (k = 0; k < 8; k++) {
		const struct bad_case cases[] = {
			{ "truncated", m_trunc_tail, 0, INJECT, IKE_DROP_MALFORMED, R_NONE, 0, -1,
			    true },
			{ "length field too big", m_len_big, 0, INJECT, IKE_DROP_MALFORMED, R_NONE,
			    0, -1, true },
			{ "length field too small", m_len_small, 0, INJECT, IKE_DROP_MALFORMED,
			    R_NONE, 0, -1, true },
			{ "garbage after the header", m_garbage, 0, INJECT, IKE_DROP_MALFORMED,
			    R_NONE, 0, -1, true },
			{ "ICV bit flipped", m_flip, 0, INJECT, IKE_DROP_DECRYPT, R_NONE, 0, -1,
			    true },
			/* a new initiator SPI in an IKE_SA_INIT request is a new IKE SA */
			{ "unknown SPI", m_spi, 0, INJECT, IKE_DROP_UNKNOWN_SA, R_NONE, 0, -1,
			    true },
		};
		unsigned int i;

		for (i = 0; i < DIM(cases); i++)
			if (k > 0 || cases[i].fn != m_spi)
				run_case(k, 19, &cases[i]);
	}
}

/*
 * Messages in the wrong order, flags wrong, Message IDs outside the
 * window (RFC 7296 §2.2, §3.1): authentic behind SK (sealed again), still
 * dropped, counted, never answered, and the window stays where it was.
 */
static void
test_ikev2_bad_order(void)
{
	unsigned int k;

	for (k = 0; k < 8; k++) {
		/* In the clear: an IKE_SA_INIT response from the initiator (I and R
		 * set), a request with a responder SPI (§3.1).  Under the keys: a
		 * response nobody asked for, a request outside the window. */
		const struct bad_case cases[] = {
			{ "R flag wrong", m_flags, IKEV2_FLAG_R, INJECT,
			    k < 2 ? IKE_DROP_MALFORMED : IKE_DROP_STATE, R_NONE, 0, -1, true },
			{ "I flag wrong", m_flags, IKEV2_FLAG_I, INJECT, IKE_DROP_MALFORMED, R_NONE,
			    0, -1, true },
			{ "Message ID too new", m_msgid, 5, INJECT, IKE_DROP_STATE, R_NONE, 0, -1,
			    true },
			{ "Message ID old, other contents", m_msgid, -1, INJECT, IKE_DROP_STATE,
			    R_NONE, 0, -1, true },
			{ "Message ID far behind", m_msgid, -1000, INJECT, IKE_DROP_STATE, R_NONE,
			    0, -1, true },
		};
		unsigned int i;

		for (i = 0; i < DIM(cases); i++)
			run_case(k, 19, &cases[i]);
	}
	/* IKE_AUTH before IKE_SA_INIT completed: no IKE SA has these SPIs. */
	{
		const struct bad_case c = { "IKE_AUTH first", m_exch, IKEV2_EXCH_IKE_AUTH, INJECT,
			IKE_DROP_UNKNOWN_SA, R_NONE, 0, -1, true };

		run_case(0, 19, &c);
	}
	/* CREATE_CHILD_SA or INFORMATIONAL in IKE_AUTH's place (§1.2): taken by
	 * nothing, the Message ID stays for IKE_AUTH. */
	{
		const struct bad_case c[] = {
			{ "CREATE_CHILD_SA during IKE_AUTH", m_exch, IKEV2_EXCH_CREATE_CHILD_SA,
			    INJECT, IKE_DROP_STATE, R_NONE, 0, -1, true },
			{ "INFORMATIONAL during IKE_AUTH", m_exch, IKEV2_EXCH_INFORMATIONAL, INJECT,
			    IKE_DROP_STATE, R_NONE, 0, -1, true },
		};

		run_case(2, 19, &c[0]);
		run_case(2, 19, &c[1]);
	}
	/* An answer of the wrong exchange to our request. */
	{
		const struct bad_case c = { "response of another exchange", m_exch,
			IKEV2_EXCH_INFORMATIONAL, INJECT, IKE_DROP_MALFORMED, R_NONE, 0, -1, true };

		run_case(5, 19, &c);
	}
}

/* A second IKE_SA_INIT (the first, or one made anew) on an established IKE SA: dropped, the SA stays. */
static void
test_ikev2_bad_second_init(void)
{
	struct ikev2_stats b0;
	struct msg w;

	run_to(4, 19);
	msg_copy(&w, &sent[0].from, &sent[0].to, sent[0].p, sent[0].len);
	w.p[w.len - 1] ^= 0x01; /* not the stored request: not a retransmission */
	b0 = stats(&pr);
	deliver(&w);
	CU_ASSERT_EQUAL(stats(&pr).dropped[IKE_DROP_STATE], b0.dropped[IKE_DROP_STATE] + 1);
	CU_ASSERT_EQUAL(stats(&pr).tx, b0.tx);
	free(w.p);
	hold = -1;
	wire[n_wire++] = held;
	have_held = false;
	pump();
	CU_ASSERT_EQUAL(pi.n_up, 2);
	check_alive("second IKE_SA_INIT");
	teardown();
}

/*
 * A request again (RFC 7296 §2.1): the stored answer goes once more,
 * nothing is processed twice; a response again is dropped.
 */
static void
test_ikev2_bad_duplicate(void)
{
	struct ikev2_stats b0, b1;
	unsigned int k, sent0;
	struct peer *rx;
	struct msg copy;

	for (k = 0; k < 8; k++) {
		run_to(k, 19);
		rx = peer_at(&held.to);
		msg_copy(&copy, &held.from, &held.to, held.p, held.len);
		ikev2_input(rx->e, now, &held.to, &held.from, held.p, held.len);
		b0 = stats(rx);
		sent0 = n_sent;
		ikev2_input(rx->e, now, &copy.to, &copy.from, copy.p, copy.len);
		b1 = stats(rx);
		if (is_request(k)) {
			CU_ASSERT_EQUAL(b1.dropped[IKE_DROP_RETRANSMIT],
			    b0.dropped[IKE_DROP_RETRANSMIT] + 1);
			CU_ASSERT_EQUAL_FATAL(n_sent, sent0 + 1);
			CU_ASSERT_EQUAL(sent[sent0].len, sent[sent0 - 1].len);
			CU_ASSERT_EQUAL(memcmp(sent[sent0].p, sent[sent0 - 1].p, sent[sent0].len),
			    0);
		} else {
			CU_ASSERT_EQUAL(b1.dropped[IKE_DROP_STATE], b0.dropped[IKE_DROP_STATE] + 1);
			CU_ASSERT_EQUAL(n_sent, sent0);
		}
		CU_ASSERT_EQUAL(b1.child_done, b0.child_done);
		CU_ASSERT_EQUAL(b1.ike_done, b0.ike_done);
		free(copy.p);
		free(held.p);
		have_held = false;
		hold = -1;
		pump();
		advance(10 * S);
		CU_ASSERT_TRUE(done(k));
		check_alive("duplicate");
		teardown();
	}
}

/*
 * Payload chains with bad lengths, at every payload of every message.
 * In the clear (IKE_SA_INIT) a chain that does not parse is dropped
 * unanswered: RFC 7296 §2.21.1 leaves the answer to an unauthenticated
 * message to the receiver, and one that is no message leaves no state
 * and draws no reflection.  Behind SK (sealed again: it is authentic) a
 * request is answered with INVALID_SYNTAX (§2.21.2, §2.21.3): an IKE_AUTH
 * request so answered makes no IKE SA at either end; on an established
 * IKE SA the SA stays.  A response is dropped; the retransmission of the
 * request brings the genuine one.
 */
static void
test_ikev2_bad_lengths(void)
{
	static const enum chain_op ops[] = { OP_LEN0, OP_LEN3, OP_LEN_BEYOND, OP_TRUNC };
	static const char *const names[] = { "payload length 0", "payload length 3",
		"payload length past the end", "chain truncated in the payload" };
	unsigned int k, o;
	int j;

	for (k = 0; k < 8; k++) {
		for (o = 0; o < DIM(ops); o++) {
			for (j = 0; j < 12; j++) {
				bool keyed_req = k >= 2 && is_request(k);
				struct bad_case c = { names[o], chain_mutate, j,
					keyed_req ? REPLACE : INJECT, IKE_DROP_MALFORMED,
					keyed_req ? R_ENC : R_NONE, IKEV2_N_INVALID_SYNTAX, -1,
					!keyed_req };

				cur_op = ops[o];
				run_case(k, 19, &c);
			}
		}
	}
}

/* Duplicate payloads, too many selectors, proposals, SPI sizes. */
static void
test_ikev2_bad_sizes(void)
{
	static const uint8_t once[] = { IKEV2_PL_SA, IKEV2_PL_KE, IKEV2_PL_IDI, IKEV2_PL_IDR,
		IKEV2_PL_AUTH, IKEV2_PL_NONCE, IKEV2_PL_TSI, IKEV2_PL_TSR };
	unsigned int k, t;
	int j;

	for (k = 0; k < 6; k++) {
		bool keyed_req = k >= 2 && is_request(k);

		for (t = 0; t < DIM(once); t++) {
			struct bad_case c = { "payload twice", chain_mutate, 0,
				keyed_req ? REPLACE : INJECT, IKE_DROP_MALFORMED,
				keyed_req ? R_ENC : R_NONE, IKEV2_N_INVALID_SYNTAX, -1,
				!keyed_req };

			run_to(k, 19);
			j = find_pl(held.p, held.len, once[t]);
			teardown();
			if (j < 0)
				continue;
			c.arg = j;
			cur_op = OP_DUP;
			run_case(k, 19, &c);
		}
		/* SPI Size 9: no protocol has one (§3.3.1) */
		{
			struct bad_case c = { "proposal SPI size 9", chain_mutate, 0,
				keyed_req ? REPLACE : INJECT, IKE_DROP_MALFORMED,
				keyed_req ? R_ENC : R_NONE, IKEV2_N_INVALID_SYNTAX, -1,
				!keyed_req };

			cur_op = OP_SPI9;
			for (j = 0; j < 6; j++) {
				c.arg = j;
				run_case(k, 19, &c);
			}
		}
		/* 17 proposals: the first 16 are kept, the offer is still good.  An
		 * IKE_SA_INIT request so changed is caught by AUTH (§2.15 signs it
		 * as sent). */
		{
			struct bad_case c = { "17 proposals", chain_mutate, 0, REPLACE, -1, R_REPLY,
				0, -1, k != 0 };

			cur_op = OP_PROPS17;
			for (j = 0; j < 6; j++) {
				c.arg = j;
				if (!is_request(k))
					continue;
				run_case(k, 19, &c);
			}
		}
		/* 17 selectors: more than the decoder keeps (-E2BIG): dropped
		 * unanswered, the retransmission of the genuine one completes. */
		{
			struct bad_case c = { "17 traffic selectors", chain_mutate, 0,
				is_request(k) ? REPLACE : INJECT, IKE_DROP_MALFORMED, R_NONE, 0, -1,
				true };

			cur_op = OP_TS17;
			for (j = 0; j < 8; j++) {
				c.arg = j;
				run_case(k, 19, &c);
			}
		}
	}
}

/*
 * Unknown payload types (§2.5, §3.2): with the critical bit the message is
 * refused with UNSUPPORTED_CRITICAL_PAYLOAD naming the type, in the clear
 * to an IKE_SA_INIT request, protected to an authentic request (an
 * IKE_AUTH request so refused makes no IKE SA); a response is dropped.
 * Without the critical bit the payload is skipped.
 */
static void
test_ikev2_bad_critical(void)
{
	static const unsigned int ks[] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	unsigned int i;

	for (i = 0; i < DIM(ks); i++) {
		unsigned int k = ks[i];
		bool req = is_request(k);
		struct bad_case crit = { "unknown critical payload", chain_mutate, 0,
			req && k != 0 ? REPLACE : INJECT, IKE_DROP_MALFORMED,
			!req ? R_NONE : (k == 0 ? R_CLEAR : R_ENC),
			IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD, PL_UNK, !req || k == 0 };
		/* The IKE_SA_INIT messages are signed as sent (§2.15): one changed
		 * on the way is taken, then AUTH fails. */
		struct bad_case noncrit = { "unknown payload, not critical", chain_mutate, 0,
			REPLACE, -1, R_REPLY, 0, -1, k >= 2 };

		cur_op = OP_CRIT;
		run_case(k, 19, &crit);
		/* the answers of IKE_AUTH, CREATE_CHILD_SA and INFORMATIONAL end their exchange */
		if (k == 3 || k == 5 || k == 7)
			noncrit.reply = R_NONE;
		cur_op = OP_NONCRIT;
		run_case(k, 19, &noncrit);
	}
}

/*
 * Key exchange payloads.  A KE of the wrong length for the group the
 * responder chose is INVALID_SYNTAX, not INVALID_KE_PAYLOAD: the group is
 * the one wanted, and INVALID_KE_PAYLOAD (§1.2, §3.10.1) would only ask
 * the initiator to send what it sent (§3.4: the length is fixed by the
 * group).  A value that is no public value of the group (ecp256 off the
 * curve, curve25519 of low order: an all-zero secret, RFC 6989, RFC 8031
 * §2.3; modp2048 y = 1) is refused the same way and leaves no state.  The
 * initiator drops such an IKE_SA_INIT answer and waits for the genuine one
 * (§2.4).  With PFS in CREATE_CHILD_SA the request is answered with
 * INVALID_SYNTAX and the IKE SA stays.
 */
static void
test_ikev2_bad_ke(void)
{
	static const struct {
		uint16_t dh;
		size_t len;
		uint8_t fill; /* the bad value: all @fill, last byte @last */
		uint8_t last;
		const char *name;
	} groups[] = {
		{ 14, 256, 0, 1, "modp2048 y = 1" },
		{ 19, 64, 0, 1, "ecp256 (0, 1): not on the curve" },
		{ 19, 64, 0xff, 0xff, "ecp256 beyond the field" },
		{ 31, 32, 0, 0, "curve25519 u = 0" },
		{ 31, 32, 0, 1, "curve25519 u = 1" },
	};
	unsigned int g, k;

	for (g = 0; g < DIM(groups); g++) {
		ke_bad_len = groups[g].len;
		memset(ke_bad, groups[g].fill, ke_bad_len);
		/* curve25519 low order: little-endian u, the value sits in the first byte */
		if (groups[g].dh == 31)
			ke_bad[0] = groups[g].last;
		else
			ke_bad[ke_bad_len - 1] = groups[g].last;
		for (k = 0; k < 6; k++) {
			int j;
			/* an authentic CREATE_CHILD_SA answer with it ends that exchange */
			struct bad_case shrt = { "KE one byte short", chain_mutate, 0,
				k == 4 ? REPLACE : INJECT, IKE_DROP_MALFORMED,
				k == 0     ? R_CLEAR :
				    k == 4 ? R_ENC :
				             R_NONE,
				IKEV2_N_INVALID_SYNTAX, -1, k < 4 };
			struct bad_case bad = shrt;

			if (k == 2 || k == 3)
				continue;
			bad.name = groups[g].name;
			run_to(k, groups[g].dh);
			j = find_pl(held.p, held.len, IKEV2_PL_KE);
			teardown();
			CU_ASSERT_FATAL(j >= 0);
			shrt.arg = bad.arg = j;
			cur_op = OP_KE_SHORT;
			if (g == 0 || g == 1 || g == 3)
				run_case(k, groups[g].dh, &shrt);
			cur_op = OP_KE_BAD;
			run_case(k, groups[g].dh, &bad);
		}
	}
}

int main(void);

int
main(void)
{
	static const struct harness_test tests[] = {
		{ "test_ikev2_bad_header", test_ikev2_bad_header },
		{ "test_ikev2_bad_order", test_ikev2_bad_order },
		{ "test_ikev2_bad_second_init", test_ikev2_bad_second_init },
		{ "test_ikev2_bad_duplicate", test_ikev2_bad_duplicate },
		{ "test_ikev2_bad_critical", test_ikev2_bad_critical },
		{ "test_ikev2_bad_ke", test_ikev2_bad_ke },
		{ "test_ikev2_bad_lengths", test_ikev2_bad_lengths },
		{ "test_ikev2_bad_sizes", test_ikev2_bad_sizes },
	};
	unsigned int fails;

	harness_use(&harness_ikev2);
	fails = harness_run("ikev2_bad", tests, DIM(tests));
	return fails == 0 ? 0 : 1;
}
