/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/tools/ike_sock.c: the IKEv1 engine on plain UDP sockets, one JSON line per SA event. */
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
#include <sys/socket.h>

#include "common/log.h"
#include "config/config.h"
#include "slowpath/ike/ike.h"
#include "slowpath/ike/ike_child.h"

/*
 * ike_sock --config FILE [--start] [--initiate CHILD]... [--timeout S]
 *         [--expire S] [--print-keys] [--diagnostics]
 *
 * Loads a fastipsec configuration, opens a UDP socket on every local
 * address of every connection, on the connection's IKE port (500) and on
 * the NAT-T port (4500), and runs the IKEv1 engine on them, without DPDK:
 * what the appliance's control core does with punted packets, done with
 * the kernel's sockets so that the engine can face a real peer (strongSwan)
 * in a network namespace.
 *
 * On port 4500 (RFC 3948 §2.2, §2.3) an IKE message follows a 4-byte
 * zero non-ESP marker, which is stripped on input and added on output; a
 * 1-byte 0xff datagram is a NAT-keepalive and ESP starts with a non-zero
 * SPI: both are counted and dropped, as there is no data path here.
 *
 * stdout carries one JSON object a line:
 *   {"event":"ready", "sockets":N, ...}         sockets are bound
 *   {"event":"child_up", "child":"net", "spi_in":"c0ffee01", ...}
 *   {"event":"child_down", ...}
 *   {"event":"expire", "spi_in":"c0ffee01"}       --expire reported a hard lifetime
 *   {"event":"stats", "p1_done":N, ..., "dropped":{"hash":1}}   engine counters, at exit
 *   {"event":"exit", "reason":"signal"|"timeout", ...}
 * Keys appear only with --print-keys (for tests that decrypt the wire).
 * The engine's log records go to stderr.  SIGTERM or SIGINT (once or
 * repeatedly) ends the run: the engine is destroyed (child_down for every
 * installed pair) while the sockets are still open, so whatever it sends
 * on the way out leaves.  NAT-keepalives the engine asks for go out as one
 * 0xff octet on port 4500.
 */

#define TICK_NS            100000000ull /* ikev1_tick() every 100 ms */
#define IKE_DATAGRAM_MAX   65535
#define NON_ESP_MARKER     4  /* RFC 3948 §2.2: 4 zero octets before an IKE header */
#define EXPIRE_PENDING_MAX 64 /* --expire: pairs waiting for their hard expiry */

struct sock {
	int fd;
	struct ike_addr local; /* bound address, port in host order */
	bool natt;             /* port 4500: non-ESP marker */
};

struct harness {
	struct config *cfg;
	struct ikev1 *engine;
	struct sock *socks;
	unsigned int n_socks;
	bool print_keys;
	uint64_t t0;
	uint64_t rx, tx, tx_errors, keepalives, keepalives_sent, esp_dropped, runts, truncated;
	unsigned int up, down;
	uint64_t expire_ns; /* --expire: 0 none */
	struct {
		uint32_t spi_in;
		uint64_t at_ns;
	} expiring[EXPIRE_PENDING_MAX];
	unsigned int n_expiring;
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
	    "usage: ike_sock --config FILE [--start] [--initiate CHILD]... [--timeout SECONDS]\n"
	    "                [--expire SECONDS] [--print-keys] [--diagnostics]\n"
	    "  --start        initiate the children with start_action: start (ikev1_start)\n"
	    "  --initiate C   initiate child C (by name) once the sockets are open\n"
	    "  --timeout S    exit after S seconds (default: run until SIGTERM/SIGINT)\n"
	    "  --print-keys   include the negotiated ESP/AH keys in child_up events\n"
	    "  --expire S     S seconds after a child_up, report its inbound SA's hard lifetime\n"
	    "                 (ikev1_sa_expired): the engine deletes the pair towards the peer\n"
	    "  --diagnostics  IPsec diagnostics on: the engine logs its diagnostics-only messages\n");
}

/* ---- JSON output ---- */

