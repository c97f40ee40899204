/*
 * `fanguard scheduled-scan`: the command fanguard-scan.service runs. It scans
 * schedule { paths } incrementally (files unchanged since their last clean
 * verdict under the same signatures are skipped), politely (schedule { nice,
 * io_class }), through the running daemon when there is one, and goes on
 * where an interrupted run stopped.
 */
#ifndef FANGUARD_CLI_SCHEDULED_SCAN_H
#define FANGUARD_CLI_SCHEDULED_SCAN_H

int cmd_scheduled_scan(int argc, char **argv);

#endif
