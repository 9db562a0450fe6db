/* SPDX-License-Identifier: BSD-3-Clause */
/* config/config_validate.c: checks the YAML node tree and fills struct config. */

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "common/alg.h"
#include "config/config.h"
#include "config/config_validate.h"

#define PATH_LEN     160 /* "neighbors[1023].address" and quoted unknown keys */
#define QUOTE_LEN    72  /* user text shown in a message, escaped and cut */
#define PREFIX_LEN   (INET6_ADDRSTRLEN + 4)
#define KEYS_MAX     16   /* keys of the largest mapping */
#define SUGGEST_LEN  32   /* longer unknown keys get no suggestion */
#define MTU_IPV6_MIN 1280 /* RFC 8200 section 5 */

#define TAG_STR "tag:yaml.org,2002:str"
#define TAG_SEQ "tag:yaml.org,2002:seq"
#define TAG_MAP "tag:yaml.org,2002:map"

/* What an untagged plain scalar is, by the YAML 1.2 core schema. */
enum scalar_type {
	SCALAR_STR = 0,
	SCALAR_NULL,
	SCALAR_BOOL,
	SCALAR_INT,
	SCALAR_FLOAT,
};

enum prefix_status {
	PREFIX_OK = 0,
	PREFIX_BAD,
	PREFIX_NO_LEN,    /* a valid address without /LEN */
	PREFIX_LEN_RANGE, /* /LEN is a number too large for the family */
};

enum connected {
	CONNECTED_NONE = 0,
	CONNECTED_OWN, /* one of the interface addresses itself */
	CONNECTED_YES,
};

struct key_spec {
	const char *name;
	bool required;
};

/* What the cross checks need of each static SA: which of its fields are valid. */
struct sa_seen {
	const struct config_node *name; /* NULL: missing or not valid */
	const struct config_node *spi;
	bool direction;
	bool protocol;
	bool mode;
	bool local;  /* parsed: sa->local is an address */
	bool remote; /* parsed */
};

/* Validation state: the config being filled and where each piece came from. */
struct validate {
	struct config_errors *errs;
	struct config *cfg;
	/* Some interface address is unknown: skip "is it connected" checks, they would only echo. */
	bool addrs_incomplete;
	const struct config_node *name_node[CONFIG_IFACES_MAX]; /* NULL: not valid */
	const struct config_node *port_node[CONFIG_IFACES_MAX];
	const struct config_node *addr_node[CONFIG_IFACES_MAX][CONFIG_ADDRS_MAX];
	struct sa_seen *sa_seen;     /* cfg->n_static_sas entries */
	unsigned int n_undefined_sa; /* "sa 'x' is not defined" errors so far */
};

static const struct key_spec top_keys[] = {
	{ "instance", true },
	{ "diagnostics", false },
	{ "interfaces", true },
	{ "routes", false },
	{ "neighbors", false },
	{ "static_sas", false },
	{ "policies", false },
};
enum {
	TOP_INSTANCE,
	TOP_DIAGNOSTICS,
	TOP_INTERFACES,
	TOP_ROUTES,
	TOP_NEIGHBORS,
	TOP_STATIC_SAS,
	TOP_POLICIES,
	TOP__MAX
};

static const struct key_spec iface_keys[] = {
	{ "name", true },
	{ "port", true },
	{ "role", true },
	{ "addresses", true },
	{ "mtu", false },
};
enum {
	IFACE_NAME,
	IFACE_PORT,
	IFACE_ROLE,
	IFACE_ADDRESSES,
	IFACE_MTU,
	IFACE__MAX
};

static const struct key_spec route_keys[] = {
	{ "destination", true },
	{ "gateway", true },
};
enum {
	ROUTE_DESTINATION,
	ROUTE_GATEWAY,
	ROUTE__MAX
};

static const struct key_spec neighbor_keys[] = {
	{ "address", true },
	{ "mac", true },
};
enum {
	NEIGHBOR_ADDRESS,
	NEIGHBOR_MAC,
	NEIGHBOR__MAX
};

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

static const struct key_spec policy_keys[] = {
	{ "name", true },
	{ "direction", true },
	{ "source", true },
	{ "destination", true },
	{ "protocol", false },
	{ "source_ports", false },
	{ "destination_ports", false },
	{ "action", true },
	{ "sa", false },
};
enum {
	POLICY_NAME,
	POLICY_DIRECTION,
	POLICY_SOURCE,
	POLICY_DESTINATION,
	POLICY_PROTOCOL,
	POLICY_SOURCE_PORTS,
	POLICY_DESTINATION_PORTS,
	POLICY_ACTION,
	POLICY_SA,
	POLICY__MAX
};

/* Indexed by the enums of config.h and common/alg.h, NULL-terminated for want_enum(). */
static const char *const direction_names[] = { "outbound", "inbound", NULL };
static const char *const sa_protocol_names[] = { "esp", "ah", NULL };
static const char *const mode_names[] = { "tunnel", "transport", NULL };
static const char *const action_names[] = { "protect", "bypass", "discard", NULL };
static const char *const encap_type_names[] = { "udp", NULL };

_Static_assert(TOP__MAX <= KEYS_MAX && IFACE__MAX <= KEYS_MAX, "KEYS_MAX too small");
_Static_assert(SA__MAX <= KEYS_MAX && POLICY__MAX <= KEYS_MAX, "KEYS_MAX too small");
_Static_assert(CONFIG_DIR_INBOUND == 1 && ALG_PROTO_AH == 1, "name tables out of step");
_Static_assert(CONFIG_MODE_TRANSPORT == 1 && CONFIG_POLICY_DISCARD == 2, "name tables out of step");

/* Copy user text into buf for a message: printable ASCII as is, the rest as \xHH, long text cut. */
static const char *
quote(char *buf, size_t size, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char c;
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (o + 8 >= size) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			buf[o++] = (char)c;
		} else {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 0xf];
		}
	}
	buf[o] = '\0';
	return buf;
}

/* "base.key", or "key" at the top level; paths are short, a cut one is still readable. */
static const char *
path_key(char *out, size_t size, const char *base, const char *key)
{
	int n;

	if (base[0] == '\0')
		n = snprintf(out, size, "%s", key);
	else
		n = snprintf(out, size, "%s.%s", base, key);
	if (n < 0)
		out[0] = '\0';
	return out;
}

static const char *
path_index(char *out, size_t size, const char *base, size_t i)
{
	if (snprintf(out, size, "%s[%zu]", base, i) < 0)
		out[0] = '\0';
	return out;
}

static bool
text_is(const struct config_node *n, const char *s)
{
	return n->len == strlen(s) && memcmp(n->text, s, n->len) == 0;
}

static bool
text_is_any(const struct config_node *n, const char *const *set)
{
	for (; *set != NULL; set++)
		if (text_is(n, *set))
			return true;
	return false;
}

/* The value of a digit that is_digits() accepted. */
static unsigned int
hex_value(char c)
{
	return c <= '9' ? (unsigned int)(c - '0') : (unsigned int)((c | 0x20) - 'a' + 10);
}

static bool
is_digits(const char *s, size_t len, bool hex)
{
	size_t i;

	if (len == 0)
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			continue;
		if (hex && ((s[i] >= 'a' && s[i] <= 'f') || (s[i] >= 'A' && s[i] <= 'F')))
			continue;
		return false;
	}
	return true;
}

/* [-+]?[0-9]+ or 0x[0-9a-fA-F]+ */
static bool
int_syntax(const char *s, size_t len)
{
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return is_digits(s + 2, len - 2, true);
	if (len > 0 && (s[0] == '-' || s[0] == '+'))
		return is_digits(s + 1, len - 1, false);
	return is_digits(s, len, false);
}

/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?, .inf and .nan */
static bool
float_syntax(const char *s, size_t len)
{
	static const char *const special[] = { ".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN",
		NULL };
	size_t i = 0, mant = 0, j;

	if (len > 0 && (s[0] == '-' || s[0] == '+'))
		i++;
	for (j = 0; special[j] != NULL; j++)
		if (len - i == strlen(special[j]) && memcmp(s + i, special[j], len - i) == 0)
			return j < 3 || i == 0;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		mant++;
	if (i < len && s[i] == '.')
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			mant++;
	if (mant == 0)
		return false;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '-' || s[i] == '+'))
			i++;
		if (!is_digits(s + i, len - i, false))
			return false;
		i = len;
	}
	return i == len;
}

