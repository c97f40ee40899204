/* log_escape: what reaches stderr and syslog is one line, whatever a file name holds. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "common/log.h"

static const char *esc(const char *in)
{
	static char out[1024];

	log_escape(in, out, sizeof(out));
	return out;
}

static void test_plain_text_is_kept(void)
{
	CHECK(strcmp(esc("DENY open of /srv/a b.txt: clamav: Eicar"),
		     "DENY open of /srv/a b.txt: clamav: Eicar") == 0);
	CHECK(strcmp(esc(""), "") == 0);
	/* well-formed UTF-8 stays readable */
	CHECK(strcmp(esc("/srv/\xc3\xa9t\xc3\xa9/\xe2\x82\xac/\xf0\x9f\x98\x80"),
		     "/srv/\xc3\xa9t\xc3\xa9/\xe2\x82\xac/\xf0\x9f\x98\x80") == 0);
}

static void test_a_newline_cannot_start_a_line(void)
{
	const char *out = esc("/srv/x\n2026-12-02T00:00:00.000 fanguardd[notice]: reload: done");

	CHECK(strchr(out, '\n') == NULL);
	CHECK(strcmp(out, "/srv/x\\x0a2026-12-02T00:00:00.000 fanguardd[notice]: reload: done") ==
	      0);
	CHECK(strcmp(esc("a\rb"), "a\\x0db") == 0);
}

static void test_controls_and_terminal_escapes(void)
{
	CHECK(strcmp(esc("\x1b[2J\x1b]0;title\x07"), "\\x1b[2J\\x1b]0;title\\x07") == 0);
	CHECK(strcmp(esc("tab\there"), "tab\\x09here") == 0);
	CHECK(strcmp(esc("del\x7f"), "del\\x7f") == 0);
	/* C1 controls are well-formed UTF-8, and CSI among them: escaped too */
	CHECK(strcmp(esc("\xc2\x9b"
			 "2J"),
		     "\\xc2\\x9b2J") == 0);
	CHECK(strcmp(esc("\xc2\xa0"), "\xc2\xa0") == 0); /* U+00A0 is not a control */
}

static void test_malformed_utf8_is_escaped(void)
{
	CHECK(strcmp(esc("\xff\xfe"), "\\xff\\xfe") == 0);
	CHECK(strcmp(esc("\xc3("), "\\xc3(") == 0);        /* a lead byte without its tail */
	CHECK(strcmp(esc("\xe2\x82"), "\\xe2\\x82") == 0); /* cut short at the end */
	CHECK(strcmp(esc("\xc0\xaf"), "\\xc0\\xaf") == 0); /* overlong '/' */
	CHECK(strcmp(esc("\xf5\x80\x80\x80"), "\\xf5\\x80\\x80\\x80") == 0);
}

static void test_backslash_is_doubled(void)
{
	/* else a name holding the four characters \x0a would read as an escaped newline */
	CHECK(strcmp(esc("a\\x0ab"), "a\\\\x0ab") == 0);
}

static void test_output_is_bounded_and_terminated(void)
{
	char small[8];
	size_t n;

	memset(small, 'Z', sizeof(small));
	n = log_escape("\n\n\n\n\n\n", small, sizeof(small));
	CHECK(n < sizeof(small));
	CHECK(small[n] == '\0');
	CHECK(strcmp(small, "\\x0a") == 0); /* no half escape */
	n = log_escape("abcdefghijkl", small, sizeof(small));
	CHECK(n == strlen(small) && n < sizeof(small));
	CHECK(log_escape("abc", small, 0) == 0);
}

/* The whole path: a log line with a newline in its argument comes out as one line. */
static void test_log_msg_writes_one_line(void)
{
	char buf[4096];
	int fds[2], saved;
	ssize_t n;
	size_t lines = 0;

	if (pipe(fds) != 0) {
		CHECK(!"pipe");
		return;
	}
	saved = dup(STDERR_FILENO);
	dup2(fds[1], STDERR_FILENO);
	log_init("test", 0, LOG_INFO);
	log_warning("DENY open of %s", "/srv/x\nfanguardd[notice]: reload: done");
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(fds[1]);
	n = read(fds[0], buf, sizeof(buf) - 1);
	close(fds[0]);
	CHECK(n > 0);
	buf[n > 0 ? n : 0] = '\0';
	for (char *p = buf; *p; p++)
		lines += *p == '\n';
	CHECK(lines == 1);
	CHECK_STR_CONTAINS(buf, "DENY open of /srv/x\\x0afanguardd[notice]: reload: done\n");
}

int main(void)
{
	test_plain_text_is_kept();
	test_a_newline_cannot_start_a_line();
	test_controls_and_terminal_escapes();
	test_malformed_utf8_is_escaped();
	test_backslash_is_doubled();
	test_output_is_bounded_and_terminated();
	test_log_msg_writes_one_line();
	return check_summary();
}
