/*
 * The scan-ahead walker: a thread of the daemon that opens files nobody has
 * opened yet so that the monitor can have them scanned in the background —
 * the other regular files of a folder a cold open came from, and after a
 * reload the files verdicted before it. It is a thread of its own because
 * its opens raise fanotify events, which only the monitor's thread answers.
 *
 * Files are reached without following any symlink: the folder by openat2()
 * with RESOLVE_NO_SYMLINKS, each entry by an O_PATH|O_NOFOLLOW open that
 * cannot start a device or block on a FIFO, checked to be a regular file,
 * and only then opened for reading through that very descriptor
 * (/proc/self/fd), O_NONBLOCK. Bounded everywhere: folders waiting, files
 * per folder (the first ones readdir gives), candidates waiting for the
 * monitor (the walker waits when they are full).
 */
#ifndef FANGUARD_SCAN_AHEAD_H
#define FANGUARD_SCAN_AHEAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "daemon/pipeline.h"

/* A file opened for a background scan, handed to the monitor. */
struct ahead_candidate {
	int fd; /* read-only: the scan's, and the monitor's for the ignore mark */
	struct stat st;
	enum scan_background why; /* SCAN_AHEAD or SCAN_RESCAN */
	char *path;               /* malloc'd: the caller frees it */
};

/* A file to scan again after a reload: where it was and which inode it was. */
struct rescan_file {
	uint64_t dev, ino;
	char *path; /* malloc'd */
};

struct scan_ahead;

/* per_folder: files looked at per folder at most. NULL with the reason in err. */
struct scan_ahead *scan_ahead_start(unsigned per_folder, char *err, size_t errlen);
/* Stops the thread (after the fanotify group is closed: its opens may wait on it). */
void scan_ahead_stop(struct scan_ahead *sa);
/*
 * Walks the folder of `opened` (a file's canonical path, as the filter read it)
 * soon, from the end farther from that file, unless the folder was walked
 * since the last reload or the queue is full. Never blocks.
 */
bool scan_ahead_folder(struct scan_ahead *sa, const char *opened);
/* Opens these again, in this order, after the folders waiting; takes files and their paths. */
void scan_ahead_rescan(struct scan_ahead *sa, struct rescan_file *files, size_t n);
/* New signatures: every folder may be walked again; re-scans still queued are dropped. */
void scan_ahead_forget(struct scan_ahead *sa);
/* Readable (an eventfd) when candidates wait. */
int scan_ahead_fd(const struct scan_ahead *sa);
/* The oldest candidate waiting; false when there is none. */
bool scan_ahead_take(struct scan_ahead *sa, struct ahead_candidate *out);
/* Counters: folders walked, files opened, entries skipped (not regular, symlinks, gone). */
void scan_ahead_counts(struct scan_ahead *sa, unsigned long long *folders,
		       unsigned long long *opened, unsigned long long *skipped);

#endif
