/*
 * Moving files into the quarantine folder. The order of steps is what keeps
 * every file somewhere at every moment:
 *
 *  rename (one filesystem): ID.meta written and synced, then the file renamed
 *    to ID.data, checked to be the inode we meant, then made root's and 0400;
 *  copy (another filesystem, or a file with several links): ID.data written
 *    and synced, then ID.meta, then the original unlinked if its name still
 *    points at the inode we copied.
 *
 * A failure undoes what was done so far (the partial copy and ID.meta are
 * removed, a renamed file is renamed back).
 */
#include "common/quarantine_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/* Writes ID.meta durably: a temporary file, synced, renamed into place, the folder synced. */
static int write_meta(int qfd, const struct quarantine_item *item, bool replace, char *err,
		      size_t errlen)
{
	char data[48], meta[48], tmp[48], *text = malloc(QUARANTINE_META_MAX);
	int len, fd = -1, rc = -1;

	quarantine_item_names(item->id, data, meta, tmp);
	if (!text)
		return quarantine_fail(err, errlen, "out of memory");
	len = quarantine_meta_format(item, text, QUARANTINE_META_MAX);
	if (len < 0) {
		quarantine_fail(err, errlen, "the quarantine record of %s is too long", item->path);
		goto done;
	}
	fd = openat(qfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0400);
	if (fd < 0) {
		quarantine_fail(err, errlen, "cannot write %s in the quarantine folder: %s", tmp,
				strerror(errno));
		goto done;
	}
	if (write(fd, text, (size_t)len) != len || fsync(fd) != 0) {
		quarantine_fail(err, errlen, "cannot write %s in the quarantine folder: %s", tmp,
				strerror(errno));
		goto unlink_tmp;
	}
	if (renameat2(qfd, tmp, qfd, meta, replace ? 0 : RENAME_NOREPLACE) != 0) {
		quarantine_fail(err, errlen, "cannot write %s in the quarantine folder: %s", meta,
				strerror(errno));
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
		return quarantine_fail(err, errlen, "%s: not a file name", path);
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if (!realpath(dir, real))
		return quarantine_fail(err, errlen, "%s: %s", path, strerror(errno));
	if (snprintf(out, size, "%s%s%s", real, strcmp(real, "/") ? "/" : "", base) >= (int)size)
		return quarantine_fail(err, errlen, "%s: path too long", path);
	return 0;
}

static bool same_content_state(const struct stat *a, const struct stat *b)
{
	return a->st_size == b->st_size && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/*
 * The file came in by rename but is not (or cannot be made) what we meant to
 * quarantine: put it back. If even that fails it stays, recorded, in quarantine.
 */
static int rename_back(int qfd, int dir, const char *base, const struct quarantine_item *item,
		       const char *why, char *err, size_t errlen)
{
	char data[48], meta[48], tmp[48];

	quarantine_item_names(item->id, data, meta, tmp);
	if (renameat2(qfd, data, dir, base, RENAME_NOREPLACE) != 0)
		return quarantine_fail(
			err, errlen,
			"%s; putting it back failed (%s): it is kept in quarantine as %s", why,
			strerror(errno), item->id);
	unlinkat(qfd, meta, 0);
	fsync(qfd);
	return quarantine_fail(err, errlen, "%s; left in place", why);
}

/* 0: moved; 1: another filesystem (copy instead); -1: failed, file in place. */
static int move_by_rename(int qfd, int dir, const char *base, int src, const struct stat *st,
			  struct quarantine_item *item, char *err, size_t errlen)
{
	char data[48], meta[48], tmp[48], why[PATH_MAX + 128];
	struct stat now;
	int fd, e;

	quarantine_item_names(item->id, data, meta, tmp);
	if (quarantine_copy_and_hash(src, -1, item->sha256, NULL) != 0)
		return quarantine_fail(err, errlen, "cannot read %s: %s", item->path,
				       strerror(errno));
	if (write_meta(qfd, item, false, err, errlen) != 0)
		return -1;
	if (renameat2(dir, base, qfd, data, RENAME_NOREPLACE) != 0) {
		e = errno;
		unlinkat(qfd, meta, 0);
		fsync(qfd);
		if (e == EXDEV)
			return 1;
		return quarantine_fail(err, errlen, "cannot move %s into the quarantine folder: %s",
				       item->path, strerror(e));
	}
	fd = openat(qfd, data, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &now) != 0 || !quarantine_same_inode(&now, st)) {
		if (fd >= 0)
			close(fd);
		snprintf(why, sizeof(why), "%s was replaced while it was being moved", item->path);
		return rename_back(qfd, dir, base, item, why, err, errlen);
	}
	if (!quarantine_make_root_only(fd)) {
		snprintf(why, sizeof(why), "cannot protect %s in quarantine: %s", item->path,
			 strerror(errno));
		if (fchown(fd, st->st_uid, st->st_gid) != 0 ||
		    fchmod(fd, st->st_mode & 07777) != 0) {
			/* keep going: rename_back reports where the file ended up */
		}
		close(fd);
		return rename_back(qfd, dir, base, item, why, err, errlen);
	}
	/* a writer that kept it open changed it after we hashed: record what we hold */
	if (!same_content_state(&now, st) &&
	    (quarantine_copy_and_hash(fd, -1, item->sha256, &item->size) != 0 ||
	     write_meta(qfd, item, true, err, errlen) != 0)) {
		/* the item stands with the first digest; a restore will say it differs */
	}
	close(fd);
	fsync(qfd);
	fsync(dir);
	return 0;
}

static int move_by_copy(int qfd, int dir, const char *base, int src, const struct stat *st,
			struct quarantine_item *item, char *err, size_t errlen)
{
	char data[48], meta[48], tmp[48];
	struct stat after, current;
	int dst;

	quarantine_item_names(item->id, data, meta, tmp);
	dst = openat(qfd, data, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0400);
	if (dst < 0)
		return quarantine_fail(err, errlen, "cannot create %s in the quarantine folder: %s",
				       data, strerror(errno));
	if (fchmod(dst, 0400) != 0 ||
	    quarantine_copy_and_hash(src, dst, item->sha256, &item->size) != 0 || fsync(dst) != 0) {
		quarantine_fail(err, errlen, "cannot copy %s into the quarantine folder: %s",
				item->path, strerror(errno));
		goto undo;
	}
	if (fstat(src, &after) != 0 || !same_content_state(&after, st)) {
		quarantine_fail(err, errlen, "%s changed while it was being copied; left in place",
				item->path);
		goto undo;
	}
	if (write_meta(qfd, item, false, err, errlen) != 0)
		goto undo;
	/* only now the original goes, and only if its name still points at what we copied */
	if (fstatat(dir, base, &current, AT_SYMLINK_NOFOLLOW) != 0 ||
	    !quarantine_same_inode(&current, st)) {
		quarantine_fail(err, errlen,
				"%s was replaced while it was being copied; left in place",
				item->path);
		goto undo_meta;
	}
	if (unlinkat(dir, base, 0) != 0) {
		quarantine_fail(err, errlen, "cannot remove %s after copying it: %s; left in place",
				item->path, strerror(errno));
		goto undo_meta;
	}
	close(dst);
	fsync(dir);
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

/* True if dir is the quarantine folder itself. */
static bool in_quarantine(int qfd, int dir)
{
	struct stat q, d;

	return fstat(qfd, &q) == 0 && fstat(dir, &d) == 0 && quarantine_same_inode(&q, &d);
}

int quarantine_store(int qfd, const char *path, const struct stat *expect, const char *plugin,
		     const char *threat, struct quarantine_item *item, char *err, size_t errlen)
{
	const char *base;
	struct stat st;
	int dir, src = -1, rc = -1;

	memset(item, 0, sizeof(*item));
	if (absolute_path(path, item->path, sizeof(item->path), err, errlen) != 0)
		return -1;
	/* every step from here is relative to the folder, reached without following a symlink */
	dir = quarantine_open_parent(item->path, -1, &base, err, errlen);
	if (dir < 0)
		return -1;
	if (in_quarantine(qfd, dir)) {
		quarantine_fail(err, errlen, "%s is in the quarantine folder already", item->path);
		goto out;
	}
	src = openat(dir, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (src < 0) {
		quarantine_fail(err, errlen, "%s: %s%s", item->path, strerror(errno),
				errno == ELOOP ? " (a symlink: not followed)" : "");
		goto out;
	}
	if (fstat(src, &st) != 0 || !S_ISREG(st.st_mode)) {
		quarantine_fail(err, errlen, "%s: not a regular file", item->path);
		goto out;
	}
	if (expect && !quarantine_same_inode(&st, expect)) {
		quarantine_fail(err, errlen, "%s is another file than the one scanned; left alone",
				item->path);
		goto out;
	}
	if (new_id(item->id) != 0) {
		quarantine_fail(err, errlen, "no random bytes for a quarantine ID: %s",
				strerror(errno));
		goto out;
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
	rc = 1;
	if (st.st_nlink == 1)
		rc = move_by_rename(qfd, dir, base, src, &st, item, err, errlen);
	if (rc > 0)
		rc = move_by_copy(qfd, dir, base, src, &st, item, err, errlen);
out:
	if (src >= 0)
		close(src);
	close(dir);
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
