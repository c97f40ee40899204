/* Minimal test helpers for the stand-alone unit tests: count checks, print failures, exit non-zero. */
#ifndef FANGUARD_TEST_CHECK_H
#define FANGUARD_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;
static int check_count;

#define CHECK(cond)                                                                              \
	do {                                                                                     \
		check_count++;                                                                   \
		if (!(cond)) {                                                                   \
			check_failures++;                                                        \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                                \
	} while (0)

#define CHECK_STR_CONTAINS(haystack, needle)                                                 \
	do {                                                                                 \
		check_count++;                                                               \
		const char *h_ = (haystack);                                                 \
		if (!h_ || !strstr(h_, (needle))) {                                          \
			check_failures++;                                                    \
			fprintf(stderr, "%s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, \
				__LINE__, h_ ? h_ : "(null)", (needle));                     \
		}                                                                            \
	} while (0)

/* Prints the closing line CI reads and returns the process exit code. */
static inline int check_summary(void)
{
	printf("%d passed, %d failed\n", check_count - check_failures, check_failures);
	return check_failures ? 1 : 0;
}

#endif