static void
json_str(FILE *f, const char *s)
{
	const unsigned char *p;

	fputc('"', f);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void
json_hex(FILE *f, const uint8_t *b, size_t n)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i < n; i++)
		fprintf(f, "%02x", b[i]);
	fputc('"', f);
}

static void
json_addr(FILE *f, const struct config_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	if (a->family != 4 && a->family != 6) {
		fputs("null", f);
		return;
	}
	json_str(f, config_addr_format(a, buf, sizeof(buf)));
}

static const char *
proto_name(int proto)
{
	switch (proto) {
	case 1:
		return "icmp";
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 58:
		return "ipv6-icmp";
	default:
		return NULL;
	}
}

/* A traffic selector in swanctl's notation: "198.51.100.0/24", "192.0.2.7/32[udp/500]". */
static void
json_ts(FILE *f, const struct config_ts *ts)
{
	char addr[INET6_ADDRSTRLEN], text[INET6_ADDRSTRLEN + 64], sel[48] = "";
	const char *pn;
	bool any_ports = ts->ports.first == 0 && ts->ports.last == 65535;

	if (ts->dynamic) {
		json_str(f, "dynamic");
		return;
	}
	if (ts->protocol >= 0 || !any_ports) {
		char proto[16], ports[16] = "";

		pn = proto_name(ts->protocol);
		if (pn != NULL)
			snprintf(proto, sizeof(proto), "%s", pn);
		else
			snprintf(proto, sizeof(proto), "%d", ts->protocol < 0 ? 0 : ts->protocol);
		if (!any_ports && ts->ports.first == ts->ports.last)
			snprintf(ports, sizeof(ports), "/%u", ts->ports.first);
		else if (!any_ports)
			snprintf(ports, sizeof(ports), "/%u-%u", ts->ports.first, ts->ports.last);
		snprintf(sel, sizeof(sel), "[%s%s]", proto, ports);
	}
	snprintf(text, sizeof(text), "%s/%u%s", config_addr_format(&ts->net.a, addr, sizeof(addr)),
	    ts->net.len, sel);
	json_str(f, text);
}

static void
json_ts_list(FILE *f, const struct config_ts *ts, unsigned int n)
{
	unsigned int i;

	fputc('[', f);
	for (i = 0; i < n && i < CONFIG_TS_MAX; i++) {
		if (i > 0)
			fputc(',', f);
		json_ts(f, &ts[i]);
	}
	fputc(']', f);
}

static double
elapsed(const struct harness *h)
{
	return (double)(now_ns() - h->t0) / 1e9;
}

