/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/esp_inbound.h: ESP decapsulation (RFC 4303, RFC 3948, RFC 4304) of a burst. */
#ifndef FASTIPSEC_ESP_INBOUND_H
#define FASTIPSEC_ESP_INBOUND_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "common/sa_rt.h"
#include "fastpath/esp.h"
#include "fastpath/worker.h"

/*
 * Fill the ESP fields of @p sa from @p prm: the SAD key's family and
 * destination (our address), the expected peer, sizes, encapsulation and
 * the lifetime (soft and hard, in packets and bytes).  key.spi, id, owner,
 * ar and crypto are the caller's.  Control core, before the record is
 * published.  Returns 0 or -EINVAL (also for a soft limit above its hard
 * one).
 */
int esp_inbound_sa_init(struct sa_rt_in *sa, const struct esp_sa_prm *prm);

/*
 * Verify and decapsulate @p n packets.  On entry each mbuf (one segment)
 * starts at the outer IP header of a packet addressed to us, not a
 * fragment, whose protocol is ESP (50), or UDP whose payload the caller
 * found to start with a non-zero SPI (RFC 3948 §2.2, port 4500): the
 * UDP header is still there and this function strips it.  IPv6: ESP or
 * UDP may follow hop-by-hop, routing (no segments left) and destination
 * options headers (fastpath/ip6ext.h; DROP_EXT_CHAIN, DROP_EXT_HDR), not
 * a fragment header (DROP_FRAGMENT).
 *
 * On return the first (returned count) entries of @p m are the good
 * packets in their original order, and sa_out[i] is the SA that
 * authenticated m[i], for the caller's inbound policy check (RFC 4301
 * §5.2).  Tunnel mode: the mbuf starts at the inner IP header, trimmed
 * to the inner packet's own length (TFC padding goes), its ECN field
 * updated from the outer one (RFC 6040 §4.2, normal mode).  Transport mode:
 * the packet's IP header (IPv6: with the extension headers that were in
 * front of ESP) with protocol / next header and length
 * restored, followed by the payload; with NAT-T the inner TCP or UDP
 * checksum is recomputed for the addresses it now has (RFC 3948
 * §3.1.2).  Every other packet has gone to worker_drop() with its
 * reason; once the SA's hard lifetime is reached, DROP_SA_EXPIRED.  Only
 * accepted packets count against the lifetime, and each limit is reported
 * once as EV_SA_LIFETIME (fastpath/lifetime.h has the rules).  Owner: the worker lcore of every SA involved (others:
 * DROP_NOT_OWNER until the handoff ring exists).  Never blocks,
 * allocates, locks or logs.
 */
uint16_t esp_inbound_burst(struct worker *w, struct rte_mbuf **m, struct sa_rt_in **sa_out,
    uint16_t n);

/*
 * esp_inbound_burst() in two halves, for the worker's own path: at most
 * BURST_MAX packets, with at least that many free slots in w->cq
 * (cq_free()).  _submit() drops or hands over what esp_inbound_burst()
 * would before crypto, prepares the rest into the next slots of w->cq
 * and starts their crypto without waiting (crypto_mb_submit()); returns
 * how many slots it took.  _done() finishes @p n slots taken by _submit()
 * whose ops have completed, in queue order: what esp_inbound_burst()
 * returns, to @p out and @p sa_out; returns their count.
 */
uint16_t esp_inbound_submit(struct worker *w, struct rte_mbuf **m, uint16_t n);
uint16_t esp_inbound_done(struct worker *w, struct cq_slot *const *s, uint16_t n,
    struct rte_mbuf **out, struct sa_rt_in **sa_out);

#endif
