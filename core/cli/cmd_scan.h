/* `fanguard scan`: on-demand scanning of files and trees with the configured plugins. */
#ifndef FANGUARD_CLI_SCAN_H
#define FANGUARD_CLI_SCAN_H

/* Exit codes follow clamscan: 0 nothing found, 1 something found, 2 errors. */
#define SCAN_EXIT_CLEAN 0
#define SCAN_EXIT_FOUND 1
#define SCAN_EXIT_ERROR 2
/* Ctrl-C before the end, nothing found: 128 + SIGINT, as shells report it */
#define SCAN_EXIT_INTERRUPTED 130

int cmd_scan(int argc, char **argv);

#endif
