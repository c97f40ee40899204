/*
 * Config loading against the real bundled plugins: good files parse into the
 * right values; bad files fail with FILE:LINE and the option's name.
 */
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "common/config.h"
#include "common/log.h"
#include "common/policy.h"
#include "scanner/runtime.h"

/* "1" from 1: the host's ABI version as its refusal message prints it */
#define ABI_STR(x) #x
#define ABI_TEXT(x) ABI_STR(x)

/* mkdtemp under /tmp: short, so every path built from it fits. */
static char dir[64];
static char conf[PATH_MAX];

static void write_config(const char *text)
{
	FILE *f = fopen(conf, "w");
	fputs(text, f);
	fclose(f);
}

/* Loads text as a config; returns the error message, or "" on success (config freed). */
static const char *load_error(const char *text)
{
	static char err[1024];
	struct config cfg;

	write_config(text);
	if (config_load(conf, PLUGIN_DIR, &cfg, err, sizeof(err)) != 0)
		return err;
	config_free(&cfg);
	return "";
}

static const char *start_error(const char *text)
{
	static char err[1024];
	struct runtime rt;

	write_config(text);
	if (runtime_load(&rt, conf, err, sizeof(err)) != 0)
		return err;
	runtime_unload(&rt);
	return "";
}

static void test_good_config(void)
{
	char text[4096], err[1024], expect[PATH_MAX];
	struct config cfg;
	const struct plugin *yara = NULL, *clamav = NULL;
	unsigned line = 0;

	snprintf(
		text, sizeof(text),
		"watch {\n"
		"  paths = {\"%s\", \"sub/\"}\n"
		"  exclude = {\"%s/sub/cache/\", \"nonexistent/../gone\"}\n"
		"  events = {\"open\", \"close_write\"}\n"
		"  max_file_size = 1000\n"
		"}\n"
		"verdict { policy = \"majority\" timeout_ms = 250 on_timeout = \"deny\" on_error = \"deny\" on_too_large = \"deny\" }\n"
		"plugin clamav { enabled = true  database = {\"sigs\"} }   # one-line section\n"
		"plugin yara {\n"
		"  rules = {\"rules\", \"/abs/rules.yar\"}\n"
		"  timeout = 3\n"
		"}\n"
		"plugin hash { enabled = false  unknown_to_anyone = 5  path = \"/nope.so\" }\n",
		dir, dir);
	write_config(text);
	CHECK(config_load(conf, PLUGIN_DIR, &cfg, err, sizeof(err)) == 0);
	if (err[0])
		fprintf(stderr, "unexpected error: %s\n", err);
	CHECK(cfg.n_watch == 2);
	CHECK(cfg.n_watch == 2 && strcmp(cfg.watch[0], dir) == 0);
	snprintf(expect, sizeof(expect), "%s/sub", dir);
	CHECK(cfg.n_watch == 2 && strcmp(cfg.watch[1], expect) == 0);
	snprintf(expect, sizeof(expect), "%s/sub/cache", dir);
	CHECK(cfg.exclude.n_prefix == 2 && strcmp(cfg.exclude.prefix[0], expect) == 0);
	snprintf(expect, sizeof(expect), "%s/gone", dir);
	CHECK(cfg.exclude.n_prefix == 2 && strcmp(cfg.exclude.prefix[1], expect) == 0);
	CHECK(cfg.events == (CONFIG_EVENT_OPEN | CONFIG_EVENT_CLOSE_WRITE));
	CHECK(cfg.max_file_size == 1000);
	CHECK(cfg.verdict.policy == POLICY_MAJORITY);
	CHECK(cfg.verdict.on_error == DECISION_DENY);
	CHECK(cfg.verdict.on_too_large == DECISION_DENY);
	CHECK(cfg.on_timeout == DECISION_DENY);
	CHECK(cfg.timeout_ms == 250);
	CHECK(cfg.n_plugins == 2);
	CHECK(cfg.n_disabled == 1);
	for (size_t i = 0; i < cfg.n_plugins; i++) {
		if (strcmp(cfg.plugins[i].name, "yara") == 0)
			yara = &cfg.plugins[i];
		if (strcmp(cfg.plugins[i].name, "clamav") == 0)
			clamav = &cfg.plugins[i];
	}
	CHECK(yara && clamav);
	if (yara && clamav) {
		snprintf(expect, sizeof(expect), "%s/rules", dir);
		CHECK(options_host_api.opt_list_count(yara->opts, "rules") == 2);
		CHECK(strcmp(options_host_api.opt_list_item(yara->opts, "rules", 0), expect) == 0);
		CHECK(strcmp(options_host_api.opt_list_item(yara->opts, "rules", 1),
			     "/abs/rules.yar") == 0);
		CHECK(options_host_api.opt_int(yara->opts, "timeout") == 3);
		CHECK(strcmp(options_host_api.opt_origin(yara->opts, "rules", &line), conf) == 0);
		CHECK(line == 10);
		snprintf(expect, sizeof(expect), "%s/sigs", dir);
		CHECK(strcmp(options_host_api.opt_list_item(clamav->opts, "database", 0), expect) ==
		      0);
		/* a defaulted option keeps the plugin's declared default */
		CHECK(options_host_api.opt_int(clamav->opts, "max_recursion") == 17);
		options_host_api.opt_origin(clamav->opts, "max_recursion", &line);
		CHECK(line == 0);
		/* both declare max_file_size: each unset one keeps its own plugin's default */
		CHECK(options_host_api.opt_int(clamav->opts, "max_file_size") == 104857600);
		CHECK(options_host_api.opt_int(yara->opts, "max_file_size") == 0);
	}
	config_free(&cfg);
}

