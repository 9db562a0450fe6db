/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/slowpath/ike/test_ikev2_info.c: two IKEv2 engines back to back: INFORMATIONAL deletes, liveness checks, INITIAL_CONTACT, NAT keepalives. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "config/config.h"
#include "slowpath/ike/ike.h"
#include "slowpath/ike/ike_payload.h"
#include "slowpath/ike/ikev2_int.h"
#include "slowpath/ike/ikev2_msg.h"
#include "slowpath/ike/ikev2_sm.h"

#include "harness.h"

/*
 * The engines of harness.h, "I" (192.0.2.1) and "R" (192.0.2.2), with one
 * IKE SA and its Child SA up, then:
 *
 *   I  INFORMATIONAL SK{D(ESP, I's inbound SPI)}  -->
 *        <--  SK{D(ESP, R's inbound SPI)}
 *   I  INFORMATIONAL SK{D(IKE)}  -->  (shutdown: sent once)
 *   I  INFORMATIONAL SK{}  -->  (liveness)
 *        <--  SK{}
 *
 * Some tests look inside the engine (ikev2_int.h): a request of their own
 * making is sent under I's SA with ikev2_sm_request(), and the answer, the
 * last message I's engine decrypted, is read from its e->m.
 */

static struct ikev2 *
eng(const struct peer *p)
{
	return p->e;
}

/* The first IKE SA of @p's engine. */
static struct v2_sa *
sa_of(const struct peer *p)
{
	return (struct v2_sa *)eng(p)->t.head;
}

/* Child 0 from I, up on both sides. */
static void
up(void)
{
	CU_ASSERT_EQUAL_FATAL(ikev2_initiate(pi.e, now, 0), 0);
	pump();
	CU_ASSERT_EQUAL_FATAL(pi.n_up, 1);
	CU_ASSERT_EQUAL_FATAL(pr.n_up, 1);
	check_mirror(&pi.ups[0], &pr.ups[0]);
}

static uint64_t
established(const struct peer *p)
{
	return v2_stats(p).sas[IKE_SA_STATE_ESTABLISHED];
}

