/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/slowpath/ike/test_ikev1_cert.c: two IKEv1 engines back to back with certificates: RSA and ECDSA main mode, refusals. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "common/alg.h"
#include "config/config.h"
#include "slowpath/ike/ike.h"
#include "slowpath/ike/ike_child.h"
#include "slowpath/ike/ike_crypto.h"
#include "slowpath/ike/ikev1_msg.h"

#include "harness.h"
#include "test_pki.h"

/*
 * Engines "I" (192.0.2.1) and "R" (192.0.2.2) of harness.h, with
 * auth pubkey: certificates made at start by make_certs.sh (openssl CLI)
 * into a temporary directory.
 *
 *   MM3 KE Ni CR NAT-D -> / <- MM4 KE Nr CR NAT-D
 *   MM5* IDii CERT [CERT] SIG_I -> / <- MM6* IDir CERT SIG_R
 */

static size_t longest; /* the longest message sent, for the report */

static void
note_len(const uint8_t *msg, size_t len)
{
	(void)msg;
	if (len > longest)
		longest = len;
}

/* A peer with auth pubkey: our chain @cert (and @inter), key @key, trusting @ca (CRL @crl). */
static void
cert_peer(struct peer *p, uint8_t me, uint8_t other, const char *cert, const char *inter,
    const char *key, const char *ca, const char *crl)
{
	peer_init(p, me == 1 ? "I" : "R", me, other, me == 1 ? 100 : 113, me == 1 ? 113 : 100);
	peer_pubkey(p, pki_dir, cert, inter, key, ca, crl);
	p->cfg.ike.half_open_max = 100;
}

static void
set_id(struct config_ike_auth *a, enum config_id_type t, const char *id)
{
	a->id_type = t;
	snprintf(a->id, sizeof(a->id), "%s", id);
}

static int
grab_id(void *arg, const struct ike_sa_info *info)
{
	snprintf(arg, CONFIG_ID_MAX, "%s", info->peer_id);
	return 0;
}

/* Both engines, I initiates, the wire runs dry; then counters, and both engines go. */
static void
run(struct ikev1_stats *si, struct ikev1_stats *sr, int want_rc)
{
	start();
	CU_ASSERT_EQUAL(ikev1_initiate(pi.e, now, 0), want_rc);
	pump();
	ikev1_stats_read(pi.e, si);
	ikev1_stats_read(pr.e, sr);
	pi.peer_id[0] = pr.peer_id[0] = '\0';
	ikev1_sa_list(pi.e, 0, 1, grab_id, pi.peer_id);
	ikev1_sa_list(pr.e, 0, 1, grab_id, pr.peer_id);
	ikev1_destroy(pi.e);
	ikev1_destroy(pr.e);
	pi.e = pr.e = NULL;
	pump(); /* the deletes of destroy go nowhere */
	clear_sent();
}

static void
expect_up(void)
{
	struct ikev1_stats si, sr;

	run(&si, &sr, 0);
	CU_ASSERT_EQUAL(si.p1_done, 1);
	CU_ASSERT_EQUAL(sr.p1_done, 1);
	CU_ASSERT_EQUAL(pi.n_up, 1);
	CU_ASSERT_EQUAL(pr.n_up, 1);
	CU_ASSERT_EQUAL(pi.up.spi_in, pr.up.spi_out);
	CU_ASSERT_EQUAL(pi.up.spi_out, pr.up.spi_in);
	CU_ASSERT_EQUAL(si.dropped[IKE_DROP_AUTH] + sr.dropped[IKE_DROP_AUTH], 0);
}

/* Refused: no phase 1, no SA pair on either side, one authentication drop at @who. */
static void
expect_refused(const struct peer *who)
{
	struct ikev1_stats si, sr;

	run(&si, &sr, 0);
	CU_ASSERT_EQUAL(pi.n_up + pr.n_up, 0);
	CU_ASSERT_EQUAL(si.p1_done, 0);
	CU_ASSERT_EQUAL((who == &pi ? si : sr).dropped[IKE_DROP_AUTH], 1);
	CU_ASSERT_EQUAL((who == &pi ? si : sr).p1_failed, 1);
	CU_ASSERT_EQUAL(si.sas[IKE_SA_STATE_ESTABLISHED], 0);
	CU_ASSERT_EQUAL(sr.sas[IKE_SA_STATE_ESTABLISHED], 0);
}

