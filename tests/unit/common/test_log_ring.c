/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/common/test_log_ring.c: CUnit suite for common/log_ring.c. */

#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "common/log_ring.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_SANITIZER 1
#endif
#endif

#ifdef UNDER_SANITIZER
#define CONC_PER_WRITER 200000u
#else
#define CONC_PER_WRITER 1000000u
#endif
#define CONC_WRITERS 4u
#define CONC_SLOTS   4096u

static void
inst_name(char *buf, size_t len, const char *tag)
{
	snprintf(buf, len, "test-ring-%ld-%s", (long)getpid(), tag);
}

static uint64_t
mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

static uint32_t
fnv1a(uint32_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= 16777619u;
	}
	return h;
}

/* Checksum of everything in a record but seq, text_len and the text's own "c=" field. */
static uint32_t
record_sum(const struct log_record *rec, const char *filler, size_t flen)
{
	uint32_t h = 2166136261u;

	h = fnv1a(h, &rec->time_ns, sizeof(rec->time_ns));
	h = fnv1a(h, &rec->lcore, sizeof(rec->lcore));
	h = fnv1a(h, &rec->msg_id, sizeof(rec->msg_id));
	h = fnv1a(h, &rec->severity, 1);
	h = fnv1a(h, &rec->facility, 1);
	h = fnv1a(h, &rec->flags, 1);
	h = fnv1a(h, &rec->corr.ike_spi_i, 8);
	h = fnv1a(h, &rec->corr.ike_spi_r, 8);
	h = fnv1a(h, &rec->corr.ipsec_spi, 4);
	h = fnv1a(h, &rec->corr.peer_family, 1);
	h = fnv1a(h, rec->corr.peer, sizeof(rec->corr.peer));
	return fnv1a(h, filler, flen);
}

/*
 * The record writer @w writes as its @n-th: every field derived from (w, n),
 * and a text "w=W n=N c=CHECKSUM f=FILLER" of varying length.
 */
static void
record_fill(struct log_record *rec, unsigned int w, unsigned int n)
{
	char filler[384];
	uint64_t x = mix64(((uint64_t)w << 32) | n);
	size_t flen, i;

	memset(rec, 0, sizeof(*rec));
	rec->time_ns = x >> 4;
	rec->lcore = (uint16_t)w;
	rec->msg_id = (uint16_t)(n % 200);
	rec->severity = (uint8_t)(3 + n % 5);
	rec->facility = (uint8_t)(n % 4);
	rec->flags = (uint8_t)(n & 1);
	rec->corr.ike_spi_i = mix64(x);
	rec->corr.ike_spi_r = mix64(x + 1);
	rec->corr.ipsec_spi = (uint32_t)mix64(x + 2);
	rec->corr.peer_family = (n & 2) ? 6 : 4;
	for (i = 0; i < sizeof(rec->corr.peer); i++)
		rec->corr.peer[i] = (uint8_t)(x >> (i % 8 * 8));
	flen = x % (sizeof(filler) - 4);
	for (i = 0; i < flen; i++)
		filler[i] = (char)('a' + (x >> (i % 60)) % 26);
	filler[flen] = '\0';
	snprintf(rec->text, sizeof(rec->text), "w=%u n=%u c=%08x f=%s", w, n,
	    record_sum(rec, filler, flen), filler);
}

/* 0 when @got is exactly what writer w wrote as its n-th record; *w and *n are set. */
static int
record_verify(const struct log_record *got, unsigned int *w, unsigned int *n)
{
	struct log_record exp;
	unsigned int c;
	int off = -1;
	const char *filler;

	if (sscanf(got->text, "w=%u n=%u c=%x f=%n", w, n, &c, &off) != 3 || off < 0)
		return -1;
	filler = got->text + off;
	if (record_sum(got, filler, strlen(filler)) != c)
		return -2;
	record_fill(&exp, *w, *n);
	if (got->time_ns != exp.time_ns || got->lcore != exp.lcore || got->msg_id != exp.msg_id ||
	    got->severity != exp.severity || got->facility != exp.facility ||
	    got->flags != exp.flags || got->corr.ike_spi_i != exp.corr.ike_spi_i ||
	    got->corr.ike_spi_r != exp.corr.ike_spi_r ||
	    got->corr.ipsec_spi != exp.corr.ipsec_spi ||
	    got->corr.peer_family != exp.corr.peer_family ||
	    memcmp(got->corr.peer, exp.corr.peer, sizeof(exp.corr.peer)) != 0 ||
	    strcmp(got->text, exp.text) != 0 || got->text_len != strlen(exp.text)) {
		return -3;
	}
	return 0;
}

