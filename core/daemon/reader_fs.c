/* Filesystems whose content may differ per reader, told from /proc/self/mountinfo: see reader_fs.h. */
#include "daemon/reader_fs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "common/path.h"

static bool is_fuse(const char *fstype)
{
	return strcmp(fstype, "fuse") == 0 || strcmp(fstype, "fuseblk") == 0 ||
	       strncmp(fstype, "fuse.", 5) == 0 || strncmp(fstype, "fuseblk.", 8) == 0;
}

static bool reader_dependent(const char *fstype)
{
	static const char *const network[] = { "nfs", "nfs4", "cifs", "smb3", "9p", "ceph", "afs" };

	if (is_fuse(fstype))
		return true;
	for (size_t i = 0; i < sizeof(network) / sizeof(network[0]); i++)
		if (strcmp(fstype, network[i]) == 0)
			return true;
	return false;
}

/* A decimal NAME=N among comma-separated super options; -1 if absent. */
static long super_option(const char *opts, const char *name)
{
	size_t len = strlen(name);

	for (const char *at = opts; at && *at; at = strchr(at, ',') ? strchr(at, ',') + 1 : NULL)
		if (strncmp(at, name, len) == 0 && at[len] == '=')
			return strtol(at + len + 1, NULL, 10);
	return -1;
}

bool reader_fs_parse(const char *line, struct reader_fs *out)
{
	unsigned major, minor;
	char mountpoint[PATH_MAX], fstype[64], opts[1024];
	const char *tail = strstr(line, " - ");

	/* fields: id parent major:minor root mountpoint options [optional...] - type source super */
	if (!tail || sscanf(line, "%*s %*s %u:%u %*s %4095s", &major, &minor, mountpoint) != 3 ||
	    sscanf(tail, " - %63s %*s %1023s", fstype, opts) != 2 || !reader_dependent(fstype))
		return false;
	memset(out, 0, sizeof(*out));
	out->dev = makedev(major, minor);
	snprintf(out->fstype, sizeof(out->fstype), "%s", fstype);
	path_unescape_mountinfo(mountpoint);
	snprintf(out->mountpoint, sizeof(out->mountpoint), "%s", mountpoint);
	out->owner = is_fuse(fstype) ? super_option(opts, "user_id") : -1;
	out->owner_gid = is_fuse(fstype) ? (uid_t)super_option(opts, "group_id") : 0;
	return true;
}

bool reader_fs_user_fuse(const struct reader_fs *fs)
{
	return is_fuse(fs->fstype) && fs->owner != 0;
}
