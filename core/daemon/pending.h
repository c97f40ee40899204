/*
 * The isolated pipeline's requests that wait for their votes: a fixed table
 * of slots, each naming its request on the wire by a tag (generation << 20 |
 * slot), so a vote for a slot since reused is recognised and dropped. A
 * request is finished (decided and delivered) once every group has voted, or
 * just before its deadline with the votes it has; its slot lives on while a
 * group still owes a vote, so a hung scanner shows. Called with the
 * pipeline's lock held.
 */
#ifndef FANGUARD_PENDING_H
#define FANGUARD_PENDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/pipeline.h"

struct proc_pipeline;
struct scanner;
struct scanner_verdict;

struct pending {
	uint64_t gen;               /* 0: free */
	uint32_t proc[PLUGINS_MAX]; /* per group, the process that was sent the request */
	bool finished;    /* decided and delivered; the slot lives on while votes are owed */
	bool finishing;   /* being delivered with the lock dropped: only its finisher frees it */
	uint32_t waiting; /* groups that still owe a vote (and may be hung) */
	uint32_t voters;  /* groups asked: all (a disabled one votes an error at once) */
	uint32_t unsent;  /* groups it waits in the queue of: not yet sent (a part of waiting) */
	uint64_t sent_ns; /* submitted */
	uint64_t sent_at[PLUGINS_MAX]; /* handed to each group's scanner */
	/*
	 * The one copy of the request; req.fd stays open while a vote is owed,
	 * so that a scan lost with its scanner can be sent again.
	 */
	struct scan_request req;
	struct scan_outcome out;
};

struct pending_table {
	struct pending *slot;
	unsigned cap;
	uint32_t *free; /* indexes of the free slots */
	unsigned n_free;
	uint64_t next_gen;
};

int pending_init(struct pending_table *t, unsigned cap);
void pending_free(struct pending_table *t);
/*
 * A slot for req, whose n_votes plugins vote in the groups of voters (a bit
 * per group); NULL when every slot is taken.
 */
struct pending *pending_open(struct pending_table *t, const struct scan_request *req,
			     size_t n_votes, uint32_t voters);
/* The tag the scanners echo in their verdicts. */
uint64_t pending_tag(const struct pending_table *t, const struct pending *pd);
/* The slot's index (what the groups' queues hold), and back. */
uint32_t pending_index(const struct pending_table *t, const struct pending *pd);
struct pending *pending_at(struct pending_table *t, uint32_t index);
/* Group i has been handed pd (or never will be). */
void pending_sent(struct pending *pd, size_t i);

/*
 * Group i will not vote on pd: its plugins' votes are errors saying why.
 * May finish pd (the lock dropped meanwhile) and free it: pd->gen is 0 then.
 */
void pending_vote_error(struct proc_pipeline *p, struct pending *pd, size_t i, const char *why);
/*
 * Takes the votes of scanner s (len bytes of v), if the request still waits
 * for them. Votes that come after the request was decided without them (at
 * its deadline) are still looked at: a detection among them is acted on as a
 * late one (pipeline_finish_followup).
 */
void pending_take_verdict(struct proc_pipeline *p, const struct scanner *s,
			  const struct scanner_verdict *v, size_t len);
/* Finishes pd when every vote is in, frees it when nothing more is owed. */
void pending_settle(struct proc_pipeline *p, struct pending *pd);
/*
 * The scanner process s ended owing votes. Each request it owed is sent
 * again, unless the group cannot scan any more (retry false: disabled), s
 * held it alone (it is the file that ended s), or s had held it past hung_ns
 * (what got s killed as hung would only hang the next one): those vote
 * errors saying why. After a hang the one to blame is known (s->hung), so
 * the others go back to their own lanes; after a crash it is not, and they go
 * to the retry lane, each to be sent alone. A scan lost to another user's
 * file (one that crashes or hangs a plugin) is thus not an error that
 * on_error could let through.
 */
void pending_fail_owed(struct proc_pipeline *p, const struct scanner *s, const char *why,
		       bool retry, uint64_t hung_ns);
/*
 * Just before the deadline (older than partial_ns at now): decides the
 * requests some votes are still missing for, the missing ones as errors.
 */
void pending_decide_overdue(struct proc_pipeline *p, uint64_t now);
/* True if s has owed a vote for age or longer at now: it is stuck. */
bool pending_owed_since(const struct pending_table *t, const struct scanner *s, uint64_t now,
			uint64_t age);

#endif
