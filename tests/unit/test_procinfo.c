/* procinfo: who caused an event, read from /proc, and how log lines name a process that has gone. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "common/procinfo.h"

static void test_a_live_process_is_named(void)
{
	struct procinfo who;
	char line[700], want[64];

	procinfo_read(getpid(), &who);
	CHECK(!who.exited);
	CHECK(who.uid == (long)getuid());
	CHECK(who.exe[0] == '/');
	snprintf(want, sizeof(want), "uid %ld, exe /", (long)getuid());
	CHECK_STR_CONTAINS(procinfo_describe(&who, line, sizeof(line)), want);
}

/* a writer reaped before its close_write was looked at: never "uid -1, exe ?" */
static void test_an_exited_process_says_so(void)
{
	struct procinfo who;
	char line[700];
	pid_t child = fork();

	if (child == 0)
		_exit(0);
	CHECK(child > 0 && waitpid(child, NULL, 0) == child);
	procinfo_read(child, &who);
	CHECK(who.exited);
	CHECK(strcmp(procinfo_describe(&who, line, sizeof(line)), "uid ?, exe ? (exited)") == 0);
}

/* exclude_exe's guard: all four uids, and the tracer of a process under ptrace */
static void test_guard_reads_uids_and_tracer(void)
{
	struct procinfo_guard g;
	pid_t child;
	int status;

	CHECK(procinfo_guard(getpid(), &g) == 0);
	CHECK(g.uid[0] == getuid() && g.uid[1] == geteuid() && g.uid[3] == geteuid());
	CHECK(g.tracer_pid == 0);
	child = fork();
	if (child == 0) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		raise(SIGSTOP);
		_exit(0);
	}
	CHECK(child > 0 && waitpid(child, &status, 0) == child && WIFSTOPPED(status));
	CHECK(procinfo_guard(child, &g) == 0);
	CHECK(g.tracer_pid == getpid());
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	CHECK(procinfo_guard(child, &g) == -1);
}

int main(void)
{
	test_guard_reads_uids_and_tracer();
	test_a_live_process_is_named();
	test_an_exited_process_says_so();
	return check_summary();
}
