/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/integration/esp_xcheck.c: ESP packets to and from scapy through hex lines (test_esp_scapy.sh). */
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netinet/in.h>
#include <rte_eal.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "common/alg.h"
#include "fastpath/antireplay.h"
#include "fastpath/crypto_mb.h"
#include "fastpath/esp_inbound.h"
#include "fastpath/esp_outbound.h"
#include "fastpath/sad.h"
#include "fastpath/worker.h"

/*
 * esp_xcheck gen
 *     For every case (case_at()), protect a few UDP packets with esp_outbound_burst()
 *     and print one line per packet:
 *       case kw mode outer inner encap esn spi enc_key auth_key inner wire
 *     (mode tunnel|transport; keys, inner and wire in hex, "-" when empty).
 * esp_xcheck check FILE
 *     FILE has lines "case inner wire" (wire made by scapy with the same
 *     SA); decrypt each with esp_inbound_burst() and compare with inner.
 *     Prints "ok - ..." / "not ok - ..." lines; exits 1 on any failure.
 *
 * Our end is A, the peer is B, as in test_esp.c; in check mode we are B.
 */

#define NELEM(a)     (sizeof(a) / sizeof((a)[0]))
#define LINE_MAX_LEN 16384

static struct rte_mempool *pool;
static struct worker *w;
static IMB_MGR *ctl_mgr;

static const uint8_t A4[4] = { 192, 0, 2, 1 };
static const uint8_t B4[4] = { 192, 0, 2, 2 };
static const uint8_t A6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t B6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
static const uint8_t H4[2][4] = { { 198, 51, 100, 1 }, { 198, 51, 100, 2 } };
static const uint8_t H6[2][16] = { { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 1 },
	{ 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 2 } };

struct xcase {
	const char *kw;
	uint8_t outer, inner, mode;
	bool encap, esn;
	uint8_t ext; /* IPv6 transport: extension headers chains[ext] in front of UDP; 0 none */
};

static const char *const kws[] = { "aes128gcm16", "aes128-sha256", "chacha20poly1305",
	"aes256gcm16", "aes256-sha512", "aes128ctr-sha256", "null-sha256", "aes128-sha1" };
static const uint8_t shapes[][3] = {
	{ 4, 4, SA_MODE_TUNNEL },
	{ 6, 6, SA_MODE_TUNNEL },
	{ 6, 4, SA_MODE_TUNNEL },
	{ 4, 6, SA_MODE_TUNNEL },
	{ 4, 4, SA_MODE_TRANSPORT },
	{ 6, 6, SA_MODE_TRANSPORT },
};
static const uint16_t lens[] = { 0, 1, 37, 1000 };

/*
 * IPv6 extension header chains (RFC 8200 §4) of the transport-mode
 * packets: hop-by-hop (Router Alert, PadN), then destination options
 * (PadN; with no routing header scapy and Linux keep them in front of
 * ESP), then a routing header with no segments left (the destination
 * options after it go inside ESP).  Each ends naming UDP.
 */
static const struct {
	const char *name;
	uint8_t first, len;
	uint8_t b[24];
} chains[] = {
	{ "", 17, 0, { 0 } },
	{ " hop-by-hop", 0, 8, { 17, 0, 5, 2, 0, 0, 1, 0 } },
	{ " hop-by-hop+dest", 0, 16, { 60, 0, 5, 2, 0, 0, 1, 0, 17, 0, 1, 4, 0, 0, 0, 0 } },
	{ " hop-by-hop+routing+dest", 0, 24,
	    { 43, 0, 5, 2, 0, 0, 1, 0, 60, 0, 0, 0, 0, 0, 0, 0, 17, 0, 1, 4, 0, 0, 0, 0 } },
};

#define N_PLAIN (NELEM(kws) * NELEM(shapes) * 2)
#define N_ESN   (2 * NELEM(shapes)) /* GCM and ChaCha20-Poly1305 with ESN */
#define N_EXT   (NELEM(kws) * (NELEM(chains) - 1) * 2)
#define N_CASES (N_PLAIN + N_ESN + N_EXT)

/*
 * Case @p i: every proposal x shape x NAT-T, then the AEAD ones with ESN,
 * then IPv6 transport mode with each extension header chain, every
 * proposal x NAT-T.
 */
