/*
 * clamd: asks remote clamd servers about each file with the INSTREAM
 * protocol. Servers are tried in order from a rotating start, so the load
 * spreads; a server that fails is skipped for backoff_ms; when none answers
 * the verdict is an error (the policy's on_error decides) naming them all.
 * While every server is skipped, one scan at a time still tries the one that
 * failed first, so a restarted clamd is used again at once rather than after
 * the back-off, and a dead one costs at most one waiting scan.
 * The plugin opens sockets during scans: it sets FG_PLUGIN_NEEDS_NETWORK so
 * that the host's sandbox allows it, and only it.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clamd_addr.h"
#include "clamd_proto.h"
#include "clamd_server.h"
#include "fanguard/plugin.h"

#define CLAMD_MAX_SERVERS 16

struct clamd_state {
	const struct fg_host_api *host;
	const struct fg_options *opts;
	struct clamd_server servers[CLAMD_MAX_SERVERS];
	size_t n_servers;
	int timeout_ms;
	int backoff_ms;
	long long max_stream;
	atomic_uint next_start; /* rotating index of the first server to try */
};

static const struct fg_option_spec clamd_options[] = {
	{ "servers", FG_OPT_STRING_LIST, NULL,
	  "clamd servers to try in turn: \"tcp:HOST:PORT\", \"tcp:[IPV6]:PORT\" or \"unix:/PATH\"" },
	{ "timeout_ms", FG_OPT_INT, "3000",
	  "milliseconds one server may take to connect and answer" },
	{ "max_stream", FG_OPT_INT, "26214400",
	  "largest file sent, in bytes (match clamd's StreamMaxLength); larger ones are errors" },
	{ "pool_size", FG_OPT_INT, "4",
	  "idle sessions (zIDSESSION) kept per server for reuse; 0: a new connection per scan" },
	{ "backoff_ms", FG_OPT_INT, "5000", "milliseconds a failed server is skipped" },
	{ NULL, 0, NULL, NULL },
};

/* "FILE:LINE: " for an option set in the config, "" for a default. */
static void origin_of(const struct clamd_state *st, const char *name, char *buf, size_t size)
{
	unsigned line = 0;
	const char *file = st->host->opt_origin(st->opts, name, &line);

	if (file && *file && line)
		snprintf(buf, size, "%s:%u: ", file, line);
	else
		buf[0] = '\0';
}

static int int_option(struct clamd_state *st, const char *name, long long min, long long max,
		      long long *value, char *err, size_t err_size)
{
	char where[300];

	*value = st->host->opt_int(st->opts, name);
	if (*value >= min && *value <= max)
		return 0;
	origin_of(st, name, where, sizeof(where));
	snprintf(err, err_size, "%s%s = %lld is out of range (%lld .. %lld)", where, name, *value,
		 min, max);
	return -1;
}

static int load_servers(struct clamd_state *st, size_t pool_size, char *err, size_t err_size)
{
	size_t n = st->host->opt_list_count(st->opts, "servers");
	char where[300], why[256];

	origin_of(st, "servers", where, sizeof(where));
	if (n == 0) {
		snprintf(err, err_size,
			 "%soption 'servers' is required, e.g. servers = "
			 "{\"tcp:127.0.0.1:3310\", \"unix:/run/clamav/clamd.ctl\"}",
			 where);
		return -1;
	}
	if (n > CLAMD_MAX_SERVERS) {
		snprintf(err, err_size, "%smore than %d servers", where, CLAMD_MAX_SERVERS);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const char *spec = st->host->opt_list_item(st->opts, "servers", i);
		struct clamd_addr addr;

		if (!spec || clamd_addr_parse(spec, &addr, why, sizeof(why)) != 0) {
			snprintf(err, err_size, "%sservers: bad server \"%s\": %s", where,
				 spec ? spec : "", spec ? why : "missing");
			return -1;
		}
		if (clamd_server_init(&st->servers[i], &addr, pool_size) != 0) {
			snprintf(err, err_size, "out of memory");
			return -1;
		}
		st->n_servers = i + 1;
	}
	return 0;
}

static void clamd_fini(void *state)
{
	struct clamd_state *st = state;

	for (size_t i = 0; i < st->n_servers; i++)
		clamd_server_fini(&st->servers[i]);
	free(st);
}

static int clamd_init(const struct fg_host_api *host, const struct fg_options *opts, void **state,
		      char *err, size_t err_size)
{
	struct clamd_state *st = calloc(1, sizeof(*st));
	long long timeout, backoff, pool;

	if (!st) {
		snprintf(err, err_size, "out of memory");
		return -1;
	}
	st->host = host;
	st->opts = opts;
	if (int_option(st, "timeout_ms", 10, 600000, &timeout, err, err_size) != 0 ||
	    int_option(st, "backoff_ms", 0, 3600000, &backoff, err, err_size) != 0 ||
	    int_option(st, "max_stream", 1, (long long)4 << 30, &st->max_stream, err, err_size) !=
		    0 ||
	    int_option(st, "pool_size", 0, 1024, &pool, err, err_size) != 0 ||
	    load_servers(st, (size_t)pool, err, err_size) != 0) {
		clamd_fini(st);
		return -1;
	}
	st->timeout_ms = (int)timeout;
	st->backoff_ms = (int)backoff;
	host->log(opts, FG_LOG_INFO, "%zu clamd server(s), first %s; timeout %d ms, %s",
		  st->n_servers, st->servers[0].addr.spec, st->timeout_ms,
		  pool ? "sessions reused" : "a connection per scan");
	*state = st;
	return 0;
}

