/*
 * The scan pipeline. The interface is deliberately narrow and asynchronous —
 * submit (id, fd), later take (id, decision) — with two implementations behind
 * it: scanner processes (one per group of plugins, by default one for all;
 * unprivileged and sandboxed; the default) and threads inside the daemon.
 */
#ifndef FANGUARD_PIPELINE_H
#define FANGUARD_PIPELINE_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#include "common/procinfo.h"
#include "scanner/engine.h"

struct config;
struct textbuf;

struct scan_request;
struct scan_outcome;
struct event_record;

/*
 * Requests of kind FG_EVENT_ON_DEMAND (`fanguard scan --daemon`) end in the
 * requester's own callback with the whole outcome instead of in the
 * completion queue: nobody in the kernel waits for them. Called from
 * pipeline threads.
 */
typedef void (*pipeline_ondemand_fn)(void *ctx, const struct scan_request *req,
				     const struct scan_outcome *out);

/*
 * The ids of scans nobody in the kernel waits for but whose verdict the
 * monitor keeps (a close_write, scan-ahead, a re-scan after a reload: see
 * daemon/background.h): never answered from a pipeline thread, never decided
 * at a deadline.
 */
#define BACKGROUND_ID_BIT (1ull << 62)

/* Why a request with BACKGROUND_ID_BIT scans: the low-priority lane takes the last two. */
enum scan_background {
	SCAN_FOREGROUND, /* an event: open, exec, close_write */
	SCAN_AHEAD,      /* another file of a folder a cold open came from */
	SCAN_RESCAN,     /* a file verdicted before a reload, under the new signatures */
};

struct scan_request {
	uint64_t id; /* 0: nobody waits for the answer (close_write) */
	/*
	 * SCAN_AHEAD, SCAN_RESCAN: scanned only when a scan thread is idle and no
	 * event's scan waits (the scanners have a thread for it, see runtime.h).
	 */
	enum scan_background background;
	int fd; /* owned by the pipeline once submitted */
	enum fg_event_kind kind;
	pid_t pid;
	uid_t uid;             /* the opener's real uid: scans take turns between users */
	unsigned generation;   /* the signatures' generation it was submitted under */
	uint64_t submitted_ns; /* monotonic_ns() when queued, for the queue-wait histogram */
	uint64_t written_seq;  /* the monitor's count of writes when it came (monitor_written_seq) */
	struct stat st;
	/*
	 * Report mode: the monitor answered allow already; a deny is logged as a
	 * would-deny, nothing is quarantined, and nobody is answered from here.
	 */
	bool report;
	bool have_who; /* who is filled in: read before the opener was answered */
	struct procinfo
		who; /* the opener, for a report-mode scan (it may be gone by the verdict) */
	pipeline_ondemand_fn ondemand; /* FG_EVENT_ON_DEMAND only: where the outcome goes */
	void *ondemand_ctx;
	char path[PATH_MAX];
};

#define SCAN_THREATS_MAX 256

struct scan_completion {
	uint64_t id;
	enum decision decision;
	bool cacheable; /* every plugin gave a real verdict: it may be remembered */
	bool detected;  /* a plugin detected it (not only errors) */
	bool late;      /* the deadline answered the event first: the monitor remembers */
	bool followup;  /* a second outcome of a scan completed already: late votes */
	bool report;    /* a report-mode scan: its event was answered allow at once */
	enum scan_background background;
	uint64_t answered_ns; /* when the pipeline answered it itself; 0: it did not */
	uid_t uid;            /* whose share the scan held */
	unsigned generation;  /* of the signatures it was submitted under */
	struct stat st;       /* the file as the event saw it: the late verdict's cache key */
	uint64_t written_seq; /* the request's: a clean verdict is kept only if no write came since */
	char threats[SCAN_THREATS_MAX]; /* for denies: "clamav: X; yara: Y" */
	/*
	 * For denies, what the events that waited on the scan are logged with
	 * (each opener gets its own record): what decided, the digest, and each
	 * finding of the event log as "plugin\0threat\0", n_findings of them.
	 */
	enum verdict_reason reason;
	bool have_sha256;
	unsigned char sha256[32];
	unsigned n_findings;
	char findings[2 * SCAN_THREATS_MAX];
};

/* The event log's "reason" for an outcome decided for reason ("on_error", "too_large", ...). */
const char *pipeline_reason_name(enum verdict_reason reason);

/*
 * Lets the pipeline deliver a verdict the moment it is known, before the
 * completion reaches the reader; answer returns false if the event was
 * answered already. cacheable: every plugin gave a real verdict. Called from
 * pipeline threads.
 */
typedef bool (*pipeline_answer_fn)(void *ctx, uint64_t id, enum decision decision, bool cacheable);
/*
 * A close_write whose file the policy finds malicious, handed over before its
 * event is logged: the handler acts on the file (quarantine), writes the event
 * r (valid during the call only) itself and returns true; false: logged as
 * usual. Called from pipeline threads: it must not block.
 */
