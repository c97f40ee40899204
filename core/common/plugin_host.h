/* Loading scanner plugins: dlopen, ABI checks, init and teardown. */
#ifndef FANGUARD_PLUGIN_HOST_H
#define FANGUARD_PLUGIN_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/options.h"
#include "fanguard/plugin.h"

/* Plugins one configuration may enable: sizes the engine's vote arrays and the scanner wire. */
#define PLUGINS_MAX 16

struct plugin {
	char *name;    /* from `plugin NAME` */
	char *so_path; /* shared object it was loaded from */
	char *scanner; /* the scanner process it runs in (`scanner = ...`, default "plugins") */
	unsigned line; /* config line of the section, 0 if none */
	void *dl;      /* dlopen handle */
	struct fg_plugin desc; /* the descriptor, zero-extended to this host's size */
	struct fg_options *opts;
	void *state;         /* what init returned */
	uint64_t size_limit; /* its max_file_size callback's answer once started; 0: none */
	bool started;
};

/* dlopen()s p->so_path and checks the descriptor; p->name must be set. */
int plugin_open(struct plugin *p, char *err, size_t errlen);
/*
 * Opens a plugin by its file alone (`fanguard plugin-test`): p is filled in and
 * takes the descriptor's name. Checks as plugin_open; on failure p is left empty.
 */
int plugin_open_file(struct plugin *p, const char *so_path, char *err, size_t errlen);
/* Calls the plugin's init with p->opts. */
int plugin_start(struct plugin *p, char *err, size_t errlen);
/* "max_file_size 104857600" or "no max_file_size": a started plugin's limit, for status. */
void plugin_format_limit(uint64_t limit, char *buf, size_t size);
/* fini (if started), dlclose, frees everything p owns. */
void plugin_close(struct plugin *p);

#endif
