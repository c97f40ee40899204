#include "daemon/monitor_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/fanotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "daemon/cache.h"
#include "common/eventlog.h"
#include "daemon/exclusions.h"
#include "daemon/fatal_signal.h"
#include "daemon/ignore_marks.h"
#include "daemon/inflight.h"
#include "daemon/marks.h"
#include "common/histogram.h"
#include "common/log.h"
#include "common/pathmatch.h"
#include "common/procinfo.h"
#include "daemon/sdnotify.h"
#include "common/textbuf.h"

#define EVENT_BUF_SIZE (256 * 1024)

struct monitor *monitor_create(struct config *cfg, struct pipeline *pipeline, char *err,
			       size_t errlen)
{
	struct monitor *m = calloc(1, sizeof(*m));
	uint64_t mask = 0;

	if (!m) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	m->cfg = cfg;
	pthread_mutex_init(&m->excl_lock, NULL);
	m->pipeline = pipeline;
	m->self = getpid();
	m->fan_fd = m->reload_fd = -1;
	if (inflight_init(&m->inflight, cfg->max_inflight, cfg->timeout_ms, err, errlen) != 0)
		goto fail;
	m->buf = malloc(EVENT_BUF_SIZE);
	if (!m->buf) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	/* Unlimited queue: an overflowing kernel queue would silently allow permission events. */
	m->fan_fd = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC | FAN_NONBLOCK | FAN_UNLIMITED_QUEUE |
					  FAN_UNLIMITED_MARKS,
				  O_RDONLY | O_LARGEFILE | O_CLOEXEC);
	if (m->fan_fd < 0) {
		snprintf(err, errlen, "fanotify_init: %s%s", strerror(errno),
			 errno == EPERM ? " (fanguardd must run as root with CAP_SYS_ADMIN)" : "");
		goto fail;
	}
	m->reload_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (m->reload_fd < 0) {
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		goto fail;
	}
	if (cfg->events & CONFIG_EVENT_OPEN)
		mask |= FAN_OPEN_PERM;
	if (cfg->events & CONFIG_EVENT_EXEC)
		mask |= FAN_OPEN_EXEC_PERM;
	m->perm_mask = mask;
	m->caching = cfg->cache_size > 0 && m->perm_mask;
	/* a write must void what the cache knows, so close_write is watched whenever it caches */
	if ((cfg->events & CONFIG_EVENT_CLOSE_WRITE) || m->caching)
		mask |= FAN_CLOSE_WRITE;
	if (cache_init(&m->cache, m->caching ? cfg->cache_size : 0) != 0) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	ignore_marks_init(&m->ignore, m->fan_fd, m->perm_mask, m->caching, cfg->cache_size);
	if (marks_add_watch_paths(m->fan_fd, cfg, mask, &m->marks, err, errlen) != 0)
		goto fail;
	pipeline_set_answerer(pipeline, monitor_answer_from_worker, m);
	fatal_signal_install(m->fan_fd);
	return m;
fail:
	monitor_destroy(m);
	return NULL;
}

unsigned monitor_mark_count(const struct monitor *m)
{
	return m->marks;
}

const char *monitor_cache_mode(const struct monitor *m)
{
	return ignore_marks_mode(&m->ignore);
}

/* ---- reading events ---- */

static void overload(struct monitor *m, const struct fanotify_event_metadata *ev, const char *path)
{
	unsigned long suppressed;

	m->n.overloaded++;
	if (ratelimit_pass(&m->rl_overload, &suppressed))
		log_warning("scan queue full (%u in flight): %s answered %s unscanned (+%lu more)",
			    m->cfg->max_inflight, path, verdict_decision_name(m->cfg->on_timeout),
			    suppressed);
	monitor_answer_now(m, ev, m->cfg->on_timeout);
}

static void submit_permission_event(struct monitor *m, const struct fanotify_event_metadata *ev,
				    struct scan_request *req)
{
	struct inflight *e, *leader;
	uint64_t start = hist_now_ns();
	int dup_fd;

	if (inflight_full(&m->inflight)) {
		overload(m, ev, req->path);
		return;
	}
	if ((leader = inflight_scan_of(&m->inflight, &req->st))) {
		/* wait for that scan's verdict instead of scanning the same bytes again */
		inflight_join(&m->inflight, leader, ev->fd, req, start,
			      pipeline_generation(m->pipeline));
		m->n.joined++;
		return;
	}
	/* The pipeline gets its own descriptor; ours stays open until we answer. */
	dup_fd = fcntl(ev->fd, F_DUPFD_CLOEXEC, 0);
	if (dup_fd < 0) {
		overload(m, ev, req->path);
		return;
	}
	/* before submitting: the worker may answer through the slot before we return */
	e = inflight_lead(&m->inflight, ev->fd, req, start, pipeline_generation(m->pipeline));
	req->id = e->id;
	req->fd = dup_fd;
	req->submitted_ns = start;
	if (pipeline_submit(m->pipeline, req) != 0) {
		close(dup_fd);
		inflight_cancel(e);
		overload(m, ev, req->path);
		return;
	}
	inflight_start(&m->inflight, e);
	m->n.scanned++;
}

