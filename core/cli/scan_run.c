#include "cli/scan_run.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmd_quarantine.h"
#include "cli/scan_client.h"
#include "common/install_paths.h"
#include "common/open_writers.h"
#include "common/quarantine.h"

/* ---- scanning one file ---- */

/* A result the report and the hook both see. */
static void report(struct scan_run *run, const struct stat *st, const struct scan_result *res,
		   const struct scan_outcome *out, const char *quarantine_id)
{
	scan_report_result(&run->report, res);
	if (run->hooks.scanned)
		run->hooks.scanned(run->hooks.ctx, st, res, out, quarantine_id);
}

static void scan_here(struct scan_run *run, struct engine_thread *t, const struct job *job)
{
	struct stat st;
	struct scan_outcome out;
	struct scan_target target = {
		.fd = job->fd, .path = job->path, .st = &st, .kind = FG_EVENT_ON_DEMAND
	};
	struct scan_result res = { .path = job->path, .detections = "", .errors = "" };
	char detections[1024], errors[1024], id[QUARANTINE_ID_LEN + 1];
	bool moved = false;

	if (fstat(job->fd, &st) != 0) {
		scan_report_path_error(&run->report, job->path, strerror(errno));
		return;
	}
	res.size = (unsigned long long)st.st_size;
	if (run->rt.cfg.max_file_size && res.size > run->rt.cfg.max_file_size) {
		res.kind = RESULT_SKIPPED;
		res.errors = "larger than watch.max_file_size";
		report(run, &st, &res, NULL, NULL);
		return;
	}
	/* after the fstat, before the read: a writer seen later must move the ctime to write */
	if (run->hooks.scanned)
		res.may_change_unseen = open_writers_check(job->fd) != OPEN_WRITERS_NONE;
	engine_scan(t, &target, &out);
	engine_decide(&run->rt.engine, &out);
	if (out.reason == REASON_TOO_LARGE) {
		engine_describe(&run->rt.engine, &out, VOTE_SKIPPED, errors, sizeof(errors));
		res.kind = RESULT_SKIPPED;
		res.errors = errors;
		report(run, &st, &res, &out, NULL);
		return;
	}
	engine_describe(&run->rt.engine, &out, FG_VERDICT_DETECTED, detections, sizeof(detections));
	engine_describe(&run->rt.engine, &out, FG_VERDICT_ERROR, errors, sizeof(errors));
	res.kind = out.decision == DECISION_DENY ? RESULT_DENY : RESULT_ALLOW;
	res.detections = detections;
	res.errors = errors;
	res.error_votes = errors[0] != '\0';
	if (res.kind == RESULT_ALLOW && detections[0])
		res.allowed_by =
			out.reason == REASON_TRUSTED ? "an allowlist" : "the majority policy";
	scan_report_result(&run->report, &res);
	if (run->move && res.kind == RESULT_DENY && out.reason == REASON_DETECTED)
		moved = cmd_quarantine_move(run->quarantine_fd, job->path, &st, detections,
					    &run->report, id, sizeof(id)) == 0;
	if (run->hooks.scanned)
		run->hooks.scanned(run->hooks.ctx, &st, &res, &out, moved ? id : NULL);
}

static void scan_by_daemon(struct scan_run *run, int *conn, const struct job *job)
{
	struct daemon_answer a;
	struct scan_result res = { .path = job->path, .detections = "", .errors = "" };
	struct stat st;
	char err[1200];

	if (fstat(job->fd, &st) != 0) {
		scan_report_path_error(&run->report, job->path, strerror(errno));
		return;
	}
	res.size = (unsigned long long)st.st_size;
	/* a broken session (the daemon restarted) is retried once on a new connection */
	for (int attempt = 0;; attempt++) {
		if (*conn < 0)
			*conn = scan_client_connect(run->rt.cfg.control_socket, err, sizeof(err));
		if (*conn >= 0 && scan_client_scan(*conn, job->fd, job->path, run->move, &a, err,
						   sizeof(err)) == 0)
			break;
		if (*conn >= 0)
			close(*conn);
		*conn = -1;
		if (attempt == 1) {
			scan_report_path_error(&run->report, job->path, err);
			return;
		}
	}
	res.detections = a.detections;
	res.errors = a.errors;
	/* the daemon checked between its fstat and its read, as scan_here does */
	res.may_change_unseen = strcmp(a.writers, open_writers_name(OPEN_WRITERS_NONE)) != 0;
	if (strcmp(a.result, "deny") == 0 || strcmp(a.result, "allow") == 0) {
		res.kind = a.result[0] == 'd' ? RESULT_DENY : RESULT_ALLOW;
		res.error_votes = a.errors[0] != '\0';
		if (res.kind == RESULT_ALLOW && a.detections[0])
			res.allowed_by = "the daemon's policy";
	} else {
		res.kind = strcmp(a.result, "skipped") == 0 ? RESULT_SKIPPED : RESULT_ERROR;
		if (res.kind == RESULT_SKIPPED)
			res.size = 0;
	}
	scan_report_result(&run->report, &res);
	/* the daemon moved it (it could: its own opens are allowed; ours would be denied) */
	if (strncmp(a.moved, "quarantined:", 12) == 0)
		scan_report_moved(&run->report, job->path, a.moved + 12);
	else if (strncmp(a.moved, "not-moved:", 10) == 0) {
		snprintf(err, sizeof(err), "not moved to quarantine: %s", a.moved + 10);
		scan_report_path_error(&run->report, job->path, err);
	}
	if (run->hooks.scanned)
		run->hooks.scanned(run->hooks.ctx, &st, &res, NULL,
				   strncmp(a.moved, "quarantined:", 12) == 0 ? a.moved + 12 : NULL);
}

