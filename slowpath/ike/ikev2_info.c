/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ikev2_info.c: the IKEv2 INFORMATIONAL exchange (RFC 7296 §1.4): deletes, liveness checks, INITIAL_CONTACT, NAT keepalives. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "slowpath/ike/ike_payload.h"
#include "slowpath/ike/ikev2_int.h"

/*
 * INFORMATIONAL is a request and its answer under SK, as any exchange
 * after IKE_AUTH (RFC 7296 §1.4):
 *
 *   HDR, SK{[N,] [D,] [CP,] ...}  -->
 *      <--  HDR, SK{[N,] [D,] [CP], ...}
 *
 * Deletes (§1.4.1): a Child SA is deleted by the inbound SPIs of its
 * sender; the answer deletes the other direction with the answerer's
 * inbound SPIs.  A Delete of the IKE SA (protocol 1, no SPIs) takes its
 * children along and is answered empty.  An empty request is a liveness
 * check (§2.4): answered empty.  Our own requests wait for the window:
 * while one of ours is in flight, Child SA deletes queue in s->del_spis.
 * A request that goes unanswered through every retransmission means the
 * peer is dead: the IKE SA and its children go.
 */

#define SPIS_TEXT_MAX 160

static const char *
proto_name(uint8_t proto)
{
	switch (proto) {
	case IKEV2_PROTO_IKE:
		return "ike";
	case IKEV2_PROTO_AH:
		return "ah";
	case IKEV2_PROTO_ESP:
		return "esp";
	default:
		return "unknown";
	}
}

/* @n SPIs (4 bytes each, network order) as "a,b,...". */
static void
spis_text(const uint8_t *spis, unsigned int n, char *buf, size_t len)
{
	size_t off = 0;
	unsigned int i;
	int w;

	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++) {
		w = snprintf(buf + off, len - off, "%s%08" PRIx32, i ? "," : "",
		    ike_get32(spis + 4 * i));
		if (w < 0)
			break;
		off += (size_t)w;
	}
}