static void
case_at(unsigned int i, struct xcase *c)
{
	memset(c, 0, sizeof(*c));
	if (i >= N_PLAIN + N_ESN) {
		i -= N_PLAIN + N_ESN;
		c->kw = kws[i / ((NELEM(chains) - 1) * 2)];
		c->encap = i % 2;
		c->ext = (uint8_t)(1 + (i / 2) % (NELEM(chains) - 1));
		c->outer = 6;
		c->inner = 6;
		c->mode = SA_MODE_TRANSPORT;
		return;
	}
	if (i < N_PLAIN) {
		c->kw = kws[i / (NELEM(shapes) * 2)];
		c->encap = i % 2;
		i = (i / 2) % NELEM(shapes);
	} else {
		i -= N_PLAIN;
		c->kw = i < NELEM(shapes) ? "aes128gcm16" : "chacha20poly1305";
		c->esn = true;
		c->encap = true;
		i %= NELEM(shapes);
	}
	c->outer = shapes[i][0];
	c->inner = shapes[i][1];
	c->mode = shapes[i][2];
}

static void
fill(uint8_t *p, size_t n, uint32_t seed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}

static void
hex(const uint8_t *p, size_t n)
{
	size_t i;

	if (n == 0)
		fputs("-", stdout);
	for (i = 0; i < n; i++)
		printf("%02x", p[i]);
}

static size_t
unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;
	int hi = -1, v;

	for (; *s != '\0' && *s != ' ' && *s != '\n'; s++) {
		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else
			continue;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n < max)
			out[n] = (uint8_t)(hi << 4 | v);
		n++;
		hi = -1;
	}
	return n;
}

struct pair {
	struct alg_proposal prop;
	struct sa_rt_out *out;
	struct sa_rt_in *in;
	uint8_t enc[64], auth[128];
	size_t enc_len, auth_len;
};

static int
pair_make(const struct xcase *c, uint32_t spi, struct pair *pr)
{
	struct esp_sa_prm prm;
	uint8_t ivk[16];
	char err[256];

	memset(pr, 0, sizeof(*pr));
	if (alg_proposal_parse(c->kw, ALG_PROTO_ESP, &pr->prop, err, sizeof(err)) != 0)
		return -1;
	pr->enc_len = pr->prop.cipher_key_len + pr->prop.salt_len;
	pr->auth_len = pr->prop.aead ? 0 : pr->prop.auth_key_len;
	fill(pr->enc, sizeof(pr->enc), spi);
	fill(pr->auth, sizeof(pr->auth), spi ^ 0x5a5a5a5a);
	fill(ivk, sizeof(ivk), spi ^ 0x12345678);
	pr->out = rte_zmalloc("sa_out", sizeof(*pr->out), RTE_CACHE_LINE_SIZE);
	pr->in = rte_zmalloc("sa_in", sizeof(*pr->in), RTE_CACHE_LINE_SIZE);
	if (pr->out == NULL || pr->in == NULL)
		return -1;
	memset(&prm, 0, sizeof(prm));
	prm.prop = &pr->prop;
	prm.family = c->outer;
	prm.local = c->outer == 4 ? A4 : A6;
	prm.remote = c->outer == 4 ? B4 : B6;
	prm.mode = c->mode;
	prm.esn = c->esn;
	prm.encap = c->encap;
	prm.encap_sport = 4500;
	prm.encap_dport = 4500;
	pr->out->spi = rte_cpu_to_be_32(spi);
	pr->in->key.spi = pr->out->spi;
	if (esp_outbound_sa_init(pr->out, ctl_mgr, &prm, ivk) != 0 ||
	    crypto_mb_sa_init(&pr->out->crypto, ctl_mgr, &pr->prop, pr->enc, pr->auth) != 0)
		return -1;
	prm.local = c->outer == 4 ? B4 : B6;
	prm.remote = c->outer == 4 ? A4 : A6;
	if (esp_inbound_sa_init(pr->in, &prm) != 0 ||
	    antireplay_init(&pr->in->ar, 64, c->esn) != 0 ||
	    crypto_mb_sa_init(&pr->in->crypto, ctl_mgr, &pr->prop, pr->enc, pr->auth) != 0 ||
	    sad_insert(w->sad, pr->in) != 0)
		return -1;
	if (c->esn) {
		/* Start in the second 2^32 subspace: scapy's esn = 1, seq from 1. */
		pr->out->seq = UINT64_C(1) << 32;
		antireplay_update(&pr->in->ar, UINT64_C(1) << 32);
	}
	return 0;
}

