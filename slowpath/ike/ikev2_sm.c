/* SPDX-License-Identifier: BSD-3-Clause */
/* slowpath/ike/ikev2_sm.c: the IKEv2 state machine (RFC 7296): IKE_SA_INIT, IKE_AUTH (PSK, certificates) and the first Child SA. */
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "slowpath/ike/ike_creds.h"
#include "slowpath/ike/ike_crypto.h"
#include "slowpath/ike/ike_id.h"
#include "slowpath/ike/ike_sa.h"
#include "slowpath/ike/ike_ts.h"
#include "slowpath/ike/ikev2_auth.h"
#include "slowpath/ike/ikev2_crypt.h"
#include "slowpath/ike/ikev2_msg.h"
#include "slowpath/ike/ikev2_prop.h"
#include "slowpath/ike/ikev2_int.h"

/*
 * The exchanges (RFC 7296 §1.2), window one (§2.3):
 *
 *   I  HDR(0), SAi1, KEi, Ni, N(NAT_D*), N(SIG_HASH), [N(FRAG)]  -->
 *      <--  HDR(0), SAr1, KEr, Nr, [CERTREQ], N(NAT_D*), N(SIG_HASH), [N(FRAG)]
 *        (or N(INVALID_KE_PAYLOAD) / N(NO_PROPOSAL_CHOSEN): no state kept)
 *   I  HDR(1), SK{IDi, [CERT+], [CERTREQ], [IDr], AUTH, SAi2, TSi, TSr}  -->  (4500 after NAT)
 *      <--  HDR(1), SK{IDr, [CERT+], AUTH, SAr2, TSi, TSr}
 *        (or SK{N(AUTHENTICATION_FAILED)}; or IDr, AUTH and a Child error)
 *   I  HDR(2), SK{N(AUTHENTICATION_FAILED)}  -->  (once, when I refuses R's AUTH: §2.21.2)
 *
 * Each end authenticates as its connection says, PSK or certificates
 * (local auth pubkey: our certificate and intermediates in CERT payloads,
 * AUTH a signature), and the two ends may differ (RFC 7296 §2.15 signs the
 * same octets either way).  Signatures are RFC 7427 Digital Signatures
 * (method 14) when the peer sent SIGNATURE_HASH_ALGORITHMS, else the key's
 * classic method (1 RSA, 9/10/11 ECDSA).  A CERTREQ names our trust
 * anchors for the peer (SHA-1 of their SubjectPublicKeyInfo, §3.7) when
 * the peer authenticates with certificates and send_certreq is on: in the
 * IKE_SA_INIT answer and, as strongSwan does, in the IKE_AUTH request.
 *
 * Each SA keeps its last request (resent on tick with the config's
 * backoff until retransmit_tries) and, as responder, the last request
 * received and our reply to it: the same request again gets the stored
 * reply (§2.1) and is not processed twice.  A protected message too big
 * for one datagram goes as SKF fragments, kept and retransmitted back to
 * back, and the peer's fragments come back whole (RFC 7383, ikev2_frag.c).
 */

/* The seed's messages (README "Message catalog"), at the end of the file. */
static void log_init_start(const struct ikev2 *e, const struct v2_sa *s, unsigned int child);
static void log_resp_start(const struct ikev2 *e, const struct v2_sa *s);
static void log_ike_done(struct ikev2 *e, struct v2_sa *s, const struct ike_id *peer);
static void log_unknown_spi(const struct ike_hdr *h, const struct ike_addr *r);

static void
put64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

void
ikev2_sm_dbg(const struct v2_sa *s, const char *fn, const char *what)
{
	log_debug(LOG_FAC_IKE, "%s: IKE SA %016" PRIx64 "_i %016" PRIx64 "_r: %s", fn,
	    s != NULL ? s->sa.spi_i : 0, s != NULL ? s->sa.spi_r : 0, what);
}

uint8_t *
ikev2_sm_dup(const uint8_t *p, size_t len)
{
	uint8_t *d = malloc(len > 0 ? len : 1);

	if (d != NULL)
		memcpy(d, p, len);
	return d;
}

void
ikev2_sm_send_raw(struct ikev2 *e, const struct ike_addr *l, const struct ike_addr *r,
    const uint8_t *p, size_t len)
{
	V2_INC(e, tx);
	if (ikev2_frag_send(e, l, r, p, len))
		return;
	if (e->ops->send(e->ops->ctx, l, r, p, len) != 0)
		V2_INC(e, tx_failed);
}

void
ikev2_sm_sa_free(struct ikev2 *e, struct v2_sa *s)
{
	while (s->n_children > 0)
		ikev2_sm_child_remove(e, s, s->n_children - 1);
	free(s->children);
	ike_sa_remove(&e->t, &s->sa);
	ike_crypto_dh_destroy(s->dh);
	ike_crypto_v2_keys_fini(&s->keys);
	ikev2_crypt_keys_fini(&s->kin);
	ikev2_crypt_keys_fini(&s->kout);
	ikev2_frag_sa_fini(s);
	ikev2_child_sa_fini(s);
	explicit_bzero(s->ni, sizeof(s->ni));
	explicit_bzero(s->nr, sizeof(s->nr));
	free(s->init_i);
	free(s->init_r);
	free(s->req);
	free(s->last_in);
	free(s->last_out);
	free(s);
}

void
ikev2_sm_sa_fail(struct ikev2 *e, struct v2_sa *s, uint64_t now, const char *why)
{
	log_info(LOG_FAC_IKE, "%s: IKE SA %016" PRIx64 "_i %016" PRIx64 "_r of %s failed: %s",
	    __func__, s->sa.spi_i, s->sa.spi_r, v2_conn(e, s)->name, why);
	if (s->sa.state == IKE_SA_STATE_CONNECTING)
		V2_INC(e, ike_failed);
	ike_sa_set_state(&e->t, &s->sa, IKE_SA_STATE_DELETING, now);
	ikev2_sm_sa_free(e, s);
}

void
ikev2_sm_request_send(struct ikev2 *e, struct v2_sa *s, uint8_t exch, size_t len, uint64_t now)
{
	free(s->req);
	s->req_exch = exch;
	s->req = ikev2_sm_dup(e->obuf, len);
	s->req_len = s->req != NULL ? len : 0;
	s->req_busy = true;
	s->req_tries = 0;
	s->req_next_ns = now + (uint64_t)e->cfg->ike.retransmit_timeout * 1000000ull;
	s->last_tx_ns = now;
	ikev2_sm_send_raw(e, &s->sa.local, &s->sa.remote, e->obuf, len);
}

void
ikev2_sm_reply_send(struct ikev2 *e, struct v2_sa *s, const uint8_t *in, size_t in_len, size_t len)
{
	free(s->last_in);
	free(s->last_out);
	s->last_in = ikev2_sm_dup(in, in_len);
	s->last_out = ikev2_sm_dup(e->obuf, len);
	s->have_last = s->last_in != NULL && s->last_out != NULL;
	s->last_in_len = in_len;
	s->last_out_len = len;
	ikev2_sm_send_raw(e, &s->sa.local, &s->sa.remote, e->obuf, len);
}

/* NAT_DETECTION_*_IP data (RFC 7296 §2.23): SHA-1(SPIi | SPIr | IP | port). */
static int
natd(uint64_t spi_i, uint64_t spi_r, const struct ike_addr *a, uint8_t *out)
{
	uint8_t si[8], sr[8], pb[2] = { (uint8_t)(a->port >> 8), (uint8_t)a->port };
	struct ike_crypto_chunk parts[4] = { { si, 8 }, { sr, 8 },
		{ a->a.addr, a->a.family == 4 ? 4u : 16u }, { pb, 2 } };

	put64(si, spi_i);
	put64(sr, spi_r);
	return ike_crypto_hash_vec(IKE_CRYPTO_PRF_HMAC_SHA1, parts, 4, out, V2_NATD_LEN) ==
	        V2_NATD_LEN ?
	    0 :
	    -EIO;
}

/* Our NAT-D notifies: source = our address (fake when encapsulation is forced), destination = the peer's. */
static int
natd_build(const struct config_connection *c, struct ike_buf *b, uint64_t spi_i, uint64_t spi_r,
    const struct ike_addr *l, const struct ike_addr *r)
{
	uint8_t nd[V2_NATD_LEN];

	if (c->encap ? ike_crypto_random(nd, sizeof(nd)) < 0 : natd(spi_i, spi_r, l, nd) < 0)
		return -EIO;
	ikev2_msg_build_notify(b, 0, NULL, 0, IKEV2_N_NAT_DETECTION_SOURCE_IP, nd, sizeof(nd));
	if (natd(spi_i, spi_r, r, nd) < 0)
		return -EIO;
	ikev2_msg_build_notify(b, 0, NULL, 0, IKEV2_N_NAT_DETECTION_DESTINATION_IP, nd, sizeof(nd));
	return 0;
}

/*
 * The peer's NAT-D notifies of @m: a source hash other than that of @r
 * means the peer is behind a NAT, a destination hash other than that of
 * @l that we are.  No notifies: the peer does no NAT-T, nothing detected.
 */
static void
natd_check(const struct ikev2_msg *m, uint64_t spi_i, uint64_t spi_r, const struct ike_addr *l,
    const struct ike_addr *r, bool *nat_local, bool *nat_remote)
{
	uint8_t nd[V2_NATD_LEN];
	const struct ikev2_notification *n;
	unsigned int i;
	bool any = false, match = false;

	*nat_local = *nat_remote = false;
	if (natd(spi_i, spi_r, r, nd) < 0)
		return;
	for (i = 0; i < m->n_notifies; i++) {
		n = &m->notifies[i];
		if (n->type != IKEV2_N_NAT_DETECTION_SOURCE_IP)
			continue;
		any = true;
		if (n->data_len == V2_NATD_LEN && memcmp(n->data, nd, V2_NATD_LEN) == 0)
			match = true;
	}
	if (!any)
		return;
	*nat_remote = !match;
	n = ikev2_msg_notify_find(m, IKEV2_N_NAT_DETECTION_DESTINATION_IP);
	if (n != NULL && natd(spi_i, spi_r, l, nd) == 0)
		*nat_local = n->data_len != V2_NATD_LEN || memcmp(n->data, nd, V2_NATD_LEN) != 0;
}

/* An unprotected error answer to an IKE_SA_INIT request (no state kept). */
static void
init_error(struct ikev2 *e, const struct ike_addr *l, const struct ike_addr *r, uint64_t ispi,
    uint16_t type, const uint8_t *data, size_t len)
{
	struct ike_buf b;
	int n;

	ike_payload_buf_init(&b, e->obuf, sizeof(e->obuf));
	ikev2_msg_build_hdr(&b, ispi, 0, IKEV2_EXCH_IKE_SA_INIT, IKEV2_FLAG_R, 0);
	ikev2_msg_build_notify(&b, 0, NULL, 0, type, data, len);
	n = ikev2_msg_build_finish(&b);
	if (n < 0)
		return;
	V2_INC(e, notifies_sent);
	ikev2_sm_send_raw(e, l, r, e->obuf, (size_t)n);
}

/*
 * g^ir of @s's DH and the peer's KE data into @gir (IKE_CRYPTO_DH_MAX):
 * its length, or -EINVAL when the peer's value is no public value of the
 * group (RFC 6989 §2, RFC 8031 §2.3: refused before any state changes),
 * -errno.  The DH stays for a genuine message.
 */
static int
dh_gir(struct v2_sa *s, const struct ikev2_ke *ke, uint8_t *gir)
{
	return ike_crypto_dh_shared(s->dh, ke->data, ke->len, gir, IKE_CRYPTO_DH_MAX);
}

