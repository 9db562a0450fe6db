/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/slowpath/ike/test_ikev2_prop.c: IKEv2 proposals and traffic selectors (ikev2_prop), selector arithmetic (ike_ts), identities (ike_id). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "config/config.h"
#include "slowpath/ike/ike_id.h"
#include "slowpath/ike/ike_ts.h"
#include "slowpath/ike/ikev2_prop.h"

#define DIM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- helpers ---- */

static struct config_ike_proposal
ikep(uint16_t encr, uint16_t bits, uint16_t integ, uint16_t prf, uint16_t dh)
{
	struct config_ike_proposal p = { .encr = encr,
		.encr_bits = bits,
		.integ = integ,
		.prf = prf,
		.dh = dh };

	return p;
}

static void
conn_init(struct config_connection *c, const struct config_ike_proposal *p, unsigned int n)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->proposals, p, n * sizeof(*p));
	c->n_proposals = n;
}

static void
child_add_esp(struct config_child *ch, const char *kw, uint16_t dh, bool esn, bool noesn)
{
	struct config_esp_proposal *ep = &ch->esp_proposals[ch->n_esp_proposals++];
	char err[128];

	memset(ep, 0, sizeof(*ep));
	CU_ASSERT_EQUAL_FATAL(alg_proposal_parse(kw, ALG_PROTO_ESP, &ep->alg, err, sizeof(err)), 0);
	ep->dh = dh;
	ep->esn = esn;
	ep->noesn = noesn;
}

/* A peer proposal: (type, id, key_bits) triples. */
static void
prop(struct ikev2_proposal *p, uint8_t num, uint8_t proto, uint8_t spi_len, const uint16_t (*t)[3],
    unsigned int n)
{
	unsigned int i;

	memset(p, 0, sizeof(*p));
	p->num = num;
	p->proto = proto;
	p->spi_len = spi_len;
	memset(p->spi, 0xab, spi_len);
	for (i = 0; i < n; i++)
		p->t[i] = (struct ikev2_transform){ (uint8_t)t[i][0], t[i][1], t[i][2] };
	p->n_transforms = n;
}

static bool
has(const struct ikev2_proposal *p, uint8_t type, uint16_t id, uint16_t bits)
{
	unsigned int i;

	for (i = 0; i < p->n_transforms; i++) {
		if (p->t[i].type == type && p->t[i].id == id && p->t[i].key_bits == bits)
			return true;
	}
	return false;
}

static unsigned int
count_type(const struct ikev2_proposal *p, uint8_t type)
{
	unsigned int i, n = 0;

	for (i = 0; i < p->n_transforms; i++)
		n += p->t[i].type == type;
	return n;
}

/* aes128-sha256-modp2048 and aes256gcm16-prfsha384-ecp384 */
#define P_CBC ikep(12, 128, 12, 5, 14)
#define P_GCM ikep(20, 256, 0, 6, 20)

static const uint16_t t_cbc[][3] = { { 1, 12, 128 }, { 2, 5, 0 }, { 3, 12, 0 }, { 4, 14, 0 } };
static const uint16_t t_gcm[][3] = { { 1, 20, 256 }, { 2, 6, 0 }, { 4, 20, 0 } };

/* ---- proposals ---- */

