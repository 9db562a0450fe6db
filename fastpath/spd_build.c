/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/spd_build.c: the SPD built from the config (rte_acl contexts, scan tables), and freed. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_acl.h>
#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_malloc.h>

#include "fastpath/spd.h"

/*
 * The ACL layout.  rte_acl wants the first field one byte long and the
 * rest in groups of four bytes (one input_index each); every field is in
 * network order in the key (struct spd_key4 / spd_key6):
 *
 *   IPv4 (16 bytes)                     IPv6 (40 bytes)
 *   0  proto  BITMASK 1 (input 0)       0  proto  BITMASK 1 (input 0)
 *   4  src    MASK    4 (input 1)       4  src    MASK    4 x 4 (inputs 1-4)
 *   8  dst    MASK    4 (input 2)       20 dst    MASK    4 x 4 (inputs 5-8)
 *   12 sport  RANGE   2 (input 3)       36 sport  RANGE   2 (input 9)
 *   14 dport  RANGE   2 (input 3)       38 dport  RANGE   2 (input 9)
 *
 * Protocol any is proto 0 with mask 0.  Policy i (0-based, config order)
 * gets priority RTE_ACL_MAX_PRIORITY - i, so that of all matching rules
 * the earliest wins, and userdata i + 1 (0 is rte_acl's "no match").
 */
enum {
	F4_PROTO,
	F4_SRC,
	F4_DST,
	F4_SPORT,
	F4_DPORT,
	F4__MAX
};

enum {
	F6_PROTO,
	F6_SRC0,
	F6_DST0 = F6_SRC0 + 4,
	F6_SPORT = F6_DST0 + 4,
	F6_DPORT,
	F6__MAX
};

RTE_ACL_RULE_DEF(spd_rule4, F4__MAX);
RTE_ACL_RULE_DEF(spd_rule6, F6__MAX);

_Static_assert(sizeof(struct spd_key4) == 16 && offsetof(struct spd_key4, sport) == 12,
    "IPv4 key layout");
_Static_assert(sizeof(struct spd_key6) == 40 && offsetof(struct spd_key6, sport) == 36,
    "IPv6 key layout");
_Static_assert(CONFIG_POLICIES_MAX <= SPD_POLICIES_MAX && SPD_POLICIES_MAX < RTE_ACL_MAX_PRIORITY,
    "one priority per policy");

/* Names the contexts: a rebuilt SPD must coexist with the one it replaces. */
static unsigned int spd_gen;

/* The classify methods, in rte_acl's order of preference (which breaks ties in alg_choose()). */
static const struct {
	enum rte_acl_classify_alg alg;
	const char *name;
} algs[] = {
	{ RTE_ACL_CLASSIFY_AVX512X32, "avx512x32" },
	{ RTE_ACL_CLASSIFY_AVX512X16, "avx512x16" },
	{ RTE_ACL_CLASSIFY_AVX2, "avx2" },
	{ RTE_ACL_CLASSIFY_SSE, "sse" },
	{ RTE_ACL_CLASSIFY_NEON, "neon" },
	{ RTE_ACL_CLASSIFY_ALTIVEC, "altivec" },
	{ RTE_ACL_CLASSIFY_SCALAR, "scalar" },
};

static const char *const ctx_names[2][2] = {
	{ "outbound IPv4", "outbound IPv6" },
	{ "inbound IPv4", "inbound IPv6" },
};

static void
defs4(struct rte_acl_config *c)
{
	static const struct rte_acl_field_def d[F4__MAX] = {
		{ RTE_ACL_FIELD_TYPE_BITMASK, 1, F4_PROTO, 0, offsetof(struct spd_key4, proto) },
		{ RTE_ACL_FIELD_TYPE_MASK, 4, F4_SRC, 1, offsetof(struct spd_key4, src) },
		{ RTE_ACL_FIELD_TYPE_MASK, 4, F4_DST, 2, offsetof(struct spd_key4, dst) },
		{ RTE_ACL_FIELD_TYPE_RANGE, 2, F4_SPORT, 3, offsetof(struct spd_key4, sport) },
		{ RTE_ACL_FIELD_TYPE_RANGE, 2, F4_DPORT, 3, offsetof(struct spd_key4, dport) },
	};

	c->num_fields = F4__MAX;
	memcpy(c->defs, d, sizeof(d));
}

