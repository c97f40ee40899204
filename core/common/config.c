#include "common/config.h"
#include "common/trust.h"

#include <confuse.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/conftext.h"
#include "common/log.h"
#include "common/pathmatch.h"
#include "common/quarantine.h"

#define CONFIG_MAX_BYTES (1 << 20)

/* The loader's state, reachable from libconfuse callbacks (which carry no user pointer). */
struct load_ctx {
	const char *path;
	const char *dir;
	char *err;
	size_t errlen;
	bool failed;
};

static _Thread_local struct load_ctx *current;

static void record_error(unsigned line, const char *fmt, va_list ap)
{
	char msg[768];

	if (!current || current->failed)
		return; /* the first error is the one worth reading */
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (line)
		snprintf(current->err, current->errlen, "%s:%u: %s", current->path, line, msg);
	else
		snprintf(current->err, current->errlen, "%s: %s", current->path, msg);
	current->failed = true;
}

static void fail_at(unsigned line, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail_at(unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record_error(line, fmt, ap);
	va_end(ap);
}

static void on_cfg_error(cfg_t *cfg, const char *fmt, va_list ap)
{
	record_error(cfg && cfg->line > 0 ? (unsigned)cfg->line : 0, fmt, ap);
}

/* Resolves a config path against the config file's folder into out. */
static void resolve_path(const char *value, char *out, size_t outsize)
{
	if (value[0] == '/')
		snprintf(out, outsize, "%s", value);
	else
		snprintf(out, outsize, "%s/%s", current->dir, value);
}

/* ---- validation callbacks: libconfuse calls them with the line of the value ---- */

static int check_choice(cfg_t *cfg, cfg_opt_t *opt, const char *const *choices)
{
	for (unsigned i = 0; i < cfg_opt_size(opt); i++) {
		const char *v = cfg_opt_getnstr(opt, i);
		bool ok = false;
		for (size_t c = 0; choices[c] && !ok; c++)
			ok = strcmp(v, choices[c]) == 0;
		if (!ok) {
			char list[256] = "";
			for (size_t c = 0; choices[c]; c++)
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s\"%s\"",
					 c ? ", " : "", choices[c]);
			cfg_error(cfg, "option '%s': \"%s\" is not one of %s", opt->name, v, list);
			return -1;
		}
	}
	return 0;
}

static int validate_policy(cfg_t *cfg, cfg_opt_t *opt)
{
	static const char *const choices[] = { "any-deny", "majority", NULL };
	return check_choice(cfg, opt, choices);
}

static int validate_decision(cfg_t *cfg, cfg_opt_t *opt)
{
	static const char *const choices[] = { "allow", "deny", NULL };
	return check_choice(cfg, opt, choices);
}

static int validate_events(cfg_t *cfg, cfg_opt_t *opt)
{
	static const char *const choices[] = { "open", "exec", "close_write", NULL };
	return check_choice(cfg, opt, choices);
}

static int validate_log_level(cfg_t *cfg, cfg_opt_t *opt)
{
	static const char *const choices[] = { "error", "warning", "info", "debug", NULL };
	return check_choice(cfg, opt, choices);
}

static int check_range(cfg_t *cfg, cfg_opt_t *opt, long min, long max)
{
	long v = cfg_opt_getnint(opt, 0);

	if (v < min || v > max) {
		cfg_error(cfg, "option '%s': %ld is out of range (%ld to %ld)", opt->name, v, min, max);
		return -1;
	}
	return 0;
}

/* The numeric core options and the values they accept, keyed "section|option". */
static const struct int_range {
	const char *key;
	long min, max;
} int_ranges[] = {
	{ "watch|max_file_size", 1, LONG_MAX },
	{ "verdict|timeout_ms", 10, 600000 },
	{ "scan|workers", 0, 256 },
	{ "scan|max_inflight", 16, 65536 },
	{ "scan|cache_size", 0, 16777216 },
	{ "scan|memory_limit_mb", 0, 1048576 },
	{ "scan|restart_limit", 1, 1000 },
	{ "scan|restart_window_s", 1, 86400 },
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
	return check_choice(cfg, opt, choices);
}

