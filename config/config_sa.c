/* SPDX-License-Identifier: BSD-3-Clause */
/* config/config_sa.c: checks static_sas, the manually keyed SAs (RFC 4301 section 4.5). */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alg.h"
#include "config/config.h"
#include "config/config_validate.h"

/* Key text is secret: no message ever shows it, only lengths and positions. */

static const struct key_spec sa_keys[] = {
	{ "name", true },
	{ "direction", true },
	{ "spi", true },
	{ "protocol", false },
	{ "mode", false },
	{ "local", true },
	{ "remote", true },
	{ "proposal", true },
	{ "encryption_key", false },
	{ "integrity_key", false },
	{ "replay_window", false },
	{ "esn", false },
	{ "encap", false },
	{ "lifetime", false },
};
enum {
	SA_NAME,
	SA_DIRECTION,
	SA_SPI,
	SA_PROTOCOL,
	SA_MODE,
	SA_LOCAL,
	SA_REMOTE,
	SA_PROPOSAL,
	SA_ENCRYPTION_KEY,
	SA_INTEGRITY_KEY,
	SA_REPLAY_WINDOW,
	SA_ESN,
	SA_ENCAP,
	SA_LIFETIME,
	SA__MAX
};

static const struct key_spec encap_keys[] = {
	{ "type", true },
	{ "source_port", false },
	{ "destination_port", false },
};
enum {
	ENCAP_TYPE,
	ENCAP_SOURCE_PORT,
	ENCAP_DESTINATION_PORT,
	ENCAP__MAX
};

/* In pairs, soft before hard. */
static const struct key_spec lifetime_keys[] = {
	{ "soft_bytes", false },
	{ "hard_bytes", false },
	{ "soft_packets", false },
	{ "hard_packets", false },
};
enum {
	LIFETIME_SOFT_BYTES,
	LIFETIME_HARD_BYTES,
	LIFETIME_SOFT_PACKETS,
	LIFETIME_HARD_PACKETS,
	LIFETIME__MAX
};

/* Indexed by the enums of config.h and common/alg.h, NULL-terminated for config_want_enum(). */
static const char *const sa_protocol_names[] = { "esp", "ah", NULL };
static const char *const mode_names[] = { "tunnel", "transport", NULL };
static const char *const encap_type_names[] = { "udp", NULL };

_Static_assert(SA__MAX <= KEYS_MAX, "KEYS_MAX too small");
_Static_assert(ALG_PROTO_AH == 1 && CONFIG_MODE_TRANSPORT == 1, "name tables out of step");

/* [-+]?[0-9]+ or 0x[0-9a-fA-F]+ (an integer scalar) into *out; false if negative or too large. */
static bool
u64_parse(const char *s, size_t len, uint64_t *out)
{
	unsigned int base = 10, d;
	uint64_t val = 0;
	bool neg = false;
	size_t i = 0;

	if (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-';
		i++;
	} else if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i += 2;
	}
	for (; i < len; i++) {
		d = config_hex_value(s[i]);
		if (val > (UINT64_MAX - d) / base)
			return false;
		val = val * base + d;
	}
	if (neg && val != 0)
		return false;
	*out = val;
	return true;
}

/* An integer min..max of up to 64 bits; range is how the error message states the range. */
static bool
want_u64(struct validate *v, const struct config_node *n, const char *path, uint64_t min,
    uint64_t max, const char *range, uint64_t *out)
{
	char q[QUOTE_LEN];
	uint64_t val;

	if (!config_usable(v, n, path))
		return false;
	if (n->kind != CONFIG_NODE_SCALAR || config_scalar_type(n) != SCALAR_INT || !n->plain) {
		config_error_add(v->errs, n, path, "expected an integer");
		return false;
	}
	if (!u64_parse(n->text, n->len, &val) || val < min || val > max) {
		config_error_add(v->errs, n, path, "%s is out of range (%s)",
		    config_quote(q, sizeof(q), n->text, n->len), range);
		return false;
	}
	*out = val;
	return true;
}

