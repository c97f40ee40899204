/*
 * clamav: matches files against ClamAV signature databases, loaded and
 * compiled into one engine at init. libclamav allows concurrent scans on a
 * compiled engine, so every scan thread shares it and none needs a context.
 */
#define _POSIX_C_SOURCE 200809L /* pthread_once, access under -std=c11 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <clamav.h>

#include "fanguard/plugin.h"

struct clamav_state {
	const struct fg_host_api *host;
	const struct fg_options *opts;
	struct cl_engine *engine;
	uint64_t signature_count;
	struct cl_scan_options scan_options;
	char private_tmpdir[PATH_MAX]; /* made by us, removed at fini; empty if not ours */
};

/* An engine limit, the option that sets it and the values libclamav accepts. */
struct engine_limit {
	const char *option;
	enum cl_engine_field field;
	long long min;
	long long max;
};

static const struct fg_option_spec clamav_options[] = {
	{ "database", FG_OPT_PATH_LIST, "{\"/var/lib/clamav\"}",
	  "ClamAV signature databases: directories, or files such as .cvd, .cld, .ndb, .ldb, .hdb" },
	{ "max_scan_size", FG_OPT_INT, "104857600",
	  "bytes scanned per file, archive contents included; 0 for no limit" },
	{ "max_file_size", FG_OPT_INT, "26214400",
	  "larger files and archive members are not scanned; 0 for no limit" },
	{ "max_recursion", FG_OPT_INT, "17", "archive nesting depth scanned" },
	{ "max_files", FG_OPT_INT, "10000", "archive members scanned per file; 0 for no limit" },
	{ "heuristic_alerts", FG_OPT_BOOL, "true",
	  "report heuristic detections (Heuristics.*), not only signature matches" },
	{ "detect_pua", FG_OPT_BOOL, "false",
	  "load signatures for potentially unwanted applications" },
	{ "tmpdir", FG_OPT_STRING, "",
	  "where libclamav unpacks archives and makes its per-scan folder; empty: a private "
	  "0700 folder in $TMPDIR (in fanguardd, the scanner's own folder in /dev/shm, the one "
	  "place its Landlock rules allow), else in /dev/shm" },
	{ NULL, 0, NULL, NULL },
};

/* Recursion 0 is refused by libclamav, which then warns and silently uses its default. */
static const struct engine_limit engine_limits[] = {
	{ "max_scan_size", CL_ENGINE_MAX_SCANSIZE, 0, LLONG_MAX },
	{ "max_file_size", CL_ENGINE_MAX_FILESIZE, 0, LLONG_MAX },
	{ "max_recursion", CL_ENGINE_MAX_RECURSION, 1, UINT32_MAX },
	{ "max_files", CL_ENGINE_MAX_FILES, 0, UINT32_MAX },
};

/*
 * libclamav is process-wide: cl_init must run once and the message callback is
 * one global hook, so both are set up once per process, whichever plugin
 * instance comes first.
 */
static pthread_once_t libclamav_once = PTHREAD_ONCE_INIT;
static cl_error_t libclamav_init_rc;

/*
 * libclamav writes warnings and debug chatter to stderr on its own, some on
 * every scan of an odd file; only errors are worth a line in the daemon's log.
 */
static void libclamav_message(enum cl_msg severity, const char *fullmsg, const char *msg,
			      void *context);

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

