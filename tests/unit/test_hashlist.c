/* Unit tests for plugins/hash/hashlist.c: sha256sum line parsing, list files, lookup. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "hashlist.h"

/* sha256("") and sha256("abc"), the FIPS 180-2 test vectors. */
#define HEX_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define HEX_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define HEX_ABC_UPPER "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"

static const unsigned char digest_empty[32] = {
	0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4,
	0xc8, 0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b,
	0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
};
static const unsigned char digest_abc[32] = {
	0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
	0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
	0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
};

static char tmpdir[256];

/* Parses line expecting an entry; returns 1 if digest and label came out as given. */
static int parses_to(const char *line, const unsigned char *want, const char *want_label)
{
	unsigned char d[32];
	char label[HASHLIST_LABEL_MAX];

	memset(d, 0, sizeof(d));
	return hashlist_parse_line(line, d, label, sizeof(label)) == 1 &&
	       memcmp(d, want, 32) == 0 && strcmp(label, want_label) == 0;
}

static int parse_result(const char *line)
{
	unsigned char d[32];
	char label[HASHLIST_LABEL_MAX];

	return hashlist_parse_line(line, d, label, sizeof(label));
}

static void test_parse_sha256sum_formats(void)
{
	CHECK(parses_to(HEX_ABC "  abc.txt\n", digest_abc, "abc.txt"));
	CHECK(parses_to(HEX_ABC " *abc.bin\n", digest_abc, "abc.bin"));
	/* two spaces are text mode: a '*' after them begins the name, as sha256sum -c reads it */
	CHECK(parses_to(HEX_ABC "  *star.bin\n", digest_abc, "*star.bin"));
	CHECK(parses_to(HEX_EMPTY "\n", digest_empty, ""));
	CHECK(parses_to(HEX_EMPTY, digest_empty, ""));
	CHECK(parses_to(HEX_ABC_UPPER "  ABC\n", digest_abc, "ABC"));
	CHECK(parses_to(HEX_ABC "  name with spaces.exe\n", digest_abc, "name with spaces.exe"));
	CHECK(parses_to(HEX_ABC "\tdir/evil\n", digest_abc, "dir/evil"));
	CHECK(parses_to("   \t" HEX_ABC "  indented\n", digest_abc, "indented"));
	CHECK(parses_to(HEX_ABC "  crlf.txt\r\n", digest_abc, "crlf.txt"));
	CHECK(parses_to(HEX_EMPTY "\r\n", digest_empty, ""));
	CHECK(parses_to(HEX_ABC "  trailing  \t \n", digest_abc, "trailing"));
	/* sha256sum flags names holding \ or newline with a leading backslash */
	CHECK(parses_to("\\" HEX_ABC "  a\\\\b\\nc\n", digest_abc, "a\\b\nc"));
	/* sha256sum --tag (BSD style), with its escapes too; the name runs to the last ") = " */
	CHECK(parses_to("SHA256 (abc.txt) = " HEX_ABC "\n", digest_abc, "abc.txt"));
	CHECK(parses_to("SHA256 (a) = b.txt) = " HEX_ABC_UPPER "\r\n", digest_abc, "a) = b.txt"));
	CHECK(parses_to("\\SHA256 (x\\ny) = " HEX_ABC "\n", digest_abc, "x\ny"));
	CHECK(parse_result("SHA256 (abc.txt) = " HEX_ABC " extra\n") == -1);
	CHECK(parse_result("SHA256 (abc.txt) " HEX_ABC "\n") == -1);
	CHECK(parse_result("SHA256 (abc.txt) = 12ab\n") == -1);
}

static void test_parse_label_is_cut_to_fit(void)
{
	unsigned char d[32];
	char label[5];

	CHECK(hashlist_parse_line(HEX_ABC "  abcdefgh\n", d, label, sizeof(label)) == 1);
	CHECK(strcmp(label, "abcd") == 0);
	CHECK(hashlist_parse_line(HEX_ABC "  abcdefgh\n", d, NULL, 0) == 1);
	CHECK(memcmp(d, digest_abc, 32) == 0);
}

