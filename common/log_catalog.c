/* SPDX-License-Identifier: BSD-3-Clause */
/* common/log_catalog.c: the log message catalog: the seed's VPN messages verbatim, then our own. */

#include "common/log_catalog.h"

/*
 * The seed's messages keep their exact text (without the trailing " [...]",
 * which is what details = true stands for).  diagnostics_only follows the
 * seed's note "This message is visible only when IPsec diagnostics are
 * enabled.", which covers every message of its row.
 */

#define SEED_N             (LOG_MSG__SEED_END - LOG_MSG_SA_TS_LOCAL)
#define OWN_N              (LOG_MSG__END - LOG_MSG_STARTED)
#define SEED_IDX(id)       (-LOG_MSG_SA_TS_LOCAL + (id))
#define OWN_IDX(id)        (SEED_N - LOG_MSG_STARTED + (id))
#define SEED(id, ...)      [SEED_IDX(id)] = { (id), __VA_ARGS__ }
#define DETAILS            true
#define NO_DETAILS         false
#define DIAG_ONLY          true
#define ALWAYS             false
#define OWN(id, ...)       [OWN_IDX(id)] = { (id), LOG_FAC_SYSTEM, __VA_ARGS__ }
#define OWN_IPSEC(id, ...) [OWN_IDX(id)] = { (id), LOG_FAC_IPSEC, __VA_ARGS__ }
#define OWN_IKE(id, ...)   [OWN_IDX(id)] = { (id), LOG_FAC_IKE, __VA_ARGS__ }
#define OWN_FLAGS          ALWAYS, true

