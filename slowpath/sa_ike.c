/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/sa_ike.c: the SA installer of IKE-negotiated children: child up / down to the workers. */
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>

#include "common/counters.h"
#include "common/log.h"
#include "fastpath/esp_outbound.h"
#include "fastpath/port.h"
#include "fastpath/worker.h"
#include "slowpath/sa_build.h"
#include "slowpath/sa_ike.h"
#include "slowpath/sa_push.h"

#define PUSH_WAIT_MS 200 /* how long child_up / child_down wait for room in the workers' rings */

struct pair;

/*
 * A peer of a child whose pairs have policies of their own (sa_ike.h):
 * its outbound slot, which is also the record id of its pairs' SAs, and
 * the negotiated selectors its policies are made of.  A peer is gone
 * with its last pair; its slot is taken again only once no SPD that
 * names it remains (sa_ike_spd_retired()).
 */
struct peer {
	struct peer *next; /* the child's peers, newest first; or the gone ones */
	unsigned int child;
	uint32_t id;           /* SA_DYN_SLOT_BASE + k */
	unsigned int n_pairs;  /* pairs of this peer installed; 0: gone */
	struct pair *active;   /* the pair whose outbound SA is in the slot, or NULL */
	unsigned int n_pols;   /* policies it adds to the SPD */
	unsigned int live_gen; /* the first SPD build with its policies; 0: none yet */
	unsigned int gone_gen; /* gone: the first SPD build without them; 0: none yet */
	unsigned int n_local_ts;
	struct config_ts local_ts[CONFIG_TS_MAX];
	unsigned int n_remote_ts;
	struct config_ts remote_ts[CONFIG_TS_MAX];
};

/* One child_up: an inbound and an outbound record and what telemetry shows of them. */
struct pair {
	struct pair *next;   /* the child's pairs, newest first */
	struct pair **pprev; /* ... where this one is linked from (unlinked in O(1)) */
	struct pair *hnext;  /* by_spi[] chain */
	struct peer *peer;   /* its peer's slot and policies; NULL: the child's slot */
	uint32_t id;         /* outbound slot and record id of both SAs */
	unsigned int child;
	uint64_t ike_sa;
	uint8_t ike_version;
	uint32_t spi_in; /* host byte order */
	uint32_t spi_out;
	enum alg_proto proto;
	enum config_mode mode;
	struct config_addr local;
	struct config_addr remote;
	struct alg_proposal prop;
	bool esn;
	bool encap;
	uint16_t local_port;
	uint16_t remote_port;
	uint32_t replay_window;
	struct config_lifetime lifetime;
	struct sa_rt_in *in;
	struct sa_rt_out *out; /* NULL only when it could not be installed */
	bool out_pending;      /* prepared: out built but not published yet */
};

static const struct config *cfg;
static IMB_MGR *mgr;
/*
 * Every pair also hangs in by_spi[] by its inbound SPI: finding a pair
 * (activate, move, remap, down) and checking an SPI is free cost the same
 * with a child of one pair and with a child of thousands of peers.
 */
#define SPI_BUCKETS 4096
static struct pair *by_spi[SPI_BUCKETS];
static struct pair **pairs; /* [child]: its pairs, newest first */
static struct pair **slot;  /* [child]: the pair whose outbound SA is in the child's slot */
static struct peer **peers; /* [child]: its peers with slots of their own, newest first */
static struct peer *gone;   /* peers without pairs, their slots named by an SPD still */
static struct peer *dyn[SA_DYN_SLOTS];  /* [slot - SA_DYN_SLOT_BASE]: its peer, gone or not */
static uint32_t free_ids[SA_DYN_SLOTS]; /* slots no peer holds: a stack */
static unsigned int n_free;
static unsigned int n_dyn_pols;    /* policies the live peers add to the SPD */
static bool pols_changed;          /* ... changed since the last sa_ike_policies() */
static unsigned int published_gen; /* the SPD build the workers use (sa_ike_spd_published()) */
static uint64_t *acquired_ns;      /* [child]: the last acquire call */
static size_t n_pairs;             /* pairs in all */
static size_t n_static_in;         /* static inbound SAs (they share the SAD) */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* the lists, against the readers */
static sa_ike_acquire_fn acquire_fn;
static void *acquire_ctx;
static sa_ike_expire_fn expire_fn;
static void *expire_ctx;
static struct sa_ike_stats st;

int
sa_ike_init(const struct config *c, IMB_MGR *m)
{
	size_t i, n = c->n_children != 0 ? c->n_children : 1;
	struct pair **p = calloc(n, sizeof(*p)), **s = calloc(n, sizeof(*s));
	struct peer **pe = calloc(n, sizeof(*pe));
	uint64_t *a = calloc(n, sizeof(*a));

	if (p == NULL || s == NULL || pe == NULL || a == NULL) {
		free(p);
		free(s);
		free(pe);
		free(a);
		return -ENOMEM;
	}
	n_static_in = 0;
	for (i = 0; i < c->n_static_sas; i++)
		n_static_in += c->static_sas[i].direction == CONFIG_DIR_INBOUND;
	pthread_mutex_lock(&lock);
	pairs = p;
	slot = s;
	peers = pe;
	gone = NULL;
	memset(dyn, 0, sizeof(dyn));
	/* Popped lowest first. */
	for (i = 0; i < SA_DYN_SLOTS; i++)
		free_ids[i] = (uint32_t)(SA_DYN_SLOT_BASE + SA_DYN_SLOTS - 1 - i);
	n_free = SA_DYN_SLOTS;
	n_dyn_pols = 0;
	pols_changed = false;
	published_gen = 0;
	acquired_ns = a;
	n_pairs = 0;
	memset(by_spi, 0, sizeof(by_spi));
	cfg = c;
	mgr = m;
	pthread_mutex_unlock(&lock);
	return 0;
}

static void
pair_free(struct pair *p)
{
	if (p->in != NULL)
		sa_build_free_in(p->in);
	if (p->out != NULL)
		sa_build_free_out(p->out);
	free(p);
}

