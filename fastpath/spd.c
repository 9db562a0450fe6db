/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/spd.c: per-packet SPD lookup: the selectors, then one rte_acl burst or a scan. */
#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>

#include <rte_acl.h>
#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_ip.h>

#include "fastpath/ip6ext.h"
#include "fastpath/spd.h"

#define IPV6_HDR_LEN IP6EXT_FIXED

/* Protocols whose header starts with a source and a destination port. */
static inline bool
has_ports(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_DCCP:
	case IPPROTO_SCTP:
	case IPPROTO_UDPLITE:
		return true;
	default:
		return false;
	}
}

/*
 * The IPv4 key.  Ports stay 0 (OPAQUE, see spd.h) for protocols without
 * ports, non-first fragments and an L4 header cut short.
 */
static inline void
key4(struct spd_key4 *k, const uint8_t *ip)
{
	const struct rte_ipv4_hdr *h = (const struct rte_ipv4_hdr *)ip;
	uint32_t ihl = (uint32_t)(h->version_ihl & RTE_IPV4_HDR_IHL_MASK) * RTE_IPV4_IHL_MULTIPLIER;
	uint32_t tot = rte_be_to_cpu_16(h->total_length);

	memset(k, 0, sizeof(*k));
	k->proto = h->next_proto_id;
	k->src = h->src_addr;
	k->dst = h->dst_addr;
	if (has_ports(k->proto) && (h->fragment_offset & RTE_BE16(RTE_IPV4_HDR_OFFSET_MASK)) == 0 &&
	    ihl + 4 <= tot)
		memcpy(&k->sport, ip + ihl, 4);
}

/*
 * The IPv6 key: skip up to SPD_IPV6_EXT_MAX hop-by-hop, routing, fragment
 * and destination options headers to the protocol (RFC 4301 4.4.1.1,
 * RFC 8200 4; a leaner walk than ip6ext_walk(): no option checks).  A fragment header
 * with a non-zero offset ends the walk: its next header is the protocol,
 * and the ports are OPAQUE.  So does a chain that is longer or runs past
 * payload_len, with the header that could not be skipped as protocol.
 */
static inline void
key6(struct spd_key6 *k, const uint8_t *ip)
{
	const struct rte_ipv6_hdr *h = (const struct rte_ipv6_hdr *)ip;
	uint32_t end = IPV6_HDR_LEN + rte_be_to_cpu_16(h->payload_len);
	uint32_t off = IPV6_HDR_LEN;
	uint8_t nh = h->proto, next;
	unsigned int i;

	memset(k, 0, sizeof(*k));
	memcpy(k->src, h->src_addr, 16);
	memcpy(k->dst, h->dst_addr, 16);
	for (i = 0; ip6ext_is(nh); i++) {
		if (i == SPD_IPV6_EXT_MAX || off + 8 > end)
			goto opaque;
		next = ip[off];
		if (nh == IP6EXT_FRAGMENT) {
			/* Fragment offset: the top 13 bits of bytes 2-3 (RFC 8200 4.5). */
			if ((ip[off + 2] | (ip[off + 3] & 0xf8)) != 0) {
				nh = next;
				goto opaque;
			}
			off += 8;
		} else {
			off += ((uint32_t)ip[off + 1] + 1) * 8;
		}
		nh = next;
	}
	if (has_ports(nh) && off + 4 <= end)
		memcpy(&k->sport, ip + off, 4);
opaque:
	k->proto = nh;
}

/* Does port @p p (host order) lie in [lo, lo + span]? */
static inline bool
port_in(uint16_t p, uint16_t lo, uint16_t span)
{
	return (uint16_t)(p - lo) <= span;
}

/* The first of the @p n policies @p r that IPv4 key @p k matches: its id, or 0. */
static inline uint32_t
lin4_match(const struct spd_lin4 *r, unsigned int n, const struct spd_key4 *k)
{
	uint16_t sp = rte_be_to_cpu_16(k->sport), dp = rte_be_to_cpu_16(k->dport);
	unsigned int i;

	for (i = 0; i < n; i++, r++) {
		if ((((k->src & r->smask) ^ r->src) | ((k->dst & r->dmask) ^ r->dst) |
		        (uint32_t)((k->proto & r->s.pmask) ^ r->s.proto)) != 0)
			continue;
		if (port_in(sp, r->s.sp_lo, r->s.sp_span) && port_in(dp, r->s.dp_lo, r->s.dp_span))
			return r->s.id;
	}
	return 0;
}

