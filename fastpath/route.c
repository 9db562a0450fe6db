/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/route.c: building the forwarding table from the config, and freeing it (control core). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_jhash.h>
#include <rte_malloc.h>

#include "fastpath/route.h"

struct route_table *route_table;

/* Names the FIBs: a rebuilt table must coexist with the one it replaces. */
static unsigned int route_gen;

_Static_assert(sizeof(struct route_nexthop) == 20, "next hops are hashed and compared as bytes");
_Static_assert(NEXTHOP_MAX <= 32767 && ROUTE_TBL8_MAX <= 32767,
    "FIB entries are 2 bytes: values and tbl8 indices have 15 bits");

/* One prefix to install.  Equal prefixes: the later one wins. */
struct prefix {
	uint8_t family;
	uint8_t len;
	uint16_t nh;
	uint8_t addr[16]; /* host bits zero */
};

/* The state of one build: the table being filled and its scratch arrays. */
struct build {
	struct route_table *t;
	unsigned int cap_nh;
	uint32_t *slot; /* next-hop hash: index + 1, 0 when empty */
	uint32_t slot_mask;
	struct prefix *pf;
	unsigned int n_pf;
	char *err;
	size_t errlen;
};

static unsigned int
headroom(unsigned int n)
{
	return n + n * ROUTE_HEADROOM_PCT / 100 + ROUTE_HEADROOM_MIN;
}

static uint8_t
mask_byte(unsigned int len, unsigned int i)
{
	if (len >= 8 * (i + 1))
		return 0xff;
	if (len <= 8 * i)
		return 0;
	return (uint8_t)(0xff << (8 - (len - 8 * i)));
}

static void
prefix_format(const struct prefix *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (inet_ntop(p->family == 4 ? AF_INET : AF_INET6, p->addr, a, sizeof(a)) == NULL)
		snprintf(a, sizeof(a), "?");
	snprintf(buf, len, "%s/%u", a, p->len);
}

/* The index of next hop @p key, added when new; -ENOSPC when the table is full. */
static int
nh_intern(struct build *b, const struct route_nexthop *key)
{
	uint32_t h = rte_jhash(key, sizeof(*key), 0) & b->slot_mask;
	uint32_t i;

	for (; (i = b->slot[h]) != 0; h = (h + 1) & b->slot_mask) {
		if (memcmp(&b->t->nh[i - 1], key, sizeof(*key)) == 0)
			return (int)(i - 1);
	}
	if (b->t->n_nh == b->cap_nh)
		return -ENOSPC;
	b->t->nh[b->t->n_nh] = *key;
	b->slot[h] = ++b->t->n_nh;
	return (int)(b->t->n_nh - 1);
}

/* Queue prefix @p a / @p len towards next hop (@p kind, @p port, @p gw). */
static int
prefix_add(struct build *b, const struct config_addr *a, unsigned int len, enum route_nh_kind kind,
    unsigned int port, const struct config_addr *gw)
{
	unsigned int i, alen = a->family == 4 ? 4 : 16;
	struct prefix *p = &b->pf[b->n_pf];
	struct route_nexthop key;
	int nh;

	if ((a->family != 4 && a->family != 6) || len > 8 * alen || port >= PORTS_MAX) {
		snprintf(b->err, b->errlen,
		    "route table: bad prefix (family %u, length %u, port %u)", a->family, len,
		    port);
		return -EINVAL;
	}
	memset(&key, 0, sizeof(key));
	key.port = (uint16_t)port;
	key.kind = (uint8_t)kind;
	key.family = a->family;
	if (gw != NULL)
		memcpy(key.gw, gw->addr, alen);
	if ((nh = nh_intern(b, &key)) < 0) {
		snprintf(b->err, b->errlen, "route table: more than %u next hops", b->cap_nh);
		return nh;
	}
	memset(p, 0, sizeof(*p));
	p->family = a->family;
	p->len = (uint8_t)len;
	p->nh = (uint16_t)nh;
	for (i = 0; i < alen; i++)
		p->addr[i] = a->addr[i] & mask_byte(len, i);
	b->n_pf++;
	return 0;
}

/*
 * Every prefix of @p cfg, in install order: routes, then connected
 * networks, then our own addresses, so that of equal prefixes the
 * connected network beats a route and the local address beats both.
 */
