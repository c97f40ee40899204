#include "scanner/scanner.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "common/histogram.h"
#include "common/log.h"
#include "common/monotonic.h"
#include "scanner/runtime.h"
#include "scanner/sandbox.h"
#include "scanner/scan_tmpdir.h"
#include "scanner/scanner_proto.h"

static _Atomic unsigned threads_serving;

struct scan_thread {
	struct engine_thread ctx;
	uint64_t budget_ns; /* how long a scan may take from when it was sent */
	pthread_t thread;
	int sock;
	bool main_thread; /* serve() of the process's first thread: it must not return */
};

static void report_failure(int sock, const char *message)
{
	struct scanner_failed msg = { .type = SCANNER_FAILED };

	snprintf(msg.message, sizeof(msg.message), "%s", message);
	scanner_send(sock, &msg, sizeof(msg), -1, 0);
}

static void scan_one(struct scan_thread *t, const struct scanner_scan *req, int fd,
		     struct scanner_verdict *reply)
{
	struct scan_outcome out;
	struct scan_target target = {
		.fd = fd,
		.path = req->path,
		.st = &req->st,
		.pid = req->pid,
		.kind = (enum fg_event_kind)req->kind,
		.deadline_ns = req->sent_ns + t->budget_ns,
	};

	uint64_t start = monotonic_ns();

	engine_scan(&t->ctx, &target, &out);
	reply->type = SCANNER_VERDICT;
	reply->queue_ns = start > req->sent_ns ? start - req->sent_ns : 0;
	reply->tag = req->tag;
	reply->read_ns = out.read_ns;
	reply->have_sha256 = out.have_sha256;
	memcpy(reply->sha256, out.sha256, sizeof(reply->sha256));
	reply->sha256_ns = out.sha256_ns;
	reply->n_votes = (uint32_t)out.n_votes;
	for (size_t i = 0; i < out.n_votes; i++) {
		reply->vote[i].verdict = out.votes[i].verdict;
		reply->vote[i].plugin_ns = out.plugin_ns[i];
		reply->vote[i].not_cacheable = out.votes[i].not_cacheable;
		snprintf(reply->vote[i].threat, sizeof(reply->vote[i].threat), "%s",
			 out.votes[i].threat);
	}
	if (scanner_send(t->sock, reply, scanner_verdict_len(reply->n_votes), -1, 0) != 0 &&
	    errno != EPIPE)
		log_error("cannot send a verdict: %s", strerror(errno));
}

/* Threads share one socket: each message goes to exactly one reader. */
static void *serve(void *arg)
{
	struct scan_thread *t = arg;
	union scanner_msg *msg = malloc(sizeof(*msg));
	struct scanner_verdict *reply = malloc(sizeof(*reply));
	ssize_t n;
	int fd;

	if (!msg || !reply)
		_exit(1);
	while ((n = scanner_recv(t->sock, msg, &fd)) != 0) {
		if (n < 0) {
			if (errno == EBADMSG)
				continue;
			break;
		}
		if (msg->type == SCANNER_SCAN && fd >= 0)
			scan_one(t, &msg->scan, fd, reply);
		if (fd >= 0)
			close(fd);
	}
	/*
	 * The daemon shut the socket (a reload replaced us, or it stops): every
	 * thread sees the end once the queue is drained. The last one out leaves,
	 * skipping exit handlers that the sandbox forbids (LeakSanitizer's ptrace).
	 */
	if (atomic_fetch_sub(&threads_serving, 1) == 1)
		_exit(0);
	/*
	 * Not pthread_exit: it unwinds through libgcc_s, which glibc opens on
	 * first use and Landlock no longer lets it open; it then aborts the whole
	 * process, and the other threads' last scans with it. A scan thread just
	 * returns; the main thread (which must not return: that exits the
	 * process) waits for the last one's _exit.
	 */
	if (t->main_thread)
		for (;;)
			sleep(3600);
	return NULL;
}

/*
 * Only a scanner hosting a plugin that declares FG_PLUGIN_NEEDS_NETWORK may
 * open sockets; the plugins sharing it get the same filter, so say so.
 */
static bool needs_network(const struct engine *e, const char *group)
{
	const char *who = NULL;
	char others[256] = "";

	for (size_t i = 0; i < e->n_plugins; i++) {
		const struct plugin *p = &e->plugins[i];
		if (p->desc.flags & FG_PLUGIN_NEEDS_NETWORK)
			who = p->name;
		else
			snprintf(others + strlen(others), sizeof(others) - strlen(others), "%s%s",
				 others[0] ? ", " : "", p->name);
	}
	if (who && others[0])
		log_warning("scanner '%s' may open network sockets for plugin %s, and so may %s, "
			    "which share it (give %s its own `scanner` to keep them strict)",
			    group, who, others, who);
	return who != NULL;
}

