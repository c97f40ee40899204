/* Quarantine IDs and the ID.meta text: what restore relies on to put a file back. */
#include "check.h"
#include "common/quarantine_meta.h"

static struct quarantine_item sample(void)
{
	struct quarantine_item it = {
		.uid = 1234,
		.gid = 5678,
		.mode = 04750,
		.size = 68,
		.mtime = 1795952010,
		.time = 1795952015,
	};
	static const unsigned char rnd[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };

	quarantine_id_make(1795952015, rnd, it.id);
	snprintf(it.path, sizeof(it.path),
		 "/tmp/odd\nname\\with\x01"
		 "bytes caf\xc3\xa9 =x");
	snprintf(it.sha256, sizeof(it.sha256), "%s",
		 "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f");
	snprintf(it.plugin, sizeof(it.plugin), "clamav");
	snprintf(it.threat, sizeof(it.threat), "Fanguard.Test.EICAR.UNOFFICIAL");
	return it;
}

static int parse(const char *text, struct quarantine_item *out, char *err)
{
	return quarantine_meta_parse(text, out, err, 256);
}

int main(void)
{
	struct quarantine_item it = sample(), back;
	char text[QUARANTINE_META_MAX], err[256], tiny[64];
	char *line;

	/* IDs: UTC time, then 16 hex digits; nothing else passes (they become file names) */
	CHECK(strcmp(it.id, "20261129T113335Z-0123456789abcdef") == 0);
	CHECK(quarantine_id_valid(it.id));
	CHECK(!quarantine_id_valid("20261129T113335Z-0123456789abcdeF"));
	CHECK(!quarantine_id_valid("20261129T113335Z-0123456789abcde"));
	CHECK(!quarantine_id_valid("../../../etc/passwd"));
	CHECK(!quarantine_id_valid("20261129T113335Z/0123456789abcdef"));
	CHECK(!quarantine_id_valid(""));
	CHECK(!quarantine_id_valid(NULL));

	/* a round trip keeps every field, odd bytes in the path included */
	CHECK(quarantine_meta_format(&it, text, sizeof(text)) > 0);
	CHECK(strchr(text, '\x01') == NULL); /* escaped: one field per line */
	CHECK_STR_CONTAINS(text, "mode=4750\n");
	CHECK(parse(text, &back, err) == 0);
	CHECK(strcmp(back.id, it.id) == 0);
	CHECK(strcmp(back.path, it.path) == 0);
	CHECK(back.uid == 1234 && back.gid == 5678 && back.mode == 04750);
	CHECK(back.size == 68 && back.mtime == 1795952010 && back.time == 1795952015);
	CHECK(strcmp(back.sha256, it.sha256) == 0);
	CHECK(strcmp(back.plugin, "clamav") == 0);
	CHECK(strcmp(back.threat, "Fanguard.Test.EICAR.UNOFFICIAL") == 0);

	/* a buffer too small is an error, not a cut record */
	CHECK(quarantine_meta_format(&it, tiny, sizeof(tiny)) == -1);

	/* later versions may add keys; comments and blank lines are fine */
	{
		char more[QUARANTINE_META_MAX + 64];
		snprintf(more, sizeof(more), "%s\nfuture_key=whatever\n# note\n", text);
		CHECK(parse(more, &back, err) == 0);
	}

	/* a missing or malformed field is refused with its name */
	line = strstr(text, "sha256=");
	CHECK(line != NULL);
	if (line) {
		char broken[QUARANTINE_META_MAX];
		size_t at = (size_t)(line - text);

		snprintf(broken, sizeof(broken), "%.*s%s", (int)at, text, strchr(line, '\n') + 1);
		CHECK(parse(broken, &back, err) == -1);
		CHECK_STR_CONTAINS(err, "sha256");
	}
	CHECK(parse("version=1\nid=20261129T113335Z-0123456789abcdef\npath=relative/p\n", &back,
		    err) == -1);
	CHECK_STR_CONTAINS(err, "path");
	{
		char bad[QUARANTINE_META_MAX];
		snprintf(bad, sizeof(bad), "%s", text);
		char *m = strstr(bad, "mode=4750");
		if (m)
			memcpy(m, "mode=9999", 9); /* not octal */
		CHECK(parse(bad, &back, err) == -1);
		CHECK_STR_CONTAINS(err, "mode");
	}
	CHECK(parse("version=2\n", &back, err) == -1);
	CHECK(parse("path=/x\\q\n", &back, err) == -1);   /* unknown escape */
	CHECK(parse("path=/x\\x00\n", &back, err) == -1); /* a NUL would cut the path */
	CHECK(parse("no equals sign\n", &back, err) == -1);
	return check_summary();
}
