/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/forward.c: the last stage of every transit packet: route, TTL, MTU, neighbour, L2. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_random.h>

#include "fastpath/addr.h"
#include "fastpath/forward.h"
#include "fastpath/frag.h"
#include "fastpath/icmp.h"
#include "fastpath/neigh_table.h"
#include "fastpath/port.h"
#include "fastpath/input.h"
#include "fastpath/route.h"
#include "fastpath/spd.h"

/* How forward1() treats a packet. */
#define FWD_DECREMENT 0x1 /* forwarded: TTL / hop limit counts down */
#define FWD_GENERATED 0x2 /* an ICMP error or fragment we made: no errors, no fragmenting */
#define FWD_FROM_SA   0x4 /* decrypted: errors about it stay off the unprotected side */

/* Packets forward1() made (errors, fragments), sent right after the one it was given. */
struct fwd_gen {
	const struct spd *spd; /* the SPD the protect matches come from (worker_spd()) */
	uint16_t own_mtu;      /* our own IPv6 packets fit this too (an SA's path MTU); 0: none */
	uint16_t n;
	struct rte_mbuf *m[FRAG_MAX];
	uint32_t
	    protect[FRAG_MAX]; /* an error's PROTECT policy (SPD match index), else FWD_CLEAR */
};

#define FWD_CLEAR UINT32_MAX

/*
 * The last next hop forward1() resolved in this chunk, so that a run of
 * packets to one next hop looks its MAC up once.  Lives for one chunk (one
 * pass of the worker loop), like any MAC the worker read.
 */
struct fwd_memo {
	bool valid;
	uint8_t family;
	uint16_t port;
	uint8_t next[16];
	struct rte_ether_addr mac;
	/* IPv4: the route next-hop index it came from (else ROUTE_NH_NONE), its kind and MTU. */
	uint16_t idx;
	uint8_t kind;
	uint16_t mtu;
};

/*
 * Per-worker ICMP error token bucket and counters, indexed by worker
 * index.  Owner: that worker (single writer); forward_stats_read() reads.
 */
struct fwd_lcore {
	struct forward_stats st;
	uint64_t last_tsc; /* when tokens were last credited; 0: bucket not primed */
	uint32_t tokens;
	uint32_t frag_seq; /* IPv6 Identification counter (frag_id()) */
	bool frag_seeded;  /* frag_seq has its random start */
} __rte_cache_aligned;

static struct fwd_lcore fwd_lcore[WORKERS_MAX];

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), for one 16-bit word changing from @p old to @p new. */
static inline uint16_t
cksum_update16(uint16_t hc, uint16_t old, uint16_t new)
{
	uint32_t sum = (uint16_t)~hc + (uint16_t)~old + (uint32_t) new;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* IPv4 TTL minus one, the header checksum updated (RFC 1624). */
static inline void
ttl_decrement(struct rte_ipv4_hdr *h)
{
	uint16_t before, after;

	/* TTL and protocol as one word: one load, one store, no partial overlap. */
	memcpy(&before, &h->time_to_live, 2);
	after = rte_cpu_to_be_16((uint16_t)(rte_be_to_cpu_16(before) - 0x100));
	memcpy(&h->time_to_live, &after, 2);
	h->hdr_checksum = cksum_update16(h->hdr_checksum, before, after);
}

/* Put the Ethernet header to @p mac on @p m (data at L3) and queue it on port index @p port. */
static inline enum drop_reason
l2_send(struct worker *w, struct rte_mbuf *m, uint16_t port, const struct rte_ether_addr *mac,
    uint16_t ethertype)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eth));

	if (eth == NULL)
		return DROP_RUNT;
	rte_ether_addr_copy(mac, &eth->dst_addr);
	rte_ether_addr_copy(&port_table.port[port].mac, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(ethertype);
	worker_tx(w, port, m);
	return DROP_NONE;
}

/* Hand @p m (data at L3) to the control core, which resolves @p addr on @p port and sends it. */
static bool
want_neigh(struct worker *w, uint16_t port, uint8_t family, const uint8_t *addr, struct rte_mbuf *m)
{
	struct ev ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = EV_NEIGH_RESOLVE;
	ev.port = port;
	ev.family = family;
	memcpy(ev.addr, addr, family == 4 ? 4 : 16);
	ev.ptr = m;
	return worker_event(w, &ev);
}

