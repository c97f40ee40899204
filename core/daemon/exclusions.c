#include "daemon/exclusions.h"

#include <stdio.h>
#include <string.h>

#include "common/install_paths.h"
#include "common/path.h"
#include "common/textbuf.h"

bool exclusions_any(const struct config *cfg)
{
	return path_set_size(&cfg->exclude) + path_set_size(&cfg->exclude_exe) +
		       cfg->n_exclude_uid >
	       0;
}

#define SWAP(type, a, b)          \
	do {                      \
		type swap_ = (a); \
		(a) = (b);        \
		(b) = swap_;      \
	} while (0)

int exclusions_reload(struct config *cfg, pthread_mutex_t *lock, char *changed, size_t changed_size,
		      char *err, size_t errlen)
{
	struct config fresh;

	if (config_load(cfg->path, install_plugin_dir(), &fresh, err, errlen) != 0)
		return -1;
	config_restart_needed(cfg, &fresh, changed, changed_size);
	pthread_mutex_lock(lock);
	SWAP(struct path_set, cfg->exclude, fresh.exclude);
	SWAP(struct path_set, cfg->exclude_exe, fresh.exclude_exe);
	SWAP(uid_t *, cfg->exclude_uid, fresh.exclude_uid);
	SWAP(size_t, cfg->n_exclude_uid, fresh.n_exclude_uid);
	SWAP(struct policy_set, cfg->policy, fresh.policy);
	pthread_mutex_unlock(lock);
	config_free(&fresh); /* and with it the old exclusions */
	return 0;
}

/* One "label: entry" line per plain path, then per pattern. */
static void format_path_set(struct textbuf *tb, const char *label, const struct path_set *s)
{
	for (size_t i = 0; i < s->n_prefix; i++)
		textbuf_printf(tb, "%s: %s\n", label, s->prefix[i]);
	for (size_t i = 0; i < s->n_glob; i++)
		textbuf_printf(tb, "%s: %s\n", label, s->glob[i].text);
}

void exclusions_format_modes(const struct config *cfg, pthread_mutex_t *lock, struct textbuf *tb)
{
	const struct policy_set *ps = &cfg->policy;
	const struct path_policy *which;

	pthread_mutex_lock(lock);
	for (size_t i = 0; i < cfg->n_watch; i++) {
		enum scan_mode mode = policy_mode_for(ps, cfg->watch[i], &which);

		if (which)
			textbuf_printf(tb, "mode: %s %s (policy at %s:%u)\n", cfg->watch[i],
				       scan_mode_name(mode), cfg->path, which->line);
		else
			textbuf_printf(tb, "mode: %s %s (verdict.mode)\n", cfg->watch[i],
				       scan_mode_name(mode));
		for (size_t j = 0; j < ps->n; j++)
			if (path_is_under(ps->entries[j].path, cfg->watch[i]) &&
			    strcmp(ps->entries[j].path, cfg->watch[i]) != 0)
				textbuf_printf(tb, "mode: %s %s (policy at %s:%u)\n",
					       ps->entries[j].path,
					       scan_mode_name(ps->entries[j].mode), cfg->path,
					       ps->entries[j].line);
	}
	textbuf_printf(tb,
		       "mode: files reached through other namespaces' mounts or by unreadable "
		       "names %s (the strictest mode configured)\n",
		       scan_mode_name(policy_strictest(ps)));
	pthread_mutex_unlock(lock);
}

void exclusions_format(const struct config *cfg, pthread_mutex_t *lock, struct textbuf *tb)
{
	pthread_mutex_lock(lock);
	format_path_set(tb, "excluding", &cfg->exclude);
	format_path_set(tb, "excluding programs", &cfg->exclude_exe);
	for (size_t i = 0; i < cfg->n_exclude_uid; i++)
		textbuf_printf(tb, "excluding uid: %u\n", (unsigned)cfg->exclude_uid[i]);
	pthread_mutex_unlock(lock);
}
