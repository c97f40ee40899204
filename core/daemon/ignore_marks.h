/*
 * The allow-cache in the kernel: an ignore mark on a clean file's inode stops
 * its permission events until the file is modified. The best flavour this
 * kernel has is probed once at start; where marks cannot be evictable (they
 * pin inodes in memory), their number is bounded by flushing them all.
 * Used from the monitor thread and from pipeline threads: the counters are
 * atomic, everything else is set once by ignore_marks_init.
 */
#ifndef FANGUARD_IGNORE_MARKS_H
#define FANGUARD_IGNORE_MARKS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

struct ignore_marks {
	int fan_fd;
	uint64_t perm_mask; /* the permission events a mark ignores */
	bool wanted;        /* the verdict cache is on, so marks were asked for */
	unsigned flags; /* FAN_MARK_IGNORE or FAN_MARK_IGNORED_MASK, maybe | EVICTABLE; 0: none */
	unsigned bound; /* non-evictable marks at most */
	_Atomic unsigned long long live; /* non-evictable marks placed since the last flush */
	_Atomic unsigned long long placed, failures, flushes;
};

/* With wanted, probes the kernel's flavour (and warns if it has none); without, no marks. */
void ignore_marks_init(struct ignore_marks *im, int fan_fd, uint64_t perm_mask, bool wanted,
		       unsigned bound);
/* True if marks are placed at all. */
static inline bool ignore_marks_enabled(const struct ignore_marks *im)
{
	return im->flags != 0;
}
/*
 * Marks fd's inode ignored if the file is still in state st; true if it
 * holds a mark now.
 */
bool ignore_marks_add_if_unchanged(struct ignore_marks *im, int fd, const struct stat *st);
/* Removes fd's mark, if marks are in use. */
void ignore_marks_remove(struct ignore_marks *im, int fd);
/* New signatures: every mark goes (the mount marks stay). */
void ignore_marks_flush(struct ignore_marks *im);
/* "kernel ignore marks (evictable)", "kernel ignore marks (bounded)", "user space only", "off". */
const char *ignore_marks_mode(const struct ignore_marks *im);

#endif
