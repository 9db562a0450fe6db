/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/sa_static.c: static SAs from the config, built once and pushed to the workers. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_malloc.h>

#include "common/log.h"
#include "fastpath/ah.h"
#include "fastpath/esp_inbound.h"
#include "fastpath/esp_outbound.h"
#include "fastpath/worker.h"
#include "slowpath/sa_push.h"
#include "slowpath/sa_static.h"

static struct sa_static *sas;
static size_t n_sas;

static void
free_in(void *p)
{
	struct sa_rt_in *rt = p;

	crypto_mb_sa_fini(&rt->crypto);
	antireplay_fini(&rt->ar);
	explicit_bzero(rt, sizeof(*rt));
	rte_free(rt);
}

static void
free_out(void *p)
{
	struct sa_rt_out *rt = p;

	crypto_mb_sa_fini(&rt->crypto);
	explicit_bzero(rt, sizeof(*rt));
	rte_free(rt);
}

/* What esp_*_sa_init() need from the config entry. */
static void
esp_prm(const struct config_static_sa *c, struct esp_sa_prm *prm)
{
	memset(prm, 0, sizeof(*prm));
	prm->prop = &c->prop;
	prm->family = c->local.family;
	prm->local = c->local.addr;
	prm->remote = c->remote.addr;
	prm->mode = c->mode == CONFIG_MODE_TRANSPORT ? SA_MODE_TRANSPORT : SA_MODE_TUNNEL;
	prm->esn = c->esn;
	prm->encap = c->encap;
	prm->encap_sport = c->encap_source_port;
	prm->encap_dport = c->encap_destination_port;
	prm->soft_packets = c->lifetime.soft_packets;
	prm->hard_packets = c->lifetime.hard_packets;
	prm->soft_bytes = c->lifetime.soft_bytes;
	prm->hard_bytes = c->lifetime.hard_bytes;
}

static int
build_in(const struct config_static_sa *c, IMB_MGR *mgr, uint32_t id, uint16_t owner,
    struct sa_rt_in **out)
{
	struct esp_sa_prm prm;
	struct sa_rt_in *rt;
	int rc;

	rt = rte_zmalloc("sa_rt_in", sizeof(*rt), RTE_CACHE_LINE_SIZE);
	if (rt == NULL)
		return -ENOMEM;
	rt->key.spi = rte_cpu_to_be_32(c->spi);
	rt->key.proto = c->protocol == ALG_PROTO_AH ? IPPROTO_AH : IPPROTO_ESP;
	rt->key.family = c->local.family;
	memcpy(rt->key.dst, c->local.addr, c->local.family == 4 ? 4 : 16);
	rt->id = id;
	rt->owner = owner;
	rt->mode = c->mode == CONFIG_MODE_TRANSPORT ? SA_MODE_TRANSPORT : SA_MODE_TUNNEL;
	rt->esn = c->esn;
	esp_prm(c, &prm);
	if ((c->protocol == ALG_PROTO_ESP && (rc = esp_inbound_sa_init(rt, &prm)) != 0) ||
	    (c->protocol == ALG_PROTO_AH && (rc = ah_inbound_sa_init(rt, &prm)) != 0) ||
	    (rc = antireplay_init(&rt->ar, c->replay_window, c->esn)) != 0 ||
	    (rc = crypto_mb_sa_init(&rt->crypto, mgr, &c->prop, c->encryption_key,
	         c->integrity_key)) != 0) {
		explicit_bzero(rt, sizeof(*rt));
		rte_free(rt);
		return rc;
	}
	*out = rt;
	return 0;
}

static int
build_out(const struct config_static_sa *c, IMB_MGR *mgr, uint32_t id, uint16_t owner,
    struct sa_rt_out **out)
{
	struct esp_sa_prm prm;
	uint8_t iv_key[16];
	struct sa_rt_out *rt;
	int rc;

