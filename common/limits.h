/* SPDX-License-Identifier: BSD-3-Clause */
/* common/limits.h: every tunable and hard limit of fastipsec, in one place. */
#ifndef FASTIPSEC_LIMITS_H
#define FASTIPSEC_LIMITS_H

/* Packet I/O */
#define BURST_MAX        32   /* packets per rx/tx burst */
#define PORTS_MAX        16   /* DPDK ports the gateway drives */
#define WORKERS_MAX      64   /* worker lcores */
#define PORT_RX_DESC     1024 /* rx descriptors per queue */
#define PORT_TX_DESC     1024 /* tx descriptors per queue */
#define MBUF_CACHE_SIZE  256
#define MBUF_DATA_ROOM   2048 /* + RTE_PKTMBUF_HEADROOM */
#define CTL_TX_RING_SIZE 1024 /* control core -> worker tx handover, per worker */
#define LINK_WAIT_MS     2000 /* how long start-up waits for link up */

/* Config */
#define CONFIG_FILE_MAX      (4u << 20) /* bytes of YAML accepted */
#define CONFIG_ERRORS_MAX    20         /* errors reported per file */
#define CONFIG_NAME_MAX      32         /* instance, interface names (with NUL) */
#define CONFIG_PORT_NAME_MAX 64         /* DPDK port names (with NUL) */
#define CONFIG_IFACES_MAX    PORTS_MAX
#define CONFIG_ADDRS_MAX     16 /* addresses per interface */
#define CONFIG_ROUTES_MAX    4096
#define CONFIG_NEIGHBORS_MAX 1024
#define CONFIG_MTU_MIN       576
#define CONFIG_MTU_MAX       9000
#define CONFIG_MTU_DEFAULT   1500
#define CONFIG_MBUFS_MIN     1024       /* mbufs: the smallest pool accepted */
#define CONFIG_MBUFS_MAX     (1 << 24)  /* mbufs: the largest */
#define CONFIG_DEPTH_MAX     32         /* YAML nesting levels */
#define CONFIG_NODES_MAX     (1u << 18) /* YAML nodes (scalars, lists, mappings) */
#define CONFIG_ERROR_LEN     384        /* bytes of one error message */

/* Config: static SAs and policies */
#define CONFIG_STATIC_SAS_MAX        1024 /* static_sas entries */
#define CONFIG_POLICIES_MAX          1024 /* policies (SPD entries) */
#define CONFIG_ENC_KEY_MAX           36   /* encryption key + salt: AES-256 or ChaCha20 + 4 */
#define CONFIG_INTEG_KEY_MAX         68   /* integrity key: HMAC-SHA-512 (64), AH AES-GMAC + salt */
#define CONFIG_REPLAY_WINDOW_DEFAULT 64   /* RFC 4303 section 3.4.3: 64 SHOULD be the default */
#define CONFIG_NATT_PORT             4500 /* UDP encapsulation port (RFC 3948) */
#define CONFIG_CONNECTIONS_MAX       1024 /* connections: entries */
#define CONFIG_CHILDREN_MAX          4096 /* children, all connections */
#define CONFIG_SECRETS_MAX           1024 /* secrets: entries */
#define CONFIG_CONN_ADDRS_MAX        8    /* local_addrs / remote_addrs of a connection */
#define CONFIG_PROPOSALS_MAX         16   /* proposals / esp_proposals lists */
#define CONFIG_PROPOSAL_NAME_MAX     64   /* one proposal keyword (with NUL) */
#define CONFIG_TS_MAX                16   /* local_ts / remote_ts of a child */
#define CONFIG_ID_MAX                256  /* an IKE identity (with NUL) */
#define CONFIG_PATH_MAX              256  /* a certificate or key file name (with NUL) */
#define CONFIG_CERTS_MAX             8    /* certs / cacerts / crls lists */
#define CONFIG_SECRET_IDS_MAX        8    /* ids of one secret */
#define CONFIG_SECRET_MAX            256  /* bytes of one pre-shared key */

/* Log ring */
#define LOG_RING_SLOTS_DEFAULT 16384 /* records kept in /dev/shm */
#define LOG_RING_SLOTS_MIN     64
#define LOG_RING_SLOTS_MAX     (1u << 22)
#define LOG_SLOT_SIZE          512 /* bytes per record slot */

/* Anti-replay (fastpath/antireplay.h) */
#define REPLAY_WINDOW_MAX 4096 /* largest anti-replay window, in sequence numbers */
#define PMTU_AGE_S        600 /* a path MTU learned from ICMP ages out (RFC 4301 §8.2.1, RFC 1191 §6.3) */
#define PMTU_MIN_V4 \
	576 /* lower reports are taken as 576 (RFC 1191 §3: 68; RFC 4301 §8.2.1 leaves it local) */
