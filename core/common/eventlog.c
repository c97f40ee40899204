#include "common/eventlog.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/procinfo.h"
#include "common/textbuf.h"
#include "common/utf8.h"

/*
 * The file is named by event_path. Before each append the path is checked
 * against the open file: a log rotated away (renamed or removed, by logrotate
 * or by hand) is followed by a new file at the path, so no signal is needed
 * and no line goes to a file about to be compressed. Lines are rare (denies,
 * detections, errors), so the stat and the lock cost nothing that matters.
 */
static pthread_mutex_t event_lock = PTHREAD_MUTEX_INITIALIZER;
static int event_fd = -1;
static atomic_bool event_on; /* event_fd is open: read without the lock */
static char *event_path;     /* NULL for stdout */
static dev_t event_dev;
static ino_t event_ino;
static unsigned long failed_writes; /* since the last write that worked */
static bool reopen_failing, rotate_failing;
static uint64_t event_size;      /* of the open file, as we wrote it */
static uint64_t event_max_bytes; /* 0: no cap (logrotate's to rotate) */
static unsigned event_keep;      /* files kept beside it when we rotate: PATH.1 .. PATH.N */

/* Opens path for appending, never through a symlink; -1 with err set. */
static int open_log_file(const char *path, struct stat *st, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0) {
		snprintf(err, errlen, "event log %s: %s%s", path, strerror(errno),
			 errno == ELOOP ? " (a symlink: refused)" : "");
		return -1;
	}
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
		snprintf(err, errlen, "event log %s: not a regular file", path);
		close(fd);
		return -1;
	}
	/* another name for the same file (a link to /etc/shadow, say) is not ours to append to */
	if (st->st_nlink != 1) {
		snprintf(err, errlen, "event log %s: has %ju names (hard links): refused", path,
			 (uintmax_t)st->st_nlink);
		close(fd);
		return -1;
	}
	return fd;
}

int eventlog_open(const char *path, uint64_t max_bytes, unsigned keep, char *err, size_t errlen)
{
	struct stat st;
	int fd;

	eventlog_close();
	if (!path || !path[0])
		return 0;
	if (strcmp(path, "-") == 0) {
		if ((fd = dup(STDOUT_FILENO)) < 0) {
			snprintf(err, errlen, "event log on stdout: %s", strerror(errno));
			return -1;
		}
		st.st_dev = 0;
		st.st_ino = 0;
	} else if ((fd = open_log_file(path, &st, err, errlen)) < 0) {
		return -1;
	}
	pthread_mutex_lock(&event_lock);
	if (strcmp(path, "-") != 0 && !(event_path = strdup(path))) {
		pthread_mutex_unlock(&event_lock);
		snprintf(err, errlen, "event log %s: out of memory", path);
		close(fd);
		return -1;
	}
	event_fd = fd;
	event_dev = st.st_dev;
	event_ino = st.st_ino;
	event_size = strcmp(path, "-") != 0 ? (uint64_t)st.st_size : 0;
	event_max_bytes = strcmp(path, "-") != 0 ? max_bytes : 0;
	event_keep = keep ? keep : 1;
	atomic_store(&event_on, true);
	pthread_mutex_unlock(&event_lock);
	return 0;
}

void eventlog_close(void)
{
	pthread_mutex_lock(&event_lock);
	atomic_store(&event_on, false);
	if (event_fd >= 0)
		close(event_fd);
	event_fd = -1;
	free(event_path);
	event_path = NULL;
	failed_writes = 0;
	reopen_failing = rotate_failing = false;
	pthread_mutex_unlock(&event_lock);
}

/* Under event_lock: a new file at the path if the open one is no longer there. */
static void follow_rotation(void)
{
	struct stat st;
	char err[PATH_MAX + 128];
	int fd;

	if (!event_path ||
	    (stat(event_path, &st) == 0 && st.st_dev == event_dev && st.st_ino == event_ino))
		return;
	if ((fd = open_log_file(event_path, &st, err, sizeof(err))) < 0) {
		/* keep appending to the old file: late lines there beat lost ones */
		if (!reopen_failing)
			log_warning("%s; events still go to the file it named before", err);
		reopen_failing = true;
		return;
	}
	if (reopen_failing)
		log_info("event log %s: writing to it again", event_path);
	reopen_failing = false;
	close(event_fd);
	event_fd = fd;
	event_dev = st.st_dev;
	event_ino = st.st_ino;
	event_size = (uint64_t)st.st_size;
}

/*
 * Under event_lock, before a line of `len` bytes: a file that would grow past
 * the cap is renamed PATH.1 (PATH.1 to PATH.2, and so on; the oldest, PATH.N,
 * goes), and follow_rotation then opens a new one at the path. A flood of
 * events (a user starting a process for every open of a detected file: each
 * one's first deny is logged) so takes at most (N + 1) x the cap of the disk.
 */
