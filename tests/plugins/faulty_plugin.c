/*
 * Fault injection: a plugin that misbehaves on purpose, every `every`-th scan.
 *   fault = "segv"     dereferences NULL
 *           "abort"    calls abort()
 *           "hang"     blocks forever (sleeps)
 *           "spin"     loops forever on the CPU
 *           "leak"     leaks `leak_mb` MiB (touched, so it is resident)
 *           "garbage"  returns a verdict value outside the enum
 *           "overflow" writes past the end of a heap buffer, then says clean
 *                      (AddressSanitizer stops it; without it the heap is corrupted, which
 *                      the allocator may or may not notice)
 *           "none"     behaves
 * Otherwise the file is clean. Built from the public header alone.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fanguard/plugin.h>

static const struct fg_option_spec faulty_options[] = {
	{ "fault", FG_OPT_STRING, "segv",
	  "segv, abort, hang, spin, leak, garbage, overflow or none" },
	{ "every", FG_OPT_INT, "1", "misbehave on every N-th scan" },
	{ "leak_mb", FG_OPT_INT, "16", "MiB leaked per fault with fault = \"leak\"" },
	{ NULL, 0, NULL, NULL },
};

struct faulty {
	char fault[16];
	long long every, leak_mb;
	unsigned long scans; /* racy across threads on purpose: an approximate count is fine */
};

static int faulty_init(const struct fg_host_api *host, const struct fg_options *opts, void **state,
		       char *err, size_t err_size)
{
	struct faulty *f = calloc(1, sizeof(*f));
	const char *fault = host->opt_string(opts, "fault");

	if (!f)
		return -1;
	strncpy(f->fault, fault ? fault : "segv", sizeof(f->fault) - 1);
	f->every = host->opt_int(opts, "every");
	f->leak_mb = host->opt_int(opts, "leak_mb");
	if (f->every < 1)
		f->every = 1;
	*state = f;
	return 0;
}

static enum fg_verdict faulty_scan(void *state, void *thread_ctx, const struct fg_scan_object *obj,
				   struct fg_scan_result *result)
{
	struct faulty *f = state;
	volatile int *null = NULL;

	if (++f->scans % (unsigned long)f->every != 0 || strcmp(f->fault, "none") == 0)
		return FG_VERDICT_CLEAN;
	if (strcmp(f->fault, "segv") == 0)
		return (enum fg_verdict) * null;
	if (strcmp(f->fault, "abort") == 0)
		abort();
	if (strcmp(f->fault, "hang") == 0)
		for (;;)
			sleep(1000);
	if (strcmp(f->fault, "spin") == 0)
		for (volatile unsigned long n = 0;; n++)
			;
	if (strcmp(f->fault, "leak") == 0) {
		size_t n = (size_t)f->leak_mb << 20;
		volatile char *p = malloc(n); /* volatile: kept, and every page made resident */
		for (size_t i = 0; p && i < n; i += 4096)
			p[i] = 0x5a;
		return FG_VERDICT_CLEAN;
	}
	if (strcmp(f->fault, "garbage") == 0)
		return (enum fg_verdict)1234;
	if (strcmp(f->fault, "overflow") == 0) {
		size_t size = 16;
		/* volatile: an optimizer would otherwise drop the whole unused buffer */
		volatile char *buf = malloc(size);
		if (buf) {
			for (size_t i = 0; i < size + 48; i++)
				buf[i] = 'A';
			free((void *)buf);
		}
		return FG_VERDICT_CLEAN;
	}
	return FG_VERDICT_CLEAN;
}

static void faulty_fini(void *state)
{
	free(state);
}

static const struct fg_plugin faulty_plugin = {
	FG_PLUGIN_HEADER,          .name = "faulty",
	.version = "1.0",          .description = "test plugin: misbehaves on purpose",
	.options = faulty_options, .init = faulty_init,
	.scan = faulty_scan,       .fini = faulty_fini,
};

FG_PLUGIN_DEFINE(faulty_plugin)