/*
 * Take a token for one ICMP error (RFC 1812 §4.3.2.8): ICMP_ERR_RATE a
 * second, ICMP_ERR_BURST at most in a row.  An error without a token is
 * not sent, and counted.
 */
static bool
icmp_token(struct fwd_lcore *l)
{
	uint64_t now = rte_get_tsc_cycles(), per = rte_get_tsc_hz() / ICMP_ERR_RATE, n;

	if (per == 0)
		per = 1;
	if (unlikely(l->last_tsc == 0)) {
		l->tokens = ICMP_ERR_BURST;
		l->last_tsc = now;
	}
	n = (now - l->last_tsc) / per;
	if (n != 0) {
		if (n >= ICMP_ERR_BURST - l->tokens) {
			l->tokens = ICMP_ERR_BURST;
			l->last_tsc = now;
		} else {
			l->tokens += (uint32_t)n;
			l->last_tsc += n * per;
		}
	}
	if (l->tokens == 0) {
		counter_add(&l->st.icmp_ratelimited, 1);
		return false;
	}
	l->tokens--;
	return true;
}

/* Port @p p's source address for an error to @p next (on its link), else its first address. */
static bool
error_src(const struct port *p, uint8_t family, const uint8_t *next, uint8_t *src)
{
	if (port_src_for(p, family, next, src))
		return true;
	if (family == 4 && p->n_v4 != 0) {
		memcpy(src, &p->v4[0], 4);
		return true;
	}
	if (family == 6 && p->n_v6 != 0) {
		memcpy(src, p->v6[0], 16);
		return true;
	}
	return false;
}

/*
 * Answer @p m with ICMP error @p type / @p code (@p mtu for Fragmentation
 * Needed / Packet Too Big), into @p gen.  The error leaves from the
 * address of the port that leads back to m's source.  Nothing is sent
 * where RFC 1812 §4.3.2.7 / RFC 4443 §2.4 e forbid it, nor without a
 * route back, a token or an mbuf (the last three counted).
 */
/*
 * May an error from @p src to @p dst (family @p family) leave through
 * port @p port?  See forward.h: the outbound SPD decides on the
 * unprotected side.  The SPD sees a bare ICMP header (ports opaque).
 */
/* The outbound SPD match (for spd_policy()) of an ICMP error from @p src to @p dst. */
static uint32_t
error_classify(const struct spd *spd, uint8_t family, const uint8_t *src, const uint8_t *dst)
{
	uint8_t hdr[sizeof(struct rte_ipv6_hdr) + 8];
	const uint8_t *ip[1] = { hdr };
	uint32_t match;

	memset(hdr, 0, sizeof(hdr));
	if (family == 4) {
		struct rte_ipv4_hdr *h = (struct rte_ipv4_hdr *)hdr;

		h->version_ihl = 0x45;
		h->total_length = RTE_BE16(sizeof(*h) + 8);
		h->next_proto_id = IPPROTO_ICMP;
		memcpy(&h->src_addr, src, 4);
		memcpy(&h->dst_addr, dst, 4);
		spd_classify_v4(spd, CONFIG_DIR_OUTBOUND, ip, &match, 1);
	} else {
		struct rte_ipv6_hdr *h = (struct rte_ipv6_hdr *)hdr;

		h->vtc_flow = RTE_BE32(6u << 28);
		h->payload_len = RTE_BE16(8);
		h->proto = IPPROTO_ICMPV6;
		memcpy(h->src_addr, src, 16);
		memcpy(h->dst_addr, dst, 16);
		spd_classify_v6(spd, CONFIG_DIR_OUTBOUND, ip, &match, 1);
	}
	return match;
}

