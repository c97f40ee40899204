/*
 * What libconfuse is told: the core sections and their defaults, the
 * validators that give a bad value its line, and the error recording that
 * turns libconfuse's messages into "FILE:LINE: message".
 */
#include "common/config_internal.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/path.h"
#include "common/quarantine.h"

_Thread_local struct load_ctx *config_current;

static void record_error(unsigned line, const char *fmt, va_list ap)
{
	struct load_ctx *c = config_current;
	char msg[768];

	if (!c || c->failed)
		return; /* the first error is the one worth reading */
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (line)
		snprintf(c->err, c->errlen, "%s:%u: %s", c->path, line, msg);
	else
		snprintf(c->err, c->errlen, "%s: %s", c->path, msg);
	c->failed = true;
}

void config_fail_at(unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record_error(line, fmt, ap);
	va_end(ap);
}

/* The options a section of the schema has, for a message naming the ones there are. */
static void list_section_options(const cfg_t *sec, char *out, size_t outsize)
{
	size_t n = 0;

	out[0] = '\0';
	for (const cfg_opt_t *o = sec->opts; o && o->name; o++) {
		if (strcmp(o->name, "__unknown") == 0)
			continue;
		snprintf(out + strlen(out), outsize - strlen(out), "%s%s", n++ ? ", " : "",
			 o->name);
	}
}

static void on_cfg_error(cfg_t *cfg, const char *fmt, va_list ap)
{
	unsigned line = cfg && cfg->line > 0 ? (unsigned)cfg->line : 0;
	char names[512];
	va_list copy;

	/*
	 * libconfuse names an unknown key alone; say whose options there are, as
	 * for a plugin's (config_plugins.c). Plugin sections never get here: their
	 * keys are checked before libconfuse parses them.
	 */
	if (cfg && strcmp(fmt, "no such option '%s'") == 0 && strcmp(cfg->name, "root") != 0) {
		va_copy(copy, ap);
		const char *key = va_arg(copy, const char *);
		list_section_options(cfg, names, sizeof(names));
		config_fail_at(line, "section '%s' has no option '%s' (its options: %s)", cfg->name,
			       key, names);
		va_end(copy);
		return;
	}
	record_error(line, fmt, ap);
}

int config_check_structure(cfg_t *schema, const char *text, size_t len)
{
	const char *sections[16] = { 0 }, *multi[16] = { 0 };
	size_t n = 0, n_multi = 0;
	struct conftext_problem problem;

	/* the section names come from the schema libconfuse is given: one source of truth */
	for (const cfg_opt_t *o = schema->opts; o && o->name && n < 15; o++) {
		if (o->type != CFGT_SEC)
			continue;
		sections[n++] = o->name;
		if (o->flags & CFGF_MULTI)
			multi[n_multi++] = o->name;
	}
	if (conftext_check_sections(text, len, sections, multi, &problem) < 0)
		return -1;
	if (!problem.line)
		return 0;
	config_fail_at(problem.line, "%s", problem.message);
	return -1;
}

void config_resolve_path(const char *value, char *out, size_t outsize)
{
	if (value[0] == '/')
		snprintf(out, outsize, "%s", value);
	else
		snprintf(out, outsize, "%s/%s", config_current->dir, value);
}

/* ---- validation callbacks: libconfuse calls them with the line of the value ---- */

int config_check_choice(cfg_t *cfg, cfg_opt_t *opt, const char *const *choices)
{
	for (unsigned i = 0; i < cfg_opt_size(opt); i++) {
		const char *v = cfg_opt_getnstr(opt, i);
		bool ok = false;
		for (size_t c = 0; choices[c] && !ok; c++)
			ok = strcmp(v, choices[c]) == 0;
		if (!ok) {
			char list[256] = "";
			for (size_t c = 0; choices[c]; c++)
				snprintf(list + strlen(list), sizeof(list) - strlen(list),
					 "%s\"%s\"", c ? ", " : "", choices[c]);
			cfg_error(cfg, "option '%s': \"%s\" is not one of %s", opt->name, v, list);
			return -1;
		}
	}
	return 0;
}

static int validate_policy(cfg_t *cfg, cfg_opt_t *opt)
{
	static const char *const choices[] = { "any-deny", "majority", NULL };
	return config_check_choice(cfg, opt, choices);
}

static int validate_decision(cfg_t *cfg, cfg_opt_t *opt)
{
	static const char *const choices[] = { "allow", "deny", NULL };
	return config_check_choice(cfg, opt, choices);
}

static int validate_events(cfg_t *cfg, cfg_opt_t *opt)
{
	static const char *const choices[] = { "open", "exec", "close_write", NULL };
	return config_check_choice(cfg, opt, choices);
}

static int validate_late_detection(cfg_t *cfg, cfg_opt_t *opt)
{
	static const char *const choices[] = { "quarantine", "kill", NULL };
	return config_check_choice(cfg, opt, choices);
}