static void
spi_put(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The last message @p's engine took in (decrypted): its first Delete's @k-th SPI. */
static uint32_t
answer_spi(const struct peer *p, unsigned int k)
{
	const struct ikev2_msg *m = &eng(p)->m;

	if (m->n_deletes == 0 || k >= m->deletes[0].n_spis)
		return 0;
	return ike_get32(m->deletes[0].spis + 4 * k);
}

/* Send an INFORMATIONAL request under @p's IKE SA, inner chain from @ib's buffer (e->ibuf). */
static int
info_send(struct peer *p, struct ike_buf *ib)
{
	return ikev2_sm_request(eng(p), sa_of(p), ib, IKEV2_EXCH_INFORMATIONAL, now);
}

static struct ike_buf *
info_begin(struct peer *p)
{
	static struct ike_buf ib;

	ike_payload_buf_init(&ib, eng(p)->ibuf, sizeof(eng(p)->ibuf));
	return &ib;
}

/* A hard lifetime at I: the pair goes at both ends, R answers with its own SPI. */
static void
test_ikev2_info_delete_child_initiator(void)
{
	struct ikev2_stats si, sr;

	setup();
	start();
	up();
	ikev2_sa_expired(pi.e, now, pi.ups[0].spi_in, true, true);
	CU_ASSERT_EQUAL(pi.n_down, 1);
	CU_ASSERT_EQUAL(n_wire, 1); /* the delete, at once: the window is free */
	pump();
	CU_ASSERT_EQUAL(pr.n_down, 1);
	CU_ASSERT_EQUAL(pr.last_down.spi_in, pr.ups[0].spi_in);
	CU_ASSERT_EQUAL(pr.last_down.spi_out, pi.ups[0].spi_in);
	/* the answer deletes the other direction: R's inbound SPI */
	CU_ASSERT_EQUAL(eng(&pi)->m.hdr.exchange, IKEV2_EXCH_INFORMATIONAL);
	CU_ASSERT_EQUAL(eng(&pi)->m.n_deletes, 1);
	CU_ASSERT_EQUAL(eng(&pi)->m.deletes[0].proto, IKEV2_PROTO_ESP);
	CU_ASSERT_EQUAL(answer_spi(&pi, 0), pr.ups[0].spi_in);
	si = v2_stats(&pi);
	sr = v2_stats(&pr);
	CU_ASSERT_EQUAL(si.deletes_sent, 1);
	CU_ASSERT_EQUAL(si.child_hard_expired, 1);
	CU_ASSERT_EQUAL(sr.deletes_received, 1);
	CU_ASSERT_EQUAL(sr.children_deleted, 1);
	CU_ASSERT_EQUAL(si.children, 0);
	CU_ASSERT_EQUAL(sr.children, 0);
	/* the IKE SAs stay, nothing outstanding */
	CU_ASSERT_EQUAL(established(&pi), 1);
	CU_ASSERT_EQUAL(established(&pr), 1);
	CU_ASSERT_FALSE(sa_of(&pi)->req_busy);
	advance(30 * S);
	CU_ASSERT_EQUAL(v2_stats(&pi).retransmits, 0);
	teardown();
	CU_ASSERT_EQUAL(pi.n_down, 1);
	CU_ASSERT_EQUAL(pr.n_down, 1);
}

/* The responder deletes (its first request, message ID 0), named by its outbound SPI. */
static void
test_ikev2_info_delete_child_responder(void)
{
	setup();
	start();
	up();
	ikev2_sa_expired(pr.e, now, pr.ups[0].spi_out, false, true);
	CU_ASSERT_EQUAL(pr.n_down, 1);
	CU_ASSERT_EQUAL(n_wire, 1);
	CU_ASSERT_EQUAL(ike_get32(wire[0].p + 20), 0); /* message ID */
	pump();
	CU_ASSERT_EQUAL(pi.n_down, 1);
	CU_ASSERT_EQUAL(pi.last_down.spi_in, pi.ups[0].spi_in);
	CU_ASSERT_EQUAL(answer_spi(&pr, 0), pi.ups[0].spi_in);
	CU_ASSERT_EQUAL(v2_stats(&pi).deletes_received, 1);
	CU_ASSERT_EQUAL(v2_stats(&pr).deletes_sent, 1);
	CU_ASSERT_EQUAL(established(&pi), 1);
	CU_ASSERT_EQUAL(established(&pr), 1);
	teardown();
}

/* Shutdown of either end: its Delete of the IKE SA removes everything at the other. */
static void
test_ikev2_info_delete_ike(void)
{
	struct peer *p[2] = { &pi, &pr };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		struct peer *gone = p[i], *other = p[1 - i];

		setup();
		start();
		up();
		ikev2_destroy(gone->e);
		gone->e = NULL;
		CU_ASSERT_EQUAL(gone->n_down, 1);
		CU_ASSERT_EQUAL(n_wire, 1); /* one Delete, sent once */
		pump();
		CU_ASSERT_EQUAL(other->n_down, 1);
		CU_ASSERT_EQUAL(established(other), 0);
		CU_ASSERT_EQUAL(v2_stats(other).ike_deleted, 1);
		CU_ASSERT_EQUAL(v2_stats(other).deletes_received, 1);
		CU_ASSERT_EQUAL(v2_stats(other).children, 0);
		/* the empty answer went back (to no engine) */
		CU_ASSERT_EQUAL(n_sent, 6);
		teardown();
		CU_ASSERT_EQUAL(other->n_down, 1);
	}
}

