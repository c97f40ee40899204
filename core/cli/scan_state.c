#include "cli/scan_state.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/sha256.h"
#include "common/trust.h"

#define STATE_MAGIC "FGSCAN\x02\n"

/* The file: this header, count entries, then the SHA-256 of everything before it. */
struct state_header {
	char magic[8];
	unsigned char sigset[32];
	uint32_t run, full_since;
	uint64_t last_total;
	uint64_t count;
};

static uint64_t st_ns(const struct timespec *t)
{
	return (uint64_t)t->tv_sec * 1000000000u + (uint64_t)t->tv_nsec;
}

static size_t slot_of(const struct scan_state *s, uint64_t dev, uint64_t ino)
{
	uint64_t h = (dev * 0x9e3779b97f4a7c15ull) ^ (ino * 0xc2b2ae3d27d4eb4full);

	return (size_t)(h ^ (h >> 29)) & (s->cap - 1);
}

static bool slot_empty(const struct scan_state_entry *e)
{
	return e->dev == 0 && e->ino == 0;
}

/* The entry of (dev, ino), or the empty slot where it would go. */
static struct scan_state_entry *find(struct scan_state *s, uint64_t dev, uint64_t ino)
{
	size_t i = slot_of(s, dev, ino);

	while (!slot_empty(&s->slots[i]) && (s->slots[i].dev != dev || s->slots[i].ino != ino))
		i = (i + 1) & (s->cap - 1);
	return &s->slots[i];
}

static int grow(struct scan_state *s, size_t want)
{
	struct scan_state_entry *old = s->slots;
	size_t old_cap = s->cap, cap = 1024;

	while (cap < want * 2)
		cap *= 2;
	if (cap <= s->cap)
		return 0;
	if (!(s->slots = calloc(cap, sizeof(*s->slots)))) {
		s->slots = old;
		return -1;
	}
	s->cap = cap;
	for (size_t i = 0; i < old_cap; i++)
		if (!slot_empty(&old[i]))
			*find(s, old[i].dev, old[i].ino) = old[i];
	free(old);
	return 0;
}

/* Removing from open addressing: the entries after it in its run are placed again. */
static void remove_at(struct scan_state *s, struct scan_state_entry *e)
{
	size_t i = (size_t)(e - s->slots);

	memset(e, 0, sizeof(*e));
	s->count--;
	for (i = (i + 1) & (s->cap - 1); !slot_empty(&s->slots[i]); i = (i + 1) & (s->cap - 1)) {
		struct scan_state_entry moved = s->slots[i];

		memset(&s->slots[i], 0, sizeof(moved));
		*find(s, moved.dev, moved.ino) = moved;
	}
}

static bool same_file_state(const struct scan_state_entry *e, const struct stat *st)
{
	return e->size == (int64_t)st->st_size && e->mtime_ns == (int64_t)st_ns(&st->st_mtim) &&
	       e->ctime_ns == (int64_t)st_ns(&st->st_ctim);
}

/* Reads the whole file from fd into the table; -1 when it is damaged (note says how). */
static int read_entries(struct scan_state *s, int fd, const struct stat *st,
			const unsigned char sigset[32], char *note, size_t notelen)
{
	struct state_header h;
	unsigned char *buf = NULL, digest[32];
	size_t size = (size_t)st->st_size, got = 0, n;
	struct sha256 sha;
	ssize_t r;
	int rc = -1;

	if (size < sizeof(h) + 32 || !(buf = malloc(size))) {
		snprintf(note, notelen, "too short to be a state file");
		goto out;
	}
	while (got < size && (r = read(fd, buf + got, size - got)) > 0)
		got += (size_t)r;
	memcpy(&h, buf, sizeof(h));
	n = (size - sizeof(h) - 32) / sizeof(struct scan_state_entry);
	sha256_init(&sha);
	sha256_update(&sha, buf, size - 32);
	sha256_final(&sha, digest);
	if (got != size || memcmp(h.magic, STATE_MAGIC, 8) != 0 || h.count != n ||
	    sizeof(h) + n * sizeof(struct scan_state_entry) + 32 != size ||
	    memcmp(digest, buf + size - 32, 32) != 0) {
		snprintf(note, notelen, "damaged (its format or checksum is wrong)");
		goto out;
	}
	s->run = h.run;
	s->full_since = h.full_since;
	s->last_total = h.last_total;
	if (memcmp(h.sigset, sigset, 32) != 0) {
		/* new signatures: every file is due again, and a pending full pass is moot */
		snprintf(note, notelen, "the signatures changed: every file is due");
		s->full_since = 0;
		rc = 0;
		goto out;
	}
	if (grow(s, n) != 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct scan_state_entry e;

		memcpy(&e, buf + sizeof(h) + i * sizeof(e), sizeof(e));
		if (!slot_empty(&e) && slot_empty(find(s, e.dev, e.ino))) {
			*find(s, e.dev, e.ino) = e;
			s->count++;
		}
	}
	rc = 0;
out:
	free(buf);
	return rc;
}

