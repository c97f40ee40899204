#include "daemon/exe_trust.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/procinfo.h"
#include "common/trust.h"

/*
 * Files already found trusted; a replaced or changed file has another inode or
 * ctime. With each, the identity the mapping showed in /proc/PID/maps when it
 * was checked against the file its path names here.
 */
#define TRUSTED_FILES 256

struct trusted_file {
	dev_t dev;
	ino_t ino;
	struct timespec ctime;
	unsigned long map_dev; /* the maps line's major:minor (major << 20 | minor) */
	unsigned long map_ino;
};

/* One executable mapping, as a line of /proc/PID/maps shows it. */
struct mapping {
	unsigned long start, end, dev, ino;
	const char *file;
};

static struct trusted_file trusted[TRUSTED_FILES];
static unsigned n_trusted, next_slot;

static bool known(const struct stat *st, const struct mapping *map)
{
	for (unsigned i = 0; i < n_trusted; i++)
		if (trusted[i].dev == st->st_dev && trusted[i].ino == st->st_ino &&
		    trusted[i].ctime.tv_sec == st->st_ctim.tv_sec &&
		    trusted[i].ctime.tv_nsec == st->st_ctim.tv_nsec &&
		    trusted[i].map_dev == map->dev && trusted[i].map_ino == map->ino)
			return true;
	return false;
}

static void remember(const struct stat *st, const struct mapping *map)
{
	struct trusted_file *t = &trusted[next_slot++ % TRUSTED_FILES];

	t->dev = st->st_dev;
	t->ino = st->st_ino;
	t->ctime = st->st_ctim;
	t->map_dev = map->dev;
	t->map_ino = map->ino;
	if (n_trusted < TRUSTED_FILES)
		n_trusted++;
}

/*
 * Who could have put code into pid: any process of its uids (ptrace,
 * process_vm_writev, /proc/PID/mem need no more than the same uid), anyone who
 * owns the user namespace it runs in, and its tracer. So only a root process
 * of the host's user namespace, traced by no one, keeps its exclusion.
 */
static bool only_root_controls(pid_t pid, char *why, size_t whylen)
{
	static struct stat own_userns;
	struct procinfo_guard g;
	struct stat userns;
	char path[64];

	if (procinfo_guard(pid, &g) != 0) {
		snprintf(why, whylen, "its status cannot be read");
		return false;
	}
	for (int i = 0; i < 4; i++)
		if (g.uid[i] != 0) {
			snprintf(why, whylen,
				 "it runs as uid %u, and any process of that user could inject "
				 "code into it (ptrace)",
				 (unsigned)g.uid[i]);
			return false;
		}
	if (g.tracer_pid != 0) {
		snprintf(why, whylen, "it is traced by pid %d", (int)g.tracer_pid);
		return false;
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	if ((own_userns.st_ino == 0 && stat("/proc/self/ns/user", &own_userns) != 0) ||
	    stat(path, &userns) != 0 || userns.st_dev != own_userns.st_dev ||
	    userns.st_ino != own_userns.st_ino) {
		snprintf(why, whylen, "it runs in another user namespace");
		return false;
	}
	return true;
}

/* Whether the /proc link (an exe or a map_files entry) leads to the file named. */
static bool leads_to(const char *link, const struct stat *named)
{
	struct stat target;

	return stat(link, &target) == 0 && target.st_dev == named->st_dev &&
	       target.st_ino == named->st_ino;
}

/*
 * The path text of /proc/PID/exe is the executable's name in the process's own
 * mount namespace: in a namespace of his own a user can mount anything at
 * /usr/bin/tar. The program is what it runs: the file /proc/PID/exe leads to
 * must be the one the path names in the daemon's namespace.
 */
static bool exe_is_the_named_file(pid_t pid, const char *exe, char *why, size_t whylen)
{
	struct stat named;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	if (stat(exe, &named) != 0 || !leads_to(path, &named)) {
		snprintf(why, whylen,
			 "what it runs is not the file %s names here (another mount "
			 "namespace's file)",
			 exe);
		return false;
	}
	return true;
}

static bool environment_clean(pid_t pid, char *why, size_t whylen)
{
	static const char *const loader[] = { "LD_PRELOAD=", "LD_LIBRARY_PATH=", "LD_AUDIT=" };
	static char env[64 * 1024];
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(why, whylen, "its environment cannot be read");
		return false;
	}
	n = read(fd, env, sizeof(env) - 1);
	close(fd);
	if (n < 0) {
		snprintf(why, whylen, "its environment cannot be read");
		return false;
	}
	env[n] = '\0';
	for (char *v = env; v < env + n; v += strlen(v) + 1)
		for (size_t i = 0; i < sizeof(loader) / sizeof(loader[0]); i++)
			if (strncmp(v, loader[i], strlen(loader[i])) == 0 && v[strlen(loader[i])]) {
				snprintf(why, whylen, "it was started with %.*s",
					 (int)strlen(loader[i]) - 1, loader[i]);
				return false;
			}
	return true;
}