/* "A, B, C" from the database option, as the user wrote it, for messages. */
static void format_databases(const struct clamav_state *st, char *out, size_t size)
{
	size_t n = st->host->opt_list_count(st->opts, "database");
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && len < size; i++) {
		const char *item = st->host->opt_list_item(st->opts, "database", i);

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

static int load_databases(struct clamav_state *st, char *err, size_t err_size)
{
	size_t n = st->host->opt_list_count(st->opts, "database");
	unsigned int dboptions = CL_DB_STDOPT;
	cl_error_t rc;

	if (st->host->opt_bool(st->opts, "detect_pua"))
		dboptions |= CL_DB_PUA;
	for (size_t i = 0; i < n; i++) {
		const char *path = st->host->opt_list_item(st->opts, "database", i);
		unsigned int signo = 0;

		if (!path) {
			snprintf(err, err_size, "database: item %zu missing", i);
			return -1;
		}
		if (check_database(path, err, err_size) == -1)
			return -1;
		memset(&load_diag, 0, sizeof(load_diag));
		load_diag.active = true;
		rc = cl_load(path, st->engine, &signo, dboptions);
		load_diag.active = false;
		if (rc == CL_EOPEN && is_directory(path)) {
			explain_dir_eopen(path, err, err_size);
			return -1;
		}
		if (rc != CL_SUCCESS) {
			format_load_error(path, rc, err, err_size);
			return -1;
		}
		st->signature_count += signo;
	}
	if (st->signature_count > 0)
		return 0;
	if (n == 0) {
		snprintf(err, err_size,
			 "no ClamAV signatures loaded: option \"database\" is empty");
		return -1;
	}
	/* e.g. a file of an unknown type: scanning with nothing would pass everything */
	snprintf(err, err_size, "no ClamAV signatures loaded from ");
	format_databases(st, err + strlen(err), err_size - strlen(err));
	return -1;
}

static int set_limits(struct clamav_state *st, char *err, size_t err_size)
{
	size_t n = sizeof(engine_limits) / sizeof(engine_limits[0]);
	cl_error_t rc;

	for (size_t i = 0; i < n; i++) {
		const struct engine_limit *lim = &engine_limits[i];
		long long value = st->host->opt_int(st->opts, lim->option);

		if (value < lim->min || value > lim->max) {
			snprintf(err, err_size, "%s: %lld is not between %lld and %lld",
				 lim->option, value, lim->min, lim->max);
			return -1;
		}
		if ((rc = cl_engine_set_num(st->engine, lim->field, value)) != CL_SUCCESS) {
			snprintf(err, err_size, "cannot set ClamAV limit %s: %s", lim->option,
				 cl_strerror(rc));
			return -1;
		}
	}
	return 0;
}

static void set_scan_options(struct clamav_state *st)
{
	memset(&st->scan_options, 0, sizeof(st->scan_options));
	/* every parser: a signature for an archive member must not depend on a setting */
	st->scan_options.parse = ~0u;
	if (st->host->opt_bool(st->opts, "heuristic_alerts"))
		st->scan_options.general |= CL_SCAN_GENERAL_HEURISTICS;
}

static void log_loaded(const struct clamav_state *st)
{
	char databases[1024];

	format_databases(st, databases, sizeof(databases));
	st->host->log(st->opts, FG_LOG_INFO, "libclamav %s: loaded %" PRIu64 " signature%s from %s",
		      cl_retver(), st->signature_count, st->signature_count == 1 ? "" : "s",
		      databases);
}

/*
 * libclamav 1.x makes and removes a folder for every scan, even of a plain
 * file; on a disk filesystem that costs more than scanning a small file. A
 * private folder in memory keeps it cheap and out of other users' reach.
 */
static int set_tmpdir(struct clamav_state *st, char *err, size_t err_size)
{
	const char *dir = st->host->opt_string(st->opts, "tmpdir");
	cl_error_t rc;

	if (!dir || !dir[0]) {
		/* a sandboxed scanner's TMPDIR is its own folder, in memory, the only one it may use */
		const char *base = getenv("TMPDIR");
		snprintf(st->private_tmpdir, sizeof(st->private_tmpdir),
			 "%s/fanguard-clamav.XXXXXX", base && base[0] == '/' ? base : "/dev/shm");
		if (!mkdtemp(st->private_tmpdir)) {
			st->private_tmpdir[0] = '\0';
			return 0; /* libclamav's default ($TMPDIR or /tmp) still works */
		}
		dir = st->private_tmpdir;
	}
	if ((rc = cl_engine_set_str(st->engine, CL_ENGINE_TMPDIR, dir)) != CL_SUCCESS) {
		snprintf(err, err_size, "tmpdir %s: %s", dir, cl_strerror(rc));
		return -1;
	}
	return 0;
}

static void clamav_fini(void *state)
{
	struct clamav_state *st = state;

	if (!st)
		return;
	if (st->engine)
		cl_engine_free(st->engine);
	if (st->private_tmpdir[0] && rmdir(st->private_tmpdir) == -1)
		st->host->log(st->opts, FG_LOG_WARNING, "cannot remove %s: %s", st->private_tmpdir,
			      strerror(errno));
	free(st);
}

static int clamav_init(const struct fg_host_api *host, const struct fg_options *opts, void **state,
		       char *err, size_t err_size)
{
	struct clamav_state *st;
	cl_error_t rc;

	if (!host || !FG_HAS_FIELD(host, struct fg_host_api, opt_list_item)) {
		snprintf(err, err_size, "host API too old: no list options");
		return -1;
	}
	pthread_once(&libclamav_once, libclamav_init);
	if (libclamav_init_rc != CL_SUCCESS) {
		snprintf(err, err_size, "cannot initialise libclamav: %s",
			 cl_strerror(libclamav_init_rc));
		return -1;
	}
	if (!(st = calloc(1, sizeof(*st)))) {
		snprintf(err, err_size, "%s", strerror(errno));
		return -1;
	}
	st->host = host;
	st->opts = opts;
	set_scan_options(st);
	if (!(st->engine = cl_engine_new())) {
		snprintf(err, err_size, "cannot create ClamAV engine");
		goto fail;
	}
	if (set_limits(st, err, err_size) == -1 || set_tmpdir(st, err, err_size) == -1 ||
	    load_databases(st, err, err_size) == -1)
		goto fail;
	/* fanguard caches verdicts itself; libclamav's cache would hash every file again (MD5) */
	if ((rc = cl_engine_set_num(st->engine, CL_ENGINE_DISABLE_CACHE, 1)) != CL_SUCCESS) {
		snprintf(err, err_size, "cannot disable the ClamAV cache: %s", cl_strerror(rc));
		goto fail;
	}
	if ((rc = cl_engine_compile(st->engine)) != CL_SUCCESS) {
		snprintf(err, err_size, "cannot compile ClamAV engine: %s", cl_strerror(rc));
		goto fail;
	}
	log_loaded(st);
	*state = st;
	return 0;
fail:
	clamav_fini(st);
	return -1;
}

/* Threat names travel through logs and the control socket: keep them to a safe alphabet. */
static void format_threat(const char *name, char *out, size_t size)
{
	snprintf(out, size, "%s", name ? name : "ClamAV.Unnamed");
	for (; *out; out++) {
		char c = *out;
		int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			 (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';

		if (!ok)
			*out = '_';
	}
}

/* The host's mapping is scanned in place, so the file is not read a second time. */
static cl_error_t scan_memory(const struct clamav_state *st, const struct fg_scan_object *obj,
			      struct cl_scan_options *options, const char **virname)
{
	unsigned long scanned = 0;
	cl_fmap_t *map;
	cl_error_t rc;

	if (!(map = cl_fmap_open_memory(obj->data, obj->size)))
		return CL_EMEM;
	rc = cl_scanmap_callback(map, obj->path, virname, &scanned, st->engine, options, NULL);
	cl_fmap_close(map);
	return rc;
}

static enum fg_verdict clamav_scan(void *state, void *thread_ctx, const struct fg_scan_object *obj,
				   struct fg_scan_result *result)
{
	struct clamav_state *st = state;
	struct cl_scan_options options = st->scan_options; /* libclamav wants it writable */
	const char *virname = NULL;
	unsigned long scanned = 0;
	cl_error_t rc;

	/* every ClamAV signature needs a byte to match: cl_load refuses a zero-size hash */
	if (obj->size == 0)
		return FG_VERDICT_CLEAN;
	if (obj->data)
		rc = scan_memory(st, obj, &options, &virname);
	else
		rc = cl_scandesc(obj->fd, obj->path, &virname, &scanned, st->engine, &options);
	switch (rc) {
	case CL_CLEAN: return FG_VERDICT_CLEAN;
	case CL_VIRUS:
		format_threat(virname, result->threat, result->threat_size);
		return FG_VERDICT_DETECTED;
	default:
		snprintf(result->threat, result->threat_size, "ClamAV scan failed: %s",
			 cl_strerror(rc));
		return FG_VERDICT_ERROR;
	}
}

static uint64_t clamav_signature_count(void *state)
{
	struct clamav_state *st = state;

	return st->signature_count;
}

static const struct fg_plugin clamav_plugin = {
	FG_PLUGIN_HEADER,
	.name = "clamav",
	.version = FANGUARD_BUNDLED_VERSION,
	.description = "ClamAV signatures (built with libclamav " CLAMAV_VERSION ")",
	.options = clamav_options,
	.init = clamav_init,
	.thread_init = NULL,
	.thread_fini = NULL,
	.scan = clamav_scan,
	.reload = NULL,
	.fini = clamav_fini,
	.signature_count = clamav_signature_count,
};

FG_PLUGIN_DEFINE(clamav_plugin)
