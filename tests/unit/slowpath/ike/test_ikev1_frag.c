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

#define DIM(a)     (sizeof(a) / sizeof((a)[0]))
#define WIRE_MAX   512
#define MAKE_CERTS "tests/unit/slowpath/ike/make_certs.sh"
#define FRAG_SIZE  576
#define PL_FRAG    132
#define HDR_LEN    28

struct msg {
	struct ike_addr from, to;
	uint8_t *p;
	size_t len;
};

struct peer {
	struct config cfg;
	struct config_connection conn;
	struct config_child child;
	struct ike_ops ops;
	struct ikev1 *e;
	struct ike_child_sa up;
	unsigned int n_up, n_down;
};

/* How pump() delivers a batch. */
enum mode {
	M_PLAIN = 0,
	M_REVERSE_DUP, /* every batch backwards, fragments twice (but number 1, which completes) */
	M_DROP_LAST,   /* the first fragment flagged LAST is lost */
};

static struct msg wire[WIRE_MAX];
static unsigned int n_wire;
static size_t longest;
static unsigned int n_frags; /* fragment datagrams seen on the wire */
static uint64_t now = 1000000000000ull;
static struct peer pi, pr;
static char dir[64];
static bool have_pki;
static enum mode mode;
static bool dropped_last;

static void
addr4(struct config_addr *a, uint8_t d)
{
	memset(a, 0, sizeof(*a));
	a->family = 4;
	a->addr[0] = 192;
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
	ts->ports.last = 65535;
}

static bool
is_frag(const uint8_t *p, size_t len)
{
	return len > HDR_LEN && p[16] == PL_FRAG;
}

