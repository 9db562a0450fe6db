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
	int sa; /* protect with a static SA: index in config.static_sas, same direction; else -1 */
	/*
	 * protect with an IKE-negotiated SA: index in config.children (the flat
	 * list of every connection's children), else -1.  Policies made from a
	 * child's traffic selectors follow the `policies:` entries (config_conn.c):
	 * named "<connection>/<child>/out/N" and ".../in/N", sa -1.
	 */
	int child;
};

/* ---- IKE: connections and secrets (swanctl.conf's names, in YAML) ---- */

/*
 * An IKE proposal in strongSwan keyword form ("aes128-sha256-modp2048",
 * "aes256gcm16-prfsha384-ecp384"), as IKEv2 transform ids (the numbers
 * of slowpath/ike/ike_crypto.h; IKEv1 uses the same groups and maps its
 * attributes from these).  With an integrity keyword and no prf keyword,
 * the PRF is the integrity's hash, as strongSwan does.
 */
struct config_ike_proposal {
	uint16_t encr;                       /* 12 AES-CBC, 20 AES-GCM-16 */
	uint16_t encr_bits;                  /* 128, 192 or 256 */
	uint16_t integ;                      /* 2, 12, 13, 14; 0 with GCM */
	uint16_t prf;                        /* 2, 5, 6, 7 */
	uint16_t dh;                         /* group: 14, 15, 16, 19, 20, 21, 31, 32 */
	char name[CONFIG_PROPOSAL_NAME_MAX]; /* canonical keyword */
};

/*
 * An ESP proposal of a child: its algorithms and, for PFS, a DH group.
 * Extended sequence numbers (RFC 4304) as strongSwan: without an "esn" or
 * "noesn" keyword only noesn is offered; "esn" alone offers only ESN; both
 * offer either.
 */
struct config_esp_proposal {
	struct alg_proposal alg;
	uint16_t dh; /* 0: no PFS */
	bool esn;    /* offer ESN */
	bool noesn;  /* offer 32-bit sequence numbers */
	char name[CONFIG_PROPOSAL_NAME_MAX];
};

/* A traffic selector, swanctl syntax: "198.51.100.0/24", "192.0.2.7[udp/500]", "dynamic". */
struct config_ts {
	bool dynamic;             /* "dynamic": the IKE SA's own address on that side */
	struct config_prefix net; /* host bits zero; unused when dynamic */
	int protocol;             /* -1 any, else 0..255 */
	struct config_port_range ports;
};

enum config_auth {
	CONFIG_AUTH_PSK = 0,
	CONFIG_AUTH_PUBKEY, /* RSA or ECDSA signatures with X.509 certificates */
};

/* Identity types (RFC 7296 §3.5; IKEv1 RFC 2407 §4.6.2.1 has the same meanings). */
enum config_id_type {
	CONFIG_ID_IPV4 = 1,
	CONFIG_ID_FQDN = 2,
	CONFIG_ID_RFC822 = 3,
	CONFIG_ID_IPV6 = 5,
	CONFIG_ID_DN = 9,
	CONFIG_ID_ANY = 255, /* remote id "%any" */
};

/* local: or remote: of a connection. */
struct config_ike_auth {
	enum config_auth auth;
	enum config_id_type id_type;
	char id[CONFIG_ID_MAX]; /* as written ("@" of "@fqdn" dropped); "" = the IKE address */
	uint8_t id_addr[16];    /* CONFIG_ID_IPV4/IPV6: the address */
	unsigned int n_certs;   /* local pubkey: own certificate first, then intermediates */
	char certs[CONFIG_CERTS_MAX][CONFIG_PATH_MAX];
	char key[CONFIG_PATH_MAX]; /* local pubkey: the private key file (PEM) */
	unsigned int n_cacerts;    /* remote pubkey: trust anchors */
	char cacerts[CONFIG_CERTS_MAX][CONFIG_PATH_MAX];
	unsigned int n_crls; /* remote pubkey: CRL files */
	char crls[CONFIG_CERTS_MAX][CONFIG_PATH_MAX];
};

enum config_start_action {
	CONFIG_START_NONE = 0, /* wait for the peer */
	CONFIG_START_TRAP,     /* install the policies; the first packet starts the negotiation */
	CONFIG_START_START,    /* initiate at start-up */
};

/* A child (IPsec SA pair) of a connection. */
struct config_child {
	char name[CONFIG_NAME_MAX];
	unsigned int connection; /* index in config.connections */
	unsigned int n_local_ts;
	struct config_ts local_ts[CONFIG_TS_MAX];
	unsigned int n_remote_ts;
	struct config_ts remote_ts[CONFIG_TS_MAX];
	unsigned int n_esp_proposals;
	struct config_esp_proposal esp_proposals[CONFIG_PROPOSALS_MAX];
	enum config_mode mode;
	enum config_start_action start_action;
	uint32_t rekey_time;  /* s; 0: no rekey (swanctl default 1h) */
	uint32_t life_time;   /* s; hard expiry (default rekey_time * 110 %) */
	uint32_t rand_time;   /* s; rekey jitter (default life_time - rekey_time) */
	uint64_t rekey_bytes; /* 0: none */
	uint64_t life_bytes;
	uint64_t rekey_packets;
	uint64_t life_packets;
	uint32_t replay_window; /* default CONFIG_REPLAY_WINDOW_DEFAULT */
	uint8_t dpd_action;     /* enum config_dpd_action */
};

