/* fanguardd: the on-access scanning daemon. Runs in the foreground (the systemd way). */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "build_paths.h"
#include "common/eventlog.h"
#include "common/install_paths.h"
#include "common/log.h"
#include "daemon/control.h"
#include "daemon/fuse_guard.h"
#include "daemon/monitor.h"
#include "daemon/pipeline.h"
#include "daemon/quarantine_worker.h"
#include "daemon/sdnotify.h"
#include "daemon/signature_watch.h"
#include "scanner/runtime.h"
#include "scanner/sandbox.h"
#include "scanner/scanner.h"

#include <linux/capability.h>
#include <sys/resource.h>

/* How long shutdown waits for running scans after every event was answered. */
#define WORKER_STOP_WAIT_MS 2000

static void usage(FILE *out)
{
	fprintf(out,
		"usage: fanguardd [-c FILE] [-t] [-d] [-V] [-h]\n"
		"       (fanguardd --scanner NAME [--tmpdir DIR] -c FILE is how the daemon starts\n"
		"       its scanner process NAME)\n"
		"  -c, --config FILE  configuration file (default %s)\n"
		"  -t, --test         check the configuration and the plugins' signatures, then exit\n"
		"  -d, --debug        log debug messages\n"
		"  -V, --version      print the version and exit\n"
		"  -h, --help         print this help and exit\n",
		install_default_config());
}

/* SIGTERM, SIGINT, SIGHUP and SIGUSR1 (log statistics) arrive through a signalfd read by the monitor loop. */
static int block_signals(void)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0)
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

/*
 * Every event in flight holds a descriptor (two while a scan has it), so the
 * open-file limit bounds max_inflight: raise the soft limit, or lower
 * max_inflight to what the hard limit allows.
 */
static void budget_descriptors(struct config *cfg)
{
	rlim_t need = (rlim_t)cfg->max_inflight * 2 + 256;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	if (rl.rlim_cur < need) {
		rl.rlim_cur = rl.rlim_max < need ? rl.rlim_max : need;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur < need) {
		unsigned fit = rl.rlim_cur > 256 + 32 ? (unsigned)((rl.rlim_cur - 256) / 2) : 16;
		log_warning("open-file limit %llu is too low for max_inflight = %u; using %u",
			    (unsigned long long)rl.rlim_cur, cfg->max_inflight, fit);
		cfg->max_inflight = fit;
	}
}