/* The first address of family @p family of a protected port, in @p src; false when none. */
static bool
protected_src(uint8_t family, uint8_t *src)
{
	unsigned int i;

	for (i = 0; i < port_table.n; i++) {
		const struct port *p = &port_table.port[i];

		if (p->role != CONFIG_ROLE_PROTECTED)
			continue;
		if (family == 4 && p->n_v4 != 0) {
			memcpy(src, &p->v4[0], 4);
			return true;
		}
		if (family == 6 && p->n_v6 != 0) {
			memcpy(src, p->v6[0], 16);
			return true;
		}
	}
	return false;
}

/*
 * May an error from @p src to @p dst (family @p family) leave through
 * port @p port?  See forward.h: the outbound SPD decides on the
 * unprotected side (@p spd sees a bare ICMP header, ports opaque).
 * true with *@p protect FWD_CLEAR: send it in the clear; true with the
 * SPD match of a PROTECT policy: send it through that policy's SA.  An
 * error about a decrypted packet that no policy covers from @p src is
 * tried again from a protected port's address (written to @p src when a
 * PROTECT policy covers it): the way back to its source is the tunnel.
 */
static bool
error_policy(const struct spd *spd, const struct port *port, uint8_t family, uint8_t *src,
    const uint8_t *dst, unsigned int flags, uint32_t *protect)
{
	const struct config_policy *pol;
	uint8_t alt[16];
	uint32_t match;

	*protect = FWD_CLEAR;
	if (port->role != CONFIG_ROLE_UNPROTECTED)
		return true;
	if (spd == NULL)
		return (flags & FWD_FROM_SA) == 0;
	match = error_classify(spd, family, src, dst);
	pol = spd_policy(spd, match);
	if (pol == NULL && (flags & FWD_FROM_SA) != 0 && protected_src(family, alt)) {
		match = error_classify(spd, family, alt, dst);
		pol = spd_policy(spd, match);
		if (pol == NULL || pol->action != CONFIG_POLICY_PROTECT)
			return false;
		memcpy(src, alt, family == 4 ? 4 : 16);
	}
	if (pol == NULL)
		return (flags & FWD_FROM_SA) == 0;
	if (pol->action == CONFIG_POLICY_PROTECT)
		*protect = match;
	return pol->action != CONFIG_POLICY_DISCARD;
}

static void
send_error(struct worker *w, const struct route_table *rt, const struct rte_mbuf *m, uint8_t family,
    uint8_t type, uint8_t code, uint32_t mtu, unsigned int flags, struct fwd_gen *gen)
{
	struct fwd_lcore *l = &fwd_lcore[w->index];
	const struct route_nexthop *nh;
	uint8_t next[16], src[16];
	const uint8_t *orig_src;
	struct rte_mbuf *e;
	uint32_t protect;
	uint16_t idx;

	if (gen->n == FRAG_MAX)
		return;
	if (family == 4) {
		const struct rte_ipv4_hdr *h = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
		uint32_t s = h->src_addr;

		if (!icmp_error_ok_v4(m))
			return;
		route_lookup_v4(rt, &s, &idx, 1);
		orig_src = (const uint8_t *)&h->src_addr;
	} else {
		const struct rte_ipv6_hdr *h = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
		uint8_t s6[1][16];

		if (!icmp_error_ok_v6(m, type))
			return;
		memcpy(s6[0], h->src_addr, 16);
		route_lookup_v6(rt, (const uint8_t(*)[16])s6, &idx, 1);
		orig_src = h->src_addr;
	}
	if ((nh = route_nexthop(rt, idx)) == NULL || nh->kind == ROUTE_NH_LOCAL) {
		counter_add(&l->st.icmp_unroutable, 1);
		return;
	}
	route_next_addr(nh, orig_src, next);
	if (!error_src(&port_table.port[nh->port], family, next, src)) {
		counter_add(&l->st.icmp_unroutable, 1);
		return;
	}
	if (!error_policy(gen->spd, &port_table.port[nh->port], family, src, orig_src, flags,
	        &protect)) {
		counter_add(&l->st.icmp_policy, 1);
		return;
	}
	if (!icmp_token(l))
		return;
	if (family == 4)
		e = icmp_error_v4(port_table.pool, m, src, type, code, (uint16_t)mtu);
	else
		e = icmp_error_v6(port_table.pool, m, src, type, code, mtu);
	if (e == NULL) {
		counter_add(&l->st.icmp_no_mbuf, 1);
		return;
	}
	counter_add(&l->st.icmp_errors, 1);
	if (protect != FWD_CLEAR)
		counter_add(&l->st.icmp_protected, 1);
	gen->protect[gen->n] = protect;
	gen->m[gen->n++] = e;
}

