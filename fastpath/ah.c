/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/ah.c: AH protection and verification of a burst, tunnel and transport, with ESN. */
#include <errno.h>
#include <string.h>

#include <netinet/in.h>
#include <rte_byteorder.h>
#include <rte_ip.h>

#include "common/counters.h"
#include "common/limits.h"
#include "fastpath/ah.h"
#include "fastpath/antireplay.h"
#include "fastpath/crypto_mb.h"
#include "fastpath/ip6ext.h"
#include "fastpath/lifetime.h"
#include "fastpath/pkt.h"
#include "fastpath/sad.h"

/*
 * On the wire (RFC 4302 §2, §3.1; RFC 4543 §5 for the IV):
 *
 *   tunnel:    [outer IP][nh|len|rsv|SPI|seq][IV]?[ICV][pad][inner IP packet]
 *   transport: [IP hdr  ][nh|len|rsv|SPI|seq][IV]?[ICV][pad][payload]
 *
 * An IPv6 "IP hdr" (and a received "outer IP") may end in extension
 * headers; in transport mode they are the ones fastpath/ip6ext.h keeps in
 * front, as ESP's.
 *
 * The ICV covers the whole packet with the mutable IP fields and the ICV
 * zeroed (see ah.h), then with ESN seq_hi.  The mutable fields are saved,
 * zeroed in place for the one crypto_mb_run() of the burst, and written
 * back afterwards: nothing is copied.
 */

#define V4_TOS   1
#define V4_FRAG  6 /* flags + fragment offset, 2 bytes */
#define V4_TTL   8
#define V4_PROTO 9
#define V4_CSUM  10
#define V6_NH    6
#define V6_HLIM  7

#define V4_OPT_MAX 40 /* bytes of IPv4 options: IHL 15 */
#define MUT_MAX    (AH_MUTABLE_MAX > V4_OPT_MAX ? AH_MUTABLE_MAX : V4_OPT_MAX)

/* The IP fields RFC 4302 §3.3.3.1 calls mutable, as they were on the packet. */
struct mut_fields {
	uint8_t b0_3[4]; /* IPv4: byte 1 is TOS; IPv6: version, class, flow label */
	uint8_t frag[2]; /* IPv4 */
	uint8_t ttl;     /* TTL / hop limit */
	uint8_t opt_len; /* bytes saved in opt: IPv4 options; IPv6 mutable option data */
	uint16_t front;  /* IPv6: bytes in front of AH, extension headers included */
	uint8_t opt[MUT_MAX];
};

/* One outbound packet between the two halves. */
struct out_pkt {
	struct rte_mbuf *m;
	struct sa_rt_out *sa;
	uint64_t seq;     /* its sequence number */
	uint64_t packets; /* the SA's packet count with this packet (activity event) */
	struct mut_fields mut;
};

/* One inbound packet between the passes. */
struct in_pkt {
	struct rte_mbuf *m;
	struct sa_rt_in *sa;
	uint64_t seq;    /* full sequence number (ESN: inferred high half) */
	uint16_t l3_len; /* outer IP header, IPv6 extension headers included */
	uint16_t nh_off; /* IPv6: the next header byte naming AH */
	struct mut_fields mut;
	uint8_t icv[CRYPTO_MB_ICV_MAX] __rte_aligned(16); /* the received ICV */
};

/* AH header, IV and ICV padded to 32 bits (IPv4) or 64 bits (IPv6): RFC 4302 §2.6. */
static uint8_t
ah_size(uint8_t family, uint8_t iv_len, uint8_t icv_len)
{
	return (uint8_t)RTE_ALIGN_CEIL(AH_HDR_LEN + iv_len + icv_len, family == 4 ? 4u : 8u);
}

static int
prm_ok(const struct esp_sa_prm *prm)
{
	const struct alg_proposal *p = prm->prop;

	if ((prm->family != 4 && prm->family != 6) || prm->encap || p->icv_len < 4 ||
	    p->icv_len > CRYPTO_MB_ICV_MAX || (p->iv_len != 0 && p->iv_len != 8))
		return -EINVAL;
	return 0;
}