/* A peer must be a unicast host: not unspecified, loopback, multicast or (IPv4) reserved. */
static bool
addr_is_peer(const struct config_addr *a)
{
	static const uint8_t zero[16], loop6[16] = { [15] = 1 };

	if (memcmp(a->addr, zero, config_addr_bytes(a)) == 0)
		return false;
	if (a->family == 4)
		return a->addr[0] != 127 && a->addr[0] < 224;
	return a->addr[0] != 0xff && memcmp(a->addr, loop6, 16) != 0;
}

/*
 * local is one of ours; for tunnel mode, on an unprotected interface, where
 * the peer's ESP arrives and where ours leaves.
 */
static void
sa_local_check(struct validate *v, struct config_static_sa *sa, const struct sa_seen *seen,
    const struct config_node *n, const char *path)
{
	char s[INET6_ADDRSTRLEN];
	unsigned int i = 0, j = 0;

	if (v->addrs_incomplete)
		return;
	config_addr_format(&sa->local, s, sizeof(s));
	if (config_connected_find(v, &sa->local, &i, &j) != CONNECTED_OWN) {
		config_error_add(v->errs, n, path,
		    "local %s is not one of this gateway's interface addresses", s);
		return;
	}
	sa->interface = i;
	if (seen->mode && sa->mode == CONFIG_MODE_TUNNEL &&
	    v->cfg->interfaces[i].role != CONFIG_ROLE_UNPROTECTED)
		config_error_add(v->errs, n, path,
		    "local %s is on interfaces[%u], which is protected: a tunnel-mode SA needs an address of an unprotected interface",
		    s, i);
}

static void
sa_addresses(struct validate *v, struct config_static_sa *sa, struct sa_seen *seen,
    const struct config_node *const *val, const char *base)
{
	char lpath[PATH_LEN], rpath[PATH_LEN], ls[INET6_ADDRSTRLEN], rs[INET6_ADDRSTRLEN];
	const struct config_node *remote = val[SA_REMOTE];
	unsigned int i = 0, j = 0;

	config_path_key(lpath, sizeof(lpath), base, "local");
	config_path_key(rpath, sizeof(rpath), base, "remote");
	if (val[SA_LOCAL] != NULL && config_want_addr(v, val[SA_LOCAL], lpath, &sa->local)) {
		seen->local = true;
		sa_local_check(v, sa, seen, val[SA_LOCAL], lpath);
	}
	if (remote == NULL || !config_want_addr(v, remote, rpath, &sa->remote))
		return;
	seen->remote = true;
	config_addr_format(&sa->remote, rs, sizeof(rs));
	if (seen->local && sa->remote.family != sa->local.family)
		config_error_add(v->errs, remote, rpath, "remote %s is IPv%u but local %s is IPv%u",
		    rs, sa->remote.family, config_addr_format(&sa->local, ls, sizeof(ls)),
		    sa->local.family);
	else if (!addr_is_peer(&sa->remote))
		config_error_add(v->errs, remote, rpath,
		    "remote %s is not a peer's address (unspecified, loopback, multicast or reserved)",
		    rs);
	else if (config_connected_find(v, &sa->remote, &i, &j) == CONNECTED_OWN)
		config_error_add(v->errs, remote, rpath,
		    "remote %s is this gateway's own address (interfaces[%u].addresses[%u])", rs, i,
		    j);
}

/* The proposal through the algorithm table; its error text is the message. */
static bool
do_proposal(struct validate *v, struct config_static_sa *sa, const struct sa_seen *seen,
    const struct config_node *n, const char *path)
{
	char q[QUOTE_LEN], err[CONFIG_ERROR_LEN];
	size_t i;

	if (!config_want_string(v, n, path))
		return false;
	/* The table quotes what it is given: let it see printable ASCII only. */
	for (i = 0; i < n->len; i++) {
		if ((unsigned char)n->text[i] <= 0x20 || (unsigned char)n->text[i] >= 0x7f) {
			config_error_add(v->errs, n, path,
			    "'%s' is not a valid proposal (a strongSwan keyword such as aes128gcm16 or aes128-sha256)",
			    config_quote(q, sizeof(q), n->text, n->len));
			return false;
		}
	}
	if (!seen->protocol)
		return false;
	if (alg_proposal_parse(n->text, sa->protocol, &sa->prop, err, sizeof(err)) != 0) {
		config_error_add(v->errs, n, path, "%s", err);
		return false;
	}
	return true;
}

