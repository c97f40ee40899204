/*
 * Single-flight index: which in-flight event is already scanning a given
 * inode for a given user, so that user's later events for the same unchanged
 * file wait for that scan instead of starting their own. The uid is part of
 * the key because scans take turns by uid: a scan waits in its opener's lane,
 * and another user's open must never wait there (see submit_permission_event).
 * Open addressing, fixed size. Pure logic.
 */
#ifndef FANGUARD_FLIGHT_H
#define FANGUARD_FLIGHT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct flight_slot {
	uint64_t dev, ino;
	uid_t uid;   /* the leader's real uid: whose lane its scan waits in */
	uint64_t id; /* 0: empty */
};

struct flight_table {
	struct flight_slot *slots;
	size_t mask;
	size_t used;
};

/* Room for at least `entries` live entries at under half load. -1 when out of memory. */
int flight_init(struct flight_table *t, size_t entries);
void flight_free(struct flight_table *t);
/* The id scanning (dev, ino) for uid, or 0. */
uint64_t flight_find(const struct flight_table *t, uint64_t dev, uint64_t ino, uid_t uid);
/*
 * Records id as scanning (dev, ino) for uid. When the table is three quarters full,
 * entries with ids below oldest_live (their events are long answered) are
 * dropped first.
 */
void flight_put(struct flight_table *t, uint64_t dev, uint64_t ino, uid_t uid, uint64_t id,
		uint64_t oldest_live);
/* Forgets (dev, ino, uid) if id is still the one recorded for it. */
void flight_remove(struct flight_table *t, uint64_t dev, uint64_t ino, uid_t uid, uint64_t id);

#endif
