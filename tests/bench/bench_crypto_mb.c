/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/bench/bench_crypto_mb.c: TSC cycles per packet of crypto_mb beside raw intel-ipsec-mb calls. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_memory.h>

#include "common/alg.h"
#include "common/limits.h"
#include "fastpath/crypto_mb.h"

/*
 * Usage: bench_crypto_mb [BURSTS_PER_RUN]
 *
 * For AES-128-GCM (aes128gcm16) and AES-128-CBC + HMAC-SHA-256-128
 * (aes128-sha256), encrypt and decrypt, ESP payloads of 64, 512 and 1420
 * bytes (1424 for CBC, which pads to 16): bursts of BURST_MAX packets,
 * each run BURSTS_PER_RUN bursts (default 5000), RUNS runs of each way
 * alternating, the median (and the best run) in TSC cycles per packet.
 * Each way is driven as the gateway drives it:
 *   crypto_mb   GCM: crypto_mb_run() per burst (the direct API inside);
 *               CBC: crypto_mb_submit() per burst, jobs left in flight
 *               across bursts (the worker's ESP path), flushed at the end
 *               of the run; on ESP-shaped ops (template copy, nonce,
 *               checks, constant-time ICV compare on decrypt)
 *   raw         the same work built by hand on the same manager, in the
 *               API mode crypto_mb uses: GCM through the direct API, one
 *               call per packet (IMB_AES128_GCM_ENC / _DEC), CBC as jobs
 *               built field by field, one at a time (IMB_GET_NEXT_JOB, the checked or
 *               unchecked submit as crypto_mb.c picks it in this build,
 *               IMB_GET_COMPLETED_JOB) left in flight the same way: the
 *               reference
 *   ratio       crypto_mb / raw
 * The in-flight ways rotate over FLIGHT bursts of buffers, so that no
 * packet is reused while its job may still be in the manager.
 * Decrypt work does not depend on whether the ICV verifies (the buffers
 * are decrypted again and again), so its statuses are not looked at.
 */

#ifdef NDEBUG
#define BENCH_SUBMIT_JOB IMB_SUBMIT_JOB_NOCHECK
#define BENCH_MODE       "unchecked (NDEBUG)"
#else
#define BENCH_SUBMIT_JOB IMB_SUBMIT_JOB
#define BENCH_MODE       "checked"
#endif

#define RUNS    5
#define FLIGHT  16 /* bursts of buffers the in-flight ways rotate over: 512 > IMB_MAX_JOBS */
#define ESP_OFF 20
#define PKT_MAX 2048

struct bench_pkt {
	uint8_t buf[PKT_MAX];
	uint8_t nonce[16]; /* raw path: salt || IV, built once */
	uint8_t tag[32];   /* raw path: computed tag on decrypt */
};

static struct bench_pkt pkts[FLIGHT][BURST_MAX];
static struct crypto_mb_op ops[FLIGHT][BURST_MAX];
static struct crypto_mb_op *op_list[FLIGHT][BURST_MAX];
static IMB_MGR *mgr;

/* What the raw path needs: the same keys, set up by hand. */
static struct gcm_key_data gcm_key __rte_aligned(64);
static uint8_t enc_keys[16 * 15] __rte_aligned(16), dec_keys[16 * 15] __rte_aligned(16);
static uint8_t ipad[64] __rte_aligned(16), opad[64] __rte_aligned(16);

static const uint8_t KEY[20] = { 0x4c, 0x80, 0xcd, 0xef, 0xbb, 0x5d, 0x10, 0xda, 0x90, 0x6a, 0xc7,
	0x3c, 0x36, 0x13, 0xa6, 0x34, 0x2e, 0x44, 0x3b, 0x68 };
static const uint8_t AUTH_KEY[32] = { 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
	0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
	0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b };

static void
raw_keys(void)
{
	uint8_t blk[64];
	int i;

	IMB_AES128_GCM_PRE(mgr, KEY, &gcm_key);
	IMB_AES_KEYEXP_128(mgr, KEY, enc_keys, dec_keys);
	for (i = 0; i < 64; i++)
		blk[i] = (uint8_t)((i < 32 ? AUTH_KEY[i] : 0) ^ 0x36);
	IMB_SHA256_ONE_BLOCK(mgr, blk, ipad);
	for (i = 0; i < 64; i++)
		blk[i] = (uint8_t)((i < 32 ? AUTH_KEY[i] : 0) ^ 0x5c);
	IMB_SHA256_ONE_BLOCK(mgr, blk, opad);
}