static void
test_ikev2_prop_ike_offer(void)
{
	struct config_ike_proposal ps[2] = { P_CBC, P_GCM };
	struct config_connection c;
	struct ikev2_sa_payload sa;
	uint8_t spi[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	char name[64];

	conn_init(&c, ps, 2);
	CU_ASSERT_EQUAL(ikev2_prop_ike_offer(&c, NULL, 0, &sa), 2);
	CU_ASSERT_EQUAL(sa.p[0].num, 1);
	CU_ASSERT_EQUAL(sa.p[1].num, 2);
	CU_ASSERT_EQUAL(sa.p[0].proto, IKEV2_PROTO_IKE);
	CU_ASSERT_EQUAL(sa.p[0].spi_len, 0);
	CU_ASSERT_EQUAL(sa.p[0].n_transforms, 4);
	CU_ASSERT(has(&sa.p[0], 1, 12, 128) && has(&sa.p[0], 2, 5, 0) && has(&sa.p[0], 3, 12, 0) &&
	    has(&sa.p[0], 4, 14, 0));
	/* GCM: no INTEG transform at all. */
	CU_ASSERT_EQUAL(sa.p[1].n_transforms, 3);
	CU_ASSERT_EQUAL(count_type(&sa.p[1], IKEV2_TRANS_INTEG), 0);
	CU_ASSERT(has(&sa.p[1], 1, 20, 256));
	ikev2_prop_name(&sa.p[0], name, sizeof(name));
	CU_ASSERT_STRING_EQUAL(name, "aes128-prfsha256-sha256-modp2048");
	ikev2_prop_name(&sa.p[1], name, sizeof(name));
	CU_ASSERT_STRING_EQUAL(name, "aes256gcm16-prfsha384-ecp384");
	/* Rekey: our 8-byte SPI in every proposal. */
	CU_ASSERT_EQUAL(ikev2_prop_ike_offer(&c, spi, 8, &sa), 2);
	CU_ASSERT_EQUAL(sa.p[1].spi_len, 8);
	CU_ASSERT_EQUAL(memcmp(sa.p[1].spi, spi, 8), 0);
	CU_ASSERT_EQUAL(ikev2_prop_ike_offer(&c, spi, 4, &sa), -EINVAL);
	CU_ASSERT_EQUAL(ikev2_prop_ike_offer(&c, NULL, 8, &sa), -EINVAL);
}

static void
test_ikev2_prop_ike_select_order(void)
{
	struct config_ike_proposal ps[2] = { P_CBC, P_GCM };
	struct config_connection c;
	struct ikev2_sa_payload in = { 0 };
	struct ikev2_proposal reply;
	struct ikev2_prop_ike out;
	const char *why;
	uint16_t want;

	conn_init(&c, ps, 2);
	/* The peer prefers GCM (its proposal 1), then CBC (its 2). */
	prop(&in.p[0], 1, IKEV2_PROTO_IKE, 0, t_gcm, DIM(t_gcm));
	prop(&in.p[1], 2, IKEV2_PROTO_IKE, 0, t_cbc, DIM(t_cbc));
	in.n = 2;
	/* Ours first: CBC, under the peer's number 2. */
	CU_ASSERT_EQUAL(ikev2_prop_ike_select(&in, &c, true, 0, 14, &out, &reply, &want, &why),
	    IKEV2_N_NONE);
	CU_ASSERT_EQUAL(reply.num, 2);
	CU_ASSERT_EQUAL(out.index, 0);
	CU_ASSERT_EQUAL(out.encr, 12);
	CU_ASSERT_EQUAL(out.encr_bits, 128);
	CU_ASSERT_EQUAL(out.integ, 12);
	CU_ASSERT_EQUAL(out.prf, 5);
	CU_ASSERT_EQUAL(out.dh, 14);
	CU_ASSERT_EQUAL(reply.n_transforms, 4);
	/* Theirs first: GCM under number 1, and no INTEG in the answer. */
	CU_ASSERT_EQUAL(ikev2_prop_ike_select(&in, &c, false, 0, 20, &out, &reply, &want, &why),
	    IKEV2_N_NONE);
	CU_ASSERT_EQUAL(reply.num, 1);
	CU_ASSERT_EQUAL(out.index, 1);
	CU_ASSERT_EQUAL(out.integ, 0);
	CU_ASSERT_EQUAL(count_type(&reply, IKEV2_TRANS_INTEG), 0);
	CU_ASSERT_EQUAL(reply.n_transforms, 3);
}

static void
test_ikev2_prop_ike_select_many_transforms(void)
{
	/* One proposal with several of each type, strongSwan style. */
	static const uint16_t t[][3] = { { 1, 12, 256 }, { 1, 12, 128 }, { 1, 12, 192 },
		{ 3, 14, 0 }, { 3, 12, 0 }, { 2, 7, 0 }, { 2, 5, 0 }, { 4, 31, 0 }, { 4, 19, 0 },
		{ 4, 14, 0 } };
	struct config_ike_proposal ps[1] = { P_CBC };
	struct config_connection c;
	struct ikev2_sa_payload in = { 0 };
	struct ikev2_proposal reply;
	struct ikev2_prop_ike out;
	const char *why;
	uint16_t want;
	unsigned int type;

	conn_init(&c, ps, 1);
	prop(&in.p[0], 1, IKEV2_PROTO_IKE, 0, t, DIM(t));
	in.n = 1;
	CU_ASSERT_EQUAL(ikev2_prop_ike_select(&in, &c, true, 0, 14, &out, &reply, &want, &why),
	    IKEV2_N_NONE);
	for (type = 1; type <= 4; type++)
		CU_ASSERT_EQUAL(count_type(&reply, (uint8_t)type), 1);
	CU_ASSERT(has(&reply, 1, 12, 128));
	CU_ASSERT(has(&reply, 3, 12, 0));
	CU_ASSERT(has(&reply, 2, 5, 0));
	CU_ASSERT(has(&reply, 4, 14, 0));
	/* The KE was curve25519, which we do not have: ask for modp2048. */
	CU_ASSERT_EQUAL(ikev2_prop_ike_select(&in, &c, true, 0, 31, &out, &reply, &want, &why),
	    IKEV2_N_INVALID_KE_PAYLOAD);
	CU_ASSERT_EQUAL(want, 14);
}

static void
test_ikev2_prop_ike_select_ke(void)
{
	struct config_ike_proposal ps[2] = { P_CBC, P_GCM };
	struct config_connection c;
	struct ikev2_sa_payload in = { 0 };
	struct ikev2_proposal reply;
	struct ikev2_prop_ike out;
	const char *why;
	uint16_t want = 0;

	conn_init(&c, ps, 2);
	prop(&in.p[0], 1, IKEV2_PROTO_IKE, 0, t_cbc, DIM(t_cbc));
	prop(&in.p[1], 2, IKEV2_PROTO_IKE, 0, t_gcm, DIM(t_gcm));
	in.n = 2;
	/* KE ecp384: the GCM proposal uses it, no round trip even though CBC comes first. */
	CU_ASSERT_EQUAL(ikev2_prop_ike_select(&in, &c, true, 0, 20, &out, &reply, &want, &why),
	    IKEV2_N_NONE);
	CU_ASSERT_EQUAL(out.dh, 20);
	CU_ASSERT_EQUAL(reply.num, 2);
	CU_ASSERT_EQUAL(want, 0);
	/* KE ecp256 fits nothing: INVALID_KE_PAYLOAD with our first choice's group. */
	CU_ASSERT_EQUAL(ikev2_prop_ike_select(&in, &c, true, 0, 19, &out, &reply, &want, &why),
	    IKEV2_N_INVALID_KE_PAYLOAD);
	CU_ASSERT_EQUAL(want, 14);
	CU_ASSERT_EQUAL(ikev2_prop_ike_select(&in, &c, false, 0, 19, &out, &reply, &want, &why),
	    IKEV2_N_INVALID_KE_PAYLOAD);
	CU_ASSERT_EQUAL(want, 14);
	/* Only GCM offered by the peer, KE modp2048: ask for ecp384. */
	in.p[0] = in.p[1];
	in.p[0].num = 1;
	in.n = 1;
	CU_ASSERT_EQUAL(ikev2_prop_ike_select(&in, &c, true, 0, 14, &out, &reply, &want, &why),
	    IKEV2_N_INVALID_KE_PAYLOAD);
	CU_ASSERT_EQUAL(want, 20);
}

static void
test_ikev2_prop_ike_select_unusable(void)
{
	static const uint16_t t_unknown_type[][3] = { { 1, 12, 128 }, { 2, 5, 0 }, { 3, 12, 0 },
		{ 4, 14, 0 }, { 6, 1, 0 } };
	static const uint16_t t_gcm_integ[][3] = { { 1, 20, 256 }, { 2, 6, 0 }, { 3, 12, 0 },
		{ 4, 20, 0 } };
	static const uint16_t t_no_dh[][3] = { { 1, 12, 128 }, { 2, 5, 0 }, { 3, 12, 0 } };
	static const uint16_t t_bits[][3] = { { 1, 12, 192 }, { 2, 5, 0 }, { 3, 12, 0 },
		{ 4, 14, 0 } };
	struct config_ike_proposal ps[2] = { P_CBC, P_GCM };
	struct config_connection c;
	struct ikev2_sa_payload in = { 0 };
	struct ikev2_proposal reply;
	struct ikev2_prop_ike out;
	const char *why;
	uint16_t want;

	conn_init(&c, ps, 2);
	in.n = 1;
	/* A transform type we do not know makes the proposal unusable (§3.3.6). */
	prop(&in.p[0], 1, IKEV2_PROTO_IKE, 0, t_unknown_type, DIM(t_unknown_type));
	CU_ASSERT_EQUAL(ikev2_prop_ike_select(&in, &c, true, 0, 14, &out, &reply, &want, &why),
	    IKEV2_N_NO_PROPOSAL_CHOSEN);
	/* ... but the next proposal is still taken. */
	prop(&in.p[1], 2, IKEV2_PROTO_IKE, 0, t_cbc, DIM(t_cbc));
	in.n = 2;
	CU_ASSERT_EQUAL(ikev2_prop_ike_select(&in, &c, true, 0, 14, &out, &reply, &want, &why),
	    IKEV2_N_NONE);
	CU_ASSERT_EQUAL(reply.num, 2);
	/* An unknown attribute: unusable too. */
	prop(&in.p[0], 1, IKEV2_PROTO_IKE, 0, t_cbc, DIM(t_cbc));
	in.p[0].unknown_attr = true;
	in.n = 1;
	CU_ASSERT_EQUAL(ikev2_prop_ike_select(&in, &c, true, 0, 14, &out, &reply, &want, &why),
	    IKEV2_N_NO_PROPOSAL_CHOSEN);
	/* GCM with an INTEG transform is not our GCM proposal. */
	prop(&in.p[0], 1, IKEV2_PROTO_IKE, 0, t_gcm_integ, DIM(t_gcm_integ));
	CU_ASSERT_EQUAL(ikev2_prop_ike_select(&in, &c, true, 0, 20, &out, &reply, &want, &why),
	    IKEV2_N_NO_PROPOSAL_CHOSEN);
	/* A missing DH type, another key length. */
	prop(&in.p[0], 1, IKEV2_PROTO_IKE, 0, t_no_dh, DIM(t_no_dh));
	CU_ASSERT_EQUAL(ikev2_prop_ike_select(&in, &c, true, 0, 14, &out, &reply, &want, &why),
	    IKEV2_N_NO_PROPOSAL_CHOSEN);
	prop(&in.p[0], 1, IKEV2_PROTO_IKE, 0, t_bits, DIM(t_bits));
	CU_ASSERT_EQUAL(ikev2_prop_ike_select(&in, &c, true, 0, 14, &out, &reply, &want, &why),
	    IKEV2_N_NO_PROPOSAL_CHOSEN);
	/* A SPI in IKE_SA_INIT, or ESP instead of IKE. */
	prop(&in.p[0], 1, IKEV2_PROTO_IKE, 8, t_cbc, DIM(t_cbc));
	CU_ASSERT_EQUAL(ikev2_prop_ike_select(&in, &c, true, 0, 14, &out, &reply, &want, &why),
	    IKEV2_N_NO_PROPOSAL_CHOSEN);
	CU_ASSERT_EQUAL(ikev2_prop_ike_select(&in, &c, true, 8, 14, &out, &reply, &want, &why),
	    IKEV2_N_NONE);
	CU_ASSERT_EQUAL(reply.spi_len, 8);
	prop(&in.p[0], 1, IKEV2_PROTO_ESP, 0, t_cbc, DIM(t_cbc));
	CU_ASSERT_EQUAL(ikev2_prop_ike_select(&in, &c, true, 0, 14, &out, &reply, &want, &why),
	    IKEV2_N_NO_PROPOSAL_CHOSEN);
	in.n = 0;
	CU_ASSERT_EQUAL(ikev2_prop_ike_select(&in, &c, true, 0, 14, &out, &reply, &want, &why),
	    IKEV2_N_NO_PROPOSAL_CHOSEN);
}

static void
test_ikev2_prop_ike_check(void)
{
	struct config_ike_proposal ps[2] = { P_CBC, P_GCM };
	static const uint16_t t_extra[][3] = { { 1, 20, 256 }, { 2, 6, 0 }, { 3, 12, 0 },
		{ 4, 20, 0 } };
	static const uint16_t t_dup[][3] = { { 1, 20, 256 }, { 1, 20, 256 }, { 2, 6, 0 },
		{ 4, 20, 0 } };
	static const uint16_t t_short[][3] = { { 1, 20, 256 }, { 2, 6, 0 } };
	struct config_connection c;
	struct ikev2_sa_payload in = { 0 };
	struct ikev2_prop_ike out;
	const char *why;

	conn_init(&c, ps, 2);
	in.n = 1;
	prop(&in.p[0], 2, IKEV2_PROTO_IKE, 0, t_gcm, DIM(t_gcm));
	CU_ASSERT_EQUAL(ikev2_prop_ike_check(&in, &c, 0, &out, &why), IKEV2_N_NONE);
	CU_ASSERT_EQUAL(out.index, 1);
	CU_ASSERT_EQUAL(out.encr, 20);
	CU_ASSERT_EQUAL(out.encr_bits, 256);
	CU_ASSERT_EQUAL(out.dh, 20);
	/* Our GCM proposal is number 2, not 1. */
	in.p[0].num = 1;
	CU_ASSERT_EQUAL(ikev2_prop_ike_check(&in, &c, 0, &out, &why), IKEV2_N_NO_PROPOSAL_CHOSEN);
	in.p[0].num = 7;
	CU_ASSERT_EQUAL(ikev2_prop_ike_check(&in, &c, 0, &out, &why), IKEV2_N_NO_PROPOSAL_CHOSEN);
	prop(&in.p[0], 2, IKEV2_PROTO_IKE, 0, t_extra, DIM(t_extra));
	CU_ASSERT_EQUAL(ikev2_prop_ike_check(&in, &c, 0, &out, &why), IKEV2_N_NO_PROPOSAL_CHOSEN);
	prop(&in.p[0], 2, IKEV2_PROTO_IKE, 0, t_dup, DIM(t_dup));
	CU_ASSERT_EQUAL(ikev2_prop_ike_check(&in, &c, 0, &out, &why), IKEV2_N_INVALID_SYNTAX);
	prop(&in.p[0], 2, IKEV2_PROTO_IKE, 0, t_short, DIM(t_short));
	CU_ASSERT_EQUAL(ikev2_prop_ike_check(&in, &c, 0, &out, &why), IKEV2_N_NO_PROPOSAL_CHOSEN);
	/* Two proposals in an answer. */
	prop(&in.p[0], 1, IKEV2_PROTO_IKE, 0, t_cbc, DIM(t_cbc));
	prop(&in.p[1], 2, IKEV2_PROTO_IKE, 0, t_gcm, DIM(t_gcm));
	in.n = 2;
	CU_ASSERT_EQUAL(ikev2_prop_ike_check(&in, &c, 0, &out, &why), IKEV2_N_INVALID_SYNTAX);
	in.n = 0;
	CU_ASSERT_EQUAL(ikev2_prop_ike_check(&in, &c, 0, &out, &why), IKEV2_N_INVALID_SYNTAX);
}

static void
test_ikev2_prop_esp(void)
{
	static const uint16_t t_gcm_esn[][3] = { { 1, 20, 128 }, { 5, 1, 0 }, { 5, 0, 0 } };
	static const uint16_t t_gcm_esn_only[][3] = { { 1, 20, 128 }, { 5, 1, 0 } };
	static const uint16_t t_cbc_dh[][3] = { { 1, 12, 128 }, { 3, 12, 0 }, { 4, 19, 0 },
		{ 5, 0, 0 } };
	static const uint16_t t_cbc_noesn_type[][3] = { { 1, 12, 128 }, { 3, 12, 0 } };
	struct config_child ch;
	struct ikev2_sa_payload sa, in = { 0 };
	struct ikev2_proposal reply;
	struct ikev2_prop_esp out;
	uint8_t spi[4] = { 0xc1, 0xc2, 0xc3, 0xc4 };
	const char *why;
	uint16_t want;

	memset(&ch, 0, sizeof(ch));
	child_add_esp(&ch, "aes128gcm16", 0, true, false);     /* esn only */
	child_add_esp(&ch, "aes128-sha256", 19, false, false); /* noesn, PFS ecp256 */
	CU_ASSERT_EQUAL(ikev2_prop_esp_offer(&ch, spi, false, &sa), 2);
	CU_ASSERT_EQUAL(sa.p[0].proto, IKEV2_PROTO_ESP);
	CU_ASSERT_EQUAL(sa.p[0].spi_len, 4);
	CU_ASSERT_EQUAL(memcmp(sa.p[0].spi, spi, 4), 0);
	CU_ASSERT(has(&sa.p[0], 1, 20, 128) && has(&sa.p[0], 5, 1, 0) && !has(&sa.p[0], 5, 0, 0));
	CU_ASSERT_EQUAL(count_type(&sa.p[0], IKEV2_TRANS_INTEG), 0);
	CU_ASSERT(has(&sa.p[1], 3, 12, 0) && has(&sa.p[1], 5, 0, 0));
	CU_ASSERT_EQUAL(count_type(&sa.p[1], IKEV2_TRANS_DH), 0); /* IKE_AUTH: no DH */
	CU_ASSERT_EQUAL(ikev2_prop_esp_offer(&ch, spi, true, &sa), 2);
	CU_ASSERT(has(&sa.p[1], 4, 19, 0));

	/* Responder in IKE_AUTH: the peer's DH transform is ignored. */
	in.n = 2;
	prop(&in.p[0], 1, IKEV2_PROTO_ESP, 4, t_cbc_dh, DIM(t_cbc_dh));
	prop(&in.p[1], 2, IKEV2_PROTO_ESP, 4, t_gcm_esn, DIM(t_gcm_esn));
	CU_ASSERT_EQUAL(ikev2_prop_esp_select(&in, &ch, true, false, 0, &out, &reply, &want, &why),
	    IKEV2_N_NONE);
	CU_ASSERT_EQUAL(reply.num, 2); /* ours first: the GCM proposal with ESN */
	CU_ASSERT_EQUAL(out.index, 0);
	CU_ASSERT(out.esn);
	CU_ASSERT_EQUAL(count_type(&reply, IKEV2_TRANS_ESN), 1);
	CU_ASSERT(has(&reply, 5, 1, 0));
	CU_ASSERT_EQUAL(memcmp(out.spi, in.p[1].spi, 4), 0);
	CU_ASSERT(out.alg.aead);
	CU_ASSERT_EQUAL(ikev2_prop_esp_select(&in, &ch, false, false, 0, &out, &reply, &want, &why),
	    IKEV2_N_NONE);
	CU_ASSERT_EQUAL(reply.num, 1);
	CU_ASSERT_EQUAL(out.index, 1);
	CU_ASSERT_FALSE(out.esn);
	CU_ASSERT_EQUAL(out.dh, 0);
	CU_ASSERT_EQUAL(count_type(&reply, IKEV2_TRANS_DH), 0);

	/* CREATE_CHILD_SA with PFS: the KE's group must match, else INVALID_KE. */
	in.n = 1;
	CU_ASSERT_EQUAL(ikev2_prop_esp_select(&in, &ch, true, true, 19, &out, &reply, &want, &why),
	    IKEV2_N_NONE);
	CU_ASSERT_EQUAL(out.dh, 19);
	CU_ASSERT_EQUAL(ikev2_prop_esp_select(&in, &ch, true, true, 14, &out, &reply, &want, &why),
	    IKEV2_N_INVALID_KE_PAYLOAD);
	CU_ASSERT_EQUAL(want, 19);
	CU_ASSERT_EQUAL(ikev2_prop_esp_select(&in, &ch, true, true, 0, &out, &reply, &want, &why),
	    IKEV2_N_INVALID_KE_PAYLOAD);

	/* ESN: the peer wants ESN only, our CBC proposal does not do it. */
	memset(&ch, 0, sizeof(ch));
	child_add_esp(&ch, "aes128gcm16", 0, false, false);
	prop(&in.p[0], 1, IKEV2_PROTO_ESP, 4, t_gcm_esn_only, DIM(t_gcm_esn_only));
	CU_ASSERT_EQUAL(ikev2_prop_esp_select(&in, &ch, true, false, 0, &out, &reply, &want, &why),
	    IKEV2_N_NO_PROPOSAL_CHOSEN);
	prop(&in.p[0], 1, IKEV2_PROTO_ESP, 4, t_gcm_esn, DIM(t_gcm_esn));
	CU_ASSERT_EQUAL(ikev2_prop_esp_select(&in, &ch, true, false, 0, &out, &reply, &want, &why),
	    IKEV2_N_NONE);
	CU_ASSERT(has(&reply, 5, 0, 0) && !has(&reply, 5, 1, 0));
	/* A peer proposal without ESN is "no ESN". */
	memset(&ch, 0, sizeof(ch));
	child_add_esp(&ch, "aes128-sha256", 0, false, false);
	prop(&in.p[0], 1, IKEV2_PROTO_ESP, 4, t_cbc_noesn_type, DIM(t_cbc_noesn_type));
	CU_ASSERT_EQUAL(ikev2_prop_esp_select(&in, &ch, true, false, 0, &out, &reply, &want, &why),
	    IKEV2_N_NONE);
	CU_ASSERT_FALSE(out.esn);
	/* Wrong SPI size. */
	in.p[0].spi_len = 8;
	CU_ASSERT_EQUAL(ikev2_prop_esp_select(&in, &ch, true, false, 0, &out, &reply, &want, &why),
	    IKEV2_N_NO_PROPOSAL_CHOSEN);
}

static void
test_ikev2_prop_esp_check(void)
{
	static const uint16_t t_ok[][3] = { { 1, 12, 128 }, { 3, 12, 0 }, { 5, 0, 0 } };
	static const uint16_t t_dh[][3] = { { 1, 12, 128 }, { 3, 12, 0 }, { 4, 19, 0 },
		{ 5, 0, 0 } };
	static const uint16_t t_esn[][3] = { { 1, 12, 128 }, { 3, 12, 0 }, { 5, 1, 0 } };
	static const uint16_t t_no_integ[][3] = { { 1, 12, 128 }, { 5, 0, 0 } };
	struct config_child ch;
	struct ikev2_sa_payload in = { 0 };
	struct ikev2_prop_esp out;
	const char *why;

	memset(&ch, 0, sizeof(ch));
	child_add_esp(&ch, "aes128-sha256", 19, false, false);
	in.n = 1;
	prop(&in.p[0], 1, IKEV2_PROTO_ESP, 4, t_ok, DIM(t_ok));
	CU_ASSERT_EQUAL(ikev2_prop_esp_check(&in, &ch, false, &out, &why), IKEV2_N_NONE);
	CU_ASSERT_EQUAL(out.index, 0);
	CU_ASSERT_EQUAL(memcmp(out.spi, in.p[0].spi, 4), 0);
	/* With PFS the group must be there. */
	CU_ASSERT_EQUAL(ikev2_prop_esp_check(&in, &ch, true, &out, &why),
	    IKEV2_N_NO_PROPOSAL_CHOSEN);
	prop(&in.p[0], 1, IKEV2_PROTO_ESP, 4, t_dh, DIM(t_dh));
	CU_ASSERT_EQUAL(ikev2_prop_esp_check(&in, &ch, true, &out, &why), IKEV2_N_NONE);
	CU_ASSERT_EQUAL(out.dh, 19);
	prop(&in.p[0], 1, IKEV2_PROTO_ESP, 4, t_esn, DIM(t_esn));
	CU_ASSERT_EQUAL(ikev2_prop_esp_check(&in, &ch, false, &out, &why),
	    IKEV2_N_NO_PROPOSAL_CHOSEN);
	prop(&in.p[0], 1, IKEV2_PROTO_ESP, 4, t_no_integ, DIM(t_no_integ));
	CU_ASSERT_EQUAL(ikev2_prop_esp_check(&in, &ch, false, &out, &why),
	    IKEV2_N_NO_PROPOSAL_CHOSEN);
	prop(&in.p[0], 1, IKEV2_PROTO_ESP, 0, t_ok, DIM(t_ok));
	CU_ASSERT_EQUAL(ikev2_prop_esp_check(&in, &ch, false, &out, &why), IKEV2_N_INVALID_SYNTAX);
}

/* ---- traffic selectors ---- */

static struct config_ts
cts4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint8_t len, int proto, uint16_t p0, uint16_t p1)
{
	struct config_ts t = { .protocol = proto, .ports = { p0, p1 } };

	t.net.a.family = 4;
	t.net.a.addr[0] = a;
	t.net.a.addr[1] = b;
	t.net.a.addr[2] = c;
	t.net.a.addr[3] = d;
	t.net.len = len;
	return t;
}

