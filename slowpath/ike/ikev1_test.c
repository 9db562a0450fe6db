/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ikev1_test.c: test hooks into the IKEv1 engine (built only with -DIKEV1_TEST_HOOKS). */
#include <errno.h>
#include <string.h>

#include "slowpath/ike/ike_crypto.h"
#include "slowpath/ike/ike_payload.h"
#include "slowpath/ike/ike_sa.h"
#include "slowpath/ike/ikev1_crypt.h"
#include "slowpath/ike/ikev1_msg.h"
#include "slowpath/ike/ikev1_sm.h"
#include "slowpath/ike/ikev1_test.h"

/* The SA @id of @e when it has keys. */
static struct v1_sa *
keyed_sa(struct ikev1 *e, uint64_t id)
{
	struct ike_sa *sa = ike_sa_find_id(&e->t, id);

	if (sa == NULL || sa->version != 1 || !v1_sa_of(sa)->have_keys)
		return NULL;
	return v1_sa_of(sa);
}

int
ikev1_test_hash_len(struct ikev1 *e, uint64_t id)
{
	struct v1_sa *s = keyed_sa(e, id);

	return s != NULL ? (int)s->keys.len : -ENOENT;
}

int
ikev1_test_seal(struct ikev1 *e, uint64_t id, uint8_t exchange, uint32_t msgid, uint8_t next,
    const uint8_t *body, size_t len, unsigned int flags, uint8_t *out, size_t cap)
{
	struct v1_sa *s = keyed_sa(e, id);
	struct ike_hdr h;
	struct ike_buf b;
	uint8_t iv[V1_BLOCK];
	size_t hl;
	int rc;

	if (s == NULL)
		return -ENOENT;
	hl = (flags & IKEV1_TEST_HASH1) ? IKE_GEN_HDR_LEN + s->keys.len : 0;
	h = (struct ike_hdr){ .ispi = s->sa.spi_i,
		.rspi = s->sa.spi_r,
		.next_payload = hl != 0 ? IKEV1_PL_HASH : next,
		.exchange = exchange,
		.flags = IKEV1_FLAG_ENCRYPTION,
		.msgid = msgid };
	ike_payload_buf_init(&b, out, cap);
	ikev1_msg_build_hdr(&b, &h);
	if (hl != 0) {
		ike_payload_buf_put8(&b, next);
		ike_payload_buf_put8(&b, 0);
		ike_payload_buf_put16(&b, (uint16_t)hl);
		ike_payload_buf_zero(&b, s->keys.len);
	}
	ike_payload_buf_put(&b, body, len);
	/* A block of padding must fit after the body. */
	ike_payload_buf_zero(&b, V1_BLOCK);
	if ((rc = ike_payload_buf_finish(&b)) != 0)
		return rc;
	if (hl != 0) {
		rc = ikev1_crypt_hash(s->prop.prf, s->keys.skeyid_a, s->keys.len, false, msgid,
		    NULL, 0, NULL, 0, body, len, out + IKE_HDR_LEN + IKE_GEN_HDR_LEN, s->keys.len);
		if (rc < 0)
			return rc;
	}
	rc = ike_crypto_v1_iv_phase2(s->prop.prf, s->iv, V1_BLOCK, msgid, iv, V1_BLOCK);
	if (rc != 0)
		return rc;
	return ikev1_crypt_encrypt(s->enc, s->enc_len, iv, out, hl + len, cap);
}

int
ikev1_test_open(struct ikev1 *e, uint64_t id, const uint8_t *msg, size_t len, uint8_t *out,
    size_t cap)
{
	struct v1_sa *s = keyed_sa(e, id);
	struct ike_hdr h;
	uint8_t iv[V1_BLOCK], next_iv[V1_BLOCK];
	int rc;

	if (s == NULL)
		return -ENOENT;
	if (ike_payload_hdr_parse(msg, len, &h) != 0 || len - IKE_HDR_LEN > cap)
		return -EBADMSG;
	rc = ike_crypto_v1_iv_phase2(s->prop.prf, s->iv, V1_BLOCK, h.msgid, iv, V1_BLOCK);
	if (rc != 0)
		return rc;
	rc = ikev1_crypt_decrypt(s->enc, s->enc_len, iv, msg + IKE_HDR_LEN, len - IKE_HDR_LEN, out,
	    next_iv);
	return rc != 0 ? rc : (int)(len - IKE_HDR_LEN);
}

int
ikev1_test_qm_count(struct ikev1 *e, uint64_t id)
{
	struct v1_sa *s = keyed_sa(e, id);
	const struct v1_qm *q;
	int n = 0;

	if (s == NULL)
		return -ENOENT;
	for (q = s->qms; q != NULL; q = q->next)
		n++;
	return n;
}
