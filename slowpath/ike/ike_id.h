/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ike_id.h: IKE identities (IKEv1 and IKEv2): ours from the config, the peer's checked against it, PSK lookup. */
#ifndef FASTIPSEC_IKE_ID_H
#define FASTIPSEC_IKE_ID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "slowpath/ike/ike_crypto.h"

/*
 * IKEv1 (RFC 2407 §4.6.2.1) and IKEv2 (RFC 7296 §3.5) number the identity
 * types they share alike: 1 IPv4 address, 2 FQDN, 3 RFC 822 address
 * (USER_FQDN), 5 IPv6 address, 9 DER DN; so do config_id_type's values.
 * This module works on that common form; the codecs carry the bytes.
 * No state; DNs go through ike_crypto.
 */

#define IKE_ID_DATA_MAX 1024 /* an identity's data: an FQDN, or a certificate's DER subject */

struct ike_id {
	uint8_t type; /* enum config_id_type values 1, 2, 3, 5, 9 */
	size_t len;
	uint8_t data[IKE_ID_DATA_MAX];
};

/*
 * Our identity for local end @a, the IKE SA's local address being @ike,
 * with credential @cred (NULL for PSK): strongSwan's defaults, the
 * certificate's subject when no id (or a DN equal to it: the subject's own
 * DER) is configured with a certificate, the IKE address when none is
 * configured, else the id as written.  0, -ENOSPC, -EINVAL (a DN that
 * does not parse), -ENOTSUP.
 */
int ike_id_local(const struct config_ike_auth *a, const struct config_addr *ike,
    const struct ike_crypto_cred *cred, struct ike_id *out);

/*
 * An identity as received (@type, @data of @len bytes) into @out; -EINVAL
 * for a length the type cannot have (IPv4 not 4 bytes, IPv6 not 16, an
 * empty name or one with a NUL, a DN that is not DER), -ENOTSUP for types
 * we do not take (KEY_ID, DER_ASN1_GN, ranges and subnets).
 */
int ike_id_parse(uint8_t type, const uint8_t *data, size_t len, struct ike_id *out);

/*
 * Text of @id for logs and secret lookups: "192.0.2.1", "gw.example.org",
 * "C=CH, O=x, CN=gw" (cut to @size).  *@type gets the config type and
 * @addr (16 bytes) the address for IPv4/IPv6.  0 or -EINVAL.
 */
int ike_id_text(const struct ike_id *id, enum config_id_type *type, char *text, size_t size,
    uint8_t *addr);

/*
 * Does the peer's identity @id fit remote end @r?  "" and %any take any
 * identity; a DN compares as RFC 5280 §7.1 says (ike_crypto_dn_equal),
 * FQDN and RFC 822 names ignoring case, addresses byte for byte.
 */
bool ike_id_match(const struct config_ike_auth *r, const struct ike_id *id);

/*
 * The identity remote end @r names, as the initiator's IDr carries it
 * (RFC 7296 §1.2: which of the responder's identities it wants):
 * -ENOENT when @r names none ("" or %any), else as ike_id_local().
 */
int ike_id_remote(const struct config_ike_auth *r, struct ike_id *out);

/* The certificate identity type (enum ike_crypto_id) of an ID type (RFC 4945 §3.1), or -1. */
int ike_id_cert_type(uint8_t type);

/* Two identities alike: a DN as RFC 5280 §7.1 says, names ignoring case, addresses byte for byte. */
bool ike_id_equal(const struct ike_id *a, const struct ike_id *b);

/*
 * Is @id one of our identities: the one we use (@me, as ike_id_local()
 * made it) or, with our credential @cred (NULL for PSK), one our
 * certificate holds (the subject or a subjectAltName)?
 */
bool ike_id_ours(const struct ike_id *me, const struct ike_crypto_cred *cred,
    const struct ike_id *id);

/*
 * The pre-shared key for an IKE SA between local identity (@lt, @lid,
 * @laddr) and remote identity (@rt, @rid, @raddr), as strongSwan picks it:
 * the IKE secret whose ids fit the two ends best (per end 20 for an id
 * naming it, 1 for a wildcard, as strongSwan's ID_MATCH_PERFECT and
 * ID_MATCH_ANY), a secret with ids naming at least one end.  NULL when
 * none.
 */
const struct config_secret *ike_id_psk_find(const struct config *cfg, enum config_id_type lt,
    const char *lid, const uint8_t *laddr, enum config_id_type rt, const char *rid,
    const uint8_t *raddr);

/*
 * The same for connection end @a with the IKE SA's address @ike when @a
 * names no identity: the (type, text, address) to look secrets up with.
 * @buf holds the text when it is made from @ike.
 */
void ike_id_lookup_key(const struct config_ike_auth *a, const struct config_addr *ike,
    enum config_id_type *type, const char **id, const uint8_t **addr, char *buf, size_t size);

#endif