int
ah_outbound_sa_init(struct sa_rt_out *sa, const struct esp_sa_prm *prm)
{
	const struct alg_proposal *p = prm->prop;
	struct rte_ipv4_hdr *ip4 = (struct rte_ipv4_hdr *)sa->hdr;
	struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)sa->hdr;

	if (prm_ok(prm) != 0)
		return -EINVAL;
	sa->mode = prm->mode;
	sa->esn = prm->esn;
	sa->family = prm->family;
	sa->encap = 0;
	sa->iv_len = p->iv_len;
	sa->icv_len = p->icv_len;
	sa->block_len = 4;
	sa->ah_len = ah_size(prm->family, p->iv_len, p->icv_len);
	sa->seq = 0;
	sa->seq_max = prm->esn ? UINT64_MAX : UINT32_MAX;
	sa->iv_ctr = 1;
	if (lifetime_init(&sa->lt, prm->soft_packets, prm->hard_packets, prm->soft_bytes,
	        prm->hard_bytes) != 0)
		return -EINVAL;
	sa->encap_sport = 0;
	sa->encap_dport = 0;
	memset(sa->hdr, 0, sizeof(sa->hdr));
	sa->hdr_len = 0;
	if (prm->mode == SA_MODE_TUNNEL && prm->family == 4) {
		ip4->version_ihl = 0x45;
		ip4->time_to_live = ESP_TTL;
		ip4->next_proto_id = IPPROTO_AH;
		memcpy(&ip4->src_addr, prm->local, 4);
		memcpy(&ip4->dst_addr, prm->remote, 4);
		sa->hdr_len = sizeof(*ip4);
	} else if (prm->mode == SA_MODE_TUNNEL) {
		ip6->vtc_flow = rte_cpu_to_be_32(6u << 28);
		ip6->hop_limits = ESP_TTL;
		ip6->proto = IPPROTO_AH;
		memcpy(ip6->src_addr, prm->local, 16);
		memcpy(ip6->dst_addr, prm->remote, 16);
		sa->hdr_len = sizeof(*ip6);
	}
	sa->fixed = (uint16_t)(sa->hdr_len + sa->ah_len);
	return 0;
}

int
ah_inbound_sa_init(struct sa_rt_in *sa, const struct esp_sa_prm *prm)
{
	const struct alg_proposal *p = prm->prop;
	size_t alen = prm->family == 4 ? 4 : 16;

	if (prm_ok(prm) != 0)
		return -EINVAL;
	sa->key.proto = IPPROTO_AH;
	sa->key.family = prm->family;
	sa->key.pad = 0;
	memset(sa->key.dst, 0, sizeof(sa->key.dst));
	memcpy(sa->key.dst, prm->local, alen);
	memset(sa->peer, 0, sizeof(sa->peer));
	memcpy(sa->peer, prm->remote, alen);
	sa->mode = prm->mode;
	sa->esn = prm->esn;
	sa->encap = 0;
	sa->iv_len = p->iv_len;
	sa->icv_len = p->icv_len;
	sa->block_len = 1;
	sa->ah_len = ah_size(prm->family, p->iv_len, p->icv_len);
	sa->encap_sport = 0;
	sa->encap_dport = 0;
	return lifetime_init(&sa->lt, prm->soft_packets, prm->hard_packets, prm->soft_bytes,
	    prm->hard_bytes);
}

/*
 * RFC 4302 Appendix A.1: the IPv4 options that are immutable (EOL, NOP,
 * Security, Extended Security, Commercial Security, Router Alert, Sender
 * Directed Multi-Destination Delivery).  Every other option is mutable and
 * zeroed whole, type and length included, for the ICV.
 */
static inline bool
opt_immutable(uint8_t type)
{
	return type == 0 || type == 1 || type == 130 || type == 133 || type == 134 || type == 148 ||
	    type == 149;
}

/*
 * The options of an IPv4 header of @p l3 bytes: well formed (DROP_BAD_IP
 * otherwise), and no loose or strict source route (DROP_IP_OPTIONS): with
 * them the destination address is "mutable but predictable" (RFC 4302
 * §3.3.3.1.1.1), which we do not compute.  After EOL comes padding.
 */
