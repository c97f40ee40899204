/*
 * A FUSE server answers the kernel's requests about its files, and may never
 * answer. Reading a permission event opens the event's file (in the kernel,
 * inside read()), and the filter asks its attributes: when that file is on a
 * FUSE mount whose server stalls, the monitor's thread waits for ever, and
 * with it every open on the watched filesystems. Any user may mount FUSE on a
 * folder of his own.
 *
 * The guard is a thread that watches the monitor's thread: when it has been
 * busy with one batch of events for longer than the threshold, every FUSE
 * connection (/sys/fs/fuse/connections, the fusectl filesystem) of a mount at
 * or below a watch path that has requests waiting is aborted. Its requests
 * then fail, the event whose descriptor could not be opened is denied by the
 * kernel, and the monitor goes on. The mount stays, dead (ENOTCONN), until its
 * owner unmounts it.
 */
#ifndef FANGUARD_FUSE_GUARD_H
#define FANGUARD_FUSE_GUARD_H

#include <stdatomic.h>
#include <stdint.h>

struct marks;
struct fuse_guard;

/*
 * Before the daemon's seccomp filter (which forbids mount): fusectl mounted on
 * /sys/fs/fuse/connections when it is not (systemd mounts it; some machines
 * do not). Quiet when there is no FUSE at all.
 */
void fuse_guard_prepare(void);
/*
 * Watches *busy_since (monotonic ns when the monitor's thread started its
 * current batch, 0 when it waits in poll). NULL when the thread cannot start.
 */
struct fuse_guard *fuse_guard_start(struct marks *marks, _Atomic uint64_t *busy_since,
				    unsigned threshold_ms);
void fuse_guard_stop(struct fuse_guard *g);
/* Connections aborted so far. */
unsigned long long fuse_guard_aborted(const struct fuse_guard *g);

#endif
