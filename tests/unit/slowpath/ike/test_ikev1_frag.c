/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/slowpath/ike/test_ikev1_frag.c: IKEv1 fragmentation between two engines: main mode with certificates in fragments, loss, reordering, bad fragments. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "common/alg.h"
#include "config/config.h"
#include "slowpath/ike/ike.h"
#include "slowpath/ike/ike_child.h"

#include "harness.h"
#include "test_pki.h"

/*
 * Engines "I" (192.0.2.1) and "R" (192.0.2.2) with RSA certificates (I
 * sends an intermediate too) made by make_certs.sh, and a fragment size
 * of 576 bytes: MM5 and MM6 (about 2.2 KB) go in five fragments each.
 *
 *   MM1 SA VID(FRAGMENTATION) ...  -> / <- MM2 SA VID(FRAGMENTATION) ...
 *   MM3 / MM4: whole (under 548 bytes with ECP-256)
 *   MM5 = FRAG(id, 1) FRAG(id, 2) ... FRAG(id, k, LAST)  ->
 *                                 <- MM6 = FRAG(id', 1) ... FRAG(id', k', LAST)
 *
 * Fragments are built by hand below (not with the engine's codec) for
 * the bad-input cases: header, then payload 132 = next, reserved,
 * length, fragment ID (2), number (1), flags (1), data.
 */

#define FRAG_SIZE 576
#define PL_FRAG   132
#define HDR_LEN   28

/* How pump() delivers a batch. */
enum mode {
	M_PLAIN = 0,
	M_REVERSE_DUP, /* every batch backwards, fragments twice (but number 1, which completes) */
	M_DROP_LAST,   /* the first fragment flagged LAST is lost */
};

static size_t longest;
static unsigned int n_frags; /* fragment datagrams seen on the wire */
static enum mode mode;
static bool dropped_last;

static bool
is_frag(const uint8_t *p, size_t len)
{
	return len > HDR_LEN && p[16] == PL_FRAG;
}

static void
note_sent(const uint8_t *msg, size_t len)
{
	CU_ASSERT_TRUE(len >= HDR_LEN); /* at least an ISAKMP header */
	if (len > longest)
		longest = len;
	if (is_frag(msg, len))
		n_frags++;
}

/* One batch off the wire, in the order and with the losses of the mode. */
static void
frag_batch(struct msg *batch, unsigned int n)
{
	unsigned int i, k;
	bool frag;

	for (k = 0; k < n; k++) {
		i = mode == M_REVERSE_DUP ? n - 1 - k : k;
		frag = is_frag(batch[i].p, batch[i].len);
		if (mode == M_DROP_LAST && !dropped_last && frag && (batch[i].p[HDR_LEN + 7] & 1)) {
			dropped_last = true;
			free(batch[i].p);
			continue;
		}
		deliver(&batch[i]);
		if (mode == M_REVERSE_DUP && frag && batch[i].p[HDR_LEN + 6] != 1)
			deliver(&batch[i]);
		free(batch[i].p);
	}
}

/* Certificates (rsa-ca.pem trusted), fragments of FRAG_SIZE bytes. */
static void
frag_peer(struct peer *p, uint8_t me, uint8_t other, const char *cert, const char *inter,
    const char *key)
{
	peer_init(p, me == 1 ? "I" : "R", me, other, me == 1 ? 100 : 113, me == 1 ? 113 : 100);
	peer_pubkey(p, pki_dir, cert, inter, key, "rsa-ca.pem", NULL);
	p->cfg.ike.half_open_max = 100;
	p->cfg.ike.fragment_size = FRAG_SIZE;
}

/* The usual pair: I with its intermediate, R with its own certificate. */
static void
peers(void)
{
	frag_peer(&pi, 1, 2, "rsa-gw1.pem", "rsa-int.pem", "rsa-gw1.key");
	frag_peer(&pr, 2, 1, "rsa-gw2.pem", NULL, "rsa-gw2.key");
	longest = 0;
	n_frags = 0;
	mode = M_PLAIN;
	dropped_last = false;
}

