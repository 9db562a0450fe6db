/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/tools/ikev2_auth_peer.c: one IKEv2 IKE_SA_INIT + IKE_AUTH as initiator on a UDP socket, to check proposals, traffic selectors and AUTH against a real peer. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "config/config.h"
#include "slowpath/ike/ike.h"
#include "slowpath/ike/ike_crypto.h"
#include "slowpath/ike/ike_id.h"
#include "slowpath/ike/ike_ts.h"
#include "slowpath/ike/ikev2_auth.h"
#include "slowpath/ike/ikev2_crypt.h"
#include "slowpath/ike/ikev2_msg.h"
#include "slowpath/ike/ikev2_prop.h"

/*
 * ikev2_auth_peer --config FILE [--conn NAME] [--no-sighash] [--timeout S]
 *
 * Not an IKEv2 engine (that is the next step): a fixed script of the two
 * first exchanges (RFC 7296 §1.2) as initiator, built from the modules
 * below the state machine, so that a real responder (strongSwan) judges
 * them and they judge it:
 *
 *   IKE_SA_INIT: HDR, SAi1, KEi, Ni [, N(SIGNATURE_HASH_ALGORITHMS)]  -->
 *                <-- HDR, SAr1, KEr, Nr [, N(...)]   (or N(INVALID_KE_PAYLOAD): once more)
 *   IKE_AUTH:    HDR, SK {IDi, [CERT,] AUTH, SAi2, TSi, TSr}  -->
 *                <-- HDR, SK {IDr, [CERT,] AUTH, SAr2, TSi, TSr}
 *
 * The first connection of the config (or --conn) and its first child are
 * used, on UDP port 500 of local_addrs[0] towards remote_addrs[0].  The
 * result goes to stdout as one JSON line:
 *   {"ok":true,"ike":"aes256-...","auth_sent":14,"auth_got":14,"hash_got":2,
 *    "esp":"...","spi_in":"...","spi_out":"...","tsi":[...],"tsr":[...]}
 * or {"ok":false,"step":"...","why":"..."}; exit status 0 or 1.
 */

#define DGRAM_MAX      65535
#define NONCE_LEN      32
#define INNER_MAX      16384
#define TRIES          3
#define TRY_MS         2000
#define TS_TEXT        64
#define CERT_MAX       8192
#define OUT_NOTIFY     64
#define NON_ESP_MARKER 4

static const char *step = "setup";

static void
fail(const char *why)
{
	printf("{\"ok\":false,\"step\":\"%s\",\"why\":\"%s\"}\n", step, why);
	fflush(stdout);
	exit(1);
}

static void
put64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static socklen_t
sockaddr_of(const struct config_addr *a, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == 4) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, a->addr, 4);
		return sizeof(*s4);
	}
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(port);
	memcpy(&s6->sin6_addr, a->addr, 16);
	return sizeof(*s6);
}

/*
 * Send @req and wait for a datagram that answers it (same SPIi, exchange, a
 * response).  On port 4500 (@natt) both carry the 4-byte non-ESP marker
 * (RFC 3948 §2.2), added and stripped here.
 */
static ssize_t
exchange(int fd, bool natt, const uint8_t *req, size_t len, uint8_t *resp, int timeout_ms)
{
	static uint8_t wire[DGRAM_MAX + NON_ESP_MARKER];
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t off = natt ? NON_ESP_MARKER : 0;
	int t, r;
	ssize_t n;

	memset(wire, 0, off);
	memcpy(wire + off, req, len);
	for (t = 0; t < TRIES; t++) {
		if (send(fd, wire, off + len, 0) != (ssize_t)(off + len))
			fail("send failed");
		for (;;) {
			r = poll(&p, 1, timeout_ms);
			if (r <= 0)
				break;
			n = recv(fd, resp, DGRAM_MAX, 0);
			if (n < (ssize_t)off + 28 || (natt && memcmp(resp, "\0\0\0\0", 4) != 0))
				continue;
			n -= (ssize_t)off;
			memmove(resp, resp + off, (size_t)n);
			if (memcmp(resp, req, 8) == 0 && resp[18] == req[18] &&
			    (resp[19] & IKEV2_FLAG_R) != 0)
				return n;
		}
	}
	return -1;
}

