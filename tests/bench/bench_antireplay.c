/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/bench/bench_antireplay.c: TSC cycles per packet of antireplay_check() + antireplay_update(). */

#include <inttypes.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <rte_common.h>
#include <rte_cycles.h>

#include "common/limits.h"
#include "fastpath/antireplay.h"

/*
 * Usage: bench_antireplay [PACKETS_PER_RUN]
 *
 * For each stream, window and ESN setting the receiver starts from an empty
 * window and takes every packet of the stream: check, then update when
 * check passed (the ICV is taken as good).  Each case runs RUNS times; the
 * table shows the median, in TSC cycles per packet.
 *   reference    a loop of the same shape that only reads the sequence
 *                numbers and sums them: the floor on this machine
 *   inline       check then update, packet by packet, as the header
 *                defines them (static inline)
 *   burst        check BURST_MAX packets, then update them, as
 *                esp_inbound_burst() does around the crypto
 *   out-of-line  as inline, through calls that are not inlined: what it
 *                would cost with the functions in antireplay.c
 *   net          the column before it minus reference
 * Streams: in order; 10% reordered inside the window (pairs swapped over
 * up to W/2); 1% duplicates (a packet replaced by a copy of one up to W/2
 * earlier).  With ESN the stream starts below 2^32 and wraps halfway; all
 * numbers stay inside the window, so the inferred high bits are always
 * the sender's (there is no ICV here to catch a wrong guess).
 */

#define RUNS      5
#define DEFAULT_N 4000000u

enum bench_stream {
	STREAM_IN_ORDER,
	STREAM_REORDER,
	STREAM_DUP,
	STREAM__MAX,
};

static const char *const stream_name[STREAM__MAX] = {
	"in-order",
	"reorder 10%",
	"dup 1%",
};

static const uint32_t bench_windows[] = { 64, 1024, 4096 };

static volatile uint64_t sink;
static uint64_t rng_state = 0x243f6a8885a308d3;

static uint64_t
rng(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * UINT64_C(2685821657736338717);
}

static void
build_stream(enum bench_stream what, uint32_t window, bool esn, uint32_t *seq, size_t n)
{
	uint64_t start = esn ? (UINT64_C(1) << 32) - n / 2 : 1;
	uint64_t reach = window / 2;
	size_t i, d;
	uint32_t t;

	for (i = 0; i < n; i++)
		seq[i] = (uint32_t)(start + i);
	if (what == STREAM_REORDER) {
		/* 5% of positions swap with a later one: 10% of packets out of place. */
		for (i = 0; i + reach < n; i++) {
			if (rng() % 100 >= 5)
				continue;
			d = 1 + rng() % reach;
			t = seq[i];
			seq[i] = seq[i + d];
			seq[i + d] = t;
			i += d;
		}
	} else if (what == STREAM_DUP) {
		/* A copy of the number sent up to W/2 earlier (never of a copy). */
		for (i = reach; i < n; i++)
			if (rng() % 100 == 0)
				seq[i] = (uint32_t)(start + i - 1 - rng() % reach);
	}
}

static uint64_t
tsc(void)
{
	return rte_rdtsc_precise();
}

/* TSC ticks per second, against CLOCK_MONOTONIC over 100 ms (no EAL here). */
static double
tsc_hz(void)
{
	struct timespec a, b;
	uint64_t t0, t1;
	double ns;

	clock_gettime(CLOCK_MONOTONIC, &a);
	t0 = tsc();
	do
		clock_gettime(CLOCK_MONOTONIC, &b);
	while ((b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec) < 100000000L);
	t1 = tsc();
	ns = (double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec);
	return (double)(t1 - t0) * 1e9 / ns;
}

/*
 * Every loop ends each packet with a compiler barrier: the window is read
 * from memory for each packet, as in the worker, where packet and counter
 * writes come between two packets; and the loops stay one packet per pass.
 */
#define PACKET_DONE() __asm__ volatile("" ::: "memory")

static __rte_noinline uint64_t
run_reference(struct antireplay *ar, const uint32_t *seq, size_t n)
{
	uint64_t sum = 0;
	size_t i;

	RTE_SET_USED(ar);
	for (i = 0; i < n; i++) {
		sum += seq[i];
		PACKET_DONE();
	}
	return sum;
}

static __rte_noinline uint64_t
run_inline(struct antireplay *ar, const uint32_t *seq, size_t n)
{
	uint64_t ok = 0, full;
	size_t i;

	for (i = 0; i < n; i++) {
		if (antireplay_check(ar, seq[i], &full) == 0)
			ok += antireplay_update(ar, full) == 0;
		PACKET_DONE();
	}
	return ok;
}

