/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/telemetry.c: /fastipsec/info, /fastipsec/diagnostics, /fastipsec/stats, /fastipsec/ike/stats. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_telemetry.h>
#include <rte_version.h>
#include <openssl/crypto.h>

#include "common/counters.h"
#include "common/log.h"
#include "fastipsec_version.h"
#include "fastpath/crypto_mb.h"
#include "fastpath/forward.h"
#include "fastpath/neigh_table.h"
#include "fastpath/port.h"
#include "fastpath/worker.h"
#include "slowpath/ctl.h"
#include "slowpath/ike_ctl.h"
#include "slowpath/ike_io.h"
#include "slowpath/neigh_ctl.h"
#include "slowpath/sa_ike.h"
#include "slowpath/spd_ctl.h"
#include "slowpath/telemetry.h"

static const struct config *tm_cfg;

static void
add_lcores(struct rte_tel_data *d)
{
	struct rte_tel_data *lc = rte_tel_data_alloc();
	char key[32], val[32];
	unsigned int i;

	if (lc == NULL)
		return;
	rte_tel_data_start_dict(lc);
	snprintf(key, sizeof(key), "lcore_%u", rte_get_main_lcore());
	rte_tel_data_add_dict_string(lc, key, "control");
	for (i = 0; i < worker_set.n; i++) {
		snprintf(key, sizeof(key), "lcore_%u", worker_set.w[i]->lcore);
		snprintf(val, sizeof(val), "worker_%u", i);
		rte_tel_data_add_dict_string(lc, key, val);
	}
	if (rte_tel_data_add_dict_container(d, "lcores", lc, 0) != 0)
		rte_tel_data_free(lc);
}

static void
add_port(struct rte_tel_data *d, unsigned int i)
{
	const struct port *p = &port_table.port[i];
	struct rte_tel_data *pd = rte_tel_data_alloc();
	char key[32], addrs[RTE_TEL_MAX_STRING_LEN], a[64], mac[RTE_ETHER_ADDR_FMT_SIZE];
	size_t off = 0;
	unsigned int j;
	int n;

	if (pd == NULL)
		return;
	addrs[0] = '\0';
	for (j = 0; j < p->cfg->n_addresses; j++) {
		config_addr_format(&p->cfg->addresses[j].a, a, sizeof(a));
		n = snprintf(addrs + off, sizeof(addrs) - off, "%s%s/%u", j ? " " : "", a,
		    p->cfg->addresses[j].len);
		if (n < 0 || (size_t)n >= sizeof(addrs) - off)
			break;
		off += (size_t)n;
	}
	rte_ether_format_addr(mac, sizeof(mac), &p->mac);
	rte_tel_data_start_dict(pd);
	rte_tel_data_add_dict_string(pd, "name", p->cfg->name);
	rte_tel_data_add_dict_string(pd, "port", p->cfg->port);
	rte_tel_data_add_dict_int(pd, "port_id", p->port_id);
	rte_tel_data_add_dict_string(pd, "role", config_role_name(p->role));
	rte_tel_data_add_dict_string(pd, "addresses", addrs);
	rte_tel_data_add_dict_string(pd, "mac", mac);
	rte_tel_data_add_dict_int(pd, "mtu", p->mtu);
	rte_tel_data_add_dict_string(pd, "link", port_link_up(i) ? "up" : "down");
	rte_tel_data_add_dict_int(pd, "rx_queues", p->n_rxq);
	rte_tel_data_add_dict_int(pd, "tx_queues", p->n_txq);
	rte_tel_data_add_dict_string(pd, "control_tx", p->ctl_txq >= 0 ? "queue" : "worker_ring");
	snprintf(key, sizeof(key), "port_%u", i);
	if (rte_tel_data_add_dict_container(d, key, pd, 0) != 0)
		rte_tel_data_free(pd);
}

