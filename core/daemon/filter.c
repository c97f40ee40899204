#include "daemon/filter.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "common/log.h"
#include "common/path.h"
#include "common/procinfo.h"
#include "daemon/empty_file.h"
#include "daemon/exe_trust.h"
#include "daemon/monitor_internal.h"

static bool uid_excluded(const struct config *cfg, uid_t uid)
{
	for (size_t i = 0; i < cfg->n_exclude_uid; i++)
		if (cfg->exclude_uid[i] == uid)
			return true;
	return false;
}

/*
 * watch.exclude_exe and exclude_uid: the opener's executable and uids, read
 * from /proc only when such exclusions exist. The opener is blocked in open()
 * until we answer, so its pid passes to no other process unless it dies, and
 * then the answer reaches no one. The uid must be excluded as both real
 * and effective uid: a set-uid program started by anyone else, or a root
 * daemon that only switched its effective uid, is scanned.
 */
static bool process_excluded(struct monitor *m, pid_t pid, const char *path,
			     struct filter_detail *d)
{
	const struct config *cfg = m->cfg;
	char exe[PATH_MAX], why[PATH_MAX + 600];
	uid_t real, effective;
	unsigned long suppressed;

	if (path_set_size(&cfg->exclude_exe) > 0 && procinfo_exe(pid, exe, sizeof(exe)) > 0 &&
	    path_set_match(&cfg->exclude_exe, exe)) {
		if (exe_trust_runs_only_its_program(pid, exe, why, sizeof(why))) {
			d->count = &m->n.excluded_exe;
			log_debug("excluded: %s by pid %d (exe %s)", path, (int)pid, exe);
			return true;
		}
		m->n.exe_not_excluded++;
		if (ratelimit_pass(&m->rl_untrusted_exe, &suppressed))
			log_warning("%s (pid %d) is not excluded: %s; %s is scanned (+%lu more)",
				    exe, (int)pid, why, path, suppressed);
	}
	if (cfg->n_exclude_uid > 0 && procinfo_uids(pid, &real, &effective) == 0) {
		d->have_uid = true; /* a scan takes turns by it too: read once */
		d->uid = real;
		if (uid_excluded(cfg, real) && uid_excluded(cfg, effective)) {
			d->count = &m->n.excluded_uid;
			log_debug("excluded: %s by pid %d (uid %u)", path, (int)pid,
				  (unsigned)real);
			return true;
		}
	}
	return false;
}

static bool too_large(struct monitor *m, const struct scan_request *req, bool report)
{
	enum decision on_too_large = m->cfg->verdict.on_too_large;
	unsigned long suppressed;

	if (!m->cfg->max_file_size || (unsigned long long)req->st.st_size <= m->cfg->max_file_size)
		return false;
	if (ratelimit_pass(&m->rl_large, &suppressed))
		log_info("not scanned, larger than watch.max_file_size (%llu bytes): %s, %s "
			 "(on_too_large) (+%lu more)",
			 m->cfg->max_file_size, req->path,
			 on_too_large != DECISION_DENY ? "allowed"
			 : report                      ? "allowed (would be denied: report mode)"
						       : "denied",
			 suppressed);
	return true;
}

/*
 * fstat, and the mount the fd was opened through, in one call: statx with
 * STATX_MNT_ID (Linux 5.8). Without a mount id, 0: no mount of ours. 1 when
 * the filesystem hides the file's attributes from us (a user's FUSE mount
 * without allow_other lets root in no more than anyone): st has the device
 * alone, which a statx that asks for nothing still gets.
 */
static int stat_event_fd(int fd, struct stat *st, uint64_t *mnt_id)
{
	struct statx sx;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS | STATX_MNT_ID, &sx) != 0) {
		if (errno == EACCES && statx(fd, "", AT_EMPTY_PATH, 0, &sx) == 0) {
			memset(st, 0, sizeof(*st));
			st->st_dev = makedev(sx.stx_dev_major, sx.stx_dev_minor);
			*mnt_id = (sx.stx_mask & STATX_MNT_ID) ? sx.stx_mnt_id : 0;
			return 1;
		}
		return fstat(fd, st) == 0 ? (*mnt_id = 0, 0) : -1;
	}
	memset(st, 0, sizeof(*st));
	st->st_dev = makedev(sx.stx_dev_major, sx.stx_dev_minor);
	st->st_ino = sx.stx_ino;
	st->st_mode = sx.stx_mode;
	st->st_nlink = sx.stx_nlink;
	st->st_uid = sx.stx_uid;
	st->st_gid = sx.stx_gid;
	st->st_rdev = makedev(sx.stx_rdev_major, sx.stx_rdev_minor);
	st->st_size = (off_t)sx.stx_size;
	st->st_blksize = (blksize_t)sx.stx_blksize;
	st->st_blocks = (blkcnt_t)sx.stx_blocks;
	st->st_atim = (struct timespec){ sx.stx_atime.tv_sec, sx.stx_atime.tv_nsec };
	st->st_mtim = (struct timespec){ sx.stx_mtime.tv_sec, sx.stx_mtime.tv_nsec };
	st->st_ctim = (struct timespec){ sx.stx_ctime.tv_sec, sx.stx_ctime.tv_nsec };
	*mnt_id = (sx.stx_mask & STATX_MNT_ID) ? sx.stx_mnt_id : 0;
	return 0;
}

