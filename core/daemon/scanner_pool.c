/*
 * The pool of scanner processes: one group of plugins per `scanner` name, each
 * served by its active scanner. A scanner that ends is restarted, and the
 * scans it held are sent again, each alone. One that fails to start (to load its
 * plugins and scan a self-test file) restart_limit times within
 * restart_window_s is disabled and its plugins vote errors (on_error
 * decides). A scanner that had started counts for nothing there: what ends it
 * then is a file (one that crashes or hangs a plugin), and anyone can write
 * files, so counting it would let any user disable protection for all. A reload starts a candidate per group
 * with the new data while the old scanners keep scanning; once every
 * candidate is ready they take over, and the old ones retire.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/config.h"
#include "common/log.h"
#include "common/monotonic.h"
#include "daemon/pipeline_procs_internal.h"
#include "daemon/scanner_host.h"
#include "scanner/scanner_proto.h"

#define RESTART_BACKOFF_MIN_NS (100 * 1000000ull)
#define RESTART_BACKOFF_MAX_NS (5000 * 1000000ull)

/* The group's active scanner, found by its `scanner` name or added. */
static struct scanner *group_of(struct proc_pipeline *p, const char *name)
{
	struct scanner *s;

	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->sc[i]->name, name) == 0)
			return p->sc[i];
	s = p->sc[p->n] = &p->pool[p->n];
	s->in_use = true;
	s->role = ROLE_ACTIVE;
	s->group = p->n++;
	s->name = name;
	return s;
}

int pool_init(struct proc_pipeline *p, const struct engine *e, char *err, size_t errlen)
{
	for (size_t j = 0; j < PIPELINE_MAX_HELPERS; j++)
		p->pool[j].sock = -1;
	for (size_t j = 0; j < PIPELINE_MAX_HELPERS; j++) {
		p->pool[j].crash_ns = calloc(p->cfg->restart_limit, sizeof(uint64_t));
		if (!p->pool[j].crash_ns) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	for (size_t j = 0; j < e->n_plugins; j++) {
		struct scanner *s = group_of(p, e->plugins[j].scanner);
		s->plugin[s->n_plugins++] = j;
	}
	return 0;
}

void pool_free(struct proc_pipeline *p)
{
	for (size_t j = 0; j < PIPELINE_MAX_HELPERS; j++)
		free(p->pool[j].crash_ns);
}

uint32_t pool_voters(const struct proc_pipeline *p)
{
	return p->n >= 32 ? UINT32_MAX : (1u << p->n) - 1;
}

void pool_plugin_names(const struct proc_pipeline *p, const struct scanner *s, char *buf,
		       size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t k = 0; k < s->n_plugins && len < size; k++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", k ? ", " : "",
					p->base.engine->plugins[s->plugin[k]].name);
}

/* ---- crashes and restarts ---- */

static unsigned recent_crashes(const struct proc_pipeline *p, const struct scanner *s, uint64_t now)
{
	uint64_t window = (uint64_t)p->cfg->restart_window_s * 1000000000ull;
	unsigned n = 0;

	for (unsigned k = 0; k < p->cfg->restart_limit; k++)
		if (s->crash_ns[k] && now - s->crash_ns[k] <= window)
			n++;
	return n;
}

static void disable(struct proc_pipeline *p, struct scanner *s, unsigned recent)
{
	char names[256];

	s->state = SC_DISABLED;
	snprintf(s->why_down, sizeof(s->why_down),
		 "scanner %s is DISABLED (it failed %u times within %u s)", s->name, recent,
		 p->cfg->restart_window_s);
	pool_plugin_names(p, s, names, sizeof(names));
	/* its plugins vote errors, so on_error decides: not a silent allow of everything */
	log_error("SCANNER %s DISABLED: it failed %u times within %u s; its plugins (%s) vote "
		  "errors from now on, decided by on_error (fix the plugin or its data, then "
		  "reload or restart fanguardd)",
		  s->name, recent, p->cfg->restart_window_s, names);
}

