/*
 * The one place that acts on the filter's decision about an event: counts
 * it, and answers it at once, answers it from the cache, or hands it to the
 * pipeline (a permission event in flight, waiting on its own scan or on the
 * scan of the same file already running).
 */
#include "daemon/monitor_internal.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/fanotify.h>
#include <unistd.h>

#include "common/eventlog.h"
#include "common/log.h"
#include "common/monotonic.h"
#include "common/procinfo.h"
#include "daemon/filter.h"

/* on_overload, unless the file is in report mode: then a deny is a would-deny. */
static enum decision overload_answer(struct monitor *m, bool report)
{
	if (m->cfg->on_overload != DECISION_DENY || !report)
		return m->cfg->on_overload;
	m->n.would_deny++;
	return DECISION_ALLOW;
}

/* Every slot is taken: the event is answered unscanned, by on_overload. */
static void overload(struct monitor *m, const struct fanotify_event_metadata *ev, const char *path,
		     bool report)
{
	enum decision answer = overload_answer(m, report);
	unsigned long suppressed;

	m->n.overloaded++;
	if (ratelimit_pass(&m->rl_overload, &suppressed))
		log_warning("OVERLOAD: scan queue full (%u in flight): %s answered %s unscanned "
			    "(on_overload%s; +%lu more)",
			    m->cfg->max_inflight, path, verdict_decision_name(answer),
			    answer != m->cfg->on_overload ? ", report mode" : "", suppressed);
	monitor_answer_now(m, ev, answer);
}

/* The opener's user holds its whole share: its own event is answered by on_overload. */
static void over_share(struct monitor *m, const struct fanotify_event_metadata *ev,
		       const struct scan_request *req, bool report)
{
	enum decision answer = overload_answer(m, report);
	unsigned long suppressed;

	m->n.over_share++;
	if (ratelimit_pass(&m->rl_share, &suppressed))
		log_warning("OVERLOAD: uid %ld holds its share of the scan queue (%u events and "
			    "scans): %s by pid %d answered %s unscanned (on_overload%s; +%lu more)",
			    req->uid == (uid_t)-1 ? -1L : (long)req->uid,
			    m->cfg->max_inflight_per_uid, req->path, (int)ev->pid,
			    verdict_decision_name(answer),
			    answer != m->cfg->on_overload ? ", report mode" : "", suppressed);
	monitor_answer_now(m, ev, answer);
}

/* The real uid: a set-uid program run by a user still counts as that user. -1: gone. */
static uid_t opener_uid(pid_t pid)
{
	uid_t real, effective;

	return procinfo_uids(pid, &real, &effective) == 0 ? real : (uid_t)-1;
}

/*
 * A slot in flight and a unit of the opener's share, given back when its event
 * is answered (waiters) or its scan completes (leaders). False: there is no
 * room, and the event was answered by on_overload (a would-deny in report mode).
 */
static bool take_room(struct monitor *m, const struct fanotify_event_metadata *ev,
		      const struct scan_request *req, bool report)
{
	if (inflight_full(&m->inflight)) {
		overload(m, ev, req->path, report);
		return false;
	}
	if (!uid_share_take(&m->share, req->uid)) {
		over_share(m, ev, req, report);
		return false;
	}
	return true;
}

static void submit_permission_event(struct monitor *m, const struct fanotify_event_metadata *ev,
				    struct scan_request *req)
{
	struct inflight *e, *leader;
	uint64_t start = monotonic_ns();
	int dup_fd;

	if (!take_room(m, ev, req, false))
		return;
	/*
	 * Wait for that scan's verdict instead of scanning the same bytes again,
	 * but only a scan led by an open of the same real uid. Scans take turns
	 * by uid (fair_queue.c): a scan that has not started waits in its
	 * leader's lane, behind everything else that user queued. Joining
	 * another user's scan would put this open behind that user's flood,
	 * past its deadline (on_timeout). A scan of our own user waits in the
	 * very lane this open's own scan would join, ahead of it, so joining it
	 * never waits longer than scanning would: the common case, several
	 * processes of one user opening one file, still scans once. (Joining
	 * only scans already handed to a scanner would need the pipeline's
	 * threads to tell the monitor when each one starts, per scanner group.)
	 * An open of another user leads a scan of its own in its own lane, and
	 * its share unit, taken above, is held by that scan.
	 */
	if ((leader = inflight_scan_of(&m->inflight, &req->st, req->path, req->uid))) {
		inflight_join(&m->inflight, leader, ev->fd, req, start, req->generation);
		m->n.joined++;
		return;
	}
	/* The pipeline gets its own descriptor; ours stays open until we answer. */
	dup_fd = fcntl(ev->fd, F_DUPFD_CLOEXEC, 0);
	if (dup_fd < 0) {
		uid_share_put(&m->share, req->uid);
		overload(m, ev, req->path, false);
		return;
	}
	/* before submitting: the worker may answer through the slot before we return */
	e = inflight_lead(&m->inflight, ev->fd, req, start, req->generation);
	req->id = e->id;
	req->fd = dup_fd;
	req->submitted_ns = start;
	req->report = false;
	req->have_who = false;
	if (pipeline_submit(m->pipeline, req) != 0) {
		close(dup_fd);
		inflight_cancel(e);
		uid_share_put(&m->share, req->uid);
		overload(m, ev, req->path, false);
		return;
	}
	inflight_start(&m->inflight, e);
	m->n.scanned++;
}

