/*
 * fg_openbench: per-file open + read(all) + close latency, the cost an on-access scanner adds.
 *
 *   fg_openbench mkfiles DIR N SIZE     create DIR/f0 .. DIR/f{N-1}, SIZE random bytes each
 *   fg_openbench seq DIR N              open+read+close DIR/f0 .. f{N-1} one after another
 *   fg_openbench par DIR N THREADS      THREADS threads share DIR/f0 .. f{N-1} (each file once)
 *   fg_openbench same FILE THREADS      THREADS threads open FILE at once (released by a barrier)
 *   fg_openbench list FILE_OF_PATHS     like seq, over the paths listed one per line
 *   fg_openbench probe FILE             one open+read: prints "ok" or the errno name
 *
 * Every measuring mode prints one line of key=value pairs (times in microseconds or
 * milliseconds, CLOCK_MONOTONIC), e.g.
 *   seq files=2000 ok=2000 failed=0 p50_us=9.1 p99_us=31.0 mean_us=10.2 max_us=120.5 total_ms=20.4
 * and exits 1 if any open or read failed (the first failure is named on stderr).
 * Files are read with 128 KiB read(2) calls, the buffer size cat(1) uses.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define READ_CHUNK (128 * 1024)

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void usage(void)
{
	fprintf(stderr, "usage: fg_openbench mkfiles DIR N SIZE\n"
			"       fg_openbench seq DIR N\n"
			"       fg_openbench par DIR N THREADS\n"
			"       fg_openbench same FILE THREADS\n"
			"       fg_openbench list FILE_OF_PATHS\n"
			"       fg_openbench probe FILE\n");
	exit(2);
}

static size_t parse_count(const char *s, size_t min)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || v < min || v > (1ULL << 40)) {
		fprintf(stderr, "fg_openbench: bad number '%s'\n", s);
		exit(2);
	}
	return (size_t)v;
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		perror("fg_openbench: malloc");
		exit(2);
	}
	return p;
}

/* open + read everything + close. Returns 0 or an errno value. */
static int touch_file(const char *path, char *buf)
{
	ssize_t n;
	int fd, err = 0;

	do
		fd = open(path, O_RDONLY | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return errno;
	for (;;) {
		n = read(fd, buf, READ_CHUNK);
		if (n > 0)
			continue;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			err = errno;
		break;
	}
	if (close(fd) != 0 && !err && errno != EINTR)
		err = errno;
	return err;
}

static const char *errname(int err)
{
	const char *name = strerrorname_np(err);

	return name ? name : "EUNKNOWN";
}

/* ---- statistics ---------------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted array. */
static double pct(const double *v, size_t n, double p)
{
	size_t rank;

	if (n == 0)
		return 0.0;
	rank = (size_t)(p / 100.0 * (double)n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return v[rank - 1];
}

/* Prints p50/p99/mean/max of the n latencies in lat (sorted in place). */
static void print_stats(double *lat, size_t n)
{
	double sum = 0.0;

	qsort(lat, n, sizeof(*lat), cmp_double);
	for (size_t i = 0; i < n; i++)
		sum += lat[i];
	printf(" p50_us=%.1f p99_us=%.1f mean_us=%.1f max_us=%.1f", pct(lat, n, 50),
	       pct(lat, n, 99), n ? sum / (double)n : 0.0, n ? lat[n - 1] : 0.0);
}

/* ---- one thread, a list of paths ----------------------------------------------------- */

static int run_paths(const char *mode, char **paths, size_t n)
{
	double *lat = xmalloc(n * sizeof(*lat));
	char *buf = xmalloc(READ_CHUNK);
	size_t ok = 0, failed = 0, done = 0;
	double t0, t1;

	t0 = now_us();
	for (size_t i = 0; i < n; i++) {
		double a = now_us();
		int err = touch_file(paths[i], buf);
		double b = now_us();

		if (err) {
			if (!failed)
				fprintf(stderr, "fg_openbench: %s: %s (%s)\n", paths[i],
					errname(err), strerror(err));
			failed++;
			continue;
		}
		lat[done++] = b - a;
		ok++;
	}
	t1 = now_us();
	printf("%s files=%zu ok=%zu failed=%zu", mode, n, ok, failed);
	print_stats(lat, done);
	printf(" total_ms=%.1f\n", (t1 - t0) / 1e3);
	free(lat);
	free(buf);
	return failed ? 1 : 0;
}

static char **numbered_paths(const char *dir, size_t n)
{
	char **paths = xmalloc(n * sizeof(*paths));

	for (size_t i = 0; i < n; i++) {
		if (asprintf(&paths[i], "%s/f%zu", dir, i) < 0) {
			perror("fg_openbench: asprintf");
			exit(2);
		}
	}
	return paths;
}

static void free_paths(char **paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

static char **read_list(const char *file, size_t *count)
{
	FILE *f = fopen(file, "re");
	char **paths = NULL, *line = NULL;
	size_t cap = 0, n = 0, linecap = 0;
	ssize_t len;

	if (!f) {
		fprintf(stderr, "fg_openbench: %s: %s\n", file, strerror(errno));
		exit(2);
	}
	while ((len = getline(&line, &linecap, f)) >= 0) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0)
			continue;
		if (n == cap) {
			char **grown;

			cap = cap ? cap * 2 : 1024;
			grown = realloc(paths, cap * sizeof(*paths));
			if (!grown) {
				perror("fg_openbench: realloc");
				exit(2);
			}
			paths = grown;
		}
		paths[n] = strdup(line);
		if (!paths[n]) {
			perror("fg_openbench: strdup");
			exit(2);
		}
		n++;
	}
	free(line);
	fclose(f);
	*count = n;
	return paths;
}

/* ---- many threads --------------------------------------------------------------------- */

struct shared {
	char **paths;       /* par: the files; same: paths[0] */
	size_t n;           /* par: number of files */
	double *lat;        /* par: per file; same: per thread */
	int *err;           /* same: per thread */
	atomic_size_t next; /* par: next file to take */
	atomic_size_t failed;
	pthread_barrier_t start;
};

struct worker {
	struct shared *sh;
	size_t index;
	double t_start, t_end; /* this thread's first and last moment of work */
};

static void note_failure(struct shared *sh, const char *path, int err)
{
	if (atomic_fetch_add(&sh->failed, 1) == 0)
		fprintf(stderr, "fg_openbench: %s: %s (%s)\n", path, errname(err), strerror(err));
}

static void *par_worker(void *arg)
{
	struct worker *w = arg;
	struct shared *sh = w->sh;
	char *buf = xmalloc(READ_CHUNK);

	pthread_barrier_wait(&sh->start);
	w->t_start = now_us();
	for (;;) {
		size_t i = atomic_fetch_add(&sh->next, 1);
		double a, b;
		int err;

		if (i >= sh->n)
			break;
		a = now_us();
		err = touch_file(sh->paths[i], buf);
		b = now_us();
		sh->lat[i] = err ? -1.0 : b - a;
		if (err)
			note_failure(sh, sh->paths[i], err);
	}
	w->t_end = now_us();
	free(buf);
	return NULL;
}

static void *same_worker(void *arg)
{
	struct worker *w = arg;
	struct shared *sh = w->sh;
	char *buf = xmalloc(READ_CHUNK);
	double a, b;
	int err;

	pthread_barrier_wait(&sh->start);
	a = w->t_start = now_us();
	err = touch_file(sh->paths[0], buf);
	b = w->t_end = now_us();
	sh->lat[w->index] = b - a;
	sh->err[w->index] = err;
	if (err)
		note_failure(sh, sh->paths[0], err);
	free(buf);
	return NULL;
}

/* Starts nthreads workers, releases them together, returns the wall time in µs: from the
 * first worker starting to the last one finishing (measured by the workers themselves, since
 * the main thread may be scheduled late after the barrier). */
static double run_threads(struct shared *sh, size_t nthreads, void *(*fn)(void *))
{
	pthread_t *tids = xmalloc(nthreads * sizeof(*tids));
	struct worker *ws = xmalloc(nthreads * sizeof(*ws));
	double t0 = 0.0, t1 = 0.0;
	int rc;

	rc = pthread_barrier_init(&sh->start, NULL, (unsigned)nthreads + 1);
	if (rc) {
		fprintf(stderr, "fg_openbench: pthread_barrier_init: %s\n", strerror(rc));
		exit(2);
	}
	for (size_t i = 0; i < nthreads; i++) {
		ws[i].sh = sh;
		ws[i].index = i;
		rc = pthread_create(&tids[i], NULL, fn, &ws[i]);
		if (rc) {
			fprintf(stderr, "fg_openbench: pthread_create: %s\n", strerror(rc));
			exit(2);
		}
	}
	pthread_barrier_wait(&sh->start);
	for (size_t i = 0; i < nthreads; i++) {
		pthread_join(tids[i], NULL);
		if (i == 0 || ws[i].t_start < t0)
			t0 = ws[i].t_start;
		if (i == 0 || ws[i].t_end > t1)
			t1 = ws[i].t_end;
	}
	pthread_barrier_destroy(&sh->start);
	free(tids);
	free(ws);
	return t1 - t0;
}

static int mode_par(const char *dir, size_t n, size_t nthreads)
{
	struct shared sh = { 0 };
	size_t done = 0, failed;
	double wall;

	sh.paths = numbered_paths(dir, n);
	sh.n = n;
	sh.lat = xmalloc(n * sizeof(*sh.lat));
	atomic_init(&sh.next, 0);
	atomic_init(&sh.failed, 0);
	wall = run_threads(&sh, nthreads, par_worker);
	for (size_t i = 0; i < n; i++)
		if (sh.lat[i] >= 0.0)
			sh.lat[done++] = sh.lat[i];
	failed = atomic_load(&sh.failed);
	printf("par files=%zu threads=%zu ok=%zu failed=%zu", n, nthreads, done, failed);
	print_stats(sh.lat, done);
	printf(" total_ms=%.1f files_per_s=%.0f\n", wall / 1e3,
	       wall > 0.0 ? (double)done / (wall / 1e6) : 0.0);
	free(sh.lat);
	free_paths(sh.paths, n);
	return failed ? 1 : 0;
}

static int mode_same(const char *file, size_t nthreads)
{
	struct shared sh = { 0 };
	char *path = (char *)file;
	double wall, mn = 0.0, mx = 0.0, sum = 0.0;
	size_t ok = 0, failed;

	sh.paths = &path;
	sh.lat = xmalloc(nthreads * sizeof(*sh.lat));
	sh.err = xmalloc(nthreads * sizeof(*sh.err));
	atomic_init(&sh.failed, 0);
	wall = run_threads(&sh, nthreads, same_worker);
	for (size_t i = 0; i < nthreads; i++) {
		double l = sh.lat[i];

		if (i == 0 || l < mn)
			mn = l;
		if (i == 0 || l > mx)
			mx = l;
		sum += l;
		if (!sh.err[i])
			ok++;
	}
	failed = atomic_load(&sh.failed);
	printf("same threads=%zu ok=%zu failed=%zu min_us=%.1f mean_us=%.1f max_us=%.1f total_ms=%.1f\n",
	       nthreads, ok, failed, mn, sum / (double)nthreads, mx, wall / 1e3);
	free(sh.lat);
	free(sh.err);
	return failed ? 1 : 0;
}

/* ---- file creation -------------------------------------------------------------------- */

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int mode_mkfiles(const char *dir, size_t n, size_t size)
{
	size_t words = (size + 7) / 8;
	uint64_t *data = xmalloc(words * sizeof(*data)), seed;
	char *path;

	if (getrandom(&seed, sizeof(seed), 0) != (ssize_t)sizeof(seed))
		seed = (uint64_t)now_us();
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "fg_openbench: mkdir %s: %s\n", dir, strerror(errno));
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		size_t off = 0;
		int fd;

		/* distinct content per file, so no scanner can answer one from another's hash */
		for (size_t w = 0; w < words; w++)
			data[w] = splitmix64(&seed);
		if (asprintf(&path, "%s/f%zu", dir, i) < 0) {
			perror("fg_openbench: asprintf");
			return 2;
		}
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0) {
			fprintf(stderr, "fg_openbench: %s: %s\n", path, strerror(errno));
			free(path);
			return 1;
		}
		while (off < size) {
			ssize_t w = write(fd, (const char *)data + off, size - off);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				fprintf(stderr, "fg_openbench: write %s: %s\n", path,
					strerror(errno));
				close(fd);
				free(path);
				return 1;
			}
			off += (size_t)w;
		}
		if (close(fd) != 0) {
			fprintf(stderr, "fg_openbench: close %s: %s\n", path, strerror(errno));
			free(path);
			return 1;
		}
		free(path);
	}
	free(data);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		usage();
	if (strcmp(argv[1], "mkfiles") == 0 && argc == 5)
		return mode_mkfiles(argv[2], parse_count(argv[3], 0), parse_count(argv[4], 0));
	if (strcmp(argv[1], "seq") == 0 && argc == 4) {
		size_t n = parse_count(argv[3], 1);
		char **paths = numbered_paths(argv[2], n);
		int rc = run_paths("seq", paths, n);

		free_paths(paths, n);
		return rc;
	}
	if (strcmp(argv[1], "par") == 0 && argc == 5)
		return mode_par(argv[2], parse_count(argv[3], 1), parse_count(argv[4], 1));
	if (strcmp(argv[1], "same") == 0 && argc == 4)
		return mode_same(argv[2], parse_count(argv[3], 1));
	if (strcmp(argv[1], "list") == 0 && argc == 3) {
		size_t n;
		char **paths = read_list(argv[2], &n);
		int rc;

		if (n == 0) {
			fprintf(stderr, "fg_openbench: %s lists no file\n", argv[2]);
			return 2;
		}
		rc = run_paths("list", paths, n);
		free_paths(paths, n);
		return rc;
	}
	if (strcmp(argv[1], "probe") == 0 && argc == 3) {
		char *buf = xmalloc(READ_CHUNK);
		int err = touch_file(argv[2], buf);

		free(buf);
		printf("%s\n", err ? errname(err) : "ok");
		return err == 0 ? 0 : err == EPERM ? 3 : 4;
	}
	usage();
	return 2;
}
