/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/fastpath/test_antireplay.c: anti-replay window edges as T(seq, expect) tables, and a cross-check against a naive model. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "common/limits.h"
#include "fastpath/antireplay.h"

#define OK   0
#define DUP  (-EEXIST)
#define OLD  (-ERANGE)
#define ZERO (-EINVAL)

#define HI(h) ((uint64_t)(h) << 32)

/*
 * One packet of a table.  The sender put @seq (a full 64-bit number) in it;
 * the Sequence Number field carries its low half.  antireplay_check() must
 * answer @expect and infer @full.  The row is then updated when check said
 * yes and @full is @seq: with ESN, wrong high bits make the ICV fail, so
 * such a packet never reaches antireplay_update().
 */
struct ar_row {
	uint64_t seq;
	int expect;
	uint64_t full;
};

/* A row; TI: with ESN, check infers other high bits than the sender's. */
#define T(s, e)               \
	{                     \
		(s), (e), (s) \
	}
#define TI(s, e, f)           \
	{                     \
		(s), (e), (f) \
	}

static bool
run1(struct antireplay *ar, uint64_t seq, int expect, uint64_t want_full, const char *what,
    size_t row)
{
	uint64_t full = 0xdeadbeefdeadbeef;
	int rc, urc;

	rc = antireplay_check(ar, (uint32_t)seq, &full);
	if (rc != expect || full != want_full) {
		fprintf(stderr,
		    "\n%s row %zu: seq %#" PRIx64 ": check %d (want %d), full %#" PRIx64
		    " (want %#" PRIx64 ")\n",
		    what, row, seq, rc, expect, full, want_full);
		CU_FAIL("antireplay_check");
		return false;
	}
	if (rc != 0 || full != seq)
		return true;
	urc = antireplay_update(ar, full);
	if (urc != 0) {
		fprintf(stderr, "\n%s row %zu: seq %#" PRIx64 ": update %d after check 0\n", what,
		    row, seq, urc);
		CU_FAIL("antireplay_update");
		return false;
	}
	return true;
}

static void
run_rows(struct antireplay *ar, const struct ar_row *rows, size_t n, const char *what)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!run1(ar, rows[i].seq, rows[i].expect, rows[i].full, what, i))
			return;
}

#define RUN(ar, rows) run_rows((ar), (rows), RTE_DIM(rows), #rows)

static void
setup(struct antireplay *ar, uint32_t window, bool esn)
{
	CU_ASSERT_EQUAL_FATAL(antireplay_init(ar, window, esn), 0);
}

static void
test_antireplay_init(void)
{
	static const struct {
		uint32_t window;
		uint32_t words; /* ring words: a power of two >= (W + 62) / 64 + 1 */
	} sizes[] = {
		{ 0, 1 },
		{ 1, 1 },
		{ 2, 2 },
		{ 32, 2 },
		{ 64, 2 },
		{ 65, 2 },
		{ 66, 4 },
		{ 100, 4 },
		{ 192, 4 },
		{ 193, 4 },
		{ 194, 8 },
		{ 1024, 32 },
		{ 4033, 64 },
		{ 4034, 128 },
		{ 4096, 128 },
	};
	struct antireplay ar;
	size_t i;

	CU_ASSERT_EQUAL(antireplay_init(&ar, REPLAY_WINDOW_MAX + 1, false), -EINVAL);
	CU_ASSERT_EQUAL(antireplay_init(&ar, UINT32_MAX, true), -EINVAL);
	for (i = 0; i < RTE_DIM(sizes); i++) {
		CU_ASSERT_EQUAL(antireplay_init(&ar, sizes[i].window, false), 0);
		CU_ASSERT_EQUAL(ar.win, sizes[i].window);
		CU_ASSERT_EQUAL(ar.mask + 1, sizes[i].words);
		CU_ASSERT_EQUAL(ar.top, 0);
		CU_ASSERT(!ar.esn);
	}
	CU_ASSERT_EQUAL(antireplay_init(&ar, 64, true), 0);
	CU_ASSERT(ar.esn);
	CU_ASSERT_EQUAL(ar.lag, 63);
	CU_ASSERT_EQUAL(antireplay_init(&ar, 0, true), 0);
	CU_ASSERT_EQUAL(ar.lag, ANTIREPLAY_ESN_LAG_OFF);
	CU_ASSERT_EQUAL(sizeof(ar) % RTE_CACHE_LINE_SIZE, 0);

	/* fini forgets everything: a fresh init behaves as new. */
	setup(&ar, 64, false);
	CU_ASSERT_EQUAL(antireplay_update(&ar, 5), 0);
	antireplay_fini(&ar);
	CU_ASSERT_EQUAL(ar.top, 0);
	CU_ASSERT_EQUAL(ar.bits[0], 0);
}

