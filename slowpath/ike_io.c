/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike_io.c: the IKE transport of the appliance: punted datagrams in, UDP frames out. */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_random.h>
#include <rte_udp.h>

#include "common/counters.h"
#include "common/limits.h"
#include "fastpath/frag.h"
#include "fastpath/neigh_table.h"
#include "fastpath/port.h"
#include "fastpath/route.h"
#include "slowpath/ctl.h"
#include "slowpath/ike_io.h"
#include "slowpath/neigh_ctl.h"

#define IKE_PORT         500  /* RFC 7296 §2 */
#define NATT_PORT        4500 /* RFC 3948 */
#define NON_ESP_MARKER   4    /* bytes of zero before an IKE message on 4500 (RFC 3948 §2.2) */
#define ISAKMP_HDR_LEN   28   /* RFC 2408 §3.1, RFC 7296 §3.1 */
#define ISAKMP_VER_OFF   17   /* major version in the high nibble */
#define NATT_KEEPALIVE   0xff /* RFC 3948 §2.3 */
#define IKE_IO_TTL       64
#define IPV6_FRAG_LEN    8 /* the Fragment extension header (RFC 8200 §4.5) */
#define IKE_IO_FRAGS_MAX 64

struct handler {
	ike_io_rx_fn fn;
	void *ctx;
};

static struct handler handlers[2]; /* [major version - 1] */
static struct ike_io_stats st;
static uint16_t ip4_id;  /* IPv4 identification of our datagrams */
static uint32_t ip6_seq; /* IPv6 fragment identifications (frag_id_make()) ... */
static bool ip6_seeded;  /* ... from a random start */

void
ike_io_register_v1(ike_io_rx_fn fn, void *ctx)
{
	handlers[0].fn = fn;
	handlers[0].ctx = ctx;
}

void
ike_io_register_v2(ike_io_rx_fn fn, void *ctx)
{
	handlers[1].fn = fn;
	handlers[1].ctx = ctx;
}

void
ike_io_stats_read(struct ike_io_stats *out)
{
	out->rx = counter_read(&st.rx);
	out->rx_v1 = counter_read(&st.rx_v1);
	out->rx_v2 = counter_read(&st.rx_v2);
	out->no_handler = counter_read(&st.no_handler);
	out->bad = counter_read(&st.bad);
	out->tx = counter_read(&st.tx);
	out->tx_frames = counter_read(&st.tx_frames);
	out->tx_no_route = counter_read(&st.tx_no_route);
	out->tx_no_neigh = counter_read(&st.tx_no_neigh);
	out->tx_neigh_wait = counter_read(&st.tx_neigh_wait);
	out->tx_failed = counter_read(&st.tx_failed);
	out->keepalives_out = counter_read(&st.keepalives_out);
}

static void
addr_set(struct ike_addr *a, uint8_t family, const void *addr, rte_be16_t port)
{
	memset(a, 0, sizeof(*a));
	a->a.family = family;
	memcpy(a->a.addr, addr, family == 4 ? 4 : 16);
	a->port = rte_be_to_cpu_16(port);
}

