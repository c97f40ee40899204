/*
 * The isolated pipeline: scanner processes, each running a group of plugins
 * (`scanner = NAME` in their config sections), each unprivileged and
 * sandboxed, each with its own scan threads. Every request goes to every
 * scanner (the event's fd travels with SCM_RIGHTS); a collector thread reads
 * the votes, combines them and finishes the request. A scanner that crashes,
 * hangs past the deadline or outgrows its memory limit is killed and
 * restarted; its outstanding votes become errors, so only its plugins' votes
 * are lost. A scanner that keeps failing is disabled and its plugins stop voting.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "common/config.h"
#include "common/log.h"
#include "common/textbuf.h"
#include "daemon/pipeline_procs_internal.h"
#include "daemon/scanner_host.h"
#include "scanner/scanner_proto.h"

#define TICK_MAX_NS (50 * 1000000ull)
#define START_TIMEOUT_NS (300 * 1000000000ull) /* a big ClamAV database takes a while */
#define RESTART_BACKOFF_MIN_NS (100 * 1000000ull)
#define RESTART_BACKOFF_MAX_NS (5000 * 1000000ull)

/* ---- scanner failures ---- */

uint32_t pool_voters(const struct proc_pipeline *p)
{
	uint32_t voters = 0;

	for (size_t i = 0; i < p->n; i++)
		if (p->sc[i]->state != SC_DISABLED)
			voters |= 1u << i;
	return voters;
}

uint32_t pool_abstaining(const struct proc_pipeline *p, uint32_t voters)
{
	uint32_t abstain = 0;

	for (size_t i = 0; i < p->n; i++)
		for (size_t k = 0; !(voters & (1u << i)) && k < p->sc[i]->n_plugins; k++)
			abstain |= 1u << p->sc[i]->plugin[k];
	return abstain;
}

static void plugin_names(const struct proc_pipeline *p, const struct scanner *s, char *buf,
			 size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t k = 0; k < s->n_plugins && len < size; k++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", k ? ", " : "",
					p->base.engine->plugins[s->plugin[k]].name);
}

static unsigned recent_crashes(const struct proc_pipeline *p, const struct scanner *s, uint64_t now)
{
	uint64_t window = (uint64_t)p->cfg->restart_window_s * 1000000000ull;
	unsigned n = 0;

	for (unsigned k = 0; k < p->cfg->restart_limit; k++)
		if (s->crash_ns[k] && now - s->crash_ns[k] <= window)
			n++;
	return n;
}

static void reload_failed(struct proc_pipeline *p, const char *why);
static void finish_reload_if_ready(struct proc_pipeline *p);

/* The scanner's socket closed: reap it, settle its votes, restart it or give up on it. */
static void scanner_down(struct proc_pipeline *p, struct scanner *s)
{
	uint64_t now = hist_now_ns(), backoff;
	char status_text[96], why[256];
	unsigned recent;

	scanner_host_reap(p, s, status_text, sizeof(status_text));
	if (s->role == ROLE_RETIRING) {
		/* a replaced scanner that finished its work: nothing more is owed */
		snprintf(why, sizeof(why), "scanner %s was replaced by a reload", s->name);
		pending_fail_owed(p, s, why);
		s->pid = 0;
		s->in_use = false;
		return;
	}
	if (s->role == ROLE_CANDIDATE) {
		snprintf(why, sizeof(why), "the new scanner %s %s", s->name,
			 s->kill_reason ? s->kill_reason : status_text);
		s->pid = 0;
		reload_failed(p, why);
		return;
	}
	snprintf(s->why_down, sizeof(s->why_down), "scanner %s %s", s->name,
		 s->kill_reason ? s->kill_reason : status_text);
	s->crashes++;
	s->crash_ns[s->crash_next++ % p->cfg->restart_limit] = now;
	recent = recent_crashes(p, s, now);
	log_error("scanner %s (pid %d) %s; its pending scans count as errors", s->name, (int)s->pid,
		  s->kill_reason ? s->kill_reason : status_text);
	s->pid = 0;
	if (recent >= p->cfg->restart_limit) {
		s->state = SC_DISABLED;
		char names[256];
		plugin_names(p, s, names, sizeof(names));
		log_error("SCANNER %s DISABLED: it failed %u times within %u s; its plugins (%s) no "
			  "longer vote (fix the plugin or its data, then reload or restart fanguardd)",
			  s->name, recent, p->cfg->restart_window_s, names);
	} else {
		backoff = RESTART_BACKOFF_MIN_NS << (recent > 0 ? recent - 1 : 0);
		if (backoff > RESTART_BACKOFF_MAX_NS)
			backoff = RESTART_BACKOFF_MAX_NS;
		s->state = SC_DOWN;
		s->restart_at_ns = now + backoff;
	}
	/* after the state change: requests submitted meanwhile no longer wait for it */
	pending_fail_owed(p, s, s->why_down);
	s->proc = 0;
}

