/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/input.c: sort received frames at the door: ARP, ND, echo and IKE for us, transit to the SPD. */
#include <string.h>

#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "fastpath/ah.h"
#include "fastpath/esp_inbound.h"
#include "fastpath/esp_outbound.h"
#include "fastpath/forward.h"
#include "fastpath/icmp.h"
#include "fastpath/input.h"
#include "fastpath/ip6ext.h"
#include "fastpath/neigh.h"
#include "fastpath/pkt.h"
#include "fastpath/pmtu.h"
#include "fastpath/port.h"
#include "fastpath/reasm.h"
#include "fastpath/spd.h"

#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ND_NS        135
#define ICMP6_ND_NA        136

/* Not drops: the packet goes on to the SPD (transit), to decapsulation, or was handed over. */
#define INPUT_TRANSIT  DROP__MAX
#define INPUT_ESP      (DROP__MAX + 1)
#define INPUT_AH       (DROP__MAX + 2)
#define INPUT_REASM    (DROP__MAX + 3) /* a fragment addressed to us */
#define INPUT_TAKEN    (DROP__MAX + 4) /* handed over (to the control core): nothing more to do */
#define NATT_PORT      4500            /* RFC 3948 */
#define IKE_PORT       500             /* RFC 7296 §2, RFC 2408 */
#define NATT_KEEPALIVE 0xff /* the one payload byte of a NAT-keepalive (RFC 3948 §2.3) */

/* When each child was last asked for (EV_ACQUIRE), per worker: child + 1 (0: free) and TSC. */
struct acquire_memo {
	uint32_t child;
	uint64_t tsc;
};

static struct acquire_memo acquire_memo[WORKERS_MAX][ACQUIRE_SLOTS];

/*
 * Is the L4 payload at @p l4 (@p len bytes, protocol @p proto) ESP for us:
 * protocol 50, or UDP to port 4500 whose first four payload bytes are not
 * the zero non-ESP marker (RFC 3948 §2.2; those are IKE)?
 */
static bool
is_esp(uint8_t proto, const uint8_t *l4, uint32_t len)
{
	const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)l4;
	uint32_t marker;

	if (proto == IPPROTO_ESP)
		return true;
	if (proto != IPPROTO_UDP || len < sizeof(*udp) + 4 || udp->dst_port != RTE_BE16(NATT_PORT))
		return false;
	memcpy(&marker, udp + 1, 4);
	return marker != 0;
}

/*
 * Hand IKE frame @p m (data at Ethernet) to the control core.  The event
 * ring is shared with neighbour and SA events, and the mbufs waiting in it
 * come from the pool the ports receive into: at most IKE_PUNT_MAX wait,
 * the rest are dropped (a flood cannot starve the ring or the pool).
 */
static enum drop_reason
ike_punt(struct worker *w, const struct port *p, struct rte_mbuf *m)
{
	struct ev ev;

	if (rte_ring_count(w->ev) >= IKE_PUNT_MAX)
		return DROP_IKE_RING_FULL;
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_IKE;
	ev.port = (uint16_t)(p - port_table.port);
	ev.ptr = m;
	if (!worker_event(w, &ev))
		return DROP_IKE_RING_FULL;
	counter_add(&w->stats.ike_punted, 1);
	return INPUT_TAKEN;
}

/* Does the UDP checksum of IPv4 header @p ip and datagram @p l4 (@p len bytes) verify? */
static inline bool
udp4_cksum_ok(const struct rte_ipv4_hdr *ip, const uint8_t *l4, uint32_t len)
{
	uint32_t sum = rte_ipv4_phdr_cksum(ip, 0);

	sum += rte_raw_cksum(l4, len);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

/*
 * UDP to one of our addresses that is not ESP-in-UDP.  On an unprotected
 * port, UDP 500 and UDP 4500 behind the zero non-ESP marker (RFC 3948
 * §2.2) are IKE, punted to the control core; a 4500 datagram of the one
 * byte 0xff is a NAT-keepalive (§2.3), consumed.  Before that the UDP
 * length must be the IP payload's and the checksum must verify (RFC 768;
 * IPv4 may send none, IPv6 must: RFC 8200 §8.1).  Everything else finds
 * no listener.  @p ip is the IPv4 or IPv6 header (@p family), @p l4 the
 * UDP header and the @p len bytes of IP payload it starts; the frame is
 * already trimmed to the IP length.
 */
static enum drop_reason
udp_local(struct worker *w, const struct port *p, struct rte_mbuf *m, uint8_t family,
    const void *ip, const uint8_t *l4, uint32_t len)
{
	const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)l4;
	uint32_t marker;

	if (p->role != CONFIG_ROLE_UNPROTECTED || len < sizeof(*udp) ||
	    (udp->dst_port != RTE_BE16(IKE_PORT) && udp->dst_port != RTE_BE16(NATT_PORT)))
		return DROP_LOCAL_PROTO;
	if (rte_be_to_cpu_16(udp->dgram_len) != len)
		return DROP_UDP_LEN;
	if (family == 4) {
		if (udp->dgram_cksum != 0 &&
		    !udp4_cksum_ok((const struct rte_ipv4_hdr *)ip, l4, len))
			return DROP_UDP_CSUM;
	} else if (udp->dgram_cksum == 0 ||
	    !pkt_ipv6_l4_cksum_ok((const struct rte_ipv6_hdr *)ip, udp)) {
		return DROP_UDP_CSUM;
	}
	if (udp->dst_port == RTE_BE16(IKE_PORT))
		return ike_punt(w, p, m);
	if (len == sizeof(*udp) + 1 && l4[sizeof(*udp)] == NATT_KEEPALIVE) {
		counter_add(&w->stats.natt_keepalives, 1);
		return DROP_CONSUMED;
	}
	if (len < sizeof(*udp) + 4)
		return DROP_LOCAL_PROTO;
	memcpy(&marker, l4 + sizeof(*udp), 4);
	return marker == 0 ? ike_punt(w, p, m) : DROP_LOCAL_PROTO;
}

