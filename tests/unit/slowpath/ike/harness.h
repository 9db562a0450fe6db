/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/slowpath/ike/harness.h: two IKE engines back to back in one process, on the test's clock. */
#ifndef TESTS_UNIT_SLOWPATH_IKE_HARNESS_H
#define TESTS_UNIT_SLOWPATH_IKE_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <CUnit/CUnit.h>

#include "config/config.h"
#include "slowpath/ike/ike.h"
#include "slowpath/ike/ike_child.h"
#include "slowpath/ike/ikev2_sm.h"

/*
 * Two engines, "I" (192.0.2.1, protecting 198.51.100.0/24) and "R"
 * (192.0.2.2, protecting 203.0.113.0/24), wired back to back: ops->send
 * appends to one queue (wire[]), pump() hands each message to the engine
 * whose address it was sent to.  Time is the test's: advance() moves it
 * in 100 ms ticks.  Every message sent is also copied to sent[] for the
 * tests that look at the wire.  The engine (IKEv1 or IKEv2) is chosen
 * once with harness_use().
 */

#define DIM(a)   (sizeof(a) / sizeof((a)[0]))
#define S        1000000000ull
#define MS       1000000ull
#define WIRE_MAX 512
#define UPS_MAX  16

struct msg {
	struct ike_addr from, to;
	uint8_t *p;
	size_t len;
};

struct peer {
	const char *name;
	struct config cfg;
	struct config_connection conn[2];
	struct config_child child[4];
	struct config_secret sec[2];
	struct ike_ops ops;
	void *e; /* struct ikev1 or struct ikev2, as harness_use() chose */
	struct config_addr addr;
	struct ike_child_sa ups[UPS_MAX]; /* as child_up saw them: keys included */
	struct ike_child_sa up;           /* the last one child_up saw */
	unsigned int n_up, n_down;
	struct ike_child_sa last_down;
	unsigned int keepalives;
	unsigned int n_remap;           /* child_remap calls */
	struct ike_child_sa last_remap; /* the last one's pair, as the engine gave it */
	int child_up_rc;
	char peer_id[CONFIG_ID_MAX]; /* the remote identity, for tests that fetch it */
};

/* One engine version, behind function pointers. */
struct harness_engine {
	int version;
	void *(*create)(const struct config *cfg, const struct ike_ops *ops);
	void (*destroy)(void *e);
	void (*input)(void *e, uint64_t now_ns, const struct ike_addr *local,
	    const struct ike_addr *remote, const uint8_t *msg, size_t len);
	void (*tick)(void *e, uint64_t now_ns);
};

extern const struct harness_engine harness_ikev1, harness_ikev2;

/* Optional hooks a test sets to watch or reorder the traffic. */
struct harness_hooks {
	/* every message sent, before the drop knobs apply */
	void (*sent)(const uint8_t *msg, size_t len);
	/* deliver (or not) one batch taken off the wire; frees each p */
	void (*batch)(struct msg *batch, unsigned int n);
	/* after each message pump() took off the wire, and after each tick */
	void (*step)(void);
};

extern struct harness_hooks harness_hooks;

/*
 * I's NAT: with harness_hooks.batch = batch_nat, I's messages reach R from
 * port nat_port (0: the port they were sent from), as after a NAT's new
 * mapping; the rest is delivered as pump() does.
 */
extern uint16_t nat_port;
void batch_nat(struct msg *batch, unsigned int n);

extern struct peer pi, pr;
extern uint64_t now;
extern struct msg wire[WIRE_MAX];
extern unsigned int n_wire;
extern struct msg sent[WIRE_MAX];
extern unsigned int n_sent;
/* Drop the next k messages (all of them when drop_all). */
extern unsigned int drop_next;
extern bool drop_all;
extern int drop_index; /* drop sent[drop_index] once */
/* Hold back sent[hold] instead of delivering it: it lands in held. */
extern int hold;
extern struct msg held;
extern bool have_held;

void harness_use(const struct harness_engine *eng);

/* Config builders. */
void addr4(struct config_addr *a, uint8_t d);
void ts4(struct config_ts *ts, uint8_t a, uint8_t b, uint8_t c, uint8_t len);
void ike_prop(struct config_ike_proposal *p, uint16_t bits, uint16_t prf, uint16_t dh,
    const char *name);
void esp_prop(struct config_esp_proposal *p, const char *kw, uint16_t dh);
/*
 * A peer: one connection "gw" to the other (version of the engine), one
 * child "net" from @lnet to @rnet (third octets: 100 for 198.51.100.0/24,
 * 113 for 203.0.113.0/24), PSK "secret-psk", the harness callbacks.
 */
void peer_init(struct peer *p, const char *name, uint8_t me, uint8_t other, uint8_t lnet,
    uint8_t rnet);
/*
 * Switch @p to certificates: our chain @cert (and @inter) with key @key,
 * trusting @ca (CRL @crl, may be NULL); file names are under @dir.
 * ecp256 for IKE, aes128gcm16 for ESP, no PSK.
 */
void peer_pubkey(struct peer *p, const char *dir, const char *cert, const char *inter,
    const char *key, const char *ca, const char *crl);
/*
 * A second child "web" of @p's connection: "net" but with 192.0.2.0/24
 * on the far side (198.51.100.0/24 <-> 192.0.2.0/24 seen from pi).
 */
void peer_second_child(struct peer *p);

