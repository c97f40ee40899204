#include "daemon/marks.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "common/path.h"
#include "common/textbuf.h"

static void note_refused(struct marks *mk, const char *path, int e)
{
	size_t len = strlen(mk->refused);

	snprintf(mk->refused + len, sizeof(mk->refused) - len, "%s%s (%s)", len ? ", " : "", path,
		 strerror(e));
}

/* Keeps an array growing; false when out of memory (then *cap is left as it was). */
static bool grow(void **array, size_t n, size_t *cap, size_t size)
{
	size_t more_cap = *cap ? 2 * *cap : 64;
	void *more;

	if (n < *cap)
		return true;
	if (!(more = realloc(*array, more_cap * size)))
		return false;
	*array = more;
	*cap = more_cap;
	return true;
}

static bool dev_in(const dev_t *devs, size_t n, dev_t dev)
{
	for (size_t i = 0; i < n; i++)
		if (devs[i] == dev)
			return true;
	return false;
}

/*
 * The filesystem path lives on, marked whole once; a mount mark where the
 * kernel refuses (older than 4.20, or a filesystem it will not mark whole).
 */
static int mark_path(struct marks *mk, const char *path, bool required, char *err, size_t errlen)
{
	struct statfs sfs;
	struct stat st;

	if (statfs(path, &sfs) == 0 && sfs.f_type == OVERLAYFS_SUPER_MAGIC) {
		/* overlay_layers.h: marking an overlay deadlocks the daemon at its first event */
		log_warning(
			"the watch path %s is on an overlay: not marked (that would deadlock the "
			"daemon); files it gives are scanned only where its layers are on watch "
			"paths",
			path);
		note_refused(mk, path, EDEADLK);
		return 0;
	}
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
	if (dev_in(mk->fs, mk->n_fs, st.st_dev))
		return 0;
	if (mk->fs_marks && mk->n_fs < MARKS_MAX_BASE &&
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

/* What one reading of the mount table marked, and the mounts it found. */
struct pass {
	dev_t *marked; /* filesystems marked whole in this pass */
	size_t n_marked, cap_marked;
	struct reader_fs *noted; /* mounts whose content may differ per reader */
	size_t n_noted, cap_noted;
	struct overlay_mount *overlays; /* overlay mounts: never marked */
	size_t n_overlays, cap_overlays;
};

static bool pass_add_marked(struct pass *ps, dev_t dev)
{
	if (!grow((void **)&ps->marked, ps->n_marked, &ps->cap_marked, sizeof(dev)))
		return false;
	ps->marked[ps->n_marked++] = dev;
	return true;
}

/* A warning about this filesystem once, not at every change of the mount table. */
static bool first_warning(struct marks *mk, dev_t dev)
{
	if (dev_in(mk->warned, mk->n_warned, dev) ||
	    !grow((void **)&mk->warned, mk->n_warned, &mk->cap_warned, sizeof(dev)))
		return false;
	mk->warned[mk->n_warned++] = dev;
	return true;
}

/* Counted and logged once per filesystem marked that the last pass had not marked. */
static void marked_now(struct marks *mk, struct pass *ps, dev_t dev, const char *mountpoint,
		       long fuse_owner)
{
	if (!pass_add_marked(ps, dev) || dev_in(mk->fs, mk->n_fs, dev))
		return;
	mk->count++;
	if (fuse_owner > 0)
		log_info("marked the FUSE filesystem mounted on %s by uid %ld (as that user: no "
			 "one else may look into it)",
			 mountpoint, fuse_owner);
	else
		log_debug("marked the filesystem of %s", mountpoint);
}

/*
 * A mount at or below a watch path, marked again at every reading of the mount
 * table (marking a marked filesystem again changes nothing). Its device number
 * does not say whether it is marked: a filesystem unmounted and another mounted
 * in its place (FUSE, which a user may mount on a folder of his, or tmpfs)
 * often get the same anonymous device number, and the new one no mark. The
 * number comes from the mount table: nothing here asks the filesystem, whose
 * server (FUSE) could leave a stat unanswered, and the monitor's thread with it.
 */
static void mark_mount(struct marks *mk, struct pass *ps, const char *mountpoint, dev_t dev)
{
	if (dev_in(ps->marked, ps->n_marked, dev))
		return;
	if (mk->fs_marks && fanotify_mark(mk->fan_fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, mk->mask,
					  AT_FDCWD, mountpoint) == 0) {
		marked_now(mk, ps, dev, mountpoint, -1);
		return;
	}
	if (fanotify_mark(mk->fan_fd, FAN_MARK_ADD | FAN_MARK_MOUNT, mk->mask, AT_FDCWD,
			  mountpoint) == 0) {
		if (first_warning(mk, dev)) {
			mk->count++;
			log_warning(
				"the filesystem of %s cannot be marked whole: only its mount "
				"there is watched; opens through other mounts of it are not seen",
				mountpoint);
		}
		return;
	}
	if (first_warning(mk, dev)) {
		log_warning("cannot mark %s: %s; it is not watched", mountpoint, strerror(errno));
		note_refused(mk, mountpoint, errno);
	}
}

/*
 * In a child: a FUSE mount's owner's uids and gids (the FUSE kernel lets in no
 * one else without allow_other, root included) and CAP_SYS_ADMIN alone
 * (fanotify asks it of filesystem marks), then a mark on the group's fd, which
 * is the daemon's, for each of that owner's mounts: one errno each down `out`.
 * Raw system calls only: the child of a threaded process.
 */
static void mark_as_owner(const struct marks *mk, const struct reader_fs *fs, size_t n, int out)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct caps[2];
	uid_t uid = (uid_t)fs[0].owner;
	gid_t gid = fs[0].owner_gid;
	int e = 0;

	memset(caps, 0, sizeof(caps));
	caps[0].effective = caps[0].permitted = 1u << CAP_SYS_ADMIN;
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0 || syscall(SYS_setgroups, 0, NULL) != 0 ||
	    syscall(SYS_setresgid, gid, gid, gid) != 0 ||
	    syscall(SYS_setresuid, uid, uid, uid) != 0 || syscall(SYS_capset, &hdr, caps) != 0)
		e = errno;
	for (size_t i = 0; i < n; i++) {
		int r = e;

		if (!r && fs[i].owner == fs[0].owner && fs[i].owner_gid == gid &&
		    fanotify_mark(mk->fan_fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, mk->mask,
				  AT_FDCWD, fs[i].mountpoint) != 0)
			r = errno;
		if (fs[i].owner != fs[0].owner || fs[i].owner_gid != gid)
			r = -1; /* another owner's: the parent asks another child */
		if (write(out, &r, sizeof(r)) != (ssize_t)sizeof(r))
			_exit(1);
	}
	_exit(0);
}

