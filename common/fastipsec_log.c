/* SPDX-License-Identifier: BSD-3-Clause */
/* common/fastipsec_log.c: fastipsec-log, the reader of the shared-memory log ring. */

#include <arpa/inet.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/log.h"
#include "common/log_ring.h"

#define PROG            "fastipsec-log"
#define POLL_NS         20000000ull   /* follow: sleep between polls of an idle ring */
#define STALL_WAIT_NS   2000000ull    /* sleep while a record is being written */
#define STALL_FOLLOW_NS 1000000000ull /* give up on an unfinished record after this (live writer) */
#define STALL_DUMP_NS   200000000ull

struct opts {
	const char *instance;
	bool follow;
	bool json;
	bool catalog;
	int facility;   /* -1: all */
	uint64_t since; /* 0: the oldest record kept */
};

static volatile sig_atomic_t stop;

static void
usage(FILE *f, bool full)
{
	fprintf(f,
	    "usage: " PROG " [--instance NAME] [--follow] [--json] [--facility F] [--since SEQ]\n"
	    "       " PROG " --catalog [--json]\n");
	if (!full) {
		fprintf(f, "Try '" PROG " --help' for more.\n");
		return;
	}
	fprintf(f,
	    "\n"
	    "Print the records of the fastipsec log ring /dev/shm/fastipsec-NAME.log, oldest\n"
	    "first, and exit.  The ring outlives the appliance, so a crashed appliance's last\n"
	    "records can be read too.\n"
	    "\n"
	    "  -i, --instance NAME  appliance instance (default: demo)\n"
	    "  -f, --follow         go on printing new records until SIGINT/SIGTERM; follows\n"
	    "                       the ring across restarts of the appliance\n"
	    "  -j, --json           one JSON object per line: seq, time, lcore (null when\n"
	    "                       none), severity, facility, id, diagnostics, text, and\n"
	    "                       where set ike_spi_i, ike_spi_r (16 hex digits), ipsec_spi\n"
	    "                       (\"0x%%08x\") and peer; time is RFC 3339 UTC with nanoseconds\n"
	    "                       (\"2026-12-01T06:30:00.123456789Z\"); text lines show\n"
	    "                       microseconds\n"
	    "  --facility F         only records of facility F: IPsec, IKE, System, Cluster\n"
	    "                       (any case)\n"
	    "  --since SEQ          start at sequence number SEQ (default: oldest kept)\n"
	    "  --catalog            print the message catalog (id, facility, severity, flags,\n"
	    "                       message, description) and exit; needs no ring\n"
	    "  -h, --help           this text\n"
	    "\n"
	    "Records the reader could not get (overwritten before it read them, or dropped by\n"
	    "a busy writer) show as \"-- N records lost --\" ({\"lost\": N} in JSON).\n"
	    "Exit status: 0 done, 1 no ring or unreadable ring, 2 bad arguments.\n");
}

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void
sleep_ns(uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000u), (long)(ns % 1000000000u) };

	nanosleep(&ts, NULL); /* EINTR: the caller looks at stop */
}

/* Length of the valid UTF-8 sequence at @p (at most @n bytes), 0 when invalid. */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
	uint32_t cp;
	size_t len, i;

	if (p[0] < 0xc2 || p[0] > 0xf4)
		return 0;
	len = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : 2;
	if (n < len)
		return 0;
	cp = p[0] & (0x7f >> len);
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if (len == 3 && cp < 0x800)
		return 0; /* overlong */
	if (len == 4 && (cp < 0x10000 || cp > 0x10ffff))
		return 0;                              /* overlong or past Unicode */
	return cp >= 0xd800 && cp <= 0xdfff ? 0 : len; /* no surrogates */
}

/* A JSON string: control characters as \u00XX, invalid UTF-8 as U+FFFD. */
static void
json_str(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i, k;

	putchar('"');
	for (i = 0; i < n; i++) {
		if (p[i] == '"' || p[i] == '\\') {
			putchar('\\');
			putchar(p[i]);
		} else if (p[i] < 0x20 || p[i] == 0x7f) {
			printf("\\u%04x", p[i]);
		} else if (p[i] < 0x80) {
			putchar(p[i]);
		} else if ((k = utf8_len(p + i, n - i)) != 0) {
			fwrite(p + i, 1, k, stdout);
			i += k - 1;
		} else {
			fputs("\\ufffd", stdout);
		}
	}
	putchar('"');
}

