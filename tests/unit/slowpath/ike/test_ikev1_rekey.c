/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/slowpath/ike/test_ikev1_rekey.c: two IKEv1 engines back to back on a virtual clock: phase-2 rekeying, reauthentication, expiry, collisions. */
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

#define DIM(a)   (sizeof(a) / sizeof((a)[0]))
#define S        1000000000ull
#define MS       1000000ull
#define WIRE_MAX 256
#define INST_MAX 32

/*
 * Two engines, "I" (192.0.2.1, 198.51.100.0/24) and "R" (192.0.2.2,
 * 203.0.113.0/24), wired back to back as in test_ikev1_sm.c; time is the
 * test's (100 ms ticks).  Each side has a model of the SA installer
 * (slowpath/sa_ike.c): its inbound SAs, and the child's outbound slot.
 * After every tick the zero-loss invariant is checked: the SA each side
 * sends on is installed inbound at the other side.  An inbound SA that
 * goes must have been out of the peer's slot for the grace period.
 */

struct msg {
	struct ike_addr from, to;
	uint8_t *p;
	size_t len;
};

struct inst {
	uint32_t spi_in, spi_out;
	uint64_t ike_sa;
	bool out_ready; /* outbound usable (child_up or activated) */
	struct config_lifetime lt;
};

struct peer {
	const char *name;
	struct config cfg;
	struct config_connection conn[1];
	struct config_child child[1];
	struct config_secret sec[1];
	struct ike_ops ops;
	struct ikev1 *e;
	struct config_addr addr;
	struct inst inst[INST_MAX];
	unsigned int n_inst;
	uint32_t slot;      /* spi_out of the pair the child sends on, 0 none */
	uint64_t slot_gone; /* when the previous slot SPI stopped being used */
	uint32_t slot_prev; /* ... and which it was */
	unsigned int n_up;  /* child_up + child_prepare */
	unsigned int n_down;
	uint32_t spis_seen[64]; /* every spi_in installed, in order */
	unsigned int n_seen;
	bool two_step;
};

static struct msg wire[WIRE_MAX];
static unsigned int n_wire;
static uint64_t now;
static struct peer pi, pr;
static unsigned int drop_next;
static bool drop_all;
static unsigned int violations; /* zero-loss invariant broken */
static unsigned int early_removals;

static struct peer *
other(const struct peer *p)
{
	return p == &pi ? &pr : &pi;
}

static void
addr4(struct config_addr *a, uint8_t d)
{
	memset(a, 0, sizeof(*a));
	a->family = 4;
	a->addr[0] = 192;
	a->addr[1] = 0;
	a->addr[2] = 2;
	a->addr[3] = d;
}

static void
ts4(struct config_ts *ts, uint8_t a, uint8_t b, uint8_t c)
{
	memset(ts, 0, sizeof(*ts));
	ts->net.a.family = 4;
	ts->net.a.addr[0] = a;
	ts->net.a.addr[1] = b;
	ts->net.a.addr[2] = c;
	ts->net.len = 24;
	ts->protocol = -1;
	ts->ports.first = 0;
	ts->ports.last = 65535;
}

static int
cb_send(void *ctx, const struct ike_addr *local, const struct ike_addr *remote, const uint8_t *msg,
    size_t len)
{
	struct msg *w;

	(void)ctx;
	if (drop_all)
		return 0;
	if (drop_next > 0) {
		drop_next--;
		return 0;
	}
	if (n_wire >= WIRE_MAX)
		return -ENOBUFS;
	w = &wire[n_wire++];
	w->from = *local;
	w->to = *remote;
	w->p = malloc(len);
	memcpy(w->p, msg, len);
	w->len = len;
	return 0;
}

static struct inst *
inst_find(struct peer *p, uint32_t spi_in, uint32_t spi_out)
{
	unsigned int i;

	for (i = 0; i < p->n_inst; i++)
		if (p->inst[i].spi_in == spi_in && p->inst[i].spi_out == spi_out)
			return &p->inst[i];
	return NULL;
}

static void
slot_set(struct peer *p, uint32_t spi_out)
{
	if (p->slot != 0 && p->slot != spi_out) {
		p->slot_prev = p->slot;
		p->slot_gone = now;
	}
	p->slot = spi_out;
}

