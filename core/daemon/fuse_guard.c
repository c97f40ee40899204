#include "daemon/fuse_guard.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/monotonic.h"
#include "common/small_read.h"
#include "daemon/marks.h"

#define CONNECTIONS "/sys/fs/fuse/connections"
#define FUSECTL_SUPER_MAGIC 0x65735543
#define TICK_MS 100

struct fuse_guard {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stopping;
	struct marks *marks;
	_Atomic uint64_t *busy_since;
	uint64_t threshold_ns;
	_Atomic unsigned long long aborted;
};

void fuse_guard_prepare(void)
{
	struct statfs sf;

	if (statfs(CONNECTIONS, &sf) != 0)
		return; /* no FUSE in this kernel (yet): nothing to guard */
	if ((unsigned long)sf.f_type == FUSECTL_SUPER_MAGIC)
		return;
	if (mount("fusectl", CONNECTIONS, "fusectl", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0)
		log_warning("cannot mount fusectl on %s (%s): a FUSE server that stops answering "
			    "could hold up every open on the watched filesystems",
			    CONNECTIONS, strerror(errno));
}

/* A small number from a file of fusectl's; -1 when it cannot be read. */
static long read_number(int dfd, const char *name)
{
	char buf[32];

	return small_read(dfd, name, buf, sizeof(buf)) < 0 ? -1 : strtol(buf, NULL, 10);
}

/*
 * fusectl names a connection by the kernel's encoding of the filesystem's
 * device number (major << 20 | minor), which is not glibc's dev_t.
 */
static dev_t connection_dev(unsigned long kdev)
{
	return makedev((unsigned)(kdev >> 20), (unsigned)(kdev & 0xfffff));
}

static void abort_connection(struct fuse_guard *g, int dfd, const char *name,
			     const char *mountpoint, long owner, long waiting)
{
	int fd = openat(dfd, "abort", O_WRONLY | O_CLOEXEC);
	uint64_t held = monotonic_ns() - atomic_load(g->busy_since);

	if (fd < 0 || write(fd, "1", 1) != 1) {
		log_error("FUSE filesystem on %s (mounted by uid %ld) leaves fanguardd waiting: "
			  "cannot abort connection %s: %s",
			  mountpoint, owner, name, strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	atomic_fetch_add(&g->aborted, 1);
	log_warning("FUSE filesystem on %s (mounted by uid %ld) left %ld request(s) unanswered "
		    "while fanguardd waited %llu ms on it, holding up every open on the watched "
		    "filesystems: its connection is aborted (the mount stays, dead, until it is "
		    "unmounted)",
		    mountpoint, owner, waiting, (unsigned long long)(held / 1000000));
}

/* The monitor is held up: FUSE connections below the watch paths with requests waiting go. */
static void abort_waiting(struct fuse_guard *g)
{
	DIR *d = opendir(CONNECTIONS);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char *end, mountpoint[PATH_MAX];
		unsigned long kdev = strtoul(de->d_name, &end, 10);
		long owner, waiting;
		int dfd;

		if (de->d_name[0] < '0' || de->d_name[0] > '9' || *end)
			continue;
		if (!marks_fuse_mount(g->marks, connection_dev(kdev), mountpoint,
				      sizeof(mountpoint), &owner))
			continue; /* not below a watch path: not ours to judge */
		if ((dfd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
			continue;
		if ((waiting = read_number(dfd, "waiting")) > 0)
			abort_connection(g, dfd, de->d_name, mountpoint, owner, waiting);
		close(dfd);
	}
	closedir(d);
}

static void *guard_main(void *arg)
{
	struct fuse_guard *g = arg;
	uint64_t handled = 0; /* the batch already dealt with */

	pthread_mutex_lock(&g->lock);
	while (!g->stopping) {
		struct timespec until;
		uint64_t busy;

		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += TICK_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&g->wake, &g->lock, &until);
		if (g->stopping)
			break;
		busy = atomic_load(g->busy_since);
		if (!busy || busy == handled || monotonic_ns() - busy < g->threshold_ns)
			continue;
		pthread_mutex_unlock(&g->lock);
		abort_waiting(g);
		handled = busy;
		pthread_mutex_lock(&g->lock);
	}
	pthread_mutex_unlock(&g->lock);
	return NULL;
}

struct fuse_guard *fuse_guard_start(struct marks *marks, _Atomic uint64_t *busy_since,
				    unsigned threshold_ms)
{
	struct fuse_guard *g = calloc(1, sizeof(*g));
	pthread_condattr_t attr;

	if (!g)
		return NULL;
	g->marks = marks;
	g->busy_since = busy_since;
	g->threshold_ns = (uint64_t)threshold_ms * 1000000ull;
	pthread_mutex_init(&g->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&g->wake, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&g->thread, NULL, guard_main, g) != 0) {
		pthread_cond_destroy(&g->wake);
		pthread_mutex_destroy(&g->lock);
		free(g);
		return NULL;
	}
	return g;
}

void fuse_guard_stop(struct fuse_guard *g)
{
	if (!g)
		return;
	pthread_mutex_lock(&g->lock);
	g->stopping = true;
	pthread_cond_signal(&g->wake);
	pthread_mutex_unlock(&g->lock);
	pthread_join(g->thread, NULL);
	pthread_cond_destroy(&g->wake);
	pthread_mutex_destroy(&g->lock);
	free(g);
}

unsigned long long fuse_guard_aborted(const struct fuse_guard *g)
{
	return g ? atomic_load(&g->aborted) : 0;
}