/* dpd_delay: a silent peer gets an empty INFORMATIONAL, which it answers; traffic defers it. */
static void
test_ikev2_info_liveness(void)
{
	struct ikev2_stats si;
	unsigned int n;

	setup();
	pi.conn[0].dpd_delay = 10;
	start();
	up();
	n = n_sent;
	advance(9 * S);
	CU_ASSERT_EQUAL(n_sent, n);
	advance(2 * S);
	CU_ASSERT_EQUAL(n_sent, n + 2); /* the check and its answer */
	si = v2_stats(&pi);
	CU_ASSERT_EQUAL(si.dpd_sent, 1);
	CU_ASSERT_EQUAL(v2_stats(&pr).dpd_answered, 1);
	CU_ASSERT_EQUAL(v2_stats(&pr).dpd_sent, 0); /* R has no dpd_delay */
	CU_ASSERT_EQUAL(eng(&pi)->m.n_deletes, 0);
	CU_ASSERT_FALSE(sa_of(&pi)->req_busy);
	/* the answer counts as traffic: the next check after another dpd_delay */
	advance(8 * S);
	CU_ASSERT_EQUAL(v2_stats(&pi).dpd_sent, 1);
	/* a request from R meanwhile defers it again */
	CU_ASSERT_EQUAL(info_send(&pr, info_begin(&pr)), 0);
	pump();
	advance(5 * S);
	CU_ASSERT_EQUAL(v2_stats(&pi).dpd_sent, 1);
	CU_ASSERT_EQUAL(v2_stats(&pi).dpd_answered, 1);
	advance(6 * S);
	CU_ASSERT_EQUAL(v2_stats(&pi).dpd_sent, 2);
	CU_ASSERT_EQUAL(v2_stats(&pi).retransmits, 0);
	CU_ASSERT_EQUAL(established(&pi), 1);
	CU_ASSERT_EQUAL(pi.n_down, 0);
	teardown();
}

/*
 * The peer goes silent: the liveness check is retransmitted (4, 7.2,
 * 13 s: retransmit_tries 3) and 23.3 s after the last try the IKE SA and
 * its child go.  With dpd_action restart I negotiates again, and its
 * INITIAL_CONTACT makes R drop the SA it still holds.
 */
static void
test_ikev2_info_dead(void)
{
	unsigned int restart;

	for (restart = 0; restart < 2; restart++) {
		setup();
		pi.conn[0].dpd_delay = 5;
		if (restart)
			pi.child[0].dpd_action = CONFIG_DPD_RESTART;
		start();
		up();
		drop_all = true;
		advance(6 * S);
		CU_ASSERT_EQUAL(v2_stats(&pi).dpd_sent, 1);
		advance(40 * S);
		CU_ASSERT_EQUAL(v2_stats(&pi).retransmits, 3);
		CU_ASSERT_EQUAL(established(&pi), 1);
		CU_ASSERT_EQUAL(pi.n_down, 0);
		advance(8 * S);
		CU_ASSERT_EQUAL(v2_stats(&pi).dpd_timeouts, 1);
		CU_ASSERT_EQUAL(established(&pi), 0);
		CU_ASSERT_EQUAL(pi.n_down, 1);
		CU_ASSERT_EQUAL(v2_stats(&pi).children, 0);
		CU_ASSERT_EQUAL(v2_stats(&pi).ike_failed,
		    0); /* it was up: a timeout, not a failure */
		drop_all = false;
		advance(5 * S); /* restart: the IKE_SA_INIT retransmitted at 4 s goes through */
		if (!restart) {
			CU_ASSERT_EQUAL(v2_stats(&pi).sas[IKE_SA_STATE_CONNECTING], 0);
			CU_ASSERT_EQUAL(pi.n_up, 1);
			CU_ASSERT_EQUAL(established(&pr), 1); /* R knows nothing */
		} else {
			CU_ASSERT_EQUAL(pi.n_up, 2);
			CU_ASSERT_EQUAL(established(&pi), 1);
			CU_ASSERT_EQUAL(pr.n_up, 2);
			CU_ASSERT_EQUAL(pr.n_down, 1);
			CU_ASSERT_EQUAL(established(&pr), 1);
			CU_ASSERT_EQUAL(v2_stats(&pr).initial_contacts,
			    2); /* first contact, then */
			check_mirror(&pi.ups[1], &pr.ups[1]);
		}
		teardown();
	}
}

