#include "daemon/control.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "build_paths.h"
#include "common/control_wire.h"
#include "common/log.h"
#include "common/textbuf.h"
#include "common/trust.h"
#include "daemon/health.h"
#include "daemon/kernel_features.h"
#include "daemon/monitor.h"
#include "daemon/other_agents.h"
#include "daemon/pipeline.h"
#include "daemon/scan_service.h"
#include "daemon/signature_watch.h"
#include "scanner/runtime.h"

#define ANSWER_MAX (256 * 1024)

struct control {
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int listen_fd, stop_fd;
	pthread_t thread;
	const struct runtime *rt;
	struct monitor *monitor;
	struct pipeline *pipeline;
	char plugins[1024];
	time_t started;
	char *answer;
	struct scan_service *scans;
	struct signature_watch *signatures;
	struct health_window window; /* the control thread's alone */
};

static bool is_our_process(void *ctx, pid_t pid)
{
	struct control *c = ctx;

	return pipeline_is_helper_pid(c->pipeline, pid);
}

/* Everything that degrades protection now, from every part that knows. */
static void collect_health(struct control *c, struct health_report *r)
{
	struct health_counts counts;
	struct timespec now;
	char agents[512];

	health_report_init(r);
	pipeline_health(c->pipeline, r);
	signature_watch_health(c->signatures, r);
	monitor_health_counts(c->monitor, &counts);
	clock_gettime(CLOCK_MONOTONIC, &now);
	health_window_check(&c->window, &counts, now.tv_sec, r);
	monitor_health(c->monitor, r);
	if (other_agents_find(is_our_process, c, agents, sizeof(agents)))
		health_add(r, HEALTH_OTHER_AGENT,
			   "another on-access agent is running: %s (two permission listeners "
			   "stack their delays and failures)",
			   agents);
}

static void health_sample(struct control *c)
{
	struct health_counts counts;
	struct timespec now;

	monitor_health_counts(c->monitor, &counts);
	clock_gettime(CLOCK_MONOTONIC, &now);
	health_window_sample(&c->window, &counts, now.tv_sec);
}

/* `fanguard health`: "ok", or "DEGRADED" and a "problem: CAUSE: why" line per problem. */
static void health(struct control *c, struct textbuf *tb)
{
	struct health_report r;
	char *item, *save = NULL;

	collect_health(c, &r);
	if (health_ok(&r)) {
		textbuf_printf(tb, "ok\n");
		return;
	}
	textbuf_printf(tb, "DEGRADED\n");
	for (item = strtok_r(r.text, "\n", &save); item; item = strtok_r(NULL, "\n", &save))
		textbuf_printf(tb, "problem: %s\n", item);
}

static void health_prometheus(struct control *c, struct textbuf *tb)
{
	struct health_report r;

	collect_health(c, &r);
	textbuf_printf(tb,
		       "# HELP fanguard_health_ok 1 when protection is as configured (fanguard "
		       "health exits 0).\n# TYPE fanguard_health_ok gauge\nfanguard_health_ok %d\n",
		       health_ok(&r));
	textbuf_printf(tb, "# HELP fanguard_health_problem 1 while this cause degrades protection "
			   "(fanguard health names it).\n# TYPE fanguard_health_problem gauge\n");
	for (int k = 0; k < HEALTH_CAUSES; k++)
		textbuf_printf(tb, "fanguard_health_problem{cause=\"%s\"} %d\n",
			       health_cause_name((enum health_cause)k), r.problem[k]);
}

