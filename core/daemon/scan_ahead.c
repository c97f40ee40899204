#include "daemon/scan_ahead.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/log.h"

#define FOLDERS_MAX 64     /* folders waiting to be walked */
#define CANDIDATES_MAX 256 /* files opened, waiting for the monitor: descriptors held */
#define WALKED_MAX 1024    /* folders remembered as walked since the last reload */

struct scan_ahead {
	pthread_mutex_t lock;
	pthread_cond_t work, room;
	pthread_t thread;
	bool running, stopping;
	unsigned per_folder;
	int efd;
	char *folders[FOLDERS_MAX];
	unsigned folder_head, n_folders;
	struct rescan_file *rescan; /* newest first */
	size_t n_rescan, next_rescan;
	struct ahead_candidate cand[CANDIDATES_MAX];
	unsigned cand_head, n_cand;
	uint64_t walked[WALKED_MAX]; /* hashes of folder paths; 0: empty */
	_Atomic unsigned long long folders_walked, files_opened, skipped;
};

static uint64_t path_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h ? h : 1;
}

/* True if dir was walked already; remembers it otherwise (a small open-addressed set). */
static bool seen_folder(struct scan_ahead *sa, const char *dir)
{
	uint64_t h = path_hash(dir);

	for (unsigned i = 0; i < 8; i++) {
		uint64_t *slot = &sa->walked[(h + i) % WALKED_MAX];

		if (*slot == h)
			return true;
		if (*slot == 0) {
			*slot = h;
			return false;
		}
	}
	/* full around here: overwrite, at worst a folder is walked twice */
	sa->walked[h % WALKED_MAX] = h;
	return false;
}

static int open_no_symlinks(const char *path, uint64_t flags)
{
	struct open_how how = {
		.flags = flags | O_CLOEXEC | O_NOFOLLOW,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
}

/*
 * The regular file pfd (an O_PATH descriptor) is, opened for reading through
 * that descriptor: a name swapped meanwhile for a FIFO or a device is never
 * opened. O_NOATIME where allowed, so a background read leaves no trace.
 */
static int reopen_regular(int pfd, struct stat *st)
{
	char self[64];
	struct stat now;
	int fd;

	if (fstat(pfd, st) != 0 || !S_ISREG(st->st_mode))
		return -1;
	snprintf(self, sizeof(self), "/proc/self/fd/%d", pfd);
	fd = open(self, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | O_NOATIME);
	if (fd < 0 && errno == EPERM)
		fd = open(self, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &now) != 0 || now.st_dev != st->st_dev || now.st_ino != st->st_ino) {
		close(fd);
		return -1;
	}
	*st = now;
	return fd;
}

/* Hands a file to the monitor, waiting while the candidates are full. False: stopping. */
static bool hand_over(struct scan_ahead *sa, int fd, const struct stat *st, const char *path,
		      enum scan_background why)
{
	struct ahead_candidate *c;
	char *copy = strdup(path);

	if (!copy) {
		close(fd);
		return true;
	}
	pthread_mutex_lock(&sa->lock);
	while (sa->n_cand == CANDIDATES_MAX && !sa->stopping)
		pthread_cond_wait(&sa->room, &sa->lock);
	if (sa->stopping) {
		pthread_mutex_unlock(&sa->lock);
		close(fd);
		free(copy);
		return false;
	}
	c = &sa->cand[(sa->cand_head + sa->n_cand) % CANDIDATES_MAX];
	c->fd = fd;
	c->st = *st;
	c->why = why;
	c->path = copy;
	sa->n_cand++;
	pthread_mutex_unlock(&sa->lock);
	atomic_fetch_add(&sa->files_opened, 1);
	eventfd_write(sa->efd, 1);
	return true;
}

/* The first per_folder names readdir gives that may be regular files. */
static size_t read_names(struct scan_ahead *sa, int dfd, char (*names)[NAME_MAX + 1])
{
	int copy = dup(dfd);
	DIR *d = copy >= 0 ? fdopendir(copy) : NULL;
	struct dirent *de;
	size_t n = 0;

	if (!d) {
		if (copy >= 0)
			close(copy);
		return 0;
	}
	while (n < sa->per_folder && (de = readdir(d))) {
		if (de->d_type != DT_REG && de->d_type != DT_UNKNOWN) {
			if (de->d_type != DT_DIR)
				atomic_fetch_add(&sa->skipped, 1);
			continue;
		}
		snprintf(names[n++], NAME_MAX + 1, "%s", de->d_name);
	}
	closedir(d);
	return n;
}

