#include "common/conftext.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum token_kind { TOK_END, TOK_WORD, TOK_STRING, TOK_PUNCT };

struct token {
	enum token_kind kind;
	size_t start, len;
	unsigned line;
	char punct;
};

struct lexer {
	const char *text;
	size_t len, pos;
	unsigned line;
};

static void skip_space_and_comments(struct lexer *lx)
{
	while (lx->pos < lx->len) {
		char c = lx->text[lx->pos];
		if (c == '\n') {
			lx->line++;
			lx->pos++;
		} else if (isspace((unsigned char)c)) {
			lx->pos++;
		} else if (c == '#' ||
			   (c == '/' && lx->pos + 1 < lx->len && lx->text[lx->pos + 1] == '/')) {
			while (lx->pos < lx->len && lx->text[lx->pos] != '\n')
				lx->pos++;
		} else if (c == '/' && lx->pos + 1 < lx->len && lx->text[lx->pos + 1] == '*') {
			lx->pos += 2;
			while (lx->pos + 1 < lx->len &&
			       !(lx->text[lx->pos] == '*' && lx->text[lx->pos + 1] == '/')) {
				if (lx->text[lx->pos] == '\n')
					lx->line++;
				lx->pos++;
			}
			lx->pos = lx->pos + 2 <= lx->len ? lx->pos + 2 : lx->len;
		} else {
			return;
		}
	}
}

static struct token next_token(struct lexer *lx)
{
	struct token t = { .kind = TOK_END };
	char c;

	skip_space_and_comments(lx);
	t.start = lx->pos;
	t.line = lx->line;
	if (lx->pos >= lx->len)
		return t;
	c = lx->text[lx->pos];
	if (c == '"' || c == '\'') {
		t.kind = TOK_STRING;
		lx->pos++;
		while (lx->pos < lx->len && lx->text[lx->pos] != c) {
			if (lx->text[lx->pos] == '\\' && lx->pos + 1 < lx->len)
				lx->pos++;
			if (lx->text[lx->pos] == '\n')
				lx->line++;
			lx->pos++;
		}
		if (lx->pos < lx->len)
			lx->pos++;
	} else if (strchr("{}()=,+", c)) {
		t.kind = TOK_PUNCT;
		t.punct = c;
		lx->pos++;
	} else {
		t.kind = TOK_WORD;
		while (lx->pos < lx->len) {
			c = lx->text[lx->pos];
			if (isspace((unsigned char)c) || strchr("{}()=,+\"'#", c))
				break;
			lx->pos++;
		}
	}
	t.len = lx->pos - t.start;
	return t;
}

static void token_copy(const struct lexer *lx, const struct token *t, char *out, size_t outsize)
{
	size_t start = t->start, len = t->len;

	if (t->kind == TOK_STRING && len >= 2) {
		start++;
		len -= 2;
	}
	if (len >= outsize)
		len = outsize - 1;
	memcpy(out, lx->text + start, len);
	out[len] = '\0';
}

static int add_key(struct conftext_section *sec, const char *name, unsigned line)
{
	struct conftext_key *keys = realloc(sec->keys, (sec->n_keys + 1) * sizeof(*keys));

	if (!keys)
		return -1;
	sec->keys = keys;
	snprintf(keys[sec->n_keys].name, sizeof(keys[sec->n_keys].name), "%s", name);
	keys[sec->n_keys].line = line;
	sec->n_keys++;
	return 0;
}

/*
 * Reads the body after `plugin TITLE {` up to its closing brace, recording depth-1 keys:
 * bare or quoted, as libconfuse takes both ("key" = 1 sets key).
 */
