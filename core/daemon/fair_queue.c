#include "daemon/fair_queue.h"

#include <stdlib.h>

int fairq_init(struct fair_queue *q, uint32_t cap)
{
	q->cap = cap;
	q->count = q->n_lanes = 0;
	q->turn = q->last = FAIRQ_NONE;
	q->next_item = calloc(cap, sizeof(*q->next_item));
	q->lanes = calloc(cap, sizeof(*q->lanes));
	if (!q->next_item || !q->lanes) {
		fairq_free(q);
		return -1;
	}
	q->free_lanes = FAIRQ_NONE;
	for (uint32_t i = cap; i > 0; i--) {
		q->lanes[i - 1].next = q->free_lanes;
		q->free_lanes = i - 1;
	}
	return 0;
}

void fairq_free(struct fair_queue *q)
{
	free(q->next_item);
	free(q->lanes);
	q->next_item = NULL;
	q->lanes = NULL;
}

/*
 * The lanes with work are few (the users with scans waiting right now), so a
 * walk along them finds a uid's lane; no table to keep in step.
 */
static uint32_t find_lane(const struct fair_queue *q, uid_t uid, uint32_t *prev)
{
	*prev = FAIRQ_NONE;
	for (uint32_t l = q->turn; l != FAIRQ_NONE; *prev = l, l = q->lanes[l].next)
		if (q->lanes[l].uid == uid)
			return l;
	return FAIRQ_NONE;
}

static void unlink_lane(struct fair_queue *q, uint32_t l, uint32_t prev)
{
	uint32_t next = q->lanes[l].next;

	if (prev == FAIRQ_NONE)
		q->turn = next;
	else
		q->lanes[prev].next = next;
	if (q->last == l)
		q->last = prev;
}

static void append_lane(struct fair_queue *q, uint32_t l)
{
	q->lanes[l].next = FAIRQ_NONE;
	if (q->last == FAIRQ_NONE)
		q->turn = l;
	else
		q->lanes[q->last].next = l;
	q->last = l;
}

static void release_lane(struct fair_queue *q, uint32_t l)
{
	q->lanes[l].next = q->free_lanes;
	q->free_lanes = l;
	q->n_lanes--;
}

void fairq_push(struct fair_queue *q, uint32_t item, uid_t uid)
{
	uint32_t prev, l = find_lane(q, uid, &prev);

	q->next_item[item] = FAIRQ_NONE;
	if (l == FAIRQ_NONE) {
		/* a lane per queued item at most: one is always free */
		l = q->free_lanes;
		q->free_lanes = q->lanes[l].next;
		q->n_lanes++;
		q->lanes[l].uid = uid;
		q->lanes[l].head = q->lanes[l].tail = item;
		append_lane(q, l); /* a newcomer waits for one turn of everyone else */
	} else {
		q->next_item[q->lanes[l].tail] = item;
		q->lanes[l].tail = item;
	}
	q->count++;
}

bool fairq_pop(struct fair_queue *q, uint32_t *item)
{
	uint32_t l = q->turn;
	struct fair_lane *lane;

	if (l == FAIRQ_NONE)
		return false;
	lane = &q->lanes[l];
	*item = lane->head;
	lane->head = q->next_item[*item];
	q->count--;
	unlink_lane(q, l, FAIRQ_NONE);
	if (lane->head == FAIRQ_NONE)
		release_lane(q, l);
	else
		append_lane(q, l); /* its next item waits for the others' turns */
	return true;
}

bool fairq_remove(struct fair_queue *q, uint32_t item, uid_t uid)
{
	uint32_t prev_lane, l = find_lane(q, uid, &prev_lane), prev = FAIRQ_NONE;
	struct fair_lane *lane;

	if (l == FAIRQ_NONE)
		return false;
	lane = &q->lanes[l];
	for (uint32_t i = lane->head; i != FAIRQ_NONE; prev = i, i = q->next_item[i]) {
		if (i != item)
			continue;
		if (prev == FAIRQ_NONE)
			lane->head = q->next_item[i];
		else
			q->next_item[prev] = q->next_item[i];
		if (lane->tail == i)
			lane->tail = prev;
		q->count--;
		if (lane->head == FAIRQ_NONE) {
			unlink_lane(q, l, prev_lane);
			release_lane(q, l);
		}
		return true;
	}
	return false;
}
