#include "daemon/flight.h"

#include <stdlib.h>
#include <string.h>

static size_t home_of(const struct flight_table *t, uint64_t dev, uint64_t ino, uid_t uid)
{
	uint64_t h = (ino ^ (dev << 32 | dev >> 32) ^ (uint64_t)uid * 0xc2b2ae3d27d4eb4full) *
		     0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 17) & t->mask;
}

int flight_init(struct flight_table *t, size_t entries)
{
	size_t n = 16;

	while (n < entries * 2)
		n *= 2;
	t->slots = calloc(n, sizeof(*t->slots));
	t->mask = n - 1;
	t->used = 0;
	return t->slots ? 0 : -1;
}

void flight_free(struct flight_table *t)
{
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

static struct flight_slot *lookup(const struct flight_table *t, uint64_t dev, uint64_t ino,
				  uid_t uid)
{
	for (size_t i = home_of(t, dev, ino, uid);; i = (i + 1) & t->mask) {
		struct flight_slot *s = &t->slots[i];

		if (!s->id)
			return NULL;
		if (s->dev == dev && s->ino == ino && s->uid == uid)
			return s;
	}
}

uint64_t flight_find(const struct flight_table *t, uint64_t dev, uint64_t ino, uid_t uid)
{
	struct flight_slot *s = lookup(t, dev, ino, uid);

	return s ? s->id : 0;
}

/* Backward-shift deletion keeps every probe chain unbroken without tombstones. */
static void delete_slot(struct flight_table *t, size_t hole)
{
	size_t i = hole;

	for (;;) {
		i = (i + 1) & t->mask;
		if (!t->slots[i].id)
			break;
		size_t home = home_of(t, t->slots[i].dev, t->slots[i].ino, t->slots[i].uid);
		/* move i into the hole unless its home lies cyclically in (hole, i] */
		if (((i - home) & t->mask) >= ((i - hole) & t->mask)) {
			t->slots[hole] = t->slots[i];
			hole = i;
		}
	}
	memset(&t->slots[hole], 0, sizeof(t->slots[hole]));
	t->used--;
}

static void purge_older(struct flight_table *t, uint64_t oldest_live)
{
	for (size_t i = 0; i <= t->mask;) {
		if (t->slots[i].id && t->slots[i].id < oldest_live)
			delete_slot(t, i); /* slot i now holds a shifted entry: look again */
		else
			i++;
	}
}

void flight_put(struct flight_table *t, uint64_t dev, uint64_t ino, uid_t uid, uint64_t id,
		uint64_t oldest_live)
{
	struct flight_slot *s = lookup(t, dev, ino, uid);
	size_t i;

	if (s) {
		s->id = id;
		return;
	}
	if ((t->used + 1) * 4 > (t->mask + 1) * 3)
		purge_older(t, oldest_live);
	if ((t->used + 1) * 4 > (t->mask + 1) * 3)
		return; /* only live entries: this event simply scans on its own */
	for (i = home_of(t, dev, ino, uid); t->slots[i].id; i = (i + 1) & t->mask)
		;
	t->slots[i] = (struct flight_slot){ .dev = dev, .ino = ino, .uid = uid, .id = id };
	t->used++;
}

void flight_remove(struct flight_table *t, uint64_t dev, uint64_t ino, uid_t uid, uint64_t id)
{
	struct flight_slot *s = lookup(t, dev, ino, uid);

	if (s && s->id == id)
		delete_slot(t, (size_t)(s - t->slots));
}
