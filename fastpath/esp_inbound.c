/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/esp_inbound.c: ESP decapsulation of a burst: SAD, anti-replay, crypto, trailer checks. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <netinet/in.h>
#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "common/counters.h"
#include "fastpath/antireplay.h"
#include "fastpath/crypto_mb.h"
#include "fastpath/esp_inbound.h"
#include "fastpath/ip6ext.h"
#include "fastpath/lifetime.h"
#include "fastpath/pkt.h"
#include "fastpath/sad.h"

/*
 * On entry (RFC 4303 §2, RFC 3948 §2.2):
 *
 *   [outer IP][UDP]?[SPI|seq][IV][payload][pad][padlen|nh][ICV]
 *
 * An IPv6 "outer IP" may end in extension headers (fastpath/ip6ext.h):
 * transport mode gives them back in front of the payload, the last one's
 * next header restored.
 *
 * Three passes over up to BURST_MAX packets: parse the outer headers and
 * look all SPIs up at once; check lengths and anti-replay (before crypto,
 * RFC 4303 §3.4.3) and prepare the ops; one crypto_mb_run(); then, for
 * packets whose ICV verified, update the window, check the trailer and
 * strip, and count them against the SA's lifetime (fastpath/lifetime.h).
 * A hard limit reached by one packet stops the SA for the rest of the
 * burst too: the last pass checks it again.
 */

/* One packet of the burst between the passes. */
struct in_pkt {
	struct rte_mbuf *m;
	struct sa_rt_in *sa;
	uint64_t seq;     /* full sequence number (ESN: inferred high half) */
	uint16_t l3_len;  /* outer IP header, IPv6 extension headers included */
	uint16_t nh_off;  /* IPv6: the next header byte naming ESP (or UDP) */
	uint16_t esp_off; /* ESP header, from the outer IP header */
	uint16_t src_off; /* outer source address */
	uint16_t ct_len;  /* payload .. next header */
	uint8_t udp;      /* arrived UDP-encapsulated */
	uint8_t aad[12];  /* ESN: SPI || seq_hi || seq_lo */
	uint8_t icv[CRYPTO_MB_ICV_MAX] __rte_aligned(16); /* HMAC: the received ICV */
};

int
esp_inbound_sa_init(struct sa_rt_in *sa, const struct esp_sa_prm *prm)
{
	const struct alg_proposal *p = prm->prop;
	size_t alen = prm->family == 4 ? 4 : 16;

	if ((prm->family != 4 && prm->family != 6) || p->icv_len > CRYPTO_MB_ICV_MAX ||
	    p->icv_len < 4)
		return -EINVAL;
	sa->key.proto = IPPROTO_ESP;
	sa->key.family = prm->family;
	sa->key.pad = 0;
	memset(sa->key.dst, 0, sizeof(sa->key.dst));
	memcpy(sa->key.dst, prm->local, alen);
	memset(sa->peer, 0, sizeof(sa->peer));
	memcpy(sa->peer, prm->remote, alen);
	sa->mode = prm->mode;
	sa->esn = prm->esn;
	sa->encap = prm->encap;
	sa->iv_len = p->iv_len;
	sa->icv_len = p->icv_len;
	/* Only CBC needs whole blocks to decrypt; RFC 4303 §2.4 4-byte alignment is not enforced. */
	sa->block_len = p->cipher == ALG_CIPHER_AES_CBC ? 16 : 1;
	sa->encap_sport = rte_cpu_to_be_16(prm->encap_sport);
	sa->encap_dport = rte_cpu_to_be_16(prm->encap_dport);
	return lifetime_init(&sa->lt, prm->soft_packets, prm->hard_packets, prm->soft_bytes,
	    prm->hard_bytes);
}

/*
 * IPv6 extension headers in front of ESP or UDP (@p tot bytes at @p b):
 * where that header starts (@p off), the byte naming it (p->nh_off) and
 * what it is (@p proto).  We are the destination (RFC 8200 §4).
 */
static __rte_noinline enum drop_reason
ext_v6(struct in_pkt *p, const uint8_t *b, uint32_t tot, uint32_t *off, uint8_t *proto)
{
	struct ip6ext x;
	enum drop_reason why;

	why = ip6ext_walk(b, tot, IP6EXT_F_DEST, &x);
	if (why != DROP_NONE)
		return why;
	if (x.proto == IP6EXT_FRAGMENT)
		return DROP_FRAGMENT; /* reassembled before us, when it can be (fastpath/input.c) */
	*off = x.off;
	*proto = x.proto;
	p->nh_off = (uint16_t)x.nh_off;
	return DROP_NONE;
}