/* Both sides up with one pair that mirrors the other's. */
static void
expect_up(void)
{
	CU_ASSERT_EQUAL(pi.n_up, 1);
	CU_ASSERT_EQUAL(pr.n_up, 1);
	CU_ASSERT_EQUAL(pi.up.spi_in, pr.up.spi_out);
	CU_ASSERT_EQUAL(pi.up.spi_out, pr.up.spi_in);
}

/* Main mode with certificates through fragments, @ini initiating. */
static void
run_both_ways(struct peer *ini, struct peer *resp)
{
	struct ikev1_stats si, sr;

	peers();
	start();
	CU_ASSERT_EQUAL(ikev1_initiate(ini->e, now, 0), 0);
	pump();
	expect_up();
	si = v1_stats(ini);
	sr = v1_stats(resp);
	/* MM5 from the initiator, MM6 from the responder: each in fragments, each reassembled. */
	CU_ASSERT_EQUAL(si.frag_tx_msgs, 1);
	CU_ASSERT_EQUAL(sr.frag_tx_msgs, 1);
	/* About 2.2 KB (I's, with the intermediate) and 1.4 KB in 548-byte datagrams. */
	CU_ASSERT_TRUE(v1_stats(&pi).frag_tx >= 5);
	CU_ASSERT_TRUE(v1_stats(&pr).frag_tx >= 3);
	CU_ASSERT_EQUAL(sr.frag_rx, si.frag_tx);
	CU_ASSERT_EQUAL(si.frag_rx, sr.frag_tx);
	CU_ASSERT_EQUAL(si.frag_reassembled, 1);
	CU_ASSERT_EQUAL(sr.frag_reassembled, 1);
	CU_ASSERT_EQUAL(si.frag_dropped + sr.frag_dropped, 0);
	CU_ASSERT_EQUAL(n_frags, si.frag_tx + sr.frag_tx);
	/* No datagram over the fragment size less IPv4 and UDP headers. */
	CU_ASSERT_TRUE(longest <= FRAG_SIZE - 28);
	printf("\n    %s initiating: %" PRIu64 " + %" PRIu64 " fragments, longest datagram %zu ",
	    ini == &pi ? "I" : "R", si.frag_tx, sr.frag_tx, longest);
	teardown();
}

static void
test_ikev1_frag_cert_both_ways(void)
{
	SKIP_WITHOUT_PKI();
	run_both_ways(&pi, &pr);
	/* R initiates: its connection names I as the remote too. */
	run_both_ways(&pr, &pi);
}

/* Without the peer's vendor ID (fragmentation no on R) nothing is fragmented; IP would be. */
static void
test_ikev1_frag_negotiation(void)
{
	struct ikev1_stats si, sr;

	SKIP_WITHOUT_PKI();
	peers();
	pr.conn[0].fragmentation = CONFIG_FRAG_NO;
	start();
	CU_ASSERT_EQUAL(ikev1_initiate(pi.e, now, 0), 0);
	pump();
	expect_up();
	si = v1_stats(&pi);
	sr = v1_stats(&pr);
	CU_ASSERT_EQUAL(si.frag_tx + sr.frag_tx + n_frags, 0);
	CU_ASSERT_TRUE(longest > 2000);
	teardown();
	/* accept on R: it announces and takes fragments, but sends MM6 whole. */
	peers();
	pr.conn[0].fragmentation = CONFIG_FRAG_ACCEPT;
	start();
	CU_ASSERT_EQUAL(ikev1_initiate(pi.e, now, 0), 0);
	pump();
	expect_up();
	CU_ASSERT_EQUAL(v1_stats(&pi).frag_tx_msgs, 1);
	CU_ASSERT_EQUAL(v1_stats(&pr).frag_reassembled, 1);
	CU_ASSERT_EQUAL(v1_stats(&pr).frag_tx, 0);
	teardown();
	/* force on I against no on R: I fragments anyway, R refuses the fragments. */
	peers();
	pi.conn[0].fragmentation = CONFIG_FRAG_FORCE;
	pr.conn[0].fragmentation = CONFIG_FRAG_NO;
	start();
	CU_ASSERT_EQUAL(ikev1_initiate(pi.e, now, 0), 0);
	pump();
	CU_ASSERT_EQUAL(pi.n_up + pr.n_up, 0);
	sr = v1_stats(&pr);
	CU_ASSERT_TRUE(sr.frag_rx >= 4);
	CU_ASSERT_EQUAL(sr.frag_dropped, sr.frag_rx);
	CU_ASSERT_EQUAL(sr.dropped[IKE_DROP_UNSUPPORTED], sr.frag_rx);
	teardown();
}