/* I restarts (its deletes lost) and negotiates again: INITIAL_CONTACT removes R's stale SA. */
static void
test_ikev2_info_initial_contact(void)
{
	setup();
	start();
	up();
	CU_ASSERT_EQUAL(v2_stats(&pi).initial_contact_sent, 1);
	CU_ASSERT_EQUAL(v2_stats(&pr).initial_contacts, 1); /* nothing to remove then */
	CU_ASSERT_EQUAL(pr.n_down, 0);
	drop_all = true;
	ikev2_destroy(pi.e);
	drop_all = false;
	clear_wire();
	pi.e = ikev2_create(&pi.cfg, &pi.ops);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pi.e);
	CU_ASSERT_EQUAL(ikev2_initiate(pi.e, now, 0), 0);
	pump();
	CU_ASSERT_EQUAL(pi.n_up, 2);
	CU_ASSERT_EQUAL(pr.n_up, 2);
	check_mirror(&pi.ups[1], &pr.ups[1]);
	CU_ASSERT_EQUAL(v2_stats(&pr).initial_contacts, 2);
	CU_ASSERT_EQUAL(established(&pr), 1);
	CU_ASSERT_EQUAL(pr.n_down, 1);
	CU_ASSERT_EQUAL(pr.last_down.spi_in, pr.ups[0].spi_in);
	CU_ASSERT_EQUAL(v2_stats(&pr).children, 1);
	CU_ASSERT_EQUAL_FATAL(sa_of(&pr)->n_children, 1);
	CU_ASSERT_EQUAL(sa_of(&pr)->children[0]->c.spi_in, pr.ups[1].spi_in);
	teardown();
}

/* The end behind a NAT (I, forced encapsulation) sends a keepalive after 20 s without traffic. */
static void
test_ikev2_info_keepalive(void)
{
	setup();
	pi.conn[0].encap = true;
	start();
	up();
	CU_ASSERT_TRUE(sa_of(&pi)->nat_local);
	CU_ASSERT_FALSE(sa_of(&pr)->nat_local);
	CU_ASSERT_EQUAL(sa_of(&pi)->sa.local.port, IKE_PORT_NATT);
	advance(19 * S);
	CU_ASSERT_EQUAL(pi.keepalives, 0);
	advance(2 * S);
	CU_ASSERT_EQUAL(pi.keepalives, 1);
	CU_ASSERT_EQUAL(v2_stats(&pi).keepalives, 1);
	/* a message of ours resets the clock */
	advance(10 * S);
	CU_ASSERT_EQUAL(info_send(&pi, info_begin(&pi)), 0);
	pump();
	advance(15 * S);
	CU_ASSERT_EQUAL(pi.keepalives, 1);
	advance(6 * S);
	CU_ASSERT_EQUAL(pi.keepalives, 2);
	/* R is not behind a NAT: it keeps nothing open */
	CU_ASSERT_EQUAL(pr.keepalives, 0);
	CU_ASSERT_EQUAL(v2_stats(&pr).keepalives, 0);
	teardown();
}

/*
 * I's NAT gives it another port (RFC 7296 §2.23): R moves the IKE SA and
 * the Child SA's UDP encapsulation at I's next authenticated message, not
 * at a forged one, and answers there.
 */
static void
test_ikev2_info_nat_move(void)
{
	const struct v2_sa *s;
	unsigned int k, before;

	setup();
	pi.conn[0].encap = true;
	start();
	up();
	s = sa_of(&pr);
	CU_ASSERT_TRUE_FATAL(s->nat_remote);
	CU_ASSERT_EQUAL(s->sa.remote.port, IKE_PORT_NATT);
	CU_ASSERT_EQUAL(pr.n_remap, 0);
	harness_hooks.batch = batch_nat;
	nat_port = 40001;
	before = n_sent;
	CU_ASSERT_EQUAL(info_send(&pi, info_begin(&pi)), 0);
	/* Garbled on its way, the request is not authentic: R drops it (ICV) and stays. */
	CU_ASSERT_EQUAL_FATAL(n_wire, 1);
	wire[0].p[wire[0].len - 1] ^= 0x01;
	pump();
	CU_ASSERT_EQUAL(s->sa.remote.port, IKE_PORT_NATT);
	CU_ASSERT_EQUAL(pr.n_remap, 0);
	/* I's retransmission is authentic: R follows. */
	advance(5 * S);
	CU_ASSERT_EQUAL(s->sa.remote.port, 40001);
	CU_ASSERT_EQUAL(pr.n_remap, 1);
	CU_ASSERT_EQUAL(pr.last_remap.spi_in, pr.ups[0].spi_in);
	CU_ASSERT_EQUAL(pr.last_remap.remote_port, 40001);
	CU_ASSERT_EQUAL(pr.last_remap.local_port, IKE_PORT_NATT);
	CU_ASSERT_TRUE(pr.last_remap.encap);
	CU_ASSERT_EQUAL(s->children[0]->c.remote_port, 40001);
	/* R's answer went to the new port. */
	for (k = before; k < n_sent; k++)
		if (sent[k].from.a.addr[3] == pr.addr.addr[3])
			CU_ASSERT_EQUAL(sent[k].to.port, 40001);
	/* The same port again: nothing more to move. */
	CU_ASSERT_EQUAL(info_send(&pi, info_begin(&pi)), 0);
	pump();
	CU_ASSERT_EQUAL(pr.n_remap, 1);
	nat_port = 0;
	harness_hooks.batch = NULL;
	teardown();
}

