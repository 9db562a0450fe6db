/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/sad.h: the inbound SA database of one worker: (SPI, destination, protocol) -> SA. */
#ifndef FASTIPSEC_SAD_H
#define FASTIPSEC_SAD_H

#include <stdint.h>

#include "common/sa_rt.h"

struct sad;

/*
 * Each worker has its own SAD and is its only writer (it applies the
 * control core's sa_msg); so lookups and updates need no lock.  Every
 * worker holds every inbound SA, whoever owns it.  An rte_hash holds the
 * SAs; in front of it a direct-mapped memo by SPI of the SAs found lately
 * turns most lookups into one load and a 24-byte compare.
 */
struct sad *sad_create(unsigned int worker, int socket);
void sad_destroy(struct sad *sad);

/* Enter / remove @p rt.  Owner: the worker of @p sad.  Returns 0 or -errno. */
int sad_insert(struct sad *sad, struct sa_rt_in *rt);
int sad_remove(struct sad *sad, const struct sa_rt_in *rt);

/* Look up @p n keys (n <= BURST_MAX): rt[i] is the SA or NULL.  Owner: the worker of @p sad. */
void sad_lookup(struct sad *sad, const struct sa_key *keys, struct sa_rt_in **rt, unsigned int n);

/* The SA of @p key in the hash, or NULL; the memo neither read nor written.  Any thread. */
struct sa_rt_in *sad_find(const struct sad *sad, const struct sa_key *key);

#endif
