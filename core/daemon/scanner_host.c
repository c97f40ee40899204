#include "daemon/scanner_host.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/config.h"
#include "common/log.h"
#include "common/monotonic.h"
#include "daemon/pipeline_procs_internal.h"
#include "scanner/sandbox.h"
#include "scanner/scan_tmpdir.h"
#include "scanner/scanner.h"
#include "scanner/scanner_proto.h"

#define SCANNER_SNDBUF (8 * 1024 * 1024)

static void describe_status(int status, char *buf, size_t size)
{
	if (WIFSIGNALED(status))
		snprintf(buf, size, "killed by signal %d (%s)", WTERMSIG(status),
			 sigabbrev_np(WTERMSIG(status)) ? sigabbrev_np(WTERMSIG(status)) : "?");
	else if (WIFEXITED(status))
		snprintf(buf, size, "exited with status %d", WEXITSTATUS(status));
	else
		snprintf(buf, size, "ended (status 0x%x)", status);
}

/* Only async-signal-safe calls between fork and exec: the parent has threads. */
static void exec_scanner(int exe_fd, int sock, const char *const argv[])
{
	sigset_t none;

	sigemptyset(&none);
	if (sock == SCANNER_FD)
		fcntl(SCANNER_FD, F_SETFD, 0);
	else if (dup2(sock, SCANNER_FD) < 0)
		_exit(127);
	/*
	 * The scanner ignores stop signals sent to the whole group (the daemon
	 * stops it); ignored from here, one sent while it starts up cannot kill
	 * it either (an ignored disposition survives exec; pending ones are dropped).
	 */
	signal(SIGTERM, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGUSR1, SIG_IGN);
	sigprocmask(SIG_SETMASK, &none, NULL);
	fexecve(exe_fd, (char *const *)argv, environ);
	_exit(127);
}

static void forget_tmpdir(struct scanner *s)
{
	if (s->tmpdir[0])
		scan_tmpdir_remove(s->tmpdir);
	s->tmpdir[0] = '\0';
}

int scanner_host_spawn(struct proc_pipeline *p, struct scanner *s, char *err, size_t errlen)
{
	int sv[2], sndbuf = SCANNER_SNDBUF;
	const char *argv[10];
	struct sandbox_user user;
	size_t k = 0;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
		snprintf(err, errlen, "socketpair: %s", strerror(errno));
		return -1;
	}
	/* room for every request the daemon may have outstanding, so sending never blocks */
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &sndbuf, sizeof(sndbuf));
	argv[k++] = "fanguardd";
	argv[k++] = "--scanner";
	argv[k++] = s->name;
	/* without it the scanner makes one itself, which nobody removes after it */
	s->tmpdir[0] = '\0';
	if (sandbox_resolve_user(p->cfg->scan_user, &user, err, errlen) == 0 &&
	    scan_tmpdir_make(user.uid, user.gid, s->tmpdir, sizeof(s->tmpdir), err, errlen) == 0) {
		argv[k++] = "--tmpdir";
		argv[k++] = s->tmpdir;
	} else {
		log_warning("scanner %s: %s", s->name, err);
		s->tmpdir[0] = '\0';
	}
	argv[k++] = "-c";
	argv[k++] = p->cfg->path;
	if (p->cfg->log_level >= LOG_DEBUG)
		argv[k++] = "-d";
	argv[k] = NULL;
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		forget_tmpdir(s);
		return -1;
	}
	if (pid == 0)
		exec_scanner(p->exe_fd, sv[1], argv);
	close(sv[1]);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	s->proc = ++p->next_proc;
	s->busy = 0;
	s->pid = pid;
	/* from now on the monitor waves its opens through (before this, they are scanned) */
	pipeline_set_helper_pid(&p->base, (size_t)(s - p->pool), pid);
	s->sock = sv[0];
	s->state = SC_STARTING;
	s->started_ns = monotonic_ns();
	s->kill_reason = NULL;
	if (p->epfd >= 0) {
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = s };
		epoll_ctl(p->epfd, EPOLL_CTL_ADD, s->sock, &ev);
	}
	return 0;
}

/* The scanner's plugins, in the order it votes: must be the ones we expect. */
static enum scanner_hello take_ready(struct scanner *s, const struct engine *e,
				     const struct scanner_ready *msg, char *err, size_t errlen)
{
	if (msg->n_plugins != s->n_plugins) {
		snprintf(err, errlen, "scanner %s runs %u plugins, expected %zu", s->name,
			 msg->n_plugins, s->n_plugins);
		return HELLO_WRONG_PLUGINS;
	}
	for (size_t k = 0; k < s->n_plugins; k++) {
		const char *want = e->plugins[s->plugin[k]].name;
		if (strncmp(msg->plugin[k].name, want, sizeof(msg->plugin[k].name)) != 0) {
			snprintf(err, errlen, "scanner %s: plugin %zu is '%.63s', expected '%s'",
				 s->name, k, msg->plugin[k].name, want);
			return HELLO_WRONG_PLUGINS;
		}
		s->signatures[k] = msg->plugin[k].signatures;
		s->size_limit[k] = msg->plugin[k].max_file_size;
		snprintf(s->version[k], sizeof(s->version[k]), "%.*s",
			 (int)sizeof(msg->plugin[k].version) - 1, msg->plugin[k].version);
	}
	s->state = SC_READY;
	log_info("scanner %s ready (pid %d)%s", s->name, (int)s->pid,
		 s->restarts ? " after a restart" : "");
	return HELLO_READY;
}