static void
defs6(struct rte_acl_config *c)
{
	unsigned int i;

	c->num_fields = F6__MAX;
	c->defs[F6_PROTO] = (struct rte_acl_field_def){ RTE_ACL_FIELD_TYPE_BITMASK, 1, F6_PROTO, 0,
		offsetof(struct spd_key6, proto) };
	for (i = 0; i < 4; i++) {
		c->defs[F6_SRC0 + i] =
		    (struct rte_acl_field_def){ RTE_ACL_FIELD_TYPE_MASK, 4, (uint8_t)(F6_SRC0 + i),
			    (uint8_t)(1 + i), (uint32_t)(offsetof(struct spd_key6, src) + 4 * i) };
		c->defs[F6_DST0 + i] =
		    (struct rte_acl_field_def){ RTE_ACL_FIELD_TYPE_MASK, 4, (uint8_t)(F6_DST0 + i),
			    (uint8_t)(5 + i), (uint32_t)(offsetof(struct spd_key6, dst) + 4 * i) };
	}
	c->defs[F6_SPORT] = (struct rte_acl_field_def){ RTE_ACL_FIELD_TYPE_RANGE, 2, F6_SPORT, 9,
		offsetof(struct spd_key6, sport) };
	c->defs[F6_DPORT] = (struct rte_acl_field_def){ RTE_ACL_FIELD_TYPE_RANGE, 2, F6_DPORT, 9,
		offsetof(struct spd_key6, dport) };
}

/* Word @p w (0-3) of a 16-byte address, host order, and the prefix bits that fall in it. */
static void
addr_word(struct rte_acl_field *f, const uint8_t *a, unsigned int len, unsigned int w)
{
	unsigned int bits = len > 32 * w ? RTE_MIN(len - 32 * w, 32u) : 0;
	uint32_t v = (uint32_t)a[4 * w] << 24 | (uint32_t)a[4 * w + 1] << 16 |
	    (uint32_t)a[4 * w + 2] << 8 | a[4 * w + 3];

	f->value.u32 = bits == 0 ? 0 : v & (UINT32_MAX << (32 - bits));
	f->mask_range.u32 = bits;
}

static void
common_fields(struct rte_acl_field *proto, struct rte_acl_field *sport, struct rte_acl_field *dport,
    const struct config_policy *p)
{
	proto->value.u8 = p->protocol < 0 ? 0 : (uint8_t)p->protocol;
	proto->mask_range.u8 = p->protocol < 0 ? 0 : UINT8_MAX;
	sport->value.u16 = p->source_ports.first;
	sport->mask_range.u16 = p->source_ports.last;
	dport->value.u16 = p->destination_ports.first;
	dport->mask_range.u16 = p->destination_ports.last;
}

static void
rule4(struct spd_rule4 *r, const struct config_policy *p, unsigned int i)
{
	memset(r, 0, sizeof(*r));
	r->data.category_mask = 1;
	r->data.priority = (int32_t)(RTE_ACL_MAX_PRIORITY - i);
	r->data.userdata = i + 1;
	common_fields(&r->field[F4_PROTO], &r->field[F4_SPORT], &r->field[F4_DPORT], p);
	addr_word(&r->field[F4_SRC], p->source.a.addr, p->source.len, 0);
	addr_word(&r->field[F4_DST], p->destination.a.addr, p->destination.len, 0);
}

static void
rule6(struct spd_rule6 *r, const struct config_policy *p, unsigned int i)
{
	unsigned int w;

	memset(r, 0, sizeof(*r));
	r->data.category_mask = 1;
	r->data.priority = (int32_t)(RTE_ACL_MAX_PRIORITY - i);
	r->data.userdata = i + 1;
	common_fields(&r->field[F6_PROTO], &r->field[F6_SPORT], &r->field[F6_DPORT], p);
	for (w = 0; w < 4; w++) {
		addr_word(&r->field[F6_SRC0 + w], p->source.a.addr, p->source.len, w);
		addr_word(&r->field[F6_DST0 + w], p->destination.a.addr, p->destination.len, w);
	}
}

/* A prefix of @p len bits as a network-order mask of @p bytes bytes. */
static void
prefix_mask(uint8_t *m, unsigned int bytes, unsigned int len)
{
	unsigned int i, bits;

	for (i = 0; i < bytes; i++) {
		bits = len > 8 * i ? RTE_MIN(len - 8 * i, 8u) : 0;
		m[i] = (uint8_t)(0xff00 >> bits);
	}
}