/* ESP packet shape: outer (20) | SPI seq (8) | IV | payload | ICV. */
static void
ops_build(const struct crypto_mb_sa *sa, bool gcm, uint32_t len, uint8_t decrypt)
{
	uint32_t iv_len = gcm ? 8 : 16, pl = ESP_OFF + 8 + iv_len, i, f;

	if (!gcm)
		len = (len + 15) / 16 * 16; /* CBC pads to its block: 1420 -> 1424 */

	for (f = 0; f < FLIGHT; f++) {
		for (i = 0; i < BURST_MAX; i++) {
			struct bench_pkt *k = &pkts[f][i];
			struct crypto_mb_op *op = &ops[f][i];

			memset(k->buf, (int)i, sizeof(k->buf));
			memset(op, 0, sizeof(*op));
			op_list[f][i] = op;
			op->sa = sa;
			op->buf = k->buf;
			op->iv = k->buf + ESP_OFF + 8;
			op->cipher_off = pl;
			op->cipher_len = len;
			op->icv = k->buf + pl + len;
			op->decrypt = decrypt;
			if (gcm) {
				op->aad = k->buf + ESP_OFF;
				op->aad_len = 8;
				memcpy(k->nonce, KEY + 16, 4);
				memcpy(k->nonce + 4, op->iv, 8);
			} else {
				op->auth_off = ESP_OFF;
				op->auth_len = 8 + iv_len + len;
			}
		}
	}
}

/* The reference CBC + HMAC job for ops[f][i], written field by field. */
static void
raw_fill(IMB_JOB *j, uint8_t decrypt, unsigned int f, unsigned int i)
{
	const struct crypto_mb_op *op = &ops[f][i];

	j->src = op->buf;
	j->dst = op->buf + op->cipher_off;
	j->cipher_start_src_offset_in_bytes = op->cipher_off;
	j->msg_len_to_cipher_in_bytes = op->cipher_len;
	j->key_len_in_bytes = 16;
	j->cipher_direction = decrypt ? IMB_DIR_DECRYPT : IMB_DIR_ENCRYPT;
	j->chain_order = decrypt ? IMB_ORDER_HASH_CIPHER : IMB_ORDER_CIPHER_HASH;
	j->auth_tag_output = decrypt ? pkts[f][i].tag : op->icv;
	j->user_data = (void *)(uintptr_t)op;
	j->cipher_mode = IMB_CIPHER_CBC;
	j->hash_alg = IMB_AUTH_HMAC_SHA_256;
	j->enc_keys = enc_keys;
	j->dec_keys = dec_keys;
	j->iv = op->iv;
	j->iv_len_in_bytes = 16;
	j->hash_start_src_offset_in_bytes = op->auth_off;
	j->msg_len_to_hash_in_bytes = op->auth_len;
	j->u.HMAC._hashed_auth_key_xor_ipad = ipad;
	j->u.HMAC._hashed_auth_key_xor_opad = opad;
	j->auth_tag_output_len_in_bytes = 16;
}

/*
 * The reference for GCM: the direct API fastipsec uses, one call per
 * packet with one context for the burst (no nonce build, no ICV compare).
 */
static void
raw_direct(uint8_t decrypt)
{
	struct gcm_context_data ctx;
	unsigned int i;

	for (i = 0; i < BURST_MAX; i++) {
		const struct crypto_mb_op *op = &ops[0][i];
		uint8_t *data = op->buf + op->cipher_off;

		if (decrypt)
			IMB_AES128_GCM_DEC(mgr, &gcm_key, &ctx, data, data, op->cipher_len,
			    pkts[0][i].nonce, op->aad, 8, pkts[0][i].tag, 16);
		else
			IMB_AES128_GCM_ENC(mgr, &gcm_key, &ctx, data, data, op->cipher_len,
			    pkts[0][i].nonce, op->aad, 8, op->icv, 16);
	}
}

