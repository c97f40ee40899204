#include "common/install_paths.h"

#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build_paths.h"

/* PREFIX/rel, where PREFIX is the parent of the executable's folder; NULL if unknown. */
static const char *beside_prefix(char *out, size_t outsize, const char *rel)
{
	char exe[PATH_MAX];
	ssize_t n;

	if (rel[0] == '/') {
		snprintf(out, outsize, "%s", rel);
		return out;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	snprintf(out, outsize, "%s/../%s", dirname(exe), rel);
	return out;
}

const char *install_plugin_dir(void)
{
	static char dir[PATH_MAX];
	const char *env = getenv("FANGUARD_PLUGIN_DIR");

	if (env && *env)
		return env;
	if (!dir[0] && !beside_prefix(dir, sizeof(dir), FANGUARD_PLUGIN_RELDIR))
		return FANGUARD_PLUGIN_FALLBACK_DIR;
	return dir;
}

const char *install_default_config(void)
{
	static char path[PATH_MAX];
	const char *env = getenv("FANGUARD_CONFIG");

	if (env && *env)
		return env;
	if (!path[0] && !beside_prefix(path, sizeof(path), FANGUARD_CONF_RELDIR "/fanguard.conf"))
		return FANGUARD_CONF_FALLBACK_DIR "/fanguard.conf";
	return path;
}
