/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/slowpath/ike/test_ikev1_prop.c: IKEv1 proposals and ID payloads as traffic selectors. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "config/config.h"
#include "slowpath/ike/ikev1_msg.h"
#include "slowpath/ike/ikev1_prop.h"

#define DIM(a) (sizeof(a) / sizeof((a)[0]))

static struct config_ts
ts(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint8_t len, int proto, uint16_t p0, uint16_t p1)
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

/* ID payloads <-> selectors (RFC 2407 §4.6.2). */
static void
test_ikev1_prop_ts_id(void)
{
	struct config_ts t = ts(198, 51, 100, 0, 24, -1, 0, 65535), back;
	uint8_t data[32];
	struct ikev1_id id;
	static const uint8_t subnet[8] = { 198, 51, 100, 0, 255, 255, 255, 0 };
	static const uint8_t badmask[8] = { 198, 51, 100, 0, 255, 0, 255, 0 };
	static const uint8_t range[8] = { 203, 0, 113, 0, 203, 0, 113, 255 };
	static const uint8_t badrange[8] = { 203, 0, 113, 1, 203, 0, 113, 200 };

	CU_ASSERT_EQUAL(ikev1_prop_ts_to_id(&t, data, &id), 0);
	CU_ASSERT_EQUAL(id.type, IKEV1_ID_IPV4_ADDR_SUBNET);
	CU_ASSERT_EQUAL(id.len, 8);
	CU_ASSERT_EQUAL(memcmp(id.data, subnet, 8), 0);
	CU_ASSERT_EQUAL(id.port, 0);
	CU_ASSERT_EQUAL(id.proto, 0);
	CU_ASSERT_EQUAL(ikev1_prop_ts_from_id(&id, &back), 0);
	CU_ASSERT_EQUAL(back.net.len, 24);
	CU_ASSERT_EQUAL(back.protocol, -1);
	CU_ASSERT_EQUAL(back.ports.last, 65535);
	/* a host with a port */
	t = ts(192, 0, 2, 7, 32, 17, 500, 500);
	CU_ASSERT_EQUAL(ikev1_prop_ts_to_id(&t, data, &id), 0);
	CU_ASSERT_EQUAL(id.type, IKEV1_ID_IPV4_ADDR);
	CU_ASSERT_EQUAL(id.proto, 17);
	CU_ASSERT_EQUAL(id.port, 500);
	CU_ASSERT_EQUAL(ikev1_prop_ts_from_id(&id, &back), 0);
	CU_ASSERT_EQUAL(back.protocol, 17);
	CU_ASSERT_EQUAL(back.ports.first, 500);
	CU_ASSERT_EQUAL(back.ports.last, 500);
	/* a port range IKEv1 cannot carry */
	t = ts(192, 0, 2, 7, 32, 6, 1000, 2000);
	CU_ASSERT_EQUAL(ikev1_prop_ts_to_id(&t, data, &id), -EINVAL);
	/* non-contiguous mask, ranges that are / are not a prefix, unknown type */
	id = (struct ikev1_id){ .type = IKEV1_ID_IPV4_ADDR_SUBNET, .data = badmask, .len = 8 };
	CU_ASSERT_EQUAL(ikev1_prop_ts_from_id(&id, &back), -EINVAL);
	id = (struct ikev1_id){ .type = IKEV1_ID_IPV4_ADDR_RANGE, .data = range, .len = 8 };
	CU_ASSERT_EQUAL(ikev1_prop_ts_from_id(&id, &back), 0);
	CU_ASSERT_EQUAL(back.net.len, 24);
	id = (struct ikev1_id){ .type = IKEV1_ID_IPV4_ADDR_RANGE, .data = badrange, .len = 8 };
	CU_ASSERT_EQUAL(ikev1_prop_ts_from_id(&id, &back), -EINVAL);
	id = (struct ikev1_id){ .type = IKEV1_ID_FQDN, .data = range, .len = 8 };
	CU_ASSERT_EQUAL(ikev1_prop_ts_from_id(&id, &back), -EINVAL);
	/* IPv6 /64 and the host bits cleared */
	{
		uint8_t v6[32] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5 };

		memset(v6 + 16, 0xff, 8);
		id = (struct ikev1_id){ .type = IKEV1_ID_IPV6_ADDR_SUBNET, .data = v6, .len = 32 };
		CU_ASSERT_EQUAL(ikev1_prop_ts_from_id(&id, &back), 0);
		CU_ASSERT_EQUAL(back.net.a.family, 6);
		CU_ASSERT_EQUAL(back.net.len, 64);
		CU_ASSERT_EQUAL(back.net.a.addr[15], 0);
	}
}

