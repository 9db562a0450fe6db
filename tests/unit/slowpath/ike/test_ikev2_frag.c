/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/slowpath/ike/test_ikev2_frag.c: IKEv2 fragmentation (RFC 7383) between two engines: IKE_AUTH with certificates in SKF fragments, loss, reordering, bad fragments, limits. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "common/limits.h"
#include "config/config.h"
#include "slowpath/ike/ike.h"
#include "slowpath/ike/ike_payload.h"
#include "slowpath/ike/ikev2_msg.h"
#include "slowpath/ike/ikev2_sm.h"
#include "slowpath/ike/ikev2_test.h"

#include "harness.h"
#include "test_pki.h"

/*
 * Engines "I" (192.0.2.1) and "R" (192.0.2.2) with certificates from
 * make_certs.sh (RSA-2048, I with its intermediate; or ECDSA P-256) and
 * a fragment size of 576 bytes (the IP packet): IKE_AUTH goes in SKF
 * fragments both ways.
 *
 *   IKE_SA_INIT ... N(IKEV2_FRAGMENTATION_SUPPORTED)  -->  (whole, always)
 *       <--  ... N(IKEV2_FRAGMENTATION_SUPPORTED)
 *   IKE_AUTH SKF(1/n, Next IDi) SKF(2/n) ... SKF(n/n)  -->
 *       <--  SKF(1/m, Next IDr) ... SKF(m/m)
 *
 * Bad fragments are made under I's real keys with ikev2_test_skf()
 * (slowpath/ike/ikev2_test.c), so that they pass the ICV and reach the
 * reassembler's checks.
 */

#define FRAG_SIZE 576
#define IP_UDP    28 /* IPv4 and UDP headers: a fragment message is at most FRAG_SIZE - 28 */

static struct ikev2_stats
stats(const struct peer *p)
{
	struct ikev2_stats st;

	ikev2_stats_read(p->e, &st);
	return st;
}

static bool
is_skf(const struct msg *w)
{
	return w->len > IKE_HDR_LEN && w->p[16] == IKEV2_PL_SKF;
}

/* Who sent @w: 1 I, 2 R. */
static unsigned int
from(const struct msg *w)
{
	return w->from.a.addr[3];
}

/* SKF datagrams @who (1 or 2) sent so far. */
static unsigned int
skf_sent_by(unsigned int who)
{
	unsigned int i, n = 0;

	for (i = 0; i < n_sent; i++)
		n += is_skf(&sent[i]) && from(&sent[i]) == who;
	return n;
}

/* Both peers with certificates (RSA, I with its intermediate; or ECDSA) and FRAG_SIZE. */
static void
pki_setup(bool ec)
{
	harness_use(&harness_ikev2);
	setup();
	if (ec) {
		peer_pubkey(&pi, pki_dir, "ec256-gw1.pem", NULL, "ec256-gw1.key", "ec256-ca.pem",
		    NULL);
		peer_pubkey(&pr, pki_dir, "ec256-gw2.pem", NULL, "ec256-gw2.key", "ec256-ca.pem",
		    NULL);
	} else {
		peer_pubkey(&pi, pki_dir, "rsa-gw1.pem", "rsa-int.pem", "rsa-gw1.key", "rsa-ca.pem",
		    NULL);
		peer_pubkey(&pr, pki_dir, "rsa-gw2.pem", NULL, "rsa-gw2.key", "rsa-ca.pem", NULL);
	}
	pi.cfg.ike.fragment_size = pr.cfg.ike.fragment_size = FRAG_SIZE;
}

/* @from initiates; the wire runs dry. */
static void
run(struct peer *who)
{
	start();
	CU_ASSERT_EQUAL(ikev2_initiate(who->e, now, 0), 0);
	pump();
}

/* Both ends established with one mirrored Child SA. */
static void
expect_up(void)
{
	struct ikev2_stats si = stats(&pi), sr = stats(&pr);

	CU_ASSERT_EQUAL(si.ike_done, 1);
	CU_ASSERT_EQUAL(sr.ike_done, 1);
	CU_ASSERT_EQUAL(si.auth_failed + sr.auth_failed, 0);
	CU_ASSERT_EQUAL(si.sas[IKE_SA_STATE_ESTABLISHED], 1);
	CU_ASSERT_EQUAL(sr.sas[IKE_SA_STATE_ESTABLISHED], 1);
	CU_ASSERT_EQUAL_FATAL(pi.n_up, 1);
	CU_ASSERT_EQUAL_FATAL(pr.n_up, 1);
	check_mirror(&pi.up, &pr.up);
}

