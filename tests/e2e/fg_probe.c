/*
 * fg_probe: the end-to-end tests' way to touch files and report exactly what
 * the kernel said, as one word on stdout.
 *   fg_probe open FILE       "ok" (exit 0) or the errno name (exit 3 for EPERM, 4 otherwise)
 *   fg_probe exec FILE ARG.. runs FILE; prints the errno name if execve fails
 *   fg_probe mmapwrite FILE OFFSET TEXT
 *                            writes TEXT at OFFSET through a shared mapping (no write(2),
 *                            so the kernel sees no modification until close)
 *   fg_probe openlist LIST   opens and reads every file named in LIST (one per line) and
 *                            prints "ok N eperm N other N max_ms N"
 *   fg_probe notify-listen SOCKET N SECONDS
 *                            binds a datagram socket (as systemd's NOTIFY_SOCKET) and prints
 *                            the first N messages received within SECONDS, one per line
 *   fg_probe truncate FILE SIZE
 *                            truncate(2) by path: unlike truncate(1) it opens nothing
 *   fg_probe execveat FILE ARG..
 *                            runs FILE by a descriptor (O_PATH, inherited, so a script's
 *                            interpreter gets it as /dev/fd/N) with execveat(AT_EMPTY_PATH)
 *   fg_probe hammer FILE STOPFILE
 *                            opens and reads FILE again and again until STOPFILE exists;
 *                            prints "ok N eperm N other N"
 *   fg_probe rewrite FILE keep|recreate ROUNDS CLEAN DETECTED
 *                            FILE holds CLEAN (as long as DETECTED); each round puts CLEAN
 *                            back (through a descriptor kept open, or as a new file made in
 *                            its place), checks that an open reads
 *                            CLEAN, rewrites the file with DETECTED by an O_TRUNC open and
 *                            checks that an open is refused. Prints "rounds N clean_read N
 *                            detected_denied N", and what went otherwise on stderr
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "fg_util.h"

/* Opens FILE and reads it whole into buf; returns the length, or -errno. */
static ssize_t read_whole(const char *file, char *buf, size_t size)
{
	ssize_t n = 0, len = 0;
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while ((size_t)len < size && (n = read(fd, buf + len, size - (size_t)len)) > 0)
		len += n;
	if (n < 0)
		len = -errno;
	close(fd);
	return len;
}

static int hammer(const char *file, const char *stopfile)
{
	unsigned long ok = 0, eperm = 0, other = 0;
	char buf[4096];
	ssize_t n;

	while (access(stopfile, F_OK) != 0) {
		n = read_whole(file, buf, sizeof(buf));
		if (n >= 0)
			ok++;
		else if (n == -EPERM)
			eperm++;
		else
			other++;
	}
	printf("ok %lu eperm %lu other %lu\n", ok, eperm, other);
	return 0;
}

