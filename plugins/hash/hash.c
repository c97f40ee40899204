/*
 * hash: SHA-256 block and allow lists in sha256sum format. A blocklisted
 * digest is a detection, an allowlisted one is trusted; the blocklist wins
 * when a digest is in both.
 */
#define _POSIX_C_SOURCE 200809L /* pread under -std=c11 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "fanguard/plugin.h"
#include "hashlist.h"

#define HASH_READ_CHUNK (64 * 1024)
#define HASH_LABEL_MAX 100      /* of the label in a threat name */
#define HASH_OVERLAP_REPORTS 10 /* individual warnings before summarising the rest */

struct hash_state {
	const struct fg_host_api *host;
	const struct fg_options *opts;
	struct hashlist blocklist;
	struct hashlist allowlist;
};

static const struct fg_option_spec hash_options[] = {
	{ "blocklist", FG_OPT_PATH_LIST, "{}", "sha256sum-format files of digests to detect" },
	{ "allowlist", FG_OPT_PATH_LIST, "{}", "sha256sum-format files of digests to trust" },
	{ NULL, 0, NULL, NULL },
};

static int load_lists(struct hash_state *st, const char *option, struct hashlist *list, char *err,
		      size_t err_size)
{
	const struct fg_host_api *host = st->host;
	size_t n = host->opt_list_count(st->opts, option);

	for (size_t i = 0; i < n; i++) {
		const char *path = host->opt_list_item(st->opts, option, i);

		if (!path) {
			snprintf(err, err_size, "%s: item %zu missing", option, i);
			return -1;
		}
		if (hashlist_load_file(list, path, err, err_size) == -1)
			return -1;
	}
	hashlist_finish(list);
	return 0;
}

/* A digest in both lists is a configuration mistake worth a warning; scan checks the blocklist first. */
static void warn_overlap(struct hash_state *st)
{
	const struct hashlist *small = &st->blocklist, *large = &st->allowlist;
	char hex[HASHLIST_HEX_LEN + 1];
	size_t overlap = 0;

	if (hashlist_count(small) > hashlist_count(large)) {
		small = &st->allowlist;
		large = &st->blocklist;
	}
	for (size_t i = 0; i < small->count; i++) {
		if (!hashlist_lookup(large, small->entries[i].digest))
			continue;
		if (++overlap > HASH_OVERLAP_REPORTS)
			continue;
		hashlist_format_hex(small->entries[i].digest, HASHLIST_DIGEST_LEN, hex);
		st->host->log(
			st->opts, FG_LOG_WARNING,
			"digest %s is in both the blocklist and the allowlist; the blocklist wins",
			hex);
	}
	if (overlap > HASH_OVERLAP_REPORTS)
		st->host->log(st->opts, FG_LOG_WARNING,
			      "%zu more digests are in both lists; the blocklist wins",
			      overlap - HASH_OVERLAP_REPORTS);
}

static void hash_fini(void *state)
{
	struct hash_state *st = state;

	if (!st)
		return;
	hashlist_free(&st->blocklist);
	hashlist_free(&st->allowlist);
	free(st);
}

static int hash_init(const struct fg_host_api *host, const struct fg_options *opts, void **state,
		     char *err, size_t err_size)
{
	struct hash_state *st;

	if (!host || !FG_HAS_FIELD(host, struct fg_host_api, opt_list_item)) {
		snprintf(err, err_size, "host API too old: no list options");
		return -1;
	}
	if (!(st = calloc(1, sizeof(*st)))) {
		snprintf(err, err_size, "%s", strerror(errno));
		return -1;
	}
	st->host = host;
	st->opts = opts;
	hashlist_init(&st->blocklist);
	hashlist_init(&st->allowlist);
	if (load_lists(st, "blocklist", &st->blocklist, err, err_size) == -1 ||
	    load_lists(st, "allowlist", &st->allowlist, err, err_size) == -1) {
		hash_fini(st);
		return -1;
	}
	if (hashlist_count(&st->blocklist) == 0 && hashlist_count(&st->allowlist) == 0)
		host->log(opts, FG_LOG_WARNING,
			  "blocklist and allowlist are both empty; nothing to match");
	warn_overlap(st);
	host->log(opts, FG_LOG_INFO, "%zu blocklisted, %zu allowlisted digests",
		  hashlist_count(&st->blocklist), hashlist_count(&st->allowlist));
	*state = st;
	return 0;
}

