/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/slowpath/ike/harness.c: two IKE engines back to back in one process, on the test's clock. */
#include "harness.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "common/alg.h"
#include "slowpath/ike/ike_crypto.h"
#include "slowpath/ike/ike_payload.h"
#include "slowpath/ike/ikev1_msg.h"

struct peer pi, pr;
uint64_t now;
struct msg wire[WIRE_MAX];
unsigned int n_wire;
struct msg sent[WIRE_MAX];
unsigned int n_sent;
unsigned int drop_next;
bool drop_all;
int drop_index = -1;
int hold = -1;
struct msg held;
bool have_held;
struct harness_hooks harness_hooks;

static const struct harness_engine *eng = &harness_ikev1;

static void *
v1_create(const struct config *cfg, const struct ike_ops *ops)
{
	return ikev1_create(cfg, ops);
}

static void
v1_destroy(void *e)
{
	ikev1_destroy(e);
}

static void
v1_input(void *e, uint64_t now_ns, const struct ike_addr *local, const struct ike_addr *remote,
    const uint8_t *msg, size_t len)
{
	ikev1_input(e, now_ns, local, remote, msg, len);
}

static void
v1_tick(void *e, uint64_t now_ns)
{
	ikev1_tick(e, now_ns);
}

static void *
v2_create(const struct config *cfg, const struct ike_ops *ops)
{
	return ikev2_create(cfg, ops);
}

static void
v2_destroy(void *e)
{
	ikev2_destroy(e);
}

static void
v2_input(void *e, uint64_t now_ns, const struct ike_addr *local, const struct ike_addr *remote,
    const uint8_t *msg, size_t len)
{
	ikev2_input(e, now_ns, local, remote, msg, len);
}

static void
v2_tick(void *e, uint64_t now_ns)
{
	ikev2_tick(e, now_ns);
}

const struct harness_engine harness_ikev1 = { .version = 1,
	.create = v1_create,
	.destroy = v1_destroy,
	.input = v1_input,
	.tick = v1_tick };

const struct harness_engine harness_ikev2 = { .version = 2,
	.create = v2_create,
	.destroy = v2_destroy,
	.input = v2_input,
	.tick = v2_tick };

void
harness_use(const struct harness_engine *e)
{
	eng = e;
}

void
addr4(struct config_addr *a, uint8_t d)
{
	memset(a, 0, sizeof(*a));
	a->family = 4;
	a->addr[0] = 192;
	a->addr[1] = 0;
	a->addr[2] = 2;
	a->addr[3] = d;
}

void
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

void
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

void
esp_prop(struct config_esp_proposal *p, const char *kw, uint16_t dh)
{
	char err[128];

	memset(p, 0, sizeof(*p));
	CU_ASSERT_EQUAL_FATAL(alg_proposal_parse(kw, ALG_PROTO_ESP, &p->alg, err, sizeof(err)), 0);
	p->dh = dh;
	snprintf(p->name, sizeof(p->name), "%s", kw);
}

void
msg_copy(struct msg *d, const struct ike_addr *from, const struct ike_addr *to, const uint8_t *p,
    size_t len)
{
	d->from = *from;
	d->to = *to;
	d->p = malloc(len);
	memcpy(d->p, p, len);
	d->len = len;
}