/* An event about a file no scan will look at: unwatched, excluded or too large. */
static void allow_unscanned(struct monitor *m, const struct fanotify_event_metadata *ev,
			    const struct stat *st)
{
	/*
	 * Pay for the path check once per inode. Not for files with several
	 * names: one of the others may be watched.
	 */
	if ((ev->mask & m->perm_mask) && st->st_nlink == 1)
		ignore_marks_add_if_unchanged(&m->ignore, ev->fd, st);
	m->n.allowed_inline++;
	monitor_answer_now(m, ev, DECISION_ALLOW);
}

static void answer_from_cache(struct monitor *m, const struct fanotify_event_metadata *ev,
			      const struct scan_request *req, enum decision decision,
			      const char *threats)
{
	struct procinfo who;

	if (decision == DECISION_DENY) {
		m->n.cache_deny++;
		procinfo_read(ev->pid, &who);
		log_warning("DENY %s of %s by pid %d (uid %ld, exe %s): %s (verdict remembered from an "
			    "earlier scan)", event_kind_name(req->kind), req->path, (int)ev->pid,
			    who.uid, who.exe, threats);
		if (eventlog_enabled()) {
			struct event_record r;

			event_record_init(&r, "deny", req->kind, req->path, ev->pid, &who);
			r.verdict = "deny";
			r.action = "denied";
			r.reason = "cache";
			event_record_add_finding(&r, "cache", threats);
			eventlog_write(&r);
		}
	} else {
		m->n.cache_allow++;
		/* its mark was evicted, or never placed */
		ignore_marks_add_if_unchanged(&m->ignore, ev->fd, &req->st);
	}
	monitor_answer_now(m, ev, decision);
}

/* A write happened: what the cache knows about the file is void (mmap writes clear no mark). */
static void forget_written(struct monitor *m, const struct fanotify_event_metadata *ev,
			   const struct stat *st)
{
	cache_forget(&m->cache, st->st_dev, st->st_ino);
	ignore_marks_remove(&m->ignore, ev->fd);
}

static bool uid_excluded(const struct config *cfg, uid_t uid)
{
	for (size_t i = 0; i < cfg->n_exclude_uid; i++)
		if (cfg->exclude_uid[i] == uid)
			return true;
	return false;
}

/*
 * watch.exclude_exe and exclude_uid: the opener's executable and uids, read
 * from /proc only when such exclusions exist. The opener is blocked in open()
 * until we answer, so its pid passes to no other process unless it dies, and
 * then the answer reaches no one. The uid must be excluded as both real
 * and effective uid: a set-uid program started by anyone else, or a root
 * daemon that only switched its effective uid, is scanned.
 */
static bool process_excluded(struct monitor *m, pid_t pid, const char *path)
{
	const struct config *cfg = m->cfg;
	char exe[PATH_MAX];
	uid_t real, effective;

	if (path_set_size(&cfg->exclude_exe) > 0 &&
	    procinfo_exe(pid, exe, sizeof(exe)) > 0 && path_set_match(&cfg->exclude_exe, exe)) {
		m->n.excluded_exe++;
		log_debug("excluded: %s by pid %d (exe %s)", path, (int)pid, exe);
		return true;
	}
	if (cfg->n_exclude_uid > 0 && procinfo_uids(pid, &real, &effective) == 0 &&
	    uid_excluded(cfg, real) && uid_excluded(cfg, effective)) {
		m->n.excluded_uid++;
		log_debug("excluded: %s by pid %d (uid %u)", path, (int)pid, (unsigned)real);
		return true;
	}
	return false;
}

static void handle_event(struct monitor *m, const struct fanotify_event_metadata *ev,
			 struct scan_request *req)
{
	bool permission = ev->mask & (FAN_OPEN_PERM | FAN_OPEN_EXEC_PERM);
	enum decision decision;
	const char *threats;
	unsigned long suppressed;

