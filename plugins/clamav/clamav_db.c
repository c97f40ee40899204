/*
 * Loading ClamAV databases. libclamav is process-wide: cl_init must run once
 * and the message callback is one global hook, so both are set up once per
 * process, whichever plugin instance comes first.
 */
#define _POSIX_C_SOURCE 200809L /* pthread_once, faccessat under -std=c11 */

#include "clamav_db.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static pthread_once_t libclamav_once = PTHREAD_ONCE_INIT;
static cl_error_t libclamav_init_rc;

/*
 * cl_load's return code names only the directory it was given; the file and
 * line at fault arrive as messages while it runs. Remember them per thread.
 */
struct load_diagnosis {
	bool active;
	char file[PATH_MAX];
	unsigned line;
};
static _Thread_local struct load_diagnosis load_diag;

static void note_load_message(const char *msg)
{
	const char *at_line = strstr(msg, "at line ");
	const char *file;
	size_t len;

	if (at_line && !load_diag.line)
		load_diag.line = (unsigned)strtoul(at_line + 8, NULL, 10);
	if (strncmp(msg, "Can't load ", 11) == 0 && !load_diag.file[0]) {
		file = msg + 11;
		len = strcspn(file, ":");
		if (len < sizeof(load_diag.file)) {
			memcpy(load_diag.file, file, len);
			load_diag.file[len] = '\0';
		}
	}
}

/*
 * libclamav writes warnings and debug chatter to stderr on its own, some on
 * every scan of an odd file; only errors are worth a line in the daemon's log.
 */
static void libclamav_message(enum cl_msg severity, const char *fullmsg, const char *msg,
			      void *context)
{
	size_t len;

	if (severity < CL_MSG_ERROR || !msg)
		return;
	if (load_diag.active) {
		note_load_message(msg);
		return; /* summarised in the load error instead */
	}
	len = strlen(msg);
	fprintf(stderr, "clamav: %s%s", msg, len && msg[len - 1] == '\n' ? "" : "\n");
}

/* "database FILE:LINE: reason" when libclamav told us where, else the path we gave it. */
static void format_load_error(const char *path, cl_error_t rc, char *err, size_t err_size)
{
	if (load_diag.file[0] && load_diag.line)
		snprintf(err, err_size, "database %s:%u: %s", load_diag.file, load_diag.line,
			 cl_strerror(rc));
	else if (load_diag.file[0])
		snprintf(err, err_size, "database %s: %s", load_diag.file, cl_strerror(rc));
	else
		snprintf(err, err_size, "database %s: %s", path, cl_strerror(rc));
}

static void libclamav_init(void)
{
	/* before cl_init, so its own messages are filtered too */
	cl_set_clcb_msg(libclamav_message);
	libclamav_init_rc = cl_init(CL_INIT_DEFAULT);
}

cl_error_t clamav_library_init(void)
{
	pthread_once(&libclamav_once, libclamav_init);
	return libclamav_init_rc;
}

void clamav_format_databases(const struct fg_host_api *host, const struct fg_options *opts,
			     char *out, size_t size)
{
	size_t n = host->opt_list_count(opts, "database");
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && len < size; i++) {
		const char *item = host->opt_list_item(opts, "database", i);

		len += (size_t)snprintf(out + len, size - len, "%s%s", i ? ", " : "",
					item ? item : "?");
	}
}

/*
 * cl_load reports a missing file as a bare "Can't open file or directory":
 * check first. AT_EACCESS: a scanner loads as an unprivileged user holding
 * CAP_DAC_READ_SEARCH, which plain access() (real ids, no capabilities) ignores.
 */
static int check_database(const char *path, char *err, size_t err_size)
{
	struct stat sb;
	int mode = R_OK;

	if (stat(path, &sb) == -1) {
		snprintf(err, err_size, "database %s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(sb.st_mode)) {
		mode |= X_OK;
	} else if (!S_ISREG(sb.st_mode)) {
		snprintf(err, err_size, "database %s: not a regular file or directory", path);
		return -1;
	}
	if (faccessat(AT_FDCWD, path, mode, AT_EACCESS) == -1) {
		snprintf(err, err_size, "database %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int is_directory(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/*
 * cl_load returns CL_EOPEN both for a directory holding no database file and
 * for one holding a file it cannot open: name the unreadable file if there is one.
 */
static void explain_dir_eopen(const char *dir, char *err, size_t err_size)
{
	struct dirent *entry;
	struct stat sb;
	char path[PATH_MAX];
	DIR *d;

	if (!(d = opendir(dir))) {
		snprintf(err, err_size, "database %s: %s", dir, strerror(errno));
		return;
	}
	while ((entry = readdir(d))) {
		if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, entry->d_name) >= (int)sizeof(path))
			continue;
		if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    faccessat(AT_FDCWD, path, R_OK, AT_EACCESS) == -1) {
			snprintf(err, err_size, "database %s: %s", path, strerror(errno));
			closedir(d);
			return;
		}
	}
	closedir(d);
	snprintf(err, err_size, "no ClamAV signatures loaded from %s", dir);
}

int clamav_load_databases(struct cl_engine *engine, const struct fg_host_api *host,
			  const struct fg_options *opts, unsigned int dboptions, uint64_t *count,
			  char *err, size_t err_size)
{
	size_t n = host->opt_list_count(opts, "database");
	cl_error_t rc;

	for (size_t i = 0; i < n; i++) {
		const char *path = host->opt_list_item(opts, "database", i);
		unsigned int signo = 0;

		if (!path) {
			snprintf(err, err_size, "database: item %zu missing", i);
			return -1;
		}
		if (check_database(path, err, err_size) == -1)
			return -1;
		memset(&load_diag, 0, sizeof(load_diag));
		load_diag.active = true;
		rc = cl_load(path, engine, &signo, dboptions);
		load_diag.active = false;
		if (rc == CL_EOPEN && is_directory(path)) {
			explain_dir_eopen(path, err, err_size);
			return -1;
		}
		if (rc != CL_SUCCESS) {
			format_load_error(path, rc, err, err_size);
			return -1;
		}
		*count += signo;
	}
	if (*count > 0)
		return 0;
	if (n == 0) {
		snprintf(err, err_size,
			 "no ClamAV signatures loaded: option \"database\" is empty");
		return -1;
	}
	/* e.g. a file of an unknown type: scanning with nothing would pass everything */
	snprintf(err, err_size, "no ClamAV signatures loaded from ");
	clamav_format_databases(host, opts, err + strlen(err), err_size - strlen(err));
	return -1;
}
