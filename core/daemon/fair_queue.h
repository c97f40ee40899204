/*
 * A queue that takes turns between users: each uid has its own first-in
 * first-out lane, and pops go round the lanes that hold work, one item from
 * each in turn. A user who queues a thousand scans makes another user's one
 * scan wait for at most one of theirs, not for all of them. Items are the
 * caller's indexes 0..cap-1, each queued at most once at a time. Pure logic,
 * no locking: the caller holds its own lock.
 */
#ifndef FANGUARD_FAIR_QUEUE_H
#define FANGUARD_FAIR_QUEUE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct fair_lane {
	uid_t uid;
	uint32_t head, tail; /* items; FAIRQ_NONE when empty */
	uint32_t next;       /* the next lane in turn (active) or in the free list */
};

struct fair_queue {
	uint32_t cap;
	uint32_t *next_item;     /* per item: the next one in its lane */
	struct fair_lane *lanes; /* at most one per queued item */
	uint32_t turn, last;     /* the active lanes, in turn order: turn pops next */
	uint32_t free_lanes;
	uint32_t count, n_lanes;
};

#define FAIRQ_NONE UINT32_MAX

/* Room for items 0..cap-1. -1 when out of memory. */
int fairq_init(struct fair_queue *q, uint32_t cap);
void fairq_free(struct fair_queue *q);
/* Queues item (not queued already, below cap) at the end of uid's lane. */
void fairq_push(struct fair_queue *q, uint32_t item, uid_t uid);
/* The next item, taking turns between uids; false when empty. */
bool fairq_pop(struct fair_queue *q, uint32_t *item);
/* Removes item wherever it is queued; false if it was not queued under uid. */
bool fairq_remove(struct fair_queue *q, uint32_t item, uid_t uid);
static inline uint32_t fairq_count(const struct fair_queue *q)
{
	return q->count;
}

#endif