static void
test_antireplay_first_packet(void)
{
	static const struct ar_row one[] = {
		T(1, OK),
		T(1, DUP),
		T(2, OK),
	};
	/* Packets 1..999 lost: the window starts where the first one lands. */
	static const struct ar_row late_start[] = {
		T(1000, OK),
		T(937, OK), /* 1000 - 64 + 1: left edge */
		T(936, OLD),
		T(999, OK),
	};
	static const struct ar_row top_first[] = {
		T(0xffffffff, OK),
		T(0xffffffff, DUP),
		T(0xffffffc0, OK),
		T(0xffffffbf, OLD),
	};
	static const struct ar_row zero_first[] = {
		T(0, ZERO),
		T(1, OK),
	};
	struct antireplay ar;

	setup(&ar, 64, false);
	RUN(&ar, one);
	setup(&ar, 64, false);
	RUN(&ar, late_start);
	setup(&ar, 64, false);
	RUN(&ar, top_first);
	setup(&ar, 64, false);
	RUN(&ar, zero_first);
}

static void
test_antireplay_in_order(void)
{
	static const struct ar_row tail[] = {
		T(300, DUP),
		T(237, DUP), /* left edge */
		T(236, OLD),
		T(301, OK),
		T(237, OLD),
	};
	struct antireplay ar;
	uint32_t w[] = { 1, 64, 1024, 4096 };
	uint64_t s;
	size_t i;

	for (i = 0; i < RTE_DIM(w); i++) {
		setup(&ar, w[i], false);
		for (s = 1; s <= 10000; s++)
			if (!run1(&ar, s, OK, s, "in order", (size_t)s))
				break;
		for (s = 10000; s > 10000 - w[i]; s--)
			if (!run1(&ar, s, DUP, s, "in order, replayed", (size_t)s))
				break;
		if (!run1(&ar, s, OLD, s, "in order, below", (size_t)s))
			break;
	}
	setup(&ar, 64, false);
	for (s = 1; s <= 300; s++)
		run1(&ar, s, OK, s, "in order", (size_t)s);
	RUN(&ar, tail);
}

static void
test_antireplay_duplicates(void)
{
	static const struct ar_row rows[] = {
		T(1, OK),
		T(2, OK),
		T(2, DUP),
		T(1, DUP),
		T(5, OK),
		T(3, OK),
		T(3, DUP),
		T(4, OK),
		T(4, DUP),
		T(5, DUP),
		T(1, DUP),
		T(68, OK), /* window 5..68 */
		T(5, DUP),
		T(4, OLD),
		T(68, DUP),
	};
	struct antireplay ar;

	setup(&ar, 64, false);
	RUN(&ar, rows);
}

static void
test_antireplay_out_of_order(void)
{
	static const struct ar_row rows[] = {
		T(10, OK),
		T(8, OK),
		T(9, OK),
		T(2, OK),
		T(7, OK),
		T(40, OK),
		T(3, OK),
		T(39, OK),
		T(60, OK),
		T(20, OK),
		T(70, OK), /* window 7..70 */
		T(6, OLD),
		T(7, DUP),
		T(11, OK),
		T(10, DUP),
		T(69, OK),
		T(12, OK),
		T(71, OK),
		T(7, OLD),
		T(8, DUP),
	};
	struct antireplay ar;

	setup(&ar, 64, false);
	RUN(&ar, rows);
}

static void
test_antireplay_left_edge(void)
{
	static const uint32_t windows[] = { 3, 32, 63, 64, 65, 100, 127, 128, 129, 1000, 1024, 4033,
		4034, 4095, 4096 };
	/* T anywhere in its word, at bit 0 (the RFC 6479 worst case) and at bit 63. */
	static const uint64_t tops[] = { 10000, 64 * 200, 64 * 201 - 1 };
	static const struct ar_row small1[] = {
		T(5, OK),
		T(5, DUP),
		T(4, OLD),
		T(6, OK),
		T(5, OLD),
	};
	static const struct ar_row small2[] = {
		T(5, OK),
		T(3, OLD),
		T(4, OK),
		T(4, DUP),
		T(6, OK),
		T(4, OLD),
		T(5, DUP),
	};
	struct antireplay ar;
	size_t i, j;

	for (i = 0; i < RTE_DIM(windows); i++) {
		for (j = 0; j < RTE_DIM(tops); j++) {
			uint64_t t = tops[j], w = windows[i];
			const struct ar_row rows[] = {
				T(t, OK),
				T(t - w, OLD),    /* one beyond the left edge */
				T(t - w + 1, OK), /* exactly at it */
				T(t - w + 1, DUP),
				T(t - w, OLD),
				T(t + 1, OK), /* the edge moves by one */
				T(t - w + 1, OLD),
				T(t - w + 2, OK),
				T(t - w + 2, DUP),
				T(t + w, OK), /* by a whole window */
				T(t, OLD),
				T(t + 1, DUP),
				T(t + 2, OK),
			};

			setup(&ar, windows[i], false);
			RUN(&ar, rows);
		}
	}
	setup(&ar, 1, false);
	RUN(&ar, small1);
	setup(&ar, 2, false);
	RUN(&ar, small2);
}

