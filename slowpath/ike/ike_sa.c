/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ike_sa.c: the IKE SA table both IKE versions share. */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "slowpath/ike/ike_crypto.h"
#include "slowpath/ike/ike_payload.h"
#include "slowpath/ike/ike_sa.h"

/* Tries for a fresh SPI: a collision in 64 random bits is already unlikely. */
#define SPI_TRIES 16

const char *
ike_drop_name(enum ike_drop d)
{
	static const char *const names[IKE_DROP__MAX] = {
		[IKE_DROP_MALFORMED] = "malformed",
		[IKE_DROP_UNKNOWN_SA] = "unknown_sa",
		[IKE_DROP_NO_CONNECTION] = "no_connection",
		[IKE_DROP_UNSUPPORTED] = "unsupported",
		[IKE_DROP_HALF_OPEN] = "half_open",
		[IKE_DROP_DECRYPT] = "decrypt",
		[IKE_DROP_HASH] = "hash",
		[IKE_DROP_AUTH] = "auth",
		[IKE_DROP_NO_PROPOSAL] = "no_proposal",
		[IKE_DROP_STATE] = "state",
		[IKE_DROP_RETRANSMIT] = "retransmit",
		[IKE_DROP_INTERNAL] = "internal",
	};

	if ((unsigned int)d < IKE_DROP__MAX)
		return names[d];
	return "unknown";
}

const char *
ike_sa_state_name(enum ike_sa_state s)
{
	switch (s) {
	case IKE_SA_STATE_CONNECTING:
		return "connecting";
	case IKE_SA_STATE_ESTABLISHED:
		return "established";
	case IKE_SA_STATE_DELETING:
		return "deleting";
	default:
		return "unknown";
	}
}

bool
ike_sa_addr_eq(const struct config_addr *a, const struct config_addr *b)
{
	if (a->family != b->family)
		return false;
	return memcmp(a->addr, b->addr, a->family == 4 ? 4 : 16) == 0;
}

/* Fibonacci hashing of the 64-bit SPI onto a power-of-two table. */
static unsigned int
bucket_of(const struct ike_sa_table *t, uint64_t spi)
{
	return (unsigned int)((spi * 0x9e3779b97f4a7c15ull) >> 32) & (t->n_buckets - 1);
}

#define BUCKETS_MAX (1u << 20)

/* Three bucket arrays of @n for @t; the old ones freed.  0 or -ENOMEM (@t unchanged). */
static int
buckets_alloc(struct ike_sa_table *t, unsigned int n)
{
	struct ike_sa **b = calloc(n, sizeof(*b)), **r = calloc(n, sizeof(*r)),
	              **p = calloc(n, sizeof(*p));

	if (b == NULL || r == NULL || p == NULL) {
		free(b);
		free(r);
		free(p);
		return -ENOMEM;
	}
	free(t->buckets);
	free(t->rbuckets);
	free(t->pbuckets);
	t->buckets = b;
	t->rbuckets = r;
	t->pbuckets = p;
	t->n_buckets = n;
	return 0;
}

static void
chains_link(struct ike_sa_table *t, struct ike_sa *sa)
{
	unsigned int b = bucket_of(t, sa->spi_i);

	sa->hnext = t->buckets[b];
	t->buckets[b] = sa;
	if (sa->spi_r != 0) {
		b = bucket_of(t, sa->spi_r);
		sa->rnext = t->rbuckets[b];
		t->rbuckets[b] = sa;
	}
	if (sa->peer_key != 0) {
		b = bucket_of(t, sa->peer_key);
		sa->pnext = t->pbuckets[b];
		t->pbuckets[b] = sa;
	}
}

/* Unlink @sa from the chain of @head linked through the member at @off. */
static void
chain_unlink(struct ike_sa **head, struct ike_sa *sa, size_t off)
{
	struct ike_sa **pp;

	for (pp = head; *pp != NULL; pp = (struct ike_sa **)((char *)*pp + off)) {
		if (*pp == sa) {
			*pp = *(struct ike_sa **)((char *)sa + off);
			break;
		}
	}
	*(struct ike_sa **)((char *)sa + off) = NULL;
}

/* Twice the buckets once the SAs are twice as many: chains stay short at any size. */
static void
grow(struct ike_sa_table *t)
{
	struct ike_sa *sa;

	if (t->count < 2 * t->n_buckets || t->n_buckets >= BUCKETS_MAX ||
	    buckets_alloc(t, t->n_buckets * 2) != 0)
		return; /* without memory the chains only get longer */
	for (sa = t->head; sa != NULL; sa = sa->next)
		chains_link(t, sa);
}

int
ike_sa_table_init(struct ike_sa_table *t, unsigned int size)
{
	unsigned int n = 16;

	memset(t, 0, sizeof(*t));
	while (n < size && n < BUCKETS_MAX)
		n <<= 1;
	if (buckets_alloc(t, n) != 0)
		return -ENOMEM;
	t->next_id = 1;
	return 0;
}

