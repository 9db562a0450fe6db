/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/icmp.c: echo replies to our addresses, errors about transit packets (RFC 792, 4443). */
#include <string.h>

#include <rte_icmp.h>
#include <rte_ip.h>

#include "fastpath/icmp.h"
#include "fastpath/pkt.h"

#define ICMP6_ECHO_REPLY 129
#define REPLY_TTL        64

enum drop_reason
icmp_echo_v4(const struct port *p, struct rte_mbuf *m)
{
	const uint32_t l3 = sizeof(struct rte_ether_hdr);
	struct rte_ipv4_hdr *ip;
	struct rte_icmp_hdr *icmp;
	uint32_t ihl, len, tmp;

	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l3);
	ihl = rte_ipv4_hdr_len(ip);
	len = rte_be_to_cpu_16(ip->total_length) - ihl;
	if (len < sizeof(*icmp))
		return DROP_RUNT;
	icmp = (struct rte_icmp_hdr *)((uint8_t *)ip + ihl);
	if (icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || icmp->icmp_code != 0)
		return DROP_LOCAL_PROTO;
	if (rte_raw_cksum(icmp, len) != 0xffff)
		return DROP_BAD_CSUM;

	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = (uint16_t)~rte_raw_cksum(icmp, len);
	tmp = ip->src_addr;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = tmp;
	ip->time_to_live = REPLY_TTL;
	ip->fragment_offset = 0;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	pkt_trim(m, l3 + ihl + len);
	pkt_eth_reply(p, m);
	return DROP_NONE;
}

enum drop_reason
icmp_echo_v6(const struct port *p, struct rte_mbuf *m)
{
	const uint32_t l3 = sizeof(struct rte_ether_hdr);
	struct rte_ipv6_hdr *ip6;
	struct rte_icmp_hdr *icmp;
	uint8_t tmp[16];
	uint32_t len;

	ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, l3);
	len = rte_be_to_cpu_16(ip6->payload_len);
	if (len < sizeof(*icmp))
		return DROP_RUNT;
	icmp = (struct rte_icmp_hdr *)(ip6 + 1);
	if (icmp->icmp_code != 0)
		return DROP_LOCAL_PROTO;
	if (!pkt_ipv6_l4_cksum_ok(ip6, icmp))
		return DROP_BAD_CSUM;

	icmp->icmp_type = ICMP6_ECHO_REPLY;
	memcpy(tmp, ip6->src_addr, 16);
	memcpy(ip6->src_addr, ip6->dst_addr, 16);
	memcpy(ip6->dst_addr, tmp, 16);
	ip6->hop_limits = REPLY_TTL;
	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = rte_ipv6_udptcp_cksum(ip6, icmp);
	pkt_trim(m, l3 + sizeof(*ip6) + len);
	pkt_eth_reply(p, m);
	return DROP_NONE;
}

/* Is ICMP @p type an error (RFC 792, RFC 1812 §4.3.2.7)?  Unknown types count as errors. */
static bool
icmp_type_is_error(uint8_t type)
{
	switch (type) {
	case RTE_IP_ICMP_ECHO_REPLY:
	case RTE_IP_ICMP_ECHO_REQUEST:
	case 9:  /* router advertisement */
	case 10: /* router solicitation */
	case 13: /* timestamp */
	case 14: /* timestamp reply */
	case 15: /* information request */
	case 16: /* information reply */
	case 17: /* address mask request */
	case 18: /* address mask reply */
		return false;
	default:
		return true;
	}
}

/* Is @p dst (network byte order) the broadcast address of one of our connected networks? */
static bool
directed_broadcast(uint32_t dst)
{
	const struct port *p;
	uint32_t host, d = rte_be_to_cpu_32(dst);
	unsigned int i, j;

	for (i = 0; i < port_table.n; i++) {
		p = &port_table.port[i];
		for (j = 0; j < p->n_v4; j++) {
			if (p->v4_len[j] >= 31)
				continue;
			host = UINT32_MAX >> p->v4_len[j];
			if ((d & ~host) == (rte_be_to_cpu_32(p->v4[j]) & ~host) &&
			    (d & host) == host)
				return true;
		}
	}
	return false;
}

bool
icmp_error_ok_v4(const struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	const uint8_t *s = (const uint8_t *)&ip->src_addr, *d = (const uint8_t *)&ip->dst_addr;
	uint32_t ihl = rte_ipv4_hdr_len(ip);
	const uint8_t *type;
	uint8_t buf;

	if ((ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_OFFSET_MASK)) != 0)
		return false;
	if (d[0] >= 224 || s[0] >= 224 || s[0] == 0 || s[0] == 127)
		return false;
	if (port_is_local_v4(ip->src_addr) || directed_broadcast(ip->dst_addr))
		return false;
	if (ip->next_proto_id == IPPROTO_ICMP) {
		type = (const uint8_t *)rte_pktmbuf_read(m, ihl, 1, &buf);
		if (type == NULL || icmp_type_is_error(*type))
			return false;
	}
	return true;
}

