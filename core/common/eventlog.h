/*
 * The event log: detections, denies, errors and timeouts as JSON lines, one
 * object per line, for a SIEM. The schema is in docs/events.md; fields are
 * only ever added. Writes are single appends, safe from any thread.
 */
#ifndef FANGUARD_EVENTLOG_H
#define FANGUARD_EVENTLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/plugin_host.h"
#include "fanguard/plugin.h"

struct procinfo;

/* One line of the event log; start each with event_record_init, the one builder every writer uses. */
struct event_record {
	const char *event; /* "deny", "detected", "allowed_despite_detection", "error", "timeout" */
	enum fg_event_kind kind; /* written as event_kind_name() */
	const char *path;
	const unsigned char *sha256; /* 32 bytes or NULL */
	const char *verdict;         /* "deny" or "allow": what the kernel was told */
	const char *action;          /* "denied", "allowed", "logged" (close_write cannot deny),
				     "quarantined", "quarantine-failed" */
	const char *reason;          /* why: "detected", "on_error", "on_timeout", "cache", ... */
	size_t n_findings;
	const char *plugins[PLUGINS_MAX]; /* per finding: plugin name */
	const char *threats[PLUGINS_MAX]; /* per finding: threat name or error message */
	pid_t pid;
	long uid;
	const char *exe;
	const char *quarantine_id;    /* action "quarantined": the item's ID; else NULL */
	const char *quarantine_error; /* action "quarantine-failed": why; else NULL */
	/* a record that stands for repeats not written one by one (daemon/deny_repeats.c); else 0 */
	unsigned long repeats;
	unsigned repeats_window_s; /* the seconds they came in */
};

/* "open", "exec", "close_write", "scan" (on demand): the event kinds' names in logs and events. */
const char *event_kind_name(enum fg_event_kind kind);
/*
 * Clears r and fills what every record has: what happened, to which file, and
 * who did it (who as procinfo_read gave it; NULL: unknown). The caller sets
 * verdict, action and reason, and adds the findings.
 */
void event_record_init(struct event_record *r, const char *event, enum fg_event_kind kind,
		       const char *path, pid_t pid, const struct procinfo *who);
/* One more finding (plugin, threat or error text); beyond PLUGINS_MAX they are left out. */
void event_record_add_finding(struct event_record *r, const char *plugin, const char *threat);

/*
 * Opens (creating 0600, never through a symlink) the file, or stdout for "-"; "" turns it off.
 * A file about to grow past max_bytes (0: no cap) is renamed PATH.1, keeping `keep` of them.
 */
int eventlog_open(const char *path, uint64_t max_bytes, unsigned keep, char *err, size_t errlen);
void eventlog_close(void);
bool eventlog_enabled(void);
void eventlog_write(const struct event_record *r);
/* JSON string body of s (no quotes): escapes, invalid UTF-8 bytes as \u00XX. Exposed for tests. */
size_t eventlog_escape(const char *s, char *out, size_t size);

#endif
