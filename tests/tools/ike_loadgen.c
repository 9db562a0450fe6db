/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/tools/ike_loadgen.c: many IKEv2 initiators from many addresses, for the IKE SA setup benchmark. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "common/log.h"
#include "config/config.h"
#include "slowpath/ike/ike.h"
#include "slowpath/ike/ike_child.h"
#include "slowpath/ike/ikev2_sm.h"

/*
 * ike_loadgen --remote ADDR --first ADDR --addrs N [--ids-per-addr K]
 *             --count N [--window W] [--psk TEXT] [--proposal P]
 *             [--esp P] [--remote-ts NET] [--sa-timeout S] [--timeout S]
 *             [--hold] [--no-delete] [--log-stderr]
 *
 * The project's IKEv2 engine as the initiator of --count IKE SAs towards
 * one responder (scripts/bench-ike.sh: fastipsec's control core, then
 * strongSwan's charon): connection i initiates from address
 * --first + i mod --addrs (K connections each, K at most --ids-per-addr) with
 * the FQDN identity "i<i>.bench.example.org", a pre-shared key, the IKE
 * proposal --proposal and one Child SA (ESP --esp, tunnel mode, TSi the
 * address /32, TSr --remote-ts).  At most --window negotiations are in
 * flight; the next starts as one ends.  The responder needs a connection
 * for any peer (remote id %any) whose remote_ts holds the addresses: it
 * narrows TSi to the initiator's /32.
 *
 * The configuration is built in memory: one connection is loaded from a
 * YAML template and copied N times, so that N is not bound by the
 * loader's CONFIG_CONNECTIONS_MAX nor the addresses by the interfaces'.
 * Two UDP sockets (ports 500 and 4500, RFC 3948 non-ESP marker on 4500:
 * a responder that sees a NAT, or fakes one as charon with libipsec does,
 * moves IKE_AUTH there) on the wildcard address carry every initiator:
 * IP_PKTINFO picks the source address on send and tells the local one on
 * receive, so the addresses only have to be local (scripts/bench-ike.sh
 * makes the whole prefix local with one "ip route add local" route).
 * Child SAs are counted and dropped: there is no data path here.
 *
 * A negotiation ends when child_up comes (established), or when its IKE
 * SA is gone or established without the Child SA, or after --sa-timeout
 * (failed).  The result is one JSON line on stdout:
 *   {"event":"result","attempted":N,"established":N,"failed":N,"narrowed":N,
 *    "seconds":S,"sa_per_s":R,"p50_ms":X,"p99_ms":Y,"max_ms":Z,...}
 * "narrowed" counts Child SAs whose TSi came back as the initiator's /32.
 * --hold keeps the IKE SAs (and answers the responder) after the result
 * until SIGTERM or SIGINT; then, as at the end without --hold, the engine
 * is destroyed and deletes its IKE SAs at the responder, unless
 * --no-delete.  The engine logs into a ring of its own in /dev/shm,
 * removed at exit (--log-stderr: on stderr instead).
 */

#define TICK_NS          100000000ull /* ikev2_tick() every 100 ms */
#define SWEEP_NS         250000000ull /* failed negotiations looked for every 250 ms */
#define IKE_DATAGRAM_MAX 65535
#define NON_ESP_MARKER   4 /* RFC 3948 §2.2: 4 zero octets before an IKE header */
#define RX_BURST         64
#define LOG_SLOTS        4096
#define ID_FMT           "i%u.bench.example.org"

enum conn_state {
	CONN_IDLE = 0,
	CONN_INFLIGHT,
	CONN_UP,
	CONN_FAILED,
};

struct conn {
	enum conn_state state;
	uint64_t start_ns;
	uint64_t up_ns;
	bool seen; /* sweep: an IKE SA of it exists */
	bool ike_established;
};