static int
cmd_info(const char *cmd, const char *params, struct rte_tel_data *d)
{
	char buf[64];
	unsigned int i;

	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "version", FASTIPSEC_VERSION);
	rte_tel_data_add_dict_string(d, "instance", tm_cfg->instance);
	rte_tel_data_add_dict_string(d, "dpdk", rte_version());
	rte_tel_data_add_dict_string(d, "ipsec_mb", crypto_mb_version());
	rte_tel_data_add_dict_string(d, "ipsec_mb_arch", crypto_mb_arch_name());
	rte_tel_data_add_dict_string(d, "openssl", OpenSSL_version(OPENSSL_VERSION));
	rte_tel_data_add_dict_u64(d, "uptime_s", (ctl_now_ns() - ctl_start_ns) / 1000000000u);
	rte_tel_data_add_dict_string(d, "diagnostics", log_diagnostics() ? "on" : "off");
	rte_tel_data_add_dict_int(d, "workers", (int)worker_set.n);
	add_lcores(d);
	rte_tel_data_add_dict_int(d, "ports", (int)port_table.n);
	for (i = 0; i < port_table.n; i++)
		add_port(d, i);
	snprintf(buf, sizeof(buf), "%d", (int)getpid());
	rte_tel_data_add_dict_string(d, "pid", buf);
	return 0;
}

static int
cmd_diagnostics(const char *cmd, const char *params, struct rte_tel_data *d)
{
	bool on;

	(void)cmd;
	rte_tel_data_start_dict(d);
	if (params != NULL && *params != '\0') {
		if (strcasecmp(params, "on") == 0) {
			on = true;
		} else if (strcasecmp(params, "off") == 0) {
			on = false;
		} else {
			rte_tel_data_add_dict_string(d, "error", "parameter must be on or off");
			rte_tel_data_add_dict_string(d, "diagnostics",
			    log_diagnostics() ? "on" : "off");
			return 0;
		}
		if (on != log_diagnostics()) {
			log_set_diagnostics(on);
			log_event(on ? LOG_MSG_DIAG_ON : LOG_MSG_DIAG_OFF, NULL,
			    "source=telemetry");
		}
	}
	rte_tel_data_add_dict_string(d, "diagnostics", log_diagnostics() ? "on" : "off");
	return 0;
}

/* Sum the counters of workers [first, last). */
static void
stats_sum(unsigned int first, unsigned int last, struct worker_stats *sum)
{
	unsigned int i, r;

	memset(sum, 0, sizeof(*sum));
	for (i = first; i < last; i++) {
		const struct worker_stats *s = &worker_set.w[i]->stats;

		sum->rx += counter_read(&s->rx);
		sum->tx += counter_read(&s->tx);
		sum->arp_replies += counter_read(&s->arp_replies);
		sum->nd_replies += counter_read(&s->nd_replies);
		sum->echo_replies += counter_read(&s->echo_replies);
		sum->ctl_tx += counter_read(&s->ctl_tx);
		sum->ctl_tx_deferred += counter_read(&s->ctl_tx_deferred);
		sum->events += counter_read(&s->events);
		sum->events_dropped += counter_read(&s->events_dropped);
		sum->sa_msgs += counter_read(&s->sa_msgs);
		sum->sa_msg_failed += counter_read(&s->sa_msg_failed);
		sum->busy_cycles += counter_read(&s->busy_cycles);
		sum->handoff_out += counter_read(&s->handoff_out);
		sum->handoff_in += counter_read(&s->handoff_in);
		sum->ike_punted += counter_read(&s->ike_punted);
		sum->natt_keepalives += counter_read(&s->natt_keepalives);
		sum->pmtu_learned += counter_read(&s->pmtu_learned);
		for (r = 0; r < DROP__MAX; r++)
			sum->drops[r] += counter_read(&s->drops[r]);
	}
}

/* ICMP errors sent and suppressed, fragmentation: workers [first, last). */
/* Fragments addressed to the gateway: taken in, packets completed, let go. */
static void
add_reasm_stats(struct rte_tel_data *d, unsigned int first, unsigned int last)
{
	struct reasm_stats r, sum;
	unsigned int i;

	memset(&sum, 0, sizeof(sum));
	for (i = first; i < last; i++) {
		if (worker_set.w[i] == NULL || worker_set.w[i]->reasm == NULL)
			continue;
		reasm_stats_read(worker_set.w[i]->reasm, &r);
		sum.fragments += r.fragments;
		sum.packets += r.packets;
		sum.freed += r.freed;
		sum.big += r.big;
		sum.linearized += r.linearized;
	}
	rte_tel_data_add_dict_u64(d, "reasm_fragments", sum.fragments);
	rte_tel_data_add_dict_u64(d, "reasm_packets", sum.packets);
	rte_tel_data_add_dict_u64(d, "reasm_freed", sum.freed);
	rte_tel_data_add_dict_u64(d, "reasm_big", sum.big);
	rte_tel_data_add_dict_u64(d, "linearized", sum.linearized);
}

