/* Recognising well-formed UTF-8, for the escapers of the event log and the daemon's log. */
#ifndef FANGUARD_UTF8_H
#define FANGUARD_UTF8_H

#include <stddef.h>

/* The length of the well-formed UTF-8 sequence of 2 to 4 bytes at s, or 0 (ASCII included). */
static inline size_t utf8_len(const unsigned char *s)
{
	size_t n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;

	if (n == 0 || s[0] > 0xf4)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

#endif
