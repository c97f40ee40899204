#include "cli/cmd_import_clamd.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/textbuf.h"

#define LINE_MAX_LEN 4096

/* What the clamav plugin calls clamd's scan settings: same meaning, same units. */
static const struct plugin_option {
	const char *clamd, *fanguard;
	enum { OPT_BOOL, OPT_SIZE, OPT_NUMBER } type;
} clamav_options[] = {
	{ "MaxFileSize", "max_file_size", OPT_SIZE },
	{ "MaxScanSize", "max_scan_size", OPT_SIZE },
	{ "MaxFiles", "max_files", OPT_NUMBER },
	{ "MaxRecursion", "max_recursion", OPT_NUMBER },
	{ "MaxScanTime", "max_scantime", OPT_NUMBER },
	{ "MaxEmbeddedPE", "max_embeddedpe", OPT_SIZE },
	{ "MaxHTMLNormalize", "max_htmlnormalize", OPT_SIZE },
	{ "MaxHTMLNoTags", "max_htmlnotags", OPT_SIZE },
	{ "MaxScriptNormalize", "max_scriptnormalize", OPT_SIZE },
	{ "MaxZipTypeRcg", "max_ziptypercg", OPT_SIZE },
	{ "MaxPartitions", "max_partitions", OPT_NUMBER },
	{ "MaxIconsPE", "max_iconspe", OPT_NUMBER },
	{ "MaxRecHWP3", "max_rechwp3", OPT_NUMBER },
	{ "PCREMatchLimit", "pcre_match_limit", OPT_NUMBER },
	{ "PCRERecMatchLimit", "pcre_recmatch_limit", OPT_NUMBER },
	{ "PCREMaxFileSize", "pcre_max_filesize", OPT_SIZE },
	{ "BytecodeTimeout", "bytecode_timeout", OPT_NUMBER },
	{ "HeuristicAlerts", "heuristic_alerts", OPT_BOOL },
	{ "HeuristicScanPrecedence", "heuristic_scan_precedence", OPT_BOOL },
	{ "AllowAllMatchScan", NULL, OPT_BOOL }, /* clamd's per-command switch, not allmatch */
	{ "AlertBrokenExecutables", "alert_broken", OPT_BOOL },
	{ "AlertBrokenMedia", "alert_broken_media", OPT_BOOL },
	{ "AlertEncrypted", "alert_encrypted", OPT_BOOL },
	{ "AlertEncryptedArchive", "alert_encrypted_archive", OPT_BOOL },
	{ "AlertEncryptedDoc", "alert_encrypted_doc", OPT_BOOL },
	{ "AlertOLE2Macros", "alert_macros", OPT_BOOL },
	{ "AlertExceedsMax", "alert_exceeds_max", OPT_BOOL },
	{ "AlertPhishingSSLMismatch", "alert_phishing_ssl", OPT_BOOL },
	{ "AlertPhishingCloak", "alert_phishing_cloak", OPT_BOOL },
	{ "AlertPartitionIntersection", "alert_partition_intersection", OPT_BOOL },
	{ "ScanPE", "scan_pe", OPT_BOOL },
	{ "ScanELF", "scan_elf", OPT_BOOL },
	{ "ScanOLE2", "scan_ole2", OPT_BOOL },
	{ "ScanPDF", "scan_pdf", OPT_BOOL },
	{ "ScanSWF", "scan_swf", OPT_BOOL },
	{ "ScanHTML", "scan_html", OPT_BOOL },
	{ "ScanXMLDOCS", "scan_xmldocs", OPT_BOOL },
	{ "ScanHWP3", "scan_hwp3", OPT_BOOL },
	{ "ScanOneNote", "scan_onenote", OPT_BOOL },
	{ "ScanArchive", "scan_archive", OPT_BOOL },
	{ "ScanMail", "scan_mail", OPT_BOOL },
	{ "ScanImage", "scan_image", OPT_BOOL },
	{ "ScanImageFuzzyHash", "scan_image_fuzzy_hash", OPT_BOOL },
	{ "DetectPUA", "detect_pua", OPT_BOOL },
	{ "Bytecode", "bytecode", OPT_BOOL },
	{ "PhishingSignatures", "phishing_sigs", OPT_BOOL },
	{ "PhishingScanURLs", "phishing_scan_urls", OPT_BOOL },
	{ "OfficialDatabaseOnly", "official_db_only", OPT_BOOL },
};

