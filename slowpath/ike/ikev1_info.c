/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ikev1_info.c: IKEv1 informational exchanges: notify, delete (RFC 2408 §4.8) and DPD (RFC 3706). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "slowpath/ike/ike_crypto.h"
#include "slowpath/ike/ike_payload.h"
#include "slowpath/ike/ikev1_crypt.h"
#include "slowpath/ike/ikev1_msg.h"
#include "slowpath/ike/ikev1_sm.h"

/*
 * An informational exchange is one message (RFC 2408 §4.8).  Once the
 * ISAKMP SA has keys it is encrypted and starts with a HASH (RFC 2409
 * §5.7):
 *
 *   HDR*, HASH(1), N/D      HASH(1) = prf(SKEYID_a, M-ID | N/D)
 *
 * with an IV of its own from the last phase-1 block and its M-ID.  Before
 * the keys exist a notify travels in the clear, and such a clear notify is
 * believed only while the SA it names has no keys yet.
 */

#define DPD_TIMEOUT_DEF 150 /* s, strongSwan's dpd_timeout default */
#define SPIS_TEXT_MAX   160

static const uint8_t hash_zero[IKE_CRYPTO_PRF_MAX];

static void
cookies(const struct v1_sa *s, uint8_t *spi)
{
	int i;

	for (i = 0; i < 8; i++) {
		spi[i] = (uint8_t)(s->sa.spi_i >> (56 - 8 * i));
		spi[8 + i] = (uint8_t)(s->sa.spi_r >> (56 - 8 * i));
	}
}

/* Build, hash, encrypt and send an informational message whose payload(s) @add appends. */
static int
info_send(struct ikev1 *e, struct v1_sa *s, void (*add)(struct ike_buf *b, const void *arg),
    const void *arg)
{
	uint8_t iv[V1_BLOCK];
	struct ike_buf b;
	size_t hash_off, rest;
	uint32_t msgid;
	int rc;

	if (ikev1_sm_new_msgid(s, &msgid) != 0)
		return -EIO;
	rc = ike_crypto_v1_iv_phase2(s->prop.prf, s->iv, V1_BLOCK, msgid, iv, V1_BLOCK);
	if (rc != 0)
		return rc;
	ikev1_sm_hdr(e, &b, s, IKEV1_EXCH_INFORMATIONAL, msgid, IKEV1_FLAG_ENCRYPTION);
	hash_off = b.len + IKE_GEN_HDR_LEN;
	ikev1_msg_build_hash(&b, hash_zero, s->keys.len);
	rest = b.len;
	add(&b, arg);
	if ((rc = ikev1_msg_build_finish(&b)) != 0)
		return rc;
	rc = ikev1_crypt_hash(s->prop.prf, s->keys.skeyid_a, s->keys.len, false, msgid, NULL, 0,
	    NULL, 0, e->obuf + rest, b.len - rest, e->obuf + hash_off, s->keys.len);
	if (rc < 0)
		return rc;
	rc = ikev1_crypt_encrypt(s->enc, s->enc_len, iv, e->obuf, b.len - IKE_HDR_LEN, IKE_MSG_MAX);
	if (rc < 0)
		return rc;
	return ikev1_sm_send(e, s, e->obuf, (size_t)rc);
}

static void
add_n(struct ike_buf *b, const void *arg)
{
	ikev1_msg_build_n(b, arg);
}

static void
add_d(struct ike_buf *b, const void *arg)
{
	ikev1_msg_build_d(b, arg);
}

void
ikev1_info_notify(struct ikev1 *e, struct v1_sa *s, enum ikev1_notify type, uint8_t proto,
    const uint8_t *spi, uint8_t spi_size, const uint8_t *data, size_t data_len)
{
	struct ikev1_notification n = { .doi = IKEV1_DOI_IPSEC,
		.proto = proto,
		.type = type,
		.data = data,
		.data_len = data_len };
	struct ike_hdr h = { .ispi = s->sa.spi_i, .rspi = s->sa.spi_r };
	uint8_t ck[16];
	struct log_corr corr;

	if (type < IKEV1_N_CONNECTED && !ikev1_sm_notify_allowed(e))
		return;
	if (spi == NULL && proto == IKEV1_PROTO_ISAKMP) {
		cookies(s, ck);
		spi = ck;
		spi_size = sizeof(ck);
	}
	n.spi = spi;
	n.spi_size = spi_size;
	ikev1_sm_corr(s, &corr);
	log_text(LOG_FAC_IKE, type < IKEV1_N_CONNECTED ? LOG_SEV_INFO : LOG_SEV_DEBUG, &corr,
	    "%s: sending %s (%s)", __func__, ikev1_msg_notify_name(type),
	    s->have_keys ? "encrypted" : "in the clear");
	if (!s->have_keys) {
		/* Before the keys: in the clear (RFC 2408 §3.14.1, §5). */
		struct ike_buf b;

		ike_payload_buf_init(&b, e->obuf, IKE_MSG_MAX);
		h.exchange = IKEV1_EXCH_INFORMATIONAL;
		ikev1_msg_build_hdr(&b, &h);
		ikev1_msg_build_n(&b, &n);
		if (ikev1_msg_build_finish(&b) == 0 && ikev1_sm_send(e, s, e->obuf, b.len) == 0)
			V1_INC(e, notifies_sent);
		return;
	}
	if (info_send(e, s, add_n, &n) == 0)
		V1_INC(e, notifies_sent);
}

