/*
 * The monitor's wiring and its one thread: the poll loop over the fanotify
 * group, the pipeline's completions, the deadline timer, signals and reload
 * requests. The event path itself: filter.c, monitor_dispatch.c, inflight.c,
 * monitor_answer.c.
 */
#include "daemon/monitor_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/fanotify.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "common/histogram.h"
#include "common/log.h"
#include "common/monotonic.h"
#include "common/path.h"
#include "common/textbuf.h"
#include "daemon/cache.h"
#include "daemon/exclusions.h"
#include "daemon/fatal_signal.h"
#include "daemon/fuse_guard.h"
#include "daemon/ignore_marks.h"
#include "daemon/inflight.h"
#include "daemon/marks.h"
#include "daemon/sdnotify.h"

#define EVENT_BUF_SIZE (256 * 1024)

static int open_fds(struct monitor *m, char *err, size_t errlen)
{
	/* Unlimited queue: an overflowing kernel queue would silently allow permission events. */
	m->fan_fd = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC | FAN_NONBLOCK |
					  FAN_UNLIMITED_QUEUE | FAN_UNLIMITED_MARKS,
				  O_RDONLY | O_LARGEFILE | O_CLOEXEC);
	if (m->fan_fd < 0) {
		snprintf(err, errlen, "fanotify_init: %s%s", strerror(errno),
			 errno == EPERM ? " (fanguardd must run as root with CAP_SYS_ADMIN)" : "");
		return -1;
	}
	m->reload_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	m->query_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (m->reload_fd < 0 || m->query_fd < 0) {
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* The events to mark the mounts for; sets the permission events and whether verdicts are cached. */
static uint64_t choose_events(struct monitor *m)
{
	uint64_t mask = 0;

	if (m->cfg->events & CONFIG_EVENT_OPEN)
		mask |= FAN_OPEN_PERM;
	if (m->cfg->events & CONFIG_EVENT_EXEC)
		mask |= FAN_OPEN_EXEC_PERM;
	m->perm_mask = mask;
	m->caching = m->cfg->cache_size > 0 && m->perm_mask;
	/* a write must void what the cache knows, so close_write is watched whenever it caches */
	if ((m->cfg->events & CONFIG_EVENT_CLOSE_WRITE) || m->caching)
		mask |= FAN_CLOSE_WRITE;
	return mask;
}

struct monitor *monitor_create(struct config *cfg, char *err, size_t errlen)
{
	struct monitor *m = calloc(1, sizeof(*m));
	uint64_t mask;

	if (!m) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	m->cfg = cfg;
	pthread_mutex_init(&m->excl_lock, NULL);
	pthread_rwlock_init(&m->answer_lock, NULL);
	pthread_mutex_init(&m->query_lock, NULL);
	pthread_cond_init(&m->query_answered, NULL);
	m->self = getpid();
	m->fan_fd = m->reload_fd = m->query_fd = m->marks.mountinfo_fd = -1;
	if (inflight_init(&m->inflight, cfg->max_inflight, cfg->timeout_ms, err, errlen) != 0)
		goto fail;
	/* units: events in flight and scans outliving them, each at most max_inflight */
	if (uid_share_init(&m->share, 2 * cfg->max_inflight, cfg->max_inflight_per_uid) != 0) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	m->buf = malloc(EVENT_BUF_SIZE);
	if (!m->buf) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (open_fds(m, err, errlen) != 0)
		goto fail;
	mask = choose_events(m);
	if (cache_init(&m->cache, m->caching ? cfg->cache_size : 0) != 0 ||
	    deny_repeats_init(&m->deny_repeats) != 0) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	ignore_marks_init(&m->ignore, m->fan_fd, m->perm_mask, m->caching, cfg->cache_size);
	m->mask = mask;
	/*
	 * A read lease (background.c) makes a writer's open send SIGIO to its
	 * holder; its default action would end the daemon.
	 */
	signal(SIGIO, SIG_IGN);
	if (background_init(m, err, errlen) != 0)
		goto fail;
	fatal_signal_install(m->fan_fd);
	return m;
fail:
	monitor_destroy(m);
	return NULL;
}

int monitor_watch(struct monitor *m, struct pipeline *pipeline, char *err, size_t errlen)
{
	m->pipeline = pipeline;
	return marks_init(&m->marks, m->fan_fd, m->cfg, m->mask, err, errlen);
}

void monitor_hooks(struct monitor *m, struct pipeline_hooks *hooks)
{
	hooks->answer = monitor_answer_from_worker;
	hooks->answer_ctx = m;
}

unsigned monitor_mark_count(const struct monitor *m)
{
	return m->marks.count;
}

const char *monitor_cache_mode(const struct monitor *m)
{
	return ignore_marks_mode(&m->ignore);
}

void monitor_format_marks(struct monitor *m, struct textbuf *tb)
{
	/* read by the control thread while the monitor may refresh: counts and text only */
	textbuf_printf(tb, "marks: %s, %u placed%s%s\n", marks_mode(&m->marks), m->marks.count,
		       m->marks.refused[0] ? "; not marked whole: " : "", m->marks.refused);
	if (fuse_guard_aborted(m->fuse_guard))
		textbuf_printf(tb,
			       "FUSE connections aborted (they held up the event thread): %llu\n",
			       fuse_guard_aborted(m->fuse_guard));
	marks_format_reader_fs(&m->marks, m->cfg->user_fuse, tb);
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
					log_error(
						"fanotify queue overflow: events were lost (+%lu)",
						suppressed);
				continue;
			}
			if (ev->fd < 0)
				continue;
			monitor_dispatch(m, ev, req);
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

	if (exclusions_reload(m->cfg, &m->excl_lock, changed, sizeof(changed), err, sizeof(err)) !=
	    0) {
		log_error("reload: %s; the exclusions stay as they were", err);
		return;
	}
	if (had)
		forget_everything(m);
	log_info("reload: exclusions: %zu path(s), %zu program(s), %zu user(s); verdict.mode %s, "
		 "%zu policy section(s)",
		 path_set_size(&m->cfg->exclude), path_set_size(&m->cfg->exclude_exe),
		 m->cfg->n_exclude_uid, scan_mode_name(m->cfg->policy.fallback), m->cfg->policy.n);
	if (changed[0])
		log_warning("reload: %s changed in %s; restart fanguardd to apply %s", changed,
			    m->cfg->path, strchr(changed, ',') ? "them" : "it");
}

