/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/esp_outbound.h: ESP encapsulation (RFC 4303, RFC 3948, RFC 4304) of a burst. */
#ifndef FASTIPSEC_ESP_OUTBOUND_H
#define FASTIPSEC_ESP_OUTBOUND_H

#include <stdint.h>

#include <intel-ipsec-mb.h>
#include <rte_mbuf.h>

#include "common/sa_msg.h"
#include "common/sa_rt.h"
#include "fastpath/esp.h"
#include "fastpath/worker.h"

/*
 * Fill the ESP fields of @p sa from @p prm: sizes, the outer header
 * template, the sequence number limit, the lifetime (soft and hard, in
 * packets and bytes), and the CBC IV key
 * schedule from @p iv_key (16 random bytes, expanded with @p mgr, the
 * control core's manager).  spi, id, owner, proto and crypto are the
 * caller's.  Control core, before the record is published.  Returns 0 or
 * -EINVAL (also for a soft limit above its hard one).
 */
int esp_outbound_sa_init(struct sa_rt_out *sa, IMB_MGR *mgr, const struct esp_sa_prm *prm,
    const uint8_t iv_key[16]);

/*
 * The outer header template of @p sa from @p prm's family, mode,
 * addresses and UDP encapsulation: hdr, hdr_len, hdr_sum, encap ports and
 * fixed (iv_len and icv_len set before).  Part of esp_outbound_sa_init();
 * alone, it builds the new header of an SA whose peer moved
 * (struct sa_out_move).
 */
void esp_outbound_sa_hdr(struct sa_rt_out *sa, const struct esp_sa_prm *prm);

/*
 * Write @p mv's outer header into @p sa (mv->sa or a record not published
 * yet); the sequence numbers, IV counter, counters and lifetime go on.
 * Published, only by its owner (SA_MSG_MOVE_OUT in fastpath/sa_sync.c).
 */
void esp_outbound_sa_move(struct sa_rt_out *sa, const struct sa_out_move *mv);

/*
 * Protect @p n packets, m[i] with sa[i].  On entry each mbuf (one
 * segment) starts at the IP header of the packet to protect, no L2.  On
 * return the first (returned count) entries of @p m are the protected
 * packets, in their original order, each starting at the outer IP header
 * (tunnel) or at its own IP header now followed by ESP, or UDP and ESP
 * (transport): lengths and checksums final.  Every other packet has
 * gone to worker_drop() with its reason: past the SA's hard lifetime
 * DROP_SA_EXPIRED, after its last sequence number DROP_SEQ_EXHAUSTED, each
 * limit reported once as EV_SA_LIFETIME (fastpath/lifetime.h has the
 * rules).  Transport mode keeps the
 * packet's own IP header (options included) in front; for IPv6 ESP goes
 * after the hop-by-hop and routing headers and the destination options
 * before a routing header; destination options after one go inside
 * (fastpath/ip6ext.h: where Linux and scapy put it).  Fragments are
 * dropped (RFC 4303 §3.3: DROP_FRAGMENT), as are routing headers with
 * segments left (DROP_EXT_HDR) and malformed chains (DROP_EXT_CHAIN).
 * Needs headroom for the outer
 * headers, ESP header and IV, and tailroom for padding, trailer and ICV.
 * Owner: the worker lcore that owns every sa[i] (others are dropped as
 * DROP_NOT_OWNER until the handoff ring exists).  Never blocks,
 * allocates, locks or logs.
 */
uint16_t esp_outbound_burst(struct worker *w, struct rte_mbuf **m, struct sa_rt_out **sa,
    uint16_t n);

/*
 * esp_outbound_burst() in two halves, for the worker's own path: at most
 * BURST_MAX packets, with at least that many free slots in w->cq
 * (cq_free()).  _submit() prepares each packet into the next slot of
 * w->cq and starts its crypto without waiting (crypto_mb_submit()); it
 * drops what esp_outbound_burst() would drop before crypto and returns
 * how many slots it took.  _done() finishes @p n slots taken by _submit()
 * whose ops have completed, in queue order: the good packets to @p out,
 * as esp_outbound_burst() returns them, and the SA of each to @p sa_out;
 * returns their count.
 */
uint16_t esp_outbound_submit(struct worker *w, struct rte_mbuf **m, struct sa_rt_out **sa,
    uint16_t n);
uint16_t esp_outbound_done(struct worker *w, struct cq_slot *const *s, uint16_t n,
    struct rte_mbuf **out, struct sa_rt_out **sa_out);

#endif
