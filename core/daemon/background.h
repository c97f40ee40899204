/*
 * Scans nobody waits for whose verdicts the monitor keeps, so that the opens
 * that follow cost nothing: a file just written (close_write), the other
 * files of a folder a cold open came from (scan-ahead), and after a reload
 * the files verdicted before it (re-scan, newest first). The monitor's
 * thread alone touches this; the walker thread (scan_ahead.h) opens files.
 *
 * A background verdict is kept exactly like an open's: keyed on (dev, ino,
 * size, mtime, ctime, signature generation), a clean one ignore-marked
 * through ignore_marks_add_if_unchanged. One rule more: a clean verdict is
 * kept only if nobody holds the file open for writing at that moment
 * (another descriptor, or a shared writable mapping, whose writes clear no
 * ignore mark). The check is a read lease (F_SETLEASE F_RDLCK), which the
 * kernel refuses while the inode is open for writing, held while the mark
 * is placed so that no writer can appear in between.
 */
#ifndef FANGUARD_BACKGROUND_H
#define FANGUARD_BACKGROUND_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "daemon/pipeline.h"
#include "daemon/scan_ahead.h"

struct background_slot {
	uint64_t id; /* 0: free */
	int fd;      /* ours, read-only: for the lease and the ignore mark */
	struct stat st;
	unsigned generation;
	enum scan_background why; /* SCAN_FOREGROUND: a close_write */
};

/* Per kind (close_write, scan-ahead, re-scan): what became of background scans. */
struct background_counts {
	unsigned long long scanned, kept_clean, kept_detected;
};

struct background {
	struct background_slot *slots;
	unsigned cap;
	uint64_t next_id;
	unsigned running; /* scan-ahead and re-scans in the pipeline: at most one */
	bool ahead;       /* scan.scan_ahead */
	struct scan_ahead *walker;
	struct rescan_file *recent; /* ring of files verdicted, for re-scans after a reload */
	unsigned recent_cap, recent_next, recent_count;
	struct background_counts kind[3];  /* by enum scan_background */
	unsigned long long open_for_write; /* clean verdicts not kept: a writer held the file */
	unsigned long long no_lease;       /* ... not kept: the filesystem has no leases */
	unsigned long long already_known;  /* candidates verdicted already: not scanned */
	unsigned long long filtered; /* candidates no event would have scanned (excluded, ...) */
	unsigned long long dropped;  /* no slot, or the pipeline full */
	unsigned long long rescans_queued;
};

struct fanotify_event_metadata;
struct monitor;
struct scan_completion;
struct textbuf;

/* Slots for close_write scans; the walker and the re-scan list when the config asks. */
int background_init(struct monitor *m, char *err, size_t errlen);
/* After monitor_close: the walker's opens may wait on the fanotify group. */
void background_free(struct monitor *m);
/* The walker's eventfd, -1 without one. */
int background_fd(const struct monitor *m);
/* A close_write to scan: kept with a descriptor of ours when a slot is free. */
void background_close_write(struct monitor *m, const struct fanotify_event_metadata *ev,
			    struct scan_request *req);
/* A permission event of a named, watched file goes to a scan (cold): its folder may go ahead. */
void background_cold_open(struct monitor *m, const struct scan_request *req);
/* True if id is a background scan's; then its completion is settled here. */
bool background_completed(struct monitor *m, const struct scan_completion *done);
/*
 * Submits candidates while the pipeline may take a background scan; woken:
 * the walker's eventfd was readable (read here).
 */
void background_pump(struct monitor *m, bool woken);
/* True when a background scan ended and the next candidate may go. */
static inline bool background_idle(const struct background *bg)
{
	return bg->walker && bg->running == 0;
}
/* New signatures took over: the files verdicted lately are scanned again, newest first. */
void background_reload(struct monitor *m);
void background_format_stats(struct monitor *m, struct textbuf *tb);
void background_format_prometheus(struct monitor *m, struct textbuf *tb);

#endif
