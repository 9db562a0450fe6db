/* SPDX-License-Identifier: BSD-3-Clause */
/* common/log.h: the one logging API of fastipsec, writing to the shared-memory log ring. */
#ifndef FASTIPSEC_LOG_H
#define FASTIPSEC_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "log_catalog.h"

/**
 * Correlation fields of a record.  Zero means "not set" for every member;
 * peer_family is 0 (none), 4 or 6.
 */
struct log_corr {
	uint64_t ike_spi_i; /**< IKEv1 initiator cookie / IKEv2 initiator SPI */
	uint64_t ike_spi_r; /**< IKEv1 responder cookie / IKEv2 responder SPI */
	uint32_t ipsec_spi; /**< ESP/AH SPI */
	uint8_t peer_family;
	uint8_t peer[16]; /**< network byte order; 4 bytes used for IPv4 */
};

/**
 * Open the process-wide log: create (or recreate) the ring
 * /dev/shm/fastipsec-<instance>.log with @p slots records.
 * Returns 0 or -errno.  Until it is called, and after log_close(),
 * records go to stderr only.
 */
int log_open(const char *instance, uint32_t slots);

/**
 * Unmap the ring; the shared-memory object stays for readers.  Call it (and
 * log_open()) only while no other thread logs: a record being appended to
 * the unmapped ring would fault.
 */
void log_close(void);

/**
 * Set the lcore number recorded by this thread (thread-local).
 * Threads that never call it are recorded as LOG_LCORE_NONE.
 */
#define LOG_LCORE_NONE 0xffff
void log_set_lcore(unsigned int lcore);

/** Also print this thread's records on stderr (thread-local; main thread only). */
void log_set_stderr(bool on);

/** IPsec diagnostics: diagnostics-only catalog messages are emitted only while on. */
void log_set_diagnostics(bool on);
bool log_diagnostics(void);

/**
 * Emit catalog message @p id.  @p details (printf format, may be NULL) is
 * appended to the catalog text as "key=value" pairs, in place of the
 * seed's "[...]".  Suppressed when the message is diagnostics-only and
 * diagnostics are off.  Never blocks.
 */
void log_event(enum log_msg_id id, const struct log_corr *corr, const char *details, ...)
    __attribute__((format(printf, 3, 4)));

/** Free-text record (the project's own lines; debug lines start with __func__). */
void log_text(enum log_facility fac, enum log_severity sev, const struct log_corr *corr,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#define log_err(fac, ...)   log_text((fac), LOG_SEV_ERR, NULL, __VA_ARGS__)
#define log_warn(fac, ...)  log_text((fac), LOG_SEV_WARN, NULL, __VA_ARGS__)
#define log_info(fac, ...)  log_text((fac), LOG_SEV_INFO, NULL, __VA_ARGS__)
#define log_debug(fac, ...) log_text((fac), LOG_SEV_DEBUG, NULL, __VA_ARGS__)

/** Records lost in this process because the ring was busy (never waited on). */
uint64_t log_dropped(void);

/*
 * Record formatting, shared by the stderr copy of log.c and fastipsec-log.
 * struct log_record is defined in common/log_ring.h.
 */
struct log_record;

#define LOG_LINE_MAX 2048 /**< a formatted record line, with the NUL */

/**
 * Format @p rec as one line without a newline:
 * "2026-12-01T06:30:00.123456Z seq=42 lcore=1 IKE info [id 5] <text> ike_spi_i=...
 * ike_spi_r=... ipsec_spi=0x... peer=192.0.2.1" (correlation fields only where
 * set; "lcore=-" when none, "seq=-" for a record that never reached the ring;
 * control characters in the text as \xNN).  Returns the length written.
 */
size_t log_record_format(const struct log_record *rec, char *buf, size_t len);

/** The peer address of @p c as text into @p buf, or NULL when it has none. */
const char *log_peer_format(const struct log_corr *c, char *buf, size_t len);

/** RFC 3339 UTC time "YYYY-MM-DDTHH:MM:SS.fZ" with @p digits (0..9) fraction digits. */
size_t log_time_format(uint64_t ns, unsigned int digits, char *buf, size_t len);

#endif
