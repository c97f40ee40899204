/*
 * yara: matches files against YARA rules compiled once at init. The compiled
 * rules are shared read-only; each scan thread owns a YR_SCANNER, which holds
 * the per-scan match state and external variables. A file is reported as the
 * `yara` command reports it: every matching rule, by its identifier, in rule
 * order, without fast mode.
 */
#define _POSIX_C_SOURCE 200809L /* scandir, O_CLOEXEC under -std=c11 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <yara.h>

#include "fanguard/plugin.h"
#include "yara_compact.h"
#include "yara_externals.h"

struct yara_state {
	const struct fg_host_api *host;
	const struct fg_options *opts;
	YR_RULES *rules;
	uint64_t rule_count;
	int timeout;                     /* seconds; 0 disables the limit */
	int scan_flags;                  /* SCAN_FLAGS_* */
	uint64_t max_file_size;          /* bytes; 0: no limit */
	const char *threat_meta;         /* meta naming a rule's threat instead of it, or NULL */
	struct yara_externals externals; /* built-in and `define`d external variables */
	bool by_name; /* a rule reads filename, filepath, extension or owner: verdicts per name */
	int yr_initialized; /* yr_initialize succeeded and wants its yr_finalize */
};

/* Rule files to compile, in load order. */
struct rule_files {
	char **paths;
	size_t count;
	size_t cap;
};

/* What the compiler callback saw while one file was added. */
struct compile_log {
	struct yara_state *st;
	const char *path; /* file being added, for diagnostics without a file name */
	int errors;
	char first[FG_THREAT_MAX];
	char include_error[1200]; /* why an include was refused: it names the file */
};

/* Thread context; also the scan callback's user data. */
struct yara_thread {
	YR_SCANNER *scanner;
	const YR_RULE **matches; /* the current scan's matching rules, in libyara's order */
	size_t n_matches;        /* of them stored in matches */
	size_t cap;              /* room in matches */
	size_t matched;          /* all of them: more than n_matches if growing matches failed */
	int timeout;             /* the current scan's limit in seconds; 0: none */
};

static const struct fg_option_spec yara_options[] = {
	{ "rules", FG_OPT_PATH_LIST, NULL,
	  "YARA rule files, or directories whose *.yar and *.yara files are loaded recursively" },
	{ "timeout", FG_OPT_INT, "5", "seconds one scan may take, 0 for no limit" },
	{ "fast_mode", FG_OPT_BOOL, "false",
	  "stop searching a string after its first match, as yara -f; off, as yara without -f" },
	{ "define", FG_OPT_STRING_LIST, NULL,
	  "external variables NAME=VALUE, typed as yara -d types them (true/false, integer, "
	  "float, else a string; a value in double quotes is a string); fixed for every file" },
	{ "threat_name_meta", FG_OPT_STRING, "",
	  "meta whose string names a matching rule instead of its identifier; empty for none" },
	{ "max_file_size", FG_OPT_INT, "0",
	  "largest file in bytes the rules see, 0 for no limit; larger files are not scanned" },
	{ NULL, 0, NULL, NULL },
};

static int rule_files_add(struct rule_files *files, const char *path, char *err, size_t err_size)
{
	char **grown;

	if (files->count == files->cap) {
		size_t cap = files->cap ? files->cap * 2 : 16;

		if (!(grown = realloc(files->paths, cap * sizeof(*grown)))) {
			snprintf(err, err_size, "%s", strerror(errno));
			return -1;
		}
		files->paths = grown;
		files->cap = cap;
	}
	if (!(files->paths[files->count] = strdup(path))) {
		snprintf(err, err_size, "%s", strerror(errno));
		return -1;
	}
	files->count++;
	return 0;
}

static void rule_files_free(struct rule_files *files)
{
	for (size_t i = 0; i < files->count; i++)
		free(files->paths[i]);
	free(files->paths);
	memset(files, 0, sizeof(*files));
}

static int has_rule_suffix(const char *name)
{
	size_t len = strlen(name);

	return (len > 4 && strcmp(name + len - 4, ".yar") == 0) ||
	       (len > 5 && strcmp(name + len - 5, ".yara") == 0);
}

