/* SPDX-License-Identifier: BSD-3-Clause */
/* config/config_secret.c: checks ike: (global IKE settings), secrets: and IKE identities. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#include "config/config.h"
#include "config/config_validate.h"

/* Secret text is secret: no message ever shows it, only lengths and positions. */

/* ike: defaults (strongSwan's charon.* where it has them). */
#define IKE_HALF_OPEN_MAX_DEFAULT        1000
#define IKE_HALF_OPEN_PER_SOURCE_DEFAULT 20
#define IKE_HALF_OPEN_TIMEOUT_DEFAULT    30   /* s */
#define IKE_COOKIE_THRESHOLD_DEFAULT     100  /* RFC 7296 section 2.6 */
#define IKE_RETRANSMIT_TIMEOUT_DEFAULT   4000 /* ms */
#define IKE_RETRANSMIT_TRIES_DEFAULT     5
#define IKE_RETRANSMIT_BASE_DEFAULT      1.8
#define IKE_HALF_OPEN_LIMIT              1000000 /* largest half_open_max and the like */
#define IKE_RETRANSMIT_TRIES_MAX         100
#define IKE_RETRANSMIT_BASE_MAX          10.0
#define IKE_FRAGMENT_SIZE_DEFAULT        1280 /* charon.fragment_size */
#define IKE_FRAGMENT_SIZE_MIN            576  /* RFC 791: every IPv4 host takes it */
#define IKE_FRAGMENT_SIZE_MAX            65535

/* What a secret file may hold: hex of CONFIG_SECRET_MAX bytes with "0x" and a CRLF. */
#define SECRET_FILE_MAX (2 * CONFIG_SECRET_MAX + 4)

static const struct key_spec ike_keys[] = {
	{ "half_open_max", false },
	{ "half_open_per_source", false },
	{ "half_open_timeout", false },
	{ "cookie_threshold", false },
	{ "retransmit_timeout", false },
	{ "retransmit_tries", false },
	{ "retransmit_base", false },
	{ "fragment_size", false },
};
enum {
	IKE_HALF_OPEN_MAX,
	IKE_HALF_OPEN_PER_SOURCE,
	IKE_HALF_OPEN_TIMEOUT,
	IKE_COOKIE_THRESHOLD,
	IKE_RETRANSMIT_TIMEOUT,
	IKE_RETRANSMIT_TRIES,
	IKE_RETRANSMIT_BASE,
	IKE_FRAGMENT_SIZE,
	IKE__MAX
};

static const struct key_spec secret_keys[] = {
	{ "type", true },
	{ "ids", false },
	{ "secret", false },
	{ "secret_file", false },
};
enum {
	SECRET_TYPE,
	SECRET_IDS,
	SECRET_SECRET,
	SECRET_SECRET_FILE,
	SECRET__MAX
};

/* Indexed by enum config_secret_type, NULL-terminated for config_want_enum(). */
static const char *const secret_type_names[] = { "ike", NULL };

_Static_assert(IKE__MAX <= KEYS_MAX && SECRET__MAX <= KEYS_MAX, "KEYS_MAX too small");
_Static_assert(CONFIG_SECRET_IKE == 0, "name tables out of step");

