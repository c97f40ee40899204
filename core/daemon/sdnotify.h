/* The systemd notification protocol (sd_notify) without libsystemd: a datagram to $NOTIFY_SOCKET. */
#ifndef FANGUARD_SDNOTIFY_H
#define FANGUARD_SDNOTIFY_H

#include <stdint.h>

/* Sends state ("READY=1", "WATCHDOG=1", ...) if run by systemd; a no-op otherwise. */
void sd_notify_send(const char *state);
/* The watchdog interval systemd asked for (WATCHDOG_USEC for this pid), in ms; 0 if none. */
unsigned sd_watchdog_ms(void);

#endif
