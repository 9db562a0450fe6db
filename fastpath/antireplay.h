/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/antireplay.h: the inbound anti-replay window of one SA, with and without ESN. */
#ifndef FASTIPSEC_ANTIREPLAY_H
#define FASTIPSEC_ANTIREPLAY_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>

#include "common/limits.h"

/*
 * Anti-replay for ESP and AH inbound SAs: RFC 4303 §3.4.3 and Appendix A,
 * RFC 4302 §3.4.3 and Appendix B, RFC 4304 (ESN).
 *
 * Two steps (STYLE.md rule 19):
 *   antireplay_check()   before crypto.  Does not change the window.  With
 *                        ESN it also infers the high 32 bits, which the ICV
 *                        computation needs.
 *   antireplay_update()  only after the ICV verified.  Checks again (another
 *                        packet of the same burst may have taken the number
 *                        or moved the window) and records the number.
 *
 * Owner: the one worker lcore that owns the SA (ARCHITECTURE.md rule 2,
 * STYLE.md rule 14).  Only that lcore calls check and update, so there are
 * no atomics; never call them from the slowpath or another worker.  The
 * slowpath calls antireplay_init() while it builds the SA runtime, before
 * the worker can see it, and antireplay_fini() after the grace period.
 *
 * The window, W = window_bits, is used exactly as configured (not rounded):
 * a number is "too old" when it is W or more below T, the highest number
 * authenticated so far, so T - W + 1 .. T are inside.  Any W from 1 to
 * REPLAY_WINDOW_MAX works, multiple of 64 or not.  What is rounded is the
 * bitmap behind it: a ring of 64-bit words as in RFC 6479, a power of two of
 * them, with at least one word more than W needs.  When T moves into a new
 * word, whole words are cleared (no bit shifting); the spare word is what
 * keeps all of W valid right after such a clear.
 *
 * W = 0 disables the check: check and update accept every number, 0
 * included.  RFC 4303 §3.4.3: a receiver that does not enable anti-replay
 * performs no inbound checks on the Sequence Number; and per §3.3.3 a
 * sender told so keeps counting and rolls its counter over to 0, so a
 * conformant sender may then send 0.  With an enabled window the full
 * number 0 is never valid (the first packet of an SA carries 1, and the
 * counter must not cycle, §3.3.3), and check reports it as -EINVAL.
 * ESN with W = 0 is not recommended (§3.3.3 note: a receiver that disables
 * anti-replay SHOULD NOT negotiate ESN), but works: T is still tracked so
 * that the high bits can be inferred, as if W were 2^31.
 *
 * ESN (RFC 4303 Appendix A2.2): the high bits are those that put the number
 * in [B, B + 2^32), where B = T - W + 1 is the bottom of the window.  That
 * is Seqh = Th when Seql >= Bl, else Th + 1 in Case A (Tl >= W - 1); and
 * Th - 1 when Seql >= Bl, else Th in Case B (Tl < W - 1, the window spans a
 * 2^32 boundary).  So with ESN nothing is ever "too old" at check time: a
 * number below the window is taken as one 2^32 ahead, and its ICV fails.
 * While T < W - 1 (Th = 0, Case B) there is no subspace below 0: B is taken
 * as 0 and such numbers count as ahead in subspace 0.
 */

/*
 * Words in the bitmap ring.  A window of W needs a power of two of at
 * least (W + 62) / 64 + 1 words; 128 covers REPLAY_WINDOW_MAX (4096 needs
 * 65).  Small windows use only the first words of the ring.
 */
#define ANTIREPLAY_WORDS 128

/* How far below T the ESN inference looks when the window is disabled. */
#define ANTIREPLAY_ESN_LAG_OFF ((UINT64_C(1) << 31) - 1)

/*
 * One SA's window.  Plain and fixed size, so that the SA runtime embeds it.
 * The fields read per packet come first: with a window of up to 192 they
 * and the bitmap words in use share the first cache line.
 */