/* Fragments backwards and twice each; a lost last fragment is made good by the retransmission. */
static void
test_ikev1_frag_order_loss(void)
{
	struct ikev1_stats si, sr;
	int i;

	SKIP_WITHOUT_PKI();
	peers();
	mode = M_REVERSE_DUP;
	start();
	CU_ASSERT_EQUAL(ikev1_initiate(pi.e, now, 0), 0);
	pump();
	expect_up();
	si = v1_stats(&pi);
	sr = v1_stats(&pr);
	CU_ASSERT_EQUAL(si.frag_reassembled, 1);
	CU_ASSERT_EQUAL(sr.frag_reassembled, 1);
	/* Each fragment but the completing one came twice: the second is dropped as a duplicate. */
	CU_ASSERT_EQUAL(sr.frag_dropped, si.frag_tx - 1);
	CU_ASSERT_EQUAL(si.frag_dropped, sr.frag_tx - 1);
	teardown();

	/* The last fragment of MM5 is lost: R waits; I retransmits all of MM5. */
	peers();
	mode = M_DROP_LAST;
	start();
	CU_ASSERT_EQUAL(ikev1_initiate(pi.e, now, 0), 0);
	pump();
	CU_ASSERT_EQUAL(pi.n_up + pr.n_up, 0);
	CU_ASSERT_EQUAL(v1_stats(&pr).frag_reassembled, 0);
	mode = M_PLAIN;
	for (i = 0; i < 60 && pi.n_up == 0; i++) {
		now += 100000000ull;
		ikev1_tick(pi.e, now);
		ikev1_tick(pr.e, now);
		pump();
	}
	expect_up();
	si = v1_stats(&pi);
	sr = v1_stats(&pr);
	CU_ASSERT_EQUAL(si.retransmits, 1);
	CU_ASSERT_EQUAL(si.frag_tx_msgs, 2);
	CU_ASSERT_EQUAL(sr.frag_reassembled, 1);
	/* The same fragment ID: the retransmission filled the gap, its other fragments are duplicates. */
	CU_ASSERT_EQUAL(sr.frag_dropped, si.frag_tx / 2 - 1);
	teardown();

	/* MM6 lost entirely: I retransmits MM5, R sees the same message and resends MM6. */
	peers();
	start();
	CU_ASSERT_EQUAL(ikev1_initiate(pi.e, now, 0), 0);
	for (i = 0; i < 10 && n_wire > 0; i++) {
		if (v1_stats(&pr).frag_reassembled == 1) {
			clear_wire(); /* MM6 */
			break;
		}
		{
			static struct msg batch[WIRE_MAX];
			unsigned int k, n = n_wire;

			memcpy(batch, wire, n * sizeof(batch[0]));
			n_wire = 0;
			for (k = 0; k < n; k++) {
				deliver(&batch[k]);
				free(batch[k].p);
			}
		}
	}
	CU_ASSERT_EQUAL(v1_stats(&pr).frag_reassembled, 1);
	CU_ASSERT_EQUAL(pi.n_up, 0);
	now += 5000000000ull;
	ikev1_tick(pi.e, now);
	pump();
	expect_up();
	sr = v1_stats(&pr);
	CU_ASSERT_EQUAL(sr.frag_reassembled, 2);
	CU_ASSERT_EQUAL(sr.dropped[IKE_DROP_RETRANSMIT], 1);
	CU_ASSERT_EQUAL(sr.frag_tx_msgs, 2);
	CU_ASSERT_EQUAL(sr.p1_done, 1);
	teardown();
}