/*
 * The text that stands for a name the daemon cannot read (longer than PATH_MAX:
 * nested folders make one at will) or cannot attribute (see name_is_the_file).
 * It starts with '(' so that nothing, plugins' rules on the name included,
 * takes it for a path.
 */
static void name_unreadable(const struct stat *st, const char *why, char *out, size_t size)
{
	snprintf(out, size, "(name %s: device %u:%u, inode %llu)", why, major(st->st_dev),
		 minor(st->st_dev), (unsigned long long)st->st_ino);
}

/*
 * Whether the name the kernel gave the event fd leads to that very file in our
 * namespace. A file opened by handle (open_by_handle_at) whose dentry was not
 * cached has a disconnected dentry: its name reads "/" (or a name relative to
 * nothing), which no path rule may judge (the root is not watched: it would be
 * allowed and ignore-marked, and every later open by its real name with it).
 * A rename between the two reads makes a mismatch too: scanned, which is safe.
 */
static bool name_is_the_file(const char *path, const struct stat *st)
{
	struct stat named;

	return path[0] == '/' && path[1] != '\0' &&
	       fstatat(AT_FDCWD, path, &named, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT) == 0 &&
	       named.st_dev == st->st_dev && named.st_ino == st->st_ino;
}

static enum fg_event_kind event_kind(const struct fanotify_event_metadata *ev)
{
	if (ev->mask & FAN_OPEN_EXEC_PERM)
		return FG_EVENT_EXEC;
	return (ev->mask & FAN_OPEN_PERM) ? FG_EVENT_OPEN : FG_EVENT_CLOSE_WRITE;
}

/*
 * A FUSE mount made by a user other than root (daemon/reader_fs.h) can serve
 * the scanners one content and the opener another, and without allow_other
 * lets no one but its owner look at it: watch.user_fuse decides instead of a
 * scan. True when it denies this permission event; req names the file.
 */
static bool user_fuse_denies(struct monitor *m, const struct fanotify_event_metadata *ev,
			     struct scan_request *req, struct filter_detail *d)
{
	enum user_fuse_policy policy = m->cfg->user_fuse;
	long owner;
	bool user_fuse;

	if (policy == USER_FUSE_SCAN ||
	    (policy == USER_FUSE_DENY_EXEC && !(ev->mask & FAN_OPEN_EXEC_PERM)) ||
	    !marks_reader_fs(&m->marks, req->st.st_dev, &owner, &user_fuse) || !user_fuse)
		return false;
	if (procinfo_fd_path(ev->fd, req->path, sizeof(req->path)) <= 0)
		name_unreadable(&req->st, "too long to read", req->path, sizeof(req->path));
	req->pid = ev->pid;
	req->kind = event_kind(ev);
	d->fuse_owner = owner;
	d->count = &m->n.user_fuse_denied;
	/* its mode by its path; the strictest where the path cannot be believed */
	d->report = policy_strictest(&m->cfg->policy) == SCAN_MODE_REPORT;
	return true;
}

bool filter_background_path(struct monitor *m, const char *path, const struct stat *st,
			    bool *report)
{
	const struct config *cfg = m->cfg;

	if (!S_ISREG(st->st_mode) || path_is_under(path, cfg->quarantine_dir) ||
	    !path_is_watched(path, cfg->watch, cfg->n_watch) || path_set_match(&cfg->exclude, path))
		return false;
	if (cfg->max_file_size && (unsigned long long)st->st_size > cfg->max_file_size)
		return false;
	*report = policy_mode_for(&cfg->policy, path, NULL) == SCAN_MODE_REPORT;
	return true;
}

enum filter_decision filter_event(struct monitor *m, const struct fanotify_event_metadata *ev,
				  struct scan_request *req, struct filter_detail *d)
{
	bool permission = ev->mask & (FAN_OPEN_PERM | FAN_OPEN_EXEC_PERM), ours;
	const struct config *cfg = m->cfg;
	uint64_t mnt_id;
	int got;

