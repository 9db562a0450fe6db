/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/slowpath/ike/test_ikev2_sm.c: two IKEv2 engines back to back: IKE_SA_INIT, IKE_AUTH (PSK), the first Child SA, retransmissions. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "common/alg.h"
#include "config/config.h"
#include "slowpath/ike/ike.h"
#include "slowpath/ike/ike_child.h"
#include "slowpath/ike/ike_crypto.h"
#include "slowpath/ike/ike_payload.h"
#include "slowpath/ike/ikev2_int.h"
#include "slowpath/ike/ikev2_msg.h"
#include "slowpath/ike/ikev2_sm.h"

#include "harness.h"

/*
 * Two engines back to back (harness.h), "I" (192.0.2.1, protecting
 * 198.51.100.0/24) and "R" (192.0.2.2, protecting 203.0.113.0/24):
 *
 *   I                                    R
 *   IKE_SA_INIT SAi1 KEi Ni N(NAT-D) -->
 *       <-- IKE_SA_INIT SAr1 KEr Nr N(NAT-D)
 *   IKE_AUTH SK{IDi [IDr] AUTH SAi2 TSi TSr} -->
 *       <-- IKE_AUTH SK{IDr AUTH SAr2 TSi TSr}
 */

/* Negotiate child 0 from @from and check the pair on both sides. */
static void
negotiate(struct peer *from, struct peer *to)
{
	CU_ASSERT_EQUAL_FATAL(ikev2_initiate(from->e, now, 0), 0);
	pump();
	CU_ASSERT_EQUAL_FATAL(from->n_up, 1);
	CU_ASSERT_EQUAL_FATAL(to->n_up, 1);
	check_mirror(&from->ups[0], &to->ups[0]);
}

static void
check_up(const struct peer *p, uint64_t ike, uint64_t child)
{
	struct ikev2_stats st = v2_stats(p);

	CU_ASSERT_EQUAL(st.ike_done, ike);
	CU_ASSERT_EQUAL(st.child_done, child);
	CU_ASSERT_EQUAL(st.sas[IKE_SA_STATE_ESTABLISHED], ike);
	CU_ASSERT_EQUAL(st.half_open, 0);
	CU_ASSERT_EQUAL(st.children, child);
}

static void
test_ikev2_sm_psk_cbc(void)
{
	setup();
	start();
	negotiate(&pi, &pr);
	check_up(&pi, 1, 1);
	check_up(&pr, 1, 1);
	CU_ASSERT_EQUAL(pi.ups[0].alg.cipher, ALG_CIPHER_AES_CBC);
	CU_ASSERT_EQUAL(pi.ups[0].in.integ_len, 32);
	CU_ASSERT_EQUAL(pi.ups[0].in.enc_len, 16);
	CU_ASSERT_FALSE(pi.ups[0].encap);
	CU_ASSERT_EQUAL(pi.ups[0].mode, CONFIG_MODE_TUNNEL);
	/* 4 messages, no more */
	CU_ASSERT_EQUAL(n_sent, 4);
	CU_ASSERT_EQUAL(sent[0].to.port, 500);
	CU_ASSERT_EQUAL(sent[2].to.port, 500);
	/* initiate again: already up, nothing sent */
	CU_ASSERT_EQUAL(ikev2_initiate(pi.e, now, 0), 0);
	CU_ASSERT_EQUAL(n_wire, 0);
	teardown();
	CU_ASSERT_EQUAL(pi.n_down, 1);
	CU_ASSERT_EQUAL(pr.n_down, 1);
}

