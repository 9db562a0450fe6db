/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/fuzz/fuzz_ikev1_msg.c: libFuzzer target for the IKEv1 message codec (whole datagrams and decrypted bodies). */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "slowpath/ike/ike_payload.h"
#include "slowpath/ike/ikev1_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Every input is tried twice:
 *   1. as a whole datagram (ikev1_msg_parse);
 *   2. as a decrypted body: the first byte is the header's Next Payload,
 *      the rest the plaintext with its padding (ikev1_msg_parse_body).
 * What parses is built again from the structs and parsed again; building
 * that second parse must give the very same bytes (the builders and the
 * parser agree, whatever reserved bits the input had).
 */

static struct ikev1_msg m1, m2;
static uint8_t out1[IKE_MSG_MAX], out2[IKE_MSG_MAX];

/* Build @m's payloads in their order, after a header when @hdr. */
static size_t
rebuild(const struct ikev1_msg *m, bool hdr, uint8_t *p, uint8_t *first)
{
	const struct ikev1_pl_ref *r;
	struct ike_buf b;
	unsigned int i;

	ike_payload_buf_init(&b, p, IKE_MSG_MAX);
	if (hdr)
		ikev1_msg_build_hdr(&b, &m->hdr);
	for (i = 0; i < m->n_payloads; i++) {
		r = &m->payloads[i];
		switch (r->type) {
		case IKEV1_PL_SA:
			ikev1_msg_build_sa(&b, &m->sa);
			break;
		case IKEV1_PL_KE:
			ikev1_msg_build_ke(&b, m->ke.p, m->ke.len);
			break;
		case IKEV1_PL_NONCE:
			ikev1_msg_build_nonce(&b, m->nonce.p, m->nonce.len);
			break;
		case IKEV1_PL_HASH:
			ikev1_msg_build_hash(&b, m->hash.p, m->hash.len);
			break;
		case IKEV1_PL_SIG:
			ikev1_msg_build_sig(&b, m->sig.p, m->sig.len);
			break;
		case IKEV1_PL_ID:
			ikev1_msg_build_id(&b, &m->ids[r->idx]);
			break;
		case IKEV1_PL_CERT:
			ikev1_msg_build_cert(&b, &m->certs[r->idx]);
			break;
		case IKEV1_PL_CR:
			ikev1_msg_build_cr(&b, &m->crs[r->idx]);
			break;
		case IKEV1_PL_N:
			ikev1_msg_build_n(&b, &m->notifies[r->idx]);
			break;
		case IKEV1_PL_D:
			ikev1_msg_build_d(&b, &m->deletes[r->idx]);
			break;
		case IKEV1_PL_VID:
			ikev1_msg_build_vid(&b, m->vids[r->idx].p, m->vids[r->idx].len);
			break;
		case IKEV1_PL_NATD:
		case IKEV1_PL_NATD_DRAFT:
			ikev1_msg_build_natd(&b, r->type, m->natds[r->idx].p, m->natds[r->idx].len);
			break;
		case IKEV1_PL_NATOA:
		case IKEV1_PL_NATOA_DRAFT:
			ikev1_msg_build_natoa(&b, r->type, &m->natoas[r->idx]);
			break;
		case IKEV1_PL_ATTR:
			ikev1_msg_build_cfg(&b, &m->cfg);
			break;
		case IKEV1_PL_FRAG:
			ikev1_msg_build_frag(&b, &m->frag);
			break;
		default:
			abort(); /* the parser yielded a type it does not know */
		}
	}
	/* What was parsed fits again: never -ENOSPC, never -EINVAL. */
	if (ikev1_msg_build_finish(&b) != 0)
		abort();
	*first = b.first;
	return b.len;
}

static void
check(const struct ikev1_msg *m, bool hdr)
{
	uint8_t first1, first2;
	size_t n1, n2;

	if (m->error != IKEV1_N_NONE || m->n_payloads > IKE_PAYLOADS_MAX)
		abort();
	n1 = rebuild(m, hdr, out1, &first1);
	if (hdr) {
		if (ikev1_msg_parse(out1, n1, &m2) != 0)
			abort();
	} else {
		m2.hdr = m->hdr;
		m2.hdr.next_payload = first1;
		if (ikev1_msg_parse_body(&m2, out1, n1) != 0)
			abort();
	}
	if (m2.n_payloads != m->n_payloads || m2.sa.n_attrs != m->sa.n_attrs ||
	    m2.body_len != (hdr ? n1 - IKE_HDR_LEN : n1))
		abort();
	n2 = rebuild(&m2, hdr, out2, &first2);
	if (n2 != n1 || first2 != first1 || memcmp(out1, out2, n1) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t seq;
	unsigned int i;

	if (ikev1_msg_parse(data, size, &m1) == 0 && !m1.encrypted)
		check(&m1, true);
	if (size < 1)
		return 0;
	memset(&m1.hdr, 0, sizeof(m1.hdr));
	m1.hdr.ispi = 1;
	m1.hdr.major = IKEV1_MAJOR;
	m1.hdr.exchange = IKEV1_EXCH_QUICK;
	m1.hdr.flags = IKEV1_FLAG_ENCRYPTION;
	m1.hdr.msgid = 1;
	m1.hdr.next_payload = data[0];
	if (ikev1_msg_parse_body(&m1, data + 1, size - 1) == 0) {
		for (i = 0; i < m1.n_notifies; i++)
			(void)ikev1_msg_dpd_parse(&m1.notifies[i], &seq);
		check(&m1, false);
	}
	return 0;
}
