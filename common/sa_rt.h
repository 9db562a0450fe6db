/* SPDX-License-Identifier: BSD-3-Clause */
/* common/sa_rt.h: the workers' runtime view of an SA, built by the control core. */
#ifndef FASTIPSEC_SA_RT_H
#define FASTIPSEC_SA_RT_H

#include <stddef.h>
#include <stdint.h>

#include <rte_common.h>

#include "fastpath/antireplay.h"
#include "fastpath/crypto_mb.h"

enum sa_proto {
	SA_PROTO_ESP = 0,
	SA_PROTO_AH,
};

enum sa_mode {
	SA_MODE_TUNNEL = 0,
	SA_MODE_TRANSPORT,
};

/**
 * What identifies an inbound SA (RFC 4301 §4.1: SPI, destination and
 * protocol).  The SAD hashes exactly these bytes: keep the padding zero.
 */
struct sa_key {
	uint32_t spi; /**< network byte order */
	uint8_t proto;
	uint8_t family;
	uint16_t pad;
	uint8_t dst[16]; /**< our address; 4 bytes used for IPv4 */
};

/**
 * Counters of one SA.  Owner: the SA's worker (counter_add()); telemetry
 * reads them with counter_read().
 */
struct sa_counters {
	uint64_t packets;
	uint64_t bytes;
	uint64_t drops;
};

/** struct sa_lifetime state flags (never cleared: an SA does not come back). */
#define SA_LT_SOFT 0x01 /**< a soft limit was reached and reported */
#define SA_LT_HARD 0x02 /**< a hard limit was reached: the SA is stopped */
#define SA_LT_SEQ  0x04 /**< outbound: the last sequence number was used: the SA is stopped */

/**
 * Lifetime of an SA in packets and bytes (RFC 4301 §4.4.2.1), both
 * directions; the rules are in fastpath/lifetime.h.  The control core
 * sets the limits with lifetime_init() before the record is published;
 * the fields marked "owner" are written by the SA's worker only, and
 * telemetry reads state with a relaxed atomic load.  The first three
 * fields are read per packet and share the counters' cache line.
 */
struct sa_lifetime {
	uint64_t next_packets; /**< owner: the lowest limit not reached yet; UINT64_MAX: none */
	uint64_t next_bytes;   /**< owner: the same for bytes */
	uint8_t state;         /**< owner: SA_LT_* */
	uint64_t soft_packets; /**< 0: no limit */
	uint64_t hard_packets; /**< 0: no limit */
	uint64_t soft_bytes;   /**< 0: no limit */
	uint64_t hard_bytes;   /**< 0: no limit */
};

/**
 * Inbound SA.  The control core fills every field before it sends
 * SA_MSG_ADD_IN; from then on the fields marked "owner" are written only
 * by worker `owner`, the others are read-only until the record is freed
 * after a grace period.
 */
struct sa_rt_in {
	struct sa_key key;
	uint32_t id;    /**< record id (telemetry, logs) */
	uint16_t owner; /**< worker index */
	uint8_t mode;   /**< enum sa_mode */
	uint8_t esn;
	uint8_t encap;        /**< UDP-encapsulated (RFC 3948) */
	uint8_t iv_len;       /**< bytes of IV in each packet */
	uint8_t icv_len;      /**< bytes of ICV */
	uint8_t block_len;    /**< ciphertext: a multiple of this, 2^n (RFC 4303 §2.4) */
	uint8_t ah_len;       /**< AH: header + IV + ICV + padding (RFC 4302 §2.2) */
	uint16_t encap_sport; /**< network byte order: the peer's UDP port */
	uint16_t encap_dport; /**< network byte order: our UDP port */
	uint8_t peer[16];     /**< expected outer source address (key.family) */
	struct sa_counters cnt __rte_cache_aligned; /**< owner */
	struct sa_lifetime lt;                      /**< limits; owner: its state */
	struct antireplay ar;                       /**< owner */
	struct crypto_mb_sa crypto;
} __rte_cache_aligned;

