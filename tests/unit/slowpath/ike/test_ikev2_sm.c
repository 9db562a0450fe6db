/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/slowpath/ike/test_ikev2_sm.c: two IKEv2 engines back to back: IKE_SA_INIT, IKE_AUTH (PSK), the first Child SA, retransmissions. */
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
#include "slowpath/ike/ike_crypto.h"
#include "slowpath/ike/ike_payload.h"
#include "slowpath/ike/ikev2_msg.h"
#include "slowpath/ike/ikev2_sm.h"

#define DIM(a)   (sizeof(a) / sizeof((a)[0]))
#define S        1000000000ull
#define WIRE_MAX 512
#define UPS_MAX  16

/*
 * Two engines in one process, "I" (192.0.2.1, protecting 198.51.100.0/24)
 * and "R" (192.0.2.2, protecting 203.0.113.0/24), wired back to back:
 * ops->send appends to one queue, pump() hands each message to the engine
 * whose address it was sent to.  Time is the test's: tick() moves it.
 *
 *   I                                    R
 *   IKE_SA_INIT SAi1 KEi Ni N(NAT-D) -->
 *       <-- IKE_SA_INIT SAr1 KEr Nr N(NAT-D)
 *   IKE_AUTH SK{IDi AUTH SAi2 TSi TSr} -->
 *       <-- IKE_AUTH SK{IDr AUTH SAr2 TSi TSr}
 */

struct msg {
	struct ike_addr from, to;
	uint8_t *p;
	size_t len;
};

struct peer {
	const char *name;
	struct config cfg;
	struct config_connection conn[2];
	struct config_child child[4];
	struct config_secret sec[2];
	struct ike_ops ops;
	struct ikev2 *e;
	struct config_addr addr;
	struct ike_child_sa ups[UPS_MAX]; /* as child_up saw them: keys included */
	unsigned int n_up, n_down;
	struct ike_child_sa last_down;
	unsigned int keepalives;
	int child_up_rc;
};

static struct msg wire[WIRE_MAX];
static unsigned int n_wire;
static uint64_t now;
static struct peer pi, pr;
/* Sent messages, for the tests that look at the wire: copies of every one. */
static struct msg sent[WIRE_MAX];
static unsigned int n_sent;
/* Drop the next k messages (all of them when drop_all). */
static unsigned int drop_next;
static bool drop_all;
static int drop_index = -1; /* drop sent[drop_index] once */

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
ts4(struct config_ts *ts, uint8_t a, uint8_t b, uint8_t c, uint8_t len)
{
	memset(ts, 0, sizeof(*ts));
	ts->net.a.family = 4;
	ts->net.a.addr[0] = a;
	ts->net.a.addr[1] = b;
	ts->net.a.addr[2] = c;
	ts->net.len = len;
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
	if (n_sent < WIRE_MAX) {
		sent[n_sent].from = *local;
		sent[n_sent].to = *remote;
		sent[n_sent].p = malloc(len);
		memcpy(sent[n_sent].p, msg, len);
		sent[n_sent].len = len;
		n_sent++;
	}
	if (drop_all || (drop_index >= 0 && (unsigned int)drop_index == n_sent - 1)) {
		if (!drop_all)
			drop_index = -1;
		return 0;
	}
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

static int
cb_child_up(void *ctx, const struct ike_child_sa *c)
{
	struct peer *p = ctx;

	if (p->child_up_rc != 0)
		return p->child_up_rc;
	if (p->n_up < UPS_MAX)
		p->ups[p->n_up] = *c;
	p->n_up++;
	return 0;
}

static void
cb_child_down(void *ctx, const struct ike_child_sa *c)
{
	struct peer *p = ctx;

	p->last_down = *c;
	p->n_down++;
}

static int
cb_keepalive(void *ctx, const struct ike_addr *local, const struct ike_addr *remote)
{
	struct peer *p = ctx;

	(void)local;
	(void)remote;
	p->keepalives++;
	return 0;
}

/* Hand every queued message to its receiver until the wire is quiet. */
static unsigned int
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
				ikev2_input(to->e, now, &batch[i].to, &batch[i].from, batch[i].p,
				    batch[i].len);
			free(batch[i].p);
		}
		rounds++;
	}
	return rounds;
}