void
sa_ike_fini(void)
{
	struct peer *pe;
	struct pair *p;
	size_t i;

	pthread_mutex_lock(&lock);
	memset(by_spi, 0, sizeof(by_spi));
	for (i = 0; pairs != NULL && cfg != NULL && i < cfg->n_children; i++) {
		while ((p = pairs[i]) != NULL) {
			pairs[i] = p->next;
			pair_free(p);
		}
		while ((pe = peers[i]) != NULL) {
			peers[i] = pe->next;
			free(pe);
		}
	}
	while ((pe = gone) != NULL) {
		gone = pe->next;
		free(pe);
	}
	memset(dyn, 0, sizeof(dyn));
	n_free = 0;
	free(pairs);
	free(slot);
	free(peers);
	free(acquired_ns);
	pairs = NULL;
	slot = NULL;
	peers = NULL;
	acquired_ns = NULL;
	n_pairs = 0;
	cfg = NULL;
	mgr = NULL;
	pthread_mutex_unlock(&lock);
}

void
sa_ike_register_acquire(sa_ike_acquire_fn fn, void *ctx)
{
	acquire_fn = fn;
	acquire_ctx = ctx;
}

void
sa_ike_register_expire(sa_ike_expire_fn fn, void *ctx)
{
	expire_fn = fn;
	expire_ctx = ctx;
}

void
sa_ike_stats_read(struct sa_ike_stats *out)
{
	out->child_up = counter_read(&st.child_up);
	out->child_up_failed = counter_read(&st.child_up_failed);
	out->child_down = counter_read(&st.child_down);
	out->rekeyed = counter_read(&st.rekeyed);
	out->acquires = counter_read(&st.acquires);
	out->acquire_ignored = counter_read(&st.acquire_ignored);
	out->acquire_no_handler = counter_read(&st.acquire_no_handler);
	out->install_ns = counter_read(&st.install_ns);
	out->remapped = counter_read(&st.remapped);
	out->peer_slots = counter_read(&st.peer_slots);
	out->peer_slots_full = counter_read(&st.peer_slots_full);
}

/* "<connection>/<child>" of child @p child. */
static void
child_name(unsigned int child, char *buf, size_t len)
{
	const struct config_child *ch = &cfg->children[child];
	const char *conn =
	    ch->connection < cfg->n_connections ? cfg->connections[ch->connection].name : "?";

	snprintf(buf, len, "%s/%s", conn, ch->name);
}

/*
 * Publish with a bounded wait: the workers drain their rings every pass,
 * so a full ring empties within microseconds unless a worker is stuck;
 * withdrawals also free what waits for a grace period, to make room.
 */
enum push_op {
	PUSH_ADD_IN,
	PUSH_ADD_OUT,
	PUSH_DEL_IN,
	PUSH_DEL_OUT,
	PUSH_MOVE_OUT, /* rt: a struct sa_out_move */
};

static int
push(enum push_op op, void *rt)
{
	uint64_t deadline = rte_get_timer_cycles() + rte_get_timer_hz() * PUSH_WAIT_MS / 1000;
	int rc;

	for (;;) {
		switch (op) {
		case PUSH_ADD_IN:
			rc = sa_push_add_in(rt);
			break;
		case PUSH_ADD_OUT:
			rc = sa_push_add_out(rt);
			break;
		case PUSH_DEL_IN:
			rc = sa_push_del_in(rt, sa_build_free_in);
			break;
		case PUSH_DEL_OUT:
			rc = sa_push_del_out(rt, sa_build_free_out);
			break;
		default:
			rc = sa_push_move_out(rt, sa_build_free_move);
			break;
		}
		if ((rc != -ENOBUFS && rc != -ENOSPC) || rte_get_timer_cycles() > deadline)
			return rc;
		sa_push_reclaim();
		rte_delay_us_sleep(100);
	}
}

/* Bytes of encryption and integrity key @p prop takes (as the config's static SAs). */
static void
key_lens(enum alg_proto proto, const struct alg_proposal *prop, unsigned int *enc,
    unsigned int *integ)
{
	if (proto == ALG_PROTO_AH) {
		/* AH AES-GMAC keeps its salt after the integrity key (RFC 4543 §3.2). */
		*enc = 0;
		*integ = prop->auth_key_len + prop->salt_len;
		return;
	}
	*enc = prop->cipher_key_len + prop->salt_len;
	*integ = prop->auth_key_len;
}

static bool
is_ours(const struct config_addr *a)
{
	uint32_t v4;

	if (a->family == 4) {
		memcpy(&v4, a->addr, 4);
		return port_is_local_v4(v4);
	}
	return port_is_local_v6(a->addr);
}

static unsigned int
spi_bucket(uint32_t spi)
{
	return (spi * 0x9e3779b1u) >> (32 - 12); /* SPI_BUCKETS is 2^12 */
}

/* Is inbound SPI @p spi of @p proto at our address @p local taken (SAD key, RFC 4301 §4.1)? */
static bool
spi_taken(uint32_t spi, enum alg_proto proto, const struct config_addr *local)
{
	size_t alen = local->family == 4 ? 4 : 16, i;
	const struct pair *p;

	for (i = 0; i < cfg->n_static_sas; i++) {
		const struct config_static_sa *s = &cfg->static_sas[i];

		if (s->direction == CONFIG_DIR_INBOUND && s->spi == spi && s->protocol == proto &&
		    s->local.family == local->family &&
		    memcmp(s->local.addr, local->addr, alen) == 0)
			return true;
	}
	for (p = by_spi[spi_bucket(spi)]; p != NULL; p = p->hnext) {
		if (p->spi_in == spi && p->proto == proto && p->local.family == local->family &&
		    memcmp(p->local.addr, local->addr, alen) == 0)
			return true;
	}
	return false;
}

/* The installed pair of child c->child with c's SPIs and protocol, or NULL. */
static struct pair *
pair_lookup(const struct ike_child_sa *c)
{
	struct pair *p;

	for (p = by_spi[spi_bucket(c->spi_in)]; p != NULL; p = p->hnext)
		if (p->child == c->child && p->spi_in == c->spi_in && p->spi_out == c->spi_out &&
		    p->proto == c->proto)
			return p;
	return NULL;
}

/* ---- Peers with slots and policies of their own (RFC 7296 §2.9, RFC 4301 §4.4.1) ---- */

static size_t
addr_len(uint8_t family)
{
	return family == 4 ? 4 : 16;
}

/* @p p with the host bits cleared: a negotiated selector may carry them. */
static void
prefix_clean(struct config_prefix *p)
{
	unsigned int i, bits = p->len;

	for (i = 0; i < sizeof(p->a.addr); i++) {
		if (bits >= 8) {
			bits -= 8;
			continue;
		}
		p->a.addr[i] &= (uint8_t)(0xff00u >> bits);
		bits = 0;
	}
}

static bool
prefix_eq(const struct config_prefix *a, const struct config_prefix *b)
{
	return a->a.family == b->a.family && a->len == b->len &&
	    memcmp(a->a.addr, b->a.addr, addr_len(a->a.family)) == 0;
}