	m->n.events++;
	/* Our own accesses, and our scanners', would wait on ourselves. */
	if (ev->pid == m->self || pipeline_is_helper_pid(m->pipeline, ev->pid)) {
		m->n.own++;
		m->n.allowed_inline++;
		monitor_answer_now(m, ev, DECISION_ALLOW);
		return;
	}
	if (fstat(ev->fd, &req->st) != 0 || !S_ISREG(req->st.st_mode)) {
		m->n.allowed_inline++;
		monitor_answer_now(m, ev, DECISION_ALLOW);
		return;
	}
	if (!permission) {
		if (m->caching)
			forget_written(m, ev, &req->st);
		if (!(m->cfg->events & CONFIG_EVENT_CLOSE_WRITE)) {
			close(ev->fd);
			return;
		}
	}
	if (procinfo_fd_path(ev->fd, req->path, sizeof(req->path)) <= 0) {
		m->n.allowed_inline++;
		monitor_answer_now(m, ev, DECISION_ALLOW);
		return;
	}
	/*
	 * The quarantine is never scanned (a restore reads it back), and gets no
	 * ignore mark either: the mark would follow a restored inode.
	 */
	if (path_is_under(req->path, m->cfg->quarantine_dir)) {
		m->n.allowed_inline++;
		monitor_answer_now(m, ev, DECISION_ALLOW);
		return;
	}
	if (!path_is_watched(req->path, m->cfg->watch, m->cfg->n_watch)) {
		allow_unscanned(m, ev, &req->st);
		return;
	}
	if (path_set_match(&m->cfg->exclude, req->path)) {
		m->n.excluded_path++;
		allow_unscanned(m, ev, &req->st);
		return;
	}
	if ((unsigned long long)req->st.st_size > m->cfg->max_file_size) {
		m->n.too_large++;
		if (ratelimit_pass(&m->rl_large, &suppressed))
			log_info("not scanned, larger than max_file_size (%llu bytes): %s (+%lu more)",
				 m->cfg->max_file_size, req->path, suppressed);
		allow_unscanned(m, ev, &req->st);
		return;
	}
	/* no ignore mark here: the same file opened by anyone else must still be scanned */
	if (process_excluded(m, ev->pid, req->path)) {
		m->n.allowed_inline++;
		monitor_answer_now(m, ev, DECISION_ALLOW);
		return;
	}
	req->pid = ev->pid;
	req->kind = (ev->mask & FAN_OPEN_EXEC_PERM) ? FG_EVENT_EXEC
		    : (ev->mask & FAN_OPEN_PERM)    ? FG_EVENT_OPEN
						    : FG_EVENT_CLOSE_WRITE;
	if (permission) {
		if (m->caching && cache_lookup(&m->cache, &req->st, &decision, &threats))
			answer_from_cache(m, ev, req, decision, threats);
		else
			submit_permission_event(m, ev, req);
		return;
	}
	req->id = 0;
	req->fd = ev->fd;
	req->submitted_ns = hist_now_ns();
	m->n.close_write++;
	if (pipeline_submit(m->pipeline, req) != 0) {
		m->n.dropped_close_write++;
		close(ev->fd);
	}
}

static void read_events(struct monitor *m, struct scan_request *req)
{
	for (;;) {
		ssize_t len = read(m->fan_fd, m->buf, EVENT_BUF_SIZE);
		struct fanotify_event_metadata *ev;
		unsigned long suppressed;

		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0 && errno != EAGAIN)
			log_error("fanotify read: %s", strerror(errno));
		if (len <= 0)
			return;
		ev = (struct fanotify_event_metadata *)m->buf;
		for (; FAN_EVENT_OK(ev, len); ev = FAN_EVENT_NEXT(ev, len)) {
			if (ev->vers != FANOTIFY_METADATA_VERSION) {
				log_error("fanotify metadata version %u, expected %u", ev->vers,
					  FANOTIFY_METADATA_VERSION);
				if (ev->fd >= 0)
					monitor_answer_now(m, ev, DECISION_ALLOW);
				continue;
			}
			if (ev->mask & FAN_Q_OVERFLOW) {
				m->n.overflows++;
				if (ratelimit_pass(&m->rl_overflow, &suppressed))
					log_error("fanotify queue overflow: events were lost (+%lu)",
						  suppressed);
				continue;
			}
			if (ev->fd < 0)
				continue;
			handle_event(m, ev, req);
		}
	}
}

/* New signatures: no verdict reached with the old ones stands, in user space or in the kernel. */
static void forget_everything(struct monitor *m)
{
	m->generation = pipeline_generation(m->pipeline);
	cache_new_generation(&m->cache);
	ignore_marks_flush(&m->ignore);
}

