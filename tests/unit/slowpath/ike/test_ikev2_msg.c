/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/slowpath/ike/test_ikev2_msg.c: IKEv2 codec: strongSwan's IKE_SA_INIT, builder round trips, malformed input. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "common/limits.h"
#include "slowpath/ike/ike_payload.h"
#include "slowpath/ike/ikev2_msg.h"
#include "tests/vectors/ikev2/strongswan_ikev2.h"

#define DIM(a) (sizeof(a) / sizeof((a)[0]))

static uint8_t buf[8192];

/*
 * charon's names in its "parsed IKE_SA_INIT response 0 [ SA KE No ... ]"
 * listing (strongSwan's payload and notify short names).
 */
static const struct {
	const char *name;
	uint16_t type;
} ss_notify_names[] = {
	{ "NATD_S_IP", IKEV2_N_NAT_DETECTION_SOURCE_IP },
	{ "NATD_D_IP", IKEV2_N_NAT_DETECTION_DESTINATION_IP },
	{ "FRAG_SUP", IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED },
	{ "HASH_ALG", IKEV2_N_SIGNATURE_HASH_ALGORITHMS },
	{ "REDIR_SUP", IKEV2_N_REDIRECT_SUPPORTED },
	{ "CHDLESS_SUP", IKEV2_N_CHILDLESS_IKEV2_SUPPORTED },
	{ "MULT_AUTH", IKEV2_N_MULTIPLE_AUTH_SUPPORTED },
	{ "INIT_CONTACT", IKEV2_N_INITIAL_CONTACT }, { "MOBIKE_SUP", IKEV2_N_MOBIKE_SUPPORTED },
	{ "NO_ADD_ADDR", 16399 }, /* NO_ADDITIONAL_ADDRESSES, RFC 4555 */
	{ "EAP_ONLY", IKEV2_N_EAP_ONLY_AUTHENTICATION },
	{ "MSG_ID_SYN_SUP", 16420 }, /* IKEV2_MESSAGE_ID_SYNC_SUPPORTED, RFC 6311 */
};

static const struct {
	const char *name;
	uint8_t type;
} ss_payload_names[] = {
	{ "SA", IKEV2_PL_SA },
	{ "KE", IKEV2_PL_KE },
	{ "No", IKEV2_PL_NONCE },
	{ "IDi", IKEV2_PL_IDI },
	{ "IDr", IKEV2_PL_IDR },
	{ "AUTH", IKEV2_PL_AUTH },
	{ "TSi", IKEV2_PL_TSI },
	{ "TSr", IKEV2_PL_TSR },
	{ "CERT", IKEV2_PL_CERT },
	{ "CERTREQ", IKEV2_PL_CERTREQ },
	{ "D", IKEV2_PL_DELETE },
	{ "V", IKEV2_PL_VID },
};

/* Does the payload list of @m (notifies in order) read as charon's @list? */
static bool
matches_listing(const struct ikev2_msg *m, const char *list)
{
	char copy[512], *tok, *save = NULL;
	unsigned int i = 0, n = 0, k;
	bool found;

	snprintf(copy, sizeof(copy), "%s", list);
	for (tok = strtok_r(copy, " ", &save); tok != NULL; tok = strtok_r(NULL, " ", &save)) {
		while (i < m->n_payloads && m->payloads[i].type == IKEV2_PL_SK)
			i++;
		if (i >= m->n_payloads)
			return false;
		found = false;
		if (strncmp(tok, "N(", 2) == 0) {
			if (m->payloads[i].type != IKEV2_PL_NOTIFY || n >= m->n_notifies)
				return false;
			for (k = 0; k < DIM(ss_notify_names); k++)
				if (strncmp(tok + 2, ss_notify_names[k].name,
				        strlen(ss_notify_names[k].name)) == 0 &&
				    tok[2 + strlen(ss_notify_names[k].name)] == ')')
					found = m->notifies[n].type == ss_notify_names[k].type;
			n++;
		} else {
			for (k = 0; k < DIM(ss_payload_names); k++)
				if (strcmp(tok, ss_payload_names[k].name) == 0)
					found = m->payloads[i].type == ss_payload_names[k].type;
		}
		if (!found) {
			printf("\n  listing token %s does not match payload %u (type %u)\n", tok, i,
			    m->payloads[i].type);
			return false;
		}
		i++;
	}
	while (i < m->n_payloads && m->payloads[i].type == IKEV2_PL_SK)
		i++;
	return i == m->n_payloads;
}

static const struct ikev2_transform *
find_transform(const struct ikev2_proposal *p, uint8_t type)
{
	unsigned int i;

	for (i = 0; i < p->n_transforms; i++)
		if (p->t[i].type == type)
			return &p->t[i];
	return NULL;
}

/* strongSwan's IKE_SA_INIT request and response, both SAs: payloads, proposals, KE, nonce. */
static void
test_ikev2_msg_strongswan_init(void)
{
	static const struct {
		const uint8_t *p;
		size_t len;
		const char *list;
		bool response;
		uint16_t encr, key_bits, prf, integ;
	} cases[] = {
		{ ss_cbc_init_req, sizeof(ss_cbc_init_req), ss_cbc_init_req_list, false, 12, 256, 5,
		    12 },
		{ ss_cbc_init_resp, sizeof(ss_cbc_init_resp), ss_cbc_init_resp_list, true, 12, 256,
		    5, 12 },
		{ ss_gcm_init_req, sizeof(ss_gcm_init_req), ss_gcm_init_req_list, false, 20, 128, 6,
		    0 },
		{ ss_gcm_init_resp, sizeof(ss_gcm_init_resp), ss_gcm_init_resp_list, true, 20, 128,
		    6, 0 },
	};
	static struct ikev2_msg m;
	const struct ikev2_transform *t;
	const struct ikev2_notification *n;
	size_t i;

	for (i = 0; i < DIM(cases); i++) {
		CU_ASSERT_EQUAL_FATAL(ikev2_msg_parse(cases[i].p, cases[i].len, &m), 0);
		CU_ASSERT_EQUAL(m.hdr.major, 2);
		CU_ASSERT_EQUAL(m.hdr.exchange, IKEV2_EXCH_IKE_SA_INIT);
		CU_ASSERT_EQUAL(m.hdr.msgid, 0);
		CU_ASSERT_EQUAL(!!(m.hdr.flags & IKEV2_FLAG_R), cases[i].response);
		CU_ASSERT_EQUAL(!!(m.hdr.flags & IKEV2_FLAG_I), !cases[i].response);
		CU_ASSERT_EQUAL(m.hdr.rspi == 0, !cases[i].response);
		CU_ASSERT(matches_listing(&m, cases[i].list));
		CU_ASSERT_FATAL(m.has_sa && m.has_ke && m.nonce.p != NULL);
		CU_ASSERT_EQUAL(m.sa.n, 1);
		CU_ASSERT_EQUAL(m.sa.p[0].num, 1);
		CU_ASSERT_EQUAL(m.sa.p[0].proto, IKEV2_PROTO_IKE);
		CU_ASSERT_EQUAL(m.sa.p[0].spi_len, 0);
		CU_ASSERT_FALSE(m.sa.p[0].unknown_attr);
		t = find_transform(&m.sa.p[0], IKEV2_TRANS_ENCR);
		CU_ASSERT_FATAL(t != NULL);
		CU_ASSERT_EQUAL(t->id, cases[i].encr);
		CU_ASSERT_EQUAL(t->key_bits, cases[i].key_bits);
		t = find_transform(&m.sa.p[0], IKEV2_TRANS_PRF);
		CU_ASSERT_FATAL(t != NULL);
		CU_ASSERT_EQUAL(t->id, cases[i].prf);
		t = find_transform(&m.sa.p[0], IKEV2_TRANS_INTEG);
		if (cases[i].integ != 0) {
			CU_ASSERT_FATAL(t != NULL);
			CU_ASSERT_EQUAL(t->id, cases[i].integ);
		} else {
			CU_ASSERT(t == NULL);
		}
		t = find_transform(&m.sa.p[0], IKEV2_TRANS_DH);
		CU_ASSERT_FATAL(t != NULL);
		CU_ASSERT_EQUAL(t->id, 19);
		CU_ASSERT_EQUAL(m.ke.group, 19);
		CU_ASSERT_EQUAL(m.ke.len, 64); /* ECP-256: x | y (RFC 5903 §7) */
		CU_ASSERT_EQUAL(m.nonce.len, 32);
		/* NAT-D is a SHA-1 hash; SIGNATURE_HASH_ALGORITHMS a list of 16-bit ids. */
		n = ikev2_msg_notify_find(&m, IKEV2_N_NAT_DETECTION_SOURCE_IP);
		CU_ASSERT_FATAL(n != NULL);
		CU_ASSERT_EQUAL(n->data_len, 20);
		CU_ASSERT_EQUAL(n->spi_len, 0);
		n = ikev2_msg_notify_find(&m, IKEV2_N_SIGNATURE_HASH_ALGORITHMS);
		CU_ASSERT_FATAL(n != NULL);
		CU_ASSERT(n->data_len >= 2 && n->data_len % 2 == 0);
		CU_ASSERT_EQUAL(m.n_unknown, 0);
		/* The outer chain of IKE_AUTH is just the SK payload. */
	}
	CU_ASSERT_EQUAL(ikev2_msg_parse(ss_cbc_auth_req, sizeof(ss_cbc_auth_req), &m), 0);
	CU_ASSERT(m.has_sk && !m.has_skf && m.n_payloads == 1);
	CU_ASSERT_EQUAL(m.sk.inner, IKEV2_PL_IDI);
	CU_ASSERT_EQUAL(m.sk.off, IKE_HDR_LEN);
	CU_ASSERT_EQUAL(ikev2_msg_parse(ss_gcm_auth_resp, sizeof(ss_gcm_auth_resp), &m), 0);
	CU_ASSERT(m.has_sk && m.sk.inner == IKEV2_PL_IDR);
}

