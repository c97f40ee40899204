/*
 * The single-flight table (core/daemon/flight.c): which event is scanning an
 * inode. The monitor gives ids from 1 up (0 means none), passes its ring head
 * as oldest_live, and removes an entry only with the id that put it.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "daemon/flight.h"

/* The slot (dev, ino) lands in when it is alone in a table of `slots` slots: its home. */
static size_t home(size_t slots, uint64_t dev, uint64_t ino)
{
	struct flight_table t;
	size_t at = SIZE_MAX;

	if (flight_init(&t, slots / 2) != 0 || t.mask + 1 != slots)
		abort();
	flight_put(&t, dev, ino, 0, 1, 1);
	for (size_t i = 0; i <= t.mask; i++)
		if (t.slots[i].id)
			at = i;
	flight_free(&t);
	return at;
}

/* An inode on device 1, from `from` up, whose home in a 16-slot table is `want`. */
static uint64_t ino_with_home(size_t want, uint64_t from)
{
	for (uint64_t ino = from;; ino++)
		if (home(16, 1, ino) == want)
			return ino;
}

static size_t slot_of(const struct flight_table *t, uint64_t dev, uint64_t ino)
{
	for (size_t i = 0; i <= t->mask; i++)
		if (t->slots[i].id && t->slots[i].dev == dev && t->slots[i].ino == ino)
			return i;
	return SIZE_MAX;
}

static void test_put_find_remove(void)
{
	struct flight_table t;

	CHECK(flight_init(&t, 8) == 0);
	CHECK(flight_find(&t, 1, 2, 0) == 0); /* 0: nobody is scanning it */
	flight_put(&t, 1, 2, 0, 100, 1);
	flight_put(&t, 1, 3, 0, 101, 1);
	CHECK(flight_find(&t, 1, 2, 0) == 100 && flight_find(&t, 1, 3, 0) == 101);
	CHECK(t.used == 2);
	flight_remove(&t, 1, 2, 0, 100);
	CHECK(flight_find(&t, 1, 2, 0) == 0 && flight_find(&t, 1, 3, 0) == 101);
	CHECK(t.used == 1);
	flight_remove(&t, 1, 2, 0, 100); /* already gone: nothing happens */
	flight_remove(&t, 5, 5, 0, 7);   /* never there */
	CHECK(t.used == 1 && flight_find(&t, 1, 3, 0) == 101);
	flight_free(&t);
	CHECK(t.slots == NULL && t.used == 0);
}

/* Both halves of the key count: neither dev nor ino alone finds an entry. */
static void test_key_is_dev_and_ino(void)
{
	struct flight_table t;

	CHECK(flight_init(&t, 8) == 0);
	flight_put(&t, 1, 2, 0, 10, 1);
	CHECK(flight_find(&t, 2, 1, 0) == 0);
	CHECK(flight_find(&t, 1, 1, 0) == 0);
	CHECK(flight_find(&t, 2, 2, 0) == 0);
	/* dev and ino swapped halves: mixed into one hash, still two keys */
	flight_put(&t, 1, 0, 0, 20, 1);
	flight_put(&t, 0, 1ull << 32, 0, 30, 1);
	CHECK(flight_find(&t, 1, 0, 0) == 20 && flight_find(&t, 0, 1ull << 32, 0) == 30);
	CHECK(flight_find(&t, 1, 2, 0) == 10);
	flight_free(&t);
}

/* A new event leading a scan of the same inode takes the entry over. */
static void test_put_again_replaces_the_id(void)
{
	struct flight_table t;

	CHECK(flight_init(&t, 8) == 0);
	flight_put(&t, 1, 2, 0, 100, 1);
	flight_put(&t, 1, 2, 0, 105, 1);
	CHECK(flight_find(&t, 1, 2, 0) == 105);
	CHECK(t.used == 1);
	/* the completion of the older scan must not forget the newer one */
	flight_remove(&t, 1, 2, 0, 100);
	CHECK(flight_find(&t, 1, 2, 0) == 105);
	flight_remove(&t, 1, 2, 0, 0); /* 0 is no event's id */
	CHECK(flight_find(&t, 1, 2, 0) == 105);
	flight_remove(&t, 1, 2, 0, 105);
	CHECK(flight_find(&t, 1, 2, 0) == 0 && t.used == 0);
	flight_free(&t);
}

