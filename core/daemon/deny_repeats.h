/*
 * Repeated denies from the verdict cache, logged once per window. A user can
 * open a file the cache knows to deny as fast as the kernel answers: 100,000
 * opens wrote 100,000 log lines and event records in 7 s. The first deny of a
 * (file, process) is logged at once; its repeats within DENY_REPEATS_WINDOW_S
 * are counted and summed up in one line and one event record when the window
 * ends ("... and N more in 10 s"). The monitor's counters count every event.
 * The monitor thread's alone: no lock.
 */
#ifndef FANGUARD_DENY_REPEATS_H
#define FANGUARD_DENY_REPEATS_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "common/procinfo.h"
#include "fanguard/plugin.h"

#define DENY_REPEATS_WINDOW_S 10
/* (file, process) pairs followed at once; one more evicts the oldest of its bucket */
#define DENY_REPEATS_SLOTS 256

/* One deny of a file by a process, as logged. */
struct deny_seen {
	dev_t dev;
	ino_t ino;
	pid_t pid;
	enum fg_event_kind kind;
	bool report; /* a WOULD DENY of report mode */
	const struct procinfo *who;
	const char *path;
	const char *threats;
};

struct deny_repeat;

struct deny_repeats {
	struct deny_repeat *slots; /* DENY_REPEATS_SLOTS; NULL: every deny is logged */
	uint64_t next_end_ns;      /* the earliest window end with repeats to sum up; 0: none */
};

int deny_repeats_init(struct deny_repeats *d);
void deny_repeats_free(struct deny_repeats *d);
/*
 * True when this deny is to be logged (the first of its file and process in
 * a window, or no memory for the table); false when it was counted toward the
 * line that sums up its window. A window it ends is summed up first.
 */
bool deny_repeats_first(struct deny_repeats *d, const struct deny_seen *seen, uint64_t now_ns);
/* Sums up the windows ended by now_ns (every window when now_ns is UINT64_MAX). */
void deny_repeats_flush(struct deny_repeats *d, uint64_t now_ns);
/* Milliseconds until the next window with repeats ends, for poll(); -1: none. */
int deny_repeats_wait_ms(const struct deny_repeats *d, uint64_t now_ns);

#endif
