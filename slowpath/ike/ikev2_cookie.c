/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ikev2_cookie.c: IKEv2 COOKIE (RFC 7296 §2.6): the responder's stateless cookies and the initiator's retry. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "slowpath/ike/ike_crypto.h"
#include "slowpath/ike/ike_payload.h"
#include "slowpath/ike/ike_sa.h"
#include "slowpath/ike/ikev2_cookie.h"
#include "slowpath/ike/ikev2_int.h"
#include "slowpath/ike/ikev2_msg.h"

/*
 *   I  HDR(A,0), SAi1, KEi, Ni  -->
 *      <--  HDR(A,0), N(COOKIE)                 (no state kept)
 *   I  HDR(A,0), N(COOKIE), SAi1, KEi, Ni  -->
 *      <--  HDR(A,B), SAr1, KEr, Nr, ...        (as without cookies)
 *
 * The cookie binds Ni, the source address and SPIi, not the KE payload:
 * an initiator told INVALID_KE_PAYLOAD after its cookie was accepted
 * sends the cookie again with the new KE and the same Ni (RFC 7296
 * §2.6.1, the shorter exchange), and it is still good.
 */

#define COOKIE_MAC_LEN (IKEV2_COOKIE_LEN - IKEV2_COOKIE_VERSION_LEN)
#define COOKIE_DBG_NS  1000000000ull /* one debug line a second at most */

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static int
mac(const uint8_t *key, const uint8_t *ni, size_t ni_len, const struct config_addr *ipi,
    uint64_t spi_i, uint8_t *out)
{
	uint8_t spi[8];
	struct ike_crypto_chunk parts[3] = { { ni, ni_len },
		{ ipi->addr, ipi->family == 4 ? 4u : 16u }, { spi, sizeof(spi) } };

	put32(spi, (uint32_t)(spi_i >> 32));
	put32(spi + 4, (uint32_t)spi_i);
	return ike_crypto_prf_vec(IKE_CRYPTO_PRF_HMAC_SHA2_256, key, IKEV2_COOKIE_SECRET_LEN, parts,
	           3, out, COOKIE_MAC_LEN) == COOKIE_MAC_LEN ?
	    0 :
	    -EIO;
}

int
ikev2_cookie_rotate(struct ikev2_cookie_secret *cs, uint64_t now_ns)
{
	uint8_t k[IKEV2_COOKIE_SECRET_LEN];
	uint32_t v = cs->ready ? cs->version + 1 : 1;

	if (ike_crypto_random(k, sizeof(k)) < 0)
		return -EIO;
	memcpy(cs->key[v & 1], k, sizeof(k));
	explicit_bzero(k, sizeof(k));
	cs->have_prev = cs->ready;
	cs->ready = true;
	cs->version = v;
	cs->born_ns = now_ns;
	cs->uses = 0;
	return 0;
}

/* Make the secret, or replace it when its time or its uses are up. */
static int
secret_due(struct ikev2_cookie_secret *cs, uint64_t now_ns)
{
	uint64_t age;

	if (!cs->ready)
		return ikev2_cookie_rotate(cs, now_ns);
	age = now_ns > cs->born_ns ? now_ns - cs->born_ns : 0;
	if (age < IKEV2_COOKIE_LIFE_NS && cs->uses < IKEV2_COOKIE_USES)
		return 0;
	if (ikev2_cookie_rotate(cs, now_ns) != 0)
		return -EIO;
	/* Unused for two lifetimes: the old current one is too old to keep. */
	if (age >= 2 * IKEV2_COOKIE_LIFE_NS)
		cs->have_prev = false;
	return 0;
}

int
ikev2_cookie_make(struct ikev2_cookie_secret *cs, uint64_t now_ns, const uint8_t *ni, size_t ni_len,
    const struct config_addr *ipi, uint64_t spi_i, uint8_t *out, size_t size)
{
	if (size < IKEV2_COOKIE_LEN || secret_due(cs, now_ns) != 0)
		return -EIO;
	put32(out, cs->version);
	if (mac(cs->key[cs->version & 1], ni, ni_len, ipi, spi_i, out + IKEV2_COOKIE_VERSION_LEN) !=
	    0)
		return -EIO;
	cs->uses++;
	return IKEV2_COOKIE_LEN;
}

