/*
 * The walk of `fanguard scan`: the trees named on the command line, opened
 * one step at a time relative to the parent folder, filtered by the
 * exclusions, and queued for the scanning threads; and the counting walk
 * beside it that gives the progress its total.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/scan_run.h"

/*
 * One walk of the trees: the scan's (files opened and queued), or, beside it
 * when the progress line shows, a counting one (sizes added up, nothing opened
 * but folders, nothing reported) that gives the line its total.
 */
struct walk {
	struct scan_run *run;
	bool counting;
};

static void walk_path(const struct walk *w, int dirfd, const char *name, const char *path,
		      const char *abs, bool top);

static void walk_error(const struct walk *w, const char *path, const char *what)
{
	if (!w->counting)
		scan_report_path_error(&w->run->report, path, what);
}

/*
 * One call per folder level, so the stack holds a frame per level of the
 * deepest tree a user made: the two child paths live on the heap, or a user's
 * 2,000 nested folders (allowed below PATH_MAX) overflowed the 8 MiB stack
 * and crashed root's scan at every run.
 */
static void walk_dir(const struct walk *w, int fd, const char *path, const char *abs)
{
	DIR *dir = fdopendir(fd);
	struct dirent *de;
	char *child = malloc(2 * PATH_MAX), *child_abs = child + PATH_MAX;

	if (!dir || !child) {
		walk_error(w, path, strerror(dir ? ENOMEM : errno));
		if (dir)
			closedir(dir);
		else
			close(fd);
		free(child);
		return;
	}
	while ((errno = 0, de = readdir(dir)) != NULL && !scan_run_stopping(w->run)) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(child, PATH_MAX, "%s/%s", strcmp(path, "/") ? path : "", de->d_name) >=
			    PATH_MAX ||
		    snprintf(child_abs, PATH_MAX, "%s/%s", strcmp(abs, "/") ? abs : "",
			     de->d_name) >= PATH_MAX) {
			walk_error(w, path, "path too long");
			continue;
		}
		walk_path(w, dirfd(dir), de->d_name, child, child_abs, false);
	}
	if (errno)
		walk_error(w, path, strerror(errno));
	closedir(dir);
	free(child);
}

/* By --exclude or the config's watch.exclude, matched on the real, absolute path. */
static bool excluded(const struct scan_run *run, const char *abs)
{
	return path_set_match(&run->exclude, abs) || path_set_match(&run->rt.cfg.exclude, abs);
}

/*
 * Opens relative to the parent's fd without following symlinks, so what is
 * scanned is what was listed; only paths named on the command line follow links.
 * For the daemon a file is opened O_PATH: no on-access event, no read by us.
 */
static void walk_path(const struct walk *w, int dirfd, const char *name, const char *path,
		      const char *abs, bool top)
{
	struct scan_run *run = w->run;
	int nofollow = top ? 0 : O_NOFOLLOW;
	struct stat st;
	int fd;

	if (fstatat(dirfd, name, &st, top ? 0 : AT_SYMLINK_NOFOLLOW) != 0) {
		walk_error(w, path, strerror(errno));
		return;
	}
	if (S_ISLNK(st.st_mode))
		return; /* not followed inside trees, like clamscan */
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		return; /* devices, FIFOs and sockets have no content to scan */
	if (excluded(run, abs)) {
		if (!w->counting) {
			struct scan_result res = { .path = path,
						   .kind = RESULT_SKIPPED,
						   .detections = "",
						   .errors = "excluded" };
			scan_report_result(&run->report, &res);
		}
		return;
	}
	if (w->counting && S_ISREG(st.st_mode)) {
		scan_progress_count(&run->report.progress, (unsigned long long)st.st_size);
		return;
	}
	/*
	 * Judged on the name's stat, before any open: a file the hook skips
	 * (unchanged since found clean: the same inode, size, mtime and ctime)
	 * costs one fstatat, and a watching daemon sees no open of it. Whatever
	 * is opened instead is scanned and judged on its own fstat.
	 */
	if (S_ISREG(st.st_mode) && run->hooks.skip && run->hooks.skip(run->hooks.ctx, path, &st))
		return;
	if (S_ISDIR(st.st_mode))
		fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_DIRECTORY | nofollow);
	else if (run->daemon)
		fd = openat(dirfd, name, O_PATH | O_CLOEXEC | nofollow);
	else
		fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | nofollow);
	if (fd < 0) {
		walk_error(w, path, strerror(errno));
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		walk_dir(w, fd, path, abs);
		return;
	}
	queue_push(&run->queue, fd, path);
}

