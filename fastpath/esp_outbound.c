/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/esp_outbound.c: ESP encapsulation of a burst, tunnel and transport, with NAT-T and ESN. */
#include <errno.h>
#include <string.h>

#include <netinet/in.h>
#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_memcpy.h>
#include <rte_udp.h>

#include "common/counters.h"
#include "fastpath/crypto_mb.h"
#include "fastpath/esp_outbound.h"
#include "fastpath/ip6ext.h"
#include "fastpath/lifetime.h"
#include "fastpath/pkt.h"

/*
 * After encapsulation (RFC 4303 §2, RFC 3948 §2.1):
 *
 *   tunnel:    [outer IP][UDP]?[SPI|seq][IV][inner IP packet][pad][padlen|nh][ICV]
 *   transport: [IP hdr  ][UDP]?[SPI|seq][IV][payload        ][pad][padlen|nh][ICV]
 *
 * In transport mode "IP hdr" is the IPv4 header with its options, or the
 * IPv6 header with the extension headers that stay in front of ESP
 * (fastpath/ip6ext.h says which).
 *
 * Sequence numbers and IVs are taken before crypto: a packet dropped after
 * that leaves a gap, which RFC 4303 §3.3.3 allows (it forbids only reuse).
 * The packet is counted against the SA's lifetime at the same point
 * (fastpath/lifetime.h), so a burst never goes past a hard limit.
 */

/* One packet of the burst between the two halves. */
struct out_pkt {
	struct rte_mbuf *m;
	struct sa_rt_out *sa;
	uint64_t seq;     /* its sequence number */
	uint64_t packets; /* the SA's packet count with this packet (activity event) */
	uint8_t *iv;      /* CBC: where its IV goes (burst_cbc_ivs()), else NULL */
	uint16_t l3_len;  /* transport: IP header (and IPv6 ext. headers) kept in front */
	uint8_t aad[12];  /* ESN: SPI || seq_hi || seq_lo */
	uint8_t iv_ks;    /* CBC: its block of burst_cbc_ivs()'s keystream */
};

/* RFC 4303 §2.4's default padding bytes: 1, 2, 3, ... */
static const uint8_t pad_bytes[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

/* Header offsets in the IPv4 and IPv6 headers (with or without options). */
#define V4_PROTO 9
#define V6_NH    6

void
esp_outbound_sa_hdr(struct sa_rt_out *sa, const struct esp_sa_prm *prm)
{
	struct rte_ipv4_hdr *ip4 = (struct rte_ipv4_hdr *)sa->hdr;
	struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)sa->hdr;
	struct rte_udp_hdr *udp;
	uint8_t l3 = 0;

	sa->encap_sport = rte_cpu_to_be_16(prm->encap_sport);
	sa->encap_dport = rte_cpu_to_be_16(prm->encap_dport);
	memset(sa->hdr, 0, sizeof(sa->hdr));
	if (prm->mode == SA_MODE_TUNNEL && prm->family == 4) {
		ip4->version_ihl = 0x45;
		ip4->time_to_live = ESP_TTL;
		ip4->next_proto_id = prm->encap ? IPPROTO_UDP : IPPROTO_ESP;
		memcpy(&ip4->src_addr, prm->local, 4);
		memcpy(&ip4->dst_addr, prm->remote, 4);
		l3 = sizeof(*ip4);
	} else if (prm->mode == SA_MODE_TUNNEL) {
		ip6->vtc_flow = rte_cpu_to_be_32(6u << 28);
		ip6->hop_limits = ESP_TTL;
		ip6->proto = prm->encap ? IPPROTO_UDP : IPPROTO_ESP;
		memcpy(ip6->src_addr, prm->local, 16);
		memcpy(ip6->dst_addr, prm->remote, 16);
		l3 = sizeof(*ip6);
	}
	sa->hdr_len = l3;
	sa->hdr_sum = l3 == sizeof(*ip4) && prm->family == 4 ? rte_raw_cksum(ip4, sizeof(*ip4)) : 0;
	if (prm->encap) {
		udp = (struct rte_udp_hdr *)(sa->hdr + l3);
		udp->src_port = sa->encap_sport;
		udp->dst_port = sa->encap_dport;
		sa->hdr_len += ESP_UDP_LEN;
	}
	/* SPI and sequence number, IV, ICV: the padding and its 2-byte trailer come per packet. */
	sa->fixed = (uint16_t)(sa->hdr_len + 8 + sa->iv_len + sa->icv_len);
}

