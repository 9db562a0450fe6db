/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/drop.h: every reason a worker drops a packet, one counter each. */
#ifndef FASTIPSEC_DROP_H
#define FASTIPSEC_DROP_H

/*
 * One list makes both the enum and the names exported through telemetry
 * (names are snake_case: DPDK telemetry drops keys with other characters).
 */
#define FOREACH_DROP_REASON(X)                                                          \
	X(DROP_NONE, "none")                   /* not a drop */                         \
	X(DROP_CONSUMED, "consumed")           /* handled: learned, nothing to send */  \
	X(DROP_RUNT, "runt")                   /* shorter than its headers say */       \
	X(DROP_NOT_FOR_US, "not_for_us")       /* destination MAC not ours */           \
	X(DROP_OWN_FRAME, "own_frame")         /* our own transmission seen again */    \
	X(DROP_ETHERTYPE, "ethertype")         /* neither ARP, IPv4 nor IPv6 */         \
	X(DROP_NEIGH_IGNORED, "neigh_ignored") /* ARP or NS not for our address */      \
	X(DROP_BAD_IP, "bad_ip")               /* malformed IPv4/IPv6 header */         \
	X(DROP_BAD_CSUM, "bad_csum")           /* IPv4 header or ICMP checksum */       \
	X(DROP_FRAGMENT, "fragment")           /* fragment to us (no reassembly yet) */ \
	X(DROP_LOCAL_PROTO, "local_proto")     /* to us, but nothing listens */         \
	X(DROP_NO_ROUTE, "no_route")           /* not to us: no forwarding yet */       \
	X(DROP_TX_FULL, "tx_full")             /* tx queue did not take it */           \
	X(DROP_RING_FULL, "ring_full")         /* handover ring full */

enum drop_reason {
#define DROP_ENUM(e, s) e,
	FOREACH_DROP_REASON(DROP_ENUM)
#undef DROP_ENUM
	DROP__MAX,
};

const char *drop_reason_name(enum drop_reason why);

#endif