static void
pair_free(struct pair *pr)
{
	if (pr->in != NULL) {
		sad_remove(w->sad, pr->in);
		crypto_mb_sa_fini(&pr->in->crypto);
	}
	if (pr->out != NULL)
		crypto_mb_sa_fini(&pr->out->crypto);
	rte_free(pr->out);
	rte_free(pr->in);
	memset(pr, 0, sizeof(*pr));
}

/*
 * A UDP packet, checksums right: inner hosts (tunnel) or A to B
 * (transport), with c->ext's extension headers between the IPv6 header
 * and UDP (the checksum's pseudo-header does not see them).
 */
static struct rte_mbuf *
udp_pkt(const struct xcase *c, uint16_t plen)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	bool tun = c->mode == SA_MODE_TUNNEL;
	uint16_t l3 = c->inner == 4 ? 20 : 40, i;
	struct rte_udp_hdr *udp;
	uint8_t *b;

	if (m == NULL || (b = (uint8_t *)rte_pktmbuf_append(m, l3 + 8 + plen)) == NULL)
		return NULL;
	memset(b, 0, l3 + 8u);
	udp = (struct rte_udp_hdr *)(b + l3);
	udp->src_port = RTE_BE16(1234);
	udp->dst_port = RTE_BE16(5678);
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(8 + plen));
	for (i = 0; i < plen; i++)
		b[l3 + 8 + i] = (uint8_t)(i * 7 + plen);
	if (c->inner == 4) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)b;

		ip->version_ihl = 0x45;
		ip->type_of_service = 0x20;
		ip->total_length = rte_cpu_to_be_16((uint16_t)(l3 + 8 + plen));
		ip->time_to_live = 63;
		ip->next_proto_id = IPPROTO_UDP;
		memcpy(&ip->src_addr, tun ? H4[0] : A4, 4);
		memcpy(&ip->dst_addr, tun ? H4[1] : B4, 4);
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
	} else {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)b;

		ip6->vtc_flow = rte_cpu_to_be_32(6u << 28);
		ip6->payload_len = rte_cpu_to_be_16((uint16_t)(8 + plen));
		ip6->proto = IPPROTO_UDP;
		ip6->hop_limits = 63;
		memcpy(ip6->src_addr, tun ? H6[0] : A6, 16);
		memcpy(ip6->dst_addr, tun ? H6[1] : B6, 16);
		udp->dgram_cksum = rte_ipv6_udptcp_cksum(ip6, udp);
		if (c->ext != 0) {
			uint16_t n = chains[c->ext].len;

			if ((b = (uint8_t *)rte_pktmbuf_prepend(m, n)) == NULL)
				return NULL;
			memmove(b, b + n, l3);
			memcpy(b + l3, chains[c->ext].b, n);
			ip6 = (struct rte_ipv6_hdr *)b;
			ip6->proto = chains[c->ext].first;
			ip6->payload_len = rte_cpu_to_be_16((uint16_t)(n + 8 + plen));
		}
	}
	return m;
}

static int
gen(void)
{
	static uint8_t inner[2048];
	struct rte_mbuf *m;
	struct sa_rt_out *so;
	struct xcase c;
	struct pair pr;
	unsigned int i, j;
	uint32_t ilen;

	for (i = 0; i < N_CASES; i++) {
		case_at(i, &c);
		if (pair_make(&c, 0x10000 + i, &pr) != 0) {
			fprintf(stderr, "case %u: cannot build the SA\n", i);
			return 1;
		}
		for (j = 0; j < NELEM(lens); j++) {
			if ((m = udp_pkt(&c, lens[j])) == NULL)
				return 1;
			ilen = rte_pktmbuf_pkt_len(m);
			memcpy(inner, rte_pktmbuf_mtod(m, uint8_t *), ilen);
			so = pr.out;
			if (esp_outbound_burst(w, &m, &so, 1) != 1) {
				fprintf(stderr, "case %u: outbound dropped\n", i);
				return 1;
			}
			printf("%u %s %s %u %u %d %d %08x ", i, c.kw,
			    c.mode == SA_MODE_TUNNEL ? "tunnel" : "transport", c.outer, c.inner,
			    c.encap, c.esn, 0x10000 + i);
			hex(pr.enc, pr.enc_len);
			putchar(' ');
			hex(pr.auth, pr.auth_len);
			putchar(' ');
			hex(inner, ilen);
			putchar(' ');
			hex(rte_pktmbuf_mtod(m, uint8_t *), rte_pktmbuf_pkt_len(m));
			putchar('\n');
			rte_pktmbuf_free(m);
		}
		pair_free(&pr);
	}
	return 0;
}