static enum drop_reason
opts_check(const uint8_t *b, uint32_t l3)
{
	uint32_t i = sizeof(struct rte_ipv4_hdr), len;

	while (i < l3 && b[i] != 0) {
		if (b[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= l3)
			return DROP_BAD_IP;
		len = b[i + 1];
		if (len < 2 || i + len > l3)
			return DROP_BAD_IP;
		if (b[i] == 131 || b[i] == 137)
			return DROP_IP_OPTIONS;
		i += len;
	}
	return DROP_NONE;
}

/* Zero the mutable options of a header that passed opts_check(). */
static void
opts_zero(uint8_t *b, uint32_t l3)
{
	uint32_t i = sizeof(struct rte_ipv4_hdr), len;

	while (i < l3 && b[i] != 0) {
		if (b[i] == 1) {
			i++;
			continue;
		}
		len = b[i + 1];
		if (!opt_immutable(b[i]))
			memset(b + i, 0, len);
		i += len;
	}
}

/*
 * Save the mutable fields of the IP header at @p b into @p mu and zero
 * them (RFC 4302 §3.3.3.1).  IPv6: mu->opt_len and mu->front set before
 * (ext_v6()), for the options of the extension headers in front of AH.
 */
static inline void
mutable_zero(uint8_t *b, struct mut_fields *mu)
{
	uint32_t l3;

	memcpy(mu->b0_3, b, 4);
	if (b[0] >> 4 == 4) {
		memcpy(mu->frag, b + V4_FRAG, 2);
		mu->ttl = b[V4_TTL];
		b[V4_TOS] = 0;
		memset(b + V4_FRAG, 0, 2);
		b[V4_TTL] = 0;
		memset(b + V4_CSUM, 0, 2);
		l3 = (b[0] & 0xfu) * 4;
		mu->opt_len = (uint8_t)(l3 - sizeof(struct rte_ipv4_hdr));
		if (unlikely(mu->opt_len != 0)) {
			memcpy(mu->opt, b + sizeof(struct rte_ipv4_hdr), mu->opt_len);
			opts_zero(b, l3);
		}
	} else {
		mu->ttl = b[V6_HLIM];
		b[0] &= 0xf0;
		b[1] = 0;
		b[2] = 0;
		b[3] = 0;
		b[V6_HLIM] = 0;
		if (unlikely(mu->opt_len != 0))
			ip6ext_mutable_zero(b, mu->front, mu->opt);
	}
}

/* Put the saved mutable fields back; IPv4: a fresh header checksum. */
static inline void
mutable_restore(uint8_t *b, const struct mut_fields *mu)
{
	struct rte_ipv4_hdr *ip4 = (struct rte_ipv4_hdr *)b;

	if (b[0] >> 4 == 4) {
		b[V4_TOS] = mu->b0_3[1];
		memcpy(b + V4_FRAG, mu->frag, 2);
		b[V4_TTL] = mu->ttl;
		if (unlikely(mu->opt_len != 0))
			memcpy(b + sizeof(struct rte_ipv4_hdr), mu->opt, mu->opt_len);
		ip4->hdr_checksum = 0;
		ip4->hdr_checksum = rte_ipv4_cksum(ip4);
	} else {
		memcpy(b, mu->b0_3, 4);
		b[V6_HLIM] = mu->ttl;
		if (unlikely(mu->opt_len != 0))
			ip6ext_mutable_restore(b, mu->front, mu->opt);
	}
}

/* The op of one packet: the ICV over buf[0 .. len) and, with ESN, seq_hi after it. */
static inline void
op_fill(struct crypto_mb_op *op, const struct crypto_mb_sa *cs, uint8_t *b, uint32_t len,
    uint8_t *ah, uint8_t iv_len, bool esn, uint64_t seq, void *user)
{
	uint32_t hi;

	crypto_mb_op_clear(op);
	op->sa = cs;
	op->buf = b;
	op->auth_off = 0;
	op->auth_len = len;
	op->iv = iv_len != 0 ? ah + AH_HDR_LEN : NULL;
	op->icv = ah + AH_HDR_LEN + iv_len;
	op->user = user;
	if (esn) {
		/* RFC 4302 §3.3.3.3: the high half is appended for the ICV, never sent. */
		hi = rte_cpu_to_be_32((uint32_t)(seq >> 32));
		memcpy(b + len, &hi, 4);
		op->auth_len += 4;
	}
}

/*
 * IPv6 extension headers (@p tot bytes at @p b): @p flags as for
 * ip6ext_walk(), with IP6EXT_F_RT0 always: a routing header with
 * segments left would make the destination address "mutable but
 * predictable" (RFC 4302 §3.3.3.1.2.2), which we do not compute
 * (DROP_EXT_HDR, as IPv4 source routes are DROP_IP_OPTIONS).  More
 * mutable option data than AH_MUTABLE_MAX: DROP_EXT_HDR.  Fills where AH
 * goes (@p l3), the byte naming it (@p nh_off) and what @p mu needs.
 */
static __rte_noinline enum drop_reason
ext_v6(const uint8_t *b, uint32_t tot, unsigned int flags, uint16_t *l3, uint16_t *nh_off,
    struct mut_fields *mu, uint8_t *proto)
{
	struct ip6ext x;
	enum drop_reason why;

	why = ip6ext_walk(b, tot, flags | IP6EXT_F_RT0, &x);
	if (why != DROP_NONE)
		return why;
	if (x.proto == IP6EXT_FRAGMENT)
		return DROP_FRAGMENT;
	if (x.mut > AH_MUTABLE_MAX)
		return DROP_EXT_HDR;
	*l3 = (uint16_t)x.off;
	*nh_off = (uint16_t)x.nh_off;
	*proto = x.proto;
	mu->front = (uint16_t)x.off;
	mu->opt_len = (uint8_t)x.mut;
	return DROP_NONE;
}

/* Insert AH in @p p's packet and prepare its op; nothing is changed when it fails. */
static enum drop_reason
out_prepare(struct worker *w, struct out_pkt *p, struct crypto_mb_op *op)
{
	struct rte_mbuf *m = p->m;
	struct sa_rt_out *sa = p->sa;
	uint8_t *b = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m);
	uint32_t tot, front, ntot, be;
	uint16_t l3, nh_off = V6_NH;
	uint8_t *ah, tc, nh;
	uint64_t seq, ctr;
	enum drop_reason why;

	if (unlikely(sa->owner != w->index))
		return DROP_NOT_OWNER;
	if (unlikely(!rte_pktmbuf_is_contiguous(m)))
		return DROP_NO_ROOM;
	p->mut.opt_len = 0; /* IPv6 with mutable options in front of AH: ext_v6() */
	if (len >= sizeof(struct rte_ipv4_hdr) && b[0] >> 4 == 4) {
		l3 = (uint16_t)((b[0] & 0xf) * 4);
		tot = rte_be_to_cpu_16(((struct rte_ipv4_hdr *)b)->total_length);
		if (l3 < sizeof(struct rte_ipv4_hdr) || tot < l3 || tot > len)
			return DROP_BAD_IP;
		tc = b[V4_TOS];
		nh = sa->mode == SA_MODE_TUNNEL ? ESP_NH_IPV4 : b[V4_PROTO];
	} else if (len >= sizeof(struct rte_ipv6_hdr) && b[0] >> 4 == 6) {
		l3 = sizeof(struct rte_ipv6_hdr);
		tot = l3 + rte_be_to_cpu_16(((struct rte_ipv6_hdr *)b)->payload_len);
		if (tot > len)
			return DROP_BAD_IP;
		tc = (uint8_t)(b[0] << 4 | b[1] >> 4);
		nh = sa->mode == SA_MODE_TUNNEL ? ESP_NH_IPV6 : b[V6_NH];
		if (unlikely(sa->mode == SA_MODE_TRANSPORT && ip6ext_is(nh)) &&
		    (why = ext_v6(b, tot, IP6EXT_F_SPLIT, &l3, &nh_off, &p->mut, &nh)) != DROP_NONE)
			return why;
	} else {
		return DROP_BAD_IP;
	}
	if (sa->mode == SA_MODE_TRANSPORT) {
		if (b[0] >> 4 != sa->family)
			return DROP_BAD_IP;
		if (sa->family == 4 && (why = opts_check(b, l3)) != DROP_NONE)
			return why;
		/* RFC 4302 §3.3: transport mode applies to whole packets only. */
		if (sa->family == 4 && pkt_ipv4_is_fragment((const struct rte_ipv4_hdr *)b))
			return DROP_FRAGMENT;
	}
	/* RFC 4301 §4.4.2.1 hard lifetime; RFC 4302 §3.3.2: without ESN the counter must not cycle. */
	why = lifetime_out_check(w, sa, EV_SA_F_OUTBOUND | EV_SA_F_AH);
	if (unlikely(why != DROP_NONE))
		return why;
	front = sa->ah_len + (sa->mode == SA_MODE_TUNNEL ? sa->hdr_len : 0);
	ntot = tot + front;
	if (unlikely(rte_pktmbuf_headroom(m) < front ||
	        rte_pktmbuf_tailroom(m) + (len - tot) < (sa->esn ? 4u : 0u) || ntot > UINT16_MAX))
		return DROP_NO_ROOM;

	/* From here on the packet is committed. */
	pkt_trim(m, tot);
	seq = ++sa->seq;
	lifetime_out_count(w, sa, tot, EV_SA_F_OUTBOUND | EV_SA_F_AH);
	p->seq = seq;
	p->packets = sa->cnt.packets;
	b = (uint8_t *)rte_pktmbuf_prepend(m, (uint16_t)front);
	if (sa->mode == SA_MODE_TRANSPORT) {
		memmove(b, b + front, l3);
	} else {
		memcpy(b, sa->hdr, sa->hdr_len);
		l3 = sa->hdr_len;
		if (sa->family == 4) {
			/* DSCP and ECN copied: RFC 2983 uniform DSCP, RFC 6040 §4.1 normal mode. */
			b[V4_TOS] = tc;
			((struct rte_ipv4_hdr *)b)->packet_id = rte_cpu_to_be_16((uint16_t)seq);
		} else {
			be = rte_cpu_to_be_32(6u << 28 | (uint32_t)tc << 20);
			memcpy(b, &be, 4);
		}
	}
	if (sa->family == 4) {
		((struct rte_ipv4_hdr *)b)->total_length = rte_cpu_to_be_16((uint16_t)ntot);
		b[V4_PROTO] = IPPROTO_AH;
	} else {
		((struct rte_ipv6_hdr *)b)->payload_len =
		    rte_cpu_to_be_16((uint16_t)(ntot - sizeof(struct rte_ipv6_hdr)));
		b[nh_off] = IPPROTO_AH;
		p->mut.front = l3;
	}
	mutable_zero(b, &p->mut);

	ah = b + l3;
	ah[0] = nh;
	ah[1] = (uint8_t)(sa->ah_len / 4 - 2); /* RFC 4302 §2.2: 32-bit words minus 2 */
	ah[2] = 0;
	ah[3] = 0;
	memcpy(ah + 4, &sa->spi, 4);
	be = rte_cpu_to_be_32((uint32_t)seq);
	memcpy(ah + 8, &be, 4);
	if (sa->iv_len != 0) {
		/* RFC 4543 §3.1: the GMAC IV must only be unique: a counter. */
		ctr = rte_cpu_to_be_64(sa->iv_ctr++);
		memcpy(ah + AH_HDR_LEN, &ctr, 8);
	}
	memset(ah + AH_HDR_LEN + sa->iv_len, 0, sa->ah_len - AH_HDR_LEN - sa->iv_len);
	op_fill(op, &sa->crypto, b, ntot, ah, sa->iv_len, sa->esn, seq, m);
	return DROP_NONE;
}