/*
 * An IPv4 packet over the egress @p mtu: with DF (or one we made) it is
 * dropped and, unless we made it, answered with Fragmentation Needed
 * (RFC 1191); without DF it becomes fragments in @p gen and is freed
 * here (DROP_NONE).  A packet the gateway sourced with DF (its own ESP)
 * gets no error: icmp_error_ok_v4() refuses our own source.
 * (An inner packet that would not fit once protected is answered before
 * encryption: forward_too_big(), called by the outbound IPsec path.)
 */
static enum drop_reason
too_big_v4(struct worker *w, const struct route_table *rt, struct rte_mbuf *m, uint16_t mtu,
    unsigned int flags, struct fwd_gen *gen)
{
	const struct rte_ipv4_hdr *h = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	struct fwd_lcore *l = &fwd_lcore[w->index];
	uint16_t k, j;

	if ((flags & FWD_GENERATED) != 0)
		return DROP_MTU;
	if ((h->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG)) != 0) {
		send_error(w, rt, m, 4, ICMP4_UNREACH, ICMP4_UNREACH_NEEDFRAG, mtu, flags, gen);
		return DROP_MTU;
	}
	k = frag_ipv4(port_table.pool, m, mtu, &gen->m[gen->n], (uint16_t)(FRAG_MAX - gen->n));
	if (k == 0)
		return DROP_FRAG_NO_MBUF;
	for (j = 0; j < k; j++)
		gen->protect[gen->n++] = FWD_CLEAR;
	counter_add(&l->st.fragmented, 1);
	counter_add(&l->st.fragments, k);
	rte_pktmbuf_free(m);
	return DROP_NONE;
}

uint16_t
forward_fragment_inner(struct worker *w, const struct rte_mbuf *m, uint16_t mtu,
    struct rte_mbuf **out, uint16_t max)
{
	struct fwd_lcore *l = &fwd_lcore[w->index];
	uint16_t k = frag_ipv4(port_table.pool, m, mtu, out, max);

	if (k != 0) {
		counter_add(&l->st.fragmented, 1);
		counter_add(&l->st.fragments, k);
	}
	return k;
}

/* The Identification of the next IPv6 packet this worker fragments (frag.h frag_id_make()). */
static uint32_t
frag_id(struct worker *w, struct fwd_lcore *l)
{
	if (unlikely(!l->frag_seeded)) {
		l->frag_seq = (uint32_t)rte_rand();
		l->frag_seeded = true;
	}
	return frag_id_make(++l->frag_seq, w->index);
}

/*
 * The gateway's own IPv6 packet (its ESP or AH) over @p mtu: as its
 * source it may fragment it (RFC 8200 §4.5, §5; RFC 4301 §8.1 leaves the
 * outer packet's fragmentation to the sender), into @p gen, freed here
 * (DROP_NONE).  The peer reassembles before it decrypts.
 */
static enum drop_reason
too_big_own_v6(struct worker *w, struct rte_mbuf *m, uint16_t mtu, struct fwd_gen *gen)
{
	struct fwd_lcore *l = &fwd_lcore[w->index];
	int k, j;

	k = frag_ipv6(port_table.pool, m, mtu, frag_id(w, l), &gen->m[gen->n],
	    (uint16_t)(FRAG_MAX - gen->n));
	if (k == -ENOBUFS)
		return DROP_FRAG_NO_MBUF;
	if (k <= 0)
		return DROP_MTU;
	for (j = 0; j < k; j++)
		gen->protect[gen->n++] = FWD_CLEAR;
	counter_add(&l->st.fragmented, 1);
	counter_add(&l->st.fragments, (uint64_t)k);
	rte_pktmbuf_free(m);
	return DROP_NONE;
}

