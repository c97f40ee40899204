#include "cli_scan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "install_paths.h"
#include "log.h"
#include "runtime.h"

struct scan_run {
	struct runtime rt;
	struct engine_thread thread;
	bool infected_only;
	unsigned long long files, found, errors, too_large, bytes;
};

static void report_error(struct scan_run *run, const char *path, const char *what)
{
	run->errors++;
	printf("%s: %s ERROR\n", path, what);
}

static void report_outcome(struct scan_run *run, const char *path, const struct scan_outcome *out)
{
	const struct engine *e = &run->rt.engine;
	bool any_detection = false;

	for (size_t i = 0; i < out->n_votes; i++) {
		const struct plugin_vote *v = &out->votes[i];
		if (v->verdict == FG_VERDICT_ERROR) {
			run->errors++;
			fprintf(stderr, "%s: %s: %s\n", path, e->plugins[i].name, v->threat);
		} else if (v->verdict == FG_VERDICT_DETECTED) {
			any_detection = true;
			if (out->decision == DECISION_DENY)
				printf("%s: %s:%s FOUND\n", path, e->plugins[i].name, v->threat);
			else
				printf("%s: %s:%s detected, allowed by %s\n", path, e->plugins[i].name,
				       v->threat,
				       out->reason == REASON_TRUSTED ? "an allowlist" : "the majority policy");
		}
	}
	if (out->decision == DECISION_DENY) {
		run->found++;
		if (!any_detection)
			printf("%s: denied by on_error = deny FOUND\n", path);
	} else if (!any_detection && !run->infected_only) {
		printf("%s: OK\n", path);
	}
}

static void scan_fd(struct scan_run *run, int fd, const char *path)
{
	struct stat st;
	struct scan_outcome out;
	struct scan_target target = { .fd = fd, .path = path, .st = &st, .kind = FG_EVENT_ON_DEMAND };

	if (fstat(fd, &st) != 0) {
		report_error(run, path, strerror(errno));
		return;
	}
	if ((unsigned long long)st.st_size > run->rt.cfg.max_file_size) {
		run->too_large++;
		if (!run->infected_only)
			printf("%s: skipped, larger than max_file_size\n", path);
		return;
	}
	run->files++;
	run->bytes += (unsigned long long)st.st_size;
	engine_scan(&run->thread, &target, &out);
	report_outcome(run, path, &out);
}

static void scan_path(struct scan_run *run, int dirfd, const char *name, const char *path, bool top);

static void scan_dir(struct scan_run *run, int fd, const char *path)
{
	DIR *dir = fdopendir(fd);
	struct dirent *de;
	char child[PATH_MAX];

	if (!dir) {
		report_error(run, path, strerror(errno));
		close(fd);
		return;
	}
	while ((errno = 0, de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") ? path : "", de->d_name) >=
		    (int)sizeof(child)) {
			report_error(run, path, "path too long");
			continue;
		}
		scan_path(run, dirfd(dir), de->d_name, child, false);
	}
	if (errno)
		report_error(run, path, strerror(errno));
	closedir(dir);
}

/*
 * Opens relative to the parent's fd without following symlinks, so what is
 * scanned is what was listed; only paths named on the command line follow links.
 */
static void scan_path(struct scan_run *run, int dirfd, const char *name, const char *path, bool top)
{
	int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (top ? 0 : O_NOFOLLOW);
	struct stat st;
	int fd;

	if (fstatat(dirfd, name, &st, top ? 0 : AT_SYMLINK_NOFOLLOW) != 0) {
		report_error(run, path, strerror(errno));
		return;
	}
	if (S_ISLNK(st.st_mode))
		return; /* not followed inside trees, like clamscan */
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		return; /* devices, FIFOs and sockets have no content to scan */
	fd = openat(dirfd, name, flags | (S_ISDIR(st.st_mode) ? O_DIRECTORY : 0));
	if (fd < 0) {
		report_error(run, path, strerror(errno));
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		scan_dir(run, fd, path);
		return;
	}
	scan_fd(run, fd, path);
	close(fd);
}

static void print_summary(struct scan_run *run, double seconds)
{
	char plugins[1024];

	runtime_describe_plugins(&run->rt, plugins, sizeof(plugins));
	printf("\n----------- SCAN SUMMARY -----------\n");
	printf("Plugins: %s\n", plugins);
	printf("Policy: %s\n", verdict_policy_name(run->rt.cfg.verdict.policy));
	printf("Scanned files: %llu\n", run->files);
	printf("Infected files: %llu\n", run->found);
	printf("Errors: %llu\n", run->errors);
	if (run->too_large)
		printf("Skipped (larger than max_file_size): %llu\n", run->too_large);
	printf("Data scanned: %.2f MB\n", (double)run->bytes / (1024.0 * 1024.0));
	printf("Time: %.3f sec\n", seconds);
}

static void scan_usage(FILE *out)
{
	fprintf(out, "usage: fanguard scan [-c FILE] [-i] PATH...\n"
		     "  -c FILE  configuration file (default %s)\n"
		     "  -i       print only infected files\n"
		     "exit status: 0 nothing found, 1 something found, 2 errors (and nothing found)\n",
		install_default_config());
}

int cli_scan(int argc, char **argv)
{
	static struct scan_run run;
	const char *config_path = install_default_config();
	struct timespec t0, t1;
	char err[1024];
	int opt;

	optind = 1;
	while ((opt = getopt(argc, argv, "c:ih")) != -1) {
		switch (opt) {
		case 'c': config_path = optarg; break;
		case 'i': run.infected_only = true; break;
		case 'h': scan_usage(stdout); return SCAN_EXIT_CLEAN;
		default: scan_usage(stderr); return SCAN_EXIT_ERROR;
		}
	}
	if (optind == argc) {
		scan_usage(stderr);
		return SCAN_EXIT_ERROR;
	}
	log_init("fanguard", 0, LOG_WARNING);
	if (runtime_load(&run.rt, config_path, err, sizeof(err)) != 0) {
		fprintf(stderr, "fanguard: %s\n", err);
		return SCAN_EXIT_ERROR;
	}
	if (engine_thread_init(&run.rt.engine, &run.thread, err, sizeof(err)) != 0) {
		fprintf(stderr, "fanguard: %s\n", err);
		runtime_unload(&run.rt);
		return SCAN_EXIT_ERROR;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = optind; i < argc; i++)
		scan_path(&run, AT_FDCWD, argv[i], argv[i], true);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	print_summary(&run, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	engine_thread_fini(&run.thread);
	runtime_unload(&run.rt);
	if (run.found)
		return SCAN_EXIT_FOUND;
	return run.errors ? SCAN_EXIT_ERROR : SCAN_EXIT_CLEAN;
}