/*
 * A permission event of a report-mode file: nothing can be denied, so the
 * opener is answered allow now and the scan goes on without it. The event
 * still leads a scan in the ring (bounded by max_inflight and the user's
 * share like any other) so that its verdict is remembered — a clean file gets
 * its ignore mark, a would-deny is kept as the deny it is, for the day the
 * path switches to block and for its other names that block. An event for a
 * file being scanned already for its own user is answered at once and does
 * not join: that scan reports it (under the leader's pid: this opener is not
 * named in a WOULD DENY line).
 */
static void submit_report_event(struct monitor *m, const struct fanotify_event_metadata *ev,
				struct scan_request *req)
{
	struct inflight *e;
	int dup_fd;

	if (!take_room(m, ev, req, true))
		return;
	if (inflight_scan_of(&m->inflight, &req->st, req->path, req->uid) ||
	    (dup_fd = fcntl(ev->fd, F_DUPFD_CLOEXEC, 0)) < 0) {
		uid_share_put(&m->share, req->uid);
		m->n.allowed_inline++;
		monitor_answer_now(m, ev, DECISION_ALLOW);
		return;
	}
	/* read while it waits: its pid may be gone, or another's, when the verdict comes */
	procinfo_read(ev->pid, &req->who);
	req->have_who = true;
	req->report = true;
	e = inflight_lead(&m->inflight, ev->fd, req, monotonic_ns(), req->generation);
	e->report = true;
	req->id = e->id;
	req->fd = dup_fd;
	req->submitted_ns = e->start_ns;
	monitor_answer_report_lead(m, e);
	if (pipeline_submit(m->pipeline, req) != 0) {
		close(dup_fd);
		close(ev->fd);
		inflight_cancel(e);
		uid_share_put(&m->share, req->uid);
		m->n.overloaded++;
		return;
	}
	inflight_start(&m->inflight, e);
	m->n.scanned++;
	m->n.report_scans++;
}

/*
 * The line and the record of a deny (or, in report mode, a would-deny) that no
 * scan of this event decided: `reason` names what did, in the record's reason
 * and finding; the line reads "WHY" + open + "; report mode: allowed" + close.
 */
static void log_unscanned_deny(const struct fanotify_event_metadata *ev,
			       const struct scan_request *req, const struct procinfo *who,
			       bool report, const char *reason, const char *why, const char *open,
			       const char *close)
{
	char whom[600];

	log_warning("%s %s of %s by pid %d (%s): %s%s%s%s", report ? "WOULD DENY" : "DENY",
		    event_kind_name(req->kind), req->path, (int)ev->pid,
		    procinfo_describe(who, whom, sizeof(whom)), why, open,
		    report ? "; report mode: allowed" : "", close);
	if (eventlog_enabled()) {
		struct event_record r;

		event_record_init(&r, report ? "would_deny" : "deny", req->kind, req->path, ev->pid,
				  who);
		r.verdict = report ? "allow" : "deny";
		r.action = report ? "allowed" : "denied";
		r.reason = reason;
		event_record_add_finding(&r, reason, why);
		eventlog_write(&r);
	}
}

/*
 * The first deny of a file by a process is logged at once; its repeats from the
 * cache within a window are counted and summed up in one line (deny_repeats.c):
 * a loop of opens of a denied file would otherwise write a line and a record
 * per open.
 */
static void log_cached_deny(struct monitor *m, const struct fanotify_event_metadata *ev,
			    const struct scan_request *req, const char *threats, bool report)
{
	struct procinfo who;
	struct deny_seen seen = {
		.dev = req->st.st_dev,
		.ino = req->st.st_ino,
		.pid = ev->pid,
		.kind = req->kind,
		.report = report,
		.who = &who,
		.path = req->path,
		.threats = threats,
	};

	procinfo_read(ev->pid, &who);
	if (!deny_repeats_first(&m->deny_repeats, &seen, monotonic_ns()))
		return;
	log_unscanned_deny(ev, req, &who, report, "cache", threats,
			   " (verdict remembered from an earlier scan", ")");
}

/*
 * A file on a user's own FUSE mount that watch.user_fuse denies: who opened it
 * is read before the answer (an exec refused ends its process at once), the
 * line written after it.
 */
