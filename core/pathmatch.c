#include "pathmatch.h"

#include <string.h>

bool path_is_under(const char *path, const char *prefix)
{
	size_t len = strlen(prefix);

	if (len == 1 && prefix[0] == '/')
		return path[0] == '/';
	if (strncmp(path, prefix, len) != 0)
		return false;
	return path[len] == '\0' || path[len] == '/';
}

bool path_is_watched(const char *path, char *const *watch, size_t n_watch, char *const *exclude,
		     size_t n_exclude)
{
	bool watched = false;

	for (size_t i = 0; i < n_watch && !watched; i++)
		watched = path_is_under(path, watch[i]);
	if (!watched)
		return false;
	for (size_t i = 0; i < n_exclude; i++)
		if (path_is_under(path, exclude[i]))
			return false;
	return true;
}

int path_normalize(const char *path, char *out, size_t outsize)
{
	size_t len = 0;
	const char *p = path;

	if (!path || path[0] != '/' || outsize < 2)
		return -1;
	while (*p) {
		const char *seg;
		size_t seglen;

		while (*p == '/')
			p++;
		seg = p;
		while (*p && *p != '/')
			p++;
		seglen = (size_t)(p - seg);
		if (seglen == 0 || (seglen == 1 && seg[0] == '.'))
			continue;
		if (seglen == 2 && seg[0] == '.' && seg[1] == '.') {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--; /* drop the slash before the removed segment */
			continue;
		}
		if (len + 1 + seglen + 1 > outsize)
			return -1;
		out[len++] = '/';
		memcpy(out + len, seg, seglen);
		len += seglen;
	}
	if (len == 0)
		out[len++] = '/';
	out[len] = '\0';
	return 0;
}