/* What a proposal needs of one key. */
struct key_need {
	const char *key;   /* "encryption_key" or "integrity_key" */
	unsigned int len;  /* bytes of key */
	unsigned int salt; /* bytes of salt after them (RFC 4106 section 8.1 and alike) */
	const char *none;  /* why it takes none, when len + salt is 0 */
};

static void
key_needs(const struct config_static_sa *sa, struct key_need *enc, struct key_need *integ)
{
	const struct alg_proposal *p = &sa->prop;

	*enc = (struct key_need){ "encryption_key", 0, 0, NULL };
	*integ = (struct key_need){ "integrity_key", 0, 0, NULL };
	if (sa->protocol == ALG_PROTO_AH) {
		/* AH AES-GMAC keeps its salt after the integrity key (RFC 4543 section 3.2). */
		enc->none = "AH only authenticates";
		integ->len = p->auth_key_len;
		integ->salt = p->salt_len;
		return;
	}
	enc->len = p->cipher_key_len;
	enc->salt = p->salt_len;
	if (p->cipher == ALG_CIPHER_NULL)
		enc->none = "ENCR_NULL has no key";
	integ->len = p->auth_key_len;
	if (p->aead)
		integ->none = "a combined-mode algorithm authenticates with its encryption_key";
}

/* "aes128gcm16 needs a 20-byte encryption_key (16-byte key + 4-byte salt)" */
static const char *
need_text(char *buf, size_t size, const struct config_static_sa *sa, const struct key_need *k)
{
	if (k->salt != 0)
		snprintf(buf, size, "%s needs a %u-byte %s (%u-byte key + %u-byte salt)",
		    sa->prop.name, k->len + k->salt, k->key, k->len, k->salt);
	else
		snprintf(buf, size, "%s needs a %u-byte %s", sa->prop.name, k->len, k->key);
	return buf;
}

/*
 * Check that a key is written "0x" and two hex digits per byte, and return
 * its length in bytes, or -1 after an error.  Never quotes the text.
 */
static long
key_syntax(struct validate *v, const struct config_node *n, const char *path)
{
	size_t i;

	if (!config_usable(v, n, path))
		return -1;
	if (n->kind != CONFIG_NODE_SCALAR || n->len < 2 || n->text[0] != '0' ||
	    (n->text[1] != 'x' && n->text[1] != 'X')) {
		config_error_add(v->errs, n, path,
		    "expected a key in hex: 0x followed by two hex digits per byte");
		return -1;
	}
	for (i = 2; i < n->len; i++) {
		if (!config_is_digits(n->text + i, 1, true)) {
			config_error_add(v->errs, n, path,
			    "character %zu of the key is not a hex digit", i + 1);
			return -1;
		}
	}
	if (n->len % 2 != 0) {
		config_error_add(v->errs, n, path,
		    "odd number of hex digits (%zu): a key is whole bytes", n->len - 2);
		return -1;
	}
	return (long)(n->len - 2) / 2;
}

/*
 * One key of a static SA: n is its value or NULL, map the SA for "missing".
 * known says whether the proposal parsed, so that its needs are known.
 */
