#include "scanner/scanner_proto.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int scanner_send(int sock, const void *msg, size_t len, int fd, int flags)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { .iov_base = (void *)msg, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&control, 0, sizeof(control));
		mh.msg_control = control.buf;
		mh.msg_controllen = sizeof(control.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL | flags);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	return 0;
}

ssize_t scanner_recv(int sock, union scanner_msg *msg, int *fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { .iov_base = msg, .iov_len = sizeof(*msg) };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	ssize_t n;
	size_t fds = 0;

	*fd = -1;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return n;
	/* Whatever descriptors came are ours now: keep one, close any others (none may leak). */
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++, fds++) {
			int got;

			memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (fds == 0)
				*fd = got;
			else
				close(got);
		}
	}
	if ((size_t)n < sizeof(msg->type) || fds > 1 || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		if (n == 0)
			return 0;
		errno = EBADMSG;
		return -1;
	}
	if (msg->type == SCANNER_SCAN && (size_t)n > offsetof(struct scanner_scan, path))
		((char *)msg)[(size_t)n < sizeof(*msg) ? (size_t)n : sizeof(*msg) - 1] = '\0';
	return n;
}

size_t scanner_scan_len(const struct scanner_scan *scan)
{
	return offsetof(struct scanner_scan, path) + strnlen(scan->path, sizeof(scan->path) - 1) +
	       1;
}

size_t scanner_verdict_len(uint32_t n_votes)
{
	return offsetof(struct scanner_verdict, vote) + n_votes * sizeof(struct scanner_vote);
}
