/*
 * A scanner's private temporary folder (its TMPDIR; the one place its
 * Landlock rules leave open). The daemon makes it for each scanner it
 * starts, as root, owned by the scanners' user, and removes it once that
 * scanner is reaped: a scanner leaves by _exit and never cleans up itself,
 * and under Landlock it could not remove the folder anyway.
 */
#ifndef FANGUARD_SCAN_TMPDIR_H
#define FANGUARD_SCAN_TMPDIR_H

#include <stddef.h>
#include <sys/types.h>

/* A fresh 0700 folder in /dev/shm (else /tmp) owned by uid:gid, its path in dir. -1 with a message. */
int scan_tmpdir_make(uid_t uid, gid_t gid, char *dir, size_t size, char *err, size_t errlen);
/*
 * Removes dir and everything below it, following no symlink (what a
 * compromised scanner left there may point anywhere).
 */
void scan_tmpdir_remove(const char *dir);
/*
 * In the scanner: the folder it was given (it must be a folder of its own
 * user, mode 0700) or, without one, a new one of its own; TMPDIR is set to it
 * so plugins make their folders inside. -1 with a message.
 */
int scan_tmpdir_adopt(const char *given, char *dir, size_t size, char *err, size_t errlen);

#endif