static void test_defaults(void)
{
	char text[512], err[1024];
	struct config cfg;

	snprintf(text, sizeof(text), "watch { paths = {\"%s\"} }\nplugin hash { }\n", dir);
	write_config(text);
	CHECK(config_load(conf, PLUGIN_DIR, &cfg, err, sizeof(err)) == 0);
	CHECK(cfg.events == (CONFIG_EVENT_OPEN | CONFIG_EVENT_EXEC | CONFIG_EVENT_CLOSE_WRITE));
	CHECK(cfg.verdict.policy == POLICY_ANY_DENY);
	CHECK(cfg.verdict.on_error == DECISION_ALLOW);
	CHECK(cfg.on_timeout == DECISION_ALLOW);
	CHECK(cfg.timeout_ms == 5000);
	/* no overall size cap: each plugin's own limit applies; a file over all of them is allowed */
	CHECK(cfg.max_file_size == 0);
	CHECK(cfg.verdict.on_too_large == DECISION_ALLOW);
	CHECK(cfg.n_plugins == 1);
	/* overload: the flooding user's own opens are denied; late detections only remembered */
	CHECK(cfg.on_overload == DECISION_DENY);
	CHECK(!cfg.late_quarantine && !cfg.late_kill);
	CHECK(cfg.max_inflight == 1024 && cfg.max_inflight_per_uid == 256);
	config_free(&cfg);

	snprintf(text, sizeof(text),
		 "watch { paths = {\"%s\"} }\nverdict { on_overload = \"allow\" late_detection = "
		 "{\"kill\"} }\nscan { max_inflight = 100 max_inflight_per_uid = 500 }\n"
		 "plugin hash { }\n",
		 dir);
	write_config(text);
	CHECK(config_load(conf, PLUGIN_DIR, &cfg, err, sizeof(err)) == 0);
	CHECK(cfg.on_overload == DECISION_ALLOW);
	CHECK(cfg.late_kill && !cfg.late_quarantine);
	CHECK(cfg.max_inflight_per_uid == 100); /* no more than the whole */
	config_free(&cfg);
}

