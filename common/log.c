/* SPDX-License-Identifier: BSD-3-Clause */
/* common/log.c: the logging API: catalog messages and free text into the log ring (or stderr). */

#include <arpa/inet.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/log_ring.h"

/*
 * log_event() and log_text() run on worker lcores too: they format into a
 * record on the stack and append it to the ring, which never waits.  They
 * take no lock and allocate nothing.  Only the stderr copy makes a system
 * call (one write(2)); it is meant for the main thread and for the time
 * before log_open().
 *
 * log_open() and log_close() are for the main thread while no other thread
 * logs (start-up and after the workers stopped): log_close() unmaps the ring.
 */

static _Atomic(struct log_ring *) log_cur;
static atomic_bool log_diag;
static atomic_uint_fast64_t log_drops;
static __thread uint16_t log_lcore = LOG_LCORE_NONE;
static __thread bool log_stderr;

int
log_open(const char *instance, uint32_t slots)
{
	struct log_ring *r, *old;

	if ((r = log_ring_create(instance, slots)) == NULL)
		return -errno;
	old = atomic_exchange_explicit(&log_cur, r, memory_order_acq_rel);
	log_ring_destroy(old);
	return 0;
}

void
log_close(void)
{
	log_ring_destroy(atomic_exchange_explicit(&log_cur, NULL, memory_order_acq_rel));
}

void
log_set_lcore(unsigned int lcore)
{
	log_lcore = lcore < LOG_LCORE_NONE ? (uint16_t)lcore : LOG_LCORE_NONE;
}

void
log_set_stderr(bool on)
{
	log_stderr = on;
}

void
log_set_diagnostics(bool on)
{
	atomic_store_explicit(&log_diag, on, memory_order_relaxed);
}

bool
log_diagnostics(void)
{
	return atomic_load_explicit(&log_diag, memory_order_relaxed);
}

uint64_t
log_dropped(void)
{
	return atomic_load_explicit(&log_drops, memory_order_relaxed);
}

/* Zero the fixed part of @rec (not the text: only what is written of it is copied). */
static void
record_init(struct log_record *rec, enum log_facility fac, enum log_severity sev,
    const struct log_corr *corr)
{
	struct timespec ts;

	memset(rec, 0, LOG_RECORD_HDR_SIZE);
	clock_gettime(CLOCK_REALTIME, &ts);
	rec->time_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	rec->lcore = log_lcore;
	rec->severity = (uint8_t)sev;
	rec->facility = (uint8_t)fac;
	if (corr != NULL) {
		rec->corr.ike_spi_i = corr->ike_spi_i;
		rec->corr.ike_spi_r = corr->ike_spi_r;
		rec->corr.ipsec_spi = corr->ipsec_spi;
		rec->corr.peer_family = corr->peer_family;
		memcpy(rec->corr.peer, corr->peer, sizeof(rec->corr.peer));
	}
}

static void
stderr_put(const struct log_record *rec)
{
	char line[LOG_LINE_MAX + 1];
	size_t n, off;
	ssize_t w;

	n = log_record_format(rec, line, sizeof(line) - 1);
	line[n++] = '\n';
	for (off = 0; off < n; off += (size_t)w) {
		w = write(STDERR_FILENO, line + off, n - off);
		if (w < 0 && errno == EINTR)
			w = 0;
		else if (w <= 0)
			return;
	}
}

static void
emit(struct log_record *rec)
{
	struct log_ring *r = atomic_load_explicit(&log_cur, memory_order_acquire);

	if (r == NULL) {
		rec->seq = 0;
		rec->text_len = (uint16_t)strnlen(rec->text, LOG_RECORD_TEXT_MAX - 1);
		stderr_put(rec);
		return;
	}
	if (log_ring_append(r, rec) != 0)
		atomic_fetch_add_explicit(&log_drops, 1, memory_order_relaxed);
	if (log_stderr)
		stderr_put(rec);
}

