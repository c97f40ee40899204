/*
 * The control socket's wire, shared by the daemon (daemon/control.c) and the
 * CLI (cli/control_client.c): one command line in; the first answer line is
 * "ok" or "error: REASON", the rest is the answer's text, then the daemon
 * closes. `scan` turns the connection into a scan session (common/scan_wire.h).
 */
#ifndef FANGUARD_CONTROL_WIRE_H
#define FANGUARD_CONTROL_WIRE_H

#include <stdbool.h>
#include <stddef.h>

/* Sends all of buf on a connection (never SIGPIPE); false if the peer went away. */
bool control_send_all(int fd, const char *buf, size_t len);

#endif