/* A message with every payload, built with the builders. */
static const uint8_t cert1[] = { 0x30, 0x82, 0x01, 0x0a, 0x02, 0x82, 0x01, 0x01, 0x00 };
static const uint8_t cert2[] = { 0x30, 0x03, 0x02, 0x01, 0x05 };
static const uint8_t careq[40] = { 0xde, 0xad, [20] = 0xbe, [39] = 0xef };
static const uint8_t nonce[32] = { 1, 2, 3, 4, 5, 6, 7, 8, [31] = 0x99 };
static const uint8_t ke[64] = { 0x11, [63] = 0x22 };
static const uint8_t authd[32] = { 0xa5, [31] = 0x5a };
static const uint8_t esp_spis[8] = { 0xc0, 0x01, 0x02, 0x03, 0xc0, 0x04, 0x05, 0x06 };
static const uint8_t natd[20] = { 0x42, [19] = 0x24 };
static const uint8_t vid[16] = "fastipsec-test!!";
static const uint8_t cpattrs[] = { 0x00, 0x01, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00 };
static const uint8_t eap[] = { 0x02, 0x07, 0x00, 0x0a, 0x01, 'u', 's', 'e', 'r', '1' };
static const uint8_t idi[] = { 192, 0, 2, 1 };
static const uint8_t idr[] = "gw.example.org";

static void
fill_sa(struct ikev2_sa_payload *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->n = 2;
	sa->p[0] = (struct ikev2_proposal){ .num = 1,
		.proto = IKEV2_PROTO_ESP,
		.spi_len = 4,
		.spi = { 0xc1, 0xc2, 0xc3, 0xc4 },
		.n_transforms = 3,
		.t = { { IKEV2_TRANS_ENCR, 20, 256 }, { IKEV2_TRANS_ESN, 0, 0 },
		    { IKEV2_TRANS_DH, 31, 0 } } };
	sa->p[1] = (struct ikev2_proposal){ .num = 2,
		.proto = IKEV2_PROTO_ESP,
		.spi_len = 4,
		.spi = { 0xc1, 0xc2, 0xc3, 0xc4 },
		.n_transforms = 4,
		.t = { { IKEV2_TRANS_ENCR, 12, 128 }, { IKEV2_TRANS_INTEG, 12, 0 },
		    { IKEV2_TRANS_ESN, 1, 0 }, { IKEV2_TRANS_ESN, 0, 0 } } };
}

static void
fill_ts(struct ikev2_ts_payload *ts, bool v6)
{
	memset(ts, 0, sizeof(*ts));
	ts->n = v6 ? 2 : 1;
	ts->ts[0] = (struct ikev2_ts){ .type = IKEV2_TS_IPV4_ADDR_RANGE,
		.proto = 17,
		.start_port = 500,
		.end_port = 4500,
		.start = { 198, 51, 100, 0 },
		.end = { 198, 51, 100, 255 } };
	if (v6)
		ts->ts[1] = (struct ikev2_ts){ .type = IKEV2_TS_IPV6_ADDR_RANGE,
			.proto = 0,
			.start_port = 0,
			.end_port = 65535,
			.start = { 0x20, 0x01, 0x0d, 0xb8 },
			.end = { 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, [15] = 0xff } };
}

static bool
sa_equal(const struct ikev2_sa_payload *a, const struct ikev2_sa_payload *b)
{
	const struct ikev2_proposal *p, *q;
	unsigned int i, k;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++) {
		p = &a->p[i];
		q = &b->p[i];
		if (p->num != q->num || p->proto != q->proto || p->spi_len != q->spi_len ||
		    memcmp(p->spi, q->spi, p->spi_len) != 0 || p->n_transforms != q->n_transforms ||
		    p->unknown_attr != q->unknown_attr)
			return false;
		for (k = 0; k < p->n_transforms; k++)
			if (p->t[k].type != q->t[k].type || p->t[k].id != q->t[k].id ||
			    p->t[k].key_bits != q->t[k].key_bits)
				return false;
	}
	return true;
}