/*
 * Does the IPv4 header checksum of @p ip (@p ihl bytes) verify?  The NIC's
 * verdict where it gave one; else the one's complement sum, for the usual
 * 20-byte header as five 32-bit words (the sum is the same in any word size).
 */
static inline bool
ipv4_hdr_cksum_ok(const struct rte_mbuf *m, const struct rte_ipv4_hdr *ip, uint32_t ihl)
{
	uint64_t ck = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;
	uint64_t a, b, sum;
	uint32_t c;

	if (ck == RTE_MBUF_F_RX_IP_CKSUM_GOOD)
		return true;
	if (ck == RTE_MBUF_F_RX_IP_CKSUM_BAD)
		return false;
	if (unlikely(ihl != sizeof(*ip)))
		return rte_ipv4_cksum(ip) == 0;
	/* Three loads straight from the header (a 20-byte copy went through the stack). */
	memcpy(&a, ip, 8);
	memcpy(&b, (const uint8_t *)ip + 8, 8);
	memcpy(&c, (const uint8_t *)ip + 16, 4);
	sum = (a >> 32) + (a & 0xffffffff) + (b >> 32) + (b & 0xffffffff) + c;
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

static __rte_always_inline enum drop_reason
ipv4_input(struct worker *w, const struct port *p, struct rte_mbuf *m)
{
	const uint32_t l3 = sizeof(struct rte_ether_hdr);
	struct rte_ipv4_hdr *ip;
	uint32_t ihl, tot;
	enum drop_reason why;

	if (m->data_len < l3 + sizeof(*ip))
		return DROP_RUNT;
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l3);
	ihl = rte_ipv4_hdr_len(ip);
	tot = rte_be_to_cpu_16(ip->total_length);
	if ((ip->version_ihl >> 4) != 4 || ihl < sizeof(*ip) || tot < ihl)
		return DROP_BAD_IP;
	if (m->data_len < l3 + tot || m->data_len < l3 + ihl)
		return DROP_RUNT;
	if (!ipv4_hdr_cksum_ok(m, ip, ihl))
		return DROP_BAD_CSUM;
	if (!port_is_local_v4(ip->dst_addr)) {
		if ((rte_be_to_cpu_32(ip->dst_addr) >> 28) == 0xe || ip->dst_addr == UINT32_MAX)
			return DROP_LOCAL_PROTO; /* multicast and broadcast are not forwarded */
		pkt_trim(m, l3 + tot);
		return INPUT_TRANSIT;
	}
	if (pkt_ipv4_is_fragment(ip)) {
		pkt_trim(m, l3 + tot);
		return INPUT_REASM;
	}
	if (is_esp(ip->next_proto_id, (const uint8_t *)ip + ihl, tot - ihl)) {
		pkt_trim(m, l3 + tot);
		return INPUT_ESP;
	}
	if (ip->next_proto_id == IPPROTO_AH) {
		pkt_trim(m, l3 + tot);
		return INPUT_AH;
	}
	if (ip->next_proto_id == IPPROTO_UDP) {
		pkt_trim(m, l3 + tot);
		return udp_local(w, p, m, 4, ip, (const uint8_t *)ip + ihl, tot - ihl);
	}
	if (ip->next_proto_id != IPPROTO_ICMP)
		return DROP_LOCAL_PROTO;
	if (tot >= ihl + 2 && ((const uint8_t *)ip)[ihl] == ICMP4_UNREACH &&
	    ((const uint8_t *)ip)[ihl + 1] == ICMP4_UNREACH_NEEDFRAG)
		return pmtu_icmp_v4(w, ip, (const uint8_t *)ip + ihl, tot - ihl);
	why = icmp_echo_v4(p, m);
	if (why == DROP_NONE)
		counter_add(&w->stats.echo_replies, 1);
	return why;
}

static enum drop_reason ipv6_input(struct worker *w, const struct port *p, struct rte_mbuf *m);

/*
 * Remove the @p ext bytes of extension headers behind the fixed IPv6
 * header of @p m (data at Ethernet, one segment): the headers move up,
 * @p nh becomes the fixed header's next header.
 */
static void
strip_ext_v6(struct rte_mbuf *m, uint32_t ext, uint8_t nh)
{
	uint8_t *b = rte_pktmbuf_mtod(m, uint8_t *);
	struct rte_ipv6_hdr *ip6;

	memmove(b + ext, b, sizeof(struct rte_ether_hdr) + sizeof(*ip6));
	b = (uint8_t *)rte_pktmbuf_adj(m, (uint16_t)ext);
	ip6 = (struct rte_ipv6_hdr *)(b + sizeof(struct rte_ether_hdr));
	ip6->proto = nh;
	ip6->payload_len = rte_cpu_to_be_16((uint16_t)(rte_be_to_cpu_16(ip6->payload_len) - ext));
}

