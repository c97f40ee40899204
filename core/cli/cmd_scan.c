#include "cli/cmd_scan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmd_quarantine.h"
#include "cli/scan_client.h"
#include "cli/scan_report.h"
#include "common/install_paths.h"
#include "common/log.h"
#include "common/path.h"
#include "common/quarantine.h"
#include "scanner/runtime.h"

/* The daemon serves a few scanning clients at once; more connections would be refused. */
#define DAEMON_JOBS_MAX 4

/* A file found by the walk, waiting for a scanning thread. */
struct job {
	int fd;
	char *path;
};

struct job_queue {
	pthread_mutex_t lock;
	pthread_cond_t not_empty, not_full;
	struct job *ring;
	unsigned cap, head, count;
	bool closed;
};

struct scan_run {
	struct runtime rt;
	struct path_set exclude; /* --exclude, beside the config's watch.exclude */
	atomic_bool interrupted; /* Ctrl-C: the walk stops, the threads finish their file */
	bool daemon;             /* the running fanguardd scans; this process only walks */
	bool move;               /* --move: detected files go into the quarantine folder */
	int quarantine_fd;
	unsigned jobs;
	struct scan_report report;
	struct job_queue queue;
};

static void queue_init(struct job_queue *q, unsigned cap)
{
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->not_empty, NULL);
	pthread_cond_init(&q->not_full, NULL);
	q->ring = calloc(cap, sizeof(*q->ring));
	q->cap = cap;
}

static void queue_fini(struct job_queue *q)
{
	free(q->ring);
	pthread_cond_destroy(&q->not_full);
	pthread_cond_destroy(&q->not_empty);
	pthread_mutex_destroy(&q->lock);
}

/* Blocks while the queue is full: the walk never holds more open files than it has room for. */
static void queue_push(struct job_queue *q, int fd, const char *path)
{
	pthread_mutex_lock(&q->lock);
	while (q->count == q->cap && !q->closed)
		pthread_cond_wait(&q->not_full, &q->lock);
	if (q->closed) { /* interrupted: nothing more is scanned */
		pthread_mutex_unlock(&q->lock);
		close(fd);
		return;
	}
	q->ring[(q->head + q->count) % q->cap] = (struct job){ .fd = fd, .path = strdup(path) };
	q->count++;
	pthread_cond_signal(&q->not_empty);
	pthread_mutex_unlock(&q->lock);
}

/* The next job; false once the walk is over and the queue is empty. */
static bool queue_pop(struct job_queue *q, struct job *job)
{
	pthread_mutex_lock(&q->lock);
	while (!q->count && !q->closed)
		pthread_cond_wait(&q->not_empty, &q->lock);
	if (!q->count) {
		pthread_mutex_unlock(&q->lock);
		return false;
	}
	*job = q->ring[q->head];
	q->head = (q->head + 1) % q->cap;
	q->count--;
	pthread_cond_signal(&q->not_full);
	pthread_mutex_unlock(&q->lock);
	return true;
}

static void queue_close(struct job_queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->closed = true;
	pthread_cond_broadcast(&q->not_empty);
	pthread_cond_broadcast(&q->not_full);
	pthread_mutex_unlock(&q->lock);
}

/* Ctrl-C: what is queued is dropped unscanned (its files closed), the walk stops pushing. */
static void queue_abandon(struct job_queue *q)
{
	pthread_mutex_lock(&q->lock);
	while (q->count) {
		close(q->ring[q->head].fd);
		free(q->ring[q->head].path);
		q->head = (q->head + 1) % q->cap;
		q->count--;
	}
	pthread_mutex_unlock(&q->lock);
	queue_close(q);
}

/* ---- scanning one file ---- */