static void
test_ikev1_prop_ts_narrow(void)
{
	struct config_ts wide = ts(198, 51, 0, 0, 16, -1, 0, 65535);
	struct config_ts narrow = ts(198, 51, 100, 0, 24, 17, 0, 65535);
	struct config_ts other = ts(203, 0, 113, 0, 24, -1, 0, 65535);
	struct config_ts host = ts(198, 51, 100, 9, 32, 6, 443, 443);
	struct config_ts out, dyn = { .dynamic = true, .protocol = -1, .ports = { 0, 65535 } };
	struct config_addr ike = { .family = 4, .addr = { 192, 0, 2, 1 } };
	char buf[96];

	CU_ASSERT_TRUE(ikev1_prop_ts_contains(&wide, &narrow));
	CU_ASSERT_FALSE(ikev1_prop_ts_contains(&narrow, &wide));
	CU_ASSERT_FALSE(ikev1_prop_ts_contains(&wide, &other));
	CU_ASSERT_FALSE(ikev1_prop_ts_contains(&narrow, &host)); /* udp vs tcp */
	CU_ASSERT_TRUE(ikev1_prop_ts_narrow(&wide, &narrow, &out));
	CU_ASSERT_EQUAL(out.net.len, 24);
	CU_ASSERT_EQUAL(out.protocol, 17);
	CU_ASSERT_TRUE(ikev1_prop_ts_narrow(&narrow, &wide, &out));
	CU_ASSERT_EQUAL(out.net.len, 24);
	CU_ASSERT_FALSE(ikev1_prop_ts_narrow(&wide, &other, &out));
	CU_ASSERT_FALSE(ikev1_prop_ts_narrow(&narrow, &host, &out));
	CU_ASSERT_TRUE(ikev1_prop_ts_narrow(&wide, &host, &out));
	CU_ASSERT_EQUAL(out.ports.first, 443);
	ikev1_prop_ts_resolve(&dyn, &ike, &out);
	CU_ASSERT_FALSE(out.dynamic);
	CU_ASSERT_EQUAL(out.net.len, 32);
	CU_ASSERT_EQUAL(out.net.a.addr[3], 1);
	ikev1_prop_ts_format(&host, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "198.51.100.9/32[tcp/443]");
	ikev1_prop_ts_format(&wide, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "198.51.0.0/16");
}

/* Our phase-1 offer, read back by the responder's selection. */

