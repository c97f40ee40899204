/*
 * libFuzzer target for the hash-list parser (plugins/hash/hashlist.c).
 *
 * The parser reads list files by path, so the input is written to one file in
 * a private temporary folder and loaded with hashlist_load_file() into a list
 * that already holds one entry; the same bytes are then fed line by line to
 * hashlist_parse_line() with a label buffer of input-chosen size. Checked:
 * a failed load leaves the list as it was; after hashlist_finish the digests
 * are strictly ascending and every entry parse_line accepts can be looked up;
 * the hex form of a digest parses back to the same digest.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "hashlist.h"

static char dir[4096];
static char list_path[4200];

static const unsigned char preloaded[HASHLIST_DIGEST_LEN] = { 0xfa, 0x46, 0x0a, 0x2d };

static void cleanup(void)
{
	if (list_path[0])
		unlink(list_path);
	if (dir[0])
		rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "%s/fanguard-fuzz-hashlist-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		perror("fuzz_hashlist: mkdtemp");
		exit(1);
	}
	snprintf(list_path, sizeof(list_path), "%s/list.sha256", dir);
	atexit(cleanup);
	return 0;
}

static int write_input(const uint8_t *data, size_t size)
{
	return fuzz_write_file(list_path, data, size);
}

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_hashlist: invariant broken: %s\n", what);
		abort();
	}
}

/* The hex form of a digest, as sha256sum prints it, must parse back to that digest. */
static void check_round_trip(const unsigned char digest[HASHLIST_DIGEST_LEN], const char *label)
{
	char line[HASHLIST_HEX_LEN + 3 + HASHLIST_LABEL_MAX], hex[HASHLIST_HEX_LEN + 1];
	char back_label[HASHLIST_LABEL_MAX];
	unsigned char back[HASHLIST_DIGEST_LEN];

	hashlist_format_hex(digest, HASHLIST_DIGEST_LEN, hex);
	check(strlen(hex) == HASHLIST_HEX_LEN, "format_hex length");
	/* labels holding a newline, CR or backslash need sha256sum's escaped form: skip them */
	if (label && label[strcspn(label, "\n\r\\")] == '\0' && label[0] != ' ' &&
	    label[0] != '\t' && label[0] != '*') {
		snprintf(line, sizeof(line), "%s  %s", hex, label);
		check(hashlist_parse_line(line, back, back_label, sizeof(back_label)) == 1,
		      "formatted line parses");
		check(memcmp(back, digest, HASHLIST_DIGEST_LEN) == 0, "digest round trip");
	}
	check(hashlist_parse_line(hex, back, NULL, 0) == 1, "bare hex parses");
	check(memcmp(back, digest, HASHLIST_DIGEST_LEN) == 0, "bare digest round trip");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hashlist list;
	char err[512], *copy, *line, *next;
	int loaded;
	size_t labelsize = size ? data[0] % 40 : 0; /* 0 .. 39: cutting labels short too */
	char *label = malloc(labelsize ? labelsize : 1);

	if (!label || write_input(data, size) != 0)
		abort();
	hashlist_init(&list);
	check(hashlist_add(&list, preloaded, "preloaded") == 0, "add");
	err[0] = '\0';
	loaded = hashlist_load_file(&list, list_path, err, sizeof(err)) == 0;
	if (!loaded) {
		check(err[0] != '\0', "a failed load says why");
		check(hashlist_count(&list) == 1 &&
			      memcmp(list.entries[0].digest, preloaded, HASHLIST_DIGEST_LEN) == 0 &&
			      strcmp(list.entries[0].label, "preloaded") == 0,
		      "a failed load leaves the list as it was");
	}
	hashlist_finish(&list);
	check(hashlist_lookup(&list, preloaded) != NULL, "preloaded entry found");
	for (size_t i = 1; i < list.count; i++)
		check(memcmp(list.entries[i - 1].digest, list.entries[i].digest,
			     HASHLIST_DIGEST_LEN) < 0,
		      "sorted without duplicates");
	for (size_t i = 0; i < list.count; i++) {
		const char *found = hashlist_lookup(&list, list.entries[i].digest);
		check(found && strcmp(found, list.entries[i].label ? list.entries[i].label : "") ==
				       0,
		      "lookup finds each entry");
		check(!list.entries[i].label || strlen(list.entries[i].label) < HASHLIST_LABEL_MAX,
		      "labels are cut to HASHLIST_LABEL_MAX");
		check_round_trip(list.entries[i].digest, list.entries[i].label);
	}

	/* The same bytes line by line, as one string each (a NUL ends a line early here). */
	copy = malloc(size + 1);
	if (!copy)
		abort();
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (line = copy; line; line = next) {
		unsigned char digest[HASHLIST_DIGEST_LEN];
		int rc;

		next = memchr(line, '\n', size - (size_t)(line - copy));
		if (next)
			*next++ = '\0';
		rc = hashlist_parse_line(line, digest, labelsize ? label : NULL, labelsize);
		check(rc >= -1 && rc <= 1, "parse_line result");
		if (labelsize)
			check(strlen(label) < labelsize, "label cut to labelsize");
		if (rc == 1 && loaded &&
		    strlen(line) == (size_t)(next ? next - 1 - line : copy + size - line))
			check(hashlist_lookup(&list, digest) != NULL,
			      "each listed digest is found");
		if (rc == 0 && labelsize)
			check(label[0] == '\0', "no label without an entry");
		if (next && (size_t)(next - copy) >= size)
			break;
	}
	free(copy);
	free(label);
	hashlist_free(&list);
	check(hashlist_count(&list) == 0 && list.entries == NULL, "free empties the list");
	return 0;
}
