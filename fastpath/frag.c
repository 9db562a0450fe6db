/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/frag.c: fragmentation of packets larger than the egress MTU (IPv4: RFC 791; IPv6 as the source: RFC 8200 §4.5). */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <rte_ip.h>

#include "fastpath/frag.h"

#define OPT_EOL    0
#define OPT_NOP    1
#define OPT_COPIED 0x80 /* RFC 791: copy the option into every fragment */

/*
 * The header of the second and later fragments: @p ip's fixed part and
 * only its options with the copied flag, padded with EOL to 4 bytes
 * (RFC 791 "Fragmentation").  Returns its length.
 */
static uint32_t
later_header(const struct rte_ipv4_hdr *ip, uint8_t *hdr)
{
	const uint8_t *opt = (const uint8_t *)ip;
	uint32_t ihl = rte_ipv4_hdr_len(ip), i = sizeof(*ip), o = sizeof(*ip), l;

	memcpy(hdr, ip, sizeof(*ip));
	while (i < ihl) {
		if (opt[i] == OPT_EOL)
			break;
		if (opt[i] == OPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= ihl || (l = opt[i + 1]) < 2 || i + l > ihl)
			break;
		if ((opt[i] & OPT_COPIED) != 0) {
			memcpy(hdr + o, opt + i, l);
			o += l;
		}
		i += l;
	}
	while (o % 4 != 0)
		hdr[o++] = OPT_EOL;
	return o;
}

uint16_t
frag_ipv4(struct rte_mempool *pool, const struct rte_mbuf *m, uint16_t mtu, struct rte_mbuf **out,
    uint16_t max)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	uint32_t ihl = rte_ipv4_hdr_len(ip), hl, room, tot, payload, off, chunk;
	uint16_t flags = rte_be_to_cpu_16(ip->fragment_offset), n = 0;
	uint32_t base = (uint32_t)(flags & RTE_IPV4_HDR_OFFSET_MASK) * 8;
	bool last_mf = (flags & RTE_IPV4_HDR_MF_FLAG) != 0;
	uint8_t later[RTE_IPV4_HDR_IHL_MASK * RTE_IPV4_IHL_MULTIPLIER];
	uint32_t later_len = later_header(ip, later);
	struct rte_ipv4_hdr *h;
	struct rte_mbuf *f;
	const void *src;
	uint8_t *d;

	room = rte_pktmbuf_data_room_size(pool) - RTE_PKTMBUF_HEADROOM;
	room = RTE_MIN(room, (uint32_t)mtu);
	tot = RTE_MIN((uint32_t)rte_be_to_cpu_16(ip->total_length), m->pkt_len);
	payload = tot - ihl;
	for (off = 0; off < payload; off += chunk) {
		hl = off == 0 ? ihl : later_len;
		chunk = RTE_MIN((room - hl) & ~7u, payload - off);
		if (n == max || chunk == 0 || (f = rte_pktmbuf_alloc(pool)) == NULL)
			goto fail;
		out[n++] = f;
		if ((d = (uint8_t *)rte_pktmbuf_append(f, (uint16_t)(hl + chunk))) == NULL)
			goto fail;
		memcpy(d, off == 0 ? (const uint8_t *)ip : later, hl);
		if ((src = rte_pktmbuf_read(m, ihl + off, chunk, d + hl)) == NULL)
			goto fail;
		if (src != d + hl)
			memcpy(d + hl, src, chunk);
		h = (struct rte_ipv4_hdr *)d;
		h->version_ihl = (uint8_t)(0x40 | hl / RTE_IPV4_IHL_MULTIPLIER);
		h->total_length = rte_cpu_to_be_16((uint16_t)(hl + chunk));
		h->fragment_offset = rte_cpu_to_be_16((uint16_t)((base + off) / 8 |
		    (off + chunk < payload || last_mf ? RTE_IPV4_HDR_MF_FLAG : 0)));
		h->hdr_checksum = 0;
		h->hdr_checksum = rte_ipv4_cksum(h);
	}
	return n;
fail:
	while (n != 0)
		rte_pktmbuf_free(out[--n]);
	return 0;
}

/*
 * Where @p m's per-fragment headers end (RFC 8200 §4.5: the IPv6 header
 * and the extension headers up to the Routing header, else the
 * Hop-by-Hop Options header), the offset of the Next Header field that
 * then names the Fragment header (@p nh_at), and the value it had (@p nh).
 * -EINVAL when the chain is cut short, Hop-by-Hop is not first (§4.1), or
 * @p m is a fragment already.
 */
