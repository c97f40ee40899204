/*
 * trust_resolve: symlinks are followed only where root alone could have made them.
 * trust_check_data: everything below a data folder is checked, and the walk is bounded.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "common/trust.h"

static char base[64];

static const char *at(const char *rel)
{
	static char buf[4][PATH_MAX];
	static int n;
	char *b = buf[n++ % 4];

	snprintf(b, PATH_MAX, "%s/%s", base, rel);
	return b;
}

static int resolve(const char *rel, char out[PATH_MAX], char *why)
{
	return trust_resolve(at(rel), out, why, 512);
}

static void test_like_realpath_through_roots_links(void)
{
	char out[PATH_MAX], real[PATH_MAX], why[512];

	CHECK(resolve("dir/sub", out, why) == 0);
	CHECK(realpath(at("dir/sub"), real) && strcmp(out, real) == 0);
	CHECK(resolve("abs/sub", out, why) ==
	      0); /* abs -> BASE/dir, root's link in root's folder */
	CHECK(strcmp(out, real) == 0);
	CHECK(resolve("rel/sub/../sub/.", out, why) == 0); /* rel -> ./dir */
	CHECK(strcmp(out, real) == 0);
	CHECK(resolve("chain/sub", out, why) == 0); /* chain -> rel -> dir */
	CHECK(strcmp(out, real) == 0);
}

static void test_missing_tail_is_kept_as_written(void)
{
	char out[PATH_MAX], why[512], want[PATH_MAX];

	CHECK(resolve("abs/not/yet/./there", out, why) == 0);
	CHECK(realpath(at("dir"), want) != NULL);
	strcat(want, "/not/yet/there");
	CHECK(strcmp(out, want) == 0);
}

static void test_a_users_link_is_refused(void)
{
	char out[PATH_MAX], why[512];

	CHECK(resolve("users/sub", out, why) == 1);
	CHECK_STR_CONTAINS(why, "is a symlink owned by uid 65534");
	/* root's own link, in a folder anyone may write (not sticky) */
	CHECK(resolve("open/link/sub", out, why) == 1);
	CHECK_STR_CONTAINS(why, "which uid 0 or others may change");
	/* a sticky folder: others cannot replace root's link */
	CHECK(resolve("sticky/link/sub", out, why) == 0);
}

static void test_loops_and_relative_input_fail(void)
{
	char out[PATH_MAX], why[512];

	CHECK(resolve("loop/x", out, why) == -1);
	CHECK_STR_CONTAINS(why, "too many symlinks");
	CHECK(trust_resolve("relative/path", out, why, sizeof(why)) == -1);
}

static void test_data_below_a_folder(void)
{
	char err[1024];

	mkdir(at("data"), 0755);
	mkdir(at("data/sub"), 0755);
	close(open(at("data/sub/rules.yar"), O_CREAT | O_WRONLY, 0644));
	CHECK(trust_check_data("plugin data", at("data"), err, sizeof(err)) == 0);
	/* a file deep below, writable by others */
	chmod(at("data/sub/rules.yar"), 0666);
	CHECK(trust_check_data("plugin data", at("data"), err, sizeof(err)) == -1);
	CHECK_STR_CONTAINS(err, "data/sub/rules.yar is writable by group or others");
	chmod(at("data/sub/rules.yar"), 0644);
	/* root's symlink in root's folder, to a file a user owns */
	close(open(at("users-file"), O_CREAT | O_WRONLY, 0644));
	chown(at("users-file"), 65534, 65534);
	symlink(at("users-file"), at("data/sub/link.yar"));
	CHECK(trust_check_data("plugin data", at("data"), err, sizeof(err)) == -1);
	CHECK_STR_CONTAINS(err, "is owned by uid 65534");
	unlink(at("data/sub/link.yar"));
	CHECK(trust_check_data("plugin data", at("data"), err, sizeof(err)) == 0);
}

/* "/" or "/usr" named as a signature folder by mistake is refused, not walked for minutes */
static void test_a_huge_data_folder_is_refused(void)
{
	char name[PATH_MAX], err[1024];
	int dfd;

	mkdir(at("huge"), 0755);
	dfd = open(at("huge"), O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0);
	for (unsigned i = 0; i <= 65536; i++) {
		snprintf(name, sizeof(name), "%u.hdb", i);
		close(openat(dfd, name, O_CREAT | O_WRONLY, 0644));
	}
	close(dfd);
	CHECK(trust_check_data("plugin data", at("huge"), err, sizeof(err)) == -1);
	CHECK_STR_CONTAINS(err, "more than 65536 files and folders below it");
	snprintf(name, sizeof(name), "%s/huge/0.hdb", base);
	unlink(name);
	CHECK(trust_check_data("plugin data", at("huge"), err, sizeof(err)) == 0);
}

int main(void)
{
	char cmd[3 * PATH_MAX];

	if (geteuid() != 0) {
		printf("test_trust needs root (it makes links owned by other users)\n");
		printf("0 passed, 0 failed\n");
		return 77;
	}
	snprintf(base, sizeof(base), "/tmp/fanguard-trust.XXXXXX");
	if (!mkdtemp(base))
		return 1;
	chmod(base, 0755);
	mkdir(at("dir"), 0755);
	mkdir(at("dir/sub"), 0755);
	symlink(at("dir"), at("abs"));
	symlink("./dir", at("rel"));
	symlink("rel", at("chain"));
	symlink(at("dir"), at("users"));
	lchown(at("users"), 65534, 65534);
	mkdir(at("open"), 0777);
	chmod(at("open"), 0777);
	symlink(at("dir"), at("open/link"));
	mkdir(at("sticky"), 01777);
	chmod(at("sticky"), 01777);
	symlink(at("dir"), at("sticky/link"));
	symlink("loop2", at("loop"));
	symlink("loop", at("loop2"));
	test_like_realpath_through_roots_links();
	test_missing_tail_is_kept_as_written();
	test_a_users_link_is_refused();
	test_loops_and_relative_input_fail();
	test_data_below_a_folder();
	test_a_huge_data_folder_is_refused();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", base);
	return check_summary();
}
