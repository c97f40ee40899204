#include "cli/cmd_scheduled_scan.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cli/control_client.h"
#include "cli/scan_client.h"
#include "cli/schedule_units.h"
#include "cli/scheduled_scan.h"
#include "cli/signature_set.h"
#include "common/eventlog.h"
#include "common/install_paths.h"
#include "common/log.h"

/* <linux/ioprio.h> is not in every libc's headers */
#define IOPRIO_CLASS_SHIFT 13
#define IOPRIO_CLASS_BE 2
#define IOPRIO_CLASS_IDLE 3
#define IOPRIO_WHO_PROCESS 1

static void usage(FILE *out)
{
	fprintf(out,
		"usage: fanguard scheduled-scan [-c FILE] [--full] [--daemon | --local] [-j N]\n"
		"       fanguard scheduled-scan [-c FILE] --write-units DIR\n"
		"scan schedule { paths } of the config, skipping files unchanged since they were\n"
		"found clean under the same signatures; an interrupted run goes on next time\n"
		"  -c, --config FILE   configuration file (default %s)\n"
		"      --full          scan every file (the state is not consulted, but kept)\n"
		"      --daemon        let the running fanguardd scan (schedule { daemon = \"yes\" })\n"
		"      --local         scan in this process (schedule { daemon = \"no\" }); by\n"
		"                      default the daemon scans when it answers\n"
		"  -j, --jobs N        scan N files at once (default: one per CPU)\n"
		"      --write-units DIR\n"
		"                      write the systemd drop-ins of schedule { } into DIR (what\n"
		"                      fanguard-scan-generator does) and exit\n"
		"exit status: 0 nothing found, 1 something found, 2 errors, 143 stopped (SIGTERM)\n",
		install_default_config());
}

/*
 * schedule { nice, io_class } for this process and the threads it makes from
 * now on (both are per thread on Linux): only ever politer than it is.
 */
static void be_polite(const struct schedule_config *s)
{
	int class = s->io_idle ? IOPRIO_CLASS_IDLE : IOPRIO_CLASS_BE;

	errno = 0;
	if (getpriority(PRIO_PROCESS, 0) < s->nice && errno == 0)
		setpriority(PRIO_PROCESS, 0, s->nice);
	/* best-effort at its lowest level (7); idle has no levels */
	syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0,
		(class << IOPRIO_CLASS_SHIFT) | (s->io_idle ? 0 : 7));
}

/* The daemon's word on the set it has loaded: its plugins and when it loaded them. */
static void daemon_signature_text(const char *socket, char *text, size_t size)
{
	char *answer = NULL, *line, *save = NULL, err[256];
	size_t len = 0;
	FILE *out = open_memstream(&answer, &len);

	text[0] = '\0';
	if (!out)
		return;
	control_request(socket, "status", out, err, sizeof(err));
	fclose(out);
	for (line = answer ? strtok_r(answer, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, "plugins: ", 9) == 0 ||
		    strncmp(line, "signatures: loaded", 18) == 0)
			snprintf(text + strlen(text), size - strlen(text), "%s\n", line);
	free(answer);
}

/* Whether the daemon scans: as asked, else as configured, else if it answers. */
static bool use_daemon(const struct config *cfg, int asked)
{
	char err[256];
	int conn, mode = asked >= 0 ? asked : cfg->schedule.use_daemon;

	if (mode != SCHEDULE_DAEMON_AUTO)
		return mode == SCHEDULE_DAEMON_YES;
	if ((conn = scan_client_connect(cfg->control_socket, err, sizeof(err))) < 0)
		return false;
	close(conn);
	return true;
}

static int write_units(const char *config_path, const char *dir)
{
	struct config cfg;
	char err[1024];
	int rc;

	if (config_load(config_path, install_plugin_dir(), &cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "fanguard: %s\n", err);
		return 2;
	}
	rc = schedule_units_write(&cfg, dir, err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "fanguard scheduled-scan: %s\n", err);
	config_free(&cfg);
	return rc ? 2 : 0;
}

/* The line the journal keeps of each run. */
static void print_summary(struct scheduled_scan *s, double seconds)
{
	struct scan_report *r = &s->run->report;

	printf("scheduled scan %s: %llu files scanned, %llu unchanged skipped, %llu found, "
	       "%llu quarantined, %llu errors in %.1f s (%s pass%s, %s)\n",
	       r->interrupted                 ? "STOPPED, goes on at the next run"
	       : atomic_load(&s->run->failed) ? "FAILED, the plugins did not start"
					      : "done",
	       (unsigned long long)atomic_load(&s->scanned),
	       (unsigned long long)atomic_load(&s->unchanged), r->found,
	       (unsigned long long)atomic_load(&s->quarantined), r->errors, seconds,
	       s->full ? "full" : "incremental", s->resumed ? ", resumed" : "",
	       s->run->daemon                     ? "scanned by fanguardd"
	       : scan_run_plugins_started(s->run) ? "scanned here"
						  : "scanned here, plugins not loaded");
	fflush(stdout);
}

