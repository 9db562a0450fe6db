/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/sa_build.c: an SA's runtime record built from its parameters, for static and IKE SAs alike. */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <rte_byteorder.h>
#include <rte_malloc.h>

#include "fastpath/ah.h"
#include "fastpath/esp_inbound.h"
#include "fastpath/esp_outbound.h"
#include "fastpath/port.h"
#include "fastpath/route.h"
#include "slowpath/sa_build.h"

void
sa_build_free_in(void *p)
{
	struct sa_rt_in *rt = p;

	crypto_mb_sa_fini(&rt->crypto);
	antireplay_fini(&rt->ar);
	explicit_bzero(rt, sizeof(*rt));
	rte_free(rt);
}

void
sa_build_free_out(void *p)
{
	struct sa_rt_out *rt = p;

	crypto_mb_sa_fini(&rt->crypto);
	explicit_bzero(rt, sizeof(*rt));
	rte_free(rt);
}

void
sa_build_prm_static(const struct config_static_sa *c, struct sa_build_prm *prm)
{
	memset(prm, 0, sizeof(*prm));
	prm->spi = c->spi;
	prm->protocol = c->protocol;
	prm->mode = c->mode;
	prm->local = &c->local;
	prm->remote = &c->remote;
	prm->prop = &c->prop;
	prm->enc_key = c->encryption_key;
	prm->integ_key = c->integrity_key;
	prm->replay_window = c->replay_window;
	prm->esn = c->esn;
	prm->encap = c->encap;
	prm->encap_sport = c->encap_source_port;
	prm->encap_dport = c->encap_destination_port;
	prm->lifetime = &c->lifetime;
}

/* What esp_*_sa_init() and ah_*_sa_init() need. */
static void
esp_prm(const struct sa_build_prm *p, struct esp_sa_prm *prm)
{
	memset(prm, 0, sizeof(*prm));
	prm->prop = p->prop;
	prm->family = p->local->family;
	prm->local = p->local->addr;
	prm->remote = p->remote->addr;
	prm->mode = p->mode == CONFIG_MODE_TRANSPORT ? SA_MODE_TRANSPORT : SA_MODE_TUNNEL;
	prm->esn = p->esn;
	prm->encap = p->encap;
	prm->encap_sport = p->encap_sport;
	prm->encap_dport = p->encap_dport;
	prm->soft_packets = p->lifetime->soft_packets;
	prm->hard_packets = p->lifetime->hard_packets;
	prm->soft_bytes = p->lifetime->soft_bytes;
	prm->hard_bytes = p->lifetime->hard_bytes;
}

int
sa_build_in(const struct sa_build_prm *p, IMB_MGR *mgr, uint32_t id, uint16_t owner,
    struct sa_rt_in **out)
{
	struct esp_sa_prm prm;
	struct sa_rt_in *rt;
	int rc;

	rt = rte_zmalloc("sa_rt_in", sizeof(*rt), RTE_CACHE_LINE_SIZE);
	if (rt == NULL)
		return -ENOMEM;
	rt->key.spi = rte_cpu_to_be_32(p->spi);
	rt->key.proto = p->protocol == ALG_PROTO_AH ? IPPROTO_AH : IPPROTO_ESP;
	rt->key.family = p->local->family;
	memcpy(rt->key.dst, p->local->addr, p->local->family == 4 ? 4 : 16);
	rt->id = id;
	rt->owner = owner;
	rt->mode = p->mode == CONFIG_MODE_TRANSPORT ? SA_MODE_TRANSPORT : SA_MODE_TUNNEL;
	rt->esn = p->esn;
	esp_prm(p, &prm);
	if ((p->protocol == ALG_PROTO_ESP && (rc = esp_inbound_sa_init(rt, &prm)) != 0) ||
	    (p->protocol == ALG_PROTO_AH && (rc = ah_inbound_sa_init(rt, &prm)) != 0) ||
	    (rc = antireplay_init(&rt->ar, p->replay_window, p->esn)) != 0 ||
	    (rc = crypto_mb_sa_init(&rt->crypto, mgr, p->prop, p->enc_key, p->integ_key)) != 0) {
		explicit_bzero(rt, sizeof(*rt));
		rte_free(rt);
		return rc;
	}
	*out = rt;
	return 0;
}

