#include "daemon/signature_info.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CVD_HEADER_SIZE 512
#define CVD_DBS_MAX 8

struct cvd_db {
	char name[32]; /* "daily" */
	unsigned version;
};

struct walk {
	struct signature_info *out;
	struct cvd_db db[CVD_DBS_MAX];
	size_t n_db;
	time_t newest_mtime, newest_built;
};

/* nftw has no user pointer: the walk in progress on this thread. */
static _Thread_local struct walk *current;

int signature_info_parse_cvd(const char *header, size_t len, unsigned *version, time_t *built)
{
	char text[CVD_HEADER_SIZE + 1], *field[10], *tok;
	size_t n = 0;
	char *end;
	unsigned long v;

	if (len > CVD_HEADER_SIZE)
		len = CVD_HEADER_SIZE;
	if (len < 11 || memcmp(header, "ClamAV-VDB:", 11) != 0)
		return -1;
	memcpy(text, header, len);
	text[len] = '\0';
	/* strtok_r would merge empty fields: split by hand */
	for (tok = text; n < 10 && tok; n++) {
		field[n] = tok;
		tok = strchr(tok, ':');
		if (tok)
			*tok++ = '\0';
	}
	if (n < 3)
		return -1;
	errno = 0;
	v = strtoul(field[2], &end, 10);
	if (errno || end == field[2] || *end || v > 0xffffffffu)
		return -1;
	*version = (unsigned)v;
	*built = 0;
	if (n >= 9) {
		long long t = strtoll(field[8], &end, 10);
		/* the padding after the last field is spaces */
		if (end != field[8] && (*end == '\0' || *end == ' ') && t > 0)
			*built = (time_t)t;
	}
	return 0;
}

static bool is_database_name(const char *name)
{
	const char *dot = strrchr(name, '.');

	return dot &&
	       (strcmp(dot, ".cvd") == 0 || strcmp(dot, ".cld") == 0 || strcmp(dot, ".cud") == 0);
}

static void read_database(struct walk *w, const char *path, const char *name)
{
	char header[CVD_HEADER_SIZE], db[32];
	unsigned version;
	time_t built;
	struct stat st;
	ssize_t n;
	int fd;

	/* O_NONBLOCK: a FIFO named like a database must not hang the daemon */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return;
	}
	n = pread(fd, header, sizeof(header), 0);
	close(fd);
	if (n <= 0 || signature_info_parse_cvd(header, (size_t)n, &version, &built) != 0)
		return;
	snprintf(db, sizeof(db), "%.*s", (int)(strrchr(name, '.') - name), name);
	if (built > w->newest_built)
		w->newest_built = built;
	for (size_t i = 0; i < w->n_db; i++)
		if (strcmp(w->db[i].name, db) == 0) {
			/* daily.cvd and daily.cld side by side: libclamav loads the newer */
			if (version > w->db[i].version)
				w->db[i].version = version;
			return;
		}
	if (w->n_db < CVD_DBS_MAX) {
		snprintf(w->db[w->n_db].name, sizeof(w->db[w->n_db].name), "%s", db);
		w->db[w->n_db++].version = version;
	}
}

static void take_file(struct walk *w, const char *path, const struct stat *st)
{
	const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	w->out->files++;
	if (st->st_mtime > w->newest_mtime)
		w->newest_mtime = st->st_mtime;
	if (is_database_name(name))
		read_database(w, path, name);
}

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)ftw;
	if (type != FTW_F || !S_ISREG(st->st_mode))
		return 0; /* folders, and symlinks (FTW_PHYS: never followed) */
	if (current->out->files >= SIGNATURE_INFO_MAX_FILES) {
		current->out->truncated = true;
		return 1;
	}
	take_file(current, path, st);
	return 0;
}

static void read_path(struct walk *w, const char *path)
{
	struct stat st;

	/* the configured path itself may be a symlink (the trust check vetted it at load) */
	if (stat(path, &st) != 0)
		return;
	if (S_ISREG(st.st_mode)) {
		take_file(w, path, &st);
		return;
	}
	if (!S_ISDIR(st.st_mode) || w->out->truncated)
		return;
	current = w;
	nftw(path, visit, 16, FTW_PHYS | FTW_MOUNT);
	current = NULL;
}

void signature_info_read(char *const *paths, size_t n, struct signature_info *out)
{
	struct walk w = { .out = out };
	size_t len = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++)
		read_path(&w, paths[i]);
	for (size_t i = 0; i < w.n_db && len < sizeof(out->version); i++)
		len += (size_t)snprintf(out->version + len, sizeof(out->version) - len, "%s%s %u",
					i ? ", " : "", w.db[i].name, w.db[i].version);
	out->from_headers = w.newest_built > 0;
	out->made = out->from_headers ? w.newest_built : w.newest_mtime;
}
