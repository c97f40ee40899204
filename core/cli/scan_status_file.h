/*
 * The progress of a scheduled scan, for `fanguard status`: a small text file
 * (schedule { progress }, /run/fanguard/scheduled-scan by default) that the
 * scan rewrites atomically every second and once more when it ends, and that
 * status reads whether or not the daemon runs.
 */
#ifndef FANGUARD_SCAN_STATUS_FILE_H
#define FANGUARD_SCAN_STATUS_FILE_H

#include <stdio.h>
#include <time.h>

enum scan_status_state { SCAN_STATUS_RUNNING, SCAN_STATUS_FINISHED, SCAN_STATUS_INTERRUPTED };

struct scan_status {
	enum scan_status_state state;
	long pid;
	time_t started, updated;
	unsigned long long done;  /* files looked at in this run: scanned or unchanged */
	unsigned long long total; /* files the counting walk found; 0 until it is done */
	int total_estimated;      /* total is what the last complete run looked at */
	unsigned long long unchanged, found, errors;
	long eta_s;  /* seconds left, -1 unknown */
	int full;    /* a full pass (the state ignored) */
	int resumed; /* the run goes on with a pass an earlier run left unfinished */
};

/* Writes s to path (a temporary file renamed over it, 0644); 0 or -1 with errno. */
int scan_status_write(const char *path, const struct scan_status *s);
/* "scheduled scan: ..." lines for path, or nothing when there is no such file. */
void scan_status_print(const char *path, FILE *out);

#endif
