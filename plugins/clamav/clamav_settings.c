/*
 * The clamav plugin's options. Engine limits keep libclamav's own defaults
 * unless the config sets them: their textual defaults below are libclamav
 * 1.4's (read from a fresh cl_engine_new()), for the documentation only, and
 * are never passed on. The exception is max_scantime: unset, it is half of
 * verdict.timeout_ms (its textual default is that of timeout_ms 5000). Switches take clamscan 1.4's defaults and flags
 * (clamscan/manager.c, scanmanager()).
 */
#include "clamav_settings.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

const struct fg_option_spec clamav_options[] = {
	{ "database", FG_OPT_PATH_LIST, "{\"/var/lib/clamav\"}",
	  "ClamAV signature databases: directories, or files such as .cvd, .cld, .ndb, .ldb, .hdb" },
	{ "tmpdir", FG_OPT_STRING, "",
	  "where libclamav unpacks archives and makes its per-scan folder; empty: a private "
	  "0700 folder in $TMPDIR (in fanguardd, the scanner's own folder in /dev/shm, the one "
	  "place its Landlock rules allow), else in /dev/shm" },

	/* engine limits: passed to libclamav only when set */
	{ "max_file_size", FG_OPT_INT, "104857600",
	  "larger files and archive members are not scanned; 0 for no limit, at most 2147483645; "
	  "unset: libclamav's own" },
	{ "max_scan_size", FG_OPT_INT, "419430400",
	  "bytes scanned per file, archive contents included; 0 for no limit; unset: libclamav's "
	  "own" },
	{ "max_files", FG_OPT_INT, "10000",
	  "archive members scanned per file; 0 for no limit; unset: libclamav's own" },
	{ "max_recursion", FG_OPT_INT, "17",
	  "archive nesting depth scanned, at least 1; unset: libclamav's own" },
	{ "max_scantime", FG_OPT_INT, "2500",
	  "milliseconds a scan may take, the rest is not scanned (with alert_exceeds_scan_limits: "
	  "Heuristics.Limits.Exceeded.MaxScanTime); 0 for no limit; unset: half of "
	  "verdict.timeout_ms, so that a slow file ends with a verdict before the open's deadline "
	  "(libclamav's own, 120000, where no timeout_ms is known)" },
	{ "max_embeddedpe", FG_OPT_INT, "41943040",
	  "largest file searched for embedded PE files; unset: libclamav's own" },
	{ "max_htmlnormalize", FG_OPT_INT, "41943040",
	  "largest HTML file normalized; unset: libclamav's own" },
	{ "max_htmlnotags", FG_OPT_INT, "8388608",
	  "largest normalized HTML scanned; unset: libclamav's own" },
	{ "max_scriptnormalize", FG_OPT_INT, "20971520",
	  "largest script normalized; unset: libclamav's own" },
	{ "max_ziptypercg", FG_OPT_INT, "1048576",
	  "largest zip file whose type is analyzed again; unset: libclamav's own" },
	{ "max_partitions", FG_OPT_INT, "50",
	  "partitions scanned per disk image; unset: libclamav's own" },
	{ "max_iconspe", FG_OPT_INT, "100", "icons scanned per PE file; unset: libclamav's own" },
	{ "max_rechwp3", FG_OPT_INT, "16",
	  "recursive calls of the HWP3 parser; unset: libclamav's own" },
	{ "pcre_match_limit", FG_OPT_INT, "100000",
	  "calls of the PCRE match function per match; unset: libclamav's own" },
	{ "pcre_recmatch_limit", FG_OPT_INT, "2000",
	  "recursive calls of the PCRE match function per match; unset: libclamav's own" },
	{ "pcre_max_filesize", FG_OPT_INT, "104857600",
	  "largest file PCRE subsignatures run on; 0 for no limit; unset: libclamav's own" },
	{ "bytecode_timeout", FG_OPT_INT, "60000",
	  "milliseconds a bytecode signature may run; unset: libclamav's own (clamscan: 10000)" },

	/* detection switches, as clamscan's --OPTION=yes/no */
	{ "heuristic_alerts", FG_OPT_BOOL, "true",
	  "report heuristic detections (Heuristics.*), not only signature matches" },
	{ "heuristic_scan_precedence", FG_OPT_BOOL, "false",
	  "stop scanning as soon as a heuristic matches" },
	{ "allmatch", FG_OPT_BOOL, "false",
	  "go on scanning after a match; every name found is reported, separated by \", \"" },
	{ "alert_encrypted", FG_OPT_BOOL, "false", "alert on encrypted archives and documents" },
	{ "alert_encrypted_archive", FG_OPT_BOOL, "false",
	  "alert on encrypted archives (zip, 7z, rar)" },
	{ "alert_encrypted_doc", FG_OPT_BOOL, "false", "alert on encrypted documents (pdf)" },
	{ "alert_broken", FG_OPT_BOOL, "false", "alert on broken executables (PE, ELF)" },
	{ "alert_broken_media", FG_OPT_BOOL, "false",
	  "alert on broken graphics files (JPEG, TIFF, PNG, GIF)" },
	{ "alert_macros", FG_OPT_BOOL, "false", "alert on OLE2 files containing VBA macros" },
	{ "alert_exceeds_max", FG_OPT_BOOL, "false",
	  "alert (Heuristics.Limits.Exceeded.*) on files over max_file_size, max_scan_size, "
	  "max_files, max_recursion or max_scantime" },
	{ "alert_exceeds_scan_limits", FG_OPT_BOOL, "true",
	  "alert (Heuristics.Limits.Exceeded.*) when max_scantime, max_scan_size, max_files or "
	  "max_recursion cut a scan short: an archive bomb is denied in max_scantime instead of "
	  "outlasting timeout_ms; files and members over max_file_size are still skipped quietly "
	  "(alert_exceeds_max names those too)" },
	{ "alert_phishing_ssl", FG_OPT_BOOL, "false",
	  "alert on emails containing SSL mismatches in URLs" },
	{ "alert_phishing_cloak", FG_OPT_BOOL, "false", "alert on emails containing cloaked URLs" },
	{ "alert_partition_intersection", FG_OPT_BOOL, "false",
	  "alert on raw DMG image files containing partition intersections" },
	{ "scan_pe", FG_OPT_BOOL, "true", "parse PE files (unpackers included)" },
	{ "scan_elf", FG_OPT_BOOL, "true", "parse ELF files" },
	{ "scan_ole2", FG_OPT_BOOL, "true", "parse OLE2 containers (Office documents, .msi)" },
	{ "scan_pdf", FG_OPT_BOOL, "true", "parse PDF files" },
	{ "scan_swf", FG_OPT_BOOL, "true", "parse SWF files" },
	{ "scan_html", FG_OPT_BOOL, "true", "normalize and parse HTML files" },
	{ "scan_xmldocs", FG_OPT_BOOL, "true", "parse XML-based documents" },
	{ "scan_hwp3", FG_OPT_BOOL, "true", "parse HWP3 files" },
	{ "scan_onenote", FG_OPT_BOOL, "true", "parse OneNote files" },
	{ "scan_archive", FG_OPT_BOOL, "true", "unpack archives and compressed files" },
	{ "scan_mail", FG_OPT_BOOL, "true", "parse mail files and their attachments" },
	{ "scan_image", FG_OPT_BOOL, "true", "parse image (graphics) files" },
	{ "scan_image_fuzzy_hash", FG_OPT_BOOL, "true",
	  "detect image files by their fuzzy hashes" },

	/* database switches */
	{ "detect_pua", FG_OPT_BOOL, "false",
	  "load signatures for potentially unwanted applications" },
	{ "bytecode", FG_OPT_BOOL, "true", "load bytecode signatures" },
	{ "bytecode_unsigned", FG_OPT_BOOL, "false",
	  "load unsigned bytecode too: never from untrusted sources, it runs code" },
	{ "phishing_sigs", FG_OPT_BOOL, "true", "load signature-based phishing detection" },
	{ "phishing_scan_urls", FG_OPT_BOOL, "true", "load URL-based phishing detection" },
	{ "official_db_only", FG_OPT_BOOL, "false", "load only official ClamAV signatures" },
	{ NULL, 0, NULL, NULL },
};