/* The ports and protocol of policy @p p (index @p i) as the scan tests them. */
static void
lin_sel(struct spd_lin_sel *s, const struct config_policy *p, unsigned int i)
{
	s->sp_lo = p->source_ports.first;
	s->sp_span = (uint16_t)(p->source_ports.last - p->source_ports.first);
	s->dp_lo = p->destination_ports.first;
	s->dp_span = (uint16_t)(p->destination_ports.last - p->destination_ports.first);
	s->proto = p->protocol < 0 ? 0 : (uint8_t)p->protocol;
	s->pmask = p->protocol < 0 ? 0 : UINT8_MAX;
	s->id = i + 1;
}

static void
lin4(struct spd_lin4 *r, const struct config_policy *p, unsigned int i)
{
	memset(r, 0, sizeof(*r));
	lin_sel(&r->s, p, i);
	prefix_mask((uint8_t *)&r->smask, 4, p->source.len);
	prefix_mask((uint8_t *)&r->dmask, 4, p->destination.len);
	memcpy(&r->src, p->source.a.addr, 4);
	memcpy(&r->dst, p->destination.a.addr, 4);
	r->src &= r->smask;
	r->dst &= r->dmask;
}

static void
lin6(struct spd_lin6 *r, const struct config_policy *p, unsigned int i)
{
	unsigned int w;

	memset(r, 0, sizeof(*r));
	lin_sel(&r->s, p, i);
	prefix_mask((uint8_t *)r->smask, 16, p->source.len);
	prefix_mask((uint8_t *)r->dmask, 16, p->destination.len);
	memcpy(r->src, p->source.a.addr, 16);
	memcpy(r->dst, p->destination.a.addr, 16);
	for (w = 0; w < 2; w++) {
		r->src[w] &= r->smask[w];
		r->dst[w] &= r->dmask[w];
	}
}

static bool
ports_ok(const struct config_port_range *r)
{
	/* Port 0 stands for OPAQUE: only any (0-65535) may cover it. */
	return r->first <= r->last && (r->first != 0 || r->last == UINT16_MAX);
}

/* Is policy @p i one the SPD can hold?  Else says why in @p err. */
static bool
policy_ok(const struct config_policy *p, unsigned int i, char *err, size_t errlen)
{
	unsigned int fam = p->source.a.family;

	if (p->direction != CONFIG_DIR_OUTBOUND && p->direction != CONFIG_DIR_INBOUND) {
		snprintf(err, errlen, "spd: policies[%u] (%s): bad direction %d", i, p->name,
		    (int)p->direction);
		return false;
	}
	if ((fam != 4 && fam != 6) || p->destination.a.family != fam) {
		snprintf(err, errlen, "spd: policies[%u] (%s): source is IPv%u, destination IPv%u",
		    i, p->name, fam, p->destination.a.family);
		return false;
	}
	if (p->source.len > (fam == 4 ? 32 : 128) || p->destination.len > (fam == 4 ? 32 : 128)) {
		snprintf(err, errlen,
		    "spd: policies[%u] (%s): prefix /%u or /%u too long for IPv%u", i, p->name,
		    p->source.len, p->destination.len, fam);
		return false;
	}
	if (p->protocol < -1 || p->protocol > UINT8_MAX) {
		snprintf(err, errlen, "spd: policies[%u] (%s): bad protocol %d", i, p->name,
		    p->protocol);
		return false;
	}
	if (!ports_ok(&p->source_ports) || !ports_ok(&p->destination_ports)) {
		snprintf(err, errlen,
		    "spd: policies[%u] (%s): bad port range %u-%u or %u-%u (0 only in any)", i,
		    p->name, p->source_ports.first, p->source_ports.last,
		    p->destination_ports.first, p->destination_ports.last);
		return false;
	}
	return true;
}

/* The run-time size rte_acl may use for @p n rules: it splits tries to stay below. */
static size_t
acl_budget(unsigned int n)
{
	size_t b = (size_t)n * SPD_ACL_BYTES_PER_RULE;

	return RTE_MAX(RTE_MIN(b, (size_t)SPD_ACL_BYTES_MAX), (size_t)SPD_ACL_BYTES_MIN);
}

