/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ikev2_crypt.h: the IKEv2 Encrypted payload (SK) and Encrypted Fragments (SKF): protect, unprotect, reassemble. */
#ifndef FASTIPSEC_IKEV2_CRYPT_H
#define FASTIPSEC_IKEV2_CRYPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/limits.h"
#include "slowpath/ike/ike_crypto.h"
#include "slowpath/ike/ike_payload.h"
#include "slowpath/ike/ikev2_msg.h"

/*
 * RFC 7296 §3.14 (AES-CBC with an HMAC integrity transform) and RFC 5282
 * (AES-GCM with a 16-byte ICV) over the byte ranges ikev2_msg.c finds;
 * RFC 7383 fragments.  All crypto through ike_crypto.h.
 *
 *   SK:  generic header | IV | E(inner payloads | padding | pad length) | ICV
 *   SKF: generic header | Fragment Number | Total Fragments | IV | E(...) | ICV
 *
 * CBC: the ICV is the integrity transform over the message from the first
 * byte of the IKE header to the last byte of the ciphertext; it is checked
 * before anything is decrypted.  GCM: 8-byte explicit IV, nonce = salt (the
 * last 4 bytes of the key material) | IV, AAD = every byte before the IV
 * (the IKE header through the SK header, or through Total Fragments).
 */

/* One direction's keys (SK_ei/SK_ai or SK_er/SK_ar) and algorithms. */
struct ikev2_crypt_keys {
	uint16_t encr;  /* IKE_CRYPTO_ENCR_AES_CBC or IKE_CRYPTO_ENCR_AES_GCM_16 */
	uint16_t integ; /* IKE_CRYPTO_INTEG_*; 0 with GCM */
	uint8_t ek[IKE_CRYPTO_ENCR_KEY_MAX];
	size_t ek_len; /* AES key, with the 4-byte salt for GCM */
	uint8_t ak[IKE_CRYPTO_INTEG_KEY_MAX];
	size_t ak_len;
	size_t iv_len;  /* 16 CBC, 8 GCM */
	size_t icv_len; /* integrity checksum or GCM tag */
	size_t block;   /* ciphertext alignment: 16 CBC, 1 GCM */
};

/*
 * Fill @k: checks the lengths against the algorithms (ek_len is the key
 * material length of ike_crypto_encr_key_len(), ak_len the integrity key
 * length; GCM takes no integrity transform).  0, -ENOTSUP or -EINVAL.
 */
int ikev2_crypt_keys_init(struct ikev2_crypt_keys *k, uint16_t encr, uint16_t integ,
    const uint8_t *ek, size_t ek_len, const uint8_t *ak, size_t ak_len);
/* Wipe. */
void ikev2_crypt_keys_fini(struct ikev2_crypt_keys *k);

/* Bytes an SK payload adds around @inner_len bytes of inner payloads. */
size_t ikev2_crypt_overhead(const struct ikev2_crypt_keys *k, size_t inner_len);

/*
 * Append an SK payload protecting the inner chain @inner (@len bytes, first
 * payload type @first; built with no header, e.g. by ikev2_msg_build_*
 * into its own ike_buf, whose b.first is @first) to @b, which holds the IKE
 * header (ikev2_msg_build_hdr()) and maybe plain payloads, then finish the
 * message (lengths) and compute the ICV.  The IV is random
 * (ike_crypto_random()).  Returns the message length, or -ENOSPC, -EINVAL,
 * -EMSGSIZE, -EIO; on error b->err is set too.
 */
int ikev2_crypt_protect(const struct ikev2_crypt_keys *k, struct ike_buf *b, uint8_t first,
    const uint8_t *inner, size_t len);

/*
 * Check and decrypt the SK or SKF payload of @m (ikev2_msg_parse()) into
 * @out (@cap >= m->sk.len suffices).  Returns the plaintext length, the
 * padding and pad length removed, or:
 *   -EMSGSIZE  no SK/SKF, or shorter than IV + ICV, or the ciphertext is
 *              not whole cipher blocks: drop, nothing was computed.
 *   -EBADMSG   the ICV does not match: drop (RFC 7296 §2.21.2, count it).
 *   -EPROTO    the ICV matched but the Pad Length runs past the
 *              plaintext: an authenticated broken message (INVALID_SYNTAX).
 *   -ENOSPC, -EINVAL, -EIO.
 * @out is wiped on every error.
 */
int ikev2_crypt_unprotect(const struct ikev2_crypt_keys *k, const struct ikev2_msg *m, uint8_t *out,
    size_t cap);

