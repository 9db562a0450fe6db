/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/fuzz/fuzz_ikev2_msg.c: libFuzzer target for the IKEv2 codec, the Encrypted payload checks and the fragment reassembler. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "slowpath/ike/ike_payload.h"
#include "slowpath/ike/ikev2_crypt.h"
#include "slowpath/ike/ikev2_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Every input is tried as:
 *   1. a whole datagram (ikev2_msg_parse), then its SK/SKF payload through
 *      ikev2_crypt_unprotect() under fixed CBC and GCM keys (the length
 *      checks and the ICV: a fuzzer does not forge an ICV);
 *   2. a decrypted inner chain: the first byte is the SK payload's Next
 *      Payload, the rest the chain (ikev2_msg_parse_inner);
 *   3. a script for the fragment reassembler: records of msgid, number,
 *      total, next payload and a length, each followed by that many bytes.
 * What parses is built again from the structs and parsed again; building
 * that second parse must give the very same bytes.
 */

static struct ikev2_msg m1, m2;
static uint8_t out1[IKE_MSG_MAX], out2[IKE_MSG_MAX], plain[IKE_MSG_MAX];

/* A minimal protected INFORMATIONAL request, to carry fuzzed inner chains. */
static const uint8_t carrier[] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, /* SPIs */
	IKEV2_PL_SK, 0x20, IKEV2_EXCH_INFORMATIONAL, IKEV2_FLAG_I, 0, 0, 0, 2, 0, 0, 0, 36, 0, 0, 0,
	8, 0, 0, 0, 0, /* SK: Next Payload 0, 4 bytes */
};

static void
build_raw(struct ike_buf *b, uint8_t type, uint8_t next, const uint8_t *pre, size_t pre_len,
    const uint8_t *p, size_t len)
{
	ike_payload_begin(b, type, 0);
	if (b->err == 0)
		b->p[b->pl_off] = next;
	ike_payload_buf_put(b, pre, pre_len);
	ike_payload_buf_put(b, p, len);
	ike_payload_end(b);
}

/* Build @m's payloads in their order (unknown ones left out), after a header when @hdr. */
static size_t
rebuild(const struct ikev2_msg *m, bool hdr, bool inner, uint8_t *p, uint8_t *first)
{
	const struct ikev2_notification *n;
	const struct ikev2_delete *d;
	const struct ikev2_cert *c;
	unsigned int i, in = 0, id = 0, ic = 0, icr = 0, iv = 0;
	uint8_t skf[4];
	struct ike_buf b;

	ike_payload_buf_init(&b, p, IKE_MSG_MAX);
	if (hdr)
		ikev2_msg_build_hdr(&b, m->hdr.ispi, m->hdr.rspi, m->hdr.exchange, m->hdr.flags,
		    m->hdr.msgid);
	for (i = 0; i < m->n_payloads; i++) {
		if (m->payloads[i].inner != inner)
			continue;
		switch (m->payloads[i].type) {
		case IKEV2_PL_SA:
			ikev2_msg_build_sa(&b, &m->sa);
			break;
		case IKEV2_PL_KE:
			ikev2_msg_build_ke(&b, m->ke.group, m->ke.data, m->ke.len);
			break;
		case IKEV2_PL_IDI:
			ikev2_msg_build_id(&b, IKEV2_PL_IDI, m->idi.type, m->idi.data, m->idi.len);
			break;
		case IKEV2_PL_IDR:
			ikev2_msg_build_id(&b, IKEV2_PL_IDR, m->idr.type, m->idr.data, m->idr.len);
			break;
		case IKEV2_PL_CERT:
			c = &m->certs[ic++];
			ikev2_msg_build_cert(&b, IKEV2_PL_CERT, c->encoding, c->data, c->len);
			break;
		case IKEV2_PL_CERTREQ:
			c = &m->certreqs[icr++];
			ikev2_msg_build_cert(&b, IKEV2_PL_CERTREQ, c->encoding, c->data, c->len);
			break;
		case IKEV2_PL_AUTH:
			ikev2_msg_build_auth(&b, m->auth.method, m->auth.data, m->auth.len);
			break;
		case IKEV2_PL_NONCE:
			ikev2_msg_build_nonce(&b, m->nonce.p, m->nonce.len);
			break;
		case IKEV2_PL_NOTIFY:
			n = &m->notifies[in++];
			ikev2_msg_build_notify(&b, n->proto, n->spi, n->spi_len, n->type, n->data,
			    n->data_len);
			break;
		case IKEV2_PL_DELETE:
			d = &m->deletes[id++];
			ikev2_msg_build_delete(&b, d->proto, d->spi_len, d->spis, d->n_spis);
			break;
		case IKEV2_PL_VID:
			ikev2_msg_build_vid(&b, m->vids[iv].p, m->vids[iv].len);
			iv++;
			break;
		case IKEV2_PL_TSI:
			if (m->tsi.n > 0) /* every selector of an unknown type: left out */
				ikev2_msg_build_ts(&b, IKEV2_PL_TSI, &m->tsi);
			break;
		case IKEV2_PL_TSR:
			if (m->tsr.n > 0)
				ikev2_msg_build_ts(&b, IKEV2_PL_TSR, &m->tsr);
			break;
		case IKEV2_PL_CP:
			ikev2_msg_build_cp(&b, m->cp.type, m->cp.attrs, m->cp.len);
			break;
		case IKEV2_PL_EAP:
			ikev2_msg_build_eap(&b, m->eap.p, m->eap.len);
			break;
		case IKEV2_PL_SK:
			build_raw(&b, IKEV2_PL_SK, m->sk.inner, NULL, 0, m->sk.data, m->sk.len);
			break;
		case IKEV2_PL_SKF:
			skf[0] = (uint8_t)(m->sk.frag_num >> 8);
			skf[1] = (uint8_t)m->sk.frag_num;
			skf[2] = (uint8_t)(m->sk.frag_total >> 8);
			skf[3] = (uint8_t)m->sk.frag_total;
			build_raw(&b, IKEV2_PL_SKF, m->sk.inner, skf, 4, m->sk.data, m->sk.len);
			break;
		default:
			break; /* an unknown payload, skipped */
		}
	}
	/* What was parsed fits again: never -ENOSPC, never -EINVAL. */
	if (ike_payload_buf_finish(&b) != 0)
		abort();
	*first = b.first;
	return b.len;
}