/* SKEYSEED and the seven keys from g^ir (@gl bytes, wiped) and nonces; SK keys per direction. */
static int
keys_derive(struct v2_sa *s, uint8_t *gir, int gl)
{
	uint8_t seed[IKE_CRYPTO_PRF_MAX], si[8], sr[8];
	const struct ikev2_prop_ike *p = &s->prop;
	int sl, il, el, rc = -EIO;

	if (gl < 0)
		goto out;
	sl = ike_crypto_v2_skeyseed(p->prf, s->ni, s->ni_len, s->nr, s->nr_len, gir, (size_t)gl,
	    seed, sizeof(seed));
	il = p->integ != 0 ? ike_crypto_integ_key_len(p->integ) : 0;
	el = ike_crypto_encr_key_len(p->encr, p->encr_bits);
	if (sl < 0 || il < 0 || el < 0)
		goto out;
	put64(si, s->sa.spi_i);
	put64(sr, s->sa.spi_r);
	if (ike_crypto_v2_keys_derive(p->prf, seed, (size_t)sl, s->ni, s->ni_len, s->nr, s->nr_len,
	        si, sr, (size_t)il, (size_t)el, &s->keys) < 0)
		goto out;
	if (s->sa.initiator) {
		rc = ikev2_crypt_keys_init(&s->kout, p->encr, p->integ, s->keys.sk_ei,
		    s->keys.encr_len, s->keys.sk_ai, s->keys.integ_len);
		if (rc == 0)
			rc = ikev2_crypt_keys_init(&s->kin, p->encr, p->integ, s->keys.sk_er,
			    s->keys.encr_len, s->keys.sk_ar, s->keys.integ_len);
	} else {
		rc = ikev2_crypt_keys_init(&s->kin, p->encr, p->integ, s->keys.sk_ei,
		    s->keys.encr_len, s->keys.sk_ai, s->keys.integ_len);
		if (rc == 0)
			rc = ikev2_crypt_keys_init(&s->kout, p->encr, p->integ, s->keys.sk_er,
			    s->keys.encr_len, s->keys.sk_ar, s->keys.integ_len);
	}
	s->have_keys = rc == 0;
out:
	ike_crypto_dh_destroy(s->dh);
	s->dh = NULL;
	explicit_bzero(gir, IKE_CRYPTO_DH_MAX);
	explicit_bzero(seed, sizeof(seed));
	return rc;
}

int
ikev2_sm_protect(struct ikev2 *e, struct v2_sa *s, struct ike_buf *ib, uint8_t exch, bool response,
    uint32_t msgid)
{
	struct ike_buf b;
	int n;

	if (ike_payload_buf_finish(ib) != 0)
		return -EINVAL;
	ike_payload_buf_init(&b, e->obuf, sizeof(e->obuf));
	ikev2_msg_build_hdr(&b, s->sa.spi_i, s->sa.spi_r, exch,
	    (uint8_t)((s->sa.initiator ? IKEV2_FLAG_I : 0) | (response ? IKEV2_FLAG_R : 0)), msgid);
	n = ikev2_crypt_protect(&s->kout, &b, ib->first, e->ibuf, ib->len);
	/* RFC 7383: too big for one datagram, it goes as fragments (back to back in e->obuf). */
	if (n > 0 && ikev2_frag_wanted(e, s, (size_t)n))
		n = ikev2_frag_protect(e, s, ib->first, e->ibuf, ib->len, (size_t)n);
	return n;
}

int
ikev2_sm_request(struct ikev2 *e, struct v2_sa *s, struct ike_buf *ib, uint8_t exch, uint64_t now)
{
	int n;

	if (s->req_busy)
		return -EBUSY;
	n = ikev2_sm_protect(e, s, ib, exch, false, s->msgid_next);
	if (n < 0)
		return n;
	s->msgid_next++;
	ikev2_sm_request_send(e, s, exch, (size_t)n, now);
	return 0;
}

int
ikev2_sm_reply(struct ikev2 *e, struct v2_sa *s, struct ike_buf *ib, uint8_t exch, uint32_t msgid,
    const uint8_t *in, size_t in_len)
{
	int n = ikev2_sm_protect(e, s, ib, exch, true, msgid);

	if (n < 0)
		return n;
	ikev2_sm_reply_send(e, s, in, in_len, (size_t)n);
	return 0;
}

void
ikev2_sm_answer_notify(struct ikev2 *e, struct v2_sa *s, const uint8_t *in, size_t in_len,
    uint8_t exch, uint32_t msgid, uint16_t type)
{
	struct ike_buf ib;
	uint8_t pl = e->m.error_payload;
	int n;

	ike_payload_buf_init(&ib, e->ibuf, sizeof(e->ibuf));
	/* UNSUPPORTED_CRITICAL_PAYLOAD names the payload type refused (RFC 7296 §3.10.1). */
	if (type == IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD)
		ikev2_msg_build_notify(&ib, 0, NULL, 0, type, &pl, 1);
	else if (type != IKEV2_N_NONE)
		ikev2_msg_build_notify(&ib, 0, NULL, 0, type, NULL, 0);
	n = ikev2_sm_protect(e, s, &ib, exch, true, msgid);
	if (n < 0)
		return;
	if (type != IKEV2_N_NONE)
		V2_INC(e, notifies_sent);
	ikev2_sm_reply_send(e, s, in, in_len, (size_t)n);
}

/* The PSK for our identity @me and the peer's (@peer, NULL: as configured). */
static const struct config_secret *
psk_find(const struct ikev2 *e, const struct config_connection *c, const struct v2_sa *s,
    const struct ike_id *me, const struct ike_id *peer)
{
	enum config_id_type lt, rt;
	char lid[IKE_ID_DATA_MAX], rid[IKE_ID_DATA_MAX];
	uint8_t la[16] = { 0 }, ra[16] = { 0 };

	if (ike_id_text(me, &lt, lid, sizeof(lid), la) < 0)
		return NULL;
	if (peer == NULL) {
		const char *id;
		const uint8_t *a;

		ike_id_lookup_key(&c->remote, &s->sa.remote.a, &rt, &id, &a, rid, sizeof(rid));
		if (id != rid)
			snprintf(rid, sizeof(rid), "%s", id);
		memcpy(ra, a, 16);
	} else if (ike_id_text(peer, &rt, rid, sizeof(rid), ra) < 0) {
		return NULL;
	}
	return ike_id_psk_find(e->cfg, lt, lid, la, rt, rid, ra);
}

/* The credentials of @s's connection. */
static const struct v2_creds *
creds_of(const struct ikev2 *e, const struct v2_sa *s)
{
	return &e->creds[s->sa.connection];
}

/* Our identity: the configured one, or our certificate's subject, or our address. */
static int
own_id(const struct ikev2 *e, const struct v2_sa *s, struct ike_id *me)
{
	const struct config_connection *c = v2_conn(e, s);

	return ike_id_local(&c->local, &s->sa.local.a,
	    c->local.auth == CONFIG_AUTH_PUBKEY ? creds_of(e, s)->cred : NULL, me);
}

/*
 * RFC 7427 for connection @c: the engine's switch and the connection's
 * signature_authentication both on.  The responder asks the connection
 * its addresses select in IKE_SA_INIT (the identities come later).
 */
static bool
sig_hashes_on(const struct ikev2 *e, const struct config_connection *c)
{
	return e->sig_hashes && c->signature_authentication;
}

/* The peer's SIGNATURE_HASH_ALGORITHMS notify in e->m (RFC 7427 §4), when we use them. */
static void
hashes_take(struct ikev2 *e, struct v2_sa *s)
{
	const struct ikev2_notification *n;
	int k;

	s->n_hashes = 0;
	n = sig_hashes_on(e, v2_conn(e, s)) ?
	    ikev2_msg_notify_find(&e->m, IKEV2_N_SIGNATURE_HASH_ALGORITHMS) :
	    NULL;
	if (n == NULL)
		return;
	k = ikev2_auth_hashes_parse(n->data, n->data_len, s->hashes, IKEV2_AUTH_HASHES_MAX);
	if (k > 0)
		s->n_hashes = (unsigned int)k;
}

/* A CERTREQ naming the CAs we trust for the peer, when it authenticates with certificates. */
static void
certreq_build(const struct ikev2 *e, const struct v2_sa *s, struct ike_buf *b)
{
	const struct config_connection *c = v2_conn(e, s);
	const struct v2_creds *cr = creds_of(e, s);
	uint8_t ids[V2_CERTREQ_CAS * IKE_CRYPTO_KEYID_LEN];
	unsigned int i;
	size_t n = 0;

	if (c->remote.auth != CONFIG_AUTH_PUBKEY || !c->send_certreq || cr->trust == NULL)
		return;
	for (i = 0; i < V2_CERTREQ_CAS &&
	     ike_crypto_trust_ca_keyid(cr->trust, i, ids + n, sizeof(ids) - n) > 0;
	     i++)
		n += IKE_CRYPTO_KEYID_LEN;
	if (n > 0)
		ikev2_msg_build_cert(b, IKEV2_PL_CERTREQ, IKEV2_CERT_X509_SIG, ids, n);
}

/* Our CERT payloads (X.509 signature: ours, then the intermediates) when we sign. */
static void
certs_build(const struct ikev2 *e, const struct v2_sa *s, struct ike_buf *b)
{
	const struct v2_creds *cr = creds_of(e, s);
	const uint8_t *der;
	size_t len;
	unsigned int i;

	if (v2_conn(e, s)->local.auth != CONFIG_AUTH_PUBKEY || cr->cred == NULL)
		return;
	for (i = 0; ike_crypto_cred_cert(cr->cred, i, &der, &len) > 0; i++)
		ikev2_msg_build_cert(b, IKEV2_PL_CERT, IKEV2_CERT_X509_SIG, der, len);
}

/* The octets an end signs (§2.15): ours (@ours) or the peer's, with ID payload body @id. */
static struct ikev2_auth_octets
octets_of(const struct v2_sa *s, bool ours, const uint8_t *id, size_t id_len)
{
	bool i = s->sa.initiator == ours; /* the initiator's octets */

	return (struct ikev2_auth_octets){ .msg = i ? s->init_i : s->init_r,
		.msg_len = i ? s->init_i_len : s->init_r_len,
		.nonce = i ? s->nr : s->ni,
		.nonce_len = i ? s->nr_len : s->ni_len,
		.id = id,
		.id_len = id_len,
		.prf = s->prop.prf,
		.sk_p = i ? s->keys.sk_pi : s->keys.sk_pr,
		.sk_p_len = s->keys.prf_len };
}

/*
 * Our AUTH data into e->abuf over our IKE_SA_INIT message, the peer's
 * nonce and our ID body: PSK, or a signature with our key (method 14
 * when the peer announced hashes, else the key's own).  The length with
 * *@method set, or -errno.
 */
static int
auth_build(struct ikev2 *e, struct v2_sa *s, const struct ike_id *me, const struct ike_id *peer,
    uint8_t *method)
{
	const struct config_connection *c = v2_conn(e, s);
	const struct ike_crypto_cred *cred = creds_of(e, s)->cred;
	const struct config_secret *sec;
	uint8_t body[4 + IKE_ID_DATA_MAX];
	struct ikev2_auth_octets o;
	uint16_t hash = 0;

	body[0] = me->type;
	body[1] = body[2] = body[3] = 0;
	memcpy(body + 4, me->data, me->len);
	o = octets_of(s, true, body, 4 + me->len);
	if (c->local.auth == CONFIG_AUTH_PUBKEY) {
		if (cred == NULL)
			return -ENOKEY;
		*method =
		    ikev2_auth_sig_choose(ike_crypto_cred_sig(cred), s->hashes, s->n_hashes, &hash);
		if (*method == 0)
			return -ENOTSUP;
		return ikev2_auth_sig_build(cred, *method, hash, &o, e->abuf, sizeof(e->abuf));
	}
	sec = psk_find(e, c, s, me, peer);
	if (sec == NULL)
		return -ENOENT;
	*method = IKEV2_AUTH_PSK;
	return ikev2_auth_psk_build(&o, sec->secret, sec->secret_len, e->abuf, sizeof(e->abuf));
}

/*
 * Signature authentication of the peer (RFC 7296 §2.15, RFC 7427): its
 * X.509 CERTs chain to the remote end's cacerts (validity, CRLs), the end
 * entity holds @peer (subject or subjectAltName) and its key made the AUTH
 * in e->m over @o.  0, or -EACCES with *@why.
 */
