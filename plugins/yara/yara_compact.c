#define _DEFAULT_SOURCE /* malloc_trim */

#include "yara_compact.h"

#include <malloc.h>
#include <stdlib.h>
#include <string.h>

/* The saved form, in memory: written once, then read back from the start. */
struct rules_image {
	unsigned char *data;
	size_t len, cap, pos;
	int failed;
};

static size_t image_write(const void *ptr, size_t size, size_t count, void *user_data)
{
	struct rules_image *img = user_data;
	size_t n = size * count;

	if (size && n / size != count)
		return img->failed = 1, 0;
	if (img->len + n > img->cap) {
		size_t cap = img->cap ? img->cap : 64 * 1024;
		unsigned char *grown;

		while (cap < img->len + n)
			cap *= 2;
		if (!(grown = realloc(img->data, cap)))
			return img->failed = 1, 0;
		img->data = grown;
		img->cap = cap;
	}
	memcpy(img->data + img->len, ptr, n);
	img->len += n;
	return count;
}

static size_t image_read(void *ptr, size_t size, size_t count, void *user_data)
{
	struct rules_image *img = user_data;
	size_t n = size * count;

	if ((size && n / size != count) || n > img->len - img->pos)
		return 0;
	memcpy(ptr, img->data + img->pos, n);
	img->pos += n;
	return count;
}

int yara_compact_rules(YR_RULES **rules)
{
	struct rules_image img = { 0 };
	YR_STREAM stream = { .user_data = &img, .read = image_read, .write = image_write };
	YR_RULES *loaded = NULL;
	int rc = -1;

	if (yr_rules_save_stream(*rules, &stream) == ERROR_SUCCESS && !img.failed &&
	    yr_rules_load_stream(&stream, &loaded) == ERROR_SUCCESS) {
		yr_rules_destroy(*rules);
		*rules = loaded;
		rc = 0;
	}
	free(img.data);
	/* hand the compiler's freed arenas back to the kernel */
	malloc_trim(0);
	return rc;
}