static int
unfrag_part(const struct rte_mbuf *m, uint32_t tot, uint32_t *nh_at, uint8_t *nh)
{
	const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	uint32_t off = sizeof(*ip), unfrag = sizeof(*ip), hl;
	uint8_t next = ip->proto, buf[2];
	const uint8_t *p;

	*nh_at = offsetof(struct rte_ipv6_hdr, proto);
	*nh = next;
	while (next == IPPROTO_HOPOPTS || next == IPPROTO_ROUTING || next == IPPROTO_DSTOPTS) {
		if (next == IPPROTO_HOPOPTS && off != sizeof(*ip))
			return -EINVAL;
		if (off + 2 > tot || (p = rte_pktmbuf_read(m, off, 2, buf)) == NULL)
			return -EINVAL;
		hl = (p[1] + 1u) * 8;
		if (off + hl > tot)
			return -EINVAL;
		/* Destination Options belong in front only when a Routing header follows. */
		if (next != IPPROTO_DSTOPTS) {
			unfrag = off + hl;
			*nh_at = off;
			*nh = p[0];
		}
		next = p[0];
		off += hl;
	}
	if (next == IPPROTO_FRAGMENT)
		return -EINVAL;
	return (int)unfrag;
}

int
frag_ipv6(struct rte_mempool *pool, const struct rte_mbuf *m, uint16_t mtu, uint32_t id,
    struct rte_mbuf **out, uint16_t max)
{
	const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	const uint32_t fh_len = sizeof(struct rte_ipv6_fragment_ext);
	uint32_t tot, unfrag, room, step, payload, off, chunk, nh_at;
	struct rte_ipv6_fragment_ext *fh;
	struct rte_ipv6_hdr *h;
	struct rte_mbuf *f;
	const void *src;
	uint16_t n = 0;
	uint8_t *d, nh;
	int rc;

	if (m->data_len < sizeof(*ip))
		return -EINVAL;
	tot = sizeof(*ip) + rte_be_to_cpu_16(ip->payload_len);
	if (tot > m->pkt_len || (rc = unfrag_part(m, tot, &nh_at, &nh)) < 0)
		return -EINVAL;
	unfrag = (uint32_t)rc;
	room = rte_pktmbuf_data_room_size(pool) - RTE_PKTMBUF_HEADROOM;
	room = RTE_MIN(room, (uint32_t)mtu);
	if (room < unfrag + fh_len + RTE_IPV6_EHDR_FO_ALIGN)
		return -EINVAL;
	step = (room - unfrag - fh_len) & ~(RTE_IPV6_EHDR_FO_ALIGN - 1u);
	payload = tot - unfrag;
	for (off = 0; off < payload; off += chunk) {
		chunk = RTE_MIN(step, payload - off);
		if (n == max || (f = rte_pktmbuf_alloc(pool)) == NULL)
			goto fail;
		out[n++] = f;
		if ((d = (uint8_t *)rte_pktmbuf_append(f, (uint16_t)(unfrag + fh_len + chunk))) ==
		    NULL)
			goto fail;
		if ((src = rte_pktmbuf_read(m, 0, unfrag, d)) == NULL)
			goto fail;
		if (src != d)
			memcpy(d, src, unfrag);
		if ((src = rte_pktmbuf_read(m, unfrag + off, chunk, d + unfrag + fh_len)) == NULL)
			goto fail;
		if (src != d + unfrag + fh_len)
			memcpy(d + unfrag + fh_len, src, chunk);
		d[nh_at] = IPPROTO_FRAGMENT;
		fh = (struct rte_ipv6_fragment_ext *)(d + unfrag);
		fh->next_header = nh;
		fh->reserved = 0;
		fh->frag_data = rte_cpu_to_be_16(
		    (uint16_t)RTE_IPV6_SET_FRAG_DATA(off, off + chunk < payload ? 1 : 0));
		fh->id = rte_cpu_to_be_32(id);
		h = (struct rte_ipv6_hdr *)d;
		h->payload_len = rte_cpu_to_be_16((uint16_t)(unfrag - sizeof(*h) + fh_len + chunk));
	}
	return n;
fail:
	while (n != 0)
		rte_pktmbuf_free(out[--n]);
	return -ENOBUFS;
}