static void
test_ikev1_cert_rsa(void)
{
	SKIP_WITHOUT_PKI();
	/* I sends its intermediate too; identities default to the subjects (DNs). */
	cert_peer(&pi, 1, 2, "rsa-gw1.pem", "rsa-int.pem", "rsa-gw1.key", "rsa-ca.pem",
	    "rsa-ca.crl");
	cert_peer(&pr, 2, 1, "rsa-gw2.pem", NULL, "rsa-gw2.key", "rsa-ca.pem", "rsa-ca.crl");
	set_id(&pr.conn[0].remote, CONFIG_ID_DN, "C=CH, O=fastipsec test, CN=gw1.example.org");
	/* Whole messages here: test_ikev1_frag.c runs them in fragments. */
	pi.conn[0].fragmentation = pr.conn[0].fragmentation = CONFIG_FRAG_NO;
	longest = 0;
	expect_up();
	CU_ASSERT_STRING_EQUAL(pi.peer_id, "C=CH, O=fastipsec test, CN=gw2.example.org");
	CU_ASSERT_STRING_EQUAL(pr.peer_id, "C=CH, O=fastipsec test, CN=gw1.example.org");
	printf("\n    RSA-2048 with an intermediate: longest message %zu bytes ", longest);
	CU_ASSERT_TRUE(longest > 2000); /* two certificates and a 256-byte signature */
}

static void
test_ikev1_cert_ecdsa(void)
{
	SKIP_WITHOUT_PKI();
	/* P-256, FQDN and IP identities from the subjectAltNames. */
	cert_peer(&pi, 1, 2, "ec256-gw1.pem", NULL, "ec256-gw1.key", "ec256-ca.pem", NULL);
	cert_peer(&pr, 2, 1, "ec256-gw2.pem", NULL, "ec256-gw2.key", "ec256-ca.pem", NULL);
	set_id(&pi.conn[0].local, CONFIG_ID_FQDN, "gw1.example.org");
	set_id(&pi.conn[0].remote, CONFIG_ID_IPV4, "192.0.2.2");
	memcpy(pi.conn[0].remote.id_addr, (uint8_t[]){ 192, 0, 2, 2 }, 4);
	set_id(&pr.conn[0].local, CONFIG_ID_IPV4, "192.0.2.2");
	memcpy(pr.conn[0].local.id_addr, (uint8_t[]){ 192, 0, 2, 2 }, 4);
	set_id(&pr.conn[0].remote, CONFIG_ID_FQDN, "GW1.example.org");
	expect_up();
	CU_ASSERT_STRING_EQUAL(pi.peer_id, "192.0.2.2");
	CU_ASSERT_STRING_EQUAL(pr.peer_id, "gw1.example.org");
	/* P-384, e-mail identity. */
	cert_peer(&pi, 1, 2, "ec384-gw1.pem", NULL, "ec384-gw1.key", "ec384-ca.pem", NULL);
	cert_peer(&pr, 2, 1, "ec384-gw2.pem", NULL, "ec384-gw2.key", "ec384-ca.pem", NULL);
	set_id(&pi.conn[0].local, CONFIG_ID_RFC822, "gw1@example.org");
	expect_up();
	CU_ASSERT_STRING_EQUAL(pr.peer_id, "gw1@example.org");
}

