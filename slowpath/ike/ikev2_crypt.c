/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ikev2_crypt.c: the IKEv2 Encrypted payload (SK) and Encrypted Fragments (SKF): protect, unprotect, reassemble. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "slowpath/ike/ike_crypto.h"
#include "slowpath/ike/ike_payload.h"
#include "slowpath/ike/ikev2_crypt.h"
#include "slowpath/ike/ikev2_msg.h"

#define SKF_FIXED 4 /* Fragment Number, Total Fragments (RFC 7383 §2.5) */

/* Wipe that the compiler may not drop (secrets and plaintext left in buffers). */
static void
wipe(void *p, size_t n)
{
	volatile uint8_t *v = p;

	while (n--)
		*v++ = 0;
}

int
ikev2_crypt_keys_init(struct ikev2_crypt_keys *k, uint16_t encr, uint16_t integ, const uint8_t *ek,
    size_t ek_len, const uint8_t *ak, size_t ak_len)
{
	int icv, klen;

	memset(k, 0, sizeof(*k));
	if (ek == NULL || ek_len > sizeof(k->ek) || ak_len > sizeof(k->ak) ||
	    (ak_len > 0 && ak == NULL))
		return -EINVAL;
	switch (encr) {
	case IKE_CRYPTO_ENCR_AES_CBC:
		if (ek_len != 16 && ek_len != 24 && ek_len != 32)
			return -EINVAL;
		icv = ike_crypto_integ_icv_len(integ);
		klen = ike_crypto_integ_key_len(integ);
		if (icv < 0 || klen < 0)
			return -ENOTSUP;
		if ((size_t)klen != ak_len)
			return -EINVAL;
		k->iv_len = IKE_CRYPTO_AES_BLOCK;
		k->icv_len = (size_t)icv;
		k->block = IKE_CRYPTO_AES_BLOCK;
		break;
	case IKE_CRYPTO_ENCR_AES_GCM_16:
		/* RFC 5282 §8: no integrity transform with a combined mode cipher. */
		if (integ != 0 || ak_len != 0)
			return -EINVAL;
		if (ek_len != 16 + IKE_CRYPTO_GCM_SALT && ek_len != 24 + IKE_CRYPTO_GCM_SALT &&
		    ek_len != 32 + IKE_CRYPTO_GCM_SALT)
			return -EINVAL;
		k->iv_len = IKE_CRYPTO_GCM_IV;
		k->icv_len = IKE_CRYPTO_GCM_ICV;
		k->block = 1; /* RFC 5282 §3: no alignment, the Pad Length byte only */
		break;
	default:
		return -ENOTSUP;
	}
	k->encr = encr;
	k->integ = integ;
	memcpy(k->ek, ek, ek_len);
	k->ek_len = ek_len;
	if (ak_len > 0)
		memcpy(k->ak, ak, ak_len);
	k->ak_len = ak_len;
	return 0;
}

void
ikev2_crypt_keys_fini(struct ikev2_crypt_keys *k)
{
	wipe(k, sizeof(*k));
}

static size_t
pad_len(const struct ikev2_crypt_keys *k, size_t len)
{
	return (k->block - (len + 1) % k->block) % k->block;
}

size_t
ikev2_crypt_overhead(const struct ikev2_crypt_keys *k, size_t inner_len)
{
	return IKE_GEN_HDR_LEN + k->iv_len + pad_len(k, inner_len) + 1 + k->icv_len;
}

/*
 * Append an SK (or SKF, with its Fragment Number and Total) payload whose
 * Next Payload is @next around @len bytes of @inner, finish the message and
 * seal it.  The IKE header is at b->hdr_off.
 */
