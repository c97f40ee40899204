/*
 * External variables: the five that public rule sets written for LOKI and THOR
 * (Neo23x0 signature-base) read, set for every scanned file, and the admin's
 * own fixed ones from the `define` option (as `yara -d NAME=VALUE`).
 */
#ifndef FANGUARD_YARA_EXTERNALS_H
#define FANGUARD_YARA_EXTERNALS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <yara.h>

#include "fanguard/plugin.h"

struct yara_owner;

struct yara_externals {
	struct yara_owner *owners; /* uid -> user name, sorted by uid, read in init */
	size_t n_owners;
	unsigned fixed; /* bit i: built-in i was given a fixed value by `define` */
};

/*
 * Reads the user database (getpwent) into ext; the scanner opens no files once
 * sandboxed. 0, or -1 with the reason in err.
 */
int yara_externals_init(struct yara_externals *ext, char *err, size_t err_size);

/*
 * Defines on the compiler, before any rule file is added, the `define` items
 * (option name in opt) and then, with "", every built-in no item named.
 * 0, or -1 with the reason, naming the item, in err.
 */
int yara_externals_define(struct yara_externals *ext, YR_COMPILER *compiler,
			  const struct fg_host_api *host, const struct fg_options *opts,
			  const char *opt, char *err, size_t err_size);

/*
 * Sets the built-ins for the file about to be scanned on the thread's scanner.
 * 0, or -1 with the reason in err (the scanner may still hold the previous
 * file's values: do not scan).
 */
int yara_externals_set(const struct yara_externals *ext, YR_SCANNER *scanner,
		       const struct fg_scan_object *obj, char *err, size_t err_size);

/*
 * True if rule source text (len bytes) names a built-in that depends on the
 * file's name or owner (filename, filepath, extension, owner) and that no
 * `define` fixed: outside comments and string literals, as a whole word. A
 * false positive costs only caching; the host must then not remember verdicts.
 */
bool yara_externals_named_in(const struct yara_externals *ext, const char *text, size_t len);

/* False when the host had no name for the file (obj->path is only informational text). */
bool yara_externals_path_known(const char *path);

void yara_externals_free(struct yara_externals *ext);

#endif
