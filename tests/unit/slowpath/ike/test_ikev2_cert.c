/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/slowpath/ike/test_ikev2_cert.c: two IKEv2 engines back to back with certificates: RSA and ECDSA (RFC 7427 and classic methods), CERTREQ, mixed PSK / pubkey, refusals. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "common/log.h"
#include "common/log_ring.h"
#include "config/config.h"
#include "slowpath/ike/ike.h"
#include "slowpath/ike/ikev2_msg.h"
#include "slowpath/ike/ikev2_sm.h"

#include "harness.h"
#include "test_pki.h"

/*
 * Engines "I" (192.0.2.1) and "R" (192.0.2.2) back to back (harness.h),
 * with the test PKI (test_pki.h: make_certs.sh into a temporary directory):
 *
 *   IKE_SA_INIT SAi1 KEi Ni N(NAT-D) N(SIG_HASH) -->
 *       <-- SAr1 KEr Nr CERTREQ N(NAT-D) N(SIG_HASH)
 *   IKE_AUTH SK{IDi CERT [CERT] CERTREQ AUTH SAi2 TSi TSr} -->
 *       <-- SK{IDr CERT AUTH SAr2 TSi TSr}
 *
 * Which AUTH method each end used and why one refused are read back from
 * the log ring: the engines log "authenticated (auth method N)" and
 * "authentication of peer ... failed: <reason>".
 */

static char inst[64];
static struct log_ring *ring;
static uint64_t log_from;

static struct ikev2_stats
stats(const struct peer *p)
{
	struct ikev2_stats st;

	ikev2_stats_read(p->e, &st);
	return st;
}

/* The records of function @fn since pki_setup() holding @a (and @b). */
static unsigned int
log_count_of(const char *fn, const char *a, const char *b)
{
	struct log_record rec;
	uint64_t t, end = log_ring_claim(ring);
	size_t len = strlen(fn);
	unsigned int n = 0;

	for (t = log_from; t < end; t++) {
		if (log_ring_read(ring, t, &rec) != LOG_RING_OK ||
		    strncmp(rec.text, fn, len) != 0 || strncmp(rec.text + len, ": ", 2) != 0)
			continue;
		n += strstr(rec.text, a) != NULL && (b == NULL || strstr(rec.text, b) != NULL);
	}
	return n;
}

/* The engines' verdicts on the peer (auth_verify's records) holding @a (and @b). */
static unsigned int
log_count(const char *a, const char *b)
{
	return log_count_of("auth_verify", a, b);
}

/* Both peers with certificates: I holds @icert (and the intermediate when @inter), R @rcert. */
static void
pki_setup(const char *icert, bool inter, const char *rcert, const char *ca, const char *crl)
{
	char ikey[64], rkey[64];

	snprintf(ikey, sizeof(ikey), "%.*s.key", (int)(strlen(icert) - 4), icert);
	snprintf(rkey, sizeof(rkey), "%.*s.key", (int)(strlen(rcert) - 4), rcert);
	harness_use(&harness_ikev2);
	setup();
	peer_pubkey(&pi, pki_dir, icert, inter ? "rsa-int.pem" : NULL, ikey, ca, crl);
	peer_pubkey(&pr, pki_dir, rcert, NULL, rkey, ca, crl);
	/* Whole messages, whatever their size (fragments: test_ikev2_frag.c). */
	pi.cfg.ike.fragment_size = pr.cfg.ike.fragment_size = 65535;
	log_from = log_ring_claim(ring);
}

static void
set_id(struct config_ike_auth *a, enum config_id_type t, const char *id)
{
	a->id_type = t;
	snprintf(a->id, sizeof(a->id), "%s", id);
}

/* @from initiates; the wire runs dry. */
static void
run(struct peer *from)
{
	start();
	CU_ASSERT_EQUAL(ikev2_initiate(from->e, now, 0), 0);
	pump();
}