static int
seal(const struct ikev2_crypt_keys *k, struct ike_buf *b, uint8_t type, uint8_t next, uint16_t num,
    uint16_t total, const uint8_t *inner, size_t len)
{
	size_t pad = pad_len(k, len), iv_off, ct_off, ct_len, icv_off;
	uint8_t *p;
	int rc;

	if (b->err == 0 && (b->hdr_off == IKE_BUF_NONE || k->block == 0 || (len && !inner)))
		ike_payload_buf_fail(b, -EINVAL);
	ike_payload_begin(b, type, 0);
	if (b->err != 0)
		return b->err;
	b->p[b->pl_off] = next; /* SK: the first inner payload (§3.14) */
	if (type == IKEV2_PL_SKF) {
		ike_payload_buf_put16(b, num);
		ike_payload_buf_put16(b, total);
	}
	iv_off = b->len;
	ike_payload_buf_zero(b, k->iv_len);
	ct_off = b->len;
	ike_payload_buf_put(b, inner, len);
	ike_payload_buf_zero(b, pad);
	ike_payload_buf_put8(b, (uint8_t)pad);
	icv_off = b->len;
	ike_payload_buf_zero(b, k->icv_len);
	ike_payload_end(b);
	if ((rc = ike_payload_buf_finish(b)) != 0)
		goto fail;
	if (b->len - b->hdr_off > IKE_MSG_MAX) {
		rc = -EMSGSIZE;
		goto fail;
	}
	p = b->p;
	ct_len = icv_off - ct_off;
	if ((rc = ike_crypto_random(p + iv_off, k->iv_len)) != 0)
		goto fail;
	if (k->encr == IKE_CRYPTO_ENCR_AES_CBC) {
		rc = ike_crypto_cbc_encrypt(k->ek, k->ek_len, p + iv_off, k->iv_len, p + ct_off,
		    p + ct_off, ct_len);
		if (rc < 0)
			goto fail;
		/* §3.14: the ICV covers the message from the header to the ciphertext's end. */
		rc = ike_crypto_integ(k->integ, k->ak, k->ak_len, p + b->hdr_off,
		    icv_off - b->hdr_off, p + icv_off, k->icv_len);
	} else {
		/* RFC 5282 §5.1: AAD is everything before the IV. */
		rc = ike_crypto_gcm_seal(k->ek, k->ek_len, p + iv_off, k->iv_len, p + b->hdr_off,
		    iv_off - b->hdr_off, p + ct_off, p + ct_off, ct_len, p + icv_off, k->icv_len);
	}
	if (rc < 0)
		goto fail;
	return (int)(b->len - b->hdr_off);
fail:
	if (b->len > b->hdr_off)
		wipe(b->p + b->hdr_off, b->len - b->hdr_off);
	ike_payload_buf_fail(b, rc);
	return rc;
}

int
ikev2_crypt_protect(const struct ikev2_crypt_keys *k, struct ike_buf *b, uint8_t first,
    const uint8_t *inner, size_t len)
{
	return seal(k, b, IKEV2_PL_SK, first, 0, 0, inner, len);
}

int
ikev2_crypt_protect_skf(const struct ikev2_crypt_keys *k, struct ike_buf *b, uint8_t next,
    uint16_t num, uint16_t total, const uint8_t *inner, size_t len)
{
	return seal(k, b, IKEV2_PL_SKF, next, num, total, inner, len);
}

int
ikev2_crypt_unprotect(const struct ikev2_crypt_keys *k, const struct ikev2_msg *m, uint8_t *out,
    size_t cap)
{
	const struct ikev2_sk *sk = &m->sk;
	const uint8_t *iv, *ct, *icv;
	size_t ct_len, pad;
	int rc;

	if ((!m->has_sk && !m->has_skf) || m->raw == NULL || k->block == 0)
		return -EMSGSIZE;
	if (sk->len < k->iv_len + k->icv_len + 1)
		return -EMSGSIZE;
	ct_len = sk->len - k->iv_len - k->icv_len;
	if (ct_len % k->block != 0)
		return -EMSGSIZE;
	iv = sk->data;
	ct = iv + k->iv_len;
	icv = ct + ct_len;
	/* The payload is the last one (ikev2_msg.c): the ICV ends the message. */
	if (iv < m->raw || icv + k->icv_len != m->raw + m->raw_len)
		return -EMSGSIZE;
	if (out == NULL || cap < ct_len)
		return -ENOSPC;
	if (k->encr == IKE_CRYPTO_ENCR_AES_CBC) {
		/* Integrity first (§3.14): nothing unauthenticated is decrypted. */
		rc = ike_crypto_integ_verify(k->integ, k->ak, k->ak_len, m->raw,
		    (size_t)(icv - m->raw), icv, k->icv_len);
		if (rc != 0)
			return rc == -EBADMSG ? -EBADMSG : -EIO;
		rc = ike_crypto_cbc_decrypt(k->ek, k->ek_len, iv, k->iv_len, ct, out, ct_len);
		if (rc < 0) {
			wipe(out, ct_len);
			return -EIO;
		}
	} else {
		rc = ike_crypto_gcm_open(k->ek, k->ek_len, iv, k->iv_len, m->raw,
		    (size_t)(iv - m->raw), ct, out, ct_len, icv, k->icv_len);
		if (rc < 0) {
			wipe(out, ct_len);
			return rc == -EBADMSG ? -EBADMSG : -EIO;
		}
	}
	pad = out[ct_len - 1];
	if (pad + 1 > ct_len) {
		wipe(out, ct_len);
		return -EPROTO;
	}
	return (int)(ct_len - pad - 1);
}

