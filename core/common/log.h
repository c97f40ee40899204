/*
 * Logging. Messages go through a bounded in-memory queue to a writer thread,
 * so a blocked stderr or syslog never stalls the fanotify reader or a scan
 * worker. Before log_start_async() (and after log_stop()) writes are direct.
 */
#ifndef FANGUARD_LOG_H
#define FANGUARD_LOG_H

#include <stddef.h>
#include <syslog.h>

void log_init(const char *ident, int use_syslog, int max_level);
void log_set_level(int max_level);
int log_start_async(void);
void log_stop(void);
/* Every line is passed through log_escape: control bytes never reach stderr or syslog raw. */
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * Copies s into out (size bytes, always terminated): printable ASCII and
 * well-formed UTF-8 as they are, a backslash as "\\", and every other byte
 * (controls, DEL, C1 controls, malformed UTF-8) as "\xNN". Exposed for tests.
 */
size_t log_escape(const char *s, char *out, size_t size);

#define log_error(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

/* Parses "error", "warning", "info", "debug"; -1 if unknown. */
int log_level_from_name(const char *name);

#endif
