/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/crypto_mb.c: intel-ipsec-mb managers for the workers. */
#include <rte_malloc.h>

#include "fastpath/crypto_mb.h"

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
