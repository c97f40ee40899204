/* The verdict cache and the latency histogram: pure logic (single-flight: test_flight.c). */
#include <stdlib.h>

#include "check.h"
#include "common/histogram.h"
#include "daemon/cache.h"

static struct stat file(dev_t dev, ino_t ino, off_t size, long mtime_ns, long ctime_ns)
{
	struct stat st;

	memset(&st, 0, sizeof(st));
	st.st_dev = dev;
	st.st_ino = ino;
	st.st_size = size;
	st.st_mtim.tv_sec = 1700000000;
	st.st_mtim.tv_nsec = mtime_ns;
	st.st_ctim.tv_sec = 1700000000;
	st.st_ctim.tv_nsec = ctime_ns;
	return st;
}

static void test_cache_validity(void)
{
	struct verdict_cache c;
	struct stat a = file(1, 10, 100, 5, 5);
	enum decision d;
	const char *threats;

	CHECK(cache_init(&c, 64) == 0);
	CHECK(!cache_lookup(&c, &a, &d, &threats));
	cache_store(&c, &a, DECISION_ALLOW, "");
	CHECK(cache_lookup(&c, &a, &d, &threats) && d == DECISION_ALLOW);

	struct stat grown = file(1, 10, 101, 5, 5), touched = file(1, 10, 100, 6, 5),
		    chmodded = file(1, 10, 100, 5, 6), other_dev = file(2, 10, 100, 5, 5);
	CHECK(!cache_lookup(&c, &other_dev, &d, NULL));
	CHECK(!cache_lookup(&c, &grown, &d, NULL)); /* size differs: entry dropped */
	CHECK(!cache_lookup(&c, &a, &d, NULL));     /* ...and gone */
	cache_store(&c, &a, DECISION_ALLOW, "");
	CHECK(!cache_lookup(&c, &touched, &d, NULL));
	cache_store(&c, &a, DECISION_ALLOW, "");
	CHECK(!cache_lookup(&c, &chmodded, &d, NULL));

	cache_store(&c, &a, DECISION_DENY, "clamav: Eicar");
	CHECK(cache_lookup(&c, &a, &d, &threats) && d == DECISION_DENY);
	CHECK(strcmp(threats, "clamav: Eicar") == 0);
	cache_forget(&c, a.st_dev, a.st_ino);
	CHECK(!cache_lookup(&c, &a, &d, NULL));

	cache_store(&c, &a, DECISION_ALLOW, "");
	cache_new_generation(&c); /* new signatures void old verdicts */
	CHECK(!cache_lookup(&c, &a, &d, NULL));
	CHECK(c.stats.stale >= 4);
	cache_free(&c);
}

static void test_cache_bounded(void)
{
	struct verdict_cache c;
	enum decision d;
	unsigned found = 0;

	CHECK(cache_init(&c, 64) == 0);
	for (ino_t i = 1; i <= 1000; i++) {
		struct stat st = file(1, i, 1, 0, 0);
		cache_store(&c, &st, DECISION_DENY, "x: y");
	}
	CHECK(c.size <= 64);
	CHECK(c.stats.evictions >= 1000 - 64);
	for (ino_t i = 1; i <= 1000; i++) {
		struct stat st = file(1, i, 1, 0, 0);
		found += cache_lookup(&c, &st, &d, NULL);
	}
	CHECK(found == c.size);
	/* the most recent entry survives */
	struct stat last = file(1, 1000, 1, 0, 0);
	CHECK(cache_lookup(&c, &last, &d, NULL));
	cache_free(&c);

	/* capacity 0 remembers nothing */
	CHECK(cache_init(&c, 0) == 0);
	cache_store(&c, &last, DECISION_ALLOW, "");
	CHECK(!cache_lookup(&c, &last, &d, NULL));
	cache_free(&c);
}

static void test_histogram(void)
{
	static struct histogram h;
	char buf[128];

	histogram_format(&h, buf, sizeof(buf));
	CHECK(strcmp(buf, "n=0") == 0);
	CHECK(histogram_percentile(&h, 50) == 0);
	for (uint64_t i = 1; i <= 1000; i++)
		histogram_add(&h, i * 1000); /* 1us .. 1ms */
	uint64_t p50 = histogram_percentile(&h, 50), p99 = histogram_percentile(&h, 99);
	CHECK(p50 >= 500000 && p50 <= 500000 * 5 / 4); /* within a bucket (25%) */
	CHECK(p99 >= 990000 && p99 <= 1000000);        /* capped by the maximum */
	CHECK(histogram_percentile(&h, 100) == 1000000);
	histogram_format(&h, buf, sizeof(buf));
	CHECK_STR_CONTAINS(buf, "n=1000 p50=");
	CHECK_STR_CONTAINS(buf, "max=1.0ms");
	histogram_add(&h, 0);
	histogram_add(&h, 3);
	CHECK(histogram_percentile(&h, 0.1) <= 3);
}

/* The empty-file verdict holds for the generation it was learned in; a cache of 0 keeps none. */
static void test_cache_empty_clean(void)
{
	struct verdict_cache c, none;

	CHECK(cache_init(&c, 64) == 0);
	CHECK(!cache_empty_is_clean(&c));
	cache_store_empty_clean(&c);
	CHECK(cache_empty_is_clean(&c));
	cache_new_generation(&c);
	CHECK(!cache_empty_is_clean(&c));
	cache_store_empty_clean(&c);
	CHECK(cache_empty_is_clean(&c));
	cache_free(&c);
	CHECK(cache_init(&none, 0) == 0);
	cache_store_empty_clean(&none);
	CHECK(!cache_empty_is_clean(&none));
	cache_free(&none);
}

int main(void)
{
	test_cache_validity();
	test_cache_empty_clean();
	test_cache_bounded();
	test_histogram();
	return check_summary();
}
