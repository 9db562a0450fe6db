/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ikev1_frag.c: IKEv1 fragmentation (strongSwan / Cisco payload 132): cutting our big messages, reassembling the peer's. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "common/log.h"
#include "slowpath/ike/ike.h"
#include "slowpath/ike/ike_payload.h"
#include "slowpath/ike/ike_sa.h"
#include "slowpath/ike/ikev1_frag.h"
#include "slowpath/ike/ikev1_msg.h"
#include "slowpath/ike/ikev1_sm.h"

/*
 * The proprietary IKEv1 fragmentation that strongSwan, racoon and Cisco
 * share (no RFC; announced by the FRAGMENTATION vendor ID, whose
 * capability word's bit 31 says "main and aggressive mode"):
 *
 *   HDR(exchange ID_PROT, message ID 0, no flags), FRAG(ID, 1, 0, bytes 0..n-1)
 *   HDR(...),                                      FRAG(ID, 2, 0, bytes n..2n-1)
 *   ...
 *   HDR(...),                                      FRAG(ID, k, LAST, the rest)
 *
 * The pieces are the whole message as it would have been sent, its own
 * header included (encrypted messages are cut after encryption).  Each
 * fragment is one UDP datagram whose IP packet is at most fragment_size
 * bytes (strongSwan's charon.fragment_size, 1280 by default, for IPv4
 * and IPv6 alike), so that no IP fragmentation is needed.
 *
 * Reassembly follows strongSwan's rules: one message at a time per IKE
 * SA; a fragment with another ID drops the partial message held; a
 * duplicate number is ignored; the message is complete when every number
 * up to the one flagged LAST is there.  We are stricter where strongSwan
 * trusts: numbers above IKEV1_FRAG_NUM_MAX, empty fragments, a second
 * LAST, or numbers past the LAST are refused (the partial message stays);
 * more than IKEV1_FRAG_BYTES_MAX bytes drop the partial message, as
 * strongSwan's max_packet does; and a message not complete within
 * IKEV1_FRAG_TIMEOUT_S is dropped.  A first message (MM1, responder
 * cookie 0) may come fragmented from strongSwan with fragmentation=force:
 * it is collected in a small table per peer and initiator cookie.
 */

#define IP4_HDR      20
#define IP6_HDR      40
#define UDP_HDR      8
#define NON_ESP      4                     /* the marker before IKE on port 4500 (RFC 3948 §2.2) */
#define FRAG_PL_HDR  (IKE_GEN_HDR_LEN + 4) /* generic header, ID, number, flags */
#define FRAG_NUM_CAP 255                   /* the number is one byte */
#define CHUNK_MIN    64                    /* never cut finer, whatever the configuration */

struct piece {
	uint8_t *p;
	size_t len;
};

struct v1_frag_reasm {
	uint16_t id;
	uint8_t last;   /* the number flagged LAST, 0 before it came */
	unsigned int n; /* fragments held */
	size_t bytes;   /* their data */
	uint64_t started_ns;
	struct piece f[IKEV1_FRAG_NUM_MAX]; /* by number - 1 */
};

/* ---- sending ---- */

/* The largest IKE message (header included) one datagram of @s may carry. */
static size_t
msg_budget(const struct ikev1 *e, const struct v1_sa *s)
{
	size_t size =
	    e->cfg->ike.fragment_size ? e->cfg->ike.fragment_size : IKEV1_FRAG_SIZE_DEFAULT;
	size_t over = (s->sa.remote.a.family == 6 ? IP6_HDR : IP4_HDR) + UDP_HDR;

	/* The transport puts the non-ESP marker before IKE on port 4500. */
	if (s->sa.local.port == IKE_PORT_NATT || s->sa.remote.port == IKE_PORT_NATT)
		over += NON_ESP;
	if (size < over + IKE_HDR_LEN + FRAG_PL_HDR + CHUNK_MIN)
		return IKE_HDR_LEN + FRAG_PL_HDR + CHUNK_MIN;
	return size - over;
}

bool
ikev1_frag_wanted(const struct ikev1 *e, const struct v1_sa *s, size_t len)
{
	if (s->conn == NULL)
		return false;
	switch (s->conn->fragmentation) {
	case CONFIG_FRAG_FORCE:
		break;
	case CONFIG_FRAG_YES:
		/* Only to a peer that announced it (strongSwan's rule). */
		if (!s->vid_frag)
			return false;
		break;
	default:
		/* accept: taken in, never sent; no: neither. */
		return false;
	}
	return len > msg_budget(e, s);
}

