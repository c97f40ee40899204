#include "daemon/signature_watch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/config.h"
#include "common/log.h"
#include "common/monotonic.h"
#include "common/textbuf.h"
#include "common/trust.h"
#include "daemon/health.h"
#include "daemon/monitor.h"
#include "daemon/pipeline.h"
#include "daemon/signature_info.h"

/* Folders below a data folder are watched this deep at most. */
#define WATCH_DEPTH_MAX 16
/* What changes data: a file written, renamed in or out, created, removed, its mode or owner. */
#define WATCH_MASK                                                                          \
	(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ATTRIB | \
	 IN_DELETE_SELF | IN_MOVE_SELF)

struct data_plugin {
	char *name;
	size_t index; /* in the config's (and the engine's) plugins */
	char **paths; /* its FG_OPT_PATH_LIST values */
	size_t n_paths;
	struct signature_info info; /* as of the last load; under lock */
	bool stale;                 /* older than max_age_days: warned once */
};

/* One inotify watch: a whole folder (name NULL) or one name in a folder. */
struct watch_entry {
	int wd;
	char *dir;
	char *name;
};

struct signature_watch {
	const struct config *cfg;
	struct monitor *monitor;
	struct pipeline *pipeline;
	struct data_plugin plugin[PLUGINS_MAX];
	size_t n;
	pthread_mutex_t lock;      /* plugin[].info and .stale, n_watched, auto_reloads */
	pthread_mutex_t read_lock; /* one reader of the data at a time */
	unsigned info_generation;  /* the pipeline's generation plugin[].info describes */
	/* the thread's alone */
	int inotify_fd, stop_fd;
	struct watch_entry *entry;
	size_t n_entries;
	bool full_warned;
	pthread_t thread;
	bool running;
	/* read by status */
	bool watching; /* inotify watches are in place */
	size_t n_watched;
	unsigned long long auto_reloads;
};

static void free_plugin(struct data_plugin *d)
{
	for (size_t j = 0; j < d->n_paths; j++)
		free(d->paths[j]);
	free(d->paths);
	free(d->name);
}

static int copy_paths(struct data_plugin *d, const struct plugin *p)
{
	for (size_t i = 0; p->opts && i < p->opts->n; i++) {
		const struct option_value *v = &p->opts->values[i];
		char **grown;

		if (v->spec->type != FG_OPT_PATH_LIST || v->count == 0)
			continue;
		grown = realloc(d->paths, (d->n_paths + v->count) * sizeof(*grown));
		if (!grown)
			return -1;
		d->paths = grown;
		for (size_t j = 0; j < v->count; j++) {
			if (!(d->paths[d->n_paths] = strdup(v->list[j])))
				return -1;
			d->n_paths++;
		}
	}
	return 0;
}

/* ---- what the data is ---- */

static bool is_stale(const struct signature_watch *w, const struct data_plugin *d, time_t now)
{
	time_t max = (time_t)w->cfg->signature_max_age * 86400;

	return max > 0 && d->info.made > 0 && now - d->info.made > max;
}

