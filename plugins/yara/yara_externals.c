/*
 * The built-ins follow LOKI (github.com/Neo23x0/Loki, loki.py, scan_path and
 * scan_data), whose rules (signature-base) are the ones that use them:
 *   filename   the name of the file: the path after its last '/'
 *   filepath   the folder: Python's os.path.split(path)[0], the path up to its
 *              last '/' with trailing slashes removed ("/" stays "/", a bare
 *              name gives "")
 *   extension  os.path.splitext(path)[1].lower(): from the name's last '.',
 *              dot included, ASCII lower case; "" without a dot, or when only
 *              dots precede it (".bashrc")
 *   filetype   what the first bytes say, from the magic table below
 *   owner      the file owner's user name, or the decimal uid (THOR's; LOKI
 *              passes "dummy")
 * Unknown values are "". LOKI replaces non-ASCII characters of filename and
 * filepath with '?' (a Python 2 workaround); here they are the path's bytes,
 * as `yara -d filename=...` gives them.
 */
#define _XOPEN_SOURCE 700 /* getpwent, pread */

#include "yara_externals.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct yara_owner {
	uid_t uid;
	size_t order; /* position in the user database: the first name of a uid wins */
	char *name;
};

enum builtin { EXT_FILENAME, EXT_FILEPATH, EXT_EXTENSION, EXT_FILETYPE, EXT_OWNER, EXT_COUNT };

static const char *const builtin_names[EXT_COUNT] = {
	[EXT_FILENAME] = "filename", [EXT_FILEPATH] = "filepath", [EXT_EXTENSION] = "extension",
	[EXT_FILETYPE] = "filetype", [EXT_OWNER] = "owner",
};

/*
 * The host writes informational text where it has no usable path: "(name too
 * long to read: ...)", and this annotation after a path seen through a mount
 * of another namespace (core/daemon/filter.c), where the name still is the
 * file's name as the opener sees it.
 */
#define FOREIGN_PATH_SUFFIX " (through a mount of another namespace)"

struct magic {
	const char *bytes;
	size_t len;
	const char *type;
};

#define MAGIC(bytes, type)                     \
	{                                      \
		bytes, sizeof(bytes) - 1, type \
	}

/*
 * A subset of LOKI's table (signature-base misc/file-type-signatures.txt), with
 * its names: the types signature-base rules test and common containers. LOKI
 * takes the first entry that matches, in its file's order; this table keeps
 * that order among the entries it has, and has every entry of LOKI's that would
 * come first for a file one of these matches, so what it names LOKI names the
 * same (so "<%@" is JSP, as in LOKI, and ELF needs only 7f 45). LOKI names a
 * file no entry matches "UNKNOWN"; here it is "".
 */
static const struct magic magic_table[] = {
	MAGIC("\x1f\x8b\x08", "GZIP"),
	MAGIC("%PDF", "PDF"),
	MAGIC("PK\x03\x04\x14\x00\x06\x00", "Office"),
	MAGIC("7z\xbc\xaf\x27\x1c", "7Zip"),
	MAGIC("Function", "VBS"),
	MAGIC("BZh", "BZip2"),
	MAGIC("\xff\xd8\xff", "JPEG"),
	MAGIC("Rar!\x1a\x07", "RAR"),
	MAGIC("{\\rt", "RTF"),
	MAGIC("<?php", "PHP"),
	MAGIC("CWS", "CWS"),
	MAGIC("ZWS", "ZWS"),
	MAGIC("FWS", "FWS (Flash)"),
	MAGIC("L\x00\x00\x00\x01\x14\x02\x00", "LNK"),
	MAGIC("MSCF", "CAB"),
	MAGIC("PK\x03\x04", "ZIP"),
	MAGIC("<?xml", "XML"),
	MAGIC("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE"),
	MAGIC("@ech", "BATCH"),
	MAGIC("@ECH", "BATCH"),
	MAGIC("#!/", "UNIX SCRIPT"),
	MAGIC("MDMP", "MDMP"),
	MAGIC("\xff\xfe<\x00%\x00", "JSP"),
	MAGIC("\xfe\xff\x00<\x00%", "JSP"),
	MAGIC("\x7f\x45", "ELF"),
	MAGIC("#!", "Script"),
	MAGIC("<%", "JSP"),
	MAGIC("MZ", "EXE"),
	MAGIC("On Error Resume", "VBS"),
};

