/*
 * Other on-access agents running beside fanguardd (clamonacc, fapolicyd,
 * Microsoft Defender's wdavdaemon, a second fanguardd): two fanotify
 * permission listeners on the same files stack their delays and their
 * failures, and an admin migrating from one to the other wants to know the
 * old one still runs. Found by the name of each process's executable.
 */
#ifndef FANGUARD_OTHER_AGENTS_H
#define FANGUARD_OTHER_AGENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* True for a pid of our own (the daemon, its scanners): never an "other" agent. */
typedef bool (*other_agents_ours_fn)(void *ctx, pid_t pid);

/*
 * Reads /proc/<pid>/exe of every process and writes "clamonacc (pid 42), ..."
 * into out for those whose executable's name is an on-access agent's; returns
 * how many. A fanguardd counts only in our own mount namespace (one in a
 * container or a test's namespace watches other mounts) and never when ours
 * says it is one of our processes. Reads at most a bounded number of
 * processes.
 */
unsigned other_agents_find(other_agents_ours_fn ours, void *ctx, char *out, size_t size);

#endif
