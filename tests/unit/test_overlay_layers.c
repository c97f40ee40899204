/*
 * Overlay mounts and their layers (core/daemon/overlay_layers.c), told from
 * /proc/self/mountinfo lines as Linux 6.18 writes them.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "daemon/overlay_layers.h"

struct seen {
	char layers[8][256];
	int n, stop_after;
};

static bool collect(const char *layer, void *arg)
{
	struct seen *s = arg;

	if (s->n < 8)
		snprintf(s->layers[s->n], sizeof(s->layers[0]), "%s", layer);
	s->n++;
	return s->n != s->stop_after;
}

static void test_legacy_lowerdir(void)
{
	/* mounted with lowerdir=/t/l\ 1:/t/l\:c::/t/l2 (escaped space and colon, a data layer) */
	const char *line = "94 89 0:42 / /t/my\\040m rw,relatime - overlay overlay "
			   "rw,lowerdir=/t/l\\134\\0401:/t/l\\134:c::/t/l2,upperdir=/t/u,"
			   "workdir=/t/w,uuid=on\n";
	struct overlay_mount ov;
	struct seen s = { 0 };

	CHECK(overlay_parse(line, &ov));
	CHECK(ov.mnt_id == 94);
	CHECK(strcmp(ov.mountpoint, "/t/my m") == 0);
	CHECK(ov.outside_layer[0] == '\0');
	CHECK(overlay_each_layer(line, collect, &s) == 4);
	CHECK(s.n == 4);
	CHECK(strcmp(s.layers[0], "/t/l 1") == 0);
	CHECK(strcmp(s.layers[1], "/t/l:c") == 0);
	CHECK(strcmp(s.layers[2], "/t/l2") == 0);
	CHECK(strcmp(s.layers[3], "/t/u") == 0); /* the upper layer; workdir is not a layer */
}

static void test_lowerdir_plus(void)
{
	/* the new mount API's lowerdir+= and datadir+=: no ':' splitting, a comma escaped */
	const char *line = "93 89 0:42 / /t/m rw,relatime - overlay overlay ro,"
			   "lowerdir+=/t/l2,lowerdir+=/t/l\\0401,datadir+=/t/l:c\\054d,"
			   "redirect_dir=on\n";
	struct seen s = { 0 };

	CHECK(overlay_each_layer(line, collect, &s) == 3);
	CHECK(strcmp(s.layers[0], "/t/l2") == 0);
	CHECK(strcmp(s.layers[1], "/t/l 1") == 0);
	CHECK(strcmp(s.layers[2], "/t/l:c,d") == 0);
}

static void test_stop_and_relative(void)
{
	/* a container runtime's relative layers (it chdirs first), stopped at the second */
	const char *line =
		"95 89 0:43 / /var/lib/c/merged rw - overlay overlay "
		"rw,lowerdir=l/AB:l/CD:l/EF,upperdir=/var/lib/c/diff,workdir=/var/lib/c/w\n";
	struct seen s = { .stop_after = 2 };

	CHECK(overlay_each_layer(line, collect, &s) == 2);
	CHECK(s.n == 2 && strcmp(s.layers[1], "l/CD") == 0);
}

static void test_not_overlay(void)
{
	struct overlay_mount ov;
	struct seen s = { 0 };

	CHECK(!overlay_parse("25 1 0:22 / /tmp rw - tmpfs tmpfs rw\n", &ov));
	CHECK(overlay_each_layer("25 1 0:22 / /tmp rw - tmpfs tmpfs rw\n", collect, &s) == -1);
	/* a FUSE filesystem named like it is not an overlay */
	CHECK(!overlay_parse("26 1 0:23 / /f rw - fuse.overlay x rw,lowerdir=/a\n", &ov));
	CHECK(!overlay_parse("garbage\n", &ov));
	CHECK(s.n == 0);
}

int main(void)
{
	test_legacy_lowerdir();
	test_lowerdir_plus();
	test_stop_and_relative();
	test_not_overlay();
	return check_summary();
}