/* Puts CLEAN back in FILE: through keep, or (keep < 0) as a new file in place of the old. */
static int put_clean(const char *file, int keep, const char *clean, size_t len)
{
	int fd;

	if (keep >= 0)
		return ftruncate(keep, 0) == 0 && pwrite(keep, clean, len, 0) == (ssize_t)len ? 0
											      : -1;
	if (unlink(file) != 0)
		return -1;
	fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (write(fd, clean, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/*
 * The scans that concurrent readers (fg_probe hammer) start on CLEAN may end after DETECTED
 * is in the file: their verdict must not answer for it. how: "keep" puts CLEAN back through a
 * descriptor kept open (the same inode all along), "recreate" as a new file each round.
 */
static int rewrite(const char *file, const char *how, unsigned rounds, const char *clean,
		   const char *detected)
{
	size_t len = strlen(detected);
	unsigned round, clean_read = 0, detected_denied = 0;
	char buf[4096];
	ssize_t n;
	int keep = -1, fd;

	if (strlen(clean) != len || len > sizeof(buf)) {
		fprintf(stderr, "fg_probe rewrite: CLEAN and DETECTED must be as long\n");
		return 2;
	}
	if (strcmp(how, "keep") == 0 && (keep = open(file, O_RDWR | O_CLOEXEC)) < 0)
		return fg_report_errno(errno);
	for (round = 1; round <= rounds; round++) {
		if (put_clean(file, keep, clean, len) != 0)
			return fg_report_errno(errno);
		n = read_whole(file, buf, sizeof(buf));
		if (n == (ssize_t)len && memcmp(buf, clean, len) == 0)
			clean_read++;
		else
			fprintf(stderr, "round %u: the clean content: %s\n", round,
				n < 0 ? strerror((int)-n) : "other bytes");
		fd = open(file, O_WRONLY | O_TRUNC | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "round %u: O_TRUNC open: %s\n", round, strerror(errno));
			continue;
		}
		if (write(fd, detected, len) != (ssize_t)len)
			return fg_report_errno(errno);
		close(fd);
		n = read_whole(file, buf, sizeof(buf));
		if (n == -EPERM)
			detected_denied++;
		else
			fprintf(stderr, "round %u: the detected content: %s\n", round,
				n < 0 ? strerror((int)-n) : "read");
	}
	if (keep >= 0)
		close(keep);
	printf("rounds %u clean_read %u detected_denied %u\n", rounds, clean_read, detected_denied);
	return 0;
}

int main(int argc, char **argv)
{
	char buf[65536];
	ssize_t n;
	int fd;

	if (argc >= 3 && strcmp(argv[1], "open") == 0) {
		fd = open(argv[2], O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return fg_report_errno(errno);
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			;
		if (n < 0)
			return fg_report_errno(errno);
		close(fd);
		printf("ok\n");
		return 0;
	}
	if (argc >= 3 && strcmp(argv[1], "exec") == 0) {
		fflush(stdout);
		execv(argv[2], argv + 2);
		return fg_report_errno(errno);
	}
	if (argc == 5 && strcmp(argv[1], "mmapwrite") == 0) {
		size_t off = strtoul(argv[3], NULL, 10), len = strlen(argv[4]);
		struct stat st;
		char *map;

		fd = open(argv[2], O_RDWR | O_CLOEXEC);
		if (fd < 0)
			return fg_report_errno(errno);
		if (fstat(fd, &st) != 0 || off + len > (size_t)st.st_size) {
			fprintf(stderr, "fg_probe: %s too small for offset %zu\n", argv[2], off);
			return 2;
		}
		map = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (map == MAP_FAILED)
			return fg_report_errno(errno);
		memcpy(map + off, argv[4], len);
		munmap(map, (size_t)st.st_size);
		close(fd);
		printf("ok\n");
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "openlist") == 0) {
		unsigned long ok = 0, eperm = 0, other = 0;
		double max_ms = 0;
		char path[4096];
		FILE *list = fopen(argv[2], "r");

		if (!list)
			return fg_report_errno(errno);
		while (fgets(path, sizeof(path), list)) {
			struct timespec a, b;
			double ms;

			path[strcspn(path, "\n")] = '\0';
			clock_gettime(CLOCK_MONOTONIC, &a);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd >= 0) {
				while ((n = read(fd, buf, sizeof(buf))) > 0)
					;
				close(fd);
			}
			clock_gettime(CLOCK_MONOTONIC, &b);
			ms = (double)(b.tv_sec - a.tv_sec) * 1e3 +
			     (double)(b.tv_nsec - a.tv_nsec) / 1e6;
			if (ms > max_ms)
				max_ms = ms;
			if (fd >= 0)
				ok++;
			else if (errno == EPERM)
				eperm++;
			else
				other++;
		}
		fclose(list);
		printf("ok %lu eperm %lu other %lu max_ms %.0f\n", ok, eperm, other, max_ms);
		return 0;
	}
	if (argc == 5 && strcmp(argv[1], "notify-listen") == 0) {
		struct sockaddr_un addr = { .sun_family = AF_UNIX };
		struct timeval tv = { .tv_sec = atoi(argv[4]) };
		int want = atoi(argv[3]);

		fd = socket(AF_UNIX, SOCK_DGRAM, 0);
		snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", argv[2]);
		if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0)
			return fg_report_errno(errno);
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		printf("listening\n");
		fflush(stdout);
		for (int i = 0; i < want && (n = recv(fd, buf, sizeof(buf) - 1, 0)) > 0; i++) {
			buf[n] = '\0';
			printf("%s\n", buf);
			fflush(stdout);
		}
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "truncate") == 0) {
		if (truncate(argv[2], (off_t)strtoull(argv[3], NULL, 10)) != 0)
			return fg_report_errno(errno);
		printf("ok\n");
		return 0;
	}
	if (argc >= 3 && strcmp(argv[1], "execveat") == 0) {
		extern char **environ;

		fd = open(argv[2], O_PATH);
		if (fd < 0)
			return fg_report_errno(errno);
		fflush(stdout);
		syscall(SYS_execveat, fd, "", argv + 2, environ, AT_EMPTY_PATH);
		return fg_report_errno(errno);
	}
	if (argc == 4 && strcmp(argv[1], "hammer") == 0)
		return hammer(argv[2], argv[3]);
	if (argc == 7 && strcmp(argv[1], "rewrite") == 0)
		return rewrite(argv[2], argv[3], (unsigned)strtoul(argv[4], NULL, 10), argv[5],
			       argv[6]);
	fprintf(stderr, "usage: fg_probe open FILE | fg_probe exec FILE [ARG...] | "
			"fg_probe mmapwrite FILE OFFSET TEXT | fg_probe truncate FILE SIZE | "
			"fg_probe execveat FILE [ARG...] | fg_probe hammer FILE STOPFILE | "
			"fg_probe rewrite FILE keep|recreate ROUNDS CLEAN DETECTED\n");
	return 2;
}