static void test_parse_blank_and_comment_lines(void)
{
	CHECK(parse_result("") == 0);
	CHECK(parse_result("\n") == 0);
	CHECK(parse_result("\r\n") == 0);
	CHECK(parse_result("   \t  \n") == 0);
	CHECK(parse_result("# a comment\n") == 0);
	CHECK(parse_result("  # " HEX_ABC "  commented out\n") == 0);
}

static void test_parse_malformed_lines(void)
{
	char line[256];

	/* 63 digits */
	snprintf(line, sizeof(line), "%.63s  name\n", HEX_ABC);
	CHECK(parse_result(line) == -1);
	snprintf(line, sizeof(line), "%.63s\n", HEX_ABC);
	CHECK(parse_result(line) == -1);
	/* 65 digits */
	CHECK(parse_result(HEX_ABC "0  name\n") == -1);
	CHECK(parse_result(HEX_ABC "0\n") == -1);
	/* non-hex in the digest */
	snprintf(line, sizeof(line), "%.10sg%.53s  name\n", HEX_ABC, HEX_ABC + 11);
	CHECK(parse_result(line) == -1);
	/* junk glued to the digest */
	CHECK(parse_result(HEX_ABC "x  name\n") == -1);
	CHECK(parse_result(HEX_ABC "*name\n") == -1);
	CHECK(parse_result("not a digest at all\n") == -1);
	CHECK(parse_result("0x" HEX_ABC "\n") == -1);
}

/* Writes text to a file in the test's temporary folder; returns its path (static buffer). */
static const char *write_file(const char *name, const char *text)
{
	static char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fp = fopen(path, "w");
	if (!fp)
		return NULL;
	fputs(text, fp);
	fclose(fp);
	return path;
}

static void test_load_file_and_lookup(void)
{
	struct hashlist list;
	char err[1024] = "";
	const char *path;
	unsigned char other[32];

	path = write_file("good.sha256", "# blocklist\n"
					 "\n" HEX_ABC "  abc.txt\r\n" HEX_EMPTY "\n");
	hashlist_init(&list);
	CHECK(path != NULL);
	CHECK(hashlist_load_file(&list, path, err, sizeof(err)) == 0);
	hashlist_finish(&list);
	CHECK(hashlist_count(&list) == 2);
	CHECK(hashlist_lookup(&list, digest_abc) != NULL);
	CHECK(hashlist_lookup(&list, digest_abc) &&
	      strcmp(hashlist_lookup(&list, digest_abc), "abc.txt") == 0);
	CHECK(hashlist_lookup(&list, digest_empty) &&
	      strcmp(hashlist_lookup(&list, digest_empty), "") == 0);
	memcpy(other, digest_abc, 32);
	other[31] ^= 1;
	CHECK(hashlist_lookup(&list, other) == NULL);
	hashlist_free(&list);
	CHECK(hashlist_count(&list) == 0);
	CHECK(hashlist_lookup(&list, digest_abc) == NULL);
}

static void test_load_malformed_line_names_path_and_line(void)
{
	struct hashlist list;
	char err[1024] = "", want[600];
	const char *path;

	path = write_file("bad.sha256", HEX_EMPTY "  empty\n"
						  "# comment\n"
						  "deadbeef  short\n" HEX_ABC "  abc\n");
	CHECK(path != NULL);
	snprintf(want, sizeof(want), "%s:3:", path);
	hashlist_init(&list);
	CHECK(hashlist_add(&list, digest_abc, "kept") == 0);
	CHECK(hashlist_load_file(&list, path, err, sizeof(err)) == -1);
	CHECK_STR_CONTAINS(err, want);
	CHECK_STR_CONTAINS(err, "8 hex digits");
	/* a failed load leaves what was there before */
	CHECK(hashlist_count(&list) == 1);
	hashlist_free(&list);
}

static void test_load_missing_file_names_path(void)
{
	struct hashlist list;
	char err[1024] = "", path[512];

	snprintf(path, sizeof(path), "%s/does-not-exist.sha256", tmpdir);
	hashlist_init(&list);
	CHECK(hashlist_load_file(&list, path, err, sizeof(err)) == -1);
	CHECK_STR_CONTAINS(err, path);
	CHECK_STR_CONTAINS(err, "No such file");
	CHECK(hashlist_count(&list) == 0);
	/* a folder opens but cannot be read */
	err[0] = '\0';
	CHECK(hashlist_load_file(&list, tmpdir, err, sizeof(err)) == -1);
	CHECK_STR_CONTAINS(err, tmpdir);
	hashlist_free(&list);
}