static void log_user_fuse_deny(struct monitor *m, const struct fanotify_event_metadata *ev,
			       const struct scan_request *req, const struct filter_detail *d,
			       const struct procinfo *who)
{
	char why[200];

	snprintf(why, sizeof(why), "a FUSE filesystem mounted by uid %ld (watch.user_fuse = %s)",
		 d->fuse_owner, config_user_fuse_name(m->cfg->user_fuse));
	log_unscanned_deny(ev, req, who, d->report, "user_fuse", why, "", "");
}

/* A remembered deny stays a deny in the cache; report mode changes only the answer. */
static void answer_from_cache(struct monitor *m, const struct fanotify_event_metadata *ev,
			      const struct scan_request *req, enum decision decision,
			      const char *threats, bool report)
{
	if (decision == DECISION_DENY) {
		m->n.cache_deny++;
		log_cached_deny(m, ev, req, threats, report);
		if (report) {
			m->n.would_deny++;
			decision = DECISION_ALLOW;
		}
	} else {
		m->n.cache_allow++;
		/* its mark was evicted, or never placed */
		ignore_marks_add_if_unchanged(&m->ignore, ev->fd, &req->st);
	}
	monitor_answer_now(m, ev, decision);
}

/* A write happened: what the cache knows about the file is void (mmap writes clear no mark). */
static _Atomic uint64_t *written_slot(struct monitor *m, const struct stat *st)
{
	uint64_t h = ((uint64_t)st->st_dev * 0x9e3779b97f4a7c15ull) ^ (uint64_t)st->st_ino;

	return &m->written_at[(h ^ (h >> 29)) % MONITOR_WRITTEN_SLOTS];
}

uint64_t monitor_written_seq(struct monitor *m)
{
	return atomic_load(&m->written_seq);
}

void monitor_note_written(struct monitor *m, const struct stat *st)
{
	atomic_store(written_slot(m, st), atomic_fetch_add(&m->written_seq, 1) + 1);
}

bool monitor_written_since(struct monitor *m, const struct stat *st, uint64_t seq)
{
	return atomic_load(written_slot(m, st)) > seq;
}

static void forget_written(struct monitor *m, const struct fanotify_event_metadata *ev,
			   const struct stat *st)
{
	/* first: a worker marking a scan that began before this write then sees it */
	monitor_note_written(m, st);
	cache_forget(&m->cache, st->st_dev, st->st_ino);
	ignore_marks_remove(&m->ignore, ev->fd);
}

/*
 * A file no scan will look at: pay for the path check once per inode. Not for
 * files with several names: one of the others may be watched.
 */
static void mark_unscanned(struct monitor *m, const struct fanotify_event_metadata *ev,
			   const struct stat *st)
{
	if ((ev->mask & m->perm_mask) && st->st_nlink == 1)
		ignore_marks_add_if_unchanged(&m->ignore, ev->fd, st);
}

void monitor_dispatch(struct monitor *m, const struct fanotify_event_metadata *ev,
		      struct scan_request *req)
{
	struct filter_detail d;
	enum filter_decision decision;

	m->n.events++;
	decision = filter_event(m, ev, req, &d);
	if (d.count)
		(*d.count)++;
	if (d.written && m->caching)
		forget_written(m, ev, &req->st);
	req->written_seq = monitor_written_seq(m);
	switch (decision) {
	case FILTER_ALLOW_UNSCANNED:
		mark_unscanned(m, ev, &req->st);
		/* fall through */
	case FILTER_ALLOW_NO_MARK:
		m->n.allowed_inline++;
		monitor_answer_now(m, ev, DECISION_ALLOW);
		break;
	case FILTER_FROM_CACHE: answer_from_cache(m, ev, req, d.cached, d.threats, d.report); break;
	case FILTER_SCAN:
	case FILTER_CLOSE_WRITE:
		/* whose share it holds, and whose turn its scan takes */
		req->uid = d.have_uid ? d.uid : opener_uid(ev->pid);
		req->generation = pipeline_generation(m->pipeline);
		if (decision == FILTER_CLOSE_WRITE) {
			req->report = d.report; /* nothing to deny; nothing quarantined either */
			/* the writer does not wait for the scan and has often exited by its end */
			procinfo_read(ev->pid, &req->who);
			req->have_who = true;
			background_close_write(m, ev, req);
		} else if (d.report) {
			submit_report_event(m, ev, req);
		} else {
			submit_permission_event(m, ev, req);
		}
		if (decision == FILTER_SCAN && d.named)
			background_cold_open(m, req);
		break;
	case FILTER_DISCARD: close(ev->fd); break;
	case FILTER_DENY_TOO_LARGE:
		if (d.report)
			m->n.would_deny++;
		monitor_answer_now(m, ev, d.report ? DECISION_ALLOW : DECISION_DENY);
		break;
	case FILTER_DENY_USER_FUSE: {
		struct procinfo who;

		procinfo_read(ev->pid, &who);
		if (d.report)
			m->n.would_deny++;
		monitor_answer_now(m, ev, d.report ? DECISION_ALLOW : DECISION_DENY);
		log_user_fuse_deny(m, ev, req, &d, &who);
		break;
	}
	}
}
