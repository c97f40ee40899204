/*
 * The text of a quarantine item's ID.meta file, and item IDs. Pure logic.
 *
 * ID.meta is "key=value" lines, one per field, after a "# fanguard
 * quarantine item" comment. Values are the raw bytes except that a backslash
 * is written "\\", a newline "\n" and any other control byte "\xHH", so a
 * path with odd bytes survives the round trip. Unknown keys are ignored, so
 * later versions may add fields.
 */
#include "common/quarantine_meta.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

bool quarantine_id_valid(const char *id)
{
	/* 20261129T112820Z-0123456789abcdef */
	static const char shape[] = "ddddddddTddddddZ-hhhhhhhhhhhhhhhh";

	if (!id || strlen(id) != QUARANTINE_ID_LEN)
		return false;
	for (size_t i = 0; i < QUARANTINE_ID_LEN; i++) {
		char c = id[i];
		bool ok = shape[i] == 'd'   ? c >= '0' && c <= '9'
			  : shape[i] == 'h' ? (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
					    : c == shape[i];
		if (!ok)
			return false;
	}
	return true;
}

void quarantine_id_make(long long now, const unsigned char random[8],
			char id[QUARANTINE_ID_LEN + 1])
{
	time_t t = (time_t)now;
	struct tm tm;
	size_t len;

	gmtime_r(&t, &tm);
	len = strftime(id, QUARANTINE_ID_LEN + 1, "%Y%m%dT%H%M%SZ-", &tm);
	for (int i = 0; i < 8 && len + 2 <= QUARANTINE_ID_LEN; i++, len += 2)
		snprintf(id + len, 3, "%02x", random[i]);
	id[len] = '\0';
}

/* ---- writing ---- */

struct out {
	char *buf;
	size_t size, len;
	bool full;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->size - o->len)
		o->full = true;
	else
		o->len += (size_t)n;
}

static void put_value(struct out *o, const char *key, const char *value)
{
	const unsigned char *s = (const unsigned char *)value;

	put(o, "%s=", key);
	for (; *s && !o->full; s++) {
		if (*s == '\\')
			put(o, "\\\\");
		else if (*s == '\n')
			put(o, "\\n");
		else if (*s < 0x20 || *s == 0x7f)
			put(o, "\\x%02x", *s);
		else
			put(o, "%c", *s);
	}
	put(o, "\n");
}

int quarantine_meta_format(const struct quarantine_item *item, char *buf, size_t size)
{
	struct out o = { .buf = buf, .size = size };

	if (!size)
		return -1;
	buf[0] = '\0';
	put(&o, "# fanguard quarantine item\nversion=1\n");
	put_value(&o, "id", item->id);
	put_value(&o, "path", item->path);
	put(&o, "uid=%u\ngid=%u\nmode=%04o\nsize=%llu\nmtime=%lld\n", (unsigned)item->uid,
	    (unsigned)item->gid, (unsigned)(item->mode & 07777), item->size, item->mtime);
	put_value(&o, "sha256", item->sha256);
	put_value(&o, "plugin", item->plugin);
	put_value(&o, "threat", item->threat);
	put(&o, "time=%lld\n", item->time);
	return o.full ? -1 : (int)o.len;
}

/* ---- reading ---- */

static int hexval(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

/* Decodes value[0..len) into out (size bytes, NUL-terminated); -1 if malformed or too long. */
static int unescape(const char *value, size_t len, char *out, size_t size)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		char c = value[i];
		if (c == '\\') {
			if (i + 1 >= len)
				return -1;
			c = value[++i];
			if (c == 'n') {
				c = '\n';
			} else if (c == 'x') {
				if (i + 2 >= len || hexval(value[i + 1]) < 0 ||
				    hexval(value[i + 2]) < 0)
					return -1;
				c = (char)(hexval(value[i + 1]) * 16 + hexval(value[i + 2]));
				i += 2;
				if (c == '\0')
					return -1;
			} else if (c != '\\') {
				return -1;
			}
		}
		if (n + 1 >= size)
			return -1;
		out[n++] = c;
	}
	out[n] = '\0';
	return 0;
}