static int
build_all(uint8_t *out, size_t cap)
{
	struct ikev2_sa_payload sa;
	struct ikev2_ts_payload tsi, tsr;
	struct ike_buf b;

	fill_sa(&sa);
	fill_ts(&tsi, true);
	fill_ts(&tsr, false);
	ike_payload_buf_init(&b, out, cap);
	ikev2_msg_build_hdr(&b, 0x0102030405060708ull, 0x1112131415161718ull,
	    IKEV2_EXCH_CREATE_CHILD_SA, IKEV2_FLAG_I, 7);
	ikev2_msg_build_sa(&b, &sa);
	ikev2_msg_build_ke(&b, 31, ke, 32);
	ikev2_msg_build_nonce(&b, nonce, sizeof(nonce));
	ikev2_msg_build_id(&b, IKEV2_PL_IDI, IKEV2_ID_IPV4_ADDR, idi, sizeof(idi));
	ikev2_msg_build_id(&b, IKEV2_PL_IDR, IKEV2_ID_FQDN, idr, sizeof(idr) - 1);
	ikev2_msg_build_cert(&b, IKEV2_PL_CERT, IKEV2_CERT_X509_SIG, cert1, sizeof(cert1));
	ikev2_msg_build_cert(&b, IKEV2_PL_CERT, IKEV2_CERT_X509_SIG, cert2, sizeof(cert2));
	ikev2_msg_build_cert(&b, IKEV2_PL_CERTREQ, IKEV2_CERT_X509_SIG, careq, sizeof(careq));
	ikev2_msg_build_auth(&b, IKEV2_AUTH_PSK, authd, sizeof(authd));
	ikev2_msg_build_notify(&b, 0, NULL, 0, IKEV2_N_NAT_DETECTION_SOURCE_IP, natd, sizeof(natd));
	ikev2_msg_build_notify(&b, IKEV2_PROTO_ESP, esp_spis, 4, IKEV2_N_REKEY_SA, NULL, 0);
	ikev2_msg_build_notify(&b, 0, NULL, 0, IKEV2_N_USE_TRANSPORT_MODE, NULL, 0);
	ikev2_msg_build_delete(&b, IKEV2_PROTO_ESP, 4, esp_spis, 2);
	ikev2_msg_build_delete(&b, IKEV2_PROTO_IKE, 0, NULL, 0);
	ikev2_msg_build_vid(&b, vid, sizeof(vid));
	ikev2_msg_build_ts(&b, IKEV2_PL_TSI, &tsi);
	ikev2_msg_build_ts(&b, IKEV2_PL_TSR, &tsr);
	ikev2_msg_build_cp(&b, IKEV2_CFG_REQUEST, cpattrs, sizeof(cpattrs));
	ikev2_msg_build_eap(&b, eap, sizeof(eap));
	return ikev2_msg_build_finish(&b);
}

static void
test_ikev2_msg_round_trip(void)
{
	static struct ikev2_msg m;
	struct ikev2_sa_payload sa;
	struct ikev2_ts_payload tsi, tsr;
	int len;

	len = build_all(buf, sizeof(buf));
	CU_ASSERT_FATAL(len > IKE_HDR_LEN);
	CU_ASSERT_EQUAL_FATAL(ikev2_msg_parse(buf, (size_t)len, &m), 0);
	CU_ASSERT_EQUAL(m.error, IKEV2_N_NONE);
	CU_ASSERT_EQUAL(m.hdr.ispi, 0x0102030405060708ull);
	CU_ASSERT_EQUAL(m.hdr.rspi, 0x1112131415161718ull);
	CU_ASSERT_EQUAL(m.hdr.exchange, IKEV2_EXCH_CREATE_CHILD_SA);
	CU_ASSERT_EQUAL(m.hdr.flags, IKEV2_FLAG_I);
	CU_ASSERT_EQUAL(m.hdr.msgid, 7);
	CU_ASSERT_EQUAL(m.hdr.length, (uint32_t)len);
	CU_ASSERT_EQUAL(m.n_payloads, 19);

	fill_sa(&sa);
	CU_ASSERT_FATAL(m.has_sa);
	CU_ASSERT(sa_equal(&m.sa, &sa));
	CU_ASSERT(m.has_ke && m.ke.group == 31 && m.ke.len == 32 && memcmp(m.ke.data, ke, 32) == 0);
	CU_ASSERT(m.nonce.len == sizeof(nonce) && memcmp(m.nonce.p, nonce, sizeof(nonce)) == 0);
	CU_ASSERT(m.has_idi && m.idi.type == IKEV2_ID_IPV4_ADDR && m.idi.len == 4 &&
	    memcmp(m.idi.data, idi, 4) == 0);
	CU_ASSERT(m.idi.body_len == 8 && m.idi.body[0] == IKEV2_ID_IPV4_ADDR);
	CU_ASSERT(m.has_idr && m.idr.type == IKEV2_ID_FQDN && m.idr.len == sizeof(idr) - 1 &&
	    memcmp(m.idr.data, idr, m.idr.len) == 0);
	CU_ASSERT_EQUAL_FATAL(m.n_certs, 2);
	CU_ASSERT(m.certs[0].encoding == IKEV2_CERT_X509_SIG && m.certs[0].len == sizeof(cert1) &&
	    memcmp(m.certs[0].data, cert1, sizeof(cert1)) == 0);
	CU_ASSERT(m.certs[1].len == sizeof(cert2) && memcmp(m.certs[1].data, cert2, 5) == 0);
	CU_ASSERT_EQUAL_FATAL(m.n_certreqs, 1);
	CU_ASSERT(m.certreqs[0].len == 40 && memcmp(m.certreqs[0].data, careq, 40) == 0);
	CU_ASSERT(m.has_auth && m.auth.method == IKEV2_AUTH_PSK && m.auth.len == 32 &&
	    memcmp(m.auth.data, authd, 32) == 0);
	CU_ASSERT_EQUAL_FATAL(m.n_notifies, 3);
	CU_ASSERT(m.notifies[0].type == IKEV2_N_NAT_DETECTION_SOURCE_IP &&
	    m.notifies[0].spi_len == 0 && m.notifies[0].spi == NULL &&
	    m.notifies[0].data_len == 20 && memcmp(m.notifies[0].data, natd, 20) == 0);
	CU_ASSERT(m.notifies[1].type == IKEV2_N_REKEY_SA &&
	    m.notifies[1].proto == IKEV2_PROTO_ESP && m.notifies[1].spi_len == 4 &&
	    memcmp(m.notifies[1].spi, esp_spis, 4) == 0 && m.notifies[1].data_len == 0);
	CU_ASSERT(ikev2_msg_notify_find(&m, IKEV2_N_USE_TRANSPORT_MODE) == &m.notifies[2]);
	CU_ASSERT(ikev2_msg_notify_find(&m, IKEV2_N_COOKIE) == NULL);
	CU_ASSERT_EQUAL_FATAL(m.n_deletes, 2);
	CU_ASSERT(m.deletes[0].proto == IKEV2_PROTO_ESP && m.deletes[0].spi_len == 4 &&
	    m.deletes[0].n_spis == 2 && memcmp(m.deletes[0].spis, esp_spis, 8) == 0);
	CU_ASSERT(m.deletes[1].proto == IKEV2_PROTO_IKE && m.deletes[1].n_spis == 0 &&
	    m.deletes[1].spis == NULL);
	CU_ASSERT(m.n_vids == 1 && m.vids[0].len == 16 && memcmp(m.vids[0].p, vid, 16) == 0);
	fill_ts(&tsi, true);
	fill_ts(&tsr, false);
	CU_ASSERT(m.has_tsi && memcmp(&m.tsi, &tsi, sizeof(tsi)) == 0);
	CU_ASSERT(m.has_tsr && memcmp(&m.tsr, &tsr, sizeof(tsr)) == 0);
	CU_ASSERT(m.has_cp && m.cp.type == IKEV2_CFG_REQUEST && m.cp.len == sizeof(cpattrs) &&
	    memcmp(m.cp.attrs, cpattrs, sizeof(cpattrs)) == 0);
	CU_ASSERT(m.eap.len == sizeof(eap) && memcmp(m.eap.p, eap, sizeof(eap)) == 0);
	CU_ASSERT_FALSE(m.has_sk || m.has_skf);
	CU_ASSERT_EQUAL(m.payloads[0].type, IKEV2_PL_SA);
	CU_ASSERT_EQUAL(m.payloads[0].off, 0);
	CU_ASSERT_EQUAL(m.payloads[18].type, IKEV2_PL_EAP);
	CU_ASSERT(m.sa_body.p == buf + IKE_HDR_LEN + IKE_GEN_HDR_LEN);
}

