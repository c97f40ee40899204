/*
 * The user-space verdict cache: what fanguard last decided about a file,
 * keyed on (device, inode) and trusted only while the file's size, mtime,
 * ctime and the signature generation are what they were when it was scanned.
 * Set-associative with LRU inside each set, so memory is fixed at start.
 * Single-threaded: only the monitor thread touches it. Pure logic.
 */
#ifndef FANGUARD_CACHE_H
#define FANGUARD_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "common/verdict.h"

struct cache_entry {
	uint64_t dev, ino;
	int64_t size, mtime_ns, ctime_ns;
	uint32_t generation;
	uint32_t last_used;
	bool used;
	enum decision decision;
	char *threats; /* for denies: what was found, for the log; NULL otherwise */
};

struct cache_stats {
	unsigned long long hits, misses, stale, stores, evictions;
};

struct verdict_cache {
	struct cache_entry *entries;
	uint32_t n_sets;
	uint32_t generation;
	uint32_t clock;
	unsigned size; /* entries in use */
	struct cache_stats stats;
	/*
	 * An empty file was scanned clean under empty_generation: no content, so
	 * every empty file gets the same votes (see empty_file.h).
	 */
	bool empty_clean;
	uint32_t empty_generation;
};

/* capacity 0 gives a cache that remembers nothing. Returns -1 when out of memory. */
int cache_init(struct verdict_cache *c, unsigned capacity);
void cache_free(struct verdict_cache *c);

/*
 * The remembered decision for the file st describes, if it is still valid.
 * *threats (optional) points into the cache until the next call that changes it.
 */
bool cache_lookup(struct verdict_cache *c, const struct stat *st, enum decision *decision,
		  const char **threats);
/* cache_lookup without its side effects (no statistics, no LRU, nothing cleared): `explain`. */
bool cache_peek(struct verdict_cache *c, const struct stat *st, enum decision *decision,
		char *threats, size_t size);
void cache_store(struct verdict_cache *c, const struct stat *st, enum decision decision,
		 const char *threats);
/* An empty file was scanned clean, every vote real and cacheable, under the current generation. */
void cache_store_empty_clean(struct verdict_cache *c);
/* True when that is known for the current generation (a reload voids it). */
bool cache_empty_is_clean(const struct verdict_cache *c);
/* The file was written: whatever was known about it is void. */
void cache_forget(struct verdict_cache *c, dev_t dev, ino_t ino);
/* New signatures: every entry made before is void. */
void cache_new_generation(struct verdict_cache *c);
/* True when a and b describe the same file in the same state (size, mtime, ctime). */
bool cache_same_state(const struct stat *a, const struct stat *b);

#endif
