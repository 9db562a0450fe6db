/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ikev2_cookie.h: IKEv2 COOKIE (RFC 7296 §2.6): stateless cookies under a rotating secret, and the engine's hooks. */
#ifndef FASTIPSEC_IKEV2_COOKIE_H
#define FASTIPSEC_IKEV2_COOKIE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "slowpath/ike/ike.h"

/*
 * A responder under load answers an IKE_SA_INIT request without a valid
 * COOKIE with N(COOKIE) only and keeps nothing (RFC 7296 §2.6):
 *
 *   Cookie = <VersionIDofSecret> | HMAC-SHA-256(<secret>, Ni | IPi | SPIi)
 *
 * VersionIDofSecret is 4 bytes in network order, IPi the initiator's
 * address as it was seen (4 or 16 bytes), SPIi its 8 bytes; the whole
 * cookie is IKEV2_COOKIE_LEN bytes.  The secret comes from
 * ike_crypto_random(), is replaced every IKEV2_COOKIE_LIFE_NS or after
 * IKEV2_COOKIE_USES cookies made under it, and the one before stays
 * accepted until the next replacement: a cookie is good for at least one
 * and at most two lifetimes of the secret.  Cookies under any older
 * secret, of another length or whose MAC is wrong are refused (the
 * initiator gets a fresh cookie).
 */

#define IKEV2_COOKIE_SECRET_LEN  32
#define IKEV2_COOKIE_VERSION_LEN 4
#define IKEV2_COOKIE_LEN         (IKEV2_COOKIE_VERSION_LEN + 32) /* version | HMAC-SHA-256 */
#define IKEV2_COOKIE_MAX         64 /* the longest a peer's cookie may be (RFC 7296 §2.6: 1..64) */
#define IKEV2_COOKIE_LIFE_NS     (300ull * 1000000000ull)
#define IKEV2_COOKIE_USES        1000000u
#define IKEV2_COOKIE_TRIES       4 /* cookie answers an initiator follows per IKE SA */

struct ikev2_cookie_secret {
	uint8_t key[2][IKEV2_COOKIE_SECRET_LEN]; /* key[version & 1] is the current one */
	uint32_t version;                        /* of the current secret */
	bool ready;                              /* a current secret exists */
	bool have_prev;                          /* the one before (version - 1) is accepted */
	uint64_t born_ns;                        /* when the current one was made */
	uint64_t uses;                           /* cookies made under it */
};

/*
 * The cookie for (@ni, @ipi, @spi_i) under the current secret (made or
 * replaced first when due) into @out (at least IKEV2_COOKIE_LEN bytes).
 * IKEV2_COOKIE_LEN, or -EIO (no random bytes, no HMAC).
 */
int ikev2_cookie_make(struct ikev2_cookie_secret *cs, uint64_t now_ns, const uint8_t *ni,
    size_t ni_len, const struct config_addr *ipi, uint64_t spi_i, uint8_t *out, size_t size);

/* Is @cookie (@len bytes) one of ours for (@ni, @ipi, @spi_i), under the current or the previous secret? */
bool ikev2_cookie_valid(struct ikev2_cookie_secret *cs, uint64_t now_ns, const uint8_t *cookie,
    size_t len, const uint8_t *ni, size_t ni_len, const struct config_addr *ipi, uint64_t spi_i);

/* Replace the secret now (the current one becomes the previous).  0 or -EIO. */
int ikev2_cookie_rotate(struct ikev2_cookie_secret *cs, uint64_t now_ns);

/* Forget both secrets (zeroed). */
void ikev2_cookie_fini(struct ikev2_cookie_secret *cs);

/* ---- the engine's hooks (ikev2_sm.c) ---- */

struct ikev2;
struct v2_sa;
struct ike_buf;

/*
 * Responder: may the IKE_SA_INIT request in e->m from @r (to @l) make
 * state?  Yes when fewer than ike.cookie_threshold IKE SAs are half-open
 * (0: cookies always) or when the request opens with a valid N(COOKIE).
 * Otherwise it is answered with N(COOKIE) alone, statelessly, and false
 * returned; a request without a usable nonce is dropped (malformed).
 */
bool ikev2_cookie_admit(struct ikev2 *e, uint64_t now_ns, const struct ike_addr *l,
    const struct ike_addr *r);

/*
 * Initiator: the IKE_SA_INIT response in e->m for @s.  When it asks for a
 * cookie, send our request again with that N(COOKIE) first and everything
 * else as it was (same SPIi, nonce and KE), or give up after
 * IKEV2_COOKIE_TRIES such answers; true then (the response is dealt with).
 * False for any other response.
 */
bool ikev2_cookie_response(struct ikev2 *e, struct v2_sa *s, uint64_t now_ns);

/* Initiator: N(COOKIE) with the cookie @s holds, if any (the first payload of IKE_SA_INIT). */
void ikev2_cookie_build(struct ike_buf *b, const struct v2_sa *s);

#endif
