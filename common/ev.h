/* SPDX-License-Identifier: BSD-3-Clause */
/* common/ev.h: events from a worker to the control core (one SPSC ring per worker). */
#ifndef FASTIPSEC_EV_H
#define FASTIPSEC_EV_H

#include <stdint.h>

/*
 * Workers report what happened; the control core decides (STYLE.md rule
 * 16).  An event travels by value through an rte_ring of fixed-size
 * elements; when the ring is full the worker drops the event and counts
 * it (worker_stats.events_dropped), it never waits.
 */
enum ev_type {
	EV_NEIGH_LEARN = 1, /* a neighbour told us its MAC: ARP request/reply, NS/NA */
	EV_NEIGH_RESOLVE,   /* a packet needs this next hop's MAC: probe it */
	EV_SA_ACTIVITY,     /* traffic on an SA: its first packet, more with diagnostics */
	EV_SA_LIFETIME,     /* an SA reached a lifetime limit or used its last sequence number */
	EV_IKE,             /* an IKE datagram for us: ptr the frame (data at Ethernet), port */
	EV_ACQUIRE, /* traffic for a child without an SA (RFC 4301 §5.1): sa_id its index */
	/* an ESP/AH packet for no SA (worker_no_sa()): spi, seq, addr, dst, packets */
	EV_SA_UNKNOWN,
};

/*
 * EV_SA_LIFETIME: which limit (ev.limit).  Each is reported at most once
 * per SA, by its owning worker, at the packet that reached it (rules in
 * fastpath/lifetime.h); the worker records the state before it sends,
 * so a lost event never loses the state change.
 */
enum ev_sa_limit {
	EV_SA_SOFT_PACKETS = 1, /* soft_packets reached: traffic goes on (RFC 4301 §4.4.2.1) */
	EV_SA_SOFT_BYTES,       /* soft_bytes reached: traffic goes on */
	EV_SA_HARD_PACKETS,     /* hard_packets reached: the SA is stopped */
	EV_SA_HARD_BYTES,       /* hard_bytes reached: the SA is stopped */
	EV_SA_SEQ_EXHAUSTED,    /* outbound: the last sequence number was sent: the SA is stopped */
};

struct ev {
	uint16_t type;  /* enum ev_type */
	uint16_t port;  /* port index (not the DPDK id) */
	uint8_t family; /* 4 or 6 */
	uint8_t flags;
	uint8_t mac[6];   /* EV_NEIGH_LEARN: the neighbour's MAC */
	uint8_t addr[16]; /* EV_NEIGH_LEARN: its address (4 bytes used for IPv4) */
	uint8_t dst[16];  /* EV_SA_UNKNOWN: the destination (addr: the source) */
	uint8_t limit;    /* EV_SA_LIFETIME: enum ev_sa_limit */
	void *ptr;        /* an mbuf the event hands over, or NULL */
	/* EV_SA_ACTIVITY, EV_SA_LIFETIME; EV_ACQUIRE: the child's config.children index */
	uint32_t sa_id;   /* the SA's record id (static_sas index, or SA_CHILD_SLOT_BASE + child) */
	uint32_t spi;     /* host byte order */
	uint64_t seq;     /* the packet's sequence number (outbound: the last one sent) */
	uint64_t packets; /* the SA's packet count with this packet */
	uint64_t bytes;   /* EV_SA_LIFETIME: the SA's byte count with this packet */
};

/* EV_NEIGH_LEARN flags */
#define EV_NEIGH_F_SOLICITED 0x01 /* a reply to us (ARP reply, NA): create the entry */
/* EV_SA_ACTIVITY and EV_SA_LIFETIME flags */
#define EV_SA_F_OUTBOUND 0x01
#define EV_SA_F_AH       0x02

#endif
