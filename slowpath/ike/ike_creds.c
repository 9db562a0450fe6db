/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ike_creds.c: a connection's certificate files loaded at engine start (IKEv1 and IKEv2). */
#include <errno.h>

#include "common/log.h"
#include "slowpath/ike/ike_creds.h"

int
ike_creds_load(const struct config_connection *c, bool own, bool trust,
    struct ike_crypto_cred **cred, struct ike_crypto_trust **tstore)
{
	const char *certs[CONFIG_CERTS_MAX], *cas[CONFIG_CERTS_MAX], *crls[CONFIG_CERTS_MAX];
	char err[CONFIG_PATH_MAX + 128];
	unsigned int k, n;
	int rc = 0;

	if (own) {
		for (k = 0; k < c->local.n_certs && k < CONFIG_CERTS_MAX; k++)
			certs[k] = c->local.certs[k];
		rc = ike_crypto_cred_load(certs, k, c->local.key, cred, err, sizeof(err));
	}
	if (rc == 0 && trust) {
		for (n = 0; n < c->remote.n_cacerts && n < CONFIG_CERTS_MAX; n++)
			cas[n] = c->remote.cacerts[n];
		for (k = 0; k < c->remote.n_crls && k < CONFIG_CERTS_MAX; k++)
			crls[k] = c->remote.crls[k];
		rc = ike_crypto_trust_load(cas, n, crls, k, tstore, err, sizeof(err));
	}
	if (rc != 0 && rc != -ENOMEM)
		log_err(LOG_FAC_IKE, "%s: connection %s is disabled: %s", __func__, c->name, err);
	return rc;
}
