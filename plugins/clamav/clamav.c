/*
 * clamav: matches files against ClamAV signature databases, loaded and
 * compiled into one engine at init. libclamav allows concurrent scans on a
 * compiled engine, so every scan thread shares it and none needs a context.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp under -std=c11 */

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <clamav.h>

#include "clamav_db.h"
#include "clamav_settings.h"
#include "fanguard/plugin.h"

struct clamav_state {
	const struct fg_host_api *host;
	const struct fg_options *opts;
	struct cl_engine *engine;
	uint64_t signature_count;
	uint64_t max_file_size;   /* what max_file_size tells the host; 0: ask about every file */
	bool quiet_max_file_size; /* alert_exceeds_scan_limits alone: no MaxFileSize alerts */
	struct cl_scan_options scan_options;
	char private_tmpdir[PATH_MAX]; /* made by us, removed at fini; empty if not ours */
};

/* The names libclamav reports during one scan, joined into "A, B" (allmatch finds several). */
/* One scan's callback context: the names found, and its deadline. */
struct found_names {
	char text[FG_THREAT_MAX];
	size_t len;
	bool full;                /* a name did not fit: later ones are dropped too */
	uint64_t deadline_ns;     /* the host's (CLOCK_MONOTONIC); 0: none */
	bool out_of_time;         /* the scan was stopped at the deadline */
	bool quiet_max_file_size; /* drop Heuristics.Limits.Exceeded.MaxFileSize */
	bool dropped;             /* a name was dropped for that */
};

#define MAX_FILE_SIZE_ALERT "Heuristics.Limits.Exceeded.MaxFileSize"

