/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/spd.h: the security policy database: selector match, rte_acl or a scan (RFC 4301 4.4.1). */
#ifndef FASTIPSEC_SPD_H
#define FASTIPSEC_SPD_H

#include <stddef.h>
#include <stdint.h>

#include "common/limits.h"
#include "config/config.h"

/*
 * The SPD answers "which policy does this packet match": the first of the
 * config's ordered policies whose selectors all match (RFC 4301 section
 * 4.4.1), or none, for which the caller applies the default, DISCARD.
 * Selectors are the inner packet's in both directions: outbound packets
 * are classified as they arrive from the protected side; inbound ones
 * after decryption, to check that the inner packet matches the policy of
 * the SA it came in (section 5.2), and cleartext arrivals for bypass or
 * discard.
 *
 * Owner: the control core builds the whole SPD from the config with
 * spd_create() and publishes it by pointer; nothing in it changes after
 * that, so workers classify without locks.  A new policy set is a new
 * SPD, swapped by pointer and destroyed after an RCU grace period
 * (slowpath/spd_ctl.c).  A worker reads the pointer once for a
 * classification and the policies it names (worker_spd()): a match
 * index means nothing in another SPD.
 *
 * Selector extraction (what the classify functions read from a header):
 *  - protocol: the IPv4 protocol; for IPv6 the first next header that is
 *    not hop-by-hop, routing, fragment or destination options (those four
 *    are skipped, at most SPD_IPV6_EXT_MAX of them).  AH, ESP and any
 *    other next header are the protocol themselves.  When the chain is
 *    longer or runs past payload_len, the protocol is the next header
 *    that could not be skipped, with no ports.
 *  - ports: the first four bytes of the L4 header for TCP, UDP, SCTP,
 *    DCCP and UDP-Lite, when they lie within the packet (total_length,
 *    payload_len) and the packet is not a non-first fragment.  Otherwise
 *    the ports are OPAQUE (RFC 4301 sections 4.4.1.1 and 7): ICMP, ESP,
 *    non-first fragments (IPv4 offset != 0, IPv6 fragment header with
 *    offset != 0), truncated headers.  OPAQUE is carried as port 0 in
 *    both port fields.  Port 0 cannot be named in a policy (config: any
 *    covers it), so an OPAQUE packet matches only policies whose ports
 *    are both any; spd_create() refuses a range that holds 0 without
 *    being any.  A real TCP or UDP port 0 is treated the same way.  A
 *    first fragment carries its ports and is classified with them.
 *  - ICMP type and code are not selectors (the config has none).
 */

/* Private to spd.c and spd_build.c: the classify key, all fields in network order. */
struct spd_key4 {
	uint8_t proto;
	uint8_t pad[3];
	uint32_t src;
	uint32_t dst;
	uint16_t sport;
	uint16_t dport;
};

struct spd_key6 {
	uint8_t proto;
	uint8_t pad[3];
	uint8_t src[16];
	uint8_t dst[16];
	uint16_t sport;
	uint16_t dport;
};

/*
 * Private to spd.c and spd_build.c: one policy of a small context as the
 * first-match scan tests it.  Addresses and masks in network order (the
 * key's), ports in host order as a start and a span (port - lo <= span).
 */
struct spd_lin_sel {
	uint16_t sp_lo, sp_span, dp_lo, dp_span;
	uint8_t proto, pmask;
	uint32_t id; /* policy index + 1, as rte_acl's userdata */
};

struct spd_lin4 {
	uint32_t src, smask, dst, dmask;
	struct spd_lin_sel s;
};

struct spd_lin6 {
	uint64_t src[2], smask[2], dst[2], dmask[2];
	struct spd_lin_sel s;
};

struct rte_acl_ctx;

