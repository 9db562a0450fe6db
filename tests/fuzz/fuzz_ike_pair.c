/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/fuzz/fuzz_ike_pair.c: two IKE engines' config, wire and callbacks, shared by the engine fuzzers. */
#include "fuzz_ike_pair.h"

#include <stdlib.h>
#include <string.h>

#include "common/alg.h"
#include "slowpath/ike/ike_crypto.h"

static uint64_t rng;
static bool wire_on;
static struct fuzz_ike_pair_msg wire[FUZZ_IKE_PAIR_WIRE_MAX];
static unsigned int wire_head, wire_n;
static struct fuzz_ike_pair_msg cur; /* the one wire_pop() gave out */

/* xorshift64*: cheap, and the same bytes for the same seed */
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

void
fuzz_ike_pair_random_seed(uint64_t seed)
{
	rng = seed;
	ike_crypto_random_set_hook(det_random);
}

static int
cb_send(void *ctx, const struct ike_addr *local, const struct ike_addr *remote, const uint8_t *msg,
    size_t len)
{
	struct fuzz_ike_pair_msg *m;

	(void)ctx;
	if (!wire_on || wire_n >= FUZZ_IKE_PAIR_WIRE_MAX || len > sizeof(m->p))
		return 0;
	m = &wire[(wire_head + wire_n) % FUZZ_IKE_PAIR_WIRE_MAX];
	m->from = *local;
	m->to = *remote;
	memcpy(m->p, msg, len);
	m->len = len;
	wire_n++;
	return 0;
}

static int
cb_up(void *ctx, const struct ike_child_sa *c)
{
	(void)c;
	((struct fuzz_ike_pair_side *)ctx)->ups++;
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

void
fuzz_ike_pair_addr(struct ike_addr *a, uint8_t d)
{
	memset(a, 0, sizeof(*a));
	addr4(&a->a, d);
	a->port = 500;
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
child_init(struct config_child *ch, bool v2, bool web, bool left)
{
	char err[128];

	strcpy(ch->name, web ? "web" : "net");
	ch->n_local_ts = 1;
	ch->n_remote_ts = 1;
	ts(&ch->local_ts[0], left ? 198 : 203, left ? 51 : 0, left ? 100 : 113);
	ts(&ch->remote_ts[0], left ? 203 : 198, left ? 0 : 51, left ? 113 : 100);
	if (web)
		ts(left ? &ch->remote_ts[0] : &ch->local_ts[0], 192, 0, 2);
	ch->n_esp_proposals = 2;
	if (alg_proposal_parse("aes128-sha256", ALG_PROTO_ESP, &ch->esp_proposals[0].alg, err,
	        sizeof(err)) != 0 ||
	    alg_proposal_parse("aes128gcm16", ALG_PROTO_ESP, &ch->esp_proposals[1].alg, err,
	        sizeof(err)) != 0)
		abort();
	strcpy(ch->esp_proposals[0].name, "aes128-sha256");
	strcpy(ch->esp_proposals[1].name, "aes128gcm16");
	ch->esp_proposals[1].dh = 31; /* a PFS offer for requests with KE */
	ch->mode = CONFIG_MODE_TUNNEL;
	if (v2) {
		ch->rekey_time = 3600;
		ch->life_time = 3960;
		ch->replay_window = 32;
	} else {
		ch->life_time = 3600;
	}
}

void
fuzz_ike_pair_side_init(struct fuzz_ike_pair_side *s, int version, uint8_t me, uint8_t other,
    bool left)
{
	bool v2 = version == 2;
	unsigned int i, n = v2 ? 2 : 1;

	memset(s, 0, sizeof(*s));
	s->addr = me;
	s->cfg.ike = (struct config_ike){ .half_open_max = 100,
		.half_open_per_source = 20,
		.half_open_timeout = 30,
		.cookie_threshold = v2 ? 100 : 0,
		.retransmit_timeout = 4000,
		.retransmit_tries = 3,
		.retransmit_base = 1.8 };
	s->cfg.n_connections = 1;
	s->cfg.connections = &s->conn;
	s->cfg.n_children = n;
	s->cfg.children = s->child;
	s->cfg.n_secrets = 1;
	s->cfg.secrets = &s->sec;
	strcpy(s->conn.name, "gw");
	s->conn.version = (uint8_t)version;
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
	if (v2) {
		s->conn.fragmentation = CONFIG_FRAG_YES;
		s->conn.rekey_time = 14400;
		s->conn.over_time = 1440;
	}
	s->conn.n_children = n;
	for (i = 0; i < n; i++)
		child_init(&s->child[i], v2, i == 1, left);
	s->sec.type = CONFIG_SECRET_IKE;
	memcpy(s->sec.secret, "fuzz-psk", 8);
	s->sec.secret_len = 8;
	s->ops =
	    (struct ike_ops){ .ctx = s, .send = cb_send, .child_up = cb_up, .child_down = cb_down };
}

void
fuzz_ike_pair_wire_start(void)
{
	wire_head = wire_n = 0;
	wire_on = true;
}

void
fuzz_ike_pair_wire_stop(void)
{
	wire_head = wire_n = 0;
	wire_on = false;
}

const struct fuzz_ike_pair_msg *
fuzz_ike_pair_wire_pop(void)
{
	if (wire_n == 0)
		return NULL;
	/* a copy: the engine that takes it in may queue its answer in the slot just freed */
	cur = wire[wire_head];
	wire_head = (wire_head + 1) % FUZZ_IKE_PAIR_WIRE_MAX;
	wire_n--;
	return &cur;
}