static int scan_section_body(struct lexer *lx, struct conftext_section *sec)
{
	int depth = 1;
	struct token prev = { .kind = TOK_END }, t;
	char name[CONFTEXT_NAME_MAX];

	while (depth > 0) {
		t = next_token(lx);
		if (t.kind == TOK_END)
			break;
		if (t.kind == TOK_PUNCT && t.punct == '{')
			depth++;
		else if (t.kind == TOK_PUNCT && t.punct == '}')
			depth--;
		else if (depth == 1 && t.kind == TOK_PUNCT && (t.punct == '=' || t.punct == '+') &&
			 (prev.kind == TOK_WORD || prev.kind == TOK_STRING)) {
			token_copy(lx, &prev, name, sizeof(name));
			if (add_key(sec, name, prev.line) < 0)
				return -1;
		}
		prev = t;
	}
	sec->end = lx->pos > 0 ? lx->pos - 1 : 0;
	return 0;
}

int conftext_plugin_sections(const char *text, size_t len, struct conftext_section **out,
			     size_t *n_out)
{
	struct lexer lx = { .text = text, .len = len, .line = 1 };
	struct conftext_section *secs = NULL;
	size_t n = 0;
	int depth = 0;
	struct token t;

	*out = NULL;
	*n_out = 0;
	while ((t = next_token(&lx)).kind != TOK_END) {
		if (t.kind == TOK_PUNCT && t.punct == '{') {
			depth++;
			continue;
		}
		if (t.kind == TOK_PUNCT && t.punct == '}') {
			depth--;
			continue;
		}
		if (depth != 0 || t.kind != TOK_WORD || t.len != 6 ||
		    memcmp(text + t.start, "plugin", 6) != 0)
			continue;
		struct token title = next_token(&lx);
		struct token brace = next_token(&lx);
		if ((title.kind != TOK_WORD && title.kind != TOK_STRING) ||
		    brace.kind != TOK_PUNCT || brace.punct != '{')
			continue;
		struct conftext_section *grown = realloc(secs, (n + 1) * sizeof(*secs));
		if (!grown)
			goto fail;
		secs = grown;
		memset(&secs[n], 0, sizeof(secs[n]));
		token_copy(&lx, &title, secs[n].title, sizeof(secs[n].title));
		secs[n].line = t.line;
		secs[n].start = t.start;
		n++;
		if (scan_section_body(&lx, &secs[n - 1]) < 0)
			goto fail;
	}
	*out = secs;
	*n_out = n;
	return 0;
fail:
	conftext_free(secs, n);
	return -1;
}

void conftext_free(struct conftext_section *sections, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(sections[i].keys);
	free(sections);
}

void conftext_blank(char *text, size_t start, size_t end)
{
	for (size_t i = start; i <= end; i++)
		if (text[i] != '\n')
			text[i] = ' ';
}

/* ---- the structure check: a statement-level walk of the same tokens ---- */

struct section_seen {
	char name[CONFTEXT_NAME_MAX];
	unsigned line;
};

struct structure_walk {
	struct lexer lx;
	const char *const *sections, *const *multi;
	struct section_seen *seen;
	size_t n_seen;
	struct conftext_problem *problem;
};

static struct token peek_token(const struct lexer *lx)
{
	struct lexer copy = *lx;

	return next_token(&copy);
}

static bool is_punct(const struct token *t, char c)
{
	return t->kind == TOK_PUNCT && t->punct == c;
}

static bool in_list(const char *const *list, const char *name)
{
	for (; list && *list; list++)
		if (strcmp(*list, name) == 0)
			return true;
	return false;
}

/* Skips a `{ ... }` list or a `( ... )` argument list whose opening token was just read. */
static void skip_group(struct lexer *lx, char open, char close)
{
	int depth = 1;
	struct token t;

	while (depth > 0 && (t = next_token(lx)).kind != TOK_END) {
		if (is_punct(&t, open))
			depth++;
		else if (is_punct(&t, close))
			depth--;
	}
}

/* After `=` (or `+=`): one value, a list, or a function call. */
static void skip_value(struct lexer *lx)
{
	struct token v = next_token(lx);

	if (is_punct(&v, '{')) {
		skip_group(lx, '{', '}');
	} else if (v.kind == TOK_WORD) {
		struct token next = peek_token(lx);
		if (is_punct(&next, '(')) {
			next_token(lx);
			skip_group(lx, '(', ')');
		}
	}
}

