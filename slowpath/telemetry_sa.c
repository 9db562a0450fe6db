/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/telemetry_sa.c: /fastipsec/sa/list and /fastipsec/sa/info (never keys). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_telemetry.h>

#include "common/counters.h"
#include "fastpath/worker.h"
#include "slowpath/sa_ike.h"
#include "slowpath/sa_static.h"
#include "slowpath/telemetry.h"

/* SAs per /fastipsec/sa/list reply: 16 KiB of JSON in DPDK 22.11. */
#define SA_PAGE 32
/* IKE SAs of one SPI in a /fastipsec/sa/info reply (several peers may pick the same SPI). */
#define SA_INFO_IKE_MAX 8

static void
add_common(struct rte_tel_data *d, const struct sa_static *s)
{
	const struct config_static_sa *c = s->cfg;
	const struct sa_counters *cnt = s->in != NULL ? &s->in->cnt : &s->out->cnt;
	unsigned int owner = s->in != NULL ? s->in->owner : s->out->owner;
	char buf[64];

	rte_tel_data_add_dict_string(d, "name", c->name);
	rte_tel_data_add_dict_string(d, "direction", config_direction_name(c->direction));
	snprintf(buf, sizeof(buf), "0x%08x", c->spi);
	rte_tel_data_add_dict_string(d, "spi", buf);
	rte_tel_data_add_dict_string(d, "protocol", c->protocol == ALG_PROTO_AH ? "ah" : "esp");
	rte_tel_data_add_dict_string(d, "mode", config_mode_name(c->mode));
	rte_tel_data_add_dict_string(d, "local", config_addr_format(&c->local, buf, sizeof(buf)));
	rte_tel_data_add_dict_string(d, "remote", config_addr_format(&c->remote, buf, sizeof(buf)));
	rte_tel_data_add_dict_string(d, "proposal", c->prop.name);
	rte_tel_data_add_dict_int(d, "owner_lcore", (int)worker_set.w[owner]->lcore);
	rte_tel_data_add_dict_u64(d, "packets", counter_read(&cnt->packets));
	rte_tel_data_add_dict_u64(d, "bytes", counter_read(&cnt->bytes));
	rte_tel_data_add_dict_u64(d, "drops", counter_read(&cnt->drops));
}

/*
 * The SA's lifetime as its worker enforces it (fastpath/lifetime.h): the
 * limits (0: none; the used packets and bytes are "packets" and "bytes")
 * and its state, the worker's flags read with a relaxed load (ARCHITECTURE
 * rule 9): "seq_exhausted" or "hard_expired" (the SA is stopped),
 * "soft_expired" (still passing traffic), or "active".
 */
static void
add_lifetime(struct rte_tel_data *d, const struct sa_lifetime *lt)
{
	uint8_t st = __atomic_load_n(&lt->state, __ATOMIC_RELAXED);
	const char *state = "active";

	if ((st & SA_LT_SEQ) != 0)
		state = "seq_exhausted";
	else if ((st & SA_LT_HARD) != 0)
		state = "hard_expired";
	else if ((st & SA_LT_SOFT) != 0)
		state = "soft_expired";
	rte_tel_data_add_dict_u64(d, "soft_bytes",
	    __atomic_load_n(&lt->soft_bytes, __ATOMIC_RELAXED));
	rte_tel_data_add_dict_u64(d, "hard_bytes",
	    __atomic_load_n(&lt->hard_bytes, __ATOMIC_RELAXED));
	rte_tel_data_add_dict_u64(d, "soft_packets",
	    __atomic_load_n(&lt->soft_packets, __ATOMIC_RELAXED));
	rte_tel_data_add_dict_u64(d, "hard_packets",
	    __atomic_load_n(&lt->hard_packets, __ATOMIC_RELAXED));
	rte_tel_data_add_dict_string(d, "lifetime_state", state);
}

/*
 * An IKE-negotiated SA (slowpath/sa_ike.c), with the static SAs' keys,
 * plus "ike_sa", "ike_version", "slot" (its outbound slot and record id)
 * and, for an outbound SA, "active" (false once a rekey moved the
 * traffic to a newer SA).  A pair of a peer with a slot and policies of
 * its own (many-peer or narrowed child) shows its selectors: "remote_ts"
 * in the list, both and "policy" ("own" once the workers' SPD has them,
 * "own_pending" before) with the details; the others "policy": "child".
 */