static void
json_key(const char *key)
{
	printf(", \"%s\": ", key);
}

static void
print_record(const struct log_record *rec, bool json)
{
	const struct log_corr *c = &rec->corr;
	char line[LOG_LINE_MAX], addr[INET6_ADDRSTRLEN];

	if (!json) {
		log_record_format(rec, line, sizeof(line));
		puts(line);
		return;
	}
	log_time_format(rec->time_ns, 9, line, sizeof(line));
	printf("{\"seq\": %" PRIu64 ", \"time\": \"%s\"", rec->seq, line);
	json_key("lcore");
	if (rec->lcore == LOG_LCORE_NONE)
		fputs("null", stdout);
	else
		printf("%u", (unsigned int)rec->lcore);
	json_key("severity");
	json_str(log_severity_name((enum log_severity)rec->severity));
	json_key("facility");
	json_str(log_facility_name((enum log_facility)rec->facility));
	printf(", \"id\": %u, \"diagnostics\": %s", (unsigned int)rec->msg_id,
	    (rec->flags & LOG_RECORD_DIAG) != 0 ? "true" : "false");
	json_key("text");
	json_str(rec->text);
	if (c->ike_spi_i != 0)
		printf(", \"ike_spi_i\": \"%016" PRIx64 "\"", c->ike_spi_i);
	if (c->ike_spi_r != 0)
		printf(", \"ike_spi_r\": \"%016" PRIx64 "\"", c->ike_spi_r);
	if (c->ipsec_spi != 0)
		printf(", \"ipsec_spi\": \"0x%08" PRIx32 "\"", c->ipsec_spi);
	if (log_peer_format(c, addr, sizeof(addr)) != NULL)
		printf(", \"peer\": \"%s\"", addr);
	puts("}");
}

static void
print_lost(uint64_t *lost, bool json)
{
	if (*lost == 0)
		return;
	if (json)
		printf("{\"lost\": %" PRIu64 "}\n", *lost);
	else
		printf("-- %" PRIu64 " records lost --\n", *lost);
	*lost = 0;
}

static const char *
catalog_flags(const struct log_catalog_entry *e)
{
	if (e->diagnostics_only)
		return e->own ? "diagnostics-only,own" : "diagnostics-only";
	return e->own ? "own" : "-";
}

static void
print_catalog(bool json)
{
	const struct log_catalog_entry *e;
	char msg[256];
	size_t i;

	if (!json)
		puts("# id\tfacility\tseverity\tflags\tmessage\tdescription");
	for (i = 0; i < log_catalog_count(); i++) {
		e = log_catalog_at(i);
		snprintf(msg, sizeof(msg), "%s%s", e->text, e->details ? " [...]" : "");
		if (json) {
			printf("{\"id\": %u", (unsigned int)e->id);
			json_key("facility");
			json_str(log_facility_name(e->facility));
			json_key("severity");
			json_str(log_severity_name(e->severity));
			printf(", \"diagnostics_only\": %s, \"own\": %s, \"details\": %s",
			    e->diagnostics_only ? "true" : "false", e->own ? "true" : "false",
			    e->details ? "true" : "false");
			json_key("text");
			json_str(e->text);
			json_key("message");
			json_str(msg);
			json_key("description");
			json_str(e->description);
			puts("}");
		} else {
			printf("%u\t%s\t%s\t%s\t%s\t%s\n", (unsigned int)e->id,
			    log_facility_name(e->facility), log_severity_name(e->severity),
			    catalog_flags(e), msg, e->description);
		}
	}
}

/* The appliance restarted: the old ring is drained, move to the new one. */
static struct log_ring *
reattach(struct log_ring *r, const struct opts *o, struct log_ring_cursor *c, int *fatal)
{
	struct log_ring_info info;
	struct log_ring *nr;
	char err[256], when[64];

	if ((nr = log_ring_attach(o->instance, err, sizeof(err))) == NULL) {
		/* Being replaced right now, or gone: keep polling.  Another layout: give up. */
		if (errno == EPROTONOSUPPORT || errno == EPROTO) {
			fprintf(stderr, PROG ": %s\n", err);
			*fatal = 1;
		}
		return r;
	}
	log_ring_detach(r);
	log_ring_info_get(nr, &info);
	log_time_format(info.start_ns, 6, when, sizeof(when));
	if (o->json)
		printf("{\"recreated\": {\"pid\": %d, \"time\": \"%s\"}}\n", (int)info.creator_pid,
		    when);
	else
		printf("-- log ring recreated by pid %d at %s --\n", (int)info.creator_pid, when);
	log_ring_cursor_init(c, nr, 1, STALL_FOLLOW_NS);
	return nr;
}

