/* scan_top: bounded under a flood of distinct names, the heaviest name kept and its time exact. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "common/textbuf.h"
#include "daemon/scan_top.h"

static void test_flood_stays_bounded(void)
{
	static struct scan_top_table tab;
	char name[64];
	const struct scan_top_entry *heavy = NULL;

	for (int i = 0; i < 100000; i++) {
		snprintf(name, sizeof(name), "/tmp/flood-%d", i);
		scan_top_table_add(&tab, name, 10);
		if (i % 100 == 0)
			scan_top_table_add(&tab, "/usr/bin/heavy", 1000);
	}
	CHECK(tab.used == SCAN_TOP_SLOTS);
	for (unsigned i = 0; i < tab.used; i++)
		if (strcmp(tab.e[i].name, "/usr/bin/heavy") == 0)
			heavy = &tab.e[i];
	CHECK(heavy != NULL);
	/* it entered an empty table and never left: its time is exact */
	CHECK(heavy && heavy->ns == 1000ull * 1000 && heavy->error_ns == 0 && heavy->scans == 1000);
}

static void test_format_orders_by_time(void)
{
	static struct scan_top t;
	static char buf[65536];
	struct textbuf tb;
	char *light, *heavy;

	scan_top_init(&t);
	scan_top_add(&t, "/usr/bin/light", "/srv/a/x", 5);
	scan_top_add(&t, "/usr/bin/heavy", "/srv/b/y", 50);
	textbuf_init(&tb, buf, sizeof(buf));
	scan_top_format(&t, 10, &tb);
	light = strstr(buf, "/usr/bin/light");
	heavy = strstr(buf, "/usr/bin/heavy");
	CHECK(light && heavy && heavy < light);
	CHECK(strstr(buf, "  /srv/b\n") != NULL);
	scan_top_free(&t);
}

int main(void)
{
	test_flood_stays_bounded();
	test_format_orders_by_time();
	return check_summary();
}
