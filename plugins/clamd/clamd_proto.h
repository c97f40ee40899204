/*
 * clamd's INSTREAM protocol on a connected socket: "zINSTREAM\0", chunks of a
 * 4-byte big-endian length and the bytes, a zero length, then one reply line
 * ending in '\0'. In a session ("zIDSESSION\0" ... "zEND\0") every reply is
 * prefixed with the number of the command it answers, "1: stream: OK".
 */
#ifndef FANGUARD_CLAMD_PROTO_H
#define FANGUARD_CLAMD_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "fanguard/plugin.h"

#define CLAMD_REPLY_MAX 512

/* The content to stream: data, or (when data is NULL) size bytes read from fd. */
struct clamd_content {
	const unsigned char *data;
	int fd;
	size_t size;
};

/* Sends "zIDSESSION\0". 0, or -1 with the reason in err. */
int clamd_session_begin(int sock, int64_t deadline_ms, char *err, size_t err_size);
/* Sends "zEND\0" without waiting: for closing a pooled session politely. */
void clamd_session_end(int sock);

/*
 * Streams the content and reads the reply into reply (NUL-terminated).
 * 0 when a reply came, -1 with the reason in err when the connection failed
 * or the deadline passed (the server is at fault, not the file).
 */
int clamd_instream(int sock, const struct clamd_content *c, int64_t deadline_ms, char *reply,
		   size_t reply_size, char *err, size_t err_size);

/*
 * Turns a reply ("stream: OK", "stream: NAME FOUND", "... ERROR") into a
 * verdict, the threat name or error text in out. session_id is the command
 * number expected in front of it, 0 outside a session. A reply that is none
 * of these returns -1 with the reason in out (a protocol failure).
 */
int clamd_parse_reply(const char *reply, unsigned session_id, enum fg_verdict *verdict, char *out,
		      size_t out_size);

#endif
