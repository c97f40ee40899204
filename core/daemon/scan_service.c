#include "daemon/scan_service.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/config.h"
#include "common/control_wire.h"
#include "common/histogram.h"
#include "common/log.h"
#include "common/monotonic.h"
#include "common/open_writers.h"
#include "common/procinfo.h"
#include "common/quarantine.h"
#include "common/scan_wire.h"
#include "daemon/pipeline.h"

/* Clients scanning at once; each has one file in the pipeline at a time. */
#define SESSIONS_MAX 8
/* Ids of on-demand requests never meet the monitor's, which count up from 1. */
#define ONDEMAND_ID_BIT (1ull << 63)

struct result {
	char kind[16];
	char detections[1024];
	char errors[1024];
	char moved[PATH_MAX + 300];
	const char
		*writers; /* open_writers_name() between our fstat and the read; "" if not asked */
	bool detected;    /* denied because a plugin detected something (not on_error) */
};

struct session {
	struct scan_service *svc;
	int conn;
	pid_t client;
	uid_t uid; /* the client's: its scans take turns with that user's others */
	pthread_t thread;
	bool used, finished;
	uint64_t waiting_for; /* the request in the pipeline; 0: none */
	bool done;
	struct result result;
	struct scan_outcome *outcome; /* `explain`: every vote is copied here; NULL otherwise */
};

struct scan_service {
	struct pipeline *pipeline;
	const struct engine *engine;
	const struct config *cfg;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct session sessions[SESSIONS_MAX];
	struct session explain; /* `fanguard explain`: the control thread's, one at a time */
	int quarantine_fd;      /* opened at the first move asked for; -1 before */
	uint64_t next_id;
	atomic_bool stopping;
};

/*
 * One per process and never freed: a scan abandoned at its deadline may still
 * finish in a pipeline thread after the service has stopped.
 */
static struct scan_service the_service;

/* Tabs and newlines would break the one-line answer. */
static void flatten(char *s)
{
	for (; *s; s++)
		if (*s == '\t' || *s == '\n' || *s == '\r')
			*s = ' ';
}

static void finished_scan(void *ctx, const struct scan_request *req, const struct scan_outcome *out)
{
	struct scan_service *svc = ctx;

	pthread_mutex_lock(&svc->lock);
	for (size_t i = 0; i <= SESSIONS_MAX; i++) {
		struct session *s = i < SESSIONS_MAX ? &svc->sessions[i] : &svc->explain;
		if (!s->used || s->waiting_for != req->id)
			continue;
		if (s->outcome)
			*s->outcome = *out;
		snprintf(s->result.kind, sizeof(s->result.kind), "%s",
			 out->reason == REASON_TOO_LARGE  ? "skipped"
			 : out->decision == DECISION_DENY ? "deny"
							  : "allow");
		s->result.detected =
			out->decision == DECISION_DENY && out->reason == REASON_DETECTED;
		engine_describe(svc->engine, out, FG_VERDICT_DETECTED, s->result.detections,
				sizeof(s->result.detections));
		engine_describe(svc->engine, out,
				out->reason == REASON_TOO_LARGE ? VOTE_SKIPPED : FG_VERDICT_ERROR,
				s->result.errors, sizeof(s->result.errors));
		s->done = true;
		pthread_cond_broadcast(&svc->changed);
		break;
	}
	/* no session waits: it gave up at its deadline and has been answered already */
	pthread_mutex_unlock(&svc->lock);
}

static uint64_t deadline_after_ms(unsigned ms)
{
	return monotonic_ns() + (uint64_t)ms * 1000000ull;
}

static void set_result(struct result *r, const char *kind, const char *errors)
{
	snprintf(r->kind, sizeof(r->kind), "%s", kind);
	r->detections[0] = '\0';
	r->detected = false;
	snprintf(r->errors, sizeof(r->errors), "%s", errors);
}

/* Puts req in the pipeline and waits for its outcome, at most until deadline. */
static void scan_in_pipeline(struct session *s, struct scan_request *req, uint64_t deadline)
{
	struct scan_service *svc = s->svc;
	struct timespec ts;

	pthread_mutex_lock(&svc->lock);
	req->id = ONDEMAND_ID_BIT | ++svc->next_id;
	req->ondemand = finished_scan;
	req->ondemand_ctx = svc;
	s->waiting_for = req->id;
	s->done = false;
	pthread_mutex_unlock(&svc->lock);

	/* a full pipeline is busy with on-access events, which come first: wait for room */
	while (pipeline_submit(svc->pipeline, req) != 0) {
		if (monotonic_ns() >= deadline || svc->stopping) {
			close(req->fd);
			set_result(&s->result, "error", "the daemon is too busy to scan it now");
			pthread_mutex_lock(&svc->lock);
			s->waiting_for = 0;
			pthread_mutex_unlock(&svc->lock);
			return;
		}
		nanosleep(&(struct timespec){ .tv_nsec = 2000000 }, NULL);
	}
	ts.tv_sec = (time_t)(deadline / 1000000000ull);
	ts.tv_nsec = (long)(deadline % 1000000000ull);
	pthread_mutex_lock(&svc->lock);
	while (!s->done && !svc->stopping &&
	       pthread_cond_timedwait(&svc->changed, &svc->lock, &ts) != ETIMEDOUT)
		;
	if (!s->done)
		set_result(&s->result, "error",
			   svc->stopping ? "the daemon is stopping" : "no verdict in time");
	s->waiting_for = 0;
	pthread_mutex_unlock(&svc->lock);
}

