#include "daemon/marks.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "common/path.h"
#include "common/textbuf.h"

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
		/* a mount below a watch path that root may not look into must not stop the refresh */
		if (!required) {
			log_warning("cannot mark %s: %s; it is not watched", path, strerror(errno));
			note_refused(mk, path, errno);
			return 0;
		}
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

/*
 * In a child: the FUSE mount's owner's uids and gids (the FUSE kernel lets in
 * no one else without allow_other, root included) and CAP_SYS_ADMIN alone
 * (fanotify asks it of filesystem marks), then the mark on the group's fd,
 * which is the daemon's. Raw system calls: the child of a threaded process.
 */
static int mark_in_child(const struct marks *mk, const struct reader_fs *fs)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct caps[2];
	uid_t uid = (uid_t)fs->owner;
	gid_t gid = fs->owner_gid;

	memset(caps, 0, sizeof(caps));
	caps[0].effective = caps[0].permitted = 1u << CAP_SYS_ADMIN;
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0 || syscall(SYS_setgroups, 0, NULL) != 0 ||
	    syscall(SYS_setresgid, gid, gid, gid) != 0 ||
	    syscall(SYS_setresuid, uid, uid, uid) != 0 || syscall(SYS_capset, &hdr, caps) != 0)
		return errno;
	if (fanotify_mark(mk->fan_fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, mk->mask, AT_FDCWD,
			  fs->mountpoint) != 0)
		return errno;
	return 0;
}

