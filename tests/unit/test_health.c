/*
 * What `fanguard health` and the metrics are built from: the health report
 * and its window of counters (core/daemon/health.c), ClamAV database headers
 * and the data's age (core/daemon/signature_info.c), and the Prometheus
 * histogram buckets (core/common/histogram.c).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "common/histogram.h"
#include "common/textbuf.h"
#include "daemon/health.h"
#include "daemon/signature_info.h"

static void test_report(void)
{
	struct health_report r;

	health_report_init(&r);
	CHECK(health_ok(&r));
	health_add(&r, HEALTH_SCANNER_DISABLED, "scanner %s is disabled", "x");
	health_add(&r, HEALTH_OTHER_AGENT, "clamonacc (pid %d); and more", 42);
	CHECK(!health_ok(&r));
	CHECK(r.problem[HEALTH_SCANNER_DISABLED] && r.problem[HEALTH_OTHER_AGENT]);
	CHECK(!r.problem[HEALTH_TIMEOUTS]);
	CHECK(strcmp(r.text, "scanner_disabled: scanner x is disabled\n"
			     "other_agent: clamonacc (pid 42); and more") == 0);
	CHECK(strcmp(health_cause_name(HEALTH_SIGNATURES_STALE), "signatures_stale") == 0);
	/* a flood of problems is cut, never written past the end */
	for (int i = 0; i < 500; i++)
		health_add(&r, HEALTH_TIMEOUTS, "%0100d", i);
	CHECK(r.len < sizeof(r.text) && strlen(r.text) == r.len);
}

/* Counters that grew within the window are problems; growth older than the window is not. */
static void test_window(void)
{
	struct health_window w = { 0 };
	struct health_counts c = { 0 };
	struct health_report r;
	time_t t = 1000;

	health_window_sample(&w, &c, t);
	health_report_init(&r);
	health_window_check(&w, &c, t + 5, &r);
	CHECK(health_ok(&r));

	c.timeouts = 2;
	c.overdue = 1;
	health_window_sample(&w, &c, t + 10); /* too soon after the last: not kept */
	health_report_init(&r);
	health_window_check(&w, &c, t + 10, &r);
	CHECK(r.problem[HEALTH_TIMEOUTS] && !r.problem[HEALTH_OVERLOAD]);
	CHECK_STR_CONTAINS(r.text, "2 event(s) answered by on_timeout in the last 10 s");
	CHECK_STR_CONTAINS(r.text, "1 scan(s) decided at the deadline");

	/* samples every 30 s: once the growth is older than the window, health is ok again */
	for (time_t s = t + 30; s <= t + 30 + HEALTH_WINDOW_S + 60; s += HEALTH_SAMPLE_S)
		health_window_sample(&w, &c, s);
	health_report_init(&r);
	health_window_check(&w, &c, t + 30 + HEALTH_WINDOW_S + 60, &r);
	CHECK(health_ok(&r));

	c.overload = 7;
	c.late = 1;
	health_report_init(&r);
	health_window_check(&w, &c, t + 30 + HEALTH_WINDOW_S + 61, &r);
	CHECK(r.problem[HEALTH_OVERLOAD] && r.problem[HEALTH_LATE_VERDICTS]);
	CHECK_STR_CONTAINS(r.text, "7 open(s) answered by on_overload unscanned");
}

static void test_cvd_header(void)
{
	const char daily[] = "ClamAV-VDB:07 Dec 2026 08-14 +0000:27477:2070838:90:"
			     "0123456789abcdef0123456789abcdef:SIGNATURE:raynman:1796630040     ";
	unsigned version = 0;
	time_t built = 0;

	CHECK(signature_info_parse_cvd(daily, sizeof(daily) - 1, &version, &built) == 0);
	CHECK(version == 27477 && built == 1796630040);
	/* no build time: the version alone */
	CHECK(signature_info_parse_cvd("ClamAV-VDB:x:62:1", 17, &version, &built) == 0);
	CHECK(version == 62 && built == 0);
	CHECK(signature_info_parse_cvd("ClamAV-VDB:x:6x2:1", 18, &version, &built) == -1);
	CHECK(signature_info_parse_cvd("ClamAV-VDB:x", 12, &version, &built) == -1);
	CHECK(signature_info_parse_cvd("PK\x03\x04 not a database", 22, &version, &built) == -1);
	CHECK(signature_info_parse_cvd("", 0, &version, &built) == -1);
}