static int
sig_verify(struct ikev2 *e, const struct v2_sa *s, const struct ike_id *peer,
    const struct ikev2_auth_octets *o, const char **why)
{
	const struct v2_creds *cr = creds_of(e, s);
	struct ike_crypto_chunk chain[IKE_CRYPTO_CERTS_MAX];
	struct ike_crypto_cert *cert = NULL;
	enum ike_crypto_cert_err err = IKE_CRYPTO_CERT_OK;
	unsigned int i;
	size_t n = 0;
	int idt, rc;

	switch (e->m.auth.method) {
	case IKEV2_AUTH_RSA_SIG:
	case IKEV2_AUTH_ECDSA_256:
	case IKEV2_AUTH_ECDSA_384:
	case IKEV2_AUTH_ECDSA_521:
	case IKEV2_AUTH_DIGITAL_SIG:
		break;
	default:
		*why = "auth method is not a signature (remote auth is pubkey)";
		return -EACCES;
	}
	if (cr->trust == NULL) {
		*why = "no trust anchors loaded";
		return -EACCES;
	}
	for (i = 0; i < e->m.n_certs && n < IKE_CRYPTO_CERTS_MAX; i++) {
		if (e->m.certs[i].encoding != IKEV2_CERT_X509_SIG)
			continue;
		chain[n].ptr = e->m.certs[i].data;
		chain[n].len = e->m.certs[i].len;
		n++;
	}
	if (n == 0) {
		*why = "no X.509 certificate";
		return -EACCES;
	}
	if (ike_crypto_trust_verify(cr->trust, chain, n, 0, &cert, &err) != 0) {
		*why = err == IKE_CRYPTO_CERT_UNKNOWN_CA ? "untrusted: no chain to our CAs" :
		                                           ike_crypto_cert_err_name(err);
		return -EACCES;
	}
	idt = ike_id_cert_type(peer->type);
	if (idt < 0 ||
	    ike_crypto_cert_has_id(cert, (enum ike_crypto_id)idt, peer->data, peer->len) != 0) {
		*why = "identity mismatch: the ID is not in the certificate";
		rc = -EACCES;
		goto out;
	}
	rc = ikev2_auth_sig_verify(cert, e->m.auth.method, e->m.auth.data, e->m.auth.len, o, NULL);
	if (rc == -EBADMSG)
		*why = "bad signature";
	else if (rc != 0)
		*why = "signature method or algorithm does not fit the certificate";
out:
	ike_crypto_cert_destroy(cert);
	return rc == 0 ? 0 : -EACCES;
}

/*
 * The peer's ID and AUTH in e->m: the ID fits the remote end, AUTH
 * verifies as the remote end's auth says (PSK, or certificate and
 * signature).  0, or -EACCES with the reason logged.
 */
static int
auth_verify(struct ikev2 *e, struct v2_sa *s, const struct ike_id *me, struct ike_id *peer)
{
	const struct config_connection *c = v2_conn(e, s);
	const struct ikev2_id *id = s->sa.initiator ? &e->m.idr : &e->m.idi;
	const struct config_secret *sec;
	struct ikev2_auth_octets o = octets_of(s, false, id->body, id->body_len);
	enum config_id_type t;
	const char *why = NULL;
	char text[CONFIG_ID_MAX];
	uint8_t addr[16];

	if (ike_id_parse(id->type, id->data, id->len, peer) != 0) {
		snprintf(text, sizeof(text), "(ID type %u)", id->type);
		why = "identity does not parse";
	} else {
		if (ike_id_text(peer, &t, text, sizeof(text), addr) != 0)
			snprintf(text, sizeof(text), "(ID type %u)", id->type);
		if (!ike_id_match(&c->remote, peer))
			why = "identity mismatch: not the remote id";
	}
	if (why == NULL && c->remote.auth == CONFIG_AUTH_PUBKEY) {
		(void)sig_verify(e, s, peer, &o, &why);
	} else if (why == NULL) {
		sec = e->m.auth.method == IKEV2_AUTH_PSK ? psk_find(e, c, s, me, peer) : NULL;
		if (e->m.auth.method != IKEV2_AUTH_PSK)
			why = "auth method is not PSK (remote auth is psk)";
		else if (sec == NULL)
			why = "no PSK for the peer";
		else if (ikev2_auth_psk_verify(&o, sec->secret, sec->secret_len, e->m.auth.data,
		             e->m.auth.len) != 0)
			why = "PSK AUTH does not verify";
	}
	if (why == NULL) {
		log_debug(LOG_FAC_IKE,
		    "%s: IKE SA %016" PRIx64 "_i %016" PRIx64
		    "_r of %s: peer %s authenticated (auth method %u)",
		    __func__, s->sa.spi_i, s->sa.spi_r, c->name, text, e->m.auth.method);
		return 0;
	}
	log_warn(LOG_FAC_IKE,
	    "%s: IKE SA %016" PRIx64 "_i %016" PRIx64
	    "_r of %s: authentication of peer %s failed: %s",
	    __func__, s->sa.spi_i, s->sa.spi_r, c->name, text, why);
	return -EACCES;
}

/* ---- Child SA ---- */

/* KEYMAT (RFC 7296 §2.17): initiator-to-responder keys first, each encryption then integrity. */
int
ikev2_sm_child_keys(struct v2_sa *s, const struct alg_proposal *a,
    const struct v2_keymat_seed *seed, struct ike_child_sa *c)
{
	const struct v2_keymat_seed own = { NULL, 0, s->ni, s->nr, s->ni_len, s->nr_len };
	uint8_t km[2 * (CONFIG_ENC_KEY_MAX + CONFIG_INTEG_KEY_MAX)];
	size_t enc = (size_t)a->cipher_key_len + a->salt_len, integ = a->aead ? 0 : a->auth_key_len;
	struct ike_child_keys *ir = s->sa.initiator ? &c->out : &c->in;
	struct ike_child_keys *ri = s->sa.initiator ? &c->in : &c->out;
	int rc;

	if (enc > CONFIG_ENC_KEY_MAX || integ > CONFIG_INTEG_KEY_MAX || enc + integ == 0)
		return -EINVAL;
	if (seed == NULL)
		seed = &own;
	rc = ike_crypto_v2_child_keymat(s->prop.prf, s->keys.sk_d, s->keys.prf_len, seed->gir,
	    seed->gir_len, seed->ni, seed->ni_len, seed->nr, seed->nr_len, km, 2 * (enc + integ));
	if (rc >= 0) {
		memcpy(ir->enc, km, enc);
		memcpy(ir->integ, km + enc, integ);
		memcpy(ri->enc, km + enc + integ, enc);
		memcpy(ri->integ, km + 2 * enc + integ, integ);
		ir->enc_len = ri->enc_len = (uint8_t)enc;
		ir->integ_len = ri->integ_len = (uint8_t)integ;
		rc = 0;
	}
	explicit_bzero(km, sizeof(km));
	return rc;
}

static bool
endpoint_eq(const struct config_addr *a, uint16_t port, const struct ike_addr *b)
{
	return port == b->port && ike_sa_addr_eq(a, &b->a);
}

/*
 * RFC 7296 §2.23: with a NAT between us, the IKE SA and its Child SAs' UDP
 * encapsulation go where the peer's last authenticated message came from
 * (its NAT may have given it a new mapping).  A child the installer could
 * not move is tried again at the next message.
 */
static void
peer_follow(struct ikev2 *e, struct v2_sa *s, const struct ike_addr *l, const struct ike_addr *r)
{
	char from[INET6_ADDRSTRLEN], to[INET6_ADDRSTRLEN];
	struct ike_child_sa *c;
	struct ike_child_sa moved;
	unsigned int i;

	/* Not the float to port 4500 in IKE_AUTH: a move of an established SA. */
	if (s->sa.state == IKE_SA_STATE_ESTABLISHED &&
	    !endpoint_eq(&r->a, r->port, &s->sa.remote)) {
		config_addr_format(&s->sa.remote.a, from, sizeof(from));
		config_addr_format(&r->a, to, sizeof(to));
		log_info(LOG_FAC_IKE,
		    "%s: IKE SA %016" PRIx64 "_i %016" PRIx64
		    "_r: the peer moved from %s:%u to %s:%u",
		    __func__, s->sa.spi_i, s->sa.spi_r, from, s->sa.remote.port, to, r->port);
	}
	s->sa.local = *l;
	s->sa.remote = *r;
	for (i = 0; i < s->n_children; i++) {
		c = &s->children[i]->c;
		if (!c->encap ||
		    (endpoint_eq(&c->remote, c->remote_port, &s->sa.remote) &&
		        endpoint_eq(&c->local, c->local_port, &s->sa.local)))
			continue;
		if (c->remote.family != s->sa.remote.a.family)
			continue; /* a NAT64 is not a NAT-T port change */
		moved = *c;
		moved.local = s->sa.local.a;
		moved.remote = s->sa.remote.a;
		moved.local_port = s->sa.local.port;
		moved.remote_port = s->sa.remote.port;
		if (e->ops->child_remap != NULL && e->ops->child_remap(e->ops->ctx, &moved) != 0) {
			ikev2_sm_dbg(s, __func__, "Child SA not moved to the peer's new endpoint");
			continue;
		}
		*c = moved;
	}
}

/*
 * Build the Child SA of @child negotiated on @s in e->cbuf: proposal @p
 * (the peer's SPI), our @spi_in, the narrowed selectors, the child's
 * lifetimes and its keys from @seed in the IKE SA's roles, with room
 * for its entry reserved in s->children.  0, or -1 (counted as
 * child_failed, logged; e->cbuf wiped).
 */
int
ikev2_sm_child_fill(struct ikev2 *e, struct v2_sa *s, unsigned int child,
    const struct ikev2_prop_esp *p, uint32_t spi_in, bool transport,
    const struct ikev2_ts_payload *tsl, const struct ikev2_ts_payload *tsr,
    const struct v2_keymat_seed *seed)
{
	const struct config_child *ch = &e->cfg->children[child];
	struct ike_child_sa *c = &e->cbuf;
	int nl, nr;

	memset(c, 0, sizeof(*c));
	c->child = child;
	c->ike_sa = s->sa.id;
	c->ike_version = 2;
	c->proto = ALG_PROTO_ESP;
	c->mode = transport ? CONFIG_MODE_TRANSPORT : CONFIG_MODE_TUNNEL;
	c->alg = p->alg;
	c->esn = p->esn;
	c->spi_in = spi_in;
	c->spi_out = ike_get32(p->spi);
	c->local = s->sa.local.a;
	c->remote = s->sa.remote.a;
	c->encap = s->nat_local || s->nat_remote;
	if (c->encap) {
		c->local_port = s->sa.local.port;
		c->remote_port = s->sa.remote.port;
	}
	nl = ikev2_prop_ts_install(tsl, c->local_ts, CONFIG_TS_MAX);
	nr = ikev2_prop_ts_install(tsr, c->remote_ts, CONFIG_TS_MAX);
	c->lifetime.hard_bytes = ch->life_bytes;
	c->lifetime.soft_bytes = ch->rekey_bytes;
	c->lifetime.hard_packets = ch->life_packets;
	c->lifetime.soft_packets = ch->rekey_packets;
	c->replay_window = ch->replay_window;
	if (nl <= 0 || nr <= 0 || ikev2_sm_child_reserve(s) != 0 ||
	    ikev2_sm_child_keys(s, &p->alg, seed, c) != 0) {
		V2_INC(e, child_failed);
		ikev2_sm_dbg(s, __func__, "Child SA cannot be installed");
		ike_child_sa_wipe(c);
		return -1;
	}
	c->n_local_ts = (unsigned int)nl;
	c->n_remote_ts = (unsigned int)nr;
	return 0;
}

