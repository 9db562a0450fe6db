/* SPDX-License-Identifier: BSD-3-Clause */
/* common/log_ring.c: the shared-memory log ring (lock-free writers, seqlock readers). */

#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log_ring.h"

/*
 * Slot state machine (the slot's seq word):
 *
 *   0 --claim t--> busy(t) --copy--> done(t) --claim t' > t--> busy(t') ...
 *
 * busy(t) = (t << 1) | 1, done(t) = t << 1.  The word only ever grows, so
 * a reader that sees done(t) before and after its copy has copied the one
 * and only write of ticket t (no ABA).  A writer that finds busy(t0) or a
 * ticket >= its own leaves the word alone, raises "abandoned" to its ticket
 * and gives up: waiting for another writer is exactly what it must not do.
 */

#define RECORD_HDR_WORDS (LOG_RECORD_HDR_SIZE / 8)
#define SLOT_BUSY        1ull

struct log_ring {
	struct log_ring_hdr *hdr;
	struct log_ring_slot *slots;
	size_t map_len;
	uint64_t mask;
	dev_t dev; /* identity of the object we mapped, for log_ring_replaced() */
	ino_t ino;
	int32_t creator_pid;
	uint64_t start_ns;
	char path[LOG_RING_PATH_MAX];
};

_Static_assert(LOG_RECORD_HDR_SIZE % 8 == 0, "record header is copied in words");
_Static_assert(LOG_RECORD_TEXT_MAX % 8 == 0, "record text is copied in words");

static bool
name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '_' || c == '-' || c == '.';
}

static int
name_check(const char *instance)
{
	size_t i, n;

	if (instance == NULL)
		return -EINVAL;
	n = strnlen(instance, LOG_RING_NAME_MAX);
	if (n == 0 || n >= LOG_RING_NAME_MAX || instance[0] == '.')
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (!name_char_ok(instance[i]))
			return -EINVAL;
	return 0;
}

