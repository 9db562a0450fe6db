/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ikev2_frag.c: IKEv2 fragmentation (RFC 7383) in the engine: our big protected messages as SKF fragments, the peer's reassembled per IKE SA. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "common/log.h"
#include "slowpath/ike/ike_payload.h"
#include "slowpath/ike/ikev2_crypt.h"
#include "slowpath/ike/ikev2_int.h"
#include "slowpath/ike/ikev2_msg.h"

/*
 * RFC 7383 once both ends sent IKEV2_FRAGMENTATION_SUPPORTED in
 * IKE_SA_INIT (which is never fragmented itself):
 *
 *   HDR(same SPIs, exchange, flags, Message ID), SKF{Fragment 1/n, Next = first inner}
 *   HDR(...),                                    SKF{Fragment 2/n, Next = 0}
 *   ...
 *
 * Each fragment is protected on its own (IV, padding, ICV), so that the
 * receiver checks it before keeping it (§2.6).
 *
 * Sending: a protected message that would not fit in one datagram whose
 * IP packet is ike.fragment_size bytes (charon's fragment_size, 1280 by
 * default; IP, UDP and on port 4500 the non-ESP marker come off, as for
 * IKEv1 fragments) is cut into SKF fragments, when the peer announced
 * support and the connection says fragmentation yes (force means the
 * same in IKEv2: there is nothing to force before IKE_SA_INIT told).
 * The fragments go back to back in the buffer the engine keeps for
 * retransmissions: every IKE message carries its length in its header,
 * so ikev2_frag_send() finds them again and every retransmission resends
 * all of them.
 *
 * Receiving: a fragment must belong to the message the window expects
 * (the peer's next request, or the answer to our outstanding request),
 * verify under the SA's keys, then goes into the SA's reassembler for
 * requests or for responses (Message IDs of the two directions are
 * separate numbers); the whole message then takes the path of a message
 * received whole.  A fragment of the request we already answered makes
 * us resend the stored reply, only for fragment number 1 (§2.6.1: one
 * retransmission per retransmitted request, not one per fragment).
 * Bounded: IKEV2_FRAGS_MAX fragments, IKEV2_FRAG_BYTES_MAX bytes and
 * IKEV2_FRAG_TIMEOUT_S seconds per message, the reassembler's
 * IKEV2_FRAG_MSGS_MAX messages per direction, allocated per SA on the
 * first fragment that verifies.  fragmentation no takes no fragments.
 */

#define IP4_HDR  20
#define IP6_HDR  40
#define UDP_HDR  8
#define NON_ESP  4   /* the marker before IKE on port 4500 (RFC 3948 §2.2) */
#define FRAG_MIN 256 /* the smallest fragment message we make, whatever the configuration */

/* The peer's messages being reassembled, per IKE SA. */
struct v2_frag {
	struct ikev2_frag_reasm req;  /* its requests */
	struct ikev2_frag_reasm resp; /* its answers to ours */
};

/* The largest IKE message (header included) one datagram of @s may carry. */
static size_t
msg_budget(const struct ikev2 *e, const struct v2_sa *s)
{
	size_t size =
	    e->cfg->ike.fragment_size ? e->cfg->ike.fragment_size : IKEV1_FRAG_SIZE_DEFAULT;
	size_t over = (s->sa.remote.a.family == 6 ? IP6_HDR : IP4_HDR) + UDP_HDR;

	if (s->sa.local.port == IKE_PORT_NATT || s->sa.remote.port == IKE_PORT_NATT)
		over += NON_ESP;
	return size < over + FRAG_MIN ? FRAG_MIN : size - over;
}

bool
ikev2_frag_wanted(const struct ikev2 *e, const struct v2_sa *s, size_t len)
{
	switch (v2_conn(e, s)->fragmentation) {
	case CONFIG_FRAG_YES:
	case CONFIG_FRAG_FORCE:
		break;
	default:
		/* accept: announced and taken in, never sent; no: neither. */
		return false;
	}
	return s->peer_frag && s->have_keys && len > msg_budget(e, s);
}

int
ikev2_frag_protect(struct ikev2 *e, struct v2_sa *s, uint8_t first, const uint8_t *inner,
    size_t len, size_t whole)
{
	struct ikev2_frag_out frags[IKEV2_FRAGS_MAX];
	struct ike_hdr h;
	size_t total;
	int n;

	if (ike_payload_hdr_parse(e->obuf, whole, &h) != 0)
		return (int)whole;
	n = ikev2_crypt_protect_frags(&s->kout, &h, first, inner, len, msg_budget(e, s), e->fbuf,
	    sizeof(e->fbuf), frags, IKEV2_FRAGS_MAX);
	if (n <= 1) {
		/* Too many fragments or no room: the whole message goes instead. */
		ikev2_sm_dbg(s, __func__, "message not fragmented: sent whole");
		return (int)whole;
	}
	total = frags[n - 1].off + frags[n - 1].len;
	memcpy(e->obuf, e->fbuf, total);
	explicit_bzero(e->fbuf, total);
	log_debug(LOG_FAC_IKE,
	    "%s: IKE SA %016" PRIx64 "_i %016" PRIx64 "_r: message %" PRIu32
	    " (%zu bytes) in %d fragments",
	    __func__, s->sa.spi_i, s->sa.spi_r, h.msgid, whole, n);
	return (int)total;
}

