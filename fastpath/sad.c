/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/sad.c: the per-worker inbound SA database on rte_hash. */
#include <errno.h>
#include <stdio.h>

#include <rte_hash.h>
#include <rte_jhash.h>

#include "common/limits.h"
#include "fastpath/sad.h"

struct rte_hash *
sad_create(unsigned int worker, int socket)
{
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters prm = {
		.name = name,
		.entries = SA_MAX,
		.key_len = sizeof(struct sa_key),
		.hash_func = rte_jhash,
		.socket_id = socket,
		.extra_flag =
		    RTE_HASH_EXTRA_FLAGS_EXT_TABLE, /* a full bucket never refuses an SA */
	};

	snprintf(name, sizeof(name), "sad_%u", worker);
	return rte_hash_create(&prm);
}

void
sad_destroy(struct rte_hash *sad)
{
	rte_hash_free(sad);
}

int
sad_insert(struct rte_hash *sad, struct sa_rt_in *rt)
{
	return rte_hash_add_key_data(sad, &rt->key, rt);
}

int
sad_remove(struct rte_hash *sad, const struct sa_rt_in *rt)
{
	int rc = rte_hash_del_key(sad, &rt->key);

	return rc < 0 ? rc : 0;
}

void
sad_lookup(const struct rte_hash *sad, const struct sa_key *keys, struct sa_rt_in **rt,
    unsigned int n)
{
	const void *kp[BURST_MAX];
	uint64_t hits = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		kp[i] = &keys[i];
	rte_hash_lookup_bulk_data(sad, kp, n, &hits, (void **)rt);
	for (i = 0; i < n; i++) {
		if (!(hits & (1ull << i)))
			rt[i] = NULL;
	}
}