/* An engine limit, the option that sets it and the values libclamav accepts. */
struct engine_limit {
	const char *option;
	enum cl_engine_field field;
	long long min;
	long long max;
};

/*
 * Recursion 0 is refused by libclamav, which then warns and silently uses its
 * default; a file size over INT_MAX - 2 is silently cut to it (others.c,
 * cl_engine_set_num): both are refused here instead.
 */
static const struct engine_limit engine_limits[] = {
	{ "max_file_size", CL_ENGINE_MAX_FILESIZE, 0, INT_MAX - 2 },
	{ "max_scan_size", CL_ENGINE_MAX_SCANSIZE, 0, LLONG_MAX },
	{ "max_files", CL_ENGINE_MAX_FILES, 0, UINT32_MAX },
	{ "max_recursion", CL_ENGINE_MAX_RECURSION, 1, UINT32_MAX },
	{ "max_scantime", CL_ENGINE_MAX_SCANTIME, 0, UINT32_MAX },
	{ "max_embeddedpe", CL_ENGINE_MAX_EMBEDDEDPE, 0, LLONG_MAX },
	{ "max_htmlnormalize", CL_ENGINE_MAX_HTMLNORMALIZE, 0, LLONG_MAX },
	{ "max_htmlnotags", CL_ENGINE_MAX_HTMLNOTAGS, 0, LLONG_MAX },
	{ "max_scriptnormalize", CL_ENGINE_MAX_SCRIPTNORMALIZE, 0, LLONG_MAX },
	{ "max_ziptypercg", CL_ENGINE_MAX_ZIPTYPERCG, 0, LLONG_MAX },
	{ "max_partitions", CL_ENGINE_MAX_PARTITIONS, 0, UINT32_MAX },
	{ "max_iconspe", CL_ENGINE_MAX_ICONSPE, 0, UINT32_MAX },
	{ "max_rechwp3", CL_ENGINE_MAX_RECHWP3, 0, UINT32_MAX },
	{ "pcre_match_limit", CL_ENGINE_PCRE_MATCH_LIMIT, 0, LLONG_MAX },
	{ "pcre_recmatch_limit", CL_ENGINE_PCRE_RECMATCH_LIMIT, 0, LLONG_MAX },
	{ "pcre_max_filesize", CL_ENGINE_PCRE_MAX_FILESIZE, 0, LLONG_MAX },
	{ "bytecode_timeout", CL_ENGINE_BYTECODE_TIMEOUT, 0, UINT32_MAX },
};

