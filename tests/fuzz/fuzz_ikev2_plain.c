/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/fuzz/fuzz_ikev2_plain.c: libFuzzer target for the IKEv2 engine behind the SK payload (IKE_AUTH, CREATE_CHILD_SA, INFORMATIONAL). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "slowpath/ike/ike.h"
#include "slowpath/ike/ikev2_msg.h"
#include "slowpath/ike/ikev2_sm.h"
#include "slowpath/ike/ikev2_test.h"

#include "fuzz_ike_pair.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Two pairs of engines (fuzz_ike_pair.h), I (192.0.2.1) and R
 * (192.0.2.2), with a fixed random source, so that SPIs, keys and IVs
 * are the same every time: pair H stops after IKE_SA_INIT (I's IKE_AUTH
 * request held back), pair E has its IKE SA and Child SA up.  Each input
 * is sealed under the keys of one of them (ikev2_test_seal) and given to
 * the engine it is for:
 *
 *   byte 0   bits 0..1: 0 IKE_AUTH request to H's responder, 1 IKE_AUTH
 *            response to H's initiator, 2 CREATE_CHILD_SA request to E's
 *            responder, 3 INFORMATIONAL request to E's responder;
 *            bit 2: to E, a response to E's initiator instead (its
 *            liveness check or CREATE_CHILD_SA in flight);
 *            bits 4..7: the Message ID, 0 the one expected, else off by
 *            a small amount
 *   byte 1   the type of the first inner payload
 *   2..      the plaintext payload chain
 *
 * so that the inner decoder and the exchange handlers run on plaintext
 * that passed the ICV.  Answers go nowhere.  A pair that an input
 * changed beyond what the next one may meet is built again.
 */

#define S       1000000000ull
#define MSG_CAP IKE_MSG_MAX
#define IN_MAX  (IKE_MSG_MAX - 512) /* room for the header, IV, padding, ICV */

struct pair {
	struct fuzz_ike_pair_side i, r;
	uint64_t spi_i, spi_r;
};

static struct pair ph, pe;
static uint8_t held[MSG_CAP]; /* H's IKE_AUTH request, kept from the wire */
static size_t held_len;
static uint64_t now = 1000 * S;
static uint8_t *out;

/* Deliver the wire's messages of @p until quiet; with @hold_auth, I's IKE_AUTH request stays in held. */
static void
pump(struct pair *p, bool hold_auth)
{
	const struct fuzz_ike_pair_msg *m;
	unsigned int rounds = 0;

	while (rounds++ < 64 && (m = fuzz_ike_pair_wire_pop()) != NULL) {
		if (hold_auth && m->len > 18 && m->p[18] == IKEV2_EXCH_IKE_AUTH) {
			memcpy(held, m->p, m->len);
			held_len = m->len;
			continue;
		}
		ikev2_input(m->to.a.addr[3] == p->i.addr ? p->i.e : p->r.e, now, &m->to, &m->from,
		    m->p, m->len);
	}
}

static int
visit(void *arg, const struct ike_sa_info *info)
{
	struct pair *p = arg;

	p->spi_i = info->spi_i;
	p->spi_r = info->spi_r;
	return 0;
}

/* Pair @p from scratch: up to IKE_SA_INIT (@half) or with its first Child SA up. */
static void
build(struct pair *p, bool half)
{
	ikev2_destroy(p->i.e);
	ikev2_destroy(p->r.e);
	fuzz_ike_pair_random_seed(half ? 0x9e3779b97f4a7c15ull : 0x1234567887654321ull);
	fuzz_ike_pair_side_init(&p->i, 2, 1, 2, true);
	fuzz_ike_pair_side_init(&p->r, 2, 2, 1, false);
	p->i.e = ikev2_create(&p->i.cfg, &p->i.ops);
	p->r.e = ikev2_create(&p->r.cfg, &p->r.ops);
	if (p->i.e == NULL || p->r.e == NULL)
		abort();
	fuzz_ike_pair_wire_start();
	held_len = 0;
	if (ikev2_initiate(p->i.e, now, 0) != 0)
		abort();
	pump(p, half);
	fuzz_ike_pair_wire_stop(); /* answers to the inputs go nowhere */
	if (half ? held_len == 0 : (p->i.ups != 1 || p->r.ups != 1))
		abort();
	if (ikev2_sa_list(p->r.e, 0, 1, visit, p) != 1)
		abort();
	/* E's initiator checks liveness at each tick: a request of its own to answer */
	p->i.conn.dpd_delay = half ? 0 : 1;
}

