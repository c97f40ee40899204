/*
 * Mounts whose content may differ per reader (core/daemon/reader_fs.c), told
 * from /proc/self/mountinfo lines as the kernel writes them.
 */
#include <stdbool.h>
#include <sys/sysmacros.h>

#include "check.h"
#include "daemon/reader_fs.h"

static void test_user_fuse(void)
{
	struct reader_fs fs;

	CHECK(reader_fs_parse("111 109 0:42 / /tmp/x/drop/my\\040fs rw,nosuid,nodev,relatime - "
			      "fuse.fg_lyingfs fg_lyingfs rw,user_id=65534,group_id=65534\n",
			      &fs));
	CHECK(fs.dev == makedev(0, 42));
	CHECK(strcmp(fs.mountpoint, "/tmp/x/drop/my fs") == 0);
	CHECK(strcmp(fs.fstype, "fuse.fg_lyingfs") == 0);
	CHECK(fs.owner == 65534 && fs.owner_gid == 65534);
	CHECK(reader_fs_user_fuse(&fs));
}

static void test_root_fuse_and_network(void)
{
	struct reader_fs fs;

	CHECK(reader_fs_parse("40 30 0:50 / /srv/s rw,relatime shared:5 - fuse.sshfs h:/ "
			      "rw,user_id=0,group_id=0,allow_other\n",
			      &fs));
	CHECK(fs.owner == 0 && !reader_fs_user_fuse(&fs));
	CHECK(reader_fs_parse("41 30 0:51 / /srv/n rw - nfs4 h:/e rw,vers=4.2,addr=10.0.0.1\n",
			      &fs));
	CHECK(fs.owner == -1 && !reader_fs_user_fuse(&fs));
	CHECK(reader_fs_parse("42 30 8:1 / /srv/b rw - fuseblk /dev/sda1 rw,user_id=1000\n", &fs));
	CHECK(reader_fs_user_fuse(&fs) && fs.owner == 1000);
	/* FUSE without user_id=: who mounted it is unknown, so it is not taken for root's */
	CHECK(reader_fs_parse("43 30 0:52 / /srv/f rw - fuse x rw\n", &fs));
	CHECK(reader_fs_user_fuse(&fs));
}

static void test_others_and_malformed(void)
{
	struct reader_fs fs;

	CHECK(!reader_fs_parse("25 1 0:22 / /tmp rw - tmpfs tmpfs rw\n", &fs));
	CHECK(!reader_fs_parse("26 1 8:1 / / rw - ext4 /dev/sda1 rw\n", &fs));
	/* a type that only starts like fuse is not FUSE */
	CHECK(!reader_fs_parse("27 1 0:23 / /f rw - fusectl fusectl rw\n", &fs));
	CHECK(!reader_fs_parse("garbage\n", &fs));
	CHECK(!reader_fs_parse("28 1 0:24 / /x rw fuse.x user_id=5\n", &fs));
}

int main(void)
{
	test_user_fuse();
	test_root_fuse_and_network();
	test_others_and_malformed();
	return check_summary();
}
