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

/*
 * Engines "I" (192.0.2.1) and "R" (192.0.2.2) as in test_ikev1_sm.c, with
 * auth pubkey: certificates made at start by make_certs.sh (openssl CLI)
 * into a temporary directory.
 *
 *   MM3 KE Ni CR NAT-D -> / <- MM4 KE Nr CR NAT-D
 *   MM5* IDii CERT [CERT] SIG_I -> / <- MM6* IDir CERT SIG_R
 */

#define DIM(a)     (sizeof(a) / sizeof((a)[0]))
#define WIRE_MAX   256
#define MAKE_CERTS "tests/unit/slowpath/ike/make_certs.sh"

struct msg {
	struct ike_addr from, to;
	uint8_t *p;
	size_t len;
};

struct peer {
	struct config cfg;
	struct config_connection conn;
	struct config_child child;
	struct ike_ops ops;
	struct ikev1 *e;
	struct config_addr addr;
	struct ike_child_sa up;
	unsigned int n_up, n_down;
	char peer_id[CONFIG_ID_MAX];
};

static struct msg wire[WIRE_MAX];
static unsigned int n_wire;
static size_t longest; /* the longest message sent, for the report */
static uint64_t now = 1000000000000ull;
static struct peer pi, pr;
static char dir[64];
static bool have_pki;

static void
addr4(struct config_addr *a, uint8_t d)
{
	memset(a, 0, sizeof(*a));
	a->family = 4;
	a->addr[0] = 192;
	a->addr[2] = 2;
	a->addr[3] = d;
}

static void
ts4(struct config_ts *ts, uint8_t a, uint8_t b, uint8_t c)
{
	memset(ts, 0, sizeof(*ts));
	ts->net.a.family = 4;
	ts->net.a.addr[0] = a;
	ts->net.a.addr[1] = b;
	ts->net.a.addr[2] = c;
	ts->net.len = 24;
	ts->protocol = -1;
	ts->ports.last = 65535;
}

static int
cb_send(void *ctx, const struct ike_addr *local, const struct ike_addr *remote, const uint8_t *msg,
    size_t len)
{
	(void)ctx;
	if (n_wire >= WIRE_MAX)
		return -ENOBUFS;
	if (len > longest)
		longest = len;
	wire[n_wire].from = *local;
	wire[n_wire].to = *remote;
	wire[n_wire].p = malloc(len);
	memcpy(wire[n_wire].p, msg, len);
	wire[n_wire].len = len;
	n_wire++;
	return 0;
}

static int
cb_child_up(void *ctx, const struct ike_child_sa *c)
{
	struct peer *p = ctx;

	p->up = *c;
	p->n_up++;
	return 0;
}

static void
cb_child_down(void *ctx, const struct ike_child_sa *c)
{
	struct peer *p = ctx;

	(void)c;
	p->n_down++;
}

static void
pump(void)
{
	static struct msg batch[WIRE_MAX];
	unsigned int i, n, rounds = 0;
	struct peer *to;

	while (n_wire > 0 && rounds++ < 100) {
		n = n_wire;
		memcpy(batch, wire, n * sizeof(batch[0]));
		n_wire = 0;
		for (i = 0; i < n; i++) {
			to = batch[i].to.a.addr[3] == 1 ? &pi : &pr;
			if (to->e != NULL)
				ikev1_input(to->e, now, &batch[i].to, &batch[i].from, batch[i].p,
				    batch[i].len);
			free(batch[i].p);
		}
	}
}

static void
file(char *out, const char *name)
{
	snprintf(out, CONFIG_PATH_MAX, "%s/%s", dir, name);
}

