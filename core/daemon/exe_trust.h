/*
 * Whether a process excluded by program (watch.exclude_exe) runs only that
 * program, and nobody but root could have made it run anything else: it runs
 * as root (all four uids) in the host's user namespace and nobody traces it
 * (a process of any other uid can be injected into by every process of that
 * uid, with ptrace); its executable is the very file the configured path
 * names in the daemon's mount namespace (by device and inode, not by the path
 * text, which a user's own mount namespace can fake); no loader variable in the environment it started with
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
 * True if pid, whose /proc/PID/exe reads exe, may keep its program's
 * exclusion; else false with the reason in why. Reads /proc/PID/status,
 * environ and maps and stats its exe and user namespace; mapped files found
 * trusted are remembered by (device, inode, ctime) and the identity the maps
 * line showed, so a steady program costs three reads and a few stats.
 * Monitor thread only.
 */
bool exe_trust_runs_only_its_program(pid_t pid, const char *exe, char *why, size_t whylen);

#endif