/* Whether the IKE_SA_INIT message sent[@i] carries IKEV2_FRAGMENTATION_SUPPORTED. */
static bool
announces(unsigned int i)
{
	static struct ikev2_msg m;

	CU_ASSERT_FATAL(i < n_sent);
	CU_ASSERT_EQUAL_FATAL(ikev2_msg_parse(sent[i].p, sent[i].len, &m), 0);
	CU_ASSERT_EQUAL(m.hdr.exchange, IKEV2_EXCH_IKE_SA_INIT);
	return ikev2_msg_notify_find(&m, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED) != NULL;
}

/*
 * The IKE_AUTH messages on the wire: each sender's first transmission is
 * fragments only (numbered 1..n in order, same header, n the total, the
 * first naming IDi / IDr) when @frag, each at most @max bytes; else one
 * whole SK message.  The number of fragments of @who in *@n.
 */
static void
check_auth_wire(unsigned int who, bool frag, size_t max, unsigned int *n)
{
	static struct ikev2_msg m;
	unsigned int i, k = 0, total = 0, whole = 0;
	bool initiator = from(&sent[0]) == who;

	for (i = 0; i < n_sent; i++) {
		if (from(&sent[i]) != who || sent[i].p[18] != IKEV2_EXCH_IKE_AUTH)
			continue;
		CU_ASSERT_EQUAL_FATAL(ikev2_msg_parse(sent[i].p, sent[i].len, &m), 0);
		CU_ASSERT_EQUAL(m.hdr.msgid, 1);
		if (m.has_sk) {
			whole++;
			continue;
		}
		CU_ASSERT_TRUE_FATAL(m.has_skf);
		CU_ASSERT_TRUE(sent[i].len <= max);
		if (total != 0 && k == total)
			break; /* a retransmission begins */
		k++;
		CU_ASSERT_EQUAL(m.sk.frag_num, k);
		if (k == 1) {
			total = m.sk.frag_total;
			CU_ASSERT_EQUAL(m.sk.inner, initiator ? IKEV2_PL_IDI : IKEV2_PL_IDR);
		} else {
			CU_ASSERT_EQUAL(m.sk.frag_total, total);
			CU_ASSERT_EQUAL(m.sk.inner, IKEV2_PL_NONE);
		}
	}
	if (frag) {
		CU_ASSERT_TRUE(total >= 2);
		CU_ASSERT_EQUAL(k, total);
		CU_ASSERT_EQUAL(whole, 0);
	} else {
		CU_ASSERT_EQUAL(total, 0);
		CU_ASSERT_EQUAL(whole, 1);
	}
	*n = total;
}

