/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ikev2_prop.h: IKEv2 SA proposals (IKE and ESP) and traffic selectors: offers, selection, narrowing. */
#ifndef FASTIPSEC_IKEV2_PROP_H
#define FASTIPSEC_IKEV2_PROP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/alg.h"
#include "config/config.h"
#include "slowpath/ike/ikev2_msg.h"

/*
 * Between the config's proposals and traffic selectors and the parsed
 * SA / TS payloads of ikev2_msg.h.  No state, no crypto, no bytes.
 *
 * Proposals (RFC 7296 §2.7, §3.3): our offer has one proposal per
 * configured proposal, numbered from 1 in the configured order, as
 * strongSwan sends them.  The responder takes the first acceptable pair
 * in our order (strongSwan's charon.prefer_configured_proposals = yes,
 * its default) or in the peer's; within a transform type likewise.  A
 * peer's proposal with a transform type or an attribute we do not know is
 * unacceptable (§3.3.6), as is one that lacks a type ours has.  The answer
 * holds one transform of each type under the peer's proposal number.
 */

/* A chosen IKE SA proposal (IKEv2 transform ids, as config_ike_proposal). */
struct ikev2_prop_ike {
	uint16_t encr, encr_bits, prf, integ, dh; /* integ 0 for AES-GCM */
	unsigned int index;                       /* in conn->proposals */
};

/* A chosen ESP proposal. */
struct ikev2_prop_esp {
	struct alg_proposal alg; /* the configured proposal's */
	uint16_t dh;             /* 0: no PFS */
	bool esn;
	unsigned int index; /* in child->esp_proposals */
	uint8_t spi[4];     /* the peer's SPI (network order) */
};

/*
 * Our IKE SA offer for @conn into @sa, with SPI @spi of @spi_len bytes
 * (0 in IKE_SA_INIT, 8 when rekeying in CREATE_CHILD_SA).  Returns the
 * number of proposals, or -EINVAL.
 */
int ikev2_prop_ike_offer(const struct config_connection *conn, const uint8_t *spi, uint8_t spi_len,
    struct ikev2_sa_payload *sa);

/*
 * Our ESP offer for @child with our SPI @spi (4 bytes, network order).
 * @with_dh: the exchange carries KE payloads (CREATE_CHILD_SA with PFS):
 * each proposal gets its DH group; false (IKE_AUTH) leaves DH out.  ESN
 * transforms as the proposal says (none or both).  Returns the number of
 * proposals (0: none we can carry), or -EINVAL.
 */
int ikev2_prop_esp_offer(const struct config_child *child, const uint8_t *spi, bool with_dh,
    struct ikev2_sa_payload *sa);

/*
 * Responder: pick from the peer's IKE proposals @in for @conn; their SPI
 * size must be @spi_len.  @ke_group is the group of the peer's KE payload:
 * a proposal whose group it is wins over the others if acceptable at all
 * (no round trip); else the best proposal decides and the answer is
 * INVALID_KE_PAYLOAD with *@ke_want its group (RFC 7296 §1.2, §1.3).
 * Returns IKEV2_N_NONE with @out and @reply (the proposal to send: the
 * peer's number and SPI, one transform per type) set, or
 * NO_PROPOSAL_CHOSEN / INVALID_KE_PAYLOAD.  @why gets a reason for logs.
 */
enum ikev2_notify ikev2_prop_ike_select(const struct ikev2_sa_payload *in,
    const struct config_connection *conn, bool prefer_ours, uint8_t spi_len, uint16_t ke_group,
    struct ikev2_prop_ike *out, struct ikev2_proposal *reply, uint16_t *ke_want, const char **why);

/*
 * Responder: pick from the peer's ESP proposals @in for @child.  Without
 * @with_dh (IKE_AUTH) DH transforms are ignored on both sides; with it
 * @ke_group is the KE payload's group (0: none sent) and is handled as
 * for the IKE SA.  The reply carries the peer's SPI: put ours in it.
 */
enum ikev2_notify ikev2_prop_esp_select(const struct ikev2_sa_payload *in,
    const struct config_child *child, bool prefer_ours, bool with_dh, uint16_t ke_group,
    struct ikev2_prop_esp *out, struct ikev2_proposal *reply, uint16_t *ke_want, const char **why);

/*
 * Initiator: the responder's answer @in must be exactly one proposal,
 * numbered as one of our offer's, with exactly one transform of each type
 * that proposal has and each one we offered in it, nothing else
 * (RFC 7296 §2.7).  INVALID_SYNTAX or NO_PROPOSAL_CHOSEN when not.
 */
enum ikev2_notify ikev2_prop_ike_check(const struct ikev2_sa_payload *in,
    const struct config_connection *conn, uint8_t spi_len, struct ikev2_prop_ike *out,
    const char **why);
enum ikev2_notify ikev2_prop_esp_check(const struct ikev2_sa_payload *in,
    const struct config_child *child, bool with_dh, struct ikev2_prop_esp *out, const char **why);

/* "aes128-sha256-modp2048" style names of a proposal's transforms (numbers for unknown ids). */
void ikev2_prop_name(const struct ikev2_proposal *p, char *buf, size_t len);

/* ---- traffic selectors (RFC 7296 §2.9, §3.13) ---- */

/* @ts (resolved: never dynamic) as an address range selector. */
void ikev2_prop_ts_from_config(const struct config_ts *ts, struct ikev2_ts *out);

/*
 * Our TSi or TSr: the @n selectors @ts with "dynamic" made the host
 * @ike.  @trigger (NULL: none) is the packet that started the
 * negotiation (its addresses, protocol and ports): it goes first
 * (RFC 7296 §2.9).  Returns the count, or -E2BIG.
 */
int ikev2_prop_ts_offer(const struct config_ts *ts, unsigned int n, const struct config_addr *ike,
    const struct ikev2_ts *trigger, struct ikev2_ts_payload *out);

/*
 * Responder narrowing of one side (RFC 7296 §2.9): the peer's
 * @proposed selectors intersected with our @n configured ones (dynamic:
 * @ike), ours in the outer loop, what another result covers dropped.  A
 * trigger selector that the peer put first is covered by its wider
 * selectors' intersections and so needs no special case.  Selectors that
 * do not parse (start above end, unknown type) are skipped.  Returns
 * IKEV2_N_NONE with @out, or TS_UNACCEPTABLE when nothing is left.
 */
enum ikev2_notify ikev2_prop_ts_narrow(const struct ikev2_ts_payload *proposed,
    const struct config_ts *ts, unsigned int n, const struct config_addr *ike,
    struct ikev2_ts_payload *out);

/*
 * Initiator: every selector of the responder's @got must lie inside one
 * we @offered (it may only narrow).  IKEV2_N_NONE, or TS_UNACCEPTABLE
 * (nothing, or something wider or else).
 */
enum ikev2_notify ikev2_prop_ts_check(const struct ikev2_ts_payload *offered,
    const struct ikev2_ts_payload *got);

/*
 * The negotiated selectors @ts for the SA installer (struct
 * ike_child_sa's local_ts / remote_ts): each range as the fewest prefixes.
 * Returns the count, -E2BIG over @max, -EINVAL for a selector that does
 * not parse.
 */
int ikev2_prop_ts_install(const struct ikev2_ts_payload *ts, struct config_ts *out,
    unsigned int max);

#endif