/* Parse strongSwan's messages and build them again from the parsed structs: the same bytes. */
static void
test_ikev2_msg_rebuild_exact(void)
{
	static const struct {
		const uint8_t *p;
		size_t len;
	} msgs[] = {
		{ ss_cbc_init_req, sizeof(ss_cbc_init_req) },
		{ ss_cbc_init_resp, sizeof(ss_cbc_init_resp) },
		{ ss_gcm_init_req, sizeof(ss_gcm_init_req) },
		{ ss_gcm_init_resp, sizeof(ss_gcm_init_resp) },
	};
	static struct ikev2_msg m;
	const struct ikev2_notification *n;
	struct ike_buf b;
	unsigned int i, k, in;
	int len;

	for (i = 0; i < DIM(msgs); i++) {
		CU_ASSERT_EQUAL_FATAL(ikev2_msg_parse(msgs[i].p, msgs[i].len, &m), 0);
		ike_payload_buf_init(&b, buf, sizeof(buf));
		ikev2_msg_build_hdr(&b, m.hdr.ispi, m.hdr.rspi, m.hdr.exchange, m.hdr.flags,
		    m.hdr.msgid);
		for (k = 0, in = 0; k < m.n_payloads; k++) {
			switch (m.payloads[k].type) {
			case IKEV2_PL_SA:
				ikev2_msg_build_sa(&b, &m.sa);
				break;
			case IKEV2_PL_KE:
				ikev2_msg_build_ke(&b, m.ke.group, m.ke.data, m.ke.len);
				break;
			case IKEV2_PL_NONCE:
				ikev2_msg_build_nonce(&b, m.nonce.p, m.nonce.len);
				break;
			case IKEV2_PL_NOTIFY:
				n = &m.notifies[in++];
				ikev2_msg_build_notify(&b, n->proto, n->spi, n->spi_len, n->type,
				    n->data, n->data_len);
				break;
			default:
				CU_FAIL("unexpected payload");
			}
		}
		len = ikev2_msg_build_finish(&b);
		CU_ASSERT_EQUAL(len, (int)msgs[i].len);
		CU_ASSERT(len > 0 && memcmp(buf, msgs[i].p, msgs[i].len) == 0);
	}
}

/* Every truncation of a valid message fails, by drop or INVALID_SYNTAX; never past the end. */
static void
test_ikev2_msg_truncated(void)
{
	static struct ikev2_msg m;
	uint8_t *copy;
	size_t t;
	int len, rc;

	len = build_all(buf, sizeof(buf));
	CU_ASSERT_FATAL(len > 0);
	for (t = 0; t < (size_t)len; t++) {
		/* An exact-size heap copy, so that ASAN sees any read past it. */
		copy = malloc(t ? t : 1);
		CU_ASSERT_FATAL(copy != NULL);
		memcpy(copy, buf, t);
		CU_ASSERT_EQUAL(ikev2_msg_parse(copy, t, &m), -EBADMSG);
		CU_ASSERT_EQUAL(m.error, IKEV2_N_NONE); /* the Length field is not the datagram's */
		if (t >= IKE_HDR_LEN) {
			copy[24] = (uint8_t)(t >> 24);
			copy[25] = (uint8_t)(t >> 16);
			copy[26] = (uint8_t)(t >> 8);
			copy[27] = (uint8_t)t;
			rc = ikev2_msg_parse(copy, t, &m);
			CU_ASSERT_EQUAL(rc, -EBADMSG);
			CU_ASSERT_EQUAL(m.error, IKEV2_N_INVALID_SYNTAX);
		}
		free(copy);
	}
}

/* One SA payload of raw proposal bytes in an IKE_SA_INIT request (or response). */
static int
parse_sa_bytes(const uint8_t *sa, size_t sa_len, bool response, struct ikev2_msg *m)
{
	struct ike_buf b;
	int len;

	ike_payload_buf_init(&b, buf, sizeof(buf));
	ikev2_msg_build_hdr(&b, 0xa1a2a3a4a5a6a7a8ull, response ? 1 : 0, IKEV2_EXCH_IKE_SA_INIT,
	    response ? IKEV2_FLAG_R : IKEV2_FLAG_I, 0);
	ike_payload_begin(&b, IKEV2_PL_SA, 0);
	ike_payload_buf_put(&b, sa, sa_len);
	ike_payload_end(&b);
	len = ikev2_msg_build_finish(&b);
	CU_ASSERT_FATAL(len > 0);
	return ikev2_msg_parse(buf, (size_t)len, m);
}