/*
 * The memo (a next hop just resolved to its MAC) serves forward_fast_v4()
 * for the packets of route next hop @p idx after it: IPv4 only.
 */
static inline void
memo_route(struct fwd_memo *memo, const struct route_nexthop *nh, uint16_t idx, uint16_t mtu)
{
	memo->idx = memo->family == 4 ? idx : ROUTE_NH_NONE;
	memo->kind = nh->kind;
	memo->mtu = mtu;
}

/*
 * Forward @p m (data at L3) whose destination @p idx routes to (see
 * route_lookup_v4/_v6; the caller looked it up, in bulk where it could).
 */
static enum drop_reason
forward1(struct worker *w, const struct route_table *rt, struct rte_mbuf *m, uint16_t idx,
    unsigned int flags, struct fwd_gen *gen, struct fwd_memo *memo)
{
	const struct route_nexthop *nh;
	struct rte_ether_addr mac;
	uint8_t *ip = rte_pktmbuf_mtod(m, uint8_t *), next[16], family;
	uint16_t ethertype, mtu;

	family = (ip[0] >> 4) == 4 ? 4 : 6;
	if (family == 4) {
		struct rte_ipv4_hdr *h = (struct rte_ipv4_hdr *)ip;

		if ((nh = route_nexthop(rt, idx)) == NULL)
			return DROP_NO_ROUTE;
		if (nh->kind == ROUTE_NH_LOCAL)
			return DROP_LOCAL_PROTO; /* to us after all (e.g. from a tunnel) */
		if ((flags & FWD_DECREMENT) != 0 && h->time_to_live <= 1) {
			send_error(w, rt, m, 4, ICMP4_TIMXCEED, 0, 0, flags, gen);
			return DROP_TTL;
		}
		mtu = port_table.port[nh->port].mtu;
		/* DF: the error quotes the header as it arrived, before the decrement. */
		if (m->pkt_len > mtu &&
		    ((flags & FWD_GENERATED) != 0 ||
		        (h->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG)) != 0))
			return too_big_v4(w, rt, m, mtu, flags, gen);
		if ((flags & FWD_DECREMENT) != 0)
			ttl_decrement(h);
		/* No DF: the fragments carry the decremented TTL. */
		if (m->pkt_len > mtu)
			return too_big_v4(w, rt, m, mtu, flags, gen);
		route_next_addr(nh, (const uint8_t *)&h->dst_addr, next);
		ethertype = RTE_ETHER_TYPE_IPV4;
	} else {
		struct rte_ipv6_hdr *h = (struct rte_ipv6_hdr *)ip;

		if ((nh = route_nexthop(rt, idx)) == NULL)
			return DROP_NO_ROUTE;
		if (nh->kind == ROUTE_NH_LOCAL)
			return DROP_LOCAL_PROTO;
		if ((flags & FWD_DECREMENT) != 0 && h->hop_limits <= 1) {
			send_error(w, rt, m, 6, ICMP6_TIMXCEED, 0, 0, flags, gen);
			return DROP_TTL;
		}
		mtu = port_table.port[nh->port].mtu;
		if (gen->own_mtu != 0 && gen->own_mtu < mtu)
			mtu = gen->own_mtu;
		if (m->pkt_len > mtu) {
			/*
			 * Routers do not fragment IPv6 (RFC 8200 §5): transit gets
			 * Packet Too Big.  The gateway's own packets (FORWARD_OWN:
			 * neither forwarded nor made here) it fragments as their source.
			 */
			if ((flags & (FWD_DECREMENT | FWD_GENERATED)) == 0)
				return too_big_own_v6(w, m, mtu, gen);
			if ((flags & FWD_GENERATED) == 0)
				send_error(w, rt, m, 6, ICMP6_TOO_BIG, 0, mtu, flags, gen);
			return DROP_MTU;
		}
		if ((flags & FWD_DECREMENT) != 0)
			h->hop_limits--;
		route_next_addr(nh, h->dst_addr, next);
		ethertype = RTE_ETHER_TYPE_IPV6;
	}
	if (memo != NULL && memo->valid && memo->port == nh->port && memo->family == family &&
	    addr_eq(memo->next, next, family)) {
		mac = memo->mac;
		memo_route(memo, nh, idx, mtu);
	} else if (neigh_cache_lookup(&w->ncache, nh->port, family, next, &mac)) {
		if (memo != NULL) {
			memo->valid = true;
			memo->port = nh->port;
			memo->family = family;
			memcpy(memo->next, next, family == 4 ? 4 : 16);
			memo->mac = mac;
			memo_route(memo, nh, idx, mtu);
		}
	} else {
		/* The control core queues it until the next hop answers (bounded). */
		return want_neigh(w, nh->port, family, next, m) ? DROP_NONE : DROP_NO_NEIGH;
	}
	return l2_send(w, m, nh->port, &mac, ethertype);
}

