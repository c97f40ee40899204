/*
 * The quarantine folder, opened once and then used by descriptor: what sits
 * in it is root's, so the folder and every folder above it must be too.
 */
#include "common/quarantine_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/trust.h"

static int make_parents(const char *dir)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s", dir);
	for (char *s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return 0;
}

static int open_checked(const char *dir, bool create, char *err, size_t errlen)
{
	struct stat st;
	int fd, saved;

	if (!dir || dir[0] != '/')
		return quarantine_fail(err, errlen,
				       "quarantine folder '%s' is not an absolute path",
				       dir ? dir : "");
	if (create && (make_parents(dir) != 0 || (mkdir(dir, 0700) != 0 && errno != EEXIST)))
		return quarantine_fail(err, errlen, "cannot create quarantine folder %s: %s", dir,
				       strerror(errno));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		saved = errno;
		quarantine_fail(err, errlen, "quarantine folder %s: %s%s", dir, strerror(errno),
				errno == ELOOP || errno == ENOTDIR
					? " (must be a real folder, not a symlink)"
					: "");
		errno = saved;
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		quarantine_fail(err, errlen, "quarantine folder %s: %s", dir, strerror(errno));
		goto refuse;
	}
	if (st.st_uid != 0) {
		quarantine_fail(err, errlen,
				"refusing quarantine folder %s: owned by uid %u, not root "
				"(chown root %s)",
				dir, (unsigned)st.st_uid, dir);
		goto refuse;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		quarantine_fail(err, errlen,
				"refusing quarantine folder %s: writable by group or "
				"others (mode %04o; chmod 0700 %s)",
				dir, (unsigned)(st.st_mode & 07777), dir);
		goto refuse;
	}
	/* and nobody else may swap a folder above it */
	if (trust_check("quarantine folder", dir, err, errlen) != 0)
		goto refuse;
	return fd;
refuse:
	close(fd);
	errno = EPERM;
	return -1;
}

int quarantine_open(const char *dir, char *err, size_t errlen)
{
	return open_checked(dir, true, err, errlen);
}

int quarantine_open_existing(const char *dir, char *err, size_t errlen)
{
	return open_checked(dir, false, err, errlen);
}
