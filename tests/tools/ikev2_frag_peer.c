/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/tools/ikev2_frag_peer.c: IKE_SA_INIT then IKE_AUTH sent as RFC 7383 fragments, to check the SKF codec against a real peer. */
#include <errno.h>
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

#include "slowpath/ike/ike_crypto.h"
#include "slowpath/ike/ike_payload.h"
#include "slowpath/ike/ikev2_auth.h"
#include "slowpath/ike/ikev2_crypt.h"
#include "slowpath/ike/ikev2_msg.h"

/*
 * ikev2_frag_peer LOCAL_IP REMOTE_IP PSK cbc|gcm FRAG_SIZE
 *
 * A fixed script, not an engine (tests/integration/test_ikev2_codec_strongswan.sh):
 *   IKE_SA_INIT: HDR, SAi1, KEi (ECP-256), Ni, N(NAT_DETECTION_*: fake, so
 *                that the peer floats to 4500), N(IKEV2_FRAGMENTATION_SUPPORTED)
 *   IKE_AUTH:    the inner chain {IDi (our IPv4 address), AUTH (PSK), SAi2
 *                (ESP aes128-sha256 or aes128gcm16), TSi 198.51.100.1/32,
 *                TSr 203.0.113.1/32} cut into SKF fragments of at most
 *                FRAG_SIZE bytes (ikev2_crypt_protect_frags), on UDP 4500
 *   The answer, SK or SKF fragments (reassembled with ikev2_frag_reasm),
 *   must open with SK_er/SK_ar and carry the peer's PSK AUTH.
 * Prints one line "ok frags_sent=N frags_got=M" (M = 0: an SK answer), or
 * "fail STEP"; exit status 0 or 1.
 */

#define DGRAM_MAX 65535
#define NONCE_LEN 32
#define WAIT_MS   3000
#define MARKER    4 /* non-ESP marker on port 4500 (RFC 3948 §2.2) */

static void
fail(const char *step)
{
	printf("fail %s\n", step);
	exit(1);
}

static int
udp_socket(const char *local, const char *remote, uint16_t port)
{
	struct sockaddr_in l = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct sockaddr_in r = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd, one = 1;

	if (inet_pton(AF_INET, local, &l.sin_addr) != 1 ||
	    inet_pton(AF_INET, remote, &r.sin_addr) != 1)
		fail("addresses");
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(fd, (struct sockaddr *)&l, sizeof(l)) != 0 ||
	    connect(fd, (struct sockaddr *)&r, sizeof(r)) != 0)
		fail("socket");
	return fd;
}

static void
send_msg(int fd, bool natt, const uint8_t *p, size_t len)
{
	static uint8_t d[DGRAM_MAX];

	memset(d, 0, MARKER);
	memcpy(d + (natt ? MARKER : 0), p, len);
	if (send(fd, d, len + (natt ? MARKER : 0), 0) < 0)
		fail("send");
}

/* One IKE message (the marker stripped), or -1 after WAIT_MS. */
static ssize_t
recv_msg(int fd, bool natt, uint8_t *p, size_t cap)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	static uint8_t d[DGRAM_MAX];
	ssize_t n;

	if (poll(&pfd, 1, WAIT_MS) != 1)
		return -1;
	n = recv(fd, d, sizeof(d), 0);
	if (n < (natt ? MARKER : 0) || (size_t)n - (natt ? MARKER : 0) > cap)
		return -1;
	n -= natt ? MARKER : 0;
	memcpy(p, d + (natt ? MARKER : 0), (size_t)n);
	return n;
}

static void
put64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

int main(int argc, char **argv);

