/*
 * The per-user fair queue (core/daemon/fair_queue.c) and the per-user share
 * of in-flight work (core/daemon/uid_share.c): one user's flood waits behind
 * itself, not in front of everyone else.
 */
#include <stdint.h>

#include "check.h"
#include "daemon/fair_queue.h"
#include "daemon/uid_share.h"

static uint32_t pop(struct fair_queue *q)
{
	uint32_t item = FAIRQ_NONE;

	CHECK(fairq_pop(q, &item));
	return item;
}

/* A flood of 100 from uid 1000, then one item from uid 2000: the latter is second out. */
static void test_flood_does_not_starve_others(void)
{
	struct fair_queue q;

	CHECK(fairq_init(&q, 128) == 0);
	for (uint32_t i = 0; i < 100; i++)
		fairq_push(&q, i, 1000);
	fairq_push(&q, 100, 2000);
	CHECK(fairq_count(&q) == 101);
	CHECK(pop(&q) == 0);
	CHECK(pop(&q) == 100);
	for (uint32_t i = 1; i < 100; i++)
		CHECK(pop(&q) == i); /* the flooder's own items keep their order */
	CHECK(!fairq_pop(&q, &(uint32_t){ 0 }));
	CHECK(fairq_count(&q) == 0 && q.n_lanes == 0);
	fairq_free(&q);
}

/* Three users take turns; a user who runs dry leaves the turn and rejoins at the end. */
static void test_round_robin(void)
{
	struct fair_queue q;
	uint32_t want[] = { 0, 10, 20, 1, 11, 2, 30 };

	CHECK(fairq_init(&q, 64) == 0);
	fairq_push(&q, 0, 1);
	fairq_push(&q, 1, 1);
	fairq_push(&q, 2, 1);
	fairq_push(&q, 10, 2);
	fairq_push(&q, 11, 2);
	fairq_push(&q, 20, 3);
	for (int i = 0; i < 6; i++) {
		if (i == 5)
			fairq_push(&q, 30, 3); /* uid 3 ran dry after 20: it comes back last */
		CHECK(pop(&q) == want[i]);
	}
	CHECK(pop(&q) == 30);
	CHECK(fairq_count(&q) == 0);
	fairq_free(&q);
}

/* Items can be taken out from anywhere (a request answered before it was sent). */
static void test_remove(void)
{
	struct fair_queue q;

	CHECK(fairq_init(&q, 16) == 0);
	fairq_push(&q, 1, 7);
	fairq_push(&q, 2, 7);
	fairq_push(&q, 3, 7);
	fairq_push(&q, 4, 8);
	CHECK(!fairq_remove(&q, 2, 8)); /* not queued under that uid */
	CHECK(fairq_remove(&q, 3, 7));  /* the tail */
	CHECK(!fairq_remove(&q, 3, 7)); /* only once */
	CHECK(fairq_remove(&q, 4, 8));  /* a whole lane */
	CHECK(q.n_lanes == 1 && fairq_count(&q) == 2);
	fairq_push(&q, 5, 7); /* appends after 2: the tail moved back correctly */
	CHECK(pop(&q) == 1 && pop(&q) == 2 && pop(&q) == 5);
	/* every lane back in the free list: a full queue of distinct uids fits */
	for (uint32_t i = 0; i < 16; i++)
		fairq_push(&q, i, 100 + i);
	CHECK(q.n_lanes == 16);
	for (uint32_t i = 0; i < 16; i++)
		CHECK(pop(&q) == i);
	fairq_free(&q);
}

static void test_uid_share(void)
{
	struct uid_share s;

	CHECK(uid_share_init(&s, 8, 3) == 0);
	for (int i = 0; i < 3; i++)
		CHECK(uid_share_take(&s, 1000));
	CHECK(!uid_share_take(&s, 1000)); /* its share is full */
	CHECK(uid_share_take(&s, 0));     /* root's is its own */
	CHECK(uid_share_held(&s, 1000) == 3 && uid_share_held(&s, 0) == 1);
	uid_share_put(&s, 1000);
	CHECK(uid_share_take(&s, 1000)); /* room again */
	for (int i = 0; i < 3; i++)
		uid_share_put(&s, 1000);
	uid_share_put(&s, 1000); /* more puts than takes change nothing */
	CHECK(uid_share_held(&s, 1000) == 0 && s.n_held == 1);
	uid_share_put(&s, 0);
	CHECK(s.n_held == 0);
	/* more users than room: the one past it is refused, not written past the end */
	for (uid_t u = 1; u <= 8; u++)
		CHECK(uid_share_take(&s, u));
	CHECK(!uid_share_take(&s, 9));
	uid_share_free(&s);
}

int main(void)
{
	test_flood_does_not_starve_others();
	test_round_robin();
	test_remove();
	test_uid_share();
	return check_summary();
}