/*
 * The SAD key, written as the three 8-byte words sad_lookup() compares
 * (memset and field stores first made those loads wait for the stores
 * to reach the cache: a load that spans several stores is not forwarded).
 */
static inline void
key_set(struct sa_key *key, uint32_t spi, uint8_t family, uint64_t dst_lo, uint64_t dst_hi)
{
	uint64_t w0 =
	    (uint64_t)rte_cpu_to_le_32(spi) | (uint64_t)IPPROTO_ESP << 32 | (uint64_t)family << 40;

	_Static_assert(offsetof(struct sa_key, proto) == 4 &&
	        offsetof(struct sa_key, family) == 5 && offsetof(struct sa_key, dst) == 8 &&
	        sizeof(struct sa_key) == 24,
	    "struct sa_key is three words: spi, proto, family, pad; dst");
	w0 = rte_cpu_to_le_64(w0);
	memcpy(key, &w0, 8);
	memcpy(key->dst, &dst_lo, 8);
	memcpy(key->dst + 8, &dst_hi, 8);
}

/* The outer headers: lengths, then the SAD key.  The mbuf is trimmed to the IP length. */
static enum drop_reason
parse(struct in_pkt *p, struct sa_key *key)
{
	struct rte_mbuf *m = p->m;
	uint8_t *b = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m);
	uint32_t tot, off, spi, d4;
	uint64_t dst_lo, dst_hi = 0;
	uint16_t ulen;
	uint8_t proto, family;
	enum drop_reason why;

	if (unlikely(!rte_pktmbuf_is_contiguous(m)))
		return DROP_NO_ROOM;
	if (len >= sizeof(struct rte_ipv4_hdr) && b[0] >> 4 == 4) {
		off = (b[0] & 0xf) * 4u;
		tot = rte_be_to_cpu_16(((struct rte_ipv4_hdr *)b)->total_length);
		if (off < sizeof(struct rte_ipv4_hdr) || tot < off || tot > len)
			return DROP_RUNT;
		proto = b[9];
		family = 4;
		memcpy(&d4, b + 16, 4);
		dst_lo =
		    rte_cpu_to_le_64((uint64_t)rte_cpu_to_le_32(d4)); /* the 4 bytes, then zeros */
		p->src_off = 12;
	} else if (len >= sizeof(struct rte_ipv6_hdr) && b[0] >> 4 == 6) {
		off = sizeof(struct rte_ipv6_hdr);
		tot = off + rte_be_to_cpu_16(((struct rte_ipv6_hdr *)b)->payload_len);
		if (tot > len)
			return DROP_RUNT;
		proto = b[IP6EXT_NH_OFF];
		family = 6;
		memcpy(&dst_lo, b + 24, 8);
		memcpy(&dst_hi, b + 32, 8);
		p->src_off = 8;
		p->nh_off = IP6EXT_NH_OFF;
		if (unlikely(ip6ext_is(proto)) &&
		    (why = ext_v6(p, b, tot, &off, &proto)) != DROP_NONE)
			return why;
	} else {
		return len < sizeof(struct rte_ipv4_hdr) ? DROP_RUNT : DROP_BAD_IP;
	}
	pkt_trim(m, tot);
	p->l3_len = (uint16_t)off;
	p->udp = 0;
	if (proto == IPPROTO_UDP) {
		if (tot < off + ESP_UDP_LEN)
			return DROP_RUNT;
		ulen = rte_be_to_cpu_16(((struct rte_udp_hdr *)(b + off))->dgram_len);
		if (ulen != tot - off)
			return DROP_RUNT;
		off += ESP_UDP_LEN;
		p->udp = 1;
	} else if (proto != IPPROTO_ESP) {
		return DROP_LOCAL_PROTO;
	}
	if (tot < off + ESP_HDR_LEN)
		return DROP_RUNT;
	p->esp_off = (uint16_t)off;
	memcpy(&spi, b + off, 4);
	key_set(key, spi, family, dst_lo, dst_hi);
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

