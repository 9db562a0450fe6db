/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/config/test_config_conn.c: CUnit suite "config_conn": ike:, secrets:, connections:. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <CUnit/Basic.h>

#include "config/config.h"

#ifndef SRC_DIR
#define SRC_DIR "."
#endif

/* Lines 1-10: two interfaces, each with an IPv4 and an IPv6 prefix. */
#define IFACES                                                    \
	"instance: gw\n"                                          \
	"interfaces:\n"                                           \
	"  - name: outside\n"                                     \
	"    port: net_af_packet0\n"                              \
	"    role: unprotected\n"                                 \
	"    addresses: [192.0.2.2/24, \"2001:db8:0:2::2/64\"]\n" \
	"  - name: inside\n"                                      \
	"    port: net_af_packet1\n"                              \
	"    role: protected\n"                                   \
	"    addresses: [203.0.113.1/24, \"2001:db8:0:113::1/64\"]\n"

/* IFACES, then a secret for the peer 192.0.2.1 on lines 11-12: a test adds from 13. */
#define HEAD         \
	IFACES       \
	"secrets:\n" \
	"  - {type: ike, ids: [192.0.2.1], secret: 0x00112233445566778899aabbccddeeff}\n"

/* HEAD, then the psk connection "branch" on lines 13-18: a test adds its keys from 19. */
#define CONN                                   \
	HEAD "connections:\n"                  \
	     "  branch:\n"                     \
	     "    local_addrs: [192.0.2.2]\n"  \
	     "    remote_addrs: [192.0.2.1]\n" \
	     "    local: {auth: psk}\n"        \
	     "    remote: {auth: psk}\n"

/* CONN, then "children:" and the child "net" on lines 19-20: a test adds its keys from 21. */
#define CHILD                  \
	CONN "    children:\n" \
	     "      net:\n"

/* Load yaml as gw.yaml; *errors gets what was printed (free it). */
static struct config *
load(const char *yaml, size_t len, char **errors)
{
	struct config *cfg;
	size_t size = 0;
	FILE *f;

	*errors = NULL;
	f = open_memstream(errors, &size);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	cfg = config_load_buffer(yaml, len, "gw.yaml", f);
	fclose(f);
	return cfg;
}

/* The load must fail and print exactly want. */
static void
assert_errors(const char *yaml, const char *want, unsigned int line)
{
	struct config *cfg;
	char *got;
	bool ok;

	cfg = load(yaml, strlen(yaml), &got);
	ok = cfg == NULL && strcmp(got, want) == 0;
	if (!ok)
		fprintf(stderr, "\nline %u:\n--- want\n%s--- got (%s)\n%s---\n", line, want,
		    cfg == NULL ? "failed" : "loaded", got);
	CU_assertImplementation(ok, line, "errors as expected", __FILE__, "", CU_FALSE);
	config_destroy(cfg);
	free(got);
}

#define ASSERT_ERRORS(yaml, want) assert_errors(yaml, want, __LINE__)

/* The load must succeed silently. */
static struct config *
load_ok(const char *yaml, unsigned int line)
{
	struct config *cfg;
	char *got;

	cfg = load(yaml, strlen(yaml), &got);
	if (cfg == NULL || got[0] != '\0')
		fprintf(stderr, "\nline %u: unexpected errors:\n%s", line, got);
	CU_assertImplementation(cfg != NULL && got[0] == '\0', line, "loads", __FILE__, "",
	    CU_TRUE);
	free(got);
	return cfg;
}

#define LOAD_OK(yaml) load_ok(yaml, __LINE__)

static void
assert_prefix(const struct config_prefix *p, const char *want, unsigned int line)
{
	char buf[64], got[80];

	snprintf(got, sizeof(got), "%s/%u", config_addr_format(&p->a, buf, sizeof(buf)), p->len);
	if (strcmp(got, want) != 0)
		fprintf(stderr, "\nline %u: prefix %s, want %s\n", line, got, want);
	CU_assertImplementation(strcmp(got, want) == 0, line, "prefix", __FILE__, "", CU_FALSE);
}

#define ASSERT_PREFIX(p, want) assert_prefix(p, want, __LINE__)

static void
assert_bytes(const uint8_t *got, size_t got_len, const void *want, size_t want_len,
    unsigned int line)
{
	bool ok = got_len == want_len && memcmp(got, want, want_len) == 0;

	CU_assertImplementation(ok, line, "bytes", __FILE__, "", CU_FALSE);
}

#define ASSERT_BYTES(got, got_len, want, want_len) \
	assert_bytes(got, got_len, want, want_len, __LINE__)

/* A scratch directory for secret, certificate and key files. */
static char tmpdir[64];

