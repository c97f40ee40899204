/*
 * Loading fanguard.conf (libconfuse). Loading also opens the shared objects
 * of the enabled plugins, because each plugin declares the options its
 * `plugin NAME { ... }` section may hold; plugins are not initialized here.
 */
#ifndef FANGUARD_CONFIG_H
#define FANGUARD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/path.h"
#include "common/plugin_host.h"
#include "common/policy.h"
#include "common/verdict.h"

/* Where the daemon listens for `fanguard status`, `reload` and `stats`. */
#define CONFIG_DEFAULT_CONTROL_SOCKET "/run/fanguard/fanguard.sock"

/* Plugins without `scanner = ...` share one scanner process of this name. */
#define CONFIG_DEFAULT_SCANNER "plugins"

#define CONFIG_EVENT_OPEN (1u << 0)
#define CONFIG_EVENT_EXEC (1u << 1)
#define CONFIG_EVENT_CLOSE_WRITE (1u << 2)

/* `schedule { }`: what `fanguard scheduled-scan` (fanguard-scan.service) scans, and how politely. */
struct schedule_config {
	char **paths; /* canonical absolute paths; none: the command refuses to run */
	size_t n_paths;
	struct path_set exclude; /* beside watch.exclude */
	char *on_calendar;       /* the timer's OnCalendar= */
	int nice;                /* 0..19 */
	bool io_idle;            /* io_class "idle", else "best-effort" */
	unsigned cpu_quota;      /* percent of one CPU for the service's CPUQuota=; 0: none */
	char *state;             /* the incremental state file (absolute) */
	char *progress;          /* the progress file `fanguard status` reads (absolute) */
	bool full;               /* every run ignores the state */
	bool quarantine;         /* detected files are moved into the quarantine */
	int use_daemon;          /* SCHEDULE_DAEMON_* */
};

#define SCHEDULE_DAEMON_AUTO 0 /* the running daemon scans when it answers, else this process */
#define SCHEDULE_DAEMON_YES 1  /* the daemon must scan */
#define SCHEDULE_DAEMON_NO 2   /* this process scans, with its own copy of the plugins */

/*
 * watch.user_fuse: what becomes of files on a FUSE mount made by a user other
 * than root, which can serve each reader other bytes and which root may not
 * even look into (no allow_other): scanned like any file, exec denied, or
 * every open and exec denied.
 */
enum user_fuse_policy {
	USER_FUSE_SCAN,
	USER_FUSE_DENY_EXEC,
	USER_FUSE_DENY,
};

struct config {
	char *path;   /* the config file */
	char *dir;    /* its folder: relative paths resolve against it */
	char **watch; /* canonical absolute paths */
	size_t n_watch;
	struct path_set exclude;     /* paths never scanned: canonical prefixes and globs */
	struct path_set exclude_exe; /* programs whose events are allowed unscanned */
	uid_t *exclude_uid;          /* users whose events are allowed unscanned */
	size_t n_exclude_uid;
	unsigned events; /* CONFIG_EVENT_* */
	unsigned long long max_file_size;
	enum user_fuse_policy user_fuse; /* watch.user_fuse: files on users' own FUSE mounts */
	struct verdict_policy verdict;
	struct policy_set policy; /* verdict.mode and `policy "PATH" { mode }`: block or report */
	unsigned timeout_ms;
	enum decision on_timeout;
	enum decision on_overload; /* an event beyond max_inflight or its user's share */
	bool late_quarantine;      /* a detection after the deadline: move the file */
	bool late_kill;            /* ... and kill the process that opened it */
	unsigned workers;          /* 0: one per online CPU */
	unsigned max_inflight;
	unsigned max_inflight_per_uid; /* events and scans one real uid may hold at once */
	unsigned cache_size;           /* verdicts remembered per inode; 0 turns caching off */
	bool scan_ahead;               /* a cold open has its folder's other files scanned idle */
	unsigned scan_ahead_files;     /* ... at most this many per folder */
	unsigned rescan_after_reload;  /* recently verdicted files re-scanned after a reload */
	bool isolate;                  /* plugins run in sandboxed scanner processes, not threads */
	char *scan_user;               /* the scanners' user */
	bool seccomp;
	bool landlock;            /* scanners touch files only beneath their temporary folder */
	unsigned memory_limit_mb; /* a scanner above it is restarted; 0: no limit */
	unsigned restart_limit;   /* crashes within restart_window_s that disable a scanner */
	unsigned restart_window_s;
	bool auto_reload;           /* reload when the plugins' data files change (inotify) */
	unsigned reload_settle_s;   /* ... once they have been quiet this long */
	unsigned signature_max_age; /* days; older signatures make health degraded; 0: never */
	int log_level;
	char *control_socket; /* absolute path; "" turns the control socket off */
	bool log_syslog;
	char *event_log;           /* JSON lines of detections: a file, "-" for stdout, "" off */
	unsigned event_log_max_mb; /* a file about to grow past it is rotated; 0: no cap */
	unsigned event_log_keep;   /* rotated files kept: PATH.1 .. PATH.N */
	char *quarantine_dir;      /* canonical absolute path; never scanned */
	bool quarantine_on_close_write; /* close_write detections are moved into quarantine */
	struct schedule_config schedule;
	struct plugin *plugins; /* enabled plugins, opened, not started */
	size_t n_plugins;
	size_t n_disabled;
};

/*
 * Loads path with plugins from plugin_dir (for plugins without `path`).
 * On error returns -1 with "FILE:LINE: message" (or "FILE: message") in err.
 */
int config_load(const char *path, const char *plugin_dir, struct config *cfg, char *err,
		size_t errlen);
void config_free(struct config *cfg);
void config_schedule_free(struct schedule_config *s);
/* "scan", "deny_exec", "deny": watch.user_fuse's value, for logs and status. */
const char *config_user_fuse_name(enum user_fuse_policy policy);
/*
 * Names the settings that differ between the running config and a freshly
 * loaded one and that only a restart applies (comma-separated into out, ""
 * when none). A reload applies the rest: plugin sections (new scanner
 * processes), the exclusions (watch.exclude, exclude_exe, exclude_uid) and
 * the modes (verdict.mode, policy sections).
 */
void config_restart_needed(const struct config *running, const struct config *fresh, char *out,
			   size_t outsize);

#endif
