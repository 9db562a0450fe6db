/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/slowpath/ike/test_ikev1_rekey.c: two IKEv1 engines back to back on a virtual clock: phase-2 rekeying, reauthentication, expiry, collisions. */
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

#include "harness.h"

/*
 * Two engines, "I" (192.0.2.1, 198.51.100.0/24) and "R" (192.0.2.2,
 * 203.0.113.0/24), wired back to back by harness.h; time is the test's
 * (100 ms ticks).  Each side has the harness's model of the SA installer
 * (one child here) and the zero-loss invariant is checked after every
 * step.  An inbound SA that goes must have been out of the peer's slot
 * for the grace period.
 */

#define GRACE (4 * S)

static void
rekey_setup(void)
{
	model_setup(1, GRACE);
}

/* Exactly one pair on each side, the same one (mirrored), used both ways. */
static void
check_one_pair(void)
{
	CU_ASSERT_EQUAL_FATAL(mi.n_inst, 1);
	CU_ASSERT_EQUAL_FATAL(mr.n_inst, 1);
	CU_ASSERT_EQUAL(mi.inst[0].c.spi_in, mr.inst[0].c.spi_out);
	CU_ASSERT_EQUAL(mi.inst[0].c.spi_out, mr.inst[0].c.spi_in);
	CU_ASSERT_EQUAL(mi.slot[0], mi.inst[0].c.spi_out);
	CU_ASSERT_EQUAL(mr.slot[0], mr.inst[0].c.spi_out);
	CU_ASSERT_EQUAL(v1_stats(&pi).children, 1);
	CU_ASSERT_EQUAL(v1_stats(&pr).children, 1);
}

/* Rekeys go on: wait for a moment between two (never more than 3 pairs meanwhile), check it. */
static void
settle(void)
{
	unsigned int i;

	for (i = 0; i < 600 && (mi.n_inst != 1 || mr.n_inst != 1); i++) {
		CU_ASSERT_TRUE(mi.n_inst <= 3 && mr.n_inst <= 3);
		advance(100 * MS);
	}
	check_one_pair();
}

static void
negotiate(void)
{
	CU_ASSERT_EQUAL_FATAL(ikev1_initiate(pi.e, now, 0), 0);
	pump();
	check_one_pair();
}

/*
 * @a rekeys (its rekey_time is the shorter): the new pair is installed at
 * both ends before the old one goes, the old one goes after the grace
 * period, the SPIs are new.
 */
static void
rekey_by(struct peer *a)
{
	struct peer *b = peer_other(a);
	uint32_t old_a_in, old_b_in;
	unsigned int ups_a, ups_b;

	a->child[0].rekey_time = 100;
	a->child[0].life_time = 130;
	b->child[0].rekey_time = 115;
	b->child[0].life_time = 130;
	model_start();
	negotiate();
	old_a_in = model_of(a)->inst[0].c.spi_in;
	old_b_in = model_of(b)->inst[0].c.spi_in;
	ups_a = a->n_up;
	ups_b = b->n_up;
	advance(99 * S);
	CU_ASSERT_EQUAL(a->n_up, ups_a); /* not before rekey_time */
	advance(1500 * MS);
	/* QM done: the new pair is installed on both sides, the old one still there */
	CU_ASSERT_EQUAL(a->n_up, ups_a + 1);
	CU_ASSERT_EQUAL(b->n_up, ups_b + 1);
	CU_ASSERT_EQUAL(model_of(a)->n_inst, 2);
	CU_ASSERT_EQUAL(model_of(b)->n_inst, 2);
	CU_ASSERT_EQUAL(a->n_down, 0);
	CU_ASSERT_EQUAL(b->n_down, 0);
	/* the responder sends on the new pair at once, the initiator a moment later */
	CU_ASSERT_NOT_EQUAL(model_of(b)->slot[0], old_a_in);
	advance(2 * S);
	CU_ASSERT_NOT_EQUAL(model_of(a)->slot[0], old_b_in);
	CU_ASSERT_EQUAL(model_of(a)->n_inst, 2); /* grace: the old inbound SAs stay */
	CU_ASSERT_EQUAL(model_of(b)->n_inst, 2);
	advance(5 * S);
	check_one_pair();
	CU_ASSERT_NOT_EQUAL(model_of(a)->inst[0].c.spi_in, old_a_in);
	CU_ASSERT_NOT_EQUAL(model_of(b)->inst[0].c.spi_in, old_b_in);
	CU_ASSERT_NOT_EQUAL(model_of(a)->inst[0].c.spi_in, model_of(a)->inst[0].c.spi_out);
	CU_ASSERT_EQUAL(a->n_down, 1);
	CU_ASSERT_EQUAL(b->n_down, 1);
	CU_ASSERT_EQUAL(v1_stats(a).p2_rekeys, 1);
	CU_ASSERT_EQUAL(v1_stats(b).p2_rekeys, 1);
	CU_ASSERT_TRUE(v1_stats(a).deletes_sent + v1_stats(b).deletes_sent >= 1);
	CU_ASSERT_EQUAL(v1_stats(a).p2_failed, 0);
	CU_ASSERT_EQUAL(v1_stats(b).p2_failed, 0);
	/* and again: the new pair rekeys on its own timer; b never rekeyed first */
	advance(100 * S);
	check_one_pair();
	CU_ASSERT_EQUAL(v1_stats(a).p2_rekeys, 2);
	CU_ASSERT_EQUAL(a->n_down, 2);
	CU_ASSERT_EQUAL(violations, 0);
	CU_ASSERT_EQUAL(early_removals, 0);
}