/* The SA's checks before crypto, then the op. */
static enum drop_reason
prepare(struct worker *w, struct in_pkt *p, struct crypto_mb_op *op)
{
	struct sa_rt_in *sa = p->sa;
	uint8_t *b = rte_pktmbuf_mtod(p->m, uint8_t *);
	uint32_t tot = rte_pktmbuf_data_len(p->m);
	uint32_t esp_off = p->esp_off, ct_off, min;
	uint8_t *esp = b + esp_off, *icv;
	uint32_t seq_lo, be;
	enum drop_reason why;

	if (sa == NULL)
		return DROP_NO_SA;
	if (unlikely(sa->owner != w->index))
		return DROP_NOT_OWNER;
	/* RFC 4301 §4.4.2.1: past its hard lifetime the SA is terminated. */
	if (lifetime_in_stopped(sa))
		return DROP_SA_EXPIRED;
	/* With NAT-T the peer's address may change (remap event: a later step). */
	if (!p->udp && !addr_eq(b + p->src_off, sa->peer, sa->key.family))
		return DROP_PEER;
	min = esp_off + ESP_HDR_LEN + sa->iv_len + ESP_TRAILER_LEN + sa->icv_len;
	if (tot < min)
		return DROP_RUNT;
	ct_off = esp_off + ESP_HDR_LEN + sa->iv_len;
	p->ct_len = (uint16_t)(tot - ct_off - sa->icv_len);
	if ((p->ct_len & (sa->block_len - 1u)) != 0) /* 1 or 16: a mask, not a division */
		return DROP_RUNT;
	memcpy(&be, esp + 4, 4);
	seq_lo = rte_be_to_cpu_32(be);
	why = replay_why(antireplay_check(&sa->ar, seq_lo, &p->seq));
	if (why != DROP_NONE)
		return why;

	icv = b + ct_off + p->ct_len;
	crypto_mb_op_clear(op);
	op->sa = &sa->crypto;
	op->buf = b;
	op->iv = sa->iv_len != 0 ? esp + ESP_HDR_LEN : NULL;
	op->icv = icv;
	op->decrypt = 1;
	op->user = p->m;
	if (sa->esn) {
		memcpy(p->aad, esp, 4);
		be = rte_cpu_to_be_32((uint32_t)(p->seq >> 32));
		memcpy(p->aad + 4, &be, 4);
		memcpy(p->aad + 8, esp + 4, 4);
	}
	switch (sa->crypto.kind) {
	case CRYPTO_MB_AEAD:
	case CRYPTO_MB_GMAC:
		op->aad = sa->esn ? p->aad : esp;
		op->aad_len = sa->esn ? 12 : 8;
		if (sa->crypto.kind == CRYPTO_MB_AEAD) {
			op->cipher_off = ct_off;
			op->cipher_len = p->ct_len;
		} else {
			op->auth_off = esp_off + ESP_HDR_LEN;
			op->auth_len = sa->iv_len + p->ct_len;
		}
		break;
	default:
		/* The ICV moves aside: with ESN seq_hi takes its place (RFC 4303 §2.2.1). */
		memcpy(p->icv, icv, sa->icv_len);
		op->icv = p->icv;
		op->cipher_off = ct_off;
		op->cipher_len = sa->iv_len != 0 ? p->ct_len : 0;
		op->auth_off = esp_off;
		op->auth_len = ESP_HDR_LEN + sa->iv_len + p->ct_len;
		if (sa->esn) {
			memcpy(icv, p->aad + 4, 4);
			op->auth_len += 4;
		}
		break;
	}
	return DROP_NONE;
}

/* RFC 3948 §3.1.2: transport mode TCP / UDP checksum, recomputed for the current addresses. */
static void
natt_cksum(uint8_t *b, uint8_t family, uint16_t l3, uint8_t nh, uint32_t plen)
{
	uint8_t *l4 = b + l3;
	uint16_t *ck, old;

	if (nh == IPPROTO_TCP && plen >= 20)
		ck = (uint16_t *)(l4 + 16);
	else if (nh == IPPROTO_UDP && plen >= 8)
		ck = (uint16_t *)(l4 + 6);
	else
		return;
	memcpy(&old, ck, 2);
	if (nh == IPPROTO_UDP && family == 4 && old == 0)
		return; /* no checksum was sent; keep none */
	memset(ck, 0, 2);
	if (family == 4)
		old = rte_ipv4_udptcp_cksum((struct rte_ipv4_hdr *)b, l4);
	else /* pseudo-header from plen and nh: extension headers may sit in front */
		old = pkt_ipv6_l4_cksum((struct rte_ipv6_hdr *)b, l4, plen, nh);
	memcpy(ck, &old, 2);
}

/*
 * RFC 4303 §2.4's default padding: are the @p padlen bytes before @p end
 * 1, 2, 3, ...?  Up to 16 of them (any block cipher's) as two word
 * compares under a mask, reading the 16 bytes before @p end (the caller
 * has at least the ESP header there); longer padding byte by byte.
 */