void
ikev1_info_notify_clear(struct ikev1 *e, const struct ike_addr *local,
    const struct ike_addr *remote, const struct ike_hdr *hdr, enum ikev1_notify type)
{
	struct ike_hdr h = { .ispi = hdr->ispi,
		.rspi = hdr->rspi,
		.exchange = IKEV1_EXCH_INFORMATIONAL };
	struct ikev1_notification n = { .doi = IKEV1_DOI_IPSEC,
		.proto = IKEV1_PROTO_ISAKMP,
		.spi_size = 16,
		.type = type };
	uint8_t ck[16];
	struct ike_buf b;
	int i;

	if (hdr->ispi == 0 || !ikev1_sm_notify_allowed(e))
		return;
	for (i = 0; i < 8; i++) {
		ck[i] = (uint8_t)(hdr->ispi >> (56 - 8 * i));
		ck[8 + i] = (uint8_t)(hdr->rspi >> (56 - 8 * i));
	}
	n.spi = ck;
	ike_payload_buf_init(&b, e->obuf, IKE_MSG_MAX);
	ikev1_msg_build_hdr(&b, &h);
	ikev1_msg_build_n(&b, &n);
	if (ikev1_msg_build_finish(&b) != 0)
		return;
	if (e->ops.send(e->ops.ctx, local, remote, e->obuf, b.len) == 0) {
		V1_INC(e, tx);
		V1_INC(e, notifies_sent);
	} else {
		V1_INC(e, tx_failed);
	}
}

/* "c0ffee01,c0ffee02" or the two cookies, for the delete logs. */
static void
spis_text(uint8_t proto, const uint8_t *spis, unsigned int n, char *buf, size_t len)
{
	size_t off = 0;
	unsigned int i;
	int w;

	buf[0] = '\0';
	if (proto == IKEV1_PROTO_ISAKMP) {
		snprintf(buf, len, "%016" PRIx64 "/%016" PRIx64, ike_get64(spis),
		    ike_get64(spis + 8));
		return;
	}
	for (i = 0; i < n && off < len; i++) {
		w = snprintf(buf + off, len - off, "%s%08" PRIx32, i ? "," : "",
		    ike_get32(spis + 4 * i));
		if (w < 0)
			break;
		off += (size_t)w;
	}
}

static const char *
proto_name(uint8_t proto)
{
	switch (proto) {
	case IKEV1_PROTO_ISAKMP:
		return "ike";
	case IKEV1_PROTO_IPSEC_AH:
		return "ah";
	case IKEV1_PROTO_IPSEC_ESP:
		return "esp";
	default:
		return "ipcomp";
	}
}

void
ikev1_info_delete(struct ikev1 *e, struct v1_sa *s, uint8_t proto, const uint32_t *spis,
    unsigned int n_spis)
{
	uint8_t buf[16 * 8 * 4];
	struct ikev1_delete d = { .doi = IKEV1_DOI_IPSEC, .proto = proto, .spis = buf };
	char text[SPIS_TEXT_MAX], peer[64];
	struct log_corr corr;
	unsigned int i;

	if (proto == IKEV1_PROTO_ISAKMP) {
		cookies(s, buf);
		d.spi_size = 16;
		d.n_spis = 1;
	} else {
		if (n_spis == 0 || n_spis > sizeof(buf) / 4)
			return;
		for (i = 0; i < n_spis; i++) {
			buf[4 * i] = (uint8_t)(spis[i] >> 24);
			buf[4 * i + 1] = (uint8_t)(spis[i] >> 16);
			buf[4 * i + 2] = (uint8_t)(spis[i] >> 8);
			buf[4 * i + 3] = (uint8_t)spis[i];
		}
		d.spi_size = 4;
		d.n_spis = (uint16_t)n_spis;
	}
	ikev1_sm_corr(s, &corr);
	if (proto != IKEV1_PROTO_ISAKMP)
		corr.ipsec_spi = spis[0];
	spis_text(proto, buf, d.n_spis, text, sizeof(text));
	log_event(LOG_MSG_DELETE_SENT, &corr, "protocol=%s spis=%s peer=%s", proto_name(proto),
	    text, config_addr_format(&s->sa.remote.a, peer, sizeof(peer)));
	if (info_send(e, s, add_d, &d) == 0)
		V1_INC(e, deletes_sent);
}