/* After crypto: the mutable fields back and the activity report; false: dropped. */
static inline bool
out_finish(struct worker *w, const struct out_pkt *p, int16_t status)
{
	if (unlikely(status != 0)) {
		counter_add(&p->sa->cnt.drops, 1);
		worker_drop(w, p->m, DROP_CRYPTO);
		return false;
	}
	mutable_restore(rte_pktmbuf_mtod(p->m, uint8_t *), &p->mut);
	/* Counted when committed (out_prepare()); reported once it is protected. */
	worker_sa_activity(w, p->sa->id, p->sa->spi, p->seq, p->packets,
	    EV_SA_F_OUTBOUND | EV_SA_F_AH);
	return true;
}

/* out_prepare() of m[i] with sa[i] into @p p / @p op; false: dropped (and counted). */
static inline bool
out_ready(struct worker *w, struct rte_mbuf *m, struct sa_rt_out *sa, struct out_pkt *p,
    struct crypto_mb_op *op)
{
	enum drop_reason why;

	p->m = m;
	p->sa = sa;
	why = out_prepare(w, p, op);
	if (likely(why == DROP_NONE))
		return true;
	/* Another worker's SA: its counters are not ours to write. */
	if (why != DROP_NOT_OWNER)
		counter_add(&sa->cnt.drops, 1);
	worker_drop(w, m, why);
	return false;
}

