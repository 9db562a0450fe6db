/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/pmtu.c: outbound SAs' path MTU from ICMP errors about their packets (RFC 4301 §8.2.1). */
#include <string.h>

#include <rte_cycles.h>
#include <rte_udp.h>

#include "common/limits.h"
#include "fastpath/ip6ext.h"
#include "fastpath/pkt.h"
#include "fastpath/pmtu.h"
#include "fastpath/port.h"

#define ICMP_HDR_LEN 8    /* type, code, checksum, 4 bytes of type-specific data */
#define NATT_PORT    4500 /* RFC 3948 §2.2 */

/* Per-worker budget of examined errors: PMTU_RATE a second.  Owner: that worker. */
static struct {
	uint64_t second; /* TSC of the current second's start */
	uint32_t used;
} __rte_cache_aligned budget[WORKERS_MAX];

static bool
take_budget(const struct worker *w)
{
	uint64_t now = rte_get_tsc_cycles(), hz = rte_get_tsc_hz();

	if (now - budget[w->index].second >= hz) {
		budget[w->index].second = now;
		budget[w->index].used = 0;
	}
	if (budget[w->index].used >= PMTU_RATE)
		return false;
	budget[w->index].used++;
	return true;
}

/*
 * The SPI of the quoted packet (@p proto after the quoted IP header, @p l4
 * with @p len bytes of it): ESP, AH, or ESP in UDP 4500 (a zero SPI there
 * is IKE, RFC 3948 §2.2).  0 when it is none of these or too short.
 */
static uint32_t
quoted_spi(uint8_t proto, const uint8_t *l4, uint32_t len, uint8_t *kind, bool *encap)
{
	uint32_t spi = 0;

	*encap = false;
	if (proto == IPPROTO_ESP && len >= 4) {
		memcpy(&spi, l4, 4);
		*kind = SA_PROTO_ESP;
	} else if (proto == IPPROTO_AH && len >= 8) {
		memcpy(&spi, l4 + 4, 4);
		*kind = SA_PROTO_AH;
	} else if (proto == IPPROTO_UDP && len >= sizeof(struct rte_udp_hdr) + 4 &&
	    ((const struct rte_udp_hdr *)l4)->dst_port == RTE_BE16(NATT_PORT)) {
		memcpy(&spi, l4 + sizeof(struct rte_udp_hdr), 4);
		*kind = SA_PROTO_ESP;
		*encap = true;
	}
	return spi;
}

/*
 * Lower the path MTU of every outbound SA (on this worker's view of the
 * table: the records are shared) with that SPI, protocol, encapsulation,
 * outer family and, in tunnel mode, peer address @p dst.  Returns how many.
 */
static unsigned int
apply(struct worker *w, uint32_t spi, uint8_t kind, bool encap, uint8_t family, const uint8_t *dst,
    uint32_t mtu)
{
	uint64_t now = rte_get_tsc_cycles();
	unsigned int i, n = 0;

	for (i = 0; i < SA_MAX; i++) {
		struct sa_rt_out *sa = w->sa_out[i];
		const uint8_t *peer;
		uint16_t cur;

		if (sa == NULL || sa->spi != spi || sa->proto != kind || sa->encap != encap ||
		    sa->family != family)
			continue;
		if (sa->mode == SA_MODE_TUNNEL) {
			peer = family == 4 ? sa->hdr + offsetof(struct rte_ipv4_hdr, dst_addr) :
			                     sa->hdr + offsetof(struct rte_ipv6_hdr, dst_addr);
			if (memcmp(peer, dst, family == 4 ? 4 : 16) != 0)
				continue;
		}
		n++;
		cur = __atomic_load_n(&sa->pmtu, __ATOMIC_RELAXED);
		if ((sa->mtu != 0 && mtu >= sa->mtu) || (cur != 0 && mtu >= cur))
			continue; /* only ever lowered: a larger path MTU comes back by aging */
		__atomic_store_n(&sa->pmtu_tsc, now, __ATOMIC_RELAXED);
		__atomic_store_n(&sa->pmtu, (uint16_t)mtu, __ATOMIC_RELAXED);
	}
	return n;
}