/* Map the ring file read-write behind the API's back, to play a stuck writer or patch it. */
static void *
map_rw(const char *inst, size_t *len)
{
	char path[LOG_RING_PATH_MAX];
	struct stat st;
	void *p;
	int fd;

	if (log_ring_path(inst, path, sizeof(path)) != 0 || (fd = open(path, O_RDWR)) < 0)
		return NULL;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return NULL;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	*len = (size_t)st.st_size;
	return p == MAP_FAILED ? NULL : p;
}

static struct log_ring_slot *
slot_of(void *base, uint64_t ticket)
{
	struct log_ring_hdr *h = base;
	struct log_ring_slot *slots = (struct log_ring_slot *)((char *)base + h->hdr_size);

	return &slots[ticket & (h->slot_count - 1)];
}

/* Claim a ticket and leave its slot busy, as a writer stopped (or killed) mid-copy does. */
static uint64_t
claim_stuck(void *base)
{
	struct log_ring_hdr *h = base;
	uint64_t t = atomic_fetch_add(&h->claim, 1);

	atomic_store(&slot_of(base, t)->seq, (t << 1) | 1);
	return t;
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void
test_log_ring_append_round_trip(void)
{
	char inst[64], path[LOG_RING_PATH_MAX];
	struct log_record rec, got;
	struct log_ring_info info;
	struct log_ring *w, *r;
	struct stat st;
	uint64_t t0 = now_ns();
	size_t i;

	inst_name(inst, sizeof(inst), "rt");
	CU_ASSERT_FATAL((w = log_ring_create(inst, 64)) != NULL);
	CU_ASSERT_EQUAL(log_ring_path(inst, path, sizeof(path)), 0);
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	CU_ASSERT_EQUAL((size_t)st.st_size, LOG_RING_HDR_SIZE + 64 * LOG_SLOT_SIZE);

	memset(&rec, 0, sizeof(rec));
	rec.time_ns = 1796106600123456789ull;
	rec.lcore = 7;
	rec.msg_id = LOG_MSG_P1_INIT_DONE;
	rec.severity = LOG_SEV_NOTICE;
	rec.facility = LOG_FAC_IKE;
	rec.flags = LOG_RECORD_DIAG;
	rec.corr.ike_spi_i = 0x0123456789abcdefull;
	rec.corr.ike_spi_r = 0xfedcba9876543210ull;
	rec.corr.ipsec_spi = 0xc0ffee01;
	rec.corr.peer_family = 6;
	for (i = 0; i < 16; i++)
		rec.corr.peer[i] = (uint8_t)(0x20 + i);
	snprintf(rec.text, sizeof(rec.text), "IKE Phase-1 initiator done peer=2001:db8::1");
	CU_ASSERT_EQUAL(log_ring_append(w, &rec), 0);
	CU_ASSERT_EQUAL(rec.seq, 1);

	/* Too long a text is cut to what fits and stays NUL-terminated. */
	memset(rec.text, 'x', sizeof(rec.text)); /* no NUL at all */
	CU_ASSERT_EQUAL(log_ring_append(w, &rec), 0);
	CU_ASSERT_EQUAL(rec.seq, 2);

	CU_ASSERT_FATAL((r = log_ring_attach(inst, NULL, 0)) != NULL);
	CU_ASSERT_EQUAL(log_ring_read(r, 1, &got), LOG_RING_OK);
	CU_ASSERT_EQUAL(got.seq, 1);
	CU_ASSERT_EQUAL(got.time_ns, 1796106600123456789ull);
	CU_ASSERT_EQUAL(got.lcore, 7);
	CU_ASSERT_EQUAL(got.msg_id, LOG_MSG_P1_INIT_DONE);
	CU_ASSERT_EQUAL(got.severity, LOG_SEV_NOTICE);
	CU_ASSERT_EQUAL(got.facility, LOG_FAC_IKE);
	CU_ASSERT_EQUAL(got.flags, LOG_RECORD_DIAG);
	CU_ASSERT_EQUAL(got.corr.ike_spi_i, 0x0123456789abcdefull);
	CU_ASSERT_EQUAL(got.corr.ike_spi_r, 0xfedcba9876543210ull);
	CU_ASSERT_EQUAL(got.corr.ipsec_spi, 0xc0ffee01);
	CU_ASSERT_EQUAL(got.corr.peer_family, 6);
	CU_ASSERT_EQUAL(memcmp(got.corr.peer, rec.corr.peer, 16), 0);
	CU_ASSERT_STRING_EQUAL(got.text, "IKE Phase-1 initiator done peer=2001:db8::1");
	CU_ASSERT_EQUAL(got.text_len, strlen(got.text));

	CU_ASSERT_EQUAL(log_ring_read(r, 2, &got), LOG_RING_OK);
	CU_ASSERT_EQUAL(got.text_len, LOG_RECORD_TEXT_MAX - 1);
	CU_ASSERT_EQUAL(strlen(got.text), LOG_RECORD_TEXT_MAX - 1);
	CU_ASSERT_EQUAL(got.text[0], 'x');

	CU_ASSERT_EQUAL(log_ring_read(r, 3, &got), LOG_RING_NOT_YET);
	CU_ASSERT_EQUAL(log_ring_read(r, 0, &got), LOG_RING_LOST);
	CU_ASSERT_EQUAL(log_ring_claim(r), 3);

	log_ring_info_get(r, &info);
	CU_ASSERT_EQUAL(info.version, LOG_RING_VERSION);
	CU_ASSERT_EQUAL(info.slot_size, LOG_SLOT_SIZE);
	CU_ASSERT_EQUAL(info.slot_count, 64);
	CU_ASSERT_EQUAL(info.creator_pid, (int32_t)getpid());
	CU_ASSERT(info.start_ns >= t0 && info.start_ns <= now_ns());
	CU_ASSERT_EQUAL(info.claim, 3);
	CU_ASSERT_EQUAL(info.overwritten, 0);
	CU_ASSERT_EQUAL(info.dropped, 0);
	CU_ASSERT_STRING_EQUAL(info.instance, inst);
	CU_ASSERT(log_ring_creator_alive(r));
	CU_ASSERT(!log_ring_replaced(r));

	log_ring_detach(r);
	log_ring_destroy(w);
	/* The object outlives its writer. */
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	CU_ASSERT_EQUAL(log_ring_unlink(inst), 0);
	CU_ASSERT_EQUAL(log_ring_unlink(inst), -ENOENT);
}

static void
test_log_ring_create_bad_args(void)
{
	char inst[64];

	inst_name(inst, sizeof(inst), "bad");
	errno = 0;
	CU_ASSERT_PTR_NULL(log_ring_create(inst, 100));
	CU_ASSERT_EQUAL(errno, EINVAL);
	CU_ASSERT_PTR_NULL(log_ring_create(inst, LOG_RING_SLOTS_MIN / 2));
	CU_ASSERT_EQUAL(errno, EINVAL);
	CU_ASSERT_PTR_NULL(log_ring_create(inst, LOG_RING_SLOTS_MAX * 2));
	CU_ASSERT_EQUAL(errno, EINVAL);
	CU_ASSERT_PTR_NULL(log_ring_create("a/b", 64));
	CU_ASSERT_EQUAL(errno, EINVAL);
	CU_ASSERT_PTR_NULL(log_ring_create("", 64));
	CU_ASSERT_PTR_NULL(log_ring_create("..x", 64));
	CU_ASSERT_PTR_NULL(log_ring_create(NULL, 64));
	CU_ASSERT_EQUAL(errno, EINVAL);
}

/* Single writer, reader more than a ring behind: exact lost counts. */
static void
test_log_ring_cursor_next_wrap(void)
{
	struct log_ring_cursor c;
	struct log_ring_info info;
	struct log_record rec, got;
	struct log_ring *w, *r;
	uint64_t lost, t;
	unsigned int wid, n;
	char inst[64];

	inst_name(inst, sizeof(inst), "wrap");
	CU_ASSERT_FATAL((w = log_ring_create(inst, 64)) != NULL);
	CU_ASSERT_FATAL((r = log_ring_attach(inst, NULL, 0)) != NULL);
	for (n = 1; n <= 1000; n++) {
		record_fill(&rec, 0, n);
		CU_ASSERT_EQUAL(log_ring_append(w, &rec), 0);
	}
	log_ring_info_get(r, &info);
	CU_ASSERT_EQUAL(info.claim, 1001);
	CU_ASSERT_EQUAL(info.overwritten, 1000 - 64);
	CU_ASSERT_EQUAL(info.dropped, 0);
	CU_ASSERT_EQUAL(log_ring_read(r, 1, &got), LOG_RING_LOST);
	CU_ASSERT_EQUAL(log_ring_read(r, 936, &got), LOG_RING_LOST);
	CU_ASSERT_EQUAL(log_ring_read(r, 937, &got), LOG_RING_OK);

	/* From ticket 1: one jump over 936 overwritten tickets, then 937..1000. */
	log_ring_cursor_init(&c, r, 1, 0);
	CU_ASSERT_EQUAL(log_ring_cursor_next(r, &c, &got, &lost), LOG_RING_LOST);
	CU_ASSERT_EQUAL(lost, 936);
	for (t = 937; t <= 1000; t++) {
		CU_ASSERT_EQUAL_FATAL(log_ring_cursor_next(r, &c, &got, &lost), LOG_RING_OK);
		CU_ASSERT_EQUAL(got.seq, t);
		CU_ASSERT_EQUAL(record_verify(&got, &wid, &n), 0);
		CU_ASSERT_EQUAL(n, t);
	}
	CU_ASSERT_EQUAL(log_ring_cursor_next(r, &c, &got, &lost), LOG_RING_NOT_YET);
	CU_ASSERT_EQUAL(lost, 0);

	/* The default start is the oldest ticket kept. */
	log_ring_cursor_init(&c, r, 0, 0);
	CU_ASSERT_EQUAL(c.next, 937);

	/* Read 10, fall 100 behind: 1011 - 64 - 1011 + 100 = 36 lost, then the last 64. */
	for (n = 0; n < 10; n++)
		CU_ASSERT_EQUAL(log_ring_cursor_next(r, &c, &got, &lost), LOG_RING_OK);
	CU_ASSERT_EQUAL(c.next, 947);
	for (n = 1001; n <= 1100; n++) {
		record_fill(&rec, 0, n);
		CU_ASSERT_EQUAL(log_ring_append(w, &rec), 0);
	}
	CU_ASSERT_EQUAL(log_ring_cursor_next(r, &c, &got, &lost), LOG_RING_LOST);
	CU_ASSERT_EQUAL(lost, 1101 - 64 - 947);
	for (t = 1101 - 64; t <= 1100; t++) {
		CU_ASSERT_EQUAL_FATAL(log_ring_cursor_next(r, &c, &got, &lost), LOG_RING_OK);
		CU_ASSERT_EQUAL(got.seq, t);
	}
	CU_ASSERT_EQUAL(log_ring_cursor_next(r, &c, &got, &lost), LOG_RING_NOT_YET);

	log_ring_detach(r);
	log_ring_destroy(w);
	CU_ASSERT_EQUAL(log_ring_unlink(inst), 0);
}

/* A writer lapped by a stuck one drops and marks its ticket; the reader skips it at once. */
static void
test_log_ring_append_busy_slot(void)
{
	struct log_ring_cursor c;
	struct log_ring_info info;
	struct log_record rec, got;
	struct log_ring *w, *r;
	uint64_t lost, t;
	char inst[64];
	size_t len;
	void *base;

	inst_name(inst, sizeof(inst), "busy");
	CU_ASSERT_FATAL((w = log_ring_create(inst, 64)) != NULL);
	CU_ASSERT_FATAL((r = log_ring_attach(inst, NULL, 0)) != NULL);
	CU_ASSERT_FATAL((base = map_rw(inst, &len)) != NULL);

	CU_ASSERT_EQUAL(claim_stuck(base), 1); /* ticket 1: slot 1 busy */
	CU_ASSERT_EQUAL(log_ring_read(r, 1, &got), LOG_RING_IN_PROGRESS);
	for (t = 2; t <= 10; t++) {
		record_fill(&rec, 1, (unsigned int)t);
		CU_ASSERT_EQUAL(log_ring_append(w, &rec), 0);
	}

	/* A cursor gives up on ticket 1 only after its stall time. */
	log_ring_cursor_init(&c, r, 1, 30000000ull);
	CU_ASSERT_EQUAL(log_ring_cursor_next(r, &c, &got, &lost), LOG_RING_IN_PROGRESS);
	CU_ASSERT_EQUAL(c.next, 1);
	nanosleep(&(struct timespec){ 0, 40000000 }, NULL);
	CU_ASSERT_EQUAL(log_ring_cursor_next(r, &c, &got, &lost), LOG_RING_LOST);
	CU_ASSERT_EQUAL(lost, 1);
	for (t = 2; t <= 10; t++)
		CU_ASSERT_EQUAL(log_ring_cursor_next(r, &c, &got, &lost), LOG_RING_OK);

	for (t = 11; t <= 64; t++) {
		record_fill(&rec, 1, (unsigned int)t);
		CU_ASSERT_EQUAL(log_ring_append(w, &rec), 0);
	}
	record_fill(&rec, 1, 65);
	CU_ASSERT_EQUAL(log_ring_append(w, &rec), -EBUSY); /* ticket 65 -> slot 1, busy */
	CU_ASSERT_EQUAL(rec.seq, 65);
	CU_ASSERT_EQUAL(atomic_load(&slot_of(base, 65)->abandoned), 65);
	log_ring_info_get(r, &info);
	CU_ASSERT_EQUAL(info.dropped, 1);
	CU_ASSERT_EQUAL(info.overwritten, 0);
	CU_ASSERT_EQUAL(log_ring_read(r, 65, &got), LOG_RING_LOST);
	CU_ASSERT_EQUAL(log_ring_read(r, 1, &got), LOG_RING_IN_PROGRESS);

	/* The cursor reads on and skips the abandoned ticket without waiting. */
	for (t = 11; t <= 64; t++) {
		CU_ASSERT_EQUAL(log_ring_cursor_next(r, &c, &got, &lost), LOG_RING_OK);
		CU_ASSERT_EQUAL(got.seq, t);
	}
	CU_ASSERT_EQUAL(log_ring_cursor_next(r, &c, &got, &lost), LOG_RING_LOST); /* 65 */
	CU_ASSERT_EQUAL(lost, 1);
	CU_ASSERT_EQUAL(log_ring_cursor_next(r, &c, &got, &lost), LOG_RING_NOT_YET);

	/* The stuck writer finishes: ticket 1 becomes readable, 65 stays lost. */
	atomic_store(&slot_of(base, 1)->seq, 1 << 1);
	CU_ASSERT_EQUAL(log_ring_read(r, 1, &got), LOG_RING_OK);
	CU_ASSERT_EQUAL(log_ring_read(r, 65, &got), LOG_RING_LOST);
	/* Ticket 129 overwrites ticket 1 (counted), 66..128 fill the rest. */
	for (t = 66; t <= 129; t++) {
		record_fill(&rec, 1, (unsigned int)t);
		CU_ASSERT_EQUAL(log_ring_append(w, &rec), 0);
	}
	log_ring_info_get(r, &info);
	CU_ASSERT_EQUAL(info.dropped, 1);
	CU_ASSERT_EQUAL(info.overwritten, 64);
	CU_ASSERT_EQUAL(log_ring_read(r, 1, &got), LOG_RING_LOST);
	CU_ASSERT_EQUAL(log_ring_read(r, 129, &got), LOG_RING_OK);

	munmap(base, len);
	log_ring_detach(r);
	log_ring_destroy(w);
	CU_ASSERT_EQUAL(log_ring_unlink(inst), 0);
}

struct conc {
	struct log_ring *w;
	struct log_ring *r;
	pthread_barrier_t start;
	atomic_uint writers_done;
	atomic_uint_fast64_t busy; /* -EBUSY seen by the writers */
	uint64_t read;
	uint64_t lost;
	uint64_t bad;      /* torn or wrong records */
	uint64_t disorder; /* per-writer counter not increasing */
	uint8_t *lost_map; /* one bit per ticket the reader counted lost */
};

struct conc_writer {
	struct conc *c;
	unsigned int id;
};

static void *
conc_write(void *arg)
{
	struct conc_writer *cw = arg;
	struct log_record rec;
	uint64_t busy = 0;
	unsigned int n;

	pthread_barrier_wait(&cw->c->start);
	for (n = 1; n <= CONC_PER_WRITER; n++) {
		record_fill(&rec, cw->id, n);
		if (log_ring_append(cw->c->w, &rec) != 0)
			busy++;
	}
	atomic_fetch_add(&cw->c->busy, busy);
	atomic_fetch_add(&cw->c->writers_done, 1);
	return NULL;
}

static void *
conc_read(void *arg)
{
	struct conc *cc = arg;
	unsigned int last[CONC_WRITERS] = { 0 }, w, n;
	struct log_ring_cursor cur;
	struct log_record rec;
	uint64_t lost, t;

	log_ring_cursor_init(&cur, cc->r, 1, UINT64_MAX); /* live writers always finish */
	pthread_barrier_wait(&cc->start);
	for (;;) {
		switch (log_ring_cursor_next(cc->r, &cur, &rec, &lost)) {
		case LOG_RING_OK:
			cc->read++;
			if (record_verify(&rec, &w, &n) != 0 || w >= CONC_WRITERS) {
				cc->bad++;
				break;
			}
			if (n <= last[w])
				cc->disorder++;
			last[w] = n;
			break;
		case LOG_RING_LOST:
			cc->lost += lost;
			for (t = cur.next - lost; t < cur.next; t++)
				cc->lost_map[t / 8] |= (uint8_t)(1u << (t % 8));
			break;
		case LOG_RING_IN_PROGRESS:
			sched_yield();
			break;
		case LOG_RING_NOT_YET:
		default:
			if (atomic_load(&cc->writers_done) == CONC_WRITERS &&
			    cur.next >= log_ring_claim(cc->r)) {
				return NULL;
			}
			sched_yield();
			break;
		}
	}
}

static void
test_log_ring_append_concurrent(void)
{
	const uint64_t total = (uint64_t)CONC_WRITERS * CONC_PER_WRITER;
	struct conc_writer cw[CONC_WRITERS];
	pthread_t wt[CONC_WRITERS], rt;
	const struct log_ring_slot *slots;
	const struct log_ring_hdr *h;
	struct log_ring_info info;
	uint64_t resident = 0, resident_lost = 0, s, t;
	struct conc c;
	char inst[64];
	unsigned int i;

	memset(&c, 0, sizeof(c));
	inst_name(inst, sizeof(inst), "conc");
	CU_ASSERT_FATAL((c.w = log_ring_create(inst, CONC_SLOTS)) != NULL);
	CU_ASSERT_FATAL((c.r = log_ring_attach(inst, NULL, 0)) != NULL);
	CU_ASSERT_FATAL((c.lost_map = calloc(total / 8 + 2, 1)) != NULL);
	pthread_barrier_init(&c.start, NULL, CONC_WRITERS + 1);
	CU_ASSERT_FATAL(pthread_create(&rt, NULL, conc_read, &c) == 0);
	for (i = 0; i < CONC_WRITERS; i++) {
		cw[i].c = &c;
		cw[i].id = i;
		CU_ASSERT_FATAL(pthread_create(&wt[i], NULL, conc_write, &cw[i]) == 0);
	}
	for (i = 0; i < CONC_WRITERS; i++)
		pthread_join(wt[i], NULL);
	pthread_join(rt, NULL);
	pthread_barrier_destroy(&c.start);

	log_ring_info_get(c.r, &info);
	/* Every ticket was read or counted lost, exactly once; nothing torn, order kept. */
	CU_ASSERT_EQUAL(info.claim - 1, total);
	CU_ASSERT_EQUAL(c.read + c.lost, total);
	CU_ASSERT_EQUAL(c.bad, 0);
	CU_ASSERT_EQUAL(c.disorder, 0);
	CU_ASSERT(c.read > 0);
	CU_ASSERT_EQUAL(info.dropped, atomic_load(&c.busy));

	/* Header counters: each ticket was dropped, overwritten, or is still in its slot. */
	h = log_ring_hdr_get(c.r);
	slots = (const struct log_ring_slot *)((const char *)h + h->hdr_size);
	for (i = 0; i < h->slot_count; i++) {
		s = atomic_load(&slots[i].seq);
		CU_ASSERT((s & 1) == 0);
		if (s == 0)
			continue;
		resident++;
		t = s >> 1;
		if (c.lost_map[t / 8] & (1u << (t % 8)))
			resident_lost++;
	}
	CU_ASSERT_EQUAL(info.claim - 1, info.overwritten + resident + info.dropped);
	/* A dropped ticket is never readable; a lost one was dropped, overwritten or skipped. */
	CU_ASSERT(c.lost >= info.dropped);
	CU_ASSERT(c.lost <= info.dropped + info.overwritten + resident_lost);
	printf("\n    %u writers x %u records, %u slots: read %llu, lost %llu (dropped %llu, "
	       "overwritten %llu) ",
	    CONC_WRITERS, CONC_PER_WRITER, CONC_SLOTS, (unsigned long long)c.read,
	    (unsigned long long)c.lost, (unsigned long long)info.dropped,
	    (unsigned long long)info.overwritten);

	free(c.lost_map);
	log_ring_detach(c.r);
	log_ring_destroy(c.w);
	CU_ASSERT_EQUAL(log_ring_unlink(inst), 0);
}

#define KILL_SLOTS  16384u
#define KILL_BEFORE 1000u /* records written before the child signals */

/* The child: the "appliance", killed with SIGKILL while it writes. */
static void kill_child(const char *inst, int fd) __attribute__((noreturn));

static void
kill_child(const char *inst, int fd)
{
	struct log_record rec;
	struct log_ring *w;
	unsigned int n;
	size_t len;
	void *base;

	if ((w = log_ring_create(inst, KILL_SLOTS)) == NULL || (base = map_rw(inst, &len)) == NULL)
		_exit(1);
	for (n = 1; n <= KILL_BEFORE; n++) {
		record_fill(&rec, 0, n);
		log_ring_append(w, &rec);
	}
	claim_stuck(base); /* a writer thread stopped in the middle of its copy */
	if (write(fd, "x", 1) != 1)
		_exit(1);
	for (; n < KILL_SLOTS - KILL_BEFORE; n++) {
		record_fill(&rec, 0, n);
		log_ring_append(w, &rec);
		nanosleep(&(struct timespec){ 0, 20000 }, NULL);
	}
	for (;;)
		pause();
}

static void
test_log_ring_read_after_sigkill(void)
{
	const struct log_ring_slot *slots;
	const struct log_ring_hdr *h;
	struct log_ring_cursor c;
	struct log_record got;
	struct log_ring *r;
	uint64_t claim, ok = 0, lost_total = 0, lost, done = 0, t0;
	unsigned int w, n, i;
	int p[2], status;
	char inst[64], x;
	pid_t pid;

	inst_name(inst, sizeof(inst), "kill");
	CU_ASSERT_FATAL(pipe(p) == 0);
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		kill_child(inst, p[1]);
	}
	close(p[1]);
	CU_ASSERT_FATAL(read(p[0], &x, 1) == 1);
	CU_ASSERT_EQUAL(kill(pid, SIGKILL), 0);
	CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
	CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	close(p[0]);

	CU_ASSERT_FATAL((r = log_ring_attach(inst, NULL, 0)) != NULL);
	CU_ASSERT(!log_ring_creator_alive(r));
	claim = log_ring_claim(r);
	CU_ASSERT(claim > KILL_BEFORE + 1);
	CU_ASSERT(claim < KILL_SLOTS); /* no wrap: every completed record is still there */

	/* The writer is dead: an unfinished ticket is lost at once, no waiting. */
	t0 = now_ns();
	log_ring_cursor_init(&c, r, 1, 0);
	for (;;) {
		enum log_ring_status st = log_ring_cursor_next(r, &c, &got, &lost);

		if (st == LOG_RING_NOT_YET)
			break;
		CU_ASSERT_FATAL(st == LOG_RING_OK || st == LOG_RING_LOST);
		if (st == LOG_RING_LOST) {
			lost_total += lost;
			continue;
		}
		ok++;
		CU_ASSERT_EQUAL(record_verify(&got, &w, &n), 0);
		/* Ticket KILL_BEFORE + 1 is the stuck one; the child's counter skips it. */
		CU_ASSERT_EQUAL(n, got.seq <= KILL_BEFORE ? got.seq : got.seq - 1);
	}
	CU_ASSERT(now_ns() - t0 < 1000000000ull);
	CU_ASSERT_EQUAL(ok + lost_total, claim - 1);
	CU_ASSERT(lost_total >= 1 && lost_total <= 2); /* the stuck one, perhaps the killed one */
	CU_ASSERT_EQUAL(log_ring_read(r, KILL_BEFORE + 1, &got), LOG_RING_IN_PROGRESS);
	for (n = 1; n <= KILL_BEFORE; n++)
		CU_ASSERT_EQUAL(log_ring_read(r, n, &got), LOG_RING_OK);

	/* Every slot that holds a completed record was read. */
	h = log_ring_hdr_get(r);
	slots = (const struct log_ring_slot *)((const char *)h + h->hdr_size);
	for (i = 0; i < h->slot_count; i++) {
		uint64_t s = atomic_load(&slots[i].seq);

		if (s != 0 && (s & 1) == 0)
			done++;
	}
	CU_ASSERT_EQUAL(done, ok);

	log_ring_detach(r);
	CU_ASSERT_EQUAL(log_ring_unlink(inst), 0);
}

