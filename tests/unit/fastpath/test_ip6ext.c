/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/fastpath/test_ip6ext.c: IPv6 extension header walks and AH's mutable option data. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "common/limits.h"
#include "fastpath/ip6ext.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Headers of 8 bytes: next header, length 0, then six bytes. */
#define HBH(nh)      nh, 0, 1, 4, 0, 0, 0, 0    /* PadN */
#define HBH_RA(nh)   nh, 0, 5, 2, 0, 0, 1, 0    /* Router Alert (MLD), PadN */
#define DST(nh)      nh, 0, 1, 4, 0, 0, 0, 0    /* PadN */
#define RT(nh, left) nh, 0, 0, left, 0, 0, 0, 0 /* type 0, no addresses */
#define FRAG(nh)     nh, 0, 0, 0, 0, 0, 0, 1    /* offset 0, no more fragments */
#define MUT(nh)      nh, 0, 0x3e, 4, 1, 2, 3, 4 /* RFC 4727 experiment, may change en route */
#define OPT(nh, t)   nh, 0, t, 4, 0, 0, 0, 0    /* option type t */
#define NONE         0

struct tcase {
	const char *name;
	uint8_t first;      /* the fixed header's next header */
	uint8_t chain[96];  /* the headers, then 8 bytes of "UDP" */
	uint32_t chain_len; /* bytes of headers in chain */
	int32_t plen_less;  /* payload_len this much below chain_len + 8 */
	unsigned int flags;
	enum drop_reason why; /* expected; then (DROP_EXT_HDR: off is pp_ptr, nh_off pp_code): */
	uint32_t off, nh_off, mut;
	uint8_t proto;
};

#define C(...)              \
	{                   \
		__VA_ARGS__ \
	}
#define T(n, first, chain, clen, less, fl, why, off, nh_off, mut, proto)      \
	{                                                                     \
		n, first, chain, clen, less, fl, why, off, nh_off, mut, proto \
	}

static const struct tcase cases[] = {
	T("no extension header", 17, C(NONE), 0, 0, IP6EXT_F_DEST, DROP_NONE, 40, 6, 0, 17),
	T("hop-by-hop router alert", 0, C(HBH_RA(17)), 8, 0, IP6EXT_F_DEST, DROP_NONE, 48, 40, 0,
	    17),
	T("hop-by-hop, destination options", 0, C(HBH(60), DST(50)), 16, 0, IP6EXT_F_DEST,
	    DROP_NONE, 56, 48, 0, 50),
	T("all but fragment, to the end", 0, C(HBH(43), RT(60, 0), DST(17)), 24, 0, IP6EXT_F_DEST,
	    DROP_NONE, 64, 56, 0, 17),
	T("split before the final destination's options", 0, C(HBH(43), RT(60, 0), DST(17)), 24, 0,
	    IP6EXT_F_SPLIT, DROP_NONE, 56, 48, 0, 60),
	T("split: destination options before routing stay in front", 60,
	    C(DST(43), RT(60, 0), DST(17)), 24, 0, IP6EXT_F_SPLIT, DROP_NONE, 56, 48, 0, 60),
	T("split: destination options without routing stay in front", 0, C(HBH(60), DST(17)), 16, 0,
	    IP6EXT_F_SPLIT, DROP_NONE, 56, 48, 0, 17),
	T("segments left, just walking", 43, C(RT(17, 1)), 8, 0, 0, DROP_NONE, 48, 40, 0, 17),
	T("segments left, RT0", 43, C(RT(17, 1)), 8, 0, IP6EXT_F_RT0, DROP_EXT_HDR, 0, 0, 0, 0),
	T("segments left, destination: Parameter Problem 0 at the routing type", 43, C(RT(17, 1)),
	    8, 0, IP6EXT_F_DEST, DROP_EXT_HDR, 42, 0, 0, 0),
	T("segments left behind hop-by-hop: the pointer counts from the fixed header", 0,
	    C(HBH(43), RT(17, 2)), 16, 0, IP6EXT_F_DEST, DROP_EXT_HDR, 50, 0, 0, 0),
	T("fragment behind hop-by-hop", 0, C(HBH(44), FRAG(17)), 16, 0, IP6EXT_F_DEST, DROP_NONE,
	    48, 40, 0, 44),
	T("fragment header cut short", 44, C(NONE), 0, 4, 0, DROP_EXT_CHAIN, 0, 0, 0, 0),
	T("header past payload_len", 0, C(HBH(17)), 8, 9, 0, DROP_EXT_CHAIN, 0, 0, 0, 0),
	T("header length past payload_len", 0, C(17, 1, 1, 4, 0, 0, 0, 0), 8, 1, 0, DROP_EXT_CHAIN,
	    0, 0, 0, 0),
	T("option past its header", 0, C(17, 0, 1, 5, 0, 0, 0, 0), 8, 0, 0, DROP_EXT_CHAIN, 0, 0, 0,
	    0),
	T("option length byte past its header", 0, C(17, 0, 1, 3, 0, 0, 0, 1), 8, 0, 0,
	    DROP_EXT_CHAIN, 0, 0, 0, 0),
	T("Pad1 to the end", 0, C(17, 0, 0, 0, 0, 0, 0, 0), 8, 0, IP6EXT_F_DEST, DROP_NONE, 48, 40,
	    0, 17),
	T("hop-by-hop not first", 60, C(DST(0), HBH(17)), 16, 0, 0, DROP_EXT_CHAIN, 0, 0, 0, 0),
	T("eight headers", 60,
	    C(DST(60), DST(60), DST(60), DST(60), DST(60), DST(60), DST(60), DST(17)), 64, 0,
	    IP6EXT_F_DEST, DROP_NONE, 104, 96, 0, 17),
	T("nine headers", 60,
	    C(DST(60), DST(60), DST(60), DST(60), DST(60), DST(60), DST(60), DST(60), DST(17)), 72,
	    0, 0, DROP_EXT_CHAIN, 0, 0, 0, 0),
	T("unknown option, skip", 60, C(OPT(17, 0x1e)), 8, 0, IP6EXT_F_DEST, DROP_NONE, 48, 40, 0,
	    17),
	T("unknown option, discard (no answer)", 60, C(OPT(17, 0x5e)), 8, 0, IP6EXT_F_DEST,
	    DROP_EXT_HDR, 0, 2, 0, 0),
	T("unknown option, discard and tell: Parameter Problem 2 at its type", 0, C(OPT(17, 0x9e)),
	    8, 0, IP6EXT_F_DEST, DROP_EXT_HDR, 42, 2, 0, 0),
	T("unknown option, discard and tell unless multicast", 0, C(OPT(17, 0xde)), 8, 0,
	    IP6EXT_F_DEST, DROP_EXT_HDR, 42, 2, 0, 0),
	T("unknown option after a known one, second header", 0,
	    C(HBH(60), 17, 0, 1, 0, 0xc2, 2, 0, 0), 16, 0, IP6EXT_F_DEST, DROP_EXT_HDR, 52, 2, 0,
	    0),
	T("unknown option, not the destination", 0, C(OPT(17, 0xde)), 8, 0, IP6EXT_F_SPLIT,
	    DROP_NONE, 48, 40, 0, 17),
	T("mutable option data counted", 0, C(MUT(60), DST(51)), 16, 0, IP6EXT_F_DEST, DROP_NONE,
	    56, 48, 4, 51),
};

