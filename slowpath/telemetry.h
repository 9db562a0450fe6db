/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/telemetry.h: the /fastipsec/ commands of DPDK's telemetry socket. */
#ifndef FASTIPSEC_TELEMETRY_H
#define FASTIPSEC_TELEMETRY_H

#include "config/config.h"

/*
 * Register every /fastipsec/ command.  The callbacks run on DPDK's
 * telemetry thread and only read (counters, the immutable config, the
 * port table).  Returns 0 or -errno when a registration failed.
 */
int telemetry_init(const struct config *cfg);

/* The /fastipsec/sa/ commands (slowpath/telemetry_sa.c); called by telemetry_init(). */
int telemetry_sa_init(void);

/* The /fastipsec/ike/list and /info commands (slowpath/telemetry_ike.c); called by telemetry_init(). */
int telemetry_ike_init(const struct config *cfg);

#endif