/* GCM for the IKE SA and ESP, X25519; and the other direction (R initiates). */
static void
test_ikev2_sm_psk_gcm_reverse(void)
{
	struct peer *p[2] = { &pi, &pr };
	unsigned int i;

	setup();
	for (i = 0; i < 2; i++) {
		struct config_ike_proposal *ip = &p[i]->conn[0].proposals[0];

		ip->encr = 20;
		ip->encr_bits = 256;
		ip->integ = 0;
		ip->prf = 7;
		ip->dh = 31;
		esp_prop(&p[i]->child[0].esp_proposals[0], "aes256gcm16", 0);
	}
	start();
	negotiate(&pr, &pi);
	check_up(&pi, 1, 1);
	check_up(&pr, 1, 1);
	CU_ASSERT_EQUAL(pr.ups[0].alg.cipher, ALG_CIPHER_AES_GCM);
	CU_ASSERT_EQUAL(pr.ups[0].in.enc_len, 36);
	CU_ASSERT_EQUAL(pr.ups[0].in.integ_len, 0);
	/* the initiator's SPI is in the I side's header */
	CU_ASSERT_EQUAL(sent[0].from.a.addr[3], 2);
	teardown();
}

/* I's first group is not R's: INVALID_KE_PAYLOAD, then I retries with R's group. */
static void
test_ikev2_sm_invalid_ke(void)
{
	struct ikev2_stats si, sr;

	setup();
	pi.conn[0].n_proposals = 2;
	ike_prop(&pi.conn[0].proposals[1], 128, 5, 31, "aes128-sha256-x25519");
	pr.conn[0].proposals[0].dh = 31;
	start();
	negotiate(&pi, &pr);
	si = v2_stats(&pi);
	sr = v2_stats(&pr);
	CU_ASSERT_EQUAL(sr.invalid_ke_sent, 1);
	CU_ASSERT_EQUAL(si.invalid_ke_retries, 1);
	CU_ASSERT_EQUAL(sr.sas[IKE_SA_STATE_ESTABLISHED], 1); /* no state from the first try */
	CU_ASSERT_EQUAL(n_sent, 6);
	teardown();
}

/* R accepts none of I's proposals: NO_PROPOSAL_CHOSEN, I gives up, nothing left. */
static void
test_ikev2_sm_no_proposal(void)
{
	struct ikev2_stats si, sr;

	setup();
	pr.conn[0].proposals[0].prf = 7;
	pr.conn[0].proposals[0].integ = 14;
	start();
	CU_ASSERT_EQUAL(ikev2_initiate(pi.e, now, 0), 0);
	pump();
	si = v2_stats(&pi);
	sr = v2_stats(&pr);
	CU_ASSERT_EQUAL(si.ike_failed, 1);
	CU_ASSERT_EQUAL(sr.dropped[IKE_DROP_NO_PROPOSAL], 1);
	CU_ASSERT_EQUAL(sr.notifies_sent, 1);
	CU_ASSERT_EQUAL(si.sas[IKE_SA_STATE_CONNECTING] + si.sas[IKE_SA_STATE_ESTABLISHED], 0);
	CU_ASSERT_EQUAL(sr.sas[IKE_SA_STATE_CONNECTING] + sr.sas[IKE_SA_STATE_ESTABLISHED], 0);
	CU_ASSERT_EQUAL(pi.n_up + pr.n_up, 0);
	advance(60 * S); /* nothing retransmitted */
	CU_ASSERT_EQUAL(v2_stats(&pi).retransmits, 0);
	teardown();
}

/* Different PSKs: R answers AUTHENTICATION_FAILED, no child anywhere, both SAs gone. */
static void
test_ikev2_sm_wrong_psk(void)
{
	struct ikev2_stats si, sr;

	setup();
	memcpy(pr.sec[0].secret, "wrong-psk!", 10);
	start();
	CU_ASSERT_EQUAL(ikev2_initiate(pi.e, now, 0), 0);
	pump();
	si = v2_stats(&pi);
	sr = v2_stats(&pr);
	CU_ASSERT_EQUAL(pi.n_up + pr.n_up, 0);
	CU_ASSERT_EQUAL(sr.auth_failed, 1);
	CU_ASSERT_EQUAL(sr.dropped[IKE_DROP_AUTH], 1);
	CU_ASSERT_EQUAL(si.auth_failed, 1); /* the notify */
	CU_ASSERT_EQUAL(si.ike_failed, 1);
	CU_ASSERT_EQUAL(sr.ike_failed, 1);
	CU_ASSERT_EQUAL(si.ike_done + sr.ike_done, 0);
	CU_ASSERT_EQUAL(si.sas[IKE_SA_STATE_CONNECTING] + sr.sas[IKE_SA_STATE_CONNECTING], 0);
	CU_ASSERT_EQUAL(n_sent, 4);
	teardown();
}

