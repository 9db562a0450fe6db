/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/slowpath/ike/test_ikev2_rekey.c: two IKEv2 engines back to back on a virtual clock: CREATE_CHILD_SA, Child SA and IKE SA rekeys, collisions, lifetimes. */
#include <errno.h>
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
#include "slowpath/ike/ike_crypto.h"
#include "slowpath/ike/ikev2_int.h"
#include "slowpath/ike/ikev2_sm.h"

#include "harness.h"

#define KIDS 2

/*
 * Two engines, "I" (192.0.2.1, 198.51.100.0/24) and "R" (192.0.2.2,
 * 203.0.113.0/24), wired back to back by harness.h; time is the test's
 * (100 ms ticks).  Each side has the harness's model of the SA installer
 * (KIDS children here) and the zero-loss invariant is checked after every
 * message and every tick.
 */

static unsigned int
n_of(const struct model *m, unsigned int child)
{
	unsigned int i, n = 0;

	for (i = 0; i < m->n_inst; i++)
		n += m->inst[i].c.child == child;
	return n;
}

static void
rekey_setup(void)
{
	model_setup(KIDS, 0);
}

/* "web" (peer_second_child); both children start with the connection when @start. */
static void
second_child(struct peer *p, bool start)
{
	peer_second_child(p);
	p->child[0].start_action = start ? CONFIG_START_START : CONFIG_START_NONE;
	p->child[1].start_action = p->child[0].start_action;
}

/* The ids of the established IKE SAs of @p. */
struct ids {
	uint64_t id[8];
	unsigned int n;
};

static int
ids_visit(void *arg, const struct ike_sa_info *info)
{
	struct ids *x = arg;

	if (info->state == IKE_SA_STATE_ESTABLISHED && x->n < DIM(x->id))
		x->id[x->n++] = info->id;
	return 0;
}

static int
info_first(void *arg, const struct ike_sa_info *info)
{
	if (info->state != IKE_SA_STATE_ESTABLISHED)
		return 0;
	*(struct ike_sa_info *)arg = *info;
	return 1;
}

static struct ids
ids_of(const struct peer *p)
{
	struct ids x = { .n = 0 };

	ikev2_sa_list(p->e, 0, 64, ids_visit, &x);
	return x;
}

/*
 * Settled: one IKE SA at each end, and for each of @kids children one
 * pair, the same at both ends (SPIs and keys mirrored), sent on both
 * ways and owned by that IKE SA.
 */
static void
check_settled(unsigned int kids)
{
	struct ids a = ids_of(&pi), b = ids_of(&pr);
	const struct inst *x, *y;
	unsigned int ch, i;

	CU_ASSERT_EQUAL_FATAL(a.n, 1);
	CU_ASSERT_EQUAL_FATAL(b.n, 1);
	CU_ASSERT_EQUAL(mi.n_inst, kids);
	CU_ASSERT_EQUAL(mr.n_inst, kids);
	CU_ASSERT_EQUAL(v2_stats(&pi).children, kids);
	CU_ASSERT_EQUAL(v2_stats(&pr).children, kids);
	for (ch = 0; ch < kids; ch++) {
		x = y = NULL;
		for (i = 0; i < mi.n_inst; i++)
			if (mi.inst[i].c.child == ch)
				x = &mi.inst[i];
		for (i = 0; i < mr.n_inst; i++)
			if (mr.inst[i].c.child == ch)
				y = &mr.inst[i];
		CU_ASSERT_PTR_NOT_NULL_FATAL(x);
		CU_ASSERT_PTR_NOT_NULL_FATAL(y);
		check_mirror(&x->c, &y->c);
		CU_ASSERT_TRUE(x->out_ready);
		CU_ASSERT_TRUE(y->out_ready);
		CU_ASSERT_EQUAL(mi.slot[ch], x->c.spi_out);
		CU_ASSERT_EQUAL(mr.slot[ch], y->c.spi_out);
		CU_ASSERT_EQUAL(x->c.ike_sa, a.id[0]);
		CU_ASSERT_EQUAL(y->c.ike_sa, b.id[0]);
	}
}

/* Wait for a moment between rekeys (at most @max_s), then check it. */
static void
settle(unsigned int kids, unsigned int max_s)
{
	unsigned int i;

	for (i = 0; i < max_s * 10; i++) {
		if (mi.n_inst == kids && mr.n_inst == kids && ids_of(&pi).n == 1 &&
		    ids_of(&pr).n == 1 && v2_stats(&pi).sas[IKE_SA_STATE_ESTABLISHED] == 1 &&
		    v2_stats(&pr).sas[IKE_SA_STATE_ESTABLISHED] == 1)
			break;
		CU_ASSERT_TRUE(mi.n_inst <= 3 * kids && mr.n_inst <= 3 * kids);
		advance(100 * MS);
	}
	check_settled(kids);
}

/*
 * The first pair, in IKE_AUTH: the responder installs it both ways before
 * its answer leaves, the one moment the invariant does not hold (nothing
 * was sent before it either); counted from here on.
 */
static void
negotiate(void)
{
	CU_ASSERT_EQUAL_FATAL(ikev2_initiate(pi.e, now, 0), 0);
	pump();
	check_settled(1);
	violations = 0;
}

/*
 * @a rekeys child 0 (its rekey_time is the shorter): the new pair is up
 * at both ends before the old one goes, the initiator sends on it at
 * once, the responder when the initiator's Delete of the old pair comes;
 * the old inbound SA stays at the initiator a moment after that Delete
 * is answered.  Again at the new pair's rekey_time.
 */