void
esp_outbound_sa_move(struct sa_rt_out *sa, const struct sa_out_move *mv)
{
	memcpy(sa->hdr, mv->hdr, sizeof(sa->hdr));
	sa->hdr_len = mv->hdr_len;
	sa->hdr_sum = mv->hdr_sum;
	sa->encap_sport = mv->encap_sport;
	sa->encap_dport = mv->encap_dport;
	sa->fixed = mv->fixed;
	sa->mtu = mv->mtu;
	sa->route_gen = 0; /* the route memo was for the old destination */
	/* A path MTU learned before was about the old path. */
	__atomic_store_n(&sa->pmtu, 0, __ATOMIC_RELAXED);
}

int
esp_outbound_sa_init(struct sa_rt_out *sa, IMB_MGR *mgr, const struct esp_sa_prm *prm,
    const uint8_t iv_key[16])
{
	const struct alg_proposal *p = prm->prop;
	uint8_t dec[16 * 11] __rte_aligned(16);

	if ((prm->family != 4 && prm->family != 6) || p->icv_len > CRYPTO_MB_ICV_MAX ||
	    (p->iv_len != 0 && p->iv_len != 8 && p->iv_len != 16) || p->icv_len < 4)
		return -EINVAL;
	sa->mode = prm->mode;
	sa->esn = prm->esn;
	sa->family = prm->family;
	sa->encap = prm->encap;
	sa->iv_len = p->iv_len;
	sa->icv_len = p->icv_len;
	sa->block_len = p->cipher == ALG_CIPHER_AES_CBC ? 16 : 4;
	sa->seq = 0;
	sa->seq_max = prm->esn ? UINT64_MAX : UINT32_MAX;
	sa->iv_ctr = 1;
	if (lifetime_init(&sa->lt, prm->soft_packets, prm->hard_packets, prm->soft_bytes,
	        prm->hard_bytes) != 0)
		return -EINVAL;
	esp_outbound_sa_hdr(sa, prm);
	IMB_AES_KEYEXP_128(mgr, iv_key, sa->iv_key, dec);
	explicit_bzero(dec, sizeof(dec));
	return 0;
}

/*
 * The explicit IV.  A counter for AES-GCM, ChaCha20-Poly1305, AES-GMAC
 * and AES-CTR, which need uniqueness only (RFC 4106 §3.1, RFC 7634 §2,
 * RFC 4543 §3.1, RFC 3686 §3.1).  AES-CBC needs an unpredictable IV
 * (RFC 3602 §2.4): the counter encrypted under a random key of its own,
 * AES-ECB done as one CFB block over zeros (E(ctr) ^ 0).
 */
/*
 * The explicit IV of an 8-byte-IV SA (GCM, GMAC, CTR, ChaCha20-Poly1305):
 * the counter itself, unique per packet (RFC 4106 §3.1).  CBC SAs get
 * theirs from cbc_ivs(), after the burst is prepared.
 */
static inline void
make_iv(struct sa_rt_out *sa, uint8_t *iv)
{
	uint64_t c;

	if (sa->iv_len != 8)
		return;
	c = rte_cpu_to_be_64(sa->iv_ctr);
	sa->iv_ctr++;
	memcpy(iv, &c, 8);
}

/*
 * RFC 3602 §2.4 wants CBC IVs that cannot be predicted: each is the AES
 * encryption, under the SA's own random IV key, of 0^64 || the SA's 64-bit
 * IV counter (RFC 4303 Appendix: "encrypting a counter").  A run of
 * consecutive packets of one SA takes consecutive counters, and the
 * encryptions of a run are one AES-CTR keystream (its blocks are exactly
 * those encryptions).  The keystream's counter block grows in its low 32
 * bits, so a run never crosses a 2^32 boundary of the counter: it is split
 * there.  Every run of the burst, whatever its SA, is one job of a single
 * synchronous cipher burst (IMB_SUBMIT_CIPHER_BURST, CTR: each job its own
 * key): with many SAs every packet is a run of its own, and one AES block
 * per call cost about 2.5 times as much as one per job of a burst.
 */