/* The first IKE_AUTH request R took in (decrypted): was there an IDr, and which. */
static struct {
	bool seen, has_idr;
	uint8_t type;
	uint8_t data[CONFIG_ID_MAX];
	size_t len;
} idr_rec;

static void
idr_watch(void)
{
	const struct ikev2_msg *m;

	if (pr.e == NULL || idr_rec.seen)
		return;
	m = &((const struct ikev2 *)pr.e)->m;
	if (m->hdr.exchange != IKEV2_EXCH_IKE_AUTH || (m->hdr.flags & IKEV2_FLAG_R) != 0)
		return;
	idr_rec.seen = true;
	idr_rec.has_idr = m->has_idr;
	if (m->has_idr && m->idr.len <= sizeof(idr_rec.data)) {
		idr_rec.type = m->idr.type;
		idr_rec.len = m->idr.len;
		memcpy(idr_rec.data, m->idr.data, m->idr.len);
	}
}

static void
id_set(struct config_ike_auth *a, enum config_id_type t, const char *id)
{
	a->id_type = t;
	snprintf(a->id, sizeof(a->id), "%s", id);
	if (t == CONFIG_ID_IPV4)
		memcpy(a->id_addr, (const uint8_t[]){ 192, 0, 2, 2 }, 4);
}

/*
 * IDr in IKE_AUTH (RFC 7296 §1.2, §3.5): I sends it when its remote id
 * names an identity (not "" or %any); R takes one of its identities and
 * refuses any other with AUTHENTICATION_FAILED.
 */
static void
test_ikev2_sm_idr(void)
{
	static const struct {
		enum config_id_type rt; /* I's remote id */
		const char *rid;
		enum config_id_type lt; /* R's local id ("": its address) */
		const char *lid;
		bool idr, up;
	} t[] = {
		{ CONFIG_ID_FQDN, "", CONFIG_ID_FQDN, "", false, true },
		{ CONFIG_ID_ANY, "%any", CONFIG_ID_FQDN, "", false, true },
		{ CONFIG_ID_IPV4, "192.0.2.2", CONFIG_ID_FQDN, "", true, true },
		{ CONFIG_ID_FQDN, "gw2.example.org", CONFIG_ID_FQDN, "GW2.example.org", true,
		    true },
		{ CONFIG_ID_FQDN, "other.example.org", CONFIG_ID_FQDN, "gw2.example.org", true,
		    false },
		{ CONFIG_ID_IPV4, "192.0.2.2", CONFIG_ID_FQDN, "gw2.example.org", true, false },
	};
	struct ikev2_stats si, sr;
	size_t i;

	for (i = 0; i < DIM(t); i++) {
		setup();
		id_set(&pi.conn[0].remote, t[i].rt, t[i].rid);
		id_set(&pr.conn[0].local, t[i].lt, t[i].lid);
		memset(&idr_rec, 0, sizeof(idr_rec));
		harness_hooks.step = idr_watch;
		start();
		CU_ASSERT_EQUAL(ikev2_initiate(pi.e, now, 0), 0);
		pump();
		si = v2_stats(&pi);
		sr = v2_stats(&pr);
		CU_ASSERT_TRUE(idr_rec.seen);
		CU_ASSERT_EQUAL(idr_rec.has_idr, t[i].idr);
		if (t[i].idr && t[i].rt == CONFIG_ID_FQDN) {
			CU_ASSERT_EQUAL(idr_rec.type, CONFIG_ID_FQDN);
			CU_ASSERT_EQUAL(idr_rec.len, strlen(t[i].rid));
			CU_ASSERT_EQUAL(memcmp(idr_rec.data, t[i].rid, idr_rec.len), 0);
		} else if (t[i].idr) {
			CU_ASSERT_EQUAL(idr_rec.type, CONFIG_ID_IPV4);
			CU_ASSERT_EQUAL(idr_rec.len, 4);
			CU_ASSERT_EQUAL(memcmp(idr_rec.data, pi.conn[0].remote.id_addr, 4), 0);
		}
		if (t[i].up) {
			check_up(&pi, 1, 1);
			check_up(&pr, 1, 1);
			CU_ASSERT_EQUAL(si.auth_failed + sr.auth_failed, 0);
		} else {
			CU_ASSERT_EQUAL(pi.n_up + pr.n_up, 0);
			CU_ASSERT_EQUAL(sr.auth_failed, 1);
			CU_ASSERT_EQUAL(sr.dropped[IKE_DROP_AUTH], 1);
			CU_ASSERT_EQUAL(si.auth_failed, 1); /* AUTHENTICATION_FAILED came back */
			CU_ASSERT_EQUAL(si.ike_done + sr.ike_done, 0);
			CU_ASSERT_EQUAL(si.sas[IKE_SA_STATE_CONNECTING] +
			        sr.sas[IKE_SA_STATE_CONNECTING],
			    0);
		}
		teardown();
	}
}

