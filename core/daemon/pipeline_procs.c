/*
 * The isolated pipeline: scanner processes, each running a group of plugins
 * (`scanner = NAME` in their config sections), each unprivileged and
 * sandboxed, each with its own scan threads. Every request goes to every
 * scanner (the event's fd travels with SCM_RIGHTS); a collector thread gathers
 * the votes and pipeline_finish combines them. A scanner that crashes, hangs
 * past the deadline or outgrows its memory limit is killed and restarted; its
 * outstanding votes become errors, so only its plugins' votes are lost. A
 * scanner that keeps failing is disabled and its plugins stop voting.
 *
 * Here: the pipeline interface, start-up, and the collector thread with its
 * periodic tick (the deadline, the watchdog). One scanner process is
 * scanner_host.c, the pool of them scanner_pool.c, the requests waiting for
 * their votes pending.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "common/config.h"
#include "common/log.h"
#include "common/monotonic.h"
#include "common/textbuf.h"
#include "daemon/health.h"
#include "daemon/pipeline_procs_internal.h"
#include "daemon/scanner_host.h"
#include "scanner/runtime.h"
#include "scanner/scanner_proto.h"

#define TICK_MAX_NS (50 * 1000000ull)
#define START_TIMEOUT_NS (300 * 1000000000ull) /* a big ClamAV database takes a while */

/* Periodic duties: decisions at the deadline, restarts, scanners stuck or too big. */
static void tick(struct proc_pipeline *p)
{
	uint64_t now = monotonic_ns(), t;
	/* a scan outliving the deadline by this much means its scanner is stuck */
	uint64_t hang_ns = SCAN_HUNG_NS(p->cfg->timeout_ms);

	if (read(p->timer_fd, &t, sizeof(t)) < 0 && errno != EAGAIN)
		log_error("timerfd read: %s", strerror(errno));
	/* just before the deadline, decide with the votes that came */
	pending_decide_overdue(p, now);
	pool_restart_due(p, now);
	for (size_t j = 0; j < PIPELINE_MAX_HELPERS; j++) {
		struct scanner *s = &p->pool[j];

		if (!s->in_use || !s->pid || s->kill_reason)
			continue;
		if (s->state == SC_STARTING && now > s->started_ns &&
		    now - s->started_ns > START_TIMEOUT_NS)
			scanner_host_kill(s, "did not start within 300 s, killed");
		if (s->state != SC_READY)
			continue;
		/*
		 * A retry held alone holds up everyone else: it may take its budget
		 * (by then cooperative plugins have given up), not the hung limit.
		 */
		if (pending_owed_since(&p->pending, s, now,
				       s->solo ? SCAN_BUDGET_NS(p->cfg->timeout_ms) + 250000000ull
					       : hang_ns)) {
			s->hung_kills++;
			s->hung = true;
			scanner_host_kill(s, "hung (a scan ran past twice timeout_ms), killed");
		} else if (!s->proven && now - s->self_test_sent_ns > hang_ns) {
			s->hung_kills++;
			scanner_host_kill(s, "hung on its self-test file, killed");
		}
		/* every tick: a fast leak grows by hundreds of MiB a second */
		if (p->cfg->memory_limit_mb && !s->kill_reason &&
		    scanner_host_resident_bytes(s) > (uint64_t)p->cfg->memory_limit_mb << 20) {
			s->memory_kills++;
			scanner_host_kill(s, "used more memory than memory_limit_mb, killed");
		}
	}
}

static void read_scanner(struct proc_pipeline *p, struct scanner *s)
{
	union scanner_msg *msg = p->msg;
	ssize_t n;

	while ((n = scanner_host_recv(s, msg)) > 0) {
		if (msg->type == SCANNER_VERDICT && s->state == SC_READY) {
			if (s->busy)
				s->busy--;
			if (!s->busy)
				s->solo = false;
			if (msg->verdict.tag == SELF_TEST_TAG) {
				pool_self_test_passed(p, s);
				continue;
			}
			pending_take_verdict(p, s, &msg->verdict, (size_t)n);
			if (s->role == ROLE_ACTIVE)
				procs_dispatch(p, s->group); /* its credit is back */
		} else if (msg->type == SCANNER_FAILED ||
			   (msg->type == SCANNER_READY && s->state == SC_STARTING))
			pool_take_hello(p, s, msg);
	}
	if (n == 0)
		pool_scanner_down(p, s);
}