/* Appends ", SPEC: why" to the summary of failures (reports split verdict texts on ";"). */
static void note_failure(char *summary, size_t size, const char *spec, const char *why)
{
	size_t used = strlen(summary);

	/* a summary too long for the verdict's text is cut short: that is fine */
	if (used < size &&
	    snprintf(summary + used, size - used, "%s%s: %s", used ? ", " : "", spec, why) < 0)
		summary[used] = '\0';
}

static void mark_down(struct clamd_state *st, struct clamd_server *s, const char *why)
{
	int64_t was = atomic_exchange(&s->down_until_ms, clamd_now_ms() + st->backoff_ms);

	if (was == 0) /* log the change, not every failure */
		st->host->log(st->opts, FG_LOG_WARNING,
			      "clamd %s failed (%s); skipping it for %d ms", s->addr.spec, why,
			      st->backoff_ms);
}

static void mark_up(struct clamd_state *st, struct clamd_server *s)
{
	if (atomic_load(&s->down_until_ms) != 0 && atomic_exchange(&s->down_until_ms, 0) != 0)
		st->host->log(st->opts, FG_LOG_INFO, "clamd %s answers again", s->addr.spec);
}

/* One attempt on s: true with *verdict and the result's text when it answered. */
static bool try_server(struct clamd_state *st, struct clamd_server *s,
		       const struct clamd_content *content, enum fg_verdict *verdict,
		       struct fg_scan_result *result, char *failures, size_t failures_size)
{
	char why[FG_THREAT_MAX];

	if (clamd_server_scan(s, content, clamd_now_ms() + st->timeout_ms, verdict, why,
			      sizeof(why)) == CLAMD_ANSWERED) {
		mark_up(st, s);
		snprintf(result->threat, result->threat_size, "%s", why);
		return true;
	}
	mark_down(st, s, why);
	note_failure(failures, failures_size, s->addr.spec, why);
	return false;
}

static enum fg_verdict clamd_scan(void *state, void *thread_ctx, const struct fg_scan_object *obj,
				  struct fg_scan_result *result)
{
	struct clamd_state *st = state;
	struct clamd_content content = { .data = obj->data, .fd = obj->fd, .size = obj->size };
	unsigned start = atomic_fetch_add(&st->next_start, 1);
	char failures[FG_THREAT_MAX] = "";
	struct clamd_server *first_down = NULL; /* the skipped server whose back-off ends first */
	enum fg_verdict verdict;
	bool tried = false;

	if ((long long)obj->size > st->max_stream) {
		snprintf(result->threat, result->threat_size,
			 "not sent to clamd: %zu bytes is over max_stream = %lld "
			 "(keep it at clamd's StreamMaxLength)",
			 obj->size, st->max_stream);
		return FG_VERDICT_ERROR;
	}
	for (size_t i = 0; i < st->n_servers; i++) {
		struct clamd_server *s = &st->servers[(start + i) % st->n_servers];
		int64_t down_until = atomic_load(&s->down_until_ms);

		if (down_until && clamd_now_ms() < down_until) {
			if (!first_down || down_until < atomic_load(&first_down->down_until_ms))
				first_down = s;
			note_failure(failures, sizeof(failures), s->addr.spec, "backing off");
			continue;
		}
		tried = true;
		if (try_server(st, s, &content, &verdict, result, failures, sizeof(failures)))
			return verdict;
	}
	if (!tried && first_down && !atomic_flag_test_and_set(&first_down->probing)) {
		bool answered = try_server(st, first_down, &content, &verdict, result, failures,
					   sizeof(failures));

		atomic_flag_clear(&first_down->probing);
		if (answered)
			return verdict;
	}
	snprintf(result->threat, result->threat_size, "no clamd server answered (%s)", failures);
	return FG_VERDICT_ERROR;
}

static const struct fg_plugin clamd_plugin = {
	FG_PLUGIN_HEADER,
	.flags = FG_PLUGIN_NEEDS_NETWORK,
	.name = "clamd",
	.version = FANGUARD_BUNDLED_VERSION,
	.description = "remote clamd servers over the INSTREAM protocol",
	.options = clamd_options,
	.init = clamd_init,
	.scan = clamd_scan,
	.fini = clamd_fini,
};

FG_PLUGIN_DEFINE(clamd_plugin)
