/* A plugin claiming a future major ABI version: the host must refuse it by name. */
#include <fanguard/plugin.h>

static enum fg_verdict future_scan(void *state, void *thread_ctx, const struct fg_scan_object *obj,
				   struct fg_scan_result *result)
{
	return FG_VERDICT_CLEAN;
}

static int future_init(const struct fg_host_api *host, const struct fg_options *opts, void **state,
		       char *err, size_t err_size)
{
	return 0;
}

static void future_fini(void *state)
{
}

static const struct fg_plugin future_plugin = {
	.abi_major = FG_PLUGIN_ABI_MAJOR + 1,
	.abi_minor = 0,
	.struct_size = sizeof(struct fg_plugin),
	.name = "future",
	.version = "9.0",
	.init = future_init,
	.scan = future_scan,
	.fini = future_fini,
};

FG_PLUGIN_DEFINE(future_plugin)
