/*
 * The clamav plugin's options and what each asks of libclamav: engine limits
 * (cl_engine_set_num, only for the ones the admin set, so libclamav keeps its
 * own defaults; max_scantime unset is half of verdict.timeout_ms), scan switches (struct cl_scan_options) and database switches
 * (cl_load's CL_DB_* flags). The switches mirror clamscan's, defaults included.
 */
#ifndef FANGUARD_CLAMAV_SETTINGS_H
#define FANGUARD_CLAMAV_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

#include <clamav.h>

#include "fanguard/plugin.h"

/* The declared options, NULL-name terminated. */
extern const struct fg_option_spec clamav_options[];

/*
 * Sets the limits the config names on engine, and max_scantime from the host's
 * timeout_ms when the config does not; -1 with file:line and option in err.
 */
int clamav_set_limits(struct cl_engine *engine, const struct fg_host_api *host,
		      const struct fg_options *opts, char *err, size_t err_size);

/* One info line with every limit as the engine has it, and which ones the config set. */
void clamav_log_limits(const struct cl_engine *engine, const struct fg_host_api *host,
		       const struct fg_options *opts);

/* The scan flags (general, parse, heuristic) and cl_load's dboptions the switches ask for. */
void clamav_switches(const struct fg_host_api *host, const struct fg_options *opts,
		     struct cl_scan_options *scan, unsigned int *dboptions);

#endif /* FANGUARD_CLAMAV_SETTINGS_H */
