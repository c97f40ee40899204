/* `fanguard status`, `fanguard reload`, `fanguard stats`: argv[0] is the command. */
#ifndef FANGUARD_CLI_CONTROL_H
#define FANGUARD_CLI_CONTROL_H

int cmd_control(int argc, char **argv);

#endif
