/*
 * needle: an example fanguard scanner plugin.
 *
 * Reports a file as DETECTED ("Example.Needle") when it contains the byte
 * string given by its one option, `needle`. It shows every part a real
 * scanner needs: a declared option, init/fini, a scan that uses the mapped
 * bytes when the host has them and reads through the descriptor when not,
 * and errors reported as FG_VERDICT_ERROR with a message.
 *
 * Build:  make        (needs fanguard's header and fanguard-plugin.pc)
 * Try:    fanguard plugin-test -o needle=EVIL ./needle.so FILE...
 * Enable: plugin needle { path = "/path/to/needle.so"  needle = "EVIL" }
 */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fanguard/plugin.h>

/* Options are declared, so a typo in `plugin needle { ... }` is a config error with a line. */
static const struct fg_option_spec needle_options[] = {
	{ "needle", FG_OPT_STRING, "FANGUARD-EXAMPLE-NEEDLE",
	  "byte string that marks a file as bad" },
	{ NULL, 0, NULL, NULL },
};

/* Everything init builds; read-only while scans run, so threads need no lock. */
struct needle_state {
	char *needle;
	size_t len;
};

static int needle_init(const struct fg_host_api *host, const struct fg_options *opts, void **state,
		       char *err, size_t err_size)
{
	const char *needle;
	struct needle_state *s;

	/* The table is as large as the host was built: check it holds the last entry used. */
	if (!FG_HAS_FIELD(host, struct fg_host_api, opt_string)) {
		snprintf(err, err_size, "host API too old: no opt_string");
		return -1;
	}
	needle = host->opt_string(opts, "needle");
	if (!needle || !needle[0]) {
		snprintf(err, err_size, "option 'needle' must not be empty");
		return -1;
	}
	if (!(s = calloc(1, sizeof(*s))) || !(s->needle = strdup(needle))) {
		free(s);
		snprintf(err, err_size, "out of memory");
		return -1;
	}
	s->len = strlen(needle);
	*state = s;
	host->log(opts, FG_LOG_INFO, "looking for a %zu-byte needle", s->len);
	return 0;
}

/* No mapping (the host could not map a large file): read through the descriptor. */
static enum fg_verdict scan_fd(const struct needle_state *s, int fd, struct fg_scan_result *result)
{
	char buf[65536];
	size_t keep = 0; /* bytes carried over, so a needle across two reads is found */
	off_t off = 0;
	ssize_t n;

	if (s->len > sizeof(buf) / 2) {
		snprintf(result->threat, result->threat_size, "needle longer than %zu bytes",
			 sizeof(buf) / 2);
		return FG_VERDICT_ERROR;
	}
	while ((n = pread(fd, buf + keep, sizeof(buf) - keep, off)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(result->threat, result->threat_size, "read: %s", strerror(errno));
			return FG_VERDICT_ERROR;
		}
		off += n;
		n += (ssize_t)keep;
		if (memmem(buf, (size_t)n, s->needle, s->len))
			return FG_VERDICT_DETECTED;
		keep = (size_t)n < s->len - 1 ? (size_t)n : s->len - 1;
		memmove(buf, buf + n - (ssize_t)keep, keep);
	}
	return FG_VERDICT_CLEAN;
}

static enum fg_verdict needle_scan(void *state, void *thread_ctx, const struct fg_scan_object *obj,
				   struct fg_scan_result *result)
{
	const struct needle_state *s = state;
	enum fg_verdict verdict;

	(void)thread_ctx; /* no per-thread context: this plugin has no thread_init */
	if (obj->data)
		verdict = memmem(obj->data, obj->size, s->needle, s->len) ? FG_VERDICT_DETECTED
									  : FG_VERDICT_CLEAN;
	else if (obj->size == 0)
		verdict = FG_VERDICT_CLEAN;
	else
		verdict = scan_fd(s, obj->fd, result);
	if (verdict == FG_VERDICT_DETECTED)
		snprintf(result->threat, result->threat_size, "Example.Needle");
	return verdict;
}

static void needle_fini(void *state)
{
	struct needle_state *s = state;

	free(s->needle);
	free(s);
}

static uint64_t needle_signature_count(void *state)
{
	(void)state;
	return 1;
}

static const struct fg_plugin needle_plugin = {
	FG_PLUGIN_HEADER,
	.name = "needle",
	.version = "1.0.0",
	.description = "example: detects files containing a configurable byte string",
	.options = needle_options,
	.init = needle_init,
	.scan = needle_scan,
	.fini = needle_fini,
	.signature_count = needle_signature_count,
};

FG_PLUGIN_DEFINE(needle_plugin)