/* Proposal and transform layouts: numbering, last-substructure flags, counts, SPI sizes. */
static void
test_ikev2_msg_bad_proposals(void)
{
/* clang-format off */
#define TR_ENCR_KL 3, 0, 0, 12, 1, 0, 0, 12, 0x80, 0x0e, 0x00, 0x80 /* ENCR AES-CBC, Key Length 128 */
#define TR_PRF(l)  l, 0, 0, 8, 2, 0, 0, 5
#define P_HDR(last, len, num, proto, spi, nt) last, 0, 0, len, num, proto, spi, nt
	static const struct {
		const char *what;
		uint8_t sa[64];
		size_t len;
		bool response;
		int rc;
	} cases[] = {
		{ "good", { P_HDR(0, 28, 1, 1, 0, 2), TR_ENCR_KL, TR_PRF(0) }, 28, false, 0 },
		{ "first proposal not 1", { P_HDR(0, 28, 2, 1, 0, 2), TR_ENCR_KL, TR_PRF(0) }, 28,
		    false, -EBADMSG },
		{ "response: the accepted number", { P_HDR(0, 28, 2, 1, 0, 2), TR_ENCR_KL, TR_PRF(0) },
		    28, true, 0 },
		{ "proposal 0", { P_HDR(0, 28, 0, 1, 0, 2), TR_ENCR_KL, TR_PRF(0) }, 28, true,
		    -EBADMSG },
		{ "numbers 1, 1", { P_HDR(2, 28, 1, 1, 0, 2), TR_ENCR_KL, TR_PRF(0),
		    P_HDR(0, 16, 1, 1, 0, 1), TR_PRF(0) }, 44, false, -EBADMSG },
		{ "numbers 1, 3", { P_HDR(2, 28, 1, 1, 0, 2), TR_ENCR_KL, TR_PRF(0),
		    P_HDR(0, 16, 3, 1, 0, 1), TR_PRF(0) }, 44, false, -EBADMSG },
		{ "numbers 1, 2", { P_HDR(2, 28, 1, 1, 0, 2), TR_ENCR_KL, TR_PRF(0),
		    P_HDR(0, 16, 2, 1, 0, 1), TR_PRF(0) }, 44, false, 0 },
		{ "last proposal says more", { P_HDR(2, 28, 1, 1, 0, 2), TR_ENCR_KL, TR_PRF(0) }, 28,
		    false, -EBADMSG },
		{ "proposal after the last", { P_HDR(0, 28, 1, 1, 0, 2), TR_ENCR_KL, TR_PRF(0),
		    P_HDR(0, 16, 2, 1, 0, 1), TR_PRF(0) }, 44, false, -EBADMSG },
		{ "bad Last Substruc", { P_HDR(1, 28, 1, 1, 0, 2), TR_ENCR_KL, TR_PRF(0) }, 28, false,
		    -EBADMSG },
		{ "last transform says more", { P_HDR(0, 28, 1, 1, 0, 2), TR_ENCR_KL, TR_PRF(3) }, 28,
		    false, -EBADMSG },
		{ "more transforms than counted", { P_HDR(0, 28, 1, 1, 0, 1), TR_ENCR_KL, TR_PRF(0) },
		    28, false, -EBADMSG },
		{ "fewer transforms than counted", { P_HDR(0, 28, 1, 1, 0, 3), TR_ENCR_KL, TR_PRF(0) },
		    28, false, -EBADMSG },
		{ "proposal length past the payload", { P_HDR(0, 29, 1, 1, 0, 2), TR_ENCR_KL,
		    TR_PRF(0) }, 28, false, -EBADMSG },
		{ "proposal length under 8", { P_HDR(0, 7, 1, 1, 0, 0) }, 8, false, -EBADMSG },
		{ "transform length under 8", { P_HDR(0, 16, 1, 1, 0, 1), 0, 0, 0, 7, 2, 0, 0, 5 },
		    16, false, -EBADMSG },
		{ "attribute past the transform", { P_HDR(0, 20, 1, 1, 0, 1), 0, 0, 0, 12, 1, 0, 0, 12,
		    0x00, 0x0e, 0x00, 0x08 }, 20, false, -EBADMSG },
		{ "IKE SPI of 4 bytes", { P_HDR(0, 20, 1, 1, 4, 1), 1, 2, 3, 4, TR_PRF(0) }, 20, false,
		    -EBADMSG },
		{ "IKE SPI of 8 bytes (rekey)", { P_HDR(0, 24, 1, 1, 8, 1), 1, 2, 3, 4, 5, 6, 7, 8,
		    TR_PRF(0) }, 24, false, 0 },
		{ "ESP SPI of 8 bytes", { P_HDR(0, 24, 1, 3, 8, 1), 1, 2, 3, 4, 5, 6, 7, 8,
		    TR_PRF(0) }, 24, false, -EBADMSG },
		{ "ESP SPI of 0 bytes", { P_HDR(0, 16, 1, 3, 0, 1), TR_PRF(0) }, 16, false, -EBADMSG },
		{ "SPI past the proposal", { P_HDR(0, 10, 1, 3, 4, 0), 1, 2 }, 10, false, -EBADMSG },
		{ "no proposal", { 0 }, 0, false, -EBADMSG },
		{ "no transforms", { P_HDR(0, 8, 1, 1, 0, 0) }, 8, false, -EBADMSG },
		{ "trailing bytes", { P_HDR(0, 16, 1, 1, 0, 1), TR_PRF(0), 0 }, 17, false, -EBADMSG },
	};
	/* clang-format on */
	static struct ikev2_msg m;
	size_t i;
	int rc;

	for (i = 0; i < DIM(cases); i++) {
		rc = parse_sa_bytes(cases[i].sa, cases[i].len, cases[i].response, &m);
		if (rc != cases[i].rc)
			printf("\n  case \"%s\": %d, expected %d\n", cases[i].what, rc,
			    cases[i].rc);
		CU_ASSERT_EQUAL(rc, cases[i].rc);
		if (cases[i].rc != 0) {
			CU_ASSERT_EQUAL(m.error, IKEV2_N_INVALID_SYNTAX);
			CU_ASSERT_EQUAL(m.error_payload, IKEV2_PL_SA);
		}
	}
	/* A Key Length and an unknown attribute: parsed, the proposal marked unusable. */
	{
		static const uint8_t sa[] = { P_HDR(0, 20, 1, 1, 0, 1), 0, 0, 0, 12, 1, 0, 0, 12,
			0x80, 0x0e, 0x01, 0x00, 0x80, 0x63, 0x00, 0x01 };

		CU_ASSERT_EQUAL_FATAL(parse_sa_bytes(sa, sizeof(sa) - 4, false, &m), 0);
		CU_ASSERT_FALSE(m.sa.p[0].unknown_attr);
		CU_ASSERT_EQUAL(m.sa.p[0].t[0].key_bits, 256);
		CU_ASSERT_EQUAL(parse_sa_bytes(sa, sizeof(sa), false, &m), -EBADMSG);
	}
	{
		static const uint8_t sa[] = { P_HDR(0, 20, 1, 1, 0, 1), 0, 0, 0, 16, 1, 0, 0, 12,
			0x80, 0x0e, 0x01, 0x00, 0x80, 0x63, 0x00, 0x01 };

		CU_ASSERT_EQUAL(parse_sa_bytes(sa, sizeof(sa), false, &m), -EBADMSG);
	}
	{
		static const uint8_t sa[] = { P_HDR(0, 24, 1, 1, 0, 1), 0, 0, 0, 16, 1, 0, 0, 12,
			0x80, 0x0e, 0x01, 0x00, 0x80, 0x63, 0x00, 0x01 };

		CU_ASSERT_EQUAL_FATAL(parse_sa_bytes(sa, sizeof(sa), false, &m), 0);
		CU_ASSERT(m.sa.p[0].unknown_attr);
		CU_ASSERT_EQUAL(m.sa.p[0].t[0].key_bits, 256);
	}
	/* Long offers: proposals and transforms past the limits are checked, not kept. */
	{
		static uint8_t sa[2048];
		size_t off = 0;
		unsigned int j, k;

		for (j = 0; j < IKEV2_PROPOSALS_MAX + 2; j++) { /* 18 proposals of 1 transform */
			const uint8_t pr[] = { P_HDR(j + 1 < IKEV2_PROPOSALS_MAX + 2 ? 2 : 0, 16,
				                   (uint8_t)(j + 1), 1, 0, 1),
				TR_PRF(0) };

			memcpy(sa + off, pr, sizeof(pr));
			off += sizeof(pr);
		}
		CU_ASSERT_EQUAL_FATAL(parse_sa_bytes(sa, off, false, &m), 0);
		CU_ASSERT_EQUAL(m.sa.n, IKEV2_PROPOSALS_MAX);
		CU_ASSERT_EQUAL(m.sa.p[IKEV2_PROPOSALS_MAX - 1].num, IKEV2_PROPOSALS_MAX);
		/* the 18th numbered 20: still checked */
		sa[off - 16 + 4] = 20;
		CU_ASSERT_EQUAL(parse_sa_bytes(sa, off, false, &m), -EBADMSG);

		/* one proposal of 33 transforms */
		off = 8 + (IKEV2_TRANSFORMS_MAX + 1) * 8;
		{
			const uint8_t ph[] = { P_HDR(0, 0, 1, 1, 0, IKEV2_TRANSFORMS_MAX + 1) };

			memcpy(sa, ph, sizeof(ph));
		}
		sa[2] = (uint8_t)(off >> 8);
		sa[3] = (uint8_t)off;
		for (k = 0; k <= IKEV2_TRANSFORMS_MAX; k++) {
			const uint8_t tr[] = { TR_PRF(k < IKEV2_TRANSFORMS_MAX ? 3 : 0) };

			memcpy(sa + 8 + k * 8, tr, sizeof(tr));
		}
		CU_ASSERT_EQUAL_FATAL(parse_sa_bytes(sa, off, false, &m), 0);
		CU_ASSERT_EQUAL(m.sa.p[0].n_transforms, IKEV2_TRANSFORMS_MAX);
		CU_ASSERT(m.sa.p[0].unknown_attr);
		/* the 33rd malformed (length 7): still checked */
		sa[off - 8 + 3] = 7;
		CU_ASSERT_EQUAL(parse_sa_bytes(sa, off, false, &m), -EBADMSG);
	}
#undef TR_ENCR_KL
#undef TR_PRF
#undef P_HDR
}

/* Start of a message for the payload tests: header, then the caller's payloads. */
static void
start(struct ike_buf *b, uint8_t *out, size_t cap)
{
	ike_payload_buf_init(b, out, cap);
	ikev2_msg_build_hdr(b, 0xa1a2a3a4a5a6a7a8ull, 0xb1b2b3b4b5b6b7b8ull,
	    IKEV2_EXCH_INFORMATIONAL, IKEV2_FLAG_I, 2);
}

static void
raw_payload(struct ike_buf *b, uint8_t type, uint8_t flags, const uint8_t *body, size_t len)
{
	ike_payload_begin(b, type, flags);
	ike_payload_buf_put(b, body, len);
	ike_payload_end(b);
}

