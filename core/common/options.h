/*
 * The parsed options of one plugin section, in plain memory (no libconfuse
 * types), and the host API a plugin reads them through.
 */
#ifndef FANGUARD_OPTIONS_H
#define FANGUARD_OPTIONS_H

#include <stdbool.h>

#include "fanguard/plugin.h"

struct option_value {
	const struct fg_option_spec *spec;
	unsigned line; /* where the config set it; 0 if defaulted */
	bool b;
	long long i;
	char *s;
	char **list;
	size_t count;
};

struct fg_options {
	char *plugin;      /* plugin name, for log lines */
	char *config_path; /* file the options came from */
	struct option_value *values;
	size_t n;
	unsigned timeout_ms; /* verdict.timeout_ms, for the host API's timeout_ms; 0: unknown */
};

/* Allocates options with one defaulted slot per spec; NULL on allocation failure. */
struct fg_options *options_new(const char *plugin, const char *config_path,
			       const struct fg_option_spec *specs);
void options_free(struct fg_options *opts);
struct option_value *options_find(struct fg_options *opts, const char *name);
/* Appends to a list value; returns -1 on allocation failure. */
int options_list_append(struct option_value *v, const char *item);

extern const struct fg_host_api options_host_api;

#endif
