#include "common/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/utf8.h"

#define LOG_QUEUE_LEN 512
#define LOG_LINE_MAX 1024

struct log_line {
	int level;
	char text[LOG_LINE_MAX];
};

static struct {
	const char *ident;
	bool use_syslog;
	int max_level;
	bool async;
	bool stopping;
	pthread_t writer;
	pthread_mutex_t lock;
	pthread_cond_t nonempty;
	struct log_line queue[LOG_QUEUE_LEN];
	unsigned head, count;
	unsigned long dropped;
} logger = {
	.ident = "fanguard",
	.max_level = LOG_INFO,
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.nonempty = PTHREAD_COND_INITIALIZER,
};

static const char *level_name(int level)
{
	switch (level) {
	case LOG_EMERG:
	case LOG_ALERT:
	case LOG_CRIT:
	case LOG_ERR: return "error";
	case LOG_WARNING: return "warning";
	case LOG_NOTICE:
	case LOG_INFO: return "info";
	default: return "debug";
	}
}

int log_level_from_name(const char *name)
{
	static const struct {
		const char *name;
		int level;
	} names[] = {
		{ "error", LOG_ERR },
		{ "warning", LOG_WARNING },
		{ "info", LOG_INFO },
		{ "debug", LOG_DEBUG },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i].name) == 0)
			return names[i].level;
	return -1;
}

void log_init(const char *ident, int use_syslog, int max_level)
{
	logger.ident = ident;
	logger.use_syslog = use_syslog;
	logger.max_level = max_level;
	if (use_syslog)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_set_level(int max_level)
{
	logger.max_level = max_level;
}

static void log_write(const struct log_line *line)
{
	struct timespec ts;
	struct tm tm;
	char stamp[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ld %s[%s]: %s\n", stamp, ts.tv_nsec / 1000000, logger.ident,
		level_name(line->level), line->text);
	fflush(stderr);
	if (logger.use_syslog)
		syslog(line->level, "%s", line->text);
}

static void *log_writer_main(void *arg)
{
	struct log_line line;
	unsigned long dropped;

	(void)arg;
	pthread_mutex_lock(&logger.lock);
	for (;;) {
		while (logger.count == 0 && logger.dropped == 0 && !logger.stopping)
			pthread_cond_wait(&logger.nonempty, &logger.lock);
		if (logger.count == 0 && logger.dropped == 0 && logger.stopping)
			break;
		dropped = logger.dropped;
		logger.dropped = 0;
		if (logger.count > 0) {
			line = logger.queue[logger.head];
			logger.head = (logger.head + 1) % LOG_QUEUE_LEN;
			logger.count--;
		} else {
			line.level = -1;
		}
		pthread_mutex_unlock(&logger.lock);
		if (dropped) {
			struct log_line note = { .level = LOG_WARNING };
			snprintf(note.text, sizeof(note.text),
				 "log queue full: %lu messages dropped", dropped);
			log_write(&note);
		}
		if (line.level >= 0)
			log_write(&line);
		pthread_mutex_lock(&logger.lock);
	}
	pthread_mutex_unlock(&logger.lock);
	return NULL;
}

int log_start_async(void)
{
	if (logger.async)
		return 0;
	logger.stopping = false;
	if (pthread_create(&logger.writer, NULL, log_writer_main, NULL) != 0)
		return -1;
	logger.async = true;
	return 0;
}

void log_stop(void)
{
	if (!logger.async)
		return;
	pthread_mutex_lock(&logger.lock);
	logger.stopping = true;
	pthread_cond_signal(&logger.nonempty);
	pthread_mutex_unlock(&logger.lock);
	pthread_join(logger.writer, NULL);
	logger.async = false;
}

size_t log_escape(const char *str, char *out, size_t size)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len = 0, n;

	if (!size)
		return 0;
	for (; *s && len + 5 < size; s++) {
		if (*s == '\\') {
			out[len++] = '\\';
			out[len++] = '\\';
		} else if (*s >= 0x20 && *s < 0x7f) {
			out[len++] = (char)*s;
		} else if ((n = utf8_len(s)) && !(s[0] == 0xc2 && s[1] < 0xa0) && len + n < size) {
			/* well-formed, and not a C1 control (U+0080..U+009F, CSI among them) */
			memcpy(out + len, s, n);
			len += n;
			s += n - 1;
		} else {
			len += (size_t)snprintf(out + len, size - len, "\\x%02x", *s);
		}
	}
	out[len] = '\0';
	return len;
}

void log_msg(int level, const char *fmt, ...)
{
	struct log_line line = { .level = level };
	char raw[LOG_LINE_MAX];
	va_list ap;

	/* Notices are lifecycle lines (ready, stopping) shown at every level. */
	if (level > logger.max_level && level != LOG_NOTICE)
		return;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	/*
	 * File names and plugin messages come from users: a newline in one would
	 * start a forged line of our own (a fake "reload: done", a DENY by pid 1),
	 * an escape sequence would rewrite the terminal. One line stays one line.
	 */
	log_escape(raw, line.text, sizeof(line.text));

	if (!logger.async) {
		pthread_mutex_lock(&logger.lock);
		log_write(&line);
		pthread_mutex_unlock(&logger.lock);
		return;
	}
	pthread_mutex_lock(&logger.lock);
	if (logger.count == LOG_QUEUE_LEN) {
		logger.dropped++;
	} else {
		logger.queue[(logger.head + logger.count) % LOG_QUEUE_LEN] = line;
		logger.count++;
	}
	pthread_cond_signal(&logger.nonempty);
	pthread_mutex_unlock(&logger.lock);
}
