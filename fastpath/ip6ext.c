/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/ip6ext.c: IPv6 extension header chains: the walk, and AH's mutable option data. */
#include <stddef.h>
#include <string.h>

#include "common/limits.h"
#include "fastpath/ip6ext.h"

#define OPT_PAD1         0 /* RFC 8200 §4.2 */
#define OPT_PADN         1
#define OPT_ROUTER_ALERT 5          /* RFC 2711 */
#define OPT_ACTION(t)    ((t) >> 6) /* 0: skip an unknown option; else discard the packet */

/*
 * The options of the hop-by-hop or destination options header at @p h
 * (@p hlen bytes): each within the header, and with @p dest no unknown
 * one that asks for the packet to be discarded (RFC 8200 §4.2: its offset
 * in the header to *@p bad).  Adds the mutable option data bytes to @p mut.
 */
static enum drop_reason
options(const uint8_t *h, uint32_t hlen, bool dest, uint32_t *mut, uint32_t *bad)
{
	uint32_t i = 2, len;
	uint8_t t;

	while (i < hlen) {
		t = h[i];
		if (t == OPT_PAD1) {
			i++;
			continue;
		}
		if (i + 2 > hlen || i + 2 + (len = h[i + 1]) > hlen)
			return DROP_EXT_CHAIN;
		if (dest && OPT_ACTION(t) != 0 && t != OPT_PADN && t != OPT_ROUTER_ALERT) {
			*bad = i;
			return DROP_EXT_HDR;
		}
		if (t & IP6EXT_MUTABLE)
			*mut += len;
		i += 2 + len;
	}
	return DROP_NONE;
}

enum drop_reason
ip6ext_walk(const uint8_t *ip, uint32_t len, unsigned int flags, struct ip6ext *x)
{
	uint32_t off = IP6EXT_FIXED, nh_off = IP6EXT_NH_OFF, hlen, mut = 0, n = 0, bad = 0;
	uint8_t nh = ip[IP6EXT_NH_OFF];
	bool routed = false;
	enum drop_reason why;

	while (ip6ext_is(nh)) {
		if (nh == IP6EXT_FRAGMENT) {
			if (off + 8 > len)
				return DROP_EXT_CHAIN;
			break;
		}
		if ((flags & IP6EXT_F_SPLIT) && nh == IP6EXT_DSTOPTS && routed)
			break;
		if (n == SPD_IPV6_EXT_MAX || off + 8 > len ||
		    (nh == IP6EXT_HOPOPTS && off != IP6EXT_FIXED))
			return DROP_EXT_CHAIN;
		hlen = ((uint32_t)ip[off + 1] + 1) * 8;
		if (off + hlen > len)
			return DROP_EXT_CHAIN;
		if (nh == IP6EXT_ROUTING) {
			/* Segments left: byte 3 (RFC 8200 §4.4); the routing type: byte 2. */
			if ((flags & (IP6EXT_F_DEST | IP6EXT_F_RT0)) && ip[off + 3] != 0) {
				x->pp_code = 0;
				x->pp_ptr = flags & IP6EXT_F_DEST ? off + 2 : 0;
				return DROP_EXT_HDR;
			}
			routed = true;
		} else {
			why = options(ip + off, hlen, flags & IP6EXT_F_DEST, &mut, &bad);
			if (why == DROP_EXT_HDR) {
				/*
				 * The option type's two high bits: 01 discard, 10 and 11
				 * answer (11 not to a multicast destination: we answer
				 * packets to our own unicast addresses only).
				 */
				x->pp_code = 2;
				x->pp_ptr = OPT_ACTION(ip[off + bad]) >= 2 ? off + bad : 0;
			}
			if (why != DROP_NONE)
				return why;
		}
		nh = ip[off];
		nh_off = off;
		off += hlen;
		n++;
	}
	x->off = off;
	x->nh_off = nh_off;
	x->mut = mut;
	x->proto = nh;
	return DROP_NONE;
}

/*
 * Walk the headers in front of @p front: copy each mutable option's data
 * to @p save and zero it, or (@p from not NULL) copy it back from @p from.
 */
static void
mutable_swap(uint8_t *ip, uint32_t front, uint8_t *save, const uint8_t *from)
{
	uint32_t off = IP6EXT_FIXED, hlen, i, len;
	uint8_t nh = ip[IP6EXT_NH_OFF], *d;

	for (; off < front; nh = ip[off], off += hlen) {
		hlen = ((uint32_t)ip[off + 1] + 1) * 8;
		if (nh != IP6EXT_HOPOPTS && nh != IP6EXT_DSTOPTS)
			continue;
		i = 2;
		while (i < hlen) {
			if (ip[off + i] == OPT_PAD1) {
				i++;
				continue;
			}
			len = ip[off + i + 1];
			d = ip + off + i + 2;
			if (ip[off + i] & IP6EXT_MUTABLE) {
				if (from != NULL) {
					memcpy(d, from, len);
					from += len;
				} else {
					memcpy(save, d, len);
					memset(d, 0, len);
					save += len;
				}
			}
			i += 2 + len;
		}
	}
}

void
ip6ext_mutable_zero(uint8_t *ip, uint32_t front, uint8_t *save)
{
	mutable_swap(ip, front, save, NULL);
}

void
ip6ext_mutable_restore(uint8_t *ip, uint32_t front, const uint8_t *save)
{
	mutable_swap(ip, front, NULL, save);
}
