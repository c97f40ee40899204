#include "cli/scan_progress.h"
#include "common/monotonic.h"

#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define REDRAW_NS 100000000ull

void scan_progress_init(struct scan_progress *p, bool wanted)
{
	memset(p, 0, sizeof(*p));
	p->on = wanted && isatty(STDERR_FILENO);
	p->start_ns = monotonic_ns();
}

static unsigned terminal_width(void)
{
	struct winsize ws;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
		return ws.ws_col;
	return 80;
}

void scan_progress_update(struct scan_progress *p, unsigned long long files,
			  unsigned long long bytes, const char *path)
{
	uint64_t now;
	double seconds;
	char line[512];
	size_t width, len, room, plen;

	if (!p->on)
		return;
	now = monotonic_ns();
	if (p->drawn && now - p->last_ns < REDRAW_NS)
		return;
	p->last_ns = now;
	seconds = (double)(now - p->start_ns) / 1e9;
	if (seconds < 1e-3)
		seconds = 1e-3;
	len = (size_t)snprintf(line, sizeof(line), "%llu files  %.0f files/s  %.1f MB/s  ", files,
			       (double)files / seconds,
			       (double)bytes / (1024.0 * 1024.0) / seconds);
	width = terminal_width() - 1; /* the last column would wrap on some terminals */
	if (width > sizeof(line) - 1)
		width = sizeof(line) - 1;
	room = len < width ? width - len : 0;
	plen = strlen(path);
	if (room > 3 && plen > room) /* keep the end of the path: the file name */
		len += (size_t)snprintf(line + len, sizeof(line) - len, "...%s",
					path + plen - (room - 3));
	else if (room >= plen)
		len += (size_t)snprintf(line + len, sizeof(line) - len, "%s", path);
	fprintf(stderr, "\r\033[K%s", line);
	fflush(stderr);
	p->drawn = true;
}

void scan_progress_clear(struct scan_progress *p)
{
	if (!p->on || !p->drawn)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	p->drawn = false;
}
