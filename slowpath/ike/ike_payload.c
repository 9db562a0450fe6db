/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ike_payload.c: the codec IKEv1 and IKEv2 share: fixed header, payload chain, bounded builder. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "common/limits.h"
#include "slowpath/ike/ike_payload.h"

int
ike_payload_hdr_parse(const uint8_t *p, size_t len, struct ike_hdr *h)
{
	if (len < IKE_HDR_LEN || len > IKE_MSG_MAX)
		return -EBADMSG;
	h->ispi = ike_get64(p);
	h->rspi = ike_get64(p + 8);
	h->next_payload = p[16];
	h->major = p[17] >> 4;
	h->minor = p[17] & 0x0f;
	h->exchange = p[18];
	h->flags = p[19];
	h->msgid = ike_get32(p + 20);
	h->length = ike_get32(p + 24);
	/* RFC 2408 §5.1 / RFC 7296 §3.1: the Length field is the whole message. */
	if (h->length != len)
		return -EBADMSG;
	return 0;
}

void
ike_payload_iter_init(struct ike_payload_iter *it, const uint8_t *p, size_t len, uint8_t first,
    unsigned int max, ike_payload_known_fn known, unsigned int flags)
{
	memset(it, 0, sizeof(*it));
	it->p = p;
	it->len = len;
	it->next = first;
	it->max = max;
	it->known = known;
	it->flags = flags;
}

int
ike_payload_iter_next(struct ike_payload_iter *it, struct ike_payload *pl)
{
	const uint8_t *g;
	size_t plen;

	if (it->err != 0)
		return it->err;
	if (it->next == IKE_PAYLOAD_NONE) {
		/* RFC 2408 §3.2, RFC 7296 §3.2: the chain ends at the end of the
		 * message; only a decrypted IKEv1 body may carry padding after it. */
		if (it->off != it->len && !(it->flags & IKE_ITER_TRAILING_OK))
			goto fail;
		it->end = it->off;
		return 0;
	}
	if (it->count >= it->max) {
		it->err = -E2BIG;
		return it->err;
	}
	if (it->len - it->off < IKE_GEN_HDR_LEN)
		goto fail; /* Next Payload promised one more, no room for its header */
	g = it->p + it->off;
	plen = ike_get16(g + 2);
	if (plen < IKE_GEN_HDR_LEN || plen > it->len - it->off)
		goto fail;

	pl->type = it->next;
	pl->next = g[0];
	pl->reserved = g[1];
	pl->critical = (g[1] & IKE_PAYLOAD_CRIT) != 0;
	pl->known = it->known == NULL || it->known(pl->type);
	pl->body = g + IKE_GEN_HDR_LEN;
	pl->len = plen - IKE_GEN_HDR_LEN;
	pl->off = it->off;
	if (!pl->known && !it->has_unknown) {
		it->has_unknown = true;
		it->unknown_type = pl->type;
		it->unknown_critical = pl->critical;
	}
	it->next = g[0];
	it->off += plen;
	it->count++;
	return 1;
fail:
	it->err = -EBADMSG;
	return it->err;
}

int
ike_payload_attr_next(const uint8_t *p, size_t len, size_t *off, struct ike_attr *a)
{
	const uint8_t *q;
	uint16_t t, l;
	unsigned int i;

	if (*off > len || len - *off < 4)
		return -EBADMSG;
	q = p + *off;
	t = ike_get16(q);
	l = ike_get16(q + 2);
	a->type = t & (uint16_t)~IKE_ATTR_AF;
	a->tv = (t & IKE_ATTR_AF) != 0;
	if (a->tv) {
		a->len = 2;
		a->val = q + 2;
		a->u = l;
		*off += 4;
		return 0;
	}
	/* RFC 2408 §3.3: AF=0, the value follows in Attribute Length bytes. */
	if (l > len - *off - 4)
		return -EBADMSG;
	a->len = l;
	a->val = q + 4;
	a->u = 0;
	if (l <= 8)
		for (i = 0; i < l; i++)
			a->u = a->u << 8 | a->val[i];
	*off += 4 + (size_t)l;
	return 0;
}

void
ike_payload_buf_init(struct ike_buf *b, uint8_t *p, size_t cap)
{
	b->p = p;
	b->len = 0;
	b->cap = cap;
	b->err = 0;
	b->np_off = IKE_BUF_NONE;
	b->pl_off = IKE_BUF_NONE;
	b->hdr_off = IKE_BUF_NONE;
	b->first = IKE_PAYLOAD_NONE;
}

void
ike_payload_buf_fail(struct ike_buf *b, int err)
{
	if (b->err == 0)
		b->err = err;
}

/* Room for @n more bytes?  Sets -ENOSPC when not. */
static bool
room(struct ike_buf *b, size_t n)
{
	if (b->err != 0)
		return false;
	if (n > b->cap - b->len) {
		b->err = -ENOSPC;
		return false;
	}
	return true;
}

void
ike_payload_buf_put(struct ike_buf *b, const void *d, size_t n)
{
	if (d == NULL && n > 0) {
		ike_payload_buf_fail(b, -EINVAL); /* a length without its bytes */
		return;
	}
	if (!room(b, n))
		return;
	if (n > 0)
		memcpy(b->p + b->len, d, n);
	b->len += n;
}

void
ike_payload_buf_zero(struct ike_buf *b, size_t n)
{
	if (!room(b, n))
		return;
	memset(b->p + b->len, 0, n);
	b->len += n;
}

