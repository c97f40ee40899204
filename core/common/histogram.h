/*
 * Latency histograms that worker threads fill without locks: buckets four to
 * each power of two of nanoseconds (so a percentile is within 19% of the truth),
 * relaxed atomic counters. Pure logic.
 */
#ifndef FANGUARD_HISTOGRAM_H
#define FANGUARD_HISTOGRAM_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define HISTOGRAM_SUB 4
#define HISTOGRAM_BUCKETS (64 * HISTOGRAM_SUB)

/*
 * Prometheus buckets: fixed upper bounds, the same on every host, so that
 * rates of them can be summed across hosts (percentiles cannot). Counted
 * exactly (each value lands in the first bound it does not exceed), apart from
 * the fine buckets above that give the status line its percentiles.
 */
#define HISTOGRAM_LE_BOUNDS 20
extern const uint64_t histogram_le_ns[HISTOGRAM_LE_BOUNDS];

struct histogram {
	_Atomic uint64_t bucket[HISTOGRAM_BUCKETS];
	_Atomic uint64_t le_bucket[HISTOGRAM_LE_BOUNDS + 1]; /* the last: above every bound */
	_Atomic uint64_t count;
	_Atomic uint64_t sum_ns;
	_Atomic uint64_t max_ns;
};

void histogram_add(struct histogram *h, uint64_t ns);
/* An upper bound of the p-th percentile (0 < p <= 100) in ns; 0 when empty. */
uint64_t histogram_percentile(const struct histogram *h, double p);
/* "n=120 p50=41us p90=80us p99=1.2ms max=3.4ms", or "n=0". */
void histogram_format(const struct histogram *h, char *buf, size_t size);
struct textbuf;
/*
 * h as the series of a Prometheus histogram named name (its # HELP and # TYPE
 * lines are the caller's): name_bucket{labels,le="..."} cumulative, +Inf,
 * name_sum in seconds and name_count. labels: "" or `stage="read"`.
 */
void histogram_format_prometheus(const struct histogram *h, const char *name, const char *labels,
				 struct textbuf *tb);
/* "41us", "1.2ms", "3.0s" */
void histogram_format_ns(uint64_t ns, char *buf, size_t size);

#endif