static void test_errors_name_file_and_line(void)
{
	char prefix[PATH_MAX + 8];
	const char *e;

	snprintf(prefix, sizeof(prefix), "%s:", conf);

	e = load_error("watch {\n  paths = {\"/tmp\"}\n  pathz = {\"/srv\"}\n}\n");
	CHECK_STR_CONTAINS(e, prefix);
	CHECK_STR_CONTAINS(e, ":3:");
	CHECK_STR_CONTAINS(e, "pathz");

	/* found by fuzzing: libconfuse aborted on the next parse after an unclosed comment */
	e = load_error("watch { paths = {\"/tmp\"} }\n/* never closed\n");
	CHECK_STR_CONTAINS(e, "comment runs to the end of the file");
	CHECK(strcmp(load_error("watch { paths = {\"/tmp\"} }\n"), "") == 0);

	e = load_error("plugin yara {\n  rules = {\"r\"}\n\n  rulez = {\"x\"}\n}\n");
	CHECK_STR_CONTAINS(e, ":4:");
	CHECK_STR_CONTAINS(e, "rulez");

	/* an option that exists, but belongs to another plugin */
	e = load_error(
		"plugin clamav { database = {\"d\"} }\nplugin yara {\n database = {\"d\"}\n}\n");
	CHECK_STR_CONTAINS(e, ":3:");
	CHECK_STR_CONTAINS(e, "plugin 'yara' has no option 'database'");
	/* ...also when its name is quoted, which libconfuse takes as well */
	e = load_error(
		"plugin clamav { database = {\"d\"} }\nplugin yara {\n \"database\" = {\"d\"}\n}\n");
	CHECK_STR_CONTAINS(e, ":3:");
	CHECK_STR_CONTAINS(e, "plugin 'yara' has no option 'database'");

	e = load_error("verdict {\n  timeout_ms = \"fast\"\n}\n");
	CHECK_STR_CONTAINS(e, ":2:");
	CHECK_STR_CONTAINS(e, "timeout_ms");

	e = load_error("verdict {\n\n  policy = \"unanimous\"\n}\n");
	CHECK_STR_CONTAINS(e, ":3:");
	CHECK_STR_CONTAINS(e, "unanimous");

	e = load_error("watch {\n  events = {\"open\", \"read\"}\n}\n");
	CHECK_STR_CONTAINS(e, ":2:");
	CHECK_STR_CONTAINS(e, "\"read\"");

	e = load_error("watch { paths = {\"/nonexistent/fanguard/dir\"} }\n");
	CHECK_STR_CONTAINS(e, ":1:");
	CHECK_STR_CONTAINS(e, "/nonexistent/fanguard/dir");

	e = load_error("verdict { timeout_ms = 0 }\n");
	CHECK_STR_CONTAINS(e, "out of range");

	e = load_error("verdict {\n  late_detection = {\"kill\", \"reboot\"}\n}\n");
	CHECK_STR_CONTAINS(e, ":2:");
	CHECK_STR_CONTAINS(e, "\"reboot\"");

	e = load_error("plugin hash { }\nplugin hash { }\n");
	CHECK_STR_CONTAINS(e, ":2:");

	e = load_error("watch {\n paths = {\"/tmp\"\n");
	CHECK_STR_CONTAINS(e, prefix);

	e = load_error("plugin nosuchplugin {\n}\n");
	CHECK_STR_CONTAINS(e, ":1:");
	CHECK_STR_CONTAINS(e, "nosuchplugin.so");

	e = load_error("plugin future { path = \"" TEST_PLUGIN_DIR "/future.so\" }\n");
	CHECK_STR_CONTAINS(e, "plugin 'future'");
	CHECK_STR_CONTAINS(e, "ABI 2.0");
	CHECK_STR_CONTAINS(
		e, "speaks ABI " ABI_TEXT(FG_PLUGIN_ABI_MAJOR) "." ABI_TEXT(FG_PLUGIN_ABI_MINOR));

	/* a plugin whose file holds another plugin */
	e = load_error("plugin other { path = \"" TEST_PLUGIN_DIR "/marker.so\" }\n");
	CHECK_STR_CONTAINS(e, "contains plugin 'marker'");

	e = load_error("plugin marker {\n path = \"" TEST_PLUGIN_DIR
		       "/marker.so\"\n marker = {\"a\", \"b\"}\n}\n");
	CHECK_STR_CONTAINS(e, ":3:");
}