bool
ikev2_cookie_valid(struct ikev2_cookie_secret *cs, uint64_t now_ns, const uint8_t *cookie,
    size_t len, const uint8_t *ni, size_t ni_len, const struct config_addr *ipi, uint64_t spi_i)
{
	uint8_t want[COOKIE_MAC_LEN], diff = 0;
	uint32_t v;
	size_t i;

	if (cookie == NULL || len != IKEV2_COOKIE_LEN || secret_due(cs, now_ns) != 0)
		return false;
	v = ike_get32(cookie);
	if (v != cs->version && (!cs->have_prev || v != cs->version - 1))
		return false;
	if (mac(cs->key[v & 1], ni, ni_len, ipi, spi_i, want) != 0)
		return false;
	for (i = 0; i < COOKIE_MAC_LEN; i++)
		diff |= (uint8_t)(want[i] ^ cookie[IKEV2_COOKIE_VERSION_LEN + i]);
	return diff == 0;
}

void
ikev2_cookie_fini(struct ikev2_cookie_secret *cs)
{
	explicit_bzero(cs, sizeof(*cs));
}

/* ---- responder ---- */

/* N(COOKIE) when it is the first payload of @m (RFC 7296 §2.6), else NULL. */
static const struct ikev2_notification *
first_cookie(const struct ikev2_msg *m)
{
	if (m->n_payloads == 0 || m->payloads[0].type != IKEV2_PL_NOTIFY || m->n_notifies == 0 ||
	    m->notifies[0].type != IKEV2_N_COOKIE)
		return NULL;
	return &m->notifies[0];
}

/* At most one debug line a second on the cookies sent, with how many since the last. */
static void
cookie_dbg(struct ikev2 *e, uint64_t now_ns, const struct ike_addr *r)
{
	char a[64];

	e->cookie_dbg_n++;
	if (e->cookie_dbg_ns != 0 && now_ns - e->cookie_dbg_ns < COOKIE_DBG_NS)
		return;
	e->cookie_dbg_ns = now_ns;
	log_debug(LOG_FAC_IKE,
	    "%s: %" PRIu64
	    " IKE_SA_INIT requests answered with a cookie (%u half-open), the last from %s",
	    __func__, e->cookie_dbg_n, ike_sa_half_open(&e->t),
	    config_addr_format(&r->a, a, sizeof(a)));
	e->cookie_dbg_n = 0;
}

bool
ikev2_cookie_admit(struct ikev2 *e, uint64_t now_ns, const struct ike_addr *l,
    const struct ike_addr *r)
{
	const struct ikev2_msg *m = &e->m;
	const struct ikev2_notification *n;
	uint32_t th = e->cfg->ike.cookie_threshold;
	uint8_t ck[IKEV2_COOKIE_LEN];
	struct ike_buf b;
	int len;

	if (th > 0 && ike_sa_half_open(&e->t) < th)
		return true;
	if (m->nonce.p == NULL || m->nonce.len < IKEV2_NONCE_MIN ||
	    m->nonce.len > IKEV2_NONCE_MAX) {
		V2_INC(e, dropped[IKE_DROP_MALFORMED]);
		return false;
	}
	n = first_cookie(m);
	if (n != NULL) {
		if (n->spi_len == 0 &&
		    ikev2_cookie_valid(&e->cookie, now_ns, n->data, n->data_len, m->nonce.p,
		        m->nonce.len, &r->a, m->hdr.ispi)) {
			V2_INC(e, cookies_valid);
			return true;
		}
		V2_INC(e, cookies_invalid);
	}
	len = ikev2_cookie_make(&e->cookie, now_ns, m->nonce.p, m->nonce.len, &r->a, m->hdr.ispi,
	    ck, sizeof(ck));
	if (len < 0) {
		V2_INC(e, dropped[IKE_DROP_INTERNAL]);
		return false;
	}
	ike_payload_buf_init(&b, e->obuf, sizeof(e->obuf));
	ikev2_msg_build_hdr(&b, m->hdr.ispi, 0, IKEV2_EXCH_IKE_SA_INIT, IKEV2_FLAG_R, 0);
	ikev2_msg_build_notify(&b, 0, NULL, 0, IKEV2_N_COOKIE, ck, (size_t)len);
	len = ikev2_msg_build_finish(&b);
	if (len < 0) {
		V2_INC(e, dropped[IKE_DROP_INTERNAL]);
		return false;
	}
	V2_INC(e, cookies_sent);
	cookie_dbg(e, now_ns, r);
	ikev2_sm_send_raw(e, l, r, e->obuf, (size_t)len);
	return false;
}

