/*
 * fg_inject: the ptrace attack on an excluded program, for the end-to-end tests.
 *   fg_inject PROGRAM FILE
 * starts PROGRAM as its traced child (PTRACE_TRACEME, stopped right after execve),
 * makes the child call openat(AT_FDCWD, FILE, O_RDONLY) by rewriting its registers and
 * one instruction, takes the descriptor the child got with pidfd_getfd and reads FILE
 * through it. Prints FILE's bytes (exit 0), or the errno name of what failed: the
 * injected openat (exit 3 for EPERM, 4 otherwise) or the tool itself (exit 2). The
 * child is killed either way. x86-64 only; elsewhere it exits 77 (a skip).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fg_util.h"

/* The errno's name on stdout, and the exit code the caller chose. */
static int report_errno(int err, int code)
{
	fg_print_errno(err);
	return code;
}

#if defined(__x86_64__)
/* Copies len bytes into the child at addr, a word at a time. */
static int poke_bytes(pid_t child, uintptr_t addr, const char *bytes, size_t len)
{
	for (size_t off = 0; off < len; off += sizeof(long)) {
		long word = 0;

		memcpy(&word, bytes + off, len - off < sizeof(long) ? len - off : sizeof(long));
		if (ptrace(PTRACE_POKEDATA, child, (void *)(addr + off), (void *)word) != 0)
			return -1;
	}
	return 0;
}

/* The child runs one openat of path; returns its result (an fd or -errno). */
static long inject_openat(pid_t child, const char *path)
{
	struct user_regs_struct saved, regs;
	uintptr_t where;
	long code;
	int status;

	if (ptrace(PTRACE_GETREGS, child, NULL, &saved) != 0)
		return -1000 - errno;
	/* the path goes well below the stack pointer (past the red zone) */
	where = (uintptr_t)(saved.rsp - 4096) & ~(uintptr_t)15;
	if (poke_bytes(child, where, path, strlen(path) + 1) != 0)
		return -1000 - errno;
	/* "syscall" (0f 05) over the instruction the child stopped at */
	errno = 0;
	code = ptrace(PTRACE_PEEKTEXT, child, (void *)saved.rip, NULL);
	if (errno)
		return -1000 - errno;
	code = (long)(((unsigned long)code & ~0xffffUL) | 0x050fUL);
	if (ptrace(PTRACE_POKETEXT, child, (void *)saved.rip, (void *)code) != 0)
		return -1000 - errno;
	regs = saved;
	regs.rax = SYS_openat;
	regs.orig_rax = (unsigned long long)-1;
	regs.rdi = (unsigned long long)(long long)AT_FDCWD;
	regs.rsi = where;
	regs.rdx = O_RDONLY;
	regs.r10 = 0;
	if (ptrace(PTRACE_SETREGS, child, NULL, &regs) != 0 ||
	    ptrace(PTRACE_SINGLESTEP, child, NULL, NULL) != 0)
		return -1000 - errno;
	if (waitpid(child, &status, 0) != child || !WIFSTOPPED(status))
		return -1000 - ECHILD;
	if (ptrace(PTRACE_GETREGS, child, NULL, &regs) != 0)
		return -1000 - errno;
	return (long)regs.rax;
}

int main(int argc, char **argv)
{
	char buf[65536];
	long got;
	pid_t child;
	int status, pidfd, fd;
	ssize_t n;

	if (argc != 3) {
		fprintf(stderr, "usage: fg_inject PROGRAM FILE\n");
		return 2;
	}
	child = fork();
	if (child < 0)
		return report_errno(errno, 2);
	if (child == 0) {
		char *args[] = { argv[1], "--version", NULL };

		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		execv(argv[1], args); /* stops with SIGTRAP once the new program is in place */
		_exit(127);
	}
	if (waitpid(child, &status, 0) != child || !WIFSTOPPED(status) ||
	    WSTOPSIG(status) != SIGTRAP) {
		fprintf(stderr, "fg_inject: %s did not stop after execve\n", argv[1]);
		return 2;
	}
	got = inject_openat(child, argv[2]);
	if (got <= -1000) {
		kill(child, SIGKILL);
		return report_errno((int)(-got - 1000), 2);
	}
	if (got < 0) {
		kill(child, SIGKILL);
		return report_errno((int)-got, got == -EPERM ? 3 : 4);
	}
	pidfd = (int)syscall(SYS_pidfd_open, child, 0);
	fd = pidfd < 0 ? -1 : (int)syscall(SYS_pidfd_getfd, pidfd, (int)got, 0);
	if (fd < 0) {
		int err = errno;

		kill(child, SIGKILL);
		return report_errno(err, 2);
	}
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	return n < 0 ? report_errno(errno, 4) : 0;
}
#else
int main(void)
{
	fprintf(stderr, "fg_inject: x86-64 only\n");
	return 77;
}
#endif
