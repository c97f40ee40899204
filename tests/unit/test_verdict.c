/* verdict_combine(): any-deny, majority, errors by on_error, allowlist overrides. */
#include <string.h>

#include "check.h"
#include "common/verdict.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static enum decision combine(enum vote_policy policy, enum decision on_error,
			     const enum fg_verdict *v, size_t n, enum verdict_reason *why)
{
	struct verdict_policy p = { .policy = policy, .on_error = on_error };
	return verdict_combine(&p, v, n, why);
}

static void test_any_deny(void)
{
	enum fg_verdict clean3[] = { FG_VERDICT_CLEAN, FG_VERDICT_CLEAN, FG_VERDICT_CLEAN };
	enum fg_verdict one[] = { FG_VERDICT_CLEAN, FG_VERDICT_DETECTED, FG_VERDICT_CLEAN };
	enum verdict_reason why;

	CHECK(combine(POLICY_ANY_DENY, DECISION_ALLOW, clean3, N(clean3), &why) == DECISION_ALLOW);
	CHECK(why == REASON_CLEAN);
	CHECK(combine(POLICY_ANY_DENY, DECISION_ALLOW, one, N(one), &why) == DECISION_DENY);
	CHECK(why == REASON_DETECTED);
}

static void test_majority(void)
{
	enum fg_verdict one_of_three[] = { FG_VERDICT_CLEAN, FG_VERDICT_DETECTED,
					   FG_VERDICT_CLEAN };
	enum fg_verdict two_of_three[] = { FG_VERDICT_DETECTED, FG_VERDICT_DETECTED,
					   FG_VERDICT_CLEAN };
	enum fg_verdict one_of_two[] = { FG_VERDICT_DETECTED, FG_VERDICT_CLEAN };
	/* An error abstains: one detection of the one plugin that voted is a majority. */
	enum fg_verdict one_voter[] = { FG_VERDICT_DETECTED, FG_VERDICT_ERROR, FG_VERDICT_ERROR };
	enum verdict_reason why;

	CHECK(combine(POLICY_MAJORITY, DECISION_ALLOW, one_of_three, 3, &why) == DECISION_ALLOW);
	CHECK(why == REASON_CLEAN);
	CHECK(combine(POLICY_MAJORITY, DECISION_ALLOW, two_of_three, 3, &why) == DECISION_DENY);
	CHECK(why == REASON_DETECTED);
	/* exactly half is not more than half */
	CHECK(combine(POLICY_MAJORITY, DECISION_ALLOW, one_of_two, 2, NULL) == DECISION_ALLOW);
	CHECK(combine(POLICY_MAJORITY, DECISION_ALLOW, one_voter, 3, NULL) == DECISION_DENY);
	/* the same votes with errors counted as detections */
	CHECK(combine(POLICY_MAJORITY, DECISION_DENY, one_of_two, 2, NULL) == DECISION_ALLOW);
}

static void test_errors(void)
{
	enum fg_verdict err_clean[] = { FG_VERDICT_ERROR, FG_VERDICT_CLEAN };
	enum fg_verdict all_err[] = { FG_VERDICT_ERROR, FG_VERDICT_ERROR };
	enum fg_verdict err2_clean1[] = { FG_VERDICT_ERROR, FG_VERDICT_ERROR, FG_VERDICT_CLEAN };
	enum verdict_reason why;

	CHECK(combine(POLICY_ANY_DENY, DECISION_ALLOW, err_clean, 2, &why) == DECISION_ALLOW);
	CHECK(why == REASON_CLEAN);
	CHECK(combine(POLICY_ANY_DENY, DECISION_DENY, err_clean, 2, &why) == DECISION_DENY);
	CHECK(why == REASON_ERROR);
	CHECK(combine(POLICY_ANY_DENY, DECISION_ALLOW, all_err, 2, &why) == DECISION_ALLOW);
	CHECK(why == REASON_NO_VOTES);
	CHECK(combine(POLICY_MAJORITY, DECISION_DENY, err2_clean1, 3, &why) == DECISION_DENY);
	CHECK(why == REASON_ERROR);
	CHECK(combine(POLICY_MAJORITY, DECISION_ALLOW, err2_clean1, 3, &why) == DECISION_ALLOW);
}