/* ---- bad fragments ---- */

static uint8_t ck_i[8], ck_r[8]; /* the established SA's cookies */
static struct ike_addr a_i, a_r; /* I's and R's endpoints */

/* A fragment message: header with the cookies, one payload 132 (or @extra bytes after it). */
static size_t
mkfrag(uint8_t *out, const uint8_t *ci, const uint8_t *cr, uint16_t id, uint8_t num, uint8_t flags,
    const uint8_t *data, size_t len)
{
	size_t total = HDR_LEN + 8 + len;

	memset(out, 0, HDR_LEN);
	memcpy(out, ci, 8);
	memcpy(out + 8, cr, 8);
	out[16] = PL_FRAG;
	out[17] = 0x10; /* version 1.0 */
	out[18] = 2;    /* Identity Protection */
	out[24] = (uint8_t)(total >> 24);
	out[25] = (uint8_t)(total >> 16);
	out[26] = (uint8_t)(total >> 8);
	out[27] = (uint8_t)total;
	out[HDR_LEN] = 0;
	out[HDR_LEN + 1] = 0;
	out[HDR_LEN + 2] = (uint8_t)((8 + len) >> 8);
	out[HDR_LEN + 3] = (uint8_t)(8 + len);
	out[HDR_LEN + 4] = (uint8_t)(id >> 8);
	out[HDR_LEN + 5] = (uint8_t)id;
	out[HDR_LEN + 6] = num;
	out[HDR_LEN + 7] = flags;
	if (len > 0)
		memcpy(out + HDR_LEN + 8, data, len);
	return total;
}

static void
to_r(const uint8_t *p, size_t len)
{
	ikev1_input(pr.e, now, &a_r, &a_i, p, len);
}

static int
grab_cookies(void *arg, const struct ike_sa_info *info)
{
	int i;

	(void)arg;
	for (i = 0; i < 8; i++) {
		ck_i[i] = (uint8_t)(info->spi_i >> (56 - 8 * i));
		ck_r[i] = (uint8_t)(info->spi_r >> (56 - 8 * i));
	}
	return 0;
}

