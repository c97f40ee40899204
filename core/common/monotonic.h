/* The one clock for deadlines and latencies: CLOCK_MONOTONIC in nanoseconds. */
#ifndef FANGUARD_MONOTONIC_H
#define FANGUARD_MONOTONIC_H

#include <stdint.h>
#include <time.h>

static inline uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#endif