int
cb_send(void *ctx, const struct ike_addr *local, const struct ike_addr *remote, const uint8_t *msg,
    size_t len)
{
	(void)ctx;
	if (harness_hooks.sent != NULL)
		harness_hooks.sent(msg, len);
	if (n_sent < WIRE_MAX)
		msg_copy(&sent[n_sent++], local, remote, msg, len);
	if (hold >= 0 && (unsigned int)hold == n_sent - 1) {
		msg_copy(&held, local, remote, msg, len);
		have_held = true;
		return 0;
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
	msg_copy(&wire[n_wire++], local, remote, msg, len);
	return 0;
}

int
cb_child_up(void *ctx, const struct ike_child_sa *c)
{
	struct peer *p = ctx;

	if (p->child_up_rc != 0)
		return p->child_up_rc;
	if (p->n_up < UPS_MAX)
		p->ups[p->n_up] = *c;
	p->up = *c;
	p->n_up++;
	return 0;
}

void
cb_child_down(void *ctx, const struct ike_child_sa *c)
{
	struct peer *p = ctx;

	p->last_down = *c;
	p->n_down++;
}

static int
cb_child_remap(void *ctx, const struct ike_child_sa *c)
{
	struct peer *p = ctx;

	p->last_remap = *c;
	p->n_remap++;
	return 0;
}

int
cb_keepalive(void *ctx, const struct ike_addr *local, const struct ike_addr *remote)
{
	struct peer *p = ctx;

	(void)local;
	(void)remote;
	p->keepalives++;
	return 0;
}

void
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
		.cookie_threshold = 100,
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
	c->version = (uint8_t)eng->version;
	c->n_local_addrs = 1;
	addr4(&c->local_addrs[0], me);
	c->n_remote_addrs = 1;
	addr4(&c->remote_addrs[0], other);
	c->local_port = 500;
	c->remote_port = 500;
	c->n_proposals = 1;
	if (eng->version == 2)
		ike_prop(&c->proposals[0], 128, 5, 19, "aes128-sha256-ecp256");
	else
		ike_prop(&c->proposals[0], 128, 5, 14, "aes128-sha256-modp2048");
	c->local.auth = CONFIG_AUTH_PSK;
	c->remote.auth = CONFIG_AUTH_PSK;
	c->fragmentation = CONFIG_FRAG_YES;
	c->signature_authentication = true; /* the config's default */
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
		.child_remap = cb_child_remap,
		.keepalive = cb_keepalive };
}

static void
file(char *out, const char *dir, const char *name)
{
	snprintf(out, CONFIG_PATH_MAX, "%s/%s", dir, name);
}

void
peer_pubkey(struct peer *p, const char *dir, const char *cert, const char *inter, const char *key,
    const char *ca, const char *crl)
{
	struct config_connection *c = &p->conn[0];

	p->cfg.n_secrets = 0;
	memset(p->sec, 0, sizeof(p->sec));
	ike_prop(&c->proposals[0], 128, 5, 19, "aes128-sha256-ecp256");
	c->local.auth = CONFIG_AUTH_PUBKEY;
	c->local.n_certs = inter != NULL ? 2 : 1;
	file(c->local.certs[0], dir, cert);
	if (inter != NULL)
		file(c->local.certs[1], dir, inter);
	file(c->local.key, dir, key);
	c->remote.auth = CONFIG_AUTH_PUBKEY;
	c->remote.n_cacerts = 1;
	file(c->remote.cacerts[0], dir, ca);
	if (crl != NULL) {
		c->remote.n_crls = 1;
		file(c->remote.crls[0], dir, crl);
	}
	c->send_certreq = true;
	esp_prop(&p->child[0].esp_proposals[0], "aes128gcm16", 0);
}

void
peer_second_child(struct peer *p)
{
	struct config_child *ch = &p->child[1];

	*ch = p->child[0];
	snprintf(ch->name, sizeof(ch->name), "web");
	if (p == &pi)
		ts4(&ch->remote_ts[0], 192, 0, 2, 24);
	else
		ts4(&ch->local_ts[0], 192, 0, 2, 24);
	p->cfg.n_children = 2;
	p->conn[0].n_children = 2;
}

struct peer *
peer_at(const struct ike_addr *a)
{
	if (memcmp(a->a.addr, pi.addr.addr, 4) == 0)
		return &pi;
	if (memcmp(a->a.addr, pr.addr.addr, 4) == 0)
		return &pr;
	return NULL;
}

void
deliver(const struct msg *m)
{
	struct peer *to = peer_at(&m->to);

	if (to != NULL && to->e != NULL)
		eng->input(to->e, now, &m->to, &m->from, m->p, m->len);
}

uint16_t nat_port;

void
batch_nat(struct msg *batch, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (nat_port != 0 && batch[i].to.a.addr[3] == pr.addr.addr[3])
			batch[i].from.port = nat_port;
		deliver(&batch[i]);
		free(batch[i].p);
	}
}

unsigned int
pump(void)
{
	static struct msg batch[WIRE_MAX];
	unsigned int rounds = 0, i, n;

	while (n_wire > 0 && rounds < 100) {
		n = n_wire;
		memcpy(batch, wire, n * sizeof(batch[0]));
		n_wire = 0;
		if (harness_hooks.batch != NULL) {
			harness_hooks.batch(batch, n);
		} else {
			for (i = 0; i < n; i++) {
				deliver(&batch[i]);
				free(batch[i].p);
				if (harness_hooks.step != NULL)
					harness_hooks.step();
			}
		}
		rounds++;
	}
	return rounds;
}

