/* Limits a repeating log line to one per second, counting what it held back. */
#ifndef FANGUARD_RATELIMIT_H
#define FANGUARD_RATELIMIT_H

#include <stdbool.h>
#include <time.h>

struct ratelimit {
	time_t last;
	unsigned long suppressed;
};

/* True if the line may be logged now, with *suppressed the lines held back since the last. */
static inline bool ratelimit_pass(struct ratelimit *rl, unsigned long *suppressed)
{
	time_t now = time(NULL);

	if (now == rl->last) {
		rl->suppressed++;
		return false;
	}
	rl->last = now;
	*suppressed = rl->suppressed;
	rl->suppressed = 0;
	return true;
}

#endif
