/*
 * What the kernel watches, and which events' paths can be believed.
 *
 * Each watch path's filesystem is marked whole (FAN_MARK_FILESYSTEM), and so
 * is every filesystem mounted below a watch path: a filesystem mark sees an
 * open through any mount of it — a bind mount, another mount namespace's
 * copy (`unshare -Urm`), an overlayfs layer (a container) —, where a mount
 * mark sees only its one mount. A kernel or filesystem that refuses a
 * filesystem mark gets mount marks, and the log says so.
 *
 * The event fd's path is read in the daemon's own view, which is the truth
 * only for mounts of the daemon's mount namespace: marks_mount_is_ours tells
 * those apart (by mount id), and an event through any other mount is scanned
 * with no path rule applied, never allowed for its path. The mount table is
 * read again when it changes (marks_refresh, on POLLPRI of marks_fd), so
 * mounts made later are told apart and filesystems mounted below a watch
 * path later are marked.
 *
 * An overlay at or below a watch path is never marked (overlay_layers.h: that
 * deadlocks the daemon); opens through it are seen on its layers' filesystems,
 * and a layer outside the watch paths (not marked: it could be /) is warned
 * about once and shown in status.
 *
 * Mounts below a watch path whose content may differ per reader (FUSE, network
 * filesystems: reader_fs.c) are noted for the filter and for status. A FUSE
 * mount made by a user without allow_other lets no one else in, root
 * included: its filesystem is marked by a child that takes the owner's uids
 * and keeps CAP_SYS_ADMIN.
 */
#ifndef FANGUARD_MARKS_H
#define FANGUARD_MARKS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/config.h"
#include "daemon/overlay_layers.h"
#include "daemon/reader_fs.h"

struct textbuf;

#define MARKS_MAX_BASE 64 /* filesystems of the watch paths themselves */

struct marks {
	int fan_fd;
	uint64_t mask;
	const struct config *cfg;
	int mountinfo_fd; /* /proc/self/mountinfo: POLLPRI when the mount table changes */
	uint64_t *ours;   /* mount ids of the daemon's namespace, sorted */
	size_t n_ours;
	/* filesystems marked whole: the watch paths' (n_base), then the last reading's */
	dev_t *fs;
	size_t n_fs, n_base, cap_fs;
	dev_t *warned; /* filesystems that could not be marked whole: warned about once */
	size_t n_warned, cap_warned;
	unsigned count;             /* marks placed (filesystem or mount) */
	bool fs_marks;              /* false: this kernel refused filesystem marks; mount marks */
	char refused[512];          /* filesystems that could not be marked, for status */
	pthread_mutex_t noted_lock; /* noted is replaced here and read by the control thread */
	struct reader_fs *noted;    /* at or below a watch path, content per reader */
	size_t n_noted;
	struct overlay_mount *overlays; /* at or below a watch path: never marked (noted_lock) */
	size_t n_overlays;
};

/*
 * Marks the filesystems of cfg's watch paths on fan_fd for the events in mask.
 * On failure returns -1 with the reason in err.
 */
int marks_init(struct marks *mk, int fan_fd, const struct config *cfg, uint64_t mask, char *err,
	       size_t errlen);
/* Reads the mount table again: new mount ids, new filesystems below a watch path marked. */
void marks_refresh(struct marks *mk);
/* True if mnt_id is a mount of the daemon's own namespace (its fd paths can be believed). */
bool marks_mount_is_ours(const struct marks *mk, uint64_t mnt_id);
/* The noted mount of filesystem dev: who mounted it (FUSE; else -1), a user's FUSE; false if none. */
bool marks_reader_fs(struct marks *mk, dev_t dev, long *owner, bool *user_fuse);
/* A FUSE mount at or below a watch path on filesystem dev: its mountpoint and who mounted it. */
bool marks_fuse_mount(struct marks *mk, dev_t dev, char *mountpoint, size_t size, long *owner);
/* One status line per noted mount, with what watch.user_fuse does to it, and per overlay. */
void marks_format_reader_fs(struct marks *mk, enum user_fuse_policy policy, struct textbuf *tb);
/* "filesystem marks on 2 filesystem(s)" or the mount-mark fallback, for the ready line. */
const char *marks_mode(const struct marks *mk);
void marks_free(struct marks *mk);

#endif