#define MAGIC_MAX 16 /* bytes read for the table: more than its longest entry */

static int compare_owners(const void *a, const void *b)
{
	const struct yara_owner *x = a, *y = b;

	if (x->uid != y->uid)
		return x->uid < y->uid ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int add_owner(struct yara_externals *ext, size_t *cap, const struct passwd *pw)
{
	if (ext->n_owners == *cap) {
		size_t grown_cap = *cap ? *cap * 2 : 64;
		struct yara_owner *grown = realloc(ext->owners, grown_cap * sizeof(*grown));

		if (!grown)
			return -1;
		ext->owners = grown;
		*cap = grown_cap;
	}
	if (!(ext->owners[ext->n_owners].name = strdup(pw->pw_name)))
		return -1;
	ext->owners[ext->n_owners].uid = pw->pw_uid;
	ext->owners[ext->n_owners].order = ext->n_owners;
	ext->n_owners++;
	return 0;
}

/*
 * What NSS enumerates (a directory service may list nothing): a uid missing
 * here is shown as its number, as ls -l does.
 */
int yara_externals_init(struct yara_externals *ext, char *err, size_t err_size)
{
	struct passwd *pw;
	size_t cap = 0, kept = 0;
	int rc = 0;

	memset(ext, 0, sizeof(*ext));
	setpwent();
	while (rc == 0 && (pw = getpwent()))
		rc = add_owner(ext, &cap, pw);
	endpwent();
	if (rc != 0) {
		snprintf(err, err_size, "reading the user database: %s", strerror(ENOMEM));
		return -1;
	}
	if (ext->n_owners == 0)
		return 0;
	qsort(ext->owners, ext->n_owners, sizeof(*ext->owners), compare_owners);
	for (size_t i = 0; i < ext->n_owners; i++) {
		if (kept && ext->owners[kept - 1].uid == ext->owners[i].uid)
			free(ext->owners[i].name);
		else
			ext->owners[kept++] = ext->owners[i];
	}
	ext->n_owners = kept;
	return 0;
}

void yara_externals_free(struct yara_externals *ext)
{
	for (size_t i = 0; i < ext->n_owners; i++)
		free(ext->owners[i].name);
	free(ext->owners);
	memset(ext, 0, sizeof(*ext));
}

static int builtin_index(const char *name)
{
	for (int i = 0; i < EXT_COUNT; i++)
		if (strcmp(builtin_names[i], name) == 0)
			return i;
	return -1;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* yara's cli/common.c is_integer: an optional '-', then one or more digits. */
static int is_integer(const char *s)
{
	if (*s == '-')
		s++;
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!is_digit(*s))
			return 0;
	return 1;
}

/* yara's is_float: an optional '-', digits with exactly one '.', not first ("1." is one). */
static int is_float(const char *s)
{
	int dots = 0;

	if (*s == '-')
		s++;
	if (*s == '.')
		return 0;
	for (; *s; s++) {
		if (*s == '.')
			dots++;
		else if (!is_digit(*s))
			return 0;
	}
	return dots == 1;
}

static int is_identifier(const char *s)
{
	if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
		return 0;
	for (s++; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || is_digit(*s) ||
		      *s == '_'))
			return 0;
	return 1;
}

/*
 * The value's type as `yara -d` infers it (cli/common.c,
 * define_external_variables): a float, else an integer, else true/false, else
 * a string. Two differences: an integer is read as 64 bits and one out of range
 * is an error (yara's atoi truncates it), and a value in double quotes is the
 * string between them, uninferred, as a shell's quotes would leave it (`yara
 * -d env="prod"`): "n=\"5\"" is the string 5.
 */
static int define_value(YR_COMPILER *compiler, const char *name, const char *value, char *why,
			size_t why_size)
{
	size_t len = strlen(value);

	if (len >= 2 && value[0] == '"' && value[len - 1] == '"') {
		char *inner = strndup(value + 1, len - 2);
		int rc;

		if (!inner)
			return ERROR_INSUFFICIENT_MEMORY;
		rc = yr_compiler_define_string_variable(compiler, name, inner);
		free(inner);
		return rc;
	}
	if (is_float(value))
		return yr_compiler_define_float_variable(compiler, name, strtod(value, NULL));
	if (is_integer(value)) {
		long long n;

		errno = 0;
		n = strtoll(value, NULL, 10);
		if (errno == ERANGE) {
			snprintf(why, why_size, "%s is not a 64-bit integer", value);
			return ERROR_INVALID_ARGUMENT;
		}
		return yr_compiler_define_integer_variable(compiler, name, n);
	}
	if (strcmp(value, "true") == 0 || strcmp(value, "false") == 0)
		return yr_compiler_define_boolean_variable(compiler, name,
							   strcmp(value, "true") == 0);
	return yr_compiler_define_string_variable(compiler, name, value);
}

