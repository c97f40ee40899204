/*
 * The parsed core options into struct config. Paths are stored the way event
 * paths will show them (canonical, absolute), so matching is a string compare.
 */
#include "common/config_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/path.h"
#include "common/trust.h"

/*
 * value as event paths will show it (they come from /proc/self/fd): resolved
 * against the config's folder, then canonical if it exists, else normalized
 * lexically unless it must exist. -1 with errno set; resolved is for messages.
 */
static int canonical_path(const char *value, bool must_exist, char resolved[PATH_MAX],
			  char canonical[PATH_MAX])
{
	config_resolve_path(value, resolved, PATH_MAX);
	if (realpath(resolved, canonical))
		return 0;
	return must_exist || path_normalize(resolved, canonical, PATH_MAX) != 0 ? -1 : 0;
}

int config_copy_path_list(cfg_t *sec, const char *name, bool must_exist, char ***out, size_t *n_out)
{
	unsigned n = cfg_size(sec, name);
	char resolved[PATH_MAX], canonical[PATH_MAX];

	*out = calloc(n ? n : 1, sizeof(char *));
	if (!*out)
		return -1;
	for (unsigned i = 0; i < n; i++) {
		if (canonical_path(cfg_getnstr(sec, name, i), must_exist, resolved, canonical) !=
		    0) {
			config_fail_at(0, "option '%s': %s: %s", name, resolved, strerror(errno));
			return -1;
		}
		if (!((*out)[(*n_out)++] = strdup(canonical)))
			return -1;
	}
	return 0;
}

/*
 * An exclusion's symlinks are followed only where root alone could have made
 * them: else `ln -s / entry` in a folder the user may write would turn the
 * exclusion into / at the next reload. Such an entry stays as written (it
 * then matches only paths that really are below it) and the log says why;
 * start-up does not fail, or the same symlink would stop protection.
 */
static int trusted_path(const char *name, const char *value, char resolved[PATH_MAX],
			char canonical[PATH_MAX])
{
	char why[PATH_MAX + 128], given[PATH_MAX];
	int rc;

	config_resolve_path(value, given, sizeof(given));
	if (path_normalize(given, resolved, PATH_MAX) != 0) {
		config_fail_at(0, "option '%s': %s: path too long", name, value);
		return -1;
	}
	rc = trust_resolve(resolved, canonical, why, sizeof(why));
	if (rc < 0) {
		config_fail_at(0, "option '%s': %s", name, why);
		return -1;
	}
	if (rc > 0) {
		log_warning("%s: option '%s': %s is not resolved through %s; kept as written",
			    config_current->path, name, resolved, why);
		snprintf(canonical, PATH_MAX, "%s", resolved);
	}
	return 0;
}

int config_copy_path_set(cfg_t *sec, const char *name, struct path_set *out)
{
	unsigned n = cfg_size(sec, name);
	char resolved[PATH_MAX], canonical[PATH_MAX], reason[256];

	out->prefix = calloc(n ? n : 1, sizeof(*out->prefix));
	out->glob = calloc(n ? n : 1, sizeof(*out->glob));
	if (!out->prefix || !out->glob)
		return -1;
	for (unsigned i = 0; i < n; i++) {
		const char *v = cfg_getnstr(sec, name, i);

		if (path_has_glob(v)) {
			if (path_glob_compile(v, &out->glob[out->n_glob], reason, sizeof(reason)) !=
			    0) {
				config_fail_at(0, "option '%s': bad pattern \"%s\": %s", name, v,
					       reason);
				return -1;
			}
			out->n_glob++;
			continue;
		}
		if (trusted_path(name, v, resolved, canonical) != 0)
			return -1;
		if (!(out->prefix[out->n_prefix++] = strdup(canonical)))
			return -1;
	}
	return 0;
}

/* Half-filled sets on failure are released by config_free. */
static int copy_exclusions(cfg_t *watch, struct config *out)
{
	if (config_copy_path_set(watch, "exclude", &out->exclude) != 0 ||
	    config_copy_path_set(watch, "exclude_exe", &out->exclude_exe) != 0)
		return -1;
	out->exclude_uid = calloc(cfg_size(watch, "exclude_uid") + 1, sizeof(uid_t));
	if (!out->exclude_uid)
		return -1;
	for (unsigned i = 0; i < cfg_size(watch, "exclude_uid"); i++)
		if (config_parse_uid(cfg_getnstr(watch, "exclude_uid", i),
				     &out->exclude_uid[out->n_exclude_uid++]) != 0)
			return -1; /* validated already: only a lookup failing now gets here */
	return 0;
}

/*
 * The line where `policy "TITLE"` opens: libconfuse gives a section the line
 * where it closes. Titles are unique, so the first line naming it is it.
 */