/* A delete waits while a request of ours is in flight (window one), then goes. */
static void
test_ikev2_info_queued(void)
{
	unsigned int n;

	setup();
	pi.conn[0].dpd_delay = 5;
	start();
	up();
	drop_all = true;
	advance(6 * S);
	CU_ASSERT_TRUE(sa_of(&pi)->req_busy);
	CU_ASSERT_TRUE(sa_of(&pi)->dpd_out);
	n = n_sent;
	ikev2_sa_expired(pi.e, now, pi.ups[0].spi_out, false, true);
	CU_ASSERT_EQUAL(pi.n_down, 1);
	CU_ASSERT_EQUAL(n_sent, n); /* nothing sent: queued */
	CU_ASSERT_EQUAL(sa_of(&pi)->n_del, 1);
	CU_ASSERT_EQUAL(v2_stats(&pi).deletes_sent, 0);
	drop_all = false;
	advance(4 * S); /* the retransmitted check is answered, then the delete goes */
	CU_ASSERT_EQUAL(v2_stats(&pi).deletes_sent, 1);
	CU_ASSERT_EQUAL(sa_of(&pi)->n_del, 0);
	CU_ASSERT_EQUAL(pr.n_down, 1);
	CU_ASSERT_EQUAL(pr.last_down.spi_out, pi.ups[0].spi_in);
	CU_ASSERT_EQUAL(answer_spi(&pi, 0), pr.ups[0].spi_in);
	CU_ASSERT_EQUAL(established(&pi), 1);
	CU_ASSERT_EQUAL(established(&pr), 1);
	teardown();
}

/*
 * Bad deletes: an AH SPI, unknown ESP SPIs and a Delete the codec refuses
 * (protocol 9, 8-byte SPI) are answered without them (or with
 * INVALID_SYNTAX); the SA and the known child stay until named.
 */