/* What libconfuse let pass or misreported (issue 12): each refused with its line. */
static void test_section_structure(void)
{
	const char *e;

	/* libconfuse took the end of the file for the missing brace */
	e = load_error("watch { paths = {\"/tmp\"} }\n\nlog {\n");
	CHECK_STR_CONTAINS(e, ":3:");
	CHECK_STR_CONTAINS(e, "section 'log' is never closed");
	e = load_error("log {\n level = \"info\"\n scan {\n");
	CHECK_STR_CONTAINS(e, ":3:");
	/* ...it merged a second watch section into the first */
	e = load_error("watch { paths = {\"/tmp\"} }\nverdict { }\nwatch { paths = {\"/var\"} }\n");
	CHECK_STR_CONTAINS(e, ":3:");
	CHECK_STR_CONTAINS(e, "a second 'watch' section (the first is at line 1)");
	/* ...and said "premature end of file" for a section it does not know */
	e = load_error("watch { paths = {\"/tmp\"} }\nfoo {\n x = 1\n}\n");
	CHECK_STR_CONTAINS(e, ":2:");
	CHECK_STR_CONTAINS(e, "unknown section 'foo'");
	CHECK_STR_CONTAINS(e, "watch, verdict, scan");
	e = load_error("watch {\n paths = {\"/tmp\"}\n sub { }\n}\n");
	CHECK_STR_CONTAINS(e, ":3:");
	CHECK_STR_CONTAINS(e, "unknown section 'sub' inside section 'watch'");
	/* a misspelt core option lists the section's options, as a plugin's does */
	e = load_error("log {\n levle = \"info\"\n}\n");
	CHECK_STR_CONTAINS(e, ":2:");
	CHECK_STR_CONTAINS(e, "section 'log' has no option 'levle' (its options: level, syslog");
	/* several plugin sections, lists and `+=` are fine */
	CHECK(strcmp(load_error("watch { paths = {\"/tmp\"} exclude += {\"/tmp/a\"} }\n"
				"plugin hash { blocklist = {} }\n"
				"plugin marker { enabled = false }\n"),
		     "") == 0);
	/* a plugin loaded by path lists its own options like the bundled ones */
	e = load_error("plugin marker {\n path = \"" TEST_PLUGIN_DIR
		       "/marker.so\"\n markr = \"x\"\n}\n");
	CHECK_STR_CONTAINS(e, ":3:");
	CHECK_STR_CONTAINS(e, "plugin 'marker' has no option 'markr' (its options: enabled, path, "
			      "scanner, marker");
}

static void test_exclusions(void)
{
	char text[1024], err[1024], expect[PATH_MAX];
	struct config cfg;

	snprintf(text, sizeof(text),
		 "watch {\n"
		 "  paths = {\"%s\"}\n"
		 "  exclude = {\"sub\", \"/srv/**/*.iso\", \"/home/*/.cache\"}\n"
		 "  exclude_exe = {\"/usr/bin/rsync\", \"/usr/lib/backup/*\"}\n"
		 "  exclude_uid = {\"root\", \"1001\"}\n"
		 "}\n"
		 "plugin hash { }\n",
		 dir);
	write_config(text);
	CHECK(config_load(conf, PLUGIN_DIR, &cfg, err, sizeof(err)) == 0);
	if (err[0])
		fprintf(stderr, "unexpected error: %s\n", err);
	/* plain entries keep prefix semantics (canonical paths), glob entries become patterns */
	snprintf(expect, sizeof(expect), "%s/sub", dir);
	CHECK(cfg.exclude.n_prefix == 1 && strcmp(cfg.exclude.prefix[0], expect) == 0);
	CHECK(cfg.exclude.n_glob == 2);
	CHECK(cfg.exclude.n_glob == 2 && strcmp(cfg.exclude.glob[0].text, "/srv/**/*.iso") == 0);
	CHECK(cfg.exclude.n_glob == 2 && path_globs_match(cfg.exclude.glob, 2, "/home/a/.cache/x"));
	CHECK(cfg.exclude_exe.n_prefix == 1 && cfg.exclude_exe.n_glob == 1);
	CHECK(path_set_match(&cfg.exclude_exe, "/usr/lib/backup/agent"));
	CHECK(!path_set_match(&cfg.exclude_exe, "/usr/bin/cat"));
	CHECK(cfg.n_exclude_uid == 2);
	CHECK(cfg.n_exclude_uid == 2 && cfg.exclude_uid[0] == 0 && cfg.exclude_uid[1] == 1001);
	config_free(&cfg);

	/* nothing configured: the monitor never looks at /proc */
	snprintf(text, sizeof(text), "watch { paths = {\"%s\"} }\nplugin hash { }\n", dir);
	write_config(text);
	CHECK(config_load(conf, PLUGIN_DIR, &cfg, err, sizeof(err)) == 0);
	CHECK(cfg.exclude.n_glob == 0 && cfg.n_exclude_uid == 0);
	CHECK(cfg.exclude_exe.n_prefix == 0 && cfg.exclude_exe.n_glob == 0);
	config_free(&cfg);
}

