/*
 * Confining a scanner process: an unprivileged user, no capabilities, no new
 * privileges, and a seccomp filter that allows what scanning needs; and the
 * daemon's own, much wider, filter.
 */
#ifndef FANGUARD_SANDBOX_H
#define FANGUARD_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct sandbox_user {
	uid_t uid;
	gid_t gid;
	bool drop; /* false when not running as root: nothing to drop */
};

/* Looks up a user name (or a number). -1 with a message if there is no such user. */
int sandbox_resolve_user(const char *name, struct sandbox_user *u, char *err, size_t errlen);
/*
 * Becomes u, keeping only CAP_DAC_READ_SEARCH, so that signature files
 * readable only by root can still be loaded while whatever the plugin creates
 * (temporary folders) already belongs to u.
 */
int sandbox_become_user(const struct sandbox_user *u, char *err, size_t errlen);
/*
 * Drops every capability, sets no_new_privs, confines the filesystem to
 * beneath landlock_dir with Landlock (NULL: not; a kernel without Landlock
 * is logged, not an error) and, if asked, installs the seccomp filter;
 * `network` lets that filter allow client sockets (AF_UNIX, AF_INET,
 * AF_INET6: socket, connect, socket options, shutdown) for a process hosting
 * a plugin with FG_PLUGIN_NEEDS_NETWORK. All of these hold for the calling
 * thread and the threads it creates afterwards: call it before starting any
 * thread.
 */
int sandbox_lock_down(bool seccomp, bool network, const char *landlock_dir, char *err,
		      size_t errlen);

/* Whether this process holds cap (CAP_SYS_ADMIN, ...) in its effective set. */
bool sandbox_have_capability(unsigned cap);

/*
 * The daemon's own seccomp filter, for all its threads: a short list of
 * system calls it never makes (kernel and module loading, mounts, namespaces,
 * BPF, device nodes, open-by-handle...) fails with EPERM; the rest is allowed.
 * Scanner processes inherit it beneath their own, stricter filter.
 */
int sandbox_daemon_filter(char *err, size_t errlen);

#endif
