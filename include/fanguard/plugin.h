/*
 * fanguard scanner plugin ABI.
 *
 * A plugin is a shared object that exports one symbol, FG_PLUGIN_ENTRY_SYMBOL,
 * a function returning a pointer to a constant struct fg_plugin. The host reads
 * abi_major first and refuses the plugin when it differs from its own; it reads
 * struct_size to know which appended fields the plugin was built with.
 *
 * Compatibility promise: within one major version fields are only ever appended
 * to the structs below; none is removed, reordered or retyped.
 *
 * What each minor added sits below a "Version 1.N and later" comment, in
 * append order. Everything without such a comment is 1.0: every 1.x host and
 * plugin has it. 1.1 added one flag, FG_PLUGIN_NEEDS_NETWORK, and no field;
 * 1.2 appended fg_host_api.check_data_file; 1.3 appended fg_plugin.max_file_size and
 * fg_scan_result.flags (FG_RESULT_NOT_CACHEABLE).
 *
 * This header includes only standard headers; a plugin needs nothing else from
 * fanguard. Build plugins with -fvisibility=hidden and mark the entry with
 * FG_PLUGIN_EXPORT.
 */
#ifndef FANGUARD_PLUGIN_H
#define FANGUARD_PLUGIN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ABI version: a different major is refused; a newer minor only appends. */
#define FG_PLUGIN_ABI_MAJOR 1
#define FG_PLUGIN_ABI_MINOR \
	5 /* 1.0: first release; 1.1: FG_PLUGIN_NEEDS_NETWORK; 1.2: check_data_file; 1.3: max_file_size, result flags; 1.4: deadline_ns; 1.5: timeout_ms */

/* The one symbol the host looks up with dlsym(). */
#define FG_PLUGIN_ENTRY_SYMBOL "fanguard_plugin_entry"

/* Default visibility for the entry function, the one symbol a plugin exports. */
#define FG_PLUGIN_EXPORT __attribute__((visibility("default")))

/* Size of the host buffer that receives a threat name or an error message. */
#define FG_THREAT_MAX 256

/*
 * True when the struct at ptr (a struct of this header that starts with
 * struct_size, as the other side filled it in) is large enough to hold field,
 * i.e. the other side was built with that field. ptr must not be NULL:
 *   if (FG_HAS_FIELD(host, struct fg_host_api, opt_origin)) ...
 */
#define FG_HAS_FIELD(ptr, type, field) \
	((ptr)->struct_size >= offsetof(type, field) + sizeof((ptr)->field))

/* What a plugin says about one file. */
enum fg_verdict {
	FG_VERDICT_CLEAN = 0,    /* nothing found */
	FG_VERDICT_DETECTED = 1, /* threat found; name in result->threat */
	FG_VERDICT_ERROR = 2,    /* could not decide; message in result->threat */
	FG_VERDICT_TRUSTED = 3,  /* known good: overrides every detection (allowlists) */
};

/* Why the file is being scanned. */
enum fg_event_kind {
	FG_EVENT_OPEN = 1,        /* a process is opening the file (permission event) */
	FG_EVENT_EXEC = 2,        /* a process is executing the file (permission event) */
	FG_EVENT_CLOSE_WRITE = 3, /* the file was closed after writing (notification) */
	FG_EVENT_ON_DEMAND = 4,   /* `fanguard scan` or another explicit request */
};

/* Option value types a plugin can declare. */
enum fg_option_type {
	FG_OPT_BOOL = 1,        /* default "true" or "false" */
	FG_OPT_INT = 2,         /* default a decimal integer, e.g. "30" */
	FG_OPT_STRING = 3,      /* default a string, or NULL for unset */
	FG_OPT_STRING_LIST = 4, /* default in config syntax, e.g. "{\"a\", \"b\"}", or NULL */
	FG_OPT_PATH_LIST = 5, /* as STRING_LIST; relative items resolve against the config folder */
};