/* Restarts come slower the more often it failed lately. */
static void back_off(struct scanner *s, unsigned recent, uint64_t now)
{
	uint64_t backoff = RESTART_BACKOFF_MIN_NS << (recent > 0 ? recent - 1 : 0);

	if (backoff > RESTART_BACKOFF_MAX_NS)
		backoff = RESTART_BACKOFF_MAX_NS;
	s->state = SC_DOWN;
	s->restart_at_ns = now + backoff;
}

/*
 * An active scanner ended (how says why): it is restarted later or disabled.
 * Only a failure to start counts toward disabling (see the top). A kill from
 * outside is not the plugins' failure either: only root or the kernel's OOM
 * killer can send it.
 */
static void crashed(struct proc_pipeline *p, struct scanner *s, const char *how, bool outside,
		    uint64_t now)
{
	bool serving = s->state == SC_READY && s->proven;
	unsigned recent;

	snprintf(s->why_down, sizeof(s->why_down), "scanner %s %s", s->name, how);
	if (outside)
		s->outside_kills++;
	else
		s->crashes++;
	if (!outside && !serving)
		s->crash_ns[s->crash_next++ % p->cfg->restart_limit] = now;
	recent = recent_crashes(p, s, now);
	log_error("scanner %s (pid %d) %s%s; %s", s->name, (int)s->pid, how,
		  outside   ? " from outside fanguardd (root, or the kernel's OOM killer: not "
			      "counted toward restart_limit)"
		  : serving ? " while scanning (a file, not a failure to start: not counted "
			      "toward restart_limit)"
			    : "",
		  serving ? "the scans it held are sent again, each alone, when it is back"
			  : "its pending scans count as errors");
	s->pid = 0;
	if (recent >= p->cfg->restart_limit)
		disable(p, s, recent);
	else
		back_off(s, serving ? 0 : recent, now);
	/* after the state change: a disabled scanner's requests no longer wait for it */
	pending_fail_owed(p, s, s->why_down, s->state != SC_DISABLED,
			  SCAN_HUNG_NS(p->cfg->timeout_ms));
	s->solo = s->hung = false;
	s->proc = 0;
	s->busy = 0;
	procs_dispatch(p, s->group); /* what waits for it votes errors too, as new requests do */
}

static void reload_failed(struct proc_pipeline *p, const char *why);

