/*
 * The fanotify monitor: marks the watched mounts, reads permission events,
 * answers what needs no scan at once, hands the rest to the pipeline with a
 * deadline, and answers every event exactly once — with the pipeline's
 * decision, or with on_timeout when the deadline passes first.
 */
#ifndef FANGUARD_MONITOR_H
#define FANGUARD_MONITOR_H

#include <stddef.h>

#include "common/config.h"
#include "daemon/pipeline.h"

struct monitor;

/*
 * Start-up is in two steps, so that the pipeline gets where it answers when it
 * is made and nothing is set afterwards: monitor_create opens the fanotify
 * group (no marks yet: no event can arrive), monitor_hooks tells the pipeline
 * how to answer through it, and monitor_watch, once the pipeline runs, marks
 * the watched mounts. cfg stays the caller's; the monitor swaps new
 * exclusions into it on reload.
 */
struct monitor *monitor_create(struct config *cfg, char *err, size_t errlen);
/* Fills hooks' answerer: pipeline threads answer the kernel through m. */
void monitor_hooks(struct monitor *m, struct pipeline_hooks *hooks);
/* Marks the watched mounts; from now on events arrive and go to pipeline. */
int monitor_watch(struct monitor *m, struct pipeline *pipeline, char *err, size_t errlen);
/* Number of mounts marked, for the ready line. */
unsigned monitor_mark_count(const struct monitor *m);
/* How verdicts are cached: "kernel ignore marks (evictable)", "off", ... for the ready line. */
const char *monitor_cache_mode(const struct monitor *m);
struct textbuf;
/* Event counters, cache figures and latency histograms as lines of text (status, SIGUSR1). */
void monitor_format_stats(struct monitor *m, struct textbuf *tb);
/* The same in Prometheus' text exposition format. */
void monitor_format_prometheus(struct monitor *m, struct textbuf *tb);
struct health_counts;
struct health_report;
/* The counters the health window watches: overloads, late verdicts, timeouts. Any thread. */
void monitor_health_counts(struct monitor *m, struct health_counts *out);
/* Adds to r what the monitor knows degrades protection: filesystems it could not mark. */
void monitor_health(struct monitor *m, struct health_report *r);
/* What the kernel watches: "marks: filesystem marks, N placed; not marked whole: ..." (status). */
void monitor_format_marks(struct monitor *m, struct textbuf *tb);
/* The mode of each watched path and policy section, one line each (status). Any thread. */
void monitor_format_modes(struct monitor *m, struct textbuf *tb);
/* The exclusions in force, one line each (status). Any thread. */
void monitor_format_exclusions(struct monitor *m, struct textbuf *tb);
/*
 * A reload, as SIGHUP does it: new scanner processes load the signatures (the
 * pipeline's reload, whose result this returns: -1 without scanner processes),
 * and the monitor's thread loads the exclusions from the config file again.
 * Any thread.
 */
int monitor_reload(struct monitor *m);
struct scan_service;
/*
 * `fanguard explain PATH`: why the file at path would be allowed or denied
 * now — outside the watch paths, excluded (by which entry), remembered in the
 * cache, too large, its mode — and otherwise the verdict of a scan done now
 * through scans, each plugin's vote. Lines of text into tb. The control
 * thread's (the cache question waits on the monitor's thread).
 */
void monitor_explain(struct monitor *m, struct scan_service *scans, const struct engine *engine,
		     const char *path, struct textbuf *tb);
/* Logs monitor_format_stats' lines (also on SIGUSR1). */
void monitor_log_stats(struct monitor *m);
/*
 * Runs until SIGTERM or SIGINT arrives on signal_fd (a signalfd), then
 * stops reading and answers every event already read before returning.
 * With watchdog_ms, pings systemd's watchdog from the loop.
 */
int monitor_run(struct monitor *m, int signal_fd, unsigned watchdog_ms);
/*
 * Closes the fanotify group (the kernel allows events nobody read) at once;
 * verdicts the pipeline still delivers from then on find nobody to answer.
 * Call it before stopping the pipeline, and monitor_destroy after.
 */
void monitor_close(struct monitor *m);
/* monitor_close, and frees m: the pipeline must be stopped (it answers through m). */
void monitor_destroy(struct monitor *m);

#endif
