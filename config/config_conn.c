/* SPDX-License-Identifier: BSD-3-Clause */
/* config/config_conn.c: checks connections: (swanctl.conf's shape), their children and policies. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alg.h"
#include "config/config.h"
#include "config/config_validate.h"

/* IKEv2 transform ids (RFC 7296 section 3.3.2, IANA "IKEv2 Parameters"). */
#define IKEV2_ENCR_AES_CBC    12
#define IKEV2_ENCR_AES_GCM_16 20
#define IKEV2_PRF_SHA1        2
#define IKEV2_PRF_SHA2_256    5
#define IKEV2_PRF_SHA2_384    6
#define IKEV2_PRF_SHA2_512    7
#define IKEV2_AUTH_SHA1_96    2
#define IKEV2_AUTH_SHA2_256   12
#define IKEV2_AUTH_SHA2_384   13
#define IKEV2_AUTH_SHA2_512   14

/* Defaults: swanctl.conf's, where it has them. */
#define CONN_PORT_DEFAULT        500
#define CONN_DPD_TIMEOUT_DEFAULT 150        /* s, IKEv1 */
#define CONN_REKEY_TIME_DEFAULT  (4 * 3600) /* s */
#define CHILD_REKEY_TIME_DEFAULT 3600       /* s */
#define CONN_OVER_TIME_PCT       10         /* over_time: 10 % of the longer of rekey/reauth */
#define CHILD_LIFE_PCT           110        /* life_*: 110 % of rekey_* */
#define TS_TEXT_MAX              128        /* longest traffic selector text */
static const char *const conn_proposals_default[] = { "aes128-sha256-modp2048", NULL };
static const char *const child_proposals_default[] = { "aes128gcm16", "aes128-sha256", NULL };

static const struct key_spec conn_keys[] = {
	{ "version", false },
	{ "local_addrs", false },
	{ "remote_addrs", false },
	{ "local_port", false },
	{ "remote_port", false },
	{ "proposals", false },
	{ "local", true },
	{ "remote", true },
	{ "aggressive", false },
	{ "encap", false },
	{ "send_certreq", false },
	{ "fragmentation", false },
	{ "signature_authentication", false },
	{ "dpd_delay", false },
	{ "dpd_timeout", false },
	{ "rekey_time", false },
	{ "reauth_time", false },
	{ "over_time", false },
	{ "rand_time", false },
	{ "children", false },
};
enum {
	CONN_VERSION,
	CONN_LOCAL_ADDRS,
	CONN_REMOTE_ADDRS,
	CONN_LOCAL_PORT,
	CONN_REMOTE_PORT,
	CONN_PROPOSALS,
	CONN_LOCAL,
	CONN_REMOTE,
	CONN_AGGRESSIVE,
	CONN_ENCAP,
	CONN_SEND_CERTREQ,
	CONN_FRAGMENTATION,
	CONN_SIGNATURE_AUTHENTICATION,
	CONN_DPD_DELAY,
	CONN_DPD_TIMEOUT,
	CONN_REKEY_TIME,
	CONN_REAUTH_TIME,
	CONN_OVER_TIME,
	CONN_RAND_TIME,
	CONN_CHILDREN,
	CONN__MAX
};

/* local: and remote: share auth and id; the rest is per side. */
static const struct key_spec local_keys[] = {
	{ "auth", true },
	{ "id", false },
	{ "certs", false },
	{ "key", false },
};
static const struct key_spec remote_keys[] = {
	{ "auth", true },
	{ "id", false },
	{ "cacerts", false },
	{ "crls", false },
};
enum {
	AUTH_AUTH,
	AUTH_ID,
	AUTH_FILES1, /* certs or cacerts */
	AUTH_FILES2, /* key or crls */
	AUTH__MAX
};

static const struct key_spec child_keys[] = {
	{ "local_ts", false },
	{ "remote_ts", false },
	{ "esp_proposals", false },
	{ "mode", false },
	{ "start_action", false },
	{ "dpd_action", false },
	{ "rekey_time", false },
	{ "life_time", false },
	{ "rand_time", false },
	{ "rekey_bytes", false },
	{ "life_bytes", false },
	{ "rekey_packets", false },
	{ "life_packets", false },
	{ "replay_window", false },
};
enum {
	CHILD_LOCAL_TS,
	CHILD_REMOTE_TS,
	CHILD_ESP_PROPOSALS,
	CHILD_MODE,
	CHILD_START_ACTION,
	CHILD_DPD_ACTION,
	CHILD_REKEY_TIME,
	CHILD_LIFE_TIME,
	CHILD_RAND_TIME,
	CHILD_REKEY_BYTES,
	CHILD_LIFE_BYTES,
	CHILD_REKEY_PACKETS,
	CHILD_LIFE_PACKETS,
	CHILD_REPLAY_WINDOW,
	CHILD__MAX
};

/* Indexed by the enums of config.h, NULL-terminated for config_want_enum(). */
static const char *const auth_names[] = { "psk", "pubkey", NULL };
static const char *const frag_names[] = { "yes", "accept", "force", "no", NULL };
static const char *const mode_names[] = { "tunnel", "transport", NULL };
static const char *const start_names[] = { "none", "trap", "start", NULL };
static const char *const dpd_names[] = { "clear", "trap", "restart", NULL };

_Static_assert(CONN__MAX <= KEYS_MAX && CHILD__MAX <= KEYS_MAX, "KEYS_MAX too small");
_Static_assert(CONFIG_AUTH_PUBKEY == 1 && CONFIG_FRAG_NO == 3 && CONFIG_MODE_TRANSPORT == 1 &&
        CONFIG_START_START == 2 && CONFIG_DPD_RESTART == 2,
    "name tables out of step");

/* ---- IKE and ESP proposals ---- */

struct kw {
	const char *kw;
	uint16_t id;
	uint16_t bits; /* encryption: key bits */
};

enum kw_kind {
	KW_ENCR = 0,
	KW_INTEG,
	KW_PRF,
	KW_DH,
	KW__MAX
};

static const struct kw ike_encrs[] = {
	{ "aes128", IKEV2_ENCR_AES_CBC, 128 },
	{ "aes192", IKEV2_ENCR_AES_CBC, 192 },
	{ "aes256", IKEV2_ENCR_AES_CBC, 256 },
	{ "aes", IKEV2_ENCR_AES_CBC, 128 },
	{ "aes128gcm16", IKEV2_ENCR_AES_GCM_16, 128 },
	{ "aes192gcm16", IKEV2_ENCR_AES_GCM_16, 192 },
	{ "aes256gcm16", IKEV2_ENCR_AES_GCM_16, 256 },
	{ "aes128gcm", IKEV2_ENCR_AES_GCM_16, 128 },
	{ "aes192gcm", IKEV2_ENCR_AES_GCM_16, 192 },
	{ "aes256gcm", IKEV2_ENCR_AES_GCM_16, 256 },
	{ NULL, 0, 0 },
};
/* The PRF of each integrity algorithm is in .bits: the one an integrity keyword implies. */
static const struct kw ike_integs[] = {
	{ "sha1", IKEV2_AUTH_SHA1_96, IKEV2_PRF_SHA1 },
	{ "sha256", IKEV2_AUTH_SHA2_256, IKEV2_PRF_SHA2_256 },
	{ "sha384", IKEV2_AUTH_SHA2_384, IKEV2_PRF_SHA2_384 },
	{ "sha512", IKEV2_AUTH_SHA2_512, IKEV2_PRF_SHA2_512 },
	{ NULL, 0, 0 },
};
static const struct kw ike_prfs[] = {
	{ "prfsha1", IKEV2_PRF_SHA1, 0 },
	{ "prfsha256", IKEV2_PRF_SHA2_256, 0 },
	{ "prfsha384", IKEV2_PRF_SHA2_384, 0 },
	{ "prfsha512", IKEV2_PRF_SHA2_512, 0 },
	{ NULL, 0, 0 },
};
/* Canonical names first. */
static const struct kw dh_groups[] = {
	{ "modp2048", 14, 0 },
	{ "modp3072", 15, 0 },
	{ "modp4096", 16, 0 },
	{ "ecp256", 19, 0 },
	{ "ecp384", 20, 0 },
	{ "ecp521", 21, 0 },
	{ "curve25519", 31, 0 },
	{ "curve448", 32, 0 },
	{ "x25519", 31, 0 },
	{ "x448", 32, 0 },
	{ NULL, 0, 0 },
};
static const struct kw *const ike_kws[KW__MAX] = { ike_encrs, ike_integs, ike_prfs, dh_groups };
static const char *const kw_what[KW__MAX] = { "encryption algorithm", "integrity algorithm", "PRF",
	"DH group" };

#define DH_LIST "modp2048, modp3072, modp4096, ecp256, ecp384, ecp521, curve25519, curve448"

