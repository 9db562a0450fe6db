/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/sa_static.h: manually keyed SAs (RFC 4301 §4.5) from the config. */
#ifndef FASTIPSEC_SA_STATIC_H
#define FASTIPSEC_SA_STATIC_H

#include <stddef.h>

#include <intel-ipsec-mb.h>

#include "common/sa_rt.h"
#include "config/config.h"

/* One configured SA and its runtime record (exactly one of in / out is set). */
struct sa_static {
	const struct config_static_sa *cfg;
	struct sa_rt_in *in;
	struct sa_rt_out *out;
};

/*
 * Build every static SA's runtime record (key schedules with the control
 * core's manager @p mgr) and publish it to the workers; owners are spread
 * over the workers.  Control core, after worker_setup().  Returns 0, or
 * -errno with one line in @p err.
 */
int sa_static_install(const struct config *cfg, IMB_MGR *mgr, char *err, size_t errlen);

/* Free every record: at shutdown, after the workers stopped. */
void sa_static_fini(void);

/* The installed SAs (read-only after install: telemetry reads them). */
size_t sa_static_count(void);
const struct sa_static *sa_static_at(size_t i);

#endif