static void scan_here(struct scan_run *run, struct engine_thread *t, const struct job *job)
{
	struct stat st;
	struct scan_outcome out;
	struct scan_target target = {
		.fd = job->fd, .path = job->path, .st = &st, .kind = FG_EVENT_ON_DEMAND
	};
	struct scan_result res = { .path = job->path, .detections = "", .errors = "" };
	char detections[1024], errors[1024];

	if (fstat(job->fd, &st) != 0) {
		scan_report_path_error(&run->report, job->path, strerror(errno));
		return;
	}
	res.size = (unsigned long long)st.st_size;
	if (run->rt.cfg.max_file_size && res.size > run->rt.cfg.max_file_size) {
		res.kind = RESULT_SKIPPED;
		res.errors = "larger than watch.max_file_size";
		scan_report_result(&run->report, &res);
		return;
	}
	engine_scan(t, &target, &out);
	engine_decide(&run->rt.engine, &out);
	if (out.reason == REASON_TOO_LARGE) {
		engine_describe(&run->rt.engine, &out, VOTE_SKIPPED, errors, sizeof(errors));
		res.kind = RESULT_SKIPPED;
		res.errors = errors;
		scan_report_result(&run->report, &res);
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
		cmd_quarantine_move(run->quarantine_fd, job->path, &st, detections, &run->report);
}

static void scan_by_daemon(struct scan_run *run, int *conn, const struct job *job)
{
	struct daemon_answer a;
	struct scan_result res = { .path = job->path, .detections = "", .errors = "" };
	struct stat st;
	char err[1200];

	if (fstat(job->fd, &st) == 0)
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
}

static void *scan_thread(void *arg)
{
	struct scan_run *run = arg;
	struct engine_thread t;
	struct job job;
	int conn = -1;
	char err[1024];
	bool ready = true;

	if (!run->daemon && engine_thread_init(&run->rt.engine, &t, err, sizeof(err)) != 0) {
		fprintf(stderr, "fanguard: %s\n", err);
		ready = false;
	}
	while (queue_pop(&run->queue, &job)) {
		if (!ready)
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
	if (!run->daemon && ready)
		engine_thread_fini(&t);
	return NULL;
}

/* ---- walking the trees ---- */

/*
 * One walk of the trees: the scan's (files opened and queued), or, beside it
 * when the progress line shows, a counting one (sizes added up, nothing opened
 * but folders, nothing reported) that gives the line its total.
 */
struct walk {
	struct scan_run *run;
	bool counting;
};

static void walk_path(const struct walk *w, int dirfd, const char *name, const char *path,
		      const char *abs, bool top);

static void walk_error(const struct walk *w, const char *path, const char *what)
{
	if (!w->counting)
		scan_report_path_error(&w->run->report, path, what);
}

static void walk_dir(const struct walk *w, int fd, const char *path, const char *abs)
{
	DIR *dir = fdopendir(fd);
	struct dirent *de;
	char child[PATH_MAX], child_abs[PATH_MAX];

	if (!dir) {
		walk_error(w, path, strerror(errno));
		close(fd);
		return;
	}
	while ((errno = 0, de = readdir(dir)) != NULL && !atomic_load(&w->run->interrupted)) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") ? path : "",
			     de->d_name) >= (int)sizeof(child) ||
		    snprintf(child_abs, sizeof(child_abs), "%s/%s", strcmp(abs, "/") ? abs : "",
			     de->d_name) >= (int)sizeof(child_abs)) {
			walk_error(w, path, "path too long");
			continue;
		}
		walk_path(w, dirfd(dir), de->d_name, child, child_abs, false);
	}
	if (errno)
		walk_error(w, path, strerror(errno));
	closedir(dir);
}

/* By --exclude or the config's watch.exclude, matched on the real, absolute path. */
static bool excluded(const struct scan_run *run, const char *abs)
{
	return path_set_match(&run->exclude, abs) || path_set_match(&run->rt.cfg.exclude, abs);
}

/*
 * Opens relative to the parent's fd without following symlinks, so what is
 * scanned is what was listed; only paths named on the command line follow links.
 * For the daemon a file is opened O_PATH: no on-access event, no read by us.
 */