/*
 * The exclusions from the config file as it is now. A file of a path that is
 * no longer excluded may hold an ignore mark placed for its exclusion: every
 * mark goes, as after new signatures.
 */
static void reload_exclusions(struct monitor *m)
{
	char changed[256], err[1024];
	bool had = exclusions_any(m->cfg);

	if (exclusions_reload(m->cfg, &m->excl_lock, changed, sizeof(changed), err,
			      sizeof(err)) != 0) {
		log_error("reload: %s; the exclusions stay as they were", err);
		return;
	}
	if (had)
		forget_everything(m);
	log_info("reload: exclusions: %zu path(s), %zu program(s), %zu user(s)",
		 path_set_size(&m->cfg->exclude), path_set_size(&m->cfg->exclude_exe),
		 m->cfg->n_exclude_uid);
	if (changed[0])
		log_warning("reload: %s changed in %s; restart fanguardd to apply %s", changed,
			    m->cfg->path, strchr(changed, ',') ? "them" : "it");
}

int monitor_reload(struct monitor *m)
{
	/* the exclusions belong to the monitor's thread: it reloads them when it reads this */
	if (eventfd_write(m->reload_fd, 1) != 0)
		log_error("cannot ask for a reload of the exclusions: %s", strerror(errno));
	return pipeline_reload(m->pipeline);
}

void monitor_format_exclusions(struct monitor *m, struct textbuf *tb)
{
	exclusions_format(m->cfg, &m->excl_lock, tb);
}

static bool stop_requested(struct monitor *m, int signal_fd)
{
	struct signalfd_siginfo si;
	bool stop = false;

	while (read(signal_fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
			log_info("received %s, stopping", si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
			stop = true;
		} else if (si.ssi_signo == SIGHUP) {
			if (monitor_reload(m) != 0)
				log_warning("SIGHUP: reloading needs scan { isolation = \"process\" }; "
					    "restart fanguardd to load new signatures");
		} else if (si.ssi_signo == SIGUSR1) {
			monitor_log_stats(m);
		}
	}
	return stop;
}

int monitor_run(struct monitor *m, int signal_fd, unsigned watchdog_ms)
{
	struct scan_request *req = malloc(sizeof(*req));
	bool stopping = false;
	uint64_t next_ping = 0;
	/* ping systemd twice per interval, from this loop: a stuck loop misses its pings */
	int poll_ms = watchdog_ms ? (int)(watchdog_ms / 2 ? watchdog_ms / 2 : 1) : -1;

	if (!req)
		return -1;
	while (!stopping || inflight_count(&m->inflight) > 0) {
		if (watchdog_ms && hist_now_ns() >= next_ping) {
			sd_notify_send("WATCHDOG=1");
			next_ping = hist_now_ns() + (uint64_t)poll_ms * 1000000ull;
		}
		struct pollfd fds[5] = {
			{ .fd = stopping ? -1 : m->fan_fd, .events = POLLIN },
			{ .fd = pipeline_completion_fd(m->pipeline), .events = POLLIN },
			{ .fd = m->inflight.timer_fd, .events = POLLIN },
			{ .fd = stopping ? -1 : signal_fd, .events = POLLIN },
			{ .fd = stopping ? -1 : m->reload_fd, .events = POLLIN },
		};
		eventfd_t requests;

		if (poll(fds, 5, poll_ms) < 0) {
			if (errno == EINTR)
				continue;
			log_error("poll: %s", strerror(errno));
			break;
		}
		if (fds[1].revents & POLLIN)
			monitor_take_completions(m);
		if (fds[2].revents & POLLIN)
			monitor_expire_deadlines(m);
		if (fds[0].revents & POLLIN)
			read_events(m, req);
		if (fds[4].revents & POLLIN && eventfd_read(m->reload_fd, &requests) == 0)
			reload_exclusions(m);
		if (pipeline_generation(m->pipeline) != m->generation)
			forget_everything(m);
		if (fds[3].revents & POLLIN && stop_requested(m, signal_fd)) {
			stopping = true;
			log_info("answering %llu event(s) still in flight",
				 (unsigned long long)inflight_count(&m->inflight));
		}
		inflight_advance_and_arm(&m->inflight);
	}
	free(req);
	monitor_log_stats(m);
	return 0;
}

void monitor_destroy(struct monitor *m)
{
	if (!m)
		return;
	fatal_signal_forget();
	if (m->fan_fd >= 0)
		close(m->fan_fd);
	if (m->reload_fd >= 0)
		close(m->reload_fd);
	pthread_mutex_destroy(&m->excl_lock);
	cache_free(&m->cache);
	inflight_free(&m->inflight);
	free(m->buf);
	free(m);
}
