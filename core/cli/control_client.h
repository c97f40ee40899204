/* The CLI's side of the control socket (the wire: common/control_wire.h). */
#ifndef FANGUARD_CONTROL_CLIENT_H
#define FANGUARD_CONTROL_CLIENT_H

#include <stddef.h>
#include <stdio.h>

/* A connection to the daemon at path, or -1 with the reason in err. */
int control_connect(const char *path, char *err, size_t errlen);
/* Sends command, writes the answer to out (a refusal to stderr); 0 when the daemon said ok. */
int control_request(const char *path, const char *command, FILE *out, char *err, size_t errlen);

#endif