/* The Child SA is built in e->cbuf (keys in it, wiped after). */
struct v2_child *
ikev2_sm_child_install(struct ikev2 *e, struct v2_sa *s, unsigned int child,
    const struct ikev2_prop_esp *p, uint32_t spi_in, bool transport,
    const struct ikev2_ts_payload *tsl, const struct ikev2_ts_payload *tsr,
    const struct v2_keymat_seed *seed, uint64_t now)
{
	const struct config_child *ch = &e->cfg->children[child];
	struct ike_child_sa *c = &e->cbuf;
	struct v2_child *v = NULL;

	if (ikev2_sm_child_fill(e, s, child, p, spi_in, transport, tsl, tsr, seed) != 0)
		return NULL;
	/* Before child_up: an installed SA never lacks its entry. */
	v = calloc(1, sizeof(*v));
	if (v == NULL) {
		V2_INC(e, child_failed);
		goto out;
	}
	if (e->ops->child_up(e->ops->ctx, c) != 0) {
		V2_INC(e, child_up_failed);
		free(v);
		v = NULL;
		goto out;
	}
	ike_child_sa_wipe(c);
	v->c = *c;
	s->children[s->n_children++] = v; /* the room ikev2_sm_child_fill() reserved */
	v->installed_ns = now;
	V2_INC(e, child_done);
	V2_INC(e, children);
	/* The catalog's Phase-2 done record (ikev2_sm_log_child_done) is what operators read. */
	log_debug(LOG_FAC_IKE, "%s: Child SA %s up: SPIs %08" PRIx32 "_i %08" PRIx32 "_o, %s",
	    __func__, ch->name, c->spi_in, c->spi_out, p->alg.name);
	ikev2_sm_log_child_done(e, s, c, s->sa.initiator);
out:
	ike_child_sa_wipe(c);
	return v;
}

void
ikev2_sm_child_remove(struct ikev2 *e, struct v2_sa *s, unsigned int i)
{
	struct v2_child *v;

	if (i >= s->n_children)
		return;
	v = s->children[i];
	if (e->ops->child_down != NULL)
		e->ops->child_down(e->ops->ctx, &v->c);
	V2_DEC(e, children);
	s->n_children--;
	memmove(&s->children[i], &s->children[i + 1], (s->n_children - i) * sizeof(s->children[0]));
	free(v); /* its keys were wiped when it was installed */
}

int
ikev2_sm_child_reserve(struct v2_sa *s)
{
	struct v2_child **p;
	unsigned int cap;

	if (s->n_children < s->children_cap)
		return 0;
	if (s->children_cap >= V2_CHILDREN_MAX)
		return -ENOSPC;
	/* Two to start: most IKE SAs hold one pair, and its rekey a second for a moment. */
	cap = s->children_cap == 0 ? 2 : 2 * s->children_cap;
	if (cap > V2_CHILDREN_MAX)
		cap = V2_CHILDREN_MAX;
	p = realloc(s->children, cap * sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	s->children = p;
	s->children_cap = cap;
	return 0;
}

int
ikev2_sm_child_find(const struct v2_sa *s, uint32_t spi, bool inbound)
{
	unsigned int i;

	for (i = 0; i < s->n_children; i++) {
		if ((inbound ? s->children[i]->c.spi_in : s->children[i]->c.spi_out) == spi)
			return (int)i;
	}
	return -1;
}

struct v2_sa *
ikev2_sm_sa_of_child(struct ikev2 *e, uint32_t spi, bool inbound, unsigned int *idx)
{
	struct ike_sa *it;
	int i;

	for (it = e->t.head; it != NULL; it = it->next) {
		if (it->version != 2)
			continue;
		i = ikev2_sm_child_find((struct v2_sa *)it, spi, inbound);
		if (i >= 0) {
			*idx = (unsigned int)i;
			return (struct v2_sa *)it;
		}
	}
	return NULL;
}

/* Move @s to port 4500 when a NAT is between us (RFC 7296 §2.23) or encapsulation is forced. */
static void
nat_float(struct ikev2 *e, struct v2_sa *s)
{
	if (s->nat_local || s->nat_remote) {
		V2_INC(e, nat_detected);
		s->sa.local.port = IKE_PORT_NATT;
		s->sa.remote.port = IKE_PORT_NATT;
	}
}

/* ---- initiator ---- */

static int
init_send(struct ikev2 *e, struct v2_sa *s, uint64_t now)
{
	const struct config_connection *c = v2_conn(e, s);
	uint8_t ke[IKE_CRYPTO_DH_MAX], hashes[V2_HASHES_NLEN];
	struct ikev2_sa_payload *offer;
	struct ike_buf b;
	int kl, hl, n;

	ike_crypto_dh_destroy(s->dh);
	s->dh = ike_crypto_dh_create(s->group);
	kl = s->dh != NULL ? ike_crypto_dh_public(s->dh, ke, sizeof(ke)) : -EIO;
	/* A retry (INVALID_KE_PAYLOAD) keeps Ni: a cookie bound to it stays good (RFC 7296 §2.6.1). */
	if (kl < 0 || (s->ni_len == 0 && ike_crypto_random(s->ni, V2_NONCE_LEN) < 0))
		return -EIO;
	s->ni_len = V2_NONCE_LEN;
	offer = &e->sa_out;
	if (ikev2_prop_ike_offer(c, NULL, 0, offer) <= 0)
		return -EINVAL;
	ike_payload_buf_init(&b, e->obuf, sizeof(e->obuf));
	ikev2_msg_build_hdr(&b, s->sa.spi_i, 0, IKEV2_EXCH_IKE_SA_INIT, IKEV2_FLAG_I, 0);
	ikev2_cookie_build(&b, s);
	ikev2_msg_build_sa(&b, offer);
	ikev2_msg_build_ke(&b, s->group, ke, (size_t)kl);
	ikev2_msg_build_nonce(&b, s->ni, s->ni_len);
	if (natd_build(c, &b, s->sa.spi_i, 0, &s->sa.local, &s->sa.remote) < 0)
		return -EIO;
	hl = sig_hashes_on(e, c) ? ikev2_auth_hashes_build(hashes, sizeof(hashes)) : 0;
	if (hl > 0)
		ikev2_msg_build_notify(&b, 0, NULL, 0, IKEV2_N_SIGNATURE_HASH_ALGORITHMS, hashes,
		    (size_t)hl);
	if (c->fragmentation != CONFIG_FRAG_NO)
		ikev2_msg_build_notify(&b, 0, NULL, 0, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED, NULL,
		    0);
	n = ikev2_msg_build_finish(&b);
	if (n < 0)
		return n;
	free(s->init_i);
	s->init_i = ikev2_sm_dup(e->obuf, (size_t)n);
	if (s->init_i == NULL)
		return -ENOMEM;
	s->init_i_len = (size_t)n;
	s->msgid_next = 1;
	ikev2_sm_request_send(e, s, IKEV2_EXCH_IKE_SA_INIT, (size_t)n, now);
	return 0;
}

static int
auth_send(struct ikev2 *e, struct v2_sa *s, uint64_t now)
{
	const struct config_child *ch = &e->cfg->children[s->child];
	static struct ike_id me, you; /* 1 KB each: control core only, one call at a time */
	struct ikev2_sa_payload *offer = &e->sa_out;
	struct ike_buf ib;
	uint8_t method = 0;
	int al, n;

	if (own_id(e, s, &me) != 0)
		return -EINVAL;
	al = auth_build(e, s, &me, NULL, &method);
	if (al < 0)
		return al;
	if (ike_crypto_random(s->spi_in, 4) < 0)
		return -EIO;
	s->spi_in[0] |= 0xc0; /* never a reserved SPI (RFC 4303 §2.1) */
	if (ikev2_prop_esp_offer(ch, s->spi_in, false, offer) <= 0 ||
	    ikev2_prop_ts_offer(ch->local_ts, ch->n_local_ts, &s->sa.local.a, NULL, &s->tsi) < 0 ||
	    ikev2_prop_ts_offer(ch->remote_ts, ch->n_remote_ts, &s->sa.remote.a, NULL, &s->tsr) < 0)
		return -EINVAL;
	ike_payload_buf_init(&ib, e->ibuf, sizeof(e->ibuf));
	ikev2_msg_build_id(&ib, IKEV2_PL_IDI, me.type, me.data, me.len);
	certs_build(e, s, &ib);
	certreq_build(e, s, &ib);
	/* §1.2, §3.5: IDr names the responder's identity we want, when the remote id is one */
	if (ike_id_remote(&v2_conn(e, s)->remote, &you) == 0)
		ikev2_msg_build_id(&ib, IKEV2_PL_IDR, you.type, you.data, you.len);
	ikev2_msg_build_auth(&ib, method, e->abuf, (size_t)al);
	ikev2_info_initial_contact_build(e, s, &ib);
	if (ch->mode == CONFIG_MODE_TRANSPORT)
		ikev2_msg_build_notify(&ib, 0, NULL, 0, IKEV2_N_USE_TRANSPORT_MODE, NULL, 0);
	ikev2_msg_build_sa(&ib, offer);
	ikev2_msg_build_ts(&ib, IKEV2_PL_TSI, &s->tsi);
	ikev2_msg_build_ts(&ib, IKEV2_PL_TSR, &s->tsr);
	explicit_bzero(e->abuf, sizeof(e->abuf));
	n = ikev2_sm_protect(e, s, &ib, IKEV2_EXCH_IKE_AUTH, false, s->msgid_next);
	if (n < 0)
		return n;
	s->msgid_next++;
	ikev2_sm_request_send(e, s, IKEV2_EXCH_IKE_AUTH, (size_t)n, now);
	return 0;
}

/* The IKE_SA_INIT response in e->m for our SA @s. */
static void
init_response(struct ikev2 *e, struct v2_sa *s, uint64_t now)
{
	const struct config_connection *c = v2_conn(e, s);
	const struct ikev2_notification *nt;
	uint8_t gir[IKE_CRYPTO_DH_MAX];
	const char *why = "";
	unsigned int i;
	int rc, gl;

	if (ikev2_cookie_response(e, s, now))
		return;
	nt = ikev2_msg_notify_find(&e->m, IKEV2_N_INVALID_KE_PAYLOAD);
	if (nt != NULL) {
		uint16_t g = nt->data_len == 2 ? ike_get16(nt->data) : 0;
		bool ours = false;

		for (i = 0; i < c->n_proposals; i++)
			ours = ours || c->proposals[i].dh == g;
		/* RFC 7296 §1.3: once, to a group we offered and did not use. */
		if (!ours || g == s->group || s->ke_retried) {
			ikev2_sm_sa_fail(e, s, now, "INVALID_KE_PAYLOAD we cannot follow");
			return;
		}
		s->ke_retried = true;
		s->group = g;
		V2_INC(e, invalid_ke_retries);
		if (init_send(e, s, now) != 0)
			ikev2_sm_sa_fail(e, s, now, "IKE_SA_INIT does not build");
		return;
	}
	for (i = 0; i < e->m.n_notifies; i++) {
		if (e->m.notifies[i].type > 0 && e->m.notifies[i].type < 16384) {
			ikev2_sm_sa_fail(e, s, now, ikev2_msg_notify_name(e->m.notifies[i].type));
			return;
		}
	}
	if (!e->m.has_sa || !e->m.has_ke || e->m.nonce.p == NULL ||
	    e->m.nonce.len < IKEV2_NONCE_MIN || e->m.nonce.len > IKEV2_NONCE_MAX ||
	    e->m.hdr.rspi == 0) {
		V2_INC(e, dropped[IKE_DROP_MALFORMED]);
		return;
	}
	if (ikev2_prop_ike_check(&e->m.sa, c, 0, &s->prop, &why) != IKEV2_N_NONE ||
	    s->prop.dh != s->group || e->m.ke.group != s->group) {
		V2_INC(e, dropped[IKE_DROP_NO_PROPOSAL]);
		ikev2_sm_sa_fail(e, s, now,
		    why[0] != '\0' ? why : "KE group is not the chosen one");
		return;
	}
	/* A KE that is no public value of the group: unauthenticated, so perhaps
	 * not the responder's; wait on for the genuine answer (§2.4). */
	gl = dh_gir(s, &e->m.ke, gir);
	if (gl == -EINVAL) {
		V2_INC(e, dropped[IKE_DROP_MALFORMED]);
		return;
	}
	s->req_busy = false;
	ike_sa_set_spi_r(&e->t, &s->sa, e->m.hdr.rspi);
	memcpy(s->nr, e->m.nonce.p, e->m.nonce.len);
	s->nr_len = e->m.nonce.len;
	s->peer_frag = ikev2_msg_notify_find(&e->m, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED) != NULL;
	hashes_take(e, s);
	natd_check(&e->m, s->sa.spi_i, s->sa.spi_r, &s->sa.local, &s->sa.remote, &s->nat_local,
	    &s->nat_remote);
	if (c->encap && ikev2_msg_notify_find(&e->m, IKEV2_N_NAT_DETECTION_SOURCE_IP) != NULL)
		s->nat_local = true;
	free(s->init_r);
	s->init_r = ikev2_sm_dup(e->m.raw, e->m.raw_len);
	s->init_r_len = e->m.raw_len;
	if (s->init_r == NULL)
		gl = -ENOMEM;
	if (keys_derive(s, gir, gl) != 0) {
		V2_INC(e, dropped[IKE_DROP_INTERNAL]);
		ikev2_sm_sa_fail(e, s, now, "key derivation");
		return;
	}
	nat_float(e, s);
	rc = auth_send(e, s, now);
	if (rc != 0)
		ikev2_sm_sa_fail(e, s, now, "IKE_AUTH does not build");
}

/* The IKE_AUTH response (decrypted into e->m) for our SA @s. */
static void
auth_response(struct ikev2 *e, struct v2_sa *s, uint64_t now)
{
	const struct config_connection *c = v2_conn(e, s);
	const struct config_child *ch = &e->cfg->children[s->child];
	static struct ike_id me, peer;
	struct ikev2_prop_esp esp;
	const char *why = "";
	unsigned int i;

	s->req_busy = false;
	if (!e->m.has_idr || !e->m.has_auth) {
		for (i = 0; i < e->m.n_notifies; i++) {
			if (e->m.notifies[i].type == IKEV2_N_AUTHENTICATION_FAILED)
				V2_INC(e, auth_failed);
		}
		ikev2_sm_sa_fail(e, s, now,
		    e->m.n_notifies > 0 ? ikev2_msg_notify_name(e->m.notifies[0].type) :
		                          "IDr or AUTH missing");
		return;
	}
	if (own_id(e, s, &me) != 0 || auth_verify(e, s, &me, &peer) != 0) {
		V2_INC(e, auth_failed);
		V2_INC(e, dropped[IKE_DROP_AUTH]);
		/* RFC 7296 §2.21.2: the responder learns it from an INFORMATIONAL */
		ikev2_info_auth_failed(e, s);
		ikev2_sm_sa_fail(e, s, now, "authentication of the responder failed");
		return;
	}
	ike_sa_set_state(&e->t, &s->sa, IKE_SA_STATE_ESTABLISHED, now);
	V2_INC(e, ike_done);
	/* The catalog's Phase-1 done record (log_ike_done) is what operators read. */
	log_debug(LOG_FAC_IKE, "%s: IKE SA %016" PRIx64 "_i %016" PRIx64 "_r of %s established",
	    __func__, s->sa.spi_i, s->sa.spi_r, c->name);
	log_ike_done(e, s, &peer);
	ikev2_sm_peer_key(e, s);
	ikev2_info_initial_contact(e, s, now);
	if (!e->m.has_sa || !e->m.has_tsi || !e->m.has_tsr) {
		V2_INC(e, child_failed);
		ikev2_sm_dbg(s, __func__, "no Child SA in the answer");
		return;
	}
	if (ikev2_prop_esp_check(&e->m.sa, ch, false, &esp, &why) != IKEV2_N_NONE ||
	    ikev2_prop_ts_check(&s->tsi, &e->m.tsi) != IKEV2_N_NONE ||
	    ikev2_prop_ts_check(&s->tsr, &e->m.tsr) != IKEV2_N_NONE) {
		V2_INC(e, child_failed);
		ikev2_sm_dbg(s, __func__, "the Child SA answer is not one we offered");
		return;
	}
	(void)ikev2_sm_child_install(e, s, s->child, &esp, ike_get32(s->spi_in),
	    ch->mode == CONFIG_MODE_TRANSPORT &&
	        ikev2_msg_notify_find(&e->m, IKEV2_N_USE_TRANSPORT_MODE) != NULL,
	    &e->m.tsi, &e->m.tsr, NULL, now);
}

int
ikev2_initiate(struct ikev2 *e, uint64_t now_ns, unsigned int child)
{
	const struct config_connection *c;
	struct v2_sa *s;
	struct ike_sa *it;
	int rc;

	if (child >= e->cfg->n_children)
		return -EINVAL;
	c = &e->cfg->connections[e->cfg->children[child].connection];
	if (c->version == 1 || c->n_proposals == 0 || c->n_local_addrs == 0 ||
	    !e->creds[e->cfg->children[child].connection].usable)
		return -EINVAL;
	if (c->n_remote_addrs == 0)
		return -EDESTADDRREQ;
	rc = 0;
	for (it = e->t.head; it != NULL; it = it->next) {
		if (it->version != 2 || it->connection != e->cfg->children[child].connection ||
		    it->state == IKE_SA_STATE_DELETING)
			continue;
		/* Up or under way: another child of it comes by CREATE_CHILD_SA. */
		if (!((struct v2_sa *)it)->rekeyed) {
			ikev2_child_want(e, (struct v2_sa *)it, child);
			return 0;
		}
		rc = 1;
	}
	if (rc != 0)
		return 0;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return -ENOMEM;
	if (ike_sa_new_spi(&e->t, &s->sa.spi_i) != 0) {
		free(s);
		return -EIO;
	}
	s->sa.version = 2;
	s->sa.state = IKE_SA_STATE_CONNECTING;
	s->sa.initiator = true;
	s->sa.connection = e->cfg->children[child].connection;
	s->sa.local = (struct ike_addr){ .a = c->local_addrs[0], .port = c->local_port };
	s->sa.remote = (struct ike_addr){ .a = c->remote_addrs[0], .port = c->remote_port };
	s->child = child;
	s->group = c->proposals[0].dh;
	ike_sa_insert(&e->t, &s->sa, now_ns);
	log_init_start(e, s, child);
	rc = init_send(e, s, now_ns);
	if (rc != 0)
		ikev2_sm_sa_fail(e, s, now_ns, "IKE_SA_INIT does not build");
	return rc;
}

/* ---- responder ---- */

static bool
addr_in(const struct config_addr *a, const struct config_addr *list, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (ike_sa_addr_eq(a, &list[i]))
			return true;
	}
	return false;
}