static int
collect(struct build *b, const struct config *cfg)
{
	const struct config_interface *ci;
	const struct config_prefix *a;
	const struct config_route *r;
	struct config_addr host;
	unsigned int i, j;
	int rc;

	for (i = 0; i < cfg->n_routes; i++) {
		r = &cfg->routes[i];
		rc = prefix_add(b, &r->destination.a, r->destination.len, ROUTE_NH_GATEWAY,
		    r->interface, &r->gateway);
		if (rc != 0)
			return rc;
	}
	for (i = 0; i < cfg->n_interfaces; i++) {
		ci = &cfg->interfaces[i];
		for (j = 0; j < ci->n_addresses; j++) {
			a = &ci->addresses[j];
			if ((rc = prefix_add(b, &a->a, a->len, ROUTE_NH_CONNECTED, i, NULL)) != 0)
				return rc;
		}
	}
	for (i = 0; i < cfg->n_interfaces; i++) {
		ci = &cfg->interfaces[i];
		for (j = 0; j < ci->n_addresses; j++) {
			host = ci->addresses[j].a;
			rc = prefix_add(b, &host, host.family == 4 ? 32 : 128, ROUTE_NH_LOCAL, i,
			    NULL);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

static int
cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return a < b ? -1 : a > b;
}

/*
 * tbl8 groups DIR24_8 needs: one per /24 that holds a prefix longer than
 * /24.  Returns -ENOMEM, or the count.
 */
static long
tbl8_need_v4(const struct build *b)
{
	unsigned int i, n = 0, distinct = 0;
	uint32_t *s24;

	if ((s24 = malloc(sizeof(*s24) * (b->n_pf + 1))) == NULL)
		return -ENOMEM;
	for (i = 0; i < b->n_pf; i++) {
		if (b->pf[i].family == 4 && b->pf[i].len > 24) {
			s24[n++] = (uint32_t)b->pf[i].addr[0] << 16 |
			    (uint32_t)b->pf[i].addr[1] << 8 | b->pf[i].addr[2];
		}
	}
	qsort(s24, n, sizeof(*s24), cmp_u32);
	for (i = 0; i < n; i++)
		distinct += i == 0 || s24[i] != s24[i - 1];
	free(s24);
	return distinct;
}

/*
 * tbl8 groups TRIE may reserve: for each prefix longer than /24, DPDK
 * reserves one group per byte boundary between its longest covering
 * prefix (or /24) and its own length, whether or not the groups end up
 * shared.  Count every prefix as uncovered: an upper bound.
 */
static unsigned int
tbl8_need_v6(const struct build *b)
{
	unsigned int i, n = 0;

	for (i = 0; i < b->n_pf; i++) {
		if (b->pf[i].family == 6 && b->pf[i].len > 24)
			n += (b->pf[i].len + 7u) / 8 - 3;
	}
	return n;
}

/* After rte_fib_create() or rte_fib6_create() failed. */
static int
fib_fail(struct build *b, char family, unsigned int n, unsigned int tbl8)
{
	int rc = rte_errno > 0 ? -rte_errno : -ENOMEM;

	snprintf(b->err, b->errlen,
	    "route table: cannot create the IPv%c FIB for %u prefixes and %u tbl8 groups: %s (raise --socket-mem)",
	    family, n, tbl8, rte_strerror(-rc));
	return rc;
}

/* Size and create the FIB of each family that has prefixes. */
static int
fibs_create(struct build *b, unsigned int gen)
{
	struct route_table *t = b->t;
	char name[32];
	struct rte_fib6_conf c6;
	struct rte_fib_conf c4;
	long need4;

	if ((need4 = tbl8_need_v4(b)) < 0) {
		snprintf(b->err, b->errlen, "route table: out of memory");
		return (int)need4;
	}
	if (t->n_v4 > 0) {
		t->tbl8_v4 = RTE_MIN(headroom((unsigned int)need4), ROUTE_TBL8_MAX);
		memset(&c4, 0, sizeof(c4));
		c4.type = RTE_FIB_DIR24_8;
		c4.default_nh = ROUTE_NH_NONE;
		c4.max_routes = (int)headroom(t->n_v4);
		c4.dir24_8.nh_sz = RTE_FIB_DIR24_8_2B;
		c4.dir24_8.num_tbl8 = t->tbl8_v4;
		snprintf(name, sizeof(name), "rt4_%u", gen);
		if ((t->fib4 = rte_fib_create(name, SOCKET_ID_ANY, &c4)) == NULL)
			return fib_fail(b, '4', t->n_v4, t->tbl8_v4);
	}
	if (t->n_v6 > 0) {
		t->tbl8_v6 = RTE_MIN(headroom(tbl8_need_v6(b)), ROUTE_TBL8_MAX);
		memset(&c6, 0, sizeof(c6));
		c6.type = RTE_FIB6_TRIE;
		c6.default_nh = ROUTE_NH_NONE;
		c6.max_routes = (int)headroom(t->n_v6);
		c6.trie.nh_sz = RTE_FIB6_TRIE_2B;
		c6.trie.num_tbl8 = t->tbl8_v6;
		snprintf(name, sizeof(name), "rt6_%u", gen);
		if ((t->fib6 = rte_fib6_create(name, SOCKET_ID_ANY, &c6)) == NULL)
			return fib_fail(b, '6', t->n_v6, t->tbl8_v6);
	}
	return 0;
}

static int
install(struct build *b)
{
	const struct prefix *p;
	char what[INET6_ADDRSTRLEN + 8];
	unsigned int i;
	uint32_t ip;
	int rc;

	for (i = 0; i < b->n_pf; i++) {
		p = &b->pf[i];
		if (p->family == 4) {
			ip = (uint32_t)p->addr[0] << 24 | (uint32_t)p->addr[1] << 16 |
			    (uint32_t)p->addr[2] << 8 | p->addr[3];
			rc = rte_fib_add(b->t->fib4, ip, p->len, p->nh);
		} else {
			rc = rte_fib6_add(b->t->fib6, p->addr, p->len, p->nh);
		}
		if (rc != 0) {
			prefix_format(p, what, sizeof(what));
			snprintf(b->err, b->errlen, "route table: cannot install %s: %s%s", what,
			    strerror(-rc),
			    rc == -ENOSPC ? " (too many prefixes longer than /24 for one FIB)" :
			                    "");
			return rc;
		}
	}
	return 0;
}

static void
table_free(struct route_table *t)
{
	if (t == NULL)
		return;
	rte_fib_free(t->fib4);
	rte_fib6_free(t->fib6);
	rte_free(t);
}

/* Build a complete table from @p cfg into @p out; nothing is published. */
static int
table_build(const struct config *cfg, struct route_table **out, char *err, size_t errlen)
{
	struct build b = { .err = err, .errlen = errlen };
	unsigned int i, n_addr = 0, n_slot = 2;
	int rc = -ENOMEM;

	for (i = 0; i < cfg->n_interfaces; i++)
		n_addr += cfg->interfaces[i].n_addresses;
	b.cap_nh = RTE_MIN(cfg->n_routes + 2 * n_addr, (unsigned int)NEXTHOP_MAX);
	while (n_slot < 2 * b.cap_nh)
		n_slot *= 2;
	b.slot_mask = n_slot - 1;
	b.t = rte_zmalloc("route_table", sizeof(*b.t) + sizeof(b.t->nh[0]) * b.cap_nh,
	    RTE_CACHE_LINE_SIZE);
	b.slot = calloc(n_slot, sizeof(*b.slot));
	b.pf = malloc(sizeof(*b.pf) * (cfg->n_routes + 2 * n_addr + 1));
	if (b.t == NULL || b.slot == NULL || b.pf == NULL) {
		snprintf(err, errlen, "route table: out of memory");
		goto out;
	}
	if ((rc = collect(&b, cfg)) != 0)
		goto out;
	for (i = 0; i < b.n_pf; i++) {
		if (b.pf[i].family == 4)
			b.t->n_v4++;
		else
			b.t->n_v6++;
	}
	if ((rc = fibs_create(&b, route_gen++)) != 0)
		goto out;
	b.t->gen = route_gen; /* from 1: a zeroed memo names no table */
	if ((rc = install(&b)) != 0)
		goto out;
	*out = b.t;
	b.t = NULL;
out:
	free(b.pf);
	free(b.slot);
	table_free(b.t);
	return rc;
}

int
route_table_create(const struct config *cfg, char *err, size_t errlen)
{
	struct route_table *t;
	int rc;

	if (route_table != NULL) {
		snprintf(err, errlen, "route table: already created");
		return -EEXIST;
	}
	if ((rc = table_build(cfg, &t, err, errlen)) != 0)
		return rc;
	/* Everything in the table is written before a reader can reach it. */
	__atomic_store_n(&route_table, t, __ATOMIC_RELEASE);
	return 0;
}

void
route_table_destroy(void)
{
	struct route_table *t = route_table;

	if (t == NULL)
		return;
	__atomic_store_n(&route_table, NULL, __ATOMIC_RELEASE);
	table_free(t);
}