static void
test_ikev1_rekey_p2_initiator(void)
{
	rekey_setup();
	rekey_by(&pi);
	model_teardown();
}

/* The side that responded to the first quick mode rekeys; I answers. */
static void
test_ikev1_rekey_p2_responder(void)
{
	rekey_setup();
	rekey_by(&pr);
	model_teardown();
}

/* The same with one-step installers (child_up only): still no loss window at the engine level. */
static void
test_ikev1_rekey_p2_one_step(void)
{
	rekey_setup();
	mi.two_step = false;
	mr.two_step = false;
	pi.child[0].rekey_time = 100;
	pi.child[0].life_time = 130;
	pr.child[0].rekey_time = 120;
	pr.child[0].life_time = 130;
	model_start();
	negotiate();
	advance(110 * S);
	check_one_pair();
	CU_ASSERT_EQUAL(v1_stats(&pi).p2_rekeys, 1);
	CU_ASSERT_EQUAL(v1_stats(&pr).p2_rekeys, 1);
	CU_ASSERT_EQUAL(pi.n_up, 2);
	CU_ASSERT_EQUAL(pr.n_up, 2);
	model_teardown();
}

/* Is a pair with inbound SPI @spi_in installed in @m? */
static bool
has_in(const struct model *m, uint32_t spi_in)
{
	unsigned int i;

	for (i = 0; i < m->n_inst; i++)
		if (m->inst[i].c.spi_in == spi_in)
			return true;
	return false;
}

/*
 * The DELETE of a replaced pair goes when its grace period ends; its
 * sender keeps the pair's inbound SA a second more, for what the peer
 * sent before it read the DELETE (a peer that kept sending on that pair,
 * as strongSwan does after a collision it settled the other way), then
 * removes it without a second DELETE.  The DELETEs are lost here, so each
 * side's own timers are seen.
 */
static void
test_ikev1_rekey_delete_linger(void)
{
	uint32_t old_i, old_r;
	uint64_t d0, d0r, t0;
	unsigned int i;

	rekey_setup();
	pi.child[0].rekey_time = 100;
	pi.child[0].life_time = 130;
	pr.child[0].rekey_time = 120;
	pr.child[0].life_time = 130;
	model_start();
	negotiate();
	old_i = mi.inst[0].c.spi_in;
	old_r = mr.inst[0].c.spi_in;
	advance(100 * S + 1500 * MS);
	CU_ASSERT_EQUAL_FATAL(mi.n_inst, 2);
	CU_ASSERT_EQUAL_FATAL(mr.n_inst, 2);
	d0 = v1_stats(&pi).deletes_sent;
	d0r = v1_stats(&pr).deletes_sent;
	drop_all = true;
	for (i = 0; i < 100 && v1_stats(&pi).deletes_sent == d0; i++)
		advance(100 * MS);
	t0 = now;
	CU_ASSERT_EQUAL_FATAL(v1_stats(&pi).deletes_sent, d0 + 1);
	/* deleted towards the peer: the inbound SA stays for a second */
	CU_ASSERT_TRUE(has_in(&mi, old_i));
	while (now < t0 + 900 * MS)
		advance(100 * MS);
	CU_ASSERT_TRUE(has_in(&mi, old_i));
	advance(300 * MS);
	CU_ASSERT_FALSE(has_in(&mi, old_i));
	CU_ASSERT_FALSE(has_in(&mr, old_r));
	drop_all = false;
	check_one_pair();
	/* one DELETE each, none again at the removal */
	CU_ASSERT_EQUAL(v1_stats(&pi).deletes_sent, d0 + 1);
	CU_ASSERT_EQUAL(v1_stats(&pr).deletes_sent, d0r + 1);
	CU_ASSERT_EQUAL(v1_stats(&pi).deletes_received, 0);
	CU_ASSERT_EQUAL(v1_stats(&pr).deletes_received, 0);
	CU_ASSERT_EQUAL(violations, 0);
	CU_ASSERT_EQUAL(early_removals, 0);
	model_teardown();
}

/* A worker's soft lifetime event rekeys at once; a second event changes nothing. */
static void
test_ikev1_rekey_soft_event(void)
{
	rekey_setup();
	model_start();
	negotiate();
	advance(10 * S);
	ikev1_sa_expired(pi.e, now, mi.inst[0].c.spi_out, false, false);
	ikev1_sa_expired(pi.e, now, mi.inst[0].c.spi_in, true, false);
	pump();
	CU_ASSERT_EQUAL(pi.n_up, 2);
	CU_ASSERT_EQUAL(pr.n_up, 2);
	advance(8 * S);
	check_one_pair();
	CU_ASSERT_EQUAL(v1_stats(&pi).p2_rekeys, 1);
	/* an event for a replaced pair's SPI is ignored */
	ikev1_sa_expired(pi.e, now, mi.spis_seen[0], true, false);
	pump();
	CU_ASSERT_EQUAL(pi.n_up, 2);
	CU_ASSERT_EQUAL(violations, 0);
	model_teardown();
}