/** Outbound SA: the same ownership rules as struct sa_rt_in. */
struct sa_rt_out {
	uint32_t spi;   /**< network byte order */
	uint32_t id;    /**< slot in the outbound table (the SPD points here) */
	uint16_t owner; /**< worker index */
	uint8_t proto;  /**< enum sa_proto */
	uint8_t mode;   /**< enum sa_mode */
	uint8_t esn;
	uint8_t family;    /**< outer header: 4 or 6 */
	uint8_t encap;     /**< UDP-encapsulated (RFC 3948) */
	uint8_t iv_len;    /**< bytes of IV in each packet */
	uint8_t icv_len;   /**< bytes of ICV */
	uint8_t block_len; /**< ESP payload alignment: the cipher block, at least 4 */
	uint8_t hdr_len;   /**< bytes of hdr: IPv4 / IPv6 header, then the UDP header if encap */
	uint8_t ah_len;    /**< AH: header + IV + ICV + padding (RFC 4302 §2.2) */
	/** Egress MTU towards the peer (its route's port, set at install); 0: unknown, no check. */
	uint16_t mtu;
	/**
	 * Bytes the SA adds besides ESP padding: tunnel: the outer header (and
	 * UDP), else the UDP header when encap; then ESP header, IV, ICV (and
	 * the 2-byte trailer comes with the padding), or AH's ah_len.
	 */
	uint16_t fixed;
	uint64_t seq;     /**< owner: last sequence number sent */
	uint64_t seq_max; /**< highest sequence number allowed: 2^32 - 1, or 2^64 - 1 with ESN */
	uint64_t iv_ctr;  /**< owner: the next IV counter (RFC 4106 §3.1, RFC 3602 §2.4) */
	/**
	 * Path MTU learned from an ICMP error about the SA's packets (RFC 4301
	 * §6.1.2.1, §8.2.1), 0 when none: any worker writes it and pmtu_tsc
	 * (relaxed atomics, a benign race: the last report wins); it ages out
	 * after PMTU_AGE_S.
	 */
	uint16_t pmtu;
	uint64_t pmtu_tsc; /**< when pmtu was learned (TSC) */
	/**
	 * Outer header template, built once at install (STYLE rule 17):
	 * tunnel mode, an IPv4 or IPv6 header from our address to the peer's,
	 * protocol 50, 51 (AH) or 17 and then the UDP header; transport mode, only the
	 * UDP header (at offset 0) when encap.  Per packet only the lengths,
	 * identification, DSCP/ECN and checksums are written.
	 */
	uint8_t hdr[48] __rte_cache_aligned;
	uint16_t encap_sport; /**< network byte order: our UDP port */
	uint16_t encap_dport; /**< network byte order: the peer's UDP port */
	/**
	 * Tunnel over IPv4: the one's complement sum (RFC 1071, 16-bit words
	 * as loaded, not folded) of hdr's IPv4 header with TOS, total length,
	 * identification and checksum zero; per packet those three are added.
	 */
	uint32_t hdr_sum;
	/**
	 * Owner: the route next hop of the tunnel's outer destination in the
	 * route table numbered route_gen (0: none yet), so that the SA's
	 * packets skip the lookup (fastpath/forward.c).  Reset when the
	 * endpoints move.
	 */
	uint32_t route_gen;
	uint16_t route_nh;
	struct sa_counters cnt __rte_cache_aligned; /**< owner */
	struct sa_lifetime lt;                      /**< limits; owner: its state */
	struct crypto_mb_sa crypto;
	/** AES-128 schedule of the random key that makes CBC IVs (RFC 3602 §2.4). */
	uint8_t iv_key[16 * 11] __rte_aligned(16);
} __rte_cache_aligned;

_Static_assert(offsetof(struct sa_rt_in, cnt) == RTE_CACHE_LINE_SIZE,
    "struct sa_rt_in: the per-packet fields must fit in the first cache line");
_Static_assert(offsetof(struct sa_rt_out, hdr) == RTE_CACHE_LINE_SIZE,
    "struct sa_rt_out: the per-packet fields must fit in the first cache line");
_Static_assert(offsetof(struct sa_rt_out, hdr_sum) < 2 * RTE_CACHE_LINE_SIZE,
    "struct sa_rt_out: hdr_sum must share the header template's cache line");
_Static_assert(offsetof(struct sa_rt_in, lt.state) <
        offsetof(struct sa_rt_in, cnt) + RTE_CACHE_LINE_SIZE,
    "struct sa_rt_in: the lifetime fields read per packet must share the counters' cache line");
_Static_assert(offsetof(struct sa_rt_out, lt.state) <
        offsetof(struct sa_rt_out, cnt) + RTE_CACHE_LINE_SIZE,
    "struct sa_rt_out: the lifetime fields read per packet must share the counters' cache line");

#endif