static struct ikev2_ts
ts4(const char *first, const char *last, uint8_t proto, uint16_t p0, uint16_t p1)
{
	struct ikev2_ts t = { .type = IKEV2_TS_IPV4_ADDR_RANGE,
		.proto = proto,
		.start_port = p0,
		.end_port = p1 };
	unsigned int a, b, c, d;

	CU_ASSERT_FATAL(sscanf(first, "%u.%u.%u.%u", &a, &b, &c, &d) == 4);
	t.start[0] = (uint8_t)a, t.start[1] = (uint8_t)b, t.start[2] = (uint8_t)c,
	t.start[3] = (uint8_t)d;
	CU_ASSERT_FATAL(sscanf(last, "%u.%u.%u.%u", &a, &b, &c, &d) == 4);
	t.end[0] = (uint8_t)a, t.end[1] = (uint8_t)b, t.end[2] = (uint8_t)c, t.end[3] = (uint8_t)d;
	return t;
}

static bool
ts_eq(const struct ikev2_ts *a, const struct ikev2_ts *b)
{
	return a->type == b->type && a->proto == b->proto && a->start_port == b->start_port &&
	    a->end_port == b->end_port && memcmp(a->start, b->start, 16) == 0 &&
	    memcmp(a->end, b->end, 16) == 0;
}

