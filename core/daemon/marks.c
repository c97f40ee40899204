#include "daemon/marks.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/path.h"

/* Decodes the octal escapes (\040 for space) mountinfo uses in paths. */
static void unescape_mountinfo(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

static bool fs_marked(const struct marks *mk, dev_t dev)
{
	for (size_t i = 0; i < mk->n_fs; i++)
		if (mk->fs[i] == dev)
			return true;
	return false;
}

static void note_refused(struct marks *mk, const char *path, int e)
{
	size_t len = strlen(mk->refused);

	snprintf(mk->refused + len, sizeof(mk->refused) - len, "%s%s (%s)", len ? ", " : "", path,
		 strerror(e));
}

/*
 * The filesystem path lives on, marked whole once; a mount mark where the
 * kernel refuses (older than 4.20, or a filesystem it will not mark whole).
 */
static int mark_path(struct marks *mk, const char *path, bool required, char *err, size_t errlen)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		snprintf(err, errlen, "cannot mark %s: %s", path, strerror(errno));
		return -1;
	}
	if (fs_marked(mk, st.st_dev))
		return 0;
	if (mk->fs_marks && mk->n_fs < MARKS_MAX_FS &&
	    fanotify_mark(mk->fan_fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, mk->mask, AT_FDCWD,
			  path) == 0) {
		mk->fs[mk->n_fs++] = st.st_dev;
		mk->count++;
		log_debug("marked the filesystem of %s", path);
		return 0;
	}
	if (mk->fs_marks && errno == EINVAL) {
		mk->fs_marks = false; /* the kernel has no filesystem marks (before 4.20) */
		log_warning(
			"this kernel refuses fanotify filesystem marks: mount marks only, which "
			"do not see opens through other mounts (bind mounts, user namespaces, "
			"overlayfs)");
	} else if (mk->fs_marks) {
		log_warning("the filesystem of %s cannot be marked whole (%s): only its mount "
			    "there is watched; opens through other mounts of it are not seen",
			    path, strerror(errno));
		note_refused(mk, path, errno);
	}
	if (fanotify_mark(mk->fan_fd, FAN_MARK_ADD | FAN_MARK_MOUNT, mk->mask, AT_FDCWD, path) !=
	    0) {
		if (!required) {
			log_warning("cannot mark %s: %s; it is not watched", path, strerror(errno));
			note_refused(mk, path, errno);
			return 0;
		}
		snprintf(err, errlen, "cannot mark the mount of %s: %s", path, strerror(errno));
		return -1;
	}
	mk->count++;
	log_debug("marked mount %s", path);
	return 0;
}

static int by_id(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Mount ids of our namespace, and marks for filesystems mounted below a watch path. */
static int read_mounts(struct marks *mk, char *err, size_t errlen)
{
	char line[8192], mountpoint[PATH_MAX];
	uint64_t *ids = NULL, id;
	size_t n = 0, cap = 0;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	if (!f) {
		snprintf(err, errlen, "cannot read /proc/self/mountinfo: %s", strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		/* fields: id parent major:minor root mountpoint ... */
		if (sscanf(line, "%lu %*s %*s %*s %4095s", &id, mountpoint) != 2)
			continue;
		if (n == cap) {
			uint64_t *more = realloc(ids, (cap = cap ? 2 * cap : 64) * sizeof(*ids));
			if (!more) {
				free(ids);
				fclose(f);
				snprintf(err, errlen, "out of memory");
				return -1;
			}
			ids = more;
		}
		ids[n++] = id;
		unescape_mountinfo(mountpoint);
		for (size_t i = 0; i < mk->cfg->n_watch; i++) {
			if (strcmp(mountpoint, mk->cfg->watch[i]) != 0 &&
			    path_is_under(mountpoint, mk->cfg->watch[i]) &&
			    mark_path(mk, mountpoint, false, err, errlen) != 0) {
				free(ids);
				fclose(f);
				return -1;
			}
		}
	}
	fclose(f);
	qsort(ids, n, sizeof(*ids), by_id);
	free(mk->ours);
	mk->ours = ids;
	mk->n_ours = n;
	return 0;
}

int marks_init(struct marks *mk, int fan_fd, const struct config *cfg, uint64_t mask, char *err,
	       size_t errlen)
{
	memset(mk, 0, sizeof(*mk));
	mk->fan_fd = fan_fd;
	mk->mask = mask;
	mk->cfg = cfg;
	mk->fs_marks = true;
	mk->mountinfo_fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	for (size_t i = 0; i < cfg->n_watch; i++)
		if (mark_path(mk, cfg->watch[i], true, err, errlen) != 0)
			return -1;
	return read_mounts(mk, err, errlen);
}

void marks_refresh(struct marks *mk)
{
	char err[512];
	unsigned before = mk->count;

	if (read_mounts(mk, err, sizeof(err)) != 0)
		log_error("mount table changed: %s", err);
	else if (mk->count > before)
		log_info("mount table changed: %u new mark(s) for filesystems mounted below the "
			 "watch paths",
			 mk->count - before);
}

bool marks_mount_is_ours(const struct marks *mk, uint64_t mnt_id)
{
	return bsearch(&mnt_id, mk->ours, mk->n_ours, sizeof(*mk->ours), by_id) != NULL;
}

const char *marks_mode(const struct marks *mk)
{
	return mk->fs_marks ? "filesystem marks"
			    : "mount marks (this kernel refuses filesystem marks)";
}

void marks_free(struct marks *mk)
{
	if (mk->mountinfo_fd >= 0)
		close(mk->mountinfo_fd);
	free(mk->ours);
	mk->ours = NULL;
}