static void
add_forward_stats(struct rte_tel_data *d, unsigned int first, unsigned int last)
{
	struct forward_stats f, sum;
	unsigned int i;

	memset(&sum, 0, sizeof(sum));
	for (i = first; i < last; i++) {
		forward_stats_read(i, &f);
		sum.icmp_errors += f.icmp_errors;
		sum.icmp_ratelimited += f.icmp_ratelimited;
		sum.icmp_unroutable += f.icmp_unroutable;
		sum.icmp_no_mbuf += f.icmp_no_mbuf;
		sum.icmp_policy += f.icmp_policy;
		sum.icmp_protected += f.icmp_protected;
		sum.fragmented += f.fragmented;
		sum.fragments += f.fragments;
	}
	rte_tel_data_add_dict_u64(d, "icmp_errors", sum.icmp_errors);
	rte_tel_data_add_dict_u64(d, "icmp_ratelimited", sum.icmp_ratelimited);
	rte_tel_data_add_dict_u64(d, "icmp_unroutable", sum.icmp_unroutable);
	rte_tel_data_add_dict_u64(d, "icmp_no_mbuf", sum.icmp_no_mbuf);
	rte_tel_data_add_dict_u64(d, "icmp_policy", sum.icmp_policy);
	rte_tel_data_add_dict_u64(d, "icmp_protected", sum.icmp_protected);
	rte_tel_data_add_dict_u64(d, "fragmented", sum.fragmented);
	rte_tel_data_add_dict_u64(d, "fragments", sum.fragments);
	add_reasm_stats(d, first, last);
}

/* TSC cycles of the passes that had packets, per received packet. */
static uint64_t
cycles_per_packet(const struct worker_stats *s)
{
	return s->rx != 0 ? s->busy_cycles / s->rx : 0;
}

static void
add_worker_summary(struct rte_tel_data *d, unsigned int i)
{
	struct rte_tel_data *wd = rte_tel_data_alloc();
	struct worker_stats s;
	char key[32];
	unsigned int r;
	uint64_t drops = 0;

	if (wd == NULL)
		return;
	stats_sum(i, i + 1, &s);
	for (r = DROP_CONSUMED + 1; r < DROP__MAX; r++)
		drops += s.drops[r];
	rte_tel_data_start_dict(wd);
	rte_tel_data_add_dict_int(wd, "lcore", (int)worker_set.w[i]->lcore);
	rte_tel_data_add_dict_u64(wd, "rx", s.rx);
	rte_tel_data_add_dict_u64(wd, "tx", s.tx);
	rte_tel_data_add_dict_u64(wd, "drops", drops);
	rte_tel_data_add_dict_u64(wd, "cycles_per_packet", cycles_per_packet(&s));
	snprintf(key, sizeof(key), "worker_%u", i);
	if (rte_tel_data_add_dict_container(d, key, wd, 0) != 0)
		rte_tel_data_free(wd);
}

/*
 * /fastipsec/stats: counters and drops by reason summed over the workers,
 * and a summary per worker; /fastipsec/stats,N: worker N alone, with its
 * drops by reason.
 */
