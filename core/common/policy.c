#include "common/policy.h"

#include <stdlib.h>
#include <string.h>

#include "common/path.h"

const char *scan_mode_name(enum scan_mode mode)
{
	return mode == SCAN_MODE_REPORT ? "report" : "block";
}

int scan_mode_from_name(const char *name, enum scan_mode *out)
{
	if (strcmp(name, "block") == 0)
		*out = SCAN_MODE_BLOCK;
	else if (strcmp(name, "report") == 0)
		*out = SCAN_MODE_REPORT;
	else
		return -1;
	return 0;
}

enum scan_mode policy_mode_for(const struct policy_set *s, const char *path,
			       const struct path_policy **which)
{
	const struct path_policy *best = NULL;

	for (size_t i = 0; i < s->n; i++)
		if (path_is_under(path, s->entries[i].path) &&
		    (!best || strlen(s->entries[i].path) > strlen(best->path)))
			best = &s->entries[i];
	if (which)
		*which = best;
	return best ? best->mode : s->fallback;
}

enum scan_mode policy_strictest(const struct policy_set *s)
{
	if (s->fallback == SCAN_MODE_BLOCK)
		return SCAN_MODE_BLOCK;
	for (size_t i = 0; i < s->n; i++)
		if (s->entries[i].mode == SCAN_MODE_BLOCK)
			return SCAN_MODE_BLOCK;
	return SCAN_MODE_REPORT;
}

void policy_set_free(struct policy_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->entries[i].path);
	free(s->entries);
	s->entries = NULL;
	s->n = 0;
}