static void format_time(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (t <= 0 || !gmtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(buf, size, "never");
}

static void format_age(long long s, char *buf, size_t size)
{
	if (s < 0)
		s = 0;
	if (s >= 2 * 86400)
		snprintf(buf, size, "%lld days", s / 86400);
	else if (s >= 2 * 3600)
		snprintf(buf, size, "%lld hours", s / 3600);
	else
		snprintf(buf, size, "%lld min", s / 60);
}

/* Warns once when a plugin's data turns older than max_age_days (at a load, or by ageing). */
static void check_stale(struct signature_watch *w)
{
	time_t now = time(NULL);

	pthread_mutex_lock(&w->lock);
	for (size_t i = 0; i < w->n; i++) {
		struct data_plugin *d = &w->plugin[i];
		bool stale = is_stale(w, d, now);
		char made[64], age[32];

		if (stale && !d->stale) {
			format_time(d->info.made, made, sizeof(made));
			format_age((long long)(now - d->info.made), age, sizeof(age));
			log_warning(
				"signatures of %s are %s old (%s %s), more than "
				"signatures.max_age_days = %u: is freshclam (or whatever updates "
				"them) running?",
				d->name, age, d->info.from_headers ? "built" : "newest file", made,
				w->cfg->signature_max_age);
		}
		d->stale = stale;
	}
	pthread_mutex_unlock(&w->lock);
}

/* The data as it is now: after start-up and after each reload that took over. */
static void read_infos(struct signature_watch *w)
{
	for (size_t i = 0; i < w->n; i++) {
		struct signature_info info;

		signature_info_read(w->plugin[i].paths, w->plugin[i].n_paths, &info);
		pthread_mutex_lock(&w->lock);
		w->plugin[i].info = info;
		w->plugin[i].stale = false; /* warned again if still stale */
		pthread_mutex_unlock(&w->lock);
	}
	check_stale(w);
}

/*
 * The data again if new signatures took over since it was last read: by the
 * thread within a second, or by whoever asks first (status, health), so an
 * answer right after "reload: done" describes the new set. True if read.
 */
static bool sync_infos(struct signature_watch *w)
{
	bool read = false;

	pthread_mutex_lock(&w->read_lock);
	if (pipeline_generation(w->pipeline) != w->info_generation) {
		w->info_generation = pipeline_generation(w->pipeline);
		read_infos(w);
		read = true;
	}
	pthread_mutex_unlock(&w->read_lock);
	return read;
}

struct signature_watch *signature_watch_create(const struct config *cfg)
{
	struct signature_watch *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->cfg = cfg;
	w->inotify_fd = w->stop_fd = -1;
	pthread_mutex_init(&w->lock, NULL);
	pthread_mutex_init(&w->read_lock, NULL);
	for (size_t i = 0; i < cfg->n_plugins && w->n < PLUGINS_MAX; i++) {
		struct data_plugin *d = &w->plugin[w->n++];

		d->index = i;
		if (!(d->name = strdup(cfg->plugins[i].name)) ||
		    copy_paths(d, &cfg->plugins[i]) != 0) {
			signature_watch_stop(w);
			return NULL;
		}
	}
	read_infos(w);
	return w;
}

/* ---- the watches ---- */

static void clear_entries(struct signature_watch *w)
{
	for (size_t i = 0; i < w->n_entries; i++) {
		free(w->entry[i].dir);
		free(w->entry[i].name);
	}
	free(w->entry);
	w->entry = NULL;
	w->n_entries = 0;
}

static bool add_watch(struct signature_watch *w, int fd, const char *dir, const char *name)
{
	struct watch_entry *grown;
	int wd;

	if (w->n_entries >= SIGNATURE_WATCH_MAX) {
		if (!w->full_warned)
			log_warning(
				"signatures.auto_reload: more than %d folders to watch; changes "
				"below %s and others are not seen (run `fanguard reload`)",
				SIGNATURE_WATCH_MAX, dir);
		w->full_warned = true;
		return false;
	}
	/* IN_DONT_FOLLOW | IN_ONLYDIR: a folder swapped for a symlink since we looked is refused */
	wd = inotify_add_watch(fd, dir, WATCH_MASK | IN_ONLYDIR | IN_DONT_FOLLOW);
	if (wd < 0) {
		log_warning("signatures.auto_reload: cannot watch %s: %s", dir, strerror(errno));
		return false;
	}
	grown = realloc(w->entry, (w->n_entries + 1) * sizeof(*grown));
	if (!grown)
		return false;
	w->entry = grown;
	grown[w->n_entries].wd = wd;
	grown[w->n_entries].dir = strdup(dir);
	grown[w->n_entries].name = name ? strdup(name) : NULL;
	if (!grown[w->n_entries].dir || (name && !grown[w->n_entries].name)) {
		free(grown[w->n_entries].dir);
		free(grown[w->n_entries].name);
		return false;
	}
	w->n_entries++;
	return true;
}

/* A data folder and the folders below it; symlinks are never followed. */
static void add_folder(struct signature_watch *w, int fd, const char *dir, unsigned depth)
{
	struct dirent *e;
	DIR *d;
	int dfd;

	if (!add_watch(w, fd, dir, NULL) || depth >= WATCH_DEPTH_MAX)
		return;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0 || !(d = fdopendir(dfd))) {
		if (dfd >= 0)
			close(dfd);
		return;
	}
	while ((e = readdir(d))) {
		char sub[PATH_MAX];
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (e->d_type != DT_DIR &&
		    (e->d_type != DT_UNKNOWN ||
		     fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		     !S_ISDIR(st.st_mode)))
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name) >= sizeof(sub))
			continue;
		add_folder(w, fd, sub, depth + 1);
	}
	closedir(d);
}