/* Up to BURST_MAX packets: prepare all, one crypto_mb_run(), finish; good ones to @p out. */
static uint16_t
out_chunk(struct worker *w, struct rte_mbuf **m, struct sa_rt_out **sa, uint16_t n,
    struct rte_mbuf **out)
{
	struct out_pkt pkts[BURST_MAX];
	struct crypto_mb_op ops[BURST_MAX];
	uint16_t i, k, good;

	for (i = 0, k = 0; i < n; i++)
		k += out_ready(w, m[i], sa[i], &pkts[k], &ops[k]);
	crypto_mb_run(w->mb, ops, k);
	for (i = 0, good = 0; i < k; i++)
		if (out_finish(w, &pkts[i], ops[i].status))
			out[good++] = pkts[i].m;
	return good;
}

uint16_t
ah_outbound_burst(struct worker *w, struct rte_mbuf **m, struct sa_rt_out **sa, uint16_t n)
{
	uint16_t done, c, good = 0;

	for (done = 0; done < n; done += c) {
		c = (uint16_t)RTE_MIN(n - done, BURST_MAX);
		good += out_chunk(w, m + done, sa + done, c, m + good);
	}
	return good;
}

/* The outer header: lengths, then the SAD key.  The mbuf is trimmed to the IP length. */
static enum drop_reason
in_parse(struct in_pkt *p, struct sa_key *key)
{
	struct rte_mbuf *m = p->m;
	uint8_t *b = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m);
	uint32_t tot, off;
	enum drop_reason why;
	uint16_t l3;
	uint8_t proto;

	if (unlikely(!rte_pktmbuf_is_contiguous(m)))
		return DROP_NO_ROOM;
	memset(key, 0, sizeof(*key));
	if (len >= sizeof(struct rte_ipv4_hdr) && b[0] >> 4 == 4) {
		off = (b[0] & 0xf) * 4u;
		tot = rte_be_to_cpu_16(((struct rte_ipv4_hdr *)b)->total_length);
		if (off < sizeof(struct rte_ipv4_hdr) || tot < off || tot > len)
			return DROP_RUNT;
		if (off != sizeof(struct rte_ipv4_hdr) && (why = opts_check(b, off)) != DROP_NONE)
			return why;
		proto = b[V4_PROTO];
		key->family = 4;
		memcpy(key->dst, b + 16, 4);
	} else if (len >= sizeof(struct rte_ipv6_hdr) && b[0] >> 4 == 6) {
		off = sizeof(struct rte_ipv6_hdr);
		tot = off + rte_be_to_cpu_16(((struct rte_ipv6_hdr *)b)->payload_len);
		if (tot > len)
			return DROP_RUNT;
		proto = b[V6_NH];
		key->family = 6;
		memcpy(key->dst, b + 24, 16);
		p->nh_off = V6_NH;
		p->mut.opt_len = 0;
		if (unlikely(ip6ext_is(proto))) {
			/* We are the destination of what precedes AH (RFC 8200 §4). */
			why = ext_v6(b, tot, IP6EXT_F_DEST, &l3, &p->nh_off, &p->mut, &proto);
			if (why != DROP_NONE)
				return why;
			off = l3;
		}
		p->mut.front = (uint16_t)off;
	} else {
		return len < sizeof(struct rte_ipv4_hdr) ? DROP_RUNT : DROP_BAD_IP;
	}
	if (proto != IPPROTO_AH)
		return DROP_LOCAL_PROTO;
	pkt_trim(m, tot);
	p->l3_len = (uint16_t)off;
	if (tot < off + AH_HDR_LEN)
		return DROP_RUNT;
	memcpy(&key->spi, b + off + 4, 4);
	key->proto = IPPROTO_AH;
	return DROP_NONE;
}

