#include "daemon/pending.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/config.h"
#include "common/monotonic.h"
#include "daemon/pipeline_procs_internal.h"
#include "scanner/scanner_proto.h"

#define TAG_SLOT_BITS 20 /* max_inflight is at most 65536 */
#define GEN_MASK ((1ull << (64 - TAG_SLOT_BITS)) - 1)

int pending_init(struct pending_table *t, unsigned cap)
{
	t->slot = calloc(cap, sizeof(*t->slot));
	t->free = calloc(cap, sizeof(*t->free));
	t->cap = cap;
	if (!t->slot || !t->free)
		return -1;
	for (unsigned k = cap; k > 0; k--)
		t->free[t->n_free++] = k - 1;
	return 0;
}

void pending_free(struct pending_table *t)
{
	for (unsigned k = 0; t->slot && k < t->cap; k++)
		if (t->slot[k].gen && t->slot[k].req.fd >= 0)
			close(t->slot[k].req.fd);
	free(t->slot);
	free(t->free);
}

struct pending *pending_open(struct pending_table *t, const struct scan_request *req,
			     size_t n_votes, uint32_t voters)
{
	struct pending *pd;

	if (!t->n_free)
		return NULL;
	pd = &t->slot[t->free[--t->n_free]];
	memset(&pd->out, 0, sizeof(pd->out));
	pd->finished = false;
	pd->gen = ++t->next_gen & GEN_MASK;
	if (!pd->gen)
		pd->gen = t->next_gen = 1;
	pd->req = *req; /* its fd is ours now */
	pd->sent_ns = monotonic_ns();
	pd->out.n_votes = n_votes;
	pd->waiting = pd->voters = pd->unsent = voters;
	return pd;
}

uint32_t pending_index(const struct pending_table *t, const struct pending *pd)
{
	return (uint32_t)(pd - t->slot);
}

struct pending *pending_at(struct pending_table *t, uint32_t index)
{
	return &t->slot[index];
}

void pending_sent(struct pending *pd, size_t i)
{
	pd->unsent &= ~(1u << i);
}

uint64_t pending_tag(const struct pending_table *t, const struct pending *pd)
{
	return pd->gen << TAG_SLOT_BITS | (uint64_t)(pd - t->slot);
}

/* The slot a verdict's tag names, if it still holds that request. */
static struct pending *find(struct pending_table *t, uint64_t tag)
{
	uint64_t slot = tag & ((1u << TAG_SLOT_BITS) - 1);
	struct pending *pd;

	if (slot >= t->cap)
		return NULL;
	pd = &t->slot[slot];
	return pd->gen && pd->gen == tag >> TAG_SLOT_BITS ? pd : NULL;
}

static void release(struct pending_table *t, struct pending *pd)
{
	if (pd->req.fd >= 0) /* nothing is owed: no scanner will be sent it again */
		close(pd->req.fd);
	pd->req.fd = -1;
	pd->gen = 0;
	t->free[t->n_free++] = (uint32_t)(pd - t->slot);
}

/*
 * Decides and delivers pd with the lock dropped, so the answer, the log lines
 * and the callbacks hold up neither the collector nor the submitters. They
 * read the slot itself, not a copy, and it stays put meanwhile:
 * - once finished, nobody writes its request or outcome while it finishes:
 *   a late vote clears its bit in waiting (pending_take_verdict,
 *   pending_vote_error), and only a detecting one, on a slot not finishing,
 *   is written in to be decided again (follow_up);
 * - while finishing, nobody frees or reuses it: pending_settle leaves it to
 *   its finisher, and pending_open takes only free slots. The threads that
 *   settle are the collector (verdicts, a scanner's end, the tick) and the
 *   submitters (the monitor thread, `fanguard scan --daemon` session
 *   threads), whose pending_vote_error in submit touches only the slot they
 *   have just taken;
 * - its finisher frees it once it holds the lock again, if no vote is owed.
 */
static void finish(struct proc_pipeline *p, struct pending *pd)
{
	/* every vote is in: nothing will be sent again, and the file must not stay open past
	 * the answer (an umount right after the opener got it would find it busy) */
	if (!pd->waiting && pd->req.fd >= 0) {
		close(pd->req.fd);
		pd->req.fd = -1;
	}
	pd->finished = pd->finishing = true;
	pthread_mutex_unlock(&p->lock);
	pipeline_finish(&p->base, &pd->req, &pd->out, monotonic_ns() - pd->sent_ns);
	pthread_mutex_lock(&p->lock);
	pd->finishing = false;
	if (!pd->waiting)
		release(&p->pending, pd);
}

void pending_settle(struct proc_pipeline *p, struct pending *pd)
{
	if (pd->waiting || pd->finishing)
		return; /* votes are owed, or its finisher frees it */
	if (!pd->finished)
		finish(p, pd);
	else
		release(&p->pending, pd);
}

/* Every plugin of group i gets an error vote with this reason (decision not yet taken). */
static void set_errors(struct proc_pipeline *p, struct pending *pd, size_t i, const char *why)
{
	for (size_t k = 0; k < p->sc[i]->n_plugins; k++) {
		struct plugin_vote *v = &pd->out.votes[p->sc[i]->plugin[k]];
		v->verdict = FG_VERDICT_ERROR;
		snprintf(v->threat, sizeof(v->threat), "%s", why);
	}
}

void pending_vote_error(struct proc_pipeline *p, struct pending *pd, size_t i, const char *why)
{
	if (!(pd->waiting & (1u << i)))
		return;
	pending_sent(pd, i);
	pd->waiting &= ~(1u << i);
	if (!pd->finished)
		set_errors(p, pd, i, why);
	pending_settle(p, pd);
}