/* The clamonacc settings fanguard does its own way, and why there is nothing to set. */
static const struct no_equivalent {
	const char *clamd, *why;
} explained[] = {
	{ "OnAccessMountPath",
	  "fanguard marks the filesystem of every watch path: list the mount point in watch.paths" },
	{ "OnAccessExtraScanning",
	  "fanguard's filesystem marks cover new folders and files at once" },
	{ "OnAccessDisableDDD", "fanguard has no dynamic directory determination to turn off" },
	{ "OnAccessCurlTimeout", "fanguard scans in its own processes, not through clamd" },
	{ "OnAccessRetryAttempts", "a scan is not retried; verdict.on_error decides a failed one" },
	{ "OnAccessMaxThreads", "see scan.workers (scan threads per scanner process)" },
	{ "TemporaryDirectory",
	  "the clamav plugin's tmpdir (default: a private folder on /dev/shm)" },
	{ "SelfCheck",
	  "fanguard reload (or SIGHUP) loads new signatures; see the migration guide" },
	{ "User", "fanguard's scanners run as scan.user (fanguard-scan)" },
	{ "LocalSocket", "clamd's socket: fanguard needs no clamd (the clamd plugin can use one)" },
	{ "TCPSocket", "clamd's socket: fanguard needs no clamd (the clamd plugin can use one)" },
	{ "LogFile", "fanguardd logs to stderr (the journal) and, with log.syslog, to syslog" },
	{ "LogSyslog", "see log.syslog" },
	{ "ExtendedDetectionInfo", "fanguard's log and event log always name plugin and threat" },
	{ "DisableCache",
	  "see scan.cache_size (0: no verdict cache; kernel ignore marks come with it)" },
};

struct import {
	const char *file;
	struct textbuf watch, verdict, clamav, skipped;
	char database[LINE_MAX_LEN];
	unsigned database_line;
	int prevention; /* -1 unset, 0 no, 1 yes */
	unsigned prevention_line;
	char err[LINE_MAX_LEN + 256];
};

static int fail(struct import *im, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct import *im, unsigned line, const char *fmt, ...)
{
	char msg[LINE_MAX_LEN + 128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(im->err, sizeof(im->err), "%s:%u: %s", im->file, line, msg);
	return -1;
}

static int parse_bool(struct import *im, unsigned line, const char *name, const char *v, bool *out)
{
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1")) {
		*out = true;
		return 0;
	}
	if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcmp(v, "0")) {
		*out = false;
		return 0;
	}
	return fail(im, line, "%s: '%s' is not yes, no, true or false", name, v);
}

/* clamd's sizes: a number of bytes, or with a K or M suffix (kibibytes, mebibytes). */
static int parse_size(struct import *im, unsigned line, const char *name, const char *v,
		      bool suffix_ok, unsigned long long *out)
{
	unsigned long long n, mult = 1;
	char *end;

	errno = 0;
	n = strtoull(v, &end, 10);
	if (end != v && suffix_ok && end[0] && !end[1]) {
		if (*end == 'k' || *end == 'K')
			mult = 1024, end++;
		else if (*end == 'm' || *end == 'M')
			mult = 1024 * 1024, end++;
	}
	if (end == v || *end || errno || !isdigit((unsigned char)v[0]) || n > ~0ULL / mult)
		return fail(im, line, "%s: '%s' is not %s", name, v,
			    suffix_ok ? "a size (a number, optionally with K or M)" : "a number");
	*out = n * mult;
	return 0;
}

/*
 * v as a double-quoted libconfuse string that reads back as v: '"' and '\\'
 * escaped, and '$' too, since libconfuse expands ${VAR} and ${VAR:-default}
 * in double quotes (clamd takes "/srv/${X:-}" literally; unescaped, fanguardd
 * would read "/srv/" and exclude the whole folder).
 */
static void quoted(struct textbuf *tb, const char *v)
{
	textbuf_printf(tb, "\"");
	for (; *v; v++)
		textbuf_printf(tb, *v == '"' || *v == '\\' || *v == '$' ? "\\%c" : "%c", *v);
	textbuf_printf(tb, "\"");
}

/* One `Name value` line of watch's lists: paths must be absolute, as clamonacc requires. */
static int add_list_item(struct import *im, struct textbuf *tb, const char *key, const char *name,
			 const char *v, unsigned line, bool path)
{
	if (path && v[0] != '/')
		return fail(im, line, "%s: '%s' is not an absolute path", name, v);
	textbuf_printf(tb, "  %s += {", key);
	quoted(tb, v);
	textbuf_printf(tb, "}    # %s, line %u\n", name, line);
	return 0;
}