/* The packet of @p c in @p b: fixed header, the chain, 8 bytes of "UDP"; its length. */
static uint32_t
build(const struct tcase *c, uint8_t *b)
{
	uint32_t plen = c->chain_len + 8 - (uint32_t)c->plen_less;

	memset(b, 0, 40 + c->chain_len + 8);
	b[0] = 0x60;
	b[4] = (uint8_t)(plen >> 8);
	b[5] = (uint8_t)plen;
	b[6] = c->first;
	b[7] = 64;
	memcpy(b + 40, c->chain, c->chain_len);
	return 40 + plen;
}

static void
test_ip6ext_walk_table(void)
{
	static uint8_t b[256];
	struct ip6ext x;
	enum drop_reason why;
	unsigned int i;
	uint32_t len;

	for (i = 0; i < NELEM(cases); i++) {
		const struct tcase *c = &cases[i];
		bool ok;

		len = build(c, b);
		memset(&x, 0xa5, sizeof(x));
		why = ip6ext_walk(b, len, c->flags, &x);
		ok = why == c->why;
		if (ok && why == DROP_NONE)
			ok = x.off == c->off && x.nh_off == c->nh_off && x.mut == c->mut &&
			    x.proto == c->proto;
		if (ok && why == DROP_EXT_HDR && (c->flags & IP6EXT_F_DEST)) {
			ok = x.pp_ptr == c->off && (x.pp_ptr == 0 || x.pp_code == c->nh_off);
			if (!ok)
				fprintf(stderr, "\n%s: pp_ptr %u pp_code %u\n", c->name, x.pp_ptr,
				    x.pp_code);
		}
		if (!ok)
			fprintf(stderr, "\n%s: %s off %u nh_off %u mut %u proto %u\n", c->name,
			    drop_reason_name(why), x.off, x.nh_off, x.mut, x.proto);
		CU_ASSERT(ok);
	}
}

