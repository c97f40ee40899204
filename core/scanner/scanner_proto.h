/*
 * Messages between the daemon and its scanner processes, over a SOCK_SEQPACKET
 * socket pair (one message per send, boundaries kept). A scan request carries
 * the event's file descriptor (SCM_RIGHTS); the scanner never opens files.
 */
#ifndef FANGUARD_SCANNER_PROTO_H
#define FANGUARD_SCANNER_PROTO_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "common/plugin_host.h"
#include "fanguard/plugin.h"

enum scanner_msg_type {
	SCANNER_READY = 1,   /* scanner → daemon: plugin started */
	SCANNER_FAILED = 2,  /* scanner → daemon: could not start; text says why */
	SCANNER_SCAN = 3,    /* daemon → scanner: scan the attached fd */
	SCANNER_VERDICT = 4, /* scanner → daemon: one plugin's vote */
};

struct scanner_plugin_info {
	char name[64];
	char version[64];
	uint64_t signatures;
	uint64_t max_file_size; /* its own limit (0: none): larger files it is not asked about */
};

/* The plugins it runs, in config order: the order of the votes in every verdict. */
struct scanner_ready {
	uint32_t type;
	uint32_t n_plugins;
	struct scanner_plugin_info plugin[PLUGINS_MAX];
};

struct scanner_failed {
	uint32_t type;
	char message[1024];
};

/*
 * A scan gives up, with error votes, SCAN_BUDGET_NS after it was sent; the
 * daemon takes a scanner still owing a scan SCAN_HUNG_NS after sending it for
 * hung and kills it. The gap keeps a slow but honest scan (a huge file an
 * attacker made, over and over) from being killed, which would fail every
 * other scan the scanner holds and count toward disabling it.
 */
#define SCAN_BUDGET_NS(timeout_ms) ((uint64_t)(timeout_ms) * 1500000ull)
#define SCAN_HUNG_NS(timeout_ms) ((uint64_t)(timeout_ms) * 2000000ull + 1000000000ull)

struct scanner_scan {
	uint32_t type;
	uint64_t tag; /* echoed in the verdict */
	int32_t kind; /* enum fg_event_kind */
	int32_t pid;
	uint64_t sent_ns; /* CLOCK_MONOTONIC, shared by all processes: for the queue wait */
	struct stat st;
	char path[PATH_MAX]; /* only strlen + 1 bytes are sent */
};

struct scanner_vote {
	int32_t verdict;        /* enum fg_verdict */
	uint32_t not_cacheable; /* the plugin's FG_RESULT_NOT_CACHEABLE */
	uint64_t plugin_ns;
	char threat[FG_THREAT_MAX];
};

/* Every plugin's vote on one file; only n_votes entries are sent. */
struct scanner_verdict {
	uint32_t type;
	uint64_t tag;
	uint64_t queue_ns; /* from sent_ns to the start of the scan */
	uint8_t have_sha256;
	uint8_t sha256[32];
	uint64_t read_ns, sha256_ns;
	uint32_t n_votes;
	struct scanner_vote vote[PLUGINS_MAX];
};

union scanner_msg {
	uint32_t type;
	struct scanner_ready ready;
	struct scanner_failed failed;
	struct scanner_scan scan;
	struct scanner_verdict verdict;
};

/* Sends len bytes of msg, with fd attached if fd >= 0. 0, or -1 with errno. */
int scanner_send(int sock, const void *msg, size_t len, int fd, int flags);
/*
 * Receives one message into msg; *fd gets an attached descriptor or -1.
 * Returns the message length, 0 at end of stream, -1 with errno: EBADMSG for
 * a message shorter than a type, longer than any message or with more than
 * one descriptor (those that came are closed). The type is the caller's to check.
 */
ssize_t scanner_recv(int sock, union scanner_msg *msg, int *fd);
/* Bytes of a scan message to send: the path only as long as it is. */
size_t scanner_scan_len(const struct scanner_scan *scan);
/* Bytes of a verdict message with n votes. */
size_t scanner_verdict_len(uint32_t n_votes);

#endif
