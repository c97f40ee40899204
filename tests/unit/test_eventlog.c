/* JSON escaping of what goes into the event log: paths are bytes, JSON wants Unicode. */
#include "check.h"
#include "common/eventlog.h"

static const char *esc(const char *s)
{
	static char out[256];

	eventlog_escape(s, out, sizeof(out));
	return out;
}

int main(void)
{
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
