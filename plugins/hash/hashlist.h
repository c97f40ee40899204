/*
 * Lists of SHA-256 digests in the format sha256sum prints, sorted for binary
 * search. Pure logic: no plugin types, no I/O beyond reading a list file.
 */
#ifndef FANGUARD_HASHLIST_H
#define FANGUARD_HASHLIST_H

#include <stddef.h>

#define HASHLIST_DIGEST_LEN 32
#define HASHLIST_HEX_LEN (2 * HASHLIST_DIGEST_LEN)
#define HASHLIST_LABEL_MAX 256 /* longer names are cut; a label only names a detection */

struct hashlist_entry {
	unsigned char digest[HASHLIST_DIGEST_LEN];
	char *label; /* the name column, or NULL when the line had none */
};

struct hashlist {
	struct hashlist_entry *entries; /* sorted by digest once hashlist_finish ran */
	size_t count;
	size_t capacity;
};

void hashlist_init(struct hashlist *list);
void hashlist_free(struct hashlist *list);

/*
 * Parses one line: "HEX  name", "HEX *name" (binary marker), bare "HEX", or
 * sha256sum's escaped form "\HEX  name\\with\nescapes". Returns 1 for an entry,
 * 0 for a blank or '#' comment line, -1 for anything malformed. label receives
 * the name ("" if none), cut to labelsize - 1 bytes; it may be NULL.
 */
int hashlist_parse_line(const char *line, unsigned char digest[HASHLIST_DIGEST_LEN], char *label,
			size_t labelsize);

/* Appends one entry; label NULL or "" means none. -1 with errno ENOMEM on failure. */
int hashlist_add(struct hashlist *list, const unsigned char digest[HASHLIST_DIGEST_LEN],
		 const char *label);

/*
 * Appends every entry of a list file. On failure returns -1, leaves the list
 * as it was before the call and writes "PATH:LINE: reason" (malformed line)
 * or "PATH: strerror" (cannot open or read) into err.
 */
int hashlist_load_file(struct hashlist *list, const char *path, char *err, size_t errlen);

/*
 * Sorts and drops duplicate digests; call after the last add or load. Of
 * duplicates, a labelled entry beats an unlabelled one, then the label that
 * sorts first wins, so the outcome does not depend on the order of the files.
 */
void hashlist_finish(struct hashlist *list);

/* After hashlist_finish: the entry's label ("" if it has none), or NULL if the digest is absent. */
const char *hashlist_lookup(const struct hashlist *list,
			    const unsigned char digest[HASHLIST_DIGEST_LEN]);

size_t hashlist_count(const struct hashlist *list);

/* Writes the first len bytes of digest as lowercase hex plus a NUL: out needs 2 * len + 1 bytes. */
void hashlist_format_hex(const unsigned char *digest, size_t len, char *out);

#endif /* FANGUARD_HASHLIST_H */