static void
clear_sent(void)
{
	unsigned int i;

	for (i = 0; i < n_sent; i++)
		free(sent[i].p);
	n_sent = 0;
}

static void
clear_wire(void)
{
	unsigned int i;

	for (i = 0; i < n_wire; i++)
		free(wire[i].p);
	n_wire = 0;
}

/* Move time by @ns in 100 ms ticks, delivering what the ticks send. */
static void
advance(uint64_t ns)
{
	uint64_t end = now + ns;

	while (now < end) {
		now += 100000000ull;
		if (pi.e != NULL)
			ikev2_tick(pi.e, now);
		if (pr.e != NULL)
			ikev2_tick(pr.e, now);
		pump();
	}
}

static void
ike_prop(struct config_ike_proposal *p, uint16_t bits, uint16_t prf, uint16_t dh, const char *name)
{
	memset(p, 0, sizeof(*p));
	p->encr = 12;
	p->encr_bits = bits;
	p->prf = prf;
	p->integ = prf == 2 ? 2 : (uint16_t)(prf + 7);
	p->dh = dh;
	snprintf(p->name, sizeof(p->name), "%s", name);
}

static void
esp_prop(struct config_esp_proposal *p, const char *kw, uint16_t dh)
{
	char err[128];

	memset(p, 0, sizeof(*p));
	CU_ASSERT_EQUAL_FATAL(alg_proposal_parse(kw, ALG_PROTO_ESP, &p->alg, err, sizeof(err)), 0);
	p->dh = dh;
	snprintf(p->name, sizeof(p->name), "%s", kw);
}

/*
 * A peer: one connection "gw" to the other, one child "net" from @local_net
 * to @remote_net (third octets given), PSK "secret-psk".
 */
static void
peer_init(struct peer *p, const char *name, uint8_t me, uint8_t other, uint8_t lnet, uint8_t rnet)
{
	struct config_connection *c = &p->conn[0];
	struct config_child *ch = &p->child[0];

	memset(p, 0, sizeof(*p));
	p->name = name;
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
	c->version = 2;
	c->n_local_addrs = 1;
	addr4(&c->local_addrs[0], me);
	c->n_remote_addrs = 1;
	addr4(&c->remote_addrs[0], other);
	c->local_port = 500;
	c->remote_port = 500;
	c->n_proposals = 1;
	ike_prop(&c->proposals[0], 128, 5, 19, "aes128-sha256-ecp256");
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
	ts4(&ch->local_ts[0], lnet == 100 ? 198 : 203, lnet == 100 ? 51 : 0, lnet, 24);
	ch->n_remote_ts = 1;
	ts4(&ch->remote_ts[0], rnet == 100 ? 198 : 203, rnet == 100 ? 51 : 0, rnet, 24);
	ch->n_esp_proposals = 1;
	esp_prop(&ch->esp_proposals[0], "aes128-sha256", 0);
	ch->mode = CONFIG_MODE_TUNNEL;
	ch->rekey_time = 3600;
	ch->life_time = 3960;
	ch->replay_window = 32;
	p->sec[0].type = CONFIG_SECRET_IKE;
	memcpy(p->sec[0].secret, "secret-psk", 10);
	p->sec[0].secret_len = 10;
	p->ops = (struct ike_ops){ .ctx = p,
		.send = cb_send,
		.child_up = cb_child_up,
		.child_down = cb_child_down,
		.keepalive = cb_keepalive };
}

static void
setup(void)
{
	clear_wire();
	clear_sent();
	drop_next = 0;
	drop_all = false;
	drop_index = -1;
	now = 1000 * S;
	peer_init(&pi, "I", 1, 2, 100, 113);
	peer_init(&pr, "R", 2, 1, 113, 100);
}

