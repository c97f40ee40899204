/*
 * A scanner process: started by the daemon (`fanguardd --scanner NAME`) with
 * a socket on SCANNER_FD. It loads the config, starts the plugins whose
 * `scanner` is NAME,
 * gives up root and locks itself down, then scans the descriptors it is sent
 * until the socket closes.
 */
#ifndef FANGUARD_SCANNER_H
#define FANGUARD_SCANNER_H

#define SCANNER_FD 3

/* Returns the process exit status. */
int scanner_main(const char *config_path, const char *group, const char *tmpdir, int debug);

#endif