int
ike_io_parse(const struct rte_mbuf *m, struct ike_addr *local, struct ike_addr *remote,
    const uint8_t **msg, size_t *len)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	const struct rte_ether_hdr *eth = (const struct rte_ether_hdr *)p;
	const struct rte_udp_hdr *udp;
	uint32_t n = m->data_len, l4, end, ulen;
	uint32_t marker;

	if (m->nb_segs != 1 || n < sizeof(*eth))
		return -EINVAL;
	p += sizeof(*eth);
	n -= sizeof(*eth);
	if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV4)) {
		const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)p;

		if (n < sizeof(*ip))
			return -EINVAL;
		l4 = rte_ipv4_hdr_len(ip);
		end = rte_be_to_cpu_16(ip->total_length);
		if ((ip->version_ihl >> 4) != 4 || l4 < sizeof(*ip) || end < l4 || end > n ||
		    ip->next_proto_id != IPPROTO_UDP ||
		    (ip->fragment_offset &
		        RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) != 0)
			return -EINVAL;
		udp = (const struct rte_udp_hdr *)(p + l4);
		if (end - l4 < sizeof(*udp))
			return -EINVAL;
		addr_set(local, 4, &ip->dst_addr, udp->dst_port);
		addr_set(remote, 4, &ip->src_addr, udp->src_port);
	} else if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV6)) {
		const struct rte_ipv6_hdr *ip6 = (const struct rte_ipv6_hdr *)p;

		if (n < sizeof(*ip6))
			return -EINVAL;
		l4 = sizeof(*ip6);
		end = l4 + rte_be_to_cpu_16(ip6->payload_len);
		if ((rte_be_to_cpu_32(ip6->vtc_flow) >> 28) != 6 || end > n ||
		    ip6->proto != IPPROTO_UDP)
			return -EINVAL;
		udp = (const struct rte_udp_hdr *)(p + l4);
		if (end - l4 < sizeof(*udp))
			return -EINVAL;
		addr_set(local, 6, ip6->dst_addr, udp->dst_port);
		addr_set(remote, 6, ip6->src_addr, udp->src_port);
	} else {
		return -EINVAL;
	}
	ulen = rte_be_to_cpu_16(udp->dgram_len);
	if (ulen < sizeof(*udp) || ulen > end - l4)
		return -EINVAL;
	*msg = (const uint8_t *)(udp + 1);
	*len = ulen - sizeof(*udp);
	if (local->port == NATT_PORT) {
		if (*len < NON_ESP_MARKER)
			return -EINVAL;
		memcpy(&marker, *msg, NON_ESP_MARKER);
		if (marker != 0)
			return -EINVAL; /* ESP: the workers keep it */
		*msg += NON_ESP_MARKER;
		*len -= NON_ESP_MARKER;
	} else if (local->port != IKE_PORT) {
		return -EINVAL;
	}
	return 0;
}

void
ike_io_input(const struct ev *ev, uint64_t now_ns)
{
	struct ike_addr local, remote;
	const struct handler *h;
	const uint8_t *msg;
	unsigned int major;
	size_t len;

	if (ev->ptr == NULL || ike_io_parse(ev->ptr, &local, &remote, &msg, &len) != 0 ||
	    len < ISAKMP_HDR_LEN) {
		counter_add(&st.bad, 1);
		return;
	}
	major = msg[ISAKMP_VER_OFF] >> 4;
	if (major != 1 && major != 2) {
		counter_add(&st.bad, 1);
		return;
	}
	counter_add(&st.rx, 1);
	h = &handlers[major - 1];
	if (h->fn == NULL) {
		counter_add(&st.no_handler, 1);
		return;
	}
	counter_add(major == 1 ? &st.rx_v1 : &st.rx_v2, 1);
	h->fn(h->ctx, now_ns, &local, &remote, msg, len);
}

/* One's complement sum of the pseudo-header of a UDP datagram of @p ulen bytes (RFC 768, RFC 8200 §8.1). */
static uint32_t
pseudo_sum(const struct ike_addr *local, const struct ike_addr *remote, uint32_t ulen)
{
	if (local->a.family == 4) {
		struct {
			uint8_t src[4];
			uint8_t dst[4];
			uint8_t zero;
			uint8_t proto;
			rte_be16_t len;
		} __rte_packed ph;

		memcpy(ph.src, local->a.addr, 4);
		memcpy(ph.dst, remote->a.addr, 4);
		ph.zero = 0;
		ph.proto = IPPROTO_UDP;
		ph.len = rte_cpu_to_be_16((uint16_t)ulen);
		return rte_raw_cksum(&ph, sizeof(ph));
	} else {
		struct {
			uint8_t src[16];
			uint8_t dst[16];
			rte_be32_t len;
			uint8_t zero[3];
			uint8_t proto;
		} __rte_packed ph;

		memcpy(ph.src, local->a.addr, 16);
		memcpy(ph.dst, remote->a.addr, 16);
		ph.len = rte_cpu_to_be_32(ulen);
		memset(ph.zero, 0, sizeof(ph.zero));
		ph.proto = IPPROTO_UDP;
		return rte_raw_cksum(&ph, sizeof(ph));
	}
}

