#include "daemon/exe_trust.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/trust.h"

/* Files already found trusted; a replaced or changed file has another inode or ctime. */
#define TRUSTED_FILES 256

struct trusted_file {
	dev_t dev;
	ino_t ino;
	struct timespec ctime;
};

static struct trusted_file trusted[TRUSTED_FILES];
static unsigned n_trusted, next_slot;

static bool known(const struct stat *st)
{
	for (unsigned i = 0; i < n_trusted; i++)
		if (trusted[i].dev == st->st_dev && trusted[i].ino == st->st_ino &&
		    trusted[i].ctime.tv_sec == st->st_ctim.tv_sec &&
		    trusted[i].ctime.tv_nsec == st->st_ctim.tv_nsec)
			return true;
	return false;
}

static void remember(const struct stat *st)
{
	struct trusted_file *t = &trusted[next_slot++ % TRUSTED_FILES];

	t->dev = st->st_dev;
	t->ino = st->st_ino;
	t->ctime = st->st_ctim;
	if (n_trusted < TRUSTED_FILES)
		n_trusted++;
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

/* One executable mapping's file: root's, writable by no one else, in root's folders. */
static bool mapping_trusted(const char *file, char *why, size_t whylen)
{
	char err[512];
	struct stat st;

	if (strstr(file, " (deleted)") || stat(file, &st) != 0) {
		snprintf(why, whylen, "it runs code of a deleted or replaced file, %s", file);
		return false;
	}
	if (known(&st))
		return true;
	if (trust_check("code", file, err, sizeof(err)) != 0) {
		snprintf(why, whylen, "it runs code that root alone did not control: %s", err);
		return false;
	}
	remember(&st);
	return true;
}

bool exe_trust_runs_only_its_program(pid_t pid, char *why, size_t whylen)
{
	char path[64], line[PATH_MAX + 128], last[PATH_MAX] = "";
	bool ok;
	FILE *f;

	if (!environment_clean(pid, why, whylen))
		return false;
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	if (!(f = fopen(path, "re"))) {
		snprintf(why, whylen, "its mappings cannot be read");
		return false;
	}
	ok = true;
	/* address perms offset dev inode path: only executable mappings of files count */
	while (ok && fgets(line, sizeof(line), f)) {
		char perms[8], *file = strchr(line, '/');
		size_t len;

		if (sscanf(line, "%*s %7s", perms) != 1 || perms[2] != 'x' || !file)
			continue;
		len = strcspn(file, "\n");
		file[len] = '\0';
		if (strcmp(file, last) == 0)
			continue;
		snprintf(last, sizeof(last), "%s", file);
		ok = mapping_trusted(file, why, whylen);
	}
	fclose(f);
	return ok;
}