/* RSA and ECDSA, either end initiating: IKE_AUTH in fragments both ways. */
static void
test_ikev2_frag_cert_both_ways(void)
{
	struct ikev2_stats si, sr;
	unsigned int ec, way, ni, nr;

	SKIP_WITHOUT_PKI();
	for (ec = 0; ec < 2; ec++) {
		for (way = 0; way < 2; way++) {
			pki_setup(ec != 0);
			run(way == 0 ? &pi : &pr);
			expect_up();
			CU_ASSERT_TRUE(announces(0));
			CU_ASSERT_TRUE(announces(1));
			check_auth_wire(1, true, FRAG_SIZE - IP_UDP, &ni);
			check_auth_wire(2, true, FRAG_SIZE - IP_UDP, &nr);
			si = stats(&pi);
			sr = stats(&pr);
			CU_ASSERT_EQUAL(si.frag_tx_msgs, 1);
			CU_ASSERT_EQUAL(sr.frag_tx_msgs, 1);
			CU_ASSERT_EQUAL(si.frag_tx, ni);
			CU_ASSERT_EQUAL(sr.frag_tx, nr);
			CU_ASSERT_EQUAL(sr.frag_rx, ni);
			CU_ASSERT_EQUAL(si.frag_rx, nr);
			CU_ASSERT_EQUAL(si.frag_reassembled, 1);
			CU_ASSERT_EQUAL(sr.frag_reassembled, 1);
			CU_ASSERT_EQUAL(si.frag_dropped + sr.frag_dropped, 0);
			CU_ASSERT_EQUAL(si.retransmits + sr.retransmits, 0);
			/* RSA: two certificates from I (about 2.3 KB) need more pieces than ECDSA. */
			if (!ec)
				CU_ASSERT_TRUE(ni >= 4);
			teardown();
		}
	}
	/* Forced UDP encapsulation: port 4500, the non-ESP marker comes off the budget too. */
	pki_setup(false);
	pi.conn[0].encap = true;
	run(&pi);
	expect_up();
	CU_ASSERT_EQUAL(pi.up.encap, true);
	check_auth_wire(1, true, FRAG_SIZE - IP_UDP - 4, &ni);
	check_auth_wire(2, true, FRAG_SIZE - IP_UDP - 4, &nr);
	teardown();
	/* A fragment size below anything useful: clamped to 256-byte messages, still up. */
	pki_setup(false);
	pi.cfg.ike.fragment_size = pr.cfg.ike.fragment_size = 100;
	run(&pi);
	expect_up();
	check_auth_wire(1, true, 256, &ni);
	check_auth_wire(2, true, 256, &nr);
	CU_ASSERT_TRUE(ni >= 10);
	teardown();
}

/* Step hook: R stops taking fragments once it announced support (sent[1]). */
static void
r_turns_off(void)
{
	if (n_sent >= 2)
		pr.conn[0].fragmentation = CONFIG_FRAG_NO;
}

/* The fragmentation setting of each end: yes, accept, force, no. */
static void
test_ikev2_frag_negotiation(void)
{
	struct ikev2_stats si, sr;
	unsigned int ni, nr;

	SKIP_WITHOUT_PKI();
	/* I says no: it does not announce, R does not answer with it, nothing is cut. */
	pki_setup(false);
	pi.conn[0].fragmentation = CONFIG_FRAG_NO;
	run(&pi);
	expect_up();
	CU_ASSERT_FALSE(announces(0));
	CU_ASSERT_FALSE(announces(1));
	check_auth_wire(1, false, IKE_MSG_MAX, &ni);
	check_auth_wire(2, false, IKE_MSG_MAX, &nr);
	CU_ASSERT_EQUAL(stats(&pi).frag_tx + stats(&pr).frag_tx, 0);
	teardown();
	/* R accepts: it announces and takes I's fragments, but answers whole. */
	pki_setup(false);
	pr.conn[0].fragmentation = CONFIG_FRAG_ACCEPT;
	run(&pi);
	expect_up();
	CU_ASSERT_TRUE(announces(1));
	check_auth_wire(1, true, FRAG_SIZE - IP_UDP, &ni);
	check_auth_wire(2, false, IKE_MSG_MAX, &nr);
	CU_ASSERT_EQUAL(stats(&pr).frag_reassembled, 1);
	CU_ASSERT_EQUAL(stats(&pi).frag_rx, 0);
	teardown();
	/* force is yes in IKEv2: fragments when the peer announced, whole when it did not. */
	pki_setup(false);
	pr.conn[0].fragmentation = CONFIG_FRAG_FORCE;
	run(&pi);
	expect_up();
	check_auth_wire(2, true, FRAG_SIZE - IP_UDP, &nr);
	teardown();
	pki_setup(false);
	pr.conn[0].fragmentation = CONFIG_FRAG_FORCE;
	pi.conn[0].fragmentation = CONFIG_FRAG_NO;
	run(&pi);
	expect_up();
	CU_ASSERT_FALSE(announces(1));
	check_auth_wire(2, false, IKE_MSG_MAX, &nr);
	teardown();
	/* R says no after it announced: I's fragments are refused, counted, and I gives up. */
	pki_setup(false);
	start();
	harness_hooks.step = r_turns_off;
	CU_ASSERT_EQUAL(ikev2_initiate(pi.e, now, 0), 0);
	pump();
	advance(60 * S);
	si = stats(&pi);
	sr = stats(&pr);
	CU_ASSERT_EQUAL(si.retransmits, pi.cfg.ike.retransmit_tries);
	CU_ASSERT_EQUAL(si.ike_failed, 1);
	CU_ASSERT_TRUE(sr.frag_rx >= 4);
	CU_ASSERT_EQUAL(sr.frag_dropped, sr.frag_rx);
	CU_ASSERT_EQUAL(sr.dropped[IKE_DROP_UNSUPPORTED], sr.frag_rx);
	CU_ASSERT_EQUAL(sr.frag_reassembled + sr.ike_done, 0);
	CU_ASSERT_EQUAL(pi.n_up + pr.n_up, 0);
	teardown();
}

