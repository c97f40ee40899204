/* What the monitor's files share: struct monitor, its counters, and the steps of the event path. */
#ifndef FANGUARD_MONITOR_INTERNAL_H
#define FANGUARD_MONITOR_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "common/histogram.h"
#include "daemon/background.h"
#include "daemon/cache.h"
#include "daemon/deny_repeats.h"
#include "daemon/ignore_marks.h"
#include "daemon/inflight.h"
#include "daemon/marks.h"
#include "daemon/monitor.h"
#include "daemon/ratelimit.h"
#include "daemon/uid_share.h"

struct counters {
	unsigned long long events, allowed_inline, scanned, allowed, denied, timeouts, overloaded,
		too_large, overflows, close_write, dropped_close_write, cache_allow, cache_deny,
		joined;
	unsigned long long
		unnamed; /* events whose file name could not be read or attributed: scanned all the same */
	unsigned long long
		foreign; /* events through a mount of another namespace: scanned, no path rule */
	unsigned long long
		exe_not_excluded; /* an excluded program not trusted (exe_trust.h): scanned */
	unsigned long long user_fuse_denied; /* on a user's own FUSE mount (watch.user_fuse) */
	/* overload: events beyond their user's share, or beyond max_inflight (on_overload) */
	unsigned long long over_share;
	/* verdicts after the deadline answered: detections among them, openers killed */
	unsigned long long late_verdicts, late_detections, late_kills;
	/*
	 * report mode: events answered allow at once while their scan went on
	 * (part of scanned), and denies answered allow instead (scans, cache,
	 * too large, overload)
	 */
	unsigned long long report_scans, would_deny;
	/* part of allowed_inline: watch.exclude*, and our own processes */
	unsigned long long excluded_path, excluded_exe, excluded_uid, own;
	/* part of allowed_inline: opens of empty files while empty files are known clean */
	unsigned long long empty_clean;
};

#define MONITOR_WRITTEN_SLOTS 4096 /* inodes whose last write is told apart */

struct monitor {
	struct config *cfg; /* the exclusions change on reload: see exclusions.h */
	pthread_mutex_t excl_lock;
	struct pipeline *pipeline;
	int fan_fd;
	/*
	 * Pipeline threads answer under its read lock; monitor_close takes it to
	 * write, so no thread writes to a closed (or reused) fan_fd.
	 */
	pthread_rwlock_t answer_lock;
	bool closed;
	int reload_fd; /* eventfd: another thread asks for a reload of the exclusions */
	pid_t self;
	struct marks marks; /* what the kernel watches, which mounts are ours */
	struct inflight_ring inflight;
	struct counters n;
	struct ratelimit rl_overload, rl_share, rl_large, rl_overflow, rl_untrusted_exe;
	struct uid_share share; /* what each user holds of max_inflight */
	unsigned char *buf;
	/* the allow-cache: remembered verdicts, and kernel ignore marks for clean files */
	bool caching;
	uint64_t perm_mask; /* the permission events we asked for */
	uint64_t mask;      /* every event the mounts are marked for (monitor_watch) */
	struct ignore_marks ignore;
	struct verdict_cache cache;
	struct deny_repeats deny_repeats; /* repeated denies from the cache, summed up */
	struct histogram answer_latency;  /* arrival to answer, for events that waited on a scan */
	/*
	 * `fanguard explain` asks what the cache remembers of a file: the cache
	 * is the monitor thread's alone, so another thread leaves the question
	 * here, wakes the loop with query_fd and waits for the answer.
	 */
	int query_fd;
	pthread_mutex_t query_lock;
	pthread_cond_t query_answered;
	struct cache_query {
		bool pending, answered, hit;
		struct stat st;
		enum decision decision;
		char threats[256];
	} query;
	unsigned generation;  /* the pipeline's, when the cache was last valid */
	struct background bg; /* close_write verdicts kept, scan-ahead, re-scans after a reload */
	/*
	 * The close_write events seen, by inode: a write through a shared mapping
	 * changes no timestamp, so only this tells that a file was written while
	 * its scan ran. Hashed; a collision only costs a verdict not kept.
	 */
	_Atomic uint64_t written_seq;
	_Atomic uint64_t written_at[MONITOR_WRITTEN_SLOTS];
	/* when the loop started its current round (0: waiting in poll), for the FUSE guard */
	_Atomic uint64_t busy_since;
	struct fuse_guard *fuse_guard;
};

struct fanotify_event_metadata;

/*
 * Writes (close_write events) and the scans they overtake (monitor_dispatch.c).
 * A scan notes monitor_written_seq when it starts; its clean verdict is kept
 * (cached, ignore-marked) only if monitor_written_since is false then. The
 * worker that places a mark checks after placing it, the monitor notes a
 * write before removing marks: one of the two sees the other.
 */
uint64_t monitor_written_seq(struct monitor *m);
void monitor_note_written(struct monitor *m, const struct stat *st);
bool monitor_written_since(struct monitor *m, const struct stat *st, uint64_t seq);

/* monitor_dispatch.c: one event read from the kernel, filtered, counted, answered or submitted. */
void monitor_dispatch(struct monitor *m, const struct fanotify_event_metadata *ev,
		      struct scan_request *req);

/* explain.c: the question waiting in m->query, answered on the monitor's thread. */
void monitor_answer_cache_query(struct monitor *m);

/* monitor_answer.c */
/* Answers ev if it is a permission event, and closes its fd. */
void monitor_answer_now(struct monitor *m, const struct fanotify_event_metadata *ev,
			enum decision decision);
/*
 * A report-mode event leading a scan: answered allow now; its fd stays open
 * for the ignore mark until the scan completes or its deadline passes.
 */
void monitor_answer_report_lead(struct monitor *m, struct inflight *e);
/* The pipeline's answerer (pipeline_answer_fn): on pipeline threads. */
bool monitor_answer_from_worker(void *ctx, uint64_t id, enum decision decision, bool cacheable);
/* The completions waiting: each scan's events answered with its verdict. */
void monitor_take_completions(struct monitor *m);
/* The timer fired: on_timeout answers what is past its deadline. */
void monitor_expire_deadlines(struct monitor *m);

#endif