static int
check(const char *path)
{
	static char line[LINE_MAX_LEN];
	static uint8_t inner[4096];
	FILE *f = fopen(path, "r");
	struct rte_mbuf *m;
	struct sa_rt_in *si;
	struct xcase c;
	struct pair pr;
	unsigned int idx, cur = UINT_MAX, fails = 0;
	bool ok;
	size_t ilen, wlen;
	char *sp;
	uint8_t *b;

	if (f == NULL) {
		perror(path);
		return 1;
	}
	memset(&pr, 0, sizeof(pr));
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%u", &idx) != 1 || idx >= N_CASES)
			continue;
		case_at(idx, &c);
		if (idx != cur) {
			pair_free(&pr);
			if (pair_make(&c, 0x10000 + idx, &pr) != 0)
				return 1;
			cur = idx;
		}
		sp = strchr(line, ' ');
		if (sp == NULL)
			continue;
		ilen = unhex(sp + 1, inner, sizeof(inner));
		sp = strchr(sp + 1, ' ');
		if (sp == NULL || (m = rte_pktmbuf_alloc(pool)) == NULL)
			continue;
		wlen = unhex(sp + 1, NULL, 0);
		b = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)wlen);
		if (b == NULL) {
			rte_pktmbuf_free(m);
			continue;
		}
		unhex(sp + 1, b, wlen);
		ok = esp_inbound_burst(w, &m, &si, 1) == 1 && rte_pktmbuf_pkt_len(m) == ilen &&
		    memcmp(rte_pktmbuf_mtod(m, uint8_t *), inner, ilen) == 0;
		printf("%s - fastipsec decrypts scapy: case %u %s %s outer v%u inner v%u%s%s%s, "
		       "%zu bytes\n",
		    ok ? "ok" : "not ok", idx, c.kw,
		    c.mode == SA_MODE_TUNNEL ? "tunnel" : "transport", c.outer, c.inner,
		    c.encap ? " nat-t" : "", c.esn ? " esn" : "", chains[c.ext].name, ilen);
		if (ok)
			rte_pktmbuf_free(m);
		else
			fails++;
	}
	pair_free(&pr);
	fclose(f);
	return fails != 0;
}

int
main(int argc, char **argv)
{
	char prefix[64];
	char *eal[] = { "esp_xcheck", "--no-huge", "-m", "64", "--no-pci", "-l", "0",
		"--log-level=error", "--no-shconf", "--no-telemetry", prefix, NULL };
	char rundir[PATH_MAX];
	int rc;

	if (argc < 2 || (strcmp(argv[1], "check") == 0 && argc < 3)) {
		fprintf(stderr, "usage: esp_xcheck gen | check FILE\n");
		return 2;
	}
	snprintf(prefix, sizeof(prefix), "--file-prefix=fipt-xc-%d", (int)getpid());
	if (rte_eal_init(11, eal) < 0)
		return 1;
	pool =
	    rte_pktmbuf_pool_create("xc_pool", 255, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	ctl_mgr = crypto_mb_create(SOCKET_ID_ANY);
	w = rte_zmalloc("worker", sizeof(*w), RTE_CACHE_LINE_SIZE);
	if (pool == NULL || ctl_mgr == NULL || w == NULL)
		return 1;
	w->mb = crypto_mb_create(SOCKET_ID_ANY);
	w->sad = sad_create(0, SOCKET_ID_ANY);
	/* SA activity events (worker_sa_activity()); nobody reads them. */
	w->ev = rte_ring_create_elem("xc_ev", sizeof(struct ev), 1024, SOCKET_ID_ANY,
	    RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (w->mb == NULL || w->sad == NULL || w->ev == NULL)
		return 1;
	rc = strcmp(argv[1], "gen") == 0 ? gen() : check(argv[2]);
	sad_destroy(w->sad);
	rte_ring_free(w->ev);
	crypto_mb_destroy(w->mb);
	crypto_mb_destroy(ctl_mgr);
	rte_free(w);
	rte_mempool_free(pool);
	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	rmdir(rundir); /* --no-shconf leaves it empty */
	return rc;
}
