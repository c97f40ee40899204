/* Client side of `fanguard scan --daemon` (the protocol: common/scan_wire.h). */
#ifndef FANGUARD_SCAN_CLIENT_H
#define FANGUARD_SCAN_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

/* The daemon's answer for one file: the fields of its answer line. */
struct daemon_answer {
	char result[16]; /* deny, allow, skipped, error */
	char detections[1024];
	char errors[1024];
	char moved[1024]; /* "quarantined:ID", "not-moved:REASON" or "" */
	char writers[32]; /* open_writers_name() before the read; "" from a daemon too old to say */
};

/* Connects to the daemon at socket_path and starts a scan session: the connection, or -1. */
int scan_client_connect(const char *socket_path, char *err, size_t errlen);
/* Has the daemon scan the file behind fd (O_PATH is enough); -1 when the session broke. */
int scan_client_scan(int conn, int fd, const char *path, bool move, struct daemon_answer *a,
		     char *err, size_t errlen);

#endif