/*
 * A packet to us (@p ip, @p tot bytes, the frame trimmed to them) whose
 * fixed header is followed by hop-by-hop, routing or destination options
 * headers (RFC 8200 §4): as without them, once they pass the checks of
 * their destination (ip6ext_walk(): malformed DROP_EXT_CHAIN; an option
 * that says discard, segments left: DROP_EXT_HDR, answered with the
 * Parameter Problem RFC 8200 §4.2 and §4.4 ask for).  ESP and AH go to
 * decapsulation with them in place (transport mode gives ESP's back; AH's
 * ICV covers them).  Before UDP (IKE), ICMPv6 and a fragment header they
 * are done with: they go, and the packet is sorted again as if it had come
 * without them (the control core, the echo reply and the reassembler see
 * none).  A fragment of AH
 * cannot lose them (its ICV covers them) and the reassembler wants the
 * fragment header right after the fixed one: DROP_FRAGMENT.
 */
static __rte_noinline enum drop_reason
local_ext_v6(struct worker *w, const struct port *p, struct rte_mbuf *m, const uint8_t *ip,
    uint32_t tot)
{
	struct ip6ext x;
	enum drop_reason why;

	why = ip6ext_walk(ip, tot, IP6EXT_F_DEST, &x);
	if (why == DROP_EXT_HDR && x.pp_ptr != 0) {
		/* The caller drops it: from here on it starts at its IPv6 header. */
		rte_pktmbuf_adj(m, (uint16_t)(ip - rte_pktmbuf_mtod(m, const uint8_t *)));
		forward_param_problem(w, m, x.pp_code, x.pp_ptr);
	}
	if (why != DROP_NONE)
		return why;
	if (x.proto == IPPROTO_AH)
		return INPUT_AH;
	if (is_esp(x.proto, ip + x.off, tot - x.off))
		return INPUT_ESP;
	if (x.proto == IP6EXT_FRAGMENT) {
		if (ip[x.off] == IPPROTO_AH)
			return DROP_FRAGMENT;
	} else if (x.proto != IPPROTO_UDP && x.proto != IPPROTO_ICMPV6) {
		return DROP_LOCAL_PROTO;
	}
	strip_ext_v6(m, x.off - sizeof(struct rte_ipv6_hdr), x.proto);
	return ipv6_input(w, p, m);
}

/* An IPv6 packet not for us: multicast stays on the link, the rest goes on. */
static enum drop_reason
transit_v6(struct worker *w, const struct port *p, struct rte_mbuf *m,
    const struct rte_ipv6_hdr *ip6, uint32_t plen)
{
	if (port_is_local_v6(ip6->dst_addr)) {
		if (ip6->proto == IPPROTO_FRAGMENT &&
		    plen >= sizeof(struct rte_ipv6_fragment_ext)) {
			pkt_trim(m, sizeof(struct rte_ether_hdr) + sizeof(*ip6) + plen);
			return INPUT_REASM;
		}
		if (ip6->proto == IPPROTO_AH) {
			pkt_trim(m, sizeof(struct rte_ether_hdr) + sizeof(*ip6) + plen);
			return INPUT_AH;
		}
		pkt_trim(m, sizeof(struct rte_ether_hdr) + sizeof(*ip6) + plen);
		if (is_esp(ip6->proto, (const uint8_t *)(ip6 + 1), plen))
			return INPUT_ESP;
		if (ip6->proto == IPPROTO_UDP)
			return udp_local(w, p, m, 6, ip6, (const uint8_t *)(ip6 + 1), plen);
		if (unlikely(ip6ext_is(ip6->proto)))
			return local_ext_v6(w, p, m, (const uint8_t *)ip6, sizeof(*ip6) + plen);
		return DROP_LOCAL_PROTO;
	}
	if (ip6->dst_addr[0] == 0xff)
		return DROP_LOCAL_PROTO;
	pkt_trim(m, sizeof(struct rte_ether_hdr) + sizeof(*ip6) + plen);
	return INPUT_TRANSIT;
}

static enum drop_reason
ipv6_input(struct worker *w, const struct port *p, struct rte_mbuf *m)
{
	const uint32_t l3 = sizeof(struct rte_ether_hdr);
	struct rte_ipv6_hdr *ip6;
	enum drop_reason why;
	const uint8_t *icmp;
	uint32_t plen;

	if (m->data_len < l3 + sizeof(*ip6))
		return DROP_RUNT;
	ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, l3);
	plen = rte_be_to_cpu_16(ip6->payload_len);
	if ((rte_be_to_cpu_32(ip6->vtc_flow) >> 28) != 6)
		return DROP_BAD_IP;
	if (m->data_len < l3 + sizeof(*ip6) + plen)
		return DROP_RUNT;
	if (ip6->proto != IPPROTO_ICMPV6 || plen < 4)
		return transit_v6(w, p, m, ip6, plen);
	icmp = (const uint8_t *)(ip6 + 1);
	/* Solicitations go to the solicited-node multicast group or to us. */
	if (icmp[0] == ICMP6_ND_NS)
		return neigh_ns_input(w, p, m);
	if (icmp[0] == ICMP6_ND_NA)
		return neigh_na_input(w, p, m);
	if (!port_is_local_v6(ip6->dst_addr))
		return transit_v6(w, p, m, ip6, plen);
	if (icmp[0] == ICMP6_TOO_BIG)
		return pmtu_icmp_v6(w, ip6, icmp, plen);
	if (icmp[0] != ICMP6_ECHO_REQUEST)
		return DROP_LOCAL_PROTO;
	why = icmp_echo_v6(p, m);
	if (why == DROP_NONE)
		counter_add(&w->stats.echo_replies, 1);
	return why;
}

