/* What the monitor's files share: struct monitor, its counters, and the steps of the event path. */
#ifndef FANGUARD_MONITOR_INTERNAL_H
#define FANGUARD_MONITOR_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/histogram.h"
#include "daemon/cache.h"
#include "daemon/ignore_marks.h"
#include "daemon/inflight.h"
#include "daemon/monitor.h"
#include "daemon/ratelimit.h"

struct counters {
	unsigned long long events, allowed_inline, scanned, allowed, denied, timeouts, overloaded,
		too_large, overflows, close_write, dropped_close_write, cache_allow, cache_deny,
		joined;
	/* part of allowed_inline: watch.exclude*, and our own processes */
	unsigned long long excluded_path, excluded_exe, excluded_uid, own;
};

struct monitor {
	struct config *cfg;    /* the exclusions change on reload: see exclusions.h */
	pthread_mutex_t excl_lock;
	struct pipeline *pipeline;
	int fan_fd;
	int reload_fd;            /* eventfd: another thread asks for a reload of the exclusions */
	pid_t self;
	unsigned marks;
	struct inflight_ring inflight;
	struct counters n;
	struct ratelimit rl_overload, rl_large, rl_overflow;
	unsigned char *buf;
	/* the allow-cache: remembered verdicts, and kernel ignore marks for clean files */
	bool caching;
	uint64_t perm_mask;       /* the permission events we asked for */
	struct ignore_marks ignore;
	struct verdict_cache cache;
	struct histogram answer_latency; /* arrival to answer, for events that waited on a scan */
	unsigned generation;      /* the pipeline's, when the cache was last valid */
};

#endif