#define IV_JOBS_MAX (2 * BURST_MAX) /* a run splits at most once */

static const uint8_t iv_zero[BURST_MAX * 16] __rte_aligned(16);

/* The job that makes @p k IVs of @p sa from its counter @p ctr, into @p ks. */
static void
iv_job(IMB_JOB *job, const struct sa_rt_out *sa, uint64_t ctr, uint64_t *blk, uint8_t *ks,
    unsigned int k)
{
	blk[0] = 0;
	blk[1] = rte_cpu_to_be_64(ctr);
	/* The fields a CTR burst reads, no memset: a `rep stos` a job cost more than its AES. */
	job->cipher_mode = IMB_CIPHER_CNTR;
	job->cipher_direction = IMB_DIR_ENCRYPT;
	job->chain_order = IMB_ORDER_CIPHER_HASH;
	job->hash_alg = IMB_AUTH_NULL;
	job->key_len_in_bytes = IMB_KEY_128_BYTES;
	job->enc_keys = sa->iv_key;
	job->iv = (const uint8_t *)blk;
	job->iv_len_in_bytes = 16;
	job->src = iv_zero;
	job->dst = ks;
	job->cipher_start_src_offset_in_bytes = 0;
	job->msg_len_to_cipher_in_bytes = (uint64_t)k * 16;
}

/*
 * The IVs of the CBC SAs of a prepared burst (pkts[i]->iv set), in packet
 * order per SA: a burst of one SA is one run; with many SAs the packets
 * take their SA's next counters in order all the same.
 */
static void
burst_cbc_ivs(IMB_MGR *mb, struct out_pkt *const *pkts, unsigned int n)
{
	IMB_JOB job[IV_JOBS_MAX];
	uint64_t blk[IV_JOBS_MAX][2];
	uint8_t ks[BURST_MAX * 16] __rte_aligned(16);
	struct sa_rt_out *sa;
	unsigned int i = 0, k, c, nj = 0, nb = 0, b;

	RTE_ASSERT(n <= BURST_MAX);
	while (i < n) {
		if (pkts[i]->iv == NULL) {
			i++;
			continue;
		}
		sa = pkts[i]->sa;
		for (k = 1; i + k < n && pkts[i + k]->iv != NULL && pkts[i + k]->sa == sa; k++)
			;
		while (k != 0) {
			c = (unsigned int)RTE_MIN((uint64_t)k,
			    (1ull << 32) - (sa->iv_ctr & UINT32_MAX));
			iv_job(&job[nj], sa, sa->iv_ctr, blk[nj], ks + 16 * nb, c);
			nj++;
			for (b = 0; b < c; b++)
				pkts[i + b]->iv_ks = (uint8_t)(nb + b);
			sa->iv_ctr += c;
			nb += c;
			i += c;
			k -= c;
		}
	}
	if (nj == 0)
		return;
	if (IMB_SUBMIT_CIPHER_BURST(mb, job, nj, IMB_CIPHER_CNTR, IMB_DIR_ENCRYPT,
	        IMB_KEY_128_BYTES) != nj) {
		/* Cannot happen with these fields; one block at a time then. */
		for (i = 0; i < nj; i++) {
			uint64_t one[2] = { 0, 0 }, ctr = rte_be_to_cpu_64(blk[i][1]);

			for (b = 0; b < job[i].msg_len_to_cipher_in_bytes / 16; b++) {
				one[1] = rte_cpu_to_be_64(ctr + b);
				IMB_AES128_CFB_ONE(mb, job[i].dst + 16 * b, iv_zero, one,
				    job[i].enc_keys, 16);
			}
		}
	}
	for (i = 0; i < n; i++)
		if (pkts[i]->iv != NULL)
			rte_memcpy(pkts[i]->iv, ks + 16 * pkts[i]->iv_ks, 16);
	explicit_bzero(ks, 16 * nb);
}

/*
 * The outer IPv4 header's checksum from the template's sum and the three
 * fields written per packet (@p id and @p len as stored, big-endian): no
 * read of the header just written (RFC 1071 §2: the sum is independent of
 * byte order when every word is taken as loaded).
 */
