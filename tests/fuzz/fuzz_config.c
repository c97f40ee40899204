/*
 * libFuzzer target for the config loader: config_load() on arbitrary bytes.
 *
 * The input is written to one config file in a private temporary folder (made
 * once, rewritten per input), so relative paths in the input resolve against
 * that folder. Plugins come from the build tree (FUZZ_PLUGIN_DIR, or the
 * FANGUARD_PLUGIN_DIR environment variable): config_load dlopen()s the
 * enabled ones and reads their option declarations, so their schemas are
 * fuzzed too; it never initializes a plugin (no signatures are loaded).
 * The bundled plugins are opened once here and kept open, so the loader's
 * dlopen/dlclose per input only counts references instead of mapping
 * libclamav and libyara again every time. A known-good config must load at
 * start: if the folders are not trusted (run as root, the loader refuses a
 * config or plugin below a folder others can write) or the plugins are
 * missing, every input would fail the same way and fuzz nothing.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/config.h"
#include "fuzz_common.h"

#ifndef FUZZ_PLUGIN_DIR
#define FUZZ_PLUGIN_DIR "."
#endif

static char dir[4096];
static char conf_path[4200];
static const char *plugin_dir = FUZZ_PLUGIN_DIR;

static void cleanup(void)
{
	if (conf_path[0])
		unlink(conf_path);
	if (dir[0])
		rmdir(dir);
}

static int write_input(const uint8_t *data, size_t size)
{
	return fuzz_write_file(conf_path, data, size);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const bundled[] = { "clamav", "yara", "hash" };
	static const char good[] = "plugin clamav { }\nplugin yara { }\nplugin hash { }\n";
	const char *tmp = getenv("TMPDIR");
	struct config cfg;
	char so[4200], err[1024];
	int fd;

	(void)argc;
	(void)argv;
	if (getenv("FANGUARD_PLUGIN_DIR") && *getenv("FANGUARD_PLUGIN_DIR"))
		plugin_dir = getenv("FANGUARD_PLUGIN_DIR");
	snprintf(dir, sizeof(dir), "%s/fanguard-fuzz-config-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		perror("fuzz_config: mkdtemp");
		exit(1);
	}
	snprintf(conf_path, sizeof(conf_path), "%s/fanguard.conf", dir);
	atexit(cleanup);
	for (size_t i = 0; i < sizeof(bundled) / sizeof(bundled[0]); i++) {
		snprintf(so, sizeof(so), "%s/%s.so", plugin_dir, bundled[i]);
		if (!dlopen(so, RTLD_NOW | RTLD_LOCAL)) {
			fprintf(stderr, "fuzz_config: %s (build the plugins first)\n", dlerror());
			exit(1);
		}
	}
	/* A plugin `path` naming a device must not wait on the terminal. */
	fd = open("/dev/null", O_RDONLY);
	if (fd > 0) {
		dup2(fd, STDIN_FILENO);
		close(fd);
	}
	if (write_input((const uint8_t *)good, sizeof(good) - 1) != 0 ||
	    config_load(conf_path, plugin_dir, &cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "fuzz_config: a known-good config does not load: %s\n", err);
		exit(1);
	}
	config_free(&cfg);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	char err[1024];

	if (write_input(data, size) != 0) {
		perror("fuzz_config: writing the input");
		abort();
	}
	if (config_load(conf_path, plugin_dir, &cfg, err, sizeof(err)) == 0) {
		/* What a loaded config promises its users. */
		if (!cfg.path || !cfg.dir || !cfg.scan_user || (cfg.n_plugins && !cfg.plugins))
			abort();
		for (size_t i = 0; i < cfg.n_plugins; i++)
			if (!cfg.plugins[i].dl || !cfg.plugins[i].opts || !cfg.plugins[i].name)
				abort();
		config_free(&cfg);
	} else if (!err[0] || !memchr(err, '\0', sizeof(err))) {
		abort(); /* a failure always says why */
	}
	return 0;
}
