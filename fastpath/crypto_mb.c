/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/crypto_mb.c: intel-ipsec-mb managers, per-SA key schedules and the per-burst crypto. */
#include <errno.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_memcpy.h>

#include "common/limits.h"
#include "fastpath/crypto_mb.h"

/*
 * The one switch of STYLE "what not to copy": release builds (NDEBUG)
 * submit without intel-ipsec-mb's argument checks; debug and test builds
 * use the checked submit, whose refusals crypto_mb_run() turns into
 * -EINVAL for the op concerned.  crypto_mb_run() validates every
 * per-packet field itself, so the unchecked path never sees a bad job.
 *
 * Jobs go one by one (IMB_GET_NEXT_JOB / IMB_SUBMIT_JOB), not through the
 * burst API: intel-ipsec-mb 1.3's IMB_SUBMIT_BURST miscounts its job
 * queue once jobs stay in it across calls and the queue wraps (its size
 * jumps past IMB_MAX_JOBS and IMB_FLUSH_BURST hands back jobs never
 * submitted), which is exactly how crypto_mb_submit() uses it.
 */
#ifdef NDEBUG
#define MB_SUBMIT_JOB IMB_SUBMIT_JOB_NOCHECK
#else
#define MB_SUBMIT_JOB IMB_SUBMIT_JOB
#endif

#define OP_PENDING CRYPTO_MB_PENDING
#define NONCE_LEN  12 /* salt (4) || IV (8) */

/* The op's own scratch (its nonce and computed tag) lives as long as its job. */

static IMB_ARCH mb_arch = IMB_ARCH_NONE;

IMB_MGR *
crypto_mb_create(int socket)
{
	IMB_MGR *mgr;
	void *mem;

	mem = rte_zmalloc_socket("imb_mgr", imb_get_mb_mgr_size(), 64, socket);
	if (mem == NULL)
		return NULL;
	mgr = imb_set_pointers_mb_mgr(mem, 0, 1);
	if (mgr == NULL) {
		rte_free(mem);
		return NULL;
	}
	init_mb_mgr_auto(mgr, &mb_arch);
	if (imb_get_errno(mgr) != 0) {
		rte_free(mem);
		return NULL;
	}
	return mgr;
}

void
crypto_mb_destroy(IMB_MGR *mgr)
{
	/* imb_set_pointers_mb_mgr() placed the manager at the start of our allocation. */
	rte_free(mgr);
}

const char *
crypto_mb_version(void)
{
	return imb_get_version_str();
}

const char *
crypto_mb_arch_name(void)
{
	switch (mb_arch) {
	case IMB_ARCH_NOAESNI:
		return "noaesni";
	case IMB_ARCH_SSE:
		return "sse";
	case IMB_ARCH_AVX:
		return "avx";
	case IMB_ARCH_AVX2:
		return "avx2";
	case IMB_ARCH_AVX512:
		return "avx512";
	default:
		return "none";
	}
}

/* ---- SA set-up (control core) ---- */

static bool
aes_key_len_ok(unsigned int len)
{
	return len == 16 || len == 24 || len == 32;
}

/* Fields both templates share; direction and chain order differ (decrypt verifies first). */
static void
tmpl_base(struct crypto_mb_sa *cs, IMB_CIPHER_MODE cipher, IMB_HASH_ALG hash, uint64_t key_len,
    uint64_t iv_len)
{
	int i;

	for (i = 0; i < 2; i++) {
		IMB_JOB *j = &cs->tmpl[i];

		j->cipher_mode = cipher;
		j->hash_alg = hash;
		j->key_len_in_bytes = key_len;
		j->iv_len_in_bytes = iv_len;
		j->auth_tag_output_len_in_bytes = cs->icv_len;
		j->cipher_direction = i == 0 ? IMB_DIR_ENCRYPT : IMB_DIR_DECRYPT;
		j->chain_order = i == 0 ? IMB_ORDER_CIPHER_HASH : IMB_ORDER_HASH_CIPHER;
	}
}

/*
 * Name each template with a number no other template ever had (in
 * user_data2, which intel-ipsec-mb leaves to us): job_fill() copies a
 * template only into a job slot that does not hold it already, and a
 * slot's number cannot name a later SA, even one built at the same address.
 */
