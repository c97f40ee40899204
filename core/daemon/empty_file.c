#include "daemon/empty_file.h"

#include <linux/magic.h>
#include <sys/vfs.h>

/* Local filesystems whose inode size is what a read returns. */
static bool size_is_content(int fd)
{
	struct statfs fs;

	if (fstatfs(fd, &fs) != 0)
		return false;
	switch ((unsigned long)fs.f_type) {
	case TMPFS_MAGIC:
	case EXT4_SUPER_MAGIC: /* ext2 and ext3 too */
	case XFS_SUPER_MAGIC:
	case BTRFS_SUPER_MAGIC:
	case F2FS_SUPER_MAGIC: return true;
	default: return false;
	}
}

bool empty_file_certain(int fd, const struct stat *st, enum fg_event_kind kind)
{
	return kind == FG_EVENT_OPEN && S_ISREG(st->st_mode) && st->st_size == 0 &&
	       size_is_content(fd);
}