/* antireplay_check() / _update() result to a drop reason. */
static inline enum drop_reason
replay_why(int rc)
{
	if (rc == 0)
		return DROP_NONE;
	if (rc == -EEXIST)
		return DROP_REPLAY;
	return rc == -ERANGE ? DROP_REPLAY_OLD : DROP_SEQ_ZERO;
}

/* The SA's checks before crypto (anti-replay: RFC 4302 §3.4.3), then the op. */
static enum drop_reason
in_prepare(struct worker *w, struct in_pkt *p, struct crypto_mb_op *op)
{
	struct sa_rt_in *sa = p->sa;
	uint8_t *b = rte_pktmbuf_mtod(p->m, uint8_t *);
	uint32_t tot = rte_pktmbuf_data_len(p->m);
	uint8_t *ah = b + p->l3_len, *icv;
	uint32_t be, src;
	enum drop_reason why;

	if (sa == NULL)
		return DROP_NO_SA;
	if (unlikely(sa->owner != w->index))
		return DROP_NOT_OWNER;
	/* RFC 4301 §4.4.2.1: past its hard lifetime the SA is terminated. */
	if (lifetime_in_stopped(sa))
		return DROP_SA_EXPIRED;
	src = sa->key.family == 4 ? 12 : 8;
	if (!addr_eq(b + src, sa->peer, sa->key.family))
		return DROP_PEER;
	if (tot < (uint32_t)p->l3_len + sa->ah_len)
		return DROP_RUNT;
	if ((ah[1] + 2u) * 4 != sa->ah_len)
		return DROP_AH_LEN;
	memcpy(&be, ah + 8, 4);
	why = replay_why(antireplay_check(&sa->ar, rte_be_to_cpu_32(be), &p->seq));
	if (why != DROP_NONE)
		return why;
	if (sa->esn && rte_pktmbuf_tailroom(p->m) < 4)
		return DROP_NO_ROOM;

	/* The received ICV moves aside; its field and the mutable fields are zeroed. */
	icv = ah + AH_HDR_LEN + sa->iv_len;
	memcpy(p->icv, icv, sa->icv_len);
	memset(icv, 0, sa->icv_len);
	mutable_zero(b, &p->mut);
	op_fill(op, &sa->crypto, b, tot, ah, sa->iv_len, sa->esn, p->seq, p->m);
	op->icv = p->icv;
	op->decrypt = 1;
	return DROP_NONE;
}