/* The rekey's QM1 is lost: retransmitted after retransmit_timeout, then the rekey completes. */
static void
test_ikev1_rekey_qm1_lost(void)
{
	struct ikev1_stats si;

	rekey_setup();
	pi.child[0].rekey_time = 100;
	pi.child[0].life_time = 200;
	pr.child[0].rekey_time = 150;
	pr.child[0].life_time = 200;
	model_start();
	negotiate();
	advance(99 * S + 900 * MS);
	drop_next = 1; /* the next message: QM1 of the rekey */
	advance(100 * MS);
	CU_ASSERT_EQUAL(drop_next, 0);
	CU_ASSERT_EQUAL(pr.n_up, 1);
	advance(3 * S);
	CU_ASSERT_EQUAL(pr.n_up, 1); /* retransmit_timeout 4 s */
	advance(2 * S);
	CU_ASSERT_EQUAL(pr.n_up, 2);
	si = v1_stats(&pi);
	CU_ASSERT_EQUAL(si.retransmits, 1);
	advance(8 * S);
	check_one_pair();
	CU_ASSERT_EQUAL(violations, 0);
	model_teardown();
}

/*
 * The peer never answers the rekey: retransmitted with backoff
 * (4 s, 7.2 s, 12.96 s), given up, retried; at life_time the pair is
 * removed and deleted towards the peer.
 */
static void
test_ikev1_rekey_hard_expiry(void)
{
	struct ikev1_stats si;

	rekey_setup();
	pi.child[0].rekey_time = 100;
	pi.child[0].life_time = 160;
	pr.child[0].rekey_time = 1000;
	pr.child[0].life_time = 2000;
	model_start();
	negotiate();
	advance(99 * S);
	drop_all = true;
	advance(59 * S);
	si = v1_stats(&pi);
	CU_ASSERT_TRUE(si.retransmits >= 3);
	CU_ASSERT_TRUE(si.p2_failed >= 1);
	CU_ASSERT_EQUAL(mi.n_inst, 1); /* still serving */
	CU_ASSERT_EQUAL(pi.n_down, 0);
	advance(3 * S);
	CU_ASSERT_EQUAL(mi.n_inst, 0);
	CU_ASSERT_EQUAL(pi.n_down, 1);
	CU_ASSERT_EQUAL(v1_stats(&pi).children, 0);
	CU_ASSERT_TRUE(v1_stats(&pi).deletes_sent >= 1);
	drop_all = false;
	/* R took I's lifetime (the lower, RFC 2407 §4.5.4): its pair went too */
	CU_ASSERT_EQUAL(mr.n_inst, 0);
	model_teardown();
}

/*
 * Both ends rekey at the same moment: two new pairs; both ends keep the
 * same one (the lowest nonce loses) and delete the other after the grace
 * period; exactly one pair is left and nothing leaks.
 */
static void
test_ikev1_rekey_collision(void)
{
	unsigned int round;

	rekey_setup();
	pi.child[0].rekey_time = 100;
	pi.child[0].life_time = 130;
	pr.child[0].rekey_time = 100;
	pr.child[0].life_time = 130;
	model_start();
	negotiate();
	for (round = 0; round < 3; round++) {
		advance(110 * S);
		fprintf(stderr,
		    "# round %u: I %u pairs (%u up %u down) R %u pairs (%u up %u down)\n", round,
		    mi.n_inst, pi.n_up, pi.n_down, mr.n_inst, pr.n_up, pr.n_down);
		/* both rekeyed: three pairs each (the old one and two new) until the graces */
		check_one_pair();
		CU_ASSERT_EQUAL(violations, 0);
	}
	CU_ASSERT_EQUAL(pi.n_up, 7);
	CU_ASSERT_EQUAL(pr.n_up, 7);
	CU_ASSERT_EQUAL(pi.n_down, 6);
	CU_ASSERT_EQUAL(pr.n_down, 6);
	CU_ASSERT_EQUAL(early_removals, 0);
	model_teardown();
}

/*
 * Kilobyte lifetimes (RFC 2407 §4.5): I offers its life_bytes, R has a
 * longer one.  Both install I's hard limit (kilobytes of 1024 bytes);
 * I keeps its own rekey_bytes, R, whose rekey_bytes lies beyond that
 * limit, rekeys at IKEV1_PEER_LIFE_REKEY_PCT of it.  Then R alone.
 */