/* R-U-THERE / R-U-THERE-ACK (RFC 3706 §5): ISAKMP, the cookies as SPI, the sequence number. */
static void
dpd_send(struct ikev1 *e, struct v1_sa *s, enum ikev1_notify type, uint32_t seq)
{
	uint8_t ck[16],
	    d[4] = { (uint8_t)(seq >> 24), (uint8_t)(seq >> 16), (uint8_t)(seq >> 8),
		    (uint8_t)seq };
	struct ikev1_notification n = { .doi = IKEV1_DOI_IPSEC,
		.proto = IKEV1_PROTO_ISAKMP,
		.spi_size = 16,
		.type = type,
		.spi = ck,
		.data = d,
		.data_len = sizeof(d) };

	cookies(s, ck);
	info_send(e, s, add_n, &n);
}

/* The peer's clear notify about an SA without keys: an error ends a phase 1 under way. */
static void
clear_input(struct ikev1 *e, struct v1_sa *s)
{
	const struct ikev1_msg *m = e->m;
	struct log_corr corr;
	unsigned int i;

	for (i = 0; i < m->n_notifies; i++) {
		const struct ikev1_notification *n = &m->notifies[i];

		ikev1_sm_corr(s, &corr);
		log_text(LOG_FAC_IKE, LOG_SEV_WARN, &corr, "%s: peer sent %s (in the clear)",
		    __func__, ikev1_msg_notify_name(n->type));
		if (n->type < IKEV1_N_CONNECTED && s->sa.state == IKE_SA_STATE_CONNECTING) {
			/* Not a failure: the peer gave up its reauthentication for ours. */
			if (s->reauth_of == 0 || n->type != IKEV1_N_INVALID_COOKIE)
				V1_INC(e, p1_failed);
			ikev1_sm_sa_delete(e, s, false, ikev1_msg_notify_name(n->type));
			return;
		}
	}
}

/*
 * An authentication error about the ISAKMP SA itself (RFC 2408 §5.4-§5.6)
 * on a responder's SA without SA pairs yet: the initiator refused our MM6
 * (our certificate, identity or signature), so phase 1 is not up at its
 * end.  The notify came encrypted under this SA's keys with a good HASH(1).
 */
static bool
p1_refused(const struct v1_sa *s, const struct ikev1_notification *n)
{
	if (s->sa.initiator || s->n_children > 0 || s->qms != NULL ||
	    n->proto != IKEV1_PROTO_ISAKMP)
		return false;
	switch (n->type) {
	case IKEV1_N_INVALID_ID_INFORMATION:
	case IKEV1_N_INVALID_CERT_ENCODING:
	case IKEV1_N_INVALID_CERTIFICATE:
	case IKEV1_N_CERT_TYPE_UNSUPPORTED:
	case IKEV1_N_INVALID_CERT_AUTHORITY:
	case IKEV1_N_AUTHENTICATION_FAILED:
	case IKEV1_N_INVALID_SIGNATURE:
	case IKEV1_N_CERTIFICATE_UNAVAILABLE:
		return true;
	default:
		return false;
	}
}

/* An error notify about one of our quick modes: it failed at the peer. */
static void
qm_refused(struct ikev1 *e, struct v1_sa *s, const struct ikev1_notification *n)
{
	struct v1_qm **pp, *q;
	uint32_t spi;

	if (n->spi_size != 4)
		return;
	spi = ike_get32(n->spi);
	for (pp = &s->qms; (q = *pp) != NULL; pp = &q->next) {
		if (q->initiator && q->st == V1_QM_I1 && q->spi_in == spi) {
			ikev1_qm_abort(e, s, q, ikev1_msg_notify_name(n->type));
			return;
		}
	}
}

