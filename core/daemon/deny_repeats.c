/*
 * Repeated denies from the verdict cache, counted instead of logged: see
 * deny_repeats.h. A small hash table of (file, process) pairs with the time
 * their window ends and what was held back.
 */
#include "daemon/deny_repeats.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/eventlog.h"
#include "common/log.h"

#define WINDOW_NS ((uint64_t)DENY_REPEATS_WINDOW_S * 1000000000ull)

struct deny_repeat {
	bool used;
	dev_t dev;
	ino_t ino;
	pid_t pid;
	long uid;
	enum fg_event_kind kind;
	bool report;
	uint64_t end_ns;       /* the window's end */
	unsigned long repeats; /* held back in this window */
	char exe[sizeof(((struct procinfo *)0)->exe)];
	char path[PATH_MAX];
	char threats[FG_THREAT_MAX];
};

int deny_repeats_init(struct deny_repeats *d)
{
	d->next_end_ns = 0;
	d->slots = calloc(DENY_REPEATS_SLOTS, sizeof(*d->slots));
	return d->slots ? 0 : -1;
}

void deny_repeats_free(struct deny_repeats *d)
{
	free(d->slots);
	d->slots = NULL;
}

static struct deny_repeat *slot_of(struct deny_repeats *d, dev_t dev, ino_t ino, pid_t pid)
{
	uint64_t h = (uint64_t)dev * 0x9e3779b97f4a7c15ull;

	h ^= (uint64_t)ino + 0x7f4a7c159e3779b9ull + (h << 6) + (h >> 2);
	h ^= (uint64_t)(uint32_t)pid * 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return &d->slots[h % DENY_REPEATS_SLOTS];
}

/* The same file, the same process (a pid reused by another program or user is another). */
static bool same(const struct deny_repeat *r, const struct deny_seen *s)
{
	return r->used && r->dev == s->dev && r->ino == s->ino && r->pid == s->pid &&
	       r->kind == s->kind && r->report == s->report && r->uid == s->who->uid &&
	       strcmp(r->exe, s->who->exe) == 0;
}

/* The line and the record that stand for the denies held back in a window. */
static void sum_up(struct deny_repeat *r)
{
	struct procinfo who = { .uid = r->uid, .exited = false };
	char whom[600];

	if (!r->used || !r->repeats)
		return;
	snprintf(who.exe, sizeof(who.exe), "%s", r->exe);
	log_warning("%s %s of %s by pid %d (%s): %s ... and %lu more in %d s (repeats of the "
		    "same file, process and remembered verdict: counted, not logged one by one)",
		    r->report ? "WOULD DENY" : "DENY", event_kind_name(r->kind), r->path,
		    (int)r->pid, procinfo_describe(&who, whom, sizeof(whom)), r->threats,
		    r->repeats, DENY_REPEATS_WINDOW_S);
	if (eventlog_enabled()) {
		struct event_record rec;

		event_record_init(&rec, r->report ? "would_deny" : "deny", r->kind, r->path, r->pid,
				  &who);
		rec.verdict = r->report ? "allow" : "deny";
		rec.action = r->report ? "allowed" : "denied";
		rec.reason = "cache";
		rec.repeats = r->repeats;
		rec.repeats_window_s = DENY_REPEATS_WINDOW_S;
		event_record_add_finding(&rec, "cache", r->threats);
		eventlog_write(&rec);
	}
	r->repeats = 0;
}

static void note_end(struct deny_repeats *d, uint64_t end_ns)
{
	if (!d->next_end_ns || end_ns < d->next_end_ns)
		d->next_end_ns = end_ns;
}

bool deny_repeats_first(struct deny_repeats *d, const struct deny_seen *seen, uint64_t now_ns)
{
	struct deny_repeat *r;

	if (!d->slots)
		return true;
	r = slot_of(d, seen->dev, seen->ino, seen->pid);
	if (same(r, seen) && now_ns < r->end_ns) {
		r->repeats++;
		note_end(d, r->end_ns);
		return false;
	}
	sum_up(r); /* another pair, or this one's window is over: what it held is said first */
	memset(r, 0, offsetof(struct deny_repeat, exe));
	r->used = true;
	r->dev = seen->dev;
	r->ino = seen->ino;
	r->pid = seen->pid;
	r->uid = seen->who->uid;
	r->kind = seen->kind;
	r->report = seen->report;
	r->end_ns = now_ns + WINDOW_NS;
	snprintf(r->exe, sizeof(r->exe), "%s", seen->who->exe);
	snprintf(r->path, sizeof(r->path), "%s", seen->path);
	snprintf(r->threats, sizeof(r->threats), "%s", seen->threats);
	return true;
}

void deny_repeats_flush(struct deny_repeats *d, uint64_t now_ns)
{
	if (!d->slots || !d->next_end_ns || now_ns < d->next_end_ns)
		return;
	d->next_end_ns = 0;
	for (size_t i = 0; i < DENY_REPEATS_SLOTS; i++) {
		struct deny_repeat *r = &d->slots[i];

		if (!r->used || !r->repeats)
			continue;
		if (r->end_ns <= now_ns)
			sum_up(r);
		else
			note_end(d, r->end_ns);
	}
}

int deny_repeats_wait_ms(const struct deny_repeats *d, uint64_t now_ns)
{
	if (!d->next_end_ns)
		return -1;
	if (d->next_end_ns <= now_ns)
		return 0;
	return (int)((d->next_end_ns - now_ns + 999999) / 1000000);
}
