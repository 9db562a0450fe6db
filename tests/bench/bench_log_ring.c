/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/bench/bench_log_ring.c: cost of one log append, next to a plain snprintf of the same text. */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define HAVE_TSC 1
#endif

#include "common/limits.h"
#include "common/log.h"
#include "common/log_ring.h"

/*
 * Usage: bench_log_ring [APPENDS_PER_RUN]
 *
 * Each case runs RUNS times with APPENDS_PER_RUN appends per thread; the
 * table shows the median.  The text is the same short debug line in every
 * case: "bench_run: spi 0000abcd: seq N".
 *   snprintf    the reference: the text into a stack buffer, nothing else
 *   log_text    the whole API call: vsnprintf, clock_gettime, ring append
 *   ring append log_ring_append() of a record already built (the ring alone)
 */

#define RUNS        5
#define DEFAULT_N   2000000u
#define THREADS_MAX 2
#define BENCH_FMT   "%s: spi %08x: seq %u"
#define BENCH_SPI   0xabcdu

enum bench_case {
	CASE_SNPRINTF,
	CASE_LOG_TEXT,
	CASE_RING_APPEND,
	CASE__MAX,
};

static const char *const case_name[CASE__MAX] = {
	"snprintf (reference)",
	"log_text",
	"ring append",
};

struct bench_thread {
	enum bench_case what;
	unsigned int n;
	struct log_ring *ring;
	pthread_barrier_t *start;
	double ns;     /* per record */
	double cycles; /* per record */
	unsigned int drops;
	unsigned int sink; /* keeps the snprintf honest */
};

static struct log_ring *bench_ring;

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t
tsc(void)
{
#ifdef HAVE_TSC
	return __rdtsc();
#else
	return 0;
#endif
}

static void
bench_run(struct bench_thread *b)
{
	char buf[LOG_RECORD_TEXT_MAX];
	struct log_record rec;
	uint64_t t0, c0, t1, c1;
	unsigned int i;

	memset(&rec, 0, sizeof(rec));
	rec.severity = LOG_SEV_DEBUG;
	rec.facility = LOG_FAC_SYSTEM;
	rec.lcore = LOG_LCORE_NONE;
	snprintf(rec.text, sizeof(rec.text), BENCH_FMT, __func__, BENCH_SPI, 12345u);
	if (b->start != NULL)
		pthread_barrier_wait(b->start);
	t0 = now_ns();
	c0 = tsc();
	switch (b->what) {
	case CASE_SNPRINTF:
		for (i = 0; i < b->n; i++) {
			snprintf(buf, sizeof(buf), BENCH_FMT, __func__, BENCH_SPI, i);
			b->sink += (unsigned char)buf[sizeof("bench_run: spi 0000abcd: seq ") - 2];
		}
		break;
	case CASE_LOG_TEXT:
		for (i = 0; i < b->n; i++)
			log_debug(LOG_FAC_SYSTEM, BENCH_FMT, __func__, BENCH_SPI, i);
		break;
	case CASE_RING_APPEND:
	case CASE__MAX:
	default:
		for (i = 0; i < b->n; i++) {
			rec.time_ns = i;
			if (log_ring_append(b->ring, &rec) != 0)
				b->drops++;
		}
		break;
	}
	c1 = tsc();
	t1 = now_ns();
	b->ns = (double)(t1 - t0) / b->n;
	b->cycles = (double)(c1 - c0) / b->n;
}

