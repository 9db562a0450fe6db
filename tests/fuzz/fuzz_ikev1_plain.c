/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/fuzz/fuzz_ikev1_plain.c: libFuzzer target for the IKEv1 engine behind the encryption (quick mode, informational). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "slowpath/ike/ike.h"
#include "slowpath/ike/ike_payload.h"
#include "slowpath/ike/ikev1_msg.h"
#include "slowpath/ike/ikev1_test.h"

#include "fuzz_ike_pair.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Two engines (fuzz_ike_pair.h), I (192.0.2.1) and R (192.0.2.2),
 * establish an ISAKMP SA and one ESP pair with a fixed random source, so
 * the cookies, keys and IVs are the same every time.  Each input is
 * sealed under that SA's keys (ikev1_test_seal) and given to R as if I
 * had sent it:
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
#define MSG_CAP (IKE_MSG_MAX)

static struct fuzz_ike_pair_side si, sr;
static uint64_t now = 1000 * S;
static uint8_t *out;

/* Deliver what the wire holds until quiet. */
static void
pump(void)
{
	const struct fuzz_ike_pair_msg *m;
	unsigned int rounds = 0;

	while (rounds++ < 64 && (m = fuzz_ike_pair_wire_pop()) != NULL) {
		if (m->to.a.addr[3] == si.addr)
			ikev1_input(si.e, now, &m->to, &m->from, m->p, m->len);
		else if (m->to.a.addr[3] == sr.addr)
			ikev1_input(sr.e, now, &m->to, &m->from, m->p, m->len);
	}
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
	struct ike_addr from, to;
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
	fuzz_ike_pair_addr(&from, 1);
	fuzz_ike_pair_addr(&to, 2);
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
	fuzz_ike_pair_random_seed(0x9e3779b97f4a7c15ull);
	fuzz_ike_pair_side_init(&si, 1, 1, 2, true);
	fuzz_ike_pair_side_init(&sr, 1, 2, 1, false);
	si.e = ikev1_create(&si.cfg, &si.ops);
	sr.e = ikev1_create(&sr.cfg, &sr.ops);
	if (si.e == NULL || sr.e == NULL)
		abort();
	fuzz_ike_pair_wire_start();
	if (ikev1_initiate(si.e, now, 0) != 0)
		abort();
	pump();
	if (si.ups != 1 || sr.ups != 1)
		abort();
	r_id = 0;
	ikev1_sa_list(sr.e, 0, 1, visit_id, &r_id);
	r_qms = ikev1_test_qm_count(sr.e, r_id);
	fuzz_ike_pair_wire_stop(); /* answers to the inputs go nowhere */
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
	struct ike_addr from, to;
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
	fuzz_ike_pair_addr(&from, 1);
	fuzz_ike_pair_addr(&to, 2);
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