/* Byte order, not alphasort's strcoll: the load order must not depend on the locale. */
static int compare_names(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/*
 * Hidden entries are skipped (VCS metadata, editor droppings). Symlinks to files
 * are followed, symlinks to directories are not, so a link cannot make a loop.
 */
static int collect_dir(struct rule_files *files, const char *dir, char *err, size_t err_size)
{
	struct dirent **entries;
	struct stat sb;
	char path[PATH_MAX];
	int n, i, rc = 0;

	if ((n = scandir(dir, &entries, NULL, compare_names)) == -1) {
		snprintf(err, err_size, "%s: %s", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < n && rc == 0; i++) {
		const char *name = entries[i]->d_name;

		if (name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path)) {
			snprintf(err, err_size, "%s/%s: path too long", dir, name);
			rc = -1;
		} else if (lstat(path, &sb) == -1) {
			snprintf(err, err_size, "%s: %s", path, strerror(errno));
			rc = -1;
		} else if (S_ISDIR(sb.st_mode)) {
			rc = collect_dir(files, path, err, err_size);
		} else if (has_rule_suffix(name) && stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
			rc = rule_files_add(files, path, err, err_size);
		}
	}
	for (i = 0; i < n; i++)
		free(entries[i]);
	free(entries);
	return rc;
}

/* A path named in the option is loaded whatever its suffix: the user asked for it. */
static int collect_path(struct rule_files *files, const char *path, char *err, size_t err_size)
{
	struct stat sb;

	if (stat(path, &sb) == -1) {
		snprintf(err, err_size, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(sb.st_mode))
		return collect_dir(files, path, err, err_size);
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, err_size, "%s: not a regular file or directory", path);
		return -1;
	}
	return rule_files_add(files, path, err, err_size);
}

/* "no YARA rules found in A, B": names what the user configured, not what was walked. */
static void no_rules_error(struct yara_state *st, char *err, size_t err_size)
{
	size_t n = st->host->opt_list_count(st->opts, "rules");
	size_t len;

	if (n == 0) {
		snprintf(err, err_size, "no YARA rules found in option \"rules\": it is empty");
		return;
	}
	len = (size_t)snprintf(err, err_size, "no YARA rules found in");
	for (size_t i = 0; i < n && len < err_size; i++) {
		const char *item = st->host->opt_list_item(st->opts, "rules", i);

		len += (size_t)snprintf(err + len, err_size - len, "%s %s", i ? "," : "",
					item ? item : "?");
	}
}

static int collect_rule_files(struct yara_state *st, struct rule_files *files, char *err,
			      size_t err_size)
{
	size_t n = st->host->opt_list_count(st->opts, "rules");

	for (size_t i = 0; i < n; i++) {
		const char *path = st->host->opt_list_item(st->opts, "rules", i);

		if (!path) {
			snprintf(err, err_size, "rules: item %zu missing", i);
			return -1;
		}
		if (collect_path(files, path, err, err_size) == -1)
			return -1;
	}
	if (files->count == 0) {
		no_rules_error(st, err, err_size);
		return -1;
	}
	return 0;
}

static void compiler_callback(int level, const char *file, int line, const YR_RULE *rule,
			      const char *message, void *user_data)
{
	struct compile_log *log = user_data;

	if (!file)
		file = log->path;
	if (level == YARA_ERROR_LEVEL_WARNING) {
		log->st->host->log(log->st->opts, FG_LOG_WARNING, "%s:%d: %s", file, line, message);
		return;
	}
	if (log->errors++ == 0)
		snprintf(log->first, sizeof(log->first), "%s:%d: %s", file, line, message);
}

/*
 * `include "x.yar"`: read here rather than by libyara, so the included file
 * passes the host's trust check like the files the rules option names (an
 * include anyone could write would let anyone turn rules off). Relative
 * names resolve against the including file's folder, as libyara's own do.
 */