/* A range the SPD takes: port 0 (OPAQUE) only within any (fastpath/spd_build.c). */
static bool
ports_ok(const struct config_port_range *r)
{
	return r->first <= r->last && (r->first != 0 || r->last == UINT16_MAX);
}

static bool
ts_ok(const struct config_ts *t)
{
	return !t->dynamic && (t->net.a.family == 4 || t->net.a.family == 6) &&
	    t->net.len <= addr_len(t->net.a.family) * 8 && t->protocol >= -1 &&
	    t->protocol <= UINT8_MAX && ports_ok(&t->ports);
}

static bool
ts_eq(const struct config_ts *a, const struct config_ts *b)
{
	return a->dynamic == b->dynamic && prefix_eq(&a->net, &b->net) &&
	    a->protocol == b->protocol && a->ports.first == b->ports.first &&
	    a->ports.last == b->ports.last;
}

static bool
ts_list_eq(const struct config_ts *a, unsigned int na, const struct config_ts *b, unsigned int nb)
{
	unsigned int i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (!ts_eq(&a[i], &b[i]))
			return false;
	return true;
}

/*
 * The policies of local selectors @p lt x remote selectors @p rt, as
 * config_conn.c makes a child's: for each pair of one family and
 * compatible protocols an outbound and an inbound PROTECT policy of
 * child @p child naming slot @p id (fastpath/spd.h), into @p out when not
 * NULL.  Selectors the SPD cannot hold make none.  Returns how many.
 */
static unsigned int
ts_policies(unsigned int child, uint32_t id, const struct config_ts *lt, unsigned int nl,
    const struct config_ts *rt, unsigned int nr, struct config_policy *out)
{
	struct config_prefix l, r;
	struct config_policy *p;
	unsigned int a, b, n = 0;
	int proto;

	for (a = 0; a < nl; a++) {
		for (b = 0; b < nr; b++) {
			if (!ts_ok(&lt[a]) || !ts_ok(&rt[b]) ||
			    lt[a].net.a.family != rt[b].net.a.family ||
			    (lt[a].protocol != -1 && rt[b].protocol != -1 &&
			        lt[a].protocol != rt[b].protocol))
				continue;
			if (out == NULL) {
				n++;
				continue;
			}
			proto = lt[a].protocol != -1 ? lt[a].protocol : rt[b].protocol;
			l = lt[a].net;
			r = rt[b].net;
			prefix_clean(&l);
			prefix_clean(&r);
			p = &out[2 * n];
			memset(p, 0, 2 * sizeof(*p));
			snprintf(p[0].name, sizeof(p[0].name), "ike#%u/out/%u", id, n);
			p[0].direction = CONFIG_DIR_OUTBOUND;
			p[0].source = l;
			p[0].destination = r;
			p[0].source_ports = lt[a].ports;
			p[0].destination_ports = rt[b].ports;
			snprintf(p[1].name, sizeof(p[1].name), "ike#%u/in/%u", id, n);
			p[1].direction = CONFIG_DIR_INBOUND;
			p[1].source = r;
			p[1].destination = l;
			p[1].source_ports = rt[b].ports;
			p[1].destination_ports = lt[a].ports;
			for (p = &out[2 * n]; p < &out[2 * n + 2]; p++) {
				p->protocol = proto;
				p->action = CONFIG_POLICY_PROTECT;
				p->sa = (int)id;
				p->child = (int)child;
			}
			n++;
		}
	}
	return 2 * n;
}

static bool
policy_eq(const struct config_policy *a, const struct config_policy *b)
{
	return a->direction == b->direction && prefix_eq(&a->source, &b->source) &&
	    prefix_eq(&a->destination, &b->destination) && a->protocol == b->protocol &&
	    a->source_ports.first == b->source_ports.first &&
	    a->source_ports.last == b->source_ports.last &&
	    a->destination_ports.first == b->destination_ports.first &&
	    a->destination_ports.last == b->destination_ports.last;
}

/* Are the negotiated selectors of @p c the child's configured ones (the same policies)? */
static bool
as_configured(const struct ike_child_sa *c)
{
	unsigned int n = ts_policies(c->child, 0, c->local_ts, c->n_local_ts, c->remote_ts,
	    c->n_remote_ts, NULL);
	struct config_policy *mine;
	unsigned int i, k, theirs = 0;
	bool same = true;

	for (k = 0; k < cfg->n_policies; k++)
		theirs += cfg->policies[k].child == (int)c->child;
	if (n != theirs || n == 0)
		return n == theirs;
	if ((mine = calloc(n, sizeof(*mine))) == NULL)
		return false; /* a slot of its own is the safe side */
	ts_policies(c->child, 0, c->local_ts, c->n_local_ts, c->remote_ts, c->n_remote_ts, mine);
	for (i = 0; i < n && same; i++) {
		for (k = 0; k < cfg->n_policies; k++)
			if (cfg->policies[k].child == (int)c->child &&
			    policy_eq(&mine[i], &cfg->policies[k]))
				break;
		same = k < cfg->n_policies;
	}
	free(mine);
	return same;
}

/*
 * Does pair @p c get a peer's slot and policies of its own?  Every pair
 * of a connection open to any peer (remote_addrs %any: each peer's
 * traffic goes to that peer's SA only), and a pair whose selectors were
 * narrowed from the configured ones (RFC 7296 §2.9).  A pair that names
 * no selectors goes to the child's slot, as a site-to-site pair does.
 */
static bool
own_policies(const struct ike_child_sa *c)
{
	const struct config_child *ch = &cfg->children[c->child];

	if (c->n_local_ts == 0 || c->n_remote_ts == 0 || c->n_local_ts > CONFIG_TS_MAX ||
	    c->n_remote_ts > CONFIG_TS_MAX)
		return false;
	if (ch->connection < cfg->n_connections &&
	    cfg->connections[ch->connection].n_remote_addrs == 0)
		return true;
	return !as_configured(c);
}

/*
 * The live peer whose slot pair @p c belongs in: the same child and
 * selectors, and one of its pairs under the same IKE SA (a rekey) or
 * with the same peer address and port (a new IKE SA of that peer).
 */
