/* SPDX-License-Identifier: BSD-3-Clause */
/* config/config.h: the validated, immutable configuration of one gateway instance. */
#ifndef FASTIPSEC_CONFIG_H
#define FASTIPSEC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/limits.h"

enum config_role {
	CONFIG_ROLE_UNPROTECTED = 0, /* WAN side: ESP/IKE peers */
	CONFIG_ROLE_PROTECTED,       /* LAN side: cleartext hosts */
};

/* An IPv4 or IPv6 address; family is 4 or 6, addr in network byte order. */
struct config_addr {
	uint8_t family;
	uint8_t addr[16];
};

/* An address with prefix length (an interface address, or a route's destination). */
struct config_prefix {
	struct config_addr a;
	uint8_t len;
};

struct config_interface {
	char name[CONFIG_NAME_MAX];
	char port[CONFIG_PORT_NAME_MAX];
	enum config_role role;
	uint16_t mtu;
	unsigned int n_addresses;
	struct config_prefix addresses[CONFIG_ADDRS_MAX];
};

struct config_route {
	struct config_prefix destination; /* host bits zero */
	struct config_addr gateway;       /* same family, on a connected prefix */
	unsigned int interface;           /* index in config.interfaces of that prefix */
};

struct config_neighbor {
	struct config_addr address;
	uint8_t mac[6];
	unsigned int interface; /* index in config.interfaces */
};

struct config {
	char instance[CONFIG_NAME_MAX];
	bool diagnostics;
	unsigned int n_interfaces;
	struct config_interface interfaces[CONFIG_IFACES_MAX];
	unsigned int n_routes;
	struct config_route *routes; /* n_routes entries */
	unsigned int n_neighbors;
	struct config_neighbor *neighbors; /* n_neighbors entries */
};

/*
 * Load and validate a YAML file.  On success returns the config (free with
 * config_destroy()).  On failure returns NULL and prints every error (up to
 * CONFIG_ERRORS_MAX) to @p err as "FILE:LINE:COLUMN: key.path: what is wrong",
 * one per line, or one line when the file cannot be read or is not YAML.
 */
struct config *config_load_file(const char *path, FILE *err);

/* The same for a buffer; @p name stands for FILE in messages. */
struct config *config_load_buffer(const char *buf, size_t len, const char *name, FILE *err);

void config_destroy(struct config *cfg);

/* The embedded default configuration (config/demo.yaml) and its length. */
extern const char config_default_yaml[];
extern const size_t config_default_yaml_len;

/* Helpers shared by the loader and its users. */
const char *config_role_name(enum config_role role);
/* Format "192.0.2.2" or "2001:db8::1" into buf; returns buf. */
char *config_addr_format(const struct config_addr *a, char *buf, size_t len);

#endif