static void status(struct control *c, struct textbuf *tb)
{
	const struct config *cfg = &c->rt->cfg;
	long up = (long)(time(NULL) - c->started);
	struct health_report r;
	char *item, *save = NULL, plugins[sizeof(c->plugins)];

	textbuf_printf(tb, "fanguardd %s, pid %d, up %ldd %02ld:%02ld:%02ld\n", FANGUARD_VERSION,
		       (int)getpid(), up / 86400, up / 3600 % 24, up / 60 % 60, up % 60);
	textbuf_printf(tb, "config: %s\n", cfg->path);
	for (size_t i = 0; i < cfg->n_watch; i++)
		textbuf_printf(tb, "watching: %s\n", cfg->watch[i]);
	monitor_format_marks(c->monitor, tb);
	monitor_format_modes(c->monitor, tb);
	monitor_format_exclusions(c->monitor, tb);
	if (cfg->isolate) /* what the scanners running now loaded: a reload changes it */
		pipeline_describe_scanners(c->pipeline, plugins, sizeof(plugins));
	textbuf_printf(tb, "plugins: %s\n", cfg->isolate ? plugins : c->plugins);
	textbuf_printf(tb,
		       "policy: %s, timeout %u ms (on_timeout %s, on_error %s, on_overload %s, "
		       "late detections: remembered%s%s)\n",
		       verdict_policy_name(cfg->verdict.policy), cfg->timeout_ms,
		       verdict_decision_name(cfg->on_timeout),
		       verdict_decision_name(cfg->verdict.on_error),
		       verdict_decision_name(cfg->on_overload),
		       cfg->late_quarantine ? ", quarantined" : "",
		       cfg->late_kill ? ", openers killed" : "");
	textbuf_printf(tb, "signature generation: %u (reloads done)\n",
		       pipeline_generation(c->pipeline));
	signature_watch_format_status(c->signatures, tb);
	kernel_features_format(tb);
	monitor_format_stats(c->monitor, tb);
	/* last, for `fanguard status` to find: its exit status says the same */
	collect_health(c, &r);
	if (health_ok(&r)) {
		textbuf_printf(tb, "health: ok\n");
		return;
	}
	/* one line: "cause: why; cause: why" */
	textbuf_printf(tb, "health: DEGRADED: ");
	for (item = strtok_r(r.text, "\n", &save); item; item = strtok_r(NULL, "\n", &save))
		textbuf_printf(tb, "%s%s", item == r.text ? "" : "; ", item);
	textbuf_printf(tb, "\n");
}

/* One client: one command line, one answer. */
static void serve_client(struct control *c, int fd)
{
	struct ucred peer;
	socklen_t len = sizeof(peer);
	struct timeval tv = { .tv_sec = 2 };
	struct textbuf tb;
	char cmd[PATH_MAX + 64];
	unsigned top_n;
	ssize_t n;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	textbuf_init(&tb, c->answer, ANSWER_MAX);
	/* Read the command before any answer, even a refusal: closing with unread
	 * bytes queued makes the client's send or recv fail with EPIPE/ECONNRESET
	 * instead of showing it our reason. */
	n = recv(fd, cmd, sizeof(cmd) - 1, 0);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0 || peer.uid != 0) {
		textbuf_printf(&tb,
			       "error: permission denied: the control socket answers root only\n");
		log_warning("control socket: refused a client with uid %ld (root only)",
			    len == sizeof(peer) ? (long)peer.uid : -1L);
		goto reply;
	}
	if (n <= 0) {
		textbuf_printf(&tb, "error: no command\n");
		goto reply;
	}
	cmd[n] = '\0';
	cmd[strcspn(cmd, "\r\n")] = '\0';
	if (strcmp(cmd, "status") == 0) {
		textbuf_printf(&tb, "ok\n");
		status(c, &tb);
	} else if (strcmp(cmd, "health") == 0) {
		textbuf_printf(&tb, "ok\n");
		health(c, &tb);
	} else if (strcmp(cmd, "stats") == 0) {
		textbuf_printf(&tb, "ok\n");
		monitor_format_prometheus(c->monitor, &tb);
		signature_watch_format_prometheus(c->signatures, &tb);
		health_prometheus(c, &tb);
	} else if (strncmp(cmd, "explain /", 9) == 0) {
		monitor_explain(c->monitor, c->scans, &c->rt->engine, cmd + 8, &tb);
	} else if (strcmp(cmd, "top") == 0 || sscanf(cmd, "top %u", &top_n) == 1) {
		textbuf_printf(&tb, "ok\n");
		pipeline_format_top(c->pipeline, strcmp(cmd, "top") == 0 ? 10 : top_n, &tb);
	} else if (strcmp(cmd, "scan") == 0) {
		if (c->scans && scan_service_take(c->scans, fd, peer.pid, peer.uid))
			return; /* the session thread owns fd now */
		textbuf_printf(&tb, "error: %s\n",
			       c->scans ? "too many scans at once; try again later"
					: "this daemon cannot scan on demand");
	} else if (strcmp(cmd, "reload") == 0) {
		log_info("control socket: reload requested");
		if (monitor_reload(c->monitor) == 0)
			textbuf_printf(
				&tb,
				"ok\nreload started (signature generation %u); the log says when "
				"it is done or why it failed\n",
				pipeline_generation(c->pipeline));
		else
			textbuf_printf(&tb, "error: reloading signatures needs scan { isolation = "
					    "\"process\" } (the exclusions are reloaded)\n");
	} else {
		textbuf_printf(&tb,
			       "error: unknown command '%s' (status, health, stats, reload, scan, "
			       "top [N], explain /PATH)\n",
			       cmd);
	}
