/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/ip6ext.h: IPv6 extension header chains (RFC 8200 §4) in front of ESP, AH, IKE and ICMPv6. */
#ifndef FASTIPSEC_IP6EXT_H
#define FASTIPSEC_IP6EXT_H

#include <stdbool.h>
#include <stdint.h>

#include "fastpath/drop.h"

/*
 * The four extension headers the fast path walks (RFC 8200 §4.1); any
 * other next header ends a chain.  The common case, a fixed header
 * followed directly by the upper layer, costs one ip6ext_is() test on the
 * next header byte: callers walk only when it says yes (a cold path).
 *
 * Where transport-mode ESP and AH go (RFC 4303 §3.1.1, RFC 4302 §3.1.1):
 * after hop-by-hop, routing and fragment headers; destination options may
 * go either side.  We do what Linux (ip6_find_1stfragopt()) and scapy do:
 * a destination options header before any routing header stays in front
 * (with no routing header at all, that is every one), one after a
 * routing header is for the final destination only and goes inside.
 * Transport mode applies to whole packets (RFC 4303 §3.3, RFC 4302
 * §3.3): a fragment header there is DROP_FRAGMENT, as an IPv4 fragment is.
 */
#define IP6EXT_HOPOPTS  0  /* RFC 8200 §4.3: only right after the fixed header */
#define IP6EXT_ROUTING  43 /* §4.4 */
#define IP6EXT_FRAGMENT 44 /* §4.5 */
#define IP6EXT_DSTOPTS  60 /* §4.6 */

#define IP6EXT_FIXED   40   /* the fixed header */
#define IP6EXT_NH_OFF  6    /* its Next Header byte */
#define IP6EXT_MUTABLE 0x20 /* option type bit: the data may change en route (RFC 8200 §4.2) */

/* ip6ext_walk() flags. */
#define IP6EXT_F_DEST  0x1 /* we are the destination: obey the option actions and segments left */
#define IP6EXT_F_RT0   0x2 /* a routing header must have no segments left */
#define IP6EXT_F_SPLIT 0x4 /* stop where transport-mode ESP / AH goes (above) */

/* Where a walk ended. */
struct ip6ext {
	uint32_t off;    /* where the header proto names starts: the bytes in front of it */
	uint32_t nh_off; /* the Next Header byte naming it (IP6EXT_NH_OFF: none walked) */
	uint32_t mut;    /* option data bytes marked mutable in the headers walked */
	uint8_t proto;   /* the upper layer, or the fragment / destination options header */
	/* DROP_EXT_HDR with IP6EXT_F_DEST: the ICMPv6 Parameter Problem RFC 8200 §4 asks for */
	uint8_t pp_code; /* 0: erroneous header field (routing type); 2: unrecognized option */
	uint32_t pp_ptr; /* offset of the byte at fault from the IPv6 header; 0: send none */
};

/* Is next header @p nh one of the four extension headers walked here? */
static inline bool
ip6ext_is(uint8_t nh)
{
	return nh == IP6EXT_HOPOPTS || nh == IP6EXT_ROUTING || nh == IP6EXT_FRAGMENT ||
	    nh == IP6EXT_DSTOPTS;
}

/*
 * Walk the extension headers behind the fixed IPv6 header at @p ip, of
 * @p len bytes in all (IP6EXT_FIXED + payload_len, which the caller
 * checked against the buffer), to the first header that is none of the
 * four, to a fragment header (its 8 bytes present), or with
 * IP6EXT_F_SPLIT to a destination options header after a routing header.
 * Every option of hop-by-hop and destination options headers is checked:
 * DROP_EXT_CHAIN for a header or option running past its end or past
 * @p len, a hop-by-hop header not first, more than SPD_IPV6_EXT_MAX
 * headers; DROP_EXT_HDR, with IP6EXT_F_DEST, for an unknown option whose
 * type says discard (RFC 8200 §4.2; Pad1, PadN and Router Alert are
 * known) and, with IP6EXT_F_DEST or IP6EXT_F_RT0, for a routing header
 * with segments left (RFC 8200 §4.4: we do not forward source routes,
 * nor compute the final destination for AH or a pseudo-header).  Fills
 * @p x on DROP_NONE; on DROP_EXT_HDR with IP6EXT_F_DEST, its pp_* fields
 * say which Parameter Problem to send (RFC 8200 §4.2: code 2 at the type of
 * an option whose action is 10 or 11, none for 01; §4.4: code 0 at the
 * Routing Type of a routing header with segments left, no type being one
 * we process).  Any lcore; no side effects.
 */
enum drop_reason ip6ext_walk(const uint8_t *ip, uint32_t len, unsigned int flags, struct ip6ext *x);

/*
 * RFC 4302 §3.3.3.1.2.1: the Option Data of every hop-by-hop and
 * destination options option whose type has IP6EXT_MUTABLE set counts as
 * zeros for the ICV.  ip6ext_mutable_zero() copies that data of the
 * headers in [IP6EXT_FIXED, @p front) to @p save (ip6ext_walk()'s mut
 * bytes) and zeroes it; ip6ext_mutable_restore() puts it back.  The chain
 * must have passed ip6ext_walk() with @p front its off.
 */
void ip6ext_mutable_zero(uint8_t *ip, uint32_t front, uint8_t *save);
void ip6ext_mutable_restore(uint8_t *ip, uint32_t front, const uint8_t *save);

#endif
