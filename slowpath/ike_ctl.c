/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike_ctl.c: the control core's IKE: the engines wired to the transport, installer and timers. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "common/log.h"
#include "slowpath/ctl.h"
#include "slowpath/ike_ctl.h"
#include "slowpath/ike_io.h"
#include "slowpath/sa_ike.h"

/* Rows sa_ike_rows_find() may give for one SPI (ours and the peer's may be equal). */
#define SPI_ROWS 4

static const struct config *conf;
static struct ikev1 *v1;
static struct ikev2 *v2;
static struct ike_ops ops;
/* The snapshot telemetry reads: cur is published, next is built by the control core. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct ike_sa_info *cur, *next;
static size_t n_cur, n_next;
static bool have_engine;

static void
v1_input(void *ctx, uint64_t now_ns, const struct ike_addr *local, const struct ike_addr *remote,
    const uint8_t *msg, size_t len)
{
	ikev1_input(ctx, now_ns, local, remote, msg, len);
}

static void
v2_input(void *ctx, uint64_t now_ns, const struct ike_addr *local, const struct ike_addr *remote,
    const uint8_t *msg, size_t len)
{
	ikev2_input(ctx, now_ns, local, remote, msg, len);
}

static int
snap_add(void *arg, const struct ike_sa_info *info)
{
	(void)arg;
	next[n_next++] = *info;
	return 0;
}

/* Refresh the snapshot: list into next, then swap it in under the lock. */
static void
snapshot(void)
{
	struct ike_sa_info *t;

	n_next = 0;
	if (v1 != NULL)
		ikev1_sa_list(v1, 0, IKE_LIST_MAX, snap_add, NULL);
	if (v2 != NULL && n_next < IKE_LIST_MAX)
		ikev2_sa_list(v2, 0, (unsigned int)(IKE_LIST_MAX - n_next), snap_add, NULL);
	pthread_mutex_lock(&lock);
	t = cur;
	cur = next;
	n_cur = n_next;
	next = t;
	pthread_mutex_unlock(&lock);
}

/*
 * The control loop, the installer's acquires and lifetime events each
 * take one handler: these dispatch to the engines.  A connection of
 * version 1 is IKEv1's; one of version 2 or 0 ("either") is initiated
 * with IKEv2, and a peer may still open IKEv1 on a version-0 connection
 * (the IKEv1 engine answers it).
 */
static void
tick(void *ctx, uint64_t now_ns)
{
	(void)ctx;
	if (v1 != NULL)
		ikev1_tick(v1, now_ns);
	if (v2 != NULL)
		ikev2_tick(v2, now_ns);
	snapshot();
}

static void
acquire(void *ctx, uint64_t now_ns, unsigned int child)
{
	const struct config_child *c = &conf->children[child];
	uint8_t version = conf->connections[c->connection].version;
	int rc = -ENOTSUP;

	(void)ctx;
	if (version == 1 && v1 != NULL)
		rc = ikev1_initiate(v1, now_ns, child);
	else if (version != 1 && v2 != NULL)
		rc = ikev2_initiate(v2, now_ns, child);
	if (rc < 0)
		log_warn(LOG_FAC_IKE, "acquire for %s/%s: cannot initiate: %s",
		    conf->connections[c->connection].name, c->name, strerror(-rc));
}

/* A lifetime event goes to the engine that negotiated the SA (the installer knows its version). */
static void
expire(void *ctx, uint64_t now_ns, uint32_t spi, bool inbound, bool hard)
{
	struct sa_ike_row rows[SPI_ROWS];
	size_t n = sa_ike_rows_find(spi, rows, SPI_ROWS), i;

	(void)ctx;
	for (i = 0; i < n; i++) {
		if (rows[i].inbound != inbound)
			continue;
		if (rows[i].ike_version == 2 && v2 != NULL)
			ikev2_sa_expired(v2, now_ns, spi, inbound, hard);
		else if (rows[i].ike_version == 1 && v1 != NULL)
			ikev1_sa_expired(v1, now_ns, spi, inbound, hard);
		return;
	}
}

static int
keepalive(void *ctx, const struct ike_addr *local, const struct ike_addr *remote)
{
	(void)ctx;
	return ike_io_keepalive(local, remote);
}