static void
rekey_by(struct peer *a, uint16_t pfs)
{
	struct peer *b = peer_other(a);
	uint32_t old_a_in, old_b_in;
	unsigned int ups_a, ups_b, round;

	a->child[0].rekey_time = 100;
	a->child[0].life_time = 130;
	b->child[0].rekey_time = 115;
	b->child[0].life_time = 130;
	if (pfs != 0) {
		esp_prop(&a->child[0].esp_proposals[0], "aes128-sha256", pfs);
		esp_prop(&b->child[0].esp_proposals[0], "aes128-sha256", pfs);
	}
	model_start();
	negotiate();
	for (round = 0; round < 3; round++) {
		old_a_in = model_of(a)->inst[0].c.spi_in;
		old_b_in = model_of(b)->inst[0].c.spi_in;
		ups_a = a->n_up;
		ups_b = b->n_up;
		advance(round == 0 ? 99 * S : 97 * S);
		CU_ASSERT_EQUAL(a->n_up, ups_a); /* not before rekey_time */
		advance(1 * S);
		CU_ASSERT_EQUAL(a->n_up, ups_a + 1);
		CU_ASSERT_EQUAL(b->n_up, ups_b + 1);
		/* the initiator sends on the new pair, and so does the responder (Delete came) */
		CU_ASSERT_NOT_EQUAL(model_of(a)->slot[0], old_b_in);
		CU_ASSERT_NOT_EQUAL(model_of(b)->slot[0], old_a_in);
		CU_ASSERT_EQUAL(model_of(a)->n_inst, 2); /* grace: the old inbound SA stays */
		CU_ASSERT_EQUAL(model_of(b)->n_inst, 1); /* the Delete removed it */
		advance(2 * S);
		check_settled(1);
		CU_ASSERT_NOT_EQUAL(model_of(a)->inst[0].c.spi_in, old_a_in);
		CU_ASSERT_NOT_EQUAL(model_of(b)->inst[0].c.spi_in, old_b_in);
		CU_ASSERT_EQUAL(v2_stats(a).child_rekeys, round + 1);
		CU_ASSERT_EQUAL(v2_stats(b).child_rekeys, round + 1);
		CU_ASSERT_EQUAL(v2_stats(a).child_rekeys_started, round + 1);
		CU_ASSERT_EQUAL(v2_stats(b).child_rekeys_started, 0);
	}
	CU_ASSERT_EQUAL(a->n_down, 3);
	CU_ASSERT_EQUAL(b->n_down, 3);
	CU_ASSERT_EQUAL(v2_stats(a).collisions, 0);
	CU_ASSERT_EQUAL(v2_stats(a).child_rekey_failed, 0);
	CU_ASSERT_EQUAL(v2_stats(a).deletes_sent, 3);
	CU_ASSERT_EQUAL(v2_stats(b).deletes_received, 3);
	CU_ASSERT_EQUAL(v2_stats(a).child_hard_expired + v2_stats(b).child_hard_expired, 0);
	CU_ASSERT_EQUAL(violations, 0);
	CU_ASSERT_EQUAL(early_removals, 0);
	model_teardown();
}

static void
test_ikev2_rekey_child_initiator(void)
{
	rekey_setup();
	rekey_by(&pi, 0);
}

/* R rekeys: the exchange's initiator is the IKE SA's responder (KEYMAT by the exchange's roles). */
static void
test_ikev2_rekey_child_responder(void)
{
	rekey_setup();
	rekey_by(&pr, 0);
}

/* PFS: KE payloads in the rekey (ecp256, then curve25519 the other way). */
static void
test_ikev2_rekey_child_pfs(void)
{
	rekey_setup();
	rekey_by(&pi, 19);
	rekey_setup();
	rekey_by(&pr, 31);
}

/*
 * PFS with INVALID_KE_PAYLOAD: I offers ecp256 first and modp2048, R
 * takes modp2048 only: R asks for it, I rekeys again with it.
 */
static void
test_ikev2_rekey_child_invalid_ke(void)
{
	rekey_setup();
	pi.child[0].n_esp_proposals = 2;
	esp_prop(&pi.child[0].esp_proposals[0], "aes128-sha256", 19);
	esp_prop(&pi.child[0].esp_proposals[1], "aes128-sha256", 14);
	esp_prop(&pr.child[0].esp_proposals[0], "aes128-sha256", 14);
	pi.child[0].rekey_time = 100;
	pr.child[0].rekey_time = 200;
	pr.child[0].life_time = 220;
	model_start();
	negotiate();
	advance(101 * S);
	settle(1, 10);
	CU_ASSERT_EQUAL(v2_stats(&pr).invalid_ke_sent, 1);
	CU_ASSERT_EQUAL(v2_stats(&pi).invalid_ke_retries, 1);
	CU_ASSERT_EQUAL(v2_stats(&pi).child_rekeys, 1);
	CU_ASSERT_EQUAL(v2_stats(&pr).child_rekeys, 1);
	CU_ASSERT_EQUAL(violations, 0);
	CU_ASSERT_EQUAL(early_removals, 0);
	model_teardown();
}

/*
 * Without child_prepare / child_activate: child_up at once at both ends.
 * The responder then sends on the new pair before the initiator has it
 * (the loss a two-step installer avoids): only the outcome is checked.
 */
static void
test_ikev2_rekey_child_one_step(void)
{
	rekey_setup();
	mi.two_step = mr.two_step = false;
	pi.child[0].rekey_time = 100;
	pr.child[0].rekey_time = 200;
	pr.child[0].life_time = 220;
	model_start();
	negotiate();
	advance(103 * S);
	check_settled(1);
	CU_ASSERT_EQUAL(v2_stats(&pi).child_rekeys, 1);
	CU_ASSERT_EQUAL(v2_stats(&pr).child_rekeys, 1);
	CU_ASSERT_EQUAL(early_removals, 0);
	model_teardown();
}

