/*
 * The monitor's answers to the kernel: at once, or for an event in flight
 * when its verdict comes (from the worker, or with the completion) or its
 * deadline passes; see inflight.h for who may answer when.
 */
#include "daemon/monitor_internal.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/eventlog.h"
#include "common/log.h"
#include "common/monotonic.h"
#include "common/procinfo.h"
#include "daemon/empty_file.h"

#define COMPLETION_BATCH 256

static void respond(struct monitor *m, int fd, enum decision decision)
{
	struct fanotify_response resp = {
		.fd = fd,
		.response = decision == DECISION_DENY ? FAN_DENY : FAN_ALLOW,
	};

	if (write(m->fan_fd, &resp, sizeof(resp)) != sizeof(resp))
		log_error("fanotify response for fd %d failed: %s", fd, strerror(errno));
}

void monitor_answer_now(struct monitor *m, const struct fanotify_event_metadata *ev,
			enum decision decision)
{
	if (ev->mask & (FAN_OPEN_PERM | FAN_OPEN_EXEC_PERM))
		respond(m, ev->fd, decision);
	close(ev->fd);
}

void monitor_answer_report_lead(struct monitor *m, struct inflight *e)
{
	/* nobody else answers a report lead: the pipeline does not, the deadline does not */
	if (inflight_claim(e, e->id))
		respond(m, e->fd, DECISION_ALLOW);
	m->n.allowed++;
}

/*
 * Called by a pipeline thread the moment a verdict is known. A clean file is
 * marked before the answer, so the opener's next open is already ignored.
 */
/*
 * late_detection = kill: a pidfd for e's opener, taken before it is answered,
 * while it still waits and its pid cannot be another process's.
 */
static void hold_opener(struct monitor *m, struct inflight *e)
{
	if (m->cfg->late_kill && e->pidfd < 0)
		e->pidfd = (int)syscall(SYS_pidfd_open, e->pid, 0);
}

static bool answer_from_worker(struct monitor *m, uint64_t id, enum decision decision,
			       bool cacheable)
{
	struct inflight *e = inflight_slot(&m->inflight, id);

	if (!inflight_claim(e, id))
		return false; /* the deadline came first */
	/*
	 * Decided without some votes (a scanner missed the deadline): those may
	 * still detect it, and late_detection = kill needs the opener held.
	 */
	if (!cacheable)
		hold_opener(m, e);
	if (cacheable && decision == DECISION_ALLOW && ignore_marks_enabled(&m->ignore) &&
	    e->generation == pipeline_generation(m->pipeline)) {
		e->marked = ignore_marks_add_if_unchanged(&m->ignore, e->fd, &e->st);
		/*
		 * A reload that finished meanwhile may have flushed marks before this
		 * one; a write the monitor noted meanwhile (one through a shared mapping
		 * changes no timestamp) removed marks before this one, and is seen now.
		 */
		if (e->marked && (e->generation != pipeline_generation(m->pipeline) ||
				  monitor_written_since(m, &e->st, e->written_seq))) {
			ignore_marks_remove(&m->ignore, e->fd);
			e->marked = false;
		}
	}
	respond(m, e->fd, decision);
	return true;
}

bool monitor_answer_from_worker(void *ctx, uint64_t id, enum decision decision, bool cacheable)
{
	struct monitor *m = ctx;
	bool answered = false;

	pthread_rwlock_rdlock(&m->answer_lock);
	if (!m->closed)
		answered = answer_from_worker(m, id, decision, cacheable);
	pthread_rwlock_unlock(&m->answer_lock);
	return answered;
}

/* Remembers a verdict, unless the file changed while it was being scanned. */
static void remember(struct monitor *m, struct inflight *e, const struct scan_completion *done)
{
	struct stat now;

	/* a verdict reached with signatures a reload has replaced is not worth keeping */
	if (!m->caching || !done->cacheable || e->generation != m->generation ||
	    fstat(e->fd, &now) != 0 || !cache_same_state(&e->st, &now))
		return;
	/* written since the scan began: the bytes it read may be gone */
	if (done->decision == DECISION_ALLOW && monitor_written_since(m, &e->st, e->written_seq))
		return;
	/* what every empty file would get: no plugin found anything in nothing */
	if (done->decision == DECISION_ALLOW && !done->detected &&
	    empty_file_certain(e->fd, &e->st, e->kind))
		cache_store_empty_clean(&m->cache);
	if (done->decision == DECISION_ALLOW && ignore_marks_enabled(&m->ignore) && !e->marked &&
	    !ignore_marks_add_if_unchanged(&m->ignore, e->fd, &e->st))
		return;
	cache_store(&m->cache, &e->st, done->decision, done->threats);
}