static void walk_path(const struct walk *w, int dirfd, const char *name, const char *path,
		      const char *abs, bool top)
{
	struct scan_run *run = w->run;
	int nofollow = top ? 0 : O_NOFOLLOW;
	struct stat st;
	int fd;

	if (fstatat(dirfd, name, &st, top ? 0 : AT_SYMLINK_NOFOLLOW) != 0) {
		walk_error(w, path, strerror(errno));
		return;
	}
	if (S_ISLNK(st.st_mode))
		return; /* not followed inside trees, like clamscan */
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		return; /* devices, FIFOs and sockets have no content to scan */
	if (excluded(run, abs)) {
		if (!w->counting) {
			struct scan_result res = { .path = path,
						   .kind = RESULT_SKIPPED,
						   .detections = "",
						   .errors = "excluded" };
			scan_report_result(&run->report, &res);
		}
		return;
	}
	if (w->counting && S_ISREG(st.st_mode)) {
		scan_progress_count(&run->report.progress, (unsigned long long)st.st_size);
		return;
	}
	if (S_ISDIR(st.st_mode))
		fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_DIRECTORY | nofollow);
	else if (run->daemon)
		fd = openat(dirfd, name, O_PATH | O_CLOEXEC | nofollow);
	else
		fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | nofollow);
	if (fd < 0) {
		walk_error(w, path, strerror(errno));
		return;
	}
	if (S_ISDIR(st.st_mode))
		walk_dir(w, fd, path, abs);
	else
		queue_push(&run->queue, fd, path);
}

/* The real, absolute path of a path named on the command line (it is followed, if a link). */
static void top_abs(const char *path, char *out, size_t outsize)
{
	char cwd[PATH_MAX], joined[PATH_MAX * 2];

	if (realpath(path, out))
		return;
	/* it cannot be scanned either; the walk reports why */
	if (path[0] != '/' && getcwd(cwd, sizeof(cwd)))
		snprintf(joined, sizeof(joined), "%s/%s", cwd, path);
	else
		snprintf(joined, sizeof(joined), "%s", path);
	if (path_normalize(joined, out, outsize) != 0)
		snprintf(out, outsize, "/");
}

struct walk_args {
	struct scan_run *run;
	char **paths;
	int n;
};

static void walk_all(const struct walk *w, char **paths, int n)
{
	char abs[PATH_MAX];

	for (int i = 0; i < n && !atomic_load(&w->run->interrupted); i++) {
		top_abs(paths[i], abs, sizeof(abs));
		walk_path(w, AT_FDCWD, paths[i], paths[i], abs, true);
	}
}

static void *count_thread(void *arg)
{
	struct walk_args *a = arg;
	struct walk w = { .run = a->run, .counting = true };

	walk_all(&w, a->paths, a->n);
	if (!atomic_load(&a->run->interrupted))
		scan_progress_counted(&a->run->report.progress);
	return NULL;
}

/*
 * Ctrl-C (SIGINT, blocked in every thread) is taken here: the walk stops, what
 * is queued is dropped, each thread finishes the file it has, and the summary
 * of what was scanned is printed, the progress line cleared first.
 */
static void *interrupt_thread(void *arg)
{
	struct scan_run *run = arg;
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	if (sigwait(&set, &sig) == 0) {
		atomic_store(&run->interrupted, true);
		queue_abandon(&run->queue);
	}
	return NULL;
}

/*
 * --exclude entries, in watch.exclude's syntax; an entry with no '/' is a name
 * in any folder (`*.iso` matches every .iso file), a relative one is taken from
 * the current folder. Returns -1 with the reason in err.
 */
