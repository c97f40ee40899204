/*
 * Loading fanguard.conf in two passes, because libconfuse must know every key
 * before it parses but each plugin declares its own: a lenient pass finds and
 * opens the enabled plugins, a strict pass then parses the whole file with
 * their options known. The pieces are in config_schema.c, config_plugins.c
 * and config_copy.c.
 */
#include "common/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/config_internal.h"
#include "common/conftext.h"
#include "common/path.h"
#include "common/trust.h"

#define CONFIG_MAX_BYTES (1 << 20)

static char *read_file(const char *path, size_t *len_out)
{
	FILE *f = fopen(path, "re");
	char *buf;
	size_t len;

	if (!f) {
		config_fail_at(0, "cannot read: %s", strerror(errno));
		return NULL;
	}
	buf = malloc(CONFIG_MAX_BYTES + 1);
	if (!buf) {
		fclose(f);
		return NULL;
	}
	len = fread(buf, 1, CONFIG_MAX_BYTES + 1, f);
	if (ferror(f) || len > CONFIG_MAX_BYTES) {
		config_fail_at(0, ferror(f) ? "read error" : "larger than %d bytes",
			       CONFIG_MAX_BYTES);
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	/* libconfuse reads a C string: a NUL would hide the rest of the file from it */
	if (memchr(buf, '\0', len)) {
		config_fail_at(0, "NUL byte in the file");
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	*len_out = len;
	return buf;
}

/* Pass two: the whole file, strictly, with the enabled plugins' options known. */
static int load_strict(char *text, const struct conftext_section *secs, size_t n_secs,
		       struct config *out)
{
	struct schema schema;
	cfg_t *cfg = NULL;
	int rc = -1;

	config_schema_init(&schema);
	if (!schema.plugin_opts)
		return -1;
	for (size_t i = 0; i < out->n_plugins; i++)
		if (config_schema_add_plugin(&schema, &out->plugins[i]) < 0)
			goto done;
	/* before libconfuse, whose "no such option" would not say whose options there are */
	if (config_check_plugin_keys(secs, n_secs, out) < 0)
		goto done;
	cfg = config_schema_instantiate(&schema, false);
	if (!cfg || config_parse_text(cfg, text) != 0)
		goto done;
	config_current->text = text;
	if (config_copy_core_options(cfg, out) < 0 ||
	    config_copy_plugins(cfg, secs, n_secs, out) < 0)
		goto done;
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
	config_schema_init(&schema);
	if (!schema.plugin_opts)
		goto done;
	lenient = config_schema_instantiate(&schema, true);
	if (!lenient || config_check_structure(lenient, text, len) != 0 ||
	    config_parse_text(lenient, text) != 0)
		goto free_schema;
	if (config_open_enabled_plugins(lenient, secs, n_secs, plugin_dir, out) < 0)
		goto free_schema;
	/* A disabled plugin is never loaded, so its options are unknown: leave them unread. */
	for (unsigned i = 0; i < cfg_size(lenient, "plugin"); i++) {
		cfg_t *sec = cfg_getnsec(lenient, "plugin", i);
		const struct conftext_section *ts =
			config_find_text_section(secs, n_secs, cfg_title(sec));
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
	config_current = &ctx;
	rc = load(plugin_dir, cfg);
	config_current = NULL;
	if (rc != 0) {
		if (!ctx.failed)
			snprintf(err, errlen, "%s: cannot load configuration (out of memory?)",
				 path);
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
	policy_set_free(&cfg->policy);
	free(cfg->plugins);
	free(cfg->path);
	free(cfg->scan_user);
	free(cfg->control_socket);
	free(cfg->event_log);
	free(cfg->quarantine_dir);
	free(cfg->dir);
	config_schedule_free(&cfg->schedule);
	memset(cfg, 0, sizeof(*cfg));
}
