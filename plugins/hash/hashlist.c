#define _POSIX_C_SOURCE 200809L /* getline, strdup under -std=c11 */

#include "hashlist.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#define HASHLIST_INITIAL_CAPACITY 64

static void set_error(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

void hashlist_init(struct hashlist *list)
{
	if (list)
		memset(list, 0, sizeof(*list));
}

/* Drops the entries from index keep on; used to undo a partly loaded file. */
static void hashlist_truncate(struct hashlist *list, size_t keep)
{
	while (list->count > keep)
		free(list->entries[--list->count].label);
}

void hashlist_free(struct hashlist *list)
{
	if (!list)
		return;
	hashlist_truncate(list, 0);
	free(list->entries);
	hashlist_init(list);
}

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int is_blank(int c)
{
	return c == ' ' || c == '\t';
}

/* Decodes the 64 hex digits at p (end bounds the trimmed line); -1 with a reason otherwise. */
static int parse_digest(const char *p, const char *end, unsigned char *digest, char *why,
			size_t whylen)
{
	size_t n = 0;

	while (p + n < end && hex_value((unsigned char)p[n]) >= 0)
		n++;
	if (n < HASHLIST_HEX_LEN && p + n < end && !is_blank(p[n])) {
		set_error(why, whylen, "non-hex character in the digest");
		return -1;
	}
	if (n != HASHLIST_HEX_LEN) {
		set_error(why, whylen, "digest has %zu hex digits, expected %d", n,
			  HASHLIST_HEX_LEN);
		return -1;
	}
	if (p + n < end && !is_blank(p[n])) {
		set_error(why, whylen, "expected whitespace after the digest");
		return -1;
	}
	for (size_t i = 0; i < HASHLIST_DIGEST_LEN; i++)
		digest[i] = (unsigned char)(hex_value((unsigned char)p[2 * i]) << 4 |
					    hex_value((unsigned char)p[2 * i + 1]));
	return 0;
}

/*
 * Copies the name column [p, end) into label, cut to fit. sha256sum writes a
 * name holding a backslash, newline or CR escaped and flags the line with a
 * leading backslash, so undo those escapes for such lines.
 */
static void copy_label(const char *p, const char *end, int escaped, char *label, size_t labelsize)
{
	size_t n = 0;

	if (!label || labelsize == 0)
		return;
	while (p < end && n + 1 < labelsize) {
		char c = *p++;

		if (escaped && c == '\\' && p < end) {
			if (*p == '\\')
				c = '\\', p++;
			else if (*p == 'n')
				c = '\n', p++;
			else if (*p == 'r')
				c = '\r', p++;
		}
		label[n++] = c;
	}
	label[n] = '\0';
}

/*
 * `sha256sum --tag` (BSD style): "SHA256 (name) = HEX". The name runs to the
 * last ") = ", so a name holding that text still parses as sha256sum -c reads it.
 * 1: parsed; 0: not this form; -1: this form, but a bad digest.
 */
static int parse_tagged(const char *p, const char *end, int escaped, unsigned char *digest,
			char *label, size_t labelsize, char *why, size_t whylen)
{
	static const char tag[] = "SHA256 (", sep[] = ") = ";
	const char *name = p + sizeof(tag) - 1, *hex = NULL;

	if ((size_t)(end - p) < sizeof(tag) - 1 || memcmp(p, tag, sizeof(tag) - 1) != 0)
		return 0;
	for (const char *q = name; q + sizeof(sep) - 1 <= end; q++)
		if (memcmp(q, sep, sizeof(sep) - 1) == 0)
			hex = q;
	if (!hex) {
		set_error(why, whylen, "\"SHA256 (name)\" without \" = \" and a digest");
		return -1;
	}
	if (parse_digest(hex + sizeof(sep) - 1, end, digest, why, whylen) == -1)
		return -1;
	if (hex + sizeof(sep) - 1 + HASHLIST_HEX_LEN != end) {
		set_error(why, whylen, "text after the digest");
		return -1;
	}
	copy_label(name, hex, escaped, label, labelsize);
	return 1;
}

static int parse_entry(const char *line, unsigned char *digest, char *label, size_t labelsize,
		       char *why, size_t whylen)
{
	int tagged;
	const char *p = line, *end;
	int escaped = 0;

	if (label && labelsize > 0)
		label[0] = '\0';
	if (!line || !digest) {
		set_error(why, whylen, "invalid argument");
		return -1;
	}
	while (is_blank(*p))
		p++;
	end = p + strlen(p);
	while (end > p && isspace((unsigned char)end[-1])) /* CRLF and trailing blanks */
		end--;
	if (p == end || *p == '#')
		return 0;
	if (*p == '\\') {
		escaped = 1;
		p++;
	}
	if ((tagged = parse_tagged(p, end, escaped, digest, label, labelsize, why, whylen)) != 0)
		return tagged;
	if (parse_digest(p, end, digest, why, whylen) == -1)
		return -1;
	p += HASHLIST_HEX_LEN;
	/* sha256sum: one space, then ' ' (text mode) or '*' (binary mode), then the name */
	if (end - p >= 2 && p[0] == ' ' && p[1] == '*')
		p += 2;
	while (p < end && is_blank(*p))
		p++;
	copy_label(p, end, escaped, label, labelsize);
	return 1;
}

int hashlist_parse_line(const char *line, unsigned char digest[HASHLIST_DIGEST_LEN], char *label,
			size_t labelsize)
{
	return parse_entry(line, digest, label, labelsize, NULL, 0);
}

int hashlist_add(struct hashlist *list, const unsigned char digest[HASHLIST_DIGEST_LEN],
		 const char *label)
{
	struct hashlist_entry *e;

	if (!list || !digest) {
		errno = EINVAL;
		return -1;
	}
	if (list->count == list->capacity) {
		size_t ncap = list->capacity ? list->capacity : HASHLIST_INITIAL_CAPACITY / 2;

		if (ncap > SIZE_MAX / 2 / sizeof(*list->entries)) {
			errno = ENOMEM;
			return -1;
		}
		ncap *= 2;
		e = realloc(list->entries, ncap * sizeof(*e));
		if (!e)
			return -1;
		list->entries = e;
		list->capacity = ncap;
	}
	e = &list->entries[list->count];
	memcpy(e->digest, digest, HASHLIST_DIGEST_LEN);
	e->label = NULL;
	if (label && *label && !(e->label = strdup(label)))
		return -1;
	list->count++;
	return 0;
}

/* Reads one list file into list; the caller undoes a partial load on failure. */
static int load_stream(struct hashlist *list, FILE *fp, const char *path, char *err, size_t errlen)
{
	char *line = NULL, why[128], label[HASHLIST_LABEL_MAX];
	unsigned char digest[HASHLIST_DIGEST_LEN];
	unsigned long lineno = 0;
	size_t linecap = 0;
	ssize_t len;
	int rc = -1;

	while ((len = getline(&line, &linecap, fp)) != -1) {
		lineno++;
		/* a NUL would hide the rest of the line from the parser */
		if (memchr(line, '\0', (size_t)len)) {
			set_error(err, errlen, "%s:%lu: NUL byte in line", path, lineno);
			goto out;
		}
		switch (parse_entry(line, digest, label, sizeof(label), why, sizeof(why))) {
		case -1: set_error(err, errlen, "%s:%lu: %s", path, lineno, why); goto out;
		case 1:
			if (hashlist_add(list, digest, label) == -1) {
				set_error(err, errlen, "%s:%lu: %s", path, lineno, strerror(errno));
				goto out;
			}
			break;
		}
	}
	if (ferror(fp)) {
		set_error(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(line);
	return rc;
}

int hashlist_load_file(struct hashlist *list, const char *path, char *err, size_t errlen)
{
	size_t before;
	FILE *fp;
	int rc;

	if (!list || !path) {
		set_error(err, errlen, "hashlist_load_file: invalid argument");
		return -1;
	}
	if (!(fp = fopen(path, "re"))) {
		set_error(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	before = list->count;
	if ((rc = load_stream(list, fp, path, err, errlen)) == -1)
		hashlist_truncate(list, before);
	fclose(fp);
	return rc;
}

/* Digest order, then labelled before unlabelled, then by label: duplicates keep the first. */
static int entry_compare(const void *a, const void *b)
{
	const struct hashlist_entry *x = a, *y = b;
	int c = memcmp(x->digest, y->digest, HASHLIST_DIGEST_LEN);

	if (c != 0)
		return c;
	if (!x->label || !y->label)
		return (x->label == NULL) - (y->label == NULL);
	return strcmp(x->label, y->label);
}

void hashlist_finish(struct hashlist *list)
{
	size_t kept = 0;

	if (!list || list->count == 0)
		return;
	qsort(list->entries, list->count, sizeof(*list->entries), entry_compare);
	for (size_t i = 0; i < list->count; i++) {
		struct hashlist_entry *e = &list->entries[i];

		if (kept > 0 &&
		    memcmp(list->entries[kept - 1].digest, e->digest, HASHLIST_DIGEST_LEN) == 0) {
			free(e->label);
			continue;
		}
		list->entries[kept++] = *e;
	}
	list->count = kept;
}

static int digest_compare(const void *key, const void *elem)
{
	const struct hashlist_entry *e = elem;

	return memcmp(key, e->digest, HASHLIST_DIGEST_LEN);
}

const char *hashlist_lookup(const struct hashlist *list,
			    const unsigned char digest[HASHLIST_DIGEST_LEN])
{
	const struct hashlist_entry *e;

	if (!list || !digest || list->count == 0)
		return NULL;
	e = bsearch(digest, list->entries, list->count, sizeof(*list->entries), digest_compare);
	if (!e)
		return NULL;
	return e->label ? e->label : "";
}

size_t hashlist_count(const struct hashlist *list)
{
	return list ? list->count : 0;
}

void hashlist_format_hex(const unsigned char *digest, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 0xf];
	}
	out[2 * len] = '\0';
}