enum scanner_hello scanner_host_hello(struct scanner *s, const struct engine *e,
				      union scanner_msg *msg, char *err, size_t errlen)
{
	if (msg->type == SCANNER_READY)
		return take_ready(s, e, &msg->ready, err, errlen);
	msg->failed.message[sizeof(msg->failed.message) - 1] = '\0';
	snprintf(err, errlen, "%s", msg->failed.message);
	return HELLO_FAILED;
}

int scanner_host_await_ready(struct proc_pipeline *p, struct scanner *s, union scanner_msg *msg,
			     char *err, size_t errlen)
{
	int flags = fcntl(s->sock, F_GETFL), fd, status = 0;
	ssize_t n;

	fcntl(s->sock, F_SETFL, flags & ~O_NONBLOCK);
	n = scanner_recv(s->sock, msg, &fd);
	fcntl(s->sock, F_SETFL, flags);
	if (fd >= 0)
		close(fd);
	if (n > 0 && (msg->type == SCANNER_READY || msg->type == SCANNER_FAILED))
		return scanner_host_hello(s, p->base.engine, msg, err, errlen) == HELLO_READY ? 0
											      : -1;
	pipeline_set_helper_pid(&p->base, (size_t)(s - p->pool), 0);
	waitpid(s->pid, &status, 0);
	s->pid = 0;
	snprintf(err, errlen, "scanner %s ", s->name);
	describe_status(status, err + strlen(err), errlen - strlen(err));
	strncat(err, " before it was ready", errlen - strlen(err) - 1);
	return -1;
}

void scanner_host_scan_msg(struct scanner_scan *scan, const struct scan_request *req, uint64_t tag)
{
	memset(scan, 0, offsetof(struct scanner_scan, path));
	scan->type = SCANNER_SCAN;
	scan->tag = tag;
	scan->kind = req->kind;
	scan->pid = req->pid;
	scan->st = req->st;
	snprintf(scan->path, sizeof(scan->path), "%s", req->path);
}

int scanner_host_send_scan(const struct scanner *s, struct scanner_scan *scan, int fd)
{
	/* each scanner's own: its queue wait starts when it is sent the file */
	scan->sent_ns = monotonic_ns();
	return scanner_send(s->sock, scan, scanner_scan_len(scan), fd, MSG_DONTWAIT);
}

ssize_t scanner_host_recv(const struct scanner *s, union scanner_msg *msg)
{
	ssize_t n;
	int fd;

	for (;;) {
		n = scanner_recv(s->sock, msg, &fd);
		if (fd >= 0)
			close(fd); /* scanners send no descriptors */
		if (n < 0 && errno == EBADMSG)
			continue;
		if (n < 0 && errno == EAGAIN)
			return -1;
		return n < 0 ? 0 : n;
	}
}

void scanner_host_kill(struct scanner *s, const char *reason)
{
	if (s->kill_reason)
		return;
	s->kill_reason = reason;
	kill(s->pid, SIGKILL); /* its socket closes; pool_scanner_down does the rest */
}

bool scanner_host_reap(struct proc_pipeline *p, struct scanner *s, char *status_text, size_t size)
{
	int status = 0;
	pid_t got;

	epoll_ctl(p->epfd, EPOLL_CTL_DEL, s->sock, NULL);
	close(s->sock);
	s->sock = -1;
	/* withdrawn before the reap: after it the pid may belong to anyone */
	pipeline_set_helper_pid(&p->base, (size_t)(s - p->pool), 0);
	/*
	 * Its socket closes while it exits, a moment before it can be reaped:
	 * wait that moment. Still alive after it, it is stuck or broken, and ours
	 * to kill.
	 */
	for (int i = 0; i < 50; i++) {
		while ((got = waitpid(s->pid, &status, WNOHANG)) < 0 && errno == EINTR)
			;
		if (got != 0 || s->role == ROLE_RETIRING)
			break;
		usleep(2000);
	}
	if (got == 0) {
		if (s->role != ROLE_RETIRING && !s->kill_reason)
			s->kill_reason = "closed its socket, killed";
		if (s->role != ROLE_RETIRING)
			kill(s->pid, SIGKILL);
		while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	describe_status(status, status_text, size);
	forget_tmpdir(s);
	/*
	 * A SIGKILL we did not send: only root or the kernel's OOM killer can
	 * signal the scanners' own user. A plugin that fails dies otherwise.
	 */
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && !s->kill_reason;
}

void scanner_host_stop(struct proc_pipeline *p, struct scanner *s, uint64_t deadline)
{
	int status;

	pipeline_set_helper_pid(&p->base, (size_t)(s - p->pool), 0);
	while (waitpid(s->pid, &status, WNOHANG) == 0 && monotonic_ns() < deadline)
		usleep(2000);
	if (waitpid(s->pid, &status, WNOHANG) == 0) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, &status, 0);
	}
	s->pid = 0;
	forget_tmpdir(s);
}

uint64_t scanner_host_resident_bytes(const struct scanner *s)
{
	char path[64];
	unsigned long long size, resident = 0, shared = 0;
	FILE *f;

	if (!s->pid)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/statm", (int)s->pid);
	if (!(f = fopen(path, "re")))
		return 0;
	if (fscanf(f, "%llu %llu %llu", &size, &resident, &shared) != 3 || shared > resident)
		resident = shared = 0;
	fclose(f);
	/*
	 * Anonymous memory only (resident less file and shmem pages): the pages of
	 * the files it maps to scan are the files' owners' to grow, and counting
	 * them let any user's big file get the scanner killed "for memory".
	 */
	return (resident - shared) * (uint64_t)sysconf(_SC_PAGESIZE);
}