static void
test_ikev1_rekey_peer_life_bytes(void)
{
	rekey_setup();
	pi.child[0].rekey_bytes = 1500000;
	pi.child[0].life_bytes = 2000000; /* 1953 KB on the wire */
	pr.child[0].rekey_bytes = 3000000;
	pr.child[0].life_bytes = 3300000;
	model_start();
	negotiate();
	CU_ASSERT_EQUAL(mi.inst[0].c.lifetime.hard_bytes, 1953 * 1024);
	CU_ASSERT_EQUAL(mi.inst[0].c.lifetime.soft_bytes, 1500000);
	CU_ASSERT_EQUAL(mr.inst[0].c.lifetime.hard_bytes, 1953 * 1024);
	CU_ASSERT_EQUAL(mr.inst[0].c.lifetime.soft_bytes,
	    1953 * 1024 / 100 * IKEV1_PEER_LIFE_REKEY_PCT);
	model_teardown();

	/* R has no volume limit of its own: it still rekeys before I's. */
	rekey_setup();
	pi.child[0].life_bytes = 1024000;
	model_start();
	negotiate();
	CU_ASSERT_EQUAL(mi.inst[0].c.lifetime.hard_bytes, 1024000);
	CU_ASSERT_EQUAL(mi.inst[0].c.lifetime.soft_bytes, 0); /* I's own choice: no rekey_bytes */
	CU_ASSERT_EQUAL(mr.inst[0].c.lifetime.hard_bytes, 1024000);
	CU_ASSERT_EQUAL(mr.inst[0].c.lifetime.soft_bytes,
	    1024000 / 100 * IKEV1_PEER_LIFE_REKEY_PCT);
	model_teardown();
}

/*
 * I's lifetime (130 s, no rekeying of its own) is shorter than R's
 * rekey_time: R rekeys at IKEV1_PEER_LIFE_REKEY_PCT of it (117 s), not
 * never, and the pair lives on without a loss.
 */
static void
test_ikev1_rekey_peer_life_time(void)
{
	unsigned int ups;

	rekey_setup();
	pi.child[0].rekey_time = 0;
	pi.child[0].life_time = 130;
	pr.child[0].rekey_time = 1000;
	pr.child[0].life_time = 2000;
	model_start();
	negotiate();
	ups = pr.n_up;
	advance(116 * S);
	CU_ASSERT_EQUAL(pr.n_up, ups);
	advance(2 * S);
	CU_ASSERT_EQUAL(pr.n_up, ups + 1);
	settle();
	CU_ASSERT_EQUAL(v1_stats(&pr).p2_rekeys, 1);
	CU_ASSERT_EQUAL(v1_stats(&pi).p2_rekeys, 1);
	CU_ASSERT_EQUAL(violations, 0);
	CU_ASSERT_EQUAL(early_removals, 0);
	model_teardown();
}

/*
 * A volume limit runs out within V1_REKEY_OUT_DELAY_NS of our rekey: the
 * old pair's hard limit hands the traffic to the new pair at once instead
 * of leaving the child without an outbound SA until the delay is over.
 */
static void
test_ikev1_rekey_hard_while_pending(void)
{
	uint32_t old_out;

	rekey_setup();
	model_start();
	negotiate();
	advance(10 * S);
	old_out = mi.inst[0].c.spi_out;
	ikev1_sa_expired(pi.e, now, old_out, false, false);
	pump();
	CU_ASSERT_EQUAL_FATAL(mi.n_inst, 2);
	CU_ASSERT_EQUAL(mi.slot[0], old_out); /* the new outbound waits for R */
	ikev1_sa_expired(pi.e, now, old_out, false, true);
	CU_ASSERT_EQUAL_FATAL(mi.n_inst, 1);
	CU_ASSERT_TRUE(mi.inst[0].out_ready);
	CU_ASSERT_EQUAL(mi.slot[0], mi.inst[0].c.spi_out);
	CU_ASSERT_NOT_EQUAL(mi.slot[0], old_out);
	CU_ASSERT_EQUAL(v1_stats(&pi).p2_rekeys, 1);
	pump();
	advance(8 * S);
	check_one_pair();
	CU_ASSERT_EQUAL(violations, 0);
	model_teardown();
}

/* Our vendor ID (MD5 of "fastipsec IKEv1"), as main mode carries it. */
static const uint8_t vid_self[16] = { 0xee, 0x50, 0x20, 0xdd, 0xf0, 0xe5, 0xe7, 0x1f, 0xf2, 0xf4,
	0x6d, 0x82, 0xfa, 0x7e, 0x1b, 0xa5 };

/* Batch hook: our vendor ID garbled in main mode, so each end takes the other for another make. */
static void
vid_garble(struct msg *b, unsigned int n)
{
	unsigned int i;
	size_t off;

	for (i = 0; i < n; i++) {
		for (off = 28; b[i].len >= 28 && b[i].p[18] == 2 && off + 16 <= b[i].len; off++)
			if (memcmp(b[i].p + off, vid_self, 16) == 0)
				b[i].p[off] ^= 0xff;
		deliver(&b[i]);
		free(b[i].p);
	}
}

