/* `fanguard scan`: on-demand scanning of files and trees with the configured plugins. */
#ifndef FANGUARD_CLI_SCAN_H
#define FANGUARD_CLI_SCAN_H

/* the exit codes, SCAN_EXIT_* */
#include "cli/scan_report.h"

int cmd_scan(int argc, char **argv);

#endif
