/* `fanguard status | reload | stats`: ask the running daemon through its control socket. */
#include "cli/cmd_control.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/control_client.h"
#include "cli/stats_text.h"
#include "common/config.h"
#include "common/install_paths.h"

/* `fanguard status` when a scanner is disabled: running, but not protecting as configured. */
#define STATUS_DEGRADED 3

/* The status text to stdout; 0, or STATUS_DEGRADED when the daemon says protection is degraded. */
static int status(const char *socket, char *err, size_t errlen)
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
	if (rc == 0 && text && strstr(text, "\nhealth: DEGRADED"))
		rc = STATUS_DEGRADED;
	free(text);
	return rc;
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct config cfg;
	char err[1024];
	bool prometheus = false;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c': config_path = optarg; break;
		case 'p': prometheus = true; break;
		case 'h':
			printf("usage: fanguard %s [-c FILE]%s\n", command,
			       strcmp(command, "stats") == 0 ? " [--prometheus]" : "");
			return 0;
		default: return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "fanguard %s: unexpected argument '%s'\n", command, argv[optind]);
		return 2;
	}
	if (!config_path)
		config_path = install_default_config();
	/* the config says where the daemon listens */
	if (config_load(config_path, install_plugin_dir(), &cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "fanguard: %s\n", err);
		return 2;
	}
	if (strcmp(command, "status") == 0)
		rc = status(cfg.control_socket, err, sizeof(err));
	else if (strcmp(command, "stats") == 0)
		rc = stats(cfg.control_socket, prometheus, err, sizeof(err));
	else
		rc = control_request(cfg.control_socket, command, stdout, err, sizeof(err));
	if (rc < 0)
		fprintf(stderr, "fanguard %s: %s\n", command, err);
	config_free(&cfg);
	return rc < 0 ? 1 : rc;
}