/* A peer with auth pubkey: our chain @cert (and @inter), key @key, trusting @ca (CRL @crl). */
static void
peer_init(struct peer *p, uint8_t me, uint8_t other, const char *cert, const char *inter,
    const char *key, const char *ca, const char *crl)
{
	struct config_connection *c = &p->conn;
	struct config_child *ch = &p->child;
	char err[128];

	memset(p, 0, sizeof(*p));
	addr4(&p->addr, me);
	p->cfg.ike = (struct config_ike){ .half_open_max = 100,
		.half_open_per_source = 20,
		.half_open_timeout = 30,
		.retransmit_timeout = 4000,
		.retransmit_tries = 3,
		.retransmit_base = 1.8 };
	p->cfg.n_connections = 1;
	p->cfg.connections = c;
	p->cfg.n_children = 1;
	p->cfg.children = ch;
	snprintf(c->name, sizeof(c->name), "gw");
	c->version = 1;
	c->n_local_addrs = 1;
	addr4(&c->local_addrs[0], me);
	c->n_remote_addrs = 1;
	addr4(&c->remote_addrs[0], other);
	c->local_port = c->remote_port = 500;
	c->n_proposals = 1;
	c->proposals[0] = (struct config_ike_proposal){ .encr = 12,
		.encr_bits = 128,
		.prf = 5,
		.integ = 12,
		.dh = 19 };
	snprintf(c->proposals[0].name, sizeof(c->proposals[0].name), "aes128-sha256-ecp256");
	c->local.auth = CONFIG_AUTH_PUBKEY;
	c->local.n_certs = inter != NULL ? 2 : 1;
	file(c->local.certs[0], cert);
	if (inter != NULL)
		file(c->local.certs[1], inter);
	file(c->local.key, key);
	c->remote.auth = CONFIG_AUTH_PUBKEY;
	c->remote.n_cacerts = 1;
	file(c->remote.cacerts[0], ca);
	if (crl != NULL) {
		c->remote.n_crls = 1;
		file(c->remote.crls[0], crl);
	}
	c->send_certreq = true;
	c->fragmentation = CONFIG_FRAG_YES;
	c->dpd_timeout = 150;
	c->rekey_time = 14400;
	c->over_time = 1440;
	c->n_children = 1;
	snprintf(ch->name, sizeof(ch->name), "net");
	ch->n_local_ts = ch->n_remote_ts = 1;
	ts4(&ch->local_ts[0], me == 1 ? 198 : 203, me == 1 ? 51 : 0, me == 1 ? 100 : 113);
	ts4(&ch->remote_ts[0], me == 1 ? 203 : 198, me == 1 ? 0 : 51, me == 1 ? 113 : 100);
	ch->n_esp_proposals = 1;
	CU_ASSERT_EQUAL(alg_proposal_parse("aes128gcm16", ALG_PROTO_ESP, &ch->esp_proposals[0].alg,
	                    err, sizeof(err)),
	    0);
	snprintf(ch->esp_proposals[0].name, sizeof(ch->esp_proposals[0].name), "aes128gcm16");
	ch->mode = CONFIG_MODE_TUNNEL;
	ch->rekey_time = 3600;
	ch->life_time = 3960;
	ch->replay_window = 32;
	p->ops = (struct ike_ops){ .ctx = p,
		.send = cb_send,
		.child_up = cb_child_up,
		.child_down = cb_child_down };
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
	pi.e = ikev1_create(&pi.cfg, &pi.ops);
	pr.e = ikev1_create(&pr.cfg, &pr.ops);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pi.e);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pr.e);
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

#define NEED_PKI()                                                                    \
	do {                                                                          \
		if (!have_pki) {                                                      \
			printf("\n    no test PKI (openssl CLI missing?), skipped "); \
			return;                                                       \
		}                                                                     \
	} while (0)

static void
test_ikev1_cert_rsa(void)
{
	NEED_PKI();
	/* I sends its intermediate too; identities default to the subjects (DNs). */
	peer_init(&pi, 1, 2, "rsa-gw1.pem", "rsa-int.pem", "rsa-gw1.key", "rsa-ca.pem",
	    "rsa-ca.crl");
	peer_init(&pr, 2, 1, "rsa-gw2.pem", NULL, "rsa-gw2.key", "rsa-ca.pem", "rsa-ca.crl");
	set_id(&pr.conn.remote, CONFIG_ID_DN, "C=CH, O=fastipsec test, CN=gw1.example.org");
	/* Whole messages here: test_ikev1_frag.c runs them in fragments. */
	pi.conn.fragmentation = pr.conn.fragmentation = CONFIG_FRAG_NO;
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
	NEED_PKI();
	/* P-256, FQDN and IP identities from the subjectAltNames. */
	peer_init(&pi, 1, 2, "ec256-gw1.pem", NULL, "ec256-gw1.key", "ec256-ca.pem", NULL);
	peer_init(&pr, 2, 1, "ec256-gw2.pem", NULL, "ec256-gw2.key", "ec256-ca.pem", NULL);
	set_id(&pi.conn.local, CONFIG_ID_FQDN, "gw1.example.org");
	set_id(&pi.conn.remote, CONFIG_ID_IPV4, "192.0.2.2");
	memcpy(pi.conn.remote.id_addr, (uint8_t[]){ 192, 0, 2, 2 }, 4);
	set_id(&pr.conn.local, CONFIG_ID_IPV4, "192.0.2.2");
	memcpy(pr.conn.local.id_addr, (uint8_t[]){ 192, 0, 2, 2 }, 4);
	set_id(&pr.conn.remote, CONFIG_ID_FQDN, "GW1.example.org");
	expect_up();
	CU_ASSERT_STRING_EQUAL(pi.peer_id, "192.0.2.2");
	CU_ASSERT_STRING_EQUAL(pr.peer_id, "gw1.example.org");
	/* P-384, e-mail identity. */
	peer_init(&pi, 1, 2, "ec384-gw1.pem", NULL, "ec384-gw1.key", "ec384-ca.pem", NULL);
	peer_init(&pr, 2, 1, "ec384-gw2.pem", NULL, "ec384-gw2.key", "ec384-ca.pem", NULL);
	set_id(&pi.conn.local, CONFIG_ID_RFC822, "gw1@example.org");
	expect_up();
	CU_ASSERT_STRING_EQUAL(pr.peer_id, "gw1@example.org");
}