static int validate_user_fuse(cfg_t *cfg, cfg_opt_t *opt)
{
	static const char *const choices[] = { "scan", "deny_exec", "deny", NULL };
	return config_check_choice(cfg, opt, choices);
}

static int validate_mode(cfg_t *cfg, cfg_opt_t *opt)
{
	static const char *const choices[] = { "block", "report", NULL };
	return config_check_choice(cfg, opt, choices);
}

static int validate_log_level(cfg_t *cfg, cfg_opt_t *opt)
{
	static const char *const choices[] = { "error", "warning", "info", "debug", NULL };
	return config_check_choice(cfg, opt, choices);
}

static int check_range(cfg_t *cfg, cfg_opt_t *opt, long min, long max)
{
	long v = cfg_opt_getnint(opt, 0);

	if (v < min || v > max) {
		cfg_error(cfg, "option '%s': %ld is out of range (%ld to %ld)", opt->name, v, min,
			  max);
		return -1;
	}
	return 0;
}

/* The numeric core options and the values they accept, keyed "section|option". */
static const struct int_range {
	const char *key;
	long min, max;
} int_ranges[] = {
	{ "watch|max_file_size", 0, LONG_MAX },
	{ "verdict|timeout_ms", 10, 600000 },
	{ "scan|workers", 0, 256 },
	{ "scan|max_inflight", 16, 65536 },
	{ "scan|max_inflight_per_uid", 0, 65536 },
	{ "scan|cache_size", 0, 16777216 },
	{ "scan|scan_ahead_files", 1, 65536 },
	{ "scan|rescan_after_reload", 0, 1048576 },
	{ "scan|memory_limit_mb", 0, 1048576 },
	{ "scan|restart_limit", 1, 1000 },
	{ "scan|restart_window_s", 1, 86400 },
	{ "signatures|settle_s", 1, 3600 },
	{ "log|events_max_mb", 0, 1048576 },
	{ "log|events_keep", 1, 100 },
	{ "signatures|max_age_days", 0, 3650 },
	{ "schedule|nice", 0, 19 },
	{ "schedule|cpu_quota", 0, 100000 },
};

static int validate_int_range(cfg_t *cfg, cfg_opt_t *opt)
{
	for (size_t i = 0; i < sizeof(int_ranges) / sizeof(int_ranges[0]); i++) {
		const char *name = strchr(int_ranges[i].key, '|') + 1;
		if (strcmp(name, opt->name) == 0)
			return check_range(cfg, opt, int_ranges[i].min, int_ranges[i].max);
	}
	return 0;
}

static int validate_on_close_write(cfg_t *cfg, cfg_opt_t *opt)
{
	static const char *const choices[] = { "log", "quarantine", NULL };
	return config_check_choice(cfg, opt, choices);
}

static int validate_isolation(cfg_t *cfg, cfg_opt_t *opt)
{
	static const char *const choices[] = { "process", "thread", NULL };
	return config_check_choice(cfg, opt, choices);
}

static int validate_watch_paths(cfg_t *cfg, cfg_opt_t *opt)
{
	char path[PATH_MAX];
	struct stat st;

	for (unsigned i = 0; i < cfg_opt_size(opt); i++) {
		config_resolve_path(cfg_opt_getnstr(opt, i), path, sizeof(path));
		if (stat(path, &st) != 0) {
			cfg_error(cfg, "option 'paths': cannot watch %s: %s", path,
				  strerror(errno));
			return -1;
		}
		if (!S_ISDIR(st.st_mode)) {
			cfg_error(cfg, "option 'paths': %s is not a directory", path);
			return -1;
		}
	}
	return 0;
}

/* Entries with glob characters must compile; plain ones keep prefix semantics. */
int config_validate_patterns(cfg_t *cfg, cfg_opt_t *opt)
{
	char reason[256];
	struct path_glob g;

	for (unsigned i = 0; i < cfg_opt_size(opt); i++) {
		const char *v = cfg_opt_getnstr(opt, i);

		if (!path_has_glob(v))
			continue;
		if (path_glob_compile(v, &g, reason, sizeof(reason)) != 0) {
			cfg_error(cfg, "option '%s': bad pattern \"%s\": %s", opt->name, v, reason);
			return -1;
		}
		path_glob_free(&g);
	}
	return 0;
}

int config_parse_uid(const char *v, uid_t *uid)
{
	struct passwd *pw = getpwnam(v);
	unsigned long long id;
	char *end;

	if (pw) {
		*uid = pw->pw_uid;
		return 0;
	}
	if (v[0] < '0' || v[0] > '9')
		return -1;
	errno = 0;
	id = strtoull(v, &end, 10);
	if (*end || errno || id >= (uid_t)-1)
		return -1;
	*uid = (uid_t)id;
	return 0;
}