static void list_names(const char *const *list, char *out, size_t outsize)
{
	out[0] = '\0';
	for (size_t i = 0; list && list[i]; i++)
		snprintf(out + strlen(out), outsize - strlen(out), "%s%s", i ? ", " : "", list[i]);
}

/* A top-level section `name` opened at line: known, and not a second of its kind. */
static int check_top_section(struct structure_walk *w, const char *name, unsigned line)
{
	struct conftext_problem *p = w->problem;
	struct section_seen *grown;
	char names[256];

	if (!in_list(w->sections, name)) {
		list_names(w->sections, names, sizeof(names));
		p->line = line;
		snprintf(p->message, sizeof(p->message),
			 "unknown section '%s' (the sections are: %s)", name, names);
		return 0;
	}
	if (in_list(w->multi, name))
		return 0;
	for (size_t i = 0; i < w->n_seen; i++) {
		if (strcmp(w->seen[i].name, name) == 0) {
			p->line = line;
			snprintf(p->message, sizeof(p->message),
				 "a second '%s' section (the first is at line %u): write its "
				 "options in one",
				 name, w->seen[i].line);
			return 0;
		}
	}
	grown = realloc(w->seen, (w->n_seen + 1) * sizeof(*grown));
	if (!grown)
		return -1;
	w->seen = grown;
	snprintf(w->seen[w->n_seen].name, sizeof(w->seen[w->n_seen].name), "%s", name);
	w->seen[w->n_seen++].line = line;
	return 0;
}

/*
 * One section body (or the file, at depth 0) up to its closing brace. Stops at
 * the first problem; a statement it does not understand is skipped token by
 * token, for libconfuse to report.
 */
static int walk_body(struct structure_walk *w, const char *section, unsigned opened_at, int depth)
{
	char name[CONFTEXT_NAME_MAX];
	struct token t, n;

	while (!w->problem->line) {
		t = next_token(&w->lx);
		if (t.kind == TOK_END) {
			if (depth > 0) {
				w->problem->line = opened_at;
				snprintf(w->problem->message, sizeof(w->problem->message),
					 "section '%s' is never closed (a '}' is missing)",
					 section);
			}
			return 0;
		}
		if (is_punct(&t, '}')) {
			if (depth > 0)
				return 0;
			continue; /* a stray brace: libconfuse names it */
		}
		if (t.kind != TOK_WORD && t.kind != TOK_STRING)
			continue;
		token_copy(&w->lx, &t, name, sizeof(name));
		n = next_token(&w->lx);
		if (is_punct(&n, '=')) {
			skip_value(&w->lx);
			continue;
		}
		if (is_punct(&n, '+')) {
			n = next_token(&w->lx); /* the '=' of '+=' */
			skip_value(&w->lx);
			continue;
		}
		if (is_punct(&n, '(')) {
			skip_group(&w->lx, '(', ')');
			continue;
		}
		if (n.kind == TOK_WORD || n.kind == TOK_STRING) {
			struct token brace = peek_token(&w->lx);
			if (!is_punct(&brace, '{'))
				continue;
			next_token(&w->lx);
		} else if (!is_punct(&n, '{')) {
			continue;
		}
		/* a section opens: `name {` or `name TITLE {` */
		if (depth > 0) {
			w->problem->line = t.line;
			snprintf(w->problem->message, sizeof(w->problem->message),
				 "unknown section '%s' inside section '%s' (sections do not nest)",
				 name, section);
			return 0;
		}
		if (check_top_section(w, name, t.line) < 0)
			return -1;
		if (w->problem->line)
			return 0;
		if (walk_body(w, name, t.line, depth + 1) < 0)
			return -1;
	}
	return 0;
}

int conftext_check_sections(const char *text, size_t len, const char *const *sections,
			    const char *const *multi, struct conftext_problem *problem)
{
	struct structure_walk w = {
		.lx = { .text = text, .len = len, .line = 1 },
		.sections = sections,
		.multi = multi,
		.problem = problem,
	};
	int rc;

	memset(problem, 0, sizeof(*problem));
	rc = walk_body(&w, "", 0, 0);
	free(w.seen);
	return rc;
}
