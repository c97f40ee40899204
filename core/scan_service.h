/*
 * `fanguard scan --daemon`: the running daemon scans files for a client with
 * the scanners it already has loaded, so the engines are not loaded twice.
 *
 * After the "scan" command on the control socket, the client sends, for each
 * file, a struct scan_item_header carrying an O_PATH descriptor of the file
 * (SCM_RIGHTS) and then the path it named (for its own output). The client
 * opens with O_PATH so that opening generates no on-access event and needs no
 * read permission of its own; the daemon reopens the descriptor through
 * /proc/self/fd, an access of its own pid that the monitor allows at once.
 * The daemon answers each item with one line:
 *   RESULT \t DETECTIONS \t ERRORS \t MOVED \n
 * RESULT is "deny", "allow", "skipped" (not a regular file, or larger than
 * max_file_size) or "error"; DETECTIONS and ERRORS are "plugin: text; ..."
 * lists, possibly empty (for "skipped" and "error", ERRORS says why).
 * With SCAN_ITEM_MOVE, a file denied for a detection is moved into the
 * daemon's quarantine by the daemon itself (the client could not open it:
 * the daemon denies that); MOVED is then "quarantined:ID" or
 * "not-moved:REASON", else empty.
 */
#ifndef FANGUARD_SCAN_SERVICE_H
#define FANGUARD_SCAN_SERVICE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define SCAN_ITEM_PATH_MAX 4096

#define SCAN_ITEM_MOVE 1u

struct scan_item_header {
	uint32_t path_len; /* bytes of path that follow, at most SCAN_ITEM_PATH_MAX */
	uint32_t flags;    /* SCAN_ITEM_* */
};

struct engine;
struct fg_config;
struct pipeline;
struct scan_service;

/* Once per process; NULL the second time. */
struct scan_service *scan_service_start(struct pipeline *p, const struct engine *engine,
					const struct fg_config *cfg);
/* Serves the client on conn in a thread of its own; false (conn untouched) when too many do. */
bool scan_service_take(struct scan_service *s, int conn, pid_t client);
/* Ends every session (their clients see the connection close) and frees s. */
void scan_service_stop(struct scan_service *s);

#endif