static void *
bench_thread_main(void *arg)
{
	bench_run(arg);
	return NULL;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct bench_result {
	double ns; /* median over runs of the mean over threads */
	double cycles;
	double mrps; /* all threads together, million records per second */
	unsigned long drops;
};

static void
bench_case(enum bench_case what, unsigned int threads, unsigned int n, struct bench_result *res)
{
	struct bench_thread b[THREADS_MAX];
	double ns[RUNS], cyc[RUNS];
	pthread_t tid[THREADS_MAX];
	pthread_barrier_t start;
	unsigned int run, i;
	uint64_t t0, wall;

	res->drops = 0;
	res->mrps = 0;
	for (run = 0; run < RUNS; run++) {
		uint64_t before = log_dropped();

		pthread_barrier_init(&start, NULL, threads);
		memset(b, 0, sizeof(b));
		t0 = now_ns();
		for (i = 0; i < threads; i++) {
			b[i].what = what;
			b[i].n = n;
			b[i].ring = bench_ring;
			b[i].start = &start;
			if (pthread_create(&tid[i], NULL, bench_thread_main, &b[i]) != 0) {
				perror("pthread_create");
				exit(1);
			}
		}
		ns[run] = cyc[run] = 0;
		for (i = 0; i < threads; i++) {
			pthread_join(tid[i], NULL);
			ns[run] += b[i].ns / threads;
			cyc[run] += b[i].cycles / threads;
			res->drops += b[i].drops;
		}
		wall = now_ns() - t0;
		pthread_barrier_destroy(&start);
		res->drops += log_dropped() - before;
		if ((double)threads * n / ((double)wall / 1e3) > res->mrps)
			res->mrps = (double)threads * n / ((double)wall / 1e3);
	}
	qsort(ns, RUNS, sizeof(ns[0]), cmp_double);
	qsort(cyc, RUNS, sizeof(cyc[0]), cmp_double);
	res->ns = ns[RUNS / 2];
	res->cycles = cyc[RUNS / 2];
}

int
main(int argc, char **argv)
{
	struct bench_result res[THREADS_MAX + 1][CASE__MAX];
	struct log_ring_info info;
	unsigned int n = DEFAULT_N, threads;
	char inst[64], raw[80];
	int c;

	if (argc > 2 || (argc == 2 && (n = (unsigned int)strtoul(argv[1], NULL, 10)) == 0)) {
		fprintf(stderr, "usage: bench_log_ring [APPENDS_PER_RUN]\n");
		return 2;
	}
	snprintf(inst, sizeof(inst), "bench-%ld", (long)getpid());
	snprintf(raw, sizeof(raw), "%s-raw", inst);
	/* log_text writes to the ring log_open() made; "ring append" to a second one. */
	if (log_open(inst, LOG_RING_SLOTS_DEFAULT) != 0 ||
	    (bench_ring = log_ring_create(raw, LOG_RING_SLOTS_DEFAULT)) == NULL) {
		perror("bench_log_ring: ring");
		return 1;
	}
	printf("bench_log_ring: %u appends per thread per run, median of %d runs, %u slots of %u "
	       "bytes, text \"bench_run: spi 0000abcd: seq N\"\n",
	    n, RUNS, LOG_RING_SLOTS_DEFAULT, LOG_SLOT_SIZE);
	printf("%-22s %7s %9s %11s %12s %9s %9s\n", "case", "threads", "ns/rec", "cycles/rec",
	    "x snprintf", "Mrec/s", "dropped");
	for (threads = 1; threads <= THREADS_MAX; threads++) {
		for (c = 0; c < CASE__MAX; c++)
			bench_case((enum bench_case)c, threads, n, &res[threads][c]);
		for (c = 0; c < CASE__MAX; c++)
			printf("%-22s %7u %9.1f %11.1f %12.2f %9.1f %9lu\n", case_name[c], threads,
			    res[threads][c].ns, res[threads][c].cycles,
			    res[threads][c].ns / res[threads][CASE_SNPRINTF].ns,
			    res[threads][c].mrps, res[threads][c].drops);
	}
	log_ring_info_get(bench_ring, &info);
	printf("ring append ring: claim %llu, overwritten %llu, dropped %llu\n",
	    (unsigned long long)info.claim, (unsigned long long)info.overwritten,
	    (unsigned long long)info.dropped);
	log_ring_destroy(bench_ring);
	log_close();
	log_ring_unlink(inst);
	log_ring_unlink(raw);
	return 0;
}
