/*
 * Filesystems whose content the daemon cannot trust to be the same for every
 * reader: FUSE (a process answers each read and knows who asks), network
 * filesystems (a server, and other clients, change files behind our back).
 * A scanner reads such a file as its own user, the opener as theirs: a FUSE
 * filesystem can serve the scanner clean bytes and everyone else malware.
 * Read from a line of /proc/self/mountinfo; pure.
 */
#ifndef FANGUARD_READER_FS_H
#define FANGUARD_READER_FS_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

/* One such mount. */
struct reader_fs {
	dev_t dev;
	long owner;      /* FUSE: the uid that mounted it (user_id=); -1 for other filesystems */
	gid_t owner_gid; /* FUSE: group_id= */
	char fstype[64];
	char mountpoint[PATH_MAX];
	bool handled; /* marks.c: marked (or refused) in this reading of the mount table */
};

/*
 * Parses one mountinfo line. True, with *out filled, when it is a mount of
 * such a filesystem (fuse, fuse.*, fuseblk, nfs, nfs4, cifs, smb3, 9p, ceph,
 * afs); the mountpoint is unescaped.
 */
bool reader_fs_parse(const char *line, struct reader_fs *out);

/* True for a FUSE mount that a user other than root made (fusermount3 sets user_id=). */
bool reader_fs_user_fuse(const struct reader_fs *fs);

#endif