/* A soft lifetime from the workers rekeys the pair at once. */
static void
test_ikev2_rekey_soft_event(void)
{
	uint32_t old;

	rekey_setup();
	model_start();
	negotiate();
	advance(10 * S);
	old = mi.inst[0].c.spi_out;
	ikev2_sa_expired(pi.e, now, old, false, false);
	pump();
	CU_ASSERT_EQUAL(v2_stats(&pi).child_soft_expired, 1);
	CU_ASSERT_EQUAL(v2_stats(&pi).child_rekeys_started, 1);
	CU_ASSERT_NOT_EQUAL(mi.slot[0], old);
	/* a second soft event of the replaced pair does nothing */
	ikev2_sa_expired(pi.e, now, old, false, false);
	pump();
	CU_ASSERT_EQUAL(v2_stats(&pi).child_rekeys_started, 1);
	advance(3 * S);
	check_settled(1);
	CU_ASSERT_EQUAL(v2_stats(&pr).child_rekeys, 1);
	CU_ASSERT_EQUAL(violations, 0);
	CU_ASSERT_EQUAL(early_removals, 0);
	model_teardown();
}

/*
 * No rekey_time: life_time removes the pair at both ends (a Delete tells
 * the peer).  Traffic stops there: no zero-loss check.
 */
static void
test_ikev2_rekey_life_time(void)
{
	rekey_setup();
	pi.child[0].rekey_time = 0;
	pi.child[0].life_time = 50;
	pr.child[0].rekey_time = 0;
	pr.child[0].life_time = 60;
	model_start();
	negotiate();
	advance(49 * S);
	CU_ASSERT_EQUAL(mi.n_inst, 1);
	advance(2 * S);
	CU_ASSERT_EQUAL(mi.n_inst, 0);
	CU_ASSERT_EQUAL(mr.n_inst, 0);
	CU_ASSERT_EQUAL(v2_stats(&pi).child_hard_expired, 1);
	CU_ASSERT_EQUAL(v2_stats(&pr).children_deleted, 1);
	CU_ASSERT_EQUAL(v2_stats(&pi).children, 0);
	CU_ASSERT_EQUAL(v2_stats(&pr).children, 0);
	model_teardown();
}

/*
 * Both ends rekey the Child SA in the same tick, round after round (fresh
 * random nonces each): each answers the other's request, the pair of the
 * exchange with the lowest nonce goes, one pair is left, the same at both
 * ends, and the invariant holds throughout.
 */
static void
test_ikev2_rekey_child_collision(void)
{
	unsigned int round, rounds = 20;

	rekey_setup();
	pi.child[0].rekey_time = 100;
	pi.child[0].life_time = 130;
	pr.child[0].rekey_time = 100;
	pr.child[0].life_time = 130;
	model_start();
	negotiate();
	for (round = 0; round < rounds; round++) {
		advance(100 * S);
		settle(1, 30);
		CU_ASSERT_EQUAL(v2_stats(&pi).collisions, round + 1);
		CU_ASSERT_EQUAL(v2_stats(&pr).collisions, round + 1);
	}
	fprintf(stderr, "# %u rounds: I %u up %u down, R %u up %u down\n", rounds, pi.n_up,
	    pi.n_down, pr.n_up, pr.n_down);
	CU_ASSERT_EQUAL(v2_stats(&pi).child_rekeys, rounds);
	CU_ASSERT_EQUAL(v2_stats(&pr).child_rekeys, rounds);
	CU_ASSERT_EQUAL(v2_stats(&pi).child_hard_expired + v2_stats(&pr).child_hard_expired, 0);
	CU_ASSERT_EQUAL(pi.n_down + 1, pi.n_up);
	CU_ASSERT_EQUAL(pr.n_down + 1, pr.n_up);
	CU_ASSERT_EQUAL(violations, 0);
	CU_ASSERT_EQUAL(early_removals, 0);
	model_teardown();
}

/*
 * @a rekeys the IKE SA: new SPIs and keys, the Child SA moves to the new
 * IKE SA without being installed again, the old IKE SA goes at both ends.
 * Then a Child SA rekey and a second IKE rekey run on the new one.
 */
static void
ike_rekey_by(struct peer *a)
{
	struct peer *b = peer_other(a);
	struct ids before;
	unsigned int ups;

	a->conn[0].rekey_time = 200;
	a->conn[0].over_time = 20;
	b->conn[0].rekey_time = 400;
	b->conn[0].over_time = 40;
	pi.child[0].rekey_time = 300;
	pi.child[0].life_time = 350;
	pr.child[0].rekey_time = 320;
	pr.child[0].life_time = 350;
	model_start();
	negotiate();
	before = ids_of(a);
	ups = a->n_up + b->n_up;
	advance(199 * S);
	CU_ASSERT_EQUAL(v2_stats(a).ike_rekeys, 0);
	advance(2 * S);
	CU_ASSERT_EQUAL(v2_stats(a).ike_rekeys, 1);
	CU_ASSERT_EQUAL(v2_stats(b).ike_rekeys, 1);
	CU_ASSERT_EQUAL(v2_stats(a).ike_rekeys_started, 1);
	settle(1, 10);
	CU_ASSERT_NOT_EQUAL(ids_of(a).id[0], before.id[0]);
	CU_ASSERT_EQUAL(a->n_up + b->n_up, ups); /* moved, not installed again */
	CU_ASSERT_EQUAL(a->n_down + b->n_down, 0);
	/* the Child SA rekeys under the new IKE SA (its messages start at ID 0) */
	advance(110 * S);
	settle(1, 10);
	CU_ASSERT_EQUAL(v2_stats(&pi).child_rekeys, 1);
	CU_ASSERT_EQUAL(v2_stats(&pr).child_rekeys, 1);
	/* and the new IKE SA rekeys in turn */
	advance(100 * S);
	settle(1, 10);
	CU_ASSERT_EQUAL(v2_stats(a).ike_rekeys, 2);
	CU_ASSERT_EQUAL(v2_stats(b).ike_rekeys, 2);
	CU_ASSERT_EQUAL(v2_stats(a).ike_expired + v2_stats(b).ike_expired, 0);
	CU_ASSERT_EQUAL(v2_stats(a).collisions + v2_stats(b).collisions, 0);
	CU_ASSERT_EQUAL(v2_stats(a).dpd_timeouts + v2_stats(b).dpd_timeouts, 0);
	CU_ASSERT_EQUAL(violations, 0);
	CU_ASSERT_EQUAL(early_removals, 0);
	model_teardown();
}