static void
tmpl_tag(struct crypto_mb_sa *cs)
{
	static uint64_t last;
	uint64_t n = __atomic_add_fetch(&last, 2, __ATOMIC_RELAXED);

	cs->tmpl[0].user_data2 = (void *)(uintptr_t)n;
	cs->tmpl[1].user_data2 = (void *)(uintptr_t)(n + 1);
}

static void
tmpl_keys(struct crypto_mb_sa *cs, const void *enc, const void *dec)
{
	cs->tmpl[0].enc_keys = cs->tmpl[1].enc_keys = enc;
	cs->tmpl[0].dec_keys = cs->tmpl[1].dec_keys = dec;
}

/* AES-GCM key data (H powers and round keys) for GCM (RFC 4106) and GMAC (RFC 4543). */
static int
init_gcm_key(struct crypto_mb_sa *cs, IMB_MGR *mgr, const uint8_t *key, unsigned int len)
{
	if (key == NULL || !aes_key_len_ok(len))
		return -EINVAL;
	if (len == 16)
		IMB_AES128_GCM_PRE(mgr, key, &cs->k.gcm);
	else if (len == 24)
		IMB_AES192_GCM_PRE(mgr, key, &cs->k.gcm);
	else
		IMB_AES256_GCM_PRE(mgr, key, &cs->k.gcm);
	cs->key_len = (uint16_t)len;
	tmpl_keys(cs, &cs->k.gcm, &cs->k.gcm);
	return 0;
}

/* AES-GCM (RFC 4106) or AES-GMAC (RFC 4543): @p key is key || 4-byte salt. */
static int
init_gcm(struct crypto_mb_sa *cs, IMB_MGR *mgr, const uint8_t *key, unsigned int len,
    unsigned int salt_len, unsigned int icv_len, enum crypto_mb_kind kind)
{
	if (salt_len != CRYPTO_MB_SALT_LEN || (icv_len != 8 && icv_len != 12 && icv_len != 16))
		return -EINVAL;
	if (init_gcm_key(cs, mgr, key, len) != 0)
		return -EINVAL;
	memcpy(cs->salt, key + len, CRYPTO_MB_SALT_LEN);
	cs->kind = (uint8_t)kind;
	cs->gcm = kind == CRYPTO_MB_AEAD;
	cs->icv_len = (uint8_t)icv_len;
	cs->iv_len = 8;
	cs->nonce_len = NONCE_LEN;
	tmpl_base(cs, IMB_CIPHER_GCM, IMB_AUTH_AES_GMAC, len, NONCE_LEN);
	return 0;
}

/* ChaCha20-Poly1305 (RFC 7634 §2): 32-byte key || 4-byte salt, 16-byte tag. */
static int
init_chacha(struct crypto_mb_sa *cs, const struct alg_proposal *p, const uint8_t *key)
{
	if (key == NULL || p->cipher_key_len != 32 || p->salt_len != CRYPTO_MB_SALT_LEN ||
	    p->icv_len != 16)
		return -EINVAL;
	memcpy(cs->k.chacha, key, 32);
	memcpy(cs->salt, key + 32, CRYPTO_MB_SALT_LEN);
	cs->kind = CRYPTO_MB_AEAD;
	cs->icv_len = 16;
	cs->iv_len = 8;
	cs->nonce_len = NONCE_LEN;
	tmpl_base(cs, IMB_CIPHER_CHACHA20_POLY1305, IMB_AUTH_CHACHA20_POLY1305, 32, NONCE_LEN);
	tmpl_keys(cs, cs->k.chacha, cs->k.chacha);
	return 0;
}