int
ikev2_crypt_open(const struct ikev2_crypt_keys *k, struct ikev2_msg *m, uint8_t *out, size_t cap)
{
	int n;

	if (!m->has_sk)
		return -EMSGSIZE;
	n = ikev2_crypt_unprotect(k, m, out, cap);
	if (n < 0)
		return n;
	return ikev2_msg_parse_inner(m, m->sk.inner, out, (size_t)n);
}

int
ikev2_crypt_protect_frags(const struct ikev2_crypt_keys *k, const struct ike_hdr *hdr,
    uint8_t first, const uint8_t *inner, size_t len, size_t frag_max, uint8_t *out, size_t cap,
    struct ikev2_frag_out *frags, unsigned int frags_max)
{
	size_t overhead, avail, chunk, used = 0, piece;
	struct ike_buf b;
	unsigned int i, n;
	int rc;

	if (k->block == 0 || (len > 0 && inner == NULL) || out == NULL || frags == NULL)
		return -EINVAL;
	overhead = IKE_HDR_LEN + IKE_GEN_HDR_LEN + SKF_FIXED + k->iv_len + k->icv_len;
	if (frag_max > IKE_MSG_MAX)
		frag_max = IKE_MSG_MAX;
	if (frag_max < overhead + 2)
		return -EINVAL;
	avail = frag_max - overhead;
	avail -= avail % k->block; /* whole cipher blocks */
	if (avail < 2)
		return -EINVAL;
	chunk = avail - 1; /* the Pad Length byte */
	if (len > IKE_MSG_MAX || (len + chunk - 1) / chunk > IKEV2_FRAGS_MAX)
		return -E2BIG;
	n = len == 0 ? 1 : (unsigned int)((len + chunk - 1) / chunk);
	if (n > frags_max)
		return -E2BIG;
	for (i = 0; i < n; i++) {
		piece = len - (size_t)i * chunk < chunk ? len - (size_t)i * chunk : chunk;
		ike_payload_buf_init(&b, out + used, cap - used);
		ikev2_msg_build_hdr(&b, hdr->ispi, hdr->rspi, hdr->exchange, hdr->flags,
		    hdr->msgid);
		/* RFC 7383 §2.5: Next Payload is the first inner payload in fragment 1, else 0. */
		rc = seal(k, &b, IKEV2_PL_SKF, i == 0 ? first : IKEV2_PL_NONE, (uint16_t)(i + 1),
		    (uint16_t)n, piece ? inner + (size_t)i * chunk : NULL, piece);
		if (rc < 0) {
			wipe(out, used);
			return rc;
		}
		frags[i].off = used;
		frags[i].len = (size_t)rc;
		used += (size_t)rc;
	}
	return (int)n;
}

/* ---- reassembly (RFC 7383 §2.6) ---- */

static void
slot_free(struct ikev2_frag_msg *s)
{
	unsigned int i;

	for (i = 0; i < IKEV2_FRAGS_MAX; i++) {
		if (s->data[i] != NULL) {
			wipe(s->data[i], s->len[i]);
			free(s->data[i]);
		}
	}
	memset(s, 0, sizeof(*s));
}

void
ikev2_frag_reasm_init(struct ikev2_frag_reasm *r, size_t max_bytes)
{
	memset(r, 0, sizeof(*r));
	r->max_bytes = max_bytes > IKE_MSG_MAX ? IKE_MSG_MAX : max_bytes;
}

