/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/slowpath/ike/test_pki.c: the test PKI (make_certs.sh into a temporary directory), its files as OpenSSL and ike_crypto objects, Wycheproof file helpers. */
#include "test_pki.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

/* Relative to the source root, the test's working directory. */
#define MAKE_CERTS "tests/unit/slowpath/ike/make_certs.sh"

#define WP_ENV     "FASTIPSEC_WYCHEPROOF"
#define WP_DIR_REL "../shared/vectors/wycheproof"
#define WP_DIR_ABS "/work/shared/vectors/wycheproof"

char pki_dir[64];
bool have_pki;

int
pki_make(const char *name)
{
	char cmd[256];

	snprintf(pki_dir, sizeof(pki_dir), "/tmp/%s.XXXXXX", name);
	if (mkdtemp(pki_dir) == NULL)
		return -1;
	snprintf(cmd, sizeof(cmd), "sh %s %s >/dev/null", MAKE_CERTS, pki_dir);
	have_pki = system(cmd) == 0;
	return 0;
}

int
pki_remove(void)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", pki_dir);
	return system(cmd) == 0 ? 0 : -1;
}

const char *
pki_path(const char *name)
{
	static char buf[4][256];
	static unsigned int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", pki_dir, name);
	return buf[k];
}

static X509 *
pem_cert(const char *name)
{
	FILE *f = fopen(pki_path(name), "r");
	X509 *x;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	return x;
}

size_t
pki_cert_der(const char *name, uint8_t *der, size_t size)
{
	X509 *x = pem_cert(name);
	unsigned char *p = der;
	int n;

	n = i2d_X509(x, NULL);
	CU_ASSERT_FATAL(n > 0 && (size_t)n <= size);
	i2d_X509(x, &p);
	X509_free(x);
	return (size_t)n;
}

EVP_PKEY *
pki_pubkey(const char *name)
{
	X509 *x = pem_cert(name);
	EVP_PKEY *pk;

	pk = X509_get_pubkey(x);
	X509_free(x);
	return pk;
}

struct ike_crypto_cred *
pki_cred(const char *cert, const char *key)
{
	const char *certs[1] = { pki_path(cert) };
	struct ike_crypto_cred *c = NULL;
	char err[256];

	CU_ASSERT_EQUAL(ike_crypto_cred_load(certs, 1, pki_path(key), &c, err, sizeof(err)), 0);
	return c;
}

struct ike_crypto_trust *
pki_trust(const char *ca, const char *crl)
{
	const char *cas[1] = { pki_path(ca) }, *crls[1] = { crl != NULL ? pki_path(crl) : NULL };
	struct ike_crypto_trust *t = NULL;
	char err[256];

	CU_ASSERT_EQUAL_FATAL(ike_crypto_trust_load(cas, 1, crls, crl != NULL ? 1 : 0, &t, err,
	                          sizeof(err)),
	    0);
	return t;
}

const char *
pki_wycheproof_dir(void)
{
	static char wp_dir[512];
	const char *env;
	FILE *probe;

	if (wp_dir[0] != '\0')
		return wp_dir;
	env = getenv(WP_ENV);
	if (env != NULL && *env != '\0') {
		snprintf(wp_dir, sizeof(wp_dir), "%s", env);
	} else {
		probe = fopen(WP_DIR_REL "/rsa_signature_2048_sha256_test.json", "r");
		snprintf(wp_dir, sizeof(wp_dir), "%s", probe != NULL ? WP_DIR_REL : WP_DIR_ABS);
		if (probe != NULL)
			fclose(probe);
	}
	return wp_dir;
}

size_t
pki_unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = strlen(s) / 2, i;
	unsigned int v;

	if (n > max)
		return SIZE_MAX;
	for (i = 0; i < n; i++) {
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return SIZE_MAX;
		out[i] = (uint8_t)v;
	}
	return n;
}

const char *
pki_json_field(const char *line, const char *key, char *v, size_t vsize)
{
	char pat[40];
	const char *s, *e;

	snprintf(pat, sizeof(pat), "\"%s\": \"", key);
	s = strstr(line, pat);
	if (s == NULL)
		return NULL;
	s += strlen(pat);
	e = strchr(s, '"');
	if (e == NULL || (size_t)(e - s) >= vsize)
		return NULL;
	memcpy(v, s, (size_t)(e - s));
	v[e - s] = '\0';
	return v;
}