#define PMTU_MIN_V6 1280 /* RFC 8200 §5 */
#define PMTU_RATE   100  /* ICMP errors about our SAs a worker examines per second */

/* Neighbours (ARP / IPv6 ND) */
#define NEIGH_MAX                4096 /* entries, static and learned */
#define NEIGH_CACHE_BITS         8    /* a worker remembers 2^8 neighbour entries */
#define NEIGH_CACHE_SLOTS        (1u << NEIGH_CACHE_BITS)
#define NEIGH_REACHABLE_S        300  /* a learned entry is fresh this long */
#define NEIGH_PROBE_MS           1000 /* probe interval of an unresolved route gateway */
#define NEIGH_REFRESH_S          60   /* re-probe interval of a resolved route gateway */
#define NEIGH_PENDING_MAX        4 /* packets queued per unresolved next hop (RFC 1122 2.3.2.2) */
#define NEIGH_PENDING_TIMEOUT_MS 3000 /* ... dropped when it does not answer by then */
#define NEIGH_RECLAIM_BATCH      64  /* stale entries freed at once when the table is nearly full */
#define NEIGH_RECLAIM_SCAN       256 /* ... looking at most at this many slots per call */
#define EV_RING_SIZE             4096 /* worker -> control events, per worker */
#define IKE_PUNT_MAX             256  /* IKE datagrams a worker lets wait in its event ring */
#define IKE_LIST_MAX             4096 /* IKE SAs /fastipsec/ike/list shows (a snapshot per tick) */

/* Security associations */
/*
 * SAs of each direction the workers can hold, and outbound slots: the
 * static SAs' and the children's (5120) leave 11264 for the pairs of
 * many-peer or narrowed children, each peer one (sa_ike.h): more than
 * the peers a few thousand road warriors bring, with their rekeys.
 */
#define SA_MAX            16384
#define AH_MUTABLE_MAX    64           /* IPv6 mutable option bytes AH saves per packet */
#define HANDOFF_RING_SIZE 4096         /* worker -> SA-owning worker mbufs, per destination */
#define SA_RING_SIZE      1024         /* control -> worker sa_msg ring, per worker */
#define SA_MSG_BURST      32           /* sa_msg applied per worker loop pass */
#define SA_RECLAIM_MAX    (2 * SA_MAX) /* records waiting for a grace period */
/* Outbound slots: static SA i is slot i, child c of config.children slot SA_CHILD_SLOT_BASE + c. */
#define SA_CHILD_SLOT_BASE CONFIG_STATIC_SAS_MAX
/* ... and slots SA_DYN_SLOT_BASE up: one per peer of a child whose pairs have their own policies. */
#define SA_DYN_SLOT_BASE    (SA_CHILD_SLOT_BASE + CONFIG_CHILDREN_MAX)
#define SA_DYN_SLOTS        (SA_MAX - SA_DYN_SLOT_BASE)
#define ACQUIRE_INTERVAL_MS 1000 /* a worker asks for a child's SA at most this often */
#define ACQUIRE_SLOTS       256  /* children a worker remembers asking for (direct-mapped) */
_Static_assert(SA_DYN_SLOT_BASE + 1024 <= SA_MAX,
    "the outbound table holds every static SA, every child and peers' pairs");

/* Forwarding table (fastpath/route.h) */
#define NEXTHOP_MAX        32767 /* next hops per table: FIB entries are 2 bytes (15-bit values) */
#define ROUTE_TBL8_MAX     32767 /* tbl8 groups per FIB: DPDK caps them at the largest 2-byte value */
#define ROUTE_HEADROOM_PCT 25    /* FIB routes and tbl8 groups sized this much above the config's */
#define ROUTE_HEADROOM_MIN 64    /* ... and at least this many more */

/* Security policy database (fastpath/spd.h) */
#define SPD_IPV6_EXT_MAX       8 /* IPv6 extension headers walked (SPD, fastpath/ip6ext.h) */
#define SPD_ACL_BYTES_PER_RULE (16u << 10) /* rte_acl run-time budget per policy of a context ... */
#define SPD_ACL_BYTES_MIN      (1u << 20)  /* ... but at least this ... */
#define SPD_ACL_BYTES_MAX      (16u << 20) /* ... and at most this, per context */
#define SPD_CALIB_KEYS         256         /* keys classified per method to pick the fastest */
#define SPD_LINEAR_MAX         16 /* policies of a context a first-match scan may take (vs rte_acl) */
#define SPD_POLICIES_MAX       (1u << 16) /* policies, the config's and IKE pairs' own */
#define SPD_REBUILD_MS         100 /* the SPD is rebuilt for IKE pairs' policies at most this often */
#define SPD_RETIRED_MAX        8   /* replaced SPDs waiting for a grace period */

