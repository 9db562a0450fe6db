/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/addr.h: IPv4 / IPv6 address comparison for the per-packet code. */
#ifndef FASTIPSEC_ADDR_H
#define FASTIPSEC_ADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Are the addresses at @p a and @p b (@p family 4: 4 bytes, else 16) equal?  Inline, no libc call. */
static inline bool
addr_eq(const uint8_t *a, const uint8_t *b, uint8_t family)
{
	uint64_t x[2], y[2];
	uint32_t u, v;

	if (family == 4) {
		memcpy(&u, a, 4);
		memcpy(&v, b, 4);
		return u == v;
	}
	memcpy(x, a, 16);
	memcpy(y, b, 16);
	return ((x[0] ^ y[0]) | (x[1] ^ y[1])) == 0;
}

#endif
