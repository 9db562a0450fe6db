/* SPDX-License-Identifier: BSD-3-Clause */
/* config/config.c: YAML text to a tree of positioned nodes, the loading entry points, errors. */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <yaml.h>

#include "config/config.h"
#include "config/config_validate.h"

#define READ_CHUNK (64u << 10)

/* Where the tree builder is: the open collections from the root down. */
struct builder {
	yaml_parser_t parser;
	const char *name;
	FILE *err;
	struct config_node *root;
	struct config_node *open[CONFIG_DEPTH_MAX];
	unsigned int depth;
	unsigned int n_nodes;
	unsigned int n_docs;
};

/* A message that ends the load: one line, no key path. */
static void __attribute__((format(printf, 5, 6)))
fatal(FILE *err, const char *name, unsigned int line, unsigned int column, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	if (line != 0)
		fprintf(err, "%s:%u:%u: ", name, line, column);
	else
		fprintf(err, "%s: ", name);
	va_start(ap, fmt);
	vfprintf(err, fmt, ap);
	va_end(ap);
	fputc('\n', err);
}

void
config_error_add(struct config_errors *errs, const struct config_node *at, const char *path,
    const char *fmt, ...)
{
	struct config_error *e;
	unsigned int i;
	va_list ap;
	int n;

	errs->total++;
	/* Stable insertion by position: an error found later at the same place goes after. */
	for (i = errs->n; i > 0; i--) {
		e = &errs->e[i - 1];
		if (e->line < at->line || (e->line == at->line && e->column <= at->column))
			break;
	}
	if (i >= CONFIG_ERRORS_MAX)
		return;
	if (errs->n == CONFIG_ERRORS_MAX)
		errs->n--;
	memmove(&errs->e[i + 1], &errs->e[i], (errs->n - i) * sizeof(errs->e[0]));
	errs->n++;
	e = &errs->e[i];
	e->line = at->line;
	e->column = at->column;
	n = snprintf(e->text, sizeof(e->text), "%s: ", path);
	if (n < 0 || (size_t)n >= sizeof(e->text))
		return;
	va_start(ap, fmt);
	vsnprintf(e->text + n, sizeof(e->text) - (size_t)n, fmt, ap);
	va_end(ap);
}

static void
errors_print(const struct config_errors *errs, const char *name, FILE *err)
{
	unsigned int i;

	if (err == NULL)
		return;
	for (i = 0; i < errs->n; i++)
		fprintf(err, "%s:%u:%u: %s\n", name, errs->e[i].line, errs->e[i].column,
		    errs->e[i].text);
	if (errs->total > errs->n)
		fprintf(err, "%s: too many errors, stopping after %u\n", name, errs->n);
}

static void
node_free(struct config_node *n)
{
	size_t i;

	if (n == NULL)
		return;
	/* Recursion is bounded by CONFIG_DEPTH_MAX. */
	for (i = 0; i < n->n_kids; i++)
		node_free(n->kids[i]);
	free(n->kids);
	free(n->tag);
	/* A scalar may be a static SA's key. */
	if (n->text != NULL)
		explicit_bzero(n->text, n->len);
	free(n->text);
	free(n);
}

