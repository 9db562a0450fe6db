/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/antireplay.c: set-up of the anti-replay window; check and update are inline in the header. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>

#include "fastpath/antireplay.h"

int
antireplay_init(struct antireplay *ar, uint32_t window_bits, bool esn)
{
	if (window_bits > REPLAY_WINDOW_MAX)
		return -EINVAL;
	memset(ar, 0, sizeof(*ar));
	ar->win = window_bits;
	ar->esn = esn;
	if (!esn)
		ar->lag = UINT64_MAX;
	else if (window_bits == 0)
		ar->lag = ANTIREPLAY_ESN_LAG_OFF;
	else
		ar->lag = window_bits - 1;
	/*
	 * RFC 6479 needs the ring one word larger than the window: with T at
	 * bit 0 of its word, the window reaches ceil((W - 1) / 64) words back.
	 */
	ar->mask = rte_align32pow2((window_bits + 62) / 64 + 1) - 1;
	return 0;
}

void
antireplay_fini(struct antireplay *ar)
{
	memset(ar, 0, sizeof(*ar));
}
