#include "daemon/pipeline_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "common/eventlog.h"
#include "common/log.h"
#include "common/monotonic.h"
#include "common/procinfo.h"
#include "common/textbuf.h"
#include "daemon/health.h"

int pipeline_base_init(struct pipeline *p, const struct pipeline_ops *ops, const struct engine *e,
		       unsigned cap, const struct pipeline_hooks *hooks, char *err, size_t errlen)
{
	p->ops = ops;
	if (hooks)
		p->hooks = *hooks;
	p->engine = e;
	p->cap = cap;
	p->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	p->done = calloc(cap, sizeof(*p->done));
	scan_top_init(&p->top);
	pthread_mutex_init(&p->done_lock, NULL);
	pthread_mutex_init(&p->reload_lock, NULL);
	p->reload.supported = ops->reload != NULL;
	p->reload.loaded = time(NULL);
	if (p->efd < 0 || !p->done) {
		snprintf(err, errlen, "cannot set up the scan pipeline: %s", strerror(errno));
		return -1;
	}
	return 0;
}

void pipeline_base_free(struct pipeline *p)
{
	if (p->efd >= 0)
		close(p->efd);
	free(p->done);
	pthread_mutex_destroy(&p->done_lock);
	scan_top_free(&p->top);
	pthread_mutex_destroy(&p->reload_lock);
}

bool pipeline_reserve(struct pipeline *p)
{
	bool ok;

	pthread_mutex_lock(&p->done_lock);
	/* every request may end as a completion: outstanding + unread stays within cap */
	ok = p->outstanding + p->done_count < p->cap;
	if (ok)
		p->outstanding++;
	pthread_mutex_unlock(&p->done_lock);
	return ok;
}

void pipeline_unreserve(struct pipeline *p)
{
	pthread_mutex_lock(&p->done_lock);
	p->outstanding--;
	pthread_mutex_unlock(&p->done_lock);
}

const char *pipeline_reason_name(enum verdict_reason reason)
{
	return reason == REASON_ERROR       ? "on_error"
	       : reason == REASON_TOO_LARGE ? "too_large"
					    : verdict_reason_name(reason);
}

/* Detections and errors as event-log findings; the event names what decided. */
static void write_event(struct pipeline *p, const struct scan_request *req,
			const struct scan_outcome *out, const struct procinfo *who, bool late)
{
	const struct engine *e = p->engine;
	struct event_record r;
	bool detected = false;

	event_record_init(&r, NULL, req->kind, req->path, req->pid, who);
	r.sha256 = out->have_sha256 ? out->sha256 : NULL;
	r.verdict = out->decision == DECISION_DENY ? "deny" : "allow";
	for (size_t i = 0; i < out->n_votes; i++) {
		if (out->votes[i].verdict != FG_VERDICT_DETECTED &&
		    out->votes[i].verdict != FG_VERDICT_ERROR)
			continue;
		detected |= out->votes[i].verdict == FG_VERDICT_DETECTED;
		event_record_add_finding(&r, e->plugins[i].name, out->votes[i].threat);
	}
	if (req->kind == FG_EVENT_ON_DEMAND) {
		r.event = detected ? "detected" : "error";
		r.action = "reported"; /* to the `fanguard scan --daemon` that asked */
		r.verdict = "none";
	} else if (req->kind == FG_EVENT_CLOSE_WRITE) {
		r.event = detected ? "detected" : "error";
		r.action = "logged";
		r.verdict = "none";
	} else if (req->background) {
		/* nobody opened it yet: the verdict is remembered for the first open */
		r.event = detected ? "detected" : "error";
		r.action = "remembered";
		r.verdict = "none";
	} else if (req->report && out->decision == DECISION_DENY) {
		/* report mode: answered allow when it came */
		r.event = "would_deny";
		r.verdict = "allow";
		r.action = "allowed";
	} else if (late) {
		/* the deadline answered the event (on_timeout); what the scan found is remembered */
		r.event = "late_detection";
		r.action = "remembered";
	} else if (out->decision == DECISION_DENY) {
		r.event = "deny";
		r.action = "denied";
	} else {
		r.event = detected ? "allowed_despite_detection" : "error";
		r.action = "allowed";
	}
	r.reason = pipeline_reason_name(out->reason);
	/* a malicious file already there: whoever acts on it (quarantine) logs it when done */
	if (!req->report &&
	    (req->kind == FG_EVENT_CLOSE_WRITE || (late && p->hooks.quarantine_late)) && detected &&
	    out->decision == DECISION_DENY && out->reason == REASON_DETECTED &&
	    p->hooks.on_detection && p->hooks.on_detection(p->hooks.detection_ctx, req, out, &r))
		return;
	eventlog_write(&r);
}