/*
 * The outbound slot a PROTECT policy names: its static SA's (or an IKE
 * pair's own, SA_DYN_SLOT_BASE up, spd.h), or the one reserved for its
 * child (common/limits.h); SA_MAX when it names neither.
 */
static inline uint32_t
policy_slot(const struct config_policy *pol)
{
	if (pol->sa >= 0)
		return pol->sa < SA_MAX ? (uint32_t)pol->sa : SA_MAX;
	if (pol->child >= 0 && pol->child < CONFIG_CHILDREN_MAX)
		return SA_CHILD_SLOT_BASE + (uint32_t)pol->child;
	return SA_MAX;
}

/*
 * A packet for child @p child, whose SA is not negotiated yet (or is
 * between a delete and the next negotiation): dropped, and the control
 * core told, at most every ACQUIRE_INTERVAL_MS per child and worker; it
 * decides whether to negotiate (start_action trap, RFC 4301 §5.1 "the
 * packet ... triggers the creation of an SA").
 */
static __rte_noinline void
child_without_sa(struct worker *w, struct rte_mbuf *m, uint32_t child)
{
	struct acquire_memo *a = &acquire_memo[w->index][child % ACQUIRE_SLOTS];
	uint64_t now = rte_get_tsc_cycles();
	struct ev ev;

	worker_drop(w, m, DROP_NO_CHILD_SA);
	if (a->child == child + 1 && now - a->tsc < rte_get_tsc_hz() / 1000 * ACQUIRE_INTERVAL_MS)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_ACQUIRE;
	ev.sa_id = child;
	if (worker_event(w, &ev)) {
		a->child = child + 1;
		a->tsc = now;
	}
}

/*
 * The policy check of a decrypted packet: does @p pol name the SA of
 * record id @p id?  An IKE pair with policies of its own has its slot as
 * record id, so only its own selectors pass (a peer cannot send as another).
 */
static inline bool
policy_names(const struct config_policy *pol, uint32_t id)
{
	if (pol->action != CONFIG_POLICY_PROTECT)
		return false;
	if (pol->sa >= 0)
		return (uint32_t)pol->sa == id;
	return pol->child >= 0 && SA_CHILD_SLOT_BASE + (uint32_t)pol->child == id;
}

/* Sort one classified packet: bypass to @p fwd, protect (outbound) to @p esp, the rest dropped. */
static inline void
apply_policy(struct worker *w, const struct spd *spd, enum config_direction dir, struct rte_mbuf *m,
    uint32_t match, struct rte_mbuf **fwd, uint16_t *nf, struct rte_mbuf **esp,
    struct sa_rt_out **sa, uint16_t *ne)
{
	const struct config_policy *pol = spd_policy(spd, match);
	uint32_t slot;

	if (pol == NULL || pol->action == CONFIG_POLICY_DISCARD ||
	    (pol->action == CONFIG_POLICY_PROTECT && dir == CONFIG_DIR_INBOUND)) {
		worker_drop(w, m, DROP_POLICY);
	} else if (pol->action == CONFIG_POLICY_BYPASS) {
		fwd[(*nf)++] = m;
	} else if ((slot = policy_slot(pol)) >= SA_MAX) {
		worker_drop(w, m, DROP_NO_SA);
	} else if (w->sa_out[slot] == NULL) {
		if (pol->sa >= 0)
			worker_drop(w, m, DROP_NO_SA);
		else
			child_without_sa(w, m, (uint32_t)pol->child);
	} else if (w->sa_out[slot]->owner != w->index) {
		worker_handoff(w, m, w->sa_out[slot]->owner, HANDOFF_ESP_OUT | slot);
	} else {
		sa[*ne] = w->sa_out[slot];
		esp[(*ne)++] = m;
	}
}

/*
 * What transport-mode ESP keeps in front of the IPv6 packet @p ip with
 * extension headers: the fixed header and those that stay before ESP
 * (esp_outbound_burst() drops what does not walk: then the fixed header).
 */
static __rte_noinline uint32_t
ext_front_v6(const uint8_t *ip, uint32_t len)
{
	uint32_t tot = sizeof(struct rte_ipv6_hdr) +
	    rte_be_to_cpu_16(((const struct rte_ipv6_hdr *)ip)->payload_len);
	struct ip6ext x;

	if (tot > len || ip6ext_walk(ip, tot, IP6EXT_F_SPLIT | IP6EXT_F_RT0, &x) != DROP_NONE)
		return sizeof(struct rte_ipv6_hdr);
	return x.off;
}

/* The IP header length of @p m (data at L3): what transport mode keeps in front. */
static inline uint32_t
inner_l3(const struct rte_mbuf *m)
{
	const uint8_t *ip = rte_pktmbuf_mtod(m, const uint8_t *);

	if ((ip[0] >> 4) == 4)
		return (uint32_t)(ip[0] & 0xf) * 4;
	if (likely(!ip6ext_is(ip[6])))
		return sizeof(struct rte_ipv6_hdr);
	return ext_front_v6(ip, rte_pktmbuf_data_len(m));
}

/* The length of a @p len byte packet (header @p l3) once @p sa protects it, ESP padding included. */
static inline uint32_t
protected_len(const struct sa_rt_out *sa, uint32_t len, uint32_t l3)
{
	if (sa->proto == SA_PROTO_AH)
		return len + sa->fixed;
	if (sa->mode == SA_MODE_TUNNEL)
		l3 = 0;
	return l3 + sa->fixed + RTE_ALIGN_CEIL(len - l3 + 2, (uint32_t)sa->block_len);
}