static int
cmd_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	unsigned int first = 0, last = worker_set.n, i, r;
	struct rte_tel_data *drops;
	struct worker_stats sum;
	char *end;

	(void)cmd;
	rte_tel_data_start_dict(d);
	if (params != NULL && *params != '\0') {
		unsigned long v = strtoul(params, &end, 10);

		if (*end != '\0' || v >= worker_set.n) {
			rte_tel_data_add_dict_string(d, "error",
			    "parameter must be a worker index");
			return 0;
		}
		first = (unsigned int)v;
		last = first + 1;
		rte_tel_data_add_dict_int(d, "lcore", (int)worker_set.w[first]->lcore);
	}
	stats_sum(first, last, &sum);
	rte_tel_data_add_dict_u64(d, "rx", sum.rx);
	rte_tel_data_add_dict_u64(d, "tx", sum.tx);
	rte_tel_data_add_dict_u64(d, "cycles_per_packet", cycles_per_packet(&sum));
	rte_tel_data_add_dict_u64(d, "arp_replies", sum.arp_replies);
	rte_tel_data_add_dict_u64(d, "nd_replies", sum.nd_replies);
	rte_tel_data_add_dict_u64(d, "echo_replies", sum.echo_replies);
	rte_tel_data_add_dict_u64(d, "control_tx", sum.ctl_tx);
	rte_tel_data_add_dict_u64(d, "control_tx_deferred", sum.ctl_tx_deferred);
	rte_tel_data_add_dict_u64(d, "events", sum.events);
	rte_tel_data_add_dict_u64(d, "events_dropped", sum.events_dropped);
	rte_tel_data_add_dict_u64(d, "sa_msgs", sum.sa_msgs);
	rte_tel_data_add_dict_u64(d, "sa_msg_failed", sum.sa_msg_failed);
	rte_tel_data_add_dict_u64(d, "handoff_out", sum.handoff_out);
	rte_tel_data_add_dict_u64(d, "handoff_in", sum.handoff_in);
	rte_tel_data_add_dict_u64(d, "ike_punted", sum.ike_punted);
	rte_tel_data_add_dict_u64(d, "natt_keepalives", sum.natt_keepalives);
	rte_tel_data_add_dict_u64(d, "pmtu_learned", sum.pmtu_learned);
	rte_tel_data_add_dict_u64(d, "log_dropped", log_dropped());
	rte_tel_data_add_dict_u64(d, "neigh_queue_dropped", neigh_ctl_queue_dropped());
	if (neigh_table != NULL) {
		rte_tel_data_add_dict_u64(d, "neigh_reclaimed",
		    __atomic_load_n(&neigh_table->reclaimed, __ATOMIC_RELAXED));
		rte_tel_data_add_dict_u64(d, "neigh_full",
		    __atomic_load_n(&neigh_table->full, __ATOMIC_RELAXED));
	}
	add_forward_stats(d, first, last);
	drops = rte_tel_data_alloc();
	if (drops == NULL)
		return 0;
	rte_tel_data_start_dict(drops);
	for (r = DROP_NONE + 1; r < DROP__MAX; r++)
		rte_tel_data_add_dict_u64(drops, drop_reason_name(r), sum.drops[r]);
	if (rte_tel_data_add_dict_container(d, "drops", drops, 0) != 0)
		rte_tel_data_free(drops);
	if (params == NULL || *params == '\0') {
		for (i = 0; i < worker_set.n; i++)
			add_worker_summary(d, i);
	}
	return 0;
}

/*
 * /fastipsec/ike/stats: the IKE transport (datagrams the workers punted,
 * as the control core took them in and sent them out) and the installer
 * of IKE SAs.
 */
/*
 * The counters both IKE engines keep under the same names: struct
 * ikev1_stats and struct ikev2_stats name these fields alike, so one
 * initializer fills the view from either.
 */
struct ike_stats_view {
	uint64_t rx, tx, tx_failed, retransmits, notifies_sent, keepalives;
	const uint64_t *dropped; /* [IKE_DROP__MAX] */
	uint64_t child_up_failed;
	uint64_t deletes_sent, deletes_received;
	uint64_t dpd_sent, dpd_timeouts, initial_contacts;
	uint64_t frag_tx, frag_tx_msgs, frag_rx, frag_reassembled, frag_dropped;
	uint64_t half_open;
	const uint64_t *sas; /* [IKE_SA_STATE__MAX] */
	uint64_t children;
};

