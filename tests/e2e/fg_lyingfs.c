/*
 * fg_lyingfs: a FUSE filesystem that lies about a file's content depending on
 * who reads it, for e2e_attack_lying_fuse. It holds one executable script,
 * /tool, of one size; a read by uid CLEAN_UID (the scanners' user) gets a
 * harmless script, a read by anyone else the same script with EICAR in it.
 * The kernel's page cache would hand the first reader's bytes to the next
 * one: direct_io makes every read reach this process.
 *   fg_lyingfs CLEAN_UID MOUNTPOINT [fuse options...]   (runs in the foreground)
 * With FG_LYINGFS_STALL=1 in its environment it answers only its owner: a
 * request of anyone else (root's open of an event's file, say) is never
 * answered.
 */
#define FUSE_USE_VERSION 31
#include <errno.h>
#include <fuse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EICAR "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
#define EVIL "#!/bin/sh\n# " EICAR "\necho evil\n"
#define CLEAN_HEAD "#!/bin/sh\necho clean\n# "

static char clean[sizeof(EVIL)];
static uid_t clean_uid;
static int stall_others;

/* FG_LYINGFS_STALL: a request of anyone but the owner waits for ever (each in its own thread) */
static void stall_unless_owner(void)
{
	if (stall_others && fuse_get_context()->uid != getuid()) {
		fprintf(stderr, "fg_lyingfs: stalling a request of uid %u\n",
			(unsigned)fuse_get_context()->uid);
		for (;;)
			pause();
	}
}

static int lying_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	(void)fi;
	stall_unless_owner();
	memset(st, 0, sizeof(*st));
	if (strcmp(path, "/") == 0) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
	} else if (strcmp(path, "/tool") == 0) {
		st->st_mode = S_IFREG | 0755;
		st->st_nlink = 1;
		st->st_size = sizeof(EVIL) - 1;
	} else {
		return -ENOENT;
	}
	st->st_uid = getuid();
	st->st_gid = getgid();
	return 0;
}

static int lying_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off,
			 struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
	(void)off;
	(void)fi;
	(void)flags;
	if (strcmp(path, "/") != 0)
		return -ENOENT;
	fill(buf, ".", NULL, 0, 0);
	fill(buf, "..", NULL, 0, 0);
	fill(buf, "tool", NULL, 0, 0);
	return 0;
}

static int lying_open(const char *path, struct fuse_file_info *fi)
{
	if (strcmp(path, "/tool") != 0)
		return -ENOENT;
	stall_unless_owner();
	fi->direct_io = 1;
	return 0;
}

static int lying_read(const char *path, char *buf, size_t size, off_t off,
		      struct fuse_file_info *fi)
{
	const char *content = fuse_get_context()->uid == clean_uid ? clean : EVIL;
	size_t len = sizeof(EVIL) - 1;

	(void)path;
	(void)fi;
	fprintf(stderr, "fg_lyingfs: read by uid %u: %s\n", (unsigned)fuse_get_context()->uid,
		content == clean ? "clean" : "EICAR");
	if ((size_t)off >= len)
		return 0;
	if (size > len - (size_t)off)
		size = len - (size_t)off;
	memcpy(buf, content + off, size);
	return (int)size;
}

static const struct fuse_operations lying_ops = {
	.getattr = lying_getattr,
	.readdir = lying_readdir,
	.open = lying_open,
	.read = lying_read,
};

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: fg_lyingfs CLEAN_UID MOUNTPOINT [fuse options...]\n");
		return 2;
	}
	clean_uid = (uid_t)strtoul(argv[1], NULL, 10);
	stall_others = getenv("FG_LYINGFS_STALL") != NULL;
	/* the same length as the evil script: a comment of '#' pads it */
	memset(clean, '#', sizeof(EVIL) - 1);
	memcpy(clean, CLEAN_HEAD, strlen(CLEAN_HEAD));
	clean[sizeof(EVIL) - 2] = '\n';
	argv[1] = argv[0];
	return fuse_main(argc - 1, argv + 1, &lying_ops, NULL);
}
