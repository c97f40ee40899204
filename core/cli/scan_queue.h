/*
 * The files the walk of `fanguard scan` found, waiting for a scanning thread:
 * a bounded ring, so the walk never holds more open files than it has room for.
 */
#ifndef FANGUARD_SCAN_QUEUE_H
#define FANGUARD_SCAN_QUEUE_H

#include <pthread.h>
#include <stdbool.h>

/* A file found by the walk: its descriptor and the path it was named by. */
struct job {
	int fd;
	char *path;
};

struct job_queue {
	pthread_mutex_t lock;
	pthread_cond_t not_empty, not_full;
	struct job *ring;
	unsigned cap, head, count;
	bool closed;
};

void queue_init(struct job_queue *q, unsigned cap);
void queue_fini(struct job_queue *q);
/* Takes fd; blocks while the queue is full; after queue_close the fd is closed, not queued. */
void queue_push(struct job_queue *q, int fd, const char *path);
/* The next job; false once the queue is closed and empty. */
bool queue_pop(struct job_queue *q, struct job *job);
void queue_close(struct job_queue *q);
/* An interrupt: what is queued is dropped unscanned (its files closed), and the queue closed. */
void queue_abandon(struct job_queue *q);

#endif