/* ICMP errors and fragmentation (fastpath/forward.c, RFC 1812 §4.3.2.8) */
#define ICMP_ERR_RATE    100  /* ICMP errors a worker sends per second ... */
#define ICMP_ERR_BURST   20   /* ... with bursts of up to this many (token bucket) */
#define ICMP6_ERR_MAXLEN 1280 /* ICMPv6 errors fit the IPv6 minimum MTU (RFC 4443 2.4 c) */
#define FRAG_MAX         64   /* IPv4 or IPv6 fragments made of one packet */

/* Shutdown */
#define SHUTDOWN_DEADLINE_MS 2000 /* SIGINT/SIGTERM to exit */

/* Reassembly of fragments addressed to the gateway (fastpath/reasm.c), per worker */
#define REASM_FLOWS          64   /* packets in progress */
#define REASM_BUCKET_ENTRIES 4    /* rte_ip_frag bucket associativity (a power of 2) */
#define REASM_TIMEOUT_MS     5000 /* to receive every fragment of a packet */
#define REASM_BIG_MBUFS      319 /* per worker: buffers for packets beyond one mbuf (63 + CQ_SIZE) */
#define REASM_BIG_ROOM       (16u << 10) /* ... of at most this many bytes (IKE with certificates) */
#define SA_SETTLE_MS         5000        /* start-up: the workers take the static SAs within this */
/*
 * A received frame in chained mbufs (scatter rx, jumbo frames), or one
 * leaving less than this at the end of its buffer, is copied into one big
 * buffer at the door: ESP appends its padding, trailer and ICV in place
 * (at most 15 + 2 + 32 bytes, and 4 of ESN).
 */
#define RX_TAILROOM_MIN 64

/* IKE message codec (slowpath/ike/ike_payload.h, ikev1_msg.h) */
#define IKE_MSG_MAX          (64u << 10) /* bytes of one IKE message, header included */
#define IKE_PAYLOADS_MAX     64          /* payloads in one message's chain */
#define IKEV1_PROPOSALS_MAX  16          /* proposals in one SA payload */
#define IKEV1_TRANSFORMS_MAX 128         /* transforms in one SA payload, all proposals */
#define IKEV1_SA_ATTRS_MAX   1024        /* SA attributes in one SA payload, all transforms */
#define IKEV1_CFG_ATTRS_MAX  64          /* attributes in one mode-config / XAUTH payload */
#define IKEV1_VIDS_MAX       16          /* vendor ID payloads in one message */
#define IKEV1_NOTIFIES_MAX   8           /* notification payloads in one message */
#define IKEV1_DELETES_MAX    8           /* delete payloads in one message */
#define IKEV1_CERTS_MAX      8           /* CERT payloads in one message (a chain) */
#define IKEV1_CRS_MAX        8           /* CR payloads in one message */
#define IKEV1_NATD_MAX       8           /* NAT-D payloads: the peer's and each local address */

/* IKEv1 quick mode (slowpath/ike/ikev1_qm.c) */
#define IKEV1_PEER_LIFE_REKEY_PCT 90 /* rekey at this % of a peer's lifetime shorter than ours */

/* IKEv1 fragmentation (slowpath/ike/ikev1_frag.c: strongSwan's and Cisco's payload 132) */
#define IKEV1_FRAG_SIZE_DEFAULT 1280 /* a fragment's whole IP packet (charon.fragment_size) */
#define IKEV1_FRAG_NUM_MAX      64   /* fragments of one message we reassemble */
#define IKEV1_FRAG_BYTES_MAX    (16u << 10) /* bytes of one reassembled message */
#define IKEV1_FRAG_TIMEOUT_S    10          /* to receive every fragment of a message */
#define IKEV1_FRAG_PRE_MAX      8           /* first messages (no SA yet) reassembled at once */
#define IKEV1_FRAG_PRE_PER_PEER 2           /* ... of them from one peer address */

/* IKEv2 codec (slowpath/ike/ikev2_msg.h, ikev2_crypt.h) */
#define IKEV2_NOTIFIES_MAX  16 /* Notify payloads in one message (NAT-D, status, errors) */
#define IKEV2_CERTS_MAX     8  /* CERT payloads in one message (a chain) */
#define IKEV2_CERTREQS_MAX  8  /* CERTREQ payloads in one message */
#define IKEV2_DELETES_MAX   8  /* Delete payloads in one message */
#define IKEV2_VIDS_MAX      16 /* Vendor ID payloads in one message */
#define IKEV2_FRAGS_MAX     64 /* RFC 7383: Total Fragments we reassemble */
#define IKEV2_FRAG_MSGS_MAX 4  /* messages a reassembler holds at once */

/* IKEv2 fragments of the peer, reassembled per IKE SA (slowpath/ike/ikev2_frag.c) */
#define IKEV2_FRAG_BYTES_MAX (16u << 10) /* plaintext of one reassembled message */
#define IKEV2_FRAG_TIMEOUT_S 10          /* to receive every fragment of a message */

#endif