/* The context of direction @p dir, family index @p f (0: IPv4), from its @p n policies. */
static int
ctx_build(struct spd *spd, unsigned int gen, unsigned int dir, unsigned int f, unsigned int n,
    int socket, char *err, size_t errlen)
{
	struct rte_acl_param prm;
	struct rte_acl_config cfg;
	char name[RTE_ACL_NAMESIZE];
	const struct config_policy *p;
	size_t rsz = f == 0 ? sizeof(struct spd_rule4) : sizeof(struct spd_rule6);
	unsigned int i, k;
	uint8_t *rules;
	int rc;

	snprintf(name, sizeof(name), "spd%u_%s%c", gen, dir == CONFIG_DIR_OUTBOUND ? "out" : "in",
	    f == 0 ? '4' : '6');
	rules = calloc(n, rsz);
	if (rules == NULL) {
		snprintf(err, errlen, "spd: %s: out of memory for %u rules", ctx_names[dir][f], n);
		return -ENOMEM;
	}
	for (i = 0, k = 0; i < spd->n_policies; i++) {
		p = &spd->policies[i];
		if (p->direction != dir || p->source.a.family != (f == 0 ? 4 : 6))
			continue;
		if (f == 0)
			rule4((struct spd_rule4 *)(rules + k * rsz), p, i);
		else
			rule6((struct spd_rule6 *)(rules + k * rsz), p, i);
		if (n <= SPD_LINEAR_MAX && f == 0)
			lin4(&spd->lin4[dir][k], p, i);
		else if (n <= SPD_LINEAR_MAX)
			lin6(&spd->lin6[dir][k], p, i);
		k++;
	}
	spd->n_lin[dir][f] = (uint16_t)(n <= SPD_LINEAR_MAX ? n : 0);

	memset(&prm, 0, sizeof(prm));
	prm.name = name;
	prm.socket_id = socket;
	prm.rule_size = (uint32_t)rsz;
	prm.max_rule_num = n;
	spd->acl[dir][f] = rte_acl_create(&prm);
	if (spd->acl[dir][f] == NULL) {
		rc = rte_errno != 0 ? -rte_errno : -ENOMEM;
		snprintf(err, errlen, "spd: %s: rte_acl_create: %s", ctx_names[dir][f],
		    rte_strerror(-rc));
		goto out;
	}
	rc = rte_acl_add_rules(spd->acl[dir][f], (const struct rte_acl_rule *)rules, n);
	if (rc != 0) {
		snprintf(err, errlen, "spd: %s: rte_acl_add_rules: %s", ctx_names[dir][f],
		    rte_strerror(-rc));
		goto out;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.num_categories = 1;
	if (f == 0)
		defs4(&cfg);
	else
		defs6(&cfg);
	cfg.max_size = acl_budget(n);
	rc = rte_acl_build(spd->acl[dir][f], &cfg);
	if (rc != 0) {
		snprintf(err, errlen, "spd: %s: rte_acl_build of %u rules within %zu bytes: %s",
		    ctx_names[dir][f], n, cfg.max_size, rte_strerror(-rc));
		goto out;
	}
out:
	free(rules);
	return rc;
}

/*
 * Keys for timing the classify methods: one per policy of the family,
 * round robin, every other one with its destination inverted (likely to
 * match nothing: the scan's worst case).
 */
struct calib {
	struct spd_key4 k4[SPD_CALIB_KEYS];
	struct spd_key6 k6[SPD_CALIB_KEYS];
	const uint8_t *data[2][SPD_CALIB_KEYS];
};

static void
calib_keys(struct calib *c, const struct spd *spd, const unsigned int *n_family)
{
	const struct config_policy *p;
	unsigned int f, i, k;
	uint16_t sport, dport;

	for (f = 0; f < 2; f++) {
		if (n_family[f] == 0)
			continue;
		for (i = 0, k = 0; k < SPD_CALIB_KEYS; i = (i + 1) % spd->n_policies) {
			p = &spd->policies[i];
			if (p->source.a.family != (f == 0 ? 4 : 6))
				continue;
			sport = rte_cpu_to_be_16(RTE_MAX(p->source_ports.first, (uint16_t)1024));
			dport =
			    rte_cpu_to_be_16(RTE_MAX(p->destination_ports.first, (uint16_t)443));
			if (f == 0) {
				c->k4[k].proto =
				    p->protocol < 0 ? IPPROTO_TCP : (uint8_t)p->protocol;
				memcpy(&c->k4[k].src, p->source.a.addr, 4);
				memcpy(&c->k4[k].dst, p->destination.a.addr, 4);
				c->k4[k].sport = sport;
				c->k4[k].dport = dport;
				c->data[0][k] = (const uint8_t *)&c->k4[k];
			} else {
				c->k6[k].proto =
				    p->protocol < 0 ? IPPROTO_TCP : (uint8_t)p->protocol;
				memcpy(c->k6[k].src, p->source.a.addr, 16);
				memcpy(c->k6[k].dst, p->destination.a.addr, 16);
				c->k6[k].sport = sport;
				c->k6[k].dport = dport;
				c->data[1][k] = (const uint8_t *)&c->k6[k];
			}
			if (k % 2 == 1) {
				uint8_t *d = f == 0 ? (uint8_t *)&c->k4[k].dst : c->k6[k].dst;
				unsigned int b;

				for (b = 0; b < (f == 0 ? 4u : 16u); b++)
					d[b] = (uint8_t)~d[b];
			}
			k++;
		}
	}
}

/*
 * TSC cycles (best of three) to classify the calibration keys of context
 * [@p d][@p f]: by its scan, or by rte_acl with the context's method.
 */
static uint64_t
ctx_cost(const struct spd *spd, struct calib *c, unsigned int d, unsigned int f, bool scan)
{
	uint32_t res[BURST_MAX];
	uint64_t t0, t, best = UINT64_MAX;
	unsigned int r, i;

	for (r = 0; r < 3; r++) {
		t0 = rte_rdtsc_precise();
		for (i = 0; i < SPD_CALIB_KEYS; i += BURST_MAX) {
			if (scan)
				spd_linear_classify(spd, d, f, &c->data[f][i], res, BURST_MAX);
			else
				rte_acl_classify(spd->acl[d][f], &c->data[f][i], res, BURST_MAX, 1);
		}
		t = rte_rdtsc_precise() - t0;
		best = RTE_MIN(best, t);
	}
	return best;
}

/* TSC cycles for @p alg to classify the keys in every context; 0: not allowed. */
static uint64_t
alg_cost(struct spd *spd, struct calib *c, enum rte_acl_classify_alg alg)
{
	uint64_t sum = 0;
	unsigned int d, f;

	for (d = 0; d < 2; d++) {
		for (f = 0; f < 2; f++) {
			if (spd->acl[d][f] == NULL)
				continue;
			if (rte_acl_set_ctx_classify(spd->acl[d][f], alg) != 0)
				return 0;
			sum += ctx_cost(spd, c, d, f, false);
		}
	}
	return sum;
}

/* Set every context of @p spd to classify with @p alg. */
static int
alg_set(struct spd *spd, enum rte_acl_classify_alg alg)
{
	unsigned int d, f;
	int rc;

	for (d = 0; d < 2; d++) {
		for (f = 0; f < 2; f++) {
			if (spd->acl[d][f] == NULL)
				continue;
			if ((rc = rte_acl_set_ctx_classify(spd->acl[d][f], alg)) != 0)
				return rc;
		}
	}
	spd->alg = (int)alg;
	memset(spd->linear, 0, sizeof(spd->linear));
	return 0;
}

/* Every context with policies scans them; -ENOTSUP (nothing changed) when one has too many. */
static int
linear_set(struct spd *spd)
{
	unsigned int d, f;

	for (d = 0; d < 2; d++)
		for (f = 0; f < 2; f++)
			if (spd->acl[d][f] != NULL && spd->n_lin[d][f] == 0)
				return -ENOTSUP;
	for (d = 0; d < 2; d++)
		for (f = 0; f < 2; f++)
			spd->linear[d][f] = spd->acl[d][f] != NULL;
	return 0;
}

/*
 * Pick the fastest classify method on these very contexts.  rte_acl's own
 * ranking (avx512x32, avx512x16, avx2, sse, scalar, as far as the CPU and
 * the EAL's max SIMD bitwidth allow) is not the order of speed everywhere:
 * on the Xeon this was written on, with the default bitwidth of 256, it
 * picks avx512x16, the slowest of all there (tests/bench/bench_spd.c).
 * So every allowed method is timed on a few bursts of keys made from the
 * policies, and the cheapest wins; they all give the same answers.
 */
static int
alg_choose(struct spd *spd, const unsigned int *n_family, char *err, size_t errlen)
{
	enum rte_acl_classify_alg best = RTE_ACL_CLASSIFY_SCALAR;
	uint64_t cost, best_cost = UINT64_MAX;
	unsigned int i, d, f;
	struct calib *c;
	int rc;

	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		snprintf(err, errlen, "spd: out of memory");
		return -ENOMEM;
	}
	calib_keys(c, spd, n_family);
	for (i = 0; i < RTE_DIM(algs); i++) {
		cost = alg_cost(spd, c, algs[i].alg);
		if (cost != 0 && cost < best_cost) {
			best_cost = cost;
			best = algs[i].alg;
		}
	}
	rc = alg_set(spd, best);
	/* Then each small context: its scan against that method. */
	for (d = 0; rc == 0 && d < 2; d++) {
		for (f = 0; f < 2; f++) {
			if (spd->acl[d][f] != NULL && spd->n_lin[d][f] != 0)
				spd->linear[d][f] =
				    ctx_cost(spd, c, d, f, true) < ctx_cost(spd, c, d, f, false);
		}
	}
	free(c);
	return rc;
}