static void
do_key(struct validate *v, const struct config_static_sa *sa, const struct config_node *map,
    const struct config_node *n, const char *base, const struct key_need *need, bool known,
    uint8_t *out, uint8_t *out_len)
{
	char path[PATH_LEN], text[CONFIG_ERROR_LEN / 2];
	unsigned int total = need->len + need->salt;
	uint8_t any = 0;
	long len;
	size_t i;

	config_path_key(path, sizeof(path), base, need->key);
	if (n == NULL) {
		if (known && total != 0)
			config_error_add(v->errs, map, path, "required key is missing: %s",
			    need_text(text, sizeof(text), sa, need));
		return;
	}
	if ((len = key_syntax(v, n, path)) < 0 || !known)
		return;
	if (total == 0) {
		config_error_add(v->errs, n, path, "%s takes no %s (%s)", sa->prop.name, need->key,
		    need->none);
		return;
	}
	if ((unsigned long)len != total) {
		config_error_add(v->errs, n, path, "%s, got %ld",
		    need_text(text, sizeof(text), sa, need), len);
		return;
	}
	for (i = 0; i < total; i++) {
		out[i] = (uint8_t)(config_hex_value(n->text[2 + 2 * i]) << 4 |
		    config_hex_value(n->text[3 + 2 * i]));
		any |= out[i];
	}
	if (any == 0) {
		/* A key of zeros is always a placeholder left in, never a key. */
		config_error_add(v->errs, n, path, "the key is all zeros");
		return;
	}
	*out_len = (uint8_t)total;
}

/* replay_window: inbound only; an outbound SA may leave it out or give the default. */
static void
do_replay_window(struct validate *v, struct config_static_sa *sa, const struct sa_seen *seen,
    const struct config_node *n, const char *path)
{
	long w;

	if (!config_want_int(v, n, path, 0, REPLAY_WINDOW_MAX, &w))
		return;
	if (seen->direction && sa->direction == CONFIG_DIR_OUTBOUND) {
		if (w != CONFIG_REPLAY_WINDOW_DEFAULT)
			config_error_add(v->errs, n, path,
			    "replay_window applies to inbound SAs only (this SA is outbound)");
		return;
	}
	sa->replay_window = (uint32_t)w;
}

static void
do_encap(struct validate *v, struct config_static_sa *sa, const struct sa_seen *seen,
    const struct config_node *n, const char *path)
{
	const struct config_node *val[ENCAP__MAX];
	char kpath[PATH_LEN];
	long port;

	if (config_is_null(n) || !config_map_scan(v, n, path, encap_keys, ENCAP__MAX, val))
		return;
	sa->encap = true;
	sa->encap_source_port = CONFIG_NATT_PORT;
	sa->encap_destination_port = CONFIG_NATT_PORT;
	if (val[ENCAP_TYPE] != NULL)
		config_want_enum(v, val[ENCAP_TYPE],
		    config_path_key(kpath, sizeof(kpath), path, "type"), "encapsulation type",
		    encap_type_names, "udp");
	if (val[ENCAP_SOURCE_PORT] != NULL &&
	    config_want_int(v, val[ENCAP_SOURCE_PORT],
	        config_path_key(kpath, sizeof(kpath), path, "source_port"), 1, UINT16_MAX, &port))
		sa->encap_source_port = (uint16_t)port;
	if (val[ENCAP_DESTINATION_PORT] != NULL &&
	    config_want_int(v, val[ENCAP_DESTINATION_PORT],
	        config_path_key(kpath, sizeof(kpath), path, "destination_port"), 1, UINT16_MAX,
	        &port))
		sa->encap_destination_port = (uint16_t)port;
	if (seen->protocol && sa->protocol == ALG_PROTO_AH)
		config_error_add(v->errs, n, path,
		    "UDP encapsulation (RFC 3948) is for ESP only: AH cannot cross a NAT");
}

/* Four optional counts, 0 for unlimited; a soft limit must come before its hard one. */
static void
do_lifetime(struct validate *v, struct config_lifetime *lt, const struct config_node *n,
    const char *path)
{
	const struct config_node *val[LIFETIME__MAX];
	uint64_t *field[LIFETIME__MAX] = { &lt->soft_bytes, &lt->hard_bytes, &lt->soft_packets,
		&lt->hard_packets };
	bool ok[LIFETIME__MAX] = { false };
	char kpath[PATH_LEN];
	size_t k;

	if (config_is_null(n) || !config_map_scan(v, n, path, lifetime_keys, LIFETIME__MAX, val))
		return;
	for (k = 0; k < LIFETIME__MAX; k++)
		if (val[k] != NULL)
			ok[k] = want_u64(v, val[k],
			    config_path_key(kpath, sizeof(kpath), path, lifetime_keys[k].name), 0,
			    UINT64_MAX, "0..18446744073709551615", field[k]);
	for (k = 0; k < LIFETIME__MAX; k += 2) {
		if (!ok[k] || !ok[k + 1] || *field[k] == 0 || *field[k + 1] == 0 ||
		    *field[k] <= *field[k + 1])
			continue;
		config_error_add(v->errs, val[k],
		    config_path_key(kpath, sizeof(kpath), path, lifetime_keys[k].name),
		    "%" PRIu64 " is more than %s (%" PRIu64 ")", *field[k],
		    lifetime_keys[k + 1].name, *field[k + 1]);
	}
}

