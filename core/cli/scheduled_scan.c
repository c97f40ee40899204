#include "cli/scheduled_scan.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/eventlog.h"
#include "common/monotonic.h"

/* ---- the hooks ---- */

static bool skip_unchanged(void *ctx, const char *path, const struct stat *st)
{
	struct scheduled_scan *s = ctx;

	(void)path;
	if (!scan_state_unchanged(&s->state, st))
		return false;
	atomic_fetch_add(&s->unchanged, 1);
	return true;
}

/* Every plugin that voted said its verdict holds until the file changes. */
static bool cacheable(const struct scan_outcome *out)
{
	for (size_t i = 0; out && i < out->n_votes; i++)
		if (out->votes[i].not_cacheable)
			return false;
	return true;
}

/*
 * The event record the daemon writes for its own scans (pipeline.c), written
 * here when this process scanned: a detection, or plugins that failed.
 */
static void write_event(struct scheduled_scan *s, const struct scan_result *res,
			const struct scan_outcome *out, const char *quarantine_id)
{
	const struct engine *e = &s->run->rt.engine;
	struct event_record r;
	bool detected = false;

	event_record_init(&r, NULL, FG_EVENT_ON_DEMAND, res->path, getpid(), NULL);
	r.sha256 = out->have_sha256 ? out->sha256 : NULL;
	for (size_t i = 0; i < out->n_votes; i++) {
		if (out->votes[i].verdict != FG_VERDICT_DETECTED &&
		    out->votes[i].verdict != FG_VERDICT_ERROR)
			continue;
		detected |= out->votes[i].verdict == FG_VERDICT_DETECTED;
		event_record_add_finding(&r, e->plugins[i].name, out->votes[i].threat);
	}
	r.event = detected ? "detected" : "error";
	r.verdict = "none";
	r.action = quarantine_id ? "quarantined" : "reported";
	r.quarantine_id = quarantine_id;
	r.reason = verdict_reason_name(out->reason);
	eventlog_write(&r);
}

static void after_scan(void *ctx, const struct stat *st, const struct scan_result *res,
		       const struct scan_outcome *out, const char *quarantine_id)
{
	struct scheduled_scan *s = ctx;
	bool clean = res->kind == RESULT_ALLOW && !res->detections[0] && !res->errors[0];

	atomic_fetch_add(&s->scanned, 1);
	if (quarantine_id)
		atomic_fetch_add(&s->quarantined, 1);
	/* a file someone had open for writing can change under the same stat: not remembered */
	if (clean && cacheable(out) && !res->may_change_unseen)
		scan_state_record_clean(&s->state, st);
	else if (res->kind != RESULT_SKIPPED)
		scan_state_forget(&s->state, st); /* scanned again next time */
	if (out && (res->detections[0] || res->errors[0]) && eventlog_enabled())
		write_event(s, res, out, quarantine_id);
}

/* ---- the progress file and the checkpoints ---- */

static void fill_status(struct scheduled_scan *s, enum scan_status_state state,
			struct scan_status *st)
{
	struct scan_run *run = s->run;
	unsigned long long done, fresh;
	double elapsed = (double)(monotonic_ns() - s->start_ns) / 1e9;

	memset(st, 0, sizeof(*st));
	st->state = state;
	st->pid = (long)getpid();
	st->started = s->started;
	st->updated = time(NULL);
	st->unchanged = atomic_load(&s->unchanged);
	fresh = atomic_load(&s->scanned);
	done = fresh + st->unchanged;
	st->done = done;
	if (atomic_load(&run->report.progress.total_known))
		st->total = atomic_load(&run->report.progress.total_files);
	else if (!run->count_total && s->state.last_total) {
		st->total = s->state.last_total;
		st->total_estimated = 1;
	}
	pthread_mutex_lock(&run->report.lock);
	st->found = run->report.found;
	st->errors = run->report.errors;
	pthread_mutex_unlock(&run->report.lock);
	st->eta_s = -1;
	if (st->total && done && elapsed > 0)
		st->eta_s =
			done >= st->total ? 0 : (long)((double)(st->total - done) * elapsed / done);
	st->full = s->full;
	st->resumed = s->resumed;
}

static void write_progress(struct scheduled_scan *s, enum scan_status_state state)
{
	struct scan_status st;

	fill_status(s, state, &st);
	/* a failure only costs status its line; the scan goes on */
	(void)scan_status_write(s->progress_path, &st);
}

static void *ticker_thread(void *arg)
{
	struct scheduled_scan *s = arg;
	uint64_t last_save = monotonic_ns();
	struct timespec until;
	char err[512];

	pthread_mutex_lock(&s->lock);
	while (!s->stop) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec++;
		pthread_cond_timedwait(&s->stop_cond, &s->lock, &until);
		if (s->stop)
			break;
		pthread_mutex_unlock(&s->lock);
		write_progress(s, SCAN_STATUS_RUNNING);
		if (monotonic_ns() - last_save >= SCHEDULED_CHECKPOINT_S * 1000000000ull) {
			last_save = monotonic_ns();
			if (scan_state_save(&s->state, s->state_path, err, sizeof(err)) != 0)
				fprintf(stderr, "fanguard scheduled-scan: checkpoint: %s\n", err);
		}
		pthread_mutex_lock(&s->lock);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

void scheduled_scan_start(struct scheduled_scan *s, struct scan_run *run)
{
	s->run = run;
	run->hooks =
		(struct scan_run_hooks){ .skip = skip_unchanged, .scanned = after_scan, .ctx = s };
	/*
	 * The total for the ETA: what the last complete run looked at, or else a
	 * counting walk beside the scan (on an unchanged tree it would cost as
	 * much as the scan's own walk)
	 */
	run->count_total = !s->state.last_total;
	s->started = time(NULL);
	s->start_ns = monotonic_ns();
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->stop_cond, NULL);
	write_progress(s, SCAN_STATUS_RUNNING);
	s->ticking = pthread_create(&s->ticker, NULL, ticker_thread, s) == 0;
}

void scheduled_scan_stop(struct scheduled_scan *s)
{
	if (s->ticking) {
		pthread_mutex_lock(&s->lock);
		s->stop = true;
		pthread_cond_signal(&s->stop_cond);
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->ticker, NULL);
	}
	/* a run whose plugins failed to start did not finish either */
	write_progress(s,
		       scan_run_stopping(s->run) ? SCAN_STATUS_INTERRUPTED : SCAN_STATUS_FINISHED);
	pthread_cond_destroy(&s->stop_cond);
	pthread_mutex_destroy(&s->lock);
}

int scheduled_scan_save(struct scheduled_scan *s, char *err, size_t errlen)
{
	if (!scan_run_stopping(s->run))
		scan_state_complete(&s->state,
				    atomic_load(&s->unchanged) + atomic_load(&s->scanned));
	return scan_state_save(&s->state, s->state_path, err, errlen);
}
