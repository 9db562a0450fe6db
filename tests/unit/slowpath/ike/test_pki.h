/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/slowpath/ike/test_pki.h: the test PKI (make_certs.sh into a temporary directory), its files as OpenSSL and ike_crypto objects, Wycheproof file helpers. */
#ifndef TESTS_UNIT_SLOWPATH_IKE_TEST_PKI_H
#define TESTS_UNIT_SLOWPATH_IKE_TEST_PKI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <openssl/evp.h>

#include "slowpath/ike/ike_crypto.h"

/* The directory of the test PKI, and whether make_certs.sh filled it. */
extern char pki_dir[64];
extern bool have_pki;

#define SKIP_WITHOUT_PKI()                                                            \
	do {                                                                          \
		if (!have_pki) {                                                      \
			printf("\n    no test PKI (openssl CLI missing?), skipped "); \
			return;                                                       \
		}                                                                     \
	} while (0)

/*
 * Make /tmp/@name.XXXXXX and run make_certs.sh (path relative to the
 * source root, the test's working directory) into it: have_pki tells
 * whether that worked.  -1 when not even the directory could be made.
 */
int pki_make(const char *name);
/* Remove the directory and everything in it: 0 or -1. */
int pki_remove(void);
/* @name in the PKI directory (one of four rotating buffers). */
const char *pki_path(const char *name);
/* DER of the first certificate in PEM file @name (asserts it fits @size). */
size_t pki_cert_der(const char *name, uint8_t *der, size_t size);
/* The public key of PEM certificate @name, for OpenSSL's own verification. */
EVP_PKEY *pki_pubkey(const char *name);
/* Our chain @cert with key @key, loaded by ike_crypto (asserted to load). */
struct ike_crypto_cred *pki_cred(const char *cert, const char *key);
/* Trust anchor @ca with CRL @crl (may be NULL), loaded by ike_crypto (asserted to load). */
struct ike_crypto_trust *pki_trust(const char *ca, const char *crl);

/* The Wycheproof vectors: $FASTIPSEC_WYCHEPROOF, or the shared copy (relative first). */
const char *pki_wycheproof_dir(void);
/* Hex string to bytes: their number, SIZE_MAX when not hex or over @max. */
size_t pki_unhex(const char *s, uint8_t *out, size_t max);
/* The string value of `"key": "value"` on @line into @v, or NULL. */
const char *pki_json_field(const char *line, const char *key, char *v, size_t vsize);

#endif
