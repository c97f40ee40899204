/*
 * `fanguard status | health | reload | stats | top | explain PATH`: ask the
 * running daemon through its control socket.
 */
#include "cli/cmd_control.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/control_client.h"
#include "cli/scan_status_file.h"
#include "cli/stats_text.h"
#include "common/config.h"
#include "common/install_paths.h"

/* `fanguard status` when a scanner is disabled: running, but not protecting as configured. */
#define STATUS_DEGRADED 3

/* `fanguard health`: 0 ok, 1 degraded (and why), 2 no answer from the daemon (or usage). */
#define HEALTH_OK 0
#define HEALTH_DEGRADED 1
#define HEALTH_UNKNOWN 2

static int health(const char *socket, char *err, size_t errlen)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	int rc;

	if (!out) {
		fprintf(stderr, "fanguard health: out of memory\n");
		return HEALTH_UNKNOWN;
	}
	rc = control_request(socket, "health", out, err, errlen);
	fclose(out);
	if (rc != 0 || !text) {
		fprintf(stderr, "fanguard health: %s\n", rc < 0 ? err : "no answer from fanguardd");
		free(text);
		return HEALTH_UNKNOWN;
	}
	fwrite(text, 1, size, stdout);
	rc = strncmp(text, "ok\n", 3) == 0         ? HEALTH_OK
	     : strncmp(text, "DEGRADED\n", 9) == 0 ? HEALTH_DEGRADED
						   : HEALTH_UNKNOWN;
	free(text);
	return rc;
}

/*
 * The status text to stdout, then the scheduled scan's progress (read from its
 * file: it runs with or without the daemon); 0, or STATUS_DEGRADED when the
 * daemon says protection is degraded.
 */
static int status(const char *socket, const char *progress, char *err, size_t errlen)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	int rc;

	if (!out) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rc = control_request(socket, "status", out, err, errlen);
	fclose(out);
	if (text)
		fwrite(text, 1, size, stdout);
	scan_status_print(progress, stdout);
	if (rc == 0 && text && strstr(text, "\nhealth: DEGRADED"))
		rc = STATUS_DEGRADED;
	free(text);
	return rc;
}

static void usage(const char *command)
{
	if (strcmp(command, "explain") == 0)
		printf("usage: fanguard explain [-c FILE] PATH\n"
		       "why the running daemon would allow or deny PATH now\n");
	else if (strcmp(command, "top") == 0)
		printf("usage: fanguard top [-c FILE] [-n N]\n"
		       "the N programs and folders (default 10) that cost the most scan time\n");
	else
		printf("usage: fanguard %s [-c FILE]%s\n", command,
		       strcmp(command, "stats") == 0    ? " [--prometheus]"
		       : strcmp(command, "status") == 0 ? " [--top [-n N]]"
							: "");
}

/* "explain /ABSOLUTE/PATH": the daemon resolves it again, but not against our directory. */
static int explain_command(const char *path, char *line, size_t size)
{
	char absolute[PATH_MAX];

	if (strpbrk(path, "\r\n")) {
		fprintf(stderr,
			"fanguard explain: a path with a line break cannot be asked about\n");
		return -1;
	}
	if (!realpath(path, absolute)) {
		fprintf(stderr, "fanguard explain: %s: %s\n", path, strerror(errno));
		return -1;
	}
	snprintf(line, size, "explain %s", absolute);
	return 0;
}

/* `stats`: Prometheus' text as the daemon sends it, or (by default) a readable form of it. */
static int stats(const char *socket, bool prometheus, char *err, size_t errlen)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out;
	int rc;

	if (prometheus)
		return control_request(socket, "stats", stdout, err, errlen);
	if (!(out = open_memstream(&text, &size))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rc = control_request(socket, "stats", out, err, errlen);
	fclose(out);
	if (rc == 0 && text)
		stats_text_print(text, stdout);
	free(text);
	return rc;
}

int cmd_control(int argc, char **argv)
{
	const char *command = argv[0], *config_path = NULL;
	static const struct option longopts[] = {
		{ "prometheus", no_argument, NULL, 'p' },
		{ "config", required_argument, NULL, 'c' },
		{ "top", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool explain = strcmp(command, "explain") == 0, top = strcmp(command, "top") == 0;
	char line[PATH_MAX + 64];
	unsigned long top_n = 10;
	struct config cfg;
	char err[1024], *end;
	bool prometheus = false;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "c:n:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c': config_path = optarg; break;
		case 'p': prometheus = true; break;
		case 't': top = strcmp(command, "status") == 0; break;
		case 'n':
			top_n = strtoul(optarg, &end, 10);
			if (*end || !optarg[0] || top_n == 0 || top_n > 64) {
				fprintf(stderr, "fanguard %s: -n %s: a number from 1 to 64\n",
					command, optarg);
				return 2;
			}
			break;
		case 'h': usage(command); return 0;
		default: return 2;
		}
	}
	if (explain && optind + 1 != argc) {
		fprintf(stderr, "fanguard explain: one PATH, please (fanguard explain -h)\n");
		return 2;
	}
	if (!explain && optind != argc) {
		fprintf(stderr, "fanguard %s: unexpected argument '%s'\n", command, argv[optind]);
		return 2;
	}
	if (explain && explain_command(argv[optind], line, sizeof(line)) != 0)
		return 2;
	if (top)
		snprintf(line, sizeof(line), "top %lu", top_n);
	if (!explain && !top)
		snprintf(line, sizeof(line), "%s", command);
	if (!config_path)
		config_path = install_default_config();
	/* the config says where the daemon listens */
	if (config_load(config_path, install_plugin_dir(), &cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "fanguard: %s\n", err);
		return 2;
	}
	if (strcmp(command, "health") == 0) {
		rc = health(cfg.control_socket, err, sizeof(err));
		config_free(&cfg);
		return rc;
	}
	if (strcmp(line, "status") == 0)
		rc = status(cfg.control_socket, cfg.schedule.progress, err, sizeof(err));
	else if (strcmp(command, "stats") == 0)
		rc = stats(cfg.control_socket, prometheus, err, sizeof(err));
	else
		rc = control_request(cfg.control_socket, line, stdout, err, sizeof(err));
	if (rc < 0)
		fprintf(stderr, "fanguard %s: %s\n", command, err);
	config_free(&cfg);
	return rc < 0 ? 1 : rc;
}
