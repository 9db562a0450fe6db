/* SPDX-License-Identifier: BSD-3-Clause */
/* config/config_validate.c: the top-level walk, shared checks, interfaces, routes, neighbors. */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/stat.h>

#include "config/config.h"
#include "config/config_validate.h"

#define MTU_IPV6_MIN 1280 /* RFC 8200 section 5 */

#define TAG_STR "tag:yaml.org,2002:str"
#define TAG_SEQ "tag:yaml.org,2002:seq"
#define TAG_MAP "tag:yaml.org,2002:map"

enum prefix_status {
	PREFIX_OK = 0,
	PREFIX_BAD,
	PREFIX_NO_LEN,    /* a valid address without /LEN */
	PREFIX_LEN_RANGE, /* /LEN is a number too large for the family */
};

static const struct key_spec top_keys[] = {
	{ "instance", true },
	{ "diagnostics", false },
	{ "mbufs", false },
	{ "interfaces", true },
	{ "routes", false },
	{ "neighbors", false },
	{ "static_sas", false },
	{ "policies", false },
	{ "ike", false },
	{ "connections", false },
	{ "secrets", false },
};
enum {
	TOP_INSTANCE,
	TOP_DIAGNOSTICS,
	TOP_MBUFS,
	TOP_INTERFACES,
	TOP_ROUTES,
	TOP_NEIGHBORS,
	TOP_STATIC_SAS,
	TOP_POLICIES,
	TOP_IKE,
	TOP_CONNECTIONS,
	TOP_SECRETS,
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

/* Indexed by enum config_direction, NULL-terminated for config_want_enum(). */
const char *const config_direction_names[] = { "outbound", "inbound", NULL };

_Static_assert(TOP__MAX <= KEYS_MAX && IFACE__MAX <= KEYS_MAX, "KEYS_MAX too small");
_Static_assert(CONFIG_DIR_INBOUND == 1, "name tables out of step");

/* Copy user text into buf for a message: printable ASCII as is, the rest as \xHH, long text cut. */
const char *
config_quote(char *buf, size_t size, const char *s, size_t len)
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
const char *
config_path_key(char *out, size_t size, const char *base, const char *key)
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

const char *
config_path_index(char *out, size_t size, const char *base, size_t i)
{
	if (snprintf(out, size, "%s[%zu]", base, i) < 0)
		out[0] = '\0';
	return out;
}

bool
config_text_is(const struct config_node *n, const char *s)
{
	return n->len == strlen(s) && memcmp(n->text, s, n->len) == 0;
}

static bool
text_is_any(const struct config_node *n, const char *const *set)
{
	for (; *set != NULL; set++)
		if (config_text_is(n, *set))
			return true;
	return false;
}

/* The value of a digit that config_is_digits() accepted. */
unsigned int
config_hex_value(char c)
{
	return c <= '9' ? (unsigned int)(c - '0') : (unsigned int)((c | 0x20) - 'a' + 10);
}

bool
config_is_digits(const char *s, size_t len, bool hex)
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
		return config_is_digits(s + 2, len - 2, true);
	if (len > 0 && (s[0] == '-' || s[0] == '+'))
		return config_is_digits(s + 1, len - 1, false);
	return config_is_digits(s, len, false);
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
		if (!config_is_digits(s + i, len - i, false))
			return false;
		i = len;
	}
	return i == len;
}

enum scalar_type
config_scalar_type(const struct config_node *n)
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

bool
config_is_null(const struct config_node *n)
{
	return n->kind == CONFIG_NODE_SCALAR && config_scalar_type(n) == SCALAR_NULL;
}

/*
 * Reject aliases, and tags other than those that do not change the meaning
 * (!, !!str, !!seq, !!map on nodes of that kind).
 */