reply:
	control_send_all(fd, tb.buf, tb.len);
	close(fd);
}

static void *control_main(void *arg)
{
	struct control *c = arg;

	for (;;) {
		struct pollfd fds[2] = {
			{ .fd = c->listen_fd, .events = POLLIN },
			{ .fd = c->stop_fd, .events = POLLIN },
		};
		int fd;

		/* wakes at least every second to sample the counters `health` looks back on */
		health_sample(c);
		if (poll(fds, 2, 1000) < 0 && errno != EINTR)
			break;
		if (fds[1].revents)
			break;
		if (!(fds[0].revents & POLLIN))
			continue;
		fd = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0)
			serve_client(c, fd);
	}
	return NULL;
}

/* Another daemon answering on path means we must not take it over. */
static bool socket_in_use(const struct sockaddr_un *addr)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool live;

	if (fd < 0)
		return false;
	live = connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) == 0;
	close(fd);
	return live;
}

static int listen_on(struct control *c, char *err, size_t errlen)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char dir[sizeof(c->path)], *slash;
	struct stat st;
	mode_t old_mask;

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", c->path);
	snprintf(dir, sizeof(dir), "%s", c->path);
	if ((slash = strrchr(dir, '/')) && slash != dir)
		*slash = '\0';
	/* the folder is ours (0700) or must be one root alone can change */
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "control socket %s: cannot create %s: %s", c->path, dir,
			 strerror(errno));
		return -1;
	}
	if (trust_check("control socket folder", dir, err, errlen) != 0)
		return -1;
	if (lstat(c->path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "control socket %s: exists and is not a socket",
				 c->path);
			return -1;
		}
		if (socket_in_use(&addr)) {
			snprintf(err, errlen, "control socket %s: another fanguardd answers there",
				 c->path);
			return -1;
		}
		unlink(c->path); /* left by a daemon that died */
	}
	c->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->listen_fd < 0) {
		snprintf(err, errlen, "control socket: %s", strerror(errno));
		return -1;
	}
	old_mask = umask(0177); /* the socket is created 0600 */
	if (bind(c->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		umask(old_mask);
		snprintf(err, errlen, "control socket %s: %s", c->path, strerror(errno));
		return -1;
	}
	umask(old_mask);
	if (listen(c->listen_fd, 16) != 0) {
		snprintf(err, errlen, "control socket %s: listen: %s", c->path, strerror(errno));
		return -1;
	}
	return 0;
}

struct control *control_start(const char *path, const struct runtime *rt, struct monitor *m,
			      struct pipeline *p, struct signature_watch *sigs, const char *plugins,
			      char *err, size_t errlen)
{
	struct control *c = calloc(1, sizeof(*c));

	if (!c || !(c->answer = malloc(ANSWER_MAX))) {
		free(c);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (strlen(path) >= sizeof(c->path)) {
		snprintf(err, errlen, "control socket path too long: %s", path);
		free(c->answer);
		free(c);
		return NULL;
	}
	snprintf(c->path, sizeof(c->path), "%s", path);
	snprintf(c->plugins, sizeof(c->plugins), "%s", plugins);
	c->rt = rt;
	c->monitor = m;
	c->pipeline = p;
	c->signatures = sigs;
	c->started = time(NULL);
	health_sample(c);
	c->scans = scan_service_start(p, &rt->engine, &rt->cfg);
	c->listen_fd = -1;
	c->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (c->stop_fd < 0 || listen_on(c, err, errlen) != 0 ||
	    pthread_create(&c->thread, NULL, control_main, c) != 0) {
		if (!err[0])
			snprintf(err, errlen, "control socket: %s", strerror(errno));
		if (c->listen_fd >= 0) {
			close(c->listen_fd);
			unlink(c->path);
		}
		if (c->stop_fd >= 0)
			close(c->stop_fd);
		free(c->answer);
		free(c);
		return NULL;
	}
	return c;
}

void control_stop(struct control *c)
{
	uint64_t one = 1;

	if (!c)
		return;
	if (write(c->stop_fd, &one, sizeof(one)) < 0)
		log_error("control socket: stop: %s", strerror(errno));
	pthread_join(c->thread, NULL);
	scan_service_stop(c->scans);
	close(c->listen_fd);
	close(c->stop_fd);
	unlink(c->path);
	free(c->answer);
	free(c);
}