static inline uint16_t
ipv4_cksum_tunnel(const struct sa_rt_out *sa, uint8_t tc, uint16_t id, uint16_t len)
{
	const uint8_t w0[2] = { 0, tc }; /* the TOS byte in the header's first word */
	uint16_t tos;
	uint32_t sum;

	memcpy(&tos, w0, 2);
	sum = sa->hdr_sum + tos + id + len;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* What the per-packet code branches on besides the algorithm: the SA's own, or constants. */
struct sa_shape {
	uint8_t mode; /* enum sa_mode */
	bool encap;
	bool esn;
};

/*
 * Write the outer IPv4 / IPv6 (tunnel) or fix the packet's own header
 * (transport: @p l3 bytes stay in front, @p nh_off is the protocol / next
 * header byte that will name ESP or UDP).
 */
static __rte_always_inline void
outer_fix(const struct sa_rt_out *sa, const struct sa_shape *sh, uint8_t *b, uint32_t len,
    uint8_t tc, uint64_t seq, uint16_t l3, uint16_t nh_off)
{
	struct rte_ipv4_hdr *ip4 = (struct rte_ipv4_hdr *)b;
	struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)b;
	struct rte_udp_hdr *udp;
	uint8_t proto = sh->encap ? IPPROTO_UDP : IPPROTO_ESP;

	if (sh->mode == SA_MODE_TUNNEL) {
		rte_memcpy(b, sa->hdr,
		    sa->hdr_len); /* inlined: libc's memcpy costs a call per packet */
		l3 = (uint16_t)(sa->hdr_len - (sh->encap ? ESP_UDP_LEN : 0));
		/* DSCP and ECN copied: RFC 2983 uniform DSCP, RFC 6040 §4.1 normal mode. */
		if (sa->family == 4) {
			ip4->type_of_service = tc;
			ip4->packet_id = rte_cpu_to_be_16((uint16_t)seq);
		} else {
			ip6->vtc_flow = rte_cpu_to_be_32(6u << 28 | (uint32_t)tc << 20);
		}
	} else {
		if (sh->encap)
			memcpy(b + l3, sa->hdr, ESP_UDP_LEN);
		b[nh_off] = proto;
	}
	if (sa->family == 4 && sh->mode == SA_MODE_TUNNEL) {
		ip4->total_length = rte_cpu_to_be_16((uint16_t)len);
		ip4->hdr_checksum = ipv4_cksum_tunnel(sa, tc, ip4->packet_id, ip4->total_length);
	} else if (sa->family == 4) {
		ip4->total_length = rte_cpu_to_be_16((uint16_t)len);
		ip4->hdr_checksum = 0;
		ip4->hdr_checksum = rte_ipv4_cksum(ip4);
	} else {
		ip6->payload_len = rte_cpu_to_be_16((uint16_t)(len - sizeof(*ip6)));
	}
	if (sh->encap) {
		/* RFC 3948 §2.1: over IPv4 the UDP checksum is 0; over IPv6 it is set after crypto. */
		udp = (struct rte_udp_hdr *)(b + l3);
		udp->dgram_len = rte_cpu_to_be_16((uint16_t)(len - l3));
		udp->dgram_cksum = 0;
	}
}

/*
 * Transport mode, IPv6 with extension headers (@p tot bytes at @p b):
 * where ESP goes (@p l3: the bytes that stay in front) and the next
 * header byte that names it (@p nh_off).  A routing header with segments
 * left is refused: the pseudo-header (NAT-T) and the selectors would need
 * the final destination.
 */
static __rte_noinline enum drop_reason
split_v6(const uint8_t *b, uint32_t tot, uint16_t *l3, uint16_t *nh_off)
{
	struct ip6ext x;
	enum drop_reason why;

	why = ip6ext_walk(b, tot, IP6EXT_F_SPLIT | IP6EXT_F_RT0, &x);
	if (why != DROP_NONE)
		return why;
	if (x.proto == IP6EXT_FRAGMENT)
		return DROP_FRAGMENT; /* RFC 4303 §3.3: whole packets only */
	*l3 = (uint16_t)x.off;
	*nh_off = (uint16_t)x.nh_off;
	return DROP_NONE;
}

/*
 * Encapsulate @p m for @p sa and prepare its crypto op; nothing is changed
 * when it fails.  @p sh is the SA's shape: prepare() inlines this once
 * with the usual shape as constants, so that SA's packets skip every
 * branch of the others.
 */