static void text_vappend(char *buf, size_t off, size_t len, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

static void
text_vappend(char *buf, size_t off, size_t len, const char *fmt, va_list ap)
{
	if (off < len)
		vsnprintf(buf + off, len - off, fmt, ap);
	buf[len - 1] = '\0';
}

void
log_event(enum log_msg_id id, const struct log_corr *corr, const char *details, ...)
{
	const struct log_catalog_entry *e = log_catalog_get(id);
	struct log_record rec;
	size_t n;
	va_list ap;

	if (e == NULL) {
		log_text(LOG_FAC_SYSTEM, LOG_SEV_ERR, corr, "log_event: unknown message id %d",
		    (int)id);
		return;
	}
	if (e->diagnostics_only && !log_diagnostics())
		return;
	record_init(&rec, e->facility, e->severity, corr);
	rec.msg_id = (uint16_t)id;
	rec.flags = e->diagnostics_only ? LOG_RECORD_DIAG : 0;
	n = strnlen(e->text, sizeof(rec.text) - 1);
	memcpy(rec.text, e->text, n);
	rec.text[n] = '\0';
	if (details != NULL && n + 1 < sizeof(rec.text)) {
		rec.text[n] = ' ';
		va_start(ap, details);
		text_vappend(rec.text, n + 1, sizeof(rec.text), details, ap);
		va_end(ap);
		if (rec.text[n + 1] == '\0')
			rec.text[n] = '\0'; /* empty details: no trailing blank */
	}
	emit(&rec);
}

void
log_text(enum log_facility fac, enum log_severity sev, const struct log_corr *corr, const char *fmt,
    ...)
{
	struct log_record rec;
	va_list ap;

	record_init(&rec, fac, sev, corr);
	rec.msg_id = LOG_MSG_TEXT;
	va_start(ap, fmt);
	text_vappend(rec.text, 0, sizeof(rec.text), fmt, ap);
	va_end(ap);
	emit(&rec);
}

/* A line being built; pos stops at len - 1 and the line stays NUL-terminated. */
struct line {
	char *buf;
	size_t len;
	size_t pos;
};

static void line_put(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
line_put(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->pos + 1 >= l->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->pos, l->len - l->pos, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->pos += (size_t)n < l->len - l->pos ? (size_t)n : l->len - l->pos - 1;
}

/* Days since 1970-01-01 to a civil date (H. Hinnant's algorithm): no tz lock, no tables. */
static void
civil_from_days(int64_t z, int64_t *y, unsigned int *m, unsigned int *d)
{
	int64_t era, yoe, doe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

size_t
log_time_format(uint64_t ns, unsigned int digits, char *buf, size_t len)
{
	struct line l = { buf, len, 0 };
	uint64_t secs = ns / 1000000000u, frac = ns % 1000000000u, sod;
	unsigned int m, d, i;
	int64_t y;

	if (len == 0)
		return 0;
	buf[0] = '\0';
	civil_from_days((int64_t)(secs / 86400), &y, &m, &d);
	sod = secs % 86400;
	line_put(&l, "%04lld-%02u-%02uT%02u:%02u:%02u", (long long)y, m, d,
	    (unsigned int)(sod / 3600), (unsigned int)(sod / 60 % 60), (unsigned int)(sod % 60));
	if (digits > 9)
		digits = 9;
	for (i = digits; i < 9; i++)
		frac /= 10;
	if (digits > 0)
		line_put(&l, ".%0*llu", (int)digits, (unsigned long long)frac);
	line_put(&l, "Z");
	return l.pos;
}

size_t
log_record_format(const struct log_record *rec, char *buf, size_t len)
{
	struct line l = { buf, len, 0 };
	const struct log_corr *c = &rec->corr;
	const unsigned char *p;
	char addr[INET6_ADDRSTRLEN];
	size_t i, n;

	if (len == 0)
		return 0;
	buf[0] = '\0';
	l.pos = log_time_format(rec->time_ns, 6, buf, len);
	if (rec->seq != 0)
		line_put(&l, " seq=%llu", (unsigned long long)rec->seq);
	else
		line_put(&l, " seq=-");
	if (rec->lcore != LOG_LCORE_NONE)
		line_put(&l, " lcore=%u", (unsigned int)rec->lcore);
	else
		line_put(&l, " lcore=-");
	line_put(&l, " %s %s [id %u] ", log_facility_name((enum log_facility)rec->facility),
	    log_severity_name((enum log_severity)rec->severity), (unsigned int)rec->msg_id);
	p = (const unsigned char *)rec->text;
	n = strnlen(rec->text, sizeof(rec->text));
	for (i = 0; i < n; i++) {
		if (p[i] < 0x20 || p[i] == 0x7f) {
			line_put(&l, "\\x%02x", p[i]);
		} else if (l.pos + 1 < l.len) {
			buf[l.pos++] = (char)p[i];
			buf[l.pos] = '\0';
		}
	}
	if (c->ike_spi_i != 0)
		line_put(&l, " ike_spi_i=%016llx", (unsigned long long)c->ike_spi_i);
	if (c->ike_spi_r != 0)
		line_put(&l, " ike_spi_r=%016llx", (unsigned long long)c->ike_spi_r);
	if (c->ipsec_spi != 0)
		line_put(&l, " ipsec_spi=0x%08x", (unsigned int)c->ipsec_spi);
	if (log_peer_format(c, addr, sizeof(addr)) != NULL)
		line_put(&l, " peer=%s", addr);
	return l.pos;
}

const char *
log_peer_format(const struct log_corr *c, char *buf, size_t len)
{
	if (c->peer_family == 4)
		return inet_ntop(AF_INET, c->peer, buf, (socklen_t)len);
	if (c->peer_family == 6)
		return inet_ntop(AF_INET6, c->peer, buf, (socklen_t)len);
	return NULL;
}