static void
clear_msgs(struct msg *m, unsigned int *n)
{
	unsigned int i;

	for (i = 0; i < *n; i++)
		free(m[i].p);
	*n = 0;
}

void
clear_sent(void)
{
	clear_msgs(sent, &n_sent);
}

void
clear_wire(void)
{
	clear_msgs(wire, &n_wire);
}

void
advance(uint64_t ns)
{
	uint64_t end = now + ns;

	while (now < end) {
		now += 100 * MS;
		if (pi.e != NULL)
			eng->tick(pi.e, now);
		if (pr.e != NULL)
			eng->tick(pr.e, now);
		pump();
		if (harness_hooks.step != NULL)
			harness_hooks.step();
	}
}

static void
drop_held(void)
{
	if (have_held)
		free(held.p);
	have_held = false;
	hold = -1;
}

void
setup(void)
{
	clear_wire();
	clear_sent();
	drop_held();
	drop_next = 0;
	drop_all = false;
	drop_index = -1;
	memset(&harness_hooks, 0, sizeof(harness_hooks));
	now = 1000 * S;
	peer_init(&pi, "I", 1, 2, 100, 113);
	peer_init(&pr, "R", 2, 1, 113, 100);
}

void
start(void)
{
	pi.e = eng->create(&pi.cfg, &pi.ops);
	pr.e = eng->create(&pr.cfg, &pr.ops);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pi.e);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pr.e);
}

void
teardown(void)
{
	hold = -1;
	drop_all = true; /* the deletes of destroy go nowhere */
	if (pi.e != NULL)
		eng->destroy(pi.e);
	if (pr.e != NULL)
		eng->destroy(pr.e);
	pi.e = pr.e = NULL;
	drop_all = false;
	clear_wire();
	clear_sent();
	drop_held();
	ike_crypto_random_set_hook(NULL);
}

void
check_mirror(const struct ike_child_sa *a, const struct ike_child_sa *b)
{
	CU_ASSERT_EQUAL(a->spi_in, b->spi_out);
	CU_ASSERT_EQUAL(a->spi_out, b->spi_in);
	CU_ASSERT_TRUE(a->spi_in >= 256);
	CU_ASSERT_TRUE(a->spi_out >= 256);
	if (eng->version == 2) {
		CU_ASSERT_NOT_EQUAL(a->spi_in, a->spi_out);
		CU_ASSERT_TRUE(a->in.enc_len > 0);
	}
	CU_ASSERT_EQUAL(a->in.enc_len, b->out.enc_len);
	CU_ASSERT_EQUAL(a->in.integ_len, b->out.integ_len);
	CU_ASSERT_EQUAL(memcmp(a->in.enc, b->out.enc, a->in.enc_len), 0);
	CU_ASSERT_EQUAL(memcmp(a->in.integ, b->out.integ, a->in.integ_len), 0);
	CU_ASSERT_EQUAL(memcmp(a->out.enc, b->in.enc, a->out.enc_len), 0);
	CU_ASSERT_EQUAL(memcmp(a->out.integ, b->in.integ, a->out.integ_len), 0);
	/* the two directions differ (different SPIs in the key material) */
	CU_ASSERT_NOT_EQUAL(memcmp(a->in.enc, a->out.enc, a->in.enc_len), 0);
	CU_ASSERT_EQUAL(a->alg.cipher, b->alg.cipher);
	CU_ASSERT_EQUAL(a->mode, b->mode);
	CU_ASSERT_EQUAL(a->ike_version, eng->version);
	CU_ASSERT_EQUAL(a->n_local_ts, 1);
	CU_ASSERT_EQUAL(a->n_remote_ts, 1);
	CU_ASSERT_EQUAL(memcmp(&a->local_ts[0].net, &b->remote_ts[0].net,
	                    sizeof(a->local_ts[0].net)),
	    0);
	CU_ASSERT_EQUAL(memcmp(&a->remote_ts[0].net, &b->local_ts[0].net,
	                    sizeof(a->remote_ts[0].net)),
	    0);
}

void
check_drops(const char *what, const uint64_t *before, const uint64_t *after, int drop)
{
	unsigned int i;

	for (i = 0; i < IKE_DROP__MAX; i++) {
		uint64_t want = before[i] + ((int)i == drop ? 1 : 0);

		if (after[i] != want)
			fprintf(stderr, "  %s: drop %s: %" PRIu64 ", want %" PRIu64 "\n", what,
			    ike_drop_name(i), after[i] - before[i], want - before[i]);
		CU_ASSERT_EQUAL(after[i], want);
	}
}

