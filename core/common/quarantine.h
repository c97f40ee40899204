/*
 * The quarantine: a root-only folder that detected files are moved into, so
 * nobody can open or run them, with enough recorded to put each one back
 * exactly as it was. Every item is two files named by its ID:
 *
 *   ID.data  the file's bytes, owned by root, mode 0400
 *   ID.meta  what it was (key=value lines, format in quarantine_meta_format)
 *
 * An item exists once its ID.meta exists. Moving never loses a file: when a
 * step fails, the file stays where it was and any partial copy is removed.
 * Used by `fanguard scan --move`, `fanguard quarantine` and the daemon.
 */
#ifndef FANGUARD_QUARANTINE_H
#define FANGUARD_QUARANTINE_H

#include <stddef.h>
#include <sys/stat.h>

#include "common/quarantine_meta.h"

#define QUARANTINE_DEFAULT_DIR "/var/lib/fanguard/quarantine"

/*
 * Opens the quarantine folder, creating it 0700 (and missing parents 0755).
 * Refuses a folder that is a symlink, not owned by root or writable by group
 * or others (or below such a folder). Returns its descriptor, or -1 with the
 * reason in err.
 */
int quarantine_open(const char *dir, char *err, size_t errlen);
/*
 * The same checks on a folder that must exist already (for reading it: `list`
 * creates nothing). -1 with errno ENOENT when it does not exist.
 */
int quarantine_open_existing(const char *dir, char *err, size_t errlen);

/*
 * Moves the regular file at path into the quarantine folder qfd: rename(2)
 * when both are on one filesystem (and the file has one link), else a copy
 * made durable with its metadata before the original is unlinked. With
 * expect, the file must still be that inode (same st_dev and st_ino). Fills
 * item and returns 0; -1 with the reason in err, the file left in place.
 */
int quarantine_store(int qfd, const char *path, const struct stat *expect, const char *plugin,
		     const char *threat, struct quarantine_item *item, char *err, size_t errlen);

/*
 * Puts item id back at its original path with its bytes (checked against the
 * recorded SHA-256), owner, mode and mtime, then removes it from quarantine.
 * Refuses to replace anything at that path. item gets what was restored.
 */
int quarantine_restore(int qfd, const char *id, struct quarantine_item *item, char *err,
		       size_t errlen);

/* Removes item id for good. */
int quarantine_delete(int qfd, const char *id, struct quarantine_item *item, char *err,
		      size_t errlen);

/* Every item, oldest first, in *items (free() it). Unreadable items are reported in err. */
int quarantine_list(int qfd, struct quarantine_item **items, size_t *n, char *err, size_t errlen);

/* The first "plugin: threat" of a "plugin: threat; plugin: threat" list, which names an item. */
void quarantine_first_finding(const char *detections, char *plugin, size_t plugin_size,
			      char *threat, size_t threat_size);

#endif
