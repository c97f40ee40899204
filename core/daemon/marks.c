#include "daemon/marks.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/fanotify.h>

#include "common/log.h"
#include "common/path.h"

/* Decodes the octal escapes (\040 for space) mountinfo uses in paths. */
static void unescape_mountinfo(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

static int mark_mount(int fan_fd, const char *path, uint64_t mask, unsigned *count, char *err,
		      size_t errlen)
{
	if (fanotify_mark(fan_fd, FAN_MARK_ADD | FAN_MARK_MOUNT, mask, AT_FDCWD, path) != 0) {
		snprintf(err, errlen, "cannot mark the mount of %s: %s", path, strerror(errno));
		return -1;
	}
	(*count)++;
	log_debug("marked mount %s", path);
	return 0;
}

/*
 * A mount mark covers one mount, so a watch path gets the mount it lives on
 * plus every mount below it; the path filter then narrows events to the
 * watched trees. New directories need no marks, new mounts are not seen.
 */
int marks_add_watch_paths(int fan_fd, const struct config *cfg, uint64_t mask, unsigned *count,
			  char *err, size_t errlen)
{
	char line[8192], mountpoint[PATH_MAX];
	FILE *f;

	for (size_t i = 0; i < cfg->n_watch; i++)
		if (mark_mount(fan_fd, cfg->watch[i], mask, count, err, errlen) != 0)
			return -1;
	f = fopen("/proc/self/mountinfo", "re");
	if (!f) {
		snprintf(err, errlen, "cannot read /proc/self/mountinfo: %s", strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		/* fields: id parent major:minor root mountpoint ... */
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mountpoint) != 1)
			continue;
		unescape_mountinfo(mountpoint);
		for (size_t i = 0; i < cfg->n_watch; i++) {
			if (strcmp(mountpoint, cfg->watch[i]) != 0 &&
			    path_is_under(mountpoint, cfg->watch[i]) &&
			    mark_mount(fan_fd, mountpoint, mask, count, err, errlen) != 0) {
				fclose(f);
				return -1;
			}
		}
	}
	fclose(f);
	return 0;
}