/* Something to log: a detection, an error, or a deny. */
static bool noteworthy(const struct scan_outcome *out)
{
	if (out->decision == DECISION_DENY)
		return true;
	for (size_t i = 0; i < out->n_votes; i++)
		if (out->votes[i].verdict == FG_VERDICT_DETECTED ||
		    out->votes[i].verdict == FG_VERDICT_ERROR)
			return true;
	return false;
}

/*
 * A file no plugin would scan, allowed: one line a second at most (sparse files
 * cost nothing to make), the rest counted in status.
 */
static void log_too_large_allowed(const struct scan_request *req)
{
	static _Atomic long long last_second;
	static _Atomic unsigned long held_back;
	long long now = (long long)time(NULL);
	unsigned long more;

	if (atomic_exchange(&last_second, now) == now) {
		atomic_fetch_add(&held_back, 1);
		return;
	}
	more = atomic_exchange(&held_back, 0);
	log_info("not scanned, larger than every plugin's max_file_size (%lld bytes): %s, allowed "
		 "(on_too_large = allow) (+%lu more)",
		 (long long)req->st.st_size, req->path, more);
}

/* late: a permission event that on_timeout answered before this verdict came. */
static void log_outcome(struct pipeline *p, const struct scan_request *req,
			const struct scan_outcome *out, const struct procinfo *who, bool late)
{
	const struct engine *e = p->engine;
	char detections[1024], errors[1024], whom[600];
	const char *kind = event_kind_name(req->kind);

	engine_describe(e, out, FG_VERDICT_DETECTED, detections, sizeof(detections));
	engine_describe(e, out, FG_VERDICT_ERROR, errors, sizeof(errors));
	if (out->reason == REASON_TOO_LARGE)
		snprintf(errors, sizeof(errors),
			 "not scanned, larger than every plugin's max_file_size (on_too_large = "
			 "deny)");
	if (errors[0] && out->reason != REASON_TOO_LARGE)
		log_warning("scan error on %s %s: %s", kind, req->path, errors);
	if (!detections[0] && !errors[0] && out->decision == DECISION_ALLOW)
		return;
	if (late && !detections[0])
		return; /* the deadline's answer was logged; a late error adds nothing */
	write_event(p, req, out, who, late);
	if (!detections[0] && out->decision == DECISION_ALLOW)
		return;
	procinfo_describe(who, whom, sizeof(whom));
	if (req->background)
		log_warning("DETECTED by %s: %s: %s%s (remembered: its next open is %s)",
			    req->background == SCAN_AHEAD ? "scan-ahead" : "a re-scan after reload",
			    req->path, detections[0] ? detections : errors,
			    out->reason == REASON_ERROR ? " (on_error = deny)" : "",
			    req->report ? "a would-deny (report mode)" : "denied");
	else if (req->kind == FG_EVENT_ON_DEMAND)
		log_warning("FOUND by an on-demand scan for pid %d (%s): %s: %s", (int)req->pid,
			    whom, req->path, detections[0] ? detections : errors);
	else if (req->kind == FG_EVENT_CLOSE_WRITE)
		log_warning("DETECTED after write of %s by pid %d (%s): %s (not blocked: the "
			    "write already happened)",
			    req->path, (int)req->pid, whom, detections);
	else if (req->report && out->decision == DECISION_DENY)
		log_warning("WOULD DENY %s of %s by pid %d (%s): %s%s (report mode: allowed)", kind,
			    req->path, (int)req->pid, whom, detections[0] ? detections : errors,
			    out->reason == REASON_ERROR ? " (on_error = deny)" : "");
	else if (late)
		log_warning("LATE DETECTION in %s of %s by pid %d (%s): %s, %llu ms "
			    "after the event, which its deadline had answered (on_timeout); the "
			    "verdict is remembered: the next open is denied",
			    kind, req->path, (int)req->pid, whom, detections,
			    (unsigned long long)((monotonic_ns() - req->submitted_ns) / 1000000));
	else if (out->decision == DECISION_DENY)
		log_warning("DENY %s of %s by pid %d (%s): %s%s", kind, req->path, (int)req->pid,
			    whom, detections[0] ? detections : errors,
			    out->reason == REASON_ERROR ? " (on_error = deny)" : "");
	else
		log_warning("ALLOW %s of %s by pid %d (%s) despite %s: %s", kind, req->path,
			    (int)req->pid, whom, detections,
			    out->reason == REASON_TRUSTED ? "an allowlist entry"
							  : "the majority policy");
}