/*
 * One option of `plugin NAME { ... }`. Arrays end with an entry whose name is NULL.
 * Plugin-owned, like the descriptor that points to the array: static, for as
 * long as the shared object is loaded (the host keeps pointers to the entries).
 */
struct fg_option_spec {
	const char *name;          /* key in the config file */
	enum fg_option_type type;  /* value type, checked by the config parser */
	const char *default_value; /* textual default (see enum fg_option_type), or NULL */
	const char *help;          /* one line, shown in errors and documentation */
};

/*
 * Opaque handle to the parsed options of one plugin section. Host-owned: built
 * from the config before init, valid until fini returns, then freed by the
 * host. Keep the pointer init got (log needs it during scans); never free it.
 */
struct fg_options;

/* Log levels for fg_host_api.log (syslog priorities). */
enum fg_log_level {
	FG_LOG_ERROR = 3,
	FG_LOG_WARNING = 4,
	FG_LOG_INFO = 6,
	FG_LOG_DEBUG = 7,
};

/*
 * Services the host offers a plugin. Host-owned and read-only: passed to init,
 * valid until fini returns; keep the pointer in state.
 *
 * The option getters (opt_bool to opt_list_item) take the opts handle init got
 * and a name the plugin declared; an undeclared name, or the getter of another
 * type, logs an error and returns 0 or NULL. The strings the getters and
 * opt_origin return are host-owned, belong to opts and stay valid as long as
 * it does (until fini returns): never free or modify them.
 */
struct fg_host_api {
	uint32_t struct_size; /* sizeof(struct fg_host_api) as the host was built */
	/* Log a line prefixed with the plugin's name; fanguardd queues it (no blocking I/O). */
	void (*log)(const struct fg_options *opts, enum fg_log_level level, const char *fmt, ...)
		__attribute__((format(printf, 3, 4)));
	/* Value of an FG_OPT_BOOL option: 1 or 0. */
	int (*opt_bool)(const struct fg_options *opts, const char *name);
	/* Value of an FG_OPT_INT option. */
	long long (*opt_int)(const struct fg_options *opts, const char *name);
	/* Value of an FG_OPT_STRING option; NULL if unset. */
	const char *(*opt_string)(const struct fg_options *opts, const char *name);
	/* Number of items of an FG_OPT_STRING_LIST or FG_OPT_PATH_LIST option. */
	size_t (*opt_list_count)(const struct fg_options *opts, const char *name);
	/* Item number index of a list option (path lists come resolved); NULL past the end. */
	const char *(*opt_list_item)(const struct fg_options *opts, const char *name, size_t index);
	/* File and line (line may be NULL) where the option was set; "" and 0 if defaulted. */
	const char *(*opt_origin)(const struct fg_options *opts, const char *name, unsigned *line);
	/* Version 1.2 and later (check with FG_HAS_FIELD): */
	/*
	 * Checks a file the plugin is about to load by itself, one no option names
	 * (a rule file's include, say), as the host checks the files its options
	 * name: when the host runs as root, the file and every folder above it
	 * must belong to root or a system account and be writable by no one else.
	 * 0, or -1 with the reason (naming the file) in err. Call it in init only.
	 */
	int (*check_data_file)(const struct fg_options *opts, const char *path, char *err,
			       size_t err_size);
	/* Version 1.5 and later (check with FG_HAS_FIELD): */
	/*
	 * verdict.timeout_ms of the config the plugin was started with: how long
	 * an open waits for the verdict before verdict.on_timeout answers it; 0
	 * when nobody waits (fanguard scan's and plugin-test's own scans; `scan
	 * --daemon` scans in fanguardd's scanners). An engine with a limit
	 * on a whole scan's time keeps it below this, so that a file that takes
	 * long (an archive bomb) ends with a verdict, not with on_timeout.
	 */
	unsigned (*timeout_ms)(const struct fg_options *opts);
};

