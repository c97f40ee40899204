/*
 * Whether the daemon protects as configured, and if not why: `fanguard
 * health`, the `health:` line of `fanguard status` and the fanguard_health_*
 * gauges all come from one report, collected here from the parts that know
 * (the pipeline's scanners and reloads, the monitor's marks and counters, the
 * signatures' age, other on-access agents running beside us).
 */
#ifndef FANGUARD_HEALTH_H
#define FANGUARD_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Every cause, always listed in the metrics (0 or 1), so a series never vanishes. */
enum health_cause {
	HEALTH_SCANNER_DISABLED,
	HEALTH_SCANNER_RESTARTING,
	HEALTH_RELOAD_FAILED,
	HEALTH_SIGNATURES_STALE,
	HEALTH_OVERLOAD,
	HEALTH_LATE_VERDICTS,
	HEALTH_TIMEOUTS,
	HEALTH_UNMARKED_FILESYSTEM,
	HEALTH_OTHER_AGENT,
	HEALTH_KERNEL_FEATURE,
	HEALTH_CAUSES
};

struct health_report {
	bool problem[HEALTH_CAUSES];
	char text[2048]; /* "cause: detail\ncause: detail" */
	size_t len;
};

void health_report_init(struct health_report *r);
/* Records a problem of cause c with a detail line (printf format). */
void health_add(struct health_report *r, enum health_cause c, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool health_ok(const struct health_report *r);
/* "scanner_disabled": the label value in fanguard_health_problem{cause=...}. */
const char *health_cause_name(enum health_cause c);

/*
 * The counters whose growth over the last HEALTH_WINDOW_S seconds means
 * protection was degraded lately: opens answered by on_overload unscanned,
 * verdicts after the deadline, events answered by on_timeout, scans decided
 * at the deadline without some scanner's votes.
 */
#define HEALTH_WINDOW_S 300
#define HEALTH_SAMPLE_S 30

struct health_counts {
	unsigned long long overload, late, timeouts;
	unsigned long long overdue; /* scans decided without a scanner's votes at the deadline */
};

struct health_window {
	struct health_counts sample[HEALTH_WINDOW_S / HEALTH_SAMPLE_S + 1];
	time_t at[HEALTH_WINDOW_S / HEALTH_SAMPLE_S + 1]; /* monotonic seconds; 0: empty */
	unsigned next;
};

/* Remembers now's counts at most every HEALTH_SAMPLE_S seconds (now: monotonic seconds). */
void health_window_sample(struct health_window *w, const struct health_counts *now_counts,
			  time_t now);
/*
 * What grew since the oldest sample not older than HEALTH_WINDOW_S: adds a
 * problem per counter that grew, naming the interval it covers.
 */
void health_window_check(const struct health_window *w, const struct health_counts *now_counts,
			 time_t now, struct health_report *r);

#endif
