/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/frag.h: fragmentation of packets larger than the egress MTU (IPv4: RFC 791; IPv6 as the source: RFC 8200 §4.5). */
#ifndef FASTIPSEC_FRAG_H
#define FASTIPSEC_FRAG_H

#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "common/limits.h"

/*
 * Split the IPv4 packet @p m (data at its IP header, DF clear, header
 * checked) into fragments of at most @p mtu bytes, in new mbufs from
 * @p pool whose data starts at the IP header, stored in @p out (room for
 * @p max).  Every fragment but the last carries a multiple of 8 data
 * bytes and MF; offsets continue those of @p m (a fragment is fragmented
 * again); later fragments keep only the options with the copied flag.
 * Returns the number of fragments, or 0 when @p pool ran dry or more than
 * @p max would be needed (nothing is kept then).  @p m is not touched:
 * the caller frees it.  Worker lcore.
 */
uint16_t frag_ipv4(struct rte_mempool *pool, const struct rte_mbuf *m, uint16_t mtu,
    struct rte_mbuf **out, uint16_t max);

/*
 * Split the IPv6 packet @p m (data at its IPv6 header) into fragments of
 * at most @p mtu bytes, as its source may (RFC 8200 §4.5; routers never
 * fragment IPv6), in new mbufs from @p pool whose data starts at the IPv6
 * header, stored in @p out (room for @p max).  Each fragment is the
 * per-fragment headers (the IPv6 header and the extension headers up to
 * the Routing header, else the Hop-by-Hop Options header, else none), a
 * Fragment header with identification @p id, and a piece of the rest:
 * a multiple of 8 bytes in all but the last, which alone has M clear.
 * Returns the number of fragments; -ENOBUFS when @p pool ran dry or more
 * than @p max would be needed; -EINVAL when @p m cannot be fragmented (a
 * fragment already, extension headers cut short, or @p mtu leaves no room
 * for 8 bytes of data).  Nothing is kept on failure, and @p m is not
 * touched: the caller frees it.  Worker lcore.
 */
int frag_ipv6(struct rte_mempool *pool, const struct rte_mbuf *m, uint16_t mtu, uint32_t id,
    struct rte_mbuf **out, uint16_t max);

/*
 * IPv6 fragment Identifications (RFC 8200 §4.5: unlike that of any other
 * packet fragmented recently with the same addresses).  Each sender,
 * worker i or the control core (FRAG_ID_CONTROL: IKE messages), counts
 * from a random start (RFC 7739 §5: not guessable from outside) with its
 * index in the low FRAG_ID_SENDER_BITS bits: no two senders ever collide,
 * and one sender's repeat only after 2^25 fragmented packets.
 */
#define FRAG_ID_SENDER_BITS 7
#define FRAG_ID_CONTROL     WORKERS_MAX
_Static_assert(FRAG_ID_CONTROL < 1u << FRAG_ID_SENDER_BITS, "every sender has its own ID bits");

static inline uint32_t
frag_id_make(uint32_t seq, uint32_t sender)
{
	return seq << FRAG_ID_SENDER_BITS | sender;
}

#endif