/* The longest packet (header @p l3) that @p sa turns into at most @p mtu bytes; 0: none. */
static uint32_t
usable_mtu(const struct sa_rt_out *sa, uint32_t mtu, uint32_t l3)
{
	uint32_t room;

	if (sa->proto == SA_PROTO_AH)
		return mtu > sa->fixed ? mtu - sa->fixed : 0;
	if (sa->mode == SA_MODE_TUNNEL)
		l3 = 0;
	if (mtu < l3 + sa->fixed + 2u + sa->block_len)
		return 0;
	room = mtu - l3 - sa->fixed;
	room -= room % sa->block_len;
	return l3 + room - 2;
}

/* Does @p m fit @p sa's path once protected?  The egress MTU, or a smaller one learned from ICMP. */
static inline bool
fits_path(const struct sa_rt_out *sa, const struct rte_mbuf *m)
{
	uint16_t p = __atomic_load_n(&sa->pmtu, __ATOMIC_RELAXED);
	uint32_t mtu = p != 0 && p < sa->mtu ? p : sa->mtu;

	return mtu == 0 ||
	    protected_len(sa, m->pkt_len, sa->mode == SA_MODE_TRANSPORT ? inner_l3(m) : 0) <= mtu;
}

/*
 * Room in the crypto queue for @p n more packets (fastpath/crypto_q.h)?
 * When it is short, the jobs in flight are completed and their packets
 * sent on first, unless that is what the caller is doing (a nested call:
 * then the packets take the synchronous path).
 */
static inline bool
cq_room(struct worker *w, uint16_t n)
{
	if (likely(cq_free(&w->cq) >= n))
		return true;
	if (w->cq.slot == NULL || w->cq.polling)
		return false;
	input_crypto_poll(w, true);
	return cq_free(&w->cq) >= n;
}

static void protect_burst(struct worker *w, struct rte_mbuf **m, struct sa_rt_out **sa, uint16_t n);

/* Split @p m into IPv4 fragments of at most @p mtu bytes and protect each with @p sa; false (consumed). */
static bool
protect_fragments(struct worker *w, struct rte_mbuf *m, struct sa_rt_out *sa, uint32_t mtu)
{
	struct rte_mbuf *f[BURST_MAX];
	struct sa_rt_out *fs[BURST_MAX];
	uint16_t i, k = 0;

	if (mtu >= 68)
		k = forward_fragment_inner(w, m, (uint16_t)RTE_MIN(mtu, UINT16_MAX), f, BURST_MAX);
	if (k == 0) {
		worker_drop(w, m, DROP_FRAG_NO_MBUF);
		return false;
	}
	rte_pktmbuf_free(m);
	for (i = 0; i < k; i++)
		fs[i] = sa;
	protect_burst(w, f, fs, k);
	return false;
}

/*
 * RFC 4301 §8.1: protect @p m (IPv6, at most 1280 bytes) with @p sa,
 * whose IPv6 path (@p mtu) cannot carry it whole once protected, and send
 * the outer packet in fragments of at most @p mtu bytes: the gateway is
 * its source (RFC 8200 §4.5), the peer reassembles it before decryption.
 * Consumes @p m (false).
 */
static __rte_noinline bool
protect_outer_fragments(struct worker *w, struct rte_mbuf *m, struct sa_rt_out *sa, uint32_t mtu)
{
	struct rte_mbuf *one[1] = { m };
	struct sa_rt_out *s[1] = { sa };
	uint16_t n;

	if (sa->proto == SA_PROTO_AH)
		n = ah_outbound_burst(w, one, s, 1);
	else
		n = esp_outbound_burst(w, one, s, 1);
	if (n == 1)
		forward_own_mtu(w, one[0], (uint16_t)RTE_MIN(mtu, (uint32_t)UINT16_MAX));
	return false;
}

/*
 * RFC 4301 §8: @p m would leave @p sa over the path MTU (the egress MTU,
 * or a path MTU learned from ICMP, RFC 4301 §8.2.1, which ages out after
 * PMTU_AGE_S).  An IPv4 packet with DF, and an IPv6 packet over the
 * larger of the usable inner MTU and 1280, are answered with
 * Fragmentation Needed / Packet Too Big carrying that MTU and dropped
 * (false).  The rest must still get through, in fragments (§8.1 allows
 * fragmenting before or after IPsec):
 * - IPv6 of at most 1280 bytes over a path that cannot carry it whole
 *   once protected: no one may fragment the inner packet on the way
 *   (RFC 8200 §5: IPv6 links carry 1280 bytes; a tunnel that cannot
 *   fragments below IPv6), so the outer packet is fragmented: an IPv4
 *   one (never DF) on its way out, true; an IPv6 one by the gateway as
 *   its source, here (false).
 * - IPv4 without DF into an IPv4 tunnel goes on (true): the outer packet
 *   is fragmented.  Into an IPv6 tunnel it is fragmented before it is
 *   protected (false): its source allowed fragmenting it, the destination
 *   host reassembles it as it would any fragment, and the peer gateway gets
 *   whole ESP packets, each checked alone, with no reassembly state to
 *   hold (or to be flooded) before decryption; outer IPv6 fragments are
 *   kept for what no one else may fragment.
 */
