/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/crypto_mb.h: intel-ipsec-mb glue (the only user of the library). */
#ifndef FASTIPSEC_CRYPTO_MB_H
#define FASTIPSEC_CRYPTO_MB_H

#include <intel-ipsec-mb.h>

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

#endif
