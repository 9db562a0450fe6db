/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/telemetry_ike.c: /fastipsec/ike/list and /fastipsec/ike/info (never keys). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_telemetry.h>

#include "slowpath/ctl.h"
#include "slowpath/ike_ctl.h"
#include "slowpath/sa_ike.h"
#include "slowpath/telemetry.h"

/* IKE SAs per /fastipsec/ike/list reply: 16 KiB of JSON in DPDK 22.11. */
#define IKE_PAGE 16
/* IPsec SA pairs named in one IKE SA's child_sas. */
#define IKE_CHILD_ROWS 64

static const struct config *tm_cfg;

static void
add_addr(struct rte_tel_data *d, const char *key, const struct ike_addr *a)
{
	char buf[64], out[80];

	config_addr_format(&a->a, buf, sizeof(buf));
	if (a->a.family == 6)
		snprintf(out, sizeof(out), "[%s]:%u", buf, a->port);
	else
		snprintf(out, sizeof(out), "%s:%u", buf, a->port);
	rte_tel_data_add_dict_string(d, key, out);
}

/*
 * The IPsec SAs of IKE SA @p id, one text "<connection>/<child> in=0xSPI
 * out=0xSPI" per pair, written into @p buf (as much as fits).
 */
static void
child_sas(uint64_t id, char *buf, size_t size)
{
	static __thread struct sa_ike_row rows[IKE_CHILD_ROWS];
	size_t n = sa_ike_rows_of_ike_sa(id, rows, IKE_CHILD_ROWS), i, len = 0;
	int w;

	buf[0] = '\0';
	/* rows_walk order: each pair's inbound row, then its outbound row when it has one. */
	for (i = 0; i < n; i++) {
		if (!rows[i].inbound)
			continue;
		w = snprintf(buf + len, size - len, "%s%s in=0x%08x out=", len ? ", " : "",
		    rows[i].name, rows[i].spi);
		if (w < 0 || (size_t)w >= size - len)
			break;
		len += (size_t)w;
		if (i + 1 < n && !rows[i + 1].inbound)
			w = snprintf(buf + len, size - len, "0x%08x", rows[i + 1].spi);
		else
			w = snprintf(buf + len, size - len, "-");
		if (w < 0 || (size_t)w >= size - len)
			break;
		len += (size_t)w;
	}
}

static void
add_fields(struct rte_tel_data *d, const struct ike_sa_info *s, uint64_t now, bool details)
{
	char buf[256];

	rte_tel_data_add_dict_u64(d, "id", s->id);
	rte_tel_data_add_dict_int(d, "version", s->version);
	if (s->connection < tm_cfg->n_connections)
		rte_tel_data_add_dict_string(d, "connection",
		    tm_cfg->connections[s->connection].name);
	snprintf(buf, sizeof(buf), "%016" PRIx64, s->spi_i);
	rte_tel_data_add_dict_string(d, "spi_i", buf);
	snprintf(buf, sizeof(buf), "%016" PRIx64, s->spi_r);
	rte_tel_data_add_dict_string(d, "spi_r", buf);
	rte_tel_data_add_dict_string(d, "role", s->initiator ? "initiator" : "responder");
	rte_tel_data_add_dict_string(d, "state", ike_sa_state_name(s->state));
	add_addr(d, "local", &s->local);
	add_addr(d, "remote", &s->remote);
	rte_tel_data_add_dict_string(d, "peer_id", s->peer_id);
	rte_tel_data_add_dict_string(d, "proposal", s->proposal);
	rte_tel_data_add_dict_u64(d, "age_s",
	    now > s->created_ns ? (now - s->created_ns) / 1000000000u : 0);
	if (s->established_ns != 0)
		rte_tel_data_add_dict_u64(d, "established_s",
		    now > s->established_ns ? (now - s->established_ns) / 1000000000u : 0);
	rte_tel_data_add_dict_int(d, "nat_local", s->nat_local);
	rte_tel_data_add_dict_int(d, "nat_remote", s->nat_remote);
	rte_tel_data_add_dict_int(d, "ipsec_sas", (int)s->n_children);
	if (details || s->n_children > 0) {
		child_sas(s->id, buf, sizeof(buf));
		rte_tel_data_add_dict_string(d, "child_sas", buf);
	}
}

/* /fastipsec/ike/list[,START]: IKE_PAGE IKE SAs from START; "next" is the next page's START. */
static int
cmd_ike_list(const char *cmd, const char *params, struct rte_tel_data *d)
{
	static __thread struct ike_sa_info page[IKE_PAGE];
	size_t total = ike_ctl_list_count(), start = 0, n, i;
	uint64_t now = ctl_now_ns();
	char key[32], *end;

	(void)cmd;
	rte_tel_data_start_dict(d);
	if (params != NULL && *params != '\0') {
		unsigned long v = strtoul(params, &end, 10);

		if (*end != '\0' || v > total) {
			rte_tel_data_add_dict_string(d, "error", "parameter must be a start index");
			return 0;
		}
		start = v;
	}
	n = ike_ctl_list_read(start, page, IKE_PAGE);
	rte_tel_data_add_dict_u64(d, "total", total);
	rte_tel_data_add_dict_u64(d, "start", start);
	for (i = 0; i < n; i++) {
		struct rte_tel_data *sd = rte_tel_data_alloc();

		if (sd == NULL)
			break;
		rte_tel_data_start_dict(sd);
		add_fields(sd, &page[i], now, false);
		snprintf(key, sizeof(key), "ike_%zu", start + i);
		if (rte_tel_data_add_dict_container(d, key, sd, 0) != 0) {
			rte_tel_data_free(sd);
			break;
		}
	}
	if (start + i < total)
		rte_tel_data_add_dict_u64(d, "next", start + i);
	return 0;
}

/* /fastipsec/ike/info,COOKIE: the IKE SA with that initiator or responder cookie (16 hex digits). */
static int
cmd_ike_info(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct ike_sa_info s;
	uint64_t cookie;
	char *end;

	(void)cmd;
	rte_tel_data_start_dict(d);
	if (params == NULL || *params == '\0' || strlen(params) > 18) {
		rte_tel_data_add_dict_string(d, "error", "parameter must be a cookie in hex");
		return 0;
	}
	errno = 0;
	cookie = strtoull(params, &end, 16);
	if (errno != 0 || *end != '\0') {
		rte_tel_data_add_dict_string(d, "error", "parameter must be a cookie in hex");
		return 0;
	}
	if (ike_ctl_list_find(cookie, &s, 1) == 0) {
		rte_tel_data_add_dict_string(d, "error", "no IKE SA with that cookie");
		return 0;
	}
	add_fields(d, &s, ctl_now_ns(), true);
	return 0;
}

int
telemetry_ike_init(const struct config *cfg)
{
	int rc;

	tm_cfg = cfg;
	rc = rte_telemetry_register_cmd("/fastipsec/ike/list", cmd_ike_list,
	    "IKE SAs, 16 a page: cookies, role, peer, state, proposal, age, IPsec SAs. Parameter: start");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/fastipsec/ike/info", cmd_ike_info,
		    "One IKE SA and its IPsec SAs. Parameter: initiator or responder cookie in hex");
	return rc;
}