/* Deletes (RFC 2408 §3.15): phase-2 SPIs, then ISAKMP SAs.  true when @s went. */
static bool
deletes_input(struct ikev1 *e, struct v1_sa *s)
{
	const struct ikev1_msg *m = e->m;
	const struct ikev1_delete *d;
	struct v1_child *c, *cn;
	struct log_corr corr;
	char text[SPIS_TEXT_MAX], peer[64];
	struct ike_sa *o, *p;
	unsigned int i, k;
	uint32_t spi;
	bool gone = false;

	config_addr_format(&s->sa.remote.a, peer, sizeof(peer));
	for (i = 0; i < m->n_deletes; i++) {
		d = &m->deletes[i];
		ikev1_sm_corr(s, &corr);
		if (d->proto != IKEV1_PROTO_ISAKMP && d->spi_size == 4)
			corr.ipsec_spi = ike_get32(d->spis);
		spis_text(d->proto, d->spis, d->n_spis, text, sizeof(text));
		log_event(LOG_MSG_DELETE_RECEIVED, &corr, "protocol=%s spis=%s peer=%s",
		    proto_name(d->proto), text, peer);
		V1_INC(e, deletes_received);
		if (d->proto == IKEV1_PROTO_ISAKMP)
			continue;
		for (k = 0; k < d->n_spis; k++) {
			spi = ike_get32(d->spis + 4 * k);
			/* The peer names its inbound SA: our outbound (strongSwan also
			 * accepts its outbound; so do we).  After a reauthentication
			 * the pair may hang off another ISAKMP SA with the peer. */
			for (p = e->t.head; p != NULL; p = p->next) {
				if (p->version != 1 ||
				    !ike_sa_addr_eq(&p->remote.a, &s->sa.remote.a))
					continue;
				for (c = v1_sa_of(p)->children; c != NULL; c = cn) {
					cn = c->next;
					if (c->c.spi_out == spi || c->c.spi_in == spi)
						ikev1_qm_child_remove(e, v1_sa_of(p), c, false,
						    "deleted by the peer");
				}
			}
		}
	}
	for (i = 0; i < m->n_deletes && !gone; i++) {
		d = &m->deletes[i];
		if (d->proto != IKEV1_PROTO_ISAKMP)
			continue;
		for (k = 0; k < d->n_spis && !gone; k++) {
			o = ike_sa_lookup(&e->t, 1, ike_get64(d->spis + 16 * k),
			    ike_get64(d->spis + 16 * k + 8));
			if (o == NULL || !ike_sa_addr_eq(&o->remote.a, &s->sa.remote.a))
				continue;
			/* IKEv1 leaves phase-2 SAs alone (RFC 2409 §5.x is silent);
			 * strongSwan removes them with the ISAKMP SA unless a newer
			 * ISAKMP SA with the peer (a reauthentication) adopts them,
			 * and so do we: else nothing could delete or rekey them. */
			if (o == &s->sa)
				gone = true;
			ikev1_sm_sa_handover(e, v1_sa_of(o), false, "deleted by the peer");
		}
	}
	return gone;
}

