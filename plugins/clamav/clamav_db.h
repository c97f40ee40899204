/*
 * libclamav's process-wide set-up and the signature databases: cl_init and the
 * message hook once per process, then cl_load of every database the options
 * name, with errors that name the file and line at fault.
 */
#ifndef FANGUARD_CLAMAV_DB_H
#define FANGUARD_CLAMAV_DB_H

#include <stddef.h>
#include <stdint.h>

#include <clamav.h>

#include "fanguard/plugin.h"

/* cl_init and the message hook, the first time only; CL_SUCCESS or what cl_init said. */
cl_error_t clamav_library_init(void);

/* Loads the "database" option into engine with dboptions; adds to *count, or -1 with err. */
int clamav_load_databases(struct cl_engine *engine, const struct fg_host_api *host,
			  const struct fg_options *opts, unsigned int dboptions, uint64_t *count,
			  char *err, size_t err_size);

/* "A, B, C" from the database option, as the user wrote it, for messages. */
void clamav_format_databases(const struct fg_host_api *host, const struct fg_options *opts,
			     char *out, size_t size);

#endif /* FANGUARD_CLAMAV_DB_H */