/* shm_open() name of @instance's ring, with an optional suffix. */
static int
shm_name(const char *instance, const char *suffix, char *buf, size_t len)
{
	int n, rc;

	if ((rc = name_check(instance)) != 0)
		return rc;
	n = snprintf(buf, len, "/fastipsec-%s.log%s", instance, suffix);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

int
log_ring_path(const char *instance, char *buf, size_t len)
{
	char name[LOG_RING_PATH_MAX];
	int n, rc;

	if ((rc = shm_name(instance, "", name, sizeof(name))) != 0)
		return rc;
	n = snprintf(buf, len, "%s%s", LOG_RING_SHM_DIR, name);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

static uint64_t
clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static size_t
ring_len(uint32_t slots)
{
	return LOG_RING_HDR_SIZE + (size_t)slots * LOG_SLOT_SIZE;
}

/*
 * The new ring is built under a temporary name and renamed over the old one:
 * readers of the old ring keep their mapping, new readers only ever see a
 * complete header, and "unlink + create" happens in one step.
 */
struct log_ring *
log_ring_create(const char *instance, uint32_t slots)
{
	char tmpname[LOG_RING_PATH_MAX], tmppath[LOG_RING_PATH_MAX + sizeof(LOG_RING_SHM_DIR)];
	char suffix[32];
	struct log_ring_hdr *h;
	struct log_ring *r;
	struct stat st;
	void *base;
	size_t len;
	int fd, rc;

	if (slots < LOG_RING_SLOTS_MIN || slots > LOG_RING_SLOTS_MAX ||
	    (slots & (slots - 1)) != 0) {
		errno = EINVAL;
		return NULL;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	snprintf(suffix, sizeof(suffix), ".%ld.new", (long)getpid());
	if ((rc = log_ring_path(instance, r->path, sizeof(r->path))) != 0 ||
	    (rc = shm_name(instance, suffix, tmpname, sizeof(tmpname))) != 0) {
		goto fail_free;
	}
	snprintf(tmppath, sizeof(tmppath), "%s%s", LOG_RING_SHM_DIR, tmpname);

	len = ring_len(slots);
	(void)shm_unlink(tmpname); /* a leftover of an earlier crash with our pid */
	if ((fd = shm_open(tmpname, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0640)) < 0) {
		rc = -errno;
		goto fail_free;
	}
	/* Reserve the pages now: a full tmpfs must fail here, not SIGBUS a writer later. */
	if ((rc = -posix_fallocate(fd, 0, (off_t)len)) != 0)
		goto fail_unlink;
	if (fstat(fd, &st) != 0) {
		rc = -errno;
		goto fail_unlink;
	}
	base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
	if (base == MAP_FAILED) {
		rc = -errno;
		goto fail_unlink;
	}

	h = base;
	h->version = LOG_RING_VERSION;
	h->hdr_size = LOG_RING_HDR_SIZE;
	h->slot_size = LOG_SLOT_SIZE;
	h->slot_count = slots;
	h->creator_pid = (int32_t)getpid();
	h->start_ns = clock_ns(CLOCK_REALTIME);
	snprintf(h->instance, sizeof(h->instance), "%s", instance);
	atomic_store_explicit(&h->claim, 1, memory_order_relaxed);
	__atomic_store_n(&h->magic, LOG_RING_MAGIC, __ATOMIC_RELEASE);

	if (rename(tmppath, r->path) != 0) {
		rc = -errno;
		munmap(base, len);
		goto fail_unlink;
	}
	close(fd);

	r->hdr = h;
	r->slots = (struct log_ring_slot *)((char *)base + LOG_RING_HDR_SIZE);
	r->map_len = len;
	r->mask = slots - 1;
	r->dev = st.st_dev;
	r->ino = st.st_ino;
	r->creator_pid = h->creator_pid;
	r->start_ns = h->start_ns;
	return r;

fail_unlink:
	close(fd);
	(void)shm_unlink(tmpname);
fail_free:
	free(r);
	errno = -rc;
	return NULL;
}

void
log_ring_destroy(struct log_ring *r)
{
	if (r == NULL)
		return;
	munmap(r->hdr, r->map_len);
	free(r);
}

static void
slot_abandon(struct log_ring_hdr *h, struct log_ring_slot *s, uint64_t t)
{
	uint64_t cur;

	cur = atomic_load_explicit(&s->abandoned, memory_order_relaxed);
	while (cur < t) {
		if (atomic_compare_exchange_weak_explicit(&s->abandoned, &cur, t,
		        memory_order_release, memory_order_relaxed)) {
			break;
		}
	}
	atomic_fetch_add_explicit(&h->dropped, 1, memory_order_relaxed);
}

/*
 * The body is copied with relaxed atomic word stores and loads, so that a
 * reader racing a writer is a torn copy that the seq check throws away, and
 * not undefined behaviour.  Only the words up to the text's NUL are copied.
 */
static void
slot_store(struct log_ring_slot *s, const struct log_record *rec, size_t words)
{
	const char *src = (const char *)rec;
	uint64_t w;
	size_t i;

	for (i = 0; i < words; i++) {
		memcpy(&w, src + i * 8, 8);
		__atomic_store_n(&s->body[i], w, __ATOMIC_RELAXED);
	}
}

static void
slot_load(struct log_ring_slot *s, struct log_record *out)
{
	char *dst = (char *)out;
	uint64_t w;
	size_t i, len, words;

	for (i = 0; i < RECORD_HDR_WORDS; i++) {
		w = __atomic_load_n(&s->body[i], __ATOMIC_RELAXED);
		memcpy(dst + i * 8, &w, 8);
	}
	/* text_len may be torn garbage: clamp it, the seq check decides later. */
	len = out->text_len < LOG_RECORD_TEXT_MAX ? out->text_len : LOG_RECORD_TEXT_MAX - 1;
	words = RECORD_HDR_WORDS + (len + 8) / 8;
	for (; i < words; i++) {
		w = __atomic_load_n(&s->body[i], __ATOMIC_RELAXED);
		memcpy(dst + i * 8, &w, 8);
	}
	out->text_len = (uint16_t)len;
	out->text[len] = '\0';
}

int
log_ring_append(struct log_ring *r, struct log_record *rec)
{
	struct log_ring_hdr *h = r->hdr;
	struct log_ring_slot *s;
	uint64_t t, old;
	size_t len, end;

	len = strnlen(rec->text, LOG_RECORD_TEXT_MAX - 1);
	end = (len + 8) & ~(size_t)7; /* text bytes copied, NUL and zero padding included */
	memset(rec->text + len, 0, end - len);
	rec->text_len = (uint16_t)len;
	rec->reserved0 = 0;
	memset(rec->reserved1, 0, sizeof(rec->reserved1));

	t = atomic_fetch_add_explicit(&h->claim, 1, memory_order_relaxed);
	rec->seq = t;
	s = &r->slots[t & r->mask];
	old = atomic_load_explicit(&s->seq, memory_order_relaxed);
	do {
		if ((old & SLOT_BUSY) != 0 || (old >> 1) >= t) {
			slot_abandon(h, s, t);
			return -EBUSY;
		}
	} while (!atomic_compare_exchange_weak_explicit(&s->seq, &old, (t << 1) | SLOT_BUSY,
	    memory_order_acquire, memory_order_relaxed));
	/* Readers must see busy(t) before any byte of the new body. */
	atomic_thread_fence(memory_order_release);
	if (old != 0)
		atomic_fetch_add_explicit(&h->overwritten, 1, memory_order_relaxed);
	slot_store(s, rec, RECORD_HDR_WORDS + end / 8);
	atomic_store_explicit(&s->seq, t << 1, memory_order_release);
	return 0;
}

static void attach_fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
attach_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int
hdr_check(const struct log_ring_hdr *h, size_t size, const char *path, char *err, size_t errlen)
{
	uint32_t n = h->slot_count;

	if (__atomic_load_n(&h->magic, __ATOMIC_ACQUIRE) != LOG_RING_MAGIC) {
		attach_fail(err, errlen, "%s: not a fastipsec log ring (bad magic)", path);
		return -EPROTO;
	}
	if (h->version != LOG_RING_VERSION) {
		attach_fail(err, errlen, "%s: layout version %u, this reader reads version %u",
		    path, h->version, LOG_RING_VERSION);
		return -EPROTONOSUPPORT;
	}
	if (h->slot_size != LOG_SLOT_SIZE) {
		attach_fail(err, errlen, "%s: slot size %u, this reader reads slot size %u", path,
		    h->slot_size, LOG_SLOT_SIZE);
		return -EPROTONOSUPPORT;
	}
	if (h->hdr_size != LOG_RING_HDR_SIZE || n < LOG_RING_SLOTS_MIN || n > LOG_RING_SLOTS_MAX ||
	    (n & (n - 1)) != 0 || size < ring_len(n)) {
		attach_fail(err, errlen,
		    "%s: corrupt header (header size %u, %u slots, file size %zu bytes)", path,
		    h->hdr_size, n, size);
		return -EPROTO;
	}
	return 0;
}

struct log_ring *
log_ring_attach(const char *instance, char *err, size_t errlen)
{
	char name[LOG_RING_PATH_MAX];
	struct log_ring *r;
	struct stat st;
	void *base;
	int fd, rc;

	attach_fail(err, errlen, "%s", "");
	if ((rc = shm_name(instance, "", name, sizeof(name))) != 0) {
		attach_fail(err, errlen, "bad instance name '%s'", instance ? instance : "(null)");
		errno = -rc;
		return NULL;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		attach_fail(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	(void)log_ring_path(instance, r->path, sizeof(r->path)); /* name checked above */
	if ((fd = shm_open(name, O_RDONLY | O_CLOEXEC, 0)) < 0) {
		rc = -errno;
		if (rc == -ENOENT)
			attach_fail(err, errlen, "no log ring for instance '%s' (%s): %s", instance,
			    r->path, strerror(-rc));
		else
			attach_fail(err, errlen, "%s: %s", r->path, strerror(-rc));
		goto fail_free;
	}
	if (fstat(fd, &st) != 0) {
		rc = -errno;
		attach_fail(err, errlen, "%s: %s", r->path, strerror(-rc));
		goto fail_close;
	}
	if ((size_t)st.st_size < LOG_RING_HDR_SIZE) {
		rc = -EPROTO;
		attach_fail(err, errlen, "%s: too small for a log ring (%lld bytes)", r->path,
		    (long long)st.st_size);
		goto fail_close;
	}
	base = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED) {
		rc = -errno;
		attach_fail(err, errlen, "%s: mmap: %s", r->path, strerror(-rc));
		goto fail_close;
	}
	if ((rc = hdr_check(base, (size_t)st.st_size, r->path, err, errlen)) != 0) {
		munmap(base, (size_t)st.st_size);
		goto fail_close;
	}
	close(fd);

	r->hdr = base;
	r->slots = (struct log_ring_slot *)((char *)base + LOG_RING_HDR_SIZE);
	r->map_len = (size_t)st.st_size;
	r->mask = r->hdr->slot_count - 1;
	r->dev = st.st_dev;
	r->ino = st.st_ino;
	r->creator_pid = r->hdr->creator_pid;
	r->start_ns = r->hdr->start_ns;
	return r;

fail_close:
	close(fd);
fail_free:
	free(r);
	errno = -rc;
	return NULL;
}

void
log_ring_detach(struct log_ring *r)
{
	log_ring_destroy(r);
}

int
log_ring_unlink(const char *instance)
{
	char name[LOG_RING_PATH_MAX];
	int rc;

	if ((rc = shm_name(instance, "", name, sizeof(name))) != 0)
		return rc;
	return shm_unlink(name) == 0 ? 0 : -errno;
}

enum log_ring_status
log_ring_read(const struct log_ring *r, uint64_t t, struct log_record *out)
{
	struct log_ring_slot *s;
	uint64_t s1, s2;

	if (t == 0)
		return LOG_RING_LOST; /* tickets start at 1 */
	s = &r->slots[t & r->mask];
	s1 = atomic_load_explicit(&s->seq, memory_order_acquire);
	if (s1 == t << 1) {
		slot_load(s, out);
		atomic_thread_fence(memory_order_acquire);
		s2 = atomic_load_explicit(&s->seq, memory_order_relaxed);
		/* The word only grows: a change means a newer ticket took the slot. */
		return s2 == s1 ? LOG_RING_OK : LOG_RING_LOST;
	}
	if ((s1 >> 1) > t)
		return LOG_RING_LOST;
	if (s1 == ((t << 1) | SLOT_BUSY))
		return LOG_RING_IN_PROGRESS;
	if (atomic_load_explicit(&s->abandoned, memory_order_acquire) >= t)
		return LOG_RING_LOST;
	if (t >= atomic_load_explicit(&r->hdr->claim, memory_order_acquire))
		return LOG_RING_NOT_YET;
	return LOG_RING_IN_PROGRESS; /* claimed; its writer has not taken the slot yet */
}

uint64_t
log_ring_claim(const struct log_ring *r)
{
	return atomic_load_explicit(&r->hdr->claim, memory_order_acquire);
}

void
log_ring_info_get(const struct log_ring *r, struct log_ring_info *info)
{
	const struct log_ring_hdr *h = r->hdr;

	memset(info, 0, sizeof(*info));
	info->version = h->version;
	info->slot_size = h->slot_size;
	info->slot_count = h->slot_count;
	info->creator_pid = h->creator_pid;
	info->start_ns = h->start_ns;
	info->claim = atomic_load_explicit(&r->hdr->claim, memory_order_acquire);
	info->overwritten = atomic_load_explicit(&r->hdr->overwritten, memory_order_relaxed);
	info->dropped = atomic_load_explicit(&r->hdr->dropped, memory_order_relaxed);
	memcpy(info->instance, h->instance, sizeof(info->instance));
	info->instance[sizeof(info->instance) - 1] = '\0';
}

const struct log_ring_hdr *
log_ring_hdr_get(const struct log_ring *r)
{
	return r->hdr;
}

bool
log_ring_replaced(const struct log_ring *r)
{
	struct stat st;

	if (r->hdr->creator_pid != r->creator_pid || r->hdr->start_ns != r->start_ns)
		return true;
	if (stat(r->path, &st) != 0)
		return false; /* removed, nothing new yet */
	return st.st_ino != r->ino || st.st_dev != r->dev;
}

bool
log_ring_creator_alive(const struct log_ring *r)
{
	pid_t pid = (pid_t)r->hdr->creator_pid;

	if (pid <= 0)
		return true;
	return kill(pid, 0) == 0 || errno != ESRCH;
}

void
log_ring_cursor_init(struct log_ring_cursor *c, const struct log_ring *r, uint64_t from,
    uint64_t stall_ns)
{
	uint64_t claim = log_ring_claim(r), count = r->mask + 1;

	if (from == 0)
		from = claim > count ? claim - count : 1;
	c->next = from;
	c->stall_ns = stall_ns;
	c->stall_since = 0;
}

enum log_ring_status
log_ring_cursor_next(const struct log_ring *r, struct log_ring_cursor *c, struct log_record *out,
    uint64_t *lost)
{
	uint64_t claim, count = r->mask + 1, now;
	enum log_ring_status st;

	*lost = 0;
	claim = log_ring_claim(r);
	if (claim > c->next && claim - c->next > count) {
		/* More than a ring behind: those slots all belong to newer tickets. */
		*lost = claim - count - c->next;
		c->next = claim - count;
		c->stall_since = 0;
		return LOG_RING_LOST;
	}
	st = log_ring_read(r, c->next, out);
	switch (st) {
	case LOG_RING_OK:
		c->next++;
		c->stall_since = 0;
		return st;
	case LOG_RING_LOST:
		*lost = 1;
		c->next++;
		c->stall_since = 0;
		return st;
	case LOG_RING_IN_PROGRESS:
		now = clock_ns(CLOCK_MONOTONIC);
		if (c->stall_since == 0)
			c->stall_since = now;
		if (now - c->stall_since < c->stall_ns)
			return st;
		/* Its writer stalls or died (SIGKILL leaves the slot busy for ever). */
		*lost = 1;
		c->next++;
		c->stall_since = 0;
		return LOG_RING_LOST;
	case LOG_RING_NOT_YET:
	default:
		return LOG_RING_NOT_YET;
	}
}
