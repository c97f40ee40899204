#include "daemon/quarantine_worker.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/procinfo.h"
#include "common/quarantine.h"

/* Detections waiting to be moved; beyond it a file stays where it is (and that is logged). */
#define QUARANTINE_QUEUE_MAX 256

/* A detection (after close_write, or late) and its event record, out of the pipeline's hands. */
struct quarantine_job {
	char event[32]; /* "detected", "late_detection" */
	char path[PATH_MAX];
	struct stat st;
	enum fg_event_kind kind;
	char verdict[16], reason[32];
	struct procinfo who;
	bool have_sha256;
	unsigned char sha256[32];
	size_t n_findings, first_detection;
	char plugin[PLUGINS_MAX][64];
	char threat[PLUGINS_MAX][FG_THREAT_MAX];
	pid_t pid;
};

struct quarantine_worker {
	int qfd;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct quarantine_job *queue[QUARANTINE_QUEUE_MAX];
	unsigned head, count;
	bool stopping;
};

/* The job's event, with the outcome of the move. */
static void write_job_event(const struct quarantine_job *job, const char *id, const char *error)
{
	struct event_record r;

	event_record_init(&r, job->event, job->kind, job->path, job->pid, &job->who);
	r.sha256 = job->have_sha256 ? job->sha256 : NULL;
	r.verdict = job->verdict;
	r.action = id ? "quarantined" : "quarantine-failed";
	r.reason = job->reason;
	r.quarantine_id = id;
	r.quarantine_error = error;
	for (size_t i = 0; i < job->n_findings; i++)
		event_record_add_finding(&r, job->plugin[i], job->threat[i]);
	eventlog_write(&r);
}

static void move_one(struct quarantine_worker *w, const struct quarantine_job *job)
{
	struct quarantine_item item;
	char err[PATH_MAX + 512];
	size_t d = job->first_detection;

	if (quarantine_store(w->qfd, job->path, &job->st, job->plugin[d], job->threat[d], &item,
			     err, sizeof(err)) == 0) {
		log_warning("QUARANTINED %s as %s (%s: %s)", job->path, item.id, job->plugin[d],
			    job->threat[d]);
		write_job_event(job, item.id, NULL);
	} else {
		log_error("quarantine of %s failed: %s", job->path, err);
		write_job_event(job, NULL, err);
	}
}

static void *worker_main(void *arg)
{
	struct quarantine_worker *w = arg;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!w->count && !w->stopping)
			pthread_cond_wait(&w->wake, &w->lock);
		if (!w->count)
			break; /* stopping, and nothing left */
		struct quarantine_job *job = w->queue[w->head];
		w->head = (w->head + 1) % QUARANTINE_QUEUE_MAX;
		w->count--;
		pthread_mutex_unlock(&w->lock);
		move_one(w, job);
		free(job);
		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

struct quarantine_worker *quarantine_worker_start(const char *dir, char *err, size_t errlen)
{
	struct quarantine_worker *w = calloc(1, sizeof(*w));

	if (!w) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	w->qfd = quarantine_open(dir, err, errlen);
	if (w->qfd < 0) {
		free(w);
		return NULL;
	}
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	if ((errno = pthread_create(&w->thread, NULL, worker_main, w)) != 0) {
		snprintf(err, errlen, "cannot start the quarantine thread: %s", strerror(errno));
		close(w->qfd);
		pthread_cond_destroy(&w->wake);
		pthread_mutex_destroy(&w->lock);
		free(w);
		return NULL;
	}
	log_info("detected files are moved into the quarantine at %s", dir);
	return w;
}

static struct quarantine_job *job_from(const struct scan_request *req,
				       const struct scan_outcome *out, const struct event_record *r)
{
	struct quarantine_job *job = calloc(1, sizeof(*job));
	size_t f = 0;

	if (!job)
		return NULL;
	snprintf(job->event, sizeof(job->event), "%s", r->event);
	snprintf(job->path, sizeof(job->path), "%s", req->path);
	job->st = req->st;
	job->kind = r->kind;
	snprintf(job->verdict, sizeof(job->verdict), "%s", r->verdict);
	snprintf(job->reason, sizeof(job->reason), "%s", r->reason);
	job->who.uid = r->uid;
	snprintf(job->who.exe, sizeof(job->who.exe), "%s", r->exe ? r->exe : "?");
	job->have_sha256 = r->sha256 != NULL;
	if (r->sha256)
		memcpy(job->sha256, r->sha256, sizeof(job->sha256));
	job->n_findings = r->n_findings < PLUGINS_MAX ? r->n_findings : PLUGINS_MAX;
	for (size_t i = 0; i < job->n_findings; i++) {
		snprintf(job->plugin[i], sizeof(job->plugin[i]), "%s", r->plugins[i]);
		snprintf(job->threat[i], sizeof(job->threat[i]), "%s", r->threats[i]);
	}
	/* findings are the votes that detected or failed, in order: the first detection names it */
	job->first_detection = 0;
	for (size_t i = 0; i < out->n_votes && f < job->n_findings; i++) {
		if (out->votes[i].verdict == FG_VERDICT_DETECTED) {
			job->first_detection = f;
			break;
		}
		if (out->votes[i].verdict == FG_VERDICT_ERROR)
			f++;
	}
	job->pid = r->pid;
	return job;
}

bool quarantine_worker_take(void *ctx, const struct scan_request *req,
			    const struct scan_outcome *out, const struct event_record *r)
{
	struct quarantine_worker *w = ctx;
	struct quarantine_job *job = job_from(req, out, r);
	bool queued = false;

	if (!job)
		return false; /* logged the usual way, as "logged" */
	pthread_mutex_lock(&w->lock);
	if (w->count < QUARANTINE_QUEUE_MAX && !w->stopping) {
		w->queue[(w->head + w->count) % QUARANTINE_QUEUE_MAX] = job;
		w->count++;
		queued = true;
		pthread_cond_signal(&w->wake);
	}
	pthread_mutex_unlock(&w->lock);
	if (!queued) {
		log_error(
			"quarantine of %s failed: %u files already wait to be moved; it stays in place",
			req->path, QUARANTINE_QUEUE_MAX);
		write_job_event(job, NULL, "quarantine queue full");
		free(job);
	}
	return true;
}

void quarantine_worker_stop(struct quarantine_worker *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	pthread_cond_broadcast(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	close(w->qfd);
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->lock);
	free(w);
}