static void
test_ikev2_info_bad(void)
{
	uint8_t spis[12];
	struct ike_buf *ib;

	setup();
	start();
	up();
	/* AH: not ours */
	ib = info_begin(&pi);
	spi_put(spis, pi.ups[0].spi_in);
	ikev2_msg_build_delete(ib, IKEV2_PROTO_AH, 4, spis, 1);
	CU_ASSERT_EQUAL(info_send(&pi, ib), 0);
	pump();
	CU_ASSERT_EQUAL(pr.n_down, 0);
	CU_ASSERT_EQUAL(eng(&pi)->m.hdr.exchange, IKEV2_EXCH_INFORMATIONAL);
	CU_ASSERT_EQUAL(eng(&pi)->m.n_deletes, 0);
	CU_ASSERT_EQUAL(eng(&pi)->m.n_notifies, 0);
	/* protocol 9 with 8-byte SPIs: INVALID_SYNTAX, nothing removed */
	ib = info_begin(&pi);
	ike_payload_begin(ib, IKEV2_PL_DELETE, 0);
	ike_payload_buf_put8(ib, 9);
	ike_payload_buf_put8(ib, 8);
	ike_payload_buf_put8(ib, 0);
	ike_payload_buf_put8(ib, 1);
	ike_payload_buf_put(ib, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	ike_payload_end(ib);
	CU_ASSERT_EQUAL(info_send(&pi, ib), 0);
	pump();
	CU_ASSERT_EQUAL(pr.n_down, 0);
	CU_ASSERT_EQUAL(eng(&pi)->m.n_notifies, 1);
	CU_ASSERT_EQUAL(eng(&pi)->m.notifies[0].type, IKEV2_N_INVALID_SYNTAX);
	CU_ASSERT_EQUAL(v2_stats(&pr).dropped[IKE_DROP_MALFORMED], 1);
	CU_ASSERT_EQUAL(established(&pr), 1);
	/* a status notify only: answered, not a liveness check */
	ib = info_begin(&pi);
	ikev2_msg_build_notify(ib, 0, NULL, 0, 40000, NULL, 0);
	CU_ASSERT_EQUAL(info_send(&pi, ib), 0);
	pump();
	CU_ASSERT_EQUAL(v2_stats(&pr).dpd_answered, 0);
	CU_ASSERT_EQUAL(eng(&pi)->m.n_notifies, 0);
	CU_ASSERT_FALSE(sa_of(&pi)->req_busy);
	/* unknown ESP SPIs around the known one: only the known pair goes */
	ib = info_begin(&pi);
	spi_put(spis, 0xdeadbeef);
	spi_put(spis + 4, pi.ups[0].spi_in);
	spi_put(spis + 8, pr.ups[0].spi_in); /* R's own inbound: not what the peer names */
	ikev2_msg_build_delete(ib, IKEV2_PROTO_ESP, 4, spis, 3);
	CU_ASSERT_EQUAL(info_send(&pi, ib), 0);
	pump();
	CU_ASSERT_EQUAL(pr.n_down, 1);
	CU_ASSERT_EQUAL(eng(&pi)->m.n_deletes, 1);
	CU_ASSERT_EQUAL(eng(&pi)->m.deletes[0].n_spis, 1);
	CU_ASSERT_EQUAL(answer_spi(&pi, 0), pr.ups[0].spi_in);
	CU_ASSERT_EQUAL(v2_stats(&pr).children_deleted, 1);
	CU_ASSERT_EQUAL(v2_stats(&pr).deletes_received, 2);
	CU_ASSERT_EQUAL(established(&pr), 1);
	/* the same delete again: nothing left to name, an empty Delete-less answer */
	ib = info_begin(&pi);
	ikev2_msg_build_delete(ib, IKEV2_PROTO_ESP, 4, spis + 4, 1);
	CU_ASSERT_EQUAL(info_send(&pi, ib), 0);
	pump();
	CU_ASSERT_EQUAL(pr.n_down, 1);
	CU_ASSERT_EQUAL(eng(&pi)->m.n_deletes, 0);
	/* a request of ours while one is in flight is refused (window one) */
	drop_all = true;
	CU_ASSERT_EQUAL(info_send(&pi, info_begin(&pi)), 0);
	CU_ASSERT_EQUAL(info_send(&pi, info_begin(&pi)), -EBUSY);
	drop_all = false;
	teardown();
}

int
main(void)
{
	static const struct harness_test tests[] = {
		{ "test_ikev2_info_delete_child_initiator",
		    test_ikev2_info_delete_child_initiator },
		{ "test_ikev2_info_delete_child_responder",
		    test_ikev2_info_delete_child_responder },
		{ "test_ikev2_info_delete_ike", test_ikev2_info_delete_ike },
		{ "test_ikev2_info_liveness", test_ikev2_info_liveness },
		{ "test_ikev2_info_dead", test_ikev2_info_dead },
		{ "test_ikev2_info_initial_contact", test_ikev2_info_initial_contact },
		{ "test_ikev2_info_keepalive", test_ikev2_info_keepalive },
		{ "test_ikev2_info_nat_move", test_ikev2_info_nat_move },
		{ "test_ikev2_info_queued", test_ikev2_info_queued },
		{ "test_ikev2_info_bad", test_ikev2_info_bad },
	};
	unsigned int fails;

	harness_use(&harness_ikev2);
	fails = harness_run("ikev2_info", tests, DIM(tests));
	return fails == 0 ? 0 : 1;
}
