/* `fanguard plugin-test`: load one plugin alone, show its descriptor, scan files with it. */
#ifndef FANGUARD_CLI_PLUGIN_TEST_H
#define FANGUARD_CLI_PLUGIN_TEST_H

/* Exit codes as `fanguard scan`: 0 nothing found, 1 something found, 2 errors. */
int cmd_plugin_test(int argc, char **argv);

#endif