static struct peer *
peer_find(const struct ike_child_sa *c)
{
	const struct pair *p;
	struct peer *pe;

	for (pe = peers[c->child]; pe != NULL; pe = pe->next) {
		if (!ts_list_eq(pe->local_ts, pe->n_local_ts, c->local_ts, c->n_local_ts) ||
		    !ts_list_eq(pe->remote_ts, pe->n_remote_ts, c->remote_ts, c->n_remote_ts))
			continue;
		for (p = pairs[c->child]; p != NULL; p = p->next) {
			if (p->peer != pe)
				continue;
			if (p->ike_sa == c->ike_sa ||
			    (p->remote.family == c->remote.family &&
			        p->remote_port == c->remote_port &&
			        memcmp(p->remote.addr, c->remote.addr,
			            addr_len(c->remote.family)) == 0))
				return pe;
		}
	}
	return NULL;
}

/* A new peer for pair @p c, not linked yet: a free slot, its selectors.  NULL with @p rc. */
static struct peer *
peer_new(const struct ike_child_sa *c, int *rc)
{
	unsigned int n = ts_policies(c->child, 0, c->local_ts, c->n_local_ts, c->remote_ts,
	    c->n_remote_ts, NULL);
	struct peer *pe;

	if (n == 0) {
		*rc = -EINVAL; /* no selector the SPD can hold */
		return NULL;
	}
	if (n_free == 0 || cfg->n_policies + n_dyn_pols + n > SPD_POLICIES_MAX) {
		counter_add(&st.peer_slots_full, 1);
		*rc = -ENOSPC;
		return NULL;
	}
	if ((pe = calloc(1, sizeof(*pe))) == NULL) {
		*rc = -ENOMEM;
		return NULL;
	}
	pe->child = c->child;
	pe->id = free_ids[--n_free];
	pe->n_pols = n;
	pe->n_local_ts = c->n_local_ts;
	memcpy(pe->local_ts, c->local_ts, c->n_local_ts * sizeof(c->local_ts[0]));
	pe->n_remote_ts = c->n_remote_ts;
	memcpy(pe->remote_ts, c->remote_ts, c->n_remote_ts * sizeof(c->remote_ts[0]));
	return pe;
}

/* Undo peer_new() of a peer never linked. */
static void
peer_discard(struct peer *pe)
{
	free_ids[n_free++] = pe->id;
	free(pe);
}

/* Caller holds the lock. */
static void
peer_link(struct peer *pe)
{
	pe->next = peers[pe->child];
	peers[pe->child] = pe;
	dyn[pe->id - SA_DYN_SLOT_BASE] = pe;
	n_dyn_pols += pe->n_pols;
	pols_changed = true;
	counter_add(&st.peer_slots, 1);
}

/* Its last pair went: its policies leave the next SPD; its slot waits for the SPDs that name it. */
static void
peer_gone(struct peer *pe)
{
	struct peer **pp;

	pthread_mutex_lock(&lock);
	for (pp = &peers[pe->child]; *pp != NULL && *pp != pe; pp = &(*pp)->next)
		;
	if (*pp == pe)
		*pp = pe->next;
	pe->next = gone;
	gone = pe;
	pe->active = NULL;
	n_dyn_pols -= pe->n_pols;
	pols_changed = true;
	__atomic_store_n(&st.peer_slots, st.peer_slots - 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&lock);
}

static int
check(const struct ike_child_sa *c)
{
	unsigned int enc, integ;

	if (cfg == NULL || mgr == NULL || worker_set.n == 0 || c == NULL ||
	    c->child >= cfg->n_children ||
	    (c->proto != ALG_PROTO_ESP && c->proto != ALG_PROTO_AH) ||
	    (c->mode != CONFIG_MODE_TUNNEL && c->mode != CONFIG_MODE_TRANSPORT) ||
	    (c->local.family != 4 && c->local.family != 6) || c->remote.family != c->local.family ||
	    c->spi_in < 256 || c->spi_out < 256 || (c->encap && c->proto != ALG_PROTO_ESP) ||
	    c->replay_window > REPLAY_WINDOW_MAX)
		return -EINVAL;
	key_lens(c->proto, &c->alg, &enc, &integ);
	if (c->in.enc_len != enc || c->out.enc_len != enc || c->in.integ_len != integ ||
	    c->out.integ_len != integ)
		return -EINVAL;
	if (!is_ours(&c->local))
		return -EADDRNOTAVAIL;
	if (spi_taken(c->spi_in, c->proto, &c->local))
		return -EEXIST;
	if (n_static_in + n_pairs >= SA_MAX)
		return -ENOSPC;
	return 0;
}

/* Build both records of @p p from @p c, with record id (and slot) @p id; nothing published yet. */
static int
build(struct pair *p, const struct ike_child_sa *c, uint32_t id)
{
	uint16_t owner = (uint16_t)(id % worker_set.n);
	struct sa_build_prm prm;
	int rc;

	memset(&prm, 0, sizeof(prm));
	prm.protocol = c->proto;
	prm.mode = c->mode;
	prm.local = &c->local;
	prm.remote = &c->remote;
	prm.prop = &c->alg;
	prm.esn = c->esn;
	prm.encap = c->encap;
	prm.lifetime = &c->lifetime;
	/* Inbound: the peer sends from its port to ours. */
	prm.spi = c->spi_in;
	prm.enc_key = c->in.enc;
	prm.integ_key = c->in.integ;
	prm.replay_window = c->replay_window;
	prm.encap_sport = c->remote_port;
	prm.encap_dport = c->local_port;
	if ((rc = sa_build_in(&prm, mgr, id, owner, &p->in)) != 0)
		return rc;
	prm.spi = c->spi_out;
	prm.enc_key = c->out.enc;
	prm.integ_key = c->out.integ;
	prm.replay_window = 0;
	prm.encap_sport = c->local_port;
	prm.encap_dport = c->remote_port;
	if ((rc = sa_build_out(&prm, mgr, id, owner, &p->out)) != 0) {
		sa_build_free_in(p->in);
		p->in = NULL;
	}
	return rc;
}

static void
pair_fill(struct pair *p, const struct ike_child_sa *c)
{
	p->child = c->child;
	p->ike_sa = c->ike_sa;
	p->ike_version = c->ike_version;
	p->spi_in = c->spi_in;
	p->spi_out = c->spi_out;
	p->proto = c->proto;
	p->mode = c->mode;
	p->local = c->local;
	p->remote = c->remote;
	p->prop = c->alg;
	p->esn = c->esn;
	p->encap = c->encap;
	p->local_port = c->local_port;
	p->remote_port = c->remote_port;
	p->replay_window = c->replay_window;
	p->lifetime = c->lifetime;
}