static void
test_ikev2_prop_ts_offer(void)
{
	struct config_ts cfg[2] = { cts4(198, 51, 100, 0, 24, -1, 0, 65535), { .dynamic = true } };
	struct config_addr ike = { .family = 4, .addr = { 192, 0, 2, 2 } };
	struct ikev2_ts_payload out;
	struct ikev2_ts want, trig = ts4("198.51.100.7", "198.51.100.7", 17, 53, 53);

	cfg[1].protocol = -1;
	cfg[1].ports.last = 65535;
	CU_ASSERT_EQUAL(ikev2_prop_ts_offer(cfg, 2, &ike, NULL, &out), 2);
	want = ts4("198.51.100.0", "198.51.100.255", 0, 0, 65535);
	CU_ASSERT(ts_eq(&out.ts[0], &want));
	want = ts4("192.0.2.2", "192.0.2.2", 0, 0, 65535);
	CU_ASSERT(ts_eq(&out.ts[1], &want));
	/* The packet that triggered it goes first (RFC 7296 §2.9). */
	CU_ASSERT_EQUAL(ikev2_prop_ts_offer(cfg, 2, &ike, &trig, &out), 3);
	CU_ASSERT(ts_eq(&out.ts[0], &trig));
}

static void
test_ikev2_prop_ts_narrow(void)
{
	struct config_ts cfg[1] = { cts4(198, 51, 100, 0, 24, -1, 0, 65535) };
	struct config_ts udp[1] = { cts4(198, 51, 100, 0, 24, 17, 0, 65535) };
	struct config_addr ike = { .family = 4, .addr = { 192, 0, 2, 2 } };
	struct ikev2_ts_payload in = { 0 }, out;
	struct ikev2_ts want;
	struct config_ts inst[CONFIG_TS_MAX];

	/* Wider than ours: narrowed to ours. */
	in.n = 1;
	in.ts[0] = ts4("198.51.0.0", "198.51.255.255", 0, 0, 65535);
	CU_ASSERT_EQUAL(ikev2_prop_ts_narrow(&in, cfg, 1, &ike, &out), IKEV2_N_NONE);
	CU_ASSERT_EQUAL(out.n, 1);
	want = ts4("198.51.100.0", "198.51.100.255", 0, 0, 65535);
	CU_ASSERT(ts_eq(&out.ts[0], &want));
	/* Narrower protocol and port: kept as the peer asked. */
	in.ts[0] = ts4("198.51.100.0", "198.51.100.255", 6, 80, 80);
	CU_ASSERT_EQUAL(ikev2_prop_ts_narrow(&in, cfg, 1, &ike, &out), IKEV2_N_NONE);
	CU_ASSERT(ts_eq(&out.ts[0], &in.ts[0]));
	/* Protocols that differ, and disjoint addresses: TS_UNACCEPTABLE. */
	CU_ASSERT_EQUAL(ikev2_prop_ts_narrow(&in, udp, 1, &ike, &out), IKEV2_N_TS_UNACCEPTABLE);
	in.ts[0] = ts4("203.0.113.0", "203.0.113.255", 0, 0, 65535);
	CU_ASSERT_EQUAL(ikev2_prop_ts_narrow(&in, cfg, 1, &ike, &out), IKEV2_N_TS_UNACCEPTABLE);
	/* IPv4 against IPv6 config: nothing in common. */
	in.ts[0].type = IKEV2_TS_IPV6_ADDR_RANGE;
	CU_ASSERT_EQUAL(ikev2_prop_ts_narrow(&in, cfg, 1, &ike, &out), IKEV2_N_TS_UNACCEPTABLE);
	/* Start above end: skipped. */
	in.ts[0] = ts4("198.51.100.9", "198.51.100.1", 0, 0, 65535);
	CU_ASSERT_EQUAL(ikev2_prop_ts_narrow(&in, cfg, 1, &ike, &out), IKEV2_N_TS_UNACCEPTABLE);
	in.ts[0] = ts4("198.51.100.1", "198.51.100.9", 0, 500, 400);
	CU_ASSERT_EQUAL(ikev2_prop_ts_narrow(&in, cfg, 1, &ike, &out), IKEV2_N_TS_UNACCEPTABLE);
	/* A trigger packet first, then the subnet: one answer, the subnet. */
	in.n = 2;
	in.ts[0] = ts4("198.51.100.7", "198.51.100.7", 17, 53, 53);
	in.ts[1] = ts4("198.51.0.0", "198.51.255.255", 0, 0, 65535);
	CU_ASSERT_EQUAL(ikev2_prop_ts_narrow(&in, cfg, 1, &ike, &out), IKEV2_N_NONE);
	CU_ASSERT_EQUAL(out.n, 1);
	CU_ASSERT(ts_eq(&out.ts[0], &want));
	/* A range that is no prefix: kept, and installed as four prefixes. */
	in.n = 1;
	in.ts[0] = ts4("198.51.100.10", "198.51.100.20", 0, 0, 65535);
	CU_ASSERT_EQUAL(ikev2_prop_ts_narrow(&in, cfg, 1, &ike, &out), IKEV2_N_NONE);
	CU_ASSERT(ts_eq(&out.ts[0], &in.ts[0]));
	CU_ASSERT_EQUAL(ikev2_prop_ts_install(&out, inst, CONFIG_TS_MAX), 4);
	CU_ASSERT_EQUAL(inst[0].net.a.addr[3], 10);
	CU_ASSERT_EQUAL(inst[0].net.len, 31);
	CU_ASSERT_EQUAL(inst[1].net.a.addr[3], 12);
	CU_ASSERT_EQUAL(inst[1].net.len, 30);
	CU_ASSERT_EQUAL(inst[2].net.a.addr[3], 16);
	CU_ASSERT_EQUAL(inst[2].net.len, 30);
	CU_ASSERT_EQUAL(inst[3].net.a.addr[3], 20);
	CU_ASSERT_EQUAL(inst[3].net.len, 32);
	CU_ASSERT_EQUAL(inst[3].protocol, -1);
	CU_ASSERT_EQUAL(ikev2_prop_ts_install(&out, inst, 3), -E2BIG);
	/* Dynamic: the IKE address; the peer proposing 0.0.0.0/0 gets it. */
	cfg[0] = (struct config_ts){ .dynamic = true, .protocol = -1, .ports = { 0, 65535 } };
	in.ts[0] = ts4("0.0.0.0", "255.255.255.255", 0, 0, 65535);
	CU_ASSERT_EQUAL(ikev2_prop_ts_narrow(&in, cfg, 1, &ike, &out), IKEV2_N_NONE);
	want = ts4("192.0.2.2", "192.0.2.2", 0, 0, 65535);
	CU_ASSERT(ts_eq(&out.ts[0], &want));
	CU_ASSERT_EQUAL(ikev2_prop_ts_install(&out, inst, CONFIG_TS_MAX), 1);
	CU_ASSERT_EQUAL(inst[0].net.len, 32);
	CU_ASSERT_FALSE(inst[0].dynamic);
}

