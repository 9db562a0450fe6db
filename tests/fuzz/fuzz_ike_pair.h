/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/fuzz/fuzz_ike_pair.h: two IKE engines' config, wire and callbacks, shared by the engine fuzzers. */
#ifndef TESTS_FUZZ_FUZZ_IKE_PAIR_H
#define TESTS_FUZZ_FUZZ_IKE_PAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/limits.h"
#include "config/config.h"
#include "slowpath/ike/ike.h"

/*
 * The engine fuzzers (fuzz_ikev1_plain, fuzz_ikev2_plain) set up SAs
 * between I (192.0.2.1, 198.51.100.0/24) and R (192.0.2.2,
 * 203.0.113.0/24) with a fixed random source, so that SPIs, keys and IVs
 * are the same every time, then feed inputs under those SAs.  While an
 * SA is set up, ops->send queues on one wire the fuzzer drains with
 * fuzz_ike_pair_wire_pop(); otherwise what the engines send goes nowhere.
 * The unit tests' harness (tests/unit/slowpath/ike/harness.c) does the
 * same with CUnit, which a fuzz target cannot link.
 */

#define FUZZ_IKE_PAIR_WIRE_MAX 8

/* One side: its config, its callbacks and its engine. */
struct fuzz_ike_pair_side {
	struct config cfg;
	struct config_connection conn;
	struct config_child child[2];
	struct config_secret sec;
	struct ike_ops ops;
	void *e;          /* struct ikev1 or struct ikev2, the fuzzer's engine */
	uint8_t addr;     /* last octet of 192.0.2.x */
	unsigned int ups; /* child_up calls */
};

/* One message on the wire. */
struct fuzz_ike_pair_msg {
	struct ike_addr from, to;
	uint8_t p[IKE_MSG_MAX];
	size_t len;
};

/* Restart the fixed random source at @seed; it stands in for RAND_bytes() from now on. */
void fuzz_ike_pair_random_seed(uint64_t seed);

/* 192.0.2.@d, port 500. */
void fuzz_ike_pair_addr(struct ike_addr *a, uint8_t d);

/*
 * Side @me of a PSK connection "gw" of IKE @version to @other (curve25519
 * IKE proposal), child "net" (the left side, I, protects 198.51.100.0/24),
 * two ESP proposals, the second with PFS.  IKEv2 adds a second child
 * "web" to 192.0.2.0/24 for CREATE_CHILD_SA, fragmentation and rekey
 * times.  The callbacks are the wire's.
 */
void fuzz_ike_pair_side_init(struct fuzz_ike_pair_side *s, int version, uint8_t me, uint8_t other,
    bool left);

/* Empty the wire; from now on what the engines send is queued (start) or dropped (stop). */
void fuzz_ike_pair_wire_start(void);
void fuzz_ike_pair_wire_stop(void);
/* The oldest message queued, NULL if none; it stays valid until the next call. */
const struct fuzz_ike_pair_msg *fuzz_ike_pair_wire_pop(void);

#endif
