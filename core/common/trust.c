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

#include "common/path.h"

/*
 * Below Debian's UID_MIN: system accounts, which ordinary users cannot become.
 * Signature updaters run as one (freshclam as clamav owns /var/lib/clamav).
 */
#define SYSTEM_UID_END 1000
#define NOBODY_UID 65534

/* The owner root, or for plugin data also a system account (never nobody, whom anyone's daemons share). */
static bool trusted_owner(uid_t uid, bool data)
{
	return uid == 0 || (data && uid < SYSTEM_UID_END && uid != NOBODY_UID);
}

static int check_one(const char *what, const char *shown, const char *path, bool is_target,
		     bool data, char *err, size_t errlen)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		snprintf(err, errlen, "%s %s: %s", what, shown, strerror(errno));
		return -1;
	}
	if (!trusted_owner(st.st_uid, data)) {
		snprintf(err, errlen,
			 "refusing %s %s: %s is owned by uid %u, not root%s (chown root %s)", what,
			 shown, path, (unsigned)st.st_uid, data ? " or a system account" : "",
			 path);
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

static int check_chain(const char *what, const char *path, bool data, char *err, size_t errlen)
{
	char real[PATH_MAX], *slash;

	if (geteuid() != 0)
		return 0;
	if (!realpath(path, real)) {
		snprintf(err, errlen, "%s %s: %s", what, path, strerror(errno));
		return -1;
	}
	if (check_one(what, path, real, true, data, err, errlen) != 0)
		return -1;
	while ((slash = strrchr(real, '/'))) {
		if (slash == real) {
			real[1] = '\0';
			return check_one(what, path, real, false, data, err, errlen);
		}
		*slash = '\0';
		if (check_one(what, path, real, false, data, err, errlen) != 0)
			return -1;
	}
	return 0;
}

int trust_check(const char *what, const char *path, char *err, size_t errlen)
{
	return check_chain(what, path, false, err, errlen);
}

/*
 * A data folder of more entries than this is refused rather than walked: a
 * path such as "/" or "/usr" named by mistake would otherwise stall start-up
 * (and every reload) for as long as the walk takes.
 */
#define DATA_ENTRIES_MAX 65536

struct walk {
	const char *what, *top;
	unsigned entries;
	char *err;
	size_t errlen;
};

/*
 * Every entry below dir, depth first. dir and its parents are already
 * checked, so an entry is checked alone; only a symlink's target is checked
 * with its whole chain (it may lead anywhere). depth bounds a loop of
 * symlinked folders.
 */
static int check_below(struct walk *w, const char *dir, unsigned depth)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int rc = 0;

	if (depth > 16) {
		snprintf(w->err, w->errlen, "refusing %s %s: folders nested too deep", w->what,
			 dir);
		return -1;
	}
	if (!(d = opendir(dir)))
		return 0; /* not a folder (or gone): the check of the path itself stands */
	while (rc == 0 && (de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (++w->entries > DATA_ENTRIES_MAX) {
			snprintf(w->err, w->errlen,
				 "refusing %s %s: more than %u files and folders below it (name the "
				 "signature files, or a folder that holds only them)",
				 w->what, w->top, DATA_ENTRIES_MAX);
			rc = -1;
			break;
		}
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
		    sizeof(path)) {
			snprintf(w->err, w->errlen, "refusing %s %s: a name below it is too long",
				 w->what, dir);
			rc = -1;
			break;
		}
		if (lstat(path, &st) != 0)
			continue; /* gone since readdir */
		if (S_ISLNK(st.st_mode))
			rc = check_chain(w->what, path, true, w->err, w->errlen);
		else
			rc = check_one(w->what, path, path, true, true, w->err, w->errlen);
		if (rc == 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			rc = check_below(w, path, depth + 1);
	}
	closedir(d);
	return rc;
}

int trust_check_data(const char *what, const char *path, char *err, size_t errlen)
{
	struct walk w = { .what = what, .top = path, .err = err, .errlen = errlen };
	struct stat st;

	if (geteuid() != 0)
		return 0;
	if (stat(path, &st) != 0 && errno == ENOENT)
		return 0; /* nothing to trust yet: the plugin says what it makes of a missing file */
	if (check_chain(what, path, true, err, errlen) != 0)
		return -1;
	return S_ISDIR(st.st_mode) ? check_below(&w, path, 0) : 0;
}

/* A symlink only root could have made or changed: root's, in a folder only root may change. */
static bool link_trusted(const char *link, const char *folder, char *why, size_t whylen)
{
	struct stat l, f;

	if (lstat(link, &l) != 0 || stat(folder, &f) != 0) {
		snprintf(why, whylen, "%s: %s", link, strerror(errno));
		return false;
	}
	if (l.st_uid != 0) {
		snprintf(why, whylen, "%s is a symlink owned by uid %u", link, (unsigned)l.st_uid);
		return false;
	}
	if (f.st_uid != 0 || ((f.st_mode & (S_IWGRP | S_IWOTH)) && !(f.st_mode & S_ISVTX))) {
		snprintf(why, whylen, "%s is a symlink in %s, which uid %u or others may change",
			 link, folder, (unsigned)f.st_uid);
		return false;
	}
	return true;
}

int trust_resolve(const char *path, char out[PATH_MAX], char *why, size_t whylen)
{
	char rest[2 * PATH_MAX], target[PATH_MAX], next[PATH_MAX + NAME_MAX + 2];
	unsigned links = 0;
	struct stat st;
	size_t len = 0;

	if (path[0] != '/' || strlen(path) >= PATH_MAX) {
		snprintf(why, whylen, "%s: not an absolute path", path);
		return -1;
	}
	snprintf(rest, sizeof(rest), "%s", path);
	out[0] = '\0';
	for (char *p = rest; *p;) {
		char *c;
		size_t n;
		ssize_t t;

		while (*p == '/')
			p++;
		c = p;
		n = strcspn(p, "/");
		p += n;
		if (n == 0 || (n == 1 && c[0] == '.'))
			continue;
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			while (len > 0 && out[len - 1] != '/')
				len--;
			len = len > 0 ? len - 1 : 0;
			out[len] = '\0';
			continue;
		}
		snprintf(next, sizeof(next), "%s/%.*s", out, (int)n, c);
		if (strlen(next) >= PATH_MAX) {
			snprintf(why, whylen, "%s: too long", path);
			return -1;
		}
		if (lstat(next, &st) != 0) {
			/* what does not exist yet is taken as written; it resolves at the next load */
			snprintf(rest, sizeof(rest), "%s/%.*s%s", out, (int)n, c, p);
			return path_normalize(rest, out, PATH_MAX) == 0 ? 0 : -1;
		}
		if (!S_ISLNK(st.st_mode)) {
			len = strlen(next);
			memcpy(out, next, len + 1);
			continue;
		}
		if (++links > 40) {
			snprintf(why, whylen, "%s: too many symlinks", path);
			return -1;
		}
		if (!link_trusted(next, len ? out : "/", why, whylen))
			return 1;
		t = readlink(next, target, sizeof(target) - 1);
		if (t < 0) {
			snprintf(why, whylen, "%s: %s", next, strerror(errno));
			return -1;
		}
		target[t] = '\0';
		if ((size_t)t + strlen(p) + 2 > sizeof(rest)) {
			snprintf(why, whylen, "%s: too long", path);
			return -1;
		}
		/* the target, then what was left; an absolute target starts again from / */
		memmove(rest + t + 1, p, strlen(p) + 1);
		memcpy(rest, target, (size_t)t);
		rest[t] = '/';
		p = rest;
		if (target[0] == '/') {
			len = 0;
			out[0] = '\0';
		}
	}
	if (len == 0)
		snprintf(out, PATH_MAX, "/");
	return 0;
}