/*
 * The plugins of a start_on_demand run, started by the first thread that has
 * a file; a failure stops the run (the error printed once, the queue dropped).
 */
static int start_plugins_once(struct scan_run *run)
{
	char err[1024];
	int rc = 0;

	pthread_mutex_lock(&run->start_lock);
	if (atomic_load(&run->failed))
		rc = -1;
	else if (!run->plugins_started) {
		if (runtime_start(&run->rt, NULL, err, sizeof(err)) == 0)
			run->plugins_started = true;
		else {
			fprintf(stderr, "fanguard: %s\n", err);
			atomic_store(&run->failed, true);
			queue_abandon(&run->queue);
			rc = -1;
		}
	}
	pthread_mutex_unlock(&run->start_lock);
	return rc;
}

/* This thread's scanning contexts (local mode), the plugins started first if need be. */
static bool scan_thread_ready(struct scan_run *run, struct engine_thread *t)
{
	char err[1024];

	if (start_plugins_once(run) != 0)
		return false;
	if (engine_thread_init(&run->rt.engine, t, err, sizeof(err)) != 0) {
		fprintf(stderr, "fanguard: %s\n", err);
		return false;
	}
	return true;
}

static void *scan_thread(void *arg)
{
	struct scan_run *run = arg;
	struct engine_thread t;
	struct job job;
	int conn = -1;
	enum { UNTRIED, READY, FAILED } local = UNTRIED;

	while (queue_pop(&run->queue, &job)) {
		if (!run->daemon && local == UNTRIED)
			local = scan_thread_ready(run, &t) ? READY : FAILED;
		if (atomic_load(&run->failed))
			; /* the plugins did not start: reported once, the run fails */
		else if (!run->daemon && local == FAILED)
			scan_report_path_error(&run->report, job.path, "no scanning context");
		else if (run->daemon)
			scan_by_daemon(run, &conn, &job);
		else
			scan_here(run, &t, &job);
		close(job.fd);
		free(job.path);
	}
	if (conn >= 0)
		close(conn);
	if (local == READY)
		engine_thread_fini(&t);
	return NULL;
}

/*
 * Ctrl-C (SIGINT) and SIGTERM (systemd stopping a scheduled scan), blocked in
 * every thread, are taken here: the walk stops, what is queued is dropped,
 * each thread finishes the file it has, and the summary of what was scanned
 * is printed, the progress line cleared first.
 */
static void *interrupt_thread(void *arg)
{
	struct scan_run *run = arg;
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigwait(&set, &sig) == 0) {
		atomic_store(&run->signal, sig);
		atomic_store(&run->interrupted, true);
		queue_abandon(&run->queue);
	}
	return NULL;
}

/* ---- the run ---- */

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

void scan_run_unprepare(struct scan_run *run)
{
	if (run->move && !run->daemon && run->quarantine_fd >= 0)
		close(run->quarantine_fd);
	if (run->daemon)
		config_free(&run->rt.cfg);
	else
		runtime_unload(&run->rt);
	pthread_mutex_destroy(&run->start_lock);
}

