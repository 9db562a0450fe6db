/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/slowpath/ike/test_ikev1_sm.c: two IKEv1 engines back to back: main mode, quick mode, informational, timers. */
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
#include "common/log.h"
#include "common/log_catalog.h"
#include "common/log_ring.h"
#include "config/config.h"
#include "slowpath/ike/ike.h"
#include "slowpath/ike/ike_child.h"
#include "slowpath/ike/ike_crypto.h"
#include "slowpath/ike/ike_payload.h"
#include "slowpath/ike/ikev1_msg.h"

#include "harness.h"

/*
 * Two engines back to back (harness.h), "I" (192.0.2.1, protecting
 * 198.51.100.0/24) and "R" (192.0.2.2, protecting 203.0.113.0/24):
 *
 *   I                                    R
 *   MM1 SA ------------------------->
 *       <------------------------- MM2 SA
 *   MM3 KE Ni NAT-D --------------->
 *       <------------------------- MM4 KE Nr NAT-D
 *   MM5* IDii HASH_I -------------->
 *       <------------------------- MM6* IDir HASH_R
 *   QM1* HASH(1) SA Ni IDs -------->
 *       <------------------------- QM2* HASH(2) SA Nr IDs
 *   QM3* HASH(3) ------------------>
 */

/* Run one negotiation of child 0 from I and check the pair on both sides. */
static void
negotiate(void)
{
	CU_ASSERT_EQUAL_FATAL(ikev1_initiate(pi.e, now, 0), 0);
	pump();
	CU_ASSERT_EQUAL_FATAL(pi.n_up, 1);
	CU_ASSERT_EQUAL_FATAL(pr.n_up, 1);
	check_mirror(&pi.ups[0], &pr.ups[0]);
}

static void
test_ikev1_sm_basic(void)
{
	struct ikev1_stats si, sr;

	setup();
	start();
	negotiate();
	si = v1_stats(&pi);
	sr = v1_stats(&pr);
	CU_ASSERT_EQUAL(si.p1_done, 1);
	CU_ASSERT_EQUAL(sr.p1_done, 1);
	CU_ASSERT_EQUAL(si.p2_done, 1);
	CU_ASSERT_EQUAL(sr.p2_done, 1);
	CU_ASSERT_EQUAL(si.sas[IKE_SA_STATE_ESTABLISHED], 1);
	CU_ASSERT_EQUAL(sr.sas[IKE_SA_STATE_ESTABLISHED], 1);
	CU_ASSERT_EQUAL(si.children, 1);
	CU_ASSERT_EQUAL(si.half_open, 0);
	/* 6 main mode + 3 quick mode messages, nothing else */
	CU_ASSERT_EQUAL(n_sent, 9);
	CU_ASSERT_EQUAL(pi.ups[0].alg.cipher, ALG_CIPHER_AES_CBC);
	CU_ASSERT_EQUAL(pi.ups[0].in.enc_len, 16);
	CU_ASSERT_EQUAL(pi.ups[0].in.integ_len, 32);
	CU_ASSERT_FALSE(pi.ups[0].encap);
	CU_ASSERT_EQUAL(pi.ups[0].replay_window, 32);
	/* TS of I: local 198.51.100.0/24, remote 203.0.113.0/24 */
	CU_ASSERT_EQUAL(pi.ups[0].local_ts[0].net.a.addr[0], 198);
	CU_ASSERT_EQUAL(pi.ups[0].local_ts[0].net.len, 24);
	CU_ASSERT_EQUAL(pi.ups[0].remote_ts[0].net.a.addr[0], 203);
	CU_ASSERT_EQUAL(pi.ups[0].ike_sa, 1);
	/* Everything after MM4 is encrypted, on port 500 (no NAT). */
	CU_ASSERT_EQUAL(sent[4].p[19] & IKEV1_FLAG_ENCRYPTION, IKEV1_FLAG_ENCRYPTION);
	CU_ASSERT_EQUAL(sent[3].p[19] & IKEV1_FLAG_ENCRYPTION, 0);
	CU_ASSERT_EQUAL(sent[4].from.port, 500);
	CU_ASSERT_EQUAL(sent[8].to.port, 500);
	/* initiating again: up already, nothing happens */
	CU_ASSERT_EQUAL(ikev1_initiate(pi.e, now, 0), 0);
	CU_ASSERT_EQUAL(n_wire, 0);
	teardown();
}

/* Proposal sets: IKE and ESP algorithms, with and without PFS. */
static void
run_set(const char *ike_name, uint16_t bits, uint16_t prf, uint16_t dh, const char *esp,
    uint16_t pfs, uint8_t enc_len, uint8_t integ_len)
{
	setup();
	ike_prop(&pi.conn[0].proposals[0], bits, prf, dh, ike_name);
	ike_prop(&pr.conn[0].proposals[0], bits, prf, dh, ike_name);
	esp_prop(&pi.child[0].esp_proposals[0], esp, pfs);
	esp_prop(&pr.child[0].esp_proposals[0], esp, pfs);
	start();
	negotiate();
	CU_ASSERT_EQUAL(pi.ups[0].in.enc_len, enc_len);
	CU_ASSERT_EQUAL(pi.ups[0].in.integ_len, integ_len);
	CU_ASSERT_EQUAL(pr.ups[0].out.enc_len, enc_len);
	teardown();
}

static void
test_ikev1_sm_proposal_sets(void)
{
	run_set("aes128-sha256-modp2048", 128, 5, 14, "aes128-sha256", 0, 16, 32);
	run_set("aes128-sha256-modp2048", 128, 5, 14, "aes128-sha256", 14, 16, 32);
	run_set("aes256-sha384-ecp384", 256, 6, 20, "aes256-sha384", 0, 32, 48);
	run_set("aes256-sha384-ecp384", 256, 6, 20, "aes256gcm16", 20, 36, 0);
	run_set("aes192-sha512-ecp256", 192, 7, 19, "aes128gcm16", 0, 20, 0);
	run_set("aes128-sha1-curve25519", 128, 2, 31, "aes256-sha512", 31, 32, 64);
	run_set("aes256-sha256-modp3072", 256, 5, 15, "aes128gcm16", 15, 20, 0);
}