struct spd *
spd_create_policies(const struct config_policy *pols, unsigned int n, int socket, char *err,
    size_t errlen)
{
	unsigned int count[2][2] = { { 0, 0 }, { 0, 0 } }, n_family[2];
	struct spd *spd;
	unsigned int i, d, f, gen;

	if ((n != 0 && pols == NULL) || n > SPD_POLICIES_MAX) {
		snprintf(err, errlen, "spd: no policies, or more than %u", SPD_POLICIES_MAX);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if (!policy_ok(&pols[i], i, err, errlen))
			return NULL;
		count[pols[i].direction][pols[i].source.a.family == 4 ? 0 : 1]++;
	}
	spd = rte_zmalloc_socket("spd", sizeof(*spd) + n * sizeof(spd->policies[0]),
	    RTE_CACHE_LINE_SIZE, socket);
	if (spd == NULL) {
		snprintf(err, errlen, "spd: out of memory for %u policies", n);
		return NULL;
	}
	spd->n_policies = n;
	if (n != 0)
		memcpy(spd->policies, pols, n * sizeof(spd->policies[0]));
	spd->alg = (int)RTE_ACL_CLASSIFY_DEFAULT;
	gen = __atomic_fetch_add(&spd_gen, 1, __ATOMIC_RELAXED);

	for (d = 0; d < 2; d++) {
		for (f = 0; f < 2; f++) {
			if (count[d][f] != 0 &&
			    ctx_build(spd, gen, d, f, count[d][f], socket, err, errlen) != 0)
				goto fail;
		}
	}
	n_family[0] = count[0][0] + count[1][0];
	n_family[1] = count[0][1] + count[1][1];
	if (n != 0 && alg_choose(spd, n_family, err, errlen) != 0)
		goto fail;
	return spd;
fail:
	spd_destroy(spd);
	return NULL;
}