/* A FUSE mount made by a user: marked whole by a child acting as that user. */
static void mark_user_fuse(struct marks *mk, const struct reader_fs *fs)
{
	int status = 0, e;
	pid_t pid;

	if (fs_marked(mk, fs->dev))
		return;
	if (!mk->fs_marks || fs->owner < 0 || mk->n_fs >= MARKS_MAX_FS) {
		e = fs->owner < 0 ? EINVAL : ENOSPC;
		goto refused;
	}
	if ((pid = fork()) == 0)
		_exit(mark_in_child(mk, fs));
	if (pid < 0) {
		e = errno;
		goto refused;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	e = WIFEXITED(status) ? WEXITSTATUS(status) : EIO;
	if (e)
		goto refused;
	mk->fs[mk->n_fs++] = fs->dev;
	mk->count++;
	log_info("marked the FUSE filesystem mounted on %s by uid %ld (as that user: no one else "
		 "may look into it)",
		 fs->mountpoint, fs->owner);
	return;
refused:
	log_warning("cannot mark the FUSE filesystem mounted on %s by uid %ld: %s; it is not "
		    "watched",
		    fs->mountpoint, fs->owner, strerror(e));
	note_refused(mk, fs->mountpoint, e);
}

/* Filesystems no longer mounted here leave the list: their marks went with them, and a new
 * filesystem may get the same device number (anonymous ones are reused). */
static void forget_unmounted(struct marks *mk, const dev_t *present, size_t n_present)
{
	size_t k = 0;

	for (size_t i = 0; i < mk->n_fs; i++) {
		bool found = false;

		for (size_t j = 0; j < n_present && !found; j++)
			found = present[j] == mk->fs[i];
		if (found)
			mk->fs[k++] = mk->fs[i];
	}
	mk->n_fs = k;
}

static int by_id(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Keeps the ids array growing; false when out of memory. */
static bool grow(void **array, size_t n, size_t *cap, size_t size)
{
	void *more;

	if (n < *cap)
		return true;
	if (!(more = realloc(*array, (*cap = *cap ? 2 * *cap : 64) * size)))
		return false;
	*array = more;
	return true;
}

/* A mount below a watch path: its filesystem marked whole, and noted if its content may
 * differ per reader. */
static int mount_below_watch(struct marks *mk, const char *line, const char *mountpoint,
			     struct reader_fs *noted, size_t *n_noted, char *err, size_t errlen)
{
	struct reader_fs fs;

	if (!reader_fs_parse(line, &fs))
		return mark_path(mk, mountpoint, false, err, errlen);
	if (*n_noted < READER_FS_MAX)
		noted[(*n_noted)++] = fs;
	if (reader_fs_user_fuse(&fs)) {
		mark_user_fuse(mk, &fs);
		return 0;
	}
	return mark_path(mk, mountpoint, false, err, errlen);
}

/* Mount ids of our namespace, and marks for filesystems mounted below a watch path. */
static int read_mounts(struct marks *mk, char *err, size_t errlen)
{
	char line[8192], mountpoint[PATH_MAX];
	uint64_t *ids = NULL, id;
	dev_t *devs = NULL;
	size_t n = 0, cap = 0, dev_cap = 0, n_noted = 0;
	unsigned major, minor;
	struct reader_fs *noted = calloc(READER_FS_MAX, sizeof(*noted));
	FILE *f = fopen("/proc/self/mountinfo", "re");
	int rc = -1;

	if (!f || !noted) {
		snprintf(err, errlen, "cannot read /proc/self/mountinfo: %s", strerror(errno));
		goto out;
	}
	while (fgets(line, sizeof(line), f)) {
		/* fields: id parent major:minor root mountpoint ... */
		if (sscanf(line, "%lu %*s %u:%u %*s %4095s", &id, &major, &minor, mountpoint) != 4)
			continue;
		if (!grow((void **)&ids, n, &cap, sizeof(*ids)) ||
		    !grow((void **)&devs, n, &dev_cap, sizeof(*devs))) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		devs[n] = makedev(major, minor);
		ids[n++] = id;
		unescape_mountinfo(mountpoint);
		for (size_t i = 0; i < mk->cfg->n_watch; i++) {
			if (strcmp(mountpoint, mk->cfg->watch[i]) != 0 &&
			    path_is_under(mountpoint, mk->cfg->watch[i]) &&
			    mount_below_watch(mk, line, mountpoint, noted, &n_noted, err, errlen) !=
				    0)
				goto out;
		}
	}
	forget_unmounted(mk, devs, n);
	qsort(ids, n, sizeof(*ids), by_id);
	free(mk->ours);
	mk->ours = ids;
	mk->n_ours = n;
	ids = NULL;
	pthread_mutex_lock(&mk->noted_lock);
	memcpy(mk->noted, noted, n_noted * sizeof(*noted));
	mk->n_noted = n_noted;
	pthread_mutex_unlock(&mk->noted_lock);
	rc = 0;
out:
	if (f)
		fclose(f);
	free(ids);
	free(devs);
	free(noted);
	return rc;
}

int marks_init(struct marks *mk, int fan_fd, const struct config *cfg, uint64_t mask, char *err,
	       size_t errlen)
{
	memset(mk, 0, sizeof(*mk));
	pthread_mutex_init(&mk->noted_lock, NULL);
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

bool marks_reader_fs(struct marks *mk, dev_t dev, long *owner, bool *user_fuse)
{
	bool found = false;

	pthread_mutex_lock(&mk->noted_lock);
	for (size_t i = 0; i < mk->n_noted && !found; i++) {
		if (mk->noted[i].dev == dev) {
			found = true;
			*owner = mk->noted[i].owner;
			*user_fuse = reader_fs_user_fuse(&mk->noted[i]);
		}
	}
	pthread_mutex_unlock(&mk->noted_lock);
	return found;
}

void marks_format_reader_fs(struct marks *mk, enum user_fuse_policy policy, struct textbuf *tb)
{
	static const char *const user_fuse[] = {
		[USER_FUSE_SCAN] = "scanned (watch.user_fuse = scan: what it serves the scanners "
				   "may not be what it serves others)",
		[USER_FUSE_DENY_EXEC] = "exec denied (watch.user_fuse = deny_exec)",
		[USER_FUSE_DENY] = "open and exec denied (watch.user_fuse = deny)",
	};
	char shown[PATH_MAX * 4];

	pthread_mutex_lock(&mk->noted_lock);
	for (size_t i = 0; i < mk->n_noted; i++) {
		const struct reader_fs *fs = &mk->noted[i];

		/* a user names the folder: one line stays one line */
		log_escape(fs->mountpoint, shown, sizeof(shown));
		if (reader_fs_user_fuse(fs))
			textbuf_printf(tb, "user FUSE mount %s (%s, mounted by uid %ld): %s\n",
				       shown, fs->fstype, fs->owner, user_fuse[policy]);
		else
			textbuf_printf(tb,
				       "%s mount %s (%s): scanned; its content may differ per "
				       "reader\n",
				       fs->owner == 0 ? "root's FUSE" : "network filesystem", shown,
				       fs->fstype);
	}
	pthread_mutex_unlock(&mk->noted_lock);
}

void marks_free(struct marks *mk)
{
	if (mk->mountinfo_fd >= 0)
		close(mk->mountinfo_fd);
	free(mk->ours);
	mk->ours = NULL;
	pthread_mutex_destroy(&mk->noted_lock);
}