/* Periodic duties: restarts, hung scanners, memory limits. */
static void tick(struct proc_pipeline *p)
{
	uint64_t now = hist_now_ns(), t;
	/* a scan outliving the deadline by this much means its scanner is stuck */
	uint64_t hang_ns = (uint64_t)p->cfg->timeout_ms * 2000000ull + 1000000000ull;
	char err[256];

	if (read(p->timer_fd, &t, sizeof(t)) < 0 && errno != EAGAIN)
		log_error("timerfd read: %s", strerror(errno));
	/* just before the deadline, decide with the votes that came */
	pending_decide_overdue(p, now);
	for (size_t i = 0; i < p->n; i++) {
		struct scanner *s = p->sc[i];

		if (s->state == SC_DOWN && now >= s->restart_at_ns) {
			s->restarts++;
			if (scanner_host_spawn(p, s, err, sizeof(err)) != 0) {
				log_error("scanner %s: cannot restart it: %s", s->name, err);
				s->restart_at_ns = now + RESTART_BACKOFF_MAX_NS;
			}
		}
	}
	for (size_t j = 0; j < PIPELINE_MAX_HELPERS; j++) {
		struct scanner *s = &p->pool[j];

		if (!s->in_use || !s->pid || s->kill_reason)
			continue;
		if (s->state == SC_STARTING && now > s->started_ns &&
		    now - s->started_ns > START_TIMEOUT_NS)
			scanner_host_kill(s, "did not start within 300 s, killed");
		if (s->state != SC_READY)
			continue;
		if (pending_owed_since(&p->pending, s, now, hang_ns)) {
			s->hung_kills++;
			scanner_host_kill(s, "hung (a scan ran past twice timeout_ms), killed");
		}
		/* every tick: a fast leak grows by hundreds of MiB a second */
		if (p->cfg->memory_limit_mb && !s->kill_reason &&
		    scanner_host_resident_bytes(s) > (uint64_t)p->cfg->memory_limit_mb << 20) {
			s->memory_kills++;
			scanner_host_kill(s, "used more memory than memory_limit_mb, killed");
		}
	}
}

/* ---- reload: new scanners load the new data while the old ones keep scanning ---- */

static struct scanner *pool_take(struct proc_pipeline *p, const struct scanner *like)
{
	for (size_t j = 0; j < PIPELINE_MAX_HELPERS; j++) {
		struct scanner *s = &p->pool[j];
		uint64_t *crash_ns = s->crash_ns;

		if (s->in_use)
			continue;
		memset(s, 0, sizeof(*s));
		s->crash_ns = crash_ns;
		memset(s->crash_ns, 0, p->cfg->restart_limit * sizeof(uint64_t));
		s->in_use = true;
		s->sock = -1;
		s->group = like->group;
		s->name = like->name;
		s->n_plugins = like->n_plugins;
		memcpy(s->plugin, like->plugin, sizeof(s->plugin));
		return s;
	}
	return NULL;
}

static void start_reload(struct proc_pipeline *p)
{
	char err[256];

	if (p->reloading) {
		log_warning("reload requested while one is running: ignored");
		return;
	}
	p->reload_error[0] = '\0';
	p->reloading = true;
	log_info("reload: starting new scanners with the current signatures and rules");
	for (size_t i = 0; i < p->n; i++) {
		struct scanner *c = pool_take(p, p->sc[i]);

		if (!c || scanner_host_spawn(p, c, err, sizeof(err)) != 0) {
			if (c)
				c->in_use = false;
			reload_failed(p, c ? err : "no free scanner slot");
			return;
		}
		c->role = ROLE_CANDIDATE;
		p->cand[i] = c;
	}
}

