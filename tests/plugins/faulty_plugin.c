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
 *           "escape"   acts as a compromised plugin would: reads `escape_read`, creates a
 *                      file in `escape_dir`, signals (0) the process `escape_pid`, and
 *                      reports as an error what each got ("ok" or the errno's text)
 *           "none"     behaves
 * Otherwise the file is clean. Built from the public header alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <fanguard/plugin.h>

static const struct fg_option_spec faulty_options[] = {
	{ "fault", FG_OPT_STRING, "segv",
	  "segv, abort, hang, spin, leak, garbage, overflow or none" },
	{ "every", FG_OPT_INT, "1", "misbehave on every N-th scan" },
	{ "leak_mb", FG_OPT_INT, "16", "MiB leaked per fault with fault = \"leak\"" },
	{ "escape_read", FG_OPT_STRING, "", "fault = \"escape\": a file to read" },
	{ "escape_dir", FG_OPT_STRING, "", "fault = \"escape\": a folder to create a file in" },
	{ "escape_pid", FG_OPT_INT, "0", "fault = \"escape\": a process to signal" },
	{ NULL, 0, NULL, NULL },
};

struct faulty {
	char fault[16];
	long long every, leak_mb, escape_pid;
	char escape_read[256], escape_dir[256];
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
	f->escape_pid = host->opt_int(opts, "escape_pid");
	snprintf(f->escape_read, sizeof(f->escape_read), "%s",
		 host->opt_string(opts, "escape_read"));
	snprintf(f->escape_dir, sizeof(f->escape_dir), "%s", host->opt_string(opts, "escape_dir"));
	if (f->every < 1)
		f->every = 1;
	*state = f;
	return 0;
}

static const char *outcome(int rc)
{
	return rc >= 0 ? "ok" : strerror(errno);
}

/* What a plugin taken over by a malicious file would try; each outcome goes in the message. */
static enum fg_verdict escape(const struct faulty *f, struct fg_scan_result *result)
{
	char path[300];
	int fd = open(f->escape_read, O_RDONLY | O_CLOEXEC);
	char got_read[64], got_write[64], got_signal[64];

	snprintf(got_read, sizeof(got_read), "%s", outcome(fd));
	if (fd >= 0)
		close(fd);
	snprintf(path, sizeof(path), "%s/planted-by-scanner", f->escape_dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	snprintf(got_write, sizeof(got_write), "%s", outcome(fd));
	if (fd >= 0)
		close(fd);
	/* tgkill: the one signalling call the seccomp filter ever allowed */
	snprintf(got_signal, sizeof(got_signal), "%s",
		 outcome((int)syscall(SYS_tgkill, (pid_t)f->escape_pid, (pid_t)f->escape_pid, 0)));
	snprintf(result->threat, result->threat_size, "escape: read %s; write %s; signal %s",
		 got_read, got_write, got_signal);
	return FG_VERDICT_ERROR;
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
	if (strcmp(f->fault, "escape") == 0)
		return escape(f, result);
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
