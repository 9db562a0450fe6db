/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/reasm.c: reassembly of IP fragments addressed to the gateway (ESP, AH, IKE over UDP). */
/* rte_ip_frag_table_del_expired_entries() is still experimental in DPDK 22.11. */
#define ALLOW_EXPERIMENTAL_API
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_memcpy.h>

#include "common/counters.h"
#include "common/limits.h"
#include "fastpath/reasm.h"

/* Let go of what the library put on the death row (it holds at most one call's worth). */
static inline void
flush(struct reasm *r)
{
	if (r->dr.cnt != 0) {
		counter_add(&r->st.freed, r->dr.cnt);
		rte_ip_frag_free_death_row(&r->dr, 0);
	}
}

/* Is @p proto one the gateway reassembles (its own traffic: ESP, AH, UDP for IKE / NAT-T)? */
static inline bool
ours(uint8_t proto)
{
	return proto == IPPROTO_ESP || proto == IPPROTO_AH || proto == IPPROTO_UDP;
}

/*
 * @p m (a chain, or a frame that fills its mbuf) copied into one of the
 * worker's big mbufs, which then travels as any packet does (its pool
 * takes it back when it is freed), and @p m freed; NULL (@p m kept) when
 * it is longer than REASM_BIG_ROOM or none is free.
 */
static struct rte_mbuf *
copy_big(struct reasm *r, struct rte_mbuf *m)
{
	struct rte_mbuf *b;
	const void *src;
	char *dst;

	if (r->big == NULL || m->pkt_len > REASM_BIG_ROOM ||
	    (b = rte_pktmbuf_alloc(r->big)) == NULL)
		return NULL;
	dst = rte_pktmbuf_append(b, (uint16_t)m->pkt_len);
	src = dst != NULL ? rte_pktmbuf_read(m, 0, m->pkt_len, dst) : NULL;
	if (src == NULL) {
		rte_pktmbuf_free(b);
		return NULL;
	}
	if (src != dst)
		rte_memcpy(dst, src, m->pkt_len);
	b->port = m->port;
	b->packet_type = m->packet_type;
	b->l2_len = m->l2_len;
	b->l3_len = m->l3_len;
	rte_pktmbuf_free(m);
	return b;
}

/* One segment again, or NULL (freed, @p why set) when it fits neither one mbuf nor a big one. */
static struct rte_mbuf *
whole(struct reasm *r, struct rte_mbuf *m, enum drop_reason *why)
{
	struct rte_mbuf *b;

	counter_add(&r->st.packets, 1);
	if (m->nb_segs == 1 || rte_pktmbuf_linearize(m) == 0)
		return m;
	if ((b = copy_big(r, m)) != NULL) {
		counter_add(&r->st.big, 1);
		return b;
	}
	*why = DROP_REASM_TOO_BIG;
	rte_pktmbuf_free(m);
	return NULL;
}

struct rte_mbuf *
reasm_ipv4(struct reasm *r, struct rte_mbuf *m, enum drop_reason *why)
{
	struct rte_ipv4_hdr *ip =
	    rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, sizeof(struct rte_ether_hdr));
	struct rte_mbuf *done;

	*why = DROP_NONE;
	if (!ours(ip->next_proto_id)) {
		*why = DROP_FRAGMENT;
		rte_pktmbuf_free(m);
		return NULL;
	}
	counter_add(&r->st.fragments, 1);
	m->l2_len = sizeof(struct rte_ether_hdr);
	m->l3_len = rte_ipv4_hdr_len(ip);
	done = rte_ipv4_frag_reassemble_packet(r->tbl, &r->dr, m, rte_rdtsc(), ip);
	flush(r);
	if (done == NULL)
		return NULL;
	done = whole(r, done, why);
	if (done != NULL) {
		/* The library zeroes the checksum of the rebuilt header (it counts on offload). */
		ip = rte_pktmbuf_mtod_offset(done, struct rte_ipv4_hdr *,
		    sizeof(struct rte_ether_hdr));
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	return done;
}

struct rte_mbuf *
reasm_ipv6(struct reasm *r, struct rte_mbuf *m, enum drop_reason *why)
{
	struct rte_ipv6_hdr *ip6 =
	    rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, sizeof(struct rte_ether_hdr));
	struct rte_ipv6_fragment_ext *fh = (struct rte_ipv6_fragment_ext *)(ip6 + 1);
	struct rte_mbuf *done;

	*why = DROP_NONE;
	if (!ours(fh->next_header)) {
		*why = DROP_FRAGMENT;
		rte_pktmbuf_free(m);
		return NULL;
	}
	counter_add(&r->st.fragments, 1);
	m->l2_len = sizeof(struct rte_ether_hdr);
	m->l3_len = sizeof(*ip6) + sizeof(*fh);
	done = rte_ipv6_frag_reassemble_packet(r->tbl, &r->dr, m, rte_rdtsc(), ip6, fh);
	flush(r);
	if (done == NULL)
		return NULL;
	return whole(r, done, why);
}

struct rte_mbuf *
reasm_linearize(struct reasm *r, struct rte_mbuf *m, enum drop_reason *why)
{
	struct rte_mbuf *b;

	/* A chain whose first segment has room for the rest and the trailer: moved in place. */
	if (m->nb_segs != 1 &&
	    rte_pktmbuf_tailroom(m) >= m->pkt_len - m->data_len + RX_TAILROOM_MIN &&
	    rte_pktmbuf_linearize(m) == 0) {
		counter_add(&r->st.linearized, 1);
		return m;
	}
	if (m->pkt_len > REASM_BIG_ROOM - RX_TAILROOM_MIN) {
		*why = DROP_RX_TOO_LONG;
	} else if ((b = copy_big(r, m)) != NULL) {
		counter_add(&r->st.linearized, 1);
		return b;
	} else {
		*why = DROP_RX_NO_BUF;
	}
	rte_pktmbuf_free(m);
	return NULL;
}

void
reasm_tick(struct reasm *r, uint64_t now)
{
	if (likely(now < r->next_tick))
		return;
	r->next_tick = now + r->tick;
	rte_ip_frag_table_del_expired_entries(r->tbl, &r->dr, now);
	flush(r);
}

void
reasm_stats_read(const struct reasm *r, struct reasm_stats *out)
{
	out->fragments = counter_read(&r->st.fragments);
	out->packets = counter_read(&r->st.packets);
	out->freed = counter_read(&r->st.freed);
	out->big = counter_read(&r->st.big);
	out->linearized = counter_read(&r->st.linearized);
}
