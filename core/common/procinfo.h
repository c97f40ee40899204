/*
 * Read from /proc: who caused an event (the uid and executable of a pid, for
 * logs and exclusions), and what file an open descriptor is.
 */
#ifndef FANGUARD_PROCINFO_H
#define FANGUARD_PROCINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct procinfo {
	long uid;      /* real uid, -1 if unknown */
	char exe[512]; /* executable path, "?" if unknown */
	bool exited;   /* the process was gone when it was looked up */
};

void procinfo_read(pid_t pid, struct procinfo *out);

/*
 * "uid 1000, exe /usr/bin/cat" for log lines; "uid ?, exe ? (exited)" when the
 * process had gone (a close_write whose writer exited), "?" for what could not
 * be read of a live one. Returns buf.
 */
const char *procinfo_describe(const struct procinfo *who, char *buf, size_t size);

/*
 * The executable of pid (readlink of /proc/PID/exe) into buf. Returns its
 * length, or -1 if the process is gone or its executable was deleted or
 * replaced since it started (the kernel then appends " (deleted)": the path no
 * longer names the program that runs).
 */
int procinfo_exe(pid_t pid, char *buf, size_t size);

/* The real and effective uid of pid from /proc/PID/status; -1 if the process is gone. */
int procinfo_uids(pid_t pid, uid_t *real, uid_t *effective);

/* Who may change what a process runs: its uids and its tracer. */
struct procinfo_guard {
	uid_t uid[4]; /* real, effective, saved, filesystem (as the host's namespace sees them) */
	pid_t tracer_pid; /* the process tracing it (ptrace), 0 if none */
};

/* Fills out from /proc/PID/status; -1 if the process is gone or the file unreadable. */
int procinfo_guard(pid_t pid, struct procinfo_guard *out);

/*
 * The current name of the file open as fd in this process (readlink of
 * /proc/self/fd/FD) into buf; "" and a result <= 0 if the kernel gives none
 * or it does not fit in size (ENAMETOOLONG: never a cut name).
 */
ssize_t procinfo_fd_path(int fd, char *buf, size_t size);

#endif
