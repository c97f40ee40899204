/*
 * What the files of the config loader share (config_*.c only): the load in
 * progress, its error recording, and the schema handed to libconfuse.
 *
 *   config.c          config_load and config_free: the two passes
 *   config_schema.c   libconfuse plumbing, the validators, the core sections
 *   config_plugins.c  plugin sections: their schema, opening, their options
 *   config_copy.c     parsed core values into struct config
 *   config_diff.c     config_restart_needed
 *   config_schedule.c `schedule { }`: its options, validators and copy
 */
#ifndef FANGUARD_CONFIG_INTERNAL_H
#define FANGUARD_CONFIG_INTERNAL_H

#include <confuse.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/config.h"
#include "common/conftext.h"

/* The loader's state, reachable from libconfuse callbacks (which carry no user pointer). */
struct load_ctx {
	const char *path;
	const char *dir;
	char *err;
	size_t errlen;
	bool failed;
	const char *text; /* the text of the strict pass, once parsed: for lines libconfuse lacks */
};

/* Set by config_load for the length of one load on this thread. */
extern _Thread_local struct load_ctx *config_current;

/* Records "FILE:LINE: message" (or "FILE: message" for line 0) unless an error came first. */
void config_fail_at(unsigned line, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Resolves a config path against the config file's folder into out. */
void config_resolve_path(const char *value, char *out, size_t outsize);
/* A user name (looked up now, so a typo stops start-up) or a numeric uid. */
int config_parse_uid(const char *v, uid_t *uid);
/* cfg_parse_buf, and a text that ends inside a comment refused; 0 or -1 (error recorded). */
int config_parse_text(cfg_t *cfg, const char *text);

struct schema {
	cfg_opt_t *plugin_opts; /* heap: fixed + declared options + __unknown + end */
	size_t n_plugin_opts;
	cfg_opt_t root[16];
};

/* The plugin sections' fixed options alone; plugin_opts is NULL on allocation failure. */
void config_schema_init(struct schema *s);
/* Adds a plugin's declared options to the shared plugin-section schema. */
int config_schema_add_plugin(struct schema *s, const struct plugin *p);
/*
 * The whole tree: the core sections and `plugin NAME { ... }` with s's options.
 * Lenient (pass one) accepts unknown keys; strict (pass two) validates values.
 */
cfg_t *config_schema_instantiate(struct schema *s, bool lenient);

/*
 * What libconfuse misses in the text's sections (conftext_check_sections), with
 * the section names of schema's tree; 0, or -1 with the error recorded.
 */
int config_check_structure(cfg_t *schema, const char *text, size_t len);

const struct conftext_section *config_find_text_section(const struct conftext_section *secs,
							size_t n, const char *title);
/* Pass one: which plugins are enabled and where their shared objects are; opens them. */
int config_open_enabled_plugins(cfg_t *lenient, const struct conftext_section *secs, size_t n_secs,
				const char *plugin_dir, struct config *out);
/* Pass two, before the strict parse: each enabled plugin's keys against its declarations. */
int config_check_plugin_keys(const struct conftext_section *secs, size_t n_secs,
			     const struct config *out);
/* Pass two: each enabled plugin's options copied. */
int config_copy_plugins(cfg_t *cfg, const struct conftext_section *secs, size_t n_secs,
			struct config *out);

/* A list of paths, canonical (they must exist when must_exist, else normalized if they do not). */
int config_copy_path_list(cfg_t *sec, const char *name, bool must_exist, char ***out,
			  size_t *n_out);
/* Plain entries like config_copy_path_list, globs compiled (checked before). */
int config_copy_path_set(cfg_t *sec, const char *name, struct path_set *out);

/* Validators the sections share: a value among choices (NULL-terminated); path patterns. */
int config_check_choice(cfg_t *cfg, cfg_opt_t *opt, const char *const *choices);
int config_validate_patterns(cfg_t *cfg, cfg_opt_t *opt);

/* `schedule { }` (config_schedule.c): its options, their validators, its copy. */
extern cfg_opt_t config_schedule_opts[];
void config_schedule_validators(cfg_t *cfg);
int config_copy_schedule(cfg_t *sec, struct schedule_config *out);

/* Pass two: everything outside the plugin sections; half-filled out is released by config_free. */
int config_copy_core_options(cfg_t *cfg, struct config *out);

#endif
