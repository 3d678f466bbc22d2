/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal KTAP producer for ndiv's user-space unit tests.
 *
 * A test file defines test functions that call KTAP_EXPECT(); main() runs
 * them with ktap_run() and returns ktap_finish().
 */
#ifndef _NDIV_KTAP_H
#define _NDIV_KTAP_H

#include <stdio.h>

struct ktap_case {
	const char *name;
	void (*fn)(void);
};

static int ktap_case_failed;
static int ktap_failures;

#define KTAP_EXPECT(cond) do {						\
	if (!(cond)) {							\
		printf("# %s:%d: expected %s\n", __FILE__, __LINE__,	\
		       #cond);						\
		ktap_case_failed = 1;					\
	}								\
} while (0)

static inline void ktap_run(const struct ktap_case *cases, int n)
{
	int i;

	printf("KTAP version 1\n1..%d\n", n);
	for (i = 0; i < n; i++) {
		ktap_case_failed = 0;
		cases[i].fn();
		printf("%s %d %s\n", ktap_case_failed ? "not ok" : "ok",
		       i + 1, cases[i].name);
		ktap_failures += ktap_case_failed;
	}
}

static inline int ktap_finish(void)
{
	printf("# %d failed\n", ktap_failures);
	return ktap_failures ? 1 : 0;
}

#define KTAP_CASE(fn) { #fn, fn }

#endif /* _NDIV_KTAP_H */