/* Copy bytes [off, off + n) of the datagram @p head (@p head_len bytes) then @p msg into @p d. */
static void
dgram_copy(uint8_t *d, size_t off, size_t n, const uint8_t *head, size_t head_len,
    const uint8_t *msg)
{
	size_t k;

	if (off < head_len) {
		k = RTE_MIN(n, head_len - off);
		memcpy(d, head + off, k);
		d += k;
		n -= k;
		off = head_len;
	}
	if (n != 0)
		memcpy(d, msg + (off - head_len), n);
}

int
ike_io_build(struct rte_mempool *pool, uint16_t mtu, const struct ike_addr *local,
    const struct ike_addr *remote, const uint8_t *hdr, size_t hdr_len, const uint8_t *msg,
    size_t len, struct rte_mbuf **out, unsigned int max)
{
	uint8_t head[sizeof(struct rte_udp_hdr) + NON_ESP_MARKER];
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)head;
	uint8_t family = local->a.family;
	size_t ulen = sizeof(*udp) + hdr_len + len, head_len = sizeof(*udp) + hdr_len;
	size_t hl = family == 4 ? sizeof(struct rte_ipv4_hdr) : sizeof(struct rte_ipv6_hdr);
	size_t limit, chunk, off, c;
	unsigned int n = 0, k;
	uint32_t sum;
	uint16_t cksum;
	bool frag;

	if ((family != 4 && family != 6) || remote->a.family != family ||
	    hdr_len > NON_ESP_MARKER || (len != 0 && msg == NULL) || max == 0)
		return -EINVAL;
	limit = RTE_MIN((size_t)mtu,
	    (size_t)(rte_pktmbuf_data_room_size(pool) - RTE_PKTMBUF_HEADROOM -
	        sizeof(struct rte_ether_hdr)));
	if (ulen > UINT16_MAX - (family == 4 ? hl : 0) || limit < hl + IPV6_FRAG_LEN + 8)
		return -EMSGSIZE;
	udp->src_port = rte_cpu_to_be_16(local->port);
	udp->dst_port = rte_cpu_to_be_16(remote->port);
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)ulen);
	udp->dgram_cksum = 0;
	if (hdr_len != 0)
		memcpy(head + sizeof(*udp), hdr, hdr_len);
	/* Every piece but the message has an even length: the sums add up (RFC 1071). */
	sum = pseudo_sum(local, remote, (uint32_t)ulen) + rte_raw_cksum(head, head_len) +
	    (len != 0 ? rte_raw_cksum(msg, len) : 0);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	cksum = (uint16_t)~sum;
	udp->dgram_cksum = cksum == 0 ? 0xffff : cksum; /* RFC 768: 0 means none */

	frag = hl + ulen > limit;
	chunk = frag ? (limit - hl - (family == 6 ? IPV6_FRAG_LEN : 0)) & ~(size_t)7 : ulen;
	if ((ulen + chunk - 1) / chunk > max)
		return -EMSGSIZE;
	ip4_id++;
	if (frag) {
		if (!ip6_seeded) {
			ip6_seq = (uint32_t)rte_rand();
			ip6_seeded = true;
		}
		ip6_seq++;
	}
	for (off = 0; off < ulen; off += c) {
		size_t eh = family == 6 && frag ? IPV6_FRAG_LEN : 0;
		struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
		uint8_t *d;

		c = RTE_MIN(chunk, ulen - off);
		if (m == NULL)
			goto nomem;
		out[n++] = m;
		d = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(hl + eh + c));
		if (d == NULL)
			goto nomem;
		memset(d, 0, hl + eh);
		dgram_copy(d + hl + eh, off, c, head, head_len, msg);
		if (family == 4) {
			struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)d;

			ip->version_ihl = 0x45;
			ip->total_length = rte_cpu_to_be_16((uint16_t)(hl + c));
			ip->packet_id = rte_cpu_to_be_16(ip4_id);
			ip->fragment_offset = rte_cpu_to_be_16(
			    (uint16_t)(off / 8 | (off + c < ulen ? RTE_IPV4_HDR_MF_FLAG : 0)));
			ip->time_to_live = IKE_IO_TTL;
			ip->next_proto_id = IPPROTO_UDP;
			memcpy(&ip->src_addr, local->a.addr, 4);
			memcpy(&ip->dst_addr, remote->a.addr, 4);
			ip->hdr_checksum = rte_ipv4_cksum(ip);
		} else {
			struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)d;

			ip6->vtc_flow = RTE_BE32(6u << 28);
			ip6->payload_len = rte_cpu_to_be_16((uint16_t)(eh + c));
			ip6->proto = frag ? IPPROTO_FRAGMENT : IPPROTO_UDP;
			ip6->hop_limits = IKE_IO_TTL;
			memcpy(ip6->src_addr, local->a.addr, 16);
			memcpy(ip6->dst_addr, remote->a.addr, 16);
			if (frag) {
				struct rte_ipv6_fragment_ext *fh =
				    (struct rte_ipv6_fragment_ext *)(ip6 + 1);

				fh->next_header = IPPROTO_UDP;
				fh->frag_data =
				    rte_cpu_to_be_16((uint16_t)(off | (off + c < ulen ? 1 : 0)));
				fh->id = rte_cpu_to_be_32(frag_id_make(ip6_seq, FRAG_ID_CONTROL));
			}
		}
	}
	return (int)n;