static void
test_antireplay_word_boundary(void)
{
	/* W = 64: a ring of two words. */
	static const struct ar_row w64[] = {
		T(63, OK),
		T(64, OK),
		T(65, OK),
		T(63, DUP),
		T(64, DUP),
		T(65, DUP),
		T(127, OK), /* window 64..127 */
		T(63, OLD),
		T(64, DUP),
		T(65, DUP),
		T(66, OK),
		T(128, OK), /* 65..128: T enters word 2, which takes the slot of word 0 */
		T(64, OLD),
		T(65, DUP),
		T(127, DUP),
		T(128, DUP),
		T(126, OK),
		T(129, OK), /* 66..129 */
		T(65, OLD),
		T(66, DUP),
		T(67, OK),
		T(191, OK), /* 128..191, still word 2 */
		T(127, OLD),
		T(128, DUP),
		T(129, DUP),
		T(130, OK),
		T(192, OK), /* 129..192: word 3 clears the slot of word 1 (64..127) */
		T(128, OLD),
		T(129, DUP),
		T(130, DUP),
		T(191, DUP),
		T(190, OK),
		T(131, OK),
	};
	/* W = 128: four words. */
	static const struct ar_row w128[] = {
		T(127, OK),
		T(128, OK),
		T(1, OK), /* window 1..128 */
		T(0, ZERO),
		T(255, OK), /* 128..255 */
		T(127, OLD),
		T(128, DUP),
		T(129, OK),
		T(256, OK), /* 129..256 */
		T(128, OLD),
		T(129, DUP),
		T(192, OK),
		T(193, OK),
		T(191, OK),
		T(256, DUP),
		T(319, OK), /* 192..319 */
		T(191, OLD),
		T(192, DUP),
		T(193, DUP),
		T(194, OK),
	};
	struct antireplay ar;

	setup(&ar, 64, false);
	RUN(&ar, w64);
	setup(&ar, 128, false);
	RUN(&ar, w128);
}

/* Receive every number of [lo, hi] (check, then update), expecting @expect. */
static bool
run_range(struct antireplay *ar, uint64_t lo, uint64_t hi, int expect, const char *what)
{
	uint64_t s;

	for (s = lo; s <= hi; s++)
		if (!run1(ar, s, expect, s, what, (size_t)(s - lo)))
			return false;
	return true;
}

static void
test_antireplay_large_jump(void)
{
	static const struct ar_row w64[] = {
		T(1, OK),
		T(2, OK),
		T(1000000, OK),
		T(2, OLD),
		T(999999, OK),
		T(999937, OK),
		T(999936, OLD),
		T(0x80000005, OK), /* 2^31 ahead */
		T(999999, OLD),
		T(0x80000004, OK),
		T(0xffffffff, OK),
		T(0x80000004, OLD),
		T(0xffffffc0, OK),
	};
	struct antireplay ar;
	uint64_t t;

	setup(&ar, 64, false);
	RUN(&ar, w64);

	/*
	 * W = 1024 (32 words): fill the window, jump by 5000 (past the window,
	 * across many words).  Every word the ring reuses held set bits: none
	 * may survive as a false duplicate.
	 */
	setup(&ar, 1024, false);
	run_range(&ar, 1, 1024, OK, "fill 1024");
	run1(&ar, 6024, OK, 6024, "jump", 0);
	run1(&ar, 1024, OLD, 1024, "jump", 1);
	run1(&ar, 5000, OLD, 5000, "jump", 2);
	run_range(&ar, 5001, 6023, OK, "after the jump");
	run_range(&ar, 5001, 6024, DUP, "after the jump, replayed");
	/* More than 64 ahead but inside the window; then exactly one window. */
	run1(&ar, 6024 + 65, OK, 6024 + 65, "jump 65", 0);
	run_range(&ar, 6025, 6024 + 64, OK, "jump 65, filled");
	run1(&ar, 6089 + 1024, OK, 6089 + 1024, "jump W", 0);
	run1(&ar, 6089, OLD, 6089, "jump W", 1);
	run_range(&ar, 6090, 6089 + 1023, OK, "jump W, filled");

	/* W = 4096 (128 words): jumps of the whole ring and of one word less. */
	setup(&ar, 4096, false);
	run_range(&ar, 1, 4096, OK, "fill 4096");
	t = 4096 + 128 * 64;
	run1(&ar, t, OK, t, "jump ring", 0);
	run_range(&ar, t - 4095, t - 1, OK, "jump ring, filled");
	run1(&ar, t - 4096, OLD, t - 4096, "jump ring", 1);
	t += 127 * 64;
	run1(&ar, t, OK, t, "jump ring - 1", 0);
	run_range(&ar, t - 4095, t - 1, OK, "jump ring - 1, filled");
	run_range(&ar, t - 4095, t, DUP, "jump ring - 1, replayed");
}

