/*
 * `fanguard explain PATH`: the filter's questions asked about one file, in the
 * filter's order, with the answer to each in words; then the cache (asked on
 * the monitor's thread, its only user), then a scan done now. The daemon's
 * own open of the file is answered at once, like every open of its own.
 */
#include "daemon/monitor_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "common/path.h"
#include "common/policy.h"
#include "common/textbuf.h"
#include "daemon/scan_service.h"

void monitor_answer_cache_query(struct monitor *m)
{
	struct cache_query *q = &m->query;

	pthread_mutex_lock(&m->query_lock);
	if (q->pending && !q->answered) {
		q->hit = m->caching && cache_peek(&m->cache, &q->st, &q->decision, q->threats,
						  sizeof(q->threats));
		q->answered = true;
		pthread_cond_broadcast(&m->query_answered);
	}
	pthread_mutex_unlock(&m->query_lock);
}

/* 1: remembered (decision, threats), 0: not, -1: the monitor's thread did not answer. */
static int query_cache(struct monitor *m, const struct stat *st, enum decision *decision,
		       char *threats, size_t size)
{
	struct cache_query *q = &m->query;
	struct timespec until;
	int rc = -1;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 2;
	pthread_mutex_lock(&m->query_lock);
	*q = (struct cache_query){ .pending = true, .st = *st };
	if (eventfd_write(m->query_fd, 1) == 0)
		while (!q->answered &&
		       pthread_cond_timedwait(&m->query_answered, &m->query_lock, &until) == 0)
			;
	if (q->answered) {
		rc = q->hit;
		*decision = q->decision;
		snprintf(threats, size, "%s", q->threats);
	}
	q->pending = false;
	pthread_mutex_unlock(&m->query_lock);
	return rc;
}

/* The config line that names entry (quoted as written, or as canonicalized); 0: not found. */
static unsigned config_line_naming(const char *config, const char *entry)
{
	char quoted[PATH_MAX + 4], line[PATH_MAX + 256];
	unsigned n = 0;
	FILE *f = fopen(config, "re");

	if (!f)
		return 0;
	snprintf(quoted, sizeof(quoted), "\"%s\"", entry);
	while (fgets(line, sizeof(line), f)) {
		n++;
		if (strstr(line, quoted)) {
			fclose(f);
			return n;
		}
	}
	fclose(f);
	return 0;
}

/* The watch.exclude entry path falls under, NULL if none. */
static const char *exclusion_of(const struct path_set *s, const char *path)
{
	for (size_t i = 0; i < s->n_prefix; i++)
		if (path_is_under(path, s->prefix[i]))
			return s->prefix[i];
	for (size_t i = 0; i < s->n_glob; i++)
		if (path_globs_match(&s->glob[i], 1, path))
			return s->glob[i].text;
	return NULL;
}

static void say_where(struct textbuf *tb, const char *config, unsigned line)
{
	if (line)
		textbuf_printf(tb, " (%s:%u)", config, line);
	else
		textbuf_printf(tb, " (%s)", config);
}

/*
 * The path rules, under the exclusions' lock: true when they decide alone
 * (not watched, excluded), else *mode is the file's mode.
 */
static bool explain_rules(struct monitor *m, const char *path, const struct stat *st,
			  enum scan_mode *mode, struct textbuf *tb)
{
	const struct config *cfg = m->cfg;
	const struct path_policy *which;
	const char *entry;
	bool decided = true;

	pthread_mutex_lock(&m->excl_lock);
	if (path_is_under(path, cfg->quarantine_dir)) {
		textbuf_printf(tb,
			       "quarantine: in the quarantine folder %s, which is never scanned\n"
			       "verdict: allow (not scanned)\n",
			       cfg->quarantine_dir);
	} else if (!path_is_watched(path, cfg->watch, cfg->n_watch)) {
		textbuf_printf(tb, "watch: outside watch.paths (");
		for (size_t i = 0; i < cfg->n_watch; i++)
			textbuf_printf(tb, "%s%s", i ? ", " : "", cfg->watch[i]);
		textbuf_printf(tb, ")%s\nverdict: allow (not scanned)\n",
			       st->st_nlink > 1 ? "; it has other names (hard links), which are "
						  "explained by their own path"
						: "");
	} else if ((entry = exclusion_of(&cfg->exclude, path))) {
		textbuf_printf(tb, "excluded: by watch.exclude entry \"%s\"", entry);
		say_where(tb, cfg->path, config_line_naming(cfg->path, entry));
		textbuf_printf(tb, "\nverdict: allow (not scanned)\n");
	} else {
		decided = false;
		*mode = policy_mode_for(&cfg->policy, path, &which);
		textbuf_printf(tb, "watch: below watch.paths, not excluded by path\n");
		textbuf_printf(tb, "mode: %s", scan_mode_name(*mode));
		if (which)
			textbuf_printf(tb, " (policy \"%s\" at %s:%u)\n", which->path, cfg->path,
				       which->line);
		else
			textbuf_printf(tb, " (verdict.mode)\n");
		if (path_set_size(&cfg->exclude_exe) || cfg->n_exclude_uid) {
			textbuf_printf(tb, "opener: depends on who opens it: opens by ");
			/* exe_trust.h: only root's untraced runs of them */
			for (size_t i = 0; i < cfg->exclude_exe.n_prefix; i++)
				textbuf_printf(tb, "%s run by root, ", cfg->exclude_exe.prefix[i]);
			for (size_t i = 0; i < cfg->exclude_exe.n_glob; i++)
				textbuf_printf(tb, "%s run by root, ",
					       cfg->exclude_exe.glob[i].text);
			for (size_t i = 0; i < cfg->n_exclude_uid; i++)
				textbuf_printf(tb, "uid %u, ", (unsigned)cfg->exclude_uid[i]);
			textbuf_printf(tb,
				       "are allowed unscanned (watch.exclude_exe, exclude_uid); "
				       "what follows is for every other opener\n");
		} else {
			textbuf_printf(tb, "opener: no program or user is excluded: the same for "
					   "every opener\n");
		}
	}
	pthread_mutex_unlock(&m->excl_lock);
	return decided;
}