/*
 * Called from any thread (the control socket's too), the reload itself runs on
 * the monitor's: the exclusions are its own, and the new scanners it forks get a
 * parent-death signal that fires when their parent *thread* ends. Forked by
 * the control thread, they were killed when it stopped, before the pipeline,
 * which took that for a crash and logged an error at every clean stop.
 */
int monitor_reload(struct monitor *m)
{
	if (eventfd_write(m->reload_fd, 1) != 0) {
		log_error("cannot ask for a reload: %s", strerror(errno));
		return -1;
	}
	return pipeline_can_reload(m->pipeline) ? 0 : -1;
}

void monitor_format_modes(struct monitor *m, struct textbuf *tb)
{
	exclusions_format_modes(m->cfg, &m->excl_lock, tb);
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
			log_info("received %s, stopping",
				 si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
			stop = true;
		} else if (si.ssi_signo == SIGHUP) {
			if (monitor_reload(m) != 0)
				log_warning(
					"SIGHUP: reloading needs scan { isolation = \"process\" }; "
					"restart fanguardd to load new signatures");
		} else if (si.ssi_signo == SIGUSR1) {
			monitor_log_stats(m);
		}
	}
	return stop;
}

/* poll()'s timeout: the watchdog's, or sooner when held-back denies are due to be summed up. */
static int wait_ms(int poll_ms, const struct deny_repeats *repeats)
{
	int due = deny_repeats_wait_ms(repeats, monotonic_ns());

	if (due < 0)
		return poll_ms;
	return poll_ms < 0 || due < poll_ms ? due : poll_ms;
}