static const struct log_catalog_entry catalog[SEED_N + OWN_N] = {
	SEED(LOG_MSG_SA_TS_LOCAL, LOG_FAC_IKE, LOG_SEV_INFO, "SA traffic selectors local:", DETAILS,
	    DIAG_ONLY, false,
	    "Traffic needs a tunnel that is not up yet; shows the local traffic selectors that "
	    "trigger it. The negotiation of that tunnel comes next."),
	SEED(LOG_MSG_IKE_SA_PROPOSAL, LOG_FAC_IKE, LOG_SEV_INFO, "IKE SA proposal", DETAILS,
	    DIAG_ONLY, false,
	    "The IKE SA proposal the initiator offered to the responder; logged by both sides."),
	SEED(LOG_MSG_MM_INIT_START, LOG_FAC_IKE, LOG_SEV_INFO,
	    "Starting IKE main mode initiator negotiation", NO_DETAILS, ALWAYS, false,
	    "This gateway opens an IKE main-mode exchange as initiator. Several in a row for one "
	    "connection are expected when it has more than one link."),
	SEED(LOG_MSG_MM_RESP_START, LOG_FAC_IKE, LOG_SEV_INFO,
	    "Starting IKE main mode responder negotiation", NO_DETAILS, ALWAYS, false,
	    "A peer opened an IKE main-mode exchange and this gateway answers as responder. Several "
	    "in a row for one connection are expected when it has more than one link."),
	SEED(LOG_MSG_P1_INIT_DONE, LOG_FAC_IKE, LOG_SEV_INFO, "IKE Phase-1 initiator done", DETAILS,
	    ALWAYS, false,
	    "Phase 1 completed with this gateway as initiator; Phase 2 starts next."),
	SEED(LOG_MSG_P1_RESP_DONE, LOG_FAC_IKE, LOG_SEV_INFO, "IKE Phase-1 responder done", DETAILS,
	    ALWAYS, false,
	    "Phase 1 completed with this gateway as responder; Phase 2 starts next."),
	SEED(LOG_MSG_P2_INIT_DONE, LOG_FAC_IKE, LOG_SEV_INFO, "IKE Phase-2 initiator done", DETAILS,
	    ALWAYS, false,
	    "Phase 2 completed with this gateway as initiator: the tunnel is up and ESP or AH "
	    "records for it should follow."),
	SEED(LOG_MSG_P2_RESP_DONE, LOG_FAC_IKE, LOG_SEV_INFO, "IKE Phase-2 responder done", DETAILS,
	    ALWAYS, false,
	    "Phase 2 completed with this gateway as responder: the tunnel is up and ESP or AH "
	    "records for it should follow."),
	SEED(LOG_MSG_HYBRID_START, LOG_FAC_IKE, LOG_SEV_INFO, "Starting Hybrid Authentication",
	    NO_DETAILS, ALWAYS, false,
	    "A VPN client user begins hybrid authentication (gateway certificate, user "
	    "credentials)."),
	SEED(LOG_MSG_HYBRID_DONE, LOG_FAC_IKE, LOG_SEV_INFO, "Hybrid Authentication Done",
	    NO_DETAILS, ALWAYS, false, "The VPN client user passed hybrid authentication."),
	SEED(LOG_MSG_IKE_SA_IMPORT, LOG_FAC_CLUSTER, LOG_SEV_INFO, "IKE SA import succeeded",
	    NO_DETAILS, DIAG_ONLY, false,
	    "Phase-1 (IKE SA) state sent by another cluster node was installed on this node."),
	SEED(LOG_MSG_IPSEC_SA_IMPORT, LOG_FAC_CLUSTER, LOG_SEV_INFO, "IPsec SA import succeeded",
	    NO_DETAILS, DIAG_ONLY, false,
	    "Phase-2 (IPsec SA) state sent by another cluster node was installed on this node."),
	SEED(LOG_MSG_ESP, LOG_FAC_IPSEC, LOG_SEV_INFO, "ESP", DETAILS, ALWAYS, false,
	    "ESP-protected traffic is using a tunnel. There are more of these with IPsec "
	    "diagnostics on."),
	SEED(LOG_MSG_AH, LOG_FAC_IPSEC, LOG_SEV_INFO, "AH", DETAILS, ALWAYS, false,
	    "AH-protected traffic is using a tunnel. There are more of these with IPsec "
	    "diagnostics on."),
	SEED(LOG_MSG_UNKNOWN_COOKIE, LOG_FAC_IKE, LOG_SEV_INFO, "Unknown IKE cookie", NO_DETAILS,
	    DIAG_ONLY, false,
	    "The peer named an IKE SA that this node does not hold. In a cluster that is expected "
	    "when another node negotiated it; the node then asks the others for it and the "
	    "connection goes on. It also happens after the SA was removed, e.g. by expiry or dead "
	    "peer detection."),
	SEED(LOG_MSG_DELETE_SENT, LOG_FAC_IKE, LOG_SEV_INFO, "Sending delete notification", DETAILS,
	    DIAG_ONLY, false,
	    "This gateway tells the peer that it removed the SAs named in the message, so that the "
	    "peer removes them as well and can negotiate again if the tunnel is still needed."),
	SEED(LOG_MSG_DELETE_RECEIVED, LOG_FAC_IKE, LOG_SEV_INFO, "Delete notification received",
	    DETAILS, DIAG_ONLY, false,
	    "The peer says that it removed the SAs named in the message; this gateway removes them "
	    "as well and negotiates again if the tunnel is still needed."),
	SEED(LOG_MSG_DELETE_SYNC_SENT, LOG_FAC_CLUSTER, LOG_SEV_INFO, "Sending IKE SA delete sync",
	    NO_DETAILS, DIAG_ONLY, false,
	    "This node tells the other cluster nodes that an IKE SA is gone."),
	SEED(LOG_MSG_DELETE_SYNC_RECEIVED, LOG_FAC_CLUSTER, LOG_SEV_INFO,
	    "Receiving IKE SA expire/delete sync", NO_DETAILS, DIAG_ONLY, false,
	    "Another cluster node reports that an IKE SA expired or was deleted."),
	SEED(LOG_MSG_INITIAL_CONTACT, LOG_FAC_IKE, LOG_SEV_INFO,
	    "Initial contact notification received", NO_DETAILS, ALWAYS, false,
	    "The peer sent INITIAL-CONTACT: it knows of no earlier negotiation with us, e.g. "
	    "because it restarted. Older SAs with it are deleted; SAs negotiated just now are "
	    "kept."),

	OWN(LOG_MSG_STARTED, LOG_SEV_NOTICE, "fastipsec started", DETAILS, OWN_FLAGS,
	    "The appliance finished start-up and forwards traffic (version, instance, workers)."),
	OWN(LOG_MSG_STOPPING, LOG_SEV_NOTICE, "fastipsec stopping", DETAILS, OWN_FLAGS,
	    "The appliance was asked to stop (signal or command) and is shutting down."),
	OWN(LOG_MSG_STOPPED, LOG_SEV_NOTICE, "fastipsec stopped", DETAILS, OWN_FLAGS,
	    "The appliance stopped; the last record before exit."),
	OWN(LOG_MSG_CONFIG_ERROR, LOG_SEV_ERR, "Configuration error", DETAILS, OWN_FLAGS,
	    "The configuration was rejected (file, line, column, key path and reason)."),
	OWN(LOG_MSG_DIAG_ON, LOG_SEV_NOTICE, "IPsec diagnostics enabled", DETAILS, OWN_FLAGS,
	    "Diagnostics-only messages are logged from now on (by config or telemetry)."),
	OWN(LOG_MSG_DIAG_OFF, LOG_SEV_NOTICE, "IPsec diagnostics disabled", DETAILS, OWN_FLAGS,
	    "Diagnostics-only messages are no longer logged."),
	OWN(LOG_MSG_PORT_UP, LOG_SEV_INFO, "Port started", DETAILS, OWN_FLAGS,
	    "A DPDK port was configured and started (port, name, MAC address, queues)."),
	OWN(LOG_MSG_PORT_LINK, LOG_SEV_NOTICE, "Port link changed", DETAILS, OWN_FLAGS,
	    "A port's link went up or down (port, state, speed)."),
	OWN(LOG_MSG_WORKER_START, LOG_SEV_INFO, "Worker started", DETAILS, OWN_FLAGS,
	    "A worker lcore entered its forwarding loop (lcore, queues it polls)."),
	OWN_IPSEC(LOG_MSG_SA_SOFT, LOG_SEV_WARN, "IPsec SA soft lifetime reached", DETAILS,
	    OWN_FLAGS,
	    "An SA carried as many packets or bytes as its soft lifetime allows (RFC 4301 "
	    "4.4.2.1). Traffic goes on; a negotiated SA is rekeyed now, a static SA has nothing "
	    "to renew it and stops at its hard lifetime."),
	OWN_IPSEC(LOG_MSG_SA_HARD, LOG_SEV_ERR, "IPsec SA hard lifetime reached", DETAILS,
	    OWN_FLAGS,
	    "An SA reached its hard lifetime in packets or bytes and was stopped: its packets are "
	    "dropped (sa_expired) until it is replaced."),
	OWN_IPSEC(LOG_MSG_SA_SEQ_EXHAUSTED, LOG_SEV_ERR, "IPsec SA sequence number exhausted",
	    DETAILS, OWN_FLAGS,
	    "An outbound SA sent its last sequence number (2^32 - 1 without ESN, RFC 4303 3.3.3) "
	    "and was stopped: its packets are dropped (seq_exhausted) until it is replaced."),
	OWN_IKE(LOG_MSG_IKEV2_INIT_START, LOG_SEV_INFO, "Starting IKEv2 initiator negotiation",
	    NO_DETAILS, OWN_FLAGS,
	    "This gateway opens an IKEv2 exchange (IKE_SA_INIT) as initiator: the IKEv2 "
	    "counterpart of the seed's main-mode message, which IKEv2 has no mode for."),
	OWN_IKE(LOG_MSG_IKEV2_RESP_START, LOG_SEV_INFO, "Starting IKEv2 responder negotiation",
	    NO_DETAILS, OWN_FLAGS,
	    "A peer opened an IKEv2 exchange (IKE_SA_INIT) and this gateway answers as "
	    "responder: the IKEv2 counterpart of the seed's main-mode message."),
	OWN_IPSEC(LOG_MSG_SA_UNKNOWN_SPI, LOG_SEV_WARN, "IPsec packet for an unknown SPI", DETAILS,
	    OWN_FLAGS,
	    "An ESP or AH packet to this gateway named an SPI that no SA has (RFC 4303 3.4.2, "
	    "RFC 4302 3.4.3: an auditable event) and was dropped (no_sa): a peer still using an "
	    "SA that was deleted, or traffic that was never negotiated. At most one record a "
	    "second per worker; dropped= counts that worker's such packets since its previous "
	    "record."),
};

