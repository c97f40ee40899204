/*
 * The `plugin NAME { ... }` sections. libconfuse has one schema for every
 * section of a kind, so it is built from the options all enabled plugins
 * declare; what the schema cannot tell (which keys belong to which plugin)
 * comes from the text scan of conftext.c.
 */
#include "common/config_internal.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/options.h"
#include "common/plugin_host.h"
#include "common/trust.h"

/* The fixed entries of every plugin section; the plugins' own options follow. */
#define PLUGIN_FIXED_OPTS 3

void config_schema_init(struct schema *s)
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
		cfg_opt_t o =
			CFG_BOOL(spec->name, def && strcmp(def, "true") == 0 ? cfg_true : cfg_false,
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

int config_schema_add_plugin(struct schema *s, const struct plugin *p)
{
	const struct fg_option_spec *spec = p->desc.options;

	for (; spec && spec->name; spec++) {
		cfg_opt_t o = spec_to_opt(spec), *have, *grown;

		if (strcmp(spec->name, "enabled") == 0 || strcmp(spec->name, "path") == 0 ||
		    strcmp(spec->name, "scanner") == 0 || strcmp(spec->name, "__unknown") == 0) {
			config_fail_at(p->line, "plugin '%s' declares reserved option '%s'",
				       p->name, spec->name);
			return -1;
		}
		have = schema_find(s, spec->name);
		if (have) {
			if (have->type != o.type) {
				config_fail_at(p->line,
					       "plugin '%s' declares option '%s' with a type "
					       "another plugin uses differently",
					       p->name, spec->name);
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

const struct conftext_section *config_find_text_section(const struct conftext_section *secs,
							size_t n, const char *title)
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
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_' ||
		      *c == '-'))
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

int config_open_enabled_plugins(cfg_t *lenient, const struct conftext_section *secs, size_t n_secs,
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
		const struct conftext_section *text = config_find_text_section(secs, n_secs, title);
		unsigned line = text ? text->line : 0;
		struct plugin *p;

		if (!valid_plugin_name(title)) {
			config_fail_at(line, "plugin name '%s' must use only a-z, 0-9, '_' and '-'",
				       title);
			return -1;
		}
		if (!cfg_getbool(sec, "enabled")) {
			out->n_disabled++;
			continue;
		}
		if (out->n_plugins == PLUGINS_MAX) {
			config_fail_at(line, "more than %d plugins enabled", PLUGINS_MAX);
			return -1;
		}
		if (cfg_getstr(sec, "path"))
			config_resolve_path(cfg_getstr(sec, "path"), so, sizeof(so));
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
			config_fail_at(line,
				       "plugin '%s': scanner name '%s' must use only a-z, 0-9, "
				       "'_' and '-'",
				       title, p->scanner);
			return -1;
		}
		char msg[768];
		if (plugin_open(p, msg, sizeof(msg)) != 0) {
			config_fail_at(line, "%s", msg);
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
				snprintf(names + strlen(names), sizeof(names) - strlen(names),
					 ", %s", spec->name);
			config_fail_at(text->keys[k].line,
				       "plugin '%s' has no option '%s' (its options: %s)", p->name,
				       key, names);
			return -1;
		}
	}
	return 0;
}

/* What a plugin's path option names is loaded as root: it must be as safe as the config. */
static int check_data(const struct plugin *p, const struct option_value *v, const char *path)
{
	char what[160], err[PATH_MAX + 256];

	snprintf(what, sizeof(what), "plugin %s %s", p->name, v->spec->name);
	if (trust_check_data(what, path, err, sizeof(err)) == 0)
		return 0;
	config_fail_at(v->line ? v->line : p->line, "%s", err);
	return -1;
}

/*
 * The plugin's own defaults. Every plugin section shares one libconfuse
 * schema, whose default for an option two plugins declare is the first one's
 * (yara's max_file_size would read clamav's 100 MiB): an option a section
 * does not set is read from a config of this plugin's options alone.
 */
static cfg_t *own_defaults(const struct fg_option_spec *spec)
{
	size_t n = 0;
	cfg_opt_t *opts;
	cfg_t *cfg;

	while (spec && spec[n].name)
		n++;
	if (!(opts = calloc(n + 1, sizeof(*opts))))
		return NULL;
	for (size_t i = 0; i < n; i++)
		opts[i] = spec_to_opt(&spec[i]);
	opts[n] = (cfg_opt_t)CFG_END();
	cfg = cfg_init(opts, CFGF_NONE);
	free(opts); /* cfg_init copied them */
	if (cfg && cfg_parse_buf(cfg, "") != CFG_SUCCESS) {
		cfg_free(cfg);
		cfg = NULL;
	}
	return cfg;
}

static bool option_set(cfg_t *sec, const char *name)
{
	cfg_opt_t *opt = sec ? cfg_getopt(sec, name) : NULL;

	return opt && (opt->flags & CFGF_MODIFIED);
}

static int copy_plugin_options(struct plugin *p, cfg_t *sec, const struct conftext_section *text)
{
	const struct fg_option_spec *spec = p->desc.options;
	char resolved[PATH_MAX];
	cfg_t *defaults;
	int rc = -1;

	p->opts = options_new(p->name, config_current->path, spec);
	if (!p->opts || !(defaults = own_defaults(spec)))
		return -1;
	for (size_t i = 0; i < p->opts->n; i++) {
		struct option_value *v = &p->opts->values[i];
		const char *name = v->spec->name;
		cfg_t *sec_or_default = option_set(sec, name) ? sec : defaults;

		v->line = key_line(text, name);
		switch (v->spec->type) {
		case FG_OPT_BOOL: v->b = cfg_getbool(sec_or_default, name); break;
		case FG_OPT_INT: v->i = cfg_getint(sec_or_default, name); break;
		case FG_OPT_STRING:
			if (cfg_getstr(sec_or_default, name) &&
			    !(v->s = strdup(cfg_getstr(sec_or_default, name))))
				goto out;
			break;
		case FG_OPT_STRING_LIST:
		case FG_OPT_PATH_LIST:
			for (unsigned j = 0; j < cfg_size(sec_or_default, name); j++) {
				const char *item = cfg_getnstr(sec_or_default, name, j);
				if (v->spec->type == FG_OPT_PATH_LIST) {
					config_resolve_path(item, resolved, sizeof(resolved));
					item = resolved;
					if (check_data(p, v, item) < 0)
						goto out;
				}
				if (options_list_append(v, item) < 0)
					goto out;
			}
			break;
		default:
			config_fail_at(p->line,
				       "plugin '%s' declares option '%s' of unknown type %d",
				       p->name, name, (int)v->spec->type);
			goto out;
		}
	}
	rc = 0;
out:
	cfg_free(defaults);
	return rc;
}

int config_check_plugin_keys(const struct conftext_section *secs, size_t n_secs,
			     const struct config *out)
{
	for (size_t i = 0; i < out->n_plugins; i++)
		if (check_plugin_keys(
			    &out->plugins[i],
			    config_find_text_section(secs, n_secs, out->plugins[i].name)) < 0)
			return -1;
	return 0;
}

int config_copy_plugins(cfg_t *cfg, const struct conftext_section *secs, size_t n_secs,
			struct config *out)
{
	for (size_t i = 0; i < out->n_plugins; i++) {
		struct plugin *p = &out->plugins[i];
		const struct conftext_section *ts = config_find_text_section(secs, n_secs, p->name);
		if (copy_plugin_options(p, cfg_gettsec(cfg, "plugin", p->name), ts) < 0)
			return -1;
	}
	return 0;
}