void
ike_payload_buf_put8(struct ike_buf *b, uint8_t v)
{
	ike_payload_buf_put(b, &v, 1);
}

void
ike_payload_buf_put16(struct ike_buf *b, uint16_t v)
{
	uint8_t q[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	ike_payload_buf_put(b, q, sizeof(q));
}

void
ike_payload_buf_put32(struct ike_buf *b, uint32_t v)
{
	uint8_t q[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	ike_payload_buf_put(b, q, sizeof(q));
}

void
ike_payload_buf_put64(struct ike_buf *b, uint64_t v)
{
	ike_payload_buf_put32(b, (uint32_t)(v >> 32));
	ike_payload_buf_put32(b, (uint32_t)v);
}

void
ike_payload_buf_patch16(struct ike_buf *b, size_t off, uint16_t v)
{
	if (b->err != 0)
		return;
	if (off > b->len || b->len - off < 2) {
		b->err = -EINVAL;
		return;
	}
	b->p[off] = (uint8_t)(v >> 8);
	b->p[off + 1] = (uint8_t)v;
}

void
ike_payload_hdr_build(struct ike_buf *b, const struct ike_hdr *h)
{
	size_t at = b->len;

	if (h->major > 0xf || h->minor > 0xf) {
		ike_payload_buf_fail(b, -EINVAL);
		return;
	}
	ike_payload_buf_put64(b, h->ispi);
	ike_payload_buf_put64(b, h->rspi);
	ike_payload_buf_put8(b, h->next_payload);
	ike_payload_buf_put8(b, (uint8_t)(h->major << 4 | h->minor));
	ike_payload_buf_put8(b, h->exchange);
	ike_payload_buf_put8(b, h->flags);
	ike_payload_buf_put32(b, h->msgid);
	ike_payload_buf_put32(b, 0); /* Length: ike_payload_buf_finish() */
	if (b->err != 0)
		return;
	b->hdr_off = at;
	b->np_off = at + IKE_HDR_NP_OFF;
}

void
ike_payload_begin(struct ike_buf *b, uint8_t type, uint8_t flags)
{
	size_t at = b->len;

	if (b->err != 0)
		return;
	if (b->pl_off != IKE_BUF_NONE) {
		b->err = -EINVAL; /* the previous payload was not ended */
		return;
	}
	ike_payload_buf_put8(b, IKE_PAYLOAD_NONE); /* Next Payload: patched by the next begin */
	ike_payload_buf_put8(b, flags);
	ike_payload_buf_put16(b, 0); /* Payload Length: patched by end */
	if (b->err != 0)
		return;
	if (b->np_off != IKE_BUF_NONE)
		b->p[b->np_off] = type;
	if (b->first == IKE_PAYLOAD_NONE)
		b->first = type;
	b->np_off = at;
	b->pl_off = at;
}

void
ike_payload_end(struct ike_buf *b)
{
	size_t n;

	if (b->err != 0)
		return;
	if (b->pl_off == IKE_BUF_NONE) {
		b->err = -EINVAL;
		return;
	}
	n = b->len - b->pl_off;
	if (n > UINT16_MAX) {
		b->err = -EMSGSIZE; /* a Payload Length is 16 bits */
		return;
	}
	ike_payload_buf_patch16(b, b->pl_off + 2, (uint16_t)n);
	b->pl_off = IKE_BUF_NONE;
}

void
ike_payload_attr_build(struct ike_buf *b, const struct ike_attr *a)
{
	unsigned int i;

	if (a->type & IKE_ATTR_AF) {
		ike_payload_buf_fail(b, -EINVAL);
		return;
	}
	if (a->tv) {
		if (a->u > UINT16_MAX) {
			ike_payload_buf_fail(b, -EINVAL);
			return;
		}
		ike_payload_buf_put16(b, (uint16_t)(a->type | IKE_ATTR_AF));
		ike_payload_buf_put16(b, (uint16_t)a->u);
		return;
	}
	ike_payload_buf_put16(b, a->type);
	ike_payload_buf_put16(b, a->len);
	if (a->val != NULL) {
		ike_payload_buf_put(b, a->val, a->len);
		return;
	}
	/* No bytes given: u in @len bytes, network order. */
	if (a->len > 8 || (a->len < 8 && (a->u >> (8 * a->len)) != 0)) {
		ike_payload_buf_fail(b, -EINVAL);
		return;
	}
	for (i = a->len; i > 0; i--)
		ike_payload_buf_put8(b, (uint8_t)(a->u >> (8 * (i - 1))));
}

int
ike_payload_buf_finish(struct ike_buf *b)
{
	size_t n;

	if (b->err != 0)
		return b->err;
	if (b->pl_off != IKE_BUF_NONE) {
		b->err = -EINVAL;
		return b->err;
	}
	if (b->hdr_off != IKE_BUF_NONE) {
		n = b->len - b->hdr_off;
		if (n > IKE_MSG_MAX) {
			b->err = -EMSGSIZE;
			return b->err;
		}
		b->p[b->hdr_off + IKE_HDR_LENGTH_OFF] = (uint8_t)(n >> 24);
		b->p[b->hdr_off + IKE_HDR_LENGTH_OFF + 1] = (uint8_t)(n >> 16);
		b->p[b->hdr_off + IKE_HDR_LENGTH_OFF + 2] = (uint8_t)(n >> 8);
		b->p[b->hdr_off + IKE_HDR_LENGTH_OFF + 3] = (uint8_t)n;
	}
	return 0;
}
