/* The monitor's figures as text: the status and SIGUSR1 lines, and Prometheus' format. */
#include "daemon/monitor_internal.h"

#include <string.h>

#include "common/log.h"
#include "common/textbuf.h"
#include "daemon/health.h"

void monitor_format_stats(struct monitor *m, struct textbuf *tb)
{
	const struct cache_stats *c = &m->cache.stats;
	char buf[256];

	textbuf_printf(
		tb,
		"events %llu: %llu answered without scan, %llu from the verdict cache (%llu "
		"allowed, %llu denied), %llu scanned, %llu waited on a scan already running; "
		"answers after a scan: %llu allowed, %llu denied, %llu timed out\n",
		m->n.events, m->n.allowed_inline, m->n.cache_allow + m->n.cache_deny,
		m->n.cache_allow, m->n.cache_deny, m->n.scanned, m->n.joined, m->n.allowed,
		m->n.denied, m->n.timeouts);
	textbuf_printf(
		tb,
		"events: %llu close_write scans (%llu dropped), %llu over watch.max_file_size, "
		"%llu queue-full, %llu kernel overflows, %llu in flight, %llu without a "
		"readable name (scanned), %llu through other namespaces' mounts (scanned)\n",
		m->n.close_write, m->n.dropped_close_write, m->n.too_large, m->n.overloaded,
		m->n.overflows, (unsigned long long)inflight_count(&m->inflight), m->n.unnamed,
		m->n.foreign);
	textbuf_printf(tb,
		       "report mode: %llu would-deny (answered allow: a deny found by a scan, "
		       "remembered, too large or overload), %llu events answered allow at once "
		       "while their scan went on\n",
		       m->n.would_deny, m->n.report_scans);
	textbuf_printf(tb,
		       "overload: %llu events beyond max_inflight (%u), %llu beyond their user's "
		       "share (%u), answered %s unscanned; late verdicts: %llu (%llu detections "
		       "remembered, %llu openers killed)\n",
		       m->n.overloaded, m->cfg->max_inflight, m->n.over_share,
		       m->cfg->max_inflight_per_uid, verdict_decision_name(m->cfg->on_overload),
		       m->n.late_verdicts, m->n.late_detections, m->n.late_kills);
	textbuf_printf(tb,
		       "exclusions: %llu by path, %llu by executable, %llu by user; %llu events of "
		       "fanguard's own processes; %llu of excluded programs not trusted "
		       "(scanned); %llu opens of empty files answered by the empty-file verdict\n",
		       m->n.excluded_path, m->n.excluded_exe, m->n.excluded_uid, m->n.own,
		       m->n.exe_not_excluded, m->n.empty_clean);
	textbuf_printf(
		tb,
		"cache (%s): %u entries, %llu hits, %llu misses (%llu stale), %llu evictions; "
		"%llu ignore marks placed (%llu refused, %llu flushes)\n",
		monitor_cache_mode(m), m->cache.size, c->hits, c->misses, c->stale, c->evictions,
		(unsigned long long)m->ignore.placed, (unsigned long long)m->ignore.failures,
		(unsigned long long)m->ignore.flushes);
	background_format_stats(m, tb);
	pipeline_format_stats(m->pipeline, tb);
	histogram_format(&m->answer_latency, buf, sizeof(buf));
	textbuf_printf(tb, "latency: event to answer (scanned events) %s\n", buf);
}

