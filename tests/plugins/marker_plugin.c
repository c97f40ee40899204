/*
 * A tiny third-party plugin built from the public header alone: detects files
 * that contain a configurable marker string. It proves the ABI is usable
 * without anything from core/, and its option proves plugin-declared options
 * reach the plugin.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdlib.h>
#include <string.h>

#include <fanguard/plugin.h>

struct marker_state {
	char *marker;
	size_t len;
	uint64_t max_file_size;
};

static const struct fg_option_spec marker_options[] = {
	{ "marker", FG_OPT_STRING, "TINY-PLUGIN-MARKER-3e9d",
	  "byte string that marks a file as bad" },
	{ "max_file_size", FG_OPT_INT, "0", "larger files are not asked about; 0: no limit" },
	{ NULL, 0, NULL, NULL },
};

static int marker_init(const struct fg_host_api *host, const struct fg_options *opts, void **state,
		       char *err, size_t err_size)
{
	struct marker_state *s = calloc(1, sizeof(*s));
	const char *marker = host->opt_string(opts, "marker");

	if (!s || !marker || !*marker || !(s->marker = strdup(marker))) {
		free(s);
		strncpy(err, "option 'marker' must be a non-empty string", err_size - 1);
		return -1;
	}
	s->len = strlen(marker);
	s->max_file_size = (uint64_t)host->opt_int(opts, "max_file_size");
	*state = s;
	host->log(opts, FG_LOG_INFO, "looking for \"%s\"", marker);
	return 0;
}

static enum fg_verdict marker_scan(void *state, void *thread_ctx, const struct fg_scan_object *obj,
				   struct fg_scan_result *result)
{
	struct marker_state *s = state;

	if (!obj->data)
		return FG_VERDICT_CLEAN;
	if (!memmem(obj->data, obj->size, s->marker, s->len))
		return FG_VERDICT_CLEAN;
	strncpy(result->threat, "Tiny.Marker", result->threat_size - 1);
	return FG_VERDICT_DETECTED;
}

static void marker_fini(void *state)
{
	struct marker_state *s = state;

	free(s->marker);
	free(s);
}

static uint64_t marker_max_file_size(void *state)
{
	return ((struct marker_state *)state)->max_file_size;
}

static const struct fg_plugin marker_plugin = {
	FG_PLUGIN_HEADER,
	.name = "marker",
	.version = "1.0",
	.description = "test plugin: detects a marker string",
	.options = marker_options,
	.init = marker_init,
	.scan = marker_scan,
	.fini = marker_fini,
	.max_file_size = marker_max_file_size,
};

FG_PLUGIN_DEFINE(marker_plugin)
