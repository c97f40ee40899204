#include "common/conftext.h"

#include <ctype.h>
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
