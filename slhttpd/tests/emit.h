/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The emitter of slhttpd's user-space tests: every frame the engine sends
 * besides its verdict's goes, once built, to emit_sink(), which each test
 * defines (collect it, or check it).
 */
#ifndef _SLHTTPD_TESTS_EMIT_H
#define _SLHTTPD_TESTS_EMIT_H

#include <stdlib.h>
#include "../engine.h"

static void emit_sink(uint8_t *frame, uint32_t len);

static uint8_t *em_get(void *ctx, uint32_t cap, void **handle)
{
	(void)ctx;
	*handle = malloc(cap);
	return *handle;
}

static int em_send(void *ctx, void *handle, uint32_t len)
{
	(void)ctx;
	if (len)
		emit_sink(handle, len);
	free(handle);
	return 0;
}

static const struct slh_emitter emitter = { em_get, em_send, NULL };

#endif /* _SLHTTPD_TESTS_EMIT_H */
