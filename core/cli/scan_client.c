#include "cli/scan_client.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli/control_client.h"
#include "common/scan_wire.h"

/*
 * Reads one answer line byte by byte (answers are short and the next one must
 * not be over-read); what does not fit in buf is read and dropped, so a long
 * line never leaves the rest of itself to be taken for the next answer.
 */
static ssize_t read_line(int conn, char *buf, size_t size)
{
	size_t len = 0;
	char c;

	for (;;) {
		ssize_t n = recv(conn, &c, 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		if (len + 1 < size)
			buf[len++] = c;
		if (c == '\n')
			break;
	}
	buf[len] = '\0';
	return (ssize_t)len;
}

int scan_client_connect(const char *socket_path, char *err, size_t errlen)
{
	char line[512];
	int conn = control_connect(socket_path, err, errlen);

	if (conn < 0)
		return -1;
	if (send(conn, "scan\n", 5, MSG_NOSIGNAL) != 5 || read_line(conn, line, sizeof(line)) < 0) {
		snprintf(err, errlen, "fanguardd at %s closed the connection", socket_path);
		close(conn);
		return -1;
	}
	if (strcmp(line, "ok\n") != 0) {
		line[strcspn(line, "\n")] = '\0';
		snprintf(err, errlen, "fanguardd refused to scan: %s", line);
		close(conn);
		return -1;
	}
	return conn;
}

/* Copies field number `which` (tab-separated) of line into out. */
static void field(const char *line, int which, char *out, size_t size)
{
	const char *start = line;
	size_t len;

	for (int i = 0; i < which && start; i++)
		if ((start = strchr(start, '\t')))
			start++;
	if (!start) {
		out[0] = '\0';
		return;
	}
	len = strcspn(start, "\t\n");
	snprintf(out, size, "%.*s", (int)len, start);
}

int scan_client_scan(int conn, int fd, const char *path, bool move, struct daemon_answer *a,
		     char *err, size_t errlen)
{
	struct scan_item_header h;
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	char line[sizeof(*a) + 8];
	size_t path_len = strnlen(path, SCAN_ITEM_PATH_MAX);
	struct iovec iov[2] = {
		{ .iov_base = &h, .iov_len = sizeof(h) },
		{ .iov_base = (void *)path, .iov_len = path_len },
	};
	struct msghdr msg = {
		.msg_iov = iov, .msg_iovlen = 2, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	ssize_t want = (ssize_t)(sizeof(h) + path_len);

	h.path_len = (uint32_t)path_len;
	h.flags = move ? SCAN_ITEM_MOVE : 0;
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	if (sendmsg(conn, &msg, MSG_NOSIGNAL) != want || read_line(conn, line, sizeof(line)) < 0) {
		snprintf(err, errlen, "the connection to fanguardd broke: %s",
			 errno ? strerror(errno) : "closed");
		return -1;
	}
	field(line, 0, a->result, sizeof(a->result));
	field(line, 1, a->detections, sizeof(a->detections));
	field(line, 2, a->errors, sizeof(a->errors));
	field(line, 3, a->moved, sizeof(a->moved));
	field(line, 4, a->writers, sizeof(a->writers));
	return 0;
}