/*
 * The file being scanned. Host-owned: the struct and everything it points to
 * (fd, path, data, st, sha256) are valid only during the scan call. data is the
 * scanning thread's read buffer, reused by its next scan, or a mapping the host
 * removes after the call: copy what must outlive the call, keep no pointer.
 */
struct fg_scan_object {
	uint32_t struct_size;        /* sizeof(struct fg_scan_object) as the host was built */
	int fd;                      /* host's read-only descriptor; read with pread, never close */
	const char *path;            /* informational only: never reopen the file by path */
	const unsigned char *data;   /* the whole file, read-only; NULL if empty or not mapped */
	size_t size;                 /* bytes at data (the file size when data is NULL) */
	const struct stat *st;       /* fstat() of fd taken before the scan */
	pid_t pid;                   /* process that caused the event, 0 for on-demand scans */
	enum fg_event_kind kind;     /* why the file is being scanned */
	const unsigned char *sha256; /* SHA-256 (32 bytes) if FG_PLUGIN_NEEDS_SHA256, else NULL */
	/* Version 1.4 and later (check with FG_HAS_FIELD): */
	/*
	 * CLOCK_MONOTONIC time (ns) by which the scan must have returned, 0 for
	 * none. A plugin whose engine has a time limit lowers it to what is left,
	 * and returns FG_VERDICT_ERROR when it runs out: the host kills a scanner
	 * whose scan runs much longer as hung, and every scan it holds fails.
	 */
	uint64_t deadline_ns;
};

/*
 * Where a plugin writes its answer. Host-owned, valid only during the scan call.
 * threat is a host buffer the host empties before the call and NUL-terminates
 * after it; this host gives FG_THREAT_MAX bytes.
 */
struct fg_scan_result {
	uint32_t struct_size; /* sizeof(struct fg_scan_result) as the host was built */
	char *threat;         /* host buffer: threat name (DETECTED) or error message (ERROR) */
	size_t threat_size;   /* capacity of threat, at least FG_THREAT_MAX */
	/* Version 1.3 and later (check with FG_HAS_FIELD): */
	uint32_t flags; /* FG_RESULT_* the plugin sets; the host clears it before the call */
};

/*
 * Result flags (1.3). FG_RESULT_NOT_CACHEABLE: this vote depends on more than
 * the file's content and the loaded signatures (its name, its owner: rules on
 * YARA's filename external, say), so the host must not remember the verdict
 * for the inode: a hard link or a rename would give the file another name
 * without changing it. Every open of such a file is scanned again.
 */
#define FG_RESULT_NOT_CACHEABLE (1u << 0)

/*
 * Plugin flags. A host ignores flags it does not know, so a plugin setting a
 * newer flag still loads on an older host (it just does not get the service).
 */
#define FG_PLUGIN_NEEDS_SHA256 (1u << 0) /* host computes the SHA-256 once for all plugins */
/* Version 1.1 and later */
#define FG_PLUGIN_NEEDS_NETWORK (1u << 1) /* scan talks to servers: see Sandbox below */

/*
 * The descriptor. Callbacks return 0 on success and -1 on failure with a
 * message in err (a host buffer of err_size bytes, always at least
 * FG_THREAT_MAX, valid during the call only).
 *
 * Lifetime: the plugin owns the descriptor and everything it points to (name,
 * version, description, the options array and its strings). Make them static
 * and const: the host copies the struct when it loads the shared object but
 * keeps reading those pointers until it unloads it (dlclose). The entry
 * function may be called more than once in a process, also while the plugin
 * is started; it must only return the descriptor.
 *
 * state (what init stores in *state) and each thread context are the plugin's:
 * the host passes them back untouched, state until fini, a thread context
 * until its thread_fini.
 *
 * Threading: init and fini are called from one thread with no scan in
 * progress. scan is called concurrently from many threads, each with its own
 * thread context; state must be read-only during scans or protected by the
 * plugin.
 *
 * Sandbox: after init and thread_init the host may confine the process that
 * hosts the plugin (an unprivileged user, no capabilities, a seccomp filter).
 * Scans may then read and write descriptors they own, allocate memory, read
 * clocks and poll, but not open sockets, execute programs or fork. Open files
 * and resolve host names in init. thread_fini and thread_init may run again
 * inside the sandbox, to renew the contexts of a thread whose scan was
 * abandoned (SIGBUS: the file was truncated under the mapping).
 * Version 1.1 and later: a plugin with FG_PLUGIN_NEEDS_NETWORK may also create
 * AF_UNIX, AF_INET and AF_INET6 sockets and connect, send, receive, poll,
 * set/get socket options and shut them down during scans; the host grants this
 * only to the scanner process that hosts such a plugin, and gives such a plugin
 * a scanner process of its own unless the config names one.
 */