/* Private to spd.c and spd_build.c: use the functions below. */
struct spd {
	struct rte_acl_ctx *acl[2][2]; /* [enum config_direction][0: IPv4, 1: IPv6]; NULL: empty */
	int alg; /* enum rte_acl_classify_alg of every context; DEFAULT (0) when there is none */
	/*
	 * A context of at most SPD_LINEAR_MAX policies is classified by a
	 * first-match scan of its policies instead where that is faster (few
	 * policies: rte_acl's trie walk costs the same for one rule as for
	 * hundreds); spd_create() times both.  Same answers: test_spd.
	 */
	uint8_t linear[2][2]; /* [dir][family]: scan, not rte_acl */
	uint16_t n_lin[2][2]; /* policies in lin4 / lin6 (0: more than SPD_LINEAR_MAX) */
	struct spd_lin4 lin4[2][SPD_LINEAR_MAX];
	struct spd_lin6 lin6[2][SPD_LINEAR_MAX];
	unsigned int n_policies;
	struct config_policy policies[]; /* the config's, in match order */
};

/*
 * Build the SPD of cfg->policies on NUMA @p socket (SOCKET_ID_ANY for
 * any): four rte_acl contexts (outbound and inbound, IPv4 and IPv6),
 * each sized for its own policies: room for exactly those rules, and a
 * run-time budget of SPD_ACL_BYTES_PER_RULE each (within SPD_ACL_BYTES_MIN
 * and SPD_ACL_BYTES_MAX), below which rte_acl splits its tries; a context
 * without policies is not created.  Control core only.  Returns NULL with
 * a message in @p err when a policy is malformed or memory runs out.
 */
struct spd *spd_create(const struct config *cfg, int socket, char *err, size_t errlen);

/*
 * The same from @p n policies in match order (at most SPD_POLICIES_MAX):
 * the config's with the IKE pairs' own among them (slowpath/spd_ctl.c).
 * A pair's PROTECT policy names its outbound slot (and the record id of
 * its inbound SAs) in .sa, a slot of SA_DYN_SLOT_BASE or above, and its
 * child in .child; the workers treat it as a static SA's (no acquire).
 */
struct spd *spd_create_policies(const struct config_policy *pols, unsigned int n, int socket,
    char *err, size_t errlen);

/* Free @p spd (NULL is fine).  Control core, after no worker can see it. */
void spd_destroy(struct spd *spd);

/*
 * Classify @p n packets (any n; bursts of BURST_MAX are best) of
 * direction @p dir: @p ip_hdrs[i] points to the IPv4 header of a packet
 * whose header length (>= 20) and total_length the caller has checked
 * (all of total_length is readable).  @p match[i] is the index + 1 of the first
 * policy it matches, 0 when none does (DISCARD).  Any lcore; never
 * blocks, allocates or logs.
 */
void spd_classify_v4(const struct spd *spd, enum config_direction dir,
    const uint8_t *const *ip_hdrs, uint32_t *match, unsigned int n);

/* The same for IPv6 headers: 40 + payload_len bytes are readable. */
void spd_classify_v6(const struct spd *spd, enum config_direction dir,
    const uint8_t *const *ip_hdrs, uint32_t *match, unsigned int n);

/* The policy a classify result names; NULL for 0 (no match) or a value out of range. */
static inline const struct config_policy *
spd_policy(const struct spd *spd, uint32_t match)
{
	if (match == 0 || match > spd->n_policies)
		return NULL;
	return &spd->policies[match - 1];
}

/*
 * The classify method: "linear" when every context with policies scans
 * them (see struct spd), else the rte_acl method of the contexts that do
 * not: "scalar", "sse", "avx2", "avx512x16", "avx512x32" (or "neon",
 * "altivec"); "none" without policies.  spd_create() times every method
 * the CPU, the DPDK build and the EAL's max SIMD bitwidth
 * (--force-max-simd-bitwidth) allow on the new contexts and keeps the
 * fastest, then the scan against it for each small context.
 */
const char *spd_algorithm_name(const struct spd *spd);

/*
 * Make every context classify with method @p name instead (benchmarks,
 * tests, an operator's override): an rte_acl method, or "linear" (every
 * context scans; -ENOTSUP when one has more than SPD_LINEAR_MAX
 * policies).  Control core, before the SPD is published.  Returns 0,
 * -EINVAL for an unknown name or -ENOTSUP when this CPU or the EAL does
 * not allow it.
 */
int spd_algorithm_set(struct spd *spd, const char *name);

/* Private to spd.c and spd_build.c: the scan of context [@p dir][@p f] over @p n keys. */
void spd_linear_classify(const struct spd *spd, unsigned int dir, unsigned int f,
    const uint8_t *const *keys, uint32_t *match, unsigned int n);

#endif