/* The slot that pair @p p's outbound SA goes into (the child's or its peer's). */
static struct pair **
slot_of(const struct pair *p)
{
	return p->peer != NULL ? &p->peer->active : &slot[p->child];
}

/* Link @p p (of new peer @p fresh, if any) into the tables.  Caller holds the lock. */
static void
pair_link(struct pair *p, struct peer *fresh)
{
	if (fresh != NULL)
		peer_link(fresh);
	if (p->peer != NULL)
		p->peer->n_pairs++;
	p->next = pairs[p->child];
	if (p->next != NULL)
		p->next->pprev = &p->next;
	p->pprev = &pairs[p->child];
	pairs[p->child] = p;
	p->hnext = by_spi[spi_bucket(p->spi_in)];
	by_spi[spi_bucket(p->spi_in)] = p;
	n_pairs++;
}

/* child_up (@out: the outbound too) and child_prepare (inbound only). */
static int
pair_up(const struct ike_child_sa *c, bool out)
{
	char name[2 * CONFIG_NAME_MAX];
	uint64_t t0 = rte_get_timer_cycles();
	struct peer *pe = NULL, *fresh = NULL;
	struct pair *p, **s;
	int rc;

	if ((rc = check(c)) != 0)
		goto fail;
	/* A peer's pair: its slot (a rekey's), or a new one with policies of its own. */
	if (own_policies(c) && (pe = peer_find(c)) == NULL &&
	    (pe = fresh = peer_new(c, &rc)) == NULL)
		goto fail;
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		rc = -ENOMEM;
		goto fail_peer;
	}
	pair_fill(p, c);
	p->peer = pe;
	p->id = pe != NULL ? pe->id : SA_CHILD_SLOT_BASE + c->child;
	if ((rc = build(p, c, p->id)) != 0) {
		free(p);
		goto fail_peer;
	}
	/* Inbound first: the peer may use the new SA as soon as it has it. */
	if ((rc = push(PUSH_ADD_IN, p->in)) != 0) {
		pair_free(p);
		goto fail_peer;
	}
	if (!out) {
		/* Prepared: the outbound waits for sa_ike_child_activate(). */
		p->out_pending = true;
		pthread_mutex_lock(&lock);
		pair_link(p, fresh);
		pthread_mutex_unlock(&lock);
		counter_add(&st.child_up, 1);
		child_name(c->child, name, sizeof(name));
		log_info(LOG_FAC_IPSEC,
		    "%s: %s %s SA pair spi_in 0x%08x spi_out 0x%08x %s%s on worker %u: inbound installed, outbound waits",
		    __func__, name, config_mode_name(c->mode), c->spi_in, c->spi_out, c->alg.name,
		    c->encap ? " udp-encap" : "", p->in->owner);
		return 0;
	}
	if ((rc = push(PUSH_ADD_OUT, p->out)) != 0) {
		if (push(PUSH_DEL_IN, p->in) != 0) {
			/* A worker may hold it: never freed (a stuck worker is reported elsewhere). */
			log_err(LOG_FAC_IPSEC, "%s: spi 0x%08x: cannot withdraw the inbound SA",
			    __func__, c->spi_in);
		}
		sa_build_free_out(p->out);
		free(p);
		goto fail_peer;
	}
	pthread_mutex_lock(&lock);
	pair_link(p, fresh);
	s = slot_of(p);
	if (*s != NULL)
		counter_add(&st.rekeyed, 1);
	*s = p;
	pthread_mutex_unlock(&lock);
	counter_add(&st.child_up, 1);
	counter_add(&st.install_ns,
	    (rte_get_timer_cycles() - t0) * UINT64_C(1000000000) / rte_get_timer_hz());
	child_name(c->child, name, sizeof(name));
	log_info(LOG_FAC_IPSEC,
	    "%s: %s %s SA pair spi_in 0x%08x spi_out 0x%08x %s%s on worker %u, slot %u%s", __func__,
	    name, config_mode_name(c->mode), c->spi_in, c->spi_out, c->alg.name,
	    c->encap ? " udp-encap" : "", p->in->owner, p->id,
	    fresh != NULL ? " (a new peer's, with its own policies)" : "");
	return 0;
fail_peer:
	if (fresh != NULL)
		peer_discard(fresh);
fail:
	counter_add(&st.child_up_failed, 1);
	log_warn(LOG_FAC_IPSEC, "%s: child %u spi_in 0x%08x: not installed: %s", __func__,
	    c != NULL ? c->child : 0, c != NULL ? c->spi_in : 0, strerror(-rc));
	return rc;
}

int
sa_ike_child_up(void *ctx, const struct ike_child_sa *c)
{
	(void)ctx;
	return pair_up(c, true);
}

int
sa_ike_child_prepare(void *ctx, const struct ike_child_sa *c)
{
	(void)ctx;
	return pair_up(c, false);
}

int
sa_ike_child_activate(void *ctx, const struct ike_child_sa *c)
{
	char name[2 * CONFIG_NAME_MAX];
	struct pair *p, **s;
	int rc;

	(void)ctx;
	if (cfg == NULL || c == NULL || c->child >= cfg->n_children)
		return -EINVAL;
	p = pair_lookup(c);
	if (p == NULL || p->out == NULL)
		return -ENOENT;
	if (!p->out_pending)
		return 0;
	if ((rc = push(PUSH_ADD_OUT, p->out)) != 0) {
		log_warn(LOG_FAC_IPSEC, "%s: spi 0x%08x: outbound SA not published: %s", __func__,
		    c->spi_out, strerror(-rc));
		return rc;
	}
	pthread_mutex_lock(&lock);
	p->out_pending = false;
	s = slot_of(p);
	if (*s != NULL)
		counter_add(&st.rekeyed, 1);
	*s = p;
	pthread_mutex_unlock(&lock);
	child_name(c->child, name, sizeof(name));
	log_info(LOG_FAC_IPSEC, "%s: %s outbound moved to spi 0x%08x (inbound 0x%08x)", __func__,
	    name, c->spi_out, c->spi_in);
	return 0;
}

void
sa_ike_child_move(void *ctx, const struct ike_child_sa *c)
{
	struct pair *p;

	(void)ctx;
	if (cfg == NULL || c == NULL || c->child >= cfg->n_children)
		return;
	pthread_mutex_lock(&lock);
	if ((p = pair_lookup(c)) != NULL)
		p->ike_sa = c->ike_sa;
	pthread_mutex_unlock(&lock);
}

