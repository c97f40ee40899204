/* What the daemon and the CLI share at start-up: config, started plugins, engine. */
#ifndef FANGUARD_RUNTIME_H
#define FANGUARD_RUNTIME_H

#include "common/config.h"
#include "scanner/engine.h"

struct runtime {
	struct config cfg;
	struct engine engine;
	/*
	 * Set between runtime_open and runtime_start by fanguardd and its scanners:
	 * an open waits timeout_ms for these plugins' verdict, and they are told so
	 * (host API timeout_ms). The CLI's own scans keep it false: nobody waits.
	 */
	bool answers_opens;
};

/* Loads the config and opens (dlopen) the enabled plugins without starting them. */
int runtime_open(struct runtime *rt, const char *config_path, char *err, size_t errlen);
/*
 * Starts every opened plugin, or only those of scanner process `group` (which
 * the engine then holds, moved to the front of the plugin array).
 */
int runtime_start(struct runtime *rt, const char *group, char *err, size_t errlen);
/*
 * Unloads the code (and options) of plugins that were opened but not started:
 * a daemon whose plugins run in scanner processes needs only their names.
 */
void runtime_unload_plugin_code(struct runtime *rt);
/* runtime_open + runtime_start of all. Message in err on failure. */
int runtime_load(struct runtime *rt, const char *config_path, char *err, size_t errlen);
/* Stops the plugins and frees the config. */
void runtime_unload(struct runtime *rt);
/* Scan threads per pipeline or scanner process: scan.workers, or one per online CPU. */
unsigned runtime_workers(const struct runtime *rt);
/* The same from a config alone (the daemon counting a scanner's threads). */
unsigned runtime_workers_of(const struct config *cfg);
/* Whether background scans run (scan-ahead or re-scans after a reload): one thread more. */
bool runtime_background_scans(const struct config *cfg);
/* "clamav 0.1.0 (12 signatures), yara 0.1.0 (3 signatures)" */
void runtime_describe_plugins(const struct runtime *rt, char *buf, size_t bufsize);

#endif