enum config_dpd_action {
	CONFIG_DPD_CLEAR = 0,
	CONFIG_DPD_TRAP,
	CONFIG_DPD_RESTART,
};

enum config_fragmentation {
	CONFIG_FRAG_YES = 0, /* swanctl default: use when the peer supports it */
	CONFIG_FRAG_ACCEPT,
	CONFIG_FRAG_FORCE,
	CONFIG_FRAG_NO,
};

struct config_connection {
	char name[CONFIG_NAME_MAX];
	uint8_t version; /* 1 or 2; 0 in the file means either: 2 when we initiate */
	unsigned int n_local_addrs;
	struct config_addr local_addrs[CONFIG_CONN_ADDRS_MAX]; /* each an interface address */
	unsigned int n_remote_addrs;                           /* 0: %any (responder only) */
	struct config_addr remote_addrs[CONFIG_CONN_ADDRS_MAX];
	uint16_t local_port;  /* default 500 */
	uint16_t remote_port; /* default 500 */
	unsigned int n_proposals;
	struct config_ike_proposal proposals[CONFIG_PROPOSALS_MAX];
	struct config_ike_auth local;
	struct config_ike_auth remote;
	bool aggressive;   /* IKEv1 aggressive mode allowed */
	bool encap;        /* force UDP encapsulation (fake NAT-D) */
	bool send_certreq; /* default true */
	enum config_fragmentation fragmentation;
	/* IKEv2: RFC 7427 signatures (SIGNATURE_HASH_ALGORITHMS), default true */
	bool signature_authentication;
	uint32_t dpd_delay;   /* s; 0 disables */
	uint32_t dpd_timeout; /* s; IKEv1 only (default 150) */
	uint32_t rekey_time;  /* s; IKE SA rekey (IKEv1: reauthentication), default 4h */
	uint32_t reauth_time; /* s; 0 none */
	uint32_t over_time;   /* s; hard expiry after rekey_time (default 10 % of it) */
	uint32_t rand_time;   /* s; jitter (default over_time) */
	unsigned int
	    first_child; /* children of this connection: config.children[first_child ...] */
	unsigned int n_children;
};

enum config_secret_type {
	CONFIG_SECRET_IKE = 0, /* a pre-shared key */
};

/*
 * A secret and the identities it is for (either end of an IKE SA: strongSwan
 * picks a secret whose ids name the local or the remote identity).  The ids
 * are typed as struct config_ike_auth's id ("@" of "@fqdn" dropped).
 */
struct config_secret {
	enum config_secret_type type;
	unsigned int n_ids; /* 0: any peer */
	char ids[CONFIG_SECRET_IDS_MAX][CONFIG_ID_MAX];
	enum config_id_type id_types[CONFIG_SECRET_IDS_MAX]; /* CONFIG_ID_ANY for "%any" */
	uint8_t id_addrs[CONFIG_SECRET_IDS_MAX][16];         /* CONFIG_ID_IPV4/IPV6 */
	uint8_t secret[CONFIG_SECRET_MAX]; /* bytes: "0x..." hex, "0s..." base64, else the text */
	size_t secret_len;
};

/* Global IKE settings (ike: in the file). */
struct config_ike {
	uint32_t half_open_max;        /* half-open IKE SAs in all (default 1000) */
	uint32_t half_open_per_source; /* per source address (default 20) */
	uint32_t half_open_timeout;    /* s (default 30) */
	uint32_t cookie_threshold;     /* IKEv2: cookies above this many half-open (default 100) */
	uint32_t retransmit_timeout;   /* ms, first retransmission (default 4000) */
	uint32_t retransmit_tries;     /* default 5 */
	double retransmit_base;        /* backoff factor (default 1.8) */
	uint32_t fragment_size;        /* IKE fragments: bytes of the IP packet (default 1280) */
};

struct config {
	char instance[CONFIG_NAME_MAX];
	bool diagnostics;
	uint32_t
	    mbufs; /* packet buffers in the pool; 0: sized from the ports, workers and queues */
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
	struct config_ike ike;
	unsigned int n_connections;
	struct config_connection *connections; /* n_connections entries */
	unsigned int n_children;
	struct config_child *children; /* every connection's, in order */
	unsigned int n_secrets;
	struct config_secret *secrets; /* n_secrets entries */
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

/* Free cfg, wiping the static SAs' keys and the secrets first. */
void config_destroy(struct config *cfg);

/* The embedded default configuration (config/demo.yaml) and its length. */
extern const char config_default_yaml[];
extern const size_t config_default_yaml_len;

/* Helpers shared by the loader and its users. */
const char *config_role_name(enum config_role role);
const char *config_direction_name(enum config_direction dir);       /* "outbound", "inbound" */
const char *config_mode_name(enum config_mode mode);                /* "tunnel", "transport" */
const char *config_policy_action_name(enum config_policy_action a); /* "protect", ... */
/*
 * How well secret @p s fits the identity (type, id, addr: as in struct
 * config_ike_auth, addr for CONFIG_ID_IPV4/IPV6 only): 2 an id names it
 * (FQDN and RFC822 ignoring case), 1 as a wildcard (no ids, or "%any"),
 * 0 not.  strongSwan takes the secret that fits one end best.
 */
int config_secret_match(const struct config_secret *s, enum config_id_type type, const char *id,
    const uint8_t *addr);
/* Format "192.0.2.2" or "2001:db8::1" into buf; returns buf. */
char *config_addr_format(const struct config_addr *a, char *buf, size_t len);

#endif
