/*
 * A plugin's option values (core/common/options.c) and the host API getters a
 * plugin reads them through: one slot per declared option, read only with its
 * declared type; an undeclared name or a wrong type reads as 0/NULL and is
 * logged as the plugin's bug; list items only within the list.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "common/options.h"

static const struct fg_option_spec specs[] = {
	{ "fast", FG_OPT_BOOL, "true", "skip the slow checks" },
	{ "timeout", FG_OPT_INT, "30", "seconds per file" },
	{ "socket", FG_OPT_STRING, NULL, "where the engine listens" },
	{ "names", FG_OPT_STRING_LIST, "{}", "names to match" },
	{ "paths", FG_OPT_PATH_LIST, NULL, "files to load" },
	{ NULL, 0, NULL, NULL },
};

static const struct fg_host_api *host = &options_host_api;

/* stderr, where the log writes, goes to a file while a check wants to see what was logged. */
static FILE *captured;
static int saved_stderr = -1;
static char logged[4096];

static void capture_log(void)
{
	fflush(stderr);
	captured = tmpfile();
	saved_stderr = dup(2);
	if (!captured || saved_stderr < 0 || dup2(fileno(captured), 2) < 0)
		abort();
}

/* Restores stderr; returns what was logged meanwhile. */
static const char *captured_log(void)
{
	size_t n;

	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	rewind(captured);
	n = fread(logged, 1, sizeof(logged) - 1, captured);
	logged[n] = '\0';
	fclose(captured);
	return logged;
}

static void test_one_empty_slot_per_spec(void)
{
	struct fg_options *o = options_new("demo", "/etc/fanguard/fanguard.conf", specs);
	bool all_empty = true;

	CHECK(o != NULL);
	if (!o)
		return;
	CHECK(o->n == 5);
	CHECK(strcmp(o->plugin, "demo") == 0 &&
	      strcmp(o->config_path, "/etc/fanguard/fanguard.conf") == 0);
	for (size_t i = 0; i < o->n; i++) {
		const struct option_value *v = &o->values[i];
		all_empty = all_empty && v->spec == &specs[i] && v->line == 0 && !v->b &&
			    v->i == 0 && !v->s && !v->list && v->count == 0;
	}
	CHECK(all_empty);
	/*
	 * The textual defaults are libconfuse's to apply (config.c copies what it
	 * parsed); a fresh set reads empty whatever spec->default_value says.
	 */
	CHECK(host->opt_bool(o, "fast") == 0 && host->opt_int(o, "timeout") == 0);
	CHECK(host->opt_string(o, "socket") == NULL);
	CHECK(host->opt_list_count(o, "names") == 0 && host->opt_list_item(o, "names", 0) == NULL);
	options_free(o);

	/* no declared options, or no config file */
	o = options_new("bare", NULL, NULL);
	CHECK(o && o->n == 0 && strcmp(o->config_path, "") == 0);
	CHECK(o && options_find(o, "fast") == NULL);
	options_free(o);
	o = options_new("bare", "x.conf", &specs[5]); /* just the terminator */
	CHECK(o && o->n == 0);
	options_free(o);
	options_free(NULL);
}

static void test_find(void)
{
	struct fg_options *o = options_new("demo", "c.conf", specs);

	CHECK(options_find(o, "fast") == &o->values[0]);
	CHECK(options_find(o, "paths") == &o->values[4]);
	CHECK(options_find(o, "Fast") == NULL); /* names are exact */
	CHECK(options_find(o, "time") == NULL);
	CHECK(options_find(o, "timeouts") == NULL);
	CHECK(options_find(o, "") == NULL);
	CHECK(options_find(o, NULL) == NULL);
	CHECK(options_find(NULL, "fast") == NULL);
	options_free(o);
}

static void test_getters_return_the_values(void)
{
	struct fg_options *o = options_new("demo", "c.conf", specs);

	options_find(o, "fast")->b = true;
	options_find(o, "timeout")->i = LLONG_MAX;
	options_find(o, "socket")->s = strdup("/run/clamd.sock");
	CHECK(host->opt_bool(o, "fast") == 1);
	CHECK(host->opt_int(o, "timeout") == LLONG_MAX);
	options_find(o, "timeout")->i = -5;
	CHECK(host->opt_int(o, "timeout") == -5);
	CHECK(host->opt_string(o, "socket") &&
	      strcmp(host->opt_string(o, "socket"), "/run/clamd.sock") == 0);
	options_free(o); /* frees the string (LeakSanitizer would tell) */
}

static void test_lists(void)
{
	struct fg_options *o = options_new("demo", "c.conf", specs);
	struct option_value *names = options_find(o, "names"), *paths = options_find(o, "paths");
	char item[16] = "alpha";

	CHECK(options_list_append(names, item) == 0);
	strcpy(item, "changed"); /* the list keeps its own copy */
	CHECK(options_list_append(names, "beta") == 0);
	CHECK(options_list_append(names, "") == 0);
	CHECK(host->opt_list_count(o, "names") == 3);
	CHECK(strcmp(host->opt_list_item(o, "names", 0), "alpha") == 0);
	CHECK(strcmp(host->opt_list_item(o, "names", 1), "beta") == 0);
	CHECK(strcmp(host->opt_list_item(o, "names", 2), "") == 0);
	/* past the end, however far */
	CHECK(host->opt_list_item(o, "names", 3) == NULL);
	CHECK(host->opt_list_item(o, "names", SIZE_MAX) == NULL);
	/* a path list reads through the same getters */
	CHECK(options_list_append(paths, "/var/lib/rules.yar") == 0);
	CHECK(host->opt_list_count(o, "paths") == 1);
	CHECK(strcmp(host->opt_list_item(o, "paths", 0), "/var/lib/rules.yar") == 0);
	CHECK(host->opt_list_item(o, "paths", 1) == NULL);
	/* many items (the array grows) */
	int failed = 0;
	for (int i = 0; i < 999; i++)
		failed += options_list_append(paths, "p") != 0;
	CHECK(failed == 0 && host->opt_list_count(o, "paths") == 1000);
	CHECK(host->opt_list_item(o, "paths", 999) &&
	      host->opt_list_item(o, "paths", 1000) == NULL);
	options_free(o);
}