/* Both ends up with one mirrored Child SA; each logged the peer with @method. */
static void
expect_up(unsigned int method)
{
	struct ikev2_stats si = stats(&pi), sr = stats(&pr);
	char m[32];

	CU_ASSERT_EQUAL(si.ike_done, 1);
	CU_ASSERT_EQUAL(sr.ike_done, 1);
	CU_ASSERT_EQUAL(si.auth_failed + sr.auth_failed, 0);
	CU_ASSERT_EQUAL(si.sas[IKE_SA_STATE_ESTABLISHED], 1);
	CU_ASSERT_EQUAL(sr.sas[IKE_SA_STATE_ESTABLISHED], 1);
	CU_ASSERT_EQUAL_FATAL(pi.n_up, 1);
	CU_ASSERT_EQUAL_FATAL(pr.n_up, 1);
	check_mirror(&pi.up, &pr.up);
	snprintf(m, sizeof(m), "(auth method %u)", method);
	CU_ASSERT_EQUAL(log_count("authenticated", m), 2);
}

/*
 * R refused I's authentication because of @reason: counted at both ends
 * (I learns it from AUTHENTICATION_FAILED), no IKE SA and no Child SA on
 * either side.
 */
static void
expect_refused_by_responder(const char *reason)
{
	struct ikev2_stats si = stats(&pi), sr = stats(&pr);

	CU_ASSERT_EQUAL(sr.auth_failed, 1);
	CU_ASSERT_EQUAL(sr.dropped[IKE_DROP_AUTH], 1);
	CU_ASSERT_EQUAL(sr.notifies_sent, 1);
	CU_ASSERT_EQUAL(si.auth_failed, 1); /* AUTHENTICATION_FAILED came back */
	CU_ASSERT_EQUAL(si.ike_failed, 1);
	CU_ASSERT_EQUAL(sr.ike_failed, 1);
	CU_ASSERT_EQUAL(si.ike_done + sr.ike_done, 0);
	CU_ASSERT_EQUAL(si.sas[IKE_SA_STATE_ESTABLISHED] + sr.sas[IKE_SA_STATE_ESTABLISHED], 0);
	CU_ASSERT_EQUAL(si.sas[IKE_SA_STATE_CONNECTING] + sr.sas[IKE_SA_STATE_CONNECTING], 0);
	CU_ASSERT_EQUAL(si.half_open + sr.half_open, 0);
	CU_ASSERT_EQUAL(pi.n_up + pr.n_up, 0);
	CU_ASSERT_EQUAL(log_count("failed: ", reason), 1);
	CU_ASSERT_EQUAL(log_count("authenticated", NULL), 0);
}

/* The parsed IKE_SA_INIT answer R sent (sent[1]). */
static void
init_answer(struct ikev2_msg *m)
{
	CU_ASSERT_FATAL(n_sent >= 2);
	CU_ASSERT_EQUAL_FATAL(ikev2_msg_parse(sent[1].p, sent[1].len, m), 0);
	CU_ASSERT_EQUAL_FATAL(m->hdr.exchange, IKEV2_EXCH_IKE_SA_INIT);
	CU_ASSERT_TRUE_FATAL((m->hdr.flags & IKEV2_FLAG_R) != 0);
}