int
config_id_parse(const char *s, size_t len, bool any_ok, enum config_id_type *type,
    char id[CONFIG_ID_MAX], uint8_t addr[16], const char **why)
{
	struct config_addr a;
	size_t i, skip = 0;

	*why = NULL;
	if (len == 0)
		*why = "it is empty (leave id out for the IKE address)";
	else if (len >= CONFIG_ID_MAX)
		*why = "it is longer than 255 bytes";
	for (i = 0; i < len && *why == NULL; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			*why = "it holds control characters";
	if (*why != NULL)
		return -EINVAL;
	memset(addr, 0, 16);
	if (len == 4 && memcmp(s, "%any", 4) == 0) {
		if (!any_ok) {
			*why = "%any names no one: it is for the remote id only";
			return -EINVAL;
		}
		*type = CONFIG_ID_ANY;
	} else if (s[0] == '%') {
		*why = "the only %-keyword is %any";
		return -EINVAL;
	} else if (memchr(s, '=', len) != NULL) {
		/* "C=CH, O=strongSwan, CN=gw": a distinguished name, kept as written. */
		*type = CONFIG_ID_DN;
	} else if (config_addr_parse(s, len, &a) == 0) {
		*type = a.family == 4 ? CONFIG_ID_IPV4 : CONFIG_ID_IPV6;
		memcpy(addr, a.addr, 16);
	} else if (s[0] == '@') {
		if (len > 1 && s[1] == '#') {
			*why = "key ids (@#...) are not supported";
			return -EINVAL;
		}
		/* "@fqdn" forces FQDN, "@@user@host" RFC822, as in strongSwan. */
		skip = len > 1 && s[1] == '@' ? 2 : 1;
		*type = skip == 2 ? CONFIG_ID_RFC822 : CONFIG_ID_FQDN;
		if (len == skip) {
			*why = "it names no one after the @";
			return -EINVAL;
		}
	} else if (memchr(s, '@', len) != NULL) {
		*type = CONFIG_ID_RFC822;
	} else {
		*type = CONFIG_ID_FQDN;
	}
	memcpy(id, s + skip, len - skip);
	id[len - skip] = '\0';
	return 0;
}

int
config_secret_match(const struct config_secret *s, enum config_id_type type, const char *id,
    const uint8_t *addr)
{
	int best = s->n_ids == 0 ? 1 : 0;
	unsigned int i;

	for (i = 0; i < s->n_ids; i++) {
		if (s->id_types[i] == CONFIG_ID_ANY) {
			best = 1;
			continue;
		}
		if (s->id_types[i] != type || id == NULL)
			continue;
		switch (type) {
		case CONFIG_ID_IPV4:
		case CONFIG_ID_IPV6:
			if (addr != NULL &&
			    memcmp(s->id_addrs[i], addr, type == CONFIG_ID_IPV4 ? 4 : 16) == 0)
				return 2;
			break;
		case CONFIG_ID_FQDN:
		case CONFIG_ID_RFC822:
			if (strcasecmp(s->ids[i], id) == 0)
				return 2;
			break;
		case CONFIG_ID_DN:
			if (strcmp(s->ids[i], id) == 0)
				return 2;
			break;
		case CONFIG_ID_ANY:
			break;
		}
	}
	return best;
}

/* ---- ike: ---- */

static bool
want_retransmit_base(struct validate *v, const struct config_node *n, const char *path, double *out)
{
	enum scalar_type t;
	char q[QUOTE_LEN];
	double d;

	if (!config_usable(v, n, path))
		return false;
	t = n->kind == CONFIG_NODE_SCALAR ? config_scalar_type(n) : SCALAR_STR;
	/* Numbers only: .inf and .nan are floats to YAML but not here. */
	if ((t != SCALAR_INT && t != SCALAR_FLOAT) || memchr(n->text, 'n', n->len) != NULL ||
	    memchr(n->text, 'N', n->len) != NULL || memchr(n->text, 'x', n->len) != NULL) {
		config_error_add(v->errs, n, path, "expected a number");
		return false;
	}
	d = strtod(n->text, NULL);
	if (!(d >= 1.0 && d <= IKE_RETRANSMIT_BASE_MAX)) {
		config_error_add(v->errs, n, path, "%s is out of range (1..%g)",
		    config_quote(q, sizeof(q), n->text, n->len), IKE_RETRANSMIT_BASE_MAX);
		return false;
	}
	*out = d;
	return true;
}

/* small must not be above large, when either was given. */
static void
ike_order(struct validate *v, const struct config_node *const *val, unsigned int small,
    uint32_t small_val, unsigned int large, uint32_t large_val)
{
	const struct config_node *at = val[small] != NULL ? val[small] : val[large];
	char path[PATH_LEN];

	if (at == NULL || small_val <= large_val)
		return;
	config_error_add(v->errs, at,
	    config_path_key(path, sizeof(path), "ike",
	        at == val[small] ? ike_keys[small].name : ike_keys[large].name),
	    "%s (%u) is above %s (%u)", ike_keys[small].name, small_val, ike_keys[large].name,
	    large_val);
}

void
config_ike_validate(struct validate *v, const struct config_node *n)
{
	struct config_ike *ike = &v->cfg->ike;
	const struct config_node *val[IKE__MAX];
	bool ok[IKE__MAX] = { false };
	char path[PATH_LEN];
	long l;

	ike->half_open_max = IKE_HALF_OPEN_MAX_DEFAULT;
	ike->half_open_per_source = IKE_HALF_OPEN_PER_SOURCE_DEFAULT;
	ike->half_open_timeout = IKE_HALF_OPEN_TIMEOUT_DEFAULT;
	ike->cookie_threshold = IKE_COOKIE_THRESHOLD_DEFAULT;
	ike->retransmit_timeout = IKE_RETRANSMIT_TIMEOUT_DEFAULT;
	ike->retransmit_tries = IKE_RETRANSMIT_TRIES_DEFAULT;
	ike->retransmit_base = IKE_RETRANSMIT_BASE_DEFAULT;
	ike->fragment_size = IKE_FRAGMENT_SIZE_DEFAULT;
	if (n == NULL || config_is_null(n) ||
	    !config_map_scan(v, n, "ike", ike_keys, IKE__MAX, val))
		return;
#define IKE_PATH(k) config_path_key(path, sizeof(path), "ike", ike_keys[k].name)
	if (val[IKE_HALF_OPEN_MAX] != NULL &&
	    (ok[IKE_HALF_OPEN_MAX] = config_want_int(v, val[IKE_HALF_OPEN_MAX],
	         IKE_PATH(IKE_HALF_OPEN_MAX), 1, IKE_HALF_OPEN_LIMIT, &l)))
		ike->half_open_max = (uint32_t)l;
	if (val[IKE_HALF_OPEN_PER_SOURCE] != NULL &&
	    (ok[IKE_HALF_OPEN_PER_SOURCE] = config_want_int(v, val[IKE_HALF_OPEN_PER_SOURCE],
	         IKE_PATH(IKE_HALF_OPEN_PER_SOURCE), 1, IKE_HALF_OPEN_LIMIT, &l)))
		ike->half_open_per_source = (uint32_t)l;
	if (val[IKE_HALF_OPEN_TIMEOUT] != NULL &&
	    (ok[IKE_HALF_OPEN_TIMEOUT] = config_want_duration(v, val[IKE_HALF_OPEN_TIMEOUT],
	         IKE_PATH(IKE_HALF_OPEN_TIMEOUT), false, &ike->half_open_timeout)) &&
	    ike->half_open_timeout == 0)
		config_error_add(v->errs, val[IKE_HALF_OPEN_TIMEOUT], path,
		    "must be at least 1 second");
	if (val[IKE_COOKIE_THRESHOLD] != NULL &&
	    (ok[IKE_COOKIE_THRESHOLD] = config_want_int(v, val[IKE_COOKIE_THRESHOLD],
	         IKE_PATH(IKE_COOKIE_THRESHOLD), 0, IKE_HALF_OPEN_LIMIT, &l)))
		ike->cookie_threshold = (uint32_t)l;
	if (val[IKE_RETRANSMIT_TIMEOUT] != NULL &&
	    config_want_duration(v, val[IKE_RETRANSMIT_TIMEOUT], IKE_PATH(IKE_RETRANSMIT_TIMEOUT),
	        true, &ike->retransmit_timeout) &&
	    ike->retransmit_timeout == 0)
		config_error_add(v->errs, val[IKE_RETRANSMIT_TIMEOUT], path,
		    "must be at least 1 millisecond");
	if (val[IKE_RETRANSMIT_TRIES] != NULL &&
	    config_want_int(v, val[IKE_RETRANSMIT_TRIES], IKE_PATH(IKE_RETRANSMIT_TRIES), 0,
	        IKE_RETRANSMIT_TRIES_MAX, &l))
		ike->retransmit_tries = (uint32_t)l;
	if (val[IKE_RETRANSMIT_BASE] != NULL)
		want_retransmit_base(v, val[IKE_RETRANSMIT_BASE], IKE_PATH(IKE_RETRANSMIT_BASE),
		    &ike->retransmit_base);
	if (val[IKE_FRAGMENT_SIZE] != NULL &&
	    config_want_int(v, val[IKE_FRAGMENT_SIZE], IKE_PATH(IKE_FRAGMENT_SIZE),
	        IKE_FRAGMENT_SIZE_MIN, IKE_FRAGMENT_SIZE_MAX, &l))
		ike->fragment_size = (uint32_t)l;
#undef IKE_PATH
	/* Only compare what parsed: a bad value already has its error. */
	if ((val[IKE_HALF_OPEN_MAX] == NULL || ok[IKE_HALF_OPEN_MAX]) &&
	    (val[IKE_HALF_OPEN_PER_SOURCE] == NULL || ok[IKE_HALF_OPEN_PER_SOURCE]))
		ike_order(v, val, IKE_HALF_OPEN_PER_SOURCE, ike->half_open_per_source,
		    IKE_HALF_OPEN_MAX, ike->half_open_max);
	if ((val[IKE_HALF_OPEN_MAX] == NULL || ok[IKE_HALF_OPEN_MAX]) &&
	    (val[IKE_COOKIE_THRESHOLD] == NULL || ok[IKE_COOKIE_THRESHOLD]))
		ike_order(v, val, IKE_COOKIE_THRESHOLD, ike->cookie_threshold, IKE_HALF_OPEN_MAX,
		    ike->half_open_max);
}

/* ---- secrets: ---- */

/* RFC 4648 section 4 base64, padded or not; bytes written, or -1. */
static long
base64_decode(const char *s, size_t len, uint8_t *out, size_t size)
{
	uint32_t acc = 0;
	size_t i, o = 0, pad = 0, n = 0;
	unsigned int bits = 0, d;
	char c;

	for (i = 0; i < len; i++) {
		c = s[i];
		if (c == '=') {
			pad++;
			continue;
		}
		if (pad != 0)
			return -1; /* data after padding */
		if (c >= 'A' && c <= 'Z')
			d = (unsigned int)(c - 'A');
		else if (c >= 'a' && c <= 'z')
			d = (unsigned int)(c - 'a') + 26;
		else if (c >= '0' && c <= '9')
			d = (unsigned int)(c - '0') + 52;
		else if (c == '+')
			d = 62;
		else if (c == '/')
			d = 63;
		else
			return -1;
		n++;
		acc = acc << 6 | d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o == size)
				return -2;
			out[o++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/* A lone last character, too much padding, or padding where none belongs. */
	if (n % 4 == 1 || pad > 2 || (pad != 0 && (n + pad) % 4 != 0) || acc != 0)
		return -1;
	return (long)o;
}

/*
 * "0x" and hex digits, "0s" and base64, else the text itself, into out.
 * The length, or -1 with why set.  Never quotes the text.
 */
static long
secret_decode(const char *s, size_t len, uint8_t out[CONFIG_SECRET_MAX], char *why, size_t wlen)
{
	long n;
	size_t i;

	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		for (i = 2; i < len; i++) {
			if (!config_is_digits(s + i, 1, true)) {
				snprintf(why, wlen,
				    "character %zu of the hex secret is not a hex digit", i + 1);
				return -1;
			}
		}
		if (len % 2 != 0) {
			snprintf(why, wlen,
			    "odd number of hex digits (%zu): a secret is whole bytes", len - 2);
			return -1;
		}
		n = (long)(len - 2) / 2;
		if (n > CONFIG_SECRET_MAX)
			goto fail_long;
		for (i = 0; i < (size_t)n; i++)
			out[i] = (uint8_t)(config_hex_value(s[2 + 2 * i]) << 4 |
			    config_hex_value(s[3 + 2 * i]));
	} else if (len >= 2 && s[0] == '0' && s[1] == 's') {
		n = base64_decode(s + 2, len - 2, out, CONFIG_SECRET_MAX);
		if (n == -2)
			goto fail_long;
		if (n < 0) {
			snprintf(why, wlen, "the secret after 0s is not valid base64");
			return -1;
		}
	} else {
		if (len > CONFIG_SECRET_MAX)
			goto fail_long;
		memcpy(out, s, len);
		n = (long)len;
	}
	if (n == 0) {
		snprintf(why, wlen, "the secret is empty");
		return -1;
	}
	return n;
fail_long:
	snprintf(why, wlen, "the secret is longer than %d bytes", CONFIG_SECRET_MAX);
	return -1;
}

static void
do_secret_text(struct validate *v, struct config_secret *sec, const struct config_node *n,
    const char *path)
{
	char why[CONFIG_ERROR_LEN];
	long len;

	if (!config_usable(v, n, path))
		return;
	/* Any scalar: "secret: 0x0102" is an integer to YAML but a hex secret here. */
	if (n->kind != CONFIG_NODE_SCALAR || config_is_null(n)) {
		config_error_add(v->errs, n, path, "expected the secret as a string");
		return;
	}
	if ((len = secret_decode(n->text, n->len, sec->secret, why, sizeof(why))) < 0) {
		config_error_add(v->errs, n, path, "%s", why);
		return;
	}
	sec->secret_len = (size_t)len;
}

/* Read a whole small file into buf; its length, or -1 with errno set (EFBIG: too large). */
static long
file_slurp(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t r;

	for (;;) {
		r = read(fd, buf + len, size - len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			return (long)len;
		len += (size_t)r;
		if (len == size) {
			errno = EFBIG;
			return -1;
		}
	}
}

/* secret_file: a regular file only we can read, holding the secret in one of the same forms. */
static void
do_secret_file(struct validate *v, struct config_secret *sec, const struct config_node *n,
    const char *path)
{
	char file[CONFIG_PATH_MAX], q[QUOTE_LEN], why[CONFIG_ERROR_LEN / 2];
	char buf[SECRET_FILE_MAX];
	struct stat st;
	long len;
	int fd;

	if (!config_want_string(v, n, path))
		return;
	if (n->len == 0 || memchr(n->text, '\0', n->len) != NULL) {
		config_error_add(v->errs, n, path, "'%s' is not a file name",
		    config_quote(q, sizeof(q), n->text, n->len));
		return;
	}
	if (!config_file_path(v, n, file)) {
		config_error_add(v->errs, n, path,
		    "'%s' is too long for a file name (%d bytes at most, with the config file's directory)",
		    config_quote(q, sizeof(q), n->text, n->len), CONFIG_PATH_MAX - 1);
		return;
	}
	config_quote(q, sizeof(q), file, strlen(file));
	if ((fd = open(file, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)) < 0) {
		config_error_add(v->errs, n, path, "cannot open %s: %s", q, strerror(errno));
		return;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		config_error_add(v->errs, n, path, "%s is not a regular file", q);
		goto out_close;
	}
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		config_error_add(v->errs, n, path,
		    "%s is open to group or others (mode %04o): a secret file must be 0600 or stricter",
		    q, (unsigned int)(st.st_mode & 07777));
		goto out_close;
	}
	if ((len = file_slurp(fd, buf, sizeof(buf))) < 0) {
		if (errno == EFBIG)
			config_error_add(v->errs, n, path, "%s is too large for a secret", q);
		else
			config_error_add(v->errs, n, path, "cannot read %s: %s", q,
			    strerror(errno));
		goto out_wipe;
	}
	/* One line: drop the line end an editor leaves. */
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	if ((len = secret_decode(buf, (size_t)len, sec->secret, why, sizeof(why))) < 0)
		config_error_add(v->errs, n, path, "%s: %s", q, why);
	else
		sec->secret_len = (size_t)len;
out_wipe:
	explicit_bzero(buf, sizeof(buf));
out_close:
	close(fd);
}

/* ids: a list of identities; false after an error. */
static bool
do_secret_ids(struct validate *v, struct config_secret *sec, const struct config_node *n,
    const char *base)
{
	char path[PATH_LEN], ipath[PATH_LEN], q[QUOTE_LEN];
	const char *why;
	bool ok = true;
	size_t i;

	config_path_key(path, sizeof(path), base, "ids");
	if (!config_want_list(v, n, path, true))
		return config_is_null(n);
	for (i = 0; i < n->n_kids; i++) {
		config_path_index(ipath, sizeof(ipath), path, i);
		if (i == CONFIG_SECRET_IDS_MAX) {
			config_error_add(v->errs, n->kids[i], ipath,
			    "too many ids (at most %d): write another secret",
			    CONFIG_SECRET_IDS_MAX);
			return false;
		}
		if (!config_want_string(v, n->kids[i], ipath)) {
			ok = false;
			continue;
		}
		if (config_id_parse(n->kids[i]->text, n->kids[i]->len, true, &sec->id_types[i],
		        sec->ids[i], sec->id_addrs[i], &why) != 0) {
			config_error_add(v->errs, n->kids[i], ipath, "'%s' is not an identity: %s",
			    config_quote(q, sizeof(q), n->kids[i]->text, n->kids[i]->len), why);
			ok = false;
			continue;
		}
		sec->n_ids++;
	}
	return ok;
}

/* Returns true if the secret is valid. */
static bool
do_secret(struct validate *v, struct config_secret *sec, const struct config_node *n,
    const char *path)
{
	const struct config_node *val[SECRET__MAX];
	unsigned int total = v->errs->total;
	char kpath[PATH_LEN];
	int e;

	if (!config_map_scan(v, n, path, secret_keys, SECRET__MAX, val))
		return false;
	if (val[SECRET_TYPE] != NULL &&
	    (e = config_want_enum(v, val[SECRET_TYPE],
	         config_path_key(kpath, sizeof(kpath), path, "type"), "secret type",
	         secret_type_names, "ike")) >= 0)
		sec->type = (enum config_secret_type)e;
	if (val[SECRET_IDS] != NULL)
		do_secret_ids(v, sec, val[SECRET_IDS], path);
	if (val[SECRET_SECRET] != NULL && val[SECRET_SECRET_FILE] != NULL)
		config_error_add(v->errs, val[SECRET_SECRET_FILE],
		    config_path_key(kpath, sizeof(kpath), path, "secret_file"),
		    "give secret or secret_file, not both");
	else if (val[SECRET_SECRET] != NULL)
		do_secret_text(v, sec, val[SECRET_SECRET],
		    config_path_key(kpath, sizeof(kpath), path, "secret"));
	else if (val[SECRET_SECRET_FILE] != NULL)
		do_secret_file(v, sec, val[SECRET_SECRET_FILE],
		    config_path_key(kpath, sizeof(kpath), path, "secret_file"));
	else
		config_error_add(v->errs, n, config_path_key(kpath, sizeof(kpath), path, "secret"),
		    "required key is missing (or secret_file)");
	return v->errs->total == total;
}

/* The value of key in mapping n (which config_map_scan() accepted), or n itself. */
static const struct config_node *
map_value(const struct config_node *n, const char *key)
{
	size_t i;

	for (i = 0; i + 1 < n->n_kids; i += 2)
		if (config_text_is(n->kids[i], key))
			return n->kids[i + 1];
	return n;
}

/* The same id in two secrets, or two secrets for any peer, leave the choice to chance. */
static void
secrets_cross_check(struct validate *v, const struct config_node *n, const bool *ok)
{
	const struct config_secret *ss = v->cfg->secrets, *a, *b;
	const struct config_node *ids;
	char path[PATH_LEN], q[QUOTE_LEN];
	unsigned int i, j, k, l;
	bool any_a, any_b;

	for (i = 0; i < v->cfg->n_secrets; i++) {
		a = &ss[i];
		for (j = 0; ok[i] && j < i; j++) {
			b = &ss[j];
			if (!ok[j] || a->type != b->type)
				continue;
			any_a = config_secret_match(a, CONFIG_ID_ANY, NULL, NULL) != 0;
			any_b = config_secret_match(b, CONFIG_ID_ANY, NULL, NULL) != 0;
			if (any_a && any_b) {
				config_error_add(v->errs, n->kids[i],
				    config_path_index(path, sizeof(path), "secrets", i),
				    "a second secret for any peer (no ids or %%any): secrets[%u] is one",
				    j);
				break;
			}
			for (k = 0; k < a->n_ids; k++) {
				for (l = 0; l < b->n_ids; l++)
					if (a->id_types[k] != CONFIG_ID_ANY &&
					    config_secret_match(b, a->id_types[k], a->ids[k],
					        a->id_addrs[k]) == 2)
						break;
				if (l == b->n_ids)
					continue;
				/* A valid secret's ids are its ids: list entries, all parsed. */
				ids = map_value(n->kids[i], "ids");
				snprintf(path, sizeof(path), "secrets[%u].ids[%u]", i, k);
				config_error_add(v->errs, ids != n->kids[i] ? ids->kids[k] : ids,
				    path, "'%s' already has a secret (secrets[%u])",
				    config_quote(q, sizeof(q), a->ids[k], strlen(a->ids[k])), j);
				break;
			}
			if (k < a->n_ids)
				break;
		}
	}
}

void
config_secret_validate(struct validate *v, const struct config_node *n)
{
	char path[PATH_LEN];
	size_t i, count;
	bool *ok;

	if (!config_want_list(v, n, "secrets", true)) {
		v->secrets_incomplete = !config_is_null(n);
		return;
	}
	count = n->n_kids < CONFIG_SECRETS_MAX ? n->n_kids : CONFIG_SECRETS_MAX;
	if (n->n_kids > CONFIG_SECRETS_MAX)
		config_error_add(v->errs, n->kids[CONFIG_SECRETS_MAX],
		    config_path_index(path, sizeof(path), "secrets", CONFIG_SECRETS_MAX),
		    "too many secrets (at most %d)", CONFIG_SECRETS_MAX);
	if (count == 0)
		return;
	v->cfg->secrets = calloc(count, sizeof(*v->cfg->secrets));
	ok = calloc(count, sizeof(*ok));
	if (v->cfg->secrets == NULL || ok == NULL) {
		config_error_add(v->errs, n, "secrets", "out of memory");
		v->secrets_incomplete = true;
		goto out;
	}
	v->cfg->n_secrets = (unsigned int)count;
	for (i = 0; i < count; i++) {
		ok[i] = do_secret(v, &v->cfg->secrets[i], n->kids[i],
		    config_path_index(path, sizeof(path), "secrets", i));
		if (!ok[i])
			v->secrets_incomplete = true;
	}
	secrets_cross_check(v, n, ok);
out:
	free(ok);
}
