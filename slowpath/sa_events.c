/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/sa_events.c: worker SA events to log records (the control core decides, workers report). */
#include <inttypes.h>
#include <string.h>

#include "common/log.h"
#include "slowpath/sa_events.h"
#include "slowpath/sa_static.h"

/* The key manager's lifetime handler (sa_events_hook_set()); none for static SAs. */
static sa_events_lifetime_fn lifetime_fn;
static void *lifetime_arg;

/* The record's correlation fields: the SPI, and the peer when the SA is known. */
static void
corr_fill(struct log_corr *corr, const struct config_static_sa *c, uint32_t spi)
{
	memset(corr, 0, sizeof(*corr));
	corr->ipsec_spi = spi;
	if (c == NULL)
		return;
	corr->peer_family = c->remote.family;
	memcpy(corr->peer, c->remote.addr, sizeof(corr->peer));
}

/* The SA @p ev is about, or NULL when it is gone (or its slot holds another SA now). */
static const struct config_static_sa *
sa_find(const struct ev *ev)
{
	const struct sa_static *s = sa_static_at(ev->sa_id);

	return s != NULL && s->cfg->spi == ev->spi ? s->cfg : NULL;
}

void
sa_events_activity(const struct ev *ev)
{
	const struct config_static_sa *c = sa_find(ev);
	char src[64], dst[64];
	struct log_corr corr;
	bool out = (ev->flags & EV_SA_F_OUTBOUND) != 0;

	if (c == NULL)
		return; /* gone meanwhile */
	corr_fill(&corr, c, ev->spi);
	config_addr_format(out ? &c->local : &c->remote, src, sizeof(src));
	config_addr_format(out ? &c->remote : &c->local, dst, sizeof(dst));
	log_event(c->protocol == ALG_PROTO_AH ? LOG_MSG_AH : LOG_MSG_ESP, &corr,
	    "dir=%s sa=%s spi=0x%08x src=%s dst=%s seq=%" PRIu64 " packets=%" PRIu64,
	    out ? "out" : "in", c->name, ev->spi, src, dst, ev->seq, ev->packets);
}

void
sa_events_lifetime(const struct ev *ev)
{
	const struct config_static_sa *c = sa_find(ev);
	const char *limit = "packets";
	enum log_msg_id id = LOG_MSG_SA_HARD;
	struct log_corr corr;
	uint64_t max = 0;

	switch (ev->limit) {
	case EV_SA_SOFT_PACKETS:
		id = LOG_MSG_SA_SOFT;
		max = c != NULL ? c->lifetime.soft_packets : 0;
		break;
	case EV_SA_SOFT_BYTES:
		id = LOG_MSG_SA_SOFT;
		limit = "bytes";
		max = c != NULL ? c->lifetime.soft_bytes : 0;
		break;
	case EV_SA_HARD_PACKETS:
		max = c != NULL ? c->lifetime.hard_packets : 0;
		break;
	case EV_SA_HARD_BYTES:
		limit = "bytes";
		max = c != NULL ? c->lifetime.hard_bytes : 0;
		break;
	case EV_SA_SEQ_EXHAUSTED:
		id = LOG_MSG_SA_SEQ_EXHAUSTED;
		limit = "seq";
		max = c != NULL && c->esn ? UINT64_MAX : UINT32_MAX;
		break;
	default:
		/* Workers send only the values above. */
		log_err(LOG_FAC_IPSEC, "%s: spi 0x%08x: unknown limit %u", __func__, ev->spi,
		    ev->limit);
		return;
	}
	/* The SA may be gone by now: the record still says what happened to the SPI. */
	corr_fill(&corr, c, ev->spi);
	log_event(id, &corr,
	    "dir=%s protocol=%s sa=%s spi=0x%08x limit=%s max=%" PRIu64 " packets=%" PRIu64
	    " bytes=%" PRIu64 " seq=%" PRIu64,
	    (ev->flags & EV_SA_F_OUTBOUND) != 0 ? "out" : "in",
	    (ev->flags & EV_SA_F_AH) != 0 ? "ah" : "esp", c != NULL ? c->name : "-", ev->spi, limit,
	    max, ev->packets, ev->bytes, ev->seq);
	if (lifetime_fn != NULL)
		lifetime_fn(ev, lifetime_arg);
}

void
sa_events_unknown(const struct ev *ev, unsigned int worker)
{
	struct config_addr a = { .family = ev->family };
	char src[64], dst[64];
	struct log_corr corr;

	memset(&corr, 0, sizeof(corr));
	corr.ipsec_spi = ev->spi;
	corr.peer_family = ev->family;
	memcpy(corr.peer, ev->addr, sizeof(corr.peer));
	memcpy(a.addr, ev->addr, sizeof(a.addr));
	config_addr_format(&a, src, sizeof(src));
	memcpy(a.addr, ev->dst, sizeof(a.addr));
	config_addr_format(&a, dst, sizeof(dst));
	log_event(LOG_MSG_SA_UNKNOWN_SPI, &corr,
	    "protocol=%s spi=0x%08x src=%s dst=%s seq=%" PRIu64 " worker=%u dropped=%" PRIu64,
	    (ev->flags & EV_SA_F_AH) != 0 ? "ah" : "esp", ev->spi, src, dst, ev->seq, worker,
	    ev->packets);
}

void
sa_events_hook_set(sa_events_lifetime_fn fn, void *arg)
{
	lifetime_fn = fn;
	lifetime_arg = arg;
}