static __rte_always_inline enum drop_reason
prepare_as(struct worker *w, struct out_pkt *p, struct crypto_mb_op *op, const struct sa_shape *sh)
{
	struct rte_mbuf *m = p->m;
	struct sa_rt_out *sa = p->sa;
	uint8_t *b = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m);
	uint32_t tot, payload, padded, pad, front, esp_off, ct_off, i;
	uint16_t l3, nh_off;
	uint8_t *esp, *t, tc, nh;
	enum drop_reason why;
	uint64_t seq;
	uint32_t be;

	if (unlikely(sa->owner != w->index))
		return DROP_NOT_OWNER;
	if (unlikely(!rte_pktmbuf_is_contiguous(m)))
		return DROP_NO_ROOM;
	if (len >= sizeof(struct rte_ipv4_hdr) && b[0] >> 4 == 4) {
		l3 = (uint16_t)((b[0] & 0xf) * 4);
		tot = rte_be_to_cpu_16(((struct rte_ipv4_hdr *)b)->total_length);
		if (l3 < sizeof(struct rte_ipv4_hdr) || tot < l3 || tot > len)
			return DROP_BAD_IP;
		tc = b[1];
		nh = sh->mode == SA_MODE_TUNNEL ? ESP_NH_IPV4 : b[V4_PROTO];
		nh_off = V4_PROTO;
	} else if (len >= sizeof(struct rte_ipv6_hdr) && b[0] >> 4 == 6) {
		l3 = sizeof(struct rte_ipv6_hdr);
		tot = l3 + rte_be_to_cpu_16(((struct rte_ipv6_hdr *)b)->payload_len);
		if (tot > len)
			return DROP_BAD_IP;
		tc = (uint8_t)(b[0] << 4 | b[1] >> 4);
		nh = sh->mode == SA_MODE_TUNNEL ? ESP_NH_IPV6 : b[V6_NH];
		nh_off = V6_NH;
		if (unlikely(sh->mode == SA_MODE_TRANSPORT && ip6ext_is(nh))) {
			why = split_v6(b, tot, &l3, &nh_off);
			if (why != DROP_NONE)
				return why;
			nh = b[nh_off];
		}
	} else {
		return DROP_BAD_IP;
	}
	if (sh->mode == SA_MODE_TRANSPORT && b[0] >> 4 != sa->family)
		return DROP_BAD_IP;
	/* RFC 4303 §3.3: transport mode applies to whole packets only. */
	if (sh->mode == SA_MODE_TRANSPORT && sa->family == 4 &&
	    pkt_ipv4_is_fragment((const struct rte_ipv4_hdr *)b))
		return DROP_FRAGMENT;
	/* RFC 4301 §4.4.2.1 hard lifetime; RFC 4303 §3.3.3: without ESN the counter must not cycle. */
	why = lifetime_out_check(w, sa, EV_SA_F_OUTBOUND);
	if (unlikely(why != DROP_NONE))
		return why;

	payload = sh->mode == SA_MODE_TUNNEL ? tot : tot - l3;
	/* RFC 4303 §2.4: pad so that pad length and next header end on the block. */
	padded = RTE_ALIGN_CEIL(payload + ESP_TRAILER_LEN, (uint32_t)sa->block_len);
	pad = padded - payload - ESP_TRAILER_LEN;
	front = ESP_HDR_LEN + sa->iv_len +
	    (sh->mode == SA_MODE_TUNNEL ? sa->hdr_len : (sh->encap ? ESP_UDP_LEN : 0));
	if (unlikely(rte_pktmbuf_headroom(m) < front ||
	        rte_pktmbuf_tailroom(m) + (len - tot) < pad + ESP_TRAILER_LEN + sa->icv_len ||
	        tot + front + padded - payload + sa->icv_len > UINT16_MAX))
		return DROP_NO_ROOM;

	/* From here on the packet is committed. */
	pkt_trim(m, tot);
	seq = ++sa->seq;
	lifetime_out_count(w, sa, tot, EV_SA_F_OUTBOUND);
	p->seq = seq;
	p->packets = sa->cnt.packets;
	t = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(pad + ESP_TRAILER_LEN + sa->icv_len));
	if (likely(pad <= 16 && pad + ESP_TRAILER_LEN + sa->icv_len >= 16)) {
		/* One 16-byte store: what lies past the padding is written below or by crypto. */
		rte_memcpy(t, pad_bytes, 16);
	} else {
		for (i = 0; i < pad; i++)
			t[i] = (uint8_t)(i + 1);
	}
	t[pad] = (uint8_t)pad;
	t[pad + 1] = nh;
	b = (uint8_t *)rte_pktmbuf_prepend(m, (uint16_t)front);
	if (sh->mode == SA_MODE_TRANSPORT) {
		memmove(b, b + front, l3);
		esp_off = l3 + (sh->encap ? ESP_UDP_LEN : 0);
	} else {
		esp_off = sa->hdr_len;
	}
	p->l3_len = l3;
	outer_fix(sa, sh, b, rte_pktmbuf_data_len(m), tc, seq, l3, nh_off);

	esp = b + esp_off;
	memcpy(esp, &sa->spi, 4);
	be = rte_cpu_to_be_32((uint32_t)seq);
	memcpy(esp + 4, &be, 4);
	make_iv(sa, esp + ESP_HDR_LEN);
	p->iv = sa->iv_len == 16 ? esp + ESP_HDR_LEN : NULL;
	ct_off = esp_off + ESP_HDR_LEN + sa->iv_len;

	crypto_mb_op_clear(op);
	op->sa = &sa->crypto;
	op->buf = b;
	op->iv = sa->iv_len != 0 ? esp + ESP_HDR_LEN : NULL;
	op->icv = b + ct_off + padded;
	op->user = m;
	if (sh->esn) {
		/* RFC 4303 §2.2.1, RFC 4106 §5: seq_hi is in the ICV, not on the wire. */
		memcpy(p->aad, &sa->spi, 4);
		be = rte_cpu_to_be_32((uint32_t)(seq >> 32));
		memcpy(p->aad + 4, &be, 4);
		memcpy(p->aad + 8, esp + 4, 4);
	}
	switch (sa->crypto.kind) {
	case CRYPTO_MB_AEAD:
	case CRYPTO_MB_GMAC:
		op->aad = sh->esn ? p->aad : esp;
		op->aad_len = sh->esn ? 12 : 8;
		if (sa->crypto.kind == CRYPTO_MB_AEAD) {
			op->cipher_off = ct_off;
			op->cipher_len = padded;
		} else {
			op->auth_off = esp_off + ESP_HDR_LEN;
			op->auth_len = sa->iv_len + padded;
		}
		break;
	default:
		op->cipher_off = ct_off;
		op->cipher_len = sa->iv_len != 0 ? padded : 0;
		op->auth_off = esp_off;
		op->auth_len = ESP_HDR_LEN + sa->iv_len + padded;
		if (sh->esn) {
			/* seq_hi goes where the ICV will be written after hashing. */
			memcpy(op->icv, p->aad + 4, 4);
			op->auth_len += 4;
		}
		break;
	}
	return DROP_NONE;
}