struct antireplay {
	uint64_t top;                    /* T: highest authenticated number; 0 before the first */
	uint64_t lag;                    /* ESN: B = T - lag (W - 1); UINT64_MAX without ESN */
	uint32_t win;                    /* W, in sequence numbers; 0 = check disabled */
	uint32_t mask;                   /* words of the ring in use, minus one */
	bool esn;                        /* extended (64-bit) sequence numbers */
	uint64_t bits[ANTIREPLAY_WORDS]; /* number s is bit s % 64 of word (s / 64) & mask */
} __rte_cache_aligned;

_Static_assert((ANTIREPLAY_WORDS & (ANTIREPLAY_WORDS - 1)) == 0,
    "ANTIREPLAY_WORDS must be a power of two");
_Static_assert((ANTIREPLAY_WORDS - 1) * 64 + 1 >= REPLAY_WINDOW_MAX,
    "ANTIREPLAY_WORDS too small for REPLAY_WINDOW_MAX");
_Static_assert(sizeof(struct antireplay) % RTE_CACHE_LINE_SIZE == 0,
    "struct antireplay is not a whole number of cache lines");

/*
 * Set up an empty window of @p window_bits (0 = disabled) for an SA with
 * or without ESN.  The caller owns @p ar.  Returns 0, or -EINVAL when
 * @p window_bits is above REPLAY_WINDOW_MAX.
 */
int antireplay_init(struct antireplay *ar, uint32_t window_bits, bool esn);

/* Forget the window; @p ar may be initialised again. */
void antireplay_fini(struct antireplay *ar);

/*
 * Before crypto: may a packet carrying @p seq_low (the Sequence Number
 * field, host order) go on?  Stores the full 64-bit number in @p seq_full
 * (without ESN it is @p seq_low) whatever the answer; with ESN its high
 * half goes into the ICV.  Returns 0; -EEXIST for a number already
 * received; -ERANGE for one below the window (never with ESN, see above);
 * -EINVAL for 0 while the window is enabled.
 */
static inline int
antireplay_check(const struct antireplay *ar, uint32_t seq_low, uint64_t *seq_full)
{
	uint64_t top = ar->top;
	uint64_t base, seq;

	/*
	 * RFC 4303 A2.2 without branches: the number in [B, B + 2^32) whose
	 * low half is seq_low.  Without ESN lag is UINT64_MAX, B is 0 and
	 * seq is seq_low.
	 */
	base = top > ar->lag ? top - ar->lag : 0;
	seq = base + (uint32_t)(seq_low - (uint32_t)base);
	*seq_full = seq;
	if (likely(seq > top))
		return 0;
	if (ar->win == 0)
		return 0;
	if (unlikely(seq == 0))
		return -EINVAL;
	if (top - seq >= ar->win)
		return -ERANGE;
	if (ar->bits[(seq >> 6) & ar->mask] & (UINT64_C(1) << (seq & 63)))
		return -EEXIST;
	return 0;
}

/*
 * After the ICV verified: record @p seq_full, the number antireplay_check()
 * returned for this packet, and move the window if it is the new highest.
 * Returns 0, or what antireplay_check() would return now: -EEXIST when
 * another packet took the number since, -ERANGE when the window moved past
 * it, -EINVAL for 0.  The window only changes when 0 is returned.
 */
static inline int
antireplay_update(struct antireplay *ar, uint64_t seq_full)
{
	uint64_t top = ar->top;
	uint64_t bit = UINT64_C(1) << (seq_full & 63);
	uint64_t *word;
	uint64_t n, w;

	if (likely(seq_full > top)) {
		/* RFC 6479: clear the words T moves into, at most the whole ring. */
		w = top >> 6;
		n = (seq_full >> 6) - w;
		if (unlikely(n != 0)) {
			if (n > ar->mask)
				n = (uint64_t)ar->mask + 1;
			do
				ar->bits[++w & ar->mask] = 0;
			while (--n != 0);
		}
		ar->top = seq_full;
		ar->bits[(seq_full >> 6) & ar->mask] |= bit;
		return 0;
	}
	if (ar->win == 0)
		return 0;
	if (unlikely(seq_full == 0))
		return -EINVAL;
	if (top - seq_full >= ar->win)
		return -ERANGE;
	word = &ar->bits[(seq_full >> 6) & ar->mask];
	if (*word & bit)
		return -EEXIST;
	*word |= bit;
	return 0;
}

#endif
