/*
 * If the daemon itself crashes, processes waiting on its answers must not
 * hang: a fatal signal closes the fanotify group first (the kernel then
 * allows them), then the process dies of the same signal, so systemd sees the
 * crash and restarts us. Process-wide: one fanotify group at a time.
 */
#ifndef FANGUARD_FATAL_SIGNAL_H
#define FANGUARD_FATAL_SIGNAL_H

/* Handles SIGSEGV, SIGABRT, SIGILL, SIGFPE and SIGBUS unless someone else already does. */
void fatal_signal_install(int fan_fd);
/* fan_fd is about to be closed: a crash from now on closes nothing. */
void fatal_signal_forget(void);

#endif