static int serve(struct runtime *rt)
{
	char err[1024], plugins[1024];
	struct pipeline *pipeline;
	struct monitor *monitor;
	struct control *control = NULL;
	struct quarantine_worker *quarantine = NULL;
	struct signature_watch *signatures;
	struct pipeline_hooks hooks = { 0 };
	unsigned workers = runtime_workers(rt);
	int sfd, rc;

	if (rt->cfg.n_watch == 0) {
		log_error("%s: no watch paths configured (watch { paths = {\"/some/dir\"} })",
			  rt->cfg.path);
		return 1;
	}
	sfd = block_signals();
	if (sfd < 0) {
		log_error("cannot set up signal handling: %s", strerror(errno));
		return 1;
	}
	/* before the seccomp filter, whose refusal would otherwise be the only message */
	if (!sandbox_have_capability(CAP_SYS_ADMIN)) {
		log_error("fanguardd needs root: fanotify permission events take CAP_SYS_ADMIN, "
			  "which this process (uid %u) does not have; start it as root (systemctl "
			  "start fanguardd), or check a configuration with -t",
			  (unsigned)geteuid());
		return 1;
	}
	budget_descriptors(&rt->cfg);
	fuse_guard_prepare(); /* it mounts: before the filter */
	if (rt->cfg.seccomp && sandbox_daemon_filter(err, sizeof(err)) != 0) {
		log_error("%s", err);
		return 1;
	}
	if (eventlog_open(rt->cfg.event_log, (uint64_t)rt->cfg.event_log_max_mb << 20,
			  rt->cfg.event_log_keep, err, sizeof(err)) != 0) {
		log_error("%s", err);
		return 1;
	}
	log_start_async();
	/* the fanotify group first, unmarked: the pipeline is made knowing how to answer through it */
	monitor = monitor_create(&rt->cfg, err, sizeof(err));
	if (!monitor) {
		log_error("%s", err);
		return 1;
	}
	monitor_hooks(monitor, &hooks);
	/* before the first event: detections after close_write (or late ones) go to the quarantine */
	if (rt->cfg.quarantine_on_close_write || rt->cfg.late_quarantine) {
		quarantine = quarantine_worker_start(rt->cfg.quarantine_dir, err, sizeof(err));
		if (!quarantine) {
			log_error("%s", err);
			monitor_destroy(monitor);
			return 1;
		}
		hooks.on_detection = quarantine_worker_take;
		hooks.detection_ctx = quarantine;
		hooks.quarantine_late = rt->cfg.late_quarantine;
	}
	/* the data paths are in the plugins' options, which go with their code below */
	signatures = signature_watch_create(&rt->cfg);
	if (!signatures) {
		log_error("out of memory");
		monitor_destroy(monitor);
		quarantine_worker_stop(quarantine);
		return 1;
	}
	if (rt->cfg.isolate) {
		/* the daemon parses no content: it keeps the plugins' names, not their code */
		runtime_unload_plugin_code(rt);
		pipeline =
			pipeline_start_processes(&rt->engine, &rt->cfg, &hooks, err, sizeof(err));
	} else {
		pipeline = pipeline_start_threads(&rt->engine, workers, rt->cfg.max_inflight,
						  &hooks, err, sizeof(err));
	}
	if (!pipeline) {
		log_error("%s", err);
		signature_watch_stop(signatures);
		monitor_destroy(monitor);
		quarantine_worker_stop(quarantine);
		return 1;
	}
	if (monitor_watch(monitor, pipeline, err, sizeof(err)) != 0 ||
	    signature_watch_start(signatures, monitor, pipeline, err, sizeof(err)) != 0) {
		log_error("%s", err);
		signature_watch_stop(signatures);
		monitor_close(monitor);
		pipeline_stop(pipeline, WORKER_STOP_WAIT_MS);
		monitor_destroy(monitor);
		quarantine_worker_stop(quarantine);
		return 1;
	}
	if (rt->cfg.isolate)
		pipeline_describe_scanners(pipeline, plugins, sizeof(plugins));
	else
		runtime_describe_plugins(rt, plugins, sizeof(plugins));
	if (rt->cfg.control_socket[0] &&
	    !(control = control_start(rt->cfg.control_socket, rt, monitor, pipeline, signatures,
				      plugins, err, sizeof(err)))) {
		log_error("%s", err);
		signature_watch_stop(signatures);
		monitor_close(monitor);
		close(sfd);
		pipeline_stop(pipeline, WORKER_STOP_WAIT_MS);
		monitor_destroy(monitor);
		quarantine_worker_stop(quarantine);
		return 1;
	}
	log_notice("ready: watching %zu path(s) on %u mark(s); plugins: %s; policy %s, "
		   "timeout %u ms, %u workers, cache: %s, scanners: %s%s%s",
		   rt->cfg.n_watch, monitor_mark_count(monitor), plugins,
		   verdict_policy_name(rt->cfg.verdict.policy), rt->cfg.timeout_ms, workers,
		   monitor_cache_mode(monitor),
		   rt->cfg.isolate ? (rt->cfg.seccomp ? "sandboxed processes (seccomp)"
						      : "sandboxed processes")
				   : "threads in the daemon",
		   control ? ", control socket " : "", control ? rt->cfg.control_socket : "");
	sd_notify_send("READY=1");
	rc = monitor_run(monitor, sfd, sd_watchdog_ms());
	sd_notify_send("STOPPING=1");
	control_stop(control);
	/* before the pipeline: it asks the pipeline for reloads */
	signature_watch_stop(signatures);
	/* Every event read has been answered; closing the group releases any still queued. */
	monitor_close(monitor);
	close(sfd);
	if (pipeline_stop(pipeline, WORKER_STOP_WAIT_MS) != 0) {
		log_error("exiting with a scan still running; plugins not shut down");
		log_stop();
		_exit(rc == 0 ? 0 : 1);
	}
	/* the pipeline answered through it until it stopped */
	monitor_destroy(monitor);
	/* after the pipeline: no scan can hand over a detection any more; what is queued is moved */
	quarantine_worker_stop(quarantine);
	return rc == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *config_path = NULL, *scanner = NULL, *tmpdir = NULL;
	bool check_only = false, debug = false;
	struct runtime rt;
	char err[1024];
	int opt, rc;

	if (argc >= 3 && strcmp(argv[1], "--scanner") == 0) {
		scanner = argv[2];
		argv[2] = argv[0];
		argv += 2;
		argc -= 2;
		if (argc >= 3 && strcmp(argv[1], "--tmpdir") == 0) {
			tmpdir = argv[2];
			argv[2] = argv[0];
			argv += 2;
			argc -= 2;
		}
	}
	static const struct option long_opts[] = {
		{ "config", required_argument, NULL, 'c' }, { "test", no_argument, NULL, 't' },
		{ "debug", no_argument, NULL, 'd' },        { "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },         { NULL, 0, NULL, 0 },
	};

	while ((opt = getopt_long(argc, argv, "c:tdVh", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'c': config_path = optarg; break;
		case 't': check_only = true; break;
		case 'd': debug = true; break;
		case 'V': printf("fanguardd %s\n", FANGUARD_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (!config_path)
		config_path = install_default_config();
	if (scanner)
		return scanner_main(config_path, scanner, tmpdir, debug);
	log_init("fanguardd", 0, debug ? LOG_DEBUG : LOG_INFO);
	rc = runtime_open(&rt, config_path, err, sizeof(err));
	rt.answers_opens = true;
	/* scanner processes start their own plugins; -t checks every plugin here */
	if (rc == 0 && (check_only || !rt.cfg.isolate) &&
	    (rc = runtime_start(&rt, NULL, err, sizeof(err))) != 0)
		runtime_unload(&rt);
	if (rc != 0) {
		log_error("%s", err);
		log_error("not started: fix the configuration above");
		return 1;
	}
	log_init("fanguardd", rt.cfg.log_syslog, debug ? LOG_DEBUG : rt.cfg.log_level);
	if (check_only) {
		printf("%s: configuration OK\n", config_path);
		runtime_unload(&rt);
		return 0;
	}
	rc = serve(&rt);
	runtime_unload(&rt);
	log_notice("stopped");
	log_stop();
	return rc;
}
