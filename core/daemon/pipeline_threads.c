/* The in-process pipeline: scan threads behind one bounded queue that takes turns by uid. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/monotonic.h"
#include "daemon/fair_queue.h"
#include "daemon/pipeline_internal.h"

struct worker {
	struct thread_pipeline *pipeline;
	struct engine_thread ctx;
	pthread_t thread;
	bool running;
};

struct thread_pipeline {
	struct pipeline base;
	pthread_mutex_t lock;
	pthread_cond_t work;
	struct scan_request *slots; /* base.cap requests: queued ones and free ones */
	uint32_t *free_slots, n_free;
	struct fair_queue queue; /* the queued slots */
	/* background scans: taken only when queue is empty and another thread is idle */
	struct fair_queue background;
	bool stopping;
	unsigned n_workers, idle;
	struct worker *workers;
};

static void scan_one(struct worker *w, const struct scan_request *req)
{
	struct scan_outcome out;
	struct scan_target target = {
		.fd = req->fd,
		.path = req->path,
		.st = &req->st,
		.pid = req->pid,
		.kind = req->kind,
	};
	uint64_t start = monotonic_ns();

	histogram_add(&w->pipeline->base.stats.queue_wait, start - req->submitted_ns);
	engine_scan(&w->ctx, &target, &out);
	pipeline_finish(&w->pipeline->base, req, &out, monotonic_ns() - start);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct thread_pipeline *p = w->pipeline;
	struct scan_request *req = malloc(sizeof(*req));

	if (!req) {
		log_error("scan worker: out of memory");
		return NULL;
	}
	pthread_mutex_lock(&p->lock);
	for (;;) {
		uint32_t slot;

		p->idle++;
		while (!p->stopping && fairq_count(&p->queue) == 0 &&
		       (fairq_count(&p->background) == 0 || p->idle < 2))
			pthread_cond_wait(&p->work, &p->lock);
		p->idle--;
		if (p->stopping ||
		    (!fairq_pop(&p->queue, &slot) && !fairq_pop(&p->background, &slot)))
			break;
		*req = p->slots[slot];
		p->free_slots[p->n_free++] = slot;
		pthread_mutex_unlock(&p->lock);

		scan_one(w, req);
		close(req->fd);

		pthread_mutex_lock(&p->lock);
		/* a background scan may wait for this thread to be idle */
		if (fairq_count(&p->background))
			pthread_cond_broadcast(&p->work);
	}
	pthread_mutex_unlock(&p->lock);
	free(req);
	return NULL;
}

static void threads_free(struct thread_pipeline *p)
{
	for (unsigned i = 0; i < p->n_workers; i++)
		engine_thread_fini(&p->workers[i].ctx);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->lock);
	free(p->workers);
	free(p->slots);
	free(p->free_slots);
	fairq_free(&p->queue);
	fairq_free(&p->background);
	pipeline_base_free(&p->base);
	free(p);
}

static int threads_submit(struct pipeline *base, const struct scan_request *req)
{
	struct thread_pipeline *p = (struct thread_pipeline *)base;
	int rc = -1;

	if (!pipeline_reserve(base))
		return -1;
	pthread_mutex_lock(&p->lock);
	if (!p->stopping && p->n_free > 0) {
		uint32_t slot = p->free_slots[--p->n_free];
		p->slots[slot] = *req;
		fairq_push(req->background ? &p->background : &p->queue, slot, req->uid);
		pthread_cond_broadcast(&p->work);
		rc = 0;
	}
	pthread_mutex_unlock(&p->lock);
	if (rc != 0)
		pipeline_unreserve(base);
	return rc;
}

static int threads_stop(struct pipeline *base, unsigned wait_ms)
{
	struct thread_pipeline *p = (struct thread_pipeline *)base;
	struct timespec deadline;
	bool stuck = false;

	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	for (uint32_t slot; fairq_pop(&p->queue, &slot) || fairq_pop(&p->background, &slot);) {
		close(p->slots[slot].fd);
		p->free_slots[p->n_free++] = slot;
	}
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += wait_ms / 1000;
	deadline.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	for (unsigned i = 0; i < p->n_workers; i++) {
		if (!p->workers[i].running)
			continue;
		if (pthread_timedjoin_np(p->workers[i].thread, NULL, &deadline) != 0) {
			log_error("scan worker %u did not stop within %u ms (a plugin is stuck)", i,
				  wait_ms);
			stuck = true;
		}
	}
	if (stuck)
		return -1; /* a stuck thread may still touch p: leak it, the process is exiting */
	threads_free(p);
	return 0;
}

static const struct pipeline_ops thread_ops = {
	.submit = threads_submit,
	.format_stats = NULL,
	.reload = NULL,
	.stop = threads_stop,
};

struct pipeline *pipeline_start_threads(const struct engine *engine, unsigned workers,
					unsigned max_queue, const struct pipeline_hooks *hooks,
					char *err, size_t errlen)
{
	struct thread_pipeline *p = calloc(1, sizeof(*p));

	if (!p) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	if (pipeline_base_init(&p->base, &thread_ops, engine, max_queue, hooks, err, errlen) != 0) {
		threads_free(p);
		return NULL;
	}
	p->slots = calloc(max_queue, sizeof(*p->slots));
	p->free_slots = calloc(max_queue, sizeof(*p->free_slots));
	p->workers = calloc(workers, sizeof(*p->workers));
	if (!p->slots || !p->free_slots || !p->workers || fairq_init(&p->queue, max_queue) != 0 ||
	    fairq_init(&p->background, max_queue) != 0) {
		snprintf(err, errlen, "cannot set up the scan pipeline: %s", strerror(errno));
		threads_free(p);
		return NULL;
	}
	for (uint32_t i = max_queue; i > 0; i--)
		p->free_slots[p->n_free++] = i - 1;
	/* Contexts are made here, not in the threads, so a failure stops start-up with its reason. */
	for (unsigned i = 0; i < workers; i++) {
		p->workers[i].pipeline = p;
		if (engine_thread_init(engine, &p->workers[i].ctx, err, errlen) != 0) {
			p->n_workers = i;
			threads_free(p);
			return NULL;
		}
		p->n_workers = i + 1;
	}
	for (unsigned i = 0; i < workers; i++) {
		if (pthread_create(&p->workers[i].thread, NULL, worker_main, &p->workers[i]) != 0) {
			snprintf(err, errlen, "cannot start scan worker: %s", strerror(errno));
			threads_stop(&p->base, 1000);
			return NULL;
		}
		p->workers[i].running = true;
	}
	return &p->base;
}
