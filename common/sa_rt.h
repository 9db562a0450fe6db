/* SPDX-License-Identifier: BSD-3-Clause */
/* common/sa_rt.h: the workers' runtime view of an SA, built by the control core. */
#ifndef FASTIPSEC_SA_RT_H
#define FASTIPSEC_SA_RT_H

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
	struct sa_counters cnt __rte_cache_aligned; /**< owner */
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
	uint64_t seq;                               /**< owner: last sequence number sent */
	struct sa_counters cnt __rte_cache_aligned; /**< owner */
	struct crypto_mb_sa crypto;
} __rte_cache_aligned;

#endif
