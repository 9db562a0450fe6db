/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/sad.h: the inbound SA database of one worker: (SPI, destination, protocol) -> SA. */
#ifndef FASTIPSEC_SAD_H
#define FASTIPSEC_SAD_H

#include <stdint.h>

#include "common/sa_rt.h"

struct rte_hash;

/*
 * Each worker has its own SAD and is its only writer (it applies the
 * control core's sa_msg); so lookups and updates need no lock.  Every
 * worker holds every inbound SA, whoever owns it.
 */
struct rte_hash *sad_create(unsigned int worker, int socket);
void sad_destroy(struct rte_hash *sad);

/* Enter / remove @p rt.  Owner: the worker of @p sad.  Returns 0 or -errno. */
int sad_insert(struct rte_hash *sad, struct sa_rt_in *rt);
int sad_remove(struct rte_hash *sad, const struct sa_rt_in *rt);

/* Look up @p n keys (n <= BURST_MAX): rt[i] is the SA or NULL. */
void sad_lookup(const struct rte_hash *sad, const struct sa_key *keys, struct sa_rt_in **rt,
    unsigned int n);

#endif
