/*
 * The config text scanner (core/common/conftext.c): where each top-level
 * `plugin NAME { ... }` begins and ends, and which keys it sets on which
 * lines, reading comments and strings the way libconfuse does.
 *
 * Every text is scanned from a heap copy of exactly its length, no NUL after
 * it, so that under AddressSanitizer a read past the end fails the test.
 */
#include <stdbool.h>
#include <stdlib.h>

#include "check.h"
#include "common/conftext.h"

static char *text;
static size_t text_len;
static struct conftext_section *secs;
static size_t n_secs;

/* Scans the first len bytes of t; returns conftext_plugin_sections()'s result. */
static int scan_n(const char *t, size_t len)
{
	conftext_free(secs, n_secs);
	free(text);
	text = malloc(len ? len : 1);
	if (!text)
		abort();
	memcpy(text, t, len);
	text_len = len;
	return conftext_plugin_sections(text, len, &secs, &n_secs);
}

static int scan(const char *t)
{
	return scan_n(t, strlen(t));
}

static const struct conftext_section *section(const char *title)
{
	for (size_t i = 0; i < n_secs; i++)
		if (strcmp(secs[i].title, title) == 0)
			return &secs[i];
	return NULL;
}

/* The line recorded for key in the section, 0 if the key is not recorded. */
static unsigned key_line(const struct conftext_section *s, const char *key)
{
	for (size_t i = 0; s && i < s->n_keys; i++)
		if (strcmp(s->keys[i].name, key) == 0)
			return s->keys[i].line;
	return 0;
}

/* Offset of the nth (from 0) occurrence of needle in t. */
static size_t offset_of(const char *t, const char *needle, int nth)
{
	const char *p = strstr(t, needle);

	while (p && nth-- > 0)
		p = strstr(p + 1, needle);
	if (!p)
		abort();
	return (size_t)(p - t);
}

/* A section as the loader uses it: from its `plugin` keyword to its closing brace. */
static bool well_formed(const struct conftext_section *s)
{
	return s && s->start < s->end && s->end < text_len &&
	       memcmp(text + s->start, "plugin", 6) == 0 && text[s->end] == '}';
}

static void test_sections_and_titles(void)
{
	const char *t = "# fanguard.conf\n"
			"watch { paths = {\"/\"} }\n"
			"plugin clamav {\n"
			"  enabled = true\n"
			"}\n"
			"plugin \"yara\" { rules = {\"a\"} }\n"
			"plugin 'hash'{enabled=false}\n"
			"plugin\n"
			"  clamd\n"
			"  {\n"
			"  socket = x\n"
			"}\n";
	const struct conftext_section *s;

	CHECK(scan(t) == 0);
	CHECK(n_secs == 4);
	s = section("clamav");
	CHECK(well_formed(s) && s->line == 3);
	CHECK(s && s->start == offset_of(t, "plugin", 0) && s->end == offset_of(t, "}\n", 1));
	CHECK(s && s->n_keys == 1 && key_line(s, "enabled") == 4);
	s = section("yara"); /* the quotes are not part of the title */
	CHECK(well_formed(s) && s->line == 6 && key_line(s, "rules") == 6);
	s = section("hash");
	CHECK(well_formed(s) && s->line == 7 && key_line(s, "enabled") == 7);
	s = section("clamd"); /* the line of the `plugin` keyword, not of the title */
	CHECK(well_formed(s) && s->line == 8 && key_line(s, "socket") == 11);
	CHECK(s && s->end == text_len - 2);
	/* in file order */
	CHECK(n_secs == 4 && strcmp(secs[0].title, "clamav") == 0 &&
	      strcmp(secs[3].title, "clamd") == 0);
}

static void test_keys(void)
{
	const char *t = "plugin p {\n"           /* 1 */
			"  a = 1\n"              /* 2 */
			"  b=2 c = 3\n"          /* 3 */
			"  list += {x, y}\n"     /* 4 */
			"  sub {\n"              /* 5 */
			"    inner = 6\n"        /* 6 */
			"    deeper { z = 1 }\n" /* 7 */
			"  }\n"                  /* 8 */
			"  d =\n"                /* 9 */
			"    7\n"                /* 10 */
			"  f = func(1, 2)\n"     /* 11 */
			"}\n"
			"top = 1\n";
	const struct conftext_section *s;

	CHECK(scan(t) == 0 && n_secs == 1);
	s = section("p");
	CHECK(well_formed(s));
	CHECK(key_line(s, "a") == 2);
	CHECK(key_line(s, "b") == 3 && key_line(s, "c") == 3);
	CHECK(key_line(s, "list") == 4); /* += appends to a list */
	CHECK(key_line(s, "d") == 9);    /* the key's line, not the value's */
	CHECK(key_line(s, "f") == 11);
	/* only the section's own keys: not a subsection's, not values, not what follows */
	CHECK(key_line(s, "inner") == 0 && key_line(s, "z") == 0 && key_line(s, "sub") == 0);
	CHECK(key_line(s, "x") == 0 && key_line(s, "1") == 0 && key_line(s, "top") == 0);
	CHECK(s && s->n_keys == 6);
	/* keys in the order written */
	CHECK(s && s->n_keys == 6 && strcmp(s->keys[0].name, "a") == 0 &&
	      strcmp(s->keys[5].name, "f") == 0);
}

