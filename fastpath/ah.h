/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/ah.h: AH (RFC 4302, RFC 4543 AES-GMAC, ESN) protection and verification of a burst. */
#ifndef FASTIPSEC_AH_H
#define FASTIPSEC_AH_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "common/sa_rt.h"
#include "fastpath/esp.h"
#include "fastpath/worker.h"

#define AH_HDR_LEN 12 /* next header, length, reserved, SPI, sequence number (RFC 4302 §2) */

/*
 * What the ICV covers (RFC 4302 §3.3.3.1, Appendix A), both directions:
 *   IPv4: TOS (DSCP + ECN), flags + fragment offset, TTL and header
 *     checksum are zeroed; everything else, identification included, is
 *     covered.  Options (Appendix A.1): EOL, NOP, Security (130, 133,
 *     134), Router Alert (148) and 149 are covered as they are; every
 *     other option is zeroed whole (type, length, data).  Loose and strict
 *     source routes (131, 137) make the destination "mutable but
 *     predictable": not supported, dropped as DROP_IP_OPTIONS; malformed
 *     options as DROP_BAD_IP (outbound transport, and the outer header
 *     inbound).  Tunnel mode builds its outer header without options; the
 *     inner packet is payload, options and all.
 *   IPv6: traffic class, flow label and hop limit are zeroed.  Transport
 *     mode puts AH after the hop-by-hop and routing headers and the
 *     destination options before a routing header (fastpath/ip6ext.h, as
 *     ESP); what follows AH is payload.  In the extension headers in front
 *     of AH (either direction, the outer header of tunnel mode included)
 *     the Option Data of every option whose type has bit 0x20 set (may
 *     change en route) is zeroed, type and length covered (RFC 4302
 *     §3.3.3.1.2.1), at most AH_MUTABLE_MAX bytes of it per packet; a
 *     routing header is covered as it is, so it must have no segments
 *     left (the final destination would be "mutable but predictable",
 *     §3.3.3.1.2.2, not computed).  Either is DROP_EXT_HDR otherwise, a
 *     fragment header in transport mode DROP_FRAGMENT, a malformed chain
 *     DROP_EXT_CHAIN.
 *   The ICV bytes are zeroed; the ICV padding (to 32 bits for IPv4, 64
 *     for IPv6: RFC 4302 §2.6, §3.3.3.2.1) is sent as zeros and covered as
 *     received, as Linux and scapy do.  AES-GMAC (RFC 4543 §5): the 8-byte
 *     IV sits between the sequence number and the ICV and is covered; the
 *     whole packet is AAD, nonce salt || IV.  ESN: the high 32 bits are
 *     appended after the packet for the ICV (RFC 4302 §3.3.3.3), in the
 *     mbuf's tailroom, never sent.
 *   intel-ipsec-mb MACs at most CRYPTO_MB_LEN_MAX bytes: a longer packet
 *     (with AH) is dropped as DROP_CRYPTO, either way.
 */

/*
 * Fill the AH fields of @p sa from @p prm: sizes (ah_len with the ICV
 * padding of the family), the outer header template (tunnel, protocol
 * 51), the sequence number limit, the lifetime (soft and hard, in packets
 * and bytes) and the IV counter.  spi, id, owner, proto and crypto are the
 * caller's.  Control core, before the record is published.  Returns 0 or
 * -EINVAL (encap: AH has no NAT-T; a soft limit above its hard one).
 */
int ah_outbound_sa_init(struct sa_rt_out *sa, const struct esp_sa_prm *prm);

/*
 * Fill the AH fields of @p sa from @p prm: the SAD key (protocol 51,
 * family, our address), the expected peer, the sizes and the lifetime.
 * key.spi, id, owner, ar and crypto are the caller's.  Control core,
 * before the record is published.  Returns 0 or -EINVAL.
 */
int ah_inbound_sa_init(struct sa_rt_in *sa, const struct esp_sa_prm *prm);

/*
 * Protect @p n packets, m[i] with sa[i] (proto SA_PROTO_AH).  On entry
 * each mbuf (one segment) starts at the IP header of the packet to
 * protect, no L2.  On return the first (returned count) entries of @p m
 * are the protected packets, in their original order, each starting at
 * the outer IP header (tunnel: DSCP/ECN copied from the inner packet, TTL
 * / hop limit 64, IPv4 identification = low 16 bits of the sequence
 * number) or at its own IP header (transport), followed by AH: lengths,
 * protocol / next header 51 and IPv4 checksum final.  Every other packet
 * has gone to worker_drop() with its reason.  Transport mode drops IPv4
 * and IPv6 fragments (DROP_FRAGMENT).  Lifetimes and sequence numbers as ESP's
 * (esp_outbound_burst(), fastpath/lifetime.h): DROP_SA_EXPIRED,
 * DROP_SEQ_EXHAUSTED, EV_SA_LIFETIME.  Needs headroom for the outer header (tunnel)
 * and AH, and with ESN 4 bytes of tailroom (not appended).  Owner: the
 * worker lcore that owns every sa[i] (others: DROP_NOT_OWNER).  Never
 * blocks, allocates, locks or logs.
 */
uint16_t ah_outbound_burst(struct worker *w, struct rte_mbuf **m, struct sa_rt_out **sa,
    uint16_t n);

/*
 * ah_outbound_burst() in two halves, as esp_outbound_submit() and
 * esp_outbound_done() split ESP's (fastpath/esp_outbound.h): at most
 * BURST_MAX packets into as many free slots of w->cq.
 */
uint16_t ah_outbound_submit(struct worker *w, struct rte_mbuf **m, struct sa_rt_out **sa,
    uint16_t n);
uint16_t ah_outbound_done(struct worker *w, struct cq_slot *const *s, uint16_t n,
    struct rte_mbuf **out);

/*
 * Verify and strip AH from @p n packets.  On entry each mbuf (one
 * segment) starts at the outer IP header of a packet addressed to us, not
 * a fragment, whose protocol (IPv4) or next header after the fixed
 * header and any hop-by-hop, routing and destination options headers
 * (IPv6) is AH (51).  On return the first (returned count) entries of @p m are
 * the good packets in their original order and sa_out[i] is the SA that
 * authenticated m[i], for the inbound policy check (RFC 4301 §5.2).
 * Tunnel mode: the mbuf starts at the inner IP header, trimmed to the
 * inner packet's length, its ECN updated from the outer one (RFC 6040
 * §4.2).  Transport mode: the packet's IP header (mutable fields as
 * received; IPv6: with the extension headers that were in front of AH)
 * with protocol / next header and length restored, checksum
 * recomputed, followed by the payload.  Every other packet has gone to
 * worker_drop() with its reason (past the hard lifetime, DROP_SA_EXPIRED;
 * lifetimes as for ESP, fastpath/lifetime.h).  With ESN the ICV check writes 4 bytes
 * into the tailroom (DROP_NO_ROOM without it).  Owner: the worker lcore
 * of every SA involved (others: DROP_NOT_OWNER).  Never blocks,
 * allocates, locks or logs.
 */
uint16_t ah_inbound_burst(struct worker *w, struct rte_mbuf **m, struct sa_rt_in **sa_out,
    uint16_t n);

/*
 * ah_inbound_burst() in two halves, as esp_inbound_submit() and
 * esp_inbound_done() split ESP's (fastpath/esp_inbound.h).
 */
uint16_t ah_inbound_submit(struct worker *w, struct rte_mbuf **m, uint16_t n);
uint16_t ah_inbound_done(struct worker *w, struct cq_slot *const *s, uint16_t n,
    struct rte_mbuf **out, struct sa_rt_in **sa_out);

#endif