bool
config_usable(struct validate *v, const struct config_node *n, const char *path)
{
	char q[QUOTE_LEN];

	if (n->kind == CONFIG_NODE_ALIAS) {
		config_error_add(v->errs, n, path, "aliases are not supported (*%s)",
		    config_quote(q, sizeof(q), n->text, n->len));
		return false;
	}
	if (n->tag != NULL && strcmp(n->tag, "!") != 0 &&
	    !(n->kind == CONFIG_NODE_SCALAR && strcmp(n->tag, TAG_STR) == 0) &&
	    !(n->kind == CONFIG_NODE_SEQ && strcmp(n->tag, TAG_SEQ) == 0) &&
	    !(n->kind == CONFIG_NODE_MAP && strcmp(n->tag, TAG_MAP) == 0)) {
		config_error_add(v->errs, n, path, "unsupported tag '%s'",
		    config_quote(q, sizeof(q), n->tag, strlen(n->tag)));
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

	if (!config_usable(v, n, path))
		return false;
	if (n->kind != kind) {
		config_error_add(v->errs, n, path, "expected %s", expected[kind]);
		return false;
	}
	return true;
}

bool
config_want_string(struct validate *v, const struct config_node *n, const char *path)
{
	if (!config_usable(v, n, path))
		return false;
	if (n->kind != CONFIG_NODE_SCALAR || config_scalar_type(n) != SCALAR_STR) {
		config_error_add(v->errs, n, path, "expected a string");
		return false;
	}
	return true;
}

/* A list, or for an optional list also null (an empty value or ~). */
bool
config_want_list(struct validate *v, const struct config_node *n, const char *path, bool null_ok)
{
	if (null_ok && config_is_null(n))
		return false;
	return want(v, n, path, CONFIG_NODE_SEQ);
}

bool
config_want_int(struct validate *v, const struct config_node *n, const char *path, long min,
    long max, long *out)
{
	const char *s = n->text;
	unsigned long long val = 0;
	bool neg = false, hex = false;
	long long sval;
	char q[QUOTE_LEN];
	size_t i = 0;

	if (!config_usable(v, n, path))
		return false;
	if (n->kind != CONFIG_NODE_SCALAR || config_scalar_type(n) != SCALAR_INT || !n->plain) {
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
			val = val * (hex ? 16 : 10) + config_hex_value(s[i]);
	}
	sval = neg ? -(long long)val : (long long)val;
	if (val >= 1000000000ull || sval < min || sval > max) {
		config_error_add(v->errs, n, path, "%s is out of range (%ld..%ld)",
		    config_quote(q, sizeof(q), n->text, n->len), min, max);
		return false;
	}
	*out = (long)sval;
	return true;
}

/* [+]?[0-9]+ or 0x[0-9a-fA-F]+ (an integer scalar) into *out; false if negative or too large. */
static bool
u64_text(const char *s, size_t len, uint64_t *out)
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

bool
config_want_u64(struct validate *v, const struct config_node *n, const char *path, uint64_t *out)
{
	char q[QUOTE_LEN];

	if (!config_usable(v, n, path))
		return false;
	if (n->kind != CONFIG_NODE_SCALAR || config_scalar_type(n) != SCALAR_INT) {
		config_error_add(v->errs, n, path, "expected an integer");
		return false;
	}
	if (!u64_text(n->text, n->len, out)) {
		config_error_add(v->errs, n, path, "%s is out of range (0..18446744073709551615)",
		    config_quote(q, sizeof(q), n->text, n->len));
		return false;
	}
	return true;
}

/*
 * A duration: digits, then nothing (seconds) or a unit.  Written quoted or
 * not; the result must fit 32 bits of the unit wanted.
 */
bool
config_want_duration(struct validate *v, const struct config_node *n, const char *path, bool ms,
    uint32_t *out)
{
	static const struct {
		const char *sfx;
		uint64_t ms;
	} units[] = { { "", 1000 }, { "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 },
		{ "d", 86400000 } };
	uint64_t val = 0, factor;
	size_t digits, i;
	char q[QUOTE_LEN];

	if (!config_usable(v, n, path))
		return false;
	if (n->kind == CONFIG_NODE_SCALAR)
		config_quote(q, sizeof(q), n->text, n->len);
	for (digits = 0; n->kind == CONFIG_NODE_SCALAR && digits < n->len; digits++) {
		if (n->text[digits] < '0' || n->text[digits] > '9')
			break;
		/* Saturate: eleven digits are past every range. */
		if (digits < 11)
			val = val * 10 + (uint64_t)(n->text[digits] - '0');
	}
	for (i = 0; digits != 0 && i < sizeof(units) / sizeof(units[0]); i++) {
		if (n->len - digits == strlen(units[i].sfx) &&
		    memcmp(n->text + digits, units[i].sfx, n->len - digits) == 0 &&
		    (ms || units[i].ms != 1))
			break;
	}
	if (digits == 0 || i == sizeof(units) / sizeof(units[0])) {
		if (n->kind != CONFIG_NODE_SCALAR)
			config_error_add(v->errs, n, path, "expected a duration");
		else
			config_error_add(v->errs, n, path,
			    "'%s' is not a duration (seconds, or a number with %s: 30s, 10m, 4h, 1d)",
			    q, ms ? "ms, s, m, h or d" : "s, m, h or d");
		return false;
	}
	factor = ms ? units[i].ms : units[i].ms / 1000;
	if (digits > 10 || val > UINT32_MAX / factor) {
		config_error_add(v->errs, n, path, "'%s' is out of range (at most %u %s)", q,
		    UINT32_MAX, ms ? "milliseconds" : "seconds");
		return false;
	}
	*out = (uint32_t)(val * factor);
	return true;
}

bool
config_file_path(const struct validate *v, const struct config_node *n, char out[CONFIG_PATH_MAX])
{
	const char *dir = n->text[0] == '/' ? "" : v->dir;
	int len;

	len = snprintf(out, CONFIG_PATH_MAX, "%s%s", dir, n->text);
	return len >= 0 && len < CONFIG_PATH_MAX;
}

bool
config_want_file(struct validate *v, const struct config_node *n, const char *path,
    char out[CONFIG_PATH_MAX])
{
	char q[QUOTE_LEN];
	struct stat st;
	int fd;

	if (!config_want_string(v, n, path))
		return false;
	config_quote(q, sizeof(q), n->text, n->len);
	if (n->len == 0 || memchr(n->text, '\0', n->len) != NULL) {
		config_error_add(v->errs, n, path, "'%s' is not a file name", q);
		return false;
	}
	if (!config_file_path(v, n, out)) {
		config_error_add(v->errs, n, path,
		    "'%s' is too long for a file name (%d bytes at most, with the config file's directory)",
		    q, CONFIG_PATH_MAX - 1);
		return false;
	}
	config_quote(q, sizeof(q), out, strlen(out));
	/* Non-blocking, so that a FIFO does not hang the check. */
	if ((fd = open(out, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)) < 0) {
		config_error_add(v->errs, n, path, "cannot open %s: %s", q, strerror(errno));
		return false;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		config_error_add(v->errs, n, path, "%s is not a regular file", q);
		return false;
	}
	close(fd);
	return true;
}

bool
config_addr_is_unicast(const struct config_addr *a)
{
	static const uint8_t zero[16], loop6[16] = { [15] = 1 };

	if (memcmp(a->addr, zero, config_addr_bytes(a)) == 0)
		return false;
	if (a->family == 4)
		return a->addr[0] != 127 && a->addr[0] < 224;
	return a->addr[0] != 0xff && memcmp(a->addr, loop6, 16) != 0;
}

bool
config_want_bool(struct validate *v, const struct config_node *n, const char *path, bool *out)
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
	if (config_usable(v, n, path))
		config_error_add(v->errs, n, path, "expected a boolean (true or false)");
	return false;
}

/* One of names[] (NULL-terminated, indexed by value): its index, or -1 after an error. */
int
config_want_enum(struct validate *v, const struct config_node *n, const char *path,
    const char *what, const char *const *names, const char *choices)
{
	char q[QUOTE_LEN];
	int i;

	if (!config_want_string(v, n, path))
		return -1;
	for (i = 0; names[i] != NULL; i++)
		if (config_text_is(n, names[i]))
			return i;
	config_error_add(v->errs, n, path, "'%s' is not a valid %s (%s)",
	    config_quote(q, sizeof(q), n->text, n->len), what, choices);
	return -1;
}

/* Optimal string alignment distance (Levenshtein plus transpositions); b is short. */
size_t
config_edit_distance(const char *a, size_t la, const char *b, size_t lb)
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
bool
config_is_close(size_t distance, size_t la, size_t lb)
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

	config_quote(q, sizeof(q), key->text, key->len);
	config_path_key(path, sizeof(path), base, q);
	if (key->len <= SUGGEST_LEN) {
		for (i = 0; i < n_keys; i++) {
			d = config_edit_distance(key->text, key->len, keys[i].name,
			    strlen(keys[i].name));
			if (d < best) {
				best = d;
				best_i = i;
			}
		}
		if (config_is_close(best, key->len, strlen(keys[best_i].name))) {
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
bool
config_map_scan(struct validate *v, const struct config_node *n, const char *path,
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
		for (k = 0; k < n_keys && !config_text_is(key, keys[k].name); k++)
			;
		if (k == n_keys) {
			unknown_key(v, key, path, keys, n_keys);
			continue;
		}
		config_path_key(kpath, sizeof(kpath), path, keys[k].name);
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
			    config_path_key(kpath, sizeof(kpath), path, keys[k].name),
			    "required key is missing");
	return true;
}

size_t
config_addr_bytes(const struct config_addr *a)
{
	return a->family == 6 ? 16 : 4;
}

/* Parse an IPv4 or IPv6 address from len bytes of s; 0 or -EINVAL. */
int
config_addr_parse(const char *s, size_t len, struct config_addr *a)
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
		return config_addr_parse(n->text, n->len, &p->a) == 0 ? PREFIX_NO_LEN : PREFIX_BAD;
	if (config_addr_parse(n->text, (size_t)(slash - n->text), &p->a) != 0)
		return PREFIX_BAD;
	slash++;
	i = n->len - (size_t)(slash - n->text);
	if (i == 0 || i > 9 || !config_is_digits(slash, i, false))
		return PREFIX_BAD;
	*len = strtoul(slash, NULL, 10);
	if (*len > config_addr_bytes(&p->a) * 8)
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

void
config_prefix_network(const struct config_prefix *p, struct config_prefix *net)
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

const char *
config_prefix_format(const struct config_prefix *p, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];

	snprintf(buf, size, "%s/%u", config_addr_format(&p->a, a, sizeof(a)), p->len);
	return buf;
}

bool
config_addr_equal(const struct config_addr *a, const struct config_addr *b)
{
	return a->family == b->family && memcmp(a->addr, b->addr, config_addr_bytes(a)) == 0;
}

/* Report a prefix that did not parse; returns true if it did. */
static bool
want_prefix(struct validate *v, const struct config_node *n, const char *path,
    struct config_prefix *p)
{
	unsigned long len;
	char q[QUOTE_LEN];

	if (!config_want_string(v, n, path))
		return false;
	config_quote(q, sizeof(q), n->text, n->len);
	switch (prefix_parse(n, p, &len)) {
	case PREFIX_OK:
		return true;
	case PREFIX_NO_LEN:
		config_error_add(v->errs, n, path, "'%s' needs a prefix length (ADDR/LEN)", q);
		break;
	case PREFIX_LEN_RANGE:
		config_error_add(v->errs, n, path, "prefix length %lu is out of range (0..%zu)",
		    len, config_addr_bytes(&p->a) * 8);
		break;
	default:
		config_error_add(v->errs, n, path, "'%s' is not an IPv4 or IPv6 prefix", q);
		break;
	}
	return false;
}

bool
config_want_addr(struct validate *v, const struct config_node *n, const char *path,
    struct config_addr *a)
{
	char q[QUOTE_LEN];

	if (!config_want_string(v, n, path))
		return false;
	if (config_addr_parse(n->text, n->len, a) != 0) {
		config_error_add(v->errs, n, path, "'%s' is not an IPv4 or IPv6 address",
		    config_quote(q, sizeof(q), n->text, n->len));
		return false;
	}
	return true;
}

/* Which interface's connected prefixes hold a; *iface and *addr name the match. */
enum connected
config_connected_find(const struct validate *v, const struct config_addr *a, unsigned int *iface,
    unsigned int *addr)
{
	const struct config_interface *ifc;
	enum connected found = CONNECTED_NONE;
	unsigned int i, j, bits = (unsigned int)config_addr_bytes(a) * 8;

	for (i = 0; i < v->cfg->n_interfaces; i++) {
		ifc = &v->cfg->interfaces[i];
		for (j = 0; j < ifc->n_addresses; j++) {
			if (v->addr_node[i][j] == NULL)
				continue;
			if (config_addr_equal(&ifc->addresses[j].a, a)) {
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

/* A static SA's or a policy's name; the node if valid, for the duplicate check. */
const struct config_node *
config_want_name(struct validate *v, const struct config_node *n, const char *path,
    const char *what, char name[CONFIG_NAME_MAX])
{
	char q[QUOTE_LEN];

	if (!config_want_string(v, n, path))
		return NULL;
	if (!name_ok(n->text, n->len, CONFIG_NAME_MAX - 1, true)) {
		config_error_add(v->errs, n, path,
		    "'%s' is not a valid %s name (1..%d characters of A-Z a-z 0-9 _ -)",
		    config_quote(q, sizeof(q), n->text, n->len), what, CONFIG_NAME_MAX - 1);
		return NULL;
	}
	memcpy(name, n->text, n->len + 1);
	return n;
}

static void
do_instance(struct validate *v, const struct config_node *n)
{
	char q[QUOTE_LEN];

	if (!config_want_string(v, n, "instance"))
		return;
	if (!name_ok(n->text, n->len, CONFIG_NAME_MAX - 1, true)) {
		config_error_add(v->errs, n, "instance",
		    "'%s' is not a valid instance name (1..%d characters of A-Z a-z 0-9 _ -)",
		    config_quote(q, sizeof(q), n->text, n->len), CONFIG_NAME_MAX - 1);
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

	config_path_key(path, sizeof(path), base, "addresses");
	if (!config_want_list(v, n, path, false)) {
		v->addrs_incomplete = true;
		return;
	}
	if (n->n_kids == 0) {
		config_error_add(v->errs, n, path, "at least one address is required");
		v->addrs_incomplete = true;
	}
	for (i = 0; i < n->n_kids; i++) {
		config_path_index(ipath, sizeof(ipath), path, i);
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

	if (!config_want_string(v, n, path))
		return;
	if (!name_ok(n->text, n->len, CONFIG_NAME_MAX - 1, false)) {
		config_error_add(v->errs, n, path,
		    "'%s' is not a valid interface name (1..%d characters of a-z 0-9 _ -)",
		    config_quote(q, sizeof(q), n->text, n->len), CONFIG_NAME_MAX - 1);
		return;
	}
	memcpy(v->cfg->interfaces[idx].name, n->text, n->len + 1);
	v->name_node[idx] = n;
}

static void
do_port(struct validate *v, unsigned int idx, const struct config_node *n, const char *path)
{
	char q[QUOTE_LEN];

	if (!config_want_string(v, n, path))
		return;
	if (!port_ok(n->text, n->len)) {
		config_error_add(v->errs, n, path,
		    "'%s' is not a valid port name (1..%d printable characters, no spaces)",
		    config_quote(q, sizeof(q), n->text, n->len), CONFIG_PORT_NAME_MAX - 1);
		return;
	}
	memcpy(v->cfg->interfaces[idx].port, n->text, n->len + 1);
	v->port_node[idx] = n;
}

static void
do_role(struct validate *v, unsigned int idx, const struct config_node *n, const char *path)
{
	char q[QUOTE_LEN];

	if (!config_want_string(v, n, path))
		return;
	if (config_text_is(n, "unprotected"))
		v->cfg->interfaces[idx].role = CONFIG_ROLE_UNPROTECTED;
	else if (config_text_is(n, "protected"))
		v->cfg->interfaces[idx].role = CONFIG_ROLE_PROTECTED;
	else
		config_error_add(v->errs, n, path,
		    "'%s' is not a valid role (unprotected or protected)",
		    config_quote(q, sizeof(q), n->text, n->len));
}

/* After the addresses: an interface with IPv6 needs the IPv6 minimum MTU. */
static void
do_mtu(struct validate *v, unsigned int idx, const struct config_node *n, const char *path)
{
	struct config_interface *ifc = &v->cfg->interfaces[idx];
	unsigned int j;
	long mtu;

	if (!config_want_int(v, n, path, CONFIG_MTU_MIN, CONFIG_MTU_MAX, &mtu))
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
	if (!config_map_scan(v, n, path, iface_keys, IFACE__MAX, val) ||
	    val[IFACE_ADDRESSES] == NULL)
		v->addrs_incomplete = true;
	if (val[IFACE_NAME] != NULL)
		do_name(v, idx, val[IFACE_NAME],
		    config_path_key(kpath, sizeof(kpath), path, "name"));
	if (val[IFACE_PORT] != NULL)
		do_port(v, idx, val[IFACE_PORT],
		    config_path_key(kpath, sizeof(kpath), path, "port"));
	if (val[IFACE_ROLE] != NULL)
		do_role(v, idx, val[IFACE_ROLE],
		    config_path_key(kpath, sizeof(kpath), path, "role"));
	if (val[IFACE_ADDRESSES] != NULL)
		do_addresses(v, idx, val[IFACE_ADDRESSES], path);
	if (val[IFACE_MTU] != NULL)
		do_mtu(v, idx, val[IFACE_MTU], config_path_key(kpath, sizeof(kpath), path, "mtu"));
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
			if (v->addr_node[j][b] == NULL || !config_addr_equal(&p->a, &q->a))
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
			    config_prefix_format(p, ps, sizeof(ps)), j, b,
			    config_prefix_format(q, qs, sizeof(qs)));
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

	if (!config_want_list(v, n, "interfaces", false)) {
		v->addrs_incomplete = true;
		return;
	}
	if (n->n_kids == 0)
		config_error_add(v->errs, n, "interfaces", "at least one interface is required");
	for (i = 0; i < n->n_kids; i++) {
		config_path_index(path, sizeof(path), "interfaces", i);
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
	switch (config_connected_find(v, a, &i, &j)) {
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
bool
config_want_network(struct validate *v, const struct config_node *n, const char *path,
    struct config_prefix *p)
{
	char q[QUOTE_LEN], s[PREFIX_LEN];
	struct config_prefix net;

	if (!want_prefix(v, n, path, p))
		return false;
	config_prefix_network(p, &net);
	if (memcmp(net.a.addr, p->a.addr, sizeof(net.a.addr)) == 0)
		return true;
	config_error_add(v->errs, n, path, "'%s' has host bits set (network is %s)",
	    config_quote(q, sizeof(q), n->text, n->len), config_prefix_format(&net, s, sizeof(s)));
	return false;
}

/* Returns the destination node if the destination is valid, for the duplicate check. */
static const struct config_node *
do_route(struct validate *v, struct config_route *r, const struct config_node *n, const char *path)
{
	const struct config_node *val[ROUTE__MAX], *dst, *gw;
	char dpath[PATH_LEN], gpath[PATH_LEN], ds[PREFIX_LEN], gs[INET6_ADDRSTRLEN];

	if (!config_map_scan(v, n, path, route_keys, ROUTE__MAX, val))
		return NULL;
	dst = val[ROUTE_DESTINATION];
	gw = val[ROUTE_GATEWAY];
	config_path_key(dpath, sizeof(dpath), path, "destination");
	config_path_key(gpath, sizeof(gpath), path, "gateway");
	if (dst != NULL && !config_want_network(v, dst, dpath, &r->destination))
		dst = NULL;
	if (gw == NULL || !config_want_addr(v, gw, gpath, &r->gateway))
		return dst;
	if (dst != NULL && r->gateway.family != r->destination.a.family) {
		config_error_add(v->errs, gw, gpath,
		    "gateway %s is IPv%u but destination %s is IPv%u",
		    config_addr_format(&r->gateway, gs, sizeof(gs)), r->gateway.family,
		    config_prefix_format(&r->destination, ds, sizeof(ds)), r->destination.a.family);
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

	if (!config_want_list(v, n, "routes", true))
		return;
	count = n->n_kids < CONFIG_ROUTES_MAX ? n->n_kids : CONFIG_ROUTES_MAX;
	if (n->n_kids > CONFIG_ROUTES_MAX)
		config_error_add(v->errs, n->kids[CONFIG_ROUTES_MAX],
		    config_path_index(path, sizeof(path), "routes", CONFIG_ROUTES_MAX),
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
		config_path_index(path, sizeof(path), "routes", i);
		dst[i] = do_route(v, &rs[i], n->kids[i], path);
	}
	for (i = 0; i < count; i++) {
		for (j = 0; dst[i] != NULL && j < i; j++) {
			if (dst[j] == NULL || rs[i].destination.len != rs[j].destination.len ||
			    !config_addr_equal(&rs[i].destination.a, &rs[j].destination.a))
				continue;
			snprintf(path, sizeof(path), "routes[%zu].destination", i);
			config_error_add(v->errs, dst[i], path,
			    "duplicate destination %s (also routes[%zu])",
			    config_prefix_format(&rs[i].destination, s, sizeof(s)), j);
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
		if (!config_is_digits(s + i * 3, 2, true) || (i < 5 && s[i * 3 + 2] != ':'))
			return false;
		hi = config_hex_value(s[i * 3]);
		lo = config_hex_value(s[i * 3 + 1]);
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

	if (!config_map_scan(v, n, path, neighbor_keys, NEIGHBOR__MAX, val))
		return NULL;
	config_path_key(apath, sizeof(apath), path, "address");
	config_path_key(mpath, sizeof(mpath), path, "mac");
	if (val[NEIGHBOR_ADDRESS] != NULL &&
	    config_want_addr(v, val[NEIGHBOR_ADDRESS], apath, &nb->address)) {
		addr_ok = val[NEIGHBOR_ADDRESS];
		check_connected(v, val[NEIGHBOR_ADDRESS], apath, "neighbor", &nb->address,
		    &nb->interface);
	}
	if ((m = val[NEIGHBOR_MAC]) != NULL && config_want_string(v, m, mpath)) {
		config_quote(q, sizeof(q), m->text, m->len);
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

	if (!config_want_list(v, n, "neighbors", true))
		return;
	count = n->n_kids < CONFIG_NEIGHBORS_MAX ? n->n_kids : CONFIG_NEIGHBORS_MAX;
	if (n->n_kids > CONFIG_NEIGHBORS_MAX)
		config_error_add(v->errs, n->kids[CONFIG_NEIGHBORS_MAX],
		    config_path_index(path, sizeof(path), "neighbors", CONFIG_NEIGHBORS_MAX),
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
		config_path_index(path, sizeof(path), "neighbors", i);
		addr[i] = do_neighbor(v, &nbs[i], n->kids[i], path);
	}
	for (i = 0; i < count; i++) {
		for (j = 0; addr[i] != NULL && j < i; j++) {
			if (addr[j] == NULL || !config_addr_equal(&nbs[i].address, &nbs[j].address))
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

int
config_validate_tree(const struct config_node *root, struct config *cfg, struct config_errors *errs,
    const char *dir)
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
	v->dir = dir != NULL ? dir : "";
	if (!config_map_scan(v, root, "", top_keys, TOP__MAX, val))
		goto out;
	if (val[TOP_INSTANCE] != NULL)
		do_instance(v, val[TOP_INSTANCE]);
	if (val[TOP_DIAGNOSTICS] != NULL)
		config_want_bool(v, val[TOP_DIAGNOSTICS], "diagnostics", &cfg->diagnostics);
	if (val[TOP_MBUFS] != NULL) {
		long n;

		if (config_want_int(v, val[TOP_MBUFS], "mbufs", CONFIG_MBUFS_MIN, CONFIG_MBUFS_MAX,
		        &n))
			cfg->mbufs = (uint32_t)n;
	}
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
		config_sa_validate(v, val[TOP_STATIC_SAS]);
	if (val[TOP_POLICIES] != NULL)
		config_policy_validate(v, val[TOP_POLICIES]);
	/* Connections name secrets and append their children's policies after these. */
	config_ike_validate(v, val[TOP_IKE]);
	if (val[TOP_SECRETS] != NULL)
		config_secret_validate(v, val[TOP_SECRETS]);
	if (val[TOP_CONNECTIONS] != NULL)
		config_conn_validate(v, val[TOP_CONNECTIONS]);
	if (errs->total == 0)
		rc = 0;
out:
	free(v->sa_seen);
	free(v);
	return rc;
}