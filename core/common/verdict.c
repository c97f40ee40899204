#include "common/verdict.h"

#include <string.h>

void verdict_tally_votes(const enum fg_verdict *votes, size_t n, struct verdict_tally *tally)
{
	memset(tally, 0, sizeof(*tally));
	for (size_t i = 0; i < n; i++) {
		switch ((int)votes[i]) { /* int: VOTE_SKIPPED is the host's, outside the enum */
		case FG_VERDICT_CLEAN: tally->clean++; break;
		case FG_VERDICT_DETECTED: tally->detected++; break;
		case FG_VERDICT_TRUSTED: tally->trusted++; break;
		case VOTE_SKIPPED: tally->skipped++; break;
		case FG_VERDICT_ERROR:
		default: tally->error++; break; /* a garbage value from a plugin is its error */
		}
	}
}

enum decision verdict_combine(const struct verdict_policy *policy, const enum fg_verdict *votes,
			      size_t n, enum verdict_reason *reason)
{
	struct verdict_tally t;
	unsigned against, voters;
	enum verdict_reason why;
	enum decision decision;

	verdict_tally_votes(votes, n, &t);
	against = t.detected;
	voters = t.clean + t.detected;
	if (policy->on_error == DECISION_DENY) {
		against += t.error;
		voters += t.error;
	}

	if (t.trusted > 0) {
		decision = DECISION_ALLOW;
		why = REASON_TRUSTED;
	} else if (n > 0 && t.skipped == n) {
		decision = policy->on_too_large;
		why = REASON_TOO_LARGE;
	} else if (voters == 0) {
		decision = DECISION_ALLOW;
		why = REASON_NO_VOTES;
	} else if (policy->policy == POLICY_ANY_DENY) {
		decision = against > 0 ? DECISION_DENY : DECISION_ALLOW;
		why = against == 0 ? REASON_CLEAN : t.detected > 0 ? REASON_DETECTED : REASON_ERROR;
	} else {
		decision = 2 * against > voters ? DECISION_DENY : DECISION_ALLOW;
		why = decision == DECISION_ALLOW ? REASON_CLEAN
		      : t.detected * 2 > voters  ? REASON_DETECTED
						 : REASON_ERROR;
	}
	if (reason)
		*reason = why;
	return decision;
}

int verdict_policy_from_name(const char *name, enum vote_policy *out)
{
	if (strcmp(name, "any-deny") == 0)
		*out = POLICY_ANY_DENY;
	else if (strcmp(name, "majority") == 0)
		*out = POLICY_MAJORITY;
	else
		return -1;
	return 0;
}

int verdict_decision_from_name(const char *name, enum decision *out)
{
	if (strcmp(name, "allow") == 0)
		*out = DECISION_ALLOW;
	else if (strcmp(name, "deny") == 0)
		*out = DECISION_DENY;
	else
		return -1;
	return 0;
}

const char *verdict_decision_name(enum decision decision)
{
	return decision == DECISION_DENY ? "deny" : "allow";
}

const char *verdict_policy_name(enum vote_policy policy)
{
	return policy == POLICY_MAJORITY ? "majority" : "any-deny";
}

const char *verdict_reason_name(enum verdict_reason reason)
{
	switch (reason) {
	case REASON_CLEAN: return "clean";
	case REASON_DETECTED: return "detected";
	case REASON_ERROR: return "plugin error";
	case REASON_TRUSTED: return "allowlisted";
	case REASON_NO_VOTES: return "no plugin voted";
	case REASON_TOO_LARGE: return "too large";
	}
	return "unknown";
}