static void
test_ikev2_prop_ts_narrow_ipv6(void)
{
	struct config_ts cfg[2];
	struct config_addr ike = { .family = 6 };
	struct ikev2_ts_payload in = { 0 }, out;
	struct config_ts inst[CONFIG_TS_MAX];
	unsigned int i;

	/* 2001:db8:1::/48 tcp any port and 2001:db8:2::/64 */
	memset(cfg, 0, sizeof(cfg));
	for (i = 0; i < 2; i++) {
		cfg[i].net.a.family = 6;
		cfg[i].net.a.addr[0] = 0x20;
		cfg[i].net.a.addr[1] = 0x01;
		cfg[i].net.a.addr[2] = 0x0d;
		cfg[i].net.a.addr[3] = 0xb8;
		cfg[i].net.a.addr[5] = (uint8_t)(i + 1);
		cfg[i].ports.last = 65535;
	}
	cfg[0].net.len = 48;
	cfg[0].protocol = 6;
	cfg[1].net.len = 64;
	cfg[1].protocol = -1;
	/* The peer proposes 2001:db8::/32 any, ports 1000-2000. */
	in.n = 1;
	in.ts[0].type = IKEV2_TS_IPV6_ADDR_RANGE;
	in.ts[0].start_port = 1000;
	in.ts[0].end_port = 2000;
	memcpy(in.ts[0].start, cfg[0].net.a.addr, 4);
	memcpy(in.ts[0].end, cfg[0].net.a.addr, 4);
	memset(in.ts[0].end + 4, 0xff, 12);
	CU_ASSERT_EQUAL(ikev2_prop_ts_narrow(&in, cfg, 2, &ike, &out), IKEV2_N_NONE);
	CU_ASSERT_EQUAL_FATAL(out.n, 2);
	CU_ASSERT_EQUAL(out.ts[0].proto, 6);
	CU_ASSERT_EQUAL(out.ts[0].start_port, 1000);
	CU_ASSERT_EQUAL(out.ts[0].end_port, 2000);
	CU_ASSERT_EQUAL(out.ts[1].proto, 0);
	CU_ASSERT_EQUAL(ikev2_prop_ts_install(&out, inst, CONFIG_TS_MAX), 2);
	CU_ASSERT_EQUAL(inst[0].net.len, 48);
	CU_ASSERT_EQUAL(inst[0].protocol, 6);
	CU_ASSERT_EQUAL(inst[1].net.len, 64);
	CU_ASSERT_EQUAL(inst[1].ports.first, 1000);
	CU_ASSERT(ike_ts_contains(&cfg[1], &inst[1]));
	/* The initiator's check: both lie inside what was proposed. */
	CU_ASSERT_EQUAL(ikev2_prop_ts_check(&in, &out), IKEV2_N_NONE);
}