static void
test_ikev2_rekey_ike_initiator(void)
{
	rekey_setup();
	ike_rekey_by(&pi);
}

static void
test_ikev2_rekey_ike_responder(void)
{
	rekey_setup();
	ike_rekey_by(&pr);
}

/*
 * Both ends rekey the IKE SA in the same tick, round after round: two new
 * IKE SAs, the one of the lowest nonce goes with the old one, the two
 * Child SAs follow the survivor at both ends.
 */
static void
test_ikev2_rekey_ike_collision(void)
{
	unsigned int round, rounds = 12;

	rekey_setup();
	second_child(&pi, true);
	second_child(&pr, false);
	pi.conn[0].rekey_time = 100;
	pr.conn[0].rekey_time = 100;
	pi.conn[0].over_time = pr.conn[0].over_time = 10;
	pi.conn[0].rand_time = pr.conn[0].rand_time = 0;
	pi.child[0].rekey_time = pi.child[1].rekey_time = 0;
	pr.child[0].rekey_time = pr.child[1].rekey_time = 0;
	pi.child[0].life_time = pi.child[1].life_time = 0;
	pr.child[0].life_time = pr.child[1].life_time = 0;
	model_start();
	ikev2_start(pi.e, now);
	pump();
	advance(2 * S);
	check_settled(2);
	violations = 0; /* IKE_AUTH's pair: see negotiate() */
	for (round = 0; round < rounds; round++) {
		advance(100 * S);
		settle(2, 20);
		CU_ASSERT_EQUAL(v2_stats(&pi).collisions, round + 1);
		CU_ASSERT_EQUAL(v2_stats(&pr).collisions, round + 1);
	}
	CU_ASSERT_EQUAL(v2_stats(&pi).ike_rekeys, rounds);
	CU_ASSERT_EQUAL(v2_stats(&pr).ike_rekeys, rounds);
	CU_ASSERT_EQUAL(pi.n_up, 2);
	CU_ASSERT_EQUAL(pr.n_up, 2);
	CU_ASSERT_EQUAL(v2_stats(&pi).ike_expired + v2_stats(&pr).ike_expired, 0);
	CU_ASSERT_EQUAL(violations, 0);
	CU_ASSERT_EQUAL(early_removals, 0);
	model_teardown();
}

/*
 * An IKE rekey and a Child SA rekey cross: each end answers the other's
 * TEMPORARY_FAILURE (RFC 7296 §2.25), tries again 2 to 3 s later, and
 * both rekeys happen.
 */
static void
test_ikev2_rekey_crossing_kinds(void)
{
	unsigned int tries;

	rekey_setup();
	pi.conn[0].rekey_time = 100;
	pi.conn[0].rand_time = 0;
	pr.conn[0].rekey_time = 1000;
	pr.child[0].rekey_time = 100;
	pr.child[0].life_time = 150;
	pi.child[0].rekey_time = 1000;
	pi.child[0].life_time = 1100;
	model_start();
	negotiate();
	advance(100 * S);
	CU_ASSERT_TRUE(v2_stats(&pi).temporary_failures >= 1);
	CU_ASSERT_TRUE(v2_stats(&pr).temporary_failures >= 1);
	for (tries = 0;
	     tries < 30 && (v2_stats(&pi).ike_rekeys == 0 || v2_stats(&pr).child_rekeys == 0);
	     tries++)
		advance(1 * S);
	settle(1, 10);
	CU_ASSERT_EQUAL(v2_stats(&pi).ike_rekeys, 1);
	CU_ASSERT_EQUAL(v2_stats(&pr).ike_rekeys, 1);
	CU_ASSERT_EQUAL(v2_stats(&pi).child_rekeys, 1);
	CU_ASSERT_EQUAL(v2_stats(&pr).child_rekeys, 1);
	CU_ASSERT_EQUAL(violations, 0);
	CU_ASSERT_EQUAL(early_removals, 0);
	model_teardown();
}

/*
 * Two children with start_action start: the first in IKE_AUTH, the second
 * by CREATE_CHILD_SA, both in one IKE SA; each then rekeys on its own.
 * ikev2_initiate() of a child that is up does nothing.
 */
static void
test_ikev2_rekey_second_child(void)
{
	rekey_setup();
	second_child(&pi, true);
	second_child(&pr, false);
	pi.child[1].rekey_time = 100;
	pi.child[1].life_time = 130;
	pr.child[1].rekey_time = 120;
	pr.child[1].life_time = 130;
	model_start();
	ikev2_start(pi.e, now);
	pump();
	violations = 0; /* IKE_AUTH's pair: see negotiate() */
	CU_ASSERT_EQUAL(n_of(&mi, 0), 1);
	CU_ASSERT_EQUAL(n_of(&mi, 1), 0); /* the next tick asks for it */
	advance(100 * MS);
	CU_ASSERT_EQUAL(n_of(&mi, 1), 1);
	CU_ASSERT_EQUAL(n_of(&mr, 1), 1);
	/* a new pair: R sends on it with its answer, as for IKE_AUTH's */
	check_settled(2);
	violations = 0;
	CU_ASSERT_EQUAL(v2_stats(&pi).child_done, 2);
	CU_ASSERT_EQUAL(v2_stats(&pr).child_done, 2);
	CU_ASSERT_EQUAL(ikev2_initiate(pi.e, now, 1), 0);
	advance(1 * S);
	CU_ASSERT_EQUAL(pi.n_up, 2);
	advance(100 * S);
	settle(2, 10);
	CU_ASSERT_EQUAL(v2_stats(&pi).child_rekeys, 1);
	CU_ASSERT_EQUAL(v2_stats(&pr).child_rekeys, 1);
	CU_ASSERT_EQUAL(violations, 0);
	CU_ASSERT_EQUAL(early_removals, 0);
	model_teardown();
}

/*
 * R lost the pair without telling I (removed inside its engine): I's
 * rekey gets CHILD_SA_NOT_FOUND, I removes its pair and makes a new one.
 */