struct loadgen {
	struct config *cfg;
	struct ikev2 *engine;
	int fd500, fd4500;
	struct conn *conns;
	unsigned int n, window, inflight, next, up, failed, narrowed;
	uint64_t sa_timeout_ns;
	uint64_t t_first, t_last;
	uint64_t rx, tx, tx_errors, rx_other;
};

static volatile sig_atomic_t stop_signal;

static void
on_signal(int sig)
{
	stop_signal = sig;
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: ike_loadgen --remote ADDR --first ADDR --addrs N --count N [--ids-per-addr K]\n"
	    "                   [--window W] [--psk TEXT] [--proposal P] [--esp P]\n"
	    "                   [--remote-ts NET] [--sa-timeout S] [--timeout S] [--hold]\n"
	    "                   [--no-delete] [--log-stderr]\n"
	    "  --remote ADDR     the responder (IPv4, port 500)\n"
	    "  --first ADDR      the first initiator address; --addrs N of them in sequence\n"
	    "  --ids-per-addr K  connections (identities) per address (default: count / addrs)\n"
	    "  --count N         IKE SAs to set up (default 100)\n"
	    "  --window W        negotiations in flight at most (default 32)\n"
	    "  --psk TEXT        the pre-shared key (default fastipsec-bench-psk)\n"
	    "  --proposal P      IKE proposal (default aes128-sha256-ecp256)\n"
	    "  --esp P           ESP proposal (default aes128gcm16)\n"
	    "  --remote-ts NET   TSr (default 203.0.113.0/25)\n"
	    "  --sa-timeout S    a negotiation not done after S s failed (default 30)\n"
	    "  --timeout S       stop initiating after S s (default 600)\n"
	    "  --hold            keep the SAs after the result until SIGTERM/SIGINT\n"
	    "  --no-delete       exit without deleting the IKE SAs at the responder\n"
	    "  --log-stderr      the engine's log on stderr (default: a ring in /dev/shm)\n");
}

/* ---- the engine's callbacks ---- */

static int
cb_send(void *ctx, const struct ike_addr *local, const struct ike_addr *remote, const uint8_t *msg,
    size_t len)
{
	static uint8_t buf[NON_ESP_MARKER + IKE_DATAGRAM_MAX];
	struct loadgen *g = ctx;
	union {
		struct cmsghdr h;
		uint8_t b[CMSG_SPACE(sizeof(struct in_pktinfo))];
	} cbuf;
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(remote->port) };
	struct in_pktinfo *pi;
	struct cmsghdr *cm;
	struct msghdr mh = { 0 };
	struct iovec iov;
	bool natt = local->port == IKE_PORT_NATT;
	size_t off = natt ? NON_ESP_MARKER : 0;

	if (msg == NULL || len == 0 || len > IKE_DATAGRAM_MAX - NON_ESP_MARKER)
		return -EINVAL;
	if (local->a.family != 4 || remote->a.family != 4)
		return -EAFNOSUPPORT;
	memcpy(&to.sin_addr, remote->a.addr, 4);
	memset(buf, 0, off);
	memcpy(buf + off, msg, len);
	iov.iov_base = buf;
	iov.iov_len = off + len;
	memset(&cbuf, 0, sizeof(cbuf));
	mh.msg_name = &to;
	mh.msg_namelen = sizeof(to);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf.b;
	mh.msg_controllen = sizeof(cbuf.b);
	/* The source address of this initiator (the socket is bound to the wildcard). */
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = IPPROTO_IP;
	cm->cmsg_type = IP_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(*pi));
	pi = (struct in_pktinfo *)CMSG_DATA(cm);
	memcpy(&pi->ipi_spec_dst, local->a.addr, 4);
	if (sendmsg(natt ? g->fd4500 : g->fd500, &mh, 0) < 0) {
		g->tx_errors++;
		return -errno;
	}
	g->tx++;
	return 0;
}

