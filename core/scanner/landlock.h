/*
 * Landlock for a scanner process: after start-up it may touch the filesystem
 * only beneath its own temporary folder (libclamav's per-scan files), and,
 * where the kernel can scope them (Landlock ABI 6, Linux 6.12), it may signal
 * no process and reach no abstract socket outside itself. What it was handed
 * already (the event's descriptor, the log's) works as before: Landlock
 * checks opening a path, not using a descriptor.
 */
#ifndef FANGUARD_LANDLOCK_H
#define FANGUARD_LANDLOCK_H

#include <stddef.h>

/*
 * Confines the calling thread and the threads it starts afterwards (needs
 * no_new_privs). Returns the Landlock ABI applied (1 or more), 0 when the
 * kernel has no Landlock (why says so), -1 on an error (why says which).
 */
int landlock_confine(const char *dir, char *why, size_t whylen);

#endif