/* SHA-1 of the DER SubjectPublicKeyInfo of the certificate in file @name. */
static void
spki_sha1(const char *name, uint8_t out[20])
{
	unsigned char *der = NULL;
	unsigned int md_len = 0;
	FILE *f;
	X509 *x;
	int n;

	f = fopen(pki_path(name), "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der);
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL(EVP_Digest(der, (size_t)n, out, &md_len, EVP_sha1(), NULL), 1);
	CU_ASSERT_EQUAL(md_len, 20);
	OPENSSL_free(der);
	X509_free(x);
}

/* RSA both ways, RFC 7427 (method 14): I with its intermediate, identities the subjects. */
static void
test_ikev2_cert_rsa(void)
{
	static struct ikev2_msg m;
	uint8_t ca_id[20];

	SKIP_WITHOUT_PKI();
	pki_setup("rsa-gw1.pem", true, "rsa-gw2.pem", "rsa-ca.pem", "rsa-ca.crl");
	set_id(&pr.conn[0].remote, CONFIG_ID_DN, "C=CH, O=fastipsec test, CN=gw1.example.org");
	set_id(&pi.conn[0].remote, CONFIG_ID_DN, "C=CH, O=fastipsec test, CN=gw2.example.org");
	run(&pi);
	expect_up(IKEV2_AUTH_DIGITAL_SIG);
	CU_ASSERT_EQUAL(log_count("peer C=CH, O=fastipsec test, CN=gw1.example.org authenticated",
	                    NULL),
	    1);
	CU_ASSERT_EQUAL(log_count("peer C=CH, O=fastipsec test, CN=gw2.example.org authenticated",
	                    NULL),
	    1);
	/* R's IKE_SA_INIT answer asks for a certificate from the RSA CA (RFC 7296 §3.7). */
	init_answer(&m);
	spki_sha1("rsa-ca.pem", ca_id);
	CU_ASSERT_EQUAL(m.n_certreqs, 1);
	CU_ASSERT_EQUAL(m.certreqs[0].encoding, IKEV2_CERT_X509_SIG);
	CU_ASSERT_EQUAL_FATAL(m.certreqs[0].len, 20);
	CU_ASSERT_EQUAL(memcmp(m.certreqs[0].data, ca_id, 20), 0);
	CU_ASSERT_PTR_NOT_NULL(ikev2_msg_notify_find(&m, IKEV2_N_SIGNATURE_HASH_ALGORITHMS));
	/* IKE_AUTH carries the certificates: two 2048-bit ones and a chain of two from I. */
	CU_ASSERT_TRUE(sent[2].len > 2000);
	CU_ASSERT_TRUE(sent[3].len > 1000);
	teardown();

	/* The same with R initiating, and without CERTREQs (send_certreq: no). */
	pki_setup("rsa-gw1.pem", true, "rsa-gw2.pem", "rsa-ca.pem", NULL);
	pi.conn[0].send_certreq = pr.conn[0].send_certreq = false;
	run(&pr);
	expect_up(IKEV2_AUTH_DIGITAL_SIG);
	init_answer(&m);
	CU_ASSERT_EQUAL(m.n_certreqs, 0);
	teardown();
}

/*
 * RSA with method 1 when one end does not announce SIGNATURE_HASH_ALGORITHMS
 * (either end), switched off in its engine or by its connection's
 * signature_authentication: false.
 */
static void
test_ikev2_cert_rsa_classic(void)
{
	static struct ikev2_msg m;
	bool announced, by_conn;
	int k, off;

	SKIP_WITHOUT_PKI();
	for (k = 0; k < 4; k++) {
		off = k & 1;
		by_conn = k >= 2;
		pki_setup("rsa-gw1.pem", true, "rsa-gw2.pem", "rsa-ca.pem", NULL);
		if (by_conn)
			(off == 0 ? &pi : &pr)->conn[0].signature_authentication = false;
		start();
		if (!by_conn)
			ikev2_set_signature_authentication(off == 0 ? pi.e : pr.e, false);
		CU_ASSERT_EQUAL(ikev2_initiate(pi.e, now, 0), 0);
		pump();
		expect_up(IKEV2_AUTH_RSA_SIG);
		CU_ASSERT_EQUAL_FATAL(ikev2_msg_parse(sent[0].p, sent[0].len, &m), 0);
		announced = ikev2_msg_notify_find(&m, IKEV2_N_SIGNATURE_HASH_ALGORITHMS) != NULL;
		CU_ASSERT_EQUAL(announced, off != 0); /* I announces unless it is the one off */
		init_answer(&m);
		CU_ASSERT_PTR_NULL(ikev2_msg_notify_find(&m, IKEV2_N_SIGNATURE_HASH_ALGORITHMS));
		teardown();
	}
}

/* ECDSA P-256 both ways: RFC 7427, then method 9; FQDN and IP identities from the subjectAltNames. */
static void
test_ikev2_cert_ecdsa(void)
{
	int classic;

	SKIP_WITHOUT_PKI();
	for (classic = 0; classic < 2; classic++) {
		pki_setup("ec256-gw1.pem", false, "ec256-gw2.pem", "ec256-ca.pem", NULL);
		set_id(&pi.conn[0].local, CONFIG_ID_FQDN, "gw1.example.org");
		set_id(&pi.conn[0].remote, CONFIG_ID_IPV4, "192.0.2.2");
		memcpy(pi.conn[0].remote.id_addr, (uint8_t[]){ 192, 0, 2, 2 }, 4);
		set_id(&pr.conn[0].local, CONFIG_ID_IPV4, "192.0.2.2");
		memcpy(pr.conn[0].local.id_addr, (uint8_t[]){ 192, 0, 2, 2 }, 4);
		set_id(&pr.conn[0].remote, CONFIG_ID_FQDN, "GW1.example.org");
		start();
		if (classic)
			ikev2_set_signature_authentication(pi.e, false);
		CU_ASSERT_EQUAL(ikev2_initiate(classic ? pr.e : pi.e, now, 0), 0);
		pump();
		expect_up(classic ? IKEV2_AUTH_ECDSA_256 : IKEV2_AUTH_DIGITAL_SIG);
		CU_ASSERT_EQUAL(log_count("peer gw1.example.org authenticated", NULL), 1);
		CU_ASSERT_EQUAL(log_count("peer 192.0.2.2 authenticated", NULL), 1);
		teardown();
	}
}

/* Certificates on one end, PSK on the other: both ways round (IKEv2 allows it, RFC 7296 §2.15). */
static void
test_ikev2_cert_mixed(void)
{
	int way;

	SKIP_WITHOUT_PKI();
	for (way = 0; way < 2; way++) {
		pki_setup("rsa-gw1.pem", true, "rsa-gw2.pem", "rsa-ca.pem", NULL);
		/* I signs and checks R's PSK; R checks I's certificate and sends a PSK AUTH. */
		pi.conn[0].remote.auth = CONFIG_AUTH_PSK;
		pr.conn[0].local.auth = CONFIG_AUTH_PSK;
		pi.cfg.n_secrets = pr.cfg.n_secrets = 1;
		pi.sec[0].type = pr.sec[0].type = CONFIG_SECRET_IKE;
		memcpy(pi.sec[0].secret, "mixed-psk", 9);
		memcpy(pr.sec[0].secret, "mixed-psk", 9);
		pi.sec[0].secret_len = pr.sec[0].secret_len = 9;
		run(way == 0 ? &pi : &pr);
		CU_ASSERT_EQUAL(log_count("authenticated", "(auth method 14)"), 1);
		CU_ASSERT_EQUAL(log_count("authenticated", "(auth method 2)"), 1);
		CU_ASSERT_EQUAL(log_count("peer C=CH, O=fastipsec test, CN=gw1.example.org", NULL),
		    1);
		CU_ASSERT_EQUAL(log_count("peer 192.0.2.2 authenticated", NULL), 1);
		CU_ASSERT_EQUAL(stats(&pi).ike_done, 1);
		CU_ASSERT_EQUAL(stats(&pr).ike_done, 1);
		CU_ASSERT_EQUAL_FATAL(pi.n_up + pr.n_up, 2);
		check_mirror(&pi.up, &pr.up);
		teardown();
	}
	/* A wrong PSK on the PSK end: the certificate end refuses it. */
	pki_setup("rsa-gw1.pem", true, "rsa-gw2.pem", "rsa-ca.pem", NULL);
	pi.conn[0].local.auth = CONFIG_AUTH_PSK;
	pr.conn[0].remote.auth = CONFIG_AUTH_PSK;
	pi.cfg.n_secrets = pr.cfg.n_secrets = 1;
	pi.sec[0].type = pr.sec[0].type = CONFIG_SECRET_IKE;
	memcpy(pi.sec[0].secret, "mixed-psk", 9);
	memcpy(pr.sec[0].secret, "other-psk", 9);
	pi.sec[0].secret_len = pr.sec[0].secret_len = 9;
	run(&pi);
	expect_refused_by_responder("PSK AUTH does not verify");
	teardown();
}

/* I's certificate refused by R: untrusted CA, revoked, expired, identity mismatches. */
static void
test_ikev2_cert_refused(void)
{
	SKIP_WITHOUT_PKI();
	/* From a CA R does not trust (same names as a trusted one). */
	pki_setup("other-gw2.pem", false, "rsa-gw2.pem", "rsa-ca.pem", NULL);
	run(&pi);
	expect_refused_by_responder("untrusted");
	teardown();
	/* Listed in the CA's CRL, which R loaded. */
	pki_setup("rsa-revoked.pem", false, "rsa-gw2.pem", "rsa-ca.pem", "rsa-ca.crl");
	run(&pi);
	expect_refused_by_responder("revoked");
	teardown();
	/* Expired in 2021. */
	pki_setup("rsa-expired.pem", false, "rsa-gw2.pem", "rsa-ca.pem", NULL);
	run(&pi);
	expect_refused_by_responder("expired");
	teardown();
	/* Without its intermediate: no chain. */
	pki_setup("rsa-gw1.pem", false, "rsa-gw2.pem", "rsa-ca.pem", NULL);
	run(&pi);
	expect_refused_by_responder("untrusted");
	teardown();
	/* I claims a name its certificate does not hold. */
	pki_setup("rsa-gw1.pem", true, "rsa-gw2.pem", "rsa-ca.pem", NULL);
	set_id(&pi.conn[0].local, CONFIG_ID_FQDN, "gw2.example.org");
	run(&pi);
	expect_refused_by_responder("identity mismatch: the ID is not in the certificate");
	teardown();
	/* A name it holds, but not the remote id R wants. */
	pki_setup("rsa-gw1.pem", true, "rsa-gw2.pem", "rsa-ca.pem", NULL);
	set_id(&pi.conn[0].local, CONFIG_ID_FQDN, "gw1.example.org");
	set_id(&pr.conn[0].remote, CONFIG_ID_DN, "C=CH, O=fastipsec test, CN=gw3.example.org");
	run(&pi);
	expect_refused_by_responder("identity mismatch: not the remote id");
	teardown();
	/* PSK where R wants a signature. */
	pki_setup("rsa-gw1.pem", true, "rsa-gw2.pem", "rsa-ca.pem", NULL);
	pi.conn[0].local.auth = CONFIG_AUTH_PSK;
	pi.cfg.n_secrets = 1;
	pi.sec[0].type = CONFIG_SECRET_IKE;
	memcpy(pi.sec[0].secret, "psk", 3);
	pi.sec[0].secret_len = 3;
	run(&pi);
	expect_refused_by_responder("auth method is not a signature");
	teardown();
}

/* The hash ids of the first SIGNATURE_HASH_ALGORITHMS notify in @p: its offset, or -1. */
static long
hashes_at(const uint8_t *p, size_t len)
{
	static struct ikev2_msg m;
	const struct ikev2_notification *n;

	if (ikev2_msg_parse(p, len, &m) != 0)
		return -1;
	n = ikev2_msg_notify_find(&m, IKEV2_N_SIGNATURE_HASH_ALGORITHMS);
	return n != NULL && n->data_len >= 2 ? (long)(n->data - p) : -1;
}

/* Changes I's IKE_SA_INIT on the way, as a man in the middle would: I's AUTH signed the original. */
static void
tamper_init(struct msg *batch, unsigned int n)
{
	unsigned int i;
	long at;

	for (i = 0; i < n; i++) {
		if (batch[i].to.a.addr[3] == 2 && batch[i].len > 28 && batch[i].p[18] == 34 &&
		    (batch[i].p[19] & IKEV2_FLAG_R) == 0) {
			at = hashes_at(batch[i].p, batch[i].len);
			CU_ASSERT_FATAL(at >= 0);
			batch[i].p[at + 1] = 0x7f; /* a hash id nobody knows: R skips it */
		}
		deliver(&batch[i]);
		free(batch[i].p);
	}
}

/* An AUTH that does not verify: R refuses it (bad signature); ECDSA and RSA. */
static void
test_ikev2_cert_bad_signature(void)
{
	int ec;

	SKIP_WITHOUT_PKI();
	for (ec = 0; ec < 2; ec++) {
		if (ec)
			pki_setup("ec256-gw1.pem", false, "ec256-gw2.pem", "ec256-ca.pem", NULL);
		else
			pki_setup("rsa-gw1.pem", true, "rsa-gw2.pem", "rsa-ca.pem", NULL);
		harness_hooks.batch = tamper_init;
		run(&pi);
		expect_refused_by_responder("bad signature");
		teardown();
	}
}

/*
 * R's certificate refused by I: I tells R (RFC 7296 §2.21.2) and drops
 * its SA; R, established already, deletes its own and its Child SA:
 *
 *   I  IKE_AUTH SK{IDi CERT CERT CERTREQ AUTH SAi2 TSi TSr} -->
 *          <-- SK{IDr CERT AUTH SAr2 TSi TSr}   (untrusted at I)
 *   I  INFORMATIONAL(2) SK{N(AUTHENTICATION_FAILED)} -->  (sent once)
 *          <-- SK{}   (no SA at I any more)
 */
static void
test_ikev2_cert_refused_by_initiator(void)
{
	struct ikev2_stats si, sr;
	unsigned int i, n_info = 0;
	const uint8_t *h;

	SKIP_WITHOUT_PKI();
	pki_setup("rsa-gw1.pem", true, "other-gw2.pem", "rsa-ca.pem", NULL);
	run(&pi);
	si = stats(&pi);
	sr = stats(&pr);
	CU_ASSERT_EQUAL(si.auth_failed, 1);
	CU_ASSERT_EQUAL(si.dropped[IKE_DROP_AUTH], 1);
	CU_ASSERT_EQUAL(si.ike_failed, 1);
	CU_ASSERT_EQUAL(si.ike_done, 0);
	CU_ASSERT_EQUAL(si.sas[IKE_SA_STATE_ESTABLISHED] + si.sas[IKE_SA_STATE_CONNECTING], 0);
	CU_ASSERT_EQUAL(pi.n_up, 0);
	CU_ASSERT_EQUAL(sr.auth_failed, 0);
	CU_ASSERT_EQUAL(log_count("failed: ", "untrusted"), 1);
	CU_ASSERT_EQUAL(log_count("peer C=CH, O=fastipsec test, CN=gw1.example.org authenticated",
	                    NULL),
	    1);
	/* I's INFORMATIONAL request after IKE_AUTH: message ID 2, I flag, once */
	for (i = 0; i < n_sent; i++) {
		h = sent[i].p;
		if (sent[i].len >= 28 && h[18] == IKEV2_EXCH_INFORMATIONAL &&
		    (h[19] & (IKEV2_FLAG_I | IKEV2_FLAG_R)) == IKEV2_FLAG_I) {
			CU_ASSERT_EQUAL(ike_get32(h + 20), 2);
			CU_ASSERT_EQUAL(sent[i].from.a.addr[3], 1);
			n_info++;
		}
	}
	CU_ASSERT_EQUAL(n_info, 1);
	CU_ASSERT_EQUAL(si.notifies_sent, 1);
	/* R took it: its IKE SA and Child SA are gone, and it says why */
	CU_ASSERT_EQUAL(sr.ike_done, 1);
	CU_ASSERT_EQUAL(sr.sas[IKE_SA_STATE_ESTABLISHED] + sr.sas[IKE_SA_STATE_CONNECTING], 0);
	CU_ASSERT_EQUAL(pr.n_up, 1);
	CU_ASSERT_EQUAL(pr.n_down, 1);
	CU_ASSERT_EQUAL(log_count_of("notifies_take",
	                    "peer sent AUTHENTICATION_FAILED in INFORMATIONAL", NULL),
	    1);
	CU_ASSERT_EQUAL(log_count_of("ikev2_info_request", "deleted by the peer", NULL), 1);
	/* R's answer finds no SA at I */
	CU_ASSERT_EQUAL(si.dropped[IKE_DROP_UNKNOWN_SA], 1);
	teardown();
}

/*
 * IDr (RFC 7296 §1.2, §3.5): I names the identity it wants of R when its
 * remote id is one.  One R's certificate holds (a subjectAltName, R's own
 * id being the subject): R answers as that identity.  One R does not
 * have: R refuses with AUTHENTICATION_FAILED.
 */
static void
test_ikev2_cert_idr(void)
{
	struct ikev2_stats si, sr;

	SKIP_WITHOUT_PKI();
	pki_setup("rsa-gw1.pem", true, "rsa-gw2.pem", "rsa-ca.pem", NULL);
	set_id(&pi.conn[0].remote, CONFIG_ID_FQDN, "gw2.example.org");
	run(&pi);
	expect_up(IKEV2_AUTH_DIGITAL_SIG);
	CU_ASSERT_EQUAL(log_count("peer gw2.example.org authenticated", NULL), 1);
	CU_ASSERT_EQUAL(log_count_of("idr_take", "not one of ours", NULL), 0);
	teardown();

	pki_setup("rsa-gw1.pem", true, "rsa-gw2.pem", "rsa-ca.pem", NULL);
	set_id(&pi.conn[0].remote, CONFIG_ID_FQDN, "gw9.example.org");
	run(&pi);
	si = stats(&pi);
	sr = stats(&pr);
	CU_ASSERT_EQUAL(sr.auth_failed, 1);
	CU_ASSERT_EQUAL(sr.dropped[IKE_DROP_AUTH], 1);
	CU_ASSERT_EQUAL(si.auth_failed, 1); /* AUTHENTICATION_FAILED came back */
	CU_ASSERT_EQUAL(si.ike_done + sr.ike_done, 0);
	CU_ASSERT_EQUAL(si.sas[IKE_SA_STATE_ESTABLISHED] + sr.sas[IKE_SA_STATE_ESTABLISHED], 0);
	CU_ASSERT_EQUAL(pi.n_up + pr.n_up, 0);
	CU_ASSERT_EQUAL(log_count_of("idr_take", "identity gw9.example.org (IDr): not one of ours",
	                    NULL),
	    1);
	CU_ASSERT_EQUAL(log_count("authenticated", NULL), 0);
	teardown();
}

/* Files that do not load: the connection neither initiates nor answers. */
static void
test_ikev2_cert_config(void)
{
	struct ikev2_stats sr;

	SKIP_WITHOUT_PKI();
	/* A key that is not the certificate's. */
	pki_setup("rsa-gw1.pem", true, "rsa-gw2.pem", "rsa-ca.pem", NULL);
	snprintf(pi.conn[0].local.key, sizeof(pi.conn[0].local.key), "%s", pki_path("rsa-gw2.key"));
	start();
	CU_ASSERT_EQUAL(ikev2_initiate(pi.e, now, 0), -EINVAL);
	CU_ASSERT_EQUAL(n_sent, 0);
	teardown();
	/* R's CA file missing: R answers nothing. */
	pki_setup("rsa-gw1.pem", true, "rsa-gw2.pem", "rsa-ca.pem", NULL);
	snprintf(pr.conn[0].remote.cacerts[0], sizeof(pr.conn[0].remote.cacerts[0]), "%s",
	    pki_path("no-such-ca.pem"));
	run(&pi);
	sr = stats(&pr);
	CU_ASSERT_EQUAL(sr.dropped[IKE_DROP_NO_CONNECTION], 1);
	CU_ASSERT_EQUAL(n_sent, 1);
	CU_ASSERT_EQUAL(pi.n_up + pr.n_up, 0);
	teardown();
}

int main(void);

int
main(void)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
		{ "test_ikev2_cert_rsa", test_ikev2_cert_rsa },
		{ "test_ikev2_cert_rsa_classic", test_ikev2_cert_rsa_classic },
		{ "test_ikev2_cert_ecdsa", test_ikev2_cert_ecdsa },
		{ "test_ikev2_cert_mixed", test_ikev2_cert_mixed },
		{ "test_ikev2_cert_refused", test_ikev2_cert_refused },
		{ "test_ikev2_cert_bad_signature", test_ikev2_cert_bad_signature },
		{ "test_ikev2_cert_refused_by_initiator", test_ikev2_cert_refused_by_initiator },
		{ "test_ikev2_cert_idr", test_ikev2_cert_idr },
		{ "test_ikev2_cert_config", test_ikev2_cert_config },
	};
	unsigned int fails;
	CU_pSuite s;
	size_t i;

	if (pki_make("test_ikev2_cert") != 0)
		return 1;
	snprintf(inst, sizeof(inst), "test-v2cert-%ld", (long)getpid());
	if (log_open(inst, 4096) != 0)
		return 1;
	ring = log_ring_attach(inst, NULL, 0);
	if (ring == NULL || CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("ikev2_cert", NULL, NULL);
	for (i = 0; i < DIM(tests); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	log_ring_detach(ring);
	log_close();
	if (log_ring_unlink(inst) != 0)
		fails++;
	if (pki_remove() != 0)
		fails++;
	return fails == 0 && have_pki ? 0 : 1;
}