static void
test_ikev2_rekey_not_found(void)
{
	struct v2_sa *s;

	rekey_setup();
	pi.child[0].rekey_time = 100;
	model_start();
	negotiate();
	s = (struct v2_sa *)((struct ikev2 *)pr.e)->t.head;
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	ikev2_sm_child_remove(pr.e, s, 0);
	CU_ASSERT_EQUAL(mr.n_inst, 0);
	CU_ASSERT_EQUAL(mi.n_inst, 1);
	violations = 0; /* I sends on a pair R removed: the loss this test makes */
	harness_hooks.step = NULL;
	advance(101 * S);
	CU_ASSERT_EQUAL(v2_stats(&pr).child_not_found, 1);
	CU_ASSERT_EQUAL(v2_stats(&pi).child_rekey_failed, 1);
	harness_hooks.step = model_check_invariant;
	advance(3 * S);
	check_settled(1);
	CU_ASSERT_EQUAL(v2_stats(&pi).child_done, 2);
	CU_ASSERT_EQUAL(v2_stats(&pr).child_done, 2);
	CU_ASSERT_EQUAL(violations, 0);
	model_teardown();
}

/*
 * No proposal for the rekey: I wants PFS, R none (IKE_AUTH ignores DH
 * groups, so the first pair is up).  R answers NO_PROPOSAL_CHOSEN, I
 * keeps the pair and tries again every 10 s until its life_time ends.
 */
static void
test_ikev2_rekey_no_proposal(void)
{
	rekey_setup();
	esp_prop(&pi.child[0].esp_proposals[0], "aes128-sha256", 19);
	pi.child[0].rekey_time = 100;
	pi.child[0].life_time = 125;
	pr.child[0].rekey_time = 0;
	pr.child[0].life_time = 0;
	model_start();
	negotiate();
	advance(101 * S);
	CU_ASSERT_EQUAL(v2_stats(&pi).child_rekey_failed, 1);
	CU_ASSERT_EQUAL(v2_stats(&pr).dropped[IKE_DROP_NO_PROPOSAL], 1);
	CU_ASSERT_EQUAL(mi.n_inst, 1);
	CU_ASSERT_EQUAL(mr.n_inst, 1);
	advance(20 * S);
	CU_ASSERT_EQUAL(v2_stats(&pi).child_rekey_failed, 3);
	advance(5 * S);
	CU_ASSERT_EQUAL(mi.n_inst, 0);
	CU_ASSERT_EQUAL(mr.n_inst, 0);
	CU_ASSERT_EQUAL(v2_stats(&pi).child_hard_expired, 1);
	CU_ASSERT_EQUAL(v2_stats(&pi).child_rekeys, 0);
	CU_ASSERT_EQUAL(violations, 0);
	model_teardown();
}

/*
 * Nonces of our choosing: the engines' 32-byte random draws (nonces, and
 * nothing else is that long) are filled with one byte, the rest comes
 * from a xorshift generator.
 */
static uint8_t nonce_fill;
static uint64_t xs = 0x9e3779b97f4a7c15ull;

static int
nonce_random(uint8_t *buf, size_t len)
{
	size_t i;

	if (len == 32) {
		memset(buf, nonce_fill, len);
		return 0;
	}
	for (i = 0; i < len; i++) {
		xs ^= xs << 13;
		xs ^= xs >> 7;
		xs ^= xs << 17;
		buf[i] = (uint8_t)xs;
	}
	return 0;
}

/*
 * Both ends rekey in the same tick (Child SA, or with @ike the IKE SA),
 * I's request with nonce bytes @fi, R's with @fr, both answers with 0x90:
 * the exchange with the lowest of the four nonces makes the redundant SA
 * (RFC 7296 §2.8.1, §2.8.2).  Returns whether I's exchange made the
 * survivor: its Child SA pair was installed by I with child_up (R
 * prepared it), or I is the original initiator of the IKE SA left.
 */
static bool
collide(uint8_t fi, uint8_t fr, bool ike)
{
	struct ids x;
	struct ike_sa_info info;
	bool mine = false;

	rekey_setup();
	if (ike) {
		pi.conn[0].rekey_time = pr.conn[0].rekey_time = 100;
		pi.conn[0].rand_time = pr.conn[0].rand_time = 0;
		pi.child[0].rekey_time = pr.child[0].rekey_time = 0;
		pi.child[0].life_time = pr.child[0].life_time = 0;
	} else {
		pi.child[0].rekey_time = pr.child[0].rekey_time = 100;
	}
	model_start();
	negotiate();
	advance(99 * S);
	ike_crypto_random_set_hook(nonce_random);
	now += 1 * S;
	nonce_fill = fi;
	ikev2_tick(pi.e, now);
	nonce_fill = fr;
	ikev2_tick(pr.e, now);
	CU_ASSERT_EQUAL(n_wire, 2); /* the two requests cross */
	nonce_fill = 0x90;
	pump();
	ike_crypto_random_set_hook(NULL);
	advance(3 * S);
	check_settled(1);
	CU_ASSERT_EQUAL(v2_stats(&pi).collisions, 1);
	CU_ASSERT_EQUAL(v2_stats(&pr).collisions, 1);
	if (ike) {
		x = ids_of(&pi);
		CU_ASSERT_EQUAL_FATAL(x.n, 1);
		CU_ASSERT_EQUAL(v2_stats(&pi).ike_rekeys, 1);
		CU_ASSERT_EQUAL(v2_stats(&pr).ike_rekeys, 1);
		CU_ASSERT_EQUAL(ikev2_sa_list(pi.e, 0, 1, info_first, &info), 1);
		mine = info.initiator;
	} else {
		CU_ASSERT_EQUAL(mi.inst[0].prepared, !mr.inst[0].prepared);
		mine = !mi.inst[0].prepared;
		CU_ASSERT_EQUAL(v2_stats(&pi).child_rekeys, 1);
		CU_ASSERT_EQUAL(v2_stats(&pr).child_rekeys, 1);
	}
	CU_ASSERT_EQUAL(violations, 0);
	CU_ASSERT_EQUAL(early_removals, 0);
	model_teardown();
	return mine;
}

