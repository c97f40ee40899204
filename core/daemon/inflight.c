#include "daemon/inflight.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "common/histogram.h"
#include "common/log.h"
#include "common/monotonic.h"
#include "common/sha256.h"
#include "daemon/cache.h"

int inflight_init(struct inflight_ring *r, unsigned cap, unsigned timeout_ms, char *err,
		  size_t errlen)
{
	r->timer_fd = -1;
	r->cap = cap;
	r->head = r->tail = 1; /* id 0 means "no answer expected" */
	r->timeout_ns = (uint64_t)timeout_ms * 1000000ull;
	r->slots = calloc(cap, sizeof(*r->slots));
	if (!r->slots || flight_init(&r->flights, cap) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (unsigned i = 0; i < cap; i++)
		r->slots[i].pidfd = -1;
	r->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (r->timer_fd < 0) {
		snprintf(err, errlen, "timerfd_create: %s", strerror(errno));
		return -1;
	}
	return 0;
}

void inflight_free(struct inflight_ring *r)
{
	if (r->timer_fd >= 0)
		close(r->timer_fd);
	for (uint64_t i = 0; r->slots && i < r->cap; i++)
		if (r->slots[i].pidfd >= 0)
			close(r->slots[i].pidfd);
	flight_free(&r->flights);
	free(r->slots);
}

uint64_t inflight_count(const struct inflight_ring *r)
{
	return r->tail - r->head;
}

bool inflight_full(const struct inflight_ring *r)
{
	return r->tail - r->head >= r->cap;
}

struct inflight *inflight_slot(struct inflight_ring *r, uint64_t id)
{
	return &r->slots[id % r->cap];
}

bool inflight_claim(struct inflight *e, uint64_t id)
{
	uint64_t expected = id;

	return atomic_compare_exchange_strong(&e->claim, &expected, 0);
}

/*
 * A verdict may hold for one name of an inode only (a YARA rule on filename):
 * another name's open must not take it. Names are compared by digest, as the
 * slots keep no path; a truncated SHA-256, since an attacker picks both names.
 */
static void path_digest(const char *path, unsigned char out[16])
{
	unsigned char full[32];
	struct sha256 s;

	sha256_init(&s);
	sha256_update(&s, path, strlen(path));
	sha256_final(&s, full);
	memcpy(out, full, 16);
}

/* Fills the next slot; it counts as in flight once tail moves past it. */
static struct inflight *prepare(struct inflight_ring *r, int fd, const struct scan_request *req,
				uint64_t start_ns, unsigned generation)
{
	struct inflight *e = inflight_slot(r, r->tail);

	e->id = r->tail;
	atomic_store(&e->claim, r->tail);
	e->fd = fd;
	e->start_ns = start_ns;
	e->deadline_ns = start_ns + r->timeout_ns;
	e->answered = false;
	e->marked = false;
	e->generation = generation;
	e->scanning = false;
	e->report = false;
	e->next_waiter = 0;
	e->pid = req->pid;
	e->uid = req->uid;
	if (e->pidfd >= 0) /* the slot's last event: its late verdict will not find it now */
		close(e->pidfd);
	e->pidfd = -1;
	e->kind = req->kind;
	e->st = req->st;
	e->written_seq = req->written_seq;
	path_digest(req->path, e->path_digest);
	return e;
}

struct inflight *inflight_scan_of(struct inflight_ring *r, const struct stat *st, const char *path,
				  uid_t uid)
{
	uint64_t id = flight_find(&r->flights, st->st_dev, st->st_ino, uid);
	struct inflight *e = inflight_slot(r, id);
	unsigned char digest[16];

	if (!id || e->id != id || !e->scanning || e->uid != uid || !cache_same_state(&e->st, st))
		return NULL;
	path_digest(path, digest);
	if (memcmp(digest, e->path_digest, sizeof(digest)) != 0)
		return NULL;
	return e;
}

struct inflight *inflight_join(struct inflight_ring *r, struct inflight *leader, int fd,
			       const struct scan_request *req, uint64_t start_ns,
			       unsigned generation)
{
	struct inflight *last = leader, *next, *e;

	while ((next = inflight_next_waiter(r, last)))
		last = next;
	e = prepare(r, fd, req, start_ns, generation);
	last->next_waiter = e->id;
	r->tail++;
	return e;
}

struct inflight *inflight_lead(struct inflight_ring *r, int fd, const struct scan_request *req,
			       uint64_t start_ns, unsigned generation)
{
	struct inflight *e = prepare(r, fd, req, start_ns, generation);

	e->scanning = true;
	return e;
}

void inflight_start(struct inflight_ring *r, struct inflight *e)
{
	r->tail++;
	flight_put(&r->flights, e->st.st_dev, e->st.st_ino, e->uid, e->id, r->head);
}

void inflight_cancel(struct inflight *e)
{
	e->id = 0;
	atomic_store(&e->claim, 0);
}

struct inflight *inflight_scan_ended(struct inflight_ring *r, uint64_t id)
{
	struct inflight *e = inflight_slot(r, id);

	if (e->id != id)
		return NULL;
	flight_remove(&r->flights, e->st.st_dev, e->st.st_ino, e->uid, e->id);
	return e;
}

struct inflight *inflight_next_waiter(struct inflight_ring *r, const struct inflight *e)
{
	struct inflight *next = inflight_slot(r, e->next_waiter);

	if (!e->next_waiter || next->id != e->next_waiter)
		return NULL;
	return next;
}

void inflight_expire(struct inflight_ring *r, inflight_expired_fn expired, void *ctx)
{
	uint64_t now = monotonic_ns(), t;

	if (read(r->timer_fd, &t, sizeof(t)) == (ssize_t)sizeof(t))
		r->armed_ns = 0; /* it fired: a one-shot timer is disarmed */
	else if (errno != EAGAIN)
		log_error("timerfd read: %s", strerror(errno));
	for (uint64_t id = r->head; id < r->tail; id++) {
		struct inflight *e = inflight_slot(r, id);

		if (e->deadline_ns > now)
			break;
		if (!e->answered)
			expired(ctx, e);
	}
}

/*
 * Deadlines grow along the ring, so the head's is the next one due. The timer
 * is set again only when it is not armed or due later than that deadline: a
 * timer due earlier (its event was answered since) fires, expires nothing and
 * is set again then, once per timeout_ms at most, instead of two
 * timerfd_settime calls for every event (one as it comes, one as it is
 * answered).
 */
void inflight_advance_and_arm(struct inflight_ring *r)
{
	struct itimerspec its = { 0 };
	uint64_t d;

	while (r->head < r->tail && inflight_slot(r, r->head)->answered)
		r->head++;
	if (r->head == r->tail)
		return; /* an armed timer fires for nothing, once */
	d = inflight_slot(r, r->head)->deadline_ns;
	if (r->armed_ns && r->armed_ns <= d)
		return;
	its.it_value.tv_sec = (time_t)(d / 1000000000ull);
	its.it_value.tv_nsec = (long)(d % 1000000000ull);
	if (timerfd_settime(r->timer_fd, TFD_TIMER_ABSTIME, &its, NULL) == 0)
		r->armed_ns = d ? d : 1;
}