void pool_scanner_down(struct proc_pipeline *p, struct scanner *s)
{
	uint64_t now = monotonic_ns();
	char status_text[96], why[256];

	bool outside = scanner_host_reap(p, s, status_text, sizeof(status_text));

	if (s->role == ROLE_RETIRING) {
		/* a replaced scanner: what it still owed goes to its successor */
		snprintf(why, sizeof(why), "scanner %s was replaced by a reload", s->name);
		pending_fail_owed(p, s, why, p->sc[s->group]->state != SC_DISABLED,
				  SCAN_HUNG_NS(p->cfg->timeout_ms));
		procs_dispatch(p, s->group);
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
	crashed(p, s, s->kill_reason ? s->kill_reason : status_text, outside, now);
}

void pool_restart_due(struct proc_pipeline *p, uint64_t now)
{
	char err[256];

	for (size_t i = 0; i < p->n; i++) {
		struct scanner *s = p->sc[i];

		if (s->state != SC_DOWN || now < s->restart_at_ns)
			continue;
		s->restarts++;
		if (scanner_host_spawn(p, s, err, sizeof(err)) != 0) {
			unsigned recent;

			log_error("scanner %s: cannot restart it: %s", s->name, err);
			snprintf(s->why_down, sizeof(s->why_down),
				 "scanner %s cannot start: %.100s", s->name, err);
			/* a failure to start: it counts, or what waits for it would wait for ever */
			s->crash_ns[s->crash_next++ % p->cfg->restart_limit] = now;
			if ((recent = recent_crashes(p, s, now)) >= p->cfg->restart_limit) {
				disable(p, s, recent);
				procs_dispatch(p, s->group);
			} else {
				s->restart_at_ns = now + RESTART_BACKOFF_MAX_NS;
			}
		}
	}
}

void pool_stop(struct proc_pipeline *p, unsigned wait_ms)
{
	uint64_t deadline = monotonic_ns() + (uint64_t)wait_ms * 1000000ull;

	for (size_t j = 0; j < PIPELINE_MAX_HELPERS; j++)
		if (p->pool[j].sock >= 0) {
			close(p->pool[j].sock);
			p->pool[j].sock = -1;
		}
	for (size_t j = 0; j < PIPELINE_MAX_HELPERS; j++)
		if (p->pool[j].pid)
			scanner_host_stop(p, &p->pool[j], deadline);
}

/* ---- reload: new scanners load the new data while the old ones keep scanning ---- */

/* A free pool entry set up for the group of like, with a history of its own. */
static struct scanner *take_free(struct proc_pipeline *p, const struct scanner *like)
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

void pool_start_reload(struct proc_pipeline *p)
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
		struct scanner *c = take_free(p, p->sc[i]);

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

/* Cached verdicts are void from now on; the reader is woken to drop them at once. */
static void new_generation(struct proc_pipeline *p)
{
	uint64_t one = 1;

	atomic_fetch_add(&p->base.generation, 1);
	if (write(p->base.efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_error("reload: eventfd write: %s", strerror(errno));
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
			old->in_use = false; /* down or disabled: nothing to wait for */
		p->sc[i] = p->cand[i];
		p->sc[i]->role = ROLE_ACTIVE;
		p->cand[i] = NULL;
	}
	p->reloading = false;
	for (size_t i = 0; i < p->n; i++)
		procs_dispatch(p, i); /* the new scanners have all their credit */
	pipeline_reload_ended(&p->base, NULL);
	new_generation(p);
	log_notice("reload: done; new signatures and rules are in use, cached verdicts dropped");
}

static void reload_failed(struct proc_pipeline *p, const char *why)
{
	char all[2048];

	snprintf(all, sizeof(all), "%s%s%s", why, p->reload_error[0] ? ": " : "", p->reload_error);
	log_error("reload FAILED: %s; the previous signatures and rules stay in use", all);
	pipeline_reload_ended(&p->base, all);
	for (size_t i = 0; i < p->n; i++) {
		struct scanner *c = p->cand[i];

		p->cand[i] = NULL;
		if (!c)
			continue;
		/* pool_scanner_down will find it no longer a candidate and just reap it */
		c->role = ROLE_RETIRING;
		if (c->pid)
			kill(c->pid, SIGKILL);
		else
			c->in_use = false;
	}
	p->reloading = false;
}

/*
 * A restarted scanner first scans a small clean file, and is sent nothing
 * else until it has: one that fails on it is broken, and that counts toward
 * disabling it; one that passes it works, so what ends it later was a file.
 */
static void send_self_test(struct proc_pipeline *p, struct scanner *s)
{
	struct scan_request req = { .fd = p->self_test_fd,
				    .st = p->self_test_st,
				    .pid = getpid(),
				    .kind = FG_EVENT_ON_DEMAND };
	struct scanner_scan scan;

	snprintf(req.path, sizeof(req.path), "(self-test)");
	scanner_host_scan_msg(&scan, &req, SELF_TEST_TAG);
	s->proven = false;
	s->self_test_sent_ns = monotonic_ns();
	if (scanner_host_send_scan(s, &scan, p->self_test_fd) != 0) {
		scanner_host_kill(s, "could not be sent its self-test file, killed");
		return;
	}
	s->busy++;
}

void pool_self_test_passed(struct proc_pipeline *p, struct scanner *s)
{
	if (s->proven)
		return;
	s->proven = true;
	log_info("scanner %s (pid %d) passed its self-test", s->name, (int)s->pid);
	procs_dispatch(p, s->group);
}

void pool_take_hello(struct proc_pipeline *p, struct scanner *s, union scanner_msg *msg)
{
	char err[sizeof(msg->failed.message)];

	switch (scanner_host_hello(s, p->base.engine, msg, err, sizeof(err))) {
	case HELLO_READY:
		if (s->role == ROLE_CANDIDATE) {
			s->proven = true; /* a reload's: it failed the reload if it cannot scan */
			finish_reload_if_ready(p);
		} else {
			send_self_test(p, s);
		}
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
