/*
 * Refusing files that someone other than root could have changed, the way
 * sshd's StrictModes does: fanguardd runs as root and executes plugin code
 * and follows its config, so neither may be writable by anyone else.
 */
#ifndef FANGUARD_TRUST_H
#define FANGUARD_TRUST_H

#include <limits.h>
#include <stddef.h>

/*
 * When running as root: path and every folder above it must belong to root
 * and not be writable by group or others (a sticky folder such as /tmp is
 * fine). -1 with a message naming the culprit otherwise; always 0 for others.
 */
int trust_check(const char *what, const char *path, char *err, size_t errlen);
/*
 * The same for data a plugin loads (signatures, rules, hash lists): path, and
 * for a folder every file and folder below it, each with its parents; the
 * owner may also be a system account (uid below 1000, not nobody: freshclam
 * runs as clamav); a missing path passes (the plugin reports it). An allowlist anyone could
 * write would let anyone trust their own malware.
 */
int trust_check_data(const char *what, const char *path, char *err, size_t errlen);
/*
 * path (absolute) with its symlinks resolved into out, like realpath(3), but
 * only through symlinks root owns in folders only root may change; what does
 * not exist is kept as written. 0: resolved; 1: a symlink someone else could
 * have made or changed, named in why (out undefined); -1: an error, in why.
 * An exclusion resolved through a user's symlink would grow to wherever the
 * user points it.
 */
int trust_resolve(const char *path, char out[PATH_MAX], char *why, size_t whylen);

#endif