/* The walk never reads past @p len: every cut of a valid chain fails or ends inside. */
static void
test_ip6ext_walk_truncated(void)
{
	static const uint8_t chain[] = { HBH_RA(43), RT(60, 0), MUT(44), FRAG(17) };
	uint8_t b[40 + sizeof(chain)];
	struct ip6ext x;
	uint32_t len;

	memset(b, 0, 40);
	b[0] = 0x60;
	b[6] = 0;
	memcpy(b + 40, chain, sizeof(chain));
	CU_ASSERT_EQUAL(ip6ext_walk(b, sizeof(b), IP6EXT_F_DEST, &x), DROP_NONE);
	CU_ASSERT_EQUAL(x.proto, IP6EXT_FRAGMENT);
	CU_ASSERT_EQUAL(x.off, 64);
	for (len = 40; len < sizeof(b); len++)
		CU_ASSERT_EQUAL(ip6ext_walk(b, len, IP6EXT_F_DEST, &x), DROP_EXT_CHAIN);
}

/* Only the data of options with bit 0x20 is zeroed, types and lengths kept; restore undoes it. */
static void
test_ip6ext_mutable_zero_restore(void)
{
	static const uint8_t chain[] = {
		60, 0, 0x3e, 2, 0xaa, 0xbb, 0, 0, /* hop-by-hop: mutable, Pad1 x2 */
		43, 1, 5, 2, 0, 1, 0x7e, 6, 1, 2, 3, 4, 5, 6, 1,
		0,                       /* dest: RA, mutable (discard) */
		51, 0, 0, 0, 0, 0, 0, 0, /* routing, type 0: not options */
	};
	uint8_t b[40 + sizeof(chain) + 8], orig[sizeof(b)], want[sizeof(b)];
	uint8_t save[AH_MUTABLE_MAX];
	struct ip6ext x;

	memset(b, 0, sizeof(b));
	b[0] = 0x60;
	b[5] = sizeof(chain) + 8;
	b[6] = 0;
	memcpy(b + 40, chain, sizeof(chain));
	memcpy(orig, b, sizeof(b));
	CU_ASSERT_EQUAL_FATAL(ip6ext_walk(b, sizeof(b), IP6EXT_F_SPLIT, &x), DROP_NONE);
	CU_ASSERT_EQUAL(x.proto, 51);
	CU_ASSERT_EQUAL(x.off, 40 + sizeof(chain));
	CU_ASSERT_EQUAL(x.mut, 8);
	/* As the destination, option 0x7e (action 01) would discard the packet. */
	CU_ASSERT_EQUAL(ip6ext_walk(b, sizeof(b), IP6EXT_F_DEST, &x), DROP_EXT_HDR);

	memcpy(want, b, sizeof(b));
	memset(want + 40 + 4, 0, 2);
	memset(want + 48 + 8, 0, 6);
	memset(save, 0xee, sizeof(save));
	ip6ext_mutable_zero(b, 40 + sizeof(chain), save);
	CU_ASSERT(memcmp(b, want, sizeof(b)) == 0);
	CU_ASSERT(memcmp(save, "\xaa\xbb\x01\x02\x03\x04\x05\x06", 8) == 0);
	CU_ASSERT_EQUAL(save[8], 0xee);
	ip6ext_mutable_restore(b, 40 + sizeof(chain), save);
	CU_ASSERT(memcmp(b, orig, sizeof(b)) == 0);

	/* Only the headers in front of @p front are touched. */
	ip6ext_mutable_zero(b, 48, save);
	CU_ASSERT(memcmp(b + 48, orig + 48, sizeof(b) - 48) == 0);
	CU_ASSERT_EQUAL(b[44], 0);
	ip6ext_mutable_restore(b, 48, save);
	CU_ASSERT(memcmp(b, orig, sizeof(b)) == 0);
}

static void
test_ip6ext_is(void)
{
	unsigned int nh, n = 0;

	for (nh = 0; nh < 256; nh++)
		n += ip6ext_is((uint8_t)nh);
	CU_ASSERT_EQUAL(n, 4);
	CU_ASSERT(ip6ext_is(0) && ip6ext_is(43) && ip6ext_is(44) && ip6ext_is(60));
	CU_ASSERT(!ip6ext_is(50) && !ip6ext_is(51) && !ip6ext_is(59));
}

int
main(void)
{
	CU_pSuite s;
	unsigned int fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("ip6ext", NULL, NULL);
	CU_add_test(s, "test_ip6ext_walk_table", test_ip6ext_walk_table);
	CU_add_test(s, "test_ip6ext_walk_truncated", test_ip6ext_walk_truncated);
	CU_add_test(s, "test_ip6ext_mutable_zero_restore", test_ip6ext_mutable_zero_restore);
	CU_add_test(s, "test_ip6ext_is", test_ip6ext_is);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return fails == 0 ? 0 : 1;
}