static void record_stages(struct stage_stats *s, const struct engine *e,
			  const struct scan_outcome *out, uint64_t scan_ns)
{
	for (size_t i = 0; i < out->n_votes; i++)
		if (out->votes[i].verdict == VOTE_SKIPPED)
			atomic_fetch_add_explicit(&s->skipped[i], 1, memory_order_relaxed);
	if (out->reason == REASON_TOO_LARGE) {
		atomic_fetch_add_explicit(&s->too_large, 1, memory_order_relaxed);
		return; /* nothing was read or scanned: no time to count */
	}
	histogram_add(&s->read, out->read_ns);
	if (out->have_sha256)
		histogram_add(&s->sha256, out->sha256_ns);
	for (size_t i = 0; i < e->n_plugins; i++)
		if (out->plugin_ns[i])
			histogram_add(&s->plugin[i], out->plugin_ns[i]);
	histogram_add(&s->scan, scan_ns);
}

/*
 * A verdict worth remembering: no plugin failed, so a rescan would say the
 * same, and none said its vote depends on the file's name or owner.
 */
static bool outcome_cacheable(const struct scan_outcome *out)
{
	if (out->error[0])
		return false;
	for (size_t i = 0; i < out->n_votes; i++)
		if (out->votes[i].verdict == FG_VERDICT_ERROR || out->votes[i].not_cacheable)
			return false;
	return true;
}

static bool any_detection(const struct scan_outcome *out)
{
	for (size_t i = 0; i < out->n_votes; i++)
		if (out->votes[i].verdict == FG_VERDICT_DETECTED)
			return true;
	return false;
}

/*
 * A deny's findings, as write_event lists them, for the events that waited on
 * the scan: "plugin\0threat\0" each, as many as fit (the last threat may be cut).
 */
static void completion_add_findings(const struct engine *e, const struct scan_outcome *out,
				    struct scan_completion *done)
{
	size_t len = 0;

	done->n_findings = 0;
	for (size_t i = 0; i < out->n_votes; i++) {
		size_t room = sizeof(done->findings) - len;
		int n;

		if (out->votes[i].verdict != FG_VERDICT_DETECTED &&
		    out->votes[i].verdict != FG_VERDICT_ERROR)
			continue;
		n = snprintf(done->findings + len, room, "%s%c%s", e->plugins[i].name, '\0',
			     out->votes[i].threat);
		if (n < 0 || strlen(e->plugins[i].name) + 2 > room)
			break; /* not even the plugin's name fits */
		done->n_findings++;
		if ((size_t)n >= room)
			break; /* its threat is cut at the end of the buffer, still terminated */
		len += (size_t)n + 1;
	}
}