const struct log_catalog_entry *
log_catalog_get(enum log_msg_id id)
{
	if (id >= LOG_MSG_SA_TS_LOCAL && id < LOG_MSG__SEED_END)
		return &catalog[SEED_IDX(id)];
	if (id >= LOG_MSG_STARTED && id < LOG_MSG__END)
		return &catalog[OWN_IDX(id)];
	return NULL;
}

size_t
log_catalog_count(void)
{
	return sizeof(catalog) / sizeof(catalog[0]);
}

const struct log_catalog_entry *
log_catalog_at(size_t i)
{
	return i < log_catalog_count() ? &catalog[i] : NULL;
}

const char *
log_facility_name(enum log_facility fac)
{
	switch (fac) {
	case LOG_FAC_IPSEC:
		return "IPsec";
	case LOG_FAC_IKE:
		return "IKE";
	case LOG_FAC_SYSTEM:
		return "System";
	case LOG_FAC_CLUSTER:
		return "Cluster";
	case LOG_FAC__MAX:
	default:
		return "unknown";
	}
}

const char *
log_severity_name(enum log_severity sev)
{
	switch (sev) {
	case LOG_SEV_ERR:
		return "err";
	case LOG_SEV_WARN:
		return "warning";
	case LOG_SEV_NOTICE:
		return "notice";
	case LOG_SEV_INFO:
		return "info";
	case LOG_SEV_DEBUG:
		return "debug";
	default:
		return "unknown";
	}
}
