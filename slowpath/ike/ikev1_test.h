/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ikev1_test.h: test hooks into the IKEv1 engine (unit tests and fuzzers only, never the appliance). */
#ifndef FASTIPSEC_IKEV1_TEST_H
#define FASTIPSEC_IKEV1_TEST_H

#ifndef IKEV1_TEST_HOOKS
#error "ikev1_test.h is for tests built with -DIKEV1_TEST_HOOKS"
#endif

#include <stddef.h>
#include <stdint.h>

#include "slowpath/ike/ike.h"

/*
 * Messages under the keys of an established ISAKMP SA, for tests that
 * need bad input behind the encryption (tests/unit/.../test_ikev1_bad.c,
 * tests/fuzz/fuzz_ikev1_plain.c).  slowpath/ike/ikev1_test.c is compiled
 * only into those, with IKEV1_TEST_HOOKS defined.
 */

#define IKEV1_TEST_HASH1 0x01 /* put HASH(1) = prf(SKEYID_a, M-ID | body) before the body */

/*
 * Seal @body (a plaintext payload chain starting with a payload of type
 * @next) as an encrypted message of exchange @exchange and message id
 * @msgid of the IKE SA @id (struct ike_sa_info.id) of @e, with the IV a
 * new phase-2 exchange of that id has (RFC 2409 Appendix B).  With
 * IKEV1_TEST_HASH1 a HASH payload computed over @body goes first.  The
 * message goes to @out (@cap bytes); returns its length, or -errno.
 */
int ikev1_test_seal(struct ikev1 *e, uint64_t id, uint8_t exchange, uint32_t msgid, uint8_t next,
    const uint8_t *body, size_t len, unsigned int flags, uint8_t *out, size_t cap);

/*
 * Decrypt @msg, a quick-mode or informational message that starts a
 * phase-2 exchange of IKE SA @id, into @out (@cap bytes): the plaintext
 * chain with its padding.  Returns the plaintext length, or -errno.
 */
int ikev1_test_open(struct ikev1 *e, uint64_t id, const uint8_t *msg, size_t len, uint8_t *out,
    size_t cap);

/* The length of HASH payload bodies (the PRF's output) of IKE SA @id: > 0, or -ENOENT. */
int ikev1_test_hash_len(struct ikev1 *e, uint64_t id);

/* Quick modes under way or lingering on IKE SA @id: >= 0, or -ENOENT (no such SA with keys). */
int ikev1_test_qm_count(struct ikev1 *e, uint64_t id);

#endif