static bool
h_changed(void)
{
	struct ikev2_stats a, b;
	uint32_t next, peer;

	ikev2_stats_read(ph.i.e, &a);
	ikev2_stats_read(ph.r.e, &b);
	return a.sas[IKE_SA_STATE_CONNECTING] != 1 || b.sas[IKE_SA_STATE_CONNECTING] != 1 ||
	    ikev2_test_msgids(ph.r.e, ph.spi_i, ph.spi_r, &next, &peer) != 0 || peer != 1 ||
	    ikev2_test_msgids(ph.i.e, ph.spi_i, ph.spi_r, &next, &peer) != 0 || next != 2;
}

static bool
e_changed(void)
{
	struct ikev2_stats a, b;

	ikev2_stats_read(pe.i.e, &a);
	ikev2_stats_read(pe.r.e, &b);
	return a.sas[IKE_SA_STATE_ESTABLISHED] != 1 || b.sas[IKE_SA_STATE_ESTABLISHED] != 1 ||
	    a.sas[IKE_SA_STATE_CONNECTING] != 0 || b.sas[IKE_SA_STATE_CONNECTING] != 0 ||
	    a.sas[IKE_SA_STATE_DELETING] != 0 || b.sas[IKE_SA_STATE_DELETING] != 0 ||
	    a.children != 1 || b.children != 1 || ikev2_sa_list(pe.r.e, 0, 1, visit, &pe) != 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int32_t off[16] = { 0, 1, -1, 2, 5, -2, 100, -100, 0x7fffffff, 3, 4, -3,
		0x10000, -0x10000, 64, 0x40000000 };
	struct ike_addr from, to;
	struct pair *p;
	struct ikev2 *tx, *rx;
	uint32_t next, peer, msgid;
	uint8_t exch, flags;
	unsigned int target = data != NULL && size > 0 ? data[0] & 3 : 0;
	bool resp;
	int n;

	if (out == NULL) {
		out = malloc(MSG_CAP);
		if (out == NULL)
			abort();
		build(&ph, true);
		build(&pe, false);
	}
	if (size < 2 || size > IN_MAX)
		return 0;
	now += S;
	if (target < 2) {
		p = &ph;
		exch = IKEV2_EXCH_IKE_AUTH;
		resp = target == 1;
		msgid = 1;
	} else {
		p = &pe;
		exch = target == 2 ? IKEV2_EXCH_CREATE_CHILD_SA : IKEV2_EXCH_INFORMATIONAL;
		resp = (data[0] & 4) != 0;
		if (resp) {
			/* a request of E's initiator in flight to answer: "web" or a liveness check */
			if (target == 2)
				(void)ikev2_initiate(pe.i.e, now, 1);
			ikev2_tick(pe.i.e, now);
		}
		/* the tick may have given up on the peer (no answers come) */
		if (ikev2_test_msgids(resp ? pe.i.e : pe.r.e, pe.spi_i, pe.spi_r, &next, &peer) !=
		    0) {
			build(&pe, false);
			return 0;
		}
		msgid = resp ? next - 1 : peer;
	}
	msgid = (uint32_t)((int64_t)msgid + off[data[0] >> 4]);
	/* a request goes from I to R, a response from R to I */
	tx = resp ? p->r.e : p->i.e;
	rx = resp ? p->i.e : p->r.e;
	flags = resp ? IKEV2_FLAG_R : IKEV2_FLAG_I;
	n = ikev2_test_seal(tx, p->spi_i, p->spi_r, exch, flags, msgid, data[1], data + 2, size - 2,
	    out, MSG_CAP);
	if (n < 0)
		return 0;
	fuzz_ike_pair_addr(&to, resp ? p->i.addr : p->r.addr);
	fuzz_ike_pair_addr(&from, resp ? p->r.addr : p->i.addr);
	ikev2_input(rx, now, &to, &from, out, (size_t)n);
	if (p == &ph ? h_changed() : e_changed())
		build(p, p == &ph);
	return 0;
}
