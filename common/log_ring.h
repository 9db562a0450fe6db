/* SPDX-License-Identifier: BSD-3-Clause */
/* common/log_ring.h: the shared-memory log ring, many lock-free writers and read-only readers. */
#ifndef FASTIPSEC_LOG_RING_H
#define FASTIPSEC_LOG_RING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/limits.h"
#include "common/log.h"

/*
 * The ring lives in the POSIX shared-memory object "/fastipsec-<instance>.log"
 * (the file /dev/shm/fastipsec-<instance>.log).  The appliance creates it at
 * start, replacing any older one atomically (a new file is filled in and
 * renamed over the old one, so a reader never sees a half-made header), and
 * leaves it in place when it exits or crashes so that the last records can
 * still be read.
 *
 * Writers claim a ticket (the record's sequence number, starting at 1) with
 * one fetch-and-add and own slot (ticket % slot_count) for the time of one
 * copy.  A writer never waits: when its slot is still being written by a
 * writer a whole lap behind, or already holds a newer ticket, it drops its
 * record, counts it in the header, and marks the ticket abandoned in the slot.
 * Readers map the ring read-only and copy a slot seqlock-style: the slot's
 * seq word before and after the copy must both say "ticket t, complete".
 * Every ticket is therefore either read whole or reported lost, never torn.
 *
 * Threading: log_ring_append() may be called from any number of threads and
 * processes at once; it never blocks, allocates or makes a system call.
 * The other functions are for set-up, readers and tests.
 */

#define LOG_RING_SHM_DIR    "/dev/shm"
#define LOG_RING_NAME_MAX   64 /* instance names, with the NUL */
#define LOG_RING_PATH_MAX   (sizeof(LOG_RING_SHM_DIR "/fastipsec-.log") + LOG_RING_NAME_MAX)
#define LOG_RING_MAGIC      0x474f4c4353504946ull /* "FIPSCLOG" little-endian */
#define LOG_RING_VERSION    1
#define LOG_RING_HDR_SIZE   512 /* slots start here; a multiple of the cache line */
#define LOG_RECORD_HDR_SIZE 72  /* struct log_record up to text[] */
#define LOG_RECORD_SIZE     (LOG_SLOT_SIZE - 16)
#define LOG_RECORD_TEXT_MAX (LOG_RECORD_SIZE - LOG_RECORD_HDR_SIZE) /* with the NUL */

/** Record flags. */
#define LOG_RECORD_DIAG 0x01 /**< a diagnostics-only catalog message */

/**
 * One log record, as stored in a slot and as returned to readers.
 * The layout is part of the ring's layout version.
 */
struct log_record {
	uint64_t seq;     /**< ticket, set by log_ring_append() */
	uint64_t time_ns; /**< CLOCK_REALTIME, ns since the epoch */
	uint16_t lcore;   /**< LOG_LCORE_NONE when not set */
	uint16_t msg_id;  /**< enum log_msg_id */
	uint8_t severity; /**< enum log_severity */
	uint8_t facility; /**< enum log_facility */
	uint8_t flags;    /**< LOG_RECORD_* */
	uint8_t reserved0;
	uint16_t text_len; /**< bytes in text[], without the NUL; set by log_ring_append() */
	uint16_t reserved1[3];
	struct log_corr corr;
	char text[LOG_RECORD_TEXT_MAX]; /**< NUL-terminated, truncated to fit */
};

/** The shared-memory header (layout version LOG_RING_VERSION). */
struct log_ring_hdr {
	uint64_t magic; /**< LOG_RING_MAGIC, written last */
	uint32_t version;
	uint32_t hdr_size; /**< offset of slot 0 */
	uint32_t slot_size;
	uint32_t slot_count; /**< a power of two */
	int32_t creator_pid;
	uint32_t reserved0;
	uint64_t start_ns; /**< CLOCK_REALTIME when the ring was created */
	char instance[LOG_RING_NAME_MAX];
	_Alignas(64) _Atomic uint64_t claim; /**< next ticket to hand out; starts at 1 */
	_Atomic uint64_t overwritten;        /**< complete records replaced by newer ones */
	_Atomic uint64_t dropped;            /**< records given up because their slot was busy */
};

/** One slot: its state word, the abandoned-ticket mark, and a record copied word by word. */
struct log_ring_slot {
	_Atomic uint64_t seq;       /**< (ticket << 1) | busy; 0 when never written */
	_Atomic uint64_t abandoned; /**< highest ticket dropped for this slot */
	uint64_t body[LOG_RECORD_SIZE / 8];
};

_Static_assert(sizeof(struct log_record) == LOG_RECORD_SIZE, "log_record size");
_Static_assert(offsetof(struct log_record, text) == LOG_RECORD_HDR_SIZE, "log_record layout");
_Static_assert(sizeof(struct log_ring_slot) == LOG_SLOT_SIZE, "log_ring_slot size");
_Static_assert(sizeof(struct log_ring_hdr) <= LOG_RING_HDR_SIZE, "log_ring_hdr size");