static void test_exclusion_errors(void)
{
	char prefix[PATH_MAX + 8];
	const char *e;

	snprintf(prefix, sizeof(prefix), "%s:", conf);

	e = load_error(
		"watch {\n  exclude = {\"/tmp/a\"}\n  exclude_uid = {\"fanguard-no-such-user\"}\n}\n");
	CHECK_STR_CONTAINS(e, prefix);
	CHECK_STR_CONTAINS(e, ":3:");
	CHECK_STR_CONTAINS(e, "\"fanguard-no-such-user\" is neither a known user nor a uid");

	e = load_error("watch {\n\n  exclude_uid = {\"4294967295\"}\n}\n");
	CHECK_STR_CONTAINS(e, ":3:");
	CHECK_STR_CONTAINS(e, "4294967295");

	e = load_error("watch {\n  paths = {\"/tmp\"}\n  exclude = {\"/tmp/[abc\"}\n}\n");
	CHECK_STR_CONTAINS(e, prefix);
	CHECK_STR_CONTAINS(e, ":3:");
	CHECK_STR_CONTAINS(e, "option 'exclude': bad pattern \"/tmp/[abc\"");
	CHECK_STR_CONTAINS(e, "without a closing ']'");

	e = load_error(
		"watch {\n  exclude_exe = {\n    \"/usr/bin/rsync\",\n    \"/opt/[[:bogus:]]/*\"\n  }\n}\n");
	CHECK_STR_CONTAINS(e, "option 'exclude_exe': bad pattern");
	CHECK_STR_CONTAINS(e, "[:bogus:]");
	CHECK_STR_CONTAINS(e, ":4:"); /* the line of the bad entry */

	e = load_error("watch {\n  exclude = {\"*.tmp\"}\n}\n");
	CHECK_STR_CONTAINS(e, ":2:");
	CHECK_STR_CONTAINS(e, "must be an absolute path");
}

