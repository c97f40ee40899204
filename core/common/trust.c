#include "common/trust.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int check_one(const char *what, const char *shown, const char *path, bool is_target,
		     char *err, size_t errlen)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		snprintf(err, errlen, "%s %s: %s", what, shown, strerror(errno));
		return -1;
	}
	if (st.st_uid != 0) {
		snprintf(err, errlen,
			 "refusing %s %s: %s is owned by uid %u, not root (chown root %s)", what,
			 shown, path, (unsigned)st.st_uid, path);
		return -1;
	}
	/* others may add files to a sticky folder, but not replace root's */
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) &&
	    !(!is_target && S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX))) {
		snprintf(err, errlen,
			 "refusing %s %s: %s is writable by group or others (mode %04o; "
			 "chmod go-w %s)",
			 what, shown, path, (unsigned)(st.st_mode & 07777), path);
		return -1;
	}
	return 0;
}

int trust_check(const char *what, const char *path, char *err, size_t errlen)
{
	char real[PATH_MAX], *slash;

	if (geteuid() != 0)
		return 0;
	if (!realpath(path, real)) {
		snprintf(err, errlen, "%s %s: %s", what, path, strerror(errno));
		return -1;
	}
	if (check_one(what, path, real, true, err, errlen) != 0)
		return -1;
	while ((slash = strrchr(real, '/'))) {
		if (slash == real) {
			real[1] = '\0';
			return check_one(what, path, real, false, err, errlen);
		}
		*slash = '\0';
		if (check_one(what, path, real, false, err, errlen) != 0)
			return -1;
	}
	return 0;
}

/* Every entry below dir, depth first; depth bounds a loop of symlinked folders. */
static int check_below(const char *what, const char *dir, unsigned depth, char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int rc = 0;

	if (depth > 16) {
		snprintf(err, errlen, "refusing %s %s: folders nested too deep", what, dir);
		return -1;
	}
	if (!(d = opendir(dir)))
		return 0; /* not a folder (or gone): the check of the path itself stands */
	while (rc == 0 && (de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
		    sizeof(path)) {
			snprintf(err, errlen, "refusing %s %s: a name below it is too long", what,
				 dir);
			rc = -1;
			break;
		}
		rc = trust_check(what, path, err, errlen);
		if (rc == 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			rc = check_below(what, path, depth + 1, err, errlen);
	}
	closedir(d);
	return rc;
}

int trust_check_data(const char *what, const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (geteuid() != 0)
		return 0;
	if (stat(path, &st) != 0 && errno == ENOENT)
		return 0; /* nothing to trust yet: the plugin says what it makes of a missing file */
	if (trust_check(what, path, err, errlen) != 0)
		return -1;
	return S_ISDIR(st.st_mode) ? check_below(what, path, 0, err, errlen) : 0;
}