void
ike_sa_table_fini(struct ike_sa_table *t)
{
	free(t->buckets);
	free(t->rbuckets);
	free(t->pbuckets);
	t->buckets = t->rbuckets = t->pbuckets = NULL;
	t->n_buckets = 0;
}

static void
ho_link(struct ike_sa_table *t, struct ike_sa *sa)
{
	sa->ho_prev = NULL;
	sa->ho_next = t->ho_head;
	if (t->ho_head != NULL)
		t->ho_head->ho_prev = sa;
	t->ho_head = sa;
	t->half_open++;
}

static void
ho_unlink(struct ike_sa_table *t, struct ike_sa *sa)
{
	if (sa->ho_prev != NULL)
		sa->ho_prev->ho_next = sa->ho_next;
	else
		t->ho_head = sa->ho_next;
	if (sa->ho_next != NULL)
		sa->ho_next->ho_prev = sa->ho_prev;
	sa->ho_prev = sa->ho_next = NULL;
	t->half_open--;
}

void
ike_sa_insert(struct ike_sa_table *t, struct ike_sa *sa, uint64_t now_ns)
{
	sa->id = t->next_id++;
	sa->created_ns = now_ns;
	chains_link(t, sa);
	sa->next = NULL;
	sa->prev = t->tail;
	if (t->tail != NULL)
		t->tail->next = sa;
	else
		t->head = sa;
	t->tail = sa;
	sa->ho_prev = sa->ho_next = NULL;
	if (sa->state == IKE_SA_STATE_CONNECTING)
		ho_link(t, sa);
	if ((unsigned int)sa->state < IKE_SA_STATE__MAX)
		t->by_state[sa->state]++;
	t->count++;
	sa->linked = true;
	grow(t);
}

void
ike_sa_remove(struct ike_sa_table *t, struct ike_sa *sa)
{
	if (!sa->linked)
		return;
	chain_unlink(&t->buckets[bucket_of(t, sa->spi_i)], sa, offsetof(struct ike_sa, hnext));
	if (sa->spi_r != 0)
		chain_unlink(&t->rbuckets[bucket_of(t, sa->spi_r)], sa,
		    offsetof(struct ike_sa, rnext));
	if (sa->peer_key != 0)
		chain_unlink(&t->pbuckets[bucket_of(t, sa->peer_key)], sa,
		    offsetof(struct ike_sa, pnext));
	if (sa->prev != NULL)
		sa->prev->next = sa->next;
	else
		t->head = sa->next;
	if (sa->next != NULL)
		sa->next->prev = sa->prev;
	else
		t->tail = sa->prev;
	if (sa->state == IKE_SA_STATE_CONNECTING)
		ho_unlink(t, sa);
	if ((unsigned int)sa->state < IKE_SA_STATE__MAX)
		t->by_state[sa->state]--;
	t->count--;
	sa->hnext = sa->prev = sa->next = NULL;
	sa->linked = false;
}

void
ike_sa_set_spi_r(struct ike_sa_table *t, struct ike_sa *sa, uint64_t spi_r)
{
	unsigned int b;

	if (sa->linked && sa->spi_r != 0)
		chain_unlink(&t->rbuckets[bucket_of(t, sa->spi_r)], sa,
		    offsetof(struct ike_sa, rnext));
	sa->spi_r = spi_r;
	if (sa->linked && spi_r != 0) {
		b = bucket_of(t, spi_r);
		sa->rnext = t->rbuckets[b];
		t->rbuckets[b] = sa;
	}
}

void
ike_sa_set_peer_key(struct ike_sa_table *t, struct ike_sa *sa, uint64_t key)
{
	unsigned int b;

	if (sa->linked && sa->peer_key != 0)
		chain_unlink(&t->pbuckets[bucket_of(t, sa->peer_key)], sa,
		    offsetof(struct ike_sa, pnext));
	sa->peer_key = key;
	if (sa->linked && key != 0) {
		b = bucket_of(t, key);
		sa->pnext = t->pbuckets[b];
		t->pbuckets[b] = sa;
	}
}

struct ike_sa *
ike_sa_next_by_peer_key(const struct ike_sa_table *t, uint64_t key, const struct ike_sa *after)
{
	struct ike_sa *sa = after != NULL ? after->pnext : t->pbuckets[bucket_of(t, key)];

	for (; sa != NULL; sa = sa->pnext)
		if (sa->peer_key == key)
			return sa;
	return NULL;
}