/* Batch hook: every batch backwards, every fragment twice but number 1 (which completes). */
static void
reverse_dup(struct msg *batch, unsigned int n)
{
	static struct ikev2_msg m;
	unsigned int i;

	for (i = n; i-- > 0;) {
		deliver(&batch[i]);
		if (is_skf(&batch[i]) && ikev2_msg_parse(batch[i].p, batch[i].len, &m) == 0 &&
		    m.sk.frag_num != 1)
			deliver(&batch[i]);
		free(batch[i].p);
	}
}

/* Reordered and duplicated fragments; a fragment lost each way, then retransmissions. */
static void
test_ikev2_frag_order_loss(void)
{
	struct ikev2_stats si, sr;
	unsigned int ni, nr;

	SKIP_WITHOUT_PKI();
	/* Backwards and twice: duplicates ignored (counted), both messages whole. */
	pki_setup(false);
	start();
	harness_hooks.batch = reverse_dup;
	CU_ASSERT_EQUAL(ikev2_initiate(pi.e, now, 0), 0);
	pump();
	expect_up();
	check_auth_wire(1, true, FRAG_SIZE - IP_UDP, &ni);
	check_auth_wire(2, true, FRAG_SIZE - IP_UDP, &nr);
	si = stats(&pi);
	sr = stats(&pr);
	CU_ASSERT_EQUAL(sr.frag_rx, 2 * ni - 1);
	CU_ASSERT_EQUAL(sr.frag_dropped, ni - 1);
	CU_ASSERT_EQUAL(si.frag_rx, 2 * nr - 1);
	CU_ASSERT_EQUAL(si.frag_dropped, nr - 1);
	CU_ASSERT_EQUAL(si.frag_reassembled + sr.frag_reassembled, 2);
	CU_ASSERT_EQUAL(sr.replies_resent + si.retransmits, 0);
	teardown();

	/* I's second fragment is lost: R holds the others, I resends all, R completes. */
	pki_setup(false);
	drop_index = 3; /* sent[0..1] IKE_SA_INIT, sent[2] fragment 1 */
	run(&pi);
	CU_ASSERT_EQUAL(stats(&pi).ike_done + stats(&pr).ike_done, 0);
	CU_ASSERT_EQUAL(stats(&pr).frag_reassembled, 0);
	advance(5 * S);
	expect_up();
	check_auth_wire(1, true, FRAG_SIZE - IP_UDP, &ni);
	si = stats(&pi);
	sr = stats(&pr);
	CU_ASSERT_EQUAL(si.retransmits, 1);
	CU_ASSERT_EQUAL(si.frag_tx_msgs, 2);
	CU_ASSERT_EQUAL(si.frag_tx, 2 * ni);
	CU_ASSERT_EQUAL(sr.frag_rx, 2 * ni - 1);
	/* Dropped: the resent copy of fragment 1, and those after number 2, which completed it. */
	CU_ASSERT_EQUAL(sr.frag_dropped, ni - 1);
	CU_ASSERT_EQUAL(sr.frag_reassembled, 1);
	CU_ASSERT_EQUAL(sr.replies_resent, 0);
	teardown();

	/*
	 * R's second fragment is lost (I's ni fragments come before it, the same
	 * number every time): I holds the rest and resends its request; R resends
	 * its stored reply once, on fragment 1 only (RFC 7383 §2.6.1).
	 */
	pki_setup(false);
	drop_index = (int)(2 + ni + 1);
	run(&pi);
	CU_ASSERT_EQUAL(stats(&pr).ike_done, 1);
	CU_ASSERT_EQUAL(stats(&pi).ike_done, 0);
	advance(5 * S);
	expect_up();
	check_auth_wire(2, true, FRAG_SIZE - IP_UDP, &nr);
	si = stats(&pi);
	sr = stats(&pr);
	CU_ASSERT_EQUAL(si.retransmits, 1);
	CU_ASSERT_EQUAL(sr.replies_resent, 1);
	CU_ASSERT_EQUAL(sr.dropped[IKE_DROP_RETRANSMIT], 1);
	CU_ASSERT_EQUAL(sr.frag_tx_msgs, 2);
	CU_ASSERT_EQUAL(sr.frag_rx, 2 * ni);
	CU_ASSERT_EQUAL(sr.frag_dropped, ni); /* the whole retransmitted request */
	CU_ASSERT_EQUAL(sr.frag_reassembled, 1);
	CU_ASSERT_EQUAL(si.frag_rx, 2 * nr - 1);
	CU_ASSERT_EQUAL(si.frag_dropped, nr - 1);
	CU_ASSERT_EQUAL(si.frag_reassembled, 1);
	CU_ASSERT_EQUAL(skf_sent_by(2), 2 * nr);
	teardown();
}

