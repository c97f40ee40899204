#include "cli/scan_queue.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void queue_init(struct job_queue *q, unsigned cap)
{
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->not_empty, NULL);
	pthread_cond_init(&q->not_full, NULL);
	q->ring = calloc(cap, sizeof(*q->ring));
	q->cap = cap;
}

void queue_fini(struct job_queue *q)
{
	free(q->ring);
	pthread_cond_destroy(&q->not_full);
	pthread_cond_destroy(&q->not_empty);
	pthread_mutex_destroy(&q->lock);
}

/* Blocks while the queue is full: the walk never holds more open files than it has room for. */
void queue_push(struct job_queue *q, int fd, const char *path)
{
	pthread_mutex_lock(&q->lock);
	while (q->count == q->cap && !q->closed)
		pthread_cond_wait(&q->not_full, &q->lock);
	if (q->closed) { /* interrupted: nothing more is scanned */
		pthread_mutex_unlock(&q->lock);
		close(fd);
		return;
	}
	q->ring[(q->head + q->count) % q->cap] = (struct job){ .fd = fd, .path = strdup(path) };
	q->count++;
	pthread_cond_signal(&q->not_empty);
	pthread_mutex_unlock(&q->lock);
}

/* The next job; false once the walk is over and the queue is empty. */
bool queue_pop(struct job_queue *q, struct job *job)
{
	pthread_mutex_lock(&q->lock);
	while (!q->count && !q->closed)
		pthread_cond_wait(&q->not_empty, &q->lock);
	if (!q->count) {
		pthread_mutex_unlock(&q->lock);
		return false;
	}
	*job = q->ring[q->head];
	q->head = (q->head + 1) % q->cap;
	q->count--;
	pthread_cond_signal(&q->not_full);
	pthread_mutex_unlock(&q->lock);
	return true;
}

void queue_close(struct job_queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->closed = true;
	pthread_cond_broadcast(&q->not_empty);
	pthread_cond_broadcast(&q->not_full);
	pthread_mutex_unlock(&q->lock);
}

/* Ctrl-C: what is queued is dropped unscanned (its files closed), the walk stops pushing. */
void queue_abandon(struct job_queue *q)
{
	pthread_mutex_lock(&q->lock);
	while (q->count) {
		close(q->ring[q->head].fd);
		free(q->ring[q->head].path);
		q->head = (q->head + 1) % q->cap;
		q->count--;
	}
	pthread_mutex_unlock(&q->lock);
	queue_close(q);
}