static void *collector_main(void *arg)
{
	struct proc_pipeline *p = arg;
	struct epoll_event evs[16];

	for (;;) {
		int n = epoll_wait(p->epfd, evs, 16, -1);

		if (n < 0 && errno != EINTR) {
			log_error("scanner collector: epoll_wait: %s", strerror(errno));
			break;
		}
		pthread_mutex_lock(&p->lock);
		if (p->stopping) {
			pthread_mutex_unlock(&p->lock);
			break;
		}
		for (int k = 0; k < n; k++) {
			if (evs[k].data.ptr == &p->timer_fd)
				tick(p);
			else if (evs[k].data.ptr != &p->wake_fd) {
				struct scanner *s = evs[k].data.ptr;
				if (s->sock >= 0)
					read_scanner(p, s);
			}
		}
		pthread_mutex_unlock(&p->lock);
	}
	return NULL;
}

/* ---- the pipeline interface ---- */

/* Sends pd to group i's scanner s, which has credit for it; a failure is an error vote. */
static void send_one(struct proc_pipeline *p, struct pending *pd, size_t i, struct scanner *s)
{
	struct scanner_scan scan;

	scanner_host_scan_msg(&scan, &pd->req, pending_tag(&p->pending, pd));
	pd->proc[i] = s->proc;
	pd->sent_at[i] = monotonic_ns();
	if (scanner_host_send_scan(s, &scan, pd->req.fd) != 0) {
		char why[160];
		snprintf(why, sizeof(why), "cannot hand the file to scanner %s: %s", s->name,
			 strerror(errno));
		pending_vote_error(p, pd, i, why);
		return;
	}
	s->busy++;
	pending_sent(pd, i);
}

/*
 * A scanner that is down or starting again will be back: what it is sent
 * waits in its queue for it, and the deadline answers the openers meanwhile
 * (on_timeout), the verdict acted on when it comes. Errors then would be a
 * fail-open (on_error = allow) anyone who can crash or hang a plugin could
 * time. Only a disabled scanner's votes are errors at once.
 */
static bool will_scan(const struct scanner *s)
{
	return s->state != SC_DISABLED;
}

void procs_dispatch(struct proc_pipeline *p, size_t i)
{
	struct scanner *s = p->sc[i];
	uint32_t k;

	if (s->state == SC_DOWN || s->state == SC_STARTING || (s->state == SC_READY && !s->proven))
		return;
	while (s->state == SC_DISABLED && fairq_pop(&p->retry[i], &k))
		pending_vote_error(p, pending_at(&p->pending, k), i, s->why_down);
	if (s->state == SC_READY && (s->solo || fairq_count(&p->retry[i]))) {
		/* a retry goes alone: once what it waits behind is done, nothing beside it */
		if (!s->solo && !s->busy && fairq_pop(&p->retry[i], &k)) {
			send_one(p, pending_at(&p->pending, k), i, s);
			s->solo = s->busy > 0;
		}
		return;
	}
	while ((s->state == SC_DISABLED || s->busy < p->credits) && fairq_pop(&p->queue[i], &k)) {
		struct pending *pd = pending_at(&p->pending, k);

		if (s->state == SC_DISABLED)
			pending_vote_error(p, pd, i, s->why_down);
		else
			send_one(p, pd, i, s);
	}
	/* credits are the threads and one more: busy below the threads means one is idle */
	while ((s->state == SC_DISABLED ||
		(fairq_count(&p->queue[i]) == 0 && s->busy + 1 < p->credits)) &&
	       fairq_pop(&p->background[i], &k)) {
		struct pending *pd = pending_at(&p->pending, k);

		if (s->state == SC_DISABLED)
			pending_vote_error(p, pd, i, s->why_down);
		else
			send_one(p, pd, i, s);
	}
}

/* Queues the request for every group's scanner; a disabled group votes an error. */
static void send_to_scanners(struct proc_pipeline *p, struct pending *pd)
{
	uint32_t k = pending_index(&p->pending, pd);

	for (size_t i = 0; i < p->n; i++) {
		struct scanner *s = p->sc[i];

		if (!(pd->waiting & (1u << i)))
			continue;
		if (!will_scan(s)) {
			pending_vote_error(p, pd, i, s->why_down);
			/* when an error was the last vote, pd is finished and free */
			if (!pd->gen)
				return;
			continue;
		}
		fairq_push(procs_lane(p, i, pd), k, pd->req.uid);
	}
	for (size_t i = 0; i < p->n; i++)
		procs_dispatch(p, i);
}