static void test_garbage_and_trusted(void)
{
	enum fg_verdict garbage[] = { (enum fg_verdict)77, FG_VERDICT_CLEAN };
	enum fg_verdict trusted[] = { FG_VERDICT_DETECTED, FG_VERDICT_TRUSTED,
				      FG_VERDICT_DETECTED };
	struct verdict_tally t;
	enum verdict_reason why;

	verdict_tally_votes(garbage, 2, &t);
	CHECK(t.error == 1 && t.clean == 1);
	CHECK(combine(POLICY_ANY_DENY, DECISION_DENY, garbage, 2, NULL) == DECISION_DENY);
	CHECK(combine(POLICY_ANY_DENY, DECISION_DENY, trusted, 3, &why) == DECISION_ALLOW);
	CHECK(why == REASON_TRUSTED);
	CHECK(combine(POLICY_ANY_DENY, DECISION_ALLOW, NULL, 0, &why) == DECISION_ALLOW);
	CHECK(why == REASON_NO_VOTES);
}

static void test_names(void)
{
	enum vote_policy p;
	enum decision d;

	CHECK(verdict_policy_from_name("majority", &p) == 0 && p == POLICY_MAJORITY);
	CHECK(verdict_policy_from_name("any-deny", &p) == 0 && p == POLICY_ANY_DENY);
	CHECK(verdict_policy_from_name("any_deny", &p) == -1);
	CHECK(verdict_decision_from_name("deny", &d) == 0 && d == DECISION_DENY);
	CHECK(verdict_decision_from_name("block", &d) == -1);
}

/* A plugin not asked (the file is over its max_file_size) abstains; all skipped: on_too_large. */
static void test_skipped(void)
{
	struct verdict_policy allow = { .policy = POLICY_ANY_DENY, .on_too_large = DECISION_ALLOW };
	struct verdict_policy deny = { .policy = POLICY_MAJORITY, .on_too_large = DECISION_DENY };
	enum fg_verdict all_skipped[] = { VOTE_SKIPPED, VOTE_SKIPPED };
	enum fg_verdict skip_detect[] = { VOTE_SKIPPED, FG_VERDICT_DETECTED };
	enum fg_verdict skip_clean[] = { VOTE_SKIPPED, FG_VERDICT_CLEAN };
	enum fg_verdict skip_trusted[] = { VOTE_SKIPPED, FG_VERDICT_TRUSTED };
	enum fg_verdict skip_error[] = { VOTE_SKIPPED, FG_VERDICT_ERROR };
	struct verdict_tally t;
	enum verdict_reason why;

	CHECK(verdict_combine(&allow, all_skipped, 2, &why) == DECISION_ALLOW);
	CHECK(why == REASON_TOO_LARGE);
	CHECK(verdict_combine(&deny, all_skipped, 2, &why) == DECISION_DENY);
	CHECK(why == REASON_TOO_LARGE);
	/* under majority a skipped plugin is not a voter: one detection of one voter denies */
	CHECK(verdict_combine(&deny, skip_detect, 2, &why) == DECISION_DENY);
	CHECK(why == REASON_DETECTED);
	CHECK(verdict_combine(&deny, skip_clean, 2, &why) == DECISION_ALLOW);
	CHECK(why == REASON_CLEAN);
	CHECK(verdict_combine(&deny, skip_trusted, 2, &why) == DECISION_ALLOW);
	CHECK(why == REASON_TRUSTED);
	/* an error beside a skip is not "too large": on_error decides (abstains here) */
	CHECK(verdict_combine(&deny, skip_error, 2, &why) == DECISION_ALLOW);
	CHECK(why == REASON_NO_VOTES);
	verdict_tally_votes(skip_error, 2, &t);
	CHECK(t.skipped == 1 && t.error == 1);
	CHECK(strcmp(verdict_reason_name(REASON_TOO_LARGE), "too large") == 0);
}

int main(void)
{
	test_any_deny();
	test_majority();
	test_errors();
	test_garbage_and_trusted();
	test_names();
	test_skipped();
	return check_summary();
}