/* Set the authentication method attribute of every transform of @sa. */
static void
set_auth(struct ikev1_sa *sa, uint16_t auth)
{
	unsigned int i;

	for (i = 0; i < sa->n_attrs; i++)
		if (sa->attrs[i].type == IKEV1_ATTR_AUTH_METHOD)
			sa->attrs[i].u = auth;
}
static void
test_ikev1_prop_p1(void)
{
	struct config_connection c;
	struct ikev1_sa *sa = calloc(1, sizeof(*sa));
	struct ikev1_p1_prop p;
	unsigned int pi, ti;
	const char *why;
	char list[128];

	memset(&c, 0, sizeof(c));
	c.local.auth = c.remote.auth = CONFIG_AUTH_PSK;
	c.n_proposals = 3;
	c.proposals[0] = (struct config_ike_proposal){ .encr = 20,
		.encr_bits = 128,
		.prf = 5,
		.dh = 19 }; /* GCM: IKEv1 has none, left out */
	c.proposals[1] = (struct config_ike_proposal){ .encr = 12,
		.encr_bits = 256,
		.prf = 6,
		.dh = 20,
		.integ = 13 };
	c.proposals[2] = (struct config_ike_proposal){ .encr = 12,
		.encr_bits = 128,
		.prf = 2,
		.dh = 14,
		.integ = 2 };
	CU_ASSERT_EQUAL(ikev1_prop_p1_offer(&c, 28800, IKEV1_AUTH_PSK, sa), 2);
	CU_ASSERT_EQUAL(sa->n_proposals, 1);
	CU_ASSERT_EQUAL(sa->proposals[0].proto, IKEV1_PROTO_ISAKMP);
	ikev1_prop_p1_list(sa, list, sizeof(list));
	CU_ASSERT_STRING_EQUAL(list, "aes256-sha384-ecp384,aes128-sha1-modp2048");
	/* a responder that has only the second */
	c.n_proposals = 1;
	c.proposals[0] = c.proposals[2];
	CU_ASSERT_EQUAL(ikev1_prop_p1_select(sa, &c, IKEV1_AUTH_PSK, &p, &pi, &ti, &why),
	    IKEV1_N_NONE);
	CU_ASSERT_EQUAL(ti, 1);
	CU_ASSERT_EQUAL(p.group, 14);
	CU_ASSERT_EQUAL(p.hash, IKEV1_HASH_SHA1);
	CU_ASSERT_EQUAL(p.life_s, 28800);
	CU_ASSERT_STRING_EQUAL(p.name, "aes128-sha1-modp2048");
	/* none: NO-PROPOSAL-CHOSEN with a reason */
	c.proposals[0].dh = 15;
	CU_ASSERT_EQUAL(ikev1_prop_p1_select(sa, &c, IKEV1_AUTH_PSK, &p, &pi, &ti, &why),
	    IKEV1_N_NO_PROPOSAL_CHOSEN);
	CU_ASSERT_PTR_NOT_NULL(why);
	/* RSA signatures are refused by name */
	sa->attrs[3].u = IKEV1_AUTH_RSA_SIG;
	CU_ASSERT_EQUAL(ikev1_prop_p1_select(sa, &c, IKEV1_AUTH_PSK, &p, &pi, &ti, &why),
	    IKEV1_N_NO_PROPOSAL_CHOSEN);
	CU_ASSERT_STRING_EQUAL(why,
	    "the peer offers signatures, the connection uses pre-shared keys");
	/* ... and taken by a connection with an RSA key, not by one with an ECDSA key */
	c.proposals[0].dh = 14;
	set_auth(sa, IKEV1_AUTH_RSA_SIG);
	CU_ASSERT_EQUAL(ikev1_prop_p1_select(sa, &c, IKEV1_AUTH_RSA_SIG, &p, &pi, &ti, &why),
	    IKEV1_N_NONE);
	CU_ASSERT_EQUAL(p.auth, IKEV1_AUTH_RSA_SIG);
	CU_ASSERT_EQUAL(ikev1_prop_p1_select(sa, &c, IKEV1_AUTH_ECDSA_256, &p, &pi, &ti, &why),
	    IKEV1_N_NO_PROPOSAL_CHOSEN);
	CU_ASSERT_EQUAL(ikev1_prop_p1_select(sa, &c, 0, &p, &pi, &ti, &why),
	    IKEV1_N_NO_PROPOSAL_CHOSEN);
	/* any ECDSA method fits an ECDSA key (the certificate's key decides) */
	set_auth(sa, IKEV1_AUTH_ECDSA_384);
	CU_ASSERT_EQUAL(ikev1_prop_p1_select(sa, &c, IKEV1_AUTH_ECDSA_256, &p, &pi, &ti, &why),
	    IKEV1_N_NONE);
	CU_ASSERT_EQUAL(p.auth, IKEV1_AUTH_ECDSA_384);
	CU_ASSERT_EQUAL(ikev1_prop_p1_select(sa, &c, IKEV1_AUTH_PSK, &p, &pi, &ti, &why),
	    IKEV1_N_NO_PROPOSAL_CHOSEN);
	/* our offer carries our method */
	CU_ASSERT_EQUAL(ikev1_prop_p1_offer(&c, 0, IKEV1_AUTH_ECDSA_256, sa), 1);
	CU_ASSERT_EQUAL(sa->attrs[3].type, IKEV1_ATTR_AUTH_METHOD);
	CU_ASSERT_EQUAL(sa->attrs[3].u, IKEV1_AUTH_ECDSA_256);
	CU_ASSERT_EQUAL(ikev1_prop_p1_offer(&c, 0, 0, sa), 0);
	free(sa);
}

