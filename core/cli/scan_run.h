/*
 * One run of `fanguard scan` (and of `fanguard scheduled-scan`, which adds its
 * hooks): the walk of the trees, the scanning threads (the engine here, or the
 * running daemon with --daemon), the report, and SIGINT/SIGTERM, which stop
 * the walk and let each thread finish the file it has.
 */
#ifndef FANGUARD_SCAN_RUN_H
#define FANGUARD_SCAN_RUN_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "cli/scan_queue.h"
#include "cli/scan_report.h"
#include "common/path.h"
#include "scanner/runtime.h"

/* The daemon serves a few scanning clients at once; more connections would be refused. */
#define DAEMON_JOBS_MAX 4

/*
 * What a caller may add to a run; every hook is optional and called from the
 * walk or from any scanning thread, so they serialize themselves.
 */
struct scan_run_hooks {
	/*
	 * A regular file the walk found (st: its lstat, or stat for a path named
	 * on the command line), before it is opened: true leaves it unopened
	 * and unscanned.
	 */
	bool (*skip)(void *ctx, const char *path, const struct stat *st);
	/*
	 * One file's outcome. st is the file as it was before the scan; out is the
	 * engine's outcome (NULL when the daemon scanned); quarantine_id is the
	 * item's ID when the file was moved into the quarantine, else NULL.
	 */
	void (*scanned)(void *ctx, const struct stat *st, const struct scan_result *res,
			const struct scan_outcome *out, const char *quarantine_id);
	void *ctx;
};

struct scan_run {
	struct runtime rt;
	struct path_set exclude; /* --exclude, beside the config's watch.exclude */
	atomic_bool interrupted; /* SIGINT/SIGTERM: the walk stops, the threads finish their file */
	atomic_int signal;       /* the signal that interrupted */
	atomic_bool failed;      /* the plugins could not start: the walk stops, the run fails */
	bool daemon;             /* the running fanguardd scans; this process only walks */
	bool move;               /* detected files go into the quarantine folder */
	bool count_total;        /* a counting walk beside the scan gives the progress its total */
	/*
	 * Local mode: the plugins (signatures, rules) start when a scanning thread
	 * gets its first file, not in scan_run_prepare, so a run that finds
	 * nothing to scan never loads them (seconds with a full ClamAV database).
	 */
	bool start_on_demand;
	bool plugins_started; /* under start_lock */
	pthread_mutex_t start_lock;
	int quarantine_fd;
	unsigned jobs;
	struct scan_run_hooks hooks;
	struct scan_report report;
	struct job_queue queue;
};

/*
 * Loads what the mode needs (the plugins, opened and, unless start_on_demand,
 * started; or for --daemon the config and a first connection to the daemon)
 * and, with move and no daemon, opens the quarantine. 0, or -1 with the
 * reason in err.
 */
int scan_run_prepare(struct scan_run *run, const char *config_path, char *err, size_t errlen);
/*
 * Walks and scans paths; the caller prints the summary. seconds: how long it
 * took. -1 when it could not run, or when the plugins started on demand
 * failed to start (the reason printed on stderr).
 */
int scan_run_execute(struct scan_run *run, char **paths, int n, double *seconds);
/* Whether the walk stops: interrupted, or the plugins failed to start. */
static inline bool scan_run_stopping(struct scan_run *run)
{
	return atomic_load(&run->interrupted) || atomic_load(&run->failed);
}
/* Whether this process started the plugins (with start_on_demand: whether a file needed them). */
bool scan_run_plugins_started(struct scan_run *run);
/* "clamav 1.0, yara 4.3" or "those of fanguardd at SOCKET", for the summary. */
void scan_run_describe_plugins(struct scan_run *run, char *buf, size_t size);
/* clamscan's exit status for what the run found (SCAN_EXIT_*), 128 + signal when interrupted. */
int scan_run_exit_status(const struct scan_run *run);
/* Releases what scan_run_prepare loaded. */
void scan_run_unprepare(struct scan_run *run);

/*
 * Adds an --exclude entry (watch.exclude's syntax; an entry with no '/' is a
 * name in any folder, a relative one is taken from the current folder).
 * Returns -1 with the reason in err.
 */
int scan_run_add_exclude(struct path_set *set, const char *entry, char *err, size_t errlen);

/* The walk of the trees (cli/scan_walk.c): opens, filters and queues what is to be scanned. */
void scan_walk_all(struct scan_run *run, char **paths, int n);
/* The counting walk (a thread's body, arg a struct scan_walk_args): the progress's total. */
struct scan_walk_args {
	struct scan_run *run;
	char **paths;
	int n;
};
void *scan_count_thread(void *arg);

#endif
