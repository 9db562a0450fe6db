/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/fuzz/fuzz_ikev2_plain.c: libFuzzer target for the IKEv2 engine behind the SK payload (IKE_AUTH, CREATE_CHILD_SA, INFORMATIONAL). */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/alg.h"
#include "common/limits.h"
#include "config/config.h"
#include "slowpath/ike/ike.h"
#include "slowpath/ike/ike_crypto.h"
#include "slowpath/ike/ikev2_msg.h"
#include "slowpath/ike/ikev2_sm.h"
#include "slowpath/ike/ikev2_test.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Two pairs of engines, I (192.0.2.1) and R (192.0.2.2), with a fixed
 * random source, so that SPIs, keys and IVs are the same every time:
 * pair H stops after IKE_SA_INIT (I's IKE_AUTH request held back), pair
 * E has its IKE SA and Child SA up.  Each input is sealed under the keys
 * of one of them (ikev2_test_seal) and given to the engine it is for:
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

struct side {
	struct config cfg;
	struct config_connection conn;
	struct config_child child[2];
	struct config_secret sec;
	struct ike_ops ops;
	struct ikev2 *e;
	uint8_t addr;
	unsigned int ups;
};

struct pair {
	struct side i, r;
	uint64_t spi_i, spi_r;
};

static struct pair ph, pe;
static bool deliver;
static uint8_t held[MSG_CAP]; /* H's IKE_AUTH request, kept from the wire */
static size_t held_len;
static uint8_t q[8][MSG_CAP];
static size_t q_len[8];
static uint8_t q_to[8];
static unsigned int nq;
static uint64_t now = 1000 * S;
static uint64_t rng;
static uint8_t *out;

static int
det_random(uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		rng ^= rng >> 12;
		rng ^= rng << 25;
		rng ^= rng >> 27;
		buf[i] = (uint8_t)((rng * 0x2545f4914f6cdd1dull) >> 56);
	}
	return 0;
}

static int
cb_send(void *ctx, const struct ike_addr *local, const struct ike_addr *remote, const uint8_t *msg,
    size_t len)
{
	(void)ctx;
	(void)local;
	if (!deliver || nq >= 8 || len > MSG_CAP)
		return 0;
	memcpy(q[nq], msg, len);
	q_len[nq] = len;
	q_to[nq] = remote->a.addr[3];
	nq++;
	return 0;
}

static int
cb_up(void *ctx, const struct ike_child_sa *c)
{
	(void)c;
	((struct side *)ctx)->ups++;
	return 0;
}

static void
cb_down(void *ctx, const struct ike_child_sa *c)
{
	(void)ctx;
	(void)c;
}

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
ts(struct config_ts *t, uint8_t a, uint8_t b, uint8_t c)
{
	memset(t, 0, sizeof(*t));
	t->net.a.family = 4;
	t->net.a.addr[0] = a;
	t->net.a.addr[1] = b;
	t->net.a.addr[2] = c;
	t->net.len = 24;
	t->protocol = -1;
	t->ports.last = 65535;
}