/* The IKE_SA_INIT request is lost, then the IKE_AUTH response: retransmissions recover both. */
static void
test_ikev2_sm_retransmit(void)
{
	struct ikev2_stats si, sr;

	setup();
	start();
	drop_index = 0;
	CU_ASSERT_EQUAL(ikev2_initiate(pi.e, now, 0), 0);
	pump();
	CU_ASSERT_EQUAL(pi.n_up, 0);
	advance(3 * S);
	CU_ASSERT_EQUAL(v2_stats(&pi).retransmits, 0); /* 4 s first */
	drop_index = 4; /* 0 lost, 1 resent, 2 response, 3 IKE_AUTH, 4 its response */
	advance(2 * S);
	CU_ASSERT_EQUAL(v2_stats(&pi).retransmits, 1);
	CU_ASSERT_EQUAL(pi.n_up, 0);
	CU_ASSERT_EQUAL(pr.n_up, 1);
	advance(5 * S);
	si = v2_stats(&pi);
	sr = v2_stats(&pr);
	CU_ASSERT_EQUAL(si.retransmits, 2);
	CU_ASSERT_EQUAL(sr.replies_resent, 1);
	CU_ASSERT_EQUAL(sr.dropped[IKE_DROP_RETRANSMIT], 1);
	CU_ASSERT_EQUAL(pi.n_up, 1);
	CU_ASSERT_EQUAL(pr.n_up, 1); /* not installed twice */
	check_mirror(&pi.ups[0], &pr.ups[0]);
	CU_ASSERT_EQUAL(memcmp(sent[4].p, sent[6].p, sent[4].len), 0); /* the stored reply */
	teardown();
}

/* No answer at all: the config's tries with backoff, then the SA goes. */
static void
test_ikev2_sm_retransmit_give_up(void)
{
	struct ikev2_stats si;

	setup();
	start();
	drop_all = true;
	CU_ASSERT_EQUAL(ikev2_initiate(pi.e, now, 0), 0);
	/* resent at 4, 11.2 and 24.16 s; given up 23.3 s later */
	advance(25 * S);
	si = v2_stats(&pi);
	CU_ASSERT_EQUAL(si.retransmits, 3);
	CU_ASSERT_EQUAL(si.ike_failed, 0);
	advance(23 * S);
	si = v2_stats(&pi);
	CU_ASSERT_EQUAL(si.retransmits, 3);
	CU_ASSERT_EQUAL(si.ike_failed, 1);
	CU_ASSERT_EQUAL(si.sas[IKE_SA_STATE_CONNECTING], 0);
	CU_ASSERT_EQUAL(n_sent, 4);
	teardown();
}

