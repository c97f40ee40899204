/* What the two pipeline implementations share: completions, early answers, logs, statistics. */
#ifndef FANGUARD_PIPELINE_INTERNAL_H
#define FANGUARD_PIPELINE_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "common/histogram.h"
#include "daemon/pipeline.h"
#include "daemon/scan_top.h"

struct pipeline_ops {
	int (*submit)(struct pipeline *p, const struct scan_request *req);
	void (*format_stats)(struct pipeline *p, struct textbuf *tb);
	void (*reload)(struct pipeline *p); /* NULL: not supported */
	int (*stop)(struct pipeline *p, unsigned wait_ms);
	/* NULL: nothing of the implementation's own to show or to lose */
	void (*format_prometheus)(struct pipeline *p, struct textbuf *tb);
	void (*health)(struct pipeline *p, struct health_report *r);
	uint64_t (*signature_count)(struct pipeline *p, size_t i);
};

/* Scanner processes alive at once at most: one per group, its reload candidate and a retiring one. */
#define PIPELINE_MAX_HELPERS (3 * PLUGINS_MAX)

struct stage_stats {
	struct histogram queue_wait, read, sha256, scan;
	struct histogram plugin[PLUGINS_MAX];
	/* files a plugin was not given (over its max_file_size), and files every plugin skipped */
	_Atomic unsigned long long skipped[PLUGINS_MAX], too_large;
	/* scans decided at the deadline without some scanner's votes (they counted as errors) */
	_Atomic unsigned long long overdue;
};

/* The first member of each implementation's struct. */
struct pipeline {
	const struct pipeline_ops *ops;
	const struct engine *engine;
	unsigned cap; /* requests outstanding + completions unread, at most */
	pthread_mutex_t done_lock;
	struct scan_completion *done; /* ring of cap completions */
	unsigned done_head, done_count;
	unsigned outstanding; /* submitted, not yet completed */
	int efd;
	struct pipeline_hooks hooks;
	struct stage_stats stats;
	struct scan_top top;         /* the programs and folders that cost the most scan time */
	_Atomic unsigned generation; /* bumped when new signatures take over */
	/* the scanner processes' pids by pool slot (0: none), read by the monitor for every event */
	_Atomic pid_t helper_pid[PIPELINE_MAX_HELPERS];
	_Atomic unsigned n_helper_slots; /* slots ever used: the monitor looks no further */
	pthread_mutex_t reload_lock;     /* reload, written by whoever ends a reload */
	struct reload_state reload;
};

/* A reload ended: new signatures took over, or (why != NULL) the old ones stay. */
void pipeline_reload_ended(struct pipeline *p, const char *why);

int pipeline_base_init(struct pipeline *p, const struct pipeline_ops *ops, const struct engine *e,
		       unsigned cap, const struct pipeline_hooks *hooks, char *err, size_t errlen);
void pipeline_base_free(struct pipeline *p);
/* Reserves room for one more request; false when the pipeline is full. */
bool pipeline_reserve(struct pipeline *p);
/* Gives back a reservation whose request was never queued. */
void pipeline_unreserve(struct pipeline *p);
/* Publishes (pid > 0) or withdraws (0) the pid of the scanner process in pool slot slot. */
void pipeline_set_helper_pid(struct pipeline *p, size_t slot, pid_t pid);
/*
 * A scan of req ended with out's votes: decides (engine_decide), answers the
 * kernel through the answerer, logs detections and errors, records the stage
 * times and queues the completion for the reader (if anyone waits for it).
 */
void pipeline_finish(struct pipeline *p, const struct scan_request *req, struct scan_outcome *out,
		     uint64_t scan_ns);
/*
 * Votes that came after req was finished (decided at its deadline with
 * those votes counted as errors) found what the first outcome missed: out
 * holds every vote now. A detection is logged as late and its verdict goes
 * to the monitor to be remembered; anything else changes nothing.
 */
void pipeline_finish_followup(struct pipeline *p, const struct scan_request *req,
			      struct scan_outcome *out);

#endif
