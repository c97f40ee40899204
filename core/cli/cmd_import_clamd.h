/*
 * `fanguard import-clamd-conf FILE`: a fanguard.conf, on stdout, from the
 * OnAccess* settings of a clamd.conf (what clamonacc reads) and the scan
 * settings clamd shares with the clamav plugin; every other setting is listed
 * in a comment saying that fanguard has no equivalent.
 */
#ifndef FANGUARD_CMD_IMPORT_CLAMD_H
#define FANGUARD_CMD_IMPORT_CLAMD_H

/* Exit status: 0, or 2 with FILE:LINE: reason on stderr for a bad clamd.conf. */
int cmd_import_clamd_conf(int argc, char **argv);

#endif