static char *
dup_bytes(const yaml_char_t *s, size_t len)
{
	char *p;

	if ((p = malloc(len + 1)) == NULL)
		return NULL;
	if (len != 0)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* Turn a node event into a node; NULL when out of memory. */
static struct config_node *
node_create(const yaml_event_t *ev)
{
	const yaml_char_t *tag = NULL;
	struct config_node *n;

	if ((n = calloc(1, sizeof(*n))) == NULL)
		return NULL;
	/* libyaml counts from 0; people and editors count from 1. */
	n->line = (unsigned int)ev->start_mark.line + 1;
	n->column = (unsigned int)ev->start_mark.column + 1;
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		n->kind = CONFIG_NODE_SCALAR;
		tag = ev->data.scalar.tag;
		n->plain = tag == NULL && ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		n->len = ev->data.scalar.length;
		if ((n->text = dup_bytes(ev->data.scalar.value, n->len)) == NULL)
			goto fail_free;
		break;
	case YAML_ALIAS_EVENT:
		n->kind = CONFIG_NODE_ALIAS;
		n->len = strlen((const char *)ev->data.alias.anchor);
		if ((n->text = dup_bytes(ev->data.alias.anchor, n->len)) == NULL)
			goto fail_free;
		break;
	case YAML_SEQUENCE_START_EVENT:
		n->kind = CONFIG_NODE_SEQ;
		tag = ev->data.sequence_start.tag;
		break;
	default:
		n->kind = CONFIG_NODE_MAP;
		tag = ev->data.mapping_start.tag;
		break;
	}
	if (tag != NULL && (n->tag = dup_bytes(tag, strlen((const char *)tag))) == NULL)
		goto fail_free;
	return n;
fail_free:
	node_free(n);
	return NULL;
}

static int
node_append(struct config_node *parent, struct config_node *kid)
{
	struct config_node **kids;
	size_t cap;

	if (parent->n_kids == parent->cap_kids) {
		cap = parent->cap_kids == 0 ? 4 : parent->cap_kids * 2;
		if ((kids = realloc(parent->kids, cap * sizeof(*kids))) == NULL)
			return -ENOMEM;
		parent->kids = kids;
		parent->cap_kids = cap;
	}
	parent->kids[parent->n_kids++] = kid;
	return 0;
}

/* Say why libyaml stopped, at the place it names. */
static void
yaml_fail(struct builder *b, const char *buf, size_t len)
{
	const yaml_parser_t *p = &b->parser;
	const char *problem = p->problem != NULL ? p->problem : "unknown error";
	unsigned int line = 1, column = 1;
	size_t i, end;

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		fatal(b->err, b->name, 0, 0, "out of memory");
		return;
	case YAML_READER_ERROR:
		/* The reader gives a byte offset: count lines and UTF-8 characters to it. */
		end = p->problem_offset < len ? p->problem_offset : len;
		for (i = 0; i < end; i++) {
			if (buf[i] == '\n') {
				line++;
				column = 1;
			} else if (((unsigned char)buf[i] & 0xc0) != 0x80) {
				column++;
			}
		}
		break;
	default:
		line = (unsigned int)p->problem_mark.line + 1;
		column = (unsigned int)p->problem_mark.column + 1;
		break;
	}
	fatal(b->err, b->name, line, column, "not valid YAML: %s", problem);
}

/* Hang a new node under the innermost open collection, or make it the root. */
static int
builder_add(struct builder *b, const yaml_event_t *ev)
{
	struct config_node *n;
	bool collection;

	collection = ev->type == YAML_SEQUENCE_START_EVENT || ev->type == YAML_MAPPING_START_EVENT;
	if (b->n_nodes >= CONFIG_NODES_MAX) {
		fatal(b->err, b->name, (unsigned int)ev->start_mark.line + 1,
		    (unsigned int)ev->start_mark.column + 1, "more than %u YAML nodes",
		    CONFIG_NODES_MAX);
		return -E2BIG;
	}
	if (collection && b->depth >= CONFIG_DEPTH_MAX) {
		fatal(b->err, b->name, (unsigned int)ev->start_mark.line + 1,
		    (unsigned int)ev->start_mark.column + 1, "nested more than %u levels deep",
		    CONFIG_DEPTH_MAX);
		return -E2BIG;
	}
	if ((n = node_create(ev)) == NULL)
		goto fail_nomem;
	if (b->depth == 0) {
		b->root = n;
	} else if (node_append(b->open[b->depth - 1], n) != 0) {
		node_free(n);
		goto fail_nomem;
	}
	b->n_nodes++;
	if (collection)
		b->open[b->depth++] = n;
	return 0;
fail_nomem:
	fatal(b->err, b->name, 0, 0, "out of memory");
	return -ENOMEM;
}