static __rte_noinline bool
too_big_for_sa(struct worker *w, struct rte_mbuf *m, struct sa_rt_out *sa)
{
	const uint8_t *ip = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t mtu = sa->mtu, l3 = sa->mode == SA_MODE_TRANSPORT ? inner_l3(m) : 0, usable;
	uint16_t p = __atomic_load_n(&sa->pmtu, __ATOMIC_RELAXED);

	if (p != 0 && p < mtu) {
		uint64_t age =
		    rte_get_tsc_cycles() - __atomic_load_n(&sa->pmtu_tsc, __ATOMIC_RELAXED);

		if (age > (uint64_t)PMTU_AGE_S * rte_get_tsc_hz()) {
			__atomic_store_n(&sa->pmtu, 0, __ATOMIC_RELAXED); /* RFC 1191 §6.3 */
			if (protected_len(sa, m->pkt_len, l3) <= mtu)
				return true;
		} else {
			mtu = p;
		}
	}
	usable = usable_mtu(sa, mtu, l3);
	if ((ip[0] >> 4) == 4) {
		const struct rte_ipv4_hdr *h = (const struct rte_ipv4_hdr *)ip;

		if ((h->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG)) == 0) {
			if (sa->family == 6)
				return protect_fragments(w, m, sa, usable);
			return true;
		}
		forward_too_big(w, m, RTE_MAX(usable, 68u));
		return false;
	}
	if (usable < PMTU_MIN_V6 && m->pkt_len <= PMTU_MIN_V6) {
		if (sa->family == 4)
			return true;
		return protect_outer_fragments(w, m, sa, mtu);
	}
	forward_too_big(w, m, RTE_MAX(usable, (uint32_t)PMTU_MIN_V6));
	return false;
}

/* Protect with ESP or AH, by each SA's protocol, and send the result on. */
static void
protect_burst(struct worker *w, struct rte_mbuf **m, struct sa_rt_out **sa, uint16_t n)
{
	struct rte_mbuf *me[BURST_MAX], *ma[BURST_MAX];
	struct sa_rt_out *se[BURST_MAX], *sh[BURST_MAX];
	uint16_t i, ne = 0, na = 0;

	for (i = 0; i < n; i++) {
		if (unlikely(!fits_path(sa[i], m[i])) && !too_big_for_sa(w, m[i], sa[i]))
			continue;
		if (sa[i]->proto == SA_PROTO_AH) {
			sh[na] = sa[i];
			ma[na++] = m[i];
		} else {
			se[ne] = sa[i];
			me[ne++] = m[i];
		}
	}
	/* The outer header is the gateway's own: its TTL is not decremented. */
	if (ne != 0 && cq_room(w, ne)) {
		esp_outbound_submit(w, me, se, ne);
		input_crypto_poll(w, false);
	} else if (ne != 0) {
		ne = esp_outbound_burst(w, me, se, ne);
		forward_burst(w, me, ne, FORWARD_OWN);
	}
	if (na != 0 && cq_room(w, na)) {
		ah_outbound_submit(w, ma, sh, na);
		input_crypto_poll(w, false);
	} else if (na != 0) {
		na = ah_outbound_burst(w, ma, sh, na);
		forward_burst(w, ma, na, FORWARD_OWN);
	}
}

/*
 * Decrypted packets (data at the inner IP header), m[i] from sa[i], must
 * match the inbound policy that names their SA (RFC 4301 §5.2); then they
 * are forwarded.
 */
static void
decrypted_burst(struct worker *w, struct rte_mbuf **m, struct sa_rt_in **sa, uint16_t k)
{
	const struct spd *spd = worker_spd();
	const struct config_policy *pol;
	const uint8_t *v4[BURST_MAX], *v6[BURST_MAX];
	uint32_t match[BURST_MAX], m4[BURST_MAX], m6[BURST_MAX];
	uint16_t i, n4 = 0, n6 = 0, nf = 0;

	if (unlikely(spd == NULL)) {
		for (i = 0; i < k; i++)
			worker_drop(w, m[i], DROP_POLICY);
		return;
	}
	/* One classification per family for the whole burst (rte_acl is slow one by one). */
	for (i = 0; i < k; i++) {
		const uint8_t *ip = rte_pktmbuf_mtod(m[i], const uint8_t *);

		if ((ip[0] >> 4) == 4)
			v4[n4++] = ip;
		else
			v6[n6++] = ip;
	}
	if (n6 == 0) { /* one family (the usual burst): the results are in packet order already */
		if (n4 != 0)
			spd_classify_v4(spd, CONFIG_DIR_INBOUND, v4, match, n4);
	} else if (n4 == 0) {
		spd_classify_v6(spd, CONFIG_DIR_INBOUND, v6, match, n6);
	} else {
		spd_classify_v4(spd, CONFIG_DIR_INBOUND, v4, m4, n4);
		spd_classify_v6(spd, CONFIG_DIR_INBOUND, v6, m6, n6);
		for (i = 0, n4 = 0, n6 = 0; i < k; i++) {
			const uint8_t *ip = rte_pktmbuf_mtod(m[i], const uint8_t *);

			match[i] = (ip[0] >> 4) == 4 ? m4[n4++] : m6[n6++];
		}
	}
	for (i = 0; i < k; i++) {
		pol = spd_policy(spd, match[i]);
		if (pol == NULL || !policy_names(pol, sa[i]->id)) {
			counter_add(&sa[i]->cnt.drops, 1);
			worker_drop(w, m[i], DROP_POLICY);
			continue;
		}
		m[nf++] = m[i];
	}
	if (nf != 0)
		forward_burst(w, m, nf, FORWARD_DECRYPTED);
}