/* ---- initiator ---- */

void
ikev2_cookie_build(struct ike_buf *b, const struct v2_sa *s)
{
	if (s->cookie_len > 0)
		ikev2_msg_build_notify(b, 0, NULL, 0, IKEV2_N_COOKIE, s->cookie, s->cookie_len);
}

/*
 * Our IKE_SA_INIT request (s->init_i) again with s->cookie as its first
 * payload, in e->obuf, in place of a cookie it opened with: the length or
 * -errno.
 */
static int
resend_build(struct ikev2 *e, const struct v2_sa *s)
{
	const uint8_t *p = s->init_i;
	size_t len = s->init_i_len, off = IKE_HDR_LEN, pl;
	uint8_t first;
	struct ike_buf b;

	if (p == NULL || len < IKE_HDR_LEN)
		return -EINVAL;
	first = p[IKE_HDR_NP_OFF];
	/* N(COOKIE) first already: skip it (Next Payload, flags, length, proto, SPI size, type). */
	if (first == IKEV2_PL_NOTIFY && len >= off + 8 &&
	    ike_get16(p + off + 6) == IKEV2_N_COOKIE) {
		pl = ike_get16(p + off + 2);
		if (pl < 8 || off + pl > len)
			return -EINVAL;
		first = p[off];
		off += pl;
	}
	ike_payload_buf_init(&b, e->obuf, sizeof(e->obuf));
	ikev2_msg_build_hdr(&b, s->sa.spi_i, 0, IKEV2_EXCH_IKE_SA_INIT, IKEV2_FLAG_I, 0);
	ikev2_msg_build_notify(&b, 0, NULL, 0, IKEV2_N_COOKIE, s->cookie, s->cookie_len);
	ike_payload_buf_put(&b, p + off, len - off);
	if (b.err == 0)
		e->obuf[IKE_HDR_LEN] = first; /* the notify's Next Payload: the rest as it was */
	return ikev2_msg_build_finish(&b);
}

bool
ikev2_cookie_response(struct ikev2 *e, struct v2_sa *s, uint64_t now_ns)
{
	const struct ikev2_notification *n = ikev2_msg_notify_find(&e->m, IKEV2_N_COOKIE);
	uint8_t *dup;
	int len;

	if (n == NULL || e->m.has_sa)
		return false;
	if (n->data_len < 1 || n->data_len > IKEV2_COOKIE_MAX) {
		/* Not a cookie we can send back: ignored, our request goes on being retransmitted. */
		V2_INC(e, dropped[IKE_DROP_MALFORMED]);
		return true;
	}
	if (s->cookie_tries >= IKEV2_COOKIE_TRIES) {
		ikev2_sm_sa_fail(e, s, now_ns, "the responder asks for a cookie again and again");
		return true;
	}
	s->cookie_tries++;
	memcpy(s->cookie, n->data, n->data_len);
	s->cookie_len = (uint8_t)n->data_len;
	len = resend_build(e, s);
	dup = len > 0 ? ikev2_sm_dup(e->obuf, (size_t)len) : NULL;
	if (dup == NULL) {
		V2_INC(e, dropped[IKE_DROP_INTERNAL]);
		ikev2_sm_sa_fail(e, s, now_ns, "IKE_SA_INIT with the cookie does not build");
		return true;
	}
	free(s->init_i);
	s->init_i = dup;
	s->init_i_len = (size_t)len;
	V2_INC(e, cookie_retries);
	ikev2_sm_dbg(s, __func__, "the responder asks for a cookie: IKE_SA_INIT again with it");
	ikev2_sm_request_send(e, s, IKEV2_EXCH_IKE_SA_INIT, (size_t)len, now_ns);
	return true;
}
