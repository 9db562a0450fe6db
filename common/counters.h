/* SPDX-License-Identifier: BSD-3-Clause */
/* common/counters.h: single-writer counters that other threads may read. */
#ifndef FASTIPSEC_COUNTERS_H
#define FASTIPSEC_COUNTERS_H

#include <stdint.h>

/*
 * A counter has exactly one writer (its owning lcore).  The writer adds
 * with a plain load and a relaxed store, so the hot path pays no locked
 * instruction; readers (telemetry thread) use counter_read() and see a
 * value that is never torn.
 */
static inline void
counter_add(uint64_t *c, uint64_t n)
{
	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + n, __ATOMIC_RELAXED);
}

static inline uint64_t
counter_read(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

#endif