/*
 * For each window size: receive T, then the whole window below it, then
 * replay all of it, then jump by exactly W.  With ESN T sits just above a
 * 2^32 boundary, so the window spans two subspaces; a number just below
 * the window is then taken as 2^32 ahead (RFC 4303 A2.2), not as too old.
 */
static void
window_sizes(bool esn)
{
	static const uint32_t windows[] = { 1, 32, 64, 100, 1000, 1024, 4096 };
	struct antireplay ar;
	uint64_t s, w;
	size_t i;

	for (i = 0; i < RTE_DIM(windows); i++) {
		w = windows[i];
		setup(&ar, windows[i], esn);
		if (esn) {
			s = HI(1) + w / 2;
			run1(&ar, 0x80000000, OK, 0x80000000, "sizes", 0);
		} else {
			s = 100000 + w;
		}
		run1(&ar, s, OK, s, "sizes T", 0);
		if (!run_range(&ar, s - w + 1, s - 1, OK, "sizes, window") ||
		    !run_range(&ar, s - w + 1, s, DUP, "sizes, replayed"))
			continue;
		if (esn)
			run1(&ar, s - w, OK, s - w + HI(1), "sizes, below (ESN)", 0);
		else
			run1(&ar, s - w, OLD, s - w, "sizes, below", 0);
		run1(&ar, s + w, OK, s + w, "sizes, jump W", 0);
		if (!run_range(&ar, s + 1, s + w - 1, OK, "sizes, after the jump"))
			continue;
		if (esn)
			run1(&ar, s, OK, s + HI(1), "sizes, old T (ESN)", 0);
		else
			run1(&ar, s, OLD, s, "sizes, old T", 0);
	}
}

static void
test_antireplay_window_sizes(void)
{
	window_sizes(false);
	window_sizes(true);
}

static void
test_antireplay_disabled(void)
{
	/* RFC 4303 §3.4.3: no inbound checks; §3.3.3: the counter may roll over to 0. */
	static const struct ar_row plain[] = {
		T(5, OK),
		T(5, OK),
		T(1, OK),
		T(0, OK),
		T(0xffffffff, OK),
		T(3, OK),
		T(0, OK),
		T(0xffffffff, OK),
	};
	/* ESN still infers the high bits from T, as with a window of 2^31. */
	static const struct ar_row esn[] = {
		T(5, OK),
		T(5, OK),
		T(0xfffffff0, OK),
		T(HI(1) + 5, OK),
		T(0xfffffff1, OK), /* before the wrap: high bits 0 */
		T(0xfffffff1, OK),
		T(HI(1) + 5, OK),
		T(HI(1) + 0x7fffffff, OK),
		T(HI(1) + 0x10, OK),
		T(HI(1) + 0xfffffff0, OK),
		T(HI(2) + 0x10, OK),
		/* 0x70000010 late: accepted */
		T(HI(1) + 0x90000000, OK),
	};
	struct antireplay ar;

	setup(&ar, 0, false);
	RUN(&ar, plain);
	setup(&ar, 0, true);
	RUN(&ar, esn);
}

static void
test_antireplay_seq_zero(void)
{
	static const struct ar_row plain[] = {
		T(0, ZERO),
		T(1, OK),
		T(0, ZERO),
		T(100, OK),
		T(0, ZERO), /* below the window, but reported as 0 */
		T(0xffffffff, OK),
		/* the counter must not cycle (RFC 4303 §3.3.3) */
		T(0, ZERO),
	};
	/* ESN: the full number 0 is invalid; low half 0 after a wrap is 2^32, valid. */
	static const struct ar_row esn[] = {
		T(0, ZERO),
		T(1, OK),
		T(0, ZERO),
		T(0xffffffff, OK),
		T(HI(1), OK),
		T(HI(1), DUP),
		T(HI(1) + 1, OK),
	};
	struct antireplay ar;

	setup(&ar, 64, false);
	RUN(&ar, plain);
	setup(&ar, 4096, false);
	RUN(&ar, plain);
	setup(&ar, 64, true);
	RUN(&ar, esn);
	setup(&ar, 64, false);
	CU_ASSERT_EQUAL(antireplay_update(&ar, 0), -EINVAL);
	CU_ASSERT_EQUAL(ar.top, 0);
}

