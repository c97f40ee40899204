/*
 * The verdict of "an empty file": a file of 0 bytes has no content, so under
 * one set of signatures every plugin votes the same on every empty file,
 * except a vote flagged FG_RESULT_NOT_CACHEABLE (a YARA rule on the name),
 * which the cache never keeps anyway. So once one empty file was scanned clean
 * with every vote cacheable, an open of another empty file is answered allow
 * by the monitor at once (cache_empty_is_clean), without a scan: a program
 * that creates a file and then writes it (compileall's temporary .pyc, an
 * editor's save) no longer waits for a scan of nothing. A write that follows
 * raises its own events: the answer is for the file as the event saw it, as a
 * scan's is.
 */
#ifndef FANGUARD_EMPTY_FILE_H
#define FANGUARD_EMPTY_FILE_H

#include <stdbool.h>
#include <sys/stat.h>

#include "fanguard/plugin.h"

/*
 * True when the event's file (fd, as st saw it) is empty for certain: a
 * regular file of size 0 opened (not executed: a plugin is told the event
 * kind) on a filesystem whose inode size is the content's size. Not FUSE,
 * NFS, overlayfs or the pseudo filesystems: their size may be stale or
 * made up (a FUSE file of size 0 can return bytes), and the SHA-256 and
 * hash plugins read such a file to its end, whatever its size says.
 */
bool empty_file_certain(int fd, const struct stat *st, enum fg_event_kind kind);

#endif
