#include "common/trust.h"

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