static const char *include_callback(const char *name, const char *calling_file, const char *ns,
				    void *user_data)
{
	struct compile_log *log = user_data;
	const struct fg_host_api *host = log->st->host;
	char path[PATH_MAX], err[512];
	const char *slash = calling_file ? strrchr(calling_file, '/') : NULL;
	struct stat sb;
	char *text = NULL;
	int fd;

	(void)ns;
	if (name[0] == '/' || !slash)
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - calling_file), calling_file,
			 name);
	if (FG_HAS_FIELD(host, struct fg_host_api, check_data_file) &&
	    host->check_data_file(log->st->opts, path, err, sizeof(err)) != 0) {
		snprintf(log->include_error, sizeof(log->include_error),
			 "include \"%.200s\": %.600s", name, err);
		return NULL;
	}
	errno = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 || fstat(fd, &sb) != 0 ||
	    !S_ISREG(sb.st_mode) || !(text = malloc((size_t)sb.st_size + 1)) ||
	    read(fd, text, (size_t)sb.st_size) != sb.st_size) {
		snprintf(log->include_error, sizeof(log->include_error),
			 "include \"%.200s\": %.600s: %.200s", name, path,
			 errno ? strerror(errno) : "cannot read it");
		free(text);
		text = NULL;
	} else {
		text[sb.st_size] = '\0';
		if (!log->st->by_name)
			log->st->by_name = yara_externals_named_in(&log->st->externals, text,
								   (size_t)sb.st_size);
	}
	if (fd >= 0)
		close(fd);
	return text;
}

static void include_free(const char *text, void *user_data)
{
	(void)user_data;
	free((void *)text);
}

/*
 * Whether the rules read the file's name or owner: then a verdict holds for
 * one name of the inode only, and the host must not remember it. A file that
 * cannot be mapped here is assumed to (yr_compiler_add_fd reports its error).
 */
static void note_name_use(struct yara_state *st, int fd)
{
	struct stat sb;
	void *text;

	if (st->by_name)
		return;
	if (fstat(fd, &sb) != 0 || sb.st_size == 0)
		return;
	text = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (text == MAP_FAILED) {
		st->by_name = true;
		return;
	}
	st->by_name = yara_externals_named_in(&st->externals, text, (size_t)sb.st_size);
	munmap(text, (size_t)sb.st_size);
}

/*
 * The namespace is the file's path, so two files may each define a rule of the
 * same name. libyara asserts if a file is added after one failed: stop at the
 * first file with errors.
 */
static int compile_file(YR_COMPILER *compiler, struct compile_log *log, const char *path, char *err,
			size_t err_size)
{
	int fd, errors;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, err_size, "%s: %s", path, strerror(errno));
		return -1;
	}
	log->path = path;
	log->errors = 0;
	note_name_use(log->st, fd);
	errors = yr_compiler_add_fd(compiler, fd, path, path);
	close(fd);
	if (errors == 0)
		return 0;
	if (log->include_error[0]) {
		snprintf(err, err_size, "%s: %s", path, log->include_error);
		return -1;
	}
	if (log->errors == 0) /* not reported through the callback */
		snprintf(log->first, sizeof(log->first), "%s: %s", path,
			 yr_compiler_get_error_message(compiler, err, err_size));
	if (log->errors > 1)
		snprintf(err, err_size, "%s (and %d more error%s)", log->first, log->errors - 1,
			 log->errors > 2 ? "s" : "");
	else
		snprintf(err, err_size, "%s", log->first);
	return -1;
}

static int compile_rules(struct yara_state *st, const struct rule_files *files, char *err,
			 size_t err_size)
{
	YR_COMPILER *compiler;
	struct compile_log log = { .st = st };
	int rc;

	if ((rc = yr_compiler_create(&compiler)) != ERROR_SUCCESS) {
		snprintf(err, err_size, "cannot create YARA compiler: error %d", rc);
		return -1;
	}
	yr_compiler_set_callback(compiler, compiler_callback, &log);
	yr_compiler_set_include_callback(compiler, include_callback, include_free, &log);
	/* before the first file: a rule naming an undefined identifier does not compile */
	if (yara_externals_define(&st->externals, compiler, st->host, st->opts, "define", err,
				  err_size) == -1) {
		yr_compiler_destroy(compiler);
		return -1;
	}
	for (size_t i = 0; i < files->count; i++) {
		if (compile_file(compiler, &log, files->paths[i], err, err_size) == -1) {
			yr_compiler_destroy(compiler);
			return -1;
		}
	}
	if ((rc = yr_compiler_get_rules(compiler, &st->rules)) != ERROR_SUCCESS)
		snprintf(err, err_size, "cannot build YARA rules: error %d", rc);
	yr_compiler_destroy(compiler);
	if (rc != ERROR_SUCCESS)
		return -1;
	if (yara_compact_rules(&st->rules) != 0)
		st->host->log(
			st->opts, FG_LOG_WARNING,
			"could not compact the compiled rules; they use more memory than needed");
	return 0;
}

