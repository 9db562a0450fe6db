/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ikev1_prop.h: IKEv1 SA proposals (phase 1 and 2) and ID payloads as traffic selectors. */
#ifndef FASTIPSEC_IKEV1_PROP_H
#define FASTIPSEC_IKEV1_PROP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/alg.h"
#include "config/config.h"
#include "slowpath/ike/ike_payload.h"
#include "slowpath/ike/ikev1_msg.h"

/*
 * The configuration speaks strongSwan keywords parsed into IKEv2 transform
 * ids (config/config.h); IKEv1 carries the same choices as SA attributes
 * (RFC 2409 Appendix A for phase 1, RFC 2407 §4.5 for phase 2).  This
 * module maps between the two, builds our offers, picks from the peer's
 * and checks the peer's pick.  No state, no crypto.
 *
 * Selection follows our preference (the configured order), as strongSwan
 * does by default; the answer carries the chosen transform as the peer
 * sent it (RFC 2408 §4.2).
 */

/* A phase-1 (ISAKMP SA) choice. */
struct ikev1_p1_prop {
	uint16_t encr_bits;                  /* AES-CBC (IKEV1_ENCR_AES_CBC) key bits */
	uint16_t hash;                       /* IKEV1_HASH_* */
	uint16_t prf;                        /* its HMAC: IKE_CRYPTO_PRF_* */
	uint16_t group;                      /* DH group */
	uint16_t auth;                       /* IKEV1_AUTH_PSK, _RSA_SIG, _ECDSA_256/384/521 */
	uint32_t life_s;                     /* 0: none given */
	char name[CONFIG_PROPOSAL_NAME_MAX]; /* "aes128-sha256-modp2048" */
};

/* A phase-2 (ESP) choice. */
struct ikev1_p2_prop {
	struct alg_proposal alg; /* the configured proposal's */
	bool esn;
	uint16_t group;      /* PFS group, 0 for none */
	uint16_t encap_mode; /* IKEV1_ENCAP_* as on the wire */
	enum config_mode mode;
	bool encap; /* a UDP-encapsulated mode (RFC 3947 §5.1) */
	uint32_t life_s;
	uint64_t life_kb;
	unsigned int esp; /* index in the child's esp_proposals */
	char name[CONFIG_PROPOSAL_NAME_MAX];
};

/* "aes128-sha256-modp2048" for a transform's attributes (unknown values as numbers). */
void ikev1_prop_p1_name(const struct ikev1_p1_prop *p, char *buf, size_t len);

/*
 * Our phase-1 offer for @conn into @sa (one ISAKMP proposal, a transform
 * per proposal IKEv1 can carry, life @life_s, authentication method @auth:
 * IKEV1_AUTH_PSK, or the signature method of our key).  Returns the number
 * of transforms (0: the connection has none usable, or @auth is 0) or
 * -EINVAL.
 */
int ikev1_prop_p1_offer(const struct config_connection *conn, uint32_t life_s, uint16_t auth,
    struct ikev1_sa *sa);

/*
 * Responder: pick a transform of the peer's SA payload @in acceptable to
 * @conn with our authentication method @auth (any ECDSA method fits an
 * ECDSA @auth; 0: none fits).  Returns IKEV1_N_NONE with @out, *@p (proposal) and *@t
 * (transform index in in->transforms) set, or the notify to answer with
 * (NO-PROPOSAL-CHOSEN, BAD-PROPOSAL-SYNTAX...).  @why gets a short reason.
 */
enum ikev1_notify ikev1_prop_p1_select(const struct ikev1_sa *in,
    const struct config_connection *conn, uint16_t auth, struct ikev1_p1_prop *out, unsigned int *p,
    unsigned int *t, const char **why);
/* Initiator: the responder's answer @in must be one transform we offered. */
enum ikev1_notify ikev1_prop_p1_check(const struct ikev1_sa *in,
    const struct config_connection *conn, uint16_t auth, struct ikev1_p1_prop *out,
    const char **why);
/* The peer's offered transforms as a list of names, for the "IKE SA proposal" log. */
void ikev1_prop_p1_list(const struct ikev1_sa *in, char *buf, size_t len);

/*
 * The answer: proposal @p of @in with only transform @t, attributes as
 * received, and SPI @spi (@spi_size bytes) instead of the peer's.  Into
 * @out (a scratch struct); its attribute values point into @in's message.
 */
void ikev1_prop_chosen(const struct ikev1_sa *in, unsigned int p, unsigned int t,
    const uint8_t *spi, uint8_t spi_size, struct ikev1_sa *out);

/*
 * Our ESP offer for @child into @sa: SPI @spi (4 bytes, network order),
 * a transform per proposal (and ESN choice) with PFS group @group (the
 * first proposal's, others with another group are left out), encapsulation
 * mode value @encap_mode.  Returns the number of transforms (0: none
 * IKEv1 can carry) or -EINVAL.
 */
int ikev1_prop_p2_offer(const struct config_child *child, const uint8_t *spi, uint16_t group,
    uint16_t encap_mode, struct ikev1_sa *sa);

/* The encapsulation mode value for @mode: plain, or UDP (RFC 3947 / its drafts). */
uint16_t ikev1_prop_encap_mode(enum config_mode mode, bool udp, bool draft);

/*
 * Responder: pick an ESP transform of @in for @child.  @ke_group: the
 * group of the KE payload sent (0 when none).  Returns IKEV1_N_NONE with
 * @out, *@p, *@t set, or NO-PROPOSAL-CHOSEN.  The peer's SPI is
 * in->proposals[*p].spi.
 */
enum ikev1_notify ikev1_prop_p2_select(const struct ikev1_sa *in, const struct config_child *child,
    bool ke_present, struct ikev1_p2_prop *out, unsigned int *p, unsigned int *t, const char **why);
/* Initiator: the answer must be one ESP proposal with one transform we offered. */
enum ikev1_notify ikev1_prop_p2_check(const struct ikev1_sa *in, const struct config_child *child,
    uint16_t group, struct ikev1_p2_prop *out, const char **why);

/* ---- traffic selectors as ID payloads (RFC 2407 §4.6.2) ---- */

/* @ts with "dynamic" made the host address @ike (RFC 2409 §5.5: no IDs = the IKE addresses). */
void ikev1_prop_ts_resolve(const struct config_ts *ts, const struct config_addr *ike,
    struct config_ts *out);
/* An ID payload into a selector: 0, or -EINVAL for a type or mask we cannot use. */
int ikev1_prop_ts_from_id(const struct ikev1_id *id, struct config_ts *ts);
/*
 * A selector into an ID payload whose data go to @data (32 bytes).
 * -EINVAL when the port range is neither one port nor all.
 */
int ikev1_prop_ts_to_id(const struct config_ts *ts, uint8_t *data, struct ikev1_id *id);
/* Does @outer contain @inner (addresses, protocol and ports)? */
bool ikev1_prop_ts_contains(const struct config_ts *outer, const struct config_ts *inner);
/* The intersection of @a and @b into @out; false when empty or not one prefix. */
bool ikev1_prop_ts_narrow(const struct config_ts *a, const struct config_ts *b,
    struct config_ts *out);
/* "198.51.100.0/24" or "192.0.2.7/32[udp/500]". */
void ikev1_prop_ts_format(const struct config_ts *ts, char *buf, size_t len);

#endif
