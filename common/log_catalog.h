/* SPDX-License-Identifier: BSD-3-Clause */
/* common/log_catalog.h: the catalog of log messages (the seed's VPN messages and the project's own). */
#ifndef FASTIPSEC_LOG_CATALOG_H
#define FASTIPSEC_LOG_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

enum log_facility {
	LOG_FAC_IPSEC = 0,
	LOG_FAC_IKE,
	LOG_FAC_SYSTEM,
	LOG_FAC_CLUSTER,
	LOG_FAC__MAX,
};

/* syslog(3) numbering */
enum log_severity {
	LOG_SEV_ERR = 3,
	LOG_SEV_WARN = 4,
	LOG_SEV_NOTICE = 5,
	LOG_SEV_INFO = 6,
	LOG_SEV_DEBUG = 7,
};

/*
 * Message ids are stable: they are stored in the ring and printed by
 * fastipsec-log.  1..99 are the seed's messages in the seed's order,
 * 100 and up the project's own.  0 is a free-text record.
 */
enum log_msg_id {
	LOG_MSG_TEXT = 0,
	LOG_MSG_SA_TS_LOCAL = 1,      /* SA traffic selectors local: [...] */
	LOG_MSG_IKE_SA_PROPOSAL,      /* IKE SA proposal [...] */
	LOG_MSG_MM_INIT_START,        /* Starting IKE main mode initiator negotiation */
	LOG_MSG_MM_RESP_START,        /* Starting IKE main mode responder negotiation */
	LOG_MSG_P1_INIT_DONE,         /* IKE Phase-1 initiator done [...] */
	LOG_MSG_P1_RESP_DONE,         /* IKE Phase-1 responder done [...] */
	LOG_MSG_P2_INIT_DONE,         /* IKE Phase-2 initiator done [...] */
	LOG_MSG_P2_RESP_DONE,         /* IKE Phase-2 responder done [...] */
	LOG_MSG_HYBRID_START,         /* Starting Hybrid Authentication */
	LOG_MSG_HYBRID_DONE,          /* Hybrid Authentication Done */
	LOG_MSG_IKE_SA_IMPORT,        /* IKE SA import succeeded */
	LOG_MSG_IPSEC_SA_IMPORT,      /* IPsec SA import succeeded */
	LOG_MSG_ESP,                  /* ESP [...] */
	LOG_MSG_AH,                   /* AH [...] */
	LOG_MSG_UNKNOWN_COOKIE,       /* Unknown IKE cookie */
	LOG_MSG_DELETE_SENT,          /* Sending delete notification [...] */
	LOG_MSG_DELETE_RECEIVED,      /* Delete notification received [...] */
	LOG_MSG_DELETE_SYNC_SENT,     /* Sending IKE SA delete sync */
	LOG_MSG_DELETE_SYNC_RECEIVED, /* Receiving IKE SA expire/delete sync */
	LOG_MSG_INITIAL_CONTACT,      /* Initial contact notification received */
	LOG_MSG__SEED_END,

	LOG_MSG_STARTED = 100,    /* fastipsec started [...] */
	LOG_MSG_STOPPING,         /* fastipsec stopping [...] */
	LOG_MSG_STOPPED,          /* fastipsec stopped [...] */
	LOG_MSG_CONFIG_ERROR,     /* Configuration error [...] */
	LOG_MSG_DIAG_ON,          /* IPsec diagnostics enabled [...] */
	LOG_MSG_DIAG_OFF,         /* IPsec diagnostics disabled [...] */
	LOG_MSG_PORT_UP,          /* Port started [...] */
	LOG_MSG_PORT_LINK,        /* Port link changed [...] */
	LOG_MSG_WORKER_START,     /* Worker started [...] */
	LOG_MSG_SA_SOFT,          /* IPsec SA soft lifetime reached [...] */
	LOG_MSG_SA_HARD,          /* IPsec SA hard lifetime reached [...] */
	LOG_MSG_SA_SEQ_EXHAUSTED, /* IPsec SA sequence number exhausted [...] */
	LOG_MSG_IKEV2_INIT_START, /* Starting IKEv2 initiator negotiation (IKE_SA_INIT) */
	LOG_MSG_IKEV2_RESP_START, /* Starting IKEv2 responder negotiation (IKE_SA_INIT) */
	LOG_MSG_SA_UNKNOWN_SPI,   /* IPsec packet for an unknown SPI [...] */
	LOG_MSG__END,
};

/** One catalog entry. */
struct log_catalog_entry {
	enum log_msg_id id;
	enum log_facility facility;
	enum log_severity severity;
	const char *text;      /**< verbatim message text (without the seed's "[...]") */
	bool details;          /**< the seed shows "[...]": the record carries key=value details */
	bool diagnostics_only; /**< visible only when IPsec diagnostics are enabled */
	bool own;              /**< the project's own message, not from the seed */
	const char *description; /**< what it means, for --catalog and the README */
};

/** Entry for @p id, or NULL when @p id is not in the catalog. */
const struct log_catalog_entry *log_catalog_get(enum log_msg_id id);

/** Number of entries, and entry @p i (0 <= i < count) in catalog order. */
size_t log_catalog_count(void);
const struct log_catalog_entry *log_catalog_at(size_t i);

const char *log_facility_name(enum log_facility fac); /* "IPsec", "IKE", "System", "Cluster" */
const char *log_severity_name(enum log_severity sev); /* "err", "warning", ... */

#endif
