#include "scanner/engine.h"

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/histogram.h"
#include "common/monotonic.h"
#include "common/sha256.h"

#define READ_CHUNK (64 * 1024)

/*
 * A file truncated while it is mapped raises SIGBUS in whichever code touches
 * the lost pages: ours or a plugin's. The handler jumps back to the scan that
 * armed it; the scan becomes an error instead of the daemon dying.
 */
static _Thread_local sigjmp_buf *sigbus_jump;
static pthread_once_t sigbus_once = PTHREAD_ONCE_INIT;

static void on_sigbus(int sig, siginfo_t *info, void *ucontext)
{
	(void)info;
	(void)ucontext;
	if (sigbus_jump)
		siglongjmp(*sigbus_jump, 1);
	signal(sig, SIG_DFL); /* not from a scan: a real fault, die as we would have */
	raise(sig);
}

static void install_sigbus_handler(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
}

int engine_init(struct engine *e, struct plugin *plugins, size_t n,
		const struct verdict_policy *policy, char *err, size_t errlen)
{
	memset(e, 0, sizeof(*e));
	if (n > PLUGINS_MAX) {
		snprintf(err, errlen, "at most %d plugins can be enabled", PLUGINS_MAX);
		return -1;
	}
	e->plugins = plugins;
	e->n_plugins = n;
	e->policy = *policy;
	for (size_t i = 0; i < n; i++)
		if (plugins[i].desc.flags & FG_PLUGIN_NEEDS_SHA256)
			e->need_sha256 = true;
	return 0;
}

int engine_thread_init(const struct engine *e, struct engine_thread *t, char *err, size_t errlen)
{
	char msg[FG_THREAT_MAX * 2];

	pthread_once(&sigbus_once, install_sigbus_handler);
	memset(t, 0, sizeof(*t));
	t->engine = e;
	for (size_t i = 0; i < e->n_plugins; i++) {
		const struct plugin *p = &e->plugins[i];
		if (!p->desc.thread_init)
			continue;
		msg[0] = '\0';
		if (p->desc.thread_init(p->state, &t->ctx[i], msg, sizeof(msg)) != 0) {
			msg[sizeof(msg) - 1] = '\0';
			snprintf(err, errlen, "plugin '%s': thread context: %s", p->name,
				 msg[0] ? msg : "failed");
			engine_thread_fini(t);
			return -1;
		}
	}
	return 0;
}

void engine_thread_fini(struct engine_thread *t)
{
	for (size_t i = 0; t->engine && i < t->engine->n_plugins; i++) {
		const struct plugin *p = &t->engine->plugins[i];
		if (t->ctx[i] && p->desc.thread_fini)
			p->desc.thread_fini(p->state, t->ctx[i]);
		t->ctx[i] = NULL;
	}
	free(t->buf);
	t->buf = NULL;
}

/* SHA-256 of the mapping, or of the file read through fd; -1 if reading fails. */
/* The clock is read once per this many bytes hashed: a few ms of work. */
#define DIGEST_SLICE (8u << 20)

/*
 * 0: digest set; -1: a read failed (errno); 1: deadline (when not 0) passed
 * first. A sparse terabyte costs its owner nothing and takes many minutes to
 * hash: past the deadline the scanner would be killed as hung.
 */
static int sha256_of(const unsigned char *data, size_t size, int fd, uint64_t deadline,
		     unsigned char digest[32])
{
	unsigned char buf[READ_CHUNK];
	size_t since_check = 0;
	struct sha256 s;

	sha256_init(&s);
	if (data) {
		for (size_t off = 0; off < size; off += DIGEST_SLICE) {
			if (deadline && monotonic_ns() > deadline)
				return 1;
			sha256_update(&s, data + off,
				      size - off < DIGEST_SLICE ? size - off : DIGEST_SLICE);
		}
	} else {
		off_t off = 0;
		ssize_t n;
		while ((n = pread(fd, buf, sizeof(buf), off)) != 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return -1;
			sha256_update(&s, buf, (size_t)n);
			off += n;
			if ((since_check += (size_t)n) >= DIGEST_SLICE) {
				since_check = 0;
				if (deadline && monotonic_ns() > deadline)
					return 1;
			}
		}
	}
	sha256_final(&s, digest);
	return 0;
}

static void fail_all(const struct engine *e, struct scan_outcome *out, const char *why)
{
	snprintf(out->error, sizeof(out->error), "%s", why);
	for (size_t i = 0; i < e->n_plugins; i++) {
		out->votes[i].verdict = FG_VERDICT_ERROR;
		snprintf(out->votes[i].threat, sizeof(out->votes[i].threat), "%s", out->error);
	}
}

/* A plugin's own limit: a larger file is not given to it (its vote is VOTE_SKIPPED). */
static bool plugin_skips(const struct plugin *p, size_t size)
{
	return p->size_limit && (uint64_t)size > p->size_limit;
}

/*
 * Every plugin's vote. no_digest: the digest was wanted but not made (why), so
 * plugins that need it vote errors and the others are still asked.
 */
