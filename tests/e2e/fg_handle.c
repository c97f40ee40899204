/*
 * fg_handle: opens a file by its handle, as open_by_handle_at(2) does for NFS servers
 * and backup tools, for the end-to-end tests.
 *   fg_handle save FILE HANDLE_FILE   name_to_handle_at of FILE, written to HANDLE_FILE
 *   fg_handle open MOUNT HANDLE_FILE  open_by_handle_at (mount fd: MOUNT, a folder on the
 *                                     file's filesystem) and reads the file: prints its
 *                                     bytes (exit 0) or the errno name (3 for EPERM, 4
 *                                     otherwise)
 * Between the two, dropping the filesystem's dentries (umount and mount again) makes the
 * kernel hand out a disconnected dentry, whose path reads "/". Needs CAP_DAC_READ_SEARCH.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fg_util.h"

int main(int argc, char **argv)
{
	union {
		struct file_handle fh;
		char room[sizeof(struct file_handle) + MAX_HANDLE_SZ];
	} h;
	char buf[65536];
	int mount_id, mount_fd, fd;
	ssize_t n;
	FILE *f;

	if (argc == 4 && strcmp(argv[1], "save") == 0) {
		h.fh.handle_bytes = MAX_HANDLE_SZ;
		if (name_to_handle_at(AT_FDCWD, argv[2], &h.fh, &mount_id, 0) != 0)
			return fg_report_errno(errno);
		if (!(f = fopen(argv[3], "w")) ||
		    fwrite(&h, sizeof(h.fh) + h.fh.handle_bytes, 1, f) != 1 || fclose(f) != 0)
			return fg_report_errno(errno);
		printf("ok\n");
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "open") == 0) {
		if (!(f = fopen(argv[3], "r")))
			return fg_report_errno(errno);
		n = (ssize_t)fread(&h, 1, sizeof(h), f);
		fclose(f);
		if (n < (ssize_t)sizeof(h.fh) || h.fh.handle_bytes > MAX_HANDLE_SZ) {
			fprintf(stderr, "fg_handle: %s is no handle\n", argv[3]);
			return 2;
		}
		if ((mount_fd = open(argv[2], O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
			return fg_report_errno(errno);
		if ((fd = open_by_handle_at(mount_fd, &h.fh, O_RDONLY | O_CLOEXEC)) < 0)
			return fg_report_errno(errno);
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			fwrite(buf, 1, (size_t)n, stdout);
		return n < 0 ? fg_report_errno(errno) : 0;
	}
	fprintf(stderr,
		"usage: fg_handle save FILE HANDLE_FILE | fg_handle open MOUNT HANDLE_FILE\n");
	return 2;
}