/*
 * The MTU of the port the route to @p remote leaves through, 0 when there
 * is no route (yet): the workers then skip the RFC 4301 §8 MTU check.
 * Routes are the config's and the connected prefixes, fixed at start.
 */
static uint16_t
egress_mtu(const struct config_addr *remote)
{
	const struct route_table *rt = route_table_current();
	const struct route_nexthop *nh;
	uint16_t idx;

	if (rt == NULL)
		return 0;
	if (remote->family == 4) {
		uint32_t a;

		memcpy(&a, remote->addr, 4);
		route_lookup_v4(rt, &a, &idx, 1);
	} else {
		uint8_t a[1][16];

		memcpy(a[0], remote->addr, 16);
		route_lookup_v6(rt, (const uint8_t(*)[16])a, &idx, 1);
	}
	nh = route_nexthop(rt, idx);
	if (nh == NULL || nh->kind == ROUTE_NH_LOCAL || nh->port >= port_table.n)
		return 0;
	return port_table.port[nh->port].mtu;
}

int
sa_build_out(const struct sa_build_prm *p, IMB_MGR *mgr, uint32_t id, uint16_t owner,
    struct sa_rt_out **out)
{
	struct esp_sa_prm prm;
	uint8_t iv_key[16];
	struct sa_rt_out *rt;
	int rc;

	rt = rte_zmalloc("sa_rt_out", sizeof(*rt), RTE_CACHE_LINE_SIZE);
	if (rt == NULL)
		return -ENOMEM;
	rt->spi = rte_cpu_to_be_32(p->spi);
	rt->id = id;
	rt->owner = owner;
	rt->proto = p->protocol == ALG_PROTO_AH ? SA_PROTO_AH : SA_PROTO_ESP;
	rt->mode = p->mode == CONFIG_MODE_TRANSPORT ? SA_MODE_TRANSPORT : SA_MODE_TUNNEL;
	rt->esn = p->esn;
	esp_prm(p, &prm);
	/* The CBC IV key (RFC 3602 §2.4); the other algorithms ignore it. */
	if (getrandom(iv_key, sizeof(iv_key), 0) != (ssize_t)sizeof(iv_key))
		rc = -EIO;
	else if (p->protocol == ALG_PROTO_ESP)
		rc = esp_outbound_sa_init(rt, mgr, &prm, iv_key);
	else
		rc = ah_outbound_sa_init(rt, &prm);
	explicit_bzero(iv_key, sizeof(iv_key));
	rt->mtu = egress_mtu(p->remote);
	if (rc == 0)
		rc = crypto_mb_sa_init(&rt->crypto, mgr, p->prop, p->enc_key, p->integ_key);
	if (rc != 0) {
		explicit_bzero(rt, sizeof(*rt));
		rte_free(rt);
		return rc;
	}
	*out = rt;
	return 0;
}

int
sa_build_out_move(const struct sa_build_prm *p, struct sa_rt_out *sa, struct sa_out_move **out)
{
	struct sa_rt_out *tmp;
	struct esp_sa_prm prm;
	struct sa_out_move *mv;

	if (sa->proto != SA_PROTO_ESP || p->local->family != sa->family ||
	    p->remote->family != sa->family)
		return -EINVAL;
	/* A scratch record for the template: struct sa_rt_out is too big for the stack. */
	tmp = rte_zmalloc("sa_rt_out_move", sizeof(*tmp), RTE_CACHE_LINE_SIZE);
	mv = calloc(1, sizeof(*mv));
	if (tmp == NULL || mv == NULL) {
		rte_free(tmp);
		free(mv);
		return -ENOMEM;
	}
	esp_prm(p, &prm);
	tmp->iv_len = sa->iv_len;
	tmp->icv_len = sa->icv_len;
	esp_outbound_sa_hdr(tmp, &prm);
	mv->sa = sa;
	memcpy(mv->hdr, tmp->hdr, sizeof(mv->hdr));
	mv->hdr_len = tmp->hdr_len;
	mv->hdr_sum = tmp->hdr_sum;
	mv->encap_sport = tmp->encap_sport;
	mv->encap_dport = tmp->encap_dport;
	mv->fixed = tmp->fixed;
	mv->mtu = egress_mtu(p->remote);
	rte_free(tmp);
	*out = mv;
	return 0;
}

void
sa_build_free_move(void *mv)
{
	free(mv);
}