/* What the kernel is told for a decision in mode. */
static void say_verdict(struct textbuf *tb, enum decision d, enum scan_mode mode, const char *why)
{
	if (d == DECISION_DENY && mode == SCAN_MODE_REPORT)
		textbuf_printf(tb, "verdict: allow (would deny: report mode; %s)\n", why);
	else
		textbuf_printf(tb, "verdict: %s (%s)\n", verdict_decision_name(d), why);
}

static const char *vote_name(enum fg_verdict v)
{
	switch ((int)v) {
	case FG_VERDICT_CLEAN: return "clean";
	case FG_VERDICT_DETECTED: return "DETECTED";
	case FG_VERDICT_ERROR: return "error";
	case FG_VERDICT_TRUSTED: return "trusted (allowlisted)";
	case VOTE_SKIPPED: return "skipped";
	}
	return "invalid vote";
}

static void explain_scan(struct scan_service *scans, const struct engine *engine, int fd,
			 const char *path, const struct stat *st, enum scan_mode mode,
			 struct textbuf *tb)
{
	static struct scan_outcome out; /* the control thread's, one explain at a time */
	char err[512], why[128];

	memset(&out, 0, sizeof(out));
	if (!scans || scan_service_explain(scans, fd, path, st, &out, err, sizeof(err)) != 0) {
		textbuf_printf(tb, "scan: no verdict: %s\n",
			       scans ? err : "this daemon cannot scan on demand");
		return;
	}
	textbuf_printf(tb, "scan: scanned now, %zu plugin(s) voted:\n", out.n_votes);
	for (size_t i = 0; i < out.n_votes && i < engine->n_plugins; i++) {
		textbuf_printf(tb, "  %s: %s", engine->plugins[i].name,
			       vote_name(out.votes[i].verdict));
		if (out.votes[i].threat[0])
			textbuf_printf(tb, ": %s", out.votes[i].threat);
		textbuf_printf(tb, "\n");
	}
	snprintf(why, sizeof(why), "%s under verdict.policy %s", verdict_reason_name(out.reason),
		 verdict_policy_name(engine->policy.policy));
	say_verdict(tb, out.decision, mode, why);
}

/* The O_PATH descriptor *fd opened for reading, in its place. */
static int reopen_for_reading(int *fd)
{
	char proc[64];
	int rd;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", *fd);
	rd = open(proc, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (rd < 0)
		return -1;
	close(*fd);
	*fd = rd;
	return 0;
}

void monitor_explain(struct monitor *m, struct scan_service *scans, const struct engine *engine,
		     const char *path, struct textbuf *tb)
{
	char canonical[PATH_MAX], threats[256];
	enum scan_mode mode = SCAN_MODE_BLOCK;
	enum decision cached;
	struct stat st;
	int fd, hit;

	if (!realpath(path, canonical)) {
		textbuf_printf(tb, "error: %s: %s\n", path, strerror(errno));
		return;
	}
	/* O_PATH first: opening a device or a FIFO for reading may do something */
	fd = open(canonical, O_PATH | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0 ||
	    (S_ISREG(st.st_mode) && reopen_for_reading(&fd) != 0)) {
		textbuf_printf(tb, "error: %s: %s\n", canonical, strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	textbuf_printf(tb, "ok\nfile: %s (device %u:%u, inode %llu, %lld bytes)\n", canonical,
		       major(st.st_dev), minor(st.st_dev), (unsigned long long)st.st_ino,
		       (long long)st.st_size);
	if (!S_ISREG(st.st_mode)) {
		textbuf_printf(tb, "verdict: allow (not a regular file: never scanned)\n");
	} else if (explain_rules(m, canonical, &st, &mode, tb)) {
		/* decided by the path rules */
	} else if (m->cfg->max_file_size &&
		   (unsigned long long)st.st_size > m->cfg->max_file_size) {
		textbuf_printf(tb,
			       "size: larger than watch.max_file_size (%llu bytes): not scanned\n",
			       m->cfg->max_file_size);
		say_verdict(tb, m->cfg->verdict.on_too_large, mode, "verdict.on_too_large");
	} else if ((hit = query_cache(m, &st, &cached, threats, sizeof(threats))) > 0) {
		textbuf_printf(
			tb,
			"cache: remembered from an earlier scan of the unchanged file: %s%s%s\n",
			cached == DECISION_DENY ? "deny" : "clean", threats[0] ? ": " : "",
			threats);
		if (cached == DECISION_ALLOW && ignore_marks_enabled(&m->ignore))
			textbuf_printf(tb, "cache: its kernel ignore mark lets opens pass without "
					   "reaching the daemon\n");
		say_verdict(tb, cached, mode, "remembered");
	} else {
		textbuf_printf(tb, "cache: %s\n",
			       hit < 0 ? "not asked: the monitor did not answer"
				       : "nothing remembered for the file as it is now");
		explain_scan(scans, engine, fd, canonical, &st, mode, tb);
	}
	close(fd);
}