/*
 * libconfuse takes a quoted option name as well as a bare one ("x" = 1 sets x),
 * so the scan must record it: else the loader cannot refuse it when the plugin
 * does not declare it, and an error about it has no line.
 */
static void test_quoted_keys(void)
{
	const char *t = "plugin q {\n"
			"  \"double\" = 1\n"
			"  'single' += {a}\n"
			"  \"\" = 2\n"
			"  v = \"value\"\n"
			"}\n";
	const struct conftext_section *s;

	CHECK(scan(t) == 0 && n_secs == 1);
	s = section("q");
	CHECK(key_line(s, "double") == 2 && key_line(s, "single") == 3);
	CHECK(s && s->n_keys == 4 && s->keys[2].name[0] == '\0' && s->keys[2].line == 4);
	CHECK(key_line(s, "value") == 0); /* a quoted value is no key */
}

/* Only `plugin TITLE {` at the top level opens a plugin section. */
static void test_only_top_level_plugin_sections(void)
{
	const char *t = "scan { plugin inner { a = 1 } }\n"
			"plugins = {\"x\", plugin}\n"
			"plugin = 3\n"
			"plugin real { c = 2 }\n";

	CHECK(scan(t) == 0);
	CHECK(n_secs == 1 && section("real") && key_line(section("real"), "c") == 4);
	CHECK(section("inner") == NULL);
}

/* Every comment form libconfuse 3.3 knows; braces and `plugin` inside them count for nothing. */
static void test_comments(void)
{
	const char *t = "# plugin c1 { x = 1 }\n" /* 1 */
			"## {\n"                  /* 2 */
			"// plugin c2 {\n"        /* 3 */
			"/// }\n"                 /* 4 */
			"//x {\n"                 /* 5 */
			"/* plugin c3 {\n"        /* 6 */
			"   } ** / */\n"          /* 7 */
			"/**/plugin p { # {\n"    /* 8 */
			"  a = 1 // }\n"          /* 9 */
			"  /* } */ b = 2\n"       /* 10 */
			"  e = v#}\n"             /* 11: '#' ends a bare word, starts a comment */
			"  url = http://host/p\n" /* 12: a '//' in a word is part of it */
			"  /* multi\n"            /* 13 */
			"     line { */\n"        /* 14 */
			"  c = 3 /*}**/\n"        /* 15 */
			"}\n"                     /* 16 */
			"#}\n";
	const struct conftext_section *s;

	CHECK(scan(t) == 0 && n_secs == 1);
	s = section("p");
	CHECK(well_formed(s) && s->line == 8);
	CHECK(s && s->end == offset_of(t, "}\n#}", 0));
	CHECK(key_line(s, "a") == 9 && key_line(s, "b") == 10 && key_line(s, "e") == 11);
	CHECK(key_line(s, "url") == 12);
	CHECK(key_line(s, "c") == 15); /* lines inside comments were counted */
	CHECK(s && s->n_keys == 5);
	CHECK(key_line(s, "x") == 0);
}

