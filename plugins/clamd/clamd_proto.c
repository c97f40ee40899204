#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "clamd_proto.h"
#include "clamd_addr.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define CLAMD_CHUNK (1024 * 1024) /* bytes per INSTREAM chunk */

/* Waits until sock is ready for events; -1 with errno ETIMEDOUT past the deadline. */
static int wait_ready(int sock, short events, int64_t deadline_ms)
{
	struct pollfd p = { .fd = sock, .events = events };

	for (;;) {
		int64_t left = deadline_ms - clamd_now_ms();
		int n;

		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		n = poll(&p, 1, (int)left);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -1;
	}
}

/* Sends every byte of the iovecs (which it advances). */
static int send_all(int sock, struct iovec *iov, int iovcnt, int64_t deadline_ms)
{
	while (iovcnt > 0) {
		struct msghdr mh = { .msg_iov = iov, .msg_iovlen = (size_t)iovcnt };
		ssize_t n = sendmsg(sock, &mh, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN || wait_ready(sock, POLLOUT, deadline_ms) != 0)
				return -1;
			continue;
		}
		while (iovcnt > 0 && (size_t)n >= iov->iov_len) {
			n -= (ssize_t)iov->iov_len;
			iov++;
			iovcnt--;
		}
		if (iovcnt > 0) {
			iov->iov_base = (char *)iov->iov_base + n;
			iov->iov_len -= (size_t)n;
		}
	}
	return 0;
}

static int send_bytes(int sock, const void *buf, size_t len, int64_t deadline_ms)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };

	return send_all(sock, &iov, 1, deadline_ms);
}

/* Reads up to the reply's '\0' (or the end of the connection after some text). */
static int read_reply(int sock, char *reply, size_t reply_size, int64_t deadline_ms, char *err,
		      size_t err_size)
{
	size_t got = 0;

	for (;;) {
		ssize_t n = recv(sock, reply + got, reply_size - 1 - got, 0);

		if (n > 0) {
			got += (size_t)n;
			reply[got] = '\0';
			if (strlen(reply) < got || got == reply_size - 1)
				break;
			continue;
		}
		if (n == 0) {
			if (got)
				break;
			snprintf(err, err_size, "connection closed before a reply");
			return -1;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN || wait_ready(sock, POLLIN, deadline_ms) != 0) {
			snprintf(err, err_size, "reading the reply: %s",
				 errno == ETIMEDOUT ? "timed out" : strerror(errno));
			return -1;
		}
	}
	reply[strcspn(reply, "\n")] = '\0'; /* a newline-terminated reply, should one come */
	return 0;
}

int clamd_session_begin(int sock, int64_t deadline_ms, char *err, size_t err_size)
{
	static const char cmd[] = "zIDSESSION";

	if (send_bytes(sock, cmd, sizeof(cmd), deadline_ms) != 0) {
		snprintf(err, err_size, "sending IDSESSION: %s", strerror(errno));
		return -1;
	}
	return 0;
}

void clamd_session_end(int sock)
{
	static const char cmd[] = "zEND";

	(void)send(sock, cmd, sizeof(cmd), MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* The chunks, each a 4-byte big-endian length and the bytes, then a zero length. */
static int send_chunks(int sock, const struct clamd_content *c, int64_t deadline_ms)
{
	unsigned char *buf = NULL;
	size_t off = 0;
	int rc = -1;

	if (!c->data && c->size && !(buf = malloc(c->size < CLAMD_CHUNK ? c->size : CLAMD_CHUNK)))
		return -1;
	while (off < c->size) {
		size_t len = c->size - off < CLAMD_CHUNK ? c->size - off : CLAMD_CHUNK;
		const unsigned char *bytes = c->data ? c->data + off : buf;
		unsigned char hdr[4];
		struct iovec iov[2];

		if (!c->data) {
			ssize_t n = pread(c->fd, buf, len, (off_t)off);
			if (n <= 0) {
				if (n == 0)
					errno = EIO; /* shrank under us */
				goto out;
			}
			len = (size_t)n;
		}
		hdr[0] = (unsigned char)(len >> 24);
		hdr[1] = (unsigned char)(len >> 16);
		hdr[2] = (unsigned char)(len >> 8);
		hdr[3] = (unsigned char)len;
		iov[0] = (struct iovec){ .iov_base = hdr, .iov_len = sizeof(hdr) };
		iov[1] = (struct iovec){ .iov_base = (void *)bytes, .iov_len = len };
		if (send_all(sock, iov, 2, deadline_ms) != 0)
			goto out;
		off += len;
	}
	rc = send_bytes(sock, "\0\0\0\0", 4, deadline_ms);
out:
	free(buf);
	return rc;
}

int clamd_instream(int sock, const struct clamd_content *c, int64_t deadline_ms, char *reply,
		   size_t reply_size, char *err, size_t err_size)
{
	static const char cmd[] = "zINSTREAM";
	int saved;

	if (send_bytes(sock, cmd, sizeof(cmd), deadline_ms) != 0) {
		snprintf(err, err_size, "sending INSTREAM: %s",
			 errno == ETIMEDOUT ? "timed out" : strerror(errno));
		return -1;
	}
	if (send_chunks(sock, c, deadline_ms) != 0) {
		/* clamd answers a stream over its StreamMaxLength, then hangs up: read why */
		saved = errno;
		if ((saved == EPIPE || saved == ECONNRESET) &&
		    read_reply(sock, reply, reply_size, deadline_ms, err, err_size) == 0)
			return 0;
		snprintf(err, err_size, "sending the file: %s",
			 saved == ETIMEDOUT ? "timed out" : strerror(saved));
		return -1;
	}
	return read_reply(sock, reply, reply_size, deadline_ms, err, err_size);
}

static int ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

int clamd_parse_reply(const char *reply, unsigned session_id, enum fg_verdict *verdict, char *out,
		      size_t out_size)
{
	const char *text = reply;
	size_t len;

	if (session_id) {
		char *end;
		unsigned long id = strtoul(reply, &end, 10);

		if (end == reply || end[0] != ':' || end[1] != ' ' || id != session_id) {
			snprintf(out, out_size, "reply '%.80s' does not answer command %u", reply,
				 session_id);
			return -1;
		}
		text = end + 2;
	}
	len = strlen(text);
	if (ends_with(text, len, " ERROR")) {
		*verdict = FG_VERDICT_ERROR;
		snprintf(out, out_size, "clamd replied: %.*s", (int)(len - 6), text);
		return 0;
	}
	if (strncmp(text, "stream: ", 8) != 0) {
		snprintf(out, out_size, "unexpected reply '%.80s'", reply);
		return -1;
	}
	text += 8;
	len -= 8;
	if (strcmp(text, "OK") == 0) {
		*verdict = FG_VERDICT_CLEAN;
		out[0] = '\0';
		return 0;
	}
	if (ends_with(text, len, " FOUND") && len > 6) {
		*verdict = FG_VERDICT_DETECTED;
		snprintf(out, out_size, "%.*s", (int)(len - 6), text);
		return 0;
	}
	snprintf(out, out_size, "unexpected reply '%.80s'", reply);
	return -1;
}