/* Config, mode, state; then the run. Returns the exit status. */
static int scheduled(const char *config_path, bool full, int asked_daemon, long jobs)
{
	static struct scan_run run;
	static struct scheduled_scan s;
	struct schedule_config *sched;
	struct config cfg;
	char err[1024], note[256], daemon_text[1024] = "", plugins[1024];
	unsigned char sigset[32];
	double seconds;
	int rc;

	if (config_load(config_path, install_plugin_dir(), &cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "fanguard: %s\n", err);
		return 2;
	}
	if (!cfg.schedule.n_paths) {
		fprintf(stderr,
			"fanguard scheduled-scan: %s: schedule { paths } is empty: nothing "
			"to scan\n",
			cfg.path);
		config_free(&cfg);
		return 2;
	}
	run.daemon = use_daemon(&cfg, asked_daemon);
	run.move = cfg.schedule.quarantine;
	be_polite(&cfg.schedule);
	config_free(&cfg);
	run.jobs = jobs < 1 ? 1 : (unsigned)jobs;
	/*
	 * the signature set's digest needs the plugins opened (their versions),
	 * not started: an unchanged tree never loads the signatures
	 */
	run.start_on_demand = true;
	if (scan_run_prepare(&run, config_path, err, sizeof(err)) != 0) {
		fprintf(stderr, "fanguard: %s\n", err);
		return 2;
	}
	sched = &run.rt.cfg.schedule;
	run.exclude = sched->exclude; /* the config's: freed with it */
	if (run.daemon)
		daemon_signature_text(run.rt.cfg.control_socket, daemon_text, sizeof(daemon_text));
	signature_set_digest(&run.rt.cfg, run.daemon ? daemon_text : NULL, sigset);
	if (scan_state_load(&s.state, sched->state, sigset, note, sizeof(note), err, sizeof(err)) !=
	    0) {
		fprintf(stderr, "fanguard scheduled-scan: %s\n", err);
		scan_run_unprepare(&run);
		return 2;
	}
	if (note[0])
		fprintf(stderr, "fanguard scheduled-scan: state %s: %s; scanning every file\n",
			sched->state, note);
	s.resumed = s.state.full_since != 0;
	if (full || sched->full)
		scan_state_begin_full(&s.state);
	s.full = s.state.full_since != 0;
	s.state_path = sched->state;
	s.progress_path = sched->progress;
	if (!run.daemon && run.rt.cfg.event_log[0] &&
	    eventlog_open(run.rt.cfg.event_log, (uint64_t)run.rt.cfg.event_log_max_mb << 20,
			  run.rt.cfg.event_log_keep, err, sizeof(err)) != 0)
		fprintf(stderr, "fanguard scheduled-scan: %s (no event records)\n", err);
	scan_report_init(&run.report, false, true, false);
	scheduled_scan_start(&s, &run);
	rc = scan_run_execute(&run, sched->paths, (int)sched->n_paths, &seconds);
	scheduled_scan_stop(&s);
	if (rc == 0 && scheduled_scan_save(&s, err, sizeof(err)) != 0) {
		fprintf(stderr, "fanguard scheduled-scan: %s\n", err);
		run.report.errors++;
	}
	scan_run_describe_plugins(&run, plugins, sizeof(plugins));
	scan_report_summary(&run.report, plugins, verdict_policy_name(run.rt.cfg.verdict.policy),
			    seconds);
	print_summary(&s, seconds);
	rc = rc ? 2 : scan_run_exit_status(&run);
	eventlog_close();
	scan_state_free(&s.state);
	scan_run_unprepare(&run);
	scan_report_fini(&run.report);
	return rc;
}

int cmd_scheduled_scan(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "full", no_argument, NULL, 'F' },
		{ "daemon", no_argument, NULL, 'D' },
		{ "local", no_argument, NULL, 'L' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "write-units", required_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config_path = install_default_config(), *units = NULL;
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	int opt, daemon = -1;
	bool full = false;
	char *end;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "c:j:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c': config_path = optarg; break;
		case 'F': full = true; break;
		case 'D': daemon = SCHEDULE_DAEMON_YES; break;
		case 'L': daemon = SCHEDULE_DAEMON_NO; break;
		case 'W': units = optarg; break;
		case 'j':
			jobs = strtol(optarg, &end, 10);
			if (*end || jobs < 1 || jobs > 256) {
				fprintf(stderr,
					"fanguard scheduled-scan: -j wants a number from 1 "
					"to 256, not '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr,
			"fanguard scheduled-scan: unexpected argument '%s' (the paths are "
			"schedule { paths } of the config)\n",
			argv[optind]);
		return 2;
	}
	log_init("fanguard", 0, LOG_WARNING);
	if (units)
		return write_units(config_path, units);
	return scheduled(config_path, full, daemon, jobs);
}