/* A name the plugin never declared, or a getter of another type: 0 or NULL, and a log line. */
static void test_wrong_name_or_type(void)
{
	struct fg_options *o = options_new("demo", "c.conf", specs);
	const char *log;

	options_find(o, "fast")->b = true;
	options_find(o, "timeout")->i = 7;
	options_find(o, "socket")->s = strdup("s");
	options_list_append(options_find(o, "names"), "n");

	capture_log();
	CHECK(host->opt_bool(o, "nope") == 0);
	log = captured_log();
	CHECK_STR_CONTAINS(log, "plugin demo: asked for undeclared option 'nope'");

	capture_log();
	CHECK(host->opt_int(o, "fast") == 0);          /* a bool is not an int */
	CHECK(host->opt_bool(o, "timeout") == 0);      /* nor an int a bool */
	CHECK(host->opt_string(o, "names") == NULL);   /* a list is not a string */
	CHECK(host->opt_list_count(o, "socket") == 0); /* nor a string a list */
	CHECK(host->opt_list_item(o, "socket", 0) == NULL);
	CHECK(host->opt_string(o, "fast") == NULL);
	log = captured_log();
	CHECK_STR_CONTAINS(log, "plugin demo: option 'fast' read with the wrong type");
	CHECK_STR_CONTAINS(log, "option 'timeout' read with the wrong type");
	CHECK_STR_CONTAINS(log, "option 'names' read with the wrong type");
	CHECK_STR_CONTAINS(log, "option 'socket' read with the wrong type");

	capture_log();
	CHECK(host->opt_int(o, NULL) == 0);
	CHECK(host->opt_list_count(NULL, "names") == 0);
	CHECK(host->opt_string(o, "") == NULL);
	log = captured_log();
	CHECK_STR_CONTAINS(log, "plugin demo: asked for undeclared option '(null)'");
	CHECK_STR_CONTAINS(log, "plugin ?: asked for undeclared option 'names'");
	CHECK_STR_CONTAINS(log, "asked for undeclared option ''");

	/* the right getters still read the values */
	CHECK(host->opt_bool(o, "fast") == 1 && host->opt_int(o, "timeout") == 7);
	CHECK(strcmp(host->opt_list_item(o, "names", 0), "n") == 0);
	options_free(o);
}

static void test_origin(void)
{
	struct fg_options *o = options_new("demo", "/etc/f.conf", specs);
	unsigned line = 99;

	/* defaulted: "" and 0 */
	CHECK(strcmp(host->opt_origin(o, "timeout", &line), "") == 0 && line == 0);
	options_find(o, "timeout")->line = 12;
	line = 0;
	CHECK(strcmp(host->opt_origin(o, "timeout", &line), "/etc/f.conf") == 0 && line == 12);
	CHECK(strcmp(host->opt_origin(o, "timeout", NULL), "/etc/f.conf") == 0); /* line optional */
	line = 99;
	CHECK(strcmp(host->opt_origin(o, "nope", &line), "") == 0 && line == 0);
	line = 99;
	CHECK(strcmp(host->opt_origin(NULL, "timeout", &line), "") == 0 && line == 0);
	options_free(o);
}

static void test_host_log(void)
{
	struct fg_options *o = options_new("demo", "c.conf", specs);
	char longer[2000];
	const char *log;

	memset(longer, 'z', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	capture_log();
	host->log(o, FG_LOG_ERROR, "cannot open %s: %d", "db", 2);
	host->log(NULL, FG_LOG_WARNING, "no options");
	host->log(o, FG_LOG_DEBUG, "not at the default level");
	host->log(o, FG_LOG_ERROR, "%s", longer);
	log = captured_log();
	CHECK_STR_CONTAINS(log, "plugin demo: cannot open db: 2");
	CHECK_STR_CONTAINS(log, "plugin ?: no options");
	CHECK(strstr(log, "not at the default level") == NULL);
	CHECK_STR_CONTAINS(log, "plugin demo: zzzz");
	CHECK(strstr(log, longer) == NULL); /* cut, not overflowed */
	options_free(o);
}

static void test_api_table(void)
{
	CHECK(host->struct_size == sizeof(struct fg_host_api));
	CHECK(host->log && host->opt_bool && host->opt_int && host->opt_string);
	CHECK(host->opt_list_count && host->opt_list_item && host->opt_origin);
}

int main(void)
{
	test_one_empty_slot_per_spec();
	test_find();
	test_getters_return_the_values();
	test_lists();
	test_wrong_name_or_type();
	test_origin();
	test_host_log();
	test_api_table();
	return check_summary();
}
