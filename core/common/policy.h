/*
 * Block or report, per watched path: verdict.mode is the default, and each
 * `policy "PATH" { mode = ... }` section sets the mode below PATH (the
 * longest matching path wins). In report mode nothing is denied: what would
 * have been denied is logged, evented and counted as a would-deny. Pure logic.
 */
#ifndef FANGUARD_POLICY_H
#define FANGUARD_POLICY_H

#include <stdbool.h>
#include <stddef.h>

enum scan_mode {
	SCAN_MODE_BLOCK = 0,  /* a deny is answered deny */
	SCAN_MODE_REPORT = 1, /* a deny is answered allow, logged and counted as would-deny */
};

/* One `policy "PATH" { }` section. */
struct path_policy {
	char *path; /* canonical absolute path, below a watch path */
	enum scan_mode mode;
	unsigned line; /* of the section in the config file */
};

struct policy_set {
	enum scan_mode fallback; /* verdict.mode: paths under no section */
	struct path_policy *entries;
	size_t n;
};

const char *scan_mode_name(enum scan_mode mode);
/* "block" or "report"; -1 for anything else. */
int scan_mode_from_name(const char *name, enum scan_mode *out);

/*
 * The mode for path (absolute, normalized): the section with the longest path
 * that path is at or below, else the fallback. *which (optional) is that
 * section, NULL for the fallback.
 */
enum scan_mode policy_mode_for(const struct policy_set *s, const char *path,
			       const struct path_policy **which);
/*
 * The mode for an event whose path cannot be trusted (a mount of another
 * namespace, a name too long to read): block if any path blocks, so that a
 * block path reached another way is not reported only.
 */
enum scan_mode policy_strictest(const struct policy_set *s);
void policy_set_free(struct policy_set *s);

#endif