/*
 * The user FUSE mounts of this pass (in ps->noted), marked by one child per
 * owner: a user who mounts and unmounts in a loop costs one fork per change of
 * the mount table, not one per mount.
 */
static void mark_user_fuse(struct marks *mk, struct pass *ps)
{
	for (size_t i = 0; i < ps->n_noted; i++) {
		const struct reader_fs *first = &ps->noted[i];
		int pipefd[2], status = 0;
		pid_t pid;

		if (!reader_fs_user_fuse(first) || first->handled)
			continue;
		if (!mk->fs_marks || pipe2(pipefd, O_CLOEXEC) != 0)
			continue;
		if ((pid = fork()) == 0) {
			close(pipefd[0]);
			mark_as_owner(mk, first, ps->n_noted - i, pipefd[1]);
		}
		close(pipefd[1]);
		for (size_t k = i; k < ps->n_noted; k++) {
			struct reader_fs *fs = &ps->noted[k];
			int r = EIO;

			if (pid < 0 || read(pipefd[0], &r, sizeof(r)) != (ssize_t)sizeof(r))
				r = pid < 0 ? errno : EIO;
			if (r == -1 || !reader_fs_user_fuse(fs) || fs->handled)
				continue;
			fs->handled = true;
			if (r == 0)
				marked_now(mk, ps, fs->dev, fs->mountpoint, fs->owner);
			else if (first_warning(mk, fs->dev)) {
				log_warning(
					"cannot mark the FUSE filesystem mounted on %s by uid %ld: "
					"%s; it is not watched",
					fs->mountpoint, fs->owner, strerror(r));
				note_refused(mk, fs->mountpoint, r);
			}
		}
		close(pipefd[0]);
		if (pid > 0)
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
	}
}

