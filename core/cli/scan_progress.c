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

void scan_progress_count(struct scan_progress *p, unsigned long long bytes)
{
	atomic_fetch_add(&p->total_files, 1);
	atomic_fetch_add(&p->total_bytes, bytes);
}

void scan_progress_counted(struct scan_progress *p)
{
	atomic_store(&p->total_known, true);
}

/*
 * "120/450 files  26%  ETA 0:42  " once the total is known (the ETA by bytes,
 * or by files when the files are empty), "120 files (450+ found)  " before.
 */
static size_t format_counts(struct scan_progress *p, char *line, size_t size,
			    unsigned long long files, unsigned long long bytes, double seconds)
{
	unsigned long long total = atomic_load(&p->total_files);
	unsigned long long total_bytes = atomic_load(&p->total_bytes);
	double done, eta;

	if (!atomic_load(&p->total_known))
		return (size_t)snprintf(
			line, size, total > files ? "%llu files (%llu+ found)  " : "%llu files  ",
			files, total);
	if (total < files)
		total = files;
	if (total_bytes < bytes)
		total_bytes = bytes;
	done = total_bytes ? (double)bytes / (double)total_bytes
			   : (total ? (double)files / (double)total : 1.0);
	if (done <= 0.0 || seconds < 0.5)
		return (size_t)snprintf(line, size, "%llu/%llu files  %.0f%%  ", files, total,
					done * 100.0);
	eta = seconds / done - seconds;
	if (eta < 0)
		eta = 0;
	return (size_t)snprintf(line, size, "%llu/%llu files  %.0f%%  ETA %u:%02u  ", files, total,
				done * 100.0, (unsigned)eta / 60, (unsigned)eta % 60);
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
	len = format_counts(p, line, sizeof(line), files, bytes, seconds);
	len += (size_t)snprintf(line + len, sizeof(line) - len, "%.0f files/s  %.1f MB/s  ",
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