#define IKE_STATS_VIEW(s)                                                                        \
	{                                                                                        \
		.rx = (s)->rx, .tx = (s)->tx, .tx_failed = (s)->tx_failed,                       \
		.retransmits = (s)->retransmits, .notifies_sent = (s)->notifies_sent,            \
		.keepalives = (s)->keepalives, .dropped = (s)->dropped,                          \
		.child_up_failed = (s)->child_up_failed, .deletes_sent = (s)->deletes_sent,      \
		.deletes_received = (s)->deletes_received, .dpd_sent = (s)->dpd_sent,            \
		.dpd_timeouts = (s)->dpd_timeouts, .initial_contacts = (s)->initial_contacts,    \
		.frag_tx = (s)->frag_tx, .frag_tx_msgs = (s)->frag_tx_msgs,                      \
		.frag_rx = (s)->frag_rx, .frag_reassembled = (s)->frag_reassembled,              \
		.frag_dropped = (s)->frag_dropped, .half_open = (s)->half_open, .sas = (s)->sas, \
		.children = (s)->children                                                        \
	}

/*
 * A new dict with the counters of @c (drops by reason as drop_<reason>,
 * IKE SAs by state as ike_sas_<state>); the caller adds its engine's own
 * and hangs it under its name.  NULL when out of memory.
 */
static struct rte_tel_data *
ike_stats_dict(const struct ike_stats_view *c)
{
	struct rte_tel_data *v = rte_tel_data_alloc();
	char key[40];
	unsigned int i;

	if (v == NULL)
		return NULL;
	rte_tel_data_start_dict(v);
	rte_tel_data_add_dict_u64(v, "rx", c->rx);
	rte_tel_data_add_dict_u64(v, "tx", c->tx);
	rte_tel_data_add_dict_u64(v, "tx_failed", c->tx_failed);
	rte_tel_data_add_dict_u64(v, "retransmits", c->retransmits);
	rte_tel_data_add_dict_u64(v, "notifies_sent", c->notifies_sent);
	rte_tel_data_add_dict_u64(v, "keepalives", c->keepalives);
	for (i = 0; i < IKE_DROP__MAX; i++) {
		snprintf(key, sizeof(key), "drop_%s", ike_drop_name((enum ike_drop)i));
		rte_tel_data_add_dict_u64(v, key, c->dropped[i]);
	}
	rte_tel_data_add_dict_u64(v, "child_up_failed", c->child_up_failed);
	rte_tel_data_add_dict_u64(v, "deletes_sent", c->deletes_sent);
	rte_tel_data_add_dict_u64(v, "deletes_received", c->deletes_received);
	rte_tel_data_add_dict_u64(v, "dpd_sent", c->dpd_sent);
	rte_tel_data_add_dict_u64(v, "dpd_timeouts", c->dpd_timeouts);
	rte_tel_data_add_dict_u64(v, "initial_contacts", c->initial_contacts);
	rte_tel_data_add_dict_u64(v, "frag_tx", c->frag_tx);
	rte_tel_data_add_dict_u64(v, "frag_tx_msgs", c->frag_tx_msgs);
	rte_tel_data_add_dict_u64(v, "frag_rx", c->frag_rx);
	rte_tel_data_add_dict_u64(v, "frag_reassembled", c->frag_reassembled);
	rte_tel_data_add_dict_u64(v, "frag_dropped", c->frag_dropped);
	rte_tel_data_add_dict_u64(v, "half_open", c->half_open);
	for (i = 0; i < IKE_SA_STATE__MAX; i++) {
		snprintf(key, sizeof(key), "ike_sas_%s", ike_sa_state_name((enum ike_sa_state)i));
		rte_tel_data_add_dict_u64(v, key, c->sas[i]);
	}
	rte_tel_data_add_dict_u64(v, "ipsec_sa_pairs", c->children);
	return v;
}

/* The IKEv1 engine's counters, as a dict "ikev1". */
static void
add_ikev1_stats(struct rte_tel_data *d, const struct ikev1_stats *s)
{
	const struct ike_stats_view c = IKE_STATS_VIEW(s);
	struct rte_tel_data *v = ike_stats_dict(&c);

	if (v == NULL)
		return;
	rte_tel_data_add_dict_u64(v, "notifies_ratelimited", s->notifies_ratelimited);
	rte_tel_data_add_dict_u64(v, "p1_done", s->p1_done);
	rte_tel_data_add_dict_u64(v, "p1_failed", s->p1_failed);
	rte_tel_data_add_dict_u64(v, "half_open_evicted", s->half_open_evicted);
	rte_tel_data_add_dict_u64(v, "p2_done", s->p2_done);
	rte_tel_data_add_dict_u64(v, "p2_failed", s->p2_failed);
	rte_tel_data_add_dict_u64(v, "p2_rekeys", s->p2_rekeys);
	rte_tel_data_add_dict_u64(v, "p1_rekeys", s->p1_rekeys);
	if (rte_tel_data_add_dict_container(d, "ikev1", v, 0) != 0)
		rte_tel_data_free(v);
}

