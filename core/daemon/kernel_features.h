/*
 * What the kernel offers against what fanotify cannot see, for `fanguard
 * status`: an admin reads there what is open and which switch closes it.
 */
#ifndef FANGUARD_KERNEL_FEATURES_H
#define FANGUARD_KERNEL_FEATURES_H

struct textbuf;

/*
 * One "kernel:" line per gap: memfd files (memfd_create + fexecve) raise no
 * fanotify event, so only vm.memfd_noexec (Linux 6.3+) can stop fileless
 * execution. Reads /proc/sys at each call.
 */
void kernel_features_format(struct textbuf *tb);

#endif