/* Where @p m goes: a next-hop index, ROUTE_NH_NONE, or FWD_RUNT for a header cut short. */
#define FWD_RUNT ((uint16_t)(ROUTE_NH_NONE + 1))

static uint16_t
lookup1(const struct route_table *rt, const struct rte_mbuf *m)
{
	const uint8_t *ip = rte_pktmbuf_mtod(m, const uint8_t *);
	uint16_t idx;

	if ((ip[0] >> 4) == 4) {
		const struct rte_ipv4_hdr *h = (const struct rte_ipv4_hdr *)ip;

		uint32_t dst;

		if (m->data_len < sizeof(*h) || m->data_len < rte_ipv4_hdr_len(h))
			return FWD_RUNT;
		dst = h->dst_addr;
		route_lookup_v4(rt, &dst, &idx, 1);
	} else {
		uint8_t dst6[1][16];

		if (m->data_len < sizeof(struct rte_ipv6_hdr))
			return FWD_RUNT;
		memcpy(dst6[0], ip + offsetof(struct rte_ipv6_hdr, dst_addr), 16);
		route_lookup_v6(rt, (const uint8_t(*)[16])dst6, &idx, 1);
	}
	return idx;
}

/* Send the errors send_error() made into @p gen: protected by their SA or forwarded. */
static void
gen_send(struct worker *w, const struct route_table *rt, struct fwd_gen *gen)
{
	enum drop_reason why;
	uint16_t j, idx;

	for (j = 0; j < gen->n; j++) {
		if (gen->protect[j] != FWD_CLEAR) {
			input_protect_own(w, gen->spd, gen->m[j], gen->protect[j]);
			continue;
		}
		idx = lookup1(rt, gen->m[j]);
		why = idx == FWD_RUNT ? DROP_RUNT :
		                        forward1(w, rt, gen->m[j], idx, FWD_GENERATED, gen, NULL);
		if (why != DROP_NONE)
			worker_drop(w, gen->m[j], why);
	}
}

/*
 * The usual packet without forward1()'s detours: IPv4, on the route next
 * hop the chunk's memo was resolved for (to its gateway, or to the same
 * connected host), TTL to spare (when it counts down), within the MTU.
 * false: untouched, forward1() takes it (the first packet of each next
 * hop, every error).  Only forward1() fills the memo, after its checks.
 */
static inline bool
forward_fast_v4(struct worker *w, struct rte_mbuf *m, uint16_t idx, unsigned int flags,
    const struct fwd_memo *memo)
{
	struct rte_ipv4_hdr *h = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);

	if (idx != memo->idx || m->pkt_len > memo->mtu ||
	    ((flags & FWD_DECREMENT) != 0 && h->time_to_live <= 1) ||
	    rte_pktmbuf_headroom(m) < sizeof(struct rte_ether_hdr) ||
	    (memo->kind != ROUTE_NH_GATEWAY && memcmp(&h->dst_addr, memo->next, 4) != 0))
		return false;
	if ((flags & FWD_DECREMENT) != 0)
		ttl_decrement(h);
	l2_send(w, m, memo->port, &memo->mac, RTE_ETHER_TYPE_IPV4);
	return true;
}

/*
 * The tunnel SAs of @p sa whose packets (indexes @p at4 / @p at6 of the
 * chunk) were just looked up: their next hop @p nh kept for table @p rt.
 */
