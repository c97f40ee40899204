/*
 * Whether anyone has a file open for writing, shared writable mappings
 * included, asked with a read lease taken and dropped at once.
 *
 * Why it matters: a store into a page a process already has mapped shared and
 * writable changes the file without moving its mtime or ctime (the kernel
 * updates them when a page is faulted in writable, not at each store). So a
 * verdict keyed on (dev, inode, size, mtime, ctime) holds only for a file
 * nobody had open for writing when it was read; a writer that opens it later
 * must write, or fault a page in, and that moves the ctime.
 */
#ifndef FANGUARD_OPEN_WRITERS_H
#define FANGUARD_OPEN_WRITERS_H

enum open_writers {
	OPEN_WRITERS_NONE,    /* nobody has it open for writing */
	OPEN_WRITERS_SOME,    /* a descriptor or a mapping has it open for writing */
	OPEN_WRITERS_UNKNOWN, /* no lease (the filesystem has none, or not root's and not ours) */
};

/*
 * fd must be open read-only. A writer that opens the file during the check
 * gets SIGIO sent to the caller, which must ignore it (its default ends the
 * process); the writer waits only until the lease is dropped.
 */
enum open_writers open_writers_check(int fd);

/* "none", "open-for-writing" or "unknown": the word the daemon's scan answer carries. */
const char *open_writers_name(enum open_writers w);

#endif
