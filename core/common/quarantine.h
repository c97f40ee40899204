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

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#define QUARANTINE_DEFAULT_DIR "/var/lib/fanguard/quarantine"

/* "20261129T112820Z-0123456789abcdef": when (UTC), then 64 random bits. */
#define QUARANTINE_ID_LEN 33
#define QUARANTINE_META_MAX (PATH_MAX * 4 + 4096)

struct quarantine_item {
	char id[QUARANTINE_ID_LEN + 1];
	char path[PATH_MAX];       /* where it was: absolute */
	uid_t uid;
	gid_t gid;
	mode_t mode;               /* permission bits, setuid/setgid/sticky included */
	unsigned long long size;
	long long mtime;           /* seconds since the epoch, restored with the file */
	char sha256[65];           /* hex, of the bytes in ID.data */
	char plugin[64];           /* the first plugin that detected it */
	char threat[256];          /* and what it found */
	long long time;            /* when it was quarantined, seconds since the epoch */
};

/*
 * Opens the quarantine folder, creating it 0700 (and missing parents 0755).
 * Refuses a folder that is a symlink, not owned by root or writable by group
 * or others (or below such a folder). Returns its descriptor, or -1 with the
 * reason in err.
 */
int quarantine_open(const char *dir, char *err, size_t errlen);

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

/* ---- pure logic, exposed for tests ---- */

bool quarantine_id_valid(const char *id);
/* A new ID for time now and 8 random bytes. */
void quarantine_id_make(long long now, const unsigned char random[8], char id[QUARANTINE_ID_LEN + 1]);
/* The ID.meta text of item into buf; its length, or -1 if it does not fit. */
int quarantine_meta_format(const struct quarantine_item *item, char *buf, size_t size);
/* Parses ID.meta text; -1 with the reason in err if a key is missing or malformed. */
int quarantine_meta_parse(const char *text, struct quarantine_item *item, char *err, size_t errlen);

#endif