static void
memo_sa_routes(const struct route_table *rt, struct sa_rt_out *const *sa, const uint16_t *at4,
    uint16_t n4, const uint16_t *at6, uint16_t n6, const uint16_t *nh)
{
	uint16_t i;

	for (i = 0; i < n4 + n6; i++) {
		uint16_t j = i < n4 ? at4[i] : at6[i - n4];
		struct sa_rt_out *s = sa[j];

		if (s->mode == SA_MODE_TUNNEL && nh[j] != ROUTE_NH_NONE) {
			s->route_nh = nh[j];
			s->route_gen = rt->gen;
		}
	}
}

/*
 * At most BURST_MAX packets: the route lookups go to the FIBs in bulk, one
 * per family.  With @p sa (FORWARD_OWN ESP), a tunnel SA's packets take
 * the next hop memoized in it for this table, and a lookup fills the memo.
 */
static void
forward_chunk(struct worker *w, const struct route_table *rt, struct rte_mbuf **m, uint16_t n,
    unsigned int flags, struct sa_rt_out *const *sa)
{
	uint32_t d4[BURST_MAX];
	uint8_t d6[BURST_MAX][16];
	uint16_t nh[BURST_MAX], nh4[BURST_MAX], nh6[BURST_MAX], at4[BURST_MAX], at6[BURST_MAX];
	uint16_t i, n4 = 0, n6 = 0;
	struct fwd_memo memo;
	enum drop_reason why;
	struct fwd_gen gen;

	for (i = 0; i < n; i++) {
		const uint8_t *ip = rte_pktmbuf_mtod(m[i], const uint8_t *);

		/* Only tunnel SAs ever hold a route memo (memo_sa_routes()). */
		if (sa != NULL && sa[i]->route_gen == rt->gen) {
			nh[i] = sa[i]->route_nh;
			continue;
		}
		if ((ip[0] >> 4) == 4) {
			const struct rte_ipv4_hdr *h = (const struct rte_ipv4_hdr *)ip;

			if (m[i]->data_len < sizeof(*h) || m[i]->data_len < rte_ipv4_hdr_len(h)) {
				nh[i] = FWD_RUNT;
				continue;
			}
			d4[n4] = h->dst_addr;
			at4[n4++] = i;
		} else {
			const struct rte_ipv6_hdr *h = (const struct rte_ipv6_hdr *)ip;

			if (m[i]->data_len < sizeof(*h)) {
				nh[i] = FWD_RUNT;
				continue;
			}
			memcpy(d6[n6], h->dst_addr, 16);
			at6[n6++] = i;
		}
	}
	if (n4 != 0) {
		route_lookup_v4(rt, d4, nh4, n4);
		for (i = 0; i < n4; i++)
			nh[at4[i]] = nh4[i];
	}
	if (n6 != 0) {
		route_lookup_v6(rt, (const uint8_t(*)[16])d6, nh6, n6);
		for (i = 0; i < n6; i++)
			nh[at6[i]] = nh6[i];
	}
	if (sa != NULL && n4 + n6 != 0)
		memo_sa_routes(rt, sa, at4, n4, at6, n6, nh);
	memo.valid = false;
	memo.idx = ROUTE_NH_NONE;
	gen.n = 0;
	gen.own_mtu = 0;
	gen.spd = worker_spd();
	for (i = 0; i < n; i++) {
		if (likely(forward_fast_v4(w, m[i], nh[i], flags, &memo)))
			continue;
		why = nh[i] == FWD_RUNT ? DROP_RUNT :
		                          forward1(w, rt, m[i], nh[i], flags, &gen, &memo);
		if (why != DROP_NONE)
			worker_drop(w, m[i], why);
		if (unlikely(gen.n != 0)) {
			/* One level only: FWD_GENERATED packets never add to gen. */
			gen_send(w, rt, &gen);
			gen.n = 0;
		}
	}
}

