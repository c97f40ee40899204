/*
 * A plugin that takes too long: each scan sleeps `delay_ms`. Used to prove
 * that every event is answered by the deadline whatever a plugin does. With
 * `touch = true` it then reads every byte it was given, so a file truncated
 * during the sleep faults (SIGBUS) inside the plugin. With `match` it sleeps
 * only on files holding that string (a flood of slow files among fast ones),
 * and with `detect = true` it then says they are malicious: a detection that
 * comes after the deadline.
 */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fanguard/plugin.h>

static const struct fg_option_spec sleepy_options[] = {
	{ "delay_ms", FG_OPT_INT, "10000", "how long each scan sleeps" },
	{ "touch", FG_OPT_BOOL, "false", "read every byte of the file after sleeping" },
	{ "match", FG_OPT_STRING, "", "sleep only on files holding this string (\"\": all)" },
	{ "detect", FG_OPT_BOOL, "false", "files it slept on are detected" },
	{ NULL, 0, NULL, NULL },
};

struct sleepy {
	long long delay_ms;
	bool touch, detect;
	char match[256];
};

static int sleepy_init(const struct fg_host_api *host, const struct fg_options *opts, void **state,
		       char *err, size_t err_size)
{
	struct sleepy *st = malloc(sizeof(*st));

	if (!st)
		return -1;
	st->delay_ms = host->opt_int(opts, "delay_ms");
	st->touch = host->opt_bool(opts, "touch");
	st->detect = host->opt_bool(opts, "detect");
	snprintf(st->match, sizeof(st->match), "%s", host->opt_string(opts, "match"));
	*state = st;
	return 0;
}

static enum fg_verdict sleepy_scan(void *state, void *thread_ctx, const struct fg_scan_object *obj,
				   struct fg_scan_result *result)
{
	const struct sleepy *st = state;
	long long ms = st->delay_ms;
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
	volatile unsigned char sum = 0;

	if (st->match[0] &&
	    (!obj->data || !memmem(obj->data, obj->size, st->match, strlen(st->match))))
		return FG_VERDICT_CLEAN;
	while (nanosleep(&ts, &ts) != 0)
		;
	if (st->touch && obj->data)
		for (size_t i = 0; i < obj->size; i += 512)
			sum += obj->data[i];
	if (st->detect) {
		snprintf(result->threat, result->threat_size, "Sleepy.Late.Test");
		return FG_VERDICT_DETECTED;
	}
	return FG_VERDICT_CLEAN;
}

static void sleepy_fini(void *state)
{
	free(state);
}

static const struct fg_plugin sleepy_plugin = {
	FG_PLUGIN_HEADER,          .name = "sleepy",
	.version = "1.0",          .description = "test plugin: sleeps in every scan",
	.options = sleepy_options, .init = sleepy_init,
	.scan = sleepy_scan,       .fini = sleepy_fini,
};

FG_PLUGIN_DEFINE(sleepy_plugin)