bool
icmp_error_ok_v6(const struct rte_mbuf *m, uint8_t type)
{
	static const uint8_t unspec[16];
	const struct rte_ipv6_hdr *ip6 = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	const uint8_t *p;
	uint8_t buf[8], nh = ip6->proto;
	uint32_t off = sizeof(*ip6);
	unsigned int i;

	if (ip6->src_addr[0] == 0xff || memcmp(ip6->src_addr, unspec, 16) == 0 ||
	    port_is_local_v6(ip6->src_addr))
		return false;
	if (ip6->dst_addr[0] == 0xff && type != ICMP6_TOO_BIG)
		return false;
	/* Find the upper layer: is it an ICMPv6 error (type < 128) or a redirect? */
	for (i = 0; i < SPD_IPV6_EXT_MAX; i++) {
		if ((p = rte_pktmbuf_read(m, off, 8, buf)) == NULL)
			return true;
		switch (nh) {
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
			nh = p[0];
			off += ((uint32_t)p[1] + 1) * 8;
			break;
		case IPPROTO_FRAGMENT:
			/* A later fragment hides its upper layer: RFC 4443 allows the error. */
			if ((((uint16_t)p[2] << 8 | p[3]) & 0xfff8) != 0)
				return true;
			nh = p[0];
			off += 8;
			break;
		case IPPROTO_ICMPV6:
			return p[0] >= 128 && p[0] != 137;
		default:
			return true;
		}
	}
	return true;
}

/* A new mbuf from @p pool with @p len bytes of data at the front, zeroed; NULL when empty. */
static struct rte_mbuf *
new_pkt(struct rte_mempool *pool, uint32_t len)
{
	struct rte_mbuf *e = rte_pktmbuf_alloc(pool);
	char *d;

	if (e == NULL)
		return NULL;
	if ((d = rte_pktmbuf_append(e, (uint16_t)len)) == NULL) {
		rte_pktmbuf_free(e);
		return NULL;
	}
	memset(d, 0, len);
	return e;
}

/* Copy @p len bytes of @p m from @p off to @p dst (@p m may be chained). */
static void
copy_out(const struct rte_mbuf *m, uint32_t off, uint32_t len, uint8_t *dst)
{
	const void *p = rte_pktmbuf_read(m, off, len, dst);

	if (p != NULL && p != dst)
		memcpy(dst, p, len);
}

struct rte_mbuf *
icmp_error_v4(struct rte_mempool *pool, const struct rte_mbuf *m, const uint8_t src[4],
    uint8_t type, uint8_t code, uint16_t mtu)
{
	const struct rte_ipv4_hdr *orig = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	struct rte_ipv4_hdr *ip;
	struct rte_icmp_hdr *icmp;
	struct rte_mbuf *e;
	uint32_t quote, len;

	/* RFC 792: the internet header plus the first 64 bits of the datagram's data. */
	quote = RTE_MIN(rte_ipv4_hdr_len(orig) + 8u,
	    RTE_MIN((uint32_t)rte_be_to_cpu_16(orig->total_length), m->pkt_len));
	len = sizeof(*ip) + sizeof(*icmp) + quote;
	if ((e = new_pkt(pool, len)) == NULL)
		return NULL;
	ip = rte_pktmbuf_mtod(e, struct rte_ipv4_hdr *);
	icmp = (struct rte_icmp_hdr *)(ip + 1);
	copy_out(m, 0, quote, (uint8_t *)(icmp + 1));
	icmp->icmp_type = type;
	icmp->icmp_code = code;
	if (type == ICMP4_UNREACH && code == ICMP4_UNREACH_NEEDFRAG)
		icmp->icmp_seq_nb = rte_cpu_to_be_16(mtu); /* RFC 1191 §4: next-hop MTU */
	icmp->icmp_cksum = (uint16_t)~rte_raw_cksum(icmp, sizeof(*icmp) + quote);
	ip->version_ihl = 0x45;
	ip->type_of_service = 0xc0; /* RFC 1812 §4.3.2.5: internetwork control precedence */
	ip->total_length = rte_cpu_to_be_16((uint16_t)len);
	ip->time_to_live = REPLY_TTL;
	ip->next_proto_id = IPPROTO_ICMP;
	memcpy(&ip->src_addr, src, 4);
	ip->dst_addr = orig->src_addr;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return e;
}

struct rte_mbuf *
icmp_error_v6(struct rte_mempool *pool, const struct rte_mbuf *m, const uint8_t src[16],
    uint8_t type, uint8_t code, uint32_t mtu)
{
	const struct rte_ipv6_hdr *orig = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	struct rte_ipv6_hdr *ip6;
	struct rte_icmp_hdr *icmp;
	struct rte_mbuf *e;
	uint32_t quote, len;

	quote = RTE_MIN((uint32_t)sizeof(*orig) + rte_be_to_cpu_16(orig->payload_len), m->pkt_len);
	quote = RTE_MIN(quote, ICMP6_ERR_MAXLEN - (uint32_t)(sizeof(*ip6) + sizeof(*icmp)));
	len = sizeof(*ip6) + sizeof(*icmp) + quote;
	if ((e = new_pkt(pool, len)) == NULL)
		return NULL;
	ip6 = rte_pktmbuf_mtod(e, struct rte_ipv6_hdr *);
	icmp = (struct rte_icmp_hdr *)(ip6 + 1);
	copy_out(m, 0, quote, (uint8_t *)(icmp + 1));
	ip6->vtc_flow = rte_cpu_to_be_32(6u << 28);
	ip6->payload_len = rte_cpu_to_be_16((uint16_t)(len - sizeof(*ip6)));
	ip6->proto = IPPROTO_ICMPV6;
	ip6->hop_limits = REPLY_TTL;
	memcpy(ip6->src_addr, src, 16);
	memcpy(ip6->dst_addr, orig->src_addr, 16);
	icmp->icmp_type = type;
	icmp->icmp_code = code;
	if (type == ICMP6_TOO_BIG || type == ICMP6_PARAMPROB) {
		uint32_t be = rte_cpu_to_be_32(mtu); /* RFC 4443 §3.2, §3.4 */

		memcpy(&icmp->icmp_ident, &be, 4);
	}
	icmp->icmp_cksum = rte_ipv6_udptcp_cksum(ip6, icmp);
	return e;
}
