/*
 * The one-line progress display of `fanguard scan` on a terminal: files (of the
 * total, with the share done and an ETA once a counting walk has the total),
 * files/s, MB/s and the file being scanned, redrawn at most ten times a second
 * on stderr.
 * Callers serialize calls (the report lock).
 */
#ifndef FANGUARD_SCAN_PROGRESS_H
#define FANGUARD_SCAN_PROGRESS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct scan_progress {
	bool on;
	bool drawn; /* a line is on the screen */
	uint64_t start_ns, last_ns;
	/* what a counting walk beside the scan found: the total, once it is done */
	atomic_ullong total_files, total_bytes;
	atomic_bool total_known;
};

/* On only when stderr is a terminal and wanted. */
void scan_progress_init(struct scan_progress *p, bool wanted);
void scan_progress_update(struct scan_progress *p, unsigned long long files,
			  unsigned long long bytes, const char *path);
/* The counting walk found one more file of size bytes; done: it has finished. */
void scan_progress_count(struct scan_progress *p, unsigned long long bytes);
void scan_progress_counted(struct scan_progress *p);
/* Removes the line, before other output is written or at the end. */
void scan_progress_clear(struct scan_progress *p);

#endif