/* ---- bad fragments under I's keys, to R, on an IKE SA made with PSK ---- */

static uint64_t spi_i, spi_r;

static int
take_spis(void *arg, const struct ike_sa_info *info)
{
	(void)arg;
	spi_i = info->spi_i;
	spi_r = info->spi_r;
	return 1;
}

/* A PSK IKE SA between I and R (whole messages), its SPIs in spi_i / spi_r. */
static void
psk_up(void)
{
	harness_use(&harness_ikev2);
	setup();
	run(&pi);
	expect_up();
	CU_ASSERT_EQUAL_FATAL(ikev2_sa_list(pi.e, 0, 1, take_spis, NULL), 1);
	clear_sent();
}

/* Fragment @num/@total of I's request @msgid (INFORMATIONAL) with @len bytes of @pt, to R. */
static void
send_frag(uint32_t msgid, uint8_t next, uint16_t num, uint16_t total, const uint8_t *pt, size_t len,
    bool corrupt)
{
	static uint8_t buf[2048];
	struct msg w;
	int n;

	n = ikev2_test_skf(pi.e, spi_i, spi_r, IKEV2_EXCH_INFORMATIONAL, false, msgid, next, num,
	    total, pt, len, buf, sizeof(buf));
	CU_ASSERT_FATAL(n > 0);
	if (corrupt)
		buf[n - 1] ^= 0x01;
	w.from = (struct ike_addr){ .a = pi.addr, .port = 500 };
	w.to = (struct ike_addr){ .a = pr.addr, .port = 500 };
	w.p = buf;
	w.len = (size_t)n;
	deliver(&w);
}

#define BAD(stmt, field, want)                                             \
	do {                                                               \
		struct ikev2_stats b0 = stats(&pr), b1;                    \
		stmt;                                                      \
		b1 = stats(&pr);                                           \
		CU_ASSERT_EQUAL(b1.frag_rx - b0.frag_rx, 1);               \
		CU_ASSERT_EQUAL(b1.frag_dropped - b0.frag_dropped, 1);     \
		CU_ASSERT_EQUAL(b1.field - b0.field, want);                \
		CU_ASSERT_EQUAL(b1.frag_reassembled, b0.frag_reassembled); \
	} while (0)