int
ike_ctl_init(const struct config *cfg)
{
	unsigned int i;
	bool any_v1 = false, any_v2 = false;

	for (i = 0; i < cfg->n_connections; i++) {
		if (cfg->connections[i].version != 2)
			any_v1 = true;
		if (cfg->connections[i].version != 1)
			any_v2 = true;
	}
	if (!any_v1 && !any_v2)
		return 0;
	conf = cfg;
	cur = calloc(IKE_LIST_MAX, sizeof(*cur));
	next = calloc(IKE_LIST_MAX, sizeof(*next));
	if (cur == NULL || next == NULL)
		goto nomem;
	ops.ctx = NULL;
	ops.send = ike_io_send_cb;
	ops.child_up = sa_ike_child_up;
	ops.child_down = sa_ike_child_down;
	ops.child_prepare = sa_ike_child_prepare;
	ops.child_activate = sa_ike_child_activate;
	ops.child_move = sa_ike_child_move;
	ops.child_remap = sa_ike_child_remap;
	ops.keepalive = keepalive;
	if (any_v1 && (v1 = ikev1_create(cfg, &ops)) == NULL)
		goto nomem;
	if (any_v2 && (v2 = ikev2_create(cfg, &ops)) == NULL)
		goto nomem;
	if (v1 != NULL)
		ike_io_register_v1(v1_input, v1);
	if (v2 != NULL)
		ike_io_register_v2(v2_input, v2);
	ctl_tick_register(tick, NULL);
	sa_ike_register_acquire(acquire, NULL);
	sa_ike_register_expire(expire, NULL);
	pthread_mutex_lock(&lock);
	have_engine = true;
	pthread_mutex_unlock(&lock);
	return 0;
nomem:
	ikev1_destroy(v1);
	v1 = NULL;
	free(cur);
	free(next);
	cur = next = NULL;
	return -ENOMEM;
}

void
ike_ctl_start(uint64_t now_ns)
{
	if (v1 != NULL)
		ikev1_start(v1, now_ns);
	if (v2 != NULL)
		ikev2_start(v2, now_ns);
}

void
ike_ctl_fini(void)
{
	if (v1 == NULL && v2 == NULL)
		return;
	ike_io_register_v1(NULL, NULL);
	ike_io_register_v2(NULL, NULL);
	ctl_tick_register(NULL, NULL);
	sa_ike_register_acquire(NULL, NULL);
	sa_ike_register_expire(NULL, NULL);
	pthread_mutex_lock(&lock);
	have_engine = false;
	pthread_mutex_unlock(&lock);
	ikev1_destroy(v1);
	v1 = NULL;
	ikev2_destroy(v2);
	v2 = NULL;
	pthread_mutex_lock(&lock);
	free(cur);
	free(next);
	cur = next = NULL;
	n_cur = n_next = 0;
	pthread_mutex_unlock(&lock);
}

bool
ike_ctl_stats_read(struct ikev1_stats *out)
{
	bool ok;

	pthread_mutex_lock(&lock);
	ok = have_engine && v1 != NULL;
	if (ok)
		ikev1_stats_read(v1, out);
	pthread_mutex_unlock(&lock);
	if (!ok)
		memset(out, 0, sizeof(*out));
	return ok;
}

bool
ike_ctl_stats_read_v2(struct ikev2_stats *out)
{
	bool ok;

	pthread_mutex_lock(&lock);
	ok = have_engine && v2 != NULL;
	if (ok)
		ikev2_stats_read(v2, out);
	pthread_mutex_unlock(&lock);
	if (!ok)
		memset(out, 0, sizeof(*out));
	return ok;
}

size_t
ike_ctl_list_count(void)
{
	size_t n;

	pthread_mutex_lock(&lock);
	n = n_cur;
	pthread_mutex_unlock(&lock);
	return n;
}

size_t
ike_ctl_list_read(size_t start, struct ike_sa_info *out, size_t max)
{
	size_t n = 0;

	pthread_mutex_lock(&lock);
	while (start + n < n_cur && n < max) {
		out[n] = cur[start + n];
		n++;
	}
	pthread_mutex_unlock(&lock);
	return n;
}

size_t
ike_ctl_list_find(uint64_t cookie, struct ike_sa_info *out, size_t max)
{
	size_t i, n = 0;

	pthread_mutex_lock(&lock);
	for (i = 0; i < n_cur && n < max; i++)
		if (cur[i].spi_i == cookie || cur[i].spi_r == cookie)
			out[n++] = cur[i];
	pthread_mutex_unlock(&lock);
	return n;
}
