/*
 * What `fanguard scheduled-scan` adds to a scan run (cli/scan_run.h): the
 * incremental state (cli/scan_state.h) consulted by the walk and fed by each
 * clean verdict, the event records of detections when this process scans,
 * and a thread that keeps the progress file (cli/scan_status_file.h) fresh
 * and saves the state now and then, so that even a run killed without
 * warning loses at most SCHEDULED_CHECKPOINT_S of work.
 */
#ifndef FANGUARD_SCHEDULED_SCAN_H
#define FANGUARD_SCHEDULED_SCAN_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>

#include "cli/scan_run.h"
#include "cli/scan_state.h"
#include "cli/scan_status_file.h"

#define SCHEDULED_CHECKPOINT_S 60

struct scheduled_scan {
	struct scan_run *run;
	struct scan_state state;
	const char *state_path, *progress_path;
	bool full, resumed;
	atomic_ullong unchanged, scanned, quarantined;
	time_t started;
	uint64_t start_ns;
	/* the progress thread */
	pthread_t ticker;
	bool ticking;
	pthread_mutex_t lock;
	pthread_cond_t stop_cond;
	bool stop;
};

/* Sets the run's hooks to s's and starts the progress thread. */
void scheduled_scan_start(struct scheduled_scan *s, struct scan_run *run);
/* Stops the progress thread and writes the last progress (finished or interrupted). */
void scheduled_scan_stop(struct scheduled_scan *s);
/* The state after the run (complete when it walked everything), saved; 0 or -1 with err. */
int scheduled_scan_save(struct scheduled_scan *s, char *err, size_t errlen);

#endif