static enum scalar_type
scalar_type(const struct config_node *n)
{
	static const char *const nulls[] = { "~", "null", "Null", "NULL", NULL };
	static const char *const bools[] = { "true", "True", "TRUE", "false", "False", "FALSE",
		NULL };

	if (!n->plain)
		return SCALAR_STR;
	if (n->len == 0 || text_is_any(n, nulls))
		return SCALAR_NULL;
	if (text_is_any(n, bools))
		return SCALAR_BOOL;
	if (int_syntax(n->text, n->len))
		return SCALAR_INT;
	if (float_syntax(n->text, n->len))
		return SCALAR_FLOAT;
	return SCALAR_STR;
}

static bool
is_null(const struct config_node *n)
{
	return n->kind == CONFIG_NODE_SCALAR && scalar_type(n) == SCALAR_NULL;
}

/*
 * Reject aliases, and tags other than those that do not change the meaning
 * (!, !!str, !!seq, !!map on nodes of that kind).
 */
static bool
usable(struct validate *v, const struct config_node *n, const char *path)
{
	char q[QUOTE_LEN];

	if (n->kind == CONFIG_NODE_ALIAS) {
		config_error_add(v->errs, n, path, "aliases are not supported (*%s)",
		    quote(q, sizeof(q), n->text, n->len));
		return false;
	}
	if (n->tag != NULL && strcmp(n->tag, "!") != 0 &&
	    !(n->kind == CONFIG_NODE_SCALAR && strcmp(n->tag, TAG_STR) == 0) &&
	    !(n->kind == CONFIG_NODE_SEQ && strcmp(n->tag, TAG_SEQ) == 0) &&
	    !(n->kind == CONFIG_NODE_MAP && strcmp(n->tag, TAG_MAP) == 0)) {
		config_error_add(v->errs, n, path, "unsupported tag '%s'",
		    quote(q, sizeof(q), n->tag, strlen(n->tag)));
		return false;
	}
	return true;
}

/* Check that n is of the kind wanted, reporting "expected ..." if not. */
static bool
want(struct validate *v, const struct config_node *n, const char *path, enum config_node_kind kind)
{
	static const char *const expected[] = {
		[CONFIG_NODE_SCALAR] = "a string",
		[CONFIG_NODE_SEQ] = "a list",
		[CONFIG_NODE_MAP] = "a mapping",
	};

	if (!usable(v, n, path))
		return false;
	if (n->kind != kind) {
		config_error_add(v->errs, n, path, "expected %s", expected[kind]);
		return false;
	}
	return true;
}

static bool
want_string(struct validate *v, const struct config_node *n, const char *path)
{
	if (!usable(v, n, path))
		return false;
	if (n->kind != CONFIG_NODE_SCALAR || scalar_type(n) != SCALAR_STR) {
		config_error_add(v->errs, n, path, "expected a string");
		return false;
	}
	return true;
}

/* A list, or for an optional list also null (an empty value or ~). */
static bool
want_list(struct validate *v, const struct config_node *n, const char *path, bool null_ok)
{
	if (null_ok && is_null(n))
		return false;
	return want(v, n, path, CONFIG_NODE_SEQ);
}

static bool
want_int(struct validate *v, const struct config_node *n, const char *path, long min, long max,
    long *out)
{
	const char *s = n->text;
	unsigned long long val = 0;
	bool neg = false, hex = false;
	long long sval;
	char q[QUOTE_LEN];
	size_t i = 0;

	if (!usable(v, n, path))
		return false;
	if (n->kind != CONFIG_NODE_SCALAR || scalar_type(n) != SCALAR_INT || !n->plain) {
		config_error_add(v->errs, n, path, "expected an integer");
		return false;
	}
	if (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-';
		i++;
	} else if (n->len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		hex = true;
		i += 2;
	}
	for (; i < n->len; i++) {
		/* Saturate: anything past a billion is out of every range here. */
		if (val < 1000000000ull)
			val = val * (hex ? 16 : 10) + hex_value(s[i]);
	}
	sval = neg ? -(long long)val : (long long)val;
	if (val >= 1000000000ull || sval < min || sval > max) {
		config_error_add(v->errs, n, path, "%s is out of range (%ld..%ld)",
		    quote(q, sizeof(q), n->text, n->len), min, max);
		return false;
	}
	*out = (long)sval;
	return true;
}

static bool
want_bool(struct validate *v, const struct config_node *n, const char *path, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", NULL };
	static const char *const no[] = { "false", "no", "off", NULL };
	char low[8];
	size_t i;

	if (n->kind == CONFIG_NODE_SCALAR && n->plain && n->len < sizeof(low)) {
		for (i = 0; i < n->len; i++)
			low[i] = (char)tolower((unsigned char)n->text[i]);
		low[n->len] = '\0';
		for (i = 0; yes[i] != NULL; i++)
			if (strcmp(low, yes[i]) == 0) {
				*out = true;
				return true;
			}
		for (i = 0; no[i] != NULL; i++)
			if (strcmp(low, no[i]) == 0) {
				*out = false;
				return true;
			}
	}
	if (usable(v, n, path))
		config_error_add(v->errs, n, path, "expected a boolean (true or false)");
	return false;
}

/* Optimal string alignment distance (Levenshtein plus transpositions); b is short. */
static size_t
edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
	size_t d0[SUGGEST_LEN + 1], d1[SUGGEST_LEN + 1], d2[SUGGEST_LEN + 1];
	size_t *pp = d0, *p = d1, *c = d2, *t;
	size_t i, j, cost, best;

	for (j = 0; j <= lb; j++)
		p[j] = j;
	for (i = 1; i <= la; i++) {
		c[0] = i;
		for (j = 1; j <= lb; j++) {
			cost = a[i - 1] == b[j - 1] ? 0 : 1;
			best = p[j] + 1;
			if (c[j - 1] + 1 < best)
				best = c[j - 1] + 1;
			if (p[j - 1] + cost < best)
				best = p[j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pp[j - 2] + 1 < best)
				best = pp[j - 2] + 1;
			c[j] = best;
		}
		t = pp;
		pp = p;
		p = c;
		c = t;
	}
	return p[lb];
}

/* Close means at most two edits and at most a third of the longer word. */
static bool
is_close(size_t distance, size_t la, size_t lb)
{
	size_t longer = la > lb ? la : lb;

	return distance <= 2 && distance * 3 <= longer;
}

static void
unknown_key(struct validate *v, const struct config_node *key, const char *base,
    const struct key_spec *keys, size_t n_keys)
{
	size_t i, d, best = SIZE_MAX, best_i = 0, l;
	char q[QUOTE_LEN], path[PATH_LEN], list[256];

	quote(q, sizeof(q), key->text, key->len);
	path_key(path, sizeof(path), base, q);
	if (key->len <= SUGGEST_LEN) {
		for (i = 0; i < n_keys; i++) {
			d = edit_distance(key->text, key->len, keys[i].name, strlen(keys[i].name));
			if (d < best) {
				best = d;
				best_i = i;
			}
		}
		if (is_close(best, key->len, strlen(keys[best_i].name))) {
			config_error_add(v->errs, key, path, "unknown key '%s'; did you mean '%s'?",
			    q, keys[best_i].name);
			return;
		}
	}
	list[0] = '\0';
	for (i = 0; i < n_keys; i++) {
		l = strlen(list);
		snprintf(list + l, sizeof(list) - l, "%s%s", i == 0 ? "" : ", ", keys[i].name);
	}
	config_error_add(v->errs, key, path, "unknown key '%s' (valid keys: %s)", q, list);
}

/*
 * Check that n is a mapping whose keys are among keys[], each at most once,
 * with every required one present; vals[i] is the value of keys[i] or NULL.
 */
static bool
map_scan(struct validate *v, const struct config_node *n, const char *path,
    const struct key_spec *keys, size_t n_keys, const struct config_node **vals)
{
	const struct config_node *first[KEYS_MAX] = { NULL };
	const struct config_node *key;
	char kpath[PATH_LEN];
	size_t i, k;

	for (k = 0; k < n_keys; k++)
		vals[k] = NULL;
	if (!want(v, n, path, CONFIG_NODE_MAP))
		return false;
	for (i = 0; i + 1 < n->n_kids; i += 2) {
		key = n->kids[i];
		if (key->kind != CONFIG_NODE_SCALAR) {
			config_error_add(v->errs, key, path[0] != '\0' ? path : "(top level)",
			    "keys must be plain strings");
			continue;
		}
		for (k = 0; k < n_keys && !text_is(key, keys[k].name); k++)
			;
		if (k == n_keys) {
			unknown_key(v, key, path, keys, n_keys);
			continue;
		}
		path_key(kpath, sizeof(kpath), path, keys[k].name);
		if (first[k] != NULL) {
			config_error_add(v->errs, key, kpath,
			    "duplicate key '%s' (first at line %u)", keys[k].name, first[k]->line);
			continue;
		}
		first[k] = key;
		vals[k] = n->kids[i + 1];
	}
	for (k = 0; k < n_keys; k++)
		if (keys[k].required && vals[k] == NULL)
			config_error_add(v->errs, n,
			    path_key(kpath, sizeof(kpath), path, keys[k].name),
			    "required key is missing");
	return true;
}

