/*
 * The permission events waiting for their answers: a ring in arrival order
 * (so their deadlines are in order too), a timer set to the oldest deadline,
 * and the single-flight join: an event for a file that is being scanned
 * for the same user waits on that scan instead of starting its own.
 *
 * Every event is answered exactly once, and three parties race to do it:
 *  - the pipeline thread that finished the scan, the moment the verdict is
 *    known (one wake-up less per open); only for the event leading the scan,
 *    the one whose id the pipeline got;
 *  - the monitor thread when the event's deadline passes (on_timeout);
 *  - the monitor thread when the scan's completion arrives: the leader if its
 *    worker did not answer, then every event waiting on that scan.
 * `claim` holds the event's id while nobody has answered. Whoever swaps it to
 * 0 (inflight_claim: a compare-and-swap expecting that id) answers; everyone
 * else's swap fails and they leave the kernel alone. Expecting the id, not
 * just non-zero, also turns away a verdict for an event whose slot a newer
 * event has taken: the slot's claim holds the newer id.
 *
 * `answered` is the monitor thread's view, and only that thread touches it:
 * the event is answered and its fd closed. The fd, by which the kernel
 * matches the answer, stays open until then, so a worker that won the claim
 * writes its answer to a valid fd; the monitor closes it when that worker's
 * completion arrives. Until then the event stays in flight, even past its
 * deadline (the deadline's claim failed). Events are answered out of order:
 * head moves only past answered ones.
 *
 * `marked`: the worker that won the claim placed the kernel ignore mark
 * before answering, so the monitor does not place it again. The worker
 * writes it before it queues its completion, the monitor reads it after it
 * takes that completion.
 *
 * A verdict that arrives after the deadline answered its leader is still
 * acted on: the pipeline logs it as late, the events waiting on the scan
 * whose deadlines have not passed are answered with it, and the monitor
 * remembers it by the file's state when the event came (the completion
 * carries it: the leader's slot may hold a newer event by then), so the
 * next open of an unchanged file is answered from the cache.
 */
#ifndef FANGUARD_INFLIGHT_H
#define FANGUARD_INFLIGHT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "daemon/flight.h"
#include "daemon/pipeline.h"

/* One permission event waiting for its answer. */
struct inflight {
	uint64_t id;
	int fd; /* the event's fd: the kernel matches the answer by it */
	uint64_t deadline_ns;
	uint64_t start_ns;
	_Atomic uint64_t
		claim;       /* the right to answer: the id while nobody has, 0 once someone has */
	bool answered;       /* monitor's view: answered and its fd closed */
	bool marked;         /* the answerer placed the kernel ignore mark */
	unsigned generation; /* the signatures' generation when it was submitted */
	bool scanning;       /* it leads a scan (the others wait on one: single-flight) */
	/*
	 * A report-mode leader: the monitor answered it allow when it came and
	 * keeps its fd only to place the ignore mark when the scan finds it clean
	 * (or closes it at the deadline). Nobody else answers it.
	 */
	bool report;
	uint64_t next_waiter; /* id of the next event waiting on the same scan, 0: none */
	pid_t pid;
	uid_t uid; /* the opener's real uid: whose share the event holds */
	int pidfd; /* the opener, held from the deadline to the late verdict (late_detection kill) */
	enum fg_event_kind kind;
	struct stat st; /* the file as it was when the event arrived */
	uint64_t written_seq; /* monitor_written_seq when it came: see monitor_written_since */
	/* SHA-256 of its path, cut: only an open of the same name joins its scan */
	unsigned char path_digest[16];
	/*
	 * No path: only a timeout needs one, and reads it from the fd then. A
	 * PATH_MAX copy per slot would keep ~4 MiB resident once the ring wraps.
	 */
};

struct inflight_ring {
	struct inflight *slots;
	uint64_t cap, head, tail; /* ids: slot = id % cap; head..tail are in flight */
	uint64_t timeout_ns;
	int timer_fd;                /* a timerfd, due at or before the oldest deadline in flight */
	uint64_t armed_ns;           /* when timer_fd is due; 0: not armed */
	struct flight_table flights; /* which event leads the scan of an inode */
};

/* Room for cap events, each with timeout_ms to its deadline. -1 with the reason in err. */
int inflight_init(struct inflight_ring *r, unsigned cap, unsigned timeout_ms, char *err,
		  size_t errlen);
void inflight_free(struct inflight_ring *r);
uint64_t inflight_count(const struct inflight_ring *r);
bool inflight_full(const struct inflight_ring *r);

/* The slot event id has if it is still in flight. Any thread: claim before using it. */
struct inflight *inflight_slot(struct inflight_ring *r, uint64_t id);
/* Takes the right to answer e, whose id is id; false if someone has (or e is newer). Any thread. */
bool inflight_claim(struct inflight *e, uint64_t id);

/*
 * The event scanning this very file (same inode, unchanged, same name) for
 * the user uid, if one is in flight. Another user's scan is never returned:
 * it waits in that user's lane of the scan queue (see submit_permission_event).
 */
struct inflight *inflight_scan_of(struct inflight_ring *r, const struct stat *st, const char *path,
				  uid_t uid);
/*
 * The permission event fd (req tells whose, of what, and its file) comes in
 * flight waiting on leader's scan, last of its waiters.
 */
struct inflight *inflight_join(struct inflight_ring *r, struct inflight *leader, int fd,
			       const struct scan_request *req, uint64_t start_ns,
			       unsigned generation);
/*
 * The same event leading a scan of its own: filled in before the request is
 * submitted (its worker may answer through the slot at once), in flight once
 * inflight_start says it was submitted; inflight_cancel if it was not.
 */
struct inflight *inflight_lead(struct inflight_ring *r, int fd, const struct scan_request *req,
			       uint64_t start_ns, unsigned generation);
void inflight_start(struct inflight_ring *r, struct inflight *e);
void inflight_cancel(struct inflight *e);

/*
 * The scan led by event id ended: later events for the file scan again.
 * Returns the leader, or NULL if its slot went to a newer event (its deadline
 * answered it, and its waiters, long ago).
 */
struct inflight *inflight_scan_ended(struct inflight_ring *r, uint64_t id);
/* The next event waiting on the same scan as e, NULL at the end of the chain. */
struct inflight *inflight_next_waiter(struct inflight_ring *r, const struct inflight *e);

/* The timer fired: calls expired for each unanswered event past its deadline, oldest first. */
typedef void (*inflight_expired_fn)(void *ctx, struct inflight *e);
void inflight_expire(struct inflight_ring *r, inflight_expired_fn expired, void *ctx);
/* Moves head past answered events and points the timer at the oldest deadline left. */
void inflight_advance_and_arm(struct inflight_ring *r);

#endif