static void
file_make(const char *name, const char *text, mode_t mode, char *path, size_t size)
{
	FILE *f;

	snprintf(path, size, "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
	CU_ASSERT_EQUAL(chmod(path, mode), 0);
}

/* ---- everything and the defaults ---- */

static void
test_load_full(void)
{
	static const uint8_t peer[4] = { 192, 0, 2, 1 };
	char yaml[8192], cert[128], key[128], ca[128], crl[128];
	const struct config_connection *c;
	const struct config_child *ch;
	struct config *cfg;

	file_make("gw.pem", "cert\n", 0644, cert, sizeof(cert));
	file_make("gw.key", "key\n", 0600, key, sizeof(key));
	file_make("ca.pem", "ca\n", 0644, ca, sizeof(ca));
	file_make("ca.crl", "crl\n", 0644, crl, sizeof(crl));
	snprintf(yaml, sizeof(yaml),
	    IFACES
	    "ike:\n"
	    "  half_open_max: 2000\n"
	    "  half_open_per_source: 10\n"
	    "  half_open_timeout: 1m\n"
	    "  cookie_threshold: 50\n"
	    "  retransmit_timeout: 2500ms\n"
	    "  retransmit_tries: 3\n"
	    "  retransmit_base: 2.5\n"
	    "  fragment_size: 1400\n"
	    "connections:\n"
	    "  branch:\n"
	    "    version: 2\n"
	    "    local_addrs: [192.0.2.2]\n"
	    "    remote_addrs: [192.0.2.1]\n"
	    "    local_port: 4500\n"
	    "    remote_port: 4501\n"
	    "    proposals: [aes256gcm16-prfsha384-ecp384, aes128-sha256-modp3072]\n"
	    "    local: {auth: pubkey, id: \"C=CH, O=strongSwan, CN=gw\", certs: [%s], key: %s}\n"
	    "    remote: {auth: pubkey, id: \"@branch.example\", cacerts: [%s], crls: [%s]}\n"
	    "    aggressive: false\n"
	    "    encap: true\n"
	    "    send_certreq: false\n"
	    "    fragmentation: force\n"
	    "    signature_authentication: false\n"
	    "    dpd_delay: 30s\n"
	    "    dpd_timeout: 2m\n"
	    "    rekey_time: 4h\n"
	    "    reauth_time: 1d\n"
	    "    over_time: 600\n"
	    "    rand_time: 300\n"
	    "    children:\n"
	    "      net:\n"
	    "        local_ts: [203.0.113.0/24]\n"
	    "        remote_ts: [198.51.100.0/24, \"198.51.100.7[udp/500]\"]\n"
	    "        esp_proposals: [aes256gcm16-ecp384, aes128-sha256-modp2048-esn]\n"
	    "        mode: tunnel\n"
	    "        start_action: trap\n"
	    "        dpd_action: restart\n"
	    "        rekey_time: 1h\n"
	    "        life_time: 2h\n"
	    "        rand_time: 10m\n"
	    "        rekey_bytes: 1000000\n"
	    "        life_bytes: 2000000\n"
	    "        rekey_packets: 1000\n"
	    "        life_packets: 1500\n"
	    "        replay_window: 1024\n"
	    "secrets:\n"
	    "  - {type: ike, ids: [192.0.2.1, \"@branch.example\"], secret: \"not used here\"}\n",
	    cert, key, ca, crl);
	cfg = LOAD_OK(yaml);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_EQUAL(cfg->ike.half_open_max, 2000);
	CU_ASSERT_EQUAL(cfg->ike.half_open_per_source, 10);
	CU_ASSERT_EQUAL(cfg->ike.half_open_timeout, 60);
	CU_ASSERT_EQUAL(cfg->ike.cookie_threshold, 50);
	CU_ASSERT_EQUAL(cfg->ike.retransmit_timeout, 2500);
	CU_ASSERT_EQUAL(cfg->ike.retransmit_tries, 3);
	CU_ASSERT_DOUBLE_EQUAL(cfg->ike.retransmit_base, 2.5, 1e-9);
	CU_ASSERT_EQUAL(cfg->ike.fragment_size, 1400);
	CU_ASSERT_EQUAL_FATAL(cfg->n_connections, 1);
	c = &cfg->connections[0];
	CU_ASSERT_STRING_EQUAL(c->name, "branch");
	CU_ASSERT_EQUAL(c->version, 2);
	CU_ASSERT_EQUAL(c->n_local_addrs, 1);
	CU_ASSERT_EQUAL(c->n_remote_addrs, 1);
	CU_ASSERT_EQUAL(memcmp(c->remote_addrs[0].addr, peer, 4), 0);
	CU_ASSERT_EQUAL(c->local_port, 4500);
	CU_ASSERT_EQUAL(c->remote_port, 4501);
	CU_ASSERT_EQUAL_FATAL(c->n_proposals, 2);
	CU_ASSERT_STRING_EQUAL(c->proposals[0].name, "aes256gcm16-prfsha384-ecp384");
	CU_ASSERT_EQUAL(c->proposals[0].encr, 20);
	CU_ASSERT_EQUAL(c->proposals[0].encr_bits, 256);
	CU_ASSERT_EQUAL(c->proposals[0].integ, 0);
	CU_ASSERT_EQUAL(c->proposals[0].prf, 6);
	CU_ASSERT_EQUAL(c->proposals[0].dh, 20);
	CU_ASSERT_STRING_EQUAL(c->proposals[1].name, "aes128-sha256-modp3072");
	CU_ASSERT_EQUAL(c->proposals[1].dh, 15);
	CU_ASSERT_EQUAL(c->local.auth, CONFIG_AUTH_PUBKEY);
	CU_ASSERT_EQUAL(c->local.id_type, CONFIG_ID_DN);
	CU_ASSERT_STRING_EQUAL(c->local.id, "C=CH, O=strongSwan, CN=gw");
	CU_ASSERT_EQUAL(c->local.n_certs, 1);
	CU_ASSERT_STRING_EQUAL(c->local.certs[0], cert);
	CU_ASSERT_STRING_EQUAL(c->local.key, key);
	CU_ASSERT_EQUAL(c->remote.auth, CONFIG_AUTH_PUBKEY);
	CU_ASSERT_EQUAL(c->remote.id_type, CONFIG_ID_FQDN);
	CU_ASSERT_STRING_EQUAL(c->remote.id, "branch.example");
	CU_ASSERT_EQUAL(c->remote.n_cacerts, 1);
	CU_ASSERT_STRING_EQUAL(c->remote.cacerts[0], ca);
	CU_ASSERT_EQUAL(c->remote.n_crls, 1);
	CU_ASSERT_STRING_EQUAL(c->remote.crls[0], crl);
	CU_ASSERT_FALSE(c->aggressive);
	CU_ASSERT_TRUE(c->encap);
	CU_ASSERT_FALSE(c->send_certreq);
	CU_ASSERT_EQUAL(c->fragmentation, CONFIG_FRAG_FORCE);
	CU_ASSERT_FALSE(c->signature_authentication);
	CU_ASSERT_EQUAL(c->dpd_delay, 30);
	CU_ASSERT_EQUAL(c->dpd_timeout, 120);
	CU_ASSERT_EQUAL(c->rekey_time, 4 * 3600);
	CU_ASSERT_EQUAL(c->reauth_time, 86400);
	CU_ASSERT_EQUAL(c->over_time, 600);
	CU_ASSERT_EQUAL(c->rand_time, 300);
	CU_ASSERT_EQUAL(c->first_child, 0);
	CU_ASSERT_EQUAL(c->n_children, 1);
	CU_ASSERT_EQUAL_FATAL(cfg->n_children, 1);
	ch = &cfg->children[0];
	CU_ASSERT_STRING_EQUAL(ch->name, "net");
	CU_ASSERT_EQUAL(ch->connection, 0);
	CU_ASSERT_EQUAL(ch->n_local_ts, 1);
	ASSERT_PREFIX(&ch->local_ts[0].net, "203.0.113.0/24");
	CU_ASSERT_EQUAL(ch->local_ts[0].protocol, -1);
	CU_ASSERT_EQUAL_FATAL(ch->n_remote_ts, 2);
	ASSERT_PREFIX(&ch->remote_ts[1].net, "198.51.100.7/32");
	CU_ASSERT_EQUAL(ch->remote_ts[1].protocol, 17);
	CU_ASSERT_EQUAL(ch->remote_ts[1].ports.first, 500);
	CU_ASSERT_EQUAL(ch->remote_ts[1].ports.last, 500);
	CU_ASSERT_EQUAL_FATAL(ch->n_esp_proposals, 2);
	CU_ASSERT_STRING_EQUAL(ch->esp_proposals[0].name, "aes256gcm16-ecp384");
	CU_ASSERT_EQUAL(ch->esp_proposals[0].alg.cipher, ALG_CIPHER_AES_GCM);
	CU_ASSERT_EQUAL(ch->esp_proposals[0].alg.cipher_key_len, 32);
	CU_ASSERT_EQUAL(ch->esp_proposals[0].dh, 20);
	CU_ASSERT_FALSE(ch->esp_proposals[0].esn);
	CU_ASSERT_TRUE(ch->esp_proposals[0].noesn);
	CU_ASSERT_STRING_EQUAL(ch->esp_proposals[1].name, "aes128-sha256-modp2048-esn");
	CU_ASSERT_EQUAL(ch->esp_proposals[1].alg.auth, ALG_AUTH_HMAC_SHA256_128);
	CU_ASSERT_EQUAL(ch->esp_proposals[1].dh, 14);
	CU_ASSERT_TRUE(ch->esp_proposals[1].esn);
	CU_ASSERT_FALSE(ch->esp_proposals[1].noesn);
	CU_ASSERT_EQUAL(ch->mode, CONFIG_MODE_TUNNEL);
	CU_ASSERT_EQUAL(ch->start_action, CONFIG_START_TRAP);
	CU_ASSERT_EQUAL(ch->dpd_action, CONFIG_DPD_RESTART);
	CU_ASSERT_EQUAL(ch->rekey_time, 3600);
	CU_ASSERT_EQUAL(ch->life_time, 7200);
	CU_ASSERT_EQUAL(ch->rand_time, 600);
	CU_ASSERT_EQUAL(ch->rekey_bytes, 1000000);
	CU_ASSERT_EQUAL(ch->life_bytes, 2000000);
	CU_ASSERT_EQUAL(ch->rekey_packets, 1000);
	CU_ASSERT_EQUAL(ch->life_packets, 1500);
	CU_ASSERT_EQUAL(ch->replay_window, 1024);
	CU_ASSERT_EQUAL_FATAL(cfg->n_secrets, 1);
	CU_ASSERT_EQUAL(cfg->secrets[0].type, CONFIG_SECRET_IKE);
	CU_ASSERT_EQUAL(cfg->secrets[0].n_ids, 2);
	CU_ASSERT_EQUAL(cfg->secrets[0].id_types[0], CONFIG_ID_IPV4);
	CU_ASSERT_EQUAL(memcmp(cfg->secrets[0].id_addrs[0], peer, 4), 0);
	CU_ASSERT_EQUAL(cfg->secrets[0].id_types[1], CONFIG_ID_FQDN);
	CU_ASSERT_STRING_EQUAL(cfg->secrets[0].ids[1], "branch.example");
	ASSERT_BYTES(cfg->secrets[0].secret, cfg->secrets[0].secret_len, "not used here", 13);
	CU_ASSERT_EQUAL(cfg->n_policies, 4);
	config_destroy(cfg);
}

static void
test_defaults(void)
{
	const struct config_connection *c;
	const struct config_child *ch;
	struct config *cfg;

	cfg = LOAD_OK(CHILD "        remote_ts: [198.51.100.0/24]\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_EQUAL(cfg->ike.half_open_max, 1000);
	CU_ASSERT_EQUAL(cfg->ike.half_open_per_source, 20);
	CU_ASSERT_EQUAL(cfg->ike.half_open_timeout, 30);
	CU_ASSERT_EQUAL(cfg->ike.cookie_threshold, 100);
	CU_ASSERT_EQUAL(cfg->ike.retransmit_timeout, 4000);
	CU_ASSERT_EQUAL(cfg->ike.retransmit_tries, 5);
	CU_ASSERT_DOUBLE_EQUAL(cfg->ike.retransmit_base, 1.8, 1e-9);
	CU_ASSERT_EQUAL(cfg->ike.fragment_size, 1280);
	c = &cfg->connections[0];
	CU_ASSERT_EQUAL(c->version, 0);
	CU_ASSERT_EQUAL(c->local_port, 500);
	CU_ASSERT_EQUAL(c->remote_port, 500);
	CU_ASSERT_EQUAL_FATAL(c->n_proposals, 1);
	CU_ASSERT_STRING_EQUAL(c->proposals[0].name, "aes128-sha256-modp2048");
	CU_ASSERT_EQUAL(c->proposals[0].encr, 12);
	CU_ASSERT_EQUAL(c->proposals[0].encr_bits, 128);
	CU_ASSERT_EQUAL(c->proposals[0].integ, 12);
	CU_ASSERT_EQUAL(c->proposals[0].prf, 5);
	CU_ASSERT_EQUAL(c->proposals[0].dh, 14);
	CU_ASSERT_EQUAL(c->local.auth, CONFIG_AUTH_PSK);
	CU_ASSERT_STRING_EQUAL(c->local.id, "");
	CU_ASSERT_STRING_EQUAL(c->remote.id, "");
	CU_ASSERT_FALSE(c->aggressive);
	CU_ASSERT_FALSE(c->encap);
	CU_ASSERT_TRUE(c->send_certreq);
	CU_ASSERT_EQUAL(c->fragmentation, CONFIG_FRAG_YES);
	CU_ASSERT_TRUE(c->signature_authentication);
	CU_ASSERT_EQUAL(c->dpd_delay, 0);
	CU_ASSERT_EQUAL(c->dpd_timeout, 150);
	CU_ASSERT_EQUAL(c->rekey_time, 14400);
	CU_ASSERT_EQUAL(c->reauth_time, 0);
	CU_ASSERT_EQUAL(c->over_time, 1440);
	CU_ASSERT_EQUAL(c->rand_time, 1440);
	ch = &cfg->children[0];
	CU_ASSERT_EQUAL(ch->n_local_ts, 1);
	CU_ASSERT_TRUE(ch->local_ts[0].dynamic);
	CU_ASSERT_EQUAL(ch->local_ts[0].protocol, -1);
	CU_ASSERT_EQUAL(ch->local_ts[0].ports.last, 65535);
	CU_ASSERT_EQUAL_FATAL(ch->n_esp_proposals, 2);
	CU_ASSERT_STRING_EQUAL(ch->esp_proposals[0].name, "aes128gcm16");
	CU_ASSERT_STRING_EQUAL(ch->esp_proposals[1].name, "aes128-sha256");
	CU_ASSERT_EQUAL(ch->esp_proposals[1].dh, 0);
	CU_ASSERT_EQUAL(ch->mode, CONFIG_MODE_TUNNEL);
	CU_ASSERT_EQUAL(ch->start_action, CONFIG_START_NONE);
	CU_ASSERT_EQUAL(ch->dpd_action, CONFIG_DPD_CLEAR);
	CU_ASSERT_EQUAL(ch->rekey_time, 3600);
	CU_ASSERT_EQUAL(ch->life_time, 3960);
	CU_ASSERT_EQUAL(ch->rand_time, 360);
	CU_ASSERT_EQUAL(ch->rekey_bytes, 0);
	CU_ASSERT_EQUAL(ch->life_bytes, 0);
	CU_ASSERT_EQUAL(ch->rekey_packets, 0);
	CU_ASSERT_EQUAL(ch->life_packets, 0);
	CU_ASSERT_EQUAL(ch->replay_window, 64);
	config_destroy(cfg);

	/* A life limit follows its rekey limit; over_time follows the longer of rekey and reauth. */
	cfg = LOAD_OK(CONN "    reauth_time: 10h\n"
	                   "    children:\n"
	                   "      net: {rekey_bytes: 1000, rekey_packets: 50, rekey_time: 100}\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_EQUAL(cfg->connections[0].over_time, 3600);
	CU_ASSERT_EQUAL(cfg->connections[0].rand_time, 3600);
	CU_ASSERT_EQUAL(cfg->children[0].life_bytes, 1100);
	CU_ASSERT_EQUAL(cfg->children[0].life_packets, 55);
	CU_ASSERT_EQUAL(cfg->children[0].life_time, 110);
	CU_ASSERT_EQUAL(cfg->children[0].rand_time, 10);
	config_destroy(cfg);

	/* A child with nothing in it, a connection without children, and empty sections. */
	cfg = LOAD_OK(CONN "    children:\n"
	                   "      net:\n"
	                   "  other:\n"
	                   "    remote_addrs: [192.0.2.1]\n"
	                   "    local: {auth: psk}\n"
	                   "    remote: {auth: psk}\n"
	                   "ike:\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_EQUAL(cfg->n_children, 1);
	CU_ASSERT_EQUAL(cfg->connections[1].n_children, 0);
	CU_ASSERT_EQUAL(cfg->connections[1].first_child, 1);
	CU_ASSERT_EQUAL(cfg->connections[1].n_local_addrs, 0);
	CU_ASSERT_EQUAL(cfg->ike.half_open_max, 1000);
	config_destroy(cfg);
	cfg = LOAD_OK(IFACES "connections:\n"
	                     "secrets:\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_EQUAL(cfg->n_connections, 0);
	CU_ASSERT_EQUAL(cfg->n_secrets, 0);
	CU_ASSERT_PTR_NULL(cfg->connections);
	config_destroy(cfg);
}

/* ---- ike: and durations ---- */

static void
test_durations(void)
{
	static const struct {
		const char *text;
		uint32_t want;
	} good[] = { { "0", 0 }, { "30", 30 }, { "30s", 30 }, { "\"45\"", 45 }, { "10m", 600 },
		{ "4h", 14400 }, { "1d", 86400 }, { "49710d", 4294944000u },
		{ "4294967295", 4294967295u } };
	static const struct {
		const char *text;
		const char *want;
	} bad[] = {
		{ "-5",
		    "'-5' is not a duration (seconds, or a number with s, m, h or d: 30s, 10m, 4h, 1d)" },
		{ "1.5h",
		    "'1.5h' is not a duration (seconds, or a number with s, m, h or d: 30s, 10m, 4h, 1d)" },
		{ "4x",
		    "'4x' is not a duration (seconds, or a number with s, m, h or d: 30s, 10m, 4h, 1d)" },
		{ "h",
		    "'h' is not a duration (seconds, or a number with s, m, h or d: 30s, 10m, 4h, 1d)" },
		{ "500ms",
		    "'500ms' is not a duration (seconds, or a number with s, m, h or d: 30s, 10m, 4h, 1d)" },
		{ "\"\"",
		    "'' is not a duration (seconds, or a number with s, m, h or d: 30s, 10m, 4h, 1d)" },
		{ "4294967296", "'4294967296' is out of range (at most 4294967295 seconds)" },
		{ "49711d", "'49711d' is out of range (at most 4294967295 seconds)" },
		{ "99999999999999999999s",
		    "'99999999999999999999s' is out of range (at most 4294967295 seconds)" },
		{ "[1]", "expected a duration" },
	};
	char yaml[2048], want[512];
	struct config *cfg;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(yaml, sizeof(yaml), CONN "    dpd_delay: %s\n", good[i].text);
		cfg = LOAD_OK(yaml);
		if (cfg != NULL)
			CU_ASSERT_EQUAL(cfg->connections[0].dpd_delay, good[i].want);
		config_destroy(cfg);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(yaml, sizeof(yaml), CONN "    dpd_delay: %s\n", bad[i].text);
		snprintf(want, sizeof(want), "gw.yaml:19:16: connections.branch.dpd_delay: %s\n",
		    bad[i].want);
		ASSERT_ERRORS(yaml, want);
	}
	/* Milliseconds where the unit is the millisecond. */
	cfg = LOAD_OK(IFACES "ike: {retransmit_timeout: 2}\n");
	CU_ASSERT_EQUAL(cfg != NULL ? cfg->ike.retransmit_timeout : 0, 2000);
	config_destroy(cfg);
	cfg = LOAD_OK(IFACES "ike: {retransmit_timeout: 1ms}\n");
	CU_ASSERT_EQUAL(cfg != NULL ? cfg->ike.retransmit_timeout : 0, 1);
	config_destroy(cfg);
	ASSERT_ERRORS(IFACES "ike: {retransmit_timeout: 4294968s}\n",
	    "gw.yaml:11:27: ike.retransmit_timeout: '4294968s' is out of range (at most 4294967295 milliseconds)\n");
}

static void
test_ike_section_errors(void)
{
	ASSERT_ERRORS(IFACES "ike:\n"
	                     "  half_open_max: 0\n"
	                     "  half_open_per_source: many\n"
	                     "  half_open_timeout: 0s\n"
	                     "  cookie_threshold: -1\n"
	                     "  retransmit_timeout: 0\n"
	                     "  retransmit_tries: 101\n"
	                     "  retransmit_base: 0.5\n"
	                     "  retransmit_bse: 2\n",
	    "gw.yaml:12:18: ike.half_open_max: 0 is out of range (1..1000000)\n"
	    "gw.yaml:13:25: ike.half_open_per_source: expected an integer\n"
	    "gw.yaml:14:22: ike.half_open_timeout: must be at least 1 second\n"
	    "gw.yaml:15:21: ike.cookie_threshold: -1 is out of range (0..1000000)\n"
	    "gw.yaml:16:23: ike.retransmit_timeout: must be at least 1 millisecond\n"
	    "gw.yaml:17:21: ike.retransmit_tries: 101 is out of range (0..100)\n"
	    "gw.yaml:18:20: ike.retransmit_base: 0.5 is out of range (1..10)\n"
	    "gw.yaml:19:3: ike.retransmit_bse: unknown key 'retransmit_bse'; did you mean 'retransmit_base'?\n");
	ASSERT_ERRORS(IFACES "ike: {fragment_size: 575}\n",
	    "gw.yaml:11:22: ike.fragment_size: 575 is out of range (576..65535)\n");
	ASSERT_ERRORS(IFACES "ike: {fragment_size: 65536}\n",
	    "gw.yaml:11:22: ike.fragment_size: 65536 is out of range (576..65535)\n");
	ASSERT_ERRORS(IFACES "ike: {retransmit_base: .inf}\n",
	    "gw.yaml:11:24: ike.retransmit_base: expected a number\n");
	ASSERT_ERRORS(IFACES "ike: {retransmit_base: fast}\n",
	    "gw.yaml:11:24: ike.retransmit_base: expected a number\n");
	ASSERT_ERRORS(IFACES "ike: [1]\n", "gw.yaml:11:6: ike: expected a mapping\n");
	/* Limits in order: per source and the cookie threshold within the total. */
	ASSERT_ERRORS(IFACES "ike: {half_open_max: 10}\n",
	    "gw.yaml:11:22: ike.half_open_max: half_open_per_source (20) is above half_open_max (10)\n"
	    "gw.yaml:11:22: ike.half_open_max: cookie_threshold (100) is above half_open_max (10)\n");
	ASSERT_ERRORS(IFACES "ike: {half_open_per_source: 2000, cookie_threshold: 1001}\n",
	    "gw.yaml:11:29: ike.half_open_per_source: half_open_per_source (2000) is above half_open_max (1000)\n"
	    "gw.yaml:11:53: ike.cookie_threshold: cookie_threshold (1001) is above half_open_max (1000)\n");
}

/* ---- proposals ---- */

static void
test_ike_proposals(void)
{
	static const struct {
		const char *text;
		const char *name;
		uint16_t encr, bits, integ, prf, dh;
	} good[] = {
		{ "aes128-sha256-modp2048", "aes128-sha256-modp2048", 12, 128, 12, 5, 14 },
		{ "aes192-sha1-modp4096", "aes192-sha1-modp4096", 12, 192, 2, 2, 16 },
		{ "aes256-sha384-ecp384", "aes256-sha384-ecp384", 12, 256, 13, 6, 20 },
		{ "aes-sha512-ecp521", "aes128-sha512-ecp521", 12, 128, 14, 7, 21 },
		{ "ecp256-sha256-aes256", "aes256-sha256-ecp256", 12, 256, 12, 5, 19 },
		{ "aes128-sha256-prfsha512-curve25519", "aes128-sha256-prfsha512-curve25519", 12,
		    128, 12, 7, 31 },
		{ "aes128gcm16-prfsha256-x25519", "aes128gcm16-prfsha256-curve25519", 20, 128, 0, 5,
		    31 },
		{ "aes256gcm-prfsha1-x448", "aes256gcm16-prfsha1-curve448", 20, 256, 0, 2, 32 },
		{ "aes192gcm16-prfsha384-curve448", "aes192gcm16-prfsha384-curve448", 20, 192, 0, 6,
		    32 },
	};
	static const struct {
		const char *text;
		const char *want;
	} bad[] = {
		{ "aes128-sha256",
		    "'aes128-sha256': has no DH group (modp2048, modp3072, modp4096, ecp256, ecp384, ecp521, curve25519, curve448)" },
		{ "aes128-modp2048",
		    "'aes128-modp2048': 'aes128' needs an integrity algorithm (sha1, sha256, sha384 or sha512)" },
		{ "aes128gcm16-modp2048",
		    "'aes128gcm16-modp2048': 'aes128gcm16' needs a PRF (prfsha1, prfsha256, prfsha384 or prfsha512), as strongSwan requires with a combined-mode algorithm" },
		{ "aes128gcm16-sha256-prfsha256-modp2048",
		    "'aes128gcm16-sha256-prfsha256-modp2048': 'aes128gcm16' is a combined-mode algorithm: it takes no integrity algorithm ('sha256')" },
		{ "sha256-modp2048",
		    "'sha256-modp2048': has no encryption algorithm (aes128, aes192, aes256, aes128gcm16, aes192gcm16, aes256gcm16)" },
		{ "aes128-sha256-modp2048-ecp256",
		    "'aes128-sha256-modp2048-ecp256': has more than one DH group ('modp2048' and 'ecp256'): one of each per proposal, list more proposals to offer more" },
		{ "aes128-aes256-sha1-modp2048",
		    "'aes128-aes256-sha1-modp2048': has more than one encryption algorithm ('aes128' and 'aes256'): one of each per proposal, list more proposals to offer more" },
		{ "3des-sha1-modp1024",
		    "'3des-sha1-modp1024': '3des' is not an IKE keyword (encryption aes128, aes192, aes256, aes128gcm16, aes192gcm16, aes256gcm16; integrity sha1, sha256, sha384, sha512; prfsha1, prfsha256, prfsha384, prfsha512; DH modp2048, modp3072, modp4096, ecp256, ecp384, ecp521, curve25519, curve448)" },
		{ "aes128--sha256-modp2048",
		    "'aes128--sha256-modp2048': '' is not an IKE keyword (encryption aes128, aes192, aes256, aes128gcm16, aes192gcm16, aes256gcm16; integrity sha1, sha256, sha384, sha512; prfsha1, prfsha256, prfsha384, prfsha512; DH modp2048, modp3072, modp4096, ecp256, ecp384, ecp521, curve25519, curve448)" },
		{ "\"aes128 sha256\"",
		    "'aes128 sha256' is not a valid proposal (strongSwan keywords such as aes128-sha256-modp2048 or aes256gcm16-prfsha384-ecp384)" },
	};
	char yaml[2048], want[1024];
	const struct config_ike_proposal *p;
	struct config *cfg;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(yaml, sizeof(yaml), CONN "    proposals: [%s]\n", good[i].text);
		cfg = LOAD_OK(yaml);
		if (cfg == NULL)
			continue;
		p = &cfg->connections[0].proposals[0];
		CU_ASSERT_STRING_EQUAL(p->name, good[i].name);
		CU_ASSERT(p->encr == good[i].encr && p->encr_bits == good[i].bits &&
		    p->integ == good[i].integ && p->prf == good[i].prf && p->dh == good[i].dh);
		config_destroy(cfg);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(yaml, sizeof(yaml), CONN "    proposals: [%s]\n", bad[i].text);
		snprintf(want, sizeof(want), "gw.yaml:19:17: connections.branch.proposals[0]: %s\n",
		    bad[i].want);
		ASSERT_ERRORS(yaml, want);
	}
	ASSERT_ERRORS(CONN
	    "    proposals: []\n"
	    "    version: 1\n"
	    "  v1:\n"
	    "    version: 1\n"
	    "    remote_addrs: [192.0.2.1]\n"
	    "    proposals: [aes128-sha1-modp2048, aes256gcm16-prfsha256-ecp256, aes-sha1-modp2048]\n"
	    "    local: {auth: psk}\n"
	    "    remote: {auth: psk}\n",
	    "gw.yaml:19:16: connections.branch.proposals: at least one proposal is required\n"
	    "gw.yaml:24:39: connections.v1.proposals[1]: 'aes256gcm16-prfsha256-ecp256': IKEv1 has no combined-mode IKE encryption (version is 1)\n"
	    "gw.yaml:24:69: connections.v1.proposals[2]: 'aes-sha1-modp2048' is the same proposal as an earlier one (aes128-sha1-modp2048)\n");
}

static void
test_esp_proposals(void)
{
	static const struct {
		const char *text;
		const char *name;
		uint16_t dh;
		bool esn, noesn;
	} good[] = {
		{ "aes128gcm16", "aes128gcm16", 0, false, true },
		{ "aes128gcm16-ecp256", "aes128gcm16-ecp256", 19, false, true },
		{ "aes256-sha512-modp4096", "aes256-sha512-modp4096", 16, false, true },
		{ "aes128-sha256-esn", "aes128-sha256-esn", 0, true, false },
		{ "aes128-sha256-noesn", "aes128-sha256", 0, false, true },
		{ "aes128-sha256-esn-noesn", "aes128-sha256-esn-noesn", 0, true, true },
		{ "chacha20poly1305-x25519-esn", "chacha20poly1305-curve25519-esn", 31, true,
		    false },
		{ "aes128ctr-sha1-esn-ecp384", "aes128ctr-sha1-ecp384-esn", 20, true, false },
	};
	static const struct {
		const char *text;
		const char *want;
	} bad[] = {
		{ "aes128",
		    "'aes128': 'aes128' needs an integrity algorithm, e.g. 'aes128-sha256'" },
		{ "aes128-md5",
		    "'aes128-md5': 'md5' is not an integrity algorithm (sha1, sha256, sha384, sha512)" },
		{ "aes128gcm16-modp2048-ecp256",
		    "'aes128gcm16-modp2048-ecp256': has more than one DH group ('modp2048' and 'ecp256'): one per proposal" },
		{ "modp2048",
		    "'modp2048': 'modp2048' is not an ESP encryption algorithm (aes128, aes192, aes256, aes128ctr, ..., null, aes128gcm16, aes256gcm16, aes128gmac, chacha20poly1305, ...)" },
		{ "aes128gcm16-sha256",
		    "'aes128gcm16-sha256': 'aes128gcm16' is a combined-mode algorithm: nothing may follow it ('sha256')" },
	};
	char yaml[2048], want[1024];
	const struct config_esp_proposal *p;
	struct config *cfg;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(yaml, sizeof(yaml), CHILD "        esp_proposals: [%s]\n", good[i].text);
		cfg = LOAD_OK(yaml);
		if (cfg == NULL)
			continue;
		p = &cfg->children[0].esp_proposals[0];
		CU_ASSERT_STRING_EQUAL(p->name, good[i].name);
		CU_ASSERT(
		    p->dh == good[i].dh && p->esn == good[i].esn && p->noesn == good[i].noesn);
		config_destroy(cfg);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(yaml, sizeof(yaml), CHILD "        esp_proposals: [%s]\n", bad[i].text);
		snprintf(want, sizeof(want),
		    "gw.yaml:21:25: connections.branch.children.net.esp_proposals[0]: %s\n",
		    bad[i].want);
		ASSERT_ERRORS(yaml, want);
	}
	ASSERT_ERRORS(CHILD "        esp_proposals: [aes128gcm16, aes128gcm16-noesn]\n",
	    "gw.yaml:21:38: connections.branch.children.net.esp_proposals[1]: 'aes128gcm16-noesn' is the same proposal as an earlier one (aes128gcm16)\n");
}

/* ---- identities and secrets ---- */

static void
test_identities(void)
{
	static const struct {
		const char *text;
		enum config_id_type type;
		const char *id;
	} good[] = {
		{ "192.0.2.1", CONFIG_ID_IPV4, "192.0.2.1" },
		{ "\"2001:db8::1\"", CONFIG_ID_IPV6, "2001:db8::1" },
		{ "\"@branch.example\"", CONFIG_ID_FQDN, "branch.example" },
		{ "branch.example", CONFIG_ID_FQDN, "branch.example" },
		{ "\"@192.0.2.1\"", CONFIG_ID_FQDN, "192.0.2.1" },
		{ "alice@example.com", CONFIG_ID_RFC822, "alice@example.com" },
		{ "\"@@alice\"", CONFIG_ID_RFC822, "alice" },
		{ "\"C=CH, O=strongSwan, CN=peer\"", CONFIG_ID_DN, "C=CH, O=strongSwan, CN=peer" },
		{ "\"%any\"", CONFIG_ID_ANY, "%any" },
	};
	static const uint8_t v4[4] = { 192, 0, 2, 1 };
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	char yaml[2048];
	const struct config_ike_auth *r;
	struct config *cfg;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		/* A wildcard secret, so that every remote id has one. */
		snprintf(yaml, sizeof(yaml),
		    IFACES "secrets: [{type: ike, secret: s}]\n"
		           "connections:\n"
		           "  c:\n"
		           "    local: {auth: psk, id: local.example}\n"
		           "    remote: {auth: psk, id: %s}\n",
		    good[i].text);
		cfg = LOAD_OK(yaml);
		if (cfg == NULL)
			continue;
		r = &cfg->connections[0].remote;
		CU_ASSERT_EQUAL(r->id_type, good[i].type);
		CU_ASSERT_STRING_EQUAL(r->id, good[i].id);
		if (r->id_type == CONFIG_ID_IPV4)
			CU_ASSERT_EQUAL(memcmp(r->id_addr, v4, 4), 0);
		if (r->id_type == CONFIG_ID_IPV6)
			CU_ASSERT_EQUAL(memcmp(r->id_addr, v6, 16), 0);
		CU_ASSERT_EQUAL(cfg->connections[0].local.id_type, CONFIG_ID_FQDN);
		config_destroy(cfg);
	}
	ASSERT_ERRORS(CONN "  c2:\n"
	                   "    local: {auth: psk, id: \"%any\"}\n"
	                   "    remote: {auth: psk, id: \"@#0102\"}\n"
	                   "  c3:\n"
	                   "    local: {auth: psk, id: \"\"}\n"
	                   "    remote: {auth: psk, id: \"%same\"}\n"
	                   "  c4:\n"
	                   "    local: {auth: psk, id: \"@\"}\n"
	                   "    remote: {auth: psk, id: \"a\\tb\"}\n"
	                   "  c5:\n"
	                   "    local: {auth: psk, id: [a]}\n"
	                   "    remote: {auth: psk, id: ~}\n",
	    "gw.yaml:20:28: connections.c2.local.id: '%any' is not an identity: %any names no one: it is for the remote id only\n"
	    "gw.yaml:21:29: connections.c2.remote.id: '@#0102' is not an identity: key ids (@#...) are not supported\n"
	    "gw.yaml:23:28: connections.c3.local.id: '' is not an identity: it is empty (leave id out for the IKE address)\n"
	    "gw.yaml:24:29: connections.c3.remote.id: '%same' is not an identity: the only %-keyword is %any\n"
	    "gw.yaml:26:28: connections.c4.local.id: '@' is not an identity: it names no one after the @\n"
	    "gw.yaml:27:29: connections.c4.remote.id: 'a\\x09b' is not an identity: it holds control characters\n"
	    "gw.yaml:29:28: connections.c5.local.id: expected a string\n"
	    "gw.yaml:30:29: connections.c5.remote.id: expected a string\n");
}

static void
test_secret_forms(void)
{
	static const struct {
		const char *text;
		const char *want;
		size_t len;
	} good[] = {
		{ "0x0102fe", "\x01\x02\xfe", 3 },
		{ "\"0XAbCd\"", "\xab\xcd", 2 },
		{ "0sAAEC", "\x00\x01\x02", 3 },
		{ "0sc2VjcmV0", "secret", 6 },
		{ "0sc2VjcmV0Lg==", "secret.", 7 },
		{ "0sc2VjcmV0Lg", "secret.", 7 },
		{ "\"0s+/+/\"", "\xfb\xff\xbf", 3 },
		{ "\"a shared secret\"", "a shared secret", 15 },
		{ "12345", "12345", 5 },
		{ "\"0\"", "0", 1 },
	};
	static const struct {
		const char *text;
		const char *want;
	} bad[] = {
		{ "0x123", "odd number of hex digits (3): a secret is whole bytes" },
		{ "0x12g4", "character 5 of the hex secret is not a hex digit" },
		{ "0x", "the secret is empty" },
		{ "\"\"", "the secret is empty" },
		{ "0s", "the secret is empty" },
		{ "0sc2VjcmV0L", "the secret after 0s is not valid base64" },
		{ "0sc2V*cmV0", "the secret after 0s is not valid base64" },
		{ "0sc2VjcmV0Lg=", "the secret after 0s is not valid base64" },
		{ "0sc2VjcmV0Lg==Lg==", "the secret after 0s is not valid base64" },
		{ "0sc2VjcmV0Lh==", "the secret after 0s is not valid base64" },
		{ "~", "expected the secret as a string" },
		{ "[a]", "expected the secret as a string" },
	};
	char yaml[2048], want[512], big[700];
	const struct config_secret *s;
	struct config *cfg;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(yaml, sizeof(yaml), IFACES "secrets:\n  - {type: ike, secret: %s}\n",
		    good[i].text);
		cfg = LOAD_OK(yaml);
		if (cfg == NULL)
			continue;
		s = &cfg->secrets[0];
		CU_ASSERT_EQUAL(s->n_ids, 0);
		ASSERT_BYTES(s->secret, s->secret_len, good[i].want, good[i].len);
		config_destroy(cfg);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(yaml, sizeof(yaml), IFACES "secrets:\n  - {type: ike, secret: %s}\n",
		    bad[i].text);
		snprintf(want, sizeof(want), "gw.yaml:12:25: secrets[0].secret: %s\n", bad[i].want);
		ASSERT_ERRORS(yaml, want);
	}
	/* 256 bytes fit, 257 do not; the message never shows the secret. */
	memset(big, 'k', sizeof(big));
	snprintf(yaml, sizeof(yaml), IFACES "secrets:\n  - {type: ike, secret: %.256s}\n", big);
	cfg = LOAD_OK(yaml);
	CU_ASSERT(cfg != NULL && cfg->secrets[0].secret_len == 256);
	config_destroy(cfg);
	snprintf(yaml, sizeof(yaml), IFACES "secrets:\n  - {type: ike, secret: %.257s}\n", big);
	ASSERT_ERRORS(yaml,
	    "gw.yaml:12:25: secrets[0].secret: the secret is longer than 256 bytes\n");
	snprintf(yaml, sizeof(yaml), IFACES "secrets:\n  - {type: ike, secret: 0x%.514s}\n", big);
	memset(big, 'a', sizeof(big));
	snprintf(yaml, sizeof(yaml), IFACES "secrets:\n  - {type: ike, secret: 0x%.514s}\n", big);
	ASSERT_ERRORS(yaml,
	    "gw.yaml:12:25: secrets[0].secret: the secret is longer than 256 bytes\n");
	ASSERT_ERRORS(IFACES "secrets:\n"
	                     "  - {type: xauth, secret: s, secret_file: /nonexistent}\n"
	                     "  - {ids: [a], secret: s}\n"
	                     "  - {type: ike, ids: [\"%any\"]}\n"
	                     "  - {type: ike, ids: a, secret: s}\n"
	                     "  - {type: ike, ids: [\"@#01\"], secret: s, scret: x}\n"
	                     "  - 1\n",
	    "gw.yaml:12:12: secrets[0].type: 'xauth' is not a valid secret type (ike)\n"
	    "gw.yaml:12:43: secrets[0].secret_file: give secret or secret_file, not both\n"
	    "gw.yaml:13:5: secrets[1].type: required key is missing\n"
	    "gw.yaml:14:5: secrets[2].secret: required key is missing (or secret_file)\n"
	    "gw.yaml:15:22: secrets[3].ids: expected a list\n"
	    "gw.yaml:16:23: secrets[4].ids[0]: '@#01' is not an identity: key ids (@#...) are not supported\n"
	    "gw.yaml:16:43: secrets[4].scret: unknown key 'scret'; did you mean 'secret'?\n"
	    "gw.yaml:17:5: secrets[5]: expected a mapping\n");
	ASSERT_ERRORS(IFACES "secrets:\n"
	                     "  - {type: ike, ids: [a, b, c, d, e, f, g, h, i], secret: s}\n",
	    "gw.yaml:12:47: secrets[0].ids[8]: too many ids (at most 8): write another secret\n");
}