static size_t
addr_bytes(const struct config_addr *a)
{
	return a->family == 6 ? 16 : 4;
}

/* Parse an IPv4 or IPv6 address from len bytes of s; 0 or -EINVAL. */
static int
addr_parse(const char *s, size_t len, struct config_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	memset(a, 0, sizeof(*a));
	if (len >= sizeof(buf) || memchr(s, '\0', len) != NULL)
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (strchr(buf, ':') != NULL) {
		if (inet_pton(AF_INET6, buf, a->addr) != 1)
			return -EINVAL;
		a->family = 6;
	} else {
		if (inet_pton(AF_INET, buf, a->addr) != 1)
			return -EINVAL;
		a->family = 4;
	}
	return 0;
}

static enum prefix_status
prefix_parse(const struct config_node *n, struct config_prefix *p, unsigned long *len)
{
	const char *slash;
	size_t i;

	memset(p, 0, sizeof(*p));
	*len = 0;
	if ((slash = memchr(n->text, '/', n->len)) == NULL)
		return addr_parse(n->text, n->len, &p->a) == 0 ? PREFIX_NO_LEN : PREFIX_BAD;
	if (addr_parse(n->text, (size_t)(slash - n->text), &p->a) != 0)
		return PREFIX_BAD;
	slash++;
	i = n->len - (size_t)(slash - n->text);
	if (i == 0 || i > 9 || !is_digits(slash, i, false))
		return PREFIX_BAD;
	*len = strtoul(slash, NULL, 10);
	if (*len > addr_bytes(&p->a) * 8)
		return PREFIX_LEN_RANGE;
	p->len = (uint8_t)*len;
	return PREFIX_OK;
}

/* Does prefix p contain address a (which may have a longer prefix of its own)? */
static bool
prefix_contains(const struct config_prefix *p, const struct config_addr *a, unsigned int alen)
{
	unsigned int bits = p->len, i;
	uint8_t mask;

	if (p->a.family != a->family || alen < p->len)
		return false;
	for (i = 0; bits >= 8; i++, bits -= 8)
		if (p->a.addr[i] != a->addr[i])
			return false;
	if (bits == 0)
		return true;
	mask = (uint8_t)(0xff00 >> bits);
	return ((p->a.addr[i] ^ a->addr[i]) & mask) == 0;
}

static void
prefix_network(const struct config_prefix *p, struct config_prefix *net)
{
	unsigned int i;

	*net = *p;
	for (i = 0; i < 16; i++) {
		if (i * 8 >= p->len)
			net->a.addr[i] = 0;
		else if (i * 8 + 8 > p->len)
			net->a.addr[i] &= (uint8_t)(0xff00 >> (p->len - i * 8));
	}
}

static const char *
prefix_format(const struct config_prefix *p, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];

	snprintf(buf, size, "%s/%u", config_addr_format(&p->a, a, sizeof(a)), p->len);
	return buf;
}

static bool
addr_equal(const struct config_addr *a, const struct config_addr *b)
{
	return a->family == b->family && memcmp(a->addr, b->addr, addr_bytes(a)) == 0;
}

/* Report a prefix that did not parse; returns true if it did. */
static bool
want_prefix(struct validate *v, const struct config_node *n, const char *path,
    struct config_prefix *p)
{
	unsigned long len;
	char q[QUOTE_LEN];

	if (!want_string(v, n, path))
		return false;
	quote(q, sizeof(q), n->text, n->len);
	switch (prefix_parse(n, p, &len)) {
	case PREFIX_OK:
		return true;
	case PREFIX_NO_LEN:
		config_error_add(v->errs, n, path, "'%s' needs a prefix length (ADDR/LEN)", q);
		break;
	case PREFIX_LEN_RANGE:
		config_error_add(v->errs, n, path, "prefix length %lu is out of range (0..%zu)",
		    len, addr_bytes(&p->a) * 8);
		break;
	default:
		config_error_add(v->errs, n, path, "'%s' is not an IPv4 or IPv6 prefix", q);
		break;
	}
	return false;
}

static bool
want_addr(struct validate *v, const struct config_node *n, const char *path, struct config_addr *a)
{
	char q[QUOTE_LEN];

	if (!want_string(v, n, path))
		return false;
	if (addr_parse(n->text, n->len, a) != 0) {
		config_error_add(v->errs, n, path, "'%s' is not an IPv4 or IPv6 address",
		    quote(q, sizeof(q), n->text, n->len));
		return false;
	}
	return true;
}

/* Which interface's connected prefixes hold a; *iface and *addr name the match. */
static enum connected
connected_find(const struct validate *v, const struct config_addr *a, unsigned int *iface,
    unsigned int *addr)
{
	const struct config_interface *ifc;
	enum connected found = CONNECTED_NONE;
	unsigned int i, j, bits = (unsigned int)addr_bytes(a) * 8;

	for (i = 0; i < v->cfg->n_interfaces; i++) {
		ifc = &v->cfg->interfaces[i];
		for (j = 0; j < ifc->n_addresses; j++) {
			if (v->addr_node[i][j] == NULL)
				continue;
			if (addr_equal(&ifc->addresses[j].a, a)) {
				*iface = i;
				*addr = j;
				return CONNECTED_OWN;
			}
			if (found == CONNECTED_NONE &&
			    prefix_contains(&ifc->addresses[j], a, bits)) {
				*iface = i;
				found = CONNECTED_YES;
			}
		}
	}
	return found;
}

static bool
name_ok(const char *s, size_t len, size_t max, bool upper)
{
	size_t i;
	char c;

	if (len == 0 || len > max)
		return false;
	for (i = 0; i < len; i++) {
		c = s[i];
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')
			continue;
		if (!upper || c < 'A' || c > 'Z')
			return false;
	}
	return true;
}

static bool
port_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len >= CONFIG_PORT_NAME_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (s[i] <= 0x20 || s[i] >= 0x7f)
			return false;
	return true;
}

static void
do_instance(struct validate *v, const struct config_node *n)
{
	char q[QUOTE_LEN];

	if (!want_string(v, n, "instance"))
		return;
	if (!name_ok(n->text, n->len, CONFIG_NAME_MAX - 1, true)) {
		config_error_add(v->errs, n, "instance",
		    "'%s' is not a valid instance name (1..%d characters of A-Z a-z 0-9 _ -)",
		    quote(q, sizeof(q), n->text, n->len), CONFIG_NAME_MAX - 1);
		return;
	}
	memcpy(v->cfg->instance, n->text, n->len + 1);
}

static void
do_addresses(struct validate *v, unsigned int idx, const struct config_node *n, const char *base)
{
	struct config_interface *ifc = &v->cfg->interfaces[idx];
	char path[PATH_LEN], ipath[PATH_LEN];
	size_t i;

	path_key(path, sizeof(path), base, "addresses");
	if (!want_list(v, n, path, false)) {
		v->addrs_incomplete = true;
		return;
	}
	if (n->n_kids == 0) {
		config_error_add(v->errs, n, path, "at least one address is required");
		v->addrs_incomplete = true;
	}
	for (i = 0; i < n->n_kids; i++) {
		path_index(ipath, sizeof(ipath), path, i);
		if (i == CONFIG_ADDRS_MAX) {
			config_error_add(v->errs, n->kids[i], ipath,
			    "too many addresses (at most %d)", CONFIG_ADDRS_MAX);
			break;
		}
		ifc->n_addresses++;
		if (want_prefix(v, n->kids[i], ipath, &ifc->addresses[i]))
			v->addr_node[idx][i] = n->kids[i];
		else
			v->addrs_incomplete = true;
	}
}

static void
do_name(struct validate *v, unsigned int idx, const struct config_node *n, const char *path)
{
	char q[QUOTE_LEN];

	if (!want_string(v, n, path))
		return;
	if (!name_ok(n->text, n->len, CONFIG_NAME_MAX - 1, false)) {
		config_error_add(v->errs, n, path,
		    "'%s' is not a valid interface name (1..%d characters of a-z 0-9 _ -)",
		    quote(q, sizeof(q), n->text, n->len), CONFIG_NAME_MAX - 1);
		return;
	}
	memcpy(v->cfg->interfaces[idx].name, n->text, n->len + 1);
	v->name_node[idx] = n;
}