static void
test_ikev2_prop_ts_check(void)
{
	struct ikev2_ts_payload off = { 0 }, got = { 0 };

	off.n = 2;
	off.ts[0] = ts4("198.51.100.7", "198.51.100.7", 17, 53, 53);
	off.ts[1] = ts4("198.51.100.0", "198.51.100.255", 0, 0, 65535);
	got.n = 1;
	got.ts[0] = ts4("198.51.100.0", "198.51.100.127", 0, 0, 65535);
	CU_ASSERT_EQUAL(ikev2_prop_ts_check(&off, &got), IKEV2_N_NONE);
	got.ts[0] = ts4("198.51.100.7", "198.51.100.7", 6, 22, 22);
	CU_ASSERT_EQUAL(ikev2_prop_ts_check(&off, &got), IKEV2_N_NONE);
	/* Wider than offered, or elsewhere. */
	got.ts[0] = ts4("198.51.0.0", "198.51.255.255", 0, 0, 65535);
	CU_ASSERT_EQUAL(ikev2_prop_ts_check(&off, &got), IKEV2_N_TS_UNACCEPTABLE);
	got.ts[0] = ts4("198.51.100.7", "198.51.100.7", 17, 53, 54);
	off.n = 1;
	CU_ASSERT_EQUAL(ikev2_prop_ts_check(&off, &got), IKEV2_N_TS_UNACCEPTABLE);
	off.n = 2;
	got.n = 0;
	CU_ASSERT_EQUAL(ikev2_prop_ts_check(&off, &got), IKEV2_N_TS_UNACCEPTABLE);
	got.n = 2;
	got.ts[0] = ts4("198.51.100.7", "198.51.100.7", 17, 53, 53);
	got.ts[1] = ts4("203.0.113.1", "203.0.113.1", 0, 0, 65535);
	CU_ASSERT_EQUAL(ikev2_prop_ts_check(&off, &got), IKEV2_N_TS_UNACCEPTABLE);
}

