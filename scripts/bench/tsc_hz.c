/* SPDX-License-Identifier: BSD-3-Clause */
/* tsc_hz.c: print the TSC frequency in Hz, measured against CLOCK_MONOTONIC_RAW. */
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <x86intrin.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(void)
{
	struct timespec nap = { 0, 300000000 };
	uint64_t c0, c1;
	double t0, t1;

	t0 = now();
	c0 = __rdtsc();
	nanosleep(&nap, NULL);
	t1 = now();
	c1 = __rdtsc();
	printf("%.0f\n", (c1 - c0) / (t1 - t0));
	return 0;
}