/*
 * Keys that share a home slot probe on from it; removing one shifts the rest
 * back without losing any, and never moves an entry before its own home.
 */
static void test_collisions(void)
{
	struct flight_table t;
	size_t h = 5;
	uint64_t a = ino_with_home(h, 0), b = ino_with_home(h, a + 1), c = ino_with_home(h, b + 1);
	uint64_t d = ino_with_home(h + 1, 0), e = ino_with_home(h + 4, 0);

	CHECK(flight_init(&t, 8) == 0 && t.mask == 15);
	flight_put(&t, 1, e, 0, 50, 1); /* at its home, h + 4 */
	flight_put(&t, 1, a, 0, 10, 1);
	flight_put(&t, 1, b, 0, 20, 1);
	flight_put(&t, 1, c, 0, 30, 1);
	flight_put(&t, 1, d, 0, 40, 1); /* home h + 1 is taken: lands at h + 3 */
	CHECK(slot_of(&t, 1, a) == h && slot_of(&t, 1, b) == h + 1 && slot_of(&t, 1, c) == h + 2);
	CHECK(slot_of(&t, 1, d) == h + 3 && slot_of(&t, 1, e) == h + 4);
	CHECK(flight_find(&t, 1, a, 0) == 10 && flight_find(&t, 1, b, 0) == 20 &&
	      flight_find(&t, 1, c, 0) == 30 && flight_find(&t, 1, d, 0) == 40 &&
	      flight_find(&t, 1, e, 0) == 50);

	flight_remove(&t, 1, a, 0, 10); /* the head of the chain */
	CHECK(flight_find(&t, 1, a, 0) == 0);
	CHECK(flight_find(&t, 1, b, 0) == 20 && flight_find(&t, 1, c, 0) == 30 &&
	      flight_find(&t, 1, d, 0) == 40 && flight_find(&t, 1, e, 0) == 50);
	CHECK(slot_of(&t, 1, b) == h && slot_of(&t, 1, c) == h + 1 && slot_of(&t, 1, d) == h + 2);
	CHECK(slot_of(&t, 1, e) == h + 4); /* not before its home */
	CHECK(t.slots[h + 3].id == 0 && t.used == 4);

	flight_remove(&t, 1, c, 0, 30); /* the middle */
	CHECK(flight_find(&t, 1, b, 0) == 20 && flight_find(&t, 1, d, 0) == 40 &&
	      flight_find(&t, 1, e, 0) == 50);
	CHECK(slot_of(&t, 1, d) == h + 1); /* its home now */
	flight_free(&t);
}

/* A chain that runs off the last slot goes on at slot 0, and shifts back across it. */
static void test_collisions_wrap_around(void)
{
	struct flight_table t;
	uint64_t a = ino_with_home(15, 0), b = ino_with_home(15, a + 1),
		 c = ino_with_home(15, b + 1);
	uint64_t z = ino_with_home(0, 0);

	CHECK(flight_init(&t, 8) == 0 && t.mask == 15);
	flight_put(&t, 1, a, 0, 1, 1);
	flight_put(&t, 1, b, 0, 2, 1);
	flight_put(&t, 1, c, 0, 3, 1);
	flight_put(&t, 1, z, 0, 4, 1);
	CHECK(slot_of(&t, 1, a) == 15 && slot_of(&t, 1, b) == 0 && slot_of(&t, 1, c) == 1);
	CHECK(slot_of(&t, 1, z) == 2);
	flight_remove(&t, 1, a, 0, 1);
	CHECK(slot_of(&t, 1, b) == 15 && slot_of(&t, 1, c) == 0 && slot_of(&t, 1, z) == 1);
	CHECK(flight_find(&t, 1, b, 0) == 2 && flight_find(&t, 1, c, 0) == 3 &&
	      flight_find(&t, 1, z, 0) == 4);
	flight_remove(&t, 1, b, 0, 2);
	CHECK(slot_of(&t, 1, c) == 15 && slot_of(&t, 1, z) == 0); /* z back at its home */
	CHECK(flight_find(&t, 1, c, 0) == 3 && flight_find(&t, 1, z, 0) == 4 && t.used == 2);
	flight_free(&t);
}