static inline bool
pad_ok(const uint8_t *end, uint32_t padlen)
{
	/* 16 zeros, then 1 .. 16: from padlen on, 16 bytes whose last padlen are 1 .. padlen. */
	static const uint8_t
	    seq[32] = { [16] = 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	uint64_t lo, hi, elo, ehi, mlo, mhi;
	uint32_t i;

	if (unlikely(padlen > 16)) {
		for (i = 0; i < padlen; i++)
			if ((end - padlen)[i] != (uint8_t)(i + 1))
				return false;
		return true;
	}
	memcpy(&lo, end - 16, 8);
	memcpy(&hi, end - 8, 8);
	memcpy(&elo, seq + padlen, 8);
	memcpy(&ehi, seq + padlen + 8, 8);
	/* Little-endian words: the bytes nearest @p end are the high ones. */
	mhi = padlen == 0 ? 0 : padlen >= 8 ? UINT64_MAX : UINT64_MAX << (64 - 8 * padlen);
	mlo = padlen <= 8 ? 0 : padlen == 16 ? UINT64_MAX : UINT64_MAX << (128 - 8 * padlen);
	return (((lo ^ elo) & mlo) | ((hi ^ ehi) & mhi)) == 0;
}

/* After the ICV verified: trailer checks and the strip. */
static enum drop_reason
decap(struct in_pkt *p)
{
	struct sa_rt_in *sa = p->sa;
	struct rte_mbuf *m = p->m;
	uint8_t *b = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t ct_off = p->esp_off + ESP_HDR_LEN + sa->iv_len;
	uint32_t end = ct_off + p->ct_len, plen, itot, delta;
	uint8_t padlen = b[end - 2], nh = b[end - 1];
	uint8_t *in = b + ct_off;
	enum drop_reason why;

	if ((uint32_t)padlen + ESP_TRAILER_LEN > p->ct_len)
		return DROP_PAD;
	/* RFC 4303 §2.4: the default padding is 1, 2, 3, ...; we check it. */
	if (!pad_ok(b + end - ESP_TRAILER_LEN, padlen))
		return DROP_PAD;
	plen = p->ct_len - ESP_TRAILER_LEN - padlen;
	if (nh == ESP_NH_NONE)
		return DROP_DUMMY;
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
		/* What follows the inner packet is TFC padding (RFC 4303 §2.7). */
		if (itot > plen)
			return DROP_BAD_IP;
		why = pkt_ecn_decap(sa->key.family == 4 ? b[1] & 3 : (b[1] >> 4) & 3, in);
		if (why != DROP_NONE)
			return why;
		rte_pktmbuf_adj(m, (uint16_t)ct_off);
		pkt_trim(m, itot);
		return DROP_NONE;
	}
	delta = ct_off - p->l3_len;
	memmove(b + delta, b, p->l3_len);
	b = (uint8_t *)rte_pktmbuf_adj(m, (uint16_t)delta);
	pkt_trim(m, p->l3_len + plen);
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
	if (p->udp)
		natt_cksum(b, sa->key.family, p->l3_len, nh, plen);
	return DROP_NONE;
}

/* No SA for @p p's SPI and destination (@p key): drop and report it. */
static __rte_noinline void
no_sa(struct worker *w, const struct in_pkt *p, const struct sa_key *key)
{
	const uint8_t *b = rte_pktmbuf_mtod(p->m, const uint8_t *);
	uint32_t seq;

	memcpy(&seq, b + p->esp_off + 4, 4); /* parse() saw the whole ESP header */
	worker_no_sa(w, p->m, key, b + p->src_off, rte_be_to_cpu_32(seq));
}

/*
 * Parse @p n packets into @p pp (each its own in_pkt), look their SAs up
 * and prepare their ops into @p ops; hand over or drop the rest.  Returns
 * how many are ready, compacted at the front of @p pp and @p ops.
 */
static uint16_t
ready(struct worker *w, struct rte_mbuf **m, uint16_t n, struct in_pkt *const *pp,
    struct crypto_mb_op *const *ops)
{
	struct sa_key keys[BURST_MAX];
	struct sa_rt_in *rts[BURST_MAX];
	enum drop_reason why;
	uint16_t i, k, j;

