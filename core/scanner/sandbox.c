#include "scanner/sandbox.h"

#include "common/log.h"
#include "scanner/landlock.h"

#include <errno.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pwd.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

int sandbox_resolve_user(const char *name, struct sandbox_user *u, char *err, size_t errlen)
{
	struct passwd *pw;
	char *end;
	unsigned long id;

	memset(u, 0, sizeof(*u));
	u->drop = geteuid() == 0;
	if (!u->drop)
		return 0;
	errno = 0;
	pw = getpwnam(name);
	if (!pw) {
		id = strtoul(name, &end, 10);
		if (*name && !*end)
			pw = getpwuid((uid_t)id);
	}
	if (!pw) {
		snprintf(err, errlen,
			 "scan user '%s' does not exist (create it: `useradd --system "
			 "--user-group --no-create-home --home-dir /nonexistent --shell "
			 "/usr/sbin/nologin %s`, as scripts/install-deps.sh and the package do; "
			 "a user no other process runs as, so nobody else can signal the "
			 "scanners)",
			 name, name);
		return -1;
	}
	if (pw->pw_uid == 0) {
		snprintf(err, errlen, "scan user '%s' is root: scanners must not run as root",
			 name);
		return -1;
	}
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	return 0;
}

static int set_caps(uint32_t caps, char *err, size_t errlen)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	data[0].effective = data[0].permitted = caps;
	if (syscall(SYS_capset, &hdr, data) != 0) {
		snprintf(err, errlen, "capset: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int sandbox_become_user(const struct sandbox_user *u, char *err, size_t errlen)
{
	if (!u->drop)
		return 0;
	if (setgroups(0, NULL) != 0 || setresgid(u->gid, u->gid, u->gid) != 0) {
		snprintf(err, errlen, "cannot switch to group %u: %s", (unsigned)u->gid,
			 strerror(errno));
		return -1;
	}
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0 || setresuid(u->uid, u->uid, u->uid) != 0) {
		snprintf(err, errlen, "cannot switch to user %u: %s", (unsigned)u->uid,
			 strerror(errno));
		return -1;
	}
	prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	return set_caps(1u << CAP_DAC_READ_SEARCH, err, errlen);
}

#if defined(__x86_64__)
#define SANDBOX_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SANDBOX_ARCH AUDIT_ARCH_AARCH64
#endif

/*
 * What a scanner needs after start-up: I/O on descriptors it was given, memory,
 * time, threads, and libclamav's per-scan temporary files. No socket(),
 * connect() (unless a plugin needs the network, below), execve(), ptrace(),
 * ioctl(), fork.
 */
static const int allowed_syscalls[] = {
	SYS_read,
	SYS_write,
	SYS_readv,
	SYS_writev,
	SYS_pread64,
	SYS_pwrite64,
	SYS_close,
	SYS_fstat,
	SYS_newfstatat,
	SYS_statx,
	SYS_lseek,
	SYS_mmap,
	SYS_munmap,
	SYS_mprotect,
	SYS_mremap,
	SYS_madvise,
	SYS_mincore,
	SYS_brk,
	SYS_futex,
	SYS_recvmsg,
	SYS_sendmsg,
	SYS_recvfrom,
	SYS_sendto,
	SYS_clock_gettime,
	SYS_clock_getres,
	SYS_clock_nanosleep,
	SYS_nanosleep,
	SYS_gettimeofday,
	SYS_getpid,
	SYS_gettid,
	SYS_getppid,
	SYS_getuid,
	SYS_geteuid,
	SYS_getgid,
	SYS_getegid,
	SYS_exit,
	SYS_exit_group,
	SYS_rt_sigreturn,
	SYS_rt_sigprocmask,
	SYS_rt_sigaction,
	SYS_sigaltstack,
	SYS_sched_yield,
	SYS_getrandom,
	SYS_openat,
	SYS_unlinkat,
	SYS_mkdirat,
	SYS_getdents64,
	SYS_fcntl,
	SYS_dup,
	SYS_dup3,
	SYS_ftruncate,
	SYS_fchmod,
	SYS_fchmodat,
	SYS_renameat,
	SYS_renameat2,
	SYS_readlinkat,
	SYS_faccessat,
	SYS_umask,
	SYS_set_robust_list,
	SYS_prlimit64,
	SYS_uname,
	SYS_sysinfo,
	SYS_getrusage,
	SYS_times,
	SYS_restart_syscall,
	SYS_ppoll,
	SYS_sched_getaffinity,
	SYS_fsync,
	SYS_fdatasync,
	SYS_fadvise64,
	SYS_getcwd,
	SYS_fstatfs,
	SYS_prctl,
	SYS_getrlimit,
#ifdef SYS_rseq
	SYS_rseq,
#endif
#ifdef SYS_faccessat2
	SYS_faccessat2,
#endif
#ifdef SYS_open /* the old calls x86_64 still has beside the *at ones */
	SYS_open,
	SYS_stat,
	SYS_lstat,
	SYS_unlink,
	SYS_mkdir,
	SYS_rmdir,
	SYS_chmod,
	SYS_rename,
	SYS_readlink,
	SYS_access,
	SYS_poll,
	SYS_dup2,
#endif
};

/*
 * What a scanner hosting a FG_PLUGIN_NEEDS_NETWORK plugin (clamd) may do on
 * top: connect to servers. send/recv and poll are already allowed; bind,
 * listen and accept stay refused, and socket() is further limited to the
 * families a client needs (no netlink, no packet sockets).
 */
static const int network_syscalls[] = {
	SYS_connect, SYS_setsockopt, SYS_getsockopt, SYS_shutdown, SYS_getsockname, SYS_getpeername,
};

#ifdef SANDBOX_ARCH
/*
 * A filter's first four instructions: another architecture's calls get
 * bad_arch (their numbers mean other calls), then the call number is loaded.
 */
static size_t filter_start(struct sock_filter *filter, uint32_t bad_arch)
{
	size_t k = 0;

	filter[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						   offsetof(struct seccomp_data, arch));
	filter[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SANDBOX_ARCH, 1, 0);
	filter[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, bad_arch);
	filter[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						   offsetof(struct seccomp_data, nr));
	return k;
}
#else
static int no_seccomp_here(char *err, size_t errlen)
{
	snprintf(err, errlen,
		 "seccomp filter not available on this architecture; "
		 "set scan { seccomp = false }");
	return -1;
}
#endif

static int install_seccomp(bool network, char *err, size_t errlen)
{
#ifdef SANDBOX_ARCH
	enum { N = sizeof(allowed_syscalls) / sizeof(allowed_syscalls[0]) };
	enum { NET = sizeof(network_syscalls) / sizeof(network_syscalls[0]) };
	struct sock_filter filter[4 + 5 + 2 * N + 2 * NET + 7 + 7];
	struct sock_fprog prog = { .filter = filter };
	size_t k = filter_start(filter, SECCOMP_RET_KILL_PROCESS);

	/*
	 * tgkill only into this process (abort, pthread_kill): another process
	 * of the scanners' user is not ours to signal. tkill and kill stay out.
	 */
	filter[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_tgkill, 0, 4);
	filter[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						   offsetof(struct seccomp_data, args[0]));
	filter[k++] =
		(struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)getpid(), 0, 1);
	filter[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	filter[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);

	for (size_t i = 0; i < N; i++) {
		filter[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
							   (uint32_t)allowed_syscalls[i], 0, 1);
		filter[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	}
	for (size_t i = 0; network && i < NET; i++) {
		filter[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
							   (uint32_t)network_syscalls[i], 0, 1);
		filter[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	}
	if (network) {
		/* socket(domain, ...): every path of these 7 returns; others jump past them */
		filter[k++] =
			(struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_socket, 0, 6);
		filter[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
							   offsetof(struct seccomp_data, args[0]));
		filter[k++] =
			(struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_UNIX, 2, 0);
		filter[k++] =
			(struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_INET, 1, 0);
		filter[k++] =
			(struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_INET6, 0, 1);
		filter[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
		filter[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
							   SECCOMP_RET_ERRNO | EAFNOSUPPORT);
	}
	/*
	 * Threads, not processes: clone only with CLONE_THREAD. clone3 hides its
	 * flags behind a pointer, so it answers ENOSYS and glibc falls back to clone.
	 */
	filter[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, 0, 1);
	filter[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
	filter[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, 0, 3);
	filter[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						   offsetof(struct seccomp_data, args[0]));
	filter[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_THREAD, 0, 1);
	filter[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	/* anything else fails with EPERM: an error verdict, not a dead scanner */
	filter[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
	prog.len = (unsigned short)k;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) != 0) {
		snprintf(err, errlen, "cannot install the seccomp filter: %s", strerror(errno));
		return -1;
	}
	return 0;
#else
	return no_seccomp_here(err, errlen);
#endif
}

/*
 * What the daemon itself (root, holding the fanotify group) never does: load
 * or replace kernels and modules, mount or pivot, enter or make namespaces,
 * load BPF, set the clock or host name, make device nodes, open files by
 * handle (the classic escape from a mount namespace), touch other processes'
 * memory or key rings. Denied with EPERM, so an attacker who took over the
 * daemon gets no further through these; everything else stays allowed, since
 * the daemon forks scanners, reads /proc, moves files into quarantine and
 * reloads plugins.
 */
static const int daemon_denied_syscalls[] = {
	SYS_kexec_load,
	SYS_init_module,
	SYS_finit_module,
	SYS_delete_module,
	SYS_reboot,
	SYS_swapon,
	SYS_swapoff,
	SYS_mount,
	SYS_umount2,
	SYS_pivot_root,
	SYS_chroot,
	SYS_setns,
	SYS_unshare,
	SYS_bpf,
	SYS_perf_event_open,
	SYS_userfaultfd,
	SYS_open_by_handle_at,
	SYS_name_to_handle_at,
	SYS_keyctl,
	SYS_add_key,
	SYS_request_key,
	SYS_acct,
	SYS_quotactl,
	SYS_settimeofday,
	SYS_clock_settime,
	SYS_clock_adjtime,
	SYS_adjtimex,
	SYS_sethostname,
	SYS_setdomainname,
	SYS_syslog,
	SYS_process_vm_writev,
	SYS_process_vm_readv,
	SYS_mknodat,
	SYS_vhangup,
#ifdef SYS_kexec_file_load
	SYS_kexec_file_load,
#endif
#ifdef SYS_mknod
	SYS_mknod,
#endif
#ifdef SYS_iopl
	SYS_iopl,
	SYS_ioperm,
#endif
#ifdef SYS_open_tree
	SYS_open_tree,
	SYS_move_mount,
	SYS_fsopen,
	SYS_fsconfig,
	SYS_fsmount,
	SYS_fspick,
#endif
#ifdef SYS_mount_setattr
	SYS_mount_setattr,
#endif
};

int sandbox_daemon_filter(char *err, size_t errlen)
{
#ifdef SANDBOX_ARCH
	enum { N = sizeof(daemon_denied_syscalls) / sizeof(daemon_denied_syscalls[0]) };
	struct sock_filter filter[4 + 2 * N + 1];
	struct sock_fprog prog = { .filter = filter };
	size_t k = filter_start(filter, SECCOMP_RET_ERRNO | EPERM);

	for (size_t i = 0; i < N; i++) {
		filter[k++] = (struct sock_filter)BPF_JUMP(
			BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)daemon_denied_syscalls[i], 0, 1);
		filter[k++] =
			(struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
	}
	filter[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	prog.len = (unsigned short)k;
	/* every thread of the daemon, also any a plugin started while loading */
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog) != 0) {
		snprintf(err, errlen, "cannot install the daemon's seccomp filter: %s",
			 strerror(errno));
		return -1;
	}
	return 0;
#else
	return no_seccomp_here(err, errlen);
#endif
}

bool sandbox_have_capability(unsigned cap)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (cap >= 64 || syscall(SYS_capget, &hdr, data) != 0)
		return false;
	return data[cap / 32].effective & (1u << (cap % 32));
}

int sandbox_lock_down(bool seccomp, bool network, const char *landlock_dir, char *err,
		      size_t errlen)
{
	char why[256];
	int abi;

	if (geteuid() != 0 || getuid() != 0) {
		/* a former root (or never root) may still hold capabilities: drop them all */
		struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
		struct __user_cap_data_struct data[2];

		if (syscall(SYS_capget, &hdr, data) == 0 &&
		    (data[0].permitted || data[1].permitted) && set_caps(0, err, errlen) != 0)
			return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		snprintf(err, errlen, "cannot set no_new_privs: %s", strerror(errno));
		return -1;
	}
	/* before seccomp, whose filter does not let the Landlock calls through */
	if (landlock_dir) {
		abi = landlock_confine(landlock_dir, why, sizeof(why));
		if (abi < 0) {
			snprintf(err, errlen,
				 "cannot confine the scanner with Landlock: %s (set "
				 "scan { landlock = false } to run without it)",
				 why);
			return -1;
		}
		if (abi == 0)
			log_warning(
				"%s: the scanner's files are limited by its user and seccomp only",
				why);
		else
			log_debug("Landlock ABI %d: files only beneath %s%s", abi, landlock_dir,
				  abi >= 6 ? ", signals and abstract sockets scoped" : "");
	}
	return seccomp ? install_seccomp(network, err, errlen) : 0;
}