/* The IKEv2 engine's counters, as a dict "ikev2" (snake_case as "ikev1"). */
static void
add_ikev2_stats(struct rte_tel_data *d, const struct ikev2_stats *s)
{
	const struct ike_stats_view c = IKE_STATS_VIEW(s);
	struct rte_tel_data *v = ike_stats_dict(&c);

	if (v == NULL)
		return;
	rte_tel_data_add_dict_u64(v, "replies_resent", s->replies_resent);
	rte_tel_data_add_dict_u64(v, "invalid_ke_sent", s->invalid_ke_sent);
	rte_tel_data_add_dict_u64(v, "invalid_ke_retries", s->invalid_ke_retries);
	rte_tel_data_add_dict_u64(v, "cookies_sent", s->cookies_sent);
	rte_tel_data_add_dict_u64(v, "cookies_valid", s->cookies_valid);
	rte_tel_data_add_dict_u64(v, "cookies_invalid", s->cookies_invalid);
	rte_tel_data_add_dict_u64(v, "cookie_retries", s->cookie_retries);
	rte_tel_data_add_dict_u64(v, "ike_done", s->ike_done);
	rte_tel_data_add_dict_u64(v, "ike_failed", s->ike_failed);
	rte_tel_data_add_dict_u64(v, "auth_failed", s->auth_failed);
	rte_tel_data_add_dict_u64(v, "half_open_timeouts", s->half_open_timeouts);
	rte_tel_data_add_dict_u64(v, "child_done", s->child_done);
	rte_tel_data_add_dict_u64(v, "child_failed", s->child_failed);
	rte_tel_data_add_dict_u64(v, "child_soft_expired", s->child_soft_expired);
	rte_tel_data_add_dict_u64(v, "child_hard_expired", s->child_hard_expired);
	rte_tel_data_add_dict_u64(v, "child_rekeys", s->child_rekeys);
	rte_tel_data_add_dict_u64(v, "child_rekeys_started", s->child_rekeys_started);
	rte_tel_data_add_dict_u64(v, "child_rekey_failed", s->child_rekey_failed);
	rte_tel_data_add_dict_u64(v, "ike_rekeys", s->ike_rekeys);
	rte_tel_data_add_dict_u64(v, "ike_rekeys_started", s->ike_rekeys_started);
	rte_tel_data_add_dict_u64(v, "ike_rekey_failed", s->ike_rekey_failed);
	rte_tel_data_add_dict_u64(v, "ike_expired", s->ike_expired);
	rte_tel_data_add_dict_u64(v, "collisions", s->collisions);
	rte_tel_data_add_dict_u64(v, "temporary_failures", s->temporary_failures);
	rte_tel_data_add_dict_u64(v, "child_not_found", s->child_not_found);
	rte_tel_data_add_dict_u64(v, "children_deleted", s->children_deleted);
	rte_tel_data_add_dict_u64(v, "ike_deleted", s->ike_deleted);
	rte_tel_data_add_dict_u64(v, "dpd_answered", s->dpd_answered);
	rte_tel_data_add_dict_u64(v, "initial_contact_sent", s->initial_contact_sent);
	rte_tel_data_add_dict_u64(v, "nat_detected", s->nat_detected);
	if (rte_tel_data_add_dict_container(d, "ikev2", v, 0) != 0)
		rte_tel_data_free(v);
}