static int
cb_send(void *ctx, const struct ike_addr *local, const struct ike_addr *remote, const uint8_t *msg,
    size_t len)
{
	(void)ctx;
	if (n_wire >= WIRE_MAX)
		return -ENOBUFS;
	if (len > longest)
		longest = len;
	if (is_frag(msg, len))
		n_frags++;
	wire[n_wire].from = *local;
	wire[n_wire].to = *remote;
	wire[n_wire].p = malloc(len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(wire[n_wire].p);
	memcpy(wire[n_wire].p, msg, len);
	wire[n_wire].len = len;
	n_wire++;
	return 0;
}

static int
cb_child_up(void *ctx, const struct ike_child_sa *c)
{
	struct peer *p = ctx;

	p->up = *c;
	p->n_up++;
	return 0;
}

static void
cb_child_down(void *ctx, const struct ike_child_sa *c)
{
	struct peer *p = ctx;

	(void)c;
	p->n_down++;
}

static void
deliver(const struct msg *m)
{
	struct peer *to = m->to.a.addr[3] == 1 ? &pi : &pr;

	if (to->e != NULL)
		ikev1_input(to->e, now, &m->to, &m->from, m->p, m->len);
}

static void
pump(void)
{
	static struct msg batch[WIRE_MAX];
	unsigned int i, k, n, rounds = 0;
	bool frag;

	while (n_wire > 0 && rounds++ < 100) {
		n = n_wire;
		memcpy(batch, wire, n * sizeof(batch[0]));
		n_wire = 0;
		for (k = 0; k < n; k++) {
			i = mode == M_REVERSE_DUP ? n - 1 - k : k;
			frag = is_frag(batch[i].p, batch[i].len);
			if (mode == M_DROP_LAST && !dropped_last && frag &&
			    (batch[i].p[HDR_LEN + 7] & 1)) {
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
file(char *out, const char *name)
{
	snprintf(out, CONFIG_PATH_MAX, "%s/%s", dir, name);
}

static void
peer_init(struct peer *p, uint8_t me, uint8_t other, const char *cert, const char *inter,
    const char *key)
{
	struct config_connection *c = &p->conn;
	struct config_child *ch = &p->child;
	char err[128];

	memset(p, 0, sizeof(*p));
	p->cfg.ike = (struct config_ike){ .half_open_max = 100,
		.half_open_per_source = 20,
		.half_open_timeout = 30,
		.retransmit_timeout = 4000,
		.retransmit_tries = 3,
		.retransmit_base = 1.8,
		.fragment_size = FRAG_SIZE };
	p->cfg.n_connections = 1;
	p->cfg.connections = c;
	p->cfg.n_children = 1;
	p->cfg.children = ch;
	snprintf(c->name, sizeof(c->name), "gw");
	c->version = 1;
	c->n_local_addrs = 1;
	addr4(&c->local_addrs[0], me);
	c->n_remote_addrs = 1;
	addr4(&c->remote_addrs[0], other);
	c->local_port = c->remote_port = 500;
	c->n_proposals = 1;
	c->proposals[0] = (struct config_ike_proposal){ .encr = 12,
		.encr_bits = 128,
		.prf = 5,
		.integ = 12,
		.dh = 19 };
	snprintf(c->proposals[0].name, sizeof(c->proposals[0].name), "aes128-sha256-ecp256");
	c->local.auth = CONFIG_AUTH_PUBKEY;
	c->local.n_certs = inter != NULL ? 2 : 1;
	file(c->local.certs[0], cert);
	if (inter != NULL)
		file(c->local.certs[1], inter);
	file(c->local.key, key);
	c->remote.auth = CONFIG_AUTH_PUBKEY;
	c->remote.n_cacerts = 1;
	file(c->remote.cacerts[0], "rsa-ca.pem");
	c->send_certreq = true;
	c->fragmentation = CONFIG_FRAG_YES;
	c->dpd_timeout = 150;
	c->rekey_time = 14400;
	c->over_time = 1440;
	c->n_children = 1;
	snprintf(ch->name, sizeof(ch->name), "net");
	ch->n_local_ts = ch->n_remote_ts = 1;
	ts4(&ch->local_ts[0], me == 1 ? 198 : 203, me == 1 ? 51 : 0, me == 1 ? 100 : 113);
	ts4(&ch->remote_ts[0], me == 1 ? 203 : 198, me == 1 ? 0 : 51, me == 1 ? 113 : 100);
	ch->n_esp_proposals = 1;
	CU_ASSERT_EQUAL(alg_proposal_parse("aes128gcm16", ALG_PROTO_ESP, &ch->esp_proposals[0].alg,
	                    err, sizeof(err)),
	    0);
	snprintf(ch->esp_proposals[0].name, sizeof(ch->esp_proposals[0].name), "aes128gcm16");
	ch->mode = CONFIG_MODE_TUNNEL;
	ch->rekey_time = 3600;
	ch->life_time = 3960;
	ch->replay_window = 32;
	p->ops = (struct ike_ops){ .ctx = p,
		.send = cb_send,
		.child_up = cb_child_up,
		.child_down = cb_child_down };
}

/* The usual pair: I with its intermediate, R with its own certificate. */
static void
peers(void)
{
	peer_init(&pi, 1, 2, "rsa-gw1.pem", "rsa-int.pem", "rsa-gw1.key");
	peer_init(&pr, 2, 1, "rsa-gw2.pem", NULL, "rsa-gw2.key");
	longest = 0;
	n_frags = 0;
	mode = M_PLAIN;
	dropped_last = false;
}

static void
start(void)
{
	pi.e = ikev1_create(&pi.cfg, &pi.ops);
	pr.e = ikev1_create(&pr.cfg, &pr.ops);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pi.e);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pr.e);
}

static void
stop(void)
{
	ikev1_destroy(pi.e);
	ikev1_destroy(pr.e);
	pi.e = pr.e = NULL;
	clear_wire();
}

static struct ikev1_stats
stats(const struct peer *p)
{
	struct ikev1_stats s;

	ikev1_stats_read(p->e, &s);
	return s;
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

#define NEED_PKI()                                                                    \
	do {                                                                          \
		if (!have_pki) {                                                      \
			printf("\n    no test PKI (openssl CLI missing?), skipped "); \
			return;                                                       \
		}                                                                     \
	} while (0)

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
	si = stats(ini);
	sr = stats(resp);
	/* MM5 from the initiator, MM6 from the responder: each in fragments, each reassembled. */
	CU_ASSERT_EQUAL(si.frag_tx_msgs, 1);
	CU_ASSERT_EQUAL(sr.frag_tx_msgs, 1);
	/* About 2.2 KB (I's, with the intermediate) and 1.4 KB in 548-byte datagrams. */
	CU_ASSERT_TRUE(stats(&pi).frag_tx >= 5);
	CU_ASSERT_TRUE(stats(&pr).frag_tx >= 3);
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
	stop();
}

static void
test_ikev1_frag_cert_both_ways(void)
{
	NEED_PKI();
	run_both_ways(&pi, &pr);
	/* R initiates: its connection names I as the remote too. */
	run_both_ways(&pr, &pi);
}

/* Without the peer's vendor ID (fragmentation no on R) nothing is fragmented; IP would be. */
static void
test_ikev1_frag_negotiation(void)
{
	struct ikev1_stats si, sr;

	NEED_PKI();
	peers();
	pr.conn.fragmentation = CONFIG_FRAG_NO;
	start();
	CU_ASSERT_EQUAL(ikev1_initiate(pi.e, now, 0), 0);
	pump();
	expect_up();
	si = stats(&pi);
	sr = stats(&pr);
	CU_ASSERT_EQUAL(si.frag_tx + sr.frag_tx + n_frags, 0);
	CU_ASSERT_TRUE(longest > 2000);
	stop();
	/* accept on R: it announces and takes fragments, but sends MM6 whole. */
	peers();
	pr.conn.fragmentation = CONFIG_FRAG_ACCEPT;
	start();
	CU_ASSERT_EQUAL(ikev1_initiate(pi.e, now, 0), 0);
	pump();
	expect_up();
	CU_ASSERT_EQUAL(stats(&pi).frag_tx_msgs, 1);
	CU_ASSERT_EQUAL(stats(&pr).frag_reassembled, 1);
	CU_ASSERT_EQUAL(stats(&pr).frag_tx, 0);
	stop();
	/* force on I against no on R: I fragments anyway, R refuses the fragments. */
	peers();
	pi.conn.fragmentation = CONFIG_FRAG_FORCE;
	pr.conn.fragmentation = CONFIG_FRAG_NO;
	start();
	CU_ASSERT_EQUAL(ikev1_initiate(pi.e, now, 0), 0);
	pump();
	CU_ASSERT_EQUAL(pi.n_up + pr.n_up, 0);
	sr = stats(&pr);
	CU_ASSERT_TRUE(sr.frag_rx >= 4);
	CU_ASSERT_EQUAL(sr.frag_dropped, sr.frag_rx);
	CU_ASSERT_EQUAL(sr.dropped[IKE_DROP_UNSUPPORTED], sr.frag_rx);
	stop();
}

/* Fragments backwards and twice each; a lost last fragment is made good by the retransmission. */
static void
test_ikev1_frag_order_loss(void)
{
	struct ikev1_stats si, sr;
	int i;

	NEED_PKI();
	peers();
	mode = M_REVERSE_DUP;
	start();
	CU_ASSERT_EQUAL(ikev1_initiate(pi.e, now, 0), 0);
	pump();
	expect_up();
	si = stats(&pi);
	sr = stats(&pr);
	CU_ASSERT_EQUAL(si.frag_reassembled, 1);
	CU_ASSERT_EQUAL(sr.frag_reassembled, 1);
	/* Each fragment but the completing one came twice: the second is dropped as a duplicate. */
	CU_ASSERT_EQUAL(sr.frag_dropped, si.frag_tx - 1);
	CU_ASSERT_EQUAL(si.frag_dropped, sr.frag_tx - 1);
	stop();

	/* The last fragment of MM5 is lost: R waits; I retransmits all of MM5. */
	peers();
	mode = M_DROP_LAST;
	start();
	CU_ASSERT_EQUAL(ikev1_initiate(pi.e, now, 0), 0);
	pump();
	CU_ASSERT_EQUAL(pi.n_up + pr.n_up, 0);
	CU_ASSERT_EQUAL(stats(&pr).frag_reassembled, 0);
	mode = M_PLAIN;
	for (i = 0; i < 60 && pi.n_up == 0; i++) {
		now += 100000000ull;
		ikev1_tick(pi.e, now);
		ikev1_tick(pr.e, now);
		pump();
	}
	expect_up();
	si = stats(&pi);
	sr = stats(&pr);
	CU_ASSERT_EQUAL(si.retransmits, 1);
	CU_ASSERT_EQUAL(si.frag_tx_msgs, 2);
	CU_ASSERT_EQUAL(sr.frag_reassembled, 1);
	/* The same fragment ID: the retransmission filled the gap, its other fragments are duplicates. */
	CU_ASSERT_EQUAL(sr.frag_dropped, si.frag_tx / 2 - 1);
	stop();

	/* MM6 lost entirely: I retransmits MM5, R sees the same message and resends MM6. */
	peers();
	start();
	CU_ASSERT_EQUAL(ikev1_initiate(pi.e, now, 0), 0);
	for (i = 0; i < 10 && n_wire > 0; i++) {
		if (stats(&pr).frag_reassembled == 1) {
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
	CU_ASSERT_EQUAL(stats(&pr).frag_reassembled, 1);
	CU_ASSERT_EQUAL(pi.n_up, 0);
	now += 5000000000ull;
	ikev1_tick(pi.e, now);
	pump();
	expect_up();
	sr = stats(&pr);
	CU_ASSERT_EQUAL(sr.frag_reassembled, 2);
	CU_ASSERT_EQUAL(sr.dropped[IKE_DROP_RETRANSMIT], 1);
	CU_ASSERT_EQUAL(sr.frag_tx_msgs, 2);
	CU_ASSERT_EQUAL(sr.p1_done, 1);
	stop();
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

	NEED_PKI();
	peers();
	start();
	CU_ASSERT_EQUAL(ikev1_initiate(pi.e, now, 0), 0);
	pump();
	expect_up();
	ikev1_sa_list(pr.e, 0, 1, grab_cookies, NULL);
	a_i.a = pi.conn.local_addrs[0];
	a_i.port = 500;
	a_r.a = pr.conn.local_addrs[0];
	a_r.port = 500;
	memset(data, 0xa5, sizeof(data));

#define CHECK(field, delta) CU_ASSERT_EQUAL(s.field - s0.field, (uint64_t)(delta))
#define STEP(stmt)               \
	do {                     \
		s0 = stats(&pr); \
		stmt;            \
		s = stats(&pr);  \
		clear_wire();    \
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
	stop();
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

	NEED_PKI();
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
	stop();
}

int main(void);

int
main(void)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
		{ "test_ikev1_frag_cert_both_ways", test_ikev1_frag_cert_both_ways },
		{ "test_ikev1_frag_negotiation", test_ikev1_frag_negotiation },
		{ "test_ikev1_frag_order_loss", test_ikev1_frag_order_loss },
		{ "test_ikev1_frag_bad", test_ikev1_frag_bad },
		{ "test_ikev1_frag_first_message", test_ikev1_frag_first_message },
	};
	char cmd[256];
	unsigned int fails;
	CU_pSuite s;
	size_t i;

	snprintf(dir, sizeof(dir), "/tmp/test_ikev1_frag.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(cmd, sizeof(cmd), "sh %s %s >/dev/null", MAKE_CERTS, dir);
	have_pki = system(cmd) == 0;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("ikev1_frag", NULL, NULL);
	for (i = 0; i < DIM(tests); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fails++;
	return fails == 0 && have_pki ? 0 : 1;
}
