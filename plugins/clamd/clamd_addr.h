/* clamd server addresses: "tcp:HOST:PORT" and "unix:/PATH", and connecting to them. */
#ifndef FANGUARD_CLAMD_ADDR_H
#define FANGUARD_CLAMD_ADDR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define CLAMD_SPEC_MAX 160

struct clamd_addr {
	char spec[CLAMD_SPEC_MAX]; /* as written in the config, for messages */
	struct sockaddr_storage sa;
	socklen_t sa_len;
};

/*
 * Parses spec. A TCP host may be an IPv4 address, an IPv6 address in brackets
 * or a name, resolved now (scanners may not resolve names once sandboxed).
 * 0, or -1 with the reason in err.
 */
int clamd_addr_parse(const char *spec, struct clamd_addr *out, char *err, size_t err_size);

/* Milliseconds on the monotonic clock. */
int64_t clamd_now_ms(void);

/*
 * A connected, non-blocking, close-on-exec socket to a by deadline_ms
 * (clamd_now_ms() time), or -1 with the reason in err.
 */
int clamd_addr_connect(const struct clamd_addr *a, int64_t deadline_ms, char *err, size_t err_size);

#endif