/* Payload bodies that are malformed on their own, each after a good Nonce. */
static void
test_ikev2_msg_bad_payloads(void)
{
	static const struct {
		const char *what;
		uint8_t type;
		uint8_t body[48];
		size_t len;
	} cases[] = {
		{ "KE without data", IKEV2_PL_KE, { 0, 19, 0, 0 }, 4 },
		{ "KE short", IKEV2_PL_KE, { 0, 19 }, 2 },
		{ "ID without data", IKEV2_PL_IDI, { 2, 0, 0, 0 }, 4 },
		{ "ID_IPV4_ADDR of 5 bytes", IKEV2_PL_IDR, { 1, 0, 0, 0, 192, 0, 2, 1, 0 }, 9 },
		{ "ID_IPV6_ADDR of 4 bytes", IKEV2_PL_IDI, { 5, 0, 0, 0, 192, 0, 2, 1 }, 8 },
		{ "CERT without data", IKEV2_PL_CERT, { 4 }, 1 },
		{ "CERT empty", IKEV2_PL_CERT, { 0 }, 0 },
		{ "CERTREQ of 19 bytes", IKEV2_PL_CERTREQ, { 4, [19] = 1 }, 20 },
		{ "AUTH without data", IKEV2_PL_AUTH, { 2, 0, 0, 0 }, 4 },
		{ "Nonce 15 bytes", IKEV2_PL_NONCE, { 1 }, 15 },
		{ "N short", IKEV2_PL_NOTIFY, { 0, 0, 0x40 }, 3 },
		{ "N SPI size 3", IKEV2_PL_NOTIFY, { 3, 3, 0, 11, 1, 2, 3 }, 7 },
		{ "N SPI past the end", IKEV2_PL_NOTIFY, { 3, 4, 0, 11, 1, 2, 3 }, 7 },
		{ "D IKE with an SPI size", IKEV2_PL_DELETE, { 1, 8, 0, 0 }, 4 },
		{ "D IKE with SPIs", IKEV2_PL_DELETE, { 1, 0, 0, 1 }, 4 },
		{ "D ESP SPI size 8", IKEV2_PL_DELETE, { 3, 8, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8 }, 12 },
		{ "D ESP count past the end", IKEV2_PL_DELETE, { 3, 4, 0, 2, 1, 2, 3, 4 }, 8 },
		{ "D ESP bytes past the count", IKEV2_PL_DELETE, { 3, 4, 0, 1, 1, 2, 3, 4, 5 }, 9 },
		{ "D ESP no SPIs", IKEV2_PL_DELETE, { 3, 4, 0, 0 }, 4 },
		{ "D protocol 9", IKEV2_PL_DELETE, { 9, 0, 0, 0 }, 4 },
		{ "V empty", IKEV2_PL_VID, { 0 }, 0 },
		{ "TS no selectors", IKEV2_PL_TSI, { 0, 0, 0, 0 }, 4 },
		{ "TS count past the end", IKEV2_PL_TSI,
		    { 2, 0, 0, 0, 7, 0, 0, 16, 0, 0, 0xff, 0xff, 198, 51, 100, 1, 198, 51, 100, 1 },
		    20 },
		{ "TS v4 selector length 40", IKEV2_PL_TSR,
		    { 1, 0, 0, 0, 7, 0, 0, 40, 0, 0, 0xff, 0xff, 198, 51, 100, 1, 198, 51, 100, 1 },
		    20 },
		{ "TS v6 selector length 16", IKEV2_PL_TSR,
		    { 1, 0, 0, 0, 8, 0, 0, 16, 0, 0, 0xff, 0xff, 0x20, 1, 0xd, 0xb8, 0, 0, 0, 1 },
		    20 },
		{ "TS bytes after the selectors", IKEV2_PL_TSR,
		    { 1, 0, 0, 0, 7, 0, 0, 16, 0, 0, 0xff, 0xff, 198, 51, 100, 1, 198, 51, 100, 1,
		        0 },
		    21 },
		{ "TS selector length under 8", IKEV2_PL_TSI,
		    { 1, 0, 0, 0, 9, 0, 0, 4, 0, 0, 0, 0 }, 12 },
		{ "CP attribute past the end", IKEV2_PL_CP, { 1, 0, 0, 0, 0, 1, 0, 4, 1, 2 }, 10 },
		{ "CP short", IKEV2_PL_CP, { 1, 0 }, 2 },
		{ "EAP length not the payload's", IKEV2_PL_EAP, { 2, 1, 0, 6, 1 }, 5 },
		{ "EAP short", IKEV2_PL_EAP, { 2, 1, 0 }, 3 },
		{ "SKF number past the total", IKEV2_PL_SKF, { 0, 3, 0, 2, 1, 2, 3, 4 }, 8 },
		{ "SKF number 0", IKEV2_PL_SKF, { 0, 0, 0, 2, 1, 2, 3, 4 }, 8 },
		{ "SK empty", IKEV2_PL_SK, { 0 }, 0 },
	};
	static struct ikev2_msg m;
	struct ike_buf b;
	size_t i;
	int len, rc;

	for (i = 0; i < DIM(cases); i++) {
		start(&b, buf, sizeof(buf));
		ikev2_msg_build_nonce(&b, nonce, sizeof(nonce));
		raw_payload(&b, cases[i].type, 0, cases[i].body, cases[i].len);
		len = ikev2_msg_build_finish(&b);
		CU_ASSERT_FATAL(len > 0);
		rc = ikev2_msg_parse(buf, (size_t)len, &m);
		if (rc != -EBADMSG)
			printf("\n  case \"%s\": %d\n", cases[i].what, rc);
		CU_ASSERT_EQUAL(rc, -EBADMSG);
		if (cases[i].type == IKEV2_PL_SKF) {
			CU_ASSERT_EQUAL(m.error, IKEV2_N_NONE); /* RFC 7383 §2.6: discard */
		} else {
			CU_ASSERT_EQUAL(m.error, IKEV2_N_INVALID_SYNTAX);
		}
		CU_ASSERT_EQUAL(m.error_payload, cases[i].type);
	}
}