static void rotate_when_full(size_t len)
{
	char from[PATH_MAX + 16], to[PATH_MAX + 16];

	if (!event_path || !event_max_bytes || event_size == 0 ||
	    event_size + len <= event_max_bytes)
		return;
	for (unsigned i = event_keep; i > 1; i--) {
		snprintf(from, sizeof(from), "%s.%u", event_path, i - 1);
		snprintf(to, sizeof(to), "%s.%u", event_path, i);
		if (rename(from, to) != 0 && errno != ENOENT)
			break;
	}
	snprintf(to, sizeof(to), "%s.1", event_path);
	if (rename(event_path, to) != 0) {
		if (!rotate_failing)
			log_warning(
				"event log %s: cannot rotate it at its size cap: %s; it grows on",
				event_path, strerror(errno));
		rotate_failing = true;
		return;
	}
	rotate_failing = false;
}

bool eventlog_enabled(void)
{
	return atomic_load(&event_on);
}

/* Length of a valid UTF-8 sequence at s, or 0. */
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

const char *event_kind_name(enum fg_event_kind kind)
{
	switch (kind) {
	case FG_EVENT_OPEN: return "open";
	case FG_EVENT_EXEC: return "exec";
	case FG_EVENT_CLOSE_WRITE: return "close_write";
	case FG_EVENT_ON_DEMAND: return "scan";
	}
	return "event";
}

void event_record_init(struct event_record *r, const char *event, enum fg_event_kind kind,
		       const char *path, pid_t pid, const struct procinfo *who)
{
	memset(r, 0, sizeof(*r));
	r->event = event;
	r->kind = kind;
	r->path = path;
	r->pid = pid;
	r->uid = who ? who->uid : -1;
	r->exe = who ? who->exe : "?";
}

void event_record_add_finding(struct event_record *r, const char *plugin, const char *threat)
{
	if (r->n_findings >= PLUGINS_MAX)
		return;
	r->plugins[r->n_findings] = plugin;
	r->threats[r->n_findings++] = threat;
}

static void string_field(struct textbuf *tb, const char *name, const char *value)
{
	char esc[8192];

	eventlog_escape(value ? value : "", esc, sizeof(esc));
	textbuf_printf(tb, ",\"%s\":\"%s\"", name, esc);
}

void eventlog_write(const struct event_record *r)
{
	char line[32768], stamp[40], hex[65];
	struct textbuf tb;
	struct timespec ts;
	struct tm tm;

	if (!eventlog_enabled())
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	textbuf_init(&tb, line, sizeof(line) - 2);
	textbuf_printf(&tb, "{\"time\":\"%s.%03ldZ\"", stamp, ts.tv_nsec / 1000000);
	string_field(&tb, "event", r->event);
	string_field(&tb, "kind", event_kind_name(r->kind));
	string_field(&tb, "path", r->path);
	if (r->sha256) {
		for (int i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", r->sha256[i]);
		string_field(&tb, "sha256", hex);
	}
	string_field(&tb, "verdict", r->verdict);
	string_field(&tb, "action", r->action);
	string_field(&tb, "reason", r->reason);
	textbuf_printf(&tb, ",\"findings\":[");
	for (size_t i = 0; i < r->n_findings; i++) {
		char plugin[256], threat[1024];
		eventlog_escape(r->plugins[i], plugin, sizeof(plugin));
		eventlog_escape(r->threats[i], threat, sizeof(threat));
		textbuf_printf(&tb, "%s{\"plugin\":\"%s\",\"threat\":\"%s\"}", i ? "," : "", plugin,
			       threat);
	}
	textbuf_printf(&tb, "],\"pid\":%d,\"uid\":%ld", (int)r->pid, r->uid);
	string_field(&tb, "exe", r->exe);
	if (r->quarantine_id)
		string_field(&tb, "quarantine_id", r->quarantine_id);
	if (r->quarantine_error)
		string_field(&tb, "quarantine_error", r->quarantine_error);
	if (r->repeats)
		textbuf_printf(&tb, ",\"repeats\":%lu,\"repeats_window_s\":%u", r->repeats,
			       r->repeats_window_s);
	textbuf_printf(&tb, "}");
	line[tb.len++] = '\n';
	/* one append per event, under the lock that also guards a rotation */
	pthread_mutex_lock(&event_lock);
	if (event_fd >= 0) {
		rotate_when_full(tb.len);
		follow_rotation();
		if (write(event_fd, line, tb.len) == (ssize_t)tb.len) {
			event_size += tb.len;
			if (failed_writes)
				log_info("event log: writing again; %lu event line(s) were lost",
					 failed_writes);
			failed_writes = 0;
		} else if (failed_writes++ == 0) {
			/* the daemon's own log still has each event; say once that this one lacks them */
			log_warning(
				"event log %s: write failed: %s; events are missing from it until "
				"writes work again",
				event_path ? event_path : "(stdout)", strerror(errno));
		}
	}
	pthread_mutex_unlock(&event_lock);
}