static void
start(void)
{
	pi.e = ikev2_create(&pi.cfg, &pi.ops);
	pr.e = ikev2_create(&pr.cfg, &pr.ops);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pi.e);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pr.e);
}

static void
teardown(void)
{
	drop_all = true; /* the deletes of destroy go nowhere */
	ikev2_destroy(pi.e);
	ikev2_destroy(pr.e);
	pi.e = pr.e = NULL;
	drop_all = false;
	clear_wire();
	clear_sent();
	ike_crypto_random_set_hook(NULL);
}

static struct ikev2_stats
stats(const struct peer *p)
{
	struct ikev2_stats st;

	ikev2_stats_read(p->e, &st);
	return st;
}

/* In of one side is out of the other: same SPIs, same keys. */
static void
check_mirror(const struct ike_child_sa *a, const struct ike_child_sa *b)
{
	CU_ASSERT_EQUAL(a->spi_in, b->spi_out);
	CU_ASSERT_EQUAL(a->spi_out, b->spi_in);
	CU_ASSERT_TRUE(a->spi_in >= 256);
	CU_ASSERT_TRUE(a->spi_out >= 256);
	CU_ASSERT_NOT_EQUAL(a->spi_in, a->spi_out);
	CU_ASSERT_TRUE(a->in.enc_len > 0);
	CU_ASSERT_EQUAL(a->in.enc_len, b->out.enc_len);
	CU_ASSERT_EQUAL(a->in.integ_len, b->out.integ_len);
	CU_ASSERT_EQUAL(memcmp(a->in.enc, b->out.enc, a->in.enc_len), 0);
	CU_ASSERT_EQUAL(memcmp(a->in.integ, b->out.integ, a->in.integ_len), 0);
	CU_ASSERT_EQUAL(memcmp(a->out.enc, b->in.enc, a->out.enc_len), 0);
	CU_ASSERT_EQUAL(memcmp(a->out.integ, b->in.integ, a->out.integ_len), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(a->in.enc, a->out.enc, a->in.enc_len), 0);
	CU_ASSERT_EQUAL(a->alg.cipher, b->alg.cipher);
	CU_ASSERT_EQUAL(a->mode, b->mode);
	CU_ASSERT_EQUAL(a->ike_version, 2);
	CU_ASSERT_EQUAL(a->n_local_ts, 1);
	CU_ASSERT_EQUAL(a->n_remote_ts, 1);
	CU_ASSERT_EQUAL(memcmp(&a->local_ts[0].net, &b->remote_ts[0].net,
	                    sizeof(a->local_ts[0].net)),
	    0);
	CU_ASSERT_EQUAL(memcmp(&a->remote_ts[0].net, &b->local_ts[0].net,
	                    sizeof(a->remote_ts[0].net)),
	    0);
}

/* Negotiate child 0 from @from and check the pair on both sides. */
static void
negotiate(struct peer *from, struct peer *to)
{
	CU_ASSERT_EQUAL_FATAL(ikev2_initiate(from->e, now, 0), 0);
	pump();
	CU_ASSERT_EQUAL_FATAL(from->n_up, 1);
	CU_ASSERT_EQUAL_FATAL(to->n_up, 1);
	check_mirror(&from->ups[0], &to->ups[0]);
}

static void
check_up(const struct peer *p, uint64_t ike, uint64_t child)
{
	struct ikev2_stats st = stats(p);

	CU_ASSERT_EQUAL(st.ike_done, ike);
	CU_ASSERT_EQUAL(st.child_done, child);
	CU_ASSERT_EQUAL(st.sas[IKE_SA_STATE_ESTABLISHED], ike);
	CU_ASSERT_EQUAL(st.half_open, 0);
	CU_ASSERT_EQUAL(st.children, child);
}