static int
cmd_ike_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct worker_stats ws;
	struct ike_io_stats io;
	struct sa_ike_stats sa;
	struct spd_ctl_stats spd;
	struct ikev1_stats v1;
	struct ikev2_stats v2;

	(void)cmd;
	(void)params;
	stats_sum(0, worker_set.n, &ws);
	ike_io_stats_read(&io);
	sa_ike_stats_read(&sa);
	spd_ctl_stats_read(&spd);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "ike_punted", ws.ike_punted);
	rte_tel_data_add_dict_u64(d, "ike_ring_full", ws.drops[DROP_IKE_RING_FULL]);
	rte_tel_data_add_dict_u64(d, "udp_len", ws.drops[DROP_UDP_LEN]);
	rte_tel_data_add_dict_u64(d, "udp_csum", ws.drops[DROP_UDP_CSUM]);
	rte_tel_data_add_dict_u64(d, "natt_keepalives", ws.natt_keepalives);
	rte_tel_data_add_dict_u64(d, "ike_rx", io.rx);
	rte_tel_data_add_dict_u64(d, "ike_rx_v1", io.rx_v1);
	rte_tel_data_add_dict_u64(d, "ike_rx_v2", io.rx_v2);
	rte_tel_data_add_dict_u64(d, "ike_no_handler", io.no_handler);
	rte_tel_data_add_dict_u64(d, "ike_bad", io.bad);
	rte_tel_data_add_dict_u64(d, "ike_tx", io.tx);
	rte_tel_data_add_dict_u64(d, "ike_tx_frames", io.tx_frames);
	rte_tel_data_add_dict_u64(d, "ike_tx_no_route", io.tx_no_route);
	rte_tel_data_add_dict_u64(d, "ike_tx_no_neigh", io.tx_no_neigh);
	rte_tel_data_add_dict_u64(d, "ike_tx_neigh_wait", io.tx_neigh_wait);
	rte_tel_data_add_dict_u64(d, "ike_tx_failed", io.tx_failed);
	rte_tel_data_add_dict_u64(d, "natt_keepalives_sent", io.keepalives_out);
	rte_tel_data_add_dict_u64(d, "child_up", sa.child_up);
	rte_tel_data_add_dict_u64(d, "child_up_failed", sa.child_up_failed);
	rte_tel_data_add_dict_u64(d, "child_down", sa.child_down);
	rte_tel_data_add_dict_u64(d, "child_rekeyed", sa.rekeyed);
	rte_tel_data_add_dict_u64(d, "child_remapped", sa.remapped);
	rte_tel_data_add_dict_u64(d, "child_install_ns", sa.install_ns);
	rte_tel_data_add_dict_u64(d, "no_child_sa", ws.drops[DROP_NO_CHILD_SA]);
	rte_tel_data_add_dict_u64(d, "acquires", sa.acquires);
	rte_tel_data_add_dict_u64(d, "acquire_ignored", sa.acquire_ignored);
	rte_tel_data_add_dict_u64(d, "acquire_no_handler", sa.acquire_no_handler);
	/* Peers with slots and policies of their own, and the SPD rebuilds they cause. */
	rte_tel_data_add_dict_u64(d, "child_peer_slots", sa.peer_slots);
	rte_tel_data_add_dict_u64(d, "child_peer_slots_full", sa.peer_slots_full);
	rte_tel_data_add_dict_u64(d, "spd_rebuilds", spd.rebuilds);
	rte_tel_data_add_dict_u64(d, "spd_rebuild_failed", spd.rebuild_failed);
	rte_tel_data_add_dict_u64(d, "spd_policies", spd.policies);
	rte_tel_data_add_dict_u64(d, "spd_build_us_last", spd.build_ns_last / 1000);
	rte_tel_data_add_dict_u64(d, "spd_build_us_max", spd.build_ns_max / 1000);
	if (ike_ctl_stats_read(&v1))
		add_ikev1_stats(d, &v1);
	if (ike_ctl_stats_read_v2(&v2))
		add_ikev2_stats(d, &v2);
	return 0;
}

/* Entries per /fastipsec/neighbors reply: 16 KiB of JSON in DPDK 22.11. */
#define NEIGH_PAGE 64

static const char *
neigh_state(const struct neigh_entry *e, uint64_t mac, uint64_t now)
{
	if (mac & NEIGH_MAC_STATIC)
		return "static";
	if (!(mac & NEIGH_MAC_VALID))
		return "incomplete";
	if (now - __atomic_load_n(&e->updated_ns, __ATOMIC_RELAXED) <
	    NEIGH_REACHABLE_S * 1000000000ull)
		return "reachable";
	return "stale";
}