/* The responder picks among its proposals and children. */
static void
test_ikev1_sm_select(void)
{
	setup();
	/* R prefers ecp384 but also takes modp2048; I offers only modp2048 */
	pr.conn[0].n_proposals = 2;
	ike_prop(&pr.conn[0].proposals[0], 256, 6, 20, "aes256-sha384-ecp384");
	ike_prop(&pr.conn[0].proposals[1], 128, 5, 14, "aes128-sha256-modp2048");
	/* I offers GCM then CBC; R has only CBC */
	pi.child[0].n_esp_proposals = 2;
	esp_prop(&pi.child[0].esp_proposals[0], "aes256gcm16", 0);
	esp_prop(&pi.child[0].esp_proposals[1], "aes128-sha256", 0);
	/* R: a first child that does not fit, then a wider one that holds I's selectors */
	pr.cfg.n_children = 2;
	pr.conn[0].n_children = 2;
	pr.child[1] = pr.child[0];
	snprintf(pr.child[0].name, sizeof(pr.child[0].name), "other");
	ts4(&pr.child[0].remote_ts[0], 198, 51, 101, 24);
	snprintf(pr.child[1].name, sizeof(pr.child[1].name), "wide");
	ts4(&pr.child[1].remote_ts[0], 198, 51, 0, 16);
	ts4(&pr.child[1].local_ts[0], 203, 0, 0, 16);
	start();
	negotiate();
	CU_ASSERT_EQUAL(pr.ups[0].child, 1);
	CU_ASSERT_EQUAL(pr.ups[0].alg.cipher, ALG_CIPHER_AES_CBC);
	/* narrowed to what I proposed */
	CU_ASSERT_EQUAL(pr.ups[0].remote_ts[0].net.len, 24);
	CU_ASSERT_EQUAL(pr.ups[0].remote_ts[0].net.a.addr[2], 100);
	CU_ASSERT_EQUAL(pr.ups[0].local_ts[0].net.len, 24);
	teardown();

	/* I wider than R: R narrows to its own child, I accepts the narrower answer */
	setup();
	ts4(&pi.child[0].remote_ts[0], 203, 0, 0, 16);
	start();
	negotiate();
	CU_ASSERT_EQUAL(pi.ups[0].remote_ts[0].net.len, 24);
	CU_ASSERT_EQUAL(pi.ups[0].remote_ts[0].net.a.addr[2], 113);
	teardown();
}

/* Two children on one phase 1: one main mode, two quick modes. */
static void
test_ikev1_sm_two_children(void)
{
	unsigned int i;

	setup();
	for (i = 0; i < 2; i++) {
		struct peer *p = i == 0 ? &pi : &pr;

		p->cfg.n_children = 2;
		p->conn[0].n_children = 2;
		p->child[1] = p->child[0];
		snprintf(p->child[1].name, sizeof(p->child[1].name), "net2");
	}
	ts4(&pi.child[1].local_ts[0], 198, 51, 100, 25);
	ts4(&pr.child[1].remote_ts[0], 198, 51, 100, 25);
	pr.child[0].remote_ts[0].net.a.addr[3] = 128;
	pr.child[0].remote_ts[0].net.len = 25;
	pi.child[0].local_ts[0].net.a.addr[3] = 128;
	pi.child[0].local_ts[0].net.len = 25;
	start();
	CU_ASSERT_EQUAL(ikev1_initiate(pi.e, now, 0), 0);
	CU_ASSERT_EQUAL(ikev1_initiate(pi.e, now, 1), 0); /* waits for phase 1 */
	pump();
	CU_ASSERT_EQUAL(pi.n_up, 2);
	CU_ASSERT_EQUAL(pr.n_up, 2);
	CU_ASSERT_EQUAL(v1_stats(&pi).p1_done, 1);
	CU_ASSERT_EQUAL(n_sent, 12);
	CU_ASSERT_NOT_EQUAL(pi.ups[0].child, pi.ups[1].child);
	CU_ASSERT_NOT_EQUAL(pi.ups[0].spi_in, pi.ups[1].spi_in);
	/* R picked the matching child for each */
	for (i = 0; i < 2; i++) {
		const struct ike_child_sa *a = &pi.ups[i];
		const struct ike_child_sa *b =
		    pr.ups[0].spi_out == a->spi_in ? &pr.ups[0] : &pr.ups[1];

		check_mirror(a, b);
		CU_ASSERT_EQUAL(a->child, b->child);
	}
	teardown();
}

static int
visit_copy(void *arg, const struct ike_sa_info *info)
{
	memcpy(arg, info, sizeof(*info));
	return 0;
}