static void
print_child(struct harness *h, const char *event, const struct ike_child_sa *c, bool keys)
{
	const struct config_child *ch = NULL;
	const char *conn = "";

	if (c->child < h->cfg->n_children) {
		ch = &h->cfg->children[c->child];
		if (ch->connection < h->cfg->n_connections)
			conn = h->cfg->connections[ch->connection].name;
	}
	printf("{\"event\":\"%s\",\"time\":%.3f,\"connection\":", event, elapsed(h));
	json_str(stdout, conn);
	printf(",\"child\":");
	json_str(stdout, ch != NULL ? ch->name : "");
	printf(",\"child_index\":%u,\"ike_sa\":%" PRIu64 ",\"ike_version\":%u", c->child, c->ike_sa,
	    c->ike_version);
	printf(",\"protocol\":\"%s\",\"mode\":\"%s\"", c->proto == ALG_PROTO_AH ? "ah" : "esp",
	    config_mode_name(c->mode));
	printf(",\"spi_in\":\"%08" PRIx32 "\",\"spi_out\":\"%08" PRIx32 "\"", c->spi_in,
	    c->spi_out);
	printf(",\"proposal\":");
	json_str(stdout, c->alg.name);
	printf(",\"esn\":%s,\"local\":", c->esn ? "true" : "false");
	json_addr(stdout, &c->local);
	printf(",\"remote\":");
	json_addr(stdout, &c->remote);
	printf(",\"encap\":%s,\"local_port\":%u,\"remote_port\":%u", c->encap ? "true" : "false",
	    c->local_port, c->remote_port);
	printf(",\"local_ts\":");
	json_ts_list(stdout, c->local_ts, c->n_local_ts);
	printf(",\"remote_ts\":");
	json_ts_list(stdout, c->remote_ts, c->n_remote_ts);
	printf(",\"lifetime\":{\"soft_bytes\":%" PRIu64 ",\"hard_bytes\":%" PRIu64
	       ",\"soft_packets\":%" PRIu64 ",\"hard_packets\":%" PRIu64 "}",
	    c->lifetime.soft_bytes, c->lifetime.hard_bytes, c->lifetime.soft_packets,
	    c->lifetime.hard_packets);
	printf(",\"replay_window\":%" PRIu32, c->replay_window);
	if (keys) {
		printf(",\"enc_in\":");
		json_hex(stdout, c->in.enc,
		    c->in.enc_len <= CONFIG_ENC_KEY_MAX ? c->in.enc_len : 0);
		printf(",\"integ_in\":");
		json_hex(stdout, c->in.integ,
		    c->in.integ_len <= CONFIG_INTEG_KEY_MAX ? c->in.integ_len : 0);
		printf(",\"enc_out\":");
		json_hex(stdout, c->out.enc,
		    c->out.enc_len <= CONFIG_ENC_KEY_MAX ? c->out.enc_len : 0);
		printf(",\"integ_out\":");
		json_hex(stdout, c->out.integ,
		    c->out.integ_len <= CONFIG_INTEG_KEY_MAX ? c->out.integ_len : 0);
	}
	printf("}\n");
	fflush(stdout);
}

/* ---- the engine's callbacks ---- */

static bool
addr_equal(const struct config_addr *a, const struct config_addr *b)
{
	size_t n = a->family == 4 ? 4 : 16;

	return a->family == b->family && memcmp(a->addr, b->addr, n) == 0;
}

static socklen_t
to_sockaddr(const struct ike_addr *ia, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (ia->a.family == 4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(ia->port);
		memcpy(&sin->sin_addr, ia->a.addr, 4);
		return sizeof(*sin);
	}
	if (ia->a.family == 6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(ia->port);
		memcpy(&sin6->sin6_addr, ia->a.addr, 16);
		return sizeof(*sin6);
	}
	return 0;
}

static int
from_sockaddr(const struct sockaddr_storage *ss, struct ike_addr *ia)
{
	memset(ia, 0, sizeof(*ia));
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;

		ia->a.family = 4;
		memcpy(ia->a.addr, &sin->sin_addr, 4);
		ia->port = ntohs(sin->sin_port);
		return 0;
	}
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

		ia->a.family = 6;
		memcpy(ia->a.addr, &sin6->sin6_addr, 16);
		ia->port = ntohs(sin6->sin6_port);
		return 0;
	}
	return -EAFNOSUPPORT;
}

/* The socket bound to @p local; with none, one of the same family and port. */
static struct sock *
sock_for(struct harness *h, const struct ike_addr *local, uint8_t family)
{
	struct sock *fallback = NULL;
	unsigned int i;

	for (i = 0; i < h->n_socks; i++) {
		struct sock *s = &h->socks[i];

		if (s->local.port != local->port || s->local.a.family != family)
			continue;
		if (addr_equal(&s->local.a, &local->a))
			return s;
		if (fallback == NULL)
			fallback = s;
	}
	return fallback;
}

