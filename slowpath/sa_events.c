/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/sa_events.c: worker SA events to log records (the control core decides, workers report). */
#include <inttypes.h>
#include <string.h>

#include "common/log.h"
#include "slowpath/sa_events.h"
#include "slowpath/sa_static.h"

void
sa_events_activity(const struct ev *ev)
{
	const struct sa_static *s = sa_static_at(ev->sa_id);
	const struct config_static_sa *c;
	char src[64], dst[64];
	struct log_corr corr;
	bool out = (ev->flags & EV_SA_F_OUTBOUND) != 0;

	if (s == NULL || s->cfg->spi != ev->spi)
		return; /* gone meanwhile */
	c = s->cfg;
	memset(&corr, 0, sizeof(corr));
	corr.ipsec_spi = ev->spi;
	corr.peer_family = c->remote.family;
	memcpy(corr.peer, c->remote.addr, sizeof(corr.peer));
	config_addr_format(out ? &c->local : &c->remote, src, sizeof(src));
	config_addr_format(out ? &c->remote : &c->local, dst, sizeof(dst));
	log_event(c->protocol == ALG_PROTO_AH ? LOG_MSG_AH : LOG_MSG_ESP, &corr,
	    "dir=%s sa=%s spi=0x%08x src=%s dst=%s seq=%" PRIu64 " packets=%" PRIu64,
	    out ? "out" : "in", c->name, ev->spi, src, dst, ev->seq, ev->packets);
}
