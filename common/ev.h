/* SPDX-License-Identifier: BSD-3-Clause */
/* common/ev.h: events from a worker to the control core (one SPSC ring per worker). */
#ifndef FASTIPSEC_EV_H
#define FASTIPSEC_EV_H

#include <stdint.h>

/*
 * Workers report what happened; the control core decides (STYLE.md rule
 * 16).  An event travels by value through an rte_ring of fixed-size
 * elements; when the ring is full the worker drops the event and counts
 * it (DROP_RING_FULL), it never waits.
 */
enum ev_type {
	EV_NEIGH_LEARN = 1, /* a neighbour told us its MAC: ARP request/reply, NS/NA */
	EV_NEIGH_RESOLVE,   /* a packet needs this next hop's MAC: probe it */
	EV_SA_ACTIVITY,     /* traffic on an SA: its first packet, more with diagnostics */
};

struct ev {
	uint16_t type;  /* enum ev_type */
	uint16_t port;  /* port index (not the DPDK id) */
	uint8_t family; /* 4 or 6 */
	uint8_t flags;
	uint8_t mac[6];   /* EV_NEIGH_LEARN: the neighbour's MAC */
	uint8_t addr[16]; /* EV_NEIGH_LEARN: its address (4 bytes used for IPv4) */
	void *ptr;        /* an mbuf the event hands over, or NULL */
	/* EV_SA_ACTIVITY */
	uint32_t sa_id;   /* the SA's record id (its static_sas index) */
	uint32_t spi;     /* host byte order */
	uint64_t seq;     /* the packet's sequence number */
	uint64_t packets; /* the SA's packet count with this packet */
};

/* EV_NEIGH_LEARN flags */
#define EV_NEIGH_F_SOLICITED 0x01 /* a reply to us (ARP reply, NA): create the entry */
/* EV_SA_ACTIVITY flags */
#define EV_SA_F_OUTBOUND 0x01
#define EV_SA_F_AH       0x02

#endif