/* verdict.mode and policy sections: parsed, longest path wins, bad ones named by line. */
static void test_policies(void)
{
	char text[3 * PATH_MAX], err[1024], sub[PATH_MAX + 8], deep[PATH_MAX + 16];
	const struct path_policy *which;
	struct config cfg;
	const char *e;

	snprintf(sub, sizeof(sub), "%s/sub", dir);
	snprintf(deep, sizeof(deep), "%s/sub/deeper/x", dir);
	snprintf(
		text, sizeof(text),
		"watch { paths = {\"%s\"} }\nverdict { mode = \"report\" }\n"
		"policy \"%s\" {\n  mode = \"block\"\n}\npolicy \"sub/deeper\" { mode = \"report\" }\n",
		dir, sub);
	write_config(text);
	CHECK(config_load(conf, PLUGIN_DIR, &cfg, err, sizeof(err)) == 0);
	CHECK(cfg.policy.fallback == SCAN_MODE_REPORT);
	CHECK(cfg.policy.n == 2);
	CHECK(policy_mode_for(&cfg.policy, conf, &which) == SCAN_MODE_REPORT && !which);
	CHECK(policy_mode_for(&cfg.policy, sub, &which) == SCAN_MODE_BLOCK && which &&
	      which->line == 3);
	CHECK(policy_mode_for(&cfg.policy, deep, &which) == SCAN_MODE_REPORT && which &&
	      which->line == 6);
	/* "sub" is not below "sub/deeper"'s sibling "subx" */
	snprintf(deep, sizeof(deep), "%s/subx", dir);
	CHECK(policy_mode_for(&cfg.policy, deep, NULL) == SCAN_MODE_REPORT);
	CHECK(policy_strictest(&cfg.policy) == SCAN_MODE_BLOCK);
	config_free(&cfg);

	snprintf(text, sizeof(text),
		 "watch { paths = {\"%s\"} }\n\npolicy \"/usr\" {\n  mode = \"report\"\n}\n", dir);
	e = load_error(text);
	CHECK_STR_CONTAINS(e, ":3:");
	CHECK_STR_CONTAINS(e, "/usr is not below any watch { paths }");

	snprintf(text, sizeof(text),
		 "watch { paths = {\"%s\"} }\npolicy \"%s\" {\n  mode = \"audit\"\n}\n", dir, sub);
	e = load_error(text);
	CHECK_STR_CONTAINS(e, ":3:");
	CHECK_STR_CONTAINS(e, "audit");

	snprintf(text, sizeof(text), "watch { paths = {\"%s\"} }\npolicy \"%s\" { }\n", dir, sub);
	e = load_error(text);
	CHECK_STR_CONTAINS(e, ":2:");
	CHECK_STR_CONTAINS(e, "no mode");

	snprintf(text, sizeof(text),
		 "watch { paths = {\"%s\"} }\npolicy \"%s\" { mode = \"block\" }\n"
		 "policy \"sub/.\" { mode = \"report\" }\n",
		 dir, sub);
	e = load_error(text);
	CHECK_STR_CONTAINS(e, ":3:");
	CHECK_STR_CONTAINS(e, "has a policy already (line 2)");

	e = load_error("verdict { mode = \"permissive\" }\n");
	CHECK_STR_CONTAINS(e, ":1:");
	CHECK_STR_CONTAINS(e, "permissive");
}

static void test_plugin_start_errors(void)
{
	char text[1024];
	const char *e;

	snprintf(text, sizeof(text), "plugin yara {\n rules = {\"%s/yara/broken\"}\n}\n",
		 TEST_DATA_DIR);
	e = start_error(text);
	CHECK_STR_CONTAINS(e, "syntax_error.yar:4:");

	e = start_error("plugin yara { rules = {\"missing.yar\"} }\n");
	CHECK_STR_CONTAINS(e, "missing.yar");

	mkdir("empty-db", 0700);
	e = start_error("plugin clamav { database = {\"empty-db\"} }\n");
	CHECK_STR_CONTAINS(e, "no ClamAV signatures loaded");

	e = start_error("plugin hash { enabled = false }\n");
	CHECK_STR_CONTAINS(e, "no plugin is enabled");

	e = start_error("plugin marker { path = \"" TEST_PLUGIN_DIR
			"/marker.so\" marker = \"\" }\n");
	CHECK_STR_CONTAINS(e, "plugin 'marker': option 'marker' must be a non-empty string");

	snprintf(text, sizeof(text), "plugin clamav { database = {\"%s/clamav\"} }\n",
		 TEST_DATA_DIR);
	e = start_error(text);
	CHECK(strcmp(e, "") == 0);
	if (*e)
		fprintf(stderr, "unexpected: %s\n", e);
}