static int
cb_child_up(void *ctx, const struct ike_child_sa *c)
{
	struct loadgen *g = ctx;
	struct conn *k;
	const struct config_addr *a;

	/* One connection, one child: the child index names the initiator. */
	if (c->child >= g->n)
		return -EINVAL;
	k = &g->conns[c->child];
	if (k->state != CONN_INFLIGHT)
		return 0;
	k->state = CONN_UP;
	k->up_ns = now_ns();
	g->t_last = k->up_ns;
	g->inflight--;
	g->up++;
	a = &g->cfg->connections[c->child].local_addrs[0];
	if (c->n_local_ts == 1 && c->local_ts[0].net.len == 32 &&
	    memcmp(c->local_ts[0].net.a.addr, a->addr, 4) == 0)
		g->narrowed++;
	return 0;
}

static void
cb_child_down(void *ctx, const struct ike_child_sa *c)
{
	(void)ctx;
	(void)c;
}

/* ---- the configuration: a template connection copied N times ---- */

static int
config_build(struct loadgen *g, const char *remote, struct in_addr first, unsigned int n_addrs,
    const char *psk, const char *proposal, const char *esp, const char *remote_ts)
{
	char yaml[4096], text[INET_ADDRSTRLEN];
	struct config_connection *conns;
	struct config_child *children;
	struct config *cfg;
	unsigned int i;
	int n;

	inet_ntop(AF_INET, &first, text, sizeof(text));
	/* Long timers: nothing rekeys or checks liveness while the benchmark runs. */
	n = snprintf(yaml, sizeof(yaml),
	    "instance: loadgen\n"
	    "interfaces:\n"
	    "  - {name: lg, port: net_null0, role: unprotected, addresses: [%s/32]}\n"
	    "ike:\n"
	    "  retransmit_timeout: 2s\n"
	    "  retransmit_tries: 3\n"
	    "  retransmit_base: 1.4\n"
	    "connections:\n"
	    "  c:\n"
	    "    version: 2\n"
	    "    local_addrs: [%s]\n"
	    "    remote_addrs: [%s]\n"
	    "    proposals: [%s]\n"
	    "    local: {auth: psk, id: \"@i0.bench.example.org\"}\n"
	    "    remote: {auth: psk, id: \"%%any\"}\n"
	    "    dpd_delay: 0\n"
	    "    rekey_time: 0\n"
	    "    reauth_time: 0\n"
	    "    children:\n"
	    "      c:\n"
	    "        mode: tunnel\n"
	    "        local_ts: [%s/32]\n"
	    "        remote_ts: [%s]\n"
	    "        esp_proposals: [%s]\n"
	    "        start_action: none\n"
	    "        rekey_time: 0\n"
	    "secrets:\n"
	    "  - {type: ike, secret: \"%s\"}\n",
	    text, text, remote, proposal, text, remote_ts, esp, psk);
	if (n < 0 || (size_t)n >= sizeof(yaml)) {
		fprintf(stderr, "ike_loadgen: arguments too long\n");
		return -EINVAL;
	}
	cfg = config_load_buffer(yaml, (size_t)n, "ike_loadgen", stderr);
	explicit_bzero(yaml, sizeof(yaml));
	if (cfg == NULL)
		return -EINVAL;
	if (cfg->n_connections != 1 || cfg->n_children != 1) {
		config_destroy(cfg);
		return -EINVAL;
	}
	conns = calloc(g->n, sizeof(*conns));
	children = calloc(g->n, sizeof(*children));
	if (conns == NULL || children == NULL) {
		free(conns);
		free(children);
		config_destroy(cfg);
		return -ENOMEM;
	}
	for (i = 0; i < g->n; i++) {
		/* Neighbours in the sequence come from different addresses. */
		uint32_t a = ntohl(first.s_addr) + i % n_addrs;
		struct config_connection *c = &conns[i];
		struct config_child *ch = &children[i];

		*c = cfg->connections[0];
		*ch = cfg->children[0];
		snprintf(c->name, sizeof(c->name), "c%u", i);
		snprintf(ch->name, sizeof(ch->name), "c%u", i);
		a = htonl(a);
		memcpy(c->local_addrs[0].addr, &a, 4);
		c->local.id_type = CONFIG_ID_FQDN;
		snprintf(c->local.id, sizeof(c->local.id), ID_FMT, i);
		c->first_child = i;
		c->n_children = 1;
		ch->connection = i;
		memcpy(ch->local_ts[0].net.a.addr, &a, 4);
	}
	free(cfg->connections);
	free(cfg->children);
	cfg->connections = conns;
	cfg->children = children;
	cfg->n_connections = g->n;
	cfg->n_children = g->n;
	g->cfg = cfg;
	return 0;
}

