#include "cli/control_client.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/*
 * fanguardd runs as root. Whoever else listens on the socket's path (a user
 * who bound it while the daemon was down, where the configured folder lets
 * him) must not answer root's commands: `scheduled-scan` would remember his
 * "allow" for every file, and he would get O_PATH descriptors of root's walk.
 * Our own uid is trusted too (a test daemon, a user's own).
 */
static bool peer_is_trusted(int fd, const char *path, char *err, size_t errlen)
{
	struct ucred peer;
	socklen_t len = sizeof(peer);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0) {
		snprintf(err, errlen, "control socket %s: cannot tell who listens: %s", path,
			 strerror(errno));
		return false;
	}
	if (peer.uid == 0 || peer.uid == geteuid())
		return true;
	snprintf(err, errlen,
		 "control socket %s is served by uid %u (pid %d), not by root: not fanguardd; "
		 "refused",
		 path, (unsigned)peer.uid, (int)peer.pid);
	return false;
}

int control_connect(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	if (!path[0]) {
		snprintf(err, errlen, "the control socket is turned off in the configuration");
		return -1;
	}
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		snprintf(err, errlen, "cannot reach fanguardd at %s: %s (is it running?)", path,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!peer_is_trusted(fd, path, err, errlen)) {
		close(fd);
		return -1;
	}
	return fd;
}

int control_request(const char *path, const char *command, FILE *out, char *err, size_t errlen)
{
	char buf[PATH_MAX + 64], first[8] = ""; /* a command: "explain PATH" */
	size_t have_first = 0;
	ssize_t n;
	int fd = control_connect(path, err, errlen);

	if (fd < 0)
		return -1;
	snprintf(buf, sizeof(buf), "%s\n", command);
	/* A failed send is not the end: the daemon may already have written why
	 * (a refusal), and that reason is worth more than EPIPE. */
	if (send(fd, buf, strlen(buf), MSG_NOSIGNAL) < 0 && errno != EPIPE && errno != ECONNRESET) {
		snprintf(err, errlen, "control socket %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	/* the first line is "ok" or "error: ..."; the rest is the answer */
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
		size_t skip = 0;
		if (have_first < 3) {
			while (skip < (size_t)n && have_first < 3)
				first[have_first++] = buf[skip++];
			if (have_first == 3 && strncmp(first, "ok\n", 3) != 0) {
				fwrite(first, 1, have_first, stderr);
				fwrite(buf + skip, 1, (size_t)n - skip, stderr);
				continue;
			}
		}
		if (strncmp(first, "ok\n", 3) == 0)
			fwrite(buf + skip, 1, (size_t)n - skip, out);
		else
			fwrite(buf + skip, 1, (size_t)n - skip, stderr);
	}
	close(fd);
	if (strncmp(first, "ok\n", 3) != 0) {
		snprintf(err, errlen, "fanguardd refused the request");
		return -1;
	}
	return 0;
}