static int procs_submit(struct pipeline *base, const struct scan_request *req)
{
	struct proc_pipeline *p = (struct proc_pipeline *)base;
	struct pending *pd;

	if (!pipeline_reserve(base))
		return -1;
	pthread_mutex_lock(&p->lock);
	pd = p->stopping ? NULL
			 : pending_open(&p->pending, req, base->engine->n_plugins, pool_voters(p));
	if (!pd) {
		pthread_mutex_unlock(&p->lock);
		pipeline_unreserve(base);
		return -1;
	}
	send_to_scanners(p, pd); /* pd holds req->fd until every group was sent it */
	pthread_mutex_unlock(&p->lock);
	return 0;
}

static void procs_format_stats(struct pipeline *base, struct textbuf *tb)
{
	struct proc_pipeline *p = (struct proc_pipeline *)base;

	pthread_mutex_lock(&p->lock);
	for (size_t i = 0; i < p->n; i++) {
		struct scanner *s = p->sc[i];
		static const char *const names[] = { "down", "starting", "ready", "DISABLED" };
		char plugins[256];
		pool_plugin_names(p, s, plugins, sizeof(plugins));
		textbuf_printf(
			tb,
			"scanner %s (%s): %s, pid %d, %llu crashes, %llu restarts, %llu killed "
			"hung, %llu killed for memory, %llu killed from outside, %llu MiB "
			"resident\n",
			s->name, plugins, names[s->state], (int)s->pid, s->crashes, s->restarts,
			s->hung_kills, s->memory_kills, s->outside_kills,
			(unsigned long long)(scanner_host_resident_bytes(s) >> 20));
	}
	pthread_mutex_unlock(&p->lock);
}

static void procs_free(struct proc_pipeline *p)
{
	pool_free(p);
	if (p->exe_fd >= 0)
		close(p->exe_fd);
	if (p->self_test_fd >= 0)
		close(p->self_test_fd);
	if (p->epfd >= 0)
		close(p->epfd);
	if (p->timer_fd >= 0)
		close(p->timer_fd);
	if (p->wake_fd >= 0)
		close(p->wake_fd);
	pending_free(&p->pending);
	for (size_t i = 0; i < PLUGINS_MAX; i++) {
		fairq_free(&p->queue[i]);
		fairq_free(&p->background[i]);
		fairq_free(&p->retry[i]);
	}
	free(p->msg);
	pthread_mutex_destroy(&p->lock);
	pipeline_base_free(&p->base);
	free(p);
}

static int procs_stop(struct pipeline *base, unsigned wait_ms)
{
	struct proc_pipeline *p = (struct proc_pipeline *)base;
	uint64_t one = 1;

	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_mutex_unlock(&p->lock);
	if (p->collector_running) {
		if (write(p->wake_fd, &one, sizeof(one)) < 0)
			log_error("scanner collector: wake: %s", strerror(errno));
		pthread_join(p->collector, NULL);
	}
	pool_stop(p, wait_ms);
	procs_free(p);
	return 0;
}

static void procs_reload(struct pipeline *base)
{
	struct proc_pipeline *p = (struct proc_pipeline *)base;

	pthread_mutex_lock(&p->lock);
	pool_start_reload(p);
	pthread_mutex_unlock(&p->lock);
}

static const char *const state_names[] = { "down", "starting", "ready", "disabled" };