/* Hashes the content through fd when the host did not map it. */
static int digest_fd(EVP_MD_CTX *ctx, int fd, char *err, size_t err_size)
{
	unsigned char *buf;
	off_t off = 0;
	ssize_t n;
	int rc = -1;

	/* on the heap: scan threads may run on small stacks */
	if (!(buf = malloc(HASH_READ_CHUNK))) {
		snprintf(err, err_size, "%s", strerror(errno));
		return -1;
	}
	while ((n = pread(fd, buf, HASH_READ_CHUNK, off)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(err, err_size, "read: %s", strerror(errno));
			goto out;
		}
		if (EVP_DigestUpdate(ctx, buf, (size_t)n) != 1) {
			snprintf(err, err_size, "SHA-256 failed");
			goto out;
		}
		off += n;
	}
	rc = 0;
out:
	free(buf);
	return rc;
}

/* Fallback for a host that ignores FG_PLUGIN_NEEDS_SHA256. */
static int digest_object(const struct fg_scan_object *obj, unsigned char *digest, char *err,
			 size_t err_size)
{
	EVP_MD_CTX *ctx;
	unsigned int len = 0;
	int rc = -1;

	if (!(ctx = EVP_MD_CTX_new())) {
		snprintf(err, err_size, "SHA-256: out of memory");
		return -1;
	}
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
	    (obj->data && EVP_DigestUpdate(ctx, obj->data, obj->size) != 1)) {
		snprintf(err, err_size, "SHA-256 failed");
		goto out;
	}
	if (!obj->data && digest_fd(ctx, obj->fd, err, err_size) == -1)
		goto out;
	if (EVP_DigestFinal_ex(ctx, digest, &len) != 1 || len != HASHLIST_DIGEST_LEN) {
		snprintf(err, err_size, "SHA-256 failed");
		goto out;
	}
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	return rc;
}

/* Threat names travel through logs and the control socket: keep them to a safe alphabet. */
static void format_threat(const unsigned char *digest, const char *label, char *out, size_t size)
{
	char name[HASH_LABEL_MAX + 1];
	size_t n = 0;

	if (!label || !*label) {
		hashlist_format_hex(digest, 8, name); /* 16 hex digits */
	} else {
		for (; label[n] && n < HASH_LABEL_MAX; n++) {
			char c = label[n];
			int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
				 (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';

			name[n] = ok ? c : '_';
		}
		name[n] = '\0';
	}
	snprintf(out, size, "Hash.Blocklist.%s", name);
}

static enum fg_verdict hash_scan(void *state, void *thread_ctx, const struct fg_scan_object *obj,
				 struct fg_scan_result *result)
{
	struct hash_state *st = state;
	unsigned char computed[HASHLIST_DIGEST_LEN];
	const unsigned char *digest = NULL;
	const char *label;

	if (FG_HAS_FIELD(obj, struct fg_scan_object, sha256))
		digest = obj->sha256;
	if (!digest) {
		if (digest_object(obj, computed, result->threat, result->threat_size) == -1)
			return FG_VERDICT_ERROR;
		digest = computed;
	}
	if ((label = hashlist_lookup(&st->blocklist, digest))) {
		format_threat(digest, label, result->threat, result->threat_size);
		return FG_VERDICT_DETECTED;
	}
	if (hashlist_lookup(&st->allowlist, digest))
		return FG_VERDICT_TRUSTED;
	return FG_VERDICT_CLEAN;
}

static uint64_t hash_signature_count(void *state)
{
	struct hash_state *st = state;

	return hashlist_count(&st->blocklist) + hashlist_count(&st->allowlist);
}

static const struct fg_plugin hash_plugin = {
	FG_PLUGIN_HEADER,
	.flags = FG_PLUGIN_NEEDS_SHA256,
	.name = "hash",
	.version = FANGUARD_BUNDLED_VERSION,
	.description = "SHA-256 block and allow lists (sha256sum format)",
	.options = hash_options,
	.init = hash_init,
	.scan = hash_scan,
	.fini = hash_fini,
	.signature_count = hash_signature_count,
};

FG_PLUGIN_DEFINE(hash_plugin)
