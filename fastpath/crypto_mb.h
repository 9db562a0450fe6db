/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/crypto_mb.h: intel-ipsec-mb glue (the only user of the library). */
#ifndef FASTIPSEC_CRYPTO_MB_H
#define FASTIPSEC_CRYPTO_MB_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <intel-ipsec-mb.h>
#include <rte_common.h>

#include "common/alg.h"

/*
 * One IMB_MGR per worker lcore, in that lcore's NUMA memory, initialised
 * for the best architecture the CPU has.  Control core, at set-up.
 */
IMB_MGR *crypto_mb_create(int socket);
void crypto_mb_destroy(IMB_MGR *mgr);

/* Version of the library the process runs with, e.g. "1.3.0". */
const char *crypto_mb_version(void);

/* Architecture the managers use ("avx512", "avx2", ...); "none" before the first create. */
const char *crypto_mb_arch_name(void);

#define CRYPTO_MB_ICV_MAX  64    /* bytes: a full HMAC-SHA-512 tag (IPsec uses at most 32) */
#define CRYPTO_MB_SALT_LEN 4     /* RFC 4106 §8.1, RFC 4543, RFC 3686 §5.1, RFC 7634 §4 */
#define CRYPTO_MB_LEN_MAX  65000 /* bytes of one cipher or auth region (IMB's HMAC limit) */

/* How crypto_mb_run() drives an SA; chosen once in crypto_mb_sa_init(). */
enum crypto_mb_kind {
	CRYPTO_MB_AEAD = 1, /* AES-GCM, ChaCha20-Poly1305: nonce salt||IV, AAD, tag */
	CRYPTO_MB_GMAC,     /* ESP ENCR_NULL_AUTH_AES_GMAC and AH AES-GMAC: everything is AAD */
	CRYPTO_MB_HMAC,     /* AES-CBC, AES-CTR, NULL (ESP) or none (AH), with HMAC-SHA* */
};

/*
 * Per-SA crypto context: built once when the SA is installed, by the
 * control core with its own IMB_MGR (AES key schedules, GCM key data,
 * HMAC ipad/opad digests, the ChaCha20 key, and the job template of
 * STYLE rule 17); read-only afterwards on the worker that owns the SA.
 * The templates point into the struct itself: do not copy or move an
 * initialised crypto_mb_sa, build it where it will live.
 */
struct crypto_mb_sa {
	IMB_JOB tmpl[2];   /* [0] encrypt / generate, [1] decrypt / verify */
	uint8_t kind;      /* enum crypto_mb_kind */
	uint8_t gcm;       /* AES-GCM AEAD: the direct API, not a job */
	uint8_t icv_len;   /* bytes of ICV written (encrypt) or compared (decrypt) */
	uint8_t iv_len;    /* bytes of the packet's explicit IV (8 or 16, 0 for NULL / HMAC AH) */
	uint8_t nonce_len; /* salt || IV bytes built per packet (12), 0 when the IV is used as is */
	uint8_t salt[CRYPTO_MB_SALT_LEN];
	uint16_t key_len; /* AES key bytes (GCM, GMAC; selects the GMAC direct API) */
	union {
		struct {
			uint8_t enc[16 * 15] __rte_aligned(16); /* encryption key schedule */
			uint8_t dec[16 * 15] __rte_aligned(16); /* decryption key schedule (CBC) */
		} aes;
		struct gcm_key_data gcm __rte_aligned(64); /* GCM and GMAC */
		uint8_t chacha[32] __rte_aligned(16);      /* ChaCha20-Poly1305 */
	} k;
	uint8_t ipad[64] __rte_aligned(16); /* inner hash state after (key ^ ipad) */
	uint8_t opad[64] __rte_aligned(16); /* outer hash state after (key ^ opad) */
} __rte_cache_aligned;

/*
 * Build @p cs for proposal @p p.  @p enc_key is the ESP encryption key
 * material: p->cipher_key_len bytes of key followed by p->salt_len bytes
 * of salt (AES-GCM, AES-GMAC, AES-CTR, ChaCha20-Poly1305), NULL when
 * there is no cipher.  @p auth_key is p->auth_key_len bytes of integrity
 * key, followed for AH AES-GMAC by its 4-byte salt (RFC 4543 keying); NULL
 * for the combined modes.  Besides the IPsec truncations, an HMAC SA may
 * have icv_len equal to the full digest (the other length IMB accepts).
 * @p mgr is the caller's own manager (control core), not a worker's.
 * Returns 0 or -EINVAL (unsupported combination or sizes).
 */
int crypto_mb_sa_init(struct crypto_mb_sa *cs, IMB_MGR *mgr, const struct alg_proposal *p,
    const uint8_t *enc_key, const uint8_t *auth_key);

/* Wipe every key byte of @p cs (explicit_bzero); after the RCU grace period. */
void crypto_mb_sa_fini(struct crypto_mb_sa *cs);