static unsigned policy_line(const char *title, unsigned fallback)
{
	const char *text = config_current->text, *at = text;
	char quoted[PATH_MAX + 4];
	unsigned line = 1;

	snprintf(quoted, sizeof(quoted), "\"%s\"", title);
	for (; text && *at; line++) {
		const char *end = strchr(at, '\n'), *hit = strstr(at, quoted),
			   *kw = strstr(at, "policy");

		if (!end)
			end = at + strlen(at);
		if (hit && hit < end && kw && kw < hit)
			return line;
		at = *end ? end + 1 : end;
	}
	return fallback;
}

/*
 * verdict.mode and the `policy "PATH" { mode }` sections. Their paths are
 * resolved like exclusions (a symlink only where root alone could have made
 * it): `ln -s / report-me` must not put the whole machine in report mode.
 */
static int copy_policies(cfg_t *cfg, struct config *out)
{
	unsigned n = cfg_size(cfg, "policy");
	char resolved[PATH_MAX], canonical[PATH_MAX];

	scan_mode_from_name(cfg_getstr(cfg_getsec(cfg, "verdict"), "mode"), &out->policy.fallback);
	out->policy.entries = calloc(n ? n : 1, sizeof(*out->policy.entries));
	if (!out->policy.entries)
		return -1;
	for (unsigned i = 0; i < n; i++) {
		cfg_t *sec = cfg_getnsec(cfg, "policy", i);
		const char *mode = cfg_getstr(sec, "mode");
		struct path_policy *p = &out->policy.entries[out->policy.n];

		p->line = policy_line(cfg_title(sec), sec->line > 0 ? (unsigned)sec->line : 0);
		if (!mode) {
			config_fail_at(p->line, "policy \"%s\": no mode (\"block\" or \"report\")",
				       cfg_title(sec));
			return -1;
		}
		if (trusted_path("policy", cfg_title(sec), resolved, canonical) != 0)
			return -1;
		if (!path_is_watched(canonical, out->watch, out->n_watch)) {
			config_fail_at(p->line,
				       "policy \"%s\": %s is not below any watch { paths }",
				       cfg_title(sec), canonical);
			return -1;
		}
		for (size_t j = 0; j < out->policy.n; j++)
			if (strcmp(out->policy.entries[j].path, canonical) == 0) {
				config_fail_at(
					p->line, "policy \"%s\": %s has a policy already (line %u)",
					cfg_title(sec), canonical, out->policy.entries[j].line);
				return -1;
			}
		scan_mode_from_name(mode, &p->mode);
		if (!(p->path = strdup(canonical)))
			return -1;
		out->policy.n++;
	}
	return 0;
}

/* The folder as event paths will show it (canonical), whether or not it exists yet. */
static int copy_quarantine_options(cfg_t *sec, struct config *out)
{
	char resolved[PATH_MAX], canonical[PATH_MAX];

	if (!cfg_getstr(sec, "dir")[0]) {
		config_fail_at(0, "quarantine { dir } must not be empty");
		return -1;
	}
	if (canonical_path(cfg_getstr(sec, "dir"), false, resolved, canonical) != 0) {
		config_fail_at(0, "quarantine { dir }: %s: %s", resolved, strerror(errno));
		return -1;
	}
	if (!(out->quarantine_dir = strdup(canonical)))
		return -1;
	out->quarantine_on_close_write =
		strcmp(cfg_getstr(sec, "on_close_write"), "quarantine") == 0;
	if (out->quarantine_on_close_write && !(out->events & CONFIG_EVENT_CLOSE_WRITE)) {
		config_fail_at(
			0, "quarantine { on_close_write = \"quarantine\" } needs \"close_write\" "
			   "in watch { events }");
		return -1;
	}
	return 0;
}

const char *config_user_fuse_name(enum user_fuse_policy policy)
{
	return policy == USER_FUSE_SCAN ? "scan" : policy == USER_FUSE_DENY ? "deny" : "deny_exec";
}

/* The validator let only these through. */
static enum user_fuse_policy user_fuse_from_name(const char *name)
{
	if (strcmp(name, "scan") == 0)
		return USER_FUSE_SCAN;
	return strcmp(name, "deny") == 0 ? USER_FUSE_DENY : USER_FUSE_DENY_EXEC;
}