int scanner_main(const char *config_path, const char *group, const char *given_tmpdir, int debug)
{
	struct sandbox_user user;
	struct scan_thread *threads;
	struct scanner_ready ready = { .type = SCANNER_READY };
	struct runtime rt;
	static char ident[96]; /* openlog keeps the pointer */
	char err[1024], tmpdir[PATH_MAX];
	unsigned n_threads;
	int sock = SCANNER_FD;
	pid_t parent = 0;

	/* die with the daemon, and never outlive it holding files open */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/*
	 * A stop signal sent to the whole group (timeout(1), a terminal's ^C) is
	 * the daemon's to handle: it finishes the scans in flight, then closes our
	 * socket, and that ends us.
	 */
	signal(SIGTERM, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGUSR1, SIG_IGN);
	if ((parent = getppid()) == 1)
		return 1;
	snprintf(ident, sizeof(ident), "fanguardd/%s", group);
	log_init(ident, 0, debug ? LOG_DEBUG : LOG_INFO);
	if (runtime_open(&rt, config_path, err, sizeof(err)) != 0)
		goto fail;
	/* syslog's socket is connected now: the sandbox below forbids opening one */
	log_init(ident, rt.cfg.log_syslog, debug ? LOG_DEBUG : rt.cfg.log_level);
	if (sandbox_resolve_user(rt.cfg.scan_user, &user, err, sizeof(err)) != 0 ||
	    sandbox_become_user(&user, err, sizeof(err)) != 0)
		goto fail;
	/* a change of credentials clears the parent-death signal: set it again, then recheck */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (getppid() != parent)
		_exit(1);
	/* plugins make their temporary folders inside it: the one place Landlock leaves open */
	if (scan_tmpdir_adopt(given_tmpdir, tmpdir, sizeof(tmpdir), err, sizeof(err)) != 0)
		goto fail;
	rt.answers_opens = true;
	if (runtime_start(&rt, group, err, sizeof(err)) != 0)
		goto fail;
	n_threads = runtime_workers(&rt);
	threads = calloc(n_threads, sizeof(*threads));
	if (!threads) {
		snprintf(err, sizeof(err), "out of memory");
		goto fail;
	}
	for (unsigned i = 0; i < n_threads; i++) {
		threads[i].sock = sock;
		threads[i].budget_ns = SCAN_BUDGET_NS(rt.cfg.timeout_ms);
		if (engine_thread_init(&rt.engine, &threads[i].ctx, err, sizeof(err)) != 0)
			goto fail;
	}
	/* everything is loaded: lock down before any thread exists, so every thread inherits it */
	if (sandbox_lock_down(rt.cfg.seccomp, needs_network(&rt.engine, group),
			      rt.cfg.landlock ? tmpdir : NULL, err, sizeof(err)) != 0)
		goto fail;
	if (log_start_async() != 0) {
		snprintf(err, sizeof(err), "cannot start the log thread");
		goto fail;
	}
	atomic_store(&threads_serving, n_threads);
	for (unsigned i = 1; i < n_threads; i++) {
		if (pthread_create(&threads[i].thread, NULL, serve, &threads[i]) != 0) {
			snprintf(err, sizeof(err), "cannot start scan thread: %s", strerror(errno));
			goto fail;
		}
	}
	ready.n_plugins = (uint32_t)rt.engine.n_plugins;
	for (size_t i = 0; i < rt.engine.n_plugins; i++) {
		const struct plugin *p = &rt.engine.plugins[i];
		snprintf(ready.plugin[i].name, sizeof(ready.plugin[i].name), "%s", p->name);
		snprintf(ready.plugin[i].version, sizeof(ready.plugin[i].version), "%s",
			 p->desc.version ? p->desc.version : "?");
		if (p->desc.signature_count)
			ready.plugin[i].signatures = p->desc.signature_count(p->state);
		ready.plugin[i].max_file_size = p->size_limit;
	}
	if (scanner_send(sock, &ready, sizeof(ready), -1, 0) != 0)
		_exit(1);
	threads[0].main_thread = true;
	serve(&threads[0]);
	return 0;
fail:
	log_error("%s", err);
	report_failure(sock, err);
	log_stop();
	_exit(1);
}