typedef bool (*pipeline_detection_fn)(void *ctx, const struct scan_request *req,
				      const struct scan_outcome *out, const struct event_record *r);

/*
 * on_detection also takes detections of permission events that came after
 * their deadline (r->event "late_detection") when verdict.late_detection
 * holds "quarantine"; the pipeline asks only then.
 */

/* Where the pipeline delivers, given when it starts (NULL functions: nobody). */
struct pipeline_hooks {
	pipeline_answer_fn answer; /* the monitor: answers the kernel from a pipeline thread */
	void *answer_ctx;
	pipeline_detection_fn on_detection; /* the quarantine worker, with on_close_write */
	void *detection_ctx;
	bool quarantine_late; /* late detections of opens go to on_detection too */
};

struct pipeline;

/* Scan threads in this process, each with its own plugin contexts (engine's plugins started). */
struct pipeline *pipeline_start_threads(const struct engine *engine, unsigned workers,
					unsigned max_queue, const struct pipeline_hooks *hooks,
					char *err, size_t errlen);
/*
 * One scanner process per group of engine's plugins (`scanner = NAME`; by
 * default one for all), the plugins opened, not started: each process starts
 * its own, with the scan threads its config asks for. Waits until every
 * scanner is ready or has failed; a failure stops start-up with the
 * scanner's message.
 */
struct pipeline *pipeline_start_processes(const struct engine *engine, const struct config *cfg,
					  const struct pipeline_hooks *hooks, char *err,
					  size_t errlen);

/* "clamav 1.0 (12 signatures), ..." as the scanner processes reported them. */
void pipeline_describe_scanners(struct pipeline *p, char *buf, size_t size);

/*
 * Queues a request; on success the fd belongs to the pipeline. -1 when full.
 * Waiting requests take turns by req->uid: one user's flood makes another's
 * scan wait for one scan of theirs at most, not for the whole flood.
 */
int pipeline_submit(struct pipeline *p, const struct scan_request *req);
/*
 * True if pid is one of the pipeline's scanner processes: an open of theirs
 * (a plugin's own file, libclamav's temporary files) must not wait on a scan.
 * A few loads and compares; safe from any thread.
 */
bool pipeline_is_helper_pid(struct pipeline *p, pid_t pid);
/* Readable (eventfd) when completions are waiting. */
int pipeline_completion_fd(const struct pipeline *p);
/* Moves up to max completions into out; returns how many. */
size_t pipeline_take_completions(struct pipeline *p, struct scan_completion *out, size_t max);
/*
 * Reloads signatures and rules without a gap: new scanners load them while the
 * old ones keep scanning, then take over. Asynchronous; failures are logged and
 * leave the old data in use. Returns -1 if this pipeline cannot reload.
 */
int pipeline_reload(struct pipeline *p);
/* Whether pipeline_reload can load new data (the process layout), without starting it. */
bool pipeline_can_reload(const struct pipeline *p);
/* Changes each time new signatures take over: verdicts cached before are void. */
unsigned pipeline_generation(struct pipeline *p);
/* The per-stage latency histograms and, for processes, the scanners' state: lines of text. */
void pipeline_format_stats(struct pipeline *p, struct textbuf *tb);
struct health_report;
/*
 * Adds to r what degrades protection here: a scanner disabled (its plugins
 * vote only errors) or restarting, the last reload failed.
 */
void pipeline_health(struct pipeline *p, struct health_report *r);

/* What became of reloads: set by the pipeline, read by status, health and metrics. */
struct reload_state {
	bool supported;                  /* false: signatures load only at start-up (threads) */
	bool running;                    /* new scanners are loading */
	unsigned long long done, failed; /* since start-up */
	time_t loaded;                   /* when the signatures in use took over (start-up too) */
	time_t failed_at;                /* the last failure; 0: none */
	bool last_failed;                /* the latest reload failed: an older set is in use */
	char error[512];                 /* why it failed */
};
void pipeline_reload_state(struct pipeline *p, struct reload_state *out);
/* Scans decided at their deadline without some scanner's votes (counted as errors). */
unsigned long long pipeline_overdue_count(struct pipeline *p);
/* Signatures plugin i (engine index) reported when its scanner started; 0: it cannot tell. */
uint64_t pipeline_signature_count(struct pipeline *p, size_t i);
/* The n programs and n folders that cost the most scan time since start (`fanguard top`). */
void pipeline_format_top(struct pipeline *p, unsigned n, struct textbuf *tb);
/* The per-stage latencies in Prometheus' text format. */
void pipeline_format_prometheus(struct pipeline *p, struct textbuf *tb);
/*
 * Stops the pipeline: queued requests are dropped (their fds closed), running
 * scans are waited for up to wait_ms. Returns -1 if a scan thread is still
 * stuck, in which case p is deliberately leaked.
 */
int pipeline_stop(struct pipeline *p, unsigned wait_ms);

#endif