/* Quoted strings hide braces, comment marks and `=`; their newlines are lines. */
static void test_strings(void)
{
	const char *t = "plugin s {\n"                 /* 1 */
			"  a = \"}\"\n"                /* 2 */
			"  b = '{'\n"                  /* 3 */
			"  c = \"q\\\"}\"\n"           /* 4: "q\"}" */
			"  d = 'it\\'s }'\n"           /* 5: 'it\'s }' */
			"  e = \"# no comment {\"\n"   /* 6 */
			"  f = \"// nor /* this {\"\n" /* 7 */
			"  g = \"two\n"                /* 8 */
			"  lines }\"\n"                /* 9 */
			"  h = \"cont\\\n"             /* 10: backslash-newline */
			"inued\"\n"                    /* 11 */
			"  i = \"x = y\" j = '\\\\'\n" /* 12: '\\' is an escaped backslash */
			"  k = \"\"\n"                 /* 13 */
			"}\n"                          /* 14 */
			"plugin after { z = 1 }\n";    /* 15 */
	const struct conftext_section *s;

	CHECK(scan(t) == 0 && n_secs == 2);
	s = section("s");
	CHECK(well_formed(s) && s->end == offset_of(t, "}\nplugin after", 0));
	CHECK(key_line(s, "a") == 2 && key_line(s, "b") == 3 && key_line(s, "c") == 4);
	CHECK(key_line(s, "d") == 5 && key_line(s, "e") == 6 && key_line(s, "f") == 7);
	CHECK(key_line(s, "g") == 8 && key_line(s, "h") == 10);
	CHECK(key_line(s, "i") == 12 && key_line(s, "j") == 12 && key_line(s, "k") == 13);
	CHECK(key_line(s, "x") == 0);
	CHECK(s && s->n_keys == 11);
	CHECK(well_formed(section("after")) && section("after")->line == 15);
	CHECK(key_line(section("after"), "z") == 15);
}

static void test_line_counting(void)
{
	/* CRLF, tabs and blank lines; a multi-line list value */
	const char *t = "\r\n\r\n\tplugin\tcr\t{\r\n" /* 3 */
			"\ta\t=\t{ \"1\",\r\n"        /* 4 */
			"\t\t\"2\" }\r\n"             /* 5 */
			"\r\n"                        /* 6 */
			"\tb = 3 }\r\n";              /* 7 */

	CHECK(scan(t) == 0 && n_secs == 1);
	CHECK(well_formed(section("cr")) && section("cr")->line == 3);
	CHECK(key_line(section("cr"), "a") == 4 && key_line(section("cr"), "b") == 7);
}

/* Blanking a section keeps the length and every newline, so lines after it stay true. */
static void test_blank(void)
{
	const char *t = "plugin off {\n"
			"  x = \"}\"\n"
			"}\n"
			"plugin on {\n"
			"  y = 1\n"
			"}\n";
	char *copy = strdup(t);
	const struct conftext_section *off, *on;
	size_t start, end;

	CHECK(scan(t) == 0 && n_secs == 2);
	off = section("off");
	on = section("on");
	CHECK(well_formed(off) && well_formed(on) && on->line == 4);
	if (!copy || !off || !on)
		return;
	start = off->start;
	end = off->end;
	conftext_blank(copy, start, end);
	CHECK(strlen(copy) == strlen(t));
	CHECK(strncmp(copy, "            \n         \n \n", end + 1) == 0);
	CHECK(strcmp(copy + end + 1, t + end + 1) == 0); /* nothing past the end */
	CHECK(scan(copy) == 0 && n_secs == 1 && section("on") && section("on")->line == 4);
	CHECK(key_line(section("on"), "y") == 5);
	/* one byte */
	conftext_blank(copy, 0, 0);
	CHECK(copy[0] == ' ');
	free(copy);
}

static void test_long_names_are_cut(void)
{
	char t[1024], name[300];

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	snprintf(t, sizeof(t), "plugin %s { %s = 1 }", name, name);
	CHECK(scan(t) == 0 && n_secs == 1);
	CHECK(n_secs == 1 && strlen(secs[0].title) == CONFTEXT_NAME_MAX - 1);
	CHECK(n_secs == 1 && secs[0].n_keys == 1 &&
	      strlen(secs[0].keys[0].name) == CONFTEXT_NAME_MAX - 1);
	CHECK(n_secs == 1 && strncmp(secs[0].title, name, CONFTEXT_NAME_MAX - 1) == 0);
}

static void test_many_sections_and_keys(void)
{
	char *t = malloc(64 * 1024), *p;
	size_t bad = 0;

	if (!t)
		return;
	p = t;
	for (int i = 0; i < 200; i++) {
		p += sprintf(p, "plugin p%d {\n", i);
		for (int k = 0; k < 20; k++)
			p += sprintf(p, "  k%d = %d\n", k, k);
		p += sprintf(p, "}\n");
	}
	CHECK(scan(t) == 0 && n_secs == 200);
	for (size_t i = 0; i < n_secs; i++) {
		bad += secs[i].line != i * 22 + 1 || secs[i].n_keys != 20 || !well_formed(&secs[i]);
		bad += secs[i].n_keys == 20 && secs[i].keys[19].line != i * 22 + 21;
	}
	CHECK(bad == 0);
	free(t);
}