int scan_state_load(struct scan_state *s, const char *path, const unsigned char sigset[32],
		    char *note, size_t notelen, char *err, size_t errlen)
{
	char copy[PATH_MAX], *dir;
	struct stat st;
	int fd;

	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	memcpy(s->sigset, sigset, 32);
	s->dirty = true; /* made, or replaced, unless it loads as it is */
	note[0] = '\0';
	if (grow(s, 1024) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(copy, sizeof(copy), "%s", path);
	dir = dirname(copy);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "state folder %s: %s", dir, strerror(errno));
		return -1;
	}
	if (trust_check("the state's folder", dir, err, errlen) != 0)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0) {
		if (errno != ENOENT)
			snprintf(note, notelen, "cannot be read (%s)", strerror(errno));
		goto started;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		snprintf(note, notelen, "not a regular file");
	else if (st.st_uid != geteuid())
		snprintf(note, notelen, "owned by uid %u, not by uid %u", (unsigned)st.st_uid,
			 (unsigned)geteuid());
	else if (st.st_mode & 022)
		snprintf(note, notelen, "writable by others (mode %04o)",
			 (unsigned)(st.st_mode & 07777));
	else if (read_entries(s, fd, &st, sigset, note, notelen) != 0) {
		for (size_t i = 0; i < s->cap; i++)
			memset(&s->slots[i], 0, sizeof(s->slots[i]));
		s->count = 0;
		s->full_since = 0;
	} else if (!note[0]) {
		s->dirty = false;
	}
	close(fd);
started:
	s->run++;
	if (s->run == 0)
		s->run = 1;
	return 0;
}

void scan_state_begin_full(struct scan_state *s)
{
	if (!s->full_since) {
		s->full_since = s->run;
		s->dirty = true;
	}
}

bool scan_state_unchanged(struct scan_state *s, const struct stat *st)
{
	struct scan_state_entry *e;
	bool unchanged;

	pthread_mutex_lock(&s->lock);
	e = find(s, (uint64_t)st->st_dev, (uint64_t)st->st_ino);
	unchanged = !slot_empty(e) && same_file_state(e, st) &&
		    (!s->full_since || e->clean >= s->full_since);
	if (!slot_empty(e) && same_file_state(e, st))
		e->seen = s->run;
	pthread_mutex_unlock(&s->lock);
	return unchanged;
}

void scan_state_record_clean(struct scan_state *s, const struct stat *st)
{
	struct scan_state_entry *e;

	pthread_mutex_lock(&s->lock);
	if (s->count + 1 > SCAN_STATE_MAX_ENTRIES || grow(s, s->count + 1) != 0) {
		pthread_mutex_unlock(&s->lock);
		return; /* not remembered: scanned again next time */
	}
	e = find(s, (uint64_t)st->st_dev, (uint64_t)st->st_ino);
	if (slot_empty(e))
		s->count++;
	s->dirty = true;
	*e = (struct scan_state_entry){ .dev = (uint64_t)st->st_dev,
					.ino = (uint64_t)st->st_ino,
					.size = (int64_t)st->st_size,
					.mtime_ns = (int64_t)st_ns(&st->st_mtim),
					.ctime_ns = (int64_t)st_ns(&st->st_ctim),
					.seen = s->run,
					.clean = s->run };
	pthread_mutex_unlock(&s->lock);
}