/* A request replayed after the SA is up gets the stored reply and changes nothing. */
static void
test_ikev2_sm_replay(void)
{
	struct ikev2_stats sr;
	struct msg m;
	unsigned int before;

	setup();
	start();
	negotiate(&pi, &pr);
	before = n_sent;
	m = sent[2]; /* IKE_AUTH request */
	ikev2_input(pr.e, now, &m.to, &m.from, m.p, m.len);
	sr = v2_stats(&pr);
	CU_ASSERT_EQUAL(sr.replies_resent, 1);
	CU_ASSERT_EQUAL(n_sent, before + 1);
	CU_ASSERT_EQUAL(sent[before].len, sent[3].len);
	CU_ASSERT_EQUAL(memcmp(sent[before].p, sent[3].p, sent[3].len), 0);
	/* IKE_SA_INIT again once IKE_AUTH is done: out of date, not answered */
	m = sent[0];
	ikev2_input(pr.e, now, &m.to, &m.from, m.p, m.len);
	sr = v2_stats(&pr);
	CU_ASSERT_EQUAL(sr.dropped[IKE_DROP_STATE], 1);
	CU_ASSERT_EQUAL(n_sent, before + 1);
	CU_ASSERT_EQUAL(pr.n_up, 1);
	CU_ASSERT_EQUAL(sr.ike_done, 1);
	CU_ASSERT_EQUAL(sr.sas[IKE_SA_STATE_ESTABLISHED], 1);
	clear_wire();
	/* the stored replies reach I as stale responses: dropped, nothing changes */
	ikev2_input(pi.e, now, &sent[before].to, &sent[before].from, sent[before].p,
	    sent[before].len);
	CU_ASSERT_EQUAL(v2_stats(&pi).dropped[IKE_DROP_STATE], 1);
	CU_ASSERT_EQUAL(pi.n_up, 1);
	teardown();
}

/* Bad input: counted, never answered, nothing held is lost. */
static void
test_ikev2_sm_malformed(void)
{
	static uint8_t buf[2048];
	struct ikev2_stats sr;
	struct msg m;
	unsigned int before, i;

	setup();
	start();
	negotiate(&pi, &pr);
	before = n_sent;
	/* truncated header, a header whose length lies, garbage */
	m = sent[2];
	ikev2_input(pr.e, now, &m.to, &m.from, m.p, 20);
	ikev2_input(pr.e, now, &m.to, &m.from, m.p, m.len - 1);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 37 + 11);
	ikev2_input(pr.e, now, &m.to, &m.from, buf, sizeof(buf));
	sr = v2_stats(&pr);
	CU_ASSERT_EQUAL(sr.dropped[IKE_DROP_MALFORMED], 3);
	/* a new request (next message ID) whose ciphertext was changed: does not decrypt */
	memcpy(buf, m.p, m.len);
	buf[23] = 2;
	buf[m.len - 1] ^= 1;
	ikev2_input(pr.e, now, &m.to, &m.from, buf, m.len);
	sr = v2_stats(&pr);
	CU_ASSERT_EQUAL(sr.dropped[IKE_DROP_DECRYPT], 1);
	/* unknown SPIs */
	buf[8] ^= 0xff;
	ikev2_input(pr.e, now, &m.to, &m.from, buf, m.len);
	CU_ASSERT_EQUAL(v2_stats(&pr).dropped[IKE_DROP_UNKNOWN_SA], 1);
	CU_ASSERT_EQUAL(n_sent, before);
	CU_ASSERT_EQUAL(pr.n_up, 1);
	CU_ASSERT_EQUAL(pr.n_down, 0);
	CU_ASSERT_EQUAL(v2_stats(&pr).sas[IKE_SA_STATE_ESTABLISHED], 1);
	/* an IKE_SA_INIT request without KE: INVALID_SYNTAX, no state */
	{
		struct ike_buf b;
		uint8_t nonce[32] = { 1 };
		int n;

		ike_payload_buf_init(&b, buf, sizeof(buf));
		ikev2_msg_build_hdr(&b, 0x1122334455667788ull, 0, IKEV2_EXCH_IKE_SA_INIT,
		    IKEV2_FLAG_I, 0);
		ikev2_msg_build_nonce(&b, nonce, sizeof(nonce));
		n = ikev2_msg_build_finish(&b);
		CU_ASSERT_FATAL(n > 0);
		ikev2_input(pr.e, now, &m.to, &m.from, buf, (size_t)n);
	}
	sr = v2_stats(&pr);
	CU_ASSERT_EQUAL(sr.dropped[IKE_DROP_MALFORMED], 4);
	CU_ASSERT_EQUAL(sr.sas[IKE_SA_STATE_CONNECTING], 0);
	CU_ASSERT_EQUAL(n_sent, before + 1);
	teardown();
}