/* The IKEv2 connection for a peer at @r talking to @l, or -1. */
static int
conn_find(const struct ikev2 *e, const struct ike_addr *l, const struct ike_addr *r)
{
	const struct config_connection *c;
	unsigned int i;

	for (i = 0; i < e->cfg->n_connections; i++) {
		c = &e->cfg->connections[i];
		if (c->version == 1 || c->n_proposals == 0 || !e->creds[i].usable)
			continue;
		if (c->n_local_addrs > 0 && !addr_in(&l->a, c->local_addrs, c->n_local_addrs))
			continue;
		if (c->n_remote_addrs > 0 && !addr_in(&r->a, c->remote_addrs, c->n_remote_addrs))
			continue;
		return (int)i;
	}
	return -1;
}

/* An IKE_SA_INIT request in e->m. */
static void
init_request(struct ikev2 *e, uint64_t now, const struct ike_addr *l, const struct ike_addr *r)
{
	const struct config_connection *c;
	struct ike_sa *old;
	struct v2_sa *s;
	struct ikev2_prop_ike prop;
	struct ikev2_sa_payload *ans = &e->sa_out;
	uint8_t ke[IKE_CRYPTO_DH_MAX], gir[IKE_CRYPTO_DH_MAX], hashes[V2_HASHES_NLEN], g[2];
	uint16_t want = 0;
	const char *why = "";
	enum ikev2_notify rc;
	struct ike_buf b;
	int ci, kl, hl, n, gl;

	old = ike_sa_lookup_spi_i(&e->t, 2, e->m.hdr.ispi, &r->a, false);
	if (old != NULL && !old->initiator) {
		s = (struct v2_sa *)old;
		if (s->have_last && s->last_in_len == e->m.raw_len &&
		    memcmp(s->last_in, e->m.raw, e->m.raw_len) == 0) {
			V2_INC(e, dropped[IKE_DROP_RETRANSMIT]);
			V2_INC(e, replies_resent);
			ikev2_sm_send_raw(e, &s->sa.local, &s->sa.remote, s->last_out,
			    s->last_out_len);
		} else {
			V2_INC(e, dropped[IKE_DROP_STATE]);
		}
		return;
	}
	ci = conn_find(e, l, r);
	if (ci < 0) {
		V2_INC(e, dropped[IKE_DROP_NO_CONNECTION]);
		return;
	}
	c = &e->cfg->connections[ci];
	if (!ikev2_cookie_admit(e, now, l, r))
		return;
	if (ike_sa_half_open(&e->t) >= e->cfg->ike.half_open_max ||
	    ike_sa_half_open_from(&e->t, &r->a) >= e->cfg->ike.half_open_per_source) {
		V2_INC(e, dropped[IKE_DROP_HALF_OPEN]);
		return;
	}
	if (!e->m.has_sa || !e->m.has_ke || e->m.nonce.p == NULL ||
	    e->m.nonce.len < IKEV2_NONCE_MIN || e->m.nonce.len > IKEV2_NONCE_MAX) {
		V2_INC(e, dropped[IKE_DROP_MALFORMED]);
		init_error(e, l, r, e->m.hdr.ispi, IKEV2_N_INVALID_SYNTAX, NULL, 0);
		return;
	}
	rc = ikev2_prop_ike_select(&e->m.sa, c, false, 0, e->m.ke.group, &prop, &ans->p[0], &want,
	    &why);
	if (rc == IKEV2_N_INVALID_KE_PAYLOAD) {
		g[0] = (uint8_t)(want >> 8);
		g[1] = (uint8_t)want;
		V2_INC(e, invalid_ke_sent);
		init_error(e, l, r, e->m.hdr.ispi, IKEV2_N_INVALID_KE_PAYLOAD, g, 2);
		return;
	}
	if (rc != IKEV2_N_NONE) {
		log_debug(LOG_FAC_IKE, "%s: no proposal chosen for %s: %s", __func__, c->name, why);
		V2_INC(e, dropped[IKE_DROP_NO_PROPOSAL]);
		init_error(e, l, r, e->m.hdr.ispi, IKEV2_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return;
	}
	if (ike_crypto_dh_public_len(prop.dh) != (int)e->m.ke.len) {
		V2_INC(e, dropped[IKE_DROP_MALFORMED]);
		init_error(e, l, r, e->m.hdr.ispi, IKEV2_N_INVALID_SYNTAX, NULL, 0);
		return;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		V2_INC(e, dropped[IKE_DROP_INTERNAL]);
		return;
	}
	s->sa.version = 2;
	s->sa.state = IKE_SA_STATE_CONNECTING;
	s->sa.spi_i = e->m.hdr.ispi;
	s->sa.connection = (unsigned int)ci;
	s->sa.local = *l;
	s->sa.remote = *r;
	s->prop = prop;
	s->group = prop.dh;
	s->peer_msgid = 1;
	s->nr_len = V2_NONCE_LEN;
	s->dh = ike_crypto_dh_create(prop.dh);
	kl = s->dh != NULL ? ike_crypto_dh_public(s->dh, ke, sizeof(ke)) : -EIO;
	if (kl < 0 || ike_sa_new_spi(&e->t, &s->sa.spi_r) != 0 ||
	    ike_crypto_random(s->nr, s->nr_len) < 0) {
		V2_INC(e, dropped[IKE_DROP_INTERNAL]);
		ike_crypto_dh_destroy(s->dh);
		free(s);
		return;
	}
	/* RFC 6989 §2, RFC 8031 §2.3: a KE of the right length that is no public
	 * value of the group (not on the curve, low order) is a broken payload,
	 * answered as the wrong length is, and leaves no state. */
	gl = dh_gir(s, &e->m.ke, gir);
	if (gl < 0) {
		V2_INC(e, dropped[gl == -EINVAL ? IKE_DROP_MALFORMED : IKE_DROP_INTERNAL]);
		if (gl == -EINVAL)
			init_error(e, l, r, e->m.hdr.ispi, IKEV2_N_INVALID_SYNTAX, NULL, 0);
		ike_crypto_dh_destroy(s->dh);
		free(s);
		return;
	}
	ans->n = 1;
	memcpy(s->ni, e->m.nonce.p, e->m.nonce.len);
	s->ni_len = e->m.nonce.len;
	s->peer_frag = ikev2_msg_notify_find(&e->m, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED) != NULL;
	hashes_take(e, s);
	natd_check(&e->m, s->sa.spi_i, 0, l, r, &s->nat_local, &s->nat_remote);
	ike_sa_insert(&e->t, &s->sa, now);
	log_resp_start(e, s);
	s->init_i = ikev2_sm_dup(e->m.raw, e->m.raw_len);
	s->init_i_len = e->m.raw_len;
	ike_payload_buf_init(&b, e->obuf, sizeof(e->obuf));
	ikev2_msg_build_hdr(&b, s->sa.spi_i, s->sa.spi_r, IKEV2_EXCH_IKE_SA_INIT, IKEV2_FLAG_R, 0);
	ikev2_msg_build_sa(&b, ans);
	ikev2_msg_build_ke(&b, prop.dh, ke, (size_t)kl);
	ikev2_msg_build_nonce(&b, s->nr, s->nr_len);
	certreq_build(e, s, &b);
	if (ikev2_msg_notify_find(&e->m, IKEV2_N_NAT_DETECTION_SOURCE_IP) != NULL &&
	    natd_build(c, &b, s->sa.spi_i, s->sa.spi_r, l, r) < 0)
		ike_payload_buf_fail(&b, -EIO);
	if (s->n_hashes > 0) {
		hl = ikev2_auth_hashes_build(hashes, sizeof(hashes));
		if (hl > 0)
			ikev2_msg_build_notify(&b, 0, NULL, 0, IKEV2_N_SIGNATURE_HASH_ALGORITHMS,
			    hashes, (size_t)hl);
	}
	if (s->peer_frag && c->fragmentation != CONFIG_FRAG_NO)
		ikev2_msg_build_notify(&b, 0, NULL, 0, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED, NULL,
		    0);
	n = ikev2_msg_build_finish(&b);
	if (n < 0 || s->init_i == NULL || (s->init_r = ikev2_sm_dup(e->obuf, (size_t)n)) == NULL)
		gl = -ENOMEM;
	if (keys_derive(s, gir, gl) != 0) {
		V2_INC(e, dropped[IKE_DROP_INTERNAL]);
		ikev2_sm_sa_fail(e, s, now, "IKE_SA_INIT answer");
		return;
	}
	s->init_r_len = (size_t)n;
	if (c->encap)
		s->nat_local = true;
	/* The initiator moves to port 4500 (§2.23); sa_input() follows it there. */
	if (s->nat_local || s->nat_remote)
		V2_INC(e, nat_detected);
	ikev2_sm_reply_send(e, s, e->m.raw, e->m.raw_len, (size_t)n);
}

/*
 * The Child SA of an IKE_AUTH request in e->m: the first child of the
 * connection whose selectors and proposals fit.  Builds SAr2, TSi, TSr
 * into @ib and installs it; or a Child error notify (the IKE SA stays).
 */
static void
auth_child(struct ikev2 *e, struct v2_sa *s, struct ike_buf *ib, uint64_t now)
{
	const struct config_connection *c = v2_conn(e, s);
	const struct config_child *ch;
	static struct ikev2_ts_payload tsi, tsr;
	struct ikev2_sa_payload *ans = &e->sa_out;
	struct ikev2_prop_esp esp;
	uint16_t want = 0;
	const char *why = "";
	enum ikev2_notify err = IKEV2_N_TS_UNACCEPTABLE, rc;
	uint8_t spi[4];
	unsigned int i;
	bool transport;

	if (!e->m.has_sa || !e->m.has_tsi || !e->m.has_tsr)
		return; /* childless (RFC 6023) */
	for (i = c->first_child; i < c->first_child + c->n_children; i++) {
		ch = &e->cfg->children[i];
		if (ikev2_prop_ts_narrow(&e->m.tsi, ch->remote_ts, ch->n_remote_ts, &s->sa.remote.a,
		        &tsi) != IKEV2_N_NONE ||
		    ikev2_prop_ts_narrow(&e->m.tsr, ch->local_ts, ch->n_local_ts, &s->sa.local.a,
		        &tsr) != IKEV2_N_NONE)
			continue;
		ans->n = 1;
		rc = ikev2_prop_esp_select(&e->m.sa, ch, false, false, 0, &esp, &ans->p[0], &want,
		    &why);
		if (rc != IKEV2_N_NONE) {
			err = rc;
			continue;
		}
		if (ike_crypto_random(spi, 4) < 0)
			break;
		spi[0] |= 0xc0;
		memcpy(ans->p[0].spi, spi, 4);
		ans->p[0].spi_len = 4;
		transport = ch->mode == CONFIG_MODE_TRANSPORT &&
		    ikev2_msg_notify_find(&e->m, IKEV2_N_USE_TRANSPORT_MODE) != NULL;
		if (transport)
			ikev2_msg_build_notify(ib, 0, NULL, 0, IKEV2_N_USE_TRANSPORT_MODE, NULL, 0);
		ikev2_msg_build_sa(ib, ans);
		ikev2_msg_build_ts(ib, IKEV2_PL_TSI, &tsi);
		ikev2_msg_build_ts(ib, IKEV2_PL_TSR, &tsr);
		(void)ikev2_sm_child_install(e, s, i, &esp, ike_get32(spi), transport, &tsr, &tsi,
		    NULL, now);
		return;
	}
	log_debug(LOG_FAC_IKE, "%s: no Child SA for %s: %s", __func__, c->name,
	    why[0] != '\0' ? why : "traffic selectors unacceptable");
	V2_INC(e, child_failed);
	V2_INC(e, notifies_sent);
	ikev2_msg_build_notify(ib, 0, NULL, 0, err, NULL, 0);
}

/*
 * The initiator's IDr in e->m, if it sent one (RFC 7296 §1.2: which of
 * our identities it wants), names one of ours: @me, or one our certificate
 * holds, which then becomes @me (our IDr and AUTH say it).  The RFC lets a
 * responder answer with another identity; as strongSwan, which finds no
 * config for an identity it does not have, we refuse instead: the
 * initiator would close the IKE SA on our other IDr anyway.
 */
static bool
idr_take(const struct ikev2 *e, const struct v2_sa *s, struct ike_id *me)
{
	const struct config_connection *c = v2_conn(e, s);
	static struct ike_id want; /* 1 KB: control core only */
	enum config_id_type t;
	char text[CONFIG_ID_MAX];
	uint8_t addr[16];

	if (!e->m.has_idr)
		return true;
	if (ike_id_parse(e->m.idr.type, e->m.idr.data, e->m.idr.len, &want) == 0 &&
	    ike_id_ours(me, c->local.auth == CONFIG_AUTH_PUBKEY ? creds_of(e, s)->cred : NULL,
	        &want)) {
		if (!ike_id_equal(me, &want))
			*me = want;
		return true;
	}
	if (ike_id_text(&want, &t, text, sizeof(text), addr) != 0)
		snprintf(text, sizeof(text), "(ID type %u)", e->m.idr.type);
	log_warn(LOG_FAC_IKE,
	    "%s: IKE SA %016" PRIx64 "_i %016" PRIx64
	    "_r of %s: the initiator asks for identity %s (IDr): not one of ours",
	    __func__, s->sa.spi_i, s->sa.spi_r, c->name, text);
	return false;
}

/* An IKE_AUTH request (decrypted into e->m) for responder SA @s. */
static void
auth_request(struct ikev2 *e, struct v2_sa *s, uint64_t now, const uint8_t *in, size_t in_len)
{
	const struct config_connection *c = v2_conn(e, s);
	static struct ike_id me, peer;
	struct ike_buf ib;
	uint8_t method = 0;
	int al, n;

	if (s->sa.state != IKE_SA_STATE_CONNECTING) {
		V2_INC(e, dropped[IKE_DROP_STATE]);
		return;
	}
	if (!e->m.has_idi || !e->m.has_auth) {
		V2_INC(e, dropped[IKE_DROP_MALFORMED]);
		ikev2_sm_answer_notify(e, s, in, in_len, IKEV2_EXCH_IKE_AUTH, e->m.hdr.msgid,
		    IKEV2_N_INVALID_SYNTAX);
		ikev2_sm_sa_fail(e, s, now, "IDi or AUTH missing");
		return;
	}
	if (own_id(e, s, &me) != 0 || !idr_take(e, s, &me) || auth_verify(e, s, &me, &peer) != 0) {
		V2_INC(e, auth_failed);
		V2_INC(e, dropped[IKE_DROP_AUTH]);
		ikev2_sm_answer_notify(e, s, in, in_len, IKEV2_EXCH_IKE_AUTH, e->m.hdr.msgid,
		    IKEV2_N_AUTHENTICATION_FAILED);
		ikev2_sm_sa_fail(e, s, now, "authentication of the initiator failed");
		return;
	}
	al = auth_build(e, s, &me, &peer, &method);
	if (al < 0) {
		ikev2_sm_answer_notify(e, s, in, in_len, IKEV2_EXCH_IKE_AUTH, e->m.hdr.msgid,
		    IKEV2_N_AUTHENTICATION_FAILED);
		ikev2_sm_sa_fail(e, s, now,
		    c->local.auth == CONFIG_AUTH_PUBKEY ? "our signature fails" : "no PSK of ours");
		return;
	}
	ike_sa_set_state(&e->t, &s->sa, IKE_SA_STATE_ESTABLISHED, now);
	V2_INC(e, ike_done);
	/* The catalog's Phase-1 done record (log_ike_done) is what operators read. */
	log_debug(LOG_FAC_IKE, "%s: IKE SA %016" PRIx64 "_i %016" PRIx64 "_r of %s established",
	    __func__, s->sa.spi_i, s->sa.spi_r, c->name);
	log_ike_done(e, s, &peer);
	ikev2_sm_peer_key(e, s);
	ikev2_info_initial_contact(e, s, now);
	ike_payload_buf_init(&ib, e->ibuf, sizeof(e->ibuf));
	ikev2_msg_build_id(&ib, IKEV2_PL_IDR, me.type, me.data, me.len);
	certs_build(e, s, &ib);
	ikev2_msg_build_auth(&ib, method, e->abuf, (size_t)al);
	explicit_bzero(e->abuf, sizeof(e->abuf));
	auth_child(e, s, &ib, now);
	n = ikev2_sm_protect(e, s, &ib, IKEV2_EXCH_IKE_AUTH, true, e->m.hdr.msgid);
	if (n < 0) {
		ikev2_sm_sa_fail(e, s, now, "IKE_AUTH answer does not build");
		return;
	}
	ikev2_sm_reply_send(e, s, in, in_len, (size_t)n);
}

/* ---- input ---- */

/* A message for an existing SA (not IKE_SA_INIT): decrypt, then by exchange. */
static void
sa_input(struct ikev2 *e, uint64_t now, const struct ike_addr *l, const struct ike_addr *r)
{
	const struct ike_hdr *h = &e->m.hdr;
	bool response = (h->flags & IKEV2_FLAG_R) != 0;
	struct ike_sa *is = ike_sa_lookup(&e->t, 2, h->ispi, h->rspi);
	struct v2_sa *s = (struct v2_sa *)is;
	const uint8_t *raw = e->m.raw;
	size_t raw_len = e->m.raw_len;

	if (s == NULL || s->sa.state == IKE_SA_STATE_DELETING || !s->have_keys) {
		if (s == NULL)
			log_unknown_spi(h, r);
		V2_INC(e, dropped[IKE_DROP_UNKNOWN_SA]);
		return;
	}
	/* The I flag says who sent it (RFC 7296 §3.1). */
	if (((h->flags & IKEV2_FLAG_I) != 0) == s->sa.initiator) {
		V2_INC(e, dropped[IKE_DROP_MALFORMED]);
		return;
	}
	/* RFC 7383 fragments: window, ICV and reassembly there; the whole message comes back. */
	if (e->m.has_skf) {
		if (!ikev2_frag_input(e, s, now))
			return;
		goto opened;
	}
	if (!response) {
		if (s->have_last && h->msgid + 1 == s->peer_msgid) {
			if (s->last_in_len == raw_len && memcmp(s->last_in, raw, raw_len) == 0) {
				V2_INC(e, dropped[IKE_DROP_RETRANSMIT]);
				V2_INC(e, replies_resent);
				ikev2_sm_send_raw(e, &s->sa.local, &s->sa.remote, s->last_out,
				    s->last_out_len);
			} else {
				V2_INC(e, dropped[IKE_DROP_STATE]);
			}
			return;
		}
		if (h->msgid != s->peer_msgid) {
			V2_INC(e, dropped[IKE_DROP_STATE]);
			return;
		}
	} else if (!s->req_busy || h->msgid + 1 != s->msgid_next) {
		V2_INC(e, dropped[IKE_DROP_STATE]);
		return;
	}
	if (!e->m.has_sk) {
		V2_INC(e, dropped[IKE_DROP_MALFORMED]);
		return;
	}
	if (ikev2_crypt_open(&s->kin, &e->m, e->pbuf, sizeof(e->pbuf)) != 0) {
		V2_INC(e, dropped[e->m.decrypted ? IKE_DROP_MALFORMED : IKE_DROP_DECRYPT]);
		/* An authentic request with bad contents on an established SA gets the
		 * error as its answer (RFC 7296 §2.21.3, §3.10.1), the SA stays. */
		if (e->m.decrypted && !response && e->m.error != IKEV2_N_NONE &&
		    s->sa.state == IKE_SA_STATE_ESTABLISHED) {
			s->last_rx_ns = now;
			s->peer_msgid++;
			ikev2_sm_answer_notify(e, s, raw, raw_len, h->exchange, h->msgid,
			    (uint16_t)e->m.error);
		}
		/* The same error in the IKE_AUTH request is the protected answer, and
		 * no IKE SA comes of it (§2.21.2); a critical payload we do not know
		 * MUST be refused that way (§2.5). */
		if (e->m.decrypted && !response && e->m.error != IKEV2_N_NONE &&
		    s->sa.state == IKE_SA_STATE_CONNECTING && !s->sa.initiator &&
		    h->exchange == IKEV2_EXCH_IKE_AUTH) {
			ikev2_sm_answer_notify(e, s, raw, raw_len, h->exchange, h->msgid,
			    (uint16_t)e->m.error);
			ikev2_sm_sa_fail(e, s, now, ikev2_msg_notify_name((uint16_t)e->m.error));
		}
		return;
	}
opened:
	/* Authenticated: follow the peer to where it sends from (NAT-T, §2.23). */
	if (s->nat_local || s->nat_remote)
		peer_follow(e, s, l, r);
	s->last_rx_ns = now;
	if (response) {
		if (h->exchange != s->req_exch) {
			V2_INC(e, dropped[IKE_DROP_MALFORMED]);
			return;
		}
		switch (h->exchange) {
		case IKEV2_EXCH_IKE_AUTH:
			if (s->sa.initiator && s->sa.state == IKE_SA_STATE_CONNECTING) {
				auth_response(e, s, now);
				return;
			}
			break;
		case IKEV2_EXCH_INFORMATIONAL:
			ikev2_info_response(e, s, now);
			return;
		case IKEV2_EXCH_CREATE_CHILD_SA:
			if (s->sa.state == IKE_SA_STATE_ESTABLISHED) {
				ikev2_child_response(e, s, now);
				return;
			}
			break;
		default:
			break;
		}
		s->req_busy = false;
		V2_INC(e, dropped[IKE_DROP_UNSUPPORTED]);
		return;
	}
	/* Until IKE_AUTH is done the initiator's only request is IKE_AUTH (§1.2):
	 * nothing else takes its Message ID.  The responder's requests racing its
	 * IKE_AUTH answer wait for their retransmission. */
	if (s->sa.state == IKE_SA_STATE_CONNECTING &&
	    (s->sa.initiator ? h->exchange == IKEV2_EXCH_INFORMATIONAL :
	                       h->exchange != IKEV2_EXCH_IKE_AUTH)) {
		V2_INC(e, dropped[IKE_DROP_STATE]);
		return;
	}
	s->peer_msgid++;
	s->last_tx_ns = now; /* answered below */
	if (s->sa.state == IKE_SA_STATE_ESTABLISHED)
		ikev2_child_peer_request(e, s, h->msgid, now);
	switch (h->exchange) {
	case IKEV2_EXCH_IKE_AUTH:
		if (!s->sa.initiator && h->msgid == 1) {
			auth_request(e, s, now, raw, raw_len);
			return;
		}
		break;
	case IKEV2_EXCH_INFORMATIONAL:
		ikev2_info_request(e, s, now, raw, raw_len);
		return;
	case IKEV2_EXCH_CREATE_CHILD_SA:
		ikev2_child_request(e, s, now, raw, raw_len);
		return;
	default:
		break;
	}
	V2_INC(e, dropped[IKE_DROP_UNSUPPORTED]);
}

void
ikev2_input(struct ikev2 *e, uint64_t now_ns, const struct ike_addr *local,
    const struct ike_addr *remote, const uint8_t *msg, size_t len)
{
	struct ike_sa *is;
	int rc;

	V2_INC(e, rx);
	rc = ikev2_msg_parse(msg, len, &e->m);
	if (rc != 0) {
		ikev2_sm_dbg(NULL, __func__, "message does not parse");
		V2_INC(e, dropped[IKE_DROP_MALFORMED]);
		/* §2.5: a critical payload we do not know MUST be refused with
		 * UNSUPPORTED_CRITICAL_PAYLOAD; an IKE_SA_INIT request has no keys, the
		 * answer goes in the clear (§2.21.1), to peers of a connection only. */
		if (rc == -EOPNOTSUPP && e->m.hdr.exchange == IKEV2_EXCH_IKE_SA_INIT &&
		    (e->m.hdr.flags & (IKEV2_FLAG_R | IKEV2_FLAG_I)) == IKEV2_FLAG_I &&
		    e->m.hdr.msgid == 0 && e->m.hdr.rspi == 0 && conn_find(e, local, remote) >= 0)
			init_error(e, local, remote, e->m.hdr.ispi,
			    IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD, &e->m.error_payload, 1);
		return;
	}
	if (e->m.hdr.exchange != IKEV2_EXCH_IKE_SA_INIT) {
		sa_input(e, now_ns, local, remote);
		return;
	}
	if ((e->m.hdr.flags & IKEV2_FLAG_R) == 0) {
		if (e->m.hdr.msgid != 0 || e->m.hdr.rspi != 0 ||
		    (e->m.hdr.flags & IKEV2_FLAG_I) == 0) {
			V2_INC(e, dropped[IKE_DROP_MALFORMED]);
			return;
		}
		init_request(e, now_ns, local, remote);
		return;
	}
	/* §3.1: the I flag is the original initiator's; a response carries it never. */
	if ((e->m.hdr.flags & IKEV2_FLAG_I) != 0) {
		V2_INC(e, dropped[IKE_DROP_MALFORMED]);
		return;
	}
	is = ike_sa_lookup_spi_i(&e->t, 2, e->m.hdr.ispi, &remote->a, true);
	if (is == NULL || !is->initiator || is->state != IKE_SA_STATE_CONNECTING ||
	    e->m.hdr.msgid != 0 || ((struct v2_sa *)is)->msgid_next != 1 ||
	    !((struct v2_sa *)is)->req_busy) {
		V2_INC(e, dropped[is == NULL ? IKE_DROP_UNKNOWN_SA : IKE_DROP_STATE]);
		return;
	}
	init_response(e, (struct v2_sa *)is, now_ns);
}

/* ---- timers ---- */

void
ikev2_tick(struct ikev2 *e, uint64_t now_ns)
{
	const struct config_ike *ci = &e->cfg->ike;
	struct ike_sa *it, *next;
	struct v2_sa *s;
	double backoff;
	unsigned int i;

	for (it = e->t.head; it != NULL; it = next) {
		next = it->next;
		if (it->version != 2)
			continue;
		s = (struct v2_sa *)it;
		ikev2_frag_tick(e, s, now_ns);
		if (!s->sa.initiator && s->sa.state == IKE_SA_STATE_CONNECTING &&
		    now_ns - s->sa.created_ns >= (uint64_t)ci->half_open_timeout * 1000000000ull) {
			V2_INC(e, half_open_timeouts);
			ikev2_sm_sa_fail(e, s, now_ns, "half-open timeout");
			continue;
		}
		if (!s->req_busy || now_ns < s->req_next_ns) {
			if (s->sa.state == IKE_SA_STATE_ESTABLISHED) {
				ikev2_info_tick(e, s, now_ns);
				ikev2_child_tick(e, s, now_ns); /* may free s */
			}
			continue;
		}
		if (s->req_tries >= ci->retransmit_tries || s->req == NULL) {
			if (s->sa.state == IKE_SA_STATE_ESTABLISHED)
				ikev2_info_dead(e, s, now_ns);
			else
				ikev2_sm_sa_fail(e, s, now_ns,
				    "no answer: retransmissions exhausted");
			continue;
		}
		s->req_tries++;
		backoff = (double)ci->retransmit_timeout;
		for (i = 0; i < s->req_tries; i++)
			backoff *= ci->retransmit_base > 1.0 ? ci->retransmit_base : 1.0;
		s->req_next_ns = now_ns + (uint64_t)backoff * 1000000ull;
		V2_INC(e, retransmits);
		s->last_tx_ns = now_ns;
		ikev2_sm_send_raw(e, &s->sa.local, &s->sa.remote, s->req, s->req_len);
	}
}

/* ---- life cycle, stats ---- */

/* Warn when the configured local identity is not in our certificate: peers will refuse it. */
static void
creds_check_id(const struct config_connection *c, const struct ike_crypto_cred *cred)
{
	static struct ike_id me; /* 1 KB: control core only */
	struct config_addr none = { .family = 4 };
	int t;

	if (c->local.id[0] == '\0' || ike_id_local(&c->local, &none, cred, &me) != 0)
		return;
	t = ike_id_cert_type(me.type);
	if (t < 0 || ike_crypto_cred_has_id(cred, (enum ike_crypto_id)t, me.data, me.len) != 0)
		log_warn(LOG_FAC_IKE,
		    "%s: connection %s: local id \"%s\" is neither the subject nor a subjectAltName of %s: peers will refuse it",
		    __func__, c->name, c->local.id, c->local.certs[0]);
}

/*
 * Certificates, keys, CAs and CRLs of the IKEv2 connections, the same
 * files IKEv1 loads (ike_crypto.c).  A connection whose files do not load
 * is logged and left unusable: it neither initiates nor answers.
 * -ENOMEM only.
 */
static int
creds_load(struct ikev2 *e)
{
	const struct config_connection *c;
	struct v2_creds *cr;
	unsigned int i;
	int rc;

	e->creds = calloc(e->cfg->n_connections + 1, sizeof(*e->creds));
	if (e->creds == NULL)
		return -ENOMEM;
	for (i = 0; i < e->cfg->n_connections; i++) {
		c = &e->cfg->connections[i];
		cr = &e->creds[i];
		if (c->version == 1)
			continue;
		/* each end on its own (RFC 7296 §2.15): PSK one way, certificates the other */
		rc = ike_creds_load(c, c->local.auth == CONFIG_AUTH_PUBKEY,
		    c->remote.auth == CONFIG_AUTH_PUBKEY, &cr->cred, &cr->trust);
		if (rc == -ENOMEM)
			return rc;
		if (rc != 0)
			continue;
		cr->usable = true;
		if (cr->cred != NULL)
			creds_check_id(c, cr->cred);
	}
	return 0;
}

static void
creds_free(struct ikev2 *e)
{
	unsigned int i;

	if (e->creds == NULL)
		return;
	for (i = 0; i < e->cfg->n_connections; i++) {
		ike_crypto_cred_destroy(e->creds[i].cred);
		ike_crypto_trust_destroy(e->creds[i].trust);
	}
	free(e->creds);
	e->creds = NULL;
}

struct ikev2 *
ikev2_create(const struct config *cfg, const struct ike_ops *ops)
{
	struct ikev2 *e = calloc(1, sizeof(*e));

	if (e == NULL)
		return NULL;
	e->cfg = cfg;
	e->ops = ops;
	if (ike_sa_table_init(&e->t, 256) != 0) {
		free(e);
		return NULL;
	}
	e->t.next_id = V2_ID_BASE;
	e->sig_hashes = true;
	if (creds_load(e) != 0) {
		ikev2_destroy(e);
		return NULL;
	}
	return e;
}

void
ikev2_destroy(struct ikev2 *e)
{
	if (e == NULL)
		return;
	/* Deletes leave while the transport still runs (the peer drops its SAs now). */
	while (e->t.head != NULL) {
		ikev2_info_ike_delete_now(e, (struct v2_sa *)e->t.head);
		ikev2_sm_sa_free(e, (struct v2_sa *)e->t.head);
	}
	ike_sa_table_fini(&e->t);
	creds_free(e);
	ikev2_cookie_fini(&e->cookie);
	free(e);
}

void
ikev2_set_signature_authentication(struct ikev2 *e, bool on)
{
	e->sig_hashes = on;
}

void
ikev2_stats_read(const struct ikev2 *e, struct ikev2_stats *out)
{
	const uint64_t *src = (const uint64_t *)&e->st;
	uint64_t *dst = (uint64_t *)out;
	size_t i;

	for (i = 0; i < sizeof(*out) / sizeof(uint64_t); i++)
		dst[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
	out->half_open = e->t.half_open;
	for (i = 0; i < IKE_SA_STATE__MAX; i++)
		out->sas[i] = e->t.by_state[i];
}

/* ---- logs (the seed's messages: Phase-1 = the IKE SA, Phase-2 = a Child SA) ---- */

void
ikev2_sm_corr(const struct v2_sa *s, struct log_corr *corr)
{
	memset(corr, 0, sizeof(*corr));
	corr->ike_spi_i = s->sa.spi_i;
	corr->ike_spi_r = s->sa.spi_r;
	corr->peer_family = s->sa.remote.a.family;
	memcpy(corr->peer, s->sa.remote.a.addr, s->sa.remote.a.family == 4 ? 4 : 16);
}

/* @n selectors of @ts as "a,b,...". */
static void
ts_list(const struct config_ts *ts, unsigned int n, char *buf, size_t size)
{
	char one[96];
	size_t off = 0;
	unsigned int i;
	int w;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		ike_ts_format(&ts[i], one, sizeof(one));
		w = snprintf(buf + off, size - off, "%s%s", off ? "," : "", one);
		if (w < 0 || (size_t)w >= size - off)
			break;
		off += (size_t)w;
	}
}

/* We start IKE_SA_INIT for @child: its selectors, our proposals, then the start itself. */
static void
log_init_start(const struct ikev2 *e, const struct v2_sa *s, unsigned int child)
{
	const struct config_connection *c = v2_conn(e, s);
	const struct config_child *ch = &e->cfg->children[child];
	char lts[512], rts[512], names[256];
	struct log_corr corr;
	size_t off = 0;
	unsigned int i;
	int w;

	ikev2_sm_corr(s, &corr);
	ts_list(ch->local_ts, ch->n_local_ts, lts, sizeof(lts));
	ts_list(ch->remote_ts, ch->n_remote_ts, rts, sizeof(rts));
	log_event(LOG_MSG_SA_TS_LOCAL, &corr, "connection=%s child=%s local=%s remote=%s", c->name,
	    ch->name, lts, rts);
	names[0] = '\0';
	for (i = 0; i < c->n_proposals; i++) {
		w = snprintf(names + off, sizeof(names) - off, "%s%s", off ? "," : "",
		    c->proposals[i].name);
		if (w < 0 || (size_t)w >= sizeof(names) - off)
			break;
		off += (size_t)w;
	}
	log_event(LOG_MSG_IKE_SA_PROPOSAL, &corr, "connection=%s version=2 proposal=%s", c->name,
	    names);
	log_event(LOG_MSG_IKEV2_INIT_START, &corr, NULL);
}

/* A peer's IKE_SA_INIT (in e->m) made responder SA @s: the start, then the proposals it sent. */
static void
log_resp_start(const struct ikev2 *e, const struct v2_sa *s)
{
	char offered[256], one[96];
	struct log_corr corr;
	size_t off = 0;
	unsigned int i;
	int w;

	offered[0] = '\0';
	for (i = 0; i < e->m.sa.n; i++) {
		ikev2_prop_name(&e->m.sa.p[i], one, sizeof(one));
		w = snprintf(offered + off, sizeof(offered) - off, "%s%s", off ? "," : "", one);
		if (w < 0 || (size_t)w >= sizeof(offered) - off)
			break;
		off += (size_t)w;
	}
	ikev2_sm_corr(s, &corr);
	log_event(LOG_MSG_IKEV2_RESP_START, &corr, NULL);
	log_event(LOG_MSG_IKE_SA_PROPOSAL, &corr, "connection=%s version=2 proposal=%s",
	    v2_conn(e, s)->name, offered);
}

void
ikev2_sm_peer_key(struct ikev2 *e, struct v2_sa *s)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a, 64 bits */
	const uint8_t *p;
	size_t n, i;

	for (i = 0; i < sizeof(s->sa.connection); i++)
		h = (h ^ ((s->sa.connection >> (8 * i)) & 0xff)) * 0x100000001b3ull;
	if (s->peer_id[0] != '\0') {
		p = (const uint8_t *)s->peer_id;
		n = strlen(s->peer_id);
	} else {
		p = s->sa.remote.a.addr;
		n = s->sa.remote.a.family == 4 ? 4 : 16;
	}
	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	ike_sa_set_peer_key(&e->t, &s->sa, h != 0 ? h : 1);
}