static void
do_port(struct validate *v, unsigned int idx, const struct config_node *n, const char *path)
{
	char q[QUOTE_LEN];

	if (!want_string(v, n, path))
		return;
	if (!port_ok(n->text, n->len)) {
		config_error_add(v->errs, n, path,
		    "'%s' is not a valid port name (1..%d printable characters, no spaces)",
		    quote(q, sizeof(q), n->text, n->len), CONFIG_PORT_NAME_MAX - 1);
		return;
	}
	memcpy(v->cfg->interfaces[idx].port, n->text, n->len + 1);
	v->port_node[idx] = n;
}

static void
do_role(struct validate *v, unsigned int idx, const struct config_node *n, const char *path)
{
	char q[QUOTE_LEN];

	if (!want_string(v, n, path))
		return;
	if (text_is(n, "unprotected"))
		v->cfg->interfaces[idx].role = CONFIG_ROLE_UNPROTECTED;
	else if (text_is(n, "protected"))
		v->cfg->interfaces[idx].role = CONFIG_ROLE_PROTECTED;
	else
		config_error_add(v->errs, n, path,
		    "'%s' is not a valid role (unprotected or protected)",
		    quote(q, sizeof(q), n->text, n->len));
}

/* After the addresses: an interface with IPv6 needs the IPv6 minimum MTU. */
static void
do_mtu(struct validate *v, unsigned int idx, const struct config_node *n, const char *path)
{
	struct config_interface *ifc = &v->cfg->interfaces[idx];
	unsigned int j;
	long mtu;

	if (!want_int(v, n, path, CONFIG_MTU_MIN, CONFIG_MTU_MAX, &mtu))
		return;
	ifc->mtu = (uint16_t)mtu;
	for (j = 0; j < ifc->n_addresses && mtu < MTU_IPV6_MIN; j++) {
		if (v->addr_node[idx][j] == NULL || ifc->addresses[j].a.family != 6)
			continue;
		config_error_add(v->errs, n, path,
		    "%ld is too small for an interface with an IPv6 address (at least %d)", mtu,
		    MTU_IPV6_MIN);
		break;
	}
}

static void
do_interface(struct validate *v, unsigned int idx, const struct config_node *n, const char *path)
{
	const struct config_node *val[IFACE__MAX];
	char kpath[PATH_LEN];

	v->cfg->interfaces[idx].mtu = CONFIG_MTU_DEFAULT;
	if (!map_scan(v, n, path, iface_keys, IFACE__MAX, val) || val[IFACE_ADDRESSES] == NULL)
		v->addrs_incomplete = true;
	if (val[IFACE_NAME] != NULL)
		do_name(v, idx, val[IFACE_NAME], path_key(kpath, sizeof(kpath), path, "name"));
	if (val[IFACE_PORT] != NULL)
		do_port(v, idx, val[IFACE_PORT], path_key(kpath, sizeof(kpath), path, "port"));
	if (val[IFACE_ROLE] != NULL)
		do_role(v, idx, val[IFACE_ROLE], path_key(kpath, sizeof(kpath), path, "role"));
	if (val[IFACE_ADDRESSES] != NULL)
		do_addresses(v, idx, val[IFACE_ADDRESSES], path);
	if (val[IFACE_MTU] != NULL)
		do_mtu(v, idx, val[IFACE_MTU], path_key(kpath, sizeof(kpath), path, "mtu"));
}

static bool
prefixes_overlap(const struct config_prefix *p, const struct config_prefix *q)
{
	return prefix_contains(p, &q->a, q->len) || prefix_contains(q, &p->a, p->len);
}

/*
 * Check interfaces[i].addresses[a] against every valid address before it in
 * file order: the same address anywhere, or an overlapping prefix on another
 * interface.  One error per address.
 */
static void
address_cross_check(struct validate *v, unsigned int i, unsigned int a)
{
	const struct config_interface *ifs = v->cfg->interfaces;
	const struct config_prefix *p = &ifs[i].addresses[a], *q;
	char path[PATH_LEN], ps[PREFIX_LEN], qs[PREFIX_LEN], s[INET6_ADDRSTRLEN];
	unsigned int j, b, n;

	snprintf(path, sizeof(path), "interfaces[%u].addresses[%u]", i, a);
	for (j = 0; j <= i; j++) {
		n = j == i ? a : ifs[j].n_addresses;
		for (b = 0; b < n; b++) {
			q = &ifs[j].addresses[b];
			if (v->addr_node[j][b] == NULL || !addr_equal(&p->a, &q->a))
				continue;
			config_error_add(v->errs, v->addr_node[i][a], path,
			    "duplicate address %s (also interfaces[%u].addresses[%u])",
			    config_addr_format(&p->a, s, sizeof(s)), j, b);
			return;
		}
	}
	for (j = 0; j < i; j++) {
		for (b = 0; b < ifs[j].n_addresses; b++) {
			q = &ifs[j].addresses[b];
			if (v->addr_node[j][b] == NULL || !prefixes_overlap(p, q))
				continue;
			config_error_add(v->errs, v->addr_node[i][a], path,
			    "%s overlaps interfaces[%u].addresses[%u] (%s)",
			    prefix_format(p, ps, sizeof(ps)), j, b,
			    prefix_format(q, qs, sizeof(qs)));
			return;
		}
	}
}

/* Names and ports unique, addresses unique, and no two interfaces on overlapping networks. */
static void
interfaces_cross_check(struct validate *v)
{
	const struct config_interface *ifs = v->cfg->interfaces;
	unsigned int i, j, a, n = v->cfg->n_interfaces;
	char path[PATH_LEN];

	for (i = 0; i < n; i++) {
		for (j = 0; v->name_node[i] != NULL && j < i; j++) {
			if (v->name_node[j] == NULL || strcmp(ifs[i].name, ifs[j].name) != 0)
				continue;
			snprintf(path, sizeof(path), "interfaces[%u].name", i);
			config_error_add(v->errs, v->name_node[i], path,
			    "duplicate interface name '%s' (also interfaces[%u])", ifs[i].name, j);
			break;
		}
		for (j = 0; v->port_node[i] != NULL && j < i; j++) {
			if (v->port_node[j] == NULL || strcmp(ifs[i].port, ifs[j].port) != 0)
				continue;
			snprintf(path, sizeof(path), "interfaces[%u].port", i);
			config_error_add(v->errs, v->port_node[i], path,
			    "port '%s' is already used by interfaces[%u]", ifs[i].port, j);
			break;
		}
		for (a = 0; a < ifs[i].n_addresses; a++)
			if (v->addr_node[i][a] != NULL)
				address_cross_check(v, i, a);
	}
}

static void
do_interfaces(struct validate *v, const struct config_node *n)
{
	char path[PATH_LEN];
	size_t i;

	if (!want_list(v, n, "interfaces", false)) {
		v->addrs_incomplete = true;
		return;
	}
	if (n->n_kids == 0)
		config_error_add(v->errs, n, "interfaces", "at least one interface is required");
	for (i = 0; i < n->n_kids; i++) {
		path_index(path, sizeof(path), "interfaces", i);
		if (i == CONFIG_IFACES_MAX) {
			config_error_add(v->errs, n->kids[i], path,
			    "too many interfaces (at most %d)", CONFIG_IFACES_MAX);
			break;
		}
		v->cfg->n_interfaces++;
		do_interface(v, (unsigned int)i, n->kids[i], path);
	}
	interfaces_cross_check(v);
}

/* Report where an address that should be a neighbor's is not; true if connected. */
static bool
check_connected(struct validate *v, const struct config_node *n, const char *path, const char *what,
    const struct config_addr *a, unsigned int *iface)
{
	char s[INET6_ADDRSTRLEN];
	unsigned int i = 0, j = 0;

	if (v->addrs_incomplete)
		return false;
	switch (connected_find(v, a, &i, &j)) {
	case CONNECTED_YES:
		*iface = i;
		return true;
	case CONNECTED_OWN:
		config_error_add(v->errs, n, path,
		    "%s %s is this gateway's own address (interfaces[%u].addresses[%u])", what,
		    config_addr_format(a, s, sizeof(s)), i, j);
		return false;
	default:
		config_error_add(v->errs, n, path,
		    "%s %s is not on any interface's connected network", what,
		    config_addr_format(a, s, sizeof(s)));
		return false;
	}
}

/* A route's destination must be a network: no host bits. */
static bool
want_network(struct validate *v, const struct config_node *n, const char *path,
    struct config_prefix *p)
{
	char q[QUOTE_LEN], s[PREFIX_LEN];
	struct config_prefix net;