static uint64_t count_rules(YR_RULES *rules)
{
	YR_RULE *rule;
	uint64_t n = 0;

	yr_rules_foreach(rules, rule) n++;
	return n;
}

static int read_scan_options(struct yara_state *st, char *err, size_t err_size)
{
	long long timeout = st->host->opt_int(st->opts, "timeout");
	long long max_size = st->host->opt_int(st->opts, "max_file_size");
	const char *meta = st->host->opt_string(st->opts, "threat_name_meta");

	if (timeout < 0 || timeout > INT_MAX) {
		snprintf(err, err_size, "timeout: %lld is not between 0 and %d seconds", timeout,
			 INT_MAX);
		return -1;
	}
	if (max_size < 0) {
		snprintf(err, err_size, "max_file_size: %lld is negative (0: no limit)", max_size);
		return -1;
	}
	st->timeout = (int)timeout;
	st->max_file_size = (uint64_t)max_size;
	st->threat_meta = meta && meta[0] ? meta : NULL;
	/*
	 * The callback wants matches only: not-matching messages would be one call
	 * per rule. NO_TRYCATCH: libyara 4.2 otherwise installs process-wide
	 * SIGSEGV/SIGBUS handlers around each scan; concurrent scans race and leave
	 * them installed, and then any fault outside a scan loops forever instead of
	 * crashing. A file truncated under its mapping is the host's to handle.
	 */
	st->scan_flags = SCAN_FLAGS_REPORT_RULES_MATCHING | SCAN_FLAGS_NO_TRYCATCH;
	if (st->host->opt_bool(st->opts, "fast_mode"))
		st->scan_flags |= SCAN_FLAGS_FAST_MODE;
	return 0;
}

static void yara_fini(void *state)
{
	struct yara_state *st = state;

	if (!st)
		return;
	if (st->rules)
		yr_rules_destroy(st->rules);
	yara_externals_free(&st->externals);
	/* yr_initialize counts its callers; this releases only our reference */
	if (st->yr_initialized)
		yr_finalize();
	free(st);
}

static int yara_init(const struct fg_host_api *host, const struct fg_options *opts, void **state,
		     char *err, size_t err_size)
{
	struct yara_state *st;
	struct rule_files files = { 0 };
	int rc;

	if (!host || !FG_HAS_FIELD(host, struct fg_host_api, opt_list_item)) {
		snprintf(err, err_size, "host API too old: no list options");
		return -1;
	}
	if (!(st = calloc(1, sizeof(*st)))) {
		snprintf(err, err_size, "%s", strerror(errno));
		return -1;
	}
	st->host = host;
	st->opts = opts;
	if (read_scan_options(st, err, err_size) == -1 ||
	    yara_externals_init(&st->externals, err, err_size) == -1)
		goto fail;
	if ((rc = yr_initialize()) != ERROR_SUCCESS) {
		snprintf(err, err_size, "cannot initialise libyara: error %d", rc);
		goto fail;
	}
	st->yr_initialized = 1;
	if (collect_rule_files(st, &files, err, err_size) == -1 ||
	    compile_rules(st, &files, err, err_size) == -1)
		goto fail;
	if ((st->rule_count = count_rules(st->rules)) == 0) {
		no_rules_error(st, err, err_size);
		goto fail;
	}
	host->log(opts, FG_LOG_INFO, "compiled %" PRIu64 " rule%s from %zu file%s", st->rule_count,
		  st->rule_count == 1 ? "" : "s", files.count, files.count == 1 ? "" : "s");
	if (st->by_name)
		host->log(opts, FG_LOG_INFO,
			  "rules read filename, filepath, extension or owner: verdicts are not "
			  "cached (every open of a file is scanned again)");
	rule_files_free(&files);
	*state = st;
	return 0;
fail:
	rule_files_free(&files);
	yara_fini(st);
	return -1;
}

/*
 * Every matching rule is kept, as `yara` prints them all. libyara does not
 * report private rules. Out of memory, a match is still counted.
 */
static int scan_callback(YR_SCAN_CONTEXT *context, int message, void *message_data, void *user_data)
{
	struct yara_thread *th = user_data;

	(void)context;
	if (message != CALLBACK_MSG_RULE_MATCHING)
		return CALLBACK_CONTINUE;
	th->matched++;
	if (th->n_matches == th->cap) {
		size_t cap = th->cap ? th->cap * 2 : 16;
		const YR_RULE **grown = realloc(th->matches, cap * sizeof(*grown));

		if (!grown)
			return CALLBACK_CONTINUE;
		th->matches = grown;
		th->cap = cap;
	}
	th->matches[th->n_matches++] = message_data;
	return CALLBACK_CONTINUE;
}

