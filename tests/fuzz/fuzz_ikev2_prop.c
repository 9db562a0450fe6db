/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/fuzz/fuzz_ikev2_prop.c: libFuzzer target for what follows the IKEv2 codec: proposal selection and checks, selectors, identities, AUTH data. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "config/config.h"
#include "slowpath/ike/ike_crypto.h"
#include "slowpath/ike/ike_id.h"
#include "slowpath/ike/ike_ts.h"
#include "slowpath/ike/ikev2_auth.h"
#include "slowpath/ike/ikev2_msg.h"
#include "slowpath/ike/ikev2_prop.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Every input is parsed as a whole datagram and as a decrypted inner chain
 * (first byte: the first payload's type), as fuzz_ikev2_msg.c does, and
 * what parses goes where the state machine will send it: the SA payload
 * through responder selection (both preference orders, with and without
 * DH, the KE payload's group) and the initiator's check, TSi/TSr through
 * narrowing, the subset check and the installer form, IDi/IDr through
 * identity parsing and matching, SIGNATURE_HASH_ALGORITHMS through the
 * hash choice, AUTH data through PSK verification and the RFC 7427
 * AlgorithmIdentifier parser.  The raw input also goes to the
 * AlgorithmIdentifier and hash list parsers directly.  Results must be
 * consistent: a selection's reply passes the initiator's check.
 */

static struct ikev2_msg m;
static struct config_connection conn;
static struct config_child child;
static struct config cfg;
static struct config_secret secret;
static bool ready;

/* A minimal protected INFORMATIONAL request, to carry fuzzed inner chains. */
static const uint8_t carrier[] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, /* SPIs */
	IKEV2_PL_SK, 0x20, IKEV2_EXCH_INFORMATIONAL, IKEV2_FLAG_I, 0, 0, 0, 2, 0, 0, 0, 36, 0, 0, 0,
	8, 0, 0, 0, 0, /* SK: Next Payload 0, 4 bytes */
};

static void
setup(void)
{
	char err[128];

	memset(&conn, 0, sizeof(conn));
	conn.n_proposals = 3;
	conn.proposals[0] = (struct config_ike_proposal){ .encr = 12,
		.encr_bits = 128,
		.integ = 12,
		.prf = 5,
		.dh = 14 };
	conn.proposals[1] =
	    (struct config_ike_proposal){ .encr = 20, .encr_bits = 256, .prf = 6, .dh = 20 };
	conn.proposals[2] = (struct config_ike_proposal){ .encr = 12,
		.encr_bits = 256,
		.integ = 14,
		.prf = 7,
		.dh = 31 };
	conn.remote.id_type = CONFIG_ID_FQDN;
	strcpy(conn.remote.id, "peer.example.org");
	memset(&child, 0, sizeof(child));
	child.n_esp_proposals = 2;
	if (alg_proposal_parse("aes128gcm16", ALG_PROTO_ESP, &child.esp_proposals[0].alg, err,
	        sizeof(err)) != 0 ||
	    alg_proposal_parse("aes256-sha512", ALG_PROTO_ESP, &child.esp_proposals[1].alg, err,
	        sizeof(err)) != 0)
		abort();
	child.esp_proposals[0].esn = child.esp_proposals[0].noesn = true;
	child.esp_proposals[1].dh = 19;
	child.n_local_ts = 2;
	child.local_ts[0] =
	    (struct config_ts){ .net = { .a = { .family = 4, .addr = { 198, 51, 100, 0 } },
		                    .len = 24 },
		    .protocol = -1,
		    .ports = { 0, 65535 } };
	child.local_ts[1] =
	    (struct config_ts){ .dynamic = true, .protocol = 17, .ports = { 500, 4500 } };
	child.n_remote_ts = 1;
	child.remote_ts[0] =
	    (struct config_ts){ .net = { .a = { .family = 6, .addr = { 0x20, 0x01, 0x0d, 0xb8 } },
		                    .len = 32 },
		    .protocol = 6,
		    .ports = { 1, 1024 } };
	secret.secret_len = 8;
	memcpy(secret.secret, "fuzz-psk", 8);
	cfg.n_secrets = 1;
	cfg.secrets = &secret;
	ready = true;
}

static void
proposals(const struct ikev2_sa_payload *sa, uint16_t ke)
{
	struct ikev2_sa_payload one = { .n = 1 };
	struct ikev2_proposal reply;
	struct ikev2_prop_ike ike;
	struct ikev2_prop_esp esp;
	const char *why;
	char name[256];
	uint16_t want;
	unsigned int i, order;

	for (i = 0; i < sa->n; i++)
		ikev2_prop_name(&sa->p[i], name, sizeof(name));
	for (order = 0; order < 2; order++) {
		if (ikev2_prop_ike_select(sa, &conn, order == 0, 0, ke, &ike, &reply, &want,
		        &why) == IKEV2_N_NONE) {
			/* Our answer, to an offer of ours, passes our initiator check. */
			one.p[0] = reply;
			one.p[0].num = (uint8_t)(ike.index + 1);
			ikev2_prop_name(&reply, name, sizeof(name));
			if (ikev2_prop_ike_check(&one, &conn, 0, &ike, &why) != IKEV2_N_NONE)
				abort();
		}
		ikev2_prop_ike_select(sa, &conn, order == 0, 8, ke, &ike, &reply, &want, &why);
		if (ikev2_prop_esp_select(sa, &child, order == 0, false, 0, &esp, &reply, &want,
		        &why) == IKEV2_N_NONE) {
			one.p[0] = reply;
			one.p[0].num = (uint8_t)(esp.index + 1); /* every proposal usable here */
			if (ikev2_prop_esp_check(&one, &child, false, &esp, &why) != IKEV2_N_NONE)
				abort();
		}
		ikev2_prop_esp_select(sa, &child, order == 0, true, ke, &esp, &reply, &want, &why);
	}
	ikev2_prop_ike_check(sa, &conn, 0, &ike, &why);
	ikev2_prop_esp_check(sa, &child, true, &esp, &why);
}

static void
selectors(const struct ikev2_ts_payload *ts)
{
	struct config_addr ike = { .family = 4, .addr = { 192, 0, 2, 2 } };
	struct ikev2_ts_payload out;
	struct config_ts inst[CONFIG_TS_MAX];
	char text[128];
	int n, i;

	if (ikev2_prop_ts_narrow(ts, child.local_ts, child.n_local_ts, &ike, &out) ==
	    IKEV2_N_NONE) {
		/* What narrowing gives lies inside what was proposed. */
		if (ikev2_prop_ts_check(ts, &out) != IKEV2_N_NONE)
			abort();
	}
	ikev2_prop_ts_narrow(ts, child.remote_ts, child.n_remote_ts, &ike, &out);
	n = ikev2_prop_ts_install(ts, inst, CONFIG_TS_MAX);
	for (i = 0; i < n; i++)
		ike_ts_format(&inst[i], text, sizeof(text));
}

static void
identity(const struct ikev2_id *id)
{
	static struct ike_id x;
	enum config_id_type t;
	char text[512];
	uint8_t addr[16];

	if (ike_id_parse(id->type, id->data, id->len, &x) != 0)
		return;
	ike_id_match(&conn.remote, &x);
	if (ike_id_text(&x, &t, text, sizeof(text), addr) == 0)
		ike_id_psk_find(&cfg, CONFIG_ID_IPV4, "192.0.2.2",
		    (const uint8_t[]){ 192, 0, 2, 2 }, t, text, addr);
}

static void
auth(const struct ikev2_auth *a, const struct ikev2_id *id)
{
	static const uint8_t skp[32] = { 1, 2, 3 }, nonce[16] = { 4, 5, 6 };
	struct ikev2_auth_octets o = { .msg = carrier,
		.msg_len = sizeof(carrier),
		.nonce = nonce,
		.nonce_len = sizeof(nonce),
		.id = id != NULL ? id->body : NULL,
		.id_len = id != NULL ? id->body_len : 0,
		.prf = IKE_CRYPTO_PRF_HMAC_SHA2_256,
		.sk_p = skp,
		.sk_p_len = sizeof(skp) };
	uint16_t hash;
	bool rsa;

	if (a->method == IKEV2_AUTH_PSK && id != NULL)
		ikev2_auth_psk_verify(&o, secret.secret, secret.secret_len, a->data, a->len);
	if (a->method == IKEV2_AUTH_DIGITAL_SIG && a->len >= 1 && (size_t)a->data[0] + 1 <= a->len)
		ike_crypto_sig_algid_parse(a->data + 1, a->data[0], &rsa, &hash);
}

static void
notifies(void)
{
	const struct ikev2_notification *n;
	uint16_t h[IKEV2_AUTH_HASHES_MAX], hash;
	int k;

	n = ikev2_msg_notify_find(&m, IKEV2_N_SIGNATURE_HASH_ALGORITHMS);
	if (n == NULL)
		return;
	k = ikev2_auth_hashes_parse(n->data, n->data_len, h, IKEV2_AUTH_HASHES_MAX);
	if (k >= 0) {
		ikev2_auth_sig_choose(IKE_CRYPTO_SIG_RSA, h, (unsigned int)k, &hash);
		ikev2_auth_sig_choose(IKE_CRYPTO_SIG_ECDSA_P521, h, (unsigned int)k, &hash);
	}
}

static void
visit(void)
{
	if (m.has_sa)
		proposals(&m.sa, m.has_ke ? m.ke.group : 0);
	if (m.has_tsi)
		selectors(&m.tsi);
	if (m.has_tsr)
		selectors(&m.tsr);
	if (m.has_tsi && m.has_tsr)
		ikev2_prop_ts_check(&m.tsi, &m.tsr);
	if (m.has_idi)
		identity(&m.idi);
	if (m.has_idr)
		identity(&m.idr);
	if (m.has_auth)
		auth(&m.auth, m.has_idi ? &m.idi : m.has_idr ? &m.idr : NULL);
	notifies();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint16_t h[IKEV2_AUTH_HASHES_MAX], hash;
	bool rsa;

	if (!ready)
		setup();
	ike_crypto_sig_algid_parse(data, size, &rsa, &hash);
	ikev2_auth_hashes_parse(data, size, h, IKEV2_AUTH_HASHES_MAX);
	if (ikev2_msg_parse(data, size, &m) == 0)
		visit();
	if (size >= 1 && ikev2_msg_parse(carrier, sizeof(carrier), &m) == 0 &&
	    ikev2_msg_parse_inner(&m, data[0], data + 1, size - 1) == 0)
		visit();
	return 0;
}