/*
 * A later rekey of the pair we still wait to send on: I rekeys P0 and its
 * new pair Pa waits V1_REKEY_OUT_DELAY_NS for R; meanwhile R rekeys Pa (a
 * volume limit) into Pb.  When Pa's wait ends, Pa goes, not Pb, whatever
 * the nonces say: one pair is left, Pb, the same at both ends, and no
 * packet is lost on the way.  With our vendor ID (generations) and
 * without (the pair finished last wins, as with strongSwan), each over
 * fresh nonces: a nonce comparison would lose half the rounds.
 */
static void
test_ikev1_rekey_stale_pending(void)
{
	unsigned int round;
	uint32_t p0_in;

	for (round = 0; round < 12; round++) {
		rekey_setup();
		if (round % 2 == 1)
			harness_hooks.batch = vid_garble;
		model_start();
		negotiate();
		advance(10 * S);
		p0_in = mi.inst[0].c.spi_in;
		ikev1_sa_expired(pi.e, now, mi.inst[0].c.spi_out, false, false);
		pump();
		CU_ASSERT_EQUAL_FATAL(mi.n_inst, 2);
		CU_ASSERT_EQUAL_FATAL(mr.n_inst, 2);
		CU_ASSERT_EQUAL(mi.slot[0], mr.inst[0].c.spi_in); /* I still sends on P0 */
		/* R sends on Pa (it installed it last) and rekeys it at once. */
		CU_ASSERT_EQUAL_FATAL(mr.slot[0], mr.inst[1].c.spi_out);
		ikev1_sa_expired(pr.e, now, mr.inst[1].c.spi_out, false, false);
		pump();
		CU_ASSERT_EQUAL(mi.n_inst, 3);
		CU_ASSERT_EQUAL(mr.n_inst, 3);
		advance(10 * S);
		check_one_pair();
		/* Pb: the last pair R installed, made by R's quick mode */
		CU_ASSERT_EQUAL(mr.inst[0].c.spi_in, mr.spis_seen[mr.n_seen - 1]);
		CU_ASSERT_NOT_EQUAL(mi.inst[0].c.spi_in, p0_in);
		CU_ASSERT_EQUAL(pi.n_up, 3);
		CU_ASSERT_EQUAL(pr.n_up, 3);
		CU_ASSERT_EQUAL(violations, 0);
		CU_ASSERT_EQUAL(early_removals, 0);
		model_teardown();
	}
}

/* Jittered rekey times (rand_time) on both ends: many rekeys, never a loss, one pair left. */
static void
test_ikev1_rekey_jitter(void)
{
	rekey_setup();
	pi.child[0].rekey_time = 30;
	pi.child[0].life_time = 40;
	pi.child[0].rand_time = 10;
	pr.child[0].rekey_time = 30;
	pr.child[0].life_time = 40;
	pr.child[0].rand_time = 10;
	model_start();
	negotiate();
	advance(600 * S);
	settle();
	CU_ASSERT_TRUE(v1_stats(&pi).p2_rekeys >= 20);
	CU_ASSERT_EQUAL(v1_stats(&pi).p2_rekeys, v1_stats(&pr).p2_rekeys);
	CU_ASSERT_EQUAL(violations, 0);
	CU_ASSERT_EQUAL(early_removals, 0);
	CU_ASSERT_EQUAL(pi.n_up - pi.n_down, 1);
	CU_ASSERT_EQUAL(pr.n_up - pr.n_down, 1);
	model_teardown();
}

/*
 * Phase-1 rekey (reauthentication): at the IKE SA's rekey_time a new
 * main mode; the pair stays installed (no child_up, no child_down),
 * moves to the new IKE SA, the old IKE SA is deleted; phase-2 rekeying
 * then runs on the new IKE SA.
 */
static void
reauth_by(struct peer *a)
{
	struct peer *b = peer_other(a);
	struct ikev1_stats sa, sb;
	uint64_t old_id, old_id_r;

	a->conn[0].rekey_time = 50;
	a->conn[0].over_time = 10;
	b->conn[0].rekey_time = 1000;
	b->conn[0].over_time = 100;
	model_start();
	negotiate();
	old_id = mi.inst[0].c.ike_sa;
	old_id_r = mr.inst[0].c.ike_sa;
	advance(51 * S);
	sa = v1_stats(a);
	sb = v1_stats(b);
	CU_ASSERT_EQUAL(sa.p1_done, 2);
	CU_ASSERT_EQUAL(sb.p1_done, 2);
	CU_ASSERT_EQUAL(sa.p1_rekeys, 1);
	CU_ASSERT_EQUAL(sb.p1_rekeys, 1);
	CU_ASSERT_EQUAL(pi.n_up, 1);
	CU_ASSERT_EQUAL(pr.n_up, 1);
	CU_ASSERT_EQUAL(pi.n_down, 0);
	CU_ASSERT_EQUAL(pr.n_down, 0);
	CU_ASSERT_EQUAL(sa.children, 1);
	/* the installer was told: its rows name the new IKE SA */
	CU_ASSERT_NOT_EQUAL(mi.inst[0].c.ike_sa, old_id);
	CU_ASSERT_NOT_EQUAL(mr.inst[0].c.ike_sa, old_id_r);
	advance(6 * S);
	sa = v1_stats(a);
	sb = v1_stats(b);
	CU_ASSERT_EQUAL(sa.sas[IKE_SA_STATE_ESTABLISHED], 1);
	CU_ASSERT_EQUAL(sb.sas[IKE_SA_STATE_ESTABLISHED], 1);
	CU_ASSERT_EQUAL(sa.initial_contacts + sb.initial_contacts,
	    2); /* the first contact's only */
	check_one_pair();
	CU_ASSERT_EQUAL(pi.n_down, 0);
	CU_ASSERT_EQUAL(pr.n_down, 0);
	/* the pair rekeys on the new IKE SA */
	ikev1_sa_expired(pi.e, now, mi.inst[0].c.spi_in, true, false);
	pump();
	advance(8 * S);
	check_one_pair();
	CU_ASSERT_NOT_EQUAL(mi.inst[0].c.ike_sa, old_id);
	CU_ASSERT_EQUAL(v1_stats(&pi).p2_rekeys, 1);
	/* and reauthenticates again, many times */
	advance(300 * S);
	CU_ASSERT_TRUE(v1_stats(a).p1_rekeys >= 6);
	CU_ASSERT_EQUAL(v1_stats(a).sas[IKE_SA_STATE_ESTABLISHED], 1);
	CU_ASSERT_EQUAL(v1_stats(b).sas[IKE_SA_STATE_ESTABLISHED], 1);
	check_one_pair();
	CU_ASSERT_EQUAL(pi.n_down, 1);
	CU_ASSERT_EQUAL(violations, 0);
}