static const struct kw *
kw_find(const struct kw *t, const char *s)
{
	for (; t->kw != NULL; t++)
		if (strcmp(t->kw, s) == 0)
			return t;
	return NULL;
}

static const char *
kw_name(const struct kw *t, uint16_t id)
{
	for (; t->kw != NULL; t++)
		if (t->id == id)
			return t->kw;
	return "?";
}

/* Printable, no spaces: what a keyword list can be. */
static bool
keyword_text(const char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return false;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

/*
 * "aes128-sha256-modp2048", "aes256gcm16-prfsha384-ecp384": one algorithm
 * of each kind in any order, as strongSwan reads them; 0, or -EINVAL with
 * the reason in why.
 */
static int
ike_proposal_parse(const char *s, size_t len, struct config_ike_proposal *p, char *why, size_t wlen)
{
	char buf[CONFIG_PROPOSAL_NAME_MAX];
	const struct kw *found[KW__MAX] = { NULL };
	const char *tok[KW__MAX] = { NULL };
	const struct kw *k = NULL;
	char *t, *end;
	unsigned int kind;
	bool gcm;

	memset(p, 0, sizeof(*p));
	if (len >= sizeof(buf)) {
		snprintf(why, wlen, "is too long for a proposal (%zu characters at most)",
		    sizeof(buf) - 1);
		return -EINVAL;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	for (t = buf; t != NULL; t = end) {
		if ((end = strchr(t, '-')) != NULL)
			*end++ = '\0';
		for (kind = 0; kind < KW__MAX; kind++)
			if ((k = kw_find(ike_kws[kind], t)) != NULL)
				break;
		if (kind == KW__MAX) {
			snprintf(why, wlen,
			    "'%s' is not an IKE keyword (encryption aes128, aes192, aes256, aes128gcm16, aes192gcm16, aes256gcm16; integrity sha1, sha256, sha384, sha512; prfsha1, prfsha256, prfsha384, prfsha512; DH " DH_LIST
			    ")",
			    t);
			return -EINVAL;
		}
		if (found[kind] != NULL) {
			snprintf(why, wlen,
			    "has more than one %s ('%s' and '%s'): one of each per proposal, list more proposals to offer more",
			    kw_what[kind], tok[kind], t);
			return -EINVAL;
		}
		found[kind] = k;
		tok[kind] = t;
	}
	if (found[KW_ENCR] == NULL) {
		snprintf(why, wlen,
		    "has no encryption algorithm (aes128, aes192, aes256, aes128gcm16, aes192gcm16, aes256gcm16)");
		return -EINVAL;
	}
	gcm = found[KW_ENCR]->id == IKEV2_ENCR_AES_GCM_16;
	if (gcm && found[KW_INTEG] != NULL) {
		snprintf(why, wlen,
		    "'%s' is a combined-mode algorithm: it takes no integrity algorithm ('%s')",
		    tok[KW_ENCR], tok[KW_INTEG]);
		return -EINVAL;
	}
	if (gcm && found[KW_PRF] == NULL) {
		snprintf(why, wlen,
		    "'%s' needs a PRF (prfsha1, prfsha256, prfsha384 or prfsha512), as strongSwan requires with a combined-mode algorithm",
		    tok[KW_ENCR]);
		return -EINVAL;
	}
	if (!gcm && found[KW_INTEG] == NULL) {
		snprintf(why, wlen,
		    "'%s' needs an integrity algorithm (sha1, sha256, sha384 or sha512)",
		    tok[KW_ENCR]);
		return -EINVAL;
	}
	if (found[KW_DH] == NULL) {
		snprintf(why, wlen, "has no DH group (" DH_LIST ")");
		return -EINVAL;
	}
	p->encr = found[KW_ENCR]->id;
	p->encr_bits = found[KW_ENCR]->bits;
	p->integ = found[KW_INTEG] != NULL ? found[KW_INTEG]->id : 0;
	/* Without a prf keyword the PRF is the integrity algorithm's hash (strongSwan). */
	p->prf = found[KW_PRF] != NULL ? found[KW_PRF]->id : found[KW_INTEG]->bits;
	p->dh = found[KW_DH]->id;
	snprintf(p->name, sizeof(p->name), "aes%u%s%s%s%s%s-%s", p->encr_bits, gcm ? "gcm16" : "",
	    p->integ != 0 ? "-" : "", p->integ != 0 ? kw_name(ike_integs, p->integ) : "",
	    found[KW_PRF] != NULL ? "-" : "",
	    found[KW_PRF] != NULL ? kw_name(ike_prfs, p->prf) : "", kw_name(dh_groups, p->dh));
	return 0;
}

/*
 * An ESP proposal: alg_proposal_parse()'s keywords, then optionally a DH
 * group for PFS and esn / noesn, in any order at the end.
 */
static int
esp_proposal_parse(const char *s, size_t len, struct config_esp_proposal *p, char *why, size_t wlen)
{
	char buf[CONFIG_PROPOSAL_NAME_MAX], err[CONFIG_ERROR_LEN / 2];
	const struct kw *dh;
	bool esn = false, noesn = false;
	char *dash;

	memset(p, 0, sizeof(*p));
	if (len >= sizeof(buf)) {
		snprintf(why, wlen, "is too long for a proposal (%zu characters at most)",
		    sizeof(buf) - 1);
		return -EINVAL;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	while ((dash = strrchr(buf, '-')) != NULL) {
		if (strcmp(dash + 1, "esn") == 0) {
			esn = true;
		} else if (strcmp(dash + 1, "noesn") == 0) {
			noesn = true;
		} else if ((dh = kw_find(dh_groups, dash + 1)) != NULL) {
			if (p->dh != 0) {
				snprintf(why, wlen,
				    "has more than one DH group ('%s' and '%s'): one per proposal",
				    dash + 1, kw_name(dh_groups, p->dh));
				return -EINVAL;
			}
			p->dh = dh->id;
		} else {
			break;
		}
		*dash = '\0';
	}
	if (alg_proposal_parse(buf, ALG_PROTO_ESP, &p->alg, err, sizeof(err)) != 0) {
		snprintf(why, wlen, "%s", err);
		return -EINVAL;
	}
	p->esn = esn;
	p->noesn = noesn || !esn;
	snprintf(p->name, sizeof(p->name), "%s%s%s%s%s", p->alg.name, p->dh != 0 ? "-" : "",
	    p->dh != 0 ? kw_name(dh_groups, p->dh) : "", p->esn ? "-esn" : "",
	    p->esn && p->noesn ? "-noesn" : "");
	return 0;
}

/*
 * proposals / esp_proposals: a list of keywords, or the defaults when absent.
 * Returns how many parsed.
 */
static unsigned int
do_proposals(struct validate *v, const struct config_node *n, const char *path, bool esp,
    unsigned int version, void *out, size_t size)
{
	const char *const *dflt = esp ? child_proposals_default : conn_proposals_default;
	char ipath[PATH_LEN], q[QUOTE_LEN], why[CONFIG_ERROR_LEN];
	struct config_esp_proposal *ep = out;
	struct config_ike_proposal *ip = out;
	const char *name, *other;
	unsigned int count = 0, j;
	size_t i;
	int rc;

	if (n == NULL) {
		for (; *dflt != NULL; dflt++) {
			rc = esp ?
			    esp_proposal_parse(*dflt, strlen(*dflt), &ep[count], why, sizeof(why)) :
			    ike_proposal_parse(*dflt, strlen(*dflt), &ip[count], why, sizeof(why));
			if (rc == 0)
				count++;
		}
		return count;
	}
	if (!config_want_list(v, n, path, false))
		return 0;
	if (n->n_kids == 0)
		config_error_add(v->errs, n, path, "at least one proposal is required");
	for (i = 0; i < n->n_kids; i++) {
		config_path_index(ipath, sizeof(ipath), path, i);
		if (i == size) {
			config_error_add(v->errs, n->kids[i], ipath,
			    "too many proposals (at most %zu)", size);
			break;
		}
		if (!config_want_string(v, n->kids[i], ipath))
			continue;
		config_quote(q, sizeof(q), n->kids[i]->text, n->kids[i]->len);
		if (!keyword_text(n->kids[i]->text, n->kids[i]->len)) {
			config_error_add(v->errs, n->kids[i], ipath,
			    "'%s' is not a valid proposal (strongSwan keywords such as %s)", q,
			    esp ? "aes128gcm16 or aes128-sha256-modp2048" :
			          "aes128-sha256-modp2048 or aes256gcm16-prfsha384-ecp384");
			continue;
		}
		rc = esp ? esp_proposal_parse(n->kids[i]->text, n->kids[i]->len, &ep[count], why,
		               sizeof(why)) :
		           ike_proposal_parse(n->kids[i]->text, n->kids[i]->len, &ip[count], why,
		               sizeof(why));
		if (rc != 0) {
			config_error_add(v->errs, n->kids[i], ipath, "'%s': %s", q, why);
			continue;
		}
		if (!esp && version == 1 && ip[count].encr == IKEV2_ENCR_AES_GCM_16) {
			/* RFC 2409 defines no combined-mode algorithm; strongSwan has none for IKEv1. */
			config_error_add(v->errs, n->kids[i], ipath,
			    "'%s': IKEv1 has no combined-mode IKE encryption (version is 1)", q);
			continue;
		}
		name = esp ? ep[count].name : ip[count].name;
		for (j = 0; j < count; j++) {
			other = esp ? ep[j].name : ip[j].name;
			if (strcmp(name, other) == 0)
				break;
		}
		if (j < count) {
			config_error_add(v->errs, n->kids[i], ipath,
			    "'%s' is the same proposal as an earlier one (%s)", q, other);
			continue;
		}
		count++;
	}
	return count;
}

/* ---- traffic selectors ---- */

/* A protocol name or number; -1 any.  False if not one. */
static bool
ts_protocol(const char *s, int *proto)
{
	static const struct {
		const char *name;
		int number;
	} kw[] = { { "", -1 }, { "%any", -1 }, { "tcp", 6 }, { "udp", 17 }, { "icmp", 1 },
		{ "icmpv6", 58 }, { "ipv6-icmp", 58 }, { "sctp", 132 } };
	unsigned long l = 0;
	size_t i, len = strlen(s);

	for (i = 0; i < sizeof(kw) / sizeof(kw[0]); i++) {
		if (strcmp(s, kw[i].name) == 0) {
			*proto = kw[i].number;
			return true;
		}
	}
	if (len > 3 || !config_is_digits(s, len, false))
		return false;
	for (i = 0; i < len; i++)
		l = l * 10 + config_hex_value(s[i]);
	if (l > UINT8_MAX)
		return false;
	/* Protocol 0 in a traffic selector means any (RFC 7296 section 3.13.1). */
	*proto = l == 0 ? -1 : (int)l;
	return true;
}

static bool
ts_port_number(const char *s, size_t len, unsigned long *port)
{
	size_t i;

	if (len == 0 || len > 5 || !config_is_digits(s, len, false))
		return false;
	for (*port = 0, i = 0; i < len; i++)
		*port = *port * 10 + config_hex_value(s[i]);
	return *port >= 1 && *port <= UINT16_MAX;
}

/* "", %any, N or N-M (1..65535). */
static bool
ts_ports(const char *s, struct config_port_range *r)
{
	unsigned long lo, hi;
	const char *dash;

	*r = (struct config_port_range){ 0, UINT16_MAX };
	if (s[0] == '\0' || strcmp(s, "%any") == 0)
		return true;
	if ((dash = strchr(s, '-')) == NULL) {
		if (!ts_port_number(s, strlen(s), &lo))
			return false;
		hi = lo;
	} else if (!ts_port_number(s, (size_t)(dash - s), &lo) ||
	    !ts_port_number(dash + 1, strlen(dash + 1), &hi) || lo > hi) {
		return false;
	}
	r->first = (uint16_t)lo;
	r->last = (uint16_t)hi;
	return true;
}

/* The prefix that is exactly first..last, if there is one. */
static bool
range_prefix(const struct config_addr *first, const struct config_addr *last,
    struct config_prefix *out)
{
	unsigned int bits = (unsigned int)config_addr_bytes(first) * 8, len, i;
	struct config_prefix p;
	uint8_t b;

	if (first->family != last->family)
		return false;
	for (len = 0; len <= bits; len++) {
		p.a = *first;
		p.len = (uint8_t)len;
		config_prefix_network(&p, out);
		if (!config_addr_equal(&out->a, first))
			continue;
		/* The broadcast end of first/len must be last. */
		for (i = 0; i < bits / 8; i++) {
			b = i * 8 >= len     ? 0xff :
			    i * 8 + 8 <= len ? 0 :
			                       (uint8_t)(0xff >> (len - i * 8));
			if ((uint8_t)(first->addr[i] | b) != last->addr[i])
				break;
		}
		if (i == bits / 8)
			return true;
	}
	return false;
}

/* The address part of a selector; an error message in why on failure. */
static bool
ts_address(char *a, struct config_ts *ts, char *why, size_t wlen)
{
	struct config_addr first, last;
	struct config_prefix net;
	char *sep, s[PREFIX_LEN];
	unsigned long len = 0;
	size_t i;

	if (strcmp(a, "dynamic") == 0) {
		ts->dynamic = true;
		return true;
	}
	if ((sep = strchr(a, '-')) != NULL) {
		*sep++ = '\0';
		if (config_addr_parse(a, strlen(a), &first) != 0 ||
		    config_addr_parse(sep, strlen(sep), &last) != 0)
			return false;
		if (!range_prefix(&first, &last, &ts->net)) {
			snprintf(why, wlen,
			    "the range %s-%s is not one prefix: write it as prefixes (ADDR/LEN)", a,
			    sep);
			return false;
		}
		return true;
	}
	if ((sep = strchr(a, '/')) != NULL) {
		*sep++ = '\0';
		i = strlen(sep);
		if (i == 0 || i > 3 || !config_is_digits(sep, i, false))
			return false;
		len = strtoul(sep, NULL, 10);
	}
	if (config_addr_parse(a, strlen(a), &ts->net.a) != 0)
		return false;
	if (sep == NULL)
		len = config_addr_bytes(&ts->net.a) * 8;
	if (len > config_addr_bytes(&ts->net.a) * 8) {
		snprintf(why, wlen, "prefix length %lu is out of range (0..%zu)", len,
		    config_addr_bytes(&ts->net.a) * 8);
		return false;
	}
	ts->net.len = (uint8_t)len;
	config_prefix_network(&ts->net, &net);
	if (!config_addr_equal(&net.a, &ts->net.a)) {
		snprintf(why, wlen, "host bits are set (network is %s)",
		    config_prefix_format(&net, s, sizeof(s)));
		return false;
	}
	return true;
}

/*
 * A traffic selector in swanctl's syntax: "dynamic", ADDR, ADDR/LEN or
 * FIRST-LAST (one prefix), then optionally [PROTOCOL] or [PROTOCOL/PORT].
 */
static bool
do_ts(struct validate *v, const struct config_node *n, const char *path, struct config_ts *ts)
{
	char buf[TS_TEXT_MAX], why[CONFIG_ERROR_LEN], q[QUOTE_LEN];
	char *open, *slash, *port = NULL;

	memset(ts, 0, sizeof(*ts));
	ts->protocol = -1;
	ts->ports = (struct config_port_range){ 0, UINT16_MAX };
	if (!config_want_string(v, n, path))
		return false;
	config_quote(q, sizeof(q), n->text, n->len);
	why[0] = '\0';
	if (n->len >= sizeof(buf) || !keyword_text(n->text, n->len))
		goto fail_syntax;
	memcpy(buf, n->text, n->len + 1);
	if ((open = strchr(buf, '[')) != NULL) {
		if (buf[n->len - 1] != ']' || open == buf)
			goto fail_syntax;
		buf[n->len - 1] = '\0';
		*open++ = '\0';
		if ((slash = strchr(open, '/')) != NULL) {
			*slash = '\0';
			port = slash + 1;
		}
		if (!ts_protocol(open, &ts->protocol)) {
			snprintf(why, sizeof(why),
			    "'%s' is not a protocol (tcp, udp, icmp, icmpv6, sctp, %%any or 0..255)",
			    open);
			goto fail;
		}
		if (port != NULL && !ts_ports(port, &ts->ports)) {
			snprintf(why, sizeof(why),
			    "'%s' is not a port or port range (%%any, N or N-M with 1..65535)",
			    port);
			goto fail;
		}
		if ((ts->ports.first != 0 || ts->ports.last != UINT16_MAX) && ts->protocol != 6 &&
		    ts->protocol != 17) {
			snprintf(why, sizeof(why), "ports need protocol tcp or udp");
			goto fail;
		}
	} else if (strchr(buf, ']') != NULL) {
		goto fail_syntax;
	}
	if (!ts_address(buf, ts, why, sizeof(why)))
		goto fail;
	if (!ts->dynamic &&
	    ((ts->protocol == 1 && ts->net.a.family == 6) ||
	        (ts->protocol == 58 && ts->net.a.family == 4))) {
		snprintf(why, sizeof(why), "%s does not go with IPv%u (use %s)",
		    ts->protocol == 1 ? "icmp" : "icmpv6", ts->net.a.family,
		    ts->protocol == 1 ? "icmpv6" : "icmp");
		goto fail;
	}
	return true;
fail:
	if (why[0] != '\0') {
		config_error_add(v->errs, n, path, "'%s': %s", q, why);
		memset(&ts->net, 0, sizeof(ts->net));
		return false;
	}
fail_syntax:
	config_error_add(v->errs, n, path,
	    "'%s' is not a traffic selector (dynamic, ADDR, ADDR/LEN or FIRST-LAST, then optionally [PROTOCOL/PORT])",
	    q);
	memset(&ts->net, 0, sizeof(ts->net));
	return false;
}

/* local_ts / remote_ts: a list, [dynamic] when absent.  False after an error. */
static bool
do_ts_list(struct validate *v, const struct config_node *n, const char *path, struct config_ts *ts,
    unsigned int *count)
{
	char ipath[PATH_LEN];
	bool ok = true;
	size_t i;

	*count = 0;
	if (n == NULL) {
		memset(&ts[0], 0, sizeof(ts[0]));
		ts[0].dynamic = true;
		ts[0].protocol = -1;
		ts[0].ports = (struct config_port_range){ 0, UINT16_MAX };
		*count = 1;
		return true;
	}
	if (!config_want_list(v, n, path, false))
		return false;
	if (n->n_kids == 0) {
		config_error_add(v->errs, n, path,
		    "at least one traffic selector is required (leave it out for dynamic)");
		return false;
	}
	for (i = 0; i < n->n_kids; i++) {
		config_path_index(ipath, sizeof(ipath), path, i);
		if (i == CONFIG_TS_MAX) {
			config_error_add(v->errs, n->kids[i], ipath,
			    "too many traffic selectors (at most %d)", CONFIG_TS_MAX);
			return false;
		}
		if (!do_ts(v, n->kids[i], ipath, &ts[i]))
			ok = false;
		(*count)++;
	}
	return ok;
}

/* ---- connections ---- */

/* What the checks after a connection's keys need: which parts are valid. */
struct conn_seen {
	const struct config_node *val[CONN__MAX];
	bool version;
	bool local_addrs;  /* parsed without error (possibly none: any) */
	bool remote_addrs; /* parsed without error (possibly none: %any) */
	bool local;        /* local: parsed without error */
	bool remote;
	const struct config_node *local_auth; /* the auth: nodes */
	const struct config_node *remote_auth;
};

/* A connection's or a child's name: a mapping key.  False after an error. */
static bool
want_entry_name(struct validate *v, const struct config_node *key, const char *path,
    const char *what, char name[CONFIG_NAME_MAX])
{
	char q[QUOTE_LEN];
	size_t i;
	char c;

	if (!config_usable(v, key, path))
		return false;
	if (key->kind != CONFIG_NODE_SCALAR) {
		config_error_add(v->errs, key, path, "a %s name must be a plain string", what);
		return false;
	}
	for (i = 0; i < key->len; i++) {
		c = key->text[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		        c == '_' || c == '-'))
			break;
	}
	if (key->len == 0 || key->len >= CONFIG_NAME_MAX || i < key->len) {
		config_error_add(v->errs, key, path,
		    "'%s' is not a valid %s name (1..%d characters of A-Z a-z 0-9 _ -)",
		    config_quote(q, sizeof(q), key->text, key->len), what, CONFIG_NAME_MAX - 1);
		return false;
	}
	memcpy(name, key->text, key->len + 1);
	return true;
}

/* "connections.<name>": the name as written, quoted if need be. */
static const char *
entry_path(char *out, size_t size, const char *base, const struct config_node *key)
{
	char q[QUOTE_LEN];

	if (key->kind != CONFIG_NODE_SCALAR)
		return config_path_key(out, size, base, "?");
	return config_path_key(out, size, base, config_quote(q, sizeof(q), key->text, key->len));
}

/* A mapping whose keys are names: false (after an error) if n is not one. */
static bool
want_name_map(struct validate *v, const struct config_node *n, const char *path, const char *what,
    const char *whats)
{
	if (!config_usable(v, n, path))
		return false;
	if (n->kind != CONFIG_NODE_MAP) {
		config_error_add(v->errs, n, path, "expected a mapping of %s names to %s", what,
		    whats);
		return false;
	}
	return true;
}

/* local_addrs: our own addresses on unprotected interfaces; none or ["%any"]: any of them. */
static bool
do_local_addrs(struct validate *v, struct config_connection *c, const struct config_node *n,
    const char *path)
{
	char ipath[PATH_LEN], s[INET6_ADDRSTRLEN];
	const struct config_node *a;
	unsigned int iface = 0, addr = 0, j;
	bool ok = true;
	size_t i;

	if (!config_want_list(v, n, path, true))
		return config_is_null(n);
	if (n->n_kids == 1 && config_text_is(n->kids[0], "%any"))
		return true;
	for (i = 0; i < n->n_kids; i++) {
		a = n->kids[i];
		config_path_index(ipath, sizeof(ipath), path, i);
		if (i == CONFIG_CONN_ADDRS_MAX) {
			config_error_add(v->errs, a, ipath, "too many addresses (at most %d)",
			    CONFIG_CONN_ADDRS_MAX);
			return false;
		}
		if (!config_want_addr(v, a, ipath, &c->local_addrs[c->n_local_addrs])) {
			ok = false;
			continue;
		}
		config_addr_format(&c->local_addrs[c->n_local_addrs], s, sizeof(s));
		for (j = 0; j < c->n_local_addrs; j++)
			if (config_addr_equal(&c->local_addrs[j],
			        &c->local_addrs[c->n_local_addrs]))
				break;
		if (j < c->n_local_addrs) {
			config_error_add(v->errs, a, ipath, "duplicate address %s (also %s[%u])", s,
			    "local_addrs", j);
			ok = false;
			continue;
		}
		c->n_local_addrs++;
		if (v->addrs_incomplete)
			continue;
		if (config_connected_find(v, &c->local_addrs[c->n_local_addrs - 1], &iface,
		        &addr) != CONNECTED_OWN) {
			config_error_add(v->errs, a, ipath,
			    "%s is not one of this gateway's interface addresses", s);
			ok = false;
		} else if (v->cfg->interfaces[iface].role != CONFIG_ROLE_UNPROTECTED) {
			config_error_add(v->errs, a, ipath,
			    "%s is on interfaces[%u], which is protected: IKE needs an address of an unprotected interface",
			    s, iface);
			ok = false;
		}
	}
	return ok;
}

/* remote_addrs: peers' unicast addresses; none or ["%any"]: any peer (responder only). */
static bool
do_remote_addrs(struct validate *v, struct config_connection *c, const struct config_node *n,
    const char *path, bool local_ok)
{
	char ipath[PATH_LEN], s[INET6_ADDRSTRLEN];
	const struct config_addr *ra;
	const struct config_node *a;
	unsigned int iface = 0, addr = 0, j;
	bool ok = true;
	size_t i;

	if (!config_want_list(v, n, path, true))
		return config_is_null(n);
	if (n->n_kids == 1 && config_text_is(n->kids[0], "%any"))
		return true;
	for (i = 0; i < n->n_kids; i++) {
		a = n->kids[i];
		config_path_index(ipath, sizeof(ipath), path, i);
		if (i == CONFIG_CONN_ADDRS_MAX) {
			config_error_add(v->errs, a, ipath, "too many addresses (at most %d)",
			    CONFIG_CONN_ADDRS_MAX);
			return false;
		}
		ra = &c->remote_addrs[c->n_remote_addrs];
		if (!config_want_addr(v, a, ipath, &c->remote_addrs[c->n_remote_addrs])) {
			ok = false;
			continue;
		}
		config_addr_format(ra, s, sizeof(s));
		for (j = 0; j < c->n_remote_addrs; j++)
			if (config_addr_equal(&c->remote_addrs[j], ra))
				break;
		if (j < c->n_remote_addrs) {
			config_error_add(v->errs, a, ipath, "duplicate address %s (also %s[%u])", s,
			    "remote_addrs", j);
			ok = false;
			continue;
		}
		c->n_remote_addrs++;
		if (!config_addr_is_unicast(ra)) {
			config_error_add(v->errs, a, ipath,
			    "%s is not a peer's address (unspecified, loopback, multicast or reserved)",
			    s);
			ok = false;
			continue;
		}
		if (!v->addrs_incomplete &&
		    config_connected_find(v, ra, &iface, &addr) == CONNECTED_OWN) {
			config_error_add(v->errs, a, ipath,
			    "%s is this gateway's own address (interfaces[%u].addresses[%u])", s,
			    iface, addr);
			ok = false;
			continue;
		}
		if (!local_ok || c->n_local_addrs == 0)
			continue;
		for (j = 0; j < c->n_local_addrs; j++)
			if (c->local_addrs[j].family == ra->family)
				break;
		if (j == c->n_local_addrs) {
			config_error_add(v->errs, a, ipath,
			    "%s is IPv%u but local_addrs has no IPv%u address", s, ra->family,
			    ra->family);
			ok = false;
		}
	}
	return ok;
}

/* certs / cacerts / crls: a list of files. */
static bool
do_files(struct validate *v, const struct config_node *n, const char *path,
    char files[CONFIG_CERTS_MAX][CONFIG_PATH_MAX], unsigned int *count)
{
	char ipath[PATH_LEN];
	bool ok = true;
	size_t i;

	if (!config_want_list(v, n, path, true))
		return config_is_null(n);
	for (i = 0; i < n->n_kids; i++) {
		config_path_index(ipath, sizeof(ipath), path, i);
		if (i == CONFIG_CERTS_MAX) {
			config_error_add(v->errs, n->kids[i], ipath, "too many files (at most %d)",
			    CONFIG_CERTS_MAX);
			return false;
		}
		if (config_want_file(v, n->kids[i], ipath, files[*count]))
			(*count)++;
		else
			ok = false;
	}
	return ok;
}

/* local: or remote:; returns true if valid, and its auth: node in *auth_node. */
static bool
do_auth(struct validate *v, struct config_ike_auth *au, const struct config_node *n,
    const char *path, bool local, const struct config_node **auth_node)
{
	const struct key_spec *keys = local ? local_keys : remote_keys;
	const struct config_node *val[AUTH__MAX], *id, *files;
	unsigned int total = v->errs->total;
	char kpath[PATH_LEN], q[QUOTE_LEN];
	bool auth_ok = false;
	const char *why;
	unsigned int k;
	int e;

	*auth_node = NULL;
	if (!config_map_scan(v, n, path, keys, AUTH__MAX, val))
		return false;
	if (val[AUTH_AUTH] != NULL &&
	    (e = config_want_enum(v, val[AUTH_AUTH],
	         config_path_key(kpath, sizeof(kpath), path, "auth"), "auth", auth_names,
	         "psk or pubkey")) >= 0) {
		au->auth = (enum config_auth)e;
		auth_ok = true;
		*auth_node = val[AUTH_AUTH];
	}
	if ((id = val[AUTH_ID]) != NULL) {
		config_path_key(kpath, sizeof(kpath), path, "id");
		if (!config_usable(v, id, kpath))
			;
		else if (id->kind != CONFIG_NODE_SCALAR || config_is_null(id))
			config_error_add(v->errs, id, kpath, "expected a string");
		else if (config_id_parse(id->text, id->len, !local, &au->id_type, au->id,
		             au->id_addr, &why) != 0)
			config_error_add(v->errs, id, kpath, "'%s' is not an identity: %s",
			    config_quote(q, sizeof(q), id->text, id->len), why);
	}
	if (!auth_ok)
		return false;
	/* psk: no file belongs here, and none is opened. */
	for (k = AUTH_FILES1; k < AUTH__MAX && au->auth == CONFIG_AUTH_PSK; k++)
		if (val[k] != NULL)
			config_error_add(v->errs, val[k],
			    config_path_key(kpath, sizeof(kpath), path, keys[k].name),
			    "%s is for auth pubkey (auth is psk)", keys[k].name);
	if (au->auth == CONFIG_AUTH_PSK)
		return v->errs->total == total;
	files = val[AUTH_FILES1];
	config_path_key(kpath, sizeof(kpath), path, keys[AUTH_FILES1].name);
	if (files == NULL || config_is_null(files) ||
	    (files->kind == CONFIG_NODE_SEQ && files->n_kids == 0))
		config_error_add(v->errs, files != NULL ? files : n, kpath,
		    local ? "auth pubkey needs this end's certificate: certs is missing or empty" :
		            "auth pubkey needs trust anchors: cacerts is missing or empty");
	else
		do_files(v, files, kpath, local ? au->certs : au->cacerts,
		    local ? &au->n_certs : &au->n_cacerts);
	config_path_key(kpath, sizeof(kpath), path, keys[AUTH_FILES2].name);
	if (val[AUTH_FILES2] != NULL && local)
		config_want_file(v, val[AUTH_FILES2], kpath, au->key);
	else if (val[AUTH_FILES2] != NULL)
		do_files(v, val[AUTH_FILES2], kpath, au->crls, &au->n_crls);
	else if (local)
		config_error_add(v->errs, n, kpath,
		    "required key is missing (auth is pubkey: the private key of certs[0])");
	return v->errs->total == total;
}

/* Does secret s fit this end: its id, or with none its addresses? */
static bool
secret_fits(const struct config_secret *s, const struct config_ike_auth *au,
    const struct config_addr *addrs, unsigned int n)
{
	char text[INET6_ADDRSTRLEN];
	unsigned int i;

	if (au->id[0] != '\0')
		return config_secret_match(s, au->id_type, au->id, au->id_addr) != 0;
	if (config_secret_match(s, CONFIG_ID_ANY, NULL, NULL) != 0)
		return true;
	for (i = 0; i < n; i++)
		if (config_secret_match(s, addrs[i].family == 4 ? CONFIG_ID_IPV4 : CONFIG_ID_IPV6,
		        config_addr_format(&addrs[i], text, sizeof(text)), addrs[i].addr) != 0)
			return true;
	return false;
}

/*
 * A psk end needs a secret that names either end, or any peer.  A remote
 * end that may be anyone (id %any, or no id and remote_addrs %any) is
 * matched at run time by what it sends: any ike secret may then do.
 */
static void
psk_check(struct validate *v, const struct config_connection *c, const struct conn_seen *seen,
    const char *base)
{
	const struct config_node *at =
	    c->remote.auth == CONFIG_AUTH_PSK ? seen->remote_auth : seen->local_auth;
	bool anyone = c->remote.id_type == CONFIG_ID_ANY ||
	    (c->remote.id[0] == '\0' && c->n_remote_addrs == 0);
	char path[PATH_LEN], who[CONFIG_ID_MAX + 8];
	const struct config_secret *s;
	unsigned int i;

	if (v->secrets_incomplete || !seen->local || !seen->remote || !seen->local_addrs ||
	    !seen->remote_addrs ||
	    (c->local.auth != CONFIG_AUTH_PSK && c->remote.auth != CONFIG_AUTH_PSK))
		return;
	for (i = 0; i < v->cfg->n_secrets; i++) {
		s = &v->cfg->secrets[i];
		if (s->type != CONFIG_SECRET_IKE)
			continue;
		if (anyone || secret_fits(s, &c->remote, c->remote_addrs, c->n_remote_addrs) ||
		    secret_fits(s, &c->local, c->local_addrs, c->n_local_addrs))
			return;
	}
	config_path_key(path, sizeof(path), base,
	    c->remote.auth == CONFIG_AUTH_PSK ? "remote.auth" : "local.auth");
	if (anyone) {
		config_error_add(v->errs, at, path,
		    "auth psk needs a secret: secrets has no ike secret");
		return;
	}
	if (c->remote.id[0] != '\0')
		snprintf(who, sizeof(who), "%s%s", c->remote.id_type == CONFIG_ID_FQDN ? "@" : "",
		    c->remote.id);
	else
		config_addr_format(&c->remote_addrs[0], who, sizeof(who));
	config_error_add(v->errs, at, path,
	    "auth psk needs a secret: no ike secret in secrets has %s (or this end's id) in its ids, and none is for any peer",
	    who);
}

/* The duration val[k] into *out; false if absent or not valid. */
static bool
want_time(struct validate *v, const struct config_node *const *val, const struct key_spec *keys,
    unsigned int k, const char *base, uint32_t *out)
{
	char path[PATH_LEN];

	if (val[k] == NULL)
		return false;
	return config_want_duration(v, val[k],
	    config_path_key(path, sizeof(path), base, keys[k].name), false, out);
}

/* rand_time must stay below a period (rekey or reauth) that is set. */
static void
rand_check(struct validate *v, const struct config_node *const *val, const struct key_spec *keys,
    unsigned int k_rand, unsigned int k_period, uint32_t jitter, uint32_t period, const char *base)
{
	const struct config_node *at = val[k_rand] != NULL ? val[k_rand] : val[k_period];
	char path[PATH_LEN];

	if (at == NULL || period == 0 || jitter < period)
		return;
	config_error_add(v->errs, at,
	    config_path_key(path, sizeof(path), base,
	        keys[at == val[k_rand] ? k_rand : k_period].name),
	    "rand_time (%us) must be below %s (%us)", jitter, keys[k_period].name, period);
}

static void
conn_times(struct validate *v, struct config_connection *c, const struct config_node *const *val,
    const char *base)
{
	bool bad = false;
	uint32_t longer;

	c->dpd_timeout = CONN_DPD_TIMEOUT_DEFAULT;
	c->rekey_time = CONN_REKEY_TIME_DEFAULT;
	want_time(v, val, conn_keys, CONN_DPD_DELAY, base, &c->dpd_delay);
	want_time(v, val, conn_keys, CONN_DPD_TIMEOUT, base, &c->dpd_timeout);
	bad |= val[CONN_REKEY_TIME] != NULL &&
	    !want_time(v, val, conn_keys, CONN_REKEY_TIME, base, &c->rekey_time);
	bad |= val[CONN_REAUTH_TIME] != NULL &&
	    !want_time(v, val, conn_keys, CONN_REAUTH_TIME, base, &c->reauth_time);
	longer = c->rekey_time > c->reauth_time ? c->rekey_time : c->reauth_time;
	c->over_time = (uint32_t)((uint64_t)longer * CONN_OVER_TIME_PCT / 100);
	bad |= val[CONN_OVER_TIME] != NULL &&
	    !want_time(v, val, conn_keys, CONN_OVER_TIME, base, &c->over_time);
	c->rand_time = c->over_time;
	bad |= val[CONN_RAND_TIME] != NULL &&
	    !want_time(v, val, conn_keys, CONN_RAND_TIME, base, &c->rand_time);
	if (bad)
		return;
	rand_check(v, val, conn_keys, CONN_RAND_TIME, CONN_REKEY_TIME, c->rand_time, c->rekey_time,
	    base);
	rand_check(v, val, conn_keys, CONN_RAND_TIME, CONN_REAUTH_TIME, c->rand_time,
	    c->reauth_time, base);
}

/* fragmentation: yes | accept | force | no; true and false stand for yes and no. */
static void
do_fragmentation(struct validate *v, struct config_connection *c, const struct config_node *n,
    const char *path)
{
	bool b;
	int e;

	if (n->kind == CONFIG_NODE_SCALAR && config_scalar_type(n) == SCALAR_BOOL &&
	    config_want_bool(v, n, path, &b)) {
		c->fragmentation = b ? CONFIG_FRAG_YES : CONFIG_FRAG_NO;
		return;
	}
	if ((e = config_want_enum(v, n, path, "fragmentation", frag_names,
	         "yes, accept, force or no")) >= 0)
		c->fragmentation = (enum config_fragmentation)e;
}

/* ---- children ---- */

/* The children being read: the flat array grows as connections are read. */
struct walk {
	const struct config_node **child_key; /* the name of each child, for policy errors */
	unsigned int cap;
	bool children_full; /* CONFIG_CHILDREN_MAX reached and reported */
};

static void
child_times(struct validate *v, struct config_child *ch, const struct config_node *const *val,
    const char *base)
{
	uint64_t *lim[4] = { &ch->rekey_bytes, &ch->life_bytes, &ch->rekey_packets,
		&ch->life_packets };
	bool ok[4] = { false }, bad = false;
	char path[PATH_LEN];
	unsigned int k;

	ch->rekey_time = CHILD_REKEY_TIME_DEFAULT;
	bad |= val[CHILD_REKEY_TIME] != NULL &&
	    !want_time(v, val, child_keys, CHILD_REKEY_TIME, base, &ch->rekey_time);
	ch->life_time = (uint32_t)((uint64_t)ch->rekey_time * CHILD_LIFE_PCT / 100);
	bad |= val[CHILD_LIFE_TIME] != NULL &&
	    !want_time(v, val, child_keys, CHILD_LIFE_TIME, base, &ch->life_time);
	ch->rand_time = ch->life_time > ch->rekey_time ? ch->life_time - ch->rekey_time : 0;
	bad |= val[CHILD_RAND_TIME] != NULL &&
	    !want_time(v, val, child_keys, CHILD_RAND_TIME, base, &ch->rand_time);
	if (!bad && ch->rekey_time != 0 && ch->life_time != 0 && ch->life_time <= ch->rekey_time) {
		k = val[CHILD_LIFE_TIME] != NULL ? CHILD_LIFE_TIME : CHILD_REKEY_TIME;
		config_error_add(v->errs, val[k],
		    config_path_key(path, sizeof(path), base, child_keys[k].name),
		    "life_time (%us) must be above rekey_time (%us): the SA must live until its rekeying",
		    ch->life_time, ch->rekey_time);
	} else if (!bad) {
		rand_check(v, val, child_keys, CHILD_RAND_TIME, CHILD_REKEY_TIME, ch->rand_time,
		    ch->rekey_time, base);
	}
	/* Volume limits: 0 none; a life limit defaults to 110 % of its rekey limit. */
	for (k = 0; k < 4; k++)
		if (val[CHILD_REKEY_BYTES + k] != NULL)
			ok[k] = config_want_u64(v, val[CHILD_REKEY_BYTES + k],
			    config_path_key(path, sizeof(path), base,
			        child_keys[CHILD_REKEY_BYTES + k].name),
			    lim[k]);
	for (k = 0; k < 4; k += 2) {
		if (val[CHILD_REKEY_BYTES + k + 1] == NULL && *lim[k] != 0)
			*lim[k + 1] = *lim[k] > UINT64_MAX / CHILD_LIFE_PCT * 100 ?
			    UINT64_MAX :
			    *lim[k] + *lim[k] / 10;
		if (!ok[k] || !ok[k + 1] || *lim[k] == 0 || *lim[k + 1] == 0 ||
		    *lim[k] < *lim[k + 1])
			continue;
		config_error_add(v->errs, val[CHILD_REKEY_BYTES + k + 1],
		    config_path_key(path, sizeof(path), base,
		        child_keys[CHILD_REKEY_BYTES + k + 1].name),
		    "%s must be above %s", child_keys[CHILD_REKEY_BYTES + k + 1].name,
		    child_keys[CHILD_REKEY_BYTES + k].name);
	}
}

/* The prefix a selector stands for, or false if a dynamic one has no known address. */
static bool
ts_resolve(const struct config_ts *ts, const struct config_connection *c, bool local,
    struct config_prefix *out)
{
	const struct config_addr *a = local ? c->local_addrs : c->remote_addrs;
	unsigned int n = local ? c->n_local_addrs : c->n_remote_addrs;

	if (!ts->dynamic) {
		*out = ts->net;
		return ts->net.a.family != 0;
	}
	if (n == 0)
		return false;
	out->a = a[0];
	out->len = (uint8_t)(config_addr_bytes(&a[0]) * 8);
	return true;
}

/*
 * In transport mode the SA carries the two ends' own packets: a selector
 * is dynamic, or a host that is one of that side's addresses (when known).
 */
static void
transport_ts_check(struct validate *v, const struct config_child *ch,
    const struct config_connection *c, const struct config_node *n, const char *path, bool local)
{
	const struct config_ts *ts = local ? ch->local_ts : ch->remote_ts;
	const struct config_addr *addrs = local ? c->local_addrs : c->remote_addrs;
	unsigned int count = local ? ch->n_local_ts : ch->n_remote_ts;
	unsigned int n_addrs = local ? c->n_local_addrs : c->n_remote_addrs, i, j;
	char ipath[PATH_LEN], q[QUOTE_LEN];

	for (i = 0; i < count && n != NULL; i++) {
		if (ts[i].dynamic)
			continue;
		for (j = 0; j < n_addrs; j++)
			if (config_addr_equal(&addrs[j], &ts[i].net.a))
				break;
		if (ts[i].net.len == config_addr_bytes(&ts[i].net.a) * 8 &&
		    (n_addrs == 0 || j < n_addrs))
			continue;
		config_error_add(v->errs, n->kids[i],
		    config_path_index(ipath, sizeof(ipath), path, i),
		    "'%s': in transport mode a selector is dynamic or a host of %s",
		    config_quote(q, sizeof(q), n->kids[i]->text, n->kids[i]->len),
		    local ? "local_addrs" : "remote_addrs");
	}
}

/* At least one pair of selectors of one family, unless a dynamic one is still unknown. */
static void
family_check(struct validate *v, const struct config_child *ch, const struct config_connection *c,
    const struct config_node *at, const char *path)
{
	struct config_prefix l, r;
	unsigned int i, j;

	for (i = 0; i < ch->n_local_ts; i++) {
		if (!ts_resolve(&ch->local_ts[i], c, true, &l))
			return;
		for (j = 0; j < ch->n_remote_ts; j++) {
			if (!ts_resolve(&ch->remote_ts[j], c, false, &r))
				return;
			if (l.a.family == r.a.family)
				return;
		}
	}
	config_error_add(v->errs, at, path,
	    "no remote_ts has the family of a local_ts: the child would carry nothing");
}

static void
do_child(struct validate *v, struct config_child *ch, const struct config_connection *c,
    const struct conn_seen *cs, const struct config_node *n, const char *path)
{
	const struct config_node *val[CHILD__MAX];
	unsigned int total = v->errs->total;
	char kpath[PATH_LEN];
	bool lts, rts;
	unsigned int k;
	long w;
	int e;

	ch->mode = CONFIG_MODE_TUNNEL;
	ch->replay_window = CONFIG_REPLAY_WINDOW_DEFAULT;
	if (config_is_null(n)) {
		/* "net:" with nothing: every default. */
		memset(val, 0, sizeof(val));
	} else if (!config_map_scan(v, n, path, child_keys, CHILD__MAX, val)) {
		return;
	}
#define CHILD_PATH(k) config_path_key(kpath, sizeof(kpath), path, child_keys[k].name)
	lts = do_ts_list(v, val[CHILD_LOCAL_TS], CHILD_PATH(CHILD_LOCAL_TS), ch->local_ts,
	    &ch->n_local_ts);
	rts = do_ts_list(v, val[CHILD_REMOTE_TS], CHILD_PATH(CHILD_REMOTE_TS), ch->remote_ts,
	    &ch->n_remote_ts);
	ch->n_esp_proposals = do_proposals(v, val[CHILD_ESP_PROPOSALS],
	    CHILD_PATH(CHILD_ESP_PROPOSALS), true, 0, ch->esp_proposals, CONFIG_PROPOSALS_MAX);
	if (val[CHILD_MODE] != NULL &&
	    (e = config_want_enum(v, val[CHILD_MODE], CHILD_PATH(CHILD_MODE), "mode", mode_names,
	         "tunnel or transport")) >= 0)
		ch->mode = (enum config_mode)e;
	if (val[CHILD_START_ACTION] != NULL &&
	    (e = config_want_enum(v, val[CHILD_START_ACTION], CHILD_PATH(CHILD_START_ACTION),
	         "start_action", start_names, "none, trap or start")) >= 0) {
		ch->start_action = (enum config_start_action)e;
		if (e != CONFIG_START_NONE && cs->remote_addrs && c->n_remote_addrs == 0)
			config_error_add(v->errs, val[CHILD_START_ACTION], kpath,
			    "start_action %s needs a peer to start with: remote_addrs is %%any",
			    start_names[e]);
	}
	if (val[CHILD_DPD_ACTION] != NULL &&
	    (e = config_want_enum(v, val[CHILD_DPD_ACTION], CHILD_PATH(CHILD_DPD_ACTION),
	         "dpd_action", dpd_names, "clear, trap or restart")) >= 0)
		ch->dpd_action = (uint8_t)e;
	if (val[CHILD_REPLAY_WINDOW] != NULL &&
	    config_want_int(v, val[CHILD_REPLAY_WINDOW], CHILD_PATH(CHILD_REPLAY_WINDOW), 0,
	        REPLAY_WINDOW_MAX, &w))
		ch->replay_window = (uint32_t)w;
#undef CHILD_PATH
	child_times(v, ch, val, path);
	if (!lts || !rts || !cs->local_addrs || !cs->remote_addrs || v->errs->total != total)
		return;
	if (ch->mode == CONFIG_MODE_TRANSPORT) {
		transport_ts_check(v, ch, c, val[CHILD_LOCAL_TS],
		    config_path_key(kpath, sizeof(kpath), path, "local_ts"), true);
		transport_ts_check(v, ch, c, val[CHILD_REMOTE_TS],
		    config_path_key(kpath, sizeof(kpath), path, "remote_ts"), false);
	}
	/* At the selectors written, remote ones first; at the child when both are dynamic. */
	k = val[CHILD_REMOTE_TS] != NULL ? CHILD_REMOTE_TS : CHILD_LOCAL_TS;
	family_check(v, ch, c, val[k] != NULL ? val[k] : n,
	    config_path_key(kpath, sizeof(kpath), path, child_keys[k].name));
}

/* Append one child to cfg->children; NULL when out of room (reported). */
static struct config_child *
child_append(struct validate *v, struct walk *w, const struct config_node *key, const char *path)
{
	struct config_child *ch;
	const struct config_node **keys;
	unsigned int cap;

	if (v->cfg->n_children == CONFIG_CHILDREN_MAX) {
		if (!w->children_full)
			config_error_add(v->errs, key, path,
			    "too many children in all connections (at most %d)",
			    CONFIG_CHILDREN_MAX);
		w->children_full = true;
		return NULL;
	}
	if (v->cfg->n_children == w->cap) {
		cap = w->cap == 0 ? 8 : w->cap * 2;
		if (cap > CONFIG_CHILDREN_MAX)
			cap = CONFIG_CHILDREN_MAX;
		if ((ch = realloc(v->cfg->children, cap * sizeof(*ch))) == NULL)
			goto fail_nomem;
		v->cfg->children = ch;
		if ((keys = realloc(w->child_key, cap * sizeof(*keys))) == NULL)
			goto fail_nomem;
		w->child_key = keys;
		w->cap = cap;
	}
	w->child_key[v->cfg->n_children] = key;
	ch = &v->cfg->children[v->cfg->n_children++];
	memset(ch, 0, sizeof(*ch));
	return ch;
fail_nomem:
	config_error_add(v->errs, key, path, "out of memory");
	w->children_full = true;
	return NULL;
}

static void
do_children(struct validate *v, struct walk *w, struct config_connection *c, unsigned int idx,
    const struct conn_seen *cs, const struct config_node *n, const char *base)
{
	char path[PATH_LEN], cpath[PATH_LEN];
	const struct config_node *key;
	struct config_child *ch;
	unsigned int j;
	size_t i;

	c->first_child = v->cfg->n_children;
	if (config_is_null(n))
		return;
	config_path_key(path, sizeof(path), base, "children");
	if (!want_name_map(v, n, path, "child", "children"))
		return;
	for (i = 0; i + 1 < n->n_kids; i += 2) {
		key = n->kids[i];
		entry_path(cpath, sizeof(cpath), path, key);
		if ((ch = child_append(v, w, key, cpath)) == NULL)
			return;
		ch->connection = idx;
		c->n_children++;
		if (!want_entry_name(v, key, cpath, "child", ch->name))
			ch->name[0] = '\0';
		for (j = c->first_child; ch->name[0] != '\0' && j + 1 < v->cfg->n_children; j++) {
			if (strcmp(v->cfg->children[j].name, ch->name) != 0)
				continue;
			config_error_add(v->errs, key, cpath,
			    "duplicate child name '%s' (first at line %u)", ch->name,
			    w->child_key[j]->line);
			break;
		}
		do_child(v, ch, c, cs, n->kids[i + 1], cpath);
	}
}

static void
do_connection(struct validate *v, struct walk *w, unsigned int idx, const struct config_node *n,
    const char *path)
{
	struct config_connection *c = &v->cfg->connections[idx];
	struct conn_seen seen;
	const struct config_node *const *val = seen.val;
	char kpath[PATH_LEN];
	long l;

	memset(&seen, 0, sizeof(seen));
	c->local_port = CONN_PORT_DEFAULT;
	c->remote_port = CONN_PORT_DEFAULT;
	c->send_certreq = true;
	c->signature_authentication = true;
	c->first_child = v->cfg->n_children;
	if (!config_map_scan(v, n, path, conn_keys, CONN__MAX, seen.val))
		return;
#define CONN_PATH(k) config_path_key(kpath, sizeof(kpath), path, conn_keys[k].name)
	seen.version = true;
	if (val[CONN_VERSION] != NULL) {
		seen.version =
		    config_want_int(v, val[CONN_VERSION], CONN_PATH(CONN_VERSION), 0, 2, &l);
		if (seen.version)
			c->version = (uint8_t)l;
	}
	seen.local_addrs = val[CONN_LOCAL_ADDRS] == NULL ||
	    do_local_addrs(v, c, val[CONN_LOCAL_ADDRS], CONN_PATH(CONN_LOCAL_ADDRS));
	seen.remote_addrs = val[CONN_REMOTE_ADDRS] == NULL ||
	    do_remote_addrs(v, c, val[CONN_REMOTE_ADDRS], CONN_PATH(CONN_REMOTE_ADDRS),
	        seen.local_addrs);
	if (val[CONN_LOCAL_PORT] != NULL &&
	    config_want_int(v, val[CONN_LOCAL_PORT], CONN_PATH(CONN_LOCAL_PORT), 1, UINT16_MAX, &l))
		c->local_port = (uint16_t)l;
	if (val[CONN_REMOTE_PORT] != NULL &&
	    config_want_int(v, val[CONN_REMOTE_PORT], CONN_PATH(CONN_REMOTE_PORT), 1, UINT16_MAX,
	        &l))
		c->remote_port = (uint16_t)l;
	c->n_proposals = do_proposals(v, val[CONN_PROPOSALS], CONN_PATH(CONN_PROPOSALS), false,
	    seen.version ? c->version : 0, c->proposals, CONFIG_PROPOSALS_MAX);
	if (val[CONN_LOCAL] != NULL)
		seen.local = do_auth(v, &c->local, val[CONN_LOCAL], CONN_PATH(CONN_LOCAL), true,
		    &seen.local_auth);
	if (val[CONN_REMOTE] != NULL)
		seen.remote = do_auth(v, &c->remote, val[CONN_REMOTE], CONN_PATH(CONN_REMOTE),
		    false, &seen.remote_auth);
	if (val[CONN_AGGRESSIVE] != NULL &&
	    config_want_bool(v, val[CONN_AGGRESSIVE], CONN_PATH(CONN_AGGRESSIVE), &c->aggressive) &&
	    c->aggressive && seen.version && c->version == 2)
		config_error_add(v->errs, val[CONN_AGGRESSIVE], kpath,
		    "aggressive mode is IKEv1's (version is 2)");
	if (val[CONN_ENCAP] != NULL)
		config_want_bool(v, val[CONN_ENCAP], CONN_PATH(CONN_ENCAP), &c->encap);
	if (val[CONN_SEND_CERTREQ] != NULL)
		config_want_bool(v, val[CONN_SEND_CERTREQ], CONN_PATH(CONN_SEND_CERTREQ),
		    &c->send_certreq);
	if (val[CONN_FRAGMENTATION] != NULL)
		do_fragmentation(v, c, val[CONN_FRAGMENTATION], CONN_PATH(CONN_FRAGMENTATION));
	/* RFC 7427 is IKEv2's: IKEv1 signs with the key's own method only */
	if (val[CONN_SIGNATURE_AUTHENTICATION] != NULL &&
	    config_want_bool(v, val[CONN_SIGNATURE_AUTHENTICATION],
	        CONN_PATH(CONN_SIGNATURE_AUTHENTICATION), &c->signature_authentication) &&
	    seen.version && c->version == 1)
		config_error_add(v->errs, val[CONN_SIGNATURE_AUTHENTICATION], kpath,
		    "signature_authentication (RFC 7427) is IKEv2's (version is 1)");
#undef CONN_PATH
	conn_times(v, c, val, path);
	if (seen.version && c->version == 1 && seen.local && seen.remote &&
	    c->local.auth != c->remote.auth)
		config_error_add(v->errs, seen.remote_auth,
		    config_path_key(kpath, sizeof(kpath), path, "remote.auth"),
		    "IKEv1 authenticates both ends alike: local auth is %s, remote %s (version is 1)",
		    auth_names[c->local.auth], auth_names[c->remote.auth]);
	psk_check(v, c, &seen, path);
	if (val[CONN_CHILDREN] != NULL)
		do_children(v, w, c, idx, &seen, val[CONN_CHILDREN], path);
}

/* ---- the children's policies ---- */

/*
 * "<conn>/<child>/<dir>/<n>", or when that does not fit CONFIG_NAME_MAX, as
 * much of "<conn>/<child>" as fits and "~<child index>/<dir>/<n>".  Names
 * from policies: have no '/', whole generated names no '~': all stay unique.
 */
static void
policy_name(char name[CONFIG_NAME_MAX], const struct config_connection *c,
    const struct config_child *ch, unsigned int child, const char *dir, unsigned int k)
{
	char full[3 * CONFIG_NAME_MAX], tail[CONFIG_NAME_MAX];
	size_t len, tlen;

	len = (size_t)snprintf(full, sizeof(full), "%s/%s/%s/%u", c->name, ch->name, dir, k);
	if (len < CONFIG_NAME_MAX) {
		memcpy(name, full, len + 1);
		return;
	}
	len = (size_t)snprintf(full, sizeof(full), "%s/%s", c->name, ch->name);
	tlen = (size_t)snprintf(tail, sizeof(tail), "~%u/%s/%u", child, dir, k);
	len = CONFIG_NAME_MAX - 1 - tlen;
	memcpy(name, full, len);
	memcpy(name + len, tail, tlen + 1);
}

/*
 * The policies of child @p i: for each pair of selectors of one family an
 * outbound and an inbound PROTECT policy, into out (when not NULL).
 * Returns how many.  Pairs whose protocols differ carry nothing and make
 * none; nor does a dynamic selector whose address is not known (%any).
 */
static unsigned int
child_policies(const struct config *cfg, unsigned int i, struct config_policy *out)
{
	const struct config_child *ch = &cfg->children[i];
	const struct config_connection *c = &cfg->connections[ch->connection];
	const struct config_ts *lt, *rt;
	struct config_prefix l, r;
	struct config_policy *p;
	unsigned int a, b, n = 0;
	int proto;

	for (a = 0; a < ch->n_local_ts; a++) {
		lt = &ch->local_ts[a];
		if (!ts_resolve(lt, c, true, &l))
			continue;
		for (b = 0; b < ch->n_remote_ts; b++) {
			rt = &ch->remote_ts[b];
			if (!ts_resolve(rt, c, false, &r) || l.a.family != r.a.family ||
			    (lt->protocol != -1 && rt->protocol != -1 &&
			        lt->protocol != rt->protocol))
				continue;
			proto = lt->protocol != -1 ? lt->protocol : rt->protocol;
			if (out != NULL) {
				p = &out[2 * n];
				memset(p, 0, 2 * sizeof(*p));
				policy_name(p[0].name, c, ch, i, "out", n);
				p[0].direction = CONFIG_DIR_OUTBOUND;
				p[0].source = l;
				p[0].destination = r;
				p[0].source_ports = lt->ports;
				p[0].destination_ports = rt->ports;
				policy_name(p[1].name, c, ch, i, "in", n);
				p[1].direction = CONFIG_DIR_INBOUND;
				p[1].source = r;
				p[1].destination = l;
				p[1].source_ports = rt->ports;
				p[1].destination_ports = lt->ports;
				for (p = &out[2 * n]; p < &out[2 * n + 2]; p++) {
					p->protocol = proto;
					p->action = CONFIG_POLICY_PROTECT;
					p->sa = -1;
					p->child = (int)i;
				}
			}
			n++;
		}
	}
	return 2 * n;
}

/* Append every child's policies after those of policies:, within CONFIG_POLICIES_MAX. */
static void
policies_append(struct validate *v, const struct walk *w)
{
	struct config *cfg = v->cfg;
	struct config_policy *ps;
	unsigned int i, k, total = cfg->n_policies, upto;
	char path[PATH_LEN];

	for (upto = 0; upto < cfg->n_children; upto++) {
		k = child_policies(cfg, upto, NULL);
		if (total + k > CONFIG_POLICIES_MAX) {
			snprintf(path, sizeof(path), "connections.%s.children.%s",
			    cfg->connections[cfg->children[upto].connection].name,
			    cfg->children[upto].name);
			config_error_add(v->errs, w->child_key[upto], path,
			    "too many policies: this child's traffic selectors make %u more than the %u before it (at most %d, policies: included)",
			    k, total, CONFIG_POLICIES_MAX);
			break;
		}
		total += k;
	}
	if (total == cfg->n_policies)
		return;
	if ((ps = realloc(cfg->policies, total * sizeof(*ps))) == NULL) {
		config_error_add(v->errs, w->child_key[0], "connections", "out of memory");
		return;
	}
	cfg->policies = ps;
	for (i = 0; i < upto; i++)
		cfg->n_policies += child_policies(cfg, i, &ps[cfg->n_policies]);
}

void
config_conn_validate(struct validate *v, const struct config_node *n)
{
	const struct config_node *key;
	struct walk w = { NULL, 0, false };
	char path[PATH_LEN];
	size_t i, count;
	unsigned int j;

	if (config_is_null(n) || !want_name_map(v, n, "connections", "connection", "connections"))
		return;
	count = n->n_kids / 2;
	if (count > CONFIG_CONNECTIONS_MAX) {
		config_error_add(v->errs, n->kids[2 * CONFIG_CONNECTIONS_MAX],
		    entry_path(path, sizeof(path), "connections",
		        n->kids[2 * CONFIG_CONNECTIONS_MAX]),
		    "too many connections (at most %d)", CONFIG_CONNECTIONS_MAX);
		count = CONFIG_CONNECTIONS_MAX;
	}
	if (count == 0)
		return;
	if ((v->cfg->connections = calloc(count, sizeof(*v->cfg->connections))) == NULL) {
		config_error_add(v->errs, n, "connections", "out of memory");
		return;
	}
	v->cfg->n_connections = (unsigned int)count;
	for (i = 0; i < count; i++) {
		key = n->kids[2 * i];
		entry_path(path, sizeof(path), "connections", key);
		if (want_entry_name(v, key, path, "connection", v->cfg->connections[i].name)) {
			for (j = 0; j < i; j++) {
				if (strcmp(v->cfg->connections[j].name,
				        v->cfg->connections[i].name) != 0)
					continue;
				config_error_add(v->errs, key, path,
				    "duplicate connection name '%s' (first at line %u)",
				    v->cfg->connections[i].name, n->kids[2 * j]->line);
				break;
			}
		}
		do_connection(v, &w, (unsigned int)i, n->kids[2 * i + 1], path);
	}
	policies_append(v, &w);
	free(w.child_key);
}
