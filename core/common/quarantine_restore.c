/*
 * Items already in quarantine: reading their records, putting them back,
 * deleting and listing them. A restore, like a store, never replaces a file
 * and never leaves a wrong copy behind: the bytes are checked against the
 * recorded SHA-256 before the item's record goes.
 */
#include "common/quarantine_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int load_item(int qfd, const char *id, struct quarantine_item *item, char *err,
		     size_t errlen)
{
	char data[48], meta[48], tmp[48], why[256], *text;
	ssize_t n;
	int fd;

	if (!quarantine_id_valid(id))
		return quarantine_fail(err, errlen,
				       "'%s' is not a quarantine ID (they look like "
				       "20261129T112820Z-0123456789abcdef; see "
				       "`fanguard quarantine list`)",
				       id);
	quarantine_item_names(id, data, meta, tmp);
	fd = openat(qfd, meta, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return quarantine_fail(
			err, errlen, "no quarantined item %s (see `fanguard quarantine list`)", id);
	if (fd < 0)
		return quarantine_fail(err, errlen, "quarantine item %s: %s", id, strerror(errno));
	text = malloc(QUARANTINE_META_MAX + 1);
	n = text ? read(fd, text, QUARANTINE_META_MAX) : -1;
	close(fd);
	if (n < 0) {
		free(text);
		return quarantine_fail(err, errlen, "quarantine item %s: cannot read %s", id, meta);
	}
	text[n] = '\0';
	if (quarantine_meta_parse(text, item, why, sizeof(why)) != 0 || strcmp(item->id, id) != 0) {
		free(text);
		return quarantine_fail(err, errlen, "quarantine item %s: damaged %s (%s)", id, meta,
				       strcmp(item->id, id) ? "it names another ID" : why);
	}
	free(text);
	return 0;
}

/* The restored copy is wrong: remove it, but only if it is still the file we created. */
static void remove_own(int dir, const char *base, int fd)
{
	struct stat mine, there;

	if (fstat(fd, &mine) == 0 && fstatat(dir, base, &there, AT_SYMLINK_NOFOLLOW) == 0 &&
	    quarantine_same_inode(&mine, &there))
		unlinkat(dir, base, 0);
}

static int restore_by_copy(int qfd, int from, int dir, const char *base,
			   const struct quarantine_item *item, char *err, size_t errlen)
{
	struct timespec times[2] = { { .tv_nsec = UTIME_OMIT }, { .tv_sec = (time_t)item->mtime } };
	char hex[65], data[48], meta[48], tmp[48];
	int dst;

	quarantine_item_names(item->id, data, meta, tmp);
	dst = openat(dir, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (dst < 0)
		return quarantine_fail(err, errlen, "cannot create %s: %s", item->path,
				       strerror(errno));
	errno = 0;
	if (quarantine_copy_and_hash(from, dst, hex, NULL) != 0 || strcmp(hex, item->sha256) != 0 ||
	    fchown(dst, item->uid, item->gid) != 0 || fchmod(dst, item->mode) != 0 ||
	    (item->mtime >= 0 && futimens(dst, times) != 0) || fsync(dst) != 0) {
		quarantine_fail(err, errlen, "cannot restore %s: %s", item->path,
				errno ? strerror(errno)
				      : "the copy differs from the recorded SHA-256");
		remove_own(dir, base, dst);
		close(dst);
		return -1;
	}
	close(dst);
	fsync(dir);
	unlinkat(qfd, data, 0);
	return 0;
}

int quarantine_restore(int qfd, const char *id, struct quarantine_item *item, char *err,
		       size_t errlen)
{
	struct timespec times[2] = { { .tv_nsec = UTIME_OMIT }, { 0 } };
	char data[48], meta[48], tmp[48], hex[65];
	const char *base;
	struct stat st;
	int fd, dir, e, rc = -1;

	if (load_item(qfd, id, item, err, errlen) != 0)
		return -1;
	quarantine_item_names(id, data, meta, tmp);
	fd = openat(qfd, data, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return quarantine_fail(err, errlen, "quarantine item %s has no %s: %s", id, data,
				       strerror(errno));
	if (quarantine_copy_and_hash(fd, -1, hex, NULL) != 0 || strcmp(hex, item->sha256) != 0) {
		close(fd);
		return quarantine_fail(err, errlen,
				       "quarantine item %s: %s does not match its recorded "
				       "SHA-256; not restored",
				       id, data);
	}
	/* root puts a file of someone else's there: no symlink on the way may choose where */
	dir = quarantine_open_parent(item->path, (long)item->uid, &base, err, errlen);
	if (dir < 0) {
		close(fd);
		return -1;
	}
	if (fstatat(dir, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		quarantine_fail(err, errlen,
				"%s exists; not overwritten (move it away, then restore again)",
				item->path);
		goto out;
	}
	if (errno != ENOENT) {
		quarantine_fail(err, errlen, "cannot restore to %s: %s", item->path,
				strerror(errno));
		goto out;
	}
	/* owner before mode: chown clears set-id bits */
	times[1].tv_sec = (time_t)item->mtime;
	if (fchown(fd, item->uid, item->gid) != 0 || fchmod(fd, item->mode) != 0 ||
	    (item->mtime >= 0 && futimens(fd, times) != 0)) {
		e = errno;
		goto protect;
	}
	if (renameat2(qfd, data, dir, base, RENAME_NOREPLACE) == 0) {
		fsync(dir);
	} else {
		e = errno;
		if (e != EXDEV)
			goto protect;
		quarantine_make_root_only(fd); /* it sits in a root-only folder either way */
		if (restore_by_copy(qfd, fd, dir, base, item, err, errlen) != 0)
			goto out;
	}
	if (unlinkat(qfd, meta, 0) != 0) {
		quarantine_fail(err, errlen, "%s restored, but its record %s remains: %s",
				item->path, meta, strerror(errno));
		goto out;
	}
	fsync(qfd);
	rc = 0;
	goto out;
protect:
	quarantine_make_root_only(fd); /* it sits in a root-only folder either way */
	quarantine_fail(err, errlen, "cannot restore %s to %s: %s", id, item->path,
			e == EEXIST ? "a file appeared there; not overwritten" : strerror(e));
out:
	close(dir);
	close(fd);
	return rc;
}

int quarantine_delete(int qfd, const char *id, struct quarantine_item *item, char *err,
		      size_t errlen)
{
	char data[48], meta[48], tmp[48];

	if (load_item(qfd, id, item, err, errlen) != 0)
		return -1;
	quarantine_item_names(id, data, meta, tmp);
	if (unlinkat(qfd, data, 0) != 0 && errno != ENOENT)
		return quarantine_fail(err, errlen, "cannot delete %s: %s", data, strerror(errno));
	if (unlinkat(qfd, meta, 0) != 0)
		return quarantine_fail(err, errlen, "cannot delete %s: %s", meta, strerror(errno));
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
		return quarantine_fail(err, errlen, "cannot list the quarantine folder: %s",
				       strerror(errno));
	}
	while ((de = readdir(dir))) {
		len = strlen(de->d_name);
		if (len != QUARANTINE_ID_LEN + 5 ||
		    strcmp(de->d_name + QUARANTINE_ID_LEN, ".meta") != 0)
			continue;
		snprintf(id, sizeof(id), "%.*s", QUARANTINE_ID_LEN, de->d_name);
		if (*n == cap) {
			struct quarantine_item *grown =
				realloc(*items, (cap ? cap * 2 : 16) * sizeof(**items));
			if (!grown) {
				rc = quarantine_fail(err, errlen, "out of memory");
				break;
			}
			*items = grown;
			cap = cap ? cap * 2 : 16;
		}
		if (load_item(qfd, id, &(*items)[*n], why, sizeof(why)) != 0) {
			if (!err[0])
				quarantine_fail(err, errlen, "%s", why);
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
