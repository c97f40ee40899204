#include "procinfo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void procinfo_read(pid_t pid, struct procinfo *out)
{
	char path[64], line[256];
	FILE *f;
	ssize_t n;

	out->uid = -1;
	snprintf(out->exe, sizeof(out->exe), "?");
	if (pid <= 0)
		return;
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, out->exe, sizeof(out->exe) - 1);
	out->exe[n > 0 ? n : 0] = '\0';
	if (n <= 0)
		snprintf(out->exe, sizeof(out->exe), "?");
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "Uid:", 4) == 0) {
			out->uid = strtol(line + 4, NULL, 10);
			break;
		}
	fclose(f);
}