/* IKE SA @s is established (IKE_AUTH done); @peer is the identity it authenticated. */
static void
log_ike_done(struct ikev2 *e, struct v2_sa *s, const struct ike_id *peer)
{
	const struct config_connection *c = v2_conn(e, s);
	char local[64], remote[64];
	enum config_id_type type;
	uint8_t addr[16];
	struct log_corr corr;

	if (ike_id_text(peer, &type, s->peer_id, sizeof(s->peer_id), addr) != 0)
		s->peer_id[0] = '\0';
	config_addr_format(&s->sa.local.a, local, sizeof(local));
	config_addr_format(&s->sa.remote.a, remote, sizeof(remote));
	ikev2_sm_corr(s, &corr);
	log_event(s->sa.initiator ? LOG_MSG_P1_INIT_DONE : LOG_MSG_P1_RESP_DONE, &corr,
	    "connection=%s peer=%s local=%s auth=%s proposal=%s version=2", c->name, remote, local,
	    c->local.auth == CONFIG_AUTH_PUBKEY ? "pubkey" : "psk",
	    c->proposals[s->prop.index].name);
}

void
ikev2_sm_log_child_done(const struct ikev2 *e, const struct v2_sa *s, const struct ike_child_sa *c,
    bool we_init)
{
	char lts[512], rts[512];
	struct log_corr corr;

	ts_list(c->local_ts, c->n_local_ts, lts, sizeof(lts));
	ts_list(c->remote_ts, c->n_remote_ts, rts, sizeof(rts));
	ikev2_sm_corr(s, &corr);
	corr.ipsec_spi = c->spi_in;
	log_event(we_init ? LOG_MSG_P2_INIT_DONE : LOG_MSG_P2_RESP_DONE, &corr,
	    "connection=%s child=%s spi_in=%08" PRIx32 " spi_out=%08" PRIx32
	    " local_ts=%s remote_ts=%s proposal=%s mode=%s encap=%s",
	    v2_conn(e, s)->name, e->cfg->children[c->child].name, c->spi_in, c->spi_out, lts, rts,
	    c->alg.name, config_mode_name(c->mode), c->encap ? "yes" : "no");
}