static inline uint32_t
lin6_match(const struct spd_lin6 *r, unsigned int n, const struct spd_key6 *k)
{
	uint16_t sp = rte_be_to_cpu_16(k->sport), dp = rte_be_to_cpu_16(k->dport);
	uint64_t s[2], d[2];
	unsigned int i;

	memcpy(s, k->src, 16);
	memcpy(d, k->dst, 16);
	for (i = 0; i < n; i++, r++) {
		if ((((s[0] & r->smask[0]) ^ r->src[0]) | ((s[1] & r->smask[1]) ^ r->src[1]) |
		        ((d[0] & r->dmask[0]) ^ r->dst[0]) | ((d[1] & r->dmask[1]) ^ r->dst[1]) |
		        (uint64_t)((k->proto & r->s.pmask) ^ r->s.proto)) != 0)
			continue;
		if (port_in(sp, r->s.sp_lo, r->s.sp_span) && port_in(dp, r->s.dp_lo, r->s.dp_span))
			return r->s.id;
	}
	return 0;
}

void
spd_linear_classify(const struct spd *spd, unsigned int dir, unsigned int f,
    const uint8_t *const *keys, uint32_t *match, unsigned int n)
{
	unsigned int i, nr = spd->n_lin[dir][f];

	if (f == 0) {
		for (i = 0; i < n; i++)
			match[i] = lin4_match(spd->lin4[dir], nr, (const struct spd_key4 *)keys[i]);
	} else {
		for (i = 0; i < n; i++)
			match[i] = lin6_match(spd->lin6[dir], nr, (const struct spd_key6 *)keys[i]);
	}
}

/* One chunk of at most BURST_MAX packets of one family: the scan or rte_acl. */
static inline void
classify_v4(const struct spd *spd, unsigned int dir, const uint8_t *const *ip_hdrs, uint32_t *match,
    unsigned int n)
{
	struct spd_key4 keys[BURST_MAX];
	const uint8_t *data[BURST_MAX];
	unsigned int i;

	if (spd->linear[dir][0]) {
		for (i = 0; i < n; i++) {
			key4(&keys[0], ip_hdrs[i]);
			match[i] = lin4_match(spd->lin4[dir], spd->n_lin[dir][0], &keys[0]);
		}
		return;
	}
	for (i = 0; i < n; i++) {
		key4(&keys[i], ip_hdrs[i]);
		data[i] = (const uint8_t *)&keys[i];
	}
	rte_acl_classify(spd->acl[dir][0], data, match, n, 1);
}

static inline void
classify_v6(const struct spd *spd, unsigned int dir, const uint8_t *const *ip_hdrs, uint32_t *match,
    unsigned int n)
{
	struct spd_key6 keys[BURST_MAX];
	const uint8_t *data[BURST_MAX];
	unsigned int i;

	if (spd->linear[dir][1]) {
		for (i = 0; i < n; i++) {
			key6(&keys[0], ip_hdrs[i]);
			match[i] = lin6_match(spd->lin6[dir], spd->n_lin[dir][1], &keys[0]);
		}
		return;
	}
	for (i = 0; i < n; i++) {
		key6(&keys[i], ip_hdrs[i]);
		data[i] = (const uint8_t *)&keys[i];
	}
	rte_acl_classify(spd->acl[dir][1], data, match, n, 1);
}

void
spd_classify_v4(const struct spd *spd, enum config_direction dir, const uint8_t *const *ip_hdrs,
    uint32_t *match, unsigned int n)
{
	const struct rte_acl_ctx *ctx = spd->acl[dir][0];
	unsigned int k;

	if (unlikely(ctx == NULL)) {
		memset(match, 0, n * sizeof(*match));
		return;
	}
	for (; n > 0; n -= k, ip_hdrs += k, match += k) {
		k = RTE_MIN(n, (unsigned int)BURST_MAX);
		classify_v4(spd, dir, ip_hdrs, match, k);
	}
}

void
spd_classify_v6(const struct spd *spd, enum config_direction dir, const uint8_t *const *ip_hdrs,
    uint32_t *match, unsigned int n)
{
	const struct rte_acl_ctx *ctx = spd->acl[dir][1];
	unsigned int k;

	if (unlikely(ctx == NULL)) {
		memset(match, 0, n * sizeof(*match));
		return;
	}
	for (; n > 0; n -= k, ip_hdrs += k, match += k) {
		k = RTE_MIN(n, (unsigned int)BURST_MAX);
		classify_v6(spd, dir, ip_hdrs, match, k);
	}
}