	*d = (struct filter_detail){ 0 };
	/* Our own accesses, and our scanners', would wait on ourselves. */
	if (ev->pid == m->self || pipeline_is_helper_pid(m->pipeline, ev->pid)) {
		d->count = &m->n.own;
		return FILTER_ALLOW_NO_MARK;
	}
	if ((got = stat_event_fd(ev->fd, &req->st, &mnt_id)) < 0)
		return FILTER_ALLOW_NO_MARK;
	if (permission && (got == 1 || S_ISREG(req->st.st_mode)) && user_fuse_denies(m, ev, req, d))
		return FILTER_DENY_USER_FUSE;
	/* attributes hidden (a user's FUSE mount, user_fuse allowed it): nothing to scan with */
	if (got == 1 || !S_ISREG(req->st.st_mode))
		return FILTER_ALLOW_NO_MARK;
	d->written = !permission;
	if (!permission && !(cfg->events & CONFIG_EVENT_CLOSE_WRITE))
		return FILTER_DISCARD;
	ours = marks_mount_is_ours(&m->marks, mnt_id);
	if (ours && procinfo_fd_path(ev->fd, req->path, sizeof(req->path)) > 0 &&
	    name_is_the_file(req->path, &req->st)) {
		/*
		 * The quarantine is never scanned (a restore reads it back), and gets
		 * no ignore mark either: the mark would follow a restored inode.
		 */
		if (path_is_under(req->path, cfg->quarantine_dir))
			return FILTER_ALLOW_NO_MARK;
		if (!path_is_watched(req->path, cfg->watch, cfg->n_watch))
			return FILTER_ALLOW_UNSCANNED;
		if (path_set_match(&cfg->exclude, req->path)) {
			d->count = &m->n.excluded_path;
			return FILTER_ALLOW_UNSCANNED;
		}
		d->report = policy_mode_for(&cfg->policy, req->path, NULL) == SCAN_MODE_REPORT;
		d->named = true;
	} else if (!ours) {
		/*
		 * Opened through a mount of another namespace (a user namespace's copy,
		 * an overlayfs layer's private mount): the fd's path is relative to a
		 * root we do not share, so no path rule can be trusted. Scanned.
		 */
		char shown[PATH_MAX - 96];

		if (procinfo_fd_path(ev->fd, shown, sizeof(shown)) <= 0)
			name_unreadable(&req->st, "too long to read", shown, sizeof(shown));
		snprintf(req->path, sizeof(req->path), "%s (through a mount of another namespace)",
			 shown);
		d->count = &m->n.foreign;
		/* nor can its mode: a user could reach a block path that way */
		d->report = policy_strictest(&cfg->policy) == SCAN_MODE_REPORT;
	} else {
		/*
		 * No name to filter by (longer than PATH_MAX, say: nested folders make
		 * one at will; or one that does not lead to the file, as a file opened
		 * by handle has), but an event of a marked filesystem: scanned,
		 * through the fd, never allowed for lack of a name, so never
		 * ignore-marked unscanned. No path exclusion applies.
		 */
		name_unreadable(&req->st, req->path[0] ? "not attributable" : "too long to read",
				req->path, sizeof(req->path));
		d->count = &m->n.unnamed;
		d->report = policy_strictest(&cfg->policy) == SCAN_MODE_REPORT;
	}
	if (too_large(m, req, d->report)) {
		d->count = &m->n.too_large;
		return permission && cfg->verdict.on_too_large == DECISION_DENY
			       ? FILTER_DENY_TOO_LARGE
			       : FILTER_ALLOW_UNSCANNED;
	}
	/* no ignore mark here: the same file opened by anyone else must still be scanned */
	if (process_excluded(m, ev->pid, req->path, d))
		return FILTER_ALLOW_NO_MARK;
	req->pid = ev->pid;
	req->kind = event_kind(ev);
	if (!permission)
		return FILTER_CLOSE_WRITE;
	if (m->caching && cache_lookup(&m->cache, &req->st, &d->cached, &d->threats))
		return FILTER_FROM_CACHE;
	/*
	 * An empty file while empty files are known clean (empty_file.h). No
	 * ignore mark: such a file is mostly written next, which would clear it.
	 */
	if (m->caching && cache_empty_is_clean(&m->cache) &&
	    empty_file_certain(ev->fd, &req->st, req->kind)) {
		d->count = &m->n.empty_clean;
		return FILTER_ALLOW_NO_MARK;
	}
	return FILTER_SCAN;
}
