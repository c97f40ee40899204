/*
 * Server specs are parsed once at init into socket addresses, so a scan only
 * does socket() + connect(): the sandbox allows no name lookups.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "clamd_addr.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

int64_t clamd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int parse_unix(const char *path, struct clamd_addr *out, char *err, size_t err_size)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)&out->sa;

	if (path[0] != '/') {
		snprintf(err, err_size, "the socket path after 'unix:' must be absolute");
		return -1;
	}
	if (strlen(path) >= sizeof(sun->sun_path)) {
		snprintf(err, err_size, "the socket path is longer than %zu bytes",
			 sizeof(sun->sun_path) - 1);
		return -1;
	}
	sun->sun_family = AF_UNIX;
	strcpy(sun->sun_path, path);
	out->sa_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
	return 0;
}

static int parse_port(const char *text, char *err, size_t err_size)
{
	char *end;
	long port;

	errno = 0;
	port = strtol(text, &end, 10);
	if (!*text || *end || errno || port < 1 || port > 65535) {
		snprintf(err, err_size, "port '%s' is not a number from 1 to 65535", text);
		return -1;
	}
	return (int)port;
}

static int parse_tcp(const char *rest, struct clamd_addr *out, char *err, size_t err_size)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	char host[CLAMD_SPEC_MAX];
	const char *colon;
	int port, rc;

	if (rest[0] == '[') { /* [IPv6]:PORT */
		const char *close = strchr(rest, ']');
		if (!close || close[1] != ':') {
			snprintf(err, err_size, "expected tcp:[IPV6]:PORT");
			return -1;
		}
		snprintf(host, sizeof(host), "%.*s", (int)(close - rest - 1), rest + 1);
		colon = close + 1;
	} else {
		colon = strrchr(rest, ':');
		if (!colon || colon == rest) {
			snprintf(err, err_size, "expected tcp:HOST:PORT");
			return -1;
		}
		snprintf(host, sizeof(host), "%.*s", (int)(colon - rest), rest);
		if (strchr(host, ':')) {
			snprintf(err, err_size, "write an IPv6 address in brackets: tcp:[%s]:PORT",
				 host);
			return -1;
		}
	}
	if ((port = parse_port(colon + 1, err, err_size)) < 0)
		return -1;
	if ((rc = getaddrinfo(host, NULL, &hints, &res)) != 0) {
		snprintf(err, err_size, "cannot resolve '%s': %s", host, gai_strerror(rc));
		return -1;
	}
	memcpy(&out->sa, res->ai_addr, res->ai_addrlen);
	out->sa_len = res->ai_addrlen;
	freeaddrinfo(res);
	if (out->sa.ss_family == AF_INET)
		((struct sockaddr_in *)&out->sa)->sin_port = htons((uint16_t)port);
	else
		((struct sockaddr_in6 *)&out->sa)->sin6_port = htons((uint16_t)port);
	return 0;
}

int clamd_addr_parse(const char *spec, struct clamd_addr *out, char *err, size_t err_size)
{
	memset(out, 0, sizeof(*out));
	if (strlen(spec) >= sizeof(out->spec)) {
		snprintf(err, err_size, "longer than %zu characters", sizeof(out->spec) - 1);
		return -1;
	}
	strcpy(out->spec, spec);
	if (strncmp(spec, "unix:", 5) == 0)
		return parse_unix(spec + 5, out, err, err_size);
	if (strncmp(spec, "tcp:", 4) == 0)
		return parse_tcp(spec + 4, out, err, err_size);
	snprintf(err, err_size, "expected \"tcp:HOST:PORT\" or \"unix:/PATH\"");
	return -1;
}

int clamd_addr_connect(const struct clamd_addr *a, int64_t deadline_ms, char *err, size_t err_size)
{
	int fd, one = 1, soerr = 0;
	socklen_t len = sizeof(soerr);
	struct pollfd p;

	fd = socket(a->sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, err_size, "socket: %s", strerror(errno));
		return -1;
	}
	/* one small write (the chunk header) then the data: do not wait for an ACK in between */
	if (a->sa.ss_family != AF_UNIX)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (const struct sockaddr *)&a->sa, a->sa_len) == 0)
		return fd;
	if (errno != EINPROGRESS) { /* a Unix socket with a full backlog says EAGAIN: a failure */
		snprintf(err, err_size, "connect: %s", strerror(errno));
		goto fail;
	}
	p = (struct pollfd){ .fd = fd, .events = POLLOUT };
	for (;;) {
		int64_t left = deadline_ms - clamd_now_ms();
		int n;

		if (left <= 0) {
			snprintf(err, err_size, "connect: timed out");
			goto fail;
		}
		n = poll(&p, 1, (int)left);
		if (n > 0)
			break;
		if (n < 0 && errno != EINTR) {
			snprintf(err, err_size, "poll: %s", strerror(errno));
			goto fail;
		}
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0)
		soerr = errno;
	if (soerr) {
		snprintf(err, err_size, "connect: %s", strerror(soerr));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}
