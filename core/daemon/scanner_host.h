/*
 * The daemon's side of one scanner process, as core/scanner/scanner.c is the
 * scanner's own: starting it from the monitor's image, its first word (READY
 * or FAILED), the scans sent and the messages received over its socket, and
 * its end: killed, reaped and described. Called with the pipeline's lock held
 * (or before the collector runs).
 */
#ifndef FANGUARD_SCANNER_HOST_H
#define FANGUARD_SCANNER_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct engine;
struct proc_pipeline;
struct scan_request;
struct scanner;
struct scanner_scan;
union scanner_msg;

/*
 * Forks and execs `fanguardd --scanner NAME` from the monitor's own image,
 * with its end of a new socket pair on SCANNER_FD; s is then STARTING, its pid
 * published as a helper and its socket watched by the collector (once it runs).
 */
int scanner_host_spawn(struct proc_pipeline *p, struct scanner *s, char *err, size_t errlen);

/* What a scanner said when it started. */
enum scanner_hello {
	HELLO_READY,         /* it runs the plugins we expect: s is READY */
	HELLO_WRONG_PLUGINS, /* READY, but not with the plugins of its group */
	HELLO_FAILED,        /* FAILED: it could not start */
};
/*
 * Takes a READY or FAILED message from s, from whichever path waits for it:
 * start-up's or the collector's. Anything but HELLO_READY leaves the reason
 * in err.
 */
enum scanner_hello scanner_host_hello(struct scanner *s, const struct engine *e,
				      union scanner_msg *msg, char *err, size_t errlen);
/*
 * Start-up: waits for the first message of s into msg and takes it. -1 with
 * the reason in err if it failed, ran the wrong plugins or ended (then reaped).
 */
int scanner_host_await_ready(struct proc_pipeline *p, struct scanner *s, union scanner_msg *msg,
			     char *err, size_t errlen);

/* The scan message for req, the same for every scanner; tag comes back in the verdicts. */
void scanner_host_scan_msg(struct scanner_scan *scan, const struct scan_request *req, uint64_t tag);
/* Stamps scan with the time and hands it with fd to s without blocking. 0, or -1 with errno. */
int scanner_host_send_scan(const struct scanner *s, struct scanner_scan *scan, int fd);
/*
 * The next message from s without waiting, malformed ones skipped: its length;
 * 0 when s is gone (end of stream or a broken socket); -1 when none is waiting.
 */
ssize_t scanner_host_recv(const struct scanner *s, union scanner_msg *msg);

/* Kills s once, remembering why for its exit message; its socket closes and it is reaped. */
void scanner_host_kill(struct scanner *s, const char *reason);
/*
 * Reaps the process of s after its socket closed; describes how it ended.
 * True if a SIGKILL fanguardd did not send ended it (root, or the kernel's
 * OOM killer: nobody else can signal the scanners' user).
 */
bool scanner_host_reap(struct proc_pipeline *p, struct scanner *s, char *status_text, size_t size);
/* At stop, its socket closed: waits for s to exit until deadline, kills it after. */
void scanner_host_stop(struct proc_pipeline *p, struct scanner *s, uint64_t deadline);
/* Its resident anonymous memory (not the pages of files it maps); 0 when it has no process. */
uint64_t scanner_host_resident_bytes(const struct scanner *s);

#endif