static int
cb_send(void *ctx, const struct ike_addr *local, const struct ike_addr *remote, const uint8_t *msg,
    size_t len)
{
	static uint8_t buf[NON_ESP_MARKER + IKE_DATAGRAM_MAX];
	struct harness *h = ctx;
	struct sockaddr_storage ss;
	struct sock *s;
	socklen_t sl;
	size_t off;
	ssize_t n;

	if (msg == NULL || len == 0 || len > IKE_DATAGRAM_MAX - NON_ESP_MARKER)
		return -EINVAL;
	sl = to_sockaddr(remote, &ss);
	if (sl == 0)
		return -EAFNOSUPPORT;
	s = sock_for(h, local, remote->a.family);
	if (s == NULL) {
		char a[INET6_ADDRSTRLEN];

		fprintf(stderr, "ike_sock: no socket for %s port %u\n",
		    config_addr_format(&local->a, a, sizeof(a)), local->port);
		h->tx_errors++;
		return -EADDRNOTAVAIL;
	}
	off = s->natt ? NON_ESP_MARKER : 0;
	memset(buf, 0, off);
	memcpy(buf + off, msg, len);
	n = sendto(s->fd, buf, off + len, 0, (struct sockaddr *)&ss, sl);
	if (n < 0) {
		int err = errno;

		fprintf(stderr, "ike_sock: sendto: %s\n", strerror(err));
		h->tx_errors++;
		return -err;
	}
	h->tx++;
	return 0;
}

/* RFC 3948 §2.3: one 0xff octet, without the non-ESP marker. */
static int
cb_keepalive(void *ctx, const struct ike_addr *local, const struct ike_addr *remote)
{
	static const uint8_t ka = 0xff;
	struct harness *h = ctx;
	struct sockaddr_storage ss;
	struct sock *s;
	socklen_t sl;

	sl = to_sockaddr(remote, &ss);
	if (sl == 0)
		return -EAFNOSUPPORT;
	s = sock_for(h, local, remote->a.family);
	if (s == NULL)
		return -EADDRNOTAVAIL;
	if (sendto(s->fd, &ka, 1, 0, (struct sockaddr *)&ss, sl) < 0)
		return -errno;
	h->keepalives_sent++;
	return 0;
}

static int
cb_child_up(void *ctx, const struct ike_child_sa *c)
{
	struct harness *h = ctx;

	h->up++;
	print_child(h, "child_up", c, h->print_keys);
	/* The engine may not be called from here: the loop expires it later. */
	if (h->expire_ns != 0 && h->n_expiring < EXPIRE_PENDING_MAX) {
		h->expiring[h->n_expiring].spi_in = c->spi_in;
		h->expiring[h->n_expiring].at_ns = now_ns() + h->expire_ns;
		h->n_expiring++;
	}
	return 0;
}

static void
cb_child_down(void *ctx, const struct ike_child_sa *c)
{
	struct harness *h = ctx;

	h->down++;
	print_child(h, "child_down", c, false);
}

/* ---- sockets ---- */

static int
sock_open(struct harness *h, const struct config_addr *a, uint16_t port)
{
	struct ike_addr la = { .a = *a, .port = port };
	struct sockaddr_storage ss;
	struct sock *s;
	char text[INET6_ADDRSTRLEN];
	socklen_t sl;
	unsigned int i;
	int fd, one = 1;

	for (i = 0; i < h->n_socks; i++) {
		if (h->socks[i].local.port == port && addr_equal(&h->socks[i].local.a, a))
			return 0; /* shared by several connections */
	}
	sl = to_sockaddr(&la, &ss);
	if (sl == 0)
		return -EAFNOSUPPORT;
	fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_UDP);
	if (fd < 0)
		return -errno;
	if (ss.ss_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0) {
		int err = errno;

		close(fd);
		return -err;
	}
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0) {
		int err = errno;

		fprintf(stderr, "ike_sock: bind %s port %u: %s\n",
		    config_addr_format(a, text, sizeof(text)), port, strerror(err));
		close(fd);
		return -err;
	}
	s = &h->socks[h->n_socks++];
	s->fd = fd;
	s->local = la;
	s->natt = port == CONFIG_NATT_PORT;
	return 0;
}