static void
test_secret_duplicates(void)
{
	ASSERT_ERRORS(IFACES "secrets:\n"
	                     "  - {type: ike, ids: [192.0.2.1, Peer.Example], secret: s}\n"
	                     "  - {type: ike, ids: [\"@peer.example\"], secret: t}\n"
	                     "  - {type: ike, ids: [\"192.0.2.01\", 192.0.2.9], secret: t}\n"
	                     "  - {type: ike, secret: u}\n"
	                     "  - {type: ike, ids: [\"%any\"], secret: v}\n",
	    "gw.yaml:13:23: secrets[1].ids[0]: 'peer.example' already has a secret (secrets[0])\n"
	    "gw.yaml:16:5: secrets[4]: a second secret for any peer (no ids or %any): secrets[3] is one\n");
}

/* Make a file in tmpdir and return a config with a secret_file naming it. */
static void
secret_file_yaml(char *yaml, size_t size, const char *file)
{
	snprintf(yaml, size, IFACES "secrets:\n  - {type: ike, secret_file: \"%s\"}\n", file);
}

static void
test_secret_file(void)
{
	char yaml[2048], want[1024], path[128], dir[128], cfgpath[128];
	struct config *cfg;
	char *got = NULL;
	size_t size = 0;
	FILE *f;

	/* 0600: read, the line end dropped, and decoded like secret. */
	file_make("psk600", "0x0102030405\n", 0600, path, sizeof(path));
	secret_file_yaml(yaml, sizeof(yaml), path);
	cfg = LOAD_OK(yaml);
	if (cfg != NULL)
		ASSERT_BYTES(cfg->secrets[0].secret, cfg->secrets[0].secret_len,
		    "\x01\x02\x03\x04\x05", 5);
	config_destroy(cfg);
	file_make("psk400", "plain text\r\n", 0400, path, sizeof(path));
	secret_file_yaml(yaml, sizeof(yaml), path);
	cfg = LOAD_OK(yaml);
	if (cfg != NULL)
		ASSERT_BYTES(cfg->secrets[0].secret, cfg->secrets[0].secret_len, "plain text", 10);
	config_destroy(cfg);

	/* Group or others may not get at it. */
	file_make("psk644", "0x0102030405\n", 0644, path, sizeof(path));
	secret_file_yaml(yaml, sizeof(yaml), path);
	snprintf(want, sizeof(want),
	    "gw.yaml:12:30: secrets[0].secret_file: %s is open to group or others (mode 0644): a secret file must be 0600 or stricter\n",
	    path);
	ASSERT_ERRORS(yaml, want);
	file_make("psk620", "0x0102030405\n", 0620, path, sizeof(path));
	secret_file_yaml(yaml, sizeof(yaml), path);
	snprintf(want, sizeof(want),
	    "gw.yaml:12:30: secrets[0].secret_file: %s is open to group or others (mode 0620): a secret file must be 0600 or stricter\n",
	    path);
	ASSERT_ERRORS(yaml, want);

	/* Not a regular file, missing, empty, bad content. */
	secret_file_yaml(yaml, sizeof(yaml), tmpdir);
	snprintf(want, sizeof(want),
	    "gw.yaml:12:30: secrets[0].secret_file: %s is not a regular file\n", tmpdir);
	ASSERT_ERRORS(yaml, want);
	snprintf(path, sizeof(path), "%s/missing", tmpdir);
	secret_file_yaml(yaml, sizeof(yaml), path);
	snprintf(want, sizeof(want),
	    "gw.yaml:12:30: secrets[0].secret_file: cannot open %s: No such file or directory\n",
	    path);
	ASSERT_ERRORS(yaml, want);
	file_make("empty", "\n", 0600, path, sizeof(path));
	secret_file_yaml(yaml, sizeof(yaml), path);
	snprintf(want, sizeof(want),
	    "gw.yaml:12:30: secrets[0].secret_file: %s: the secret is empty\n", path);
	ASSERT_ERRORS(yaml, want);
	file_make("badhex", "0x123\n", 0600, path, sizeof(path));
	secret_file_yaml(yaml, sizeof(yaml), path);
	snprintf(want, sizeof(want),
	    "gw.yaml:12:30: secrets[0].secret_file: %s: odd number of hex digits (3): a secret is whole bytes\n",
	    path);
	ASSERT_ERRORS(yaml, want);
	memset(want, 'x', 600);
	want[600] = '\0';
	file_make("huge", want, 0600, path, sizeof(path));
	secret_file_yaml(yaml, sizeof(yaml), path);
	snprintf(want, sizeof(want),
	    "gw.yaml:12:30: secrets[0].secret_file: %s is too large for a secret\n", path);
	ASSERT_ERRORS(yaml, want);

	/* A relative name is taken from the config file's directory. */
	snprintf(dir, sizeof(dir), "%s/etc", tmpdir);
	CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0700), 0);
	file_make("etc/rel.psk", "0sAQID\n", 0600, path, sizeof(path));
	file_make("etc/gw.yaml",
	    IFACES "secrets:\n  - {type: ike, ids: [192.0.2.1], secret_file: rel.psk}\n", 0644,
	    cfgpath, sizeof(cfgpath));
	f = open_memstream(&got, &size);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	cfg = config_load_file(cfgpath, f);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(got, "");
	CU_ASSERT_PTR_NOT_NULL(cfg);
	if (cfg != NULL)
		ASSERT_BYTES(cfg->secrets[0].secret, cfg->secrets[0].secret_len, "\x01\x02\x03", 3);
	config_destroy(cfg);
	free(got);
	unlink(path);
	unlink(cfgpath);
	rmdir(dir);
}