/* The plugins, or for --daemon only the socket's path. */
static int load(struct scan_run *run, const char *config_path, char *err, size_t errlen)
{
	int conn;

	if (!run->daemon && run->start_on_demand)
		return runtime_open(&run->rt, config_path, err, errlen);
	if (!run->daemon) {
		run->plugins_started = runtime_load(&run->rt, config_path, err, errlen) == 0;
		return run->plugins_started ? 0 : -1;
	}
	if (config_load(config_path, install_plugin_dir(), &run->rt.cfg, err, errlen) != 0)
		return -1;
	/* fail early, with the reason, if the daemon cannot be reached */
	conn = scan_client_connect(run->rt.cfg.control_socket, err, errlen);
	if (conn < 0) {
		config_free(&run->rt.cfg);
		return -1;
	}
	close(conn);
	return 0;
}

/*
 * The walk holds a descriptor per folder level, and a user may nest about
 * PATH_MAX / 2 folders: with the usual soft limit of 1024 (systemd's default
 * for services) everything below level 1,000 or so failed with EMFILE and was
 * never scanned. The hard limit is the admin's; the soft one is ours to raise.
 */
static void raise_open_files_limit(void)
{
	struct rlimit rl;
	rlim_t want = PATH_MAX + 1024;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
	(void)setrlimit(RLIMIT_NOFILE, &rl);
}

int scan_run_prepare(struct scan_run *run, const char *config_path, char *err, size_t errlen)
{
	sigset_t sigs;

	/*
	 * From here on every thread made (by the caller too) leaves SIGINT and
	 * SIGTERM to interrupt_thread, which scan_run_execute starts.
	 */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	/*
	 * A writer's open during open_writers_check()'s lease sends us SIGIO,
	 * whose default would end the scan: a user could stop root's scans.
	 */
	signal(SIGIO, SIG_IGN);
	raise_open_files_limit();
	run->quarantine_fd = -1;
	pthread_mutex_init(&run->start_lock, NULL);
	if (run->daemon && run->jobs > DAEMON_JOBS_MAX)
		run->jobs = DAEMON_JOBS_MAX;
	if (load(run, config_path, err, errlen) != 0) {
		pthread_mutex_destroy(&run->start_lock);
		return -1;
	}
	/* with --daemon the daemon moves files into its own quarantine */
	if (run->move && !run->daemon &&
	    (run->quarantine_fd = quarantine_open(run->rt.cfg.quarantine_dir, err, errlen)) < 0) {
		scan_run_unprepare(run);
		return -1;
	}
	return 0;
}

int scan_run_execute(struct scan_run *run, char **paths, int n, double *seconds)
{
	struct scan_walk_args count_args = { .run = run, .paths = paths, .n = n };
	pthread_t *threads, counter, interrupter;
	bool counting = false;
	unsigned started = 0;
	struct timespec t0;

	queue_init(&run->queue, run->jobs * 4);
	threads = calloc(run->jobs, sizeof(*threads));
	if (pthread_create(&interrupter, NULL, interrupt_thread, run) == 0)
		pthread_detach(interrupter);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (threads && started < run->jobs &&
	       pthread_create(&threads[started], NULL, scan_thread, run) == 0)
		started++;
	if (!started) {
		fprintf(stderr, "fanguard: cannot start a scanning thread\n");
		free(threads);
		queue_fini(&run->queue);
		return -1;
	}
	if (run->report.progress.on || run->count_total)
		counting = pthread_create(&counter, NULL, scan_count_thread, &count_args) == 0;
	scan_walk_all(run, paths, n);
	queue_close(&run->queue);
	for (unsigned i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	if (counting)
		pthread_join(counter, NULL);
	run->report.interrupted = atomic_load(&run->interrupted);
	*seconds = seconds_since(&t0);
	free(threads);
	queue_fini(&run->queue);
	return atomic_load(&run->failed) ? -1 : 0;
}

bool scan_run_plugins_started(struct scan_run *run)
{
	bool started;

	pthread_mutex_lock(&run->start_lock);
	started = run->plugins_started;
	pthread_mutex_unlock(&run->start_lock);
	return started;
}

void scan_run_describe_plugins(struct scan_run *run, char *buf, size_t size)
{
	if (run->daemon)
		snprintf(buf, size, "those of fanguardd at %s", run->rt.cfg.control_socket);
	else
		runtime_describe_plugins(&run->rt, buf, size);
}

int scan_run_exit_status(const struct scan_run *run)
{
	if (run->report.found)
		return SCAN_EXIT_FOUND;
	if (run->report.interrupted)
		return atomic_load(&run->signal) == SIGTERM ? 128 + SIGTERM : SCAN_EXIT_INTERRUPTED;
	return run->report.errors ? SCAN_EXIT_ERROR : SCAN_EXIT_CLEAN;
}
