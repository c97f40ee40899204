#include "cli/cmd_scan.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/scan_run.h"
#include "common/install_paths.h"
#include "common/log.h"

static void scan_usage(FILE *out)
{
	fprintf(out,
		"usage: fanguard scan [-c FILE] [-i] [-j N] [--json] [--daemon] [--move] PATH...\n"
		"  -c, --config FILE  configuration file (default %s)\n"
		"  -i, --infected     print only infected files (and errors)\n"
		"  -j, --jobs N       scan N files at once (default: one per CPU)\n"
		"      --json         one JSON object per file and a summary object, on stdout\n"
		"      --daemon       let the running fanguardd scan (its loaded plugins, no second\n"
		"                     copy of the signatures in memory); needs root, like its socket\n"
		"      --no-progress  no progress line (it shows only when stderr is a terminal)\n"
		"      --move         move detected files into the quarantine (`fanguard quarantine`)\n"
		"      --exclude PAT  skip a path, a pattern (`*`, `?`, `[...]`, `**`) or a name\n"
		"                     anywhere (no '/': `*.iso`); repeatable; watch.exclude of the\n"
		"                     config is skipped too\n"
		"exit status: 0 nothing found, 1 something found, 2 errors (and nothing found)\n",
		install_default_config());
}

int cmd_scan(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "infected", no_argument, NULL, 'i' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "json", no_argument, NULL, 'J' },
		{ "daemon", no_argument, NULL, 'D' },
		{ "no-progress", no_argument, NULL, 'P' },
		{ "move", no_argument, NULL, 'M' },
		{ "exclude", required_argument, NULL, 'X' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct scan_run run;
	const char *config_path = install_default_config();
	bool json = false, infected_only = false, progress = true;
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	char err[1024], plugins[1024], *end;
	double seconds;
	int opt;

	optind = 1;
	err[0] = '\0';
	while ((opt = getopt_long(argc, argv, "c:ij:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c': config_path = optarg; break;
		case 'i': infected_only = true; break;
		case 'j':
			jobs = strtol(optarg, &end, 10);
			if (*end || jobs < 1 || jobs > 256) {
				fprintf(stderr,
					"fanguard scan: -j wants a number from 1 to 256, not '%s'\n",
					optarg);
				return SCAN_EXIT_ERROR;
			}
			break;
		case 'J': json = true; break;
		case 'D': run.daemon = true; break;
		case 'P': progress = false; break;
		case 'M': run.move = true; break;
		case 'X':
			if (scan_run_add_exclude(&run.exclude, optarg, err, sizeof(err)) != 0) {
				fprintf(stderr, "fanguard scan: %s\n",
					err[0] ? err : "out of memory");
				return SCAN_EXIT_ERROR;
			}
			break;
		case 'h': scan_usage(stdout); return SCAN_EXIT_CLEAN;
		default: scan_usage(stderr); return SCAN_EXIT_ERROR;
		}
	}
	if (optind == argc) {
		scan_usage(stderr);
		return SCAN_EXIT_ERROR;
	}
	run.jobs = jobs < 1 ? 1 : (unsigned)jobs;
	log_init("fanguard", 0, LOG_WARNING);
	if (scan_run_prepare(&run, config_path, err, sizeof(err)) != 0) {
		fprintf(stderr, "fanguard: %s\n", err);
		return SCAN_EXIT_ERROR;
	}
	scan_report_init(&run.report, json, infected_only, progress);
	if (scan_run_execute(&run, argv + optind, argc - optind, &seconds) != 0)
		return SCAN_EXIT_ERROR;
	scan_run_describe_plugins(&run, plugins, sizeof(plugins));
	scan_report_summary(&run.report, plugins, verdict_policy_name(run.rt.cfg.verdict.policy),
			    seconds);
	scan_run_unprepare(&run);
	path_set_free(&run.exclude);
	scan_report_fini(&run.report);
	return scan_run_exit_status(&run);
}