/* flight_init(n) holds n live entries, whatever n, as the monitor's ring of n events needs. */
static void test_init_holds_entries_live(void)
{
	for (size_t n = 0; n <= 300; n += n < 20 ? 1 : 37) {
		struct flight_table t;
		size_t found = 0;

		CHECK(flight_init(&t, n) == 0);
		CHECK(((t.mask + 1) & t.mask) == 0); /* a power of two */
		CHECK(t.mask + 1 >= 16 && t.mask + 1 >= 2 * n);
		for (uint64_t id = 1; id <= n; id++)
			flight_put(&t, 3, id * 7919, 0, id,
				   1); /* all live: nothing may be purged */
		for (uint64_t id = 1; id <= n; id++)
			found += flight_find(&t, 3, id * 7919, 0) == id;
		CHECK(found == n && t.used == n);
		flight_free(&t);
	}
}

/* 16 slots take 12 entries; past that a new one is dropped unless older ids make room. */
static void test_full_table(void)
{
	struct flight_table t;
	size_t found = 0;

	CHECK(flight_init(&t, 8) == 0 && t.mask == 15);
	for (uint64_t id = 1; id <= 12; id++)
		flight_put(&t, 4, id, 0, id, 1);
	CHECK(t.used == 12);
	/* full of live scans: the new event is not recorded and scans on its own */
	flight_put(&t, 4, 13, 0, 13, 1);
	CHECK(flight_find(&t, 4, 13, 0) == 0 && t.used == 12);
	/* a live inode can still change hands when full: no new slot is needed */
	flight_put(&t, 4, 12, 0, 14, 1);
	CHECK(flight_find(&t, 4, 12, 0) == 14 && t.used == 12);
	for (uint64_t id = 1; id <= 11; id++)
		found += flight_find(&t, 4, id, 0) == id;
	CHECK(found == 11);

	/* the ring head passed 5: ids 1..4 were answered (by deadline) and make room */
	flight_put(&t, 4, 13, 0, 15, 5);
	CHECK(flight_find(&t, 4, 13, 0) == 15);
	for (uint64_t id = 1; id <= 4; id++)
		CHECK(flight_find(&t, 4, id, 0) == 0);
	found = 0;
	for (uint64_t id = 5; id <= 11; id++)
		found += flight_find(&t, 4, id, 0) == id;
	CHECK(found == 7 && flight_find(&t, 4, 12, 0) == 14);
	CHECK(t.used == 9);
	flight_free(&t);
}

