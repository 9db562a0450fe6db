/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ike_child.c: wiping a negotiated SA pair's keys. */
#include <string.h>

#include "slowpath/ike/ike_child.h"

void
ike_child_sa_wipe(struct ike_child_sa *c)
{
	explicit_bzero(&c->in, sizeof(c->in));
	explicit_bzero(&c->out, sizeof(c->out));
}