/*
 * Whether the mapped file is the file its path names in the daemon's
 * namespace (the path is text in the process's namespace, like exe's):
 * through /proc/PID/map_files, which leads to the mapped file itself.
 */
static bool mapping_is_named_file(pid_t pid, const struct mapping *map, const struct stat *named)
{
	char path[96];

	snprintf(path, sizeof(path), "/proc/%d/map_files/%lx-%lx", (int)pid, map->start, map->end);
	return leads_to(path, named);
}

/* One executable mapping's file: root's, writable by no one else, in root's folders. */
static bool mapping_trusted(pid_t pid, const struct mapping *map, char *why, size_t whylen)
{
	const char *file = map->file;
	char err[512];
	struct stat st;

	if (strstr(file, " (deleted)") || stat(file, &st) != 0) {
		snprintf(why, whylen, "it runs code of a deleted or replaced file, %s", file);
		return false;
	}
	if (known(&st, map))
		return true;
	if (!mapping_is_named_file(pid, map, &st)) {
		snprintf(why, whylen,
			 "it runs code that is not the file %s names here (another mount "
			 "namespace's file)",
			 file);
		return false;
	}
	if (trust_check("code", file, err, sizeof(err)) != 0) {
		snprintf(why, whylen, "it runs code that root alone did not control: %s", err);
		return false;
	}
	remember(&st, map);
	return true;
}

/* "start-end perms offset major:minor inode path": false for a line that is no executable file */
static bool parse_executable_mapping(char *line, struct mapping *map)
{
	unsigned major, minor;
	char perms[8], *file = strchr(line, '/');

	if (!file ||
	    sscanf(line, "%lx-%lx %7s %*s %x:%x %lu", &map->start, &map->end, perms, &major, &minor,
		   &map->ino) != 6 ||
	    perms[2] != 'x')
		return false;
	map->dev = ((unsigned long)major << 20) | minor;
	file[strcspn(file, "\n")] = '\0';
	map->file = file;
	return true;
}

bool exe_trust_runs_only_its_program(pid_t pid, const char *exe, char *why, size_t whylen)
{
	char path[64], line[PATH_MAX + 128];
	struct mapping map, last = { 0 };
	bool ok;
	FILE *f;

	if (!only_root_controls(pid, why, whylen) ||
	    !exe_is_the_named_file(pid, exe, why, whylen) || !environment_clean(pid, why, whylen))
		return false;
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	if (!(f = fopen(path, "re"))) {
		snprintf(why, whylen, "its mappings cannot be read");
		return false;
	}
	ok = true;
	/* only executable mappings of files count; a file mapped in several pieces is checked once */
	while (ok && fgets(line, sizeof(line), f)) {
		if (!parse_executable_mapping(line, &map) ||
		    (map.dev == last.dev && map.ino == last.ino))
			continue;
		last = map;
		ok = mapping_trusted(pid, &map, why, whylen);
	}
	fclose(f);
	return ok;
}