static void
test_ikev1_cert_refused(void)
{
	NEED_PKI();
	/* R's certificate from a CA I does not trust (same names): I refuses MM6. */
	peer_init(&pi, 1, 2, "rsa-gw1.pem", "rsa-int.pem", "rsa-gw1.key", "rsa-ca.pem", NULL);
	peer_init(&pr, 2, 1, "other-gw2.pem", NULL, "other-gw2.key", "rsa-ca.pem", NULL);
	expect_refused(&pi);
	/* Expired, and revoked (with the CRL). */
	peer_init(&pr, 2, 1, "rsa-expired.pem", NULL, "rsa-expired.key", "rsa-ca.pem", NULL);
	expect_refused(&pi);
	peer_init(&pi, 1, 2, "rsa-gw1.pem", "rsa-int.pem", "rsa-gw1.key", "rsa-ca.pem",
	    "rsa-ca.crl");
	peer_init(&pr, 2, 1, "rsa-revoked.pem", NULL, "rsa-revoked.key", "rsa-ca.pem", NULL);
	expect_refused(&pi);
	/* I without its intermediate: R finds no chain and refuses MM5. */
	peer_init(&pi, 1, 2, "rsa-gw1.pem", NULL, "rsa-gw1.key", "rsa-ca.pem", NULL);
	peer_init(&pr, 2, 1, "rsa-gw2.pem", NULL, "rsa-gw2.key", "rsa-ca.pem", NULL);
	expect_refused(&pr);
	/* Identity mismatch: I claims a name its certificate does not hold. */
	peer_init(&pi, 1, 2, "rsa-gw1.pem", "rsa-int.pem", "rsa-gw1.key", "rsa-ca.pem", NULL);
	set_id(&pi.conn.local, CONFIG_ID_FQDN, "gw2.example.org");
	expect_refused(&pr);
	/* ... or a valid one that is not the remote id R expects. */
	set_id(&pi.conn.local, CONFIG_ID_FQDN, "gw1.example.org");
	set_id(&pr.conn.remote, CONFIG_ID_DN, "C=CH, O=fastipsec test, CN=gw3.example.org");
	expect_refused(&pr);
}

static void
test_ikev1_cert_config(void)
{
	struct ikev1_stats si, sr;

	NEED_PKI();
	/* RSA against ECDSA: no proposal fits. */
	peer_init(&pi, 1, 2, "rsa-gw1.pem", "rsa-int.pem", "rsa-gw1.key", "ec256-ca.pem", NULL);
	peer_init(&pr, 2, 1, "ec256-gw2.pem", NULL, "ec256-gw2.key", "rsa-ca.pem", NULL);
	run(&si, &sr, 0);
	CU_ASSERT_EQUAL(sr.dropped[IKE_DROP_NO_PROPOSAL], 1);
	CU_ASSERT_EQUAL(pi.n_up + pr.n_up, 0);
	/* A key that is not the certificate's: the connection cannot start. */
	peer_init(&pi, 1, 2, "rsa-gw1.pem", NULL, "rsa-gw2.key", "rsa-ca.pem", NULL);
	peer_init(&pr, 2, 1, "rsa-gw2.pem", NULL, "rsa-gw2.key", "rsa-ca.pem", NULL);
	run(&si, &sr, -EINVAL);
	CU_ASSERT_EQUAL(si.tx, 0);
	/* PSK against certificates: refused by proposal. */
	peer_init(&pi, 1, 2, "rsa-gw1.pem", "rsa-int.pem", "rsa-gw1.key", "rsa-ca.pem", NULL);
	pr.conn.local.auth = pr.conn.remote.auth = CONFIG_AUTH_PSK;
	run(&si, &sr, 0);
	CU_ASSERT_EQUAL(sr.dropped[IKE_DROP_NO_PROPOSAL], 1);
	CU_ASSERT_EQUAL(pi.n_up + pr.n_up, 0);
}

int main(void);

int
main(void)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
		{ "test_ikev1_cert_rsa", test_ikev1_cert_rsa },
		{ "test_ikev1_cert_ecdsa", test_ikev1_cert_ecdsa },
		{ "test_ikev1_cert_refused", test_ikev1_cert_refused },
		{ "test_ikev1_cert_config", test_ikev1_cert_config },
	};
	char cmd[256];
	unsigned int fails;
	CU_pSuite s;
	size_t i;

	snprintf(dir, sizeof(dir), "/tmp/test_ikev1_cert.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(cmd, sizeof(cmd), "sh %s %s >/dev/null", MAKE_CERTS, dir);
	have_pki = system(cmd) == 0;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("ikev1_cert", NULL, NULL);
	for (i = 0; i < DIM(tests); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fails++;
	return fails == 0 && have_pki ? 0 : 1;
}