/* A boolean option and the flag it adds to one field of the scan or load options. */
struct switch_flag {
	const char *option;
	enum { GENERAL, PARSE, HEURISTIC, DATABASE } field;
	unsigned int flag;
};

/* As clamscan: an alert_* switch only adds flags, so alert_encrypted covers both kinds. */
static const struct switch_flag switch_flags[] = {
	{ "heuristic_alerts", GENERAL, CL_SCAN_GENERAL_HEURISTICS },
	{ "heuristic_scan_precedence", GENERAL, CL_SCAN_GENERAL_HEURISTIC_PRECEDENCE },
	{ "allmatch", GENERAL, CL_SCAN_GENERAL_ALLMATCHES },
	{ "alert_encrypted", HEURISTIC,
	  CL_SCAN_HEURISTIC_ENCRYPTED_ARCHIVE | CL_SCAN_HEURISTIC_ENCRYPTED_DOC },
	{ "alert_encrypted_archive", HEURISTIC, CL_SCAN_HEURISTIC_ENCRYPTED_ARCHIVE },
	{ "alert_encrypted_doc", HEURISTIC, CL_SCAN_HEURISTIC_ENCRYPTED_DOC },
	{ "alert_broken", HEURISTIC, CL_SCAN_HEURISTIC_BROKEN },
	{ "alert_broken_media", HEURISTIC, CL_SCAN_HEURISTIC_BROKEN_MEDIA },
	{ "alert_macros", HEURISTIC, CL_SCAN_HEURISTIC_MACROS },
	{ "alert_exceeds_max", HEURISTIC, CL_SCAN_HEURISTIC_EXCEEDS_MAX },
	{ "alert_exceeds_scan_limits", HEURISTIC, CL_SCAN_HEURISTIC_EXCEEDS_MAX },
	{ "alert_phishing_ssl", HEURISTIC, CL_SCAN_HEURISTIC_PHISHING_SSL_MISMATCH },
	{ "alert_phishing_cloak", HEURISTIC, CL_SCAN_HEURISTIC_PHISHING_CLOAK },
	{ "alert_partition_intersection", HEURISTIC, CL_SCAN_HEURISTIC_PARTITION_INTXN },
	{ "scan_pe", PARSE, CL_SCAN_PARSE_PE },
	{ "scan_elf", PARSE, CL_SCAN_PARSE_ELF },
	{ "scan_ole2", PARSE, CL_SCAN_PARSE_OLE2 },
	{ "scan_pdf", PARSE, CL_SCAN_PARSE_PDF },
	{ "scan_swf", PARSE, CL_SCAN_PARSE_SWF },
	{ "scan_html", PARSE, CL_SCAN_PARSE_HTML },
	{ "scan_xmldocs", PARSE, CL_SCAN_PARSE_XMLDOCS },
	{ "scan_hwp3", PARSE, CL_SCAN_PARSE_HWP3 },
	{ "scan_onenote", PARSE, CL_SCAN_PARSE_ONENOTE },
	{ "scan_archive", PARSE, CL_SCAN_PARSE_ARCHIVE },
	{ "scan_mail", PARSE, CL_SCAN_PARSE_MAIL },
	{ "scan_image", PARSE, CL_SCAN_PARSE_IMAGE },
	{ "scan_image_fuzzy_hash", PARSE, CL_SCAN_PARSE_IMAGE_FUZZY_HASH },
	{ "detect_pua", DATABASE, CL_DB_PUA },
	{ "bytecode", DATABASE, CL_DB_BYTECODE },
	{ "bytecode_unsigned", DATABASE, CL_DB_BYTECODE_UNSIGNED },
	{ "phishing_sigs", DATABASE, CL_DB_PHISHING },
	{ "phishing_scan_urls", DATABASE, CL_DB_PHISHING_URLS },
	{ "official_db_only", DATABASE, CL_DB_OFFICIAL_ONLY },
};