/* The monitor's bookkeeping once an event is answered, by whoever answered it. */
static void settle(struct monitor *m, struct inflight *e, enum decision decision,
		   const struct scan_completion *done)
{
	if (done) {
		histogram_add(&m->answer_latency,
			      (done->answered_ns ? done->answered_ns : monotonic_ns()) -
				      e->start_ns);
		if (e->scanning)
			remember(m, e, done);
	}
	close(e->fd);
	e->answered = true;
	if (!e->scanning) /* a leader's share is held until its scan completes */
		uid_share_put(&m->share, e->uid);
	if (decision == DECISION_DENY)
		m->n.denied++;
	else
		m->n.allowed++;
}

/* Answers e unless a worker already has; false if it had. */
static bool answer_inflight(struct monitor *m, struct inflight *e, enum decision decision,
			    const struct scan_completion *done)
{
	if (!inflight_claim(e, e->id))
		return false;
	respond(m, e->fd, decision);
	settle(m, e, decision, done);
	return true;
}

/*
 * A verdict that came after its deadline: remembered by the file's state when
 * the event came, so the next open of the unchanged file is answered with it.
 * A detection is a fact about the content, so it is remembered even when
 * another plugin failed on the file.
 */
static void remember_late(struct monitor *m, const struct scan_completion *done)
{
	bool detection = done->detected && done->decision == DECISION_DENY;

	m->n.late_verdicts++;
	if (detection)
		m->n.late_detections++;
	if (!m->caching || done->generation != m->generation || (!done->cacheable && !detection))
		return;
	if (done->decision == DECISION_ALLOW &&
	    monitor_written_since(m, &done->st, done->written_seq))
		return; /* written since the scan began */
	cache_store(&m->cache, &done->st, done->decision, done->threats);
}

static int pidfd_send_sigkill(int pidfd)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
}

/*
 * Late detection, late_detection = kill: the processes whose opens of the
 * file the deadline allowed. Each was held by a pidfd taken while it still
 * waited for its answer, so a pid reused since is never hit.
 */
static void kill_openers(struct monitor *m, struct inflight *e, bool kill, const char *threats)
{
	for (; e; e = inflight_next_waiter(&m->inflight, e)) {
		if (e->pidfd < 0)
			continue;
		if (kill && pidfd_send_sigkill(e->pidfd) == 0) {
			m->n.late_kills++;
			log_warning("KILLED pid %d: its %s of a file found malicious after its "
				    "deadline (%s; late_detection = kill)",
				    (int)e->pid, event_kind_name(e->kind), threats);
		}
		close(e->pidfd);
		e->pidfd = -1;
	}
}

/*
 * A report-mode scan ended: its event was answered allow when it came. The
 * verdict is remembered as it is — a would-deny as a deny, so that a later
 * switch to block, or another name of the file that blocks, denies it — and
 * a clean file gets its ignore mark while the leader still holds its fd.
 */
static void settle_report(struct monitor *m, struct inflight *e, const struct scan_completion *done)
{
	if (done->decision == DECISION_DENY)
		m->n.would_deny++;
	if (e && !e->answered && !done->followup) {
		remember(m, e, done);
		close(e->fd);
		e->answered = true;
		return;
	}
	/* its deadline closed the fd: remembered by the file's state, as a late verdict is */
	if (m->caching && done->generation == m->generation &&
	    (done->cacheable || (done->detected && done->decision == DECISION_DENY)))
		cache_store(&m->cache, &done->st, done->decision, done->threats);
}

/*
 * The record of one waiter's own deny, built like the leader's (the same
 * builder, the scan's findings and reason): each opener is named in the log.
 */
static void write_waiter_event(const struct inflight *e, const struct scan_completion *done,
			       const char *path, const struct procinfo *who)
{
	struct event_record r;
	const char *at = done->findings;

	event_record_init(&r, "deny", e->kind, path, e->pid, who);
	r.sha256 = done->have_sha256 ? done->sha256 : NULL;
	r.verdict = "deny";
	r.action = "denied";
	r.reason = pipeline_reason_name(done->reason);
	for (unsigned i = 0; i < done->n_findings; i++) {
		const char *plugin = at, *threat = plugin + strlen(plugin) + 1;

		event_record_add_finding(&r, plugin, threat);
		at = threat + strlen(threat) + 1;
	}
	eventlog_write(&r);
}

