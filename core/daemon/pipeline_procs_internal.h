/*
 * The isolated pipeline's state, shared by its parts: the pipeline interface
 * and collector (pipeline_procs.c), the scanner processes one by one
 * (scanner_host.c), the pool of them (scanner_pool.c) and the requests
 * waiting for their votes (pending.c).
 */
#ifndef FANGUARD_PIPELINE_PROCS_INTERNAL_H
#define FANGUARD_PIPELINE_PROCS_INTERNAL_H

#include <sys/stat.h>

#include "daemon/fair_queue.h"
#include "daemon/pending.h"
#include "daemon/pipeline_internal.h"

enum scanner_state { SC_DOWN, SC_STARTING, SC_READY, SC_DISABLED };

/*
 * A scanner process and its history. Each group of plugins has one ACTIVE
 * scanner; a reload starts a CANDIDATE per group and, once every candidate is
 * ready, the old ones become RETIRING: they get no new work, finish what they
 * have, and exit when their socket is shut.
 */
enum scanner_role { ROLE_ACTIVE, ROLE_CANDIDATE, ROLE_RETIRING };

struct scanner {
	bool in_use;
	enum scanner_role role;
	size_t group;               /* index of its group: the bit of its votes in pending masks */
	uint32_t proc;              /* which process of the group: requests remember it */
	const char *name;           /* the group name, from the plugins' `scanner` option */
	size_t plugin[PLUGINS_MAX]; /* engine indexes of its plugins, in config order */
	size_t n_plugins;
	enum scanner_state state;
	pid_t pid;
	int sock;
	uint64_t started_ns, restart_at_ns;
	uint64_t *crash_ns; /* ring of the last restart_limit crash times */
	unsigned crash_next;
	unsigned long long crashes, restarts, hung_kills, memory_kills;
	unsigned long long outside_kills; /* SIGKILLs fanguardd did not send: not crashes */
	unsigned busy;                    /* requests sent whose verdict has not come back */
	bool solo; /* it holds one request of retry[] alone: what ends it now, that file did */
	bool hung; /* killed for a scan past the hung limit: that scan is the one to blame */
	/*
	 * It has scanned a file: from the start, or, after a restart, the
	 * self-test file. Until then it is sent nothing else, and a failure
	 * counts toward disabling it (scanner_pool.c).
	 */
	bool proven;
	uint64_t self_test_sent_ns;
	uint64_t signatures[PLUGINS_MAX];
	uint64_t size_limit[PLUGINS_MAX]; /* each plugin's max_file_size, as it reported it */
	char version[PLUGINS_MAX][64];
	char why_down[160];      /* the error vote while it is down */
	const char *kill_reason; /* set when we killed it, for the exit message */
	char tmpdir[64];         /* its private folder, made before and removed after it runs */
};

struct proc_pipeline {
	struct pipeline base;
	const struct config *cfg;
	/*
	 * Our own executable, open: scanners start from the very image the monitor
	 * runs, even after a package upgrade has put another binary at its path
	 * (a new scanner talking to an old monitor, or a half-written file).
	 */
	int exe_fd;
	/* A small clean file a restarted scanner is given first (scanner_pool.c). */
	int self_test_fd;
	struct stat self_test_st;
	pthread_mutex_t lock;                      /* pending and scanner state */
	struct scanner pool[PIPELINE_MAX_HELPERS]; /* epoll points into it: entries never move */
	struct scanner *sc[PLUGINS_MAX];           /* the active scanner of each group */
	struct scanner *cand[PLUGINS_MAX];         /* during a reload, its replacement */
	size_t n;                                  /* groups */
	uint32_t next_proc;
	bool reloading;
	char reload_error[1024]; /* what a candidate said before it exited */
	struct pending_table pending;
	/*
	 * Per group, the requests not yet sent to its scanner, taking turns by
	 * uid. A scanner is sent at most `credits` at a time (its scan threads
	 * and one more), so the order in which scans run is decided here, not
	 * first come first served in the scanner's socket.
	 */
	struct fair_queue queue[PLUGINS_MAX];
	/*
	 * Per group, background scans (scan-ahead, re-scans after a reload): sent
	 * only when queue[] is empty and a scan thread is idle. The monitor keeps
	 * at most one in the pipeline, and the scanners run one thread more for
	 * it, so an event's scan never waits for a thread because of one.
	 */
	struct fair_queue background[PLUGINS_MAX];
	/*
	 * Per group, requests whose scanner died holding them: each is sent
	 * again alone, before anything else, so that one that ends the scanner
	 * again is known to be the file that does (it votes errors) and the
	 * others get their verdicts. Sent with others, an innocent one could
	 * die with the next crash file as often as a user sends one.
	 */
	struct fair_queue retry[PLUGINS_MAX];
	unsigned credits;
	union scanner_msg *msg; /* the receive buffer: start-up's, then the collector's alone */
	int epfd, timer_fd, wake_fd;
	uint64_t tick_ns;    /* collector period: at most a tenth of timeout_ms */
	uint64_t partial_ns; /* age at which missing votes count as errors */
	pthread_t collector;
	bool collector_running, stopping;
};

/* Sends group i's scanner what it has credit for; a disabled group votes errors. */
void procs_dispatch(struct proc_pipeline *p, size_t i);
/* The queue of group i a request waits in: the events' or the background one. */
static inline struct fair_queue *procs_lane(struct proc_pipeline *p, size_t i,
					    const struct pending *pd)
{
	return pd->req.background ? &p->background[i] : &p->queue[i];
}

/* ---- the pool of scanner processes (scanner_pool.c) ---- */

/* One group per `scanner` name among the plugins of e, each with its pool entry. */
int pool_init(struct proc_pipeline *p, const struct engine *e, char *err, size_t errlen);
void pool_free(struct proc_pipeline *p);
/* Every group: a new request waits for each; a disabled or down one votes an error at once. */
uint32_t pool_voters(const struct proc_pipeline *p);
/* "clamav, yara": the plugins scanner s runs. */
void pool_plugin_names(const struct proc_pipeline *p, const struct scanner *s, char *buf,
		       size_t size);
/* The tag of the self-test scan: never a pending request's (their generation starts at 1). */
#define SELF_TEST_TAG 0
/* Its verdict came: the scanner works, and gets the requests that wait for it. */
void pool_self_test_passed(struct proc_pipeline *p, struct scanner *s);
/* A READY or FAILED from a restarted scanner or a reload's candidate. */
void pool_take_hello(struct proc_pipeline *p, struct scanner *s, union scanner_msg *msg);
/* The scanner's socket closed: reap it, settle its votes, restart it or give up on it. */
void pool_scanner_down(struct proc_pipeline *p, struct scanner *s);
/* Starts again the scanners whose back-off is over. */
void pool_restart_due(struct proc_pipeline *p, uint64_t now);
/* New scanners load the new data while the old ones keep scanning, then take over. */
void pool_start_reload(struct proc_pipeline *p);
/* Closes every scanner's socket (they exit on end of stream) and reaps them. */
void pool_stop(struct proc_pipeline *p, unsigned wait_ms);

#endif
