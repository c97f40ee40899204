/*
 * Moving files into the quarantine folder and back. The order of steps is
 * what keeps every file somewhere at every moment:
 *
 *  rename (one filesystem): ID.meta written and synced, then the file renamed
 *    to ID.data, checked to be the inode we meant, then made root's and 0400;
 *  copy (another filesystem, or a file with several links): ID.data written
 *    and synced, then ID.meta, then the original unlinked if its name still
 *    points at the inode we copied.
 *
 * A failure undoes what was done so far (the partial copy and ID.meta are
 * removed, a renamed file is renamed back). Everything is opened with
 * O_NOFOLLOW and created with O_EXCL: a symlink is never followed, a file
 * never replaced.
 */
#include "common/quarantine.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "common/sha256.h"
#include "common/trust.h"

#define COPY_CHUNK (128 * 1024)

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- the folder ---- */

static int make_parents(const char *dir)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s", dir);
	for (char *s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return 0;
}

int quarantine_open(const char *dir, char *err, size_t errlen)
{
	struct stat st;
	int fd;

	if (!dir || dir[0] != '/')
		return fail(err, errlen, "quarantine folder '%s' is not an absolute path", dir ? dir : "");
	if (make_parents(dir) != 0 || (mkdir(dir, 0700) != 0 && errno != EEXIST))
		return fail(err, errlen, "cannot create quarantine folder %s: %s", dir, strerror(errno));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return fail(err, errlen, "quarantine folder %s: %s%s", dir, strerror(errno),
			    errno == ELOOP || errno == ENOTDIR ? " (must be a real folder, not a symlink)" : "");
	if (fstat(fd, &st) != 0) {
		fail(err, errlen, "quarantine folder %s: %s", dir, strerror(errno));
		goto refuse;
	}
	if (st.st_uid != 0) {
		fail(err, errlen, "refusing quarantine folder %s: owned by uid %u, not root (chown root %s)",
		     dir, (unsigned)st.st_uid, dir);
		goto refuse;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		fail(err, errlen, "refusing quarantine folder %s: writable by group or others (mode %04o; "
		     "chmod 0700 %s)", dir, (unsigned)(st.st_mode & 07777), dir);
		goto refuse;
	}
	/* and nobody else may swap a folder above it */
	if (trust_check("quarantine folder", dir, err, errlen) != 0)
		goto refuse;
	return fd;
refuse:
	close(fd);
	return -1;
}

/* ---- helpers ---- */

