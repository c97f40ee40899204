/*
 * Signatures, rules and hash lists picked up by themselves, like clamd's
 * SelfCheck: a thread of the daemon watches (inotify) the folders that hold
 * what the plugins' path-list options name, and once the changes have been
 * quiet for signatures.settle_s reloads through the one reload path
 * (monitor_reload: new scanners load, the old ones keep scanning until they
 * take over; a failure keeps the old set). It also keeps what is known of
 * each plugin's data (ClamAV database versions, age) as of the last load, for
 * status, metrics and the stale-signature warning.
 *
 * The watches are placed by the privileged daemon (the scanners are
 * sandboxed), on paths resolved only through symlinks root controls
 * (trust_resolve), never following a symlink inside a data folder, and at
 * most SIGNATURE_WATCH_MAX folders.
 */
#ifndef FANGUARD_SIGNATURE_WATCH_H
#define FANGUARD_SIGNATURE_WATCH_H

#include <stddef.h>

#define SIGNATURE_WATCH_MAX 1024

struct config;
struct monitor;
struct pipeline;
struct textbuf;
struct health_report;
struct signature_watch;

/*
 * Copies the data paths of cfg's plugins (before the daemon drops their
 * code and options) and reads what they hold. NULL only when out of memory.
 */
struct signature_watch *signature_watch_create(const struct config *cfg);
/*
 * Starts the thread: it notices every reload's end (to read the data again)
 * and, with signatures.auto_reload, watches the data and reloads through m.
 * -1 with err when the thread cannot start; no inotify is logged, not fatal.
 */
int signature_watch_start(struct signature_watch *w, struct monitor *m, struct pipeline *p,
			  char *err, size_t errlen);
void signature_watch_stop(struct signature_watch *w);

/* "signatures: ..." lines for `fanguard status`. Any thread. */
void signature_watch_format_status(struct signature_watch *w, struct textbuf *tb);
/* Signature counts, versions, age, last load, reloads in Prometheus' text format. */
void signature_watch_format_prometheus(struct signature_watch *w, struct textbuf *tb);
/* Signatures older than signatures.max_age_days. */
void signature_watch_health(struct signature_watch *w, struct health_report *r);

#endif