/* One configured path: a folder is watched whole; a file through its folder, by name. */
static void add_path(struct signature_watch *w, int fd, const char *path)
{
	char real[PATH_MAX], why[512], dir[PATH_MAX], *slash;
	struct stat st;

	/* a symlink someone other than root controls could point the watch anywhere */
	if (trust_resolve(path, real, why, sizeof(why)) != 0) {
		log_warning("signatures.auto_reload: not watching %s: %s", path, why);
		return;
	}
	if (lstat(real, &st) == 0 && S_ISDIR(st.st_mode)) {
		add_folder(w, fd, real, 0);
		return;
	}
	snprintf(dir, sizeof(dir), "%s", real);
	slash = strrchr(dir, '/');
	if (!slash)
		return;
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	add_watch(w, fd, dir, strrchr(real, '/') + 1);
}

/*
 * Watches what the data paths hold now (new folders included). The new set is
 * in place before the old one goes, so no change between the two is missed.
 */
static void rebuild_watches(struct signature_watch *w)
{
	int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);

	if (fd < 0) {
		log_warning("signatures.auto_reload: inotify: %s; signatures are reloaded only by "
			    "`fanguard reload` or SIGHUP",
			    strerror(errno));
		return;
	}
	clear_entries(w);
	w->full_warned = false;
	for (size_t i = 0; i < w->n; i++)
		for (size_t j = 0; j < w->plugin[i].n_paths; j++)
			add_path(w, fd, w->plugin[i].paths[j]);
	if (w->inotify_fd >= 0)
		close(w->inotify_fd);
	w->inotify_fd = fd;
	pthread_mutex_lock(&w->lock);
	w->watching = true;
	w->n_watched = w->n_entries;
	pthread_mutex_unlock(&w->lock);
}

/*
 * Reads the queued events; true if one of them concerns the data, with the
 * first such path in what (for the log). Events of other names in the folder
 * of a watched file do not count.
 */