/* Bad fragments are counted and refused; the partial message held survives them. */
static void
test_ikev2_frag_bad(void)
{
	/* A Notify payload (an unknown status type, ignored), cut into three pieces. */
	static uint8_t inner[600], junk[600];
	struct ike_buf b;
	struct ikev2_stats s0, s1;
	uint32_t next_i, peer_r, tmp;
	size_t third;

	psk_up();
	CU_ASSERT_EQUAL_FATAL(ikev2_test_msgids(pi.e, spi_i, spi_r, &next_i, &tmp), 0);
	CU_ASSERT_EQUAL_FATAL(ikev2_test_msgids(pr.e, spi_i, spi_r, &tmp, &peer_r), 0);
	CU_ASSERT_EQUAL_FATAL(next_i, peer_r);
	memset(junk, 0xa5, sizeof(junk));
	ike_payload_buf_init(&b, inner, sizeof(inner));
	ikev2_msg_build_notify(&b, 0, NULL, 0, 40000, junk, sizeof(inner) - 8);
	CU_ASSERT_EQUAL_FATAL(ike_payload_buf_finish(&b), 0);
	CU_ASSERT_EQUAL_FATAL(b.len, sizeof(inner));
	third = sizeof(inner) / 3;
	s0 = stats(&pr);
	send_frag(peer_r, IKEV2_PL_NOTIFY, 1, 3, inner, third, false);
	s1 = stats(&pr);
	CU_ASSERT_EQUAL(s1.frag_rx - s0.frag_rx, 1);
	CU_ASSERT_EQUAL(s1.frag_dropped, s0.frag_dropped);
	/* An ICV that does not verify. */
	BAD(send_frag(peer_r, 0, 2, 3, inner + third, third, true), dropped[IKE_DROP_DECRYPT], 1);
	/* More fragments than we take. */
	BAD(send_frag(peer_r, 0, 2, IKEV2_FRAGS_MAX + 1, inner + third, third, false),
	    dropped[IKE_DROP_MALFORMED], 1);
	/* A later fragment naming an inner payload (§2.5: only fragment 1 does). */
	BAD(send_frag(peer_r, IKEV2_PL_NOTIFY, 2, 3, inner + third, third, false),
	    dropped[IKE_DROP_MALFORMED], 1);
	/* Fragment 1 again (other bytes): a duplicate, ignored. */
	BAD(send_frag(peer_r, IKEV2_PL_NOTIFY, 1, 3, junk, third, false), frag_reassembled, 0);
	/* A lower total than the fragments held announced (§2.6): ignored. */
	BAD(send_frag(peer_r, 0, 2, 2, inner + third, third, false), dropped[IKE_DROP_STATE], 1);
	/* Outside the window: a later Message ID. */
	BAD(send_frag(peer_r + 5, 0, 2, 3, inner + third, third, false), dropped[IKE_DROP_STATE],
	    1);
	/* The rest: the message is whole, as sent first. */
	s0 = stats(&pr);
	send_frag(peer_r, 0, 3, 3, inner + 2 * third, sizeof(inner) - 2 * third, false);
	send_frag(peer_r, 0, 2, 3, inner + third, third, false);
	s1 = stats(&pr);
	CU_ASSERT_EQUAL(s1.frag_rx - s0.frag_rx, 2);
	CU_ASSERT_EQUAL(s1.frag_dropped, s0.frag_dropped);
	CU_ASSERT_EQUAL(s1.frag_reassembled - s0.frag_reassembled, 1);
	/* Whole but not a payload chain: answered with INVALID_SYNTAX (RFC 7296 §2.21.3). */
	CU_ASSERT_EQUAL_FATAL(ikev2_test_msgids(pr.e, spi_i, spi_r, &tmp, &peer_r), 0);
	clear_sent();
	s0 = stats(&pr);
	send_frag(peer_r, IKEV2_PL_NOTIFY, 1, 2, junk, 40, false);
	send_frag(peer_r, 0, 2, 2, junk, 40, false);
	s1 = stats(&pr);
	CU_ASSERT_EQUAL(s1.frag_reassembled - s0.frag_reassembled, 1);
	CU_ASSERT_EQUAL(s1.dropped[IKE_DROP_MALFORMED] - s0.dropped[IKE_DROP_MALFORMED], 1);
	CU_ASSERT_EQUAL(s1.notifies_sent - s0.notifies_sent, 1);
	CU_ASSERT_EQUAL_FATAL(n_sent, 1);
	CU_ASSERT_EQUAL(from(&sent[0]), 2);
	CU_ASSERT_EQUAL(ikev2_test_msgids(pr.e, spi_i, spi_r, &tmp, &next_i), 0);
	CU_ASSERT_EQUAL(next_i, peer_r + 1);
	teardown();
}

