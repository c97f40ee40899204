/*
 * fg_passfs: a read-only passthrough FUSE filesystem, for
 * e2e_attack_stacked_fs. Every file of BACKING is served at MOUNTPOINT; an
 * open through the mount is this process's own open of the backing file, and
 * its error (EPERM when fanguardd denies it) is what the reader gets.
 * direct_io sends every read here, so nothing is served from the page cache
 * of an earlier open.
 *   fg_passfs BACKING MOUNTPOINT [fuse options...]   (runs in the foreground)
 */
#define FUSE_USE_VERSION 31
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int backing_dir = -1;

/* "/a/b" as a path relative to the backing folder ("." for the root). */
static const char *relative(const char *path)
{
	return path[1] ? path + 1 : ".";
}

static int pass_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	(void)fi;
	if (fstatat(backing_dir, relative(path), st, AT_SYMLINK_NOFOLLOW) != 0)
		return -errno;
	return 0;
}

static int pass_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off,
			struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
	struct dirent *de;
	DIR *dir;
	int fd;

	(void)off;
	(void)fi;
	(void)flags;
	fd = openat(backing_dir, relative(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return -errno;
	}
	while ((de = readdir(dir)))
		fill(buf, de->d_name, NULL, 0, 0);
	closedir(dir);
	return 0;
}

static int pass_open(const char *path, struct fuse_file_info *fi)
{
	int fd;

	if ((fi->flags & O_ACCMODE) != O_RDONLY)
		return -EROFS;
	fd = openat(backing_dir, relative(path), O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "fg_passfs: open %s: %s\n", path, strerror(errno));
		return -errno;
	}
	fi->fh = (uint64_t)fd;
	fi->direct_io = 1;
	return 0;
}

static int pass_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
	ssize_t n = pread((int)fi->fh, buf, size, off);

	(void)path;
	return n < 0 ? -errno : (int)n;
}

static int pass_release(const char *path, struct fuse_file_info *fi)
{
	(void)path;
	close((int)fi->fh);
	return 0;
}

static const struct fuse_operations pass_ops = {
	.getattr = pass_getattr,
	.readdir = pass_readdir,
	.open = pass_open,
	.read = pass_read,
	.release = pass_release,
};

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: fg_passfs BACKING MOUNTPOINT [fuse options...]\n");
		return 2;
	}
	/* opened before the mount, so a backing folder under the mount point still works */
	backing_dir = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (backing_dir < 0) {
		perror(argv[1]);
		return 2;
	}
	argv[1] = argv[0];
	return fuse_main(argc - 1, argv + 1, &pass_ops, NULL);
}
