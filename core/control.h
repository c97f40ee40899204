/*
 * The control socket: a Unix stream socket that root (and only root, checked
 * with SO_PEERCRED) uses to ask the running daemon for its status, its
 * metrics, or a reload. One command line in, a text answer out, then close.
 * Served by a thread of its own, so a slow client never delays an event.
 */
#ifndef FANGUARD_CONTROL_H
#define FANGUARD_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct control;
struct monitor;
struct pipeline;
struct runtime;

struct control *control_start(const char *path, const struct runtime *rt, struct monitor *m,
			      struct pipeline *p, const char *plugins, char *err, size_t errlen);
void control_stop(struct control *c);

/* Sends all of buf on a connection (never SIGPIPE); false if the peer went away. */
bool control_send_all(int fd, const char *buf, size_t len);

/* Client side: a connection to the daemon at path, or -1 with the reason in err. */
int control_connect(const char *path, char *err, size_t errlen);
/* Client side: sends command, writes the answer to out; 0 when the daemon said ok. */
int control_request(const char *path, const char *command, FILE *out, char *err, size_t errlen);

#endif
