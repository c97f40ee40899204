/* fanguard: the command-line tool. */
#include <stdio.h>
#include <string.h>

#include "build_paths.h"
#include "cli/cmd_control.h"
#include "cli/cmd_import_clamd.h"
#include "cli/cmd_plugin_test.h"
#include "cli/cmd_quarantine.h"
#include "cli/cmd_scan.h"
#include "cli/cmd_scheduled_scan.h"
#include "fanguard/plugin.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: fanguard COMMAND [ARGS]\n"
		"commands:\n"
		"  scan [-c FILE] [-i] [-j N] [--json] [--daemon] [--move] [--exclude PAT]... PATH...\n"
		"                               scan files and directories with the configured plugins\n"
		"                               (--daemon: let the running fanguardd scan them)\n"
		"  scheduled-scan [-c FILE] [--full] [--daemon | --local]\n"
		"                               scan schedule { paths } incrementally (what\n"
		"                               fanguard-scan.service runs); resumes when stopped\n"
		"  status [-c FILE] [--top]     the running daemon: modes per path, plugins, counters,\n"
		"                               latencies (--top: as `top`); the scheduled scan\n"
		"  health [-c FILE]             is protection degraded? exit 0 ok, 1 degraded (says\n"
		"                               why), 2 the daemon cannot be asked\n"
		"  top [-c FILE] [-n N]         the programs and folders that cost the most scan time\n"
		"  explain [-c FILE] PATH       why the running daemon would allow or deny PATH now\n"
		"  reload [-c FILE]             make the running daemon load new signatures and rules\n"
		"  stats [-c FILE] [--prometheus]\n"
		"                               the daemon's metrics (--prometheus: Prometheus' text)\n"
		"  plugin-test [-o NAME=VALUE]... PLUGIN.so FILE...\n"
		"                               load one plugin alone and scan FILEs with it\n"
		"  quarantine [-c FILE] list | restore ID | delete ID\n"
		"                               files moved into quarantine (scan --move, the daemon)\n"
		"  import-clamd-conf CLAMD.CONF a fanguard.conf (on stdout) from clamonacc's OnAccess*\n"
		"                               settings and clamd's scan settings\n"
		"  version                      print the version\n"
		"run `fanguard COMMAND -h` for a command's options\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "scan") == 0)
		return cmd_scan(argc - 1, argv + 1);
	if (strcmp(argv[1], "scheduled-scan") == 0)
		return cmd_scheduled_scan(argc - 1, argv + 1);
	if (strcmp(argv[1], "status") == 0 || strcmp(argv[1], "reload") == 0 ||
	    strcmp(argv[1], "health") == 0 || strcmp(argv[1], "stats") == 0 ||
	    strcmp(argv[1], "top") == 0 || strcmp(argv[1], "explain") == 0)
		return cmd_control(argc - 1, argv + 1);
	if (strcmp(argv[1], "quarantine") == 0)
		return cmd_quarantine(argc - 1, argv + 1);
	if (strcmp(argv[1], "import-clamd-conf") == 0)
		return cmd_import_clamd_conf(argc - 1, argv + 1);
	if (strcmp(argv[1], "plugin-test") == 0)
		return cmd_plugin_test(argc - 1, argv + 1);
	if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("fanguard %s (plugin ABI %d.%d)\n", FANGUARD_VERSION, FG_PLUGIN_ABI_MAJOR,
		       FG_PLUGIN_ABI_MINOR);
		return 0;
	}
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "fanguard: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