int
main(int argc, char **argv)
{
	static uint8_t req1[DGRAM_MAX], resp1[DGRAM_MAX], resp2[DGRAM_MAX], inner[8192];
	static uint8_t frag_buf[4 * DGRAM_MAX], plain[DGRAM_MAX], whole[DGRAM_MAX];
	static struct ikev2_frag_out frags[IKEV2_FRAGS_MAX];
	static struct ikev2_msg m1, m2;
	const char *psk;
	bool gcm;
	uint16_t encr, integ, bits, prf = IKE_CRYPTO_PRF_HMAC_SHA2_256;
	struct ike_crypto_dh *dh;
	struct ike_crypto_v2_keys keys;
	struct ikev2_crypt_keys ki, kr;
	struct ikev2_sa_payload sa = { 0 };
	struct ikev2_ts_payload tsi = { 0 }, tsr = { 0 };
	struct ikev2_auth_octets oct;
	struct ikev2_frag_reasm r;
	struct ike_hdr h;
	struct ike_buf b, ib;
	uint8_t ni[NONCE_LEN], spi_i[8], spi_r[8], nd[20], ke[IKE_CRYPTO_DH_MAX], authd[64];
	uint8_t gir[IKE_CRYPTO_DH_MAX], skeyseed[IKE_CRYPTO_PRF_MAX], idb[8], first = 0;
	struct in_addr me;
	int fd, fd2, kel, gl, sl, rc, nfr, got = 0, i;
	size_t frag_size, len = 0;
	ssize_t n;

	if (argc != 6)
		fail("usage: ikev2_frag_peer LOCAL REMOTE PSK cbc|gcm FRAG_SIZE");
	psk = argv[3];
	gcm = strcmp(argv[4], "gcm") == 0;
	frag_size = (size_t)atoi(argv[5]);
	encr = gcm ? IKE_CRYPTO_ENCR_AES_GCM_16 : IKE_CRYPTO_ENCR_AES_CBC;
	integ = gcm ? 0 : IKE_CRYPTO_INTEG_HMAC_SHA2_256_128;
	bits = gcm ? 128 : 256;
	if (inet_pton(AF_INET, argv[1], &me) != 1)
		fail("addresses");
	fd = udp_socket(argv[1], argv[2], 500);
	fd2 = udp_socket(argv[1], argv[2], 4500);

	/* ---- IKE_SA_INIT ---- */
	dh = ike_crypto_dh_create(IKE_CRYPTO_DH_ECP256);
	kel = dh ? ike_crypto_dh_public(dh, ke, sizeof(ke)) : -1;
	if (kel < 0 || ike_crypto_random(spi_i, 8) < 0 || ike_crypto_random(ni, sizeof(ni)) < 0 ||
	    ike_crypto_random(nd, sizeof(nd)) < 0)
		fail("random");
	sa.n = 1;
	sa.p[0] = (struct ikev2_proposal){ .num = 1, .proto = IKEV2_PROTO_IKE };
	sa.p[0].t[sa.p[0].n_transforms++] =
	    (struct ikev2_transform){ IKEV2_TRANS_ENCR, encr, bits };
	if (integ != 0)
		sa.p[0].t[sa.p[0].n_transforms++] =
		    (struct ikev2_transform){ IKEV2_TRANS_INTEG, integ, 0 };
	sa.p[0].t[sa.p[0].n_transforms++] = (struct ikev2_transform){ IKEV2_TRANS_PRF, prf, 0 };
	sa.p[0].t[sa.p[0].n_transforms++] = (struct ikev2_transform){ IKEV2_TRANS_DH, 19, 0 };
	ike_payload_buf_init(&b, req1, sizeof(req1));
	ikev2_msg_build_hdr(&b, ike_get64(spi_i), 0, IKEV2_EXCH_IKE_SA_INIT, IKEV2_FLAG_I, 0);
	ikev2_msg_build_sa(&b, &sa);
	ikev2_msg_build_ke(&b, 19, ke, (size_t)kel);
	ikev2_msg_build_nonce(&b, ni, sizeof(ni));
	ikev2_msg_build_notify(&b, 0, NULL, 0, IKEV2_N_NAT_DETECTION_SOURCE_IP, nd, sizeof(nd));
	ikev2_msg_build_notify(&b, 0, NULL, 0, IKEV2_N_NAT_DETECTION_DESTINATION_IP, nd,
	    sizeof(nd));
	ikev2_msg_build_notify(&b, 0, NULL, 0, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED, NULL, 0);
	if (ikev2_msg_build_finish(&b) < 0)
		fail("ike_sa_init_build");
	send_msg(fd, false, req1, b.len);
	n = recv_msg(fd, false, resp1, sizeof(resp1));
	if (n < 0 || ikev2_msg_parse(resp1, (size_t)n, &m1) != 0)
		fail("ike_sa_init_response");
	if (!m1.has_sa || !m1.has_ke || m1.nonce.p == NULL || m1.sa.n != 1 || m1.ke.group != 19)
		fail("ike_sa_init_contents");
	if (ikev2_msg_notify_find(&m1, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED) == NULL)
		fail("peer_without_fragmentation");
	put64(spi_r, m1.hdr.rspi);
	gl = ike_crypto_dh_shared(dh, m1.ke.data, m1.ke.len, gir, sizeof(gir));
	sl = gl < 0 ? gl :
	              ike_crypto_v2_skeyseed(prf, ni, sizeof(ni), m1.nonce.p, m1.nonce.len, gir,
	                  (size_t)gl, skeyseed, sizeof(skeyseed));
	if (sl < 0 ||
	    ike_crypto_v2_keys_derive(prf, skeyseed, (size_t)sl, ni, sizeof(ni), m1.nonce.p,
	        m1.nonce.len, spi_i, spi_r, integ ? (size_t)ike_crypto_integ_key_len(integ) : 0,
	        (size_t)ike_crypto_encr_key_len(encr, bits), &keys) < 0 ||
	    ikev2_crypt_keys_init(&ki, encr, integ, keys.sk_ei, keys.encr_len, keys.sk_ai,
	        keys.integ_len) != 0 ||
	    ikev2_crypt_keys_init(&kr, encr, integ, keys.sk_er, keys.encr_len, keys.sk_ar,
	        keys.integ_len) != 0)
		fail("keys");

	/* ---- IKE_AUTH, fragmented ---- */
	memset(idb, 0, sizeof(idb));
	idb[0] = IKEV2_ID_IPV4_ADDR;
	memcpy(idb + 4, &me, 4);
	oct = (struct ikev2_auth_octets){ .msg = req1,
		.msg_len = b.len,
		.nonce = m1.nonce.p,
		.nonce_len = m1.nonce.len,
		.id = idb,
		.id_len = sizeof(idb),
		.prf = prf,
		.sk_p = keys.sk_pi,
		.sk_p_len = keys.prf_len };
	rc = ikev2_auth_psk_build(&oct, (const uint8_t *)psk, strlen(psk), authd, sizeof(authd));
	if (rc < 0)
		fail("auth_build");
	memset(&sa, 0, sizeof(sa));
	sa.n = 1;
	sa.p[0] = (struct ikev2_proposal){ .num = 1, .proto = IKEV2_PROTO_ESP, .spi_len = 4 };
	if (ike_crypto_random(sa.p[0].spi, 4) < 0)
		fail("random");
	sa.p[0].spi[0] |= 0xc0;
	sa.p[0].t[sa.p[0].n_transforms++] =
	    (struct ikev2_transform){ IKEV2_TRANS_ENCR, gcm ? 20 : 12, 128 };
	if (!gcm)
		sa.p[0].t[sa.p[0].n_transforms++] =
		    (struct ikev2_transform){ IKEV2_TRANS_INTEG, 12, 0 };
	sa.p[0].t[sa.p[0].n_transforms++] = (struct ikev2_transform){ IKEV2_TRANS_ESN, 0, 0 };
	tsi.n = tsr.n = 1;
	tsi.ts[0] = (struct ikev2_ts){ .type = IKEV2_TS_IPV4_ADDR_RANGE,
		.end_port = 65535,
		.start = { 198, 51, 100, 1 },
		.end = { 198, 51, 100, 1 } };
	tsr.ts[0] = (struct ikev2_ts){ .type = IKEV2_TS_IPV4_ADDR_RANGE,
		.end_port = 65535,
		.start = { 203, 0, 113, 1 },
		.end = { 203, 0, 113, 1 } };
	ike_payload_buf_init(&ib, inner, sizeof(inner));
	ikev2_msg_build_id(&ib, IKEV2_PL_IDI, IKEV2_ID_IPV4_ADDR, idb + 4, 4);
	ikev2_msg_build_auth(&ib, IKEV2_AUTH_PSK, authd, (size_t)rc);
	ikev2_msg_build_sa(&ib, &sa);
	ikev2_msg_build_ts(&ib, IKEV2_PL_TSI, &tsi);
	ikev2_msg_build_ts(&ib, IKEV2_PL_TSR, &tsr);
	if (ike_payload_buf_finish(&ib) != 0)
		fail("ike_auth_build");
	h = (struct ike_hdr){ .ispi = ike_get64(spi_i),
		.rspi = m1.hdr.rspi,
		.exchange = IKEV2_EXCH_IKE_AUTH,
		.flags = IKEV2_FLAG_I,
		.msgid = 1 };
	nfr = ikev2_crypt_protect_frags(&ki, &h, ib.first, inner, ib.len, frag_size, frag_buf,
	    sizeof(frag_buf), frags, IKEV2_FRAGS_MAX);
	if (nfr < 1)
		fail("ike_auth_fragments");
	for (i = 0; i < nfr; i++)
		send_msg(fd2, true, frag_buf + frags[i].off, frags[i].len);

	/* The answer: one SK message, or SKF fragments to reassemble. */
	ikev2_frag_reasm_init(&r, IKE_MSG_MAX);
	for (;;) {
		n = recv_msg(fd2, true, resp2, sizeof(resp2));
		if (n < 0 || ikev2_msg_parse(resp2, (size_t)n, &m2) != 0)
			fail("ike_auth_response");
		if (m2.hdr.exchange != IKEV2_EXCH_IKE_AUTH || !(m2.hdr.flags & IKEV2_FLAG_R))
			continue;
		if (m2.has_sk) {
			if (ikev2_crypt_open(&kr, &m2, whole, sizeof(whole)) != 0)
				fail("ike_auth_open");
			break;
		}
		if (!m2.has_skf)
			fail("ike_auth_response_payloads");
		rc = ikev2_crypt_unprotect(&kr, &m2, plain, sizeof(plain));
		if (rc < 0)
			fail("ike_auth_fragment_open");
		got++;
		rc = ikev2_frag_reasm_add(&r, m2.hdr.msgid, m2.sk.frag_num, m2.sk.frag_total,
		    m2.sk.inner, plain, (size_t)rc, 0, whole, sizeof(whole), &first);
		if (rc < 0 && rc != -EALREADY)
			fail("ike_auth_reassembly");
		if (rc > 0) {
			len = (size_t)rc;
			if (ikev2_msg_parse_inner(&m2, first, whole, len) != 0)
				fail("ike_auth_reassembled_parse");
			break;
		}
	}
	ikev2_frag_reasm_fini(&r);
	for (i = 0; i < m2.n_notifies; i++)
		if (m2.notifies[i].type < 16384)
			fail(ikev2_msg_notify_name(m2.notifies[i].type));
	if (!m2.has_idr || !m2.has_auth || m2.auth.method != IKEV2_AUTH_PSK || !m2.has_sa ||
	    !m2.has_tsi || !m2.has_tsr)
		fail("ike_auth_contents");
	oct = (struct ikev2_auth_octets){ .msg = resp1,
		.msg_len = m1.hdr.length,
		.nonce = ni,
		.nonce_len = sizeof(ni),
		.id = m2.idr.body,
		.id_len = m2.idr.body_len,
		.prf = prf,
		.sk_p = keys.sk_pr,
		.sk_p_len = keys.prf_len };
	if (ikev2_auth_psk_verify(&oct, (const uint8_t *)psk, strlen(psk), m2.auth.data,
	        m2.auth.len) != 0)
		fail("peer_auth");
	printf("ok frags_sent=%d frags_got=%d\n", nfr, got);
	ikev2_crypt_keys_fini(&ki);
	ikev2_crypt_keys_fini(&kr);
	ike_crypto_v2_keys_fini(&keys);
	ike_crypto_dh_destroy(dh);
	close(fd);
	close(fd2);
	return 0;
}
