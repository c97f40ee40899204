/*
 * The daemon's quarantine thread, for quarantine { on_close_write =
 * "quarantine" }: a file found malicious after close_write is handed over by
 * the pipeline thread that decided it, and moved into the quarantine here, one
 * file at a time, off the paths of the fanotify reader and the scanners. It
 * runs inside fanguardd (root; never in a sandboxed scanner). Its own opens
 * and writes reach fanotify as events of fanguardd's pid, which the monitor
 * answers at once, so it cannot wait on itself.
 */
#ifndef FANGUARD_QUARANTINE_WORKER_H
#define FANGUARD_QUARANTINE_WORKER_H

#include <stdbool.h>
#include <stddef.h>

#include "common/eventlog.h"
#include "daemon/pipeline.h"

struct quarantine_worker;

/* Opens (creates, checks) the quarantine folder and starts the thread; NULL with err. */
struct quarantine_worker *quarantine_worker_start(const char *dir, char *err, size_t errlen);
/*
 * A pipeline_detection_fn: queues the file (or, when the queue is full, logs
 * that it stays in place) and writes its event once the move is done.
 */
bool quarantine_worker_take(void *ctx, const struct scan_request *req,
			    const struct scan_outcome *out, const struct event_record *r);
/* Moves whatever is still queued, then stops the thread and frees w. */
void quarantine_worker_stop(struct quarantine_worker *w);

#endif
