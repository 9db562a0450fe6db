/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ike_ts.h: traffic selectors in the config's prefix form, shared by IKEv1 and IKEv2. */
#ifndef FASTIPSEC_IKE_TS_H
#define FASTIPSEC_IKE_TS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

/*
 * The SA installer takes selectors as struct config_ts (a prefix, a
 * protocol, a port range).  IKEv1 carries them as ID payloads (subnets,
 * ranges), IKEv2 as address ranges (RFC 7296 §3.13.1); the prefix
 * arithmetic both need lives here.  No state.
 */

/* Address bytes of a family: 4 or 16. */
unsigned int ike_ts_addr_len(uint8_t family);
/* Prefix length of a contiguous mask of @n bytes, -1 when not contiguous. */
int ike_ts_mask_len(const uint8_t *mask, unsigned int n);
/* Zero the host bits of @p. */
void ike_ts_prefix_clear_host(struct config_prefix *p);
/* The prefix length of a range first..last (@n bytes each) that is exactly a prefix, -1 when not. */
int ike_ts_range_prefix(const uint8_t *first, const uint8_t *last, unsigned int n);
/* Is prefix @inner inside prefix @outer (same family)? */
bool ike_ts_prefix_contains(const struct config_prefix *outer, const struct config_prefix *inner);
/* The first and last address of prefix @p (ike_ts_addr_len() bytes each). */
void ike_ts_prefix_range(const struct config_prefix *p, uint8_t *first, uint8_t *last);
/*
 * The range first..last (inclusive, @family 4 or 6, first <= last) as the
 * fewest prefixes, in address order, into @out.  Returns their count, or
 * -E2BIG when more than @max are needed, -EINVAL when first > last.
 */
int ike_ts_range_split(uint8_t family, const uint8_t *first, const uint8_t *last,
    struct config_prefix *out, unsigned int max);

/* @ts with "dynamic" made the host address @ike (RFC 2409 §5.5, RFC 7296 §2.9). */
void ike_ts_resolve(const struct config_ts *ts, const struct config_addr *ike,
    struct config_ts *out);
/* Does @outer contain @inner (addresses, protocol and ports)? */
bool ike_ts_contains(const struct config_ts *outer, const struct config_ts *inner);
/* The intersection of @a and @b into @out; false when empty or not one prefix. */
bool ike_ts_narrow(const struct config_ts *a, const struct config_ts *b, struct config_ts *out);
/* "198.51.100.0/24" or "192.0.2.7/32[udp/500]". */
void ike_ts_format(const struct config_ts *ts, char *buf, size_t len);

#endif
