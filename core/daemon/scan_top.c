#include "daemon/scan_top.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/textbuf.h"

void scan_top_init(struct scan_top *t)
{
	memset(t, 0, sizeof(*t));
	pthread_mutex_init(&t->lock, NULL);
}

void scan_top_free(struct scan_top *t)
{
	pthread_mutex_destroy(&t->lock);
}

/* FNV-1a: a cheap first compare before the names'. */
static uint64_t name_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

void scan_top_table_add(struct scan_top_table *tab, const char *name, uint64_t ns)
{
	char cut[SCAN_TOP_NAME_MAX];
	struct scan_top_entry *least = NULL;
	uint64_t h;

	snprintf(cut, sizeof(cut), "%s", name);
	h = name_hash(cut);
	for (unsigned i = 0; i < tab->used; i++) {
		struct scan_top_entry *e = &tab->e[i];

		if (e->hash == h && strcmp(e->name, cut) == 0) {
			e->ns += ns;
			e->scans++;
			return;
		}
		if (!least || e->ns < least->ns)
			least = e;
	}
	if (tab->used < SCAN_TOP_SLOTS) {
		least = &tab->e[tab->used++];
		*least = (struct scan_top_entry){ 0 };
	} else {
		/* space-saving: the newcomer inherits the evicted name's time as its error */
		least->error_ns = least->ns;
		least->scans = 0;
	}
	least->hash = h;
	least->ns += ns;
	least->scans++;
	memcpy(least->name, cut, sizeof(cut));
}

/* The folder of path: what is before its last '/'; "/" for a file at the root. */
static void folder_of(const char *path, char *out, size_t size)
{
	const char *slash = strrchr(path, '/');

	if (!slash || slash == path)
		snprintf(out, size, "/");
	else
		snprintf(out, size, "%.*s", (int)(slash - path), path);
}

void scan_top_add(struct scan_top *t, const char *exe, const char *path, uint64_t ns)
{
	char folder[SCAN_TOP_NAME_MAX];

	folder_of(path, folder, sizeof(folder));
	pthread_mutex_lock(&t->lock);
	scan_top_table_add(&t->exe, exe, ns);
	scan_top_table_add(&t->folder, folder, ns);
	pthread_mutex_unlock(&t->lock);
}

static int heavier_first(const void *a, const void *b)
{
	const struct scan_top_entry *x = a, *y = b;

	return x->ns < y->ns ? 1 : x->ns > y->ns ? -1 : 0;
}

static void format_table(const struct scan_top_table *tab, const char *label, unsigned n,
			 struct textbuf *tb)
{
	static struct scan_top_entry sorted[SCAN_TOP_SLOTS]; /* under the lock */

	memcpy(sorted, tab->e, tab->used * sizeof(sorted[0]));
	qsort(sorted, tab->used, sizeof(sorted[0]), heavier_first);
	textbuf_printf(tb, "%s by scan time (seconds, scans, at most this much overcounted):\n",
		       label);
	for (unsigned i = 0; i < tab->used && i < n; i++)
		textbuf_printf(tb, "  %10.3f %8llu %10.3f  %s\n", (double)sorted[i].ns / 1e9,
			       (unsigned long long)sorted[i].scans,
			       (double)sorted[i].error_ns / 1e9, sorted[i].name);
	if (!tab->used)
		textbuf_printf(tb, "  (no scans yet)\n");
}

void scan_top_format(struct scan_top *t, unsigned n, struct textbuf *tb)
{
	pthread_mutex_lock(&t->lock);
	format_table(&t->exe, "programs", n, tb);
	format_table(&t->folder, "folders", n, tb);
	pthread_mutex_unlock(&t->lock);
}