/* A layer is seen when it is on a watch path; a relative one (to whose folder?) is not known to be. */
struct layer_check {
	const struct config *cfg;
	struct overlay_mount *ov;
};

static bool layer_watched(const char *layer, void *arg)
{
	struct layer_check *lc = arg;
	char normal[PATH_MAX];

	if (path_normalize(layer, normal, sizeof(normal)) == 0 &&
	    path_is_watched(normal, lc->cfg->watch, lc->cfg->n_watch))
		return true;
	snprintf(lc->ov->outside_layer, sizeof(lc->ov->outside_layer), "%s", layer);
	return false;
}

/* Logged about in the last pass: the same mount, with the same layer outside (or none). */
static bool warned_before(const struct marks *mk, const struct overlay_mount *ov)
{
	for (size_t i = 0; i < mk->n_overlays; i++)
		if (mk->overlays[i].mnt_id == ov->mnt_id &&
		    strcmp(mk->overlays[i].outside_layer, ov->outside_layer) == 0)
			return true;
	return false;
}

/*
 * An overlay at or below a watch path: never marked (overlay_layers.h), only
 * noted, and a warning once per mount when one of its layers is not on a watch
 * path, whose files are then read through it with no event. Its layers outside
 * are not marked either: that could be the root filesystem.
 */
static bool note_overlay(struct marks *mk, struct pass *ps, const char *line,
			 struct overlay_mount *ov)
{
	struct layer_check lc = { .cfg = mk->cfg, .ov = ov };

	if (overlay_each_layer(line, layer_watched, &lc) < 0)
		return false;
	if (!grow((void **)&ps->overlays, ps->n_overlays, &ps->cap_overlays, sizeof(*ov)))
		return false;
	ps->overlays[ps->n_overlays++] = *ov;
	if (warned_before(mk, ov))
		return true;
	if (!ov->outside_layer[0]) {
		log_info("overlay on %s: not marked (that would deadlock the daemon); opens "
			 "through it are seen on its layers' filesystems",
			 ov->mountpoint);
		return true;
	}
	log_warning("overlay on %s: not marked (that would deadlock the daemon); its layer %s is "
		    "outside the watch paths, so files it gives are not scanned",
		    ov->mountpoint, ov->outside_layer);
	return true;
}

/* A mount at or below a watch path: noted if its content may differ per reader, marked. */
static bool mount_in_watch(struct marks *mk, struct pass *ps, const char *line,
			   const char *mountpoint, dev_t dev)
{
	struct overlay_mount ov;
	struct reader_fs fs;

	if (overlay_parse(line, &ov))
		return note_overlay(mk, ps, line, &ov);
	if (reader_fs_parse(line, &fs)) {
		if (!grow((void **)&ps->noted, ps->n_noted, &ps->cap_noted, sizeof(fs)))
			return false;
		fs.dev = dev;
		fs.handled = false;
		ps->noted[ps->n_noted++] = fs;
		if (reader_fs_user_fuse(&fs))
			return true; /* marked by its owner's child, after the walk */
	}
	mark_mount(mk, ps, mountpoint, dev);
	return true;
}