nomem:
	for (k = 0; k < n; k++)
		rte_pktmbuf_free(out[k]);
	return -ENOBUFS;
}

static bool
is_ours(const struct config_addr *a)
{
	uint32_t v4;

	if (a->family == 4) {
		memcpy(&v4, a->addr, 4);
		return port_is_local_v4(v4);
	}
	return a->family == 6 && port_is_local_v6(a->addr);
}

/* The next hop towards @p dst, or NULL. */
static const struct route_nexthop *
route_to(const struct config_addr *dst)
{
	const struct route_table *rt = route_table_current();
	const struct route_nexthop *nh;
	uint8_t d6[1][16];
	uint32_t d4;
	uint16_t idx;

	if (rt == NULL)
		return NULL;
	if (dst->family == 4) {
		memcpy(&d4, dst->addr, 4);
		route_lookup_v4(rt, &d4, &idx, 1);
	} else {
		memcpy(d6[0], dst->addr, 16);
		route_lookup_v6(rt, (const uint8_t(*)[16])d6, &idx, 1);
	}
	nh = route_nexthop(rt, idx);
	return nh == NULL || nh->kind == ROUTE_NH_LOCAL || nh->port >= port_table.n ? NULL : nh;
}

/* Give the packets to the next hop's neighbour queue; what it does not take is freed. */
static int
queue_for_neigh(const struct route_nexthop *nh, const uint8_t *next, struct rte_mbuf **pkts,
    unsigned int n)
{
	uint64_t now = ctl_now_ns();
	unsigned int i, lost = 0;
	struct ev ev;

	for (i = 0; i < n; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.type = EV_NEIGH_RESOLVE;
		ev.port = nh->port;
		ev.family = nh->family;
		memcpy(ev.addr, next, nh->family == 4 ? 4 : 16);
		ev.ptr = pkts[i];
		neigh_ctl_resolve(&ev, now);
		if (ev.ptr != NULL) {
			rte_pktmbuf_free(ev.ptr);
			lost++;
		}
	}
	if (lost != 0) {
		counter_add(&st.tx_no_neigh, 1);
		return -EHOSTUNREACH;
	}
	counter_add(&st.tx_neigh_wait, 1);
	return 0;
}

