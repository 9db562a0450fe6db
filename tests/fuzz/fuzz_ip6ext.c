/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/fuzz/fuzz_ip6ext.c: libFuzzer target for the IPv6 extension header walk and AH's mutable option data. */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "fastpath/ip6ext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The first byte picks the walk's flags, the rest is an IPv6 packet of
 * exactly that many bytes (a heap copy: the sanitizer sees any read past
 * it).  Whatever the walk accepts must be consistent (the header it
 * names lies inside, the byte naming it says so), and zeroing then
 * restoring the mutable option data in front of it must give the packet
 * back, with only option data changed in between.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned int flags[] = { 0, IP6EXT_F_DEST, IP6EXT_F_RT0, IP6EXT_F_SPLIT,
		IP6EXT_F_SPLIT | IP6EXT_F_RT0, IP6EXT_F_DEST | IP6EXT_F_SPLIT };
	struct ip6ext x;
	uint8_t *ip, *orig, *save;
	size_t len, i;

	if (size < 1 + IP6EXT_FIXED || size > 1 + 4096)
		return 0;
	len = size - 1;
	ip = malloc(len);
	orig = malloc(len);
	if (ip == NULL || orig == NULL)
		goto out;
	memcpy(ip, data + 1, len);
	memcpy(orig, ip, len);
	if (ip6ext_walk(ip, (uint32_t)len, flags[data[0] % 6], &x) != DROP_NONE)
		goto out;
	if (x.off > len || x.nh_off >= x.off || ip[x.nh_off] != x.proto || x.mut > len ||
	    (x.proto == IP6EXT_FRAGMENT && x.off + 8 > len) ||
	    (x.off == IP6EXT_FIXED) != (x.nh_off == IP6EXT_NH_OFF))
		abort();
	save = malloc(x.mut + 1);
	if (save == NULL)
		goto out;
	ip6ext_mutable_zero(ip, x.off, save);
	for (i = 0; i < len; i++)
		if (ip[i] != orig[i] && (i < IP6EXT_FIXED || ip[i] != 0 || i >= x.off))
			abort();
	ip6ext_mutable_restore(ip, x.off, save);
	if (memcmp(ip, orig, len) != 0)
		abort();
	free(save);
out:
	free(ip);
	free(orig);
	return 0;
}