static int
run(const struct opts *o)
{
	struct log_ring_cursor c;
	struct log_record rec;
	struct log_ring *r;
	uint64_t end, lost, pending = 0, stall;
	enum log_ring_status st;
	char err[256];
	int fatal = 0;

	if ((r = log_ring_attach(o->instance, err, sizeof(err))) == NULL) {
		fprintf(stderr, PROG ": %s\n", err);
		return 1;
	}
	stall = o->follow ? STALL_FOLLOW_NS : STALL_DUMP_NS;
	log_ring_cursor_init(&c, r, o->since, stall);
	end = o->follow ? UINT64_MAX : log_ring_claim(r);
	while (!stop && !fatal && c.next < end) {
		st = log_ring_cursor_next(r, &c, &rec, &lost);
		switch (st) {
		case LOG_RING_OK:
			print_lost(&pending, o->json);
			if (o->facility < 0 || rec.facility == o->facility)
				print_record(&rec, o->json);
			break;
		case LOG_RING_LOST:
			pending += lost;
			break;
		case LOG_RING_IN_PROGRESS:
			/* A dead writer never finishes: do not wait for it. */
			c.stall_ns = log_ring_creator_alive(r) ? stall : 0;
			sleep_ns(STALL_WAIT_NS);
			break;
		case LOG_RING_NOT_YET:
		default:
			if (!o->follow)
				goto out;
			print_lost(&pending, o->json);
			fflush(stdout);
			if (log_ring_replaced(r))
				r = reattach(r, o, &c, &fatal);
			else
				sleep_ns(POLL_NS);
			break;
		}
	}
out:
	print_lost(&pending, o->json);
	log_ring_detach(r);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, PROG ": stdout: %s\n", strerror(errno));
		return 1;
	}
	return fatal;
}

static int
facility_parse(const char *name)
{
	int f;

	for (f = 0; f < LOG_FAC__MAX; f++)
		if (strcasecmp(name, log_facility_name((enum log_facility)f)) == 0)
			return f;
	return -1;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "instance", required_argument, NULL, 'i' },
		{ "follow", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "facility", required_argument, NULL, 'F' },
		{ "since", required_argument, NULL, 'S' },
		{ "catalog", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .instance = "demo", .facility = -1 };
	char path[LOG_RING_PATH_MAX], *end;
	struct sigaction sa;
	int ch;

	while ((ch = getopt_long(argc, argv, "i:fjh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'i':
			o.instance = optarg;
			break;
		case 'f':
			o.follow = true;
			break;
		case 'j':
			o.json = true;
			break;
		case 'F':
			if ((o.facility = facility_parse(optarg)) < 0) {
				fprintf(stderr, PROG ": unknown facility '%s' (%s)\n", optarg,
				    "one of IPsec, IKE, System, Cluster");
				return 2;
			}
			break;
		case 'S':
			errno = 0;
			o.since = strtoull(optarg, &end, 10);
			if (optarg[0] < '0' || optarg[0] > '9' || *end != '\0' || errno != 0) {
				fprintf(stderr, PROG ": bad sequence number '%s'\n", optarg);
				usage(stderr, false);
				return 2;
			}
			if (o.since == 0)
				o.since = 1;
			break;
		case 'C':
			o.catalog = true;
			break;
		case 'h':
			usage(stdout, true);
			return 0;
		default:
			usage(stderr, false);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, PROG ": unexpected argument '%s'\n", argv[optind]);
		usage(stderr, false);
		return 2;
	}
	if (o.catalog) {
		print_catalog(o.json);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	if (log_ring_path(o.instance, path, sizeof(path)) != 0) {
		fprintf(stderr, PROG ": bad instance name '%s'\n", o.instance);
		return 2;
	}
	if (o.follow) {
		setvbuf(stdout, NULL, _IOLBF, 0);
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal; /* no SA_RESTART: the poll sleep ends at once */
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}
	return run(&o);
}