static int
socks_open(struct harness *h)
{
	const struct config *cfg = h->cfg;
	unsigned int i, j, max = 0;
	int rc;

	for (i = 0; i < cfg->n_connections; i++)
		max += cfg->connections[i].n_local_addrs * 2;
	if (max == 0) {
		fprintf(stderr, "ike_sock: no connection has a local address\n");
		return -EINVAL;
	}
	h->socks = calloc(max, sizeof(*h->socks));
	if (h->socks == NULL)
		return -ENOMEM;
	for (i = 0; i < cfg->n_connections; i++) {
		const struct config_connection *c = &cfg->connections[i];
		uint16_t port = c->local_port != 0 ? c->local_port : 500;

		for (j = 0; j < c->n_local_addrs && j < CONFIG_CONN_ADDRS_MAX; j++) {
			rc = sock_open(h, &c->local_addrs[j], port);
			if (rc == 0 && port != CONFIG_NATT_PORT)
				rc = sock_open(h, &c->local_addrs[j], CONFIG_NATT_PORT);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

static void
socks_close(struct harness *h)
{
	unsigned int i;

	for (i = 0; i < h->n_socks; i++)
		close(h->socks[i].fd);
	free(h->socks);
	h->socks = NULL;
	h->n_socks = 0;
}

/* Read what is queued on @p s and hand the IKE messages to the engine. */
static void
sock_drain(struct harness *h, struct sock *s)
{
	static uint8_t buf[IKE_DATAGRAM_MAX + 1];
	struct sockaddr_storage ss;
	struct ike_addr remote;
	socklen_t sl;
	ssize_t n;
	size_t off;
	int i;

	for (i = 0; i < 64; i++) {
		sl = sizeof(ss);
		n = recvfrom(s->fd, buf, sizeof(buf), MSG_TRUNC, (struct sockaddr *)&ss, &sl);
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				fprintf(stderr, "ike_sock: recvfrom: %s\n", strerror(errno));
			return;
		}
		if ((size_t)n > IKE_DATAGRAM_MAX) {
			h->truncated++;
			continue;
		}
		if (from_sockaddr(&ss, &remote) < 0)
			continue;
		off = 0;
		if (s->natt) {
			/* RFC 3948 §2.3: a NAT-keepalive is one 0xff octet. */
			if (n == 1 && buf[0] == 0xff) {
				h->keepalives++;
				continue;
			}
			if (n < NON_ESP_MARKER) {
				h->runts++;
				continue;
			}
			/* RFC 3948 §2.2: a non-zero first word is an ESP SPI. */
			if (buf[0] != 0 || buf[1] != 0 || buf[2] != 0 || buf[3] != 0) {
				h->esp_dropped++;
				continue;
			}
			off = NON_ESP_MARKER;
		}
		if ((size_t)n == off) {
			h->runts++;
			continue;
		}
		h->rx++;
		ikev1_input(h->engine, now_ns(), &s->local, &remote, buf + off, (size_t)n - off);
	}
}

/* The engine's counters as one "stats" line (the drops that are not zero, by name). */
static void
print_stats(struct harness *h)
{
	struct ikev1_stats st;
	unsigned int i;
	bool first = true;

	ikev1_stats_read(h->engine, &st);
	printf("{\"event\":\"stats\",\"time\":%.3f,\"rx\":%" PRIu64 ",\"tx\":%" PRIu64
	       ",\"tx_failed\":%" PRIu64 ",\"retransmits\":%" PRIu64 ",\"p1_done\":%" PRIu64
	       ",\"p1_failed\":%" PRIu64 ",\"p2_done\":%" PRIu64 ",\"p2_failed\":%" PRIu64
	       ",\"deletes_sent\":%" PRIu64 ",\"deletes_received\":%" PRIu64
	       ",\"initial_contacts\":%" PRIu64 ",\"children\":%" PRIu64 ",\"dropped\":{",
	    elapsed(h), st.rx, st.tx, st.tx_failed, st.retransmits, st.p1_done, st.p1_failed,
	    st.p2_done, st.p2_failed, st.deletes_sent, st.deletes_received, st.initial_contacts,
	    st.children);
	for (i = 0; i < IKE_DROP__MAX; i++) {
		if (st.dropped[i] == 0)
			continue;
		printf("%s\"%s\":%" PRIu64, first ? "" : ",", ike_drop_name((enum ike_drop)i),
		    st.dropped[i]);
		first = false;
	}
	printf("}}\n");
	fflush(stdout);
}

/* ---- main ---- */

static int
child_index(const struct config *cfg, const char *name)
{
	unsigned int i;

	for (i = 0; i < cfg->n_children; i++) {
		if (strcmp(cfg->children[i].name, name) == 0)
			return (int)i;
	}
	return -1;
}

/*
 * --expire: report the hard lifetime of the inbound SA as a worker would;
 * the engine removes the pair (child_down) and deletes it towards the peer.
 */
static void
expire_due(struct harness *h, uint64_t now)
{
	unsigned int i = 0;
	uint32_t spi;

	while (i < h->n_expiring) {
		if (h->expiring[i].at_ns > now) {
			i++;
			continue;
		}
		spi = h->expiring[i].spi_in;
		h->expiring[i] = h->expiring[--h->n_expiring];
		printf("{\"event\":\"expire\",\"time\":%.3f,\"spi_in\":\"%08" PRIx32 "\"}\n",
		    elapsed(h), spi);
		fflush(stdout);
		ikev1_sa_expired(h->engine, now, spi, true, true);
	}
}

static int
run(struct harness *h, double timeout_s)
{
	struct pollfd *pfd;
	uint64_t next_tick, deadline = 0, now;
	unsigned int i;
	int rc, ms;

	pfd = calloc(h->n_socks, sizeof(*pfd));
	if (pfd == NULL)
		return -ENOMEM;
	for (i = 0; i < h->n_socks; i++) {
		pfd[i].fd = h->socks[i].fd;
		pfd[i].events = POLLIN;
	}
	now = now_ns();
	next_tick = now + TICK_NS;
	if (timeout_s > 0)
		deadline = now + (uint64_t)(timeout_s * 1e9);
	while (stop_signal == 0) {
		now = now_ns();
		if (deadline != 0 && now >= deadline)
			break;
		if (now >= next_tick) {
			expire_due(h, now);
			ikev1_tick(h->engine, now);
			next_tick += TICK_NS;
			if (next_tick <= now)
				next_tick = now + TICK_NS;
			continue;
		}
		ms = (int)((next_tick - now + 999999) / 1000000);
		rc = poll(pfd, h->n_socks, ms);
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			free(pfd);
			return rc;
		}
		for (i = 0; i < h->n_socks && rc > 0; i++) {
			if (pfd[i].revents & (POLLIN | POLLERR)) {
				sock_drain(h, &h->socks[i]);
				rc--;
			}
		}
	}
	free(pfd);
	return 0;
}

int
main(int argc, char **argv)
{
	struct harness h = { 0 };
	struct ike_ops ops = { 0 };
	struct sigaction sa = { 0 };
	const char *config_path = NULL;
	const char *initiate[16];
	unsigned int n_initiate = 0, i;
	bool start = false, diagnostics = false;
	double timeout_s = 0;
	char *end;
	int rc, exit_code = 0;

	for (i = 1; i < (unsigned int)argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < (unsigned int)argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--config") == 0 && v != NULL) {
			config_path = v;
			i++;
		} else if (strcmp(a, "--start") == 0) {
			start = true;
		} else if (strcmp(a, "--initiate") == 0 && v != NULL) {
			if (n_initiate == sizeof(initiate) / sizeof(initiate[0])) {
				fprintf(stderr, "ike_sock: too many --initiate\n");
				return 2;
			}
			initiate[n_initiate++] = v;
			i++;
		} else if (strcmp(a, "--timeout") == 0 && v != NULL) {
			errno = 0;
			timeout_s = strtod(v, &end);
			if (errno != 0 || *end != '\0' || !(timeout_s > 0) || timeout_s > 86400) {
				fprintf(stderr,
				    "ike_sock: --timeout: '%s' is not a number of seconds (0..86400]\n",
				    v);
				return 2;
			}
			i++;
		} else if (strcmp(a, "--expire") == 0 && v != NULL) {
			double x;

			errno = 0;
			x = strtod(v, &end);
			if (errno != 0 || *end != '\0' || !(x > 0) || x > 86400) {
				fprintf(stderr,
				    "ike_sock: --expire: '%s' is not a number of seconds (0..86400]\n",
				    v);
				return 2;
			}
			h.expire_ns = (uint64_t)(x * 1e9);
			i++;
		} else if (strcmp(a, "--print-keys") == 0) {
			h.print_keys = true;
		} else if (strcmp(a, "--diagnostics") == 0) {
			diagnostics = true;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "ike_sock: unknown or incomplete argument '%s'\n", a);
			usage(stderr);
			return 2;
		}
	}
	if (config_path == NULL) {
		usage(stderr);
		return 2;
	}

	h.cfg = config_load_file(config_path, stderr);
	if (h.cfg == NULL)
		return 1;
	if (h.cfg->n_connections == 0) {
		fprintf(stderr, "ike_sock: %s has no connections\n", config_path);
		config_destroy(h.cfg);
		return 1;
	}
	for (i = 0; i < n_initiate; i++) {
		if (child_index(h.cfg, initiate[i]) < 0) {
			fprintf(stderr, "ike_sock: --initiate: no child named '%s'\n", initiate[i]);
			config_destroy(h.cfg);
			return 1;
		}
	}
	log_set_diagnostics(diagnostics || h.cfg->diagnostics);

	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	rc = socks_open(&h);
	if (rc < 0) {
		fprintf(stderr, "ike_sock: cannot open the IKE sockets: %s\n", strerror(-rc));
		socks_close(&h);
		config_destroy(h.cfg);
		return 1;
	}

	ops.ctx = &h;
	ops.send = cb_send;
	ops.child_up = cb_child_up;
	ops.child_down = cb_child_down;
	ops.keepalive = cb_keepalive;
	h.engine = ikev1_create(h.cfg, &ops);
	if (h.engine == NULL) {
		fprintf(stderr, "ike_sock: ikev1_create failed\n");
		socks_close(&h);
		config_destroy(h.cfg);
		return 1;
	}

	h.t0 = now_ns();
	printf("{\"event\":\"ready\",\"time\":0.000,\"pid\":%ld,\"sockets\":%u,\"connections\":%u,"
	       "\"children\":%u}\n",
	    (long)getpid(), h.n_socks, h.cfg->n_connections, h.cfg->n_children);
	fflush(stdout);

	if (start)
		ikev1_start(h.engine, now_ns());
	for (i = 0; i < n_initiate; i++) {
		rc = ikev1_initiate(h.engine, now_ns(),
		    (unsigned int)child_index(h.cfg, initiate[i]));
		if (rc < 0) {
			fprintf(stderr, "ike_sock: ikev1_initiate %s: %s\n", initiate[i],
			    strerror(-rc));
			exit_code = 1;
		}
	}

	rc = run(&h, timeout_s);
	if (rc < 0) {
		fprintf(stderr, "ike_sock: poll: %s\n", strerror(-rc));
		exit_code = 1;
	}

	print_stats(&h);
	/* Destroy before closing the sockets: whatever it sends on the way out leaves. */
	ikev1_destroy(h.engine);
	h.engine = NULL;
	printf(
	    "{\"event\":\"exit\",\"time\":%.3f,\"reason\":\"%s\",\"child_up\":%u,\"child_down\":%u,"
	    "\"rx\":%" PRIu64 ",\"tx\":%" PRIu64 ",\"tx_errors\":%" PRIu64
	    ",\"keepalives_received\":%" PRIu64 ",\"keepalives_sent\":%" PRIu64
	    ",\"esp_dropped\":%" PRIu64 ",\"runts\":%" PRIu64 ",\"truncated\":%" PRIu64 "}\n",
	    elapsed(&h), stop_signal != 0 ? "signal" : "timeout", h.up, h.down, h.rx, h.tx,
	    h.tx_errors, h.keepalives, h.keepalives_sent, h.esp_dropped, h.runts, h.truncated);
	fflush(stdout);
	socks_close(&h);
	config_destroy(h.cfg);
	return exit_code;
}