struct ikev1_stats
v1_stats(const struct peer *p)
{
	struct ikev1_stats st;

	ikev1_stats_read(p->e, &st);
	return st;
}

struct ikev2_stats
v2_stats(const struct peer *p)
{
	struct ikev2_stats st;

	ikev2_stats_read(p->e, &st);
	return st;
}

unsigned int
v1_clear_notify(const struct msg *w)
{
	struct ikev1_msg *m = malloc(sizeof(*m));
	unsigned int t = 0;

	if (ikev1_msg_parse(w->p, w->len, m) == 0 && !m->encrypted &&
	    m->hdr.exchange == IKEV1_EXCH_INFORMATIONAL && m->n_notifies == 1)
		t = m->notifies[0].type;
	free(m);
	return t;
}

int
chain_split(uint8_t first, const uint8_t *p, size_t len, struct pl *out, int max)
{
	size_t off = 0, l;
	uint8_t type = first;
	int n = 0;

	while (type != 0) {
		if (n >= max || off + 4 > len)
			return -1;
		l = ike_get16(p + off + 2);
		if (l < 4 || off + l > len)
			return -1;
		out[n] = (struct pl){ .type = type, .p = p + off, .len = l };
		type = p[off];
		off += l;
		n++;
	}
	return n;
}

size_t
chain_join(const struct pl *pls, int n, uint8_t *out, uint8_t *first)
{
	size_t off = 0;
	int i;

	*first = n > 0 ? pls[0].type : 0;
	for (i = 0; i < n; i++) {
		memmove(out + off, pls[i].p, pls[i].len);
		out[off] = i + 1 < n ? pls[i + 1].type : 0;
		off += pls[i].len;
	}
	return off;
}

void
msg_set_len(uint8_t *m, size_t len)
{
	m[24] = (uint8_t)(len >> 24);
	m[25] = (uint8_t)(len >> 16);
	m[26] = (uint8_t)(len >> 8);
	m[27] = (uint8_t)len;
}

struct model mi, mr;
unsigned int violations;
unsigned int early_removals;
static unsigned int model_kids = 1;
static uint64_t model_grace;

struct model *
model_of(const struct peer *p)
{
	return p == &pi ? &mi : &mr;
}

struct peer *
peer_other(const struct peer *p)
{
	return p == &pi ? &pr : &pi;
}

struct inst *
model_find(struct peer *p, uint32_t spi_in, uint32_t spi_out)
{
	struct model *m = model_of(p);
	unsigned int i;

	for (i = 0; i < m->n_inst; i++)
		if (m->inst[i].c.spi_in == spi_in && m->inst[i].c.spi_out == spi_out)
			return &m->inst[i];
	return NULL;
}

/* @p's child @child now sends on @spi_out. */
static void
slot_set(struct peer *p, unsigned int child, uint32_t spi_out)
{
	struct model *m = model_of(p);

	if (m->slot[child] != 0 && m->slot[child] != spi_out) {
		m->slot_prev[child] = m->slot[child];
		m->slot_gone[child] = now;
	}
	m->slot[child] = spi_out;
}

static int
model_add(struct peer *p, const struct ike_child_sa *c, bool out)
{
	struct model *m = model_of(p);
	struct inst *n;

	CU_ASSERT_TRUE(c->child < model_kids);
	CU_ASSERT_PTR_NULL(model_find(p, c->spi_in, c->spi_out));
	CU_ASSERT_TRUE(c->in.enc_len > 0); /* keys present at install time */
	CU_ASSERT_EQUAL(c->ike_version, eng->version);
	if (m->n_inst >= MODEL_INST_MAX || c->child >= model_kids)
		return -ENOSPC;
	n = &m->inst[m->n_inst++];
	n->c = *c;
	n->out_ready = out;
	n->prepared = !out;
	if (m->n_seen < DIM(m->spis_seen))
		m->spis_seen[m->n_seen++] = c->spi_in;
	p->n_up++;
	if (out)
		slot_set(p, c->child, c->spi_out);
	return 0;
}

static int
model_child_up(void *ctx, const struct ike_child_sa *c)
{
	return model_add(ctx, c, true);
}