/* Over the byte limit, over time; a higher total restarts the message. */
static void
test_ikev2_frag_limits(void)
{
	static uint8_t piece[600];
	struct ikev2_stats s0, s1;
	uint32_t peer_r, tmp;
	unsigned int k, limit;

	psk_up();
	CU_ASSERT_EQUAL_FATAL(ikev2_test_msgids(pr.e, spi_i, spi_r, &tmp, &peer_r), 0);
	memset(piece, 0x5a, sizeof(piece));
	/* 600-byte fragments of a 30-fragment message: the one past 16 KB drops them all. */
	limit = IKEV2_FRAG_BYTES_MAX / sizeof(piece);
	s0 = stats(&pr);
	for (k = 1; k <= limit; k++)
		send_frag(peer_r, k == 1 ? IKEV2_PL_NOTIFY : 0, (uint16_t)k, 30, piece,
		    sizeof(piece), false);
	s1 = stats(&pr);
	CU_ASSERT_EQUAL(s1.frag_rx - s0.frag_rx, limit);
	CU_ASSERT_EQUAL(s1.frag_dropped, s0.frag_dropped);
	send_frag(peer_r, 0, (uint16_t)(limit + 1), 30, piece, sizeof(piece), false);
	s1 = stats(&pr);
	CU_ASSERT_EQUAL(s1.frag_dropped - s0.frag_dropped, limit + 1);
	CU_ASSERT_EQUAL(s1.dropped[IKE_DROP_MALFORMED] - s0.dropped[IKE_DROP_MALFORMED], 1);
	CU_ASSERT_EQUAL(s1.frag_reassembled, s0.frag_reassembled);

	/* A higher total restarts the message (§2.6): the two held before are dropped. */
	s0 = stats(&pr);
	send_frag(peer_r, IKEV2_PL_NOTIFY, 1, 4, piece, 100, false);
	send_frag(peer_r, 0, 2, 4, piece, 100, false);
	send_frag(peer_r, IKEV2_PL_NOTIFY, 1, 6, piece, 80, false);
	s1 = stats(&pr);
	CU_ASSERT_EQUAL(s1.frag_rx - s0.frag_rx, 3);
	CU_ASSERT_EQUAL(s1.frag_dropped - s0.frag_dropped, 2);

	/* The incomplete message goes after IKEV2_FRAG_TIMEOUT_S, not before. */
	s0 = stats(&pr);
	advance((IKEV2_FRAG_TIMEOUT_S - 1) * S);
	CU_ASSERT_EQUAL(stats(&pr).frag_dropped, s0.frag_dropped);
	advance(2 * S);
	s1 = stats(&pr);
	CU_ASSERT_EQUAL(s1.frag_dropped - s0.frag_dropped, 1);
	/* Still in the window: the same message starts over and completes. */
	s0 = stats(&pr);
	send_frag(peer_r, IKEV2_PL_NOTIFY, 1, 2, piece, 100, false);
	send_frag(peer_r, 0, 2, 2, piece + 100, 100, false);
	s1 = stats(&pr);
	CU_ASSERT_EQUAL(s1.frag_dropped, s0.frag_dropped);
	CU_ASSERT_EQUAL(s1.frag_reassembled - s0.frag_reassembled, 1);
	teardown();
}

int main(void);

int
main(void)
{
	static const struct harness_test tests[] = {
		{ "test_ikev2_frag_cert_both_ways", test_ikev2_frag_cert_both_ways },
		{ "test_ikev2_frag_negotiation", test_ikev2_frag_negotiation },
		{ "test_ikev2_frag_order_loss", test_ikev2_frag_order_loss },
		{ "test_ikev2_frag_bad", test_ikev2_frag_bad },
		{ "test_ikev2_frag_limits", test_ikev2_frag_limits },
	};
	unsigned int fails;

	if (pki_make("test_ikev2_frag") != 0)
		return 1;
	harness_use(&harness_ikev2);
	now = 1000 * S;
	fails = harness_run("ikev2_frag", tests, DIM(tests));
	if (pki_remove() != 0)
		fails++;
	return fails == 0 && have_pki ? 0 : 1;
}