/* ---- connections ---- */

static void
test_conn_addrs(void)
{
	struct config *cfg;

	ASSERT_ERRORS(HEAD
	    "connections:\n"
	    "  c:\n"
	    "    local_addrs: [198.51.100.9, 203.0.113.1, 192.0.2.2, 192.0.2.2, x]\n"
	    "    remote_addrs: [\"2001:db8::1\", 192.0.2.2, 224.0.0.1, 192.0.2.1, 192.0.2.1]\n"
	    "    local: {auth: psk}\n"
	    "    remote: {auth: psk}\n",
	    "gw.yaml:15:19: connections.c.local_addrs[0]: 198.51.100.9 is not one of this gateway's interface addresses\n"
	    "gw.yaml:15:33: connections.c.local_addrs[1]: 203.0.113.1 is on interfaces[1], which is protected: IKE needs an address of an unprotected interface\n"
	    "gw.yaml:15:57: connections.c.local_addrs[3]: duplicate address 192.0.2.2 (also local_addrs[2])\n"
	    "gw.yaml:15:68: connections.c.local_addrs[4]: 'x' is not an IPv4 or IPv6 address\n"
	    "gw.yaml:16:35: connections.c.remote_addrs[1]: 192.0.2.2 is this gateway's own address (interfaces[0].addresses[0])\n"
	    "gw.yaml:16:46: connections.c.remote_addrs[2]: 224.0.0.1 is not a peer's address (unspecified, loopback, multicast or reserved)\n"
	    "gw.yaml:16:68: connections.c.remote_addrs[4]: duplicate address 192.0.2.1 (also remote_addrs[3])\n");
	ASSERT_ERRORS(HEAD
	    "connections:\n"
	    "  c:\n"
	    "    local_addrs: [192.0.2.2, 192.0.2.2, 192.0.2.2, 192.0.2.2, 192.0.2.2, 192.0.2.2, 192.0.2.2, 192.0.2.2, 192.0.2.2]\n"
	    "    remote_addrs: 192.0.2.1\n"
	    "    local_port: 0\n"
	    "    remote_port: 65536\n"
	    "    local: {auth: psk}\n"
	    "    remote: {auth: psk}\n",
	    "gw.yaml:15:30: connections.c.local_addrs[1]: duplicate address 192.0.2.2 (also local_addrs[0])\n"
	    "gw.yaml:15:41: connections.c.local_addrs[2]: duplicate address 192.0.2.2 (also local_addrs[0])\n"
	    "gw.yaml:15:52: connections.c.local_addrs[3]: duplicate address 192.0.2.2 (also local_addrs[0])\n"
	    "gw.yaml:15:63: connections.c.local_addrs[4]: duplicate address 192.0.2.2 (also local_addrs[0])\n"
	    "gw.yaml:15:74: connections.c.local_addrs[5]: duplicate address 192.0.2.2 (also local_addrs[0])\n"
	    "gw.yaml:15:85: connections.c.local_addrs[6]: duplicate address 192.0.2.2 (also local_addrs[0])\n"
	    "gw.yaml:15:96: connections.c.local_addrs[7]: duplicate address 192.0.2.2 (also local_addrs[0])\n"
	    "gw.yaml:15:107: connections.c.local_addrs[8]: too many addresses (at most 8)\n"
	    "gw.yaml:16:19: connections.c.remote_addrs: expected a list\n"
	    "gw.yaml:17:17: connections.c.local_port: 0 is out of range (1..65535)\n"
	    "gw.yaml:18:18: connections.c.remote_port: 65536 is out of range (1..65535)\n");
	ASSERT_ERRORS(HEAD "connections:\n"
	                   "  c:\n"
	                   "    local_addrs: [192.0.2.2]\n"
	                   "    remote_addrs: [192.0.2.1, \"2001:db8:0:2::1\"]\n"
	                   "    local: {auth: psk}\n"
	                   "    remote: {auth: psk}\n",
	    "gw.yaml:16:31: connections.c.remote_addrs[1]: 2001:db8:0:2::1 is IPv6 but local_addrs has no IPv6 address\n");
	/* IPv6 on both ends, and %any on both. */
	cfg = LOAD_OK(HEAD "connections:\n"
	                   "  v6:\n"
	                   "    local_addrs: [192.0.2.2, \"2001:db8:0:2::2\"]\n"
	                   "    remote_addrs: [\"2001:db8:0:2::1\"]\n"
	                   "    local: {auth: psk}\n"
	                   "    remote: {auth: psk, id: 192.0.2.1}\n"
	                   "  any:\n"
	                   "    local_addrs: [\"%any\"]\n"
	                   "    remote_addrs: [\"%any\"]\n"
	                   "    local: {auth: psk}\n"
	                   "    remote: {auth: psk}\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_EQUAL(cfg->connections[0].n_local_addrs, 2);
	CU_ASSERT_EQUAL(cfg->connections[0].remote_addrs[0].family, 6);
	CU_ASSERT_EQUAL(cfg->connections[1].n_local_addrs, 0);
	CU_ASSERT_EQUAL(cfg->connections[1].n_remote_addrs, 0);
	config_destroy(cfg);
}

static void
test_conn_auth(void)
{
	char yaml[4096], want[2048], cert[128], key[128], ca[128];
	struct config *cfg;

	file_make("a.pem", "cert\n", 0644, cert, sizeof(cert));
	file_make("a.key", "key\n", 0600, key, sizeof(key));
	file_make("ca2.pem", "ca\n", 0644, ca, sizeof(ca));
	/* pubkey needs certs and key here, cacerts there; psk takes none of them. */
	ASSERT_ERRORS(HEAD "connections:\n"
	                   "  a:\n"
	                   "    local: {auth: pubkey}\n"
	                   "    remote: {auth: pubkey, cacerts: []}\n"
	                   "  b:\n"
	                   "    remote_addrs: [192.0.2.1]\n"
	                   "    local: {auth: psk, certs: [x.pem], key: x.key}\n"
	                   "    remote: {auth: psk, cacerts: [x.pem], crls: [x.crl]}\n"
	                   "  c:\n"
	                   "    local: {auth: eap, cacerts: [x]}\n"
	                   "    remote: {id: x, certs: [y]}\n"
	                   "  d: {}\n",
	    "gw.yaml:15:12: connections.a.local.certs: auth pubkey needs this end's certificate: certs is missing or empty\n"
	    "gw.yaml:15:12: connections.a.local.key: required key is missing (auth is pubkey: the private key of certs[0])\n"
	    "gw.yaml:16:37: connections.a.remote.cacerts: auth pubkey needs trust anchors: cacerts is missing or empty\n"
	    "gw.yaml:19:31: connections.b.local.certs: certs is for auth pubkey (auth is psk)\n"
	    "gw.yaml:19:45: connections.b.local.key: key is for auth pubkey (auth is psk)\n"
	    "gw.yaml:20:34: connections.b.remote.cacerts: cacerts is for auth pubkey (auth is psk)\n"
	    "gw.yaml:20:49: connections.b.remote.crls: crls is for auth pubkey (auth is psk)\n"
	    "gw.yaml:22:19: connections.c.local.auth: 'eap' is not a valid auth (psk or pubkey)\n"
	    "gw.yaml:22:24: connections.c.local.cacerts: unknown key 'cacerts'; did you mean 'certs'?\n"
	    "gw.yaml:23:13: connections.c.remote.auth: required key is missing\n"
	    "gw.yaml:23:21: connections.c.remote.certs: unknown key 'certs'; did you mean 'cacerts'?\n"
	    "gw.yaml:24:6: connections.d.local: required key is missing\n"
	    "gw.yaml:24:6: connections.d.remote: required key is missing\n");
	/* A directory is no certificate. */
	snprintf(yaml, sizeof(yaml),
	    HEAD "connections:\n"
	         "  a:\n"
	         "    local: {auth: pubkey, certs: [\"%s\"], key: \"%s\"}\n"
	         "    remote: {auth: pubkey, cacerts: [\"%s\"]}\n",
	    tmpdir, key, ca);
	snprintf(want, sizeof(want),
	    "gw.yaml:15:35: connections.a.local.certs[0]: %s is not a regular file\n", tmpdir);
	ASSERT_ERRORS(yaml, want);
	/* pubkey on one end, psk on the other: IKEv2 only. */
	snprintf(yaml, sizeof(yaml),
	    HEAD "connections:\n"
	         "  a:\n"
	         "    remote_addrs: [192.0.2.1]\n"
	         "    local: {auth: pubkey, certs: [\"%s\", \"%s\"], key: \"%s\"}\n"
	         "    remote: {auth: psk}\n",
	    cert, ca, key);
	cfg = LOAD_OK(yaml);
	CU_ASSERT(cfg != NULL && cfg->connections[0].local.n_certs == 2);
	config_destroy(cfg);
	ASSERT_ERRORS(CONN "    version: 1\n"
	                   "    aggressive: true\n"
	                   "  v2:\n"
	                   "    version: 2\n"
	                   "    aggressive: yes\n"
	                   "    remote_addrs: [192.0.2.1]\n"
	                   "    local: {auth: psk}\n"
	                   "    remote: {auth: psk}\n"
	                   "  v3:\n"
	                   "    version: 3\n"
	                   "    remote_addrs: [192.0.2.1]\n"
	                   "    local: {auth: psk}\n"
	                   "    remote: {auth: psk}\n",
	    "gw.yaml:23:17: connections.v2.aggressive: aggressive mode is IKEv1's (version is 2)\n"
	    "gw.yaml:28:14: connections.v3.version: 3 is out of range (0..2)\n");
	snprintf(yaml, sizeof(yaml),
	    HEAD "connections:\n"
	         "  a:\n"
	         "    version: 1\n"
	         "    remote_addrs: [192.0.2.1]\n"
	         "    local: {auth: pubkey, certs: [\"%s\"], key: \"%s\"}\n"
	         "    remote: {auth: psk}\n",
	    cert, key);
	ASSERT_ERRORS(yaml,
	    "gw.yaml:18:20: connections.a.remote.auth: IKEv1 authenticates both ends alike: local auth is pubkey, remote psk (version is 1)\n");
}

static void
test_conn_psk_secret(void)
{
	struct config *cfg;

	/* A secret names the remote id, the remote address, or our own id. */
	cfg = LOAD_OK(CONN);
	config_destroy(cfg);
	cfg = LOAD_OK(IFACES "secrets: [{type: ike, ids: [\"@peer.example\"], secret: s}]\n"
	                     "connections:\n"
	                     "  c:\n"
	                     "    remote_addrs: [192.0.2.1]\n"
	                     "    local: {auth: psk}\n"
	                     "    remote: {auth: psk, id: PEER.example}\n");
	config_destroy(cfg);
	cfg = LOAD_OK(IFACES "secrets: [{type: ike, ids: [gw@example.com], secret: s}]\n"
	                     "connections:\n"
	                     "  c:\n"
	                     "    remote_addrs: [192.0.2.1]\n"
	                     "    local: {auth: psk, id: gw@example.com}\n"
	                     "    remote: {auth: psk}\n");
	config_destroy(cfg);
	/* A responder for anyone needs some ike secret, not a particular one. */
	cfg = LOAD_OK(IFACES "secrets: [{type: ike, ids: [x.example], secret: s}]\n"
	                     "connections:\n"
	                     "  rw:\n"
	                     "    local: {auth: psk}\n"
	                     "    remote: {auth: psk}\n");
	config_destroy(cfg);
	ASSERT_ERRORS(IFACES "secrets: [{type: ike, ids: [192.0.2.9, \"@192.0.2.1\"], secret: s}]\n"
	                     "connections:\n"
	                     "  c:\n"
	                     "    remote_addrs: [192.0.2.1]\n"
	                     "    local: {auth: psk}\n"
	                     "    remote: {auth: psk}\n"
	                     "  d:\n"
	                     "    remote_addrs: [192.0.2.1]\n"
	                     "    local: {auth: psk}\n"
	                     "    remote: {auth: pubkey, id: \"@peer\", cacerts: []}\n"
	                     "  e:\n"
	                     "    remote_addrs: [192.0.2.1]\n"
	                     "    local: {auth: psk, id: 192.0.2.2}\n"
	                     "    remote: {auth: psk, id: \"@peer\"}\n",
	    "gw.yaml:16:20: connections.c.remote.auth: auth psk needs a secret: no ike secret in secrets has 192.0.2.1 (or this end's id) in its ids, and none is for any peer\n"
	    "gw.yaml:20:50: connections.d.remote.cacerts: auth pubkey needs trust anchors: cacerts is missing or empty\n"
	    "gw.yaml:24:20: connections.e.remote.auth: auth psk needs a secret: no ike secret in secrets has @peer (or this end's id) in its ids, and none is for any peer\n");
	ASSERT_ERRORS(IFACES "connections:\n"
	                     "  rw:\n"
	                     "    local: {auth: psk}\n"
	                     "    remote: {auth: psk, id: \"%any\"}\n",
	    "gw.yaml:14:20: connections.rw.remote.auth: auth psk needs a secret: secrets has no ike secret\n");
	/* A broken secret is reported once, not again by the connections that need it. */
	ASSERT_ERRORS(IFACES "secrets: [{type: ike, ids: [192.0.2.1], secret: 0x1}]\n"
	                     "connections:\n"
	                     "  c:\n"
	                     "    remote_addrs: [192.0.2.1]\n"
	                     "    local: {auth: psk}\n"
	                     "    remote: {auth: psk}\n",
	    "gw.yaml:11:49: secrets[0].secret: odd number of hex digits (1): a secret is whole bytes\n");
}

static void
test_conn_misc_errors(void)
{
	ASSERT_ERRORS(CONN "    fragmentation: sometimes\n"
	                   "    encap: 1\n"
	                   "    send_certreq: maybe\n"
	                   "    rekey_time: 1h\n"
	                   "    rand_time: 1h\n"
	                   "    children: [net]\n"
	                   "  c2:\n"
	                   "    remote_addrs: [192.0.2.1]\n"
	                   "    local: {auth: psk}\n"
	                   "    remote: {auth: psk}\n"
	                   "    reauth_time: 100\n"
	                   "    rekey_time: 0\n"
	                   "    rand_time: 100\n"
	                   "    lifetime: 1h\n",
	    "gw.yaml:19:20: connections.branch.fragmentation: 'sometimes' is not a valid fragmentation (yes, accept, force or no)\n"
	    "gw.yaml:20:12: connections.branch.encap: expected a boolean (true or false)\n"
	    "gw.yaml:21:19: connections.branch.send_certreq: expected a boolean (true or false)\n"
	    "gw.yaml:23:16: connections.branch.rand_time: rand_time (3600s) must be below rekey_time (3600s)\n"
	    "gw.yaml:24:15: connections.branch.children: expected a mapping of child names to children\n"
	    "gw.yaml:31:16: connections.c2.rand_time: rand_time (100s) must be below reauth_time (100s)\n"
	    "gw.yaml:32:5: connections.c2.lifetime: unknown key 'lifetime' (valid keys: version, local_addrs, remote_addrs, local_port, remote_port, proposals, local, remote, aggressive, encap, send_certreq, fragmentation, signature_authentication, dpd_delay, dpd_timeout, rekey_time, reauth_time, over_time, rand_time, children)\n");
	/* signature_authentication: a boolean, and IKEv2's only */
	ASSERT_ERRORS(CONN "    signature_authentication: sometimes\n"
	                   "  v1:\n"
	                   "    version: 1\n"
	                   "    remote_addrs: [192.0.2.1]\n"
	                   "    local: {auth: psk}\n"
	                   "    remote: {auth: psk}\n"
	                   "    signature_authentication: false\n",
	    "gw.yaml:19:31: connections.branch.signature_authentication: expected a boolean (true or false)\n"
	    "gw.yaml:25:31: connections.v1.signature_authentication: signature_authentication (RFC 7427) is IKEv2's (version is 1)\n");
}

/* ---- children and traffic selectors ---- */

static void
test_ts_syntax(void)
{
	static const struct {
		const char *text;
		const char *net; /* NULL: dynamic */
		int proto;
		uint16_t first, last;
	} good[] = {
		{ "198.51.100.0/24", "198.51.100.0/24", -1, 0, 65535 },
		{ "198.51.100.7", "198.51.100.7/32", -1, 0, 65535 },
		{ "0.0.0.0/0", "0.0.0.0/0", -1, 0, 65535 },
		{ "\"::/0\"", "::/0", -1, 0, 65535 },
		{ "\"2001:db8:1::/48[tcp]\"", "2001:db8:1::/48", 6, 0, 65535 },
		{ "\"198.51.100.7[udp/500]\"", "198.51.100.7/32", 17, 500, 500 },
		{ "\"198.51.100.0/24[tcp/1024-65535]\"", "198.51.100.0/24", 6, 1024, 65535 },
		{ "\"198.51.100.0/24[17/%any]\"", "198.51.100.0/24", 17, 0, 65535 },
		{ "\"198.51.100.0/24[0]\"", "198.51.100.0/24", -1, 0, 65535 },
		{ "\"198.51.100.0/24[icmp]\"", "198.51.100.0/24", 1, 0, 65535 },
		{ "198.51.100.0-198.51.100.255", "198.51.100.0/24", -1, 0, 65535 },
		{ "\"2001:db8::-2001:db8::ffff\"", "2001:db8::/112", -1, 0, 65535 },
		{ "dynamic", NULL, -1, 0, 65535 },
		{ "\"dynamic[udp/4500]\"", NULL, 17, 4500, 4500 },
	};
	static const struct {
		const char *text;
		const char *want;
	} bad[] = {
		{ "198.51.100.1/24",
		    "'198.51.100.1/24': host bits are set (network is 198.51.100.0/24)" },
		{ "198.51.100.0/33",
		    "'198.51.100.0/33': prefix length 33 is out of range (0..32)" },
		{ "198.51.100.1-198.51.100.9",
		    "'198.51.100.1-198.51.100.9': the range 198.51.100.1-198.51.100.9 is not one prefix: write it as prefixes (ADDR/LEN)" },
		{ "\"198.51.100.0/24[gre/1]\"",
		    "'198.51.100.0/24[gre/1]': 'gre' is not a protocol (tcp, udp, icmp, icmpv6, sctp, %any or 0..255)" },
		{ "\"198.51.100.0/24[tcp/0]\"",
		    "'198.51.100.0/24[tcp/0]': '0' is not a port or port range (%any, N or N-M with 1..65535)" },
		{ "\"198.51.100.0/24[tcp/9-8]\"",
		    "'198.51.100.0/24[tcp/9-8]': '9-8' is not a port or port range (%any, N or N-M with 1..65535)" },
		{ "\"198.51.100.0/24[tcp/http]\"",
		    "'198.51.100.0/24[tcp/http]': 'http' is not a port or port range (%any, N or N-M with 1..65535)" },
		{ "\"198.51.100.0/24[%any/53]\"",
		    "'198.51.100.0/24[%any/53]': ports need protocol tcp or udp" },
		{ "\"198.51.100.0/24[icmpv6]\"",
		    "'198.51.100.0/24[icmpv6]': icmpv6 does not go with IPv4 (use icmp)" },
		{ "\"198.51.100.0/24[tcp\"",
		    "'198.51.100.0/24[tcp' is not a traffic selector (dynamic, ADDR, ADDR/LEN or FIRST-LAST, then optionally [PROTOCOL/PORT])" },
		{ "\"[tcp]\"",
		    "'[tcp]' is not a traffic selector (dynamic, ADDR, ADDR/LEN or FIRST-LAST, then optionally [PROTOCOL/PORT])" },
		{ "any",
		    "'any' is not a traffic selector (dynamic, ADDR, ADDR/LEN or FIRST-LAST, then optionally [PROTOCOL/PORT])" },
		{ "\"198.51.100.0 /24\"",
		    "'198.51.100.0 /24' is not a traffic selector (dynamic, ADDR, ADDR/LEN or FIRST-LAST, then optionally [PROTOCOL/PORT])" },
		{ "{a: b}", "expected a string" },
	};
	char yaml[2048], want[1024];
	const struct config_ts *ts;
	struct config *cfg;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(yaml, sizeof(yaml),
		    CHILD "        local_ts: [0.0.0.0/0, \"::/0\"]\n"
		          "        remote_ts: [%s]\n",
		    good[i].text);
		cfg = LOAD_OK(yaml);
		if (cfg == NULL)
			continue;
		ts = &cfg->children[0].remote_ts[0];
		CU_ASSERT_EQUAL(ts->dynamic, good[i].net == NULL);
		if (good[i].net != NULL)
			ASSERT_PREFIX(&ts->net, good[i].net);
		CU_ASSERT_EQUAL(ts->protocol, good[i].proto);
		CU_ASSERT_EQUAL(ts->ports.first, good[i].first);
		CU_ASSERT_EQUAL(ts->ports.last, good[i].last);
		config_destroy(cfg);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(yaml, sizeof(yaml), CHILD "        remote_ts: [%s]\n", bad[i].text);
		snprintf(want, sizeof(want),
		    "gw.yaml:21:21: connections.branch.children.net.remote_ts[0]: %s\n",
		    bad[i].want);
		ASSERT_ERRORS(yaml, want);
	}
	ASSERT_ERRORS(CHILD "        local_ts: []\n"
	                    "        remote_ts: 0.0.0.0/0\n",
	    "gw.yaml:21:19: connections.branch.children.net.local_ts: at least one traffic selector is required (leave it out for dynamic)\n"
	    "gw.yaml:22:20: connections.branch.children.net.remote_ts: expected a list\n");
}