static int
add(struct peer *p, const struct ike_child_sa *c, bool out)
{
	struct inst *n;

	CU_ASSERT_EQUAL(c->child, 0);
	CU_ASSERT_PTR_NULL(inst_find(p, c->spi_in, c->spi_out));
	CU_ASSERT_TRUE(c->in.enc_len > 0); /* keys present at install time */
	if (p->n_inst >= INST_MAX)
		return -ENOSPC;
	n = &p->inst[p->n_inst++];
	n->spi_in = c->spi_in;
	n->spi_out = c->spi_out;
	n->ike_sa = c->ike_sa;
	n->out_ready = out;
	n->lt = c->lifetime;
	if (p->n_seen < DIM(p->spis_seen))
		p->spis_seen[p->n_seen++] = c->spi_in;
	p->n_up++;
	if (out)
		slot_set(p, c->spi_out);
	return 0;
}

static int
cb_child_up(void *ctx, const struct ike_child_sa *c)
{
	return add(ctx, c, true);
}

static int
cb_child_prepare(void *ctx, const struct ike_child_sa *c)
{
	return add(ctx, c, false);
}

static int
cb_child_activate(void *ctx, const struct ike_child_sa *c)
{
	struct peer *p = ctx;
	struct inst *n = inst_find(p, c->spi_in, c->spi_out);

	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT_FALSE(n->out_ready);
	n->out_ready = true;
	slot_set(p, c->spi_out);
	return 0;
}

/* The pair went to another IKE SA (reauthentication): the installer's row follows. */
static void
cb_child_move(void *ctx, const struct ike_child_sa *c)
{
	struct inst *in = inst_find(ctx, c->spi_in, c->spi_out);

	CU_ASSERT_PTR_NOT_NULL(in);
	if (in != NULL)
		in->ike_sa = c->ike_sa;
}

static void
cb_child_down(void *ctx, const struct ike_child_sa *c)
{
	struct peer *p = ctx, *o = other(p);
	struct inst *n = inst_find(p, c->spi_in, c->spi_out);
	unsigned int i;
	int k;

	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	/* The peer stopped sending on it at least a grace period ago (or never did). */
	if (o->e != NULL &&
	    (o->slot == c->spi_in || (o->slot_prev == c->spi_in && now - o->slot_gone < 4 * S)))
		early_removals++;
	*n = p->inst[--p->n_inst];
	p->n_down++;
	if (p->slot == c->spi_out) {
		/* the installer falls back to the newest remaining usable pair */
		p->slot = 0;
		for (k = (int)p->n_inst - 1; k >= 0; k--) {
			if (p->inst[k].out_ready) {
				p->slot = p->inst[k].spi_out;
				break;
			}
		}
		for (i = 0; i < p->n_inst && p->slot == 0; i++)
			if (p->inst[i].out_ready)
				p->slot = p->inst[i].spi_out;
	}
}

/* Every SPI a side sends on is installed inbound at the other side. */
static void
check_invariant(void)
{
	const struct peer *ps[2] = { &pi, &pr };
	const struct peer *p, *o;
	unsigned int k, i;
	bool ok;

	for (k = 0; k < 2; k++) {
		p = ps[k];
		o = other(p);
		if (p->e == NULL || o->e == NULL || p->slot == 0)
			continue;
		ok = false;
		for (i = 0; i < o->n_inst; i++)
			ok = ok || o->inst[i].spi_in == p->slot;
		if (!ok)
			violations++;
	}
}

static void
pump(void)
{
	unsigned int rounds = 0, i, n;
	struct msg batch[WIRE_MAX];
	struct peer *to;

	while (n_wire > 0 && rounds < 100) {
		n = n_wire;
		memcpy(batch, wire, n * sizeof(batch[0]));
		n_wire = 0;
		for (i = 0; i < n; i++) {
			to = memcmp(batch[i].to.a.addr, pi.addr.addr, 4) == 0 ? &pi :
			    memcmp(batch[i].to.a.addr, pr.addr.addr, 4) == 0  ? &pr :
			                                                        NULL;
			if (to != NULL && to->e != NULL)
				ikev1_input(to->e, now, &batch[i].to, &batch[i].from, batch[i].p,
				    batch[i].len);
			free(batch[i].p);
			check_invariant();
		}
		rounds++;
	}
}

static void
clear_wire(void)
{
	unsigned int i;

	for (i = 0; i < n_wire; i++)
		free(wire[i].p);
	n_wire = 0;
}

static void
advance(uint64_t ns)
{
	uint64_t end = now + ns;

	while (now < end) {
		now += 100 * MS;
		if (pi.e != NULL)
			ikev1_tick(pi.e, now);
		if (pr.e != NULL)
			ikev1_tick(pr.e, now);
		pump();
		check_invariant();
	}
}