static int add_exclude(struct path_set *set, const char *entry, char *err, size_t errlen)
{
	char joined[PATH_MAX * 2], norm[PATH_MAX], real[PATH_MAX], cwd[PATH_MAX], reason[256];

	if (!entry[0]) {
		snprintf(err, errlen, "--exclude wants a path or a pattern, not ''");
		return -1;
	}
	if (!strchr(entry, '/'))
		snprintf(joined, sizeof(joined), "/**/%s", entry);
	else if (entry[0] != '/' && getcwd(cwd, sizeof(cwd)))
		snprintf(joined, sizeof(joined), "%s/%s", cwd, entry);
	else
		snprintf(joined, sizeof(joined), "%s", entry);
	if (path_normalize(joined, norm, sizeof(norm)) != 0) {
		snprintf(err, errlen, "--exclude '%s': path too long", entry);
		return -1;
	}
	if (path_has_glob(norm)) {
		struct path_glob *g = realloc(set->glob, (set->n_glob + 1) * sizeof(*g));
		if (!g)
			return -1;
		set->glob = g;
		if (path_glob_compile(norm, &g[set->n_glob], reason, sizeof(reason)) != 0) {
			snprintf(err, errlen, "--exclude '%s': bad pattern: %s", entry, reason);
			return -1;
		}
		set->n_glob++;
		return 0;
	}
	char **p = realloc(set->prefix, (set->n_prefix + 1) * sizeof(*p));
	if (!p)
		return -1;
	set->prefix = p;
	/* the walk matches real paths: a folder reached through a symlink is named as it is */
	if (!(p[set->n_prefix] = strdup(realpath(norm, real) ? real : norm)))
		return -1;
	set->n_prefix++;
	return 0;
}

/* ---- the command ---- */