static int take_on_access(struct import *im, const char *name, const char *v, unsigned line)
{
	unsigned long long n;
	bool b;

	if (!strcmp(name, "OnAccessIncludePath"))
		return add_list_item(im, &im->watch, "paths", name, v, line, true);
	if (!strcmp(name, "OnAccessExcludePath"))
		return add_list_item(im, &im->watch, "exclude", name, v, line, true);
	if (!strcmp(name, "OnAccessExcludeUID")) {
		if (parse_size(im, line, name, v, false, &n) < 0)
			return -1;
		return add_list_item(im, &im->watch, "exclude_uid", name, v, line, false);
	}
	if (!strcmp(name, "OnAccessExcludeUname"))
		return add_list_item(im, &im->watch, "exclude_uid", name, v, line, false);
	if (!strcmp(name, "OnAccessExcludeRootUID")) {
		if (parse_bool(im, line, name, v, &b) < 0)
			return -1;
		if (b)
			return add_list_item(im, &im->watch, "exclude_uid", name, "0", line, false);
		return 0;
	}
	if (!strcmp(name, "OnAccessMaxFileSize")) {
		if (parse_size(im, line, name, v, true, &n) < 0)
			return -1;
		textbuf_printf(&im->watch,
			       "  max_file_size = %llu    # %s %s, line %u (larger files: "
			       "verdict.on_too_large)\n",
			       n, name, v, line);
		return 0;
	}
	if (!strcmp(name, "OnAccessPrevention")) {
		if (parse_bool(im, line, name, v, &b) < 0)
			return -1;
		im->prevention = b;
		im->prevention_line = line;
		return 0;
	}
	if (!strcmp(name, "OnAccessDenyOnError")) {
		if (parse_bool(im, line, name, v, &b) < 0)
			return -1;
		textbuf_printf(&im->verdict, "  on_error = \"%s\"    # %s %s, line %u\n",
			       b ? "deny" : "allow", name, v, line);
		if (b)
			textbuf_printf(&im->verdict,
				       "  # on_timeout = \"deny\"    # clamonacc also denied on a "
				       "scan timeout; fanguard's default allows\n");
		return 0;
	}
	return 1; /* not one fanguard maps */
}

static int take_clamav(struct import *im, const char *name, const char *v, unsigned line)
{
	unsigned long long n;
	bool b;

	if (!strcmp(name, "DatabaseDirectory")) {
		if (v[0] != '/')
			return fail(im, line, "%s: '%s' is not an absolute path", name, v);
		snprintf(im->database, sizeof(im->database), "%s", v);
		im->database_line = line;
		return 0;
	}
	for (size_t i = 0; i < sizeof(clamav_options) / sizeof(clamav_options[0]); i++) {
		const struct plugin_option *o = &clamav_options[i];

		if (strcmp(name, o->clamd) != 0)
			continue;
		if (o->type == OPT_BOOL) {
			if (parse_bool(im, line, name, v, &b) < 0)
				return -1;
			if (!o->fanguard)
				return 1;
			textbuf_printf(&im->clamav, "  %s = %s    # %s, line %u\n", o->fanguard,
				       b ? "true" : "false", name, line);
			return 0;
		}
		if (parse_size(im, line, name, v, o->type == OPT_SIZE, &n) < 0)
			return -1;
		textbuf_printf(&im->clamav, "  %s = %llu    # %s %s, line %u\n", o->fanguard, n,
			       name, v, line);
		return 0;
	}
	return 1;
}

static void note_skipped(struct import *im, const char *name, const char *v, unsigned line)
{
	const char *why = "no equivalent in fanguard";

	for (size_t i = 0; i < sizeof(explained) / sizeof(explained[0]); i++)
		if (!strcmp(name, explained[i].clamd))
			why = explained[i].why;
	textbuf_printf(&im->skipped, "#   line %u: %s %s -- %s\n", line, name, v, why);
}

/* Splits `Name value` (value trimmed, surrounding double quotes dropped); 0 or -1. */
static int split_line(struct import *im, char *text, unsigned line, char **name, char **value)
{
	char *p = text, *end;

	while (isspace((unsigned char)*p))
		p++;
	*name = p;
	while (*p && !isspace((unsigned char)*p))
		p++;
	if (*p)
		*p++ = '\0';
	while (isspace((unsigned char)*p))
		p++;
	end = p + strlen(p);
	while (end > p && isspace((unsigned char)end[-1]))
		*--end = '\0';
	if (end - p >= 2 && p[0] == '"' && end[-1] == '"') {
		end[-1] = '\0';
		p++;
	}
	*value = p;
	if (!strcmp(*name, "Example"))
		return fail(im, line,
			    "the sample's 'Example' line is still there; clamd refuses "
			    "such a file (remove the line)");
	for (const char *c = *name; *c; c++)
		if (!isalnum((unsigned char)*c))
			return fail(im, line, "'%s' is not an option name", *name);
	if (!**value)
		return fail(im, line, "%s: no value (clamd.conf lines are `Option value`)", *name);
	return 0;
}