static void
do_static_sa(struct validate *v, unsigned int idx, const struct config_node *n, const char *path)
{
	struct config_static_sa *sa = &v->cfg->static_sas[idx];
	struct sa_seen *seen = &v->sa_seen[idx];
	const struct config_node *val[SA__MAX];
	struct key_need enc, integ;
	char kpath[PATH_LEN];
	bool known = false;
	uint64_t spi;
	int e;

	sa->protocol = ALG_PROTO_ESP;
	sa->mode = CONFIG_MODE_TUNNEL;
	sa->replay_window = CONFIG_REPLAY_WINDOW_DEFAULT;
	seen->protocol = true;
	seen->mode = true;
	if (!config_map_scan(v, n, path, sa_keys, SA__MAX, val))
		return;
	if (val[SA_NAME] != NULL)
		seen->name = config_want_name(v, val[SA_NAME],
		    config_path_key(kpath, sizeof(kpath), path, "name"), "SA", sa->name);
	if (val[SA_DIRECTION] != NULL &&
	    (e = config_want_enum(v, val[SA_DIRECTION],
	         config_path_key(kpath, sizeof(kpath), path, "direction"), "direction",
	         config_direction_names, "outbound or inbound")) >= 0) {
		sa->direction = (enum config_direction)e;
		seen->direction = true;
	}
	if (val[SA_SPI] != NULL &&
	    want_u64(v, val[SA_SPI], config_path_key(kpath, sizeof(kpath), path, "spi"), 256,
	        UINT32_MAX,
	        "256..0xffffffff: RFC 4303 section 2.1 reserves 1..255, and 0 is never an SA",
	        &spi)) {
		sa->spi = (uint32_t)spi;
		seen->spi = val[SA_SPI];
	}
	if (val[SA_PROTOCOL] != NULL) {
		e = config_want_enum(v, val[SA_PROTOCOL],
		    config_path_key(kpath, sizeof(kpath), path, "protocol"), "protocol",
		    sa_protocol_names, "esp or ah");
		seen->protocol = e >= 0;
		if (e >= 0)
			sa->protocol = (enum alg_proto)e;
	}
	if (val[SA_MODE] != NULL) {
		e = config_want_enum(v, val[SA_MODE],
		    config_path_key(kpath, sizeof(kpath), path, "mode"), "mode", mode_names,
		    "tunnel or transport");
		seen->mode = e >= 0;
		if (e >= 0)
			sa->mode = (enum config_mode)e;
	}
	sa_addresses(v, sa, seen, val, path);
	if (val[SA_PROPOSAL] != NULL)
		known = do_proposal(v, sa, seen, val[SA_PROPOSAL],
		    config_path_key(kpath, sizeof(kpath), path, "proposal"));
	key_needs(sa, &enc, &integ);
	do_key(v, sa, n, val[SA_ENCRYPTION_KEY], path, &enc, known, sa->encryption_key,
	    &sa->encryption_key_len);
	do_key(v, sa, n, val[SA_INTEGRITY_KEY], path, &integ, known, sa->integrity_key,
	    &sa->integrity_key_len);
	if (val[SA_REPLAY_WINDOW] != NULL)
		do_replay_window(v, sa, seen, val[SA_REPLAY_WINDOW],
		    config_path_key(kpath, sizeof(kpath), path, "replay_window"));
	if (seen->direction && sa->direction == CONFIG_DIR_OUTBOUND)
		sa->replay_window = 0;
	if (val[SA_ESN] != NULL)
		config_want_bool(v, val[SA_ESN], config_path_key(kpath, sizeof(kpath), path, "esn"),
		    &sa->esn);
	if (val[SA_ENCAP] != NULL)
		do_encap(v, sa, seen, val[SA_ENCAP],
		    config_path_key(kpath, sizeof(kpath), path, "encap"));
	if (val[SA_LIFETIME] != NULL)
		do_lifetime(v, &sa->lifetime, val[SA_LIFETIME],
		    config_path_key(kpath, sizeof(kpath), path, "lifetime"));
}