static void
test_antireplay_check_update_split(void)
{
	struct antireplay ar, before;
	uint64_t a, b;

	/* Two packets with the same number in one burst: both pass check. */
	setup(&ar, 64, false);
	CU_ASSERT_EQUAL(antireplay_check(&ar, 7, &a), 0);
	CU_ASSERT_EQUAL(antireplay_check(&ar, 7, &b), 0);
	CU_ASSERT_EQUAL(antireplay_update(&ar, a), 0);
	CU_ASSERT_EQUAL(antireplay_update(&ar, b), -EEXIST);

	/* The same inside the window, below T. */
	CU_ASSERT_EQUAL(antireplay_update(&ar, 100), 0);
	CU_ASSERT_EQUAL(antireplay_check(&ar, 50, &a), 0);
	CU_ASSERT_EQUAL(antireplay_check(&ar, 50, &b), 0);
	CU_ASSERT_EQUAL(antireplay_update(&ar, a), 0);
	CU_ASSERT_EQUAL(antireplay_update(&ar, b), -EEXIST);

	/* Another packet moved the window past a checked one. */
	CU_ASSERT_EQUAL(antireplay_check(&ar, 60, &a), 0);
	CU_ASSERT_EQUAL(antireplay_check(&ar, 200, &b), 0);
	CU_ASSERT_EQUAL(antireplay_update(&ar, b), 0);
	CU_ASSERT_EQUAL(antireplay_update(&ar, a), -ERANGE);

	/* Two different numbers, updated in the other order. */
	CU_ASSERT_EQUAL(antireplay_check(&ar, 250, &a), 0);
	CU_ASSERT_EQUAL(antireplay_check(&ar, 249, &b), 0);
	CU_ASSERT_EQUAL(antireplay_update(&ar, b), 0);
	CU_ASSERT_EQUAL(antireplay_update(&ar, a), 0);
	CU_ASSERT_EQUAL(antireplay_check(&ar, 249, &b), -EEXIST);

	/* check never changes the window, whatever it answers. */
	memcpy(&before, &ar, sizeof(ar));
	CU_ASSERT_EQUAL(antireplay_check(&ar, 1000, &a), 0);
	CU_ASSERT_EQUAL(antireplay_check(&ar, 248, &a), 0);
	CU_ASSERT_EQUAL(antireplay_check(&ar, 250, &a), -EEXIST);
	CU_ASSERT_EQUAL(antireplay_check(&ar, 1, &a), -ERANGE);
	CU_ASSERT_EQUAL(antireplay_check(&ar, 0, &a), -EINVAL);
	CU_ASSERT(memcmp(&before, &ar, sizeof(ar)) == 0);

	/* ESN: the burst straddles the wrap; the full numbers go to update. */
	setup(&ar, 64, true);
	CU_ASSERT_EQUAL(antireplay_update(&ar, 0xfffffff0), 0);
	CU_ASSERT_EQUAL(antireplay_check(&ar, 5, &a), 0);
	CU_ASSERT_EQUAL(a, HI(1) + 5);
	CU_ASSERT_EQUAL(antireplay_check(&ar, 0xfffffff8, &b), 0);
	CU_ASSERT_EQUAL(b, 0xfffffff8);
	CU_ASSERT_EQUAL(antireplay_update(&ar, a), 0);
	CU_ASSERT_EQUAL(antireplay_update(&ar, b), 0);
	CU_ASSERT_EQUAL(antireplay_update(&ar, a), -EEXIST);
	CU_ASSERT_EQUAL(antireplay_update(&ar, b), -EEXIST);
	CU_ASSERT_EQUAL(antireplay_check(&ar, 0xfffffff8, &b), -EEXIST);
	CU_ASSERT_EQUAL(b, 0xfffffff8);
}

static void
test_antireplay_esn_wrap(void)
{
	static const struct ar_row rows[] = {
		T(0xfffffffd, OK),
		T(0xfffffffe, OK),
		T(0xffffffff, OK),
		T(HI(1), OK), /* low half wraps to 0, high half + 1 */
		T(HI(1) + 1, OK),
		T(HI(1), DUP),
		T(0xffffffff, DUP),
		T(HI(1) + 2, OK),
		T(0xfffffffc, OK),
	};
	/* W = 64: how far ahead the high bits can still be inferred. */
	static const struct ar_row far[] = {
		T(HI(1) + 0xffffff00, OK), /* almost 2^32 ahead: still in [B, B + 2^32) */
		T(HI(2) + 3, OK),
		T(HI(2) - 2, OK),
		TI(HI(1) + 0xffffff00, OK, HI(2) + 0xffffff00), /* now below B */
		/* 2^32 + 13 ahead: cannot be told from 13 ahead */
		TI(HI(3) + 0x10, OK, HI(2) + 0x10),
	};
	struct antireplay ar;

	setup(&ar, 64, true);
	RUN(&ar, rows);
	RUN(&ar, far);
	setup(&ar, 1024, true);
	RUN(&ar, rows);
}

