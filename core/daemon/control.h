/*
 * The control socket: a Unix stream socket that root (and only root, checked
 * with SO_PEERCRED) uses to ask the running daemon for its status, its
 * metrics, its health, or a reload. One command line in, a text answer out, then close.
 * Served by a thread of its own, so a slow client never delays an event.
 */
#ifndef FANGUARD_CONTROL_H
#define FANGUARD_CONTROL_H

#include <stdbool.h>
#include <stddef.h>

struct control;
struct monitor;
struct pipeline;
struct runtime;
struct signature_watch;

struct control *control_start(const char *path, const struct runtime *rt, struct monitor *m,
			      struct pipeline *p, struct signature_watch *sigs, const char *plugins,
			      char *err, size_t errlen);
void control_stop(struct control *c);

#endif
