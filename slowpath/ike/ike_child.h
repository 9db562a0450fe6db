/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ike_child.h: a negotiated IPsec SA pair, as the IKE engines hand it to the SA installer. */
#ifndef FASTIPSEC_IKE_CHILD_H
#define FASTIPSEC_IKE_CHILD_H

#include <stdbool.h>
#include <stdint.h>

#include "common/alg.h"
#include "config/config.h"

/*
 * What an IKE engine (IKEv1 quick mode, IKEv2 IKE_AUTH / CREATE_CHILD_SA)
 * hands to the SA installer (slowpath/, the only code that talks to the
 * rings) when a phase-2 SA / Child SA is up.  Plain data: no OpenSSL, no
 * DPDK.  The installer copies what it needs; the engine wipes the keys
 * with ike_child_sa_wipe() after the call.
 *
 * Keys are split as RFC 7296 §2.17 and RFC 2409 §5.5 take KEYMAT: the
 * encryption key first (with its 4-byte salt appended for GCM, GMAC and
 * ChaCha20-Poly1305, RFC 4106 §8.1), then the integrity key.  "in" is the
 * SA the peer sends on (its SPI is the one we chose), "out" the one we
 * send on (the peer chose its SPI).
 */
struct ike_child_keys {
	uint8_t enc[CONFIG_ENC_KEY_MAX];
	uint8_t enc_len; /* alg.cipher_key_len + alg.salt_len; 0 for AH / ENCR_NULL */
	uint8_t integ[CONFIG_INTEG_KEY_MAX];
	uint8_t integ_len; /* alg.auth_key_len; 0 for combined modes */
};

struct ike_child_sa {
	unsigned int child;    /* index in config.children */
	uint64_t ike_sa;       /* the owning IKE SA's local id (logs, telemetry, deletes) */
	uint8_t ike_version;   /* 1 or 2 */
	enum alg_proto proto;  /* ESP or AH */
	enum config_mode mode; /* as negotiated */
	struct alg_proposal alg;
	bool esn;
	uint32_t spi_in;          /* host byte order: ours */
	uint32_t spi_out;         /* host byte order: the peer's */
	struct config_addr local; /* outer addresses: the IKE SA's current endpoints */
	struct config_addr remote;
	bool encap;           /* UDP encapsulation (RFC 3948): NAT detected or forced */
	uint16_t local_port;  /* host byte order, with encap: ours (4500) */
	uint16_t remote_port; /* with encap: the peer's (4500, or what its NAT chose) */
	struct ike_child_keys in;
	struct ike_child_keys out;
	/* Negotiated (narrowed) traffic selectors, never "dynamic". */
	unsigned int n_local_ts;
	struct config_ts local_ts[CONFIG_TS_MAX];
	unsigned int n_remote_ts;
	struct config_ts remote_ts[CONFIG_TS_MAX];
	struct config_lifetime lifetime; /* bytes and packets: soft (rekey) and hard (life) */
	uint32_t replay_window;
};

/* Wipe the keys of @p c (explicit_bzero: the compiler may not drop it). */
void ike_child_sa_wipe(struct ike_child_sa *c);

#endif