/* The real, absolute path of a path named on the command line (it is followed, if a link). */
static void top_abs(const char *path, char *out, size_t outsize)
{
	char cwd[PATH_MAX], joined[PATH_MAX * 2];

	if (realpath(path, out))
		return;
	/* it cannot be scanned either; the walk reports why */
	if (path[0] != '/' && getcwd(cwd, sizeof(cwd)))
		snprintf(joined, sizeof(joined), "%s/%s", cwd, path);
	else
		snprintf(joined, sizeof(joined), "%s", path);
	if (path_normalize(joined, out, outsize) != 0)
		snprintf(out, outsize, "/");
}

static void walk_trees(const struct walk *w, char **paths, int n)
{
	char abs[PATH_MAX];

	for (int i = 0; i < n && !scan_run_stopping(w->run); i++) {
		top_abs(paths[i], abs, sizeof(abs));
		walk_path(w, AT_FDCWD, paths[i], paths[i], abs, true);
	}
}

void scan_walk_all(struct scan_run *run, char **paths, int n)
{
	struct walk w = { .run = run };

	walk_trees(&w, paths, n);
}

void *scan_count_thread(void *arg)
{
	struct scan_walk_args *a = arg;
	struct walk w = { .run = a->run, .counting = true };

	walk_trees(&w, a->paths, a->n);
	if (!scan_run_stopping(a->run))
		scan_progress_counted(&a->run->report.progress);
	return NULL;
}

/* `*.iso` matches every .iso file: a name with no '/' is taken from any folder. */
int scan_run_add_exclude(struct path_set *set, const char *entry, char *err, size_t errlen)
{
	char joined[PATH_MAX * 2], norm[PATH_MAX], real[PATH_MAX], cwd[PATH_MAX], reason[256];

	if (!entry[0]) {
		snprintf(err, errlen, "--exclude wants a path or a pattern, not ''");
		return -1;
	}
	if (!strchr(entry, '/'))
		snprintf(joined, sizeof(joined), "/**/%s", entry);
	else if (entry[0] != '/' && getcwd(cwd, sizeof(cwd)))
		snprintf(joined, sizeof(joined), "%s/%s", cwd, entry);
	else
		snprintf(joined, sizeof(joined), "%s", entry);
	if (path_normalize(joined, norm, sizeof(norm)) != 0) {
		snprintf(err, errlen, "--exclude '%s': path too long", entry);
		return -1;
	}
	if (path_has_glob(norm)) {
		struct path_glob *g = realloc(set->glob, (set->n_glob + 1) * sizeof(*g));
		if (!g)
			return -1;
		set->glob = g;
		if (path_glob_compile(norm, &g[set->n_glob], reason, sizeof(reason)) != 0) {
			snprintf(err, errlen, "--exclude '%s': bad pattern: %s", entry, reason);
			return -1;
		}
		set->n_glob++;
		return 0;
	}
	char **p = realloc(set->prefix, (set->n_prefix + 1) * sizeof(*p));
	if (!p)
		return -1;
	set->prefix = p;
	/* the walk matches real paths: a folder reached through a symlink is named as it is */
	if (!(p[set->n_prefix] = strdup(realpath(norm, real) ? real : norm)))
		return -1;
	set->n_prefix++;
	return 0;
}