/* prepare_as() for any shape, its branches taken at run time. */
static __rte_noinline enum drop_reason
prepare_any(struct worker *w, struct out_pkt *p, struct crypto_mb_op *op)
{
	const struct sa_shape sh = { p->sa->mode, p->sa->encap != 0, p->sa->esn != 0 };

	return prepare_as(w, p, op, &sh);
}

/* prepare_as(): the usual SA (tunnel, no UDP encapsulation, no ESN) inline, the rest out of line. */
static inline enum drop_reason
prepare(struct worker *w, struct out_pkt *p, struct crypto_mb_op *op)
{
	const struct sa_shape usual = { SA_MODE_TUNNEL, false, false };
	const struct sa_rt_out *sa = p->sa;

	if (likely(sa->mode == SA_MODE_TUNNEL && !sa->encap && !sa->esn))
		return prepare_as(w, p, op, &usual);
	return prepare_any(w, p, op);
}

/* After crypto: the last fix and the activity report; false: dropped. */
static inline bool
finish(struct worker *w, const struct out_pkt *p, int16_t status)
{
	struct rte_ipv6_hdr *ip6;
	struct rte_udp_hdr *udp;
	uint16_t l3;

	if (unlikely(status != 0)) {
		worker_drop(w, p->m, DROP_CRYPTO);
		return false;
	}
	if (p->sa->encap && p->sa->family == 6) {
		/* RFC 3948 §2.1 leaves IPv6 to RFC 8200 §8.1: the checksum is required. */
		ip6 = rte_pktmbuf_mtod(p->m, struct rte_ipv6_hdr *);
		l3 = p->sa->mode == SA_MODE_TUNNEL ? sizeof(*ip6) : p->l3_len;
		udp = (struct rte_udp_hdr *)((uint8_t *)ip6 + l3);
		if (likely(l3 == sizeof(*ip6)))
			udp->dgram_cksum = rte_ipv6_udptcp_cksum(ip6, udp);
		else /* extension headers in front (transport) */
			udp->dgram_cksum = pkt_ipv6_l4_cksum(ip6, udp,
			    rte_pktmbuf_data_len(p->m) - l3, IPPROTO_UDP);
	}
	/* Counted when committed (prepare()); reported once it is protected. */
	worker_sa_activity(w, p->sa->id, p->sa->spi, p->seq, p->packets, EV_SA_F_OUTBOUND);
	return true;
}

