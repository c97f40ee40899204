/*
 * Repeated denies from the cache (core/daemon/deny_repeats.c): the first deny
 * of a (file, process) is logged, its repeats within the window counted and
 * summed up once, anything else logged at once.
 */
#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "daemon/deny_repeats.h"

#define S 1000000000ull

static struct deny_seen seen(ino_t ino, pid_t pid, const struct procinfo *who)
{
	return (struct deny_seen){ .dev = 1,
				   .ino = ino,
				   .pid = pid,
				   .kind = FG_EVENT_OPEN,
				   .who = who,
				   .path = "/w/f",
				   .threats = "clamav: X" };
}

static void test_first_then_counted(void)
{
	struct deny_repeats d;
	struct procinfo who = { .uid = 65534, .exe = "/usr/bin/cat" };
	struct deny_seen a = seen(7, 100, &who);

	CHECK(deny_repeats_init(&d) == 0);
	CHECK(deny_repeats_first(&d, &a, 1 * S));
	CHECK(deny_repeats_wait_ms(&d, 1 * S) == -1); /* nothing held back yet */
	for (int i = 0; i < 1000; i++)
		CHECK(!deny_repeats_first(&d, &a, 2 * S));
	CHECK(deny_repeats_wait_ms(&d, 2 * S) == 9000);
	/* another file, another process, the same pid running another program: at once */
	struct deny_seen other_file = seen(8, 100, &who), other_pid = seen(7, 101, &who);
	struct procinfo who2 = { .uid = 65534, .exe = "/usr/bin/python3" };
	struct deny_seen other_exe = seen(7, 100, &who2);
	CHECK(deny_repeats_first(&d, &other_file, 3 * S));
	CHECK(deny_repeats_first(&d, &other_pid, 3 * S));
	deny_repeats_flush(&d, 10 * S); /* not yet over */
	CHECK(deny_repeats_wait_ms(&d, 10 * S) == 1000);
	deny_repeats_flush(&d, 11 * S); /* summed up: nothing held back any more */
	CHECK(deny_repeats_wait_ms(&d, 11 * S) == -1);
	/* after its window the pair is logged again */
	CHECK(deny_repeats_first(&d, &a, 12 * S));
	CHECK(!deny_repeats_first(&d, &a, 12 * S));
	CHECK(deny_repeats_first(&d, &other_exe, 13 * S));
	deny_repeats_free(&d);
}

int main(void)
{
	test_first_then_counted();
	return check_summary();
}