static void scan_usage(FILE *out)
{
	fprintf(out,
		"usage: fanguard scan [-c FILE] [-i] [-j N] [--json] [--daemon] [--move] PATH...\n"
		"  -c, --config FILE  configuration file (default %s)\n"
		"  -i, --infected     print only infected files (and errors)\n"
		"  -j, --jobs N       scan N files at once (default: one per CPU)\n"
		"      --json         one JSON object per file and a summary object, on stdout\n"
		"      --daemon       let the running fanguardd scan (its loaded plugins, no second\n"
		"                     copy of the signatures in memory); needs root, like its socket\n"
		"      --no-progress  no progress line (it shows only when stderr is a terminal)\n"
		"      --move         move detected files into the quarantine (`fanguard quarantine`)\n"
		"      --exclude PAT  skip a path, a pattern (`*`, `?`, `[...]`, `**`) or a name\n"
		"                     anywhere (no '/': `*.iso`); repeatable; watch.exclude of the\n"
		"                     config is skipped too\n"
		"exit status: 0 nothing found, 1 something found, 2 errors (and nothing found)\n",
		install_default_config());
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Releases what prepare() loaded. */
static void unprepare(struct scan_run *run)
{
	if (run->daemon)
		config_free(&run->rt.cfg);
	else
		runtime_unload(&run->rt);
}

/* Loads what the mode needs: the plugins, or for --daemon only the socket's path. */
static int prepare(struct scan_run *run, const char *config_path, char *err, size_t errlen)
{
	int conn;

	if (!run->daemon)
		return runtime_load(&run->rt, config_path, err, errlen);
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

int cmd_scan(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "infected", no_argument, NULL, 'i' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "json", no_argument, NULL, 'J' },
		{ "daemon", no_argument, NULL, 'D' },
		{ "no-progress", no_argument, NULL, 'P' },
		{ "move", no_argument, NULL, 'M' },
		{ "exclude", required_argument, NULL, 'X' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct scan_run run;
	const char *config_path = install_default_config();
	bool json = false, infected_only = false, progress = true;
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	pthread_t *threads, counter, interrupter;
	struct walk walk = { .run = &run };
	struct walk_args count_args;
	bool counting = false;
	sigset_t sigint;
	struct timespec t0;
	char err[1024], plugins[1024], *end;
	unsigned started = 0;
	int opt;

	optind = 1;
	err[0] = '\0';
	while ((opt = getopt_long(argc, argv, "c:ij:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c': config_path = optarg; break;
		case 'i': infected_only = true; break;
		case 'j':
			jobs = strtol(optarg, &end, 10);
			if (*end || jobs < 1 || jobs > 256) {
				fprintf(stderr,
					"fanguard scan: -j wants a number from 1 to 256, not '%s'\n",
					optarg);
				return SCAN_EXIT_ERROR;
			}
			break;
		case 'J': json = true; break;
		case 'D': run.daemon = true; break;
		case 'P': progress = false; break;
		case 'M': run.move = true; break;
		case 'X':
			if (add_exclude(&run.exclude, optarg, err, sizeof(err)) != 0) {
				fprintf(stderr, "fanguard scan: %s\n",
					err[0] ? err : "out of memory");
				return SCAN_EXIT_ERROR;
			}
			break;
		case 'h': scan_usage(stdout); return SCAN_EXIT_CLEAN;
		default: scan_usage(stderr); return SCAN_EXIT_ERROR;
		}
	}
	if (optind == argc) {
		scan_usage(stderr);
		return SCAN_EXIT_ERROR;
	}
	if (jobs < 1)
		jobs = 1;
	if (run.daemon && jobs > DAEMON_JOBS_MAX)
		jobs = DAEMON_JOBS_MAX;
	run.jobs = (unsigned)jobs;
	log_init("fanguard", 0, LOG_WARNING);
	if (prepare(&run, config_path, err, sizeof(err)) != 0) {
		fprintf(stderr, "fanguard: %s\n", err);
		return SCAN_EXIT_ERROR;
	}
	/* with --daemon the daemon moves files into its own quarantine */
	if (run.move && !run.daemon &&
	    (run.quarantine_fd = quarantine_open(run.rt.cfg.quarantine_dir, err, sizeof(err))) <
		    0) {
		fprintf(stderr, "fanguard: %s\n", err);
		unprepare(&run);
		return SCAN_EXIT_ERROR;
	}
	scan_report_init(&run.report, json, infected_only, progress);
	queue_init(&run.queue, run.jobs * 4);
	threads = calloc(run.jobs, sizeof(*threads));
	/* every thread made from here on leaves SIGINT to interrupt_thread */
	sigemptyset(&sigint);
	sigaddset(&sigint, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigint, NULL);
	if (pthread_create(&interrupter, NULL, interrupt_thread, &run) == 0)
		pthread_detach(interrupter);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (threads && started < run.jobs &&
	       pthread_create(&threads[started], NULL, scan_thread, &run) == 0)
		started++;
	if (!started) {
		fprintf(stderr, "fanguard: cannot start a scanning thread\n");
		return SCAN_EXIT_ERROR;
	}
	count_args = (struct walk_args){ .run = &run, .paths = argv + optind, .n = argc - optind };
	if (run.report.progress.on)
		counting = pthread_create(&counter, NULL, count_thread, &count_args) == 0;
	walk_all(&walk, argv + optind, argc - optind);
	queue_close(&run.queue);
	for (unsigned i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	if (counting)
		pthread_join(counter, NULL);
	if (run.daemon)
		snprintf(plugins, sizeof(plugins), "those of fanguardd at %s",
			 run.rt.cfg.control_socket);
	else
		runtime_describe_plugins(&run.rt, plugins, sizeof(plugins));
	run.report.interrupted = atomic_load(&run.interrupted);
	scan_report_summary(&run.report, plugins, verdict_policy_name(run.rt.cfg.verdict.policy),
			    seconds_since(&t0));
	free(threads);
	queue_fini(&run.queue);
	unprepare(&run);
	path_set_free(&run.exclude);
	scan_report_fini(&run.report);
	if (run.report.found)
		return SCAN_EXIT_FOUND;
	if (run.report.interrupted)
		return SCAN_EXIT_INTERRUPTED;
	return run.report.errors ? SCAN_EXIT_ERROR : SCAN_EXIT_CLEAN;
}