void scan_state_forget(struct scan_state *s, const struct stat *st)
{
	struct scan_state_entry *e;

	pthread_mutex_lock(&s->lock);
	e = find(s, (uint64_t)st->st_dev, (uint64_t)st->st_ino);
	if (!slot_empty(e)) {
		remove_at(s, e);
		s->dirty = true;
	}
	pthread_mutex_unlock(&s->lock);
}

void scan_state_complete(struct scan_state *s, uint64_t total)
{
	struct scan_state_entry *old;
	size_t old_cap;

	pthread_mutex_lock(&s->lock);
	old = s->slots;
	old_cap = s->cap;
	/* a new table with the entries seen in this run: the others are of files gone */
	s->slots = calloc(old_cap, sizeof(*s->slots));
	if (s->slots) {
		size_t before = s->count;

		s->count = 0;
		for (size_t i = 0; i < old_cap; i++)
			if (!slot_empty(&old[i]) && old[i].seen == s->run) {
				*find(s, old[i].dev, old[i].ino) = old[i];
				s->count++;
			}
		free(old);
		s->dirty |= s->count != before;
	} else {
		s->slots = old;
	}
	s->dirty |= s->full_since != 0 || s->last_total != total;
	s->full_since = 0;
	s->last_total = total;
	pthread_mutex_unlock(&s->lock);
}

static int write_all(int fd, const void *data, size_t size, struct sha256 *sha)
{
	const unsigned char *p = data;

	sha256_update(sha, data, size);
	while (size) {
		ssize_t w = write(fd, p, size);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		size -= (size_t)w;
	}
	return 0;
}

static int write_state(struct scan_state *s, int fd)
{
	struct state_header h = { .run = s->run,
				  .full_since = s->full_since,
				  .last_total = s->last_total,
				  .count = s->count };
	unsigned char digest[32];
	struct sha256 sha;

	memcpy(h.magic, STATE_MAGIC, 8);
	memcpy(h.sigset, s->sigset, 32);
	sha256_init(&sha);
	if (write_all(fd, &h, sizeof(h), &sha) != 0)
		return -1;
	for (size_t i = 0; i < s->cap; i++)
		if (!slot_empty(&s->slots[i]) &&
		    write_all(fd, &s->slots[i], sizeof(s->slots[i]), &sha) != 0)
			return -1;
	sha256_final(&sha, digest);
	return write_all(fd, digest, 32, &sha);
}

int scan_state_save(struct scan_state *s, const char *path, char *err, size_t errlen)
{
	char tmp[PATH_MAX], copy[PATH_MAX];
	int fd, dirfd, rc;

	pthread_mutex_lock(&s->lock);
	rc = s->dirty;
	pthread_mutex_unlock(&s->lock);
	if (!rc)
		return 0;
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	/* mkstemp makes it 0600 and ours, in the folder the rename stays in */
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	pthread_mutex_lock(&s->lock);
	rc = write_state(s, fd);
	if (rc == 0)
		s->dirty = false;
	pthread_mutex_unlock(&s->lock);
	if (rc == 0)
		rc = fsync(fd);
	if (close(fd) != 0)
		rc = -1;
	if (rc != 0 || rename(tmp, path) != 0) {
		snprintf(err, errlen, "writing %s: %s", path, strerror(errno ? errno : EIO));
		unlink(tmp);
		return -1;
	}
	snprintf(copy, sizeof(copy), "%s", path);
	dirfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd >= 0) {
		fsync(dirfd); /* the rename itself survives a power cut */
		close(dirfd);
	}
	return 0;
}

void scan_state_free(struct scan_state *s)
{
	free(s->slots);
	pthread_mutex_destroy(&s->lock);
	memset(s, 0, sizeof(*s));
}
