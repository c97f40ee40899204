/*
 * The one-line progress display of `fanguard scan` on a terminal: files, files/s,
 * MB/s and the file being scanned, redrawn at most ten times a second on stderr.
 * Callers serialize calls (the report lock).
 */
#ifndef FANGUARD_SCAN_PROGRESS_H
#define FANGUARD_SCAN_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct scan_progress {
	bool on;
	bool drawn; /* a line is on the screen */
	uint64_t start_ns, last_ns;
};

/* On only when stderr is a terminal and wanted. */
void scan_progress_init(struct scan_progress *p, bool wanted);
void scan_progress_update(struct scan_progress *p, unsigned long long files,
			  unsigned long long bytes, const char *path);
/* Removes the line, before other output is written or at the end. */
void scan_progress_clear(struct scan_progress *p);

#endif