/* A second create of the same instance starts a new, empty ring; old readers notice. */
static void
test_log_ring_create_recreate(void)
{
	struct log_ring *w1, *w2, *r1, *r2;
	struct log_record rec, got;
	struct log_ring_info i1, i2;
	char inst[64];
	unsigned int n;

	inst_name(inst, sizeof(inst), "recreate");
	CU_ASSERT_FATAL((w1 = log_ring_create(inst, 64)) != NULL);
	for (n = 1; n <= 10; n++) {
		record_fill(&rec, 2, n);
		CU_ASSERT_EQUAL(log_ring_append(w1, &rec), 0);
	}
	CU_ASSERT_FATAL((r1 = log_ring_attach(inst, NULL, 0)) != NULL);
	log_ring_info_get(r1, &i1);
	CU_ASSERT_EQUAL(i1.claim, 11);
	log_ring_destroy(w1); /* the appliance exits ... */
	CU_ASSERT(!log_ring_replaced(r1));

	/* ... and starts again, with another ring size. */
	nanosleep(&(struct timespec){ 0, 1000 }, NULL);
	CU_ASSERT_FATAL((w2 = log_ring_create(inst, 128)) != NULL);
	CU_ASSERT(log_ring_replaced(r1));
	CU_ASSERT_FATAL((r2 = log_ring_attach(inst, NULL, 0)) != NULL);
	log_ring_info_get(r2, &i2);
	CU_ASSERT_EQUAL(i2.claim, 1);
	CU_ASSERT_EQUAL(i2.slot_count, 128);
	CU_ASSERT_EQUAL(i2.overwritten, 0);
	CU_ASSERT(i2.start_ns > i1.start_ns);
	CU_ASSERT_EQUAL(log_ring_read(r2, 1, &got), LOG_RING_NOT_YET);
	CU_ASSERT(!log_ring_replaced(r2));
	/* The old reader still reads the old ring. */
	CU_ASSERT_EQUAL(log_ring_read(r1, 10, &got), LOG_RING_OK);
	record_fill(&rec, 3, 1);
	CU_ASSERT_EQUAL(log_ring_append(w2, &rec), 0);
	CU_ASSERT_EQUAL(rec.seq, 1);
	CU_ASSERT_EQUAL(log_ring_read(r2, 1, &got), LOG_RING_OK);

	log_ring_detach(r1);
	log_ring_detach(r2);
	log_ring_destroy(w2);
	CU_ASSERT_EQUAL(log_ring_unlink(inst), 0);
}

