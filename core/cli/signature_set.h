/*
 * What a verdict of the configured scanners depends on, as one SHA-256: each
 * enabled plugin's name, version and options, the verdict policy, and every
 * file below the plugins' data paths (FG_OPT_PATH_LIST options: databases,
 * rules, hash lists) by name, inode, size, mtime and ctime. A freshclam
 * update, a changed rule or a new plugin version gives another digest, and
 * `fanguard scheduled-scan` then scans every file again.
 */
#ifndef FANGUARD_SIGNATURE_SET_H
#define FANGUARD_SIGNATURE_SET_H

#include "common/config.h"

/* Data files looked at, at most (sorted walk, symlinks below the named paths not followed). */
#define SIGNATURE_SET_MAX_FILES 65536

/*
 * The digest of cfg's signature set. daemon_text, when not NULL, is what the
 * running daemon says of the set it has loaded (added to the digest: the
 * daemon may still scan with the set it loaded before the files changed).
 */
void signature_set_digest(const struct config *cfg, const char *daemon_text,
			  unsigned char digest[32]);

#endif
