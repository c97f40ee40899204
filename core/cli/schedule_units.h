/*
 * The systemd drop-ins that carry schedule { on_calendar, nice, io_class,
 * cpu_quota } into fanguard-scan.timer and fanguard-scan.service. The
 * generator (systemd/fanguard-scan-generator) runs `fanguard scheduled-scan
 * --write-units DIR` at boot and at every `systemctl daemon-reload`, so an
 * edited config takes effect at the next daemon-reload.
 */
#ifndef FANGUARD_SCHEDULE_UNITS_H
#define FANGUARD_SCHEDULE_UNITS_H

#include <stddef.h>

#include "common/config.h"

/* Writes DIR/fanguard-scan.{timer,service}.d/50-schedule.conf; 0, or -1 with err. */
int schedule_units_write(const struct config *cfg, const char *dir, char *err, size_t errlen);

#endif
