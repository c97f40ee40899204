#include "common/path.h"

#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
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

bool path_is_watched(const char *path, char *const *watch, size_t n_watch)
{
	for (size_t i = 0; i < n_watch; i++)
		if (path_is_under(path, watch[i]))
			return true;
	return false;
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

/* ---- globs ---- */

bool path_has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static bool known_class(const char *name, size_t len)
{
	static const char *const classes[] = {
		"alnum", "alpha", "blank", "cntrl", "digit", "graph",
		"lower", "print", "punct", "space", "upper", "xdigit"
	};

	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (strlen(classes[i]) == len && strncmp(classes[i], name, len) == 0)
			return true;
	return false;
}

/*
 * The end (its ']') of the bracket expression opening at p, or NULL with the
 * reason. glibc's fnmatch would take a lone '[' literally and an unknown class
 * as no match: both are typos an admin wants to hear about.
 */
static const char *bracket_end(const char *p, char *err, size_t errlen)
{
	const char *q = p + 1;

	if (*q == '!' || *q == '^')
		q++;
	if (*q == ']')
		q++; /* a leading ']' is a member, not the end */
	for (; *q && *q != ']'; q++) {
		if (*q == '\\' && q[1])
			q++;
		if (*q == '/') {
			snprintf(err, errlen,
				 "'/' inside [...] never matches (a bracket matches one "
				 "character of one path component)");
			return NULL;
		}
		if (q[0] == '[' && (q[1] == ':' || q[1] == '=' || q[1] == '.')) {
			char kind = q[1];
			const char *close = q + 2;

			while (*close && !(close[0] == kind && close[1] == ']'))
				close++;
			if (!*close) {
				snprintf(err, errlen, "'[%c' without its '%c]'", kind, kind);
				return NULL;
			}
			if (kind == ':' && !known_class(q + 2, (size_t)(close - q - 2))) {
				snprintf(err, errlen, "unknown character class [:%.*s:]",
					 (int)(close - q - 2), q + 2);
				return NULL;
			}
			q = close + 1;
		}
	}
	if (!*q) {
		snprintf(err, errlen, "'[' without a closing ']'");
		return NULL;
	}
	return q;
}

static int check_pattern(const char *pattern, char *err, size_t errlen)
{
	for (const char *p = pattern; *p; p++) {
		if (*p == '\\') {
			if (!p[1] || p[1] == '/') {
				snprintf(err, errlen,
					 p[1] ? "a '/' cannot be escaped (it always separates "
						"components)"
					      : "ends in a lone backslash");
				return -1;
			}
			p++;
		} else if (*p == '[' && !(p = bracket_end(p, err, errlen))) {
			return -1;
		}
	}
	return 0;
}

int path_glob_compile(const char *pattern, struct path_glob *out, char *err, size_t errlen)
{
	char norm[PATH_MAX];
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	if (pattern[0] != '/') {
		snprintf(err, errlen,
			 "a pattern must be an absolute path (for any folder write "
			 "\"/**/%s\")",
			 pattern);
		return -1;
	}
	if (check_pattern(pattern, err, errlen) != 0)
		return -1;
	if (path_normalize(pattern, norm, sizeof(norm)) != 0) {
		snprintf(err, errlen, "too long");
		return -1;
	}
	out->text = strdup(norm);
	out->buf = strdup(norm + 1);
	out->part = calloc(strlen(norm) + 1, sizeof(*out->part));
	if (!out->text || !out->buf || !out->part) {
		path_glob_free(out);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (char *c = out->buf; *c;) {
		char *slash = strchr(c, '/');

		if (slash)
			*slash = '\0';
		/* "**" after "**" adds nothing but work */
		if (!(n > 0 && strcmp(c, "**") == 0 && strcmp(out->part[n - 1], "**") == 0))
			out->part[n++] = c;
		if (!slash)
			break;
		c = slash + 1;
	}
	out->n_part = n;
	return 0;
}

void path_glob_free(struct path_glob *g)
{
	free(g->text);
	free(g->buf);
	free(g->part);
	memset(g, 0, sizeof(*g));
}

/*
 * Copies path's components into buf, each NUL-terminated; returns the end of
 * the last one, or NULL if the path does not fit.
 */
static const char *split_path(const char *path, char *buf, size_t size)
{
	size_t len = 0;

	for (const char *c = path; *c; c++) {
		if (*c == '/') {
			if (len > 0 && buf[len - 1] != '\0')
				buf[len++] = '\0';
		} else {
			buf[len++] = *c;
		}
		if (len + 1 >= size)
			return NULL;
	}
	if (len > 0 && buf[len - 1] != '\0')
		buf[len++] = '\0';
	return buf + len;
}

static const char *next_component(const char *c)
{
	return c + strlen(c) + 1;
}

/* Matches parts against the components from comp on; running out of parts first is a match. */
static bool match_parts(const char *const *part, size_t n_part, const char *comp, const char *end)
{
	for (size_t i = 0; i < n_part; i++) {
		if (strcmp(part[i], "**") == 0) {
			for (;; comp = next_component(comp)) {
				if (match_parts(part + i + 1, n_part - i - 1, comp, end))
					return true;
				if (comp >= end)
					return false;
			}
		}
		if (comp >= end || fnmatch(part[i], comp, 0) != 0)
			return false;
		comp = next_component(comp);
	}
	return true;
}

bool path_globs_match(const struct path_glob *g, size_t n, const char *path)
{
	char buf[PATH_MAX];
	const char *end;

	if (n == 0 || !(end = split_path(path, buf, sizeof(buf))))
		return false;
	for (size_t i = 0; i < n; i++)
		if (match_parts(g[i].part, g[i].n_part, buf, end))
			return true;
	return false;
}

size_t path_set_size(const struct path_set *s)
{
	return s->n_prefix + s->n_glob;
}

bool path_set_match(const struct path_set *s, const char *path)
{
	for (size_t i = 0; i < s->n_prefix; i++)
		if (path_is_under(path, s->prefix[i]))
			return true;
	return path_globs_match(s->glob, s->n_glob, path);
}

void path_set_free(struct path_set *s)
{
	for (size_t i = 0; i < s->n_prefix; i++)
		free(s->prefix[i]);
	for (size_t i = 0; i < s->n_glob; i++)
		path_glob_free(&s->glob[i]);
	free(s->prefix);
	free(s->glob);
	memset(s, 0, sizeof(*s));
}

void path_unescape_mountinfo(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}
