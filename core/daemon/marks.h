/*
 * What the kernel watches: a mount mark for each watch path's mount and for
 * every mount below a watch path, as /proc/self/mountinfo lists them at start.
 */
#ifndef FANGUARD_MARKS_H
#define FANGUARD_MARKS_H

#include <stddef.h>
#include <stdint.h>

#include "common/config.h"

/*
 * Marks the mounts of cfg's watch paths on fan_fd for the events in mask,
 * counting each mark in *count. On failure returns -1 with the reason in err.
 */
int marks_add_watch_paths(int fan_fd, const struct config *cfg, uint64_t mask, unsigned *count,
			  char *err, size_t errlen);

#endif