static void
test_antireplay_esn_late_before_wrap(void)
{
	static const struct ar_row rows[] = {
		T(0xfffffff0, OK),
		T(HI(1) + 3, OK),  /* Tl = 3 < W - 1: Case B */
		T(0xfffffff5, OK), /* from before the wrap: high bits Th - 1 */
		T(0xfffffff5, DUP),
		T(0xfffffff0, DUP),
		T(0xffffffc4, OK), /* T - W + 1: the left edge, below 2^32 */
		T(0xffffffc4, DUP),
		TI(0xffffffc3, OK, HI(1) + 0xffffffc3), /* below: taken as 2^32 ahead */
		T(HI(1) + 2, OK),
		T(HI(1) + 3, DUP),
	};
	struct antireplay ar;

	setup(&ar, 64, true);
	RUN(&ar, rows);
}

static void
test_antireplay_esn_appendix_a(void)
{
	/*
	 * RFC 4303 Appendix A2.2 with W = 64.  The first rows climb to
	 * Th = 5 in jumps of 2^31 (each inside [B, B + 2^32)).
	 */
	static const struct ar_row rows[] = {
		T(0x80000000, OK),
		T(HI(1), OK),
		T(HI(1) + 0x80000000, OK),
		T(HI(2), OK),
		T(HI(2) + 0x80000000, OK),
		T(HI(3), OK),
		T(HI(3) + 0x80000000, OK),
		T(HI(4), OK),
		T(HI(4) + 0x80000000, OK),
		T(HI(5) + 0x1000, OK),
		/* Case A: Tl = 0x1000 >= W - 1, Bl = 0xfc1. */
		T(HI(5) + 0xfc1, OK),                 /* Seql = Bl: Th */
		TI(HI(5) + 0xfc0, OK, HI(6) + 0xfc0), /* Seql < Bl: Th + 1 */
		T(HI(5) + 0xfff, OK),                 /* Seql >= Bl: Th */
		T(HI(5) + 0x1000, DUP),
		TI(HI(4) + 0xfffffff0, OK, HI(5) + 0xfffffff0), /* Th: ahead */
		T(HI(5) + 0x80000000, OK),
		/* Case A at its limit: Tl = W - 1, Bl = 0. */
		T(HI(6) + 0x3f, OK),
		T(HI(6), OK),                                   /* Seql = Bl = 0: Th */
		TI(HI(5) + 0xffffffff, OK, HI(6) + 0xffffffff), /* Th */
		T(HI(6) + 0x3f, DUP),
		/* Case B: Tl = 0x10 < W - 1, Bl = 0xffffffd1. */
		T(HI(6) + 0x80000000, OK),
		T(HI(7) + 0x10, OK),
		T(HI(6) + 0xffffffd1, OK),                      /* Seql = Bl: Th - 1 */
		T(HI(6) + 0xffffffff, OK),                      /* Seql > Bl: Th - 1 */
		TI(HI(6) + 0xffffffd0, OK, HI(7) + 0xffffffd0), /* Seql < Bl: Th, ahead */
		T(HI(7), OK),                                   /* Seql <= Tl: Th */
		T(HI(7) + 0xf, OK),
		T(HI(7) + 0x10, DUP),
		T(HI(6) + 0xffffffd1, DUP), /* replays across the boundary */
		T(HI(6) + 0xffffffff, DUP),
		T(HI(7) + 0x11, OK),                            /* Tl < Seql < Bl: Th, ahead */
		TI(HI(6) + 0xffffffd1, OK, HI(7) + 0xffffffd1), /* now just below B */
		/* T moves to Tl = 0x40: Case A again, Bl = 1. */
		T(HI(7) + 0x40, OK),
		TI(HI(6) + 0xffffffd2, OK, HI(7) + 0xffffffd2),
		T(HI(7) + 0x1, OK), /* left edge T - W + 1 */
		T(HI(7) + 0x11, DUP),
		/* Seql < Bl: Th + 1 */
		TI(HI(7), OK, HI(8)),
	};
	/*
	 * Case B while Th = 0: there is no subspace below 0, so Seql >= Bl is
	 * ahead in subspace 0 (the RFC's Th - 1 does not exist).
	 */
	static const struct ar_row th0[] = {
		T(5, OK),
		T(0xfffffff0, OK),
		TI(5, OK, HI(1) + 5), /* now Case A, Seql < Bl: Th + 1 */
		T(0xffffffb1, OK),
	};
	struct antireplay ar;

	setup(&ar, 64, true);
	RUN(&ar, rows);
	setup(&ar, 64, true);
	RUN(&ar, th0);
}

static void
test_antireplay_esn_replay_across_wrap(void)
{
	struct antireplay ar;
	uint64_t s;

	/* 2048 packets, the last 256 after the wrap: T = 2^32 + 0xff, B = 0xfffffd00. */
	setup(&ar, 1024, true);
	run_range(&ar, 0xfffff900, HI(1) + 0xff, OK, "before and after the wrap");
	run_range(&ar, 0xfffffd00, HI(1) + 0xff, DUP, "replayed inside the window");
	for (s = 0xfffff900; s < 0xfffffd00; s++)
		if (!run1(&ar, s, OK, s + HI(1), "replayed below the window", (size_t)s))
			break;
}

