/*
 * What the quarantine's files (quarantine_*.c) share. Everything in the
 * folder is opened with O_NOFOLLOW and created with O_EXCL: a symlink is
 * never followed, a file never replaced.
 */
#ifndef FANGUARD_QUARANTINE_INTERNAL_H
#define FANGUARD_QUARANTINE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "common/quarantine.h"

/* The reason into err, and -1 to return with it. */
int quarantine_fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * Reads from (from offset 0) to its end, writing every byte to `to` unless it
 * is -1, and gives the SHA-256 in hex. -1 with errno set on failure.
 */
int quarantine_copy_and_hash(int from, int to, char hex[65], unsigned long long *copied);
/* An item's names in the folder: ID.data, ID.meta and the ID.meta.tmp it is written as. */
void quarantine_item_names(const char *id, char data[48], char meta[48], char tmp[48]);
/* Root's and 0400: in quarantine nobody else may read it, nor its owner make it executable. */
bool quarantine_make_root_only(int fd);
bool quarantine_same_inode(const struct stat *a, const struct stat *b);
/*
 * Opens the folder of the absolute path by walking it from / one component at
 * a time, following no symlink on the way (each step O_NOFOLLOW|O_DIRECTORY):
 * a folder swapped for a symlink by its owner cannot send a root-run move or
 * restore elsewhere (/etc, say). With owner >= 0 the folder must belong to
 * root or to owner (a restore: root creates a file of owner's there); -1
 * takes anyone's (a move only takes a file away). The folder's descriptor, with *base pointing at the last
 * component of path; -1 with the reason in err.
 */
int quarantine_open_parent(const char *path, long owner, const char **base, char *err,
			   size_t errlen);

#endif