void monitor_format_prometheus(struct monitor *m, struct textbuf *tb)
{
	textbuf_printf(tb, "# HELP fanguard_events_total Events read from the kernel, by outcome.\n"
			   "# TYPE fanguard_events_total counter\n");
	textbuf_printf(tb, "fanguard_events_total{outcome=\"no_scan\"} %llu\n",
		       m->n.allowed_inline);
	textbuf_printf(tb, "fanguard_events_total{outcome=\"cache_allow\"} %llu\n",
		       m->n.cache_allow);
	textbuf_printf(tb, "fanguard_events_total{outcome=\"cache_deny\"} %llu\n", m->n.cache_deny);
	textbuf_printf(tb, "fanguard_events_total{outcome=\"scanned\"} %llu\n", m->n.scanned);
	textbuf_printf(tb, "fanguard_events_total{outcome=\"joined_scan\"} %llu\n", m->n.joined);
	textbuf_printf(tb, "fanguard_events_total{outcome=\"close_write\"} %llu\n",
		       m->n.close_write);
	textbuf_printf(tb, "fanguard_events_total{outcome=\"too_large\"} %llu\n", m->n.too_large);
	textbuf_printf(tb, "fanguard_events_total{outcome=\"user_fuse_denied\"} %llu\n",
		       m->n.user_fuse_denied);
	textbuf_printf(tb, "fanguard_events_total{outcome=\"queue_full\"} %llu\n", m->n.overloaded);
	textbuf_printf(tb, "fanguard_events_total{outcome=\"user_share_full\"} %llu\n",
		       m->n.over_share);
	textbuf_printf(tb,
		       "# HELP fanguard_late_verdicts_total Verdicts that came after the deadline "
		       "answered their event (on_timeout), by what they found.\n"
		       "# TYPE fanguard_late_verdicts_total counter\n"
		       "fanguard_late_verdicts_total{found=\"detection\"} %llu\n"
		       "fanguard_late_verdicts_total{found=\"nothing\"} %llu\n",
		       m->n.late_detections, m->n.late_verdicts - m->n.late_detections);
	/*
	 * Report mode's would-deny counter (issue 12, item 1) belongs here, beside
	 * the answers: fanguard_would_deny_total.
	 */
	textbuf_printf(tb,
		       "# HELP fanguard_would_deny_total Events in report mode that block mode "
		       "would have denied (answered allow, logged).\n"
		       "# TYPE fanguard_would_deny_total counter\n"
		       "fanguard_would_deny_total %llu\n",
		       m->n.would_deny);
	textbuf_printf(tb,
		       "# HELP fanguard_report_scans_total Events in report mode answered allow at "
		       "once while their scan went on.\n"
		       "# TYPE fanguard_report_scans_total counter\n"
		       "fanguard_report_scans_total %llu\n",
		       m->n.report_scans);
	textbuf_printf(tb,
		       "# HELP fanguard_late_kills_total Processes killed because a file they "
		       "opened was found malicious after the deadline (late_detection = kill).\n"
		       "# TYPE fanguard_late_kills_total counter\n"
		       "fanguard_late_kills_total %llu\n",
		       m->n.late_kills);
	textbuf_printf(tb,
		       "# HELP fanguard_excluded_total Events answered unscanned by an exclusion, "
		       "by kind (own: fanguard's own processes).\n"
		       "# TYPE fanguard_excluded_total counter\n");
	textbuf_printf(tb, "fanguard_excluded_total{by=\"path\"} %llu\n", m->n.excluded_path);
	textbuf_printf(tb, "fanguard_excluded_total{by=\"exe\"} %llu\n", m->n.excluded_exe);
	textbuf_printf(tb, "fanguard_excluded_total{by=\"uid\"} %llu\n", m->n.excluded_uid);
	textbuf_printf(tb, "fanguard_excluded_total{by=\"own\"} %llu\n", m->n.own);
	textbuf_printf(tb,
		       "# HELP fanguard_exe_exclusion_refused_total Events of excluded programs "
		       "that were scanned: not run by root, traced, another namespace's file, "
		       "started with a loader variable or running code root alone did not "
		       "control.\n"
		       "# TYPE fanguard_exe_exclusion_refused_total counter\n"
		       "fanguard_exe_exclusion_refused_total %llu\n",
		       m->n.exe_not_excluded);
	textbuf_printf(tb, "# HELP fanguard_answers_total Answers to scanned permission events.\n"
			   "# TYPE fanguard_answers_total counter\n");
	textbuf_printf(tb, "fanguard_answers_total{answer=\"allow\"} %llu\n", m->n.allowed);
	textbuf_printf(tb, "fanguard_answers_total{answer=\"deny\"} %llu\n", m->n.denied);
	textbuf_printf(tb, "fanguard_answers_total{answer=\"timeout\"} %llu\n", m->n.timeouts);
	textbuf_printf(
		tb,
		"# HELP fanguard_unnamed_events_total Events whose file name could not be read "
		"(longer than PATH_MAX) or does not lead to the file (opened by handle): "
		"scanned without path filtering.\n"
		"# TYPE fanguard_unnamed_events_total counter\n"
		"fanguard_unnamed_events_total %llu\n",
		m->n.unnamed);
	textbuf_printf(
		tb,
		"# HELP fanguard_foreign_mount_events_total Events through a mount of another "
		"mount namespace (user namespaces, overlayfs layers): scanned without path "
		"filtering.\n"
		"# TYPE fanguard_foreign_mount_events_total counter\n"
		"fanguard_foreign_mount_events_total %llu\n",
		m->n.foreign);
	textbuf_printf(tb,
		       "# HELP fanguard_kernel_overflows_total fanotify queue overflows.\n"
		       "# TYPE fanguard_kernel_overflows_total counter\n"
		       "fanguard_kernel_overflows_total %llu\n",
		       m->n.overflows);
	textbuf_printf(tb,
		       "# HELP fanguard_cache_entries Verdicts remembered.\n"
		       "# TYPE fanguard_cache_entries gauge\nfanguard_cache_entries %u\n",
		       m->cache.size);
	textbuf_printf(tb,
		       "# HELP fanguard_inflight Events waiting for a verdict.\n"
		       "# TYPE fanguard_inflight gauge\nfanguard_inflight %llu\n",
		       (unsigned long long)inflight_count(&m->inflight));
	textbuf_printf(tb, "# HELP fanguard_answer_latency_seconds From the kernel's event to our "
			   "answer, for events that waited on a scan.\n"
			   "# TYPE fanguard_answer_latency_seconds histogram\n");
	histogram_format_prometheus(&m->answer_latency, "fanguard_answer_latency_seconds", "", tb);
	background_format_prometheus(m, tb);
	pipeline_format_prometheus(m->pipeline, tb);
}

void monitor_health_counts(struct monitor *m, struct health_counts *out)
{
	/* plain counters written by the monitor's thread: a torn read is off by one event */
	out->overload = m->n.overloaded + m->n.over_share;
	out->late = m->n.late_verdicts;
	out->timeouts = m->n.timeouts;
	out->overdue = pipeline_overdue_count(m->pipeline);
}

void monitor_health(struct monitor *m, struct health_report *r)
{
	if (m->marks.refused[0])
		health_add(r, HEALTH_UNMARKED_FILESYSTEM, "not marked whole: %s", m->marks.refused);
	if (!m->marks.fs_marks)
		health_add(r, HEALTH_KERNEL_FEATURE,
			   "this kernel refused filesystem marks (Linux 4.20+): mount marks do not "
			   "see other mounts of the watched filesystems");
}

void monitor_log_stats(struct monitor *m)
{
	static char text[16384];
	struct textbuf tb;
	char *line, *save = NULL;

	textbuf_init(&tb, text, sizeof(text));
	monitor_format_stats(m, &tb);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		log_info("%s", line);
}
