/* Watch/exclude matching and lexical normalization. */
#include "check.h"
#include "common/path.h"

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

	CHECK(path_is_watched("/srv/share/doc.pdf", watch, 2));
	CHECK(path_is_watched("/srv/share", watch, 2));
	CHECK(path_is_watched("/tmp/a/b/c", watch, 2));
	CHECK(!path_is_watched("/srv/shared/doc.pdf", watch, 2));
	CHECK(!path_is_watched("/etc/passwd", watch, 2));
	CHECK(!path_is_watched("/tmp/a", watch, 0));
}

static void test_normalize(void)
{
	char out[64];

	CHECK(path_normalize("/a//b/./c/", out, sizeof(out)) == 0 && strcmp(out, "/a/b/c") == 0);
	CHECK(path_normalize("/a/b/../c", out, sizeof(out)) == 0 && strcmp(out, "/a/c") == 0);
	CHECK(path_normalize("/../..", out, sizeof(out)) == 0 && strcmp(out, "/") == 0);
	CHECK(path_normalize("/", out, sizeof(out)) == 0 && strcmp(out, "/") == 0);
	CHECK(path_normalize("relative/x", out, sizeof(out)) == -1);
	CHECK(path_normalize("/a/very/long/path/that/does/not/fit/in/the/small/buffer/given", out,
			     16) == -1);
}

/* Compiles pattern, matches path, frees: the answer of one glob. */
static bool glob_matches(const char *pattern, const char *path)
{
	struct path_glob g;
	char err[256];
	bool hit;

	if (path_glob_compile(pattern, &g, err, sizeof(err)) != 0) {
		fprintf(stderr, "pattern %s: %s\n", pattern, err);
		return false;
	}
	hit = path_globs_match(&g, 1, path);
	path_glob_free(&g);
	return hit;
}

/* The reason a bad pattern is refused, "" if it compiles. */
static const char *glob_error(const char *pattern)
{
	static char err[256];
	struct path_glob g;

	err[0] = '\0';
	if (path_glob_compile(pattern, &g, err, sizeof(err)) == 0)
		path_glob_free(&g);
	return err;
}

static void test_has_glob(void)
{
	CHECK(path_has_glob("/srv/*.tmp"));
	CHECK(path_has_glob("/srv/file?"));
	CHECK(path_has_glob("/srv/[ab]"));
	CHECK(!path_has_glob("/srv/plain/path"));
}

static void test_glob_star_stays_in_component(void)
{
	CHECK(glob_matches("/srv/*.tmp", "/srv/a.tmp"));
	CHECK(glob_matches("/srv/*.tmp", "/srv/.hidden.tmp")); /* no FNM_PERIOD */
	CHECK(!glob_matches("/srv/*.tmp", "/srv/sub/a.tmp"));  /* '*' does not cross '/' */
	CHECK(!glob_matches("/srv/*.tmp", "/srv/a.tmpx"));
	CHECK(!glob_matches("/srv/*.tmp", "/srvx/a.tmp"));
	CHECK(glob_matches("/home/*/.cache", "/home/ann/.cache"));
	CHECK(!glob_matches("/home/*/.cache", "/home/ann/sub/.cache"));
	CHECK(glob_matches("/srv/file?", "/srv/file1"));
	CHECK(!glob_matches("/srv/file?", "/srv/file12"));
	CHECK(!glob_matches("/srv/a?b", "/srv/a/b")); /* '?' does not match '/' */
	CHECK(glob_matches("/srv/[ab]x", "/srv/bx"));
	CHECK(!glob_matches("/srv/[ab]x", "/srv/cx"));
	CHECK(glob_matches("/srv/[!ab]x", "/srv/cx"));
	CHECK(glob_matches("/srv/[[:digit:]]*", "/srv/7up"));
	CHECK(glob_matches("/srv/[]x]", "/srv/]"));
	CHECK(glob_matches("/srv/\\*", "/srv/*")); /* escaped: a literal '*' */
	CHECK(!glob_matches("/srv/\\*", "/srv/x"));
}

