#include "scanner/runtime.h"

#include <dlfcn.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/install_paths.h"
#include "common/log.h"
#include "scanner/allocator.h"

int runtime_open(struct runtime *rt, const char *config_path, char *err, size_t errlen)
{
	memset(rt, 0, sizeof(*rt));
	if (config_load(config_path, install_plugin_dir(), &rt->cfg, err, errlen) != 0)
		return -1;
	if (rt->cfg.n_plugins == 0) {
		snprintf(err, errlen,
			 "%s: no plugin is enabled; enable at least one `plugin NAME { }`",
			 config_path);
		config_free(&rt->cfg);
		return -1;
	}
	/* the engine of an opened runtime names the plugins; scanning needs them started */
	if (engine_init(&rt->engine, rt->cfg.plugins, rt->cfg.n_plugins, &rt->cfg.verdict, err,
			errlen) != 0) {
		config_free(&rt->cfg);
		return -1;
	}
	return 0;
}

/* Moves the plugins of scanner `group` to the front, keeping the config's order. */
static size_t gather_group(struct config *cfg, const char *group)
{
	size_t k = 0;

	for (size_t i = 0; i < cfg->n_plugins; i++) {
		if (strcmp(cfg->plugins[i].scanner, group) != 0)
			continue;
		struct plugin member = cfg->plugins[i];
		memmove(&cfg->plugins[k + 1], &cfg->plugins[k], (i - k) * sizeof(member));
		cfg->plugins[k++] = member;
	}
	return k;
}

int runtime_start(struct runtime *rt, const char *group, char *err, size_t errlen)
{
	size_t n = rt->cfg.n_plugins;

	if (group && (n = gather_group(&rt->cfg, group)) == 0) {
		snprintf(err, errlen, "%s: no enabled plugin runs in scanner '%s'", rt->cfg.path,
			 group);
		return -1;
	}
	allocator_keep_scan_buffers();
	for (size_t i = 0; i < n; i++) {
		struct plugin *p = &rt->cfg.plugins[i];
		/* what a plugin with its own time limit keeps below (host API timeout_ms) */
		p->opts->timeout_ms = rt->answers_opens ? rt->cfg.timeout_ms : 0;
		if (plugin_start(p, err, errlen) != 0)
			return -1;
		log_info("plugin %s %s loaded from %s", p->name,
			 p->desc.version ? p->desc.version : "?", p->so_path);
	}
	/* a scanner process: its engine is its own plugins, in config order */
	return engine_init(&rt->engine, rt->cfg.plugins, n, &rt->cfg.verdict, err, errlen);
}

void runtime_unload_plugin_code(struct runtime *rt)
{
	for (size_t i = 0; i < rt->cfg.n_plugins; i++) {
		struct plugin *p = &rt->cfg.plugins[i];
		if (p->started)
			continue;
		options_free(p->opts); /* its specs live in the plugin's memory */
		p->opts = NULL;
		memset(&p->desc, 0, sizeof(p->desc));
		if (p->dl)
			dlclose(p->dl);
		p->dl = NULL;
	}
}

int runtime_load(struct runtime *rt, const char *config_path, char *err, size_t errlen)
{
	if (runtime_open(rt, config_path, err, errlen) != 0)
		return -1;
	if (runtime_start(rt, NULL, err, errlen) != 0) {
		config_free(&rt->cfg);
		return -1;
	}
	return 0;
}

void runtime_unload(struct runtime *rt)
{
	config_free(&rt->cfg);
}

void runtime_describe_plugins(const struct runtime *rt, char *buf, size_t bufsize)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < rt->cfg.n_plugins && len < bufsize; i++) {
		const struct plugin *p = &rt->cfg.plugins[i];
		char limit[64];
		int n;

		plugin_format_limit(p->size_limit, limit, sizeof(limit));
		if (p->started && p->desc.signature_count)
			n = snprintf(buf + len, bufsize - len,
				     "%s%s %s (%" PRIu64 " signatures, %s)", i ? ", " : "", p->name,
				     p->desc.version ? p->desc.version : "?",
				     p->desc.signature_count(p->state), limit);
		else
			n = snprintf(buf + len, bufsize - len, "%s%s %s (%s)", i ? ", " : "",
				     p->name, p->desc.version ? p->desc.version : "?", limit);
		if (n < 0)
			break;
		len += (size_t)n;
	}
}

unsigned runtime_workers_of(const struct config *cfg)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned n = cfg->workers ? cfg->workers : cpus > 0 ? (unsigned)cpus : 1;

	/*
	 * One thread more for background scans (scan-ahead, re-scans after a
	 * reload): the pipeline runs at most one at a time, and only while a
	 * thread is idle, so an open never waits for a thread because of one.
	 */
	return runtime_background_scans(cfg) ? n + 1 : n;
}

bool runtime_background_scans(const struct config *cfg)
{
	return cfg->cache_size > 0 && (cfg->events & (CONFIG_EVENT_OPEN | CONFIG_EVENT_EXEC)) &&
	       (cfg->scan_ahead || cfg->rescan_after_reload > 0);
}

unsigned runtime_workers(const struct runtime *rt)
{
	return runtime_workers_of(&rt->cfg);
}
