/*
 * Whether a process excluded by program (watch.exclude_exe) runs only that
 * program: no loader variable in the environment it started with
 * (LD_PRELOAD, LD_LIBRARY_PATH, LD_AUDIT: the dynamic loader would map a
 * library of the caller's choosing into it), and no executable mapping of a
 * file someone other than root could have changed. A preloaded or injected
 * library from a user's folder makes the process an ordinary one again.
 */
#ifndef FANGUARD_EXE_TRUST_H
#define FANGUARD_EXE_TRUST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * True if pid may keep its program's exclusion; else false with the reason
 * in why. Reads /proc/PID/environ and /proc/PID/maps; files found trusted are
 * remembered by (device, inode, ctime), so a steady program costs two reads.
 * Monitor thread only.
 */
bool exe_trust_runs_only_its_program(pid_t pid, char *why, size_t whylen);

#endif