static int
add_ike(struct rte_tel_data *d, size_t index, const struct sa_ike_row *r, bool details)
{
	struct rte_tel_data *sd = rte_tel_data_alloc();
	char key[32], buf[64];

	if (sd == NULL)
		return -ENOMEM;
	rte_tel_data_start_dict(sd);
	rte_tel_data_add_dict_string(sd, "name", r->name);
	rte_tel_data_add_dict_string(sd, "direction", r->inbound ? "inbound" : "outbound");
	snprintf(buf, sizeof(buf), "0x%08x", r->spi);
	rte_tel_data_add_dict_string(sd, "spi", buf);
	rte_tel_data_add_dict_string(sd, "protocol", r->proto == ALG_PROTO_AH ? "ah" : "esp");
	rte_tel_data_add_dict_string(sd, "mode", config_mode_name(r->mode));
	rte_tel_data_add_dict_string(sd, "local", config_addr_format(&r->local, buf, sizeof(buf)));
	rte_tel_data_add_dict_string(sd, "remote",
	    config_addr_format(&r->remote, buf, sizeof(buf)));
	rte_tel_data_add_dict_string(sd, "proposal", r->prop.name);
	rte_tel_data_add_dict_int(sd, "owner_lcore", (int)r->owner_lcore);
	rte_tel_data_add_dict_u64(sd, "packets", r->packets);
	rte_tel_data_add_dict_u64(sd, "bytes", r->bytes);
	rte_tel_data_add_dict_u64(sd, "drops", r->drops);
	rte_tel_data_add_dict_u64(sd, "ike_sa", r->ike_sa);
	rte_tel_data_add_dict_int(sd, "slot", (int)r->slot);
	if (!r->inbound)
		rte_tel_data_add_dict_int(sd, "active", r->active);
	if (r->own_policies)
		rte_tel_data_add_dict_string(sd, "remote_ts", r->remote_ts);
	if (details) {
		if (r->own_policies) {
			rte_tel_data_add_dict_string(sd, "policy",
			    r->policy_live ? "own" : "own_pending");
			rte_tel_data_add_dict_string(sd, "local_ts", r->local_ts);
		} else {
			rte_tel_data_add_dict_string(sd, "policy", "child");
		}
		struct sa_lifetime lt;

		rte_tel_data_add_dict_int(sd, "ike_version", r->ike_version);
		rte_tel_data_add_dict_string(sd, "encryption", alg_cipher_name(r->prop.cipher));
		rte_tel_data_add_dict_string(sd, "integrity", alg_auth_name(r->prop.auth));
		rte_tel_data_add_dict_int(sd, "icv_bytes", r->prop.icv_len);
		rte_tel_data_add_dict_int(sd, "esn", r->esn);
		rte_tel_data_add_dict_string(sd, "encap", r->encap ? "udp" : "none");
		if (r->encap) {
			rte_tel_data_add_dict_int(sd, "encap_source_port", r->encap_sport);
			rte_tel_data_add_dict_int(sd, "encap_destination_port", r->encap_dport);
		}
		if (r->inbound) {
			rte_tel_data_add_dict_int(sd, "replay_window", (int)r->replay_window);
			rte_tel_data_add_dict_u64(sd, "replay_top", r->replay_top);
		} else {
			rte_tel_data_add_dict_u64(sd, "seq", r->seq);
			rte_tel_data_add_dict_int(sd, "mtu", r->mtu);
			rte_tel_data_add_dict_int(sd, "path_mtu", r->pmtu);
		}
		memset(&lt, 0, sizeof(lt));
		lt.state = r->lt_state;
		lt.soft_bytes = r->lifetime.soft_bytes;
		lt.hard_bytes = r->lifetime.hard_bytes;
		lt.soft_packets = r->lifetime.soft_packets;
		lt.hard_packets = r->lifetime.hard_packets;
		add_lifetime(sd, &lt);
	}
	snprintf(key, sizeof(key), "sa_%zu", index);
	if (rte_tel_data_add_dict_container(d, key, sd, 0) != 0) {
		rte_tel_data_free(sd);
		return -ENOSPC;
	}
	return 0;
}

