#include "common/histogram.h"
#include "common/monotonic.h"

#include <stdio.h>
#include <time.h>

static unsigned bucket_of(uint64_t ns)
{
	unsigned msb, sub;

	if (ns < HISTOGRAM_SUB)
		return (unsigned)ns;
	msb = 63u - (unsigned)__builtin_clzll(ns);
	/* the two bits below the leading one pick the quarter of the octave */
	sub = (unsigned)(ns >> (msb - 2)) & (HISTOGRAM_SUB - 1);
	return msb * HISTOGRAM_SUB + sub;
}

/* The largest value that falls in bucket b. */
static uint64_t bucket_top(unsigned b)
{
	unsigned msb = b / HISTOGRAM_SUB, sub = b % HISTOGRAM_SUB;

	if (msb < 2) /* values below 4 have a bucket each; 4..7 stay empty */
		return b < HISTOGRAM_SUB ? b : HISTOGRAM_SUB - 1;
	if (msb >= 63)
		return UINT64_MAX;
	return ((uint64_t)(HISTOGRAM_SUB + sub + 1) << (msb - 2)) - 1;
}

void histogram_add(struct histogram *h, uint64_t ns)
{
	uint64_t max = atomic_load_explicit(&h->max_ns, memory_order_relaxed);

	atomic_fetch_add_explicit(&h->bucket[bucket_of(ns)], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->count, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->sum_ns, ns, memory_order_relaxed);
	while (ns > max &&
	       !atomic_compare_exchange_weak_explicit(&h->max_ns, &max, ns, memory_order_relaxed,
						      memory_order_relaxed))
		;
}

uint64_t histogram_percentile(const struct histogram *h, double p)
{
	uint64_t n = atomic_load_explicit(&h->count, memory_order_relaxed), seen = 0, rank;
	uint64_t max = atomic_load_explicit(&h->max_ns, memory_order_relaxed);

	if (n == 0)
		return 0;
	rank = (uint64_t)(p / 100.0 * (double)n + 0.5);
	if (rank < 1)
		rank = 1;
	for (unsigned b = 0; b < HISTOGRAM_BUCKETS; b++) {
		seen += atomic_load_explicit(&h->bucket[b], memory_order_relaxed);
		if (seen >= rank)
			return bucket_top(b) < max ? bucket_top(b) : max;
	}
	return max;
}

void histogram_format_ns(uint64_t ns, char *buf, size_t size)
{
	if (ns < 10000)
		snprintf(buf, size, "%.1fus", (double)ns / 1e3);
	else if (ns < 1000000)
		snprintf(buf, size, "%.0fus", (double)ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, size, "%.1fms", (double)ns / 1e6);
	else
		snprintf(buf, size, "%.1fs", (double)ns / 1e9);
}

void histogram_format(const struct histogram *h, char *buf, size_t size)
{
	static const double pct[] = { 50, 90, 99 };
	uint64_t n = atomic_load_explicit(&h->count, memory_order_relaxed);
	size_t len;
	char v[32];

	len = (size_t)snprintf(buf, size, "n=%llu", (unsigned long long)n);
	if (n == 0)
		return;
	for (size_t i = 0; i < sizeof(pct) / sizeof(pct[0]) && len < size; i++) {
		histogram_format_ns(histogram_percentile(h, pct[i]), v, sizeof(v));
		len += (size_t)snprintf(buf + len, size - len, " p%.0f=%s", pct[i], v);
	}
	histogram_format_ns(atomic_load_explicit(&h->max_ns, memory_order_relaxed), v, sizeof(v));
	if (len < size)
		snprintf(buf + len, size - len, " max=%s", v);
}
