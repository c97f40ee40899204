#include "daemon/other_agents.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Processes looked at, at most: a fork bomb must not make a health check walk forever. */
#define OTHER_AGENTS_MAX_PROCS 65536

/* Executable names of on-access agents (fanotify permission listeners). */
static const char *const agent_names[] = {
	"clamonacc",  /* ClamAV's on-access client */
	"fapolicyd",  /* Red Hat's application allowlisting daemon */
	"wdavdaemon", /* Microsoft Defender for Endpoint (mdatp) */
	"mdatp",      /* its command-line tool's name, in case a build runs it as a service */
	"fanguardd",  /* a second fanguard */
};

/* The executable's name, "(deleted)" suffix dropped: a replaced binary still runs. */
static bool exe_name(pid_t pid, char *name, size_t size)
{
	char link[64], target[PATH_MAX];
	const char *base;
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/exe", (int)pid);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return false; /* a kernel thread, or gone */
	target[n] = '\0';
	if (n > 10 && strcmp(target + n - 10, " (deleted)") == 0)
		target[n - 10] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= size)
		return false; /* longer than any agent's name */
	memcpy(name, base, strlen(base) + 1);
	return true;
}

static bool same_mount_namespace(pid_t pid)
{
	char path[64];
	struct stat ours, theirs;

	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)pid);
	return stat("/proc/self/ns/mnt", &ours) == 0 && stat(path, &theirs) == 0 &&
	       ours.st_ino == theirs.st_ino && ours.st_dev == theirs.st_dev;
}

static pid_t parent_of(pid_t pid)
{
	char path[64], line[128];
	FILE *f;
	long ppid = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "re")))
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "PPid: %ld", &ppid) == 1)
			break;
	fclose(f);
	return (pid_t)ppid;
}

/* Another fanguardd of ours to report: in our mount namespace, and not another one's scanner. */
static bool other_fanguardd(pid_t pid)
{
	char parent[NAME_MAX + 1];
	pid_t ppid = parent_of(pid);

	if (!same_mount_namespace(pid))
		return false;
	return !(ppid > 0 && exe_name(ppid, parent, sizeof(parent)) &&
		 strcmp(parent, "fanguardd") == 0);
}

unsigned other_agents_find(other_agents_ours_fn ours, void *ctx, char *out, size_t size)
{
	DIR *proc = opendir("/proc");
	struct dirent *d;
	unsigned found = 0, seen = 0;
	size_t len = 0;
	pid_t self = getpid();

	out[0] = '\0';
	if (!proc)
		return 0;
	while ((d = readdir(proc)) && seen++ < OTHER_AGENTS_MAX_PROCS) {
		char *end, name[NAME_MAX + 1];
		long pid = strtol(d->d_name, &end, 10);

		if (*end || pid <= 0 || pid == self || (ours && ours(ctx, (pid_t)pid)))
			continue;
		if (!exe_name((pid_t)pid, name, sizeof(name)))
			continue;
		for (size_t i = 0; i < sizeof(agent_names) / sizeof(agent_names[0]); i++) {
			if (strcmp(name, agent_names[i]) != 0)
				continue;
			if (strcmp(name, "fanguardd") == 0 && !other_fanguardd((pid_t)pid))
				break;
			found++;
			if (len < size)
				len += (size_t)snprintf(out + len, size - len, "%s%s (pid %ld)",
							len ? ", " : "", name, pid);
			break;
		}
	}
	closedir(proc);
	return found;
}