/* A folder with two databases (daily twice: the newer counts) and a rule file with an old mtime. */
static void test_signature_info(void)
{
	char dir[] = "/tmp/fanguard-test-siginfo.XXXXXX", path[512], sub[128];
	char *paths[1];
	struct signature_info info;
	struct timespec old[2] = { { .tv_sec = 1000000000 }, { .tv_sec = 1000000000 } };
	FILE *f;

	CHECK(mkdtemp(dir) != NULL);
	paths[0] = dir;
	snprintf(path, sizeof(path), "%s/rules.yar", dir);
	f = fopen(path, "w");
	CHECK(f && fputs("rule a { condition: true }\n", f) >= 0 && fclose(f) == 0);
	CHECK(utimensat(AT_FDCWD, path, old, 0) == 0);
	signature_info_read(paths, 1, &info);
	CHECK(info.files == 1 && info.made == 1000000000 && !info.from_headers);
	CHECK(info.version[0] == '\0');

	snprintf(sub, sizeof(sub), "%s/db", dir);
	CHECK(mkdir(sub, 0700) == 0);
	snprintf(path, sizeof(path), "%s/daily.cld", sub);
	f = fopen(path, "w");
	CHECK(f && fputs("ClamAV-VDB:d:27470:1:90:m:s:b:1796000000      ", f) >= 0 &&
	      fclose(f) == 0);
	snprintf(path, sizeof(path), "%s/daily.cvd", sub);
	f = fopen(path, "w");
	CHECK(f && fputs("ClamAV-VDB:d:27477:1:90:m:s:b:1796630040      ", f) >= 0 &&
	      fclose(f) == 0);
	snprintf(path, sizeof(path), "%s/main.cvd", sub);
	f = fopen(path, "w");
	CHECK(f && fputs("ClamAV-VDB:d:62:1:90:m:s:b:1600000000      ", f) >= 0 && fclose(f) == 0);
	snprintf(path, sizeof(path), "%s/evil.cvd", sub);
	CHECK(symlink("/etc/shadow", path) == 0); /* never followed */
	signature_info_read(paths, 1, &info);
	CHECK(info.files == 4 && info.from_headers && info.made == 1796630040);
	CHECK(strstr(info.version, "daily 27477") && strstr(info.version, "main 62"));
	CHECK(!strstr(info.version, "27470") && !strstr(info.version, "evil"));

	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	CHECK(system(path) == 0);
}

static void test_histogram_buckets(void)
{
	static struct histogram h;
	static char text[16384];
	struct textbuf tb;

	histogram_add(&h, 5000);           /* 5 us */
	histogram_add(&h, 10000);          /* 10 us: le="1e-05" includes it */
	histogram_add(&h, 3000000);        /* 3 ms */
	histogram_add(&h, 90000000000ull); /* 90 s: above every bound */
	textbuf_init(&tb, text, sizeof(text));
	histogram_format_prometheus(&h, "x_seconds", "stage=\"read\"", &tb);
	CHECK_STR_CONTAINS(text, "x_seconds_bucket{stage=\"read\",le=\"1e-05\"} 2\n");
	CHECK_STR_CONTAINS(text, "x_seconds_bucket{stage=\"read\",le=\"0.0025\"} 2\n");
	CHECK_STR_CONTAINS(text, "x_seconds_bucket{stage=\"read\",le=\"0.005\"} 3\n");
	CHECK_STR_CONTAINS(text, "x_seconds_bucket{stage=\"read\",le=\"60\"} 3\n");
	CHECK_STR_CONTAINS(text, "x_seconds_bucket{stage=\"read\",le=\"+Inf\"} 4\n");
	CHECK_STR_CONTAINS(text, "x_seconds_count{stage=\"read\"} 4\n");
	CHECK_STR_CONTAINS(text, "x_seconds_sum{stage=\"read\"} 90.003015000\n");
	textbuf_init(&tb, text, sizeof(text));
	histogram_format_prometheus(&h, "y_seconds", "", &tb);
	CHECK_STR_CONTAINS(text, "y_seconds_bucket{le=\"+Inf\"} 4\ny_seconds_sum 90.003015000\n"
				 "y_seconds_count 4\n");
}

int main(void)
{
	test_report();
	test_window();
	test_cvd_header();
	test_signature_info();
	test_histogram_buckets();
	return check_summary();
}