/* After the ICV verified: the mutable fields back, then the strip. */
static enum drop_reason
in_decap(struct in_pkt *p)
{
	struct sa_rt_in *sa = p->sa;
	struct rte_mbuf *m = p->m;
	uint8_t *b = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t off = (uint32_t)p->l3_len + sa->ah_len;
	uint32_t plen = rte_pktmbuf_data_len(m) - off, itot;
	uint8_t nh = b[p->l3_len], *in = b + off;
	uint8_t outer_ecn;
	enum drop_reason why;

	mutable_restore(b, &p->mut);
	if (sa->mode == SA_MODE_TUNNEL) {
		if (nh == ESP_NH_IPV4) {
			if (plen < sizeof(struct rte_ipv4_hdr) || in[0] >> 4 != 4)
				return DROP_PROTO;
			itot = rte_be_to_cpu_16(((struct rte_ipv4_hdr *)in)->total_length);
			if (itot < (in[0] & 0xfu) * 4 || (in[0] & 0xf) < 5)
				return DROP_BAD_IP;
		} else if (nh == ESP_NH_IPV6) {
			if (plen < sizeof(struct rte_ipv6_hdr) || in[0] >> 4 != 6)
				return DROP_PROTO;
			itot = sizeof(struct rte_ipv6_hdr) +
			    rte_be_to_cpu_16(((struct rte_ipv6_hdr *)in)->payload_len);
		} else {
			return DROP_PROTO;
		}
		if (itot > plen)
			return DROP_BAD_IP;
		outer_ecn = sa->key.family == 4 ? p->mut.b0_3[1] & 3 : (p->mut.b0_3[1] >> 4) & 3;
		why = pkt_ecn_decap(outer_ecn, in);
		if (why != DROP_NONE)
			return why;
		rte_pktmbuf_adj(m, (uint16_t)off);
		pkt_trim(m, itot);
		return DROP_NONE;
	}
	memmove(b + sa->ah_len, b, p->l3_len);
	b = (uint8_t *)rte_pktmbuf_adj(m, sa->ah_len);
	if (sa->key.family == 4) {
		struct rte_ipv4_hdr *ip4 = (struct rte_ipv4_hdr *)b;

		ip4->next_proto_id = nh;
		ip4->total_length = rte_cpu_to_be_16((uint16_t)(p->l3_len + plen));
		ip4->hdr_checksum = 0;
		ip4->hdr_checksum = rte_ipv4_cksum(ip4);
	} else {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)b;

		b[p->nh_off] = nh;
		ip6->payload_len = rte_cpu_to_be_16((uint16_t)(p->l3_len - sizeof(*ip6) + plen));
	}
	return DROP_NONE;
}

/* No SA for @p p's SPI and destination (@p key): drop and report it. */
static __rte_noinline void
in_no_sa(struct worker *w, const struct in_pkt *p, const struct sa_key *key)
{
	const uint8_t *b = rte_pktmbuf_mtod(p->m, const uint8_t *);
	uint32_t seq;

	memcpy(&seq, b + p->l3_len + 8, 4); /* in_parse() saw the whole AH header */
	worker_no_sa(w, p->m, key, b + (key->family == 4 ? 12 : 8), rte_be_to_cpu_32(seq));
}

/*
 * Parse @p n packets into @p pp, look their SAs up in one burst, then
 * in_prepare() each into @p ops; the ones that fail are dropped or handed
 * to their SA's owner.  Returns how many are ready, compacted at the
 * front of @p pp and @p ops.
 */
static uint16_t
in_ready(struct worker *w, struct rte_mbuf **m, uint16_t n, struct in_pkt *const *pp,
    struct crypto_mb_op *const *ops)
{
	struct sa_key keys[BURST_MAX];
	struct sa_rt_in *rts[BURST_MAX];
	enum drop_reason why;
	uint16_t i, k, j;

	for (i = 0, k = 0; i < n; i++) {
		pp[k]->m = m[i];
		why = in_parse(pp[k], &keys[k]);
		if (unlikely(why != DROP_NONE)) {
			worker_drop(w, m[i], why);
			continue;
		}
		k++;
	}
	if (k != 0)
		sad_lookup(w->sad, keys, rts, k);
	for (i = 0, j = 0; i < k; i++) {
		if (j != i)
			*pp[j] = *pp[i];
		pp[j]->sa = rts[i];
		why = in_prepare(w, pp[j], ops[j]);
		if (unlikely(why == DROP_NOT_OWNER)) {
			/* Untouched so far: the owner redoes it all (STYLE rule 14). */
			worker_handoff(w, pp[j]->m, rts[i]->owner, HANDOFF_AH_IN);
			continue;
		}
		if (unlikely(why == DROP_NO_SA)) {
			in_no_sa(w, pp[j], &keys[i]);
			continue;
		}
		if (unlikely(why != DROP_NONE)) {
			counter_add(&rts[i]->cnt.drops, 1);
			worker_drop(w, pp[j]->m, why);
			continue;
		}
		j++;
	}
	return j;
}

