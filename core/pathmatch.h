/* Deciding whether a path is watched: below a watch path and below no exclude. Pure logic. */
#ifndef FANGUARD_PATHMATCH_H
#define FANGUARD_PATHMATCH_H

#include <stdbool.h>
#include <stddef.h>

/* True if path equals prefix or lies below it; both absolute and normalized. */
bool path_is_under(const char *path, const char *prefix);

/* True if path is under one of watch[] and under none of exclude[]. */
bool path_is_watched(const char *path, char *const *watch, size_t n_watch, char *const *exclude,
		     size_t n_exclude);

/*
 * Normalizes an absolute path lexically into out: collapses "//", removes "."
 * and resolves ".." and drops a trailing slash. Returns -1 if path is not
 * absolute or out is too small.
 */
int path_normalize(const char *path, char *out, size_t outsize);

#endif