/*
 * The walk starts at the end of the folder farther from the file whose open
 * sent it: a reader that opened the first name readdir gives goes on towards
 * the last, one that opened the last goes back towards the first (tmpfs lists
 * newest first, so a reader in creation order does that). Walking from the
 * other end, the two meet in the middle instead of scanning the same files
 * side by side, each of them twice.
 */
static bool walk_forward(char (*names)[NAME_MAX + 1], size_t n, const char *opened)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], opened) == 0)
			return i >= n / 2;
	return false;
}

static void walk_folder(struct scan_ahead *sa, const char *dir, const char *opened)
{
	char(*names)[NAME_MAX + 1] = malloc(sa->per_folder * sizeof(*names));
	char path[PATH_MAX];
	int dfd =
		open_no_symlinks(dir, O_RDONLY | O_DIRECTORY); /* readdir needs more than O_PATH */
	bool forward;
	size_t n;

	if (!names || dfd < 0)
		goto out;
	atomic_fetch_add(&sa->folders_walked, 1);
	n = read_names(sa, dfd, names);
	forward = walk_forward(names, n, opened);
	for (size_t k = 0; k < n; k++) {
		const char *name = names[forward ? k : n - 1 - k];
		struct stat st;
		int pfd, fd;

		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
			continue;
		pfd = openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		fd = pfd >= 0 ? reopen_regular(pfd, &st) : -1;
		if (pfd >= 0)
			close(pfd);
		if (fd < 0) {
			atomic_fetch_add(&sa->skipped, 1);
			continue;
		}
		if (!hand_over(sa, fd, &st, path, SCAN_AHEAD))
			break;
	}
out:
	if (dfd >= 0)
		close(dfd);
	free(names);
}

/* A file verdicted before the reload, if its name still leads to the same inode. */
static void reopen_for_rescan(struct scan_ahead *sa, const struct rescan_file *f)
{
	int pfd = open_no_symlinks(f->path, O_PATH);
	struct stat st;
	int fd = pfd >= 0 ? reopen_regular(pfd, &st) : -1;

	if (pfd >= 0)
		close(pfd);
	if (fd >= 0 && (st.st_dev != f->dev || st.st_ino != f->ino)) {
		close(fd);
		fd = -1;
	}
	if (fd < 0) {
		atomic_fetch_add(&sa->skipped, 1);
		return;
	}
	hand_over(sa, fd, &st, f->path, SCAN_RESCAN);
}

static void free_rescan(struct rescan_file *files, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(files[i].path);
	free(files);
}

static void *walker_main(void *arg)
{
	struct scan_ahead *sa = arg;

	pthread_mutex_lock(&sa->lock);
	while (!sa->stopping) {
		if (sa->n_folders) {
			char *opened = sa->folders[sa->folder_head];
			char *slash = strrchr(opened, '/');

			sa->folder_head = (sa->folder_head + 1) % FOLDERS_MAX;
			sa->n_folders--;
			pthread_mutex_unlock(&sa->lock);
			*slash = '\0'; /* the folder, then the name */
			walk_folder(sa, slash == opened ? "/" : opened, slash + 1);
			free(opened);
			pthread_mutex_lock(&sa->lock);
		} else if (sa->next_rescan < sa->n_rescan) {
			struct rescan_file f = sa->rescan[sa->next_rescan];

			/* the path stays the list's: forget frees the list only under the lock */
			f.path = strdup(f.path);
			sa->next_rescan++;
			pthread_mutex_unlock(&sa->lock);
			if (f.path)
				reopen_for_rescan(sa, &f);
			free(f.path);
			pthread_mutex_lock(&sa->lock);
		} else {
			pthread_cond_wait(&sa->work, &sa->lock);
		}
	}
	pthread_mutex_unlock(&sa->lock);
	return NULL;
}

struct scan_ahead *scan_ahead_start(unsigned per_folder, char *err, size_t errlen)
{
	struct scan_ahead *sa = calloc(1, sizeof(*sa));

