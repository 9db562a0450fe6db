/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/drop.h: every reason a worker drops a packet, one counter each. */
#ifndef FASTIPSEC_DROP_H
#define FASTIPSEC_DROP_H

/*
 * One list makes both the enum and the names exported through telemetry
 * (names are snake_case: DPDK telemetry drops keys with other characters).
 */
#define FOREACH_DROP_REASON(X)                                                               \
	X(DROP_NONE, "none")                   /* not a drop */                              \
	X(DROP_CONSUMED, "consumed")           /* handled: learned, nothing to send */       \
	X(DROP_RUNT, "runt")                   /* shorter than its headers say */            \
	X(DROP_NOT_FOR_US, "not_for_us")       /* destination MAC not ours */                \
	X(DROP_OWN_FRAME, "own_frame")         /* our own transmission seen again */         \
	X(DROP_ETHERTYPE, "ethertype")         /* neither ARP, IPv4 nor IPv6 */              \
	X(DROP_NEIGH_IGNORED, "neigh_ignored") /* ARP or NS not for our address */           \
	X(DROP_BAD_IP, "bad_ip")               /* malformed IPv4/IPv6 header */              \
	X(DROP_BAD_CSUM, "bad_csum")           /* IPv4 header or ICMP checksum */            \
	X(DROP_FRAGMENT, "fragment") /* fragment to us of a protocol we do not reassemble */ \
	X(DROP_REASM_TOO_BIG, "reasm_too_big") /* reassembled packet larger than one mbuf */ \
	X(DROP_LOCAL_PROTO, "local_proto")     /* to us, but nothing listens */              \
	X(DROP_NO_ROUTE, "no_route")           /* no route to the destination */             \
	X(DROP_POLICY, "policy")               /* SPD: discard, or no policy matched */      \
	X(DROP_TTL, "ttl")                     /* TTL / hop limit ran out */                 \
	X(DROP_MTU, "mtu")                     /* larger than the egress port's MTU */       \
	X(DROP_NO_NEIGH, "no_neigh")           /* next hop not resolved yet */               \
	X(DROP_NO_SA, "no_sa")                 /* ESP: no SA for SPI and destination */      \
	X(DROP_NOT_OWNER, "not_owner")         /* SA owned by another worker */              \
	X(DROP_PEER, "peer")                   /* ESP not from the SA's peer */              \
	X(DROP_REPLAY, "replay")               /* sequence number seen before */             \
	X(DROP_REPLAY_OLD, "replay_old")       /* left of the anti-replay window */          \
	X(DROP_SEQ_ZERO, "seq_zero")           /* sequence number 0 */                       \
	X(DROP_ICV, "icv")                     /* ICV did not verify */                      \
	X(DROP_CRYPTO, "crypto")               /* intel-ipsec-mb refused the job */          \
	X(DROP_PAD, "pad")                     /* ESP padding not 1, 2, 3, ... */            \
	X(DROP_PROTO, "proto")                 /* ESP next header wrong for the SA */        \
	X(DROP_DUMMY, "dummy")                 /* ESP next header 59 (RFC 4303 2.6) */       \
	X(DROP_AH_LEN, "ah_len")               /* AH payload length not the SA's */          \
	X(DROP_IP_OPTIONS, "ip_options")       /* AH: IPv4 source route (no support) */      \
	X(DROP_EXT_HDR, "ext_hdr")             /* IPv6 ext. header we cannot honour */       \
	X(DROP_EXT_CHAIN, "ext_chain")         /* IPv6 ext. headers malformed, over 8 */     \
	X(DROP_SEQ_EXHAUSTED, "seq_exhausted") /* 32-bit sequence numbers used up */         \
	X(DROP_SA_EXPIRED, "sa_expired")       /* SA hard lifetime reached */                \
	X(DROP_ECN, "ecn")                     /* outer CE, inner not ECN-capable */         \
	X(DROP_NO_ROOM, "no_room")             /* mbuf head/tailroom too small */            \
	X(DROP_FRAG_NO_MBUF, "frag_no_mbuf")   /* no mbuf for a fragment, or too many */     \
	X(DROP_TX_FULL, "tx_full")             /* tx queue did not take it */                \
	X(DROP_RING_FULL, "ring_full")         /* handover ring full */                      \
	X(DROP_UDP_LEN, "udp_len")             /* IKE / NAT-T to us: UDP length wrong */     \
	X(DROP_UDP_CSUM, "udp_csum")           /* IKE / NAT-T to us: UDP checksum wrong */   \
	X(DROP_IKE_RING_FULL, "ike_ring_full") /* IKE_PUNT_MAX already wait for control */   \
	X(DROP_NO_CHILD_SA, "no_child_sa")     /* a child's policy: no SA negotiated yet */  \
	X(DROP_RX_TOO_LONG, "rx_too_long")     /* rx frame longer than a big buffer */       \
	X(DROP_RX_NO_BUF, "rx_no_buf")         /* rx chain: no big buffer free */

enum drop_reason {
#define DROP_ENUM(e, s) e,
	FOREACH_DROP_REASON(DROP_ENUM)
#undef DROP_ENUM
	DROP__MAX,
};

const char *drop_reason_name(enum drop_reason why);

#endif