int config_copy_core_options(cfg_t *cfg, struct config *out)
{
	char resolved_socket[PATH_MAX];
	cfg_t *watch = cfg_getsec(cfg, "watch"), *verdict = cfg_getsec(cfg, "verdict");
	cfg_t *scan = cfg_getsec(cfg, "scan"), *log = cfg_getsec(cfg, "log");
	cfg_t *sigs = cfg_getsec(cfg, "signatures");

	if (config_copy_path_list(watch, "paths", true, &out->watch, &out->n_watch) < 0 ||
	    copy_exclusions(watch, out) < 0 || copy_policies(cfg, out) < 0)
		return -1;
	for (unsigned i = 0; i < cfg_size(watch, "events"); i++) {
		const char *ev = cfg_getnstr(watch, "events", i);
		out->events |= strcmp(ev, "open") == 0   ? CONFIG_EVENT_OPEN
			       : strcmp(ev, "exec") == 0 ? CONFIG_EVENT_EXEC
							 : CONFIG_EVENT_CLOSE_WRITE;
	}
	out->max_file_size = (unsigned long long)cfg_getint(watch, "max_file_size");
	out->user_fuse = user_fuse_from_name(cfg_getstr(watch, "user_fuse"));
	verdict_policy_from_name(cfg_getstr(verdict, "policy"), &out->verdict.policy);
	verdict_decision_from_name(cfg_getstr(verdict, "on_error"), &out->verdict.on_error);
	verdict_decision_from_name(cfg_getstr(verdict, "on_too_large"), &out->verdict.on_too_large);
	verdict_decision_from_name(cfg_getstr(verdict, "on_timeout"), &out->on_timeout);
	out->timeout_ms = (unsigned)cfg_getint(verdict, "timeout_ms");
	out->workers = (unsigned)cfg_getint(scan, "workers");
	verdict_decision_from_name(cfg_getstr(verdict, "on_overload"), &out->on_overload);
	for (unsigned i = 0; i < cfg_size(verdict, "late_detection"); i++) {
		const char *act = cfg_getnstr(verdict, "late_detection", i);
		if (strcmp(act, "quarantine") == 0)
			out->late_quarantine = true;
		else
			out->late_kill = true;
	}
	out->max_inflight = (unsigned)cfg_getint(scan, "max_inflight");
	out->max_inflight_per_uid = (unsigned)cfg_getint(scan, "max_inflight_per_uid");
	/* 0: a quarter, so at least four users must flood together to fill max_inflight */
	if (out->max_inflight_per_uid == 0 || out->max_inflight_per_uid > out->max_inflight)
		out->max_inflight_per_uid =
			out->max_inflight_per_uid ? out->max_inflight : out->max_inflight / 4;
	out->cache_size = (unsigned)cfg_getint(scan, "cache_size");
	out->scan_ahead = cfg_getbool(scan, "scan_ahead");
	out->scan_ahead_files = (unsigned)cfg_getint(scan, "scan_ahead_files");
	out->rescan_after_reload = (unsigned)cfg_getint(scan, "rescan_after_reload");
	out->isolate = strcmp(cfg_getstr(scan, "isolation"), "process") == 0;
	if (!(out->scan_user = strdup(cfg_getstr(scan, "user"))))
		return -1;
	out->seccomp = cfg_getbool(scan, "seccomp");
	out->landlock = cfg_getbool(scan, "landlock");
	out->memory_limit_mb = (unsigned)cfg_getint(scan, "memory_limit_mb");
	out->restart_limit = (unsigned)cfg_getint(scan, "restart_limit");
	out->restart_window_s = (unsigned)cfg_getint(scan, "restart_window_s");
	out->auto_reload = cfg_getbool(sigs, "auto_reload");
	out->reload_settle_s = (unsigned)cfg_getint(sigs, "settle_s");
	out->signature_max_age = (unsigned)cfg_getint(sigs, "max_age_days");
	out->log_level = log_level_from_name(cfg_getstr(log, "level"));
	resolved_socket[0] = '\0';
	if (cfg_getstr(cfg_getsec(cfg, "control"), "socket")[0])
		config_resolve_path(cfg_getstr(cfg_getsec(cfg, "control"), "socket"),
				    resolved_socket, sizeof(resolved_socket));
	if (!(out->control_socket = strdup(resolved_socket)))
		return -1;
	out->log_syslog = cfg_getbool(log, "syslog");
	out->event_log_max_mb = (unsigned)cfg_getint(log, "events_max_mb");
	out->event_log_keep = (unsigned)cfg_getint(log, "events_keep");
	{
		const char *events = cfg_getstr(log, "events");
		char resolved[PATH_MAX];

		if (events[0] && strcmp(events, "-") != 0)
			config_resolve_path(events, resolved, sizeof(resolved));
		else
			snprintf(resolved, sizeof(resolved), "%s", events);
		if (!(out->event_log = strdup(resolved)))
			return -1;
	}
	if (copy_quarantine_options(cfg_getsec(cfg, "quarantine"), out) != 0)
		return -1;
	return config_copy_schedule(cfg_getsec(cfg, "schedule"), &out->schedule);
}
