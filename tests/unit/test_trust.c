/* trust_resolve: symlinks are followed only where root alone could have made them. */
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
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", base);
	return check_summary();
}
