/*
 * `fanguard scan --daemon`: the running daemon scans files for a client with
 * the scanners it already has loaded, so the engines are not loaded twice.
 * Each client is served by a session thread; the protocol is in
 * common/scan_wire.h.
 */
#ifndef FANGUARD_SCAN_SERVICE_H
#define FANGUARD_SCAN_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

struct engine;
struct config;
struct pipeline;
struct scan_outcome;
struct scan_service;

/* Once per process; NULL the second time. */
struct scan_service *scan_service_start(struct pipeline *p, const struct engine *engine,
					const struct config *cfg);
/* Serves the client on conn in a thread of its own; false (conn untouched) when too many do. */
bool scan_service_take(struct scan_service *s, int conn, pid_t client, uid_t uid);
/*
 * `fanguard explain`: scans fd (the daemon's own open of path, st its stat)
 * in the pipeline as on-demand scans are, and gives the whole outcome, every
 * plugin's vote and the decision, in out. -1 with why in err when no verdict
 * came. The control thread's: one at a time.
 */
int scan_service_explain(struct scan_service *s, int fd, const char *path, const struct stat *st,
			 struct scan_outcome *out, char *err, size_t errlen);
/* Ends every session (their clients see the connection close) and frees s. */
void scan_service_stop(struct scan_service *s);

#endif
