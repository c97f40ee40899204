/* One read(2) of a small file (a /proc or /sys text), without stdio. */
#ifndef FANGUARD_SMALL_READ_H
#define FANGUARD_SMALL_READ_H

#include <sys/types.h>

/*
 * Reads name (relative to dirfd, or absolute with AT_FDCWD) into buf, at most
 * size - 1 bytes, NUL-terminated. The length, or -1 when it cannot be opened
 * or is empty.
 */
ssize_t small_read(int dirfd, const char *name, char *buf, size_t size);

#endif