static void
test_ikev2_sm_psk_cbc(void)
{
	setup();
	start();
	negotiate(&pi, &pr);
	check_up(&pi, 1, 1);
	check_up(&pr, 1, 1);
	CU_ASSERT_EQUAL(pi.ups[0].alg.cipher, ALG_CIPHER_AES_CBC);
	CU_ASSERT_EQUAL(pi.ups[0].in.integ_len, 32);
	CU_ASSERT_EQUAL(pi.ups[0].in.enc_len, 16);
	CU_ASSERT_FALSE(pi.ups[0].encap);
	CU_ASSERT_EQUAL(pi.ups[0].mode, CONFIG_MODE_TUNNEL);
	/* 4 messages, no more */
	CU_ASSERT_EQUAL(n_sent, 4);
	CU_ASSERT_EQUAL(sent[0].to.port, 500);
	CU_ASSERT_EQUAL(sent[2].to.port, 500);
	/* initiate again: already up, nothing sent */
	CU_ASSERT_EQUAL(ikev2_initiate(pi.e, now, 0), 0);
	CU_ASSERT_EQUAL(n_wire, 0);
	teardown();
	CU_ASSERT_EQUAL(pi.n_down, 1);
	CU_ASSERT_EQUAL(pr.n_down, 1);
}

/* GCM for the IKE SA and ESP, X25519; and the other direction (R initiates). */
static void
test_ikev2_sm_psk_gcm_reverse(void)
{
	struct peer *p[2] = { &pi, &pr };
	unsigned int i;

	setup();
	for (i = 0; i < 2; i++) {
		struct config_ike_proposal *ip = &p[i]->conn[0].proposals[0];

		ip->encr = 20;
		ip->encr_bits = 256;
		ip->integ = 0;
		ip->prf = 7;
		ip->dh = 31;
		esp_prop(&p[i]->child[0].esp_proposals[0], "aes256gcm16", 0);
	}
	start();
	negotiate(&pr, &pi);
	check_up(&pi, 1, 1);
	check_up(&pr, 1, 1);
	CU_ASSERT_EQUAL(pr.ups[0].alg.cipher, ALG_CIPHER_AES_GCM);
	CU_ASSERT_EQUAL(pr.ups[0].in.enc_len, 36);
	CU_ASSERT_EQUAL(pr.ups[0].in.integ_len, 0);
	/* the initiator's SPI is in the I side's header */
	CU_ASSERT_EQUAL(sent[0].from.a.addr[3], 2);
	teardown();
}

/* I's first group is not R's: INVALID_KE_PAYLOAD, then I retries with R's group. */
static void
test_ikev2_sm_invalid_ke(void)
{
	struct ikev2_stats si, sr;

	setup();
	pi.conn[0].n_proposals = 2;
	ike_prop(&pi.conn[0].proposals[1], 128, 5, 31, "aes128-sha256-x25519");
	pr.conn[0].proposals[0].dh = 31;
	start();
	negotiate(&pi, &pr);
	si = stats(&pi);
	sr = stats(&pr);
	CU_ASSERT_EQUAL(sr.invalid_ke_sent, 1);
	CU_ASSERT_EQUAL(si.invalid_ke_retries, 1);
	CU_ASSERT_EQUAL(sr.sas[IKE_SA_STATE_ESTABLISHED], 1); /* no state from the first try */
	CU_ASSERT_EQUAL(n_sent, 6);
	teardown();
}

/* R accepts none of I's proposals: NO_PROPOSAL_CHOSEN, I gives up, nothing left. */
static void
test_ikev2_sm_no_proposal(void)
{
	struct ikev2_stats si, sr;

	setup();
	pr.conn[0].proposals[0].prf = 7;
	pr.conn[0].proposals[0].integ = 14;
	start();
	CU_ASSERT_EQUAL(ikev2_initiate(pi.e, now, 0), 0);
	pump();
	si = stats(&pi);
	sr = stats(&pr);
	CU_ASSERT_EQUAL(si.ike_failed, 1);
	CU_ASSERT_EQUAL(sr.dropped[IKE_DROP_NO_PROPOSAL], 1);
	CU_ASSERT_EQUAL(sr.notifies_sent, 1);
	CU_ASSERT_EQUAL(si.sas[IKE_SA_STATE_CONNECTING] + si.sas[IKE_SA_STATE_ESTABLISHED], 0);
	CU_ASSERT_EQUAL(sr.sas[IKE_SA_STATE_CONNECTING] + sr.sas[IKE_SA_STATE_ESTABLISHED], 0);
	CU_ASSERT_EQUAL(pi.n_up + pr.n_up, 0);
	advance(60 * S); /* nothing retransmitted */
	CU_ASSERT_EQUAL(stats(&pi).retransmits, 0);
	teardown();
}