void
forward_too_big(struct worker *w, struct rte_mbuf *m, uint32_t mtu)
{
	const struct route_table *rt = route_table_current();
	struct fwd_gen gen;

	gen.n = 0;
	gen.own_mtu = 0;
	gen.spd = worker_spd();
	if (likely(rt != NULL)) {
		if ((*rte_pktmbuf_mtod(m, const uint8_t *) >> 4) == 4)
			send_error(w, rt, m, 4, ICMP4_UNREACH, ICMP4_UNREACH_NEEDFRAG, mtu,
			    FWD_DECREMENT, &gen);
		else
			send_error(w, rt, m, 6, ICMP6_TOO_BIG, 0, mtu, FWD_DECREMENT, &gen);
	}
	worker_drop(w, m, DROP_MTU);
	gen_send(w, rt, &gen);
}

void
forward_param_problem(struct worker *w, const struct rte_mbuf *m, uint8_t code, uint32_t ptr)
{
	const struct route_table *rt = route_table_current();
	struct fwd_gen gen;

	if (unlikely(rt == NULL))
		return;
	gen.n = 0;
	gen.own_mtu = 0;
	gen.spd = worker_spd();
	send_error(w, rt, m, 6, ICMP6_PARAMPROB, code, ptr, 0, &gen);
	gen_send(w, rt, &gen);
}

/* forward1() flags for each enum forward_kind. */
static const unsigned int kind_flags[] = {
	[FORWARD_OWN] = 0,
	[FORWARD_TRANSIT] = FWD_DECREMENT,
	[FORWARD_DECRYPTED] = FWD_DECREMENT | FWD_FROM_SA,
};

/* forward_chunk() over @p n packets, BURST_MAX at a time, with their SAs (@p sa) or none (NULL). */
static inline void
forward_chunks(struct worker *w, struct rte_mbuf **m, struct sa_rt_out *const *sa, uint16_t n,
    unsigned int flags)
{
	const struct route_table *rt = route_table_current();
	uint16_t k;

	if (unlikely(rt == NULL)) {
		while (n != 0)
			worker_drop(w, m[--n], DROP_NO_ROUTE);
		return;
	}
	for (; n != 0; n -= k, m += k) {
		k = RTE_MIN(n, (uint16_t)BURST_MAX);
		forward_chunk(w, rt, m, k, flags, sa);
		if (sa != NULL)
			sa += k;
	}
}

void
forward_burst(struct worker *w, struct rte_mbuf **m, uint16_t n, enum forward_kind kind)
{
	forward_chunks(w, m, NULL, n, kind_flags[kind]);
}

void
forward_own_esp(struct worker *w, struct rte_mbuf **m, struct sa_rt_out *const *sa, uint16_t n)
{
	forward_chunks(w, m, sa, n, kind_flags[FORWARD_OWN]);
}

void
forward_own_mtu(struct worker *w, struct rte_mbuf *m, uint16_t mtu)
{
	const struct route_table *rt = route_table_current();
	enum drop_reason why;
	struct fwd_gen gen;
	uint16_t idx;

	if (unlikely(rt == NULL)) {
		worker_drop(w, m, DROP_NO_ROUTE);
		return;
	}
	gen.n = 0;
	gen.own_mtu = mtu;
	gen.spd = worker_spd();
	idx = lookup1(rt, m);
	why = idx == FWD_RUNT ? DROP_RUNT :
	                        forward1(w, rt, m, idx, kind_flags[FORWARD_OWN], &gen, NULL);
	if (why != DROP_NONE)
		worker_drop(w, m, why);
	/* One level only: FWD_GENERATED packets never add to gen. */
	gen_send(w, rt, &gen);
}

void
forward_stats_read(unsigned int worker, struct forward_stats *out)
{
	const struct forward_stats *s = &fwd_lcore[worker].st;

	out->icmp_errors = counter_read(&s->icmp_errors);
	out->icmp_ratelimited = counter_read(&s->icmp_ratelimited);
	out->icmp_unroutable = counter_read(&s->icmp_unroutable);
	out->icmp_no_mbuf = counter_read(&s->icmp_no_mbuf);
	out->icmp_policy = counter_read(&s->icmp_policy);
	out->icmp_protected = counter_read(&s->icmp_protected);
	out->fragmented = counter_read(&s->fragmented);
	out->fragments = counter_read(&s->fragments);
}