#define N_ENGINE_LIMITS (sizeof(engine_limits) / sizeof(engine_limits[0]))
#define N_SWITCH_FLAGS (sizeof(switch_flags) / sizeof(switch_flags[0]))

static bool option_is_set(const struct fg_host_api *host, const struct fg_options *opts,
			  const char *name)
{
	unsigned line = 0;
	const char *origin = host->opt_origin(opts, name, &line);

	return line != 0 || (origin && origin[0]);
}

/* "FILE:LINE: " where the config set the option, "" when it was not set there. */
static void option_place(const struct fg_host_api *host, const struct fg_options *opts,
			 const char *name, char *buf, size_t size)
{
	unsigned line = 0;
	const char *origin = host->opt_origin(opts, name, &line);

	if (origin && origin[0])
		snprintf(buf, size, "%s:%u: ", origin, line);
	else
		buf[0] = '\0';
}

/*
 * max_scantime, unset: half of the time an open waits for its verdict, so that
 * libclamav stops a file that keeps it busy (an archive bomb) and answers
 * with a verdict, not the open's deadline with on_timeout. The other half is
 * for the wait in the queue and the other plugins. -1: keep libclamav's own.
 */
static long long default_scantime(const struct fg_host_api *host, const struct fg_options *opts)
{
	unsigned timeout_ms = FG_HAS_FIELD(host, struct fg_host_api, timeout_ms) && host->timeout_ms
				      ? host->timeout_ms(opts)
				      : 0;

	if (!timeout_ms)
		return -1;
	return timeout_ms / 2 ? timeout_ms / 2 : 1;
}

