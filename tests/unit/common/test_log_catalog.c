/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/common/test_log_catalog.c: CUnit suites for common/log_catalog.c and common/log.c. */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "common/log.h"
#include "common/log_catalog.h"
#include "common/log_ring.h"

#ifndef SEED_LIST
#error "SEED_LIST must name tests/unit/common/seed_messages.txt"
#endif

#define SEED_MAX 64

/* The hand-written list: the seed's messages with " [...]", in the seed's order. */
struct seed_line {
	bool diag;
	char msg[128];
};

static size_t
seed_load(struct seed_line *lines, size_t max)
{
	char buf[256], *tab, *nl;
	size_t n = 0;
	FILE *f;

	if ((f = fopen(SEED_LIST, "r")) == NULL)
		return 0;
	while (fgets(buf, sizeof(buf), f) != NULL && n < max) {
		if ((nl = strchr(buf, '\n')) != NULL)
			*nl = '\0';
		if (buf[0] == '#' || buf[0] == '\0')
			continue;
		if ((tab = strchr(buf, '\t')) == NULL)
			continue;
		*tab = '\0';
		lines[n].diag = strcmp(buf, "diag") == 0;
		CU_ASSERT(strcmp(buf, "diag") == 0 || strcmp(buf, "normal") == 0);
		snprintf(lines[n].msg, sizeof(lines[n].msg), "%s", tab + 1);
		n++;
	}
	fclose(f);
	return n;
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static void
test_log_catalog_get_seed_list(void)
{
	struct seed_line lines[SEED_MAX];
	bool matched[SEED_MAX] = { false };
	const struct log_catalog_entry *e;
	char msg[256];
	size_t n, i, j, seed_entries = 0;
	bool found;

	n = seed_load(lines, SEED_MAX);
	CU_ASSERT_EQUAL_FATAL(n, 20);
	/* Every seed message is in the catalog, verbatim, with the seed's flags and order. */
	for (i = 0; i < n; i++) {
		found = false;
		for (j = 0; j < log_catalog_count(); j++) {
			e = log_catalog_at(j);
			snprintf(msg, sizeof(msg), "%s%s", e->text, e->details ? " [...]" : "");
			if (e->own || strcmp(msg, lines[i].msg) != 0)
				continue;
			CU_ASSERT(!found); /* only once */
			found = true;
			CU_ASSERT_EQUAL(e->diagnostics_only, lines[i].diag);
			CU_ASSERT_EQUAL(e->details, ends_with(lines[i].msg, " [...]"));
			CU_ASSERT_EQUAL(e->id, (enum log_msg_id)(i + 1));
			CU_ASSERT(!matched[j]);
			matched[j] = true;
		}
		if (!found)
			printf("\n    not in the catalog: '%s'", lines[i].msg);
		CU_ASSERT(found);
	}
	/* And the catalog has no seed entry that is not in the list. */
	for (j = 0; j < log_catalog_count(); j++) {
		e = log_catalog_at(j);
		if (e->own)
			continue;
		seed_entries++;
		if (!matched[j])
			printf("\n    not in the seed list: '%s'", e->text);
		CU_ASSERT(matched[j]);
	}
	CU_ASSERT_EQUAL(seed_entries, n);
}

/* The stored ids never change: this table is the contract with old rings and scripts. */
static const struct {
	enum log_msg_id id;
	unsigned int value;
	const char *text;
} stable[] = {
	{ LOG_MSG_SA_TS_LOCAL, 1, "SA traffic selectors local:" },
	{ LOG_MSG_IKE_SA_PROPOSAL, 2, "IKE SA proposal" },
	{ LOG_MSG_MM_INIT_START, 3, "Starting IKE main mode initiator negotiation" },
	{ LOG_MSG_MM_RESP_START, 4, "Starting IKE main mode responder negotiation" },
	{ LOG_MSG_P1_INIT_DONE, 5, "IKE Phase-1 initiator done" },
	{ LOG_MSG_P1_RESP_DONE, 6, "IKE Phase-1 responder done" },
	{ LOG_MSG_P2_INIT_DONE, 7, "IKE Phase-2 initiator done" },
	{ LOG_MSG_P2_RESP_DONE, 8, "IKE Phase-2 responder done" },
	{ LOG_MSG_HYBRID_START, 9, "Starting Hybrid Authentication" },
	{ LOG_MSG_HYBRID_DONE, 10, "Hybrid Authentication Done" },
	{ LOG_MSG_IKE_SA_IMPORT, 11, "IKE SA import succeeded" },
	{ LOG_MSG_IPSEC_SA_IMPORT, 12, "IPsec SA import succeeded" },
	{ LOG_MSG_ESP, 13, "ESP" },
	{ LOG_MSG_AH, 14, "AH" },
	{ LOG_MSG_UNKNOWN_COOKIE, 15, "Unknown IKE cookie" },
	{ LOG_MSG_DELETE_SENT, 16, "Sending delete notification" },
	{ LOG_MSG_DELETE_RECEIVED, 17, "Delete notification received" },
	{ LOG_MSG_DELETE_SYNC_SENT, 18, "Sending IKE SA delete sync" },
	{ LOG_MSG_DELETE_SYNC_RECEIVED, 19, "Receiving IKE SA expire/delete sync" },
	{ LOG_MSG_INITIAL_CONTACT, 20, "Initial contact notification received" },
	{ LOG_MSG_STARTED, 100, "fastipsec started" },
	{ LOG_MSG_STOPPING, 101, "fastipsec stopping" },
	{ LOG_MSG_STOPPED, 102, "fastipsec stopped" },
	{ LOG_MSG_CONFIG_ERROR, 103, "Configuration error" },
	{ LOG_MSG_DIAG_ON, 104, "IPsec diagnostics enabled" },
	{ LOG_MSG_DIAG_OFF, 105, "IPsec diagnostics disabled" },
	{ LOG_MSG_PORT_UP, 106, "Port started" },
	{ LOG_MSG_PORT_LINK, 107, "Port link changed" },
	{ LOG_MSG_WORKER_START, 108, "Worker started" },
	{ LOG_MSG_SA_SOFT, 109, "IPsec SA soft lifetime reached" },
	{ LOG_MSG_SA_HARD, 110, "IPsec SA hard lifetime reached" },
	{ LOG_MSG_SA_SEQ_EXHAUSTED, 111, "IPsec SA sequence number exhausted" },
	{ LOG_MSG_IKEV2_INIT_START, 112, "Starting IKEv2 initiator negotiation" },
	{ LOG_MSG_IKEV2_RESP_START, 113, "Starting IKEv2 responder negotiation" },
	{ LOG_MSG_SA_UNKNOWN_SPI, 114, "IPsec packet for an unknown SPI" },
};

static void
test_log_catalog_get_ids(void)
{
	const struct log_catalog_entry *e, *f;
	size_t i, j;

	CU_ASSERT_EQUAL(log_catalog_count(), sizeof(stable) / sizeof(stable[0]));
	CU_ASSERT_EQUAL(LOG_MSG__SEED_END, 21);
	CU_ASSERT_EQUAL(LOG_MSG__END, 115);
	for (i = 0; i < sizeof(stable) / sizeof(stable[0]); i++) {
		CU_ASSERT_EQUAL((unsigned int)stable[i].id, stable[i].value);
		e = log_catalog_get(stable[i].id);
		CU_ASSERT_PTR_NOT_NULL_FATAL(e);
		CU_ASSERT_EQUAL(e->id, stable[i].id);
		CU_ASSERT_STRING_EQUAL(e->text, stable[i].text);
		CU_ASSERT_PTR_EQUAL(log_catalog_at(i), e); /* catalog order is id order */
	}
	for (i = 0; i < log_catalog_count(); i++) {
		e = log_catalog_at(i);
		CU_ASSERT_PTR_EQUAL(log_catalog_get(e->id), e);
		for (j = i + 1; j < log_catalog_count(); j++) {
			f = log_catalog_at(j);
			CU_ASSERT_NOT_EQUAL(e->id, f->id);
		}
	}
	CU_ASSERT_PTR_NULL(log_catalog_get(LOG_MSG_TEXT));
	CU_ASSERT_PTR_NULL(log_catalog_get(LOG_MSG__SEED_END));
	CU_ASSERT_PTR_NULL(log_catalog_get((enum log_msg_id)99));
	CU_ASSERT_PTR_NULL(log_catalog_get(LOG_MSG__END));
	CU_ASSERT_PTR_NULL(log_catalog_get((enum log_msg_id)1000));
	CU_ASSERT_PTR_NULL(log_catalog_at(log_catalog_count()));
}

static void
test_log_catalog_get_flags(void)
{
	const struct log_catalog_entry *e;
	enum log_facility want;
	size_t i;

	for (i = 0; i < log_catalog_count(); i++) {
		e = log_catalog_at(i);
		CU_ASSERT(e->text != NULL && e->text[0] != '\0');
		CU_ASSERT(e->description != NULL && strlen(e->description) > 20);
		CU_ASSERT(!ends_with(e->text, "[...]") && !ends_with(e->text, " "));
		CU_ASSERT(e->severity >= LOG_SEV_ERR && e->severity <= LOG_SEV_DEBUG);
		if (e->id >= LOG_MSG_STARTED) {
			CU_ASSERT(e->own);
			CU_ASSERT(!e->diagnostics_only);
			/* What happened to an IPsec SA is IPsec's, like the seed's ESP and AH. */
			switch (e->id) {
			case LOG_MSG_SA_SOFT:
			case LOG_MSG_SA_HARD:
			case LOG_MSG_SA_SEQ_EXHAUSTED:
			case LOG_MSG_SA_UNKNOWN_SPI:
				want = LOG_FAC_IPSEC;
				break;
			/* The IKEv2 counterparts of the seed's IKE messages are IKE's. */
			case LOG_MSG_IKEV2_INIT_START:
			case LOG_MSG_IKEV2_RESP_START:
				want = LOG_FAC_IKE;
				break;
			default:
				want = LOG_FAC_SYSTEM;
				break;
			}
			CU_ASSERT_EQUAL(e->facility, want);
			continue;
		}
		CU_ASSERT(!e->own);
		switch (e->id) {
		case LOG_MSG_ESP:
		case LOG_MSG_AH:
			want = LOG_FAC_IPSEC;
			break;
		case LOG_MSG_IKE_SA_IMPORT:
		case LOG_MSG_IPSEC_SA_IMPORT:
		case LOG_MSG_DELETE_SYNC_SENT:
		case LOG_MSG_DELETE_SYNC_RECEIVED:
			want = LOG_FAC_CLUSTER;
			break;
		default:
			want = LOG_FAC_IKE;
			break;
		}
		CU_ASSERT_EQUAL(e->facility, want);
	}
	CU_ASSERT_EQUAL(log_catalog_get(LOG_MSG_CONFIG_ERROR)->severity, LOG_SEV_ERR);
	/* A soft limit warns; a stopped SA is an error (RFC 4301 §4.4.2.1). */
	CU_ASSERT_EQUAL(log_catalog_get(LOG_MSG_SA_SOFT)->severity, LOG_SEV_WARN);
	CU_ASSERT_EQUAL(log_catalog_get(LOG_MSG_SA_HARD)->severity, LOG_SEV_ERR);
	CU_ASSERT_EQUAL(log_catalog_get(LOG_MSG_SA_SEQ_EXHAUSTED)->severity, LOG_SEV_ERR);
	CU_ASSERT(log_catalog_get(LOG_MSG_SA_HARD)->details);
}

static void
test_log_facility_name_all(void)
{
	CU_ASSERT_STRING_EQUAL(log_facility_name(LOG_FAC_IPSEC), "IPsec");
	CU_ASSERT_STRING_EQUAL(log_facility_name(LOG_FAC_IKE), "IKE");
	CU_ASSERT_STRING_EQUAL(log_facility_name(LOG_FAC_SYSTEM), "System");
	CU_ASSERT_STRING_EQUAL(log_facility_name(LOG_FAC_CLUSTER), "Cluster");
	CU_ASSERT_STRING_EQUAL(log_facility_name(LOG_FAC__MAX), "unknown");
	CU_ASSERT_STRING_EQUAL(log_severity_name(LOG_SEV_ERR), "err");
	CU_ASSERT_STRING_EQUAL(log_severity_name(LOG_SEV_WARN), "warning");
	CU_ASSERT_STRING_EQUAL(log_severity_name(LOG_SEV_NOTICE), "notice");
	CU_ASSERT_STRING_EQUAL(log_severity_name(LOG_SEV_INFO), "info");
	CU_ASSERT_STRING_EQUAL(log_severity_name(LOG_SEV_DEBUG), "debug");
	CU_ASSERT_STRING_EQUAL(log_severity_name((enum log_severity)0), "unknown");
}

/* The "log" suite: log.c through a real ring. */
static char log_inst[64];
static struct log_ring *log_reader;

static int
log_suite_init(void)
{
	snprintf(log_inst, sizeof(log_inst), "test-log-%ld", (long)getpid());
	if (log_open(log_inst, 64) != 0)
		return -1;
	log_reader = log_ring_attach(log_inst, NULL, 0);
	return log_reader == NULL ? -1 : 0;
}

static int
log_suite_fini(void)
{
	log_ring_detach(log_reader);
	log_close();
	return log_ring_unlink(log_inst) == 0 ? 0 : -1;
}

/* The newest record, or 0 when there is none. */
static int
last_record(struct log_record *rec)
{
	uint64_t claim = log_ring_claim(log_reader);

	if (claim <= 1)
		return 0;
	return log_ring_read(log_reader, claim - 1, rec) == LOG_RING_OK;
}

static void
test_log_event_diagnostics(void)
{
	struct log_record rec;
	uint64_t claim;

	log_set_diagnostics(false);
	CU_ASSERT(!log_diagnostics());
	claim = log_ring_claim(log_reader);
	log_event(LOG_MSG_UNKNOWN_COOKIE, NULL, NULL);
	log_event(LOG_MSG_DELETE_SENT, NULL, "spi=0x%08x", 0x1234u);
	CU_ASSERT_EQUAL(log_ring_claim(log_reader), claim); /* suppressed */

	log_event(LOG_MSG_INITIAL_CONTACT, NULL, NULL); /* not diagnostics-only */
	CU_ASSERT_EQUAL(log_ring_claim(log_reader), claim + 1);
	CU_ASSERT_FATAL(last_record(&rec));
	CU_ASSERT_STRING_EQUAL(rec.text, "Initial contact notification received");
	CU_ASSERT_EQUAL(rec.flags & LOG_RECORD_DIAG, 0);

	log_set_diagnostics(true);
	CU_ASSERT(log_diagnostics());
	log_event(LOG_MSG_UNKNOWN_COOKIE, NULL, NULL);
	CU_ASSERT_EQUAL(log_ring_claim(log_reader), claim + 2);
	CU_ASSERT_FATAL(last_record(&rec));
	CU_ASSERT_STRING_EQUAL(rec.text, "Unknown IKE cookie");
	CU_ASSERT_EQUAL(rec.msg_id, LOG_MSG_UNKNOWN_COOKIE);
	CU_ASSERT_EQUAL(rec.flags & LOG_RECORD_DIAG, LOG_RECORD_DIAG);
	CU_ASSERT_EQUAL(rec.facility, LOG_FAC_IKE);
	CU_ASSERT_EQUAL(rec.severity, log_catalog_get(LOG_MSG_UNKNOWN_COOKIE)->severity);
	log_set_diagnostics(false);
	CU_ASSERT_EQUAL(log_dropped(), 0);
}

static void
test_log_event_details(void)
{
	struct log_record rec;

	log_event(LOG_MSG_P1_INIT_DONE, NULL, "peer=%s auth=%s", "192.0.2.1", "psk");
	CU_ASSERT_FATAL(last_record(&rec));
	CU_ASSERT_STRING_EQUAL(rec.text, "IKE Phase-1 initiator done peer=192.0.2.1 auth=psk");
	CU_ASSERT_EQUAL(rec.msg_id, LOG_MSG_P1_INIT_DONE);

	log_event(LOG_MSG_ESP, NULL, NULL);
	CU_ASSERT_FATAL(last_record(&rec));
	CU_ASSERT_STRING_EQUAL(rec.text, "ESP");
	CU_ASSERT_EQUAL(rec.facility, LOG_FAC_IPSEC);

	log_event(LOG_MSG_AH, NULL, "%s", ""); /* empty details: no trailing blank */
	CU_ASSERT_FATAL(last_record(&rec));
	CU_ASSERT_STRING_EQUAL(rec.text, "AH");

	log_event(LOG_MSG_STARTED, NULL, "version=%s", "0.1.0");
	CU_ASSERT_FATAL(last_record(&rec));
	CU_ASSERT_STRING_EQUAL(rec.text, "fastipsec started version=0.1.0");
	CU_ASSERT_EQUAL(rec.facility, LOG_FAC_SYSTEM);

	log_event(LOG_MSG_SA_HARD, NULL, "dir=%s sa=%s limit=%s", "in", "gcm-in", "packets");
	CU_ASSERT_FATAL(last_record(&rec));
	CU_ASSERT_STRING_EQUAL(rec.text,
	    "IPsec SA hard lifetime reached dir=in sa=gcm-in limit=packets");
	CU_ASSERT_EQUAL(rec.facility, LOG_FAC_IPSEC);
	CU_ASSERT_EQUAL(rec.severity, LOG_SEV_ERR);
	CU_ASSERT_EQUAL(rec.msg_id, 110);

	log_event((enum log_msg_id)99, NULL, NULL); /* not in the catalog: an error line */
	CU_ASSERT_FATAL(last_record(&rec));
	CU_ASSERT_EQUAL(rec.msg_id, LOG_MSG_TEXT);
	CU_ASSERT_EQUAL(rec.severity, LOG_SEV_ERR);
	CU_ASSERT_STRING_EQUAL(rec.text, "log_event: unknown message id 99");
}

static void *
other_thread(void *arg)
{
	(void)arg;
	log_info(LOG_FAC_SYSTEM, "from a thread that never set its lcore");
	return NULL;
}

static void
test_log_event_corr(void)
{
	struct log_corr corr = { 0 };
	struct log_record rec;
	pthread_t t;

	corr.ike_spi_i = 0x1122334455667788ull;
	corr.ike_spi_r = 0x99aabbccddeeff00ull;
	corr.ipsec_spi = 0xdeadbeef;
	corr.peer_family = 4;
	memcpy(corr.peer, "\xc0\x00\x02\x01", 4);
	log_set_lcore(3);
	log_event(LOG_MSG_P2_RESP_DONE, &corr, "esp=aes128gcm16");
	CU_ASSERT_FATAL(last_record(&rec));
	CU_ASSERT_EQUAL(rec.corr.ike_spi_i, corr.ike_spi_i);
	CU_ASSERT_EQUAL(rec.corr.ike_spi_r, corr.ike_spi_r);
	CU_ASSERT_EQUAL(rec.corr.ipsec_spi, corr.ipsec_spi);
	CU_ASSERT_EQUAL(rec.corr.peer_family, 4);
	CU_ASSERT_EQUAL(memcmp(rec.corr.peer, corr.peer, 16), 0);
	CU_ASSERT_EQUAL(rec.lcore, 3);
	CU_ASSERT(rec.time_ns > 1700000000ull * 1000000000ull);

	log_set_lcore(LOG_LCORE_NONE);
	log_event(LOG_MSG_P2_RESP_DONE, NULL, NULL);
	CU_ASSERT_FATAL(last_record(&rec));
	CU_ASSERT_EQUAL(rec.corr.ike_spi_i, 0);
	CU_ASSERT_EQUAL(rec.corr.peer_family, 0);
	CU_ASSERT_EQUAL(rec.lcore, LOG_LCORE_NONE);

	log_set_lcore(5); /* thread-local: another thread records no lcore */
	CU_ASSERT_FATAL(pthread_create(&t, NULL, other_thread, NULL) == 0);
	pthread_join(t, NULL);
	CU_ASSERT_FATAL(last_record(&rec));
	CU_ASSERT_STRING_EQUAL(rec.text, "from a thread that never set its lcore");
	CU_ASSERT_EQUAL(rec.lcore, LOG_LCORE_NONE);
	log_set_lcore(LOG_LCORE_NONE);
}

static void
test_log_text_levels(void)
{
	struct log_record rec;

	log_debug(LOG_FAC_IKE, "%s: spi %08x: state %s", __func__, 0xabcdu, "MATURE");
	CU_ASSERT_FATAL(last_record(&rec));
	CU_ASSERT_STRING_EQUAL(rec.text, "test_log_text_levels: spi 0000abcd: state MATURE");
	CU_ASSERT_EQUAL(rec.msg_id, LOG_MSG_TEXT);
	CU_ASSERT_EQUAL(rec.severity, LOG_SEV_DEBUG);
	CU_ASSERT_EQUAL(rec.facility, LOG_FAC_IKE);
	CU_ASSERT_EQUAL(rec.flags, 0);
	log_err(LOG_FAC_CLUSTER, "e");
	CU_ASSERT_FATAL(last_record(&rec));
	CU_ASSERT_EQUAL(rec.severity, LOG_SEV_ERR);
	CU_ASSERT_EQUAL(rec.facility, LOG_FAC_CLUSTER);
	log_warn(LOG_FAC_IPSEC, "w");
	CU_ASSERT_FATAL(last_record(&rec));
	CU_ASSERT_EQUAL(rec.severity, LOG_SEV_WARN);
}

static void
test_log_record_format_line(void)
{
	struct log_record rec;
	char line[LOG_LINE_MAX];

	memset(&rec, 0, sizeof(rec));
	rec.seq = 42;
	rec.time_ns = 1796106600ull * 1000000000ull + 123456789;
	rec.lcore = 1;
	rec.msg_id = LOG_MSG_P1_INIT_DONE;
	rec.severity = LOG_SEV_INFO;
	rec.facility = LOG_FAC_IKE;
	rec.corr.ike_spi_i = 0x0123456789abcdefull;
	rec.corr.ike_spi_r = 0x42;
	rec.corr.ipsec_spi = 0xabcd;
	rec.corr.peer_family = 4;
	memcpy(rec.corr.peer, "\xc0\x00\x02\x01", 4);
	snprintf(rec.text, sizeof(rec.text), "IKE Phase-1 initiator done a=1");
	log_record_format(&rec, line, sizeof(line));
	CU_ASSERT_STRING_EQUAL(line,
	    "2026-12-01T06:30:00.123456Z seq=42 lcore=1 IKE info [id 5] IKE Phase-1 initiator "
	    "done a=1 ike_spi_i=0123456789abcdef ike_spi_r=0000000000000042 ipsec_spi=0x0000abcd "
	    "peer=192.0.2.1");

	memset(&rec.corr, 0, sizeof(rec.corr));
	rec.corr.peer_family = 6;
	rec.corr.peer[0] = 0x20;
	rec.corr.peer[1] = 0x01;
	rec.corr.peer[2] = 0x0d;
	rec.corr.peer[3] = 0xb8;
	rec.corr.peer[15] = 1;
	rec.seq = 0;
	rec.lcore = LOG_LCORE_NONE;
	rec.msg_id = 0;
	rec.severity = LOG_SEV_WARN;
	rec.facility = LOG_FAC_SYSTEM;
	rec.time_ns = 951868799ull * 1000000000ull + 999999999;
	snprintf(rec.text, sizeof(rec.text), "two\nlines\t\x7f");
	log_record_format(&rec, line, sizeof(line));
	CU_ASSERT_STRING_EQUAL(line,
	    "2000-02-29T23:59:59.999999Z seq=- lcore=- System warning [id 0] "
	    "two\\x0alines\\x09\\x7f peer=2001:db8::1");

	/* A short buffer truncates and stays terminated. */
	CU_ASSERT_EQUAL(log_record_format(&rec, line, 11), 10);
	CU_ASSERT_STRING_EQUAL(line, "2000-02-29");

	log_time_format(0, 9, line, sizeof(line));
	CU_ASSERT_STRING_EQUAL(line, "1970-01-01T00:00:00.000000000Z");
	log_time_format(1796106600ull * 1000000000ull + 5, 9, line, sizeof(line));
	CU_ASSERT_STRING_EQUAL(line, "2026-12-01T06:30:00.000000005Z");
	log_time_format(1796106600ull * 1000000000ull, 0, line, sizeof(line));
	CU_ASSERT_STRING_EQUAL(line, "2026-12-01T06:30:00Z");
}

/* Run @fn with stderr captured into @buf. */
static void
capture_stderr(void (*fn)(void), char *buf, size_t len)
{
	char path[] = "/tmp/test_log_stderr.XXXXXX";
	int fd, saved;
	ssize_t n;

	buf[0] = '\0';
	fflush(stderr);
	if ((fd = mkstemp(path)) < 0)
		return;
	unlink(path);
	saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	fn();
	dup2(saved, STDERR_FILENO);
	close(saved);
	n = pread(fd, buf, len - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
}

static void
say_hello(void)
{
	log_info(LOG_FAC_SYSTEM, "hello %d", 7);
}

static void
test_log_set_stderr_copy(void)
{
	char out[4096];
	uint64_t claim = log_ring_claim(log_reader);

	capture_stderr(say_hello, out, sizeof(out)); /* ring open, stderr off: nothing */
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_EQUAL(log_ring_claim(log_reader), claim + 1);

	log_set_stderr(true);
	capture_stderr(say_hello, out, sizeof(out));
	log_set_stderr(false);
	CU_ASSERT_EQUAL(log_ring_claim(log_reader), claim + 2);
	CU_ASSERT(strstr(out, " lcore=- System info [id 0] hello 7\n") != NULL);
	CU_ASSERT(ends_with(out, "\n") && strchr(out, '\n') == out + strlen(out) - 1);
	CU_ASSERT(strncmp(strstr(out, " seq="), " seq=", 5) == 0 && strstr(out, " seq=-") == NULL);
}

static void
test_log_close_stderr_only(void)
{
	char inst[64], out[4096];
	struct log_ring *r;

	/* log_open() failing keeps the current ring. */
	CU_ASSERT_EQUAL(log_open("bad/name", 64), -EINVAL);
	CU_ASSERT_EQUAL(log_open(log_inst, 100), -EINVAL);

	/* Closed: records go to stderr only, and the ring is left for readers. */
	snprintf(inst, sizeof(inst), "test-log-%ld-close", (long)getpid());
	CU_ASSERT_FATAL(log_open(inst, 64) == 0);
	CU_ASSERT_FATAL((r = log_ring_attach(inst, NULL, 0)) != NULL);
	say_hello();
	CU_ASSERT_EQUAL(log_ring_claim(r), 2);
	log_close();
	capture_stderr(say_hello, out, sizeof(out));
	CU_ASSERT(strstr(out, " seq=- lcore=- System info [id 0] hello 7\n") != NULL);
	CU_ASSERT_EQUAL(log_ring_claim(r), 2);
	log_ring_detach(r);
	CU_ASSERT_EQUAL(log_ring_unlink(inst), 0);
	/* Back to the suite's ring for the tests after this one. */
	CU_ASSERT_EQUAL(log_open(log_inst, 64), 0);
}

struct test_entry {
	const char *name;
	CU_TestFunc fn;
};

static const struct test_entry catalog_tests[] = {
	{ "test_log_catalog_get_seed_list", test_log_catalog_get_seed_list },
	{ "test_log_catalog_get_ids", test_log_catalog_get_ids },
	{ "test_log_catalog_get_flags", test_log_catalog_get_flags },
	{ "test_log_facility_name_all", test_log_facility_name_all },
};

static const struct test_entry log_tests[] = {
	{ "test_log_event_diagnostics", test_log_event_diagnostics },
	{ "test_log_event_details", test_log_event_details },
	{ "test_log_event_corr", test_log_event_corr },
	{ "test_log_text_levels", test_log_text_levels },
	{ "test_log_record_format_line", test_log_record_format_line },
	{ "test_log_set_stderr_copy", test_log_set_stderr_copy },
	{ "test_log_close_stderr_only", test_log_close_stderr_only },
};

static int
suite_add(const char *name, CU_InitializeFunc init, CU_CleanupFunc fini, const struct test_entry *t,
    size_t n)
{
	CU_pSuite s;
	size_t i;

	if ((s = CU_add_suite(name, init, fini)) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (CU_add_test(s, t[i].name, t[i].fn) == NULL)
			return -1;
	return 0;
}

int
main(void)
{
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (suite_add("log_catalog", NULL, NULL, catalog_tests,
	        sizeof(catalog_tests) / sizeof(catalog_tests[0])) != 0 ||
	    suite_add("log", log_suite_init, log_suite_fini, log_tests,
	        sizeof(log_tests) / sizeof(log_tests[0])) != 0) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed() +
	    CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failed != 0;
}