static int define_item(struct yara_externals *ext, YR_COMPILER *compiler, const char *opt,
		       const char *item, char *err, size_t err_size)
{
	const char *eq = strchr(item, '=');
	char name[256], why[320] = "";
	int rc, builtin;

	if (!eq || eq == item || (size_t)(eq - item) >= sizeof(name)) {
		snprintf(err, err_size, "%s: \"%.200s\" is not NAME=VALUE", opt, item);
		return -1;
	}
	memcpy(name, item, (size_t)(eq - item));
	name[eq - item] = '\0';
	if (!is_identifier(name)) {
		snprintf(err, err_size, "%s: \"%.200s\": %s is not a YARA identifier", opt, item,
			 name);
		return -1;
	}
	if ((rc = define_value(compiler, name, eq + 1, why, sizeof(why))) != ERROR_SUCCESS) {
		if (rc == ERROR_DUPLICATED_EXTERNAL_VARIABLE)
			snprintf(why, sizeof(why), "%s is defined twice", name);
		else if (!why[0])
			snprintf(why, sizeof(why), "libyara error %d", rc);
		snprintf(err, err_size, "%s: \"%.200s\": %s", opt, item, why);
		return -1;
	}
	if ((builtin = builtin_index(name)) >= 0)
		ext->fixed |= 1u << builtin;
	return 0;
}

int yara_externals_define(struct yara_externals *ext, YR_COMPILER *compiler,
			  const struct fg_host_api *host, const struct fg_options *opts,
			  const char *opt, char *err, size_t err_size)
{
	size_t n = host->opt_list_count(opts, opt);
	int rc;

	ext->fixed = 0;
	for (size_t i = 0; i < n; i++) {
		const char *item = host->opt_list_item(opts, opt, i);

		if (!item) {
			snprintf(err, err_size, "%s: item %zu missing", opt, i);
			return -1;
		}
		if (define_item(ext, compiler, opt, item, err, err_size) == -1)
			return -1;
	}
	for (int i = 0; i < EXT_COUNT; i++) {
		if (ext->fixed & (1u << i))
			continue;
		if ((rc = yr_compiler_define_string_variable(compiler, builtin_names[i], "")) !=
		    ERROR_SUCCESS) {
			snprintf(err, err_size, "cannot define external variable %s: error %d",
				 builtin_names[i], rc);
			return -1;
		}
	}
	return 0;
}

/* The length of obj->path that is a path, 0 when it is only informational text. */
static size_t path_length(const char *path)
{
	size_t len, suffix = sizeof(FOREIGN_PATH_SUFFIX) - 1;

	if (!path || path[0] == '\0' || path[0] == '(')
		return 0;
	len = strlen(path);
	if (len > suffix && strcmp(path + len - suffix, FOREIGN_PATH_SUFFIX) == 0)
		len -= suffix;
	return len;
}

/* os.path.split(path)[0]: what precedes the last '/', trailing slashes dropped unless all are. */
static void folder_of(const char *path, size_t name_at, char *out)
{
	size_t len = name_at;

	while (len > 0 && path[len - 1] == '/')
		len--;
	if (len == 0)
		len = name_at; /* "" or only slashes: kept as they are */
	memcpy(out, path, len);
	out[len] = '\0';
}

/* os.path.splitext(name)[1].lower(): leading dots do not start an extension. */
static void extension_of(const char *name, char *out)
{
	const char *dot = strrchr(name, '.'), *s = name;

	out[0] = '\0';
	if (!dot)
		return;
	while (s < dot && *s == '.')
		s++;
	if (s == dot)
		return;
	for (; *dot; dot++, out++)
		*out = (*dot >= 'A' && *dot <= 'Z') ? (char)(*dot - 'A' + 'a') : *dot;
	*out = '\0';
}