static int
model_child_prepare(void *ctx, const struct ike_child_sa *c)
{
	return model_add(ctx, c, false);
}

static int
model_child_activate(void *ctx, const struct ike_child_sa *c)
{
	struct peer *p = ctx;
	struct inst *n = model_find(p, c->spi_in, c->spi_out);

	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT_FALSE(n->out_ready);
	n->out_ready = true;
	slot_set(p, c->child, c->spi_out);
	return 0;
}

/* The pair went to another IKE SA (rekey, reauthentication): the installer's row follows. */
static void
model_child_move(void *ctx, const struct ike_child_sa *c)
{
	struct inst *in = model_find(ctx, c->spi_in, c->spi_out);

	CU_ASSERT_PTR_NOT_NULL_FATAL(in);
	in->c.ike_sa = c->ike_sa;
}

static void
model_child_down(void *ctx, const struct ike_child_sa *c)
{
	struct peer *p = ctx, *o = peer_other(p);
	struct model *m = model_of(p), *mo = model_of(o);
	struct inst *n = model_find(p, c->spi_in, c->spi_out);
	unsigned int ch = c->child;
	int k;

	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT_TRUE_FATAL(ch < MODEL_KIDS);
	/* The peer stopped sending on it at least a grace period ago (or never did). */
	if (o->e != NULL &&
	    (mo->slot[ch] == c->spi_in ||
	        (mo->slot_prev[ch] == c->spi_in && now - mo->slot_gone[ch] < model_grace)))
		early_removals++;
	*n = m->inst[--m->n_inst];
	p->n_down++;
	if (m->slot[ch] == c->spi_out) {
		/* the installer falls back to the newest remaining usable pair */
		m->slot[ch] = 0;
		for (k = (int)m->n_inst - 1; k >= 0; k--) {
			if (m->inst[k].out_ready && m->inst[k].c.child == ch) {
				m->slot[ch] = m->inst[k].c.spi_out;
				break;
			}
		}
	}
}

void
model_check_invariant(void)
{
	const struct peer *ps[2] = { &pi, &pr };
	const struct peer *p, *o;
	unsigned int k, i, ch;
	bool ok;

	for (k = 0; k < 2; k++) {
		p = ps[k];
		o = peer_other(p);
		if (p->e == NULL || o->e == NULL)
			continue;
		for (ch = 0; ch < model_kids; ch++) {
			if (model_of(p)->slot[ch] == 0)
				continue;
			ok = false;
			for (i = 0; i < model_of(o)->n_inst; i++)
				ok = ok || model_of(o)->inst[i].c.spi_in == model_of(p)->slot[ch];
			if (!ok) {
				/* REKEY_DEBUG=1 in the environment names each one */
				if (getenv("REKEY_DEBUG") != NULL)
					fprintf(stderr,
					    "# violation at %llu ms: %s child %u sends on %08" PRIx32
					    "\n",
					    (unsigned long long)(now / MS), p->name, ch,
					    model_of(p)->slot[ch]);
				violations++;
			}
		}
	}
}

void
model_setup(unsigned int kids, uint64_t grace)
{
	setup();
	memset(&mi, 0, sizeof(mi));
	memset(&mr, 0, sizeof(mr));
	mi.two_step = mr.two_step = true;
	model_kids = kids < MODEL_KIDS ? kids : MODEL_KIDS;
	model_grace = grace;
	violations = 0;
	early_removals = 0;
	harness_hooks.step = model_check_invariant;
}

void
model_start(void)
{
	struct peer *ps[2] = { &pi, &pr };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		ps[i]->ops = (struct ike_ops){ .ctx = ps[i],
			.send = cb_send,
			.child_up = model_child_up,
			.child_down = model_child_down,
			.child_move = model_child_move,
			.child_prepare = model_of(ps[i])->two_step ? model_child_prepare : NULL,
			.child_activate = model_of(ps[i])->two_step ? model_child_activate : NULL };
	}
	start();
}

void
model_teardown(void)
{
	teardown();
	/* destroy withdrew everything: nothing leaked */
	CU_ASSERT_EQUAL(mi.n_inst, 0);
	CU_ASSERT_EQUAL(mr.n_inst, 0);
}

unsigned int
harness_run(const char *name, const struct harness_test *tests, size_t n)
{
	unsigned int fails;
	CU_pSuite s;
	size_t i;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite(name, NULL, NULL);
	for (i = 0; i < n; i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return fails;
}