static void test_duplicates_are_dropped(void)
{
	struct hashlist list;
	char err[1024] = "";
	const char *path;

	path = write_file("dups.sha256", HEX_ABC "\n" HEX_ABC "  second\n" HEX_ABC_UPPER
						 " *third\n" HEX_EMPTY "  e\n");
	hashlist_init(&list);
	CHECK(hashlist_load_file(&list, path, err, sizeof(err)) == 0);
	CHECK(hashlist_count(&list) == 4);
	/* the same file twice: appends, then one finish dedupes across both */
	CHECK(hashlist_load_file(&list, path, err, sizeof(err)) == 0);
	CHECK(hashlist_count(&list) == 8);
	hashlist_finish(&list);
	CHECK(hashlist_count(&list) == 2);
	/* a label beats none; of two labels the one sorting first */
	CHECK(hashlist_lookup(&list, digest_abc) &&
	      strcmp(hashlist_lookup(&list, digest_abc), "second") == 0);
	CHECK(hashlist_lookup(&list, digest_empty) &&
	      strcmp(hashlist_lookup(&list, digest_empty), "e") == 0);
	hashlist_free(&list);
}

/* Deterministic pseudo-random digests (xorshift64) so a failure reproduces. */
static void make_digest(unsigned long i, unsigned char *d)
{
	unsigned long long x = 0x9e3779b97f4a7c15ULL * (i + 1);

	for (int k = 0; k < 32; k++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		d[k] = (unsigned char)(x >> 24);
	}
}

static void test_large_list_all_found(void)
{
	enum { N = 10000 };
	struct hashlist list;
	char err[1024] = "", hex[65], path[512], label[32];
	unsigned char d[32];
	unsigned long found = 0, labelled = 0, absent = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/large.sha256", tmpdir);
	fp = fopen(path, "w");
	CHECK(fp != NULL);
	if (!fp)
		return;
	for (unsigned long i = 0; i < N; i++) {
		make_digest(i, d);
		hashlist_format_hex(d, 32, hex);
		fprintf(fp, "%s  sample-%lu\n", hex, i);
	}
	fclose(fp);

	hashlist_init(&list);
	CHECK(hashlist_load_file(&list, path, err, sizeof(err)) == 0);
	hashlist_finish(&list);
	CHECK(hashlist_count(&list) == N);
	for (unsigned long i = 0; i < N; i++) {
		const char *l;

		make_digest(i, d);
		l = hashlist_lookup(&list, d);
		snprintf(label, sizeof(label), "sample-%lu", i);
		found += l != NULL;
		labelled += l && strcmp(l, label) == 0;
		make_digest(i + N, d);
		absent += hashlist_lookup(&list, d) == NULL;
	}
	CHECK(found == N);
	CHECK(labelled == N);
	CHECK(absent == N);
	for (size_t i = 1; i < list.count; i++) {
		if (memcmp(list.entries[i - 1].digest, list.entries[i].digest, 32) >= 0) {
			CHECK(!"entries sorted and unique");
			break;
		}
	}
	hashlist_free(&list);
}

static void test_format_hex(void)
{
	char hex[65];

	hashlist_format_hex(digest_abc, 32, hex);
	CHECK(strcmp(hex, HEX_ABC) == 0);
	hashlist_format_hex(digest_abc, 8, hex);
	CHECK(strcmp(hex, "ba7816bf8f01cfea") == 0);
}

static void remove_tmpdir(void)
{
	static const char *names[] = { "good.sha256", "bad.sha256", "dups.sha256", "large.sha256" };
	char path[512];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
		unlink(path);
	}
	rmdir(tmpdir);
}

int main(void)
{
	const char *base = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/test_hashlist.XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_parse_sha256sum_formats();
	test_parse_label_is_cut_to_fit();
	test_parse_blank_and_comment_lines();
	test_parse_malformed_lines();
	test_load_file_and_lookup();
	test_load_malformed_line_names_path_and_line();
	test_load_missing_file_names_path();
	test_duplicates_are_dropped();
	test_large_list_all_found();
	test_format_hex();
	remove_tmpdir();
	return check_summary();
}