/* The redundant pair is the one of the lowest nonce, octet by octet: both outcomes. */
static void
test_ikev2_rekey_collision_rule(void)
{
	/* Ni(I) 0x10.. is the lowest: I's pair is redundant, R's stays. */
	CU_ASSERT_FALSE(collide(0x10, 0x80, false));
	/* Ni(R) 0x10.. is the lowest: I's pair stays. */
	CU_ASSERT_TRUE(collide(0x80, 0x10, false));
	/* The same for the IKE SA (§2.8.2). */
	CU_ASSERT_FALSE(collide(0x10, 0x80, true));
	CU_ASSERT_TRUE(collide(0x80, 0x10, true));
}

/*
 * KEYMAT of a rekey R initiates (it is the IKE SA's responder): the first
 * keys of prf+(SK_d, Ni | Nr) protect what the exchange's initiator sends
 * (RFC 7296 §2.17), whoever started the IKE SA.  Nonces chosen, KEYMAT
 * computed here from SK_d.
 */
static void
test_ikev2_rekey_keymat(void)
{
	const struct v2_sa *sa;
	uint8_t ni[32], nr[32], km[2 * (16 + 32)];
	const struct inst *n = NULL;
	uint32_t old;
	unsigned int i;

	rekey_setup();
	pr.child[0].rekey_time = 100;
	pi.child[0].rekey_time = 200;
	pi.child[0].life_time = 220;
	model_start();
	negotiate();
	old = mr.inst[0].c.spi_in;
	advance(99 * S);
	ike_crypto_random_set_hook(nonce_random);
	now += 1 * S;
	ikev2_tick(pi.e, now);
	nonce_fill = 0x33;
	ikev2_tick(pr.e, now);
	nonce_fill = 0x44;
	pump();
	ike_crypto_random_set_hook(NULL);
	for (i = 0; i < mr.n_inst; i++)
		if (mr.inst[i].c.spi_in != old)
			n = &mr.inst[i];
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT_FALSE(n->prepared); /* R initiated: child_up */
	sa = (const struct v2_sa *)((const struct ikev2 *)pr.e)->t.head;
	memset(ni, 0x33, sizeof(ni));
	memset(nr, 0x44, sizeof(nr));
	CU_ASSERT_TRUE_FATAL(
	    ike_crypto_v2_child_keymat(sa->prop.prf, sa->keys.sk_d, sa->keys.prf_len, NULL, 0, ni,
	        sizeof(ni), nr, sizeof(nr), km, sizeof(km)) >= 0);
	CU_ASSERT_EQUAL(n->c.out.enc_len, 16);
	CU_ASSERT_EQUAL(n->c.out.integ_len, 32);
	CU_ASSERT_EQUAL(memcmp(n->c.out.enc, km, 16), 0);
	CU_ASSERT_EQUAL(memcmp(n->c.out.integ, km + 16, 32), 0);
	CU_ASSERT_EQUAL(memcmp(n->c.in.enc, km + 48, 16), 0);
	CU_ASSERT_EQUAL(memcmp(n->c.in.integ, km + 64, 32), 0);
	advance(3 * S);
	check_settled(1);
	model_teardown();
}

/*
 * The IKE SA rekey goes unanswered (R hears nothing from I any more):
 * at rekey_time + over_time I deletes the IKE SA and its Child SA.
 */
static void
test_ikev2_rekey_ike_over_time(void)
{
	rekey_setup();
	pi.conn[0].rekey_time = 100;
	pi.conn[0].over_time = 10;
	pi.conn[0].rand_time = 0;
	pr.conn[0].rekey_time = 1000;
	model_start();
	negotiate();
	advance(99 * S);
	drop_all = true;
	advance(2 * S);
	CU_ASSERT_EQUAL(v2_stats(&pi).ike_rekeys_started, 1);
	CU_ASSERT_EQUAL(v2_stats(&pi).ike_expired, 0);
	advance(10 * S);
	CU_ASSERT_EQUAL(v2_stats(&pi).ike_expired, 1);
	CU_ASSERT_EQUAL(v2_stats(&pi).ike_rekeys, 0);
	CU_ASSERT_EQUAL(mi.n_inst, 0);
	CU_ASSERT_EQUAL(v2_stats(&pi).children, 0);
	advance(60 * S);
	CU_ASSERT_EQUAL(v2_stats(&pi).sas[IKE_SA_STATE_ESTABLISHED], 0);
	drop_all = false;
	model_teardown();
}

/* ---- many Child SAs in one IKE SA ---- */

#define MANY 16 /* children of one connection: s->children grows to 2, 4, 8, then 16 */

static struct config_child many_i[MANY], many_r[MANY];
static unsigned int moves_i, moves_r;

static int
many_prepare(void *ctx, const struct ike_child_sa *c)
{
	return cb_child_up(ctx, c);
}

static int
many_activate(void *ctx, const struct ike_child_sa *c)
{
	(void)ctx;
	(void)c;
	return 0;
}

static void
many_move(void *ctx, const struct ike_child_sa *c)
{
	(void)c;
	if (ctx == &pi)
		moves_i++;
	else
		moves_r++;
}

/*
 * MANY children of @p's one connection, all "net" but each between the
 * k-th /28 of the two /24s (so the responder tells them apart by their
 * selectors); two-step installs, moves counted.
 */
static void
many_children(struct peer *p, struct config_child *ch)
{
	unsigned int k;

	for (k = 0; k < MANY; k++) {
		ch[k] = p->child[0];
		snprintf(ch[k].name, sizeof(ch[k].name), "net%u", k);
		ch[k].local_ts[0].net.a.addr[3] = (uint8_t)(16 * k);
		ch[k].local_ts[0].net.len = 28;
		ch[k].remote_ts[0].net.a.addr[3] = (uint8_t)(16 * k);
		ch[k].remote_ts[0].net.len = 28;
	}
	p->cfg.children = ch;
	p->cfg.n_children = MANY;
	p->conn[0].n_children = MANY;
	p->ops.child_prepare = many_prepare;
	p->ops.child_activate = many_activate;
	p->ops.child_move = many_move;
}