/* ---- ike_ts ---- */

static void
test_ike_ts_range_split(void)
{
	struct config_prefix out[260];
	uint8_t a[16], b[16];
	unsigned int i;

	memset(a, 0, 16);
	memset(b, 0xff, 16);
	CU_ASSERT_EQUAL(ike_ts_range_split(4, a, b, out, 4), 1);
	CU_ASSERT_EQUAL(out[0].len, 0);
	CU_ASSERT_EQUAL(ike_ts_range_split(6, a, b, out, 4), 1);
	CU_ASSERT_EQUAL(out[0].len, 0);
	/* 0.0.0.1 .. 255.255.255.254: 31 + 31 prefixes. */
	a[3] = 1;
	b[3] = 0xfe;
	CU_ASSERT_EQUAL(ike_ts_range_split(4, a, b, out, DIM(out)), 62);
	CU_ASSERT_EQUAL(out[0].len, 32);
	CU_ASSERT_EQUAL(out[61].len, 32);
	CU_ASSERT_EQUAL(out[61].a.addr[3], 0xfe);
	CU_ASSERT_EQUAL(ike_ts_range_split(4, a, b, out, 61), -E2BIG);
	/* IPv6 ::1 .. ffff..fe: 127 + 127. */
	memset(a, 0, 16);
	memset(b, 0xff, 16);
	a[15] = 1;
	b[15] = 0xfe;
	CU_ASSERT_EQUAL(ike_ts_range_split(6, a, b, out, DIM(out)), 254);
	/* Consecutive and covering: each starts where the one before ended. */
	for (i = 1; i < 254; i++)
		CU_ASSERT(out[i].len >= 1);
	CU_ASSERT_EQUAL(ike_ts_range_split(6, b, a, out, DIM(out)), -EINVAL);
	/* A single address. */
	CU_ASSERT_EQUAL(ike_ts_range_split(6, a, a, out, 1), 1);
	CU_ASSERT_EQUAL(out[0].len, 128);
}

/* ---- ike_id ---- */

static void
test_ike_id_local(void)
{
	struct config_ike_auth a;
	struct config_addr ike = { .family = 6, .addr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 } };
	struct ike_id id;

	memset(&a, 0, sizeof(a));
	CU_ASSERT_EQUAL(ike_id_local(&a, &ike, NULL, &id), 0);
	CU_ASSERT_EQUAL(id.type, CONFIG_ID_IPV6);
	CU_ASSERT_EQUAL(id.len, 16);
	CU_ASSERT_EQUAL(memcmp(id.data, ike.addr, 16), 0);
	a.id_type = CONFIG_ID_FQDN;
	strcpy(a.id, "gw.example.org");
	CU_ASSERT_EQUAL(ike_id_local(&a, &ike, NULL, &id), 0);
	CU_ASSERT_EQUAL(id.type, 2);
	CU_ASSERT_EQUAL(id.len, 14);
	CU_ASSERT_EQUAL(memcmp(id.data, "gw.example.org", 14), 0);
	a.id_type = CONFIG_ID_RFC822;
	strcpy(a.id, "vpn@example.org");
	CU_ASSERT_EQUAL(ike_id_local(&a, &ike, NULL, &id), 0);
	CU_ASSERT_EQUAL(id.type, 3);
	a.id_type = CONFIG_ID_IPV4;
	strcpy(a.id, "192.0.2.9");
	memcpy(a.id_addr, (uint8_t[]){ 192, 0, 2, 9 }, 4);
	CU_ASSERT_EQUAL(ike_id_local(&a, &ike, NULL, &id), 0);
	CU_ASSERT_EQUAL(id.type, 1);
	CU_ASSERT_EQUAL(id.len, 4);
	CU_ASSERT_EQUAL(id.data[3], 9);
	a.id_type = CONFIG_ID_DN;
	strcpy(a.id, "C=CH, O=fastipsec test, CN=gw1.example.org");
	CU_ASSERT_EQUAL(ike_id_local(&a, &ike, NULL, &id), 0);
	CU_ASSERT_EQUAL(id.type, 9);
	CU_ASSERT(id.len > 20 && id.data[0] == 0x30);
	strcpy(a.id, "no dn here");
	CU_ASSERT(ike_id_local(&a, &ike, NULL, &id) < 0);
}

