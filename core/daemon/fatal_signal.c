#include "daemon/fatal_signal.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t fatal_fan_fd = -1;

static void on_fatal_signal(int sig)
{
	if (fatal_fan_fd >= 0)
		close(fatal_fan_fd);
	signal(sig, SIG_DFL);
	raise(sig);
}

void fatal_signal_install(int fan_fd)
{
	static const int fatal[] = { SIGSEGV, SIGABRT, SIGILL, SIGFPE, SIGBUS };
	struct sigaction sa, old;

	fatal_fan_fd = fan_fd;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++) {
		/* leave a handler someone installed on purpose (the scan threads' SIGBUS guard) */
		if (sigaction(fatal[i], NULL, &old) == 0 && old.sa_handler != SIG_DFL)
			continue;
		sigaction(fatal[i], &sa, NULL);
	}
}

void fatal_signal_forget(void)
{
	fatal_fan_fd = -1;
}
