/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ikev2_test.c: test hooks into the IKEv2 engine (unit tests only, never the appliance). */
#include <errno.h>
#include <stdlib.h>

#include "slowpath/ike/ike_payload.h"
#include "slowpath/ike/ike_sa.h"
#include "slowpath/ike/ikev2_crypt.h"
#include "slowpath/ike/ikev2_int.h"
#include "slowpath/ike/ikev2_msg.h"
#include "slowpath/ike/ikev2_test.h"

static struct v2_sa *
sa_of(struct ikev2 *e, uint64_t ispi, uint64_t rspi)
{
	struct v2_sa *s = (struct v2_sa *)ike_sa_lookup(&e->t, 2, ispi, rspi);

	return s != NULL && s->have_keys ? s : NULL;
}

int
ikev2_test_skf(struct ikev2 *e, uint64_t ispi, uint64_t rspi, uint8_t exch, bool response,
    uint32_t msgid, uint8_t next, uint16_t num, uint16_t total, const uint8_t *pt, size_t len,
    uint8_t *out, size_t cap)
{
	struct v2_sa *s = sa_of(e, ispi, rspi);
	struct ike_buf b;

	if (s == NULL)
		return -ENOENT;
	ike_payload_buf_init(&b, out, cap);
	ikev2_msg_build_hdr(&b, ispi, rspi, exch,
	    (uint8_t)((s->sa.initiator ? IKEV2_FLAG_I : 0) | (response ? IKEV2_FLAG_R : 0)), msgid);
	return ikev2_crypt_protect_skf(&s->kout, &b, next, num, total, pt, len);
}

int
ikev2_test_seal(struct ikev2 *e, uint64_t ispi, uint64_t rspi, uint8_t exch, uint8_t flags,
    uint32_t msgid, uint8_t next, const uint8_t *pt, size_t len, uint8_t *out, size_t cap)
{
	struct v2_sa *s = sa_of(e, ispi, rspi);
	struct ike_buf b;

	if (s == NULL)
		return -ENOENT;
	ike_payload_buf_init(&b, out, cap);
	ikev2_msg_build_hdr(&b, ispi, rspi, exch, flags, msgid);
	return ikev2_crypt_protect(&s->kout, &b, next, pt, len);
}

int
ikev2_test_open(struct ikev2 *e, uint64_t ispi, uint64_t rspi, const uint8_t *msg, size_t len,
    uint8_t *out, size_t cap, uint8_t *first)
{
	struct v2_sa *s = sa_of(e, ispi, rspi);
	struct ikev2_msg *m;
	int n;

	if (s == NULL)
		return -ENOENT;
	m = malloc(sizeof(*m)); /* 6 KB and more: not on the stack */
	if (m == NULL)
		return -ENOMEM;
	n = ikev2_msg_parse(msg, len, m);
	if (n == 0 && !m->has_sk)
		n = -EINVAL;
	if (n == 0) {
		*first = m->sk.inner;
		n = ikev2_crypt_unprotect(&s->kin, m, out, cap);
	}
	free(m);
	return n;
}

int
ikev2_test_msgids(struct ikev2 *e, uint64_t ispi, uint64_t rspi, uint32_t *next,
    uint32_t *peer_next)
{
	struct v2_sa *s = sa_of(e, ispi, rspi);

	if (s == NULL)
		return -ENOENT;
	*next = s->msgid_next;
	*peer_next = s->peer_msgid;
	return 0;
}
