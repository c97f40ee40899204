/*
 * One clamd server: its address, the idle session connections kept for reuse
 * (under a lock, shared by all scan threads), and its back-off after failures.
 */
#ifndef FANGUARD_CLAMD_SERVER_H
#define FANGUARD_CLAMD_SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clamd_addr.h"
#include "clamd_proto.h"

/* An open session: the socket and the number its next command gets. */
struct clamd_session {
	int sock;
	unsigned next_id;
};

struct clamd_server {
	struct clamd_addr addr;
	pthread_mutex_t lock;          /* guards idle and n_idle */
	struct clamd_session *idle;    /* pool_size slots */
	size_t n_idle, pool_size;      /* pool_size 0: a connection per scan, no session */
	_Atomic int64_t down_until_ms; /* skipped until then (clamd_now_ms time); 0 = up */
	atomic_flag probing;           /* set while one scan tries it before its back-off ends */
};

/* What one attempt on a server gave. */
enum clamd_outcome {
	CLAMD_ANSWERED, /* verdict and text are clamd's answer (OK, FOUND or its ERROR) */
	CLAMD_FAILED,   /* the server did not answer; text says why */
};

int clamd_server_init(struct clamd_server *s, const struct clamd_addr *addr, size_t pool_size);
/* Ends and closes the pooled sessions. */
void clamd_server_fini(struct clamd_server *s);

/*
 * Streams the content to s (through a pooled session if one is idle, else a
 * new connection), by deadline_ms. A pooled session the server has closed
 * meanwhile (clamd's IdleTimeout) is retried once on a new connection.
 */
enum clamd_outcome clamd_server_scan(struct clamd_server *s, const struct clamd_content *c,
				     int64_t deadline_ms, enum fg_verdict *verdict, char *text,
				     size_t text_size);

#endif
