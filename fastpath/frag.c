/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/frag.c: IPv4 fragmentation of packets larger than the egress MTU (RFC 791). */
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