static const char *filetype_of(const struct fg_scan_object *obj)
{
	unsigned char head[MAGIC_MAX];
	const unsigned char *bytes = head;
	size_t len;
	ssize_t got;

	if (obj->data) {
		bytes = obj->data;
		len = obj->size;
	} else if (obj->size > 0 && (got = pread(obj->fd, head, sizeof(head), 0)) > 0) {
		len = (size_t)got;
	} else {
		return "";
	}
	for (size_t i = 0; i < sizeof(magic_table) / sizeof(magic_table[0]); i++) {
		const struct magic *m = &magic_table[i];

		if (len >= m->len && memcmp(bytes, m->bytes, m->len) == 0)
			return m->type;
	}
	return "";
}

static const char *owner_of(const struct yara_externals *ext, const struct stat *st, char *buf,
			    size_t size)
{
	size_t lo = 0, hi = ext->n_owners;

	if (!st)
		return "";
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ext->owners[mid].uid == st->st_uid)
			return ext->owners[mid].name;
		if (ext->owners[mid].uid < st->st_uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	snprintf(buf, size, "%ju", (uintmax_t)st->st_uid);
	return buf;
}

int yara_externals_set(const struct yara_externals *ext, YR_SCANNER *scanner,
		       const struct fg_scan_object *obj, char *err, size_t err_size)
{
	char path[PATH_MAX], folder[PATH_MAX], extension[PATH_MAX], uid[24];
	const char *values[EXT_COUNT], *slash;
	size_t len = path_length(obj->path), name_at;
	int rc;

	if (len >= sizeof(path))
		len = 0;
	memcpy(path, obj->path ? obj->path : "", len);
	path[len] = '\0';
	slash = strrchr(path, '/');
	name_at = slash ? (size_t)(slash - path) + 1 : 0;
	folder_of(path, name_at, folder);
	extension_of(path + name_at, extension);
	values[EXT_FILENAME] = path + name_at;
	values[EXT_FILEPATH] = folder;
	values[EXT_EXTENSION] = extension;
	values[EXT_FILETYPE] = filetype_of(obj);
	values[EXT_OWNER] = owner_of(ext, obj->st, uid, sizeof(uid));
	for (int i = 0; i < EXT_COUNT; i++) {
		if (ext->fixed & (1u << i))
			continue;
		if ((rc = yr_scanner_define_string_variable(scanner, builtin_names[i],
							    values[i])) != ERROR_SUCCESS) {
			snprintf(err, err_size, "cannot set external variable %s: error %d",
				 builtin_names[i], rc);
			return -1;
		}
	}
	return 0;
}

static bool ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* Skips a comment, a "string" or a /regex/ at text[i]; returns the index after it, or i. */
static size_t skip_non_code(const char *text, size_t len, size_t i)
{
	if (text[i] == '"') {
		for (i++; i < len && text[i] != '"'; i++)
			if (text[i] == '\\')
				i++;
		return i + 1;
	}
	if (text[i] == '/' && i + 1 < len && text[i + 1] == '/') {
		while (i < len && text[i] != '\n')
			i++;
		return i;
	}
	if (text[i] == '/' && i + 1 < len && text[i + 1] == '*') {
		for (i += 2; i + 1 < len && !(text[i] == '*' && text[i + 1] == '/'); i++)
			;
		return i + 2;
	}
	if (text[i] == '/') {
		/* a /regular expression/: YARA divides with '\', so '/' opens nothing else; it
		 * ends at the next unescaped '/', classes included, as YARA's own lexer reads it */
		for (i++; i < len && text[i] != '/' && text[i] != '\n'; i++)
			if (text[i] == '\\')
				i++;
		return i + 1;
	}
	return i;
}

bool yara_externals_named_in(const struct yara_externals *ext, const char *text, size_t len)
{
	static const enum builtin by_name[] = { EXT_FILENAME, EXT_FILEPATH, EXT_EXTENSION,
						EXT_OWNER };
	size_t i = 0;

	while (i < len) {
		size_t next = skip_non_code(text, len, i), start;

		if (next != i) {
			i = next;
			continue;
		}
		if (!ident_char(text[i])) {
			i++;
			continue;
		}
		for (start = i; i < len && ident_char(text[i]); i++)
			;
		for (size_t k = 0; k < sizeof(by_name) / sizeof(by_name[0]); k++) {
			const char *name = builtin_names[by_name[k]];

			if (!(ext->fixed & (1u << by_name[k])) && i - start == strlen(name) &&
			    memcmp(text + start, name, i - start) == 0)
				return true;
		}
	}
	return false;
}

bool yara_externals_path_known(const char *path)
{
	return path_length(path) > 0;
}