static void
test_ikev1_frag_bad(void)
{
	static uint8_t buf[20000], data[1200], whole[4096];
	static const uint8_t nobody[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct ikev1_stats s0, s;
	size_t n, wl;
	unsigned int i;

	SKIP_WITHOUT_PKI();
	peers();
	start();
	CU_ASSERT_EQUAL(ikev1_initiate(pi.e, now, 0), 0);
	pump();
	expect_up();
	ikev1_sa_list(pr.e, 0, 1, grab_cookies, NULL);
	a_i.a = pi.conn[0].local_addrs[0];
	a_i.port = 500;
	a_r.a = pr.conn[0].local_addrs[0];
	a_r.port = 500;
	memset(data, 0xa5, sizeof(data));

#define CHECK(field, delta) CU_ASSERT_EQUAL(s.field - s0.field, (uint64_t)(delta))
#define STEP(stmt)                  \
	do {                        \
		s0 = v1_stats(&pr); \
		stmt;               \
		s = v1_stats(&pr);  \
		clear_wire();       \
	} while (0)

	/* Unknown cookies: dropped, counted, no answer. */
	STEP(n = mkfrag(buf, nobody, nobody, 1, 1, 1, data, 100); to_r(buf, n));
	CHECK(frag_rx, 1);
	CHECK(frag_dropped, 1);
	CHECK(dropped[IKE_DROP_UNKNOWN_SA], 1);
	CU_ASSERT_EQUAL(n_wire, 0);
	/* Number 0 and a truncated payload: the codec refuses them. */
	STEP(n = mkfrag(buf, ck_i, ck_r, 1, 0, 1, data, 100); to_r(buf, n));
	CHECK(dropped[IKE_DROP_MALFORMED], 1);
	CHECK(frag_reassembled, 0);
	STEP(n = mkfrag(buf, ck_i, ck_r, 1, 1, 1, data, 0); buf[HDR_LEN + 3] = 6; buf[27] = 34;
	     to_r(buf, 34));
	CHECK(dropped[IKE_DROP_MALFORMED], 1);
	/* Empty data, a number over the limit, a second payload after it. */
	STEP(n = mkfrag(buf, ck_i, ck_r, 1, 1, 1, data, 0); to_r(buf, n));
	CHECK(frag_dropped, 1);
	CHECK(dropped[IKE_DROP_MALFORMED], 1);
	STEP(n = mkfrag(buf, ck_i, ck_r, 1, 65, 1, data, 100); to_r(buf, n));
	CHECK(frag_dropped, 1);
	CHECK(dropped[IKE_DROP_MALFORMED], 1);
	STEP(n = mkfrag(buf, ck_i, ck_r, 1, 1, 1, data, 100); buf[HDR_LEN] = 13; /* VID follows */
	     memcpy(buf + n, (uint8_t[]){ 0, 0, 0, 8, 1, 2, 3, 4 }, 8); n += 8;
	     buf[26] = (uint8_t)(n >> 8); buf[27] = (uint8_t)n; to_r(buf, n));
	CHECK(frag_dropped, 1);
	CHECK(dropped[IKE_DROP_MALFORMED], 1);

	/* A partial message: fragments 1 and 3 of id 7 held; a second LAST, and a number past
	 * the last, are refused without losing them. */
	STEP(n = mkfrag(buf, ck_i, ck_r, 7, 1, 0, data, 100); to_r(buf, n);
	     n = mkfrag(buf, ck_i, ck_r, 7, 3, 1, data, 100); to_r(buf, n));
	CHECK(frag_rx, 2);
	CHECK(frag_dropped, 0);
	STEP(n = mkfrag(buf, ck_i, ck_r, 7, 2, 1, data, 100); to_r(buf, n);
	     n = mkfrag(buf, ck_i, ck_r, 7, 4, 0, data, 100); to_r(buf, n));
	CHECK(frag_dropped, 2);
	CHECK(dropped[IKE_DROP_MALFORMED], 2);
	/* Another ID: the partial message (2 fragments) goes, as with strongSwan. */
	STEP(n = mkfrag(buf, ck_i, ck_r, 8, 1, 0, data, 100); to_r(buf, n));
	CHECK(frag_dropped, 2);
	/* ... and a stale one goes on the timer. */
	STEP(now += 11000000000ull; ikev1_tick(pr.e, now));
	CHECK(frag_dropped, 1);

	/* Too large: 14 fragments of 1200 bytes pass 16 KB; all of them go. */
	STEP(for (i = 1; i <= 14; i++) {
		n = mkfrag(buf, ck_i, ck_r, 9, (uint8_t)i, 0, data, sizeof(data));
		to_r(buf, n);
	});
	CHECK(frag_rx, 14);
	CHECK(frag_dropped, 14);
	CHECK(frag_reassembled, 0);

	/* Garbage reassembled (R's cookies, a bad chain): taken in as a message, refused as one. */
	memset(whole, 0, sizeof(whole));
	memcpy(whole, ck_i, 8);
	memcpy(whole + 8, ck_r, 8);
	whole[16] = 99; /* an unknown first payload */
	whole[17] = 0x10;
	whole[18] = 2;
	wl = 300;
	whole[26] = (uint8_t)(wl >> 8);
	whole[27] = (uint8_t)wl;
	STEP(n = mkfrag(buf, ck_i, ck_r, 10, 2, 1, whole + 150, 150); to_r(buf, n);
	     n = mkfrag(buf, ck_i, ck_r, 10, 1, 0, whole, 150); to_r(buf, n));
	CHECK(frag_reassembled, 1);
	CHECK(dropped[IKE_DROP_MALFORMED], 1);
	/* A fragment inside the reassembled message: no nesting. */
	n = mkfrag(whole, ck_i, ck_r, 1, 1, 1, data, 100);
	STEP(wl = mkfrag(buf, ck_i, ck_r, 11, 1, 1, whole, n); to_r(buf, wl));
	CHECK(frag_reassembled, 1);
	CHECK(frag_dropped, 1);
	CHECK(dropped[IKE_DROP_MALFORMED], 1);
	/* Reassembled under other cookies than the fragments': refused. */
	n = mkfrag(whole, nobody, ck_r, 1, 1, 1, data, 100);
	STEP(wl = mkfrag(buf, ck_i, ck_r, 12, 1, 1, whole, n); to_r(buf, wl));
	CHECK(frag_reassembled, 0);
	CHECK(frag_dropped, 1);
	/* The SA still works: a delete from I goes through. */
	CU_ASSERT_EQUAL(ikev1_child_delete(pi.e, now, 0), 0);
	pump();
	CU_ASSERT_EQUAL(pr.n_down, 1);
	teardown();
}

/* A first message (MM1) in fragments, as strongSwan sends it with fragmentation=force. */
static void
test_ikev1_frag_first_message(void)
{
	static uint8_t mm1[2048], buf[2048];
	struct ikev1_stats s0, s;
	size_t len, n, half;
	unsigned int i;
	uint8_t c0;

	SKIP_WITHOUT_PKI();
	peers();
	start();
	CU_ASSERT_EQUAL(ikev1_initiate(pi.e, now, 0), 0);
	CU_ASSERT_EQUAL_FATAL(n_wire, 1);
	len = wire[0].len;
	memcpy(mm1, wire[0].p, len);
	a_i = wire[0].from;
	a_r = wire[0].to;
	clear_wire();
	half = len / 2;
	/* Two fragments, the last first: R reassembles and answers MM2. */
	STEP(n = mkfrag(buf, mm1, mm1 + 8, 1, 2, 1, mm1 + half, len - half); to_r(buf, n);
	     CU_ASSERT_EQUAL(n_wire, 0); n = mkfrag(buf, mm1, mm1 + 8, 1, 1, 0, mm1, half);
	     to_r(buf, n); CU_ASSERT_EQUAL(n_wire, 1));
	CHECK(frag_reassembled, 1);
	CHECK(half_open, 1);
	/* Partial first messages: two per peer address, the third refused. */
	c0 = mm1[0];
	STEP(for (i = 0; i < 3; i++) {
		mm1[0] = (uint8_t)(c0 ^ (0x10 + i));
		n = mkfrag(buf, mm1, mm1 + 8, 1, 1, 0, mm1, half);
		to_r(buf, n);
	});
	CHECK(frag_rx, 3);
	CHECK(frag_dropped, 1);
	CHECK(dropped[IKE_DROP_HALF_OPEN], 1);
	/* They time out. */
	STEP(now += 11000000000ull; ikev1_tick(pr.e, now));
	CHECK(frag_dropped, 2);
	teardown();
}

int main(void);

int
main(void)
{
	static const struct harness_test tests[] = {
		{ "test_ikev1_frag_cert_both_ways", test_ikev1_frag_cert_both_ways },
		{ "test_ikev1_frag_negotiation", test_ikev1_frag_negotiation },
		{ "test_ikev1_frag_order_loss", test_ikev1_frag_order_loss },
		{ "test_ikev1_frag_bad", test_ikev1_frag_bad },
		{ "test_ikev1_frag_first_message", test_ikev1_frag_first_message },
	};
	unsigned int fails;

	if (pki_make("test_ikev1_frag") != 0)
		return 1;
	harness_use(&harness_ikev1);
	harness_hooks.sent = note_sent;
	harness_hooks.batch = frag_batch;
	now = 1000 * S;
	fails = harness_run("ikev1_frag", tests, DIM(tests));
	if (pki_remove() != 0)
		fails++;
	return fails == 0 && have_pki ? 0 : 1;
}
