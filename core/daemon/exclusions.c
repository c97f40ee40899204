#include "daemon/exclusions.h"

#include <stdio.h>

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

void exclusions_format(const struct config *cfg, pthread_mutex_t *lock, struct textbuf *tb)
{
	pthread_mutex_lock(lock);
	format_path_set(tb, "excluding", &cfg->exclude);
	format_path_set(tb, "excluding programs", &cfg->exclude_exe);
	for (size_t i = 0; i < cfg->n_exclude_uid; i++)
		textbuf_printf(tb, "excluding uid: %u\n", (unsigned)cfg->exclude_uid[i]);
	pthread_mutex_unlock(lock);
}