/*
 * Names unique; and an SA is found by its SPI with, inbound, our address
 * (RFC 4301 section 4.1: the SPI alone, whatever the protocol), outbound,
 * the peer's: no two SAs of a direction may share both.
 */
static void
sas_cross_check(struct validate *v)
{
	const struct config_static_sa *sas = v->cfg->static_sas, *a, *b;
	const struct sa_seen *seen = v->sa_seen;
	char path[PATH_LEN], s[INET6_ADDRSTRLEN];
	unsigned int i, j, n = v->cfg->n_static_sas;
	bool in;

	for (i = 0; i < n; i++) {
		for (j = 0; seen[i].name != NULL && j < i; j++) {
			if (seen[j].name == NULL || strcmp(sas[i].name, sas[j].name) != 0)
				continue;
			snprintf(path, sizeof(path), "static_sas[%u].name", i);
			config_error_add(v->errs, seen[i].name, path,
			    "duplicate SA name '%s' (also static_sas[%u])", sas[i].name, j);
			break;
		}
		a = &sas[i];
		in = a->direction == CONFIG_DIR_INBOUND;
		if (seen[i].spi == NULL || !seen[i].direction ||
		    !(in ? seen[i].local : seen[i].remote))
			continue;
		for (j = 0; j < i; j++) {
			b = &sas[j];
			if (seen[j].spi == NULL || !seen[j].direction ||
			    b->direction != a->direction || b->spi != a->spi ||
			    !(in ? seen[j].local : seen[j].remote) ||
			    !config_addr_equal(in ? &a->local : &a->remote,
			        in ? &b->local : &b->remote))
				continue;
			snprintf(path, sizeof(path), "static_sas[%u].spi", i);
			config_error_add(v->errs, seen[i].spi, path,
			    "spi 0x%08" PRIx32 " is already used by static_sas[%u] (%s, %s %s)",
			    a->spi, j, config_direction_name(a->direction), in ? "local" : "remote",
			    config_addr_format(in ? &a->local : &a->remote, s, sizeof(s)));
			break;
		}
	}
}

void
config_sa_validate(struct validate *v, const struct config_node *n)
{
	struct config_static_sa *sas;
	char path[PATH_LEN];
	size_t i, count;

	if (!config_want_list(v, n, "static_sas", true))
		return;
	count = n->n_kids < CONFIG_STATIC_SAS_MAX ? n->n_kids : CONFIG_STATIC_SAS_MAX;
	if (n->n_kids > CONFIG_STATIC_SAS_MAX)
		config_error_add(v->errs, n->kids[CONFIG_STATIC_SAS_MAX],
		    config_path_index(path, sizeof(path), "static_sas", CONFIG_STATIC_SAS_MAX),
		    "too many static SAs (at most %d)", CONFIG_STATIC_SAS_MAX);
	if (count == 0)
		return;
	sas = calloc(count, sizeof(*sas));
	v->sa_seen = calloc(count, sizeof(*v->sa_seen));
	v->cfg->static_sas = sas;
	if (sas == NULL || v->sa_seen == NULL) {
		config_error_add(v->errs, n, "static_sas", "out of memory");
		return;
	}
	v->cfg->n_static_sas = (unsigned int)count;
	for (i = 0; i < count; i++)
		do_static_sa(v, (unsigned int)i, n->kids[i],
		    config_path_index(path, sizeof(path), "static_sas", i));
	sas_cross_check(v);
}