	if (!want_prefix(v, n, path, p))
		return false;
	prefix_network(p, &net);
	if (memcmp(net.a.addr, p->a.addr, sizeof(net.a.addr)) == 0)
		return true;
	config_error_add(v->errs, n, path, "'%s' has host bits set (network is %s)",
	    quote(q, sizeof(q), n->text, n->len), prefix_format(&net, s, sizeof(s)));
	return false;
}

/* Returns the destination node if the destination is valid, for the duplicate check. */
static const struct config_node *
do_route(struct validate *v, struct config_route *r, const struct config_node *n, const char *path)
{
	const struct config_node *val[ROUTE__MAX], *dst, *gw;
	char dpath[PATH_LEN], gpath[PATH_LEN], ds[PREFIX_LEN], gs[INET6_ADDRSTRLEN];

	if (!map_scan(v, n, path, route_keys, ROUTE__MAX, val))
		return NULL;
	dst = val[ROUTE_DESTINATION];
	gw = val[ROUTE_GATEWAY];
	path_key(dpath, sizeof(dpath), path, "destination");
	path_key(gpath, sizeof(gpath), path, "gateway");
	if (dst != NULL && !want_network(v, dst, dpath, &r->destination))
		dst = NULL;
	if (gw == NULL || !want_addr(v, gw, gpath, &r->gateway))
		return dst;
	if (dst != NULL && r->gateway.family != r->destination.a.family) {
		config_error_add(v->errs, gw, gpath,
		    "gateway %s is IPv%u but destination %s is IPv%u",
		    config_addr_format(&r->gateway, gs, sizeof(gs)), r->gateway.family,
		    prefix_format(&r->destination, ds, sizeof(ds)), r->destination.a.family);
		return dst;
	}
	check_connected(v, gw, gpath, "gateway", &r->gateway, &r->interface);
	return dst;
}

static void
do_routes(struct validate *v, const struct config_node *n)
{
	const struct config_node **dst = NULL;
	struct config_route *rs;
	char path[PATH_LEN], s[PREFIX_LEN];
	size_t i, j, count;

	if (!want_list(v, n, "routes", true))
		return;
	count = n->n_kids < CONFIG_ROUTES_MAX ? n->n_kids : CONFIG_ROUTES_MAX;
	if (n->n_kids > CONFIG_ROUTES_MAX)
		config_error_add(v->errs, n->kids[CONFIG_ROUTES_MAX],
		    path_index(path, sizeof(path), "routes", CONFIG_ROUTES_MAX),
		    "too many routes (at most %d)", CONFIG_ROUTES_MAX);
	if (count == 0)
		return;
	rs = calloc(count, sizeof(*rs));
	dst = calloc(count, sizeof(*dst));
	v->cfg->routes = rs;
	if (rs == NULL || dst == NULL) {
		config_error_add(v->errs, n, "routes", "out of memory");
		goto out;
	}
	v->cfg->n_routes = (unsigned int)count;
	for (i = 0; i < count; i++) {
		path_index(path, sizeof(path), "routes", i);
		dst[i] = do_route(v, &rs[i], n->kids[i], path);
	}
	for (i = 0; i < count; i++) {
		for (j = 0; dst[i] != NULL && j < i; j++) {
			if (dst[j] == NULL || rs[i].destination.len != rs[j].destination.len ||
			    !addr_equal(&rs[i].destination.a, &rs[j].destination.a))
				continue;
			snprintf(path, sizeof(path), "routes[%zu].destination", i);
			config_error_add(v->errs, dst[i], path,
			    "duplicate destination %s (also routes[%zu])",
			    prefix_format(&rs[i].destination, s, sizeof(s)), j);
			break;
		}
	}
out:
	free(dst);
}