/* Encapsulation forced on I (fake NAT-D): both float to 4500, the child is UDP-encapsulated. */
static void
test_ikev2_sm_natt(void)
{
	setup();
	pi.conn[0].encap = true;
	start();
	negotiate(&pi, &pr);
	CU_ASSERT_EQUAL(sent[0].to.port, 500);
	CU_ASSERT_EQUAL(sent[2].to.port, 4500);
	CU_ASSERT_EQUAL(sent[2].from.port, 4500);
	CU_ASSERT_EQUAL(sent[3].from.port, 4500);
	CU_ASSERT_TRUE(pi.ups[0].encap);
	CU_ASSERT_TRUE(pr.ups[0].encap);
	CU_ASSERT_EQUAL(pi.ups[0].local_port, 4500);
	CU_ASSERT_EQUAL(pr.ups[0].remote_port, 4500);
	CU_ASSERT_EQUAL(v2_stats(&pi).nat_detected, 1);
	CU_ASSERT_EQUAL(v2_stats(&pr).nat_detected, 1);
	teardown();
}

/* A responder SA that never sees IKE_AUTH goes after half_open_timeout. */
static void
test_ikev2_sm_half_open(void)
{
	struct ikev2_stats sr;

	setup();
	start();
	drop_index = 2; /* the IKE_AUTH request */
	CU_ASSERT_EQUAL(ikev2_initiate(pi.e, now, 0), 0);
	pump();
	drop_all = true;
	sr = v2_stats(&pr);
	CU_ASSERT_EQUAL(sr.half_open, 1);
	/* I's IKE_SA_INIT again: the stored answer, byte for byte, no second SA */
	ikev2_input(pr.e, now, &sent[0].to, &sent[0].from, sent[0].p, sent[0].len);
	sr = v2_stats(&pr);
	CU_ASSERT_EQUAL(sr.replies_resent, 1);
	CU_ASSERT_EQUAL(sr.half_open, 1);
	CU_ASSERT_EQUAL(sent[n_sent - 1].len, sent[1].len);
	CU_ASSERT_EQUAL(memcmp(sent[n_sent - 1].p, sent[1].p, sent[1].len), 0);
	advance(29 * S);
	CU_ASSERT_EQUAL(v2_stats(&pr).half_open, 1);
	advance(2 * S);
	sr = v2_stats(&pr);
	CU_ASSERT_EQUAL(sr.half_open, 0);
	CU_ASSERT_EQUAL(sr.half_open_timeouts, 1);
	CU_ASSERT_EQUAL(sr.sas[IKE_SA_STATE_CONNECTING], 0);
	teardown();
}

/* Narrowing: I asks for a wider remote side than R has; R narrows it to its /24. */
static void
test_ikev2_sm_narrow(void)
{
	setup();
	pi.child[0].remote_ts[0].net.len = 16; /* 203.0.0.0/16 */
	pi.child[0].remote_ts[0].net.a.addr[2] = 0;
	start();
	negotiate(&pi, &pr);
	CU_ASSERT_EQUAL(pi.ups[0].remote_ts[0].net.len, 24);
	CU_ASSERT_EQUAL(pi.ups[0].remote_ts[0].net.a.addr[2], 113);
	teardown();
}

