/*
 * Scanning one file with every enabled plugin: map it once, hash it once if a
 * plugin wants the digest, ask each plugin for its vote; and combining the
 * votes (engine_decide). Used by scanner processes, by the daemon's scan
 * threads (scan.isolation = "thread") and by `fanguard scan` alike.
 */
#ifndef FANGUARD_ENGINE_H
#define FANGUARD_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "common/plugin_host.h"
#include "common/verdict.h"
#include "fanguard/plugin.h"

struct engine {
	struct plugin *plugins; /* started plugins, owned by the config */
	size_t n_plugins;
	struct verdict_policy policy;
	bool need_sha256;
};

/* Files up to this size are read into the thread's buffer; larger ones are mapped. */
#define ENGINE_READ_MAX (1024 * 1024)

/* Per-thread plugin contexts and read buffer; one per scanning thread. */
struct engine_thread {
	const struct engine *engine;
	void *ctx[PLUGINS_MAX];
	unsigned char *buf; /* ENGINE_READ_MAX bytes, allocated on first use */
};

struct plugin_vote {
	enum fg_verdict verdict;
	bool not_cacheable;         /* the plugin said FG_RESULT_NOT_CACHEABLE */
	char threat[FG_THREAT_MAX]; /* threat name, or error message */
};

struct scan_outcome {
	enum decision decision;     /* set by engine_decide, not by engine_scan */
	enum verdict_reason reason; /* likewise */
	size_t n_votes;
	struct plugin_vote votes[PLUGINS_MAX];
	bool have_sha256;
	unsigned char sha256[32];
	char error[256]; /* set when the file itself could not be read; votes are then errors */
	/* where the time went, in ns */
	uint64_t read_ns, sha256_ns, plugin_ns[PLUGINS_MAX];
};

struct scan_target {
	int fd;
	const char *path;
	const struct stat *st;
	pid_t pid;
	enum fg_event_kind kind;
	uint64_t deadline_ns; /* CLOCK_MONOTONIC; the scan gives up by then; 0: no limit */
};

int engine_init(struct engine *e, struct plugin *plugins, size_t n,
		const struct verdict_policy *policy, char *err, size_t errlen);
int engine_thread_init(const struct engine *e, struct engine_thread *t, char *err, size_t errlen);
void engine_thread_fini(struct engine_thread *t);

/*
 * Scans the target and collects the votes: small files are read once into the
 * thread's buffer, large ones mapped once; every plugin sees the same bytes and
 * one SHA-256. A file that cannot be read, or that shrinks under the mapping
 * (SIGBUS), gives an ERROR vote from every plugin. It does not decide: a
 * scanner process only votes, the daemon decides (engine_decide).
 */
void engine_scan(struct engine_thread *t, const struct scan_target *target,
		 struct scan_outcome *out);
/*
 * Combines out's votes under e's policy into out->decision and out->reason.
 * The one place votes are combined: the daemon's pipeline_finish and the
 * CLI's local scans call it. (A disabled scanner's plugins vote errors, so
 * on_error decides for them.)
 */
void engine_decide(const struct engine *e, struct scan_outcome *out);

/* Writes "clamav: Eicar; yara: Rule" for the votes equal to which. */
void engine_describe(const struct engine *e, const struct scan_outcome *out, enum fg_verdict which,
		     char *buf, size_t bufsize);

#endif
