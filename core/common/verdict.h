/* Combining the votes of several plugins into one answer for the kernel. Pure logic. */
#ifndef FANGUARD_VERDICT_H
#define FANGUARD_VERDICT_H

#include <stddef.h>

#include "fanguard/plugin.h"

enum decision {
	DECISION_ALLOW = 0,
	DECISION_DENY = 1,
};

enum vote_policy {
	POLICY_ANY_DENY = 0, /* one detection denies */
	POLICY_MAJORITY = 1, /* deny when more than half of the voting plugins detect */
};

/*
 * The host's own vote for a plugin it did not ask: the file is larger than the
 * plugin's max_file_size. Never a plugin's return value (a plugin returning it
 * is an error, like any value outside enum fg_verdict); it abstains.
 */
#define VOTE_SKIPPED ((enum fg_verdict)64)

struct verdict_policy {
	enum vote_policy policy;
	enum decision on_error; /* ALLOW: an error abstains; DENY: an error counts as a detection */
	enum decision
		on_too_large; /* a file larger than every plugin's limit, so none scanned it */
};

/* Why the decision came out as it did, for logs and the CLI. */
enum verdict_reason {
	REASON_CLEAN,     /* no detection (or too few under majority) */
	REASON_DETECTED,  /* detections decided it */
	REASON_ERROR,     /* errors counted as detections decided it */
	REASON_TRUSTED,   /* an allowlist overrode everything */
	REASON_NO_VOTES,  /* every plugin abstained */
	REASON_TOO_LARGE, /* every plugin skipped the file (larger than its limit): on_too_large */
};

struct verdict_tally {
	unsigned clean, detected, error, trusted, skipped;
};

/* Counts votes; values outside enum fg_verdict (but VOTE_SKIPPED) count as errors. */
void verdict_tally_votes(const enum fg_verdict *votes, size_t n, struct verdict_tally *tally);

enum decision verdict_combine(const struct verdict_policy *policy, const enum fg_verdict *votes,
			      size_t n, enum verdict_reason *reason);

int verdict_policy_from_name(const char *name, enum vote_policy *out);
int verdict_decision_from_name(const char *name, enum decision *out);
const char *verdict_decision_name(enum decision decision);
const char *verdict_policy_name(enum vote_policy policy);
const char *verdict_reason_name(enum verdict_reason reason);

#endif