/* Header checks, unknown payloads, duplicates, limits, the SK payload's place. */
static void
test_ikev2_msg_chain_rules(void)
{
	static const uint8_t unk[6] = { 1, 2, 3, 4, 5, 6 };
	static const uint8_t sk[40] = { 0 };
	static struct ikev2_msg m;
	struct ike_buf b;
	unsigned int i;
	int len;

	/* versions: 3.0 -> INVALID_MAJOR_VERSION, 1.0 -> drop, 2.1 -> fine (§2.5) */
	len = build_all(buf, sizeof(buf));
	buf[17] = 0x30;
	CU_ASSERT_EQUAL(ikev2_msg_parse(buf, (size_t)len, &m), -EPROTONOSUPPORT);
	CU_ASSERT_EQUAL(m.error, IKEV2_N_INVALID_MAJOR_VERSION);
	buf[17] = 0x10;
	CU_ASSERT_EQUAL(ikev2_msg_parse(buf, (size_t)len, &m), -EPROTONOSUPPORT);
	CU_ASSERT_EQUAL(m.error, IKEV2_N_NONE);
	buf[17] = 0x21;
	CU_ASSERT_EQUAL(ikev2_msg_parse(buf, (size_t)len, &m), 0);
	buf[17] = 0x20;
	/* Reserved flag bits are ignored on receipt (§3.1). */
	buf[19] |= 0xc7;
	CU_ASSERT_EQUAL(ikev2_msg_parse(buf, (size_t)len, &m), 0);
	buf[19] = IKEV2_FLAG_I;
	/* SPIi zero: drop */
	memset(buf, 0, 8);
	CU_ASSERT_EQUAL(ikev2_msg_parse(buf, (size_t)len, &m), -EBADMSG);
	CU_ASSERT_EQUAL(m.error, IKEV2_N_NONE);

	/* An unknown payload: skipped; with the critical bit: UNSUPPORTED_CRITICAL_PAYLOAD. */
	start(&b, buf, sizeof(buf));
	ikev2_msg_build_nonce(&b, nonce, sizeof(nonce));
	raw_payload(&b, 60, 0, unk, sizeof(unk));
	ikev2_msg_build_notify(&b, 0, NULL, 0, IKEV2_N_INITIAL_CONTACT, NULL, 0);
	len = ikev2_msg_build_finish(&b);
	CU_ASSERT_EQUAL(ikev2_msg_parse(buf, (size_t)len, &m), 0);
	CU_ASSERT_EQUAL(m.n_unknown, 1);
	CU_ASSERT_EQUAL(m.n_notifies, 1);
	CU_ASSERT_EQUAL(m.n_payloads, 3);
	start(&b, buf, sizeof(buf));
	ikev2_msg_build_nonce(&b, nonce, sizeof(nonce));
	raw_payload(&b, 60, IKE_PAYLOAD_CRIT, unk, sizeof(unk));
	len = ikev2_msg_build_finish(&b);
	CU_ASSERT_EQUAL(ikev2_msg_parse(buf, (size_t)len, &m), -EOPNOTSUPP);
	CU_ASSERT_EQUAL(m.error, IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD);
	CU_ASSERT_EQUAL(m.error_payload, 60);
	/* The critical bit on a known payload changes nothing. */
	start(&b, buf, sizeof(buf));
	raw_payload(&b, IKEV2_PL_NONCE, IKE_PAYLOAD_CRIT, nonce, sizeof(nonce));
	len = ikev2_msg_build_finish(&b);
	CU_ASSERT_EQUAL(ikev2_msg_parse(buf, (size_t)len, &m), 0);

	/* Duplicates of single payloads: INVALID_SYNTAX naming the type. */
	start(&b, buf, sizeof(buf));
	ikev2_msg_build_nonce(&b, nonce, sizeof(nonce));
	ikev2_msg_build_ke(&b, 19, ke, sizeof(ke));
	ikev2_msg_build_nonce(&b, nonce, sizeof(nonce));
	len = ikev2_msg_build_finish(&b);
	CU_ASSERT_EQUAL(ikev2_msg_parse(buf, (size_t)len, &m), -EBADMSG);
	CU_ASSERT_EQUAL(m.error, IKEV2_N_INVALID_SYNTAX);
	CU_ASSERT_EQUAL(m.error_payload, IKEV2_PL_NONCE);
	start(&b, buf, sizeof(buf));
	ikev2_msg_build_ke(&b, 19, ke, sizeof(ke));
	ikev2_msg_build_ke(&b, 19, ke, sizeof(ke));
	len = ikev2_msg_build_finish(&b);
	CU_ASSERT_EQUAL(ikev2_msg_parse(buf, (size_t)len, &m), -EBADMSG);
	CU_ASSERT_EQUAL(m.error_payload, IKEV2_PL_KE);
	start(&b, buf, sizeof(buf));
	ikev2_msg_build_auth(&b, 2, authd, sizeof(authd));
	ikev2_msg_build_auth(&b, 2, authd, sizeof(authd));
	len = ikev2_msg_build_finish(&b);
	CU_ASSERT_EQUAL(ikev2_msg_parse(buf, (size_t)len, &m), -EBADMSG);
	CU_ASSERT_EQUAL(m.error_payload, IKEV2_PL_AUTH);

	/* Limits: IKEV2_NOTIFIES_MAX notifies fit, one more is -E2BIG (drop). */
	for (i = IKEV2_NOTIFIES_MAX; i <= IKEV2_NOTIFIES_MAX + 1; i++) {
		unsigned int k;

		start(&b, buf, sizeof(buf));
		for (k = 0; k < i; k++)
			ikev2_msg_build_notify(&b, 0, NULL, 0, (uint16_t)(16384 + k), NULL, 0);
		len = ikev2_msg_build_finish(&b);
		CU_ASSERT_EQUAL(ikev2_msg_parse(buf, (size_t)len, &m),
		    i == IKEV2_NOTIFIES_MAX ? 0 : -E2BIG);
	}
	/* More payloads than IKE_PAYLOADS_MAX. */
	start(&b, buf, sizeof(buf));
	for (i = 0; i <= IKE_PAYLOADS_MAX; i++)
		raw_payload(&b, 60, 0, NULL, 0);
	len = ikev2_msg_build_finish(&b);
	CU_ASSERT_EQUAL(ikev2_msg_parse(buf, (size_t)len, &m), -E2BIG);
	CU_ASSERT_EQUAL(m.error, IKEV2_N_NONE);

	/* SK: last, its Next Payload the first inner type; not last is invalid. */
	start(&b, buf, sizeof(buf));
	ikev2_msg_build_vid(&b, vid, sizeof(vid));
	raw_payload(&b, IKEV2_PL_SK, 0, sk, sizeof(sk));
	len = ikev2_msg_build_finish(&b);
	buf[len - (int)sizeof(sk) - 4] = IKEV2_PL_IDI; /* the SK header's Next Payload */
	CU_ASSERT_EQUAL(ikev2_msg_parse(buf, (size_t)len, &m), 0);
	CU_ASSERT(m.has_sk && m.sk.inner == IKEV2_PL_IDI && m.sk.len == sizeof(sk));
	CU_ASSERT_EQUAL(m.sk.off, (size_t)len - sizeof(sk) - 4);
	CU_ASSERT(m.sk.data == buf + len - sizeof(sk));
	start(&b, buf, sizeof(buf));
	raw_payload(&b, IKEV2_PL_SK, 0, sk, sizeof(sk));
	ikev2_msg_build_vid(&b, vid, sizeof(vid));
	len = ikev2_msg_build_finish(&b);
	CU_ASSERT_EQUAL(ikev2_msg_parse(buf, (size_t)len, &m), -EBADMSG);
	CU_ASSERT_EQUAL(m.error_payload, IKEV2_PL_SK);

	/* The inner chain: SK inside is invalid, duplicates across inside and outside too. */
	start(&b, buf, sizeof(buf));
	ikev2_msg_build_nonce(&b, nonce, sizeof(nonce));
	raw_payload(&b, IKEV2_PL_SK, 0, sk, sizeof(sk));
	len = ikev2_msg_build_finish(&b);
	CU_ASSERT_EQUAL_FATAL(ikev2_msg_parse(buf, (size_t)len, &m), 0);
	{
		uint8_t inner[256];
		struct ike_buf ib;

		ike_payload_buf_init(&ib, inner, sizeof(inner));
		ikev2_msg_build_id(&ib, IKEV2_PL_IDI, IKEV2_ID_IPV4_ADDR, idi, 4);
		ikev2_msg_build_nonce(&ib, nonce, sizeof(nonce));
		CU_ASSERT_EQUAL_FATAL(ike_payload_buf_finish(&ib), 0);
		CU_ASSERT_EQUAL(ikev2_msg_parse_inner(&m, ib.first, inner, ib.len), -EBADMSG);
		CU_ASSERT_EQUAL(m.error_payload, IKEV2_PL_NONCE);

		CU_ASSERT_EQUAL_FATAL(ikev2_msg_parse(buf, (size_t)len, &m), 0);
		ike_payload_buf_init(&ib, inner, sizeof(inner));
		ikev2_msg_build_id(&ib, IKEV2_PL_IDI, IKEV2_ID_IPV4_ADDR, idi, 4);
		raw_payload(&ib, IKEV2_PL_SK, 0, sk, sizeof(sk));
		CU_ASSERT_EQUAL_FATAL(ike_payload_buf_finish(&ib), 0);
		CU_ASSERT_EQUAL(ikev2_msg_parse_inner(&m, ib.first, inner, ib.len), -EBADMSG);
		CU_ASSERT_EQUAL(m.error_payload, IKEV2_PL_SK);

		CU_ASSERT_EQUAL_FATAL(ikev2_msg_parse(buf, (size_t)len, &m), 0);
		CU_ASSERT_EQUAL(ikev2_msg_parse_inner(&m, IKEV2_PL_NONE, inner, 0), 0);
		CU_ASSERT(m.decrypted);
		CU_ASSERT_EQUAL(ikev2_msg_parse_inner(&m, IKEV2_PL_NONE, inner, 4), -EBADMSG);
	}
}