/* A message for IKE SPIs we do not hold (diagnostics only). */
static void
log_unknown_spi(const struct ike_hdr *h, const struct ike_addr *r)
{
	struct log_corr corr;

	memset(&corr, 0, sizeof(corr));
	corr.ike_spi_i = h->ispi;
	corr.ike_spi_r = h->rspi;
	corr.peer_family = r->a.family;
	memcpy(corr.peer, r->a.addr, r->a.family == 4 ? 4 : 16);
	log_event(LOG_MSG_UNKNOWN_COOKIE, &corr, NULL);
}

/* ---- appliance: start, lifetimes, listing ---- */

void
ikev2_start(struct ikev2 *e, uint64_t now_ns)
{
	const struct config_child *c;
	unsigned int i;
	int rc;

	for (i = 0; i < e->cfg->n_children; i++) {
		c = &e->cfg->children[i];
		if (c->start_action != CONFIG_START_START ||
		    e->cfg->connections[c->connection].version == 1)
			continue;
		rc = ikev2_initiate(e, now_ns, i);
		if (rc != 0)
			log_text(LOG_FAC_IKE, LOG_SEV_WARN, NULL, "%s: child %s: %s", __func__,
			    c->name, strerror(-rc));
	}
}

void
ikev2_sa_expired(struct ikev2 *e, uint64_t now_ns, uint32_t spi, bool inbound, bool hard)
{
	struct ike_child_sa *c;
	struct log_corr corr;
	struct ike_sa *it;
	struct v2_sa *s;
	unsigned int i;

	(void)now_ns;
	for (it = e->t.head; it != NULL; it = it->next) {
		if (it->version != 2)
			continue;
		s = (struct v2_sa *)it;
		for (i = 0; i < s->n_children; i++) {
			c = &s->children[i]->c;
			if ((inbound ? c->spi_in : c->spi_out) != spi)
				continue;
			ikev2_sm_corr(s, &corr);
			corr.ipsec_spi = c->spi_in;
			if (!hard) {
				V2_INC(e, child_soft_expired);
				log_text(LOG_FAC_IKE, LOG_SEV_INFO, &corr,
				    "%s: Child SA %s %08" PRIx32 "_i %08" PRIx32
				    "_o: soft lifetime reached: rekeying",
				    __func__, e->cfg->children[c->child].name, c->spi_in,
				    c->spi_out);
				ikev2_child_soft_expired(e, s, i, now_ns);
				return;
			}
			V2_INC(e, child_hard_expired);
			log_text(LOG_FAC_IKE, LOG_SEV_WARN, &corr,
			    "%s: Child SA %s %08" PRIx32 "_i %08" PRIx32
			    "_o: hard lifetime reached, removed and deleted towards the peer",
			    __func__, e->cfg->children[c->child].name, c->spi_in, c->spi_out);
			ikev2_info_child_delete(e, s, i, now_ns);
			return;
		}
	}
}

unsigned int
ikev2_sa_list(struct ikev2 *e, unsigned int start, unsigned int max, ike_sa_visit_fn fn, void *arg)
{
	struct ike_sa_info info;
	struct ike_sa *sa;
	struct v2_sa *s;
	unsigned int n = 0;

	for (sa = ike_sa_at(&e->t, start); sa != NULL && n < max; sa = sa->next) {
		s = (struct v2_sa *)sa;
		ike_sa_info_fill(sa, &info);
		info.nat_local = s->nat_local;
		info.nat_remote = s->nat_remote;
		if (s->have_keys)
			snprintf(info.proposal, sizeof(info.proposal), "%s",
			    v2_conn(e, s)->proposals[s->prop.index].name);
		snprintf(info.peer_id, sizeof(info.peer_id), "%s", s->peer_id);
		info.n_children = s->n_children;
		n++;
		if (fn(arg, &info) != 0)
			break;
	}
	return n;
}