/* Forced encapsulation: fake NAT-D, float to 4500, UDP-encapsulated tunnel mode. */
static void
test_ikev1_sm_natt(void)
{
	unsigned int i;
	struct ike_sa_info info;

	setup();
	pi.conn[0].encap = true;
	pi.conn[0].dpd_delay = 0;
	start();
	negotiate();
	CU_ASSERT_TRUE(pi.ups[0].encap);
	CU_ASSERT_TRUE(pr.ups[0].encap);
	CU_ASSERT_EQUAL(pi.ups[0].local_port, 4500);
	CU_ASSERT_EQUAL(pi.ups[0].remote_port, 4500);
	CU_ASSERT_EQUAL(pr.ups[0].local_port, 4500);
	CU_ASSERT_EQUAL(pr.ups[0].remote_port, 4500);
	/* MM1..MM4 on 500, MM5 on from 4500 to 4500 */
	for (i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(sent[i].from.port, 500);
	for (i = 4; i < n_sent; i++) {
		CU_ASSERT_EQUAL(sent[i].from.port, 4500);
		CU_ASSERT_EQUAL(sent[i].to.port, 4500);
	}
	/* NAT-D payloads in MM3 and MM4 */
	{
		struct ikev1_msg *m = malloc(sizeof(*m));

		CU_ASSERT_EQUAL(ikev1_msg_parse(sent[2].p, sent[2].len, m), 0);
		CU_ASSERT_EQUAL(m->n_natds, 2);
		CU_ASSERT_EQUAL(m->natd_type, IKEV1_PL_NATD);
		CU_ASSERT_EQUAL(ikev1_msg_parse(sent[3].p, sent[3].len, m), 0);
		CU_ASSERT_EQUAL(m->n_natds, 2);
		free(m);
	}
	/* The list: I believes it is behind a NAT, R sees the NAT at I */
	CU_ASSERT_EQUAL(ikev1_sa_list(pi.e, 0, 10, visit_copy, &info), 1);
	CU_ASSERT_TRUE(info.nat_local);
	CU_ASSERT_EQUAL(info.state, IKE_SA_STATE_ESTABLISHED);
	CU_ASSERT_TRUE(info.initiator);
	CU_ASSERT_STRING_EQUAL(info.proposal, "aes128-sha256-modp2048");
	CU_ASSERT_STRING_EQUAL(info.peer_id, "192.0.2.2");
	CU_ASSERT_EQUAL(info.n_children, 1);
	CU_ASSERT_EQUAL(info.local.port, 4500);
	CU_ASSERT_EQUAL(ikev1_sa_list(pr.e, 0, 10, visit_copy, &info), 1);
	CU_ASSERT_TRUE(info.nat_remote);
	CU_ASSERT_FALSE(info.nat_local);
	CU_ASSERT_FALSE(info.initiator);
	CU_ASSERT_EQUAL(ikev1_sa_list(pr.e, 1, 10, visit_copy, &info), 0);
	/* keepalives from the side behind the NAT only, every 20 s of silence */
	advance(25 * S);
	CU_ASSERT_TRUE(pi.keepalives >= 1);
	CU_ASSERT_EQUAL(pr.keepalives, 0);
	teardown();
}

/* Deletes: a phase-2 delete from either side, then the ISAKMP SA. */
static void
test_ikev1_sm_delete(void)
{
	struct ike_sa_info info;

	setup();
	start();
	negotiate();
	/* from the initiator */
	CU_ASSERT_EQUAL(ikev1_child_delete(pi.e, now, 0), 0);
	pump();
	CU_ASSERT_EQUAL(pi.n_down, 1);
	CU_ASSERT_EQUAL(pr.n_down, 1);
	CU_ASSERT_EQUAL(pi.last_down.spi_in, pr.last_down.spi_out);
	CU_ASSERT_EQUAL(pi.last_down.in.enc_len, 0); /* keys zeroed for child_down */
	CU_ASSERT_EQUAL(v1_stats(&pr).deletes_received, 1);
	CU_ASSERT_EQUAL(ikev1_child_delete(pi.e, now, 0), -ENOENT);
	/* again over the same phase 1, then from the responder */
	CU_ASSERT_EQUAL(ikev1_initiate(pi.e, now, 0), 0);
	pump();
	CU_ASSERT_EQUAL(pi.n_up, 2);
	CU_ASSERT_EQUAL(pr.n_up, 2);
	CU_ASSERT_EQUAL(v1_stats(&pi).p1_done, 1);
	check_mirror(&pi.ups[1], &pr.ups[1]);
	CU_ASSERT_EQUAL(ikev1_child_delete(pr.e, now, 0), 0);
	pump();
	CU_ASSERT_EQUAL(pi.n_down, 2);
	CU_ASSERT_EQUAL(pr.n_down, 2);
	/* a pair and the IKE SA, from the responder: both sides lose everything */
	CU_ASSERT_EQUAL(ikev1_initiate(pi.e, now, 0), 0);
	pump();
	CU_ASSERT_EQUAL(pi.n_up, 3);
	CU_ASSERT_EQUAL(ikev1_sa_list(pr.e, 0, 1, visit_copy, &info), 1);
	CU_ASSERT_EQUAL(ikev1_ike_delete(pr.e, now, info.id), 0);
	pump();
	CU_ASSERT_EQUAL(pi.n_down, 3);
	CU_ASSERT_EQUAL(pr.n_down, 3);
	CU_ASSERT_EQUAL(v1_stats(&pi).sas[IKE_SA_STATE_ESTABLISHED], 0);
	CU_ASSERT_EQUAL(v1_stats(&pr).sas[IKE_SA_STATE_ESTABLISHED], 0);
	CU_ASSERT_EQUAL(ikev1_ike_delete(pr.e, now, info.id), -ENOENT);
	/* hard lifetime event from a worker: pair deleted on both sides */
	CU_ASSERT_EQUAL(ikev1_initiate(pi.e, now, 0), 0);
	pump();
	CU_ASSERT_EQUAL(pi.n_up, 4);
	ikev1_sa_expired(pi.e, now, pi.ups[3].spi_in, true, false); /* soft: logged only */
	pump();
	CU_ASSERT_EQUAL(pi.n_down, 3);
	ikev1_sa_expired(pi.e, now, pi.ups[3].spi_out, false, true);
	pump();
	CU_ASSERT_EQUAL(pi.n_down, 4);
	CU_ASSERT_EQUAL(pr.n_down, 4);
	ikev1_sa_expired(pi.e, now, 0x12345678, true, true); /* unknown: ignored */
	teardown();
}

/* Shutdown sends the deletes while the transport still runs. */
static void
test_ikev1_sm_destroy_deletes(void)
{
	setup();
	start();
	negotiate();
	ikev1_destroy(pi.e);
	pi.e = NULL;
	CU_ASSERT_EQUAL(pi.n_down, 1);
	pump();
	CU_ASSERT_EQUAL(pr.n_down, 1);
	CU_ASSERT_EQUAL(v1_stats(&pr).sas[IKE_SA_STATE_ESTABLISHED], 0);
	teardown();
}

/* A restarted peer says INITIAL-CONTACT: the old SAs with it go. */
static void
test_ikev1_sm_initial_contact(void)
{
	struct ikev1_stats sr;

	setup();
	start();
	negotiate();
	CU_ASSERT_EQUAL(v1_stats(&pr).initial_contacts, 1); /* first contact ever */
	/* I "reboots": its SAs vanish without a word */
	drop_all = true;
	ikev1_destroy(pi.e);
	drop_all = false;
	clear_wire();
	pi.e = ikev1_create(&pi.cfg, &pi.ops);
	CU_ASSERT_EQUAL_FATAL(ikev1_initiate(pi.e, now, 0), 0);
	pump();
	sr = v1_stats(&pr);
	CU_ASSERT_EQUAL(sr.initial_contacts, 2);
	CU_ASSERT_EQUAL(pr.n_down, 1); /* the old pair */
	CU_ASSERT_EQUAL(pr.n_up, 2);
	CU_ASSERT_EQUAL(sr.sas[IKE_SA_STATE_ESTABLISHED], 1);
	CU_ASSERT_EQUAL(sr.children, 1);
	check_mirror(&pi.ups[1], &pr.ups[1]);
	/* R had another SA with I: it does not send INITIAL-CONTACT in MM6 now */
	CU_ASSERT_EQUAL(v1_stats(&pi).initial_contacts, 1);
	teardown();
}

/*
 * I's NAT gives it another port: R moves the ISAKMP SA and the pair's UDP
 * encapsulation at I's next message with a good HASH (a DPD R-U-THERE),
 * not at one whose HASH is bad, and answers there.
 */
static void
test_ikev1_sm_nat_move(void)
{
	struct ike_sa_info info;
	unsigned int k, before, n;

	setup();
	pi.conn[0].encap = true;
	pi.conn[0].dpd_delay = 10;
	pi.conn[0].dpd_timeout = 60;
	start();
	negotiate();
	CU_ASSERT_EQUAL(pr.n_remap, 0);
	harness_hooks.batch = batch_nat;
	nat_port = 40001;
	/* The first R-U-THERE is garbled on its way (HASH or decryption fails): nothing moves. */
	before = n_sent;
	for (n = 0; n < 120 && n_wire == 0; n++) {
		now += 100 * MS; /* I's clock alone: its R-U-THERE stays on the wire */
		harness_ikev1.tick(pi.e, now);
	}
	CU_ASSERT_EQUAL_FATAL(n_wire, 1);
	wire[0].p[wire[0].len - 1] ^= 0x01;
	pump();
	CU_ASSERT_EQUAL(pr.n_remap, 0);
	CU_ASSERT_EQUAL(ikev1_sa_list(pr.e, 0, 1, visit_copy, &info), 1);
	CU_ASSERT_EQUAL(info.remote.port, 4500);
	/* The next one is authentic: R follows I to its new port. */
	advance(25 * S);
	CU_ASSERT_EQUAL(pr.n_remap, 1);
	CU_ASSERT_EQUAL(pr.last_remap.spi_in, pr.ups[0].spi_in);
	CU_ASSERT_EQUAL(pr.last_remap.remote_port, 40001);
	CU_ASSERT_TRUE(pr.last_remap.encap);
	CU_ASSERT_EQUAL(ikev1_sa_list(pr.e, 0, 1, visit_copy, &info), 1);
	CU_ASSERT_EQUAL(info.remote.port, 40001);
	for (k = before; k < n_sent; k++)
		if (sent[k].from.a.addr[3] == pr.addr.addr[3] && k > before + 1)
			CU_ASSERT_EQUAL(sent[k].to.port, 40001);
	/* Still there: nothing more to move. */
	advance(25 * S);
	CU_ASSERT_EQUAL(pr.n_remap, 1);
	CU_ASSERT_EQUAL(v1_stats(&pi).dpd_timeouts, 0);
	nat_port = 0;
	harness_hooks.batch = NULL;
	teardown();
}

/* DPD: answered while the peer lives, SAs removed when it stops answering. */
static void
test_ikev1_sm_dpd(void)
{
	struct ikev1_stats si;

	setup();
	pi.conn[0].dpd_delay = 10;
	pi.conn[0].dpd_timeout = 30;
	start();
	negotiate();
	advance(25 * S);
	si = v1_stats(&pi);
	CU_ASSERT_TRUE(si.dpd_sent >= 2);
	CU_ASSERT_EQUAL(si.dpd_timeouts, 0);
	CU_ASSERT_EQUAL(pi.n_down, 0);
	/* the link goes */
	drop_all = true;
	advance(60 * S);
	si = v1_stats(&pi);
	CU_ASSERT_EQUAL(si.dpd_timeouts, 1);
	CU_ASSERT_EQUAL(pi.n_down, 1);
	CU_ASSERT_EQUAL(si.sas[IKE_SA_STATE_ESTABLISHED], 0);
	CU_ASSERT_EQUAL(pr.n_down, 0); /* R has no DPD configured */
	drop_all = false;
	teardown();
}

/* A lost message is retransmitted; a repeated request gets the stored reply. */
static void
test_ikev1_sm_retransmit(void)
{
	unsigned int k;

	/* k: index of the message lost (MM2 .. QM3) */
	for (k = 0; k < 9; k++) {
		setup();
		start();
		drop_index = (int)k;
		CU_ASSERT_EQUAL(ikev1_initiate(pi.e, now, 0), 0);
		pump();
		advance(10 * S);
		CU_ASSERT_EQUAL(pi.n_up, 1);
		CU_ASSERT_EQUAL(pr.n_up, 1);
		if (pi.n_up == 1 && pr.n_up == 1)
			check_mirror(&pi.ups[0], &pr.ups[0]);
		CU_ASSERT_TRUE(v1_stats(&pi).retransmits + v1_stats(&pr).retransmits >= 1);
		/* a lost reply: the peer saw the request twice and answered from its store */
		if (k == 1 || k == 3 || k == 5 || k == 7)
			CU_ASSERT_TRUE(v1_stats(&pr).dropped[IKE_DROP_RETRANSMIT] >= 1);
		teardown();
	}
}

/* Different pre-shared keys: AUTHENTICATION-FAILED, no SA on either side. */
static void
test_ikev1_sm_wrong_psk(void)
{
	struct ikev1_stats si, sr;

	setup();
	memcpy(pr.sec[0].secret, "other-psk!", 10);
	start();
	CU_ASSERT_EQUAL(ikev1_initiate(pi.e, now, 0), 0);
	pump();
	sr = v1_stats(&pr);
	CU_ASSERT_EQUAL(sr.dropped[IKE_DROP_AUTH], 1);
	CU_ASSERT_EQUAL(sr.notifies_sent, 1);
	CU_ASSERT_EQUAL(sr.p1_failed, 1);
	CU_ASSERT_EQUAL(sr.sas[IKE_SA_STATE_CONNECTING] + sr.sas[IKE_SA_STATE_ESTABLISHED], 0);
	advance(120 * S);
	si = v1_stats(&pi);
	CU_ASSERT_EQUAL(si.p1_failed, 1);
	CU_ASSERT_EQUAL(si.sas[IKE_SA_STATE_CONNECTING] + si.sas[IKE_SA_STATE_ESTABLISHED], 0);
	CU_ASSERT_EQUAL(pi.n_up + pr.n_up, 0);
	teardown();

	/* Same key, but R expects another identity for I: AUTHENTICATION-FAILED
	 * that I can decrypt, and it gives up at once. */
	setup();
	pr.conn[0].remote.id_type = CONFIG_ID_FQDN;
	snprintf(pr.conn[0].remote.id, sizeof(pr.conn[0].remote.id), "moon.example.org");
	start();
	CU_ASSERT_EQUAL(ikev1_initiate(pi.e, now, 0), 0);
	pump();
	si = v1_stats(&pi);
	CU_ASSERT_EQUAL(v1_stats(&pr).dropped[IKE_DROP_AUTH], 1);
	CU_ASSERT_EQUAL(si.p1_failed, 1);
	CU_ASSERT_EQUAL(si.sas[IKE_SA_STATE_CONNECTING], 0);
	CU_ASSERT_EQUAL(pi.n_up + pr.n_up, 0);
	teardown();

	/* ... and with the identity it expects, it works */
	setup();
	pr.conn[0].remote.id_type = CONFIG_ID_FQDN;
	snprintf(pr.conn[0].remote.id, sizeof(pr.conn[0].remote.id), "moon.example.org");
	pi.conn[0].local.id_type = CONFIG_ID_FQDN;
	snprintf(pi.conn[0].local.id, sizeof(pi.conn[0].local.id), "Moon.Example.Org");
	start();
	negotiate();
	teardown();
}

/* Records from @from on, of peer 192.0.2.@d: MM1s logged, "deleted" ones and their severity. */
struct ho_log {
	unsigned int resp_start, deleted, deleting, info_deleted;
};

static struct ho_log
ho_log_scan(const struct log_ring *r, uint64_t from, uint8_t d)
{
	struct ho_log h = { 0 };
	struct log_record rec;
	uint64_t t, end = log_ring_claim(r);

	for (t = from; t < end; t++) {
		if (log_ring_read(r, t, &rec) != LOG_RING_OK || rec.corr.peer_family != 4 ||
		    rec.corr.peer[3] != d)
			continue;
		h.resp_start += rec.msg_id == LOG_MSG_MM_RESP_START;
		if (strstr(rec.text, " deleted: ") != NULL) {
			h.deleted++;
			h.info_deleted += rec.severity == LOG_SEV_INFO;
		}
		h.deleting += strstr(rec.text, "-> deleting") != NULL;
	}
	return h;
}

/*
 * A responder SA that only saw MM1 (a spoofed source's) ends by eviction or
 * half-open timeout without a record of its own unless diagnostics are on
 * (then one debug record): a flood must not overwrite the log ring.  Its
 * MM1 is logged ("Starting IKE main mode responder negotiation"), and the
 * initiator's own failed SA is still logged at info.
 */
static void
test_ikev1_sm_half_open_quiet(void)
{
	char inst[64];
	struct log_ring *r;
	struct ho_log h;
	struct ikev1_stats sr;
	uint8_t *mm1;
	uint64_t from;
	size_t len;
	int diag;

	snprintf(inst, sizeof(inst), "test-v1ho-%ld", (long)getpid());
	CU_ASSERT_FATAL(log_open(inst, 1024) == 0);
	r = log_ring_attach(inst, NULL, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	for (diag = 0; diag < 2; diag++) {
		log_set_diagnostics(diag != 0);
		setup();
		pr.cfg.ike.half_open_max = 1;
		start();
		from = log_ring_claim(r);
		CU_ASSERT_EQUAL_FATAL(ikev1_initiate(pi.e, now, 0), 0);
		CU_ASSERT_EQUAL_FATAL(n_wire, 1);
		len = wire[0].len;
		mm1 = wire[0].p;
		n_wire = 0;
		drop_all = true; /* MM2 never arrives */
		ikev1_input(pr.e, now, &wire[0].to, &wire[0].from, mm1, len);
		/* Another MM1 (another cookie) evicts the first SA, then times out. */
		mm1[0] ^= 0xff;
		ikev1_input(pr.e, now, &wire[0].to, &wire[0].from, mm1, len);
		free(mm1);
		sr = v1_stats(&pr);
		CU_ASSERT_EQUAL(sr.half_open_evicted, 1);
		CU_ASSERT_EQUAL(sr.sas[IKE_SA_STATE_CONNECTING], 1);
		advance(40 * S);
		sr = v1_stats(&pr);
		CU_ASSERT_EQUAL(sr.sas[IKE_SA_STATE_CONNECTING], 0);
		CU_ASSERT_EQUAL(sr.p1_failed, 1);
		h = ho_log_scan(r, from, 1); /* R's records: the peer is I */
		CU_ASSERT_EQUAL(h.resp_start, 2);
		CU_ASSERT_EQUAL(h.deleted, diag ? 2 : 0);
		CU_ASSERT_EQUAL(h.info_deleted, 0);
		CU_ASSERT_EQUAL(h.deleting, 0);
		h = ho_log_scan(r, from, 2); /* I's: its main mode failed */
		CU_ASSERT_EQUAL(h.info_deleted, 1);
		CU_ASSERT_EQUAL(h.deleting, 1);
		teardown();
	}
	log_set_diagnostics(false);
	log_ring_detach(r);
	log_close();
	CU_ASSERT_EQUAL(log_ring_unlink(inst), 0);
}

/* Secret @i of @p: @key, for the IPv4 identity 192.0.2.@d (0: no ids, any peer). */
static void
psk_set(struct peer *p, unsigned int i, const char *key, uint8_t d)
{
	struct config_secret *sec = &p->sec[i];

	memset(sec, 0, sizeof(*sec));
	sec->type = CONFIG_SECRET_IKE;
	sec->secret_len = strlen(key);
	memcpy(sec->secret, key, sec->secret_len);
	if (d != 0) {
		sec->n_ids = 1;
		sec->id_types[0] = CONFIG_ID_IPV4;
		snprintf(sec->ids[0], sizeof(sec->ids[0]), "192.0.2.%u", d);
		memcpy(sec->id_addrs[0], (const uint8_t[]){ 192, 0, 2, d }, 4);
	}
	if (p->cfg.n_secrets < i + 1)
		p->cfg.n_secrets = i + 1;
}

/*
 * PSK choice as strongSwan's: a secret naming the peer (ID_MATCH_PERFECT,
 * 20) beats one for any peer (two ID_MATCH_ANY, 1 + 1), whichever comes
 * first; a secret naming another peer is never taken.
 */
static void
test_ikev1_sm_psk_choice(void)
{
	unsigned int order;

	for (order = 0; order < 2; order++) {
		/* R: a wildcard secret and I's own; I has only its own. */
		setup();
		psk_set(&pr, order, "wildcard-psk", 0);
		psk_set(&pr, 1 - order, "secret-psk", 1);
		start();
		negotiate();
		CU_ASSERT_EQUAL(v1_stats(&pr).dropped[IKE_DROP_AUTH], 0);
		teardown();

		/* I: the same on the initiator's side, R's secret named. */
		setup();
		psk_set(&pi, order, "wildcard-psk", 0);
		psk_set(&pi, 1 - order, "secret-psk", 2);
		start();
		negotiate();
		teardown();
	}

	/* A secret for another peer is not R's: the wildcard one is used. */
	setup();
	psk_set(&pr, 0, "secret-psk", 0);
	psk_set(&pr, 1, "other-peer-psk", 9);
	start();
	negotiate();
	teardown();

	/* ... and with only that one, there is no key for I: no SA. */
	setup();
	psk_set(&pr, 0, "secret-psk", 9);
	start();
	CU_ASSERT_EQUAL(ikev1_initiate(pi.e, now, 0), 0);
	pump();
	CU_ASSERT_EQUAL(pi.n_up + pr.n_up, 0);
	CU_ASSERT_EQUAL(v1_stats(&pr).sas[IKE_SA_STATE_ESTABLISHED], 0);
	teardown();
}

/* No common proposal: NO-PROPOSAL-CHOSEN in the clear; the initiator gives up. */
static void
test_ikev1_sm_no_proposal(void)
{
	struct ikev1_stats si;

	setup();
	ike_prop(&pr.conn[0].proposals[0], 256, 7, 16, "aes256-sha512-modp4096");
	start();
	CU_ASSERT_EQUAL(ikev1_initiate(pi.e, now, 0), 0);
	pump();
	CU_ASSERT_EQUAL_FATAL(n_sent, 2);
	CU_ASSERT_EQUAL(v1_clear_notify(&sent[1]), IKEV1_N_NO_PROPOSAL_CHOSEN);
	si = v1_stats(&pi);
	CU_ASSERT_EQUAL(si.p1_failed, 1);
	CU_ASSERT_EQUAL(si.sas[IKE_SA_STATE_CONNECTING], 0);
	CU_ASSERT_EQUAL(v1_stats(&pr).dropped[IKE_DROP_NO_PROPOSAL], 1);
	CU_ASSERT_EQUAL(v1_stats(&pr).sas[IKE_SA_STATE_CONNECTING], 0);
	teardown();

	/* phase 2: ESP proposals do not meet */
	setup();
	esp_prop(&pr.child[0].esp_proposals[0], "aes256gcm16", 0);
	start();
	CU_ASSERT_EQUAL(ikev1_initiate(pi.e, now, 0), 0);
	pump();
	CU_ASSERT_EQUAL(v1_stats(&pi).p1_done, 1);
	CU_ASSERT_EQUAL(v1_stats(&pi).p2_failed, 1); /* the encrypted notify named our SPI */
	CU_ASSERT_EQUAL(v1_stats(&pr).p2_failed, 1);
	CU_ASSERT_EQUAL(pi.n_up + pr.n_up, 0);
	teardown();

	/* signatures are not implemented: the offer is refused with a reason */
	setup();
	pr.conn[0].local.auth = CONFIG_AUTH_PUBKEY;
	pr.conn[0].remote.auth = CONFIG_AUTH_PUBKEY;
	start();
	CU_ASSERT_EQUAL(ikev1_initiate(pi.e, now, 0), 0);
	pump();
	CU_ASSERT_EQUAL(v1_clear_notify(&sent[1]), IKEV1_N_NO_PROPOSAL_CHOSEN);
	teardown();
}

/* The installer refuses: the pair is deleted towards the peer. */
static void
test_ikev1_sm_child_up_fails(void)
{
	setup();
	pr.child_up_rc = -ENOSPC;
	start();
	CU_ASSERT_EQUAL(ikev1_initiate(pi.e, now, 0), 0);
	pump();
	CU_ASSERT_EQUAL(pi.n_up, 1);
	CU_ASSERT_EQUAL(pr.n_up, 0);
	CU_ASSERT_EQUAL(pi.n_down, 1); /* R's delete arrived */
	CU_ASSERT_EQUAL(v1_stats(&pr).child_up_failed, 1);
	teardown();
}

/* Aggressive mode is refused whatever the connection says. */
static void
test_ikev1_sm_aggressive(void)
{
	uint8_t m[IKE_HDR_LEN + 64];
	struct ike_addr from = { .port = 500 }, to = { .port = 500 };
	struct ike_buf b;
	struct ike_hdr h = { .ispi = 0x1122334455667788ull, .exchange = IKEV1_EXCH_AGGRESSIVE };
	uint8_t nonce[16] = { 1 };

	setup();
	start();
	addr4(&from.a, 1);
	addr4(&to.a, 2);
	ike_payload_buf_init(&b, m, sizeof(m));
	ikev1_msg_build_hdr(&b, &h);
	ikev1_msg_build_nonce(&b, nonce, sizeof(nonce));
	CU_ASSERT_EQUAL_FATAL(ikev1_msg_build_finish(&b), 0);
	ikev1_input(pr.e, now, &to, &from, m, b.len);
	CU_ASSERT_EQUAL(v1_stats(&pr).dropped[IKE_DROP_UNSUPPORTED], 1);
	CU_ASSERT_EQUAL_FATAL(n_wire, 1);
	CU_ASSERT_EQUAL(v1_clear_notify(&sent[0]), IKEV1_N_UNSUPPORTED_EXCHANGE_TYPE);
	pr.conn[0].aggressive = true;
	ikev1_input(pr.e, now, &to, &from, m, b.len);
	CU_ASSERT_EQUAL(v1_stats(&pr).dropped[IKE_DROP_UNSUPPORTED], 2);
	CU_ASSERT_EQUAL(v1_stats(&pr).sas[IKE_SA_STATE_CONNECTING], 0);
	teardown();
}

/* Bad input: dropped and counted, answered as RFC 2408 §5 says, never a crash. */
static void
test_ikev1_sm_malformed(void)
{
	struct ike_addr from = { .port = 500 }, to = { .port = 500 };
	uint8_t m[2048], qm1[2048];
	struct ikev1_stats sr;
	size_t qm1_len, i;
	unsigned int before;

	setup();
	start();
	addr4(&from.a, 1);
	addr4(&to.a, 2);
	/* truncated, and shorter than a header */
	memset(m, 0, sizeof(m));
	ikev1_input(pr.e, now, &to, &from, m, 10);
	ikev1_input(pr.e, now, &to, &from, NULL, 0);
	CU_ASSERT_EQUAL(v1_stats(&pr).dropped[IKE_DROP_MALFORMED], 2);
	CU_ASSERT_EQUAL(n_sent, 0);

	/* a real MM1 to play with */
	CU_ASSERT_EQUAL(ikev1_initiate(pi.e, now, 0), 0);
	CU_ASSERT_EQUAL_FATAL(n_wire, 1);
	memcpy(m, wire[0].p, wire[0].len);
	i = wire[0].len;
	clear_wire();
	clear_sent();
	/* Length field not the datagram's: UNEQUAL-PAYLOAD-LENGTHS in the clear */
	m[27] ^= 0x40;
	ikev1_input(pr.e, now, &to, &from, m, i);
	m[27] ^= 0x40;
	CU_ASSERT_EQUAL(v1_stats(&pr).dropped[IKE_DROP_MALFORMED], 3);
	CU_ASSERT_EQUAL_FATAL(n_sent, 1);
	CU_ASSERT_EQUAL(v1_clear_notify(&sent[0]), IKEV1_N_UNEQUAL_PAYLOAD_LENGTHS);
	/* garbage after the header: the chain does not parse */
	{
		uint8_t g[IKE_HDR_LEN + 40];

		memcpy(g, m, IKE_HDR_LEN);
		for (i = IKE_HDR_LEN; i < sizeof(g); i++)
			g[i] = (uint8_t)(i * 37);
		g[24] = g[25] = g[26] = 0;
		g[27] = sizeof(g);
		ikev1_input(pr.e, now, &to, &from, g, sizeof(g));
		CU_ASSERT_EQUAL(v1_stats(&pr).dropped[IKE_DROP_MALFORMED], 4);
		/* an unknown payload type first: INVALID-PAYLOAD-TYPE */
		g[16] = 99;
		g[IKE_HDR_LEN] = 0;
		g[IKE_HDR_LEN + 2] = 0;
		g[IKE_HDR_LEN + 3] = 40;
		ikev1_input(pr.e, now, &to, &from, g, sizeof(g));
		CU_ASSERT_EQUAL(v1_stats(&pr).dropped[IKE_DROP_MALFORMED], 5);
		CU_ASSERT_EQUAL(v1_clear_notify(&sent[n_sent - 1]), IKEV1_N_INVALID_PAYLOAD_TYPE);
	}
	/* unknown cookies: Unknown IKE cookie, INVALID-COOKIE */
	{
		uint8_t u[IKE_HDR_LEN + 8];
		struct ike_buf b;
		struct ike_hdr h = { .ispi = 0xdeadbeef01020304ull,
			.rspi = 0x0506070809101112ull,
			.exchange = IKEV1_EXCH_ID_PROT };
		uint8_t vid[4] = { 1, 2, 3, 4 };

		ike_payload_buf_init(&b, u, sizeof(u));
		ikev1_msg_build_hdr(&b, &h);
		ikev1_msg_build_vid(&b, vid, sizeof(vid));
		CU_ASSERT_EQUAL_FATAL(ikev1_msg_build_finish(&b), 0);
		before = n_sent;
		ikev1_input(pr.e, now, &to, &from, u, b.len);
		CU_ASSERT_EQUAL(v1_stats(&pr).dropped[IKE_DROP_UNKNOWN_SA], 1);
		CU_ASSERT_EQUAL_FATAL(n_sent, before + 1);
		CU_ASSERT_EQUAL(v1_clear_notify(&sent[before]), IKEV1_N_INVALID_COOKIE);
		/* quick mode and informational for unknown cookies too */
		u[18] = IKEV1_EXCH_QUICK;
		u[20] = 1;
		ikev1_input(pr.e, now, &to, &from, u, b.len);
		CU_ASSERT_EQUAL(v1_stats(&pr).dropped[IKE_DROP_UNKNOWN_SA], 2);
		u[18] = IKEV1_EXCH_INFORMATIONAL;
		ikev1_input(pr.e, now, &to, &from, u, b.len);
		CU_ASSERT_EQUAL(v1_stats(&pr).dropped[IKE_DROP_UNKNOWN_SA], 3);
	}
	/* MM1 without SA payload */
	{
		uint8_t u[IKE_HDR_LEN + 8];
		struct ike_buf b;
		struct ike_hdr h = { .ispi = 0x0102030405060708ull,
			.exchange = IKEV1_EXCH_ID_PROT };
		uint8_t vid[4] = { 1, 2, 3, 4 };

		ike_payload_buf_init(&b, u, sizeof(u));
		ikev1_msg_build_hdr(&b, &h);
		ikev1_msg_build_vid(&b, vid, sizeof(vid));
		CU_ASSERT_EQUAL_FATAL(ikev1_msg_build_finish(&b), 0);
		ikev1_input(pr.e, now, &to, &from, u, b.len);
		CU_ASSERT_EQUAL(v1_stats(&pr).dropped[IKE_DROP_MALFORMED], 6);
		CU_ASSERT_EQUAL(v1_stats(&pr).sas[IKE_SA_STATE_CONNECTING], 0);
	}
	teardown();

	setup();
	start();
	CU_ASSERT_EQUAL(ikev1_initiate(pi.e, now, 0), 0);
	/* deliver MM1 only */
	{
		struct msg w = wire[0];

		n_wire = 0;
		ikev1_input(pr.e, now, &w.to, &w.from, w.p, w.len);
		CU_ASSERT_EQUAL(v1_stats(&pr).sas[IKE_SA_STATE_CONNECTING], 1);
		CU_ASSERT_EQUAL_FATAL(n_wire, 1);
		/* a quick mode with the cookies of the half-open SA: STATE */
		memcpy(m, wire[0].p, IKE_HDR_LEN);
		m[16] = IKEV1_PL_HASH;
		m[18] = IKEV1_EXCH_QUICK;
		m[19] = IKEV1_FLAG_ENCRYPTION;
		m[20] = 0x11;
		memset(m + IKE_HDR_LEN, 0xab, 32);
		m[24] = m[25] = m[26] = 0;
		m[27] = IKE_HDR_LEN + 32;
		ikev1_input(pr.e, now, &w.to, &w.from, m, IKE_HDR_LEN + 32);
		CU_ASSERT_EQUAL(v1_stats(&pr).dropped[IKE_DROP_STATE], 1);
		/* MM1 again, same bytes: MM2 again from the store */
		ikev1_input(pr.e, now, &w.to, &w.from, w.p, w.len);
		CU_ASSERT_EQUAL(v1_stats(&pr).dropped[IKE_DROP_RETRANSMIT], 1);
		CU_ASSERT_EQUAL(n_wire, 2);
		free(w.p);
	}
	pump();
	CU_ASSERT_EQUAL(pi.n_up, 1);
	CU_ASSERT_EQUAL(pr.n_up, 1);
	teardown();

	/* A quick mode whose HASH(1) does not match; then the genuine one. */
	setup();
	start();
	drop_index = 6; /* QM1 */
	CU_ASSERT_EQUAL(ikev1_initiate(pi.e, now, 0), 0);
	pump();
	CU_ASSERT_EQUAL_FATAL(n_sent, 7);
	qm1_len = sent[6].len;
	memcpy(qm1, sent[6].p, qm1_len);
	/* flip a ciphertext bit of block 1: garbles the hash, and one more hash byte */
	qm1[IKE_HDR_LEN + 17] ^= 0x01;
	ikev1_input(pr.e, now, &sent[6].to, &sent[6].from, qm1, qm1_len);
	sr = v1_stats(&pr);
	CU_ASSERT_EQUAL(sr.dropped[IKE_DROP_HASH], 1);
	CU_ASSERT_EQUAL(pr.n_up, 0);
	pump(); /* R's INVALID-HASH-INFORMATION notify reaches I */
	/* truncated ciphertext (not a multiple of the block) */
	qm1[IKE_HDR_LEN + 17] ^= 0x01;
	qm1[27] = (uint8_t)(qm1[27] - 1);
	ikev1_input(pr.e, now, &sent[6].to, &sent[6].from, qm1, qm1_len - 1);
	CU_ASSERT_EQUAL(v1_stats(&pr).dropped[IKE_DROP_DECRYPT], 1);
	qm1[27] = (uint8_t)(qm1[27] + 1);
	ikev1_input(pr.e, now, &sent[6].to, &sent[6].from, qm1, qm1_len);
	pump();
	CU_ASSERT_EQUAL(pi.n_up, 1);
	CU_ASSERT_EQUAL(pr.n_up, 1);
	/* a main mode message on an established SA, and a clear informational: ignored */
	ikev1_input(pr.e, now, &sent[4].to, &sent[4].from, sent[4].p, sent[4].len - 16);
	CU_ASSERT_EQUAL(pr.n_down, 0);
	teardown();
}

/*
 * Half-open SAs are bounded per source (the excess dropped) and in all:
 * a full table makes room by evicting the oldest responder SA still
 * waiting for MM3, so a real initiator gets through a flood of spoofed
 * MM1s; the rest time out.
 */
static void
test_ikev1_sm_half_open(void)
{
	struct ike_addr from = { .port = 500 }, to = { .port = 500 }, from_i, to_r;
	uint8_t mm1[1024], cookie0;
	size_t len;
	unsigned int i;
	struct ikev1_stats sr;

	setup();
	pr.cfg.ike.half_open_max = 10;
	pr.cfg.ike.half_open_per_source = 5;
	pr.cfg.ike.half_open_timeout = 30;
	pr.conn[0].n_remote_addrs = 0; /* %any: responder for every source */
	start();
	CU_ASSERT_EQUAL(ikev1_initiate(pi.e, now, 0), 0);
	CU_ASSERT_EQUAL_FATAL(n_wire, 1);
	len = wire[0].len;
	memcpy(mm1, wire[0].p, len);
	from_i = wire[0].from;
	to_r = wire[0].to;
	cookie0 = mm1[0];
	clear_wire();
	addr4(&to.a, 2);
	addr4(&from.a, 1);
	/* I's address, other cookies (never I's own): 5 half-open, 15 dropped */
	for (i = 0; i < 20; i++) {
		mm1[0] = (uint8_t)(cookie0 ^ (i + 1));
		ikev1_input(pr.e, now, &to, &from, mm1, len);
	}
	sr = v1_stats(&pr);
	CU_ASSERT_EQUAL(sr.half_open, 5);
	CU_ASSERT_EQUAL(sr.dropped[IKE_DROP_HALF_OPEN], 15);
	CU_ASSERT_EQUAL(sr.half_open_evicted, 0);
	/* 20 more sources: 5 fill the table, 15 evict the oldest (the first 5, then 10 of theirs) */
	for (i = 0; i < 20; i++) {
		addr4(&from.a, (uint8_t)(10 + i));
		mm1[0] = (uint8_t)(cookie0 ^ (100 + i));
		ikev1_input(pr.e, now, &to, &from, mm1, len);
	}
	sr = v1_stats(&pr);
	CU_ASSERT_EQUAL(sr.half_open, 10);
	CU_ASSERT_EQUAL(sr.dropped[IKE_DROP_HALF_OPEN], 15);
	CU_ASSERT_EQUAL(sr.half_open_evicted, 15);
	CU_ASSERT_EQUAL(sr.p1_failed, 0);
	/* I's genuine MM1 into the full table: it gets in, main and quick mode complete */
	clear_wire();
	mm1[0] = cookie0;
	ikev1_input(pr.e, now, &to_r, &from_i, mm1, len);
	pump();
	CU_ASSERT_EQUAL(pi.n_up, 1);
	CU_ASSERT_EQUAL(pr.n_up, 1);
	sr = v1_stats(&pr);
	CU_ASSERT_EQUAL(sr.half_open_evicted, 16);
	CU_ASSERT_EQUAL(sr.half_open, 9);
	CU_ASSERT_EQUAL(sr.p1_done, 1);
	CU_ASSERT_EQUAL(sr.sas[IKE_SA_STATE_ESTABLISHED], 1);
	/* the 9 left time out; the established SA stays */
	clear_wire();
	advance(31 * S);
	sr = v1_stats(&pr);
	CU_ASSERT_EQUAL(sr.half_open, 0);
	CU_ASSERT_EQUAL(sr.sas[IKE_SA_STATE_CONNECTING], 0);
	CU_ASSERT_EQUAL(sr.sas[IKE_SA_STATE_ESTABLISHED], 1);
	CU_ASSERT_EQUAL(sr.p1_failed, 9);
	teardown();
}

/* ---- known answers: an independent computation of SKEYID* and KEYMAT ---- */

static FILE *kat_rand;
static uint64_t kat_state = 0x9e3779b97f4a7c15ull;

/* A repeatable source (xorshift64*) that writes every draw to the transcript. */
static int
kat_random(uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		kat_state ^= kat_state >> 12;
		kat_state ^= kat_state << 25;
		kat_state ^= kat_state >> 27;
		buf[i] = (uint8_t)((kat_state * 0x2545f4914f6cdd1dull) >> 56);
	}
	if (kat_rand != NULL) {
		fprintf(kat_rand, "rand ");
		for (i = 0; i < len; i++)
			fprintf(kat_rand, "%02x", buf[i]);
		fprintf(kat_rand, "\n");
	}
	return 0;
}

static void
hex(FILE *f, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
	if (n == 0)
		fprintf(f, "-");
}

static void
kat_child(FILE *f, const char *who, const struct ike_child_sa *c)
{
	fprintf(f, "child %s %08x %08x ", who, c->spi_in, c->spi_out);
	hex(f, c->in.enc, c->in.enc_len);
	fprintf(f, " ");
	hex(f, c->in.integ, c->in.integ_len);
	fprintf(f, " ");
	hex(f, c->out.enc, c->out.enc_len);
	fprintf(f, " ");
	hex(f, c->out.integ, c->out.integ_len);
	fprintf(f, "\n");
}

static void
run_kat(const char *ike_name, uint16_t bits, uint16_t prf, uint16_t dh, const char *esp,
    uint16_t pfs)
{
	char path[] = "/tmp/ikev1_kat_XXXXXX";
	char cmd[256];
	unsigned int i;
	FILE *f;
	int fd, rc;

	setup();
	ike_prop(&pi.conn[0].proposals[0], bits, prf, dh, ike_name);
	ike_prop(&pr.conn[0].proposals[0], bits, prf, dh, ike_name);
	esp_prop(&pi.child[0].esp_proposals[0], esp, pfs);
	esp_prop(&pr.child[0].esp_proposals[0], esp, pfs);
	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	f = fdopen(fd, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	kat_rand = f;
	ike_crypto_random_set_hook(kat_random);
	start();
	negotiate();
	kat_rand = NULL;
	fprintf(f, "psk ");
	hex(f, pi.sec[0].secret, pi.sec[0].secret_len);
	fprintf(f, "\nprf %u\nencr_bits %u\ngroup %u\n", prf, bits, dh);
	for (i = 0; i < n_sent; i++) {
		fprintf(f, "msg %s ",
		    memcmp(sent[i].from.a.addr, pi.addr.addr, 4) == 0 ? "I" : "R");
		hex(f, sent[i].p, sent[i].len);
		fprintf(f, "\n");
	}
	kat_child(f, "I", &pi.ups[0]);
	kat_child(f, "R", &pr.ups[0]);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 tests/unit/slowpath/ike/ikev1_kat.py %s",
	    path);
	rc = system(cmd);
	CU_ASSERT_EQUAL(rc, 0);
	unlink(path);
	teardown();
}

static void
test_ikev1_sm_known_answer(void)
{
	run_kat("aes128-sha256-modp2048", 128, 5, 14, "aes128-sha256", 0);
	run_kat("aes256-sha384-modp3072", 256, 6, 15, "aes256gcm16", 14);
	run_kat("aes128-sha1-modp2048", 128, 2, 14, "aes128-sha1", 0);
}

int main(void);

int
main(void)
{
	static const struct harness_test tests[] = {
		{ "test_ikev1_sm_basic", test_ikev1_sm_basic },
		{ "test_ikev1_sm_proposal_sets", test_ikev1_sm_proposal_sets },
		{ "test_ikev1_sm_select", test_ikev1_sm_select },
		{ "test_ikev1_sm_two_children", test_ikev1_sm_two_children },
		{ "test_ikev1_sm_natt", test_ikev1_sm_natt },
		{ "test_ikev1_sm_delete", test_ikev1_sm_delete },
		{ "test_ikev1_sm_destroy_deletes", test_ikev1_sm_destroy_deletes },
		{ "test_ikev1_sm_initial_contact", test_ikev1_sm_initial_contact },
		{ "test_ikev1_sm_dpd", test_ikev1_sm_dpd },
		{ "test_ikev1_sm_nat_move", test_ikev1_sm_nat_move },
		{ "test_ikev1_sm_retransmit", test_ikev1_sm_retransmit },
		{ "test_ikev1_sm_wrong_psk", test_ikev1_sm_wrong_psk },
		{ "test_ikev1_sm_psk_choice", test_ikev1_sm_psk_choice },
		{ "test_ikev1_sm_half_open_quiet", test_ikev1_sm_half_open_quiet },
		{ "test_ikev1_sm_no_proposal", test_ikev1_sm_no_proposal },
		{ "test_ikev1_sm_child_up_fails", test_ikev1_sm_child_up_fails },
		{ "test_ikev1_sm_aggressive", test_ikev1_sm_aggressive },
		{ "test_ikev1_sm_malformed", test_ikev1_sm_malformed },
		{ "test_ikev1_sm_half_open", test_ikev1_sm_half_open },
		{ "test_ikev1_sm_known_answer", test_ikev1_sm_known_answer },
	};
	unsigned int fails;

	harness_use(&harness_ikev1);
	fails = harness_run("ikev1_sm", tests, DIM(tests));
	return fails == 0 ? 0 : 1;
}
