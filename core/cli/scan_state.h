/*
 * The state of `fanguard scheduled-scan`: which files were last found clean,
 * under which signature set, so that the next run skips the ones unchanged
 * since (and an interrupted run goes on where it stopped).
 *
 * An entry is keyed by (device, inode) and holds the size, mtime and ctime
 * (nanoseconds) the file had before its clean scan: any write, truncation,
 * chmod, rename or `touch -d` moves the ctime, which no user can set back, and
 * a file put in another's place has another inode or ctime. Only clean
 * verdicts are kept; detections and errors are always scanned again. A
 * different signature set (its digest) empties the state: every file is due.
 *
 * The file is written whole, atomically (a temporary file in the same folder,
 * fsync, rename), 0600, and ends with a SHA-256 of its content; it is used
 * only when its owner is the caller (root) and nobody else may write it or
 * the folders above it. It is bounded: a run that walked everything drops the
 * entries of files it did not see, and at most SCAN_STATE_MAX_ENTRIES files
 * are remembered (the others are scanned every time).
 */
#ifndef FANGUARD_SCAN_STATE_H
#define FANGUARD_SCAN_STATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#define SCAN_STATE_MAX_ENTRIES 1000000u

struct scan_state_entry {
	uint64_t dev, ino;
	int64_t size, mtime_ns, ctime_ns;
	uint32_t seen;  /* the run that last saw the file unchanged, or scanned it clean */
	uint32_t clean; /* the run that scanned it clean */
};

struct scan_state {
	pthread_mutex_t lock;
	unsigned char sigset[32]; /* the signature set the entries were found clean under */
	uint32_t run;             /* this run's number */
	uint32_t full_since;      /* a full scan started in that run and is not done; 0: none */
	uint64_t last_total;      /* files the last complete run looked at; 0: unknown */
	struct scan_state_entry *slots; /* open addressing; ino 0 and dev 0 together: empty */
	size_t cap, count;
	bool dirty; /* something to save: entries added, changed or dropped, a pass begun or done */
};

/*
 * Loads path (a missing file is an empty state) for a run under sigset.
 * A file that cannot be trusted (not a regular file of ours, writable by
 * others) or is damaged is left unused and will be replaced: why is in note.
 * -1 with err only when the folder cannot be used at all (an untrusted folder:
 * the state could not be kept safely there either).
 */
int scan_state_load(struct scan_state *s, const char *path, const unsigned char sigset[32],
		    char *note, size_t notelen, char *err, size_t errlen);
/* Starts a full pass, unless one is already going on (an interrupted full scan goes on). */
void scan_state_begin_full(struct scan_state *s);
/* True when the file (st, as opened) was found clean unchanged, under this pass; marks it seen. */
bool scan_state_unchanged(struct scan_state *s, const struct stat *st);
/* The file, as it was before its scan (st), was found clean. */
void scan_state_record_clean(struct scan_state *s, const struct stat *st);
/* Forgets the file (a detection or an error: it is scanned again next time). */
void scan_state_forget(struct scan_state *s, const struct stat *st);
/*
 * The run walked everything and looked at total files: entries of files not
 * seen are dropped, a full pass is done.
 */
void scan_state_complete(struct scan_state *s, uint64_t total);
/*
 * Writes the state atomically, when it changed since it was loaded or last
 * saved (an unchanged tree costs no write); 0, or -1 with err.
 */
int scan_state_save(struct scan_state *s, const char *path, char *err, size_t errlen);
void scan_state_free(struct scan_state *s);

#endif
