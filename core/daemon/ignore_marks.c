#include "daemon/ignore_marks.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/fanotify.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/cache.h"

#ifndef FAN_MARK_EVICTABLE
#define FAN_MARK_EVICTABLE 0x00000200
#endif
#ifndef FAN_MARK_IGNORE
#define FAN_MARK_IGNORE 0x00000400
#endif

/*
 * The best ignore-mark flavour this kernel has: FAN_MARK_IGNORE (6.0) over the
 * older FAN_MARK_IGNORED_MASK, evictable (5.19) so marks never pin inodes in
 * memory. Tried on our own executable, then removed again.
 */
static unsigned probe_flavour(int fan_fd, uint64_t perm_mask)
{
	static const unsigned flavours[] = {
		FAN_MARK_IGNORE | FAN_MARK_EVICTABLE,
		FAN_MARK_IGNORED_MASK | FAN_MARK_EVICTABLE,
		FAN_MARK_IGNORE,
		FAN_MARK_IGNORED_MASK,
	};
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	unsigned found = 0;

	if (fd < 0)
		return 0;
	for (size_t i = 0; i < sizeof(flavours) / sizeof(flavours[0]); i++) {
		if (fanotify_mark(fan_fd, FAN_MARK_ADD | flavours[i], perm_mask, fd, NULL) == 0) {
			fanotify_mark(fan_fd, FAN_MARK_REMOVE | (flavours[i] & ~FAN_MARK_EVICTABLE),
				      perm_mask, fd, NULL);
			found = flavours[i];
			break;
		}
	}
	close(fd);
	return found;
}

void ignore_marks_init(struct ignore_marks *im, int fan_fd, uint64_t perm_mask, bool wanted,
		       unsigned bound)
{
	im->fan_fd = fan_fd;
	im->perm_mask = perm_mask;
	im->wanted = wanted;
	im->bound = bound;
	im->flags = 0;
	if (!wanted)
		return;
	im->flags = probe_flavour(fan_fd, perm_mask);
	if (!im->flags)
		log_warning("this kernel refuses fanotify ignore marks: every open will be an "
			    "event (the verdict cache still saves rescans)");
}

/* Asks the kernel not to send permission events for fd's inode until it is modified. */
static bool ignore_inode(struct ignore_marks *im, int fd)
{
	if (!im->flags)
		return false;
	if (!(im->flags & FAN_MARK_EVICTABLE) && atomic_fetch_add(&im->live, 1) >= im->bound) {
		/* pinned inodes must stay bounded: start over rather than grow */
		fanotify_mark(im->fan_fd, FAN_MARK_FLUSH, 0, AT_FDCWD, NULL);
		atomic_store(&im->live, 1);
		atomic_fetch_add(&im->flushes, 1);
	}
	/*
	 * The inode mark also asks for close_write (which the mount marks deliver
	 * already, so nothing more comes): with that it outlives the removal of its
	 * ignore mask (see ignore_marks_remove). Same evictability, or it would pin
	 * the inode.
	 */
	if (fanotify_mark(im->fan_fd, FAN_MARK_ADD | (im->flags & FAN_MARK_EVICTABLE),
			  FAN_CLOSE_WRITE, fd, NULL) != 0 ||
	    fanotify_mark(im->fan_fd, FAN_MARK_ADD | im->flags, im->perm_mask, fd, NULL) != 0) {
		atomic_fetch_add(&im->failures, 1);
		return false;
	}
	atomic_fetch_add(&im->placed, 1);
	return true;
}

/*
 * Only the ignore mask goes, never the mark itself. A permission event the
 * kernel queued while the mark was there holds it until answered (a scan:
 * milliseconds); were the mark destroyed meanwhile, the kernel would let every
 * other permission event on the inode pass, unseen, until then
 * (fsnotify_prepare_user_wait fails on a detached mark: "let the operation
 * pass"). The mark's close_write keeps it attached (ignore_inode).
 */
void ignore_marks_remove(struct ignore_marks *im, int fd)
{
	if (!im->flags)
		return;
	fanotify_mark(im->fan_fd, FAN_MARK_REMOVE | (im->flags & ~FAN_MARK_EVICTABLE),
		      im->perm_mask, fd, NULL);
}

/*
 * Checked before the mark: a mark is in force from the moment it is placed, so
 * one placed on a file already rewritten (st is the event's, and events wait
 * in the queue) would let an open through until the check after it removed
 * the mark again. The fstat after the mark closes the window between that
 * check and the mark: a write after the mark clears it, a write before it
 * shows in the fstat.
 */
bool ignore_marks_add_if_unchanged(struct ignore_marks *im, int fd, const struct stat *st)
{
	struct stat now;

	if (!im->flags || fstat(fd, &now) != 0 || !cache_same_state(st, &now))
		return false;
	if (!ignore_inode(im, fd))
		return false;
	if (fstat(fd, &now) != 0 || !cache_same_state(st, &now)) {
		ignore_marks_remove(im, fd);
		return false;
	}
	return true;
}

void ignore_marks_flush(struct ignore_marks *im)
{
	if (!im->flags)
		return;
	/* inode marks are only our ignore marks: the mount marks stay */
	if (fanotify_mark(im->fan_fd, FAN_MARK_FLUSH, 0, AT_FDCWD, NULL) != 0)
		log_error("cannot drop the kernel's cached verdicts: %s", strerror(errno));
	atomic_store(&im->live, 0);
}

const char *ignore_marks_mode(const struct ignore_marks *im)
{
	if (!im->wanted)
		return "off";
	if (!im->flags)
		return "user space only";
	return (im->flags & FAN_MARK_EVICTABLE) ? "kernel ignore marks (evictable)"
						: "kernel ignore marks (bounded)";
}