/** Opaque handle of a mapped ring (writer or reader). */
struct log_ring;

/** What log_ring_read() found for a ticket. */
enum log_ring_status {
	LOG_RING_OK = 0,      /**< the record was copied out whole */
	LOG_RING_LOST,        /**< overwritten, or dropped by its writer: it will never be read */
	LOG_RING_IN_PROGRESS, /**< claimed, but its writer has not finished (or died) */
	LOG_RING_NOT_YET,     /**< not claimed yet */
};

/** Header values, read with relaxed loads. */
struct log_ring_info {
	uint32_t version;
	uint32_t slot_size;
	uint32_t slot_count;
	int32_t creator_pid;
	uint64_t start_ns;
	uint64_t claim;
	uint64_t overwritten;
	uint64_t dropped;
	char instance[LOG_RING_NAME_MAX];
};

/**
 * A reader's position.  Keep calling log_ring_cursor_next(); it hands out
 * every ticket exactly once, as a record or as a lost count.
 */
struct log_ring_cursor {
	uint64_t next;        /**< next ticket to read */
	uint64_t stall_ns;    /**< how long an in-progress ticket is waited for */
	uint64_t stall_since; /**< CLOCK_MONOTONIC ns when next was first seen in progress */
};

/**
 * Write the file name of @p instance's ring into @p buf.
 * Returns 0, or -EINVAL for a bad instance name ([A-Za-z0-9_.-], not
 * starting with '.', shorter than LOG_RING_NAME_MAX), or -ENAMETOOLONG.
 */
int log_ring_path(const char *instance, char *buf, size_t len);

/**
 * Create (or recreate) @p instance's ring with @p slots slots (a power of
 * two in LOG_RING_SLOTS_MIN..LOG_RING_SLOTS_MAX) and map it read-write.
 * Returns NULL with errno set on failure.
 */
struct log_ring *log_ring_create(const char *instance, uint32_t slots);

/** Unmap a ring from log_ring_create(); the shared-memory object stays. */
void log_ring_destroy(struct log_ring *r);

/**
 * Append @p rec (its seq and text_len are set here; text is truncated to
 * LOG_RECORD_TEXT_MAX - 1 bytes).  Returns 0, or -EBUSY when the record
 * was dropped (counted in the header).  Never waits.
 */
int log_ring_append(struct log_ring *r, struct log_record *rec);

/**
 * Map @p instance's ring read-only.  Returns NULL with errno set and a
 * one-line reason in @p err (e.g. "/dev/shm/fastipsec-demo.log: layout
 * version 3, this reader reads version 1"; for ENOENT "no log ring for
 * instance 'demo' (/dev/shm/fastipsec-demo.log): No such file or directory").
 */
struct log_ring *log_ring_attach(const char *instance, char *err, size_t errlen);

/** Unmap a ring from log_ring_attach(). */
void log_ring_detach(struct log_ring *r);

/** Remove @p instance's shared-memory object.  Returns 0 or -errno. */
int log_ring_unlink(const char *instance);

/** Copy out ticket @p seq into @p out when it is complete and still there. */
enum log_ring_status log_ring_read(const struct log_ring *r, uint64_t seq, struct log_record *out);

/** The claim counter: the next ticket a writer will get. */
uint64_t log_ring_claim(const struct log_ring *r);

/** Header values and counters. */
void log_ring_info_get(const struct log_ring *r, struct log_ring_info *info);

/** The mapped header, for tests that inspect slots. */
const struct log_ring_hdr *log_ring_hdr_get(const struct log_ring *r);

/** True when the ring's file now names another object (the appliance restarted). */
bool log_ring_replaced(const struct log_ring *r);

/** True unless the ring's creator process is known to be gone. */
bool log_ring_creator_alive(const struct log_ring *r);

/**
 * Start reading at ticket @p from (0: the oldest ticket still kept).
 * An in-progress ticket is waited for @p stall_ns, then counted lost.
 */
void log_ring_cursor_init(struct log_ring_cursor *c, const struct log_ring *r, uint64_t from,
    uint64_t stall_ns);

/**
 * Advance @p c.  LOG_RING_OK: @p out holds the next record.  LOG_RING_LOST:
 * @p lost tickets were skipped (overwritten, dropped, abandoned or jumped
 * over because the reader fell more than a ring behind).  LOG_RING_NOT_YET
 * and LOG_RING_IN_PROGRESS: nothing to hand out now, call again later.
 */
enum log_ring_status log_ring_cursor_next(const struct log_ring *r, struct log_ring_cursor *c,
    struct log_record *out, uint64_t *lost);

#endif