/* ---- sockets ---- */

static int
sock_open(uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd, one = 1, buf = 8 << 20;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_UDP);
	if (fd < 0)
		return -errno;
	/* Many initiators answered at once: room for a window of replies. */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		int err = errno;

		fprintf(stderr, "ike_loadgen: port %u: %s\n", port, strerror(err));
		close(fd);
		return -err;
	}
	return fd;
}

/* Hand what is queued on @p fd (port @p port) to the engine. */
static void
sock_drain(struct loadgen *g, int fd, uint16_t port)
{
	static uint8_t buf[IKE_DATAGRAM_MAX + 1];
	union {
		struct cmsghdr h;
		uint8_t b[CMSG_SPACE(sizeof(struct in_pktinfo))];
	} cbuf;
	struct ike_addr local, remote;
	struct sockaddr_in from;
	struct cmsghdr *cm;
	struct msghdr mh;
	struct iovec iov;
	size_t off = port == IKE_PORT_NATT ? NON_ESP_MARKER : 0;
	ssize_t n;
	bool have_dst;
	int i;

	for (i = 0; i < RX_BURST; i++) {
		memset(&mh, 0, sizeof(mh));
		iov.iov_base = buf;
		iov.iov_len = sizeof(buf);
		mh.msg_name = &from;
		mh.msg_namelen = sizeof(from);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cbuf.b;
		mh.msg_controllen = sizeof(cbuf.b);
		n = recvmsg(fd, &mh, 0);
		if (n < 0)
			return;
		have_dst = false;
		memset(&local, 0, sizeof(local));
		for (cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm)) {
			if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
				const struct in_pktinfo *pi =
				    (const struct in_pktinfo *)CMSG_DATA(cm);

				memcpy(local.a.addr, &pi->ipi_addr, 4);
				have_dst = true;
			}
		}
		/* RFC 3948 §2.2, §2.3: a keepalive, ESP or a runt on 4500 is not IKE. */
		if (!have_dst || (size_t)n <= off || from.sin_family != AF_INET ||
		    (off != 0 && (buf[0] | buf[1] | buf[2] | buf[3]) != 0)) {
			g->rx_other++;
			continue;
		}
		local.a.family = 4;
		local.port = port;
		memset(&remote, 0, sizeof(remote));
		remote.a.family = 4;
		memcpy(remote.a.addr, &from.sin_addr, 4);
		remote.port = ntohs(from.sin_port);
		g->rx++;
		ikev2_input(g->engine, now_ns(), &local, &remote, buf + off, (size_t)n - off);
	}
}

/* ---- negotiations: start, sweep, statistics ---- */

static void
start_more(struct loadgen *g, uint64_t now, bool initiating)
{
	struct conn *k;
	int rc;

	while (initiating && g->inflight < g->window && g->next < g->n) {
		k = &g->conns[g->next];
		k->state = CONN_INFLIGHT;
		k->start_ns = now_ns();
		if (g->t_first == 0)
			g->t_first = k->start_ns;
		g->inflight++;
		rc = ikev2_initiate(g->engine, k->start_ns, g->next);
		if (rc < 0) {
			fprintf(stderr, "ike_loadgen: initiate c%u: %s\n", g->next, strerror(-rc));
			k->state = CONN_FAILED;
			g->inflight--;
			g->failed++;
		}
		g->next++;
	}
	(void)now;
}