/*
 * The naive model: a set of every number ever accepted, T, and the RFC
 * 4303 A2.2 cases written out as in the RFC.  Open addressing, no removal.
 */
#define REF_SET_BITS 22
#define REF_EMPTY    UINT64_MAX

struct ref {
	uint64_t top;
	uint32_t win;
	bool esn;
	uint64_t *set;
};

static uint64_t
ref_hash(uint64_t x)
{
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	return x >> (64 - REF_SET_BITS);
}

static bool
ref_seen(const struct ref *r, uint64_t s)
{
	uint64_t i;

	for (i = ref_hash(s); r->set[i] != REF_EMPTY; i = (i + 1) & ((1u << REF_SET_BITS) - 1))
		if (r->set[i] == s)
			return true;
	return false;
}

static void
ref_add(struct ref *r, uint64_t s)
{
	uint64_t i;

	for (i = ref_hash(s); r->set[i] != REF_EMPTY; i = (i + 1) & ((1u << REF_SET_BITS) - 1))
		if (r->set[i] == s)
			return;
	r->set[i] = s;
}

static uint64_t
ref_infer(const struct ref *r, uint32_t seql)
{
	uint64_t w = r->win != 0 ? r->win : UINT64_C(1) << 31;
	uint32_t th = (uint32_t)(r->top >> 32), tl = (uint32_t)r->top;
	uint32_t bl = (uint32_t)(tl - w + 1);
	uint32_t seqh;

	if (!r->esn)
		return seql;
	if (tl >= w - 1) /* Case A */
		seqh = seql >= bl ? th : th + 1;
	else /* Case B; below subspace 0 there is nothing: stay in 0 */
		seqh = seql >= bl ? (th == 0 ? 0 : th - 1) : th;
	return HI(seqh) | seql;
}

static int
ref_check(const struct ref *r, uint64_t s)
{
	if (s > r->top || r->win == 0)
		return 0;
	if (s == 0)
		return -EINVAL;
	if (r->top - s >= r->win)
		return -ERANGE;
	return ref_seen(r, s) ? -EEXIST : 0;
}

static int
ref_update(struct ref *r, uint64_t s)
{
	int rc = ref_check(r, s);

	if (rc != 0)
		return rc;
	if (s > r->top)
		r->top = s;
	if (r->win != 0)
		ref_add(r, s);
	return 0;
}

static uint64_t rng_state;

static uint64_t
rng(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * UINT64_C(2685821657736338717);
}

static uint64_t
rng_below(uint64_t n)
{
	return n == 0 ? 0 : rng() % n;
}

#define CROSS_PACKETS 1000000
#define CROSS_BURST   8
#define CROSS_HISTORY 16

/*
 * A sender and a receiver in bursts, as esp_inbound does it: check every
 * packet of the burst, then update those whose ICV "verifies" (not forged,
 * and the inferred full number is the one sent).  Most packets are in
 * order; some are late, replayed, forged or jump ahead.  The window and
 * the model must agree on every answer and every inferred number.
 */