/* The default callbacks peer_init() sets. */
int cb_send(void *ctx, const struct ike_addr *local, const struct ike_addr *remote,
    const uint8_t *msg, size_t len);
int cb_child_up(void *ctx, const struct ike_child_sa *c);
void cb_child_down(void *ctx, const struct ike_child_sa *c);
int cb_keepalive(void *ctx, const struct ike_addr *local, const struct ike_addr *remote);

void msg_copy(struct msg *d, const struct ike_addr *from, const struct ike_addr *to,
    const uint8_t *p, size_t len);
/* The peer at address @a (pi, pr or NULL). */
struct peer *peer_at(const struct ike_addr *a);
/* Hand one message to its receiver (if it has an engine); p stays. */
void deliver(const struct msg *m);
/* Hand every queued message to its receiver until the wire is quiet; the rounds taken. */
unsigned int pump(void);
void clear_wire(void);
void clear_sent(void);
/* Move time by @ns in 100 ms ticks, delivering what the ticks send. */
void advance(uint64_t ns);

/* Clean wire, knobs and hooks, now = 1000 s, pi and pr from peer_init(). */
void setup(void);
/* Both engines from pi's and pr's config and ops. */
void start(void);
/* Both engines go (their deletes go nowhere), wire and copies freed. */
void teardown(void);

/* In of one side is out of the other: same SPIs, same keys. */
void check_mirror(const struct ike_child_sa *a, const struct ike_child_sa *b);
/*
 * Drop counters (IKE_DROP__MAX each) @before and @after one message:
 * @drop (enum ike_drop, -1: none) moved by one and no other moved.  What
 * is off goes to stderr after @what.
 */
void check_drops(const char *what, const uint64_t *before, const uint64_t *after, int drop);

/* The counters of @p's engine. */
struct ikev1_stats v1_stats(const struct peer *p);
struct ikev2_stats v2_stats(const struct peer *p);
/* The notify type of an IKEv1 informational in the clear, 0 when @w is not one. */
unsigned int v1_clear_notify(const struct msg *w);

/* One payload of a chain, for the suites that take messages apart. */
struct pl {
	uint8_t type;
	const uint8_t *p; /* the whole payload, generic header included */
	size_t len;
};

/* Split a well-formed chain (first type @first) into at most @max payloads; the count or -1. */
int chain_split(uint8_t first, const uint8_t *p, size_t len, struct pl *out, int max);
/* Join payloads into @out with their Next Payload fields set; the first type into *first. */
size_t chain_join(const struct pl *pls, int n, uint8_t *out, uint8_t *first);
/* Set the Length field of the IKE header at @m (IKEv1 and IKEv2 alike). */
void msg_set_len(uint8_t *m, size_t len);

/*
 * A model of the SA installer (slowpath/sa_ike.c) at each side, for the
 * rekey suites: its SA pairs (inbound installed; outbound built, usable
 * once child_up or child_activate said so) and, per child, the outbound
 * slot the child sends on.  After every message and every tick the
 * zero-loss invariant is checked: the SPI each side sends on is installed
 * inbound at the other side (else a violation).  A pair removed while the
 * other side still sends on it, or stopped sending on it less than the
 * grace period ago, is an early removal (a loss as well).
 */
#define MODEL_INST_MAX 32
#define MODEL_KIDS     2
#define MODEL_SEEN_MAX 64

struct inst {
	struct ike_child_sa c; /* as installed: keys included */
	bool out_ready;        /* outbound usable (child_up or activated) */
	bool prepared;         /* child_prepare installed it (this side answered its exchange) */
};

/* The installer's model at one side (pi's is mi, pr's is mr). */
struct model {
	struct inst inst[MODEL_INST_MAX];
	unsigned int n_inst;
	uint32_t slot[MODEL_KIDS];          /* spi_out the child sends on, 0 none */
	uint32_t slot_prev[MODEL_KIDS];     /* the one before it */
	uint64_t slot_gone[MODEL_KIDS];     /* ... and when it stopped being used */
	uint32_t spis_seen[MODEL_SEEN_MAX]; /* every spi_in installed, in order */
	unsigned int n_seen;
	bool two_step; /* child_prepare/child_activate offered (model_setup: on) */
};

extern struct model mi, mr;
extern unsigned int violations;     /* zero-loss invariant broken */
extern unsigned int early_removals; /* a pair went while the peer could still send on it */

struct model *model_of(const struct peer *p);
struct peer *peer_other(const struct peer *p);
/* The pair (@spi_in, @spi_out) in @p's model, NULL if none. */
struct inst *model_find(struct peer *p, uint32_t spi_in, uint32_t spi_out);
/*
 * setup(), both models empty and two-step, the invariant checked at each
 * step.  Children may be 0 .. @kids - 1 (at most MODEL_KIDS); a pair the
 * peer stopped sending on less than @grace ns ago may not go yet (0: no
 * such rule).
 */
void model_setup(unsigned int kids, uint64_t grace);
/* start() with the model's callbacks at both sides. */
void model_start(void);
/* teardown(); the destroyed engines withdrew every pair. */
void model_teardown(void);
/* The zero-loss invariant once (the step hook model_setup() sets): violations counts. */
void model_check_invariant(void);

/* One CUnit suite @name of @n tests, run verbosely: the number of failures. */
struct harness_test {
	const char *name;
	CU_TestFunc fn;
};

unsigned int harness_run(const char *name, const struct harness_test *tests, size_t n);

#endif