/* The cipher half of an HMAC SA: AES-CBC, AES-CTR, NULL (ESP) or none (AH). */
static int
init_cipher(struct crypto_mb_sa *cs, IMB_MGR *mgr, const struct alg_proposal *p, const uint8_t *key)
{
	unsigned int len = p->cipher_key_len;

	switch (p->cipher) {
	case ALG_CIPHER_NONE:
	case ALG_CIPHER_NULL:
		tmpl_base(cs, IMB_CIPHER_NULL, IMB_AUTH_NULL, 0, 0);
		return 0;
	case ALG_CIPHER_AES_CBC:
	case ALG_CIPHER_AES_CTR:
		break;
	default:
		return -EINVAL;
	}
	if (key == NULL || !aes_key_len_ok(len))
		return -EINVAL;
	if (len == 16)
		IMB_AES_KEYEXP_128(mgr, key, cs->k.aes.enc, cs->k.aes.dec);
	else if (len == 24)
		IMB_AES_KEYEXP_192(mgr, key, cs->k.aes.enc, cs->k.aes.dec);
	else
		IMB_AES_KEYEXP_256(mgr, key, cs->k.aes.enc, cs->k.aes.dec);
	tmpl_keys(cs, cs->k.aes.enc, cs->k.aes.dec);
	if (p->cipher == ALG_CIPHER_AES_CBC) {
		/* RFC 3602 §3: a 16-byte IV in each packet, used as is. */
		cs->iv_len = 16;
		tmpl_base(cs, IMB_CIPHER_CBC, IMB_AUTH_NULL, len, 16);
		return 0;
	}
	/* RFC 3686 §4: counter block = nonce (salt) || IV || 00000001; IMB takes 12 bytes. */
	if (p->salt_len != CRYPTO_MB_SALT_LEN)
		return -EINVAL;
	memcpy(cs->salt, key + len, CRYPTO_MB_SALT_LEN);
	cs->iv_len = 8;
	cs->nonce_len = NONCE_LEN;
	tmpl_base(cs, IMB_CIPHER_CNTR, IMB_AUTH_NULL, len, NONCE_LEN);
	return 0;
}

/*
 * HMAC (RFC 2104) for RFC 2404 / RFC 4868: the inner and outer hash
 * states after one block of (key ^ ipad) and (key ^ opad), computed once
 * here so that no packet ever hashes the key.
 */
static int
init_hmac(struct crypto_mb_sa *cs, IMB_MGR *mgr, const struct alg_proposal *p, const uint8_t *key)
{
	static const struct {
		IMB_HASH_ALG hash;
		uint8_t block, digest, trunc;
	} hs[ALG_AUTH__MAX] = {
		[ALG_AUTH_HMAC_SHA1_96] = { IMB_AUTH_HMAC_SHA_1, 64, 20, 12 },
		[ALG_AUTH_HMAC_SHA256_128] = { IMB_AUTH_HMAC_SHA_256, 64, 32, 16 },
		[ALG_AUTH_HMAC_SHA384_192] = { IMB_AUTH_HMAC_SHA_384, 128, 48, 24 },
		[ALG_AUTH_HMAC_SHA512_256] = { IMB_AUTH_HMAC_SHA_512, 128, 64, 32 },
	};
	uint8_t k[128], blk[128];
	unsigned int i, bs;

	if ((unsigned int)p->auth >= ALG_AUTH__MAX || hs[p->auth].block == 0 || key == NULL ||
	    p->auth_key_len == 0)
		return -EINVAL;
	if (p->icv_len != hs[p->auth].trunc && p->icv_len != hs[p->auth].digest)
		return -EINVAL;
	bs = hs[p->auth].block;
	memset(k, 0, sizeof(k));
	if (p->auth_key_len > bs) {
		/* RFC 2104 §2: a key longer than the block is hashed first. */
		if (p->auth == ALG_AUTH_HMAC_SHA1_96)
			IMB_SHA1(mgr, key, p->auth_key_len, k);
		else if (p->auth == ALG_AUTH_HMAC_SHA256_128)
			IMB_SHA256(mgr, key, p->auth_key_len, k);
		else if (p->auth == ALG_AUTH_HMAC_SHA384_192)
			IMB_SHA384(mgr, key, p->auth_key_len, k);
		else
			IMB_SHA512(mgr, key, p->auth_key_len, k);
	} else {
		memcpy(k, key, p->auth_key_len);
	}
	for (i = 0; i < 2; i++) {
		uint8_t *out = i == 0 ? cs->ipad : cs->opad;
		unsigned int j;

		for (j = 0; j < bs; j++)
			blk[j] = k[j] ^ (i == 0 ? 0x36 : 0x5c);
		if (p->auth == ALG_AUTH_HMAC_SHA1_96)
			IMB_SHA1_ONE_BLOCK(mgr, blk, out);
		else if (p->auth == ALG_AUTH_HMAC_SHA256_128)
			IMB_SHA256_ONE_BLOCK(mgr, blk, out);
		else if (p->auth == ALG_AUTH_HMAC_SHA384_192)
			IMB_SHA384_ONE_BLOCK(mgr, blk, out);
		else
			IMB_SHA512_ONE_BLOCK(mgr, blk, out);
	}
	explicit_bzero(k, sizeof(k));
	explicit_bzero(blk, sizeof(blk));
	cs->kind = CRYPTO_MB_HMAC;
	cs->icv_len = p->icv_len;
	for (i = 0; i < 2; i++) {
		cs->tmpl[i].hash_alg = hs[p->auth].hash;
		cs->tmpl[i].auth_tag_output_len_in_bytes = cs->icv_len;
		cs->tmpl[i].u.HMAC._hashed_auth_key_xor_ipad = cs->ipad;
		cs->tmpl[i].u.HMAC._hashed_auth_key_xor_opad = cs->opad;
	}
	return 0;
}