/* After crypto: the window, the strip and the counts; false: dropped. */
static bool
in_finish(struct worker *w, struct in_pkt *p, int16_t status)
{
	enum drop_reason why;

	if (unlikely(status != 0)) {
		counter_add(&p->sa->cnt.drops, 1);
		worker_drop(w, p->m, status == -EBADMSG ? DROP_ICV : DROP_CRYPTO);
		return false;
	}
	/*
	 * An earlier packet may have reached the hard limit.  Only an
	 * authenticated packet moves the window (RFC 4302 §3.4.3).
	 */
	if (lifetime_in_stopped(p->sa))
		why = DROP_SA_EXPIRED;
	else
		why = replay_why(antireplay_update(&p->sa->ar, p->seq));
	if (why == DROP_NONE)
		why = in_decap(p);
	if (unlikely(why != DROP_NONE)) {
		counter_add(&p->sa->cnt.drops, 1);
		worker_drop(w, p->m, why);
		return false;
	}
	lifetime_in_count(w, p->sa, p->seq, rte_pktmbuf_pkt_len(p->m), EV_SA_F_AH);
	worker_sa_activity(w, p->sa->id, p->sa->key.spi, p->seq, p->sa->cnt.packets, EV_SA_F_AH);
	return true;
}

/* Up to BURST_MAX packets; good ones to @p out / @p sa_out. */
static uint16_t
in_chunk(struct worker *w, struct rte_mbuf **m, uint16_t n, struct rte_mbuf **out,
    struct sa_rt_in **sa_out)
{
	struct in_pkt pkts[BURST_MAX], *pp[BURST_MAX];
	struct crypto_mb_op ops[BURST_MAX], *op[BURST_MAX];
	uint16_t i, j, good;

	for (i = 0; i < n; i++) {
		pp[i] = &pkts[i];
		op[i] = &ops[i];
	}
	j = in_ready(w, m, n, pp, op);
	crypto_mb_run(w->mb, ops, j);
	for (i = 0, good = 0; i < j; i++) {
		if (!in_finish(w, &pkts[i], ops[i].status))
			continue;
		sa_out[good] = pkts[i].sa;
		out[good++] = pkts[i].m;
	}
	return good;
}

uint16_t
ah_inbound_burst(struct worker *w, struct rte_mbuf **m, struct sa_rt_in **sa_out, uint16_t n)
{
	uint16_t done, c, good = 0;

	for (done = 0; done < n; done += c) {
		c = (uint16_t)RTE_MIN(n - done, BURST_MAX);
		good += in_chunk(w, m + done, c, m + good, sa_out + good);
	}
	return good;
}

_Static_assert(sizeof(struct out_pkt) <= CQ_PRIV && sizeof(struct in_pkt) <= CQ_PRIV,
    "AH's packet state fits a crypto queue slot");

uint16_t
ah_outbound_submit(struct worker *w, struct rte_mbuf **m, struct sa_rt_out **sa, uint16_t n)
{
	struct crypto_q *q = &w->cq;
	struct crypto_mb_op *ops[BURST_MAX];
	struct cq_slot *s;
	uint16_t i, k;

	RTE_ASSERT(n <= BURST_MAX && cq_free(q) >= n);
	for (i = 0, k = 0; i < n; i++) {
		s = cq_at(q, q->tail + k);
		if (!out_ready(w, m[i], sa[i], (struct out_pkt *)s->priv, &s->op))
			continue;
		s->kind = CQ_AH_OUT;
		ops[k++] = &s->op;
	}
	if (k == 0)
		return 0;
	crypto_mb_submit(w->mb, ops, k);
	q->tail += k;
	return k;
}

uint16_t
ah_outbound_done(struct worker *w, struct cq_slot *const *s, uint16_t n, struct rte_mbuf **out)
{
	const struct out_pkt *p;
	uint16_t i, good = 0;

	for (i = 0; i < n; i++) {
		p = (const struct out_pkt *)s[i]->priv;
		if (out_finish(w, p, s[i]->op.status))
			out[good++] = p->m;
	}
	return good;
}

uint16_t
ah_inbound_submit(struct worker *w, struct rte_mbuf **m, uint16_t n)
{
	struct crypto_q *q = &w->cq;
	struct in_pkt *pp[BURST_MAX];
	struct crypto_mb_op *ops[BURST_MAX];
	struct cq_slot *s;
	uint16_t i, j;

	RTE_ASSERT(n <= BURST_MAX && cq_free(q) >= n);
	for (i = 0; i < n; i++) {
		s = cq_at(q, q->tail + i);
		s->kind = CQ_AH_IN;
		pp[i] = (struct in_pkt *)s->priv;
		ops[i] = &s->op;
	}
	j = in_ready(w, m, n, pp, ops);
	crypto_mb_submit(w->mb, ops, j);
	q->tail += j;
	return j;
}

uint16_t
ah_inbound_done(struct worker *w, struct cq_slot *const *s, uint16_t n, struct rte_mbuf **out,
    struct sa_rt_in **sa_out)
{
	struct in_pkt *p;
	uint16_t i, good = 0;

	for (i = 0; i < n; i++) {
		p = (struct in_pkt *)s[i]->priv;
		if (!in_finish(w, p, s[i]->op.status))
			continue;
		sa_out[good] = p->sa;
		out[good++] = p->m;
	}
	return good;
}