static void
add_neigh(struct rte_tel_data *d, uint32_t i, uint64_t now)
{
	const struct neigh_entry *e = &neigh_table->e[i];
	uint64_t mac = __atomic_load_n(&e->mac, __ATOMIC_ACQUIRE);
	struct rte_tel_data *nd = rte_tel_data_alloc();
	char key[32], a[64], m[RTE_ETHER_ADDR_FMT_SIZE] = "";
	struct rte_ether_addr ea;
	struct config_addr ca;
	int b;

	if (nd == NULL)
		return;
	ca.family = e->key.family;
	memcpy(ca.addr, e->key.addr, sizeof(ca.addr));
	if (mac & NEIGH_MAC_VALID) {
		for (b = 0; b < RTE_ETHER_ADDR_LEN; b++)
			ea.addr_bytes[b] = (uint8_t)(mac >> (8 * (5 - b)));
		rte_ether_format_addr(m, sizeof(m), &ea);
	}
	rte_tel_data_start_dict(nd);
	rte_tel_data_add_dict_string(nd, "address", config_addr_format(&ca, a, sizeof(a)));
	rte_tel_data_add_dict_string(nd, "mac", m);
	rte_tel_data_add_dict_string(nd, "interface", port_table.port[e->key.port].cfg->name);
	rte_tel_data_add_dict_string(nd, "state", neigh_state(e, mac, now));
	if ((mac & NEIGH_MAC_VALID) && !(mac & NEIGH_MAC_STATIC))
		rte_tel_data_add_dict_u64(nd, "age_s",
		    (now - __atomic_load_n(&e->updated_ns, __ATOMIC_RELAXED)) / 1000000000u);
	rte_tel_data_add_dict_int(nd, "route_gateway", e->route_gateway);
	snprintf(key, sizeof(key), "n_%u", i);
	if (rte_tel_data_add_dict_container(d, key, nd, 0) != 0)
		rte_tel_data_free(nd);
}

/* /fastipsec/neighbors[,START]: NEIGH_PAGE entries from START; "next" is the next page's START. */
static int
cmd_neighbors(const char *cmd, const char *params, struct rte_tel_data *d)
{
	uint32_t n = __atomic_load_n(&neigh_table->n, __ATOMIC_ACQUIRE), start = 0, i;
	uint64_t now = ctl_now_ns();
	char *end;

	(void)cmd;
	rte_tel_data_start_dict(d);
	if (params != NULL && *params != '\0') {
		unsigned long v = strtoul(params, &end, 10);

		if (*end != '\0' || v > n) {
			rte_tel_data_add_dict_string(d, "error", "parameter must be a start index");
			return 0;
		}
		start = (uint32_t)v;
	}
	rte_tel_data_add_dict_u64(d, "total", n);
	rte_tel_data_add_dict_u64(d, "used", __atomic_load_n(&neigh_table->used, __ATOMIC_RELAXED));
	rte_tel_data_add_dict_u64(d, "start", start);
	/* Slots freed for reuse are left out (a page may hold fewer entries). */
	for (i = start; i < n && i < start + NEIGH_PAGE; i++)
		if (__atomic_load_n(&neigh_table->e[i].in_use, __ATOMIC_ACQUIRE))
			add_neigh(d, i, now);
	if (i < n)
		rte_tel_data_add_dict_u64(d, "next", i);
	return 0;
}

int
telemetry_init(const struct config *cfg)
{
	int rc;

	tm_cfg = cfg;
	rc = rte_telemetry_register_cmd("/fastipsec/info", cmd_info,
	    "Version, instance, lcores and their roles, ports and their state. No parameters");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/fastipsec/diagnostics", cmd_diagnostics,
		    "IPsec diagnostics state. Parameter: on or off to switch it");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/fastipsec/stats", cmd_stats,
		    "Counters, drops by reason, cycles per packet: all workers, or worker N with ,N");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/fastipsec/neighbors", cmd_neighbors,
		    "ARP and ND neighbours, 64 a page. Parameter: start index (the reply's next)");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/fastipsec/ike/stats", cmd_ike_stats,
		    "IKE datagrams punted, received, sent and dropped; IKE SAs installed. No parameters");
	if (rc == 0)
		rc = telemetry_sa_init();
	if (rc == 0)
		rc = telemetry_ike_init(cfg);
	return rc;
}