/* NAT_DETECTION_*_IP data: SHA-1(SPIi | SPIr | IP | port) (RFC 7296 §2.23). */
static void
natd(const uint8_t *spi_i, const uint8_t *spi_r, const struct config_addr *a, uint16_t port,
    uint8_t *out)
{
	uint8_t pb[2] = { (uint8_t)(port >> 8), (uint8_t)port };
	struct ike_crypto_chunk parts[4] = { { spi_i, 8 }, { spi_r, 8 },
		{ a->addr, a->family == 4 ? 4u : 16u }, { pb, 2 } };

	if (ike_crypto_hash_vec(IKE_CRYPTO_PRF_HMAC_SHA1, parts, 4, out, 20) != 20)
		fail("NAT-D hash");
}

static int
udp_socket(const struct config_addr *l, uint16_t lport, const struct config_addr *r, uint16_t rport)
{
	struct sockaddr_storage la, ra;
	socklen_t ll = sockaddr_of(l, lport, &la), rl = sockaddr_of(r, rport, &ra);
	int fd = socket(l->family == 4 ? AF_INET : AF_INET6, SOCK_DGRAM, IPPROTO_UDP);

	if (fd < 0 || bind(fd, (struct sockaddr *)&la, ll) < 0 ||
	    connect(fd, (struct sockaddr *)&ra, rl) < 0)
		fail("socket");
	return fd;
}

static void
ts_json(const struct config_ts *ts, unsigned int n, char *buf, size_t len)
{
	char one[TS_TEXT];
	size_t off = 0;
	unsigned int i;

	off += (size_t)snprintf(buf, len, "[");
	for (i = 0; i < n && off < len; i++) {
		ike_ts_format(&ts[i], one, sizeof(one));
		off += (size_t)snprintf(buf + off, len - off, "%s\"%s\"", i ? "," : "", one);
	}
	if (off < len)
		snprintf(buf + off, len - off, "]");
}

/* The ID payload body as AUTH signs it (RFC 7296 §2.15: type, 3 reserved, data). */
static size_t
id_body(const struct ike_id *id, uint8_t *out)
{
	out[0] = id->type;
	out[1] = out[2] = out[3] = 0;
	memcpy(out + 4, id->data, id->len);
	return 4 + id->len;
}

static const struct config_secret *
psk_of(const struct config *cfg, const struct config_connection *c, const struct ike_id *me,
    const struct ike_id *peer)
{
	enum config_id_type lt, rt;
	char lid[IKE_ID_DATA_MAX], rid[IKE_ID_DATA_MAX];
	uint8_t la[16], ra[16];

	if (ike_id_text(me, &lt, lid, sizeof(lid), la) < 0)
		return NULL;
	if (peer == NULL) {
		const char *id;
		const uint8_t *a;

		ike_id_lookup_key(&c->remote, &c->remote_addrs[0], &rt, &id, &a, rid, sizeof(rid));
		if (id != rid)
			snprintf(rid, sizeof(rid), "%s", id);
		memcpy(ra, a, 16);
	} else if (ike_id_text(peer, &rt, rid, sizeof(rid), ra) < 0) {
		return NULL;
	}
	return ike_id_psk_find(cfg, lt, lid, la, rt, rid, ra);
}

int main(int argc, char **argv);