/* The completion for the monitor: the verdict, whether to remember it, whose share it held. */
static void queue_completion(struct pipeline *p, const struct scan_request *req,
			     const struct scan_outcome *out, struct scan_completion *done)
{
	uint64_t one = 1;

	done->id = req->id;
	done->decision = out->decision;
	done->detected = any_detection(out);
	done->uid = req->uid;
	done->generation = req->generation;
	done->st = req->st;
	done->written_seq = req->written_seq;
	done->threats[0] = '\0';
	done->reason = out->reason;
	done->n_findings = 0;
	if (out->decision == DECISION_DENY) {
		engine_describe(p->engine, out,
				out->reason == REASON_ERROR ? FG_VERDICT_ERROR
							    : FG_VERDICT_DETECTED,
				done->threats, sizeof(done->threats));
		done->have_sha256 = out->have_sha256;
		if (out->have_sha256)
			memcpy(done->sha256, out->sha256, sizeof(done->sha256));
		completion_add_findings(p->engine, out, done);
	}
	pthread_mutex_lock(&p->done_lock);
	if (!done->followup)
		p->outstanding--;
	else if (p->outstanding + p->done_count >= p->cap) {
		/* no reservation of its own: logged above, just not remembered */
		pthread_mutex_unlock(&p->done_lock);
		log_warning("late verdict on %s not remembered: the completion queue is full",
			    req->path);
		return;
	}
	if (req->id) {
		p->done[(p->done_head + p->done_count) % p->cap] = *done;
		p->done_count++;
		if (write(p->efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
			log_error("pipeline: eventfd write: %s", strerror(errno));
	}
	pthread_mutex_unlock(&p->done_lock);
}

/* Who opened it: read before its answer (a report-mode opener was answered by the monitor). */
static void read_opener(const struct scan_request *req, struct procinfo *who)
{
	if (req->have_who)
		*who = req->who;
	else
		procinfo_read(req->pid, who);
}

/*
 * The program a scan's time goes to in `fanguard top`, read while the opener
 * still waits for its answer: a short-lived one (cat, a compiler) is gone
 * right after it, and would all be counted as "exited".
 */
static void top_program(const struct scan_request *req, const struct procinfo *who, char *exe,
			size_t size)
{
	const char *known = who && strcmp(who->exe, "?") != 0                 ? who->exe
			    : req->have_who && strcmp(req->who.exe, "?") != 0 ? req->who.exe
									      : NULL;

	if (known) {
		size_t n = strnlen(known, size - 1);
		memcpy(exe, known, n);
		exe[n] = '\0';
	} else if (procinfo_exe(req->pid, exe, size) <= 0) {
		snprintf(exe, size, "(exited, or its program replaced)");
	}
}

/* The scan's time, to its program and folder, once the opener has its answer. */
static void record_top(struct pipeline *p, const struct scan_request *req,
		       const struct scan_outcome *out, const char *exe, uint64_t scan_ns)
{
	if (out->reason == REASON_TOO_LARGE)
		return; /* nothing was scanned */
	scan_top_add(&p->top, exe, req->path, scan_ns);
}

void pipeline_finish(struct pipeline *p, const struct scan_request *req, struct scan_outcome *out,
		     uint64_t scan_ns)
{
	struct scan_completion done = { 0 };
	struct procinfo who = { .uid = -1, .exe = "?", .exited = false };
	char exe[sizeof(who.exe)];
	bool log = false;

	engine_decide(p->engine, out);
	/* read while the process still waits: once answered, its pid may be reused */
	if ((log = noteworthy(out)))
		read_opener(req, &who);
	else if (out->reason == REASON_TOO_LARGE)
		log_too_large_allowed(req);
	top_program(req, log ? &who : NULL, exe, sizeof(exe));
	if (req->kind == FG_EVENT_ON_DEMAND) {
		if (log)
			log_outcome(p, req, out, &who, false);
		record_stages(&p->stats, p->engine, out, scan_ns);
		record_top(p, req, out, exe, scan_ns);
		if (req->ondemand)
			req->ondemand(req->ondemand_ctx, req, out);
		pthread_mutex_lock(&p->done_lock);
		p->outstanding--;
		pthread_mutex_unlock(&p->done_lock);
		return;
	}
	done.cacheable = outcome_cacheable(out);
	done.report = req->report;
	done.background = req->background;
	if (req->id && !(req->id & BACKGROUND_ID_BIT) && p->hooks.answer && !req->report) {
		if (p->hooks.answer(p->hooks.answer_ctx, req->id, out->decision, done.cacheable))
			done.answered_ns = monotonic_ns();
		else
			done.late = true; /* its deadline came first */
	}
	if (log)
		log_outcome(p, req, out, &who, done.late);
	record_stages(&p->stats, p->engine, out, scan_ns);
	record_top(p, req, out, exe, scan_ns);
	queue_completion(p, req, out, &done);
}

void pipeline_finish_followup(struct pipeline *p, const struct scan_request *req,
			      struct scan_outcome *out)
{
	struct scan_completion done = { .late = true, .followup = true };
	struct procinfo who = { .uid = -1, .exe = "?", .exited = false };

	engine_decide(p->engine, out);
	if (!any_detection(out) || out->decision != DECISION_DENY)
		return; /* the first outcome stands */
	read_opener(req, &who);
	log_outcome(p, req, out, &who, true);
	done.cacheable = outcome_cacheable(out);
	done.report = req->report;
	queue_completion(p, req, out, &done);
}

int pipeline_submit(struct pipeline *p, const struct scan_request *req)
{
	return p->ops->submit(p, req);
}

int pipeline_completion_fd(const struct pipeline *p)
{
	return p->efd;
}

size_t pipeline_take_completions(struct pipeline *p, struct scan_completion *out, size_t max)
{
	uint64_t counter;
	size_t n = 0;

	if (read(p->efd, &counter, sizeof(counter)) < 0 && errno != EAGAIN)
		log_error("pipeline: eventfd read: %s", strerror(errno));
	pthread_mutex_lock(&p->done_lock);
	while (n < max && p->done_count > 0) {
		out[n++] = p->done[p->done_head];
		p->done_head = (p->done_head + 1) % p->cap;
		p->done_count--;
	}
	pthread_mutex_unlock(&p->done_lock);
	/* Leftovers beyond max: keep the fd readable so the caller comes back. */
	if (n == max) {
		uint64_t one = 1;
		if (write(p->efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
			log_error("pipeline: eventfd write: %s", strerror(errno));
	}
	return n;
}

void pipeline_format_stats(struct pipeline *p, struct textbuf *tb)
{
	struct stage_stats *s = &p->stats;
	char buf[256];

	histogram_format(&s->queue_wait, buf, sizeof(buf));
	textbuf_printf(tb, "latency: queue wait %s\n", buf);
	histogram_format(&s->read, buf, sizeof(buf));
	textbuf_printf(tb, "latency: read %s\n", buf);
	if (p->engine->need_sha256 || s->sha256.count) {
		histogram_format(&s->sha256, buf, sizeof(buf));
		textbuf_printf(tb, "latency: sha256 %s\n", buf);
	}
	for (size_t i = 0; i < p->engine->n_plugins; i++) {
		histogram_format(&s->plugin[i], buf, sizeof(buf));
		textbuf_printf(tb, "latency: plugin %s %s\n", p->engine->plugins[i].name, buf);
	}
	histogram_format(&s->scan, buf, sizeof(buf));
	textbuf_printf(tb, "latency: whole scan %s\n", buf);
	textbuf_printf(
		tb, "too large: %llu files over every plugin's max_file_size (on_too_large = %s)",
		(unsigned long long)atomic_load(&s->too_large),
		verdict_decision_name(p->engine->policy.on_too_large));
	for (size_t i = 0; i < p->engine->n_plugins; i++)
		textbuf_printf(tb, "%s %s skipped %llu", i ? "," : ";", p->engine->plugins[i].name,
			       (unsigned long long)atomic_load(&s->skipped[i]));
	textbuf_printf(tb, "\n");
	if (p->ops->format_stats)
		p->ops->format_stats(p, tb);
}

void pipeline_format_top(struct pipeline *p, unsigned n, struct textbuf *tb)
{
	scan_top_format(&p->top, n, tb);
}

void pipeline_format_prometheus(struct pipeline *p, struct textbuf *tb)
{
	struct stage_stats *s = &p->stats;
	char labels[128];

	textbuf_printf(tb, "# HELP fanguard_scan_stage_seconds Time spent per scan stage.\n"
			   "# TYPE fanguard_scan_stage_seconds histogram\n");
	histogram_format_prometheus(&s->queue_wait, "fanguard_scan_stage_seconds",
				    "stage=\"queue_wait\"", tb);
	histogram_format_prometheus(&s->read, "fanguard_scan_stage_seconds", "stage=\"read\"", tb);
	histogram_format_prometheus(&s->sha256, "fanguard_scan_stage_seconds", "stage=\"sha256\"",
				    tb);
	for (size_t i = 0; i < p->engine->n_plugins; i++) {
		snprintf(labels, sizeof(labels), "stage=\"plugin\",plugin=\"%s\"",
			 p->engine->plugins[i].name);
		histogram_format_prometheus(&s->plugin[i], "fanguard_scan_stage_seconds", labels,
					    tb);
	}
	histogram_format_prometheus(&s->scan, "fanguard_scan_stage_seconds", "stage=\"scan\"", tb);
	textbuf_printf(tb,
		       "# HELP fanguard_plugin_skipped_total Files not given to a plugin: larger "
		       "than its max_file_size.\n"
		       "# TYPE fanguard_plugin_skipped_total counter\n");
	for (size_t i = 0; i < p->engine->n_plugins; i++)
		textbuf_printf(tb, "fanguard_plugin_skipped_total{plugin=\"%s\"} %llu\n",
			       p->engine->plugins[i].name,
			       (unsigned long long)atomic_load(&s->skipped[i]));
	textbuf_printf(tb,
		       "# HELP fanguard_overdue_scans_total Scans decided at their deadline "
		       "without some scanner's votes (counted as errors, on_error decided).\n"
		       "# TYPE fanguard_overdue_scans_total counter\n"
		       "fanguard_overdue_scans_total %llu\n",
		       (unsigned long long)atomic_load(&s->overdue));
	textbuf_printf(tb,
		       "# HELP fanguard_too_large_total Files larger than every plugin's "
		       "max_file_size (verdict.on_too_large decided).\n"
		       "# TYPE fanguard_too_large_total counter\n"
		       "fanguard_too_large_total %llu\n",
		       (unsigned long long)atomic_load(&s->too_large));
	if (p->ops->format_prometheus)
		p->ops->format_prometheus(p, tb);
}

void pipeline_health(struct pipeline *p, struct health_report *r)
{
	struct reload_state st;

	if (p->ops->health)
		p->ops->health(p, r);
	pipeline_reload_state(p, &st);
	if (st.last_failed)
		health_add(r, HEALTH_RELOAD_FAILED,
			   "the last reload failed (%s); older signatures "
			   "stay in use",
			   st.error);
}

unsigned long long pipeline_overdue_count(struct pipeline *p)
{
	return atomic_load(&p->stats.overdue);
}

uint64_t pipeline_signature_count(struct pipeline *p, size_t i)
{
	if (p->ops->signature_count)
		return p->ops->signature_count(p, i);
	if (i < p->engine->n_plugins && p->engine->plugins[i].started &&
	    p->engine->plugins[i].desc.signature_count)
		return p->engine->plugins[i].desc.signature_count(p->engine->plugins[i].state);
	return 0;
}

bool pipeline_can_reload(const struct pipeline *p)
{
	return p->ops->reload != NULL;
}

int pipeline_reload(struct pipeline *p)
{
	if (!p->ops->reload)
		return -1;
	pthread_mutex_lock(&p->reload_lock);
	p->reload.running = true;
	pthread_mutex_unlock(&p->reload_lock);
	p->ops->reload(p);
	return 0;
}

void pipeline_reload_ended(struct pipeline *p, const char *why)
{
	pthread_mutex_lock(&p->reload_lock);
	p->reload.running = false;
	if (why) {
		p->reload.failed++;
		p->reload.failed_at = time(NULL);
		p->reload.last_failed = true;
		snprintf(p->reload.error, sizeof(p->reload.error), "%s", why);
	} else {
		p->reload.done++;
		p->reload.loaded = time(NULL);
		p->reload.last_failed = false;
	}
	pthread_mutex_unlock(&p->reload_lock);
}

void pipeline_reload_state(struct pipeline *p, struct reload_state *out)
{
	pthread_mutex_lock(&p->reload_lock);
	*out = p->reload;
	pthread_mutex_unlock(&p->reload_lock);
}

void pipeline_set_helper_pid(struct pipeline *p, size_t slot, pid_t pid)
{
	if (slot >= PIPELINE_MAX_HELPERS)
		return;
	if (pid > 0 && atomic_load(&p->n_helper_slots) <= slot)
		atomic_store(&p->n_helper_slots, (unsigned)slot + 1);
	atomic_store(&p->helper_pid[slot], pid);
}

bool pipeline_is_helper_pid(struct pipeline *p, pid_t pid)
{
	unsigned n = atomic_load_explicit(&p->n_helper_slots, memory_order_relaxed);

	if (pid <= 0)
		return false;
	for (unsigned i = 0; i < n; i++)
		if (atomic_load_explicit(&p->helper_pid[i], memory_order_relaxed) == pid)
			return true;
	return false;
}

unsigned pipeline_generation(struct pipeline *p)
{
	return atomic_load(&p->generation);
}

int pipeline_stop(struct pipeline *p, unsigned wait_ms)
{
	return p->ops->stop(p, wait_ms);
}