int
sa_ike_child_remap(void *ctx, const struct ike_child_sa *c)
{
	char name[2 * CONFIG_NAME_MAX], from[INET6_ADDRSTRLEN], to[INET6_ADDRSTRLEN];
	struct sa_build_prm prm;
	struct sa_out_move *mv;
	uint16_t old_port;
	struct pair *p;
	int rc;

	(void)ctx;
	if (cfg == NULL || c == NULL || c->child >= cfg->n_children)
		return -EINVAL;
	p = pair_lookup(c);
	if (p == NULL || p->out == NULL)
		return -ENOENT;
	if (!p->encap || !c->encap || c->remote.family != p->remote.family ||
	    c->local.family != p->local.family)
		return -EINVAL;
	memset(&prm, 0, sizeof(prm));
	prm.protocol = p->proto;
	prm.mode = p->mode;
	prm.local = &c->local;
	prm.remote = &c->remote;
	prm.prop = &p->prop;
	prm.esn = p->esn;
	prm.encap = true;
	prm.encap_sport = c->local_port;
	prm.encap_dport = c->remote_port;
	prm.lifetime = &p->lifetime;
	if ((rc = sa_build_out_move(&prm, p->out, &mv)) != 0)
		return rc;
	if (p->out_pending) {
		/* Not published: no worker knows it yet. */
		esp_outbound_sa_move(p->out, mv);
		sa_build_free_move(mv);
	} else if ((rc = push(PUSH_MOVE_OUT, mv)) != 0) {
		sa_build_free_move(mv);
		log_warn(LOG_FAC_IPSEC, "%s: spi 0x%08x: outbound SA not moved: %s", __func__,
		    c->spi_out, strerror(-rc));
		return rc;
	}
	config_addr_format(&p->remote, from, sizeof(from));
	config_addr_format(&c->remote, to, sizeof(to));
	old_port = p->remote_port;
	pthread_mutex_lock(&lock);
	p->local = c->local;
	p->remote = c->remote;
	p->local_port = c->local_port;
	p->remote_port = c->remote_port;
	pthread_mutex_unlock(&lock);
	counter_add(&st.remapped, 1);
	child_name(c->child, name, sizeof(name));
	log_info(LOG_FAC_IPSEC, "%s: %s spi_out 0x%08x: peer moved from %s:%u to %s:%u", __func__,
	    name, c->spi_out, from, old_port, to, c->remote_port);
	return 0;
}

void
sa_ike_child_down(void *ctx, const struct ike_child_sa *c)
{
	struct pair **pp, *p, *q;
	char name[2 * CONFIG_NAME_MAX];

	(void)ctx;
	if (cfg == NULL || c == NULL || c->child >= cfg->n_children)
		return;
	if ((p = pair_lookup(c)) == NULL) {
		log_debug(LOG_FAC_IPSEC, "%s: child %u spi_in 0x%08x: no such SA pair", __func__,
		    c->child, c->spi_in);
		return;
	}
	pthread_mutex_lock(&lock);
	*p->pprev = p->next;
	if (p->next != NULL)
		p->next->pprev = p->pprev;
	for (pp = &by_spi[spi_bucket(p->spi_in)]; *pp != p; pp = &(*pp)->hnext)
		;
	*pp = p->hnext;
	n_pairs--;
	pthread_mutex_unlock(&lock);
	/*
	 * The slot falls back to the newest remaining pair of the child (of
	 * the same peer, for a peer's slot), before this one goes.
	 */
	if (*slot_of(p) == p) {
		for (q = pairs[c->child];
		     q != NULL && (q->peer != p->peer || q->out == NULL || q->out_pending);
		     q = q->next)
			;
		if (q != NULL && push(PUSH_ADD_OUT, q->out) != 0)
			q = NULL;
		pthread_mutex_lock(&lock);
		*slot_of(p) = q;
		pthread_mutex_unlock(&lock);
	}
	if (p->peer != NULL && --p->peer->n_pairs == 0)
		peer_gone(p->peer);
	/* Never published: no worker knows it. */
	if (p->out != NULL && p->out_pending) {
		sa_build_free_out(p->out);
		p->out = NULL;
	}
	/* A DEL_OUT of a record the slot no longer holds leaves the slot alone (sa_sync.c). */
	if (p->out != NULL && push(PUSH_DEL_OUT, p->out) != 0)
		log_err(LOG_FAC_IPSEC, "%s: spi 0x%08x: cannot withdraw the outbound SA", __func__,
		    p->spi_out);
	if (p->in != NULL && push(PUSH_DEL_IN, p->in) != 0)
		log_err(LOG_FAC_IPSEC, "%s: spi 0x%08x: cannot withdraw the inbound SA", __func__,
		    p->spi_in);
	counter_add(&st.child_down, 1);
	child_name(c->child, name, sizeof(name));
	log_info(LOG_FAC_IPSEC, "%s: %s SA pair spi_in 0x%08x spi_out 0x%08x withdrawn", __func__,
	    name, p->spi_in, p->spi_out);
	free(p); /* the records go after their grace period */
}

void
sa_ike_acquire(const struct ev *ev, uint64_t now_ns)
{
	unsigned int child = ev->sa_id;

	/*
	 * A child with any pair has its SA: traffic its pairs' narrowed
	 * selectors leave out is not what a new negotiation would carry.
	 */
	if (cfg == NULL || child >= cfg->n_children ||
	    cfg->children[child].start_action != CONFIG_START_TRAP || pairs[child] != NULL) {
		counter_add(&st.acquire_ignored, 1);
		return;
	}
	/* Every worker asks on its own: one call per interval for them all. */
	if (acquired_ns[child] != 0 &&
	    now_ns - acquired_ns[child] < ACQUIRE_INTERVAL_MS * 1000000ull)
		return;
	acquired_ns[child] = now_ns;
	if (acquire_fn == NULL) {
		counter_add(&st.acquire_no_handler, 1);
		return;
	}
	counter_add(&st.acquires, 1);
	acquire_fn(acquire_ctx, now_ns, child);
}

