/* Overlay mounts and their layers, told from /proc/self/mountinfo: see overlay_layers.h. */
#include "daemon/overlay_layers.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/path.h"

/* The filesystem type and super options of a mountinfo line (after " - "), or NULL. */
static const char *overlay_super_options(const char *line)
{
	const char *tail = strstr(line, " - ");
	const char *opts;

	if (!tail || strncmp(tail, " - overlay ", 11) != 0)
		return NULL;
	/* " - overlay SOURCE SUPER": the source is one field (octal-escaped) */
	if (!(opts = strchr(tail + 11, ' ')))
		return NULL;
	return opts + 1;
}

bool overlay_parse(const char *line, struct overlay_mount *out)
{
	char mountpoint[PATH_MAX];

	if (!overlay_super_options(line) ||
	    sscanf(line, "%" SCNu64 " %*s %*s %*s %4095s", &out->mnt_id, mountpoint) != 2)
		return false;
	path_unescape_mountinfo(mountpoint);
	snprintf(out->mountpoint, sizeof(out->mountpoint), "%s", mountpoint);
	out->outside_layer[0] = '\0';
	return true;
}

/*
 * The legacy lowerdir= list as the mounter wrote it: layers split at ':', a
 * '\' keeps the next character (an escaped ':'), an empty one ("::", before
 * the data-only layers) is no layer.
 */
static int each_lower(char *list, overlay_layer_fn fn, void *arg, bool *stop)
{
	char *layer = list, *out = list;
	int n = 0;

	for (char *s = list;; s++) {
		if (*s == '\\' && s[1]) {
			*out++ = *++s;
			continue;
		}
		if (*s != ':' && *s) {
			*out++ = *s;
			continue;
		}
		bool end = !*s;

		*out = '\0';
		if (*layer) {
			n++;
			if (!fn(layer, arg)) {
				*stop = true;
				return n;
			}
		}
		if (end)
			return n;
		layer = out = s + 1;
	}
}

int overlay_each_layer(const char *line, overlay_layer_fn fn, void *arg)
{
	static const char *const single[] = { "lowerdir+=", "datadir+=", "upperdir=" };
	const char *super = overlay_super_options(line);
	char *opts, *next;
	bool stop = false;
	int n = 0;

	if (!super || !(opts = strdup(super)))
		return -1;
	opts[strcspn(opts, " \n")] = '\0';
	/* a ',' in a path is written \054: every ',' here separates options */
	for (char *opt = opts; opt && !stop; opt = next) {
		if ((next = strchr(opt, ',')))
			*next++ = '\0';
		if (strncmp(opt, "lowerdir=", 9) == 0) {
			path_unescape_mountinfo(opt + 9);
			n += each_lower(opt + 9, fn, arg, &stop);
			continue;
		}
		for (size_t i = 0; i < sizeof(single) / sizeof(single[0]); i++) {
			size_t len = strlen(single[i]);

			if (strncmp(opt, single[i], len) != 0)
				continue;
			path_unescape_mountinfo(opt + len);
			n++;
			stop = !fn(opt + len, arg);
			break;
		}
	}
	free(opts);
	return n;
}