/* ESP offer and choice: GCM, CBC with ESN, PFS, encapsulation modes. */
static void
test_ikev1_prop_p2(void)
{
	struct config_child ch;
	struct ikev1_sa *sa = calloc(1, sizeof(*sa));
	struct ikev1_p2_prop p;
	uint8_t spi[4] = { 0xc0, 0xff, 0xee, 0x01 };
	unsigned int pi, ti;
	const char *why;
	char err[64];

	memset(&ch, 0, sizeof(ch));
	ch.mode = CONFIG_MODE_TUNNEL;
	ch.life_time = 3600;
	ch.n_esp_proposals = 2;
	CU_ASSERT_EQUAL_FATAL(alg_proposal_parse("aes256gcm16", ALG_PROTO_ESP,
	                          &ch.esp_proposals[0].alg, err, sizeof(err)),
	    0);
	CU_ASSERT_EQUAL_FATAL(alg_proposal_parse("aes128-sha256", ALG_PROTO_ESP,
	                          &ch.esp_proposals[1].alg, err, sizeof(err)),
	    0);
	ch.esp_proposals[1].esn = ch.esp_proposals[1].noesn = true;
	CU_ASSERT_EQUAL(ikev1_prop_p2_offer(&ch, spi, 0,
	                    ikev1_prop_encap_mode(CONFIG_MODE_TUNNEL, true, false), sa),
	    3);
	CU_ASSERT_EQUAL(sa->transforms[0].id, IKEV1_ESP_AES_GCM_16);
	CU_ASSERT_EQUAL(sa->transforms[1].id, IKEV1_ESP_AES_CBC);
	CU_ASSERT_EQUAL(sa->proposals[0].spi_size, 4);
	/* a responder with only CBC + ESN picks the ESN transform */
	ch.n_esp_proposals = 1;
	ch.esp_proposals[0] = ch.esp_proposals[1];
	ch.esp_proposals[0].noesn = false;
	CU_ASSERT_EQUAL(ikev1_prop_p2_select(sa, &ch, false, &p, &pi, &ti, &why), IKEV1_N_NONE);
	CU_ASSERT_EQUAL(ti, 2);
	CU_ASSERT_TRUE(p.esn);
	CU_ASSERT_TRUE(p.encap);
	CU_ASSERT_EQUAL(p.encap_mode, IKEV1_ENCAP_UDP_TUNNEL);
	CU_ASSERT_EQUAL(p.life_s, 3600);
	/* transport mode wanted: nothing */
	ch.mode = CONFIG_MODE_TRANSPORT;
	CU_ASSERT_EQUAL(ikev1_prop_p2_select(sa, &ch, false, &p, &pi, &ti, &why),
	    IKEV1_N_NO_PROPOSAL_CHOSEN);
	ch.mode = CONFIG_MODE_TUNNEL;
	/* PFS wanted but the offer has no group */
	ch.esp_proposals[0].dh = 14;
	CU_ASSERT_EQUAL(ikev1_prop_p2_select(sa, &ch, true, &p, &pi, &ti, &why),
	    IKEV1_N_NO_PROPOSAL_CHOSEN);
	CU_ASSERT_EQUAL(ikev1_prop_encap_mode(CONFIG_MODE_TRANSPORT, true, true),
	    IKEV1_ENCAP_UDP_TRANSPORT_DRAFT);
	CU_ASSERT_EQUAL(ikev1_prop_encap_mode(CONFIG_MODE_TUNNEL, false, true), IKEV1_ENCAP_TUNNEL);
	free(sa);
}

int main(void);

int
main(void)
{
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{ "test_ikev1_prop_ts_id", test_ikev1_prop_ts_id },
		{ "test_ikev1_prop_ts_narrow", test_ikev1_prop_ts_narrow },
		{ "test_ikev1_prop_p1", test_ikev1_prop_p1 },
		{ "test_ikev1_prop_p2", test_ikev1_prop_p2 },
	};
	CU_pSuite s;
	unsigned int fails;
	size_t i;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("ikev1_prop", NULL, NULL);
	for (i = 0; i < DIM(tests); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return fails == 0 ? 0 : 1;
}
