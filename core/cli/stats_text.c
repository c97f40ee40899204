#include "cli/stats_text.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_LEN 128

/* "fanguard_events_total" → "events total": the prefix says nothing to a reader. */
static void family_title(const char *name, size_t len, char *out, size_t outsize)
{
	size_t k = 0;

	if (len > 9 && strncmp(name, "fanguard_", 9) == 0) {
		name += 9;
		len -= 9;
	}
	for (size_t i = 0; i < len && k + 1 < outsize; i++)
		out[k++] = name[i] == '_' ? ' ' : name[i];
	out[k] = '\0';
}

/* `{a="x",b="y"}` → `a=x b=y` */
static void labels_text(const char *start, size_t len, char *out, size_t outsize)
{
	size_t k = 0;

	for (size_t i = 0; i < len && k + 1 < outsize; i++) {
		char c = start[i];
		if (c == '{' || c == '}' || c == '"')
			continue;
		out[k++] = c == ',' ? ' ' : c;
	}
	out[k] = '\0';
}

/* One sample line: "  labels  value" (or the family's own value alone). */
static void print_sample(const char *line, size_t len, const char *family, FILE *out)
{
	const char *brace = memchr(line, '{', len), *space = NULL, *name_end;
	char labels[256] = "", suffix[NAME_MAX_LEN] = "", what[256 + NAME_MAX_LEN + 2];
	size_t flen = strlen(family);

	for (size_t i = len; i > 0; i--)
		if (line[i - 1] == ' ') {
			space = line + i - 1;
			break;
		}
	if (!space)
		return;
	name_end = brace && brace < space ? brace : space;
	/* _sum and _count of a histogram or summary belong to its family */
	if ((size_t)(name_end - line) > flen && strncmp(line, family, flen) == 0)
		snprintf(suffix, sizeof(suffix), "%.*s", (int)(name_end - line - flen - 1),
			 line + flen + 1);
	if (brace && brace < space) {
		const char *close = memchr(brace, '}', (size_t)(space - brace));
		labels_text(brace, close ? (size_t)(close - brace + 1) : 0, labels, sizeof(labels));
	}
	snprintf(what, sizeof(what), "%s%s%s", labels, labels[0] && suffix[0] ? " " : "", suffix);
	fprintf(out, "  %-48s %.*s\n", what[0] ? what : "value",
		(int)(len - (size_t)(space - line) - 1), space + 1);
}

void stats_text_print(const char *prom, FILE *out)
{
	char family[NAME_MAX_LEN] = "", title[NAME_MAX_LEN];
	bool skipped_buckets = false;

	for (const char *line = prom; *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		if (len > 7 && strncmp(line, "# HELP ", 7) == 0) {
			const char *name = line + 7, *sp = memchr(name, ' ', len - 7);
			size_t nlen = sp ? (size_t)(sp - name) : len - 7;

			snprintf(family, sizeof(family), "%.*s", (int)nlen, name);
			family_title(name, nlen, title, sizeof(title));
			fprintf(out, "%s%s", line == prom ? "" : "\n", title);
			if (sp)
				fprintf(out, ": %.*s", (int)(len - 7 - nlen - 1), sp + 1);
			fputc('\n', out);
		} else if (len > 0 && line[0] != '#') {
			/* a histogram's buckets are for machines: its count and sum are shown */
			const char *b = strstr(line, "_bucket{");
			if (b && b < line + len)
				skipped_buckets = true;
			else
				print_sample(line, len, family, out);
		}
		line += len + (nl ? 1 : 0);
	}
	if (skipped_buckets)
		fprintf(out, "\n(histogram buckets: fanguard stats --prometheus)\n");
}