static int validate_isolation(cfg_t *cfg, cfg_opt_t *opt)
{
	static const char *const choices[] = { "process", "thread", NULL };
	return check_choice(cfg, opt, choices);
}

static int validate_watch_paths(cfg_t *cfg, cfg_opt_t *opt)
{
	char path[PATH_MAX];
	struct stat st;

	for (unsigned i = 0; i < cfg_opt_size(opt); i++) {
		resolve_path(cfg_opt_getnstr(opt, i), path, sizeof(path));
		if (stat(path, &st) != 0) {
			cfg_error(cfg, "option 'paths': cannot watch %s: %s", path, strerror(errno));
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
static int validate_exclude_patterns(cfg_t *cfg, cfg_opt_t *opt)
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

/* A user name (looked up now, so a typo stops start-up) or a numeric uid. */
static int parse_uid(const char *v, uid_t *uid)
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

		if (parse_uid(v, &uid) != 0) {
			cfg_error(cfg, "option '%s': \"%s\" is neither a known user nor a uid", opt->name,
				  v);
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
	CFG_INT("max_file_size", 26214400, CFGF_NONE),
	CFG_STR("__unknown", NULL, CFGF_NONE),
	CFG_END(),
};

static cfg_opt_t verdict_opts[] = {
	CFG_STR("policy", "any-deny", CFGF_NONE),
	CFG_INT("timeout_ms", 5000, CFGF_NONE),
	CFG_STR("on_timeout", "allow", CFGF_NONE),
	CFG_STR("on_error", "allow", CFGF_NONE),
	CFG_STR("__unknown", NULL, CFGF_NONE),
	CFG_END(),
};

static cfg_opt_t scan_opts[] = {
	CFG_INT("workers", 0, CFGF_NONE),
	CFG_INT("max_inflight", 1024, CFGF_NONE),
	CFG_INT("cache_size", 65536, CFGF_NONE),
	CFG_STR("isolation", "process", CFGF_NONE),
	CFG_STR("user", "nobody", CFGF_NONE),
	CFG_BOOL("seccomp", cfg_true, CFGF_NONE),
	CFG_INT("memory_limit_mb", 4096, CFGF_NONE),
	CFG_INT("restart_limit", 5, CFGF_NONE),
	CFG_INT("restart_window_s", 60, CFGF_NONE),
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
	CFG_STR("__unknown", NULL, CFGF_NONE),
	CFG_END(),
};

/* The fixed entries of every plugin section; the plugins' own options follow. */
#define PLUGIN_FIXED_OPTS 3

struct schema {
	cfg_opt_t *plugin_opts; /* heap: fixed + declared options + __unknown + end */
	size_t n_plugin_opts;
	cfg_opt_t root[16];
};

/*
 * Lenient schemas (pass one) accept unknown keys into "__unknown"; libconfuse
 * only honours that flag for a whole tree, which is why pass two exists.
 */
static void schema_init(struct schema *s)
{
	cfg_opt_t fixed[] = {
		CFG_BOOL("enabled", cfg_true, CFGF_NONE),
		CFG_STR("path", NULL, CFGF_NONE),
		CFG_STR("scanner", CONFIG_DEFAULT_SCANNER, CFGF_NONE),
		CFG_STR("__unknown", NULL, CFGF_NONE),
		CFG_END(),
	};
	s->plugin_opts = calloc(PLUGIN_FIXED_OPTS + 2, sizeof(cfg_opt_t));
	if (s->plugin_opts)
		memcpy(s->plugin_opts, fixed, sizeof(fixed));
	s->n_plugin_opts = PLUGIN_FIXED_OPTS;
}

static cfg_opt_t *schema_find(struct schema *s, const char *name)
{
	for (size_t i = 0; i < s->n_plugin_opts; i++)
		if (strcmp(s->plugin_opts[i].name, name) == 0)
			return &s->plugin_opts[i];
	return NULL;
}

static cfg_opt_t spec_to_opt(const struct fg_option_spec *spec)
{
	const char *def = spec->default_value;

	switch (spec->type) {
	case FG_OPT_BOOL: {
		cfg_opt_t o = CFG_BOOL(spec->name, def && strcmp(def, "true") == 0 ? cfg_true : cfg_false,
				       CFGF_NONE);
		return o;
	}
	case FG_OPT_INT: {
		cfg_opt_t o = CFG_INT(spec->name, def ? strtol(def, NULL, 10) : 0, CFGF_NONE);
		return o;
	}
	case FG_OPT_STRING: {
		cfg_opt_t o = CFG_STR(spec->name, (char *)def, CFGF_NONE);
		return o;
	}
	default: {
		cfg_opt_t o = CFG_STR_LIST(spec->name, (char *)(def ? def : "{}"), CFGF_NONE);
		return o;
	}
	}
}

/* Adds a plugin's declared options to the shared plugin-section schema. */
static int schema_add_plugin(struct schema *s, const struct plugin *p)
{
	const struct fg_option_spec *spec = p->desc.options;

	for (; spec && spec->name; spec++) {
		cfg_opt_t o = spec_to_opt(spec), *have, *grown;

		if (strcmp(spec->name, "enabled") == 0 || strcmp(spec->name, "path") == 0 ||
		    strcmp(spec->name, "scanner") == 0 || strcmp(spec->name, "__unknown") == 0) {
			fail_at(p->line, "plugin '%s' declares reserved option '%s'", p->name, spec->name);
			return -1;
		}
		have = schema_find(s, spec->name);
		if (have) {
			if (have->type != o.type) {
				fail_at(p->line, "plugin '%s' declares option '%s' with a type another plugin "
					"uses differently", p->name, spec->name);
				return -1;
			}
			continue;
		}
		grown = realloc(s->plugin_opts, (s->n_plugin_opts + 3) * sizeof(cfg_opt_t));
		if (!grown)
			return -1;
		s->plugin_opts = grown;
		s->plugin_opts[s->n_plugin_opts++] = o;
	}
	return 0;
}

static cfg_t *schema_instantiate(struct schema *s, bool lenient)
{
	cfg_opt_t tail[] = { CFG_STR("__unknown", NULL, CFGF_NONE), CFG_END() };
	cfg_opt_t root[] = {
		CFG_SEC("watch", watch_opts, CFGF_NONE),
		CFG_SEC("verdict", verdict_opts, CFGF_NONE),
		CFG_SEC("scan", scan_opts, CFGF_NONE),
		CFG_SEC("log", log_opts, CFGF_NONE),
		CFG_SEC("control", control_opts, CFGF_NONE),
		CFG_SEC("quarantine", quarantine_opts, CFGF_NONE),
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
		cfg_set_validate_func(cfg, "watch|exclude", validate_exclude_patterns);
		cfg_set_validate_func(cfg, "watch|exclude_exe", validate_exclude_patterns);
		cfg_set_validate_func(cfg, "watch|exclude_uid", validate_exclude_uid);
		cfg_set_validate_func(cfg, "verdict|policy", validate_policy);
		cfg_set_validate_func(cfg, "verdict|on_timeout", validate_decision);
		cfg_set_validate_func(cfg, "verdict|on_error", validate_decision);
		cfg_set_validate_func(cfg, "scan|isolation", validate_isolation);
		cfg_set_validate_func(cfg, "log|level", validate_log_level);
		cfg_set_validate_func(cfg, "quarantine|on_close_write", validate_on_close_write);
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
	in_comment = cfg_parse_buf(probe, "probe = 1") != CFG_SUCCESS || cfg_getint(probe, "probe") != 1;
	cfg_free(probe);
	return in_comment;
}

static int parse_text(cfg_t *cfg, const char *text)
{
	if (cfg_parse_buf(cfg, text) != CFG_SUCCESS)
		return -1;
	if (parse_ended_in_comment()) {
		fail_at(0, "a /* comment runs to the end of the file (no closing */)");
		return -1;
	}
	return 0;
}

/* ---- reading results ---- */

static char *read_file(const char *path, size_t *len_out)
{
	FILE *f = fopen(path, "re");
	char *buf;
	size_t len;

	if (!f) {
		fail_at(0, "cannot read: %s", strerror(errno));
		return NULL;
	}
	buf = malloc(CONFIG_MAX_BYTES + 1);
	if (!buf) {
		fclose(f);
		return NULL;
	}
	len = fread(buf, 1, CONFIG_MAX_BYTES + 1, f);
	if (ferror(f) || len > CONFIG_MAX_BYTES) {
		fail_at(0, ferror(f) ? "read error" : "larger than %d bytes", CONFIG_MAX_BYTES);
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	/* libconfuse reads a C string: a NUL would hide the rest of the file from it */
	if (memchr(buf, '\0', len)) {
		fail_at(0, "NUL byte in the file");
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	*len_out = len;
	return buf;
}

static const struct conftext_section *find_text_section(const struct conftext_section *secs, size_t n,
							const char *title)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(secs[i].title, title) == 0)
			return &secs[i];
	return NULL;
}

static unsigned key_line(const struct conftext_section *sec, const char *key)
{
	for (size_t i = 0; sec && i < sec->n_keys; i++)
		if (strcmp(sec->keys[i].name, key) == 0)
			return sec->keys[i].line;
	return 0;
}

static bool valid_plugin_name(const char *name)
{
	if (!*name)
		return false;
	for (const char *c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_' || *c == '-'))
			return false;
	return true;
}

/*
 * A plugin that needs the network (clamd) gets a scanner process of its own
 * unless its section names one, so that only its sandbox allows sockets.
 */
static int own_scanner_for_network(struct plugin *p, const struct conftext_section *text)
{
	char *own;

	if (!(p->desc.flags & FG_PLUGIN_NEEDS_NETWORK))
		return 0;
	for (size_t k = 0; text && k < text->n_keys; k++)
		if (strcmp(text->keys[k].name, "scanner") == 0)
			return 0;
	if (!(own = strdup(p->name)))
		return -1;
	free(p->scanner);
	p->scanner = own;
	return 0;
}

/* Pass one: which plugins are enabled and where their shared objects are. */
static int open_enabled_plugins(cfg_t *lenient, const struct conftext_section *secs, size_t n_secs,
				const char *plugin_dir, struct config *out)
{
	unsigned n = cfg_size(lenient, "plugin");
	char so[PATH_MAX];

	out->plugins = calloc(PLUGINS_MAX, sizeof(struct plugin));
	if (!out->plugins)
		return -1;
	for (unsigned i = 0; i < n; i++) {
		cfg_t *sec = cfg_getnsec(lenient, "plugin", i);
		const char *title = cfg_title(sec);
		const struct conftext_section *text = find_text_section(secs, n_secs, title);
		unsigned line = text ? text->line : 0;
		struct plugin *p;

		if (!valid_plugin_name(title)) {
			fail_at(line, "plugin name '%s' must use only a-z, 0-9, '_' and '-'", title);
			return -1;
		}
		if (!cfg_getbool(sec, "enabled")) {
			out->n_disabled++;
			continue;
		}
		if (out->n_plugins == PLUGINS_MAX) {
			fail_at(line, "more than %d plugins enabled", PLUGINS_MAX);
			return -1;
		}
		if (cfg_getstr(sec, "path"))
			resolve_path(cfg_getstr(sec, "path"), so, sizeof(so));
		else
			snprintf(so, sizeof(so), "%s/%s.so", plugin_dir, title);
		p = &out->plugins[out->n_plugins++];
		p->name = strdup(title);
		p->so_path = strdup(so);
		p->scanner = strdup(cfg_getstr(sec, "scanner"));
		p->line = line;
		if (!p->name || !p->so_path || !p->scanner)
			return -1;
		if (!valid_plugin_name(p->scanner)) {
			fail_at(line, "plugin '%s': scanner name '%s' must use only a-z, 0-9, '_' and '-'",
				title, p->scanner);
			return -1;
		}
		char msg[768];
		if (plugin_open(p, msg, sizeof(msg)) != 0) {
			fail_at(line, "%s", msg);
			return -1;
		}
		if (own_scanner_for_network(p, text) != 0)
			return -1;
	}
	return 0;
}

/* Keys an enabled plugin does not declare: libconfuse saw them as another plugin's options. */
static int check_plugin_keys(const struct plugin *p, const struct conftext_section *text)
{
	for (size_t k = 0; text && k < text->n_keys; k++) {
		const char *key = text->keys[k].name;
		bool known = strcmp(key, "enabled") == 0 || strcmp(key, "path") == 0 ||
			     strcmp(key, "scanner") == 0;
		const struct fg_option_spec *spec = p->desc.options;

		for (; spec && spec->name && !known; spec++)
			known = strcmp(spec->name, key) == 0;
		if (!known) {
			char names[512] = "enabled, path, scanner";
			for (spec = p->desc.options; spec && spec->name; spec++)
				snprintf(names + strlen(names), sizeof(names) - strlen(names), ", %s",
					 spec->name);
			fail_at(text->keys[k].line, "plugin '%s' has no option '%s' (its options: %s)",
				p->name, key, names);
			return -1;
		}
	}
	return 0;
}

static int copy_plugin_options(struct plugin *p, cfg_t *sec, const struct conftext_section *text)
{
	const struct fg_option_spec *spec = p->desc.options;
	char resolved[PATH_MAX];

	p->opts = options_new(p->name, current->path, spec);
	if (!p->opts)
		return -1;
	for (size_t i = 0; i < p->opts->n; i++) {
		struct option_value *v = &p->opts->values[i];
		const char *name = v->spec->name;

		v->line = key_line(text, name);
		switch (v->spec->type) {
		case FG_OPT_BOOL:
			v->b = cfg_getbool(sec, name);
			break;
		case FG_OPT_INT:
			v->i = cfg_getint(sec, name);
			break;
		case FG_OPT_STRING:
			if (cfg_getstr(sec, name) && !(v->s = strdup(cfg_getstr(sec, name))))
				return -1;
			break;
		case FG_OPT_STRING_LIST:
		case FG_OPT_PATH_LIST:
			for (unsigned j = 0; j < cfg_size(sec, name); j++) {
				const char *item = cfg_getnstr(sec, name, j);
				if (v->spec->type == FG_OPT_PATH_LIST) {
					resolve_path(item, resolved, sizeof(resolved));
					item = resolved;
				}
				if (options_list_append(v, item) < 0)
					return -1;
			}
			break;
		default:
			fail_at(p->line, "plugin '%s' declares option '%s' of unknown type %d", p->name,
				name, (int)v->spec->type);
			return -1;
		}
	}
	return 0;
}

/*
 * value as event paths will show it (they come from /proc/self/fd): resolved
 * against the config's folder, then canonical if it exists, else normalized
 * lexically unless it must exist. -1 with errno set; resolved is for messages.
 */
static int canonical_path(const char *value, bool must_exist, char resolved[PATH_MAX],
			  char canonical[PATH_MAX])
{
	resolve_path(value, resolved, PATH_MAX);
	if (realpath(resolved, canonical))
		return 0;
	return must_exist || path_normalize(resolved, canonical, PATH_MAX) != 0 ? -1 : 0;
}

static int copy_path_list(cfg_t *sec, const char *name, bool must_exist, char ***out, size_t *n_out)
{
	unsigned n = cfg_size(sec, name);
	char resolved[PATH_MAX], canonical[PATH_MAX];

	*out = calloc(n ? n : 1, sizeof(char *));
	if (!*out)
		return -1;
	for (unsigned i = 0; i < n; i++) {
		if (canonical_path(cfg_getnstr(sec, name, i), must_exist, resolved, canonical) != 0) {
			fail_at(0, "option '%s': %s: %s", name, resolved, strerror(errno));
			return -1;
		}
		if (!((*out)[(*n_out)++] = strdup(canonical)))
			return -1;
	}
	return 0;
}

/* Plain entries like copy_path_list (canonical if they exist), globs compiled (checked before). */
static int copy_path_set(cfg_t *sec, const char *name, struct path_set *out)
{
	unsigned n = cfg_size(sec, name);
	char resolved[PATH_MAX], canonical[PATH_MAX], reason[256];

	out->prefix = calloc(n ? n : 1, sizeof(*out->prefix));
	out->glob = calloc(n ? n : 1, sizeof(*out->glob));
	if (!out->prefix || !out->glob)
		return -1;
	for (unsigned i = 0; i < n; i++) {
		const char *v = cfg_getnstr(sec, name, i);

		if (path_has_glob(v)) {
			if (path_glob_compile(v, &out->glob[out->n_glob], reason, sizeof(reason)) != 0) {
				fail_at(0, "option '%s': bad pattern \"%s\": %s", name, v, reason);
				return -1;
			}
			out->n_glob++;
			continue;
		}
		if (canonical_path(v, false, resolved, canonical) != 0) {
			fail_at(0, "option '%s': %s: %s", name, resolved, strerror(errno));
			return -1;
		}
		if (!(out->prefix[out->n_prefix++] = strdup(canonical)))
			return -1;
	}
	return 0;
}

/* Half-filled sets on failure are released by config_free. */
static int copy_exclusions(cfg_t *watch, struct config *out)
{
	if (copy_path_set(watch, "exclude", &out->exclude) != 0 ||
	    copy_path_set(watch, "exclude_exe", &out->exclude_exe) != 0)
		return -1;
	out->exclude_uid = calloc(cfg_size(watch, "exclude_uid") + 1, sizeof(uid_t));
	if (!out->exclude_uid)
		return -1;
	for (unsigned i = 0; i < cfg_size(watch, "exclude_uid"); i++)
		if (parse_uid(cfg_getnstr(watch, "exclude_uid", i),
			      &out->exclude_uid[out->n_exclude_uid++]) != 0)
			return -1; /* validated already: only a lookup failing now gets here */
	return 0;
}

/* The folder as event paths will show it (canonical), whether or not it exists yet. */
static int copy_quarantine_options(cfg_t *sec, struct config *out)
{
	char resolved[PATH_MAX], canonical[PATH_MAX];

	if (!cfg_getstr(sec, "dir")[0]) {
		fail_at(0, "quarantine { dir } must not be empty");
		return -1;
	}
	if (canonical_path(cfg_getstr(sec, "dir"), false, resolved, canonical) != 0) {
		fail_at(0, "quarantine { dir }: %s: %s", resolved, strerror(errno));
		return -1;
	}
	if (!(out->quarantine_dir = strdup(canonical)))
		return -1;
	out->quarantine_on_close_write = strcmp(cfg_getstr(sec, "on_close_write"), "quarantine") == 0;
	if (out->quarantine_on_close_write && !(out->events & CONFIG_EVENT_CLOSE_WRITE)) {
		fail_at(0, "quarantine { on_close_write = \"quarantine\" } needs \"close_write\" in "
			"watch { events }");
		return -1;
	}
	return 0;
}

static int copy_core_options(cfg_t *cfg, struct config *out)
{
	char resolved_socket[PATH_MAX];
	cfg_t *watch = cfg_getsec(cfg, "watch"), *verdict = cfg_getsec(cfg, "verdict");
	cfg_t *scan = cfg_getsec(cfg, "scan"), *log = cfg_getsec(cfg, "log");

	if (copy_path_list(watch, "paths", true, &out->watch, &out->n_watch) < 0 ||
	    copy_exclusions(watch, out) < 0)
		return -1;
	for (unsigned i = 0; i < cfg_size(watch, "events"); i++) {
		const char *ev = cfg_getnstr(watch, "events", i);
		out->events |= strcmp(ev, "open") == 0   ? CONFIG_EVENT_OPEN
			       : strcmp(ev, "exec") == 0 ? CONFIG_EVENT_EXEC
							 : CONFIG_EVENT_CLOSE_WRITE;
	}
	out->max_file_size = (unsigned long long)cfg_getint(watch, "max_file_size");
	verdict_policy_from_name(cfg_getstr(verdict, "policy"), &out->verdict.policy);
	verdict_decision_from_name(cfg_getstr(verdict, "on_error"), &out->verdict.on_error);
	verdict_decision_from_name(cfg_getstr(verdict, "on_timeout"), &out->on_timeout);
	out->timeout_ms = (unsigned)cfg_getint(verdict, "timeout_ms");
	out->workers = (unsigned)cfg_getint(scan, "workers");
	out->max_inflight = (unsigned)cfg_getint(scan, "max_inflight");
	out->cache_size = (unsigned)cfg_getint(scan, "cache_size");
	out->isolate = strcmp(cfg_getstr(scan, "isolation"), "process") == 0;
	if (!(out->scan_user = strdup(cfg_getstr(scan, "user"))))
		return -1;
	out->seccomp = cfg_getbool(scan, "seccomp");
	out->memory_limit_mb = (unsigned)cfg_getint(scan, "memory_limit_mb");
	out->restart_limit = (unsigned)cfg_getint(scan, "restart_limit");
	out->restart_window_s = (unsigned)cfg_getint(scan, "restart_window_s");
	out->log_level = log_level_from_name(cfg_getstr(log, "level"));
	resolved_socket[0] = '\0';
	if (cfg_getstr(cfg_getsec(cfg, "control"), "socket")[0])
		resolve_path(cfg_getstr(cfg_getsec(cfg, "control"), "socket"), resolved_socket,
			     sizeof(resolved_socket));
	if (!(out->control_socket = strdup(resolved_socket)))
		return -1;
	out->log_syslog = cfg_getbool(log, "syslog");
	{
		const char *events = cfg_getstr(log, "events");
		char resolved[PATH_MAX];

		if (events[0] && strcmp(events, "-") != 0)
			resolve_path(events, resolved, sizeof(resolved));
		else
			snprintf(resolved, sizeof(resolved), "%s", events);
		if (!(out->event_log = strdup(resolved)))
			return -1;
	}
	return copy_quarantine_options(cfg_getsec(cfg, "quarantine"), out);
}

/* Pass two: the whole file, strictly, with the enabled plugins' options known. */
static int load_strict(char *text, const struct conftext_section *secs, size_t n_secs,
		       struct config *out)
{
	struct schema schema;
	cfg_t *cfg = NULL;
	int rc = -1;

	schema_init(&schema);
	if (!schema.plugin_opts)
		return -1;
	for (size_t i = 0; i < out->n_plugins; i++)
		if (schema_add_plugin(&schema, &out->plugins[i]) < 0)
			goto done;
	cfg = schema_instantiate(&schema, false);
	if (!cfg || parse_text(cfg, text) != 0)
		goto done;
	if (copy_core_options(cfg, out) < 0)
		goto done;
	for (size_t i = 0; i < out->n_plugins; i++) {
		struct plugin *p = &out->plugins[i];
		const struct conftext_section *ts = find_text_section(secs, n_secs, p->name);
		if (check_plugin_keys(p, ts) < 0 ||
		    copy_plugin_options(p, cfg_gettsec(cfg, "plugin", p->name), ts) < 0)
			goto done;
	}
	rc = 0;
done:
	if (cfg)
		cfg_free(cfg);
	free(schema.plugin_opts);
	return rc;
}

static int load(const char *plugin_dir, struct config *out)
{
	struct conftext_section *secs = NULL;
	size_t n_secs = 0, len = 0;
	struct schema schema;
	cfg_t *lenient = NULL;
	char *text;
	int rc = -1;

	if (!(text = read_file(out->path, &len)))
		return -1;
	if (conftext_plugin_sections(text, len, &secs, &n_secs) < 0)
		goto done;
	schema_init(&schema);
	if (!schema.plugin_opts)
		goto done;
	lenient = schema_instantiate(&schema, true);
	if (!lenient || parse_text(lenient, text) != 0)
		goto free_schema;
	if (open_enabled_plugins(lenient, secs, n_secs, plugin_dir, out) < 0)
		goto free_schema;
	/* A disabled plugin is never loaded, so its options are unknown: leave them unread. */
	for (unsigned i = 0; i < cfg_size(lenient, "plugin"); i++) {
		cfg_t *sec = cfg_getnsec(lenient, "plugin", i);
		const struct conftext_section *ts = find_text_section(secs, n_secs, cfg_title(sec));
		if (!cfg_getbool(sec, "enabled") && ts)
			conftext_blank(text, ts->start, ts->end);
	}
	rc = load_strict(text, secs, n_secs, out);
free_schema:
	if (lenient)
		cfg_free(lenient);
	free(schema.plugin_opts);
done:
	conftext_free(secs, n_secs);
	free(text);
	return rc;
}

int config_load(const char *path, const char *plugin_dir, struct config *cfg, char *err,
		size_t errlen)
{
	struct load_ctx ctx = { .path = path, .err = err, .errlen = errlen };
	char *slash;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	err[0] = '\0';
	cfg->path = strdup(path);
	/* An absolute folder keeps relative paths right whatever the working directory becomes. */
	cfg->dir = realpath(path, NULL);
	if (!cfg->dir && errno != ENOMEM) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		config_free(cfg);
		return -1;
	}
	if (!cfg->path || !cfg->dir) {
		snprintf(err, errlen, "%s: out of memory", path);
		config_free(cfg);
		return -1;
	}
	if (trust_check("configuration", path, err, errlen) != 0) {
		config_free(cfg);
		return -1;
	}
	slash = strrchr(cfg->dir, '/');
	if (slash == cfg->dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		strcpy(cfg->dir, ".");
	ctx.dir = cfg->dir;
	current = &ctx;
	rc = load(plugin_dir, cfg);
	current = NULL;
	if (rc != 0) {
		if (!ctx.failed)
			snprintf(err, errlen, "%s: cannot load configuration (out of memory?)", path);
		config_free(cfg);
		return -1;
	}
	return 0;
}

void config_free(struct config *cfg)
{
	for (size_t i = 0; i < cfg->n_watch; i++)
		free(cfg->watch[i]);
	for (size_t i = 0; cfg->plugins && i < cfg->n_plugins; i++)
		plugin_close(&cfg->plugins[i]);
	free(cfg->watch);
	path_set_free(&cfg->exclude);
	path_set_free(&cfg->exclude_exe);
	free(cfg->exclude_uid);
	free(cfg->plugins);
	free(cfg->path);
	free(cfg->scan_user);
	free(cfg->control_socket);
	free(cfg->event_log);
	free(cfg->quarantine_dir);
	free(cfg->dir);
	memset(cfg, 0, sizeof(*cfg));
}

static bool same_string(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

static void name_change(char *out, size_t outsize, bool changed, const char *name)
{
	size_t used = strlen(out);

	if (changed && used < outsize)
		snprintf(out + used, outsize - used, "%s%s", used ? ", " : "", name);
}

void config_restart_needed(const struct config *running, const struct config *fresh,
			   char *out, size_t outsize)
{
	bool watch = running->n_watch != fresh->n_watch;

	if (!outsize)
		return;
	out[0] = '\0';
	for (size_t i = 0; !watch && i < running->n_watch; i++)
		watch = strcmp(running->watch[i], fresh->watch[i]) != 0;
	name_change(out, outsize, watch, "watch.paths");
	name_change(out, outsize, running->events != fresh->events, "watch.events");
	name_change(out, outsize, running->max_file_size != fresh->max_file_size,
		    "watch.max_file_size");
	name_change(out, outsize,
		    running->verdict.policy != fresh->verdict.policy ||
			    running->verdict.on_error != fresh->verdict.on_error ||
			    running->timeout_ms != fresh->timeout_ms ||
			    running->on_timeout != fresh->on_timeout,
		    "verdict");
	name_change(out, outsize,
		    running->max_inflight != fresh->max_inflight ||
			    running->cache_size != fresh->cache_size ||
			    running->isolate != fresh->isolate ||
			    running->memory_limit_mb != fresh->memory_limit_mb ||
			    running->restart_limit != fresh->restart_limit ||
			    running->restart_window_s != fresh->restart_window_s,
		    "scan");
	name_change(out, outsize,
		    running->log_level != fresh->log_level ||
			    running->log_syslog != fresh->log_syslog ||
			    !same_string(running->event_log, fresh->event_log),
		    "log");
	name_change(out, outsize, !same_string(running->control_socket, fresh->control_socket),
		    "control");
	name_change(out, outsize,
		    !same_string(running->quarantine_dir, fresh->quarantine_dir) ||
			    running->quarantine_on_close_write != fresh->quarantine_on_close_write,
		    "quarantine");
}
