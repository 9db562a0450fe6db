/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/sa_static.c: static SAs from the config, built once and pushed to the workers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>

#include "common/log.h"
#include "fastpath/worker.h"
#include "slowpath/sa_build.h"
#include "slowpath/sa_push.h"
#include "slowpath/sa_static.h"

static struct sa_static *sas;
static size_t n_sas;

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
	struct sa_build_prm prm;
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
		sa_build_prm_static(c, &prm);
		if (c->direction == CONFIG_DIR_INBOUND)
			rc = sa_build_in(&prm, mgr, (uint32_t)i, owner, &sas[i].in);
		else
			rc = sa_build_out(&prm, mgr, (uint32_t)i, owner, &sas[i].out);
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
			sa_build_free_in(sas[i].in);
		if (sas[i].out != NULL)
			sa_build_free_out(sas[i].out);
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