void
ikev1_info_input(struct ikev1 *e, struct v1_sa *s, const uint8_t *msg, size_t len)
{
	struct ikev1_msg *m = e->m;
	const struct ikev1_pl_ref *h;
	uint8_t iv[V1_BLOCK], next_iv[V1_BLOCK], hash[IKE_CRYPTO_PRF_MAX];
	struct log_corr corr;
	unsigned int i;
	uint32_t seq;
	size_t end;
	int n;

	(void)msg;
	(void)len;
	if (!m->encrypted) {
		if (s == NULL || s->have_keys) {
			/* Nothing to tie it to, or unprotected where keys exist: ignored. */
			V1_DROP(e, s == NULL ? IKE_DROP_UNKNOWN_SA : IKE_DROP_STATE);
			return;
		}
		clear_input(e, s);
		return;
	}
	if (s == NULL || !s->have_keys) {
		V1_DROP(e, s == NULL ? IKE_DROP_UNKNOWN_SA : IKE_DROP_STATE);
		return;
	}
	ikev1_sm_corr(s, &corr);
	if (ike_crypto_v1_iv_phase2(s->prop.prf, s->iv, V1_BLOCK, m->hdr.msgid, iv, V1_BLOCK) !=
	        0 ||
	    ikev1_crypt_decrypt(s->enc, s->enc_len, iv, m->body, m->body_len, e->pbuf, next_iv) !=
	        0) {
		V1_DROP(e, IKE_DROP_DECRYPT);
		return;
	}
	if (ikev1_msg_parse_body(m, e->pbuf, m->body_len) != 0 || m->n_payloads == 0 ||
	    m->payloads[0].type != IKEV1_PL_HASH || m->hash.len != s->keys.len) {
		log_text(LOG_FAC_IKE, LOG_SEV_DEBUG, &corr,
		    "%s: informational does not decrypt to HASH(1) first", __func__);
		V1_DROP(e, IKE_DROP_MALFORMED);
		return;
	}
	h = &m->payloads[0];
	end = h->off + h->len;
	n = ikev1_crypt_hash(s->prop.prf, s->keys.skeyid_a, s->keys.len, false, m->hdr.msgid, NULL,
	    0, NULL, 0, m->body + end, m->body_len - end, hash, sizeof(hash));
	if (n < 0 || (size_t)n != m->hash.len || !ikev1_sm_ct_eq(hash, m->hash.p, (size_t)n)) {
		log_text(LOG_FAC_IKE, LOG_SEV_DEBUG, &corr, "%s: HASH(1) mismatch", __func__);
		V1_DROP(e, IKE_DROP_HASH);
		return;
	}
	ikev1_sm_authentic(e, s);
	for (i = 0; i < m->n_notifies; i++) {
		const struct ikev1_notification *nt = &m->notifies[i];

		switch (nt->type) {
		case IKEV1_N_R_U_THERE:
			if (ikev1_msg_dpd_parse(nt, &seq) == 0)
				dpd_send(e, s, IKEV1_N_R_U_THERE_ACK, seq);
			break;
		case IKEV1_N_R_U_THERE_ACK:
			if (ikev1_msg_dpd_parse(nt, &seq) == 0 && seq == s->dpd_seq)
				s->dpd_wait_ns = 0;
			break;
		case IKEV1_N_INITIAL_CONTACT:
			ikev1_sm_initial_contact(e, s);
			break;
		default:
			log_text(LOG_FAC_IKE,
			    nt->type < IKEV1_N_CONNECTED ? LOG_SEV_WARN : LOG_SEV_DEBUG, &corr,
			    "%s: peer sent %s", __func__, ikev1_msg_notify_name(nt->type));
			if (nt->type >= IKEV1_N_CONNECTED)
				break;
			if (s->sa.state == IKE_SA_STATE_CONNECTING || p1_refused(s, nt)) {
				/* e.g. AUTHENTICATION-FAILED answering our MM5 */
				V1_INC(e, p1_failed);
				ikev1_sm_sa_delete(e, s, false, ikev1_msg_notify_name(nt->type));
				return;
			}
			qm_refused(e, s, nt);
			break;
		}
	}
	if (m->n_deletes > 0)
		deletes_input(e, s);
}

bool
ikev1_info_dpd_tick(struct ikev1 *e, struct v1_sa *s, uint64_t now_ns)
{
	const struct config_connection *conn = s->conn;
	uint64_t delay = (uint64_t)conn->dpd_delay * V1_ONE_S;
	uint64_t timeout =
	    (uint64_t)(conn->dpd_timeout ? conn->dpd_timeout : DPD_TIMEOUT_DEF) * V1_ONE_S;
	unsigned int restart[64], n = 0, i;
	struct log_corr corr;
	struct v1_child *c;
	uint8_t b[4];

	/* RFC 3706 §5.1: only with a peer that announced DPD. */
	if (delay == 0 || !s->vid_dpd)
		return false;
	if (s->dpd_wait_ns != 0 && now_ns - s->dpd_wait_ns >= timeout) {
		ikev1_sm_corr(s, &corr);
		log_text(LOG_FAC_IKE, LOG_SEV_WARN, &corr,
		    "%s: peer unreachable for %u s (DPD): removing IKE SA %" PRIu64, __func__,
		    (unsigned int)(timeout / V1_ONE_S), s->sa.id);
		V1_INC(e, dpd_timeouts);
		for (c = s->children; c != NULL && n < 64; c = c->next)
			if (e->cfg->children[c->c.child].dpd_action == CONFIG_DPD_RESTART)
				restart[n++] = c->c.child;
		ikev1_sm_sa_delete(e, s, false, "dead peer (DPD timeout)");
		for (i = 0; i < n; i++)
			ikev1_initiate(e, now_ns, restart[i]);
		return true;
	}
	if (now_ns - s->last_rx_ns < delay || now_ns - s->dpd_sent_ns < delay)
		return false;
	if (s->dpd_seq == 0) {
		/* RFC 3706 §7: start from a random sequence number. */
		if (ike_crypto_random(b, sizeof(b)) != 0)
			return false;
		s->dpd_seq = ike_get32(b) & 0x7fffffff;
	}
	s->dpd_seq++;
	s->dpd_sent_ns = now_ns;
	if (s->dpd_wait_ns == 0)
		s->dpd_wait_ns = now_ns;
	V1_INC(e, dpd_sent);
	dpd_send(e, s, IKEV1_N_R_U_THERE, s->dpd_seq);
	return false;
}