static int read_clamd_conf(struct import *im, FILE *in)
{
	char text[LINE_MAX_LEN + 2], *name, *value;
	unsigned line = 0;
	int rc;

	while (fgets(text, sizeof(text), in)) {
		line++;
		if (!strchr(text, '\n') && !feof(in))
			return fail(im, line, "line longer than %d bytes", LINE_MAX_LEN);
		text[strcspn(text, "\r\n")] = '\0';
		if (text[strspn(text, " \t")] == '#' || text[strspn(text, " \t")] == '\0')
			continue;
		if (split_line(im, text, line, &name, &value) < 0)
			return -1;
		rc = take_on_access(im, name, value, line);
		if (rc == 1)
			rc = take_clamav(im, name, value, line);
		if (rc < 0)
			return -1;
		if (rc == 1)
			note_skipped(im, name, value, line);
	}
	if (ferror(in))
		return fail(im, line, "read error");
	return 0;
}

static void print_config(struct import *im)
{
	char db_text[LINE_MAX_LEN * 2 + 8];
	struct textbuf db;

	printf("# fanguard.conf made by `fanguard import-clamd-conf %s`.\n"
	       "# Review it, then check it with `fanguardd -t -c FILE`; see\n"
	       "# docs/migrating-from-clamonacc.md for what differs.\n",
	       im->file);
	printf("watch {\n%s}\n",
	       im->watch.len ? im->watch.buf : "  # no OnAccessIncludePath: add paths = {...}\n");
	printf("verdict {\n");
	if (im->prevention == 1)
		printf("  # OnAccessPrevention yes, line %u: fanguard denies detected files "
		       "(its default)\n",
		       im->prevention_line);
	else
		printf("  # OnAccessPrevention %s: clamonacc only reported detections;\n"
		       "  # so does report mode (set \"block\" to deny detected files)\n"
		       "  mode = \"report\"\n",
		       im->prevention == 0 ? "no" : "not set (clamonacc's default: no)");
	printf("%s}\n", im->verdict.len ? im->verdict.buf : "");
	textbuf_init(&db, db_text, sizeof(db_text));
	quoted(&db, im->database[0] ? im->database : "/var/lib/clamav");
	printf("plugin clamav {\n  database = {%s}", db_text);
	if (im->database_line)
		printf("    # DatabaseDirectory, line %u\n", im->database_line);
	else
		printf("    # clamd's default DatabaseDirectory\n");
	printf("%s}\n", im->clamav.len ? im->clamav.buf : "");
	if (im->skipped.len)
		printf("# Not carried over from %s:\n%s", im->file, im->skipped.buf);
}

/* textbuf truncates: a buffer this full may have lost a setting */
static bool full(const struct textbuf *tb)
{
	return tb->len + 1 >= tb->size;
}

int cmd_import_clamd_conf(int argc, char **argv)
{
	static char watch[65536], verdict[4096], clamav[16384], skipped[65536];
	struct import im = { .prevention = -1 };
	FILE *in;
	int rc;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: fanguard import-clamd-conf CLAMD.CONF > fanguard.conf\n");
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: fanguard import-clamd-conf CLAMD.CONF > fanguard.conf\n");
		return 2;
	}
	im.file = argv[1];
	textbuf_init(&im.watch, watch, sizeof(watch));
	textbuf_init(&im.verdict, verdict, sizeof(verdict));
	textbuf_init(&im.clamav, clamav, sizeof(clamav));
	textbuf_init(&im.skipped, skipped, sizeof(skipped));
	if (!(in = fopen(im.file, "re"))) {
		fprintf(stderr, "fanguard import-clamd-conf: %s: %s\n", im.file, strerror(errno));
		return 2;
	}
	rc = read_clamd_conf(&im, in);
	fclose(in);
	if (rc == 0 &&
	    (full(&im.watch) || full(&im.clamav) || full(&im.skipped) || full(&im.verdict))) {
		snprintf(im.err, sizeof(im.err), "%s: too many settings", im.file);
		rc = -1;
	}
	if (rc != 0) {
		fprintf(stderr, "fanguard import-clamd-conf: %s\n", im.err);
		return 2;
	}
	print_config(&im);
	return 0;
}
