/*
 * A light scan of the config file text for its `plugin NAME { ... }` sections:
 * where each begins and ends, and which keys it sets on which lines.
 *
 * libconfuse has one schema for every section of a kind, but each plugin
 * declares its own options; this scan lets the loader blank out sections of
 * disabled plugins (whose options it does not know) and name the line of a key
 * that an enabled plugin does not declare.
 */
#ifndef FANGUARD_CONFTEXT_H
#define FANGUARD_CONFTEXT_H

#include <stddef.h>

#define CONFTEXT_NAME_MAX 128

struct conftext_key {
	char name[CONFTEXT_NAME_MAX];
	unsigned line;
};

struct conftext_section {
	char title[CONFTEXT_NAME_MAX];
	unsigned line;     /* line of the `plugin` keyword */
	size_t start, end; /* byte range from `plugin` to the closing brace, inclusive */
	struct conftext_key *keys;
	size_t n_keys;
};

/* Returns 0, or -1 on allocation failure. Unbalanced text yields the sections found so far. */
int conftext_plugin_sections(const char *text, size_t len, struct conftext_section **out,
			     size_t *n_out);
void conftext_free(struct conftext_section *sections, size_t n);

/* What conftext_check_sections found wrong; line 0 when the text is sound. */
struct conftext_problem {
	unsigned line;
	char message[384];
};

/*
 * The structure libconfuse 3.3 lets pass or misreports: a section still open
 * at the end of the file (libconfuse takes the end as its close), a top-level
 * section not in `sections` (libconfuse says "premature end of file"), a second
 * one of a kind not in `multi` (libconfuse merges them), a section inside a
 * section (none of fanguard's sections has one). Both lists are NULL-terminated
 * and come from the libconfuse schema, so they cannot drift from it. Anything
 * else unusual is left to libconfuse, which reports it with its line.
 * Returns 0 (problem->line 0 if sound), or -1 on allocation failure.
 */
int conftext_check_sections(const char *text, size_t len, const char *const *sections,
			    const char *const *multi, struct conftext_problem *problem);

/* Overwrites text[start..end] with spaces, keeping newlines so line numbers stay true. */
void conftext_blank(char *text, size_t start, size_t end);

#endif