/* The length in the IKE header at @p (@len bytes left), 0 when there is none. */
static size_t
hdr_len(const uint8_t *p, size_t len)
{
	uint32_t l;

	if (len < IKE_HDR_LEN)
		return 0;
	l = ike_get32(p + 24);
	return l >= IKE_HDR_LEN && l <= len ? l : 0;
}

bool
ikev2_frag_send(struct ikev2 *e, const struct ike_addr *l, const struct ike_addr *r,
    const uint8_t *p, size_t len)
{
	size_t off = 0, one;
	bool failed = false;

	one = hdr_len(p, len);
	if (one == 0 || one == len)
		return false; /* one message */
	while (off < len && (one = hdr_len(p + off, len - off)) > 0) {
		if (e->ops->send(e->ops->ctx, l, r, p + off, one) != 0)
			failed = true;
		else
			V2_INC(e, frag_tx);
		off += one;
	}
	if (failed)
		V2_INC(e, tx_failed);
	V2_INC(e, frag_tx_msgs);
	return true;
}

/* A fragment not kept: counted (@why: a drop reason too, IKE_DROP__MAX none). */
static void
frag_drop(struct ikev2 *e, const struct v2_sa *s, enum ike_drop why, const char *what)
{
	V2_INC(e, frag_dropped);
	if (why != IKE_DROP__MAX)
		V2_INC(e, dropped[why]);
	ikev2_sm_dbg(s, "ikev2_frag_input", what);
}

/* The reassembler of @s for the peer's requests or responses, made on first use. */
static struct ikev2_frag_reasm *
reasm_of(struct v2_sa *s, bool response)
{
	if (s->frag == NULL) {
		s->frag = malloc(sizeof(*s->frag));
		if (s->frag == NULL)
			return NULL;
		ikev2_frag_reasm_init(&s->frag->req, IKEV2_FRAG_BYTES_MAX);
		ikev2_frag_reasm_init(&s->frag->resp, IKEV2_FRAG_BYTES_MAX);
	}
	return response ? &s->frag->resp : &s->frag->req;
}

/* Fragments @r holds of message @msgid. */
static unsigned int
held(const struct ikev2_frag_reasm *r, uint32_t msgid)
{
	unsigned int i;

	for (i = 0; i < IKEV2_FRAG_MSGS_MAX; i++) {
		if (r->msgs[i].used && r->msgs[i].msgid == msgid)
			return r->msgs[i].have;
	}
	return 0;
}