int
ike_sa_set_state(struct ike_sa_table *t, struct ike_sa *sa, enum ike_sa_state to, uint64_t now_ns)
{
	enum ike_sa_state from = sa->state;
	struct log_corr corr = { .ike_spi_i = sa->spi_i,
		.ike_spi_r = sa->spi_r,
		.peer_family = sa->remote.a.family };
	bool ok;

	memcpy(corr.peer, sa->remote.a.addr, sizeof(corr.peer));

	switch (from) {
	case IKE_SA_STATE_CONNECTING:
		ok = to == IKE_SA_STATE_ESTABLISHED || to == IKE_SA_STATE_DELETING;
		break;
	case IKE_SA_STATE_ESTABLISHED:
		ok = to == IKE_SA_STATE_DELETING;
		break;
	default:
		ok = false;
		break;
	}
	if (!ok) {
		log_text(LOG_FAC_IKE, LOG_SEV_ERR, &corr,
		    "%s: IKE SA %" PRIu64 ": %s -> %s refused", __func__, sa->id,
		    ike_sa_state_name(from), ike_sa_state_name(to));
		return -EINVAL;
	}
	if (sa->linked) {
		if (from == IKE_SA_STATE_CONNECTING)
			ho_unlink(t, sa);
		t->by_state[from]--;
		t->by_state[to]++;
	}
	sa->state = to;
	if (to == IKE_SA_STATE_ESTABLISHED)
		sa->established_ns = now_ns;
	log_text(LOG_FAC_IKE, LOG_SEV_DEBUG, &corr, "%s: IKE SA %" PRIu64 ": %s -> %s", __func__,
	    sa->id, ike_sa_state_name(from), ike_sa_state_name(to));
	return 0;
}

struct ike_sa *
ike_sa_lookup(const struct ike_sa_table *t, uint8_t version, uint64_t spi_i, uint64_t spi_r)
{
	struct ike_sa *sa;

	for (sa = t->buckets[bucket_of(t, spi_i)]; sa != NULL; sa = sa->hnext)
		if (sa->spi_i == spi_i && sa->spi_r == spi_r && sa->version == version)
			return sa;
	return NULL;
}

struct ike_sa *
ike_sa_lookup_spi_i(const struct ike_sa_table *t, uint8_t version, uint64_t spi_i,
    const struct config_addr *remote, bool initiator)
{
	struct ike_sa *sa, *other = NULL;

	for (sa = t->buckets[bucket_of(t, spi_i)]; sa != NULL; sa = sa->hnext) {
		if (sa->spi_i != spi_i || sa->version != version ||
		    !ike_sa_addr_eq(&sa->remote.a, remote))
			continue;
		if (sa->initiator == initiator)
			return sa;
		other = sa;
	}
	return other;
}

struct ike_sa *
ike_sa_find_id(const struct ike_sa_table *t, uint64_t id)
{
	struct ike_sa *sa;

	for (sa = t->head; sa != NULL; sa = sa->next)
		if (sa->id == id)
			return sa;
	return NULL;
}

struct ike_sa *
ike_sa_next_for_peer(const struct ike_sa_table *t, const struct config_addr *remote,
    const struct ike_sa *after)
{
	struct ike_sa *sa = after != NULL ? after->next : t->head;

	for (; sa != NULL; sa = sa->next)
		if (ike_sa_addr_eq(&sa->remote.a, remote))
			return sa;
	return NULL;
}

unsigned int
ike_sa_half_open(const struct ike_sa_table *t)
{
	return t->half_open;
}

unsigned int
ike_sa_half_open_from(const struct ike_sa_table *t, const struct config_addr *remote)
{
	const struct ike_sa *sa;
	unsigned int n = 0;

	for (sa = t->ho_head; sa != NULL; sa = sa->ho_next)
		if (ike_sa_addr_eq(&sa->remote.a, remote))
			n++;
	return n;
}

static bool
spi_used(const struct ike_sa_table *t, uint64_t spi)
{
	const struct ike_sa *sa;

	for (sa = t->buckets[bucket_of(t, spi)]; sa != NULL; sa = sa->hnext)
		if (sa->spi_i == spi)
			return true;
	for (sa = t->rbuckets[bucket_of(t, spi)]; sa != NULL; sa = sa->rnext)
		if (sa->spi_r == spi)
			return true;
	return false;
}

int
ike_sa_new_spi(const struct ike_sa_table *t, uint64_t *spi)
{
	uint8_t b[8];
	uint64_t v;
	int i;

	for (i = 0; i < SPI_TRIES; i++) {
		if (ike_crypto_random(b, sizeof(b)) != 0)
			return -EIO;
		v = ike_get64(b);
		if (v != 0 && !spi_used(t, v)) {
			*spi = v;
			return 0;
		}
	}
	return -EIO;
}

struct ike_sa *
ike_sa_at(const struct ike_sa_table *t, unsigned int i)
{
	struct ike_sa *sa;

	for (sa = t->head; sa != NULL && i > 0; sa = sa->next)
		i--;
	return sa;
}

void
ike_sa_info_fill(const struct ike_sa *sa, struct ike_sa_info *info)
{
	memset(info, 0, sizeof(*info));
	info->id = sa->id;
	info->version = sa->version;
	info->state = sa->state;
	info->initiator = sa->initiator;
	info->spi_i = sa->spi_i;
	info->spi_r = sa->spi_r;
	info->connection = sa->connection;
	info->local = sa->local;
	info->remote = sa->remote;
	info->created_ns = sa->created_ns;
	info->established_ns = sa->established_ns;
}
