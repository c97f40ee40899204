#include "cli/scan_status_file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const state_names[] = { "running", "finished", "interrupted" };

int scan_status_write(const char *path, const struct scan_status *s)
{
	char tmp[PATH_MAX], copy[PATH_MAX];
	FILE *f;
	int fd;

	snprintf(copy, sizeof(copy), "%s", path);
	mkdir(dirname(copy), 0755); /* /run/fanguard before the daemon ever ran */
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp))
		return -1;
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)
		return -1;
	fchmod(fd, 0644);
	if (!(f = fdopen(fd, "w"))) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	fprintf(f,
		"state %s\npid %ld\nstarted %lld\nupdated %lld\ndone %llu\ntotal %llu\n"
		"unchanged %llu\nfound %llu\nerrors %llu\neta %ld\nfull %d\nresumed %d\n"
		"total_estimated %d\n",
		state_names[s->state], s->pid, (long long)s->started, (long long)s->updated,
		s->done, s->total, s->unchanged, s->found, s->errors, s->eta_s, s->full, s->resumed,
		s->total_estimated);
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/*
 * Only root's scheduled scan writes it (0644, renamed into place): a file of
 * another owner, or one others may write, was put there by someone else (a
 * progress folder in a sticky one such as /tmp) and is not shown as ours.
 */
static FILE *open_trusted(const char *path, FILE *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	struct stat st;
	FILE *f;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022)) {
		fprintf(out,
			"scheduled scan: progress file %s not shown: not root's own regular "
			"file (owned by uid %u, mode %04o)\n",
			path, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
		close(fd);
		return NULL;
	}
	if (!(f = fdopen(fd, "r")))
		close(fd);
	return f;
}

static int read_status(const char *path, struct scan_status *s, FILE *out)
{
	char key[32], value[64], state[64] = "";
	FILE *f = open_trusted(path, out);

	if (!f)
		return -1;
	memset(s, 0, sizeof(*s));
	s->eta_s = -1;
	while (fscanf(f, "%31s %63s", key, value) == 2) {
		long long v = strtoll(value, NULL, 10);

		if (strcmp(key, "state") == 0)
			snprintf(state, sizeof(state), "%s", value);
		else if (strcmp(key, "pid") == 0)
			s->pid = (long)v;
		else if (strcmp(key, "started") == 0)
			s->started = (time_t)v;
		else if (strcmp(key, "updated") == 0)
			s->updated = (time_t)v;
		else if (strcmp(key, "done") == 0)
			s->done = (unsigned long long)v;
		else if (strcmp(key, "total") == 0)
			s->total = (unsigned long long)v;
		else if (strcmp(key, "unchanged") == 0)
			s->unchanged = (unsigned long long)v;
		else if (strcmp(key, "found") == 0)
			s->found = (unsigned long long)v;
		else if (strcmp(key, "errors") == 0)
			s->errors = (unsigned long long)v;
		else if (strcmp(key, "eta") == 0)
			s->eta_s = (long)v;
		else if (strcmp(key, "full") == 0)
			s->full = (int)v;
		else if (strcmp(key, "resumed") == 0)
			s->resumed = (int)v;
		else if (strcmp(key, "total_estimated") == 0)
			s->total_estimated = (int)v;
	}
	fclose(f);
	for (int i = 0; i < 3; i++)
		if (strcmp(state, state_names[i]) == 0) {
			s->state = (enum scan_status_state)i;
			return 0;
		}
	return -1;
}

static void format_time(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (!localtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, size, "%lld", (long long)t);
}

void scan_status_print(const char *path, FILE *out)
{
	struct scan_status s;
	char started[64], updated[64], of[96] = "";

	if (read_status(path, &s, out) != 0)
		return;
	/* a run killed without a word (SIGKILL, power cut) left "running" behind */
	if (s.state == SCAN_STATUS_RUNNING && kill((pid_t)s.pid, 0) != 0 && errno == ESRCH)
		s.state = SCAN_STATUS_INTERRUPTED;
	format_time(s.started, started, sizeof(started));
	format_time(s.updated, updated, sizeof(updated));
	if (s.total)
		snprintf(of, sizeof(of), " of %s%llu (%llu%%)", s.total_estimated ? "~" : "",
			 s.total, s.done >= s.total ? 100 : s.done * 100 / s.total);
	if (s.state == SCAN_STATUS_RUNNING) {
		fprintf(out,
			"scheduled scan: running (pid %ld, %s pass%s, started %s): %llu%s files",
			s.pid, s.full ? "full" : "incremental", s.resumed ? " resumed" : "",
			started, s.done, of);
		if (s.eta_s >= 0)
			fprintf(out, ", ETA %ldm%02lds", s.eta_s / 60, s.eta_s % 60);
		else
			fprintf(out, ", ETA unknown");
	} else {
		fprintf(out, "scheduled scan: %s at %s (%s pass, started %s): %llu%s files",
			s.state == SCAN_STATUS_FINISHED ? "finished" : "INTERRUPTED", updated,
			s.full ? "full" : "incremental", started, s.done, of);
	}
	fprintf(out, ", %llu unchanged skipped, %llu found, %llu errors%s\n", s.unchanged, s.found,
		s.errors,
		s.state == SCAN_STATUS_INTERRUPTED ? "; the next run goes on where it stopped"
						   : "");
}