/* A max_scantime the admin set that lets a slow file outlast the open's deadline. */
static void warn_scantime(const struct fg_host_api *host, const struct fg_options *opts,
			  const char *place, long long value)
{
	long long wait = default_scantime(host, opts) == -1 ? 0 : host->timeout_ms(opts);

	if (wait && (value == 0 || value >= wait))
		host->log(
			opts, FG_LOG_WARNING,
			"%smax_scantime %lld is not below verdict.timeout_ms %lld: a file that keeps "
			"libclamav busy that long (an archive bomb) is answered by on_timeout",
			place, value, wait);
}

int clamav_set_limits(struct cl_engine *engine, const struct fg_host_api *host,
		      const struct fg_options *opts, char *err, size_t err_size)
{
	char place[512];
	cl_error_t rc;

	for (size_t i = 0; i < N_ENGINE_LIMITS; i++) {
		const struct engine_limit *lim = &engine_limits[i];
		long long value;

		option_place(host, opts, lim->option, place, sizeof(place));
		if (option_is_set(host, opts, lim->option))
			value = host->opt_int(opts, lim->option);
		else if (lim->field == CL_ENGINE_MAX_SCANTIME)
			value = default_scantime(host, opts);
		else
			continue;
		if (value == -1)
			continue;
		if (value < lim->min || value > lim->max) {
			snprintf(err, err_size, "%s%s: %lld is not between %lld and %lld", place,
				 lim->option, value, lim->min, lim->max);
			return -1;
		}
		if ((rc = cl_engine_set_num(engine, lim->field, value)) != CL_SUCCESS) {
			snprintf(err, err_size, "%scannot set ClamAV limit %s: %s", place,
				 lim->option, cl_strerror(rc));
			return -1;
		}
		if (lim->field == CL_ENGINE_MAX_SCANTIME)
			warn_scantime(host, opts, place, value);
	}
	return 0;
}

void clamav_log_limits(const struct cl_engine *engine, const struct fg_host_api *host,
		       const struct fg_options *opts)
{
	char line[800];
	size_t len = 0;
	int err;

	for (size_t i = 0; i < N_ENGINE_LIMITS && len < sizeof(line); i++) {
		const struct engine_limit *lim = &engine_limits[i];
		long long value = cl_engine_get_num(engine, lim->field, &err);

		len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s %lld%s",
					i ? ", " : "", lim->option, value,
					option_is_set(host, opts, lim->option) ? " (set)" : "");
	}
	host->log(opts, FG_LOG_INFO, "limits, libclamav's own unless (set): %s%s", line,
		  option_is_set(host, opts, "max_scantime") || default_scantime(host, opts) == -1
			  ? ""
			  : " (max_scantime: half of timeout_ms)");
}

void clamav_switches(const struct fg_host_api *host, const struct fg_options *opts,
		     struct cl_scan_options *scan, unsigned int *dboptions)
{
	memset(scan, 0, sizeof(*scan));
	*dboptions = 0;
	for (size_t i = 0; i < N_SWITCH_FLAGS; i++) {
		const struct switch_flag *sw = &switch_flags[i];

		if (!host->opt_bool(opts, sw->option))
			continue;
		switch (sw->field) {
		case GENERAL: scan->general |= sw->flag; break;
		case PARSE: scan->parse |= sw->flag; break;
		case HEURISTIC: scan->heuristic |= sw->flag; break;
		case DATABASE: *dboptions |= sw->flag; break;
		}
	}
}
