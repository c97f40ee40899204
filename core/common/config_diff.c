/*
 * The reload's diff: a reload swaps in only the plugin sections and the
 * exclusions, so the settings it leaves as they were are named when they
 * changed, for the daemon to say that they wait for a restart.
 */
#include "common/config.h"

#include <stdio.h>
#include <string.h>

static bool same_string(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

static void name_change(char *out, size_t outsize, bool changed, const char *name)
{
	size_t used = strlen(out);

	if (changed && used < outsize)
		snprintf(out + used, outsize - used, "%s%s", used ? ", " : "", name);
}

void config_restart_needed(const struct config *running, const struct config *fresh, char *out,
			   size_t outsize)
{
	bool watch = running->n_watch != fresh->n_watch;

	if (!outsize)
		return;
	out[0] = '\0';
	for (size_t i = 0; !watch && i < running->n_watch; i++)
		watch = strcmp(running->watch[i], fresh->watch[i]) != 0;
	name_change(out, outsize, watch, "watch.paths");
	name_change(out, outsize, running->events != fresh->events, "watch.events");
	name_change(out, outsize, running->max_file_size != fresh->max_file_size,
		    "watch.max_file_size");
	name_change(out, outsize, running->user_fuse != fresh->user_fuse, "watch.user_fuse");
	name_change(out, outsize,
		    running->verdict.policy != fresh->verdict.policy ||
			    running->verdict.on_error != fresh->verdict.on_error ||
			    running->verdict.on_too_large != fresh->verdict.on_too_large ||
			    running->timeout_ms != fresh->timeout_ms ||
			    running->on_timeout != fresh->on_timeout ||
			    running->on_overload != fresh->on_overload ||
			    running->late_quarantine != fresh->late_quarantine ||
			    running->late_kill != fresh->late_kill,
		    "verdict");
	/* the scanners' threads, user and filter are set up by the daemon for what it started with */
	name_change(out, outsize, running->workers != fresh->workers, "scan.workers");
	name_change(out, outsize, !same_string(running->scan_user, fresh->scan_user), "scan.user");
	name_change(out, outsize, running->seccomp != fresh->seccomp, "scan.seccomp");
	name_change(out, outsize,
		    running->max_inflight != fresh->max_inflight ||
			    running->max_inflight_per_uid != fresh->max_inflight_per_uid ||
			    running->cache_size != fresh->cache_size ||
			    running->scan_ahead != fresh->scan_ahead ||
			    running->scan_ahead_files != fresh->scan_ahead_files ||
			    running->rescan_after_reload != fresh->rescan_after_reload ||
			    running->isolate != fresh->isolate ||
			    running->landlock != fresh->landlock ||
			    running->memory_limit_mb != fresh->memory_limit_mb ||
			    running->restart_limit != fresh->restart_limit ||
			    running->restart_window_s != fresh->restart_window_s,
		    "scan");
	name_change(out, outsize,
		    running->auto_reload != fresh->auto_reload ||
			    running->reload_settle_s != fresh->reload_settle_s ||
			    running->signature_max_age != fresh->signature_max_age,
		    "signatures");
	name_change(out, outsize,
		    running->log_level != fresh->log_level ||
			    running->log_syslog != fresh->log_syslog ||
			    !same_string(running->event_log, fresh->event_log) ||
			    running->event_log_max_mb != fresh->event_log_max_mb ||
			    running->event_log_keep != fresh->event_log_keep,
		    "log");
	name_change(out, outsize, !same_string(running->control_socket, fresh->control_socket),
		    "control");
	name_change(out, outsize,
		    !same_string(running->quarantine_dir, fresh->quarantine_dir) ||
			    running->quarantine_on_close_write != fresh->quarantine_on_close_write,
		    "quarantine");
}