static void
side_init(struct side *s, uint8_t me, uint8_t other, bool left)
{
	char err[128];
	unsigned int i;

	memset(s, 0, sizeof(*s));
	s->addr = me;
	s->cfg.ike = (struct config_ike){ .half_open_max = 100,
		.half_open_per_source = 20,
		.half_open_timeout = 30,
		.cookie_threshold = 100,
		.retransmit_timeout = 4000,
		.retransmit_tries = 3,
		.retransmit_base = 1.8 };
	s->cfg.n_connections = 1;
	s->cfg.connections = &s->conn;
	s->cfg.n_children = 2;
	s->cfg.children = s->child;
	s->cfg.n_secrets = 1;
	s->cfg.secrets = &s->sec;
	strcpy(s->conn.name, "gw");
	s->conn.version = 2;
	s->conn.n_local_addrs = 1;
	addr4(&s->conn.local_addrs[0], me);
	s->conn.n_remote_addrs = 1;
	addr4(&s->conn.remote_addrs[0], other);
	s->conn.local_port = 500;
	s->conn.remote_port = 500;
	s->conn.n_proposals = 1;
	/* curve25519 keeps establishing cheap */
	s->conn.proposals[0] = (struct config_ike_proposal){ .encr = 12,
		.encr_bits = 128,
		.prf = 5,
		.integ = 12,
		.dh = 31 };
	strcpy(s->conn.proposals[0].name, "aes128-sha256-curve25519");
	s->conn.local.auth = CONFIG_AUTH_PSK;
	s->conn.remote.auth = CONFIG_AUTH_PSK;
	s->conn.fragmentation = CONFIG_FRAG_YES;
	s->conn.rekey_time = 14400;
	s->conn.over_time = 1440;
	s->conn.n_children = 2;
	for (i = 0; i < 2; i++) {
		struct config_child *ch = &s->child[i];

		strcpy(ch->name, i == 0 ? "net" : "web");
		ch->n_local_ts = 1;
		ch->n_remote_ts = 1;
		ts(&ch->local_ts[0], left ? 198 : 203, left ? 51 : 0, left ? 100 : 113);
		ts(&ch->remote_ts[0], left ? 203 : 198, left ? 0 : 51, left ? 113 : 100);
		if (i == 1)
			ts(left ? &ch->remote_ts[0] : &ch->local_ts[0], 192, 0, 2);
		ch->n_esp_proposals = 2;
		if (alg_proposal_parse("aes128-sha256", ALG_PROTO_ESP, &ch->esp_proposals[0].alg,
		        err, sizeof(err)) != 0 ||
		    alg_proposal_parse("aes128gcm16", ALG_PROTO_ESP, &ch->esp_proposals[1].alg, err,
		        sizeof(err)) != 0)
			abort();
		strcpy(ch->esp_proposals[0].name, "aes128-sha256");
		strcpy(ch->esp_proposals[1].name, "aes128gcm16");
		ch->esp_proposals[1].dh = 31; /* a PFS offer for requests with KE */
		ch->mode = CONFIG_MODE_TUNNEL;
		ch->rekey_time = 3600;
		ch->life_time = 3960;
		ch->replay_window = 32;
	}
	s->sec.type = CONFIG_SECRET_IKE;
	memcpy(s->sec.secret, "fuzz-psk", 8);
	s->sec.secret_len = 8;
	s->ops =
	    (struct ike_ops){ .ctx = s, .send = cb_send, .child_up = cb_up, .child_down = cb_down };
}

static void
to_of(uint8_t d, struct ike_addr *a)
{
	memset(a, 0, sizeof(*a));
	addr4(&a->a, d);
	a->port = 500;
}

/* Deliver the queued messages of @p until quiet; with @hold_auth, I's IKE_AUTH request stays in held. */
static void
pump(struct pair *p, bool hold_auth)
{
	struct ike_addr from, to;
	unsigned int rounds = 0, i, n;
	static uint8_t m[8][MSG_CAP];
	size_t len[8];
	uint8_t dst[8];

	while (nq > 0 && rounds++ < 16) {
		n = nq;
		for (i = 0; i < n; i++) {
			memcpy(m[i], q[i], q_len[i]);
			len[i] = q_len[i];
			dst[i] = q_to[i];
		}
		nq = 0;
		for (i = 0; i < n; i++) {
			if (hold_auth && len[i] > 18 && m[i][18] == IKEV2_EXCH_IKE_AUTH) {
				memcpy(held, m[i], len[i]);
				held_len = len[i];
				continue;
			}
			to_of(dst[i], &to);
			to_of(dst[i] == p->i.addr ? p->r.addr : p->i.addr, &from);
			ikev2_input(dst[i] == p->i.addr ? p->i.e : p->r.e, now, &to, &from, m[i],
			    len[i]);
		}
	}
	nq = 0;
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
	rng = half ? 0x9e3779b97f4a7c15ull : 0x1234567887654321ull;
	side_init(&p->i, 1, 2, true);
	side_init(&p->r, 2, 1, false);
	p->i.e = ikev2_create(&p->i.cfg, &p->i.ops);
	p->r.e = ikev2_create(&p->r.cfg, &p->r.ops);
	if (p->i.e == NULL || p->r.e == NULL)
		abort();
	deliver = true;
	nq = 0;
	held_len = 0;
	if (ikev2_initiate(p->i.e, now, 0) != 0)
		abort();
	pump(p, half);
	deliver = false;
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
		ike_crypto_random_set_hook(det_random);
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
	to_of(resp ? p->i.addr : p->r.addr, &to);
	to_of(resp ? p->r.addr : p->i.addr, &from);
	ikev2_input(rx, now, &to, &from, out, (size_t)n);
	if (p == &ph ? h_changed() : e_changed())
		build(p, p == &ph);
	return 0;
}