/* The pair an SA event is about (by record id and SPI), or NULL when it is gone. */
static const struct pair *
pair_of(const struct ev *ev)
{
	bool out = (ev->flags & EV_SA_F_OUTBOUND) != 0;
	const struct pair *p;
	uint32_t child;

	if (cfg == NULL || ev->sa_id < SA_CHILD_SLOT_BASE || ev->sa_id >= SA_MAX)
		return NULL;
	if (ev->sa_id >= SA_DYN_SLOT_BASE) {
		if (dyn[ev->sa_id - SA_DYN_SLOT_BASE] == NULL)
			return NULL;
		child = dyn[ev->sa_id - SA_DYN_SLOT_BASE]->child;
	} else {
		child = ev->sa_id - SA_CHILD_SLOT_BASE;
	}
	if (child >= cfg->n_children)
		return NULL;
	if (!out) {
		for (p = by_spi[spi_bucket(ev->spi)]; p != NULL; p = p->hnext)
			if (p->spi_in == ev->spi && p->id == ev->sa_id && p->child == child)
				return p;
		return NULL;
	}
	for (p = pairs[child]; p != NULL; p = p->next) {
		if (p->spi_out == ev->spi && p->id == ev->sa_id)
			return p;
	}
	return NULL;
}

static void
corr_fill(struct log_corr *corr, const struct pair *p, uint32_t spi)
{
	memset(corr, 0, sizeof(*corr));
	corr->ipsec_spi = spi;
	if (p == NULL)
		return;
	corr->peer_family = p->remote.family;
	memcpy(corr->peer, p->remote.addr, sizeof(corr->peer));
}

void
sa_ike_activity(const struct ev *ev)
{
	const struct pair *p = pair_of(ev);
	bool out = (ev->flags & EV_SA_F_OUTBOUND) != 0;
	char src[64], dst[64], name[2 * CONFIG_NAME_MAX];
	struct log_corr corr;

	if (p == NULL)
		return; /* gone meanwhile */
	corr_fill(&corr, p, ev->spi);
	child_name(p->child, name, sizeof(name));
	config_addr_format(out ? &p->local : &p->remote, src, sizeof(src));
	config_addr_format(out ? &p->remote : &p->local, dst, sizeof(dst));
	log_event(p->proto == ALG_PROTO_AH ? LOG_MSG_AH : LOG_MSG_ESP, &corr,
	    "dir=%s sa=%s spi=0x%08x src=%s dst=%s seq=%" PRIu64 " packets=%" PRIu64,
	    out ? "out" : "in", name, ev->spi, src, dst, ev->seq, ev->packets);
}

void
sa_ike_lifetime(const struct ev *ev, uint64_t now_ns)
{
	const struct pair *p = pair_of(ev);
	const struct config_lifetime *lt = p != NULL ? &p->lifetime : NULL;
	enum log_msg_id id = LOG_MSG_SA_HARD;
	char name[2 * CONFIG_NAME_MAX] = "-";
	const char *limit = "packets";
	struct log_corr corr;
	bool hard = true;
	uint64_t max = 0;

	switch (ev->limit) {
	case EV_SA_SOFT_PACKETS:
		id = LOG_MSG_SA_SOFT;
		hard = false;
		max = lt != NULL ? lt->soft_packets : 0;
		break;
	case EV_SA_SOFT_BYTES:
		id = LOG_MSG_SA_SOFT;
		hard = false;
		limit = "bytes";
		max = lt != NULL ? lt->soft_bytes : 0;
		break;
	case EV_SA_HARD_PACKETS:
		max = lt != NULL ? lt->hard_packets : 0;
		break;
	case EV_SA_HARD_BYTES:
		limit = "bytes";
		max = lt != NULL ? lt->hard_bytes : 0;
		break;
	case EV_SA_SEQ_EXHAUSTED:
		id = LOG_MSG_SA_SEQ_EXHAUSTED;
		limit = "seq";
		max = p != NULL && p->esn ? UINT64_MAX : UINT32_MAX;
		break;
	default:
		log_err(LOG_FAC_IPSEC, "%s: spi 0x%08x: unknown limit %u", __func__, ev->spi,
		    ev->limit);
		return;
	}
	if (p != NULL)
		child_name(p->child, name, sizeof(name));
	corr_fill(&corr, p, ev->spi);
	log_event(id, &corr,
	    "dir=%s protocol=%s sa=%s spi=0x%08x limit=%s max=%" PRIu64 " packets=%" PRIu64
	    " bytes=%" PRIu64 " seq=%" PRIu64,
	    (ev->flags & EV_SA_F_OUTBOUND) != 0 ? "out" : "in",
	    (ev->flags & EV_SA_F_AH) != 0 ? "ah" : "esp", name, ev->spi, limit, max, ev->packets,
	    ev->bytes, ev->seq);
	if (expire_fn != NULL && p != NULL)
		expire_fn(expire_ctx, now_ns, ev->spi, (ev->flags & EV_SA_F_OUTBOUND) == 0, hard);
}

/* Selectors @p ts as "198.51.100.5/32,2001:db8::/64[udp/53]", cut at @p len. */
static void
ts_format(const struct config_ts *ts, unsigned int n, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN + 24];
	size_t at = 0;
	unsigned int i;
	int k;

	buf[0] = '\0';
	for (i = 0; i < n && at + 1 < len; i++) {
		config_addr_format(&ts[i].net.a, a, sizeof(a));
		if (ts[i].protocol < 0)
			k = snprintf(buf + at, len - at, "%s%s/%u", i != 0 ? "," : "", a,
			    ts[i].net.len);
		else
			k = snprintf(buf + at, len - at, "%s%s/%u[%d/%u-%u]", i != 0 ? "," : "", a,
			    ts[i].net.len, ts[i].protocol, ts[i].ports.first, ts[i].ports.last);
		if (k < 0)
			break;
		at += (size_t)k;
	}
}

