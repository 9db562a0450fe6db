/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/fuzz/fuzz_ikev1_plain.c: libFuzzer target for the IKEv1 engine behind the encryption (quick mode, informational). */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/alg.h"
#include "common/limits.h"
#include "config/config.h"
#include "slowpath/ike/ike.h"
#include "slowpath/ike/ike_crypto.h"
#include "slowpath/ike/ike_payload.h"
#include "slowpath/ike/ikev1_msg.h"
#include "slowpath/ike/ikev1_test.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Two engines, I (192.0.2.1) and R (192.0.2.2), establish an ISAKMP SA
 * and one ESP pair with a fixed random source, so the cookies, keys and
 * IVs are the same every time.  Each input is sealed under that SA's
 * keys (ikev1_test_seal) and given to R as if I had sent it:
 *
 *   byte 0   bit 0: quick mode (else informational); bit 1: put a
 *            correct HASH(1) first; bits 4..7: message id choice
 *   byte 1   the type of the first payload of the body
 *   2..      the plaintext payload chain
 *
 * so the decoder and the exchange handlers run on plaintext that got
 * past decryption and, with bit 1, past the HASH check.  When an input
 * changed R (a quick mode started, a pair or the SA deleted) both
 * engines are built again before the next one.
 *
 * IKEv1 fragments (ikev1_frag.c) with the SA's cookies:
 *   byte 0 bit 2: from byte 1 on, records (ID, number, flags, length,
 *            data) each sent as one fragment message: the reassembly;
 *   byte 0 bit 3: the sealed message as above, sent in fragments of
 *            64 + 32 * (bits 4..7) bytes: the engine behind reassembly.
 * Then R's clock moves past IKEV1_FRAG_TIMEOUT_S, so that no partial
 * message outlives the input.
 */

#define S       1000000000ull
#define Q_MAX   64
#define MSG_CAP (IKE_MSG_MAX)

struct side {
	struct config cfg;
	struct config_connection conn;
	struct config_child child;
	struct config_secret sec;
	struct ike_ops ops;
	struct ikev1 *e;
	uint8_t addr;
	unsigned int ups;
};

struct qmsg {
	struct ike_addr from, to;
	uint8_t *p;
	size_t len;
};

static struct side si, sr;
static struct qmsg q[Q_MAX];
static unsigned int nq;
static bool deliver = true; /* while establishing; afterwards answers are dropped */
static uint64_t now = 1000 * S;
static uint64_t rng;
static uint8_t *out;

static int
det_random(uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		rng ^= rng >> 12;
		rng ^= rng << 25;
		rng ^= rng >> 27;
		buf[i] = (uint8_t)((rng * 0x2545f4914f6cdd1dull) >> 56);
	}
	return 0;
}

static int
cb_send(void *ctx, const struct ike_addr *local, const struct ike_addr *remote, const uint8_t *msg,
    size_t len)
{
	(void)ctx;
	if (!deliver || nq >= Q_MAX)
		return 0;
	q[nq].from = *local;
	q[nq].to = *remote;
	q[nq].p = malloc(len);
	if (q[nq].p == NULL)
		return -ENOMEM;
	memcpy(q[nq].p, msg, len);
	q[nq].len = len;
	nq++;
	return 0;
}

static int
cb_up(void *ctx, const struct ike_child_sa *c)
{
	(void)c;
	((struct side *)ctx)->ups++;
	return 0;
}

static void
cb_down(void *ctx, const struct ike_child_sa *c)
{
	(void)ctx;
	(void)c;
}

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
ts(struct config_ts *t, uint8_t a, uint8_t b, uint8_t c)
{
	memset(t, 0, sizeof(*t));
	t->net.a.family = 4;
	t->net.a.addr[0] = a;
	t->net.a.addr[1] = b;
	t->net.a.addr[2] = c;
	t->net.len = 24;
	t->protocol = -1;
	t->ports.last = 65535;
}