static void
peer_init(struct peer *p, const char *name, uint8_t me, uint8_t other_host, bool left)
{
	struct config_connection *c = &p->conn[0];
	struct config_child *ch = &p->child[0];
	char err[128];

	memset(p, 0, sizeof(*p));
	p->name = name;
	p->two_step = true;
	addr4(&p->addr, me);
	p->cfg.ike = (struct config_ike){ .half_open_max = 1000,
		.half_open_per_source = 20,
		.half_open_timeout = 30,
		.retransmit_timeout = 4000,
		.retransmit_tries = 3,
		.retransmit_base = 1.8 };
	p->cfg.n_connections = 1;
	p->cfg.connections = p->conn;
	p->cfg.n_children = 1;
	p->cfg.children = p->child;
	p->cfg.n_secrets = 1;
	p->cfg.secrets = p->sec;
	snprintf(c->name, sizeof(c->name), "gw");
	c->version = 1;
	c->n_local_addrs = 1;
	addr4(&c->local_addrs[0], me);
	c->n_remote_addrs = 1;
	addr4(&c->remote_addrs[0], other_host);
	c->local_port = 500;
	c->remote_port = 500;
	c->n_proposals = 1;
	memset(&c->proposals[0], 0, sizeof(c->proposals[0]));
	c->proposals[0].encr = 12;
	c->proposals[0].encr_bits = 128;
	c->proposals[0].prf = 5;
	c->proposals[0].integ = 12;
	c->proposals[0].dh = 14;
	snprintf(c->proposals[0].name, sizeof(c->proposals[0].name), "aes128-sha256-modp2048");
	c->local.auth = CONFIG_AUTH_PSK;
	c->remote.auth = CONFIG_AUTH_PSK;
	c->fragmentation = CONFIG_FRAG_YES;
	c->dpd_timeout = 150;
	c->rekey_time = 14400;
	c->over_time = 1440;
	c->first_child = 0;
	c->n_children = 1;
	snprintf(ch->name, sizeof(ch->name), "net");
	ch->connection = 0;
	ch->n_local_ts = 1;
	ch->n_remote_ts = 1;
	if (left) {
		ts4(&ch->local_ts[0], 198, 51, 100);
		ts4(&ch->remote_ts[0], 203, 0, 113);
	} else {
		ts4(&ch->local_ts[0], 203, 0, 113);
		ts4(&ch->remote_ts[0], 198, 51, 100);
	}
	ch->n_esp_proposals = 1;
	memset(&ch->esp_proposals[0], 0, sizeof(ch->esp_proposals[0]));
	CU_ASSERT_EQUAL_FATAL(alg_proposal_parse("aes128-sha256", ALG_PROTO_ESP,
	                          &ch->esp_proposals[0].alg, err, sizeof(err)),
	    0);
	snprintf(ch->esp_proposals[0].name, sizeof(ch->esp_proposals[0].name), "aes128-sha256");
	ch->mode = CONFIG_MODE_TUNNEL;
	ch->rekey_time = 3600;
	ch->life_time = 3960;
	ch->rand_time = 0; /* deterministic unless a test wants jitter */
	ch->replay_window = 32;
	p->sec[0].type = CONFIG_SECRET_IKE;
	memcpy(p->sec[0].secret, "secret-psk", 10);
	p->sec[0].secret_len = 10;
}

static void
setup(void)
{
	clear_wire();
	drop_next = 0;
	drop_all = false;
	violations = 0;
	early_removals = 0;
	now = 1000 * S;
	peer_init(&pi, "I", 1, 2, true);
	peer_init(&pr, "R", 2, 1, false);
}

static void
start(void)
{
	struct peer *ps[2] = { &pi, &pr };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		ps[i]->ops = (struct ike_ops){ .ctx = ps[i],
			.send = cb_send,
			.child_up = cb_child_up,
			.child_down = cb_child_down,
			.child_move = cb_child_move,
			.child_prepare = ps[i]->two_step ? cb_child_prepare : NULL,
			.child_activate = ps[i]->two_step ? cb_child_activate : NULL };
		ps[i]->e = ikev1_create(&ps[i]->cfg, &ps[i]->ops);
		CU_ASSERT_PTR_NOT_NULL_FATAL(ps[i]->e);
	}
}

static void
teardown(void)
{
	drop_all = true;
	ikev1_destroy(pi.e);
	ikev1_destroy(pr.e);
	pi.e = pr.e = NULL;
	drop_all = false;
	clear_wire();
	/* destroy withdrew everything: nothing leaked */
	CU_ASSERT_EQUAL(pi.n_inst, 0);
	CU_ASSERT_EQUAL(pr.n_inst, 0);
}