int
crypto_mb_sa_init(struct crypto_mb_sa *cs, IMB_MGR *mgr, const struct alg_proposal *p,
    const uint8_t *enc_key, const uint8_t *auth_key)
{
	int rc;

	memset(cs, 0, sizeof(*cs));
	if (mgr == NULL || p == NULL)
		return -EINVAL;
	switch (p->cipher) {
	case ALG_CIPHER_AES_GCM:
		rc = init_gcm(cs, mgr, enc_key, p->cipher_key_len, p->salt_len, p->icv_len,
		    CRYPTO_MB_AEAD);
		break;
	case ALG_CIPHER_AES_GMAC:
		rc = init_gcm(cs, mgr, enc_key, p->cipher_key_len, p->salt_len, p->icv_len,
		    CRYPTO_MB_GMAC);
		break;
	case ALG_CIPHER_CHACHA20_POLY1305:
		rc = init_chacha(cs, p, enc_key);
		break;
	case ALG_CIPHER_NONE:
		if (p->auth == ALG_AUTH_AES_GMAC) {
			/* AH AES-GMAC (RFC 4543): the integrity key carries the salt. */
			rc = init_gcm(cs, mgr, auth_key, p->auth_key_len, p->salt_len, p->icv_len,
			    CRYPTO_MB_GMAC);
			break;
		}
		/* fall through */
	case ALG_CIPHER_NULL:
	case ALG_CIPHER_AES_CBC:
	case ALG_CIPHER_AES_CTR:
		rc = init_cipher(cs, mgr, p, enc_key);
		if (rc == 0)
			rc = init_hmac(cs, mgr, p, auth_key);
		break;
	default:
		rc = -EINVAL;
		break;
	}
	if (rc != 0) {
		crypto_mb_sa_fini(cs);
		return rc;
	}
	tmpl_tag(cs);
	return 0;
}

void
crypto_mb_sa_fini(struct crypto_mb_sa *cs)
{
	explicit_bzero(cs, sizeof(*cs));
}

/* ---- Per packet (worker lcore): no allocation, lock, log or system call below ---- */

/* Constant-time comparison of an ICV: no branch on the data, no early exit. */
static inline bool
icv_equal(const uint8_t *a, const uint8_t *b, unsigned int len)
{
	uint64_t d = 0, x, y;
	unsigned int i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		d |= x ^ y;
	}
	for (; i < len; i++)
		d |= (uint64_t)(a[i] ^ b[i]);
	return d == 0;
}