static int
sweep_visit(void *arg, const struct ike_sa_info *info)
{
	struct loadgen *g = arg;

	if (info->connection < g->n && info->state != IKE_SA_STATE_DELETING) {
		g->conns[info->connection].seen = true;
		if (info->state == IKE_SA_STATE_ESTABLISHED)
			g->conns[info->connection].ike_established = true;
	}
	return 0;
}

/*
 * A negotiation in flight failed when its IKE SA is gone (timed out,
 * refused, AUTH failed), is established without the Child SA (the
 * responder refused it: child_up came first otherwise) or runs past
 * --sa-timeout.
 */
static void
sweep(struct loadgen *g, uint64_t now)
{
	unsigned int i, start = 0, got;
	struct conn *k;

	for (i = 0; i < g->n; i++) {
		g->conns[i].seen = false;
		g->conns[i].ike_established = false;
	}
	while ((got = ikev2_sa_list(g->engine, start, 1024, sweep_visit, g)) > 0)
		start += got;
	for (i = 0; i < g->next; i++) {
		k = &g->conns[i];
		if (k->state != CONN_INFLIGHT)
			continue;
		if (k->seen && !k->ike_established && now - k->start_ns < g->sa_timeout_ns)
			continue;
		k->state = CONN_FAILED;
		g->inflight--;
		g->failed++;
		g->t_last = now;
	}
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
print_result(struct loadgen *g)
{
	struct ikev2_stats st;
	uint64_t *lat;
	unsigned int i, m = 0;
	double secs, p50 = 0, p99 = 0, max = 0;

	lat = calloc(g->up + 1, sizeof(*lat));
	for (i = 0; lat != NULL && i < g->n; i++) {
		if (g->conns[i].state == CONN_UP)
			lat[m++] = g->conns[i].up_ns - g->conns[i].start_ns;
	}
	if (m > 0) {
		qsort(lat, m, sizeof(*lat), cmp_u64);
		p50 = (double)lat[(m - 1) / 2] / 1e6;
		p99 = (double)lat[(m * 99 + 99) / 100 - 1] / 1e6;
		max = (double)lat[m - 1] / 1e6;
	}
	free(lat);
	secs = g->t_last > g->t_first ? (double)(g->t_last - g->t_first) / 1e9 : 0;
	ikev2_stats_read(g->engine, &st);
	printf("{\"event\":\"result\",\"attempted\":%u,\"established\":%u,\"failed\":%u,"
	       "\"narrowed\":%u,\"window\":%u,\"seconds\":%.3f,\"sa_per_s\":%.1f,"
	       "\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f,\"rx\":%" PRIu64 ",\"tx\":%" PRIu64
	       ",\"tx_errors\":%" PRIu64 ",\"rx_other\":%" PRIu64 ",\"retransmits\":%" PRIu64
	       ",\"cookie_retries\":%" PRIu64 ",\"invalid_ke_retries\":%" PRIu64
	       ",\"nat_detected\":%" PRIu64 ",\"ike_failed\":%" PRIu64 ",\"auth_failed\":%" PRIu64
	       ",\"child_failed\":%" PRIu64 "}\n",
	    g->next, g->up, g->failed, g->narrowed, g->window, secs,
	    secs > 0 ? (double)g->up / secs : 0.0, p50, p99, max, g->rx, g->tx, g->tx_errors,
	    g->rx_other, st.retransmits, st.cookie_retries, st.invalid_ke_retries, st.nat_detected,
	    st.ike_failed, st.auth_failed, st.child_failed);
	fflush(stdout);
}

static int
run(struct loadgen *g, double timeout_s, bool hold)
{
	struct pollfd pfd[2] = { { .fd = g->fd500, .events = POLLIN },
		{ .fd = g->fd4500, .events = POLLIN } };
	uint64_t now = now_ns(), next_tick = now + TICK_NS, next_sweep = now + SWEEP_NS;
	uint64_t deadline = now + (uint64_t)(timeout_s * 1e9);
	bool reported = false;
	int rc, ms;

	start_more(g, now, true);
	while (stop_signal == 0) {
		now = now_ns();
		if (!reported && (g->up + g->failed == g->n || now >= deadline)) {
			print_result(g);
			reported = true;
			if (!hold)
				break;
		}
		if (now >= next_sweep) {
			sweep(g, now);
			next_sweep = now + SWEEP_NS;
		}
		if (now >= next_tick) {
			ikev2_tick(g->engine, now);
			next_tick += TICK_NS;
			if (next_tick <= now)
				next_tick = now + TICK_NS;
			start_more(g, now, now < deadline);
			continue;
		}
		ms = (int)((next_tick - now + 999999) / 1000000);
		rc = poll(pfd, 2, ms);
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (pfd[0].revents & (POLLIN | POLLERR))
			sock_drain(g, g->fd500, IKE_PORT);
		if (pfd[1].revents & (POLLIN | POLLERR))
			sock_drain(g, g->fd4500, IKE_PORT_NATT);
		start_more(g, now, now < deadline);
	}
	if (!reported)
		print_result(g);
	return 0;
}

/* ---- main ---- */

static bool
arg_uint(const char *name, const char *v, unsigned int min, unsigned int max, unsigned int *out)
{
	char *end;
	unsigned long x;

	errno = 0;
	x = strtoul(v, &end, 10);
	if (errno != 0 || *end != '\0' || x < min || x > max) {
		fprintf(stderr, "ike_loadgen: %s: '%s' is not a number in %u..%u\n", name, v, min,
		    max);
		return false;
	}
	*out = (unsigned int)x;
	return true;
}

static bool
arg_secs(const char *name, const char *v, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(v, &end);
	if (errno != 0 || *end != '\0' || !(*out > 0) || *out > 86400) {
		fprintf(stderr, "ike_loadgen: %s: '%s' is not a number of seconds (0..86400]\n",
		    name, v);
		return false;
	}
	return true;
}

int
main(int argc, char **argv)
{
	struct loadgen g = { .fd500 = -1, .fd4500 = -1, .n = 100, .window = 32 };
	struct ike_ops ops = { 0 };
	struct sigaction sa = { 0 };
	const char *remote = NULL, *psk = "fastipsec-bench-psk";
	const char *proposal = "aes128-sha256-ecp256", *esp = "aes128gcm16";
	const char *remote_ts = "203.0.113.0/25";
	struct in_addr first = { 0 }, probe;
	unsigned int n_addrs = 0, per_addr = 0, i;
	double timeout_s = 600, sa_timeout_s = 30;
	bool hold = false, no_delete = false, log_stderr = false, have_first = false;
	char log_name[64] = "";
	int rc, exit_code = 0;

	for (i = 1; i < (unsigned int)argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < (unsigned int)argc ? argv[i + 1] : NULL;
		bool ok = true;

		if (strcmp(a, "--hold") == 0) {
			hold = true;
			continue;
		} else if (strcmp(a, "--no-delete") == 0) {
			no_delete = true;
			continue;
		} else if (strcmp(a, "--log-stderr") == 0) {
			log_stderr = true;
			continue;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return 0;
		}
		if (v == NULL) {
			fprintf(stderr, "ike_loadgen: unknown or incomplete argument '%s'\n", a);
			usage(stderr);
			return 2;
		}
		i++;
		if (strcmp(a, "--remote") == 0)
			ok = inet_pton(AF_INET, v, &probe) == 1 && (remote = v) != NULL;
		else if (strcmp(a, "--first") == 0)
			ok = have_first = inet_pton(AF_INET, v, &first) == 1;
		else if (strcmp(a, "--addrs") == 0)
			ok = arg_uint(a, v, 1, 65536, &n_addrs);
		else if (strcmp(a, "--ids-per-addr") == 0)
			ok = arg_uint(a, v, 1, 1000000, &per_addr);
		else if (strcmp(a, "--count") == 0)
			ok = arg_uint(a, v, 1, 1000000, &g.n);
		else if (strcmp(a, "--window") == 0)
			ok = arg_uint(a, v, 1, 100000, &g.window);
		else if (strcmp(a, "--psk") == 0)
			psk = v;
		else if (strcmp(a, "--proposal") == 0)
			proposal = v;
		else if (strcmp(a, "--esp") == 0)
			esp = v;
		else if (strcmp(a, "--remote-ts") == 0)
			remote_ts = v;
		else if (strcmp(a, "--sa-timeout") == 0)
			ok = arg_secs(a, v, &sa_timeout_s);
		else if (strcmp(a, "--timeout") == 0)
			ok = arg_secs(a, v, &timeout_s);
		else {
			fprintf(stderr, "ike_loadgen: unknown argument '%s'\n", a);
			usage(stderr);
			return 2;
		}
		if (!ok) {
			fprintf(stderr, "ike_loadgen: bad %s '%s'\n", a, v);
			return 2;
		}
	}
	if (remote == NULL || !have_first || n_addrs == 0) {
		usage(stderr);
		return 2;
	}
	if (per_addr == 0)
		per_addr = (g.n + n_addrs - 1) / n_addrs;
	if ((uint64_t)per_addr * n_addrs < g.n) {
		fprintf(stderr,
		    "ike_loadgen: %u addresses with %u identities each are fewer than --count %u\n",
		    n_addrs, per_addr, g.n);
		return 2;
	}
	g.sa_timeout_ns = (uint64_t)(sa_timeout_s * 1e9);
	g.conns = calloc(g.n, sizeof(*g.conns));
	if (g.conns == NULL)
		return 1;
	if (config_build(&g, remote, first, n_addrs, psk, proposal, esp, remote_ts) != 0) {
		free(g.conns);
		return 1;
	}

	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (!log_stderr) {
		snprintf(log_name, sizeof(log_name), "loadgen%ld", (long)getpid());
		if (log_open(log_name, LOG_SLOTS) != 0)
			log_name[0] = '\0';
	}

	g.fd500 = sock_open(IKE_PORT);
	g.fd4500 = sock_open(IKE_PORT_NATT);
	if (g.fd500 < 0 || g.fd4500 < 0) {
		exit_code = 1;
		goto out;
	}
	ops.ctx = &g;
	ops.send = cb_send;
	ops.child_up = cb_child_up;
	ops.child_down = cb_child_down;
	g.engine = ikev2_create(g.cfg, &ops);
	if (g.engine == NULL) {
		fprintf(stderr, "ike_loadgen: ikev2_create failed\n");
		exit_code = 1;
		goto out;
	}
	printf("{\"event\":\"ready\",\"pid\":%ld,\"connections\":%u,\"addresses\":%u,"
	       "\"ids_per_addr\":%u,\"window\":%u}\n",
	    (long)getpid(), g.n, n_addrs < g.n ? n_addrs : g.n, per_addr, g.window);
	fflush(stdout);

	rc = run(&g, timeout_s, hold);
	if (rc < 0) {
		fprintf(stderr, "ike_loadgen: poll: %s\n", strerror(-rc));
		exit_code = 1;
	}
	/* Destroyed while the sockets are open: its deletes leave (unless --no-delete). */
	if (!no_delete)
		ikev2_destroy(g.engine);
	g.engine = NULL;
	if (g.up != g.n)
		exit_code = exit_code != 0 ? exit_code : 3;
out:
	if (g.fd500 >= 0)
		close(g.fd500);
	if (g.fd4500 >= 0)
		close(g.fd4500);
	if (log_name[0] != '\0') {
		char shm[96];

		log_close();
		snprintf(shm, sizeof(shm), "/fastipsec-%s.log", log_name);
		shm_unlink(shm);
	}
	config_destroy(g.cfg);
	free(g.conns);
	return exit_code;
}
