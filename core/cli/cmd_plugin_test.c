/*
 * `fanguard plugin-test`: load one plugin on its own, show what it declares,
 * start it with options from the command line and scan files with it.
 *
 * The options become a small generated config file that goes through
 * config_load like fanguard.conf does, so the plugin sees exactly what the
 * daemon would give it: the same defaults, type checks and path resolution.
 */
#include "cli/cmd_plugin_test.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cmd_scan.h"
#include "common/log.h"
#include "scanner/runtime.h"

#define MAX_SETTINGS 64

struct setting {
	const char *arg; /* NAME=VALUE as given */
	char name[64];
	const char *value;
};

struct plugin_test {
	struct setting set[MAX_SETTINGS];
	size_t n_set;
	char so_path[PATH_MAX];
	char conf_path[64];
	unsigned long long files, found, errors;
	uint64_t slowest_ns;
	const char *slowest;
};

static void plugin_test_usage(FILE *out)
{
	fprintf(out,
		"usage: fanguard plugin-test [-o NAME=VALUE]... PLUGIN.so FILE...\n"
		"  -o NAME=VALUE  set a declared option, as `NAME = VALUE` in the plugin's section;\n"
		"                 repeat it to give a list option several items (NAME= alone: empty)\n"
		"loads the plugin alone, prints its name, version, ABI and options, starts it\n"
		"and scans each FILE with it in this process (no sandbox, no deadline)\n"
		"exit status: 0 nothing found, 1 something found, 2 errors (and nothing found)\n");
}

static const char *type_name(enum fg_option_type type)
{
	switch (type) {
	case FG_OPT_BOOL: return "bool";
	case FG_OPT_INT: return "int";
	case FG_OPT_STRING: return "string";
	case FG_OPT_STRING_LIST: return "string list";
	case FG_OPT_PATH_LIST: return "path list";
	}
	return "unknown type";
}

static void print_descriptor(const struct plugin *p)
{
	const struct fg_plugin *d = &p->desc;

	printf("plugin:      %s %s\n", p->name, d->version ? d->version : "(no version)");
	printf("file:        %s\n", p->so_path);
	printf("ABI:         %u.%u (this fanguard speaks %d.%d)\n", d->abi_major, d->abi_minor,
	       FG_PLUGIN_ABI_MAJOR, FG_PLUGIN_ABI_MINOR);
	if (d->description)
		printf("description: %s\n", d->description);
	printf("flags:      %s%s%s\n", d->flags & FG_PLUGIN_NEEDS_SHA256 ? " needs-sha256" : "",
	       d->flags & FG_PLUGIN_NEEDS_NETWORK ? " needs-network" : "", d->flags ? "" : " none");
	printf("callbacks:   init scan fini%s%s%s%s%s\n", d->thread_init ? " thread_init" : "",
	       d->thread_fini ? " thread_fini" : "", d->reload ? " reload" : "",
	       d->signature_count ? " signature_count" : "",
	       d->max_file_size ? " max_file_size" : "");
	printf("options:%s\n", d->options && d->options->name ? "" : "     none");
	for (const struct fg_option_spec *o = d->options; o && o->name; o++) {
		const char *def = o->default_value;
		bool quote = def && o->type == FG_OPT_STRING;
		printf("  %s (%s, default %s%s%s): %s\n", o->name, type_name(o->type),
		       quote ? "\"" : "", def ? def : "unset", quote ? "\"" : "",
		       o->help ? o->help : "");
	}
}