/* Everything intel-ipsec-mb's checked submit would refuse for per-packet reasons. */
static int16_t
op_check(const struct crypto_mb_op *op)
{
	const struct crypto_mb_sa *sa = op->sa;

	if (sa == NULL || sa->kind == 0 || op->buf == NULL || op->icv == NULL)
		return -EINVAL;
	if (op->cipher_len > CRYPTO_MB_LEN_MAX || op->auth_len > CRYPTO_MB_LEN_MAX)
		return -EINVAL;
	if ((sa->iv_len != 0 && op->iv == NULL) || (op->aad_len != 0 && op->aad == NULL))
		return -EINVAL;
	switch (sa->kind) {
	case CRYPTO_MB_GMAC:
		if (op->cipher_len != 0)
			return -EINVAL;
		break;
	case CRYPTO_MB_HMAC:
		/* IMB hashes at least one byte; ESP and AH always have headers to MAC. */
		if (op->auth_len == 0)
			return -EINVAL;
		if (sa->tmpl[0].cipher_mode == IMB_CIPHER_CBC && op->cipher_len % 16 != 0)
			return -EINVAL;
		if (sa->tmpl[0].cipher_mode == IMB_CIPHER_NULL && op->cipher_len != 0)
			return -EINVAL;
		break;
	default:
		break;
	}
	return 0;
}

/* Salt || IV into @p op->nonce, for SAs with a salt (crypto_mb_submit(), a pass ahead). */
static inline void
nonce_make(struct crypto_mb_op *op)
{
	memcpy(op->nonce, op->sa->salt, CRYPTO_MB_SALT_LEN);
	memcpy(op->nonce + CRYPTO_MB_SALT_LEN, op->iv, 8);
}

/* The nonce or IV intel-ipsec-mb takes for @p op. */
static inline const uint8_t *
nonce_of(const struct crypto_mb_op *op)
{
	return op->sa->nonce_len != 0 ? op->nonce : op->iv;
}

/* ESP GMAC whose AAD is not one contiguous run of bytes in buf (ESN). */
static inline bool
gmac_split(const struct crypto_mb_op *op)
{
	return op->aad_len != 0 && op->aad + op->aad_len != op->buf + op->auth_off;
}

/*
 * RFC 4543 §3 with ESN: AAD = SPI || seq_hi || seq_lo || IV .. next
 * header is not contiguous (seq_hi is not on the wire) and a GCM job has
 * one AAD pointer, so the GMAC direct API takes the two pieces in turn.
 */
static void
gmac_direct(IMB_MGR *mgr, struct crypto_mb_op *op)
{
	const struct crypto_mb_sa *sa = op->sa;
	const struct gcm_key_data *key = &sa->k.gcm;
	const uint8_t *region = op->buf + op->auth_off;
	uint8_t *tag = op->decrypt ? op->tag : op->icv;
	const uint8_t *nonce = nonce_of(op);
	struct gcm_context_data ctx;

	switch (sa->key_len) {
	case 16:
		IMB_AES128_GMAC_INIT(mgr, key, &ctx, nonce, NONCE_LEN);
		IMB_AES128_GMAC_UPDATE(mgr, key, &ctx, op->aad, op->aad_len);
		if (op->auth_len != 0)
			IMB_AES128_GMAC_UPDATE(mgr, key, &ctx, region, op->auth_len);
		IMB_AES128_GMAC_FINALIZE(mgr, key, &ctx, tag, sa->icv_len);
		break;
	case 24:
		IMB_AES192_GMAC_INIT(mgr, key, &ctx, nonce, NONCE_LEN);
		IMB_AES192_GMAC_UPDATE(mgr, key, &ctx, op->aad, op->aad_len);
		if (op->auth_len != 0)
			IMB_AES192_GMAC_UPDATE(mgr, key, &ctx, region, op->auth_len);
		IMB_AES192_GMAC_FINALIZE(mgr, key, &ctx, tag, sa->icv_len);
		break;
	default:
		IMB_AES256_GMAC_INIT(mgr, key, &ctx, nonce, NONCE_LEN);
		IMB_AES256_GMAC_UPDATE(mgr, key, &ctx, op->aad, op->aad_len);
		if (op->auth_len != 0)
			IMB_AES256_GMAC_UPDATE(mgr, key, &ctx, region, op->auth_len);
		IMB_AES256_GMAC_FINALIZE(mgr, key, &ctx, tag, sa->icv_len);
		break;
	}
	explicit_bzero(&ctx, sizeof(ctx));
	if (op->decrypt)
		op->status = icv_equal(tag, op->icv, sa->icv_len) ? 0 : -EBADMSG;
	else
		op->status = 0;
}

