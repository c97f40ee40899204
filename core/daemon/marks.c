#include "daemon/marks.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
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

static bool dev_in(const dev_t *devs, size_t n, dev_t dev)
{
	for (size_t i = 0; i < n; i++)
		if (devs[i] == dev)
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
	if (dev_in(mk->fs, mk->n_fs, st.st_dev))
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

/*
 * A mount at or below a watch path, marked again at every reading of the mount
 * table (marking a marked filesystem again changes nothing). Its device number
 * does not say whether it is marked: a filesystem unmounted and another mounted
 * in its place (FUSE, which an ordinary user may mount on a folder of his, or
 * tmpfs) often get the same anonymous device number, and the new one no mark.
 * The mount table gives the number, so nothing asks the filesystem (a FUSE
 * server could leave a stat unanswered, and the monitor's thread with it).
 */
static void mark_mount(struct marks *mk, const char *mountpoint, dev_t dev, dev_t *pass,
		       size_t *n_pass)
{
	if (dev_in(pass, *n_pass, dev))
		return;
	if (*n_pass < MARKS_MAX_FS && mk->fs_marks &&
	    fanotify_mark(mk->fan_fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, mk->mask, AT_FDCWD,
			  mountpoint) == 0) {
		pass[(*n_pass)++] = dev;
		if (!dev_in(mk->fs, mk->n_fs, dev)) {
			mk->count++;
			log_debug("marked the filesystem of %s", mountpoint);
		}
		return;
	}
	if (fanotify_mark(mk->fan_fd, FAN_MARK_ADD | FAN_MARK_MOUNT, mk->mask, AT_FDCWD,
			  mountpoint) == 0) {
		if (!dev_in(mk->mount_only, mk->n_mount_only, dev)) {
			if (mk->n_mount_only < MARKS_MAX_FS)
				mk->mount_only[mk->n_mount_only++] = dev;
			mk->count++;
			log_warning(
				"the filesystem of %s cannot be marked whole: only its mount "
				"there is watched; opens through other mounts of it are not seen",
				mountpoint);
		}
		return;
	}
	if (!dev_in(mk->mount_only, mk->n_mount_only, dev)) {
		if (mk->n_mount_only < MARKS_MAX_FS)
			mk->mount_only[mk->n_mount_only++] = dev;
		log_warning("cannot mark %s: %s; it is not watched", mountpoint, strerror(errno));
		note_refused(mk, mountpoint, errno);
	}
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
	size_t n = 0, cap = 0, n_pass = 0;
	dev_t pass[MARKS_MAX_FS];
	FILE *f = fopen("/proc/self/mountinfo", "re");

	if (!f) {
		snprintf(err, errlen, "cannot read /proc/self/mountinfo: %s", strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned major, minor;

		/* fields: id parent major:minor root mountpoint ... */
		if (sscanf(line, "%lu %*s %u:%u %*s %4095s", &id, &major, &minor, mountpoint) != 4)
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
			if (strcmp(mountpoint, mk->cfg->watch[i]) == 0 ||
			    path_is_under(mountpoint, mk->cfg->watch[i])) {
				mark_mount(mk, mountpoint, makedev(major, minor), pass, &n_pass);
				break;
			}
		}
	}
	fclose(f);
	/* what is marked now: the watch paths' own filesystems and this pass's */
	memcpy(mk->fs + mk->n_base, pass, n_pass * sizeof(*pass));
	mk->n_fs = mk->n_base + n_pass;
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
	mk->n_base = mk->n_fs;
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