static void
side_init(struct side *s, uint8_t me, uint8_t other, bool left)
{
	char err[128];

	memset(s, 0, sizeof(*s));
	s->addr = me;
	s->cfg.ike = (struct config_ike){ .half_open_max = 100,
		.half_open_per_source = 20,
		.half_open_timeout = 30,
		.retransmit_timeout = 4000,
		.retransmit_tries = 3,
		.retransmit_base = 1.8 };
	s->cfg.n_connections = 1;
	s->cfg.connections = &s->conn;
	s->cfg.n_children = 1;
	s->cfg.children = &s->child;
	s->cfg.n_secrets = 1;
	s->cfg.secrets = &s->sec;
	strcpy(s->conn.name, "gw");
	s->conn.version = 1;
	s->conn.n_local_addrs = 1;
	addr4(&s->conn.local_addrs[0], me);
	s->conn.n_remote_addrs = 1;
	addr4(&s->conn.remote_addrs[0], other);
	s->conn.local_port = 500;
	s->conn.remote_port = 500;
	s->conn.n_proposals = 1;
	/* curve25519 keeps establishing cheap */
	s->conn.proposals[0] = (struct config_ike_proposal){ .encr = 12,
		.encr_bits = 128,
		.prf = 5,
		.integ = 12,
		.dh = 31 };
	strcpy(s->conn.proposals[0].name, "aes128-sha256-curve25519");
	s->conn.local.auth = CONFIG_AUTH_PSK;
	s->conn.remote.auth = CONFIG_AUTH_PSK;
	s->conn.n_children = 1;
	strcpy(s->child.name, "net");
	s->child.n_local_ts = 1;
	s->child.n_remote_ts = 1;
	ts(&s->child.local_ts[0], left ? 198 : 203, left ? 51 : 0, left ? 100 : 113);
	ts(&s->child.remote_ts[0], left ? 203 : 198, left ? 0 : 51, left ? 113 : 100);
	s->child.n_esp_proposals = 2;
	if (alg_proposal_parse("aes128-sha256", ALG_PROTO_ESP, &s->child.esp_proposals[0].alg, err,
	        sizeof(err)) != 0 ||
	    alg_proposal_parse("aes128gcm16", ALG_PROTO_ESP, &s->child.esp_proposals[1].alg, err,
	        sizeof(err)) != 0)
		abort();
	strcpy(s->child.esp_proposals[0].name, "aes128-sha256");
	strcpy(s->child.esp_proposals[1].name, "aes128gcm16");
	s->child.esp_proposals[1].dh = 31; /* a PFS offer for QM1s with KE */
	s->child.mode = CONFIG_MODE_TUNNEL;
	s->child.life_time = 3600;
	s->sec.type = CONFIG_SECRET_IKE;
	memcpy(s->sec.secret, "fuzz-psk", 8);
	s->sec.secret_len = 8;
	s->ops =
	    (struct ike_ops){ .ctx = s, .send = cb_send, .child_up = cb_up, .child_down = cb_down };
}

static void
pump(void)
{
	struct qmsg m;
	unsigned int i, rounds = 0;

	while (nq > 0 && rounds++ < 64) {
		m = q[0];
		for (i = 1; i < nq; i++)
			q[i - 1] = q[i];
		nq--;
		if (m.to.a.addr[3] == si.addr)
			ikev1_input(si.e, now, &m.to, &m.from, m.p, m.len);
		else if (m.to.a.addr[3] == sr.addr)
			ikev1_input(sr.e, now, &m.to, &m.from, m.p, m.len);
		free(m.p);
	}
	while (nq > 0)
		free(q[--nq].p);
}

static uint64_t r_spi_i, r_spi_r; /* R's SA's cookies (fragment headers) */

static int
visit_id(void *arg, const struct ike_sa_info *info)
{
	*(uint64_t *)arg = info->id;
	r_spi_i = info->spi_i;
	r_spi_r = info->spi_r;
	return 0;
}

/* One fragment message to R with the SA's cookies: exchange ID_PROT, message id 0. */
static void
frag_send(uint16_t id, uint8_t num, uint8_t flags, const uint8_t *p, size_t len)
{
	static uint8_t buf[IKE_HDR_LEN + IKE_GEN_HDR_LEN + 4 + 65536];
	struct ike_addr from = { .port = 500 }, to = { .port = 500 };
	size_t total = IKE_HDR_LEN + IKE_GEN_HDR_LEN + 4 + len;
	int i;

	memset(buf, 0, IKE_HDR_LEN + IKE_GEN_HDR_LEN);
	for (i = 0; i < 8; i++) {
		buf[i] = (uint8_t)(r_spi_i >> (56 - 8 * i));
		buf[8 + i] = (uint8_t)(r_spi_r >> (56 - 8 * i));
	}
	buf[16] = IKEV1_PL_FRAG;
	buf[17] = 0x10;
	buf[18] = IKEV1_EXCH_ID_PROT;
	buf[24] = (uint8_t)(total >> 24);
	buf[25] = (uint8_t)(total >> 16);
	buf[26] = (uint8_t)(total >> 8);
	buf[27] = (uint8_t)total;
	buf[IKE_HDR_LEN + 2] = (uint8_t)((IKE_GEN_HDR_LEN + 4 + len) >> 8);
	buf[IKE_HDR_LEN + 3] = (uint8_t)(IKE_GEN_HDR_LEN + 4 + len);
	buf[IKE_HDR_LEN + 4] = (uint8_t)(id >> 8);
	buf[IKE_HDR_LEN + 5] = (uint8_t)id;
	buf[IKE_HDR_LEN + 6] = num;
	buf[IKE_HDR_LEN + 7] = flags;
	memcpy(buf + IKE_HDR_LEN + IKE_GEN_HDR_LEN + 4, p, len);
	addr4(&from.a, 1);
	addr4(&to.a, 2);
	ikev1_input(sr.e, now, &to, &from, buf, total);
}