/*
 * Unprotect the SK payload of @m and parse its inner chain into @m
 * (ikev2_msg_parse_inner()); @out must outlive @m.  Returns 0 or the
 * errors of ikev2_crypt_unprotect() and ikev2_msg_parse_inner() (m->error
 * tells what to answer).  Not for SKF: reassemble first.
 */
int ikev2_crypt_open(const struct ikev2_crypt_keys *k, struct ikev2_msg *m, uint8_t *out,
    size_t cap);

/* ---- fragments (RFC 7383) ---- */

/* One fragment message inside the output buffer of ikev2_crypt_protect_frags(). */
struct ikev2_frag_out {
	size_t off;
	size_t len;
};

/*
 * Split the inner chain @inner (@len bytes, first payload @first) into
 * SKF fragment messages of at most @frag_max bytes each (IKE header
 * included), every one with header fields from @hdr (its next_payload and
 * length are ignored), protected individually.  They go back to back into
 * @out (@cap bytes) and are described by frags[0..n-1].  Returns n, or
 * -EINVAL (@frag_max too small for one byte of payload), -E2BIG (more
 * than @frags_max or IKEV2_FRAGS_MAX fragments), -ENOSPC, -EIO.
 */
int ikev2_crypt_protect_frags(const struct ikev2_crypt_keys *k, const struct ike_hdr *hdr,
    uint8_t first, const uint8_t *inner, size_t len, size_t frag_max, uint8_t *out, size_t cap,
    struct ikev2_frag_out *frags, unsigned int frags_max);

/*
 * One SKF fragment as it stands (Fragment Number @num of @total, Next
 * Payload @next, @len bytes of @inner), appended to @b as
 * ikev2_crypt_protect() does; no check of the numbering, so that tests
 * can make bad fragments under valid keys.  Returns as it.
 */
int ikev2_crypt_protect_skf(const struct ikev2_crypt_keys *k, struct ike_buf *b, uint8_t next,
    uint16_t num, uint16_t total, const uint8_t *inner, size_t len);

/*
 * A bounded reassembler for one IKE SA (RFC 7383 §2.6): up to
 * IKEV2_FRAG_MSGS_MAX messages in progress (by Message ID), each with at
 * most IKEV2_FRAGS_MAX fragments and max_bytes of plaintext in total.
 * Fragments are added after ikev2_crypt_unprotect() verified them.
 */
struct ikev2_frag_msg {
	bool used;
	uint32_t msgid;
	uint16_t total;
	uint16_t have;
	uint8_t first; /* inner payload type from fragment 1 */
	size_t bytes;
	uint64_t started_ms;
	uint8_t *data[IKEV2_FRAGS_MAX]; /* plaintext of fragment i + 1, NULL when missing */
	uint16_t len[IKEV2_FRAGS_MAX];
};

struct ikev2_frag_reasm {
	size_t max_bytes;
	struct ikev2_frag_msg msgs[IKEV2_FRAG_MSGS_MAX];
	/* counters */
	uint64_t completed, duplicates, restarted, dropped;
};

/* @max_bytes: plaintext bytes of one reassembled message, at most IKE_MSG_MAX. */
void ikev2_frag_reasm_init(struct ikev2_frag_reasm *r, size_t max_bytes);
/* Free every fragment held. */
void ikev2_frag_reasm_fini(struct ikev2_frag_reasm *r);

/*
 * Add fragment @num of @total of message @msgid, its decrypted plaintext
 * @pt (@len bytes) and its SKF Next Payload @next.  Returns:
 *   0          stored, more to come
 *   > 0        the message is complete: its inner chain (length returned)
 *              is in @out (@cap bytes), its first payload type in *@first;
 *              the slot is freed
 *   -EALREADY  a duplicate of a fragment held: ignored
 *   -ESTALE    Total Fragments lower than the fragments held announced:
 *              ignored (RFC 7383 §2.6); a higher one restarts the message
 *   -EPROTO    fragment 1 without an inner type, a later one with one, a
 *              number past the total, total over IKEV2_FRAGS_MAX (-E2BIG)
 *   -EMSGSIZE  the message would exceed max_bytes (or @cap): it is dropped
 *   -ENOBUFS   every slot is busy with another message: ignored
 *   -ENOMEM
 */
int ikev2_frag_reasm_add(struct ikev2_frag_reasm *r, uint32_t msgid, uint16_t num, uint16_t total,
    uint8_t next, const uint8_t *pt, size_t len, uint64_t now_ms, uint8_t *out, size_t cap,
    uint8_t *first);

/* Drop messages started before @now_ms - @timeout_ms; returns how many. */
unsigned int ikev2_frag_reasm_expire(struct ikev2_frag_reasm *r, uint64_t now_ms,
    uint64_t timeout_ms);

#endif