static int
patch_u32(const char *inst, size_t off, uint32_t v)
{
	char path[LOG_RING_PATH_MAX];
	ssize_t n;
	int fd;

	if (log_ring_path(inst, path, sizeof(path)) != 0 || (fd = open(path, O_RDWR)) < 0)
		return -1;
	n = pwrite(fd, &v, sizeof(v), (off_t)off);
	close(fd);
	return n == sizeof(v) ? 0 : -1;
}

static void
test_log_ring_attach_refused(void)
{
	char inst[64], path[LOG_RING_PATH_MAX], err[256], want[512];
	struct log_ring *w;

	inst_name(inst, sizeof(inst), "version");
	CU_ASSERT_FATAL(log_ring_path(inst, path, sizeof(path)) == 0);
	CU_ASSERT_FATAL((w = log_ring_create(inst, 64)) != NULL);
	log_ring_destroy(w);

	CU_ASSERT_EQUAL(patch_u32(inst, offsetof(struct log_ring_hdr, version), 3), 0);
	errno = 0;
	CU_ASSERT_PTR_NULL(log_ring_attach(inst, err, sizeof(err)));
	CU_ASSERT_EQUAL(errno, EPROTONOSUPPORT);
	snprintf(want, sizeof(want), "%s: layout version 3, this reader reads version 1", path);
	CU_ASSERT_STRING_EQUAL(err, want);

	CU_ASSERT_EQUAL(patch_u32(inst, offsetof(struct log_ring_hdr, version), 1), 0);
	CU_ASSERT_EQUAL(patch_u32(inst, offsetof(struct log_ring_hdr, slot_size), 1024), 0);
	CU_ASSERT_PTR_NULL(log_ring_attach(inst, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s: slot size 1024, this reader reads slot size 512", path);
	CU_ASSERT_STRING_EQUAL(err, want);

	CU_ASSERT_EQUAL(patch_u32(inst, offsetof(struct log_ring_hdr, magic), 0x12345678), 0);
	CU_ASSERT_PTR_NULL(log_ring_attach(inst, err, sizeof(err)));
	CU_ASSERT_EQUAL(errno, EPROTO);
	snprintf(want, sizeof(want), "%s: not a fastipsec log ring (bad magic)", path);
	CU_ASSERT_STRING_EQUAL(err, want);
	CU_ASSERT_EQUAL(log_ring_unlink(inst), 0);

	/* No ring at all. */
	CU_ASSERT_PTR_NULL(log_ring_attach(inst, err, sizeof(err)));
	CU_ASSERT_EQUAL(errno, ENOENT);
	snprintf(want, sizeof(want),
	    "no log ring for instance '%s' (%s): No such file or directory", inst, path);
	CU_ASSERT_STRING_EQUAL(err, want);
	CU_ASSERT_PTR_NULL(log_ring_attach("../etc", err, sizeof(err)));
	CU_ASSERT_EQUAL(errno, EINVAL);
}

static const struct {
	const char *name;
	CU_TestFunc fn;
} tests[] = {
	{ "test_log_ring_append_round_trip", test_log_ring_append_round_trip },
	{ "test_log_ring_create_bad_args", test_log_ring_create_bad_args },
	{ "test_log_ring_cursor_next_wrap", test_log_ring_cursor_next_wrap },
	{ "test_log_ring_append_busy_slot", test_log_ring_append_busy_slot },
	{ "test_log_ring_append_concurrent", test_log_ring_append_concurrent },
	{ "test_log_ring_read_after_sigkill", test_log_ring_read_after_sigkill },
	{ "test_log_ring_create_recreate", test_log_ring_create_recreate },
	{ "test_log_ring_attach_refused", test_log_ring_attach_refused },
};

int
main(void)
{
	unsigned int failed;
	CU_pSuite s;
	size_t i;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if ((s = CU_add_suite("log_ring", NULL, NULL)) == NULL)
		goto fail;
	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (CU_add_test(s, tests[i].name, tests[i].fn) == NULL)
			goto fail;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed != 0;
fail:
	CU_cleanup_registry();
	return 1;
}