void
ikev2_frag_reasm_fini(struct ikev2_frag_reasm *r)
{
	unsigned int i;

	for (i = 0; i < IKEV2_FRAG_MSGS_MAX; i++)
		slot_free(&r->msgs[i]);
}

static struct ikev2_frag_msg *
slot_find(struct ikev2_frag_reasm *r, uint32_t msgid, bool create)
{
	struct ikev2_frag_msg *free_slot = NULL;
	unsigned int i;

	for (i = 0; i < IKEV2_FRAG_MSGS_MAX; i++) {
		if (r->msgs[i].used && r->msgs[i].msgid == msgid)
			return &r->msgs[i];
		if (!r->msgs[i].used && free_slot == NULL)
			free_slot = &r->msgs[i];
	}
	if (!create || free_slot == NULL)
		return NULL;
	free_slot->used = true;
	free_slot->msgid = msgid;
	return free_slot;
}

/* Every fragment is in: concatenate them into @out. */
static int
assemble(struct ikev2_frag_reasm *r, struct ikev2_frag_msg *s, uint8_t *out, size_t cap,
    uint8_t *first)
{
	size_t off = 0;
	unsigned int i;

	if (s->bytes > cap) {
		slot_free(s);
		r->dropped++;
		return -EMSGSIZE;
	}
	for (i = 0; i < s->total; i++) {
		if (s->len[i] > 0)
			memcpy(out + off, s->data[i], s->len[i]);
		off += s->len[i];
	}
	*first = s->first;
	slot_free(s);
	r->completed++;
	return (int)off;
}

int
ikev2_frag_reasm_add(struct ikev2_frag_reasm *r, uint32_t msgid, uint16_t num, uint16_t total,
    uint8_t next, const uint8_t *pt, size_t len, uint64_t now_ms, uint8_t *out, size_t cap,
    uint8_t *first)
{
	struct ikev2_frag_msg *s;
	uint8_t *copy = NULL;

	if (total > IKEV2_FRAGS_MAX)
		return -E2BIG;
	if (num == 0 || total == 0 || num > total || (len > 0 && pt == NULL) || out == NULL ||
	    first == NULL)
		return -EPROTO;
	/* §2.5: fragment 1 names the first inner payload, the others carry 0. */
	if ((num == 1) != (next != IKEV2_PL_NONE))
		return -EPROTO;
	if (len > r->max_bytes || len > UINT16_MAX)
		return -EMSGSIZE;
	s = slot_find(r, msgid, false);
	if (s != NULL && total < s->total)
		return -ESTALE; /* §2.6: older than the fragments held: discard it */
	if (s != NULL && total > s->total) {
		/* §2.6: the sender refragmented (smaller fragments): start over. */
		slot_free(s);
		r->restarted++;
		s = NULL;
	}
	if (s != NULL && s->data[num - 1] != NULL) {
		r->duplicates++;
		return -EALREADY;
	}
	if (s == NULL) {
		s = slot_find(r, msgid, true);
		if (s == NULL)
			return -ENOBUFS;
		s->total = total;
		s->started_ms = now_ms;
	}
	if (s->bytes + len > r->max_bytes) {
		slot_free(s);
		r->dropped++;
		return -EMSGSIZE;
	}
	copy = malloc(len > 0 ? len : 1);
	if (copy == NULL) {
		if (s->have == 0)
			slot_free(s);
		return -ENOMEM;
	}
	if (len > 0)
		memcpy(copy, pt, len);
	s->data[num - 1] = copy;
	s->len[num - 1] = (uint16_t)len;
	s->bytes += len;
	s->have++;
	if (num == 1)
		s->first = next;
	if (s->have < s->total)
		return 0;
	return assemble(r, s, out, cap, first);
}

unsigned int
ikev2_frag_reasm_expire(struct ikev2_frag_reasm *r, uint64_t now_ms, uint64_t timeout_ms)
{
	unsigned int i, n = 0;

	for (i = 0; i < IKEV2_FRAG_MSGS_MAX; i++) {
		if (r->msgs[i].used && now_ms - r->msgs[i].started_ms >= timeout_ms) {
			slot_free(&r->msgs[i]);
			r->dropped++;
			n++;
		}
	}
	return n;
}
