#include "daemon/kernel_features.h"

#include <stdio.h>

#include "common/textbuf.h"

void kernel_features_format(struct textbuf *tb)
{
	static const char *const meaning[] = {
		"memfd files may be executed: fileless programs run unseen (set 2 to refuse)",
		"memfd files are not executable unless their creator asks (set 2 to refuse)",
		"memfd files are never executable",
	};
	FILE *f = fopen("/proc/sys/vm/memfd_noexec", "re");
	int v = -1;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	if (v >= 0 && v <= 2)
		textbuf_printf(tb, "kernel: vm.memfd_noexec = %d: %s\n", v, meaning[v]);
	else
		textbuf_printf(tb, "kernel: vm.memfd_noexec not offered (Linux 6.3+): fileless "
				   "programs (memfd_create + fexecve) run unseen\n");
}