	for (i = 0, k = 0; i < n; i++) {
		pp[k]->m = m[i];
		why = parse(pp[k], &keys[k]);
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
		why = prepare(w, pp[j], ops[j]);
		if (unlikely(why == DROP_NOT_OWNER)) {
			/* Untouched so far: the owner redoes it all (STYLE rule 14). */
			worker_handoff(w, pp[j]->m, pp[j]->sa->owner, HANDOFF_ESP_IN);
			continue;
		}
		if (unlikely(why == DROP_NO_SA)) {
			no_sa(w, pp[j], &keys[i]);
			continue;
		}
		if (unlikely(why != DROP_NONE)) {
			worker_drop(w, pp[j]->m, why);
			continue;
		}
		j++;
	}
	return j;
}

/* After crypto: the window, the trailer, the strip and the counts; false: dropped. */
static inline bool
finish(struct worker *w, struct in_pkt *p, int16_t status)
{
	enum drop_reason why;

	if (unlikely(status != 0)) {
		worker_drop(w, p->m, status == -EBADMSG ? DROP_ICV : DROP_CRYPTO);
		return false;
	}
	/* An earlier packet of this burst may have reached the hard limit. */
	if (lifetime_in_stopped(p->sa)) {
		worker_drop(w, p->m, DROP_SA_EXPIRED);
		return false;
	}
	/* Only an authenticated packet moves the window (RFC 4303 §3.4.3). */
	why = replay_why(antireplay_update(&p->sa->ar, p->seq));
	if (why == DROP_NONE)
		why = decap(p);
	if (unlikely(why != DROP_NONE)) {
		worker_drop(w, p->m, why);
		return false;
	}
	lifetime_in_count(w, p->sa, p->seq, rte_pktmbuf_pkt_len(p->m), 0);
	worker_sa_activity(w, p->sa->id, p->sa->key.spi, p->seq, p->sa->cnt.packets, 0);
	return true;
}

/* Up to BURST_MAX packets; good ones to @p out / @p sa_out. */
static uint16_t
chunk(struct worker *w, struct rte_mbuf **m, uint16_t n, struct rte_mbuf **out,
    struct sa_rt_in **sa_out)
{
	struct in_pkt pkts[BURST_MAX], *pp[BURST_MAX];
	struct crypto_mb_op ops[BURST_MAX], *op[BURST_MAX];
	uint16_t i, j, good;

	for (i = 0; i < n; i++) {
		pp[i] = &pkts[i];
		op[i] = &ops[i];
	}
	j = ready(w, m, n, pp, op);
	crypto_mb_run(w->mb, ops, j);
	for (i = 0, good = 0; i < j; i++) {
		if (!finish(w, &pkts[i], ops[i].status))
			continue;
		sa_out[good] = pkts[i].sa;
		out[good++] = pkts[i].m;
	}
	return good;
}

uint16_t
esp_inbound_burst(struct worker *w, struct rte_mbuf **m, struct sa_rt_in **sa_out, uint16_t n)
{
	uint16_t done, c, good = 0;

	for (done = 0; done < n; done += c) {
		c = (uint16_t)RTE_MIN(n - done, BURST_MAX);
		good += chunk(w, m + done, c, m + good, sa_out + good);
	}
	return good;
}

_Static_assert(sizeof(struct in_pkt) <= CQ_PRIV, "in_pkt fits a crypto queue slot");

uint16_t
esp_inbound_submit(struct worker *w, struct rte_mbuf **m, uint16_t n)
{
	struct crypto_q *q = &w->cq;
	struct in_pkt *pp[BURST_MAX];
	struct crypto_mb_op *ops[BURST_MAX];
	struct cq_slot *s;
	uint16_t i, j;

	RTE_ASSERT(n <= BURST_MAX && cq_free(q) >= n);
	for (i = 0; i < n; i++) {
		s = cq_at(q, q->tail + i);
		s->kind = CQ_ESP_IN;
		pp[i] = (struct in_pkt *)s->priv;
		ops[i] = &s->op;
	}
	j = ready(w, m, n, pp, ops);
	crypto_mb_submit(w->mb, ops, j);
	q->tail += j;
	return j;
}

uint16_t
esp_inbound_done(struct worker *w, struct cq_slot *const *s, uint16_t n, struct rte_mbuf **out,
    struct sa_rt_in **sa_out)
{
	struct in_pkt *p;
	uint16_t i, good = 0;

	for (i = 0; i < n; i++) {
		p = (struct in_pkt *)s[i]->priv;
		if (!finish(w, p, s[i]->op.status))
			continue;
		sa_out[good] = p->sa;
		out[good++] = p->m;
	}
	return good;
}