int monitor_run(struct monitor *m, int signal_fd, unsigned watchdog_ms)
{
	struct scan_request *req = calloc(1, sizeof(*req));
	bool stopping = false;
	uint64_t next_ping = 0;
	/* ping systemd twice per interval, from this loop: a stuck loop misses its pings */
	int poll_ms = watchdog_ms ? (int)(watchdog_ms / 2 ? watchdog_ms / 2 : 1) : -1;

	if (!req)
		return -1;
	/* a second is long past anything this loop does; half the deadline if that is shorter */
	m->fuse_guard =
		fuse_guard_start(&m->marks, &m->busy_since,
				 m->cfg->timeout_ms / 2 < 1000 ? m->cfg->timeout_ms / 2 : 1000);
	if (!m->fuse_guard)
		log_warning("cannot start the FUSE guard: a FUSE server that stops answering could "
			    "hold up every open on the watched filesystems");
	while (!stopping || inflight_count(&m->inflight) > 0) {
		if (watchdog_ms && monotonic_ns() >= next_ping) {
			sd_notify_send("WATCHDOG=1");
			next_ping = monotonic_ns() + (uint64_t)poll_ms * 1000000ull;
		}
		struct pollfd fds[8] = {
			{ .fd = stopping ? -1 : m->fan_fd, .events = POLLIN },
			{ .fd = pipeline_completion_fd(m->pipeline), .events = POLLIN },
			{ .fd = m->inflight.timer_fd, .events = POLLIN },
			{ .fd = stopping ? -1 : signal_fd, .events = POLLIN },
			{ .fd = stopping ? -1 : m->reload_fd, .events = POLLIN },
			{ .fd = stopping ? -1 : m->marks.mountinfo_fd, .events = POLLPRI },
			{ .fd = m->query_fd, .events = POLLIN },
			{ .fd = stopping ? -1 : background_fd(m), .events = POLLIN },
		};
		eventfd_t requests;

		atomic_store(&m->busy_since, 0);
		if (poll(fds, 8, wait_ms(poll_ms, &m->deny_repeats)) < 0) {
			if (errno == EINTR)
				continue;
			log_error("poll: %s", strerror(errno));
			break;
		}
		atomic_store(&m->busy_since, monotonic_ns());
		/* before the events: a mount made meanwhile is known (and marked) first */
		if (fds[5].revents & (POLLPRI | POLLERR))
			marks_refresh(&m->marks);
		if (fds[1].revents & POLLIN)
			monitor_take_completions(m);
		if (fds[2].revents & POLLIN)
			monitor_expire_deadlines(m);
		if (fds[0].revents & POLLIN)
			read_events(m, req);
		if (fds[4].revents & POLLIN && eventfd_read(m->reload_fd, &requests) == 0) {
			reload_exclusions(m);
			pipeline_reload(m->pipeline);
		}
		if (pipeline_generation(m->pipeline) != m->generation) {
			forget_everything(m);
			background_reload(m);
		}
		if ((fds[7].revents & POLLIN) || background_idle(&m->bg))
			background_pump(m, fds[7].revents & POLLIN);
		if (fds[6].revents & POLLIN && eventfd_read(m->query_fd, &requests) == 0)
			monitor_answer_cache_query(m);
		if (fds[3].revents & POLLIN && stop_requested(m, signal_fd)) {
			stopping = true;
			log_info("answering %llu event(s) still in flight",
				 (unsigned long long)inflight_count(&m->inflight));
		}
		deny_repeats_flush(&m->deny_repeats, monotonic_ns());
		inflight_advance_and_arm(&m->inflight);
	}
	free(req);
	atomic_store(&m->busy_since, 0);
	fuse_guard_stop(m->fuse_guard);
	m->fuse_guard = NULL;
	deny_repeats_flush(&m->deny_repeats, UINT64_MAX); /* nothing held back is lost */
	monitor_log_stats(m);
	return 0;
}

void monitor_close(struct monitor *m)
{
	if (!m)
		return;
	fatal_signal_forget();
	pthread_rwlock_wrlock(&m->answer_lock);
	m->closed = true;
	if (m->fan_fd >= 0)
		close(m->fan_fd);
	m->fan_fd = -1;
	pthread_rwlock_unlock(&m->answer_lock);
}

void monitor_destroy(struct monitor *m)
{
	if (!m)
		return;
	monitor_close(m);
	background_free(m);
	pthread_rwlock_destroy(&m->answer_lock);
	if (m->reload_fd >= 0)
		close(m->reload_fd);
	if (m->query_fd >= 0)
		close(m->query_fd);
	pthread_mutex_destroy(&m->query_lock);
	pthread_cond_destroy(&m->query_answered);
	pthread_mutex_destroy(&m->excl_lock);
	cache_free(&m->cache);
	deny_repeats_free(&m->deny_repeats);
	inflight_free(&m->inflight);
	uid_share_free(&m->share);
	marks_free(&m->marks);
	free(m->buf);
	free(m);
}
