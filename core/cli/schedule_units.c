#include "cli/schedule_units.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int write_dropin(const char *dir, const char *unit, const char *cfg_path, const char *body,
			char *err, size_t errlen)
{
	char folder[PATH_MAX], file[PATH_MAX];
	FILE *f;

	snprintf(folder, sizeof(folder), "%s/%s.d", dir, unit);
	if (snprintf(file, sizeof(file), "%s/50-schedule.conf", folder) >= (int)sizeof(file)) {
		snprintf(err, errlen, "%s: path too long", folder);
		return -1;
	}
	if (mkdir(folder, 0755) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", folder, strerror(errno));
		return -1;
	}
	if (!(f = fopen(file, "we"))) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return -1;
	}
	fprintf(f,
		"# Made from schedule { } of %s by fanguard-scan-generator; edit that file\n"
		"# and run `systemctl daemon-reload` instead of this one.\n%s",
		cfg_path, body);
	if (fclose(f) != 0) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return -1;
	}
	return 0;
}

int schedule_units_write(const struct config *cfg, const char *dir, char *err, size_t errlen)
{
	const struct schedule_config *s = &cfg->schedule;
	char timer[512], service[256], quota[32] = "";

	/* the empty OnCalendar= drops the unit's own schedule instead of adding to it */
	snprintf(timer, sizeof(timer), "[Timer]\nOnCalendar=\nOnCalendar=%s\n", s->on_calendar);
	if (s->cpu_quota)
		snprintf(quota, sizeof(quota), "%u%%", s->cpu_quota);
	snprintf(service, sizeof(service),
		 "[Service]\nNice=%d\nIOSchedulingClass=%s\nCPUQuota=%s\n", s->nice,
		 s->io_idle ? "idle" : "best-effort", quota);
	if (write_dropin(dir, "fanguard-scan.timer", cfg->path, timer, err, errlen) != 0)
		return -1;
	return write_dropin(dir, "fanguard-scan.service", cfg->path, service, err, errlen);
}