/* Up to BURST_MAX packets: prepare all, one crypto_mb_run(), finish; good ones to @p out. */
static uint16_t
chunk(struct worker *w, struct rte_mbuf **m, struct sa_rt_out **sa, uint16_t n,
    struct rte_mbuf **out)
{
	struct out_pkt pkts[BURST_MAX], *pp[BURST_MAX];
	struct crypto_mb_op ops[BURST_MAX];
	enum drop_reason why;
	uint16_t i, k, good;

	for (i = 0, k = 0; i < n; i++) {
		pkts[k].m = m[i];
		pkts[k].sa = sa[i];
		why = prepare(w, &pkts[k], &ops[k]);
		if (unlikely(why != DROP_NONE)) {
			worker_drop(w, m[i], why);
			continue;
		}
		pp[k] = &pkts[k];
		k++;
	}
	if (k == 0)
		return 0;
	burst_cbc_ivs(w->mb, pp, k);
	crypto_mb_run(w->mb, ops, k);
	for (i = 0, good = 0; i < k; i++)
		if (finish(w, &pkts[i], ops[i].status))
			out[good++] = pkts[i].m;
	return good;
}

uint16_t
esp_outbound_burst(struct worker *w, struct rte_mbuf **m, struct sa_rt_out **sa, uint16_t n)
{
	uint16_t done, c, good = 0;

	for (done = 0; done < n; done += c) {
		c = (uint16_t)RTE_MIN(n - done, BURST_MAX);
		good += chunk(w, m + done, sa + done, c, m + good);
	}
	return good;
}

_Static_assert(sizeof(struct out_pkt) <= CQ_PRIV, "out_pkt fits a crypto queue slot");

uint16_t
esp_outbound_submit(struct worker *w, struct rte_mbuf **m, struct sa_rt_out **sa, uint16_t n)
{
	struct crypto_q *q = &w->cq;
	struct out_pkt *pp[BURST_MAX];
	struct crypto_mb_op *ops[BURST_MAX];
	struct cq_slot *s;
	enum drop_reason why;
	uint16_t i, k;

	RTE_ASSERT(n <= BURST_MAX && cq_free(q) >= n);
	for (i = 0, k = 0; i < n; i++) {
		s = cq_at(q, q->tail + k);
		pp[k] = (struct out_pkt *)s->priv;
		pp[k]->m = m[i];
		pp[k]->sa = sa[i];
		why = prepare(w, pp[k], &s->op);
		if (unlikely(why != DROP_NONE)) {
			worker_drop(w, m[i], why);
			continue;
		}
		s->kind = CQ_ESP_OUT;
		ops[k++] = &s->op;
	}
	if (k == 0)
		return 0;
	burst_cbc_ivs(w->mb, pp, k);
	crypto_mb_submit(w->mb, ops, k);
	q->tail += k;
	return k;
}

uint16_t
esp_outbound_done(struct worker *w, struct cq_slot *const *s, uint16_t n, struct rte_mbuf **out,
    struct sa_rt_out **sa_out)
{
	const struct out_pkt *p;
	uint16_t i, good = 0;

	for (i = 0; i < n; i++) {
		p = (const struct out_pkt *)s[i]->priv;
		if (!finish(w, p, s[i]->op.status))
			continue;
		sa_out[good] = p->sa;
		out[good++] = p->m;
	}
	return good;
}
