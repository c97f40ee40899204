#include "common/histogram.h"
#include "common/monotonic.h"

#include <stdio.h>
#include <time.h>

#include "common/textbuf.h"

/* 10 us to 60 s: an open answered from the cache up to a scan at the longest timeout_ms */
const uint64_t histogram_le_ns[HISTOGRAM_LE_BOUNDS] = {
	10000ull,      25000ull,      50000ull,      100000ull,      250000ull,
	500000ull,     1000000ull,    2500000ull,    5000000ull,     10000000ull,
	25000000ull,   50000000ull,   100000000ull,  250000000ull,   500000000ull,
	1000000000ull, 2500000000ull, 5000000000ull, 10000000000ull, 60000000000ull,
};

static unsigned le_bucket_of(uint64_t ns)
{
	unsigned lo = 0, hi = HISTOGRAM_LE_BOUNDS;

	/* the first bound >= ns; HISTOGRAM_LE_BOUNDS when above all */
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		if (histogram_le_ns[mid] >= ns)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

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
	atomic_fetch_add_explicit(&h->le_bucket[le_bucket_of(ns)], 1, memory_order_relaxed);
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

void histogram_format_prometheus(const struct histogram *h, const char *name, const char *labels,
				 struct textbuf *tb)
{
	const char *sep = labels[0] ? "," : "";
	uint64_t cumulative = 0;

	/*
	 * The count is the buckets' sum, not h->count: writers update them one
	 * after the other, and Prometheus wants +Inf and _count to agree.
	 */
	for (unsigned i = 0; i < HISTOGRAM_LE_BOUNDS; i++) {
		cumulative += atomic_load_explicit(&h->le_bucket[i], memory_order_relaxed);
		textbuf_printf(tb, "%s_bucket{%s%sle=\"%g\"} %llu\n", name, labels, sep,
			       (double)histogram_le_ns[i] / 1e9, (unsigned long long)cumulative);
	}
	cumulative +=
		atomic_load_explicit(&h->le_bucket[HISTOGRAM_LE_BOUNDS], memory_order_relaxed);
	textbuf_printf(tb, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", name, labels, sep,
		       (unsigned long long)cumulative);
	if (labels[0]) {
		textbuf_printf(tb, "%s_sum{%s} %.9f\n", name, labels,
			       (double)atomic_load(&h->sum_ns) / 1e9);
		textbuf_printf(tb, "%s_count{%s} %llu\n", name, labels,
			       (unsigned long long)cumulative);
	} else {
		textbuf_printf(tb, "%s_sum %.9f\n", name, (double)atomic_load(&h->sum_ns) / 1e9);
		textbuf_printf(tb, "%s_count %llu\n", name, (unsigned long long)cumulative);
	}
}