static void procs_format_prometheus(struct pipeline *base, struct textbuf *tb)
{
	struct proc_pipeline *p = (struct proc_pipeline *)base;

	textbuf_printf(tb, "# HELP fanguard_scanner_disabled 1 while a scanner is disabled (its "
			   "plugins vote errors, decided by on_error).\n"
			   "# TYPE fanguard_scanner_disabled gauge\n");
	pthread_mutex_lock(&p->lock);
	for (size_t i = 0; i < p->n; i++)
		textbuf_printf(tb, "fanguard_scanner_disabled{scanner=\"%s\"} %d\n", p->sc[i]->name,
			       p->sc[i]->state == SC_DISABLED);
	textbuf_printf(tb, "# HELP fanguard_scanner_ready 1 while a scanner is ready to scan.\n"
			   "# TYPE fanguard_scanner_ready gauge\n");
	for (size_t i = 0; i < p->n; i++)
		textbuf_printf(tb, "fanguard_scanner_ready{scanner=\"%s\"} %d\n", p->sc[i]->name,
			       p->sc[i]->state == SC_READY);
	/* one series per state, 1 for the current one: sum by state across hosts */
	textbuf_printf(tb, "# HELP fanguard_scanner_state The state each scanner process is in "
			   "(1 for the current state).\n"
			   "# TYPE fanguard_scanner_state gauge\n");
	for (size_t i = 0; i < p->n; i++)
		for (size_t k = 0; k < sizeof(state_names) / sizeof(state_names[0]); k++)
			textbuf_printf(tb,
				       "fanguard_scanner_state{scanner=\"%s\",state=\"%s\"} %d\n",
				       p->sc[i]->name, state_names[k], p->sc[i]->state == k);
	textbuf_printf(tb, "# HELP fanguard_scanner_restarts_total Scanner processes started again "
			   "after a crash, hang or kill.\n"
			   "# TYPE fanguard_scanner_restarts_total counter\n");
	for (size_t i = 0; i < p->n; i++)
		textbuf_printf(tb, "fanguard_scanner_restarts_total{scanner=\"%s\"} %llu\n",
			       p->sc[i]->name, p->sc[i]->restarts);
	pthread_mutex_unlock(&p->lock);
}

static void procs_health(struct pipeline *base, struct health_report *r)
{
	struct proc_pipeline *p = (struct proc_pipeline *)base;

	pthread_mutex_lock(&p->lock);
	for (size_t i = 0; i < p->n; i++) {
		const struct scanner *s = p->sc[i];

		if (s->state == SC_DISABLED)
			health_add(r, HEALTH_SCANNER_DISABLED, "scanner %s is disabled", s->name);
		else if (s->state != SC_READY)
			health_add(r, HEALTH_SCANNER_RESTARTING, "scanner %s is %s (%s)", s->name,
				   state_names[s->state],
				   s->why_down[0] ? s->why_down : "not ready yet");
	}
	pthread_mutex_unlock(&p->lock);
}

static uint64_t procs_signature_count(struct pipeline *base, size_t j)
{
	struct proc_pipeline *p = (struct proc_pipeline *)base;
	uint64_t n = 0;

	pthread_mutex_lock(&p->lock);
	for (size_t i = 0; i < p->n; i++)
		for (size_t k = 0; k < p->sc[i]->n_plugins; k++)
			if (p->sc[i]->plugin[k] == j)
				n = p->sc[i]->signatures[k];
	pthread_mutex_unlock(&p->lock);
	return n;
}

static const struct pipeline_ops proc_ops = {
	.submit = procs_submit,
	.format_stats = procs_format_stats,
	.reload = procs_reload,
	.stop = procs_stop,
	.format_prometheus = procs_format_prometheus,
	.health = procs_health,
	.signature_count = procs_signature_count,
};

static int open_self_test(struct proc_pipeline *p, char *err, size_t errlen)
{
	static const char text[] = "fanguard scanner self-test: a clean file\n";

	p->self_test_fd = memfd_create("fanguard-self-test", MFD_CLOEXEC);
	if (p->self_test_fd < 0 ||
	    write(p->self_test_fd, text, sizeof(text) - 1) != (ssize_t)(sizeof(text) - 1) ||
	    fstat(p->self_test_fd, &p->self_test_st) != 0) {
		snprintf(err, errlen, "cannot make the scanners' self-test file: %s",
			 strerror(errno));
		return -1;
	}
	return 0;
}

/* Start-up: every scanner says READY or why not, before the daemon says ready. */
static int wait_for_scanners(struct proc_pipeline *p, char *err, size_t errlen)
{
	for (size_t i = 0; i < p->n; i++)
		if (scanner_host_await_ready(p, p->sc[i], p->msg, err, errlen) != 0)
			return -1;
	return 0;
}

