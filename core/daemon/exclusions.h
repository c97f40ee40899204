/*
 * The exclusions (watch.exclude, exclude_exe, exclude_uid) and the modes
 * (verdict.mode, policy sections) change with a reload: the monitor's thread swaps fresh ones into the running config under
 * a lock, and other threads (the control socket's status) read them under it.
 * The monitor's thread, their only writer, reads them without it.
 */
#ifndef FANGUARD_EXCLUSIONS_H
#define FANGUARD_EXCLUSIONS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/config.h"

struct textbuf;

/* True if cfg excludes anything. */
bool exclusions_any(const struct config *cfg);

/*
 * Loads cfg's file again and moves its exclusions into cfg, under lock. What
 * else changed and needs a restart is named in changed ("" if nothing). On a
 * config error returns -1 with the error in err and cfg untouched.
 */
int exclusions_reload(struct config *cfg, pthread_mutex_t *lock, char *changed, size_t changed_size,
		      char *err, size_t errlen);

/*
 * "mode: PATH block|report (why)" for each watch path and each policy section
 * below it, then the mode of events whose path cannot be trusted; under lock.
 */
void exclusions_format_modes(const struct config *cfg, pthread_mutex_t *lock, struct textbuf *tb);

/* "excluding: PATH", "excluding programs: ...", "excluding uid: N" lines, read under lock. */
void exclusions_format(const struct config *cfg, pthread_mutex_t *lock, struct textbuf *tb);

#endif
