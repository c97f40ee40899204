/*
 * The wire of `fanguard scan --daemon` (cli/scan_client.c talks it to
 * daemon/scan_service.c).
 *
 * After the "scan" command on the control socket, the client sends, for each
 * file, a struct scan_item_header carrying an O_PATH descriptor of the file
 * (SCM_RIGHTS) and then the path it named (for its own output). The client
 * opens with O_PATH so that opening generates no on-access event and needs no
 * read permission of its own; the daemon reopens the descriptor through
 * /proc/self/fd, an access of its own pid that the monitor allows at once.
 * The daemon answers each item with one line:
 *   RESULT \t DETECTIONS \t ERRORS \t MOVED \t WRITERS \n
 * RESULT is "deny", "allow", "skipped" (not a regular file, or larger than
 * max_file_size) or "error"; DETECTIONS and ERRORS are "plugin: text; ..."
 * lists, possibly empty (for "skipped" and "error", ERRORS says why).
 * With SCAN_ITEM_MOVE, a file denied for a detection is moved into the
 * daemon's quarantine by the daemon itself (the client could not open it:
 * the daemon denies that); MOVED is then "quarantined:ID" or
 * "not-moved:REASON", else empty. WRITERS is open_writers_name() of the file
 * between the daemon's fstat and its read ("none", "open-for-writing",
 * "unknown"): a client that keeps clean verdicts by stat (scheduled-scan)
 * keeps only those of "none"; it is empty from a daemon older than the field.
 */
#ifndef FANGUARD_SCAN_WIRE_H
#define FANGUARD_SCAN_WIRE_H

#include <stdint.h>

#define SCAN_ITEM_PATH_MAX 4096

#define SCAN_ITEM_MOVE 1u

struct scan_item_header {
	uint32_t path_len; /* bytes of path that follow, at most SCAN_ITEM_PATH_MAX */
	uint32_t flags;    /* SCAN_ITEM_* */
};

#endif
