/*
 * What a plugin's signatures are, as far as the daemon can tell from the
 * files its path-list options name (ClamAV databases, YARA rules, hash
 * lists): ClamAV's database versions from the headers of .cvd/.cld/.cud
 * files (the numbers freshclam and clamd print), and how old the data is,
 * for `fanguard status`, the metrics and the stale-signature warning.
 */
#ifndef FANGUARD_SIGNATURE_INFO_H
#define FANGUARD_SIGNATURE_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Files looked at per plugin, at most (the walk is linear and does not follow symlinks). */
#define SIGNATURE_INFO_MAX_FILES 65536

struct signature_info {
	char version[160]; /* "daily 27477, main 62, bytecode 335"; "" without ClamAV databases */
	/*
	 * When the data was made: the newest build time in the ClamAV database
	 * headers when there are any (a freshclam that finds nothing new does not
	 * rewrite them, so their mtime says nothing), else the newest mtime of the
	 * data files; 0 when no file was found.
	 */
	time_t made;
	bool from_headers; /* made comes from database headers */
	unsigned files;    /* data files seen */
	bool truncated;    /* more than SIGNATURE_INFO_MAX_FILES: not all were seen */
};

/*
 * Reads the n files and folders of paths (a plugin's FG_OPT_PATH_LIST values).
 * Blocking I/O: never on the event path.
 */
void signature_info_read(char *const *paths, size_t n, struct signature_info *out);

/*
 * One ClamAV database header ("ClamAV-VDB:date:version:signatures:level:md5:
 * dsig:builder:build time", the first 512 bytes of a .cvd/.cld/.cud):
 * 0 with the version and the build time (0 when the header has none), -1 when
 * it is not such a header. Pure.
 */
int signature_info_parse_cvd(const char *header, size_t len, unsigned *version, time_t *built);

#endif
