#include "common/options.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/trust.h"

struct fg_options *options_new(const char *plugin, const char *config_path,
			       const struct fg_option_spec *specs)
{
	struct fg_options *opts = calloc(1, sizeof(*opts));
	size_t n = 0;

	if (!opts)
		return NULL;
	while (specs && specs[n].name)
		n++;
	opts->plugin = strdup(plugin);
	opts->config_path = strdup(config_path ? config_path : "");
	opts->values = calloc(n ? n : 1, sizeof(*opts->values));
	if (!opts->plugin || !opts->config_path || !opts->values) {
		options_free(opts);
		return NULL;
	}
	opts->n = n;
	for (size_t i = 0; i < n; i++)
		opts->values[i].spec = &specs[i];
	return opts;
}

void options_free(struct fg_options *opts)
{
	if (!opts)
		return;
	for (size_t i = 0; i < opts->n; i++) {
		free(opts->values[i].s);
		for (size_t j = 0; j < opts->values[i].count; j++)
			free(opts->values[i].list[j]);
		free(opts->values[i].list);
	}
	free(opts->values);
	free(opts->plugin);
	free(opts->config_path);
	free(opts);
}

struct option_value *options_find(struct fg_options *opts, const char *name)
{
	for (size_t i = 0; opts && name && i < opts->n; i++)
		if (strcmp(opts->values[i].spec->name, name) == 0)
			return &opts->values[i];
	return NULL;
}

int options_list_append(struct option_value *v, const char *item)
{
	char **list = realloc(v->list, (v->count + 1) * sizeof(*list));

	if (!list)
		return -1;
	v->list = list;
	if (!(list[v->count] = strdup(item)))
		return -1;
	v->count++;
	return 0;
}

/* A plugin asking for an option it never declared is a plugin bug: say so once per call. */
static const struct option_value *lookup(const struct fg_options *opts, const char *name,
					 enum fg_option_type type)
{
	const struct option_value *v = options_find((struct fg_options *)opts, name);
	bool list_type = type == FG_OPT_STRING_LIST || type == FG_OPT_PATH_LIST;

	if (!v) {
		log_error("plugin %s: asked for undeclared option '%s'", opts ? opts->plugin : "?",
			  name ? name : "(null)");
		return NULL;
	}
	if (list_type !=
		    (v->spec->type == FG_OPT_STRING_LIST || v->spec->type == FG_OPT_PATH_LIST) ||
	    (!list_type && v->spec->type != type)) {
		log_error("plugin %s: option '%s' read with the wrong type", opts->plugin, name);
		return NULL;
	}
	return v;
}

static void host_log(const struct fg_options *opts, enum fg_log_level level, const char *fmt, ...)
{
	char msg[900];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_msg((int)level, "plugin %s: %s", opts ? opts->plugin : "?", msg);
}

static int host_opt_bool(const struct fg_options *opts, const char *name)
{
	const struct option_value *v = lookup(opts, name, FG_OPT_BOOL);
	return v ? v->b : 0;
}

static long long host_opt_int(const struct fg_options *opts, const char *name)
{
	const struct option_value *v = lookup(opts, name, FG_OPT_INT);
	return v ? v->i : 0;
}

static const char *host_opt_string(const struct fg_options *opts, const char *name)
{
	const struct option_value *v = lookup(opts, name, FG_OPT_STRING);
	return v ? v->s : NULL;
}

static size_t host_opt_list_count(const struct fg_options *opts, const char *name)
{
	const struct option_value *v = lookup(opts, name, FG_OPT_STRING_LIST);
	return v ? v->count : 0;
}

static const char *host_opt_list_item(const struct fg_options *opts, const char *name, size_t index)
{
	const struct option_value *v = lookup(opts, name, FG_OPT_STRING_LIST);
	return v && index < v->count ? v->list[index] : NULL;
}

static const char *host_opt_origin(const struct fg_options *opts, const char *name, unsigned *line)
{
	const struct option_value *v = options_find((struct fg_options *)opts, name);

	if (line)
		*line = v ? v->line : 0;
	return v && v->line ? opts->config_path : "";
}

static int host_check_data_file(const struct fg_options *opts, const char *path, char *err,
				size_t err_size)
{
	(void)opts;
	return trust_check_data("plugin data", path, err, err_size);
}

static unsigned host_timeout_ms(const struct fg_options *opts)
{
	return opts ? opts->timeout_ms : 0;
}

const struct fg_host_api options_host_api = {
	.struct_size = sizeof(struct fg_host_api),
	.log = host_log,
	.opt_bool = host_opt_bool,
	.opt_int = host_opt_int,
	.opt_string = host_opt_string,
	.opt_list_count = host_opt_list_count,
	.opt_list_item = host_opt_list_item,
	.opt_origin = host_opt_origin,
	.check_data_file = host_check_data_file,
	.timeout_ms = host_timeout_ms,
};