static void
test_child_errors(void)
{
	ASSERT_ERRORS(CHILD "        mode: beet\n"
	                    "        start_action: route\n"
	                    "        dpd_action: hold\n"
	                    "        replay_window: 4097\n"
	                    "        rekey_bytes: -1\n"
	                    "        life_packets: lots\n"
	                    "        esp: [aes128gcm16]\n",
	    "gw.yaml:21:15: connections.branch.children.net.mode: 'beet' is not a valid mode (tunnel or transport)\n"
	    "gw.yaml:22:23: connections.branch.children.net.start_action: 'route' is not a valid start_action (none, trap or start)\n"
	    "gw.yaml:23:21: connections.branch.children.net.dpd_action: 'hold' is not a valid dpd_action (clear, trap or restart)\n"
	    "gw.yaml:24:24: connections.branch.children.net.replay_window: 4097 is out of range (0..4096)\n"
	    "gw.yaml:25:22: connections.branch.children.net.rekey_bytes: -1 is out of range (0..18446744073709551615)\n"
	    "gw.yaml:26:23: connections.branch.children.net.life_packets: expected an integer\n"
	    "gw.yaml:27:9: connections.branch.children.net.esp: unknown key 'esp' (valid keys: local_ts, remote_ts, esp_proposals, mode, start_action, dpd_action, rekey_time, life_time, rand_time, rekey_bytes, life_bytes, rekey_packets, life_packets, replay_window)\n");
	/* Lifetimes: the SA must live past its rekeying, and the jitter stay within it. */
	ASSERT_ERRORS(CHILD
	    "        rekey_time: 1h\n"
	    "        life_time: 30m\n"
	    "      b: {rekey_time: 1h, life_time: 1h}\n"
	    "      c: {rekey_time: 100, rand_time: 100}\n"
	    "      d: {rekey_bytes: 100, life_bytes: 100, rekey_packets: 10, life_packets: 9}\n"
	    "      e: {rekey_time: 0, life_time: 0, rekey_bytes: 0, life_bytes: 5}\n",
	    "gw.yaml:22:20: connections.branch.children.net.life_time: life_time (1800s) must be above rekey_time (3600s): the SA must live until its rekeying\n"
	    "gw.yaml:23:38: connections.branch.children.b.life_time: life_time (3600s) must be above rekey_time (3600s): the SA must live until its rekeying\n"
	    "gw.yaml:24:39: connections.branch.children.c.rand_time: rand_time (100s) must be below rekey_time (100s)\n"
	    "gw.yaml:25:41: connections.branch.children.d.life_bytes: life_bytes must be above rekey_bytes\n"
	    "gw.yaml:25:79: connections.branch.children.d.life_packets: life_packets must be above rekey_packets\n");
	/* Start without a peer; transport mode carries the ends' own traffic only. */
	ASSERT_ERRORS(HEAD
	    "connections:\n"
	    "  rw:\n"
	    "    local_addrs: [192.0.2.2]\n"
	    "    local: {auth: psk}\n"
	    "    remote: {auth: psk}\n"
	    "    children:\n"
	    "      a: {start_action: start}\n"
	    "      b: {start_action: trap}\n"
	    "      c: {start_action: none, mode: transport, local_ts: [192.0.2.2, 192.0.2.0/24, 192.0.2.3]}\n"
	    "  t:\n"
	    "    local_addrs: [192.0.2.2]\n"
	    "    remote_addrs: [192.0.2.1]\n"
	    "    local: {auth: psk}\n"
	    "    remote: {auth: psk}\n"
	    "    children:\n"
	    "      d: {mode: transport, remote_ts: [\"192.0.2.1[udp/53]\", 192.0.2.9]}\n",
	    "gw.yaml:19:25: connections.rw.children.a.start_action: start_action start needs a peer to start with: remote_addrs is %any\n"
	    "gw.yaml:20:25: connections.rw.children.b.start_action: start_action trap needs a peer to start with: remote_addrs is %any\n"
	    "gw.yaml:21:70: connections.rw.children.c.local_ts[1]: '192.0.2.0/24': in transport mode a selector is dynamic or a host of local_addrs\n"
	    "gw.yaml:21:84: connections.rw.children.c.local_ts[2]: '192.0.2.3': in transport mode a selector is dynamic or a host of local_addrs\n"
	    "gw.yaml:28:61: connections.t.children.d.remote_ts[1]: '192.0.2.9': in transport mode a selector is dynamic or a host of remote_addrs\n");
	/* Families: some pair must match. */
	ASSERT_ERRORS(CHILD "        local_ts: [203.0.113.0/24]\n"
	                    "        remote_ts: [\"2001:db8:1::/48\"]\n"
	                    "      v6:\n"
	                    "        local_ts: [\"2001:db8:0:113::/64\"]\n",
	    "gw.yaml:22:20: connections.branch.children.net.remote_ts: no remote_ts has the family of a local_ts: the child would carry nothing\n"
	    "gw.yaml:24:19: connections.branch.children.v6.local_ts: no remote_ts has the family of a local_ts: the child would carry nothing\n");
}

