#include "common/open_writers.h"

#include <errno.h>
#include <fcntl.h>

enum open_writers open_writers_check(int fd)
{
	/* the kernel grants a read lease only while nobody has the inode open for writing */
	if (fcntl(fd, F_SETLEASE, F_RDLCK) != 0)
		return errno == EAGAIN ? OPEN_WRITERS_SOME : OPEN_WRITERS_UNKNOWN;
	(void)fcntl(fd, F_SETLEASE, F_UNLCK);
	return OPEN_WRITERS_NONE;
}

const char *open_writers_name(enum open_writers w)
{
	switch (w) {
	case OPEN_WRITERS_NONE: return "none";
	case OPEN_WRITERS_SOME: return "open-for-writing";
	default: return "unknown";
	}
}
