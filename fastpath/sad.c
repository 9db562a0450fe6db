/* SPDX-License-Identifier: BSD-3-Clause */
/* fastpath/sad.c: the per-worker inbound SA database on rte_hash, with a memo by SPI in front. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "common/limits.h"
#include "fastpath/sad.h"

#define SAD_MEMO_BITS  10
#define SAD_MEMO_SLOTS (1u << SAD_MEMO_BITS)

struct sad {
	struct rte_hash *h;
	/* SAs by a hash of their SPI; a slot is checked against the whole key. */
	struct sa_rt_in *memo[SAD_MEMO_SLOTS];
};

_Static_assert(sizeof(struct sa_key) == 24, "sa_key is three 64-bit words");

static inline uint32_t
memo_slot(uint32_t spi)
{
	return (spi * 0x9e3779b1u) >> (32 - SAD_MEMO_BITS);
}

static inline bool
key_eq(const struct sa_key *a, const struct sa_key *b)
{
	const uint8_t *pa = (const uint8_t *)a, *pb = (const uint8_t *)b;
	uint64_t a0, a1, a2, b0, b1, b2;

	/* Word by word from the keys (an array copy went through the stack). */
	memcpy(&a0, pa, 8);
	memcpy(&a1, pa + 8, 8);
	memcpy(&a2, pa + 16, 8);
	memcpy(&b0, pb, 8);
	memcpy(&b1, pb + 8, 8);
	memcpy(&b2, pb + 16, 8);
	return ((a0 ^ b0) | (a1 ^ b1) | (a2 ^ b2)) == 0;
}

struct sad *
sad_create(unsigned int worker, int socket)
{
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters prm = {
		.name = name,
		.entries = SA_MAX,
		.key_len = sizeof(struct sa_key),
		.hash_func = rte_hash_crc,
		.socket_id = socket,
		.extra_flag =
		    RTE_HASH_EXTRA_FLAGS_EXT_TABLE, /* a full bucket never refuses an SA */
	};
	struct sad *sad;

	sad = rte_zmalloc_socket("sad", sizeof(*sad), RTE_CACHE_LINE_SIZE, socket);
	if (sad == NULL)
		return NULL;
	snprintf(name, sizeof(name), "sad_%u", worker);
	sad->h = rte_hash_create(&prm);
	if (sad->h == NULL) {
		rte_free(sad);
		return NULL;
	}
	return sad;
}

void
sad_destroy(struct sad *sad)
{
	if (sad == NULL)
		return;
	rte_hash_free(sad->h);
	rte_free(sad);
}

/* Forget what the memo holds for @p key: the hash's entry for it is changing. */
static inline void
memo_forget(struct sad *sad, const struct sa_key *key)
{
	uint32_t s = memo_slot(key->spi);

	if (sad->memo[s] != NULL && key_eq(&sad->memo[s]->key, key))
		sad->memo[s] = NULL;
}

int
sad_insert(struct sad *sad, struct sa_rt_in *rt)
{
	/* rte_hash replaces the data of a key it holds: the memo must not keep the old SA. */
	memo_forget(sad, &rt->key);
	return rte_hash_add_key_data(sad->h, &rt->key, rt);
}

int
sad_remove(struct sad *sad, const struct sa_rt_in *rt)
{
	int rc = rte_hash_del_key(sad->h, &rt->key);

	/* The memo never outlives the hash's entry: the SA may be freed after this. */
	memo_forget(sad, &rt->key);
	return rc < 0 ? rc : 0;
}

struct sa_rt_in *
sad_find(const struct sad *sad, const struct sa_key *key)
{
	void *data;

	return rte_hash_lookup_data(sad->h, key, &data) < 0 ? NULL : data;
}

void
sad_lookup(struct sad *sad, const struct sa_key *keys, struct sa_rt_in **rt, unsigned int n)
{
	const void *kp[BURST_MAX];
	struct sa_rt_in *found[BURST_MAX];
	uint16_t at[BURST_MAX];
	uint64_t hits = 0;
	unsigned int i, k = 0;
	struct sa_rt_in *e;

	for (i = 0; i < n; i++) {
		e = sad->memo[memo_slot(keys[i].spi)];
		if (likely(e != NULL && key_eq(&e->key, &keys[i]))) {
			rt[i] = e;
			continue;
		}
		kp[k] = &keys[i];
		at[k++] = (uint16_t)i;
	}
	if (k == 0)
		return;
	rte_hash_lookup_bulk_data(sad->h, kp, k, &hits, (void **)found);
	for (i = 0; i < k; i++) {
		if (hits & (1ull << i)) {
			rt[at[i]] = found[i];
			sad->memo[memo_slot(keys[at[i]].spi)] = found[i];
		} else {
			rt[at[i]] = NULL;
		}
	}
}