static int validate_exclude_uid(cfg_t *cfg, cfg_opt_t *opt)
{
	uid_t uid;

	for (unsigned i = 0; i < cfg_opt_size(opt); i++) {
		const char *v = cfg_opt_getnstr(opt, i);

		if (config_parse_uid(v, &uid) != 0) {
			cfg_error(cfg, "option '%s': \"%s\" is neither a known user nor a uid",
				  opt->name, v);
			return -1;
		}
	}
	return 0;
}

/* ---- schema ---- */

static cfg_opt_t watch_opts[] = {
	CFG_STR_LIST("paths", "{}", CFGF_NONE),
	CFG_STR_LIST("exclude", "{}", CFGF_NONE),
	CFG_STR_LIST("exclude_exe", "{}", CFGF_NONE),
	CFG_STR_LIST("exclude_uid", "{}", CFGF_NONE),
	CFG_STR_LIST("events", "{open, exec, close_write}", CFGF_NONE),
	CFG_INT("max_file_size", 0, CFGF_NONE),
	CFG_STR("user_fuse", "deny_exec", CFGF_NONE),
	CFG_STR("__unknown", NULL, CFGF_NONE),
	CFG_END(),
};

static cfg_opt_t verdict_opts[] = {
	CFG_STR("policy", "any-deny", CFGF_NONE),
	CFG_INT("timeout_ms", 5000, CFGF_NONE),
	CFG_STR("on_timeout", "allow", CFGF_NONE),
	CFG_STR("on_error", "allow", CFGF_NONE),
	CFG_STR("on_overload", "deny", CFGF_NONE),
	CFG_STR_LIST("late_detection", "{}", CFGF_NONE),
	CFG_STR("on_too_large", "allow", CFGF_NONE),
	CFG_STR("mode", "block", CFGF_NONE),
	CFG_STR("__unknown", NULL, CFGF_NONE),
	CFG_END(),
};

/* `policy "PATH" { mode = "report" }`: the mode below one watched path. */
static cfg_opt_t policy_opts[] = {
	CFG_STR("mode", NULL, CFGF_NODEFAULT),
	CFG_STR("__unknown", NULL, CFGF_NONE),
	CFG_END(),
};

static cfg_opt_t scan_opts[] = {
	CFG_INT("workers", 0, CFGF_NONE),
	CFG_INT("max_inflight", 1024, CFGF_NONE),
	CFG_INT("max_inflight_per_uid", 0, CFGF_NONE),
	CFG_INT("cache_size", 65536, CFGF_NONE),
	CFG_BOOL("scan_ahead", cfg_false, CFGF_NONE),
	CFG_INT("scan_ahead_files", 256, CFGF_NONE),
	CFG_INT("rescan_after_reload", 4096, CFGF_NONE),
	CFG_STR("isolation", "process", CFGF_NONE),
	CFG_STR("user", "fanguard-scan", CFGF_NONE),
	CFG_BOOL("seccomp", cfg_true, CFGF_NONE),
	CFG_BOOL("landlock", cfg_true, CFGF_NONE),
	CFG_INT("memory_limit_mb", 4096, CFGF_NONE),
	CFG_INT("restart_limit", 5, CFGF_NONE),
	CFG_INT("restart_window_s", 60, CFGF_NONE),
	CFG_STR("__unknown", NULL, CFGF_NONE),
	CFG_END(),
};

static cfg_opt_t signatures_opts[] = {
	CFG_BOOL("auto_reload", cfg_true, CFGF_NONE),
	CFG_INT("settle_s", 10, CFGF_NONE),
	CFG_INT("max_age_days", 7, CFGF_NONE),
	CFG_STR("__unknown", NULL, CFGF_NONE),
	CFG_END(),
};

static cfg_opt_t control_opts[] = {
	CFG_STR("socket", CONFIG_DEFAULT_CONTROL_SOCKET, CFGF_NONE),
	CFG_STR("__unknown", NULL, CFGF_NONE),
	CFG_END(),
};

static cfg_opt_t quarantine_opts[] = {
	CFG_STR("dir", QUARANTINE_DEFAULT_DIR, CFGF_NONE),
	CFG_STR("on_close_write", "log", CFGF_NONE),
	CFG_STR("__unknown", NULL, CFGF_NONE),
	CFG_END(),
};

static cfg_opt_t log_opts[] = {
	CFG_STR("level", "info", CFGF_NONE),
	CFG_BOOL("syslog", cfg_false, CFGF_NONE),
	CFG_STR("events", "", CFGF_NONE),
	CFG_INT("events_max_mb", 100, CFGF_NONE),
	CFG_INT("events_keep", 5, CFGF_NONE),
	CFG_STR("__unknown", NULL, CFGF_NONE),
	CFG_END(),
};