static void ask_plugins(struct engine_thread *t, const struct fg_scan_object *obj,
			const char *no_digest, struct scan_outcome *out)
{
	const struct engine *e = t->engine;

	for (size_t i = 0; i < e->n_plugins; i++) {
		const struct plugin *p = &e->plugins[i];
		struct plugin_vote *v = &out->votes[i];
		struct fg_scan_result res = {
			.struct_size = sizeof(res),
			.threat = v->threat,
			.threat_size = sizeof(v->threat),
		};
		enum fg_verdict verdict;
		uint64_t start;

		v->threat[0] = '\0';
		if (plugin_skips(p, obj->size)) {
			v->verdict = VOTE_SKIPPED;
			snprintf(v->threat, sizeof(v->threat),
				 "not scanned: %zu bytes, over its max_file_size (%llu)", obj->size,
				 (unsigned long long)p->size_limit);
			continue;
		}
		if (no_digest && (p->desc.flags & FG_PLUGIN_NEEDS_SHA256)) {
			v->verdict = FG_VERDICT_ERROR;
			snprintf(v->threat, sizeof(v->threat), "%s", no_digest);
			continue;
		}
		start = monotonic_ns();
		verdict = p->desc.scan(p->state, t->ctx[i], obj, &res);
		v->threat[sizeof(v->threat) - 1] = '\0';
		v->not_cacheable = res.flags & FG_RESULT_NOT_CACHEABLE;
		out->plugin_ns[i] = monotonic_ns() - start;
		switch (verdict) {
		case FG_VERDICT_CLEAN:
		case FG_VERDICT_DETECTED:
		case FG_VERDICT_ERROR:
		case FG_VERDICT_TRUSTED: v->verdict = verdict; break;
		default:
			v->verdict = FG_VERDICT_ERROR;
			snprintf(v->threat, sizeof(v->threat), "plugin returned invalid verdict %d",
				 (int)verdict);
		}
		if (v->verdict == FG_VERDICT_DETECTED && !v->threat[0])
			snprintf(v->threat, sizeof(v->threat), "%s.Unnamed", p->name);
	}
}

/* What this file needs read: nothing when every plugin skips it, the digest if one asked wants it. */
static size_t plugins_asked(const struct engine *e, size_t size, bool *need_sha256)
{
	size_t asked = 0;

	*need_sha256 = false;
	for (size_t i = 0; i < e->n_plugins; i++) {
		if (plugin_skips(&e->plugins[i], size))
			continue;
		asked++;
		if (e->plugins[i].desc.flags & FG_PLUGIN_NEEDS_SHA256)
			*need_sha256 = true;
	}
	return asked;
}