/* Byte 0 bit 2: records ID, number, flags, length, data from @p on. */
static void
frag_records(const uint8_t *p, size_t len)
{
	size_t off = 0, n;

	while (off + 4 <= len) {
		n = p[off + 3];
		if (off + 4 + n > len)
			n = len - off - 4;
		frag_send(p[off], p[off + 1], p[off + 2], p + off + 4, n);
		off += 4 + n;
	}
}

static uint64_t r_id;
static int r_qms; /* R's finished quick mode lingers (no ticks here) */

/* Both engines from scratch, the same SA as every time before. */
static void
establish(void)
{
	ikev1_destroy(si.e);
	ikev1_destroy(sr.e);
	rng = 0x9e3779b97f4a7c15ull;
	side_init(&si, 1, 2, true);
	side_init(&sr, 2, 1, false);
	si.e = ikev1_create(&si.cfg, &si.ops);
	sr.e = ikev1_create(&sr.cfg, &sr.ops);
	if (si.e == NULL || sr.e == NULL)
		abort();
	deliver = true;
	if (ikev1_initiate(si.e, now, 0) != 0)
		abort();
	pump();
	if (si.ups != 1 || sr.ups != 1)
		abort();
	r_id = 0;
	ikev1_sa_list(sr.e, 0, 1, visit_id, &r_id);
	r_qms = ikev1_test_qm_count(sr.e, r_id);
	deliver = false;
}

/* Did the last input change R beyond what the next one may meet? */
static bool
changed(void)
{
	struct ikev1_stats st;

	ikev1_stats_read(sr.e, &st);
	return ikev1_test_qm_count(sr.e, r_id) != r_qms || st.children != 1 ||
	    st.sas[IKE_SA_STATE_ESTABLISHED] != 1 || st.sas[IKE_SA_STATE_CONNECTING] != 0 ||
	    st.sas[IKE_SA_STATE_DELETING] != 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ike_addr from = { .port = 500 }, to = { .port = 500 };
	static const uint32_t ids[16] = { 0x01020304, 0x7fffffff, 0x80000000, 0xffffffff, 1, 2,
		0x11111111, 0xdeadbeef, 0x00010000, 0x12345678, 0x55aa55aa, 0xfffffffe, 0x40000000,
		0xcafe0001, 0x0badf00d, 0x10203040 };
	uint8_t exch;
	uint32_t msgid;
	int n;

	if (out == NULL) {
		out = malloc(MSG_CAP);
		if (out == NULL)
			abort();
		ike_crypto_random_set_hook(det_random);
		establish();
	}
	if (size < 2 || size > IKE_MSG_MAX - 1024)
		return 0;
	if (data[0] & 4) {
		now += 2 * S;
		frag_records(data + 1, size - 1);
		now += (IKEV1_FRAG_TIMEOUT_S + 1) * S;
		ikev1_tick(sr.e, now);
		if (changed())
			establish();
		return 0;
	}
	exch = (data[0] & 1) ? IKEV1_EXCH_QUICK : IKEV1_EXCH_INFORMATIONAL;
	msgid = ids[data[0] >> 4];
	n = ikev1_test_seal(sr.e, r_id, exch, msgid, data[1], data + 2, size - 2,
	    (data[0] & 2) ? IKEV1_TEST_HASH1 : 0, out, MSG_CAP);
	if (n < 0)
		return 0;
	addr4(&from.a, 1);
	addr4(&to.a, 2);
	now += 2 * S; /* a fresh notify budget every time */
	if (data[0] & 8) {
		size_t chunk = 64 + 32 * (size_t)(data[0] >> 4), off;
		uint8_t num = 1;

		for (off = 0; off < (size_t)n && num < 255; off += chunk, num++)
			frag_send(7, num, off + chunk >= (size_t)n ? IKEV1_FRAG_LAST : 0, out + off,
			    off + chunk >= (size_t)n ? (size_t)n - off : chunk);
		now += (IKEV1_FRAG_TIMEOUT_S + 1) * S;
		ikev1_tick(sr.e, now);
	} else {
		ikev1_input(sr.e, now, &to, &from, out, (size_t)n);
	}
	if (changed())
		establish();
	return 0;
}