static void log_loaded(const struct clamav_state *st)
{
	char databases[1024];

	clamav_format_databases(st->host, st->opts, databases, sizeof(databases));
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

/* Threat names travel through logs and the control socket: keep them to a safe alphabet. */
static void append_name(struct found_names *found, const char *name)
{
	char safe[FG_THREAT_MAX];
	size_t len, sep = found->len ? 2 : 0;

	snprintf(safe, sizeof(safe), "%s", name ? name : "ClamAV.Unnamed");
	for (char *c = safe; *c; c++) {
		bool ok = (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
			  (*c >= '0' && *c <= '9') || *c == '.' || *c == '_' || *c == '-';

		if (!ok)
			*c = '_';
	}
	len = strlen(safe);
	/* one signature can match several archive members: name it once */
	for (const char *at = found->text; (at = strstr(at, safe)); at += len)
		if ((at == found->text || at[-1] == ' ') && (at[len] == ',' || at[len] == '\0'))
			return;
	if (found->full || found->len + sep + len >= sizeof(found->text)) {
		found->full = true;
		return;
	}
	memcpy(found->text + found->len, ", ", sep);
	memcpy(found->text + found->len + sep, safe, len + 1);
	found->len += sep + len;
}

/* libclamav's virus-found callback: every detection, the only way to hear all of them. */
static void note_found(int fd, const char *virname, void *context)
{
	struct found_names *found = context;

	if (!found || found->out_of_time) /* not the name of our own stop below */
		return;
	/*
	 * One switch in libclamav alerts on every limit; a member over max_file_size
	 * is no bomb (it is skipped, not scanned for long), so only the admin's
	 * alert_exceeds_max names it.
	 */
	if (found->quiet_max_file_size && virname &&
	    !strncmp(virname, MAX_FILE_SIZE_ALERT, strlen(MAX_FILE_SIZE_ALERT))) {
		found->dropped = true;
		return;
	}
	append_name(found, virname);
}

/*
 * libclamav has no per-scan time limit (max_scantime is the engine's, shared
 * by every scan), so each layer of the file (an archive member, an embedded
 * object) checks the host's deadline before it is scanned. Past it the scan
 * is stopped by calling the layer infected: a layer let through as clean would
 * enter libclamav's clean cache, and its content be taken for clean from then on.
 */
static cl_error_t check_deadline(int fd, const char *type, void *context)
{
	struct found_names *found = context;
	struct timespec now;

	(void)fd;
	(void)type;
	if (!found || !found->deadline_ns || clock_gettime(CLOCK_MONOTONIC, &now) != 0 ||
	    (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec <= found->deadline_ns)
		return CL_CLEAN;
	found->out_of_time = true;
	return CL_VIRUS;
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

/*
 * libclamav skips a whole file larger than CL_ENGINE_MAX_FILESIZE, before any
 * parsing (cl_scanmap_callback, cl_scandesc_callback): the host need not hand
 * it over, unless alert_exceeds_max wants libclamav to see it and name it
 * Heuristics.Limits.Exceeded.MaxFileSize (alert_exceeds_scan_limits sets the
 * same libclamav switch, but not for that name).
 */
static void note_max_file_size(struct clamav_state *st)
{
	int err = 0;
	long long limit = cl_engine_get_num(st->engine, CL_ENGINE_MAX_FILESIZE, &err);

	if (err != CL_SUCCESS || limit <= 0 || st->host->opt_bool(st->opts, "alert_exceeds_max"))
		st->max_file_size = 0;
	else
		st->max_file_size = (uint64_t)limit;
}

static int clamav_init(const struct fg_host_api *host, const struct fg_options *opts, void **state,
		       char *err, size_t err_size)
{
	struct clamav_state *st;
	unsigned int dboptions;
	cl_error_t rc;

	if (!host || !FG_HAS_FIELD(host, struct fg_host_api, opt_origin)) {
		snprintf(err, err_size, "host API too old: no list options or option origins");
		return -1;
	}
	if ((rc = clamav_library_init()) != CL_SUCCESS) {
		snprintf(err, err_size, "cannot initialise libclamav: %s", cl_strerror(rc));
		return -1;
	}
	if (!(st = calloc(1, sizeof(*st)))) {
		snprintf(err, err_size, "%s", strerror(errno));
		return -1;
	}
	st->host = host;
	st->opts = opts;
	clamav_switches(host, opts, &st->scan_options, &dboptions);
	if (!(st->engine = cl_engine_new())) {
		snprintf(err, err_size, "cannot create ClamAV engine");
		goto fail;
	}
	cl_engine_set_clcb_virus_found(st->engine, note_found);
	cl_engine_set_clcb_pre_scan(st->engine, check_deadline);
	if (clamav_set_limits(st->engine, host, opts, err, err_size) == -1 ||
	    set_tmpdir(st, err, err_size) == -1 ||
	    clamav_load_databases(st->engine, host, opts, dboptions, &st->signature_count, err,
				  err_size) == -1)
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
	note_max_file_size(st);
	st->quiet_max_file_size = !host->opt_bool(opts, "alert_exceeds_max");
	log_loaded(st);
	clamav_log_limits(st->engine, host, opts);
	*state = st;
	return 0;
fail:
	clamav_fini(st);
	return -1;
}

/* The host's mapping is scanned in place, so the file is not read a second time. */
static cl_error_t scan_memory(const struct clamav_state *st, const struct fg_scan_object *obj,
			      struct cl_scan_options *options, const char **virname,
			      struct found_names *found)
{
	unsigned long scanned = 0;
	cl_fmap_t *map;
	cl_error_t rc;

	if (!(map = cl_fmap_open_memory(obj->data, obj->size)))
		return CL_EMEM;
	rc = cl_scanmap_callback(map, obj->path, virname, &scanned, st->engine, options, found);
	cl_fmap_close(map);
	return rc;
}

static enum fg_verdict clamav_scan(void *state, void *thread_ctx, const struct fg_scan_object *obj,
				   struct fg_scan_result *result)
{
	struct clamav_state *st = state;
	struct cl_scan_options options = st->scan_options; /* libclamav wants it writable */
	struct found_names found = { .len = 0 };
	const char *virname = NULL;
	unsigned long scanned = 0;
	cl_error_t rc;

	/* every ClamAV signature needs a byte to match: cl_load refuses a zero-size hash */
	if (obj->size == 0)
		return FG_VERDICT_CLEAN;
	if (FG_HAS_FIELD(obj, struct fg_scan_object, deadline_ns))
		found.deadline_ns = obj->deadline_ns;
	found.quiet_max_file_size = st->quiet_max_file_size;
	if (obj->data)
		rc = scan_memory(st, obj, &options, &virname, &found);
	else
		rc = cl_scandesc_callback(obj->fd, obj->path, &virname, &scanned, st->engine,
					  &options, &found);
	if (found.out_of_time && !found.len) {
		snprintf(result->threat, result->threat_size,
			 "ClamAV scan stopped: it ran past the scan's deadline (1.5 x timeout_ms)");
		return FG_VERDICT_ERROR;
	}
	switch (rc) {
	case CL_CLEAN: return FG_VERDICT_CLEAN;
	case CL_VIRUS:
		if (!found.len && found.dropped)
			return FG_VERDICT_CLEAN; /* only a member over max_file_size, skipped */
		if (!found.len)
			append_name(&found, virname);
		snprintf(result->threat, result->threat_size, "%s", found.text);
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

static uint64_t clamav_max_file_size(void *state)
{
	struct clamav_state *st = state;

	return st->max_file_size;
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
	.max_file_size = clamav_max_file_size,
};

FG_PLUGIN_DEFINE(clamav_plugin)