static void sync_parent(const char *path)
{
	char dir[PATH_MAX];
	char *slash;
	int fd;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		return;
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/*
 * Reads from (from offset 0) to its end, writing every byte to `to` unless it
 * is -1, and gives the SHA-256 in hex. -1 with errno set on failure.
 */
static int copy_and_hash(int from, int to, char hex[65], unsigned long long *copied)
{
	unsigned char *buf = malloc(COPY_CHUNK), md[32];
	struct sha256 ctx;
	unsigned long long off = 0;
	int rc = -1, saved = EIO;

	if (!buf) {
		saved = ENOMEM;
		goto done;
	}
	sha256_init(&ctx);
	for (;;) {
		ssize_t n = pread(from, buf, COPY_CHUNK, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			saved = errno;
			goto done;
		}
		if (n == 0)
			break;
		for (ssize_t done = 0; to >= 0 && done < n;) {
			ssize_t w = write(to, buf + done, (size_t)(n - done));
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				saved = w < 0 ? errno : EIO;
				goto done;
			}
			done += w;
		}
		sha256_update(&ctx, buf, (size_t)n);
		off += (unsigned long long)n;
	}
	sha256_final(&ctx, md);
	for (unsigned i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	if (copied)
		*copied = off;
	rc = 0;
done:
	free(buf);
	if (rc != 0)
		errno = saved;
	return rc;
}

static void item_names(const char *id, char data[48], char meta[48], char tmp[48])
{
	snprintf(data, 48, "%s.data", id);
	snprintf(meta, 48, "%s.meta", id);
	snprintf(tmp, 48, "%s.meta.tmp", id);
}

/* Writes ID.meta durably: a temporary file, synced, renamed into place, the folder synced. */
static int write_meta(int qfd, const struct quarantine_item *item, bool replace, char *err,
		      size_t errlen)
{
	char data[48], meta[48], tmp[48], *text = malloc(QUARANTINE_META_MAX);
	int len, fd = -1, rc = -1;

	item_names(item->id, data, meta, tmp);
	if (!text)
		return fail(err, errlen, "out of memory");
	len = quarantine_meta_format(item, text, QUARANTINE_META_MAX);
	if (len < 0) {
		fail(err, errlen, "the quarantine record of %s is too long", item->path);
		goto done;
	}
	fd = openat(qfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0400);
	if (fd < 0) {
		fail(err, errlen, "cannot write %s in the quarantine folder: %s", tmp, strerror(errno));
		goto done;
	}
	if (write(fd, text, (size_t)len) != len || fsync(fd) != 0) {
		fail(err, errlen, "cannot write %s in the quarantine folder: %s", tmp, strerror(errno));
		goto unlink_tmp;
	}
	if (renameat2(qfd, tmp, qfd, meta, replace ? 0 : RENAME_NOREPLACE) != 0) {
		fail(err, errlen, "cannot write %s in the quarantine folder: %s", meta, strerror(errno));
		goto unlink_tmp;
	}
	fsync(qfd);
	rc = 0;
	goto done;
unlink_tmp:
	unlinkat(qfd, tmp, 0);
done:
	if (fd >= 0)
		close(fd);
	free(text);
	return rc;
}

/* "/abs/dir/name" for path: its folder resolved, its last component left as it is (never followed). */
static int absolute_path(const char *path, char *out, size_t size, char *err, size_t errlen)
{
	char dir[PATH_MAX], real[PATH_MAX];
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;

	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return fail(err, errlen, "%s: not a file name", path);
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if (!realpath(dir, real))
		return fail(err, errlen, "%s: %s", path, strerror(errno));
	if (snprintf(out, size, "%s%s%s", real, strcmp(real, "/") ? "/" : "", base) >= (int)size)
		return fail(err, errlen, "%s: path too long", path);
	return 0;
}

/* Root's and 0400: in quarantine nobody else may read it, nor its owner make it executable. */
static bool make_root_only(int fd)
{
	return fchown(fd, 0, 0) == 0 && fchmod(fd, 0400) == 0;
}

static bool same_inode(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

static bool same_content_state(const struct stat *a, const struct stat *b)
{
	return a->st_size == b->st_size && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* ---- moving in ---- */

/*
 * The file came in by rename but is not (or cannot be made) what we meant to
 * quarantine: put it back. If even that fails it stays, recorded, in quarantine.
 */
static int rename_back(int qfd, const struct quarantine_item *item, const char *why, char *err,
		       size_t errlen)
{
	char data[48], meta[48], tmp[48];

	item_names(item->id, data, meta, tmp);
	if (renameat2(qfd, data, AT_FDCWD, item->path, RENAME_NOREPLACE) != 0)
		return fail(err, errlen, "%s; putting it back failed (%s): it is kept in quarantine as %s",
			    why, strerror(errno), item->id);
	unlinkat(qfd, meta, 0);
	fsync(qfd);
	return fail(err, errlen, "%s; left in place", why);
}

/* 0: moved; 1: another filesystem (copy instead); -1: failed, file in place. */
static int move_by_rename(int qfd, int src, const struct stat *st, struct quarantine_item *item,
			  char *err, size_t errlen)
{
	char data[48], meta[48], tmp[48], why[PATH_MAX + 128];
	struct stat now;
	int fd, e;

	item_names(item->id, data, meta, tmp);
	if (copy_and_hash(src, -1, item->sha256, NULL) != 0)
		return fail(err, errlen, "cannot read %s: %s", item->path, strerror(errno));
	if (write_meta(qfd, item, false, err, errlen) != 0)
		return -1;
	if (renameat2(AT_FDCWD, item->path, qfd, data, RENAME_NOREPLACE) != 0) {
		e = errno;
		unlinkat(qfd, meta, 0);
		fsync(qfd);
		if (e == EXDEV)
			return 1;
		return fail(err, errlen, "cannot move %s into the quarantine folder: %s", item->path,
			    strerror(e));
	}
	fd = openat(qfd, data, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &now) != 0 || !same_inode(&now, st)) {
		if (fd >= 0)
			close(fd);
		snprintf(why, sizeof(why), "%s was replaced while it was being moved", item->path);
		return rename_back(qfd, item, why, err, errlen);
	}
	if (!make_root_only(fd)) {
		snprintf(why, sizeof(why), "cannot protect %s in quarantine: %s", item->path,
			 strerror(errno));
		if (fchown(fd, st->st_uid, st->st_gid) != 0 || fchmod(fd, st->st_mode & 07777) != 0) {
			/* keep going: rename_back reports where the file ended up */
		}
		close(fd);
		return rename_back(qfd, item, why, err, errlen);
	}
	/* a writer that kept it open changed it after we hashed: record what we hold */
	if (!same_content_state(&now, st) &&
	    (copy_and_hash(fd, -1, item->sha256, &item->size) != 0 ||
	     write_meta(qfd, item, true, err, errlen) != 0)) {
		/* the item stands with the first digest; a restore will say it differs */
	}
	close(fd);
	fsync(qfd);
	sync_parent(item->path);
	return 0;
}

static int move_by_copy(int qfd, int src, const struct stat *st, struct quarantine_item *item,
			char *err, size_t errlen)
{
	char data[48], meta[48], tmp[48];
	struct stat after, current;
	int dst;

	item_names(item->id, data, meta, tmp);
	dst = openat(qfd, data, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0400);
	if (dst < 0)
		return fail(err, errlen, "cannot create %s in the quarantine folder: %s", data,
			    strerror(errno));
	if (fchmod(dst, 0400) != 0 || copy_and_hash(src, dst, item->sha256, &item->size) != 0 ||
	    fsync(dst) != 0) {
		fail(err, errlen, "cannot copy %s into the quarantine folder: %s", item->path,
		     strerror(errno));
		goto undo;
	}
	if (fstat(src, &after) != 0 || !same_content_state(&after, st)) {
		fail(err, errlen, "%s changed while it was being copied; left in place", item->path);
		goto undo;
	}
	if (write_meta(qfd, item, false, err, errlen) != 0)
		goto undo;
	/* only now the original goes, and only if its name still points at what we copied */
	if (lstat(item->path, &current) != 0 || !same_inode(&current, st)) {
		fail(err, errlen, "%s was replaced while it was being copied; left in place", item->path);
		goto undo_meta;
	}
	if (unlink(item->path) != 0) {
		fail(err, errlen, "cannot remove %s after copying it: %s; left in place", item->path,
		     strerror(errno));
		goto undo_meta;
	}
	close(dst);
	sync_parent(item->path);
	return 0;
undo_meta:
	unlinkat(qfd, meta, 0);
undo:
	close(dst);
	unlinkat(qfd, data, 0);
	fsync(qfd);
	return -1;
}

static int new_id(char id[QUARANTINE_ID_LEN + 1])
{
	unsigned char random[8];

	if (getrandom(random, sizeof(random), 0) != (ssize_t)sizeof(random))
		return -1;
	quarantine_id_make((long long)time(NULL), random, id);
	return 0;
}

/* True if abs (absolute, folder resolved) names an entry of the quarantine folder itself. */
static bool in_quarantine(int qfd, const char *abs)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(abs, '/');
	struct stat q, d;

	snprintf(dir, sizeof(dir), "%.*s", slash == abs ? 1 : (int)(slash - abs), abs);
	return fstat(qfd, &q) == 0 && stat(dir, &d) == 0 && same_inode(&q, &d);
}

int quarantine_store(int qfd, const char *path, const struct stat *expect, const char *plugin,
		     const char *threat, struct quarantine_item *item, char *err, size_t errlen)
{
	struct stat st;
	int src, rc = 1;

	memset(item, 0, sizeof(*item));
	if (absolute_path(path, item->path, sizeof(item->path), err, errlen) != 0)
		return -1;
	if (in_quarantine(qfd, item->path))
		return fail(err, errlen, "%s is in the quarantine folder already", item->path);
	src = open(item->path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (src < 0)
		return fail(err, errlen, "%s: %s%s", item->path, strerror(errno),
			    errno == ELOOP ? " (a symlink: not followed)" : "");
	if (fstat(src, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(src);
		return fail(err, errlen, "%s: not a regular file", item->path);
	}
	if (expect && !same_inode(&st, expect)) {
		close(src);
		return fail(err, errlen, "%s is another file than the one scanned; left alone", item->path);
	}
	if (new_id(item->id) != 0) {
		close(src);
		return fail(err, errlen, "no random bytes for a quarantine ID: %s", strerror(errno));
	}
	item->uid = st.st_uid;
	item->gid = st.st_gid;
	item->mode = st.st_mode & 07777;
	item->size = (unsigned long long)st.st_size;
	item->mtime = (long long)st.st_mtim.tv_sec;
	item->time = (long long)time(NULL);
	snprintf(item->plugin, sizeof(item->plugin), "%s", plugin ? plugin : "");
	snprintf(item->threat, sizeof(item->threat), "%s", threat ? threat : "");
	/* a rename would leave the other names of a hard-linked file pointing at a root-owned 0400 inode */
	if (st.st_nlink == 1)
		rc = move_by_rename(qfd, src, &st, item, err, errlen);
	if (rc > 0)
		rc = move_by_copy(qfd, src, &st, item, err, errlen);
	close(src);
	return rc;
}

void quarantine_first_finding(const char *detections, char *plugin, size_t plugin_size,
			      char *threat, size_t threat_size)
{
	const char *colon = strstr(detections, ": "), *end;

	plugin[0] = threat[0] = '\0';
	if (!colon)
		return;
	end = strstr(colon + 2, "; ");
	snprintf(plugin, plugin_size, "%.*s", (int)(colon - detections), detections);
	snprintf(threat, threat_size, "%.*s",
		 (int)(end ? (size_t)(end - colon - 2) : strlen(colon + 2)), colon + 2);
}

/* ---- items ---- */

static int load_item(int qfd, const char *id, struct quarantine_item *item, char *err, size_t errlen)
{
	char data[48], meta[48], tmp[48], why[256], *text;
	ssize_t n;
	int fd;

	if (!quarantine_id_valid(id))
		return fail(err, errlen, "'%s' is not a quarantine ID (they look like "
			    "20261129T112820Z-0123456789abcdef; see `fanguard quarantine list`)", id);
	item_names(id, data, meta, tmp);
	fd = openat(qfd, meta, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return fail(err, errlen, "no quarantined item %s (see `fanguard quarantine list`)", id);
	if (fd < 0)
		return fail(err, errlen, "quarantine item %s: %s", id, strerror(errno));
	text = malloc(QUARANTINE_META_MAX + 1);
	n = text ? read(fd, text, QUARANTINE_META_MAX) : -1;
	close(fd);
	if (n < 0) {
		free(text);
		return fail(err, errlen, "quarantine item %s: cannot read %s", id, meta);
	}
	text[n] = '\0';
	if (quarantine_meta_parse(text, item, why, sizeof(why)) != 0 || strcmp(item->id, id) != 0) {
		free(text);
		return fail(err, errlen, "quarantine item %s: damaged %s (%s)", id, meta,
			    strcmp(item->id, id) ? "it names another ID" : why);
	}
	free(text);
	return 0;
}

/* The restored copy is wrong: remove it, but only if it is still the file we created. */
static void remove_own(const char *path, int fd)
{
	struct stat mine, there;

	if (fstat(fd, &mine) == 0 && lstat(path, &there) == 0 && same_inode(&mine, &there))
		unlink(path);
}

static int restore_by_copy(int qfd, int from, const struct quarantine_item *item, char *err,
			   size_t errlen)
{
	struct timespec times[2] = { { .tv_nsec = UTIME_OMIT }, { .tv_sec = (time_t)item->mtime } };
	char hex[65], data[48], meta[48], tmp[48];
	int dst;

	item_names(item->id, data, meta, tmp);
	dst = open(item->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (dst < 0)
		return fail(err, errlen, "cannot create %s: %s", item->path, strerror(errno));
	errno = 0;
	if (copy_and_hash(from, dst, hex, NULL) != 0 || strcmp(hex, item->sha256) != 0 ||
	    fchown(dst, item->uid, item->gid) != 0 || fchmod(dst, item->mode) != 0 ||
	    (item->mtime >= 0 && futimens(dst, times) != 0) || fsync(dst) != 0) {
		fail(err, errlen, "cannot restore %s: %s", item->path,
		     errno ? strerror(errno) : "the copy differs from the recorded SHA-256");
		remove_own(item->path, dst);
		close(dst);
		return -1;
	}
	close(dst);
	sync_parent(item->path);
	unlinkat(qfd, data, 0);
	return 0;
}

int quarantine_restore(int qfd, const char *id, struct quarantine_item *item, char *err,
		       size_t errlen)
{
	struct timespec times[2] = { { .tv_nsec = UTIME_OMIT }, { 0 } };
	char data[48], meta[48], tmp[48], hex[65];
	struct stat st;
	int fd, e;

	if (load_item(qfd, id, item, err, errlen) != 0)
		return -1;
	item_names(id, data, meta, tmp);
	fd = openat(qfd, data, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return fail(err, errlen, "quarantine item %s has no %s: %s", id, data, strerror(errno));
	if (copy_and_hash(fd, -1, hex, NULL) != 0 || strcmp(hex, item->sha256) != 0) {
		close(fd);
		return fail(err, errlen, "quarantine item %s: %s does not match its recorded SHA-256; "
			    "not restored", id, data);
	}
	if (lstat(item->path, &st) == 0) {
		close(fd);
		return fail(err, errlen, "%s exists; not overwritten (move it away, then restore again)",
			    item->path);
	}
	if (errno != ENOENT) {
		e = errno;
		close(fd);
		return fail(err, errlen, "cannot restore to %s: %s", item->path, strerror(e));
	}
	/* owner before mode: chown clears set-id bits */
	times[1].tv_sec = (time_t)item->mtime;
	if (fchown(fd, item->uid, item->gid) != 0 || fchmod(fd, item->mode) != 0 ||
	    (item->mtime >= 0 && futimens(fd, times) != 0)) {
		e = errno;
		goto protect;
	}
	if (renameat2(qfd, data, AT_FDCWD, item->path, RENAME_NOREPLACE) == 0) {
		sync_parent(item->path);
	} else {
		e = errno;
		if (e != EXDEV)
			goto protect;
		make_root_only(fd); /* it sits in a root-only folder either way */
		if (restore_by_copy(qfd, fd, item, err, errlen) != 0) {
			close(fd);
			return -1;
		}
	}
	close(fd);
	if (unlinkat(qfd, meta, 0) != 0)
		return fail(err, errlen, "%s restored, but its record %s remains: %s", item->path, meta,
			    strerror(errno));
	fsync(qfd);
	return 0;
protect:
	make_root_only(fd); /* it sits in a root-only folder either way */
	close(fd);
	return fail(err, errlen, "cannot restore %s to %s: %s", id, item->path,
		    e == EEXIST ? "a file appeared there; not overwritten" : strerror(e));
}

int quarantine_delete(int qfd, const char *id, struct quarantine_item *item, char *err,
		      size_t errlen)
{
	char data[48], meta[48], tmp[48];

	if (load_item(qfd, id, item, err, errlen) != 0)
		return -1;
	item_names(id, data, meta, tmp);
	if (unlinkat(qfd, data, 0) != 0 && errno != ENOENT)
		return fail(err, errlen, "cannot delete %s: %s", data, strerror(errno));
	if (unlinkat(qfd, meta, 0) != 0)
		return fail(err, errlen, "cannot delete %s: %s", meta, strerror(errno));
	fsync(qfd);
	return 0;
}

static int by_time(const void *a, const void *b)
{
	const struct quarantine_item *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return strcmp(x->id, y->id);
}

int quarantine_list(int qfd, struct quarantine_item **items, size_t *n, char *err, size_t errlen)
{
	size_t cap = 0, len;
	struct dirent *de;
	char id[QUARANTINE_ID_LEN + 1], why[PATH_MAX + 256];
	int fd = openat(qfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;

	*items = NULL;
	*n = 0;
	err[0] = '\0';
	if (!dir) {
		if (fd >= 0)
			close(fd);
		return fail(err, errlen, "cannot list the quarantine folder: %s", strerror(errno));
	}
	while ((de = readdir(dir))) {
		len = strlen(de->d_name);
		if (len != QUARANTINE_ID_LEN + 5 || strcmp(de->d_name + QUARANTINE_ID_LEN, ".meta") != 0)
			continue;
		snprintf(id, sizeof(id), "%.*s", QUARANTINE_ID_LEN, de->d_name);
		if (*n == cap) {
			struct quarantine_item *grown = realloc(*items, (cap ? cap * 2 : 16) * sizeof(**items));
			if (!grown) {
				rc = fail(err, errlen, "out of memory");
				break;
			}
			*items = grown;
			cap = cap ? cap * 2 : 16;
		}
		if (load_item(qfd, id, &(*items)[*n], why, sizeof(why)) != 0) {
			if (!err[0])
				fail(err, errlen, "%s", why);
			rc = -1;
			continue;
		}
		(*n)++;
	}
	closedir(dir);
	if (*n)
		qsort(*items, *n, sizeof(**items), by_time);
	return rc;
}