/* R's selectors do not meet I's: the IKE SA comes up, the child does not (TS_UNACCEPTABLE). */
static void
test_ikev2_sm_ts_unacceptable(void)
{
	struct ikev2_stats si, sr;

	setup();
	ts4(&pr.child[0].local_ts[0], 198, 51, 100, 24); /* I wants 203.0.113.0/24 */
	start();
	CU_ASSERT_EQUAL(ikev2_initiate(pi.e, now, 0), 0);
	pump();
	si = v2_stats(&pi);
	sr = v2_stats(&pr);
	CU_ASSERT_EQUAL(si.ike_done, 1);
	CU_ASSERT_EQUAL(sr.ike_done, 1);
	CU_ASSERT_EQUAL(si.child_failed, 1);
	CU_ASSERT_EQUAL(sr.child_failed, 1);
	CU_ASSERT_EQUAL(pi.n_up + pr.n_up, 0);
	CU_ASSERT_EQUAL(si.sas[IKE_SA_STATE_ESTABLISHED], 1);
	teardown();
}

/* Transport mode on both: USE_TRANSPORT_MODE both ways, the pair in transport mode. */
static void
test_ikev2_sm_transport(void)
{
	setup();
	pi.child[0].mode = CONFIG_MODE_TRANSPORT;
	pr.child[0].mode = CONFIG_MODE_TRANSPORT;
	start();
	negotiate(&pi, &pr);
	CU_ASSERT_EQUAL(pi.ups[0].mode, CONFIG_MODE_TRANSPORT);
	CU_ASSERT_EQUAL(pr.ups[0].mode, CONFIG_MODE_TRANSPORT);
	teardown();
	/* only the initiator wants it: tunnel */
	setup();
	pi.child[0].mode = CONFIG_MODE_TRANSPORT;
	start();
	negotiate(&pi, &pr);
	CU_ASSERT_EQUAL(pi.ups[0].mode, CONFIG_MODE_TUNNEL);
	CU_ASSERT_EQUAL(pr.ups[0].mode, CONFIG_MODE_TUNNEL);
	teardown();
}

static int
list_one(void *arg, const struct ike_sa_info *info)
{
	struct ike_sa_info *out = arg;

	*out = *info;
	return 0;
}

/*
 * What the appliance calls: ikev2_start() for start_action start (not for
 * a version-1 connection), ikev2_sa_list(), and ikev2_sa_expired(): a
 * soft expiry is counted only, a hard one removes the pair, unknown SPIs
 * are ignored.
 */
