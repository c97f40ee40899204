#include "scanner/landlock.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Newer than the build host's headers may know (Debian 12's stop at ABI 2). */
#define FS_TRUNCATE (1ull << 14)               /* ABI 3 */
#define FS_IOCTL_DEV (1ull << 15)              /* ABI 5 */
#define SCOPE_ABSTRACT_UNIX_SOCKET (1ull << 0) /* ABI 6 */
#define SCOPE_SIGNAL (1ull << 1)               /* ABI 6 */
#define CREATE_RULESET_VERSION (1u << 0)

/* struct landlock_ruleset_attr as of ABI 6; older kernels take a prefix of it. */
struct ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net; /* ABI 4 */
	uint64_t scoped;             /* ABI 6 */
};

struct path_beneath {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

/* Every filesystem right the ABI knows: what is not granted beneath dir is refused. */
static uint64_t fs_rights(long abi)
{
	uint64_t r = (1ull << 13) - 1; /* ABI 1: EXECUTE .. MAKE_SYM */

	if (abi >= 2)
		r |= 1ull << 13; /* REFER: links and renames across folders */
	if (abi >= 3)
		r |= FS_TRUNCATE;
	if (abi >= 5)
		r |= FS_IOCTL_DEV;
	return r;
}

int landlock_confine(const char *dir, char *why, size_t whylen)
{
	struct ruleset_attr attr = { 0 };
	struct path_beneath rule = { 0 };
	size_t attr_size = sizeof(attr.handled_access_fs);
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, CREATE_RULESET_VERSION);
	int ruleset, rc = -1;

	if (abi < 0) {
		snprintf(why, whylen, "Landlock is not available (%s)",
			 errno == EOPNOTSUPP ? "disabled at boot: add landlock to lsm="
					     : strerror(errno));
		return 0;
	}
	attr.handled_access_fs = fs_rights(abi);
	if (abi >= 6) {
		attr.scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL;
		attr_size = sizeof(attr);
	}
	ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, attr_size, 0);
	if (ruleset < 0) {
		snprintf(why, whylen, "landlock_create_ruleset (ABI %ld): %s", abi,
			 strerror(errno));
		return -1;
	}
	rule.allowed_access = attr.handled_access_fs;
	rule.parent_fd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (rule.parent_fd < 0) {
		snprintf(why, whylen, "cannot open %s: %s", dir, strerror(errno));
		goto out;
	}
	if (syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0) != 0) {
		snprintf(why, whylen, "landlock_add_rule %s: %s", dir, strerror(errno));
		goto out;
	}
	if (syscall(SYS_landlock_restrict_self, ruleset, 0) != 0) {
		snprintf(why, whylen, "landlock_restrict_self: %s", strerror(errno));
		goto out;
	}
	rc = (int)abi;
out:
	if (rule.parent_fd >= 0)
		close(rule.parent_fd);
	close(ruleset);
	return rc;
}