bool
ikev2_frag_input(struct ikev2 *e, struct v2_sa *s, uint64_t now)
{
	const struct ike_hdr *h = &e->m.hdr;
	const struct ikev2_sk *sk = &e->m.sk;
	bool response = (h->flags & IKEV2_FLAG_R) != 0;
	struct ikev2_frag_reasm *r;
	unsigned int before, after, lost;
	uint8_t first = 0;
	int n;

	V2_INC(e, frag_rx);
	if (v2_conn(e, s)->fragmentation == CONFIG_FRAG_NO) {
		frag_drop(e, s, IKE_DROP_UNSUPPORTED, "fragment, but fragmentation is off");
		return false;
	}
	if (!response && s->have_last && h->msgid + 1 == s->peer_msgid) {
		/* §2.6.1: the request we answered, again: fragment 1 (once it verifies) gets the reply. */
		if (sk->frag_num == 1 &&
		    ikev2_crypt_unprotect(&s->kin, &e->m, e->fbuf, sizeof(e->fbuf)) >= 0) {
			explicit_bzero(e->fbuf, sk->len);
			V2_INC(e, dropped[IKE_DROP_RETRANSMIT]);
			V2_INC(e, replies_resent);
			ikev2_sm_send_raw(e, &s->sa.local, &s->sa.remote, s->last_out,
			    s->last_out_len);
			V2_INC(e, frag_dropped);
			return false;
		}
		frag_drop(e, s, IKE_DROP__MAX, "fragment of a request already answered");
		return false;
	}
	if (response ? !s->req_busy || h->msgid + 1 != s->msgid_next : h->msgid != s->peer_msgid) {
		frag_drop(e, s, IKE_DROP_STATE, "fragment outside the window");
		return false;
	}
	n = ikev2_crypt_unprotect(&s->kin, &e->m, e->fbuf, sizeof(e->fbuf));
	if (n < 0) {
		frag_drop(e, s, n == -EBADMSG ? IKE_DROP_DECRYPT : IKE_DROP_MALFORMED,
		    "fragment does not verify");
		return false;
	}
	r = reasm_of(s, response);
	if (r == NULL) {
		explicit_bzero(e->fbuf, (size_t)n);
		frag_drop(e, s, IKE_DROP_INTERNAL, "no memory for fragments");
		return false;
	}
	before = held(r, h->msgid);
	n = ikev2_frag_reasm_add(r, h->msgid, sk->frag_num, sk->frag_total, sk->inner, e->fbuf,
	    (size_t)n, now / 1000000ull, e->pbuf, sizeof(e->pbuf), &first);
	explicit_bzero(e->fbuf, sk->len);
	/* Fragments held before that went with it: a restart (higher total) or a size overrun. */
	after = n > 0 ? 0 : held(r, h->msgid);
	lost = n > 0 ? 0 : before + (n == 0 ? 1u : 0u) - after;
	if (lost > 0)
		__atomic_fetch_add(&e->st.frag_dropped, lost, __ATOMIC_RELAXED);
	switch (n) {
	case 0:
		return false; /* kept: more to come */
	case -EALREADY:
		frag_drop(e, s, IKE_DROP__MAX, "duplicate fragment");
		return false;
	case -ESTALE:
		frag_drop(e, s, IKE_DROP_STATE, "fragment of an older fragmentation");
		return false;
	case -ENOBUFS:
		frag_drop(e, s, IKE_DROP_STATE, "every reassembly slot busy");
		return false;
	case -ENOMEM:
		frag_drop(e, s, IKE_DROP_INTERNAL, "no memory for fragments");
		return false;
	default:
		if (n < 0) {
			/* -EPROTO, -E2BIG, -EMSGSIZE: numbering or limits. */
			frag_drop(e, s, IKE_DROP_MALFORMED,
			    "fragment refused: numbering or limits");
			return false;
		}
		break;
	}
	V2_INC(e, frag_reassembled);
	if (ikev2_msg_parse_inner(&e->m, first, e->pbuf, (size_t)n) != 0) {
		V2_INC(e, dropped[IKE_DROP_MALFORMED]);
		ikev2_sm_dbg(s, __func__, "reassembled message does not parse");
		/* As for a whole message: an authentic bad request on an established SA
		 * gets the error as its answer (RFC 7296 §2.21.3), the SA stays. */
		if (!response && e->m.error != IKEV2_N_NONE &&
		    s->sa.state == IKE_SA_STATE_ESTABLISHED) {
			s->last_rx_ns = now;
			s->peer_msgid++;
			ikev2_sm_answer_notify(e, s, e->m.raw, e->m.raw_len, h->exchange, h->msgid,
			    (uint16_t)e->m.error);
		}
		return false;
	}
	return true;
}

/* Fragments held in the messages of @r older than the timeout at @now_ms. */
static unsigned int
held_expiring(const struct ikev2_frag_reasm *r, uint64_t now_ms, uint64_t timeout_ms)
{
	unsigned int i, n = 0;

	for (i = 0; i < IKEV2_FRAG_MSGS_MAX; i++) {
		if (r->msgs[i].used && now_ms - r->msgs[i].started_ms >= timeout_ms)
			n += r->msgs[i].have;
	}
	return n;
}

void
ikev2_frag_tick(struct ikev2 *e, struct v2_sa *s, uint64_t now)
{
	const uint64_t now_ms = now / 1000000ull, to = IKEV2_FRAG_TIMEOUT_S * 1000ull;
	unsigned int n;

	if (s->frag == NULL)
		return;
	n = held_expiring(&s->frag->req, now_ms, to) + held_expiring(&s->frag->resp, now_ms, to);
	if (n == 0)
		return;
	ikev2_frag_reasm_expire(&s->frag->req, now_ms, to);
	ikev2_frag_reasm_expire(&s->frag->resp, now_ms, to);
	__atomic_fetch_add(&e->st.frag_dropped, n, __ATOMIC_RELAXED);
	ikev2_sm_dbg(s, __func__, "incomplete fragmented message timed out");
}

void
ikev2_frag_sa_fini(struct v2_sa *s)
{
	if (s->frag == NULL)
		return;
	ikev2_frag_reasm_fini(&s->frag->req);
	ikev2_frag_reasm_fini(&s->frag->resp);
	free(s->frag);
	s->frag = NULL;
}
