#include "cli/signature_set.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/options.h"
#include "common/sha256.h"

static void add_text(struct sha256 *sha, const char *text)
{
	/* with its terminator, so "ab"+"c" and "a"+"bc" differ */
	sha256_update(sha, text ? text : "", strlen(text ? text : "") + 1);
}

static void add_file(struct sha256 *sha, const char *path, const struct stat *st)
{
	char line[PATH_MAX + 160];

	snprintf(line, sizeof(line), "%s %llu %llu %lld %lld.%09ld %lld.%09ld", path,
		 (unsigned long long)st->st_dev, (unsigned long long)st->st_ino,
		 (long long)st->st_size, (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
		 (long long)st->st_ctim.tv_sec, st->st_ctim.tv_nsec);
	add_text(sha, line);
}

/* path and, for a folder, what is below it, in name order; *budget files at most. */
static void add_tree(struct sha256 *sha, const char *path, bool top, unsigned *budget)
{
	struct dirent **names;
	char child[PATH_MAX];
	struct stat st;
	int n;

	if ((top ? stat(path, &st) : lstat(path, &st)) != 0) {
		add_text(sha,
			 path); /* missing: the plugin says so; its appearing changes the set */
		return;
	}
	if (!*budget)
		return;
	(*budget)--;
	add_file(sha, path, &st);
	if (!S_ISDIR(st.st_mode) || (n = scandir(path, &names, NULL, alphasort)) < 0)
		return;
	for (int i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") && strcmp(names[i]->d_name, "..") &&
		    snprintf(child, sizeof(child), "%s/%s", path, names[i]->d_name) <
			    (int)sizeof(child))
			add_tree(sha, child, false, budget);
		free(names[i]);
	}
	free(names);
}

static void add_option(struct sha256 *sha, const struct option_value *v, unsigned *budget)
{
	char num[64];

	add_text(sha, v->spec->name);
	switch (v->spec->type) {
	case FG_OPT_BOOL: add_text(sha, v->b ? "true" : "false"); break;
	case FG_OPT_INT:
		snprintf(num, sizeof(num), "%lld", v->i);
		add_text(sha, num);
		break;
	case FG_OPT_STRING_LIST:
	case FG_OPT_PATH_LIST:
		for (size_t i = 0; i < v->count; i++) {
			add_text(sha, v->list[i]);
			if (v->spec->type == FG_OPT_PATH_LIST)
				add_tree(sha, v->list[i], true, budget);
		}
		break;
	default: add_text(sha, v->s); break;
	}
}

void signature_set_digest(const struct config *cfg, const char *daemon_text,
			  unsigned char digest[32])
{
	unsigned budget = SIGNATURE_SET_MAX_FILES;
	struct sha256 sha;

	sha256_init(&sha);
	add_text(&sha, verdict_policy_name(cfg->verdict.policy));
	for (size_t i = 0; i < cfg->n_plugins; i++) {
		const struct plugin *p = &cfg->plugins[i];

		add_text(&sha, p->name);
		add_text(&sha, p->desc.version);
		for (size_t j = 0; p->opts && j < p->opts->n; j++)
			add_option(&sha, &p->opts->values[j], &budget);
	}
	add_text(&sha, daemon_text);
	sha256_final(&sha, digest);
}