/* An unclosed section ends at the end of the text, with the keys it has. */
static void test_unbalanced_text(void)
{
	const char *s1 = "plugin done { a = 1 }\nplugin open {\n  b = 2\n  c = {\n";

	CHECK(scan(s1) == 0 && n_secs == 2);
	CHECK(well_formed(section("done")));
	CHECK(section("open") && section("open")->end == text_len - 1);
	CHECK(key_line(section("open"), "b") == 3 && key_line(section("open"), "c") == 4);

	/* a string left open swallows the rest: no brace in it counts */
	CHECK(scan("plugin q { a = \"} plugin r { b = 1 }\n") == 0 && n_secs == 1);
	CHECK(section("q") && section("q")->end == text_len - 1 && section("q")->n_keys == 1);
	/* so does a comment left open */
	CHECK(scan("plugin q { a = 1 /* }\nplugin r { }") == 0 && n_secs == 1);
	CHECK(section("q") && section("q")->end == text_len - 1);
}

/* Broken text must neither crash nor read outside the buffer; whatever is found stays in range. */
static void test_malformed_input(void)
{
	static const char *const inputs[] = {
		"",
		"plugin",
		"plugin ",
		"plugin x",
		"plugin x ",
		"plugin x {",
		"plugin {",
		"plugin { }",
		"plugin }",
		"plugin = {",
		"plugin \"",
		"plugin \"x",
		"plugin 'x' ",
		"plugin \"x\" {",
		"plugin x {\"",
		"plugin x {'\\",
		"plugin x { a = \"\\",
		"plugin x { a = '\\'",
		"{",
		"}",
		"}}}}plugin x {}",
		"{{{{plugin x {}",
		"/",
		"/*",
		"/**",
		"/*/",
		"*/",
		"//",
		"#",
		"\\",
		"\"",
		"'",
		"=",
		"+=",
		"plugin x { = }",
		"plugin x { += }",
		"plugin x { \"",
		"plugin x {{{{",
		"plugin x { a = 1 }}}}",
		"plugin x { a\n=\n1\n",
		"plugin x {\n/",
		"plugin x { a = b/",
		"plugin x { a = b/*",
		"plugin x { a = 1 #",
		"plugin x { a = 1 //",
		"plugin x{}plugin",
		"plugin x{}plugin y",
		"plugin x{}plugin y{",
		"plugin plugin plugin { plugin = plugin }",
		"${VAR}",
		"plugin x { a = ${V} }",
		"plugin ${x} { }",
	};
	const char *big = "# c\nwatch { paths = {\"/a\"} }\n"
			  "plugin clamav { enabled = true /* x */ database += {'d', \"e\\\"\"} }\n"
			  "plugin \"yara\" {\n  rules = \"r#{\" // c }\n  sub { q = 1 }\n}\n";
	size_t bad = 0;

	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		if (scan(inputs[i]) != 0)
			bad++;
		for (size_t k = 0; k < n_secs; k++)
			bad += secs[k].start > secs[k].end || secs[k].end >= text_len ||
			       memcmp(text + secs[k].start, "plugin", 6) != 0;
	}
	CHECK(bad == 0);
	/* every prefix of a real-looking file, cut anywhere: inside strings, comments, escapes */
	for (size_t len = 0; len <= strlen(big); len++) {
		if (scan_n(big, len) != 0)
			bad++;
		for (size_t k = 0; k < n_secs; k++) {
			bad += secs[k].start > secs[k].end || secs[k].end >= text_len;
			for (size_t j = 0; j < secs[k].n_keys; j++)
				bad += secs[k].keys[j].line < secs[k].line;
		}
	}
	CHECK(bad == 0);
	CHECK(scan(big) == 0 && n_secs == 2 && key_line(section("clamav"), "database") == 3);
	CHECK(key_line(section("yara"), "rules") == 5 && key_line(section("yara"), "q") == 0);
	/* NUL bytes (the loader refuses them, but the scanner must survive them) */
	CHECK(scan_n("plugin x { a\0 = 1 }\0plugin\0y {", 30) == 0);
	CHECK(section("x") != NULL);
	/* blanking what an unbalanced scan found stays inside the text */
	CHECK(scan("plugin x { a = 1\n") == 0 && n_secs == 1);
	if (n_secs == 1)
		conftext_blank(text, secs[0].start, secs[0].end);
	CHECK(memcmp(text, "                \n", text_len) == 0);
}

int main(void)
{
	test_sections_and_titles();
	test_keys();
	test_quoted_keys();
	test_only_top_level_plugin_sections();
	test_comments();
	test_strings();
	test_line_counting();
	test_blank();
	test_long_names_are_cut();
	test_many_sections_and_keys();
	test_unbalanced_text();
	test_malformed_input();
	conftext_free(secs, n_secs);
	free(text);
	return check_summary();
}