static void
test_ikev1_rekey_p1_initiator(void)
{
	rekey_setup();
	reauth_by(&pi);
	model_teardown();
}

static void
test_ikev1_rekey_p1_responder(void)
{
	rekey_setup();
	reauth_by(&pr);
	model_teardown();
}

/* Both ends reauthenticate and rekey the pair at once, with jitter: the pair survives every time. */
static void
test_ikev1_rekey_p1_both(void)
{
	struct peer *ps[2] = { &pi, &pr };
	unsigned int i;

	rekey_setup();
	for (i = 0; i < 2; i++) {
		ps[i]->conn[0].rekey_time = 40;
		ps[i]->conn[0].over_time = 20;
		ps[i]->conn[0].rand_time = 10;
		ps[i]->child[0].rekey_time = 25;
		ps[i]->child[0].life_time = 35;
		ps[i]->child[0].rand_time = 10;
	}
	model_start();
	negotiate();
	advance(400 * S);
	settle();
	CU_ASSERT_TRUE(v1_stats(&pi).p1_rekeys + v1_stats(&pr).p1_rekeys >= 8);
	CU_ASSERT_TRUE(v1_stats(&pi).p2_rekeys >= 10);
	CU_ASSERT_TRUE(v1_stats(&pi).sas[IKE_SA_STATE_ESTABLISHED] <= 2);
	CU_ASSERT_EQUAL(violations, 0);
	CU_ASSERT_EQUAL(early_removals, 0);
	model_teardown();
}

/*
 * Crossing reauthentications: both ends reach the IKE SA's rekey time in
 * the same tick, so the two MM1s cross.  One main mode is given up (the
 * one with the higher initiator cookie, at both ends), the other takes
 * the pair at both ends; nothing fails, the pair is never removed, no
 * ISAKMP SA is left over.  Every reauthentication after it crosses too.
 */
static void
test_ikev1_rekey_p1_crossing(void)
{
	struct peer *ps[2] = { &pi, &pr };
	unsigned int i;

	rekey_setup();
	for (i = 0; i < 2; i++) {
		ps[i]->conn[0].rekey_time = 50;
		ps[i]->conn[0].over_time = 10;
		ps[i]->conn[0].rand_time = 0;
	}
	model_start();
	negotiate();
	advance(50 * S);
	advance(7 * S);
	for (i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(v1_stats(ps[i]).p1_done, 2);
		CU_ASSERT_EQUAL(v1_stats(ps[i]).p1_failed, 0);
		CU_ASSERT_EQUAL(v1_stats(ps[i]).p1_rekeys, 1);
		CU_ASSERT_EQUAL(v1_stats(ps[i]).sas[IKE_SA_STATE_ESTABLISHED], 1);
		CU_ASSERT_EQUAL(v1_stats(ps[i]).sas[IKE_SA_STATE_CONNECTING], 0);
		CU_ASSERT_EQUAL(ps[i]->n_down, 0);
	}
	check_one_pair();
	/* the pair rekeys on the new IKE SA, with a delete both ends act on */
	ikev1_sa_expired(pr.e, now, mr.inst[0].c.spi_in, true, false);
	pump();
	advance(8 * S);
	check_one_pair();
	CU_ASSERT_EQUAL(pi.n_down, 1);
	CU_ASSERT_EQUAL(pr.n_down, 1);
	advance(300 * S);
	for (i = 0; i < 2; i++) {
		CU_ASSERT_TRUE(v1_stats(ps[i]).p1_rekeys >= 6);
		CU_ASSERT_EQUAL(v1_stats(ps[i]).p1_failed, 0);
		CU_ASSERT_EQUAL(v1_stats(ps[i]).sas[IKE_SA_STATE_ESTABLISHED], 1);
		CU_ASSERT_EQUAL(ps[i]->n_down, 1);
	}
	check_one_pair();
	CU_ASSERT_EQUAL(violations, 0);
	CU_ASSERT_EQUAL(early_removals, 0);
	model_teardown();
}