/*
 * AES-GCM ESP (RFC 4106) through the direct API, one call per packet: for
 * the short packets of a gateway it costs about a third less than a job
 * (no job ring, no template copy), measured with intel-ipsec-mb 1.3 on
 * AVX-512.  @p ctx is the caller's scratch context, wiped by the caller.
 */
static void
gcm_direct(IMB_MGR *mgr, struct crypto_mb_op *op, struct gcm_context_data *ctx)
{
	const struct crypto_mb_sa *sa = op->sa;
	const struct gcm_key_data *key = &sa->k.gcm;
	uint8_t *data = op->buf + op->cipher_off;
	uint8_t *tag = op->decrypt ? op->tag : op->icv;
	const uint8_t *nonce = nonce_of(op);

	if (op->decrypt) {
		if (sa->key_len == 16)
			IMB_AES128_GCM_DEC(mgr, key, ctx, data, data, op->cipher_len, nonce,
			    op->aad, op->aad_len, tag, sa->icv_len);
		else if (sa->key_len == 24)
			IMB_AES192_GCM_DEC(mgr, key, ctx, data, data, op->cipher_len, nonce,
			    op->aad, op->aad_len, tag, sa->icv_len);
		else
			IMB_AES256_GCM_DEC(mgr, key, ctx, data, data, op->cipher_len, nonce,
			    op->aad, op->aad_len, tag, sa->icv_len);
		op->status = icv_equal(tag, op->icv, sa->icv_len) ? 0 : -EBADMSG;
		return;
	}
	if (sa->key_len == 16)
		IMB_AES128_GCM_ENC(mgr, key, ctx, data, data, op->cipher_len, nonce, op->aad,
		    op->aad_len, tag, sa->icv_len);
	else if (sa->key_len == 24)
		IMB_AES192_GCM_ENC(mgr, key, ctx, data, data, op->cipher_len, nonce, op->aad,
		    op->aad_len, tag, sa->icv_len);
	else
		IMB_AES256_GCM_ENC(mgr, key, ctx, data, data, op->cipher_len, nonce, op->aad,
		    op->aad_len, tag, sa->icv_len);
	op->status = 0;
}

/*
 * Copy the SA's template and set the per-packet fields only (STYLE rule
 * 17).  intel-ipsec-mb hands the same slots out again in turn and writes
 * only a job's status: a slot that holds this template already (its tag,
 * tmpl_tag()) keeps it, and only the per-packet fields are written.
 */
static inline void
job_fill(IMB_JOB *job, struct crypto_mb_op *op)
{
	const struct crypto_mb_sa *sa = op->sa;
	const IMB_JOB *t = &sa->tmpl[op->decrypt != 0];

	/* Inlined (a fixed-size rte_memcpy): a struct copy calls memmove here. */
	if (job->user_data2 != t->user_data2)
		rte_memcpy(job, t, sizeof(*job));
	job->src = op->buf;
	job->dst = op->buf + op->cipher_off;
	job->cipher_start_src_offset_in_bytes = op->cipher_off;
	job->msg_len_to_cipher_in_bytes = op->cipher_len;
	job->hash_start_src_offset_in_bytes = op->auth_off;
	job->msg_len_to_hash_in_bytes = op->auth_len;
	job->iv = nonce_of(op);
	job->auth_tag_output = op->decrypt ? op->tag : op->icv;
	job->user_data = op;
	switch (sa->kind) {
	case CRYPTO_MB_AEAD:
		/* IMB's ChaCha20-Poly1305 MACs the hash region: it is the ciphertext. */
		job->hash_start_src_offset_in_bytes = op->cipher_off;
		job->msg_len_to_hash_in_bytes = op->cipher_len;
		if (job->cipher_mode == IMB_CIPHER_GCM) {
			job->u.GCM.aad = op->aad;
			job->u.GCM.aad_len_in_bytes = op->aad_len;
		} else {
			job->u.CHACHA20_POLY1305.aad = op->aad;
			job->u.CHACHA20_POLY1305.aad_len_in_bytes = op->aad_len;
		}
		break;
	case CRYPTO_MB_GMAC:
		/* GCM over an empty plaintext: the tag is GMAC of the AAD (RFC 4543 §3). */
		job->u.GCM.aad = op->aad_len != 0 ? op->aad : op->buf + op->auth_off;
		job->u.GCM.aad_len_in_bytes = (uint64_t)op->aad_len + op->auth_len;
		job->cipher_start_src_offset_in_bytes = 0;
		job->dst = op->buf;
		break;
	default:
		/* Nothing to cipher (ESP NULL, AH, empty region): IMB refuses 0-byte CBC/CTR. */
		if (op->cipher_len == 0 && job->cipher_mode != IMB_CIPHER_NULL) {
			job->cipher_mode = IMB_CIPHER_NULL;
			job->user_data2 = NULL; /* no longer the template */
		}
		break;
	}
}