/*
 * One packet's operation, prepared by esp_outbound / esp_inbound / ah.
 * Offsets are from @p buf; everything is done in place.
 *
 * ESP, AES-GCM and ChaCha20-Poly1305 (RFC 4106 §3-5, RFC 7634 §2):
 *   nonce = salt || iv (8 bytes); AAD = aad (SPI || seq, or with ESN
 *   SPI || seq_hi || seq_lo); the cipher region (payload, padding, pad
 *   length, next header) is encrypted; the tag covers AAD + ciphertext.
 *   auth_off/auth_len are not used.
 * ESP, ENCR_NULL_AUTH_AES_GMAC (RFC 4543 §3): cipher_len is 0, nothing is
 *   encrypted.  The ICV is GMAC with nonce = salt || iv over the AAD
 *       aad[0 .. aad_len) || buf[auth_off .. auth_off + auth_len)
 *   where aad is SPI || seq (with ESN: SPI || seq_hi || seq_lo) and the
 *   auth region is IV || payload || padding || pad length || next header
 *   (it starts with the same 8-byte IV that @p iv points at).  When aad
 *   lies in buf right before the auth region (aad + aad_len == buf +
 *   auth_off: no ESN, aad pointing at the ESP header) the op goes through
 *   the burst as one job; otherwise (ESN) crypto_mb_run() computes it
 *   with the GMAC direct API, still without allocating.
 * ESP, AES-CBC / AES-CTR / NULL with HMAC (RFC 3602, 3686, 2410, 2404,
 *   4868): encrypt-then-MAC.  The cipher region is the payload through
 *   next header (a multiple of 16 for CBC; 0 for NULL); the auth region
 *   is ESP header .. end of ciphertext, with ESN's seq_hi appended by the
 *   caller inside the auth region (RFC 4303 §2.2.1): icv may point at
 *   those 4 bytes on encrypt (the ICV is written after hashing); on
 *   decrypt move the received ICV aside first and point icv there.  CBC: iv = the 16-byte
 *   IV; CTR: counter block = salt || iv || 00000001.  Decrypt verifies the
 *   MAC over the ciphertext first (IMB_ORDER_HASH_CIPHER); the plaintext
 *   left in buf must not be used when status is -EBADMSG.  aad_len is 0.
 * AH (RFC 4302): HMAC over the auth region, which the caller prepared
 *   (mutable fields and the ICV field zeroed).  AH AES-GMAC (RFC 4543, AH):
 *   the whole auth region is AAD, nonce = salt || iv; aad_len is 0.
 *
 * icv: encrypt writes icv_len bytes here (it may point into the auth
 * region's zeroed ICV field for AH: it is written after hashing); decrypt
 * compares the computed tag, kept in scratch space, with these bytes in
 * constant time.
 */
struct crypto_mb_op {
	const struct crypto_mb_sa *sa;
	uint8_t *buf;        /* operated in place */
	uint32_t cipher_off; /* region encrypted / decrypted ... */
	uint32_t cipher_len; /* ... (0 for NULL, GMAC and AH) */
	uint32_t auth_off;   /* region MACed by HMAC, or the AAD region of GMAC ... */
	uint32_t auth_len;   /* ... (not used by AES-GCM and ChaCha20-Poly1305) */
	const uint8_t *iv;   /* explicit IV: 8 bytes (GCM, GMAC, CTR, ChaCha20), 16 (CBC) */
	const uint8_t *aad;  /* AEAD and ESP GMAC: SPI||seq (8) or SPI||seq_hi||seq_lo (12) */
	uint8_t aad_len;
	uint8_t *icv;    /* encrypt: written here (icv_len bytes); decrypt: the received ICV */
	uint8_t decrypt; /* 0 encrypt / generate, 1 decrypt / verify */
	int16_t status;  /* out: 0, -EBADMSG (ICV mismatch), -EINVAL (bad op or job error) */
	void *user;      /* the caller's (the mbuf) */
	/* Scratch for as long as the op is in flight: the nonce, the computed tag (decrypt). */
	uint8_t nonce[16] __rte_aligned(16);
	uint8_t tag[CRYPTO_MB_ICV_MAX];
};

/* Zero every field of @p op but its scratch (written before it is read). */
static inline void
crypto_mb_op_clear(struct crypto_mb_op *op)
{
	memset(op, 0, offsetof(struct crypto_mb_op, nonce));
}

/* An op's status while its job is still in the manager (crypto_mb_submit()). */
#define CRYPTO_MB_PENDING INT16_MAX

/*
 * Run @p n ops through this worker's manager with the burst API (jobs
 * complete out of order; each op gets its own status).  n may exceed
 * BURST_MAX: the ops then go in bursts of BURST_MAX.  Returns how many
 * ops have status 0.  Owner: the worker lcore that owns @p mgr.  Never
 * allocates, locks, blocks or logs.
 */
uint16_t crypto_mb_run(IMB_MGR *mgr, struct crypto_mb_op *ops, uint16_t n);

/*
 * Start @p n ops and do not wait for the multi-buffer lanes to fill: an
 * op done at once (AES-GCM and ESN GMAC through the direct API, a refused
 * op, a job the manager completed) has its final status on return; the
 * others have CRYPTO_MB_PENDING until a later crypto_mb_submit(),
 * crypto_mb_run() or crypto_mb_flush() on the same manager completes
 * them.  Jobs complete in the order they were submitted.  Each op, its
 * buffer and its SA must stay in place until then.  Keeping jobs in flight
 * across bursts spares the flush of partly filled lanes at the end of
 * every burst (HMAC and CBC run 8 or 16 packets side by side).  Owner and
 * rules: as crypto_mb_run().
 */
void crypto_mb_submit(IMB_MGR *mgr, struct crypto_mb_op *const *ops, uint16_t n);

/* Complete every job in flight on @p mgr (their ops get their status). */
void crypto_mb_flush(IMB_MGR *mgr);

#endif
