/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ike_ts.c: traffic selectors in the config's prefix form, shared by IKEv1 and IKEv2. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "slowpath/ike/ike_ts.h"

unsigned int
ike_ts_addr_len(uint8_t family)
{
	return family == 4 ? 4 : 16;
}

/* Prefix length of a contiguous mask, -1 when not contiguous. */
int
ike_ts_mask_len(const uint8_t *mask, unsigned int n)
{
	unsigned int i, bits = 0;
	bool ended = false;
	uint8_t b;

	for (i = 0; i < n; i++) {
		for (b = 0x80; b != 0; b >>= 1) {
			if (mask[i] & b) {
				if (ended)
					return -1;
				bits++;
			} else {
				ended = true;
			}
		}
	}
	return (int)bits;
}

void
ike_ts_prefix_clear_host(struct config_prefix *p)
{
	unsigned int n = ike_ts_addr_len(p->a.family), i;

	for (i = 0; i < n; i++) {
		if (p->len >= (i + 1) * 8)
			continue;
		if (p->len <= i * 8)
			p->a.addr[i] = 0;
		else
			p->a.addr[i] &= (uint8_t)(0xff << (8 - (p->len - i * 8)));
	}
}

/* @len of a range first..last that is exactly a prefix, -1 when not. */
int
ike_ts_range_prefix(const uint8_t *first, const uint8_t *last, unsigned int n)
{
	uint8_t mask[16];
	unsigned int i;
	int len;

	if (n == 0 || n > sizeof(mask))
		return -1;
	for (i = 0; i < n; i++)
		mask[i] = (uint8_t) ~(first[i] ^ last[i]);
	len = ike_ts_mask_len(mask, n);
	if (len < 0)
		return -1;
	for (i = 0; i < n; i++) {
		/* host part: first all zero, last all one */
		if ((first[i] & ~mask[i]) != 0 || (last[i] | mask[i]) != 0xff)
			return -1;
	}
	return len;
}

/* Is prefix @inner inside prefix @outer? */
bool
ike_ts_prefix_contains(const struct config_prefix *outer, const struct config_prefix *inner)
{
	struct config_prefix x;

	if (outer->a.family != inner->a.family || outer->len > inner->len)
		return false;
	x = *inner;
	x.len = outer->len;
	ike_ts_prefix_clear_host(&x);
	return memcmp(x.a.addr, outer->a.addr, ike_ts_addr_len(outer->a.family)) == 0;
}

void
ike_ts_resolve(const struct config_ts *ts, const struct config_addr *ike, struct config_ts *out)
{
	*out = *ts;
	if (ts->dynamic) {
		out->dynamic = false;
		out->net.a = *ike;
		out->net.len = (uint8_t)(ike->family == 4 ? 32 : 128);
	}
}

bool
ike_ts_contains(const struct config_ts *outer, const struct config_ts *inner)
{
	if (!ike_ts_prefix_contains(&outer->net, &inner->net))
		return false;
	if (outer->protocol >= 0 && outer->protocol != inner->protocol)
		return false;
	return outer->ports.first <= inner->ports.first && inner->ports.last <= outer->ports.last;
}

bool
ike_ts_narrow(const struct config_ts *a, const struct config_ts *b, struct config_ts *out)
{
	memset(out, 0, sizeof(*out));
	if (ike_ts_prefix_contains(&a->net, &b->net))
		out->net = b->net;
	else if (ike_ts_prefix_contains(&b->net, &a->net))
		out->net = a->net;
	else
		return false;
	if (a->protocol < 0)
		out->protocol = b->protocol;
	else if (b->protocol < 0 || b->protocol == a->protocol)
		out->protocol = a->protocol;
	else
		return false;
	out->ports.first = a->ports.first > b->ports.first ? a->ports.first : b->ports.first;
	out->ports.last = a->ports.last < b->ports.last ? a->ports.last : b->ports.last;
	return out->ports.first <= out->ports.last;
}

static const char *
proto_name(int p)
{
	switch (p) {
	case 1:
		return "icmp";
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 58:
		return "ipv6-icmp";
	default:
		return NULL;
	}
}

void
ike_ts_format(const struct config_ts *ts, char *buf, size_t len)
{
	char a[64], p[16], ports[16];
	const char *pn;

	if (ts->dynamic) {
		snprintf(buf, len, "dynamic");
		return;
	}
	config_addr_format(&ts->net.a, a, sizeof(a));
	if (ts->protocol < 0 && ts->ports.first == 0 && ts->ports.last == 65535) {
		snprintf(buf, len, "%s/%u", a, ts->net.len);
		return;
	}
	pn = proto_name(ts->protocol);
	if (ts->protocol < 0)
		snprintf(p, sizeof(p), "any");
	else if (pn != NULL)
		snprintf(p, sizeof(p), "%s", pn);
	else
		snprintf(p, sizeof(p), "%d", ts->protocol);
	if (ts->ports.first == 0 && ts->ports.last == 65535)
		snprintf(ports, sizeof(ports), "%s", "");
	else if (ts->ports.first == ts->ports.last)
		snprintf(ports, sizeof(ports), "/%u", ts->ports.first);
	else
		snprintf(ports, sizeof(ports), "/%u-%u", ts->ports.first, ts->ports.last);
	snprintf(buf, len, "%s/%u[%s%s]", a, ts->net.len, p, ports);
}

void
ike_ts_prefix_range(const struct config_prefix *p, uint8_t *first, uint8_t *last)
{
	unsigned int n = ike_ts_addr_len(p->a.family), i, bits;
	uint8_t host;

	for (i = 0; i < n; i++) {
		bits = p->len > i * 8 ? p->len - i * 8 : 0;
		host = bits >= 8 ? 0 : (uint8_t)(0xff >> bits);
		first[i] = (uint8_t)(p->a.addr[i] & ~host);
		last[i] = (uint8_t)(p->a.addr[i] | host);
	}
}

/* Bit @k (0: least significant) of the big-endian @n-byte number @a. */
static bool
bit_at(const uint8_t *a, unsigned int n, unsigned int k)
{
	return (a[n - 1 - k / 8] >> (k % 8)) & 1;
}

/* @out = @a with its @k low bits set. */
static void
set_low(const uint8_t *a, unsigned int n, unsigned int k, uint8_t *out)
{
	unsigned int i;

	memcpy(out, a, n);
	for (i = 0; i < k; i++)
		out[n - 1 - i / 8] |= (uint8_t)(1u << (i % 8));
}

int
ike_ts_range_split(uint8_t family, const uint8_t *first, const uint8_t *last,
    struct config_prefix *out, unsigned int max)
{
	unsigned int n = ike_ts_addr_len(family), bits = n * 8, k, count = 0;
	uint8_t s[16], end[16];
	int i;

	if (memcmp(first, last, n) > 0)
		return -EINVAL;
	memcpy(s, first, n);
	for (;;) {
		/* The largest block aligned at s that ends at or before last. */
		k = 0;
		while (k < bits && !bit_at(s, n, k)) {
			set_low(s, n, k + 1, end);
			if (memcmp(end, last, n) > 0)
				break;
			k++;
		}
		if (count == max)
			return -E2BIG;
		memset(&out[count], 0, sizeof(out[count]));
		out[count].a.family = family;
		memcpy(out[count].a.addr, s, n);
		out[count].len = (uint8_t)(bits - k);
		count++;
		set_low(s, n, k, end);
		if (memcmp(end, last, n) == 0)
			return (int)count;
		/* s = end + 1 */
		memcpy(s, end, n);
		for (i = (int)n - 1; i >= 0; i--) {
			if (++s[i] != 0)
				break;
		}
	}
}
