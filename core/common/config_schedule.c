/*
 * `schedule { }`: what `fanguard scheduled-scan` scans and how politely the
 * fanguard-scan.service that runs it behaves. The daemon loads the section
 * too and ignores it, so nothing here may fail for a path that does not exist
 * yet: a scheduled path that is missing is the scan's error, not the daemon's.
 */
#include "common/config_internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define SCHEDULE_DEFAULT_STATE "/var/lib/fanguard/scan-state"
#define SCHEDULE_DEFAULT_PROGRESS "/run/fanguard/scheduled-scan"

cfg_opt_t config_schedule_opts[] = {
	CFG_STR_LIST("paths", "{}", CFGF_NONE),
	CFG_STR_LIST("exclude", "{}", CFGF_NONE),
	CFG_STR("on_calendar", "daily", CFGF_NONE),
	CFG_INT("nice", 19, CFGF_NONE),
	CFG_STR("io_class", "idle", CFGF_NONE),
	CFG_INT("cpu_quota", 50, CFGF_NONE),
	CFG_STR("state", SCHEDULE_DEFAULT_STATE, CFGF_NONE),
	CFG_STR("progress", SCHEDULE_DEFAULT_PROGRESS, CFGF_NONE),
	CFG_BOOL("full", cfg_false, CFGF_NONE),
	CFG_BOOL("quarantine", cfg_false, CFGF_NONE),
	CFG_STR("daemon", "auto", CFGF_NONE),
	CFG_STR("__unknown", NULL, CFGF_NONE),
	CFG_END(),
};

static int validate_io_class(cfg_t *cfg, cfg_opt_t *opt)
{
	static const char *const choices[] = { "idle", "best-effort", NULL };
	return config_check_choice(cfg, opt, choices);
}

static int validate_daemon(cfg_t *cfg, cfg_opt_t *opt)
{
	static const char *const choices[] = { "auto", "yes", "no", NULL };
	return config_check_choice(cfg, opt, choices);
}

/* Text that goes into a unit file (OnCalendar=) or names a file: one line, not empty. */
static int validate_line(cfg_t *cfg, cfg_opt_t *opt)
{
	for (unsigned i = 0; i < cfg_opt_size(opt); i++) {
		const char *v = cfg_opt_getnstr(opt, i);

		if (!v[0]) {
			cfg_error(cfg, "option '%s': must not be empty", opt->name);
			return -1;
		}
		for (const char *c = v; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f) {
				cfg_error(cfg, "option '%s': \"%s\" has a control character",
					  opt->name, v);
				return -1;
			}
	}
	return 0;
}

void config_schedule_validators(cfg_t *cfg)
{
	cfg_set_validate_func(cfg, "schedule|paths", validate_line);
	cfg_set_validate_func(cfg, "schedule|exclude", config_validate_patterns);
	cfg_set_validate_func(cfg, "schedule|on_calendar", validate_line);
	cfg_set_validate_func(cfg, "schedule|io_class", validate_io_class);
	cfg_set_validate_func(cfg, "schedule|state", validate_line);
	cfg_set_validate_func(cfg, "schedule|progress", validate_line);
	cfg_set_validate_func(cfg, "schedule|daemon", validate_daemon);
}

static int copy_file_path(cfg_t *sec, const char *name, char **out)
{
	char resolved[PATH_MAX];

	config_resolve_path(cfg_getstr(sec, name), resolved, sizeof(resolved));
	return (*out = strdup(resolved)) ? 0 : -1;
}

int config_copy_schedule(cfg_t *sec, struct schedule_config *out)
{
	const char *daemon = cfg_getstr(sec, "daemon");

	if (config_copy_path_list(sec, "paths", false, &out->paths, &out->n_paths) < 0 ||
	    config_copy_path_set(sec, "exclude", &out->exclude) < 0 ||
	    copy_file_path(sec, "state", &out->state) < 0 ||
	    copy_file_path(sec, "progress", &out->progress) < 0 ||
	    !(out->on_calendar = strdup(cfg_getstr(sec, "on_calendar"))))
		return -1;
	out->nice = (int)cfg_getint(sec, "nice");
	out->io_idle = strcmp(cfg_getstr(sec, "io_class"), "idle") == 0;
	out->cpu_quota = (unsigned)cfg_getint(sec, "cpu_quota");
	out->full = cfg_getbool(sec, "full");
	out->quarantine = cfg_getbool(sec, "quarantine");
	out->use_daemon = strcmp(daemon, "yes") == 0  ? SCHEDULE_DAEMON_YES
			  : strcmp(daemon, "no") == 0 ? SCHEDULE_DAEMON_NO
						      : SCHEDULE_DAEMON_AUTO;
	return 0;
}

void config_schedule_free(struct schedule_config *s)
{
	for (size_t i = 0; s->paths && i < s->n_paths; i++)
		free(s->paths[i]);
	free(s->paths);
	path_set_free(&s->exclude);
	free(s->on_calendar);
	free(s->state);
	free(s->progress);
	memset(s, 0, sizeof(*s));
}