/* Stale entries stay until room is needed, and the id equal to the head is live. */
static void test_head_drops_only_older_ids_when_needed(void)
{
	struct flight_table t;

	CHECK(flight_init(&t, 8) == 0);
	for (uint64_t id = 1; id <= 3; id++)
		flight_put(&t, 6, id, 0, id, 1);
	flight_put(&t, 6, 4, 0, 100, 100); /* far from full: nothing is purged */
	CHECK(flight_find(&t, 6, 1, 0) == 1 && flight_find(&t, 6, 3, 0) == 3 && t.used == 4);

	flight_free(&t);
	CHECK(flight_init(&t, 8) == 0);
	for (uint64_t id = 1; id <= 12; id++)
		flight_put(&t, 6, id, 0, id, 1);
	flight_put(&t, 6, 99, 0, 99, 12);
	CHECK(flight_find(&t, 6, 99, 0) == 99);
	CHECK(flight_find(&t, 6, 11, 0) == 0);
	CHECK(flight_find(&t, 6, 12, 0) == 12); /* == oldest_live: still in flight */
	CHECK(t.used == 2);

	/* a long run of events, each passing its own id as the head: the table never clogs */
	for (uint64_t id = 1000; id < 3000; id++)
		flight_put(&t, 9, id, 0, id, id);
	CHECK(flight_find(&t, 9, 2999, 0) == 2999);
	CHECK(t.used * 4 <= (t.mask + 1) * 3);
	flight_free(&t);
}

/* Random puts and removes on few keys, checked against a plain array after every step. */
static void test_matches_a_model(void)
{
	enum { KEYS = 40 };
	uint64_t model[KEYS] = { 0 }, next_id = 1, rng = 12345;
	struct flight_table t;
	size_t used = 0, mismatches = 0;

	CHECK(flight_init(&t, 8) == 0);
	for (int step = 0; step < 20000; step++) {
		rng = rng * 6364136223846793005ull + 1442695040888963407ull;
		size_t k = (rng >> 33) % KEYS;
		uint64_t dev = k % 3, ino = k / 3 * 977;
		bool put = (rng >> 20) & 1;

		if (put) {
			uint64_t id = next_id++;
			if (model[k] || used < 12) { /* no purge: oldest_live 0 keeps everything */
				used += !model[k];
				model[k] = id;
			}
			flight_put(&t, dev, ino, 0, id, 0);
		} else {
			/* remove with the recorded id, or now and then a stale one */
			uint64_t id = (rng >> 40) % 4 ? model[k] : model[k] + 1;
			if (model[k] && id == model[k]) {
				model[k] = 0;
				used--;
			}
			flight_remove(&t, dev, ino, 0, id);
		}
		for (size_t j = 0; j < KEYS; j++)
			mismatches += flight_find(&t, j % 3, j / 3 * 977, 0) != model[j];
		mismatches += t.used != used;
	}
	CHECK(mismatches == 0);
	flight_free(&t);
}

/*
 * The leader's uid is part of the key: another user's open of the same inode
 * finds nothing and scans in its own lane; each user keeps a flight of their own.
 */
static void test_key_has_the_uid(void)
{
	struct flight_table t;

	CHECK(flight_init(&t, 8) == 0);
	flight_put(&t, 1, 2, 1000, 10, 1);
	CHECK(flight_find(&t, 1, 2, 1000) == 10);
	CHECK(flight_find(&t, 1, 2, 1001) == 0);
	CHECK(flight_find(&t, 1, 2, 0) == 0);
	flight_put(&t, 1, 2, 1001, 11, 1);
	CHECK(flight_find(&t, 1, 2, 1000) == 10 && flight_find(&t, 1, 2, 1001) == 11);
	CHECK(t.used == 2);
	flight_remove(&t, 1, 2, 1001, 10); /* uid 1000's id under uid 1001: not its entry */
	CHECK(flight_find(&t, 1, 2, 1001) == 11);
	flight_remove(&t, 1, 2, 1000, 10);
	CHECK(flight_find(&t, 1, 2, 1000) == 0 && flight_find(&t, 1, 2, 1001) == 11);
	flight_free(&t);
}

int main(void)
{
	test_put_find_remove();
	test_key_is_dev_and_ino();
	test_key_has_the_uid();
	test_put_again_replaces_the_id();
	test_collisions();
	test_collisions_wrap_around();
	test_init_holds_entries_live();
	test_full_table();
	test_head_drops_only_older_ids_when_needed();
	test_matches_a_model();
	return check_summary();
}