/* schedule { }: defaults, values, relative paths, and errors with their line. */
static void test_schedule(void)
{
	char want[PATH_MAX + 32], err[1024];
	struct config cfg;
	const char *e;

	write_config("watch { paths = {} }\n");
	CHECK(config_load(conf, PLUGIN_DIR, &cfg, err, sizeof(err)) == 0);
	CHECK(cfg.schedule.n_paths == 0);
	CHECK(strcmp(cfg.schedule.on_calendar, "daily") == 0);
	CHECK(cfg.schedule.nice == 19 && cfg.schedule.io_idle && cfg.schedule.cpu_quota == 50);
	CHECK(strcmp(cfg.schedule.state, "/var/lib/fanguard/scan-state") == 0);
	CHECK(!cfg.schedule.full && !cfg.schedule.quarantine);
	CHECK(cfg.schedule.use_daemon == SCHEDULE_DAEMON_AUTO);
	config_free(&cfg);

	write_config(
		"watch { paths = {} }\nschedule {\n  paths = {\"sub\", \"/nonexistent/tree\"}\n"
		"  exclude = {\"/**/*.iso\"}\n  nice = 5\n  io_class = \"best-effort\"\n"
		"  cpu_quota = 0\n  state = \"st\"\n  full = true\n  quarantine = true\n"
		"  daemon = \"no\"\n}\n");
	CHECK(config_load(conf, PLUGIN_DIR, &cfg, err, sizeof(err)) == 0);
	CHECK(cfg.schedule.n_paths == 2);
	snprintf(want, sizeof(want), "%s/sub", dir);
	CHECK(strcmp(cfg.schedule.paths[0], want) == 0);
	CHECK(strcmp(cfg.schedule.paths[1], "/nonexistent/tree") ==
	      0); /* the scan's error, not the config's */
	CHECK(cfg.schedule.exclude.n_glob == 1);
	CHECK(cfg.schedule.nice == 5 && !cfg.schedule.io_idle && cfg.schedule.cpu_quota == 0);
	snprintf(want, sizeof(want), "%s/st", dir);
	CHECK(strcmp(cfg.schedule.state, want) == 0);
	CHECK(cfg.schedule.full && cfg.schedule.quarantine);
	CHECK(cfg.schedule.use_daemon == SCHEDULE_DAEMON_NO);
	config_free(&cfg);

	e = load_error("schedule {\n  nice = 20\n}\n");
	CHECK_STR_CONTAINS(e, ":2:");
	CHECK_STR_CONTAINS(e, "'nice'");
	e = load_error("schedule {\n\n  io_class = \"realtime\"\n}\n");
	CHECK_STR_CONTAINS(e, ":3:");
	CHECK_STR_CONTAINS(e, "\"realtime\"");
	e = load_error("schedule {\n  daemon = \"maybe\"\n}\n");
	CHECK_STR_CONTAINS(e, ":2:");
	e = load_error("schedule {\n  on_calendar = \"\"\n}\n");
	CHECK_STR_CONTAINS(e, "'on_calendar': must not be empty");
	e = load_error("schedule {\n  exclude = {\"[a-\"}\n}\n");
	CHECK_STR_CONTAINS(e, ":2:");
	e = load_error("schedule {\n  cpu_quota = -1\n}\n");
	CHECK_STR_CONTAINS(e, "out of range");
	e = load_error("schedule {\n  pahts = {\"/srv\"}\n}\n");
	CHECK_STR_CONTAINS(e, ":2:");
	CHECK_STR_CONTAINS(e, "pahts");
}

int main(void)
{
	char tmpl[] = "/tmp/fanguard-test-config.XXXXXX";
	char cmd[PATH_MAX + 16];

	log_init("test_config", 0, LOG_ERR);
	if (!mkdtemp(tmpl) || !realpath(tmpl, dir))
		return 1;
	snprintf(conf, sizeof(conf), "%s/fanguard.conf", dir);
	if (chdir(dir) != 0 || mkdir("sub", 0700) != 0)
		return 1;
	test_good_config();
	test_defaults();
	test_errors_name_file_and_line();
	test_section_structure();
	test_exclusions();
	test_exclusion_errors();
	test_policies();
	test_plugin_start_errors();
	test_schedule();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cleanup of %s failed\n", dir);
	return check_summary();
}