/* Every candidate is ready: it takes over; the old scanner finishes its work and leaves. */
static void finish_reload_if_ready(struct proc_pipeline *p)
{
	for (size_t i = 0; i < p->n; i++)
		if (!p->cand[i] || p->cand[i]->state != SC_READY)
			return;
	for (size_t i = 0; i < p->n; i++) {
		struct scanner *old = p->sc[i];

		old->role = ROLE_RETIRING;
		if (old->pid && old->sock >= 0)
			shutdown(old->sock, SHUT_WR); /* it drains its queue, then sees the end */
		else if (!old->pid)
			old->in_use = false;      /* down or disabled: nothing to wait for */
		p->sc[i] = p->cand[i];
		p->sc[i]->role = ROLE_ACTIVE;
		p->cand[i] = NULL;
	}
	p->reloading = false;
	atomic_fetch_add(&p->base.generation, 1);
	{
		uint64_t one = 1; /* wake the reader: it drops the cached verdicts at once */
		if (write(p->base.efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
			log_error("reload: eventfd write: %s", strerror(errno));
	}
	log_notice("reload: done; new signatures and rules are in use, cached verdicts dropped");
}

static void reload_failed(struct proc_pipeline *p, const char *why)
{
	log_error("reload FAILED: %s%s%s; the previous signatures and rules stay in use", why,
		  p->reload_error[0] ? ": " : "", p->reload_error);
	for (size_t i = 0; i < p->n; i++) {
		struct scanner *c = p->cand[i];

		p->cand[i] = NULL;
		if (!c)
			continue;
		/* scanner_down will find it no longer a candidate and just reap it */
		c->role = ROLE_RETIRING;
		if (c->pid)
			kill(c->pid, SIGKILL);
		else
			c->in_use = false;
	}
	p->reloading = false;
}

/* A restarted scanner or a reload's candidate says READY or why it could not start. */
static void take_hello(struct proc_pipeline *p, struct scanner *s, union scanner_msg *msg)
{
	char err[sizeof(msg->failed.message)];

	switch (scanner_host_hello(s, p->base.engine, msg, err, sizeof(err))) {
	case HELLO_READY:
		if (s->role == ROLE_CANDIDATE)
			finish_reload_if_ready(p);
		break;
	case HELLO_WRONG_PLUGINS:
		log_error("%s", err);
		scanner_host_kill(s, "reported the wrong plugins, killed");
		break;
	case HELLO_FAILED:
		if (s->role == ROLE_CANDIDATE)
			snprintf(p->reload_error, sizeof(p->reload_error), "%s", err);
		else
			log_error("scanner %s could not start: %s", s->name, err);
		break;
	}
}

static void read_scanner(struct proc_pipeline *p, struct scanner *s)
{
	union scanner_msg *msg = p->msg;
	ssize_t n;

	while ((n = scanner_host_recv(s, msg)) > 0) {
		if (msg->type == SCANNER_VERDICT && s->state == SC_READY)
			pending_take_verdict(p, s, &msg->verdict, (size_t)n);
		else if (msg->type == SCANNER_FAILED ||
			 (msg->type == SCANNER_READY && s->state == SC_STARTING))
			take_hello(p, s, msg);
	}
	if (n == 0)
		scanner_down(p, s);
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

static int procs_submit(struct pipeline *base, const struct scan_request *req)
{
	struct proc_pipeline *p = (struct proc_pipeline *)base;
	struct scanner_scan scan;
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
	scanner_host_scan_msg(&scan, req, pending_tag(&p->pending, pd));
	/* when an error was the last vote, pd is finished and free: its gen is 0 */
	for (size_t i = 0; i < p->n && pd->gen; i++) {
		struct scanner *s = p->sc[i];

		if (!(pd->waiting & (1u << i)))
			continue;
		if (s->state != SC_READY) {
			pending_vote_error(p, pd, i, s->why_down[0] ? s->why_down : "scanner starting");
			continue;
		}
		pd->proc[i] = s->proc;
		if (scanner_host_send_scan(s, &scan, req->fd) != 0) {
			char why[160];
			snprintf(why, sizeof(why), "cannot hand the file to scanner %s: %s", s->name,
				 strerror(errno));
			pending_vote_error(p, pd, i, why);
		}
	}
	if (pd->gen && !pd->voters)
		pending_settle(p, pd); /* every plugin disabled: nothing to wait for */
	pthread_mutex_unlock(&p->lock);
	close(req->fd); /* each scanner got its own copy */
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
		plugin_names(p, s, plugins, sizeof(plugins));
		tb_printf(tb, "scanner %s (%s): %s, pid %d, %llu crashes, %llu restarts, %llu killed "
			  "hung, %llu killed for memory, %llu MiB resident\n",
			  s->name, plugins, names[s->state], (int)s->pid, s->crashes, s->restarts,
			  s->hung_kills, s->memory_kills,
			  s->pid ? (unsigned long long)(scanner_host_resident_bytes(s) >> 20) : 0ull);
	}
	pthread_mutex_unlock(&p->lock);
}

static void procs_free(struct proc_pipeline *p)
{
	for (size_t j = 0; j < PIPELINE_MAX_HELPERS; j++)
		free(p->pool[j].crash_ns);
	if (p->exe_fd >= 0)
		close(p->exe_fd);
	if (p->epfd >= 0)
		close(p->epfd);
	if (p->timer_fd >= 0)
		close(p->timer_fd);
	if (p->wake_fd >= 0)
		close(p->wake_fd);
	pending_free(&p->pending);
	free(p->msg);
	pthread_mutex_destroy(&p->lock);
	pipeline_base_free(&p->base);
	free(p);
}

/* Closes every scanner's socket (they exit on end of stream) and reaps them. */
static void stop_scanners(struct proc_pipeline *p, unsigned wait_ms)
{
	uint64_t deadline = hist_now_ns() + (uint64_t)wait_ms * 1000000ull;

	for (size_t j = 0; j < PIPELINE_MAX_HELPERS; j++)
		if (p->pool[j].sock >= 0) {
			close(p->pool[j].sock);
			p->pool[j].sock = -1;
		}
	for (size_t j = 0; j < PIPELINE_MAX_HELPERS; j++)
		if (p->pool[j].pid)
			scanner_host_stop(p, &p->pool[j], deadline);
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
	stop_scanners(p, wait_ms);
	procs_free(p);
	return 0;
}

static void procs_reload(struct pipeline *base)
{
	struct proc_pipeline *p = (struct proc_pipeline *)base;

	pthread_mutex_lock(&p->lock);
	start_reload(p);
	pthread_mutex_unlock(&p->lock);
}

static const struct pipeline_ops proc_ops = {
	.submit = procs_submit,
	.format_stats = procs_format_stats,
	.reload = procs_reload,
	.stop = procs_stop,
};

/* Start-up: every scanner says READY or why not, before the daemon says ready. */
static int wait_for_scanners(struct proc_pipeline *p, char *err, size_t errlen)
{
	for (size_t i = 0; i < p->n; i++)
		if (scanner_host_await_ready(p, p->sc[i], p->msg, err, errlen) != 0)
			return -1;
	return 0;
}

struct pipeline *pipeline_start_processes(const struct engine *engine, const struct config *cfg,
					  unsigned workers, char *err, size_t errlen)
{
	struct proc_pipeline *p = calloc(1, sizeof(*p));
	struct itimerspec its;
	struct epoll_event ev = { .events = EPOLLIN };

	(void)workers; /* each scanner reads scan.workers from the config itself */
	if (!p) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->epfd = p->timer_fd = p->wake_fd = p->exe_fd = -1;
	pthread_mutex_init(&p->lock, NULL);
	p->cfg = cfg;
	p->n = 0;
	p->tick_ns = (uint64_t)cfg->timeout_ms * 100000ull; /* a tenth */
	if (p->tick_ns > TICK_MAX_NS)
		p->tick_ns = TICK_MAX_NS;
	p->partial_ns = (uint64_t)cfg->timeout_ms * 1000000ull - 2 * p->tick_ns;
	its.it_interval.tv_sec = its.it_value.tv_sec = 0;
	its.it_interval.tv_nsec = its.it_value.tv_nsec = (long)p->tick_ns;
	if (pipeline_base_init(&p->base, &proc_ops, engine, cfg->max_inflight, err, errlen) != 0)
		goto fail;
	p->exe_fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (p->exe_fd < 0) {
		snprintf(err, errlen, "cannot open my own executable: %s", strerror(errno));
		goto fail;
	}
	p->msg = malloc(sizeof(*p->msg));
	if (pending_init(&p->pending, cfg->max_inflight) != 0 || !p->msg) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (size_t j = 0; j < PIPELINE_MAX_HELPERS; j++) {
		p->pool[j].sock = -1;
		p->pool[j].crash_ns = calloc(cfg->restart_limit, sizeof(uint64_t));
		if (!p->pool[j].crash_ns) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
	}
	for (size_t j = 0; j < engine->n_plugins; j++) {
		const char *group = engine->plugins[j].scanner;
		size_t i = 0;
		while (i < p->n && strcmp(p->sc[i]->name, group) != 0)
			i++;
		if (i == p->n) {
			p->sc[i] = &p->pool[i];
			p->sc[i]->in_use = true;
			p->sc[i]->role = ROLE_ACTIVE;
			p->sc[i]->group = i;
			p->sc[i]->name = group;
			p->n++;
		}
		p->sc[i]->plugin[p->sc[i]->n_plugins++] = j;
	}
	for (size_t i = 0; i < p->n; i++)
		if (scanner_host_spawn(p, p->sc[i], err, errlen) != 0)
			goto fail;
	if (wait_for_scanners(p, err, errlen) != 0)
		goto fail;
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
	stop_scanners(p, 1000);
	procs_free(p);
	return NULL;
}

void pipeline_describe_scanners(struct pipeline *base, char *buf, size_t size)
{
	struct proc_pipeline *p = (struct proc_pipeline *)base;
	size_t len = 0;

	buf[0] = '\0';
	for (size_t j = 0; j < base->engine->n_plugins && len < size; j++) {
		for (size_t i = 0; i < p->n; i++) {
			for (size_t k = 0; k < p->sc[i]->n_plugins; k++) {
				if (p->sc[i]->plugin[k] != j)
					continue;
				len += (size_t)snprintf(buf + len, size - len, "%s%s %s (%llu signatures)",
							j ? ", " : "", base->engine->plugins[j].name,
							p->sc[i]->version[k],
							(unsigned long long)p->sc[i]->signatures[k]);
			}
		}
	}
}
