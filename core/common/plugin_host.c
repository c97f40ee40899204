#include "common/plugin_host.h"
#include "common/trust.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"

static int open_descriptor(struct plugin *p, bool adopt_name, char *err, size_t errlen);

int plugin_open(struct plugin *p, char *err, size_t errlen)
{
	return open_descriptor(p, false, err, errlen);
}

/* Until the descriptor is read, messages name the plugin by its file: "dir/future.so" -> "future". */
int plugin_open_file(struct plugin *p, const char *so_path, char *err, size_t errlen)
{
	const char *base = strrchr(so_path, '/') ? strrchr(so_path, '/') + 1 : so_path;
	size_t len = strlen(base);

	memset(p, 0, sizeof(*p));
	if (len > 3 && strcmp(base + len - 3, ".so") == 0)
		len -= 3;
	p->name = strndup(base, len);
	p->so_path = strdup(so_path);
	if (!p->name || !p->so_path) {
		snprintf(err, errlen, "%s: out of memory", so_path);
		plugin_close(p);
		return -1;
	}
	if (open_descriptor(p, true, err, errlen) != 0) {
		plugin_close(p);
		return -1;
	}
	return 0;
}

static int open_descriptor(struct plugin *p, bool adopt_name, char *err, size_t errlen)
{
	fg_plugin_entry_fn entry;
	const struct fg_plugin *d;

	if (!p->name || !p->so_path) {
		snprintf(err, errlen, "plugin without name or path");
		return -1;
	}
	if (trust_check("plugin", p->so_path, err, errlen) != 0)
		return -1;
	p->dl = dlopen(p->so_path, RTLD_NOW | RTLD_LOCAL);
	if (!p->dl) {
		snprintf(err, errlen, "plugin '%s': cannot load %s: %s", p->name, p->so_path,
			 dlerror());
		return -1;
	}
	*(void **)&entry = dlsym(p->dl, FG_PLUGIN_ENTRY_SYMBOL);
	if (!entry) {
		snprintf(err, errlen, "plugin '%s': %s is not a fanguard plugin (no symbol %s)",
			 p->name, p->so_path, FG_PLUGIN_ENTRY_SYMBOL);
		goto fail;
	}
	d = entry();
	if (!d) {
		snprintf(err, errlen, "plugin '%s': %s returned no descriptor", p->name,
			 p->so_path);
		goto fail;
	}
	if (d->abi_major != FG_PLUGIN_ABI_MAJOR) {
		snprintf(
			err, errlen,
			"plugin '%s' (%s) was built for plugin ABI %u.%u but this fanguard speaks ABI "
			"%u.%u; rebuild it against this fanguard/plugin.h",
			p->name, p->so_path, d->abi_major, d->abi_minor, FG_PLUGIN_ABI_MAJOR,
			FG_PLUGIN_ABI_MINOR);
		goto fail;
	}
	/* The smallest descriptor accepted: every field up to and including fini. */
	if (!FG_HAS_FIELD(d, struct fg_plugin, fini)) {
		snprintf(err, errlen, "plugin '%s' (%s): descriptor too small (%u bytes)", p->name,
			 p->so_path, d->struct_size);
		goto fail;
	}
	/* Fields appended after the plugin was built read as zero. */
	memset(&p->desc, 0, sizeof(p->desc));
	memcpy(&p->desc, d, d->struct_size < sizeof(p->desc) ? d->struct_size : sizeof(p->desc));
	if (adopt_name && p->desc.name && p->desc.name[0]) {
		char *name = strdup(p->desc.name);
		if (!name) {
			snprintf(err, errlen, "plugin '%s': out of memory", p->name);
			goto fail;
		}
		free(p->name);
		p->name = name;
	}
	if (!p->desc.name || strcmp(p->desc.name, p->name) != 0) {
		snprintf(err, errlen, "plugin '%s': %s contains plugin '%s'", p->name, p->so_path,
			 p->desc.name ? p->desc.name : "(unnamed)");
		goto fail;
	}
	if (!p->desc.init || !p->desc.scan || !p->desc.fini) {
		snprintf(err, errlen, "plugin '%s' (%s): descriptor lacks init, scan or fini",
			 p->name, p->so_path);
		goto fail;
	}
	return 0;
fail:
	dlclose(p->dl);
	p->dl = NULL;
	return -1;
}

int plugin_start(struct plugin *p, char *err, size_t errlen)
{
	char msg[FG_THREAT_MAX * 4] = "";

	if (p->desc.init(&options_host_api, p->opts, &p->state, msg, sizeof(msg)) != 0) {
		msg[sizeof(msg) - 1] = '\0';
		snprintf(err, errlen, "plugin '%s': %s", p->name, msg[0] ? msg : "init failed");
		return -1;
	}
	p->started = true;
	p->size_limit = p->desc.max_file_size ? p->desc.max_file_size(p->state) : 0;
	return 0;
}

void plugin_format_limit(uint64_t limit, char *buf, size_t size)
{
	if (limit)
		snprintf(buf, size, "max_file_size %llu", (unsigned long long)limit);
	else
		snprintf(buf, size, "no max_file_size");
}

void plugin_close(struct plugin *p)
{
	if (p->started)
		p->desc.fini(p->state);
	p->started = false;
	if (p->dl)
		dlclose(p->dl);
	p->dl = NULL;
	options_free(p->opts);
	p->opts = NULL;
	free(p->name);
	free(p->so_path);
	free(p->scanner);
	p->name = p->so_path = p->scanner = NULL;
}
