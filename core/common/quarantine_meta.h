/*
 * What a quarantine item is: its record, its ID and the text of its ID.meta
 * file (the format is described in quarantine_meta.c). Pure logic, kept apart
 * from the folder's I/O (quarantine.h) so that tests can check it alone.
 */
#ifndef FANGUARD_QUARANTINE_META_H
#define FANGUARD_QUARANTINE_META_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* "20261129T112820Z-0123456789abcdef": when (UTC), then 64 random bits. */
#define QUARANTINE_ID_LEN 33
#define QUARANTINE_META_MAX (PATH_MAX * 4 + 4096)

struct quarantine_item {
	char id[QUARANTINE_ID_LEN + 1];
	char path[PATH_MAX]; /* where it was: absolute */
	uid_t uid;
	gid_t gid;
	mode_t mode; /* permission bits, setuid/setgid/sticky included */
	unsigned long long size;
	long long mtime;  /* seconds since the epoch, restored with the file */
	char sha256[65];  /* hex, of the bytes in ID.data */
	char plugin[64];  /* the first plugin that detected it */
	char threat[256]; /* and what it found */
	long long time;   /* when it was quarantined, seconds since the epoch */
};

bool quarantine_id_valid(const char *id);
/* A new ID for time now and 8 random bytes. */
void quarantine_id_make(long long now, const unsigned char random[8],
			char id[QUARANTINE_ID_LEN + 1]);
/* The ID.meta text of item into buf; its length, or -1 if it does not fit. */
int quarantine_meta_format(const struct quarantine_item *item, char *buf, size_t size);
/* Parses ID.meta text; -1 with the reason in err if a key is missing or malformed. */
int quarantine_meta_parse(const char *text, struct quarantine_item *item, char *err, size_t errlen);

#endif
