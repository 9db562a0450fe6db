/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/sa_push.c: SA records to the workers over their rings, freed after QSBR grace periods. */
#include <errno.h>

#include <rte_cycles.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "common/limits.h"
#include "common/sa_msg.h"
#include "fastpath/worker.h"
#include "slowpath/sa_push.h"

/*
 * A withdrawn record is freed in two steps.  First every worker must have
 * applied the DEL message (its count of applied messages reaches the
 * message's number: every worker gets every message, in the same order);
 * a worker applies messages at the top of a pass, so from then on it
 * cannot reach the record.  Then a QSBR grace period started after that
 * must end (STYLE.md rule 15), which also covers anything a worker may
 * still hold from before.
 */
struct reclaim {
	uint64_t seq;   /* the DEL's number in the broadcast sequence */
	uint64_t token; /* grace period, once every worker applied the DEL */
	bool token_taken;
	void *rt;
	sa_push_free_fn free_fn;
};

static struct reclaim pending[SA_RECLAIM_MAX];
static unsigned int head, count;
static uint64_t sent; /* messages broadcast to every worker so far */

static bool
all_applied(uint64_t seq)
{
	unsigned int i;

	for (i = 0; i < worker_set.n; i++) {
		if (__atomic_load_n(&worker_set.w[i]->stats.sa_msgs, __ATOMIC_ACQUIRE) < seq)
			return false;
	}
	return true;
}

/* Every worker's ring takes one more message?  The control core is the only producer. */
static bool
room_everywhere(void)
{
	unsigned int i;

	for (i = 0; i < worker_set.n; i++) {
		if (rte_ring_free_count(worker_set.w[i]->sa_ring) == 0)
			return false;
	}
	return true;
}

static int
broadcast(uint32_t op, uint32_t id, void *rt)
{
	struct sa_msg msg = { .op = op, .id = id, .rt = rt };
	unsigned int i;

	if (!room_everywhere())
		return -ENOBUFS;
	for (i = 0; i < worker_set.n; i++) {
		/* Cannot fail: room was checked and nobody else enqueues. */
		rte_ring_sp_enqueue_elem(worker_set.w[i]->sa_ring, &msg, sizeof(msg));
	}
	sent++;
	return 0;
}

static int
withdraw(uint32_t op, uint32_t id, void *rt, sa_push_free_fn free_fn)
{
	struct reclaim *r;
	int rc;

	if (count == SA_RECLAIM_MAX)
		return -ENOSPC;
	if ((rc = broadcast(op, id, rt)) != 0)
		return rc;
	r = &pending[(head + count) % SA_RECLAIM_MAX];
	r->seq = sent;
	r->token_taken = false;
	r->rt = rt;
	r->free_fn = free_fn;
	count++;
	return 0;
}

int
sa_push_add_in(struct sa_rt_in *rt)
{
	return broadcast(SA_MSG_ADD_IN, rt->id, rt);
}

int
sa_push_add_out(struct sa_rt_out *rt)
{
	if (rt->id >= SA_MAX)
		return -EINVAL;
	return broadcast(SA_MSG_ADD_OUT, rt->id, rt);
}

int
sa_push_del_in(struct sa_rt_in *rt, sa_push_free_fn free_fn)
{
	return withdraw(SA_MSG_DEL_IN, rt->id, rt, free_fn);
}

int
sa_push_del_out(struct sa_rt_out *rt, sa_push_free_fn free_fn)
{
	return withdraw(SA_MSG_DEL_OUT, rt->id, rt, free_fn);
}

int
sa_push_move_out(struct sa_out_move *mv, sa_push_free_fn free_fn)
{
	return withdraw(SA_MSG_MOVE_OUT, mv->sa->id, mv, free_fn);
}

unsigned int
sa_push_reclaim(void)
{
	unsigned int n = 0;
	struct reclaim *r;

	while (count != 0) {
		r = &pending[head];
		if (!r->token_taken) {
			if (!all_applied(r->seq))
				break; /* FIFO: the younger ones were not applied either */
			r->token = rte_rcu_qsbr_start(worker_set.qsbr);
			r->token_taken = true;
		}
		if (rte_rcu_qsbr_check(worker_set.qsbr, r->token, false) != 1)
			break;
		r->free_fn(r->rt);
		head = (head + 1) % SA_RECLAIM_MAX;
		count--;
		n++;
	}
	return n;
}

int
sa_push_settle(unsigned int timeout_ms)
{
	uint64_t deadline = rte_get_timer_cycles() + rte_get_timer_hz() * timeout_ms / 1000;
	uint64_t token;
	unsigned int i;

	for (i = 0; i < worker_set.n; i++) {
		while (!rte_ring_empty(worker_set.w[i]->sa_ring)) {
			if (rte_get_timer_cycles() > deadline)
				return -ETIMEDOUT;
			rte_delay_us_sleep(100);
		}
	}
	/* A worker dequeues, applies, then reports quiescence: one grace period covers it. */
	token = rte_rcu_qsbr_start(worker_set.qsbr);
	while (rte_rcu_qsbr_check(worker_set.qsbr, token, false) != 1) {
		if (rte_get_timer_cycles() > deadline)
			return -ETIMEDOUT;
		rte_delay_us_sleep(100);
	}
	return 0;
}

unsigned int
sa_push_pending(void)
{
	return count;
}

void
sa_push_fini(void)
{
	while (count != 0) {
		pending[head].free_fn(pending[head].rt);
		head = (head + 1) % SA_RECLAIM_MAX;
		count--;
	}
}