static void
test_ikev1_cert_refused(void)
{
	SKIP_WITHOUT_PKI();
	/* R's certificate from a CA I does not trust (same names): I refuses MM6. */
	cert_peer(&pi, 1, 2, "rsa-gw1.pem", "rsa-int.pem", "rsa-gw1.key", "rsa-ca.pem", NULL);
	cert_peer(&pr, 2, 1, "other-gw2.pem", NULL, "other-gw2.key", "rsa-ca.pem", NULL);
	expect_refused(&pi);
	/* Expired, and revoked (with the CRL). */
	cert_peer(&pr, 2, 1, "rsa-expired.pem", NULL, "rsa-expired.key", "rsa-ca.pem", NULL);
	expect_refused(&pi);
	cert_peer(&pi, 1, 2, "rsa-gw1.pem", "rsa-int.pem", "rsa-gw1.key", "rsa-ca.pem",
	    "rsa-ca.crl");
	cert_peer(&pr, 2, 1, "rsa-revoked.pem", NULL, "rsa-revoked.key", "rsa-ca.pem", NULL);
	expect_refused(&pi);
	/* I without its intermediate: R finds no chain and refuses MM5. */
	cert_peer(&pi, 1, 2, "rsa-gw1.pem", NULL, "rsa-gw1.key", "rsa-ca.pem", NULL);
	cert_peer(&pr, 2, 1, "rsa-gw2.pem", NULL, "rsa-gw2.key", "rsa-ca.pem", NULL);
	expect_refused(&pr);
	/* Identity mismatch: I claims a name its certificate does not hold. */
	cert_peer(&pi, 1, 2, "rsa-gw1.pem", "rsa-int.pem", "rsa-gw1.key", "rsa-ca.pem", NULL);
	set_id(&pi.conn[0].local, CONFIG_ID_FQDN, "gw2.example.org");
	expect_refused(&pr);
	/* ... or a valid one that is not the remote id R expects. */
	set_id(&pi.conn[0].local, CONFIG_ID_FQDN, "gw1.example.org");
	set_id(&pr.conn[0].remote, CONFIG_ID_DN, "C=CH, O=fastipsec test, CN=gw3.example.org");
	expect_refused(&pr);
}

static void
test_ikev1_cert_config(void)
{
	struct ikev1_stats si, sr;

	SKIP_WITHOUT_PKI();
	/* RSA against ECDSA: no proposal fits. */
	cert_peer(&pi, 1, 2, "rsa-gw1.pem", "rsa-int.pem", "rsa-gw1.key", "ec256-ca.pem", NULL);
	cert_peer(&pr, 2, 1, "ec256-gw2.pem", NULL, "ec256-gw2.key", "rsa-ca.pem", NULL);
	run(&si, &sr, 0);
	CU_ASSERT_EQUAL(sr.dropped[IKE_DROP_NO_PROPOSAL], 1);
	CU_ASSERT_EQUAL(pi.n_up + pr.n_up, 0);
	/* A key that is not the certificate's: the connection cannot start. */
	cert_peer(&pi, 1, 2, "rsa-gw1.pem", NULL, "rsa-gw2.key", "rsa-ca.pem", NULL);
	cert_peer(&pr, 2, 1, "rsa-gw2.pem", NULL, "rsa-gw2.key", "rsa-ca.pem", NULL);
	run(&si, &sr, -EINVAL);
	CU_ASSERT_EQUAL(si.tx, 0);
	/* PSK against certificates: refused by proposal. */
	cert_peer(&pi, 1, 2, "rsa-gw1.pem", "rsa-int.pem", "rsa-gw1.key", "rsa-ca.pem", NULL);
	pr.conn[0].local.auth = pr.conn[0].remote.auth = CONFIG_AUTH_PSK;
	run(&si, &sr, 0);
	CU_ASSERT_EQUAL(sr.dropped[IKE_DROP_NO_PROPOSAL], 1);
	CU_ASSERT_EQUAL(pi.n_up + pr.n_up, 0);
}

int main(void);

int
main(void)
{
	static const struct harness_test tests[] = {
		{ "test_ikev1_cert_rsa", test_ikev1_cert_rsa },
		{ "test_ikev1_cert_ecdsa", test_ikev1_cert_ecdsa },
		{ "test_ikev1_cert_refused", test_ikev1_cert_refused },
		{ "test_ikev1_cert_config", test_ikev1_cert_config },
	};
	unsigned int fails;

	if (pki_make("test_ikev1_cert") != 0)
		return 1;
	harness_use(&harness_ikev1);
	harness_hooks.sent = note_len;
	now = 1000 * S;
	fails = harness_run("ikev1_cert", tests, DIM(tests));
	if (pki_remove() != 0)
		fails++;
	return fails == 0 && have_pki ? 0 : 1;
}
