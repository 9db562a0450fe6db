/* SPDX-License-Identifier: BSD-3-Clause */
/* config/config_validate.h: internal to config/: node tree, error list, the shared checks. */
#ifndef FASTIPSEC_CONFIG_VALIDATE_H
#define FASTIPSEC_CONFIG_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <arpa/inet.h>

#include "config/config.h"

enum config_node_kind {
	CONFIG_NODE_SCALAR = 0,
	CONFIG_NODE_SEQ,
	CONFIG_NODE_MAP,
	CONFIG_NODE_ALIAS, /* "*name": rejected where it is used */
};

/*
 * One YAML node with the 1-based position of its first character.  A scalar
 * or alias has text (NUL-terminated, but a quoted scalar may hold NULs, so
 * len counts); a sequence has its items in kids, a mapping key, value, key,
 * value...
 */
struct config_node {
	enum config_node_kind kind;
	unsigned int line;
	unsigned int column;
	bool plain; /* untagged plain scalar: its type comes from its text */
	char *tag;  /* explicit tag, or NULL */
	char *text;
	size_t len;
	struct config_node **kids;
	size_t n_kids;
	size_t cap_kids;
};

/*
 * The errors of one file, kept sorted by position: only the first
 * CONFIG_ERRORS_MAX are stored, total counts them all.
 */
struct config_error {
	unsigned int line;
	unsigned int column;
	char text[CONFIG_ERROR_LEN]; /* "key.path: what is wrong" */
};

struct config_errors {
	unsigned int total;
	unsigned int n;
	struct config_error e[CONFIG_ERRORS_MAX];
};

/* Record "path: message" at the position of @p at (config.c). */
void config_error_add(struct config_errors *errs, const struct config_node *at, const char *path,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Check the tree under @p root (a mapping) and fill @p cfg, which the caller
 * zeroed.  Relative file names in it (secret_file, certificates, keys) are
 * taken from @p dir ("" or "dir/", where the file is).  Returns 0, or
 * -EINVAL after adding every error to @p errs; @p cfg may then hold
 * allocated arrays, so config_destroy() it either way.
 */
int config_validate_tree(const struct config_node *root, struct config *cfg,
    struct config_errors *errs, const char *dir);

/*
 * The validator: config_validate.c walks the top level and checks instance,
 * diagnostics, interfaces, routes and neighbors; config_sa.c checks static_sas,
 * config_policy.c policies, config_secret.c ike: and secrets:, and
 * config_conn.c connections:.  What they share is below.
 */

#define PATH_LEN    160 /* "neighbors[1023].address" and quoted unknown keys */
#define QUOTE_LEN   72  /* user text shown in a message, escaped and cut */
#define PREFIX_LEN  (INET6_ADDRSTRLEN + 4)
#define KEYS_MAX    24 /* keys of the largest mapping */
#define SUGGEST_LEN 32 /* longer unknown keys get no suggestion */

/* What an untagged plain scalar is, by the YAML 1.2 core schema. */
enum scalar_type {
	SCALAR_STR = 0,
	SCALAR_NULL,
	SCALAR_BOOL,
	SCALAR_INT,
	SCALAR_FLOAT,
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
	const char *dir;             /* "" or "dir/": where relative file names start */
	bool secrets_incomplete;     /* some secret is not valid: skip "has it a secret" checks */
};

/* Indexed by enum config_direction, NULL-terminated for config_want_enum(). */
extern const char *const config_direction_names[];

/* Message text and key paths (config_validate.c). */
const char *config_quote(char *buf, size_t size, const char *s, size_t len);
const char *config_path_key(char *out, size_t size, const char *base, const char *key);
const char *config_path_index(char *out, size_t size, const char *base, size_t i);
size_t config_edit_distance(const char *a, size_t la, const char *b, size_t lb);
bool config_is_close(size_t distance, size_t la, size_t lb);

/* Scalars and their types. */
bool config_text_is(const struct config_node *n, const char *s);
unsigned int config_hex_value(char c);
bool config_is_digits(const char *s, size_t len, bool hex);
enum scalar_type config_scalar_type(const struct config_node *n);
bool config_is_null(const struct config_node *n);

/* Checks that report their own error and return false (or -1, or NULL) after it. */
bool config_usable(struct validate *v, const struct config_node *n, const char *path);
bool config_want_string(struct validate *v, const struct config_node *n, const char *path);
bool config_want_list(struct validate *v, const struct config_node *n, const char *path,
    bool null_ok);
bool config_want_int(struct validate *v, const struct config_node *n, const char *path, long min,
    long max, long *out);
bool config_want_bool(struct validate *v, const struct config_node *n, const char *path, bool *out);
int config_want_enum(struct validate *v, const struct config_node *n, const char *path,
    const char *what, const char *const *names, const char *choices);
const struct config_node *config_want_name(struct validate *v, const struct config_node *n,
    const char *path, const char *what, char name[CONFIG_NAME_MAX]);
bool config_map_scan(struct validate *v, const struct config_node *n, const char *path,
    const struct key_spec *keys, size_t n_keys, const struct config_node **vals);

/* Addresses and prefixes. */
size_t config_addr_bytes(const struct config_addr *a);
bool config_addr_equal(const struct config_addr *a, const struct config_addr *b);
const char *config_prefix_format(const struct config_prefix *p, char *buf, size_t size);
bool config_want_addr(struct validate *v, const struct config_node *n, const char *path,
    struct config_addr *a);
bool config_want_network(struct validate *v, const struct config_node *n, const char *path,
    struct config_prefix *p);
enum connected config_connected_find(const struct validate *v, const struct config_addr *a,
    unsigned int *iface, unsigned int *addr);

/* Integers, durations, files (config_validate.c). */
bool config_want_u64(struct validate *v, const struct config_node *n, const char *path,
    uint64_t *out);
/* Seconds, or a number with s, m, h, d (and ms when @p ms: *out is then in milliseconds). */
bool config_want_duration(struct validate *v, const struct config_node *n, const char *path,
    bool ms, uint32_t *out);
/* A file name, made relative to v->dir, naming a regular file we can open. */
bool config_want_file(struct validate *v, const struct config_node *n, const char *path,
    char out[CONFIG_PATH_MAX]);
/* n->text with v->dir in front unless absolute; false if it does not fit. */
bool config_file_path(const struct validate *v, const struct config_node *n,
    char out[CONFIG_PATH_MAX]);
int config_addr_parse(const char *s, size_t len, struct config_addr *a);
void config_prefix_network(const struct config_prefix *p, struct config_prefix *net);
/* Not unspecified, loopback, multicast or (IPv4) reserved. */
bool config_addr_is_unicast(const struct config_addr *a);

/*
 * An IKE identity as strongSwan types it (config.h struct config_ike_auth):
 * 0, or -EINVAL with why set to a message fragment.
 */
int config_id_parse(const char *s, size_t len, bool any_ok, enum config_id_type *type,
    char id[CONFIG_ID_MAX], uint8_t addr[16], const char **why);

/* static_sas (config_sa.c), then policies (config_policy.c), which name the SAs. */
void config_sa_validate(struct validate *v, const struct config_node *n);
void config_policy_validate(struct validate *v, const struct config_node *n);

/*
 * ike: (defaults when @p n is NULL) and secrets: (config_secret.c), then
 * connections: (config_conn.c), which need the secrets and append the
 * children's policies to cfg->policies.
 */
void config_ike_validate(struct validate *v, const struct config_node *n);
void config_secret_validate(struct validate *v, const struct config_node *n);
void config_conn_validate(struct validate *v, const struct config_node *n);

#endif