/* ESP or AH packets addressed to us: decrypt / verify, then decrypted_burst(). */
static void
ipsec_in_burst(struct worker *w, struct rte_mbuf **m, uint16_t n, bool ah)
{
	struct sa_rt_in *sa[BURST_MAX];
	uint16_t k;

	if (n <= BURST_MAX && cq_room(w, n)) {
		if (ah)
			ah_inbound_submit(w, m, n);
		else
			esp_inbound_submit(w, m, n);
		input_crypto_poll(w, false);
		return;
	}
	k = ah ? ah_inbound_burst(w, m, sa, n) : esp_inbound_burst(w, m, sa, n);
	decrypted_burst(w, m, sa, k);
}

void
input_crypto_poll(struct worker *w, bool flush)
{
	struct crypto_q *q = &w->cq;
	struct cq_slot *s[BURST_MAX], *h;
	struct rte_mbuf *m[BURST_MAX];
	struct sa_rt_in *sa[BURST_MAX];
	struct sa_rt_out *so[BURST_MAX];
	uint16_t n, k;
	uint8_t kind;

	if (q->polling || !cq_busy(q))
		return;
	if (flush)
		crypto_mb_flush(w->mb);
	q->polling = 1;
	while (cq_busy(q)) {
		h = cq_at(q, q->head);
		if (h->op.status == CRYPTO_MB_PENDING)
			break;
		kind = h->kind;
		for (n = 0; n < BURST_MAX && q->head + n != q->tail; n++) {
			h = cq_at(q, q->head + n);
			if (h->op.status == CRYPTO_MB_PENDING || h->kind != kind)
				break;
			s[n] = h;
		}
		/* The slots are free once finished: what is sent on may start more. */
		if (kind == CQ_ESP_OUT || kind == CQ_AH_OUT) {
			k = kind == CQ_ESP_OUT ? esp_outbound_done(w, s, n, m, so) :
			                         ah_outbound_done(w, s, n, m);
			q->head += n;
			q->finished += n;
			/* The outer header is the gateway's own: its TTL is not decremented. */
			if (k != 0 && kind == CQ_ESP_OUT)
				forward_own_esp(w, m, so, k);
			else if (k != 0)
				forward_burst(w, m, k, FORWARD_OWN);
		} else {
			k = kind == CQ_ESP_IN ? esp_inbound_done(w, s, n, m, sa) :
			                        ah_inbound_done(w, s, n, m, sa);
			q->head += n;
			q->finished += n;
			if (k != 0)
				decrypted_burst(w, m, sa, k);
		}
	}
	if (!cq_busy(q))
		q->head = q->tail = 0; /* the next burst takes the slots still in cache */
	q->polling = 0;
}

/*
 * Transit packets (data at the IP header) against the SPD of their
 * direction: what enters on a protected port is outbound traffic, what
 * enters on an unprotected port inbound cleartext (RFC 4301 §5.1, §5.2:
 * cleartext that a PROTECT policy covers is discarded).
 */
static void
transit_burst(struct worker *w, const struct port *p, struct rte_mbuf **m, uint16_t n)
{
	enum config_direction dir =
	    p->role == CONFIG_ROLE_PROTECTED ? CONFIG_DIR_OUTBOUND : CONFIG_DIR_INBOUND;
	const struct spd *spd = worker_spd();
	const uint8_t *v4[BURST_MAX], *v6[BURST_MAX];
	struct rte_mbuf *m4[BURST_MAX], *m6[BURST_MAX], *fwd[BURST_MAX], *esp[BURST_MAX];
	struct sa_rt_out *sa[BURST_MAX];
	uint32_t match[BURST_MAX];
	uint16_t i, n4 = 0, n6 = 0, nf = 0, ne = 0;

	for (i = 0; i < n; i++) {
		const uint8_t *ip = rte_pktmbuf_mtod(m[i], const uint8_t *);

		if ((ip[0] >> 4) == 4) {
			v4[n4] = ip;
			m4[n4++] = m[i];
		} else {
			v6[n6] = ip;
			m6[n6++] = m[i];
		}
	}
	if (spd == NULL) {
		for (i = 0; i < n; i++)
			worker_drop(w, m[i], DROP_POLICY);
		return;
	}
	if (n4 != 0)
		spd_classify_v4(spd, dir, v4, match, n4);
	for (i = 0; i < n4; i++)
		apply_policy(w, spd, dir, m4[i], match[i], fwd, &nf, esp, sa, &ne);
	if (n6 != 0)
		spd_classify_v6(spd, dir, v6, match, n6);
	for (i = 0; i < n6; i++)
		apply_policy(w, spd, dir, m6[i], match[i], fwd, &nf, esp, sa, &ne);
	if (nf != 0)
		forward_burst(w, fwd, nf, FORWARD_TRANSIT);
	if (ne != 0)
		protect_burst(w, esp, sa, ne);
}