	rt = rte_zmalloc("sa_rt_out", sizeof(*rt), RTE_CACHE_LINE_SIZE);
	if (rt == NULL)
		return -ENOMEM;
	rt->spi = rte_cpu_to_be_32(c->spi);
	rt->id = id;
	rt->owner = owner;
	rt->proto = c->protocol == ALG_PROTO_AH ? SA_PROTO_AH : SA_PROTO_ESP;
	rt->mode = c->mode == CONFIG_MODE_TRANSPORT ? SA_MODE_TRANSPORT : SA_MODE_TUNNEL;
	rt->esn = c->esn;
	esp_prm(c, &prm);
	/* The CBC IV key (RFC 3602 §2.4); the other algorithms ignore it. */
	if (getrandom(iv_key, sizeof(iv_key), 0) != (ssize_t)sizeof(iv_key))
		rc = -EIO;
	else if (c->protocol == ALG_PROTO_ESP)
		rc = esp_outbound_sa_init(rt, mgr, &prm, iv_key);
	else
		rc = ah_outbound_sa_init(rt, &prm);
	explicit_bzero(iv_key, sizeof(iv_key));
	if (rc == 0)
		rc = crypto_mb_sa_init(&rt->crypto, mgr, &c->prop, c->encryption_key,
		    c->integrity_key);
	if (rc != 0) {
		explicit_bzero(rt, sizeof(*rt));
		rte_free(rt);
		return rc;
	}
	*out = rt;
	return 0;
}

/* At start-up the workers drain their rings as we fill them: wait for room, bounded. */
static int
push(const struct sa_static *s)
{
	uint64_t deadline = rte_get_timer_cycles() + 5 * rte_get_timer_hz();
	int rc;

	for (;;) {
		rc = s->in != NULL ? sa_push_add_in(s->in) : sa_push_add_out(s->out);
		if (rc != -ENOBUFS || rte_get_timer_cycles() > deadline)
			return rc;
		rte_delay_us_sleep(1000);
	}
}

int
sa_static_install(const struct config *cfg, IMB_MGR *mgr, char *err, size_t errlen)
{
	const struct config_static_sa *c;
	uint16_t owner;
	size_t i;
	int rc = 0;

	if (cfg->n_static_sas == 0)
		return 0;
	sas = calloc(cfg->n_static_sas, sizeof(*sas));
	if (sas == NULL) {
		snprintf(err, errlen, "static SAs: out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < cfg->n_static_sas; i++) {
		c = &cfg->static_sas[i];
		owner = (uint16_t)(i % worker_set.n);
		sas[i].cfg = c;
		if (c->direction == CONFIG_DIR_INBOUND)
			rc = build_in(c, mgr, (uint32_t)i, owner, &sas[i].in);
		else
			rc = build_out(c, mgr, (uint32_t)i, owner, &sas[i].out);
		if (rc == 0)
			rc = push(&sas[i]);
		n_sas = i + 1;
		if (rc != 0) {
			snprintf(err, errlen, "static_sas[%zu] (%s): cannot install: %s", i,
			    c->name, strerror(-rc));
			return rc;
		}
		log_info(LOG_FAC_IPSEC, "%s: %s %s SA %s spi 0x%08x %s on worker %u", __func__,
		    config_direction_name(c->direction), config_mode_name(c->mode), c->name, c->spi,
		    c->prop.name, owner);
	}
	return 0;
}

void
sa_static_fini(void)
{
	size_t i;

	for (i = 0; i < n_sas; i++) {
		if (sas[i].in != NULL)
			free_in(sas[i].in);
		if (sas[i].out != NULL)
			free_out(sas[i].out);
	}
	free(sas);
	sas = NULL;
	n_sas = 0;
}

size_t
sa_static_count(void)
{
	return n_sas;
}

const struct sa_static *
sa_static_at(size_t i)
{
	return i < n_sas ? &sas[i] : NULL;
}
