/*
 * Deciding whether a path is watched: below a watch path and below no exclude,
 * and matching paths against exclusion globs. Pure logic.
 */
#ifndef FANGUARD_PATH_H
#define FANGUARD_PATH_H

#include <stdbool.h>
#include <stddef.h>

/* True if path equals prefix or lies below it; both absolute and normalized. */
bool path_is_under(const char *path, const char *prefix);

/* True if path is under one of watch[] (exclusions are a path_set: path_set_match). */
bool path_is_watched(const char *path, char *const *watch, size_t n_watch);

/*
 * A glob over whole paths, matched component by component: `*`, `?` and
 * `[...]` are fnmatch(3) patterns that never match `/`; a component that is
 * exactly `**` matches any number of components, none included. A pattern
 * that matches the path or a leading part of it (a folder above it) matches,
 * as a plain prefix would. Compiled once, matched without allocating.
 */
struct path_glob {
	char *text;        /* the normalized pattern, for messages and status */
	char *buf;         /* its components, each NUL-terminated */
	const char **part; /* into buf */
	size_t n_part;
};

/* A set of plain paths (the path or anything below it) and globs. */
struct path_set {
	char **prefix;
	size_t n_prefix;
	struct path_glob *glob;
	size_t n_glob;
};

/* True if s holds a glob character (`*`, `?` or `[`): it is a pattern, not a plain path. */
bool path_has_glob(const char *s);

/*
 * Compiles an absolute, normalized pattern. Returns -1 with the reason in err
 * for a relative pattern, a `[` without its `]`, an unknown [:class:], a `/`
 * inside brackets (it could never match) or a trailing backslash.
 */
int path_glob_compile(const char *pattern, struct path_glob *out, char *err, size_t errlen);
void path_glob_free(struct path_glob *g);

/* True if one of the n globs in g matches path (absolute, normalized) or a folder above it. */
bool path_globs_match(const struct path_glob *g, size_t n, const char *path);

/* How many entries s has: plain paths and patterns. */
size_t path_set_size(const struct path_set *s);
/* True if path is under one of s's prefixes or matches one of its globs. */
bool path_set_match(const struct path_set *s, const char *path);
void path_set_free(struct path_set *s);

/*
 * Normalizes an absolute path lexically into out: collapses "//", removes "."
 * and resolves ".." and drops a trailing slash. Returns -1 if path is not
 * absolute or out is too small.
 */
int path_normalize(const char *path, char *out, size_t outsize);
/* Decodes, in place, the octal escapes mountinfo writes (\040 for a space, \054 for a comma). */
void path_unescape_mountinfo(char *s);

#endif