/* @p's one established IKE SA that is not replaced (checked: exactly one). */
static struct v2_sa *
live_sa(const struct peer *p)
{
	struct v2_sa *s = NULL;
	struct ike_sa *it;
	unsigned int n = 0;

	for (it = ((struct ikev2 *)p->e)->t.head; it != NULL; it = it->next) {
		if (it->state == IKE_SA_STATE_ESTABLISHED && !((struct v2_sa *)it)->rekeyed) {
			s = (struct v2_sa *)it;
			n++;
		}
	}
	CU_ASSERT_EQUAL(n, 1);
	return s;
}

/*
 * Each of the MANY children once at each end, active, owned by that
 * end's IKE SA, as the same pair (SPIs crossed).
 */
static void
many_check(void)
{
	struct v2_sa *a = live_sa(&pi), *b = live_sa(&pr);
	const struct v2_child *x, *y;
	uint32_t seen = 0;
	unsigned int i;
	int k;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_EQUAL_FATAL(a->n_children, MANY);
	CU_ASSERT_EQUAL_FATAL(b->n_children, MANY);
	CU_ASSERT_EQUAL(v2_stats(&pi).children, MANY);
	CU_ASSERT_EQUAL(v2_stats(&pr).children, MANY);
	for (i = 0; i < MANY; i++) {
		x = a->children[i];
		CU_ASSERT_EQUAL(x->state, V2_CHILD_ACTIVE);
		CU_ASSERT_EQUAL(x->c.ike_sa, a->sa.id);
		seen |= 1u << x->c.child;
		k = ikev2_sm_child_find(b, x->c.spi_out, true);
		CU_ASSERT_FATAL(k >= 0);
		y = b->children[k];
		CU_ASSERT_EQUAL(y->c.spi_out, x->c.spi_in);
		CU_ASSERT_EQUAL(y->c.child, x->c.child);
		CU_ASSERT_EQUAL(y->c.ike_sa, b->sa.id);
		CU_ASSERT_EQUAL(y->state, V2_CHILD_ACTIVE);
	}
	CU_ASSERT_EQUAL(seen, (1u << MANY) - 1);
}

/*
 * One IKE SA with MANY children, made by CREATE_CHILD_SA one after the
 * other; then each is rekeyed while the old pairs linger (the children
 * grow past what they held while the exchange holds the old pair), the
 * IKE SA is rekeyed with all of them moving along, and finally every
 * Child SA is deleted (the Deletes queue behind the first one in flight).
 */
static void
test_ikev2_rekey_many_children(void)
{
	struct ikev2_stats before;
	uint32_t spis[MANY];
	struct v2_sa *a, *b;
	uint64_t old_id;
	unsigned int i, j;

	setup();
	moves_i = moves_r = 0;
	many_children(&pi, many_i);
	many_children(&pr, many_r);
	for (i = 0; i < MANY; i++) {
		many_i[i].start_action = CONFIG_START_START;
		many_i[i].rekey_time = 100;
		many_i[i].life_time = 200;
		many_r[i].rekey_time = 130;
		many_r[i].life_time = 200;
	}
	pi.conn[0].rekey_time = 150;
	pi.conn[0].rand_time = 0;
	pr.conn[0].rekey_time = 1000;
	start();
	ikev2_start(pi.e, now);
	pump();
	advance(3 * S);
	many_check();
	CU_ASSERT_EQUAL(pi.n_up, MANY);
	CU_ASSERT_EQUAL(pr.n_up, MANY);
	CU_ASSERT_EQUAL(v2_stats(&pi).child_done, MANY);
	CU_ASSERT_EQUAL(v2_stats(&pr).child_done, MANY);
	for (i = 0; i < MANY && i < UPS_MAX; i++)
		for (j = 0; j < MANY && j < UPS_MAX; j++)
			if (pr.ups[j].spi_in == pi.ups[i].spi_out)
				check_mirror(&pi.ups[i], &pr.ups[j]);
	CU_ASSERT_EQUAL(live_sa(&pi)->children_cap, MANY);

	/* I rekeys each: the new pair comes while the old one and the exchange's pointer stay. */
	advance(100 * S);
	a = live_sa(&pi);
	b = live_sa(&pr);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_TRUE(a->children_cap > MANY);
	CU_ASSERT_TRUE(b->children_cap > MANY);
	advance(5 * S);
	many_check();
	CU_ASSERT_EQUAL(v2_stats(&pi).child_rekeys, MANY);
	CU_ASSERT_EQUAL(v2_stats(&pr).child_rekeys, MANY);
	CU_ASSERT_EQUAL(v2_stats(&pi).child_rekey_failed, 0);
	CU_ASSERT_EQUAL(v2_stats(&pi).child_failed + v2_stats(&pr).child_failed, 0);
	CU_ASSERT_EQUAL(pi.n_up, 2 * MANY);
	CU_ASSERT_EQUAL(pr.n_up, 2 * MANY);
	CU_ASSERT_EQUAL(pi.n_down, MANY);
	CU_ASSERT_EQUAL(pr.n_down, MANY);

	/* The IKE SA rekeys: all the children move to the new one, nothing reinstalled. */
	old_id = live_sa(&pi)->sa.id;
	advance(50 * S);
	CU_ASSERT_EQUAL(v2_stats(&pi).ike_rekeys, 1);
	CU_ASSERT_EQUAL(v2_stats(&pr).ike_rekeys, 1);
	CU_ASSERT_EQUAL(moves_i, MANY);
	CU_ASSERT_EQUAL(moves_r, MANY);
	advance(5 * S);
	CU_ASSERT_EQUAL(v2_stats(&pi).sas[IKE_SA_STATE_ESTABLISHED], 1);
	CU_ASSERT_EQUAL(v2_stats(&pr).sas[IKE_SA_STATE_ESTABLISHED], 1);
	many_check();
	CU_ASSERT_NOT_EQUAL(live_sa(&pi)->sa.id, old_id);
	CU_ASSERT_EQUAL(pi.n_up, 2 * MANY);
	CU_ASSERT_EQUAL(pr.n_up, 2 * MANY);
	CU_ASSERT_EQUAL(pi.n_down, MANY);

	/* Every Child SA's hard lifetime at I: one Delete goes, the others wait for it. */
	a = live_sa(&pi);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	for (i = 0; i < MANY; i++)
		spis[i] = a->children[i]->c.spi_in;
	before = v2_stats(&pr);
	for (i = 0; i < MANY; i++)
		ikev2_sa_expired(pi.e, now, spis[i], true, true);
	CU_ASSERT_EQUAL(a->n_children, 0);
	CU_ASSERT_EQUAL(a->n_del, MANY - 1);
	advance(1 * S);
	CU_ASSERT_EQUAL(v2_stats(&pi).child_hard_expired, MANY);
	CU_ASSERT_EQUAL(v2_stats(&pr).children_deleted - before.children_deleted, MANY);
	CU_ASSERT_EQUAL(v2_stats(&pr).deletes_received - before.deletes_received, 2);
	CU_ASSERT_EQUAL(v2_stats(&pi).children, 0);
	CU_ASSERT_EQUAL(v2_stats(&pr).children, 0);
	CU_ASSERT_EQUAL(live_sa(&pr)->n_children, 0);
	CU_ASSERT_EQUAL(pi.n_down, 2 * MANY);
	CU_ASSERT_EQUAL(pr.n_down, 2 * MANY);
	CU_ASSERT_EQUAL(v2_stats(&pi).sas[IKE_SA_STATE_ESTABLISHED], 1);
	CU_ASSERT_EQUAL(v2_stats(&pr).sas[IKE_SA_STATE_ESTABLISHED], 1);
	teardown();
}

