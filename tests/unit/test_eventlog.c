/* The event log: JSON escaping (paths are bytes, JSON wants Unicode) and rotation at its size cap. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "common/eventlog.h"
#include "common/procinfo.h"

static const char *esc(const char *s)
{
	static char out[256];

	eventlog_escape(s, out, sizeof(out));
	return out;
}

/* The n-th record's path: /file/NNNN. */
static void write_record(unsigned n)
{
	struct event_record r;
	struct procinfo who = { .uid = 0, .exe = "/bin/cat" };
	char path[64];

	snprintf(path, sizeof(path), "/file/%04u", n);
	event_record_init(&r, "deny", FG_EVENT_OPEN, path, 1, &who);
	eventlog_write(&r);
}

/* The record numbers of a file's lines, in order; how many lines; -1 if it cannot be read. */
static int numbers_in(const char *file, unsigned *out, int max)
{
	char line[4096];
	FILE *f = fopen(file, "r");
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f) && n < max) {
		const char *p = strstr(line, "\"path\":\"/file/");
		if (p)
			out[n++] = (unsigned)strtoul(p + strlen("\"path\":\"/file/"), NULL, 10);
	}
	fclose(f);
	return n;
}

/*
 * A size cap: a file about to grow past it is renamed PATH.1 (and PATH.1 PATH.2); two are
 * kept; no file is over the cap, and the kept files hold the newest records, in order.
 */
static void test_rotation(void)
{
	char dir[] = "/tmp/fg-eventlog.XXXXXX", path[128], name[160], err[256];
	unsigned nums[3][200];
	int counts[3];
	struct stat st;
	unsigned expect;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/events.jsonl", dir);
	CHECK(eventlog_open(path, 2048, 2, err, sizeof(err)) == 0);
	for (unsigned i = 0; i < 100; i++)
		write_record(i);
	eventlog_close();
	for (int k = 0; k < 3; k++) {
		if (k)
			snprintf(name, sizeof(name), "%s.%d", path, k);
		else
			snprintf(name, sizeof(name), "%s", path);
		CHECK(stat(name, &st) == 0);
		CHECK(st.st_size <= 2048);
		counts[k] = numbers_in(name, nums[k], 200);
		CHECK(counts[k] > 0);
	}
	snprintf(name, sizeof(name), "%s.3", path);
	CHECK(stat(name, &st) != 0); /* only two kept */
	/* oldest first: PATH.2, PATH.1, PATH; consecutive, ending with the last record */
	expect = 100 - (unsigned)(counts[0] + counts[1] + counts[2]);
	for (int k = 2; k >= 0; k--)
		for (int i = 0; i < counts[k]; i++)
			CHECK(nums[k][i] == expect++);
	CHECK(expect == 100);
	for (int k = 0; k < 4; k++) {
		if (k)
			snprintf(name, sizeof(name), "%s.%d", path, k);
		else
			snprintf(name, sizeof(name), "%s", path);
		unlink(name);
	}
	rmdir(dir);
}

int main(void)
{
	test_rotation();
	char small[8];

	CHECK(strcmp(esc("/tmp/plain.txt"), "/tmp/plain.txt") == 0);
	CHECK(strcmp(esc("a\"b\\c"), "a\\\"b\\\\c") == 0);
	CHECK(strcmp(esc("line\nbreak\ttab"), "line\\u000abreak\\u0009tab") == 0);
	CHECK(strcmp(esc("caf\xc3\xa9"), "caf\xc3\xa9") == 0); /* valid UTF-8 kept */
	CHECK(strcmp(esc("bad\xff"), "bad\\u00ff") == 0);      /* invalid byte escaped */
	CHECK(strcmp(esc("cut\xc3"), "cut\\u00c3") == 0);      /* truncated sequence */
	CHECK(strcmp(esc("\x7f"), "\\u007f") == 0);
	/* never overflows: output is cut at a whole escape */
	CHECK(eventlog_escape("\n\n\n\n", small, sizeof(small)) < sizeof(small));
	CHECK(strlen(small) < sizeof(small));
	return check_summary();
}