static void record_votes(struct pending *pd, const struct scanner *s,
			 const struct scanner_verdict *v)
{
	if (v->read_ns > pd->out.read_ns)
		pd->out.read_ns = v->read_ns;
	if (v->have_sha256) {
		pd->out.have_sha256 = true;
		pd->out.sha256_ns = v->sha256_ns;
		memcpy(pd->out.sha256, v->sha256, sizeof(pd->out.sha256));
	}
	for (size_t k = 0; k < s->n_plugins; k++) {
		struct plugin_vote *out = &pd->out.votes[s->plugin[k]];
		out->verdict = (enum fg_verdict)v->vote[k].verdict;
		out->not_cacheable = v->vote[k].not_cacheable != 0;
		snprintf(out->threat, sizeof(out->threat), "%.*s",
			 (int)sizeof(v->vote[k].threat) - 1, v->vote[k].threat);
		pd->out.plugin_ns[s->plugin[k]] = v->vote[k].plugin_ns;
	}
}

static bool detects(const struct scanner_verdict *v)
{
	for (size_t k = 0; k < v->n_votes; k++)
		if (v->vote[k].verdict == FG_VERDICT_DETECTED)
			return true;
	return false;
}

/*
 * pd was decided at its deadline with group s's votes as errors, and now they
 * detect something: the outcome is decided again with them, the lock dropped
 * as in finish. Nobody else writes a finished slot, and finishing keeps it
 * from being freed meanwhile.
 */
static void follow_up(struct proc_pipeline *p, struct pending *pd, const struct scanner *s,
		      const struct scanner_verdict *v)
{
	record_votes(pd, s, v);
	pd->finishing = true;
	pthread_mutex_unlock(&p->lock);
	pipeline_finish_followup(&p->base, &pd->req, &pd->out);
	pthread_mutex_lock(&p->lock);
	pd->finishing = false;
}

void pending_take_verdict(struct proc_pipeline *p, const struct scanner *s,
			  const struct scanner_verdict *v, size_t len)
{
	size_t i = s->group;
	struct pending *pd;

	if (v->n_votes != s->n_plugins || len < scanner_verdict_len(v->n_votes))
		return;
	pd = find(&p->pending, v->tag);
	if (!pd || !(pd->waiting & (1u << i)) || pd->proc[i] != s->proc)
		return; /* settled already (its scanner was restarted meanwhile) */
	pd->waiting &= ~(1u << i);
	histogram_add(&p->base.stats.queue_wait, v->queue_ns);
	if (!pd->finished)
		record_votes(pd, s, v);
	else if (pd->req.id && !pd->finishing && detects(v))
		follow_up(p, pd, s, v);
	pending_settle(p, pd);
}

/* The lock is dropped while requests finish: one may have been sent after `now` was taken. */
static bool older_than(uint64_t since, uint64_t now, uint64_t age)
{
	return now > since && now - since >= age;
}

void pending_fail_owed(struct proc_pipeline *p, const struct scanner *s, const char *why,
		       bool retry, uint64_t hung_ns)
{
	struct pending_table *t = &p->pending;
	uint32_t bit = 1u << s->group;
	uint64_t now = monotonic_ns();

	for (unsigned k = 0; k < t->cap; k++) {
		struct pending *pd = &t->slot[k];

		if (!pd->gen || !(pd->waiting & bit) || (pd->unsent & bit) ||
		    pd->proc[s->group] != s->proc)
			continue;
		if (!retry || s->solo || pd->req.fd < 0 ||
		    older_than(pd->sent_at[s->group], now, hung_ns)) {
			pending_vote_error(p, pd, s->group, why);
			continue;
		}
		pd->unsent |= bit;
		/* a retry alone holds up everyone: only when the culprit is not known */
		fairq_push(s->hung ? procs_lane(p, s->group, pd) : &p->retry[s->group], k,
			   pd->req.uid);
	}
}

/*
 * A plugin that has not answered counts as an error, so one slow or hung
 * plugin does not cost the others' detections. With no vote at all, the
 * monitor's on_timeout answers at the deadline.
 */
void pending_decide_overdue(struct proc_pipeline *p, uint64_t now)
{
	struct pending_table *t = &p->pending;

	for (unsigned k = 0; k < t->cap; k++) {
		struct pending *pd = &t->slot[k];
		/* nobody waits on a background scan: its votes may take their time */
		if (!pd->gen || pd->finished || !pd->req.id || (pd->req.id & BACKGROUND_ID_BIT) ||
		    !older_than(pd->sent_ns, now, p->partial_ns) || pd->waiting == pd->voters)
			continue;
		for (size_t i = 0; i < p->n; i++) {
			char why[160];
			if (!(pd->waiting & (1u << i)))
				continue;
			snprintf(why, sizeof(why), "scanner %s gave no verdict within %u ms",
				 p->sc[i]->name, p->cfg->timeout_ms);
			set_errors(p, pd, i, why);
		}
		atomic_fetch_add(&p->base.stats.overdue, 1);
		finish(p, pd); /* the late votes are still owed: a hung scanner shows */
	}
}

bool pending_owed_since(const struct pending_table *t, const struct scanner *s, uint64_t now,
			uint64_t age)
{
	for (unsigned k = 0; k < t->cap; k++) {
		const struct pending *pd = &t->slot[k];
		uint32_t bit = 1u << s->group;
		if (pd->gen && (pd->waiting & bit) && !(pd->unsent & bit) &&
		    pd->proc[s->group] == s->proc && older_than(pd->sent_at[s->group], now, age))
			return true;
	}
	return false;
}
