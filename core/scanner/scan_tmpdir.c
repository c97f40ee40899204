#include "scanner/scan_tmpdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"

#define REMOVE_DEPTH_MAX 64 /* libclamav nests a few levels; deeper is left, and logged */

static int make_in(const char *base, char *dir, size_t size)
{
	snprintf(dir, size, "%s/fanguard-scan.XXXXXX", base);
	return mkdtemp(dir) ? 0 : -1;
}

int scan_tmpdir_make(uid_t uid, gid_t gid, char *dir, size_t size, char *err, size_t errlen)
{
	if (make_in("/dev/shm", dir, size) != 0 && make_in("/tmp", dir, size) != 0) {
		snprintf(err, errlen, "cannot make a scanner folder in /dev/shm or /tmp: %s",
			 strerror(errno));
		return -1;
	}
	if (geteuid() == 0 && chown(dir, uid, gid) != 0) {
		snprintf(err, errlen, "cannot give %s to uid %u: %s", dir, (unsigned)uid,
			 strerror(errno));
		rmdir(dir);
		return -1;
	}
	return 0;
}

/* Empties the folder open as dfd; false if something could not be removed. */
static int remove_below(int dfd, unsigned depth)
{
	DIR *d;
	struct dirent *e;
	int dup_fd = dup(dfd), ok = 1;

	if (dup_fd < 0 || !(d = fdopendir(dup_fd))) {
		if (dup_fd >= 0)
			close(dup_fd);
		return 0;
	}
	while ((e = readdir(d))) {
		struct stat st;
		int sub;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (!S_ISDIR(st.st_mode)) {
			ok &= unlinkat(dfd, e->d_name, 0) == 0;
			continue;
		}
		sub = depth < REMOVE_DEPTH_MAX
			      ? openat(dfd, e->d_name,
				       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
			      : -1;
		if (sub < 0) {
			ok = 0;
			continue;
		}
		ok &= remove_below(sub, depth + 1);
		close(sub);
		ok &= unlinkat(dfd, e->d_name, AT_REMOVEDIR) == 0;
	}
	closedir(d);
	return ok;
}

void scan_tmpdir_remove(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0) {
		if (errno != ENOENT)
			log_warning("scanner folder %s not removed: %s", dir, strerror(errno));
		return;
	}
	if (!remove_below(fd, 0) || rmdir(dir) != 0)
		log_warning("scanner folder %s not removed entirely", dir);
	close(fd);
}

int scan_tmpdir_adopt(const char *given, char *dir, size_t size, char *err, size_t errlen)
{
	struct stat st;

	if (!given) {
		if (make_in("/dev/shm", dir, size) != 0 && make_in("/tmp", dir, size) != 0) {
			snprintf(err, errlen,
				 "cannot make a temporary folder in /dev/shm or /tmp: %s",
				 strerror(errno));
			return -1;
		}
	} else {
		if (lstat(given, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
		    (st.st_mode & 07777) != 0700) {
			snprintf(err, errlen, "%s is not a 0700 folder of mine", given);
			return -1;
		}
		snprintf(dir, size, "%s", given);
	}
	setenv("TMPDIR", dir, 1);
	return 0;
}