/* Different PSKs: R answers AUTHENTICATION_FAILED, no child anywhere, both SAs gone. */
static void
test_ikev2_sm_wrong_psk(void)
{
	struct ikev2_stats si, sr;

	setup();
	memcpy(pr.sec[0].secret, "wrong-psk!", 10);
	start();
	CU_ASSERT_EQUAL(ikev2_initiate(pi.e, now, 0), 0);
	pump();
	si = stats(&pi);
	sr = stats(&pr);
	CU_ASSERT_EQUAL(pi.n_up + pr.n_up, 0);
	CU_ASSERT_EQUAL(sr.auth_failed, 1);
	CU_ASSERT_EQUAL(sr.dropped[IKE_DROP_AUTH], 1);
	CU_ASSERT_EQUAL(si.auth_failed, 1); /* the notify */
	CU_ASSERT_EQUAL(si.ike_failed, 1);
	CU_ASSERT_EQUAL(sr.ike_failed, 1);
	CU_ASSERT_EQUAL(si.ike_done + sr.ike_done, 0);
	CU_ASSERT_EQUAL(si.sas[IKE_SA_STATE_CONNECTING] + sr.sas[IKE_SA_STATE_CONNECTING], 0);
	CU_ASSERT_EQUAL(n_sent, 4);
	teardown();
}

/* The IKE_SA_INIT request is lost, then the IKE_AUTH response: retransmissions recover both. */
static void
test_ikev2_sm_retransmit(void)
{
	struct ikev2_stats si, sr;

	setup();
	start();
	drop_index = 0;
	CU_ASSERT_EQUAL(ikev2_initiate(pi.e, now, 0), 0);
	pump();
	CU_ASSERT_EQUAL(pi.n_up, 0);
	advance(3 * S);
	CU_ASSERT_EQUAL(stats(&pi).retransmits, 0); /* 4 s first */
	drop_index = 4; /* 0 lost, 1 resent, 2 response, 3 IKE_AUTH, 4 its response */
	advance(2 * S);
	CU_ASSERT_EQUAL(stats(&pi).retransmits, 1);
	CU_ASSERT_EQUAL(pi.n_up, 0);
	CU_ASSERT_EQUAL(pr.n_up, 1);
	advance(5 * S);
	si = stats(&pi);
	sr = stats(&pr);
	CU_ASSERT_EQUAL(si.retransmits, 2);
	CU_ASSERT_EQUAL(sr.replies_resent, 1);
	CU_ASSERT_EQUAL(sr.dropped[IKE_DROP_RETRANSMIT], 1);
	CU_ASSERT_EQUAL(pi.n_up, 1);
	CU_ASSERT_EQUAL(pr.n_up, 1); /* not installed twice */
	check_mirror(&pi.ups[0], &pr.ups[0]);
	CU_ASSERT_EQUAL(memcmp(sent[4].p, sent[6].p, sent[4].len), 0); /* the stored reply */
	teardown();
}

/* No answer at all: the config's tries with backoff, then the SA goes. */
static void
test_ikev2_sm_retransmit_give_up(void)
{
	struct ikev2_stats si;

	setup();
	start();
	drop_all = true;
	CU_ASSERT_EQUAL(ikev2_initiate(pi.e, now, 0), 0);
	/* resent at 4, 11.2 and 24.16 s; given up 23.3 s later */
	advance(25 * S);
	si = stats(&pi);
	CU_ASSERT_EQUAL(si.retransmits, 3);
	CU_ASSERT_EQUAL(si.ike_failed, 0);
	advance(23 * S);
	si = stats(&pi);
	CU_ASSERT_EQUAL(si.retransmits, 3);
	CU_ASSERT_EQUAL(si.ike_failed, 1);
	CU_ASSERT_EQUAL(si.sas[IKE_SA_STATE_CONNECTING], 0);
	CU_ASSERT_EQUAL(n_sent, 4);
	teardown();
}