enum drop_reason
pmtu_icmp_v4(struct worker *w, const struct rte_ipv4_hdr *ip, const uint8_t *icmp,
    uint32_t icmp_len)
{
	const struct rte_ipv4_hdr *q;
	uint32_t qihl, mtu, spi;
	uint8_t kind;
	bool encap;

	(void)ip;
	if (icmp_len < ICMP_HDR_LEN + sizeof(*q) || rte_raw_cksum(icmp, icmp_len) != 0xffff)
		return DROP_LOCAL_PROTO;
	q = (const struct rte_ipv4_hdr *)(icmp + ICMP_HDR_LEN);
	qihl = rte_ipv4_hdr_len(q);
	if ((q->version_ihl >> 4) != 4 || qihl < sizeof(*q) || icmp_len < ICMP_HDR_LEN + qihl ||
	    !port_is_local_v4(q->src_addr))
		return DROP_LOCAL_PROTO;
	mtu = (uint32_t)icmp[6] << 8 | icmp[7]; /* RFC 1191 §4: the next-hop MTU */
	if (mtu == 0)
		return DROP_LOCAL_PROTO; /* a pre-RFC 1191 router: no MTU to learn */
	spi = quoted_spi(q->next_proto_id, (const uint8_t *)q + qihl,
	    icmp_len - ICMP_HDR_LEN - qihl, &kind, &encap);
	if (spi == 0 || !take_budget(w))
		return DROP_LOCAL_PROTO;
	if (apply(w, spi, kind, encap, 4, (const uint8_t *)&q->dst_addr,
	        RTE_MAX(mtu, (uint32_t)PMTU_MIN_V4)) == 0)
		return DROP_LOCAL_PROTO;
	counter_add(&w->stats.pmtu_learned, 1);
	return DROP_CONSUMED;
}

enum drop_reason
pmtu_icmp_v6(struct worker *w, const struct rte_ipv6_hdr *ip6, const uint8_t *icmp,
    uint32_t icmp_len)
{
	const struct rte_ipv6_hdr *q;
	uint32_t mtu, spi, qlen, off = sizeof(*q);
	struct ip6ext x;
	uint8_t kind, proto;
	bool encap;

	if (icmp_len < ICMP_HDR_LEN + sizeof(*q) || !pkt_ipv6_l4_cksum_ok(ip6, icmp))
		return DROP_LOCAL_PROTO;
	q = (const struct rte_ipv6_hdr *)(icmp + ICMP_HDR_LEN);
	if ((rte_be_to_cpu_32(q->vtc_flow) >> 28) != 6 || !port_is_local_v6(q->src_addr))
		return DROP_LOCAL_PROTO;
	mtu = (uint32_t)icmp[4] << 24 | (uint32_t)icmp[5] << 16 | (uint32_t)icmp[6] << 8 | icmp[7];
	qlen = icmp_len - ICMP_HDR_LEN;
	proto = q->proto;
	/*
	 * Transport mode keeps a packet's extension headers in front of our
	 * ESP or AH; a packet we fragmented (forward.c) has a Fragment header
	 * there, and only its first fragment holds the SPI.
	 */
	if (unlikely(ip6ext_is(proto))) {
		if (ip6ext_walk((const uint8_t *)q,
		        RTE_MIN(qlen, (uint32_t)sizeof(*q) + rte_be_to_cpu_16(q->payload_len)), 0,
		        &x) != DROP_NONE)
			return DROP_LOCAL_PROTO;
		proto = x.proto;
		off = x.off;
		if (proto == IPPROTO_FRAGMENT) {
			const struct rte_ipv6_fragment_ext *fh =
			    (const struct rte_ipv6_fragment_ext *)((const uint8_t *)q + off);

			if (qlen < off + sizeof(*fh) ||
			    (rte_be_to_cpu_16(fh->frag_data) & RTE_IPV6_EHDR_FO_MASK) != 0)
				return DROP_LOCAL_PROTO;
			proto = fh->next_header;
			off += (uint32_t)sizeof(*fh);
		}
	}
	if (qlen < off)
		return DROP_LOCAL_PROTO;
	spi = quoted_spi(proto, (const uint8_t *)q + off, qlen - off, &kind, &encap);
	if (spi == 0 || !take_budget(w))
		return DROP_LOCAL_PROTO;
	if (apply(w, spi, kind, encap, 6, q->dst_addr,
	        RTE_MIN(RTE_MAX(mtu, (uint32_t)PMTU_MIN_V6), (uint32_t)UINT16_MAX)) == 0)
		return DROP_LOCAL_PROTO;
	counter_add(&w->stats.pmtu_learned, 1);
	return DROP_CONSUMED;
}
