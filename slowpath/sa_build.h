/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/sa_build.h: an SA's runtime record built from its parameters, for static and IKE SAs alike. */
#ifndef FASTIPSEC_SA_BUILD_H
#define FASTIPSEC_SA_BUILD_H

#include <stdbool.h>
#include <stdint.h>

#include <intel-ipsec-mb.h>

#include "common/alg.h"
#include "common/sa_msg.h"
#include "common/sa_rt.h"
#include "config/config.h"

/*
 * Everything a record is made of, whoever negotiated it: a static SA of
 * the config (sa_build_prm_static()) or an IKE child (slowpath/sa_ike.c).
 * The pointers are read during the sa_build_*() call only.  local is our
 * address and remote the peer's, whatever the direction; the key bytes
 * are as long as @p prop needs (the salt after the cipher key).
 */
struct sa_build_prm {
	uint32_t spi; /* host byte order */
	enum alg_proto protocol;
	enum config_mode mode;
	const struct config_addr *local;
	const struct config_addr *remote;
	const struct alg_proposal *prop;
	const uint8_t *enc_key;
	const uint8_t *integ_key;
	uint32_t replay_window; /* inbound: 0 disables */
	bool esn;
	bool encap;           /* RFC 3948 UDP encapsulation */
	uint16_t encap_sport; /* host byte order; outbound: ours; inbound: the peer's */
	uint16_t encap_dport; /* outbound: the peer's; inbound: ours */
	const struct config_lifetime *lifetime;
};

/* The parameters of static SA @p c (pointers into @p c). */
void sa_build_prm_static(const struct config_static_sa *c, struct sa_build_prm *prm);

/*
 * Allocate and fill a complete record (key schedules with the control
 * core's manager @p mgr), with record id / outbound slot @p id, owned by
 * worker @p owner.  Returns 0, or -errno with nothing allocated.
 * Control core.
 */
int sa_build_in(const struct sa_build_prm *prm, IMB_MGR *mgr, uint32_t id, uint16_t owner,
    struct sa_rt_in **out);
int sa_build_out(const struct sa_build_prm *prm, IMB_MGR *mgr, uint32_t id, uint16_t owner,
    struct sa_rt_out **out);

/*
 * The outer header of ESP record @p sa (published or not) rebuilt for the
 * endpoints and UDP ports of @p p (the peer moved behind its NAT), as a
 * struct sa_out_move for sa_push_move_out() or esp_outbound_sa_move().
 * Returns 0, -EINVAL (not ESP, another address family) or -ENOMEM.
 * Control core; free it with sa_build_free_move().
 */
int sa_build_out_move(const struct sa_build_prm *p, struct sa_rt_out *sa, struct sa_out_move **out);
void sa_build_free_move(void *mv);

/* Wipe and free a record (an sa_push_free_fn: after its grace period, or at shutdown). */
void sa_build_free_in(void *rt);
void sa_build_free_out(void *rt);

#endif