/* FNV-1a over the message: a resend of the same bytes keeps its fragment ID. */
static uint32_t
checksum(const uint8_t *p, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

int
ikev1_frag_send(struct ikev1 *e, struct v1_sa *s, const uint8_t *msg, size_t len)
{
	struct ike_hdr h = { .ispi = s->sa.spi_i,
		.rspi = s->sa.spi_r,
		.exchange = IKEV1_EXCH_ID_PROT, /* strongSwan: always, even for quick mode */
		.flags = 0,
		.msgid = 0 };
	size_t chunk = msg_budget(e, s) - IKE_HDR_LEN - FRAG_PL_HDR;
	size_t count = (len + chunk - 1) / chunk, off = 0, num;
	struct ikev1_frag f;
	struct ike_buf b;
	uint32_t sum;
	uint8_t *buf;
	int rc = 0;

	if (len == 0 || count > FRAG_NUM_CAP)
		return -EMSGSIZE;
	sum = checksum(msg, len);
	if (s->frag.tx_id == 0 || s->frag.tx_len != len || s->frag.tx_sum != sum) {
		if (++s->frag.tx_id == 0)
			s->frag.tx_id = 1;
		s->frag.tx_len = len;
		s->frag.tx_sum = sum;
	}
	buf = malloc(IKE_HDR_LEN + FRAG_PL_HDR + chunk);
	if (buf == NULL) {
		V1_INC(e, tx_failed);
		return -ENOMEM;
	}
	for (num = 1; num <= count && rc == 0; num++, off += f.len) {
		f.id = s->frag.tx_id;
		f.num = (uint8_t)num;
		f.flags = num == count ? IKEV1_FRAG_LAST : 0;
		f.data = msg + off;
		f.len = len - off < chunk ? len - off : chunk;
		ike_payload_buf_init(&b, buf, IKE_HDR_LEN + FRAG_PL_HDR + chunk);
		ikev1_msg_build_hdr(&b, &h);
		ikev1_msg_build_frag(&b, &f);
		if ((rc = ikev1_msg_build_finish(&b)) != 0)
			break;
		rc = e->ops.send(e->ops.ctx, &s->sa.local, &s->sa.remote, buf, b.len);
		if (rc == 0)
			V1_INC(e, frag_tx);
	}
	free(buf);
	if (rc != 0) {
		V1_INC(e, tx_failed);
		return rc;
	}
	V1_INC(e, tx);
	V1_INC(e, frag_tx_msgs);
	s->last_tx_ns = e->now_ns;
	return 0;
}

/* ---- reassembly ---- */

/* Forget a partial message: its fragments count as dropped. */
static void
reasm_free(struct ikev1 *e, struct v1_frag_reasm **slot, bool count)
{
	struct v1_frag_reasm *r = *slot;
	unsigned int i;

	if (r == NULL)
		return;
	if (count && e != NULL)
		__atomic_store_n(&e->st.frag_dropped, e->st.frag_dropped + r->n, __ATOMIC_RELAXED);
	for (i = 0; i < IKEV1_FRAG_NUM_MAX; i++)
		free(r->f[i].p);
	free(r);
	*slot = NULL;
}

static void
frag_drop(struct ikev1 *e, const struct ike_addr *remote, enum ike_drop why, const char *what)
{
	struct log_corr corr;

	memset(&corr, 0, sizeof(corr));
	corr.ike_spi_i = e->m->hdr.ispi;
	corr.ike_spi_r = e->m->hdr.rspi;
	corr.peer_family = remote->a.family;
	memcpy(corr.peer, remote->a.addr, sizeof(corr.peer));
	log_text(LOG_FAC_IKE, LOG_SEV_DEBUG, &corr, "%s: fragment %u of id %u dropped: %s",
	    __func__, e->m->frag.num, e->m->frag.id, what);
	V1_INC(e, frag_dropped);
	if (why != IKE_DROP__MAX)
		V1_DROP(e, why);
}

/*
 * Add fragment @f to the reassembly in @slot.  1: the message is
 * complete; 0: stored (or a duplicate, ignored); -1: refused, @what says
 * why and @why is the drop counter.
 */
static int
reasm_add(struct ikev1 *e, struct v1_frag_reasm **slot, const struct ikev1_frag *f,
    enum ike_drop *why, const char **what)
{
	struct v1_frag_reasm *r = *slot;
	struct piece *pc;
	unsigned int i;

	*why = IKE_DROP_MALFORMED;
	if (r != NULL &&
	    (r->id != f->id ||
	        e->now_ns - r->started_ns >= (uint64_t)IKEV1_FRAG_TIMEOUT_S * V1_ONE_S))
		reasm_free(e, slot, true); /* a new message (strongSwan), or a stale one */
	if ((r = *slot) == NULL) {
		if ((r = calloc(1, sizeof(*r))) == NULL) {
			*why = IKE_DROP_INTERNAL;
			*what = "no memory";
			return -1;
		}
		r->id = f->id;
		r->started_ns = e->now_ns;
		*slot = r;
	}
	pc = &r->f[f->num - 1];
	if (pc->p != NULL) {
		*why = IKE_DROP__MAX; /* a retransmission: only the fragment counter */
		*what = "duplicate";
		return -1;
	}
	if (f->flags & IKEV1_FRAG_LAST) {
		if (r->last != 0) {
			*what = "a second last fragment";
			return -1;
		}
		for (i = f->num; i < IKEV1_FRAG_NUM_MAX; i++)
			if (r->f[i].p != NULL) {
				*what = "last fragment below one held";
				return -1;
			}
	} else if (r->last != 0 && f->num > r->last) {
		*what = "number past the last fragment";
		return -1;
	}
	if (r->bytes + f->len > IKEV1_FRAG_BYTES_MAX) {
		/* strongSwan's max_packet: the message can never be taken. */
		reasm_free(e, slot, true);
		*why = IKE_DROP_MALFORMED;
		*what = "message too large";
		return -1;
	}
	if ((pc->p = malloc(f->len)) == NULL) {
		*why = IKE_DROP_INTERNAL;
		*what = "no memory";
		return -1;
	}
	memcpy(pc->p, f->data, f->len);
	pc->len = f->len;
	r->n++;
	r->bytes += f->len;
	if (f->flags & IKEV1_FRAG_LAST)
		r->last = f->num;
	return r->last != 0 && r->n == r->last ? 1 : 0;
}

/* The complete message of @slot in one buffer (the caller frees it); the slot is emptied. */
static uint8_t *
reasm_take(struct ikev1 *e, struct v1_frag_reasm **slot, size_t *len)
{
	struct v1_frag_reasm *r = *slot;
	uint8_t *out = malloc(r->bytes);
	size_t off = 0;
	unsigned int i;

	if (out != NULL)
		for (i = 0; i < r->last; i++) {
			memcpy(out + off, r->f[i].p, r->f[i].len);
			off += r->f[i].len;
		}
	*len = off;
	reasm_free(e, slot, out == NULL);
	return out;
}

/* Does some IKEv1 connection take fragments (any fragmentation but no)? */
static bool
any_conn_frag(const struct ikev1 *e)
{
	unsigned int i;

	for (i = 0; i < e->cfg->n_connections; i++)
		if (e->cfg->connections[i].version != 2 &&
		    e->cfg->connections[i].fragmentation != CONFIG_FRAG_NO)
			return true;
	return false;
}

/* The first-message slot for @remote and @ispi: found, or a free one within the limits. */
static struct v1_frag_reasm **
pre_slot(struct ikev1 *e, const struct ike_addr *local, const struct ike_addr *remote,
    uint64_t ispi)
{
	struct v1_frag_pre *p, *free_p = NULL;
	unsigned int i, same_peer = 0;

	for (i = 0; i < IKEV1_FRAG_PRE_MAX; i++) {
		p = &e->frag.pre[i];
		if (p->r == NULL) {
			if (free_p == NULL)
				free_p = p;
			continue;
		}
		if (!ike_sa_addr_eq(&p->remote.a, &remote->a))
			continue;
		if (p->ispi == ispi && p->remote.port == remote->port)
			return &p->r;
		same_peer++;
	}
	if (free_p == NULL || same_peer >= IKEV1_FRAG_PRE_PER_PEER)
		return NULL;
	free_p->local = *local;
	free_p->remote = *remote;
	free_p->ispi = ispi;
	return &free_p->r;
}

/* The SA a fragment with these cookies belongs to, as mm_input() finds it; NULL when none. */
static struct v1_sa *
frag_sa(struct ikev1 *e, const struct ike_hdr *h, const struct ike_addr *remote)
{
	struct ike_sa *sa = ike_sa_lookup(&e->t, 1, h->ispi, h->rspi);

	if (sa == NULL) {
		/* MM2 in fragments: the responder's cookie is new to us. */
		sa = ike_sa_lookup_spi_i(&e->t, 1, h->ispi, &remote->a, true);
		if (sa != NULL && (!sa->initiator || sa->spi_r != 0))
			sa = NULL;
	}
	if (sa == NULL || !ike_sa_addr_eq(&sa->remote.a, &remote->a))
		return NULL;
	return v1_sa_of(sa);
}

void
ikev1_frag_input(struct ikev1 *e, const struct ike_addr *local, const struct ike_addr *remote,
    const uint8_t *msg, size_t len)
{
	const struct ikev1_msg *m = e->m;
	struct ikev1_frag f = m->frag;
	struct v1_frag_reasm **slot;
	struct ike_hdr h = m->hdr;
	const char *what = NULL;
	enum ike_drop why;
	struct v1_sa *s;
	uint8_t *whole;
	size_t whole_len;
	unsigned int n;
	int rc;

	(void)msg;
	(void)len;
	V1_INC(e, frag_rx);
	/* A fragment message carries the fragment payload alone. */
	if (h.next_payload != IKEV1_PL_FRAG || m->n_payloads != 1 || f.len == 0) {
		frag_drop(e, remote, IKE_DROP_MALFORMED, "not a lone non-empty fragment payload");
		return;
	}
	if (f.num > IKEV1_FRAG_NUM_MAX) {
		frag_drop(e, remote, IKE_DROP_MALFORMED, "too many fragments");
		return;
	}
	if (h.rspi == 0) {
		if (!any_conn_frag(e)) {
			frag_drop(e, remote, IKE_DROP_UNSUPPORTED, "no connection takes fragments");
			return;
		}
		slot = pre_slot(e, local, remote, h.ispi);
		if (slot == NULL) {
			frag_drop(e, remote, IKE_DROP_HALF_OPEN,
			    "too many first messages in fragments");
			return;
		}
	} else {
		s = frag_sa(e, &h, remote);
		if (s == NULL) {
			frag_drop(e, remote, IKE_DROP_UNKNOWN_SA, "no IKE SA with these cookies");
			return;
		}
		if (s->conn != NULL && s->conn->fragmentation == CONFIG_FRAG_NO) {
			frag_drop(e, remote, IKE_DROP_UNSUPPORTED, "fragmentation: no");
			return;
		}
		slot = &s->frag.in;
	}
	rc = reasm_add(e, slot, &f, &why, &what);
	if (rc < 0) {
		frag_drop(e, remote, why, what);
		if (h.rspi == 0 && *slot != NULL && (*slot)->n == 0)
			reasm_free(e, slot, false); /* a first message slot with nothing in it */
		return;
	}
	if (rc == 0)
		return;
	n = (*slot)->last;
	whole = reasm_take(e, slot, &whole_len);
	if (whole == NULL) {
		V1_DROP(e, IKE_DROP_INTERNAL);
		return;
	}
	/* The message inside must have the fragments' cookies (one SA's reassembly). */
	if (whole_len < IKE_HDR_LEN || ike_get64(whole) != h.ispi ||
	    ike_get64(whole + 8) != h.rspi) {
		frag_drop(e, remote, IKE_DROP_MALFORMED, "reassembled message of other cookies");
		__atomic_store_n(&e->st.frag_dropped, e->st.frag_dropped + n - 1, __ATOMIC_RELAXED);
		free(whole);
		return;
	}
	V1_INC(e, frag_reassembled);
	ikev1_sm_input_whole(e, local, remote, whole, whole_len);
	free(whole);
}

void
ikev1_frag_tick(struct ikev1 *e, uint64_t now_ns)
{
	const uint64_t limit = (uint64_t)IKEV1_FRAG_TIMEOUT_S * V1_ONE_S;
	struct ike_sa *sa;
	unsigned int i;

	for (i = 0; i < IKEV1_FRAG_PRE_MAX; i++)
		if (e->frag.pre[i].r != NULL && now_ns - e->frag.pre[i].r->started_ns >= limit)
			reasm_free(e, &e->frag.pre[i].r, true);
	for (sa = e->t.head; sa != NULL; sa = sa->next) {
		struct v1_sa *s;

		if (sa->version != 1)
			continue;
		s = v1_sa_of(sa);
		if (s->frag.in != NULL && now_ns - s->frag.in->started_ns >= limit)
			reasm_free(e, &s->frag.in, true);
	}
}

void
ikev1_frag_sa_fini(struct v1_sa *s)
{
	reasm_free(s->e, &s->frag.in, true);
}

void
ikev1_frag_fini(struct ikev1 *e)
{
	unsigned int i;

	for (i = 0; i < IKEV1_FRAG_PRE_MAX; i++)
		reasm_free(NULL, &e->frag.pre[i].r, false);
}