/*
 * scan --daemon --move: the daemon moves what it found itself. Its opens of
 * the file are its own, answered at once; the client's would be denied.
 */
static void move_to_quarantine(struct session *s, const struct scan_request *req)
{
	struct scan_service *svc = s->svc;
	struct quarantine_item item;
	char plugin[64], threat[256], err[PATH_MAX + 256];
	int qfd;

	pthread_mutex_lock(&svc->lock);
	if (svc->quarantine_fd < 0)
		svc->quarantine_fd = quarantine_open(svc->cfg->quarantine_dir, err, sizeof(err));
	qfd = svc->quarantine_fd;
	pthread_mutex_unlock(&svc->lock);
	quarantine_first_finding(s->result.detections, plugin, sizeof(plugin), threat,
				 sizeof(threat));
	if (qfd < 0 || quarantine_store(qfd, req->path, &req->st, plugin, threat, &item, err,
					sizeof(err)) != 0) {
		log_warning("on-demand scan: %s not moved to quarantine: %s", req->path, err);
		snprintf(s->result.moved, sizeof(s->result.moved), "not-moved:%s", err);
		return;
	}
	log_warning("on-demand scan: %s moved to quarantine as %s (%s: %s)", req->path, item.id,
		    plugin, threat);
	snprintf(s->result.moved, sizeof(s->result.moved), "quarantined:%s", item.id);
}

