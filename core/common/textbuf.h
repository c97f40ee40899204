/* Building multi-line text (status reports, metrics) in a caller's buffer, truncating safely. */
#ifndef FANGUARD_TEXTBUF_H
#define FANGUARD_TEXTBUF_H

#include <stddef.h>

struct textbuf {
	char *buf;
	size_t size, len;
};

void textbuf_init(struct textbuf *tb, char *buf, size_t size);
void textbuf_printf(struct textbuf *tb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
