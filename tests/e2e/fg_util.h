/*
 * What the end-to-end tests' helpers (fg_probe, fg_handle, fg_inject, fg_uring) share: the
 * kernel's answer as one word on stdout, which the tests compare, and one exit code for it.
 */
#ifndef FG_UTIL_H
#define FG_UTIL_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Prints err's name ("EPERM"): the word the tests compare. */
static inline void fg_print_errno(int err)
{
	const char *name = strerrorname_np(err);

	printf("%s\n", name ? name : "EUNKNOWN");
}

/* fg_print_errno, and the exit code: 3 for EPERM (the daemon's denial), 4 otherwise. */
static inline int fg_report_errno(int err)
{
	fg_print_errno(err);
	return err == EPERM ? 3 : 4;
}

#endif