static const struct fg_option_spec *find_spec(const struct plugin *p, const char *name)
{
	for (const struct fg_option_spec *o = p->desc.options; o && o->name; o++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

static int parse_setting(struct plugin_test *t, char *arg)
{
	char *eq = strchr(arg, '=');
	struct setting *s;

	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(s->name)) {
		fprintf(stderr, "fanguard: -o %s: expected NAME=VALUE\n", arg);
		return -1;
	}
	if (t->n_set == MAX_SETTINGS) {
		fprintf(stderr, "fanguard: more than %d -o options\n", MAX_SETTINGS);
		return -1;
	}
	s = &t->set[t->n_set++];
	s->arg = arg;
	memcpy(s->name, arg, (size_t)(eq - arg));
	s->name[eq - arg] = '\0';
	s->value = eq + 1;
	return 0;
}

/* Every -o must name a declared option: the same rule as the config file. */
static int check_settings(const struct plugin_test *t, const struct plugin *p)
{
	for (size_t i = 0; i < t->n_set; i++) {
		if (find_spec(p, t->set[i].name))
			continue;
		fprintf(stderr, "fanguard: -o %s: plugin '%s' has no option '%s' (its options:",
			t->set[i].arg, p->name, t->set[i].name);
		for (const struct fg_option_spec *o = p->desc.options; o && o->name; o++)
			fprintf(stderr, "%s %s", o == p->desc.options ? "" : ",", o->name);
		fprintf(stderr, "%s)\n", p->desc.options && p->desc.options->name ? "" : " none");
		return -1;
	}
	return 0;
}

/* A libconfuse single-quoted string: only ' and \ need escaping. */
static void put_quoted(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('\'', f);
}

/* Relative paths on the command line mean the working directory, not the generated file's. */
static void put_path(FILE *f, const char *value)
{
	char cwd[PATH_MAX], abs[PATH_MAX * 2];

	if (value[0] == '/' || !getcwd(cwd, sizeof(cwd))) {
		put_quoted(f, value);
		return;
	}
	snprintf(abs, sizeof(abs), "%s/%s", cwd, value);
	put_quoted(f, abs);
}

static void put_item(FILE *f, const struct setting *s, const struct fg_option_spec *spec)
{
	if (spec->type == FG_OPT_PATH_LIST)
		put_path(f, s->value);
	else
		put_quoted(f, s->value);
}

/* A list gets every -o of its name, in order, at the first one; "NAME=" adds nothing. */
static void put_setting(FILE *f, const struct plugin_test *t, size_t i,
			const struct fg_option_spec *spec)
{
	const struct setting *s = &t->set[i];
	bool any = false;

	if (spec->type == FG_OPT_STRING_LIST || spec->type == FG_OPT_PATH_LIST) {
		for (size_t j = 0; j < i; j++)
			if (strcmp(t->set[j].name, s->name) == 0)
				return;
		fprintf(f, "  %s = {", s->name);
		for (size_t j = i; j < t->n_set; j++) {
			if (strcmp(t->set[j].name, s->name) != 0 || !t->set[j].value[0])
				continue;
			fputs(any ? ", " : "", f);
			put_item(f, &t->set[j], spec);
			any = true;
		}
		fputs("}\n", f);
	} else if (spec->type == FG_OPT_STRING) {
		fprintf(f, "  %s = ", s->name);
		put_quoted(f, s->value);
		fputc('\n', f);
	} else {
		/* bool and int: libconfuse checks the syntax */
		fprintf(f, "  %s = %s\n", s->name, s->value);
	}
}

/* Writes the one-plugin config: what the daemon would read from `plugin NAME { ... }`. */
static int write_config(struct plugin_test *t, const struct plugin *p)
{
	const char *tmpdir = getenv("TMPDIR");
	FILE *f;
	int fd;

	snprintf(t->conf_path, sizeof(t->conf_path), "%s/fanguard-plugin-test.XXXXXX",
		 tmpdir && tmpdir[0] == '/' && strlen(tmpdir) < 32 ? tmpdir : "/tmp");
	if ((fd = mkstemp(t->conf_path)) < 0 || !(f = fdopen(fd, "w"))) {
		fprintf(stderr, "fanguard: cannot create %s: %s\n", t->conf_path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(t->conf_path);
		}
		return -1;
	}
	fprintf(f,
		"# fanguard plugin-test: one plugin, scanned in this process\n"
		"watch { paths = {\"/\"} }\n"
		"scan { isolation = \"thread\" }\n"
		"control { socket = \"\" }\n"
		"plugin %s {\n"
		"  path = ",
		p->name);
	put_quoted(f, t->so_path);
	fputc('\n', f);
	for (size_t i = 0; i < t->n_set; i++)
		put_setting(f, t, i, find_spec(p, t->set[i].name));
	fputs("}\n", f);
	if (fclose(f) != 0) {
		fprintf(stderr, "fanguard: cannot write %s: %s\n", t->conf_path, strerror(errno));
		unlink(t->conf_path);
		return -1;
	}
	return 0;
}

/*
 * "/tmp/fanguard-plugin-test.x:9: invalid integer value for option 'timeout'"
 * is about `-o timeout=...`: say so, since the generated file is gone. The
 * option's name is the guide, as libconfuse's line numbers can run ahead, and
 * a plugin may quote the file:line of an option anywhere in its message.
 */
static void print_load_error(const struct plugin_test *t, const char *err)
{
	size_t len = strlen(t->conf_path), n = 0;
	char msg[1024], quoted[sizeof(t->set[0].name) + 2];
	const char *at;

	while (*err && n < sizeof(msg) - 1) {
		if (strncmp(err, t->conf_path, len) == 0 && err[len] == ':') {
			at = err + len + 1;
			at += strspn(at, "0123456789");
			err = at + strspn(at, ": ");
			continue;
		}
		msg[n++] = *err++;
	}
	msg[n] = '\0';
	for (size_t i = t->n_set; i-- > 0;) {
		snprintf(quoted, sizeof(quoted), "'%s'", t->set[i].name);
		if (strstr(msg, quoted)) {
			fprintf(stderr, "fanguard: -o %s: %s\n", t->set[i].arg, msg);
			return;
		}
	}
	fprintf(stderr, "fanguard: %s\n", msg);
}

static void scan_file(struct plugin_test *t, struct engine_thread *thread, const struct plugin *p,
		      const char *path)
{
	struct stat st;
	struct scan_outcome out;
	struct scan_target target = {
		.fd = -1, .path = path, .st = &st, .kind = FG_EVENT_ON_DEMAND
	};
	const struct plugin_vote *v = &out.votes[0];

	target.fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (target.fd < 0 || fstat(target.fd, &st) != 0) {
		t->errors++;
		printf("%s: %s ERROR\n", path, strerror(errno));
		if (target.fd >= 0)
			close(target.fd);
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		t->errors++;
		printf("%s: not a regular file ERROR\n", path);
		close(target.fd);
		return;
	}
	t->files++;
	engine_scan(thread, &target, &out);
	close(target.fd);
	if (out.plugin_ns[0] > t->slowest_ns) {
		t->slowest_ns = out.plugin_ns[0];
		t->slowest = path;
	}
	switch (v->verdict) {
	case FG_VERDICT_DETECTED:
		t->found++;
		printf("%s: %s:%s FOUND\n", path, p->name, v->threat);
		break;
	case FG_VERDICT_TRUSTED:
		printf("%s: TRUSTED%s%s\n", path, v->threat[0] ? " " : "", v->threat);
		break;
	case FG_VERDICT_ERROR:
		t->errors++;
		printf("%s: %s ERROR\n", path, v->threat[0] ? v->threat : "(no message)");
		break;
	default: printf("%s: OK\n", path);
	}
}

/* Loads, starts and scans; the plugin is finished (thread_fini, fini) before returning. */
static int run(struct plugin_test *t, int nfiles, char **files)
{
	struct runtime rt;
	struct engine_thread thread;
	char err[1024], names[512];
	int rc;

	/* the file is read at once: gone before the plugin's code runs, even if it crashes */
	rc = runtime_open(&rt, t->conf_path, err, sizeof(err));
	unlink(t->conf_path);
	if (rc == 0 && (rc = runtime_start(&rt, NULL, err, sizeof(err))) != 0)
		runtime_unload(&rt);
	if (rc != 0) {
		print_load_error(t, err);
		return SCAN_EXIT_ERROR;
	}
	runtime_describe_plugins(&rt, names, sizeof(names));
	printf("started:     %s\n\n", names);
	if (engine_thread_init(&rt.engine, &thread, err, sizeof(err)) != 0) {
		fprintf(stderr, "fanguard: %s\n", err);
		runtime_unload(&rt);
		return SCAN_EXIT_ERROR;
	}
	for (int i = 0; i < nfiles; i++)
		scan_file(t, &thread, &rt.cfg.plugins[0], files[i]);
	engine_thread_fini(&thread);
	runtime_unload(&rt);
	printf("\nScanned files: %llu, found: %llu, errors: %llu", t->files, t->found, t->errors);
	if (t->slowest)
		printf(", slowest scan: %.1f us (%s)", (double)t->slowest_ns / 1e3, t->slowest);
	printf("\n");
	if (t->found)
		return SCAN_EXIT_FOUND;
	return t->errors ? SCAN_EXIT_ERROR : SCAN_EXIT_CLEAN;
}

int cmd_plugin_test(int argc, char **argv)
{
	static struct plugin_test t;
	struct plugin probe;
	char err[1024];
	int opt;

	optind = 1;
	while ((opt = getopt(argc, argv, "+o:h")) != -1) {
		switch (opt) {
		case 'o':
			if (parse_setting(&t, optarg) != 0)
				return SCAN_EXIT_ERROR;
			break;
		case 'h': plugin_test_usage(stdout); return SCAN_EXIT_CLEAN;
		default: plugin_test_usage(stderr); return SCAN_EXIT_ERROR;
		}
	}
	if (argc - optind < 2) {
		plugin_test_usage(stderr);
		return SCAN_EXIT_ERROR;
	}
	log_init("fanguard", 0, LOG_INFO);
	if (!realpath(argv[optind], t.so_path)) {
		fprintf(stderr, "fanguard: %s: %s\n", argv[optind], strerror(errno));
		return SCAN_EXIT_ERROR;
	}
	if (plugin_open_file(&probe, t.so_path, err, sizeof(err)) != 0) {
		fprintf(stderr, "fanguard: %s\n", err);
		return SCAN_EXIT_ERROR;
	}
	print_descriptor(&probe);
	if (check_settings(&t, &probe) != 0 || write_config(&t, &probe) != 0) {
		plugin_close(&probe);
		return SCAN_EXIT_ERROR;
	}
	plugin_close(&probe);
	return run(&t, argc - optind - 1, argv + optind + 1);
}