struct spd *
spd_create(const struct config *cfg, int socket, char *err, size_t errlen)
{
	if (cfg == NULL || (cfg->n_policies != 0 && cfg->policies == NULL) ||
	    cfg->n_policies > CONFIG_POLICIES_MAX) {
		snprintf(err, errlen, "spd: no config, or more than %d policies",
		    CONFIG_POLICIES_MAX);
		return NULL;
	}
	return spd_create_policies(cfg->policies, cfg->n_policies, socket, err, errlen);
}

void
spd_destroy(struct spd *spd)
{
	unsigned int d, f;

	if (spd == NULL)
		return;
	for (d = 0; d < 2; d++)
		for (f = 0; f < 2; f++)
			rte_acl_free(spd->acl[d][f]);
	rte_free(spd);
}

const char *
spd_algorithm_name(const struct spd *spd)
{
	unsigned int i, d, f, acl = 0;

	for (d = 0; d < 2; d++)
		for (f = 0; f < 2; f++)
			acl += spd->acl[d][f] != NULL && !spd->linear[d][f];
	if (acl == 0 && spd->n_policies != 0)
		return "linear";
	for (i = 0; i < RTE_DIM(algs); i++)
		if ((int)algs[i].alg == spd->alg)
			return algs[i].name;
	return "none";
}

int
spd_algorithm_set(struct spd *spd, const char *name)
{
	unsigned int i;

	if (strcmp(name, "linear") == 0)
		return linear_set(spd);
	for (i = 0; i < RTE_DIM(algs); i++)
		if (strcmp(algs[i].name, name) == 0)
			return spd->n_policies == 0 ? 0 : alg_set(spd, algs[i].alg);
	return -EINVAL;
}
