/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ike_creds.h: a connection's certificate files loaded at engine start (IKEv1 and IKEv2). */
#ifndef FASTIPSEC_IKE_CREDS_H
#define FASTIPSEC_IKE_CREDS_H

#include <stdbool.h>

#include "config/config.h"
#include "slowpath/ike/ike_crypto.h"

/*
 * Connection @c's own credential (local certs and key) into *@cred when
 * @own, and the trust store it checks the peer with (remote cacerts and
 * crls) into *@trust when @trust.  A file that does not load is logged as
 * disabling @c, and its error returned (-ENOENT, -EINVAL): the caller
 * leaves the connection unusable.  What loaded stays in *@cred and
 * *@trust for the caller to destroy.  -ENOMEM is not logged.
 */
int ike_creds_load(const struct config_connection *c, bool own, bool trust,
    struct ike_crypto_cred **cred, struct ike_crypto_trust **tstore);

#endif