/*
 * The children of one IKE SA grow from nothing by doubling, never past
 * V2_CHILDREN_MAX; an entry held stays where it is while they grow.
 */
static void
test_ikev2_rekey_children_bound(void)
{
	struct v2_sa *s = calloc(1, sizeof(*s));
	struct v2_child *first;
	unsigned int i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(s->children_cap, 0);
	for (i = 0; i < V2_CHILDREN_MAX; i++) {
		CU_ASSERT_EQUAL_FATAL(ikev2_sm_child_reserve(s), 0);
		CU_ASSERT_TRUE(s->children_cap > s->n_children);
		CU_ASSERT_TRUE(s->children_cap <= (i < 2 ? 2 : 2 * i));
		s->children[s->n_children] = calloc(1, sizeof(struct v2_child));
		CU_ASSERT_PTR_NOT_NULL_FATAL(s->children[s->n_children]);
		s->children[s->n_children]->c.spi_in = 0xc0000000u + i;
		s->n_children++;
	}
	first = s->children[0];
	CU_ASSERT_EQUAL(s->children_cap, V2_CHILDREN_MAX);
	CU_ASSERT_EQUAL(ikev2_sm_child_reserve(s), -ENOSPC);
	CU_ASSERT_EQUAL(s->n_children, V2_CHILDREN_MAX);
	CU_ASSERT_PTR_EQUAL(s->children[0], first);
	CU_ASSERT_EQUAL(first->c.spi_in, 0xc0000000u);
	CU_ASSERT_EQUAL(ikev2_sm_child_find(s, 0xc0000000u + V2_CHILDREN_MAX - 1, true),
	    V2_CHILDREN_MAX - 1);
	for (i = 0; i < s->n_children; i++)
		free(s->children[i]);
	free(s->children);
	free(s);
}

int main(void);

int
main(void)
{
	static const struct harness_test tests[] = {
		{ "test_ikev2_rekey_child_initiator", test_ikev2_rekey_child_initiator },
		{ "test_ikev2_rekey_child_responder", test_ikev2_rekey_child_responder },
		{ "test_ikev2_rekey_child_pfs", test_ikev2_rekey_child_pfs },
		{ "test_ikev2_rekey_child_invalid_ke", test_ikev2_rekey_child_invalid_ke },
		{ "test_ikev2_rekey_child_one_step", test_ikev2_rekey_child_one_step },
		{ "test_ikev2_rekey_soft_event", test_ikev2_rekey_soft_event },
		{ "test_ikev2_rekey_life_time", test_ikev2_rekey_life_time },
		{ "test_ikev2_rekey_child_collision", test_ikev2_rekey_child_collision },
		{ "test_ikev2_rekey_collision_rule", test_ikev2_rekey_collision_rule },
		{ "test_ikev2_rekey_keymat", test_ikev2_rekey_keymat },
		{ "test_ikev2_rekey_ike_initiator", test_ikev2_rekey_ike_initiator },
		{ "test_ikev2_rekey_ike_responder", test_ikev2_rekey_ike_responder },
		{ "test_ikev2_rekey_ike_collision", test_ikev2_rekey_ike_collision },
		{ "test_ikev2_rekey_ike_over_time", test_ikev2_rekey_ike_over_time },
		{ "test_ikev2_rekey_crossing_kinds", test_ikev2_rekey_crossing_kinds },
		{ "test_ikev2_rekey_second_child", test_ikev2_rekey_second_child },
		{ "test_ikev2_rekey_not_found", test_ikev2_rekey_not_found },
		{ "test_ikev2_rekey_no_proposal", test_ikev2_rekey_no_proposal },
		{ "test_ikev2_rekey_many_children", test_ikev2_rekey_many_children },
		{ "test_ikev2_rekey_children_bound", test_ikev2_rekey_children_bound },
	};
	unsigned int fails;

	harness_use(&harness_ikev2);
	fails = harness_run("ikev2_rekey", tests, DIM(tests));
	return fails == 0 ? 0 : 1;
}
