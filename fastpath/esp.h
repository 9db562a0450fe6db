/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/esp.h: what ESP outbound and inbound share: wire constants and SA set-up parameters. */
#ifndef FASTIPSEC_ESP_H
#define FASTIPSEC_ESP_H

#include <stdbool.h>
#include <stdint.h>

#include "common/alg.h"

#define ESP_HDR_LEN     8  /* SPI, sequence number (RFC 4303 §2) */
#define ESP_TRAILER_LEN 2  /* pad length, next header (RFC 4303 §2.4, §2.6) */
#define ESP_UDP_LEN     8  /* UDP header of RFC 3948 */
#define ESP_TTL         64 /* outer TTL / hop limit of tunnel mode */
#define ESP_NH_IPV4     4  /* next header of tunnel mode, IPv4 inside */
#define ESP_NH_IPV6     41 /* ... IPv6 inside */
#define ESP_NH_NONE     59 /* "no next header": a TFC dummy packet (RFC 4303 §2.6) */

/*
 * What the control core knows about an SA when it builds its runtime
 * record with esp_outbound_sa_init() or esp_inbound_sa_init() (and the
 * ah_*_sa_init() of fastpath/ah.h).
 * Addresses are in network byte order, 4 or 16 bytes by family; ports
 * in host order, as in the config.
 */
struct esp_sa_prm {
	const struct alg_proposal *prop;
	uint8_t family;        /* of the outer header: 4 or 6 */
	const uint8_t *local;  /* our address */
	const uint8_t *remote; /* the peer's */
	uint8_t mode;          /* enum sa_mode */
	bool esn;
	bool encap;           /* RFC 3948 UDP encapsulation */
	uint16_t encap_sport; /* outbound: ours; inbound: the peer's */
	uint16_t encap_dport; /* outbound: the peer's; inbound: ours */
	/* Lifetime (RFC 4301 §4.4.2.1, fastpath/lifetime.h), either direction; 0 = no limit. */
	uint64_t soft_packets;
	uint64_t hard_packets;
	uint64_t soft_bytes;
	uint64_t hard_bytes;
};

#endif