static void
test_names(void)
{
	ASSERT_ERRORS(CONN "    children:\n"
	                   "      net: {}\n"
	                   "      net: {}\n"
	                   "      \"bad name\": {}\n"
	                   "      a-very-long-child-name-0123456789: {}\n"
	                   "  branch:\n"
	                   "    remote_addrs: [192.0.2.1]\n"
	                   "    local: {auth: psk}\n"
	                   "    remote: {auth: psk}\n"
	                   "  ? [x]\n"
	                   "  : {}\n"
	                   "  \"x/y\": []\n",
	    "gw.yaml:21:7: connections.branch.children.net: duplicate child name 'net' (first at line 20)\n"
	    "gw.yaml:22:7: connections.branch.children.bad name: 'bad name' is not a valid child name (1..31 characters of A-Z a-z 0-9 _ -)\n"
	    "gw.yaml:23:7: connections.branch.children.a-very-long-child-name-0123456789: 'a-very-long-child-name-0123456789' is not a valid child name (1..31 characters of A-Z a-z 0-9 _ -)\n"
	    "gw.yaml:24:3: connections.branch: duplicate connection name 'branch' (first at line 14)\n"
	    "gw.yaml:28:5: connections.?: a connection name must be a plain string\n"
	    "gw.yaml:29:5: connections.?.local: required key is missing\n"
	    "gw.yaml:29:5: connections.?.remote: required key is missing\n"
	    "gw.yaml:30:3: connections.x/y: 'x/y' is not a valid connection name (1..31 characters of A-Z a-z 0-9 _ -)\n"
	    "gw.yaml:30:10: connections.x/y: expected a mapping\n");
	ASSERT_ERRORS(HEAD "connections: [a]\n",
	    "gw.yaml:13:14: connections: expected a mapping of connection names to connections\n");
}

