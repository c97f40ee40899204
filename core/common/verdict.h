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

struct verdict_policy {
	enum vote_policy policy;
	enum decision on_error; /* ALLOW: an error abstains; DENY: an error counts as a detection */
};

/* Why the decision came out as it did, for logs and the CLI. */
enum verdict_reason {
	REASON_CLEAN,    /* no detection (or too few under majority) */
	REASON_DETECTED, /* detections decided it */
	REASON_ERROR,    /* errors counted as detections decided it */
	REASON_TRUSTED,  /* an allowlist overrode everything */
	REASON_NO_VOTES, /* every plugin abstained */
};

struct verdict_tally {
	unsigned clean, detected, error, trusted;
};

/* Counts votes; values outside enum fg_verdict count as errors. */
void verdict_tally_votes(const enum fg_verdict *votes, size_t n, struct verdict_tally *tally);

enum decision verdict_combine(const struct verdict_policy *policy, const enum fg_verdict *votes,
			      size_t n, enum verdict_reason *reason);

int verdict_policy_from_name(const char *name, enum vote_policy *out);
int verdict_decision_from_name(const char *name, enum decision *out);
const char *verdict_decision_name(enum decision decision);
const char *verdict_policy_name(enum vote_policy policy);
const char *verdict_reason_name(enum verdict_reason reason);

#endif
