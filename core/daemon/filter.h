/*
 * The filter chain: what one event from the kernel needs, decided from who
 * opened the file, what the file is, the watch paths and exclusions, and the
 * verdict cache. It decides and does not act (beyond the rate-limited line
 * for a file too large and the exclusions' debug lines): the monitor counts
 * and answers. Monitor thread only.
 */
#ifndef FANGUARD_FILTER_H
#define FANGUARD_FILTER_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "common/verdict.h"
#include "daemon/pipeline.h"

struct fanotify_event_metadata;
struct monitor;

enum filter_decision {
	FILTER_ALLOW_UNSCANNED, /* answer allow, place an ignore mark: no scan looks at this file */
	FILTER_ALLOW_NO_MARK,   /* answer allow, no mark: the file's next open may need a scan */
	FILTER_FROM_CACHE,      /* answer the verdict remembered from an earlier scan */
	FILTER_SCAN,            /* a permission event to scan (or to wait on the scan running) */
	FILTER_CLOSE_WRITE,     /* a written file to scan; nobody waits for the verdict */
	FILTER_DISCARD,         /* a close_write watched for the cache only: just close its fd */
	FILTER_DENY_TOO_LARGE, /* over watch.max_file_size with on_too_large = deny: deny, no mark */
	FILTER_DENY_USER_FUSE, /* on a user's own FUSE mount, which watch.user_fuse denies */
};

/* What comes with the decision. */
struct filter_detail {
	unsigned long long
		*count; /* the counter that says why (own, excluded_*, too_large), or NULL */
	bool written;   /* a close_write: what the cache knows of the file is void */
	bool report;    /* the file's path is in report mode: nothing about it may be denied */
	bool named; /* req->path is the file's real name in our namespace, watched, not excluded */
	enum decision cached; /* FILTER_FROM_CACHE: the remembered verdict, */
	const char *threats;  /* and for a deny what was found */
	bool have_uid;        /* exclude_uid read the opener's real uid already: */
	uid_t uid;            /* it is this */
	long fuse_owner;      /* FILTER_DENY_USER_FUSE: who mounted the filesystem */
};

/*
 * A file opened for a background scan, by its name: false if no event for it
 * would be scanned (the quarantine, outside watch.paths, excluded, over
 * watch.max_file_size); *report says whether its path is in report mode.
 */
bool filter_background_path(struct monitor *m, const char *path, const struct stat *st,
			    bool *report);

/* Fills in req (st, path, pid, kind) as far as the chain gets. */
enum filter_decision filter_event(struct monitor *m, const struct fanotify_event_metadata *ev,
				  struct scan_request *req, struct filter_detail *d);

#endif