static bool take_events(struct signature_watch *w, char *what, size_t size)
{
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool changed = false;
	ssize_t len;

	while ((len = read(w->inotify_fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + len;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			const char *name = ev->len ? ev->name : "";

			p += sizeof(*ev) + ev->len;
			if (ev->mask & (IN_Q_OVERFLOW | IN_IGNORED)) {
				/* events lost, or a watched folder gone: reload and look again */
				if (!changed)
					snprintf(what, size, "%s",
						 ev->mask & IN_Q_OVERFLOW ? "(too many changes)"
									  : "(a folder went away)");
				changed = true;
				continue;
			}
			for (size_t i = 0; i < w->n_entries; i++) {
				const struct watch_entry *e = &w->entry[i];

				if (e->wd != ev->wd || (e->name && strcmp(e->name, name) != 0))
					continue;
				if (!changed)
					snprintf(what, size, "%s%s%s", e->dir, name[0] ? "/" : "",
						 name);
				changed = true;
				break;
			}
		}
	}
	return changed;
}

static void *watch_main(void *arg)
{
	struct signature_watch *w = arg;
	uint64_t settle_ns = (uint64_t)w->cfg->reload_settle_s * 1000000000ull;
	uint64_t first = 0, last = 0;
	bool pending = false;
	char what[PATH_MAX + 32] = "";

	for (;;) {
		struct pollfd fds[2] = {
			{ .fd = w->stop_fd, .events = POLLIN },
			{ .fd = w->inotify_fd, .events = POLLIN },
		};
		struct reload_state st;
		uint64_t now;

		/* once a second: a reload's end is noticed, and the age warning comes in time */
		if (poll(fds, 2, 1000) < 0 && errno != EINTR)
			break;
		if (fds[0].revents)
			break;
		now = monotonic_ns();
		if (fds[1].revents & POLLIN && take_events(w, what, sizeof(what))) {
			if (!pending)
				first = now;
			pending = true;
			last = now;
		}
		/* new folders may have come with the new data */
		if (sync_infos(w) && w->watching)
			rebuild_watches(w);
		check_stale(w);
		/* quiet for settle_s, or changing for six times that: a minute by default */
		if (!pending || (now - last < settle_ns && now - first < 6 * settle_ns))
			continue;
		pipeline_reload_state(w->pipeline, &st);
		if (st.running)
			continue; /* it may have read half of the change: ours comes after it */
		pending = false;
		log_notice("signature data changed (%s): reloading", what);
		rebuild_watches(w);
		pthread_mutex_lock(&w->lock);
		w->auto_reloads++;
		pthread_mutex_unlock(&w->lock);
		monitor_reload(w->monitor);
	}
	return NULL;
}

int signature_watch_start(struct signature_watch *w, struct monitor *m, struct pipeline *p,
			  char *err, size_t errlen)
{
	struct reload_state st;

	w->monitor = m;
	w->pipeline = p;
	w->info_generation = pipeline_generation(p);
	pipeline_reload_state(p, &st);
	if (w->cfg->auto_reload && !st.supported)
		log_warning("signatures.auto_reload needs scan { isolation = \"process\" }: "
			    "signatures are loaded at start-up only");
	else if (w->cfg->auto_reload)
		rebuild_watches(w);
	w->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (w->stop_fd < 0 || pthread_create(&w->thread, NULL, watch_main, w) != 0) {
		snprintf(err, errlen, "signature watch: %s", strerror(errno));
		return -1;
	}
	w->running = true;
	if (w->inotify_fd >= 0)
		log_info("signatures: reloaded by themselves %u s after their files change; "
			 "%zu folder(s) watched",
			 w->cfg->reload_settle_s, w->n_entries);
	return 0;
}

void signature_watch_stop(struct signature_watch *w)
{
	if (!w)
		return;
	if (w->running) {
		if (eventfd_write(w->stop_fd, 1) != 0)
			log_error("signature watch: stop: %s", strerror(errno));
		pthread_join(w->thread, NULL);
	}
	if (w->stop_fd >= 0)
		close(w->stop_fd);
	if (w->inotify_fd >= 0)
		close(w->inotify_fd);
	clear_entries(w);
	for (size_t i = 0; i < w->n; i++)
		free_plugin(&w->plugin[i]);
	pthread_mutex_destroy(&w->lock);
	pthread_mutex_destroy(&w->read_lock);
	free(w);
}

/* ---- what status, metrics and health say ---- */

void signature_watch_format_status(struct signature_watch *w, struct textbuf *tb)
{
	struct reload_state st;
	char when[64], failed[64], age[32];
	time_t now = time(NULL);

	sync_infos(w);
	pipeline_reload_state(w->pipeline, &st);
	format_time(st.loaded, when, sizeof(when));
	pthread_mutex_lock(&w->lock);
	if (w->watching)
		textbuf_printf(tb,
			       "signatures: reloaded by themselves %u s after their files change "
			       "(%zu folder(s) watched, %llu automatic reload(s))",
			       w->cfg->reload_settle_s, w->n_watched, w->auto_reloads);
	else
		textbuf_printf(tb, "signatures: reloaded on `fanguard reload` or SIGHUP only%s",
			       st.supported ? "" : " (not even then: isolation = \"thread\")");
	if (w->cfg->signature_max_age)
		textbuf_printf(tb, "; stale after %u days\n", w->cfg->signature_max_age);
	else
		textbuf_printf(tb, "; no age limit\n");
	textbuf_printf(tb, "signatures: loaded %s; reloads: %llu done, %llu failed%s\n", when,
		       st.done, st.failed, st.running ? "; one is running" : "");
	if (st.last_failed) {
		format_time(st.failed_at, failed, sizeof(failed));
		textbuf_printf(
			tb,
			"signatures: last reload FAILED at %s: %s; the set loaded at %s stays "
			"in use\n",
			failed, st.error, when);
	}
	for (size_t i = 0; i < w->n; i++) {
		const struct data_plugin *d = &w->plugin[i];
		char made[64];

		textbuf_printf(tb, "signatures: %s: %llu signatures", d->name,
			       (unsigned long long)pipeline_signature_count(w->pipeline, d->index));
		if (d->info.version[0])
			textbuf_printf(tb, ", %s", d->info.version);
		if (d->info.made > 0) {
			format_time(d->info.made, made, sizeof(made));
			format_age((long long)(now - d->info.made), age, sizeof(age));
			textbuf_printf(tb, ", %s %s (%s old)%s",
				       d->info.from_headers ? "built" : "newest file", made, age,
				       d->stale ? ", STALE" : "");
		}
		if (d->n_paths)
			textbuf_printf(tb, "; %u file(s)%s", d->info.files,
				       d->info.truncated ? " (not all looked at)" : "");
		textbuf_printf(tb, "\n");
	}
	pthread_mutex_unlock(&w->lock);
}

/* A database name as a label value: the header's own letters, anything else as '_'. */
static void label_value(const char *in, size_t len, char *out, size_t size)
{
	size_t k = 0;

	for (size_t j = 0; j < len && k + 1 < size; j++)
		out[k++] = (in[j] >= 'a' && in[j] <= 'z') || (in[j] >= '0' && in[j] <= '9') ||
					   in[j] == '-' || in[j] == '.'
				   ? in[j]
				   : '_';
	out[k] = '\0';
}

/* "daily 27477, main 62" as fanguard_signature_version{plugin,database} lines. */
static void format_versions(const struct data_plugin *d, struct textbuf *tb)
{
	const char *s = d->info.version;

	while (*s) {
		const char *space = strchr(s, ' '), *comma;
		char db[32];

		if (!space)
			break;
		label_value(s, (size_t)(space - s), db, sizeof(db));
		textbuf_printf(tb,
			       "fanguard_signature_version{plugin=\"%s\",database=\"%s\"} %lu\n",
			       d->name, db, strtoul(space + 1, NULL, 10));
		comma = strstr(space, ", ");
		if (!comma)
			break;
		s = comma + 2;
	}
}

void signature_watch_format_prometheus(struct signature_watch *w, struct textbuf *tb)
{
	struct reload_state st;
	time_t now = time(NULL);

	sync_infos(w);
	pipeline_reload_state(w->pipeline, &st);
	textbuf_printf(tb, "# HELP fanguard_signatures Signatures each plugin loaded, as it "
			   "reported them.\n# TYPE fanguard_signatures gauge\n");
	for (size_t i = 0; i < w->n; i++)
		textbuf_printf(tb, "fanguard_signatures{plugin=\"%s\"} %llu\n", w->plugin[i].name,
			       (unsigned long long)pipeline_signature_count(w->pipeline,
									    w->plugin[i].index));
	pthread_mutex_lock(&w->lock);
	textbuf_printf(tb, "# HELP fanguard_signature_version ClamAV database versions from the "
			   ".cvd/.cld/.cud headers.\n# TYPE fanguard_signature_version gauge\n");
	for (size_t i = 0; i < w->n; i++)
		format_versions(&w->plugin[i], tb);
	textbuf_printf(tb, "# HELP fanguard_signature_age_seconds Age of each plugin's data: since "
			   "the newest ClamAV database was built, else since its newest file was "
			   "written.\n# TYPE fanguard_signature_age_seconds gauge\n");
	for (size_t i = 0; i < w->n; i++)
		if (w->plugin[i].info.made > 0)
			textbuf_printf(tb, "fanguard_signature_age_seconds{plugin=\"%s\"} %lld\n",
				       w->plugin[i].name,
				       (long long)(now - w->plugin[i].info.made));
	textbuf_printf(tb,
		       "# HELP fanguard_signature_reloads_automatic_total Reloads started by "
		       "a change of the data files.\n"
		       "# TYPE fanguard_signature_reloads_automatic_total counter\n"
		       "fanguard_signature_reloads_automatic_total %llu\n",
		       w->auto_reloads);
	pthread_mutex_unlock(&w->lock);
	textbuf_printf(tb,
		       "# HELP fanguard_signature_loaded_timestamp_seconds When the signatures in "
		       "use took over (start-up or the last successful reload).\n"
		       "# TYPE fanguard_signature_loaded_timestamp_seconds gauge\n"
		       "fanguard_signature_loaded_timestamp_seconds %lld\n",
		       (long long)st.loaded);
	textbuf_printf(tb,
		       "# HELP fanguard_signature_reloads_total Reloads that ended, by result "
		       "(failed: the previous signatures stayed in use).\n"
		       "# TYPE fanguard_signature_reloads_total counter\n"
		       "fanguard_signature_reloads_total{result=\"done\"} %llu\n"
		       "fanguard_signature_reloads_total{result=\"failed\"} %llu\n",
		       st.done, st.failed);
}

void signature_watch_health(struct signature_watch *w, struct health_report *r)
{
	time_t now = time(NULL);
	char made[64], age[32];

	sync_infos(w);
	pthread_mutex_lock(&w->lock);
	for (size_t i = 0; i < w->n; i++) {
		const struct data_plugin *d = &w->plugin[i];

		if (!is_stale(w, d, now))
			continue;
		format_time(d->info.made, made, sizeof(made));
		format_age((long long)(now - d->info.made), age, sizeof(age));
		health_add(r, HEALTH_SIGNATURES_STALE,
			   "%s signatures are %s old (%s %s; max_age_days = %u)", d->name, age,
			   d->info.from_headers ? "built" : "newest file", made,
			   w->cfg->signature_max_age);
	}
	pthread_mutex_unlock(&w->lock);
}