static int scanner_create(const struct yara_state *st, struct yara_thread *th, char *err,
			  size_t err_size)
{
	int rc;

	if ((rc = yr_scanner_create(st->rules, &th->scanner)) != ERROR_SUCCESS) {
		snprintf(err, err_size, "cannot create YARA scanner: error %d", rc);
		return -1;
	}
	yr_scanner_set_timeout(th->scanner, st->timeout);
	yr_scanner_set_flags(th->scanner, st->scan_flags);
	yr_scanner_set_callback(th->scanner, scan_callback, th);
	return 0;
}

static int yara_thread_init(void *state, void **thread_ctx, char *err, size_t err_size)
{
	struct yara_thread *th;

	if (!(th = calloc(1, sizeof(*th)))) {
		snprintf(err, err_size, "%s", strerror(errno));
		return -1;
	}
	if (scanner_create(state, th, err, err_size) == -1) {
		free(th);
		return -1;
	}
	*thread_ctx = th;
	return 0;
}

static void yara_thread_fini(void *state, void *thread_ctx)
{
	struct yara_thread *th = thread_ctx;

	if (!th)
		return;
	yr_scanner_destroy(th->scanner);
	free(th->matches);
	free(th);
}

/* The rule's identifier, or the string of its threat_name_meta meta when it has one. */
static const char *threat_name(const struct yara_state *st, const YR_RULE *rule)
{
	const YR_META *meta;

	if (!st->threat_meta)
		return rule->identifier;
	yr_rule_metas_foreach(rule, meta)
	{
		if (meta->type == META_TYPE_STRING &&
		    strcmp(meta->identifier, st->threat_meta) == 0 && meta->string[0] != '\0')
			return meta->string;
	}
	return rule->identifier;
}

/*
 * Threat names travel through logs and the control socket: keep them to a safe
 * alphabet, which also keeps the ", " between names unambiguous.
 */
static size_t append_name(char *out, size_t len, const char *name, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			 (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';

		out[len++] = ok ? c : '_';
	}
	out[len] = '\0';
	return len;
}

/*
 * "A, B, C" in match order; names that do not fit make the end ", +N more".
 * A name is added only if the count of those after it still fits behind it,
 * so the last one added leaves room for the count. The first is always there,
 * cut if it must be.
 */
static void format_threats(const struct yara_state *st, const struct yara_thread *th, char *out,
			   size_t size)
{
	size_t len = 0, shown = 0;
	char more[40];
	int more_len;

	for (size_t i = 0; i < th->n_matches; i++) {
		const char *name = threat_name(st, th->matches[i]);
		size_t name_len = strlen(name), rest = th->matched - i - 1;

		more_len = rest ? snprintf(more, sizeof(more), ", +%zu more", rest) : 0;
		if (i == 0 && name_len + (size_t)more_len >= size)
			name_len = size - 1 - (size_t)more_len;
		else if (i > 0 && len + 2 + name_len + (size_t)more_len >= size)
			break;
		if (i > 0)
			len = (size_t)(stpcpy(out + len, ", ") - out);
		len = append_name(out, len, name, name_len);
		shown++;
	}
	if (shown < th->matched)
		snprintf(out + len, size - len, "%s+%zu more", shown ? ", " : "",
			 th->matched - shown);
}

static const char *scan_error_text(int rc)
{
	switch (rc) {
	case ERROR_INSUFFICIENT_MEMORY: return "out of memory";
	case ERROR_COULD_NOT_MAP_FILE:
		return "cannot map the file"; /* also a file truncated during the scan */
	case ERROR_TOO_MANY_SCAN_THREADS: return "too many scan threads";
	case ERROR_TOO_MANY_MATCHES: return "too many matches";
	default: return "scan failed";
	}
}

static enum fg_verdict scan_verdict(const struct yara_state *st, const struct yara_thread *th,
				    int rc, struct fg_scan_result *result)
{
	if (th->matched) {
		format_threats(st, th, result->threat, result->threat_size);
		return FG_VERDICT_DETECTED;
	}
	if (rc == ERROR_SUCCESS)
		return FG_VERDICT_CLEAN;
	if (rc == ERROR_SCAN_TIMEOUT)
		snprintf(result->threat, result->threat_size, "YARA scan timed out after %d s",
			 th->timeout);
	else
		snprintf(result->threat, result->threat_size, "YARA %s (error %d)",
			 scan_error_text(rc), rc);
	return FG_VERDICT_ERROR;
}

