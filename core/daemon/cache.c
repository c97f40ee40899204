#include "daemon/cache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_WAYS 4

static int64_t ns_of(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

static uint32_t set_of(const struct verdict_cache *c, uint64_t dev, uint64_t ino)
{
	uint64_t h = ino * 0x9e3779b97f4a7c15ull ^ (dev + 0x632be59bd9b4e019ull);

	h ^= h >> 29;
	return (uint32_t)(h % c->n_sets);
}

int cache_init(struct verdict_cache *c, unsigned capacity)
{
	memset(c, 0, sizeof(*c));
	if (capacity == 0)
		return 0;
	c->n_sets = (capacity + CACHE_WAYS - 1) / CACHE_WAYS;
	c->entries = calloc((size_t)c->n_sets * CACHE_WAYS, sizeof(*c->entries));
	return c->entries ? 0 : -1;
}

static void clear_entry(struct verdict_cache *c, struct cache_entry *e)
{
	if (!e->used)
		return;
	free(e->threats);
	memset(e, 0, sizeof(*e));
	c->size--;
}

void cache_free(struct verdict_cache *c)
{
	for (size_t i = 0; i < (size_t)c->n_sets * CACHE_WAYS; i++)
		free(c->entries[i].threats);
	free(c->entries);
	memset(c, 0, sizeof(*c));
}

static struct cache_entry *find(struct verdict_cache *c, uint64_t dev, uint64_t ino)
{
	struct cache_entry *set;

	if (!c->n_sets)
		return NULL;
	set = &c->entries[(size_t)set_of(c, dev, ino) * CACHE_WAYS];
	for (int i = 0; i < CACHE_WAYS; i++)
		if (set[i].used && set[i].dev == dev && set[i].ino == ino)
			return &set[i];
	return NULL;
}

bool cache_same_state(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       ns_of(&a->st_mtim) == ns_of(&b->st_mtim) && ns_of(&a->st_ctim) == ns_of(&b->st_ctim);
}

bool cache_lookup(struct verdict_cache *c, const struct stat *st, enum decision *decision,
		  const char **threats)
{
	struct cache_entry *e = find(c, st->st_dev, st->st_ino);

	if (!e) {
		c->stats.misses++;
		return false;
	}
	if (e->generation != c->generation || e->size != st->st_size ||
	    e->mtime_ns != ns_of(&st->st_mtim) || e->ctime_ns != ns_of(&st->st_ctim)) {
		clear_entry(c, e);
		c->stats.stale++;
		c->stats.misses++;
		return false;
	}
	e->last_used = ++c->clock;
	c->stats.hits++;
	*decision = e->decision;
	if (threats)
		*threats = e->threats ? e->threats : "";
	return true;
}

bool cache_peek(struct verdict_cache *c, const struct stat *st, enum decision *decision,
		char *threats, size_t size)
{
	const struct cache_entry *e = find(c, st->st_dev, st->st_ino);

	if (!e || e->generation != c->generation || e->size != st->st_size ||
	    e->mtime_ns != ns_of(&st->st_mtim) || e->ctime_ns != ns_of(&st->st_ctim))
		return false;
	*decision = e->decision;
	snprintf(threats, size, "%s", e->threats ? e->threats : "");
	return true;
}

void cache_store(struct verdict_cache *c, const struct stat *st, enum decision decision,
		 const char *threats)
{
	struct cache_entry *set, *e;

	if (!c->n_sets)
		return;
	e = find(c, st->st_dev, st->st_ino);
	if (!e) {
		set = &c->entries[(size_t)set_of(c, st->st_dev, st->st_ino) * CACHE_WAYS];
		e = &set[0];
		for (int i = 0; i < CACHE_WAYS && e->used; i++)
			if (!set[i].used || set[i].last_used < e->last_used)
				e = &set[i];
		if (e->used)
			c->stats.evictions++;
	}
	clear_entry(c, e);
	e->used = true;
	c->size++;
	e->dev = st->st_dev;
	e->ino = st->st_ino;
	e->size = st->st_size;
	e->mtime_ns = ns_of(&st->st_mtim);
	e->ctime_ns = ns_of(&st->st_ctim);
	e->generation = c->generation;
	e->last_used = ++c->clock;
	e->decision = decision;
	e->threats = threats && threats[0] ? strdup(threats) : NULL;
	c->stats.stores++;
}

void cache_store_empty_clean(struct verdict_cache *c)
{
	if (!c->n_sets)
		return;
	c->empty_clean = true;
	c->empty_generation = c->generation;
}

bool cache_empty_is_clean(const struct verdict_cache *c)
{
	return c->empty_clean && c->empty_generation == c->generation;
}

void cache_forget(struct verdict_cache *c, dev_t dev, ino_t ino)
{
	struct cache_entry *e = find(c, dev, ino);

	if (e)
		clear_entry(c, e);
}

void cache_new_generation(struct verdict_cache *c)
{
	c->generation++;
}