	if (!sa) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&sa->lock, NULL);
	pthread_cond_init(&sa->work, NULL);
	pthread_cond_init(&sa->room, NULL);
	sa->per_folder = per_folder ? per_folder : 1;
	sa->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (sa->efd < 0 || pthread_create(&sa->thread, NULL, walker_main, sa) != 0) {
		snprintf(err, errlen, "cannot start the scan-ahead thread: %s", strerror(errno));
		scan_ahead_stop(sa);
		return NULL;
	}
	sa->running = true;
	return sa;
}

void scan_ahead_stop(struct scan_ahead *sa)
{
	if (!sa)
		return;
	pthread_mutex_lock(&sa->lock);
	sa->stopping = true;
	pthread_cond_broadcast(&sa->work);
	pthread_cond_broadcast(&sa->room);
	pthread_mutex_unlock(&sa->lock);
	if (sa->running)
		pthread_join(sa->thread, NULL);
	for (; sa->n_folders;
	     sa->n_folders--, sa->folder_head = (sa->folder_head + 1) % FOLDERS_MAX)
		free(sa->folders[sa->folder_head]);
	for (; sa->n_cand; sa->n_cand--, sa->cand_head = (sa->cand_head + 1) % CANDIDATES_MAX) {
		close(sa->cand[sa->cand_head].fd);
		free(sa->cand[sa->cand_head].path);
	}
	free_rescan(sa->rescan, sa->n_rescan);
	if (sa->efd >= 0)
		close(sa->efd);
	pthread_cond_destroy(&sa->work);
	pthread_cond_destroy(&sa->room);
	pthread_mutex_destroy(&sa->lock);
	free(sa);
}

bool scan_ahead_folder(struct scan_ahead *sa, const char *opened)
{
	const char *slash = strrchr(opened, '/');
	char dir[PATH_MAX];
	bool queued = false;
	char *copy;

	if (!slash || slash[1] == '\0')
		return false;
	snprintf(dir, sizeof(dir), "%.*s", slash == opened ? 1 : (int)(slash - opened), opened);
	pthread_mutex_lock(&sa->lock);
	if (sa->n_folders < FOLDERS_MAX && !seen_folder(sa, dir) && (copy = strdup(opened))) {
		sa->folders[(sa->folder_head + sa->n_folders) % FOLDERS_MAX] = copy;
		sa->n_folders++;
		pthread_cond_signal(&sa->work);
		queued = true;
	}
	pthread_mutex_unlock(&sa->lock);
	return queued;
}

void scan_ahead_rescan(struct scan_ahead *sa, struct rescan_file *files, size_t n)
{
	struct rescan_file *old;
	size_t n_old;

	pthread_mutex_lock(&sa->lock);
	old = sa->rescan;
	n_old = sa->n_rescan;
	sa->rescan = files;
	sa->n_rescan = n;
	sa->next_rescan = 0;
	pthread_cond_signal(&sa->work);
	pthread_mutex_unlock(&sa->lock);
	free_rescan(old, n_old);
}

void scan_ahead_forget(struct scan_ahead *sa)
{
	struct rescan_file *old;
	size_t n_old;

	pthread_mutex_lock(&sa->lock);
	memset(sa->walked, 0, sizeof(sa->walked));
	old = sa->rescan;
	n_old = sa->n_rescan;
	sa->rescan = NULL;
	sa->n_rescan = sa->next_rescan = 0;
	pthread_mutex_unlock(&sa->lock);
	free_rescan(old, n_old);
}

int scan_ahead_fd(const struct scan_ahead *sa)
{
	return sa->efd;
}

bool scan_ahead_take(struct scan_ahead *sa, struct ahead_candidate *out)
{
	bool got = false;

	pthread_mutex_lock(&sa->lock);
	if (sa->n_cand) {
		*out = sa->cand[sa->cand_head];
		sa->cand_head = (sa->cand_head + 1) % CANDIDATES_MAX;
		sa->n_cand--;
		pthread_cond_signal(&sa->room);
		got = true;
	}
	pthread_mutex_unlock(&sa->lock);
	return got;
}

void scan_ahead_counts(struct scan_ahead *sa, unsigned long long *folders,
		       unsigned long long *opened, unsigned long long *skipped)
{
	*folders = atomic_load(&sa->folders_walked);
	*opened = atomic_load(&sa->files_opened);
	*skipped = atomic_load(&sa->skipped);
}
