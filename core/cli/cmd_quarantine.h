/* `fanguard quarantine list | restore ID | delete ID`, and `fanguard scan --move`'s move. */
#ifndef FANGUARD_CLI_QUARANTINE_H
#define FANGUARD_CLI_QUARANTINE_H

#include <stddef.h>
#include <sys/stat.h>

struct scan_report;

/* argv[0] is "quarantine". Exit status 0, 1 when the action failed, 2 on usage or config errors. */
int cmd_quarantine(int argc, char **argv);

/*
 * For `fanguard scan --move`: moves the scanned file at path (still the inode
 * st) into the quarantine folder qfd and prints "PATH: moved to quarantine as
 * ID", or reports why it stays as an error. detections: "plugin: threat; ...".
 * 0 with the item's ID in id, or -1.
 */
int cmd_quarantine_move(int qfd, const char *path, const struct stat *st, const char *detections,
			struct scan_report *report, char *id, size_t idsize);

#endif
