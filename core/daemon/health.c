#include "daemon/health.h"

#include <stdarg.h>
#include <stdio.h>

static const char *const cause_names[HEALTH_CAUSES] = {
	[HEALTH_SCANNER_DISABLED] = "scanner_disabled",
	[HEALTH_SCANNER_RESTARTING] = "scanner_restarting",
	[HEALTH_RELOAD_FAILED] = "reload_failed",
	[HEALTH_SIGNATURES_STALE] = "signatures_stale",
	[HEALTH_OVERLOAD] = "overload",
	[HEALTH_LATE_VERDICTS] = "late_verdicts",
	[HEALTH_TIMEOUTS] = "timeouts",
	[HEALTH_UNMARKED_FILESYSTEM] = "unmarked_filesystem",
	[HEALTH_OTHER_AGENT] = "other_agent",
	[HEALTH_KERNEL_FEATURE] = "kernel_feature",
};

void health_report_init(struct health_report *r)
{
	for (size_t i = 0; i < HEALTH_CAUSES; i++)
		r->problem[i] = false;
	r->text[0] = '\0';
	r->len = 0;
}

void health_add(struct health_report *r, enum health_cause c, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c >= HEALTH_CAUSES)
		return;
	r->problem[c] = true;
	if (r->len + 1 >= sizeof(r->text))
		return;
	n = snprintf(r->text + r->len, sizeof(r->text) - r->len, "%s%s: ", r->len ? "\n" : "",
		     cause_names[c]);
	if (n > 0)
		r->len += (size_t)n;
	if (r->len + 1 >= sizeof(r->text)) {
		r->len = sizeof(r->text) - 1;
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(r->text + r->len, sizeof(r->text) - r->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		r->len += (size_t)n;
	if (r->len >= sizeof(r->text))
		r->len = sizeof(r->text) - 1;
}

bool health_ok(const struct health_report *r)
{
	for (size_t i = 0; i < HEALTH_CAUSES; i++)
		if (r->problem[i])
			return false;
	return true;
}

const char *health_cause_name(enum health_cause c)
{
	return c < HEALTH_CAUSES ? cause_names[c] : "unknown";
}

#define WINDOW_SLOTS (HEALTH_WINDOW_S / HEALTH_SAMPLE_S + 1)

void health_window_sample(struct health_window *w, const struct health_counts *now_counts,
			  time_t now)
{
	unsigned last = (w->next + WINDOW_SLOTS - 1) % WINDOW_SLOTS;

	if (w->at[last] && now - w->at[last] < HEALTH_SAMPLE_S)
		return;
	w->sample[w->next] = *now_counts;
	w->at[w->next] = now;
	w->next = (w->next + 1) % WINDOW_SLOTS;
}

void health_window_check(const struct health_window *w, const struct health_counts *now_counts,
			 time_t now, struct health_report *r)
{
	const struct health_counts *base = NULL;
	time_t since = 0;

	/* the oldest sample still inside the window: the interval is now - since */
	for (unsigned k = 0; k < WINDOW_SLOTS; k++) {
		if (!w->at[k] || now - w->at[k] > HEALTH_WINDOW_S)
			continue;
		if (!base || w->at[k] < since) {
			base = &w->sample[k];
			since = w->at[k];
		}
	}
	if (!base)
		return; /* no sample yet: the control thread samples at once when it starts */
	if (now_counts->overload > base->overload)
		health_add(r, HEALTH_OVERLOAD,
			   "%llu open(s) answered by on_overload unscanned in the last %lld s",
			   now_counts->overload - base->overload, (long long)(now - since));
	if (now_counts->timeouts > base->timeouts)
		health_add(r, HEALTH_TIMEOUTS,
			   "%llu event(s) answered by on_timeout in the last %lld s",
			   now_counts->timeouts - base->timeouts, (long long)(now - since));
	if (now_counts->overdue > base->overdue)
		health_add(
			r, HEALTH_TIMEOUTS,
			"%llu scan(s) decided at the deadline without some scanner's votes in the "
			"last %lld s",
			now_counts->overdue - base->overdue, (long long)(now - since));
	if (now_counts->late > base->late)
		health_add(r, HEALTH_LATE_VERDICTS,
			   "%llu verdict(s) came after their deadline in the last %lld s",
			   now_counts->late - base->late, (long long)(now - since));
}
