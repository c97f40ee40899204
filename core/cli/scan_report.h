/*
 * What `fanguard scan` prints: one line per file (clamscan's "PATH: THREAT FOUND"
 * style, or a JSON object per file with --json), the counters, the progress line
 * and the final summary. Safe to call from several scanning threads.
 */
#ifndef FANGUARD_SCAN_REPORT_H
#define FANGUARD_SCAN_REPORT_H

#include <pthread.h>
#include <stdbool.h>

#include "cli/scan_progress.h"

/* Exit codes follow clamscan: 0 nothing found, 1 something found, 2 errors. */
#define SCAN_EXIT_CLEAN 0
#define SCAN_EXIT_FOUND 1
#define SCAN_EXIT_ERROR 2
/* Ctrl-C before the end, nothing found: 128 + SIGINT, as shells report it */
#define SCAN_EXIT_INTERRUPTED 130

enum scan_result_kind {
	RESULT_ALLOW,   /* scanned; allowed (detections, if any, were outvoted) */
	RESULT_DENY,    /* scanned; the policy denies it */
	RESULT_SKIPPED, /* not scanned on purpose (too large, not a regular file) */
	RESULT_ERROR,   /* could not be scanned (why is in errors) */
};

/* One file's outcome, whoever scanned it (this process or the daemon). */
struct scan_result {
	const char *path;
	enum scan_result_kind kind;
	unsigned long long size;
	const char *detections; /* "clamav: Eicar; yara: Rule", or "" */
	const char *errors;     /* "clamav: message; ...", or a file-level reason, or "" */
	const char *allowed_by; /* why detections did not deny ("the majority policy"), or NULL */
	bool error_votes;       /* errors come from plugins, not from the file itself */
	/*
	 * Someone had it open for writing when it was read, or that could not
	 * be told (common/open_writers.h): a clean verdict then says nothing
	 * about its next (dev, inode, size, mtime, ctime). Set only for a run
	 * with a `scanned` hook.
	 */
	bool may_change_unseen;
};

struct scan_report {
	pthread_mutex_t lock;
	bool json, infected_only;
	struct scan_progress progress;
	unsigned long long files, found, errors, skipped, bytes;
	bool interrupted; /* Ctrl-C: the summary covers what was scanned until then */
};

void scan_report_init(struct scan_report *r, bool json, bool infected_only, bool progress);
void scan_report_result(struct scan_report *r, const struct scan_result *res);
/* A problem with a path that is not one file's outcome (an unreadable folder). */
void scan_report_path_error(struct scan_report *r, const char *path, const char *what);
/* "PATH: moved to quarantine as ID" (on stderr with --json, which keeps stdout JSON). */
void scan_report_moved(struct scan_report *r, const char *path, const char *id);
void scan_report_summary(struct scan_report *r, const char *plugins, const char *policy,
			 double seconds);
void scan_report_fini(struct scan_report *r);

#endif
