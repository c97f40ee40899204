#include "cli/scan_report.h"

#include <stdio.h>
#include <string.h>

#include "common/eventlog.h"

/* Large enough for any path (PATH_MAX) escaped as JSON. */
#define JSON_FIELD_MAX (4096 * 6 + 8)

static void json_string(const char *s)
{
	static char buf[JSON_FIELD_MAX]; /* used under the report lock only */

	eventlog_escape(s, buf, sizeof(buf));
	printf("\"%s\"", buf);
}

/*
 * Calls fn(plugin, text) for each item of a "plugin: text; plugin: text" list;
 * an item without "plugin: " gets an empty plugin.
 */
static void each_item(const char *list, void (*fn)(const char *plugin, const char *text, void *ctx),
		      void *ctx)
{
	char item[1024], *sep;

	while (list && *list) {
		const char *end = strstr(list, "; ");
		size_t len = end ? (size_t)(end - list) : strlen(list);

		snprintf(item, sizeof(item), "%.*s", (int)len, list);
		sep = strstr(item, ": ");
		if (sep) {
			*sep = '\0';
			fn(item, sep + 2, ctx);
		} else {
			fn("", item, ctx);
		}
		list = end ? end + 2 : NULL;
	}
}

struct human_ctx {
	const char *path, *suffix;
	FILE *out;
	unsigned long long count;
};

static void human_item(const char *plugin, const char *text, void *arg)
{
	struct human_ctx *c = arg;

	if (plugin[0])
		fprintf(c->out, "%s: %s:%s%s\n", c->path, plugin, text, c->suffix);
	else
		fprintf(c->out, "%s: %s%s\n", c->path, text, c->suffix);
	c->count++;
}

struct json_ctx {
	const char *value_key;
	bool first;
};

static void json_item(const char *plugin, const char *text, void *arg)
{
	struct json_ctx *c = arg;

	printf("%s{\"plugin\":", c->first ? "" : ",");
	json_string(plugin);
	printf(",\"%s\":", c->value_key);
	json_string(text);
	putchar('}');
	c->first = false;
}

static const char *result_name(const struct scan_result *res)
{
	switch (res->kind) {
	case RESULT_DENY: return "found";
	case RESULT_SKIPPED: return "skipped";
	case RESULT_ERROR: return "error";
	case RESULT_ALLOW: break;
	}
	return res->detections[0] ? "allowed" : res->error_votes ? "clean-with-errors" : "clean";
}

static void print_json(const struct scan_result *res)
{
	struct json_ctx c = { .value_key = "threat", .first = true };

	printf("{\"path\":");
	json_string(res->path);
	printf(",\"result\":\"%s\",\"size\":%llu,\"detections\":[", result_name(res), res->size);
	each_item(res->detections, json_item, &c);
	printf("]");
	if (res->error_votes) {
		c = (struct json_ctx){ .value_key = "message", .first = true };
		printf(",\"errors\":[");
		each_item(res->errors, json_item, &c);
		printf("]");
	} else if (res->errors[0]) {
		printf(",\"reason\":");
		json_string(res->errors);
	}
	if (res->allowed_by) {
		printf(",\"allowed_by\":");
		json_string(res->allowed_by);
	}
	printf("}\n");
}

static void print_human(struct scan_report *r, const struct scan_result *res)
{
	struct human_ctx c = { .path = res->path, .out = stdout };
	char allowed[256];

	switch (res->kind) {
	case RESULT_DENY:
		c.suffix = " FOUND";
		each_item(res->detections, human_item, &c);
		if (!c.count)
			printf("%s: denied by on_error = deny FOUND\n", res->path);
		break;
	case RESULT_ALLOW:
		snprintf(allowed, sizeof(allowed), " detected, allowed by %s",
			 res->allowed_by ? res->allowed_by : "the policy");
		c.suffix = allowed;
		each_item(res->detections, human_item, &c);
		if (!c.count && !r->infected_only)
			printf("%s: OK\n", res->path);
		break;
	case RESULT_SKIPPED:
		if (!r->infected_only)
			printf("%s: skipped, %s\n", res->path, res->errors);
		break;
	case RESULT_ERROR: printf("%s: %s ERROR\n", res->path, res->errors); break;
	}
	if (res->error_votes) {
		c = (struct human_ctx){ .path = res->path, .suffix = "", .out = stderr };
		each_item(res->errors, human_item, &c);
	}
}

