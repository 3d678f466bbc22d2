// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: bench-reflect on arbitrary frames. The frame sits at
 * the end of an exactly sized heap buffer so ASan sees any overread.
 */
#include <stdlib.h>
#include <string.h>
#include "../../ndiv/bench/reflect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ndiv_frame f = { 0 };
	uint8_t *buf;

	if (size > 4096)
		return 0;
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	f.data = buf;
	f.len = (uint32_t)size;
	if (ndiv_bench_reflect(&f) == NDIV_PASS && size)
		if (memcmp(buf, data, size))
			abort();	/* PASS must leave the frame alone */
	free(buf);
	return 0;
}
