/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike_io.h: the IKE transport of the appliance: punted datagrams in, UDP frames out. */
#ifndef FASTIPSEC_IKE_IO_H
#define FASTIPSEC_IKE_IO_H

#include <stddef.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "common/ev.h"
#include "config/config.h"

#include "slowpath/ike/ike.h"

/*
 * The IKE engines are transport-agnostic (ARCHITECTURE.md rule 6): bytes
 * and addresses in, bytes out through a callback.  This is the transport
 * of the appliance.  In: the workers punt IKE datagrams (UDP 500, and UDP
 * 4500 behind the non-ESP marker, RFC 3948 §2.2) to the control core as
 * EV_IKE events; ike_io_input() takes the addresses and the message out
 * (the marker stripped) and hands it to the engine of its ISAKMP major
 * version.  Out: ike_io_send() builds the UDP datagram (the marker added
 * on 4500), routes it, fragments it when it exceeds the egress MTU, finds
 * the next hop's MAC and sends it through the port's control tx queue.
 *
 * IKE messages leave without meeting the outbound SPD: IKE is the key
 * manager's own traffic, which RFC 4301 §5.1 lets through in the clear
 * (the workers never see these frames).
 *
 * Owner: the control core (every function here); the counters are read
 * by the telemetry thread with ike_io_stats_read().
 */

/* A message for an engine: the UDP payload without the non-ESP marker. */
typedef void (*ike_io_rx_fn)(void *ctx, uint64_t now_ns, const struct ike_addr *local,
    const struct ike_addr *remote, const uint8_t *msg, size_t len);

/*
 * Register the engine of ISAKMP major version 1 (IKEv1: RFC 2408 §3.1)
 * or 2 (IKEv2: RFC 7296 §3.1).  Without one, the messages of that
 * version are counted as ike_no_handler and dropped.  @p fn NULL
 * unregisters.  Control core.
 */
void ike_io_register_v1(ike_io_rx_fn fn, void *ctx);
void ike_io_register_v2(ike_io_rx_fn fn, void *ctx);

/*
 * An EV_IKE event: parse ev->ptr (a frame, data at Ethernet, from port
 * index ev->port) and call the engine.  The mbuf stays the caller's (the
 * control loop frees it).  A frame that does not parse is counted as
 * ike_bad.
 */
void ike_io_input(const struct ev *ev, uint64_t now_ns);

/*
 * The addresses and message of an IKE frame @p m (data at Ethernet, one
 * segment): Ethernet, IPv4 (no fragment) or IPv6 (UDP right after the
 * fixed header), UDP to port 500, or to 4500 with the marker, which is
 * not part of @p msg.  @p msg points into @p m.  Returns 0, or -EINVAL
 * when it is none of these or a length does not add up.
 */
int ike_io_parse(const struct rte_mbuf *m, struct ike_addr *local, struct ike_addr *remote,
    const uint8_t **msg, size_t *len);

/*
 * Send IKE message @p msg (@p len bytes, at most IKE_MSG_MAX) from
 * @p local (one of our addresses) to @p remote, of one family.  When
 * either port is 4500 the non-ESP marker goes first (RFC 3948 §2.2).
 * The route to @p remote gives the port and next hop.  When the next
 * hop's MAC is not known yet, the frames wait in the neighbour queue
 * (neigh_ctl_resolve(): at most NEIGH_PENDING_MAX per next hop, for
 * NEIGH_PENDING_TIMEOUT_MS) while it is probed; a message of more frames
 * than that loses its first ones, and the engine's retransmission
 * recovers it once the neighbour answers.  Returns 0 when sent or queued,
 * else -errno (counted): -EINVAL, -EMSGSIZE, -EADDRNOTAVAIL (@p local is
 * not ours), -ENETUNREACH (no route), -EHOSTUNREACH (the next hop cannot
 * be resolved), -ENOBUFS (no mbuf, or the control tx queue is full).
 * Control core.
 */
int ike_io_send(const struct ike_addr *local, const struct ike_addr *remote, const uint8_t *msg,
    size_t len);

/* ike_io_send() in the shape of struct ike_ops.send (@p ctx unused). */
int ike_io_send_cb(void *ctx, const struct ike_addr *local, const struct ike_addr *remote,
    const uint8_t *msg, size_t len);

/* A NAT-keepalive (RFC 3948 §2.3: one byte 0xff, no marker) from @p local to @p remote. */
int ike_io_keepalive(const struct ike_addr *local, const struct ike_addr *remote);

/*
 * Build the IP packets of one datagram: UDP from @p local to @p remote
 * carrying @p hdr (@p hdr_len bytes: the marker, or nothing) then @p msg,
 * with its checksum, in IP packets of at most @p mtu bytes (IPv4
 * fragments, RFC 791, or IPv6 fragments with a Fragment header, RFC 8200
 * §4.5, when the datagram does not fit one), in mbufs from @p pool whose
 * data starts at the IP header.  Returns the number of packets (at most
 * @p max) in @p out, or -ENOBUFS / -EMSGSIZE / -EINVAL with nothing kept.
 */
int ike_io_build(struct rte_mempool *pool, uint16_t mtu, const struct ike_addr *local,
    const struct ike_addr *remote, const uint8_t *hdr, size_t hdr_len, const uint8_t *msg,
    size_t len, struct rte_mbuf **out, unsigned int max);

/* Counters (single writer: the control core). */
struct ike_io_stats {
	uint64_t rx;            /* IKE messages that parsed */
	uint64_t rx_v1;         /* ... handed to the IKEv1 engine */
	uint64_t rx_v2;         /* ... handed to the IKEv2 engine */
	uint64_t no_handler;    /* ... of a version no engine is registered for */
	uint64_t bad;           /* frames that did not parse, or not an ISAKMP header */
	uint64_t tx;            /* datagrams sent or queued for the next hop (keepalives too) */
	uint64_t tx_frames;     /* IP packets sent: more than tx when fragmented */
	uint64_t tx_no_route;   /* messages not sent: no route, or the source is not ours */
	uint64_t tx_no_neigh;   /* messages not sent: the next hop cannot be resolved */
	uint64_t tx_neigh_wait; /* messages queued until the next hop answers */
	uint64_t tx_failed;     /* messages not sent: bad arguments, too big, no mbuf, queue full */
	uint64_t keepalives_out; /* NAT-keepalives sent */
};

void ike_io_stats_read(struct ike_io_stats *out);

#endif