static bool
mac_parse(const struct config_node *n, uint8_t mac[6])
{
	const char *s = n->text;
	unsigned int i, hi, lo;

	if (n->len != 17)
		return false;
	for (i = 0; i < 6; i++) {
		if (!is_digits(s + i * 3, 2, true) || (i < 5 && s[i * 3 + 2] != ':'))
			return false;
		hi = hex_value(s[i * 3]);
		lo = hex_value(s[i * 3 + 1]);
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

/* Returns the address node if the address is valid, for the duplicate check. */
static const struct config_node *
do_neighbor(struct validate *v, struct config_neighbor *nb, const struct config_node *n,
    const char *path)
{
	static const uint8_t zero[6];
	const struct config_node *val[NEIGHBOR__MAX];
	char apath[PATH_LEN], mpath[PATH_LEN], q[QUOTE_LEN];
	const struct config_node *m;
	const struct config_node *addr_ok = NULL;

	if (!map_scan(v, n, path, neighbor_keys, NEIGHBOR__MAX, val))
		return NULL;
	path_key(apath, sizeof(apath), path, "address");
	path_key(mpath, sizeof(mpath), path, "mac");
	if (val[NEIGHBOR_ADDRESS] != NULL &&
	    want_addr(v, val[NEIGHBOR_ADDRESS], apath, &nb->address)) {
		addr_ok = val[NEIGHBOR_ADDRESS];
		check_connected(v, val[NEIGHBOR_ADDRESS], apath, "neighbor", &nb->address,
		    &nb->interface);
	}
	if ((m = val[NEIGHBOR_MAC]) != NULL && want_string(v, m, mpath)) {
		quote(q, sizeof(q), m->text, m->len);
		if (!mac_parse(m, nb->mac))
			config_error_add(v->errs, m, mpath,
			    "'%s' is not a MAC address (xx:xx:xx:xx:xx:xx)", q);
		else if (nb->mac[0] & 1)
			config_error_add(v->errs, m, mpath,
			    "'%s' is a multicast MAC address (a neighbor needs a unicast one)", q);
		else if (memcmp(nb->mac, zero, sizeof(zero)) == 0)
			config_error_add(v->errs, m, mpath, "'%s' is the all-zero MAC address", q);
	}
	return addr_ok;
}

static void
do_neighbors(struct validate *v, const struct config_node *n)
{
	const struct config_node **addr = NULL;
	struct config_neighbor *nbs;
	char path[PATH_LEN], s[INET6_ADDRSTRLEN];
	size_t i, j, count;

	if (!want_list(v, n, "neighbors", true))
		return;
	count = n->n_kids < CONFIG_NEIGHBORS_MAX ? n->n_kids : CONFIG_NEIGHBORS_MAX;
	if (n->n_kids > CONFIG_NEIGHBORS_MAX)
		config_error_add(v->errs, n->kids[CONFIG_NEIGHBORS_MAX],
		    path_index(path, sizeof(path), "neighbors", CONFIG_NEIGHBORS_MAX),
		    "too many neighbors (at most %d)", CONFIG_NEIGHBORS_MAX);
	if (count == 0)
		return;
	nbs = calloc(count, sizeof(*nbs));
	addr = calloc(count, sizeof(*addr));
	v->cfg->neighbors = nbs;
	if (nbs == NULL || addr == NULL) {
		config_error_add(v->errs, n, "neighbors", "out of memory");
		goto out;
	}
	v->cfg->n_neighbors = (unsigned int)count;
	for (i = 0; i < count; i++) {
		path_index(path, sizeof(path), "neighbors", i);
		addr[i] = do_neighbor(v, &nbs[i], n->kids[i], path);
	}
	for (i = 0; i < count; i++) {
		for (j = 0; addr[i] != NULL && j < i; j++) {
			if (addr[j] == NULL || !addr_equal(&nbs[i].address, &nbs[j].address))
				continue;
			snprintf(path, sizeof(path), "neighbors[%zu].address", i);
			config_error_add(v->errs, addr[i], path,
			    "duplicate neighbor %s (also neighbors[%zu])",
			    config_addr_format(&nbs[i].address, s, sizeof(s)), j);
			break;
		}
	}
out:
	free(addr);
}

/*
 * Static SAs (manual keying, RFC 4301 section 4.5) and policies (the SPD,
 * RFC 4301 section 4.4.1).  Key text is secret: no message ever shows it,
 * only lengths and positions.
 */

/* One of names[] (NULL-terminated, indexed by value): its index, or -1 after an error. */
static int
want_enum(struct validate *v, const struct config_node *n, const char *path, const char *what,
    const char *const *names, const char *choices)
{
	char q[QUOTE_LEN];
	int i;

	if (!want_string(v, n, path))
		return -1;
	for (i = 0; names[i] != NULL; i++)
		if (text_is(n, names[i]))
			return i;
	config_error_add(v->errs, n, path, "'%s' is not a valid %s (%s)",
	    quote(q, sizeof(q), n->text, n->len), what, choices);
	return -1;
}

/* [-+]?[0-9]+ or 0x[0-9a-fA-F]+ (int_syntax() checked) into *out; false if negative or too large. */
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
		d = hex_value(s[i]);
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

	if (!usable(v, n, path))
		return false;
	if (n->kind != CONFIG_NODE_SCALAR || scalar_type(n) != SCALAR_INT || !n->plain) {
		config_error_add(v->errs, n, path, "expected an integer");
		return false;
	}
	if (!u64_parse(n->text, n->len, &val) || val < min || val > max) {
		config_error_add(v->errs, n, path, "%s is out of range (%s)",
		    quote(q, sizeof(q), n->text, n->len), range);
		return false;
	}
	*out = val;
	return true;
}

/* A static SA's or a policy's name; the node if valid, for the duplicate check. */
static const struct config_node *
want_name(struct validate *v, const struct config_node *n, const char *path, const char *what,
    char name[CONFIG_NAME_MAX])
{
	char q[QUOTE_LEN];

	if (!want_string(v, n, path))
		return NULL;
	if (!name_ok(n->text, n->len, CONFIG_NAME_MAX - 1, true)) {
		config_error_add(v->errs, n, path,
		    "'%s' is not a valid %s name (1..%d characters of A-Z a-z 0-9 _ -)",
		    quote(q, sizeof(q), n->text, n->len), what, CONFIG_NAME_MAX - 1);
		return NULL;
	}
	memcpy(name, n->text, n->len + 1);
	return n;
}

/* A peer must be a unicast host: not unspecified, loopback, multicast or (IPv4) reserved. */
static bool
addr_is_peer(const struct config_addr *a)
{
	static const uint8_t zero[16], loop6[16] = { [15] = 1 };

	if (memcmp(a->addr, zero, addr_bytes(a)) == 0)
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
	if (connected_find(v, &sa->local, &i, &j) != CONNECTED_OWN) {
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

	path_key(lpath, sizeof(lpath), base, "local");
	path_key(rpath, sizeof(rpath), base, "remote");
	if (val[SA_LOCAL] != NULL && want_addr(v, val[SA_LOCAL], lpath, &sa->local)) {
		seen->local = true;
		sa_local_check(v, sa, seen, val[SA_LOCAL], lpath);
	}
	if (remote == NULL || !want_addr(v, remote, rpath, &sa->remote))
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
	else if (connected_find(v, &sa->remote, &i, &j) == CONNECTED_OWN)
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

	if (!want_string(v, n, path))
		return false;
	/* The table quotes what it is given: let it see printable ASCII only. */
	for (i = 0; i < n->len; i++) {
		if ((unsigned char)n->text[i] <= 0x20 || (unsigned char)n->text[i] >= 0x7f) {
			config_error_add(v->errs, n, path,
			    "'%s' is not a valid proposal (a strongSwan keyword such as aes128gcm16 or aes128-sha256)",
			    quote(q, sizeof(q), n->text, n->len));
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

	if (!usable(v, n, path))
		return -1;
	if (n->kind != CONFIG_NODE_SCALAR || n->len < 2 || n->text[0] != '0' ||
	    (n->text[1] != 'x' && n->text[1] != 'X')) {
		config_error_add(v->errs, n, path,
		    "expected a key in hex: 0x followed by two hex digits per byte");
		return -1;
	}
	for (i = 2; i < n->len; i++) {
		if (!is_digits(n->text + i, 1, true)) {
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

	path_key(path, sizeof(path), base, need->key);
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
		out[i] =
		    (uint8_t)(hex_value(n->text[2 + 2 * i]) << 4 | hex_value(n->text[3 + 2 * i]));
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

	if (!want_int(v, n, path, 0, REPLAY_WINDOW_MAX, &w))
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

	if (is_null(n) || !map_scan(v, n, path, encap_keys, ENCAP__MAX, val))
		return;
	sa->encap = true;
	sa->encap_source_port = CONFIG_NATT_PORT;
	sa->encap_destination_port = CONFIG_NATT_PORT;
	if (val[ENCAP_TYPE] != NULL)
		want_enum(v, val[ENCAP_TYPE], path_key(kpath, sizeof(kpath), path, "type"),
		    "encapsulation type", encap_type_names, "udp");
	if (val[ENCAP_SOURCE_PORT] != NULL &&
	    want_int(v, val[ENCAP_SOURCE_PORT], path_key(kpath, sizeof(kpath), path, "source_port"),
	        1, UINT16_MAX, &port))
		sa->encap_source_port = (uint16_t)port;
	if (val[ENCAP_DESTINATION_PORT] != NULL &&
	    want_int(v, val[ENCAP_DESTINATION_PORT],
	        path_key(kpath, sizeof(kpath), path, "destination_port"), 1, UINT16_MAX, &port))
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

	if (is_null(n) || !map_scan(v, n, path, lifetime_keys, LIFETIME__MAX, val))
		return;
	for (k = 0; k < LIFETIME__MAX; k++)
		if (val[k] != NULL)
			ok[k] = want_u64(v, val[k],
			    path_key(kpath, sizeof(kpath), path, lifetime_keys[k].name), 0,
			    UINT64_MAX, "0..18446744073709551615", field[k]);
	for (k = 0; k < LIFETIME__MAX; k += 2) {
		if (!ok[k] || !ok[k + 1] || *field[k] == 0 || *field[k + 1] == 0 ||
		    *field[k] <= *field[k + 1])
			continue;
		config_error_add(v->errs, val[k],
		    path_key(kpath, sizeof(kpath), path, lifetime_keys[k].name),
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
	if (!map_scan(v, n, path, sa_keys, SA__MAX, val))
		return;
	if (val[SA_NAME] != NULL)
		seen->name = want_name(v, val[SA_NAME],
		    path_key(kpath, sizeof(kpath), path, "name"), "SA", sa->name);
	if (val[SA_DIRECTION] != NULL &&
	    (e = want_enum(v, val[SA_DIRECTION], path_key(kpath, sizeof(kpath), path, "direction"),
	         "direction", direction_names, "outbound or inbound")) >= 0) {
		sa->direction = (enum config_direction)e;
		seen->direction = true;
	}
	if (val[SA_SPI] != NULL &&
	    want_u64(v, val[SA_SPI], path_key(kpath, sizeof(kpath), path, "spi"), 256, UINT32_MAX,
	        "256..0xffffffff: RFC 4303 section 2.1 reserves 1..255, and 0 is never an SA",
	        &spi)) {
		sa->spi = (uint32_t)spi;
		seen->spi = val[SA_SPI];
	}
	if (val[SA_PROTOCOL] != NULL) {
		e = want_enum(v, val[SA_PROTOCOL], path_key(kpath, sizeof(kpath), path, "protocol"),
		    "protocol", sa_protocol_names, "esp or ah");
		seen->protocol = e >= 0;
		if (e >= 0)
			sa->protocol = (enum alg_proto)e;
	}
	if (val[SA_MODE] != NULL) {
		e = want_enum(v, val[SA_MODE], path_key(kpath, sizeof(kpath), path, "mode"), "mode",
		    mode_names, "tunnel or transport");
		seen->mode = e >= 0;
		if (e >= 0)
			sa->mode = (enum config_mode)e;
	}
	sa_addresses(v, sa, seen, val, path);
	if (val[SA_PROPOSAL] != NULL)
		known = do_proposal(v, sa, seen, val[SA_PROPOSAL],
		    path_key(kpath, sizeof(kpath), path, "proposal"));
	key_needs(sa, &enc, &integ);
	do_key(v, sa, n, val[SA_ENCRYPTION_KEY], path, &enc, known, sa->encryption_key,
	    &sa->encryption_key_len);
	do_key(v, sa, n, val[SA_INTEGRITY_KEY], path, &integ, known, sa->integrity_key,
	    &sa->integrity_key_len);
	if (val[SA_REPLAY_WINDOW] != NULL)
		do_replay_window(v, sa, seen, val[SA_REPLAY_WINDOW],
		    path_key(kpath, sizeof(kpath), path, "replay_window"));
	if (seen->direction && sa->direction == CONFIG_DIR_OUTBOUND)
		sa->replay_window = 0;
	if (val[SA_ESN] != NULL)
		want_bool(v, val[SA_ESN], path_key(kpath, sizeof(kpath), path, "esn"), &sa->esn);
	if (val[SA_ENCAP] != NULL)
		do_encap(v, sa, seen, val[SA_ENCAP], path_key(kpath, sizeof(kpath), path, "encap"));
	if (val[SA_LIFETIME] != NULL)
		do_lifetime(v, &sa->lifetime, val[SA_LIFETIME],
		    path_key(kpath, sizeof(kpath), path, "lifetime"));
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
			    !addr_equal(in ? &a->local : &a->remote, in ? &b->local : &b->remote))
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

static void
do_static_sas(struct validate *v, const struct config_node *n)
{
	struct config_static_sa *sas;
	char path[PATH_LEN];
	size_t i, count;

	if (!want_list(v, n, "static_sas", true))
		return;
	count = n->n_kids < CONFIG_STATIC_SAS_MAX ? n->n_kids : CONFIG_STATIC_SAS_MAX;
	if (n->n_kids > CONFIG_STATIC_SAS_MAX)
		config_error_add(v->errs, n->kids[CONFIG_STATIC_SAS_MAX],
		    path_index(path, sizeof(path), "static_sas", CONFIG_STATIC_SAS_MAX),
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
		    path_index(path, sizeof(path), "static_sas", i));
	sas_cross_check(v);
}

/* any, a keyword or 0..255; -1 for any.  False after an error. */
static bool
want_protocol(struct validate *v, const struct config_node *n, const char *path, int *proto)
{
	static const struct {
		const char *name;
		int number;
	} kw[] = { { "any", -1 }, { "tcp", 6 }, { "udp", 17 }, { "icmp", 1 }, { "icmpv6", 58 } };
	char q[QUOTE_LEN];
	long l;
	size_t i;

	if (n->kind == CONFIG_NODE_SCALAR && n->plain && scalar_type(n) == SCALAR_INT) {
		if (!want_int(v, n, path, 0, UINT8_MAX, &l))
			return false;
		*proto = (int)l;
		return true;
	}
	if (!want_string(v, n, path))
		return false;
	for (i = 0; i < sizeof(kw) / sizeof(kw[0]); i++) {
		if (text_is(n, kw[i].name)) {
			*proto = kw[i].number;
			return true;
		}
	}
	config_error_add(v->errs, n, path,
	    "'%s' is not a valid protocol (any, tcp, udp, icmp, icmpv6 or a number 0..255)",
	    quote(q, sizeof(q), n->text, n->len));
	return false;
}

static const char *
protocol_text(char *buf, size_t size, int proto)
{
	switch (proto) {
	case -1:
		return "any";
	case 1:
		return "icmp";
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 58:
		return "icmpv6";
	}
	snprintf(buf, size, "%d", proto);
	return buf;
}

/* Up to 5 decimal digits into *port; false if not digits or too long. */
static bool
port_number(const char *s, size_t len, unsigned long *port)
{
	size_t i;

	if (len > 5 || !is_digits(s, len, false))
		return false;
	*port = 0;
	for (i = 0; i < len; i++)
		*port = *port * 10 + hex_value(s[i]);
	return true;
}

/*
 * any, N or N-M with 1 <= N <= M <= 65535: a number or a string, so the
 * text is read whatever its quoting.  Port 0 is no port a packet of
 * interest carries; any covers it.
 */
static bool
want_ports(struct validate *v, const struct config_node *n, const char *path,
    struct config_port_range *r)
{
	unsigned long lo = 0, hi = 0;
	char q[QUOTE_LEN];
	const char *dash;
	size_t l1;

	if (!usable(v, n, path))
		return false;
	if (n->kind != CONFIG_NODE_SCALAR) {
		config_error_add(v->errs, n, path, "expected any, a port N or a range N-M");
		return false;
	}
	if (text_is(n, "any"))
		return true;
	quote(q, sizeof(q), n->text, n->len);
	dash = memchr(n->text, '-', n->len);
	l1 = dash != NULL ? (size_t)(dash - n->text) : n->len;
	if (!port_number(n->text, l1, &lo) ||
	    (dash != NULL && !port_number(dash + 1, n->len - l1 - 1, &hi))) {
		config_error_add(v->errs, n, path,
		    "'%s' is not a port or port range (any, N or N-M with 1..65535)", q);
		return false;
	}
	if (dash == NULL)
		hi = lo;
	if (lo == 0 || hi == 0 || lo > UINT16_MAX || hi > UINT16_MAX) {
		config_error_add(v->errs, n, path,
		    "'%s' is out of range (1..65535; for every port write any)", q);
		return false;
	}
	if (lo > hi) {
		config_error_add(v->errs, n, path,
		    "port range '%s' is reversed (the first port must not be above the last)", q);
		return false;
	}
	r->first = (uint16_t)lo;
	r->last = (uint16_t)hi;
	return true;
}

/* The nodes of a policy's valid selectors (NULL: not valid), for the SA checks. */
struct policy_sel {
	const struct config_node *source;
	const struct config_node *destination;
	bool direction;
	bool action;
};

/* A transport-mode SA carries its endpoints' own traffic: the selectors must be those hosts. */
static void
transport_check(struct validate *v, const struct config_policy *p, const struct policy_sel *sel,
    const struct config_static_sa *sa, const char *base)
{
	const struct config_addr *want[2];
	const struct config_prefix *got[2] = { &p->source, &p->destination };
	const struct config_node *node[2] = { sel->source, sel->destination };
	static const char *const keys[2] = { "source", "destination" };
	char path[PATH_LEN], ws[INET6_ADDRSTRLEN], gs[PREFIX_LEN];
	bool out = p->direction == CONFIG_DIR_OUTBOUND;
	unsigned int k;

	want[0] = out ? &sa->local : &sa->remote;
	want[1] = out ? &sa->remote : &sa->local;
	for (k = 0; k < 2; k++) {
		if (node[k] == NULL ||
		    (got[k]->len == addr_bytes(want[k]) * 8 && addr_equal(&got[k]->a, want[k])))
			continue;
		config_error_add(v->errs, node[k], path_key(path, sizeof(path), base, keys[k]),
		    "sa '%s' is in transport mode: %s must be its %s address %s/%zu, not %s",
		    sa->name, keys[k], want[k] == &sa->local ? "local" : "remote",
		    config_addr_format(want[k], ws, sizeof(ws)), addr_bytes(want[k]) * 8,
		    prefix_format(got[k], gs, sizeof(gs)));
	}
}

static void
undefined_sa(struct validate *v, const struct config_node *n, const char *path)
{
	const struct config_static_sa *sas = v->cfg->static_sas;
	size_t i, d, best = SIZE_MAX, best_i = 0;
	char q[QUOTE_LEN];

	quote(q, sizeof(q), n->text, n->len);
	/* Past CONFIG_ERRORS_MAX of these, later ones are never shown: skip the search. */
	if (v->n_undefined_sa++ < CONFIG_ERRORS_MAX && n->len <= SUGGEST_LEN) {
		for (i = 0; i < v->cfg->n_static_sas; i++) {
			if (v->sa_seen[i].name == NULL)
				continue;
			d = edit_distance(n->text, n->len, sas[i].name, strlen(sas[i].name));
			if (d < best) {
				best = d;
				best_i = i;
			}
		}
	}
	if (best != SIZE_MAX && is_close(best, n->len, strlen(sas[best_i].name)))
		config_error_add(v->errs, n, path,
		    "sa '%s' is not defined in static_sas; did you mean '%s'?", q,
		    sas[best_i].name);
	else
		config_error_add(v->errs, n, path, "sa '%s' is not defined in static_sas", q);
}

/* sa: required for protect, forbidden otherwise; a static SA of the policy's direction. */
static void
policy_sa(struct validate *v, struct config_policy *p, const struct policy_sel *sel,
    const struct config_node *map, const struct config_node *n, const char *base)
{
	const struct config_static_sa *sa;
	char path[PATH_LEN];
	unsigned int i;

	path_key(path, sizeof(path), base, "sa");
	if (sel->action && p->action != CONFIG_POLICY_PROTECT) {
		if (n != NULL)
			config_error_add(v->errs, n, path,
			    "only a protect policy names an SA (action is %s)",
			    config_policy_action_name(p->action));
		return;
	}
	if (n == NULL) {
		if (sel->action)
			config_error_add(v->errs, map, path,
			    "required key is missing (action is protect)");
		return;
	}
	if (!want_string(v, n, path))
		return;
	for (i = 0; i < v->cfg->n_static_sas; i++)
		if (v->sa_seen[i].name != NULL && text_is(n, v->cfg->static_sas[i].name))
			break;
	if (i == v->cfg->n_static_sas) {
		undefined_sa(v, n, path);
		return;
	}
	p->sa = (int)i;
	sa = &v->cfg->static_sas[i];
	if (sel->direction && v->sa_seen[i].direction && sa->direction != p->direction)
		config_error_add(v->errs, n, path, "sa '%s' is %s but this policy is %s", sa->name,
		    config_direction_name(sa->direction), config_direction_name(p->direction));
	else if (sel->direction && v->sa_seen[i].mode && sa->mode == CONFIG_MODE_TRANSPORT &&
	    v->sa_seen[i].local && v->sa_seen[i].remote)
		transport_check(v, p, sel, sa, base);
}

/* Ports only for tcp and udp; icmp and icmpv6 each with their own family. */
static void
policy_protocol(struct validate *v, struct config_policy *p, const struct policy_sel *sel,
    const struct config_node *const *val, const char *base)
{
	char path[PATH_LEN], ps[8];
	bool known;
	int family = 0;

	if (sel->source != NULL)
		family = p->source.a.family;
	else if (sel->destination != NULL)
		family = p->destination.a.family;
	known = true;
	if (val[POLICY_PROTOCOL] != NULL) {
		known = want_protocol(v, val[POLICY_PROTOCOL],
		    path_key(path, sizeof(path), base, "protocol"), &p->protocol);
		if (known &&
		    ((p->protocol == 1 && family == 6) || (p->protocol == 58 && family == 4)))
			config_error_add(v->errs, val[POLICY_PROTOCOL], path,
			    "%s does not go with IPv%d selectors (use %s)",
			    protocol_text(ps, sizeof(ps), p->protocol), family,
			    family == 6 ? "icmpv6" : "icmp");
	}
	if (val[POLICY_SOURCE_PORTS] != NULL &&
	    want_ports(v, val[POLICY_SOURCE_PORTS],
	        path_key(path, sizeof(path), base, "source_ports"), &p->source_ports) &&
	    known && !text_is(val[POLICY_SOURCE_PORTS], "any") && p->protocol != 6 &&
	    p->protocol != 17)
		config_error_add(v->errs, val[POLICY_SOURCE_PORTS], path,
		    "ports need protocol tcp or udp (protocol is %s)",
		    protocol_text(ps, sizeof(ps), p->protocol));
	if (val[POLICY_DESTINATION_PORTS] != NULL &&
	    want_ports(v, val[POLICY_DESTINATION_PORTS],
	        path_key(path, sizeof(path), base, "destination_ports"), &p->destination_ports) &&
	    known && !text_is(val[POLICY_DESTINATION_PORTS], "any") && p->protocol != 6 &&
	    p->protocol != 17)
		config_error_add(v->errs, val[POLICY_DESTINATION_PORTS], path,
		    "ports need protocol tcp or udp (protocol is %s)",
		    protocol_text(ps, sizeof(ps), p->protocol));
}

/* Returns the name node if the name is valid, for the duplicate check. */
static const struct config_node *
do_policy(struct validate *v, struct config_policy *p, const struct config_node *n,
    const char *path)
{
	const struct config_node *val[POLICY__MAX], *name = NULL;
	struct policy_sel sel = { NULL, NULL, false, false };
	char kpath[PATH_LEN], ss[PREFIX_LEN], ds[PREFIX_LEN];
	int e;

	p->protocol = -1;
	p->source_ports = (struct config_port_range){ 0, UINT16_MAX };
	p->destination_ports = p->source_ports;
	p->sa = -1;
	if (!map_scan(v, n, path, policy_keys, POLICY__MAX, val))
		return NULL;
	if (val[POLICY_NAME] != NULL)
		name = want_name(v, val[POLICY_NAME], path_key(kpath, sizeof(kpath), path, "name"),
		    "policy", p->name);
	if (val[POLICY_DIRECTION] != NULL &&
	    (e = want_enum(v, val[POLICY_DIRECTION],
	         path_key(kpath, sizeof(kpath), path, "direction"), "direction", direction_names,
	         "outbound or inbound")) >= 0) {
		p->direction = (enum config_direction)e;
		sel.direction = true;
	}
	if (val[POLICY_SOURCE] != NULL &&
	    want_network(v, val[POLICY_SOURCE], path_key(kpath, sizeof(kpath), path, "source"),
	        &p->source))
		sel.source = val[POLICY_SOURCE];
	if (val[POLICY_DESTINATION] != NULL &&
	    want_network(v, val[POLICY_DESTINATION],
	        path_key(kpath, sizeof(kpath), path, "destination"), &p->destination)) {
		sel.destination = val[POLICY_DESTINATION];
		if (sel.source != NULL && p->source.a.family != p->destination.a.family) {
			config_error_add(v->errs, sel.destination, kpath,
			    "destination %s is IPv%u but source %s is IPv%u",
			    prefix_format(&p->destination, ds, sizeof(ds)), p->destination.a.family,
			    prefix_format(&p->source, ss, sizeof(ss)), p->source.a.family);
			sel.destination = NULL;
		}
	}
	policy_protocol(v, p, &sel, val, path);
	if (val[POLICY_ACTION] != NULL &&
	    (e = want_enum(v, val[POLICY_ACTION], path_key(kpath, sizeof(kpath), path, "action"),
	         "action", action_names, "protect, bypass or discard")) >= 0) {
		p->action = (enum config_policy_action)e;
		sel.action = true;
	}
	policy_sa(v, p, &sel, n, val[POLICY_SA], path);
	return name;
}

static void
do_policies(struct validate *v, const struct config_node *n)
{
	const struct config_node **name = NULL;
	struct config_policy *ps;
	char path[PATH_LEN];
	size_t i, j, count;

	if (!want_list(v, n, "policies", true))
		return;
	count = n->n_kids < CONFIG_POLICIES_MAX ? n->n_kids : CONFIG_POLICIES_MAX;
	if (n->n_kids > CONFIG_POLICIES_MAX)
		config_error_add(v->errs, n->kids[CONFIG_POLICIES_MAX],
		    path_index(path, sizeof(path), "policies", CONFIG_POLICIES_MAX),
		    "too many policies (at most %d)", CONFIG_POLICIES_MAX);
	if (count == 0)
		return;
	ps = calloc(count, sizeof(*ps));
	name = calloc(count, sizeof(*name));
	v->cfg->policies = ps;
	if (ps == NULL || name == NULL) {
		config_error_add(v->errs, n, "policies", "out of memory");
		goto out;
	}
	v->cfg->n_policies = (unsigned int)count;
	for (i = 0; i < count; i++) {
		path_index(path, sizeof(path), "policies", i);
		name[i] = do_policy(v, &ps[i], n->kids[i], path);
	}
	for (i = 0; i < count; i++) {
		for (j = 0; name[i] != NULL && j < i; j++) {
			if (name[j] == NULL || strcmp(ps[i].name, ps[j].name) != 0)
				continue;
			snprintf(path, sizeof(path), "policies[%zu].name", i);
			config_error_add(v->errs, name[i], path,
			    "duplicate policy name '%s' (also policies[%zu])", ps[i].name, j);
			break;
		}
	}
out:
	free(name);
}

int
config_validate_tree(const struct config_node *root, struct config *cfg, struct config_errors *errs)
{
	const struct config_node *val[TOP__MAX];
	struct validate *v;
	int rc = -EINVAL;

	/* The per-interface tables are a few KB: keep them off the stack. */
	if ((v = calloc(1, sizeof(*v))) == NULL) {
		config_error_add(errs, root, "(top level)", "out of memory");
		return -ENOMEM;
	}
	v->errs = errs;
	v->cfg = cfg;
	if (!map_scan(v, root, "", top_keys, TOP__MAX, val))
		goto out;
	if (val[TOP_INSTANCE] != NULL)
		do_instance(v, val[TOP_INSTANCE]);
	if (val[TOP_DIAGNOSTICS] != NULL)
		want_bool(v, val[TOP_DIAGNOSTICS], "diagnostics", &cfg->diagnostics);
	if (val[TOP_INTERFACES] != NULL)
		do_interfaces(v, val[TOP_INTERFACES]);
	else
		v->addrs_incomplete = true;
	/* Routes and neighbors refer to the interfaces, so they come after, whatever the file order. */
	if (val[TOP_ROUTES] != NULL)
		do_routes(v, val[TOP_ROUTES]);
	if (val[TOP_NEIGHBORS] != NULL)
		do_neighbors(v, val[TOP_NEIGHBORS]);
	/* Policies name static SAs, which name interface addresses. */
	if (val[TOP_STATIC_SAS] != NULL)
		do_static_sas(v, val[TOP_STATIC_SAS]);
	if (val[TOP_POLICIES] != NULL)
		do_policies(v, val[TOP_POLICIES]);
	if (errs->total == 0)
		rc = 0;
out:
	free(v->sa_seen);
	free(v);
	return rc;
}