static void
test_ikev2_msg_build_errors(void)
{
	struct ikev2_sa_payload sa;
	struct ikev2_ts_payload ts;
	uint8_t small[40];
	struct ike_buf b;

	start(&b, buf, sizeof(buf));
	CU_ASSERT_EQUAL(ikev2_msg_build_nonce(&b, nonce, 15), -EINVAL);
	CU_ASSERT_EQUAL(ikev2_msg_build_finish(&b), -EINVAL);
	start(&b, buf, sizeof(buf));
	CU_ASSERT_EQUAL(ikev2_msg_build_notify(&b, 3, esp_spis, 3, 1, NULL, 0), -EINVAL);
	start(&b, buf, sizeof(buf));
	CU_ASSERT_EQUAL(ikev2_msg_build_delete(&b, IKEV2_PROTO_IKE, 4, esp_spis, 1), -EINVAL);
	start(&b, buf, sizeof(buf));
	CU_ASSERT_EQUAL(ikev2_msg_build_delete(&b, IKEV2_PROTO_ESP, 4, esp_spis, 0), -EINVAL);
	start(&b, buf, sizeof(buf));
	CU_ASSERT_EQUAL(ikev2_msg_build_id(&b, IKEV2_PL_AUTH, 1, idi, 4), -EINVAL);
	start(&b, buf, sizeof(buf));
	fill_sa(&sa);
	sa.n = 0;
	CU_ASSERT_EQUAL(ikev2_msg_build_sa(&b, &sa), -EINVAL);
	start(&b, buf, sizeof(buf));
	fill_sa(&sa);
	sa.p[1].n_transforms = IKEV2_TRANSFORMS_MAX + 1;
	CU_ASSERT_EQUAL(ikev2_msg_build_sa(&b, &sa), -EINVAL);
	start(&b, buf, sizeof(buf));
	fill_ts(&ts, true);
	ts.ts[1].type = 9;
	CU_ASSERT_EQUAL(ikev2_msg_build_ts(&b, IKEV2_PL_TSI, &ts), -EINVAL);
	start(&b, buf, sizeof(buf));
	CU_ASSERT_EQUAL(ikev2_msg_build_eap(&b, eap, sizeof(eap) - 1), -EINVAL);
	/* No room: -ENOSPC, sticky. */
	start(&b, small, sizeof(small));
	CU_ASSERT_EQUAL(ikev2_msg_build_nonce(&b, nonce, sizeof(nonce)), -ENOSPC);
	CU_ASSERT_EQUAL(ikev2_msg_build_vid(&b, vid, 1), -ENOSPC);
	CU_ASSERT_EQUAL(ikev2_msg_build_finish(&b), -ENOSPC);
}

static void
test_ikev2_msg_names(void)
{
	CU_ASSERT_STRING_EQUAL(ikev2_msg_notify_name(IKEV2_N_INVALID_SYNTAX), "INVALID_SYNTAX");
	CU_ASSERT_STRING_EQUAL(ikev2_msg_notify_name(IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD),
	    "UNSUPPORTED_CRITICAL_PAYLOAD");
	CU_ASSERT_STRING_EQUAL(ikev2_msg_notify_name(IKEV2_N_SIGNATURE_HASH_ALGORITHMS),
	    "SIGNATURE_HASH_ALGORITHMS");
	CU_ASSERT_STRING_EQUAL(ikev2_msg_notify_name(12345), "UNKNOWN");
	CU_ASSERT_STRING_EQUAL(ikev2_msg_payload_name(IKEV2_PL_SA), "SA");
	CU_ASSERT_STRING_EQUAL(ikev2_msg_payload_name(IKEV2_PL_EAP), "EAP");
	CU_ASSERT_STRING_EQUAL(ikev2_msg_payload_name(IKEV2_PL_SKF), "SKF");
	CU_ASSERT_STRING_EQUAL(ikev2_msg_payload_name(49), "UNKNOWN");
}

/* IKEV2_MSG_CORPUS=DIR: write the fuzzer's seeds (tests/fuzz/corpus/ikev2_msg). */
static void
write_file(const char *dir, const char *name, const uint8_t *p, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f == NULL)
		return;
	fwrite(p, 1, len, f);
	fclose(f);
}

static void
write_corpus(const char *dir)
{
	/* fuzz_ikev2_msg.c reads an input also as a reassembler script of
	 * records (msgid, number, total, next payload, length, bytes). */
	static const uint8_t script[] = { 1, 1, 2, IKEV2_PL_IDI, 4, 'a', 'b', 'c', 'd', 1, 2, 2, 0,
		3, 'x', 'y', 'z', 2, 2, 2, 0, 2, 0xee, 0xee };
	int len;

	len = build_all(buf, sizeof(buf));
	if (len > 0)
		write_file(dir, "all_payloads.bin", buf, (size_t)len);
	write_file(dir, "ss_init_req.bin", ss_cbc_init_req, sizeof(ss_cbc_init_req));
	write_file(dir, "ss_init_resp.bin", ss_gcm_init_resp, sizeof(ss_gcm_init_resp));
	write_file(dir, "ss_auth_req.bin", ss_cbc_auth_req, sizeof(ss_cbc_auth_req));
	/* an inner chain: the first byte is the SK payload's Next Payload */
	buf[0] = IKEV2_PL_IDI;
	memcpy(buf + 1, ss_cbc_auth_req_plain, sizeof(ss_cbc_auth_req_plain));
	write_file(dir, "inner_auth_req.bin", buf, 1 + sizeof(ss_cbc_auth_req_plain));
	write_file(dir, "reasm_script.bin", script, sizeof(script));
}

int
main(void)
{
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{ "test_ikev2_msg_strongswan_init", test_ikev2_msg_strongswan_init },
		{ "test_ikev2_msg_round_trip", test_ikev2_msg_round_trip },
		{ "test_ikev2_msg_rebuild_exact", test_ikev2_msg_rebuild_exact },
		{ "test_ikev2_msg_truncated", test_ikev2_msg_truncated },
		{ "test_ikev2_msg_bad_proposals", test_ikev2_msg_bad_proposals },
		{ "test_ikev2_msg_bad_payloads", test_ikev2_msg_bad_payloads },
		{ "test_ikev2_msg_chain_rules", test_ikev2_msg_chain_rules },
		{ "test_ikev2_msg_build_errors", test_ikev2_msg_build_errors },
		{ "test_ikev2_msg_names", test_ikev2_msg_names },
	};
	const char *corpus = getenv("IKEV2_MSG_CORPUS");
	CU_pSuite s;
	unsigned int fails;
	size_t i;

	if (corpus != NULL && corpus[0] != '\0')
		write_corpus(corpus);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("ikev2_msg", NULL, NULL);
	for (i = 0; i < DIM(tests); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return fails == 0 ? 0 : 1;
}
