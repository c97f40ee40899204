/* `fanguard quarantine`: list, restore and delete quarantined files; `scan --move`'s move. */
#include "cli/cmd_quarantine.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/scan_report.h"
#include "common/config.h"
#include "common/install_paths.h"
#include "common/quarantine.h"

static void quarantine_usage(FILE *out)
{
	fprintf(out,
		"usage: fanguard quarantine [-c FILE] list\n"
		"       fanguard quarantine [-c FILE] restore ID\n"
		"       fanguard quarantine [-c FILE] delete ID\n"
		"  list     ID, time (UTC), threat and original path of every quarantined file\n"
		"  restore  put the file back where it was, with its owner, mode and content;\n"
		"           refuses to replace a file that is there now\n"
		"  delete   remove the file from quarantine for good\n"
		"  -c FILE  configuration file (default %s); quarantine { dir } is the folder\n",
		install_default_config());
}

/* A path or threat on one line: control bytes (a newline in a file name) shown as '?'. */
static void print_field(const char *s)
{
	for (; *s; s++)
		putchar((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

static int list_items(int qfd, const char *dir)
{
	struct quarantine_item *items;
	char when[32], err[PATH_MAX + 256];
	size_t n;
	int rc = quarantine_list(qfd, &items, &n, err, sizeof(err));

	size_t id_width = strlen("ID"), threat_width = strlen("THREAT");

	if (rc != 0)
		fprintf(stderr, "fanguard quarantine: %s\n", err);
	if (!n && rc == 0)
		printf("no files in quarantine (%s)\n", dir);
	/* columns as wide as their widest entry, so they line up */
	for (size_t i = 0; i < n; i++) {
		size_t w = strlen(items[i].plugin[0] ? items[i].plugin : "?") + 1 +
			   strlen(items[i].threat[0] ? items[i].threat : "?");
		if (w > threat_width)
			threat_width = w;
		if (strlen(items[i].id) > id_width)
			id_width = strlen(items[i].id);
	}
	if (n)
		printf("%-*s  %-20s  %-*s  %s\n", (int)id_width, "ID", "TIME (UTC)",
		       (int)threat_width, "THREAT", "ORIGINAL PATH");
	for (size_t i = 0; i < n; i++) {
		const char *plugin = items[i].plugin[0] ? items[i].plugin : "?";
		const char *threat = items[i].threat[0] ? items[i].threat : "?";
		time_t t = (time_t)items[i].time;
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		printf("%-*s  %-20s  ", (int)id_width, items[i].id, when);
		print_field(plugin);
		putchar(':');
		print_field(threat);
		printf("%*s  ", (int)(threat_width - strlen(plugin) - 1 - strlen(threat)), "");
		print_field(items[i].path);
		putchar('\n');
	}
	free(items);
	return rc == 0 ? 0 : 1;
}

int cmd_quarantine(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config_path = install_default_config(), *action;
	struct quarantine_item item;
	struct config cfg;
	char err[PATH_MAX + 512], dir[PATH_MAX];
	bool missing;
	int opt, qfd, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c': config_path = optarg; break;
		case 'h': quarantine_usage(stdout); return 0;
		default: quarantine_usage(stderr); return 2;
		}
	}
	action = optind < argc ? argv[optind] : "";
	if (!((strcmp(action, "list") == 0 && argc - optind == 1) ||
	      ((strcmp(action, "restore") == 0 || strcmp(action, "delete") == 0) &&
	       argc - optind == 2))) {
		if (action[0] && strcmp(action, "list") && strcmp(action, "restore") &&
		    strcmp(action, "delete"))
			fprintf(stderr, "fanguard quarantine: unknown action '%s'\n", action);
		quarantine_usage(stderr);
		return 2;
	}
	/* the config names the folder */
	if (config_load(config_path, install_plugin_dir(), &cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "fanguard: %s\n", err);
		return 2;
	}
	/* listing creates nothing: a quarantine never used has no folder yet */
	if (strcmp(action, "list") == 0)
		qfd = quarantine_open_existing(cfg.quarantine_dir, err, sizeof(err));
	else
		qfd = quarantine_open(cfg.quarantine_dir, err, sizeof(err));
	missing = qfd < 0 && errno == ENOENT;
	snprintf(dir, sizeof(dir), "%s", cfg.quarantine_dir);
	config_free(&cfg);
	if (missing && strcmp(action, "list") == 0) {
		printf("no files in quarantine (%s does not exist yet)\n", dir);
		return 0;
	}
	if (qfd < 0) {
		fprintf(stderr, "fanguard quarantine: %s\n", err);
		return 2;
	}
	if (strcmp(action, "list") == 0) {
		rc = list_items(qfd, dir);
	} else if (strcmp(action, "restore") == 0) {
		rc = quarantine_restore(qfd, argv[optind + 1], &item, err, sizeof(err)) == 0 ? 0
											     : 1;
		if (rc == 0)
			printf("%s: restored to %s (owner %u:%u, mode %04o)\n", item.id, item.path,
			       (unsigned)item.uid, (unsigned)item.gid, (unsigned)item.mode);
	} else {
		rc = quarantine_delete(qfd, argv[optind + 1], &item, err, sizeof(err)) == 0 ? 0 : 1;
		if (rc == 0)
			printf("%s: deleted (was %s)\n", item.id, item.path);
	}
	if (rc != 0 && strcmp(action, "list") != 0)
		fprintf(stderr, "fanguard quarantine %s: %s\n", action, err);
	close(qfd);
	return rc;
}

int cmd_quarantine_move(int qfd, const char *path, const struct stat *st, const char *detections,
			struct scan_report *report, char *id, size_t idsize)
{
	struct quarantine_item item;
	char plugin[64], threat[256], err[PATH_MAX + 512], why[PATH_MAX + 600];

	quarantine_first_finding(detections, plugin, sizeof(plugin), threat, sizeof(threat));
	if (quarantine_store(qfd, path, st, plugin, threat, &item, err, sizeof(err)) != 0) {
		snprintf(why, sizeof(why), "not moved to quarantine: %s", err);
		scan_report_path_error(report, path, why);
		return -1;
	}
	scan_report_moved(report, path, item.id);
	snprintf(id, idsize, "%s", item.id);
	return 0;
}
