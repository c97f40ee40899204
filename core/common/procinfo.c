#include "common/procinfo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/small_read.h"

void procinfo_read(pid_t pid, struct procinfo *out)
{
	char path[64];
	uid_t real, effective;
	ssize_t n;

	out->uid = -1;
	out->exited = false;
	snprintf(out->exe, sizeof(out->exe), "?");
	if (pid <= 0)
		return;
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, out->exe, sizeof(out->exe) - 1);
	out->exe[n > 0 ? n : 0] = '\0';
	if (n <= 0)
		snprintf(out->exe, sizeof(out->exe), "?");
	if (procinfo_uids(pid, &real, &effective) == 0)
		out->uid = (long)real;
	else
		out->exited = n <= 0; /* neither could be read: no such process any more */
}

const char *procinfo_describe(const struct procinfo *who, char *buf, size_t size)
{
	char uid[24];

	if (who->exited) {
		snprintf(buf, size, "uid ?, exe ? (exited)");
		return buf;
	}
	if (who->uid >= 0)
		snprintf(uid, sizeof(uid), "%ld", who->uid);
	else
		snprintf(uid, sizeof(uid), "?");
	snprintf(buf, size, "uid %s, exe %s", uid, who->exe);
	return buf;
}

int procinfo_exe(pid_t pid, char *buf, size_t size)
{
	static const char deleted[] = " (deleted)";
	char path[64];
	ssize_t n;

	if (pid <= 0 || size < 2)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, buf, size - 1);
	if (n <= 0 || (size_t)n >= size - 1)
		return -1; /* gone, or possibly truncated */
	buf[n] = '\0';
	if ((size_t)n > sizeof(deleted) - 1 &&
	    strcmp(buf + n - (sizeof(deleted) - 1), deleted) == 0)
		return -1;
	return (int)n;
}

/* /proc/PID/status into buf; its length, or -1. */
static ssize_t read_status(pid_t pid, char *buf, size_t size)
{
	char path[64];

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	return small_read(AT_FDCWD, path, buf, size);
}

/* The numbers after "\nKEY:" in a /proc status text, at most n of them; how many were read. */
static int status_numbers(const char *status, const char *key, unsigned long *out, int n)
{
	const char *at = strstr(status, key);
	char *end;
	int i;

	if (!at)
		return 0;
	at += strlen(key);
	for (i = 0; i < n; i++, at = end) {
		errno = 0;
		out[i] = strtoul(at, &end, 10);
		if (end == at || errno)
			break;
	}
	return i;
}

/* Without stdio: it runs for every event when uid exclusions are configured. */
int procinfo_uids(pid_t pid, uid_t *real, uid_t *effective)
{
	char buf[4096];
	unsigned long uid[2];

	/* "Uid:\treal\teffective\tsaved\tfs", after Name (which may hold anything but a newline) */
	if (read_status(pid, buf, sizeof(buf)) < 0 || status_numbers(buf, "\nUid:", uid, 2) != 2)
		return -1;
	*real = (uid_t)uid[0];
	*effective = (uid_t)uid[1];
	return 0;
}

int procinfo_guard(pid_t pid, struct procinfo_guard *out)
{
	char buf[4096];
	unsigned long uid[4], tracer;

	if (read_status(pid, buf, sizeof(buf)) < 0)
		return -1;
	/* both come after Name, which may hold anything but a newline */
	if (status_numbers(buf, "\nUid:", uid, 4) != 4 ||
	    status_numbers(buf, "\nTracerPid:", &tracer, 1) != 1)
		return -1;
	for (int i = 0; i < 4; i++)
		out->uid[i] = (uid_t)uid[i];
	out->tracer_pid = (pid_t)tracer;
	return 0;
}

ssize_t procinfo_fd_path(int fd, char *buf, size_t size)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, size - 1);
	if (n >= (ssize_t)size - 1) {
		/* readlink cuts silently: a cut name would match paths the file is not under */
		errno = ENAMETOOLONG;
		n = -1;
	}
	buf[n > 0 ? n : 0] = '\0';
	return n;
}