static struct ikev1_stats
stats(const struct peer *p)
{
	struct ikev1_stats st;

	ikev1_stats_read(p->e, &st);
	return st;
}

/* Exactly one pair on each side, the same one (mirrored), used both ways. */
static void
check_one_pair(void)
{
	CU_ASSERT_EQUAL_FATAL(pi.n_inst, 1);
	CU_ASSERT_EQUAL_FATAL(pr.n_inst, 1);
	CU_ASSERT_EQUAL(pi.inst[0].spi_in, pr.inst[0].spi_out);
	CU_ASSERT_EQUAL(pi.inst[0].spi_out, pr.inst[0].spi_in);
	CU_ASSERT_EQUAL(pi.slot, pi.inst[0].spi_out);
	CU_ASSERT_EQUAL(pr.slot, pr.inst[0].spi_out);
	CU_ASSERT_EQUAL(stats(&pi).children, 1);
	CU_ASSERT_EQUAL(stats(&pr).children, 1);
}

/* Rekeys go on: wait for a moment between two (never more than 3 pairs meanwhile), check it. */
static void
settle(void)
{
	unsigned int i;

	for (i = 0; i < 600 && (pi.n_inst != 1 || pr.n_inst != 1); i++) {
		CU_ASSERT_TRUE(pi.n_inst <= 3 && pr.n_inst <= 3);
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
	struct peer *b = other(a);
	uint32_t old_a_in, old_b_in;
	unsigned int ups_a, ups_b;

	a->child[0].rekey_time = 100;
	a->child[0].life_time = 130;
	b->child[0].rekey_time = 115;
	b->child[0].life_time = 130;
	start();
	negotiate();
	old_a_in = a->inst[0].spi_in;
	old_b_in = b->inst[0].spi_in;
	ups_a = a->n_up;
	ups_b = b->n_up;
	advance(99 * S);
	CU_ASSERT_EQUAL(a->n_up, ups_a); /* not before rekey_time */
	advance(1500 * MS);
	/* QM done: the new pair is installed on both sides, the old one still there */
	CU_ASSERT_EQUAL(a->n_up, ups_a + 1);
	CU_ASSERT_EQUAL(b->n_up, ups_b + 1);
	CU_ASSERT_EQUAL(a->n_inst, 2);
	CU_ASSERT_EQUAL(b->n_inst, 2);
	CU_ASSERT_EQUAL(a->n_down, 0);
	CU_ASSERT_EQUAL(b->n_down, 0);
	/* the responder sends on the new pair at once, the initiator a moment later */
	CU_ASSERT_NOT_EQUAL(b->slot, old_a_in);
	advance(2 * S);
	CU_ASSERT_NOT_EQUAL(a->slot, old_b_in);
	CU_ASSERT_EQUAL(a->n_inst, 2); /* grace: the old inbound SAs stay */
	CU_ASSERT_EQUAL(b->n_inst, 2);
	advance(5 * S);
	check_one_pair();
	CU_ASSERT_NOT_EQUAL(a->inst[0].spi_in, old_a_in);
	CU_ASSERT_NOT_EQUAL(b->inst[0].spi_in, old_b_in);
	CU_ASSERT_NOT_EQUAL(a->inst[0].spi_in, a->inst[0].spi_out);
	CU_ASSERT_EQUAL(a->n_down, 1);
	CU_ASSERT_EQUAL(b->n_down, 1);
	CU_ASSERT_EQUAL(stats(a).p2_rekeys, 1);
	CU_ASSERT_EQUAL(stats(b).p2_rekeys, 1);
	CU_ASSERT_TRUE(stats(a).deletes_sent + stats(b).deletes_sent >= 1);
	CU_ASSERT_EQUAL(stats(a).p2_failed, 0);
	CU_ASSERT_EQUAL(stats(b).p2_failed, 0);
	/* and again: the new pair rekeys on its own timer; b never rekeyed first */
	advance(100 * S);
	check_one_pair();
	CU_ASSERT_EQUAL(stats(a).p2_rekeys, 2);
	CU_ASSERT_EQUAL(a->n_down, 2);
	CU_ASSERT_EQUAL(violations, 0);
	CU_ASSERT_EQUAL(early_removals, 0);
}

static void
test_ikev1_rekey_p2_initiator(void)
{
	setup();
	rekey_by(&pi);
	teardown();
}

/* The side that responded to the first quick mode rekeys; I answers. */
static void
test_ikev1_rekey_p2_responder(void)
{
	setup();
	rekey_by(&pr);
	teardown();
}

/* The same with one-step installers (child_up only): still no loss window at the engine level. */
static void
test_ikev1_rekey_p2_one_step(void)
{
	setup();
	pi.two_step = false;
	pr.two_step = false;
	pi.child[0].rekey_time = 100;
	pi.child[0].life_time = 130;
	pr.child[0].rekey_time = 120;
	pr.child[0].life_time = 130;
	start();
	negotiate();
	advance(110 * S);
	check_one_pair();
	CU_ASSERT_EQUAL(stats(&pi).p2_rekeys, 1);
	CU_ASSERT_EQUAL(stats(&pr).p2_rekeys, 1);
	CU_ASSERT_EQUAL(pi.n_up, 2);
	CU_ASSERT_EQUAL(pr.n_up, 2);
	teardown();
}

/* A worker's soft lifetime event rekeys at once; a second event changes nothing. */
static void
test_ikev1_rekey_soft_event(void)
{
	setup();
	start();
	negotiate();
	advance(10 * S);
	ikev1_sa_expired(pi.e, now, pi.inst[0].spi_out, false, false);
	ikev1_sa_expired(pi.e, now, pi.inst[0].spi_in, true, false);
	pump();
	CU_ASSERT_EQUAL(pi.n_up, 2);
	CU_ASSERT_EQUAL(pr.n_up, 2);
	advance(8 * S);
	check_one_pair();
	CU_ASSERT_EQUAL(stats(&pi).p2_rekeys, 1);
	/* an event for a replaced pair's SPI is ignored */
	ikev1_sa_expired(pi.e, now, pi.spis_seen[0], true, false);
	pump();
	CU_ASSERT_EQUAL(pi.n_up, 2);
	CU_ASSERT_EQUAL(violations, 0);
	teardown();
}

/* The rekey's QM1 is lost: retransmitted after retransmit_timeout, then the rekey completes. */
static void
test_ikev1_rekey_qm1_lost(void)
{
	struct ikev1_stats si;

	setup();
	pi.child[0].rekey_time = 100;
	pi.child[0].life_time = 200;
	pr.child[0].rekey_time = 150;
	pr.child[0].life_time = 200;
	start();
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
	si = stats(&pi);
	CU_ASSERT_EQUAL(si.retransmits, 1);
	advance(8 * S);
	check_one_pair();
	CU_ASSERT_EQUAL(violations, 0);
	teardown();
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

	setup();
	pi.child[0].rekey_time = 100;
	pi.child[0].life_time = 160;
	pr.child[0].rekey_time = 1000;
	pr.child[0].life_time = 2000;
	start();
	negotiate();
	advance(99 * S);
	drop_all = true;
	advance(59 * S);
	si = stats(&pi);
	CU_ASSERT_TRUE(si.retransmits >= 3);
	CU_ASSERT_TRUE(si.p2_failed >= 1);
	CU_ASSERT_EQUAL(pi.n_inst, 1); /* still serving */
	CU_ASSERT_EQUAL(pi.n_down, 0);
	advance(3 * S);
	CU_ASSERT_EQUAL(pi.n_inst, 0);
	CU_ASSERT_EQUAL(pi.n_down, 1);
	CU_ASSERT_EQUAL(stats(&pi).children, 0);
	CU_ASSERT_TRUE(stats(&pi).deletes_sent >= 1);
	drop_all = false;
	/* R took I's lifetime (the lower, RFC 2407 §4.5.4): its pair went too */
	CU_ASSERT_EQUAL(pr.n_inst, 0);
	teardown();
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

	setup();
	pi.child[0].rekey_time = 100;
	pi.child[0].life_time = 130;
	pr.child[0].rekey_time = 100;
	pr.child[0].life_time = 130;
	start();
	negotiate();
	for (round = 0; round < 3; round++) {
		advance(110 * S);
		fprintf(stderr,
		    "# round %u: I %u pairs (%u up %u down) R %u pairs (%u up %u down)\n", round,
		    pi.n_inst, pi.n_up, pi.n_down, pr.n_inst, pr.n_up, pr.n_down);
		/* both rekeyed: three pairs each (the old one and two new) until the graces */
		check_one_pair();
		CU_ASSERT_EQUAL(violations, 0);
	}
	CU_ASSERT_EQUAL(pi.n_up, 7);
	CU_ASSERT_EQUAL(pr.n_up, 7);
	CU_ASSERT_EQUAL(pi.n_down, 6);
	CU_ASSERT_EQUAL(pr.n_down, 6);
	CU_ASSERT_EQUAL(early_removals, 0);
	teardown();
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
	setup();
	pi.child[0].rekey_bytes = 1500000;
	pi.child[0].life_bytes = 2000000; /* 1953 KB on the wire */
	pr.child[0].rekey_bytes = 3000000;
	pr.child[0].life_bytes = 3300000;
	start();
	negotiate();
	CU_ASSERT_EQUAL(pi.inst[0].lt.hard_bytes, 1953 * 1024);
	CU_ASSERT_EQUAL(pi.inst[0].lt.soft_bytes, 1500000);
	CU_ASSERT_EQUAL(pr.inst[0].lt.hard_bytes, 1953 * 1024);
	CU_ASSERT_EQUAL(pr.inst[0].lt.soft_bytes, 1953 * 1024 / 100 * IKEV1_PEER_LIFE_REKEY_PCT);
	teardown();

	/* R has no volume limit of its own: it still rekeys before I's. */
	setup();
	pi.child[0].life_bytes = 1024000;
	start();
	negotiate();
	CU_ASSERT_EQUAL(pi.inst[0].lt.hard_bytes, 1024000);
	CU_ASSERT_EQUAL(pi.inst[0].lt.soft_bytes, 0); /* I's own choice: no rekey_bytes */
	CU_ASSERT_EQUAL(pr.inst[0].lt.hard_bytes, 1024000);
	CU_ASSERT_EQUAL(pr.inst[0].lt.soft_bytes, 1024000 / 100 * IKEV1_PEER_LIFE_REKEY_PCT);
	teardown();
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

	setup();
	pi.child[0].rekey_time = 0;
	pi.child[0].life_time = 130;
	pr.child[0].rekey_time = 1000;
	pr.child[0].life_time = 2000;
	start();
	negotiate();
	ups = pr.n_up;
	advance(116 * S);
	CU_ASSERT_EQUAL(pr.n_up, ups);
	advance(2 * S);
	CU_ASSERT_EQUAL(pr.n_up, ups + 1);
	settle();
	CU_ASSERT_EQUAL(stats(&pr).p2_rekeys, 1);
	CU_ASSERT_EQUAL(stats(&pi).p2_rekeys, 1);
	CU_ASSERT_EQUAL(violations, 0);
	CU_ASSERT_EQUAL(early_removals, 0);
	teardown();
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

	setup();
	start();
	negotiate();
	advance(10 * S);
	old_out = pi.inst[0].spi_out;
	ikev1_sa_expired(pi.e, now, old_out, false, false);
	pump();
	CU_ASSERT_EQUAL_FATAL(pi.n_inst, 2);
	CU_ASSERT_EQUAL(pi.slot, old_out); /* the new outbound waits for R */
	ikev1_sa_expired(pi.e, now, old_out, false, true);
	CU_ASSERT_EQUAL_FATAL(pi.n_inst, 1);
	CU_ASSERT_TRUE(pi.inst[0].out_ready);
	CU_ASSERT_EQUAL(pi.slot, pi.inst[0].spi_out);
	CU_ASSERT_NOT_EQUAL(pi.slot, old_out);
	CU_ASSERT_EQUAL(stats(&pi).p2_rekeys, 1);
	pump();
	advance(8 * S);
	check_one_pair();
	CU_ASSERT_EQUAL(violations, 0);
	teardown();
}

/* Jittered rekey times (rand_time) on both ends: many rekeys, never a loss, one pair left. */
static void
test_ikev1_rekey_jitter(void)
{
	setup();
	pi.child[0].rekey_time = 30;
	pi.child[0].life_time = 40;
	pi.child[0].rand_time = 10;
	pr.child[0].rekey_time = 30;
	pr.child[0].life_time = 40;
	pr.child[0].rand_time = 10;
	start();
	negotiate();
	advance(600 * S);
	settle();
	CU_ASSERT_TRUE(stats(&pi).p2_rekeys >= 20);
	CU_ASSERT_EQUAL(stats(&pi).p2_rekeys, stats(&pr).p2_rekeys);
	CU_ASSERT_EQUAL(violations, 0);
	CU_ASSERT_EQUAL(early_removals, 0);
	CU_ASSERT_EQUAL(pi.n_up - pi.n_down, 1);
	CU_ASSERT_EQUAL(pr.n_up - pr.n_down, 1);
	teardown();
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
	struct peer *b = other(a);
	struct ikev1_stats sa, sb;
	uint64_t old_id, old_id_r;

	a->conn[0].rekey_time = 50;
	a->conn[0].over_time = 10;
	b->conn[0].rekey_time = 1000;
	b->conn[0].over_time = 100;
	start();
	negotiate();
	old_id = pi.inst[0].ike_sa;
	old_id_r = pr.inst[0].ike_sa;
	advance(51 * S);
	sa = stats(a);
	sb = stats(b);
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
	CU_ASSERT_NOT_EQUAL(pi.inst[0].ike_sa, old_id);
	CU_ASSERT_NOT_EQUAL(pr.inst[0].ike_sa, old_id_r);
	advance(6 * S);
	sa = stats(a);
	sb = stats(b);
	CU_ASSERT_EQUAL(sa.sas[IKE_SA_STATE_ESTABLISHED], 1);
	CU_ASSERT_EQUAL(sb.sas[IKE_SA_STATE_ESTABLISHED], 1);
	CU_ASSERT_EQUAL(sa.initial_contacts + sb.initial_contacts,
	    2); /* the first contact's only */
	check_one_pair();
	CU_ASSERT_EQUAL(pi.n_down, 0);
	CU_ASSERT_EQUAL(pr.n_down, 0);
	/* the pair rekeys on the new IKE SA */
	ikev1_sa_expired(pi.e, now, pi.inst[0].spi_in, true, false);
	pump();
	advance(8 * S);
	check_one_pair();
	CU_ASSERT_NOT_EQUAL(pi.inst[0].ike_sa, old_id);
	CU_ASSERT_EQUAL(stats(&pi).p2_rekeys, 1);
	/* and reauthenticates again, many times */
	advance(300 * S);
	CU_ASSERT_TRUE(stats(a).p1_rekeys >= 6);
	CU_ASSERT_EQUAL(stats(a).sas[IKE_SA_STATE_ESTABLISHED], 1);
	CU_ASSERT_EQUAL(stats(b).sas[IKE_SA_STATE_ESTABLISHED], 1);
	check_one_pair();
	CU_ASSERT_EQUAL(pi.n_down, 1);
	CU_ASSERT_EQUAL(violations, 0);
}

static void
test_ikev1_rekey_p1_initiator(void)
{
	setup();
	reauth_by(&pi);
	teardown();
}

static void
test_ikev1_rekey_p1_responder(void)
{
	setup();
	reauth_by(&pr);
	teardown();
}

/* Both ends reauthenticate and rekey the pair at once, with jitter: the pair survives every time. */
static void
test_ikev1_rekey_p1_both(void)
{
	struct peer *ps[2] = { &pi, &pr };
	unsigned int i;

	setup();
	for (i = 0; i < 2; i++) {
		ps[i]->conn[0].rekey_time = 40;
		ps[i]->conn[0].over_time = 20;
		ps[i]->conn[0].rand_time = 10;
		ps[i]->child[0].rekey_time = 25;
		ps[i]->child[0].life_time = 35;
		ps[i]->child[0].rand_time = 10;
	}
	start();
	negotiate();
	advance(400 * S);
	settle();
	CU_ASSERT_TRUE(stats(&pi).p1_rekeys + stats(&pr).p1_rekeys >= 8);
	CU_ASSERT_TRUE(stats(&pi).p2_rekeys >= 10);
	CU_ASSERT_TRUE(stats(&pi).sas[IKE_SA_STATE_ESTABLISHED] <= 2);
	CU_ASSERT_EQUAL(violations, 0);
	CU_ASSERT_EQUAL(early_removals, 0);
	teardown();
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

	setup();
	for (i = 0; i < 2; i++) {
		ps[i]->conn[0].rekey_time = 50;
		ps[i]->conn[0].over_time = 10;
		ps[i]->conn[0].rand_time = 0;
	}
	start();
	negotiate();
	advance(50 * S);
	advance(7 * S);
	for (i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(stats(ps[i]).p1_done, 2);
		CU_ASSERT_EQUAL(stats(ps[i]).p1_failed, 0);
		CU_ASSERT_EQUAL(stats(ps[i]).p1_rekeys, 1);
		CU_ASSERT_EQUAL(stats(ps[i]).sas[IKE_SA_STATE_ESTABLISHED], 1);
		CU_ASSERT_EQUAL(stats(ps[i]).sas[IKE_SA_STATE_CONNECTING], 0);
		CU_ASSERT_EQUAL(ps[i]->n_down, 0);
	}
	check_one_pair();
	/* the pair rekeys on the new IKE SA, with a delete both ends act on */
	ikev1_sa_expired(pr.e, now, pr.inst[0].spi_in, true, false);
	pump();
	advance(8 * S);
	check_one_pair();
	CU_ASSERT_EQUAL(pi.n_down, 1);
	CU_ASSERT_EQUAL(pr.n_down, 1);
	advance(300 * S);
	for (i = 0; i < 2; i++) {
		CU_ASSERT_TRUE(stats(ps[i]).p1_rekeys >= 6);
		CU_ASSERT_EQUAL(stats(ps[i]).p1_failed, 0);
		CU_ASSERT_EQUAL(stats(ps[i]).sas[IKE_SA_STATE_ESTABLISHED], 1);
		CU_ASSERT_EQUAL(ps[i]->n_down, 1);
	}
	check_one_pair();
	CU_ASSERT_EQUAL(violations, 0);
	CU_ASSERT_EQUAL(early_removals, 0);
	teardown();
}

/*
 * A reauthentication whose main mode fails (the peer is unreachable for a
 * while) is tried again with backoff while the old ISAKMP SA lives; the
 * next try succeeds and the pair is never removed.
 */
static void
test_ikev1_rekey_p1_retry(void)
{
	setup();
	pi.conn[0].rekey_time = 50;
	pi.conn[0].over_time = 100;
	pr.conn[0].rekey_time = 1000;
	pr.conn[0].over_time = 100;
	start();
	negotiate();
	advance(49 * S);
	drop_all = true;
	advance(40 * S); /* MM1 unanswered: the main mode fails (half-open timeout) */
	drop_all = false;
	CU_ASSERT_TRUE(stats(&pi).p1_failed >= 1);
	CU_ASSERT_EQUAL(stats(&pi).p1_rekeys, 0);
	advance(30 * S); /* the retry, 10 s after the failure */
	CU_ASSERT_EQUAL(stats(&pi).p1_rekeys, 1);
	CU_ASSERT_EQUAL(stats(&pr).p1_rekeys, 1);
	advance(6 * S);
	CU_ASSERT_EQUAL(stats(&pi).sas[IKE_SA_STATE_ESTABLISHED], 1);
	CU_ASSERT_EQUAL(stats(&pr).sas[IKE_SA_STATE_ESTABLISHED], 1);
	check_one_pair();
	CU_ASSERT_EQUAL(pi.n_down, 0);
	CU_ASSERT_EQUAL(pr.n_down, 0);
	teardown();
}

/* A delete of the old ISAKMP SA from the peer leaves the adopted pair alone; INITIAL-CONTACT does not. */
static void
test_ikev1_rekey_initial_contact(void)
{
	setup();
	start();
	negotiate();
	/* I restarts: its SAs vanish without a word; its new main mode has INITIAL-CONTACT */
	drop_all = true;
	ikev1_destroy(pi.e);
	drop_all = false;
	clear_wire();
	pi.n_inst = 0;
	pi.slot = 0;
	pi.e = ikev1_create(&pi.cfg, &pi.ops);
	CU_ASSERT_EQUAL_FATAL(ikev1_initiate(pi.e, now, 0), 0);
	pump();
	check_one_pair();
	CU_ASSERT_EQUAL(pr.n_down, 1); /* the stale pair */
	CU_ASSERT_EQUAL(stats(&pr).sas[IKE_SA_STATE_ESTABLISHED], 1);
	CU_ASSERT_EQUAL(stats(&pr).p1_rekeys, 0);
	teardown();
}

int main(void);

int
main(void)
{
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{ "test_ikev1_rekey_p2_initiator", test_ikev1_rekey_p2_initiator },
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
		{ "test_ikev1_rekey_p1_initiator", test_ikev1_rekey_p1_initiator },
		{ "test_ikev1_rekey_p1_responder", test_ikev1_rekey_p1_responder },
		{ "test_ikev1_rekey_p1_both", test_ikev1_rekey_p1_both },
		{ "test_ikev1_rekey_p1_crossing", test_ikev1_rekey_p1_crossing },
		{ "test_ikev1_rekey_p1_retry", test_ikev1_rekey_p1_retry },
		{ "test_ikev1_rekey_initial_contact", test_ikev1_rekey_initial_contact },
	};
	CU_pSuite s;
	unsigned int fails;
	size_t i;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("ikev1_rekey", NULL, NULL);
	for (i = 0; i < DIM(tests); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return fails == 0 ? 0 : 1;
}