/*
 * Read the whole stream into a tree.  Aliases become alias nodes that the
 * validator rejects, so nothing is ever expanded and work stays linear.
 */
static int
builder_run(struct builder *b, const char *buf, size_t len)
{
	yaml_event_t ev;
	bool done = false;
	int rc = 0;

	while (!done) {
		if (!yaml_parser_parse(&b->parser, &ev)) {
			yaml_fail(b, buf, len);
			return -EINVAL;
		}
		switch (ev.type) {
		case YAML_DOCUMENT_START_EVENT:
			if (b->n_docs++ != 0) {
				fatal(b->err, b->name, (unsigned int)ev.start_mark.line + 1,
				    (unsigned int)ev.start_mark.column + 1,
				    "more than one YAML document (only one is allowed)");
				rc = -EINVAL;
			}
			break;
		case YAML_SCALAR_EVENT:
		case YAML_ALIAS_EVENT:
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			rc = builder_add(b, &ev);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (b->depth > 0)
				b->depth--;
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* Load from a buffer; relative file names in it start at @p dir ("" or "dir/"). */
static struct config *
load_buffer(const char *buf, size_t len, const char *name, const char *dir, FILE *err)
{
	struct config_errors *errs = NULL;
	struct config *cfg = NULL;
	struct builder b;
	const struct config_node *root;

	if (name == NULL)
		name = "<buffer>";
	if (buf == NULL && len != 0) {
		fatal(err, name, 0, 0, "cannot read: %s", strerror(EINVAL));
		return NULL;
	}
	if (len > CONFIG_FILE_MAX) {
		fatal(err, name, 0, 0, "too large: more than %u bytes", CONFIG_FILE_MAX);
		return NULL;
	}
	memset(&b, 0, sizeof(b));
	b.name = name;
	b.err = err;
	if (!yaml_parser_initialize(&b.parser)) {
		fatal(err, name, 0, 0, "out of memory");
		return NULL;
	}
	yaml_parser_set_input_string(&b.parser, (const unsigned char *)(buf != NULL ? buf : ""),
	    len);
	if (builder_run(&b, buf, len) != 0)
		goto out;
	if ((root = b.root) == NULL) {
		fatal(err, name, 0, 0, "empty file: no YAML document");
		goto out;
	}
	if (root->kind != CONFIG_NODE_MAP) {
		fatal(err, name, root->line, root->column,
		    "expected a mapping of keys to values at the top level");
		goto out;
	}
	if ((errs = calloc(1, sizeof(*errs))) == NULL || (cfg = calloc(1, sizeof(*cfg))) == NULL) {
		fatal(err, name, 0, 0, "out of memory");
		goto out;
	}
	if (config_validate_tree(root, cfg, errs, dir) != 0) {
		errors_print(errs, name, err);
		config_destroy(cfg);
		cfg = NULL;
	}
out:
	free(errs);
	node_free(b.root);
	yaml_parser_delete(&b.parser);
	return cfg;
}

struct config *
config_load_buffer(const char *buf, size_t len, const char *name, FILE *err)
{
	return load_buffer(buf, len, name, "", err);
}

/* Free a buffer that may hold key text, wiping it first. */
static void
buf_free(char *buf, size_t len)
{
	if (buf == NULL)
		return;
	explicit_bzero(buf, len);
	free(buf);
}

/*
 * Read at most CONFIG_FILE_MAX + 1 bytes, so that a larger file is seen as
 * such.  The file may hold keys: grow by copy and wipe, not realloc(), so
 * that no stale copy is left in freed memory.
 */
static char *
file_read(FILE *f, size_t *lenp)
{
	size_t len = 0, cap = 0, ncap, n;
	char *buf = NULL, *nbuf;

	for (;;) {
		if (len == cap) {
			ncap = cap == 0 ? READ_CHUNK : cap * 2;
			if (ncap > CONFIG_FILE_MAX + 1)
				ncap = CONFIG_FILE_MAX + 1;
			if ((nbuf = malloc(ncap)) == NULL)
				goto fail_free;
			if (len != 0)
				memcpy(nbuf, buf, len);
			buf_free(buf, cap);
			buf = nbuf;
			cap = ncap;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0 || len == CONFIG_FILE_MAX + 1)
			break;
	}
	if (ferror(f))
		goto fail_free;
	*lenp = len;
	return buf;
fail_free:
	buf_free(buf, cap);
	return NULL;
}

struct config *
config_load_file(const char *path, FILE *err)
{
	struct config *cfg = NULL;
	const char *slash;
	size_t len = 0;
	char *buf, *dir;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL) {
		fatal(err, path, 0, 0, "cannot read: %s", strerror(errno));
		return NULL;
	}
	/* Unbuffered: reads go straight into buf, and no copy of a key stays in stdio's buffer. */
	setvbuf(f, NULL, _IONBF, 0);
	errno = 0;
	if ((buf = file_read(f, &len)) == NULL) {
		fatal(err, path, 0, 0, "cannot read: %s", strerror(errno != 0 ? errno : EIO));
		goto out_close;
	}
	if (len > CONFIG_FILE_MAX)
		fatal(err, path, 0, 0, "too large: more than %u bytes", CONFIG_FILE_MAX);
	else if (len == 0)
		fatal(err, path, 0, 0, "empty file: no YAML document");
	else if ((slash = strrchr(path, '/')) == NULL)
		cfg = load_buffer(buf, len, path, "", err);
	else if ((dir = strndup(path, (size_t)(slash - path) + 1)) == NULL)
		fatal(err, path, 0, 0, "out of memory");
	else {
		/* Relative file names in a config are taken from the config file's directory. */
		cfg = load_buffer(buf, len, path, dir, err);
		free(dir);
	}
	buf_free(buf, len);
out_close:
	fclose(f);
	return cfg;
}

void
config_destroy(struct config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->routes);
	free(cfg->neighbors);
	if (cfg->static_sas != NULL)
		explicit_bzero(cfg->static_sas, cfg->n_static_sas * sizeof(cfg->static_sas[0]));
	free(cfg->static_sas);
	free(cfg->policies);
	free(cfg->connections);
	free(cfg->children);
	if (cfg->secrets != NULL)
		explicit_bzero(cfg->secrets, cfg->n_secrets * sizeof(cfg->secrets[0]));
	free(cfg->secrets);
	free(cfg);
}

const char *
config_role_name(enum config_role role)
{
	switch (role) {
	case CONFIG_ROLE_UNPROTECTED:
		return "unprotected";
	case CONFIG_ROLE_PROTECTED:
		return "protected";
	}
	return "unknown";
}

const char *
config_direction_name(enum config_direction dir)
{
	switch (dir) {
	case CONFIG_DIR_OUTBOUND:
		return "outbound";
	case CONFIG_DIR_INBOUND:
		return "inbound";
	}
	return "unknown";
}

const char *
config_mode_name(enum config_mode mode)
{
	switch (mode) {
	case CONFIG_MODE_TUNNEL:
		return "tunnel";
	case CONFIG_MODE_TRANSPORT:
		return "transport";
	}
	return "unknown";
}

const char *
config_policy_action_name(enum config_policy_action a)
{
	switch (a) {
	case CONFIG_POLICY_PROTECT:
		return "protect";
	case CONFIG_POLICY_BYPASS:
		return "bypass";
	case CONFIG_POLICY_DISCARD:
		return "discard";
	}
	return "unknown";
}

char *
config_addr_format(const struct config_addr *a, char *buf, size_t len)
{
	int af = a->family == 6 ? AF_INET6 : AF_INET;

	if (len == 0)
		return buf;
	if ((a->family != 4 && a->family != 6) ||
	    inet_ntop(af, a->addr, buf, (socklen_t)(len < 256 ? len : 256)) == NULL)
		snprintf(buf, len, "?");
	return buf;
}