/* Reads size bytes at offset off into buf. -1 with errno, or EIO if the file is shorter. */
static int read_whole_at(int fd, unsigned char *buf, size_t size, off_t off)
{
	size_t got = 0;
	ssize_t n;

	while (got < size) {
		n = pread(fd, buf + got, size - got, off + (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got != size) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/* why = "cannot read file: ..." for a read_whole_at failure. */
static void read_failure(char *why, size_t whylen)
{
	snprintf(why, whylen, "cannot read file: %s",
		 errno == EIO ? "it changed size while being read" : strerror(errno));
}

/* Sparse files whose data (not holes) is at most this are copied into memory of ours. */
#define SPARSE_COPY_MAX (256 * 1024 * 1024)

/*
 * A sparse file, copied extent by extent into anonymous memory: the holes stay
 * unbacked zero pages. Mapping it instead would fault in a page for every hole
 * read (on tmpfs those pages are charged to the filesystem, and past its size
 * the scan dies of SIGBUS: a 150 MiB sparse file on a 64 MiB tmpfs turned every
 * vote into an error). 1: done, *map set; 0: not worth it, map the file; -1: errno.
 */
static int copy_sparse(const struct fg_scan_object *obj, void **map)
{
	size_t copied = 0;
	off_t pos = 0, end = (off_t)obj->size;
	unsigned char *mem;

	mem = mmap(NULL, obj->size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED)
		return 0;
	while (pos < end) {
		off_t data = lseek(obj->fd, pos, SEEK_DATA), hole;

		if (data < 0 && errno == ENXIO)
			break; /* only a hole to the end */
		if (data < 0 || (hole = lseek(obj->fd, data, SEEK_HOLE)) < 0)
			goto map_instead; /* no SEEK_DATA here */
		if (data >= end)
			break;
		if (hole > end)
			hole = end;
		if ((copied += (size_t)(hole - data)) > SPARSE_COPY_MAX)
			goto map_instead;
		if (read_whole_at(obj->fd, mem + data, (size_t)(hole - data), data) != 0) {
			munmap(mem, obj->size);
			return -1;
		}
		pos = hole;
	}
	mprotect(mem, obj->size, PROT_READ);
	*map = mem;
	return 1;
map_instead:
	munmap(mem, obj->size);
	return 0;
}

/* Makes the file's bytes available as obj->data: read for small files, mapped for big ones. */
static int load_bytes(struct engine_thread *t, struct fg_scan_object *obj, bool *mapped, char *why,
		      size_t whylen)
{
	void *map;
	int rc;

	*mapped = false;
	if (obj->size == 0)
		return 0;
	if (obj->size <= ENGINE_READ_MAX) {
		if (!t->buf && !(t->buf = malloc(ENGINE_READ_MAX))) {
			snprintf(why, whylen, "cannot read file: out of memory");
			return -1;
		}
		if (read_whole_at(obj->fd, t->buf, obj->size, 0) != 0) {
			read_failure(why, whylen);
			return -1;
		}
		obj->data = t->buf;
		return 0;
	}
	if ((uint64_t)obj->st->st_blocks * 512 < (uint64_t)obj->size &&
	    (rc = copy_sparse(obj, &map)) != 0) {
		if (rc < 0) {
			read_failure(why, whylen);
			return -1;
		}
		obj->data = map;
		*mapped = true;
		return 0;
	}
	map = mmap(NULL, obj->size, PROT_READ, MAP_PRIVATE, obj->fd, 0);
	if (map == MAP_FAILED)
		return 0; /* plugins fall back to reading through the fd */
	obj->data = map;
	*mapped = true;
	return 0;
}

/* Plugin contexts a SIGBUS interrupted may be mid-scan: start them afresh. */
static void renew_thread_contexts(struct engine_thread *t)
{
	const struct engine *e = t->engine;
	char err[256];

	engine_thread_fini(t);
	if (engine_thread_init(e, t, err, sizeof(err)) != 0)
		fprintf(stderr, "fanguard: after SIGBUS: %s\n", err);
}

void engine_scan(struct engine_thread *t, const struct scan_target *target,
		 struct scan_outcome *out)
{
	const struct engine *e = t->engine;
	sigjmp_buf jump;
	volatile bool mapped = false; /* read again after a SIGBUS jump */
	bool is_mapped, digest;
	int rc;
	volatile bool need_sha256; /* like mapped: kept across a SIGBUS jump */
	uint64_t start;
	char why[256];
	struct fg_scan_object obj = {
		.struct_size = sizeof(obj),
		.fd = target->fd,
		.path = target->path,
		.size = (size_t)target->st->st_size,
		.st = target->st,
		.pid = target->pid,
		.kind = target->kind,
		.deadline_ns = target->deadline_ns,
	};

	memset(out, 0, sizeof(*out));
	out->n_votes = e->n_plugins;
	if (plugins_asked(e, obj.size, &digest) == 0) {
		ask_plugins(t, &obj, NULL, out); /* all skipped: the file is not even read */
		return;
	}
	need_sha256 = digest;
	start = monotonic_ns();
	if (load_bytes(t, &obj, &is_mapped, why, sizeof(why)) != 0) {
		fail_all(e, out, why);
		goto done;
	}
	mapped = is_mapped;
	out->read_ns = monotonic_ns() - start;
	if (mapped && sigsetjmp(jump, 1) != 0) {
		sigbus_jump = NULL;
		munmap((void *)obj.data, obj.size);
		mapped = false;
		renew_thread_contexts(t);
		fail_all(e, out, "file truncated while being scanned (SIGBUS)");
		goto done;
	}
	if (mapped)
		sigbus_jump = &jump;
	why[0] = '\0';
	if (need_sha256) {
		start = monotonic_ns();
		rc = sha256_of(obj.data, obj.size, obj.fd, obj.deadline_ns, out->sha256);
		if (rc < 0) {
			snprintf(why, sizeof(why), "cannot read file: %s",
				 strerror(errno ? errno : EIO));
			sigbus_jump = NULL;
			fail_all(e, out, why);
			goto done;
		}
		if (rc > 0)
			snprintf(why, sizeof(why),
				 "not hashed: %zu bytes take longer than a scan may (1.5 x timeout_ms)",
				 obj.size);
		out->have_sha256 = rc == 0;
		obj.sha256 = rc == 0 ? out->sha256 : NULL;
		out->sha256_ns = monotonic_ns() - start;
	}
	ask_plugins(t, &obj, why[0] ? why : NULL, out);
	sigbus_jump = NULL;
done:
	if (mapped)
		munmap((void *)obj.data, obj.size);
}

void engine_decide(const struct engine *e, struct scan_outcome *out)
{
	enum fg_verdict votes[PLUGINS_MAX];

	for (size_t i = 0; i < out->n_votes; i++)
		votes[i] = out->votes[i].verdict;
	out->decision = verdict_combine(&e->policy, votes, out->n_votes, &out->reason);
}

void engine_describe(const struct engine *e, const struct scan_outcome *out, enum fg_verdict which,
		     char *buf, size_t bufsize)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < out->n_votes && len < bufsize; i++) {
		if (out->votes[i].verdict != which)
			continue;
		int n = snprintf(buf + len, bufsize - len, "%s%s: %s", len ? "; " : "",
				 e->plugins[i].name, out->votes[i].threat);
		if (n < 0)
			break;
		len += (size_t)n;
	}
}