static unsigned long long count_items(const char *list)
{
	unsigned long long n = list[0] ? 1 : 0;

	for (const char *s = list; (s = strstr(s, "; ")); s += 2)
		n++;
	return n;
}

void scan_report_init(struct scan_report *r, bool json, bool infected_only, bool progress)
{
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
	r->json = json;
	r->infected_only = infected_only;
	scan_progress_init(&r->progress, progress && !json);
}

void scan_report_result(struct scan_report *r, const struct scan_result *res)
{
	pthread_mutex_lock(&r->lock);
	switch (res->kind) {
	case RESULT_DENY: r->found++; /* fall through */
	case RESULT_ALLOW:
		r->files++;
		r->bytes += res->size;
		break;
	case RESULT_SKIPPED: r->skipped++; break;
	case RESULT_ERROR: r->errors++; break;
	}
	if (res->error_votes)
		r->errors += count_items(res->errors);
	if (res->kind == RESULT_DENY || res->kind == RESULT_ERROR || res->error_votes ||
	    res->detections[0] || !r->infected_only || r->json) {
		scan_progress_clear(&r->progress);
		if (r->json)
			print_json(res);
		else
			print_human(r, res);
		fflush(stdout);
	}
	scan_progress_update(&r->progress, r->files, r->bytes, res->path);
	pthread_mutex_unlock(&r->lock);
}

void scan_report_path_error(struct scan_report *r, const char *path, const char *what)
{
	struct scan_result res = {
		.path = path, .kind = RESULT_ERROR, .detections = "", .errors = what
	};

	scan_report_result(r, &res);
}

void scan_report_moved(struct scan_report *r, const char *path, const char *id)
{
	FILE *out = r->json ? stderr : stdout;

	pthread_mutex_lock(&r->lock);
	scan_progress_clear(&r->progress);
	fprintf(out, "%s: moved to quarantine as %s\n", path, id);
	fflush(out);
	pthread_mutex_unlock(&r->lock);
}

void scan_report_summary(struct scan_report *r, const char *plugins, const char *policy,
			 double seconds)
{
	double mb = (double)r->bytes / (1024.0 * 1024.0);
	double per_s = seconds > 0 ? 1.0 / seconds : 0;

	scan_progress_clear(&r->progress);
	if (r->json) {
		printf("{\"summary\":{\"plugins\":");
		json_string(plugins);
		printf(",\"policy\":");
		json_string(policy);
		printf(",\"scanned_files\":%llu,\"infected_files\":%llu,\"errors\":%llu,"
		       "\"skipped\":%llu,\"bytes\":%llu,\"seconds\":%.3f,\"interrupted\":%s}}\n",
		       r->files, r->found, r->errors, r->skipped, r->bytes, seconds,
		       r->interrupted ? "true" : "false");
		return;
	}
	printf("\n----------- SCAN SUMMARY -----------\n");
	if (r->interrupted)
		printf("Interrupted: yes (Ctrl-C; what follows covers the files scanned until then)\n");
	printf("Plugins: %s\n", plugins);
	printf("Policy: %s\n", policy);
	printf("Scanned files: %llu\n", r->files);
	printf("Infected files: %llu\n", r->found);
	printf("Errors: %llu\n", r->errors);
	if (r->skipped)
		printf("Skipped: %llu\n", r->skipped);
	printf("Data scanned: %.2f MB\n", mb);
	printf("Time: %.3f sec (%.0f files/s, %.1f MB/s)\n", seconds, (double)r->files * per_s,
	       mb * per_s);
}

void scan_report_fini(struct scan_report *r)
{
	pthread_mutex_destroy(&r->lock);
}