struct fg_plugin {
	uint32_t abi_major;                   /* FG_PLUGIN_ABI_MAJOR the plugin was built with */
	uint32_t abi_minor;                   /* FG_PLUGIN_ABI_MINOR the plugin was built with */
	uint32_t struct_size;                 /* sizeof(struct fg_plugin) as the plugin was built */
	uint32_t flags;                       /* FG_PLUGIN_* flags */
	const char *name;                     /* short name, matches `plugin NAME` in the config */
	const char *version;                  /* plugin's own version string */
	const char *description;              /* one line for status output */
	const struct fg_option_spec *options; /* declared options, NULL-name terminated, or NULL */

	/* Load signatures/rules from the options; *state is passed to every other call. */
	int (*init)(const struct fg_host_api *host, const struct fg_options *opts, void **state,
		    char *err, size_t err_size);
	/* Optional: create one scan thread's context (e.g. a YARA scanner). */
	int (*thread_init)(void *state, void **thread_ctx, char *err, size_t err_size);
	/* Optional, with thread_init: destroy a context thread_init created. */
	void (*thread_fini)(void *state, void *thread_ctx);
	/* Decide about one file; writes result->threat for DETECTED and ERROR. */
	enum fg_verdict (*scan)(void *state, void *thread_ctx, const struct fg_scan_object *obj,
				struct fg_scan_result *result);
	/* Reserved: never called by this host (a reload starts fresh scanners); set it to NULL. */
	int (*reload)(void *state, char *err, size_t err_size);
	/* Release everything init created. */
	void (*fini)(void *state);
	/* Optional: number of signatures/rules/entries loaded, for status output. */
	uint64_t (*signature_count)(void *state);
	/* Version 1.3 and later (check with FG_HAS_FIELD): */
	/*
	 * Optional: the largest file, in bytes, the plugin scans with the options it
	 * was started with; 0 for no limit. Called once after init. The host does
	 * not call scan for a larger file: the plugin abstains from it (it is
	 * counted as skipped). A file that every plugin skips is handled by the
	 * host's verdict.on_too_large. Without this callback (and from a plugin
	 * built for ABI 1.2 or before) the plugin is asked about every file.
	 */
	uint64_t (*max_file_size)(void *state);
};

/* Fills the version fields; use as the first line of the descriptor initializer. */
#define FG_PLUGIN_HEADER                                                    \
	.abi_major = FG_PLUGIN_ABI_MAJOR, .abi_minor = FG_PLUGIN_ABI_MINOR, \
	.struct_size = sizeof(struct fg_plugin)

/* Type of the entry function. */
typedef const struct fg_plugin *(*fg_plugin_entry_fn)(void);

/* Declares the entry function returning the given descriptor. */
#define FG_PLUGIN_DEFINE(descriptor)                                          \
	FG_PLUGIN_EXPORT const struct fg_plugin *fanguard_plugin_entry(void); \
	FG_PLUGIN_EXPORT const struct fg_plugin *fanguard_plugin_entry(void)  \
	{                                                                     \
		return &(descriptor);                                         \
	}

#ifdef __cplusplus
}
#endif

#endif /* FANGUARD_PLUGIN_H */