struct pipeline *pipeline_start_processes(const struct engine *engine, const struct config *cfg,
					  const struct pipeline_hooks *hooks, char *err,
					  size_t errlen)
{
	struct proc_pipeline *p = calloc(1, sizeof(*p));
	struct itimerspec its;
	struct epoll_event ev = { .events = EPOLLIN };

	if (!p) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->epfd = p->timer_fd = p->wake_fd = p->exe_fd = p->self_test_fd = -1;
	pthread_mutex_init(&p->lock, NULL);
	p->cfg = cfg;
	p->n = 0;
	p->tick_ns = (uint64_t)cfg->timeout_ms * 100000ull; /* a tenth */
	if (p->tick_ns > TICK_MAX_NS)
		p->tick_ns = TICK_MAX_NS;
	p->partial_ns = (uint64_t)cfg->timeout_ms * 1000000ull - 2 * p->tick_ns;
	its.it_interval.tv_sec = its.it_value.tv_sec = 0;
	its.it_interval.tv_nsec = its.it_value.tv_nsec = (long)p->tick_ns;
	/* first: stopping after a failure looks at every pool entry */
	if (pool_init(p, engine, err, errlen) != 0 ||
	    pipeline_base_init(&p->base, &proc_ops, engine, cfg->max_inflight, hooks, err,
			       errlen) != 0)
		goto fail;
	p->exe_fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (p->exe_fd < 0) {
		snprintf(err, errlen, "cannot open my own executable: %s", strerror(errno));
		goto fail;
	}
	if (open_self_test(p, err, errlen) != 0)
		goto fail;
	p->msg = malloc(sizeof(*p->msg));
	if (pending_init(&p->pending, cfg->max_inflight) != 0 || !p->msg) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < p->n; i++)
		if (fairq_init(&p->queue[i], cfg->max_inflight) != 0 ||
		    fairq_init(&p->background[i], cfg->max_inflight) != 0 ||
		    fairq_init(&p->retry[i], cfg->max_inflight) != 0) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
	/* the scanner's threads, as it counts them, and one waiting */
	p->credits = runtime_workers_of(cfg) + 1;
	for (size_t i = 0; i < p->n; i++)
		if (scanner_host_spawn(p, p->sc[i], err, errlen) != 0)
			goto fail;
	if (wait_for_scanners(p, err, errlen) != 0)
		goto fail;
	for (size_t i = 0; i < p->n; i++)
		p->sc[i]->proven = true; /* a plugin that fails on every file shows at its first */
	p->epfd = epoll_create1(EPOLL_CLOEXEC);
	p->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	p->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (p->epfd < 0 || p->timer_fd < 0 || p->wake_fd < 0 ||
	    timerfd_settime(p->timer_fd, 0, &its, NULL) != 0) {
		snprintf(err, errlen, "cannot set up the scanner collector: %s", strerror(errno));
		goto fail;
	}
	ev.data.ptr = &p->timer_fd;
	epoll_ctl(p->epfd, EPOLL_CTL_ADD, p->timer_fd, &ev);
	ev.data.ptr = &p->wake_fd;
	epoll_ctl(p->epfd, EPOLL_CTL_ADD, p->wake_fd, &ev);
	for (size_t i = 0; i < p->n; i++) {
		ev.data.ptr = p->sc[i];
		epoll_ctl(p->epfd, EPOLL_CTL_ADD, p->sc[i]->sock, &ev);
	}
	if (pthread_create(&p->collector, NULL, collector_main, p) != 0) {
		snprintf(err, errlen, "cannot start the scanner collector: %s", strerror(errno));
		goto fail;
	}
	p->collector_running = true;
	return &p->base;
fail:
	pool_stop(p, 1000);
	procs_free(p);
	return NULL;
}

void pipeline_describe_scanners(struct pipeline *base, char *buf, size_t size)
{
	struct proc_pipeline *p = (struct proc_pipeline *)base;
	size_t len = 0;

	buf[0] = '\0';
	pthread_mutex_lock(&p->lock); /* a reload replaces the scanners */
	for (size_t j = 0; j < base->engine->n_plugins && len < size; j++) {
		for (size_t i = 0; i < p->n; i++) {
			for (size_t k = 0; k < p->sc[i]->n_plugins; k++) {
				char limit[64];

				if (p->sc[i]->plugin[k] != j)
					continue;
				plugin_format_limit(p->sc[i]->size_limit[k], limit, sizeof(limit));
				len += (size_t)snprintf(
					buf + len, size - len, "%s%s %s (%llu signatures, %s)",
					j ? ", " : "", base->engine->plugins[j].name,
					p->sc[i]->version[k],
					(unsigned long long)p->sc[i]->signatures[k], limit);
			}
		}
	}
	pthread_mutex_unlock(&p->lock);
}
