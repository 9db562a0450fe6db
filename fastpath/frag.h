/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/frag.h: IPv4 fragmentation of packets larger than the egress MTU (RFC 791). */
#ifndef FASTIPSEC_FRAG_H
#define FASTIPSEC_FRAG_H

#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

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

#endif