/*
 * The option `timeout`, lowered to the whole seconds the host's deadline
 * leaves (at least 1): past the deadline the host takes the scanner for hung.
 */
static int scan_timeout(const struct yara_state *st, const struct fg_scan_object *obj)
{
	struct timespec now;
	uint64_t now_ns, left;

	if (!FG_HAS_FIELD(obj, struct fg_scan_object, deadline_ns) || !obj->deadline_ns ||
	    clock_gettime(CLOCK_MONOTONIC, &now) != 0)
		return st->timeout;
	now_ns = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
	left = obj->deadline_ns > now_ns ? (obj->deadline_ns - now_ns) / 1000000000ull : 0;
	if (left < 1)
		left = 1;
	if (st->timeout && (uint64_t)st->timeout <= left)
		return st->timeout;
	return left > INT_MAX ? INT_MAX : (int)left;
}

static enum fg_verdict yara_scan(void *state, void *thread_ctx, const struct fg_scan_object *obj,
				 struct fg_scan_result *result)
{
	struct yara_state *st = state;
	struct yara_thread temp = { 0 }, *th = thread_ctx;
	enum fg_verdict verdict;
	uint8_t empty = 0;
	int rc;

	/* a host that skips thread_init still gets correct, if slower, scans */
	if (!th) {
		if (scanner_create(st, &temp, result->threat, result->threat_size) == -1)
			return FG_VERDICT_ERROR;
		th = &temp;
	}
	th->n_matches = th->matched = 0;
	th->timeout = scan_timeout(st, obj);
	yr_scanner_set_timeout(th->scanner, th->timeout);
	if (yara_externals_set(&st->externals, th->scanner, obj, result->threat,
			       result->threat_size) == -1) {
		verdict = FG_VERDICT_ERROR;
		goto out;
	}
	if (obj->data)
		rc = yr_scanner_scan_mem(th->scanner, obj->data, obj->size);
	else if (obj->size ==
		 0) /* empty files have no mapping; `filesize == 0` rules still apply */
		rc = yr_scanner_scan_mem(th->scanner, &empty, 0);
	else
		rc = yr_scanner_scan_fd(th->scanner, obj->fd);
	verdict = scan_verdict(st, th, rc, result);
	/*
	 * No name (a path longer than PATH_MAX, which any user can make): the rules
	 * on the name were matched against "", so clean means nothing. on_error decides.
	 * An empty file has no bytes to keep from anyone: creating one stays possible.
	 */
	if (verdict == FG_VERDICT_CLEAN && st->by_name && obj->size > 0 &&
	    !yara_externals_path_known(obj->path)) {
		snprintf(result->threat, result->threat_size,
			 "the file's name could not be read: rules on filename, filepath or "
			 "extension were not applied");
		verdict = FG_VERDICT_ERROR;
	}
	/* a clean or detected verdict of a rule on the name holds for this name only */
	if (st->by_name && FG_HAS_FIELD(result, struct fg_scan_result, flags))
		result->flags |= FG_RESULT_NOT_CACHEABLE;
out:
	if (th == &temp) {
		yr_scanner_destroy(temp.scanner);
		free(temp.matches);
	}
	return verdict;
}

static uint64_t yara_signature_count(void *state)
{
	struct yara_state *st = state;

	return st->rule_count;
}

static uint64_t yara_max_file_size(void *state)
{
	struct yara_state *st = state;

	return st->max_file_size;
}

static const struct fg_plugin yara_plugin = {
	FG_PLUGIN_HEADER,
	.name = "yara",
	.version = FANGUARD_BUNDLED_VERSION,
	.description = "YARA rules (libyara " YR_VERSION ")",
	.options = yara_options,
	.init = yara_init,
	.thread_init = yara_thread_init,
	.thread_fini = yara_thread_fini,
	.scan = yara_scan,
	.reload = NULL,
	.fini = yara_fini,
	.signature_count = yara_signature_count,
	.max_file_size = yara_max_file_size,
};

FG_PLUGIN_DEFINE(yara_plugin)