/* A request replayed after the SA is up gets the stored reply and changes nothing. */
static void
test_ikev2_sm_replay(void)
{
	struct ikev2_stats sr;
	struct msg m;
	unsigned int before;

	setup();
	start();
	negotiate(&pi, &pr);
	before = n_sent;
	m = sent[2]; /* IKE_AUTH request */
	ikev2_input(pr.e, now, &m.to, &m.from, m.p, m.len);
	sr = stats(&pr);
	CU_ASSERT_EQUAL(sr.replies_resent, 1);
	CU_ASSERT_EQUAL(n_sent, before + 1);
	CU_ASSERT_EQUAL(sent[before].len, sent[3].len);
	CU_ASSERT_EQUAL(memcmp(sent[before].p, sent[3].p, sent[3].len), 0);
	/* IKE_SA_INIT again once IKE_AUTH is done: out of date, not answered */
	m = sent[0];
	ikev2_input(pr.e, now, &m.to, &m.from, m.p, m.len);
	sr = stats(&pr);
	CU_ASSERT_EQUAL(sr.dropped[IKE_DROP_STATE], 1);
	CU_ASSERT_EQUAL(n_sent, before + 1);
	CU_ASSERT_EQUAL(pr.n_up, 1);
	CU_ASSERT_EQUAL(sr.ike_done, 1);
	CU_ASSERT_EQUAL(sr.sas[IKE_SA_STATE_ESTABLISHED], 1);
	clear_wire();
	/* the stored replies reach I as stale responses: dropped, nothing changes */
	ikev2_input(pi.e, now, &sent[before].to, &sent[before].from, sent[before].p,
	    sent[before].len);
	CU_ASSERT_EQUAL(stats(&pi).dropped[IKE_DROP_STATE], 1);
	CU_ASSERT_EQUAL(pi.n_up, 1);
	teardown();
}

/* Bad input: counted, never answered, nothing held is lost. */
static void
test_ikev2_sm_malformed(void)
{
	static uint8_t buf[2048];
	struct ikev2_stats sr;
	struct msg m;
	unsigned int before, i;

	setup();
	start();
	negotiate(&pi, &pr);
	before = n_sent;
	/* truncated header, a header whose length lies, garbage */
	m = sent[2];
	ikev2_input(pr.e, now, &m.to, &m.from, m.p, 20);
	ikev2_input(pr.e, now, &m.to, &m.from, m.p, m.len - 1);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 37 + 11);
	ikev2_input(pr.e, now, &m.to, &m.from, buf, sizeof(buf));
	sr = stats(&pr);
	CU_ASSERT_EQUAL(sr.dropped[IKE_DROP_MALFORMED], 3);
	/* a new request (next message ID) whose ciphertext was changed: does not decrypt */
	memcpy(buf, m.p, m.len);
	buf[23] = 2;
	buf[m.len - 1] ^= 1;
	ikev2_input(pr.e, now, &m.to, &m.from, buf, m.len);
	sr = stats(&pr);
	CU_ASSERT_EQUAL(sr.dropped[IKE_DROP_DECRYPT], 1);
	/* unknown SPIs */
	buf[8] ^= 0xff;
	ikev2_input(pr.e, now, &m.to, &m.from, buf, m.len);
	CU_ASSERT_EQUAL(stats(&pr).dropped[IKE_DROP_UNKNOWN_SA], 1);
	CU_ASSERT_EQUAL(n_sent, before);
	CU_ASSERT_EQUAL(pr.n_up, 1);
	CU_ASSERT_EQUAL(pr.n_down, 0);
	CU_ASSERT_EQUAL(stats(&pr).sas[IKE_SA_STATE_ESTABLISHED], 1);
	/* an IKE_SA_INIT request without KE: INVALID_SYNTAX, no state */
	{
		struct ike_buf b;
		uint8_t nonce[32] = { 1 };
		int n;

		ike_payload_buf_init(&b, buf, sizeof(buf));
		ikev2_msg_build_hdr(&b, 0x1122334455667788ull, 0, IKEV2_EXCH_IKE_SA_INIT,
		    IKEV2_FLAG_I, 0);
		ikev2_msg_build_nonce(&b, nonce, sizeof(nonce));
		n = ikev2_msg_build_finish(&b);
		CU_ASSERT_FATAL(n > 0);
		ikev2_input(pr.e, now, &m.to, &m.from, buf, (size_t)n);
	}
	sr = stats(&pr);
	CU_ASSERT_EQUAL(sr.dropped[IKE_DROP_MALFORMED], 4);
	CU_ASSERT_EQUAL(sr.sas[IKE_SA_STATE_CONNECTING], 0);
	CU_ASSERT_EQUAL(n_sent, before + 1);
	teardown();
}