static void scan_item(struct session *s, int opath_fd, uint32_t flags)
{
	const struct config *cfg = s->svc->cfg;
	struct scan_request req = { .kind = FG_EVENT_ON_DEMAND, .pid = s->client, .uid = s->uid };
	char proc[64], why[256];

	if (fstat(opath_fd, &req.st) != 0) {
		set_result(&s->result, "error", strerror(errno));
		return;
	}
	if (!S_ISREG(req.st.st_mode)) {
		set_result(&s->result, "skipped", "not a regular file");
		return;
	}
	if (cfg->max_file_size && (unsigned long long)req.st.st_size > cfg->max_file_size) {
		snprintf(why, sizeof(why), "larger than watch.max_file_size (%llu bytes)",
			 cfg->max_file_size);
		set_result(&s->result, "skipped", why);
		return;
	}
	procinfo_fd_path(opath_fd, req.path, sizeof(req.path));
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", opath_fd);
	/* our own open: the monitor answers it at once, so it cannot wait on itself */
	req.fd = open(proc, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (req.fd < 0) {
		set_result(&s->result, "error", strerror(errno));
		return;
	}
	/*
	 * For the client's incremental state (scheduled-scan): a file someone has
	 * open for writing may change under the stat it keeps. SIGIO is ignored
	 * (monitor.c), so a writer's open meanwhile only waits for the unlock.
	 */
	s->result.writers = open_writers_name(open_writers_check(req.fd));
	req.submitted_ns = monotonic_ns();
	/* the pipeline answers within its deadline; the slack covers a scanner restart */
	scan_in_pipeline(s, &req, deadline_after_ms(2 * cfg->timeout_ms + 2000));
	if ((flags & SCAN_ITEM_MOVE) && s->result.detected)
		move_to_quarantine(s, &req);
}

int scan_service_explain(struct scan_service *svc, int fd, const char *path, const struct stat *st,
			 struct scan_outcome *out, char *err, size_t errlen)
{
	struct session *s = &svc->explain;
	struct scan_request req = { .kind = FG_EVENT_ON_DEMAND, .pid = getpid(), .uid = 0 };

	req.st = *st;
	snprintf(req.path, sizeof(req.path), "%s", path);
	req.fd = fcntl(fd, F_DUPFD_CLOEXEC, 0); /* the pipeline takes it */
	if (req.fd < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	pthread_mutex_lock(&svc->lock);
	*s = (struct session){ .svc = svc, .used = true, .outcome = out };
	pthread_mutex_unlock(&svc->lock);
	req.submitted_ns = monotonic_ns();
	scan_in_pipeline(s, &req, deadline_after_ms(2 * svc->cfg->timeout_ms + 2000));
	pthread_mutex_lock(&svc->lock);
	s->used = false;
	s->outcome = NULL;
	pthread_mutex_unlock(&svc->lock);
	if (strcmp(s->result.kind, "error") == 0 && !s->result.detections[0] && out->n_votes == 0) {
		snprintf(err, errlen, "%s", s->result.errors);
		return -1;
	}
	return 0;
}

/* Reads one item: its header with the descriptor, then the path (unused here). -1 at the end. */
static int receive_item(int conn, int *fd, uint32_t *flags)
{
	struct scan_item_header h;
	char cbuf[CMSG_SPACE(sizeof(int))], path[SCAN_ITEM_PATH_MAX];
	struct iovec iov = { .iov_base = &h, .iov_len = sizeof(h) };
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	ssize_t n;

	*fd = -1;
	n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC | MSG_WAITALL);
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
		    cm->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(fd, CMSG_DATA(cm), sizeof(int));
	if (n != (ssize_t)sizeof(h) || (msg.msg_flags & MSG_CTRUNC) || h.path_len > sizeof(path) ||
	    (h.path_len && recv(conn, path, h.path_len, MSG_WAITALL) != (ssize_t)h.path_len)) {
		if (*fd >= 0)
			close(*fd);
		return -1;
	}
	*flags = h.flags;
	return 0;
}

static void *session_main(void *arg)
{
	struct session *s = arg;
	char line[sizeof(s->result) + 8];
	uint32_t flags;
	int fd;

	if (control_send_all(s->conn, "ok\n", 3)) {
		while (!s->svc->stopping && receive_item(s->conn, &fd, &flags) == 0) {
			s->result.moved[0] = '\0';
			s->result.writers = "";
			if (fd < 0)
				set_result(&s->result, "error",
					   "no file descriptor came with the request");
			else
				scan_item(s, fd, flags);
			if (fd >= 0)
				close(fd);
			flatten(s->result.detections);
			flatten(s->result.errors);
			flatten(s->result.moved);
			snprintf(line, sizeof(line), "%s\t%s\t%s\t%s\t%s\n", s->result.kind,
				 s->result.detections, s->result.errors, s->result.moved,
				 s->result.writers);
			if (!control_send_all(s->conn, line, strlen(line)))
				break;
		}
	}
	pthread_mutex_lock(&s->svc->lock);
	s->finished = true;
	pthread_mutex_unlock(&s->svc->lock);
	return NULL;
}

struct scan_service *scan_service_start(struct pipeline *p, const struct engine *engine,
					const struct config *cfg)
{
	struct scan_service *svc = &the_service;
	pthread_condattr_t attr;

	if (svc->pipeline)
		return NULL; /* one per process */
	svc->pipeline = p;
	svc->quarantine_fd = -1;
	svc->engine = engine;
	svc->cfg = cfg;
	pthread_mutex_init(&svc->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC); /* the clock monotonic_ns() reads */
	pthread_cond_init(&svc->changed, &attr);
	pthread_condattr_destroy(&attr);
	return svc;
}

/* Joins a session whose thread has ended or is ending. */
static void reap(struct session *s)
{
	pthread_join(s->thread, NULL);
	close(s->conn);
	s->used = s->finished = false;
}

bool scan_service_take(struct scan_service *svc, int conn, pid_t client, uid_t uid)
{
	struct session *free_slot = NULL;
	struct timeval tv = { .tv_sec = 0 };

	pthread_mutex_lock(&svc->lock);
	for (size_t i = 0; i < SESSIONS_MAX; i++) {
		struct session *s = &svc->sessions[i];
		if (s->used && s->finished)
			reap(s);
		if (!s->used && !free_slot)
			free_slot = s;
	}
	if (free_slot) {
		/* the control thread set timeouts for one-shot commands; a session waits for its client */
		setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		*free_slot = (struct session){
			.svc = svc, .conn = conn, .client = client, .uid = uid, .used = true
		};
		if (pthread_create(&free_slot->thread, NULL, session_main, free_slot) != 0) {
			free_slot->used = false;
			free_slot = NULL;
		}
	}
	pthread_mutex_unlock(&svc->lock);
	return free_slot != NULL;
}

void scan_service_stop(struct scan_service *svc)
{
	if (!svc)
		return;
	pthread_mutex_lock(&svc->lock);
	svc->stopping = true;
	for (size_t i = 0; i < SESSIONS_MAX; i++)
		if (svc->sessions[i].used)
			shutdown(svc->sessions[i].conn,
				 SHUT_RDWR); /* wakes a session blocked in recv */
	pthread_cond_broadcast(&svc->changed);
	pthread_mutex_unlock(&svc->lock);
	for (size_t i = 0; i < SESSIONS_MAX; i++) {
		struct session *s = &svc->sessions[i];
		if (s->used)
			reap(s);
	}
	/* the lock, the condition and the hook stay: late outcomes find no session waiting */
}