/* As esp_inbound_burst() does it: check a burst, (crypto), update the burst. */
static __rte_noinline uint64_t
run_burst(struct antireplay *ar, const uint32_t *seq, size_t n)
{
	uint64_t ok = 0, full[BURST_MAX];
	int rc[BURST_MAX];
	size_t i, j, k;

	for (i = 0; i < n; i += k) {
		k = RTE_MIN((size_t)BURST_MAX, n - i);
		for (j = 0; j < k; j++) {
			rc[j] = antireplay_check(ar, seq[i + j], &full[j]);
			PACKET_DONE();
		}
		for (j = 0; j < k; j++) {
			if (rc[j] == 0)
				ok += antireplay_update(ar, full[j]) == 0;
			PACKET_DONE();
		}
	}
	return ok;
}

static __rte_noinline int
check_call(const struct antireplay *ar, uint32_t seq_low, uint64_t *seq_full)
{
	return antireplay_check(ar, seq_low, seq_full);
}

static __rte_noinline int
update_call(struct antireplay *ar, uint64_t seq_full)
{
	return antireplay_update(ar, seq_full);
}

static __rte_noinline uint64_t
run_outline(struct antireplay *ar, const uint32_t *seq, size_t n)
{
	uint64_t ok = 0, full;
	size_t i;

	for (i = 0; i < n; i++) {
		if (check_call(ar, seq[i], &full) == 0)
			ok += update_call(ar, full) == 0;
		PACKET_DONE();
	}
	return ok;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Stay on one CPU: the TSC deltas then come from one core, without migrations. */
static void
pin_to_this_cpu(void)
{
	cpu_set_t set;
	int cpu = sched_getcpu();

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0)
		perror("sched_setaffinity");
}

typedef uint64_t (*bench_loop_fn)(struct antireplay *ar, const uint32_t *seq, size_t n);

/* Median over RUNS of cycles per packet; each run starts from an empty window. */
static double
measure(bench_loop_fn loop, struct antireplay *ar, uint32_t window, bool esn, const uint32_t *seq,
    size_t n, uint64_t *accepted)
{
	double cpp[RUNS];
	uint64_t t0, t1, r = 0;
	int run;

	for (run = -1; run < RUNS; run++) { /* run -1 warms caches and predictors */
		if (antireplay_init(ar, window, esn) != 0)
			abort();
		t0 = tsc();
		r = loop(ar, seq, n);
		t1 = tsc();
		sink += r;
		if (run >= 0)
			cpp[run] = (double)(t1 - t0) / (double)n;
	}
	if (accepted != NULL)
		*accepted = r;
	qsort(cpp, RUNS, sizeof(cpp[0]), cmp_double);
	return cpp[RUNS / 2];
}

int
main(int argc, char **argv)
{
	static struct antireplay ar;
	size_t n = DEFAULT_N;
	uint32_t *seq;
	double ref, inl, burst, outl;
	uint64_t accepted, accepted_burst;
	uint32_t w;
	size_t wi;
	int s, esn;

	if (argc > 1)
		n = strtoul(argv[1], NULL, 0);
	if (n < 2 * REPLAY_WINDOW_MAX) {
		fprintf(stderr, "usage: %s [PACKETS_PER_RUN >= %u]\n", argv[0],
		    2 * REPLAY_WINDOW_MAX);
		return 2;
	}
	seq = malloc(n * sizeof(*seq));
	if (seq == NULL)
		return 1;
	pin_to_this_cpu();

	printf("bench_antireplay: %zu packets per run, median of %d runs, TSC cycles per packet "
	       "(TSC %.2f GHz)\n",
	    n, RUNS, tsc_hz() / 1e9);
	printf("%-11s %6s %3s %9s %6s %5s %6s %5s %11s %8s\n", "stream", "window", "esn",
	    "reference", "inline", "net", "burst", "net", "out-of-line", "accepted");
	for (s = 0; s < STREAM__MAX; s++) {
		for (wi = 0; wi < RTE_DIM(bench_windows); wi++) {
			for (esn = 0; esn <= 1; esn++) {
				w = bench_windows[wi];
				build_stream((enum bench_stream)s, w, esn, seq, n);
				ref = measure(run_reference, &ar, w, esn, seq, n, NULL);
				inl = measure(run_inline, &ar, w, esn, seq, n, &accepted);
				burst = measure(run_burst, &ar, w, esn, seq, n, &accepted_burst);
				outl = measure(run_outline, &ar, w, esn, seq, n, NULL);
				if (accepted_burst != accepted)
					printf("(burst accepted %" PRIu64 ")\n", accepted_burst);
				printf(
				    "%-11s %6u %3s %9.2f %6.2f %5.2f %6.2f %5.2f %11.2f %8" PRIu64
				    "\n",
				    stream_name[s], w, esn ? "on" : "off", ref, inl, inl - ref,
				    burst, burst - ref, outl, accepted);
			}
		}
	}
	free(seq);
	return 0;
}