void
input_burst(struct worker *w, uint16_t port, struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_mbuf *transit[BURST_MAX], *esp[BURST_MAX], *ah[BURST_MAX];
	uint16_t nt = 0, ne = 0, na = 0;
	const struct port *p = &port_table.port[port];
	const struct rte_ether_hdr *eth;
	struct rte_mbuf *m;
	enum drop_reason why;
	uint16_t i;

	for (i = 0; i < n; i++) {
		m = pkts[i];
		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		if (unlikely(m->data_len < sizeof(*eth))) {
			worker_drop(w, m, DROP_RUNT);
			continue;
		}
		eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
		if (unlikely(rte_is_same_ether_addr(&eth->src_addr, &p->mac))) {
			worker_drop(w, m, DROP_OWN_FRAME);
			continue;
		}
		if (rte_is_unicast_ether_addr(&eth->dst_addr) &&
		    !rte_is_same_ether_addr(&eth->dst_addr, &p->mac)) {
			worker_drop(w, m, DROP_NOT_FOR_US);
			continue;
		}
		/*
		 * Everything after the door takes one segment with room to grow:
		 * a chain (scatter rx, jumbo frames) or a frame that fills its
		 * buffer is copied into one big buffer (fastpath/reasm.h).
		 */
		if (unlikely(m->nb_segs != 1 || rte_pktmbuf_tailroom(m) < RX_TAILROOM_MIN)) {
			m = reasm_linearize(w->reasm, m, &why);
			if (m == NULL) {
				counter_add(&w->stats.drops[why], 1); /* already freed */
				continue;
			}
			eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
		}
		switch (eth->ether_type) {
		case RTE_BE16(RTE_ETHER_TYPE_ARP):
			why = neigh_arp_input(w, p, m);
			break;
		case RTE_BE16(RTE_ETHER_TYPE_IPV4):
			why = ipv4_input(w, p, m);
			break;
		case RTE_BE16(RTE_ETHER_TYPE_IPV6):
			why = ipv6_input(w, p, m);
			break;
		default:
			why = DROP_ETHERTYPE;
			break;
		}
		if (unlikely(why == INPUT_REASM)) {
			/* Kept until complete; a whole packet is sorted again, as if it had just arrived. */
			bool v4;

			/* Read again: strip_ext_v6() may have moved the headers. */
			eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
			v4 = eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV4);

			m = v4 ? reasm_ipv4(w->reasm, m, &why) : reasm_ipv6(w->reasm, m, &why);
			if (m == NULL) {
				if (why != DROP_NONE)
					counter_add(&w->stats.drops[why], 1); /* already freed */
				continue;
			}
			why = v4 ? ipv4_input(w, p, m) : ipv6_input(w, p, m);
			if (why == INPUT_REASM)
				why = DROP_FRAGMENT; /* still a fragment: malformed */
		}
		if (why == INPUT_TAKEN)
			continue;
		if (why == INPUT_TRANSIT || why == INPUT_ESP || why == INPUT_AH) {
			/* rte_pktmbuf_adj() without its check: the door saw the header. */
			m->data_off += sizeof(struct rte_ether_hdr);
			m->data_len -= sizeof(struct rte_ether_hdr);
			m->pkt_len -= sizeof(struct rte_ether_hdr);
			if (why == INPUT_ESP)
				esp[ne++] = m;
			else if (why == INPUT_AH)
				ah[na++] = m;
			else
				transit[nt++] = m;
			continue;
		}
		if (why != DROP_NONE) {
			worker_drop(w, m, why);
			continue;
		}
		worker_tx(w, port, m);
	}
	if (worker_spd() == NULL) {
		while (ne != 0)
			worker_drop(w, esp[--ne], DROP_POLICY);
		while (na != 0)
			worker_drop(w, ah[--na], DROP_POLICY);
	}
	if (ne != 0)
		ipsec_in_burst(w, esp, ne, false);
	if (na != 0)
		ipsec_in_burst(w, ah, na, true);
	if (nt != 0)
		transit_burst(w, p, transit, nt);
}

void
input_handoff_burst(struct worker *w, struct rte_mbuf **m, uint16_t n)
{
	struct rte_mbuf *esp[BURST_MAX], *ah[BURST_MAX], *out[BURST_MAX];
	struct sa_rt_out *sa[BURST_MAX];
	uint16_t i, ne = 0, na = 0, no = 0;
	uint32_t kind, slot;

	counter_add(&w->stats.handoff_in, n);
	for (i = 0; i < n; i++) {
		kind = HANDOFF_KIND(m[i]->hash.usr);
		slot = HANDOFF_SLOT(m[i]->hash.usr);
		if (kind == HANDOFF_ESP_IN) {
			esp[ne++] = m[i];
		} else if (kind == HANDOFF_AH_IN) {
			ah[na++] = m[i];
		} else if ((kind == HANDOFF_ESP_OUT || kind == HANDOFF_AH_OUT) && slot < SA_MAX &&
		    w->sa_out[slot] != NULL) {
			sa[no] = w->sa_out[slot];
			out[no++] = m[i];
		} else {
			worker_drop(w, m[i], DROP_NO_SA); /* deleted on the way */
		}
	}
	if (ne != 0)
		ipsec_in_burst(w, esp, ne, false);
	if (na != 0)
		ipsec_in_burst(w, ah, na, true);
	if (no != 0)
		protect_burst(w, out, sa, no);
}

void
input_protect_own(struct worker *w, const struct spd *spd, struct rte_mbuf *m, uint32_t match)
{
	struct rte_mbuf *fwd[1], *esp[1];
	struct sa_rt_out *sa[1];
	uint16_t nf = 0, ne = 0;

	apply_policy(w, spd, CONFIG_DIR_OUTBOUND, m, match, fwd, &nf, esp, sa, &ne);
	if (nf != 0)
		forward_burst(w, fwd, nf, FORWARD_OWN);
	if (ne != 0)
		protect_burst(w, esp, sa, ne);
}