static void
test_ikev2_sm_appliance(void)
{
	struct ike_sa_info info;
	struct ikev2_stats st;

	setup();
	pi.child[0].start_action = CONFIG_START_START;
	pi.conn[0].version = 1;
	start();
	ikev2_start(pi.e, now);
	CU_ASSERT_EQUAL(n_wire, 0);
	teardown();

	setup();
	pi.child[0].start_action = CONFIG_START_START;
	pi.conn[0].version = 0; /* either: IKEv2 initiates */
	start();
	ikev2_start(pi.e, now);
	pump();
	CU_ASSERT_EQUAL_FATAL(pi.n_up, 1);
	CU_ASSERT_EQUAL_FATAL(pr.n_up, 1);
	check_mirror(&pi.ups[0], &pr.ups[0]);
	memset(&info, 0, sizeof(info));
	CU_ASSERT_EQUAL(ikev2_sa_list(pi.e, 0, 16, list_one, &info), 1);
	CU_ASSERT_EQUAL(info.version, 2);
	CU_ASSERT_TRUE(info.initiator);
	CU_ASSERT_EQUAL(info.state, IKE_SA_STATE_ESTABLISHED);
	CU_ASSERT_STRING_EQUAL(info.proposal, "aes128-sha256-ecp256");
	CU_ASSERT_STRING_EQUAL(info.peer_id, "192.0.2.2");
	CU_ASSERT_EQUAL(info.n_children, 1);
	CU_ASSERT_EQUAL(info.id, pi.ups[0].ike_sa);
	CU_ASSERT_TRUE(info.id >= (1ull << 32)); /* never an IKEv1 engine's id */
	CU_ASSERT_EQUAL(ikev2_sa_list(pi.e, 1, 16, list_one, &info), 0);
	CU_ASSERT_EQUAL(ikev2_sa_list(pr.e, 0, 16, list_one, &info), 1);
	CU_ASSERT_FALSE(info.initiator);
	CU_ASSERT_STRING_EQUAL(info.peer_id, "192.0.2.1");

	ikev2_sa_expired(pi.e, now, pi.ups[0].spi_in ^ 1, true, true);
	ikev2_sa_expired(pi.e, now, pi.ups[0].spi_out, true, true); /* wrong direction */
	CU_ASSERT_EQUAL(pi.n_down, 0);
	ikev2_sa_expired(pi.e, now, pi.ups[0].spi_in, true, false);
	st = v2_stats(&pi);
	CU_ASSERT_EQUAL(st.child_soft_expired, 1);
	CU_ASSERT_EQUAL(st.children, 1);
	CU_ASSERT_EQUAL(pi.n_down, 0);
	ikev2_sa_expired(pi.e, now, pi.ups[0].spi_out, false, true);
	st = v2_stats(&pi);
	CU_ASSERT_EQUAL(st.child_hard_expired, 1);
	CU_ASSERT_EQUAL(st.children, 0);
	CU_ASSERT_EQUAL(pi.n_down, 1);
	CU_ASSERT_EQUAL(pi.last_down.spi_in, pi.ups[0].spi_in);
	CU_ASSERT_EQUAL(pi.last_down.spi_out, pi.ups[0].spi_out);
	ikev2_sa_list(pi.e, 0, 16, list_one, &info);
	CU_ASSERT_EQUAL(info.n_children, 0);
	ikev2_sa_expired(pi.e, now, pi.ups[0].spi_out, false, true); /* gone already */
	CU_ASSERT_EQUAL(pi.n_down, 1);
	teardown();
	CU_ASSERT_EQUAL(pi.n_down, 1); /* destroy does not remove it twice */
}

int
main(void)
{
	static const struct harness_test tests[] = {
		{ "test_ikev2_sm_psk_cbc", test_ikev2_sm_psk_cbc },
		{ "test_ikev2_sm_psk_gcm_reverse", test_ikev2_sm_psk_gcm_reverse },
		{ "test_ikev2_sm_invalid_ke", test_ikev2_sm_invalid_ke },
		{ "test_ikev2_sm_no_proposal", test_ikev2_sm_no_proposal },
		{ "test_ikev2_sm_wrong_psk", test_ikev2_sm_wrong_psk },
		{ "test_ikev2_sm_idr", test_ikev2_sm_idr },
		{ "test_ikev2_sm_retransmit", test_ikev2_sm_retransmit },
		{ "test_ikev2_sm_retransmit_give_up", test_ikev2_sm_retransmit_give_up },
		{ "test_ikev2_sm_replay", test_ikev2_sm_replay },
		{ "test_ikev2_sm_malformed", test_ikev2_sm_malformed },
		{ "test_ikev2_sm_natt", test_ikev2_sm_natt },
		{ "test_ikev2_sm_half_open", test_ikev2_sm_half_open },
		{ "test_ikev2_sm_narrow", test_ikev2_sm_narrow },
		{ "test_ikev2_sm_ts_unacceptable", test_ikev2_sm_ts_unacceptable },
		{ "test_ikev2_sm_transport", test_ikev2_sm_transport },
		{ "test_ikev2_sm_appliance", test_ikev2_sm_appliance },
	};
	unsigned int fails;

	harness_use(&harness_ikev2);
	fails = harness_run("ikev2_sm", tests, DIM(tests));
	return fails == 0 ? 0 : 1;
}