/*
 * Lenient schemas (pass one) accept unknown keys into "__unknown"; libconfuse
 * only honours that flag for a whole tree, which is why pass two exists.
 */
cfg_t *config_schema_instantiate(struct schema *s, bool lenient)
{
	cfg_opt_t tail[] = { CFG_STR("__unknown", NULL, CFGF_NONE), CFG_END() };
	cfg_opt_t root[] = {
		CFG_SEC("watch", watch_opts, CFGF_NONE),
		CFG_SEC("verdict", verdict_opts, CFGF_NONE),
		CFG_SEC("scan", scan_opts, CFGF_NONE),
		CFG_SEC("signatures", signatures_opts, CFGF_NONE),
		CFG_SEC("log", log_opts, CFGF_NONE),
		CFG_SEC("control", control_opts, CFGF_NONE),
		CFG_SEC("quarantine", quarantine_opts, CFGF_NONE),
		CFG_SEC("schedule", config_schedule_opts, CFGF_NONE),
		CFG_SEC("policy", policy_opts, CFGF_TITLE | CFGF_MULTI | CFGF_NO_TITLE_DUPES),
		CFG_SEC("plugin", s->plugin_opts, CFGF_TITLE | CFGF_MULTI | CFGF_NO_TITLE_DUPES),
		CFG_STR("__unknown", NULL, CFGF_NONE),
		CFG_END(),
	};
	cfg_t *cfg;

	memcpy(&s->plugin_opts[s->n_plugin_opts], tail, sizeof(tail));
	memcpy(s->root, root, sizeof(root));
	cfg = cfg_init(s->root, lenient ? CFGF_IGNORE_UNKNOWN : CFGF_NONE);
	if (!cfg)
		return NULL;
	cfg_set_error_function(cfg, on_cfg_error);
	if (!lenient) {
		cfg_set_validate_func(cfg, "watch|paths", validate_watch_paths);
		cfg_set_validate_func(cfg, "watch|events", validate_events);
		cfg_set_validate_func(cfg, "watch|exclude", config_validate_patterns);
		cfg_set_validate_func(cfg, "watch|exclude_exe", config_validate_patterns);
		cfg_set_validate_func(cfg, "watch|exclude_uid", validate_exclude_uid);
		cfg_set_validate_func(cfg, "verdict|policy", validate_policy);
		cfg_set_validate_func(cfg, "verdict|on_timeout", validate_decision);
		cfg_set_validate_func(cfg, "verdict|on_error", validate_decision);
		cfg_set_validate_func(cfg, "verdict|on_overload", validate_decision);
		cfg_set_validate_func(cfg, "verdict|on_too_large", validate_decision);
		cfg_set_validate_func(cfg, "verdict|late_detection", validate_late_detection);
		cfg_set_validate_func(cfg, "verdict|mode", validate_mode);
		cfg_set_validate_func(cfg, "watch|user_fuse", validate_user_fuse);
		cfg_set_validate_func(cfg, "policy|mode", validate_mode);
		cfg_set_validate_func(cfg, "scan|isolation", validate_isolation);
		cfg_set_validate_func(cfg, "log|level", validate_log_level);
		cfg_set_validate_func(cfg, "quarantine|on_close_write", validate_on_close_write);
		config_schedule_validators(cfg);
		for (size_t i = 0; i < sizeof(int_ranges) / sizeof(int_ranges[0]); i++)
			cfg_set_validate_func(cfg, int_ranges[i].key, validate_int_range);
	}
	return cfg;
}

static void probe_error(cfg_t *cfg, const char *fmt, va_list ap)
{
}

/*
 * libconfuse's lexer is global, and a buffer ending inside a C comment parses
 * fine but leaves the lexer in that comment until a cfg_free: the next cfg_init
 * (the strict pass) then fails to parse its "{}" list defaults and abort()s.
 * A probe parsed meanwhile sees whether the text ended so (the comment then
 * swallows its assignment); its cfg_free resets the lexer.
 */
static bool parse_ended_in_comment(void)
{
	cfg_opt_t opts[] = { CFG_INT("probe", 0, CFGF_NONE), CFG_END() };
	cfg_t *probe = cfg_init(opts, CFGF_NONE);
	bool in_comment;

	if (!probe)
		return true;
	cfg_set_error_function(probe, probe_error);
	in_comment =
		cfg_parse_buf(probe, "probe = 1") != CFG_SUCCESS || cfg_getint(probe, "probe") != 1;
	cfg_free(probe);
	return in_comment;
}

int config_parse_text(cfg_t *cfg, const char *text)
{
	if (cfg_parse_buf(cfg, text) != CFG_SUCCESS)
		return -1;
	if (parse_ended_in_comment()) {
		config_fail_at(0, "a /* comment runs to the end of the file (no closing */)");
		return -1;
	}
	return 0;
}