int
main(int argc, char **argv)
{
	static uint8_t req1[DGRAM_MAX], resp1[DGRAM_MAX], req2[DGRAM_MAX], resp2[DGRAM_MAX];
	static uint8_t inner[INNER_MAX], plain[DGRAM_MAX], authd[IKEV2_AUTH_DATA_MAX];
	static struct ikev2_msg m1, m2;
	static struct ike_id me, peer;
	const char *conf = NULL, *conn_name = NULL;
	bool sighash = true;
	int timeout_ms = TRY_MS;
	struct config *cfg;
	const struct config_connection *c = NULL;
	const struct config_child *ch;
	struct ike_crypto_dh *dh = NULL;
	struct ike_crypto_cred *cred = NULL;
	struct ike_crypto_v2_keys keys;
	struct ikev2_crypt_keys ki, kr;
	struct ikev2_sa_payload sa_ike, sa_esp;
	struct ikev2_ts_payload tsi, tsr;
	struct ikev2_prop_ike ike;
	struct ikev2_prop_esp esp;
	struct ikev2_auth_octets oct;
	struct ike_buf b, ib;
	uint8_t zero_spi[8] = { 0 }, nd[20];
	bool natt = false;
	int fd2 = -1;
	uint8_t ni[NONCE_LEN], spi_i[8], spi_r[8], spi_in[4], ke[IKE_CRYPTO_DH_MAX];
	uint8_t gir[IKE_CRYPTO_DH_MAX], skeyseed[IKE_CRYPTO_PRF_MAX], hashes_n[16], body[4 + 1024];
	uint16_t group, peer_hashes[IKEV2_AUTH_HASHES_MAX], hash = 0, got_hash = 0;
	unsigned int n_peer_hashes = 0, i;
	uint8_t method;
	uint64_t ispi;
	const struct config_secret *sec;
	const struct ikev2_notification *nt;
	struct config_ts inst_i[CONFIG_TS_MAX], inst_r[CONFIG_TS_MAX];
	char name[128], espn[128], jtsi[512], jtsr[512];
	const char *why;
	ssize_t n;
	int fd, rc, kel, gl, sl, hl, ninst_i, ninst_r, blen;

	for (i = 1; i < (unsigned int)argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < (unsigned int)argc)
			conf = argv[++i];
		else if (strcmp(argv[i], "--conn") == 0 && i + 1 < (unsigned int)argc)
			conn_name = argv[++i];
		else if (strcmp(argv[i], "--no-sighash") == 0)
			sighash = false;
		else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < (unsigned int)argc)
			timeout_ms = atoi(argv[++i]) * 1000;
		else {
			fprintf(stderr,
			    "usage: ikev2_auth_peer --config FILE [--conn NAME] "
			    "[--no-sighash] [--timeout S]\n");
			return 2;
		}
	}
	if (conf == NULL || timeout_ms <= 0)
		fail("usage");
	cfg = config_load_file(conf, stderr);
	if (cfg == NULL)
		fail("config does not load");
	for (i = 0; i < cfg->n_connections; i++) {
		if (conn_name == NULL || strcmp(cfg->connections[i].name, conn_name) == 0) {
			c = &cfg->connections[i];
			break;
		}
	}
	if (c == NULL || c->n_children == 0 || c->n_local_addrs == 0 || c->n_remote_addrs == 0)
		fail("no connection with a child and addresses");
	ch = &cfg->children[c->first_child];
	if (c->local.auth == CONFIG_AUTH_PUBKEY) {
		const char *certs[CONFIG_CERTS_MAX];
		char err[256];

		for (i = 0; i < c->local.n_certs; i++)
			certs[i] = c->local.certs[i];
		if (ike_crypto_cred_load(certs, c->local.n_certs, c->local.key, &cred, err,
		        sizeof(err)) != 0)
			fail("our certificate or key does not load");
	}
	fd = udp_socket(&c->local_addrs[0], c->local_port, &c->remote_addrs[0], c->remote_port);

	/* ---- IKE_SA_INIT ---- */
	step = "ike_sa_init";
	if (ike_crypto_random(spi_i, 8) < 0 || ike_crypto_random(ni, sizeof(ni)) < 0)
		fail("random");
	ispi = ike_get64(spi_i);
	if (ikev2_prop_ike_offer(c, NULL, 0, &sa_ike) <= 0)
		fail("no IKE offer");
	group = c->proposals[0].dh;
	for (;;) {
		ike_crypto_dh_destroy(dh);
		dh = ike_crypto_dh_create(group);
		kel = dh != NULL ? ike_crypto_dh_public(dh, ke, sizeof(ke)) : -1;
		if (kel < 0)
			fail("DH");
		ike_payload_buf_init(&b, req1, sizeof(req1));
		ikev2_msg_build_hdr(&b, ispi, 0, IKEV2_EXCH_IKE_SA_INIT, IKEV2_FLAG_I, 0);
		ikev2_msg_build_sa(&b, &sa_ike);
		ikev2_msg_build_ke(&b, group, ke, (size_t)kel);
		ikev2_msg_build_nonce(&b, ni, sizeof(ni));
		/* NAT-T support (RFC 7296 §2.23); libipsec charon then floats to 4500. */
		natd(spi_i, zero_spi, &c->local_addrs[0], c->local_port, nd);
		ikev2_msg_build_notify(&b, 0, NULL, 0, IKEV2_N_NAT_DETECTION_SOURCE_IP, nd, 20);
		natd(spi_i, zero_spi, &c->remote_addrs[0], c->remote_port, nd);
		ikev2_msg_build_notify(&b, 0, NULL, 0, IKEV2_N_NAT_DETECTION_DESTINATION_IP, nd,
		    20);
		if (sighash) {
			hl = ikev2_auth_hashes_build(hashes_n, sizeof(hashes_n));
			ikev2_msg_build_notify(&b, 0, NULL, 0, IKEV2_N_SIGNATURE_HASH_ALGORITHMS,
			    hashes_n, (size_t)hl);
		}
		if (ikev2_msg_build_finish(&b) < 0)
			fail("IKE_SA_INIT does not build");
		n = exchange(fd, false, req1, b.len, resp1, timeout_ms);
		if (n < 0)
			fail("no IKE_SA_INIT response");
		if (ikev2_msg_parse(resp1, (size_t)n, &m1) != 0)
			fail("the IKE_SA_INIT response does not parse");
		nt = ikev2_msg_notify_find(&m1, IKEV2_N_INVALID_KE_PAYLOAD);
		if (nt == NULL)
			break;
		/* RFC 7296 §1.3: the group the responder wants, 2 bytes; once only. */
		if (nt->data_len != 2 || ike_get16(nt->data) == group ||
		    group != c->proposals[0].dh)
			fail("INVALID_KE_PAYLOAD we cannot follow");
		group = ike_get16(nt->data);
		fprintf(stderr, "ikev2_auth_peer: INVALID_KE_PAYLOAD, retrying with group %u\n",
		    group);
	}
	if (m1.n_notifies > 0 && m1.notifies[0].type < 16384 && !m1.has_sa)
		fail(ikev2_msg_notify_name(m1.notifies[0].type));
	if (!m1.has_sa || !m1.has_ke || m1.nonce.p == NULL)
		fail("SA, KE or Nonce missing");
	if (ikev2_prop_ike_check(&m1.sa, c, 0, &ike, &why) != IKEV2_N_NONE)
		fail(why);
	if (m1.ke.group != ike.dh || ike.dh != group)
		fail("KE group is not the chosen one");
	nt = ikev2_msg_notify_find(&m1, IKEV2_N_SIGNATURE_HASH_ALGORITHMS);
	if (nt != NULL) {
		rc = ikev2_auth_hashes_parse(nt->data, nt->data_len, peer_hashes,
		    IKEV2_AUTH_HASHES_MAX);
		if (rc < 0)
			fail("bad SIGNATURE_HASH_ALGORITHMS");
		n_peer_hashes = (unsigned int)rc;
	}
	put64(spi_r, m1.hdr.rspi);
	/* The responder does NAT-T: IKE_AUTH goes to port 4500 (RFC 7296 §2.23). */
	if (ikev2_msg_notify_find(&m1, IKEV2_N_NAT_DETECTION_SOURCE_IP) != NULL) {
		natt = true;
		fd2 = udp_socket(&c->local_addrs[0], IKE_PORT_NATT, &c->remote_addrs[0],
		    IKE_PORT_NATT);
	}
	gl = ike_crypto_dh_shared(dh, m1.ke.data, m1.ke.len, gir, sizeof(gir));
	sl = gl < 0 ? gl :
	              ike_crypto_v2_skeyseed(ike.prf, ni, sizeof(ni), m1.nonce.p, m1.nonce.len, gir,
	                  (size_t)gl, skeyseed, sizeof(skeyseed));
	if (sl < 0 ||
	    ike_crypto_v2_keys_derive(ike.prf, skeyseed, (size_t)sl, ni, sizeof(ni), m1.nonce.p,
	        m1.nonce.len, spi_i, spi_r,
	        ike.integ != 0 ? (size_t)ike_crypto_integ_key_len(ike.integ) : 0,
	        (size_t)ike_crypto_encr_key_len(ike.encr, ike.encr_bits), &keys) < 0)
		fail("key derivation");
	if (ikev2_crypt_keys_init(&ki, ike.encr, ike.integ, keys.sk_ei, keys.encr_len, keys.sk_ai,
	        keys.integ_len) != 0 ||
	    ikev2_crypt_keys_init(&kr, ike.encr, ike.integ, keys.sk_er, keys.encr_len, keys.sk_ar,
	        keys.integ_len) != 0)
		fail("SK keys");

	/* ---- IKE_AUTH ---- */
	step = "ike_auth";
	if (ike_id_local(&c->local, &c->local_addrs[0], cred, &me) != 0)
		fail("our identity");
	blen = (int)id_body(&me, body);
	oct = (struct ikev2_auth_octets){ .msg = req1,
		.msg_len = b.len,
		.nonce = m1.nonce.p,
		.nonce_len = m1.nonce.len,
		.id = body,
		.id_len = (size_t)blen,
		.prf = ike.prf,
		.sk_p = keys.sk_pi,
		.sk_p_len = keys.prf_len };
	if (cred != NULL) {
		method = ikev2_auth_sig_choose(ike_crypto_cred_sig(cred), peer_hashes,
		    n_peer_hashes, &hash);
		rc = ikev2_auth_sig_build(cred, method, hash, &oct, authd, sizeof(authd));
	} else {
		method = IKEV2_AUTH_PSK;
		sec = psk_of(cfg, c, &me, NULL);
		if (sec == NULL)
			fail("no PSK");
		rc = ikev2_auth_psk_build(&oct, sec->secret, sec->secret_len, authd, sizeof(authd));
	}
	if (rc < 0)
		fail("AUTH does not build");
	if (ike_crypto_random(spi_in, 4) < 0)
		fail("random");
	spi_in[0] |= 0xc0; /* never a reserved SPI (RFC 4303 §2.1) */
	if (ikev2_prop_esp_offer(ch, spi_in, false, &sa_esp) <= 0)
		fail("no ESP offer");
	if (ikev2_prop_ts_offer(ch->local_ts, ch->n_local_ts, &c->local_addrs[0], NULL, &tsi) < 0 ||
	    ikev2_prop_ts_offer(ch->remote_ts, ch->n_remote_ts, &c->remote_addrs[0], NULL, &tsr) <
	        0)
		fail("TS offer");
	ike_payload_buf_init(&ib, inner, sizeof(inner));
	ikev2_msg_build_id(&ib, IKEV2_PL_IDI, me.type, me.data, me.len);
	if (cred != NULL) {
		const uint8_t *der;
		size_t dl;

		for (i = 0; ike_crypto_cred_cert(cred, i, &der, &dl) > (int)i; i++)
			ikev2_msg_build_cert(&ib, IKEV2_PL_CERT, IKEV2_CERT_X509_SIG, der, dl);
	}
	ikev2_msg_build_auth(&ib, method, authd, (size_t)rc);
	ikev2_msg_build_sa(&ib, &sa_esp);
	ikev2_msg_build_ts(&ib, IKEV2_PL_TSI, &tsi);
	ikev2_msg_build_ts(&ib, IKEV2_PL_TSR, &tsr);
	if (ike_payload_buf_finish(&ib) != 0)
		fail("IKE_AUTH payloads do not build");
	ike_payload_buf_init(&b, req2, sizeof(req2));
	ikev2_msg_build_hdr(&b, ispi, m1.hdr.rspi, IKEV2_EXCH_IKE_AUTH, IKEV2_FLAG_I, 1);
	rc = ikev2_crypt_protect(&ki, &b, ib.first, inner, ib.len);
	if (rc < 0)
		fail("IKE_AUTH does not protect");
	n = exchange(natt ? fd2 : fd, natt, req2, (size_t)rc, resp2, timeout_ms);
	if (n < 0)
		fail("no IKE_AUTH response");
	if (ikev2_msg_parse(resp2, (size_t)n, &m2) != 0)
		fail("the IKE_AUTH response does not parse");
	if (ikev2_crypt_open(&kr, &m2, plain, sizeof(plain)) != 0)
		fail("the IKE_AUTH response does not decrypt");
	for (i = 0; i < m2.n_notifies; i++) {
		if (m2.notifies[i].type > 0 && m2.notifies[i].type < 16384 && !m2.has_auth)
			fail(ikev2_msg_notify_name(m2.notifies[i].type));
	}
	if (!m2.has_idr || !m2.has_auth)
		fail("IDr or AUTH missing");

	/* The responder's identity and AUTH (RFC 7296 §2.15: RealMessage2 | NonceIData | MACedIDForR). */
	step = "peer_auth";
	if (ike_id_parse(m2.idr.type, m2.idr.data, m2.idr.len, &peer) != 0)
		fail("IDr does not parse");
	if (!ike_id_match(&c->remote, &peer))
		fail("IDr is not the configured remote identity");
	oct = (struct ikev2_auth_octets){ .msg = resp1,
		.msg_len = m1.hdr.length,
		.nonce = ni,
		.nonce_len = sizeof(ni),
		.id = m2.idr.body,
		.id_len = m2.idr.body_len,
		.prf = ike.prf,
		.sk_p = keys.sk_pr,
		.sk_p_len = keys.prf_len };
	if (m2.auth.method == IKEV2_AUTH_PSK) {
		if (c->remote.auth != CONFIG_AUTH_PSK)
			fail("PSK AUTH where a signature was expected");
		sec = psk_of(cfg, c, &me, &peer);
		if (sec == NULL)
			fail("no PSK for the peer");
		rc = ikev2_auth_psk_verify(&oct, sec->secret, sec->secret_len, m2.auth.data,
		    m2.auth.len);
	} else {
		const char *cas[CONFIG_CERTS_MAX];
		struct ike_crypto_chunk certs[IKEV2_CERTS_MAX];
		struct ike_crypto_trust *t = NULL;
		struct ike_crypto_cert *pc = NULL;
		enum ike_crypto_cert_err cwhy;
		char err[256];

		if (c->remote.auth != CONFIG_AUTH_PUBKEY || m2.n_certs == 0)
			fail("a signature AUTH without certificates");
		for (i = 0; i < c->remote.n_cacerts; i++)
			cas[i] = c->remote.cacerts[i];
		for (i = 0; i < m2.n_certs; i++)
			certs[i] = (struct ike_crypto_chunk){ m2.certs[i].data, m2.certs[i].len };
		if (ike_crypto_trust_load(cas, c->remote.n_cacerts, NULL, 0, &t, err,
		        sizeof(err)) != 0 ||
		    ike_crypto_trust_verify(t, certs, m2.n_certs, 0, &pc, &cwhy) != 0)
			fail("the peer's certificate does not validate");
		if (peer.type == CONFIG_ID_DN) {
			const uint8_t *subj;
			size_t slen;

			ike_crypto_cert_subject(pc, &subj, &slen);
			if (!ike_crypto_dn_equal(subj, slen, peer.data, peer.len))
				fail("IDr is not the certificate's subject");
		}
		rc = ikev2_auth_sig_verify(pc, m2.auth.method, m2.auth.data, m2.auth.len, &oct,
		    &got_hash);
		ike_crypto_cert_destroy(pc);
		ike_crypto_trust_destroy(t);
	}
	if (rc != 0) {
		fprintf(stderr, "ikev2_auth_peer: AUTH verify: %s\n", strerror(-rc));
		fail("the peer's AUTH does not verify");
	}

	/* The Child SA: one of our ESP proposals, selectors inside ours. */
	step = "child";
	if (!m2.has_sa || !m2.has_tsi || !m2.has_tsr)
		fail("no Child SA in the answer");
	if (ikev2_prop_esp_check(&m2.sa, ch, false, &esp, &why) != IKEV2_N_NONE)
		fail(why);
	if (ikev2_prop_ts_check(&tsi, &m2.tsi) != IKEV2_N_NONE ||
	    ikev2_prop_ts_check(&tsr, &m2.tsr) != IKEV2_N_NONE)
		fail("the answer's selectors are not inside ours");
	ninst_i = ikev2_prop_ts_install(&m2.tsi, inst_i, CONFIG_TS_MAX);
	ninst_r = ikev2_prop_ts_install(&m2.tsr, inst_r, CONFIG_TS_MAX);
	if (ninst_i < 0 || ninst_r < 0)
		fail("selectors do not install");
	ts_json(inst_i, (unsigned int)ninst_i, jtsi, sizeof(jtsi));
	ts_json(inst_r, (unsigned int)ninst_r, jtsr, sizeof(jtsr));
	ikev2_prop_name(&m1.sa.p[0], name, sizeof(name));
	ikev2_prop_name(&m2.sa.p[0], espn, sizeof(espn));
	printf("{\"ok\":true,\"ike\":\"%s\",\"auth_sent\":%u,\"hash_sent\":%u,\"auth_got\":%u,"
	       "\"hash_got\":%u,\"peer_hashes\":%u,\"esp\":\"%s\",\"esn\":%s,"
	       "\"spi_in\":\"%02x%02x%02x%02x\",\"spi_out\":\"%02x%02x%02x%02x\","
	       "\"tsi\":%s,\"tsr\":%s}\n",
	    name, method, cred != NULL ? hash : 0, m2.auth.method, got_hash, n_peer_hashes, espn,
	    esp.esn ? "true" : "false", spi_in[0], spi_in[1], spi_in[2], spi_in[3], esp.spi[0],
	    esp.spi[1], esp.spi[2], esp.spi[3], jtsi, jtsr);
	fflush(stdout);
	ike_crypto_v2_keys_fini(&keys);
	ikev2_crypt_keys_fini(&ki);
	ikev2_crypt_keys_fini(&kr);
	ike_crypto_dh_destroy(dh);
	ike_crypto_cred_destroy(cred);
	config_destroy(cfg);
	close(fd);
	if (fd2 >= 0)
		close(fd2);
	return 0;
}
