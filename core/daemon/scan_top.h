/*
 * Which programs and which folders cost the most scan time since start
 * (`fanguard top`): two small tables of fixed size kept by the space-saving
 * algorithm (Metwally et al.), so a flood of distinct names cannot grow them.
 * A name not in a full table takes the place of the one with the least time
 * and inherits that time as its possible overcount (`error`): a name whose
 * time exceeds every error is certainly among the heaviest. Any thread.
 */
#ifndef FANGUARD_SCAN_TOP_H
#define FANGUARD_SCAN_TOP_H

#include <pthread.h>
#include <stdint.h>

struct textbuf;

#define SCAN_TOP_SLOTS 64
#define SCAN_TOP_NAME_MAX 256

struct scan_top_entry {
	uint64_t hash;
	uint64_t ns;       /* scan time counted for it, error included */
	uint64_t error_ns; /* how much of ns may belong to names it replaced */
	uint64_t scans;
	char name[SCAN_TOP_NAME_MAX];
};

struct scan_top_table {
	struct scan_top_entry e[SCAN_TOP_SLOTS];
	unsigned used;
};

struct scan_top {
	pthread_mutex_t lock;
	struct scan_top_table exe, folder;
};

void scan_top_init(struct scan_top *t);
void scan_top_free(struct scan_top *t);
/* One scan of path by exe took ns. */
void scan_top_add(struct scan_top *t, const char *exe, const char *path, uint64_t ns);
/* The n heaviest of each table, as lines of text. */
void scan_top_format(struct scan_top *t, unsigned n, struct textbuf *tb);

/* Exposed for tests: one name into one table. */
void scan_top_table_add(struct scan_top_table *tab, const char *name, uint64_t ns);

#endif