/* ---- the children's policies ---- */

static void
assert_policy(const struct config_policy *p, const char *name, enum config_direction dir,
    const char *src, const char *dst, int proto, int child, unsigned int line)
{
	char a[64], b[64], s[80], d[80];
	bool ok;

	snprintf(s, sizeof(s), "%s/%u", config_addr_format(&p->source.a, a, sizeof(a)),
	    p->source.len);
	snprintf(d, sizeof(d), "%s/%u", config_addr_format(&p->destination.a, b, sizeof(b)),
	    p->destination.len);
	ok = strcmp(p->name, name) == 0 && p->direction == dir && strcmp(s, src) == 0 &&
	    strcmp(d, dst) == 0 && p->protocol == proto && p->child == child && p->sa == -1 &&
	    p->action == CONFIG_POLICY_PROTECT;
	if (!ok)
		fprintf(stderr, "\nline %u: policy %s %s %s -> %s proto %d child %d sa %d\n", line,
		    p->name, config_direction_name(p->direction), s, d, p->protocol, p->child,
		    p->sa);
	CU_assertImplementation(ok, line, "policy", __FILE__, "", CU_FALSE);
}

#define ASSERT_POLICY(p, name, dir, src, dst, proto, child) \
	assert_policy(p, name, CONFIG_DIR_##dir, src, dst, proto, child, __LINE__)

static void
test_policies(void)
{
	const struct config_policy *p;
	struct config *cfg;
	unsigned int i, j;

	cfg = LOAD_OK(HEAD
	    "policies:\n"
	    "  - {name: wan-out, direction: outbound, source: 203.0.113.0/24, destination: 192.0.2.0/24, action: bypass}\n"
	    "connections:\n"
	    "  branch:\n"
	    "    local_addrs: [192.0.2.2, \"2001:db8:0:2::2\"]\n"
	    "    remote_addrs: [192.0.2.1]\n"
	    "    local: {auth: psk}\n"
	    "    remote: {auth: psk}\n"
	    "    children:\n"
	    "      net:\n"
	    "        local_ts: [203.0.113.0/24, \"2001:db8:0:113::/64\", \"203.0.113.5[tcp/22]\"]\n"
	    "        remote_ts: [198.51.100.0/24, \"2001:db8:1::/48\", \"198.51.100.9[udp]\"]\n"
	    "      host:\n"
	    "        mode: transport\n"
	    "  rw:\n"
	    "    local: {auth: psk}\n"
	    "    remote: {auth: psk}\n"
	    "    children:\n"
	    "      dyn: {local_ts: [0.0.0.0/0]}\n"
	    "      fixed: {local_ts: [0.0.0.0/0], remote_ts: [\"198.51.100.0/24[tcp/443]\"]}\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_EQUAL_FATAL(cfg->n_children, 4);
	CU_ASSERT_EQUAL(cfg->children[2].connection, 1);
	CU_ASSERT_EQUAL(cfg->connections[1].first_child, 2);
	CU_ASSERT_EQUAL(cfg->connections[1].n_children, 2);
	/* 1 explicit; net: 4 pairs of one family, less tcp with udp: 3; host: 1; rw/fixed: 1. */
	CU_ASSERT_EQUAL_FATAL(cfg->n_policies, 1 + 2 * 4 + 2 * 1 + 2 * 1);
	p = cfg->policies;
	CU_ASSERT_STRING_EQUAL(p[0].name, "wan-out");
	CU_ASSERT_EQUAL(p[0].child, -1);
	ASSERT_POLICY(&p[1], "branch/net/out/0", OUTBOUND, "203.0.113.0/24", "198.51.100.0/24", -1,
	    0);
	ASSERT_POLICY(&p[2], "branch/net/in/0", INBOUND, "198.51.100.0/24", "203.0.113.0/24", -1,
	    0);
	ASSERT_POLICY(&p[3], "branch/net/out/1", OUTBOUND, "203.0.113.0/24", "198.51.100.9/32", 17,
	    0);
	ASSERT_POLICY(&p[4], "branch/net/in/1", INBOUND, "198.51.100.9/32", "203.0.113.0/24", 17,
	    0);
	ASSERT_POLICY(&p[5], "branch/net/out/2", OUTBOUND, "2001:db8:0:113::/64", "2001:db8:1::/48",
	    -1, 0);
	ASSERT_POLICY(&p[6], "branch/net/in/2", INBOUND, "2001:db8:1::/48", "2001:db8:0:113::/64",
	    -1, 0);
	ASSERT_POLICY(&p[7], "branch/net/out/3", OUTBOUND, "203.0.113.5/32", "198.51.100.0/24", 6,
	    0);
	ASSERT_POLICY(&p[8], "branch/net/in/3", INBOUND, "198.51.100.0/24", "203.0.113.5/32", 6, 0);
	/* Ports follow their selector: local ports are the source's outbound, the destination's inbound. */
	CU_ASSERT(p[7].source_ports.first == 22 && p[7].source_ports.last == 22);
	CU_ASSERT(p[7].destination_ports.first == 0 && p[7].destination_ports.last == 65535);
	CU_ASSERT(p[8].destination_ports.first == 22 && p[8].destination_ports.last == 22);
	CU_ASSERT(p[8].source_ports.first == 0 && p[8].source_ports.last == 65535);
	/* dynamic: the first address of each end. */
	ASSERT_POLICY(&p[9], "branch/host/out/0", OUTBOUND, "192.0.2.2/32", "192.0.2.1/32", -1, 1);
	ASSERT_POLICY(&p[10], "branch/host/in/0", INBOUND, "192.0.2.1/32", "192.0.2.2/32", -1, 1);
	/* rw/dyn: remote %any and dynamic: no policy; rw/fixed has its own. */
	ASSERT_POLICY(&p[11], "rw/fixed/out/0", OUTBOUND, "0.0.0.0/0", "198.51.100.0/24", 6, 3);
	ASSERT_POLICY(&p[12], "rw/fixed/in/0", INBOUND, "198.51.100.0/24", "0.0.0.0/0", 6, 3);
	CU_ASSERT(p[11].destination_ports.first == 443 && p[12].source_ports.last == 443);
	for (i = 1; i < cfg->n_policies; i++)
		CU_ASSERT_EQUAL(cfg->policies[i].sa, -1);
	config_destroy(cfg);

	/* Long names are cut, and stay unique. */
	cfg = LOAD_OK(HEAD "connections:\n"
	                   "  a-connection-with-a-long-name01:\n"
	                   "    local_addrs: [192.0.2.2]\n"
	                   "    remote_addrs: [192.0.2.1]\n"
	                   "    local: {auth: psk}\n"
	                   "    remote: {auth: psk}\n"
	                   "    children:\n"
	                   "      child-with-a-long-name-number01:\n"
	                   "        local_ts: [203.0.113.0/25, 203.0.113.128/25]\n"
	                   "        remote_ts: [198.51.100.0/24]\n"
	                   "      child-with-a-long-name-number02:\n"
	                   "        remote_ts: [198.51.100.0/24]\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_EQUAL_FATAL(cfg->n_policies, 6);
	CU_ASSERT_STRING_EQUAL(cfg->policies[0].name, "a-connection-with-a-lon~0/out/0");
	CU_ASSERT_STRING_EQUAL(cfg->policies[3].name, "a-connection-with-a-long~0/in/1");
	CU_ASSERT_STRING_EQUAL(cfg->policies[4].name, "a-connection-with-a-lon~1/out/0");
	for (i = 0; i < cfg->n_policies; i++) {
		CU_ASSERT(strlen(cfg->policies[i].name) < CONFIG_NAME_MAX);
		for (j = 0; j < i; j++)
			CU_ASSERT(strcmp(cfg->policies[i].name, cfg->policies[j].name) != 0);
	}
	config_destroy(cfg);
}

static void
test_policies_too_many(void)
{
	size_t size = 256 << 10, y;
	char *yaml, want[512];
	int i;

	yaml = malloc(size);
	CU_ASSERT_PTR_NOT_NULL_FATAL(yaml);
	/* 1000 explicit policies, then children of 16 x 1 selectors: 32 policies each. */
	y = (size_t)snprintf(yaml, size, "%s", HEAD "policies:\n");
	for (i = 0; i < 1000; i++)
		y += (size_t)snprintf(yaml + y, size - y,
		    "  - {name: p%d, direction: inbound, source: 0.0.0.0/0, destination: 0.0.0.0/0, action: discard}\n",
		    i);
	y += (size_t)snprintf(yaml + y, size - y,
	    "connections:\n"
	    "  c:\n"
	    "    local_addrs: [192.0.2.2]\n"
	    "    remote_addrs: [192.0.2.1]\n"
	    "    local: {auth: psk}\n"
	    "    remote: {auth: psk}\n"
	    "    children:\n"
	    "      small: {}\n");
	for (i = 0; i < 2; i++)
		y += (size_t)snprintf(yaml + y, size - y,
		    "      big%d:\n"
		    "        local_ts: [203.0.113.0/28, 203.0.113.16/28, 203.0.113.32/28, 203.0.113.48/28,\n"
		    "                   203.0.113.64/28, 203.0.113.80/28, 203.0.113.96/28, 203.0.113.112/28,\n"
		    "                   203.0.113.128/28, 203.0.113.144/28, 203.0.113.160/28, 203.0.113.176/28,\n"
		    "                   203.0.113.192/28, 203.0.113.208/28, 203.0.113.224/28, 203.0.113.240/28]\n"
		    "        remote_ts: [198.51.100.0/24]\n",
		    i);
	CU_ASSERT_FATAL(y < size);
	/* 1000 + 2 + 32 = 1034: big1 never gets there. */
	snprintf(want, sizeof(want),
	    "gw.yaml:%d:7: connections.c.children.big0: too many policies: this child's traffic selectors make 32 more than the 1002 before it (at most 1024, policies: included)\n",
	    13 + 1000 + 9);
	ASSERT_ERRORS(yaml, want);
	free(yaml);
}

/* ---- the configs the project ships still load ---- */

static void
test_shipped_configs(void)
{
	static const char *const files[] = {
		SRC_DIR "/config/demo.yaml",
		SRC_DIR "/tests/fuzz/corpus/config/demo.yaml",
		SRC_DIR "/tests/fuzz/corpus/config/minimal.yaml",
		SRC_DIR "/tests/fuzz/corpus/config/ipv6.yaml",
		SRC_DIR "/tests/fuzz/corpus/config/static_sas.yaml",
		SRC_DIR "/tests/fuzz/corpus/config/static_sas_ah.yaml",
		SRC_DIR "/tests/fuzz/corpus/config/static_sas_v6.yaml",
		SRC_DIR "/tests/fuzz/corpus/config/connections.yaml",
		SRC_DIR "/tests/fuzz/corpus/config/connections_rw.yaml",
	};
	struct config *cfg;
	char *got = NULL;
	size_t i, size = 0;
	FILE *f;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		f = open_memstream(&got, &size);
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		cfg = config_load_file(files[i], f);
		fclose(f);
		if (cfg == NULL || got[0] != '\0')
			fprintf(stderr, "\n%s:\n%s", files[i], got);
		CU_ASSERT_PTR_NOT_NULL(cfg);
		CU_ASSERT_STRING_EQUAL(got, "");
		config_destroy(cfg);
		free(got);
		got = NULL;
	}
	cfg = config_load_buffer(config_default_yaml, config_default_yaml_len, "demo", NULL);
	CU_ASSERT_PTR_NOT_NULL(cfg);
	config_destroy(cfg);
}

static int
suite_init(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_config_conn.XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

/* Remove what file_make() made: the scratch directory holds files only. */
static int
suite_clean(void)
{
	static const char *const names[] = { "gw.pem", "gw.key", "ca.pem", "ca.crl", "a.pem",
		"a.key", "ca2.pem", "psk600", "psk400", "psk644", "psk620", "empty", "badhex",
		"huge" };
	char path[128];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
		unlink(path);
	}
	return rmdir(tmpdir);
}

int
main(void)
{
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
#define T(fn) { #fn, fn }
		T(test_load_full),
		T(test_defaults),
		T(test_durations),
		T(test_ike_section_errors),
		T(test_ike_proposals),
		T(test_esp_proposals),
		T(test_identities),
		T(test_secret_forms),
		T(test_secret_duplicates),
		T(test_secret_file),
		T(test_conn_addrs),
		T(test_conn_auth),
		T(test_conn_psk_secret),
		T(test_conn_misc_errors),
		T(test_ts_syntax),
		T(test_child_errors),
		T(test_names),
		T(test_policies),
		T(test_policies_too_many),
		T(test_shipped_configs),
#undef T
	};
	CU_pSuite suite;
	unsigned int failures;
	size_t i;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return CU_get_error();
	if ((suite = CU_add_suite("config_conn", suite_init, suite_clean)) == NULL)
		goto fail_cleanup;
	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (CU_add_test(suite, tests[i].name, tests[i].fn) == NULL)
			goto fail_cleanup;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failures == 0 ? 0 : 1;
fail_cleanup:
	CU_cleanup_registry();
	return 1;
}
