#include "eventlog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "textbuf.h"

static int event_fd = -1;

int eventlog_open(const char *path, char *err, size_t errlen)
{
	struct stat st;

	eventlog_close();
	if (!path || !path[0])
		return 0;
	if (strcmp(path, "-") == 0) {
		event_fd = dup(STDOUT_FILENO);
		return event_fd < 0 ? -1 : 0;
	}
	event_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (event_fd < 0) {
		snprintf(err, errlen, "event log %s: %s%s", path, strerror(errno),
			 errno == ELOOP ? " (a symlink: refused)" : "");
		return -1;
	}
	if (fstat(event_fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "event log %s: not a regular file", path);
		eventlog_close();
		return -1;
	}
	return 0;
}

void eventlog_close(void)
{
	if (event_fd >= 0)
		close(event_fd);
	event_fd = -1;
}

bool eventlog_enabled(void)
{
	return event_fd >= 0;
}

/* Length of a valid UTF-8 sequence at s, or 0. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;

	if (n == 0 || s[0] > 0xf4)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

size_t eventlog_escape(const char *str, char *out, size_t size)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len = 0, n;

	if (!size)
		return 0;
	for (; *s && len + 7 < size; s++) {
		if (*s == '"' || *s == '\\') {
			out[len++] = '\\';
			out[len++] = (char)*s;
		} else if (*s < 0x20 || *s == 0x7f) {
			len += (size_t)snprintf(out + len, size - len, "\\u%04x", *s);
		} else if (*s < 0x80) {
			out[len++] = (char)*s;
		} else if ((n = utf8_len(s)) && len + n < size) {
			memcpy(out + len, s, n);
			len += n;
			s += n - 1;
		} else {
			len += (size_t)snprintf(out + len, size - len, "\\u%04x", *s);
		}
	}
	out[len] = '\0';
	return len;
}

static void string_field(struct textbuf *tb, const char *name, const char *value)
{
	char esc[8192];

	eventlog_escape(value ? value : "", esc, sizeof(esc));
	tb_printf(tb, ",\"%s\":\"%s\"", name, esc);
}

void eventlog_write(const struct event_record *r)
{
	char line[32768], stamp[40], hex[65];
	struct textbuf tb;
	struct timespec ts;
	struct tm tm;

	if (event_fd < 0)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	tb_init(&tb, line, sizeof(line) - 2);
	tb_printf(&tb, "{\"time\":\"%s.%03ldZ\"", stamp, ts.tv_nsec / 1000000);
	string_field(&tb, "event", r->event);
	string_field(&tb, "kind", r->kind);
	string_field(&tb, "path", r->path);
	if (r->sha256) {
		for (int i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", r->sha256[i]);
		string_field(&tb, "sha256", hex);
	}
	string_field(&tb, "verdict", r->verdict);
	string_field(&tb, "action", r->action);
	string_field(&tb, "reason", r->reason);
	tb_printf(&tb, ",\"findings\":[");
	for (size_t i = 0; i < r->n_findings; i++) {
		char plugin[256], threat[1024];
		eventlog_escape(r->plugins[i], plugin, sizeof(plugin));
		eventlog_escape(r->threats[i], threat, sizeof(threat));
		tb_printf(&tb, "%s{\"plugin\":\"%s\",\"threat\":\"%s\"}", i ? "," : "", plugin, threat);
	}
	tb_printf(&tb, "],\"pid\":%d,\"uid\":%ld", (int)r->pid, r->uid);
	string_field(&tb, "exe", r->exe);
	if (r->quarantine_id)
		string_field(&tb, "quarantine_id", r->quarantine_id);
	if (r->quarantine_error)
		string_field(&tb, "quarantine_error", r->quarantine_error);
	tb_printf(&tb, "}");
	line[tb.len++] = '\n';
	/* one append per event: lines from several threads never interleave */
	if (write(event_fd, line, tb.len) < 0) {
		/* nothing sensible to do from here: the daemon's own log still has the line */
	}
}