/* Encapsulation forced on I (fake NAT-D): both float to 4500, the child is UDP-encapsulated. */
static void
test_ikev2_sm_natt(void)
{
	setup();
	pi.conn[0].encap = true;
	start();
	negotiate(&pi, &pr);
	CU_ASSERT_EQUAL(sent[0].to.port, 500);
	CU_ASSERT_EQUAL(sent[2].to.port, 4500);
	CU_ASSERT_EQUAL(sent[2].from.port, 4500);
	CU_ASSERT_EQUAL(sent[3].from.port, 4500);
	CU_ASSERT_TRUE(pi.ups[0].encap);
	CU_ASSERT_TRUE(pr.ups[0].encap);
	CU_ASSERT_EQUAL(pi.ups[0].local_port, 4500);
	CU_ASSERT_EQUAL(pr.ups[0].remote_port, 4500);
	CU_ASSERT_EQUAL(stats(&pi).nat_detected, 1);
	CU_ASSERT_EQUAL(stats(&pr).nat_detected, 1);
	teardown();
}

/* A responder SA that never sees IKE_AUTH goes after half_open_timeout. */
static void
test_ikev2_sm_half_open(void)
{
	struct ikev2_stats sr;

	setup();
	start();
	drop_index = 2; /* the IKE_AUTH request */
	CU_ASSERT_EQUAL(ikev2_initiate(pi.e, now, 0), 0);
	pump();
	drop_all = true;
	sr = stats(&pr);
	CU_ASSERT_EQUAL(sr.half_open, 1);
	/* I's IKE_SA_INIT again: the stored answer, byte for byte, no second SA */
	ikev2_input(pr.e, now, &sent[0].to, &sent[0].from, sent[0].p, sent[0].len);
	sr = stats(&pr);
	CU_ASSERT_EQUAL(sr.replies_resent, 1);
	CU_ASSERT_EQUAL(sr.half_open, 1);
	CU_ASSERT_EQUAL(sent[n_sent - 1].len, sent[1].len);
	CU_ASSERT_EQUAL(memcmp(sent[n_sent - 1].p, sent[1].p, sent[1].len), 0);
	advance(29 * S);
	CU_ASSERT_EQUAL(stats(&pr).half_open, 1);
	advance(2 * S);
	sr = stats(&pr);
	CU_ASSERT_EQUAL(sr.half_open, 0);
	CU_ASSERT_EQUAL(sr.half_open_timeouts, 1);
	CU_ASSERT_EQUAL(sr.sas[IKE_SA_STATE_CONNECTING], 0);
	teardown();
}