/* The reference for CBC: one job at a time, left in flight across bursts. */
static void
raw_jobs(uint8_t decrypt, unsigned int f)
{
	IMB_JOB *j;
	unsigned int i;

	for (i = 0; i < BURST_MAX; i++) {
		raw_fill(IMB_GET_NEXT_JOB(mgr), decrypt, f, i);
		j = BENCH_SUBMIT_JOB(mgr);
		while (j != NULL)
			j = IMB_GET_COMPLETED_JOB(mgr);
	}
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
one_run(bool raw, bool gcm, uint8_t decrypt, unsigned int bursts, uint64_t *t)
{
	uint64_t t0 = rte_rdtsc_precise();
	unsigned int b;

	for (b = 0; b < bursts; b++) {
		if (gcm && raw)
			raw_direct(decrypt);
		else if (gcm)
			crypto_mb_run(mgr, ops[0], BURST_MAX);
		else if (raw)
			raw_jobs(decrypt, b % FLIGHT);
		else
			crypto_mb_submit(mgr, op_list[b % FLIGHT], BURST_MAX);
	}
	if (!gcm) {
		if (raw)
			while (IMB_FLUSH_JOB(mgr) != NULL)
				;
		else
			crypto_mb_flush(mgr);
	}
	*t = rte_rdtsc_precise() - t0;
}

/*
 * RUNS runs of each, crypto_mb and raw alternating so that a busy moment
 * of this shared machine hits both; per packet: the median and the best.
 */
static void
measure(bool gcm, uint8_t decrypt, unsigned int bursts, double med[2], double min[2])
{
	uint64_t t[2][RUNS];
	unsigned int r, w;

	for (w = 0; w < 2; w++) /* warm caches and the manager */
		one_run(w == 1, gcm, decrypt, 200, &t[w][0]);
	for (r = 0; r < RUNS; r++)
		for (w = 0; w < 2; w++)
			one_run(w == 1, gcm, decrypt, bursts, &t[w][r]);
	for (w = 0; w < 2; w++) {
		qsort(t[w], RUNS, sizeof(t[w][0]), cmp_u64);
		med[w] = (double)t[w][RUNS / 2] / ((double)bursts * BURST_MAX);
		min[w] = (double)t[w][0] / ((double)bursts * BURST_MAX);
	}
}

int
main(int argc, char **argv)
{
	static const uint32_t lens[] = { 64, 512, 1420 };
	static const char *const kws[] = { "aes128gcm16", "aes128-sha256" };
	char prefix[64], rundir[PATH_MAX];
	char *eal[] = { argv[0], "--no-huge", "-m", "64", "--no-pci", "-l", "0",
		"--log-level=error", "--no-shconf", "--no-telemetry", prefix, NULL };
	unsigned int bursts = argc > 1 ? (unsigned int)strtoul(argv[1], NULL, 10) : 5000;
	struct crypto_mb_sa *sa;
	size_t a, l;
	int d;

	snprintf(prefix, sizeof(prefix), "--file-prefix=fipt-cm-bench-%d", (int)getpid());
	if (bursts == 0 || rte_eal_init(11, eal) < 0 ||
	    (mgr = crypto_mb_create(SOCKET_ID_ANY)) == NULL)
		return 1;
	sa = aligned_alloc(RTE_CACHE_LINE_SIZE, sizeof(*sa));
	if (sa == NULL)
		return 1;
	raw_keys();
	printf("intel-ipsec-mb %s, %s manager, %s submit, TSC %.2f GHz\n", crypto_mb_version(),
	    crypto_mb_arch_name(), BENCH_MODE, (double)rte_get_tsc_hz() / 1e9);
	printf("burst %d, %u bursts per run, median of %d runs, TSC cycles per packet\n\n",
	    BURST_MAX, bursts, RUNS);
	printf("%-15s %-8s %7s %10s %8s %6s   %s\n", "proposal", "dir", "payload", "crypto_mb",
	    "raw", "ratio", "(best run: crypto_mb raw ratio)");
	for (a = 0; a < 2; a++) {
		struct alg_proposal p;
		char err[128];

		if (alg_proposal_parse(kws[a], ALG_PROTO_ESP, &p, err, sizeof(err)) != 0 ||
		    crypto_mb_sa_init(sa, mgr, &p, KEY, AUTH_KEY) != 0)
			return 1;
		for (d = 0; d < 2; d++) {
			for (l = 0; l < 3; l++) {
				double med[2], min[2];

				ops_build(sa, a == 0, lens[l], (uint8_t)d);
				measure(a == 0, (uint8_t)d, bursts, med, min);
				printf("%-15s %-8s %7u %10.1f %8.1f %6.2f   (%.1f %.1f %.2f)\n",
				    kws[a], d ? "decrypt" : "encrypt", lens[l], med[0], med[1],
				    med[0] / med[1], min[0], min[1], min[0] / min[1]);
			}
		}
		crypto_mb_sa_fini(sa);
	}
	free(sa);
	crypto_mb_destroy(mgr);
	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	rmdir(rundir); /* --no-shconf leaves it empty */
	return 0;
}
