/* SPDX-License-Identifier: BSD-3-Clause */
/* config/config_validate.h: the node tree and error list that config.c hands to the validator. */
#ifndef FASTIPSEC_CONFIG_VALIDATE_H
#define FASTIPSEC_CONFIG_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

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
 * zeroed.  Returns 0, or -EINVAL after adding every error to @p errs; @p cfg
 * may then hold allocated arrays, so config_destroy() it either way.
 */
int config_validate_tree(const struct config_node *root, struct config *cfg,
    struct config_errors *errs);

#endif