/* Row @p inbound of pair @p p into @p r.  Caller holds the lock (the records live until unlinked). */
static void
row_fill(const struct pair *p, bool inbound, struct sa_ike_row *r)
{
	const struct sa_counters *cnt = inbound ? &p->in->cnt : &p->out->cnt;
	const struct sa_lifetime *lt = inbound ? &p->in->lt : &p->out->lt;
	uint16_t owner = inbound ? p->in->owner : p->out->owner;

	memset(r, 0, sizeof(*r));
	child_name(p->child, r->name, sizeof(r->name));
	r->child = p->child;
	r->ike_sa = p->ike_sa;
	r->ike_version = p->ike_version;
	r->inbound = inbound;
	r->active = inbound || *slot_of(p) == p;
	r->slot = p->id;
	if (p->peer != NULL) {
		r->own_policies = true;
		r->policy_live = p->peer->live_gen != 0 && p->peer->live_gen <= published_gen;
		ts_format(p->peer->local_ts, p->peer->n_local_ts, r->local_ts, sizeof(r->local_ts));
		ts_format(p->peer->remote_ts, p->peer->n_remote_ts, r->remote_ts,
		    sizeof(r->remote_ts));
	}
	r->spi = inbound ? p->spi_in : p->spi_out;
	r->proto = p->proto;
	r->mode = p->mode;
	r->local = p->local;
	r->remote = p->remote;
	r->prop = p->prop;
	r->esn = p->esn;
	r->encap = p->encap;
	r->encap_sport = inbound ? p->remote_port : p->local_port;
	r->encap_dport = inbound ? p->local_port : p->remote_port;
	r->owner_lcore = owner < worker_set.n ? worker_set.w[owner]->lcore : 0;
	r->packets = counter_read(&cnt->packets);
	r->bytes = counter_read(&cnt->bytes);
	r->drops = counter_read(&cnt->drops);
	if (inbound) {
		r->replay_window = p->replay_window;
		r->replay_top = __atomic_load_n(&p->in->ar.top, __ATOMIC_RELAXED);
	} else {
		r->seq = __atomic_load_n(&p->out->seq, __ATOMIC_RELAXED);
		r->mtu = p->out->mtu;
		r->pmtu = __atomic_load_n(&p->out->pmtu, __ATOMIC_RELAXED);
	}
	r->lifetime = p->lifetime;
	r->lt_state = __atomic_load_n(&lt->state, __ATOMIC_RELAXED);
}

/*
 * Walk every row in a stable order (children in config order, each
 * child's pairs newest first, inbound then outbound) and copy the rows
 * selected (all; those of SPI @p key when @p by is BY_SPI; those of IKE
 * SA @p key when BY_IKE_SA) from the @p skip-th on, at most @p max.
 */
enum rows_by {
	BY_ALL,
	BY_SPI,
	BY_IKE_SA
};

static size_t
rows_walk(size_t skip, uint64_t key, enum rows_by by, struct sa_ike_row *out, size_t max)
{
	const struct pair *p;
	size_t i, seen = 0, got = 0;
	int d;

	pthread_mutex_lock(&lock);
	for (i = 0; cfg != NULL && pairs != NULL && i < cfg->n_children && got < max; i++) {
		for (p = pairs[i]; p != NULL && got < max; p = p->next) {
			for (d = 1; d >= 0 && got < max; d--) {
				bool in = d == 1;

				if ((in ? (void *)p->in : (void *)p->out) == NULL)
					continue;
				if (by == BY_SPI && (in ? p->spi_in : p->spi_out) != key)
					continue;
				if (by == BY_IKE_SA && p->ike_sa != key)
					continue;
				if (seen++ < skip)
					continue;
				row_fill(p, in, &out[got++]);
			}
		}
	}
	pthread_mutex_unlock(&lock);
	return got;
}

size_t
sa_ike_rows_count(void)
{
	const struct pair *p;
	size_t i, n = 0;

	pthread_mutex_lock(&lock);
	for (i = 0; cfg != NULL && pairs != NULL && i < cfg->n_children; i++) {
		for (p = pairs[i]; p != NULL; p = p->next)
			n += (p->in != NULL) + (p->out != NULL);
	}
	pthread_mutex_unlock(&lock);
	return n;
}

size_t
sa_ike_rows_read(size_t start, struct sa_ike_row *out, size_t max)
{
	return rows_walk(start, 0, BY_ALL, out, max);
}

size_t
sa_ike_rows_find(uint32_t spi, struct sa_ike_row *out, size_t max)
{
	return rows_walk(0, spi, BY_SPI, out, max);
}

size_t
sa_ike_rows_of_ike_sa(uint64_t ike_sa, struct sa_ike_row *out, size_t max)
{
	return rows_walk(0, ike_sa, BY_IKE_SA, out, max);
}

bool
sa_ike_policies_changed(void)
{
	return pols_changed;
}

/* The policies of child @p child's peers (newest first) into @p out; returns how many. */
static unsigned int
child_policies(unsigned int child, struct config_policy *out)
{
	const struct peer *pe;
	unsigned int n = 0;

	for (pe = peers[child]; pe != NULL; pe = pe->next)
		n += ts_policies(child, pe->id, pe->local_ts, pe->n_local_ts, pe->remote_ts,
		    pe->n_remote_ts, out + n);
	return n;
}

int
sa_ike_policies(unsigned int gen, struct config_policy **out, unsigned int *n)
{
	size_t total;
	struct config_policy *ps;
	struct peer *pe;
	unsigned int i, k = 0, next = 0;

	if (cfg == NULL)
		return -EINVAL;
	total = cfg->n_policies + n_dyn_pols;
	if (total > SPD_POLICIES_MAX)
		return -ENOSPC;
	if ((ps = calloc(total != 0 ? total : 1, sizeof(*ps))) == NULL)
		return -ENOMEM;
	/*
	 * First match wins (RFC 4301 §4.4.1): a child's peers' policies go
	 * just before the child's first configured policy, so that each
	 * peer's narrower ones are found before the child's; those of a child
	 * without configured policies go where its policies would be (the
	 * config lists the children's policies in child order).
	 */
	for (i = 0; i < cfg->n_policies; i++) {
		const struct config_policy *cp = &cfg->policies[i];

		while (cp->child >= 0 && next <= (unsigned int)cp->child && next < cfg->n_children)
			k += child_policies(next++, ps + k);
		ps[k++] = *cp;
	}
	while (next < cfg->n_children)
		k += child_policies(next++, ps + k);
	pthread_mutex_lock(&lock);
	for (i = 0; i < cfg->n_children; i++)
		for (pe = peers[i]; pe != NULL; pe = pe->next)
			if (pe->live_gen == 0)
				pe->live_gen = gen;
	for (pe = gone; pe != NULL; pe = pe->next)
		if (pe->gone_gen == 0)
			pe->gone_gen = gen;
	pols_changed = false;
	pthread_mutex_unlock(&lock);
	*out = ps;
	*n = k;
	return 0;
}

void
sa_ike_spd_published(unsigned int gen)
{
	pthread_mutex_lock(&lock);
	published_gen = gen;
	pthread_mutex_unlock(&lock);
}

void
sa_ike_spd_retired(unsigned int gen)
{
	struct peer **pp, *pe;

	/* Built without them and every SPD before it freed: the slots are free again. */
	for (pp = &gone; (pe = *pp) != NULL;) {
		if (pe->gone_gen == 0 || pe->gone_gen > gen) {
			pp = &pe->next;
			continue;
		}
		*pp = pe->next;
		dyn[pe->id - SA_DYN_SLOT_BASE] = NULL;
		free_ids[n_free++] = pe->id;
		free(pe);
	}
}