static void
add_details(struct rte_tel_data *d, const struct sa_static *s)
{
	const struct config_static_sa *c = s->cfg;

	rte_tel_data_add_dict_string(d, "encryption", alg_cipher_name(c->prop.cipher));
	rte_tel_data_add_dict_string(d, "integrity", alg_auth_name(c->prop.auth));
	rte_tel_data_add_dict_int(d, "icv_bytes", c->prop.icv_len);
	rte_tel_data_add_dict_int(d, "esn", c->esn);
	rte_tel_data_add_dict_string(d, "encap", c->encap ? "udp" : "none");
	if (c->encap) {
		rte_tel_data_add_dict_int(d, "encap_source_port", c->encap_source_port);
		rte_tel_data_add_dict_int(d, "encap_destination_port", c->encap_destination_port);
	}
	if (s->in != NULL) {
		rte_tel_data_add_dict_int(d, "replay_window", (int)c->replay_window);
		rte_tel_data_add_dict_u64(d, "replay_top",
		    __atomic_load_n(&s->in->ar.top, __ATOMIC_RELAXED));
	} else {
		rte_tel_data_add_dict_u64(d, "seq",
		    __atomic_load_n(&s->out->seq, __ATOMIC_RELAXED));
		rte_tel_data_add_dict_int(d, "mtu", s->out->mtu);
		rte_tel_data_add_dict_int(d, "path_mtu",
		    __atomic_load_n(&s->out->pmtu, __ATOMIC_RELAXED));
	}
	add_lifetime(d, s->in != NULL ? &s->in->lt : &s->out->lt);
}

static int
add_sa(struct rte_tel_data *d, size_t i, bool details)
{
	struct rte_tel_data *sd = rte_tel_data_alloc();
	char key[32];

	if (sd == NULL)
		return -ENOMEM;
	rte_tel_data_start_dict(sd);
	add_common(sd, sa_static_at(i));
	if (details)
		add_details(sd, sa_static_at(i));
	snprintf(key, sizeof(key), "sa_%zu", i);
	if (rte_tel_data_add_dict_container(d, key, sd, 0) != 0) {
		rte_tel_data_free(sd);
		return -ENOSPC;
	}
	return 0;
}

/* /fastipsec/sa/list[,START]: SA_PAGE SAs from START; "next" is the next page's START. */
static int
cmd_sa_list(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct sa_ike_row rows[SA_PAGE];
	size_t n_static = sa_static_count(), n, start = 0, i, k, got = 0;
	char *end;

	(void)cmd;
	rte_tel_data_start_dict(d);
	/* The static SAs first, then the IKE SAs as they are now (a snapshot per page). */
	n = n_static + sa_ike_rows_count();
	if (params != NULL && *params != '\0') {
		unsigned long v = strtoul(params, &end, 10);

		if (*end != '\0' || v > n) {
			rte_tel_data_add_dict_string(d, "error", "parameter must be a start index");
			return 0;
		}
		start = v;
	}
	rte_tel_data_add_dict_u64(d, "total", n);
	rte_tel_data_add_dict_u64(d, "start", start);
	for (i = start; i < n_static && i < start + SA_PAGE; i++)
		add_sa(d, i, false);
	if (i < start + SA_PAGE)
		got = sa_ike_rows_read(i - n_static, rows, start + SA_PAGE - i);
	for (k = 0; k < got; k++)
		add_ike(d, i + k, &rows[k], false);
	i += got;
	if (i < n)
		rte_tel_data_add_dict_u64(d, "next", i);
	return 0;
}

/* /fastipsec/sa/info,SPI: every SA with that SPI (hex, with or without 0x). */
static int
cmd_sa_info(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct sa_ike_row rows[SA_INFO_IKE_MAX];
	unsigned long spi;
	size_t i, k, n, found = 0;
	char *end;

	(void)cmd;
	rte_tel_data_start_dict(d);
	if (params == NULL || *params == '\0' || (spi = strtoul(params, &end, 16), *end != '\0') ||
	    spi > 0xffffffffu) {
		rte_tel_data_add_dict_string(d, "error", "parameter must be an SPI in hex");
		return 0;
	}
	for (i = 0; i < sa_static_count(); i++) {
		if (sa_static_at(i)->cfg->spi == spi && add_sa(d, i, true) == 0)
			found++;
	}
	/* IKE SAs are keyed after the static ones: sa_<static count + match number>. */
	n = sa_ike_rows_find((uint32_t)spi, rows, SA_INFO_IKE_MAX);
	for (k = 0; k < n; k++) {
		if (add_ike(d, sa_static_count() + k, &rows[k], true) == 0)
			found++;
	}
	rte_tel_data_add_dict_u64(d, "found", found);
	return 0;
}

int
telemetry_sa_init(void)
{
	int rc;

	rc = rte_telemetry_register_cmd("/fastipsec/sa/list", cmd_sa_list,
	    "SAs with counters, 32 a page. Parameter: start index (the reply's next)");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/fastipsec/sa/info", cmd_sa_info,
		    "Every SA with an SPI: algorithms, mode, endpoints, counters, replay state, "
		    "lifetime, owner. Parameter: SPI in hex");
	return rc;
}
