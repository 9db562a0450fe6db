/* SPDX-License-Identifier: BSD-3-Clause */
/* config/config.h: the validated, immutable configuration of one gateway instance. */
#ifndef FASTIPSEC_CONFIG_H
#define FASTIPSEC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/alg.h"
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

enum config_direction {
	CONFIG_DIR_OUTBOUND = 0, /* protected -> unprotected: encrypt */
	CONFIG_DIR_INBOUND,      /* unprotected -> protected: decrypt */
};

enum config_mode {
	CONFIG_MODE_TUNNEL = 0,
	CONFIG_MODE_TRANSPORT,
};

/* Limits of a static SA; 0 means unlimited. */
struct config_lifetime {
	uint64_t soft_bytes;
	uint64_t hard_bytes;
	uint64_t soft_packets;
	uint64_t hard_packets;
};

/*
 * A manually keyed SA (RFC 4301 section 4.5).  local is always this
 * gateway's address and remote the peer's, whatever the direction.  The
 * key bytes are secret: config_destroy() wipes them.
 */
struct config_static_sa {
	char name[CONFIG_NAME_MAX];
	enum config_direction direction;
	uint32_t spi;            /* 256..0xffffffff */
	enum alg_proto protocol; /* ESP or AH */
	enum config_mode mode;
	struct config_addr local;  /* one of interfaces[interface].addresses */
	struct config_addr remote; /* same family, not ours */
	unsigned int interface;    /* index in config.interfaces of local */
	struct alg_proposal prop;
	uint8_t encryption_key[CONFIG_ENC_KEY_MAX];  /* key, then the salt if prop has one */
	uint8_t encryption_key_len;                  /* 0 for AH, ENCR_NULL */
	uint8_t integrity_key[CONFIG_INTEG_KEY_MAX]; /* key, then the salt for AH AES-GMAC */
	uint8_t integrity_key_len;                   /* 0 for combined-mode ESP */
	uint32_t replay_window; /* inbound: 0..REPLAY_WINDOW_MAX, 0 disables; outbound: 0 */
	bool esn;               /* 64-bit extended sequence numbers (RFC 4304) */
	/* UDP encapsulation (RFC 3948); the ports are as in this SA's packets on the wire. */
	bool encap;
	uint16_t encap_source_port;      /* outbound: ours; inbound: the peer's */
	uint16_t encap_destination_port; /* outbound: the peer's; inbound: ours */
	struct config_lifetime lifetime;
};

enum config_policy_action {
	CONFIG_POLICY_PROTECT = 0,
	CONFIG_POLICY_BYPASS,
	CONFIG_POLICY_DISCARD,
};

/* An inclusive port range; any is 0..65535. */
struct config_port_range {
	uint16_t first;
	uint16_t last;
};

/*
 * One SPD entry (RFC 4301 section 4.4.1): policies are ordered, the first
 * match wins, and what matches none is discarded.  Selectors are the inner
 * packet's, in both directions.
 */
struct config_policy {
	char name[CONFIG_NAME_MAX];
	enum config_direction direction;
	struct config_prefix source;                /* host bits zero */
	struct config_prefix destination;           /* host bits zero, same family */
	int protocol;                               /* -1 for any, else 0..255 */
	struct config_port_range source_ports;      /* 0..65535 unless tcp or udp */
	struct config_port_range destination_ports; /* 0..65535 unless tcp or udp */
	enum config_policy_action action;
	int sa; /* protect: index in config.static_sas, same direction; else -1 */
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
	unsigned int n_static_sas;
	struct config_static_sa *static_sas; /* n_static_sas entries */
	unsigned int n_policies;
	struct config_policy *policies; /* n_policies entries, in match order */
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

/* Free cfg, wiping the static SAs' keys first. */
void config_destroy(struct config *cfg);

/* The embedded default configuration (config/demo.yaml) and its length. */
extern const char config_default_yaml[];
extern const size_t config_default_yaml_len;

/* Helpers shared by the loader and its users. */
const char *config_role_name(enum config_role role);
const char *config_direction_name(enum config_direction dir);       /* "outbound", "inbound" */
const char *config_mode_name(enum config_mode mode);                /* "tunnel", "transport" */
const char *config_policy_action_name(enum config_policy_action a); /* "protect", ... */
/* Format "192.0.2.2" or "2001:db8::1" into buf; returns buf. */
char *config_addr_format(const struct config_addr *a, char *buf, size_t len);

#endif
