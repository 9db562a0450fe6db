/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ikev2_test.h: test hooks into the IKEv2 engine (unit tests only, never the appliance). */
#ifndef FASTIPSEC_IKEV2_TEST_H
#define FASTIPSEC_IKEV2_TEST_H

#ifndef IKEV2_TEST_HOOKS
#error "ikev2_test.h is for tests built with -DIKEV2_TEST_HOOKS"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "slowpath/ike/ikev2_sm.h"

/*
 * Messages under the keys of an IKE SA of an engine, for tests that need
 * bad input behind the integrity check (tests/unit/.../test_ikev2_frag.c,
 * test_ikev2_bad.c, tests/fuzz/fuzz_ikev2_plain.c).
 * slowpath/ike/ikev2_test.c is compiled only into those, with
 * IKEV2_TEST_HOOKS defined.
 */

/*
 * One SKF fragment (RFC 7383 §2.5) as IKE SA @ispi/@rspi of @e would send
 * it (its outbound keys, its I flag; R when @response): exchange @exch,
 * Message ID @msgid, Fragment Number @num of @total, Next Payload @next,
 * plaintext @pt (@len bytes), numbering unchecked.  Into @out (@cap);
 * the message length, or -ENOENT (no such SA with keys), -errno.
 */
int ikev2_test_skf(struct ikev2 *e, uint64_t ispi, uint64_t rspi, uint8_t exch, bool response,
    uint32_t msgid, uint8_t next, uint16_t num, uint16_t total, const uint8_t *pt, size_t len,
    uint8_t *out, size_t cap);

/*
 * A whole message with one SK payload as IKE SA @ispi/@rspi of @e would
 * send it (its outbound keys), header flags @flags as given (so that
 * tests can set the I and R flags wrong), exchange @exch, Message ID
 * @msgid, inner chain @pt (@len bytes, first payload @next).  Into @out
 * (@cap); the message length, or -ENOENT (no such SA with keys), -errno.
 */
int ikev2_test_seal(struct ikev2 *e, uint64_t ispi, uint64_t rspi, uint8_t exch, uint8_t flags,
    uint32_t msgid, uint8_t next, const uint8_t *pt, size_t len, uint8_t *out, size_t cap);

/*
 * The inner chain of @msg (@len bytes, one SK payload) as IKE SA
 * @ispi/@rspi of @e receives it (its inbound keys), into @out (@cap),
 * padding removed, its first payload type into *@first.  The plaintext
 * length, or -ENOENT, -errno (ikev2_crypt_unprotect()).
 */
int ikev2_test_open(struct ikev2 *e, uint64_t ispi, uint64_t rspi, const uint8_t *msg, size_t len,
    uint8_t *out, size_t cap, uint8_t *first);

/* The window of that SA: our next request's Message ID, the peer's next expected.  0 or -ENOENT. */
int ikev2_test_msgids(struct ikev2 *e, uint64_t ispi, uint64_t rspi, uint32_t *next,
    uint32_t *peer_next);

#endif