static void
cross_check(uint32_t window, bool esn, uint64_t seed, uint64_t *set)
{
	struct antireplay ar;
	struct ref r = { .top = 0, .win = window, .esn = esn, .set = set };
	uint64_t hist[CROSS_HISTORY] = { 0 };
	uint64_t sent[CROSS_BURST], full[CROSS_BURST], sender, span, x;
	bool forged[CROSS_BURST];
	int rc[CROSS_BURST], got, want;
	unsigned int count[6] = { 0 }; /* ok, dup, old, zero; update failed; wrong high bits */
	size_t done = 0, n, i;

	rng_state = seed;
	memset(set, 0xff, sizeof(uint64_t) << REF_SET_BITS);
	setup(&ar, window, esn);
	span = window != 0 ? window : 64;
	/*
	 * ESN: start below 2^32 so that the run wraps.  Plain: start low, so
	 * that it never does, but above what a late packet reaches back.
	 */
	sender = esn ? 0xffffffffu - 200000 - rng_below(100000) : 2 * span + rng_below(1000);

	while (done < CROSS_PACKETS) {
		n = 1 + rng_below(CROSS_BURST);
		for (i = 0; i < n; i++) {
			x = rng_below(1000);
			forged[i] = false;
			if (x < 700) {
				sent[i] = ++sender;
			} else if (x < 850) { /* late: up to 1.5 windows back */
				sent[i] = sender - rng_below(span + span / 2 + 2);
			} else if (x < 920) { /* replay of a recent one */
				sent[i] = hist[rng_below(CROSS_HISTORY)];
			} else if (x < 980) { /* jump: some lost */
				sender += 1 + rng_below(3 * span + 200);
				sent[i] = sender;
			} else if (x < 981) { /* far ahead (ESN: well inside 2^32) */
				sender += rng_below(esn ? UINT64_C(1) << 30 : UINT64_C(1) << 18);
				sent[i] = ++sender;
			} else if (x < 991) { /* forged: any number, bad ICV */
				sent[i] = esn ? rng() : rng() & 0xffffffff;
				if (rng_below(8) == 0)
					sent[i] &= ~UINT64_C(0xffffffff);
				forged[i] = true;
			} else {
				sent[i] = sender - rng_below(4);
			}
			if (!esn && sent[i] > 0xffffffff)
				sent[i] &= 0xffffffff;
			if (!forged[i])
				hist[rng_below(CROSS_HISTORY)] = sent[i];
		}
		for (i = 0; i < n; i++) {
			uint64_t want_full = ref_infer(&r, (uint32_t)sent[i]);

			rc[i] = antireplay_check(&ar, (uint32_t)sent[i], &full[i]);
			want = ref_check(&r, want_full);
			if (rc[i] != want || full[i] != want_full) {
				fprintf(stderr,
				    "\ncross W=%u esn=%d packet %zu: seq %#" PRIx64
				    ": check %d full %#" PRIx64 ", model %d full %#" PRIx64
				    " (T %#" PRIx64 ")\n",
				    window, esn, done + i, sent[i], rc[i], full[i], want, want_full,
				    r.top);
				CU_FAIL("cross-check: antireplay_check");
				return;
			}
			count[rc[i] == 0 ? 0 : rc[i] == -EEXIST ? 1 : rc[i] == -ERANGE ? 2 : 3]++;
		}
		for (i = 0; i < n; i++) {
			count[5] += rc[i] == 0 && full[i] != sent[i];
			if (rc[i] != 0 || forged[i] || full[i] != sent[i])
				continue;
			got = antireplay_update(&ar, full[i]);
			want = ref_update(&r, full[i]);
			if (got != want || ar.top != r.top) {
				fprintf(stderr,
				    "\ncross W=%u esn=%d packet %zu: update %#" PRIx64
				    ": %d, model %d (T %#" PRIx64 " / %#" PRIx64 ")\n",
				    window, esn, done + i, full[i], got, want, ar.top, r.top);
				CU_FAIL("cross-check: antireplay_update");
				return;
			}
			count[4] += got != 0;
		}
		done += n;
	}
	/* The stream must have reached every answer the window can give. */
	CU_ASSERT(count[0] > CROSS_PACKETS / 2);
	if (window != 0) {
		CU_ASSERT(count[1] > 0);
		CU_ASSERT(count[4] > 0);
		if (!esn)
			CU_ASSERT(count[2] > 0);
	}
	if (esn) {
		CU_ASSERT(ar.top > HI(2)); /* wrapped, and jumped across subspaces */
		CU_ASSERT(count[5] > 0);
	}
}

static void
test_antireplay_random(void)
{
	static const uint32_t windows[] = { 0, 1, 32, 64, 100, 1024, 4096 };
	uint64_t *set = malloc(sizeof(uint64_t) << REF_SET_BITS);
	size_t i;

	CU_ASSERT_FATAL(set != NULL);
	for (i = 0; i < RTE_DIM(windows); i++) {
		cross_check(windows[i], false, 0x5eed0000 + i, set);
		cross_check(windows[i], true, 0xe5e00000 + i, set);
	}
	free(set);
}

int
main(void)
{
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{ "test_antireplay_init", test_antireplay_init },
		{ "test_antireplay_first_packet", test_antireplay_first_packet },
		{ "test_antireplay_in_order", test_antireplay_in_order },
		{ "test_antireplay_duplicates", test_antireplay_duplicates },
		{ "test_antireplay_out_of_order", test_antireplay_out_of_order },
		{ "test_antireplay_left_edge", test_antireplay_left_edge },
		{ "test_antireplay_word_boundary", test_antireplay_word_boundary },
		{ "test_antireplay_large_jump", test_antireplay_large_jump },
		{ "test_antireplay_window_sizes", test_antireplay_window_sizes },
		{ "test_antireplay_disabled", test_antireplay_disabled },
		{ "test_antireplay_seq_zero", test_antireplay_seq_zero },
		{ "test_antireplay_check_update_split", test_antireplay_check_update_split },
		{ "test_antireplay_esn_wrap", test_antireplay_esn_wrap },
		{ "test_antireplay_esn_late_before_wrap", test_antireplay_esn_late_before_wrap },
		{ "test_antireplay_esn_appendix_a", test_antireplay_esn_appendix_a },
		{ "test_antireplay_esn_replay_across_wrap",
		    test_antireplay_esn_replay_across_wrap },
		{ "test_antireplay_random", test_antireplay_random },
	};
	CU_pSuite s;
	unsigned int fails;
	size_t i;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("antireplay", NULL, NULL);
	for (i = 0; i < RTE_DIM(tests); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return fails == 0 ? 0 : 1;
}