/* The seed's delete message (sent or received) for one Delete payload. */
static void
log_delete(const struct v2_sa *s, enum log_msg_id id, uint8_t proto, const uint8_t *spis,
    unsigned int n)
{
	char text[SPIS_TEXT_MAX], peer[64];
	struct log_corr corr;

	ikev2_sm_corr(s, &corr);
	if (proto == IKEV2_PROTO_IKE)
		snprintf(text, sizeof(text), "%016" PRIx64 "/%016" PRIx64, s->sa.spi_i,
		    s->sa.spi_r);
	else
		spis_text(spis, n, text, sizeof(text));
	if (proto != IKEV2_PROTO_IKE && n > 0)
		corr.ipsec_spi = ike_get32(spis);
	log_event(id, &corr, "protocol=%s spis=%s peer=%s version=2", proto_name(proto), text,
	    config_addr_format(&s->sa.remote.a, peer, sizeof(peer)));
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* ---- the peer's requests ---- */

/*
 * The Delete payloads of e->m: Child SAs by the peer's inbound SPIs (our
 * outbound), removed, our inbound SPIs of them into @ours; *@ike when the
 * IKE SA itself is deleted.  Unknown SPIs, other protocols and bad SPI
 * sizes are left out of the answer (§1.4.1).
 */
static unsigned int
deletes_take(struct ikev2 *e, struct v2_sa *s, uint8_t *ours, unsigned int max, bool *ike)
{
	const struct ikev2_delete *d;
	unsigned int i, k, n = 0;
	int c;

	*ike = false;
	for (i = 0; i < e->m.n_deletes; i++) {
		d = &e->m.deletes[i];
		log_delete(s, LOG_MSG_DELETE_RECEIVED, d->proto, d->spis,
		    d->spi_len == 4 ? d->n_spis : 0);
		if (d->proto == IKEV2_PROTO_IKE && d->spi_len == 0) {
			*ike = true;
			continue;
		}
		if (d->proto != IKEV2_PROTO_ESP || d->spi_len != 4) {
			log_debug(LOG_FAC_IKE,
			    "%s: IKE SA %016" PRIx64 "_i %016" PRIx64
			    "_r: Delete of protocol %u with %u-byte SPIs ignored",
			    __func__, s->sa.spi_i, s->sa.spi_r, d->proto, d->spi_len);
			continue;
		}
		for (k = 0; k < d->n_spis; k++) {
			c = ikev2_sm_child_find(s, ike_get32(d->spis + 4 * k), false);
			if (c < 0) {
				log_debug(LOG_FAC_IKE, "%s: Delete of unknown ESP SPI %08" PRIx32,
				    __func__, ike_get32(d->spis + 4 * k));
				continue;
			}
			if (n < max)
				put32(ours + 4 * n++, s->children[c]->c.spi_in);
			V2_INC(e, children_deleted);
			ikev2_sm_child_remove(e, s, (unsigned int)c);
		}
	}
	return n;
}

/* Notifies of an INFORMATIONAL request: status types ignored, errors logged (§3.10.1). */
static bool
notifies_take(struct ikev2 *e, struct v2_sa *s)
{
	const struct ikev2_notification *n;
	struct log_corr corr;
	unsigned int i;
	bool auth_failed = false;

	for (i = 0; i < e->m.n_notifies; i++) {
		n = &e->m.notifies[i];
		if (n->type >= 16384)
			continue;
		ikev2_sm_corr(s, &corr);
		log_text(LOG_FAC_IKE, LOG_SEV_WARN, &corr, "%s: peer sent %s in INFORMATIONAL",
		    __func__, ikev2_msg_notify_name(n->type));
		/* §2.21.2: the initiator refused our IKE_AUTH answer. */
		if (n->type == IKEV2_N_AUTHENTICATION_FAILED)
			auth_failed = true;
	}
	return auth_failed;
}

void
ikev2_info_request(struct ikev2 *e, struct v2_sa *s, uint64_t now, const uint8_t *in, size_t in_len)
{
	uint8_t ours[4 * V2_CHILDREN_MAX];
	struct ike_buf ib;
	unsigned int n = 0;
	bool ike = false, auth_failed;

	if (s->sa.state != IKE_SA_STATE_ESTABLISHED) {
		V2_INC(e, dropped[IKE_DROP_STATE]);
		return;
	}
	auth_failed = notifies_take(e, s);
	if (e->m.n_deletes > 0) {
		V2_INC(e, deletes_received);
		n = deletes_take(e, s, ours, V2_CHILDREN_MAX, &ike);
	} else if (e->m.n_notifies == 0 && !e->m.has_cp) {
		V2_INC(e, dpd_answered);
	}
	ike_payload_buf_init(&ib, e->ibuf, sizeof(e->ibuf));
	if (n > 0 && !ike) {
		ikev2_msg_build_delete(&ib, IKEV2_PROTO_ESP, 4, ours, (uint16_t)n);
		log_delete(s, LOG_MSG_DELETE_SENT, IKEV2_PROTO_ESP, ours, n);
	}
	if (ikev2_sm_reply(e, s, &ib, IKEV2_EXCH_INFORMATIONAL, e->m.hdr.msgid, in, in_len) != 0)
		V2_INC(e, dropped[IKE_DROP_INTERNAL]);
	if (ike || auth_failed) {
		if (ike)
			V2_INC(e, ike_deleted);
		log_info(LOG_FAC_IKE,
		    "%s: IKE SA %016" PRIx64 "_i %016" PRIx64 "_r of %s deleted by the peer",
		    __func__, s->sa.spi_i, s->sa.spi_r, v2_conn(e, s)->name);
		ike_sa_set_state(&e->t, &s->sa, IKE_SA_STATE_DELETING, now);
		ikev2_sm_sa_free(e, s);
	}
}

/* ---- our requests ---- */

void
ikev2_info_response(struct ikev2 *e, struct v2_sa *s, uint64_t now)
{
	s->req_busy = false;
	s->dpd_out = false;
	ikev2_info_run_pending(e, s, now);
}

void
ikev2_info_run_pending(struct ikev2 *e, struct v2_sa *s, uint64_t now)
{
	uint8_t spis[4 * V2_DEL_MAX];
	struct ike_buf ib;
	unsigned int i;

	if (s->req_busy || s->n_del == 0 || s->sa.state != IKE_SA_STATE_ESTABLISHED)
		return;
	for (i = 0; i < s->n_del; i++)
		put32(spis + 4 * i, s->del_spis[i]);
	ike_payload_buf_init(&ib, e->ibuf, sizeof(e->ibuf));
	ikev2_msg_build_delete(&ib, IKEV2_PROTO_ESP, 4, spis, (uint16_t)s->n_del);
	if (ikev2_sm_request(e, s, &ib, IKEV2_EXCH_INFORMATIONAL, now) != 0) {
		V2_INC(e, dropped[IKE_DROP_INTERNAL]);
		return;
	}
	log_delete(s, LOG_MSG_DELETE_SENT, IKEV2_PROTO_ESP, spis, s->n_del);
	V2_INC(e, deletes_sent);
	s->n_del = 0;
}

void
ikev2_info_child_delete(struct ikev2 *e, struct v2_sa *s, unsigned int i, uint64_t now)
{
	if (i >= s->n_children)
		return;
	if (s->n_del < V2_DEL_MAX && s->sa.state == IKE_SA_STATE_ESTABLISHED)
		s->del_spis[s->n_del++] = s->children[i]->c.spi_in;
	ikev2_sm_child_remove(e, s, i);
	ikev2_info_run_pending(e, s, now);
}

/*
 * @ib as an INFORMATIONAL request under @s, sent once and not kept: @s
 * goes next, the answer (if any) finds no SA.
 */
static int
request_once(struct ikev2 *e, struct v2_sa *s, struct ike_buf *ib)
{
	int n = ikev2_sm_protect(e, s, ib, IKEV2_EXCH_INFORMATIONAL, false, s->msgid_next);

	if (n < 0)
		return n;
	s->msgid_next++;
	ikev2_sm_send_raw(e, &s->sa.local, &s->sa.remote, e->obuf, (size_t)n);
	return 0;
}

void
ikev2_info_ike_delete_now(struct ikev2 *e, struct v2_sa *s)
{
	struct ike_buf ib;

	if (s->sa.state != IKE_SA_STATE_ESTABLISHED || !s->have_keys)
		return;
	ike_payload_buf_init(&ib, e->ibuf, sizeof(e->ibuf));
	ikev2_msg_build_delete(&ib, IKEV2_PROTO_IKE, 0, NULL, 0);
	if (request_once(e, s, &ib) != 0)
		return;
	log_delete(s, LOG_MSG_DELETE_SENT, IKEV2_PROTO_IKE, NULL, 0);
	V2_INC(e, deletes_sent);
}

void
ikev2_info_auth_failed(struct ikev2 *e, struct v2_sa *s)
{
	struct ike_buf ib;

	/* §2.21.2: "usually with no other payloads"; the exception to not
	 * starting an exchange on an error in a response. */
	if (!s->have_keys)
		return;
	ike_payload_buf_init(&ib, e->ibuf, sizeof(e->ibuf));
	ikev2_msg_build_notify(&ib, 0, NULL, 0, IKEV2_N_AUTHENTICATION_FAILED, NULL, 0);
	if (request_once(e, s, &ib) != 0)
		return;
	V2_INC(e, notifies_sent);
	ikev2_sm_dbg(s, __func__, "AUTHENTICATION_FAILED sent in INFORMATIONAL");
}

/* ---- liveness, keepalives ---- */

void
ikev2_info_dead(struct ikev2 *e, struct v2_sa *s, uint64_t now)
{
	unsigned int restart[V2_CHILDREN_MAX], n = 0, i;
	struct log_corr corr;

	ikev2_sm_corr(s, &corr);
	log_text(LOG_FAC_IKE, LOG_SEV_WARN, &corr,
	    "%s: peer unreachable for %" PRIu64 " s (%s unanswered): removing IKE SA %" PRIu64,
	    __func__, (uint64_t)((now - s->last_rx_ns) / V2_ONE_S),
	    s->dpd_out ? "liveness check" : "request", s->sa.id);
	V2_INC(e, dpd_timeouts);
	for (i = 0; i < s->n_children && n < V2_CHILDREN_MAX; i++)
		if (e->cfg->children[s->children[i]->c.child].dpd_action == CONFIG_DPD_RESTART)
			restart[n++] = s->children[i]->c.child;
	ike_sa_set_state(&e->t, &s->sa, IKE_SA_STATE_DELETING, now);
	ikev2_sm_sa_free(e, s);
	for (i = 0; i < n; i++)
		(void)ikev2_initiate(e, now, restart[i]);
}

/* An empty INFORMATIONAL request (§2.4) when the peer was silent for dpd_delay. */
static void
liveness(struct ikev2 *e, struct v2_sa *s, uint64_t now)
{
	uint64_t delay = (uint64_t)v2_conn(e, s)->dpd_delay * V2_ONE_S;
	struct ike_buf ib;

	if (delay == 0 || s->req_busy || now - s->last_rx_ns < delay)
		return;
	ike_payload_buf_init(&ib, e->ibuf, sizeof(e->ibuf));
	if (ikev2_sm_request(e, s, &ib, IKEV2_EXCH_INFORMATIONAL, now) != 0)
		return;
	s->dpd_out = true;
	V2_INC(e, dpd_sent);
	ikev2_sm_dbg(s, __func__, "liveness check sent");
}

/* RFC 3948 §4: only the end behind the NAT keeps the mapping open. */
static void
keepalive(struct ikev2 *e, struct v2_sa *s, uint64_t now)
{
	if (e->ops->keepalive == NULL || !s->nat_local || s->sa.local.port != IKE_PORT_NATT)
		return;
	if (now - s->last_tx_ns < (uint64_t)IKE_NATT_KEEPALIVE_S * V2_ONE_S)
		return;
	if (e->ops->keepalive(e->ops->ctx, &s->sa.local, &s->sa.remote) == 0)
		V2_INC(e, keepalives);
	s->last_tx_ns = now;
}

void
ikev2_info_tick(struct ikev2 *e, struct v2_sa *s, uint64_t now)
{
	ikev2_info_run_pending(e, s, now);
	liveness(e, s, now);
	keepalive(e, s, now);
}

/* ---- INITIAL_CONTACT (§2.4) ---- */

/*
 * Another IKE SA of ours with the peer of @s: same connection and identity
 * (same address when either has no identity).  Established SAs with the
 * same peer share a key in the table (ikev2_sm_peer_key()).
 */
static bool
same_peer(const struct v2_sa *s, const struct v2_sa *o)
{
	if (o == s || o->sa.version != 2 || o->sa.state != IKE_SA_STATE_ESTABLISHED)
		return false;
	if (s->peer_id[0] != '\0' && o->peer_id[0] != '\0')
		return strcmp(s->peer_id, o->peer_id) == 0 && o->sa.connection == s->sa.connection;
	return o->sa.connection == s->sa.connection &&
	    ike_sa_addr_eq(&o->sa.remote.a, &s->sa.remote.a);
}

void
ikev2_info_initial_contact_build(struct ikev2 *e, const struct v2_sa *s, struct ike_buf *ib)
{
	const struct ike_sa *it;

	for (it = e->t.head; it != NULL; it = it->next) {
		if (same_peer(s, (const struct v2_sa *)it))
			return;
	}
	ikev2_msg_build_notify(ib, 0, NULL, 0, IKEV2_N_INITIAL_CONTACT, NULL, 0);
	V2_INC(e, initial_contact_sent);
}

void
ikev2_info_initial_contact(struct ikev2 *e, struct v2_sa *s, uint64_t now)
{
	struct ike_sa *it, *next;
	struct log_corr corr;

	if (ikev2_msg_notify_find(&e->m, IKEV2_N_INITIAL_CONTACT) == NULL)
		return;
	ikev2_sm_corr(s, &corr);
	log_event(LOG_MSG_INITIAL_CONTACT, &corr, NULL);
	V2_INC(e, initial_contacts);
	for (it = ike_sa_next_by_peer_key(&e->t, s->sa.peer_key, NULL); it != NULL; it = next) {
		next = ike_sa_next_by_peer_key(&e->t, s->sa.peer_key, it);
		if (!same_peer(s, (struct v2_sa *)it))
			continue;
		log_info(LOG_FAC_IKE,
		    "%s: IKE SA %016" PRIx64 "_i %016" PRIx64
		    "_r of %s removed: the peer's INITIAL_CONTACT",
		    __func__, it->spi_i, it->spi_r, v2_conn(e, (struct v2_sa *)it)->name);
		ike_sa_set_state(&e->t, it, IKE_SA_STATE_DELETING, now);
		ikev2_sm_sa_free(e, (struct v2_sa *)it);
	}
}