static void test_glob_subtree_like_prefix(void)
{
	/* a pattern that names a folder excludes everything below it, as a plain entry does */
	CHECK(glob_matches("/home/*/.cache", "/home/ann/.cache/thumbnails/x.png"));
	CHECK(glob_matches("/srv/*.d", "/srv/conf.d/a/b"));
	CHECK(!glob_matches("/home/*/.cache", "/home/ann/.cachex/x"));
	CHECK(!glob_matches("/home/*/.cache", "/home/ann"));
}

static void test_glob_double_star(void)
{
	CHECK(glob_matches("/srv/**/*.iso", "/srv/a.iso")); /* zero folders */
	CHECK(glob_matches("/srv/**/*.iso", "/srv/a/b/c/d.iso"));
	CHECK(!glob_matches("/srv/**/*.iso", "/data/a/d.iso"));
	CHECK(!glob_matches("/srv/**/*.iso", "/srv/a/d.isox"));
	CHECK(glob_matches("/**/node_modules", "/x/y/node_modules/lib/z.js"));
	CHECK(glob_matches("/**/node_modules", "/node_modules"));
	CHECK(glob_matches("/srv/**", "/srv"));
	CHECK(glob_matches("/srv/**", "/srv/a/b"));
	CHECK(!glob_matches("/srv/**", "/srvx/a"));
	CHECK(glob_matches("/a/**/b/**/c", "/a/x/b/y/z/c"));
	CHECK(!glob_matches("/a/**/b/**/c", "/a/x/y/z/c"));
	CHECK(glob_matches("/a/**/**/c", "/a/c"));
	/* "**" inside a component is a plain '*' */
	CHECK(glob_matches("/srv/x**", "/srv/xyz"));
	CHECK(glob_matches("/srv/x**", "/srv/x/y/z")); /* through its folder /srv/x */
	CHECK(!glob_matches("/srv/x**.iso", "/srv/x/y.iso"));
	/* the pattern is normalized like a path */
	CHECK(glob_matches("/srv//./tmp/../*.log", "/srv/a.log"));
}

static void test_glob_errors(void)
{
	CHECK_STR_CONTAINS(glob_error("*.tmp"), "absolute");
	CHECK_STR_CONTAINS(glob_error("/srv/[abc"), "without a closing ']'");
	CHECK_STR_CONTAINS(glob_error("/srv/[[:digits:]]"), "unknown character class [:digits:]");
	CHECK_STR_CONTAINS(glob_error("/srv/[[:alpha]"), "'[:' without its ':]'");
	CHECK_STR_CONTAINS(glob_error("/srv/[a/b]"), "'/' inside [...]");
	CHECK_STR_CONTAINS(glob_error("/srv/x\\"), "lone backslash");
	CHECK_STR_CONTAINS(glob_error("/srv/x\\/y*"), "cannot be escaped");
	CHECK(strcmp(glob_error("/srv/[]x]*"), "") == 0);
	CHECK(strcmp(glob_error("/srv/[!]]*"), "") == 0);
}

static void test_set(void)
{
	char *prefix[] = { "/usr/bin/rsync", "/opt/backup" };
	struct path_glob glob[1];
	struct path_set set = { .prefix = prefix, .n_prefix = 2, .glob = glob, .n_glob = 1 };
	char err[256];

	CHECK(path_glob_compile("/usr/lib/backup/*", &glob[0], err, sizeof(err)) == 0);
	CHECK(path_set_match(&set, "/usr/bin/rsync"));
	CHECK(!path_set_match(&set, "/usr/bin/rsync2"));
	CHECK(path_set_match(&set, "/opt/backup/bin/tool"));
	CHECK(path_set_match(&set, "/usr/lib/backup/agent"));
	CHECK(!path_set_match(&set, "/usr/lib/backupx/agent"));
	CHECK(!path_set_match(&set, "/usr/bin/cat"));
	path_glob_free(&glob[0]);
}

int main(void)
{
	test_under();
	test_watched();
	test_normalize();
	test_has_glob();
	test_glob_star_stays_in_component();
	test_glob_subtree_like_prefix();
	test_glob_double_star();
	test_glob_errors();
	test_set();
	return check_summary();
}