static void
jobs_complete(IMB_JOB **jobs, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		IMB_JOB *job = jobs[i];
		struct crypto_mb_op *op = job->user_data;

		if (op->status != OP_PENDING)
			continue;
		if (job->status != IMB_STATUS_COMPLETED)
			op->status = -EINVAL;
		else if (op->decrypt)
			op->status = icv_equal(job->auth_tag_output, op->icv, op->sa->icv_len) ?
			    0 :
			    -EBADMSG;
		else
			op->status = 0;
	}
}

/* Submit the job just filled, and take every job that has completed since. */
static inline void
job_submit(IMB_MGR *mgr)
{
	IMB_JOB *job = MB_SUBMIT_JOB(mgr);

	while (job != NULL) {
		jobs_complete(&job, 1);
		job = IMB_GET_COMPLETED_JOB(mgr);
	}
}

void
crypto_mb_flush(IMB_MGR *mgr)
{
	IMB_JOB *job;

	while ((job = IMB_FLUSH_JOB(mgr)) != NULL)
		jobs_complete(&job, 1);
}

void
crypto_mb_submit(IMB_MGR *mgr, struct crypto_mb_op *const *ops, uint16_t n)
{
	struct gcm_context_data ctx;
	uint32_t i, direct = 0;

	/*
	 * Nonces (salt || IV: GCM, GMAC, CTR, ChaCha20-Poly1305) are written a
	 * pass before they are read: the stores of salt and IV do not forward
	 * to the load intel-ipsec-mb reads the 12-byte nonce with, so a nonce
	 * written just before the call stalled it until the stores reached
	 * the cache (GCM at 64 bytes: about 40 cycles a packet when
	 * encrypting, 12 when decrypting; tests/bench/bench_crypto_mb).
	 */
	for (i = 0; i < n; i++) {
		struct crypto_mb_op *op = ops[i];

		op->status = op_check(op);
		if (op->status == 0 && op->sa->nonce_len != 0)
			nonce_make(op);
	}
	for (i = 0; i < n; i++) {
		struct crypto_mb_op *op = ops[i];

		if (op->status != 0)
			continue;
		if (op->sa->gcm) {
			gcm_direct(mgr, op, &ctx);
			direct++;
			continue;
		}
		if (op->sa->kind == CRYPTO_MB_GMAC && gmac_split(op)) {
			gmac_direct(mgr, op);
			continue;
		}
		op->status = OP_PENDING;
		/* A full job queue completes its oldest job on submit: nothing is refused for room. */
		job_fill(IMB_GET_NEXT_JOB(mgr), op);
		job_submit(mgr);
	}
	if (direct != 0)
		explicit_bzero(&ctx,
		    sizeof(ctx)); /* once per call: the last partial block's keystream */
}

uint16_t
crypto_mb_run(IMB_MGR *mgr, struct crypto_mb_op *ops, uint16_t n)
{
	struct crypto_mb_op *list[BURST_MAX];
	uint16_t done = 0, ok = 0, m, i;

	while (done < n) {
		m = n - done < BURST_MAX ? n - done : BURST_MAX;
		for (i = 0; i < m; i++)
			list[i] = &ops[done + i];
		crypto_mb_submit(mgr, list, m);
		done += m;
	}
	crypto_mb_flush(mgr);
	for (i = 0; i < n; i++) {
		if (ops[i].status == OP_PENDING)
			ops[i].status = -EINVAL; /* never completed: cannot happen after a flush */
		ok += ops[i].status == 0;
	}
	return ok;
}