static bool parse_number(const char *s, int base, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, base);
	if (errno || end == s || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static bool sha256_hex_valid(const char *s)
{
	if (strlen(s) != 64)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

/* Names are informational: a long one is cut, not refused. */
static void copy_cut(char *dst, size_t size, const char *src)
{
	size_t len = strnlen(src, size - 1);

	memcpy(dst, src, len);
	dst[len] = '\0';
}

#define SEEN_ID (1u << 0)
#define SEEN_PATH (1u << 1)
#define SEEN_UID (1u << 2)
#define SEEN_GID (1u << 3)
#define SEEN_MODE (1u << 4)
#define SEEN_SIZE (1u << 5)
#define SEEN_SHA (1u << 6)
#define SEEN_TIME (1u << 7)
#define SEEN_VERSION (1u << 8)

/* One "key=value" line; -1 if the value is malformed. */
static int parse_field(struct quarantine_item *item, const char *key, size_t klen,
		       const char *value, size_t vlen, unsigned *seen)
{
	char text[PATH_MAX];
	long long v;

	if (unescape(value, vlen, text, sizeof(text)) != 0)
		return -1;
#define KEY(name) (klen == sizeof(name) - 1 && memcmp(key, name, klen) == 0)
	if (KEY("version")) {
		*seen |= SEEN_VERSION;
		return strcmp(text, "1") == 0 ? 0 : -1;
	} else if (KEY("id")) {
		*seen |= SEEN_ID;
		if (!quarantine_id_valid(text))
			return -1;
		memcpy(item->id, text, QUARANTINE_ID_LEN + 1);
	} else if (KEY("path")) {
		*seen |= SEEN_PATH;
		if (text[0] != '/')
			return -1;
		memcpy(item->path, text, strlen(text) + 1);
	} else if (KEY("uid") || KEY("gid")) {
		if (!parse_number(text, 10, 0, 0xfffffffeLL, &v))
			return -1;
		*seen |= KEY("uid") ? SEEN_UID : SEEN_GID;
		if (KEY("uid"))
			item->uid = (uid_t)v;
		else
			item->gid = (gid_t)v;
	} else if (KEY("mode")) {
		*seen |= SEEN_MODE;
		if (!parse_number(text, 8, 0, 07777, &v))
			return -1;
		item->mode = (mode_t)v;
	} else if (KEY("size")) {
		*seen |= SEEN_SIZE;
		if (!parse_number(text, 10, 0, (long long)(~0ull >> 1), &v))
			return -1;
		item->size = (unsigned long long)v;
	} else if (KEY("mtime")) {
		if (!parse_number(text, 10, -(1LL << 62), 1LL << 62, &item->mtime))
			return -1;
	} else if (KEY("time")) {
		*seen |= SEEN_TIME;
		if (!parse_number(text, 10, 0, 1LL << 62, &item->time))
			return -1;
	} else if (KEY("sha256")) {
		*seen |= SEEN_SHA;
		if (!sha256_hex_valid(text))
			return -1;
		memcpy(item->sha256, text, 65);
	} else if (KEY("plugin")) {
		copy_cut(item->plugin, sizeof(item->plugin), text);
	} else if (KEY("threat")) {
		copy_cut(item->threat, sizeof(item->threat), text);
	}
#undef KEY
	return 0;
}

int quarantine_meta_parse(const char *text, struct quarantine_item *item, char *err, size_t errlen)
{
	/* in the order of the SEEN_ bits */
	static const char *const required[] = { "id",   "path",   "uid",  "gid",    "mode",
						"size", "sha256", "time", "version" };
	unsigned seen = 0, line = 0;
	const char *p = text;

	memset(item, 0, sizeof(*item));
	item->mtime = -1; /* unknown: a restore leaves the time it gets */
	while (*p) {
		const char *nl = strchr(p, '\n'), *eq;
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		line++;
		eq = memchr(p, '=', len);
		if (len && p[0] != '#') {
			if (!eq) {
				snprintf(err, errlen, "line %u: not key=value", line);
				return -1;
			}
			if (parse_field(item, p, (size_t)(eq - p), eq + 1,
					len - (size_t)(eq - p) - 1, &seen) != 0) {
				snprintf(err, errlen, "line %u: bad value for '%.*s'", line,
					 (int)(eq - p), p);
				return -1;
			}
		}
		p += len + (nl ? 1 : 0);
	}
	for (unsigned i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		if (!(seen & (1u << i))) {
			snprintf(err, errlen, "no '%s' line", required[i]);
			return -1;
		}
	}
	return 0;
}