/* Build, route and send one datagram; every failure counted once. */
static int
transmit(const struct ike_addr *local, const struct ike_addr *remote, const uint8_t *hdr,
    size_t hdr_len, const uint8_t *msg, size_t len)
{
	struct rte_mbuf *pkts[IKE_IO_FRAGS_MAX];
	const struct route_nexthop *nh;
	struct rte_ether_addr mac;
	struct rte_ether_hdr *eth;
	uint8_t next[16];
	int n, i, rc = 0;

	if (local == NULL || remote == NULL || (local->a.family != 4 && local->a.family != 6) ||
	    remote->a.family != local->a.family || len > IKE_MSG_MAX) {
		counter_add(&st.tx_failed, 1);
		return -EINVAL;
	}
	if (!is_ours(&local->a)) {
		counter_add(&st.tx_no_route, 1);
		return -EADDRNOTAVAIL;
	}
	if ((nh = route_to(&remote->a)) == NULL || nh->family != local->a.family) {
		counter_add(&st.tx_no_route, 1);
		return -ENETUNREACH;
	}
	n = ike_io_build(port_table.pool, port_table.port[nh->port].mtu, local, remote, hdr,
	    hdr_len, msg, len, pkts, IKE_IO_FRAGS_MAX);
	if (n < 0) {
		counter_add(&st.tx_failed, 1);
		return n;
	}
	route_next_addr(nh, remote->a.addr, next);
	if (!neigh_table_lookup(nh->port, nh->family, next, &mac)) {
		rc = queue_for_neigh(nh, next, pkts, (unsigned int)n);
		if (rc == 0) {
			counter_add(&st.tx, 1);
			counter_add(&st.tx_frames, (uint64_t)n);
		}
		return rc;
	}
	for (i = 0; i < n; i++) {
		eth = (struct rte_ether_hdr *)rte_pktmbuf_prepend(pkts[i], sizeof(*eth));
		if (eth == NULL) {
			rte_pktmbuf_free(pkts[i]);
			rc = -ENOBUFS;
			continue;
		}
		rte_ether_addr_copy(&mac, &eth->dst_addr);
		rte_ether_addr_copy(&port_table.port[nh->port].mac, &eth->src_addr);
		eth->ether_type =
		    rte_cpu_to_be_16(nh->family == 4 ? RTE_ETHER_TYPE_IPV4 : RTE_ETHER_TYPE_IPV6);
		if (ctl_tx_send(nh->port, pkts[i]) != 0)
			rc = -ENOBUFS;
	}
	if (rc != 0) {
		counter_add(&st.tx_failed, 1);
		return rc;
	}
	counter_add(&st.tx, 1);
	counter_add(&st.tx_frames, (uint64_t)n);
	return 0;
}

int
ike_io_send(const struct ike_addr *local, const struct ike_addr *remote, const uint8_t *msg,
    size_t len)
{
	static const uint8_t marker[NON_ESP_MARKER];
	bool natt;

	if (msg == NULL || len == 0) {
		counter_add(&st.tx_failed, 1);
		return -EINVAL;
	}
	natt = local != NULL && remote != NULL &&
	    (local->port == NATT_PORT || remote->port == NATT_PORT);
	return transmit(local, remote, natt ? marker : NULL, natt ? sizeof(marker) : 0, msg, len);
}

int
ike_io_send_cb(void *ctx, const struct ike_addr *local, const struct ike_addr *remote,
    const uint8_t *msg, size_t len)
{
	(void)ctx;
	return ike_io_send(local, remote, msg, len);
}

int
ike_io_keepalive(const struct ike_addr *local, const struct ike_addr *remote)
{
	static const uint8_t ka = NATT_KEEPALIVE;
	int rc = transmit(local, remote, NULL, 0, &ka, 1);

	if (rc == 0)
		counter_add(&st.keepalives_out, 1);
	return rc;
}