/*
 * A reauthentication whose main mode fails (the peer is unreachable for a
 * while) is tried again with backoff while the old ISAKMP SA lives; the
 * next try succeeds and the pair is never removed.
 */
static void
test_ikev1_rekey_p1_retry(void)
{
	rekey_setup();
	pi.conn[0].rekey_time = 50;
	pi.conn[0].over_time = 100;
	pr.conn[0].rekey_time = 1000;
	pr.conn[0].over_time = 100;
	model_start();
	negotiate();
	advance(49 * S);
	drop_all = true;
	advance(40 * S); /* MM1 unanswered: the main mode fails (half-open timeout) */
	drop_all = false;
	CU_ASSERT_TRUE(v1_stats(&pi).p1_failed >= 1);
	CU_ASSERT_EQUAL(v1_stats(&pi).p1_rekeys, 0);
	advance(30 * S); /* the retry, 10 s after the failure */
	CU_ASSERT_EQUAL(v1_stats(&pi).p1_rekeys, 1);
	CU_ASSERT_EQUAL(v1_stats(&pr).p1_rekeys, 1);
	advance(6 * S);
	CU_ASSERT_EQUAL(v1_stats(&pi).sas[IKE_SA_STATE_ESTABLISHED], 1);
	CU_ASSERT_EQUAL(v1_stats(&pr).sas[IKE_SA_STATE_ESTABLISHED], 1);
	check_one_pair();
	CU_ASSERT_EQUAL(pi.n_down, 0);
	CU_ASSERT_EQUAL(pr.n_down, 0);
	model_teardown();
}

/*
 * Messages to I held back after the first @pass_to_i of them (the
 * harness's batch hook): a main mode stopped halfway, as on a slow peer.
 */
static bool hold_to_i;
static unsigned int pass_to_i;
static struct msg held_to_i[16];
static unsigned int n_held_to_i;

static void
batch_hold_to_i(struct msg *batch, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (hold_to_i && peer_at(&batch[i].to) == &pi) {
			if (pass_to_i == 0) {
				if (n_held_to_i < DIM(held_to_i))
					held_to_i[n_held_to_i++] = batch[i];
				else
					free(batch[i].p);
				continue;
			}
			pass_to_i--;
		}
		deliver(&batch[i]);
		free(batch[i].p);
		if (harness_hooks.step != NULL)
			harness_hooks.step();
	}
}

/* Stop holding: the first message held goes to I (its copies, retransmissions, are dropped). */
static void
release_to_i(void)
{
	unsigned int i;

	hold_to_i = false;
	for (i = 0; i < n_held_to_i; i++) {
		if (i == 0)
			deliver(&held_to_i[i]);
		free(held_to_i[i].p);
	}
	n_held_to_i = 0;
	pump();
}

/*
 * I rekeyed the pair at 20 s and deletes the old one at 25 s, while a
 * reauthentication runs (R's at 24 s when @peers, else I's), stopped at
 * MM3 (R's) or MM6 (I's) until 27.5 s.  A peer (strongSwan) moves the
 * pairs at a moment I cannot see: as initiator before MM1, as responder
 * after MM5.  So I's DELETE waits: none while the main mode runs, none
 * in the second after it is up, then one, on the new ISAKMP SA, and R
 * removes the pair.  Nothing lost, no early removal.
 */
static void
delete_while_reauth(bool peers)
{
	struct peer *a = peers ? &pr : &pi;
	uint64_t d0, dr0, t0;

	rekey_setup();
	pi.child[0].rekey_time = 20;
	pi.child[0].life_time = 60;
	pr.child[0].rekey_time = 100;
	pr.child[0].life_time = 120;
	pi.conn[0].rekey_time = 1000;
	pr.conn[0].rekey_time = 1000;
	a->conn[0].rekey_time = 24;
	a->conn[0].over_time = 10;
	model_start();
	harness_hooks.batch = batch_hold_to_i;
	t0 = now;
	negotiate();
	advance(21500 * MS);
	CU_ASSERT_EQUAL_FATAL(mi.n_inst, 2); /* rekeyed, the old pair still there */
	CU_ASSERT_EQUAL_FATAL(v1_stats(&pi).deletes_sent, 0);
	/* R's MM1 reaches I, MM3 does not; I's MM2 and MM4 reach R, MM6 does not */
	hold_to_i = true;
	pass_to_i = peers ? 1 : 2;
	while (now < t0 + 27500 * MS)
		advance(100 * MS);
	CU_ASSERT_TRUE(n_held_to_i >= 1);
	CU_ASSERT_EQUAL(v1_stats(&pi).p1_rekeys, 0); /* the main mode is stopped */
	CU_ASSERT_EQUAL(v1_stats(&pi).deletes_sent, 0);
	CU_ASSERT_EQUAL(mi.n_inst, 2);
	d0 = v1_stats(&pi).deletes_sent;
	dr0 = v1_stats(&pr).deletes_received;
	release_to_i();
	/* up at both ends, the pairs on the new SA; the DELETE waits a second more */
	CU_ASSERT_EQUAL(v1_stats(&pi).p1_rekeys, 1);
	CU_ASSERT_EQUAL(v1_stats(&pr).p1_rekeys, 1);
	CU_ASSERT_EQUAL(v1_stats(&pi).deletes_sent, d0);
	advance(500 * MS);
	CU_ASSERT_EQUAL(v1_stats(&pi).deletes_sent, d0);
	advance(1 * S);
	CU_ASSERT_EQUAL(v1_stats(&pi).deletes_sent, d0 + 1);
	CU_ASSERT_EQUAL(v1_stats(&pr).deletes_received, dr0 + 1);
	CU_ASSERT_EQUAL(mr.n_inst, 1); /* R acted on it */
	advance(2 * S);
	check_one_pair();
	CU_ASSERT_EQUAL(v1_stats(&pi).p2_failed, 0);
	CU_ASSERT_EQUAL(v1_stats(&pi).p1_failed + v1_stats(&pr).p1_failed, 0);
	CU_ASSERT_EQUAL(violations, 0);
	CU_ASSERT_EQUAL(early_removals, 0);
	model_teardown();
}

