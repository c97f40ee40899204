/*
 * Overlay mounts and their layers, told from /proc/self/mountinfo.
 *
 * An overlayfs must never be marked: the kernel opens an event's descriptor
 * inside fanotify_read(), overlayfs opens the layer's file for it
 * (backing_file_open), and if the layer's filesystem is marked that open is a
 * permission event queued to the daemon's own group, waited for by the very
 * thread that would read it. Every open through the overlay opens a layer's
 * file that way, so it is seen on the layer's filesystem when that is marked.
 * FUSE passthrough (Linux 6.9) opens backing files too, but the mount table
 * does not show it. Pure.
 */
#ifndef FANGUARD_OVERLAY_LAYERS_H
#define FANGUARD_OVERLAY_LAYERS_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

/* One overlay mount, as marks.c keeps it for the log and status. */
struct overlay_mount {
	uint64_t mnt_id;
	char mountpoint[PATH_MAX];
	char outside_layer[PATH_MAX]; /* a layer not on a watch path; "" when none */
};

/* Called with each layer path, unescaped; returns false to stop. */
typedef bool (*overlay_layer_fn)(const char *layer, void *arg);

/*
 * Parses one mountinfo line. True, with *out's mnt_id and (unescaped)
 * mountpoint filled and outside_layer empty, when it is an overlay mount.
 */
bool overlay_parse(const char *line, struct overlay_mount *out);

/*
 * Calls fn with every layer an overlay mountinfo line names in its super
 * options: lowerdir= (':'-separated, '\' escaping the next character, "::"
 * before data layers), lowerdir+=, datadir+=, upperdir=, all with mountinfo's
 * octal escapes undone. Paths are as the mounter gave them: possibly
 * relative to its working folder. Returns the number of layers passed to fn,
 * or -1 when the line is not an overlay's or out of memory.
 */
int overlay_each_layer(const char *line, overlay_layer_fn fn, void *arg);

#endif