/* Mount ids of our namespace, and marks for filesystems mounted at or below a watch path. */
static int read_mounts(struct marks *mk, char *err, size_t errlen)
{
	char *line = NULL, mountpoint[PATH_MAX];
	size_t line_cap = 0;
	uint64_t *ids = NULL, id;
	size_t n = 0, cap = 0;
	unsigned major, minor;
	struct pass ps = { 0 };
	FILE *f = fopen("/proc/self/mountinfo", "re");
	int rc = -1;

	if (!f) {
		snprintf(err, errlen, "cannot read /proc/self/mountinfo: %s", strerror(errno));
		goto out;
	}
	/* getline: an overlay with many layers writes a line longer than any fixed buffer */
	while (getline(&line, &line_cap, f) > 0) {
		/* fields: id parent major:minor root mountpoint ... */
		if (sscanf(line, "%lu %*s %u:%u %*s %4095s", &id, &major, &minor, mountpoint) != 4)
			continue;
		if (!grow((void **)&ids, n, &cap, sizeof(*ids)))
			goto oom;
		ids[n++] = id;
		path_unescape_mountinfo(mountpoint);
		for (size_t i = 0; i < mk->cfg->n_watch; i++) {
			if (strcmp(mountpoint, mk->cfg->watch[i]) != 0 &&
			    !path_is_under(mountpoint, mk->cfg->watch[i]))
				continue;
			if (!mount_in_watch(mk, &ps, line, mountpoint, makedev(major, minor)))
				goto oom;
			break;
		}
	}
	mark_user_fuse(mk, &ps);
	/* marked now: the watch paths' own filesystems, and this pass's */
	while (mk->cap_fs < mk->n_base + ps.n_marked)
		if (!grow((void **)&mk->fs, mk->cap_fs, &mk->cap_fs, sizeof(dev_t)))
			goto oom;
	if (ps.n_marked) /* memcpy from NULL is undefined, even of 0 bytes */
		memcpy(mk->fs + mk->n_base, ps.marked, ps.n_marked * sizeof(dev_t));
	mk->n_fs = mk->n_base + ps.n_marked;
	qsort(ids, n, sizeof(*ids), by_id);
	free(mk->ours);
	mk->ours = ids;
	mk->n_ours = n;
	ids = NULL;
	pthread_mutex_lock(&mk->noted_lock);
	free(mk->noted);
	mk->noted = ps.noted;
	mk->n_noted = ps.n_noted;
	free(mk->overlays);
	mk->overlays = ps.overlays;
	mk->n_overlays = ps.n_overlays;
	pthread_mutex_unlock(&mk->noted_lock);
	ps.noted = NULL;
	ps.overlays = NULL;
	rc = 0;
	goto out;
oom:
	snprintf(err, errlen, "out of memory");
out:
	if (f)
		fclose(f);
	free(line);
	free(ids);
	free(ps.marked);
	free(ps.noted);
	free(ps.overlays);
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
	mk->cap_fs = MARKS_MAX_BASE;
	if (!(mk->fs = calloc(mk->cap_fs, sizeof(*mk->fs)))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
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

bool marks_fuse_mount(struct marks *mk, dev_t dev, char *mountpoint, size_t size, long *owner)
{
	bool found = false;

	pthread_mutex_lock(&mk->noted_lock);
	for (size_t i = 0; i < mk->n_noted && !found; i++) {
		const struct reader_fs *fs = &mk->noted[i];

		if (fs->dev == dev && strncmp(fs->fstype, "fuse", 4) == 0) {
			found = true;
			snprintf(mountpoint, size, "%s", fs->mountpoint);
			*owner = fs->owner;
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
	for (size_t i = 0; i < mk->n_overlays; i++) {
		const struct overlay_mount *ov = &mk->overlays[i];
		char layer[PATH_MAX * 4];

		log_escape(ov->mountpoint, shown, sizeof(shown));
		log_escape(ov->outside_layer, layer, sizeof(layer));
		if (ov->outside_layer[0])
			textbuf_printf(tb,
				       "overlay mount %s: not marked (that would deadlock the "
				       "daemon); its layer %s is outside the watch paths, so files "
				       "it gives are not scanned\n",
				       shown, layer);
		else
			textbuf_printf(tb,
				       "overlay mount %s: not marked (that would deadlock the "
				       "daemon); opens through it are seen on its layers' "
				       "filesystems\n",
				       shown);
	}
	pthread_mutex_unlock(&mk->noted_lock);
}

void marks_free(struct marks *mk)
{
	if (mk->mountinfo_fd >= 0)
		close(mk->mountinfo_fd);
	free(mk->ours);
	free(mk->fs);
	free(mk->warned);
	free(mk->noted);
	free(mk->overlays);
	mk->overlays = NULL;
	mk->ours = NULL;
	mk->fs = mk->warned = NULL;
	mk->noted = NULL;
	pthread_mutex_destroy(&mk->noted_lock);
}