static void
test_ikev1_rekey_delete_while_peer_reauth(void)
{
	delete_while_reauth(true);
}

static void
test_ikev1_rekey_delete_while_reauth(void)
{
	delete_while_reauth(false);
}

/* A delete of the old ISAKMP SA from the peer leaves the adopted pair alone; INITIAL-CONTACT does not. */
static void
test_ikev1_rekey_initial_contact(void)
{
	rekey_setup();
	model_start();
	negotiate();
	/* I restarts: its SAs vanish without a word; its new main mode has INITIAL-CONTACT */
	drop_all = true;
	ikev1_destroy(pi.e);
	drop_all = false;
	clear_wire();
	mi.n_inst = 0;
	mi.slot[0] = 0;
	pi.e = ikev1_create(&pi.cfg, &pi.ops);
	CU_ASSERT_EQUAL_FATAL(ikev1_initiate(pi.e, now, 0), 0);
	pump();
	check_one_pair();
	CU_ASSERT_EQUAL(pr.n_down, 1); /* the stale pair */
	CU_ASSERT_EQUAL(v1_stats(&pr).sas[IKE_SA_STATE_ESTABLISHED], 1);
	CU_ASSERT_EQUAL(v1_stats(&pr).p1_rekeys, 0);
	model_teardown();
}

int main(void);

int
main(void)
{
	static const struct harness_test tests[] = {
		{ "test_ikev1_rekey_p2_initiator", test_ikev1_rekey_p2_initiator },
		{ "test_ikev1_rekey_delete_linger", test_ikev1_rekey_delete_linger },
		{ "test_ikev1_rekey_p2_responder", test_ikev1_rekey_p2_responder },
		{ "test_ikev1_rekey_p2_one_step", test_ikev1_rekey_p2_one_step },
		{ "test_ikev1_rekey_soft_event", test_ikev1_rekey_soft_event },
		{ "test_ikev1_rekey_qm1_lost", test_ikev1_rekey_qm1_lost },
		{ "test_ikev1_rekey_hard_expiry", test_ikev1_rekey_hard_expiry },
		{ "test_ikev1_rekey_collision", test_ikev1_rekey_collision },
		{ "test_ikev1_rekey_jitter", test_ikev1_rekey_jitter },
		{ "test_ikev1_rekey_peer_life_bytes", test_ikev1_rekey_peer_life_bytes },
		{ "test_ikev1_rekey_peer_life_time", test_ikev1_rekey_peer_life_time },
		{ "test_ikev1_rekey_hard_while_pending", test_ikev1_rekey_hard_while_pending },
		{ "test_ikev1_rekey_stale_pending", test_ikev1_rekey_stale_pending },
		{ "test_ikev1_rekey_p1_initiator", test_ikev1_rekey_p1_initiator },
		{ "test_ikev1_rekey_p1_responder", test_ikev1_rekey_p1_responder },
		{ "test_ikev1_rekey_p1_both", test_ikev1_rekey_p1_both },
		{ "test_ikev1_rekey_p1_crossing", test_ikev1_rekey_p1_crossing },
		{ "test_ikev1_rekey_p1_retry", test_ikev1_rekey_p1_retry },
		{ "test_ikev1_rekey_delete_while_peer_reauth",
		    test_ikev1_rekey_delete_while_peer_reauth },
		{ "test_ikev1_rekey_delete_while_reauth", test_ikev1_rekey_delete_while_reauth },
		{ "test_ikev1_rekey_initial_contact", test_ikev1_rekey_initial_contact },
	};
	unsigned int fails;

	harness_use(&harness_ikev1);
	fails = harness_run("ikev1_rekey", tests, DIM(tests));
	return fails == 0 ? 0 : 1;
}