static void
test_ike_id_match(void)
{
	struct config_ike_auth r;
	struct ike_id id, dn2;
	char text[128];
	enum config_id_type t;
	uint8_t addr[16];

	memset(&r, 0, sizeof(r));
	CU_ASSERT_EQUAL(ike_id_parse(2, (const uint8_t *)"Peer.Example.org", 16, &id), 0);
	CU_ASSERT(ike_id_match(&r, &id)); /* no remote id: anyone */
	r.id_type = CONFIG_ID_ANY;
	strcpy(r.id, "%any");
	CU_ASSERT(ike_id_match(&r, &id));
	r.id_type = CONFIG_ID_FQDN;
	strcpy(r.id, "peer.example.org");
	CU_ASSERT(ike_id_match(&r, &id)); /* case-insensitive */
	strcpy(r.id, "peer.example.or");
	CU_ASSERT_FALSE(ike_id_match(&r, &id));
	r.id_type = CONFIG_ID_RFC822;
	strcpy(r.id, "peer.example.org");
	CU_ASSERT_FALSE(ike_id_match(&r, &id)); /* other type */
	/* Addresses. */
	r.id_type = CONFIG_ID_IPV4;
	memcpy(r.id_addr, (uint8_t[]){ 192, 0, 2, 1 }, 4);
	strcpy(r.id, "192.0.2.1");
	CU_ASSERT_EQUAL(ike_id_parse(1, (const uint8_t[]){ 192, 0, 2, 1 }, 4, &id), 0);
	CU_ASSERT(ike_id_match(&r, &id));
	CU_ASSERT_EQUAL(ike_id_text(&id, &t, text, sizeof(text), addr), 0);
	CU_ASSERT_STRING_EQUAL(text, "192.0.2.1");
	CU_ASSERT_EQUAL(t, CONFIG_ID_IPV4);
	CU_ASSERT_EQUAL(ike_id_parse(1, (const uint8_t[]){ 192, 0, 2, 2 }, 4, &id), 0);
	CU_ASSERT_FALSE(ike_id_match(&r, &id));
	/* DNs: equal after RFC 5280 §7.1 canonicalisation. */
	r.id_type = CONFIG_ID_DN;
	strcpy(r.id, "C=CH, O=fastipsec test, CN=gw2.example.org");
	memset(&dn2, 0, sizeof(dn2));
	dn2.type = 9;
	dn2.len = (size_t)ike_crypto_dn_parse("c=ch,o=FASTIPSEC  test,cn=GW2.example.org", dn2.data,
	    sizeof(dn2.data));
	CU_ASSERT_EQUAL(ike_id_parse(9, dn2.data, dn2.len, &id), 0);
	CU_ASSERT(ike_id_match(&r, &id));
	CU_ASSERT_EQUAL(ike_id_text(&id, &t, text, sizeof(text), addr), 0);
	CU_ASSERT_EQUAL(t, CONFIG_ID_DN);
	dn2.len = (size_t)ike_crypto_dn_parse("C=CH, O=fastipsec test, CN=gw3.example.org",
	    dn2.data, sizeof(dn2.data));
	CU_ASSERT_EQUAL(ike_id_parse(9, dn2.data, dn2.len, &id), 0);
	CU_ASSERT_FALSE(ike_id_match(&r, &id));
	/* Bad input. */
	CU_ASSERT_EQUAL(ike_id_parse(1, (const uint8_t *)"abc", 3, &id), -EINVAL);
	CU_ASSERT_EQUAL(ike_id_parse(5, (const uint8_t *)"abc", 3, &id), -EINVAL);
	CU_ASSERT_EQUAL(ike_id_parse(2, (const uint8_t *)"a\0b", 3, &id), -EINVAL);
	CU_ASSERT_EQUAL(ike_id_parse(2, (const uint8_t *)"", 0, &id), -EINVAL);
	CU_ASSERT_EQUAL(ike_id_parse(9, (const uint8_t *)"\x30\x05junk", 7, &id), -EINVAL);
	CU_ASSERT_EQUAL(ike_id_parse(11, (const uint8_t *)"keyid", 5, &id), -ENOTSUP);
}

static void
test_ike_id_psk_find(void)
{
	struct config_secret sec[3];
	struct config cfg;
	const uint8_t gw[4] = { 192, 0, 2, 2 }, peer[4] = { 192, 0, 2, 1 };

	memset(&cfg, 0, sizeof(cfg));
	memset(sec, 0, sizeof(sec));
	/* 0: any peer; 1: names the peer's FQDN; 2: names someone else. */
	sec[0].secret_len = 1;
	sec[1].n_ids = 1;
	sec[1].id_types[0] = CONFIG_ID_FQDN;
	strcpy(sec[1].ids[0], "peer.example.org");
	sec[1].secret_len = 2;
	sec[2].n_ids = 1;
	sec[2].id_types[0] = CONFIG_ID_IPV4;
	memcpy(sec[2].id_addrs[0], (uint8_t[]){ 203, 0, 113, 1 }, 4);
	sec[2].secret_len = 3;
	cfg.secrets = sec;
	cfg.n_secrets = 3;
	CU_ASSERT_PTR_EQUAL(ike_id_psk_find(&cfg, CONFIG_ID_IPV4, "192.0.2.2", gw, CONFIG_ID_FQDN,
	                        "PEER.example.org", NULL),
	    &sec[1]);
	CU_ASSERT_PTR_EQUAL(ike_id_psk_find(&cfg, CONFIG_ID_IPV4, "192.0.2.2", gw, CONFIG_ID_IPV4,
	                        "192.0.2.1", peer),
	    &sec[0]);
	cfg.n_secrets = 0;
	CU_ASSERT_PTR_NULL(ike_id_psk_find(&cfg, CONFIG_ID_IPV4, "192.0.2.2", gw, CONFIG_ID_IPV4,
	    "192.0.2.1", peer));
	/* Only secrets for others: none. */
	cfg.secrets = &sec[2];
	cfg.n_secrets = 1;
	CU_ASSERT_PTR_NULL(ike_id_psk_find(&cfg, CONFIG_ID_IPV4, "192.0.2.2", gw, CONFIG_ID_IPV4,
	    "192.0.2.1", peer));
}

int main(void);

int
main(void)
{
	static const struct {
		const char *suite;
		const char *name;
		void (*fn)(void);
	} tests[] = {
		{ "ikev2_prop", "test_ikev2_prop_ike_offer", test_ikev2_prop_ike_offer },
		{ "ikev2_prop", "test_ikev2_prop_ike_select_order",
		    test_ikev2_prop_ike_select_order },
		{ "ikev2_prop", "test_ikev2_prop_ike_select_many_transforms",
		    test_ikev2_prop_ike_select_many_transforms },
		{ "ikev2_prop", "test_ikev2_prop_ike_select_ke", test_ikev2_prop_ike_select_ke },
		{ "ikev2_prop", "test_ikev2_prop_ike_select_unusable",
		    test_ikev2_prop_ike_select_unusable },
		{ "ikev2_prop", "test_ikev2_prop_ike_check", test_ikev2_prop_ike_check },
		{ "ikev2_prop", "test_ikev2_prop_esp", test_ikev2_prop_esp },
		{ "ikev2_prop", "test_ikev2_prop_esp_check", test_ikev2_prop_esp_check },
		{ "ikev2_prop", "test_ikev2_prop_ts_offer", test_ikev2_prop_ts_offer },
		{ "ikev2_prop", "test_ikev2_prop_ts_narrow", test_ikev2_prop_ts_narrow },
		{ "ikev2_prop", "test_ikev2_prop_ts_narrow_ipv6", test_ikev2_prop_ts_narrow_ipv6 },
		{ "ikev2_prop", "test_ikev2_prop_ts_check", test_ikev2_prop_ts_check },
		{ "ike_ts", "test_ike_ts_range_split", test_ike_ts_range_split },
		{ "ike_id", "test_ike_id_local", test_ike_id_local },
		{ "ike_id", "test_ike_id_match", test_ike_id_match },
		{ "ike_id", "test_ike_id_psk_find", test_ike_id_psk_find },
	};
	CU_pSuite s = NULL;
	const char *cur = NULL;
	unsigned int fails;
	size_t i;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	for (i = 0; i < DIM(tests); i++) {
		if (cur == NULL || strcmp(cur, tests[i].suite) != 0) {
			cur = tests[i].suite;
			s = CU_add_suite(cur, NULL, NULL);
		}
		CU_add_test(s, tests[i].name, tests[i].fn);
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return fails == 0 ? 0 : 1;
}