static void
check(const struct ikev2_msg *m, bool inner)
{
	uint8_t first1, first2;
	size_t n1, n2;

	if (m->error != IKEV2_N_NONE || m->n_payloads > IKE_PAYLOADS_MAX)
		abort();
	n1 = rebuild(m, !inner, inner, out1, &first1);
	if (!inner) {
		if (ikev2_msg_parse(out1, n1, &m2) != 0)
			abort();
	} else {
		if (ikev2_msg_parse(carrier, sizeof(carrier), &m2) != 0 ||
		    ikev2_msg_parse_inner(&m2, first1, out1, n1) != 0)
			abort();
	}
	n2 = rebuild(&m2, !inner, inner, out2, &first2);
	if (n2 != n1 || first2 != first1 || memcmp(out1, out2, n1) != 0)
		abort();
}

static void
try_unprotect(const struct ikev2_msg *m)
{
	static const uint8_t key[64] = { 0x42 };
	struct ikev2_crypt_keys k;
	int rc;

	if (ikev2_crypt_keys_init(&k, IKE_CRYPTO_ENCR_AES_CBC, IKE_CRYPTO_INTEG_HMAC_SHA2_256_128,
	        key, 16, key, 32) != 0)
		abort();
	rc = ikev2_crypt_unprotect(&k, m, plain, sizeof(plain));
	if (rc > (int)m->sk.len)
		abort();
	if (ikev2_crypt_keys_init(&k, IKE_CRYPTO_ENCR_AES_GCM_16, 0, key, 20, NULL, 0) != 0)
		abort();
	rc = ikev2_crypt_unprotect(&k, m, plain, sizeof(plain));
	if (rc > (int)m->sk.len)
		abort();
	ikev2_crypt_keys_fini(&k);
}

/* Records: msgid (1), num (1), total (1), next (1), len (1), then len bytes. */
static void
reasm_script(const uint8_t *data, size_t size)
{
	struct ikev2_frag_reasm r;
	uint8_t first;
	size_t off = 0, len;
	int rc;

	ikev2_frag_reasm_init(&r, 600);
	while (size - off >= 5) {
		len = data[off + 4];
		if (len > size - off - 5)
			len = size - off - 5;
		rc = ikev2_frag_reasm_add(&r, data[off], data[off + 1], data[off + 2],
		    data[off + 3], data + off + 5, len, off, out1, 500, &first);
		if (rc > 500)
			abort();
		off += 5 + len;
		if (data[off - 1] == 0xee)
			(void)ikev2_frag_reasm_expire(&r, off, 3);
	}
	ikev2_frag_reasm_fini(&r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (ikev2_msg_parse(data, size, &m1) == 0) {
		check(&m1, false);
		if (m1.has_sk || m1.has_skf)
			try_unprotect(&m1);
	}
	if (size >= 1 && ikev2_msg_parse(carrier, sizeof(carrier), &m1) == 0 &&
	    ikev2_msg_parse_inner(&m1, data[0], data + 1, size - 1) == 0)
		check(&m1, true);
	reasm_script(data, size);
	return 0;
}
