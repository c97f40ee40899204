#include "common/textbuf.h"

#include <stdarg.h>
#include <stdio.h>

void textbuf_init(struct textbuf *tb, char *buf, size_t size)
{
	tb->buf = buf;
	tb->size = size;
	tb->len = 0;
	if (size)
		buf[0] = '\0';
}

void textbuf_printf(struct textbuf *tb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (tb->len + 1 >= tb->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(tb->buf + tb->len, tb->size - tb->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	tb->len += (size_t)n;
	if (tb->len >= tb->size)
		tb->len = tb->size - 1; /* truncated: keep what fit */
}
