/* Who caused an event: the uid and executable of a pid, read from /proc for logs. */
#ifndef FANGUARD_PROCINFO_H
#define FANGUARD_PROCINFO_H

#include <stddef.h>
#include <sys/types.h>

struct procinfo {
	long uid;      /* real uid, -1 if unknown */
	char exe[512]; /* executable path, "?" if unknown */
};

void procinfo_read(pid_t pid, struct procinfo *out);

#endif