/* Narrowing: I asks for a wider remote side than R has; R narrows it to its /24. */
static void
test_ikev2_sm_narrow(void)
{
	setup();
	pi.child[0].remote_ts[0].net.len = 16; /* 203.0.0.0/16 */
	pi.child[0].remote_ts[0].net.a.addr[2] = 0;
	start();
	negotiate(&pi, &pr);
	CU_ASSERT_EQUAL(pi.ups[0].remote_ts[0].net.len, 24);
	CU_ASSERT_EQUAL(pi.ups[0].remote_ts[0].net.a.addr[2], 113);
	teardown();
}

/* R's selectors do not meet I's: the IKE SA comes up, the child does not (TS_UNACCEPTABLE). */
static void
test_ikev2_sm_ts_unacceptable(void)
{
	struct ikev2_stats si, sr;

	setup();
	ts4(&pr.child[0].local_ts[0], 198, 51, 100, 24); /* I wants 203.0.113.0/24 */
	start();
	CU_ASSERT_EQUAL(ikev2_initiate(pi.e, now, 0), 0);
	pump();
	si = stats(&pi);
	sr = stats(&pr);
	CU_ASSERT_EQUAL(si.ike_done, 1);
	CU_ASSERT_EQUAL(sr.ike_done, 1);
	CU_ASSERT_EQUAL(si.child_failed, 1);
	CU_ASSERT_EQUAL(sr.child_failed, 1);
	CU_ASSERT_EQUAL(pi.n_up + pr.n_up, 0);
	CU_ASSERT_EQUAL(si.sas[IKE_SA_STATE_ESTABLISHED], 1);
	teardown();
}

/* Transport mode on both: USE_TRANSPORT_MODE both ways, the pair in transport mode. */
static void
test_ikev2_sm_transport(void)
{
	setup();
	pi.child[0].mode = CONFIG_MODE_TRANSPORT;
	pr.child[0].mode = CONFIG_MODE_TRANSPORT;
	start();
	negotiate(&pi, &pr);
	CU_ASSERT_EQUAL(pi.ups[0].mode, CONFIG_MODE_TRANSPORT);
	CU_ASSERT_EQUAL(pr.ups[0].mode, CONFIG_MODE_TRANSPORT);
	teardown();
	/* only the initiator wants it: tunnel */
	setup();
	pi.child[0].mode = CONFIG_MODE_TRANSPORT;
	start();
	negotiate(&pi, &pr);
	CU_ASSERT_EQUAL(pi.ups[0].mode, CONFIG_MODE_TUNNEL);
	CU_ASSERT_EQUAL(pr.ups[0].mode, CONFIG_MODE_TUNNEL);
	teardown();
}

int
main(void)
{
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{ "test_ikev2_sm_psk_cbc", test_ikev2_sm_psk_cbc },
		{ "test_ikev2_sm_psk_gcm_reverse", test_ikev2_sm_psk_gcm_reverse },
		{ "test_ikev2_sm_invalid_ke", test_ikev2_sm_invalid_ke },
		{ "test_ikev2_sm_no_proposal", test_ikev2_sm_no_proposal },
		{ "test_ikev2_sm_wrong_psk", test_ikev2_sm_wrong_psk },
		{ "test_ikev2_sm_retransmit", test_ikev2_sm_retransmit },
		{ "test_ikev2_sm_retransmit_give_up", test_ikev2_sm_retransmit_give_up },
		{ "test_ikev2_sm_replay", test_ikev2_sm_replay },
		{ "test_ikev2_sm_malformed", test_ikev2_sm_malformed },
		{ "test_ikev2_sm_natt", test_ikev2_sm_natt },
		{ "test_ikev2_sm_half_open", test_ikev2_sm_half_open },
		{ "test_ikev2_sm_narrow", test_ikev2_sm_narrow },
		{ "test_ikev2_sm_ts_unacceptable", test_ikev2_sm_ts_unacceptable },
		{ "test_ikev2_sm_transport", test_ikev2_sm_transport },
	};
	CU_pSuite s;
	unsigned int fails;
	size_t i;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("ikev2_sm", NULL, NULL);
	for (i = 0; i < DIM(tests); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return fails == 0 ? 0 : 1;
}
