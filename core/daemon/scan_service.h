/*
 * `fanguard scan --daemon`: the running daemon scans files for a client with
 * the scanners it already has loaded, so the engines are not loaded twice.
 * Each client is served by a session thread; the protocol is in
 * common/scan_wire.h.
 */
#ifndef FANGUARD_SCAN_SERVICE_H
#define FANGUARD_SCAN_SERVICE_H

#include <stdbool.h>
#include <sys/types.h>

struct engine;
struct config;
struct pipeline;
struct scan_service;

/* Once per process; NULL the second time. */
struct scan_service *scan_service_start(struct pipeline *p, const struct engine *engine,
					const struct config *cfg);
/* Serves the client on conn in a thread of its own; false (conn untouched) when too many do. */
bool scan_service_take(struct scan_service *s, int conn, pid_t client, uid_t uid);
/* Ends every session (their clients see the connection close) and frees s. */
void scan_service_stop(struct scan_service *s);

#endif
