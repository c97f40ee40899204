/* The helpers of quarantine_internal.h: reporting, hashing while copying, names, ownership. */
#include "common/quarantine_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/sha256.h"

#define COPY_CHUNK (128 * 1024)

int quarantine_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

int quarantine_copy_and_hash(int from, int to, char hex[65], unsigned long long *copied)
{
	unsigned char *buf = malloc(COPY_CHUNK), md[32];
	struct sha256 ctx;
	unsigned long long off = 0;
	int rc = -1, saved = EIO;

	if (!buf) {
		saved = ENOMEM;
		goto done;
	}
	sha256_init(&ctx);
	for (;;) {
		ssize_t n = pread(from, buf, COPY_CHUNK, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			saved = errno;
			goto done;
		}
		if (n == 0)
			break;
		for (ssize_t done = 0; to >= 0 && done < n;) {
			ssize_t w = write(to, buf + done, (size_t)(n - done));
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				saved = w < 0 ? errno : EIO;
				goto done;
			}
			done += w;
		}
		sha256_update(&ctx, buf, (size_t)n);
		off += (unsigned long long)n;
	}
	sha256_final(&ctx, md);
	for (unsigned i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	if (copied)
		*copied = off;
	rc = 0;
done:
	free(buf);
	if (rc != 0)
		errno = saved;
	return rc;
}

void quarantine_item_names(const char *id, char data[48], char meta[48], char tmp[48])
{
	snprintf(data, 48, "%s.data", id);
	snprintf(meta, 48, "%s.meta", id);
	snprintf(tmp, 48, "%s.meta.tmp", id);
}

bool quarantine_make_root_only(int fd)
{
	return fchown(fd, 0, 0) == 0 && fchmod(fd, 0400) == 0;
}

bool quarantine_same_inode(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

int quarantine_open_parent(const char *path, long owner, const char **base, char *err,
			   size_t errlen)
{
	const char *p = path, *slash = strrchr(path, '/');
	char part[NAME_MAX + 1];
	struct stat st;
	int dir, next;

	if (path[0] != '/' || !slash || !slash[1])
		return quarantine_fail(err, errlen, "%s: not an absolute file name", path);
	*base = slash + 1;
	dir = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	while (dir >= 0 && p < slash) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (p >= slash)
			break;
		if (n > NAME_MAX) {
			close(dir);
			return quarantine_fail(err, errlen, "%s: a name in it is too long", path);
		}
		memcpy(part, p, n);
		part[n] = '\0';
		p += n;
		next = openat(dir, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			int e = errno;
			bool link = fstatat(dir, part, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
				    S_ISLNK(st.st_mode);
			close(dir);
			return quarantine_fail(
				err, errlen, "%s: %.*s %s", path, (int)(p - path), path,
				link ? "is a symbolic link; not followed" : strerror(e));
		}
		close(dir);
		dir = next;
	}
	if (dir < 0)
		return quarantine_fail(err, errlen, "%s: %s", path, strerror(errno));
	if (fstat(dir, &st) != 0 || (owner >= 0 && st.st_uid != 0 && st.st_uid != (uid_t)owner)) {
		close(dir);
		return quarantine_fail(err, errlen,
				       "%s: its folder belongs to uid %u, neither root nor the "
				       "file's owner; not used",
				       path, (unsigned)st.st_uid);
	}
	return dir;
}
