#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "clamd_server.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int clamd_server_init(struct clamd_server *s, const struct clamd_addr *addr, size_t pool_size)
{
	memset(s, 0, sizeof(*s));
	s->addr = *addr;
	s->pool_size = pool_size;
	atomic_flag_clear(&s->probing);
	if (pool_size && !(s->idle = calloc(pool_size, sizeof(*s->idle))))
		return -1;
	if (pthread_mutex_init(&s->lock, NULL) != 0) {
		free(s->idle);
		return -1;
	}
	return 0;
}

void clamd_server_fini(struct clamd_server *s)
{
	for (size_t i = 0; i < s->n_idle; i++) {
		clamd_session_end(s->idle[i].sock);
		close(s->idle[i].sock);
	}
	free(s->idle);
	pthread_mutex_destroy(&s->lock);
	memset(s, 0, sizeof(*s));
}

/*
 * An idle session must have nothing to read: data or end-of-file means clamd
 * closed it (IdleTimeout, a restart) and it is not worth a try.
 */
static bool session_alive(int sock)
{
	struct pollfd p = { .fd = sock, .events = POLLIN };

	return poll(&p, 1, 0) == 0;
}

static bool pool_take(struct clamd_server *s, struct clamd_session *out)
{
	bool found = false;

	pthread_mutex_lock(&s->lock);
	while (s->n_idle && !found) {
		*out = s->idle[--s->n_idle];
		found = session_alive(out->sock);
		if (!found)
			close(out->sock);
	}
	pthread_mutex_unlock(&s->lock);
	return found;
}

static void pool_give_back(struct clamd_server *s, const struct clamd_session *sess)
{
	bool kept = false;

	pthread_mutex_lock(&s->lock);
	if (s->n_idle < s->pool_size) {
		s->idle[s->n_idle++] = *sess;
		kept = true;
	}
	pthread_mutex_unlock(&s->lock);
	if (!kept) {
		clamd_session_end(sess->sock);
		close(sess->sock);
	}
}

/* One INSTREAM on sess; 0 with the verdict, or -1 (sess is then closed). */
static int scan_on(struct clamd_server *s, struct clamd_session *sess,
		   const struct clamd_content *c, int64_t deadline_ms, enum fg_verdict *verdict,
		   char *text, size_t text_size)
{
	char reply[CLAMD_REPLY_MAX];
	unsigned id = s->pool_size ? sess->next_id++ : 0;

	if (clamd_instream(sess->sock, c, deadline_ms, reply, sizeof(reply), text, text_size) !=
		    0 ||
	    clamd_parse_reply(reply, id, verdict, text, text_size) != 0) {
		close(sess->sock);
		return -1;
	}
	/* clamd hangs up after an ERROR reply (e.g. over StreamMaxLength): never reuse that */
	if (s->pool_size && *verdict != FG_VERDICT_ERROR)
		pool_give_back(s, sess);
	else
		close(sess->sock);
	return 0;
}

enum clamd_outcome clamd_server_scan(struct clamd_server *s, const struct clamd_content *c,
				     int64_t deadline_ms, enum fg_verdict *verdict, char *text,
				     size_t text_size)
{
	struct clamd_session sess;

	if (s->pool_size && pool_take(s, &sess) &&
	    scan_on(s, &sess, c, deadline_ms, verdict, text, text_size) == 0)
		return CLAMD_ANSWERED;
	sess.next_id = 1;
	sess.sock = clamd_addr_connect(&s->addr, deadline_ms, text, text_size);
	if (sess.sock < 0)
		return CLAMD_FAILED;
	if (s->pool_size && clamd_session_begin(sess.sock, deadline_ms, text, text_size) != 0) {
		close(sess.sock);
		return CLAMD_FAILED;
	}
	return scan_on(s, &sess, c, deadline_ms, verdict, text, text_size) == 0 ? CLAMD_ANSWERED
										: CLAMD_FAILED;
}