static void log_waiter_deny(const struct inflight *e, const struct inflight *leader,
			    const struct scan_completion *done, const char *path,
			    const struct procinfo *who)
{
	char whom[600];

	log_warning("DENY %s of %s by pid %d (%s): %s%s (the verdict of the scan it waited on, "
		    "for pid %d)",
		    event_kind_name(e->kind), path, (int)e->pid,
		    procinfo_describe(who, whom, sizeof(whom)),
		    done->threats[0] ? done->threats : pipeline_reason_name(done->reason),
		    done->reason == REASON_ERROR ? " (on_error = deny)" : "", (int)leader->pid);
	if (eventlog_enabled())
		write_waiter_event(e, done, path, who);
}

/*
 * Every event that waited on leader's scan and is not answered yet (its
 * deadline did not come first) gets the scan's verdict. The pipeline logged
 * the leader's outcome; a waiter denied is logged here, each with its own
 * pid, uid and program, read while it still waits (once answered, its pid may
 * be another process's) and written after its answer (the log is a queue).
 */
static void answer_waiters(struct monitor *m, struct inflight *leader,
			   const struct scan_completion *done)
{
	bool deny = done->decision == DECISION_DENY;

	for (struct inflight *e = inflight_next_waiter(&m->inflight, leader); e;
	     e = inflight_next_waiter(&m->inflight, e)) {
		struct procinfo who;
		char path[PATH_MAX];

		if (e->answered)
			continue;
		if (deny) {
			procinfo_read(e->pid, &who);
			if (procinfo_fd_path(e->fd, path, sizeof(path)) <= 0)
				snprintf(path, sizeof(path), "?");
		}
		if (answer_inflight(m, e, done->decision, done) && deny)
			log_waiter_deny(e, leader, done, path, &who);
	}
}

void monitor_take_completions(struct monitor *m)
{
	struct scan_completion done[COMPLETION_BATCH];
	size_t n = pipeline_take_completions(m->pipeline, done, COMPLETION_BATCH);

	for (size_t i = 0; i < n; i++) {
		struct inflight *e;

		if (background_completed(m, &done[i]))
			continue; /* held no user's share */
		if (!done[i].followup)
			uid_share_put(&m->share, done[i].uid);
		if (done[i].report) {
			e = done[i].followup ? NULL : inflight_scan_ended(&m->inflight, done[i].id);
			settle_report(m, e, &done[i]);
			/* a block event (another name of the file) may wait on this scan */
			if (e)
				answer_waiters(m, e, &done[i]);
			continue;
		}
		if (done[i].late)
			remember_late(m, &done[i]);
		e = inflight_scan_ended(&m->inflight, done[i].id);
		/* the slot went to a newer event: this verdict's events were answered at deadline */
		if (!e)
			continue;
		if (done[i].late)
			kill_openers(m, e,
				     m->cfg->late_kill && done[i].detected &&
					     done[i].decision == DECISION_DENY,
				     done[i].threats);
		if (done[i].answered_ns && !e->answered)
			settle(m, e, done[i].decision,
			       &done[i]); /* the worker answered the kernel */
		/* the leader, then every event that waited on its scan, unless a deadline came first */
		if (!e->answered)
			answer_inflight(m, e, done[i].decision, &done[i]);
		answer_waiters(m, e, &done[i]);
	}
}

static void log_timeout_event(const struct monitor *m, const struct inflight *e, const char *path)
{
	struct procinfo who;
	struct event_record r;

	procinfo_read(e->pid, &who);
	event_record_init(&r, "timeout", e->kind, path, e->pid, &who);
	r.verdict = verdict_decision_name(m->cfg->on_timeout);
	r.action = m->cfg->on_timeout == DECISION_DENY ? "denied" : "allowed";
	r.reason = "on_timeout";
	eventlog_write(&r);
}

/* The deadline came before the verdict: on_timeout answers. */
static void answer_at_deadline(void *ctx, struct inflight *e)
{
	struct monitor *m = ctx;
	char path[PATH_MAX];

	if (e->report) {
		/* answered allow when it came; the scan goes on, its verdict is remembered by state */
		close(e->fd);
		e->answered = true;
		return;
	}
	/* the fd closes with the answer */
	if (procinfo_fd_path(e->fd, path, sizeof(path)) <= 0)
		snprintf(path, sizeof(path), "?");
	hold_opener(m, e);
	if (!answer_inflight(m, e, m->cfg->on_timeout, NULL))
		return; /* a worker answering right now settles it with its completion */
	m->n.timeouts++;
	log_warning("no verdict for %s of %s (pid %d) within %u ms: answered %s (on_timeout)",
		    event_kind_name(e->kind), path, (int)e->pid, m->cfg->timeout_ms,
		    verdict_decision_name(m->cfg->on_timeout));
	if (eventlog_enabled())
		log_timeout_event(m, e, path);
}

void monitor_expire_deadlines(struct monitor *m)
{
	inflight_expire(&m->inflight, answer_at_deadline, m);
}
