/*
 * Background scans on the monitor's thread: slots holding our descriptor of
 * each file until its verdict comes, the pacing of scan-ahead and re-scans
 * (one at a time in the pipeline, whose low-priority lane sends it only to an
 * idle scan thread), and keeping their verdicts. See background.h.
 */
#include "daemon/monitor_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/fanotify.h>
#include <unistd.h>

#include "common/log.h"
#include "common/monotonic.h"
#include "common/textbuf.h"
#include "daemon/filter.h"
#include "scanner/runtime.h"

/* close_write scans kept at once: beyond, a close_write is scanned as before, not kept */
#define SLOTS_MAX 256u
#define SLOT_BITS 16

static const char *const kind_names[] = { "close_write", "scan_ahead", "rescan" };

int background_init(struct monitor *m, char *err, size_t errlen)
{
	struct background *bg = &m->bg;
	const struct config *cfg = m->cfg;

	memset(bg, 0, sizeof(*bg));
	if (!m->caching)
		return 0;
	bg->cap = SLOTS_MAX;
	bg->slots = calloc(bg->cap, sizeof(*bg->slots));
	if (!bg->slots) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (unsigned i = 0; i < bg->cap; i++)
		bg->slots[i].fd = -1;
	if (!runtime_background_scans(cfg))
		return 0;
	bg->ahead = cfg->scan_ahead;
	bg->recent_cap = cfg->rescan_after_reload;
	if (bg->recent_cap && !(bg->recent = calloc(bg->recent_cap, sizeof(*bg->recent)))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	bg->walker = scan_ahead_start(cfg->scan_ahead_files, err, errlen);
	return bg->walker ? 0 : -1;
}

void background_free(struct monitor *m)
{
	struct background *bg = &m->bg;

	scan_ahead_stop(bg->walker);
	bg->walker = NULL;
	for (unsigned i = 0; bg->slots && i < bg->cap; i++)
		if (bg->slots[i].id)
			close(bg->slots[i].fd);
	free(bg->slots);
	for (unsigned i = 0; bg->recent && i < bg->recent_cap; i++)
		free(bg->recent[i].path);
	free(bg->recent);
	memset(bg, 0, sizeof(*bg));
}

int background_fd(const struct monitor *m)
{
	return m->bg.walker ? scan_ahead_fd(m->bg.walker) : -1;
}

/* A file whose verdict we have, by name, for the re-scan after the next reload. */
static void note_recent(struct background *bg, const struct stat *st, const char *path)
{
	struct rescan_file *last, *f;
	char *copy;

	if (!bg->recent_cap)
		return;
	last = &bg->recent[(bg->recent_next + bg->recent_cap - 1) % bg->recent_cap];
	if (bg->recent_count && last->dev == st->st_dev && last->ino == st->st_ino)
		return;
	if (!(copy = strdup(path)))
		return;
	f = &bg->recent[bg->recent_next];
	free(f->path);
	*f = (struct rescan_file){ .dev = st->st_dev, .ino = st->st_ino, .path = copy };
	bg->recent_next = (bg->recent_next + 1) % bg->recent_cap;
	if (bg->recent_count < bg->recent_cap)
		bg->recent_count++;
}

static struct background_slot *take_slot(struct background *bg)
{
	for (unsigned i = 0; i < bg->cap; i++) {
		struct background_slot *s = &bg->slots[i];

		if (s->id)
			continue;
		s->id = BACKGROUND_ID_BIT | (++bg->next_id << SLOT_BITS) | i;
		return s;
	}
	return NULL;
}

static void free_slot(struct background_slot *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->id = 0;
}

static struct background_slot *slot_of(struct background *bg, uint64_t id)
{
	uint64_t i = id & ((1u << SLOT_BITS) - 1);

	if (i >= bg->cap || bg->slots[i].id != id)
		return NULL;
	return &bg->slots[i];
}

void background_close_write(struct monitor *m, const struct fanotify_event_metadata *ev,
			    struct scan_request *req)
{
	struct background_slot *s = m->bg.slots ? take_slot(&m->bg) : NULL;
	int dup_fd = s ? fcntl(ev->fd, F_DUPFD_CLOEXEC, 0) : -1;

	req->background = SCAN_FOREGROUND;
	req->submitted_ns = monotonic_ns();
	m->n.close_write++;
	if (dup_fd < 0) {
		/* not kept: scanned as before, the pipeline takes the event's fd */
		if (s)
			s->id = 0;
		req->id = 0;
		req->fd = ev->fd;
		if (pipeline_submit(m->pipeline, req) != 0) {
			m->n.dropped_close_write++;
			close(ev->fd);
		}
		return;
	}
	s->fd = ev->fd;
	s->st = req->st;
	s->generation = req->generation;
	s->why = SCAN_FOREGROUND;
	req->id = s->id;
	req->fd = dup_fd;
	if (pipeline_submit(m->pipeline, req) != 0) {
		m->n.dropped_close_write++;
		close(dup_fd);
		free_slot(s);
	}
}

/* A cold open's folder goes ahead; the file itself is noted for the next reload's re-scan. */
void background_cold_open(struct monitor *m, const struct scan_request *req)
{
	struct background *bg = &m->bg;

	if (!bg->walker)
		return;
	note_recent(bg, &req->st, req->path);
	if (bg->ahead)
		scan_ahead_folder(bg->walker, req->path);
}

/*
 * A clean verdict is kept only while nobody can write the file without
 * clearing its mark: under a read lease, which the kernel grants only while
 * no descriptor (a shared writable mapping's included) has the inode open for
 * writing, and which makes a new writer's open wait until we let go.
 */
static bool mark_without_writers(struct monitor *m, struct background_slot *s)
{
	bool kept;

	if (fcntl(s->fd, F_SETLEASE, F_RDLCK) != 0) {
		if (errno == EAGAIN)
			m->bg.open_for_write++;
		else
			m->bg.no_lease++;
		return false;
	}
	kept = !ignore_marks_enabled(&m->ignore) ||
	       ignore_marks_add_if_unchanged(&m->ignore, s->fd, &s->st);
	if (fcntl(s->fd, F_SETLEASE, F_UNLCK) != 0)
		log_error("cannot release a read lease: %s", strerror(errno));
	return kept;
}

/* The background verdict, kept as an open's would be (and only then). */
static void keep_verdict(struct monitor *m, struct background_slot *s,
			 const struct scan_completion *done)
{
	struct background_counts *k = &m->bg.kind[s->why];
	struct stat now;

	/* a verdict reached with signatures a reload has replaced is not worth keeping */
	if (!m->caching || s->generation != m->generation)
		return;
	if (done->decision == DECISION_DENY) {
		/* a detection is a fact about the content, whatever the other plugins said */
		if (done->cacheable || done->detected) {
			cache_store(&m->cache, &s->st, DECISION_DENY, done->threats);
			k->kept_detected++;
		}
		return;
	}
	/* written since the scan began (a shared mapping's write changes no timestamp) */
	if (!done->cacheable || monitor_written_since(m, &s->st, done->written_seq) ||
	    fstat(s->fd, &now) != 0 || !cache_same_state(&s->st, &now) ||
	    !mark_without_writers(m, s))
		return;
	cache_store(&m->cache, &s->st, DECISION_ALLOW, NULL);
	k->kept_clean++;
}

bool background_completed(struct monitor *m, const struct scan_completion *done)
{
	struct background_slot *s;

	if (!(done->id & BACKGROUND_ID_BIT))
		return false;
	if (done->followup) {
		/* late votes that detect, after the slot was settled: remembered by state */
		if (m->caching && done->generation == m->generation && done->detected &&
		    done->decision == DECISION_DENY)
			cache_store(&m->cache, &done->st, DECISION_DENY, done->threats);
		return true;
	}
	if (!(s = slot_of(&m->bg, done->id)))
		return true;
	keep_verdict(m, s, done);
	m->bg.kind[s->why].scanned++; /* after: whoever reads it sees the verdict kept */
	if (s->why != SCAN_FOREGROUND && m->bg.running)
		m->bg.running--;
	free_slot(s);
	return true;
}

/* A candidate the filter would scan and nobody has verdicted: into the pipeline. */
static bool submit_candidate(struct monitor *m, struct ahead_candidate *c, struct scan_request *req)
{
	struct background_slot *s;
	enum decision cached;
	char threats[8];
	bool report;
	int dup_fd;

	if (!filter_background_path(m, c->path, &c->st, &report)) {
		m->bg.filtered++;
		return false;
	}
	if (cache_peek(&m->cache, &c->st, &cached, threats, sizeof(threats))) {
		m->bg.already_known++;
		return false;
	}
	if (!(s = take_slot(&m->bg)) || (dup_fd = fcntl(c->fd, F_DUPFD_CLOEXEC, 0)) < 0) {
		if (s)
			s->id = 0;
		m->bg.dropped++;
		return false;
	}
	memset(req, 0, offsetof(struct scan_request, path));
	req->id = s->id;
	req->fd = dup_fd;
	req->background = c->why;
	req->kind = FG_EVENT_OPEN; /* what it stands for: the first open to come */
	req->uid = 0;
	req->generation = pipeline_generation(m->pipeline);
	req->submitted_ns = monotonic_ns();
	req->written_seq = monitor_written_seq(m);
	req->st = c->st;
	req->report = report;
	req->have_who = true;
	req->who.uid = -1;
	snprintf(req->who.exe, sizeof(req->who.exe), "(fanguardd: %s)",
		 c->why == SCAN_AHEAD ? "scan-ahead" : "re-scan after reload");
	snprintf(req->path, sizeof(req->path), "%s", c->path);
	s->fd = c->fd;
	s->st = c->st;
	s->generation = req->generation;
	s->why = c->why;
	c->fd = -1; /* the slot's now */
	if (pipeline_submit(m->pipeline, req) != 0) {
		close(dup_fd);
		free_slot(s);
		m->bg.dropped++;
		return false;
	}
	note_recent(&m->bg, &req->st, req->path);
	m->bg.running++;
	return true;
}

void background_pump(struct monitor *m, bool woken)
{
	struct ahead_candidate c;
	struct scan_request *req = NULL;
	eventfd_t ignored;

	if (!m->bg.walker)
		return;
	if (woken)
		eventfd_read(scan_ahead_fd(m->bg.walker), &ignored);
	while (m->bg.running < 1 && scan_ahead_take(m->bg.walker, &c)) {
		if (!req && !(req = malloc(sizeof(*req)))) {
			close(c.fd);
			free(c.path);
			break;
		}
		submit_candidate(m, &c, req);
		if (c.fd >= 0)
			close(c.fd);
		free(c.path);
	}
	free(req);
}

void background_reload(struct monitor *m)
{
	struct background *bg = &m->bg;
	struct rescan_file *list;
	size_t n = 0;

	if (!bg->walker)
		return;
	scan_ahead_forget(bg->walker);
	if (!bg->recent_count || !(list = calloc(bg->recent_count, sizeof(*list))))
		return;
	/* newest first: the ring's last entry is the most recent */
	for (unsigned i = 1; i <= bg->recent_count; i++) {
		struct rescan_file *f =
			&bg->recent[(bg->recent_next + bg->recent_cap - i) % bg->recent_cap];

		list[n++] = *f;
		f->path = NULL;
	}
	bg->recent_count = 0;
	bg->recent_next = 0;
	bg->rescans_queued += n;
	log_info("reload: %zu file(s) verdicted lately are scanned again in the background, "
		 "newest first",
		 n);
	scan_ahead_rescan(bg->walker, list, n);
}

void background_format_stats(struct monitor *m, struct textbuf *tb)
{
	const struct background *bg = &m->bg;
	unsigned long long folders = 0, opened = 0, skipped = 0;

	if (bg->walker)
		scan_ahead_counts(bg->walker, &folders, &opened, &skipped);
	textbuf_printf(
		tb,
		"background: close_write %llu scanned, %llu kept clean, %llu kept "
		"detected; scan-ahead %llu scanned (%llu folders, %llu files opened, %llu "
		"skipped, %llu verdicted already, %llu not scanned by the filter), %llu kept clean, %llu kept detected; "
		"re-scans %llu queued, %llu scanned, %llu kept clean, %llu kept detected; "
		"%llu clean not kept (open for writing), %llu (no lease), %llu dropped\n",
		bg->kind[0].scanned, bg->kind[0].kept_clean, bg->kind[0].kept_detected,
		bg->kind[1].scanned, folders, opened, skipped, bg->already_known, bg->filtered,
		bg->kind[1].kept_clean, bg->kind[1].kept_detected, bg->rescans_queued,
		bg->kind[2].scanned, bg->kind[2].kept_clean, bg->kind[2].kept_detected,
		bg->open_for_write, bg->no_lease, bg->dropped);
}

void background_format_prometheus(struct monitor *m, struct textbuf *tb)
{
	const struct background *bg = &m->bg;
	unsigned long long folders = 0, opened = 0, skipped = 0;

	if (bg->walker)
		scan_ahead_counts(bg->walker, &folders, &opened, &skipped);
	textbuf_printf(tb, "# HELP fanguard_background_scans_total Scans nobody waited for whose "
			   "verdicts are kept (close_write, scan-ahead, re-scan after a reload).\n"
			   "# TYPE fanguard_background_scans_total counter\n");
	for (size_t i = 0; i < 3; i++)
		textbuf_printf(tb, "fanguard_background_scans_total{kind=\"%s\"} %llu\n",
			       kind_names[i], bg->kind[i].scanned);
	textbuf_printf(tb, "# HELP fanguard_background_kept_total Background verdicts kept (clean: "
			   "cached and ignore-marked; detected: cached as a deny).\n"
			   "# TYPE fanguard_background_kept_total counter\n");
	for (size_t i = 0; i < 3; i++)
		textbuf_printf(
			tb,
			"fanguard_background_kept_total{kind=\"%s\",verdict=\"clean\"} %llu\n"
			"fanguard_background_kept_total{kind=\"%s\",verdict=\"detected\"} "
			"%llu\n",
			kind_names[i], bg->kind[i].kept_clean, kind_names[i],
			bg->kind[i].kept_detected);
	textbuf_printf(tb,
		       "# HELP fanguard_background_not_kept_total Clean background verdicts not "
		       "kept, by why: the file was open for writing, or its filesystem has no "
		       "leases to tell.\n"
		       "# TYPE fanguard_background_not_kept_total counter\n"
		       "fanguard_background_not_kept_total{why=\"open_for_write\"} %llu\n"
		       "fanguard_background_not_kept_total{why=\"no_lease\"} %llu\n",
		       bg->open_for_write, bg->no_lease);
	textbuf_printf(tb,
		       "# HELP fanguard_scan_ahead_folders_total Folders walked by scan-ahead.\n"
		       "# TYPE fanguard_scan_ahead_folders_total counter\n"
		       "fanguard_scan_ahead_folders_total %llu\n"
		       "# HELP fanguard_scan_ahead_files_total Files scan-ahead and re-scans "
		       "opened, skipped (not regular files, symlinks, gone), or found verdicted "
		       "already.\n"
		       "# TYPE fanguard_scan_ahead_files_total counter\n"
		       "fanguard_scan_ahead_files_total{outcome=\"opened\"} %llu\n"
		       "fanguard_scan_ahead_files_total{outcome=\"skipped\"} %llu\n"
		       "fanguard_scan_ahead_files_total{outcome=\"verdicted_already\"} %llu\n"
		       "fanguard_scan_ahead_files_total{outcome=\"not_scanned_by_filter\"} %llu\n"
		       "fanguard_scan_ahead_files_total{outcome=\"dropped\"} %llu\n"
		       "# HELP fanguard_rescans_queued_total Files queued for a re-scan after a "
		       "reload.\n"
		       "# TYPE fanguard_rescans_queued_total counter\n"
		       "fanguard_rescans_queued_total %llu\n",
		       folders, opened, skipped, bg->already_known, bg->filtered, bg->dropped,
		       bg->rescans_queued);
}
