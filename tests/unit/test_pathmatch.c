/* Watch/exclude matching and lexical normalization. */
#include "check.h"
#include "pathmatch.h"

static void test_under(void)
{
	CHECK(path_is_under("/srv/share", "/srv/share"));
	CHECK(path_is_under("/srv/share/a/b", "/srv/share"));
	CHECK(!path_is_under("/srv/shared/a", "/srv/share"));
	CHECK(!path_is_under("/srv", "/srv/share"));
	CHECK(path_is_under("/anything", "/"));
	CHECK(path_is_under("/", "/"));
}

static void test_watched(void)
{
	char *watch[] = { "/srv/share", "/tmp" };
	char *exclude[] = { "/srv/share/cache", "/tmp/x.sock" };

	CHECK(path_is_watched("/srv/share/doc.pdf", watch, 2, exclude, 2));
	CHECK(path_is_watched("/tmp/a/b/c", watch, 2, exclude, 2));
	CHECK(!path_is_watched("/srv/share/cache/blob", watch, 2, exclude, 2));
	CHECK(!path_is_watched("/srv/share/cache", watch, 2, exclude, 2));
	CHECK(path_is_watched("/srv/share/cache2/blob", watch, 2, exclude, 2));
	CHECK(!path_is_watched("/etc/passwd", watch, 2, exclude, 2));
	CHECK(!path_is_watched("/tmp/x.sock", watch, 2, exclude, 2));
	CHECK(!path_is_watched("/tmp/a", watch, 0, exclude, 0));
}

static void test_normalize(void)
{
	char out[64];

	CHECK(path_normalize("/a//b/./c/", out, sizeof(out)) == 0 && strcmp(out, "/a/b/c") == 0);
	CHECK(path_normalize("/a/b/../c", out, sizeof(out)) == 0 && strcmp(out, "/a/c") == 0);
	CHECK(path_normalize("/../..", out, sizeof(out)) == 0 && strcmp(out, "/") == 0);
	CHECK(path_normalize("/", out, sizeof(out)) == 0 && strcmp(out, "/") == 0);
	CHECK(path_normalize("relative/x", out, sizeof(out)) == -1);
	CHECK(path_normalize("/a/very/long/path/that/does/not/fit/in/the/small/buffer/given",
			     out, 16) == -1);
}

int main(void)
{
	test_under();
	test_watched();
	test_normalize();
	return check_summary();
}
